"""Each env's story (issue 16): project / project_exists / orphan for every
kind of env, moved_from, version_mismatch, python_eol / _date / _support,
last_used and created, checked in `list --json` and `show --json` against
truth computed here (story_truth.py: the text of activate and pyvenv.cfg,
os.stat atimes, `stat -c %W`, the release PEPs' calendar), the FLAGS
words, and the browser's filters, details and header (tmux).

Poetry and hatch are not installed here: their envs are laid out by the
tools' documented rules (poetry's EnvManager.generate_env_name and hatch's
virtual environment: the first 8 characters of urlsafe-b64(sha256(the
project's real path))), with hashlib computing the names. Debian's
python3-poetry and pipenv, when installed (scripts/deps.sh installs them),
also make real envs offline (t_poetry_real, t_pipenv_real)."""

import base64
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import time

from browser_kit import set_filter, start, session
from harness import Group
from story_truth import birth_time, life_of, moved_from_of
from tests_delete import (expect_rc, make_venv, ns_script, sandbox, site_packages, snap_diff, snapshot, text,
                          workdir, write)
from tty import Tty

LIST = ["list", "--json", "--no-size", "--no-git"]


def rows(p):
    try:
        return {e["path"]: e for e in json.loads(text(p.out))}
    except (ValueError, TypeError, KeyError):
        return {}


def path_hash(p):
    """What poetry and hatch put in an env's folder name for project `p`."""
    return base64.urlsafe_b64encode(hashlib.sha256(os.path.realpath(p).encode()).digest()).decode()[:8]


def key_diffs(where, got, want):
    out = []
    for k, v in want.items():
        if k == "problems~":
            if not any(v in s for s in got.get("problems", [])):
                out.append("%s: no problem sentence says %r: %r" % (where, v, got.get("problems")))
        elif k not in got or got[k] != v or type(got[k]) is not type(v):
            out.append("%s: %s = %r, expected %r" % (where, k, got.get(k, "(missing)"), v))
    return out


def check_both(ctx, g, what, env, want, home, xdg, roots=None, cwd=None, show_want=None):
    """`want` (key -> value; "problems~" -> a text one sentence holds) in
    the row of `env` in list --json (of `roots`, or of no ROOT run from
    `cwd`) and in show --json ENV (`show_want` there when it differs)."""
    p = ctx.runner.run(LIST + (roots or []), home=home, env=xdg, cwd=cwd)
    d = expect_rc(p, 0)
    r = rows(p).get(env)
    if r is None:
        d.append("list: %s not listed (rows: %s)" % (env, sorted(rows(p))))
    else:
        d += key_diffs("list", r, want)
    p = ctx.runner.run(["show", "--json", "--no-size", "--no-git", env], home=home, env=xdg, cwd=cwd)
    d += expect_rc(p, 0)
    try:
        d += key_diffs("show", json.loads(text(p.out)), want if show_want is None else show_want)
    except ValueError:
        d.append("show: no JSON: %r" % text(p.out)[:300])
    g.check(what, d)


def venv(ctx, path, base, *opts):
    return make_venv(ctx.fx.fast, path, os.path.join(base, "pyhome"), "--without-pip", *opts)


# ------------------------------------------------------------ projects and orphans

