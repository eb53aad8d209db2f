"""The corpus of the freeze tests: real environments, built offline at test
time, each with what its own pip freeze prints (captured while pip can run).

Nothing is downloaded. Wheels are written with zipfile; pip comes from the
wheels this machine has (/usr/share/python-wheels, each Python's
ensurepip/_bundled) and is unpacked into environments made --without-pip;
installs use `pip install --no-index --find-links`; editables and folder /
git installs build with setuptools from local wheels (--no-build-isolation);
git repositories are made with `git init` and installed with git+file://.

The truth of an env is pip's own freeze, run inside the env's python with no
PIP_* variables, from an empty folder, once per option set in one process
(pip._internal.cli.main.main, the function `python -m pip` calls)."""

import base64
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
import zipfile

from harness import clean_environ

PIP_OPTIONS = {"default": [], "all": ["--all"], "local": ["--local"],
               "exclude-editable": ["--exclude-editable"]}

TRUTH_SCRIPT = r"""
import contextlib, io, json, sys
wheel, jobs = sys.argv[1], json.loads(sys.argv[2])
if wheel:
    sys.path.insert(0, wheel)
from pip._internal.cli.main import main
out = {}
for name, args in jobs:
    buf, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
        try:
            rc = main(["freeze"] + args)
        except SystemExit as e:
            rc = e.code
        except BaseException as e:
            rc = "crash: %s: %s" % (type(e).__name__, e)
    out[name] = [rc, buf.getvalue(), err.getvalue()]
import pip
out["@pip"] = pip.__version__
sys.stdout.write(json.dumps(out))
"""


class CorpusError(Exception):
    pass


# ------------------------------------------------------------------ wheels

def metadata(name, version, extra=""):
    return "Metadata-Version: 2.1\nName: %s\nVersion: %s\n%s\n" % (name, version, extra)


def write_wheel(folder, dist_name, version, meta, module=None, filename=None):
    """A pure-Python wheel: <module>/__init__.py and <dist_name>-<version>.dist-info."""
    info = "%s-%s.dist-info" % (dist_name, version)
    files = {info + "/METADATA": meta.encode(),
             info + "/WHEEL": b"Wheel-Version: 1.0\nGenerator: venvscope-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    if module:
        files[module + "/__init__.py"] = ("__version__ = %r\n" % version).encode()
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (path, digest, len(data)))
    record.append(info + "/RECORD,,")
    files[info + "/RECORD"] = ("\n".join(record) + "\n").encode()
    path = os.path.join(folder, filename or "%s-%s-py3-none-any.whl" % (dist_name, version))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for p, data in files.items():
            z.writestr(p, data)
    return path


def wheel_version(path):
    m = re.match(r"[^-]+-([^-]+)-", os.path.basename(path))
    return tuple(int(x) for x in re.findall(r"\d+", m.group(1))[:3]) if m else (0,)


