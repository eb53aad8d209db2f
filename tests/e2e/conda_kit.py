"""conda prefixes made the way conda lays them out (issue 16): conda-meta
with a history (`==> date <==` blocks, `# cmd:` lines, `+channel::dist`
lines) and one JSON record per package holding every key conda writes
(name, version, build, build_number, channel, url, md5, sha256, fn,
subdir, files, paths_data, depends, constrains, link ...), a real
interpreter linked in (bin/python3.11 -> /usr/bin/python3.11, bin/python
-> python3.11, lib/python3.11 holding a site-packages), the conda
packages' dist-info folders and a dist installed by the real pip from a
local wheel."""

import hashlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tests_actions  # noqa: E402

PY = "/usr/bin/python3.11"
PIP_WHEEL = "/usr/share/python-wheels"


def pip_wheel():
    for n in sorted(os.listdir(PIP_WHEEL)) if os.path.isdir(PIP_WHEEL) else []:
        if n.startswith("pip-") and n.endswith(".whl"):
            return os.path.join(PIP_WHEEL, n)
    return None


def make_wheel(folder, name, version):
    """A minimal pure-Python wheel in `folder` (made if need be): the
    suite's one wheel maker, tests_actions.make_wheel."""
    os.makedirs(folder, exist_ok=True)
    return tests_actions.make_wheel(folder, name, version)


# (name, version, build, channel URL without subdir, subdir, python package?)
PACKAGES = [
    ("_libgcc_mutex", "0.1", "main", "https://repo.anaconda.com/pkgs/main", "linux-64", False),
    ("ca-certificates", "2023.08.22", "h06a4308_0", "https://repo.anaconda.com/pkgs/main", "linux-64", False),
    ("python", "3.11.5", "h955ad1f_0", "https://repo.anaconda.com/pkgs/main", "linux-64", False),
    ("six", "1.16.0", "pyhd8ed1ab_0", "https://conda.anaconda.org/conda-forge", "noarch", True),
    ("pip", "23.2.1", "py311h06a4308_0", "https://repo.anaconda.com/pkgs/main", "linux-64", True),
]


def record(prefix, name, version, build, chan, subdir, pydist, number=0):
    fn = "%s-%s-%s.conda" % (name, version, build)
    md5 = hashlib.md5(fn.encode()).hexdigest()
    files = []
    if pydist:
        di = "lib/python3.11/site-packages/%s-%s.dist-info" % (name, version)
        files = [di + "/INSTALLER", di + "/METADATA", di + "/RECORD",
                 "lib/python3.11/site-packages/%s.py" % name]
    elif name == "python":
        files = ["bin/python", "bin/python3.11", "lib/python3.11/os.py"]
    pkgs = os.path.join(os.path.dirname(os.path.dirname(prefix)), "pkgs")
    return {
        "arch": None if subdir == "noarch" else "x86_64",
        "build": build,
        "build_number": number,
        "channel": "%s/%s" % (chan, subdir),
        "constrains": [],
        "depends": ["python >=3.11,<3.12.0a0"] if pydist else [],
        "extracted_package_dir": os.path.join(pkgs, fn[:-6]),
        "features": "",
        "files": files,
        "fn": fn,
        "license": "MIT",
        "link": {"source": os.path.join(pkgs, fn[:-6]), "type": 1},
        "md5": md5,
        "name": name,
        "package_tarball_full_path": os.path.join(pkgs, fn),
        "paths_data": {"paths": [{"_path": f, "path_type": "hardlink", "sha256": hashlib.sha256(f.encode()).hexdigest(),
                                  "size_in_bytes": 10} for f in files], "paths_version": 1},
        "platform": None if subdir == "noarch" else "linux",
        "requested_spec": "",
        "sha256": hashlib.sha256(fn.encode()).hexdigest(),
        "size": 1000 + len(name),
        "subdir": subdir,
        "timestamp": 1693000000000,
        "track_features": "",
        "url": "%s/%s/%s" % (chan, subdir, fn),
        "version": version,
    }


def history(cmd, packages):
    lines = ["==> 2026-11-30 09:12:44 <==", "# cmd: " + cmd, "# conda version: 23.9.0"]
    for p in packages:
        lines.append("+%s::%s-%s-%s" % (p[3].rsplit("/", 1)[-1], p[0], p[1], p[2]))
    lines.append("# update specs: ['python=3.11', 'six']")
    return "\n".join(lines) + "\n"


def make_prefix(prefix, cmd, packages=PACKAGES, pip_dists=(("tinydist", "0.3"),), wheels=None, pixi=False):
    """A conda prefix at `prefix`; returns the records written, by name."""
    meta = os.path.join(prefix, "conda-meta")
    os.makedirs(meta, exist_ok=True)
    if pixi:
        with open(os.path.join(meta, "pixi"), "w") as f:
            f.write(json.dumps({"manifest_path": "pixi.toml", "environment_name": "default"}))
    with open(os.path.join(meta, "history"), "w") as f:
        f.write(history(cmd, packages))
    recs = {}
    sp = os.path.join(prefix, "lib", "python3.11", "site-packages")
    os.makedirs(sp, exist_ok=True)
    os.makedirs(os.path.join(prefix, "bin"), exist_ok=True)
    for p in packages:
        r = record(prefix, *p)
        recs[p[0]] = r
        with open(os.path.join(meta, "%s-%s-%s.json" % (p[0], p[1], p[2])), "w") as f:
            json.dump(r, f, indent=2, sort_keys=True)
        if p[5]:
            di = os.path.join(sp, "%s-%s.dist-info" % (p[0], p[1]))
            os.makedirs(di, exist_ok=True)
            with open(os.path.join(di, "METADATA"), "w") as f:
                f.write("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (p[0], p[1]))
            with open(os.path.join(di, "INSTALLER"), "w") as f:
                f.write("conda\n")
            with open(os.path.join(di, "RECORD"), "w") as f:
                f.write("")
    if "python" in recs:
        os.symlink(PY, os.path.join(prefix, "bin", "python3.11"))
        os.symlink("python3.11", os.path.join(prefix, "bin", "python"))
    whl = pip_wheel()
    for name, version in pip_dists:
        w = make_wheel(wheels or os.path.join(prefix, "..", ".wheels"), name, version)
        p = subprocess.run([PY, os.path.join(whl, "pip"), "install", "--quiet", "--no-index", "--no-deps",
                            "--disable-pip-version-check", "--no-compile", "--target", sp, w],
                           env={"PATH": "/usr/bin:/bin", "HOME": os.path.dirname(prefix)},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise RuntimeError("pip install %s: %s" % (w, p.stderr.decode()[-400:]))
    return recs


if __name__ == "__main__":
    # conda_kit.py PREFIX CMD [WHEELS]: scripts/screenshots.sh's conda env.
    make_prefix(sys.argv[1], sys.argv[2], wheels=sys.argv[3] if len(sys.argv) > 3 else None)
