"""Duplicates across envs (issue 14): `venvscope dupes [--json]` and the
browser's D view, on a tree of real envs that install the same local wheels
with real pip (the machine's own pip wheel, run from the wheel file):

- p1 and p2: plain copies of pip, dupa 1.0 and dupb 2.0 (p2 also compiled,
  so its copies hold .pyc files the others lack: copies differ in size);
- twin: `cp -al p1` (every file a hard link of p1's);
- half: dupa 1.0 and dupb 2.0, then half of dupa's files hard-linked one by
  one to p2's, and dupb's `sub` folder moved out of the tree and symlinked
  back (those files are never counted: no symlink is followed);
- other: dupa 1.1 (alone: never grouped) and dupb 2.0 with one file removed
  (a missing file is skipped, not an error);
- lone: an env with nothing installed.

The truth is recomputed here: each dist's RECORD read with the csv module,
each path made relative to its site folder (left out when it leaves it or
goes through a symlink), os.lstat'd, grouped by (st_dev, st_ino); a copy's
bytes are its distinct inodes, total the sum over copies, unique the
distinct inodes of the group, shared = total - unique, duplicated = unique -
the largest copy; st_blocks * 512 for the disk figures (the order), st_size
for the apparent ones. JSON and text must equal it exactly."""

import csv
import glob
import io
import os
import re
import shutil
import stat
import subprocess
import zipfile

from browser_kit import human_size, session, start
from harness import Group, fresh_dir
from tty import Tty


