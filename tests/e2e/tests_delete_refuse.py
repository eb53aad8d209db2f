"""What `venvscope delete` refuses (exit 2, the reason in words, nothing
touched), what it cannot remove (exit 1, what is left named and counted)
and what --dry-run says (each path with its size and file count as du and
find see them, the total; nothing removed)."""

import os
import re
import shutil
import subprocess

from browser_kit import human_size
from harness import NOBODY, Group
from tests_delete import (PYVENV, entries_under, expect_rc, left_count, must, ns_script,
                          records_in, sandbox, sh, site_packages, snap_diff, snapshot, template_env, text,
                          workdir, write, add_files)
from truth import count_files, du_bytes, space_of


# ------------------------------------------------------------ refusals

def t_refusals(ctx):
    g = Group()
    base = workdir(ctx, "refuse")
    home, xdg = sandbox(base)
    tpl = template_env(ctx, base)
    guard = ns_script(ctx)

    def case(title, target, words, run_home=None, env=None, args=("--yes",), watch=None, names=True):
        """delete ARGS TARGET: exit 2, stderr names the path (unless not
        `names`) and says `words`, the watched tree (default the target)
        unchanged, no record."""
        watch = watch or target
        before = snapshot(watch) if os.path.lexists(watch) and not os.path.samefile(watch, "/") else None
        e = dict(xdg)
        e.update(env or {})
        recs = records_in(e["XDG_STATE_HOME"])
        p = ctx.runner.run(["delete"] + list(args) + [target], home=run_home or home, env=e, wrap=guard)
        d = expect_rc(p, 2)
        err = p.err_text
        shown = target.rstrip("/") or "/"
        if names and shown not in err:
            d.append("stderr does not name %s: %r" % (shown, err))
        for w in words if isinstance(words, tuple) else (words,):
            if w not in err:
                d.append("stderr does not say %r: %r" % (w, err))
        if before is not None and not os.path.lexists(watch):
            d.append("%s was deleted" % watch)
        elif before is not None and snapshot(watch) != before:
            d += snap_diff(watch, before, snapshot(watch))
        if records_in(e["XDG_STATE_HOME"]) != recs:
            d.append("a record was written: %s" % sorted(set(records_in(e["XDG_STATE_HOME"])) - set(recs)))
        g.check("delete refuses %s: exit 2, names it and says %r, nothing touched" % (title, words), d)

    plain = os.path.join(base, "plain")
    write(os.path.join(plain, "notes.txt"), "buy milk\n")
    write(os.path.join(plain, "sub", "x.py"), "print(1)\n")
    case("a plain folder", plain, "not a virtual environment")
    cfgdir = os.path.join(base, "cfg-is-dir")
    shutil.copytree(tpl, cfgdir, symlinks=True)
    os.unlink(os.path.join(cfgdir, PYVENV))
    os.makedirs(os.path.join(cfgdir, PYVENV))
    case("a folder whose pyvenv.cfg is a folder", cfgdir, "not a virtual environment")
    cfglink = os.path.join(base, "cfg-is-link")
    shutil.copytree(tpl, cfglink, symlinks=True)
    os.unlink(os.path.join(cfglink, PYVENV))
    os.symlink(os.path.join(tpl, PYVENV), os.path.join(cfglink, PYVENV))
    case("a folder whose pyvenv.cfg is a link to a real one", cfglink, "not a virtual environment")
    envlink = os.path.join(base, "env-link")
    os.symlink(tpl, envlink)
    case("a symlink to an env", envlink, "symbolic link", watch=tpl)
    if guard is not None:
        case("/", "/", "not a virtual environment")
    else:
        g.skip("delete refuses /", "needs the guard (root and unshare -m): a wrong answer would wipe the machine")

    # The sandbox HOME itself holding a pyvenv.cfg; a folder holding HOME.
    shutil.copy2(os.path.join(tpl, PYVENV), os.path.join(home, PYVENV))
    write(os.path.join(home, "docs", "thesis.txt"), "precious\n")
    case("$HOME (holding a pyvenv.cfg)", home, "your home folder")
    holder = os.path.join(base, "holder")
    shutil.copytree(tpl, holder, symlinks=True)
    inner = os.path.join(holder, "users", "me")
    write(os.path.join(inner, "thesis.txt"), "precious\n")
    case("an env folder that holds $HOME", holder, "your home folder", run_home=inner)
    # $HOME reached through a symlink (as /home -> /usr/home on some systems).
    home2 = os.path.join(base, "home2")
    write(os.path.join(home2, "docs", "thesis.txt"), "precious\n")
    shutil.copy2(os.path.join(tpl, PYVENV), os.path.join(home2, PYVENV))
    hlink = os.path.join(base, "home-link")
    os.symlink(home2, hlink)
    case("$HOME's real folder when HOME names it through a symlink", home2, "your home folder", run_home=hlink)

    repo = os.path.join(base, "repo")
    shutil.copytree(tpl, repo, symlinks=True)
    must(sh(["git", "init", "-q", repo], os.path.join(base, "pyhome")), "git init")
    case("a git repository's root holding pyvenv.cfg (git init)", repo, "repository")
    gitfile = os.path.join(base, "worktree")
    shutil.copytree(tpl, gitfile, symlinks=True)
    write(os.path.join(gitfile, ".git"), "gitdir: /somewhere/.git/worktrees/x\n")
    case("a folder holding a .git file (a worktree)", gitfile, ".git")

    env = os.path.join(base, "noyes")
    shutil.copytree(tpl, env, symlinks=True)
    case("without --yes and without a terminal", env, "--yes", args=(), names=False)
    # The good one is not deleted either when another is refused? It is: each
    # ENV stands alone (exit 2 says one was refused).
    good = os.path.join(base, "good")
    shutil.copytree(tpl, good, symlinks=True)
    p = ctx.runner.run(["delete", "--yes", plain, good], home=home, env=xdg, wrap=guard)
    d = expect_rc(p, 2)
    if os.path.lexists(good):
        d.append("%s (an env) is still there" % good)
    if not os.path.isfile(os.path.join(plain, "notes.txt")):
        d.append("the plain folder lost its files")
    g.check("delete PLAIN ENV: the env goes, the plain folder is refused, exit 2", d)
    t_mount_refusal(ctx, g, base, tpl, xdg)
    return g


