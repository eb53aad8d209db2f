"""Git awareness against git itself: real venvs (`python -m venv
--without-pip`) in real repositories made with `git init`.

`list --json` and `show --json`: every env's `git` and `git_repo` must be
what git says from the env's folder (`git rev-parse --show-toplevel`, `git
ls-files .`, `git check-ignore -q pyvenv.cfg`), with the same HOME (its
core.excludesFile) as venvscope: ignored by the root .gitignore, a parent
folder's .gitignore, .git/info/exclude, the global excludes file; a
negation in a nearer .gitignore; a 3.13-style inner .gitignore; committed
files; a nested repository; a submodule; no repository at all.

`venvscope gitignore`: refuses without a terminal and without --yes (exit
2, nothing written); with --yes the line is added (CRLF kept), git agrees
it is ignored, a second run has nothing to do (exit 2); a tracked env
leaves the index while its files stay; --inner; not an env, no repo. On a
terminal (tmux) it asks: n changes nothing (exit 1), y fixes it."""

import json
import os
import re
import signal
import subprocess
import threading
import time

from harness import Group, clean_environ, fresh_dir
from tty import ScreenError, Tty

OUTER = r"^[$#] ?$"


def workdir(ctx, name):
    return fresh_dir(ctx.fx.base, "git", name)


def git_home(base, excludes=None):
    """A HOME whose .gitconfig names the user (for commits) and, when given,
    core.excludesFile."""
    home = os.path.join(base, "home")
    for sub in (".local/share", ".cache", ".local/state", ".config"):
        os.makedirs(os.path.join(home, sub), exist_ok=True)
    text = "[user]\n\tname = Test\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n"
    if excludes:
        text += "[core]\n\texcludesFile = %s\n" % excludes
    with open(os.path.join(home, ".gitconfig"), "w") as f:
        f.write(text)
    return home


def home_env(home):
    env = clean_environ({"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config")})
    return {k: v for k, v in env.items() if not k.startswith("GIT_")}


