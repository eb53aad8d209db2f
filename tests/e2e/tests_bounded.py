"""Bounded reads: files that would hang a naive reader or eat the memory.

One real venv (python -m venv, the fast Python) is copied six times; in each
copy one file is replaced by something that is not a small regular file:
pyvenv.cfg and a package's METADATA, each as a symlink to /dev/zero, as a
FIFO and as a 1 GiB sparse file; and three more copies are each the .venv of
a git repository whose .git/info/exclude is one of those three. `list --json`, `freeze -o -` and the
browser must finish in seconds, under 100 MB of memory, and flag the file:
an env whose METADATA or pyvenv.cfg is refused is a row with a problem that
names the file and the reason; a pyvenv.cfg that is not a regular file at
all (the FIFO, the symlink) makes the folder no env, with a warning naming
it. Everything lives in the suite's temp folder; the symlinks point at
/dev/zero from there, nothing is planted anywhere else."""

import json
import os
import re
import shutil
import subprocess
import threading
import time

from browser_kit import order_diff, session, set_filter, start, wait_rows
from harness import Group, by_path, clean_environ, show
from tty import Tty

LIMIT_KB = 100 * 1024  # peak RSS allowed
LIMIT_S = 10.0         # "in seconds", with room for a loaded machine
GIB = 1 << 30
KINDS = ("zero", "fifo", "sparse")
# What the refusal says, for a METADATA (symlinks followed, as Python does)
# and for a pyvenv.cfg (never followed).
REASON = {"zero": "is a character device, not a file", "fifo": "is a FIFO, not a file",
          "sparse": "is larger than"}
CFG_REASON = dict(REASON, zero="is a symbolic link")
# And for git's .git/info/exclude (read by libgit2 through venvscope's reader).
GIT_REASON = dict(REASON, zero="is not a regular file", fifo="is not a regular file")

_lock = threading.Lock()
_built = {}


def _plant(path, kind):
    os.unlink(path)
    if kind == "zero":
        os.symlink("/dev/zero", path)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        with open(path, "wb") as f:
            f.truncate(GIB)


def build(ctx):
    """The tree (built once per run, rebuilt under --reuse): base, and
    cfg-KIND / meta-KIND copies of it. Returns a dict of paths."""
    with _lock:
        if "root" in _built:
            return _built
        fx = ctx.fx
        root = os.path.join(ctx.base, "bounded")
        if os.path.lexists(root):
            shutil.rmtree(root)  # never follows the planted symlinks
        base = fx.fast_venv(os.path.join(root, "base"))
        dist = os.path.join(fx.site(base), "boundpkg-1.0.dist-info")
        os.makedirs(dist)
        with open(os.path.join(dist, "METADATA"), "w") as f:
            f.write("Metadata-Version: 2.1\nName: boundpkg\nVersion: 1.0\n\n")
        with open(os.path.join(dist, "RECORD"), "w") as f:
            f.write("boundpkg-1.0.dist-info/METADATA,,52\nboundpkg-1.0.dist-info/RECORD,,\n")
        out = {"root": root, "base": base, "cfg": {}, "meta": {}}
        for kind in KINDS:
            for what in ("cfg", "meta"):
                env = os.path.join(root, "%s-%s" % (what, kind))
                shutil.copytree(base, env, symlinks=True)
                f = os.path.join(env, "pyvenv.cfg") if what == "cfg" else \
                    os.path.join(fx.site(env), "boundpkg-1.0.dist-info", "METADATA")
                _plant(f, kind)
                out[what][kind] = (env, f)
            repo = os.path.join(root, "git-%s" % kind)
            env = os.path.join(repo, ".venv")
            shutil.copytree(base, env, symlinks=True)
            if os.path.exists(os.path.join(env, ".gitignore")):
                os.unlink(os.path.join(env, ".gitignore"))  # venv 3.13+ writes one
            subprocess.run(["git", "init", "-q", repo], check=True, stdin=subprocess.DEVNULL,
                           env=clean_environ({"HOME": root, "GIT_CONFIG_NOSYSTEM": "1"}), timeout=60)
            f = os.path.join(repo, ".git", "info", "exclude")
            if not os.path.exists(f):
                open(f, "w").close()
            _plant(f, kind)
            out.setdefault("git", {})[kind] = (env, f)
        _built.update(out)
        return _built