def t_mount_refusal(ctx, g, base, tpl, xdg):
    title = "delete refuses a mount point (a tmpfs holding an env): exit 2, says mount point, nothing touched"
    if ns_script(ctx) is None:
        g.skip(title, "needs root and unshare -m")
        return
    mp = os.path.join(base, "mnt")
    os.makedirs(mp)
    body = ('mount -t tmpfs vs-e2e "$1" || exit 99; cp -a "$2/." "$1/" || exit 98; shift 2; "$@"; rc=$?; '
            'echo "E2E-LEFT=$(find "%s" | wc -l)" >&2; exit $rc' % mp)
    p = ctx.runner.run(["delete", "--yes", mp], home=os.path.join(base, "home"), env=xdg,
                       wrap=ns_script(ctx, body) + [mp, tpl])
    d = expect_rc(p, 2)
    if "mount point" not in p.err_text or mp not in p.err_text:
        d.append("stderr does not name %s as a mount point: %r" % (mp, p.err_text))
    m = re.search(r"E2E-LEFT=(\d+)", p.err_text)
    want = entries_under(tpl) + 1
    if not m or int(m.group(1)) != want:
        d.append("the env on the tmpfs lost entries: %s left of %d" % (m.group(1) if m else "?", want))
    g.check(title, d)


# ------------------------------------------------------------ permission errors

