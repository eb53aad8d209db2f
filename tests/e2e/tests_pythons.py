"""Interpreters, with their envs (issue 16): `venvscope pythons [--json]`,
the browser's Pythons view (P; p from an env; Enter back to its envs) and
the env list's columns at 60, 80 and 120 columns.

The tree is made at test time with the machine's own Pythons (real
`python -m venv --without-pip`):
- proj/.venv from /usr/bin/python3.11 (the system Python; another
  /usr/bin/python3.N when 3.11 is not there);
- venvs/by-python3 from /usr/bin/python3 (another name of the same file);
- venvs/pyenv-X.Y from up to three pyenv Pythons when ~/.pyenv/versions/*
  (or $PYENV_ROOT) has them - the wider case; without pyenv those cases
  are skipped with the reason;
- venvs/gone from a symlink to the system Python that is then removed: its
  base is gone, so no interpreter claims it.
PATH discovery without fakes: a temp folder on PATH holds symlinks named
python3 and python3.N to real interpreters; they must show up as names of
the interpreter they lead to, not as rows of their own.

The truth is computed here: an env's base is os.path.realpath(home /
python3.X) from its own pyvenv.cfg (None when that file is gone); an
interpreter's envs are exactly the envs whose base is its realpath; its
version is what it prints itself; its eol_date is the issue's table and
support is "eol" exactly when that date has passed."""

import datetime
import os
import re
import shutil
import subprocess

from browser_kit import session, start
from harness import Group, clean_environ, fresh_dir
from tty import Tty

# CPython's end-of-life dates as issue 16 gives them (an independent copy of
# what src/scan/eol.c must say).
EOL = {"2.7": "2020-04-20", "3.6": "2021-12-23", "3.7": "2023-06-27", "3.8": "2024-10-07",
       "3.9": "2025-10-31", "3.10": "2026-10", "3.11": "2027-10", "3.12": "2028-10",
       "3.13": "2029-10", "3.14": "2030-10"}


def eol_passed(date, today):
    """A month-only date counts as reached after that month's last day."""
    if len(date) == 7:
        y, m = (int(x) for x in date.split("-"))
        return (today.year, today.month) > (y, m)
    return today.isoformat() > date


def pyenv_root():
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    return root if os.path.isdir(os.path.join(root, "versions")) else None


def system_python(ctx):
    sys_ = [p for p in ctx.fx.pythons if p.source == "system"]
    for p in sys_:
        if p.exe == "/usr/bin/python3.11":
            return p
    return sys_[0] if sys_ else None


