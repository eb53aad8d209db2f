"""The smaller defects of the hardening issue (item 10, the parts outside
git), each against real files in the suite's temp folder:

- a message about a ~3,000-byte path still ends with its reason (delete of a
  folder that is no env, show of it);
- an env whose path is over PATH_MAX (made with a chain of directory fds,
  then moved there) is "path too long", not "changed or vanished";
- bin/python pointing at /dev/null, at a FIFO, or being a FIFO says what it
  is (list --json, show, the browser's details), not "does not exist";
- a scan under `ulimit -n 10` that cannot open everything never exits 0
  with envs, packages or sizes missing: it lists everything with exit 0, or
  exits 1 saying the scan was incomplete; the browser's header says so;
- Ctrl-C during `venvscope create` (on a terminal, in tmux) and during
  `python -m venv` while ensurepip installs pip leaves a half-made env that
  list flags `incomplete` (JSON, table, browser, is:incomplete) with advice
  naming `venvscope delete PATH`, and delete removes it."""

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import time

from browser_kit import session, set_filter, start
from harness import Group, by_path, clean_environ, fresh_dir, show
from tests_delete import ns_script
from tty import ScreenError, Tty

NOT_ENV = "not a virtual environment (it holds no pyvenv.cfg file)"
PATH_MAX = 4096
FD_LIMIT = 10
# So few that not even discovery and the packages fit: the scan cannot be
# complete, so the exit-1 path is taken for sure.
FD_STARVED = 6
FD_ENVS = 300


def workdir(ctx, name):
    return fresh_dir(ctx.base, "defects", name)


def last_line(text):
    lines = [x for x in text.splitlines() if x.strip()]
    return lines[-1] if lines else ""


# ------------------------------------------------------------ long messages

def t_long_message(ctx):
    """A folder 3,000 bytes deep that is no env: delete refuses it and show
    cannot open it; each message keeps the path's start and end and ends
    with the reason."""
    g = Group()
    base = workdir(ctx, "long-msg")
    p = base
    while len(p) < 3000:
        p = os.path.join(p, "d" * 200)
    target = os.path.join(p, "notenv")
    os.makedirs(target)
    with open(os.path.join(target, "keep.txt"), "w") as f:
        f.write("not an env\n")
    cases = [("show", ["show", target], None)]
    wrap = ns_script(ctx)
    if wrap is None:
        g.skip("defects: delete of a 3,000-byte path", "no mount namespace guard (needs root and unshare)")
    else:
        cases.append(("delete --yes", ["delete", "--yes", target], wrap))
    for what, args, w in cases:
        pr = ctx.runner.run(args, wrap=w)
        line = last_line(pr.err_text)
        d = []
        if pr.rc != 2:
            d.append("exit status %s, expected 2; %s" % (pr.rc, pr.describe()[:300]))
        if not line.endswith("/notenv: " + NOT_ENV):
            d.append("the message does not end with '/notenv: %s': ...%r" % (NOT_ENV, line[-200:]))
        if not line.startswith("venvscope %s: %s" % (what.split()[0], target[:100])):
            d.append("the message does not start with the path: %r..." % line[:160])
        if len(line) > 1100:
            d.append("the message is %d bytes (the path was to be elided)" % len(line))
        if not os.path.isfile(os.path.join(target, "keep.txt")):
            d.append("the folder's content is gone")
        g.check("defects: %s of a %d-byte path: the message ends with the reason (%d bytes)"
                % (what, len(target), len(line)), d)
    shutil.rmtree(base)
    return g


# ------------------------------------------------------------ path too long

def deep_env(ctx, base):
    """An env (python -m venv, without pip) moved below a chain of folders
    whose path is over PATH_MAX: mkdir and rename through directory fds,
    as no path that long can be used. Returns its path."""
    src = os.path.join(base, "env")
    subprocess.run([ctx.fx.fast.exe, "-m", "venv", "--without-pip", src], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=clean_environ())
    top = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    fd, path = os.dup(top), base
    try:
        while len(path) + len("/env") <= PATH_MAX + 200:
            name = "d" * 200
            os.mkdir(name, dir_fd=fd)
            nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd, path = nfd, path + "/" + name
        os.rename("env", "env", src_dir_fd=top, dst_dir_fd=fd)
    finally:
        os.close(fd)
        os.close(top)
    return path + "/env"


