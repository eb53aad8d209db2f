"""SIGTERM, SIGINT and SIGHUP in the middle of a scan end every front end
within a second: the browser (in tmux, started from a shell, which must
get its terminal back as it was) and `list --json`.

The tree is big enough that a scan takes seconds on a loaded machine
(100,000 files in 250 envs). To be sure the signal arrives while
the scan runs, whatever the machine's speed, the process is stopped
(SIGSTOP) once it holds folders of the tree open, the header (browser)
must then still say "scanning", the signal is sent while it is stopped,
and the clock starts at SIGCONT."""

import os
import re
import shlex
import signal
import subprocess
import time

from browser_kit import session
from harness import Group, clean_environ
from tests_browser_term import PROMPT, terminal_restored
from tty import ScreenError, Tty

ENVS, DIRS, FILES = 250, 40, 10  # 100,000 files, 10,000 folders
LIMIT = 1.0                      # seconds from SIGCONT until the process is gone
SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")
SCANNING = r"^ venvscope  \S scanning  "


# --------------------------------------------------------------- fixture

def fixture_tasks(fx):
    return [("signals: a big tree", lambda: build_tree(fx))]


def build_tree(fx):
    """ENVS envs, each with DIRS package folders of FILES empty files; the
    envs are hand-made (pyvenv.cfg, a bin/python link to the fast Python and
    an empty bin/activate), which is all a scan needs to size and list them."""
    root = os.path.join(fx.base, "signal-tree")
    for e in range(ENVS):
        env = os.path.join(root, "p%03d" % e, ".venv")
        os.makedirs(os.path.join(env, "bin"))
        with open(os.path.join(env, "pyvenv.cfg"), "w") as f:
            f.write("home = %s\ninclude-system-site-packages = false\nversion = %s\n"
                    % (os.path.dirname(fx.fast.real), fx.fast.version))
        os.symlink(fx.fast.real, os.path.join(env, "bin", "python"))
        open(os.path.join(env, "bin", "activate"), "w").close()  # a finished env
        sp = os.path.join(env, "lib", "python%d.%d" % fx.fast.vtuple[:2], "site-packages")
        for d in range(DIRS):
            pkg = os.path.join(sp, "pkg%02d" % d)
            os.makedirs(pkg)
            for i in range(FILES):
                os.close(os.open(os.path.join(pkg, "m%d.py" % i), os.O_WRONLY | os.O_CREAT, 0o644))
    fx.extra["signal_tree"] = root


# --------------------------------------------------------------- helpers

def child_of(pid, exe="venvscope", timeout=10):
    """The child of pid running exe (any child when exe is None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            kids = []
        for k in kids:
            try:
                if exe is None or os.path.basename(os.readlink("/proc/%d/exe" % k)) == exe:
                    return k
            except OSError:
                pass
        time.sleep(0.02)
    raise ScreenError("no %s process under pid %d" % (exe or "child", pid))


def state(pid):
    """The process state letter (R, S, T, Z...), or None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def open_in(pid, root):
    """How many fds of pid point into root (the folders a scan walks)."""
    n = 0
    try:
        fds = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return 0
    for fd in fds:
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith(root + "/"):
                n += 1
        except OSError:
            pass
    return n


