"""Fixtures for the option and edge-case tests, each under its own root:
depth, exclude, sorting, bad pyvenv.cfg files, permissions, central places,
relative and symlinked roots."""

import os
import stat
import shutil
import time

from fixtures import Env, FixtureError, touch, write_uv_cfg


def tasks(fx, runner):
    return [("depth", lambda: build_depth(fx)), ("exclude", lambda: build_excl(fx)),
            ("sort", lambda: build_sort(fx)), ("bad cfg", lambda: build_bad(fx)),
            ("permissions", lambda: build_perm(fx, runner)),
            ("central places", lambda: build_central(fx)), ("WORKON_HOME", lambda: build_workon(fx)),
            ("relative roots", lambda: build_rel(fx)), ("symlinked root", lambda: build_symroot(fx)),
            ("many", lambda: build_many(fx)), ("mount", lambda: build_xdev(fx))]


def build_depth(fx):
    r = os.path.join(fx.base, "depth")
    levels = {}
    for n, rel in enumerate([".venv", "a/.venv", "a/b/.venv", "a/b/c/.venv"], 1):
        levels[n] = fx.fast_venv(os.path.join(r, rel))
        fx.add(Env(levels[n], "depth"))
    fx.extra["depth"] = {"root": r, "levels": levels}


def build_excl(fx):
    r = os.path.join(fx.base, "excl")
    names = {}
    for key, rel in (("keep", "keep/.venv"), ("skipme", "skipme/.venv"), ("skip-env", "skip-env"),
                     ("ab", "a/b/.venv"), ("keep2", "a/keep2")):
        names[key] = fx.fast_venv(os.path.join(r, rel))
        fx.add(Env(names[key], "excl"))
    fx.extra["excl"] = {"root": r, "envs": names}


# name -> (version written into pyvenv.cfg, payload bytes, age in days)
SORT_SPEC = {"alpha": ("3.10.4", 900000, 5), "bravo": ("3.9.12", 10000, 2),
             "charlie": ("3.11.1", 300000, 9), "delta": ("3.8.20", 50000, 1)}


def build_sort(fx):
    r = os.path.join(fx.base, "sorttree")
    now = int(time.time())
    for name, (ver, size, age) in SORT_SPEC.items():
        e = fx.fast_venv(os.path.join(r, name))
        cfgp = os.path.join(e, "pyvenv.cfg")
        with open(cfgp) as f:
            lines = [("version = %s\n" % ver) if l.startswith("version ") else l for l in f]
        with open(cfgp, "w") as f:
            f.writelines(lines)
        sp = fx.site(e)
        with open(os.path.join(sp, "payload.bin"), "wb") as f:
            f.write(b"p" * size)
        t = now - age * 86400
        for n in os.listdir(sp):
            os.utime(os.path.join(sp, n), (t, t), follow_symlinks=False)
        os.utime(sp, (t, t))
        os.utime(cfgp, (t, t))
        fx.add(Env(e, "sort", expect={"python_version": ver}))
    fx.extra["sort"] = {"root": r}


def build_bad(fx):
    """Bad pyvenv.cfg files between two good envs."""
    r = os.path.join(fx.base, "badtree")
    good = [fx.fast_venv(os.path.join(r, "good-a")), fx.fast_venv(os.path.join(r, "zz-good"))]
    bad = {}
    for key in ("empty", "binary", "dir", "fifo", "dangling", "huge", "no-home"):
        e = fx.fast_venv(os.path.join(r, key + "-cfg"))
        cfgp = os.path.join(e, "pyvenv.cfg")
        text = open(cfgp).read()
        os.unlink(cfgp)
        if key == "empty":
            touch(cfgp, "")
        elif key == "binary":
            with open(cfgp, "wb") as f:
                f.write(bytes(range(256)) * 64 + b"\0home\0=\xff\n\x00")
        elif key == "dir":
            os.makedirs(os.path.join(cfgp, "sub"))
        elif key == "fifo":
            os.mkfifo(cfgp)
        elif key == "dangling":
            os.symlink("/nonexistent/pyvenv.cfg", cfgp)
        elif key == "huge":
            with open(cfgp, "w") as f:
                f.write(text)
                f.write("x" * (24 << 20))
                f.write("\n" + ("k = v\n" * 200000))
        elif key == "no-home":
            touch(cfgp, "version = 3.11.2\n")
        bad[key] = e
    fx.add(*[Env(g, "bad") for g in good])
    fx.extra["bad"] = {"root": r, "good": good, "bad": bad}


