"""The truth about an environment, from sources independent of venvscope:
the env's own interpreter (sys.prefix, sys.path, platform), importlib.metadata
over its site-packages, du, find, lstat/realpath and the text of pyvenv.cfg."""

import ast
import fnmatch
import glob
import json
import os
import re
import stat
import subprocess
import time

from harness import Matcher, clean_environ, nonempty_sentences
import story_truth

try:
    import importlib.metadata as imd
except ImportError:  # Python < 3.8 running the suite
    imd = None

KEYS = ["path", "name", "kind", "manager", "python_version", "implementation", "home",
        "base_python", "base_exists", "broken", "incomplete", "problems", "link", "system_site_packages",
        "prompt", "site_packages", "package_count", "has_pip", "pip_version", "size_bytes",
        "disk_bytes", "freeable_bytes", "shared_bytes", "shared", "shared_with", "shared_with_count", "files", "last_modified", "stale", "project", "in_use", "git", "git_repo", "manager_role", "app",
        # issue 16: the env's story (story_truth.py)
        "project_exists", "orphan", "moved_from", "version_mismatch", "base_version", "python_eol",
        "python_eol_date", "python_support", "last_used", "last_used_source", "created"]
SIZE_KEYS = ("size_bytes", "disk_bytes", "freeable_bytes", "shared_bytes", "shared", "shared_with",
             "shared_with_count", "files")
MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile", ".git")
# What venv (Lib/venv/__init__.py setup_scripts) and virtualenv's activators
# write last, after the interpreter and pip: none of them, a half-made env.
ACTIVATORS = ("bin/activate", "bin/activate.fish", "bin/activate.csh", "bin/activate.nu",
              "bin/activate.ps1", "bin/Activate.ps1", "bin/activate_this.py", "Scripts/activate",
              "Scripts/activate.bat", "Scripts/Activate.ps1")


def envs_under(roots, excludes=(), depth=None):
    """Every folder holding a regular pyvenv.cfg below `roots` (one path or a
    list; os.walk, an env's own folders not entered), not entering a folder
    whose name or path matches an exclude glob, nor going below `depth`."""
    found = set()
    for root in [roots] if isinstance(roots, str) else roots:
        base = root.rstrip("/").count("/")
        for d, dirs, files in os.walk(root):
            if "pyvenv.cfg" in files and os.path.isfile(os.path.join(d, "pyvenv.cfg")):
                found.add(d)
                dirs[:] = []
                continue
            if depth is not None and d.count("/") - base >= depth:
                dirs[:] = []
            dirs[:] = [x for x in dirs if not any(fnmatch.fnmatch(x, g) or fnmatch.fnmatch(os.path.join(d, x), g)
                                                  for g in excludes)]
    return sorted(found)


def incomplete_of(env_path, kind):
    if kind == "uv":
        return False
    return not any(os.path.lexists(os.path.join(env_path, a)) for a in ACTIVATORS)

ENV_PROBE = r"""
import sys, os, json, platform
def hx(p):
    return os.fsencode(p).hex() if p else None
print(json.dumps({"prefix": hx(sys.prefix), "version": platform.python_version(),
                  "impl": platform.python_implementation(),
                  "base_executable": hx(getattr(sys, "_base_executable", None)),
                  "path": [hx(p) for p in sys.path]}))
"""


class TruthError(Exception):
    pass


