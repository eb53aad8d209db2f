#!/bin/bash
# venvscope benchmark (issue 8): venvscope against du, gdu, ncdu and find on
# synthetic trees of real environments, plus freeze against pip freeze and the
# browser's first row / scan done instants. Prints a table and writes
# bench/RESULTS.md. A script, not a test: it reports, it never fails on a miss.
#
#   bench/run.sh                       (make bench does the same after make all)
#
# Knobs (environment):
#   BENCH_SIZES="50 200 800"   environments per tree
#   BENCH_ROUNDS=5             interleaved rounds per tree (BENCH_ROUNDS_BIG for
#   BENCH_ROUNDS_BIG=3         trees of 500+ environments)
#   BENCH_REBUILD=1            throw the cached trees away first
#   VENVSCOPE=./venvscope      the binary to measure
#   BENCH_BASELINE=PATH        an older venvscope binary, timed in the same rounds
#                              (`list --json`): the cost of a change, as a ratio
#   BENCH_BASELINE_LABEL=TEXT  what the baseline is, for RESULTS.md
#
# The trees live in bench/.cache (gitignored), built once: real environments
# made offline with this machine's pyenv Pythons (python -m venv, mostly
# --without-pip; a few with pip from ensurepip and 60 packages installed by pip
# from wheels built here), copied with cp -a to scale, inside project folders
# with source files, real git repositories and node_modules folders.
set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)
VS=${VENVSCOPE:-./venvscope}
case $VS in /*) ;; *) VS=$TOP/$VS ;; esac
if [ ! -x "$VS" ] || [ "$VS" = "$TOP/venvscope" ]; then
	make -s venvscope >&2
fi
[ -x "$VS" ] || { echo "bench/run.sh: $VS is not built" >&2; exit 2; }

for v in $(env | sed -n 's/^\(PIP_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
unset PYTHONDONTWRITEBYTECODE PYTHONPATH PYTHONHOME VIRTUAL_ENV

# The harness runs on the newest pyenv Python that starts (the system's
# python3 may be broken), else any python3 that does.
HARNESS=
for p in $(ls -d "$HOME"/.pyenv/versions/3.*/bin/python 2>/dev/null | sort -V -r) python3; do
	if "$p" -c 'import sys; assert sys.version_info >= (3, 8)' >/dev/null 2>&1; then
		HARNESS=$p
		break
	fi
done
[ -n "$HARNESS" ] || { echo "bench/run.sh: no working Python 3.8+ found" >&2; exit 2; }

BASE=${BENCH_BASELINE:-}
case $BASE in "" | /*) ;; *) BASE=$TOP/$BASE ;; esac
[ -z "$BASE" ] || [ -x "$BASE" ] || { echo "bench/run.sh: BENCH_BASELINE $BASE is not a program" >&2; exit 2; }

exec "$HARNESS" - "$TOP" "$VS" "$BASE" <<'EOF'
import glob, json, os, platform, re, shutil, statistics, subprocess, sys, time, zipfile

TOP, VS, BASE = sys.argv[1], sys.argv[2], sys.argv[3]
CACHE = os.path.join(TOP, "bench", ".cache")
LAYOUT = "layout-3"   # bump when the tree recipe changes: cached trees are rebuilt
SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "50 200 800").split()]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
ROUNDS_BIG = int(os.environ.get("BENCH_ROUNDS_BIG", "3"))
NPKGS = 60
DEVNULL = subprocess.DEVNULL
notes = []

def log(*a):
    print(*a, file=sys.stderr, flush=True)

def run(cmd, **kw):
    kw.setdefault("check", True)
    return subprocess.run(cmd, **kw)

# ---------------------------------------------------------------- templates

def pythons():
    """pyenv Pythons that start and have venv, newest first."""
    found = []
    for p in sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/*/bin/python"))):
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

