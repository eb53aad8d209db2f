"""Issue 15 item 9, the dialog and timing glitches: --theme on every
command, every --help complete, README's synopsis complete (CLI); and in
the browser: dialogs about an action close when it ends, unknown sizes in
the delete dialog, keys typed before the create form is ready, action keys
in the details view, ages that move, plurals, word wrapping."""

import os
import re

from harness import Group

HERE = os.path.dirname(os.path.abspath(__file__))
README = os.path.join(HERE, "..", "..", "README.md")


def commands(ctx):
    """The commands `venvscope --help` lists (its "commands:" block)."""
    p = ctx.runner.run(["--help"])
    text = p.out.decode()
    block = text.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    # A command's line is indented by two; its description's next lines by more.
    return [ln.split()[0] for ln in block.splitlines() if re.match(r"  \S", ln)]


def candidate_options(ctx, cmds):
    """Every long option named anywhere: the main --help and each command's."""
    seen = set()
    for args in [["--help"]] + [[c, "--help"] for c in cmds]:
        seen |= set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]+", ctx.runner.run(args).out.decode()))
    return sorted(seen - {"--help", "--version", "--theme"})


UNKNOWN = re.compile(r"unknown (option|argument)|not an option|unrecognized", re.I)


def accepted(ctx, cmd, opt):
    """Whether `cmd` takes `opt`: asked of the parser itself, with and
    without a value, in an empty folder and a fresh HOME (no ENV given, so
    nothing is ever changed)."""
    for args in ([cmd, opt], [cmd, opt + "=1"]):
        p = ctx.runner.run(args, timeout=60)
        if not UNKNOWN.search(p.err.decode()) and "--help" not in args:
            return True
    return False


DANGLING = {"the", "a", "an", "of", "to", "in", "and", "or", "with", "its", "from", "by"}


def t_help_complete(ctx):
    g = Group()
    cmds = commands(ctx)
    if len(cmds) < 10:
        g.fail("commands", "main --help lists only %r" % cmds)
        return g
    opts = candidate_options(ctx, cmds)
    for cmd in cmds:
        p = ctx.runner.run([cmd, "--help"])
        text = p.out.decode()
        diffs = []
        if p.rc != 0:
            diffs.append("exit %d" % p.rc)
        if "-h, --help" not in text:
            diffs.append("-h, --help is not described")
        if "Exit status" not in text:
            diffs.append("no exit status")
        named = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]+", text))
        for opt in opts:
            if any(n.startswith(opt) for n in named):
                continue  # named, or getopt's abbreviation of one that is
            if accepted(ctx, cmd, opt):
                diffs.append("%s is accepted but not in the help" % opt)
        # An option's description that stops on a word that wants another
        # (the, of, repository's) was cut off.
        lines = text.splitlines()
        for i, ln in enumerate(lines):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if ln.strip() and (not nxt.strip() or re.match(r"^  -", nxt)):
                last = ln.split()[-1]
                if last.lower() in DANGLING or last.endswith("'s"):
                    diffs.append("cut off: %r" % ln)
        g.check("%s --help complete" % cmd, diffs)
        p = ctx.runner.run([cmd, "--no-such-option"])
        g.check("%s --no-such-option: exit 2 with a reason" % cmd,
                [] if p.rc == 2 and UNKNOWN.search(p.err.decode())
                else ["exit %d, stderr %r" % (p.rc, p.err.decode()[:200])])
    return g


def t_theme_everywhere(ctx, cmds=None):
    g = Group()
    cmds = cmds or commands(ctx)
    for cmd in cmds:
        plain = ctx.runner.run([cmd, "--help"])
        for form in (["--theme", "light"], ["--theme=light"]):
            p = ctx.runner.run([cmd] + form + ["--help"])
            g.check("%s %s --help" % (cmd, " ".join(form)),
                    [] if (p.rc, p.out) == (0, plain.out)
                    else ["exit %d, stderr %r" % (p.rc, p.err.decode()[:200])])
    # The same rows with and without it (a fixture tree no test changes).
    root = os.path.join(ctx.fx.base, "sorttree")
    a = ctx.runner.run(["list", "--json", "--no-size", "--no-git", root], timeout=120)
    b = ctx.runner.run(["list", "--theme", "light", "--json", "--no-size", "--no-git", root], timeout=120)
    g.check("list --theme light --json: the same rows", [] if (b.rc, b.out) == (a.rc, a.out)
            else ["exit %d vs %d; stderr %r" % (b.rc, a.rc, b.err.decode()[:300])])
    # A bad theme is still an error, naming it.
    p = ctx.runner.run(["list", "--theme", "no-such-theme", "--json", root])
    g.check("list --theme no-such-theme: refused",
            [] if p.rc == 2 and b"no-such-theme" in p.err and not p.out
            else ["exit %d, stderr %r" % (p.rc, p.err.decode()[:200])])
    return g


