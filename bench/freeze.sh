#!/bin/sh
# venvscope freeze against pip freeze on the same environment.
#
#   bench/freeze.sh [PYTHON] [RUNS] [PACKAGES]
#
# Makes (offline, in a temp folder) an environment with PYTHON (default
# python3) holding PACKAGES (default 60) packages installed by pip from
# wheels built here, then times RUNS (default 11) runs of each command,
# interleaved, and prints the medians as a table:
#
#   venvscope freeze ENV -o -          ($VENVSCOPE, default ./venvscope)
#   ENV/bin/python -m pip freeze       (no PIP_* variables, from an empty folder)
#
# The two outputs are compared first (an untimed run of each, which also
# lets pip cache its bytecode): the timings only count when they are the
# same bytes.
set -eu

PY=${1:-python3}
RUNS=${2:-11}
PKGS=${3:-60}
VS=${VENVSCOPE:-./venvscope}
case $VS in /*) ;; *) VS=$(pwd)/$VS ;; esac
[ -x "$VS" ] || { echo "bench/freeze.sh: $VS is not built (make all)" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for v in $(env | sed -n 's/^\(PIP_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
# pip runs as it does for users: with its bytecode cached (the first,
# untimed run writes it).
unset PYTHONDONTWRITEBYTECODE PYTHONPATH

"$PY" - "$TMP" "$PKGS" "$RUNS" "$VS" <<'EOF'
import glob, os, statistics, subprocess, sys, sysconfig, time, zipfile

tmp, npkgs, runs, vs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
wheels, env, neutral = (os.path.join(tmp, d) for d in ("wheels", "env", "neutral"))
os.makedirs(wheels)
os.makedirs(neutral)

# PACKAGES small wheels, names and versions of every shape.
names = []
for i in range(npkgs):
    name, ver = ("Pkg_%03d" % i if i % 3 else "pkg-%03d.x" % i), "%d.%d.%d" % (i % 7, i % 13, i)
    dist = name.replace("-", "_")
    info = "%s-%s.dist-info" % (dist, ver)
    with zipfile.ZipFile(os.path.join(wheels, "%s-%s-py3-none-any.whl" % (dist, ver)), "w") as z:
        z.writestr("%s/__init__.py" % dist.replace(".", "_").lower(), "")
        z.writestr(info + "/METADATA", "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: bench\n\n%s\n"
                   % (name, ver, "long description line\n" * 40))
        z.writestr(info + "/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(info + "/RECORD", "")
    names.append(name)

# pip >= 23 from the machine: this Python's ensurepip, else /usr/share/python-wheels.
stdlib = sysconfig.get_paths()["stdlib"]
def by_version(paths):
    key = lambda p: [int(x) for x in os.path.basename(p).split("-")[1].split(".") if x.isdigit()]
    return sorted(paths, key=key, reverse=True)
cands = (by_version(glob.glob(os.path.join(stdlib, "ensurepip", "_bundled", "pip-*.whl"))) +
         by_version(glob.glob("/usr/share/python-wheels/pip-*.whl")))
if not cands:
    sys.exit("bench/freeze.sh: no pip wheel on this machine")
subprocess.run([sys.executable, "-m", "venv", "--without-pip", env], check=True)
py = os.path.join(env, "bin", "python")
site = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                      check=True, capture_output=True, text=True).stdout.strip()
zipfile.ZipFile(cands[0]).extractall(site)
subprocess.run([py, "-m", "pip", "install", "-q", "--no-index", "--find-links", wheels,
                "--disable-pip-version-check"] + names, check=True, cwd=neutral)

cmds = {"venvscope freeze ENV -o -": [vs, "freeze", env, "-o", "-"],
        "ENV/bin/python -m pip freeze": [py, "-m", "pip", "freeze"]}
outs = {k: subprocess.run(c, capture_output=True, cwd=neutral, check=True).stdout for k, c in cmds.items()}
same = len(set(outs.values())) == 1
times = {k: [] for k in cmds}
for _ in range(runs):
    for k, c in cmds.items():
        t = time.perf_counter()
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=neutral, check=True)
        times[k].append(time.perf_counter() - t)

pipv = subprocess.run([py, "-m", "pip", "--version"], capture_output=True, text=True).stdout.split()[1]
print("environment: Python %s, pip %s, %d packages (%d lines of freeze output)"
      % (sys.version.split()[0], pipv, npkgs, outs[list(cmds)[1]].count(b"\n")))
print("outputs identical: %s" % ("yes" if same else "NO"))
print()
print("| command | runs | median | min | max |")
print("| --- | ---: | ---: | ---: | ---: |")
med = {}
for k, v in times.items():
    med[k] = statistics.median(v)
    print("| `%s` | %d | %.1f ms | %.1f ms | %.1f ms |" % (k, len(v), med[k] * 1e3, min(v) * 1e3, max(v) * 1e3))
a, b = med[list(cmds)[0]], med[list(cmds)[1]]
print()
print("venvscope freeze is %.0f times faster (median)" % (b / a))
sys.exit(0 if same else 1)
EOF