def _vm_hwm(pid):
    """VmHWM of a running process in KiB (0 once it has exited)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_measured(ctx, args, timeout=30):
    """Runs the binary in a sandbox (fresh HOME, cwd, no PIP_*) and returns
    (rc or None on timeout, stdout, stderr, seconds, peak RSS in KiB)."""
    home = ctx.runner.make_home("bounded")
    cwd = os.path.join(os.path.dirname(home), "cwd")
    os.makedirs(cwd)
    env = clean_environ({"HOME": home, "XDG_DATA_HOME": os.path.join(home, ".local/share"),
                         "XDG_CACHE_HOME": os.path.join(home, ".cache"),
                         "XDG_STATE_HOME": os.path.join(home, ".local/state"),
                         "XDG_CONFIG_HOME": os.path.join(home, ".config"), "COLUMNS": "250"})
    outp, errp = os.path.join(cwd, "..", "stdout"), os.path.join(cwd, "..", "stderr")
    t0 = time.monotonic()
    with open(outp, "wb") as o, open(errp, "wb") as e:
        p = subprocess.Popen([ctx.runner.binary] + list(args), cwd=cwd, env=env,
                             stdin=subprocess.DEVNULL, stdout=o, stderr=e)
    rc, rss, hwm = None, 0, 0
    while True:
        # The peak RSS of this process's own memory since its exec (VmHWM),
        # sampled; wait4's ru_maxrss would also count the Python that forked
        # it, so it is only the fallback for a run too quick to sample.
        hwm = max(hwm, _vm_hwm(p.pid))
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            rc, rss = os.waitstatus_to_exitcode(status), hwm or ru.ru_maxrss
            p.returncode = rc
            break
        if time.monotonic() - t0 > timeout:
            p.kill()
            os.wait4(p.pid, 0)
            p.returncode = -9
            break
        time.sleep(0.005)
    secs = time.monotonic() - t0
    with open(outp, "rb") as o, open(errp, "rb") as e:
        return rc, o.read(), e.read().decode("utf-8", "replace"), secs, rss


def budget(label, rc, secs, rss):
    d = []
    if rc is None:
        d.append("%s: did not finish (killed after the timeout)" % label)
    if secs > LIMIT_S:
        d.append("%s: took %.1fs (limit %gs)" % (label, secs, LIMIT_S))
    if rss > LIMIT_KB:
        d.append("%s: peak RSS %d KiB (limit %d KiB)" % (label, rss, LIMIT_KB))
    return d


def t_list(ctx):
    g = Group()
    b = build(ctx)
    rc, out, err, secs, rss = run_measured(ctx, ["list", "--json", b["root"]])
    name = "bounded: list --json (%.2fs, %d KiB peak RSS)" % (secs, rss)
    d = budget("list --json", rc, secs, rss)
    if rc not in (0, 1):
        d.append("exit status %s; stderr %r" % (rc, err[:500]))
    g.check(name, d)
    if d:
        return g
    try:
        rows = json.loads(out.decode("utf-8"))
    except ValueError as e:
        g.fail("bounded: list --json is valid JSON", [str(e)])
        return g
    idx, _ = by_path(rows)
    base = idx.get(b["base"])
    g.check("bounded: the good env beside the bad ones is listed, no problem",
            ["base not listed"] if base is None else
            [] if base.get("problems") == [] and base.get("package_count") == 1 else
            ["base row: problems %s, package_count %s" % (show(base.get("problems")),
                                                          show(base.get("package_count")))])
    for kind in KINDS:
        env, f = b["meta"][kind]
        row, d = idx.get(env), []
        if row is None:
            d.append("%s not listed" % env)
        else:
            probs = row.get("problems") or []
            want = "%s: %s" % (f, REASON[kind])
            if not any(p.startswith(want) for p in probs):
                d.append("problems %s; expected one starting %r" % (show(probs), want))
            if row.get("package_count") != 1:
                d.append("package_count %s, expected 1 (the entry is kept)" % show(row.get("package_count")))
        g.check("bounded: METADATA %s flagged, the package still counted" % kind, d)
    for kind in KINDS:
        env, f = b["cfg"][kind]
        row, d = idx.get(env), []
        if kind == "sparse":
            if row is None:
                d.append("%s not listed (its pyvenv.cfg is a regular file)" % env)
            elif not any("pyvenv.cfg" in p and "larger than" in p for p in row.get("problems") or []):
                d.append("problems %s; expected pyvenv.cfg ... larger than" % show(row.get("problems")))
        else:
            if row is not None:
                d.append("%s listed as an env: %s" % (env, show(row)[:300]))
            if not re.search(re.escape(f) + r" %s" % re.escape(CFG_REASON[kind]), err):
                d.append("stderr does not name %s and why; stderr: %r" % (f, err[:800]))
        g.check("bounded: pyvenv.cfg %s flagged" % kind, d)
    for kind in KINDS:
        env, f = b["git"][kind]
        row, d = idx.get(env), []
        want = "git: .git/info/exclude %s" % GIT_REASON[kind]
        if row is None:
            d.append("%s not listed" % env)
        elif not any(want in p for p in row.get("problems") or []):
            d.append("problems %s; expected one with %r" % (show(row.get("problems")), want))
        g.check("bounded: .git/info/exclude %s flagged, the env listed" % kind, d)
    return g


def t_freeze(ctx):
    g = Group()
    b = build(ctx)
    for kind in KINDS:
        env, f = b["meta"][kind]
        rc, out, err, secs, rss = run_measured(ctx, ["freeze", "-o", "-", env])
        d = budget("freeze", rc, secs, rss)
        if rc is not None and rc != 0:
            d.append("exit status %s; stderr %r" % (rc, err[:500]))
        g.check("bounded: freeze -o - with METADATA %s (%.2fs, %d KiB)" % (kind, secs, rss), d)
    return g


def t_browser(ctx):
    b = build(ctx)
    gits = ["git-%s/.venv" % k for k in KINDS]
    # The browser's name sort compares the names the rows show ("git-zero/.venv").
    rows = sorted(["base", "cfg-sparse"] + ["meta-%s" % k for k in KINDS] + gits)
    flagged = sorted(["cfg-sparse"] + ["meta-%s" % k for k in KINDS] + gits)

    def run(st):
        t0 = time.monotonic()
        with Tty(ctx.runner, ["--sort", "name", b["root"]], width=140, height=30, tag="b-bounded") as t:
            scr = start(t)
            secs = time.monotonic() - t0
            st.check("the scan ends (%.2fs) with one row per env" % secs,
                     order_diff(scr.names(), rows) + ([] if secs <= LIMIT_S else
                                                      ["took %.1fs (limit %gs)" % (secs, LIMIT_S)]))
            st.at("! problems only")
            t.keys("!")
            scr = t.wait_for(lambda s: s.names() == flagged and s, what="rows %s" % flagged)
            st.check("!: exactly the envs with a refused file", order_diff(scr.names(), flagged))
            st.at("the details of git-zero/.venv")
            set_filter(t, "git-zero")
            wait_rows(t, ["git-zero/.venv"], "the filter git-zero")
            t.keys("Enter")
            want = "git: .git/info/exclude %s" % GIT_REASON["zero"]
            t.wait_for(lambda s: want in s.text, what="the details' problems naming %r" % want)
            st.check("the details of git-zero/.venv name .git/info/exclude and why", [])
            rss = 0
            with open("/proc/%d/status" % t.pane_pid()) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        rss = int(line.split()[1])
            st.check("peak RSS %d KiB" % rss,
                     [] if rss <= LIMIT_KB else ["peak RSS %d KiB (limit %d KiB)" % (rss, LIMIT_KB)])
    return session("browser bounded", run)


def tests(ctx):
    return [("bounded list", lambda: t_list(ctx)), ("bounded freeze", lambda: t_freeze(ctx)),
            ("bounded browser", lambda: t_browser(ctx))]
