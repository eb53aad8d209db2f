"""The browser's actions in a real terminal (tmux): `c` (the create form:
the Python picker, the options each Python supports, the log pane, the new
row), `x` (clear: the confirmation names the env, its size and package
count; the row refreshes), `u` `u` (upgrade), `a` (a shell with the env
active, then back to the browser as it was), `q` while an action runs (asks
first), Esc on a running create (cancel: the pane says so, the partial
folder is offered for removal, no child process is left).

The envs are made here with the machine's Pythons; what the browser makes
is compared with `python -m venv` as in tests_actions.py."""

import os
import re
import time

from browser_kit import sel_name, session, start
from tests_browser_term import child_of
from tests_actions import add_dist, compare_envs, read_cfg, site_names, venv_ref, workdir
from tty import ScreenError, Tty

FORM = "Create a virtual environment"


def pyenv_env():
    """The Tty's HOME is a temp folder: name the pyenv root so the picker
    offers the same Pythons a user of this machine would see."""
    return {"PYENV_ROOT": os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")}


def field(scr, label):
    """The value of a form line ('  Label   value'), or None when absent."""
    for l in scr.lines:
        if l.startswith("  " + label):
            return l[33:].strip() if len(l) > 33 else ""
    return None


def python_field(scr):
    v = field(scr, "Python  < >")
    m = re.match(r"(\S+)\s+(\S.*)$", v or "")
    return m.groups() if m else (None, None)


def offered_options(scr, ver):
    """Lines for options the form offers (or hides) wrongly for Python ver."""
    vt = tuple(int(x) for x in re.findall(r"\d+", ver)[:3])
    d = []
    if (field(scr, "Upgrade pip on creation") is not None) != (vt >= (3, 9)):
        d.append("'Upgrade pip on creation' %s for Python %s" % ("offered" if vt < (3, 9) else "missing", ver))
    if (field(scr, "No .gitignore inside") is not None) != (vt >= (3, 13)):
        d.append("'No .gitignore inside' %s for Python %s" % ("offered" if vt < (3, 13) else "missing", ver))
    return d


def listed_pythons(scr):
    """(version, path) of each line under 'Interpreters on this machine'."""
    out, on = [], False
    for l in scr.lines:
        if "Interpreters on this machine" in l:
            on = True
        elif on:
            m = re.match(r"^\s+(?:>\s+)?(\d+\.\d+\S*)\s+(/\S.*?)\s*$", l)
            if not m:
                break
            out.append(m.groups())
    return out


def step_python(t, key):
    """Left or Right on the Python field; the new (version, path)."""
    cur = python_field(t.screen())
    t.keys(key)
    scr = t.wait_for(lambda s: python_field(s) != cur and s, what="%s to change the Python from %s" % (key, cur))
    return python_field(scr), scr


def round_pythons(t, n):
    """Right until the Python first shown comes back: [(version, path, problems)]."""
    scr = t.screen()
    first = python_field(scr)
    if first[0] is None:
        raise ScreenError("no Python field on the form\n%s" % scr)
    out = [(first[0], first[1], offered_options(scr, first[0]))]
    for _ in range(n + 4):
        cur, scr = step_python(t, "Right")
        if cur == first:
            return out
        out.append((cur[0], cur[1], offered_options(scr, cur[0])))
    raise ScreenError("Right never came back to %s; seen %s" % (first, [o[:2] for o in out]))


def pick_python(t, want, n):
    """Right until `want` (a pythons.Python) is the chosen one."""
    for _ in range(n + 4):
        ver, path = python_field(t.screen())
        if ver == want.version and path and os.path.realpath(path) == want.real:
            return
        step_python(t, "Right")
    raise ScreenError("Python %s (%s) never came up with Right\n%s" % (want.version, want.exe, t.screen()))


def pane_result(text):
    return lambda s: text in s.text and s


def t_create_form(ctx):
    def run(st):
        fast = ctx.fx.fast
        base = workdir(ctx, "b-create")
        root, refroot = os.path.join(base, "root"), os.path.join(base, "ref")
        venv_ref(fast, ["--without-pip"], [os.path.join(root, "seed")], os.path.join(base, "home"))
        target = os.path.join(root, ".venv")
        with Tty(ctx.runner, [root], width=200, height=32, env=pyenv_env(), tag="a-create") as t:
            start(t)
            st.at("c opens the form")
            t.keys("c")
            scr = t.wait_for(FORM, what="the create form")
            st.check("c: the form, Folder defaults to ROOT/.venv",
                     [] if field(scr, "Folder") == target else ["Folder is %r, expected %r" % (field(scr, "Folder"), target)])
            t.keys("Down")
            st.at("Left/Right pick the Python")
            pys = ctx.fx.pythons
            if len(pys) > 1:
                offered = round_pythons(t, len(pys))
            else:
                # One Python: Left/Right have nothing to go to. The form's
                # list of the machine's interpreters must hold it, once.
                scr = t.wait_for(lambda s: python_field(s)[0] and listed_pythons(s) and s,
                                 what="the Python field and the list of interpreters")
                shown = python_field(scr)
                offered = [(v, p, offered_options(scr, v)) for v, p in listed_pythons(scr)]
                st.check("one Python: the Python field shows it (%s %s)" % (pys[0].version, pys[0].exe),
                         [] if shown[0] == pys[0].version and os.path.realpath(shown[1]) == pys[0].real else
                         ["Python field %s %s" % shown])
            want = {(py.version, py.real) for py in pys}
            got = {(v, os.path.realpath(p)) for v, p, _ in offered}
            st.check("Left/Right: the picker offers every Python of the machine (%d), each once" % len(want),
                     ["not offered: %s %s" % w for w in sorted(want - got)] +
                     (["offered twice: %s" % [o[:2] for o in offered]] if len(got) != len(offered) else []))
            st.check("the options offered follow the chosen Python (upgrade-deps 3.9+, no .gitignore 3.13+)",
                     [x for o in offered for x in o[2]])
            pick_python(t, fast, len(pys))
            if len(pys) > 1:
                cur, _ = step_python(t, "Left")
                back, _ = step_python(t, "Right")
                chosen_path = back[1]
                st.check("Left then Right comes back to the same Python",
                         [] if back[0] == fast.version else
                         ["Left gave %s, Right then %s, expected %s" % (cur, back, fast.version)])
            else:
                chosen_path = python_field(t.screen())[1]
                st.g.skip("actions browser: create form: Left then Right comes back to the same Python",
                          "needs a second Python; only %s here" % pys[0].exe)
            st.at("options")
            # Down from Python: (Upgrade pip), System site-packages, Interpreter, Without pip, Prompt.
            t.keys("Down")
            if fast.vtuple >= (3, 9):
                t.keys("Down")
            t.keys("Space", "Down", "Right", "Right", "Down", "Space", "Down")
            t.type("form env")
            scr = t.wait_for(lambda s: field(s, "Prompt") == "form env" and s, what="the prompt typed")
            got = {k: field(scr, k) for k in ("System site-packages", "Interpreter  < >", "Without pip", "Prompt")}
            exp = {"System site-packages": "[x]", "Interpreter  < >": "copies", "Without pip": "[x]", "Prompt": "form env"}
            st.check("Space / Right / typing set the options",
                     ["%s shows %r, expected %r" % (k, got[k], exp[k]) for k in exp if got[k] != exp[k]])
            st.at("Enter creates")
            t.keys("Enter")
            done = "created %s with Python %s" % (target, fast.version)
            scr = t.wait_for(lambda s: FORM not in s.text and "create %s" % target in s.text and s,
                             what="the log pane titled 'create %s'" % target)
            scr = t.wait_for(pane_result(done), timeout=30, what="the result %r" % done)
            st.check("Enter: the log pane shows the title and the result",
                     [] if re.search(r"^ *create %s\b" % re.escape(target), scr.text, re.M) and
                     re.search(r"^%s \(\d+\.\ds\)" % re.escape(done), scr.text, re.M) else
                     ["no pane title 'create %s' and result '%s (N.Ns)'\n%s" % (target, done, scr)])
            st.at("the new row")
            scr = t.wait_for(lambda s: any(r.get("PATH") == target for r in s.rows()) and s,
                             what="a row for %s" % target)
            row = [r for r in scr.rows() if r.get("PATH") == target][0]
            exp = {"PYTHON": fast.version, "PKGS": "0", "LINK": "copy"}
            st.check("the new env's row appears (python, 0 packages, copy)",
                     ["%s is %r, expected %r (row %r)" % (k, row.get(k), v, row["line"]) for k, v in exp.items()
                      if row.get(k) != v])
            # The reference runs the interpreter by the path the form chose (pyvenv.cfg's command names it).
            shown = type("Py", (), {"exe": chosen_path})
            venv_ref(shown, ["--system-site-packages", "--copies", "--without-pip", "--prompt", "form env"],
                     [os.path.join(refroot, ".venv")], os.path.join(base, "home"))
            st.check("the env the form made is what python -m venv makes with the same options",
                     compare_envs(target, os.path.join(refroot, ".venv"), (refroot, root)))
    return session("actions browser: create form", run)


def t_clear_upgrade_activate(ctx):
    def run(st):
        fast = ctx.fx.fast
        base = workdir(ctx, "b-cua")
        root = os.path.join(base, "root")
        home = os.path.join(base, "home")
        env = os.path.join(root, "pkgenv")
        venv_ref(fast, ["--without-pip", "--prompt", "pk env"], [env], home)
        for n in ("alpha", "beta", "gamma"):
            add_dist(env, n, "1.0", files=40)
        venv_ref(fast, ["--without-pip"], [os.path.join(root, "other")], home)
        ino, cfg0 = os.stat(env).st_ino, read_cfg(env)
        with Tty(ctx.runner, [root], width=200, height=32, env={"SHELL": "/bin/sh"}, tag="a-cua") as t:
            start(t)
            st.at("select pkgenv")
            for _ in range(3):
                scr = t.screen(styled=True)
                if sel_name(scr) == "pkgenv":
                    break
                t.keys("j")
                time.sleep(0.05)
                t.wait_for(lambda s: sel_name(s) is not None, styled=True, what="a selected row")
            scr = t.wait_for(lambda s: sel_name(s) == "pkgenv" and s, styled=True, what="pkgenv selected")
            row = [r for r in scr.rows() if r["NAME"] == "pkgenv"][0]
            st.check("pkgenv's row says 3 packages", [] if row["PKGS"] == "3" else ["row %r" % row["line"]])
            st.at("x")
            t.keys("x")
            scr = t.wait_for("Clear this environment\\?", what="the clear confirmation")
            line = re.search(r"pkgenv\s+(\S+ \S+)\s+(\d+) packages\s+(\S+)", scr.text)
            d = []
            if not line:
                d.append("no line 'pkgenv SIZE N packages PATH' in the dialog\n%s" % scr)
            elif line.groups() != (row["SIZE"], "3", env):
                d.append("dialog says %s, expected size %s (the row's), 3 packages, %s" % (line.groups(), row["SIZE"], env))
            st.check("x: the confirmation names the env, its size and package count", d)
            t.keys("y")
            done = "cleared %s: an empty environment with Python %s" % (env, fast.version)
            scr = t.wait_for(pane_result(done), timeout=30, what="the result %r" % done)
            scr = t.wait_for(lambda s: [r["PKGS"] for r in s.rows() if r["NAME"] == "pkgenv"] == ["0"] and s,
                             what="pkgenv's row to say 0 packages")
            d = []
            if os.stat(env).st_ino != ino:
                d.append("the folder was replaced")
            if site_names(env):
                d.append("site-packages still has %s" % site_names(env))
            cfg1 = read_cfg(env) or {}
            if cfg1.get("prompt") != cfg0.get("prompt"):
                d.append("prompt %r -> %r" % (cfg0.get("prompt"), cfg1.get("prompt")))
            st.check("y: cleared (pane says so, row shows 0 packages, same folder, prompt kept)", d)

            st.at("u u")
            t.keys("u")
            t.wait_for("Upgrade this environment", what="the upgrade menu")
            t.keys("u")
            done = "%s already uses Python %s; its links and scripts were refreshed" % (env, fast.version)
            scr = t.wait_for(pane_result(done), timeout=30, what="the result %r" % done)
            st.check("u u: upgrade runs and says the version", [] if "upgrade %s" % env in scr.text else
                     ["no pane title 'upgrade %s'\n%s" % (env, scr)])

            st.at("b")
            t.keys("s")  # sort by name: other, pkgenv
            t.wait_for(lambda s: s.sorted_by() == ("NAME", "↓"), what="sorted by name")
            t.keys("j")
            before = t.wait_for(lambda s: sel_name(s) == "pkgenv" and s, styled=True, what="pkgenv selected")
            t.keys("b")
            scr = t.wait_for(lambda s: any(l.startswith("(pk env)") for l in s.lines) and s, timeout=15,
                             what="the shell's prompt with (pk env)")
            st.check("b: says which env is active", [] if "a shell with %s active" % env in scr.text else
                     ["no 'a shell with %s active' on the screen\n%s" % (env, scr)])
            t.line("echo \"VE=[$VIRTUAL_ENV]\"; echo \"PY=[$(command -v python)]\"")
            scr = t.wait_for(r"^PY=\[", what="PY=")
            got = {k: (re.search(r"^%s=\[(.*)\]$" % k, scr.text, re.M) or [None, None])[1] for k in ("VE", "PY")}
            want = {"VE": env, "PY": os.path.join(env, "bin", "python")}
            st.check("b: the shell has the env active",
                     ["%s is %r, expected %r" % (k, got[k], want[k]) for k in want if got[k] != want[k]])
            t.line("exit 3")
            after = t.wait_for(lambda s: "back from the shell" in s.last and s, styled=True,
                               what="the browser back after exit")
            d = []
            if "back from the shell in pkgenv (exit status 3)" not in after.last:
                d.append("status line %r" % after.last)

            def view(s):
                return ([s.line(0), s.sorted_by(), sel_name(s)] +
                        [{k: v for k, v in r.items() if k not in ("AGE", "line", "y")} for r in s.rows()])
            if view(after) != view(before):
                d.append("the browser is not as it was:\nbefore %s\nafter  %s" % (view(before), view(after)))
            st.check("exit: back to the browser as it was (sort, selection, rows), exit status said", d)
    return session("actions browser: clear, upgrade, activate", run)


def children(pid):
    """(pid, state, cmdline) of the processes whose parent is pid."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
            rest = s[s.rindex(")") + 2:].split()
            if int(rest[1]) == pid:
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    out.append((int(d), rest[0], f.read().replace(b"\0", b" ").decode(errors="replace")))
        except (OSError, ValueError, IndexError):
            pass
    return out


def mentioning(text):
    """Processes whose command line contains text."""
    out = []
    needle = text.encode()
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                c = f.read()
        except OSError:
            continue
        if needle in c:
            out.append((int(d), c.replace(b"\0", b" ").decode(errors="replace")))
    return out


def t_cancel(ctx):
    def run(st):
        cands = [py for py in ctx.fx.pythons if py.ensurepip and py.vtuple >= (3, 9)]
        if not cands:
            st.g.skip("actions browser: cancel", "no Python 3.9+ with ensurepip")
            return
        py = cands[-1]
        base = workdir(ctx, "b-cancel")
        root = os.path.join(base, "root")
        os.makedirs(root)
        target = os.path.join(root, ".venv")
        # Started from a shell that prints its exit status: tmux does not
        # always learn the status of a pane's own process.
        with Tty(ctx.runner, [], width=200, height=32, env=pyenv_env(), shell=True, tag="a-cancel") as t:
            t.wait_for(r"^[$#] ?$", what="the shell prompt")
            t.line(t.command_line([root]) + '; echo "RC=$?"')
            start(t)
            pid = child_of(t.pane_pid())
            t.keys("c")
            t.wait_for(FORM, what="the create form")
            t.keys("Down")
            pick_python(t, py, len(ctx.fx.pythons))
            t.keys("Down", "Space")
            t.wait_for(lambda s: field(s, "Upgrade pip on creation") == "[x]", what="Upgrade pip [x]")
            t.keys("Enter")
            st.at("running")
            # venv itself and the env's python that ensurepip starts: both name the folder.
            t.wait_for(lambda s: "Esc cancel" in s.text and len(mentioning(target)) >= 2 and s, timeout=30,
                       what="the create running with ensurepip's child (pane with 'Esc cancel')")
            running = mentioning(target)
            st.at("q while running")
            t.keys("q")
            scr = t.wait_for("An action is still running", what="q to ask first")
            st.check("q while an action runs asks first",
                     [] if "y quit and stop it" in scr.text else ["no 'y quit and stop it' choice\n%s" % scr])
            t.keys("Escape")
            scr = t.wait_for(lambda s: "An action is still running" not in s.text and s, what="the question gone")
            st.check("Esc on that question: the action goes on", [] if "Esc cancel" in scr.text and "RC=" not in scr.text
                     else ["the browser or the action stopped\n%s" % scr])
            st.at("Esc cancels")
            t.keys("Escape")
            t.wait_for("Cancel the running action\\?", what="Esc to offer cancelling")
            t0 = time.time()
            t.keys("y")
            scr = t.wait_for(lambda s: "The failed create left a folder behind" in s.text and s, timeout=10,
                             what="the cancelled create's result and the offer to remove the folder")
            took = time.time() - t0
            d = []
            if not re.search(r"create %s failed after \d+\.\ds: cancelled; it left a partial folder behind"
                             % re.escape(target), scr.text):
                d.append("the pane does not say 'create %s failed after N.Ns: cancelled; it left a partial folder "
                         "behind'\n%s" % (target, scr))
            if target not in scr.text.split("The failed create left a folder behind", 1)[1]:
                d.append("the dialog does not name %s" % target)
            st.check("y: the pane says cancelled and the dialog offers to remove the partial folder (%.1fs)" % took, d)
            deadline = time.time() + 2
            while True:
                kids, left = children(pid), mentioning(target)
                if (not kids and not left) or time.time() > deadline:
                    break
                time.sleep(0.05)
            st.check("no child process left (%d were running: no zombie, none still running)" % len(running),
                     ["child of venvscope: pid %d state %s: %s" % k for k in kids] +
                     ["still running: pid %d: %s" % x for x in left])
            # The touched folder was looked at again: the partial env has a row now.
            t.wait_for(lambda s: any(r.get("PATH") == target for r in s.rows()), timeout=10,
                       what="a row for the partial folder (rescanned after the cancel)")
            st.at("y removes the folder")
            t.keys("y")
            scr = t.wait_for(lambda s: "removed the partial folder" in s.last and s, what="removed message")
            st.check("y: the partial folder is removed",
                     ["%s still exists" % target] if os.path.lexists(target) else [])
            try:
                t.wait_for(lambda s: not any(r.get("PATH") == target for r in s.rows()), timeout=3,
                           what="the removed folder's row to go")
                d = []
            except ScreenError as e:
                d = ["the list still has a row for the removed folder %s\n%s" % (target, str(e).split("\n", 1)[1])]
            st.check("the removed folder's row goes from the list", d)
            t.keys("q")
            scr = t.wait_for(r"^RC=\d+", what="q to quit once nothing runs")
            st.check("q with nothing running quits (exit 0)",
                     [] if re.search(r"^RC=0$", scr.text, re.M) else ["%s" % re.search(r"^RC=\d+", scr.text, re.M).group()])
    return session("actions browser: cancel a create", run)


def tests(ctx):
    return [("actions browser cancel", lambda: t_cancel(ctx)),
            ("actions browser create", lambda: t_create_form(ctx)),
            ("actions browser clear upgrade activate", lambda: t_clear_upgrade_activate(ctx))]


__all__ = ["tests"]
