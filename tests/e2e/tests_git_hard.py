"""The git side against hostile repositories (issue 13, items 2, 3, 10).

Each case is a real repository (`git init`) with a real venv in it and one
thing made hostile; `list --json --no-size` must end within 10 s, under
100 MB of peak RSS, and say `git: null` with a problem that names the file
(or the repository) and the reason:
- a `.gitignore` of "**/" x 12 + "zz" over an env 60 folders deep (the old
  matcher backtracked for minutes): answered, and as git answers it;
- `.git/index`, `.git/config`, a config `[include] path`, `~/.gitconfig`
  as FIFOs;
- core.excludesFile = /dev/urandom or /dev/zero; info/exclude and
  ~/.config/git/ignore as links to them;
- a repository git itself cannot use (its `git status` fails: checked
  first): a corrupt, a truncated and a folder `.git/index`, a config that
  includes itself or includes a file that includes it back, a repository
  owned by another user (as root: chowned to nobody).
And the browser: `q` while every scan thread is stopped for good (held by
ptrace, as a thread stuck in a system call on a hung mount would be) ends
the process within 10 s with the terminal restored."""

import ctypes
import errno
import json
import os
import re
import signal
import subprocess
import threading
import time

from browser_kit import session
from harness import Group
from tests_browser_term import PROMPT, terminal_restored
from tests_git import LIMIT_S, check_list, git, git_home, run_measured, venv, workdir, write
from tty import ScreenError, Tty

def fresh_repo(ctx, base, name, home):
    repo = os.path.join(base, name)
    os.makedirs(repo)
    git(home, repo, "init", "-q")
    return repo


def t_deep_pattern(ctx):
    g = Group()
    base = workdir(ctx, "hard-deep")
    home = git_home(base)
    repo = fresh_repo(ctx, base, "repo", home)
    envs = [venv(ctx, os.path.join(repo, *(["d"] * 60), "venv"), home),
            venv(ctx, os.path.join(repo, *(["d"] * 30 + ["zz"] + ["d"] * 29), "venv"), home)]
    # git's answers: git itself takes minutes on "**/" x 12 (it backtracks
    # too), so it is asked with "**/zz", which matches the same paths ("**/"
    # is zero or more folders, twelve times or once).
    write(os.path.join(repo, ".gitignore"), "**/zz\n")
    want = ["ignored" if git(home, e, "check-ignore", "-q", "pyvenv.cfg", check=False).returncode == 0
            else "not-ignored" for e in envs]
    if want != ["not-ignored", "ignored"]:
        g.fail("git: deep ** pattern (setup)", ["git says %s for the two envs" % want])
        return g
    write(os.path.join(repo, ".gitignore"), "**/" * 12 + "zz\n")
    for env, w, where in zip(envs, want, ("without", "with")):
        check_list(ctx, g, "git: .gitignore '**/' x 12 + 'zz', env 60 folders deep %s a 'zz' folder: "
                   "list --json in 10 s, as git says" % where, repo, env, home, w, None)
    return g


def fifo_cases(base):
    """(name, setup(repo, home) -> the file named in the problem)."""
    def index(repo, home):
        p = os.path.join(repo, ".git", "index")
        if os.path.lexists(p):
            os.unlink(p)
        os.mkfifo(p)
        return p

    def config(repo, home):
        p = os.path.join(repo, ".git", "config")
        os.unlink(p)
        os.mkfifo(p)
        return p

    def include(repo, home):
        p = os.path.join(base, "include-fifo")
        os.mkfifo(p)
        with open(os.path.join(repo, ".git", "config"), "a") as f:
            f.write("[include]\n\tpath = %s\n" % p)
        return p

    def gitconfig(repo, home):
        p = os.path.join(home, ".gitconfig")
        os.unlink(p)
        os.mkfifo(p)
        return p

    return [(".git/index", index), (".git/config", config), ("a config [include] path", include),
            ("~/.gitconfig", gitconfig)]