def parse_cfg(path):
    """pyvenv.cfg as CPython 3.11+ reads it: split at the first '=', key and
    value trimmed; lines without '=' ignored. Returns [(key, value)]."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "surrogateescape")
    out = []
    for line in text.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out.append((k.strip(), v.strip()))
    return out


def cfg_dict(pairs):
    d = {}
    for k, v in pairs:
        d.setdefault(k.lower(), v)
    return d


def run_env_python(env_path, timeout=60):
    """Runs ENV/bin/python; returns its report or raises TruthError."""
    py = os.path.join(env_path, "bin", "python")
    try:
        p = subprocess.run([os.fsencode(py), "-B", "-E", "-s", "-c", ENV_PROBE],
                           env=clean_environ({"PYTHONDONTWRITEBYTECODE": "1"}),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as e:
        raise TruthError("cannot run %r: %s" % (py, e))
    if p.returncode != 0:
        raise TruthError("%r exited %d: %s" % (py, p.returncode, p.stderr.decode(errors="replace")[-300:]))
    d = json.loads(p.stdout.decode())
    unhex = lambda h: os.fsdecode(bytes.fromhex(h)) if h else None
    d["prefix"] = unhex(d["prefix"])
    d["base_executable"] = unhex(d["base_executable"])
    d["path"] = [unhex(x) for x in d["path"]]
    return d


def du_bytes(path, *opts):
    p = subprocess.run(["du", "-s"] + list(opts) + ["--", os.fsencode(path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_environ())
    if p.returncode != 0:
        raise TruthError("du %s failed: %s" % (" ".join(opts), p.stderr.decode(errors="replace")))
    return int(p.stdout.split(b"\t", 1)[0])


def space_of(*paths):
    """(disk, freeable) bytes of the trees at `paths` together, by os.lstat
    of every path on each one's filesystem: a directory's blocks always
    count; a file's or symlink's count once (as du), and are freeable when
    as many of its links lie inside the trees as st_nlink says."""
    disk = freeable = 0
    inos = {}
    for path in paths:
        top = os.lstat(path)
        disk += top.st_blocks * 512
        freeable += top.st_blocks * 512
        for d, dirs, files in os.walk(path):
            for n in list(dirs):
                st = os.lstat(os.path.join(d, n))
                if st.st_dev != top.st_dev:
                    dirs.remove(n)  # du -x: a mount point is left out
                    continue
                if not stat.S_ISDIR(st.st_mode):
                    files.append(n)  # a symlink to a folder: a file here
                    dirs.remove(n)
                    continue
                disk += st.st_blocks * 512
                freeable += st.st_blocks * 512
            for n in files:
                st = os.lstat(os.path.join(d, n))
                if st.st_dev != top.st_dev:
                    continue
                k = (st.st_dev, st.st_ino)
                if k in inos:
                    inos[k][0] += 1
                else:
                    inos[k] = [1, st.st_nlink, st.st_blocks * 512]
    for seen, nlink, blocks in inos.values():
        disk += blocks
        if seen >= nlink:
            freeable += blocks
    return disk, freeable


def linked_of(tree, envs):
    """Bytes of the files of `tree` (on its filesystem, each inode once)
    that have a link inside one of the trees `envs` too: what stays on disk
    when `tree` goes, because those envs use it (a cache's linked_bytes)."""
    def inodes(top):
        dev = os.lstat(top).st_dev
        out = {}
        for d, dirs, files in os.walk(top):
            for n in dirs + files:
                st = os.lstat(os.path.join(d, n))
                if st.st_dev == dev and not stat.S_ISDIR(st.st_mode) and st.st_nlink > 1:
                    out[(st.st_dev, st.st_ino)] = st.st_blocks * 512
        return out
    mine = inodes(tree)
    theirs = set()
    for e in envs:
        theirs.update(inodes(e))
    return sum(b for k, b in mine.items() if k in theirs)


def sharing_of(paths):
    """{path: sorted other paths holding a link of one of its files}, by
    os.lstat of every non-directory (a hard-linked symlink counts too)."""
    owners = {}
    for path in paths:
        dev = os.lstat(path).st_dev
        for d, dirs, files in os.walk(path):
            for n in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
                st = os.lstat(os.path.join(d, n))
                if st.st_nlink > 1 and st.st_dev == dev:
                    owners.setdefault((st.st_dev, st.st_ino), set()).add(path)
    out = {p: set() for p in paths}
    for group in owners.values():
        for p in group:
            out[p] |= group - {p}
    return {p: sorted(s) for p, s in out.items()}


def space_keys(path):
    """The JSON freeable_bytes, shared_bytes and shared of the env at `path`."""
    disk, free = space_of(path)
    return {"freeable_bytes": free, "shared_bytes": disk - free, "shared": (disk - free) * 2 > disk}


def count_files(path):
    p = subprocess.run(["find", os.fsencode(path), "!", "-type", "d", "-print0"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise TruthError("find failed: %s" % p.stderr.decode(errors="replace"))
    return p.stdout.count(b"\0")


def interpreter(env_path):
    for rel in ("bin/python", "bin/python3", "Scripts/python.exe"):
        p = os.path.join(env_path, rel)
        if os.path.lexists(p):
            return p
    return None


def link_kind(interp):
    if interp is None:
        return "missing"
    st = os.lstat(interp)
    if stat.S_ISLNK(st.st_mode):
        return "symlink"
    if stat.S_ISREG(st.st_mode):
        return "copy"
    return "missing"


def site_dirs_from_layout(env_path):
    """site-packages folders found on disk (used when the env's python cannot
    run); lib64 -> lib counted once."""
    out, seen = [], set()
    for pat in ("lib/python*/site-packages", "lib64/python*/site-packages", "Lib/site-packages",
                "lib/pypy*/site-packages", "site-packages"):
        for d in sorted(glob.glob(os.path.join(glob.escape(env_path), pat))):
            if os.path.isdir(d) and os.path.realpath(d) not in seen:
                seen.add(os.path.realpath(d))
                out.append(d)
    return out


def site_dirs_from_python(env_path, report):
    """site-packages folders on the env python's sys.path that lie inside the
    env, written as reached from env_path."""
    real_env = os.path.realpath(env_path)
    out, seen = [], set()
    for p in report["path"]:
        if not p or os.path.basename(p.rstrip("/")) not in ("site-packages", "dist-packages"):
            continue
        rp = os.path.realpath(p)
        if not (rp + "/").startswith(real_env + "/") or rp in seen or not os.path.isdir(rp):
            continue
        seen.add(rp)
        rel = os.path.relpath(rp, real_env)
        out.append(os.path.join(env_path, rel))
    return out


def distributions(site_dirs):
    """[(name, version, site_dir)] by importlib.metadata."""
    if imd is None:
        raise TruthError("the suite needs Python 3.8+ for importlib.metadata")
    out = []
    for d in site_dirs:
        for dist in imd.distributions(path=[d]):
            out.append((dist.metadata["Name"], dist.version, d))
    return out


def last_modified(env_path, site_dirs):
    ts = [os.stat(os.path.join(env_path, "pyvenv.cfg")).st_mtime]
    for d in site_dirs:
        ts.append(os.stat(d).st_mtime)
        with os.scandir(d) as it:
            for e in it:
                ts.append(e.stat(follow_symlinks=False).st_mtime)
    return int(max(ts) // 1)


def project_of(env_path, manager=None):
    p = story_truth.project_of(env_path, manager)
    if p:
        return p
    parent = os.path.dirname(env_path)
    # tox and nox: the folder holding .tox / .nox (issue 16).
    if os.path.basename(parent) in (".tox", ".nox"):
        return os.path.dirname(parent)
    for m in MARKERS:
        if os.path.lexists(os.path.join(parent, m)):
            return parent
    if glob.glob(os.path.join(glob.escape(parent), "requirements*.txt")):
        return parent
    return None


_GIT_HOME = []


def git_of(env_path):
    """(git, git_repo, git_rule) as git itself says from the env's folder:
    no-repo, tracked (`git ls-files .`), else `git check-ignore -q
    pyvenv.cfg`; the rule from `git check-ignore -v --no-index` (as
    "FILE:LINE: PATTERN"). Run with an empty HOME, as venvscope is here."""
    if not _GIT_HOME:
        import tempfile
        _GIT_HOME.append(tempfile.mkdtemp(prefix="venvscope-git-home-"))
    env = {k: v for k, v in clean_environ({"HOME": _GIT_HOME[0], "XDG_CONFIG_HOME": None}).items()
           if not k.startswith("GIT_")}

    def git(*args):
        return subprocess.run(["git", "-C", os.fsencode(env_path)] + list(args), env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    top = git("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        if b"dubious ownership" in top.stderr:
            return None, None, None
        return "no-repo", None, None
    repo = os.fsdecode(top.stdout.rstrip(b"\n"))
    rule = None
    v = git("check-ignore", "-v", "--no-index", "pyvenv.cfg")
    m = re.match(rb"^(.*):(\d+):(.*)\t", v.stdout)
    if v.returncode == 0 and m and not m.group(3).startswith(b"!"):
        rule = "%s:%s: %s" % (os.fsdecode(m.group(1)), m.group(2).decode(), os.fsdecode(m.group(3)))
    if git("ls-files", "--", ".").stdout:
        return "tracked", repo, rule
    ignored = git("check-ignore", "-q", "pyvenv.cfg").returncode == 0
    return ("ignored" if ignored else "not-ignored"), repo, rule if ignored else None


def prompt_of(cfg):
    v = cfg.get("prompt")
    if v is None:
        return None
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        return ast.literal_eval(v)
    return v


def base_python_of(env_path, interp, link, cfg):
    if link == "symlink":
        return os.path.realpath(interp)
    if cfg.get("executable"):
        return os.path.realpath(cfg["executable"])
    if cfg.get("home"):
        name = os.path.basename(interp) if interp else "python"
        return os.path.realpath(os.path.join(cfg["home"], name))
    return None


_PROCS = []


def _proc_paths():
    """{pid: paths} of every process readable now (not this one): exe,
    cwd, argv[0] made absolute (its folder resolved, the last link kept),
    the file paths of maps. Taken once per run (the fixtures hold no
    process; a test of its own checks a held env)."""
    if _PROCS:
        return _PROCS[0]
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        paths = set()
        base = "/proc/" + d
        try:
            with open(base + "/cmdline", "rb") as f:
                argv0 = f.read().split(b"\0")[0].decode(errors="surrogateescape")
        except OSError:
            continue
        cwd = None
        for what in ("exe", "cwd"):
            try:
                paths.add(os.readlink(base + "/" + what))
            except OSError:
                pass
        try:
            cwd = os.readlink(base + "/cwd")
        except OSError:
            pass
        if "/" in argv0 and (argv0.startswith("/") or cwd):
            a = os.path.join(cwd or "/", argv0)
            paths.add(os.path.join(os.path.realpath(os.path.dirname(a)), os.path.basename(a)))
        try:
            with open(base + "/maps", errors="surrogateescape") as f:
                for line in f:
                    i = line.find("/")
                    if i >= 0:
                        paths.add(line[i:].rstrip("\n"))
        except OSError:
            pass
        out[int(d)] = paths
    _PROCS.append(out)
    return out


# The suite's own process: the e2e runner sets it before any test starts,
# so that forked workers know it too.
SUITE_PID = int(os.environ.setdefault("VS_E2E_SUITE_PID", str(os.getpid())))


def _transient(pid):
    """A process that is gone, or one the suite itself started (a test
    running a fixture env's python while another test lists it): neither
    holds an env for the in_use comparison. Held envs have their own test."""
    while pid > 1:
        if pid == SUITE_PID:
            return True
        try:
            with open("/proc/%d/stat" % pid, "rb") as f:
                st = f.read()
        except OSError:
            return True
        try:
            pid = int(st[st.rindex(b")") + 2:].split()[1])
        except (ValueError, IndexError):
            return False
    return False


class InUse(Matcher):
    """The pids using an env, as a list: equal to the truth once the suite's
    own short-lived children and ended processes are left out on both
    sides (they come and go between the two looks at /proc)."""

    def __init__(self, pids):
        self.pids = sorted(pids)

    def matches(self, v):
        if not isinstance(v, list) or not all(isinstance(p, int) for p in v):
            return False
        return sorted(p for p in v if not _transient(p)) == \
            sorted(p for p in self.pids if not _transient(p))

    def __bool__(self):
        """Whether some process that is not the suite's own holds it."""
        return any(not _transient(p) for p in self.pids)

    def __repr__(self):
        return repr(self.pids)


def in_use_of(env_path):
    env = os.path.realpath(env_path)
    return InUse(pid for pid, paths in _proc_paths().items()
                 if any(p == env or p.startswith(env + "/") for p in paths))


def pipx_app_of(env_path, manager):
    if manager != "pipx":
        return None
    try:
        with open(os.path.join(env_path, "pipx_metadata.json"), encoding="utf-8") as f:
            p = json.load(f)["main_package"]["package"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return p if isinstance(p, str) and p else None


def cfg_version(cfg, env_path):
    """The version venvscope reads: pyvenv.cfg's version, version_info, else
    the env's lib/pythonX.Y."""
    if cfg.get("version"):
        return cfg["version"]
    if cfg.get("version_info"):
        return ".".join(cfg["version_info"].split(".")[:3])
    for n in sorted(os.listdir(os.path.join(env_path, "lib"))) if os.path.isdir(os.path.join(env_path, "lib")) else []:
        if re.match(r"python\d", n):
            return n[6:]
    return None


def compute(env_path, runnable=True, manager=None, stale_days=90, now=None):
    """Every list field of the env at env_path (as reached from the root).
    runnable: the env's python must run (and is asked); False: derive
    version and site-packages from pyvenv.cfg and the layout."""
    pairs = parse_cfg(os.path.join(env_path, "pyvenv.cfg"))
    cfg = cfg_dict(pairs)
    interp = interpreter(env_path)
    link = link_kind(interp)
    notes = []
    if runnable:
        rep = run_env_python(env_path)
        if os.path.realpath(rep["prefix"]) != os.path.realpath(env_path):
            raise TruthError("sys.prefix of %r is %r" % (env_path, rep["prefix"]))
        version, impl = rep["version"], rep["impl"]
        sites = site_dirs_from_python(env_path, rep)
        if cfg.get("version") and cfg["version"] != version:
            notes.append("pyvenv.cfg version %s != interpreter %s" % (cfg["version"], version))
    else:
        rep = None
        version = cfg.get("version")
        if not version and cfg.get("version_info"):
            version = ".".join(cfg["version_info"].split(".")[:3])
        impl = cfg.get("implementation", "CPython")
        sites = site_dirs_from_layout(env_path)
    base = base_python_of(env_path, interp, link, cfg)
    if rep and rep["base_executable"] and link == "symlink":
        # Independent check of the derivation: what the interpreter thinks.
        be = os.path.realpath(rep["base_executable"])
        if not be.startswith(os.path.realpath(env_path) + "/") and be != base:
            notes.append("sys._base_executable resolves to %s, derived %s" % (be, base))
    home = cfg.get("home")
    chain_ok = interp is not None and os.path.isfile(os.path.realpath(interp))
    broken = (not chain_ok) or (home is not None and not os.path.isdir(home))
    dists = distributions(sites)
    pip = [v for (n, v, _) in dists if n and n.lower() == "pip"]
    ssp = cfg.get("include-system-site-packages")
    lm = last_modified(env_path, sites)
    now = time.time() if now is None else now
    kind = "uv" if "uv" in cfg else "virtualenv" if "virtualenv" in cfg else "venv"
    incomplete = incomplete_of(env_path, kind)
    problems = []
    if broken:
        problems = [home if home and not os.path.isdir(home) else None,
                    base if base and not os.path.isfile(base) else None]
    if incomplete:
        problems.append("venvscope delete")
    t = {
        "path": env_path,
        "name": os.path.basename(env_path),
        "kind": kind,
        "manager": manager,
        "python_version": version,
        "implementation": impl,
        "home": home,
        "base_python": base,
        "base_exists": bool(base) and os.path.isfile(base),
        "broken": broken,
        "incomplete": incomplete,
        "problems": nonempty_sentences(problems) if broken or incomplete else [],
        "link": link,
        "system_site_packages": None if ssp is None else ssp.lower() == "true",
        "prompt": prompt_of(cfg),
        "site_packages": sites,
        "package_count": len(dists),
        "has_pip": bool(pip),
        "pip_version": pip[0] if pip else None,
        "size_bytes": du_bytes(env_path, "-b"),
        "disk_bytes": du_bytes(env_path, "--block-size=1"),
        **space_keys(env_path),
        # Filled for the whole fixture set by run.py (truth.sharing_of);
        # show scans one env, so it cannot know (None there).
        "shared_with": [],
        "shared_with_count": 0,
        "files": count_files(env_path),
        "last_modified": lm,
        "stale": lm < now - stale_days * 86400,
        "project": project_of(env_path, manager),
        "in_use": in_use_of(env_path),
        "manager_role": "shared" if manager == "pipx" and os.path.basename(env_path) == "shared" else None,
        "app": pipx_app_of(env_path, manager),
    }
    story, words = story_truth.story_keys(env_path, cfg, manager, cfg_version(cfg, env_path),
                                          base, t["base_exists"], t["project"])
    t.update(story)
    if words and not (broken or incomplete):
        t["problems"] = nonempty_sentences(words)
    t["git"], t["git_repo"], rule = git_of(env_path)
    return t, {"cfg": pairs, "dists": dists, "notes": notes, "git_rule": rule}
