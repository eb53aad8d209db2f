"""conda, mamba, micromamba and pixi prefixes (issue 16), built the way the
tools lay them out (conda_kit.py: conda-meta history and JSON records with
every key conda writes, a real /usr/bin/python3.11 linked in, a dist the
real pip installed from a local wheel). No conda, mamba or micromamba is
run: Debian 12 packages none of them.

- found where the tools put them, with no ROOT given: ~/miniconda3 (the
  base itself, labelled name "base" and manager_role "base") and its
  envs/*, ~/micromamba/envs/*, $MAMBA_ROOT_PREFIX, ~/.conda/envs/*, a
  .condarc envs_dirs folder, a `-p` prefix listed in
  ~/.conda/environments.txt (project = its folder), a pixi env in the
  current folder; kind, manager (from the history's # cmd), name, Python
  version and project as the fixture says; environments.txt lines that are
  `/`, relative, a file or a plain folder are never walked;
- show --json: every record's name, version, build and channel, with
  installer "conda", and the pip-installed dist with installer "pip" - the
  truth read from the records the test wrote and from pip's INSTALLER
  files;
- freeze: environment.yml field by field (name, channels, each record's
  name=version=build, the pip: section, prefix) and --explicit / --explicit
  --md5 line by line against the records' url and md5;
- delete (inside the ns_script guard): the env goes, its line leaves
  ~/.conda/environments.txt and every other byte stays; the base is
  refused (exit 2) and untouched;
- clear, upgrade and rebuild refuse it (exit 2, the sentence says why),
  the env untouched;
- bad input: a broken record, a 17 MiB record and a history with binary
  junk are flagged in problems while the other records are still listed.

The other kinds: tox and nox envs have the folder holding .tox/.nox as
their project, a uv tool's env names its app (both new), a $PIPX_HOME env is
pipx's with pipx_metadata.json's app and a $WORKON_HOME env is
virtualenvwrapper's with its .project (both worked already; tests_guard.py
covers the two pipx layouts with the real pipx)."""

import json
import os
import subprocess

import conda_kit
from browser_kit import session, start, wait_rows
from harness import Group
from tty import Tty
from tests_delete import expect_rc, ns_script, sandbox, snap_diff, snapshot, text, workdir


def by_path(p):
    try:
        return {e["path"]: e for e in p.json()}
    except ValueError:
        return {}


def pip_installed(prefix):
    """{name: version} of the dists pip put in the prefix's site-packages,
    from their INSTALLER files (conda's say "conda")."""
    sp = os.path.join(prefix, "lib", "python3.11", "site-packages")
    out = {}
    for d in os.listdir(sp):
        if not d.endswith(".dist-info"):
            continue
        try:
            with open(os.path.join(sp, d, "INSTALLER")) as f:
                who = f.read().strip()
        except OSError:
            continue
        if who == "pip":
            name, version = d[:-len(".dist-info")].rsplit("-", 1)
            out[name] = version
    return out


