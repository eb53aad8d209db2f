"""`venvscope delete` from the command line against real environments made
by the machine's Pythons: a delete removes the env and nothing else.

Links inside the env (to a folder outside, to ~, to the base interpreter's
folders, to `/`, to its own parent, relative and absolute, a hard link),
a folder swapped for a link to outside while the delete runs (30 rounds),
mounts inside the env: every tree outside is hashed before and after. A
note line gives `venvscope delete --yes` next to `rm -rf` of an identical
large env (medians of 3, same run).

The helpers here serve the other delete modules: tests_delete_refuse.py
(refusals, permission errors, --dry-run), tests_delete_record.py (the
record, `deleted`, `recreate`, --trash), tests_delete_browser.py (`d`).
tests() returns all their jobs."""

import hashlib
import os
import re
import shutil
import stat
import statistics
import subprocess
import sys
import time
import zipfile

from browser_kit import human_size
from harness import Group, clean_environ
from truth import count_files, du_bytes

PYVENV = "pyvenv.cfg"


# ------------------------------------------------------------ helpers

def workdir(ctx, name):
    """A fresh folder for one test (emptied when --reuse left one)."""
    d = os.path.join(ctx.fx.base, "delete", name)
    if os.path.lexists(d):
        unlock(d)
        shutil.rmtree(d)
    os.makedirs(d)
    return d


