"""Issue 15, items 1, 3 and 6: paths typed anywhere, no own-state or trash
rows, freeze with no project.

- `~` in the create form: typed `~/code/newproj/.venv` shows the absolute
  folder under HOME before Enter and creates it there, not a literal `~`
  folder in the current one (the original failure); a relative path shows
  the start folder's; `~nosuchuser/x` says "no such user". On the command
  line, quoted `'~/...'` DIRs, --python, ENV and -o are expanded too.
- A HOME holding a record (venvscope's own `delete`) and a trashed env
  (`delete --trash`), plus `.Trash-1000` and `.Trash/1000` folders holding
  envs: `list` run from HOME lists only the live env, though a walk of
  HOME (the truth: os.walk for pyvenv.cfg) finds them all; `deleted` and
  `recreate` still reach the record.
- A central folder is nobody's project: with a requirements.txt in ~/venvs
  (as the old freeze left it), `list --json` gives its envs no project,
  `freeze --yes` writes into the env (= pip freeze) and leaves
  ~/venvs/requirements.txt alone; in the browser `f` on ~/venvs/tools311
  and on a poetry env proposes <env>/requirements.txt, and the delete
  dialog of the other ~/venvs env still says "no requirements file"."""

import os
import re
import shutil

from browser_kit import session, set_filter, start
from harness import Group
from tests_actions_browser import field
from tests_delete import expect_rc, make_venv, ns_script, sandbox, site_packages, text, workdir, write
from tests_freeze_target import NO_PIP, env_with_packages, pip_freeze, read
from truth import envs_under
from tty import Tty

# HOME's own defaults (~/.local/state, ~/.local/share): None unsets them.
HOME_DEFAULTS = {"XDG_STATE_HOME": None, "XDG_DATA_HOME": None}