def layout(base):
    """The machine of the test: HOME with the tools' folders, and the
    expected rows {path: (kind, manager, name, role, project)}."""
    home, xdg = sandbox(base)
    wheels = os.path.join(base, "wheels")
    mc = os.path.join(home, "miniconda3")
    exp = {}
    conda_kit.make_prefix(mc, "%s/bin/conda install -y conda" % mc, wheels=wheels)
    os.makedirs(os.path.join(mc, "condabin"))
    exp[mc] = ("conda", "conda", "base", "base", None)
    sci = os.path.join(mc, "envs", "sci")
    conda_kit.make_prefix(sci, "%s/bin/conda create -n sci python=3.11 six" % mc, wheels=wheels)
    exp[sci] = ("conda", "conda", "sci", None, None)
    mm = os.path.join(home, "micromamba", "envs", "mm")
    conda_kit.make_prefix(mm, "micromamba create -n mm python=3.11", wheels=wheels)
    exp[mm] = ("conda", "micromamba", "mm", None, None)
    root = os.path.join(base, "mamba-root")
    mroot = os.path.join(root, "envs", "fast")
    conda_kit.make_prefix(mroot, "/opt/mambaforge/bin/mamba create --name fast python", wheels=wheels)
    exp[mroot] = ("conda", "mamba", "fast", None, None)
    dot = os.path.join(home, ".conda", "envs", "dotenv")
    conda_kit.make_prefix(dot, "conda create -n dotenv", wheels=wheels)
    exp[dot] = ("conda", "conda", "dotenv", None, None)
    rcdir = os.path.join(base, "rc-envs")
    rc = os.path.join(rcdir, "fromrc")
    conda_kit.make_prefix(rc, "conda create -n fromrc", wheels=wheels)
    exp[rc] = ("conda", "conda", "fromrc", None, None)
    with open(os.path.join(home, ".condarc"), "w") as f:
        f.write("channels:\n  - defaults\nenvs_dirs:\n  - %s\n" % rcdir)
    proj = os.path.join(base, "work", "proj")
    os.makedirs(proj)
    with open(os.path.join(proj, "pyproject.toml"), "w") as f:
        f.write("[project]\nname = 'proj'\n")
    pfx = os.path.join(proj, "env")
    conda_kit.make_prefix(pfx, "conda create -p %s python=3.11" % pfx, wheels=wheels)
    exp[pfx] = ("conda", "conda", "env", None, proj)
    plain = os.path.join(base, "plain-folder")
    os.makedirs(plain)
    afile = os.path.join(base, "a-file")
    with open(afile, "w") as f:
        f.write("x\n")
    with open(os.path.join(home, ".conda", "environments.txt"), "w") as f:
        f.write("/\n\nrelative/path\n%s\n%s\n%s\n/no/such/env\n%s\n" % (afile, plain, pfx, sci))
    cwd = os.path.join(base, "cwd")
    px = os.path.join(cwd, "app", ".pixi", "envs", "default")
    conda_kit.make_prefix(px, "pixi install", wheels=wheels, pixi=True)
    with open(os.path.join(cwd, "app", "pixi.toml"), "w") as f:
        f.write("[project]\nname = 'app'\n")
    exp[px] = ("conda", "pixi", "default", None, os.path.join(cwd, "app"))
    xdg["MAMBA_ROOT_PREFIX"] = root
    return home, xdg, cwd, exp


