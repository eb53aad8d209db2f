"""The in-use guard (issue 15, item 8): an env held by a real
`ENV/bin/python -c 'import time; time.sleep(60)'` started from that env.

CLI: `list --json` gives the holder's pid in its `in_use` (and [] for an
idle env beside it), `delete
--yes` refuses it (exit 2, the pid and the command named, the env
untouched, no record), so does `clear --yes`, and `delete --yes --force`
deletes it. Browser: `d` on
the filter `is:in-use` keeps only the held env of two, and `d` on it
opens a dialog naming the pid and the command; the details say it too. The holder is
killed at the end whatever happens; a note gives the time of a whole
`list --json` of one env, which holds the one /proc pass (median of 5).

pipx (issue 15, item 7): both layouts made by the real pipx, offline, from
a local wheel: found with manager pipx and the app; the shared env refused;
with pipx installed the delete says `pipx uninstall APP`; --force removes
the env and its app link, nothing else."""

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

        p = ctx.runner.run(["rebuild", "--yes", "--python", "/usr/bin/python3.11", held],
                           home=home, env=xdg, wrap=guard)
        d = expect_rc(p, 2)
        for w in ("in use", "pid %d" % holder.pid, SLEEP, "--force"):
            if w not in p.err_text:
                d.append("stderr does not say %r: %r" % (w, p.err_text))
        if os.path.isdir(held):
            d += snap_diff(held, before, snapshot(held))
        else:
            d.append("the held env is gone")
        if records_in(xdg["XDG_STATE_HOME"]):
            d.append("a record was written: %s" % records_in(xdg["XDG_STATE_HOME"]))
        g.check("rebuild --yes refuses the env in use: exit 2, names the pid and its command, env untouched, no record", d)

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
                st.at("the details name who uses it")
                t.keys("Enter")
                t.wait_for(lambda s: "in use by" in s.text and "pid %d: " % holder.pid in s.text,
                           timeout=10, what="the details line 'in use by  pid %d: ...'" % holder.pid)
        finally:
            stop(holder)

    return session(title, run)




# ------------------------------------------------------------ pipx

def app_wheel(d):
    """hello_app 1.0 (console script `hello`), a wheel written with zipfile."""
    import base64
    import hashlib
    import zipfile
    files = {
        "hello_app/__init__.py": "def main():\n    print('hello')\n",
        "hello_app-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: hello-app\nVersion: 1.0\n",
        "hello_app-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        "hello_app-1.0.dist-info/entry_points.txt": "[console_scripts]\nhello = hello_app:main\n",
    }
    rec = []
    for p, c in files.items():
        h = base64.urlsafe_b64encode(hashlib.sha256(c.encode()).digest()).rstrip(b"=").decode()
        rec.append("%s,sha256=%s,%d" % (p, h, len(c.encode())))
    rec.append("hello_app-1.0.dist-info/RECORD,,")
    os.makedirs(d, exist_ok=True)
    whl = os.path.join(d, "hello_app-1.0-py3-none-any.whl")
    with zipfile.ZipFile(whl, "w") as z:
        for p, c in files.items():
            z.writestr(p, c)
        z.writestr("hello_app-1.0.dist-info/RECORD", "\n".join(rec) + "\n")
    return whl


