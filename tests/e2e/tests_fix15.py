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


# ------------------------------------------------- 4, 5. recreate

def _cli_home(ctx, tag):
    from harness import fresh_dir
    base = fresh_dir(ctx.fx.base, "fix15", tag)
    home = os.path.join(base, "home")
    for sub in (".local/share", ".local/state", ".cache", ".config"):
        os.makedirs(os.path.join(home, sub))
    return base, home


def t_recreate_exact(ctx):
    """Records of envs `legacy` and `legacy-twin`: `recreate legacy` makes
    legacy (the exact name wins), not 'ambiguous'; `recreate leg` still
    lists both."""
    import tests_actions as ta
    g = Group()
    base, home = _cli_home(ctx, "recreate-exact")
    envs = {}
    for name in ("legacy", "legacy-twin"):
        envs[name] = _env(ta, ctx, os.path.join(base, "envs", name), ["pkg_" + name.replace("-", "_")])
        p = ctx.runner.run(["delete", "--yes", envs[name]], home=home)
        if p.rc != 0 or os.path.exists(envs[name]):
            g.fail("fix15 recreate exact (setup: delete %s)" % name, p.err.decode(errors="replace"))
            return g
    p = ctx.runner.run(["recreate", "legacy"], home=home, timeout=120)
    d = [] if p.rc == 0 else ["exit %d: %r" % (p.rc, p.err.decode(errors="replace")[-600:])]
    if not os.path.isfile(os.path.join(envs["legacy"], "pyvenv.cfg")):
        d.append("%s was not made" % envs["legacy"])
    if os.path.exists(envs["legacy-twin"]):
        d.append("%s was made too" % envs["legacy-twin"])
    g.check("fix15 recreate legacy: the exact name wins over legacy-twin", d)
    p = ctx.runner.run(["recreate", "leg"], home=home, timeout=120)
    err = p.err.decode(errors="replace")
    g.check("fix15 recreate leg: a part still lists both (exit 2)",
            [] if p.rc == 2 and "legacy-twin" in err and "2 deletion records" in err
            else ["exit %d: %r" % (p.rc, err[-600:])])
    return g


def t_recreate_tools_only(ctx):
    """An env that had only pip and setuptools (as python -m venv made it):
    its record has no requirements, and recreate says what it had and makes
    it again with pip (exit 0), rather than 'no packages'."""
    import tests_actions as ta
    g = Group()
    name = "fix15 recreate: a record with only pip's tools"
    py = next((p for p in ctx.fx.pythons if p.ensurepip and p.vtuple >= (3, 8)), None)
    if py is None:
        g.skip(name, "no Python with ensurepip here")
        return g
    base, home = _cli_home(ctx, "recreate-tools")
    env = os.path.join(base, "envs", "tools-only")
    p = ta.sh([py.exe, "-m", "venv", env], home)
    if p.returncode != 0:
        g.fail(name, "venv: %s" % p.stderr.decode(errors="replace")[-300:])
        return g
    # The truth: what the env has, by its own pip (pip list --format=freeze).
    q = ta.sh([os.path.join(env, "bin", "python"), "-m", "pip", "list", "--format=freeze",
               "--disable-pip-version-check"], home)
    had = sorted(ln.split("==")[0].lower() for ln in q.stdout.decode().splitlines() if "==" in ln)
    if not had or not set(had) <= {"pip", "setuptools", "wheel"}:
        g.fail(name, "the fresh env has %r, not only pip's tools" % had)
        return g
    order = [n for n in ("pip", "setuptools", "wheel") if n in had]
    said = order[0] if len(order) == 1 else ", ".join(order[:-1]) + " and " + order[-1]
    p = ctx.runner.run(["delete", "--yes", env], home=home)
    if p.rc != 0 or os.path.exists(env):
        g.fail(name + " (setup: delete)", p.err.decode(errors="replace"))
        return g
    p = ctx.runner.run(["recreate", "tools-only"], home=home, timeout=300)
    out, err = p.out.decode(errors="replace"), p.err.decode(errors="replace")
    d = [] if p.rc == 0 else ["exit %d: %r" % (p.rc, err[-600:])]
    want = "the record lists only %s; nothing to install" % said
    if want not in out:
        d.append("it does not say %r: stdout %r" % (want, out))
    if "no packages" in out + err:
        d.append("it says 'no packages': %r" % (out + err))
    q = ta.sh([os.path.join(env, "bin", "python"), "-m", "pip", "--version"], home) \
        if os.path.exists(os.path.join(env, "bin", "python")) else None
    if q is None:
        d.append("%s was not made again" % env)
    elif q.returncode != 0:
        d.append("the env made again has no working pip: %r" % q.stderr.decode(errors="replace")[-300:])
    g.check(name + ": %r, exit 0, pip back" % want, d)
    return g


