"""Builds the environments the suite scans, once per run, in a temp folder.

Everything is made with the machine's own Pythons (`python -m venv`, pip from
ensurepip's bundled wheels, Debian's virtualenv) or by hand (dist-info
folders, odd pyvenv.cfg files). Nothing is downloaded. Builders run in a
thread pool; each registers the envs it made only when it succeeded."""

import os
import shutil
import stat
import subprocess
import threading
import time

from harness import clean_environ, nonempty_sentences
from pythons import pick_pip


class FixtureError(Exception):
    pass


class Env:
    """One environment the suite made.
    path: as reached from its root; runnable: its python must run (truth
    asks it); listed: a scan of its root must list it; manager: expected
    manager; expect: field overrides of the computed truth; group: which
    scan root it belongs to."""

    def __init__(self, path, group, runnable=True, listed=True, manager=None, expect=None, show=True):
        self.path = path
        self.group = group
        self.runnable = runnable
        self.listed = listed
        self.manager = manager
        self.expect = expect or {}
        self.show = show

    def label(self, base):
        return os.path.relpath(self.path, base)


class Fixtures:
    def __init__(self, base, pythons, fast):
        self.base = base
        self.pythons = pythons
        self.fast = fast
        self.tree = os.path.join(base, "tree")
        self.envs = []
        self.notes = []     # things worth reporting (what pyvenv.cfg said, ...)
        self.skips = []     # (name, reason)
        self.errors = []    # (builder, message)
        self.extra = {}     # per-test facts (roots, special paths)
        self.timings = []   # (builder, seconds)
        self.lock = threading.Lock()
        self.fx_home = os.path.join(base, "fixture-home")
        os.makedirs(self.fx_home)
        self.env = clean_environ({
            "HOME": self.fx_home,
            "XDG_DATA_HOME": os.path.join(self.fx_home, ".local/share"),
            "XDG_CACHE_HOME": os.path.join(self.fx_home, ".cache"),
            "XDG_CONFIG_HOME": os.path.join(self.fx_home, ".config"),
            "XDG_STATE_HOME": os.path.join(self.fx_home, ".local/state"),
        })

    # -------------------------------------------------------------- helpers

    def add(self, *envs):
        with self.lock:
            self.envs.extend(envs)

    def note(self, text):
        with self.lock:
            self.notes.append(text)

    def skip(self, name, why):
        with self.lock:
            self.skips.append((name, why))

    def in_group(self, group):
        return [e for e in self.envs if e.group == group]

    def sh(self, args, cwd=None, timeout=300):
        p = subprocess.run(args, cwd=cwd, env=self.env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        if p.returncode != 0:
            raise FixtureError("%s failed (%d): %s" % (
                " ".join(os.fsdecode(a) for a in args), p.returncode,
                p.stderr.decode(errors="replace").strip()[-500:]))
        return p

    def venv(self, py, path, *opts, pip=False):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        args = [py.exe, "-m", "venv"] + ([] if pip else ["--without-pip"]) + list(opts) + [path]
        self.sh(args)
        return path

    def fast_venv(self, path, *opts):
        return self.venv(self.fast, path, *opts)

    def site(self, path):
        """The one site-packages folder of a venv made here."""
        lib = os.path.join(path, "lib")
        (pyd,) = [d for d in os.listdir(lib) if d.startswith("python")]
        return os.path.join(lib, pyd, "site-packages")

    def rename(self, src, dst):
        os.rename(src, dst)
        return dst

    # ------------------------------------------------------ real envs, all Pythons

    def tasks(self):
        """Every builder, slow ones first so the pool stays busy."""
        t = []
        with_pip = pick_pip(self.pythons)
        for py in self.pythons:
            if py not in with_pip:
                self.skip("default+pip " + py.label, "only some Pythons get a pip env (E2E_ALL_PIP=1 for all)")
            elif py.ensurepip:
                t.append(("default+pip " + py.label, lambda py=py: self.build_default(py)))
            else:
                self.skip("default+pip " + py.label, "ensurepip has no bundled pip")
        if self.fast.virtualenv:
            t.append(("virtualenv seeded", self.build_virtualenv_seeded))
        else:
            self.skip("virtualenv", "%s cannot import virtualenv" % self.fast.exe)
        for py in self.pythons:
            t.append(("variants " + py.label, lambda py=py: self.build_variants(py)))
        t += [("broken: dangling link", self.build_broken_link),
              ("broken: base removed", self.build_broken_copy),
              ("projects", self.build_projects), ("pruned", self.build_pruned),
              ("links", self.build_links), ("names", self.build_names),
              ("odd", self.build_odd), ("stale", self.build_stale)]
        return t

    def build_default(self, py):
        path = os.path.join(self.tree, "real", py.label + "-default")
        self.venv(py, path, pip=True)
        self.add(Env(path, "tree"))

    def build_variants(self, py):
        real = os.path.join(self.tree, "real")
        made = [self.venv(py, os.path.join(real, py.label + "-nopip")),
                self.venv(py, os.path.join(real, py.label + "-copies"), "--copies"),
                self.venv(py, os.path.join(real, py.label + "-syssite"), "--system-site-packages")]
        if py.vtuple >= (3, 8):
            # Before 3.8 venv does not write `prompt` into pyvenv.cfg.
            made.append(self.venv(py, os.path.join(real, py.label + "-prompt"), "--prompt", "my env"))
            with open(os.path.join(made[-1], "bin", "activate")) as f:
                if "my env" not in f.read():
                    raise FixtureError("bin/activate of %s does not show 'my env'" % made[-1])
        else:
            self.skip("--prompt env " + py.label, "venv < 3.8 does not record the prompt in pyvenv.cfg")
        if self.fast.virtualenv and py is not self.fast:
            path = os.path.join(real, "ve-" + py.label)
            try:
                self.sh([self.fast.exe, "-m", "virtualenv", "--no-periodic-update", "--app-data",
                         os.path.join(self.fx_home, "vapp-" + py.label), "--no-seed", "-p", py.exe, path])
                made.append(path)
            except FixtureError as e:
                self.skip("virtualenv -p " + py.label, str(e).splitlines()[-1][:200])
        self.add(*[Env(p, "tree") for p in made])

    def build_virtualenv_seeded(self):
        path = os.path.join(self.tree, "real", "ve-%s-seeded" % self.fast.label)
        self.sh([self.fast.exe, "-m", "virtualenv", "--no-periodic-update", "--app-data",
                 os.path.join(self.fx_home, "vapp"), "--prompt", "my venv", path])
        self.add(Env(path, "tree"))

    # --------------------------------------------------------------- broken

    def build_broken_link(self):
        """venv made through a folder that links to the real interpreter;
        the folder is then removed, so bin/python dangles and `home` is gone."""
        py = self.pythons[-1]
        gone = os.path.join(self.base, "gone-link", "bin")
        os.makedirs(gone)
        exe = os.path.join(gone, "python%d.%d" % py.vtuple[:2])
        os.symlink(py.real, exe)
        path = os.path.join(self.tree, "broken", "dangling-link")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.sh([exe, "-m", "venv", "--without-pip", path])
        shutil.rmtree(os.path.dirname(gone))
        self._must_not_run(path)
        with open(os.path.join(path, "pyvenv.cfg")) as f:
            self.note("broken/dangling-link (made by %s via a removed link folder) pyvenv.cfg: %s"
                      % (py.label, f.read().strip().replace("\n", " | ")))
        self.add(Env(path, "tree", runnable=False))

    def build_broken_copy(self):
        """venvs made by a copy of an interpreter that is then deleted: bin/python
        (a symlink) dangles, `home` and `executable` are gone; the --copies one
        keeps a working binary but its `home` is gone."""
        gone = os.path.join(self.base, "gone-copy", "bin")
        os.makedirs(gone)
        for py in [self.fast] + [p for p in reversed(self.pythons) if p is not self.fast]:
            exe = os.path.join(gone, "python%d.%d" % py.vtuple[:2])
            shutil.copy2(py.real, exe)
            try:
                self.sh([exe, "-c", "import venv"])
                break
            except FixtureError:
                os.unlink(exe)
        else:
            self.skip("broken: base removed", "no interpreter runs from a copied binary")
            return
        b = os.path.join(self.tree, "broken")
        os.makedirs(b, exist_ok=True)
        p1 = os.path.join(b, "base-removed")
        p2 = os.path.join(b, "copies-base-removed")
        self.sh([exe, "-m", "venv", "--without-pip", p1])
        self.sh([exe, "-m", "venv", "--without-pip", "--copies", p2])
        shutil.rmtree(os.path.dirname(gone))
        self._must_not_run(p1)
        with open(os.path.join(p1, "pyvenv.cfg")) as f:
            self.note("broken/base-removed (made by a deleted copy of %s) pyvenv.cfg: %s"
                      % (py.label, f.read().strip().replace("\n", " | ")))
        self.add(Env(p1, "tree", runnable=False), Env(p2, "tree", runnable=False))

    def _must_not_run(self, path):
        try:
            subprocess.run([os.path.join(path, "bin", "python"), "-c", "pass"], env=self.env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        except OSError:
            return
        raise FixtureError("%s/bin/python still runs after its base was removed" % path)

    # ------------------------------------------------------ layout fixtures

    def build_projects(self):
        p = os.path.join(self.tree, "projects")
        outer = os.path.join(p, "outer")
        inner = os.path.join(outer, "inner")
        os.makedirs(inner)
        touch(os.path.join(outer, "pyproject.toml"), "[project]\nname = 'outer'\n")
        touch(os.path.join(inner, "setup.py"), "from setuptools import setup\nsetup()\n")
        envs = [self.fast_venv(os.path.join(outer, ".venv")),
                self.fast_venv(os.path.join(inner, ".venv")),
                self.fast_venv(os.path.join(inner, "venv2"))]
        # An env inside an env is not looked for.
        nested = self.fast_venv(os.path.join(inner, ".venv", "nested-env"))
        for m, kind in (("pyproject.toml", "f"), ("setup.py", "f"), ("setup.cfg", "f"),
                        ("requirements-dev.txt", "f"), ("requirements.txt", "f"), ("Pipfile", "f"),
                        (".git", "d")):
            d = os.path.join(p, "markers", "m-" + m.lstrip("."))
            os.makedirs(os.path.join(d, m) if kind == "d" else d)
            if kind == "f":
                touch(os.path.join(d, m), "")
            envs.append(self.fast_venv(os.path.join(d, "env")))
        envs.append(self.fast_venv(os.path.join(p, "nomarker", "env")))
        # A marker one level up does not count: the parent is what matters.
        envs.append(self.fast_venv(os.path.join(outer, "deeper", "env")))
        e = self.fast_venv(os.path.join(p, "dotproject", "env"))
        touch(os.path.join(e, ".project"), "/srv/code/dotproject")
        envs.append(e)
        e = self.fast_venv(os.path.join(p, "dotproject-nl", "env"))
        touch(os.path.join(e, ".project"), "/srv/code/with newline\n")
        envs.append(e)
        toxy = os.path.join(p, "toxy")
        os.makedirs(toxy)
        touch(os.path.join(toxy, "tox.ini"), "[tox]\nenvlist = py311\n")
        touch(os.path.join(toxy, "noxfile.py"), "import nox\n")
        tox = self.fast_venv(os.path.join(toxy, ".tox", "py311"))
        nox = self.fast_venv(os.path.join(toxy, ".nox", "tests"))
        self.add(*[Env(e, "tree") for e in envs])
        self.add(Env(tox, "tree", manager="tox"), Env(nox, "tree", manager="nox"))
        self.add(Env(nested, "tree", listed=False))

    def build_pruned(self):
        p = os.path.join(self.tree, "pruned")
        hidden = [self.fast_venv(os.path.join(p, d, "hidden")) for d in (".git", "node_modules", "__pycache__")]
        hidden.append(self.fast_venv(os.path.join(p, "deep", "node_modules", "pkg", "venv")))
        ok = self.fast_venv(os.path.join(p, "ok", ".venv"))
        self.add(*[Env(h, "tree", listed=False) for h in hidden])
        self.add(Env(ok, "tree"))

    def build_links(self):
        p = os.path.join(self.tree, "links")
        os.makedirs(p)
        outside = self.fast_venv(os.path.join(self.base, "outside", "hidden-ext"))
        os.symlink(".", os.path.join(p, "loop-dot"))
        os.symlink("..", os.path.join(p, "loop-up"))
        os.symlink("selfloop", os.path.join(p, "selfloop"))
        os.makedirs(os.path.join(p, "a", "b"))
        os.symlink("../../a", os.path.join(p, "a", "b", "back-to-a"))
        os.symlink(os.path.dirname(outside), os.path.join(p, "ext"))
        os.symlink("../real", os.path.join(p, "real-again"))
        after = self.fast_venv(os.path.join(p, "zz-after-loops", ".venv"))
        target = self.fast_venv(os.path.join(p, "target-env"))
        os.symlink("target-env", os.path.join(p, "link-to-env"))
        self.add(Env(after, "tree"), Env(target, "tree"), Env(outside, "outside", listed=False))

    def build_names(self):
        p = os.path.join(self.tree, "names")
        names = ["with space", "new\nline", os.fsdecode(b"bad-\xff\xfe-utf8"), "\u00fcn\u00efc\u00f6d\u00e9",
                 'quote"back\\slash', "tab\there", "-dash"]
        made = []
        for i, n in enumerate(names):
            tmp = self.fast_venv(os.path.join(p, "tmp%d" % i))
            made.append(self.rename(tmp, os.path.join(p, n)))
        # A folder with an invalid-UTF-8 name that holds an env.
        d = os.path.join(p, os.fsdecode(b"dir-\xe9"))
        os.makedirs(d)
        made.append(self.rename(self.fast_venv(os.path.join(p, "tmpx")), os.path.join(d, ".venv")))
        self.add(*[Env(m, "tree") for m in made])

    def build_odd(self):
        p = os.path.join(self.tree, "odd")
        # Hand-made distributions: dist-info, egg-info file and folder, CRLF,
        # a repeated header, a body line that looks like a header, UTF-8.
        e = self.fast_venv(os.path.join(p, "dists"))
        sp = self.site(e)
        dist(sp, "Foo_Bar-1.0.dist-info", "METADATA",
             "Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.0\n\nName: body-not-header\n")
        dist(sp, "dup-2.0.dist-info", "METADATA", "Name: dup\nVersion: 2.0\nName: dup-second\nVersion: 9\n")
        dist(sp, "crlf_pkg-3.0.dist-info", "METADATA", "Metadata-Version: 2.1\r\nName: crlf_pkg\r\nVersion: 3.0\r\n")
        dist(sp, "nandu-1.0.dist-info", "METADATA", "Metadata-Version: 2.1\nName: \u00d1and\u00fa\nVersion: 1.0\n")
        dist(sp, "eggdir-1.2-py3.11.egg-info", "PKG-INFO", "Metadata-Version: 1.1\nName: eggdir\nVersion: 1.2\n")
        touch(os.path.join(sp, "legacy-0.5-py3.11.egg-info"), "Metadata-Version: 1.1\nName: legacy\nVersion: 0.5\n")
        dist(sp, "pip-99.1.dist-info", "METADATA", "Metadata-Version: 2.1\nName: pip\nVersion: 99.1\n")
        os.makedirs(os.path.join(sp, "foo_bar"))
        touch(os.path.join(sp, "foo_bar", "__init__.py"), "x = 1\n")
        envs = [e]
        # Sparse file: apparent size far above allocated size.
        e = self.fast_venv(os.path.join(p, "sparse"))
        with open(os.path.join(self.site(e), "sparse.bin"), "wb") as f:
            f.truncate(64 << 20)
            f.seek(1 << 20)
            f.write(b"data")
        envs.append(e)
        # Hard links (counted once) and a symlink to a big file outside.
        e = self.fast_venv(os.path.join(p, "hardlinks"))
        sp = self.site(e)
        with open(os.path.join(sp, "h1.bin"), "wb") as f:
            f.write(b"\1" * 300000)
        os.link(os.path.join(sp, "h1.bin"), os.path.join(sp, "h2.bin"))
        os.makedirs(os.path.join(e, "share"))
        os.link(os.path.join(sp, "h1.bin"), os.path.join(e, "share", "h3.bin"))
        os.symlink(self.fast.real, os.path.join(sp, "ext-link"))
        envs.append(e)
        # pyvenv.cfg written oddly: CRLF, no spaces, upper-case key, a line
        # that looks like a comment, a line without '='.
        e = self.fast_venv(os.path.join(p, "odd-cfg"))
        cfg = parse_simple(os.path.join(e, "pyvenv.cfg"))
        with open(os.path.join(e, "pyvenv.cfg"), "wb") as f:
            f.write(("# written by hand = yes\r\nhome=%s\r\nInclude-System-Site-Packages =  TRUE \r\n"
                     "   version   =   %s   \r\njust some words\r\nprompt = 'odd (cfg)'\r\n"
                     % (cfg["home"], cfg["version"])).encode())
        envs.append(e)
        # What uv writes (kind uv, version from version_info).
        e = self.fast_venv(os.path.join(p, "uv-made"))
        write_uv_cfg(e, self.fast)
        envs.append(e)
        # A prompt whose repr needs escapes: the shell shows it's "ü" \ x
        envs.append(self.fast_venv(os.path.join(p, "tricky-prompt"), "--prompt", 'it\'s "\u00fc" \\ x'))
        # Two envs sharing a hard-linked file: each one's size counts it
        # (du -sb ENV is run per env).
        a = self.fast_venv(os.path.join(p, "shared-a"))
        b = self.fast_venv(os.path.join(p, "shared-b"))
        with open(os.path.join(self.site(a), "shared.bin"), "wb") as f:
            f.write(b"\2" * 400000)
        os.link(os.path.join(self.site(a), "shared.bin"), os.path.join(self.site(b), "shared.bin"))
        outside = os.path.join(self.base, "outside-file.bin")
        with open(outside, "wb") as f:
            f.write(b"\3" * 200000)
        os.link(outside, os.path.join(self.site(b), "outside-link.bin"))
        envs += [a, b]
        self.add(*[Env(x, "tree") for x in envs])
        self.add(self._utf8_home(p))

    def _utf8_home(self, p):
        """home (and bin/python's target folder) with a byte that is not
        UTF-8. venv cannot write that, so the cfg is written by hand. Python
        itself then refuses to start (site.py decodes pyvenv.cfg as UTF-8), so
        the env must be flagged; the folder exists, so it is not 'broken' by
        the definition (chain resolves, home exists)."""
        e = self.fast_venv(os.path.join(p, "utf8-home"))
        bindir = os.path.join(os.fsencode(self.base), b"bin-\xff")
        os.makedirs(bindir)
        exe = os.path.join(bindir, b"python%d.%d" % self.fast.vtuple[:2])
        os.symlink(os.fsencode(self.fast.real), exe)
        os.unlink(os.path.join(e, "bin", "python"))
        os.symlink(exe, os.path.join(os.fsencode(e), b"bin", b"python"))
        with open(os.path.join(e, "pyvenv.cfg"), "wb") as f:
            f.write(b"home = %s\ninclude-system-site-packages = false\nversion = %s\nexecutable = %s\n"
                    % (bindir, self.fast.version.encode(), exe))
        return Env(e, "tree", runnable=False, expect={"problems": nonempty_sentences()})

    def build_stale(self):
        """An env whose pyvenv.cfg, site-packages and its entries are 100 days
        old, while a deeper file and bin/ are new: last_modified only looks
        at the former, so the env is stale."""
        e = self.fast_venv(os.path.join(self.tree, "stale", "old-env"))
        sp = self.site(e)
        os.makedirs(os.path.join(sp, "oldpkg", "sub"))
        touch(os.path.join(sp, "oldpkg", "sub", "new.py"), "")
        touch(os.path.join(sp, "oldpkg", "__init__.py"), "")
        dist(sp, "oldpkg-1.0.dist-info", "METADATA", "Name: oldpkg\nVersion: 1.0\n")
        old = int(time.time()) - 100 * 86400
        for name in os.listdir(sp):
            os.utime(os.path.join(sp, name), (old, old), follow_symlinks=False)
        os.utime(sp, (old - 50, old - 50))
        os.utime(os.path.join(e, "pyvenv.cfg"), (old - 100, old - 100))
        touch(os.path.join(e, "bin", "new-script"), "")
        self.add(Env(e, "tree", expect={"last_modified": old, "stale": True}))


# ------------------------------------------------------------------ helpers

def touch(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def dist(site, folder, fname, text):
    d = os.path.join(site, folder)
    os.makedirs(d)
    touch(os.path.join(d, fname), text)


def parse_simple(path):
    d = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.split("=", 1)
                d[k.strip().lower()] = v.strip()
    return d


def write_uv_cfg(env, py):
    cfg = parse_simple(os.path.join(env, "pyvenv.cfg"))
    with open(os.path.join(env, "pyvenv.cfg"), "w") as f:
        f.write("home = %s\nimplementation = CPython\nuv = 0.4.18\nversion_info = %s\n"
                "include-system-site-packages = false\nrelocatable = false\n"
                % (cfg["home"], py.version))


def make_tree_readable(path):
    for root, dirs, files in os.walk(path):
        os.chmod(root, 0o755)


def rmtree_all(path):
    """Removes a temp tree even where tests took permissions away."""
    def onerror(func, p, exc):
        try:
            os.chmod(os.path.dirname(p), 0o755)
            if os.path.isdir(p) and not os.path.islink(p):
                os.chmod(p, 0o755)
            func(p)
        except OSError:
            pass
    for root, dirs, files in os.walk(path):
        for d in dirs:
            fp = os.path.join(root, d)
            try:
                if not os.path.islink(fp):
                    os.chmod(fp, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP)
            except OSError:
                pass
    shutil.rmtree(path, onerror=onerror)
