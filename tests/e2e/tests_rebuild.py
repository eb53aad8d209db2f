"""`venvscope rebuild` and a clear that keeps a manager's files (issue 15,
items 2, 4 and 5), from the command line; the browser's rebuild key is in
t_browser.

The broken env is made as a user gets one: a venv with pip, made by a
Python reached through a folder that is then removed (pyenv uninstall,
Homebrew upgrade), with two packages installed from wheels written here.
Its `pip freeze` is taken with its own pip while it still runs: that is the
truth the rebuilt env's own pip freeze must match. Nothing is downloaded:
pip installs from a local folder (--find-links)."""

import hashlib
import os
import re
import shutil
import stat
import subprocess

from browser_kit import sel_name, session, start
from harness import Group, fresh_dir
from tests_actions import make_wheel, py_env, sh
from tty import Tty

DEBIAN_PY = "/usr/bin/python3.11"
WRAPPER_HOOKS = ("preactivate", "postactivate", "predeactivate", "postdeactivate", "get_env_details")


def tree_hash(root):
    """Every entry under root: path, kind, mode, size, mtime, link target or
    content digest. Equal hashes: byte-identical trees."""
    h = hashlib.sha256()
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(dirs + files):
            p = os.path.join(d, name)
            st = os.lstat(p)
            h.update(("%s %o %d %d\n" % (os.path.relpath(p, root), st.st_mode, st.st_size,
                                         st.st_mtime_ns)).encode())
            if stat.S_ISLNK(st.st_mode):
                h.update(os.fsencode(os.readlink(p)))
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def canonical(freeze):
    """name==version lines with PEP 503 names: pips of different ages spell
    beta_pkg and beta-pkg."""
    return sorted(re.sub(r"[-_.]+", "-", line.split("==")[0]).lower() + "==" + line.split("==", 1)[-1]
                  for line in freeze.splitlines() if line)


def source_python(ctx):
    """A Python with ensurepip for the env that breaks: another one than
    Debian's when the machine has one."""
    debian = os.path.realpath(DEBIAN_PY) if os.path.exists(DEBIAN_PY) else None
    pys = sorted((p for p in ctx.fx.pythons if p.ensurepip and p.vtuple >= (3, 8)), key=lambda p: p.vtuple)
    other = [p for p in pys if os.path.realpath(p.real) != debian]
    return (other or pys or [None])[0]


def wrapper_files(env, project_dir):
    """What virtualenvwrapper's mkvirtualenv -a writes into an env."""
    files = {".project": project_dir + "\n"}
    for hook in WRAPPER_HOOKS:
        files["bin/" + hook] = "#!/bin/bash\n# This hook is sourced after this virtualenv is activated.\n"
    for rel, text in files.items():
        with open(os.path.join(env, rel), "w") as f:
            f.write(text)
        os.chmod(os.path.join(env, rel), 0o755 if rel.startswith("bin/") else 0o644)
    return {rel: (text, 0o755 if rel.startswith("bin/") else 0o644) for rel, text in files.items()}


def files_kept(env, files):
    d = []
    for rel, (text, mode) in files.items():
        p = os.path.join(env, rel)
        if not os.path.isfile(p):
            d.append("%s is gone" % rel)
            continue
        with open(p) as f:
            got = f.read()
        if got != text or stat.S_IMODE(os.lstat(p).st_mode) != mode:
            d.append("%s: %r mode %o, expected %r mode %o" % (rel, got, stat.S_IMODE(os.lstat(p).st_mode),
                                                             text, mode))
    return d


