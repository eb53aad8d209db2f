"""Bad input and the command line's contract: bad pyvenv.cfg files,
unreadable folders (run as nobody), exit codes, --help and --version."""

import os
import shutil
import subprocess
import threading

from harness import Group, NOBODY, by_path, diff_obj, show
import story_truth  # noqa: E402
import truth


def _parse(g, name, p, ok_codes=(0, 1)):
    if p.timed_out:
        g.fail(name, ["venvscope hung (killed after timeout): " + p.describe()])
        return None
    if p.rc not in ok_codes:
        g.fail(name, ["expected exit %s; %s" % (" or ".join(map(str, ok_codes)), p.describe())])
        return None
    try:
        rows = p.json()
    except ValueError as e:
        g.fail(name, [str(e)])
        return None
    if not isinstance(rows, list):
        g.fail(name, ["expected a JSON array, got %s" % show(rows)[:200]])
        return None
    g.ok(name)
    return rows


def flagged_or_warned(label, row, path, stderr, must_list):
    """[] when the env is a row with problems or stderr names it."""
    warned = path in stderr
    if row is None:
        if must_list:
            return ["%s: not listed (pyvenv.cfg is a regular file, so it is an env)" % label]
        return []
    probs = row.get("problems")
    if isinstance(probs, list) and probs and all(isinstance(s, str) and s for s in probs):
        return []
    if warned:
        return []
    return ["%s: listed with problems %s and no warning on stderr naming it" % (label, show(probs))]


def t_bad_cfg(ctx):
    g = Group()
    info = ctx.fx.extra.get("bad")
    if not info:
        g.skip("bad pyvenv.cfg", "fixture missing")
        return g
    root = info["root"]
    name = "list --json badtree: finishes with valid JSON, exit 0 or 1"
    p = ctx.runner.run(["list", "--json", root], timeout=30)
    rows = _parse(g, name, p)
    if rows is None:
        return g
    idx, _ = by_path(rows)
    good = ctx.envs("bad")
    diffs = []
    for e in good:
        if e.path not in idx:
            diffs.append("%s: env not listed" % ctx.label(e.path))
            continue
        try:
            diffs += diff_obj(ctx.label(e.path), ctx.expected(e), idx[e.path])
        except LookupError as err:
            diffs.append(str(err))
    g.check("badtree: the good envs around the bad ones", diffs)
    err = p.err_text
    fast = ctx.fx.fast
    xy = "%d.%d" % fast.vtuple[:2]
    for key, path in sorted(info["bad"].items()):
        label = ctx.label(path)
        row = idx.get(path)
        must = key in ("empty", "binary", "no-home", "huge")
        d = [] if key == "huge" else flagged_or_warned(label, row, path, err, must)
        if key == "huge" and row is None and path not in err:
            d.append("%s: neither listed nor named in a warning" % label)
        if row is not None:
            exp = {"path": path, "name": os.path.basename(path), "kind": "venv",
                   "size_bytes": truth.du_bytes(path, "-b"), "files": truth.count_files(path)}
            if key in ("empty", "binary"):
                interp = os.path.join(path, "bin", "python")
                exp.update({"home": None, "python_version": xy, "link": "symlink",
                            "base_python": os.path.realpath(interp), "base_exists": True,
                            "system_site_packages": None, "prompt": None, "package_count": 0,
                            "has_pip": False, "pip_version": None, "manager": None, "project": None})
            if key == "no-home":
                exp.update({"home": None, "python_version": "3.11.2"})
            d += diff_obj(label, exp, row, exact_keys=False)
        g.check("badtree: pyvenv.cfg %s" % key, d)
    return g


def t_perm(ctx):
    g = Group()
    info = ctx.fx.extra.get("perm")
    if not info:
        g.skip("unreadable folders", "fixture missing")
        return g
    # As root, drop to nobody (root reads everything); as anyone else the
    # modes already apply.
    user = NOBODY if os.geteuid() == 0 else None
    if user is not None and not shutil.which("setpriv"):
        g.skip("unreadable folders", "running as root and setpriv is missing")
        return g
    name = "list --json perm as uid %d: exit 0 or 1, valid JSON" % (os.geteuid() if user is None else user)
    p = ctx.runner.run(["list", "--json", info["root"]], user=user, timeout=30)
    rows = _parse(g, name, p)
    if rows is None:
        return g
    idx, _ = by_path(rows)
    err = p.err_text
    diffs = []
    perm_envs = list(ctx.envs("perm"))
    for e in perm_envs:
        if e.path not in idx:
            diffs.append("%s: env not listed (the scan must go on past unreadable folders)" % ctx.label(e.path))
            continue
        try:
            exp = dict(ctx.expected(e))
            if user is not None:
                # As that user, a bin/activate it does not own is no source.
                exp["last_used"], exp["last_used_source"] = story_truth.last_used_keys(
                    e.path, exp.get("python_version"), user)
            diffs += diff_obj(ctx.label(e.path), exp, idx[e.path])
        except LookupError as x:
            diffs.append(str(x))
    if perm_envs:
        g.check("perm: readable envs beside the unreadable ones", diffs)
    d = []
    if info["locked"] not in err:
        d.append("stderr does not name the unreadable folder %s; stderr: %r" % (info["locked"], err[:500]))
    if info["hidden"] in idx:
        d.append("an env inside the unreadable folder was listed: %s" % info["hidden"])
    g.check("perm: unreadable folder gives a warning naming it", d)
    g.check("perm: unreadable pyvenv.cfg is flagged or warned",
            flagged_or_warned(ctx.label(info["cfg_locked"]), idx.get(info["cfg_locked"]),
                              info["cfg_locked"], err, must_list=False)
            + ([] if info["cfg_locked"] in idx or info["cfg_locked"] in err
               else ["%s: neither listed nor named on stderr" % ctx.label(info["cfg_locked"])]))
    sp = info["sp_locked"]
    row = idx.get(sp)
    d = []
    if row is None:
        d.append("%s: not listed (its pyvenv.cfg is readable)" % ctx.label(sp))
    else:
        probs = row.get("problems")
        if not (isinstance(probs, list) and probs) and sp not in err:
            d.append("%s: unreadable site-packages neither in problems (%s) nor on stderr"
                     % (ctx.label(sp), show(probs)))
    g.check("perm: unreadable site-packages is flagged or warned", d)
    return g


