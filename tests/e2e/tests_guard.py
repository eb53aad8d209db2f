"""The in-use guard (issue 15, item 8): an env held by a real
`ENV/bin/python -c 'import time; time.sleep(60)'` started from that env.

CLI: `list --json` gives the holder's pid in its `in_use` (and [] for an
idle env beside it), `delete
--yes` refuses it (exit 2, the pid and the command named, the env
untouched, no record), so does `clear --yes`, and `delete --yes --force`
deletes it. Browser: `d` on
the filter `is:in-use` keeps only the held env of two, and `d` on it
opens a dialog naming the pid and the command. The holder is
killed at the end whatever happens; a note gives the time of a whole
`list --json` of one env, which holds the one /proc pass (median of 5)."""

import json
import os
import signal
import statistics
import subprocess
import time

from browser_kit import session, start, wait_rows
from harness import Group
from tests_delete import (expect_rc, make_venv, ns_script, records_in, sandbox, snap_diff, snapshot,
                          text, workdir)
from tty import Tty

SLEEP = "import time; time.sleep(60)"


def hold(env, cwd):
    """The holder process, once its command line is the one asked for."""
    p = subprocess.Popen([os.path.join(env, "bin", "python"), "-c", SLEEP], cwd=cwd,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            with open("/proc/%d/cmdline" % p.pid, "rb") as f:
                if SLEEP.encode() in f.read():
                    return p
        except OSError:
            pass
        time.sleep(0.05)
    return p


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
    p.wait()


def by_path(p):
    try:
        return {e["path"]: e for e in json.loads(text(p.out))}
    except ValueError:
        return {}


def t_cli(ctx):
    g = Group()
    base = workdir(ctx, "guard-cli")
    home, xdg = sandbox(base)
    root = os.path.join(base, "root")
    held = make_venv(ctx.fx.fast, os.path.join(root, "held"), os.path.join(base, "pyhome"), "--without-pip")
    idle = make_venv(ctx.fx.fast, os.path.join(root, "idle"), os.path.join(base, "pyhome"), "--without-pip")
    holder = hold(held, base)
    try:
        p = ctx.runner.run(["list", "--json", "--no-size", root], home=home, env=xdg)
        envs = by_path(p)
        d = expect_rc(p, 0)
        got = {k: envs.get(k, {}).get("in_use") for k in (held, idle)}
        if got != {held: [holder.pid], idle: []}:
            d.append("in_use %r, expected {held: [%d], idle: []}" % (got, holder.pid))
        g.check("list --json: in_use of the env a running `ENV/bin/python -c sleep` started from has its pid, [] for the idle one", d)

        before = snapshot(held)
        guard = ns_script(ctx)
        p = ctx.runner.run(["delete", "--yes", held], home=home, env=xdg, wrap=guard)
        d = expect_rc(p, 2)
        for w in ("in use", "pid %d" % holder.pid, SLEEP, "--force"):
            if w not in p.err_text:
                d.append("stderr does not say %r: %r" % (w, p.err_text))
        if not os.path.isdir(held):
            d.append("the held env was deleted")
        else:
            d += snap_diff(held, before, snapshot(held))
        if records_in(xdg["XDG_STATE_HOME"]):
            d.append("a record was written: %s" % records_in(xdg["XDG_STATE_HOME"]))
        g.check("delete --yes refuses the env in use: exit 2, names the pid and its command, suggests --force, env untouched, no record", d)

        p = ctx.runner.run(["clear", "--yes", held], home=home, env=xdg, wrap=guard)
        d = expect_rc(p, 2)
        for w in ("in use", "pid %d" % holder.pid, SLEEP, "--force"):
            if w not in p.err_text:
                d.append("stderr does not say %r: %r" % (w, p.err_text))
        if os.path.isdir(held):
            d += snap_diff(held, before, snapshot(held))
        else:
            d.append("the held env is gone")
        g.check("clear --yes refuses the env in use: exit 2, names the pid and its command, env untouched", d)

        stop(holder)
        ts = []
        for _ in range(5):
            t0 = time.perf_counter()
            ctx.runner.run(["list", "--json", "--no-size", "--no-git", idle], home=home, env=xdg)
            ts.append(time.perf_counter() - t0)
        nprocs = len([x for x in os.listdir("/proc") if x.isdigit()])
        print("e2e: note: in-use guard: list --json of one env, %d processes on the machine: %.1f ms (median of 5; "
                    "the /proc pass itself is inside this figure)" % (nprocs, statistics.median(ts) * 1000), flush=True)

        holder = hold(held, base)
        p = ctx.runner.run(["delete", "--yes", "--force", held], home=home, env=xdg, wrap=guard)
        d = expect_rc(p, 0)
        if os.path.lexists(held):
            d.append("--force did not delete it")
        if "pid %d" % holder.pid not in p.err_text:
            d.append("--force does not name the process it overrules: %r" % p.err_text)
        g.check("delete --yes --force deletes the env in use, naming the process", d)
    finally:
        stop(holder)
    return g


def t_browser(ctx):
    base = workdir(ctx, "guard-browser")
    root = os.path.join(base, "root")
    held = make_venv(ctx.fx.fast, os.path.join(root, "held"), os.path.join(base, "pyhome"), "--without-pip")
    make_venv(ctx.fx.fast, os.path.join(root, "idle"), os.path.join(base, "pyhome"), "--without-pip")
    title = "in-use browser: is:in-use keeps the held env, d on it names the process"

    def run(st):
        holder = hold(held, base)
        try:
            with Tty(ctx.runner, [root], width=140, height=30, tag="guard-browser") as t:
                start(t)
                st.at("the row is flagged in-use")
                t.wait_for(lambda s: "in-use" in s.text, timeout=10, what="the flag in-use on the row")
                st.at("/is:in-use keeps only the held env")
                t.keys("/")
                t.type("is:in-use")
                t.keys("Enter")
                wait_rows(t, ["held"], "the filter is:in-use")
                st.at("d names the pid and the command")
                t.keys("d")
                want = "pid %d" % holder.pid
                t.wait_for(lambda s: want in s.text and SLEEP in s.text and "in use" in s.text,
                           timeout=10, what="the delete dialog naming %r and %r" % (want, SLEEP))
                t.keys("Escape")
                st.at("Esc keeps the env")
                t.wait_for(lambda s: want not in s.text, timeout=10, what="the dialog closed")
                if not os.path.isdir(held):
                    raise AssertionError("the env went after Esc")
        finally:
            stop(holder)

    return session(title, run)


def tests(ctx):
    return [("in-use cli", lambda: t_cli(ctx)), ("in-use browser", lambda: t_browser(ctx))]
