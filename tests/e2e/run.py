#!/usr/bin/env python3
"""End-to-end tests of venvscope against real environments.

    VENVSCOPE=build/test/venvscope python3 tests/e2e/run.py [-k TEXT] [--keep] [-j N]

Makes real environments with every Python on this machine (python3 on PATH,
/usr/bin/python3.*, ~/.pyenv/versions/*/bin/python) in one temp folder, works
out the truth about each from independent sources (the env's own python,
importlib.metadata, du, find, lstat, pyvenv.cfg), runs the binary in a sandbox
(temp HOME, XDG_*, cwd; no PIP_*) and compares every field. Prints one line
per test and ends with `e2e: N passed, N failed, N skipped`; exits 1 on any
failure. Stdlib only."""

import argparse
import concurrent.futures as cf
import os
import pickle
import shutil
import signal
import sys
import threading
import traceback
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
# Which processes are the suite's own (truth.InUse): set before any worker
# is forked.
os.environ["VS_E2E_SUITE_PID"] = str(os.getpid())

import fixtures  # noqa: E402
import fixtures_more  # noqa: E402
import pythons  # noqa: E402
import tests_actions  # noqa: E402
import tests_actions_browser  # noqa: E402
import tests_bounded  # noqa: E402
import tests_browser  # noqa: E402
import tests_defects  # noqa: E402
import tests_delete  # noqa: E402
import tests_delete_hard  # noqa: E402
import tests_dupes  # noqa: E402
import tests_edge  # noqa: E402
import tests_escape  # noqa: E402
import tests_freeze  # noqa: E402
import tests_fix15  # noqa: E402
import tests_freeze_target  # noqa: E402
import tests_git  # noqa: E402
import tests_git_hard  # noqa: E402
import tests_install  # noqa: E402
import tests_glitch  # noqa: E402
import tests_main  # noqa: E402
import tests_noexec  # noqa: E402
import tests_opts  # noqa: E402
import tests_paths  # noqa: E402
import tests_pythons  # noqa: E402
import tests_shape  # noqa: E402
import tests_signals  # noqa: E402
import tests_space  # noqa: E402
import tests_space_browser  # noqa: E402
import tests_caches  # noqa: E402
import tests_config  # noqa: E402
import tests_conda  # noqa: E402
import tests_guard  # noqa: E402
import tests_rebuild  # noqa: E402
import tests_story  # noqa: E402
import tests_keys18  # noqa: E402  (issue 18: keys)
import truth  # noqa: E402
from harness import Group, Results, Runner  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))


def resolve_binary():
    b = os.environ.get("VENVSCOPE") or "venvscope"
    if os.path.isabs(b):
        return b
    cand = os.path.join(REPO, b)
    if not os.path.exists(cand) and os.path.exists(os.path.abspath(b)):
        cand = os.path.abspath(b)
    return cand


def run_pool(jobs, workers, results, filt=None):
    """Runs (name, fn) jobs; each fn returns a Group (or None). Results are
    printed in submission order as they become available."""
    with cf.ThreadPoolExecutor(max_workers=workers) as pool:
        futs = [(name, pool.submit(fn)) for name, fn in jobs]
        for name, fut in futs:
            try:
                grp = fut.result()
            except Exception as e:  # a bug in a test is a failure, not a crash
                grp = Group()
                grp.fail(name, ["test raised %s: %s" % (type(e).__name__, e)])
            if grp is not None:
                items = grp.items
                if filt:
                    items = [i for i in items if filt in i[1]]
                results.emit(items)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-k", metavar="TEXT", help="only report tests whose name contains TEXT")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (printed) for --reuse")
    ap.add_argument("--reuse", metavar="DIR", help="reuse the environments a --keep run left in DIR "
                    "(for quick re-runs while working on the binary; DIR is kept)")
    ap.add_argument("--only", metavar="TEXT", action="append",
                    help="run only the test jobs whose name contains TEXT (repeatable; fixtures are "
                    "still built unless --reuse)")
    ap.add_argument("--no-browser", action="store_true",
                    default=os.environ.get("E2E_NO_BROWSER") == "1",
                    help="leave out the browser sessions in tmux (every job named '... browser ...'); "
                    "the command-line tests only, as the sanitizer pass of CI runs them "
                    "(also E2E_NO_BROWSER=1)")
    ap.add_argument("-j", type=int, default=max(4, (os.cpu_count() or 2) * 2), help="parallel jobs")
    args = ap.parse_args()

    t0 = time.time()
    os.umask(0o022)
    results = Results()
    binary = resolve_binary()
    if args.reuse:
        base = os.path.realpath(args.reuse)
        args.keep = True
    else:
        base = os.path.realpath(tempfile.mkdtemp(prefix="venvscope-e2e-"))
    os.chmod(base, 0o755)  # the permission tests run as nobody
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    try:
        run(args, results, binary, base, t0)
    except KeyboardInterrupt:
        results.emit([("fail", "suite", ["interrupted"])])
    except Exception:
        results.emit([("fail", "suite", ["the suite itself crashed:\n" + traceback.format_exc()])])
    finally:
        if args.keep:
            print("e2e: kept %s" % base)
        else:
            fixtures.rmtree_all(base)
    extra = ", %d skipped" % results.skipped if results.skipped else ""
    print("e2e: %d passed, %d failed%s" % (results.passed, results.failed, extra))
    sys.stdout.flush()
    return 1 if results.failed else 0


