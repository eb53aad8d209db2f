"""Shared caches (issue 14): `venvscope caches [--json]` finds the caches
that exist where each tool looks, sizes them, and `caches --clean TOOL`
cleans one, on real caches made here in a temp HOME:

- a real pip wheel cache: `python3 -m pip wheel --no-build-isolation
  --no-index` of a tiny sdist built here (its PEP 517 backend is in the
  sdist, so no setuptools or wheel is needed), so pip caches the built
  wheel under wheels/;
- a real virtualenv app-data folder (/usr/bin/virtualenv run with HOME and
  XDG_DATA_HOME in the temp dir);
- a fake uv cache ($UV_CACHE_DIR, outside HOME) with half its files
  hard-linked into an env under the scanned root and one linked elsewhere;
- a poetry cache with a virtualenvs folder (left out);
- a hatch cache folder that is a symlink to a folder elsewhere.

Truth: du -sb, du -s --block-size=1, truth.space_of (lstat, links against
st_nlink) and truth.linked_of (inodes of the cache also linked in the
envs). Cleaning: pip's own `pip cache purge` (no .whl left, the 'freed'
figure == lstat truth), and safe removal (virtualenv's app-data, the uv
cache when uv is not installed) inside the guard's mount namespace on a
private tmpfs, where statvfs's free bytes must grow by exactly the figure
said and the env's hard-linked files stay whole. The symlinked cache is
listed, flagged, and --clean refuses it, its target untouched."""

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile

from browser_kit import human_size, session, start, status_has
from harness import NOBODY, Group, clean_environ, fresh_dir
from tests_delete import ns_script
from truth import du_bytes, linked_of, space_of
from tty import Tty

BACKEND = r'''
import base64, hashlib, os, zipfile
NAME, VER = "tinypkg", "1.0"
META = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (NAME, VER)
WHEEL = "Wheel-Version: 1.0\nGenerator: backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
DI = "%s-%s.dist-info" % (NAME, VER)
def prepare_metadata_for_build_wheel(d, config_settings=None):
    os.makedirs(os.path.join(d, DI))
    for n, t in (("METADATA", META), ("WHEEL", WHEEL)):
        with open(os.path.join(d, DI, n), "w") as f:
            f.write(t)
    return DI
def build_wheel(d, config_settings=None, metadata_directory=None):
    fn = "%s-%s-py3-none-any.whl" % (NAME, VER)
    files = {"tinypkg.py": open("tinypkg.py", "rb").read(), DI + "/METADATA": META.encode(),
             DI + "/WHEEL": WHEEL.encode()}
    rec = []
    with zipfile.ZipFile(os.path.join(d, fn), "w") as z:
        for n, b in files.items():
            z.writestr(n, b)
            h = base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b"=").decode()
            rec.append("%s,sha256=%s,%d" % (n, h, len(b)))
        rec.append(DI + "/RECORD,,")
        z.writestr(DI + "/RECORD", "\n".join(rec) + "\n")
    return fn
'''


