"""Issue 18: shell completions, make install / uninstall, a real .deb.

- Completions (bash by sourcing completions/venvscope.bash and calling
  _venvscope with COMP_WORDS/COMP_CWORD; zsh with compadd captured; fish
  with `complete -C`): the commands are the names src/main.c's table
  runs; each command's flags are exactly the long options the binary
  accepts (found by running it: `CMD --FLAG --help` exits 0, candidates
  from every option table and literal in src/cli and src/main.c), so the
  completions cannot drift from the binary; --sort values and --theme names
  are the lists the binary's own errors name (plus a theme file in
  $VENVSCOPE_THEMES); env paths are the folders holding pyvenv.cfg in a
  tree of real `python -m venv --without-pip` envs (os.walk), relative,
  absolute or under a typed folder; recreate's names are the record
  folders `delete` left (os.listdir).
- `make install PREFIX=/usr DESTDIR=tmp` puts exactly the binary, the man
  page, the themes and the three completions; the installed binary prints
  the VERSION file and lists the tree's envs; `man -l` shows the page with
  its FILES section; the installed bash completion completes; `make
  uninstall` with the same variables leaves none of those files and
  leaves a file of someone else's in venvscope's data folder alone.
- `make deb`: lintian reports no error; unpacked with dpkg -x into a
  throw-away root, the binary runs, `man -l` reads its page, its bash
  completion completes; Depends names the package of every library the
  binary needs (readelf NEEDED + dpkg -S) and that of libgit2, which it
  dlopen()s."""

import glob
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

from harness import Group, clean_environ
from tests_delete import make_venv, ns_script, sandbox, text, workdir
from truth import envs_under

REPO = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
STOCK_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
ENV_CMDS = ("show", "freeze", "delete", "clear", "upgrade", "rebuild", "shell", "gitignore")

_truth = {}
_truth_lock = threading.Lock()


def shell_env(home, xdg, bindir, extra=None):
    env = {"HOME": home, "PATH": bindir + ":" + STOCK_PATH, "TERM": "dumb"}
    env.update(xdg)
    env.update(extra or {})
    return clean_environ(env)


def run(argv, env, cwd, timeout=120, stdin=subprocess.DEVNULL):
    return subprocess.run(argv, cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)


def files_under(top):
    out = set()
    for d, dirs, files in os.walk(top):
        for f in files:
            out.add(os.path.relpath(os.path.join(d, f), top))
    return out


# ------------------------------------------------------------ the truth

def binary_truth(ctx, binary):
    """{"commands", "flags": {cmd: set}, "sorts", "themes"} found by running
    the binary, once per binary."""
    with _truth_lock:
        if binary in _truth:
            return _truth[binary]
        base = workdir(ctx, "install-truth")
        home, xdg = sandbox(base)
        env = clean_environ(dict(xdg, HOME=home))
        main_c = open(os.path.join(REPO, "src", "main.c")).read()
        cmds = re.findall(r'\{"([a-z]+)", cli_[a-z_]+,', main_c)
        required, plain, longopts = set(), set(), set()
        for f in glob.glob(os.path.join(REPO, "src", "cli", "*.c")) + [os.path.join(REPO, "src", "main.c")]:
            t = open(f).read()
            for n, kind in re.findall(r'\{"([a-z0-9][a-z0-9-]*)",\s*(no|required|optional)_argument', t):
                (required if kind == "required" else plain).add(n)
                longopts.add(n)
            plain |= set(re.findall(r'"--([a-z0-9][a-z0-9-]+)"', t))
            plain |= set(re.findall(r'"([a-z][a-z0-9-]+)", &', t))  # parse_env_cmd's flag names
        plain -= required

        def ok(args):
            try:
                return run([binary] + args, env, base, timeout=30).returncode == 0
            except subprocess.TimeoutExpired:
                return False

        def accepted(job):
            cmd, name = job
            pre = [cmd] if cmd else []
            if name in required:
                return any(ok(pre + ["--%s=%s" % (name, v), "--help"]) for v in ("1", "size", "default"))
            return ok(pre + ["--" + name, "--help"])

        names = sorted(required | plain)
        jobs = [(c, n) for c in [""] + cmds for n in names]
        with ThreadPoolExecutor(4) as ex:
            res = list(ex.map(accepted, jobs))
        flags = {c: set() for c in [""] + cmds}
        for (c, n), r in zip(jobs, res):
            if r:
                flags[c].add("--" + n)
        # getopt takes an unambiguous prefix of a long option (--md for
        # --md5): such a prefix is the same option, not one to complete.
        for c in flags:
            flags[c] = {f for f in flags[c]
                        if f[2:] in longopts or not any(g != f and g.startswith(f) for g in flags[c])}
        p = run([binary, "list", "--sort", "no-such-key", base], env, base)
        m = re.search(r"one of ([a-z, ]+);", text(p.stderr))
        sorts = set(m.group(1).split(", ")) if m else set()
        p = run([binary, "list", "--theme", "no-such-theme", base], env, base)
        m = re.search(r"known: ([a-z, -]+);", text(p.stderr))
        themes = set(m.group(1).split(", ")) if m else set()
        _truth[binary] = {"commands": set(cmds), "flags": flags, "sorts": sorts, "themes": themes}
        return _truth[binary]


