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


def tests(ctx):
    return [("fix15 browser q closes views", lambda: t_q_closes_views(ctx))]