def bare_env(ctx, path, home):
    """A --without-pip venv with two hand-made packages (fast)."""
    env = make_venv(ctx.fx.fast, path, home, "--without-pip")
    sp = site_packages(env)
    for pkg, ver in (("alpha", "1.0"), ("beta_pkg", "2.5")):
        di = os.path.join(sp, "%s-%s.dist-info" % (pkg, ver))
        write(os.path.join(di, "METADATA"), "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (pkg, ver))
        write(os.path.join(di, "INSTALLER"), "pip\n")
        write(os.path.join(di, "RECORD"), "")
    return env


def listed(p, d):
    try:
        return sorted(e["path"] for e in p.json())
    except (ValueError, KeyError, TypeError) as e:
        d.append("list --json: %s: %r" % (e, text(p.out)[-300:]))
        return []


# ------------------------------------------------------------ item 1: ~ typed

def t_create_form(ctx):
    title = "paths: ~ in the create form"

    def run(st):
        with Tty(ctx.runner, [], width=220, height=40, tag="paths-form") as t:
            home, cwd = t.home, t.cwd
            start(t)
            st.at("c opens the form")
            t.keys("c")
            t.wait_for(re.escape("Interpreters on this machine"), timeout=30, what="the create form")
            t.keys("C-u")
            t.type("rel/x/.venv")
            want = os.path.join(cwd, "rel", "x", ".venv")
            scr = t.wait_for(lambda s: ("Creates " + want) in s.text and s, what="'Creates %s'" % want)
            st.check("a relative folder is shown as the start folder's absolute path before Enter", [])
            t.keys("C-u")
            t.type("~nosuchuser-e2e/x")
            scr = t.wait_for(re.escape("no such user"), what="'no such user' under the form")
            st.check("~nosuchuser: the form says no such user",
                     [] if "~nosuchuser-e2e/x" in scr.text else ["the error does not name the path:\n%s" % scr])
            t.keys("C-u")
            t.type("~/code/newproj/.venv")
            want = os.path.join(home, "code", "newproj", ".venv")
            t.wait_for(lambda s: ("Creates " + want) in s.text and s, what="'Creates %s'" % want)
            st.check("~/code/newproj/.venv is shown as HOME's folder before Enter", [])
            # Without pip: quick, and no ensurepip needed (Debian's python3 may lack it).
            # Down from Folder: Python, (Upgrade pip), System site-packages, Interpreter, Without pip.
            t.keys(*(["Down"] * (4 if "Upgrade pip on creation" in t.screen().text else 3)))
            t.keys("Down", "Space")
            t.wait_for(lambda s: field(s, "Without pip") == "[x]", what="Without pip ticked")
            t.keys("Enter")
            t.wait_for(lambda s: os.path.isfile(os.path.join(want, "pyvenv.cfg")) and
                       ("created " + want) in s.text and s, timeout=120, what="the env made under HOME")
            d = []
            if os.path.lexists(os.path.join(cwd, "~")):
                d.append("a literal ~ folder was made in the start folder %s" % cwd)
            if os.path.lexists(os.path.join(cwd, "rel")):
                d.append("%s/rel was made although only shown" % cwd)
            st.check("Enter creates HOME/code/newproj/.venv and no literal ~ folder", d)
    return session(title, run)


def t_cli_tilde(ctx):
    g = Group()
    base = workdir(ctx, "paths-cli")
    home, xdg = sandbox(base)
    cwd = os.path.join(base, "cwd")
    os.makedirs(cwd)
    os.makedirs(os.path.join(home, "bin"))
    os.symlink(ctx.fx.fast.exe, os.path.join(home, "bin", "py"))
    run = ctx.runner.run
    p = run(["create", "--python", "~/bin/py", "--without-pip", "~/q/env"], home=home, env=xdg, cwd=cwd,
            timeout=120)
    env = os.path.join(home, "q", "env")
    d = expect_rc(p, 0)
    if not os.path.isfile(os.path.join(env, "pyvenv.cfg")):
        d.append("%s was not made: %r" % (env, p.err_text[-300:]))
    if os.path.lexists(os.path.join(cwd, "~")):
        d.append("a literal ~ folder was made in the current folder")
    g.check("create --python '~/bin/py' '~/q/env' (quoted): both taken from HOME", d)
    p = run(["show", "--json", "~/q/env"], home=home, env=xdg, cwd=cwd)
    d = expect_rc(p, 0)
    try:
        got = p.json().get("path")
    except (ValueError, AttributeError) as e:
        got = "(%s)" % e
    if got != env:
        d.append("show '~/q/env' gives path %r, not %r" % (got, env))
    g.check("show '~/q/env' opens HOME's env", d)
    p = run(["freeze", "-o", "~/req.txt", "~/q/env"], home=home, env=xdg, cwd=cwd)
    d = expect_rc(p, 0)
    if not os.path.isfile(os.path.join(home, "req.txt")):
        d.append("~/req.txt was not written in HOME")
    if os.path.lexists(os.path.join(cwd, "~")):
        d.append("a literal ~ folder was made in the current folder")
    g.check("freeze -o '~/req.txt' writes HOME/req.txt", d)
    p = run(["create", "--without-pip", "~nosuchuser-e2e/env"], home=home, env=xdg, cwd=cwd)
    d = expect_rc(p, 2)
    if "no such user" not in p.err_text or "~nosuchuser-e2e/env" not in p.err_text:
        d.append("stderr does not name the path and 'no such user': %r" % p.err_text[-300:])
    if os.listdir(cwd):
        d.append("something was made in the current folder: %s" % os.listdir(cwd))
    g.check("create '~nosuchuser/env': exit 2, 'no such user', nothing made", d)
    return g


# ------------------------------------------------------- item 3: own state

def t_own_state(ctx):
    g = Group()
    titles = ["own state: list from HOME shows no record, no trashed env, no .Trash-UID or .Trash/UID env",
              "own state: deleted and recreate still reach the record",
              "own state: another user's ~/.local/share/Trash and ~/.local/state/venvscope are not listed"]
    guard = ns_script(ctx)
    if guard is None:
        for t in titles:
            g.skip(t, "needs the delete guard (root and unshare -m)")
        return g
    base = workdir(ctx, "paths-own")
    home, _ = sandbox(base)
    run = ctx.runner.run
    live = bare_env(ctx, os.path.join(home, "proj", "live"), home)
    gone = bare_env(ctx, os.path.join(home, "proj", "gone"), home)
    trashed = bare_env(ctx, os.path.join(home, "proj", "trashed"), home)
    d = []
    p = run(["delete", "--yes", gone], home=home, cwd=home, env=HOME_DEFAULTS, wrap=guard)
    d += ["delete: %s" % x for x in expect_rc(p, 0)]
    p = run(["delete", "--yes", "--trash", trashed], home=home, cwd=home, env=HOME_DEFAULTS, wrap=guard)
    d += ["delete --trash: %s" % x for x in expect_rc(p, 0)]
    for other in (os.path.join(home, "disk", ".Trash-1000", "files", "old"),
                  os.path.join(home, "disk", ".Trash", "1000", "files", "older")):
        shutil.copytree(live, other, symlinks=True)
    state = os.path.join(home, ".local", "state", "venvscope")
    trash = os.path.join(home, ".local", "share", "Trash")
    everything = envs_under(home)
    hidden = [e for e in everything if e != live]
    # The truth must hold them, else the check below cannot fail.
    for where in (state, trash, os.path.join(home, "disk", ".Trash-1000"), os.path.join(home, "disk", ".Trash")):
        if not any(e.startswith(where + "/") for e in hidden):
            d.append("no env-like folder under %s to hide (the fixture is wrong): %s" % (where, everything))
    p = run(["list", "--json"], home=home, cwd=home, env=HOME_DEFAULTS)
    d += expect_rc(p, 0)
    got = listed(p, d)
    if got != [live]:
        d.append("list from HOME shows %s; of the %d folders holding pyvenv.cfg only %s is an env"
                 % (got, len(everything), live))
    g.check(titles[0], d)

    # Another user's home, scanned as a ROOT: its trash and records are
    # laid out as ours (copied from them), and are not envs either.
    d = []
    others = os.path.join(base, "others")
    shutil.copytree(os.path.join(home, ".local"), os.path.join(others, "someone", ".local"), symlinks=True)
    seen = envs_under(others)
    if len(seen) < 2:
        d.append("the copied trash and records hold %d env-like folders (the fixture is wrong)" % len(seen))
    p = run(["list", "--json", others], home=home, cwd=home, env=HOME_DEFAULTS)
    d += expect_rc(p, 0)
    got = listed(p, d)
    if got:
        d.append("list of another user's home shows %s from its trash or records" % got)
    g.check(titles[2], d)

    d = []
    p = run(["deleted", "--json"], home=home, cwd=home, env=HOME_DEFAULTS)
    d += expect_rc(p, 0)
    try:
        paths = [r.get("path") for r in p.json()]
    except (ValueError, AttributeError) as e:
        paths = []
        d.append("deleted --json: %s" % e)
    if gone not in paths:
        d.append("deleted does not list the record of %s: %s" % (gone, paths))
    p = run(["recreate", gone], home=home, cwd=home, env=HOME_DEFAULTS, timeout=120)
    d += ["recreate: %s" % x for x in expect_rc(p, 0)]
    if not os.path.isfile(os.path.join(gone, "pyvenv.cfg")):
        d.append("recreate did not make %s again" % gone)
    g.check(titles[1], d)
    return g


# ------------------------------------------------- item 6: freeze, no project

def central_fixture(ctx, base):
    """HOME with ~/venvs/tools311 (pip, two packages), ~/venvs/other, a
    poetry env, and the ~/venvs/requirements.txt an old freeze left."""
    home = os.path.join(base, "home")
    tools = env_with_packages(ctx, os.path.join(home, "venvs", "tools311"), home)
    other = bare_env(ctx, os.path.join(home, "venvs", "other"), home)
    poetry = bare_env(ctx, os.path.join(home, ".cache", "pypoetry", "virtualenvs", "app-Xy12AbCd-py3"), home)
    stale = os.path.join(home, "venvs", "requirements.txt")
    write(stale, b"leftover==1\n")
    return home, tools, other, poetry, stale


def t_freeze_cli(ctx):
    g = Group()
    base = workdir(ctx, "paths-freeze-cli")
    try:
        home, tools, other, poetry, stale = central_fixture(ctx, base)
    except RuntimeError:
        g.skip("freeze with no project (CLI)", NO_PIP)
        return g
    run = ctx.runner.run
    want = pip_freeze(tools, home)
    p = run(["list", "--json", os.path.join(home, "venvs"), os.path.join(home, ".cache")], home=home)
    d = expect_rc(p, 0)
    try:
        projects = {e["path"]: e.get("project") for e in p.json()}
    except (ValueError, KeyError, TypeError) as e:
        projects = {}
        d.append("list --json: %s" % e)
    for env in (tools, other, poetry):
        if env not in projects or projects[env] is not None:
            d.append("%s: project %r, not null (a central folder is nobody's project)"
                     % (env, projects.get(env, "(not listed)")))
    g.check("freeze no project: envs in ~/venvs (holding a requirements.txt) and poetry's have no project", d)
    cwd = os.path.join(base, "cwd")
    os.makedirs(cwd)
    p = run(["freeze", tools], home=home, cwd=cwd)
    d = expect_rc(p, 2)
    target = os.path.join(tools, "requirements.txt")
    if target not in p.err_text or "--yes" not in p.err_text:
        d.append("stderr does not propose %s with --yes: %r" % (target, p.err_text[-300:]))
    if os.path.lexists(target):
        d.append("%s written without a yes" % target)
    g.check("freeze ENV in ~/venvs without a terminal: exit 2, proposes ENV/requirements.txt", d)
    p = run(["freeze", "--yes", tools], home=home, cwd=cwd)
    d = expect_rc(p, 0)
    if not os.path.isfile(target) or read(target) != want:
        d.append("%s holds %r; pip freeze says %r" % (target, read(target) if os.path.isfile(target) else None,
                                                       want))
    if read(stale) != b"leftover==1\n" or os.path.lexists(stale + "~"):
        d.append("~/venvs/requirements.txt was touched: %r" % read(stale))
    g.check("freeze --yes: ENV/requirements.txt = pip freeze; ~/venvs/requirements.txt untouched", d)
    return g


def t_freeze_browser(ctx):
    title = "paths: f with no project in the browser"

    def run(st):
        base = workdir(ctx, "paths-freeze-browser")
        try:
            home, tools, other, poetry, stale = central_fixture(ctx, base)
        except RuntimeError:
            st.g.skip(title, NO_PIP)
            return
        want = pip_freeze(tools, home)
        env = {"HOME": home, "XDG_CACHE_HOME": os.path.join(home, ".cache"),
               "XDG_DATA_HOME": os.path.join(home, ".local/share"),
               "XDG_STATE_HOME": os.path.join(home, ".local/state"),
               "XDG_CONFIG_HOME": os.path.join(home, ".config")}
        prompt = "no project folder: write the freeze to: "
        with Tty(ctx.runner, [], width=240, height=40, env=env, tag="paths-freeze") as t:
            start(t)
            names = ["app-Xy12AbCd-py3", "other", "tools311"]
            t.wait_for(lambda s: sorted(s.names()) == names, what="the scan: rows %s" % names)
            set_filter(t, "tools311", first=True)
            st.at("f on ~/venvs/tools311")
            t.keys("f")
            target = os.path.join(tools, "requirements.txt")
            scr = t.wait_for(lambda s: s.last.startswith(prompt) and s, what="the freeze prompt")
            got = scr.last[len(prompt):].strip()
            st.check("f on ~/venvs/tools311 proposes the env's own requirements.txt",
                     [] if got == target else ["proposed %r, not %r" % (got, target)])
            t.keys("Enter")
            t.wait_for(lambda s: ("wrote " + target) in s.last and s, what="'wrote %s'" % target)
            d = [] if read(target) == want else ["%s holds %r; pip freeze %r" % (target, read(target), want)]
            if read(stale) != b"leftover==1\n" or os.path.lexists(stale + "~"):
                d.append("~/venvs/requirements.txt was touched")
            st.check("Enter writes it (= pip freeze); ~/venvs/requirements.txt untouched", d)
            set_filter(t, "app-Xy12")
            st.at("f on the poetry env")
            t.keys("f")
            scr = t.wait_for(lambda s: s.last.startswith(prompt) and s, what="the freeze prompt")
            got = scr.last[len(prompt):].strip()
            want_p = os.path.join(poetry, "requirements.txt")
            st.check("f on a poetry env proposes its own requirements.txt, not the virtualenvs folder's",
                     [] if got == want_p else ["proposed %r, not %r" % (got, want_p)])
            t.keys("Escape")
            t.wait_for(lambda s: not s.last.startswith(prompt), what="the prompt to close")
            set_filter(t, "other")
            st.at("d on ~/venvs/other")
            t.keys("d")
            scr = t.wait_for(re.escape("Delete 1 environment"), what="the delete dialog")
            d = [] if re.search(r"other\s.*no requirements file", scr.text) else [
                "the dialog does not say 'no requirements file' for other:\n%s" % scr]
            st.check("the delete dialog of ~/venvs/other still says 'no requirements file'", d)
            t.keys("Escape")
            t.wait_for(lambda s: "Delete 1 environment" not in s.text, what="the dialog to close")
            st.check("Esc keeps the env", [] if os.path.isdir(other) else ["%s is gone" % other])
    return session(title, run)


def tests(ctx):
    return [("paths create form", lambda: t_create_form(ctx)), ("paths cli tilde", lambda: t_cli_tilde(ctx)),
            ("paths own state", lambda: t_own_state(ctx)), ("paths freeze cli", lambda: t_freeze_cli(ctx)),
            ("paths freeze browser", lambda: t_freeze_browser(ctx))]


__all__ = ["tests"]