def t_readme_synopsis(ctx):
    g = Group()
    text = open(README, encoding="utf-8").read()
    m = re.search(r"## Command line\n\n```\n(.*?)```", text, re.S)
    if not m:
        g.fail("README synopsis", "no ``` block under ## Command line")
        return g
    syn = m.group(1)
    cmds = commands(ctx)
    g.check("README synopsis: every command",
            ["%s missing" % c for c in cmds if not re.search(r"^venvscope %s\b" % c, syn, re.M)])
    diffs = []
    for cmd in cmds:
        lines = re.findall(r"^venvscope %s\b.*(?:\n {10,}.*)*" % cmd, syn, re.M)
        usage = ctx.runner.run([cmd, "--help"]).out.decode().split("\n\n", 1)[0]
        for opt in set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]+", usage)) - {"--help"}:
            if not any(re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(opt), ln) for ln in lines):
                diffs.append("%s %s missing" % (cmd, opt))
    for opt in ("--threads", "--no-git", "--theme"):
        if opt not in text.split("## Command line", 1)[1].split("`list` prints", 1)[0]:
            diffs.append("%s not in the synopsis" % opt)
    g.check("README synopsis: every command's flags", diffs)
    return g


def tests(ctx):
    return [("glitch help complete", lambda: t_help_complete(ctx)),
            ("glitch theme everywhere", lambda: t_theme_everywhere(ctx)),
            ("glitch readme synopsis", lambda: t_readme_synopsis(ctx))] + browser_tests(ctx)


# ------------------------------------------------------------ the browser

def _browser():
    # Imported here: the CLI tests above run without tmux's helpers.
    import browser_kit
    import tests_actions as ta
    import tests_actions_browser as tab
    import tty
    return browser_kit, ta, tab, tty


def _env(ta, ctx, path, dists=()):
    ta.venv_ref(ctx.fx.fast, ["--without-pip"], [path], os.path.join(os.path.dirname(path), "home"))
    for name in dists:
        ta.add_dist(path, name, "1.0")
    return path


def t_quit_dialog_closes(ctx):
    """q during a create asks; the question goes when the create ends, and
    the next q quits (it is not eaten by a stale dialog)."""
    bk, ta, tab, tty = _browser()

    def run(st):
        cands = [py for py in ctx.fx.pythons if py.ensurepip and py.vtuple >= (3, 9)]
        if not cands:
            st.g.skip("glitch browser: q during a create", "no Python 3.9+ with ensurepip")
            return
        py = cands[0]
        root = os.path.join(ta.workdir(ctx, "g-quit"), "root")
        os.makedirs(root)
        with tty.Tty(ctx.runner, [], width=200, height=32, env=tab.pyenv_env(), shell=True, tag="g-quit") as t:
            t.wait_for(r"^[$#] ?$", what="the shell prompt")
            t.line(t.command_line([root]) + '; echo "RC=$?"')
            bk.start(t)
            t.keys("c")
            t.wait_for(tab.FORM, what="the create form")
            t.keys("Down")
            tab.pick_python(t, py, len(ctx.fx.pythons))
            t.keys("Enter")  # with pip: ensurepip takes a few seconds
            t.wait_for(lambda s: "Esc cancel" in s.text and s, timeout=30, what="the create running")
            st.at("q while it runs")
            t.keys("q")
            t.wait_for("An action is still running", what="q to ask first")
            st.at("the create ends")
            scr = t.wait_for(lambda s: "An action is still running" not in s.text and "Esc cancel" not in s.text
                             and s, timeout=120, what="the question to close itself when the create ended")
            st.check("the question closed itself when the create ended",
                     [] if "RC=" not in scr.text else ["the browser quit\n%s" % scr])
            t.keys("q")
            scr = t.wait_for(r"^RC=\d+", timeout=10, what="the next q to quit")
            st.check("the next q quits (exit 0)", [] if re.search(r"^RC=0$", scr.text, re.M) else [str(scr)])
    return bk.session("glitch browser: q during a create", run)


