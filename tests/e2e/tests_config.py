"""Issue 18: the config file and the remembered settings.

- roots and excludes from $XDG_CONFIG_HOME/venvscope/config: `list --json`
  lists exactly the envs an os.walk of the config's roots finds, pruning
  the excluded names (the truth); ROOTs on the command line replace them,
  --depth beats the file's depth.
- an excluded folder is never entered: under strace (openat, getdents64) the
  excluded folder's path never appears with the exclude, and does appear
  without it; as uid nobody a 000 folder warns (permission denied) without
  the exclude and is silent with it.
- errors: an unknown key, a bad number, a line without '=', a bad bind line
  each give `FILE:LINE: ...` on stderr while the good lines still apply;
  --config with a missing file, /dev/zero or a FIFO is a clear error (exit
  2, within the timeout); a FIFO at the default place is an error line and
  the defaults are used.
- --print-config names each value's source: default, config FILE:LINE,
  state FILE:LINE, command line, with state over config and the command
  line over both.
- the browser in tmux: T, s and a changed in a first run are written to
  $XDG_STATE_HOME/venvscope/state at q (by rename: a hard link to the old
  state keeps the old bytes; no temporary file is left; the config file is
  byte for byte as it was) and a second run starts with that sort (the
  title's arrow), that size mode (the header says "on disk") and that
  theme (the header's colours after T).
- `columns = name, size path` leaves only those titles in the browser (all
  of them are back with --no-config), and a bad line's error is in the
  browser's status line.
"""

import os
import re
import shutil

from browser_kit import session, start
from harness import NOBODY, Group, fresh_dir
from tests_delete import expect_rc, make_venv, text, write
from truth import envs_under
from tty import Tty


def xdg(home):
    return {"HOME": home, "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "XDG_DATA_HOME": os.path.join(home, ".local/share"),
            "XDG_STATE_HOME": os.path.join(home, ".local/state"),
            "XDG_CONFIG_HOME": os.path.join(home, ".config")}


def config_path(home):
    return os.path.join(home, ".config", "venvscope", "config")


def state_path(home):
    return os.path.join(home, ".local", "state", "venvscope", "state")


def listed(p, d, what):
    try:
        return sorted(e["path"] for e in p.json())
    except (ValueError, KeyError, TypeError) as e:
        d.append("%s: list --json: %s; %s" % (what, e, p.describe()[:400]))
        return []


def tree(ctx, name):
    """A home and roots: r1/{a, deep/x/y/b, node_modules/c, skip-1/d},
    ~/work/e (a root written with ~), r3/f (no root of the config)."""
    base = fresh_dir(ctx.base, "config", name)
    home = os.path.join(base, "home")
    for sub in (".local/share", ".cache", ".local/state", ".config/venvscope"):
        os.makedirs(os.path.join(home, sub))
    r1, r3 = os.path.join(base, "r1"), os.path.join(base, "r3")
    for p in ("r1/a", "r1/deep/x/y/b", "r1/node_modules/c", "r1/skip-1/d", "home/work/e", "r3/f"):
        make_venv(ctx.fx.fast, os.path.join(base, p), home, "--without-pip")
    return base, home, r1, r3


def t_roots_excludes(ctx):
    g = Group()
    base, home, r1, r3 = tree(ctx, "roots")
    work = os.path.join(home, "work")
    cwd = os.path.join(base, "cwd")
    os.makedirs(cwd)
    write(config_path(home), "# roots and excludes\nroots = %s:~/work\nexclude = node_modules\nexclude = skip-*\n" % r1)
    p = ctx.runner.run(["list", "--json", "--no-size", "--no-git"], home=home, cwd=cwd, env=xdg(home))
    d = expect_rc(p, 0)
    want = envs_under([r1, work], ["node_modules", "skip-*"])
    got = listed(p, d, "config roots")
    if got != want:
        d.append("listed %s\n  truth (os.walk of the config's roots, excludes pruned) %s" % (got, want))
    if len(want) != 3:
        d.append("the truth should hold 3 envs (a, b, e), it holds %s" % want)
    g.check("config: roots (one with ~) and excludes from the file are what list scans", d)

    # The command line wins: a ROOT replaces the roots, --depth the depth,
    # --exclude adds to the file's.
    write(config_path(home), "roots = %s\ndepth = 1\nexclude = node_modules\n" % r1)
    p = ctx.runner.run(["list", "--json", "--no-size", "--no-git"], home=home, cwd=cwd, env=xdg(home))
    d = expect_rc(p, 0)
    got, want = listed(p, d, "depth 1"), envs_under([r1], ["node_modules"], depth=1)
    if got != want:
        d.append("depth = 1 in the file: listed %s, truth %s" % (got, want))
    p = ctx.runner.run(["list", "--json", "--no-size", "--no-git", "--depth", "5", "--exclude", "skip-*"],
                       home=home, cwd=cwd, env=xdg(home))
    d += expect_rc(p, 0)
    got, want = listed(p, d, "--depth 5"), envs_under([r1], ["node_modules", "skip-*"], depth=5)
    if got != want or not any(x.endswith("/deep/x/y/b") for x in got):
        d.append("--depth 5 --exclude 'skip-*' over the file: listed %s, truth %s" % (got, want))
    p = ctx.runner.run(["list", "--json", "--no-size", "--no-git", r3], home=home, cwd=cwd, env=xdg(home))
    d += expect_rc(p, 0)
    got = listed(p, d, "ROOT r3")
    if got != [os.path.join(r3, "f")]:
        d.append("a ROOT on the command line: listed %s, want only %s/f" % (got, r3))
    p = ctx.runner.run(["list", "--json", "--no-size", "--no-git", "--no-config"], home=home, cwd=cwd,
                       env=xdg(home))
    d += expect_rc(p, 0)
    if listed(p, d, "--no-config") != []:
        d.append("--no-config still read the file's roots (the cwd holds no env)")
    g.check("config: ROOT, --depth and --exclude on the command line win over the file", d)
    return g