def t_projects(ctx):
    g = Group()
    base = workdir(ctx, "story-projects")
    home, xdg = sandbox(base)
    data, cache = xdg["XDG_DATA_HOME"], xdg["XDG_CACHE_HOME"]
    work = os.path.join(base, "work")
    workon = os.path.join(base, "workon")
    xdg = dict(xdg, WORKON_HOME=workon, PIPX_HOME=None, POETRY_CACHE_DIR=None, PIPENV_VENV_IN_PROJECT=None)

    # pipenv and virtualenvwrapper write the project's path into .project.
    cases = []
    for kind, envdir in (("pipenv", os.path.join(data, "virtualenvs", "pipproj-Xy12Ab34")),
                         ("virtualenvwrapper", os.path.join(workon, "wrapenv"))):
        for state in ("live", "gone"):
            proj = os.path.join(work, "%s-%s" % (kind, state))
            os.makedirs(proj)
            env = venv(ctx, envdir + "-" + state, base)
            with open(os.path.join(env, ".project"), "w") as f:
                f.write(proj)  # pipenv writes no newline; mkproject's echo does
            if state == "gone":
                shutil.rmtree(proj)
            cases.append((kind, state, env, proj))
    for kind, state, env, proj in cases:
        gone = state == "gone"
        want = {"manager": kind, "project": proj, "project_exists": not gone, "orphan": gone}
        if gone:
            want["problems~"] = "orphan"
        check_both(ctx, g, "%s env whose .project names a folder that %s: project, project_exists %s, orphan %s"
                   % (kind, "was removed" if gone else "exists", not gone, gone), env, want, home, xdg,
                   roots=[os.path.dirname(env)])

    # tox / nox: the folder above .tox; a .venv: its parent (no marker needed).
    toxproj = os.path.join(work, "toxproj")
    write(os.path.join(toxproj, "tox.ini"), "[tox]\n")
    tox = venv(ctx, os.path.join(toxproj, ".tox", "py"), base)
    nox = venv(ctx, os.path.join(toxproj, ".nox", "tests"), base)
    plain = venv(ctx, os.path.join(work, "plain", ".venv"), base)
    for label, env, proj, mgr in (("tox", tox, toxproj, "tox"), ("nox", nox, toxproj, "nox"),
                                  (".venv", plain, os.path.dirname(plain), None)):
        check_both(ctx, g, "%s env: project is %s, it exists, not an orphan" % (label, os.path.basename(proj)), env,
                   {"manager": mgr, "project": proj, "project_exists": True, "orphan": False}, home, xdg,
                   roots=[work])

    # poetry and hatch: the project is matched by the hash of its real path,
    # among the projects met by the walk of "." (run from `work`).
    pproj = os.path.join(work, "My_Poetry.App")
    write(os.path.join(pproj, "pyproject.toml"), '[tool.poetry]\nname = "My_Poetry.App"\nversion = "0.1"\n')
    mm = ".".join(ctx.fx.fast.version.split(".")[:2])
    poetry = venv(ctx, os.path.join(cache, "pypoetry", "virtualenvs",
                                    "my-poetry-app-%s-py%s" % (path_hash(pproj), mm)), base)
    hatch = venv(ctx, os.path.join(data, "hatch", "env", "virtual", "my-poetry-app", path_hash(pproj),
                                   "my-poetry-app"), base)
    decoy = venv(ctx, os.path.join(cache, "pypoetry", "virtualenvs",
                                   "my-poetry-app-%s-py%s" % (path_hash(pproj + "-elsewhere"), mm)), base)
    nomatch = {"project": None, "project_exists": None, "orphan": False}
    for label, env in (("poetry", poetry), ("hatch", hatch)):
        check_both(ctx, g, "%s env named by the hash of a project the walk met: project found, exists" % label,
                   env, {"manager": label, "project": pproj, "project_exists": True, "orphan": False},
                   home, xdg, cwd=work, show_want=nomatch)
    check_both(ctx, g, "poetry env whose hash is of no project met: project null, not called an orphan", decoy,
               dict(nomatch, manager="poetry"), home, xdg, cwd=work)

    # pipx: an app env without pipx_metadata.json is unknown to pipx.
    pipx_home = os.path.join(data, "pipx")
    gone_app = venv(ctx, os.path.join(pipx_home, "venvs", "gone-app"), base)
    kept_app = venv(ctx, os.path.join(pipx_home, "venvs", "kept-app"), base)
    write(os.path.join(kept_app, "pipx_metadata.json"),
          json.dumps({"main_package": {"package": "kept-app"}, "pipx_metadata_version": "0.2"}))
    check_both(ctx, g, "pipx env without pipx_metadata.json: orphan (pipx has no record of it)", gone_app,
               {"manager": "pipx", "orphan": True, "project": None, "problems~": "pipx has no record"},
               home, xdg, roots=[os.path.dirname(gone_app)])
    check_both(ctx, g, "pipx env with its pipx_metadata.json: not an orphan", kept_app,
               {"manager": "pipx", "orphan": False, "app": "kept-app"}, home, xdg,
               roots=[os.path.dirname(kept_app)])
    return g


