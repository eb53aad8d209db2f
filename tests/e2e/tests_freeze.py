"""`venvscope freeze`: byte for byte what each env's own `pip freeze` printed
(freeze_corpus.py builds the envs and captures pip's output), for every
option pip has; the command line (default output, errors, --pip); and the
atomic write (mode kept, up to date, read-only folder as nobody, a folder
or a symlink as the target, a missing folder)."""

import difflib
import glob
import os
import shutil
import stat

import freeze_corpus
from harness import Group, NOBODY

FLAGS = {"default": [], "all": ["--all"], "local": ["--local"], "exclude-editable": ["--exclude-editable"]}

_corpus = {}


def fixture_tasks(fx, runner):
    """Builders for the pool; the corpus is kept in fx.extra["freeze"]
    (plain data, so --keep / --reuse work)."""
    c = freeze_corpus.Corpus(fx.base, fx.pythons, fx.fast)
    c.prepare()
    _corpus["c"] = c
    fx.extra["freeze"] = {"envs": c.envs, "skips": c.skips, "home": c.home, "root": c.root}
    tasks = []
    for name, fn in c.tasks():
        def run(fn=fn):
            fn()
            # Publish what this builder added (plain data, for --keep).
            fx.extra["freeze"] = {"envs": dict(c.envs), "skips": list(c.skips), "home": c.home,
                                  "root": c.root}
        tasks.append((name, run))
    return tasks


def state(ctx):
    return ctx.fx.extra.get("freeze") or {"envs": {}, "skips": [], "home": None, "root": None}


def diff_text(want, got):
    lines = list(difflib.unified_diff(want.splitlines(), got.splitlines(), "pip freeze", "venvscope freeze",
                                      lineterm="", n=1))
    return "\n".join(lines[:40]) or "(the same lines; line ends or trailing bytes differ: %r vs %r)" % (
        want[-20:], got[-20:])


# ------------------------------------------------------------ the corpus

def t_corpus(ctx):
    g = Group()
    st = state(ctx)
    for case, why in st["skips"]:
        g.skip("freeze corpus: " + case, why)
    if not st["envs"]:
        g.fail("freeze corpus", ["no environment was built (see the fixture lines)"])
        return g
    for case, rec in sorted(st["envs"].items()):
        for opt, (rc, text, _err) in sorted(rec["truth"].items()):
            name = "freeze %s (Python %s, pip %s) %s: identical to pip freeze" % (
                case, rec["python"], rec["pip"], "--" + opt if opt != "default" else "default")
            p = ctx.runner.run(["freeze", rec["path"], "-o", "-"] + FLAGS[opt], home=st["home"])
            if p.timed_out or p.rc != 0:
                g.fail(name, ["expected exit 0; " + p.describe()])
                continue
            want = text.encode("utf-8")
            if p.out != want:
                g.fail(name, [diff_text(text, p.out.decode("utf-8", "replace"))])
            else:
                g.ok(name)
    return g


# ---------------------------------------------------------- command line

def pick(st, prefix):
    for case in sorted(st["envs"]):
        if case.startswith(prefix):
            return st["envs"][case]
    return None


def t_cli(ctx):
    g = Group()
    st = state(ctx)
    run = ctx.runner.run

    p = run(["freeze", "--help"])
    g.check("freeze --help: exit 0, names -o, --local, --all, --exclude-editable, --pip",
            [] if p.rc == 0 and all(w in p.out.decode() for w in ("-o", "--local", "--all", "--exclude-editable",
                                                                   "--pip")) else [p.describe()])
    for args, label in ((["freeze"], "no ENV"), (["freeze", "a", "b"], "two ENVs"),
                        (["freeze", "--bogus", "x"], "an unknown option"),
                        (["freeze", "-o"], "-o without a value")):
        p = run(args)
        g.check("freeze with %s: exit 2 and a sentence" % label,
                [] if p.rc == 2 and p.err.strip() else [p.describe()])
    p = run(["freeze", st["root"] or "/", "-o", "-"])
    g.check("freeze of a folder that is not an env: exit 2, says pyvenv.cfg",
            [] if p.rc == 2 and b"pyvenv.cfg" in p.err else [p.describe()])
    p = run(["freeze", "/no/such/env", "-o", "-"])
    g.check("freeze of a missing folder: exit 2", [] if p.rc == 2 and p.err.strip() else [p.describe()])

    plain = pick(st, "plain ")
    if plain:
        p = run(["freeze", plain["path"]], home=st["home"])
        g.check("freeze of an env without a project and without -o: exit 2, asks for -o, writes nothing",
                [] if p.rc == 2 and b"-o" in p.err and not os.path.exists(
                    os.path.join(os.path.dirname(plain["path"]), "requirements.txt")) else [p.describe()])
        p = run(["freeze", "--pip", plain["path"], "-o", "-"], home=st["home"])
        want = plain["truth"]["default"][1].encode()
        g.check("freeze --pip runs the env's own pip: same bytes as its pip freeze",
                [] if p.rc == 0 and p.out == want else [p.describe(), diff_text(want.decode(), p.out.decode())])
    gone = st["envs"].get("base removed")
    if gone:
        p = run(["freeze", "--pip", gone["path"], "-o", "-"], home=st["home"])
        g.check("freeze --pip where python cannot run: exit 1 and a sentence",
                [] if p.rc == 1 and p.err.strip() else [p.describe()])
    proj = st["envs"].get("without pip")
    if proj:
        t_default_output(ctx, g, proj, st)
    return g