def others_can_reach(path):
    """True when uid 65534 can reach `path`: every folder above it lets others in."""
    p = os.path.dirname(os.path.realpath(path))
    while True:
        try:
            if not os.stat(p).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
        if p == "/":
            return True
        p = os.path.dirname(p)


def build_perm(fx, runner):
    """A tree nobody (uid 65534) can read, except one folder, one pyvenv.cfg
    and one site-packages folder. Made with an interpreter nobody can reach
    too, so the readable envs look to nobody as they look to the truth."""
    r = os.path.join(fx.base, "perm")
    py = next((p for p in [fx.fast] + list(fx.pythons) if others_can_reach(p.exe)), None)
    if py is None:
        fx.skips.append(("perm: readable envs beside the unreadable ones",
                         "no Python here that uid 65534 can reach (all under a private folder)"))
        py = fx.fast

    def venv(p):
        return fx.venv(py, p)
    a = venv(os.path.join(r, "a-env"))
    hidden = venv(os.path.join(r, "locked", "hidden-env"))
    cfg_locked = venv(os.path.join(r, "cfg-locked"))
    sp_locked = venv(os.path.join(r, "sp-locked"))
    z = venv(os.path.join(r, "z-env"))
    os.chmod(os.path.join(r, "locked"), 0o700)
    os.chmod(os.path.join(cfg_locked, "pyvenv.cfg"), 0o600)
    os.chmod(fx.site(sp_locked), 0o700)
    binary = os.path.join(fx.base, "bin", "venvscope")
    os.makedirs(os.path.dirname(binary))
    shutil.copy2(runner.binary, binary) if os.path.exists(runner.binary) else None
    if os.path.exists(binary):
        os.chmod(binary, 0o755)
    runner.nobody_binary = binary
    if others_can_reach(py.exe):
        fx.add(Env(a, "perm"), Env(z, "perm"))
    fx.extra["perm"] = {"root": r, "locked": os.path.join(r, "locked"), "hidden": hidden,
                        "cfg_locked": cfg_locked, "sp_locked": sp_locked,
                        "sp_locked_site": fx.site(sp_locked)}


CENTRAL = [  # (relative to HOME, manager, .project content)
    ("venvs/plain1", None, None),
    (".venvs/plain2", None, None),
    (".virtualenvs/wrapped", "virtualenvwrapper", "/srv/code/wrapped\n"),
    (".local/share/virtualenvs/myproj-AbCd1234", "pipenv", "/srv/code/myproj"),
    (".cache/pypoetry/virtualenvs/myproj-Xy12AbCd-py3.11", "poetry", None),
    (".local/share/pipx/venvs/black", "pipx", None),
    (".local/share/hatch/env/virtual/myproj/AbCdEf12/myproj", "hatch", None),
    (".pyenv/versions/3.11.7/envs/myenv", "pyenv-virtualenv", None),
    (".local/share/uv/tools/ruff", "uv", None),
]
NOT_CENTRAL = ["projects/other/.venv", ".local/share/notaplace/env", ".cache/other/env"]


def _home(root):
    home = os.path.join(root, "home")
    for sub in (".local/share", ".cache", ".local/state", ".config"):
        os.makedirs(os.path.join(home, sub), exist_ok=True)
    cwd = os.path.join(root, "cwd")
    os.makedirs(cwd)
    return home, cwd


