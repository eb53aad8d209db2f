"""Finds the machine's Pythons: `python3` on PATH, /usr/bin/python3.*, and
$PYENV_ROOT (or ~/.pyenv)/versions/*/bin/python. Each real interpreter is kept
once (by resolved path); those without the venv module are skipped."""

import glob
import json
import os
import re
import shutil
import subprocess

from harness import clean_environ

PROBE = r"""
import sys, os, json, platform
d = {"version": platform.python_version(), "impl": platform.python_implementation(),
     "executable": sys.executable, "real": os.path.realpath(sys.executable), "venv": False,
     "ensurepip": False, "virtualenv": False}
try:
    import venv
    d["venv"] = True
except ImportError:
    pass
try:
    import ensurepip
    d["ensurepip"] = bool(ensurepip.version())
except Exception:
    pass
try:
    import virtualenv
    d["virtualenv"] = True
except Exception:
    pass
print(json.dumps(d))
"""


class Python:
    def __init__(self, exe, info, source):
        self.exe = exe            # path used to run it (and that venvs link to)
        self.version = info["version"]
        self.impl = info["impl"]
        self.real = info["real"]
        self.ensurepip = info["ensurepip"]
        self.virtualenv = info["virtualenv"]
        self.source = source
        self.on_path = source == "PATH"
        self.label = "%s-%s" % (self.impl.lower(), self.version)

    @property
    def vtuple(self):
        return tuple(int(x) for x in re.findall(r"\d+", self.version)[:3])

    def __repr__(self):
        return "%s (%s)" % (self.label, self.exe)


def _probe(exe, env):
    try:
        p = subprocess.run([exe, "-c", PROBE], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    if p.returncode != 0:
        return None, p.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or "failed"
    return json.loads(p.stdout.decode()), None


def discover(tmp_home):
    """Returns (pythons, skipped) where skipped is a list of (path, reason)."""
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    cands = []
    cands += [(p, "pyenv") for p in sorted(glob.glob(os.path.join(pyenv_root, "versions", "*", "bin", "python")))]
    cands += [(p, "system") for p in sorted(glob.glob("/usr/bin/python3.*")) if re.search(r"/python3\.\d+$", p)]
    onpath = shutil.which("python3")
    if onpath:
        cands.append((onpath, "PATH"))
    # The pyenv shim needs PYENV_ROOT to find its version; HOME is a temp
    # folder so nothing is written to the real one.
    env = clean_environ({"HOME": tmp_home, "PYENV_ROOT": pyenv_root})
    found, skipped, seen = [], [], set()
    for exe, source in cands:
        info, err = _probe(exe, env)
        if info is None:
            skipped.append((exe, "does not run: %s" % err))
            continue
        if not info["venv"]:
            skipped.append((exe, "Python %s has no venv module" % info["version"]))
            continue
        if info["real"] in seen:
            if source == "PATH":
                for py in found:
                    if py.real == info["real"]:
                        py.on_path = True
            continue
        seen.add(info["real"])
        # Use a stable path that is not a shim: for PATH's python3 take the
        # interpreter it really runs.
        use = info["executable"] if source == "PATH" else exe
        found.append(Python(use, info, source))
    labels = {}
    for py in found:
        n = labels.get(py.label, 0)
        labels[py.label] = n + 1
        if n:
            py.label += "-%d" % (n + 1)
    found.sort(key=lambda p: p.vtuple)
    return found, skipped


def pick_pip(pythons):
    """Pythons that get a default env with pip (ensurepip takes seconds per
    env): the oldest, the newest, the system ones and python3 on PATH; all of
    them with E2E_ALL_PIP=1."""
    if os.environ.get("E2E_ALL_PIP") == "1":
        return list(pythons)
    keep = {id(pythons[0]), id(pythons[-1])}
    keep |= {id(p) for p in pythons if p.source == "system" or p.on_path}
    return [p for p in pythons if id(p) in keep]


def pick_fast(pythons):
    """The interpreter used for the many cheap --without-pip envs."""
    for py in pythons:
        if py.exe == "/usr/bin/python3" or py.source == "system":
            return py
    return pythons[-1]
