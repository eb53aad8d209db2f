"""The bench's trees, built once in BENCH_CACHE and reused (bench/run.sh).

Every environment is a real one, made offline by this machine's Pythons
(pyenv's, else python3): python -m venv, pip from ensurepip, packages
installed by pip from wheels built here (and Debian's setuptools/wheel from
/usr/share/python-wheels for the heavy tree). Trees are copies (cp -a) of
template environments and projects; a tree's JSON stamp says its layout, its
entries (os.walk), bytes (du -sb) and build time.

  light  tree-50, tree-200, tree-800: projects with sources, git, node_modules;
         most envs bare (issue 8's trees, unchanged)
  heavy  tree-heavy: 200 envs of several Pythons with pip and real packages,
         in small projects: most entries are inside envs
  home   tree-home: a home folder, 300 envs among ~2 million other entries
         (node_modules, .git objects, .cache, photos)
  10k    tree-10k: 10,000 mostly small envs in tiny projects
"""
import glob, json, os, shutil, subprocess, sys, time, zipfile

LAYOUT = "layout-3"        # light trees and templates: bump when their recipe changes
HEAVY_LAYOUT = "heavy-2"
HOME_LAYOUT = "home-2"
TENK_LAYOUT = "10k-1"
NPKGS = 60
notes = []


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, **kw):
    kw.setdefault("check", True)
    return subprocess.run(cmd, **kw)


# Copies run at the lowest best-effort I/O priority: the machine may be shared
# (run.sh itself is not niced: its timings must not be).
CP = (["ionice", "-c2", "-n7"] if shutil.which("ionice") else []) + ["cp", "-a"]


def count_entries(root):
    n = 0
    for _, dns, fns in os.walk(root):
        n += len(dns) + len(fns)
    return n


def du_bytes(root):
    return int(run(["du", "-sb", root], capture_output=True, text=True).stdout.split()[0])


def cached(stamp, root, layout):
    if os.path.exists(stamp) and os.path.isdir(root):
        with open(stamp) as f:
            meta = json.load(f)
        if meta.get("layout") == layout:
            return meta
    return None


def finish(root, tmp, stamp, meta, t0):
    os.rename(tmp, root)
    meta.update({"entries": count_entries(root), "bytes": du_bytes(root),
                 "build_s": round(time.time() - t0, 1)})
    with open(stamp, "w") as f:
        json.dump(meta, f, indent=1)
    log("  done in %.0f s: %d entries, %.2f GB" % (meta["build_s"], meta["entries"], meta["bytes"] / 1e9))
    return root, meta


def rebase(meta, tdir, keys):
    """The template paths of a stamp, moved under tdir: a cache copied or
    mounted elsewhere keeps working."""
    def one(p):
        return os.path.join(tdir, p.split(os.sep + os.path.basename(tdir) + os.sep, 1)[-1])
    for k in keys:
        meta[k] = [one(p) for p in meta[k]] if isinstance(meta[k], list) else one(meta[k])
    return meta


def start(cache, name):
    root = os.path.join(cache, name)
    shutil.rmtree(root, ignore_errors=True)
    tmp = root + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    log("bench: building %s" % root)
    return root, tmp, time.time()

# ---------------------------------------------------------------- templates