def t_found(ctx):
    g = Group()
    if not os.path.exists(conda_kit.PY) or not conda_kit.pip_wheel():
        g.skip("conda prefixes", "needs /usr/bin/python3.11 and Debian's pip wheel")
        return g
    base = workdir(ctx, "conda-found")
    home, xdg, cwd, exp = layout(base)
    p = ctx.runner.run(["list", "--json", "--no-size", "--no-git"], home=home, cwd=cwd, env=xdg)
    rows = by_path(p)
    d = expect_rc(p, 0)
    conda_rows = {k: v for k, v in rows.items() if v.get("kind") == "conda"}
    if set(conda_rows) != set(exp):
        d.append("conda rows %s, expected %s" % (sorted(conda_rows), sorted(exp)))
    for path, (kind, mgr, name, role, project) in exp.items():
        r = rows.get(path)
        if not r:
            continue
        got = (r["kind"], r["manager"], r["name"], r["manager_role"], r["project"])
        if got != (kind, mgr, name, role, project):
            d.append("%s: (kind, manager, name, role, project) %r, expected %r" % (
                path, got, (kind, mgr, name, role, project)))
        if r["python_version"] != "3.11.5":
            d.append("%s: python_version %r, the record says 3.11.5" % (path, r["python_version"]))
        if r["broken"] or r["problems"]:
            d.append("%s: broken %r, problems %r" % (path, r["broken"], r["problems"]))
    txt = os.path.join(home, ".conda", "environments.txt")
    for line, why in (("/", "the root folder"), ("relative/path", "not an absolute path"),
                      (os.path.join(base, "a-file"), "not a folder"),
                      (os.path.join(base, "plain-folder"), "not a conda environment"),
                      ("/no/such/env", "no such folder")):
        w = "%s: the line %s is skipped: %s" % (txt, line, why)
        if w not in p.err_text:
            d.append("stderr does not warn %r: %r" % (w, p.err_text[-800:]))
    outside = [k for k in rows if not k.startswith(base + "/")]
    if outside:
        d.append("rows outside the test's folder (a bad environments.txt line was walked?): %s" % outside[:5])
    g.check("list --json with no ROOT finds the base (name and role base), envs/*, ~/micromamba, "
            "MAMBA_ROOT_PREFIX, ~/.conda/envs, .condarc envs_dirs, an environments.txt -p prefix "
            "(project its folder) and a pixi env; kind, manager, name, Python from the records; "
            "each bad environments.txt line (/, relative, a file, a plain folder, missing) warned, never walked", d)

    sci = [k for k, v in exp.items() if v[2] == "sci"][0]
    p = ctx.runner.run(["show", "--json", sci], home=home, cwd=cwd, env=xdg)
    d = expect_rc(p, 0)
    try:
        pkgs = p.json().get("packages", [])
    except ValueError as e:
        pkgs = []
        d.append(str(e))
    want = []
    for name, version, build, chan, subdir, _ in conda_kit.PACKAGES:
        with open(os.path.join(sci, "conda-meta", "%s-%s-%s.json" % (name, version, build))) as f:
            r = json.load(f)
        want.append({"name": r["name"], "version": r["version"], "build": r["build"],
                     "channel": r["channel"], "installer": "conda"})
    for name, version in sorted(pip_installed(sci).items()):
        want.append({"name": name, "version": version, "installer": "pip"})
    keys = {"conda": ("name", "version", "build", "channel", "installer"), "pip": ("name", "version", "installer")}
    got = [{k: x.get(k) for k in keys.get(x.get("installer"), ("name", "installer"))} for x in pkgs]
    if sorted(map(json.dumps, got)) != sorted(map(json.dumps, want)):
        d.append("packages %s\n  expected %s" % (pkgs, want))
    if not pip_installed(sci):
        d.append("the fixture has no pip-installed dist (pip --target failed?)")
    p = ctx.runner.run(["show", sci], home=home, cwd=cwd, env=xdg)
    out = text(p.out)
    for n, v, b, chan, subdir, _ in conda_kit.PACKAGES:
        if not any(line.split()[:4] == [n, v, b, "%s/%s" % (chan, subdir)] for line in out.splitlines()):
            d.append("show does not list the record %s %s %s" % (n, v, b))
    if "conda packages (%d)" % len(conda_kit.PACKAGES) not in out or "conda activate" not in out:
        d.append("show's text lacks 'conda packages (N)' or 'conda activate': %r" % out[-800:])
    g.check("show --json: every conda-meta record (name, version, build, channel, installer conda) "
            "and pip's dist (installer pip), nothing else; show's text lists the records and conda activate", d)
    ctx._conda = (home, xdg, cwd, sci, exp)
    return g


def yml_fields(text_):
    """environment.yml -> (name, channels, deps, pip, prefix)."""
    name, prefix, chans, deps, pip, where = None, None, [], [], [], None
    for line in text_.splitlines():
        if line.startswith("name: "):
            name = line[6:]
        elif line.startswith("prefix: "):
            prefix = line[8:]
        elif line in ("channels:", "dependencies:"):
            where = line
        elif line == "  - pip:":
            where = "pip"
        elif line.startswith("      - ") and where == "pip":
            pip.append(line[8:])
        elif line.startswith("  - ") and where == "channels:":
            chans.append(line[4:])
        elif line.startswith("  - ") and where == "dependencies:":
            deps.append(line[4:])
        else:
            return ("unexpected line %r" % line,)
    return name, chans, deps, pip, prefix


