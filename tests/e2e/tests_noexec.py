"""Nothing under an environment is ever run unless the user asked for
exactly that (`shell`, `upgrade`, `freeze --pip`, recreate's install into
the new env).

Real `--system-site-packages` envs of the fast Python are booby-trapped,
each with its own marker file outside the env that appears when the trap
runs:

- python:  bin/python* are shell scripts (touch MARKER, exec the real python);
- pth:     site-packages/evil.pth has an `import` line that writes MARKER;
- home:    pyvenv.cfg's `home` and `executable` name hb/pythonX.Y inside the
           env (a trap script), and bin/python* link to it: every base the
           env names lies inside it;
- cwd:     a venv/ package in the env, run from inside it: `python -m venv`
           started there imports it.

Every command runs with its current folder in the env. The CLI: list,
list --json, show, show --json, freeze, pythons --json (the env's bin/
first on PATH, as when it is activated), create (of another env), clear
--yes, delete --yes (in
the ns_script guard when it can be set up); the browser: the details pane,
c (the create form probes the envs' base interpreters), f (freeze all
marked), d then y. After each, no marker may exist, and the
command must still have done its work (the env listed, frozen, cleared,
deleted; clear of the 'home' trap refused with the reason)."""

import json
import os
import re

from browser_kit import session, start, status_has
from harness import Group
from tests_delete import make_venv, ns_script, site_packages, text, workdir, write
from tty import Tty

TRAPS = ("python", "pth", "home", "cwd")


def script(mark, real):
    return '#!/bin/sh\n: > "%s"\nexec "%s" "$@"\n' % (mark, real)


def xy(py):
    return "%d.%d" % py.vtuple[:2]


def make_trap(ctx, kind, env, mark):
    """A --system-site-packages env at `env` with trap `kind` writing `mark`."""
    py = ctx.fx.fast
    home = os.path.join(os.path.dirname(env), "pyhome")
    make_venv(py, env, home, "--without-pip", "--system-site-packages")
    bins = [os.path.join(env, "bin", n) for n in ("python", "python3", "python" + xy(py))]
    if kind == "python":
        for b in bins:
            if os.path.lexists(b):
                os.unlink(b)
            write(b, script(mark, py.real), 0o755)
    elif kind == "pth":
        write(os.path.join(site_packages(env), "evil.pth"),
              "import os; open(%r, 'w').close()\n" % mark)
    elif kind == "home":
        hb = os.path.join(env, "hb")
        trap = os.path.join(hb, "python" + xy(py))
        write(trap, script(mark, py.real), 0o755)
        for n in ("python3", "python"):
            os.symlink("python" + xy(py), os.path.join(hb, n))
        for b in bins:
            if os.path.lexists(b):
                os.unlink(b)
            os.symlink(os.path.relpath(trap, os.path.dirname(b)), b)
        cfg = os.path.join(env, "pyvenv.cfg")
        with open(cfg) as f:
            lines = [l for l in f.read().splitlines() if not l.startswith(("home", "executable"))]
        write(cfg, "\n".join(["home = " + hb] + lines + ["executable = " + trap]) + "\n")
    elif kind == "cwd":
        for n in ("__init__.py", "__main__.py"):
            write(os.path.join(env, "venv", n), "open(%r, 'w').close()\n" % mark)
    return env


def mark_diff(marks, what):
    """A line per marker that exists (and removes it, for the next step)."""
    d = []
    for kind, m in sorted(marks.items()):
        if os.path.exists(m):
            d.append("%s ran code of the %r trap (%s appeared)" % (what, kind, m))
            os.unlink(m)
    return d


# ------------------------------------------------------------ command line