def traced(ctx, args, home, cwd, out):
    env = xdg(home)
    if os.environ.get("ASAN_OPTIONS"):
        # LeakSanitizer cannot run under ptrace: the sanitizer pass traces
        # without it (ASan's other checks stay on).
        env["ASAN_OPTIONS"] = os.environ["ASAN_OPTIONS"] + ":detect_leaks=0"
    return ctx.runner.run(args, home=home, cwd=cwd, env=env,
                          wrap=["strace", "-f", "-qq", "-e", "trace=openat,open,getdents64", "-o", out])


def t_never_entered(ctx):
    g = Group()
    base, home, r1, r3 = tree(ctx, "entered")
    cwd = os.path.join(base, "cwd")
    os.makedirs(cwd)
    hidden = os.path.join(r1, "skip-1")
    name = "config: an excluded folder is never opened (strace)"
    if not shutil.which("strace"):
        g.skip(name, "no strace on PATH")
    else:
        d = []
        for excl in (True, False):
            write(config_path(home), "roots = %s\n%s" % (r1, "exclude = skip-*\n" if excl else ""))
            out = os.path.join(base, "trace-%s" % excl)
            p = traced(ctx, ["list", "--json", "--no-git"], home, cwd, out)
            d += expect_rc(p, 0)
            with open(out, errors="replace") as f:
                seen = [x for x in f if hidden in x]
            if excl and seen:
                d.append("with exclude = skip-* the scan still touched %s:\n  %s" % (hidden, "  ".join(seen[:3])))
            if not excl and not seen:
                d.append("without the exclude strace shows no open of %s: the check cannot fail" % hidden)
        g.check(name, d)

    name = "config: as nobody, an excluded 000 folder gives no warning; not excluded it does"
    if os.geteuid() != 0 or not shutil.which("setpriv") or not ctx.runner.nobody_binary:
        g.skip(name, "needs root (to become uid %d with setpriv) and the suite's copy of the binary" % NOBODY)
        return g
    for r, dirs, files in os.walk(base):
        for x in [r] + [os.path.join(r, f) for f in dirs + files]:
            os.lchown(x, NOBODY, NOBODY)
    locked = os.path.join(r1, "locked")
    os.makedirs(locked)
    os.chown(locked, NOBODY, NOBODY)
    os.chmod(locked, 0)
    d = []
    try:
        for excl in (True, False):
            write(config_path(home), "roots = %s\n%s" % (r1, "exclude = locked\n" if excl else ""))
            os.chown(config_path(home), NOBODY, NOBODY)
            p = ctx.runner.run(["list", "--json", "--no-git", "--no-size"], home=home, cwd=cwd, env=xdg(home),
                               user=NOBODY)
            warned = locked in p.err_text and "ermission denied" in p.err_text
            if excl and (warned or p.rc != 0):
                d.append("excluded: %s" % p.describe())
            if not excl and not warned:
                d.append("not excluded: no permission-denied warning naming %s: %s" % (locked, p.describe()))
    finally:
        os.chmod(locked, 0o755)
    g.check(name, d)
    return g