def write_wheel(folder, name, version, files, scripts=()):
    """A pure wheel with `files` {path: bytes} and scripts in .data/scripts."""
    info = "%s-%s.dist-info" % (name, version)
    data = dict(files)
    for s in scripts:
        data["%s-%s.data/scripts/%s" % (name, version, s)] = b"#!python\nprint('hi')\n"
    data[info + "/METADATA"] = ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n\n" % (name, version)).encode()
    data[info + "/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: venvscope-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    rec = io.StringIO()
    w = csv.writer(rec, lineterminator="\n")
    for p, b in data.items():
        w.writerow([p, "", len(b)])
    w.writerow([info + "/RECORD", "", ""])
    data[info + "/RECORD"] = rec.getvalue().encode()
    path = os.path.join(folder, "%s-%s-py3-none-any.whl" % (name, version))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for p, b in data.items():
            z.writestr(p, b)
    return path


def blob(n, seed):
    """n bytes that differ from one file to the next (no sparse, no zeros)."""
    return bytes((i * 7 + seed) % 251 for i in range(n))


def pip_wheel(exe):
    """The pip wheel `exe` would bundle: its ensurepip/_bundled one, else
    Debian's /usr/share/python-wheels (what python3-venv uses)."""
    p = subprocess.run([exe, "-c", "import ensurepip, os; print(os.path.dirname(ensurepip.__file__))"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    dirs = [os.path.join(p.stdout.decode().strip(), "_bundled")] if p.returncode == 0 else []
    dirs.append("/usr/share/python-wheels")
    for d in dirs:
        ws = sorted(glob.glob(os.path.join(d, "pip-*.whl")))
        if ws:
            return ws[-1]
    return None


def build(ctx, name):
    """The tree; returns (root, {env name: path}) or a reason to skip."""
    base = fresh_dir(ctx.base, "dupes", name)
    exe = ctx.fx.fast.exe
    pipw = pip_wheel(exe)
    if not pipw:
        return None, "no pip wheel for %s (ensurepip/_bundled, /usr/share/python-wheels)" % exe
    wheels = os.path.join(base, "wheels")
    os.makedirs(wheels)
    a10 = write_wheel(wheels, "dupa", "1.0", {"dupa/__init__.py": b"V = '1.0'\n", "dupa/big.bin": blob(300000, 1),
                                              "dupa/mid.bin": blob(40000, 2), "dupa/sub/deep.bin": blob(70000, 3),
                                              "dupa/tiny.txt": b"x"}, scripts=("dupa-run",))
    a11 = write_wheel(wheels, "dupa", "1.1", {"dupa/__init__.py": b"V = '1.1'\n", "dupa/big.bin": blob(310000, 4)})
    b20 = write_wheel(wheels, "Dup_B", "2.0", {"dupb/__init__.py": b"", "dupb/data.bin": blob(120000, 5),
                                               "dupb/sub/x.bin": blob(30000, 6), "dupb/sub/y.bin": blob(9000, 7)})
    root = os.path.join(base, "root")
    envs = {n: os.path.join(root, n) for n in ("p1", "p2", "half", "other", "lone")}

    def install(env, *whls, compile_=False):
        subprocess.run([exe, "-m", "venv", "--without-pip", env], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if whls:
            args = [os.path.join(env, "bin", "python"), os.path.join(pipw, "pip"), "install", "-q",
                    "--no-index", "--no-deps", "--disable-pip-version-check", "--no-input"]
            if not compile_:
                args.append("--no-compile")
            subprocess.run(args + list(whls), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env={k: v for k, v in os.environ.items() if not k.startswith("PIP_")})
    install(envs["p1"], pipw, a10, b20)
    install(envs["p2"], pipw, a10, b20, compile_=True)
    install(envs["half"], a10, b20)
    install(envs["other"], a11, b20)
    install(envs["lone"])
    envs["twin"] = os.path.join(root, "twin")
    subprocess.run(["cp", "-al", envs["p1"], envs["twin"]], check=True)
    sp = {n: glob.glob(os.path.join(p, "lib", "python*", "site-packages"))[0] for n, p in envs.items()}
    for f in ("dupa/big.bin", "dupa/sub/deep.bin"):  # half of dupa's bytes, linked to p2's
        os.unlink(os.path.join(sp["half"], f))
        os.link(os.path.join(sp["p2"], f), os.path.join(sp["half"], f))
    away = os.path.join(base, "away-sub")  # outside the scanned root
    shutil.move(os.path.join(sp["half"], "dupb", "sub"), away)
    os.symlink(away, os.path.join(sp["half"], "dupb", "sub"))
    os.unlink(os.path.join(sp["other"], "dupb", "data.bin"))
    return root, envs


# ------------------------------------------------------------ the truth

def resolve(site, path):
    """('ok', lstat) / ('missing', None) / ('outside', None) / ('other', None)
    for a RECORD path, never following a symlink."""
    if os.path.isabs(path):
        return "outside", None
    norm = os.path.normpath(path)
    if norm == "." or norm == ".." or norm.startswith("../"):
        return "outside", None
    parts = norm.split("/")
    cur = site
    for p in parts[:-1]:
        cur = os.path.join(cur, p)
        try:
            st = os.lstat(cur)
        except FileNotFoundError:
            return "missing", None
        if not stat.S_ISDIR(st.st_mode):
            return "outside", None  # a symlink (or a file) on the way
    try:
        st = os.lstat(os.path.join(cur, parts[-1]))
    except FileNotFoundError:
        return "missing", None
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        return "other", None
    return "ok", st


def figures(copies, key):
    """The four figures over copies (lists of lstat results); key picks the bytes."""
    per, seen_all, total = 0, {}, 0
    for files in copies:
        mine = {(s.st_dev, s.st_ino): key(s) for s in files}
        b = sum(mine.values())
        total += b
        per = max(per, b)
        seen_all.update(mine)
    unique = sum(seen_all.values())
    return {"bytes_per_copy": per, "total_bytes": total, "shared_bytes": total - unique,
            "duplicated_bytes": unique - per}


def truth(env_paths):
    found = {}  # (canonical, version) -> list of (env, name, version, files, missing, outside)
    for env in sorted(env_paths):
        for site in sorted(glob.glob(os.path.join(env, "lib", "python*", "site-packages"))):
            for d in sorted(os.listdir(site)):
                full = os.path.join(site, d)
                if not d.endswith(".dist-info") or os.path.islink(full):
                    continue
                meta = open(os.path.join(full, "METADATA"), encoding="utf-8").read()
                name = re.search(r"^Name: (.*)$", meta, re.M).group(1).strip()
                version = re.search(r"^Version: (.*)$", meta, re.M).group(1).strip()
                if not re.match(r"^\d+(\.\d+)*$", version):
                    raise AssertionError("the test's versions are plain releases (%s %s)" % (name, version))
                files, missing, outside = [], 0, 0
                with open(os.path.join(full, "RECORD"), newline="", encoding="utf-8") as f:
                    for row in csv.reader(f):
                        if not row or not row[0]:
                            continue
                        what, st = resolve(site, row[0])
                        if what == "ok":
                            files.append(st)
                        missing += what == "missing"
                        outside += what == "outside"
                canon = re.sub(r"[-_.]+", "-", name).lower()
                found.setdefault((canon, version), []).append((env, name, version, files, missing, outside))
    groups = []
    for (canon, version), cs in found.items():
        envs = sorted(set(c[0] for c in cs))
        if len(envs) < 2:
            continue
        copies = [c[3] for c in cs]
        g = {"name": cs[0][1], "canonical": canon, "version": cs[0][2], "envs": envs, "copies": len(cs)}
        g.update(figures(copies, lambda s: s.st_blocks * 512))
        g["apparent"] = figures(copies, lambda s: s.st_size)
        g["files"] = sum(len(c[3]) for c in cs)
        g["missing_files"] = sum(c[4] for c in cs)
        g["outside_files"] = sum(c[5] for c in cs)
        groups.append(g)
    groups.sort(key=lambda g: (-g["duplicated_bytes"], g["canonical"], g["version"]))
    return groups


def size_word(n):
    return "0" if n == 0 else human_size(n)


def line_of(g):
    """A group as `dupes` and the browser write it."""
    copies = " (%d copies)" % g["copies"] if g["copies"] != len(g["envs"]) else ""
    return "%s %s — %d envs%s, %s duplicated, %s shared (%s a copy)" % (
        g["name"], g["version"], len(g["envs"]), copies, size_word(g["duplicated_bytes"]),
        size_word(g["shared_bytes"]), size_word(g["bytes_per_copy"]))


def sane(want):
    """What the cases are about, so the truth cannot be trivial."""
    by = {g["canonical"]: g for g in want}
    d = []
    if sorted(by) != ["dup-b", "dupa", "pip"]:
        d.append("groups %s, expected dup-b, dupa, pip" % sorted(by))
        return d
    if by["dupa"]["version"] != "1.0" or len(by["dupa"]["envs"]) != 4:
        d.append("dupa: %r" % by["dupa"])
    if not (by["pip"]["shared_bytes"] > 0 and by["pip"]["duplicated_bytes"] > 0 and by["pip"]["outside_files"] > 0):
        d.append("pip: twin links and scripts outside expected: %r" % by["pip"])
    if by["dupa"]["shared_bytes"] <= by["dupa"]["bytes_per_copy"]:
        d.append("dupa: the twin and half's links should share more than a copy: %r" % by["dupa"])
    if not (by["dup-b"]["missing_files"] == 1 and by["dup-b"]["outside_files"] == 2 and len(by["dup-b"]["envs"]) == 5):
        d.append("dup-b: one missing file, two behind a symlink, five envs: %r" % by["dup-b"])
    return d


# ------------------------------------------------------------ the tests

def t_cli(ctx):
    g = Group()
    root, envs = build(ctx, "cli")
    if root is None:
        g.skip("dupes: json and text", envs)
        return g
    want = truth(envs.values())
    g.check("dupes: the tree is what the cases need", sane(want))
    p = ctx.runner.run(["dupes", "--json", root])
    try:
        got = p.json()
    except ValueError as e:
        g.fail("dupes --json equals the recomputation", [str(e)])
        return g
    d = [] if p.rc == 0 else ["exit %s: %s" % (p.rc, p.describe())]
    if got != want:
        d.append("got:\n    %s\n  expected:\n    %s" % ("\n    ".join(map(repr, got)), "\n    ".join(map(repr, want))))
    g.check("dupes --json: every group, figure and env equals the lstat recomputation, in order", d)
    p = ctx.runner.run(["dupes", root])
    text = "".join("%s\n%s" % (line_of(w), "".join("  %s\n" % e for e in w["envs"])) for w in want)
    out = p.out.decode("utf-8", "replace")
    d = [] if p.rc == 0 else ["exit %s: %s" % (p.rc, p.describe())]
    if out != text:
        d.append("stdout:\n%s\nexpected:\n%s" % (out, text))
    g.check("dupes: the text lines ('NAME VERSION — N envs, X duplicated, Y shared (Z a copy)') and envs", d)
    # nothing is grouped for a root with one env
    p = ctx.runner.run(["dupes", "--json", envs["lone"]])
    g.check("dupes --json of one env: []", [] if p.rc == 0 and p.out.strip() == b"[]" else [p.describe(), p.out[:200]])
    return g


def t_browser(ctx):
    def run(st):
        root, envs = build(ctx, "browser")
        if root is None:
            raise LookupError(envs)
        want = truth(envs.values())
        st.check("the tree is what the cases need", sane(want))
        top = want[0]
        with Tty(ctx.runner, [root], width=200, height=30, tag="dupes") as t:
            start(t)
            st.at("D: the view with the top group")
            t.keys("D")
            dup = sum(w["duplicated_bytes"] for w in want)
            shared = sum(w["shared_bytes"] for w in want)
            title = "Duplicates: %d distributions in more than one of %d envs · %s duplicated · %s shared" % (
                len(want), len(envs), human_size(dup), human_size(shared))
            scr = t.wait_for(lambda s: "Duplicates:" in s.line(1) and "counting" not in s.line(1) and s,
                             what="the duplicates view, counted")
            d = [] if scr.line(1).strip().startswith(title) else ["title %r, expected %r" % (scr.line(1), title)]
            rows = [scr.line(2 + i).strip() for i in range(len(want))]
            exp = ["▸ " + line_of(w) for w in want]
            if rows != exp:
                d.append("rows:\n    %s\n  expected:\n    %s" % ("\n    ".join(rows), "\n    ".join(exp)))
            st.check("D: the title's totals and one line per group, largest duplication first, as the CLI", d)
            st.at("Enter: the envs of the top group")
            t.keys("Enter")
            scr = t.wait_for(lambda s: s.line(2).strip().startswith("▾") and s, what="the top group opened")
            got = [scr.line(3 + i).strip() for i in range(len(top["envs"]))]
            nxt = scr.line(3 + len(top["envs"])).strip()
            d = [] if got == top["envs"] else ["envs %s, expected %s" % (got, top["envs"])]
            if len(want) > 1 and nxt != "▸ " + line_of(want[1]):
                d.append("after the envs: %r, expected the next group" % nxt)
            st.check("Enter: the envs under the top group, then the next group", d)
            st.at("?: the help at the duplicates' keys, Esc back to them")
            t.keys("?")
            t.wait_for(r"^ In the duplicates \(D\)", what="the help from the duplicates, at their section")
            t.keys("Escape")
            t.wait_for(lambda s: s.line(2).strip().startswith("▾"), what="the duplicates again, as they were")
            st.check("?: the help opens at the duplicates' keys; Esc comes back to the view as it was", [])
            t.keys("Escape")
            t.wait_for(lambda s: "Duplicates:" not in s.line(1), what="Esc back to the list")
    return session("dupes browser: D, the top group, Enter", run)


def tests(ctx):
    return [("dupes cli", lambda: t_cli(ctx)),
            ("dupes browser", lambda: t_browser(ctx))]
