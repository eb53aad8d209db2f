"""Issue 18's keys: g/Home and G/End wherever a list or page scrolls (the
list, the details, the help, the caches, the duplicates, the Pythons), the
ncdu-style keys (i info, n and M sorts, I for git ignore), and the key
tables of README.md and doc/venvscope.1 equal to what the binary prints
(`venvscope --print-keys`), so they cannot drift from the dispatcher.

The truth of each view is the same view on a screen tall enough to show
it whole (or the CLI twin's order): End must show its last rows, Home its
first. Rebinding from the config file is wired by the integrator: its e2e
test comes then; tests/unit/test_keymap.c tests ui_keymap_bind now."""

import glob
import os
import re
import subprocess

from browser_kit import done, session, start
from harness import Group, clean_environ, fresh_dir
from tests_browser_keys import XTERM_KEYS, Rows
from tests_dupes import line_of, pip_wheel, write_wheel
from tty import Tty

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def press(t, key):
    """Home and End as xterm sends them; any other key by tmux's name."""
    if key in XTERM_KEYS:
        t.type(XTERM_KEYS[key])
    else:
        t.keys(key)


def body(scr, first=1):
    """The lines between `first` and the status line, right-stripped."""
    return [scr.line(y).rstrip() for y in range(first, scr.height - 1)]


def trimmed(lines):
    while lines and not lines[-1]:
        lines = lines[:-1]
    return lines


def highlighted(scr, first):
    """The text of the highlighted lines (the cursor) from line `first`."""
    return [scr.line(y).strip() for y in range(first, scr.height - 1) if scr.style_at(y, 1).highlighted()]