def t_cli(ctx):
    g = Group()
    base = workdir(ctx, "noexec-cli")
    marks_dir = os.path.join(base, "marks")
    os.makedirs(marks_dir)
    run = ctx.runner.run
    # One env per trap and use: looked at (list, show, freeze), cleared, deleted.
    envs = {}
    marks = {}
    for use in ("look", "clear", "delete"):
        for kind in TRAPS:
            m = os.path.join(marks_dir, "%s-%s" % (use, kind))
            marks[(use, kind)] = m
            envs[(use, kind)] = make_trap(ctx, kind, os.path.join(base, use, kind, "env-" + kind), m)

    def marks_of(use):
        return {k: marks[(use, k)] for k in TRAPS}

    look = {k: envs[("look", k)] for k in TRAPS}
    for kind, env in sorted(look.items()):
        root = os.path.dirname(env)
        for args, label in ((["list", root], "list"), (["list", "--json", root], "list --json")):
            p = run(args, cwd=env)
            d = [] if p.rc == 0 and env.encode() in p.out else ["expected exit 0 and the env listed; " + p.describe()]
            g.check("noexec: %s of the %r trap runs nothing, lists it" % (label, kind),
                    d + mark_diff({kind: marks[("look", kind)]}, label))
        for args, label in ((["show", env], "show"), (["show", "--json", env], "show --json")):
            p = run(args, cwd=env)
            d = [] if p.rc == 0 and env.encode() in p.out else ["expected exit 0 and the env shown; " + p.describe()]
            g.check("noexec: %s of the %r trap runs nothing, shows it" % (label, kind),
                    d + mark_diff({kind: marks[("look", kind)]}, label))
        p = run(["freeze", env, "-o", "-"], cwd=env)
        d = [] if p.rc == 0 else ["expected exit 0; " + p.describe()]
        if kind == "home" and b"inside the environment" not in p.err:
            d.append("no warning that the base lies inside the environment: %s" % text(p.err).strip())
        g.check("noexec: freeze of the %r trap runs nothing, exit 0" % kind,
                d + mark_diff({kind: marks[("look", kind)]}, "freeze"))

    # An activated env's bin/ first on PATH: `pythons` lists the machine's
    # interpreters without running the env's.
    for kind in ("python", "pth"):
        env = look[kind]
        path = os.path.join(env, "bin") + ":" + os.environ.get("PATH", "/usr/bin:/bin")
        p = run(["pythons", "--json"], cwd=env, env={"PATH": path, "VIRTUAL_ENV": env})
        d = mark_diff({kind: marks[("look", kind)]}, "pythons --json")
        if p.rc != 0:
            d.append("expected exit 0; " + p.describe())
        else:
            # Its `envs` may name the env (it is found under the current
            # folder and uses that base); no interpreter may lie inside it.
            try:
                rows = json.loads(p.out)
            except ValueError as e:
                rows = []
                d.append("not JSON (%s): %s" % (e, text(p.out)[:300]))
            inside = [n for r in rows for n in [r.get("path"), r.get("real_path")] + list(r.get("names") or [])
                      if isinstance(n, str) and (n == env or n.startswith(env + "/"))]
            if inside:
                d.append("the env's own python is listed: %s" % inside)
        g.check("noexec: pythons with the %r trap's bin/ first on PATH runs nothing, lists no env python" % kind, d)

    # create, run from inside the 'cwd' trap: `python -m venv` must not
    # import the env's venv/ package.
    env = look["cwd"]
    new = os.path.join(base, "created", "new-env")
    p = run(["create", "--python", ctx.fx.fast.exe, "--without-pip", new], cwd=env, timeout=120)
    d = mark_diff({"cwd": marks[("look", "cwd")]}, "create")
    if p.rc != 0 or not os.path.isfile(os.path.join(new, "pyvenv.cfg")):
        d.append("expected exit 0 and %s/pyvenv.cfg; %s" % (new, p.describe()))
    g.check("noexec: create run from inside the 'cwd' trap runs nothing of it, makes the env", d)
    # --prompt . names the prompt after the current folder: venv has to run
    # there, and still must not import the trap.
    if ctx.fx.fast.vtuple >= (3, 9):
        new = os.path.join(base, "created", "dot-env")
        p = run(["create", "--python", ctx.fx.fast.exe, "--without-pip", "--prompt", ".", new], cwd=env,
                timeout=120)
        d = mark_diff({"cwd": marks[("look", "cwd")]}, "create --prompt .")
        cfg = os.path.join(new, "pyvenv.cfg")
        prompt = [l for l in open(cfg).read().splitlines() if l.startswith("prompt")] if os.path.isfile(cfg) else []
        if p.rc != 0 or prompt != ["prompt = %r" % os.path.basename(env)]:
            d.append("expected exit 0 and prompt = %r in pyvenv.cfg, got %s; %s" % (
                os.path.basename(env), prompt, p.describe()))
        g.check("noexec: create --prompt . run from inside the 'cwd' trap runs nothing of it, "
                "names the prompt after that folder", d)
    else:
        g.skip("noexec: create --prompt . from inside the 'cwd' trap", "--prompt . needs Python 3.9+; "
               "the fast Python is %s" % ctx.fx.fast.version)

    for kind in TRAPS:
        env = envs[("clear", kind)]
        p = run(["clear", "--yes", env], cwd=env, timeout=120)
        d = mark_diff({kind: marks[("clear", kind)]}, "clear --yes")
        if kind == "home":
            if p.rc != 2 or b"inside the environment" not in p.err:
                d.append("expected exit 2 and 'inside the environment' (its base lies in it); " + p.describe())
            elif not os.path.exists(os.path.join(env, "hb")):
                d.append("the refused clear changed the env: hb/ is gone")
            g.check("noexec: clear of the 'home' trap is refused with the reason and runs nothing", d)
            continue
        if p.rc != 0:
            d.append("expected exit 0; " + p.describe())
        else:
            left = [n for n in ("venv", os.path.join(os.path.relpath(site_packages(env), env), "evil.pth"))
                    if os.path.lexists(os.path.join(env, n))]
            with open(os.path.join(env, "bin", "python"), "rb") as f:
                if f.read(2) == b"#!":
                    left.append("bin/python (the trap script)")
            if left:
                d.append("not cleared: %s left" % left)
        g.check("noexec: clear --yes of the %r trap runs nothing, clears it" % kind, d)

    wrap = ns_script(ctx)
    if wrap is None:
        ctx.fx.note("noexec: delete ran without the read-only guard (not root, or no unshare)")
    for kind in TRAPS:
        env = envs[("delete", kind)]
        p = run(["delete", "--yes", env], cwd=os.path.dirname(env), wrap=wrap, timeout=120)
        d = mark_diff({kind: marks[("delete", kind)]}, "delete --yes")
        if p.rc != 0 or os.path.lexists(env):
            d.append("expected exit 0 and the env gone; %s (still there: %s)" % (p.describe(), os.path.lexists(env)))
        g.check("noexec: delete --yes of the %r trap runs nothing, deletes it%s" % (
            kind, "" if wrap else " (unguarded)"), d)
    return g