def run(args, results, binary, base, t0):
    print("e2e: binary %s" % binary)
    print("e2e: temp folder %s" % base)
    runner = Runner(binary, base)
    if args.reuse:
        fx = reuse(base, runner)
    else:
        fx = build(args, results, base, runner, t0)
    if fx is None:
        return
    if args.keep and not args.reuse:
        lock, fx.lock = fx.lock, None
        with open(os.path.join(base, "state.pickle"), "wb") as f:
            pickle.dump(fx, f)
        fx.lock = lock
    test(args, results, binary, runner, fx, t0)


def build(args, results, base, runner, t0):
    pys, skipped = pythons.discover(os.path.join(base, "probe-home"))
    for exe, why in skipped:
        results.emit([("skip", "python " + exe, why)])
    if not pys:
        results.emit([("fail", "pythons", ["no Python with the venv module found"])])
        return None
    fast = pythons.pick_fast(pys)
    print("e2e: pythons: %s; cheap envs with %s" % (", ".join(map(repr, pys)), fast.label))
    fx = fixtures.Fixtures(base, pys, fast)
    jobs = []
    browser_fx = [] if args.no_browser else tests_browser.fixture_tasks(fx)
    for name, fn in (fx.tasks() + fixtures_more.tasks(fx, runner) + browser_fx
                     + tests_freeze.fixture_tasks(fx, runner) + tests_signals.fixture_tasks(fx)):
        def job(name=name, fn=fn):
            g = Group()
            t = time.time()
            try:
                fn()
            except Exception as e:
                g.fail("fixture " + name, ["%s: %s" % (type(e).__name__, e)])
            fx.timings.append((name, time.time() - t))
            return g
        jobs.append(("fixture " + name, job))
    jobs.sort(key=lambda j: j[0] != "fixture freeze: features")  # the longest builder starts first
    run_pool(jobs, max(2, args.j), results)
    slow = sorted(fx.timings, key=lambda x: -x[1])[:4]
    print("e2e: slowest fixtures: " + ", ".join("%s %.1fs" % x for x in slow))
    for name, why in fx.skips:
        results.emit([("skip", name, why)])
    print("e2e: %d environments built in %.1fs" % (len(fx.envs), time.time() - t0))
    return fx


def reuse(base, runner):
    with open(os.path.join(base, "state.pickle"), "rb") as f:
        fx = pickle.load(f)
    fx.lock = threading.Lock()
    fixtures.rmtree_all(os.path.join(base, "inv")) if os.path.isdir(os.path.join(base, "inv")) else None
    nb = os.path.join(base, "bin", "venvscope")
    if os.path.exists(runner.binary):
        shutil.copy2(runner.binary, nb)
        os.chmod(nb, 0o755)
    runner.nobody_binary = nb
    print("e2e: reusing %d environments" % len(fx.envs))
    return fx