def t_form_typeahead(ctx):
    """Keys typed with c, before the form is on screen, do not land in the
    Folder field: dropped, and the form says so."""
    bk, ta, tab, tty = _browser()

    def run(st):
        root = os.path.join(ta.workdir(ctx, "g-typeahead"), "root")
        os.makedirs(root)
        target = os.path.join(root, ".venv")
        with tty.Tty(ctx.runner, [root], width=200, height=32, env=tab.pyenv_env(), tag="g-typeahead") as t:
            bk.start(t)
            t.keys("c", "x", "y", "z")  # one write: xyz are read while the form is being made
            scr = t.wait_for(tab.FORM, what="the create form")
            scr = t.wait_for(lambda s: tab.field(s, "Folder") is not None and s, what="the Folder field")
            st.check("Folder is still ROOT/.venv",
                     [] if tab.field(scr, "Folder") == target else
                     ["Folder is %r, expected %r" % (tab.field(scr, "Folder"), target)])
            st.check("the form says the 3 keys were dropped",
                     [] if "3 keys typed before the form was ready were dropped" in scr.text else [str(scr)])
            t.keys("a")
            scr = t.wait_for(lambda s: tab.field(s, "Folder") == target + "a" and s,
                             what="a key typed on the form goes to the field")
            st.check("the next key clears the note", [] if "were dropped" not in scr.text else [str(scr)])
            t.keys("Escape")
    return bk.session("glitch browser: keys before the form", run)


def _dialog_rows(scr, title, keys_text):
    """The text rows of the dialog titled `title`, cut to the box."""
    lines = scr.lines
    top = next(i for i, l in enumerate(lines) if title in l)
    x = lines[top].index(title) - 1
    w = len(lines[top]) - 2 * x if scr.width is None else scr.width - 2 * x
    out = []
    for l in lines[top + 1:]:
        if keys_text in l:
            break
        out.append(l[x + 2:x + w - 2].rstrip())
    return [r for r in out if r.strip()]


def t_details_actions(ctx):
    """x and d in the details view act on its env alone (the marks of the
    list aside); the clear dialog says '1 package'."""
    bk, ta, tab, tty = _browser()

    def run(st):
        base = ta.workdir(ctx, "g-details")
        root = os.path.join(base, "root")
        one = _env(ta, ctx, os.path.join(root, "aaa-one"), ["onlyone"])
        _env(ta, ctx, os.path.join(root, "bbb-two"), ["first", "second"])
        with tty.Tty(ctx.runner, [root, "--sort", "name"], width=160, height=32, tag="g-details") as t:
            bk.start(t)
            t.wait_for(lambda s: [r["NAME"] for r in s.rows()] == ["aaa-one", "bbb-two"] and s, what="two rows")
            t.keys("Down", "Space")  # mark bbb-two
            t.wait_for(lambda s: "1 marked" in s.last and s, what="bbb-two marked")
            t.keys("Home", "Enter")
            t.wait_for(lambda s: one in s.text and "NAME" not in s.line(1) and s, what="the details of aaa-one")
            st.at("x in the details")
            t.keys("x")
            scr = t.wait_for(lambda s: "Clear this environment?" in s.text and s, timeout=5,
                             what="x in the details to ask to clear aaa-one")
            d = []
            if "bbb-two" in scr.text:
                d.append("the marked bbb-two is in the dialog")
            if not re.search(r"aaa-one .* 1 package  ", scr.text):
                d.append("no '1 package' for aaa-one")
            if re.search(r"\b1 packages\b", scr.text):
                d.append("'1 packages'")
            st.check("x in the details: clear aaa-one alone, '1 package'", d + ([] if not d else [str(scr)]))
            t.keys("Escape")
            t.wait_for(lambda s: "Clear this environment?" not in s.text and s, what="the dialog closed")
            st.at("d in the details")
            t.keys("d")
            scr = t.wait_for(lambda s: "Delete 1 environment" in s.text and s, timeout=5,
                             what="d in the details to ask to delete aaa-one")
            st.check("d in the details: delete aaa-one alone",
                     [] if "aaa-one" in scr.text and "bbb-two" not in scr.text else [str(scr)])
            t.keys("Escape")
            st.check("nothing was deleted", [] if os.path.isdir(one) else ["%s is gone" % one])
    return bk.session("glitch browser: actions in the details", run)