def t_permissions(ctx):
    g = Group()
    base = workdir(ctx, "perm")
    tpl = template_env(ctx, base)

    # As nobody: a read-only folder inside an env that nobody owns.
    title = "delete as a normal user: a read-only folder inside: exit 1, names it and why, counts what is left, the rest goes"
    if os.geteuid() != 0 or not shutil.which("setpriv") or not ctx.runner.nobody_binary:
        g.skip(title, "needs root (to become uid %d with setpriv) and the suite's copy of the binary" % NOBODY)
    else:
        env = os.path.join(base, "nobody", "env")
        shutil.copytree(tpl, env, symlinks=True)
        locked = os.path.join(site_packages(env), "locked")
        add_files(locked, 3, seed="locked")
        add_files(os.path.join(locked, "sub"), 2, seed="locked-sub")
        for r, dirs, files in os.walk(os.path.dirname(env)):
            for x in [r] + [os.path.join(r, f) for f in dirs + files]:
                os.lchown(x, NOBODY, NOBODY)
        os.chmod(locked, 0o555)
        left_files = sorted(os.listdir(locked))
        p = ctx.runner.run(["delete", "--yes", env], user=NOBODY)
        d = expect_rc(p, 1)
        err = p.err_text
        if locked not in err or "Permission denied" not in err:
            d.append("stderr does not name %s and 'Permission denied': %r" % (locked, err))
        if not os.path.isdir(env):
            d.append("the env folder is gone")
        elif sorted(os.listdir(locked)) != left_files:
            d.append("the read-only folder holds %s, expected %s" % (sorted(os.listdir(locked)), left_files))
        else:
            n = entries_under(env)
            if left_count(err) != n:
                d.append("stderr says %s entries left; %d are left under the env" % (left_count(err), n))
            rest = sorted(os.path.relpath(os.path.join(r, x), env) for r, ds, fs in os.walk(env) for x in ds + fs)
            # pyvenv.cfg stays on purpose while anything else is left, so what
            # is left is still an env that `delete` can finish later.
            extra = [x for x in rest if x != "pyvenv.cfg" and not (os.path.join(env, x).startswith(locked)
                                             or locked.startswith(os.path.join(env, x) + "/"))]
            if extra:
                d.append("left although removable: %s" % extra[:10])
        if re.search(r"^deleted ", text(p.out), re.M):
            d.append("stdout claims it was deleted: %r" % text(p.out))
        g.check(title, d)
        os.chmod(locked, 0o755)
        p = ctx.runner.run(["delete", "--yes", env], user=NOBODY)
        d = expect_rc(p, 0)
        if os.path.lexists(env):
            d.append("%s is still there" % env)
        g.check("delete again once the folder is writable: exit 0, the rest goes", d)

    # As root: an immutable file (chattr +i).
    title = "delete: an immutable file (chattr +i) inside: exit 1, names it, the env keeps it"
    env = os.path.join(base, "immutable", "env")
    shutil.copytree(tpl, env, symlinks=True)
    stuck = os.path.join(env, "bin", "stuck.txt")
    write(stuck, "cannot go\n")
    if subprocess.run(["chattr", "+i", stuck], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        g.skip(title, "chattr +i does not work here")
        return g
    try:
        p = ctx.runner.run(["delete", "--yes", env])
        d = expect_rc(p, 1)
        if stuck not in p.err_text or "Operation not permitted" not in p.err_text:
            d.append("stderr does not name %s and 'Operation not permitted': %r" % (stuck, p.err_text))
        if not os.path.isfile(stuck):
            d.append("%s is gone" % stuck)
        elif left_count(p.err_text) != entries_under(env):
            d.append("stderr says %s entries left; %d are" % (left_count(p.err_text), entries_under(env)))
        if os.path.isdir(env) and sorted(os.listdir(env)) != ["bin", "pyvenv.cfg"]:
            d.append("left in the env: %s, expected bin/ (holding the immutable file) and pyvenv.cfg "
                     "(kept so the env can be deleted again)" % sorted(os.listdir(env)))
        g.check(title, d)
    finally:
        subprocess.run(["chattr", "-i", stuck], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return g


# ------------------------------------------------------------ dry run

def t_dry_run(ctx):
    g = Group()
    base = workdir(ctx, "dry")
    home, xdg = sandbox(base)
    tpl = template_env(ctx, base)
    a = os.path.join(base, "envs", "small")
    b = os.path.join(base, "envs", "bigger one")
    shutil.copytree(tpl, a, symlinks=True)
    shutil.copytree(tpl, b, symlinks=True)
    add_files(os.path.join(site_packages(b), "blob"), 40, size=3000, seed="blob")
    before = {e: snapshot(e) for e in (a, b)}
    sizes = {e: du_bytes(e, "-b") for e in (a, b)}
    p = ctx.runner.run(["delete", "--dry-run", a, b], home=home, env=xdg)
    d = expect_rc(p, 0)
    lines = text(p.out).splitlines()
    want = ["would delete %s (%s, %d files; %s freeable alone)"
            % (e, human_size(sizes[e]), count_files(e), human_size(space_of(e)[1])) for e in (a, b)]
    want.append("would free %s in 2 environments" % human_size(space_of(a, b)[1]))
    if lines != want:
        d.append("stdout:\n    %s\n  expected (sizes from du -sb: %s):\n    %s" % (
            "\n    ".join(lines), ", ".join(str(sizes[e]) for e in (a, b)), "\n    ".join(want)))
    for e in (a, b):
        d += snap_diff(e, before[e], snapshot(e))
    if records_in(xdg["XDG_STATE_HOME"]):
        d.append("a record was written: %s" % records_in(xdg["XDG_STATE_HOME"]))
    g.check("delete --dry-run A B: each path with its size (du -sb), file count and freeable bytes (lstat truth), 'would free' the set's, nothing removed", d)
    return g


def tests(ctx):
    return [("delete refusals", lambda: t_refusals(ctx)), ("delete permissions", lambda: t_permissions(ctx)),
            ("delete dry run", lambda: t_dry_run(ctx))]
