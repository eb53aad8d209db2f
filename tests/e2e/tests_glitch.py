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
    return [ln.split()[0] for ln in block.splitlines() if ln.startswith("  ") and ln.split()]


def candidate_options(ctx, cmds):
    """Every long option named anywhere: the main --help and each command's."""
    seen = set()
    for args in [["--help"]] + [[c, "--help"] for c in cmds]:
        seen |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", ctx.runner.run(args).out.decode()))
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
        named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text))
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
    # The same rows with and without it.
    root = ctx.fx.base
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
        for opt in set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", usage)) - {"--help"}:
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
            ("glitch readme synopsis", lambda: t_readme_synopsis(ctx))]
