"""Deletes under pressure (issue 13, items 5-7), every delete inside the
ns_script guard:

- two `venvscope delete --yes ENV` of one env started together, 20 rounds
  on a real venv with pip: at least one says so, the env is gone, one
  record per round;
- a delete stopped half way by an immutable file, retried: the retry
  reuses the first record (the one with the packages), no records pile
  up, and `recreate PATH` takes the record with packages; several records
  with packages for one path, or a part of a name matching several, are
  listed (date, package count, name) and nothing is made (exit 2);
- env names of 240 and 255 bytes, a parent of 234, multibyte names:
  delete and delete --trash succeed, every name made fits NAME_MAX, the
  record is found by `deleted` and `recreate` with the full path, the
  .trashinfo keeps the full path (percent-encoded)."""

import os
import re
import shutil
import subprocess
import sys
import urllib.parse

from harness import Group
from tests_delete import (add_files, expect_rc, make_venv, ns_script, records_in, sandbox, text, template_env,
                          unlock, workdir, write)

NAME_MAX = 255


def guard_or_skip(ctx, g, titles):
    guard = ns_script(ctx)
    if guard is None:
        for t in titles:
            g.skip(t, "needs the delete guard (root and unshare -m)")
    return guard


def records(xdg):
    return records_in(xdg["XDG_STATE_HOME"])


def record_files(xdg, name):
    return os.path.join(xdg["XDG_STATE_HOME"], "venvscope", "deleted", name)


# ------------------------------------------------------------ two at once

# Runs "$@" (venvscope delete --yes ENV) twice at the same moment, inside
# the guard; each one's exit status and output go to files in $VS_TWO.
TWO = ('"$@" >"$VS_TWO/o1" 2>&1 & a=$!; "$@" >"$VS_TWO/o2" 2>&1 & b=$!; '
       'wait $a; echo $? >"$VS_TWO/r1"; wait $b; echo $? >"$VS_TWO/r2"')


def pip_template(ctx, base, home):
    """A real venv with pip (a few thousand files); without ensurepip, the
    hand-made template with as many files."""
    tpl = os.path.join(base, "template")
    try:
        make_venv(ctx.fx.fast, tpl, home)
        return tpl, "a venv with pip"
    except RuntimeError:
        shutil.rmtree(tpl, ignore_errors=True)
    tpl = template_env(ctx, base)
    for j in range(20):
        add_files(os.path.join(tpl, "lib", "many", "m%02d" % j), 100)
    return tpl, "a --without-pip venv with 2,000 added files"