def t_path_too_long(ctx):
    g = Group()
    base = workdir(ctx, "deep")
    try:
        env = deep_env(ctx, base)
        want = "path too long (%d bytes, over the limit of %d)" % (len(env), PATH_MAX)
        pr = ctx.runner.run(["list", "--json", "--no-git", base])
        d = []
        try:
            rows = pr.json()
        except ValueError as e:
            rows, d = [], [str(e)]
        row = next((r for r in rows if r.get("path") == env), None)
        if row is None and not d:
            d.append("the env is not listed; paths: %s" % [r.get("path", "")[-60:] for r in rows])
        elif row is not None:
            probs = row.get("problems") or []
            if not any(want in p for p in probs):
                d.append("no problem says %r: %s" % (want, show(probs)[:600]))
            if any("changed or vanished" in p for p in probs):
                d.append("a problem still says 'changed or vanished': %s" % show(probs)[:600])
        g.check("defects: an env %d bytes deep is listed as 'path too long'" % len(env), d)

        pr = ctx.runner.run(["show", env])
        line = last_line(pr.err_text)
        d = [] if pr.rc == 2 and line.endswith("/env: " + want) else \
            ["exit status %s; expected 2 and a message ending '/env: %s': ...%r" % (pr.rc, want, line[-200:])]
        g.check("defects: show of a path over PATH_MAX says 'path too long'", d)
    finally:
        shutil.rmtree(base)  # fd-based: fine at any depth
    return g


# ------------------------------------------------------ what bin/python is

INTERP = {  # name: (how bin/python is replaced, the sentence expected)
    "py-chardev": ("link to /dev/null", "bin/python points to /dev/null, which is a character device, not a file"),
    "py-tofifo": ("link to a FIFO", "which is a FIFO, not a file"),
    "py-isfifo": ("a FIFO itself", "bin/python is a FIFO, not a file"),
}


def interp_envs(ctx):
    base = workdir(ctx, "interp")
    fifo = os.path.join(base, "a-fifo")
    os.mkfifo(fifo)
    out = {}
    for name in INTERP:
        env = ctx.fx.fast_venv(os.path.join(base, name))
        py = os.path.join(env, "bin", "python")
        os.unlink(py)
        if name == "py-chardev":
            os.symlink("/dev/null", py)
        elif name == "py-tofifo":
            os.symlink(fifo, py)
        else:
            os.mkfifo(py)
        out[name] = env
    return base, out


def t_interp_kinds(ctx):
    g = Group()
    base, envs = interp_envs(ctx)
    pr = ctx.runner.run(["list", "--json", "--no-git", base], timeout=30)
    try:
        idx, _ = by_path(pr.json())
    except ValueError as e:
        g.fail("defects: list --json with odd bin/python", [str(e)])
        return g
    for name, (how, want) in INTERP.items():
        row = idx.get(envs[name])
        d = []
        if row is None:
            d.append("%s not listed" % envs[name])
        else:
            probs = row.get("problems") or []
            if not any(want in p for p in probs):
                d.append("no problem says %r: %s" % (want, show(probs)))
            if any("does not exist" in p for p in probs):
                d.append("a problem says 'does not exist': %s" % show(probs))
            if row.get("broken") is not True:
                d.append("broken is %s, expected true" % show(row.get("broken")))
        g.check("defects: list --json, bin/python %s: %r" % (how, want), d)
        pr = ctx.runner.run(["show", envs[name]], timeout=30)
        text = pr.out.decode("utf-8", "replace")
        g.check("defects: show, bin/python %s says what it is" % how,
                [] if pr.rc == 0 and want in text and "does not exist" not in text else
                ["rc %s; output lacks %r (or says 'does not exist'):\n%s" % (pr.rc, want, text[:1500])])

    def run(st):
        with Tty(ctx.runner, [base], width=220, height=40, tag="b-interp") as t:
            start(t)
            first = True
            for name, (how, want) in INTERP.items():
                st.at("details of %s" % name)
                set_filter(t, name, first=first)
                first = False
                t.wait_for(lambda s: s.names() == [name], what="the one row %s" % name)
                t.keys("Enter")
                t.wait_for(r"^ packages \(\d+\)", what="the details of %s" % name)
                scr = t.wait_for(re.escape(want), timeout=3, what="the sentence %r" % want)
                st.check("details, bin/python %s: %r, not 'does not exist'" % (how, want),
                         ["the details say 'does not exist':\n%s" % scr] if "does not exist" in scr.text else [])
                t.keys("Escape")
                t.wait_for(lambda s: s.names() == [name], what="the list again")
    for item in session("browser defects interp", run).items:
        g.items.append(item)
    return g


