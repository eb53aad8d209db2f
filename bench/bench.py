"""venvscope's benchmark harness (bench/run.sh runs it): builds or reuses the
trees (bench/trees.py), times venvscope and its peers on each in interleaved
rounds, warm and cold, and writes the results (bench/report.py).

  argv: TOP VENVSCOPE BASELINE("" for none)

Knobs (environment), documented in bench/run.sh.
"""
import json, os, re, shutil, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report, trees  # noqa: E402

TOP, VS, BASE = sys.argv[1], sys.argv[2], sys.argv[3]
CACHE = os.path.abspath(os.environ.get("BENCH_CACHE") or os.path.join(TOP, "bench", ".cache"))
SELECT = os.environ.get("BENCH_TREES", "light heavy home 10k").split()
OUT = os.path.abspath(os.environ.get("BENCH_OUT") or os.path.join(TOP, "bench", "RESULTS.md"))
STORE = os.path.splitext(OUT)[0] + ".json"
SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "50 200 800").split()]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
ROUNDS_BIG = int(os.environ.get("BENCH_ROUNDS_BIG", "3"))
COLD_ROUNDS = int(os.environ.get("BENCH_COLD_ROUNDS", "3"))
COLD_ROUNDS_BIG = int(os.environ.get("BENCH_COLD_ROUNDS_BIG", "1"))
DROP = "/proc/sys/vm/drop_caches"
COLD = os.environ.get("BENCH_COLD", "1") != "0" and os.access(DROP, os.W_OK)
DEVNULL = subprocess.DEVNULL
log = trees.log

# What each kind of tree measures: warm commands, cold commands, cold rounds,
# whether the browser runs. Trees of 500,000+ entries get BENCH_ROUNDS_BIG warm
# and BENCH_COLD_ROUNDS_BIG cold rounds (a cold run there takes 10-30 s a tool),
# except the whole-home tree, whose cold discovery is a target. The whole-home tree (2 million entries) times the
# walkers that prune (venvscope) against the ones that only list names (find,
# fd); the 10k tree is about memory and time per entry.
ALL_WARM = ["vs_full", "vs_nogit", "vs_base", "du", "gdu", "ncdu", "dua", "vs_disc", "find", "fdfind"]
ALL_COLD = ["vs_full", "vs_disc", "du", "gdu", "ncdu", "dua", "find", "fdfind"]
PLANS = {
    "light": {"warm": ALL_WARM, "cold": ALL_COLD, "browser": True},
    "heavy": {"warm": ALL_WARM, "cold": ALL_COLD, "browser": True},
    "home": {"warm": ["vs_full", "vs_disc", "find", "fdfind"], "cold": ["vs_full", "vs_disc", "find", "fdfind"],
             "browser": False},
    "10k": {"warm": ["vs_full", "vs_nogit", "vs_disc", "du"], "cold": ["vs_full", "du", "find", "fdfind"],
            "browser": False},
}


def drop_caches():
    os.sync()
    with open(DROP, "w") as f:
        f.write("3\n")


def timed(cmd, cwd=None, cold=False):
    if cold:
        drop_caches()
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=DEVNULL, stderr=DEVNULL, cwd=cwd)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise RuntimeError("%s exited %d" % (" ".join(cmd), r.returncode))
    return dt


_sock = [0]