def make_wheels(d):
    os.makedirs(d, exist_ok=True)
    names = []
    for i in range(NPKGS):
        name, ver = ("Pkg_%03d" % i if i % 3 else "pkg-%03d.x" % i), "%d.%d.%d" % (i % 7, i % 13, i)
        dist = name.replace("-", "_")
        mod = dist.replace(".", "_").lower()
        info = "%s-%s.dist-info" % (dist, ver)
        with zipfile.ZipFile(os.path.join(d, "%s-%s-py3-none-any.whl" % (dist, ver)), "w") as z:
            z.writestr("%s/__init__.py" % mod, "VERSION = %r\n" % ver)
            for j in range(i % 6 + 2):
                z.writestr("%s/part_%d.py" % (mod, j), "def f%d(x):\n    return x * %d\n" % (j, j) * 20)
            z.writestr(info + "/METADATA", "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: bench\n\n%s\n"
                       % (name, ver, "long description line\n" * 40))
            z.writestr(info + "/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
            z.writestr(info + "/RECORD", "")
        names.append(name)
    return names

def site_packages(env):
    sp = glob.glob(os.path.join(env, "lib", "python3*", "site-packages"))
    return sp[0]

def build_templates():
    """bench/.cache/templates/{envs,projects}: one copy of every kind."""
    tdir = os.path.join(CACHE, "templates")
    stamp = os.path.join(tdir, "stamp.json")
    if os.path.exists(stamp):
        with open(stamp) as f:
            meta = json.load(f)
        if meta.get("layout") == LAYOUT:
            return meta
    shutil.rmtree(tdir, ignore_errors=True)
    os.makedirs(tdir)
    log("bench: building templates in %s" % tdir)
    pys = pythons()
    if not pys:
        sys.exit("bench/run.sh: no pyenv Python with venv on this machine")
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
        run([os.path.join(e, "bin", "python"), "-m", "pip", "install", "-q", "--no-index",
             "--find-links", wheels, "--disable-pip-version-check"] + names, cwd=neutral)
        withpip.append(e)
    if not withpip:
        sys.exit("bench/run.sh: could not make any environment with pip (ensurepip)")
    pip_py = os.path.join(withpip[0], "bin", "python")
    # --without-pip envs holding 20 packages, installed by pip (--target) from the wheels.
    for k, py in enumerate(pys):
        e = os.path.join(envs, "pkgs-%d" % k)
        run([py, "-m", "venv", "--without-pip", e])
        run([pip_py, "-m", "pip", "install", "-q", "--no-index", "--find-links", wheels,
             "--disable-pip-version-check", "--no-compile", "--target", site_packages(e)]
            + names[k * 5 % 40: k * 5 % 40 + 20], cwd=neutral)
        packaged.append(e)

    # Project folders: source trees, real git repositories, node_modules.
    projs = os.path.join(tdir, "projects")
    os.makedirs(projs)
    def src_tree(root, nfiles, ndirs):
        for i in range(nfiles):
            d = os.path.join(root, "src", "mod%02d" % (i % ndirs))
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "file_%03d.py" % i), "w") as f:
                f.write("# file %d\n" % i + "x = %d\n" % i * (i % 30 + 1))
        os.makedirs(os.path.join(root, "docs"), exist_ok=True)
        for i in range(10):
            with open(os.path.join(root, "docs", "page%d.md" % i), "w") as f:
                f.write("# page %d\n\ntext\n" % i * 20)
    def node_modules(root, npk):
        for i in range(npk):
            d = os.path.join(root, "node_modules", "npm-pkg-%03d" % i, "lib")
            os.makedirs(d)
            with open(os.path.join(d, "..", "package.json"), "w") as f:
                f.write('{"name": "npm-pkg-%03d", "version": "1.0.%d"}\n' % (i, i))
            for j in range(4):
                with open(os.path.join(d, "m%d.js" % j), "w") as f:
                    f.write("module.exports = %d;\n" % j * 10)
    def git_repo(root):
        with open(os.path.join(root, ".gitignore"), "w") as f:
            f.write(".venv/\nvenv/\nnode_modules/\n__pycache__/\n")
        g = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
             "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]
        run(g + ["init", "-q"], cwd=root)
        run(g + ["add", "-A"], cwd=root)
        run(g + ["commit", "-q", "-m", "initial"], cwd=root)
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

def count_entries(root):
    n = 0
    for dp, dns, fns in os.walk(root):
        n += len(dns) + len(fns)
    return n