def t_default_output(ctx, g, rec, st):
    """ENV inside a project folder: no -o writes <project>/requirements.txt;
    a second run finds it up to date and leaves it alone."""
    project = os.path.dirname(rec["path"])
    target = os.path.join(project, "requirements.txt")
    if os.path.exists(target):
        os.unlink(target)
    p = ctx.runner.run(["freeze", rec["path"]], home=st["home"])
    want = rec["truth"]["default"][1].encode()
    got = open(target, "rb").read() if os.path.isfile(target) else None
    g.check("freeze without -o writes <project>/requirements.txt = pip freeze, says so on stderr",
            [] if p.rc == 0 and got == want and b"requirements.txt" in p.err and not p.out
            else [p.describe(), "file: %r" % (got,)])
    old = os.stat(target).st_mtime_ns if got is not None else 0
    os.utime(target, ns=(old - 10**9, old - 10**9)) if got is not None else None
    p = ctx.runner.run(["freeze", rec["path"]], home=st["home"])
    same = got is not None and os.stat(target).st_mtime_ns == old - 10**9
    g.check("freeze again: 'up to date', the file is not rewritten",
            [] if p.rc == 0 and b"up to date" in p.err and same else [p.describe(), "rewritten: %s" % (not same)])


# ----------------------------------------------------------- atomic write

def leftovers(folder):
    return sorted(glob.glob(os.path.join(folder, ".*.tmp")))


def t_write(ctx):
    g = Group()
    st = state(ctx)
    rec = pick(st, "plain ")
    if not rec:
        g.skip("freeze write", "no plain env was built")
        return g
    want = rec["truth"]["default"][1].encode()
    base = os.path.join(st["root"], "write")
    os.makedirs(base, exist_ok=True)
    run = ctx.runner.run

    # An existing file with another content and mode 0640.
    d = os.path.join(base, "mode")
    os.makedirs(d)
    f = os.path.join(d, "req.txt")
    with open(f, "wb") as h:
        h.write(b"old==1\n")
    os.chmod(f, 0o640)
    p = run(["freeze", rec["path"], "-o", f], home=st["home"])
    got = open(f, "rb").read()
    g.check("freeze -o FILE replaces an existing file: new content, mode 0640 kept, no temp file left",
            [] if p.rc == 0 and got == want and stat.S_IMODE(os.stat(f).st_mode) == 0o640 and not leftovers(d)
            else [p.describe(), "mode %o, leftovers %s" % (stat.S_IMODE(os.stat(f).st_mode), leftovers(d))])

    # The target is a folder / a symlink / in a missing folder.
    d = os.path.join(base, "isdir")
    os.makedirs(os.path.join(d, "req.txt"))
    p = run(["freeze", rec["path"], "-o", os.path.join(d, "req.txt")], home=st["home"])
    g.check("freeze -o onto a folder: exit 1, says it is a folder, folder untouched, no temp file",
            [] if p.rc == 1 and b"folder" in p.err and os.path.isdir(os.path.join(d, "req.txt"))
            and not leftovers(d) else [p.describe()])
    d = os.path.join(base, "symlink")
    os.makedirs(d)
    real = os.path.join(d, "real.txt")
    with open(real, "wb") as h:
        h.write(b"real==1\n")
    os.symlink("real.txt", os.path.join(d, "req.txt"))
    p = run(["freeze", rec["path"], "-o", os.path.join(d, "req.txt")], home=st["home"])
    g.check("freeze -o onto a symlink: exit 1, says so, link and its target untouched",
            [] if p.rc == 1 and b"symbolic link" in p.err and os.readlink(os.path.join(d, "req.txt")) == "real.txt"
            and open(real, "rb").read() == b"real==1\n" and not leftovers(d) else [p.describe()])
    p = run(["freeze", rec["path"], "-o", os.path.join(base, "missing", "req.txt")], home=st["home"])
    g.check("freeze -o into a missing folder: exit 1 and a sentence",
            [] if p.rc == 1 and p.err.strip() and not os.path.exists(os.path.join(base, "missing")) else [p.describe()])

    # Read-only folder: as nobody, with and without an existing file.
    if os.geteuid() != 0 or not shutil.which("setpriv") or not ctx.runner.nobody_binary:
        g.skip("freeze -o in a read-only folder", "needs root, setpriv and the nobody copy of the binary")
        return g
    d = os.path.join(base, "readonly")
    os.makedirs(d)
    os.chmod(d, 0o755)  # owned by root: read-only for nobody
    f = os.path.join(d, "req.txt")
    with open(f, "wb") as h:
        h.write(b"keep==1\n")
    os.chmod(f, 0o666)
    p = run(["freeze", rec["path"], "-o", f], user=NOBODY)
    g.check("freeze -o in a read-only folder (as nobody): exit 1, says permission denied, old file kept",
            [] if p.rc == 1 and b"permission denied" in p.err and open(f, "rb").read() == b"keep==1\n"
            and not leftovers(d) else [p.describe()])
    f2 = os.path.join(d, "new.txt")
    p = run(["freeze", rec["path"], "-o", f2], user=NOBODY)
    g.check("freeze -o of a new file in a read-only folder (as nobody): exit 1, nothing created",
            [] if p.rc == 1 and p.err.strip() and not os.path.exists(f2) and not leftovers(d) else [p.describe()])
    return g