def git(home, cwd, *args, check=True):
    p = subprocess.run(["git"] + list(args), cwd=cwd, env=home_env(home), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if check and p.returncode != 0:
        raise RuntimeError("git %s in %s: %s" % (" ".join(args), cwd, p.stderr.decode(errors="replace").strip()))
    return p


def venv(ctx, path, home):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # 3.13+ would write a .gitignore with * inside: only where a test asks for one.
    opts = ["--without-scm-ignore-files"] if ctx.fx.fast.vtuple >= (3, 13) else []
    p = subprocess.run([ctx.fx.fast.exe, "-m", "venv", "--without-pip"] + opts + [path], env=home_env(home),
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("venv %s: %s" % (path, p.stderr.decode(errors="replace")))
    return path


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(text)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def truth(env, home):
    """(git, git_repo) as git says from the env's folder."""
    top = git(home, env, "rev-parse", "--show-toplevel", check=False)
    if top.returncode != 0:
        return "no-repo", None
    repo = top.stdout.decode().rstrip("\n")
    if git(home, env, "ls-files", "--", ".").stdout:
        return "tracked", repo
    ign = git(home, env, "check-ignore", "-q", "pyvenv.cfg", check=False).returncode == 0
    return ("ignored" if ign else "not-ignored"), repo


def ignored_by_git(env, home):
    return git(home, env, "check-ignore", "-q", "pyvenv.cfg", check=False).returncode == 0


def tracked_paths(repo, rel, home):
    return git(home, repo, "ls-files", "-z", "--", rel).stdout.decode().split("\0")[:-1]


# ------------------------------------------------------------ states

def build_states(ctx, base, home):
    """The repositories and envs of the state checks; returns the envs and
    the rule each ignored one is expected to name."""
    r = os.path.join(base, "repo")
    os.makedirs(r)
    git(home, r, "init", "-q")
    write(os.path.join(r, ".gitignore"), "# envs\n/ignored-root/\nvenv/\n")
    write(os.path.join(r, "sub", ".gitignore"), "tools-env/\n")
    write(os.path.join(r, "keep", ".gitignore"), "!venv/\n")  # a nearer negation wins
    write(os.path.join(r, ".git", "info", "exclude"), "/excluded/\n")
    write(os.path.join(home, "global-ignore"), "global-env/\n")
    envs = {
        "root .gitignore": venv(ctx, os.path.join(r, "ignored-root"), home),
        "root .gitignore, any depth": venv(ctx, os.path.join(r, "a", "b", "venv"), home),
        "parent folder .gitignore": venv(ctx, os.path.join(r, "sub", "tools-env"), home),
        "negation in a nearer .gitignore": venv(ctx, os.path.join(r, "keep", "venv"), home),
        ".git/info/exclude": venv(ctx, os.path.join(r, "excluded"), home),
        "core.excludesFile": venv(ctx, os.path.join(r, "deep", "global-env"), home),
        "not ignored": venv(ctx, os.path.join(r, ".venv"), home),
        "inner .gitignore with *": venv(ctx, os.path.join(r, "inner-env"), home),
        "committed": venv(ctx, os.path.join(r, "committed"), home),
        "committed and ignored since": venv(ctx, os.path.join(r, "old-env"), home),
        "nested repository": venv(ctx, os.path.join(r, "nested", "venv"), home),
        "submodule": os.path.join(r, "sm", "env"),  # made once the submodule is there
        "no repository": venv(ctx, os.path.join(base, "outside", "env"), home),
    }
    write(os.path.join(r, "inner-env", ".gitignore"),
          "# Created by venv; see https://docs.python.org/3/library/venv.html\n*\n")
    git(home, r, "add", "-f", "committed", "old-env")
    git(home, r, "commit", "-q", "-m", "envs, by mistake")
    with open(os.path.join(r, ".gitignore"), "a") as f:
        f.write("old-env/\n")
    git(home, os.path.join(r, "nested"), "init", "-q")
    up = os.path.join(base, "upstream")
    os.makedirs(up)
    git(home, up, "init", "-q")
    write(os.path.join(up, "README"), "x\n")
    git(home, up, "add", "README")
    git(home, up, "commit", "-q", "-m", "init")
    git(home, r, "-c", "protocol.file.allow=always", "submodule", "add", "-q", up, "sm")
    venv(ctx, os.path.join(r, "sm", "env"), home)
    rules = {
        "root .gitignore": ".gitignore:2: /ignored-root/",
        "parent folder .gitignore": "sub/.gitignore:1: tools-env/",
        ".git/info/exclude": ".git/info/exclude:1: /excluded/",
        "core.excludesFile": "%s:1: global-env/" % os.path.join(home, "global-ignore"),
        "inner .gitignore with *": "inner-env/.gitignore:2: *",
    }
    return r, envs, rules


def t_states(ctx):
    g = Group()
    base = workdir(ctx, "states")
    home = git_home(base, excludes="~/global-ignore")
    try:
        repo, envs, rules = build_states(ctx, base, home)
    except Exception as e:
        g.fail("git: states: fixture", [str(e)])
        return g
    p = ctx.runner.run(["list", "--json", "--no-size", base], home=home)
    try:
        rows = p.json()
    except ValueError as e:
        g.fail("git: list --json over the repositories", [str(e), p.describe()])
        return g
    by_path = {r.get("path"): r for r in rows if isinstance(r, dict)}
    for label, env in envs.items():
        want_git, want_repo = truth(env, home)
        row = by_path.get(env)
        if row is None:
            g.fail("git: list --json: %s" % label, ["no row for %s" % env])
            continue
        d = []
        for k, v in (("git", want_git), ("git_repo", want_repo)):
            if k not in row:
                d.append("no key %r" % k)
            elif row[k] != v:
                d.append("%s is %s, git says %s" % (k, json.dumps(row[k]), json.dumps(v)))
        g.check("git: list --json: %s (git says %s)" % (label, want_git), d)
    # The expected answers of the fixture itself (so a broken fixture cannot pass).
    expect = {"not ignored": "not-ignored", "negation in a nearer .gitignore": "not-ignored",
              "committed": "tracked", "committed and ignored since": "tracked",
              "nested repository": "not-ignored", "submodule": "not-ignored", "no repository": "no-repo"}
    d = ["%s: git says %s, the fixture means %s" % (k, truth(envs[k], home)[0], v)
         for k, v in expect.items() if truth(envs[k], home)[0] != v]
    d += ["%s: git says %s" % (k, truth(envs[k], home)[0]) for k in rules if truth(envs[k], home)[0] != "ignored"]
    g.check("git: the fixture is what it means to be (per git)", d)
    # show: the rule, in JSON and in words.
    for label, rule in rules.items():
        env = envs[label]
        p = ctx.runner.run(["show", "--json", "--no-size", env], home=home)
        d = []
        try:
            obj = p.json()
        except ValueError as e:
            obj, d = {}, [str(e)]
        for k, v in (("git", "ignored"), ("git_repo", repo), ("git_rule", rule)):
            if obj.get(k, "<missing>") != v:
                d.append("%s is %s, expected %s" % (k, json.dumps(obj.get(k, "<missing>")), json.dumps(v)))
        g.check("git: show --json: %s: git_rule %s" % (label, rule), d)
    p = ctx.runner.run(["show", "--no-size", envs["root .gitignore"]], home=home)
    text = p.out.decode(errors="replace")
    d = [] if re.search(r"^  git rule +\.gitignore:2: /ignored-root/$", text, re.M) else \
        ["no line 'git rule  .gitignore:2: /ignored-root/' in:\n" + text]
    g.check("git: show names the rule that ignores it", d)
    return g


# ------------------------------------------------------------ the fix

def expect_rc(p, rc):
    if p.timed_out:
        return ["timed out: " + p.describe()]
    return [] if p.rc == rc else ["exit %s, expected %s; %s" % (p.rc, rc, p.describe())]


def t_fix(ctx):
    g = Group()
    base = workdir(ctx, "fix")
    home = git_home(base)
    r = os.path.join(base, "repo")
    os.makedirs(r)
    git(home, r, "init", "-q")
    gi = os.path.join(r, ".gitignore")
    write(gi, "# build output\r\nbuild/\r\n*.pyc")  # CRLF, no final newline
    env = venv(ctx, os.path.join(r, ".venv"), home)

    # No terminal, no --yes: refused, nothing written.
    p = ctx.runner.run(["gitignore", env], home=home)
    d = expect_rc(p, 2)
    if "--yes" not in p.err_text:
        d.append("stderr does not mention --yes: %r" % p.err_text)
    if "/.venv/" not in p.out.decode(errors="replace"):
        d.append("the line /.venv/ is not shown: %r" % p.out)
    if read(gi) != b"# build output\r\nbuild/\r\n*.pyc":
        d.append(".gitignore changed: %r" % read(gi))
    g.check("git: gitignore ENV without a terminal and without --yes shows the line, refuses (exit 2)", d)

    p = ctx.runner.run(["gitignore", "--yes", env], home=home)
    d = expect_rc(p, 0)
    if read(gi) != b"# build output\r\nbuild/\r\n*.pyc\r\n/.venv/\r\n":
        d.append(".gitignore is %r" % read(gi))
    if not ignored_by_git(env, home):
        d.append("git check-ignore does not ignore %s/pyvenv.cfg" % env)
    g.check("git: gitignore --yes adds /.venv/ (CRLF kept, final newline added); git check-ignore agrees", d)

    p = ctx.runner.run(["list", "--json", "--no-size", env], home=home)
    try:
        row = p.json()[0]
        d = [] if (row.get("git"), row.get("git_repo")) == ("ignored", r) else \
            ["git / git_repo are %r / %r" % (row.get("git"), row.get("git_repo"))]
    except (ValueError, IndexError, AttributeError) as e:
        d = [str(e)]
    g.check("git: list --json after the fix says ignored", d)

    p = ctx.runner.run(["gitignore", "--yes", env], home=home)
    d = expect_rc(p, 2)
    if "already ignores" not in p.err_text:
        d.append("stderr: %r" % p.err_text)
    g.check("git: gitignore on an ignored env: nothing to do (exit 2)", d)

    # Tracked: out of the index, files stay, then ignored.
    tr = venv(ctx, os.path.join(r, "src", "my env [1]"), home)
    git(home, r, "add", "-A")
    git(home, r, "commit", "-q", "-m", "oops")
    n = len(tracked_paths(r, "src", home))
    files = sorted(os.path.relpath(os.path.join(dp, f), tr) for dp, _, fs in os.walk(tr) for f in fs)
    p = ctx.runner.run(["gitignore", "--yes", tr], home=home)
    d = expect_rc(p, 0)
    out = p.out.decode(errors="replace")
    if "%d of its files are in git's index" % n not in out:
        d.append("the plan does not say %d files are in the index: %r" % (n, out))
    if "commit is still needed" not in out:
        d.append("no word that a commit is still needed: %r" % out)
    if "/src/my env \\[1]/" not in out:
        d.append("the escaped line is not shown: %r" % out)
    left = tracked_paths(r, "src", home)
    if left:
        d.append("git ls-files still lists %s" % left[:3])
    now = sorted(os.path.relpath(os.path.join(dp, f), tr) for dp, _, fs in os.walk(tr) for f in fs)
    if now != files:
        d.append("the env's files changed on disk")
    if not ignored_by_git(tr, home):
        d.append("git does not ignore it afterwards")
    staged = git(home, r, "diff", "--cached", "--name-status").stdout.decode().split("\n")
    if sum(1 for s in staged if s.startswith("D")) != n:
        d.append("the removal of %d files is not staged: %r" % (n, staged[:4]))
    g.check("git: gitignore --yes on a tracked env (%d files): out of the index, files kept, ignored, "
            "commit needed" % n, d)

    # --inner: a .gitignore with * inside the env; the top-level one untouched.
    inner = venv(ctx, os.path.join(r, "tools", "env"), home)
    before = read(gi)
    p = ctx.runner.run(["gitignore", "--yes", "--inner", inner], home=home)
    d = expect_rc(p, 0)
    if read(os.path.join(inner, ".gitignore")) != b"*\n":
        d.append("ENV/.gitignore is %r" % read(os.path.join(inner, ".gitignore")))
    if read(gi) != before:
        d.append("the top-level .gitignore changed")
    if not ignored_by_git(inner, home):
        d.append("git does not ignore it")
    g.check("git: gitignore --inner writes * into ENV/.gitignore; git agrees", d)

    # Refusals.
    out_env = venv(ctx, os.path.join(base, "outside", "env"), home)
    p = ctx.runner.run(["gitignore", "--yes", out_env], home=home)
    d = expect_rc(p, 2)
    if "not inside a git work tree" not in p.err_text:
        d.append("stderr: %r" % p.err_text)
    g.check("git: gitignore on an env outside any repository: exit 2", d)
    plain = os.path.join(r, "not-an-env")
    os.makedirs(plain)
    p = ctx.runner.run(["gitignore", "--yes", plain], home=home)
    d = expect_rc(p, 2)
    if read(gi) != before:
        d.append("the .gitignore changed")
    g.check("git: gitignore on a folder that is not an env: exit 2", d)
    p = ctx.runner.run(["gitignore", "--nope", env], home=home)
    g.check("git: gitignore with an unknown option: exit 2", expect_rc(p, 2))
    return g


def t_fix_tty(ctx):
    """On a terminal: it asks; n changes nothing (exit 1), y fixes it."""
    g = Group()
    base = workdir(ctx, "tty")
    home = git_home(base)
    r = os.path.join(base, "repo")
    os.makedirs(r)
    git(home, r, "init", "-q")
    env = venv(ctx, os.path.join(r, "venv"), home)
    gi = os.path.join(r, ".gitignore")
    title = "git: gitignore ENV on a terminal"
    try:
        with Tty(ctx.runner, [], width=200, height=30, shell=True, tag="git-tty") as t:
            t.wait_for(OUTER, what="the shell's prompt")
            t.line("clear; " + t.command_line(["gitignore", env]))
            scr = t.wait_for(r"\[y/N\]", what="the question [y/N]")
            d = [] if re.search(r"^ +/venv/$", scr.text, re.M) else ["the line /venv/ is not shown:\n" + scr.text]
            t.line("n")
            t.line("echo \"N-RC=$?\"")
            scr = t.wait_for(r"N-RC=\d+", what="N-RC=")
            rc = re.search(r"N-RC=(\d+)", scr.text, re.M).group(1)
            if rc != "1" or "nothing changed" not in scr.text:
                d.append("after n: exit %s, screen:\n%s" % (rc, scr.text))
            if read(gi) is not None:
                d.append(".gitignore was written after n")
            g.check("%s shows the line and asks; n: nothing changed (exit 1)" % title, d)
            t.line("clear; " + t.command_line(["gitignore", env]))
            t.wait_for(r"\[y/N\]", what="the question [y/N]")
            t.line("y")
            t.line("echo \"Y-RC=$?\"")
            scr = t.wait_for(r"Y-RC=\d+", what="Y-RC=")
            rc = re.search(r"Y-RC=(\d+)", scr.text, re.M).group(1)
            d = [] if rc == "0" else ["after y: exit %s:\n%s" % (rc, scr.text)]
            if read(gi) != b"/venv/\n":
                d.append(".gitignore is %r" % read(gi))
            if not ignored_by_git(env, home):
                d.append("git does not ignore it")
            g.check("%s: y adds /venv/ to a new .gitignore; git agrees" % title, d)
    except ScreenError as e:
        g.fail(title, [str(e)])
    return g


# ------------------------------------------------------------ bounded reads

def run_measured(ctx, args, home, timeout=30):
    """Runs venvscope like ctx.runner.run; returns (stdout or None on
    timeout, peak RSS in KiB, wall seconds, stderr). The peak is venvscope's
    own: GNU time's %M when /usr/bin/time exists (its child is forked from a
    small process), else the most VmHWM seen in /proc while it runs. (The
    rusage of a child forked from this Python would start from Python's
    own size.)"""
    env = clean_environ({"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                         "XDG_DATA_HOME": os.path.join(home, ".local/share"),
                         "XDG_CACHE_HOME": os.path.join(home, ".cache"),
                         "XDG_STATE_HOME": os.path.join(home, ".local/state")})
    env = {k: v for k, v in env.items() if not k.startswith("GIT_")}
    rss_file = os.path.join(home, "peak-rss")
    prefix = ["/usr/bin/time", "-f", "%M", "-o", rss_file] if os.access("/usr/bin/time", os.X_OK) else []
    t0 = time.monotonic()
    # Its own session: a timeout kills venvscope too, not only GNU time
    # (an orphan would keep the pipes open and the readers waiting).
    p = subprocess.Popen(prefix + [ctx.runner.binary] + args, cwd=home, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    out, err, hwm = [], [], 0
    readers = [threading.Thread(target=lambda f=f, b=b: b.append(f.read()))
               for f, b in ((p.stdout, out), (p.stderr, err))]
    for r in readers:
        r.start()
    timed_out = False
    while p.poll() is None:
        if time.monotonic() - t0 > timeout:
            os.killpg(p.pid, signal.SIGKILL)
            timed_out = True
            p.wait()
            break
        try:
            with open("/proc/%d/status" % p.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.005)
    secs = time.monotonic() - t0
    for r in readers:
        r.join()
    if prefix and not timed_out:
        try:
            with open(rss_file) as f:
                hwm = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
    return (None if timed_out else out[0]), hwm, secs, err[0] if err else b""


LIMIT_S = 10.0
LIMIT_KB = 100 * 1024



def check_list(ctx, g, title, repo, env, home, want_git, want_problem):
    """`list --json --no-size repo`: in time, in memory, the env's git is
    want_git and (when want_problem, a regex) some problem matches it."""
    out, rss, secs, err = run_measured(ctx, ["list", "--json", "--no-size", repo], home,
                                       timeout=LIMIT_S + 5)
    d = []
    if out is None:
        g.fail(title, ["did not finish in %d s (killed); peak RSS %d KiB" % (LIMIT_S + 5, rss)])
        return
    if secs > LIMIT_S:
        d.append("took %.1f s (over %d s)" % (secs, LIMIT_S))
    if rss > LIMIT_KB:
        d.append("peak RSS %d KiB (over 100 MB)" % rss)
    try:
        rows = [r for r in json.loads(out.decode()) if r.get("path") == env]
    except ValueError as e:
        rows = []
        d.append("stdout is not JSON (%s): %r %r" % (e, out[:200], err[:200]))
    if len(rows) != 1:
        d.append("no row for %s" % env)
    else:
        if rows[0].get("git") != want_git:
            d.append("git is %s, expected %s" % (json.dumps(rows[0].get("git")), json.dumps(want_git)))
        probs = rows[0].get("problems") or []
        if want_problem and not any(re.search(want_problem, p) for p in probs):
            d.append("problems %s: none matches %r" % (json.dumps(probs), want_problem))
    print("e2e: note: %s: %.2f s, peak RSS %.1f MB" % (title, secs, rss / 1024.0))
    g.check(title, d)


def t_bounded(ctx):
    """.git/info/exclude as a link to /dev/zero, a FIFO or a 1 GiB sparse
    file: `list --json` ends in seconds under 100 MB and flags the file."""
    g = Group()
    base = workdir(ctx, "bounded")
    home = git_home(base)
    kinds = (("a link to /dev/zero", "is not a regular file"), ("a FIFO", "is not a regular file"),
             ("a 1 GiB sparse file", "is larger than"))
    for i, (kind, why) in enumerate(kinds):
        title = "git: .git/info/exclude is %s: list --json" % kind
        try:
            repo = os.path.join(base, "repo%d" % i)
            os.makedirs(repo)
            git(home, repo, "init", "-q")
            env = venv(ctx, os.path.join(repo, "venv"), home)
            ex = os.path.join(repo, ".git", "info", "exclude")
            os.unlink(ex)
            if i == 0:
                os.symlink("/dev/zero", ex)
            elif i == 1:
                os.mkfifo(ex)
            else:
                with open(ex, "wb") as f:
                    f.truncate(1 << 30)
        except Exception as e:
            g.fail(title + " (setup)", [str(e)])
            continue
        check_list(ctx, g, "%s ends in seconds under 100 MB and flags the file" % title, repo, env, home,
                   None, re.escape("git: .git/info/exclude %s" % why))
    return g


def tests(ctx):
    return [("git states", lambda: t_states(ctx)), ("git fix", lambda: t_fix(ctx)),
            ("git fix tty", lambda: t_fix_tty(ctx)), ("git bounded reads", lambda: t_bounded(ctx))]


__all__ = ["tests"]