def build_tree(n, t):
    """bench/.cache/tree-N: N environments in N projects (a quarter of the envs
    in a central envs/ folder)."""
    root = os.path.join(CACHE, "tree-%d" % n)
    stamp = os.path.join(CACHE, "tree-%d.json" % n)
    if os.path.exists(stamp) and os.path.isdir(root):
        with open(stamp) as f:
            meta = json.load(f)
        if meta.get("layout") == LAYOUT:
            return root, meta
    shutil.rmtree(root, ignore_errors=True)
    tmp = root + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "projects"))
    os.makedirs(os.path.join(tmp, "envs"))
    log("bench: building tree of %d environments in %s" % (n, root))
    t0 = time.time()
    kinds = {"pip": 0, "packaged": 0, "bare": 0}
    for i in range(n):
        proj = os.path.join(tmp, "projects", "p%04d" % i)
        run(["cp", "-a", t["projects"][i % len(t["projects"])], proj])
        if i % 16 == 0:
            src, kind = t["withpip"][(i // 16) % len(t["withpip"])], "pip"
        elif i % 4 == 1:
            src, kind = t["packaged"][(i // 4) % len(t["packaged"])], "packaged"
        else:
            src, kind = t["bare"][i % len(t["bare"])], "bare"
        kinds[kind] += 1
        where = i % 4
        if where == 0:
            dst = os.path.join(tmp, "envs", "env-%04d" % i)
        elif where == 1:
            dst = os.path.join(proj, ".venv")
        elif where == 2:
            dst = os.path.join(proj, "venv")
        else:
            os.makedirs(os.path.join(proj, "tools"), exist_ok=True)
            dst = os.path.join(proj, "tools", ".venv")
        run(["cp", "-a", src, dst])
        if i and i % 100 == 0:
            log("  %d/%d" % (i, n))
    os.rename(tmp, root)
    meta = {"layout": LAYOUT, "envs": n, "kinds": kinds, "entries": count_entries(root),
            "bytes": int(subprocess.run(["du", "-sb", root], capture_output=True, text=True,
                                        check=True).stdout.split()[0]),
            "build_s": round(time.time() - t0, 1)}
    with open(stamp, "w") as f:
        json.dump(meta, f, indent=1)
    log("  done in %.0f s: %d entries, %.2f GB" % (meta["build_s"], meta["entries"], meta["bytes"] / 1e9))
    return root, meta

# ---------------------------------------------------------------- timing

def timed(cmd, cwd=None):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=DEVNULL, stderr=DEVNULL, cwd=cwd)
    dt = time.perf_counter() - t
    if r.returncode not in (0,):
        raise RuntimeError("%s exited %d" % (" ".join(cmd), r.returncode))
    return dt

_sock = [0]
def browser_once(root):
    """(first_row_ms, scan_done_ms, VmHWM kB) for one browser run in tmux."""
    _sock[0] += 1
    sock = "vsbench-%d-%d" % (os.getpid(), _sock[0])
    logf = os.path.join(CACHE, "timing-%d.log" % os.getpid())
    if os.path.exists(logf):
        os.unlink(logf)
    cmd = "exec env VENVSCOPE_TIMING_LOG=%s %s %s" % (logf, VS, root)
    run(["tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "40", cmd])
    first = done = None
    hwm = None
    try:
        pid = subprocess.run(["tmux", "-L", sock, "list-panes", "-F", "#{pane_pid}"],
                             capture_output=True, text=True).stdout.strip()
        deadline = time.time() + 300
        while time.time() < deadline:
            if os.path.exists(logf):
                with open(logf) as f:
                    for line in f:
                        w = line.split()
                        if len(w) == 2 and w[0] == "first_row_ms" and first is None:
                            first = float(w[1])
                        if len(w) == 2 and w[0] == "scan_done_ms" and done is None:
                            done = float(w[1])
            try:
                with open("/proc/%s/status" % pid) as f:
                    m = re.search(r"VmHWM:\s+(\d+)", f.read())
                    if m:
                        hwm = int(m.group(1))
            except OSError:
                pass
            if done is not None:
                break
            time.sleep(0.01)
        subprocess.run(["tmux", "-L", sock, "send-keys", "q"], stdout=DEVNULL, stderr=DEVNULL)
        for _ in range(200):
            if subprocess.run(["tmux", "-L", sock, "has-session"], stdout=DEVNULL,
                              stderr=DEVNULL).returncode != 0:
                break
            time.sleep(0.02)
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], stdout=DEVNULL, stderr=DEVNULL)
    return first, done, hwm

def peak_rss_kb(cmd):
    if os.path.exists("/usr/bin/time"):
        r = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=DEVNULL, stderr=subprocess.PIPE, text=True)
        m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", r.stderr)
        if m:
            return int(m.group(1)), "/usr/bin/time -v"
    p = subprocess.Popen(cmd, stdout=DEVNULL, stderr=DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    return ru.ru_maxrss, "wait4 ru_maxrss"

def stats(v):
    v = [x for x in v if x is not None]
    if not v:
        return None
    return statistics.median(v), min(v), max(v)

# ---------------------------------------------------------------- main

def main():
    os.makedirs(CACHE, exist_ok=True)
    t = build_templates()
    for n in t.get("notes", []):
        if n not in notes:
            notes.append(n)
    trees = [(n,) + build_tree(n, t) for n in SIZES]

    have = {x: shutil.which(x) for x in ("du", "gdu", "ncdu", "find", "tmux")}
    for x in ("gdu", "ncdu", "tmux"):
        if not have[x]:
            notes.append("%s is not installed: its rows are left out" % x)

    def commands(root):
        c = {"vs_full": [VS, "list", "--json", root],
             "vs_nogit": [VS, "list", "--json", "--no-git", root],
             "vs_disc": [VS, "list", "--no-size", "--no-git", "--json", root],
             "du": ["du", "-sb", root],
             "find": ["find", root, "-name", "pyvenv.cfg"]}
        if BASE:
            c["vs_base"] = [BASE, "list", "--json", root]
        if have["gdu"]:
            c["gdu"] = ["gdu", "-n", "-p", root]
        if have["ncdu"]:
            c["ncdu"] = ["ncdu", "-0", "-o", "/dev/null", root]
        return c

    res = {}
    for n, root, meta in trees:
        cmds = commands(root)
        rounds = ROUNDS_BIG if n >= 500 else ROUNDS
        log("bench: %d environments, %d entries: warming up, then %d rounds" % (n, meta["entries"], rounds))
        # Warm the cache (and check the env count venvscope finds).
        out = subprocess.run(cmds["vs_full"], capture_output=True, check=True).stdout
        found = len(json.loads(out))
        if found != n:
            notes.append("tree-%d: venvscope list found %d environments, expected %d" % (n, found, n))
        for k, c in cmds.items():
            timed(c)
        if have["tmux"]:
            browser_once(root)
        times = {k: [] for k in cmds}
        br = {"first": [], "done": [], "hwm": []}
        for r in range(rounds):
            for k, c in cmds.items():
                times[k].append(timed(c))
            if have["tmux"]:
                f, d, h = browser_once(root)
                br["first"].append(f)
                br["done"].append(d)
                br["hwm"].append(h)
            log("  round %d/%d" % (r + 1, rounds))
        rss, how = peak_rss_kb(cmds["vs_full"])
        res[n] = {"root": root, "meta": meta, "times": times, "browser": br, "rss": rss,
                  "rss_how": how, "rounds": rounds, "found": found}
        if BASE:
            res[n]["rss_base"] = peak_rss_kb(cmds["vs_base"])[0]

    # Freeze: the 60-package pip env of the templates, outputs compared first.
    fenv = t["withpip"][0]
    fpy = os.path.join(fenv, "bin", "python")
    neutral = os.path.join(CACHE, "templates", "neutral")
    fcmds = {"vs": [VS, "freeze", fenv, "-o", "-"], "pip": [fpy, "-m", "pip", "freeze"]}
    fouts = {k: subprocess.run(c, capture_output=True, cwd=neutral).stdout for k, c in fcmds.items()}
    fsame = fouts["vs"] == fouts["pip"]
    if not fsame:
        notes.append("freeze: venvscope's output differs from pip freeze's")
    ftimes = {k: [] for k in fcmds}
    for _ in range(max(ROUNDS, 7)):
        for k, c in fcmds.items():
            ftimes[k].append(timed(c, cwd=neutral))
    fver = subprocess.run([fpy, "-c", "import sys, pip; print(sys.version.split()[0], pip.__version__)"],
                          capture_output=True, text=True).stdout.split()
    report(trees, res, ftimes, fsame, fouts["pip"].count(b"\n"), fver, have)

def ms(s):
    return "%.1f ms" % (s * 1e3) if s < 10 else "%.2f s" % s

def fmt3(v, unit_ms=True):
    if v is None:
        return "n/a"
    m, lo, hi = v
    if unit_ms:
        return "%s (%s–%s)" % (ms(m), ms(lo).replace(" ms", ""), ms(hi))
    return "%.1f (%.1f–%.1f)" % (m, lo, hi)

def report(trees, res, ftimes, fsame, flines, fver, have):
    L = []
    def out(s=""):
        L.append(s)
    sizes = [n for n, _, _ in trees]
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=TOP).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "src"],
                           capture_output=True, text=True, cwd=TOP).stdout.strip()
    tools = []
    for x, v in (("du", ["du", "--version"]), ("gdu", ["gdu", "--version"]), ("ncdu", ["ncdu", "-v"])):
        if have.get(x):
            o = subprocess.run(v, capture_output=True, text=True).stdout.splitlines()
            tools.append("%s %s" % (x, " ".join(o[:1]).replace("Version:", "").strip()))
    out("# venvscope benchmark results")
    out()
    out("Written by `bench/run.sh` (`make bench`). Warm cache, all commands of a tree interleaved in")
    out("each round; figures are medians with the spread (min–max) in brackets.")
    out()
    out("## Machine")
    out()
    out("- date: %s" % time.strftime("%Y-%m-%d %H:%M:%S %Z"))
    out("- commit: %s%s" % (commit, " (src/ has uncommitted changes)" if dirty else ""))
    out("- cpu: %s, nproc %d" % (cpu, os.cpu_count() or 0))
    out("- kernel: %s %s" % (platform.system(), platform.release()))
    out("- tools: %s" % "; ".join(tools))
    if BASE:
        bv = subprocess.run([BASE, "--version"], capture_output=True, text=True).stdout.strip()
        out("- baseline: %s (%s)" % (os.environ.get("BENCH_BASELINE_LABEL") or os.path.basename(BASE),
                                      bv or "?"))
    out()
    out("## Trees")
    out()
    out("| envs | with pip (60 pkgs) | 20 pkgs, no pip | bare | entries | size | rounds | venvscope found |")
    out("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        r = res[n]
        k = r["meta"]["kinds"]
        out("| %d | %d | %d | %d | %d | %.2f GB | %d | %d |" % (n, k["pip"], k["packaged"], k["bare"],
            r["meta"]["entries"], r["meta"]["bytes"] / 1e9, r["rounds"], r["found"]))
    out()
    out("## Absolute times")
    out()
    rows = [("vs_full", "`venvscope list --json ROOT` (full scan)"),
            ("vs_nogit", "`venvscope list --json --no-git ROOT`"),
            ("vs_base", "baseline `list --json ROOT` (BENCH_BASELINE)"),
            ("du", "`du -sb ROOT`"), ("gdu", "`gdu -n -p ROOT`"), ("ncdu", "`ncdu -0 -o /dev/null ROOT`"),
            ("vs_disc", "`venvscope list --no-size --no-git --json ROOT` (discovery)"),
            ("find", "`find ROOT -name pyvenv.cfg`")]
    out("| command | " + " | ".join("%d envs" % n for n in sizes) + " |")
    out("| --- | " + " | ".join("---:" for _ in sizes) + " |")
    for k, label in rows:
        if k not in res[sizes[0]]["times"]:
            continue
        out("| %s | %s |" % (label, " | ".join(fmt3(stats(res[n]["times"][k])) for n in sizes)))
    out("| browser: first row on screen | %s |" % " | ".join(
        fmt3(stats([x / 1e3 if x is not None else None for x in res[n]["browser"]["first"]])) for n in sizes))
    out("| browser: scan done | %s |" % " | ".join(
        fmt3(stats([x / 1e3 if x is not None else None for x in res[n]["browser"]["done"]])) for n in sizes))
    out("| browser: peak RSS (VmHWM) | %s |" % " | ".join(
        ("%.1f MB" % (max(h for h in res[n]["browser"]["hwm"] if h) / 1024)
         if any(res[n]["browser"]["hwm"]) else "n/a") for n in sizes))
    out("| `venvscope list --json` peak RSS | %s |" % " | ".join("%.1f MB" % (res[n]["rss"] / 1024) for n in sizes))
    if BASE:
        out("| baseline `list --json` peak RSS | %s |" % " | ".join("%.1f MB" % (res[n]["rss_base"] / 1024) for n in sizes))
    out()
    med = {n: {k: statistics.median(v) for k, v in res[n]["times"].items()} for n in sizes}
    out("## Ratios (of medians)")
    out()
    out("| ratio | " + " | ".join("%d envs" % n for n in sizes) + " |")
    out("| --- | " + " | ".join("---:" for _ in sizes) + " |")
    def ratio_row(label, a, b):
        if b in med[sizes[0]]:
            out("| %s | %s |" % (label, " | ".join("%.2f" % (med[n][a] / med[n][b]) for n in sizes)))
    ratio_row("venvscope full / du", "vs_full", "du")
    ratio_row("venvscope full / gdu", "vs_full", "gdu")
    ratio_row("venvscope full / ncdu", "vs_full", "ncdu")
    ratio_row("venvscope --no-git / du", "vs_nogit", "du")
    ratio_row("venvscope full / baseline full", "vs_full", "vs_base")
    ratio_row("venvscope discovery / find", "vs_disc", "find")
    out("| git's share of the full scan | %s |" % " | ".join(
        "%.0f %%" % (100 * (med[n]["vs_full"] - med[n]["vs_nogit"]) / med[n]["vs_full"]) for n in sizes))
    tpf = {n: med[n]["vs_full"] / res[n]["meta"]["entries"] * 1e9 for n in sizes}
    tpf_du = {n: med[n]["du"] / res[n]["meta"]["entries"] * 1e9 for n in sizes}
    out("| venvscope full: time per entry | %s |" % " | ".join("%.0f ns" % tpf[n] for n in sizes))
    out("| du -sb: time per entry | %s |" % " | ".join("%.0f ns" % tpf_du[n] for n in sizes))
    out()
    fv, fp = stats(ftimes["vs"]), stats(ftimes["pip"])
    fratio = fp[0] / fv[0]
    out("## Freeze, one environment")
    out()
    out("Python %s, pip %s, %d packages in the environment (%d lines of pip freeze output); outputs identical: %s."
        % (fver[0] if fver else "?", fver[1] if len(fver) > 1 else "?", NPKGS, flines, "yes" if fsame else "NO"))
    out()
    out("| command | runs | median (min–max) |")
    out("| --- | ---: | ---: |")
    out("| `venvscope freeze ENV -o -` | %d | %s |" % (len(ftimes["vs"]), fmt3(fv)))
    out("| `ENV/bin/python -m pip freeze` | %d | %s |" % (len(ftimes["pip"]), fmt3(fp)))
    out()
    out("pip freeze / venvscope freeze: %.0f×" % fratio)
    out()

    # Targets.
    def pf(ok):
        return "pass" if ok else "**miss**"
    out("## Targets (issue 8)")
    out()
    out("| what | target | measured | pass/miss |")
    out("| --- | --- | --- | --- |")
    for n in sizes:
        r = med[n]["vs_full"] / med[n]["du"]
        out("| full scan, %d envs | ≤ 0.6 × `du -sb` | %.2f × (%s vs %s) | %s |" % (n, r, ms(med[n]["vs_full"]), ms(med[n]["du"]), pf(r <= 0.6)))
    for n in sizes:
        r = med[n]["vs_disc"] / med[n]["find"]
        out("| discovery only, %d envs | ≤ 0.2 × `find -name pyvenv.cfg` | %.2f × (%s vs %s) | %s |" % (n, r, ms(med[n]["vs_disc"]), ms(med[n]["find"]), pf(r <= 0.2)))
    out("| freeze, one env (%d pkgs) | ≥ 100 × faster than pip freeze | %.0f × (%s vs %s)%s | %s |" % (NPKGS, fratio, ms(fv[0]), ms(fp[0]), "" if fsame else ", outputs differ", pf(fratio >= 100 and fsame)))
    for n in sizes:
        s = stats(res[n]["browser"]["first"])
        if s is None:
            out("| first row on screen, %d envs | ≤ 100 ms | not measured | n/a |" % n)
        else:
            out("| first row on screen, %d envs | ≤ 100 ms | %.1f ms (max %.1f) | %s |" % (n, s[0], s[2], pf(s[0] <= 100)))
    lo, hi = sizes[0], sizes[-1]
    dev = (tpf[hi] - tpf[lo]) / tpf[lo] * 100
    out("| scaling, time per entry %d → %d envs | within ±25 %% | %.0f → %.0f ns (%+.0f %%) | %s |" % (lo, hi, tpf[lo], tpf[hi], dev, pf(abs(dev) <= 25)))
    big = max(sizes)
    rss = res[big]["rss"] / 1024
    out("| memory, %d envs | peak RSS ≤ 64 MB | %.1f MB (`list --json`, %s) | %s |" % (big, rss, res[big]["rss_how"], pf(rss <= 64) if big >= 800 else "n/a (tree < 800)"))
    if big < 800:
        notes.append("the largest tree measured has %d environments: the memory target is for 800" % big)
    out()
    if notes:
        out("## Notes")
        out()
        for x in notes:
            out("- %s" % x)
        out()
    text = "\n".join(L)
    print(text)
    with open(os.path.join(TOP, "bench", "RESULTS.md"), "w") as f:
        f.write(text)

main()
EOF