def t_freeze(ctx, g):
    home, xdg, cwd, sci, exp = ctx._conda
    out = os.path.join(ctx.fx.base, "delete", "conda-found", "environment.yml")
    p = ctx.runner.run(["freeze", "-o", out, sci], home=home, cwd=cwd, env=xdg)
    d = expect_rc(p, 0)
    recs = sorted(conda_kit.PACKAGES)
    want_deps = ["%s=%s=%s" % (n, v, b) for n, v, b, _, _, _ in recs]
    want_pip = ["%s==%s" % kv for kv in sorted(pip_installed(sci).items())]
    chans = []
    for n, v, b, chan, subdir, _ in recs:
        c = "defaults" if chan.startswith("https://repo.anaconda.com/pkgs/") else chan.rsplit("/", 1)[-1]
        if c not in chans:
            chans.insert(0, c)
    try:
        with open(out) as f:
            got = yml_fields(f.read())
    except OSError as e:
        got = (str(e),)
    if got != ("sci", chans, want_deps, want_pip, sci):
        d.append("environment.yml %r\n  expected %r" % (got, ("sci", chans, want_deps, want_pip, sci)))
    g.check("freeze -o FILE of a conda env writes environment.yml: name, channels, "
            "name=version=build per record, the pip: section, prefix", d)

    for md5 in (False, True):
        p = ctx.runner.run(["freeze", "--explicit"] + (["--md5"] if md5 else []) + [sci],
                           home=home, cwd=cwd, env=xdg)
        d = expect_rc(p, 0)
        want = ["# This file may be used to create an environment using:",
                "# $ conda create --name <env> --file <this file>", "# platform: linux-64", "@EXPLICIT"]
        for n, v, b, _, _, _ in recs:
            with open(os.path.join(sci, "conda-meta", "%s-%s-%s.json" % (n, v, b))) as f:
                r = json.load(f)
            want.append(r["url"] + ("#" + r["md5"] if md5 else ""))
        if text(p.out).splitlines() != want:
            d.append("stdout %r\n  expected %r" % (text(p.out).splitlines(), want))
        g.check("freeze --explicit%s prints conda list --explicit's header and each record's url%s, by name"
                % (" --md5" if md5 else "", "#md5" if md5 else ""), d)


def t_refuse(ctx, g):
    home, xdg, cwd, sci, exp = ctx._conda
    before = snapshot(sci)
    guard = ns_script(ctx)
    for args, what in ((["clear", "--yes"], "cleared"), (["upgrade"], "upgraded"),
                       (["rebuild", "--yes", "--python", conda_kit.PY], "rebuilt")):
        p = ctx.runner.run(args + [sci], home=home, cwd=cwd, env=xdg, wrap=guard)
        d = expect_rc(p, 2)
        if "cannot be %s by venvscope: it is a conda environment" % what not in p.err_text:
            d.append("stderr does not say why: %r" % p.err_text)
        d += snap_diff(sci, before, snapshot(sci))
        g.check("%s of a conda env is refused: exit 2, a sentence saying why, env untouched" % args[0], d)


def t_delete(ctx):
    g = Group()
    guard = ns_script(ctx)
    if guard is None:
        g.skip("conda delete", "needs root and unshare for the mount-namespace guard")
        return g
    if not os.path.exists(conda_kit.PY) or not conda_kit.pip_wheel():
        g.skip("conda delete", "needs /usr/bin/python3.11 and Debian's pip wheel")
        return g
    base = workdir(ctx, "conda-delete")
    home, xdg = sandbox(base)
    mc = os.path.join(home, "miniconda3")
    conda_kit.make_prefix(mc, "%s/bin/conda install conda" % mc, wheels=os.path.join(base, "w"))
    envs = []
    for n in ("one", "two", "three"):
        e = os.path.join(mc, "envs", n)
        conda_kit.make_prefix(e, "%s/bin/conda create -n %s python" % (mc, n), wheels=os.path.join(base, "w"))
        envs.append(e)
    txt = os.path.join(home, ".conda", "environments.txt")
    os.makedirs(os.path.dirname(txt), exist_ok=True)
    other = ("%s\n%s\r\n" % (mc, envs[0])).encode()
    tail = ("%s\n" % envs[2]).encode()
    with open(txt, "wb") as f:
        f.write(other + envs[1].encode() + b"\n" + tail)
    keep = snapshot(envs[0])
    p = ctx.runner.run(["delete", "--yes", envs[1]], home=home, env=xdg, wrap=guard)
    d = expect_rc(p, 0)
    if os.path.lexists(envs[1]):
        d.append("the env is still there")
    with open(txt, "rb") as f:
        now = f.read()
    if now != other + tail:
        d.append("environments.txt %r, expected %r" % (now, other + tail))
    d += snap_diff(envs[0], keep, snapshot(envs[0]))
    recs = os.path.join(xdg["XDG_STATE_HOME"], "venvscope", "deleted")
    kept = [sorted(os.listdir(os.path.join(recs, r))) for r in os.listdir(recs)] if os.path.isdir(recs) else []
    if kept != [["environment.yml", "explicit.txt", "record.json"]]:
        d.append("record folder holds %s, expected environment.yml, explicit.txt, record.json" % kept)
    g.check("delete --yes of a conda env removes it, keeps environment.yml and explicit.txt in its "
            "record, and drops exactly its line from ~/.conda/environments.txt (other bytes kept)", d)

    p = ctx.runner.run(["recreate", envs[1]], home=home, env=xdg, wrap=guard)
    d = expect_rc(p, 2)
    if "conda env create -p %s -f " % envs[1] not in p.err_text:
        d.append("stderr does not name conda's command: %r" % p.err_text)
    if os.path.lexists(envs[1]):
        d.append("something was made at %s" % envs[1])
    g.check("recreate of a conda env's record is refused (exit 2) naming conda env create -f its environment.yml", d)

    before = snapshot(mc, contents=False)
    p = ctx.runner.run(["delete", "--yes", mc], home=home, env=xdg, wrap=guard)
    d = expect_rc(p, 2)
    if "conda's base installation" not in p.err_text:
        d.append("stderr does not say it is the base: %r" % p.err_text)
    d += snap_diff(mc, before, snapshot(mc, contents=False))
    g.check("delete --yes of conda's base is refused (exit 2, says why), the base and its envs untouched", d)
    return g


