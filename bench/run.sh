#!/bin/bash
# venvscope benchmark (issues 8 and 17): venvscope against du, gdu, ncdu, dua,
# find and fd on trees of real environments, warm and cold, plus freeze
# against pip freeze and the browser's first row / scan done instants.
# Prints a table and writes bench/RESULTS.md (from bench/RESULTS.json, which
# keeps each tree's last measurement). A script, not a test: it reports, it
# never fails on a miss. The harness is bench/bench.py; the trees are built
# by bench/trees.py and the page by bench/report.py.
#
#   bench/run.sh                       (make bench does the same after make all)
#
# Knobs (environment):
#   BENCH_TREES="light heavy home 10k" which trees to measure (light = the
#                              BENCH_SIZES trees); a partial run rewrites only
#                              its trees' rows, the others stay as measured;
#                              "freeze" times only freeze (light does too)
#   BENCH_CACHE=DIR            where trees are built and kept (default
#                              bench/.cache); share one between worktrees
#   BENCH_OUT=FILE             the page to write (default bench/RESULTS.md;
#                              its results store is FILE with .json)
#   BENCH_SIZES="50 200 800"   environments per light tree
#   BENCH_ROUNDS=5             warm interleaved rounds per tree (BENCH_ROUNDS_BIG
#   BENCH_ROUNDS_BIG=3         for trees of 500,000+ entries)
#   BENCH_COLD_ROUNDS=3        cold rounds: each tool's run follows a sync and
#                              echo 3 > /proc/sys/vm/drop_caches (needs root;
#                              without it the page says cold is not measurable)
#   BENCH_COLD_ROUNDS_BIG=1    cold rounds for trees of 500,000+ entries but the
#                              whole-home one (a cold run there is 10-30 s a tool)
#   BENCH_COLD=0               no cold rounds
#   BENCH_REBUILD=1            throw the cached trees away first
#   VENVSCOPE=./venvscope      the binary to measure
#   BENCH_LABEL=TEXT           what the measured binary is (e.g. its commit), kept
#                              in RESULTS.md; BENCH_TREES="" only rewrites the page
#   BENCH_BASELINE=PATH        an older venvscope binary, timed in the same rounds
#                              (`list --json`): the cost of a change, as a ratio
#   BENCH_BASELINE_LABEL=TEXT  what the baseline is, for RESULTS.md
#
# Trees (bench/trees.py has the recipes): real environments made offline by
# this machine's pyenv Pythons (python3 alone works too, with fewer kinds),
# with pip from ensurepip and packages installed by pip from wheels built
# here, copied with cp -a to scale:
#   light   50, 200 and 800 envs in projects with sources, git, node_modules
#   heavy   200 envs with pip and packages (several Pythons): ~300k entries, ~4 GB
#   home    a home folder: 300 envs among ~2 million other entries
#   10k     10,000 mostly small envs (memory, time per entry against 800)
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

exec "$HARNESS" "$TOP/bench/bench.py" "$TOP" "$VS" "$BASE"