def t_errors(ctx):
    g = Group()
    base = fresh_dir(ctx.base, "config", "errors")
    home = os.path.join(base, "home")
    r1 = os.path.join(base, "r1")
    make_venv(ctx.fx.fast, os.path.join(r1, "a"), home, "--without-pip")
    cwd = os.path.join(base, "cwd")
    os.makedirs(cwd)
    cfg = config_path(home)
    write(cfg, "colour = red\ndepth = deep\nroots %s\nbind x\nroots = %s\nstale-days = 3\n" % (r1, r1))
    want = ["%s:1: unknown key 'colour'" % cfg,
            "%s:2: depth wants a number of levels (0 or more), not 'deep'" % cfg,
            "%s:3: 'roots %s' is not 'key = value' (no '=')" % (cfg, r1),
            "%s:4: bind wants a KEY and an ACTION: 'bind KEY ACTION'" % cfg]
    p = ctx.runner.run(["list", "--json", "--no-size", "--no-git"], home=home, cwd=cwd, env=xdg(home))
    d = expect_rc(p, 0)
    for w in want:
        if "venvscope list: " + w not in p.err_text.splitlines():
            d.append("stderr lacks the line %r:\n  %s" % (w, p.err_text.strip()))
    if listed(p, d, "bad lines") != [os.path.join(r1, "a")]:
        d.append("the good roots line (5) was not applied: %s" % p.describe())
    p = ctx.runner.run(["--print-config"], home=home, cwd=cwd, env=xdg(home))
    d += expect_rc(p, 2)  # a script checking a config learns it is bad
    if "stale-days = 3  # config %s:6" % cfg not in text(p.out).splitlines():
        d.append("--print-config lacks stale-days from line 6: %s" % text(p.out))
    g.check("config errors: each bad line named FILE:LINE, the rest applied", d)

    d = []
    missing = os.path.join(base, "nope", "config")
    p = ctx.runner.run(["--config", missing, "--print-config"], home=home, cwd=cwd, env=xdg(home))
    d += expect_rc(p, 2)
    if "--config %s: does not exist" % missing not in p.err_text:
        d.append("--config with a missing file: %s" % p.describe())
    fifo = os.path.join(base, "fifo")
    os.mkfifo(fifo)
    for path, why in (("/dev/zero", "is a character device, not a file"), (fifo, "is a FIFO, not a file")):
        p = ctx.runner.run(["--config", path, "--print-config"], home=home, cwd=cwd, env=xdg(home), timeout=10)
        d += expect_rc(p, 2)
        if "--config %s: %s" % (path, why) not in p.err_text:
            d.append("--config %s: %s" % (path, p.describe()))
        p = ctx.runner.run(["list", "--config", path], home=home, cwd=cwd, env=xdg(home), timeout=10)
        d += expect_rc(p, 2)
    os.unlink(cfg)
    os.mkfifo(cfg)
    p = ctx.runner.run(["--print-config"], home=home, cwd=cwd, env=xdg(home), timeout=10)
    d += expect_rc(p, 2)
    if "%s: is a FIFO, not a file" % cfg not in p.err_text or "stale-days = 90  # default" not in text(p.out):
        d.append("a FIFO at the default place: %s\n  stdout %s" % (p.describe(), text(p.out)[:300]))
    g.check("config errors: --config missing, /dev/zero, a FIFO (and one at the default place) are errors, no hang", d)
    return g


def t_print_config(ctx):
    g = Group()
    base = fresh_dir(ctx.base, "config", "print")
    home = os.path.join(base, "home")
    cwd = os.path.join(base, "cwd")
    os.makedirs(cwd)
    cfg, st = config_path(home), state_path(home)
    write(cfg, "# mine\ntheme = light\nsort = age\ndepth = 3\nreverse = yes\nexclude = build\nbind b shell\n")
    write(st, "sort = name\nsize-mode = disk\n")
    p = ctx.runner.run(["--print-config", "--stale-days", "7", "--reverse"], home=home, cwd=cwd, env=xdg(home))
    d = expect_rc(p, 0)
    lines = text(p.out).splitlines()
    want = ["# config file: %s" % cfg, "# state file: %s" % st,
            "roots = .  # default",
            "exclude = build  # config %s:6" % cfg,
            "depth = 3  # config %s:4" % cfg,
            "stale-days = 7  # command line",
            "threads = auto  # default",
            "theme = light  # config %s:2" % cfg,
            "sort = name  # state %s:1" % st,
            "reverse = yes  # command line",
            "columns = all  # default",
            "size-mode = disk  # state %s:2" % st,
            "bind b shell  # config %s:7" % cfg]
    if lines != want:
        d.append("--print-config printed\n  %s\nexpected\n  %s" % ("\n  ".join(lines), "\n  ".join(want)))
    p = ctx.runner.run(["--print-config", "--sort", "path", "--theme", "mono", "--threads", "2"], home=home,
                       cwd=cwd, env=xdg(home))
    d += expect_rc(p, 0)
    for w in ("sort = path  # command line", "theme = mono  # command line", "threads = 2  # command line"):
        if w not in text(p.out).splitlines():
            d.append("flags over state and config: no line %r in\n  %s" % (w, text(p.out)))
    p = ctx.runner.run(["--print-config", "--no-config"], home=home, cwd=cwd, env=xdg(home))
    if "sort = size  # default" not in text(p.out).splitlines():
        d.append("--no-config still read the state: %s" % text(p.out))
    g.check("--print-config: each value and its source (default, config FILE:LINE, state FILE:LINE, command line)", d)
    return g