def write(path, n, seed=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(os.urandom(n))


def home_env(home):
    return {"HOME": home, "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "XDG_DATA_HOME": os.path.join(home, ".local/share"),
            "XDG_STATE_HOME": os.path.join(home, ".local/state"),
            "XDG_CONFIG_HOME": os.path.join(home, ".config")}


def pip_python():
    """The python3 on PATH when it has pip (what `caches --clean pip` runs)."""
    py = shutil.which("python3")
    if py and subprocess.run([py, "-m", "pip", "--version"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=clean_environ()).returncode == 0:
        return py
    return None


def make_pip_cache(base, home):
    """A real pip wheel cache in `home`; returns None or why it could not."""
    py = pip_python()
    if not py:
        return "python3 on PATH has no pip"
    src = os.path.join(base, "sdist", "tinypkg-1.0")
    os.makedirs(src)
    with open(os.path.join(src, "pyproject.toml"), "w") as f:
        f.write('[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n')
    with open(os.path.join(src, "backend.py"), "w") as f:
        f.write(BACKEND)
    with open(os.path.join(src, "tinypkg.py"), "w") as f:
        f.write('DATA = "%s"\n' % os.urandom(60000).hex())
    with open(os.path.join(src, "PKG-INFO"), "w") as f:
        f.write("Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\n")
    sdist = os.path.join(base, "tinypkg-1.0.tar.gz")
    with tarfile.open(sdist, "w:gz") as t:
        t.add(src, arcname="tinypkg-1.0")
    p = subprocess.run([py, "-m", "pip", "wheel", "--no-build-isolation", "--no-index", "--no-deps",
                        "--disable-pip-version-check", "-q", "-w", os.path.join(base, "wheels-out"), sdist],
                       cwd=base, env=clean_environ(home_env(home)), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode != 0:
        return "pip wheel failed: %s" % p.stdout.decode(errors="replace")[-400:]
    return None


def make_venv(ctx, path):
    subprocess.run([ctx.fx.fast.exe, "-m", "venv", "--without-pip", path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def build(ctx, name):
    """The caches and the envs; returns a dict of what was made."""
    base = fresh_dir(ctx.base, "caches", name)
    home = os.path.join(base, "home")
    for sub in (".cache", ".local/share", ".local/state", ".config"):
        os.makedirs(os.path.join(home, sub))
    root = os.path.join(base, "root")
    os.makedirs(root)
    b = {"base": base, "home": home, "root": root, "skips": {}}
    b["pip_why"] = make_pip_cache(base, home)
    venv_bin = shutil.which("virtualenv")
    b["virtualenv_why"] = None if venv_bin else "no virtualenv on PATH"
    if venv_bin:
        p = subprocess.run([venv_bin, "-q", os.path.join(root, "by-virtualenv")], cwd=base,
                           env=clean_environ(home_env(home)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            b["virtualenv_why"] = "virtualenv failed: %s" % p.stdout.decode(errors="replace")[-300:]
    # uv: outside HOME through UV_CACHE_DIR; half its files are in an env.
    uvc = os.path.join(base, "uv-cache")
    env = os.path.join(root, "uv-env")
    make_venv(ctx, env)
    for i in range(8):
        write(os.path.join(uvc, "archive-v0", "h%d" % i, "pkg", "m%d.bin" % i), 30000 + 7000 * i)
    os.makedirs(os.path.join(env, "lib", "pkg"))
    for i in range(0, 8, 2):
        os.link(os.path.join(uvc, "archive-v0", "h%d" % i, "pkg", "m%d.bin" % i),
                os.path.join(env, "lib", "pkg", "m%d.bin" % i))
    os.makedirs(os.path.join(base, "elsewhere"))
    os.link(os.path.join(uvc, "archive-v0", "h1", "pkg", "m1.bin"), os.path.join(base, "elsewhere", "m1.bin"))
    b["uv_env"] = env
    # poetry: its virtualenvs folder is not cache.
    pc = os.path.join(home, ".cache", "pypoetry")
    write(os.path.join(pc, "artifacts", "ab", "x.whl"), 50000)
    write(os.path.join(pc, "cache", "repositories", "PyPI", "y"), 3000)
    write(os.path.join(pc, "virtualenvs", "proj-py3.11", "big.bin"), 200000)
    # hatch: a symlink to a folder elsewhere.
    real = os.path.join(base, "hatch-real")
    write(os.path.join(real, "env", "z.bin"), 20000)
    os.symlink(real, os.path.join(home, ".cache", "hatch"))
    b.update(uv=uvc, poetry=pc, hatch_real=real, hatch=os.path.join(home, ".cache", "hatch"),
             pip=os.path.join(home, ".cache", "pip"), virtualenv=os.path.join(home, ".local/share/virtualenv"))
    b["env"] = dict(home_env(home), UV_CACHE_DIR=uvc)
    return b


def truth_of(b, tool):
    """What the JSON must say of the cache of `tool`."""
    path = b[tool]
    envs = [os.path.join(b["root"], n) for n in os.listdir(b["root"])]
    if tool == "poetry":
        v = os.path.join(path, "virtualenvs")
        disk, free = space_of(path)
        vdisk, vfree = space_of(v)
        return {"size_bytes": du_bytes(path, "-b") - du_bytes(v, "-b"),
                "disk_bytes": du_bytes(path, "--block-size=1") - du_bytes(v, "--block-size=1"),
                "freeable_bytes": free - vfree, "linked_bytes": linked_of(path, envs)}
    real = b["hatch_real"] if tool == "hatch" else path
    return {"size_bytes": du_bytes(real, "-b"), "disk_bytes": du_bytes(real, "--block-size=1"),
            "freeable_bytes": space_of(real)[1], "linked_bytes": linked_of(real, envs)}


def caches_json(ctx, b, g, name):
    p = ctx.runner.run(["caches", "--json", b["root"]], home=b["home"], env=b["env"], cwd=b["base"])
    try:
        rows = p.json()
        return {r["path"]: r for r in rows}
    except (ValueError, KeyError, TypeError) as e:
        g.fail(name, ["caches --json: %s; %s" % (e, p.describe()[:600])])
        return None


def t_find(ctx):
    g = Group()
    b = build(ctx, "find")
    name = "caches --json: pip, virtualenv, uv, poetry, symlinked hatch found; sizes == du, freeable/linked == lstat truth"
    rows = caches_json(ctx, b, g, name)
    if rows is None:
        return g
    tools = ["uv", "poetry", "hatch"]
    for t in ("pip", "virtualenv"):
        if b[t + "_why"]:
            g.skip(name + " (%s)" % t, b[t + "_why"])
        else:
            tools.append(t)
    d = []
    want_paths = {b[t] for t in tools}
    for path, r in rows.items():
        if path not in want_paths:
            d.append("listed a cache that is not there: %s (%s)" % (path, r.get("tool")))
    for t in tools:
        r = rows.get(b[t])
        if r is None:
            d.append("%s: %s not listed (got %s)" % (t, b[t], sorted(rows)))
            continue
        if r.get("tool") != t:
            d.append("%s: tool %r" % (t, r.get("tool")))
        for k, v in truth_of(b, t).items():
            if r.get(k) != v:
                d.append("%s: %s %r, truth %r" % (t, k, r.get(k), v))
    uv = truth_of(b, "uv")
    if not (0 < uv["linked_bytes"] < uv["freeable_bytes"] < uv["disk_bytes"]):
        d.append("the uv cache is not what the case needs: %r" % uv)
    h = rows.get(b["hatch"], {})
    if h.get("symlink") is not True or h.get("target") != os.readlink(b["hatch"]):
        d.append("hatch: symlink %r target %r, expected true, %r" % (h.get("symlink"), h.get("target"),
                                                                     os.readlink(b["hatch"])))
    if rows.get(b["poetry"], {}).get("skipped") != "virtualenvs":
        d.append("poetry: skipped %r" % rows.get(b["poetry"], {}).get("skipped"))
    g.check(name, d)

    p = ctx.runner.run(["caches", b["root"]], home=b["home"], env=b["env"], cwd=b["base"])
    lines = p.out.decode("utf-8", "replace").splitlines()
    d = []
    for t in tools:
        w = truth_of(b, t)
        row = [x for x in lines if x.split()[:1] == [t]]
        cells = [human_size(w[k]) for k in ("size_bytes", "disk_bytes", "freeable_bytes", "linked_bytes")]
        if not row or " ".join(cells) not in " ".join(row[0].split()):
            d.append("%s: row %r, expected the sizes %r" % (t, row, cells))
    hrow = [x for x in lines if x.startswith("hatch")]
    if not hrow or "(symlink -> %s)" % b["hatch_real"] not in hrow[0]:
        d.append("hatch row not flagged as a symlink: %r" % hrow)
    g.check("caches (table): each cache's four sizes in words, the symlink flagged", d)
    return g


def listing(path):
    out = []
    for d, dirs, files in os.walk(path):
        out += [os.path.relpath(os.path.join(d, f), path) for f in files]
    return sorted(out)


def t_clean_pip_and_refuse(ctx):
    g = Group()
    b = build(ctx, "clean")
    name = "caches --clean pip: runs python3 -m pip cache purge, no wheel left, 'freed' == lstat truth"
    if b["pip_why"]:
        g.skip(name, b["pip_why"])
    else:
        before = space_of(b["pip"])[1]
        wheels = [f for f in listing(b["pip"]) if f.endswith(".whl")]
        p = ctx.runner.run(["caches", "--clean", "pip", "--dry-run", b["root"]], home=b["home"], env=b["env"],
                           cwd=b["base"])
        lines = p.out.decode("utf-8", "replace").splitlines()
        d = []
        want = "would clean the pip cache %s: frees %s" % (b["pip"], human_size(before))
        if p.rc != 0 or not lines or not lines[0].startswith(want):
            d.append("dry-run: %r, expected it to start %r (rc %s)" % (lines[:1], want, p.rc))
        if len(lines) < 2 or not lines[1].endswith(" -m pip cache purge"):
            d.append("dry-run: the command line %r" % lines[1:2])
        if listing(b["pip"]) == [] or not wheels:
            d.append("the dry run removed something, or pip cached no wheel: %r" % wheels)
        p = ctx.runner.run(["caches", "--clean", "pip", "--yes", b["root"]], home=b["home"], env=b["env"],
                           cwd=b["base"], timeout=120)
        lines = p.out.decode("utf-8", "replace").splitlines()
        after = space_of(b["pip"])[1]
        left = [f for f in listing(b["pip"]) if f.endswith(".whl")]
        want = "cleaned the pip cache %s: freed %s" % (b["pip"], human_size(before - after))
        if p.rc != 0 or not lines or not lines[-1].startswith(want):
            d.append("clean: last line %r, expected it to start %r; %s" % (lines[-1:], want, p.describe()[:500]))
        if left:
            d.append("wheels left: %r" % left)
        if not any("Files removed" in x for x in lines):
            d.append("pip's own output was not shown: %r" % lines)
        g.check(name, d)

    name = "caches --clean hatch (a symlinked cache): refused, exit 2, the target untouched"
    files = listing(b["hatch_real"])
    p = ctx.runner.run(["caches", "--clean", "hatch", "--yes", b["root"]], home=b["home"], env=b["env"], cwd=b["base"])
    d = []
    if p.rc != 2 or "is a symlink" not in p.err_text:
        d.append("rc %s, stderr %r" % (p.rc, p.err_text[:300]))
    if listing(b["hatch_real"]) != files or not files or not os.path.islink(b["hatch"]):
        d.append("the target changed: %r -> %r" % (files, listing(b["hatch_real"])))
    g.check(name, d)

    p = ctx.runner.run(["caches", "--clean", "pdm", "--yes", b["root"]], home=b["home"], env=b["env"], cwd=b["base"])
    g.check("caches --clean of a tool with no cache here: exit 2, said",
            [] if p.rc == 2 and "no pdm cache here" in p.err_text else ["rc %s %r" % (p.rc, p.err_text)])
    return g


STATE = r"""
import hashlib, os, sys
sys.path.insert(0, sys.argv[1])
from truth import space_of
t, cache, env = sys.argv[2], sys.argv[3], sys.argv[4]
s = os.statvfs(t)
print(s.f_bfree * s.f_frsize)
print(space_of(cache)[1])
print(len(os.listdir(cache)) if os.path.isdir(cache) else -1)
h = hashlib.sha256()
for d, dirs, files in sorted(os.walk(env)):
    for f in sorted(files):
        p = os.path.join(d, f)
        if not os.path.islink(p):
            h.update(p.encode() + open(p, "rb").read())
print(h.hexdigest())
"""


def t_clean_removal(ctx):
    """Safe removal on a private tmpfs in the guard's namespace: the cache
    folder stays, empty; statvfs's free bytes grow by exactly the 'freed'
    figure, which is the lstat truth; the env's files (hard-linked from the
    uv cache) are whole."""
    g = Group()
    b = build(ctx, "removal")
    base = fresh_dir(ctx.base, "caches", "removal-run")
    script = os.path.join(base, "state.py")
    with open(script, "w") as f:
        f.write(STATE)
    cases = [("uv", "uv-cache", "root/uv-env")]
    if not b["virtualenv_why"]:
        cases.append(("virtualenv", "home/.local/share/virtualenv", "root/by-virtualenv"))
    else:
        g.skip("caches --clean virtualenv by removal", b["virtualenv_why"])
    for tool, rel_cache, rel_env in cases:
        name = "caches --clean %s --yes by safe removal on a tmpfs: folder emptied, 'freed' == lstat truth == statvfs delta, env whole" % tool
        path = os.environ.get("PATH", "")
        if tool == "uv" and shutil.which("uv", path=path):
            g.skip(name, "uv is installed: its own command would run")
            continue
        t = os.path.join(base, "mnt-" + tool)
        os.makedirs(t)
        out = os.path.join(base, "out-" + tool)
        body = ('mount -t tmpfs -o size=256m none "$VS_T" || exit 95; '
                'cp -a "$VS_SRC"/home "$VS_SRC"/root "$VS_SRC"/uv-cache "$VS_SRC"/elsewhere "$VS_T"/ || exit 94; '
                '"$VS_PY" "$VS_STATE" "$VS_TRUTHDIR" "$VS_T" "$VS_T/$VS_CACHE" "$VS_T/$VS_ENV" > "$VS_OUT.before"; '
                '"$@"; rc=$?; '
                '"$VS_PY" "$VS_STATE" "$VS_TRUTHDIR" "$VS_T" "$VS_T/$VS_CACHE" "$VS_T/$VS_ENV" > "$VS_OUT.after"; exit $rc')
        wrap = ns_script(ctx, body)
        if wrap is None:
            g.skip(name, "no mount namespace guard (needs root and unshare)")
            return g
        home = os.path.join(t, "home")
        env = dict(home_env(home), UV_CACHE_DIR=os.path.join(t, "uv-cache"), VS_T=t, VS_SRC=b["base"],
                   VS_OUT=out, VS_PY=sys.executable, VS_STATE=script,
                   VS_TRUTHDIR=os.path.dirname(os.path.abspath(__file__)), VS_CACHE=rel_cache, VS_ENV=rel_env)
        p = ctx.runner.run(["caches", "--clean", tool, "--yes", os.path.join(t, "root")], home=home, env=env,
                           cwd=b["base"], wrap=wrap, timeout=120)
        d = []
        try:
            before = open(out + ".before").read().split()
            after = open(out + ".after").read().split()
        except OSError as e:
            g.fail(name, ["no figures (%s); %s" % (e, p.describe()[:500])])
            continue
        freed = int(before[1]) - int(after[1])
        lines = p.out.decode("utf-8", "replace").splitlines()
        want = "cleaned the %s cache %s: freed %s" % (tool, os.path.join(t, rel_cache), human_size(freed))
        if p.rc != 0 or not lines or not lines[-1].startswith(want):
            d.append("rc %s, last line %r, expected it to start %r; %s" % (p.rc, lines[-1:], want, p.describe()[:400]))
        if not any(x.strip() == "by: remove everything in %s" % os.path.join(t, rel_cache) for x in lines):
            d.append("the way was not said before: %r" % lines[:3])
        if int(after[0]) - int(before[0]) != freed:
            d.append("statvfs free grew by %d, the truth is %d" % (int(after[0]) - int(before[0]), freed))
        if after[2] != "0" or int(before[2]) <= 0:
            d.append("the cache folder holds %s entries after (before %s)" % (after[2], before[2]))
        if after[3] != before[3]:
            d.append("the env's files changed")
        if freed <= 0:
            d.append("nothing to free: the case is not what it needs")
        g.check(name, d)
    return g


def t_mount_point(ctx):
    """A cache folder that is a mount point (a tmpfs mounted on the uv
    cache inside the guard's namespace): listed with mount_point true,
    --clean refuses it (exit 2) and its file stays."""
    g = Group()
    base = fresh_dir(ctx.base, "caches", "mount")
    home = os.path.join(base, "home")
    uvc = os.path.join(home, ".cache", "uv")
    os.makedirs(uvc)
    env = dict(home_env(home), VS_C=uvc)
    if os.path.exists(uvc + ".after"):
        os.remove(uvc + ".after")
    body = ('mount -t tmpfs -o size=16m none "$VS_C" || exit 95; echo kept > "$VS_C/f" || exit 94; '
            '"$@"; rc=$?; cat "$VS_C/f" > "$VS_C.after" 2>&1; exit $rc')
    for args, name in ((["caches", "--json", base], "caches --json: a cache folder that is a mount point is "
                        "listed, mount_point true"),
                       (["caches", "--clean", "uv", "--yes", base], "caches --clean of a mount point: refused "
                        "(exit 2), its file stays")):
        wrap = ns_script(ctx, body)
        if wrap is None:
            g.skip(name, "no mount namespace guard (needs root and unshare)")
            return g
        p = ctx.runner.run(args, home=home, env=env, cwd=base, wrap=wrap)
        d = []
        if "--json" in args:
            try:
                rows = [r for r in p.json() if r["path"] == uvc]
            except (ValueError, KeyError, TypeError) as e:
                rows = []
                d.append("%s; %s" % (e, p.describe()[:300]))
            if len(rows) != 1 or rows[0].get("mount_point") is not True:
                d.append("rows for %s: %r" % (uvc, rows))
        else:
            if p.rc != 2 or "is a mount point" not in p.err_text:
                d.append("rc %s, stderr %r" % (p.rc, p.err_text[:300]))
            try:
                kept = open(uvc + ".after").read()
            except OSError as e:
                kept = str(e)
            if kept != "kept\n":
                d.append("the file in the mounted cache: %r" % kept)
        g.check(name, d)

    # A mount inside the cache: the rest goes, the mount's content stays.
    name = "caches --clean uv with a tmpfs mounted on a subfolder: the rest removed, the mount left alone (exit 1)"
    write(os.path.join(uvc, "plain", "a.bin"), 5000)
    os.makedirs(os.path.join(uvc, "mnt"))
    body = ('mount -t tmpfs -o size=16m none "$VS_C/mnt" || exit 95; echo kept > "$VS_C/mnt/f" || exit 94; '
            '"$@"; rc=$?; cat "$VS_C/mnt/f" > "$VS_C.after" 2>&1; exit $rc')
    p = ctx.runner.run(["caches", "--clean", "uv", "--yes", base], home=home, env=env, cwd=base,
                       wrap=ns_script(ctx, body))
    d = []
    if p.rc != 1 or "is a mount point; left alone" not in p.err_text:
        d.append("rc %s, stderr %r" % (p.rc, p.err_text[:300]))
    kept = open(uvc + ".after").read() if os.path.exists(uvc + ".after") else "(none)"
    if kept != "kept\n":
        d.append("the file in the mount: %r" % kept)
    if os.path.exists(os.path.join(uvc, "plain")):
        d.append("the plain folder beside the mount was not removed")
    g.check(name, d)
    return g


def t_unreadable(ctx):
    """A cache with a folder its user cannot read (run as nobody): its
    figures are unknown (JSON null, '?' in the table), not a smaller number;
    a readable cache beside it is still sized."""
    g = Group()
    name = "caches: a cache with an unreadable folder has unknown sizes (null, ?), the other is sized"
    if os.geteuid() != 0 or not shutil.which("setpriv") or not ctx.runner.nobody_binary:
        g.skip(name, "needs root (to become uid %d with setpriv) and the suite's copy of the binary" % NOBODY)
        return g
    base = fresh_dir(ctx.base, "caches", "unreadable")
    home = os.path.join(base, "home")
    uvc = os.path.join(home, ".cache", "uv")
    write(os.path.join(uvc, "ok", "a.bin"), 10000)
    write(os.path.join(uvc, "locked", "b.bin"), 10000)
    pip = os.path.join(home, ".cache", "pip")
    write(os.path.join(pip, "wheels", "c.bin"), 10000)
    for r, dirs, files in os.walk(base):
        for x in [r] + [os.path.join(r, f) for f in dirs + files]:
            os.lchown(x, NOBODY, NOBODY)
    os.chmod(os.path.join(uvc, "locked"), 0)
    try:
        p = ctx.runner.run(["caches", "--json", base], home=home, env=home_env(home), user=NOBODY)
        t = ctx.runner.run(["caches", base], home=home, env=home_env(home), user=NOBODY)
    finally:
        os.chmod(os.path.join(uvc, "locked"), 0o755)
    d = []
    try:
        rows = {r["path"]: r for r in p.json()}
    except (ValueError, KeyError, TypeError) as e:
        g.fail(name, ["%s; %s" % (e, p.describe()[:400])])
        return g
    u = rows.get(uvc, {})
    for k in ("size_bytes", "disk_bytes", "freeable_bytes", "linked_bytes"):
        if k not in u or u[k] is not None:
            d.append("uv: %s %r, expected null" % (k, u.get(k, "missing")))
    if rows.get(pip, {}).get("size_bytes") != du_bytes(pip, "-b"):
        d.append("pip: size_bytes %r, du %d" % (rows.get(pip, {}).get("size_bytes"), du_bytes(pip, "-b")))
    row = [x for x in t.out.decode("utf-8", "replace").splitlines() if x.startswith("uv ")]
    if not row or row[0].split()[1:5] != ["?", "?", "?", "?"]:
        d.append("table row %r, expected ? for the four sizes" % row)
    g.check(name, d)
    return g


def t_browser(ctx):
    """C from the list shows every cache with the same four figures as
    `caches --json` (and the lstat truth); x on pip shows the dialog with
    the space and pip's command; y runs it in the log pane."""
    b = build(ctx, "browser")

    def run(st):
        g0 = st.g
        rows = caches_json(ctx, b, g0, "caches browser: the CLI's figures")
        if rows is None:
            return
        with Tty(ctx.runner, [b["root"]], width=200, height=30, env=b["env"], tag="caches") as t:
            start(t)
            t.keys("C")
            scr = t.wait_for(lambda s: any(l.split()[:1] == ["uv"] for l in s.lines), what="the caches view")
            d = []
            if "FREEABLE" not in scr.text or "LINKED" not in scr.text:
                d.append("no FREEABLE / LINKED titles")
            for path, r in rows.items():
                cells = [human_size(r[k]) if r[k] is not None else "?"
                         for k in ("size_bytes", "disk_bytes", "freeable_bytes", "linked_bytes")]
                row = [l for l in scr.lines if l.split()[:1] == [r["tool"]]]
                if not row or " ".join([r["tool"]] + cells) not in " ".join(row[0].split()):
                    d.append("%s: row %r, the CLI says %r" % (r["tool"], row, cells))
            for tool in ("uv", "hatch"):
                w = truth_of(b, tool)
                if rows[b[tool]]["linked_bytes"] != w["linked_bytes"]:
                    d.append("%s: linked %r, truth %r" % (tool, rows[b[tool]]["linked_bytes"], w["linked_bytes"]))
            st.check("C: each cache's size, disk, freeable, linked as the CLI (and lstat) says", d)
            st.at("?: the help opens at the caches' keys; Esc comes back to the caches")
            t.keys("?")
            t.wait_for(r"^ In the caches \(C\)", what="the help at the caches' keys")
            t.keys("Escape")
            t.wait_for(lambda s: any(l.split()[:1] == ["uv"] for l in s.lines) and "LINKED" in s.text,
                       what="the caches view after Esc")
            st.check("?: the help opens at the caches' keys; Esc comes back to the caches", [])
            if b["pip_why"]:
                st.g.skip("caches browser: x cleans pip", b["pip_why"])
                return
            order = [l.split()[0] for l in scr.lines[2:] if l.split()[:1] and l.split()[0] in
                     ("pip", "uv", "poetry", "pipenv", "pdm", "hatch", "conda", "virtualenv")]
            for _ in range(order.index("pip")):
                t.keys("j")
            before = space_of(b["pip"])[1]
            t.keys("x")
            scr = t.wait_for("Clean this cache", what="the clean dialog")
            d = []
            if "frees %s of " % human_size(before) not in scr.text:
                d.append("the dialog does not say 'frees %s': %s" % (human_size(before), scr.text))
            if "-m pip cache purge" not in scr.text:
                d.append("the dialog does not name pip's command")
            st.check("x on pip: the dialog names the space freed and the command", d)
            t.keys("y")
            scr = t.wait_for(status_has("cleaned the pip cache"), timeout=60, what="pip's summary")
            left = [f for f in listing(b["pip"]) if f.endswith(".whl")]
            freed = before - space_of(b["pip"])[1]
            d = [] if not left else ["wheels left: %r" % left]
            if "freed %s" % human_size(freed) not in scr.lines[-1]:
                d.append("status %r, truth freed %s" % (scr.lines[-1], human_size(freed)))
            if "Files removed" not in scr.text:
                d.append("pip's output is not in the log pane")
            st.check("y: pip cache purge ran in the log pane, the status says what was freed", d)
            st.at("after the clean: the pip row shows the cache's new sizes (du, lstat)")
            w = truth_of(b, "pip")
            cells = " ".join(["pip"] + [human_size(w[k]) for k in ("size_bytes", "disk_bytes", "freeable_bytes")])
            t.wait_for(lambda s: any(" ".join(l.split()).startswith(cells) for l in s.lines), timeout=20,
                       what="the pip row measured again after the clean: %r" % cells)
            st.check("after the clean: the pip row shows the cache's new sizes (du, lstat)", [])
            st.at("details of uv-env after C: 'shared with' names the uv cache it is linked from")
            inos = lambda top: {(st_.st_dev, st_.st_ino) for d_, _, fs in os.walk(top)
                                for st_ in (os.lstat(os.path.join(d_, f)) for f in fs)}
            linked = bool(inos(b["uv_env"]) & inos(b["uv"]))
            t.keys("Escape")
            t.wait_for(lambda s: "uv-env" in s.text and "LINKED" not in s.text and s, what="the list")
            t.keys("/")
            t.type("uv-env")
            t.keys("Enter")
            t.wait_for(lambda s: "shown: uv-env]" in s.line(0) and s, what="the list filtered to uv-env")
            t.keys("Enter")
            scr = t.wait_for(r"^  shared with ", what="uv-env's details with a 'shared with' line")
            line = [l for l in scr.lines if l.startswith("  shared with ")][0]
            want = "the uv cache " + b["uv"]
            d = [] if linked else ["the truth itself: uv-env holds no file of the uv cache"]
            if want not in line.replace("~", b["home"], 1) and want not in line:
                d.append("%r does not name %r" % (line, want))
            st.check("details of uv-env after C: 'shared with' names the uv cache it is linked from", d)

    return session("caches browser", run)


def tests(ctx):
    return [("caches browser", lambda: t_browser(ctx)),
            ("caches find", lambda: t_find(ctx)),
            ("caches clean pip", lambda: t_clean_pip_and_refuse(ctx)),
            ("caches clean removal", lambda: t_clean_removal(ctx)),
            ("caches mount point", lambda: t_mount_point(ctx)),
            ("caches unreadable", lambda: t_unreadable(ctx))]