def pythons():
    """pyenv Pythons that start and have venv, newest first; else python3."""
    found = []
    cands = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/*/bin/python")))
    if not cands:
        cands = [shutil.which("python3") or "/usr/bin/python3"]
        notes.append("no pyenv Pythons: every environment is made by %s" % cands[0])
    for p in cands:
        try:
            r = subprocess.run([p, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if r.returncode == 0 and r.stdout.strip().startswith("3."):
            found.append((tuple(int(x) for x in r.stdout.strip().split(".")), p))
        else:
            notes.append("skipped %s (does not start or has no venv)" % p)
    found.sort(reverse=True)
    return [p for _, p in found]


def py_version(py):
    r = subprocess.run([py, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                       capture_output=True, text=True)
    return tuple(int(x) for x in r.stdout.strip().split("."))


def write_wheel(d, name, ver, modules, data_kb=0):
    """A py3-none-any wheel: `modules` modules of Python and an optional data file."""
    dist = name.replace("-", "_")
    mod = dist.replace(".", "_").lower()
    info = "%s-%s.dist-info" % (dist, ver)
    with zipfile.ZipFile(os.path.join(d, "%s-%s-py3-none-any.whl" % (dist, ver)), "w") as z:
        z.writestr("%s/__init__.py" % mod, "VERSION = %r\n" % ver)
        for j, lines in enumerate(modules):
            z.writestr("%s/part_%d.py" % (mod, j), "def f%d(x):\n    return x * %d\n" % (j, j) * lines)
        if data_kb:
            z.writestr("%s/data/table.bin" % mod, os.urandom(data_kb * 1024))
        z.writestr(info + "/METADATA", "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: bench\n\n%s\n"
                   % (name, ver, "long description line\n" * 40))
        z.writestr(info + "/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(info + "/RECORD", "")
    return name


def make_wheels(d):
    os.makedirs(d, exist_ok=True)
    names = []
    for i in range(NPKGS):
        name, ver = ("Pkg_%03d" % i if i % 3 else "pkg-%03d.x" % i), "%d.%d.%d" % (i % 7, i % 13, i)
        names.append(write_wheel(d, name, ver, [20] * (i % 6 + 2)))
    return names


def site_packages(env):
    return glob.glob(os.path.join(env, "lib", "python3*", "site-packages"))[0]


def pip_install(py, args, neutral):
    run([py, "-m", "pip", "install", "-q", "--no-index", "--disable-pip-version-check"] + args, cwd=neutral)


def src_tree(root, nfiles, ndirs, ndocs=10):
    for i in range(nfiles):
        d = os.path.join(root, "src", "mod%02d" % (i % ndirs))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "file_%03d.py" % i), "w") as f:
            f.write("# file %d\n" % i + "x = %d\n" % i * (i % 30 + 1))
    os.makedirs(os.path.join(root, "docs"), exist_ok=True)
    for i in range(ndocs):
        with open(os.path.join(root, "docs", "page%d.md" % i), "w") as f:
            f.write("# page %d\n\ntext\n" % i * 20)


def node_modules(root, npk, files=4, empty=False):
    for i in range(npk):
        d = os.path.join(root, "node_modules", "npm-pkg-%03d" % i, "lib")
        os.makedirs(d)
        with open(os.path.join(d, "..", "package.json"), "w") as f:
            f.write('{"name": "npm-pkg-%03d", "version": "1.0.%d"}\n' % (i, i))
        for j in range(files):
            with open(os.path.join(d, "m%d.js" % j), "w") as f:
                if not empty:
                    f.write("module.exports = %d;\n" % j * 10)


GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
       "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]


def git_repo(root):
    with open(os.path.join(root, ".gitignore"), "w") as f:
        f.write(".venv/\nvenv/\nnode_modules/\n__pycache__/\n")
    run(GIT + ["init", "-q"], cwd=root)
    run(GIT + ["add", "-A"], cwd=root)
    run(GIT + ["commit", "-q", "-m", "initial"], cwd=root)


def build_templates(cache):
    """CACHE/templates/{envs,projects}: one copy of every kind (light trees)."""
    tdir = os.path.join(cache, "templates")
    stamp = os.path.join(tdir, "stamp.json")
    if os.path.exists(stamp):
        with open(stamp) as f:
            meta = json.load(f)
        if meta.get("layout") == LAYOUT:
            return rebase(meta, tdir, ("bare", "packaged", "withpip", "projects"))
    shutil.rmtree(tdir, ignore_errors=True)
    os.makedirs(tdir)
    log("bench: building templates in %s" % tdir)
    pys = pythons()
    if not pys:
        sys.exit("bench/run.sh: no Python with venv on this machine")
    wheels = os.path.join(tdir, "wheels")
    names = make_wheels(wheels)
    envs = os.path.join(tdir, "envs")
    os.makedirs(envs)
    neutral = os.path.join(tdir, "neutral")
    os.makedirs(neutral)
    bare, packaged, withpip = [], [], []
    for k, py in enumerate(pys):
        e = os.path.join(envs, "bare-%d" % k)
        run([py, "-m", "venv", "--without-pip", e])
        bare.append(e)
    # A few envs with pip from ensurepip (offline) and NPKGS packages from the wheels.
    for k, py in enumerate(pys[:3]):
        e = os.path.join(envs, "pip-%d" % k)
        r = subprocess.run([py, "-m", "venv", e], capture_output=True, text=True)
        if r.returncode != 0:
            notes.append("no pip env with %s: %s" % (py, r.stderr.strip().splitlines()[-1:]))
            shutil.rmtree(e, ignore_errors=True)
            continue
        pip_install(os.path.join(e, "bin", "python"), ["--find-links", wheels] + names, neutral)
        withpip.append(e)
    if not withpip:
        sys.exit("bench/run.sh: could not make any environment with pip (ensurepip)")
    pip_py = os.path.join(withpip[0], "bin", "python")
    # --without-pip envs holding 20 packages, installed by pip (--target) from the wheels.
    for k, py in enumerate(pys):
        e = os.path.join(envs, "pkgs-%d" % k)
        run([py, "-m", "venv", "--without-pip", e])
        pip_install(pip_py, ["--find-links", wheels, "--no-compile", "--target", site_packages(e)]
                    + names[k * 5 % 40: k * 5 % 40 + 20], neutral)
        packaged.append(e)

    # Project folders: source trees, real git repositories, node_modules.
    projs = os.path.join(tdir, "projects")
    os.makedirs(projs)
    kinds = []
    for name, nsrc, git, nm in (("app-git-node", 300, True, 60), ("lib-git", 400, True, 0),
                                ("plain", 200, False, 0), ("web-git-node", 250, True, 120)):
        p = os.path.join(projs, name)
        os.makedirs(p)
        src_tree(p, nsrc, 12)
        if nm:
            node_modules(p, nm)
        if git:
            git_repo(p)
        kinds.append(p)
    meta = {"layout": LAYOUT, "bare": bare, "packaged": packaged, "withpip": withpip,
            "projects": kinds, "pythons": pys, "notes": notes[:]}
    with open(stamp, "w") as f:
        json.dump(meta, f, indent=1)
    return meta

# ---------------------------------------------------------------- light trees


def build_tree(cache, n, t):
    """CACHE/tree-N: N environments in N projects (a quarter of the envs in a
    central envs/ folder)."""
    root = os.path.join(cache, "tree-%d" % n)
    stamp = os.path.join(cache, "tree-%d.json" % n)
    meta = cached(stamp, root, LAYOUT)
    if meta:
        return root, meta
    root, tmp, t0 = start(cache, "tree-%d" % n)
    os.makedirs(os.path.join(tmp, "projects"))
    os.makedirs(os.path.join(tmp, "envs"))
    kinds = {"pip": 0, "packaged": 0, "bare": 0}
    for i in range(n):
        proj = os.path.join(tmp, "projects", "p%04d" % i)
        run(CP + [t["projects"][i % len(t["projects"])], proj])
        if i % 16 == 0:
            src, kind = t["withpip"][(i // 16) % len(t["withpip"])], "pip"
        elif i % 4 == 1:
            src, kind = t["packaged"][(i // 4) % len(t["packaged"])], "packaged"
        else:
            src, kind = t["bare"][i % len(t["bare"])], "bare"
        kinds[kind] += 1
        run(CP + [src, env_place(tmp, proj, i)])
        if i and i % 100 == 0:
            log("  %d/%d" % (i, n))
    return finish(root, tmp, stamp, {"layout": LAYOUT, "envs": n, "kinds": kinds}, t0)


def env_place(tmp, proj, i):
    where = i % 4
    if where == 0:
        return os.path.join(tmp, "envs", "env-%04d" % i)
    if where == 1:
        return os.path.join(proj, ".venv")
    if where == 2:
        return os.path.join(proj, "venv")
    os.makedirs(os.path.join(proj, "tools"), exist_ok=True)
    return os.path.join(proj, "tools", ".venv")

# ---------------------------------------------------------------- heavy tree


def build_heavy_templates(cache, t):
    """CACHE/templates-heavy: per Python, an env with pip (ensurepip) and 10 of
    24 generated packages (modules and a data file) installed by pip with
    bytecode; every third (Python 3.8+) also gets Debian's setuptools and wheel."""
    tdir = os.path.join(cache, "templates-heavy")
    stamp = os.path.join(tdir, "stamp.json")
    meta = cached(stamp, tdir, HEAVY_LAYOUT)
    if meta:
        return rebase(meta, tdir, ("envs", "project"))
    shutil.rmtree(tdir, ignore_errors=True)
    os.makedirs(tdir)
    log("bench: building heavy templates in %s" % tdir)
    wheels = os.path.join(tdir, "wheels")
    os.makedirs(wheels)
    names = [write_wheel(wheels, "heavy-%02d" % i, "1.%d.0" % i,
                         [100 + 80 * ((i + j) % 9) for j in range(8)], data_kb=60 + 10 * (i % 8))
             for i in range(24)]
    debian = sorted(glob.glob("/usr/share/python-wheels/setuptools-*.whl")
                    + glob.glob("/usr/share/python-wheels/wheel-*.whl"))
    neutral = os.path.join(tdir, "neutral")
    os.makedirs(neutral)
    envs, pys = [], []
    for k, py in enumerate(t["pythons"]):
        e = os.path.join(tdir, "heavy-%d" % k)
        r = subprocess.run([py, "-m", "venv", e], capture_output=True, text=True)
        if r.returncode != 0:
            notes.append("heavy tree: no pip env with %s" % py)
            shutil.rmtree(e, ignore_errors=True)
            continue
        epy = os.path.join(e, "bin", "python")
        pip_install(epy, ["--find-links", wheels] + [names[(k * 7 + j) % 24] for j in range(10)], neutral)
        if k % 3 == 0 and debian and py_version(py) >= (3, 8):
            pip_install(epy, debian, neutral)
        envs.append(e)
        pys.append("%d.%d" % py_version(py))
    if not envs:
        sys.exit("bench/run.sh: could not make any environment with pip for the heavy tree")
    proj = os.path.join(tdir, "project")
    os.makedirs(proj)
    src_tree(proj, 30, 4, 3)
    git_repo(proj)
    meta = {"layout": HEAVY_LAYOUT, "envs": envs, "pythons": pys, "project": proj}
    with open(stamp, "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def build_heavy(cache, t, n=200):
    """CACHE/tree-heavy: n envs with pip and packages, each in a small git project."""
    root = os.path.join(cache, "tree-heavy")
    stamp = root + ".json"
    meta = cached(stamp, root, HEAVY_LAYOUT)
    if meta:
        return root, meta
    h = build_heavy_templates(cache, t)
    root, tmp, t0 = start(cache, "tree-heavy")
    os.makedirs(os.path.join(tmp, "projects"))
    os.makedirs(os.path.join(tmp, "envs"))
    copies([(h["project"], os.path.join(tmp, "projects", "p%04d" % i)) for i in range(n)])
    copies([(h["envs"][i % len(h["envs"])], env_place(tmp, os.path.join(tmp, "projects", "p%04d" % i), i))
            for i in range(n)])
    return finish(root, tmp, stamp, {"layout": HEAVY_LAYOUT, "envs": n, "pythons": h["pythons"],
                                     "kinds": {"pip": n, "packaged": 0, "bare": 0}}, t0)

# ---------------------------------------------------------------- whole home


def home_chunks(cache):
    """CACHE/templates-home: a node_modules (300 packages, empty .js files), a
    real git repository with 1,000 loose objects, a .cache-like hashed tree."""
    tdir = os.path.join(cache, "templates-home")
    stamp = os.path.join(tdir, "stamp.json")
    if cached(stamp, tdir, HOME_LAYOUT):
        return tdir
    shutil.rmtree(tdir, ignore_errors=True)
    os.makedirs(tdir)
    nm = os.path.join(tdir, "nm")
    node_modules(nm, 300, files=10, empty=True)
    repo = os.path.join(tdir, "repo")
    src_tree(repo, 60, 4, 2)
    git_repo(repo)
    blobs = os.path.join(tdir, "blobs")
    os.makedirs(blobs)
    paths = []
    for i in range(1000):
        p = os.path.join(blobs, "b%04d" % i)
        with open(p, "w") as f:
            f.write("blob %d\n" % i)
        paths.append(p)
    run(GIT + ["hash-object", "-w", "--stdin-paths"], cwd=repo, input="\n".join(paths) + "\n",
        text=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(blobs)
    cch = os.path.join(tdir, "cache")
    for i in range(3000):
        h = "%040x" % (i * 2654435761 % (1 << 160))
        d = os.path.join(cch, "http", h[0], h[1], h[2])
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, h), "w") as f:
            f.write("x")
        e = os.path.join(cch, "cache2", "entries")
        os.makedirs(e, exist_ok=True)
        open(os.path.join(e, h[:32].upper()), "w").close()
    with open(stamp, "w") as f:
        json.dump({"layout": HOME_LAYOUT}, f)
    return tdir


def build_home(cache, t, nenvs=300):
    """CACHE/tree-home: ~2 million entries: 420 projects under code/ (400 git
    repositories, 330 node_modules), ~/.cache, ~/.npm, photos, and nenvs envs
    (mostly bare) in projects, ~/.virtualenvs, pipenv's folder and deep folders."""
    root = os.path.join(cache, "tree-home")
    stamp = root + ".json"
    meta = cached(stamp, root, HOME_LAYOUT)
    if meta:
        return root, meta
    ch = home_chunks(cache)
    root, tmp, t0 = start(cache, "tree-home")
    nproj = 420
    jobs = []
    for i in range(nproj):
        p = os.path.join(tmp, "code", "proj-%03d" % i)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if i < 400:
            jobs.append((os.path.join(ch, "repo"), p))
        else:
            os.makedirs(p)
            src_tree(p, 20, 2, 1)
    copies(jobs)
    # node_modules and caches are hard links to one chunk (cp -al): a walker
    # that only lists names (find, fd, discovery) meets every directory and
    # entry as in a real home; du would count each file once.
    jobs = [(os.path.join(ch, "nm", "node_modules"), os.path.join(tmp, "code", "proj-%03d" % i, "node_modules"))
            for i in range(nproj) if i % 14 < 11]   # 330 of 420
    jobs += [(os.path.join(ch, "cache"), os.path.join(tmp, ".cache", "tool-%d" % i)) for i in range(4)]
    os.makedirs(os.path.join(tmp, ".npm", "_cacache"))
    jobs += [(os.path.join(ch, "nm", "node_modules"), os.path.join(tmp, ".npm", "_cacache", "c%02d" % i))
             for i in range(20)]
    os.makedirs(os.path.join(tmp, ".cache"), exist_ok=True)
    copies(jobs, link=True)
    for y in range(2016, 2026):
        for m in range(1, 13):
            d = os.path.join(tmp, "Pictures", str(y), "%02d" % m)
            os.makedirs(d)
            for k in range(100):
                with open(os.path.join(d, "IMG_%04d.jpg" % k), "wb") as f:
                    f.write(b"\xff\xd8\xff\xe0 bench photo %d" % k)
    kinds = {"pip": 0, "packaged": 0, "bare": 0}
    jobs = []
    for i in range(nenvs):
        if i % 30 == 0:
            src, kind = t["withpip"][(i // 30) % len(t["withpip"])], "pip"
        elif i % 10 == 1:
            src, kind = t["packaged"][(i // 10) % len(t["packaged"])], "packaged"
        else:
            src, kind = t["bare"][i % len(t["bare"])], "bare"
        kinds[kind] += 1
        jobs.append((src, home_env_place(tmp, i)))
    copies(jobs)
    return finish(root, tmp, stamp, {"layout": HOME_LAYOUT, "envs": nenvs, "kinds": kinds}, t0)


def copies(jobs, width=4, link=False):
    """cp -a (cp -al with link) each (src, dst), a few at a time: on a busy
    disk one copy at a time mostly waits."""
    from concurrent.futures import ThreadPoolExecutor
    cp = CP[:-1] + ["-al"] if link else CP
    with ThreadPoolExecutor(width) as ex:
        for k, _ in enumerate(ex.map(lambda j: run(cp + [j[0], j[1]]), jobs)):
            if k % 500 == 499:
                log("  copies %d/%d" % (k + 1, len(jobs)))


def home_env_place(tmp, i):
    w = i % 10
    if w < 5:
        d = os.path.join(tmp, "code", "proj-%03d" % i, ".venv" if i % 3 else "venv")
    elif w < 7:
        d = os.path.join(tmp, ".virtualenvs", "env-%03d" % i)
    elif w < 9:
        d = os.path.join(tmp, ".local", "share", "virtualenvs", "proj-%03d-Ab3dEf9h" % i)
    else:
        d = os.path.join(tmp, "work", "clients", "c%d" % (i % 7), "projects", "x%03d" % i, "services", ".venv")
    os.makedirs(os.path.dirname(d), exist_ok=True)
    return d

# ---------------------------------------------------------------- 10,000 envs


def build_10k(cache, t, n=10000):
    """CACHE/tree-10k: n envs (1 in 50 with pip and 60 packages, 1 in 10 with
    20 packages, the rest bare) in tiny projects, placed as in the light trees."""
    root = os.path.join(cache, "tree-10k")
    stamp = root + ".json"
    meta = cached(stamp, root, TENK_LAYOUT)
    if meta:
        return root, meta
    root, tmp, t0 = start(cache, "tree-10k")
    os.makedirs(os.path.join(tmp, "projects"))
    os.makedirs(os.path.join(tmp, "envs"))
    kinds = {"pip": 0, "packaged": 0, "bare": 0}
    jobs = []
    for i in range(n):
        proj = os.path.join(tmp, "projects", "p%05d" % i)
        os.makedirs(os.path.join(proj, "src"))
        for k in range(4):
            with open(os.path.join(proj, "src", "m%d.py" % k), "w") as f:
                f.write("x = %d\n" % k)
        if i % 50 == 0:
            src, kind = t["withpip"][(i // 50) % len(t["withpip"])], "pip"
        elif i % 10 == 1:
            src, kind = t["packaged"][(i // 10) % len(t["packaged"])], "packaged"
        else:
            src, kind = t["bare"][i % len(t["bare"])], "bare"
        kinds[kind] += 1
        jobs.append((src, env_place(tmp, proj, i)))
    copies(jobs)
    return finish(root, tmp, stamp, {"layout": TENK_LAYOUT, "envs": n, "kinds": kinds}, t0)
