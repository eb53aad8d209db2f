"""The recipe a delete keeps, and `venvscope recreate`: a real env with pip
(>= 23, from ensurepip) and three wheels written here with zipfile,
installed with --no-index --find-links; after `delete --yes` the record's
requirements.txt equals the env's `pip freeze`, its pyvenv.cfg is a byte
copy, `deleted --json` says what the env was, and `recreate` brings back
the same env (options and pip freeze) from those wheels, or says in words
that no index could be reached. And --trash: the freedesktop trash, its
.trashinfo, a second env of the same name."""

import base64
import hashlib
import json
import os
import re
import shutil
import time
import urllib.parse
import zipfile

from harness import Group
from tests_delete import (PYVENV, du_bytes, expect_rc, make_venv, must, py_says, records_in, sandbox, sh,
                          site_packages, snap_diff, snapshot, template_env, text, workdir)


# ------------------------------------------------------------ record and recreate

def wheel(folder, name, version, requires=()):
    """A pure-Python wheel written with zipfile (no build tools, no index)."""
    esc = re.sub(r"[-.]+", "_", name)
    di = "%s-%s.dist-info" % (esc, version)
    meta = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)
    meta += "".join("Requires-Dist: %s\n" % r for r in requires)
    files = {"%s/__init__.py" % esc.lower(): "VERSION = %r\n" % version, di + "/METADATA": meta,
             di + "/WHEEL": "Wheel-Version: 1.0\nGenerator: venvscope-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    rec = []
    for p, t in files.items():
        h = base64.urlsafe_b64encode(hashlib.sha256(t.encode()).digest()).rstrip(b"=").decode()
        rec.append("%s,sha256=%s,%d" % (p, h, len(t.encode())))
    files[di + "/RECORD"] = "\n".join(rec + [di + "/RECORD,,"]) + "\n"
    path = os.path.join(folder, "%s-%s-py3-none-any.whl" % (esc, version))
    with zipfile.ZipFile(path, "w") as z:
        for p, t in files.items():
            z.writestr(p, t)
    return path


def pip_python(ctx, home):
    """The newest Python whose ensurepip bundles pip >= 23, or None."""
    for py in sorted(ctx.fx.pythons, key=lambda p: p.vtuple, reverse=True):
        if not py.ensurepip:
            continue
        v = py_says(py.exe, "import ensurepip; print(ensurepip.version())", home) or ""
        if re.match(r"^\d+", v) and int(v.split(".")[0]) >= 23:
            return py
    return None


def read_cfg(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                k, v = line.split("=", 1)
                out[k.strip()] = v.strip()
    return out


def options_of(env):
    """What recreate must bring back: pyvenv.cfg's keys without paths, the
    flags of its command, symlink or copy, bin/activate (prompt and path)."""
    cfg = read_cfg(os.path.join(env, PYVENV))
    keys = {k: v for k, v in cfg.items() if k not in ("home", "executable", "command")}
    flags = sorted(w for w in cfg.get("command", "").split() if w.startswith("--"))
    with open(os.path.join(env, "bin", "activate"), encoding="utf-8") as f:
        act = f.read()
    return {"pyvenv.cfg": keys, "command flags": flags, "bin/python": "symlink" if os.path.islink(
        os.path.join(env, "bin", "python")) else "copy", "bin/activate": act}


def freeze(env, home):
    p = must(sh([os.path.join(env, "bin", "python"), "-m", "pip", "freeze"], home, timeout=120), "pip freeze")
    return p.stdout.decode()


def t_record(ctx):
    g = Group()
    base = workdir(ctx, "record")
    home, xdg = sandbox(base)
    pyhome = os.path.join(base, "pyhome")
    py = pip_python(ctx, pyhome)
    if py is None:
        g.skip("delete: the record and recreate", "no Python here bundles pip >= 23")
        return g
    wheels = os.path.join(base, "wheels")
    os.makedirs(wheels)
    wheel(wheels, "vsdel-alpha", "1.0")
    wheel(wheels, "VsDel_Beta", "2.3.post1", requires=["vsdel-alpha>=1.0"])
    wheel(wheels, "vsdel.gamma", "0.9rc1")
    env = os.path.join(base, "projects", "rec-env")
    opts = ["--copies", "--system-site-packages", "--prompt", "rec prompt"]
    make_venv(py, env, pyhome, *opts)
    # With --system-site-packages pip freeze also lists what the base
    # Python's own site-packages hold: on Debian, python3-* packages from
    # /usr/lib/python3/dist-packages, whose requirements (PyGObject needs
    # pycairo) pip cannot meet from the local wheels, so recreate could
    # not bring them back. Such a Python makes the env without the option.
    seen = freeze(env, pyhome)
    if seen:
        g.skip("delete: recreate keeps --system-site-packages",
               "the base Python %s has packages of its own (pip freeze lists %d, e.g. %s) that pip could not "
               "reinstall from local wheels; the env is made without the option"
               % (py.exe, len(seen.splitlines()), seen.splitlines()[0]))
        shutil.rmtree(env)
        opts.remove("--system-site-packages")
        make_venv(py, env, pyhome, *opts)
    must(sh([os.path.join(env, "bin", "python"), "-m", "pip", "install", "--no-index", "--find-links", wheels,
             "VsDel_Beta", "vsdel.gamma"], pyhome), "pip install from local wheels")
    frozen = freeze(env, pyhome)
    opts_before = options_of(env)
    with open(os.path.join(env, PYVENV), "rb") as f:
        cfg_bytes = f.read()
    size = du_bytes(env, "-b")
    dists = sorted(n for n in os.listdir(site_packages(env)) if n.endswith(".dist-info"))
    if len(frozen.splitlines()) != 3:
        g.fail("delete: the record (setup)", ["pip freeze printed %r, expected the 3 local wheels" % frozen])
        return g

    t0 = time.time()
    p = ctx.runner.run(["delete", "--yes", env], home=home, env=xdg)
    d = expect_rc(p, 0)
    if os.path.lexists(env):
        d.append("%s is still there" % env)
    recs = records_in(xdg["XDG_STATE_HOME"])
    if len(recs) != 1:
        g.check("delete: a record is written", d + ["records: %s, expected one" % recs])
        return g
    rec = os.path.join(xdg["XDG_STATE_HOME"], "venvscope", "deleted", recs[0])
    if not re.match(r"^\d{8}-\d{6}-rec-env$", recs[0]):
        d.append("record folder %r is not <YYYYmmdd-HHMMSS>-rec-env" % recs[0])
    if ("(recipe: %s)" % rec) not in text(p.out):
        d.append("stdout does not name the record %s: %r" % (rec, text(p.out)))
    g.check("delete: the env goes, its record is $XDG_STATE_HOME/venvscope/deleted/<date>-rec-env", d)

    d = []
    try:
        with open(os.path.join(rec, "requirements.txt"), encoding="utf-8") as f:
            reqs = f.read()
        with open(os.path.join(rec, PYVENV), "rb") as f:
            cfg_copy = f.read()
    except OSError as e:
        reqs, cfg_copy = None, None
        d.append(str(e))
    if reqs is not None and reqs != frozen:
        d.append("requirements.txt:\n%s  pip freeze printed:\n%s" % (reqs, frozen))
    if cfg_copy is not None and cfg_copy != cfg_bytes:
        d.append("pyvenv.cfg is not a byte copy: %r vs %r" % (cfg_copy, cfg_bytes))
    g.check("record: requirements.txt equals pip freeze before the delete, pyvenv.cfg a byte copy", d)

    p = ctx.runner.run(["deleted", "--json"], home=home, env=xdg)
    d = expect_rc(p, 0)
    try:
        rows = p.json()
    except ValueError as e:
        rows = None
        d.append(str(e))
    if rows is not None:
        want = {"record": rec, "path": env, "name": "rec-env", "python_version": py.version,
                "size_bytes": size, "package_count": len(dists)}
        if not isinstance(rows, list) or len(rows) != 1:
            d.append("expected one record, got %s" % json.dumps(rows)[:300])
        else:
            r = rows[0]
            for k, v in want.items():
                if r.get(k) != v:
                    d.append("%s: %r, expected %r" % (k, r.get(k), v))
            try:
                when = time.mktime(time.strptime(r.get("deleted") or "", "%Y-%m-%dT%H:%M:%S"))
                if not t0 - 2 <= when <= time.time() + 1:
                    d.append("deleted: %r is not the time of the delete" % r.get("deleted"))
            except ValueError:
                d.append("deleted: %r is not YYYY-mm-ddTHH:MM:SS" % r.get("deleted"))
            if not r.get("base_python") or os.path.realpath(r["base_python"]) != py.real:
                d.append("base_python %r does not resolve to %s" % (r.get("base_python"), py.real))
    g.check("deleted --json: path, name, python_version, size_bytes (du -sb), package_count, deleted, base_python", d)
    p = ctx.runner.run(["deleted"], home=home, env=xdg)
    d = expect_rc(p, 0)
    if env not in text(p.out) or rec not in text(p.out):
        d.append("the list does not name %s and its record: %r" % (env, text(p.out)))
    g.check("deleted (text) lists the env's path and its record", d)

    # recreate from local wheels, with the same options and packages.
    p = ctx.runner.run(["recreate", rec], home=home, timeout=300,
                       env=dict(xdg, PIP_FIND_LINKS=wheels, PIP_NO_INDEX="1"))
    d = expect_rc(p, 0)
    if not d:
        after = options_of(env)
        for k in after:
            if after[k] != opts_before[k]:
                d.append("%s: %r, before the delete %r" % (k, after[k], opts_before[k]))
        got = freeze(env, pyhome)
        if got != frozen:
            d.append("pip freeze now:\n%s  before:\n%s" % (got, frozen))
        says = py_says(os.path.join(env, "bin", "python"), "import sys; print(sys.prefix)", pyhome)
        if says != env:
            d.append("the env's python says sys.prefix = %r" % says)
    g.check("recreate RECORD (PIP_FIND_LINKS=wheels PIP_NO_INDEX=1): the env is back at its path with the same "
            "options (%s) and pip freeze" % " ".join(opts), d)

    # Deleted again, then recreated where no index answers. Two records
    # with packages for one path: the path is ambiguous (tests_delete_hard
    # checks that), so the newest record is named.
    p = ctx.runner.run(["delete", "--yes", env], home=home, env=xdg)
    d = expect_rc(p, 0)
    if len(records_in(xdg["XDG_STATE_HOME"])) != 2:
        d.append("records after the second delete: %s" % records_in(xdg["XDG_STATE_HOME"]))
    g.check("delete the recreated env: a second record", d)
    newest = ctx.runner.run(["deleted", "--json"], home=home, env=xdg).json()[0]["record"]
    p = ctx.runner.run(["recreate", newest], home=home, timeout=300, env=dict(xdg, PIP_RETRIES="0"))
    d = expect_rc(p, 1)
    if "package index could not be reached" not in p.err_text or "pip install -r" not in p.err_text:
        d.append("stderr does not say the index could not be reached and how to install later: %r"
                 % p.err_text[-600:])
    g.check("recreate RECORD with no index reachable: exit 1, says the index could not be reached and how to "
            "install later", d)
    return g


# ------------------------------------------------------------ trash

def parse_trashinfo(path):
    """{key: value} of a .trashinfo; raises ValueError when it is not one."""
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8").splitlines()
    if not lines or lines[0] != "[Trash Info]":
        raise ValueError("%s: first line %r, not [Trash Info]" % (path, lines[:1]))
    out = {}
    for l in lines[1:]:
        if "=" not in l:
            raise ValueError("%s: line %r is not KEY=VALUE" % (path, l))
        k, v = l.split("=", 1)
        out[k] = v
    return out


def t_trash(ctx):
    g = Group()
    base = workdir(ctx, "trash")
    home, xdg = sandbox(base)
    tpl = template_env(ctx, base)
    trash = os.path.join(xdg["XDG_DATA_HOME"], "Trash")
    envs = [os.path.join(base, "first place", "my env %é"), os.path.join(base, "second", "my env %é")]
    taken = []
    for i, env in enumerate(envs):
        title = ("delete --trash: the env lands in $XDG_DATA_HOME/Trash/files/NAME (same inode, same tree), "
                 "info/NAME.trashinfo parses" if i == 0 else
                 "delete --trash of a second env with the same name: a new name, the first left alone")
        shutil.copytree(tpl, env, symlinks=True)
        snap, ino = snapshot(env), os.lstat(env).st_ino
        first_snap = snapshot(os.path.join(trash, "files", taken[0])) if taken else None
        t0 = time.time()
        p = ctx.runner.run(["delete", "--yes", "--trash", env], home=home, env=xdg)
        t1 = time.time()
        d = expect_rc(p, 0)
        if os.path.lexists(env):
            d.append("%s is still there" % env)
        files = os.path.join(trash, "files")
        new = sorted(set(os.listdir(files)) - set(taken)) if os.path.isdir(files) else []
        if len(new) != 1:
            g.check(title, d + ["Trash/files holds %s; expected one new entry besides %s" % (
                sorted(os.listdir(files)) if os.path.isdir(files) else "nothing", taken)])
            continue
        name = new[0]
        taken.append(name)
        moved = os.path.join(files, name)
        if i == 0 and name != os.path.basename(env):
            d.append("the trash name is %r, expected %r (no clash yet)" % (name, os.path.basename(env)))
        if i == 1 and name == os.path.basename(env):
            d.append("the second env took the first one's name")
        if os.lstat(moved).st_ino != ino:
            d.append("files/%s is not the env's folder (inode %d, was %d): copied, not renamed" % (name, os.lstat(moved).st_ino, ino))
        d += snap_diff("files/" + name, {k: v for k, v in snap.items() if k != "."},
                       {k: v for k, v in snapshot(moved).items() if k != "."})
        if first_snap is not None:
            d += snap_diff("files/" + taken[0], first_snap, snapshot(os.path.join(files, taken[0])))
        if ("now at %s" % moved) not in text(p.out):
            d.append("stdout does not say 'now at %s': %r" % (moved, text(p.out)))
        try:
            info = parse_trashinfo(os.path.join(trash, "info", name + ".trashinfo"))
        except (OSError, ValueError) as e:
            g.check(title, d + [str(e)])
            continue
        path = urllib.parse.unquote_to_bytes(info.get("Path", ""))
        if path != os.fsencode(env):
            d.append("Path=%r decodes to %r, expected %r" % (info.get("Path"), path, os.fsencode(env)))
        if re.search(r"[^A-Za-z0-9%/._~-]", info.get("Path", "")):
            d.append("Path=%r is not percent-encoded" % info.get("Path"))
        date = info.get("DeletionDate", "")
        if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", date):
            d.append("DeletionDate=%r is not YYYY-MM-DDThh:mm:ss" % date)
        else:
            when = time.mktime(time.strptime(date, "%Y-%m-%dT%H:%M:%S"))
            if not t0 - 2 <= when <= t1 + 1:
                d.append("DeletionDate=%s is not the local time of the delete" % date)
        if sorted(info) != ["DeletionDate", "Path"]:
            d.append("keys %s, expected Path and DeletionDate" % sorted(info))
        g.check(title, d)
    recs = records_in(xdg["XDG_STATE_HOME"])
    g.check("delete --trash keeps a record of each env too",
            [] if len(recs) == 2 else ["records: %s, expected 2" % recs])
    return g