def t_poetry_real(ctx):
    """Debian's python3-poetry, offline: `poetry env use PYTHON` in a
    project makes the env under its cache with the name of its own rule;
    list run from the projects' folder names the project; once the
    project folder is removed the env's project is unknown (null)."""
    from tests_delete import sh
    g = Group()
    poetry = shutil.which("poetry")
    if not poetry:
        g.skip("a real poetry env", "no poetry on PATH (apt-get install python3-poetry)")
        return g
    base = workdir(ctx, "story-poetry")
    home, xdg = sandbox(base)
    xdg = dict(xdg, POETRY_CACHE_DIR=None, POETRY_VIRTUALENVS_IN_PROJECT=None, POETRY_VIRTUALENVS_PATH=None)
    work = os.path.join(base, "work")
    proj = os.path.join(work, "Real_Proj")
    write(os.path.join(proj, "pyproject.toml"),
          '[tool.poetry]\nname = "Real_Proj.app"\nversion = "0.1.0"\ndescription = ""\nauthors = []\n\n'
          '[tool.poetry.dependencies]\npython = ">=3.7"\n')
    p = sh([poetry, "env", "use", ctx.fx.fast.exe], home, cwd=proj,
           env={"XDG_CACHE_HOME": xdg["XDG_CACHE_HOME"], "XDG_CONFIG_HOME": xdg["XDG_CONFIG_HOME"],
                "XDG_DATA_HOME": xdg["XDG_DATA_HOME"]})
    vdir = os.path.join(xdg["XDG_CACHE_HOME"], "pypoetry", "virtualenvs")
    made = [n for n in (os.listdir(vdir) if os.path.isdir(vdir) else []) if n != "envs.toml"]
    if p.returncode != 0 or len(made) != 1:
        g.fail("a real poetry env", ["poetry env use: rc %d, made %r: %s" % (
            p.returncode, made, p.stderr.decode(errors="replace")[-400:])])
        return g
    env = os.path.join(vdir, made[0])
    want_name = "real-proj-app-%s-py" % path_hash(proj)
    g.check("poetry env use names the env <name>-<hash of the real path>-pyX.Y (the rule venvscope matches)",
            [] if made[0].startswith(want_name) else ["made %r, expected %s..." % (made[0], want_name)])
    check_both(ctx, g, "real poetry env: list from the projects' folder names its project", env,
               {"manager": "poetry", "project": proj, "project_exists": True, "orphan": False}, home, xdg,
               cwd=work, show_want={"manager": "poetry", "project": None})
    shutil.rmtree(proj)
    check_both(ctx, g, "real poetry env whose project was removed: project null (its hash names no folder)",
               env, {"project": None, "project_exists": None}, home, xdg, cwd=work)
    return g


