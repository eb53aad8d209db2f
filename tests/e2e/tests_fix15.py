"""Bugs a user-story trial found in issue 15's landed work: q in every
view, the units of the marks and the delete progress, recreate's name
matching and its pip-only records, dialog wording, rebuild's recipe
comparison, "just now", stale status messages, the log pane's long lines,
and freeze's proposal for a .venv in a project-like folder."""

import os
import re

from harness import Group


def _browser():
    # Imported here: the CLI tests run without tmux's helpers.
    import browser_kit
    import tests_actions as ta
    import tests_actions_browser as tab
    import tty
    return browser_kit, ta, tab, tty


def _env(ta, ctx, path, dists=()):
    ta.venv_ref(ctx.fx.fast, ["--without-pip"], [path], os.path.join(os.path.dirname(path), "home"))
    for name in dists:
        ta.add_dist(path, name, "1.0")
    return path


# ------------------------------------------------------------ 1. q closes a view

def t_q_closes_views(ctx):
    """q in the help, the details, the caches and the duplicates goes back
    to the list (as Esc); only q in the list quits (exit 0)."""
    bk, ta, tab, tty = _browser()

    def run(st):
        root = os.path.join(ta.workdir(ctx, "f15-q"), "root")
        _env(ta, ctx, os.path.join(root, "one"), ["somepkg"])
        with tty.Tty(ctx.runner, [], width=160, height=32, shell=True, tag="f15-q") as t:
            t.wait_for(r"^[$#] ?$", what="the shell prompt")
            t.line(t.command_line([root]) + '; echo "RC=$?"')
            bk.start(t)
            in_list = lambda s: "NAME" in s.titles() and "RC=" not in s.text and s  # noqa: E731
            views = [("help from the list", ["?"], r"^ In the list"),
                     ("details", ["Enter"], r"^ packages \(\d+\)"),
                     ("help from the details", ["Enter", "?"], r"^ In the details"),
                     ("caches", ["C"], r"^ TOOL +SIZE"),
                     ("duplicates", ["D"], r"Duplicates:")]
            for name, keys, shown in views:
                st.at("open the %s" % name)
                t.keys(*keys)
                t.wait_for(shown, what="the %s" % name)
                st.at("q in the %s" % name)
                t.keys("q")
                if name == "help from the details":
                    t.wait_for(r"^ packages \(\d+\)", what="q in the help to go back to the details")
                    t.keys("q")
                scr = t.wait_for(in_list, what="q in the %s to go back to the list" % name)
                st.check("q in the %s: back to the list, still running" % name,
                         [] if scr.dead is None and "RC=" not in scr.text else [str(scr)])
            st.at("q in the list")
            t.keys("q")
            scr = t.wait_for(r"^RC=\d+", timeout=10, what="q in the list to quit")
            st.check("q in the list quits (exit 0)", [] if re.search(r"^RC=0$", scr.text, re.M) else [str(scr)])
    return bk.session("fix15 browser: q closes a view", run)


# ------------------------------------------------- 2, 3. one unit for the marks

def _du(path, *opts):
    import truth
    return truth.du_bytes(path, *opts)


def t_marks_one_unit(ctx):
    """Apparent sizes shown (the start), one env of many tiny files
    (apparent far below its disk usage): the status line's marks, the
    delete dialog's space sentence and the progress area all give the disk
    total that freeable is a part of (du -s), never the apparent one."""
    bk, ta, tab, tty = _browser()
    import subprocess
    import truth

    def run(st):
        root = os.path.join(ta.workdir(ctx, "f15-units"), "root")
        env = _env(ta, ctx, os.path.join(root, "tiny-files"))
        data = os.path.join(env, "data")
        os.makedirs(data)
        for i in range(300):
            with open(os.path.join(data, "f%03d.txt" % i), "w") as f:
                f.write("x" * 10)
        stuck = os.path.join(data, "zz-stuck.txt")
        open(stuck, "w").write("immutable\n")
        if subprocess.run(["chattr", "+i", stuck], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            st.g.skip("fix15 browser: marks in one unit", "chattr +i does not work here")
            return
        try:
            apparent, disk = _du(env, "-b"), _du(env, "--block-size=1")
            free = truth.space_of(env)[1]
            if bk.human_size(apparent) == bk.human_size(disk):
                raise LookupError("apparent %d and disk %d read the same" % (apparent, disk))
            with tty.Tty(ctx.runner, [root], width=160, height=32, tag="f15-units") as t:
                scr = bk.start(t)
                st.check("the list shows apparent sizes", [] if "apparent · " in scr.line(0) else [scr.line(0)])
                t.keys("Space")
                want = "1 marked · %s freeable of %s on disk" % (bk.human_size(free), bk.human_size(disk))
                scr = t.wait_for(lambda s: "1 marked" in s.last and s, what="the marks on the status line")
                st.check("status line %r (du -s, not du -sb %s)" % (want, bk.human_size(apparent)),
                         [] if want in scr.last else ["status line %r" % scr.last])
                t.keys("d")
                scr = t.wait_for(r"Delete 1 environment", what="the delete dialog")
                want = "y frees %s of its %s on disk." % (bk.human_size(free), bk.human_size(disk))
                st.check("the dialog says %r" % want, [] if want in " ".join(scr.text.split())
                         else [str(scr)])
                t.keys("y")
                scr = t.wait_for(r"Cannot remove a file", timeout=20, what="the immutable file's dialog")
                flat = scr.text.replace("\n", " ")
                m0 = re.search(r"Deleting 1 of 1: tiny-files\s+\[[#-]{30}\]\s+\d+ files?, (\S+ \S+) of "
                               r"(\S+ \S+) on disk", flat)
                m1 = re.search(r"In all\s+\[[#-]{30}\]\s+(\S+ \S+) of (\S+ \S+) on disk", flat)
                d = []
                if not m0 or m0.group(2) != bk.human_size(disk):
                    d.append("no progress line 'Deleting 1 of 1: tiny-files [...] N files, X of %s on disk'"
                             % bk.human_size(disk))
                if not m1 or m1.group(2) != bk.human_size(disk):
                    d.append("no progress line 'In all [...] X of %s on disk'" % bk.human_size(disk))
                st.check("the progress counts disk usage, of the dialog's %s" % bk.human_size(disk),
                         d + ([str(scr)] if d else []))
                t.keys("a")
                t.wait_for(lambda s: "Cannot remove" not in s.text and "Esc stops" not in s.text and s,
                           timeout=20, what="the delete to end")
        finally:
            subprocess.run(["chattr", "-i", stuck], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return bk.session("fix15 browser: marks in one unit", run)


def tests(ctx):
    return [("fix15 browser marks one unit", lambda: t_marks_one_unit(ctx)),
            ("fix15 browser q closes views", lambda: t_q_closes_views(ctx))]