def t_pipx(ctx):
    """Both layouts made by the machine's real pipx (Debian 12's is 1.1:
    ~/.local/pipx by default; PIPX_HOME=~/.local/share/pipx gives 1.2+'s
    place), offline from a local wheel."""
    import shutil
    from tests_delete import sh
    g = Group()
    pipx = shutil.which("pipx")
    if not pipx:
        g.skip("pipx layouts", "no pipx on PATH (apt-get install pipx)")
        return g
    base = workdir(ctx, "guard-pipx")
    whl = app_wheel(os.path.join(base, "wheels"))
    guard = ns_script(ctx)
    for label, rel in (("pipx 1.1 layout ~/.local/pipx", ".local/pipx"),
                       ("pipx 1.2+ layout ~/.local/share/pipx", ".local/share/pipx")):
        home = os.path.join(base, rel.replace("/", "_"))
        env = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": os.path.dirname(whl), "PIPX_HOME": os.path.join(home, rel)}
        p = sh([pipx, "install", whl], home, cwd=home, env=env, timeout=300)
        if p.returncode != 0:
            g.fail("%s: pipx install" % label, [p.stderr.decode(errors="replace")[-600:]])
            continue
        pxhome = os.path.join(home, rel)
        shared, app = os.path.join(pxhome, "shared"), os.path.join(pxhome, "venvs", "hello-app")
        link = os.path.join(home, ".local", "bin", "hello")
        xdg = {"XDG_DATA_HOME": os.path.join(home, ".local/share"), "XDG_STATE_HOME": os.path.join(home, ".local/state"),
               "PIPX_HOME": None, "PIPX_BIN_DIR": None}
        # list with no ROOT, run from ~ as the issue did (the walk of "."
        # meets the shared env; the app's env is also a central place).
        p = ctx.runner.run(["list", "--json", "--no-size", "--no-git"], home=home, cwd=home, env=xdg)
        envs = by_path(p)
        d = expect_rc(p, 0)
        got = {k: (envs[k]["manager"], envs[k]["manager_role"], envs[k]["app"]) if k in envs else None
               for k in (shared, app)}
        want = {shared: ("pipx", "shared", None), app: ("pipx", None, "hello-app")}
        if got != want:
            d.append("got %r, expected %r (rows: %s)" % (got, want, sorted(envs)))
        g.check("%s: list run from ~ finds the app's env with manager pipx and its app, and the shared env with role shared" % label, d)

        cwd = os.path.join(base, "elsewhere")
        os.makedirs(cwd, exist_ok=True)
        p = ctx.runner.run(["list", "--json", "--no-size", "--no-git"], home=home, cwd=cwd, env=xdg)
        d = expect_rc(p, 0)
        if app not in by_path(p):
            d.append("%s not listed (rows: %s)" % (app, sorted(by_path(p))))
        g.check("%s: list with no ROOT from another folder finds the app's env (a central place)" % label, d)

        before = snapshot(shared)
        p = ctx.runner.run(["delete", "--yes", shared], home=home, env=xdg, wrap=guard)
        d = expect_rc(p, 2)
        if "shared environment" not in p.err_text or "--force" not in p.err_text:
            d.append("stderr does not give the reason and --force: %r" % p.err_text)
        d += snap_diff(shared, before, snapshot(shared)) if os.path.isdir(shared) else ["the shared env went"]
        g.check("%s: delete refuses pipx's shared env with the reason, untouched" % label, d)

        # pipx is installed: the delete says what to run instead.
        p = ctx.runner.run(["delete", "--yes", app], home=home, env=dict(xdg, PATH=os.path.dirname(pipx) + ":/bin"),
                           wrap=guard)
        d = expect_rc(p, 2)
        if "pipx uninstall hello-app" not in p.err_text:
            d.append("stderr does not suggest `pipx uninstall hello-app`: %r" % p.err_text)
        if not os.path.isdir(app):
            d.append("the app's env went")
        g.check("%s: with pipx installed, delete of the app's env suggests `pipx uninstall hello-app` and keeps it" % label, d)

        # A stranger link beside the app's, to a file outside the env.
        other = os.path.join(home, ".local", "bin", "other")
        os.symlink("/bin/sh", other)
        p = ctx.runner.run(["delete", "--yes", "--force", app], home=home, env=xdg, wrap=guard)
        d = expect_rc(p, 0)
        if os.path.lexists(app):
            d.append("the app's env is still there")
        if os.path.lexists(link):
            d.append("the app link %s -> %s is left dangling" % (link, os.readlink(link)))
        if not os.path.islink(other):
            d.append("the unrelated link %s went" % other)
        if not os.path.isdir(shared):
            d.append("the shared env went")
        p2 = sh([pipx, "list"], home, env={"PIPX_HOME": pxhome})
        if p2.returncode not in (0, 1) or b"hello-app" in p2.stdout + p2.stderr:
            d.append("pipx list still knows hello-app or fails: %r" % (p2.stdout + p2.stderr)[-300:])
        g.check("%s: delete --force removes the app's env and its ~/.local/bin link (not other links); "
                "pipx list no longer names it" % label, d)
    return g


# ------------------------------------------------------------ poetry

ENVS_TOML = ('[other-ZZZZ1111]\nminor = "3.11"\npatch = "3.11.2"\n\n'
             '[proj-AbCd1234]\nminor = "%s"\npatch = "%s.2"\n\n'
             '["my.app-QQQQ2222"]\nminor = "3.12"\npatch = "3.12.1"\n')


def t_poetry(ctx):
    """poetry is not installed here: the layout is written as poetry 1.x
    writes it (EnvManager: <cache>/virtualenvs/<name>-<hash>-py<minor>, and
    envs.toml's [<name>-<hash>] section with minor/patch, tomlkit's quoting
    for a name with a dot). Deleting the env removes its section only when
    its minor is the env's, as `poetry env remove` does; the rest stays
    byte for byte."""
    g = Group()
    base = workdir(ctx, "guard-poetry")
    guard = ns_script(ctx)
    for minor, gone in (("3.11", True), ("3.10", False)):
        home = os.path.join(base, "home-" + minor)
        xdg = {"XDG_CACHE_HOME": os.path.join(home, ".cache"), "XDG_STATE_HOME": os.path.join(home, ".state"),
               "POETRY_CACHE_DIR": None}
        vdir = os.path.join(home, ".cache", "pypoetry", "virtualenvs")
        env = make_venv(ctx.fx.fast, os.path.join(vdir, "proj-AbCd1234-py3.11"), os.path.join(base, "pyhome"),
                        "--without-pip")
        toml = os.path.join(vdir, "envs.toml")
        with open(toml, "w") as f:
            f.write(ENVS_TOML % (minor, minor))
        p = ctx.runner.run(["delete", "--yes", env], home=home, env=xdg, wrap=guard)
        d = expect_rc(p, 0)
        if os.path.lexists(env):
            d.append("the env is still there")
        with open(toml) as f:
            now = f.read()
        if gone:
            want = ENVS_TOML.replace('[proj-AbCd1234]\nminor = "%s"\npatch = "%s.2"\n\n', "")
            if "[proj-AbCd1234]" not in text(p.out):
                d.append("stdout does not say the entry was removed: %r" % text(p.out))
        else:
            want = ENVS_TOML % (minor, minor)
        if now != want:
            d.append("envs.toml is now:\n%s\nexpected:\n%s" % (now, want))
        g.check("poetry: delete of proj-AbCd1234-py3.11 %s envs.toml's [proj-AbCd1234] (minor %s), every other line "
                "kept" % ("removes" if gone else "keeps", minor), d)
    return g


def tests(ctx):
    return [("in-use cli", lambda: t_cli(ctx)), ("in-use browser", lambda: t_browser(ctx)),
            ("pipx layouts", lambda: t_pipx(ctx)), ("poetry envs.toml", lambda: t_poetry(ctx))]