def header_style(scr):
    return scr.style_at(0, 3)


def t_remembered(ctx):
    title = "config: theme, sort and size mode remembered across two browser runs"

    def run(st):
        base = fresh_dir(ctx.base, "config", "remember")
        home = os.path.join(base, "home")
        root = os.path.join(base, "r")
        for n in ("a", "bb"):
            make_venv(ctx.fx.fast, os.path.join(root, n), home, "--without-pip")
        cfg, stf = config_path(home), state_path(home)
        cfg_bytes = b"# my settings\nroots = %s\nstale-days = 30\n" % root.encode()
        write(cfg, cfg_bytes)
        # An old state with a line of the user's; a hard link to it shows
        # whether it is replaced (rename: the link keeps the old bytes) or
        # written in place.
        old = b"# kept\nreverse = no\n"
        write(stf, old)
        link = os.path.join(base, "old-state")
        os.link(stf, link)
        with Tty(ctx.runner, [], width=160, height=20, env=xdg(home), tag="cfg-remember") as t:
            first = start(t)
            st.at("T, s and a in the first run")
            sort0, style0 = first.sorted_by(), header_style(first)
            t.keys("T")
            t.wait_for(lambda s: "theme: " in s.last, what="T's message")
            theme = re.search(r"theme: (\S+)", t.screen().last).group(1)
            t.keys("s")
            t.wait_for(lambda s: "sorted by" in s.last and s.sorted_by() != sort0, what="s's new sort")
            t.keys("a")
            after = t.wait_for(lambda s: " on disk · " in s.line(0), what="a: the header says on disk",
                               styled=True)
            sort1, style1 = after.sorted_by(), header_style(after)
            t.keys("q")
            t.wait_for(lambda s: s.dead is not None, what="the browser to quit")
        d = []
        if sort0 != ("SIZE", "↓"):
            d.append("the first run did not start by size: %s" % (sort0,))
        if style1 == style0:
            d.append("T did not change the header's colours (%s): the theme check cannot fail" % (style0,))
        with open(stf, "rb") as f:
            state = f.read().decode()
        sort_word = {"NAME": "name", "AGE": "age", "PATH": "path", "PYTHON": "python", "SIZE": "size"}.get(sort1[0], "used")
        for w in ("theme = %s" % theme, "sort = %s" % sort_word, "size-mode = disk", "# kept", "reverse = no"):
            if w not in state.splitlines():
                d.append("state file lacks the line %r:\n%s" % (w, state))
        with open(link, "rb") as f:
            if f.read() != old:
                d.append("the old state file was written in place, not replaced by rename")
        left = [x for x in os.listdir(os.path.dirname(stf)) if x != "state"]
        if left:
            d.append("files left beside the state: %s" % left)
        with open(cfg, "rb") as f:
            if f.read() != cfg_bytes:
                d.append("the config file changed")
        st.check("the state file holds T, s and a, written by rename, the config untouched", d)

        with Tty(ctx.runner, [], width=160, height=20, env=xdg(home), tag="cfg-remember2") as t:
            st.at("the second run")
            scr = t.wait_for(lambda s: " on disk · " in s.line(0) and s.sorted_by() is not None,
                             timeout=30, what="the header to say on disk", styled=True)
            scr = t.wait_for(lambda s: s.sorted_by() == sort1, timeout=5,
                             what="the sort %s of the first run" % (sort1,), styled=True)
            d = []
            if header_style(scr) != style1:
                d.append("header colours %s, the first run's theme %s had %s" % (header_style(scr), theme, style1))
            t.keys("q")
            t.wait_for(lambda s: s.dead is not None, what="the browser to quit")
        st.check("the second run starts with the theme, sort and size mode of the first", d)
        p = ctx.runner.run(["--print-config"], home=home, env=xdg(home))
        d = expect_rc(p, 0)
        if "theme = %s  # state %s:3" % (theme, stf) not in text(p.out).splitlines():
            d.append("--print-config: %s" % text(p.out))
        st.check("--print-config says the theme comes from the state file", d)

    return session(title, run)


