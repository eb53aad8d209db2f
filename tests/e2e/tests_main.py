"""`list --json` and `show --json` over the main tree of real environments:
every field of every env against the truth; --no-size; the table; relative
and symlinked roots."""

import json
import os
import re

from harness import Group, diff_obj, set_diff, by_path, show
from truth import KEYS, SIZE_KEYS


class Ctx:
    def __init__(self, runner, fx):
        self.runner = runner
        self.fx = fx
        self.base = fx.base
        self.truth = {}       # path -> (truth, extra) or Exception

    def label(self, path):
        rel = os.path.relpath(path, self.base)
        return json.dumps(rel, ensure_ascii=True)[1:-1]

    def expected(self, env, path=None):
        """The truth for `env`, with the fixture's overrides; `path` renames
        it (same env reached another way)."""
        t = self.truth.get(env.path)
        if t is None:
            raise LookupError("no truth computed for %s" % self.label(env.path))
        if isinstance(t, Exception):
            raise LookupError("truth for %s failed: %s" % (self.label(env.path), t))
        e = dict(t[0])
        e.update(env.expect)
        if path is not None:
            e["path"] = path
        return e

    def envs(self, group, listed=True):
        return [e for e in self.fx.envs if e.group == group and e.listed == listed]


def compare_rows(ctx, g, name, rows, envs, path_map=None, fields=None, per_env=False, overrides=None):
    """Set of paths, then each env's fields. path_map: env -> path expected
    in the output (default env.path). fields: only these keys (default all,
    exact key set). per_env: one result line per env."""
    path_map = path_map or {}
    want = {path_map.get(e.path, e.path): e for e in envs}
    diffs = set_diff(name, want, rows)
    if per_env:
        g.check(name + ": set of envs", diffs)
        diffs = []
    idx, _ = by_path(rows if isinstance(rows, list) else [])
    for p, env in sorted(want.items(), key=lambda kv: str(kv[0])):
        if p not in idx:
            continue
        try:
            exp = ctx.expected(env, path=p)
        except LookupError as e:
            d = [str(e)]
        else:
            exp.update(overrides or {})
            if fields is not None:
                exp = {k: exp[k] for k in fields}
            d = diff_obj(ctx.label(p), exp, idx[p], exact_keys=fields is None)
        if per_env:
            g.check("%s: %s" % (name, ctx.label(p)), d)
        else:
            diffs += d
    if not per_env:
        g.check(name, diffs)


def run_json(ctx, g, name, args, **kw):
    """Runs venvscope, checks exit 0 and parses JSON; None on failure."""
    p = ctx.runner.run(args, **kw)
    if p.timed_out or p.rc != 0:
        g.fail(name, ["expected exit 0; " + p.describe()])
        return None
    try:
        return p.json()
    except ValueError as e:
        g.fail(name, [str(e)])
        return None


def t_list_tree(ctx):
    g = Group()
    name = "list --json tree"
    rows = run_json(ctx, g, name, ["list", "--json", ctx.fx.tree], timeout=120)
    if rows is None:
        return g
    bad = [r for r in rows if not isinstance(r, dict)] if isinstance(rows, list) else [rows]
    g.check(name + ": an array of objects", ["not an object: %s" % show(b)[:200] for b in bad])
    compare_rows(ctx, g, name, rows, ctx.envs("tree"), per_env=True)
    return g


def t_show(ctx, env):
    g = Group()
    name = "show --json %s" % ctx.label(env.path)
    obj = run_json(ctx, g, name, ["show", "--json", env.path])
    if obj is None:
        return g
    try:
        exp = ctx.expected(env)
    except LookupError as e:
        g.fail(name, [str(e)])
        return g
    extra = ctx.truth[env.path][1]
    exp["shared_with"] = exp["shared_with_count"] = None
    exp["git_rule"] = extra.get("git_rule")
    exp["config"] = [{"key": k, "value": v} for k, v in extra["cfg"]]
    exp["packages"] = sorted(({"name": n, "version": v, "location": loc} for n, v, loc in extra["dists"]),
                             key=lambda d: (str(d["name"]), d["version"], d["location"]))
    act = dict(obj) if isinstance(obj, dict) else obj
    if isinstance(act, dict) and isinstance(act.get("packages"), list):
        act["packages"] = sorted(act["packages"], key=lambda d: (str(d.get("name")), str(d.get("version")),
                                                                 str(d.get("location")))
                                 if isinstance(d, dict) else ("",))
    g.check(name, diff_obj(ctx.label(env.path), exp, act))
    return g


def t_no_size(ctx):
    g = Group()
    root = os.path.join(ctx.fx.tree, "real")
    name = "list --json --no-size tree/real"
    rows = run_json(ctx, g, name, ["list", "--json", "--no-size", root])
    if rows is None:
        return g
    envs = [e for e in ctx.envs("tree") if e.path.startswith(root + "/")]
    compare_rows(ctx, g, name, rows, envs, overrides={k: None for k in SIZE_KEYS})
    return g


# Column titles a reader looks for; PKGS is the usual short title for packages.
HEADER_WORDS = ("name", "python", "size", "packages|pkgs", "link", "age", "flags", "path")