def unlock(path):
    """Takes back what a test did to make removal fail (chattr +i, 0555)."""
    subprocess.run(["chattr", "-R", "-i", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for root, dirs, files in os.walk(path):
        for d in dirs:
            p = os.path.join(root, d)
            if not os.path.islink(p):
                os.chmod(p, 0o755)


def sh(args, home, cwd=None, timeout=180, env=None):
    """A helper command (python -m venv, pip, git) with a sandbox HOME."""
    os.makedirs(home, exist_ok=True)
    extra = {"HOME": home, "XDG_CACHE_HOME": os.path.join(home, ".cache"),
             "XDG_CONFIG_HOME": os.path.join(home, ".config"), "XDG_DATA_HOME": os.path.join(home, ".local/share")}
    extra.update(env or {})
    return subprocess.run([os.fsdecode(a) for a in args], cwd=cwd, env=clean_environ(extra),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


def must(p, what):
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (what, p.returncode, p.stderr.decode(errors="replace")[-500:]))
    return p


def make_venv(py, path, home, *opts):
    must(sh([py.exe, "-m", "venv"] + list(opts) + [path], home), "%s -m venv %s" % (py.exe, " ".join(opts)))
    return path


def site_packages(env):
    lib = os.path.join(env, "lib")
    (pyd,) = [d for d in os.listdir(lib) if d.startswith("python")]
    return os.path.join(lib, pyd, "site-packages")


def write(path, data, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    if mode is not None:
        os.chmod(path, mode)


def add_files(folder, n, size=200, seed=""):
    for i in range(n):
        write(os.path.join(folder, "f%03d.py" % i), ("# %s %d\n" % (seed, i)).encode() + b"x" * size)


def snapshot(root, contents=True, skip=()):
    """{relative path: description} of a tree, links never followed: kind,
    mode, size, mtime (folders too: an entry removed changes it), the link
    target or (contents) a digest. `skip`: relative paths left out with all
    under them. The root itself is '.'."""
    out = {}

    def one(p, rel):
        st = os.lstat(p)
        d = [stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_ino]
        if stat.S_ISLNK(st.st_mode):
            d.append(os.readlink(p))
        elif stat.S_ISREG(st.st_mode):
            d += [st.st_size, st.st_mtime_ns]
            if contents:
                with open(p, "rb") as f:
                    d.append(hashlib.sha256(f.read()).hexdigest())
        elif stat.S_ISDIR(st.st_mode):
            d.append(st.st_mtime_ns)
        out[rel] = tuple(d)

    if "." not in skip:
        one(root, ".")
    for r, dirs, files in os.walk(root):
        relr = os.path.relpath(r, root)
        dirs[:] = [x for x in dirs if os.path.normpath(os.path.join(relr, x)) not in skip]
        for name in dirs + files:
            rel = os.path.normpath(os.path.join(relr, name))
            if rel not in skip:
                one(os.path.join(r, name), rel)
    return out


def snap_diff(label, before, after):
    """Lines naming what changed in a tree (at most 12)."""
    out = []
    for k in sorted(set(before) | set(after)):
        if k not in after:
            out.append("%s: %s was removed" % (label, k))
        elif k not in before:
            out.append("%s: %s appeared" % (label, k))
        elif before[k] != after[k]:
            out.append("%s: %s changed: %s -> %s" % (label, k, before[k], after[k]))
    return out[:12] + (["%s: ... %d more" % (label, len(out) - 12)] if len(out) > 12 else [])


def kept_diff(label, before, after):
    """Like snap_diff for a tree others may add to (a base interpreter's
    folders): only entries removed or changed count."""
    return snap_diff(label, before, {k: v for k, v in after.items() if k in before})


def text(b):
    return b.decode("utf-8", "replace")


def expect_rc(p, rc):
    if p.timed_out:
        return ["venvscope did not finish: " + p.describe()]
    if p.rc != rc:
        return ["expected exit %d; %s\n  stdout: %s" % (rc, p.describe(), text(p.out).strip()[-600:] or "(empty)")]
    return []


def sandbox(base):
    """HOME and the XDG folders of a run, all under `base`."""
    home = os.path.join(base, "home")
    x = os.path.join(base, "xdg")
    env = {"XDG_STATE_HOME": os.path.join(x, "state"), "XDG_DATA_HOME": os.path.join(x, "data"),
           "XDG_CACHE_HOME": os.path.join(x, "cache"), "XDG_CONFIG_HOME": os.path.join(x, "config")}
    os.makedirs(home, exist_ok=True)
    return home, env


def records_in(state_home):
    d = os.path.join(state_home, "venvscope", "deleted")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def py_says(env_or_py, code, home):
    p = sh([env_or_py, "-c", code], home, timeout=60)
    return p.stdout.decode().strip() if p.returncode == 0 else None


def can_unshare():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "--propagation", "private", "true"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


# The guard: a private mount namespace where every mount is read-only but
# the suite's temp folder (bound onto itself first). A delete that follows
# a link to /, ~ or the base interpreter's folders then fails with EROFS
# instead of wiping the machine (the tests run as root). It checks itself:
# exit 97 when / is still writable.
GUARD = ('g="$1"; shift; mount --bind "$g" "$g" || exit 96; '
         'for m in $(cut -d" " -f5 /proc/self/mountinfo); do '
         '[ "$m" = "$g" ] || mount -o remount,bind,ro "$m" 2>/dev/null; done; '
         'if ( : > /.venvscope-e2e-guard ) 2>/dev/null; then rm -f /.venvscope-e2e-guard; '
         'echo "e2e guard: / is still writable" >&2; exit 97; fi; ')
_guard = {}


def ns_script(ctx, body='"$@"'):
    """argv prefix for Runner.run(wrap=...): the guard, then `body` (sh;
    "$@" is the rest of the arguments, then venvscope and its own). None
    when the guard cannot be set up (not root, no unshare): callers leave
    out what they only dare to run guarded."""
    with ctx.fx.lock:
        if "ok" not in _guard:
            ok = can_unshare()
            if ok:
                probe = os.path.join(ctx.fx.base, ".guard-probe")
                p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                    GUARD + ': > "%s" && rm "%s" && ! ( : > /etc/.venvscope-e2e-guard ) 2>/dev/null'
                                    % (probe, probe), "sh", ctx.fx.base],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                ok = p.returncode == 0
            _guard["ok"] = ok
    if not _guard["ok"]:
        return None
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", GUARD + body, "sh", ctx.fx.base]


def template_env(ctx, base, name="template"):
    """A --without-pip env of the fast Python with two hand-made packages."""
    env = make_venv(ctx.fx.fast, os.path.join(base, name), os.path.join(base, "pyhome"), "--without-pip")
    sp = site_packages(env)
    for pkg, ver in (("alpha", "1.0"), ("beta_pkg", "2.5")):
        add_files(os.path.join(sp, pkg), 5, seed=pkg)
        di = os.path.join(sp, "%s-%s.dist-info" % (pkg, ver))
        write(os.path.join(di, "METADATA"), "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (pkg, ver))
        write(os.path.join(di, "INSTALLER"), "pip\n")
        write(os.path.join(di, "RECORD"), "")
    return env


def left_count(err):
    m = re.search(r"(\d+) entr(?:y|ies) left", err)
    return int(m.group(1)) if m else None


def entries_under(path):
    return sum(len(dirs) + len(files) for _, dirs, files in os.walk(path))


# ------------------------------------------------------------ links inside

def t_links(ctx):
    """Links of every kind inside a real env: only the env goes."""
    g = Group()
    name = "delete: an env with links to outside, ~, the base interpreter, / and its parent: only the env goes"
    base = workdir(ctx, "links")
    home, xdg = sandbox(base)
    py = ctx.fx.fast
    outside = os.path.join(base, "outside")
    write(os.path.join(outside, "a.txt"), "keep me\n")
    write(os.path.join(outside, "bin.dat"), os.urandom(65536))
    write(os.path.join(outside, "run.sh"), "#!/bin/sh\necho hi\n", 0o755)
    write(os.path.join(outside, "ro.txt"), "read only\n", 0o444)
    write(os.path.join(outside, "sub", "deep", "x.py"), "X = 1\n")
    os.symlink("..", os.path.join(outside, "sub", "up"))
    write(os.path.join(home, ".bashrc"), "export A=1\n")
    write(os.path.join(home, "docs", "thesis.txt"), "chapter 1\n" * 100)
    proj = os.path.join(base, "proj")
    write(os.path.join(proj, "README"), "my project\n")
    write(os.path.join(proj, "src", "app.py"), "print('app')\n")
    env = make_venv(py, os.path.join(proj, ".venv"), os.path.join(base, "pyhome"), "--without-pip", "--symlinks")
    sp = site_packages(env)
    base_bin = os.path.dirname(os.path.realpath(py.exe))
    stdlib = py_says(py.exe, "import os, sysconfig; print(os.path.realpath(sysconfig.get_paths()['stdlib']))", home)
    guard = ns_script(ctx)
    links = {
        "out-abs": outside,
        os.path.join(sp, "out-rel"): os.path.relpath(outside, sp),
        os.path.join(sp, "pkg", "deeper", "out-rel2"): os.path.relpath(os.path.join(outside, "sub"),
                                                                        os.path.join(sp, "pkg", "deeper")),
        "home": home,
        os.path.join(sp, "home-rel"): os.path.relpath(home, sp),
        "base-bin": base_bin,
        "base-lib": stdlib,
        "file-link": os.path.join(outside, "a.txt"),
        "parent": "..",
        "root": "/",
        "dangling": os.path.join(outside, "nope"),
        "self": ".",
    }
    if not stdlib:
        del links["base-lib"]
    if guard is None:
        # Unguarded, a buggy delete following these would wipe the machine.
        for k in ("base-bin", "base-lib", "root"):
            links.pop(k, None)
        g.skip("delete: links to / and to the base interpreter's folders", "needs the guard (root and unshare -m)")
    for where, target in links.items():
        p = os.path.join(env, where)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.symlink(target, p)
    os.link(os.path.join(outside, "bin.dat"), os.path.join(env, "hard-link.dat"))
    write(os.path.join(sp, "pkg", "__init__.py"), "")

    def snaps():
        return {"outside": snapshot(outside), "home": snapshot(home),
                "project": snapshot(proj, skip={".venv", "."}),
                "base bin": snapshot(base_bin, contents=False),
                "base stdlib": snapshot(stdlib, contents=False) if stdlib else {}}
    before = snaps()
    p = ctx.runner.run(["delete", "--yes", env], home=home, env=xdg, wrap=guard)
    after = snaps()
    d = expect_rc(p, 0)
    if os.path.lexists(env):
        d.append("%s is still there: %s" % (env, sorted(os.listdir(env))[:20]))
    for label in ("outside", "home", "project"):
        # hard-link.dat shares outside/bin.dat's inode: its link count may
        # change, nothing else may.
        d += snap_diff(label, before[label], after[label])
    for label in ("base bin", "base stdlib"):
        d += kept_diff(label, before[label], after[label])
    want = "deleted %s (recipe: " % env
    if not text(p.out).startswith(want):
        d.append("stdout does not start %r: %r" % (want, text(p.out)[:300]))
    g.check(name, d)
    return g


# ------------------------------------------------------------ the race

# One process for all rounds: each stdin line "STOPFILE<TAB>OUTSIDE<TAB>VICTIM..."
# starts swapping those folders until STOPFILE exists, then prints its counts.
HELPER = r"""
import os, sys, time
for line in sys.stdin:
    stop, out, *victims = line.rstrip("\n").split("\t")
    swaps = unlinked = gone = 0
    print("ready", flush=True)
    deadline = time.monotonic() + 30
    live = list(victims)
    while live and not os.path.exists(stop) and time.monotonic() < deadline:
        for v in list(live):
            t = v + ".aside"
            try:
                os.rename(v, t)          # the folder goes aside
            except OSError:
                live.remove(v)           # deleted: nothing more to swap
                continue
            try:
                os.symlink(out, v)       # a link to outside takes its place
                swaps += 1
            except OSError:
                pass
            try:
                os.unlink(v)             # and goes again
            except FileNotFoundError:
                unlinked += 1            # venvscope removed our link (as a link)
            except OSError:
                pass
            try:
                os.rename(t, v)          # the folder comes back
            except OSError:
                gone += 1
                live.remove(v)
    print(swaps, unlinked, gone, flush=True)
"""


def t_race(ctx, rounds=30):
    g = Group()
    name = "delete: %d envs, a helper swapping folders inside for links to outside while the delete runs: nothing outside removed" % rounds
    base = workdir(ctx, "race")
    home, xdg = sandbox(base)
    outside = os.path.join(base, "outside")
    add_files(outside, 20, seed="outside")
    add_files(os.path.join(outside, "sub"), 5, seed="outside-sub")
    tpl = template_env(ctx, base)
    sp_rel = os.path.relpath(site_packages(tpl), tpl)
    names = ["victim%d" % i for i in range(8)]
    for n in names:
        add_files(os.path.join(tpl, sp_rel, n), 20, seed=n)
        add_files(os.path.join(tpl, sp_rel, n, "sub"), 5, seed=n)
    helper = os.path.join(base, "swap.py")
    write(helper, HELPER)
    before = snapshot(outside)
    d, rcs, stats = [], {}, [0, 0, 0]
    guard = ns_script(ctx)
    hp = subprocess.Popen([sys.executable, helper], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=clean_environ())
    try:
        for k in range(rounds):
            env = os.path.join(base, "envs", "e%02d" % k)
            shutil.copytree(tpl, env, symlinks=True)
            stop = os.path.join(base, "stop%02d" % k)
            hp.stdin.write(("\t".join([stop, outside] + [os.path.join(env, sp_rel, n) for n in names]) + "\n").encode())
            hp.stdin.flush()
            if hp.stdout.readline().strip() != b"ready":
                raise RuntimeError("the swapping helper did not start: %s" % text(hp.stderr.read()))
            p = ctx.runner.run(["delete", "--yes", env], home=home, env=xdg, wrap=guard)
            write(stop, "")
            nums = hp.stdout.readline().split()
            if len(nums) == 3:
                stats = [a + int(b) for a, b in zip(stats, nums)]
            rcs[p.rc] = rcs.get(p.rc, 0) + 1
            if p.timed_out or p.rc not in (0, 1):
                d.append("round %d: exit %s (0 or 1 expected): %s" % (k, p.rc, p.describe()))
            if p.rc == 0 and os.path.lexists(env):
                d.append("round %d: exit 0 but %s is still there" % (k, env))
            now = snapshot(outside)
            if now != before:
                d += ["round %d: %s" % (k, x) for x in snap_diff("outside", before, now)]
                break
    finally:
        hp.stdin.close()
        try:
            hp.wait(timeout=30)
        except subprocess.TimeoutExpired:
            hp.kill()
            hp.wait()
    ctx.fx.note("delete race: %d rounds, exits %s; the helper put a link in place %d times, venvscope "
                "removed %d of them as links, and deleted %d folders it had set aside"
                % (rounds, ", ".join("%s: %d" % kv for kv in sorted(rcs.items(), key=str)), *stats))
    if stats[0] == 0:
        d.append("the helper never managed to swap a folder for a link: the race was not exercised")
    g.check(name, d)
    return g


# ------------------------------------------------------------ mounts inside

def t_mounts_inside(ctx):
    """The walk stays on the env's filesystem: a tmpfs and a bind mount of a
    folder outside (same filesystem, so st_dev alone cannot tell) inside the
    env are left alone."""
    g = Group()
    titles = ("delete: a tmpfs mounted inside the env is not entered (exit 1, its file kept)",
              "delete: a bind mount of an outside folder inside the env is not entered (exit 1, the outside folder kept)")
    if ns_script(ctx) is None:
        for t in titles:
            g.skip(t, "needs root and unshare -m")
        return g
    base = workdir(ctx, "mounts")
    home, xdg = sandbox(base)
    tpl = template_env(ctx, base)
    outside = os.path.join(base, "outside")
    add_files(outside, 10, seed="bound")
    add_files(os.path.join(outside, "sub"), 3, seed="bound-sub")
    for title, kind in zip(titles, ("tmpfs", "bind")):
        env = os.path.join(base, "env-" + kind)
        shutil.copytree(tpl, env, symlinks=True)
        mp = os.path.join(site_packages(env), "mounted")
        os.makedirs(mp)
        mount = ('mount -t tmpfs vs-e2e "$1" && echo tmpfs-file > "$1/keep"' if kind == "tmpfs"
                 else 'mount --bind "%s" "$1"' % outside)
        body = ('%s || exit 99; shift; "$@"; rc=$?; echo "E2E-KEPT=$(ls "%s" | tr "\\n" ,)" >&2; exit $rc'
                % (mount, mp))
        before = snapshot(outside)
        p = ctx.runner.run(["delete", "--yes", env], home=home, env=xdg, wrap=ns_script(ctx, body) + [mp])
        d = expect_rc(p, 1)
        d += snap_diff("outside (bind-mounted at %s)" % mp, before, snapshot(outside))
        kept = re.search(r"E2E-KEPT=(.*)", p.err_text)
        if kind == "tmpfs" and (not kept or "keep" not in kept.group(1).split(",")):
            d.append("the file on the tmpfs is gone (the mount held: %s)" % (kept.group(1) if kept else "?"))
        if mp not in p.err_text:
            d.append("stderr does not name the mount inside, %s: %r" % (mp, p.err_text[-500:]))
        if not os.path.isdir(env):
            d.append("the env folder is gone although a mount was inside it")
        g.check(title, d)
    return g


# ------------------------------------------------------------ time

def t_timing(ctx):
    """venvscope delete --yes vs rm -rf on identical copies of a large env:
    a note, not an assertion (beyond both removing it)."""
    g = Group()
    base = workdir(ctx, "timing")
    home, xdg = sandbox(base)
    tpl = template_env(ctx, base, "big")
    whls = []
    for py in sorted(ctx.fx.pythons, key=lambda p: p.vtuple, reverse=True):
        if not py.ensurepip:
            continue
        b = py_says(py.exe, "import ensurepip, os; print(os.path.dirname(ensurepip.__file__))", os.path.join(base, "pyhome"))
        bundled = os.path.join(b or "/nonexistent", "_bundled")
        whls = [os.path.join(bundled, w) for w in sorted(os.listdir(bundled)) if w.endswith(".whl")] \
            if os.path.isdir(bundled) else []
        if whls:
            break
    sp = site_packages(tpl)
    # Three unpacked pip wheels (what a pip env holds) and 1,500 small
    # modules: a few thousand files without copying much data around.
    for i in range(3):
        if whls:
            with zipfile.ZipFile(whls[i % len(whls)]) as z:
                z.extractall(os.path.join(sp, "copy%d" % i))
    for j in range(30):
        add_files(os.path.join(sp, "small", "m%02d" % j), 50, size=400)
    nfiles, size = count_files(tpl), du_bytes(tpl, "-b")
    vs, rm, d = [], [], []
    for r in range(3):
        a, b = os.path.join(base, "vs%d" % r), os.path.join(base, "rm%d" % r)
        for x in (a, b):
            subprocess.run(["cp", "-a", "--", tpl, x], check=True)
        order = [("vs", a), ("rm", b)] if r % 2 == 0 else [("rm", b), ("vs", a)]
        for kind, path in order:
            t = time.monotonic()
            if kind == "vs":
                p = ctx.runner.run(["delete", "--yes", path], home=home, env=xdg, timeout=120)
                vs.append(time.monotonic() - t)
                d += expect_rc(p, 0)
            else:
                subprocess.run(["rm", "-rf", "--", path], check=True)
                rm.append(time.monotonic() - t)
            if os.path.lexists(path):
                d.append("%s is still there after %s" % (path, kind))
    mv, mr = statistics.median(vs), statistics.median(rm)
    ctx.fx.note("delete timing: one env of %d files, %s (%s): venvscope delete --yes %.3fs, rm -rf %.3fs "
                "(medians of 3, same run; venvscope also scans, writes the record (freeze) and checks) -> %.1fx"
                % (nfiles, human_size(size), "pip wheels unpacked" if whls else "generated files", mv, mr,
                   mv / mr if mr else 0))
    sys.stdout.write("e2e: note: delete timing: %d files, %s: venvscope delete --yes %.3fs (runs %s), rm -rf %.3fs "
                     "(runs %s), medians of 3\n" % (nfiles, human_size(size), mv, " ".join("%.3f" % x for x in vs),
                                                    mr, " ".join("%.3f" % x for x in rm)))
    sys.stdout.flush()
    g.check("delete timing: venvscope delete --yes and rm -rf both remove a %d-file env (figures in the note)" % nfiles, d)
    return g


def tests(ctx):
    """The record job (three pip envs) first: it is the longest."""
    jobs = [("delete race", lambda: t_race(ctx)), ("delete links", lambda: t_links(ctx)),
            ("delete mounts", lambda: t_mounts_inside(ctx)), ("delete timing", lambda: t_timing(ctx))]
    # These use the helpers above.
    import tests_delete_browser
    import tests_delete_record
    import tests_delete_refuse
    return ([("delete record", lambda: tests_delete_record.t_record(ctx))] + jobs +
            [("delete trash", lambda: tests_delete_record.t_trash(ctx))] + tests_delete_refuse.tests(ctx) +
            tests_delete_browser.tests(ctx))


__all__ = ["tests"]