def stop_mid_scan(pid, root, still_scanning, timeout=30):
    """SIGSTOPs pid at a moment it holds folders of root open and
    still_scanning() holds; returns the number of such fds. Raises
    ScreenError when the scan ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if open_in(pid, root):
            os.kill(pid, signal.SIGSTOP)
            while state(pid) not in ("T", "t", None):
                time.sleep(0.002)
            n = open_in(pid, root)
            if n and still_scanning():
                return n
            os.kill(pid, signal.SIGCONT)
        if state(pid) in (None, "Z"):
            break
        time.sleep(0.01)
    raise ScreenError("the scan of %s ended (or never opened a folder of it) before it could be stopped "
                      "mid-scan: the tree is too small for this machine" % root)


def signal_and_time(pid, signame, gone):
    """Sends the signal to the stopped pid, then SIGCONT; seconds until
    gone() holds (at most 10 s are waited)."""
    os.kill(pid, getattr(signal, signame))
    t0 = time.monotonic()
    os.kill(pid, signal.SIGCONT)
    while not gone() and time.monotonic() - t0 < 10:
        time.sleep(0.002)
    return time.monotonic() - t0


# --------------------------------------------------------------- browser

def t_browser(ctx, signame):
    title = "signals: browser %s mid-scan" % signame
    want = 128 + getattr(signal, signame)

    def run(st):
        root = ctx.fx.extra.get("signal_tree")
        if not root:
            raise LookupError("the big tree was not built")
        with Tty(ctx.runner, [], width=120, height=30, shell=True, tag="sig-b") as t:
            t.wait_for(PROMPT, what="the shell prompt")
            t.line("echo BEFORE-$((40+2))")
            t.wait_for(r"^BEFORE-42$", what="the shell to run a command")
            # Through a non-interactive sh: the interactive one would take
            # the terminal back when its job is stopped (job control).
            t.line("sh -c %s" % shlex.quote(t.command_line([root]) + "; echo EXITED=$?"))
            st.at("scanning")
            # The process is found in /proc, and stopped as soon as it has
            # folders of the tree open and the header says scanning: no
            # wait on the screen first, which a fast machine could outrun.
            pid = child_of(child_of(t.pane_pid(), exe=None))
            n = stop_mid_scan(pid, root, lambda: re.search(SCANNING, t.screen().text, re.M))
            head = t.screen().line(0)
            alt = t.info("#{alternate_on}")
            st.at("signal")
            secs = signal_and_time(pid, signame, lambda: state(pid) in (None, "Z"))
            d = [] if secs < LIMIT else ["still running %.2fs after SIGCONT (limit %gs)" % (secs, LIMIT)]
            if alt != "1":
                d.append("the browser was not on the alternate screen when stopped (alternate_on %s)" % alt)
            st.check("%s while scanning (stopped with %d folders of the tree open; header %r): the process is "
                     "gone within %gs (%.3fs)" % (signame, n, head.strip()[:60], LIMIT, secs), d)
            st.at("the shell again")
            scr = t.wait_for(r"^EXITED=(\d+)$", what="the shell to print EXITED= after %s" % signame)
            rc = int(re.search(r"^EXITED=(\d+)$", scr.text, re.M).group(1))
            d = [] if rc == want else ["exit status %d, expected %d (128 + %s)" % (rc, want, signame)]
            d += terminal_restored(t, scr)
            st.check("%s: exit status %d, the terminal as before (normal screen, the shell's lines, cursor, "
                     "echo, line editing)" % (signame, want), d)
    return session(title, run)


# --------------------------------------------------------------- list --json

def t_list(ctx, signame):
    g = Group()
    name = "signals: list --json %s mid-scan" % signame
    root = ctx.fx.extra.get("signal_tree")
    if not root:
        g.fail(name, ["the big tree was not built"])
        return g
    try:
        secs, rc, n = list_once(ctx, root, signame)
    except ScreenError as e:
        g.fail(name, [str(e)])
        return g
    d = [] if secs < LIMIT else ["still running %.2fs after SIGCONT (limit %gs)" % (secs, LIMIT)]
    sig = getattr(signal, signame)
    if rc not in (-sig, 128 + sig):
        d.append("exit status %s, expected death by %s (or 128 + %d)" % (rc, signame, sig))
    g.check("%s: %s while scanning (stopped with %d folders of the tree open): gone within %gs (%.3fs)"
            % (name, signame, n, LIMIT, secs), d)
    return g


def list_once(ctx, root, signame):
    home = ctx.runner.make_home("sig-list")
    work = os.path.dirname(home)
    env = clean_environ({"HOME": home, "XDG_DATA_HOME": os.path.join(home, ".local/share"),
                         "XDG_CACHE_HOME": os.path.join(home, ".cache"),
                         "XDG_STATE_HOME": os.path.join(home, ".local/state"),
                         "XDG_CONFIG_HOME": os.path.join(home, ".config")})
    with open(os.path.join(work, "out"), "wb") as out, open(os.path.join(work, "err"), "wb") as err:
        # A runner started in the background (`cmd &` in a script) hands its
        # children SIGINT ignored, and venvscope rightly keeps it so: the
        # signals under test are set back to their default first.
        p = subprocess.Popen(["env", "--default-signal=INT,HUP,TERM", ctx.runner.binary, "list", "--json",
                              root], cwd=work, env=env,
                             stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            n = stop_mid_scan(p.pid, root, lambda: p.poll() is None)
            secs = signal_and_time(p.pid, signame, lambda: p.poll() is not None)
        finally:
            if p.poll() is None:
                p.kill()
            p.wait()
    return secs, p.returncode, n


# --------------------------------------------------------------- hang-up

def t_hangup(ctx):
    """The terminal goes away with no SIGHUP to us: the browser runs on a pty
    that is not its controlling terminal (its own session), and the pty's
    master is closed once the list is drawn. stdin then only reports a
    hang-up; the browser must leave (status 129), not poll it forever."""
    import fcntl
    import select
    import struct
    import termios

    g = Group()
    name = "signals: browser whose terminal closes without a SIGHUP"
    home = ctx.runner.make_home("sig-hup")
    work = os.path.dirname(home)
    root = os.path.join(work, "tree")
    os.makedirs(os.path.join(root, "one"))
    with open(os.path.join(root, "one", "pyvenv.cfg"), "w") as f:
        f.write("home = /nonexistent/bin\nversion = 3.11.2\n")
    env = clean_environ({"HOME": home, "XDG_DATA_HOME": os.path.join(home, ".local/share"),
                         "XDG_CACHE_HOME": os.path.join(home, ".cache"),
                         "XDG_STATE_HOME": os.path.join(home, ".local/state"),
                         "XDG_CONFIG_HOME": os.path.join(home, ".config"), "TERM": "xterm-256color"})
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    # start_new_session: the pty (already open) does not become our
    # controlling terminal, so closing the master sends no SIGHUP.
    p = subprocess.Popen([ctx.runner.binary, root], cwd=work, env=env, stdin=slave, stdout=slave,
                         stderr=slave, start_new_session=True)
    os.close(slave)
    seen, d = b"", []
    try:
        end = time.time() + 30
        while b"1 environment" not in seen and time.time() < end and p.poll() is None:
            try:
                if select.select([master], [], [], 0.2)[0]:
                    seen += os.read(master, 65536)
            except OSError:
                break
        if b"1 environment" not in seen:
            d.append("the list was never drawn (%d bytes seen)" % len(seen))
        os.close(master)
        master = -1
        t0 = time.time()
        while p.poll() is None and time.time() - t0 < 5:
            time.sleep(0.02)
        if p.poll() is None:
            d.append("still running 5 s after its terminal closed")
        elif p.returncode != 129:
            d.append("exit status %s, expected 129 (as for SIGHUP)" % p.returncode)
        secs = time.time() - t0
    finally:
        if master >= 0:
            os.close(master)
        if p.poll() is None:
            p.kill()
        p.wait()
    g.check("%s: it leaves with status 129 (%.2fs after the close)" % (name, secs), d)
    return g


def tests(ctx):
    return ([("signals browser " + s, lambda s=s: t_browser(ctx, s)) for s in SIGNALS] +
            [("signals list " + s, lambda s=s: t_list(ctx, s)) for s in SIGNALS] +
            [("signals browser hang-up", lambda: t_hangup(ctx))])


__all__ = ["tests", "fixture_tasks"]
