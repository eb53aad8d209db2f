"""The actions from the command line (`venvscope create | clear | upgrade |
shell | pythons`) against the machine's real Pythons.

Every create is compared with what `python -m venv` makes with the same
options in a sibling folder (same base name, so prompts agree): the whole
tree (file kinds, modes, link targets, contents with the folder's path
swapped), pyvenv.cfg key by key (`command` with the path swapped), the lstat
of bin/python, pip's presence, the prompt in bin/activate, .gitignore on
3.13. Clear, upgrade and shell are checked by what a user would look at: the
folder's inode, site-packages, pyvenv.cfg, the version before and after, the
words on stderr, the exit status. Nothing is downloaded: there is no network
here, which is what the --upgrade-deps / upgrade --deps cases rely on.

The browser's side of the same actions is in tests_actions_browser.py."""

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import threading
import zipfile

from harness import Group, clean_environ, fresh_dir
from tty import ScreenError, Tty

PYVENV = "pyvenv.cfg"
OUTER = r"^[$#] ?$"  # the outer sh's prompt (dash shows '# ' to root whatever PS1 says)


# ------------------------------------------------------------ env helpers

def workdir(ctx, name):
    return fresh_dir(ctx.fx.base, "actions", name)


def py_env(home):
    return clean_environ({"HOME": home, "XDG_CACHE_HOME": os.path.join(home, ".cache"),
                          "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                          "XDG_DATA_HOME": os.path.join(home, ".local/share")})


def sh(args, home, cwd=None, timeout=120):
    """Runs a helper command (a reference `python -m venv`, pip, ...)."""
    os.makedirs(home, exist_ok=True)
    return subprocess.run([os.fsdecode(a) for a in args], cwd=cwd, env=py_env(home), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


def venv_ref(py, opts, paths, home, cwd=None, timeout=120):
    """`python -m venv OPTS PATHS`; raises with its stderr when it fails."""
    p = sh([py.exe, "-m", "venv"] + list(opts) + list(paths), home, cwd=cwd, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("reference `%s -m venv %s` failed (%d): %s" % (
            py.exe, " ".join(opts), p.returncode, p.stderr.decode(errors="replace")[-400:]))
    return p


def read_cfg(env):
    """pyvenv.cfg as a dict (key -> value), or None when it is missing."""
    try:
        with open(os.path.join(env, PYVENV), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    out = {}
    for line in text.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def site_packages(env):
    lib = os.path.join(env, "lib")
    found = [d for d in os.listdir(lib) if d.startswith("python")] if os.path.isdir(lib) else []
    if len(found) != 1:
        raise RuntimeError("%s: expected one lib/pythonX.Y, found %s" % (env, found))
    return os.path.join(lib, found[0], "site-packages")


def site_names(env):
    """Top-level names in site-packages, __pycache__ left out."""
    return sorted(n for n in os.listdir(site_packages(env)) if n != "__pycache__")


def dist_infos(env):
    return sorted(n for n in site_names(env) if n.endswith(".dist-info"))


def pip_version(env):
    vs = [n[len("pip-"):-len(".dist-info")] for n in dist_infos(env) if n.startswith("pip-")]
    return vs[0] if len(vs) == 1 else None


def add_dist(env, name, version, files=1):
    """A hand-made installed distribution (what `pip install` leaves)."""
    sp = site_packages(env)
    di = os.path.join(sp, "%s-%s.dist-info" % (name, version))
    os.makedirs(di)
    pkg = os.path.join(sp, name)
    os.makedirs(pkg)
    record = []
    for i in range(files):
        fn = "m%d.py" % i
        with open(os.path.join(pkg, fn), "w") as f:
            f.write("X = %d\n" % i)
        record.append("%s/%s,," % (name, fn))
    with open(os.path.join(di, "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version))
    with open(os.path.join(di, "INSTALLER"), "w") as f:
        f.write("pip\n")
    with open(os.path.join(di, "RECORD"), "w") as f:
        f.write("\n".join(record + ["%s-%s.dist-info/METADATA,," % (name, version),
                                    "%s-%s.dist-info/RECORD,," % (name, version)]) + "\n")


def make_wheel(folder, name, version):
    """A minimal pure-Python wheel, written here (no build tools, no index)."""
    whl = os.path.join(folder, "%s-%s-py3-none-any.whl" % (name, version))
    di = "%s-%s.dist-info" % (name, version)
    files = {"%s/__init__.py" % name: "VERSION = %r\n" % version,
             di + "/METADATA": "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version),
             di + "/WHEEL": "Wheel-Version: 1.0\nGenerator: venvscope-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    import base64
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (path, digest, len(text.encode())))
    record.append(di + "/RECORD,,")
    files[di + "/RECORD"] = "\n".join(record) + "\n"
    with zipfile.ZipFile(whl, "w") as z:
        for path, text in files.items():
            z.writestr(path, text)
    return whl


def tree(env, swap=None):
    """{relative path: description} of everything in env except pyvenv.cfg
    and __pycache__: the kind, the mode, a link's target, a file's content
    digest (with `swap` = (old, new) path text replaced first). In
    site-packages only the top-level names count (pip's RECORD files hold
    hashes of scripts whose shebang names the env)."""
    out = {}
    old, new = (os.fsencode(swap[0]), os.fsencode(swap[1])) if swap else (None, None)
    for root, dirs, files in os.walk(env):
        rel = os.path.relpath(root, env)
        in_site = os.path.basename(root) == "site-packages"
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in dirs + sorted(files):
            p = os.path.join(root, name)
            r = os.path.normpath(os.path.join(rel, name))
            if r == PYVENV:
                continue
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                t = os.fsencode(os.readlink(p))
                out[r] = "symlink -> %s" % os.fsdecode(t.replace(old, new) if old else t)
            elif stat.S_ISDIR(st.st_mode):
                out[r] = "folder %o" % stat.S_IMODE(st.st_mode)
            elif in_site:
                out[r] = "file"
            else:
                with open(p, "rb") as f:
                    data = f.read()
                if old:
                    data = data.replace(old, new)
                out[r] = "file %o sha256:%s" % (stat.S_IMODE(st.st_mode), hashlib.sha256(data).hexdigest()[:16])
        if in_site:
            dirs[:] = []
    return out


def compare_envs(vs, ref, swap_roots):
    """Lines for each way env `vs` (made by venvscope) differs from `ref`
    (made by python -m venv with the same options). swap_roots: (ref root,
    vs root), the parents that differ in their paths."""
    d = []
    cv, cr = read_cfg(vs), read_cfg(ref)
    if cv is None or cr is None:
        return ["pyvenv.cfg missing: venvscope's %s, python -m venv's %s" % (
            "present" if cv is not None else "missing", "present" if cr is not None else "missing")]
    if "command" in cr:
        cr["command"] = cr["command"].replace(swap_roots[0], swap_roots[1])
    for k in sorted(set(cv) | set(cr)):
        if cv.get(k) != cr.get(k):
            d.append("pyvenv.cfg %s: venvscope made %r, python -m venv made %r" % (k, cv.get(k), cr.get(k)))
    tv, tr = tree(vs), tree(ref, swap=swap_roots)
    for r in sorted(set(tv) | set(tr)):
        if tv.get(r) != tr.get(r):
            d.append("%s: venvscope made %s; python -m venv made %s" % (r, tv.get(r, "nothing"), tr.get(r, "nothing")))
    return d


def is_link(p):
    return os.path.islink(p)


def activate_text(env):
    try:
        with open(os.path.join(env, "bin", "activate"), encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def env_python_says(env, code, home):
    p = sh([os.path.join(env, "bin", "python"), "-c", code], home, timeout=60)
    return p.stdout.decode(errors="replace").strip() if p.returncode == 0 else "(failed: %s)" % (
        p.stderr.decode(errors="replace").strip()[-200:])


def out_text(p):
    return p.out.decode("utf-8", "replace")


def last_line(p):
    lines = [l for l in out_text(p).splitlines() if l.strip()]
    return lines[-1] if lines else ""


def expect_rc(p, rc):
    if p.timed_out:
        return ["venvscope did not finish: " + p.describe()]
    if p.rc != rc:
        return ["expected exit %d; %s\n  stdout: %s" % (rc, p.describe(), out_text(p).strip()[-400:] or "(empty)")]
    return []


def snapshot(folder):
    """{relative path: (kind, size, mtime_ns, content digest)} of a tree, to
    prove it was left alone."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            dig = None
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    dig = hashlib.sha256(f.read()).hexdigest()
            out[os.path.relpath(p, folder)] = (stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns, dig)
    return out


def by_minor(pys):
    out = {}
    for py in pys:
        out.setdefault(py.vtuple[:2], []).append(py)
    return out


# ------------------------------------------------------------ create, compared

def cases_for(py):
    """(title, venv options, target names) for one Python, in order. The
    --clear case re-makes the first case's first env with venv's defaults
    (so the default options are compared too, and nothing of the old
    options may linger)."""
    c = [("--symlinks --system-site-packages --prompt TEXT, two folders at once",
          ["--without-pip", "--symlinks", "--system-site-packages", "--prompt", "my env"], ["a1", "a2"])]
    if py.vtuple >= (3, 9):
        c.append(("--copies --prompt .", ["--without-pip", "--copies", "--prompt", "."], ["c"]))
    else:
        c.append(("--copies", ["--without-pip", "--copies"], ["c"]))
    if py.vtuple >= (3, 13):
        c.append(("--without-scm-ignore-files", ["--without-pip", "--without-scm-ignore-files"], ["d"]))
    c.append(("--clear on an existing env (made again with the default options)", ["--clear", "--without-pip"], ["a1"]))
    return c


def t_create_matrix(ctx, py):
    g = Group()
    base = workdir(ctx, "create-" + py.label)
    vs_root, ref_root = os.path.join(base, "vs"), os.path.join(base, "ref")
    home = os.path.join(base, "home")
    # --prompt . takes the name of the folder venv runs in: both run here.
    cwd = os.path.join(base, "projdot")
    for d in (vs_root, ref_root, cwd):
        os.makedirs(d)
    for title, opts, names in cases_for(py):
        name = "actions: create %s %s" % (py.label, title)
        vs = [os.path.join(vs_root, n) for n in names]
        ref = [os.path.join(ref_root, n) for n in names]
        inode = os.stat(vs[0]).st_ino if os.path.isdir(vs[0]) else None
        p = ctx.runner.run(["create", "--python", py.exe] + opts + vs, cwd=cwd, timeout=120)
        try:
            venv_ref(py, opts, ref, home, cwd=cwd)
        except RuntimeError as e:
            g.fail(name, [str(e)])
            continue
        d = expect_rc(p, 0)
        want = ("created %s with Python %s" % (vs[0], py.version) if len(vs) == 1
                else "created %d environments with Python %s" % (len(vs), py.version))
        if not d and last_line(p) != want:
            d.append("stdout ends %r, expected %r" % (last_line(p), want))
        for v, r in zip(vs, ref):
            d += ["%s: %s" % (os.path.basename(v), x) for x in compare_envs(v, r, (ref_root, vs_root))]
            # What a user would check, said outright (the comparison above
            # would also catch these, but not say them in these words).
            cfg = read_cfg(v) or {}
            py_link = os.path.join(v, "bin", "python")
            if "--copies" in opts and is_link(py_link):
                d.append("%s: --copies, yet bin/python is a symlink" % v)
            if "--symlinks" in opts and not is_link(py_link):
                d.append("%s: --symlinks, yet bin/python is not a symlink" % v)
            if "--system-site-packages" in opts and cfg.get("include-system-site-packages") != "true":
                d.append("%s: include-system-site-packages is %r" % (v, cfg.get("include-system-site-packages")))
            if "--without-pip" in opts and (os.path.exists(os.path.join(v, "bin", "pip")) or pip_version(v)):
                d.append("%s: --without-pip, yet pip is there" % v)
            if "my env" in opts and "my env" not in activate_text(v):
                d.append("%s: the prompt 'my env' is not in bin/activate" % v)
            if "." in opts and py.vtuple >= (3, 9) and cfg.get("prompt") != "'projdot'":
                d.append("%s: --prompt . run in projdot/: pyvenv.cfg prompt is %r" % (v, cfg.get("prompt")))
            if py.vtuple >= (3, 13):
                has = os.path.exists(os.path.join(v, ".gitignore"))
                if has == ("--without-scm-ignore-files" in opts):
                    d.append("%s: .gitignore %s" % (v, "present with --without-scm-ignore-files" if has else "missing (3.13 writes one)"))
        if inode is not None and os.stat(vs[0]).st_ino != inode:
            d.append("--clear replaced the folder itself (inode changed); venv keeps it")
        if "--clear" in opts:
            cfg = read_cfg(vs[0]) or {}
            if cfg.get("include-system-site-packages") != "false" or "prompt" in cfg or "my env" in activate_text(vs[0]):
                d.append("--clear without the old options: system-site-packages %r, prompt %r linger" % (
                    cfg.get("include-system-site-packages"), cfg.get("prompt")))
        g.check(name, d)
    return g


def fixture_default(ctx, py):
    """The env fixtures.py made with `py -m venv` and no options (pip from
    ensurepip), or None when this Python got none."""
    path = os.path.join(ctx.fx.tree, "real", py.label + "-default")
    return path if any(e.path == path for e in ctx.fx.envs) and os.path.isfile(os.path.join(path, PYVENV)) else None


def pip_env(ctx, py, dest, home):
    """An env with ensurepip's pip at dest: a copy of the fixture's default
    env when there is one (cheap; `python -m pip` and `python -m venv`
    work in a copy, pyvenv.cfg's home is absolute), else a new one."""
    src = fixture_default(ctx, py)
    if src:
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copytree(src, dest, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        venv_ref(py, [], [dest], home, timeout=240)
    return dest


def t_create_pip(ctx, py):
    """The default create (pip from ensurepip) against python -m venv's:
    the fixture's default env of the same Python when there is one."""
    g = Group()
    name = "actions: create %s with pip (no options)" % py.label
    base = workdir(ctx, "pip-" + py.label)
    ref = fixture_default(ctx, py)
    if ref is None:
        ref = os.path.join(base, "ref", py.label + "-default")
        try:
            venv_ref(py, [], [ref], os.path.join(base, "home"), timeout=240)
        except RuntimeError as e:
            g.fail(name, [str(e)])
            return g
    vs = os.path.join(base, "vs", os.path.basename(ref))
    p = ctx.runner.run(["create", "--python", py.exe, vs], timeout=240)
    d = expect_rc(p, 0) + compare_envs(vs, ref, (os.path.dirname(ref), os.path.dirname(vs)))
    if not pip_version(vs) or not os.path.exists(os.path.join(vs, "bin", "pip")):
        d.append("no pip in %s (site-packages: %s)" % (vs, site_names(vs) if os.path.isdir(os.path.join(vs, "lib")) else "-"))
    g.check(name, d)
    return g


# ------------------------------------------------------------ refusals

def t_refusals(ctx):
    g = Group()
    base = workdir(ctx, "refuse")
    fast = ctx.fx.fast
    pys = ctx.fx.pythons

    # A folder with someone's files in it.
    folder = os.path.join(base, "notes")
    os.makedirs(os.path.join(folder, "sub"))
    for rel, text in (("todo.txt", "buy milk\n"), ("sub/x.py", "print(1)\n")):
        with open(os.path.join(folder, rel), "w") as f:
            f.write(text)
    before = snapshot(folder)
    p = ctx.runner.run(["create", "--python", fast.exe, "--without-pip", folder])
    d = expect_rc(p, 2)
    if "not an environment" not in p.err_text or folder not in p.err_text:
        d.append("stderr does not say %s is a folder with files that is not an environment: %r" % (folder, p.err_text))
    if snapshot(folder) != before:
        d.append("the folder's files changed: %s" % sorted(set(snapshot(folder).items()) ^ set(before.items())))
    g.check("actions: create refuses a non-empty folder that is not an env (exit 2, files untouched)", d)

    # An empty folder is fine, and an env is refused without --clear.
    empty = os.path.join(base, "empty")
    os.makedirs(empty)
    ino = os.stat(empty).st_ino
    p = ctx.runner.run(["create", "--python", fast.exe, "--without-pip", empty])
    d = expect_rc(p, 0)
    if read_cfg(empty) is None or os.stat(empty).st_ino != ino:
        d.append("no env made in the empty folder itself")
    g.check("actions: create into an empty folder", d)
    cfg_before = snapshot(empty)
    p = ctx.runner.run(["create", "--python", fast.exe, "--without-pip", empty])
    d = expect_rc(p, 2)
    if "--clear" not in p.err_text:
        d.append("stderr does not point to --clear: %r" % p.err_text)
    if snapshot(empty) != cfg_before:
        d.append("the existing env changed")
    g.check("actions: create on an existing env without --clear: exit 2, says --clear", d)

    # ':' cannot be in a venv path; a bad path among good ones stops them all.
    good, bad = os.path.join(base, "good"), os.path.join(base, "co:lon")
    p = ctx.runner.run(["create", "--python", fast.exe, "--without-pip", good, bad])
    d = expect_rc(p, 2)
    if "':'" not in p.err_text or bad not in p.err_text:
        d.append("stderr does not name %s and ':': %r" % (bad, p.err_text))
    for x in (good, bad):
        if os.path.lexists(x):
            d.append("%s was created" % x)
    g.check("actions: create refuses a path with ':' (exit 2, nothing made, not even the good path)", d)

    # Options the Python is too old for.
    old = [py for py in pys if py.vtuple < (3, 9)]
    pre313 = [py for py in pys if py.vtuple < (3, 13)]
    checks = []
    if old:
        checks += [(old[-1], ["--upgrade-deps"], "--upgrade-deps needs Python 3.9 or newer"),
                   (old[-1], ["--prompt", "."], "needs Python 3.9 or newer")]
    else:
        g.skip("actions: create --upgrade-deps on a Python older than 3.9", "no such Python here")
    if pre313:
        checks.append((pre313[-1], ["--without-scm-ignore-files"], "--without-scm-ignore-files needs Python 3.13 or newer"))
    else:
        g.skip("actions: create --without-scm-ignore-files on a Python older than 3.13", "no such Python here")
    for py, opts, words in checks:
        target = os.path.join(base, "old-" + py.label + opts[-1].replace(".", "dot").replace("-", ""))
        p = ctx.runner.run(["create", "--python", py.exe, "--without-pip"] + opts + [target])
        d = expect_rc(p, 2)
        if words not in p.err_text or py.version not in p.err_text:
            d.append("stderr does not say %r and name the version %s: %r" % (words, py.version, p.err_text))
        if os.path.lexists(target):
            d.append("%s was created" % target)
        g.check("actions: create %s on %s: exit 2, says what it needs" % (" ".join(opts), py.label), d)

    p = ctx.runner.run(["create", "--python", os.path.join(base, "no-such-python"), os.path.join(base, "z")])
    d = expect_rc(p, 2)
    if "no-such-python" not in p.err_text:
        d.append("stderr does not name the interpreter: %r" % p.err_text)
    g.check("actions: create --python with a missing interpreter: exit 2, names it", d)
    return g


def t_weird_path(ctx):
    """Spaces, both quotes, $(...), backticks and ; are just characters."""
    g = Group()
    name = "actions: create in a path with spaces, quotes, $(...), `...` and ; (nothing executed)"
    base = workdir(ctx, "weird")
    fast = ctx.fx.fast
    odd = "sp ace 'sq' \"dq\" $(touch PWNED1) `touch PWNED2` ; touch PWNED3 #"
    vs_root, ref_root = os.path.join(base, "vs"), os.path.join(base, "ref")
    cwd = os.path.join(base, "cwd")
    for x in (vs_root, ref_root, cwd):
        os.makedirs(x)
    vs, ref = os.path.join(vs_root, odd), os.path.join(ref_root, odd)
    p = ctx.runner.run(["create", "--python", fast.exe, "--without-pip", vs], cwd=cwd)
    venv_ref(fast, ["--without-pip"], [ref], os.path.join(base, "home"), cwd=cwd)
    d = expect_rc(p, 0) + compare_envs(vs, ref, (ref_root, vs_root))
    prefix = env_python_says(vs, "import sys; print(sys.prefix)", os.path.join(base, "home"))
    if prefix != vs:
        d.append("the env's python says sys.prefix = %r, expected %r" % (prefix, vs))
    for root, dirs, files in os.walk(base):
        for f in files:
            if f.startswith("PWNED"):
                d.append("%s exists: part of the path was run as a command" % os.path.join(root, f))
    for f in ("PWNED1", "PWNED2", "PWNED3"):
        if os.path.exists(os.path.join(p.cwd, f)):
            d.append("%s exists in venvscope's cwd: part of the path was run" % f)
    g.check(name, d)
    return g


# ------------------------------------------------------------ clear

def flags(cmd):
    return set(w for w in (cmd or "").split() if w.startswith("--"))


def t_clear(ctx):
    g = Group()
    base = workdir(ctx, "clear")
    home = os.path.join(base, "home")
    pys = ctx.fx.pythons
    cases = []
    newer = [py for py in pys if py.vtuple >= (3, 11)]  # pyvenv.cfg has `command`
    older = [py for py in pys if py.vtuple < (3, 11)]   # only the other keys and lstat
    if newer:
        cases.append((newer[-1], ["--copies", "--system-site-packages", "--prompt", "keep me"]))
    if older:
        cases.append((older[0], ["--system-site-packages", "--prompt", "keep me"]))
    for py, opts in cases:
        name = "actions: clear %s (made %s --without-pip): same inode, options kept, site-packages emptied" % (
            py.label, " ".join(opts))
        env = os.path.join(base, py.label)
        venv_ref(py, ["--without-pip"] + opts, [env], home)
        add_dist(env, "alpha", "1.0", files=3)
        add_dist(env, "beta_pkg", "2.5")
        ino, cfg0, act0 = os.stat(env).st_ino, read_cfg(env), activate_text(env)
        link0 = is_link(os.path.join(env, "bin", "python"))
        # No --yes and no terminal: refused, nothing touched.
        snap = snapshot(env)
        p = ctx.runner.run(["clear", env])
        d = expect_rc(p, 2)
        if "--yes" not in p.err_text:
            d.append("stderr does not mention --yes: %r" % p.err_text)
        if snapshot(env) != snap:
            d.append("the env changed although clear was refused")
        g.check("actions: clear %s without --yes and without a terminal: exit 2, untouched" % py.label, d)

        p = ctx.runner.run(["clear", "--yes", env], timeout=120)
        d = expect_rc(p, 0)
        want = "cleared %s: an empty environment with Python %s" % (env, py.version)
        if not d and last_line(p) != want:
            d.append("stdout ends %r, expected %r" % (last_line(p), want))
        if os.stat(env).st_ino != ino:
            d.append("the folder was replaced (inode %d -> %d); clear keeps it" % (ino, os.stat(env).st_ino))
        cfg1 = read_cfg(env) or {}
        for k in sorted(set(cfg0) | set(cfg1)):
            if k != "command" and cfg0.get(k) != cfg1.get(k):
                d.append("pyvenv.cfg %s: %r before, %r after" % (k, cfg0.get(k), cfg1.get(k)))
        if "command" in cfg0 and flags(cfg1.get("command")) != flags(cfg0["command"]) | {"--clear"}:
            d.append("pyvenv.cfg command: the options were %s, now %s" % (
                sorted(flags(cfg0["command"])), sorted(flags(cfg1.get("command")))))
        if is_link(os.path.join(env, "bin", "python")) != link0:
            d.append("bin/python was a %s, now a %s" % (("copy", "symlink")[link0], ("copy", "symlink")[not link0]))
        if activate_text(env) != act0:
            d.append("bin/activate changed (the prompt?): 'keep me' %s" % (
                "still there" if "keep me" in activate_text(env) else "gone"))
        left = site_names(env) if os.path.isdir(os.path.join(env, "lib")) else ["(no lib/)"]
        if left:
            d.append("site-packages is not empty after clear: %s" % left)
        g.check(name, d)
    if not cases:
        g.skip("actions: clear", "no Python")
    return g


# ------------------------------------------------------------ pip: --upgrade-deps, clear with pip, upgrade --deps

def in_thread(fn):
    """Starts fn in a thread; the returned function joins it and gives
    fn's result (or raises its exception)."""
    box = {}

    def body():
        try:
            box["v"] = fn()
        except BaseException as e:
            box["e"] = e
    th = threading.Thread(target=body)
    th.start()

    def join():
        th.join()
        if "e" in box:
            raise box["e"]
        return box["v"]
    return join


def t_upgrade_deps_create(ctx, py):
    """create --upgrade-deps offline against python -m venv --upgrade-deps."""
    g = Group()
    name = "actions: create --upgrade-deps %s offline: env made, summary says pip could not be upgraded" % py.label
    base = workdir(ctx, "updeps")
    vs, ref = os.path.join(base, "vs", "env"), os.path.join(base, "ref", "env")
    ref_done = in_thread(lambda: venv_ref(py, ["--upgrade-deps"], [ref], os.path.join(base, "home"), timeout=240))
    p = ctx.runner.run(["create", "--python", py.exe, "--upgrade-deps", vs], timeout=240)
    try:
        ref_done()
    except RuntimeError as e:
        g.fail(name, [str(e)])
        return g
    d = expect_rc(p, 0)
    ll = last_line(p)
    if not ("created %s with Python %s" % (vs, py.version) in ll and "pip could not be upgraded" in ll
            and "package index could not be reached" in ll):
        d.append("the summary (stdout's last line) is %r; expected 'created %s with Python %s, but pip could "
                 "not be upgraded: the package index could not be reached ...'" % (ll, vs, py.version))
    d += compare_envs(vs, ref, (os.path.dirname(ref), os.path.dirname(vs)))
    bundled = pip_version(ref)
    if pip_version(vs) != bundled or not bundled:
        d.append("pip in the env is %s, ensurepip's is %s" % (pip_version(vs), bundled))
    g.check(name, d)
    return g


def t_clear_pip(ctx, py):
    """An env with pip and a local wheel installed: clear brings pip back as
    ensurepip has it, the wheel goes."""
    g = Group()
    name = "actions: clear an env with pip and a wheel installed (%s): pip back as ensurepip has it, the wheel gone" % py.label
    base = workdir(ctx, "clear-pip")
    home = os.path.join(base, "home")
    env = pip_env(ctx, py, os.path.join(base, "env"), home)
    fresh = site_names(env)
    whl = make_wheel(base, "vsdemo", "1.0")
    pi = sh([os.path.join(env, "bin", "python"), "-m", "pip", "install", "--no-index", "--no-deps", whl], home, timeout=120)
    if pi.returncode != 0 or "vsdemo-1.0.dist-info" not in dist_infos(env):
        g.fail(name, ["setup: pip install of a local wheel failed: %s" % pi.stderr.decode(errors="replace")[-400:]])
        return g
    ino = os.stat(env).st_ino
    p = ctx.runner.run(["clear", "--yes", env], timeout=240)
    d = expect_rc(p, 0)
    if os.stat(env).st_ino != ino:
        d.append("the folder was replaced (inode changed)")
    if site_names(env) != fresh:
        d.append("site-packages after clear: %s; a fresh env has %s" % (site_names(env), fresh))
    g.check(name, d)
    return g


def t_upgrade_deps_offline(ctx, py):
    """upgrade --deps offline: pip retries for seconds, then exits 0 having
    changed nothing; venvscope must say so and exit 1."""
    g = Group()
    base = workdir(ctx, "upgrade-deps")
    env = pip_env(ctx, py, os.path.join(base, "env"), os.path.join(base, "home"))
    before = pip_version(env)
    p = ctx.runner.run(["upgrade", "--deps", env], timeout=240)
    d = expect_rc(p, 1)
    if "package index could not be reached" not in p.err_text:
        d.append("stderr does not say the package index could not be reached: %r" % p.err_text[-400:])
    if before and ("pip stayed at %s" % before) not in p.err_text:
        d.append("stderr does not say pip stayed at %s: %r" % (before, p.err_text[-300:]))
    if pip_version(env) != before:
        d.append("pip went from %s to %s" % (before, pip_version(env)))
    g.check("actions: upgrade --deps offline (%s): exit 1, says the package index could not be reached" % py.label, d)
    return g


# ------------------------------------------------------------ upgrade

def t_upgrade(ctx):
    """A base that can change: base/bin/python3.X is a symlink to one
    interpreter, then to another of the same minor version."""
    g = Group()
    base = workdir(ctx, "upgrade")
    home = os.path.join(base, "home")
    pairs = [sorted(v, key=lambda p: p.vtuple) for v in by_minor(ctx.fx.pythons).values()
             if len(set(p.version for p in v)) > 1]
    fast = ctx.fx.fast
    a, b = (pairs[0][0], pairs[0][-1]) if pairs else (fast, None)
    mm = "python%d.%d" % a.vtuple[:2]
    link = os.path.join(base, "base", "bin", mm)
    os.makedirs(os.path.dirname(link))
    os.symlink(os.path.realpath(a.exe), link)
    env = os.path.join(base, "env")
    p = ctx.runner.run(["create", "--python", link, "--without-pip", env])
    if expect_rc(p, 0):
        g.fail("actions: upgrade (setup: create with --python %s)" % link, expect_rc(p, 0))
        return g

    p = ctx.runner.run(["upgrade", env])
    d = expect_rc(p, 0)
    want = "%s already uses Python %s; its links and scripts were refreshed" % (env, a.version)
    if not d and last_line(p) != want:
        d.append("stdout ends %r, expected %r" % (last_line(p), want))
    if (read_cfg(env) or {}).get("version") != a.version:
        d.append("pyvenv.cfg version is %r" % (read_cfg(env) or {}).get("version"))
    g.check("actions: upgrade on an unchanged base says it already uses Python %s" % a.version, d)

    p = ctx.runner.run(["upgrade", "--deps", env])
    d = expect_rc(p, 2)
    if "no pip" not in p.err_text:
        d.append("stderr does not say the env has no pip: %r" % p.err_text)
    g.check("actions: upgrade --deps on an env without pip: exit 2, says there is no pip", d)

    if b is None:
        g.skip("actions: upgrade after the base Python changed", "no two Pythons of the same minor version here")
        return g
    os.unlink(link)
    os.symlink(os.path.realpath(b.exe), link)
    runs = env_python_says(env, "import platform; print(platform.python_version())", home)
    name = "actions: upgrade after the base changed %s -> %s: says both, pyvenv.cfg follows, base path kept" % (
        a.version, b.version)
    if runs != b.version:
        g.fail(name, ["setup: the env's python runs %s after repointing %s, expected %s" % (runs, link, b.version)])
        return g
    p = ctx.runner.run(["upgrade", env])
    d = expect_rc(p, 0)
    want = "upgraded %s: Python %s -> %s" % (env, a.version, b.version)
    if last_line(p) != want:
        d.append("stdout ends %r, expected %r" % (last_line(p), want))
    cfg = read_cfg(env) or {}
    if cfg.get("version") != b.version:
        d.append("pyvenv.cfg version is %r, expected %r" % (cfg.get("version"), b.version))
    if cfg.get("home") != os.path.dirname(link):
        d.append("pyvenv.cfg home is %r, expected the base the env was made with, %r" % (cfg.get("home"), os.path.dirname(link)))
    tgt = os.readlink(os.path.join(env, "bin", mm)) if is_link(os.path.join(env, "bin", mm)) else None
    if tgt != link:
        d.append("bin/%s -> %s; it was made -> %s and should still follow that base" % (mm, tgt, link))
    g.check(name, d)
    return g


# ------------------------------------------------------------ broken

def t_broken(ctx):
    g = Group()
    base = workdir(ctx, "broken")
    fast = ctx.fx.fast
    link = os.path.join(base, "gone", "bin", "python3")
    os.makedirs(os.path.dirname(link))
    os.symlink(os.path.realpath(fast.exe), link)
    env = os.path.join(base, "env")
    p = ctx.runner.run(["create", "--python", link, "--without-pip", env])
    if expect_rc(p, 0):
        g.fail("actions: broken env (setup)", expect_rc(p, 0))
        return g
    add_dist(env, "keepme", "1.0")
    os.unlink(link)
    snap = snapshot(env)
    advice = "venvscope rebuild --python"
    for args in (["clear", "--yes"], ["upgrade"], ["upgrade", "--deps"], ["shell"]):
        p = ctx.runner.run(args + [env])
        d = expect_rc(p, 2)
        if advice not in p.err_text or env not in p.err_text:
            d.append("stderr does not give the advice %r naming the env: %r" % (advice, p.err_text))
        if snapshot(env) != snap:
            d.append("the env changed")
        g.check("actions: %s on a broken env (base removed): exit 2, advice names `%s`" % (" ".join(args), advice), d)
    # Following the advice works, and keeps the package (the old advice,
    # create --clear, lost it).
    wheels = os.path.join(base, "wheels")
    os.makedirs(wheels)
    make_wheel(wheels, "keepme", "1.0")
    p = ctx.runner.run(["rebuild", "--python", fast.exe, "--find-links", wheels, "--yes", env], timeout=300)
    d = expect_rc(p, 0)
    says = env_python_says(env, "import sys, keepme; print(sys.prefix, keepme.VERSION)", os.path.join(base, "home"))
    if says != env + " 1.0":
        d.append("after the rebuild the env's python says %r (expected %r)" % (says, env + " 1.0"))
    g.check("actions: following the advice (rebuild --python) repairs the broken env and keeps keepme==1.0", d)
    return g


# ------------------------------------------------------------ shell

def t_shell(ctx):
    """`venvscope shell ENV` typed into a shell in tmux, with sh and bash."""
    g = Group()
    base = workdir(ctx, "shell")
    fast = ctx.fx.fast
    env = os.path.join(base, "it's here", "env")
    venv_ref(fast, ["--without-pip", "--prompt", "pk env"], [env], os.path.join(base, "home"))
    add_dist(env, "one", "1.0")
    add_dist(env, "two", "2.0")
    shells = [s for s in ("/bin/sh", "/bin/bash", "/bin/zsh", "/usr/bin/fish") if os.access(s, os.X_OK)]
    title = "actions: shell ENV in tmux"
    step = "start"
    try:
        with Tty(ctx.runner, [], width=250, height=40, shell=True, tag="a-shell",
                 env={"PYTHONHOME": "/nonexistent-pythonhome"}) as t:
            t.wait_for(OUTER, what="the outer shell's prompt")
            for i, shell in enumerate(shells):
                tag = "S%d" % i
                sname = os.path.basename(shell)
                step = "%s: start" % sname
                t.line("clear; " + t.command_line(["shell", env], env_words=["SHELL=" + shell]))
                scr = t.wait_for(lambda s: any(l.startswith("(pk env)") for l in s.lines), timeout=15,
                                 what="the env's prompt '(pk env)' (%s)" % sname)
                prompt = [l for l in scr.lines if l.startswith("(pk env)")][0]
                d = []
                # The shell's own prompt after it (sh: '$ ', bash: /etc/bash.bashrc's), the env's once.
                if prompt.count("(pk env)") != 1 or not prompt.startswith("(pk env) "):
                    d.append("the prompt line is %r: expected '(pk env) ' once, then the shell's prompt" % prompt)
                g.check("%s (%s): the prompt shows (pk env)" % (title, sname), d)
                step = "%s: variables" % sname
                t.line("echo \"%s-VE=[$VIRTUAL_ENV]\"; echo \"%s-PY=[$(command -v python)]\"; "
                       "echo \"%s-PH=[${PYTHONHOME-unset}]\"; python -c 'import sys; print(\"%s-PFX=[\" + sys.prefix + \"]\")'"
                       % (tag, tag, tag, tag) if sname != "fish" else
                       "echo \"%s-VE=[$VIRTUAL_ENV]\"; echo \"%s-PY=[\"(command -v python)\"]\"; "
                       "echo \"%s-PH=[\"(set -q PYTHONHOME; and echo $PYTHONHOME; or echo unset)\"]\"; "
                       "python -c 'import sys; print(\"%s-PFX=[\" + sys.prefix + \"]\")'" % (tag, tag, tag, tag))
                scr = t.wait_for(r"^%s-PFX=\[" % tag, timeout=15, what="%s-PFX= (the env's python ran)" % tag)
                got = {}
                for k in ("VE", "PY", "PH", "PFX"):
                    m = re.search(r"^%s-%s=\[(.*)\]$" % (tag, k), scr.text, re.M)
                    got[k] = m.group(1) if m else None
                want = {"VE": env, "PY": os.path.join(env, "bin", "python"), "PH": "unset", "PFX": env}
                g.check("%s (%s): VIRTUAL_ENV, command -v python, PYTHONHOME unset, sys.prefix" % (title, sname),
                        ["%s is %r, expected %r" % (k, got[k], want[k]) for k in want if got[k] != want[k]])
                step = "%s: exit 7" % sname
                t.line("exit 7")
                t.wait_for(OUTER, what="the outer shell's prompt after exit")
                t.line("echo \"%s-RC=$?\"" % tag)
                scr = t.wait_for(r"^%s-RC=\d+" % tag, what="%s-RC=" % tag)
                rc = re.search(r"^%s-RC=(\d+)" % tag, scr.text, re.M).group(1)
                g.check("%s (%s): exit 7 in the shell -> venvscope exits 7" % (title, sname),
                        [] if rc == "7" else ["venvscope shell exited %s" % rc])
            # clear asks on a terminal; 'n' leaves it alone (exit 1).
            step = "clear asks"
            t.line("clear; " + t.command_line(["clear", env]))
            scr = t.wait_for(r"\[y/N\]", what="clear's question [y/N]")
            q = scr.text.replace("\n", "")
            d = [] if re.search(r"Clear %s \([0-9.]+ [KMG]?i?B, 2 packages\)\?" % re.escape(env), q) else \
                ["the question does not name the env, its size and '2 packages': %r" % q]
            t.line("n")
            # The echo is typed only once venvscope has gone and the shell prompts again: typed
            # earlier, the terminal echoes it early and the answer lands after the prompt.
            def answered(s):
                i = next((k for k, l in enumerate(s.lines) if "nothing changed" in l), None)
                return i is not None and any(re.match(OUTER, l) for l in s.lines[i + 1:])
            t.wait_for(answered, what="'nothing changed', then the outer shell's prompt")
            t.line("echo \"Q-RC=$?\"")
            scr = t.wait_for(r"^(?:[$#] )?Q-RC=\d+", what="Q-RC=")
            if "nothing changed" not in scr.text:
                d.append("no 'nothing changed' after answering n")
            rc = re.search(r"^(?:[$#] )?Q-RC=(\d+)", scr.text, re.M).group(1)
            if rc != "1":
                d.append("exit %s after answering n, expected 1" % rc)
            if dist_infos(env) != ["one-1.0.dist-info", "two-2.0.dist-info"]:
                d.append("the packages are gone after answering n: %s" % dist_infos(env))
            g.check("actions: clear ENV on a terminal asks with name, size and package count; n keeps it (exit 1)", d)
    except ScreenError as e:
        g.fail("%s: %s" % (title, step), [str(e)])
    return g


# ------------------------------------------------------------ pythons

def t_pythons(ctx):
    g = Group()
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    p = ctx.runner.run(["pythons", "--json"], env={"PYENV_ROOT": root}, timeout=60)
    d = expect_rc(p, 0)
    try:
        items = p.json()
    except ValueError as e:
        g.fail("actions: pythons --json", d + [str(e)])
        return g
    by_real = {}
    for it in items if isinstance(items, list) else []:
        by_real.setdefault(it.get("real_path"), []).append(it)
    for real, its in by_real.items():
        if len(its) > 1:
            d.append("%s listed %d times: %s" % (real, len(its), [i.get("path") for i in its]))
    for py in ctx.fx.pythons:
        its = by_real.get(py.real)
        if not its:
            d.append("%s (%s, real %s) is not listed" % (py.label, py.exe, py.real))
            continue
        it = its[0]
        if it.get("version") != py.version:
            d.append("%s: version %r, the interpreter says %r" % (py.real, it.get("version"), py.version))
        if it.get("has_ensurepip") is not py.ensurepip:
            d.append("%s: has_ensurepip %r, expected %r" % (py.real, it.get("has_ensurepip"), py.ensurepip))
        if os.path.realpath(it.get("path") or "") != py.real:
            d.append("%s: path %r does not resolve to it" % (py.real, it.get("path")))
    known = {py.real for py in ctx.fx.pythons}
    for it in items if isinstance(items, list) else []:
        if it.get("real_path") in known:
            continue
        # Places pythons.py does not look (/usr/local/bin, other PATH folders): checked by running them.
        v = sh([it.get("path") or "/nonexistent", "-c", "import platform; print(platform.python_version())"],
               os.path.join(ctx.fx.base, "actions-home"))
        if v.stdout.decode().strip() != it.get("version"):
            d.append("%s: version %r, running it says %r" % (it.get("path"), it.get("version"), v.stdout.decode().strip()))
    vers = [tuple(int(x) for x in re.findall(r"\d+", it.get("version") or "0")[:3]) for it in items]
    if vers != sorted(vers, reverse=True):
        d.append("not newest first: %s" % [it.get("version") for it in items])
    g.check("actions: pythons --json lists every Python found (%d) with its version, newest first" % len(ctx.fx.pythons), d)
    return g


def slow(ctx):
    """The jobs that wait on pip (ensurepip, offline retries): run.py starts them first."""
    pys = ctx.fx.pythons
    jobs = []
    # pip's offline retries take ~8 s a package: 3.12+ upgrades pip alone.
    deps = [py for py in pys if py.ensurepip and py.vtuple >= (3, 12)] or \
           [py for py in pys if py.ensurepip and py.vtuple >= (3, 9)]
    if deps:
        jobs += [("actions upgrade-deps create", lambda: t_upgrade_deps_create(ctx, deps[-1])),
                 ("actions upgrade --deps", lambda: t_upgrade_deps_offline(ctx, deps[-1])),
                 ("actions clear pip", lambda: t_clear_pip(ctx, deps[-1]))]
    else:
        def none():
            g = Group()
            g.skip("actions: --upgrade-deps, upgrade --deps, clear with pip", "no Python 3.9+ with ensurepip")
            return g
        jobs.append(("actions pip", none))
    with_pip = [py for py in pys if py.ensurepip]
    if with_pip:
        jobs.append(("actions create pip", lambda: t_create_pip(ctx, with_pip[0])))
    return jobs


def tests(ctx):
    pys = ctx.fx.pythons
    jobs = [("actions shell", lambda: t_shell(ctx))]
    for py in pys:
        jobs.append(("actions create " + py.label, lambda py=py: t_create_matrix(ctx, py)))
    jobs += [("actions refusals", lambda: t_refusals(ctx)), ("actions weird path", lambda: t_weird_path(ctx)),
             ("actions clear", lambda: t_clear(ctx)), ("actions upgrade", lambda: t_upgrade(ctx)),
             ("actions broken", lambda: t_broken(ctx)), ("actions pythons", lambda: t_pythons(ctx))]
    return jobs


__all__ = ["tests", "slow"]