# ------------------------------------------------- 6. dialog wording

def t_dialog_wording(ctx):
    """The delete dialog of one fresh ~/venvs env says 'It is not stale'
    and that it belongs to no project (not '1 of them is', not 'their
    project'); of two (a project env with no requirements file and a
    ~/venvs env), '1 of them has ... in its project' and '1 of them belongs
    to no project'."""
    bk, ta, tab, tty = _browser()
    import tests_glitch

    def said(scr, title):
        rows = tests_glitch._dialog_rows(scr, title, "y delete")
        return " ".join(" ".join(rows).split())

    def run(st):
        with tty.Tty(ctx.runner, [], width=160, height=40, shell=True, tag="f15-words") as t:
            central = _env(ta, ctx, os.path.join(t.home, "venvs", "tools"), ["onepkg"])
            proj = os.path.join(ta.workdir(ctx, "f15-words"), "proj")
            os.makedirs(proj)
            os.makedirs(os.path.join(proj, ".git"))  # a project marker, and no requirements file
            _env(ta, ctx, os.path.join(proj, ".venv"), ["otherpkg"])
            t.wait_for(r"^[$#] ?$", what="the shell prompt")
            t.line(t.command_line([os.path.join(t.home, "venvs"), proj, "--sort", "path"]) + '; echo "RC=$?"')
            bk.start(t)
            st.at("d on the ~/venvs env alone")
            bk.set_filter(t, "tools", first=True)
            bk.wait_rows(t, ["tools"], "/tools")
            t.keys("d")
            scr = t.wait_for(r"Delete 1 environment", what="the delete dialog")
            text = said(scr, "Delete 1 environment")
            d = []
            for want in ("It is not stale (touched in the last ",
                         "It belongs to no project: no requirements file keeps its packages."):
                if want not in text:
                    d.append("it does not say %r" % want)
            for bad in ("1 of them", "their project", "its project"):
                if bad in text:
                    d.append("it says %r" % bad)
            st.check("one ~/venvs env: 'It is not stale', 'It belongs to no project'", d + ([text] if d else []))
            t.keys("Escape")
            t.wait_for(lambda s: "Delete 1" not in s.text and s, what="the dialog to close")
            st.at("d on both")
            t.keys("Escape")  # the filter goes
            t.wait_for(lambda s: len(s.names()) == 2 and s, what="both rows")
            t.keys("*")
            t.wait_for(lambda s: "2 marked" in s.last and s, what="both marked")
            t.keys("d")
            scr = t.wait_for(r"Delete 2 environments", what="the delete dialog of two")
            text = said(scr, "Delete 2 environments")
            d = []
            for want in ("2 of them are not stale", "1 of them has no requirements file in its project.",
                         "1 of them belongs to no project: no requirements file keeps its packages."):
                if want not in text:
                    d.append("it does not say %r" % want)
            if "their project" in text:
                d.append("it says 'their project'")
            st.check("two: 'of them are', 'has ... in its project', 'belongs to no project'", d + ([text] if d else []))
            t.keys("Escape")
    return bk.session("fix15 browser: dialog wording", run)


# ------------------------------------------------- 8. just now

def t_just_now(ctx):
    """An env whose newest file is from a moment ago (here: a minute ahead
    of the clock, so the test does not race it): the details and `show`
    say '(just now)', never 'now ago'."""
    bk, ta, tab, tty = _browser()
    import time

    def run(st):
        root = os.path.join(ta.workdir(ctx, "f15-now"), "root")
        env = _env(ta, ctx, os.path.join(root, "fresh"))
        soon = time.time() + 60
        os.utime(os.path.join(env, "pyvenv.cfg"), (soon, soon))
        p = ctx.runner.run(["show", env])
        out = p.out.decode(errors="replace")
        line = next((ln for ln in out.splitlines() if "last modified" in ln), "")
        st.check("show: last modified '(just now)'", [] if "(just now)" in line and "now ago" not in out
                 else ["exit %d, line %r" % (p.rc, line)])
        with tty.Tty(ctx.runner, [root], width=160, height=32, tag="f15-now") as t:
            bk.start(t)
            t.keys("Enter")
            scr = t.wait_for(r"^ +last modified ", what="the details' last modified line")
            line = next(ln for ln in scr.lines if "last modified" in ln)
            st.check("details: last modified '(just now)'",
                     [] if "(just now)" in line and "now ago" not in scr.text else [line])
    return bk.session("fix15 browser: just now", run)