def t_pipenv_real(ctx):
    """Debian's pipenv, offline (virtualenv seeds from its bundled wheels,
    nothing is installed): `pipenv --python PYTHON` in a project makes the
    env under $XDG_DATA_HOME/virtualenvs/<name>-<hash> and writes the
    project's path into its .project; list names that project, and once
    the project folder is removed the env is an orphan."""
    from tests_delete import sh
    g = Group()
    pipenv = shutil.which("pipenv")
    if not pipenv:
        g.skip("a real pipenv env", "no pipenv on PATH (apt-get install pipenv)")
        return g
    base = workdir(ctx, "story-pipenv")
    home, xdg = sandbox(base)
    xdg = dict(xdg, WORKON_HOME=None)
    proj = os.path.join(base, "work", "Pip_Proj")
    os.makedirs(proj)
    p = sh([pipenv, "--python", ctx.fx.fast.exe], home, cwd=proj, timeout=120,
           env=dict(xdg, PIPENV_NOSPIN="1", PIPENV_YES="1", PIPENV_SKIP_LOCK="1",
                    PIPENV_DONT_LOAD_ENV="1", PIP_NO_INDEX="1", VIRTUALENV_NO_PERIODIC_UPDATE="1"))
    vdir = os.path.join(xdg["XDG_DATA_HOME"], "virtualenvs")
    made = os.listdir(vdir) if os.path.isdir(vdir) else []
    if p.returncode != 0 or len(made) != 1:
        g.fail("a real pipenv env", ["pipenv --python: rc %d, made %r: %s" % (
            p.returncode, made, p.stderr.decode(errors="replace")[-400:])])
        return g
    env = os.path.join(vdir, made[0])
    # pipenv's rule: urlsafe-b64 of the first 6 bytes of sha256(<project>/Pipfile).
    want_name = "Pip_Proj-" + base64.urlsafe_b64encode(
        hashlib.sha256(os.path.join(proj, "Pipfile").encode()).digest()[:6]).decode()
    g.check("pipenv --python names the env <project>-<hash of its Pipfile's path>",
            [] if made[0] == want_name else ["made %r, expected %r" % (made[0], want_name)])
    try:
        with open(os.path.join(env, ".project")) as f:
            said = f.read().strip()
    except OSError as e:
        g.fail("pipenv wrote .project", [str(e)])
        return g
    g.check("pipenv's .project names the project folder", [] if said == proj else ["%r, expected %r" % (said, proj)])
    for gone in (False, True):
        if gone:
            shutil.rmtree(proj)
        exists = os.path.isdir(said)
        want = {"manager": "pipenv", "project": said, "project_exists": exists, "orphan": not exists}
        if not exists:
            want["problems~"] = "orphan"
        check_both(ctx, g, "real pipenv env whose project %s: project_exists %s, orphan %s"
                   % ("was removed" if gone else "exists", exists, not exists), env, want, home, xdg, roots=[vdir])
    # The FLAGS column says orphan.
    p = ctx.runner.run(["list", "--no-size", "--no-git", vdir], home=home, env=xdg)
    line = [l[:l.index(env)] for l in text(p.out).splitlines() if env in l]  # the cells before the path
    g.check("list (table): the real pipenv env's FLAGS say orphan once its project is removed", expect_rc(p, 0) + (
        [] if line and re.search(r"(^|[ ,])orphan([ ,]|$)", line[0]) else ["no 'orphan' in %r" % line]))
    return g


# ------------------------------------------------------------ moved

def activate_env_line(env):
    with open(os.path.join(env, "bin", "activate")) as f:
        return [l.strip() for l in f if "VIRTUAL_ENV=" in l and "$" not in l]


def t_moved(ctx):
    g = Group()
    base = workdir(ctx, "story-moved")
    home, xdg = sandbox(base)
    old = venv(ctx, os.path.join(base, "a", "env"), base)
    new = os.path.join(base, "b", "env")
    os.makedirs(os.path.dirname(new))
    subprocess.run(["mv", old, new], check=True)
    truth = moved_from_of(new, {})
    d = [] if truth == old else ["the test's own reading of bin/activate gives %r, expected %r" % (truth, old)]
    g.check("mv: the moved env's activate still names the old path (the test's premise)", d)
    check_both(ctx, g, "an env moved with mv: moved_from is where it was made, a problem says to rebuild it",
               new, {"moved_from": old, "problems~": "rebuild"}, home, xdg, roots=[os.path.dirname(new)])

    # Another spelling of the same folder is no move.
    alias = os.path.join(base, "alias")
    os.symlink(os.path.join(base, "b"), alias)
    same = venv(ctx, os.path.join(alias, "made-here"), base)
    check_both(ctx, g, "an env made and listed through a symlinked parent: moved_from null", same,
               {"moved_from": None}, home, xdg, roots=[alias])

    # Without activation scripts: pyvenv.cfg's command line (3.11+ writes it).
    cmd_old = venv(ctx, os.path.join(base, "c", "env"), base)
    with open(os.path.join(cmd_old, "pyvenv.cfg")) as f:
        has_cmd = any(l.startswith("command") for l in f)
    for a in glob.glob(os.path.join(cmd_old, "bin", "[aA]ctivate*")):
        os.unlink(a)
    cmd_new = os.path.join(base, "c2", "env")
    os.makedirs(os.path.dirname(cmd_new))
    os.rename(cmd_old, cmd_new)
    if has_cmd:
        check_both(ctx, g, "a moved env without activate: moved_from from pyvenv.cfg's command line", cmd_new,
                   {"moved_from": cmd_old}, home, xdg, roots=[os.path.dirname(cmd_new)])
    else:
        g.skip("moved env without activate", "%s writes no `command` to pyvenv.cfg" % ctx.fx.fast.label)

    # show (text) says it in its story lines.
    p = ctx.runner.run(["show", "--no-size", "--no-git", new], home=home, env=xdg)
    g.check("show (text): a 'moved from' line names the old path", expect_rc(p, 0) + (
        [] if re.search(r"^  moved from\s+%s: its scripts point there" % re.escape(old), text(p.out), re.M)
        else ["no 'moved from %s' line in:\n%s" % (old, text(p.out)[:1500])]))

    # The FLAGS column says moved.
    p = ctx.runner.run(["list", "--no-size", "--no-git", os.path.dirname(new)], home=home, env=xdg)
    line = [l[:l.index(new)] for l in text(p.out).splitlines() if new in l]  # the cells before the path
    g.check("list (table): the moved env's FLAGS say moved", expect_rc(p, 0) + (
        [] if line and re.search(r"(^|[ ,])moved([ ,]|$)", line[0]) else ["no 'moved' in %r" % line]))

    # User story 12: rebuild fixes it.
    guard = ns_script(ctx)
    if guard is None:
        g.skip("rebuild of the moved env", "no mount namespace for the guard (not root or no unshare)")
        return g
    p = ctx.runner.run(["rebuild", "--yes", new], home=home, env=xdg, wrap=guard, timeout=300)
    d = expect_rc(p, 0)
    d += [] if activate_env_line(new) and all(new in l for l in activate_env_line(new)) else [
        "bin/activate after the rebuild: %r" % activate_env_line(new)]
    g.check("rebuild of the moved env: exit 0, its activate names where it is now", d)
    check_both(ctx, g, "after rebuild the env is no longer moved: moved_from null", new, {"moved_from": None},
               home, xdg, roots=[os.path.dirname(new)])
    return g