def t_columns_status(ctx):
    title = "config: columns, and a bad line in the browser's status line"

    def run(st):
        base = fresh_dir(ctx.base, "config", "columns")
        home = os.path.join(base, "home")
        root = os.path.join(base, "r")
        make_venv(ctx.fx.fast, os.path.join(root, "a"), home, "--without-pip")
        cfg = config_path(home)
        write(cfg, "roots = %s\ncolumns = name, size path\ncolour = red\n" % root)
        with Tty(ctx.runner, [], width=160, height=20, env=xdg(home), tag="cfg-columns") as t:
            scr = start(t)
            d = []
            if sorted(scr.titles()) != ["NAME", "PATH", "SIZE"]:
                d.append("titles %s, the config says name, size path" % sorted(scr.titles()))
            if ":3: unknown key 'colour'" not in scr.last:
                d.append("status line %r lacks the config's error" % scr.last)
            st.check("only the config's columns are shown; the bad line is in the status line", d)
            t.keys("q")
            t.wait_for(lambda s: s.dead is not None, what="the browser to quit")
        with Tty(ctx.runner, ["--no-config", root], width=160, height=20, env=xdg(home), tag="cfg-columns2") as t:
            scr = start(t)
            st.check("without the config every column is back",
                     [] if {"KIND", "PYTHON", "PKGS", "AGE"} <= set(scr.titles())
                     else ["titles %s" % sorted(scr.titles())])
            t.keys("q")
            t.wait_for(lambda s: s.dead is not None, what="the browser to quit")

    return session(title, run)


def t_bind(ctx):
    """`bind KEY ACTION` lines of the config rebind the browser's keys
    (ui_keymap_bind): Z opens the help, i does nothing any more, help lists
    Z beside ?, and a line naming no action is a FILE:LINE error while the
    good lines still apply."""
    title = "config: bind lines rebind the browser's keys"

    def run(st):
        base = fresh_dir(ctx.base, "config", "bind")
        home = os.path.join(base, "home")
        root = os.path.join(base, "r")
        make_venv(ctx.fx.fast, os.path.join(root, "a"), home, "--without-pip")
        cfg = config_path(home)
        write(cfg, "roots = %s\nbind Z help\nbind i none\nbind Q explode\n" % root)
        r = ctx.runner.run(["--print-config"], home=home, cwd=base, env=xdg(home))
        err = r.err_text
        st.check("--print-config: the bad bind line is named by file and line, exit 2",
                 [] if r.rc == 2 and "%s:4:" % cfg in err and "explode" in err
                 else ["rc %s, stderr %r" % (r.rc, err)])
        with Tty(ctx.runner, [], width=160, height=40, env=xdg(home), tag="cfg-bind") as t:
            scr = start(t)
            st.check("the bad bind line is in the status line",
                     [] if ":4:" in scr.last and "explode" in scr.last else ["status line %r" % scr.last])
            t.keys("i")
            t.keys("s")  # a key after i: its answer shows i did nothing first
            scr = t.wait_for(lambda s: s.titles() and "NAME" in s.titles() and s, what="the list after i")
            st.check("i does nothing (bound to none): the list stays",
                     [] if not re.match(r" Esc (q )?back", scr.last) else ["i opened the details"])
            t.keys("Z")
            scr = t.wait_for(lambda s: s.line(1).strip() == "In the list" and s, what="the help after Z")
            line = next((l for l in scr.lines if re.search(r"\bhelp\b", l) and "?" in l), "")
            st.check("Z opens the help, which lists Z beside ? for it",
                     [] if re.search(r"(^|\s)Z(\s|$)", line) else ["help's line for help: %r" % line])
            t.keys("Escape")
            t.keys("q")
            t.wait_for(lambda s: s.dead is not None, what="the browser to quit")

    return session(title, run)


def tests(ctx):
    return [("config bind", lambda: t_bind(ctx)), ("config roots", lambda: t_roots_excludes(ctx)), ("config entered", lambda: t_never_entered(ctx)),
            ("config errors", lambda: t_errors(ctx)), ("config print", lambda: t_print_config(ctx)),
            ("config remembered", lambda: t_remembered(ctx)), ("config columns", lambda: t_columns_status(ctx))]


__all__ = ["tests"]