def requires_python(path):
    """The minimum (major, minor) of a wheel's Requires-Python (>=X.Y only)."""
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            if n.endswith(".dist-info/METADATA"):
                m = re.search(r"^Requires-Python:\s*>=\s*(\d+)\.(\d+)", z.read(n).decode(), re.M)
                return (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    return (0, 0)


# ------------------------------------------------------------------ corpus

class Corpus:
    """Builds the freeze corpus under base/freeze. `pythons` are the
    suite's Python objects. After build tasks ran, `envs` maps a case name
    to a dict: path, python label, truth {option: [rc, stdout, stderr]},
    pip version, notes; `skips` lists (case, reason)."""

    def __init__(self, base, pythons, fast):
        self.root = os.path.join(base, "freeze")
        self.pythons = [p for p in pythons if p.vtuple >= (3, 7)]
        self.fast = fast
        self.home = os.path.join(self.root, "home")
        self.wheels = os.path.join(self.root, "wheels")
        self.src = os.path.join(self.root, "src")
        self.neutral = os.path.join(self.root, "neutral")
        self.envs = {}
        self.skips = []
        self.notes = []
        self.timings = []
        self.lock = threading.Lock()
        self.events = {}
        self.env = clean_environ({"HOME": self.home})
        for d in (self.home, self.wheels, self.src, self.neutral):
            os.makedirs(d, exist_ok=True)

    # ----------------------------------------------------------- helpers

    def sh(self, args, cwd=None, timeout=300, env=None):
        p = subprocess.run(args, cwd=cwd or self.neutral, env=env or self.env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        if p.returncode != 0:
            raise CorpusError("%s failed (%d): %s" % (" ".join(map(str, args))[:300], p.returncode,
                                                     p.stderr.decode(errors="replace").strip()[-800:]))
        return p

    def skip(self, case, why):
        with self.lock:
            self.skips.append((case, why))

    def note(self, text):
        with self.lock:
            self.notes.append(text)

    def event(self, name):
        with self.lock:
            return self.events.setdefault(name, threading.Event())

    def add(self, case, path, py, truth, pip_version, **extra):
        rec = {"path": path, "python": py.label if py else None, "truth": truth, "pip": pip_version}
        rec.update(extra)
        with self.lock:
            self.envs[case] = rec

    # -------------------------------------------------- machine's wheels

    def machine_wheels(self, kind):
        """Wheels named kind-*.whl in /usr/share/python-wheels and every
        Python's ensurepip/_bundled, one per file name, newest first."""
        found = {}
        dirs = ["/usr/share/python-wheels"]
        for py in self.pythons:
            dirs.append(os.path.join(os.path.dirname(os.path.dirname(py.real)), "lib",
                                     "python%d.%d" % py.vtuple[:2], "ensurepip", "_bundled"))
        for d in dirs:
            for w in glob.glob(os.path.join(d, kind + "-*.whl")):
                found.setdefault(os.path.basename(w), w)
        return sorted(found.values(), key=wheel_version, reverse=True)

    def bundled(self, py, kind):
        d = os.path.join(os.path.dirname(os.path.dirname(py.real)), "lib", "python%d.%d" % py.vtuple[:2],
                         "ensurepip", "_bundled")
        ws = sorted(glob.glob(os.path.join(d, kind + "-*.whl")), key=wheel_version, reverse=True)
        if not ws and py.real.startswith("/usr/"):
            ws = sorted(glob.glob("/usr/share/python-wheels/%s-*.whl" % kind), key=wheel_version, reverse=True)
        return ws[0] if ws else None

    def pip_for(self, py, newest=False):
        """A pip >= 23 wheel that runs on `py`: its own bundled one, else
        (or with newest) the newest one that supports it."""
        own = self.bundled(py, "pip")
        if own and wheel_version(own) >= (23,) and not newest:
            return own
        for w in self.machine_wheels("pip"):
            if wheel_version(w) >= (23,) and requires_python(w) <= py.vtuple[:2]:
                return w
        return None

    # ------------------------------------------------------------ envs

    def make_env(self, py, path, *opts):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.sh([py.exe, "-m", "venv", "--without-pip"] + list(opts) + [path])
        return path

    def site(self, path):
        (sp,) = glob.glob(os.path.join(path, "lib", "python*", "site-packages"))
        return sp

    def unpack_pip(self, env, wheel):
        with zipfile.ZipFile(wheel) as z:
            z.extractall(self.site(env))

    def pip(self, env, *args, cwd=None):
        return self.sh([os.path.join(env, "bin", "python"), "-m", "pip", "--disable-pip-version-check",
                        "--no-input", "-q"] + list(args), cwd=cwd)

    def install(self, env, *reqs, build=False, links=()):
        args = ["install", "--no-index", "--find-links", self.wheels, "--no-compile"]
        for d in links:
            args += ["--find-links", d]
        if build:
            args.append("--no-build-isolation")
        return self.pip(env, *(args + list(reqs)))

    def truth(self, env, options=("default", "all"), wheel=""):
        """pip freeze of `env` for each option, in one python process."""
        jobs = [[o, PIP_OPTIONS[o]] for o in options]
        p = self.sh([os.path.join(env, "bin", "python"), "-c", TRUTH_SCRIPT, wheel, json.dumps(jobs)])
        out = json.loads(p.stdout.decode())
        pipv = out.pop("@pip")
        for o, (rc, text, err) in out.items():
            if rc not in (0, None):
                raise CorpusError("pip freeze %s in %s: %s %s" % (o, env, rc, err.strip()[-300:]))
        return out, pipv

    # -------------------------------------------------------- sources

    def prepare(self):
        """Wheels and git repositories every builder uses (fast, serial)."""
        w = self.wheels
        write_wheel(w, "alpha", "1.0", metadata("alpha", "1.0"), "alpha")
        write_wheel(w, "Beta_Pkg", "2.0.1", metadata("Beta_Pkg", "2.0.1"), "beta_pkg")
        write_wheel(w, "gamma.dots", "0.3", metadata("gamma.dots", "0.3"), "gamma_dots")
        write_wheel(w, "Odd.Name_with_Mixed", "1.0", metadata("Odd.Name_with-Mixed", "1.0"), "oddname")
        write_wheel(w, "nonnorm", "01.0rc1", metadata("nonnorm", "01.0rc1"), "nonnorm")
        write_wheel(w, "Zulu", "3.0.post1", metadata("Zulu", "3.0.post1"), "zulu")
        write_wheel(w, "localver", "1.0+Ubuntu.1", metadata("localver", "1.0+Ubuntu.1"), "localver")
        self.hashed = write_wheel(w, "hashed", "1.0", metadata("hashed", "1.0"), "hashed",
                                  filename="hashed-1.0-py3-none-any.whl")
        os.makedirs(os.path.join(self.root, "direct"), exist_ok=True)
        self.direct_wheel = shutil.copy(self.hashed, os.path.join(self.root, "direct"))
        os.unlink(self.hashed)
        with open(self.direct_wheel, "rb") as f:
            self.direct_hash = hashlib.sha256(f.read()).hexdigest()
        for kind in ("setuptools", "wheel"):
            ws = self.machine_wheels(kind)
            if ws:
                shutil.copy(ws[0], w)
        self.plain = ["alpha", "Beta_Pkg", "gamma.dots", "Odd.Name_with-Mixed", "nonnorm==1.0rc1",
                      "Zulu", "localver"]
        # Stand-ins for the names pip freeze hides (metadata only, so a plain
        # env installs in a blink): setuptools, wheel, distribute, and
        # Ubuntu's famous pkg-resources==0.0.0 (hidden by pip 23.0 / 23.1 only).
        self.standins = os.path.join(self.root, "standins")
        os.makedirs(self.standins, exist_ok=True)
        for name, ver in (("setuptools", "99.0"), ("wheel", "99.0"), ("distribute", "0.7.3"),
                          ("pkg_resources", "0.0.0")):
            write_wheel(self.standins, name, ver, metadata(name.replace("_", "-"), ver))
        fpy = self.features_python()
        if fpy:
            shutil.copy(self.bundled(fpy, "setuptools"), w)
        self.have_build = bool(glob.glob(os.path.join(w, "wheel-*.whl")))
        self.git_ok = shutil.which("git") is not None
        if self.git_ok:
            self.make_repos()

    def project(self, path, name, version, legacy=False):
        os.makedirs(path, exist_ok=True)
        mod = re.sub(r"\W", "_", name.lower())
        os.makedirs(os.path.join(path, mod), exist_ok=True)
        with open(os.path.join(path, mod, "__init__.py"), "w") as f:
            f.write("")
        if legacy:
            with open(os.path.join(path, "setup.py"), "w") as f:
                f.write("from setuptools import setup\nsetup(name=%r, version=%r, packages=[%r])\n"
                        % (name, version, mod))
        else:
            with open(os.path.join(path, "pyproject.toml"), "w") as f:
                f.write('[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
                        '[project]\nname = "%s"\nversion = "%s"\n[tool.setuptools]\npackages = ["%s"]\n'
                        % (name, version, mod))
        return path

    def git(self, cwd, *args):
        env = dict(self.env, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid",
                   GIT_CONFIG_NOSYSTEM="1")
        return self.sh(["git"] + list(args), cwd=cwd, env=env).stdout.decode().strip()

    def commit_all(self, repo):
        self.git(repo, "add", "-A")
        self.git(repo, "commit", "-q", "-m", "init")
        return self.git(repo, "rev-parse", "HEAD")

    def make_repos(self):
        s = self.src
        # A VCS install source, and one with the project in a subfolder.
        vcs = self.project(os.path.join(s, "vcsrepo"), "vcs-pkg", "0.4")
        self.git(vcs, "init", "-q")
        self.vcs_sha = self.commit_all(vcs)
        mono = os.path.join(s, "monorepo")
        self.project(os.path.join(mono, "pkgs", "sub"), "Sub_Pkg", "0.5")
        self.git(mono, "init", "-q")
        self.mono_sha = self.commit_all(mono)
        # Editable projects: in a git repo whose origin is a local bare repo,
        # in one without a remote, in a subfolder of a repo with a remote.
        bare = os.path.join(s, "remote.git")
        self.git(s, "init", "-q", "--bare", bare)
        ed = self.project(os.path.join(s, "ed-git"), "ed-git", "1.1")
        self.git(ed, "init", "-q")
        self.git(ed, "remote", "add", "origin", bare)
        self.ed_git_sha = self.commit_all(ed)
        ed = self.project(os.path.join(s, "ed-noremote"), "Ed_NoRemote", "1.2")
        self.git(ed, "init", "-q")
        self.commit_all(ed)
        repo = os.path.join(s, "ed-mono")
        self.project(os.path.join(repo, "python", "edsub"), "ed.sub", "1.3")
        self.git(repo, "init", "-q")
        self.git(repo, "remote", "add", "upstream", "https://example.invalid/up.git")
        self.git(repo, "remote", "add", "origin", "git@example.invalid:team/ed-mono.git")
        self.ed_mono_sha = self.commit_all(repo)
        self.project(os.path.join(s, "ed-plain"), "ed-plain", "1.0")
        self.project(os.path.join(s, "dirproj"), "dirproj", "0.9")
        self.project(os.path.join(s, "legacy"), "Legacy.Dev", "2.0", legacy=True)

    # ------------------------------------------------------- builders

    def tasks(self):
        """(name, fn) pairs for the suite's fixture pool."""
        t = [("freeze: features", self.build_features)]
        for py in self.pythons:
            t.append(("freeze: " + py.label, lambda py=py: self.build_plain(py)))
        # Debian's pip (/usr/share/python-wheels) is patched to hide
        # pkg-resources too: on a 3.11 that is not Debian's own.
        deb = sorted(glob.glob("/usr/share/python-wheels/pip-*.whl"), key=wheel_version, reverse=True)
        py311 = [p for p in self.pythons if p.vtuple[:2] == (3, 11) and not p.real.startswith("/usr/")]
        if deb and py311 and wheel_version(deb[0]) >= (23,):
            t.append(("freeze: Debian's pip", lambda: self.build_plain(
                py311[0], deb[0], "plain %s with Debian's pip" % py311[0].label)))
        t += [("freeze: system site", self.build_syssite), ("freeze: without pip", self.build_nopip),
              ("freeze: base removed", self.build_base_removed)]
        # Copies of the features env wait for it; they go last.
        for py in self.copy_targets():
            t.append(("freeze: features on " + py.label, lambda py=py: self.build_copy(py)))
        return t

    def plain_pip(self, py):
        """Which pip a plain env of `py` gets: its own, except 3.9 which
        gets the newest (pip >= 24 on pkg_resources)."""
        return self.pip_for(py, newest=py.vtuple[:2] == (3, 9))

    def build_plain(self, py, wheel=None, case=None):
        wheel = wheel or self.plain_pip(py)
        case = case or "plain " + py.label
        if not wheel:
            self.skip(case, "no pip >= 23 wheel runs on Python %s" % py.version)
            return
        env = self.make_env(py, os.path.join(self.root, "plain", case.replace(" ", "-").replace("'", "")))
        self.unpack_pip(env, wheel)
        self.install(env, *(self.plain + ["setuptools==99.0", "wheel==99.0", "distribute", "pkg-resources"]),
                     links=[self.standins])
        truth, pipv = self.truth(env)
        self.add(case, env, py, truth, pipv)

    def features_python(self):
        """A Python 3.8-3.11 with a bundled setuptools (legacy `setup.py
        develop` needs one that is not Debian-patched); 3.11 preferred."""
        cands = [p for p in self.pythons if (3, 8) <= p.vtuple[:2] <= (3, 11) and self.bundled(p, "setuptools")
                 and self.pip_for(p)]
        cands.sort(key=lambda p: (p.vtuple[:2] == (3, 11) and not p.real.startswith("/usr/"), p.vtuple))
        return cands[-1] if cands else None

    def copy_targets(self):
        """Pythons that get a copy of the features env: one per pip/backend
        pairing not yet covered."""
        fpy = self.features_python()
        out, seen = [], set()
        if fpy:
            seen.add((fpy.vtuple[:2] >= (3, 11), wheel_version(self.pip_for(fpy))[:2],
                      fpy.vtuple[:2] >= (3, 12)))
        for py in sorted(self.pythons, key=lambda p: p.vtuple, reverse=True):
            wheel = self.plain_pip(py)
            if not wheel or py is fpy or py.vtuple < (3, 8):
                continue
            key = (py.vtuple[:2] >= (3, 11), wheel_version(wheel)[:2], py.vtuple[:2] >= (3, 12))
            if key not in seen:
                seen.add(key)
                out.append(py)
        return out

    def build_features(self):
        done = self.event("features")
        try:
            self._build_features()
        finally:
            done.set()

    def _build_features(self):
        py = self.features_python()
        case = "features"
        if not py:
            self.skip(case, "no Python 3.8-3.11 with a bundled setuptools and pip >= 23")
            return
        env = self.make_env(py, os.path.join(self.root, "features", "env"))
        self.unpack_pip(env, self.pip_for(py))
        st = os.path.basename(self.bundled(py, "setuptools")).split("-")[1]
        first = self.plain + ["setuptools==" + st]
        if self.have_build:
            first.append("wheel")
        first.append("hashed @ file://%s#sha256=%s" % (self.direct_wheel, self.direct_hash))
        self.install(env, *first)
        # --no-build-isolation builds with the setuptools installed above: a
        # folder, a git+file:// checkout at a commit, a PEP 660 editable in a
        # git repository with an origin. (Each build costs seconds; the other
        # editable and VCS layouts are written below as pip writes them.)
        if self.have_build:
            builds = [os.path.join(self.src, "dirproj")]
            if self.git_ok:
                # packaging 21.3 (pip 23) refuses "name @ git+file:///..." (no
                # host), so the #egg= form.
                builds += ["git+file://%s@%s#egg=vcs-pkg" % (os.path.join(self.src, "vcsrepo"), self.vcs_sha),
                           "-e", os.path.join(self.src, "ed-git")]
            else:
                builds += ["-e", os.path.join(self.src, "ed-plain")]
                self.skip("features: git cases", "git is not installed")
            self.install(env, *builds, build=True)
        else:
            self.skip("features: builds", "no wheel package wheel on this machine (setuptools needs it)")
        sp = self.site(env)
        if self.git_ok:
            self.as_pip_writes(sp, "ed-plain", "1.0", {"url": "file://" + os.path.join(self.src, "ed-plain"),
                                                       "dir_info": {"editable": True}})
            self.as_pip_writes(sp, "Ed_NoRemote", "1.2", {"url": "file://" + os.path.join(self.src, "ed-noremote"),
                                                          "dir_info": {"editable": True}})
            self.as_pip_writes(sp, "ed.sub", "1.3", {
                "url": "file://" + os.path.join(self.src, "ed-mono", "python", "edsub"),
                "dir_info": {"editable": True}})
            self.as_pip_writes(sp, "Sub_Pkg", "0.5", {
                "url": "file://" + os.path.join(self.src, "monorepo"), "subdirectory": "pkgs/sub",
                "vcs_info": {"vcs": "git", "commit_id": self.mono_sha, "requested_revision": self.mono_sha}})
        if self.have_build:
            legacy = os.path.join(self.src, "legacy")
            try:
                self.sh([os.path.join(env, "bin", "python"), "setup.py", "-q", "develop", "--no-deps"], cwd=legacy)
            except CorpusError as e:
                self.skip("features: legacy egg-link editable", str(e)[-200:])
        self.hand_made(self.site(env))
        truth, pipv = self.truth(env, tuple(PIP_OPTIONS))
        self.add(case, env, py, truth, pipv)

    def as_pip_writes(self, sp, name, version, direct_url):
        """The dist-info pip writes for an install from a direct URL."""
        info = os.path.join(sp, "%s-%s.dist-info" % (re.sub(r"[-.]+", "_", name), version))
        os.makedirs(info)
        files = {"METADATA": metadata(name, version), "INSTALLER": "pip\n",
                 "direct_url.json": json.dumps(direct_url), "REQUESTED": ""}
        for n, t in files.items():
            with open(os.path.join(info, n), "w") as f:
                f.write(t)
        with open(os.path.join(info, "RECORD"), "w") as f:
            f.write("".join("%s/%s,,\n" % (os.path.basename(info), n) for n in list(files) + ["RECORD"]))

    def hand_made(self, sp):
        """Distributions pip would not write today, made by hand: egg-info
        folder and file, an invalid version, no Name header, an odd Name,
        an invalid project name, a malformed direct_url.json, direct URLs
        with subdirectories, and a .pth file adding folders."""
        def dist(entry, fname, text, files=None):
            d = os.path.join(sp, entry)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, fname), "w", newline="") as f:
                f.write(text)
            for n, t in (files or {}).items():
                with open(os.path.join(d, n), "w") as f:
                    f.write(t)
        dist("eggdir-1.2-py3.11.egg-info", "PKG-INFO", metadata("EggDir", "1.2"))
        with open(os.path.join(sp, "eggfile-0.5-py3.11.egg-info"), "w") as f:
            f.write(metadata("eggfile", "0.5"))
        dist("badver-2.0.beta.x.dist-info", "METADATA", metadata("badver", "2.0 beta!x"))
        dist("noname-3.1.dist-info", "METADATA", "Metadata-Version: 2.1\nVersion: 3.1\n\n")
        dist("Spaced_Name-1.0.dist-info", "METADATA", "Metadata-Version: 2.1\nName:   Spaced_Name  \nVersion: 1.0\n\n")
        dist("crlf_pkg-4.0.dist-info", "METADATA", "Metadata-Version: 2.1\r\nName: CRLF_pkg\r\nVersion: 4.0\r\n\r\n")
        dist("~roken-1.0.dist-info", "METADATA", metadata("~roken", "1.0"))
        dist("baddu-1.0.dist-info", "METADATA", metadata("baddu", "1.0"), {"direct_url.json": "{not json"})
        dist("subarch-1.0.dist-info", "METADATA", metadata("subarch", "1.0"),
             {"direct_url.json": json.dumps({"url": "https://example.invalid/a.tar.gz",
                                             "archive_info": {}, "subdirectory": "sub/dir"})})
        dist("subhash-1.0.dist-info", "METADATA", metadata("subhash", "1.0"),
             {"direct_url.json": json.dumps({"url": "https://example.invalid/b.zip", "subdirectory": "x",
                                             "archive_info": {"hash": "md5=abc", "hashes": {"md5": "abc"}}})})
        # direct_url.json read as json.loads reads it: what it refuses
        # (control characters in strings, trailing junk, white space other
        # than " \t\n\r", Python's number grammar) falls back to
        # name==version; NaN / Infinity, a lone surrogate escape, a huge
        # number and \u0000 are accepted (issue 13, item 9).
        good = '{"url": "file:///tmp/du/x", "dir_info": {}%s}'
        for n, text in (("du-ctl", '{"url": "file:///tmp/du/a\x01b", "dir_info": {}}'),
                        ("du-tab", '{"url": "file:///tmp/du/a\tb", "dir_info": {}}'),
                        ("du-esc", '{"url": "file:///tmp/du/a\x1b[31mb", "dir_info": {}}'),
                        ("du-junk", good % "" + " x"), ("du-nulend", good % "" + "\0"),
                        ("du-vt", "\x0b" + good % ""), ("du-ff", good % ', "n":\x0c1'),
                        ("du-lead0", good % ', "n": 01'), ("du-plus", good % ', "n": +1'),
                        ("du-dot", good % ', "n": 1.'), ("du-tcomma", good % ","),
                        ("du-nan", good % ', "n": NaN'), ("du-inf", good % ', "n": [Infinity, -Infinity]'),
                        ("du-trailws", good % "" + " \n\r\t"), ("du-surr", good % ', "n\\ud800": 1'),
                        ("du-big", good % (', "n": ' + "9" * 400)), ("du-nanurl", '{"url": NaN, "dir_info": {}}'),
                        ("du-u0", '{"url": "file:///tmp/du/a\\u0000b", "dir_info": {}}')):
            dist("%s-1.0.dist-info" % n.replace("-", "_"), "METADATA", metadata(n, "1.0"),
                 {"direct_url.json": text, "INSTALLER": "pip\n"})
        # A NUL in the Name and Version headers: pip prints it, and sorts
        # it first (nul<NUL>name before nul-x).
        dist("nul_name-1.0.dist-info", "METADATA", metadata("nul\0name", "1.0"))
        dist("nul_x-1.0.dist-info", "METADATA", metadata("nul-x", "1.0"))
        dist("nul_ver-1.0.dist-info", "METADATA", metadata("nul-ver", "1.0\0x"))
        extra = os.path.join(self.root, "features", "extra")
        extra2 = os.path.join(self.root, "features", "extra2")
        for d, entries in ((extra, [("pthpkg", "1.0"), ("alpha", "9.9")]), (extra2, [("pthpkg2", "2.0")])):
            for n, v in entries:
                os.makedirs(os.path.join(d, "%s-%s.dist-info" % (n, v)), exist_ok=True)
                with open(os.path.join(d, "%s-%s.dist-info" % (n, v), "METADATA"), "w") as f:
                    f.write(metadata(n, v))
        with open(os.path.join(sp, "zz-extra.pth"), "w") as f:
            f.write("# a comment\n\nimport os\n%s\n%s\n/does/not/exist\n"
                    % (os.path.relpath(extra, sp), extra2))

    def build_copy(self, py):
        """The features env's distributions under another Python / pip."""
        case = "features on " + py.label
        if not self.event("features").wait(600) or "features" not in self.envs:
            self.skip(case, "the features env was not built")
            return
        src = self.envs["features"]["path"]
        env = self.make_env(py, os.path.join(self.root, "copies", py.label))
        sp, ssp = self.site(env), self.site(src)
        for n in os.listdir(ssp):
            if n == "pip" or n.startswith("pip-") or n == "__pycache__":
                continue
            # Package folders are not read by pip freeze; metadata, .pth,
            # .egg-link and the small modules .pth lines import are.
            if (os.path.isdir(os.path.join(ssp, n)) and not n.startswith("_")
                    and not n.lower().endswith((".dist-info", ".egg-info"))):
                continue
            s, d = os.path.join(ssp, n), os.path.join(sp, n)
            if os.path.isdir(s) and not os.path.islink(s):
                shutil.copytree(s, d, symlinks=True)
            else:
                shutil.copy2(s, d)
        # Relative .pth lines were relative to the features site folder.
        with open(os.path.join(sp, "zz-extra.pth"), "w") as f:
            f.write("# a comment\n\nimport os\n%s\n%s\n/does/not/exist\n"
                    % (os.path.relpath(os.path.join(self.root, "features", "extra"), sp),
                       os.path.join(self.root, "features", "extra2")))
        self.unpack_pip(env, self.plain_pip(py))
        truth, pipv = self.truth(env, tuple(PIP_OPTIONS))
        self.add(case, env, py, truth, pipv)

    def build_syssite(self):
        """include-system-site-packages = true on the system Python (rich
        dist-packages) or the newest one; a user site with a distribution
        and one that shadows the env's own."""
        sysp = [p for p in self.pythons if p.real.startswith("/usr/") and self.pip_for(p)]
        py = sysp[0] if sysp else max(self.pythons, key=lambda p: p.vtuple)
        case = "system site"
        wheel = self.pip_for(py)
        if not wheel:
            self.skip(case, "no pip >= 23 for %s" % py.label)
            return
        env = self.make_env(py, os.path.join(self.root, "syssite", "env"), "--system-site-packages")
        self.unpack_pip(env, wheel)
        self.install(env, "alpha", "Zulu")
        user = os.path.join(self.home, ".local", "lib", "python%d.%d" % py.vtuple[:2], "site-packages")
        for n, v in (("usersite-pkg", "1.0"), ("alpha", "0.5")):
            d = os.path.join(user, "%s-%s.dist-info" % (n, v))
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "METADATA"), "w") as f:
                f.write(metadata(n, v))
        truth, pipv = self.truth(env, ("default", "all", "local"))
        self.add(case, env, py, truth, pipv)

    def build_nopip(self):
        """--without-pip: distributions copied in; the truth is the newest
        pip run from its wheel by the env's python."""
        py = self.fast
        case = "without pip"
        wheel = self.pip_for(py, newest=True)
        if not wheel:
            self.skip(case, "no pip >= 23 wheel runs on %s" % py.label)
            return
        env = self.make_env(py, os.path.join(self.root, "nopip", "env"))
        # The env sits in a project folder: the default output goes there.
        with open(os.path.join(self.root, "nopip", "pyproject.toml"), "w") as f:
            f.write("[project]\nname = 'nopip-project'\n")
        sp = self.site(env)
        for n, v in (("alpha", "1.0"), ("Beta_Pkg", "2.0.1"), ("setuptools", "60.0"), ("wheel", "0.40")):
            d = os.path.join(sp, "%s-%s.dist-info" % (n, v))
            os.makedirs(d)
            with open(os.path.join(d, "METADATA"), "w") as f:
                f.write(metadata(n, v))
        truth, pipv = self.truth(env, ("default", "all"), wheel=wheel)
        self.add(case, env, py, truth, pipv, pip_from_wheel=os.path.basename(wheel))

    def build_base_removed(self):
        """An env made by a copy of an interpreter, with pip and packages;
        pip freeze is captured, then the copy is deleted."""
        case = "base removed"
        gone = os.path.join(self.root, "gone", "bin")
        os.makedirs(gone)
        for py in [self.fast] + [p for p in reversed(self.pythons) if p is not self.fast]:
            wheel = self.pip_for(py)
            if not wheel:
                continue
            exe = os.path.join(gone, "python%d.%d" % py.vtuple[:2])
            shutil.copy2(py.real, exe)
            try:
                self.sh([exe, "-c", "import venv"])
                break
            except CorpusError:
                os.unlink(exe)
        else:
            self.skip(case, "no interpreter runs from a copied binary")
            return
        env = os.path.join(self.root, "gone-env", "env")
        os.makedirs(os.path.dirname(env))
        self.sh([exe, "-m", "venv", "--without-pip", env])
        self.unpack_pip(env, wheel)
        self.install(env, "alpha", "Beta_Pkg", "Zulu")
        truth, pipv = self.truth(env)
        shutil.rmtree(os.path.dirname(gone))
        r = subprocess.run([os.path.join(env, "bin", "python"), "-c", "pass"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL) if os.path.exists(os.path.join(env, "bin", "python")) else None
        if r is not None and r.returncode == 0:
            raise CorpusError("%s still runs after its base was removed" % env)
        self.add(case, env, py, truth, pipv)