# ------------------------------------------------------------ EOL

def old_python(ctx, mm):
    for p in ctx.fx.pythons:
        if p.version.startswith(mm + ".") and p.impl == "CPython":
            return p.exe
    for exe in sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/%s*/bin/python%s" % (mm, mm)))):
        if os.access(exe, os.X_OK):
            return exe
    return None


def t_eol(ctx):
    g = Group()
    base = workdir(ctx, "story-eol")
    home, xdg = sandbox(base)
    # Always: the fast Python's env, its status computed here from today's date.
    env = venv(ctx, os.path.join(base, "now", "env"), base)
    support, date, eol = life_of(ctx.fx.fast.version)
    check_both(ctx, g, "a %s env: python_support %s, python_eol %s, python_eol_date %s as of today"
               % (ctx.fx.fast.label, support, eol, date), env,
               {"python_support": support, "python_eol_date": date, "python_eol": eol}, home, xdg,
               roots=[os.path.dirname(env)])
    exe = old_python(ctx, "3.7")
    if not exe:
        g.skip("a 3.7 env flagged EOL", "no Python 3.7 here (~/.pyenv/versions/3.7* or on PATH)")
        return g
    e37 = os.path.join(base, "old", "env37")
    p = subprocess.run([exe, "-m", "venv", "--without-pip", e37], capture_output=True,
                       env=dict(os.environ, HOME=home))
    if p.returncode != 0:
        g.fail("a 3.7 env flagged EOL", ["%s -m venv failed: %s" % (exe, p.stderr[-300:])])
        return g
    check_both(ctx, g, "a Python 3.7 env: python_eol true since 2023-06-27, python_support eol, a problem says so",
               e37, {"python_eol": True, "python_eol_date": "2023-06-27", "python_support": "eol",
                     "problems~": "end of life"}, home, xdg, roots=[os.path.dirname(e37)])
    p = ctx.runner.run(["list", "--no-size", "--no-git", os.path.dirname(e37)], home=home, env=xdg)
    line = [l[:l.index(e37)] for l in text(p.out).splitlines() if e37 in l]  # the cells before the path
    g.check("list (table): the 3.7 env's FLAGS say eol", expect_rc(p, 0) + (
        [] if line and re.search(r"(^|[ ,])eol([ ,]|$)", line[0]) else ["no 'eol' in %r" % line]))
    return g


# ------------------------------------------------------------ version mismatch