def t_table(ctx):
    g = Group()
    root = os.path.join(ctx.fx.tree, "real")
    name = "list (table) tree/real"
    p = ctx.runner.run(["list", root])
    if p.timed_out or p.rc != 0:
        g.fail(name, ["expected exit 0; " + p.describe()])
        return g
    text = p.out.decode("utf-8", "replace")
    lines = text.splitlines()
    diffs = []
    header = lines[0].lower() if lines else ""
    for w in HEADER_WORDS:
        if not re.search(r"\b(%s)\b" % w, header):
            diffs.append("header line %r has no column %r" % (lines[0] if lines else "", w))
    for e in ctx.envs("tree"):
        if not e.path.startswith(root + "/"):
            continue
        n = os.path.basename(e.path)
        rows = [l for l in lines[1:] if re.search(r"(^|\s)%s(\s|$)" % re.escape(n), l)]
        if not rows:
            diffs.append("%s: no row shows the name %r" % (ctx.label(e.path), n))
            continue
        try:
            ver = ctx.expected(e)["python_version"]
        except LookupError as err:
            diffs.append(str(err))
            continue
        if not any(ver in r for r in rows):
            diffs.append("%s: row %r does not show Python %s" % (ctx.label(e.path), rows[0], ver))
    g.check(name, diffs)
    return g


def t_table_flags(ctx):
    """The FLAGS column marks broken and stale envs, and is '-' for healthy
    ones (read under the FLAGS title, so paths do not count)."""
    g = Group()
    name = "list (table): FLAGS shows broken / stale"
    roots = [os.path.join(ctx.fx.tree, d) for d in ("broken", "stale", "real")]
    p = ctx.runner.run(["list"] + roots)
    if p.timed_out or p.rc != 0:
        g.fail(name, ["expected exit 0; " + p.describe()])
        return g
    lines = p.out.decode("utf-8", "replace").splitlines()
    if not lines or "FLAGS" not in lines[0].upper() or "PATH" not in lines[0].upper():
        g.fail(name, ["no FLAGS and PATH titles in %r" % (lines[:1],)])
        return g
    a, b = lines[0].upper().index("FLAGS"), lines[0].upper().index("PATH")
    cells = {}
    for l in lines[1:]:
        for r in roots:
            i = l.find(r + "/")
            if i >= 0:
                cells[l[i:].strip()] = l[a:b].strip().lower()
    diffs = []
    for e in ctx.envs("tree"):
        if not any(e.path.startswith(r + "/") for r in roots):
            continue
        try:
            exp = ctx.expected(e)
        except LookupError as err:
            diffs.append(str(err))
            continue
        cell = cells.get(e.path)
        if cell is None:
            diffs.append("%s: no row shows its path" % ctx.label(e.path))
            continue
        want = [w for w, on in (("broken", exp["broken"]), ("stale", exp["stale"]),
                                ("orphan", exp["orphan"]), ("moved", exp["moved_from"]),
                                ("eol", exp["python_eol"])) if on]
        for w in want:
            if w not in cell:
                diffs.append("%s: FLAGS %r does not say %s" % (ctx.label(e.path), cell, w))
        if not want and not exp["version_mismatch"] and cell != "-":
            diffs.append("%s: healthy env, FLAGS %r (expected '-')" % (ctx.label(e.path), cell))
    g.check(name, diffs)
    return g


def t_symroot(ctx):
    """A ROOT that is a symlink: scanned, and paths keep the link's name."""
    g = Group()
    info = ctx.fx.extra.get("symroot")
    if not info:
        g.skip("list --json symlinked root", "fixture missing")
        return g
    link, target = info["link"], info["target"]
    name = "list --json symlinked root"
    rows = run_json(ctx, g, name, ["list", "--json", link])
    if rows is None:
        return g
    envs = [e for e in ctx.envs("tree") if e.path.startswith(target + "/")]
    pm = {e.path: link + e.path[len(target):] for e in envs}
    compare_rows(ctx, g, name, rows, envs, path_map=pm,
                 fields=["path", "name", "kind", "manager", "python_version", "size_bytes", "disk_bytes",
                         "files", "package_count", "link", "broken"])
    return g


def t_relative_roots(ctx):
    """Relative ROOTs ('sub', './sub/', '.') and a trailing slash: paths are
    absolute and clean."""
    g = Group()
    cwds = ctx.fx.extra.get("rel", {}).get("cwds")
    if not cwds:
        g.skip("relative roots", "fixture missing")
        return g
    argsets = [["sub"], ["./sub/"], ["."], [cwds[3] + "/sub/"]]
    for i, (c, args) in enumerate(zip(cwds, argsets)):
        name = "list --json %s (cwd %s)" % (args[0] if i < 3 else "ABS/sub/", ctx.label(c))
        rows = run_json(ctx, g, name, ["list", "--json"] + args, cwd=c)
        if rows is not None:
            compare_rows(ctx, g, name, rows, ctx.envs("rel%d" % i))
    # show with '.' from inside the env, and with a trailing slash.
    for i, cwd, shown in ((4, os.path.join(cwds[4], "sub", ".venv"), "."), (5, cwds[5], "sub/.venv/")):
        env = ctx.envs("rel%d" % i)[0]
        name = "show --json %s (cwd %s)" % (shown, ctx.label(cwd))
        obj = run_json(ctx, g, name, ["show", "--json", shown], cwd=cwd)
        if obj is None:
            continue
        try:
            exp = ctx.expected(env)
        except LookupError as e:
            g.fail(name, [str(e)])
            continue
        exp["shared_with"] = exp["shared_with_count"] = None
        g.check(name, diff_obj(ctx.label(env.path), exp, obj, exact_keys=False))
    return g


def tests(ctx):
    t = [("list tree", lambda: t_list_tree(ctx))]
    for e in ctx.envs("tree"):
        if e.show:
            t.append(("show " + ctx.label(e.path), lambda e=e: t_show(ctx, e)))
    t += [("no-size", lambda: t_no_size(ctx)), ("table", lambda: t_table(ctx)),
          ("table flags", lambda: t_table_flags(ctx)),
          ("symroot", lambda: t_symroot(ctx)), ("relative", lambda: t_relative_roots(ctx))]
    return t