def t_two_at_once(ctx, rounds=20):
    g = Group()
    title = ("delete: two `delete --yes` of one env started together, %d rounds: each round at least one "
             "exits 0, none fails (one that starts after the env is gone says so), the env is gone, one record "
             "per round" % rounds)
    guard = guard_or_skip(ctx, g, [title])
    if guard is None:
        return g
    base = workdir(ctx, "two")
    home, xdg = sandbox(base)
    tpl, kind = pip_template(ctx, base, home)
    nfiles = sum(len(f) + len(d) for _, d, f in os.walk(tpl))
    wrap = ns_script(ctx, TWO)
    d, both, one = [], 0, 0
    os.makedirs(os.path.join(base, "envs"))
    for k in range(rounds):
        env = os.path.join(base, "envs", "e%02d" % k)
        subprocess.run(["cp", "-a", "--", tpl, env], check=True)
        out = os.path.join(base, "out%02d" % k)
        os.makedirs(out)
        before = len(records(xdg))
        p = ctx.runner.run(["delete", "--yes", env], home=home, env=dict(xdg, VS_TWO=out), wrap=wrap,
                           timeout=120)
        if p.timed_out or p.rc != 0:
            d.append("round %d: the pair did not finish: %s" % (k, p.describe()))
            continue
        rcs = []
        for i in (1, 2):
            with open(os.path.join(out, "r%d" % i)) as f:
                rcs.append(int(f.read().strip()))
        said = [open(os.path.join(out, "o%d" % i), encoding="utf-8", errors="replace").read() for i in (1, 2)]
        if rcs == [0, 0]:
            both += 1
        elif 0 in rcs:
            one += 1
        # A delete that starts after the other one has finished finds no env
        # there: exit 2 "No such file or directory", as for any missing path
        # (seen under ASan, where one process can be that much slower).
        late = ["venvscope delete: %s: No such file or directory" % env in said[i] and rcs[1 - i] == 0
                for i in (0, 1)]
        if 0 not in rcs or any(r not in (0, 1) and not late[i] for i, r in enumerate(rcs)):
            d.append("round %d: exits %s (at least one 0, none but 0 or 1, or 2 for a delete that came "
                     "after the env was gone):\n  1: %s\n  2: %s"
                     % (k, rcs, said[0].strip()[-400:], said[1].strip()[-400:]))
        for i, r in enumerate(rcs):
            if r == 0 and "deleted %s (recipe: " % env not in said[i]:
                d.append("round %d: delete %d exited 0 without saying `deleted %s (recipe: ...)`: %r"
                         % (k, i + 1, env, said[i][-300:]))
        if os.path.lexists(env):
            d.append("round %d: %s is still there: %s" % (k, env, sorted(os.listdir(env))[:10]))
            unlock(env)
            shutil.rmtree(env, ignore_errors=True)
        if len(records(xdg)) != before + 1:
            d.append("round %d: %d new records (1 expected): %s" % (k, len(records(xdg)) - before, records(xdg)))
        if len(d) > 12:
            break
    note = ("delete twice at once: %d rounds on %s (%d entries): both exited 0 in %d, one of the two in %d"
            % (rounds, kind, nfiles, both, one))
    ctx.fx.note(note)
    sys.stdout.write("e2e: note: %s\n" % note)
    sys.stdout.flush()
    g.check(title, d)
    return g


# ------------------------------------------------------------ retry and recreate

def freeze_of(ctx, env, home, xdg):
    p = ctx.runner.run(["freeze", "-o", "-", env], home=home, env=xdg)
    return text(p.out) if p.rc == 0 else None