def t_mismatch(ctx):
    """A base replaced in place by another version, as a Homebrew or
    distribution upgrade does: base/bin/python3 -> python3.X made the env;
    then python3 -> python3.(X+1), a file of that name (a copy of the
    interpreter: only its name and its folder tell the version, as a real
    upgrade's would)."""
    g = Group()
    base = workdir(ctx, "story-mismatch")
    home, xdg = sandbox(base)
    real = os.path.realpath(ctx.fx.fast.exe)
    m = re.fullmatch(r"python(\d+)\.(\d+)", os.path.basename(real))
    if not m or ctx.fx.fast.impl != "CPython":
        g.skip("version mismatch", "%s's real file %s is not named pythonX.Y" % (ctx.fx.fast.label, real))
        return g
    mm, nxt = "%s.%s" % m.groups(), "%s.%d" % (m.group(1), int(m.group(2)) + 1)
    bindir = os.path.join(base, "pybase", "bin")
    os.makedirs(bindir)
    os.symlink(real, os.path.join(bindir, "python" + mm))
    os.symlink("python" + mm, os.path.join(bindir, "python3"))
    env = os.path.join(base, "root", "env")
    p = subprocess.run([os.path.join(bindir, "python3"), "-m", "venv", "--without-pip", env], capture_output=True,
                       env=dict(os.environ, HOME=home))
    with open(os.path.join(env, "pyvenv.cfg")) if p.returncode == 0 else open(os.devnull) as f:
        home_line = [l.split("=", 1)[1].strip() for l in f if l.startswith("home")]
    if p.returncode != 0 or home_line != [bindir]:
        g.fail("version mismatch: the env made by base/bin/python3", ["venv rc %d, home %r: %s" % (
            p.returncode, home_line, p.stderr[-300:])])
        return g
    check_both(ctx, g, "before the upgrade: version_mismatch false, base_version %s" % mm, env,
               {"version_mismatch": False, "base_version": mm}, home, xdg, roots=[os.path.dirname(env)])
    shutil.copy2(real, os.path.join(bindir, "python" + nxt))
    os.unlink(os.path.join(bindir, "python" + mm))
    os.unlink(os.path.join(bindir, "python3"))
    os.symlink("python" + nxt, os.path.join(bindir, "python3"))
    check_both(ctx, g, "after python3 became python%s: version_mismatch true, base_version %s, a problem says so"
               % (nxt, nxt), env, {"version_mismatch": True, "base_version": nxt, "broken": False,
                                   "problems~": "version mismatch"}, home, xdg, roots=[os.path.dirname(env)])
    return g


# ------------------------------------------------------------ last used, created