# ------------------------------------------------- 9. stale status messages

def t_stale_messages(ctx):
    """'rescanning everything ...' goes when R's scan has ended; 'nothing
    rebuilt' (Esc on the rebuild form) goes when a later delete dialog
    opens, and is not on the status line after that dialog's Esc."""
    bk, ta, tab, tty = _browser()

    def run(st):
        root = os.path.join(ta.workdir(ctx, "f15-msgs"), "root")
        env = _env(ta, ctx, os.path.join(root, "one"), ["somepkg"])
        with tty.Tty(ctx.runner, [root], width=160, height=32, tag="f15-msgs") as t:
            bk.start(t)
            st.at("R")
            t.keys("R")
            try:
                t.wait_for(lambda s: bk.done(s) and s.names() == ["one"] and "rescanning" not in s.last and s,
                           timeout=15, what="R's scan to end and 'rescanning everything ...' to go")
                d = []
            except tty.ScreenError as e:
                d = [str(e)]
            st.check("R: the message goes when the scan has ended", d)
            st.at("X, then Esc")
            t.keys("X")
            t.wait_for(r"Left/Right choose the Python", timeout=15, what="the rebuild form")
            t.keys("Escape")
            t.wait_for(lambda s: "nothing rebuilt" in s.last and s, what="'nothing rebuilt'")
            st.at("d, then Esc")
            t.keys("d")
            scr = t.wait_for(r"Delete 1 environment", what="the delete dialog")
            d = ["the status line still says 'nothing rebuilt' under the delete dialog"] \
                if "nothing rebuilt" in scr.last else []
            t.keys("Escape")
            scr = t.wait_for(lambda s: "Delete 1" not in s.text and s, what="the dialog to close")
            if "nothing rebuilt" in scr.last:
                d.append("after the delete dialog's Esc the status line says %r" % scr.last)
            st.check("a later dialog and its cancel: 'nothing rebuilt' is gone", d)
            st.check("nothing was deleted", [] if os.path.isdir(env) else ["%s is gone" % env])
    return bk.session("fix15 browser: stale messages", run)


# ------------------------------------------------- 10. the log pane's long lines

def t_log_wraps(ctx):
    """u, p (upgrade pip) with pip's links in a folder whose path is longer
    than the screen is wide: pip's 'Looking in links: PATH' line is in the
    log pane whole (wrapped at words), not cut with '…'."""
    bk, ta, tab, tty = _browser()

    def run(st):
        py = next((p for p in ctx.fx.pythons if p.ensurepip and p.vtuple >= (3, 9)), None)
        if py is None:
            st.g.skip("fix15 browser: the log pane wraps", "no Python 3.9+ with ensurepip")
            return
        base = ta.workdir(ctx, "f15-log")
        links = os.path.join(base, "a-folder-of-wheels-with-a-rather-long-name", "and-another-level-below-it",
                             "and-one-more-to-pass-the-width-of-the-screen")
        os.makedirs(links)
        root = os.path.join(base, "root")
        env = os.path.join(root, "withpip")
        ta.venv_ref(py, [], [env], os.path.join(base, "home"))
        W = 100
        if len("Looking in links: " + links) <= W:
            raise LookupError("the links path is not longer than the screen")
        pip = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": links, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        with tty.Tty(ctx.runner, [root], width=W, height=40, env=pip, tag="f15-log") as t:
            bk.start(t)
            t.keys("u")
            t.wait_for(r"p upgrade pip", what="the upgrade dialog")
            t.keys("p")
            scr = t.wait_for(lambda s: "Esc close" in s.text and s, timeout=120, what="the upgrade to end")
            lines = scr.lines
            i = next((k for k, l in enumerate(lines) if l.startswith("Looking in links:")), None)
            if i is None:
                st.check("the pane shows 'Looking in links:'", [str(scr)])
                return
            rows = [lines[i]] + [l for l in lines[i + 1:i + 4]]
            joined = " ".join(" ".join(rows).split())
            d = []
            if "…" in lines[i]:
                d.append("the line is cut: %r" % lines[i])
            if ("Looking in links: " + links) not in joined.replace(" ", " "):
                # words are cut only at spaces: the path has none, so it is
                # whole on its own row (or cut only where a row ends)
                flat = "".join(r.strip() for r in rows)
                if links.replace(" ", "") not in flat:
                    d.append("the whole path is not in the pane rows %r" % rows)
            st.check("the log pane shows pip's long line whole (%d columns on a %d-column screen)"
                     % (len("Looking in links: " + links), W), d + ([str(scr)] if d else []))
    return bk.session("fix15 browser: the log pane wraps", run)