def t_bad(ctx):
    g = Group()
    if not os.path.exists(conda_kit.PY) or not conda_kit.pip_wheel():
        g.skip("conda bad input", "needs /usr/bin/python3.11 and Debian's pip wheel")
        return g
    base = workdir(ctx, "conda-bad")
    home, xdg = sandbox(base)
    env = os.path.join(base, "root", "bad")
    conda_kit.make_prefix(env, "conda create -n bad python", wheels=os.path.join(base, "w"))
    meta = os.path.join(env, "conda-meta")
    with open(os.path.join(meta, "broken-1.0-0.json"), "w") as f:
        f.write('{"name": "broken", "version": ')
    with open(os.path.join(meta, "huge-1.0-0.json"), "w") as f:
        f.write('{"name": "huge", "pad": "' + "x" * (17 << 20) + '"}')
    with open(os.path.join(meta, "history"), "ab") as f:
        f.write(b"\x00\x89PNG\r\n\x1a\n\xff\xfe\x00junk\n")
    p = ctx.runner.run(["show", "--json", env], home=home, env=xdg)
    d = expect_rc(p, 0)
    try:
        j = p.json()
    except ValueError as e:
        j = {}
        d.append(str(e))
    probs = " | ".join(j.get("problems", []))
    for w in ("2 conda-meta records cannot be read", "history holds bytes that are not text"):
        if w not in probs:
            d.append("problems do not say %r: %r" % (w, probs))
    names = sorted(x["name"] for x in j.get("packages", []) if x.get("installer") == "conda")
    if names != sorted(x[0] for x in conda_kit.PACKAGES):
        d.append("conda packages %s, expected the %d good records" % (names, len(conda_kit.PACKAGES)))
    g.check("a broken record, a 17 MiB record and binary junk in the history are flagged in problems; "
            "the other records are still listed", d)
    return g


def t_kinds(ctx):
    g = Group()
    base = workdir(ctx, "kinds")
    home, xdg = sandbox(base)
    proj = os.path.join(base, "root", "proj")
    os.makedirs(os.path.join(proj, ".tox"))
    with open(os.path.join(proj, "tox.ini"), "w") as f:
        f.write("[tox]\n")
    tox = os.path.join(proj, ".tox", "py311")
    nox = os.path.join(proj, ".nox", "tests")
    uv = os.path.join(xdg["XDG_DATA_HOME"], "uv", "tools", "ruff")
    pipx = os.path.join(base, "pipxhome", "venvs", "hello-app")
    wo = os.path.join(base, "workon", "wenv")
    for e in (tox, nox, uv, pipx, wo):
        subprocess.run([ctx.fx.fast.exe, "-m", "venv", "--without-pip", e], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(uv, "uv-receipt.toml"), "w") as f:
        f.write('[tool]\nrequirements = [{ name = "ruff" }]\n')
    with open(os.path.join(pipx, "pipx_metadata.json"), "w") as f:
        json.dump({"main_package": {"package": "hello-app", "package_or_url": "hello-app"},
                   "pipx_metadata_version": "0.2"}, f)
    with open(os.path.join(wo, ".project"), "w") as f:
        f.write(proj + "\n")
    env = dict(xdg, PIPX_HOME=os.path.join(base, "pipxhome"), WORKON_HOME=os.path.dirname(wo))
    p = ctx.runner.run(["list", "--json", "--no-size", "--no-git", os.path.join(base, "root"),
                        os.path.dirname(uv), os.path.dirname(pipx), os.path.dirname(wo)], home=home, env=env)
    rows = by_path(p)
    d = expect_rc(p, 0)
    got = {k: (rows.get(k, {}).get("manager"), rows.get(k, {}).get("project"), rows.get(k, {}).get("app"))
           for k in (tox, nox, uv, pipx, wo)}
    want = {tox: ("tox", proj, None), nox: ("nox", proj, None), uv: ("uv", None, "ruff"),
            pipx: ("pipx", None, "hello-app"), wo: ("virtualenvwrapper", proj, None)}
    if got != want:
        d.append("(manager, project, app) %r, expected %r" % (got, want))
    g.check("tox and nox envs have the folder holding .tox/.nox as project; a uv tool's env names its "
            "app; a $PIPX_HOME env is pipx's with pipx_metadata.json's app; a $WORKON_HOME env is "
            "virtualenvwrapper's with its .project", d)
    return g