def test(args, results, binary, runner, fx, t0):
    ctx = tests_main.Ctx(runner, fx)
    fx.notes = list(fx.notes)
    now = time.time()

    def compute(env):
        try:
            ctx.truth[env.path] = truth.compute(env.path, runnable=env.runnable, manager=env.manager, now=now)
            for n in ctx.truth[env.path][1]["notes"]:
                fx.note("%s: %s" % (ctx.label(env.path), n))
        except Exception as e:
            ctx.truth[env.path] = e
    with cf.ThreadPoolExecutor(max_workers=max(2, args.j)) as pool:
        list(pool.map(compute, fx.envs))
    # Which envs share files (hard links) is a fact about the set: every
    # fixture env against every other; a test listing a part of the tree
    # sees the same pairs as long as it lists both (the pairs are siblings).
    share = truth.sharing_of([e.path for e in fx.envs if not isinstance(ctx.truth[e.path], Exception)])
    for p, others in share.items():
        # list names the first 10 in its order (by path by default)
        ctx.truth[p][0]["shared_with"] = others[:10]
        ctx.truth[p][0]["shared_with_count"] = len(others)
    t1 = time.time()
    print("e2e: truth computed in %.1fs" % (t1 - now))
    for n in fx.notes:
        print("e2e: note: " + n)

    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        results.emit([("fail", "binary", ["%s is not an executable file (build it first: make all)" % binary])])
        return
    # The pip work of tests_actions and the browser sessions are the longest: started first.
    jobs = tests_actions.slow(ctx) + tests_browser.tests(ctx) + tests_main.tests(ctx) + tests_opts.tests(ctx)
    jobs += tests_edge.tests(ctx) + tests_actions.tests(ctx) + tests_actions_browser.tests(ctx)
    jobs += tests_freeze.tests(ctx) + tests_freeze_target.tests(ctx)
    jobs += tests_git.tests(ctx)
    jobs += tests_git_hard.tests(ctx)
    jobs += tests_bounded.tests(ctx)
    jobs += tests_noexec.tests(ctx)
    jobs += tests_signals.tests(ctx)
    jobs += tests_shape.tests(ctx)
    jobs += tests_delete_hard.tests(ctx)
    jobs += tests_escape.tests(ctx)
    jobs += tests_defects.tests(ctx)
    jobs += tests_space.tests(ctx)
    jobs += tests_space_browser.tests(ctx)
    jobs += tests_caches.tests(ctx)
    jobs += tests_dupes.tests(ctx)
    jobs += tests_paths.tests(ctx)
    jobs += tests_pythons.tests(ctx)
    jobs += tests_guard.tests(ctx)
    jobs += tests_rebuild.tests(ctx)
    jobs += tests_glitch.tests(ctx)
    jobs += tests_conda.tests(ctx)
    jobs += tests_story.tests(ctx)
    jobs += tests_fix15.tests(ctx)
    jobs += tests_keys18.tests(ctx)  # issue 18: keys
    jobs += tests_config.tests(ctx)  # issue 18: the config file, remembered settings
    jobs += tests_install.tests(ctx)
    dl = tests_delete.tests(ctx)  # its first job (three pip envs) is long: started first
    jobs = dl[:1] + jobs + dl[1:]
    if args.only:
        jobs = [j for j in jobs if any(o in j[0] for o in args.only)]
    if args.no_browser:
        left = [j[0] for j in jobs if "browser" in j[0].split()]
        jobs = [j for j in jobs if "browser" not in j[0].split()]
        results.emit([("skip", "the %d browser sessions" % len(left), "--no-browser (E2E_NO_BROWSER=1): "
                       "the command-line tests only")])
    run_pool(jobs, max(2, args.j), results, filt=args.k)
    if tests_browser.DURATIONS:
        d = sorted(tests_browser.DURATIONS, key=lambda x: -x[1])
        print("e2e: browser sessions: %.1fs in all, longest %s" % (
            sum(x[1] for x in d), ", ".join("%s %.1fs" % x for x in d[:3])))
    print("e2e: tests ran in %.1fs; total %.1fs" % (time.time() - t1, time.time() - t0))


if __name__ == "__main__":
    sys.exit(main())