def exclude_cases(base):
    def excludes_file(dev):
        def setup(repo, home):
            with open(os.path.join(home, ".gitconfig"), "a") as f:
                f.write("[core]\n\texcludesFile = /dev/%s\n" % dev)
            return "/dev/%s" % dev
        return setup

    def link(rel_of, dev):
        def setup(repo, home):
            p = rel_of(repo, home)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            if os.path.lexists(p):
                os.unlink(p)
            os.symlink("/dev/%s" % dev, p)
            return p
        return setup

    exclude = lambda repo, home: os.path.join(repo, ".git", "info", "exclude")  # noqa: E731
    xdg = lambda repo, home: os.path.join(home, ".config", "git", "ignore")  # noqa: E731
    out = []
    for dev in ("urandom", "zero"):
        out.append(("core.excludesFile = /dev/%s" % dev, excludes_file(dev)))
        out.append(("~/.config/git/ignore a link to /dev/%s" % dev, link(xdg, dev)))
    # (tests_git covers info/exclude -> /dev/zero, a FIFO, a sparse file)
    out.append((".git/info/exclude a link to /dev/urandom", link(exclude, "urandom")))
    return out


def t_unsafe_files(ctx):
    """Every file git reads that is not a small regular file: git null and
    a problem naming it, fast and small."""
    g = Group()
    root = workdir(ctx, "hard-files")
    for i, (what, setup) in enumerate(fifo_cases(root) + exclude_cases(root)):
        title = "git: %s: list --json in 10 s, under 100 MB, git null naming the file" % (
            what if "/dev/" in what else what + " as a FIFO")
        base = os.path.join(root, "case%d" % i)
        os.makedirs(base)
        try:
            home = git_home(base)
            repo = fresh_repo(ctx, base, "repo", home)
            env = venv(ctx, os.path.join(repo, "venv"), home)
            named = setup(repo, home)
        except Exception as e:
            g.fail(title + " (setup)", [str(e)])
            continue
        shown = ".git/info/exclude" if named.startswith(os.path.join(repo, ".git", "info")) else named
        check_list(ctx, g, title, repo, env, home, None,
                   r"^git: .*%s is not a regular file" % re.escape(shown))
    return g