def make_tree(ctx, base, home):
    """A tree of real envs, one with a space in its name, and a record of a
    deleted one (the deletion guarded when the guard can be set up)."""
    tree = os.path.join(base, "tree")
    for rel in ("alpha", os.path.join("proj", ".venv"), os.path.join("deep", "er", "two words"), "gone"):
        make_venv(ctx.fx.fast, os.path.join(tree, rel), home, "--without-pip")
    os.makedirs(os.path.join(tree, "plain", "folder"))
    return tree


def delete_one(ctx, env_path, home, xdg):
    wrap = ns_script(ctx)
    p = ctx.runner.run(["delete", "--yes", env_path], home=home, cwd=os.path.dirname(env_path),
                       env=xdg, wrap=wrap)
    return [] if p.rc == 0 else ["venvscope delete --yes: %s" % p.describe()]


# ------------------------------------------------------------ the shells

BASH_DRIVER = r'''
source "$1"; shift
cd "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
_venvscope
printf '%s\n' "${COMPREPLY[@]}"
'''

ZSH_DRIVER = r'''
fpath=("$1" $fpath); shift
cd "$1"; shift
autoload -Uz _venvscope
compadd() { while (( $# )) && [[ $1 != -- ]]; do shift; done; shift; print -rl -- "$@"; }
_files() { :; }
words=("$@"); CURRENT=$#
_venvscope
'''


def unq(w):
    return re.sub(r"\\(.)", r"\1", w)


def bash_complete(script, cwd, env, words):
    p = run(["bash", "--norc", "--noprofile", "-c", BASH_DRIVER, "bash", script, cwd] + words, env, cwd)
    return sorted(unq(w) for w in text(p.stdout).splitlines() if w), text(p.stderr)


def zsh_complete(script, cwd, env, words):
    fdir = os.path.join(os.path.dirname(cwd), "zsh-fpath")
    os.makedirs(fdir, exist_ok=True)
    shutil.copy(script, os.path.join(fdir, "_venvscope"))
    p = run(["zsh", "-f", "-c", ZSH_DRIVER, "zsh", fdir, cwd] + words, env, cwd)
    cur = words[-1]
    # zsh filters by the typed prefix itself; the stand-in compadd does not
    return sorted(w for w in text(p.stdout).splitlines() if w and w.startswith(cur)), text(p.stderr)