def mount_options(path):
    """The mount options of the filesystem holding `path` (mountinfo)."""
    best, opts = "", ""
    real = os.path.realpath(path)
    with open("/proc/self/mountinfo") as f:
        for line in f:
            parts = line.split()
            mnt = parts[4].encode().decode("unicode_escape")
            if (real == mnt or real.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                best, opts = mnt, parts[5]
    return opts.split(",")


def pyenv(home):
    """A plain environment for the env's python: writes bytecode as a user's does."""
    return dict({k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}, HOME=home)


def t_last_used(ctx):
    g = Group()
    base = workdir(ctx, "story-used")
    home, xdg = sandbox(base)
    env = venv(ctx, os.path.join(base, "root", "env"), base)
    sp = site_packages(env)
    write(os.path.join(sp, "story_mod.py"), "X = 1\n")
    py = os.path.join(env, "bin", "python")
    subprocess.run([py, "-c", "import story_mod"], check=True, env=pyenv(home))
    pycs = glob.glob(os.path.join(sp, "__pycache__", "story_mod.*.pyc"))
    act = os.path.join(env, "bin", "activate")
    roots = [os.path.dirname(env)]
    opts = mount_options(env)
    if "noatime" in opts:
        check_both(ctx, g, "last_used on a noatime mount: null", env, {"last_used": None, "last_used_source": None},
                   home, xdg, roots=roots)
        return g
    if len(pycs) != 1:
        g.fail("last_used", ["no story_mod pyc after the import: %s" % os.listdir(os.path.dirname(pycs[0]) if pycs else sp)])
        return g
    pyc = pycs[0]
    # relatime moves an atime only when it is <= mtime or a day old: set them back.
    back = int(time.time()) - 3 * 86400
    sources = {act: back - 100, pyc: back}
    for f, t in sources.items():
        os.utime(f, (t, os.stat(f).st_mtime))
    before = {f: os.stat(f).st_atime for f in sources}
    for _ in range(2):
        ctx.runner.run(LIST + roots, home=home, env=xdg)
    ctx.runner.run(["show", "--json", env], home=home, env=xdg)
    after = {f: os.stat(f).st_atime for f in sources}
    g.check("list --json twice and show: the atimes of bin/activate and the .pyc do not move",
            ["%s: atime %s -> %s" % (os.path.relpath(f, env), before[f], after[f]) for f in sources
             if before[f] != after[f]])
    check_both(ctx, g, "last_used before use: the newest atime of activate and site-packages' .pyc (set back 3 days)",
               env, {"last_used": back, "last_used_source": "site-packages/__pycache__",
                     "created": birth_time(os.path.join(env, "pyvenv.cfg"))}, home, xdg, roots=roots)
    t0 = int(time.time())
    subprocess.run([py, "-c", "import story_mod"], check=True, env=pyenv(home))
    moved = int(os.stat(pyc).st_atime)
    if moved < t0:
        g.fail("last_used after use", ["the import did not move the .pyc's atime (%d < %d; mount %s)" % (
            moved, t0, ",".join(opts))])
        return g
    check_both(ctx, g, "after `env/bin/python -c 'import story_mod'`: last_used is the .pyc's new atime", env,
               {"last_used": moved, "last_used_source": "site-packages/__pycache__"}, home, xdg, roots=roots)
    # Sorting by it: an env last used a week ago comes first (least recent).
    idle = venv(ctx, os.path.join(base, "root", "idle"), base)
    act2 = os.path.join(idle, "bin", "activate")
    os.utime(act2, (back - 4 * 86400, os.stat(act2).st_mtime))
    p = ctx.runner.run(LIST + ["--sort", "used"] + roots, home=home, env=xdg)
    try:
        order = [e["path"] for e in json.loads(text(p.out))]
    except ValueError:
        order = []
    g.check("list --json --sort used: least recently used first", expect_rc(p, 0) + (
        [] if order == [idle, env] else ["order %r, expected [idle, env]" % order]))
    return g


# ------------------------------------------------------------ bad input

def t_bad_input(ctx):
    g = Group()
    base = workdir(ctx, "story-bad")
    home, xdg = sandbox(base)
    root = os.path.join(base, "root")
    afile = os.path.join(base, "a-file")
    write(afile, "not a folder\n")
    envs = {}
    for name, content in (("to-file", afile), ("to-root", "/"), ("newline", os.path.join(base, "pro\nject") + "\n")):
        envs[name] = venv(ctx, os.path.join(root, name), base)
        with open(os.path.join(envs[name], ".project"), "w") as f:
            f.write(content)
    long_env = venv(ctx, os.path.join(root, "long-shebang"), base)
    for a in glob.glob(os.path.join(long_env, "bin", "[aA]ctivate*")):
        os.unlink(a)
    write(os.path.join(long_env, "bin", "pip"), "#!" + "/x" * 3000 + "/bin/python\nimport sys\n", 0o755)
    before = {n: snapshot(e) for n, e in dict(envs, long=long_env).items()}
    before_file = snapshot(base, skip=("root", "xdg", "home"))
    check_both(ctx, g, ".project naming a file: project is that path, project_exists false, orphan, flagged",
               envs["to-file"], {"project": afile, "project_exists": False, "orphan": True,
                                 "problems~": "is a file"}, home, xdg, roots=[root])
    check_both(ctx, g, ".project naming /: no project, flagged", envs["to-root"],
               {"project": None, "orphan": False, "problems~": ".project names /"}, home, xdg, roots=[root])
    check_both(ctx, g, ".project holding a path with a newline: no project, flagged", envs["newline"],
               {"project": None, "orphan": False, "problems~": "more than one line"}, home, xdg, roots=[root])
    check_both(ctx, g, "a console script whose first line is longer than a page: flagged, no moved_from",
               long_env, {"moved_from": None, "problems~": "longer than 4096"}, home, xdg, roots=[root])
    d = []
    for n, e in dict(envs, long=long_env).items():
        d += snap_diff(n, before[n], snapshot(e))
    d += snap_diff("the folder", before_file, snapshot(base, skip=("root", "xdg", "home")))
    g.check("bad input: nothing written in the envs or beside them", d)
    return g


# ------------------------------------------------------------ browser

def wait_rows(t, names, what, timeout=10):
    """The rows are `names`, in any order (the sort is by size)."""
    return t.wait_for(lambda s: sorted(s.names()) == sorted(names), timeout=timeout,
                      what="%s: rows %s" % (what, sorted(names)))


def t_browser(ctx):
    base = workdir(ctx, "story-browser")
    root = os.path.join(base, "root")
    orphan = venv(ctx, os.path.join(root, "orphan-env"), base)
    gone = os.path.join(base, "gone-project")
    with open(os.path.join(orphan, ".project"), "w") as f:
        f.write(gone)
    old = venv(ctx, os.path.join(base, "elsewhere", "moved-env"), base)
    moved = os.path.join(root, "moved-env")
    os.rename(old, moved)
    venv(ctx, os.path.join(root, "fine-env"), base)
    eol_exe = next((e for e in (old_python(ctx, v) for v in ("3.7", "3.8", "3.9", "3.6", "3.10")) if e), None)
    names = ["fine-env", "moved-env", "orphan-env"]
    if eol_exe and subprocess.run([eol_exe, "-m", "venv", "--without-pip", os.path.join(root, "eol-env")],
                                  capture_output=True).returncode == 0:
        names = ["eol-env"] + names
    n_eol = 1 if "eol-env" in names else 0
    title = "story browser: header counts, is:orphan / is:moved / is:eol, !, details lines"

    def run(st):
        with Tty(ctx.runner, [root], width=200, height=30, tag="story-browser") as t:
            start(t)
            st.at("the header counts orphaned, EOL and moved envs")
            want = "1 orphaned · %d EOL · 1 moved" % n_eol
            t.wait_for(lambda s: want in s.line(0), timeout=10, what="the header saying %r" % want)
            for term, rows_ in (("is:orphan", ["orphan-env"]), ("is:moved", ["moved-env"]),
                                ("is:eol", ["eol-env"] if n_eol else [])):
                st.at("/%s" % term)
                set_filter(t, term, first=term == "is:orphan")
                if rows_:
                    wait_rows(t, rows_, "the filter %s" % term)
                else:
                    t.wait_for(lambda s: "No environment matches" in s.text, timeout=10,
                               what="no row for %s (no EOL Python here)" % term)
            t.keys("Escape")
            wait_rows(t, names, "the filter cleared")
            st.at("! keeps the orphan, the moved and the EOL env")
            t.keys("!")
            wait_rows(t, [n for n in names if n != "fine-env"], "! problems only")
            t.keys("!")
            wait_rows(t, names, "! again")
            st.at("the orphan's details say its project is gone")
            set_filter(t, "orphan-env")
            wait_rows(t, ["orphan-env"], "the filter orphan-env")
            t.keys("Enter")
            t.wait_for(lambda s: re.search(r"project\s+%s \(gone: the env is an orphan\)" % re.escape(gone), s.text),
                       timeout=10, what="the details line 'project  %s (gone: ...)'" % gone)
            t.wait_for(lambda s: re.search(r"python support\s+\S", s.text) and re.search(r"created\s+\d{4}-", s.text)
                       and re.search(r"last used\s+\d{4}-", s.text), timeout=10,
                       what="the details lines python support, created, last used")
            t.keys("Escape")
            st.at("the moved env's details say where it was made")
            set_filter(t, "moved-env")
            wait_rows(t, ["moved-env"], "the filter moved-env")
            t.keys("Enter")
            t.wait_for(lambda s: re.search(r"moved from\s+%s" % re.escape(old), s.text), timeout=10,
                       what="the details line 'moved from  %s'" % old)

    return session(title, run)


def tests(ctx):
    return [("story projects", lambda: t_projects(ctx)), ("story poetry", lambda: t_poetry_real(ctx)),
            ("story pipenv", lambda: t_pipenv_real(ctx)),
            ("story moved", lambda: t_moved(ctx)),
            ("story eol", lambda: t_eol(ctx)), ("story mismatch", lambda: t_mismatch(ctx)),
            ("story last used", lambda: t_last_used(ctx)), ("story bad input", lambda: t_bad_input(ctx)),
            ("story browser", lambda: t_browser(ctx))]