# ------------------------------------------------- 11. f on a venv with no marker

PROMPT = "no project folder: write the freeze to: "


def t_freeze_generic(ctx):
    """A venv (named venv: a .venv's folder is its project since issue 16)
    in a folder holding only .py files (no project marker), the browser
    started elsewhere: f proposes FOLDER/requirements.txt, as `freeze ENV`
    does; a ~/venvs/venv (central) still proposes its own."""
    bk, ta, tab, tty = _browser()

    def run(st):
        base = ta.workdir(ctx, "f15-freeze")
        proj = os.path.join(base, "scripts")
        os.makedirs(proj)
        open(os.path.join(proj, "main.py"), "w").write("print('hi')\n")
        env = _env(ta, ctx, os.path.join(proj, "venv"), ["somepkg"])
        with tty.Tty(ctx.runner, [], width=200, height=32, shell=True, tag="f15-freeze") as t:
            central = _env(ta, ctx, os.path.join(t.home, "venvs", "venv"), ["otherpkg"])
            # The CLI first: no terminal, so it names the file it proposes (exit 2).
            p = ctx.runner.run(["freeze", env], home=t.home, cwd=t.cwd)
            want = os.path.join(proj, "requirements.txt")
            st.check("freeze ENV: exit 2 proposing %s" % want,
                     [] if p.rc == 2 and want in p.err.decode(errors="replace")
                     else ["exit %d: %r" % (p.rc, p.err.decode(errors="replace")[-400:])])
            p = ctx.runner.run(["freeze", central], home=t.home, cwd=t.cwd)
            want_c = os.path.join(central, "requirements.txt")
            st.check("freeze ~/venvs/venv: exit 2 proposing its own %s" % want_c,
                     [] if p.rc == 2 and want_c in p.err.decode(errors="replace")
                     else ["exit %d: %r" % (p.rc, p.err.decode(errors="replace")[-400:])])
            t.wait_for(r"^[$#] ?$", what="the shell prompt")
            t.line(t.command_line([proj, os.path.join(t.home, "venvs")]))
            bk.start(t)
            for name, target in (("scripts/venv", want), ("venv", want_c)):
                st.at("f on %s" % name)
                t.keys("Escape")  # the last filter goes
                t.wait_for(lambda s: len(s.names()) == 2 and s, what="both rows")
                bk.set_filter(t, "scripts" if "/" in name else "venvs/venv", first=True)
                t.wait_for(lambda s: len(s.names()) == 1 and s, what="one row for %s" % name)
                t.keys("f")
                scr = t.wait_for(lambda s: s.last.startswith(PROMPT) and s, what="the freeze prompt")
                got = scr.last[len(PROMPT):].strip()
                st.check("f on %s proposes %s" % (name, target),
                         [] if got == target else ["proposed %r, not %r" % (got, target)])
                t.keys("Escape")
                t.wait_for(lambda s: not s.last.startswith(PROMPT) and s, what="the prompt to close")
            st.check("nothing written", [p for p in (want, want_c) if os.path.lexists(p)])
    return bk.session("fix15 browser: f on a venv with no marker", run)


# ------------------------------------------------- 7. rebuild across pip versions