# ------------------------------------------------------------- bad input

def t_bad_input(ctx):
    """Metadata pip chokes on (a traceback there): named on stderr, left
    out, the rest printed, exit 0; odd files never hang or crash it."""
    g = Group()
    st = state(ctx)
    env = os.path.join(st["root"] or ctx.base, "badinput", "env")
    sp = os.path.join(env, "lib", "python3.12", "site-packages")
    os.makedirs(sp)
    with open(os.path.join(env, "pyvenv.cfg"), "w") as f:
        f.write("home = /nonexistent/bin\ninclude-system-site-packages = false\nversion = 3.12.1\n")

    def dist(entry, meta, files=None):
        d = os.path.join(sp, entry)
        os.makedirs(d)
        with open(os.path.join(d, "METADATA"), "wb") as f:
            f.write(meta)
        for n, data in (files or {}).items():
            with open(os.path.join(d, n), "wb") as f:
                f.write(data)
    dist("ok-1.0.dist-info", b"Name: ok\nVersion: 1.0\n\n")
    dist("latin-1.0.dist-info", b"Name: latin\nVersion: 1.0\nSummary: caf\xe9\n\n")
    dist("nover.dist-info", b"Name: nover\n\n")
    dist("~bad-1.0.dist-info", b"Name: bad\nVersion: 1.0\n\n")
    dist("baddu-1.0.dist-info", b"Name: baddu\nVersion: 1.0\n\n", {"direct_url.json": b"{\"url\": \"\xff\"}"})
    dist("remote_ed-1.0.dist-info", b"Name: remote_ed\nVersion: 1.0\n\n",
         {"direct_url.json": b'{"url": "https://example.invalid/x", "dir_info": {"editable": true}}'})
    os.makedirs(os.path.join(sp, "fifo-1.0.dist-info"))
    os.mkfifo(os.path.join(sp, "fifo-1.0.dist-info", "METADATA"))
    os.symlink("loop-1.0.dist-info", os.path.join(sp, "loop-1.0.dist-info"))
    with open(os.path.join(sp, "junk.pth"), "wb") as f:
        f.write(b"\xff\xfe\x00garbage\n" + b"x" * 10000 + b"\n")
    p = ctx.runner.run(["freeze", env, "-o", "-"], timeout=30)
    err = p.err_text
    want = b"fifo==1.0\nloop==1.0\nok==1.0\n"
    g.check("freeze of metadata pip chokes on: exit 0, the rest printed, each bad one named on stderr",
            [] if p.rc == 0 and p.out == want and all(w in err for w in ("latin", "nover", "~bad", "baddu",
                                                                           "remote_ed"))
            else ["expected %r; %s" % (want, p.describe())])
    return g


def tests(ctx):
    return [("freeze corpus", lambda: t_corpus(ctx)), ("freeze cli", lambda: t_cli(ctx)),
            ("freeze write", lambda: t_write(ctx)), ("freeze bad input", lambda: t_bad_input(ctx))]


__all__ = ["tests", "fixture_tasks"]
