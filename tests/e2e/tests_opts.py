"""Options of `list`: --depth, --exclude, --sort/--reverse, --stale-days,
-x; and discovery of the central places with no ROOT."""

import os
import subprocess
import re

from harness import Group, diff_obj, set_diff, by_path
from tests_main import compare_rows, run_json
from fixtures_more import SORT_SPEC


def t_depth(ctx):
    g = Group()
    info = ctx.fx.extra.get("depth")
    if not info:
        g.skip("--depth", "fixture missing")
        return g
    root, lv = info["root"], info["levels"]
    envs = {e.path: e for e in ctx.envs("depth")}
    cases = [(["--depth", "1"], root, [1]), (["--depth", "2"], root, [1, 2]),
             (["--depth", "3"], root, [1, 2, 3]), ([], root, [1, 2, 3, 4]),
             (["--depth", "0"], root, []), (["--depth", "0"], lv[1], [1]), ([], lv[1], [1]),
             (["--depth", "1"], os.path.join(root, "a"), [2])]
    for opts, r, want in cases:
        name = "list --json %s %s" % (" ".join(opts), ctx.label(r))
        rows = run_json(ctx, g, name, ["list", "--json"] + opts + [r])
        if rows is not None:
            compare_rows(ctx, g, name, rows, [envs[lv[n]] for n in want])
    return g


def t_two_roots(ctx):
    g = Group()
    d, x = ctx.fx.extra.get("depth"), ctx.fx.extra.get("excl")
    if not d or not x:
        g.skip("two ROOTs", "fixture missing")
        return g
    name = "list --json depth excl (two ROOTs)"
    rows = run_json(ctx, g, name, ["list", "--json", d["root"], x["root"]])
    if rows is not None:
        compare_rows(ctx, g, name, rows, ctx.envs("depth") + ctx.envs("excl"))
    return g


def t_exclude(ctx):
    g = Group()
    info = ctx.fx.extra.get("excl")
    if not info:
        g.skip("--exclude", "fixture missing")
        return g
    root, e = info["root"], info["envs"]
    envs = {x.path: x for x in ctx.envs("excl")}
    cases = [(["skip*"], ["keep", "ab", "keep2"]),
             (["skip*", "*/a/b"], ["keep", "keep2"]),
             (["keep2"], ["keep", "skipme", "skip-env", "ab"]),
             (["*/a"], ["keep", "skipme", "skip-env"]),
             (["nothing-matches"], ["keep", "skipme", "skip-env", "ab", "keep2"])]
    for globs, want in cases:
        opts = []
        for gl in globs:
            opts += ["--exclude", gl]
        name = "list --json %s excl" % " ".join("--exclude '%s'" % x for x in globs)
        rows = run_json(ctx, g, name, ["list", "--json"] + opts + [root])
        if rows is not None:
            g.check(name, set_diff(name, [e[k] for k in want], rows))
    return g


def vkey(v):
    return tuple(int(x) for x in re.findall(r"\d+", v or ""))


def monotonic(vals):
    """'asc', 'desc' or None (strictly)."""
    if all(a < b for a, b in zip(vals, vals[1:])):
        return "asc"
    if all(a > b for a, b in zip(vals, vals[1:])):
        return "desc"
    return None


def t_sort(ctx):
    g = Group()
    info = ctx.fx.extra.get("sort")
    if not info:
        g.skip("--sort", "fixture missing")
        return g
    root = info["root"]
    getters = {
        "name": lambda r: r.get("name"),
        "path": lambda r: r.get("path"),
        "size": lambda r: r.get("size_bytes"),
        "age": lambda r: -r.get("last_modified") if isinstance(r.get("last_modified"), int) else None,
        "python": lambda r: vkey(r.get("python_version")),
    }
    ctx.sort_directions = {}
    for key, get in getters.items():
        name = "list --json --sort %s [--reverse]" % key
        a = run_json(ctx, g, name, ["list", "--json", "--sort", key, root])
        b = run_json(ctx, g, name + " (reversed)", ["list", "--json", "--sort", key, "--reverse", root])
        if a is None or b is None:
            continue
        diffs = set_diff(name, [os.path.join(root, n) for n in SORT_SPEC], a)
        vals = [get(r) for r in a]
        d = None if None in vals else monotonic(vals)
        order = [r.get("name") for r in a]
        if d is None:
            diffs.append("--sort %s: order %s is not sorted by %s (values %s)" % (key, order, key, vals))
        elif key in ("name", "path") and d != "asc":
            diffs.append("--sort %s: expected ascending, got %s" % (key, order))
        rev = [r.get("name") for r in b]
        if rev != order[::-1]:
            diffs.append("--sort %s --reverse: expected %s, got %s" % (key, order[::-1], rev))
        # The values themselves must be right, or the order proves nothing.
        for r in a:
            spec = SORT_SPEC.get(r.get("name"))
            if spec and r.get("python_version") != spec[0]:
                diffs.append("%s: field 'python_version' expected %r, actual %r"
                             % (r.get("name"), spec[0], r.get("python_version")))
        ctx.sort_directions[key] = d
        g.check(name, diffs)
        if key == "name":
            compare_rows(ctx, g, "list --json --sort name sorttree (fields)", a, ctx.envs("sort"),
                         fields=["path", "name", "python_version", "size_bytes", "disk_bytes", "files",
                                 "last_modified", "package_count"])
    return g