def fish_complete(script, cwd, env, words):
    line = " ".join(w.replace(" ", "\\ ") for w in words)
    p = run(["fish", "-N", "-c", "source %s; complete -C %s" % (fish_quote(script), fish_quote(line))], env, cwd)
    return sorted(w.split("\t")[0] for w in text(p.stdout).splitlines() if w), text(p.stderr)


def fish_quote(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def check_completion(ctx, g, shell, complete, script, binary):
    """Every case, in `shell`, against the truth."""
    t = binary_truth(ctx, binary)
    base = workdir(ctx, "install-comp-" + shell)
    home, xdg = sandbox(base)
    tree = make_tree(ctx, base, home)
    g.check("%s: setup: a deleted env's record" % shell, delete_one(ctx, os.path.join(tree, "gone"), home, xdg))
    themes_dir = os.path.join(base, "mythemes")
    os.makedirs(themes_dir)
    shutil.copy(os.path.join(REPO, "themes", "default"), os.path.join(themes_dir, "zz-mine"))
    env = shell_env(home, xdg, os.path.dirname(os.path.abspath(binary)), {"VENVSCOPE_THEMES": themes_dir})
    venvscope = "venvscope"
    if os.path.basename(binary) != "venvscope":
        venvscope = binary

    def case(name, words, want, cwd=tree):
        got, err = complete(script, cwd, env, [venvscope] + words)
        want = sorted(want)
        g.check("%s: %s" % (shell, name),
                [] if got == want else ["%s completed %r\n  got:  %r\n  want: %r%s" % (
                    shell, words, got, want, ("\n  stderr: " + err[-400:]) if err.strip() else "")])

    case("commands", [""], t["commands"])
    case("commands by prefix", ["de"], {c for c in t["commands"] if c.startswith("de")})
    for cmd in sorted(t["flags"]):
        words = ([cmd] if cmd else []) + ["--"]
        case("flags of %s" % (cmd or "the browser"), words, t["flags"][cmd])
    case("flags by prefix", ["list", "--no"], {f for f in t["flags"]["list"] if f.startswith("--no")})
    g.check("%s: the binary names its sort keys and themes" % shell,
            [] if t["sorts"] and t["themes"] else ["no list in the --sort / --theme errors"])
    case("--sort values", ["list", "--sort", ""], t["sorts"])
    # a theme file in $VENVSCOPE_THEMES works as a name: the binary takes it
    p = ctx.runner.run(["list", "--paths", "--theme", "zz-mine", tree], home=home, env=dict(xdg, VENVSCOPE_THEMES=themes_dir))
    g.check("%s: setup: zz-mine is a theme the binary takes" % shell, [] if p.rc == 0 else [p.describe()])
    case("--theme names", ["--theme", ""], t["themes"] | {"zz-mine"})
    case("--theme names by prefix", ["show", "--theme", "h"], {n for n in t["themes"] if n.startswith("h")})
    envs = envs_under(tree)
    rel = {os.path.relpath(e, tree) for e in envs}
    for cmd in ENV_CMDS:
        case("env paths of %s" % cmd, [cmd, ""], rel)
    case("env paths under a typed folder", ["show", "deep/"], {r for r in rel if r.startswith("deep/")})
    case("env paths, absolute", ["freeze", tree + "/"], set(envs))
    case("env paths, another cwd", ["delete", "../tree/de"],
         {"../tree/" + r for r in rel if r.startswith("de")}, cwd=os.path.join(base, "home"))
    records = sorted(os.listdir(os.path.join(xdg["XDG_STATE_HOME"], "venvscope", "deleted")))
    g.check("%s: setup: one record" % shell, [] if len(records) == 1 else ["records: %r" % records])
    case("recreate's record names", ["recreate", ""], set(records))


def t_bash(ctx):
    g = Group()
    check_completion(ctx, g, "bash", bash_complete, os.path.join(REPO, "completions", "venvscope.bash"),
                     ctx.runner.binary)
    return g


def t_zsh(ctx):
    g = Group()
    if not shutil.which("zsh"):
        g.skip("install zsh completion", "zsh is not installed (scripts/deps.sh installs it)")
        return g
    check_completion(ctx, g, "zsh", zsh_complete, os.path.join(REPO, "completions", "_venvscope"), ctx.runner.binary)
    return g


def t_fish(ctx):
    g = Group()
    if not shutil.which("fish"):
        g.skip("install fish completion", "fish is not installed (scripts/deps.sh installs it)")
        return g
    check_completion(ctx, g, "fish", fish_complete, os.path.join(REPO, "completions", "venvscope.fish"),
                     ctx.runner.binary)
    return g


# ------------------------------------------------------------ installed copies

def check_installed(ctx, g, what, root, bindir, man_page, bash_script):
    """The installed binary, its man page and its bash completion."""
    base = os.path.dirname(root)
    home, xdg = sandbox(base)
    tree = make_tree(ctx, base, home)
    env = shell_env(home, xdg, bindir)
    version = open(os.path.join(REPO, "VERSION")).read().strip()
    p = run([os.path.join(bindir, "venvscope"), "--version"], env, tree)
    g.check(what + ": the installed binary's --version",
            [] if text(p.stdout).strip() == "venvscope " + version else
            ["printed %r (exit %d), VERSION says %r" % (text(p.stdout + p.stderr)[-300:], p.returncode, version)])
    p = run([os.path.join(bindir, "venvscope"), "list", "--paths", tree], env, tree)
    got, want = text(p.stdout).splitlines(), envs_under(tree)
    g.check(what + ": the installed binary's list --paths",
            [] if sorted(got) == want and p.returncode == 0 else ["got %r (exit %d)\n  want %r" % (got, p.returncode, want)])
    if shutil.which("man"):
        p = run(["man", "-l", "-P", "cat", man_page], dict(env, MANWIDTH="100", MAN_KEEP_FORMATTING=""), tree)
        out = re.sub(r".\x08", "", text(p.stdout))
        miss = [s for s in ("find, inspect and clean up Python virtual environments", "FILES",
                            "share/bash-completion/completions/venvscope") if s not in out]
        g.check(what + ": man -l reads the installed man page",
                [] if p.returncode == 0 and not miss else ["exit %d, missing %r: %s" % (p.returncode, miss, out[:300])])
    else:
        g.skip(what + ": man -l", "man (man-db) is not installed (scripts/deps.sh installs it)")
    got, err = bash_complete(bash_script, tree, env, ["venvscope", "li"])
    g.check(what + ": the installed bash completion, a command",
            [] if got == ["list"] else ["got %r %s" % (got, err[-300:])])
    got, err = bash_complete(bash_script, tree, env, ["venvscope", "show", ""])
    want = sorted(os.path.relpath(e, tree) for e in envs_under(tree))
    g.check(what + ": the installed bash completion, env paths",
            [] if got == want else ["got %r\n  want %r %s" % (got, want, err[-300:])])


def make_env():
    return clean_environ({"PATH": os.environ.get("PATH", STOCK_PATH), "MAKEFLAGS": None, "MFLAGS": None})


def build_dir_of(binary):
    """make's BUILD for the binary under test when it is one of this tree's
    builds (install then copies it, nothing is compiled again)."""
    rel = os.path.relpath(os.path.realpath(binary), REPO)
    d = os.path.dirname(rel)
    return d if rel.startswith("build" + os.sep) and os.path.basename(rel) == "venvscope" else None


def t_make_install(ctx):
    g = Group()
    if not shutil.which("make"):
        g.skip("install make install", "make is not installed")
        return g
    base = workdir(ctx, "install-make")
    dest = os.path.join(base, "dest")
    os.makedirs(os.path.join(dest, "usr", "share", "venvscope"))
    theirs = os.path.join(dest, "usr", "share", "venvscope", "someone-elses-notes")
    with open(theirs, "w") as f:
        f.write("not venvscope's\n")
    before = files_under(dest)
    bd = build_dir_of(ctx.runner.binary)
    var = ["PREFIX=/usr", "DESTDIR=" + dest] + (["BUILD=" + bd] if bd else [])
    p = run(["make", "--no-print-directory", "install"] + var, make_env(), REPO, timeout=900)
    g.check("install: make install PREFIX=/usr DESTDIR=...",
            [] if p.returncode == 0 else ["exit %d: %s" % (p.returncode, text(p.stdout + p.stderr)[-800:])])
    if p.returncode != 0:
        return g
    themes = sorted(os.listdir(os.path.join(REPO, "themes")))
    want = before | {"usr/bin/venvscope", "usr/share/man/man1/venvscope.1",
                     "usr/share/bash-completion/completions/venvscope", "usr/share/zsh/site-functions/_venvscope",
                     "usr/share/fish/vendor_completions.d/venvscope.fish"} | {
                         "usr/share/venvscope/themes/" + t for t in themes}
    got = files_under(dest)
    g.check("install: exactly the binary, man page, themes and completions",
            [] if got == want else ["more: %r\n  missing: %r" % (sorted(got - want), sorted(want - got))])
    check_installed(ctx, g, "install", dest, os.path.join(dest, "usr", "bin"),
                    os.path.join(dest, "usr", "share", "man", "man1", "venvscope.1"),
                    os.path.join(dest, "usr", "share", "bash-completion", "completions", "venvscope"))
    p = run(["make", "--no-print-directory", "uninstall"] + var, make_env(), REPO, timeout=300)
    got = files_under(dest)
    g.check("install: make uninstall leaves only the files that were there before",
            [] if p.returncode == 0 and got == before else
            ["exit %d; left: %r; gone: %r" % (p.returncode, sorted(got - before), sorted(before - got))])
    return g


def deb_tools():
    need = ["dpkg-deb", "dpkg-shlibdeps", "dpkg-buildflags", "lintian", "make", "readelf"]
    return [t for t in need if not shutil.which(t)]


def lib_packages(binary):
    """The packages holding the libraries `binary` needs (NEEDED, resolved
    with ldd), and the one holding libgit2 (dlopen()ed: not NEEDED)."""
    pkgs, notes = set(), []
    ldd = text(subprocess.run(["ldd", binary], stdout=subprocess.PIPE).stdout)
    needed = re.findall(r"\[(lib[^\]]+)\]", text(subprocess.run(["readelf", "-d", binary],
                                                                  stdout=subprocess.PIPE).stdout))
    libs = []
    for so in needed:
        m = re.search(r"^\s*%s => (\S+)" % re.escape(so), ldd, re.M)
        libs.append(m.group(1) if m else None)
        if not m:
            notes.append("%s not found by ldd" % so)
    git2 = glob.glob("/usr/lib/*/libgit2.so.*") + glob.glob("/usr/lib/libgit2.so.*")
    libs += git2[:1]
    if not git2:
        notes.append("no libgit2.so.* under /usr/lib")
    for lib in filter(None, libs):
        # dpkg knows a file by the path its package shipped: the soname's
        # target in the folder ldd named, or that folder with/without /usr
        # (merged /usr makes /lib and /usr/lib one)
        real = os.path.join(os.path.dirname(lib), os.path.basename(os.path.realpath(lib)))
        alt = real[4:] if real.startswith("/usr/") else "/usr" + real
        for cand in (real, alt, os.path.realpath(lib)):
            p = subprocess.run(["dpkg", "-S", cand], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            m = re.match(r"([^:,\s]+)", text(p.stdout))
            if p.returncode == 0 and m:
                pkgs.add(m.group(1))
                break
        else:
            notes.append("dpkg -S finds no package holding %s" % lib)
    return pkgs, notes


def t_deb(ctx):
    g = Group()
    missing = deb_tools()
    if missing:
        g.skip("install deb", "not installed: %s (scripts/deps.sh installs dpkg-dev and lintian)" % ", ".join(missing))
        return g
    base = workdir(ctx, "install-deb")
    p = run(["nice", "make", "--no-print-directory", "deb"], make_env(), REPO, timeout=1200)
    version = open(os.path.join(REPO, "VERSION")).read().strip()
    arch = text(subprocess.run(["dpkg", "--print-architecture"], stdout=subprocess.PIPE).stdout).strip()
    deb = os.path.join(REPO, "build", "venvscope_%s_%s.deb" % (version, arch))
    g.check("deb: make deb builds build/venvscope_VERSION_ARCH.deb",
            [] if p.returncode == 0 and os.path.isfile(deb) else
            ["exit %d, %s: %s" % (p.returncode, deb, text(p.stdout + p.stderr)[-800:])])
    if not os.path.isfile(deb):
        return g
    p = run(["lintian", "--display-info", deb], clean_environ(), base, timeout=600)
    tags = text(p.stdout).splitlines()
    errors = [t for t in tags if t.startswith("E:")]
    g.check("deb: lintian reports no error",
            [] if not errors and p.returncode == 0 else ["exit %d:\n  " % p.returncode + "\n  ".join(tags)])
    root = os.path.join(base, "root")
    p = run(["dpkg", "-x", deb, root], clean_environ(), base)
    g.check("deb: dpkg -x into a throw-away root", [] if p.returncode == 0 else [text(p.stderr)])
    binary = os.path.join(root, "usr", "bin", "venvscope")
    listing = text(run(["dpkg-deb", "-c", deb], clean_environ(), base).stdout)
    miss = [f for f in ("./usr/bin/venvscope", "./usr/share/man/man1/venvscope.1.gz",
                        "./usr/share/doc/venvscope/copyright", "./usr/share/doc/venvscope/README.md",
                        "./usr/share/bash-completion/completions/venvscope",
                        "./usr/share/zsh/vendor-completions/_venvscope",
                        "./usr/share/fish/vendor_completions.d/venvscope.fish")
            + tuple("./usr/share/venvscope/themes/" + t for t in os.listdir(os.path.join(REPO, "themes")))
            if not re.search(r" %s$" % re.escape(f), listing, re.M)]
    g.check("deb: holds the binary, man page, themes, completions, README and copyright", miss)
    owner = [l for l in listing.splitlines() if not l.split()[1].startswith("root/root")]
    g.check("deb: every file is root's", owner)
    f = text(subprocess.run(["file", "-b", binary], stdout=subprocess.PIPE).stdout) if shutil.which("file") else ""
    if f:
        g.check("deb: the binary is stripped", [] if "not stripped" not in f and "stripped" in f else [f])
    check_installed(ctx, g, "deb", root, os.path.join(root, "usr", "bin"),
                    os.path.join(root, "usr", "share", "man", "man1", "venvscope.1.gz"),
                    os.path.join(root, "usr", "share", "bash-completion", "completions", "venvscope"))
    depends = text(run(["dpkg-deb", "-f", deb, "Depends"], clean_environ(), base).stdout)
    names = {re.split(r"[\s(]", d.strip())[0] for d in depends.split(",") if d.strip()}
    want, notes = lib_packages(binary)
    g.check("deb: Depends names the package of every library the binary loads (libgit2 too)",
            notes + ([] if want and want <= names else ["Depends: %s\n  want every one of %r" % (depends.strip(), sorted(want))]))
    return g


def tests(ctx):
    return [("install deb", lambda: t_deb(ctx)), ("install make install", lambda: t_make_install(ctx)),
            ("install completion bash", lambda: t_bash(ctx)), ("install completion zsh", lambda: t_zsh(ctx)),
            ("install completion fish", lambda: t_fish(ctx))]


__all__ = ["tests"]