def build_central(fx):
    home, cwd = _home(os.path.join(fx.base, "central"))
    for rel, manager, project in CENTRAL:
        e = fx.fast_venv(os.path.join(home, rel))
        if project is not None:
            touch(os.path.join(e, ".project"), project)
        if manager == "uv":
            write_uv_cfg(e, fx.fast)
        fx.add(Env(e, "central", manager=manager))
    # pyenv-virtualenv also links versions/<name> to the env: not a second env.
    os.symlink("3.11.7/envs/myenv", os.path.join(home, ".pyenv/versions/myenv"))
    for rel in NOT_CENTRAL:
        fx.add(Env(fx.fast_venv(os.path.join(home, rel)), "central", listed=False))
    fx.add(Env(fx.fast_venv(os.path.join(cwd, ".venv")), "central"))
    fx.extra["central"] = {"home": home, "cwd": cwd}


def build_workon(fx):
    home, cwd = _home(os.path.join(fx.base, "workon"))
    ignored = fx.fast_venv(os.path.join(home, ".virtualenvs", "not-workon"))
    wk = fx.fast_venv(os.path.join(home, "custom-workon", "wk"))
    fx.add(Env(ignored, "workon", listed=False), Env(wk, "workon", manager="virtualenvwrapper"))
    fx.extra["workon"] = {"home": home, "cwd": cwd, "workon": os.path.join(home, "custom-workon")}


def build_rel(fx):
    cwds = []
    for i in range(6):
        c = os.path.join(fx.base, "rel%d" % i)
        e = fx.fast_venv(os.path.join(c, "sub", ".venv"))
        fx.add(Env(e, "rel%d" % i))
        cwds.append(c)
    fx.extra["rel"] = {"cwds": cwds}


def build_symroot(fx):
    link = os.path.join(fx.base, "symroot")
    os.symlink(os.path.join(fx.tree, "projects"), link)
    fx.extra["symroot"] = {"link": link, "target": os.path.join(fx.tree, "projects")}
    if not os.path.islink(link):
        raise FixtureError("could not make the symlinked root")


MANY = 150


def build_many(fx):
    """MANY small hand-made envs in 10 folders, with files of varied sizes,
    a few distributions and hard links shared between envs (each env's size
    counts them, as `du -sb ENV` does). Used for sizes at scale, then
    deleted while a scan runs."""
    r = os.path.join(fx.base, "many")
    py = fx.fast
    xy = "%d.%d" % py.vtuple[:2]
    home = os.path.dirname(py.real)
    first = None
    for i in range(MANY):
        e = os.path.join(r, "g%d" % (i % 10), "env%03d" % i)
        sp = os.path.join(e, "lib", "python" + xy, "site-packages")
        os.makedirs(sp)
        os.makedirs(os.path.join(e, "bin"))
        os.symlink(py.real, os.path.join(e, "bin", "python"))
        os.symlink("lib", os.path.join(e, "lib64"))
        touch(os.path.join(e, "pyvenv.cfg"), "home = %s\ninclude-system-site-packages = false\nversion = %s\n"
              % (home, py.version))
        touch(os.path.join(e, "bin", "activate"), "")  # a finished env (else: incomplete)
        for k in range(i % 7 + 1):
            with open(os.path.join(sp, "m%d.py" % k), "wb") as f:
                f.write(b"#" * (i * 37 + k * 1001))
        for k in range(i % 3):
            d = os.path.join(sp, "pkg%d-1.%d.dist-info" % (k, i))
            os.makedirs(d)
            touch(os.path.join(d, "METADATA"), "Name: pkg%d\nVersion: 1.%d\n" % (k, i))
        if first is None:
            first = os.path.join(sp, "shared.bin")
            with open(first, "wb") as f:
                f.write(b"s" * 123457)
        elif i % 5 == 0:
            os.link(first, os.path.join(sp, "shared.bin"))
        fx.add(Env(e, "many", runnable=False, show=False))
    fx.extra["many"] = {"root": r}


def build_xdev(fx):
    """For -x: a tree with a mount point; the test mounts a tmpfs there in a
    private mount namespace (unshare -m) and copies an env onto it."""
    r = os.path.join(fx.base, "xdev")
    local = fx.fast_venv(os.path.join(r, "local", ".venv"))
    os.makedirs(os.path.join(r, "mnt"))
    src = fx.fast_venv(os.path.join(fx.base, "xdev-src", "env"))
    fx.add(Env(local, "xdev"))
    fx.extra["xdev"] = {"root": r, "mnt": os.path.join(r, "mnt"), "src": src}