def shell_prompt(env):
    """PS1 after `. bin/activate` in sh with PS1='$ '."""
    p = subprocess.run(["sh", "-c", '. "$1/bin/activate" && printf %s "$PS1"', "sh", env],
                       env=dict(py_env("/nonexistent"), PS1="$ "), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.stdout.decode(errors="replace")


def broken_env(ctx, base, name, home):
    """A broken venv with pip and two packages; returns (env, wheels, pip freeze
    taken by its own pip before it broke, the Python's label) or a skip reason."""
    py = source_python(ctx)
    if py is None:
        return "no Python with ensurepip here"
    wheels = os.path.join(base, "wheels")
    os.makedirs(wheels, exist_ok=True)
    make_wheel(wheels, "alpha", "1.0")
    make_wheel(wheels, "beta_pkg", "2.5")
    gone = os.path.join(base, "gone-" + name, "bin")
    os.makedirs(gone)
    exe = os.path.join(gone, "python%d.%d" % py.vtuple[:2])
    os.symlink(py.real, exe)
    env = os.path.join(base, "envs", name)
    os.makedirs(os.path.dirname(env), exist_ok=True)
    for args in ([exe, "-m", "venv", env],
                 [os.path.join(env, "bin/python"), "-m", "pip", "install", "--no-index", "--find-links", wheels,
                  "alpha", "beta_pkg"]):
        p = sh(args, home)
        if p.returncode != 0:
            return "%s failed: %s" % (" ".join(args[:3]), p.stderr.decode(errors="replace")[-300:])
    truth = sh([os.path.join(env, "bin/python"), "-m", "pip", "freeze"], home).stdout.decode()
    shutil.rmtree(os.path.dirname(gone))
    if subprocess.run(["test", "-x", os.path.join(env, "bin/python")]).returncode == 0:
        return "the env still runs after its base was removed"
    return env, wheels, truth, py.label


def t_rebuild(ctx):
    g = Group()
    name = "rebuild: a broken env onto %s keeps its packages (pip freeze identical) and its wrapper files" % DEBIAN_PY
    if not os.access(DEBIAN_PY, os.X_OK):
        g.skip(name, "%s is not here" % DEBIAN_PY)
        return g
    base = fresh_dir(ctx.fx.base, "rebuild", "ok")
    home = os.path.join(base, "home")
    for sub in (".local/share", ".local/state", ".cache", ".config"):
        os.makedirs(os.path.join(home, sub))
    b = broken_env(ctx, base, "webapp", home)
    if isinstance(b, str):
        g.skip(name, b)
        return g
    env, wheels, truth, label = b
    files = wrapper_files(env, os.path.join(base, "project"))
    before = ctx.runner.run(["freeze", "-o", "-", env], home=home)
    p = ctx.runner.run(["rebuild", "--python", DEBIAN_PY, "--find-links", wheels, "--yes", env], home=home,
                       timeout=300)
    d = []
    if p.rc != 0:
        d.append("exit %r: %s" % (p.rc, p.err.decode(errors="replace")[-1500:]))
    after = ctx.runner.run(["freeze", "-o", "-", env], home=home)
    own = sh([os.path.join(env, "bin/python"), "-m", "pip", "freeze"], home)
    if own.returncode != 0 or canonical(own.stdout.decode()) != canonical(truth):
        d.append("the rebuilt env's own pip freeze %r (rc %d), before it broke %r" % (
            own.stdout.decode(), own.returncode, truth))
    if before.out != after.out or not after.out:
        d.append("venvscope freeze before %r, after %r" % (before.out, after.out))
    if "alpha==1.0" not in truth:
        d.append("the case is wrong: alpha is not in %r" % truth)
    with open(os.path.join(env, "pyvenv.cfg")) as f:
        cfg = f.read()
    if "executable = %s" % DEBIAN_PY not in cfg:
        d.append("pyvenv.cfg does not name %s: %s" % (DEBIAN_PY, cfg))
    d += files_kept(env, files)
    if shell_prompt(env) != "(webapp) $ ":
        d.append("prompt after activate %r, expected '(webapp) $ '" % shell_prompt(env))
    left = [n for n in os.listdir(os.path.dirname(env)) if n != "webapp"]
    if left:
        d.append("left beside the env: %s" % left)
    trash = os.path.join(home, ".local/share/Trash")
    info = os.path.join(trash, "info", "webapp.trashinfo")
    if not os.path.isdir(os.path.join(trash, "files", "webapp")) or not os.path.isfile(info):
        d.append("the old env is not in the trash as webapp: %s" % (
            os.listdir(os.path.join(trash, "files")) if os.path.isdir(os.path.join(trash, "files")) else "no trash"))
    else:
        with open(info) as f:
            if "Path=%s\n" % env not in f.read():
                d.append("the trash info does not name %s" % env)
        with open(os.path.join(trash, "files", "webapp", "pyvenv.cfg")) as f:
            if "gone-webapp" not in f.read():
                d.append("the trashed env is not the old one")
    g.check(name + " (made by %s)" % label, d)
    return g


def t_rebuild_fails(ctx):
    g = Group()
    name = "rebuild: pip fails (--find-links to an empty folder): the old env byte-identical, no new env, pip's error said"
    base = fresh_dir(ctx.fx.base, "rebuild", "fails")
    home = os.path.join(base, "home")
    for sub in (".local/share", ".local/state", ".cache", ".config"):
        os.makedirs(os.path.join(home, sub))
    b = broken_env(ctx, base, "api", home)
    if isinstance(b, str):
        g.skip(name, b)
        return g
    env = b[0]
    empty = os.path.join(base, "empty")
    os.makedirs(empty)
    py = DEBIAN_PY if os.access(DEBIAN_PY, os.X_OK) else shutil.which("python3")
    h0, sib0 = tree_hash(env), sorted(os.listdir(os.path.dirname(env)))
    p = ctx.runner.run(["rebuild", "--python", py, "--find-links", empty, "--yes", env], home=home, timeout=300)
    err = p.err.decode(errors="replace")
    d = []
    if p.rc != 1:
        d.append("exit %r, expected 1" % p.rc)
    if tree_hash(env) != h0:
        d.append("the old env changed")
    if sorted(os.listdir(os.path.dirname(env))) != sib0:
        d.append("beside the env before %s, after %s" % (sib0, sorted(os.listdir(os.path.dirname(env)))))
    if "ERROR: Could not find a version that satisfies the requirement alpha==1.0" not in err:
        d.append("pip's own error is not said: %r" % err[-1200:])
    if "back in place, unchanged" not in err:
        d.append("the message does not say the old env is back: %r" % err[-600:])
    if os.path.exists(os.path.join(home, ".local/share/Trash/files")) and os.listdir(
            os.path.join(home, ".local/share/Trash/files")):
        d.append("something went to the trash")
    rec = ctx.runner.run(["deleted"], home=home)
    if b"no deleted environments recorded" not in rec.out:
        d.append("a deletion record was left: %r" % rec.out)
    g.check(name, d)

    name = "rebuild --dry-run: prints the recipe (venvscope freeze's lines) and changes nothing"
    p = ctx.runner.run(["rebuild", "--dry-run", "--python", py, env], home=home)
    fr = ctx.runner.run(["freeze", "-o", "-", env], home=home)
    out = p.out.decode(errors="replace")
    g.check(name, [] if p.rc == 0 and fr.out and out.endswith("--- recipe ---\n" + fr.out.decode())
            and "its 2 requirements?" in out and tree_hash(env) == h0 else ["exit %r, out %r, freeze %r" % (p.rc, out, fr.out)])

    name = "rebuild: without a terminal and without --yes it refuses (exit 2) and changes nothing"
    p = ctx.runner.run(["rebuild", "--python", py, env], home=home)
    g.check(name, [] if p.rc == 2 and b"without --yes" in p.err and tree_hash(env) == h0
            else ["exit %r, stderr %r" % (p.rc, p.err)])
    return g


def t_clear_wrapper(ctx):
    g = Group()
    base = fresh_dir(ctx.fx.base, "rebuild", "clear-wrapper")
    home = os.path.join(base, "home")
    workon = os.path.join(home, ".virtualenvs")
    os.makedirs(workon)
    env = os.path.join(workon, "proj")
    py = DEBIAN_PY if os.access(DEBIAN_PY, os.X_OK) else shutil.which("python3")
    made = "virtualenv"
    p = sh([py, "-m", "virtualenv", "--no-periodic-update", "--no-setuptools", "--no-wheel", "--app-data",
            os.path.join(base, "vapp"), env], home)
    if p.returncode != 0:
        made = "python -m venv (no virtualenv for %s)" % py
        p = sh([py, "-m", "venv", env], home)
    name = "clear: a virtualenvwrapper env (made by %s) keeps .project, its hooks and its prompt" % made
    if p.returncode != 0:
        g.fail(name, "could not make the env: %s" % p.stderr.decode(errors="replace")[-300:])
        return g
    files = wrapper_files(env, os.path.join(base, "code", "proj"))
    prompt = shell_prompt(env)
    p = ctx.runner.run(["clear", "--yes", env], home=home, env={"WORKON_HOME": workon}, timeout=180)
    d = [] if p.rc == 0 else ["exit %r: %s" % (p.rc, p.err.decode(errors="replace")[-600:])]
    d += files_kept(env, files)
    if shell_prompt(env) != prompt or prompt != "(proj) $ ":
        d.append("prompt after activate: before %r, after %r (expected '(proj) $ ')" % (prompt, shell_prompt(env)))
    g.check(name, d)
    return g


def t_browser(ctx):
    """x on a broken env, then r (it used to open the create form with
    "replace" ticked, and the packages were lost): the rebuild form, the
    Python picked with Right, Enter, the log pane, the packages kept."""
    def run(st):
        base = fresh_dir(ctx.fx.base, "rebuild", "browser")
        home = os.path.join(base, "home")
        b = broken_env(ctx, base, "shop", home)
        if isinstance(b, str) or not os.access(DEBIAN_PY, os.X_OK):
            st.g.skip("rebuild in the browser", b if isinstance(b, str) else "%s is not here" % DEBIAN_PY)
            return
        env, wheels, truth, label = b
        # Debian's 3.11, as /usr/bin/python3.11 or /usr/bin/python3 (the picker lists one of them).
        PICKED = r"Python  < >\s+3\.11\.\d+\s+/usr/bin/python3(?:\.11)?\s"
        before = ctx.runner.run(["freeze", "-o", "-", env], home=home)
        # The user's pip config names the wheels (no network here).
        pip = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": wheels}
        with Tty(ctx.runner, [os.path.dirname(env)], width=200, height=40, env=pip, tag="rebuild") as t:
            start(t)
            t.wait_for(lambda s: sel_name(s) == "shop" and s, styled=True, what="shop selected")
            st.at("x on the broken env")
            t.keys("x")
            t.wait_for("This environment is broken", what="the broken-env dialog")
            t.wait_for("r rebuild with another Python, keeping its packages", what="the r choice")
            st.at("r")
            t.keys("r")
            scr = t.wait_for("Rebuild an environment with its packages", what="the rebuild form")
            d = [] if "Recipe: 2 requirements" in scr.text else ["no 'Recipe: 2 requirements'\n%s" % scr]
            d += [] if "alpha==1.0" in scr.text else ["the recipe's lines are not shown"]
            st.check("r: the rebuild form shows the env and its recipe's line count", d)
            st.at("Right until %s" % DEBIAN_PY)
            for _ in range(len(ctx.fx.pythons) + 2):
                if re.search(PICKED, t.screen().text):
                    break
                text = t.screen().text
                t.keys("Right")
                t.wait_for(lambda s: s.text != text and s, what="the picker to move")
            scr = t.wait_for(PICKED, what="%s picked" % DEBIAN_PY)
            st.at("Enter")
            t.keys("Enter")
            done = "rebuilt %s with Python 3.11" % env
            scr = t.wait_for(lambda s: done in s.text and s, timeout=240, what="the result %r" % done)
            d = [] if "rebuild %s" % env in scr.text else ["no pane title 'rebuild %s'\n%s" % (env, scr)]
            own = sh([os.path.join(env, "bin/python"), "-m", "pip", "freeze"], home)
            if canonical(own.stdout.decode()) != canonical(truth):
                d.append("the rebuilt env's own pip freeze %r, before %r" % (own.stdout.decode(), truth))
            after = ctx.runner.run(["freeze", "-o", "-", env], home=home)
            if after.out != before.out or not after.out:
                d.append("venvscope freeze before %r, after %r" % (before.out, after.out))
            with open(os.path.join(env, "pyvenv.cfg")) as f:
                if "executable = %s" % DEBIAN_PY not in f.read():
                    d.append("pyvenv.cfg does not name %s" % DEBIAN_PY)
            if not os.path.isdir(os.path.join(t.home, ".local/share/Trash/files/shop")):
                d.append("the old env is not in the browser's trash")
            st.check("Enter: rebuilt on %s in the log pane, packages kept (freeze identical)" % DEBIAN_PY, d)
            st.at("the row")
            t.wait_for(lambda s: [r for r in s.rows() if r["NAME"] == "shop" and "3.11" in r["PYTHON"]] and s,
                       timeout=20, what="shop's row on Python 3.11")
            st.check("the row shows the env on 3.11 again", [])
    return session("rebuild browser", run)


def t_recreate(ctx):
    """recreate's traps (issue 15 item 4): --clear was 'unknown option', an
    empty record was taken and 'installed the requirements' said, pip's
    own error was replaced by a guess."""
    g = Group()
    base = fresh_dir(ctx.fx.base, "rebuild", "recreate")
    home = os.path.join(base, "home")
    for sub in (".local/share", ".local/state", ".cache", ".config"):
        os.makedirs(os.path.join(home, sub))
    py = DEBIAN_PY if os.access(DEBIAN_PY, os.X_OK) else ctx.fx.fast.exe
    wheels, empty = os.path.join(base, "wheels"), os.path.join(base, "empty")
    os.makedirs(wheels)
    os.makedirs(empty)
    make_wheel(wheels, "alpha", "1.0")
    make_wheel(wheels, "beta_pkg", "2.5")
    full, bare = os.path.join(base, "envs", "full"), os.path.join(base, "envs", "bare")
    for args in ([py, "-m", "venv", full], [py, "-m", "venv", "--without-pip", bare],
                 [os.path.join(full, "bin/python"), "-m", "pip", "install", "--no-index", "--find-links", wheels,
                  "alpha", "beta_pkg"]):
        p = sh(args, home)
        if p.returncode != 0:
            g.fail("recreate (setup)", "%s: %s" % (args, p.stderr.decode(errors="replace")[-300:]))
            return g
    for env in (full, bare):
        p = ctx.runner.run(["delete", "--yes", env], home=home)
        if p.rc != 0 or os.path.exists(env):
            g.fail("recreate (setup: delete %s)" % env, p.err.decode(errors="replace"))
            return g

    name = "recreate: a record with no requirements is refused (exit 2) unless --empty"
    p = ctx.runner.run(["recreate", bare], home=home, timeout=120)
    d = [] if p.rc == 2 and b"has no requirements" in p.err else ["exit %r: %r" % (p.rc, p.err)]
    if os.path.exists(bare):
        d.append("it made %s anyway" % bare)
    p = ctx.runner.run(["recreate", "--empty", bare], home=home, timeout=120)
    if p.rc != 0 or not os.path.isfile(os.path.join(bare, "pyvenv.cfg")):
        d.append("--empty: exit %r, %r" % (p.rc, p.err))
    g.check(name, d)

    name = "recreate: pip's own error when it cannot install, exit 1"
    pip_env = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": empty}
    p = ctx.runner.run(["recreate", full], home=home, env=pip_env, timeout=300)
    err = p.err.decode(errors="replace")
    g.check(name, [] if p.rc == 1 and "ERROR: Could not find a version that satisfies the requirement alpha==1.0" in err
            else ["exit %r: %r" % (p.rc, err[-800:])])

    name = "recreate: an env at the path asks for --clear, and recreate --clear replaces it, saying what pip installed"
    p = ctx.runner.run(["recreate", full], home=home, env=pip_env, timeout=120)
    d = [] if p.rc == 2 and b"use --clear to replace it" in p.err else ["without --clear: exit %r %r" % (p.rc, p.err)]
    pip_env["PIP_FIND_LINKS"] = wheels
    p = ctx.runner.run(["recreate", "--clear", full], home=home, env=pip_env, timeout=300)
    out = p.out.decode(errors="replace")
    if p.rc != 0:
        d.append("--clear: exit %r: %r" % (p.rc, p.err.decode(errors="replace")[-800:]))
    if not re.search(r"^Successfully installed alpha-1\.0 beta[-_]pkg-2\.5 into %s$" % re.escape(full), out, re.M):
        d.append("it does not say what pip installed: %r" % out)
    own = sh([os.path.join(full, "bin/python"), "-m", "pip", "freeze"], home).stdout.decode()
    if canonical(own) != ["alpha==1.0", "beta-pkg==2.5"]:
        d.append("pip freeze after: %r" % own)
    g.check(name, d)
    return g


def tests(ctx):
    return [("rebuild broken env", lambda: t_rebuild(ctx)),
            ("rebuild fails", lambda: t_rebuild_fails(ctx)),
            ("rebuild clear wrapper", lambda: t_clear_wrapper(ctx)),
            ("rebuild browser", lambda: t_browser(ctx)),
            ("rebuild recreate", lambda: t_recreate(ctx))]