def t_retry(ctx):
    g = Group()
    titles = ("delete stopped half way by an immutable file, then retried twice: one record, the first "
              "(with the packages); recreate PATH uses it",
              "recreate PATH with two records with packages for that path: both listed (date, package count, "
              "name), nothing made, exit 2; a part of a name matching both is listed too; one name picks it")
    guard = guard_or_skip(ctx, g, titles)
    if guard is None:
        return g
    base = workdir(ctx, "retry")
    home, xdg = sandbox(base)
    tpl = template_env(ctx, base)
    env = os.path.join(base, "proj", "stuckenv")
    shutil.copytree(tpl, env, symlinks=True)
    want = freeze_of(ctx, env, home, xdg)
    stuck = os.path.join(env, "stuck.txt")
    write(stuck, "immutable\n")
    if subprocess.run(["chattr", "+i", stuck], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
        for t in titles:
            g.skip(t, "chattr +i does not work here")
        return g
    d = []
    try:
        for attempt in (1, 2):
            p = ctx.runner.run(["delete", "--yes", env], home=home, env=xdg, wrap=guard)
            d += ["attempt %d: %s" % (attempt, x) for x in expect_rc(p, 1)]
            if not os.path.exists(stuck):
                d.append("attempt %d: the immutable file is gone" % attempt)
    finally:
        subprocess.run(["chattr", "-i", stuck], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p = ctx.runner.run(["delete", "--yes", env], home=home, env=xdg, wrap=guard)
    d += ["attempt 3 (the file unlocked): %s" % x for x in expect_rc(p, 0)]
    if os.path.lexists(env):
        d.append("%s is still there after attempt 3" % env)
    recs = records(xdg)
    if len(recs) != 1:
        d.append("%d records after three attempts on one env (1 expected): %s" % (len(recs), recs))
    pl = ctx.runner.run(["deleted", "--json"], home=home, env=xdg)
    try:
        listed = pl.json()
    except ValueError as e:
        listed = []
        d.append("deleted --json: %s" % e)
    counts = [r.get("package_count") for r in listed if r.get("path") == env]
    if 2 not in counts:
        d.append("deleted --json has no record of %s with its 2 packages: %s" % (env, counts))
    # recreate: a --without-pip env says which requirements file it used.
    pr = ctx.runner.run(["recreate", env], home=home, env=xdg, timeout=120)
    d += ["recreate: %s" % x for x in expect_rc(pr, 0)]
    m = re.search(r"install its requirements yourself from (.+requirements\.txt)", text(pr.out))
    if not m:
        d.append("recreate did not name the requirements it used: %r" % text(pr.out)[-300:])
    else:
        with open(m.group(1), encoding="utf-8") as f:
            got = f.read()
        if want is None or got != want:
            d.append("recreate used %s holding %r; the env's freeze was %r" % (m.group(1), got, want))
    g.check(titles[0], d)

    # A second life of the same path, deleted too: now two records with packages.
    d = []
    shutil.rmtree(env, ignore_errors=True)
    shutil.copytree(tpl, env, symlinks=True)
    p = ctx.runner.run(["delete", "--yes", env], home=home, env=xdg, wrap=guard)
    d += expect_rc(p, 0)
    recs = records(xdg)
    if len(recs) != 2:
        d.append("expected 2 records, found %s" % recs)
    pr = ctx.runner.run(["recreate", env], home=home, env=xdg, timeout=120)
    d += ["recreate PATH: %s" % x for x in expect_rc(pr, 2)]
    if os.path.lexists(env):
        d.append("recreate PATH made %s although two records fit" % env)
        shutil.rmtree(env, ignore_errors=True)
    err = pr.err_text
    dates = {r["record"]: r["deleted"] for r in ctx.runner.run(["deleted", "--json"], home=home, env=xdg).json()}
    for r in recs:
        line = [x for x in err.splitlines() if r in x]
        if not line:
            d.append("recreate PATH does not list record %s: %r" % (r, err[-500:]))
        elif "2 pkgs" not in line[0] or dates.get(record_files(xdg, r), "?") not in line[0]:
            d.append("record %s listed without its date %s and package count: %r"
                     % (r, dates.get(record_files(xdg, r)), line[0]))
    if "recreate NAME" not in err:
        d.append("recreate PATH does not say how to pick one: %r" % err[-300:])
    pp = ctx.runner.run(["recreate", "stuckenv"], home=home, env=xdg, timeout=120)
    d += ["recreate stuckenv (part of both names): %s" % x for x in expect_rc(pp, 2)]
    if any(r not in pp.err_text for r in recs):
        d.append("recreate stuckenv does not list both %s: %r" % (recs, pp.err_text[-500:]))
    one = sorted(recs)[0]
    po = ctx.runner.run(["recreate", one], home=home, env=xdg, timeout=120)
    d += ["recreate %s: %s" % (one, x) for x in expect_rc(po, 0)]
    if not os.path.isfile(os.path.join(env, "pyvenv.cfg")):
        d.append("recreate %s did not make %s" % (one, env))
    g.check(titles[1], d)
    return g


# ------------------------------------------------------------ long names

def long_names(base):
    """(label, env path) of names too long for the old record and trash names."""
    return [
        ("an env name of 240 bytes", os.path.join(base, "n240", "e" * 240)),
        ("an env name of 255 bytes", os.path.join(base, "n255", "f" * 255)),
        ("a parent of 234 bytes holding .venv", os.path.join(base, "p" * 234, ".venv")),
        ("a name of 2-byte characters (254 bytes)", os.path.join(base, "mb2", "\u00e9" * 127)),
        ("a name of 3-byte characters (252 bytes) cut inside one", os.path.join(base, "mb3", "\u65e5" * 84)),
    ]


def names_fit(folder):
    """Names in `folder` longer than NAME_MAX or not valid UTF-8 (none can
    exist, but a cut in a character would show)."""
    bad = []
    for n in os.listdir(os.fsencode(folder)) if os.path.isdir(folder) else []:
        try:
            n.decode("utf-8")
        except UnicodeDecodeError:
            bad.append("%r is not valid UTF-8 (cut inside a character)" % n)
        if len(n) > NAME_MAX:
            bad.append("%r is %d bytes" % (n, len(n)))
    return bad


def t_long_names(ctx):
    g = Group()
    base = workdir(ctx, "long")
    home, xdg = sandbox(base)
    tpl = template_env(ctx, base)
    cases = long_names(base)
    titles = ["delete and delete --trash of %s: removed, names fit, `deleted` and `recreate` find the record "
              "by the full path, .trashinfo keeps it" % label for label, _ in cases]
    guard = guard_or_skip(ctx, g, titles)
    if guard is None:
        return g
    trash = os.path.join(xdg["XDG_DATA_HOME"], "Trash")
    for (label, env), title in zip(cases, titles):
        d = []
        shutil.copytree(tpl, env, symlinks=True)
        before = set(records(xdg))
        p = ctx.runner.run(["delete", "--yes", env], home=home, env=xdg, wrap=guard)
        d += ["delete: %s" % x for x in expect_rc(p, 0)]
        if os.path.lexists(env):
            d.append("delete: %s is still there" % env)
        new = sorted(set(records(xdg)) - before)
        if len(new) != 1:
            d.append("delete: %d new records (1 expected)" % len(new))
        d += ["records folder: %s" % x for x in names_fit(os.path.dirname(record_files(xdg, "x")))]
        listed = ctx.runner.run(["deleted", "--json"], home=home, env=xdg).json()
        if not any(r.get("path") == env and os.path.basename(r.get("record", "")) in new for r in listed):
            d.append("deleted --json has no record with the full path %s" % env)
        pt = ctx.runner.run(["deleted"], home=home, env=xdg)
        if env not in text(pt.out):
            d.append("`deleted` does not show the full path")
        pr = ctx.runner.run(["recreate", env], home=home, env=xdg, timeout=120)
        d += ["recreate: %s" % x for x in expect_rc(pr, 0)]
        if not os.path.isfile(os.path.join(env, "pyvenv.cfg")):
            d.append("recreate did not make the env again at %s" % env)
        # The recreated env goes to the trash.
        files = os.path.join(trash, "files")
        had = set(os.listdir(files)) if os.path.isdir(files) else set()
        pt = ctx.runner.run(["delete", "--yes", "--trash", env], home=home, env=xdg, wrap=guard)
        d += ["--trash: %s" % x for x in expect_rc(pt, 0)]
        if os.path.lexists(env):
            d.append("--trash: %s is still there" % env)
        got = sorted(set(os.listdir(files)) - had) if os.path.isdir(files) else []
        if len(got) != 1:
            d.append("--trash: Trash/files got %d new entries (1 expected)" % len(got))
        else:
            if not os.path.isfile(os.path.join(files, got[0], "pyvenv.cfg")):
                d.append("--trash: Trash/files/%s is not the env" % got[0])
            info = os.path.join(trash, "info", got[0] + ".trashinfo")
            try:
                with open(info, encoding="utf-8") as f:
                    lines = f.read().splitlines()
                path = [x[5:] for x in lines if x.startswith("Path=")]
                if lines[:1] != ["[Trash Info]"] or len(path) != 1 or \
                        urllib.parse.unquote_to_bytes(path[0]) != os.fsencode(env):
                    d.append("--trash: %s does not keep the full path: %r" % (info, lines))
                elif re.search(r"[^A-Za-z0-9%/._~-]", path[0]):
                    d.append("--trash: Path= is not percent-encoded: %r" % path[0])
            except OSError as e:
                d.append("--trash: no .trashinfo for %s: %s" % (got[0], e))
            for sub in ("files", "info"):
                d += ["Trash/%s: %s" % (sub, x) for x in names_fit(os.path.join(trash, sub))]
        g.check(title, d)
    return g


def tests(ctx):
    return [("delete two at once", lambda: t_two_at_once(ctx)), ("delete retry", lambda: t_retry(ctx)),
            ("delete long names", lambda: t_long_names(ctx))]


__all__ = ["tests"]