def t_delete_size_unknown(ctx):
    """d before the size is known says so, never '0 B'."""
    bk, ta, tab, tty = _browser()

    def run(st):
        root = os.path.join(ta.workdir(ctx, "g-unsized"), "root")
        env = _env(ta, ctx, os.path.join(root, "proj"), ["somepkg"])
        # --no-size: the size stays unknown for good, as it is while measured.
        with tty.Tty(ctx.runner, [root, "--no-size"], width=160, height=32, tag="g-unsized") as t:
            bk.start(t)
            t.keys("d")
            scr = t.wait_for(lambda s: "Delete 1 environment" in s.text and s, timeout=5, what="the delete dialog")
            title = next(l for l in scr.lines if "Delete 1 environment" in l)
            box = "\n".join([title] + _dialog_rows(scr, "Delete 1 environment", "Esc cancel"))
            d = []
            if "size not known yet" not in title:
                d.append("the dialog's title does not say 'size not known yet'")
            if re.search(r"\b0 B\b", box):
                d.append("the dialog says 0 B")
            st.check("d with an unknown size: 'size not known yet', no 0 B", d + ([str(scr)] if d else []))
            t.keys("Escape")
            st.check("nothing was deleted", [] if os.path.isdir(env) else ["%s is gone" % env])
    return bk.session("glitch browser: delete with the size not known", run)


def t_ages_tick(ctx):
    """An age shown as seconds moves on to minutes while the browser stays
    open (once a minute)."""
    bk, ta, tab, tty = _browser()

    def run(st):
        root = os.path.join(ta.workdir(ctx, "g-ages"), "root")
        _env(ta, ctx, os.path.join(root, "fresh"))
        with tty.Tty(ctx.runner, [root], width=160, height=20, tag="g-ages") as t:
            scr = bk.start(t)
            row = [r for r in scr.rows() if r["NAME"] == "fresh"]
            first = row[0]["AGE"] if row else None
            st.check("fresh: an age in seconds first", [] if first and (first == "now" or first.endswith("s"))
                     else ["AGE is %r\n%s" % (first, scr)])
            scr = t.wait_for(lambda s: any(r["NAME"] == "fresh" and re.match(r"^\d+m$", r["AGE"]) for r in s.rows())
                             and s, timeout=80, what="the age to move on to minutes")
            st.check("the age moved on without a key", [])
    return bk.session("glitch browser: ages tick", run)


def t_wrap_broken(ctx):
    """The broken-env dialog at 120 columns keeps every word of the message
    whole: the rows, joined, are the CLI's own sentence."""
    bk, ta, tab, tty = _browser()

    def run(st):
        base = ta.workdir(ctx, "g-wrap")
        root = os.path.join(base, "root", "a-rather-long-project-folder-name")
        env = _env(ta, ctx, os.path.join(root, ".venv"))
        # Its base Python is gone: pyvenv.cfg's home and the links point at a removed folder.
        gone = os.path.join(base, "gone-python", "bin")
        cfg = os.path.join(env, "pyvenv.cfg")
        text = open(cfg).read()
        text = re.sub(r"(?m)^home = .*$", "home = " + gone, text)
        open(cfg, "w").write(text)
        for n in os.listdir(os.path.join(env, "bin")):
            p = os.path.join(env, "bin", n)
            if os.path.islink(p):
                os.unlink(p)
                os.symlink(os.path.join(gone, "python3"), p)
        cli = ctx.runner.run(["clear", "--yes", env])
        msg = cli.err.decode().strip()
        msg = msg.split(": ", 1)[1] if msg.startswith("venvscope clear: ") else msg
        with tty.Tty(ctx.runner, [os.path.join(base, "root")], width=120, height=32, tag="g-wrap") as t:
            bk.start(t)
            t.keys("x")
            scr = t.wait_for(lambda s: "This environment is broken" in s.text and s, timeout=5,
                             what="x on a broken env to explain")
            rows = _dialog_rows(scr, "This environment is broken", "Esc cancel")
            got = " ".join(" ".join(rows).split())
            want = " ".join(msg.split())
            d = []
            if len(want) <= 114:
                d.append("the message is too short to need wrapping (%d columns): %r" % (len(want), want))
            if got != want:
                d.append("dialog text %r\n  CLI says %r\n%s" % (got, want, scr))
            st.check("the dialog shows the whole message, cut only between words (%d rows)" % len(rows), d)
            t.keys("Escape")
    return bk.session("glitch browser: wrap at words", run)


def browser_tests(ctx):
    return [("glitch browser quit dialog", lambda: t_quit_dialog_closes(ctx)),
            ("glitch browser typeahead", lambda: t_form_typeahead(ctx)),
            ("glitch browser details actions", lambda: t_details_actions(ctx)),
            ("glitch browser delete size unknown", lambda: t_delete_size_unknown(ctx)),
            ("glitch browser ages", lambda: t_ages_tick(ctx)),
            ("glitch browser wrap", lambda: t_wrap_broken(ctx))]