def mkvenv(exe, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    subprocess.run([exe, "-m", "venv", "--without-pip", path], check=True, env=clean_environ(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)


def build(ctx, name):
    """Returns (root, envs {label: path}, pathbin, notes) or raises LookupError."""
    sysp = system_python(ctx)
    if sysp is None:
        raise LookupError("no /usr/bin/python3.N with venv on this machine")
    base = os.path.realpath(fresh_dir(ctx.base, "pythons", name))
    root = os.path.join(base, "tree")
    envs = {}
    envs["sys"] = os.path.join(root, "proj", ".venv")
    mkvenv(sysp.exe, envs["sys"])
    if os.path.realpath("/usr/bin/python3") == os.path.realpath(sysp.exe):
        envs["by-python3"] = os.path.join(root, "venvs", "by-python3")
        mkvenv("/usr/bin/python3", envs["by-python3"])
    pyenvs = sorted((p for p in ctx.fx.pythons if p.source == "pyenv"), key=lambda p: p.vtuple)
    pick = pyenvs[:1] + pyenvs[-1:] + pyenvs[len(pyenvs) // 2:len(pyenvs) // 2 + 1]
    seen = set()
    for p in pick:
        if p.real in seen:
            continue
        seen.add(p.real)
        label = "pyenv-%d.%d" % p.vtuple[:2]
        envs[label] = os.path.join(root, "venvs", label)
        mkvenv(p.exe, envs[label])
    gonebin = os.path.join(base, "gonebin")
    os.makedirs(gonebin)
    os.symlink(os.path.realpath(sysp.exe), os.path.join(gonebin, "python3"))
    envs["gone"] = os.path.join(root, "venvs", "gone")
    mkvenv(os.path.join(gonebin, "python3"), envs["gone"])
    shutil.rmtree(gonebin)
    # PATH: python3 -> a pyenv Python when there is one (else the system
    # one), python3.N -> the system Python.
    pathbin = os.path.join(base, "pathbin")
    os.makedirs(pathbin)
    os.symlink(pyenvs[-1].exe if pyenvs else sysp.exe, os.path.join(pathbin, "python3"))
    os.symlink(sysp.exe, os.path.join(pathbin, "python%d.%d" % sysp.vtuple[:2]))
    return root, envs, pathbin, sysp, pyenvs


def run_env(pathbin):
    env = {"PATH": pathbin + ":/usr/bin:/bin"}
    root = pyenv_root()
    if root:
        env["PYENV_ROOT"] = root
    return env


def base_of(env):
    """realpath(home/python3.X) from the env's pyvenv.cfg, None if gone."""
    cfg = {}
    with open(os.path.join(env, "pyvenv.cfg")) as f:
        for line in f:
            k, sep, v = line.partition("=")
            if sep:
                cfg[k.strip().lower()] = v.strip()
    xy = ".".join(cfg["version"].split(".")[:2])
    p = os.path.join(cfg["home"], "python" + xy)
    return os.path.realpath(p) if os.path.exists(p) else None


def own_version(exe):
    p = subprocess.run([exe, "-c", "import platform; print(platform.python_version())"],
                       env=clean_environ(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60)
    return p.stdout.decode().strip() if p.returncode == 0 else None


def check_rows(rows, envs, today):
    """Every difference between `pythons --json` and the truth."""
    d = []
    bases = {label: base_of(p) for label, p in envs.items()}
    reals = [os.path.realpath(r["path"]) for r in rows]
    if len(set(reals)) != len(reals):
        d.append("one file on several rows: %s" % sorted(x for x in reals if reals.count(x) > 1))
    claimed = {}
    for r, real in zip(rows, reals):
        want = sorted(p for label, p in envs.items() if bases[label] == real)
        got = sorted(r.get("envs", []))
        if got != want:
            d.append("%s: envs %s, expected %s" % (r["path"], got, want))
        for e in got:
            claimed.setdefault(e, []).append(r["path"])
        names = r.get("names") or []
        if not names or names[0] != r["path"] or any(os.path.realpath(n) != real for n in names):
            d.append("%s: names %s are not all this file, path first" % (r["path"], names))
        v = own_version(r["path"])
        ok = v is None or v == r["version"] or (not r.get("has_venv") and v.startswith((r["version"] or "?") + "."))
        if v and not ok:
            d.append("%s: version %r, it says %r" % (r["path"], r["version"], v))
        xy = ".".join((r["version"] or "").split(".")[:2])
        if xy in EOL:
            want_s = "eol" if eol_passed(EOL[xy], today) else ("bugfix", "security")
            if r.get("eol_date") != EOL[xy] or (r.get("support") not in want_s if isinstance(want_s, tuple)
                                                else r.get("support") != want_s):
                d.append("%s: support %r eol_date %r; the table says %s" % (
                    r["path"], r.get("support"), r.get("eol_date"), EOL[xy]))
    for label, p in envs.items():
        n = len(claimed.get(p, []))
        if (bases[label] is None) != (n == 0) or n > 1:
            d.append("env %s (base %s) is claimed by %s" % (label, bases[label], claimed.get(p, [])))
    counts = [len(r.get("envs", [])) for r in rows]
    if counts != sorted(counts, reverse=True):
        d.append("not sorted by the number of envs (most first): %s" % counts)
    return d


def t_cli(ctx):
    g = Group()
    try:
        root, envs, pathbin, sysp, pyenvs = build(ctx, "cli")
    except LookupError as e:
        g.skip("pythons --json", str(e))
        return g
    today = datetime.datetime.now(datetime.timezone.utc).date()
    p = ctx.runner.run(["pythons", "--json", root], env=run_env(pathbin))
    try:
        rows = p.json()
    except ValueError as e:
        g.fail("pythons --json: each interpreter with exactly the envs whose base it is", [str(e), p.describe()])
        return g
    d = [] if p.rc == 0 else ["exit %s: %s" % (p.rc, p.describe())]
    d += check_rows(rows, envs, today)
    g.check("pythons --json: each interpreter with exactly the envs whose base it is "
            "(pyvenv.cfg home/python3.X, realpath), its version, support and EOL; most envs first", d)

    d = []
    by_real = {os.path.realpath(r["path"]): r for r in rows}
    for name in os.listdir(pathbin):
        link = os.path.join(pathbin, name)
        r = by_real.get(os.path.realpath(link))
        if r is None or link not in r["names"]:
            d.append("%s (-> %s): not a name of its interpreter's row" % (link, os.path.realpath(link)))
    sysrow = by_real.get(os.path.realpath(sysp.exe))
    if sysrow is None or sysp.exe not in sysrow["names"]:
        d.append("%s: no row names it" % sysp.exe)
    g.check("pythons: symlinks in a PATH folder are names of the interpreter they lead to, one row per file", d)

    if not pyenvs:
        g.skip("pythons: pyenv Pythons listed with source pyenv and their envs",
               "no pyenv Python with venv here ($PYENV_ROOT or ~/.pyenv/versions/*)")
    else:
        d = []
        for py in pyenvs:
            r = by_real.get(os.path.realpath(py.exe))
            if r is None or r.get("source") != "pyenv":
                d.append("%s: %s" % (py.exe, "not listed" if r is None else "source %r" % r.get("source")))
        g.check("pythons: every pyenv Python listed once, source pyenv (the wider case)", d)

    p = ctx.runner.run(["pythons", root], env=run_env(pathbin))
    out = p.out.decode("utf-8", "replace")
    lines = out.splitlines()
    unused = sum(1 for r in rows if not r["envs"])
    used = sum(len(r["envs"]) for r in rows)
    d = [] if p.rc == 0 else ["exit %s: %s" % (p.rc, p.describe())]
    body = [l for l in lines[1:] if l.strip() and not re.match(r"^\d+ interpreters?;", l)]
    if len(body) != len(rows):
        d.append("%d rows, expected %d:\n%s" % (len(body), len(rows), out))
    for l, r in zip(body, rows):
        n = len(r["envs"])
        want = "unused" if n == 0 else "%d env%s" % (n, "" if n == 1 else "s")
        if not l.startswith(want) or r["path"] not in l:
            d.append("row %r: expected %r and %s" % (l, want, r["path"]))
    summary = "%d interpreter%s; %d unused (no env found uses it); %d env%s on them; 1 env whose base " \
              "interpreter is gone." % (len(rows), "" if len(rows) == 1 else "s", unused, used, "" if used == 1 else "s")
    if summary not in out:
        d.append("no summary %r in:\n%s" % (summary, out))
    g.check("pythons: one text row per interpreter ('N envs' or 'unused' first) and the counts", d)
    return g


def select_row(t, want_path):
    """Moves the list's cursor to the row whose PATH cell is want_path."""
    scr = t.screen(styled=True)
    rows = scr.rows()
    idx = [i for i, r in enumerate(rows) if r.get("PATH") == want_path]
    if not idx:
        raise LookupError("no row for %s:\n%s" % (want_path, scr))
    sel = scr.selected() or 0
    t.keys(*(["j"] * (idx[0] - sel) if idx[0] >= sel else ["k"] * (sel - idx[0])))
    t.wait_for(lambda s: s.selected() == idx[0], styled=True, what="the cursor on %s" % want_path)


def cursor_line(scr):
    return next((scr.line(y) for y in range(3, scr.height - 1) if scr.line(y).startswith(">")), None)


def t_browser(ctx):
    def run(st):
        root, envs, pathbin, sysp, pyenvs = build(ctx, "browser")
        env = run_env(pathbin)
        rows = ctx.runner.run(["pythons", "--json", root], env=env).json()
        with Tty(ctx.runner, [root], width=220, height=40, env=env, tag="pythons") as t:
            start(t)
            st.at("P: the Pythons view")
            t.keys("P")
            # The interpreters are looked for on a thread: "looking for..." first.
            scr = t.wait_for(lambda s: re.search(r"Pythons: \d", s.line(1)) and s,
                             what="the Pythons view with its interpreters")
            used = sum(len(r["envs"]) for r in rows)
            unused = sum(1 for r in rows if not r["envs"])
            title = "Pythons: %d %s · %d %s on them · %d unused" % (
                len(rows), "interpreter" if len(rows) == 1 else "interpreters", used,
                "env" if used == 1 else "envs", unused)
            d = [] if scr.line(1).strip().startswith(title) else ["title %r, expected %r" % (scr.line(1), title)]
            for i, r in enumerate(rows):
                line = scr.line(3 + i)
                n = len(r["envs"])
                want = "unused" if n == 0 else "%d env%s" % (n, "" if n == 1 else "s")
                if not line[2:].startswith(want) or r["path"] not in line:
                    d.append("row %d %r: expected %r and %s" % (i, line, want, r["path"]))
            if not (cursor_line(scr) or "").count(rows[0]["path"]):
                d.append("the cursor is not on the first row")
            st.check("P: the title's counts and one row per interpreter as pythons --json, in its order", d)

            st.at("Enter: the list filtered to the first interpreter's envs")
            t.keys("Enter")
            want = sorted(rows[0]["envs"])
            scr = t.wait_for(lambda s: "python:%s" % rows[0]["real_path"] in s.line(0)
                             and sorted(r["PATH"] for r in s.rows()) == want and s,
                             what="the list with the envs of %s" % rows[0]["path"])
            st.check("Enter: the list shows exactly its envs, filter python:REALPATH in the header", [])

            st.at("Esc, then p on an env: its interpreter in the Pythons view")
            t.keys("Escape")
            t.wait_for(lambda s: len(s.rows()) == len(envs), what="every env again")
            label = next((k for k in envs if k.startswith("pyenv-")), "sys")
            target = os.path.realpath(os.path.join(envs[label], "bin", "python"))
            select_row(t, envs[label])
            t.keys("p")
            scr = t.wait_for(lambda s: re.search(r"Pythons: \d", s.line(1)) and cursor_line(s) and s,
                             what="the Pythons view from p, its cursor placed")
            row = next(r for r in rows if os.path.realpath(r["path"]) == target)
            line = cursor_line(scr) or ""
            st.check("p on %s: the cursor on its interpreter %s" % (label, row["path"]),
                     [] if row["path"] in line else ["cursor line %r" % line])
            t.keys("Enter")
            t.wait_for(lambda s: envs[label] in [r["PATH"] for r in s.rows()]
                       and len(s.rows()) == len(row["envs"]), what="back to its envs")
            t.keys("Escape")
            t.wait_for(lambda s: len(s.rows()) == len(envs), what="every env again")
            select_row(t, envs["gone"])
            t.keys("p")
            scr = t.wait_for(lambda s: "is gone" in s.last and s, what="p on the env whose base is gone")
            st.check("p on an env whose base is gone: the list stays and says so",
                     [] if "Pythons:" not in scr.line(1) else ["the Pythons view opened"])
    return session("pythons browser: P, Enter to the envs, p from an env", run)


def t_columns(ctx):
    def run(st):
        root, envs, pathbin, sysp, pyenvs = build(ctx, "columns")
        with Tty(ctx.runner, [root], width=120, height=20, env=run_env(pathbin), tag="pycols") as t:
            start(t)
            for w in (120, 80, 60):
                st.at("%d columns" % w)
                t.resize(w, 20)
                # tmux cuts the old screen's lines at once; the redraw comes after:
                # wait for the redrawn titles (a PATH title), the check follows.
                scr = t.wait_for(lambda s: len(s.rows()) == len(envs) and s.width == w and "PATH" in s.titles()
                                 and s, what="%d rows and a PATH column at %d columns" % (len(envs), w))
                ti = scr.titles()
                deco = [x for x in ("GIT", "FLAGS", "KIND", "PYTHON", "PKGS", "LINK", "AGE")
                        if re.search(r"(?<!\S)%s" % x, scr.line(1))]
                d = ["no %s title: %r" % (x, scr.line(1)) for x in ("NAME", "SIZE") if x not in ti]
                if "PATH" not in ti and deco:
                    d.append("the path is dropped while %s stay: %r" % (deco, scr.line(1)))
                for r in scr.rows() if "PATH" in ti else []:
                    full = next((p for p in envs.values() if r["PATH"] == p or
                                 (len(r["PATH"].split("…")) == 2 and p.startswith(r["PATH"].split("…")[0])
                                  and p.endswith(r["PATH"].split("…")[1]))), None)
                    if full is None:
                        d.append("path cell %r is no env's path" % r["PATH"])
                if w >= 80 and "KIND" not in ti:
                    d.append("no KIND at %d columns: %r" % (w, scr.line(1)))
                for r in scr.rows() if "KIND" in ti else []:
                    if r["KIND"] != "venv":
                        d.append("%s: KIND %r, expected venv" % (r["NAME"], r["KIND"]))
                st.check("%d columns: NAME, SIZE and a (short) path stay while decorative columns remain; "
                         "KIND says venv" % w, d)
    return session("pythons browser: the list's columns at 120, 80 and 60", run)


def needs_system(name, fn):
    """Runs fn(ctx), or skips with the reason on a machine without a
    /usr/bin/python3.N that has venv (the tree needs one)."""
    def run(ctx):
        if system_python(ctx) is None:
            g = Group()
            g.skip(name, "no /usr/bin/python3.N with venv on this machine")
            return g
        return fn(ctx)
    return run


def tests(ctx):
    return [("pythons cli", lambda: t_cli(ctx)),
            ("pythons browser", lambda: needs_system("pythons browser", t_browser)(ctx)),
            ("pythons browser columns", lambda: needs_system("pythons browser columns", t_columns)(ctx))]