def t_exit_codes(ctx):
    g = Group()
    base = ctx.base
    missing = os.path.join(base, "does-not-exist")
    afile = os.path.join(base, "a-file")
    if not os.path.exists(afile):
        with open(afile, "w") as f:
            f.write("not a folder\n")
    real = os.path.join(ctx.fx.tree, "real")
    notenv = os.path.join(ctx.fx.tree, "projects", "outer")
    cases = [  # (args, code, text stderr must contain)
        (["list", "--json", missing], 2, missing),
        (["list", missing], 2, missing),
        (["list", "--json", afile], 2, afile),
        (["list", "--json", real, missing], 2, missing),
        (["show", "--json", notenv], 2, notenv),
        (["show", notenv], 2, notenv),
        (["show", "--json", missing], 2, missing),
        (["show", "--json", afile], 2, afile),
        (["show"], 2, None),
        (["list", "--sort", "bogus", real], 2, None),
        (["list", "--depth", "abc", real], 2, None),
        (["list", "--stale-days", "soon", real], 2, None),
        (["list", "--no-such-option", real], 2, None),
        (["frobnicate"], 2, None),
    ]
    for args, code, text in cases:
        name = "exit %d: venvscope %s" % (code, " ".join(ctx.label(a) if a.startswith(base) else a for a in args))
        p = ctx.runner.run(args, timeout=30)
        d = []
        if p.timed_out or p.rc != code:
            d.append("expected exit %d; %s" % (code, p.describe()))
        elif text and text not in p.err_text:
            d.append("stderr does not name %s: %r" % (text, p.err_text[:300]))
        elif not p.err_text.strip():
            d.append("stderr is empty: an error needs a message")
        g.check(name, d)
    return g


def t_help(ctx):
    g = Group()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        with open(os.path.join(root, "VERSION")) as f:
            version = f.read().strip()
    except OSError:
        version = None
    cases = [(["--help"], ["list", "show"]), (["--version"], [version] if version else []),
             (["list", "--help"], ["--json", "--sort", "--reverse", "--depth", "--exclude", "--no-size",
                                   "--stale-days"]),
             (["show", "--help"], ["--json"])]
    for args, words in cases:
        name = "venvscope %s: exit 0, says %s" % (" ".join(args), ", ".join(words) or "something")
        p = ctx.runner.run(args, timeout=30)
        d = []
        out = p.out.decode("utf-8", "replace")
        if p.timed_out or p.rc != 0:
            d.append("expected exit 0; " + p.describe())
        elif not out.strip():
            d.append("nothing on stdout; stderr: %r" % p.err_text[:200])
        for w in words:
            if w not in out:
                d.append("stdout does not mention %r: %r" % (w, out[:400]))
        g.check(name, d)
    return g


def t_many(ctx):
    """Sizes at scale, then a scan while the envs are being deleted."""
    g = Group()
    info = ctx.fx.extra.get("many")
    if not info:
        g.skip("many envs", "fixture missing")
        return g
    root = info["root"]
    name = "list --json many (%d envs, every field)" % len(ctx.envs("many"))
    p = ctx.runner.run(["list", "--json", root], timeout=60)
    rows = _parse(g, name + ": exit 0, valid JSON", p, ok_codes=(0,))
    if rows is not None:
        idx, _ = by_path(rows)
        diffs = []
        want = ctx.envs("many")
        for e in want:
            if e.path not in idx:
                diffs.append("%s: env not listed" % ctx.label(e.path))
                continue
            try:
                diffs += diff_obj(ctx.label(e.path), ctx.expected(e), idx[e.path])
            except LookupError as x:
                diffs.append(str(x))
        extra = set(idx) - {e.path for e in want}
        diffs += ["listed but not expected: %s" % show(x) for x in sorted(extra, key=str)]
        g.check(name, diffs)
    # Remove the envs (of a copy) while a scan runs: never a crash, always
    # valid JSON.
    root = root + "-race-%d" % os.getpid()
    subprocess.run(["cp", "-a", info["root"], root], check=True)

    def remove():
        for d in sorted(os.listdir(root)):
            for e in sorted(os.listdir(os.path.join(root, d))):
                shutil.rmtree(os.path.join(root, d, e), ignore_errors=True)
    t = threading.Thread(target=remove)
    t.start()
    p = ctx.runner.run(["list", "--json", root], timeout=60)
    t.join()
    shutil.rmtree(root, ignore_errors=True)
    name = "list --json many while its envs are deleted: exit 0 or 1, valid JSON"
    rows = _parse(g, name, p)
    if rows is not None:
        bad = [r for r in rows if not isinstance(r, dict) or not str(r.get("path", "")).startswith(root + "/")]
        if bad:
            g.fail(name + ": rows", ["odd row: %s" % show(b)[:200] for b in bad[:5]])
    return g


def tests(ctx):
    return [("many", lambda: t_many(ctx)), ("bad cfg", lambda: t_bad_cfg(ctx)), ("perm", lambda: t_perm(ctx)),
            ("exit codes", lambda: t_exit_codes(ctx)), ("help", lambda: t_help(ctx))]