# ------------------------------------------------------------ fd limit

def fd_tree(ctx):
    """FD_ENVS hand-made envs, each with a package and a folder chain ten
    deep: a size walk needs an fd per level."""
    root = workdir(ctx, "fds")
    py = ctx.fx.fast
    xy = "%d.%d" % py.vtuple[:2]
    for i in range(FD_ENVS):
        e = os.path.join(root, "g%d" % (i % 10), "env%03d" % i)
        sp = os.path.join(e, "lib", "python" + xy, "site-packages")
        deep = os.path.join(sp, "pkg", *("l%d" % k for k in range(10)))
        os.makedirs(deep)
        os.makedirs(os.path.join(e, "bin"))
        os.symlink(py.real, os.path.join(e, "bin", "python"))
        open(os.path.join(e, "bin", "activate"), "w").close()
        with open(os.path.join(e, "pyvenv.cfg"), "w") as f:
            f.write("home = %s\ninclude-system-site-packages = false\nversion = %s\n"
                    % (os.path.dirname(py.real), py.version))
        with open(os.path.join(deep, "m.py"), "w") as f:
            f.write("x = %d\n" % i)
        di = os.path.join(sp, "pkg-1.%d.dist-info" % i)
        os.makedirs(di)
        with open(os.path.join(di, "METADATA"), "w") as f:
            f.write("Metadata-Version: 2.1\nName: pkg\nVersion: 1.%d\n" % i)
    envs = sorted(os.path.join(root, "g%d" % (i % 10), "env%03d" % i) for i in range(FD_ENVS))
    return root, envs


def du_each(paths):
    p = subprocess.run(["du", "-sb"] + paths, stdout=subprocess.PIPE, check=True)
    out = {}
    for line in p.stdout.decode().splitlines():
        n, path = line.split("\t", 1)
        out[path] = int(n)
    return out