def t_stale(ctx):
    g = Group()
    root = os.path.join(ctx.fx.tree, "stale")
    envs = ctx.envs("tree")
    envs = [e for e in envs if e.path.startswith(root + "/")]
    if not envs:
        g.skip("--stale-days", "fixture missing")
        return g
    for days, stale in (("99", True), ("101", False), ("3650", False)):
        name = "list --json --stale-days %s stale" % days
        rows = run_json(ctx, g, name, ["list", "--json", "--stale-days", days, root])
        if rows is not None:
            compare_rows(ctx, g, name, rows, envs, overrides={"stale": stale})
    # A fresh env is not stale with the default, and is with --stale-days 0
    # only when older than now: not checked (second granularity).
    return g


def t_one_fs(ctx):
    g = Group()
    root = os.path.join(ctx.fx.tree, "projects")
    name = "list --json -x tree/projects"
    rows = run_json(ctx, g, name, ["list", "--json", "-x", root])
    if rows is not None:
        envs = [e for e in ctx.envs("tree") if e.path.startswith(root + "/")]
        compare_rows(ctx, g, name, rows, envs)
    name = "list --json --one-file-system tree/projects"
    rows = run_json(ctx, g, name, ["list", "--json", "--one-file-system", root])
    if rows is not None:
        g.check(name, set_diff(name, [e.path for e in ctx.envs("tree") if e.path.startswith(root + "/")], rows))
    return g


MOUNT_SCRIPT = 'mount -t tmpfs e2e "$1" && cp -a "$2" "$1/.venv" && shift 2 && exec "$@"'


def t_xdev(ctx):
    """-x: an env on another filesystem (a tmpfs mounted inside the root, in
    a private mount namespace) is found without -x and skipped with it."""
    g = Group()
    info = ctx.fx.extra.get("xdev")
    if not info:
        g.skip("-x across a mount", "fixture missing")
        return g
    try:
        ok = subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    except OSError:
        ok = False
    if not ok:
        g.skip("-x across a mount", "cannot make a private mount namespace (unshare -m)")
        return g
    wrap = ["unshare", "-m", "--propagation", "private", "sh", "-c", MOUNT_SCRIPT, "sh", info["mnt"], info["src"]]
    local = ctx.envs("xdev")
    onmnt = os.path.join(info["mnt"], ".venv")
    for opts, want in (([], [e.path for e in local] + [onmnt]), (["-x"], [e.path for e in local]),
                       (["--one-file-system"], [e.path for e in local])):
        name = "list --json %s over a tmpfs mount point" % (" ".join(opts) or "(no -x)")
        rows = run_json(ctx, g, name, ["list", "--json"] + opts + [info["root"]], wrap=wrap)
        if rows is None:
            continue
        d = set_diff(name, want, rows)
        if not d:
            compare_rows(ctx, g, name, [r for r in rows if r.get("path") != onmnt], local)
        else:
            g.fail(name, d)
    return g


def t_central(ctx):
    g = Group()
    info = ctx.fx.extra.get("central")
    if not info:
        g.skip("central places", "fixture missing")
        return g
    name = "list --json (no ROOT, central places)"
    rows = run_json(ctx, g, name, ["list", "--json"], home=info["home"], cwd=info["cwd"])
    if rows is not None:
        compare_rows(ctx, g, name, rows, ctx.envs("central"), per_env=True)
    # Run from HOME itself: "." and the central places overlap; each env
    # once, with the manager of the place that holds it.
    name = "list --json (no ROOT, cwd = HOME)"
    rows = run_json(ctx, g, name, ["list", "--json"], home=info["home"], cwd=info["home"])
    if rows is not None:
        envs = [e for e in ctx.fx.envs if e.group == "central" and e.path.startswith(info["home"] + "/")]
        compare_rows(ctx, g, name, rows, envs)
    # A central place given as ROOT still gets its manager.
    poetry = os.path.join(info["home"], ".cache", "pypoetry", "virtualenvs")
    name = "list --json ~/.cache/pypoetry/virtualenvs (as ROOT)"
    rows = run_json(ctx, g, name, ["list", "--json", poetry], home=info["home"])
    if rows is not None:
        compare_rows(ctx, g, name, rows, [e for e in ctx.envs("central") if e.path.startswith(poetry + "/")])
    wrapped = os.path.join(info["home"], ".virtualenvs", "wrapped")
    env = [e for e in ctx.envs("central") if e.path == wrapped]
    name = "show --json ~/.virtualenvs/wrapped (manager, .project)"
    obj = run_json(ctx, g, name, ["show", "--json", wrapped], home=info["home"], cwd=info["cwd"])
    if obj is not None and env:
        try:
            exp = ctx.expected(env[0])
            g.check(name, diff_obj("~/.virtualenvs/wrapped",
                                   {"manager": exp["manager"], "project": exp["project"],
                                    "path": exp["path"]}, obj, exact_keys=False))
        except LookupError as e:
            g.fail(name, [str(e)])
    return g


def t_workon(ctx):
    g = Group()
    info = ctx.fx.extra.get("workon")
    if not info:
        g.skip("WORKON_HOME", "fixture missing")
        return g
    name = "list --json (no ROOT, WORKON_HOME set)"
    rows = run_json(ctx, g, name, ["list", "--json"], home=info["home"], cwd=info["cwd"],
                    env={"WORKON_HOME": info["workon"]})
    if rows is not None:
        compare_rows(ctx, g, name, rows, ctx.envs("workon"))
    return g


def tests(ctx):
    return [("depth", lambda: t_depth(ctx)), ("two roots", lambda: t_two_roots(ctx)), ("exclude", lambda: t_exclude(ctx)),
            ("sort", lambda: t_sort(ctx)), ("stale", lambda: t_stale(ctx)),
            ("one-fs", lambda: t_one_fs(ctx)), ("xdev", lambda: t_xdev(ctx)), ("central", lambda: t_central(ctx)),
            ("workon", lambda: t_workon(ctx))]
