"""Honest space (issue 14, first part): each env's freeable_bytes (what
deleting it frees) and shared_bytes (blocks also linked from outside it),
in `list --json`, `show --json`, `show` and the FLAGS column, on real trees
made here:

- a real venv (python -m venv --without-pip) on its own: all freeable;
- it and its `cp -al` twin: every file is shared with the other;
- a 1 GiB sparse file (truncate): only its real blocks count;
- an env with half its files hard-linked into a fake uv cache outside the
  scanned root: those are shared, and it is flagged `shared`;
- a symlink to a big file outside: only the symlink counts.

The truth is computed independently (truth.space_of: os.lstat of every path,
grouped by (st_dev, st_ino), links inside against st_nlink, st_blocks * 512,
directories always), and freeable + shared must be du's disk_bytes."""

import os
import subprocess
import sys

from browser_kit import human_size
from harness import Group, by_path, fresh_dir
from tests_delete import ns_script, sandbox
from truth import du_bytes, sharing_of, space_of

BIG = 8 << 20  # the outside file behind the symlink, and the cache files' scale


def workdir(ctx, name):
    return fresh_dir(ctx.base, "space", name)


def make_venv(ctx, path):
    subprocess.run([ctx.fx.fast.exe, "-m", "venv", "--without-pip", path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def write(path, n):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(os.urandom(n))


def build(ctx, name):
    """The trees; returns (root, {name: path}, cache folder)."""
    base = workdir(ctx, name)
    root = os.path.join(base, "root")
    cache = os.path.join(base, "uv-cache")  # outside the scanned root
    os.makedirs(root)
    envs = {n: os.path.join(root, n) for n in ("alone", "orig", "sparse", "cached", "symlinked")}
    for n in ("alone", "orig", "sparse", "cached", "symlinked"):
        make_venv(ctx, envs[n])
    lib = os.path.join(envs["orig"], "lib")
    site = os.path.join(lib, sorted(os.listdir(lib))[0], "site-packages")
    rel_site = os.path.relpath(site, envs["orig"])
    for n in ("orig", "alone", "cached"):
        for i in range(8):
            write(os.path.join(envs[n], rel_site, "pkg", "m%d.bin" % i), 40000 + 5000 * i)
    envs["twin"] = os.path.join(root, "twin")
    subprocess.run(["cp", "-al", envs["orig"], envs["twin"]], check=True)
    subprocess.run(["truncate", "-s", "1G", os.path.join(envs["sparse"], "big.sparse")], check=True)
    with open(os.path.join(envs["sparse"], "big.sparse"), "r+b") as f:
        f.seek(512 << 20)
        f.write(b"x" * 10000)
    # half the package files of `cached` are links of files in the cache
    os.makedirs(os.path.join(cache, "archive"))
    for i in range(0, 8, 2):
        p = os.path.join(envs["cached"], rel_site, "pkg", "m%d.bin" % i)
        os.link(p, os.path.join(cache, "archive", "m%d.bin" % i))
    write(os.path.join(cache, "archive", "big.bin"), 4 * BIG)
    os.link(os.path.join(cache, "archive", "big.bin"), os.path.join(envs["cached"], rel_site, "big.bin"))
    outside = os.path.join(base, "outside.bin")
    write(outside, BIG)
    os.symlink(outside, os.path.join(envs["symlinked"], "big-link"))
    return root, envs, cache


def t_sizes(ctx):
    g = Group()
    root, envs, cache = build(ctx, "sizes")
    want = {}
    for n, p in envs.items():
        disk, free = space_of(p)
        want[n] = {"disk_bytes": du_bytes(p, "--block-size=1"), "freeable_bytes": free,
                   "shared_bytes": disk - free, "shared": (disk - free) * 2 > disk}
        if disk != want[n]["disk_bytes"]:
            g.fail("space: the truth itself", "%s: lstat sum %d != du %d" % (n, disk, want[n]["disk_bytes"]))
            return g
    # What the cases are about, so the truth cannot be trivial.
    sane = []
    if want["alone"]["shared_bytes"] != 0:
        sane.append("alone: shared %d" % want["alone"]["shared_bytes"])
    if not (want["orig"]["shared"] and want["twin"]["shared"]):
        sane.append("cp -al twins not mostly shared")
    if not (want["cached"]["shared"] and want["cached"]["shared_bytes"] >= 4 * BIG):
        sane.append("cached env: %r" % want["cached"])
    if want["sparse"]["freeable_bytes"] >= 64 << 20:
        sane.append("sparse: %r" % want["sparse"])
    if want["symlinked"]["freeable_bytes"] >= BIG or want["symlinked"]["shared"]:
        sane.append("symlinked: %r" % want["symlinked"])
    if sane:
        g.fail("space: the trees are what the cases need", sane)
        return g

    p = ctx.runner.run(["list", "--json", root])
    try:
        rows = p.json()
        rows = rows["envs"] if isinstance(rows, dict) else rows
    except ValueError as e:
        g.fail("space: list --json", str(e))
        return g
    idx, _ = by_path(rows)
    d = []
    for n, w in want.items():
        r = idx.get(envs[n])
        if r is None:
            d.append("%s: not listed" % n)
            continue
        for k, v in w.items():
            if r.get(k) != v:
                d.append("%s: %s %r, truth %r" % (n, k, r.get(k), v))
    g.check("list --json: freeable_bytes, shared_bytes, shared of a venv, cp -al twins, a sparse file, "
            "a uv-cache-linked env, a symlink outside == lstat truth", d)
    share = sharing_of(list(envs.values()))
    d = []
    if share[envs["orig"]] != [envs["twin"]] or share[envs["cached"]]:
        d.append("the truth itself: %r" % share)
    for n, p in envs.items():
        got = idx.get(p, {}).get("shared_with")
        if got != share[p] or idx.get(p, {}).get("shared_with_count") != len(share[p]):
            d.append("%s: shared_with %r (%r), truth %r" % (n, got, idx.get(p, {}).get("shared_with_count"),
                                                         share[p]))
    g.check("list --json: shared_with names the scanned envs holding the same files (the twins each "
            "other; the uv-cache env none, its cache is not an env)", d)

    d = []
    for n in ("alone", "cached", "twin"):
        p = ctx.runner.run(["show", "--json", envs[n]])
        try:
            r = p.json()
        except ValueError as e:
            d.append("%s: %s" % (n, e))
            continue
        r = r[0] if isinstance(r, list) else r
        for k, v in want[n].items():
            if r.get(k) != v:
                d.append("show --json %s: %s %r, truth %r" % (n, k, r.get(k), v))
        p = ctx.runner.run(["show", envs[n]])
        text = p.out.decode("utf-8", "replace")
        line = [x for x in text.splitlines() if x.strip().startswith("space")]
        exp = "%s freeable, %s shared" % (human_size(want[n]["freeable_bytes"]),
                                          human_size(want[n]["shared_bytes"]))
        if not line or exp not in line[0]:
            d.append("show %s: space line %r, expected it to say %r" % (n, line, exp))
    g.check("show --json and show: the four sizes of an env", d)

    p = ctx.runner.run(["list", root])
    lines = p.out.decode("utf-8", "replace").splitlines()
    d = []
    if not lines or "FLAGS" not in lines[0] or "PATH" not in lines[0]:
        d.append("no FLAGS / PATH titles: %r" % lines[:1])
    else:
        a, b = lines[0].index("FLAGS"), lines[0].index("PATH")
        for n, w in want.items():
            row = [x for x in lines[1:] if x.rstrip().endswith("/" + n)]
            if not row:
                d.append("%s: no row" % n)
                continue
            has = "shared" in row[0][a:b].strip().split(",")
            if has != w["shared"]:
                d.append("%s: FLAGS %r, shared should be %s" % (n, row[0][a:b].strip(), w["shared"]))
    g.check("list (table): FLAGS says shared for the mostly shared envs only", d)
    return g


def t_delete_figures(ctx):
    """delete --dry-run (text and --json) and --trash --dry-run give the
    set figure: two cp -al twins together free everything, either alone
    little; an env linked into a uv cache frees only its own files."""
    g = Group()
    root, envs, cache = build(ctx, "figures")
    home, xdg = sandbox(workdir(ctx, "figures-home"))
    d = []
    for names in (["orig", "twin"], ["orig"], ["cached"], ["cached", "alone", "sparse", "symlinked"]):
        paths = [envs[n] for n in names]
        total = space_of(*paths)[1]
        alone = {e: space_of(e)[1] for e in paths}
        p = ctx.runner.run(["delete", "--dry-run"] + paths, home=home, env=xdg)
        lines = p.out.decode("utf-8", "replace").splitlines()
        want = "would free %s in %d environment%s" % (human_size(total), len(paths), "" if len(paths) == 1 else "s")
        if p.rc != 0 or not lines or lines[-1] != want:
            d.append("dry-run %s: last line %r, expected %r (rc %s)" % (names, lines[-1:], want, p.rc))
        for e in paths:
            w = "%s freeable alone)" % human_size(alone[e])
            if not any(l.startswith("would delete %s (" % e) and l.endswith(w) for l in lines):
                d.append("dry-run %s: no line for %s ending %r: %r" % (names, e, w, lines))
        p = ctx.runner.run(["delete", "--dry-run", "--json"] + paths, home=home, env=xdg)
        try:
            j = p.json()
            got = (j["freeable_bytes"], {r["path"]: r["freeable_bytes"] for r in j["environments"]})
        except (ValueError, KeyError, TypeError) as e:
            d.append("dry-run --json %s: %s" % (names, e))
            continue
        if got != (total, alone):
            d.append("dry-run --json %s: %r, truth %r" % (names, got, (total, alone)))
        p = ctx.runner.run(["delete", "--dry-run", "--trash"] + paths, home=home, env=xdg)
        last = p.out.decode("utf-8", "replace").splitlines()[-1:]
        want = ("would move %s in %d environment%s to the trash (frees nothing until the trash is emptied)"
                % (human_size(total), len(paths), "" if len(paths) == 1 else "s"))
        if last != [want]:
            d.append("dry-run --trash %s: %r, expected %r" % (names, last, want))
    twins = space_of(envs["orig"], envs["twin"])
    if twins[1] != twins[0] or space_of(envs["orig"])[1] * 4 > twins[0]:
        d.append("the twins are not what the case needs: %r, orig alone %d" % (twins, space_of(envs["orig"])[1]))
    g.check("delete --dry-run (text, --json, --trash): the set figure and each env's own freeable == lstat truth", d)
    for e in envs.values():
        if not os.path.isdir(e):
            g.fail("delete --dry-run removed nothing", "%s is gone" % e)
    return g


STATVFS = "import os,sys; s=os.statvfs(sys.argv[1]); print(s.f_bfree * s.f_frsize)"


def t_delete_freed(ctx):
    """A real delete of two cp -al twins (and, alone, of the uv-cache-linked
    env) on a private tmpfs mounted inside the guard's mount namespace: the
    "freed" figure is the set's truth and the tmpfs's free blocks (statvfs
    f_bfree * f_frsize) grow by exactly that. Tolerance: none on tmpfs,
    whose directories, inodes and symlinks hold no blocks (st_blocks 0),
    so the only pages that come back are the files' — the same ones lstat
    counts. (On ext4 a delete also frees journal/metadata blocks that are
    in no st_blocks, so a disk test would need a tolerance of a few
    blocks per directory; a shared disk also moves with other writers,
    hence the tmpfs.)"""
    g = Group()
    root, envs, cache = build(ctx, "freed")
    base = workdir(ctx, "freed-run")
    home, xdg = sandbox(base)
    for case, names in (("twins", ["orig", "twin"]), ("cached", ["cached"])):
        name = "delete --yes %s on a tmpfs: 'freed' == lstat truth == statvfs delta" % " ".join(names)
        t = os.path.join(base, "mnt-" + case)
        out = os.path.join(base, "df-" + case)
        os.makedirs(t, exist_ok=True)
        body = ('mount -t tmpfs -o size=256m none "$VS_T" || exit 95; '
                'cp -a "$VS_SRC"/root "$VS_SRC"/uv-cache "$VS_T"/ || exit 94; '
                '"$VS_PY" "$VS_SCRIPT" "$VS_T" > "$VS_OUT.before"; "$VS_PY" "$VS_TRUTH" > "$VS_OUT.truth"; '
                '"$@"; rc=$?; "$VS_PY" "$VS_SCRIPT" "$VS_T" > "$VS_OUT.after"; exit $rc')
        wrap = ns_script(ctx, body)
        if wrap is None:
            g.skip(name, "no mount namespace guard (needs root and unshare)")
            return g
        script = os.path.join(base, "statvfs.py")
        with open(script, "w") as f:
            f.write(STATVFS + "\n")
        truth_py = os.path.join(base, "truth-%s.py" % case)
        with open(truth_py, "w") as f:
            f.write("import sys; sys.path.insert(0, %r)\nfrom truth import space_of\n"
                    "print(space_of(*%r)[1])\n" % (os.path.dirname(os.path.abspath(__file__)),
                                                     [os.path.join(t, "root", n) for n in names]))
        env = dict(xdg, VS_T=t, VS_SRC=os.path.dirname(root), VS_OUT=out, VS_PY=sys.executable,
                   VS_SCRIPT=script, VS_TRUTH=truth_py)
        p = ctx.runner.run(["delete", "--yes"] + [os.path.join(t, "root", n) for n in names], home=home, env=env,
                           wrap=wrap, timeout=120)
        d = []
        try:
            before = int(open(out + ".before").read())
            after = int(open(out + ".after").read())
            truth = int(open(out + ".truth").read())
        except (OSError, ValueError) as e:
            g.fail(name, ["no statvfs/truth figures (%s); %s" % (e, p.describe()[:400])])
            continue
        lines = p.out.decode("utf-8", "replace").splitlines()
        want = "freed %s" % human_size(truth)
        if p.rc != 0 or lines[-1:] != [want]:
            d.append("rc %s, last line %r, expected %r" % (p.rc, lines[-1:], want))
        if after - before != truth:
            d.append("statvfs free grew by %d bytes, the truth is %d" % (after - before, truth))
        if case == "twins" and truth < 8 * 40000:
            d.append("the twins freed only %d bytes: the case is not what it needs" % truth)
        g.check(name, d)
    return g


def tests(ctx):
    return [("space sizes", lambda: t_sizes(ctx)),
            ("space delete figures", lambda: t_delete_figures(ctx)),
            ("space delete freed", lambda: t_delete_freed(ctx))]