def t_browser(ctx):
    base = workdir(ctx, "conda-browser")
    root = os.path.join(base, "root")
    proj = os.path.join(root, "proj")
    os.makedirs(proj)
    with open(os.path.join(proj, "pyproject.toml"), "w") as f:
        f.write("[project]\nname = 'proj'\n")
    env = os.path.join(proj, "cenv")
    title = "conda browser: is:conda keeps the conda row, x says why not, f writes environment.yml"
    if not os.path.exists(conda_kit.PY) or not conda_kit.pip_wheel():
        g = Group()
        g.skip(title, "needs /usr/bin/python3.11 and Debian's pip wheel")
        return g
    conda_kit.make_prefix(env, "conda create -p %s python=3.11" % env, wheels=os.path.join(base, "w"))
    subprocess.run([ctx.fx.fast.exe, "-m", "venv", "--without-pip", os.path.join(root, "plainenv")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    truth = ctx.runner.run(["freeze", "-o", "-", env]).out
    yml = os.path.join(proj, "environment.yml")

    def run(st):
        with Tty(ctx.runner, [root], width=140, height=30, tag="conda-browser") as t:
            start(t)
            st.at("/is:conda keeps only the conda env")
            t.keys("/")
            t.type("is:conda")
            t.keys("Enter")
            wait_rows(t, ["cenv"], "the filter is:conda")
            st.check("/is:conda keeps only the conda env (not the venv beside it)", [])
            st.at("x says why it is not cleared")
            before = snapshot(env)
            t.keys("x")
            t.wait_for(lambda s: "cannot be cleared by venvscope" in s.text, timeout=10,
                       what="the refusal of clear")
            st.check("x on it says why it is not cleared; the env untouched", snap_diff(env, before, snapshot(env)))
            st.at("f writes environment.yml")
            t.keys("Escape")
            t.keys("f")
            t.wait_for(lambda s: "environment.yml" in s.text, timeout=10, what="the freeze message")
            with open(yml, "rb") as f:
                got = f.read()
            st.check("f writes <project>/environment.yml, the bytes venvscope freeze -o - prints",
                     [] if got == truth and got.startswith(b"name: cenv\n") else
                     ["environment.yml %r, freeze -o - gives %r" % (got[:300], truth[:300])])
            st.at("the details list the records")
            t.keys("Enter")
            t.wait_for(lambda s: "conda packages (conda-meta: %d records)" % len(conda_kit.PACKAGES) in s.text
                       and "h955ad1f_0" in s.text, timeout=10, what="the details' conda records")
            st.check("the details list the conda-meta records with their builds", [])

    return session(title, run)


def t_cli(ctx):
    g = t_found(ctx)
    if getattr(ctx, "_conda", None):
        t_freeze(ctx, g)
        t_refuse(ctx, g)
    return g


def tests(ctx):
    return [("conda found", lambda: t_cli(ctx)), ("conda delete", lambda: t_delete(ctx)),
            ("conda bad input", lambda: t_bad(ctx)), ("kinds tox uv", lambda: t_kinds(ctx)),
            ("conda browser", lambda: t_browser(ctx))]


__all__ = ["tests"]