def browser_once(root, cold=False):
    """(first_row_ms, scan_done_ms, VmHWM kB) for one browser run in tmux."""
    _sock[0] += 1
    sock = "vsbench-%d-%d" % (os.getpid(), _sock[0])
    logf = os.path.join(CACHE, "timing-%d.log" % os.getpid())
    if os.path.exists(logf):
        os.unlink(logf)
    cmd = "exec env VENVSCOPE_TIMING_LOG=%s %s %s" % (logf, VS, root)
    if cold:
        drop_caches()
    trees.run(["tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "40", cmd])
    first = done = hwm = None
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


def profile(what, cmd, cold, trace):
    """Wall, user and sys time of one run (GNU time), and with trace the
    system calls strace -c -f counts in another, for RESULTS.md's profiles."""
    p = {"what": what, "wall": 0, "user": 0, "sys": 0, "calls": []}
    if not os.path.exists("/usr/bin/time"):
        return p
    if cold:
        drop_caches()
    r = subprocess.run(["/usr/bin/time", "-f", "@@ %e %U %S"] + cmd, stdout=DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"@@ ([\d.]+) ([\d.]+) ([\d.]+)", r.stderr)
    if m:
        p["wall"], p["user"], p["sys"] = (float(x) for x in m.groups())
    if trace and shutil.which("strace"):
        if cold:
            drop_caches()
        r = subprocess.run(["strace", "-c", "-f", "-o", "/dev/stderr"] + cmd, stdout=DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        for line in r.stderr.splitlines():
            w = line.split()
            if len(w) >= 5 and re.match(r"^[\d.]+$", w[0]) and w[-1] != "total":
                p["calls"].append({"name": w[-1], "seconds": w[1], "calls": w[3]})
    return p


PROFILES = {"heavy": [("full scan, cold", "vs_full", True, True), ("`du -sb`, cold", "du", True, False),
                      ("`fdfind`, cold", "fdfind", True, False), ("full scan, warm", "vs_full", False, True)],
            "home": [("discovery, cold", "vs_disc", True, True), ("`fdfind`, cold", "fdfind", True, False),
                     ("`find`, cold", "find", True, False)],
            "10k": [("full scan, warm", "vs_full", False, True)]}


def commands(root, have):
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
        c["ncdu"] = ["ncdu", "-0", "-x", "-o", "/dev/null", root]
    if have["fdfind"]:
        c["fdfind"] = ["fdfind", "-u", "-H", "pyvenv.cfg", root]
    if have["dua"]:
        c["dua"] = ["dua", "aggregate", root]
    return c


def check_sizes(listing):
    """Environments whose size_bytes differs from `du -sb` of the env (one du
    for all: the trees hold copies, no links between envs)."""
    paths = [e["path"] for e in listing]
    sizes = {}
    for i in range(0, len(paths), 1000):
        out = subprocess.run(["du", "-sb"] + paths[i:i + 1000], capture_output=True, text=True).stdout
        for line in out.splitlines():
            b, p = line.split("\t", 1)
            sizes[p] = int(b)
    return sum(1 for e in listing if sizes.get(e["path"]) != e["size_bytes"])


def measure(name, kind, root, meta, have):
    plan = PLANS[kind]
    allc = commands(root, have)
    warm = {k: allc[k] for k in plan["warm"] if k in allc}
    cold = {k: allc[k] for k in plan["cold"] if k in allc} if COLD else {}
    big = meta["entries"] >= 500000
    rounds = ROUNDS_BIG if big else ROUNDS
    crounds = (COLD_ROUNDS_BIG if big and kind != "home" else COLD_ROUNDS) if cold else 0
    log("bench: %s, %d envs, %d entries: warming up, %d warm rounds, %d cold" %
        (name, meta["envs"], meta["entries"], rounds, crounds))
    listing = json.loads(subprocess.run(warm["vs_full"], capture_output=True, check=True).stdout)
    r = {"kind": kind, "meta": meta, "rounds": rounds, "cold_rounds": crounds,
         "found": len(listing), "size_mismatch": check_sizes(listing),
         "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "commit": report.commit(TOP),
         "load": os.getloadavg()[0]}
    for c in warm.values():
        timed(c)
    browser = plan["browser"] and have["tmux"]
    if browser:
        browser_once(root)
    times = {k: [] for k in warm}
    br = {"first": [], "done": [], "hwm": []}
    for i in range(rounds):
        for k, c in warm.items():
            times[k].append(timed(c))
        if browser:
            for k, v in zip(("first", "done", "hwm"), browser_once(root)):
                br[k].append(v)
        log("  warm round %d/%d" % (i + 1, rounds))
    ctimes = {k: [] for k in cold}
    cbr = {"first": [], "done": [], "hwm": []}
    for i in range(crounds):
        for k, c in cold.items():
            ctimes[k].append(timed(c, cold=True))
        if browser:
            for k, v in zip(("first", "done", "hwm"), browser_once(root, cold=True)):
                cbr[k].append(v)
        log("  cold round %d/%d" % (i + 1, crounds))
    r.update({"times": times, "cold": ctimes, "browser": br if browser else None,
              "browser_cold": cbr if browser and cold else None})
    r["rss"], r["rss_how"] = peak_rss_kb(warm["vs_full"])
    r["profile"] = [profile(w, allc[k], c and COLD, tr) for w, k, c, tr in PROFILES.get(name, [])
                    if k in allc and (COLD or not c)]
    if BASE and "vs_base" in warm:
        r["rss_base"] = peak_rss_kb(warm["vs_base"])[0]
    r["load"] = max(r["load"], os.getloadavg()[0])
    return r


def freeze(t):
    """The 60-package pip env of the templates: outputs compared, then timed,
    with `true` in the same rounds: what any process costs to start here."""
    fenv = t["withpip"][0]
    fpy = os.path.join(fenv, "bin", "python")
    neutral = os.path.join(CACHE, "templates", "neutral")
    fcmds = {"vs": [VS, "freeze", fenv, "-o", "-"], "pip": [fpy, "-m", "pip", "freeze"],
             "true": [shutil.which("true") or "/bin/true"]}
    fouts = {k: subprocess.run(c, capture_output=True, cwd=neutral).stdout for k, c in fcmds.items()}
    ftimes = {k: [] for k in fcmds}
    for _ in range(max(ROUNDS, 7)):
        for k, c in fcmds.items():
            ftimes[k].append(timed(c, cwd=neutral))
    fver = subprocess.run([fpy, "-c", "import sys, pip; print(sys.version.split()[0], pip.__version__)"],
                          capture_output=True, text=True).stdout.split()
    return {"times": ftimes, "same": fouts["vs"] == fouts["pip"], "lines": fouts["pip"].count(b"\n"),
            "version": fver, "npkgs": trees.NPKGS}


def main():
    os.makedirs(CACHE, exist_ok=True)
    bad = [x for x in SELECT if x not in PLANS and x != "freeze"]
    if bad:
        sys.exit("bench/run.sh: BENCH_TREES: unknown tree %s (light heavy home 10k freeze)" % " ".join(bad))
    t0 = time.time()
    if os.environ.get("BENCH_REBUILD") == "1":
        stamps = [os.path.join(CACHE, d, "stamp.json") for d in ("templates", "templates-heavy", "templates-home")]
        names = (["tree-%d" % n for n in SIZES] if "light" in SELECT else []) + \
            ["tree-%s" % x for x in SELECT if x not in ("light", "freeze")]
        for p in stamps + [os.path.join(CACHE, n + ".json") for n in names]:
            if os.path.exists(p):
                os.unlink(p)
    t = trees.build_templates(CACHE)
    todo = []
    if "light" in SELECT:
        todo += [("%d" % n, "light") + trees.build_tree(CACHE, n, t) for n in SIZES]
    if "heavy" in SELECT:
        todo.append(("heavy", "heavy") + trees.build_heavy(CACHE, t))
    if "home" in SELECT:
        todo.append(("home", "home") + trees.build_home(CACHE, t))
    if "10k" in SELECT:
        todo.append(("10k", "10k") + trees.build_10k(CACHE, t))
    built = time.time()
    have = {x: shutil.which(x) for x in ("du", "gdu", "ncdu", "find", "tmux", "fdfind", "dua")}
    store = {}
    if os.path.exists(STORE):
        with open(STORE) as f:
            store = json.load(f)
    store.setdefault("trees", {})
    if os.environ.get("BENCH_LABEL"):
        store["label"] = os.environ["BENCH_LABEL"]
    store["cold_possible"] = os.access(DROP, os.W_OK)   # BENCH_COLD=0 is a choice, not the machine
    if not SELECT:   # BENCH_TREES="": only write the page again from the store
        write(store)
        return
    store["machine"] = report.machine(TOP, VS, BASE, have)
    store["notes"] = sorted(set(t.get("notes", []) + trees.notes))
    store["store"] = os.path.relpath(STORE, TOP) if STORE.startswith(TOP + os.sep) else os.path.basename(STORE)
    for name, kind, root, meta in todo:
        store["trees"][name] = measure(name, kind, root, meta, have)
        write(store, quiet=True)   # a run cut short keeps the trees it finished
    if "light" in SELECT or "freeze" in SELECT:
        store["freeze"] = freeze(t)
    # One record per set of trees run, the latest of each: what a run took.
    runs = [x for x in store.get("runs", []) if x["trees"] != SELECT]
    if "runtime" in store:
        old = store.pop("runtime")
        runs = [x for x in runs + [old] if x["trees"] != SELECT]
    store["runs"] = runs + [{"build_s": round(built - t0), "measure_s": round(time.time() - built),
                             "trees": SELECT, "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                             "rounds": [ROUNDS, ROUNDS_BIG, COLD_ROUNDS, COLD_ROUNDS_BIG]}]
    write(store)


def write(store, quiet=False):
    with open(STORE + ".tmp", "w") as f:
        json.dump(store, f, indent=1)
    os.replace(STORE + ".tmp", STORE)
    text = report.render(store)
    if not quiet:
        print(text)
    with open(OUT + ".tmp", "w") as f:
        f.write(text)
    os.replace(OUT + ".tmp", OUT)


if __name__ == "__main__":
    main()