def broken_cases(base):
    """(name, setup(repo, home) -> regex the problem must match); each one
    makes `git status` fail."""
    def commit(repo, home):
        git(home, repo, "add", "-A")
        git(home, repo, "commit", "-q", "-m", "x")

    def short_index(repo, home):
        commit(repo, home)
        idx = os.path.join(repo, ".git", "index")
        with open(idx, "wb") as f:
            f.write(b"garbage\n")
        return r"^git: cannot read the index %s: .*too short" % re.escape(idx)

    def truncated_index(repo, home):
        commit(repo, home)
        idx = os.path.join(repo, ".git", "index")
        size = os.path.getsize(idx)
        with open(idx, "r+b") as f:
            f.truncate(size // 2)
        return r"^git: cannot read the index %s: \S" % re.escape(idx)

    def folder_index(repo, home):
        idx = os.path.join(repo, ".git", "index")
        if os.path.lexists(idx):
            os.unlink(idx)
        os.mkdir(idx)
        return r"^git: %s is not a regular file" % re.escape(idx)

    def self_include(repo, home):
        cfg = os.path.join(repo, ".git", "config")
        with open(cfg, "a") as f:
            f.write("[include]\n\tpath = config\n")
        return r"^git: .*%s includes %s, .*include loop" % (re.escape(cfg), re.escape(cfg))

    def mutual_include(repo, home):
        cfg = os.path.join(repo, ".git", "config")
        other = os.path.join(repo, ".git", "other.cfg")
        with open(cfg, "a") as f:
            f.write("[include]\n\tpath = other.cfg\n")
        write(other, "[include]\n\tpath = config\n")
        return r"^git: .*%s includes %s, .*include loop" % (re.escape(other), re.escape(cfg))

    def other_owner(repo, home):
        for dirpath, dirs, files in os.walk(repo):
            for n in dirs + files:
                os.lchown(os.path.join(dirpath, n), 65534, 65534)
        os.lchown(repo, 65534, 65534)
        return r"^git: the repository at %s.* belongs to another user: .*owned by uid 65534" % (
            re.escape(os.path.join(repo, ".git")))

    return [("a corrupt .git/index (8 bytes)", short_index), ("a truncated .git/index", truncated_index),
            ("a folder as .git/index", folder_index), ("a config that includes itself", self_include),
            ("configs that include each other", mutual_include),
            ("a repository owned by another user", other_owner)]


def t_broken_repos(ctx):
    g = Group()
    root = workdir(ctx, "hard-broken")
    for i, (what, setup) in enumerate(broken_cases(root)):
        title = "git: %s: git null with a warning naming it and why" % what
        if what.endswith("another user") and os.geteuid() != 0:
            g.skip(title, "needs root to give the repository to another user (uid 65534)")
            continue
        base = os.path.join(root, "case%d" % i)
        os.makedirs(base)
        try:
            home = git_home(base)
            repo = fresh_repo(ctx, base, "repo", home)
            env = venv(ctx, os.path.join(repo, "venv"), home)
            want = setup(repo, home)
            st = git(home, repo, "status", "--porcelain", check=False)
        except Exception as e:
            g.fail(title + " (setup)", [str(e)])
            continue
        # git does not check the index's checksum (since 2.13) and reads what
        # is left of a truncated one; libgit2 does, so venvscope cannot know
        # what git would do there and must say so.
        if st.returncode == 0 and "truncated" not in what:
            g.fail(title + " (setup)", ["git status works on it: the fixture is not broken"])
            continue
        check_list(ctx, g, title, repo, env, home, None, want)
    return g


# ------------------------------------------------------------ the browser's quit

_libc = ctypes.CDLL(None, use_errno=True)
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
_libc.ptrace.restype = ctypes.c_long
PTRACE_CONT, PTRACE_GETEVENTMSG, PTRACE_SEIZE = 7, 0x4201, 0x4206
PTRACE_O_TRACECLONE, PTRACE_EVENT_CLONE, PTRACE_EVENT_STOP = 0x8, 3, 128
WALL = 0x40000000


class Freezer(threading.Thread):
    """Traces process `pid` (seized before it execs venvscope): every thread
    it starts is kept stopped for good, as if stuck in a system call; the
    first thread runs on (its stops are resumed at once, signals passed
    on). Ends when the process is gone, or at stop()."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.threads, self.error = pid, set(), None
        self.seized, self.done = threading.Event(), threading.Event()
        self._halt = False

    def run(self):
        # The tracer is this thread: seize, wait and resume all happen here.
        if _libc.ptrace(PTRACE_SEIZE, self.pid, None, PTRACE_O_TRACECLONE) != 0:
            self.error = os.strerror(ctypes.get_errno())
            self.seized.set()
            return
        self.seized.set()
        try:
            self._serve()
        finally:
            self.done.set()

    def _serve(self):
        main_alive = True
        while not self._halt and (main_alive or self.threads):
            busy = False
            for tid in [self.pid] + sorted(self.threads):
                if tid != self.pid and not main_alive and tid not in self.threads:
                    continue
                try:
                    w, st = os.waitpid(tid, os.WNOHANG | WALL)
                except ChildProcessError:
                    w, st = tid, 0  # gone
                    if tid == self.pid:
                        main_alive = False
                    self.threads.discard(tid)
                    continue
                if w == 0:
                    continue
                busy = True
                if os.WIFEXITED(st) or os.WIFSIGNALED(st):
                    if tid == self.pid:
                        main_alive = False
                    self.threads.discard(tid)
                elif os.WIFSTOPPED(st) and tid == self.pid:
                    event, sig = st >> 16, os.WSTOPSIG(st)
                    if event == PTRACE_EVENT_CLONE:
                        msg = ctypes.c_ulong()
                        _libc.ptrace(PTRACE_GETEVENTMSG, tid, None, ctypes.byref(msg))
                        self.threads.add(msg.value)
                        sig = 0
                    elif event == PTRACE_EVENT_STOP or sig == signal.SIGTRAP:
                        sig = 0
                    _libc.ptrace(PTRACE_CONT, tid, None, sig)
                # a new thread's first stop: left stopped
            if not busy:
                time.sleep(0.005)

    def stop(self):
        self._halt = True


def t_quit_stuck(ctx, rescan=False):
    """q (after R when `rescan`) while every scan thread is held: the
    browser stays responsive and the process ends within LIMIT_S."""
    title = "browser %swith every scan thread stuck" % ("R, then quit, " if rescan else "quit ")

    def run(st):
        root = os.path.join(ctx.fx.tree, "stale")
        with Tty(ctx.runner, [], width=120, height=30, shell=True, tag="b-stuck") as t:
            fifo = os.path.join(t.dir, "go")
            pidfile = os.path.join(t.dir, "pid")
            os.mkfifo(fifo)
            t.wait_for(PROMPT, what="the shell prompt")
            t.line("echo BEFORE-$((40+2))")
            t.wait_for(r"^BEFORE-42$", what="the shell to run a command")
            # A shell that says its pid, waits for the go, then becomes venvscope.
            inner = "echo $$ > %s; read x < %s; exec %s" % (pidfile, fifo, t.command_line([root]))
            t.line("sh -c '%s'; echo EXITED=$?" % inner.replace("'", "'\\''"))
            deadline = time.monotonic() + 10
            while not (os.path.exists(pidfile) and open(pidfile).read().strip()):
                if time.monotonic() > deadline:
                    raise ScreenError("the inner shell never wrote its pid")
                time.sleep(0.02)
            pid = int(open(pidfile).read())
            fr = Freezer(pid)
            fr.start()
            fr.seized.wait(5)
            if fr.error:
                with open(fifo, "w") as f:
                    f.write("go\n")
                t.wait_for(r"venvscope", what="the browser")
                t.keys("q")
                if fr.error.startswith("Operation not permitted"):
                    st.g.skip(title, "ptrace is not permitted here (%s): no way to hold a thread" % fr.error)
                    return
                raise ScreenError("ptrace(PTRACE_SEIZE) failed: %s" % fr.error)
            try:
                with open(fifo, "w") as f:
                    f.write("go\n")
                t.wait_for(lambda s: s.line(0).startswith(" venvscope"), what="the browser's header")
                t0 = time.monotonic()
                while not fr.threads and time.monotonic() - t0 < 5:
                    time.sleep(0.02)
                st.check("the scan's threads are held (%d)" % len(fr.threads),
                         [] if fr.threads else ["venvscope started no thread to hold"])
                if rescan:
                    # The stuck scan is set aside, not waited for: the new
                    # one starts and the browser answers keys.
                    held = len(fr.threads)
                    t.keys("R")
                    t.wait_for(r"rescanning everything", timeout=LIMIT_S,
                               what="'rescanning everything' after R (the browser froze?)")
                    t0 = time.monotonic()
                    while len(fr.threads) <= held and time.monotonic() - t0 < 5:
                        time.sleep(0.02)
                    st.check("R with the scan stuck: the browser answers, a new scan started (%d threads held)"
                             % len(fr.threads),
                             [] if len(fr.threads) > held else ["no new scan thread after R"])
                t.keys("q")
                t0 = time.monotonic()
                try:
                    scr = t.wait_for(r"^EXITED=(\d+)$", timeout=LIMIT_S, what="the process to end after q")
                except ScreenError as e:
                    st.check("q ends the process within %d s" % LIMIT_S, [str(e).split("\n")[0]])
                    return
                secs = time.monotonic() - t0
                rc = re.search(r"^EXITED=(\d+)$", scr.text, re.M).group(1)
                d = [] if rc == "0" else ["exit status %s, expected 0" % rc]
                if os.path.exists("/proc/%d" % pid) and not fr.done.wait(5):
                    d.append("process %d is still there" % pid)
                d += terminal_restored(t, scr)
                st.check("q ends the process in %.1f s (under %d), exit 0, the terminal as before"
                         % (secs, LIMIT_S), d)
            finally:
                if not fr.done.is_set():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                    fr.done.wait(5)
                fr.stop()
                fr.join(5)
    return session(title, run)


def tests(ctx):
    return [("git hard: deep ** pattern", lambda: t_deep_pattern(ctx)),
            ("git hard: unsafe files", lambda: t_unsafe_files(ctx)),
            ("git hard: broken repositories", lambda: t_broken_repos(ctx)),
            ("git hard: browser quit stuck", lambda: t_quit_stuck(ctx)),
            ("git hard: browser rescan stuck", lambda: t_quit_stuck(ctx, rescan=True))]


__all__ = ["tests"]