def fd_list(ctx, g, root, envs, du, cwd, env, limit):
    """list --json under RLIMIT_NOFILE `limit`: everything, right, with exit
    0; or exit 1 with the summary line. Returns the exit status."""
    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
    p = subprocess.run([ctx.runner.binary, "list", "--json", "--no-git", root], cwd=cwd, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       preexec_fn=low_limit, timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    try:
        rows = json.loads(p.stdout.decode("utf-8"))
    except ValueError:
        rows = None
    idx, _ = by_path(rows if isinstance(rows, list) else [])
    missing = [e for e in envs if e not in idx]
    unsized = [e for e in envs if e in idx and idx[e].get("size_bytes") != du[e]]
    nopkg = [e for e in envs if e in idx and idx[e].get("package_count") != 1]
    summary = "%d of %d envs listed, %d sizes differ from du -sb, %d package counts wrong" % (
        FD_ENVS - len(missing), FD_ENVS, len(unsized), len(nopkg))
    d = []
    if p.returncode == 0:
        if missing or unsized or nopkg:
            d.append("exit 0 with something missing: %s; e.g. %s" % (summary, (missing + unsized + nopkg)[:3]))
    elif p.returncode == 1:
        if not re.search(r"^venvscope list: the scan is incomplete: \d+ (?:files or folders|file or folder) could not be opened "
                         r"\(too many open files; the limit is %d" % limit, err, re.M):
            d.append("exit 1 without the summary line 'venvscope list: the scan is incomplete: ...'; "
                     "stderr ends %r" % err[-400:])
    else:
        d.append("exit status %s; stderr ends %r" % (p.returncode, err[-400:]))
    g.check("defects: list under ulimit -n %d, %d envs: exit %s (%s)"
            % (limit, FD_ENVS, p.returncode, summary), d)
    return p.returncode


def t_fd_limit(ctx):
    g = Group()
    root, envs = fd_tree(ctx)
    du = du_each(envs)
    home = ctx.runner.make_home("fds")
    cwd = os.path.join(os.path.dirname(home), "cwd")
    os.makedirs(cwd)
    env = clean_environ({"HOME": home, "XDG_DATA_HOME": os.path.join(home, ".local/share"),
                         "XDG_CACHE_HOME": os.path.join(home, ".cache"),
                         "XDG_STATE_HOME": os.path.join(home, ".local/state"),
                         "XDG_CONFIG_HOME": os.path.join(home, ".config")})
    rc_at_limit = fd_list(ctx, g, root, envs, du, cwd, env, FD_LIMIT)
    rc_starved = fd_list(ctx, g, root, envs, du, cwd, env, FD_STARVED)
    g.check("defects: under ulimit -n %d the scan cannot be complete: exit 1" % FD_STARVED,
            [] if rc_starved == 1 else ["exit %s" % rc_starved])

    def run(st):
        with Tty(ctx.runner, [], width=200, height=30, shell=True, tag="b-fds") as t:
            t.wait_for(r"^[$#] ?$", what="the shell prompt")
            t.line("ulimit -n %d; exec %s" % (FD_LIMIT, t.command_line(["--no-git", root])))
            scr = t.wait_for(lambda s: re.match(r"^ venvscope  (INCOMPLETE scan \(too many open files\) · )?"
                                                r"(\d+) environments? · ", s.line(0)),
                             timeout=60, what="the header once the scan ended")
            m = scr.value
            n = int(m.group(2))
            if m.group(1):
                st.check("browser under ulimit -n %d: header says INCOMPLETE (%d envs shown)" % (FD_LIMIT, n),
                         [] if "the scan is incomplete" in scr.last else
                         ["status line %r lacks 'the scan is incomplete'" % scr.last])
            else:
                st.check("browser under ulimit -n %d: a complete scan shows every env" % FD_LIMIT,
                         [] if n == FD_ENVS and rc_at_limit == 0 else
                         ["header %r: %d envs and no INCOMPLETE (list said exit %s)"
                          % (scr.line(0), n, rc_at_limit)])
    for item in session("browser defects fd limit", run).items:
        g.items.append(item)
    shutil.rmtree(root)
    return g


# --------------------------------------------------- interrupted creates

def descendants(pid):
    out = []
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = [int(x) for x in f.read().split()]
    except OSError:
        return out
    for k in kids:
        out += [k] + descendants(k)
    return out


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def wait_ensurepip(pid, timeout=120):
    """Polls until a process below `pid` runs `-m ensurepip` (pip is being
    installed): True, or False after the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(" -m ensurepip" in cmdline(k) for k in descendants(pid)):
            return True
        time.sleep(0.02)
    return False


def wait_quiet(path, timeout=120):
    """Waits until no process has `path` on its command line (a create
    that outlived its parent would still be writing there)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [int(x) for x in os.listdir("/proc") if x.isdigit() and path in cmdline(int(x))]
        if not busy:
            return True
        time.sleep(0.1)
    return False


def interrupted_create(ctx, st, target):
    """`venvscope create` on a terminal, Ctrl-C while ensurepip runs, then
    'n' to the offer to remove what it left."""
    with Tty(ctx.runner, [], width=400, height=40, shell=True, tag="b-create-int") as t:
        t.wait_for(r"^[$#] ?$", what="the shell prompt")
        t.line(t.command_line(["create", "--python", ctx.fx.fast.exe, target]))
        st.at("create reaches ensurepip")
        if not wait_ensurepip(t.pane_pid()):
            raise ScreenError("no ensurepip process under the terminal within 120s\n%s" % t.screen())
        t.keys("C-c")
        st.at("the offer to remove the partial env")
        scr = t.wait_for(r"Remove it\? \[y/N\]", timeout=60, what="the offer to remove the partial folder")
        t.line("n")
        scr = t.wait_for(r"left a partial environment at .*venvscope delete", timeout=10,
                         what="the note naming venvscope delete")
        st.check("Ctrl-C during create: 'cancelled', the offer to remove it, then the advice",
                 [] if "cancelled" in scr.text else ["no 'cancelled' on screen:\n%s" % scr])


def interrupted_venv(ctx, target):
    """python -m venv in its own process group, SIGINT to the group (what a
    terminal's Ctrl-C does) while ensurepip runs."""
    p = subprocess.Popen([ctx.fx.fast.exe, "-m", "venv", target], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=clean_environ())
    try:
        if not wait_ensurepip(p.pid):
            return "no ensurepip process within 120s"
        os.killpg(p.pid, signal.SIGINT)
        p.wait(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return None


def t_incomplete(ctx):
    g = Group()
    if not ctx.fx.fast.ensurepip:
        g.skip("defects: interrupted creates", "%s has no ensurepip (nothing to interrupt)" % ctx.fx.fast.exe)
        return g
    root = workdir(ctx, "halfmade")
    done = ctx.fx.fast_venv(os.path.join(root, "finished"))
    by_vs = os.path.join(root, "by-venvscope")
    by_py = os.path.join(root, "by-python")

    def make(st):
        interrupted_create(ctx, st, by_vs)
    g.items += session("browser defects create Ctrl-C", make).items
    why = interrupted_venv(ctx, by_py)
    if why:
        g.fail("defects: python -m venv interrupted", [why])
        return g
    for p in (by_vs, by_py):
        if not wait_quiet(p):
            g.fail("defects: nothing writes into %s any more" % os.path.basename(p), ["still busy after 120s"])
    half = [by_vs, by_py]
    # The truth, independently: pyvenv.cfg there, no activation script.
    for p in half:
        g.check("defects: %s is half-made (pyvenv.cfg, no bin/activate)" % os.path.basename(p),
                [] if os.path.isfile(os.path.join(p, "pyvenv.cfg")) and not os.path.lexists(
                    os.path.join(p, "bin", "activate")) else
                ["%s: %s, bin: %s" % (p, sorted(os.listdir(p)) if os.path.isdir(p) else "missing",
                                      sorted(os.listdir(os.path.join(p, "bin")))
                                      if os.path.isdir(os.path.join(p, "bin")) else "missing")])
    pr = ctx.runner.run(["list", "--json", root])
    try:
        idx, _ = by_path(pr.json())
    except ValueError as e:
        g.fail("defects: list --json of the half-made envs", [str(e)])
        return g
    for p in half + [done]:
        row, d = idx.get(p), []
        want = p in half
        if row is None:
            d.append("not listed")
        else:
            if row.get("incomplete") is not want:
                d.append("incomplete is %s, expected %s" % (show(row.get("incomplete")), show(want)))
            advice = "venvscope delete %s" % p
            has = any(advice in x for x in row.get("problems") or [])
            if has != want:
                d.append("problems %s %s %r" % (show(row.get("problems")), "lack" if want else "have", advice))
        g.check("defects: list --json, %s: incomplete %s%s" % (os.path.basename(p), want,
                                                                ", advice names venvscope delete" if want else ""), d)
    pr = ctx.runner.run(["list", root])
    lines = {ln.split()[-1]: ln for ln in pr.out.decode("utf-8", "replace").splitlines() if ln.strip()}
    d = []
    for p in half + [done]:
        ln = lines.get(p, "")
        if ("incomplete" in ln.split()) != (p in half):
            d.append("row of %s: %r" % (os.path.basename(p), ln))
    g.check("defects: the table's FLAGS say incomplete for the half-made envs only", d)
    d = []
    for p in half + [done]:
        out = ctx.runner.run(["show", p]).out.decode("utf-8", "replace")
        has = any(ln.split()[:1] == ["activate"] for ln in out.splitlines())
        if has == (p in half):
            d.append("show %s: %s an 'activate' line" % (os.path.basename(p), "has" if has else "lacks"))
    g.check("defects: show offers `source bin/activate` only where that script is", d)

    def browse(st):
        names = sorted(os.path.basename(p) for p in half)
        with Tty(ctx.runner, ["--no-git", root], width=200, height=30, tag="b-incomplete") as t:
            scr = start(t)
            rows = {r["NAME"]: r for r in scr.rows()}
            st.check("browser: FLAGS incomplete on the half-made rows only",
                     ["%s: FLAGS %r" % (n, r.get("FLAGS")) for n, r in rows.items()
                      if ("incomplete" in (r.get("FLAGS") or "")) != (n in names)])
            set_filter(t, "is:incomplete", first=True)
            t.wait_for(lambda s: sorted(s.names()) == names, what="is:incomplete: rows %s" % names)
            st.check("browser: is:incomplete shows exactly the half-made envs", [])
    g.items += session("browser defects incomplete", browse).items

    wrap = ns_script(ctx)
    if wrap is None:
        g.skip("defects: delete of a half-made env", "no mount namespace guard (needs root and unshare)")
    else:
        for p in half:
            pr = ctx.runner.run(["delete", "--yes", p], wrap=wrap, timeout=120)
            g.check("defects: delete --yes accepts the half-made %s and removes it" % os.path.basename(p),
                    [] if pr.rc == 0 and not os.path.lexists(p) else
                    ["exists after: %s; %s" % (os.path.lexists(p), pr.describe())])
    shutil.rmtree(root)
    return g


def tests(ctx):
    return [("defects create interrupted browser", lambda: t_incomplete(ctx)),
            ("defects long message", lambda: t_long_message(ctx)),
            ("defects path too long", lambda: t_path_too_long(ctx)),
            ("defects interpreter kinds browser", lambda: t_interp_kinds(ctx)),
            ("defects fd limit browser", lambda: t_fd_limit(ctx))]