def t_rebuild_pips(ctx):
    """An env of an old Python (pip 23.0, setuptools) with a wheel installed
    from a file, rebuilt on Python 3.12+ (a newer pip adds #sha256= to the
    file URL; its venv brings no setuptools): rebuild says the freeze is the
    recipe and names pip's tools before and after, setuptools' absence
    included. The truth: each env's own pip freeze and pip list."""
    import re as _re
    import tests_actions as ta
    g = Group()
    name = "fix15 rebuild across pip versions"
    pys = sorted((p for p in ctx.fx.pythons if p.ensurepip and p.vtuple >= (3, 8)), key=lambda p: p.vtuple)
    old_py = next((p for p in pys if p.vtuple < (3, 12)), None)
    new_py = next((p for p in reversed(pys) if p.vtuple >= (3, 12)), None)
    if not old_py or not new_py:
        g.skip(name, "needs a Python below 3.12 and one of 3.12+ with ensurepip (their pips differ)")
        return g
    base, home = _cli_home(ctx, "rebuild-pips")
    wheels = os.path.join(base, "wheels")
    os.makedirs(wheels)
    whl = ta.make_wheel(wheels, "alpha", "1.0")
    whl = whl if os.path.isabs(whl) else os.path.join(wheels, os.path.basename(whl))
    env = os.path.join(base, "envs", "oldpip")
    for args in ([old_py.exe, "-m", "venv", env],
                 [os.path.join(env, "bin/python"), "-m", "pip", "install", "--no-index", whl]):
        p = ta.sh(args, home)
        if p.returncode != 0:
            g.fail(name + " (setup)", "%s: %s" % (args[:3], p.stderr.decode(errors="replace")[-300:]))
            return g

    def pip_of(e, *args):
        return ta.sh([os.path.join(e, "bin/python"), "-m", "pip", "--disable-pip-version-check"] + list(args),
                     home).stdout.decode()

    def tools(e):
        got = dict(ln.split("==", 1) for ln in pip_of(e, "list", "--format=freeze").splitlines() if "==" in ln)
        return ", ".join("%s %s" % (n, got[n]) for n in ("pip", "setuptools", "wheel", "distribute") if n in got)

    before_freeze, before_tools = pip_of(env, "freeze"), tools(env)
    p = ctx.runner.run(["rebuild", "--yes", "--python", new_py.exe, "--find-links", wheels, env], home=home,
                       timeout=300)
    out = p.out.decode(errors="replace")
    d = [] if p.rc == 0 else ["exit %d: %r" % (p.rc, p.err.decode(errors="replace")[-800:])]
    after_freeze, after_tools = pip_of(env, "freeze"), tools(env)
    strip = lambda t: sorted(_re.sub(r"#sha256=[0-9a-f]+$", "", ln) for ln in t.splitlines()  # noqa: E731
                             if ln and not _re.match(r"(?i)(pip|setuptools|wheel|distribute)==", ln))
    if strip(before_freeze) != strip(after_freeze):
        d.append("the freezes differ beyond pip's version: %r vs %r" % (before_freeze, after_freeze))
    if "#sha256=" not in after_freeze:
        ctx.fx.note("%s: the new pip wrote no #sha256= (%r)" % (name, after_freeze))
    if "its freeze is the recipe" not in out:
        d.append("rebuild does not say the freeze is the recipe: %r" % out)
    want = "pip's own tools (a freeze leaves them out): before %s, now %s" % (before_tools, after_tools)
    if want not in out:
        d.append("rebuild does not say %r: %r" % (want, out))
    if "setuptools" in before_tools and "setuptools" not in after_tools and \
            "setuptools is not brought by the new venv" not in out:
        d.append("setuptools went silently: %r" % out)
    g.check(name + ": %s -> %s, the freeze is the recipe, tools named" % (old_py.label, new_py.label), d)
    return g


def tests(ctx):
    return [("fix15 rebuild pip versions", lambda: t_rebuild_pips(ctx)),
            ("fix15 browser freeze generic", lambda: t_freeze_generic(ctx)),
            ("fix15 browser log wraps", lambda: t_log_wraps(ctx)),
            ("fix15 browser stale messages", lambda: t_stale_messages(ctx)),
            ("fix15 browser just now", lambda: t_just_now(ctx)),
            ("fix15 browser dialog wording", lambda: t_dialog_wording(ctx)),
            ("fix15 recreate exact name", lambda: t_recreate_exact(ctx)),
            ("fix15 recreate tools only", lambda: t_recreate_tools_only(ctx)),
            ("fix15 browser marks one unit", lambda: t_marks_one_unit(ctx)),
            ("fix15 browser q closes views", lambda: t_q_closes_views(ctx))]