def block(path, begin, end):
    """The lines of `path` strictly between the line starting with `begin`
    and the next starting with `end`, or None."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    try:
        a = next(i for i, l in enumerate(lines) if l.startswith(begin))
        b = next(i for i in range(a + 1, len(lines)) if lines[i].startswith(end))
    except StopIteration:
        return None
    return "\n".join(lines[a + 1:b]) + "\n"


# ------------------------------------------------------------ the tables

def t_tables(ctx):
    g = Group()
    for fmt, path, begin, end in (("md", "README.md", "<!-- keys: venvscope --print-keys", "<!-- end of keys -->"),
                                  ("man", "doc/venvscope.1", '.\\" keys: venvscope --print-keys=man',
                                   '.\\" end of keys')):
        p = ctx.runner.run(["--print-keys=%s" % fmt])
        out = p.out.decode("utf-8", "replace")
        want = block(os.path.join(TOP, path), begin, end)
        d = [] if p.rc == 0 else ["exit %s: %s" % (p.rc, p.describe())]
        if want is None:
            d.append("%s has no block between %r and %r" % (path, begin, end))
        elif out != want:
            a, b = out.split("\n"), want.split("\n")
            i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            d.append("line %d: the binary prints %r, %s has %r (scripts/update-keys.sh rewrites it)"
                     % (i + 1, a[i] if i < len(a) else "(end)", path, b[i] if i < len(b) else "(end)"))
        for must in ("`G`", "`End`", "`info`", "`gitignore`", "`shell`", "In the help (?)") if fmt == "md" else (
                ".SS \"In the help (?)\"", "End G"):
            if must not in out:
                d.append("--print-keys=%s does not show %r" % (fmt, must))
        g.check("%s's key table is what `venvscope --print-keys=%s` prints" % (path, fmt), d)
    p = ctx.runner.run(["--print-keys=html"])
    err = p.err.decode("utf-8", "replace")
    g.check("--print-keys=html: exit 2 naming the formats",
            [] if p.rc == 2 and "html" in err and "md or man" in err else [p.describe()])
    return g


# ---------------------------------------------- list, details, help, keys

def t_list_pages(ctx):
    def run(st):
        tree = Rows(ctx, "k18-list-tree", 24)
        order = tree.order
        H, TALL = 12, 60
        with Tty(ctx.runner, [tree.root], width=100, height=H, tag="k18-list") as t:
            start(t)
            st.at("list: End, Home")
            for key, idx in (("End", len(order) - 1), ("Home", 0), ("G", len(order) - 1), ("g", 0)):
                press(t, key)
                scr = t.wait_for(lambda s: s.selected() is not None and s.names()[s.selected()] == order[idx]
                                 and s, styled=True, what="%s: %s selected" % (key, order[idx]))
                st.check("list %s: %s (row %d of %d, by size) selected and on screen" % (key, order[idx], idx,
                                                                                        len(order)), [])

            st.at("details: the whole page on a tall screen")
            t.keys("Enter")
            t.wait_for(lambda s: re.match(r" Esc (q )?back", s.last), what="the details")
            t.resize(100, TALL)
            scr = t.wait_for(lambda s: s.height == TALL and re.match(r" Esc (q )?back", s.last) and s,
                             what="the details, tall")
            full = trimmed(body(scr))
            t.resize(100, H)
            h = H - 2
            # tmux shows the old screen's last rows until venvscope draws again
            # at the new size (a key sent before that is read at the old size):
            # wait for the page's first lines under the header.
            scr = t.wait_for(lambda s: s.height == H and re.match(r" Esc (q )?back", s.last)
                             and body(s)[:h] == full[:h] and s, what="the details, short, drawn again")
            st.check("the details are longer than the short screen (%d lines, %d shown)" % (len(full), h),
                     [] if len(full) > h else ["only %d lines" % len(full)])
            for key, want in (("End", full[-h:]), ("Home", full[:h]), ("G", full[-h:]), ("g", full[:h])):
                press(t, key)
                scr = t.wait_for(lambda s: body(s)[:h] == want and s, what="details %s: lines %s" % (
                    key, "last" if key in ("End", "G") else "first"))
                st.check("details %s: the %s %d lines of the page" % (
                    key, "last" if key in ("End", "G") else "first", h), [])

            st.at("help: End, Home, G, g")
            t.keys("Escape")
            t.wait_for(lambda s: "NAME" in s.titles(), what="the list")
            t.keys("?")
            t.wait_for(r"^ In the list", what="the help")
            last = "click selects a row, double-click opens it, the wheel scrolls"
            for key in ("End", "Home", "G", "g"):
                press(t, key)
                if key in ("End", "G"):
                    scr = t.wait_for(lambda s: s.line(H - 2).strip() == last and s,
                                     what="help %s: its last line %r at the bottom" % (key, last))
                    d = [] if scr.line(H - 3).strip() == "Mouse" else ["above it: %r" % scr.line(H - 3)]
                    st.check("help %s: the last lines (Mouse, %r) at the bottom" % (key, last), d)
                else:
                    t.wait_for(lambda s: s.line(1).strip() == "In the list", what="help %s: its first line" % key)
                    st.check("help %s: 'In the list' on the first line" % key, [])

            st.at("help: the new keys and their action names")
            t.resize(100, TALL)
            seen = []
            scr = t.wait_for(lambda s: s.height == TALL and s, what="the help, tall")
            for _ in range(6):
                seen += body(scr)
                if any(l.strip() == "Mouse" for l in seen):
                    break
                t.keys("NPage")
                prev = scr.text
                scr = t.wait_for(lambda s: s.text != prev and s, what="the next help page")
            want = {"i": "info", "I": "gitignore", "n": "sort-name", "M": "sort-used", "b": "shell",
                    "End G": "end", "Home g": "home"}
            d = []
            for keys, name in want.items():
                if not any(re.match(r"^   %s\s+%s\s" % (re.escape(keys), re.escape(name)), l) for l in seen):
                    d.append("no help line with keys %r and action %r" % (keys, name))
            st.check("help lists i info, I gitignore, n sort-name, M sort-used, b shell, End G end", d)
            t.keys("Escape")
            t.wait_for(lambda s: "NAME" in s.titles(), what="the list")
            t.resize(100, H)
            t.wait_for(lambda s: s.height == H and "NAME" in s.titles(), what="the list, short")

            st.at("i: the details (as ncdu's info), i again: back")
            t.keys("g", "i")
            scr = t.wait_for(lambda s: re.match(r" Esc (q )?back", s.last) and s, what="the details after i")
            d = [] if order[0] in scr.text else ["the details do not name %s" % order[0]]
            st.check("i opens the selected env's details", d)
            t.keys("i")
            t.wait_for(lambda s: "NAME" in s.titles(), what="the list after i in the details")
            st.check("i in the details goes back to the list", [])

            st.at("n: by name, n again: reversed")
            byname = sorted(order)
            for want, what in ((byname, "by name"), (byname[::-1], "by name, reversed")):
                t.keys("n", "g")
                scr = t.wait_for(lambda s: s.names() == want[:len(s.names())] and s.names() and s,
                                 what="n: rows %s" % what)
                st.check("n: the rows %s (the first %d of %d)" % (what, len(scr.names()), len(want)), [])

            st.at("M: by last used, as `list --sort used`")
            p = ctx.runner.run(["list", "--json", "--sort", "used", tree.root], home=t.home)
            used = [os.path.basename(r["path"]) for r in p.json()]
            t.keys("M", "g")
            scr = t.wait_for(lambda s: s.names() == used[:len(s.names())] and s.names() and s,
                             what="M: rows in `list --sort used` order %s" % used[:5])
            st.check("M: the rows in last-used order, as `venvscope list --sort used`", [])

            st.at("I: git ignore (not a repository here: it says so); i no longer asks it")
            t.keys("I")
            scr = t.wait_for(lambda s: "git" in s.last.lower() and s, what="I: a word from git ignore")
            st.check("I runs git ignore (the status line: %r)" % scr.last.strip(), [])
    return session("keys18 browser list details help", run)


def t_name_sort(ctx):
    """n sorts by the names the rows show: a .venv row reads "proj/.venv",
    so it sorts under p, not before every other name (as its bare folder
    name ".venv" would). `list --sort name`, which shows the folder name
    and the path, keeps sorting by the folder name."""
    def run(st):
        src = os.path.join(ctx.fx.tree, "real", ctx.fx.fast.label + "-nopip")
        root = os.path.join(os.path.dirname(ctx.runner.make_home("k18-names-tree")), "root")
        rel = ["alpha", "proj/.venv", "other/.venv", "mid/venv", "zeta", "bee/env"]
        for r in rel:
            os.makedirs(os.path.dirname(os.path.join(root, r)), exist_ok=True)
            subprocess.run(["cp", "-a", src, os.path.join(root, r)], check=True)
        shown = sorted(r if os.path.basename(r) in (".venv", "venv", "env") else os.path.basename(r) for r in rel)
        with Tty(ctx.runner, [root], width=100, height=14, tag="k18-names") as t:
            start(t)
            for want, what in ((shown, "A to Z"), (shown[::-1], "Z to A")):
                t.keys("n", "g")
                scr = t.wait_for(lambda s: s.names() == want and s, what="n: rows %s %s" % (what, want))
                st.check("n: the rows by the names they show, %s: %s" % (what, ", ".join(scr.names())), [])
        p = ctx.runner.run(["list", "--json", "--sort", "name", root], home=t.home)
        got = [os.path.relpath(r["path"], root) for r in p.json()]
        want = sorted(rel, key=lambda r: (os.path.basename(r), os.path.join(root, r)))
        st.check("list --sort name: by folder name, then path (%s)" % ", ".join(got),
                 [] if got == want else ["got %s, want %s" % (got, want)])
    return session("keys18 browser name sort", run)


# ------------------------------------------------------------- caches

CACHES = [("pip", ".cache/pip"), ("uv", ".cache/uv"), ("poetry", ".cache/pypoetry"), ("pipenv", ".cache/pipenv"),
          ("pdm", ".cache/pdm"), ("hatch", ".cache/hatch"), ("virtualenv", ".local/share/virtualenv")]


def t_caches(ctx):
    def run(st):
        base = fresh_dir(ctx.base, "keys18", "caches")
        home = os.path.join(base, "home")
        for i, (_, sub) in enumerate(CACHES):
            d = os.path.join(home, sub, "x")
            os.makedirs(d)
            with open(os.path.join(d, "f"), "wb") as f:
                f.write(b"c" * (4096 * (i + 1)))
        env = {"XDG_CACHE_HOME": os.path.join(home, ".cache"), "XDG_DATA_HOME": os.path.join(home, ".local/share"),
               "HOME": home}
        root = os.path.join(base, "root")
        os.makedirs(root)
        cli = ctx.runner.run(["caches", "--json"], home=home, env=env).json()
        tools = [r["tool"] for r in cli]
        st.check("the CLI finds the %d caches made" % len(CACHES),
                 [] if sorted(tools) == sorted(c for c, _ in CACHES) else ["caches --json: %s" % tools])
        H = 8  # 5 rows for 7 caches
        with Tty(ctx.runner, [root], width=120, height=H, env=env, tag="k18-caches") as t:
            start(t)
            st.at("caches: End, Home, G, g")
            t.keys("C")
            t.wait_for(lambda s: "FREEABLE" in s.text and s.line(2).split()[:1] == [tools[0]],
                       what="the caches view")
            for key, tool in (("End", tools[-1]), ("Home", tools[0]), ("G", tools[-1]), ("g", tools[0])):
                press(t, key)
                scr = t.wait_for(lambda s: [l.split()[0] for l in highlighted(s, 2) if l] == [tool] and s,
                                 styled=True, what="caches %s: %s selected" % (key, tool))
                d = []
                if key in ("End", "G") and scr.line(H - 2).split()[:1] != [tool]:
                    d.append("the bottom row is %r" % scr.line(H - 2))
                st.check("caches %s: %s (the CLI's %s row) selected and on screen" % (
                    key, tool, "last" if key in ("End", "G") else "first"), d)
    return session("keys18 browser caches", run)


# ---------------------------------------------------------- duplicates

def t_dupes(ctx):
    def run(st):
        base = fresh_dir(ctx.base, "keys18", "dupes")
        exe = ctx.fx.fast.exe
        pipw = pip_wheel(exe)
        if not pipw:
            st.g.skip("keys18 browser dupes", "no pip wheel for %s" % exe)
            return
        wheels = os.path.join(base, "wheels")
        os.makedirs(wheels)
        whls = [write_wheel(wheels, "kdup%02d" % i, "1.0", {"kdup%02d/data.bin" % i: bytes([i]) * (1000 * (i + 1))})
                for i in range(12)]
        root = os.path.join(base, "root")
        for n in ("a", "b"):
            env = os.path.join(root, n)
            subprocess.run([exe, "-m", "venv", "--without-pip", env], check=True)
            subprocess.run([os.path.join(env, "bin", "python"), os.path.join(pipw, "pip"), "install", "-q",
                            "--no-index", "--no-deps", "--disable-pip-version-check", "--no-compile"] + whls,
                           check=True, env=clean_environ(), stdout=subprocess.DEVNULL)
        groups = ctx.runner.run(["dupes", "--json", root]).json()
        lines = ["▸ " + line_of(g) for g in groups]
        st.check("12 groups to scroll through", [] if len(groups) == 12 else ["dupes --json: %d groups" % len(groups)])
        H = 10  # 7 lines for 12 groups
        with Tty(ctx.runner, [root], width=200, height=H, tag="k18-dupes") as t:
            start(t)
            st.at("dupes: End, Home, G, g")
            t.keys("D")
            t.wait_for(lambda s: s.line(2).strip() == lines[0], what="the duplicates view, counted")
            for key, want in (("End", lines[-1]), ("Home", lines[0]), ("G", lines[-1]), ("g", lines[0])):
                press(t, key)
                scr = t.wait_for(lambda s: highlighted(s, 2) == [want] and s, styled=True,
                                 what="dupes %s: %r selected" % (key, want))
                d = []
                if key in ("End", "G") and scr.line(H - 2).strip() != want:
                    d.append("the bottom line is %r" % scr.line(H - 2))
                if key in ("Home", "g") and scr.line(2).strip() != want:
                    d.append("the top line is %r" % scr.line(2))
                st.check("dupes %s: the %s group (as `dupes --json` orders them) selected and on screen" % (
                    key, "last" if key in ("End", "G") else "first"), d)
    return session("keys18 browser dupes", run)


# ------------------------------------------------------------- Pythons

def t_pythons(ctx):
    import tests_pythons

    def run(st):
        try:
            root, _, pathbin, _, _ = tests_pythons.build(ctx, "keys18")
        except LookupError as e:
            st.g.skip("keys18 browser pythons", str(e))
            return
        env = tests_pythons.run_env(pathbin)
        H, TALL = 6, 40
        with Tty(ctx.runner, [root], width=160, height=TALL, env=env, tag="k18-pythons") as t:
            start(t)
            st.at("pythons: End, Home, G, g")
            t.keys("P")
            scr = t.wait_for(lambda s: tests_pythons.cursor_line(s) and "Pythons" in s.text and s,
                             what="the Pythons view")
            rows = [scr.line(y).rstrip() for y in range(3, TALL - 1) if scr.line(y).strip()]
            rows = [r[1:].strip() for r in rows]
            t.resize(160, H)
            t.wait_for(lambda s: s.height == H, what="the short screen")
            for key, want in (("End", rows[-1]), ("Home", rows[0]), ("G", rows[-1]), ("g", rows[0])):
                press(t, key)
                scr = t.wait_for(lambda s: (tests_pythons.cursor_line(s) or "")[1:].strip() == want and s,
                                 what="pythons %s: %r under the cursor" % (key, want))
                st.check("pythons %s: the %s of %d interpreters (as the tall screen lists them) selected" % (
                    key, "last" if key in ("End", "G") else "first", len(rows)), [])
    return session("keys18 browser pythons", run)


def tests(ctx):
    return [("keys18 tables", lambda: t_tables(ctx)),
            ("keys18 browser list details help", lambda: t_list_pages(ctx)),
            ("keys18 browser name sort", lambda: t_name_sort(ctx)),
            ("keys18 browser caches", lambda: t_caches(ctx)),
            ("keys18 browser dupes", lambda: t_dupes(ctx)),
            ("keys18 browser pythons", lambda: t_pythons(ctx))]
