"""Where `freeze` writes, and when it must ask first (issue 13, item 4).

A real venv with pip and two hand-made packages; the truth is its own
`pip freeze` (PIP_* unset). `.project` pointing at another project (an
absolute path, and `../../p` relative to the env, from a folder where
`../../p` names a decoy) and a differing requirements.txt in the env's own
parent folder: without --yes, exit 2 with the file named and the old
bytes kept; with --yes the file is the freeze and the old content is in
FILE~; the same content is 'up to date' and untouched. The browser's `f`
asks in a dialog naming the file and the changed lines: n keeps it, y
writes it with FILE~."""

import os
import re

from browser_kit import session, start, wait_rows
from harness import Group
from tests_delete import expect_rc, make_venv, sandbox, sh, site_packages, workdir, write
from tty import Tty

OLD = b"requests==2.0.0\nalpha==0.9\n"


def env_with_packages(ctx, path, home):
    env = make_venv(ctx.fx.fast, path, home)
    sp = site_packages(env)
    for pkg, ver in (("alpha", "1.0"), ("beta_pkg", "2.5")):
        di = os.path.join(sp, "%s-%s.dist-info" % (pkg, ver))
        write(os.path.join(di, "METADATA"), "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (pkg, ver))
        write(os.path.join(di, "INSTALLER"), "pip\n")
        write(os.path.join(di, "RECORD"), "")
    return env


def pip_freeze(env, home):
    p = sh([os.path.join(env, "bin", "python"), "-m", "pip", "freeze"], home, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("pip freeze failed: %s" % p.stderr.decode(errors="replace")[-300:])
    return p.stdout


def read(path):
    with open(path, "rb") as f:
        return f.read()


def mtime(path):
    return os.stat(path).st_mtime_ns


def refused(p, target, old_bytes):
    """Exit 2, stderr names the file and says --yes and -o, file kept."""
    d = expect_rc(p, 2)
    err = p.err_text
    for w in (target, "--yes", "-o FILE"):
        if w not in err:
            d.append("stderr does not say %r: %r" % (w, err[-400:]))
    if old_bytes is None:
        if os.path.lexists(target):
            d.append("%s was created" % target)
    elif read(target) != old_bytes:
        d.append("%s was changed: %r" % (target, read(target)))
    if os.path.lexists(target + "~"):
        d.append("%s~ was made although nothing was written" % target)
    return d


def written(p, target, want, old_bytes):
    d = expect_rc(p, 0)
    if not os.path.isfile(target) or read(target) != want:
        d.append("%s holds %r; pip freeze says %r" % (
            target, read(target) if os.path.isfile(target) else None, want))
    if old_bytes is not None:
        if not os.path.isfile(target + "~") or read(target + "~") != old_bytes:
            d.append("%s~ does not hold the old content %r" % (target, old_bytes))
        elif target + "~" not in p.err_text:
            d.append("stderr does not say the old one is kept as %s~: %r" % (target, p.err_text[-300:]))
    return d


NO_PIP = "the fast Python cannot make a venv with pip (no ensurepip), and pip freeze is the truth here"


def t_cli(ctx):
    g = Group()
    base = workdir(ctx, "freeze-target")
    home, xdg = sandbox(base)
    try:
        env = env_with_packages(ctx, os.path.join(base, "proj", "envs", "env"), home)
    except RuntimeError:
        g.skip("freeze: writing into another project or over a differing file needs --yes", NO_PIP)
        return g
    want = pip_freeze(env, home)
    run = ctx.runner.run

    # .project (absolute) -> another project holding a requirements.txt.
    other = os.path.join(base, "otherproj")
    target = os.path.join(other, "requirements.txt")
    write(target, OLD)
    write(os.path.join(env, ".project"), other + "\n")
    p = run(["freeze", env], home=home, env=xdg)
    d = refused(p, target, OLD)
    if "otherproj" not in p.err_text or ".project" not in p.err_text:
        d.append("stderr does not say the file belongs to another project (.project): %r" % p.err_text[-400:])
    g.check("freeze ENV whose .project names another project with a requirements.txt: exit 2, names the file, "
            "says --yes / -o FILE, the file untouched", d)
    p = run(["freeze", "--yes", env], home=home, env=xdg)
    g.check("freeze --yes then writes it (= pip freeze) and keeps the old content as requirements.txt~",
            written(p, target, want, OLD))
    os.utime(target, ns=(1, 10**18))
    p = run(["freeze", env], home=home, env=xdg)
    d = expect_rc(p, 0)
    if "up to date" not in p.err_text or mtime(target) != 10**18:
        d.append("not 'up to date' or rewritten: %r" % p.err_text[-300:])
    g.check("freeze again (same content, another project, no --yes): 'up to date', exit 0, nothing written", d)

    # A new file in another project needs a yes too.
    fresh = os.path.join(base, "fresh")
    os.makedirs(fresh)
    write(os.path.join(env, ".project"), fresh + "\n")
    p = run(["freeze", env], home=home, env=xdg)
    g.check("freeze ENV whose .project names another project without a requirements.txt: exit 2, nothing created",
            refused(p, os.path.join(fresh, "requirements.txt"), None))

    # ../../p relative to the env, run from a folder where ../../p is a decoy.
    rel = os.path.join(base, "proj", "p")
    os.makedirs(rel)
    cwd = os.path.join(base, "work", "a", "b")
    os.makedirs(cwd)
    decoy = os.path.join(base, "work", "p", "requirements.txt")
    write(decoy, b"decoy==1\n")
    write(os.path.join(env, ".project"), "../../p\n")
    p = run(["freeze", "--yes", env], home=home, env=xdg, cwd=cwd)
    d = written(p, os.path.join(rel, "requirements.txt"), want, None)
    if read(decoy) != b"decoy==1\n":
        d.append("the decoy %s (../../p from the current folder) was changed" % decoy)
    g.check("a relative .project (../../p) is taken from the env's folder, not the current one", d)

    # The env's own parent folder with a differing file.
    os.unlink(os.path.join(env, ".project"))
    own = os.path.join(base, "proj", "envs", "requirements.txt")
    write(own, OLD)
    p = run(["freeze", env], home=home, env=xdg)
    g.check("freeze ENV over a differing requirements.txt in its own folder: exit 2, file untouched",
            refused(p, own, OLD))
    p = run(["freeze", "--yes", env], home=home, env=xdg)
    g.check("freeze --yes over it: written, the old content in requirements.txt~", written(p, own, want, OLD))
    return g


def t_browser(ctx):
    title = "freeze browser: f on an env whose .project names another project"

    def run(st):
        base = workdir(ctx, "freeze-browser")
        home = os.path.join(base, "home")
        root = os.path.join(base, "root")
        try:
            env = env_with_packages(ctx, os.path.join(root, "fenv"), home)
        except RuntimeError:
            st.g.skip(title, NO_PIP)
            return
        want = pip_freeze(env, home)
        other = os.path.join(base, "otherproj")
        target = os.path.join(other, "requirements.txt")
        write(target, OLD)
        write(os.path.join(env, ".project"), other + "\n")
        with Tty(ctx.runner, [root], width=160, height=40, tag="f-browser") as t:
            start(t)
            wait_rows(t, ["fenv"], "the scan")
            st.at("f opens the dialog")
            t.keys("f")
            scr = t.wait_for(re.escape("requirements.txt of another project"), what="the freeze dialog")
            d = []
            for w in (target, "+ alpha==1.0", "- requests==2.0.0", "y write it", "n keep the file"):
                if w not in scr.text:
                    d.append("the dialog does not show %r" % w)
            st.check("f: the dialog names the file, the lines added and removed, y and n",
                     d + (["the dialog:\n%s" % scr] if d else []))
            t.keys("n")
            t.wait_for(lambda s: "requirements.txt of another project" not in s.text, what="the dialog to close")
            st.check("n: the file keeps its content, no requirements.txt~",
                     ([] if read(target) == OLD else ["changed: %r" % read(target)]) +
                     (["%s~ made" % target] if os.path.lexists(target + "~") else []))
            t.keys("f")
            t.wait_for(re.escape("requirements.txt of another project"), what="the freeze dialog again")
            t.keys("y")
            scr = t.wait_for(lambda s: "wrote %s" % target in s.last and s, what="'wrote FILE' on the status line")
            d = [] if read(target) == want else ["%s holds %r, pip freeze %r" % (target, read(target), want)]
            if not os.path.isfile(target + "~") or read(target + "~") != OLD:
                d.append("%s~ does not hold the old content" % target)
            st.check("y: written (= pip freeze), the old content in requirements.txt~", d)
    return session(title, run)


def tests(ctx):
    return [("freeze target", lambda: t_cli(ctx)), ("freeze target browser", lambda: t_browser(ctx))]


__all__ = ["tests"]