# ----------------------------------------------------------------- browser

def t_browser(ctx):
    def run(st):
        base = workdir(ctx, "noexec-browser")
        marks_dir = os.path.join(base, "marks")
        os.makedirs(marks_dir)
        root = os.path.join(base, "root")
        marks, envs = {}, {}
        for kind in TRAPS:
            marks[kind] = os.path.join(marks_dir, kind)
            proj = os.path.join(root, "proj-" + kind)
            write(os.path.join(proj, "pyproject.toml"), "[project]\nname = 'p-%s'\n" % kind)
            envs[kind] = make_trap(ctx, kind, os.path.join(proj, "env-" + kind), marks[kind])
        names = sorted("env-" + k for k in TRAPS)
        with Tty(ctx.runner, [root], width=140, height=40, tag="noexec-browser") as t:
            start(t)
            t.wait_for(lambda s: sorted(s.names()) == names, what="the rows %s" % names)
            st.check("the scan runs nothing", mark_diff(marks, "the scan"))
            order = t.screen().names()
            for i, name in enumerate(order):
                st.at("Enter opens the details of %s" % name)
                t.keys("Enter")
                env = envs[name[len("env-"):]]
                t.wait_for(lambda s: env in s.line(1) and re.search(r"^ packages \(\d+\)", s.text, re.M),
                           what="the details of %s" % env)
                st.check("the details pane of %s runs nothing" % name, mark_diff(marks, "the details pane"))
                t.keys("Escape")
                t.wait_for(lambda s: sorted(s.names()) == names, what="the list again")
                if i + 1 < len(order):
                    t.keys("Down")
            st.at("c opens the create form (it probes the envs' base interpreters)")
            t.keys("c")
            t.wait_for("Create a virtual environment", what="the create form")
            st.check("the create form runs nothing of the envs (their bases inside them are not probed)",
                     mark_diff(marks, "the create form"))
            t.keys("Escape")
            t.wait_for(lambda s: sorted(s.names()) == names, what="the list again")
            st.at("* marks all, f freezes them")
            t.keys("*")
            t.wait_for(status_has("%d marked" % len(names)), what="'%d marked' on the status line" % len(names))
            t.keys("f")
            scr = t.wait_for(lambda s: re.search(r"freeze: \d+ written", s.last) and s, timeout=30,
                             what="'freeze: N written' on the status line")
            d = mark_diff(marks, "f (freeze)")
            written = [k for k in TRAPS if os.path.isfile(os.path.join(root, "proj-" + k, "requirements.txt"))]
            if len(written) != len(TRAPS):
                d.append("requirements.txt written for %s only; status %r" % (written, scr.last))
            st.check("f on the marked envs runs nothing, writes each project's requirements.txt", d)
            st.at("d, y deletes the marked envs")
            t.keys("d")
            t.wait_for(r"Delete %d environments" % len(names), what="the delete dialog")
            t.keys("y")
            t.wait_for(lambda s: not s.names() and "freed" in s.last, timeout=60,
                       what="no rows left and 'freed' on the status line")
            d = mark_diff(marks, "d, y (delete, its recipe first)")
            d += ["%s is still there" % e for e in envs.values() if os.path.lexists(e)]
            st.check("d, y deletes the marked envs and runs nothing (their recipes read natively)", d)
    return session("noexec browser", run)


def tests(ctx):
    return [("noexec cli", lambda: t_cli(ctx)), ("noexec browser", lambda: t_browser(ctx))]


__all__ = ["tests"]
