"""The browser and the terminal: resizing, themes and NO_COLOR, every way
out restores the terminal (q, SIGTERM, Ctrl-C), the TERM=dumb / not-a-tty
fallback, the timing log, keys answered while hundreds of envs are scanned,
and names that are not plain text."""

import os
import re
import shutil
import signal
import threading
import time

from browser_kit import (View, done, header_starts, human_size, main_roots, order_diff, session, start,
                           status_has)
from tty import ScreenError, Tty

PROMPT = r"^[$#]( |$)"  # sh -i: '# ' as root, whatever PS1 says
MANY = 500  # the "500 environments stay responsive while scanning"
_many_lock = threading.Lock()


# --------------------------------------------------------------- fixture

def fixture_tasks(fx):
    return [("browser: %d copies of an env" % MANY, lambda: build_many(fx))]


def build_many(fx):
    """MANY copies (cp -a) of one small --without-pip env, flat in one root.
    Not registered as Envs: the truth of 500 identical envs adds nothing."""
    root = os.path.join(fx.base, "browser-many")
    for d in (root, os.path.join(fx.base, "browser-many-src")):
        if os.path.isdir(d):  # a partial copy left by an interrupted run
            shutil.rmtree(d)
    src = fx.fast_venv(os.path.join(fx.base, "browser-many-src", "env"))
    os.makedirs(root)
    for i in range(MANY):
        shutil.copytree(src, os.path.join(root, "env%03d" % i), symlinks=True)
    fx.extra["browser_many"] = {"root": root, "n": MANY}


def many_root(ctx):
    """The copies, made now if the fixtures came from an older --keep run."""
    with _many_lock:
        info = ctx.fx.extra.get("browser_many")
        if not info or len(os.listdir(info["root"])) != MANY:
            build_many(ctx.fx)
        return ctx.fx.extra["browser_many"]["root"]


# ---------------------------------------------------------------- resize

def path_cell_ok(cell, full):
    """A path cell is the whole path or its two ends around one '…'."""
    if cell == full:
        return True
    parts = cell.split("…")
    return len(parts) == 2 and full.startswith(parts[0]) and full.endswith(parts[1]) and len(cell) < len(full)


def t_resize(ctx):
    def run(st):
        root = os.path.join(ctx.fx.tree, "real")
        view = View(ctx, [root])
        order = view.order("size")
        path = {n: t["path"] for n, t in view.t.items()}
        with Tty(ctx.runner, [root], width=100, height=30, tag="b-resize") as t:
            scr = start(t)
            first_titles = list(scr.titles())
            rows = scr.rows()
            d = order_diff(scr.names(), order[:27])
            d += ["%s: path cell %r is not its path %r shortened in the middle" % (r["NAME"], r["PATH"], path[r["NAME"]])
                  for r in rows if not path_cell_ok(r["PATH"], path.get(r["NAME"], ""))]
            if not any("…" in r["PATH"] for r in rows):
                d.append("at 100 columns no path is shortened, yet they are %d+ characters" % min(map(len, path.values())))
            st.check("100x30: 27 rows, paths shortened in the middle with …", d)

            st.at("resize to 200x60")
            t.resize(200, 60)
            want = order[:57]
            scr = t.wait_for(lambda s: s.names() == want and all(r["PATH"] == path[r["NAME"]] for r in s.rows()) and s,
                             what="200x60: %d rows with their whole paths" % len(want))
            st.check("200x60: more rows (%d) and every whole path" % len(want),
                     ["no %s title" % x for x in view.titles() if x not in scr.titles()])

            st.at("resize to 60x20")
            t.resize(60, 20)
            # tmux cuts the old lines at once, the redraw follows: wait for it.
            scr = t.wait_for(lambda s: s.names() == order[:17] and "PATH" in s.titles() and s,
                             what="60x20: 17 rows and a PATH column")
            ti = scr.titles()
            # Issue 16: NAME, SIZE and a short path stay; the decorative
            # columns (LINK, GIT, PKGS, AGE, %, KIND, PYTHON, FLAGS) give way first.
            d = ["no %s title at 60 columns: %r" % (x, scr.line(1)) for x in ("NAME", "SIZE", "PATH") if x not in ti]
            d += ["%s: path cell %r is not its path %r shortened in the middle" % (r["NAME"], r["PATH"], path[r["NAME"]])
                  for r in scr.rows() if not path_cell_ok(r["PATH"], path.get(r["NAME"], ""))]
            st.check("60x20: name, size and a short path stay; the decorative columns give way", d)

            st.at("resize to 20x5")
            t.resize(20, 5)
            scr = t.wait_for(r"Terminal too small", what="'Terminal too small' at 20x5")
            st.check("20x5: 'Terminal too small', '20x5, needs 30x6'",
                     [] if "20x5, needs 30x6" in scr.text else ["screen:\n%s" % scr])

            st.at("back to 100x30")
            t.resize(100, 30)
            scr = t.wait_for(lambda s: s.names() == order[:27] and s, what="100x30: the rows again")
            st.check("back to 100x30: titles (as at the start) and rows again",
                     ["no %s title" % x for x in first_titles if x not in scr.titles()] +
                     ([] if header_starts(scr.line(0), " venvscope  " + view.summary()) else
                      ["header %r" % scr.line(0)]))
    return session("browser resize", run)


# ---------------------------------------------------------------- themes

def header(scr):
    return scr.style_at(0, 1)


def theme_said(scr):
    m = re.search(r"theme: (\S+)", scr.last)
    return m.group(1) if m else None


def colour_styles(scr):
    return sorted({s for s in scr.styles() if s.coloured()}, key=repr)


def t_themes(ctx):
    def run(st):
        roots = [os.path.join(ctx.fx.tree, "broken"), os.path.join(ctx.fx.tree, "stale")]
        runner = ctx.runner
        with Tty(runner, roots, width=100, height=12, tag="b-theme") as t:
            scr = start(t)
            h_def = header(scr)
            st.check("default theme: the header is coloured",
                     [] if h_def.coloured() else ["header style %r" % (h_def,)])
            seen, styles = [], {}
            for _ in range(6):
                t.keys("T")
                # This T's message, not the one before: consecutive names differ.
                scr = t.wait_for(lambda s: theme_said(s) and theme_said(s) != (seen or [None])[-1],
                                 styled=True, what="a new 'theme: NAME' on the status line after T")
                name = theme_said(scr)
                seen.append(name)
                styles[name] = header(scr)
                if name == "default":
                    break
            d = ["T never showed theme %r (saw %s)" % (x, seen) for x in ("light", "mono", "high-contrast")
                 if x not in seen]
            if seen[-1:] != ["default"]:
                d.append("T did not come back to default: %s" % seen)
            elif styles["default"] != h_def:
                d.append("back at default, the header style is %r, at start %r" % (styles["default"], h_def))
            for n in seen[:-1]:
                if styles[n] == h_def:
                    d.append("after T the theme is %s but the header looks as in default (%r)" % (n, h_def))
            st.check("T cycles the themes (%s); the header changes each time" % " -> ".join(seen), d)

        for name in ("light", "mono", "high-contrast"):
            st.at("--theme " + name)
            with Tty(runner, ["--theme", name] + roots, width=100, height=12, tag="b-theme") as t:
                scr = start(t)
                h = header(scr)
                st.check("--theme %s: the header looks as after T to %s, not as in default" % (name, name),
                         ([] if h == styles.get(name) else
                          ["--theme %s header %r, after T %r" % (name, h, styles.get(name))]) +
                         ([] if h != h_def else ["same header as the default theme: %r" % (h,)]))

        st.at("--theme PATH")
        folder = os.path.dirname(runner.make_home("b-theme-file"))
        good = os.path.join(folder, "mine.theme")
        with open(good, "w") as f:
            f.write("# mine\ncolor header red yellow bold\ncolor selected black green\n")
        with Tty(runner, ["--theme", good] + roots, width=100, height=12, tag="b-theme") as t:
            scr = start(t)
            h = header(scr)
            sel = scr.style_at(scr.rows()[0]["y"], 0)
            want_h = (("c", 1), ("c", 3))
            st.check("--theme PATH: its colours (header red on yellow, selected row on green)",
                     ([] if (h.fg, h.bg) == want_h and "bold" in h.attrs else ["header style %r" % (h,)]) +
                     ([] if sel.bg == ("c", 2) else ["selected row style %r" % (sel,)]))
        bad = os.path.join(folder, "bad.theme")
        with open(bad, "w") as f:
            f.write("color header red yellow\ncolour row default default\n")
        for args, words, what in ((["--theme", bad], ["%s:2" % bad, "colour"], "a bad line: names file and line"),
                                  (["--theme", "nosuch"], ["nosuch"], "an unknown theme name")):
            st.at("--theme " + what)
            with Tty(runner, [], width=250, height=12, shell=True, tag="b-theme") as t:
                t.wait_for(PROMPT, what="the shell prompt")
                t.line(t.command_line(args + roots) + "; echo EXITED=$?")
                scr = t.wait_for(r"^EXITED=\d+$", what="venvscope to exit")
                said = "\n".join(l for l in scr.lines if not re.match(PROMPT, l) and not l.startswith("EXITED="))
                st.check("--theme with %s: exit 2 and a message naming it" % what,
                         ([] if "EXITED=2" in scr.text else ["exit: %s" % scr.value.group(0)]) +
                         ["the message does not say %r:\n%s" % (w, scr) for w in words if w not in said])

        st.at("NO_COLOR")
        with Tty(runner, ["--theme", "light"] + roots, width=100, height=12, env={"NO_COLOR": "1"},
                 tag="b-nocolor") as t:
            scr = start(t)
            sel = scr.style_at(scr.rows()[0]["y"], 0)
            st.check("NO_COLOR=1 (even with --theme light): no colour at all, reverse video for the header "
                     "and the selected row",
                     (["colour escape codes on screen: %s" % colour_styles(scr)] if colour_styles(scr) else []) +
                     ([] if "reverse" in header(scr).attrs else ["header style %r" % (header(scr),)]) +
                     ([] if "reverse" in sel.attrs else ["selected row style %r" % (sel,)]))
            t.keys("T")
            t.wait_for(status_has("colours are off"), what="'colours are off' after T")
            st.check("NO_COLOR=1: T says colours are off", [] if not colour_styles(t.screen(styled=True)) else
                     ["colours after T: %s" % colour_styles(t.screen(styled=True))])
    return session("browser themes", run)


# ------------------------------------------------------------- ways out

STTY = "stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo STTY-END"


def child_of(pid, timeout=10):
    """The one child process of pid (the browser the shell started)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            kids = []
        for k in kids:
            try:
                if os.path.basename(os.readlink("/proc/%d/exe" % k)) == "venvscope":
                    return k
            except OSError:
                pass
        time.sleep(0.05)
    raise ScreenError("no venvscope process under the shell (pid %d)" % pid)


def t_exit(ctx, how):
    title = "browser exit by %s" % how

    def run(st):
        roots = [os.path.join(ctx.fx.tree, "stale")]
        with Tty(ctx.runner, [], width=120, height=30, shell=True, tag="b-exit") as t:
            t.wait_for(PROMPT, what="the shell prompt")
            t.line("echo BEFORE-$((40+2))")
            t.wait_for(r"^BEFORE-42$", what="the shell to run a command")
            t.line(t.command_line(roots) + "; echo EXITED=$?")
            start(t)
            st.check("the browser runs on the alternate screen",
                     [] if t.info("#{alternate_on}") == "1" else ["alternate_on is %s" % t.info("#{alternate_on}")])
            if how == "q":
                t.keys("q")
            elif how == "Ctrl-C":
                t.keys("C-c")
            else:
                os.kill(child_of(t.pane_pid()), signal.SIGTERM)
            scr = t.wait_for(r"^EXITED=(\d+)$", what="the shell to print EXITED= after %s" % how)
            rc = re.search(r"^EXITED=(\d+)$", scr.text, re.M).group(1)
            d = []
            if how == "q" and rc != "0":
                d.append("q: exit status %s, expected 0" % rc)
            d += terminal_restored(t, scr)
            st.check("%s: exit status %s; the terminal is as before (normal screen, cursor, echo, "
                     "line editing)" % (how, rc), d)
    return session(title, run)



def terminal_restored(t, scr):
    """What is wrong with the terminal in Tty `t` after the browser left
    (scr: the screen then): the normal screen with the shell's earlier
    lines ("BEFORE-42"), the cursor shown, echo and line editing on."""
    d = []
    if t.info("#{alternate_on}") != "0":
        d.append("still on the alternate screen")
    if "BEFORE-42" not in scr.text:
        d.append("the shell's screen before the browser is gone:\n%s" % scr)
    if t.info("#{cursor_flag}") != "1":
        d.append("the cursor is still hidden")
    t.line(STTY)
    scr = t.wait_for(r"^((?:-?icanon|-?echo) )+STTY-END$", what="stty's modes")
    modes = re.search(r"^((?:-?icanon|-?echo) )+STTY-END$", scr.text, re.M).group(0).split()[:-1]
    if sorted(modes) != ["echo", "icanon"]:
        d.append("terminal modes after the browser: %s (expected icanon echo)" % " ".join(modes))
    if not re.search(PROMPT + r".*STTY-END", scr.text, re.M):
        d.append("the typed command line is not echoed:\n%s" % scr)
    return d

# --------------------------------------------------------------- fallback

def t_dumb(ctx):
    def run(st):
        roots = [os.path.join(ctx.fx.tree, "broken"), os.path.join(ctx.fx.tree, "stale")]
        view = View(ctx, roots)
        order = view.order("size")
        with Tty(ctx.runner, [], width=200, height=30, shell=True, tag="b-dumb") as t:
            t.wait_for(PROMPT, what="the shell prompt")
            t.line("TERM=dumb " + t.command_line(roots) + "; echo EXITED=$?")
            scr = t.wait_for(r"^EXITED=\d+$", timeout=30, what="the fallback to finish")
            lines = scr.lines
            d = [] if "EXITED=0" in scr.text else ["exit status: %s" % re.search(r"EXITED=\d+", scr.text).group(0)]
            if "TERM is 'dumb'; printing the list instead of the browser" not in scr.text:
                d.append("no message saying TERM is dumb and the list is printed instead")
            head = [i for i, l in enumerate(lines) if re.search(r"\bNAME\b.*\bPYTHON\b.*\bSIZE\b", l)]
            if not head:
                d.append("no table header (NAME PYTHON SIZE ...)")
            else:
                got = [n for l in lines[head[0] + 1:] for n in order if view.t[n]["path"] in l]
                d += order_diff(got, order)
            st.check("TERM=dumb: says so and prints the table, by size", d + (["\n%s" % scr] if d else []))
        p = ctx.runner.run(roots)
        out = p.out.decode("utf-8", "replace").splitlines()
        got = [n for l in out[1:] for n in order if view.t[n]["path"] in l]
        st.check("stdout not a terminal: says so on stderr and prints the table, by size",
                 ([] if p.rc == 0 else ["exit %s" % p.rc]) +
                 ([] if "printing the list instead" in p.err_text else ["stderr: %r" % p.err_text]) +
                 order_diff(got, order))
    return session("browser fallback", run)


# ------------------------------------------------------------ timing, load

def poll_file(path, cond, timeout=10):
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            text = ""
        if cond(text):
            return text
        time.sleep(0.05)
    raise ScreenError("%s never had what was expected; it reads %r" % (path, text))


def t_timing(ctx):
    def run(st):
        root = os.path.join(ctx.fx.tree, "real")
        log = os.path.join(os.path.dirname(ctx.runner.make_home("b-timing")), "timing.log")
        with Tty(ctx.runner, [root], width=100, height=30, env={"VENVSCOPE_TIMING_LOG": log},
                 tag="b-timing") as t:
            t.wait_for(lambda s: s.rows(), timeout=30, what="the first row")
            seen_row = (time.time() - t.started) * 1000
            start(t)
            seen_done = (time.time() - t.started) * 1000
            text = poll_file(log, lambda x: "first_row_ms" in x and "scan_done_ms" in x)
            vals = {}
            d = []
            for line in text.splitlines():
                m = re.match(r"^(first_row_ms|scan_done_ms|key_to_frame_ms) (\d+(?:\.\d+)?)$", line)
                if not m:
                    d.append("odd line in the timing log: %r" % line)
                elif m.group(1) == "key_to_frame_ms":
                    d.append("key_to_frame_ms logged, yet no key was pressed: %r" % line)
                elif m.group(1) in vals:
                    d.append("%s logged twice" % m.group(1))
                else:
                    vals[m.group(1)] = float(m.group(2))
            # The binary's clock starts after ours and it draws before we see:
            # its numbers cannot be larger than what we saw (not a speed limit).
            if vals.get("first_row_ms", 0) > seen_row:
                d.append("first_row_ms %s, but the first row was on screen %.0f ms after launch" %
                         (vals["first_row_ms"], seen_row))
            if vals.get("scan_done_ms", 0) > seen_done:
                d.append("scan_done_ms %s, but the totals were on screen %.0f ms after launch" %
                         (vals["scan_done_ms"], seen_done))
            st.check("VENVSCOPE_TIMING_LOG: first row at %s ms, scan done at %s ms (%d envs; seen on screen "
                     "at %.0f / %.0f ms)" % (vals.get("first_row_ms"), vals.get("scan_done_ms"),
                                             len(View(ctx, [root]).t), seen_row, seen_done), d)
    return session("browser timing", run)


def t_responsive(ctx):
    def run(st):
        root = many_root(ctx)
        names = sorted(os.listdir(root))
        log = os.path.join(os.path.dirname(ctx.runner.make_home("b-many-log")), "timing.log")
        with Tty(ctx.runner, ["--sort", "name", root], width=200, height=30, tag="b-many",
                 env={"VENVSCOPE_TIMING_LOG": log}) as t:
            scr = t.wait_for(lambda s: s.rows() and s, timeout=30, what="the first row")
            before = "scanning" in scr.line(0)
            t.keys("j")
            scr = t.wait_for(lambda s: isinstance(s.selected(), int) and s.selected() >= 1 and s, styled=True,
                             timeout=10, what="the selection to move off the first row after j")
            during = "scanning" in scr.line(0)
            d = []
            if during and not re.match(r"^ venvscope  [|/\\-] scanning  \d+ entr(?:y|ies) · \d+ envs? · \S+ \S+ · "
                                       r"\d+\.\ds  in ", scr.line(0)):
                d.append("header while scanning: %r" % scr.line(0))
            sel = scr.rows()[scr.selected()]["NAME"]
            if not sel > scr.rows()[0]["NAME"]:
                d.append("selected %s is not below the first row %s" % (sel, scr.rows()[0]["NAME"]))
            when = ("pressed and answered while the header said scanning" if before and during else
                    "pressed while scanning, answered after" if before else "the scan ended before the first look")
            # The binary's own key-to-frame time, for the record (no limit).
            lat = re.findall(r"^key_to_frame_ms (\S+)$", poll_file(log, lambda x: "key_to_frame_ms" in x), re.M)
            st.check("j moves the selection with %d envs (%s; key to frame %s ms)" % (len(names), when, lat[0]), d)
            scr = t.wait_for(lambda s: done(s) and s, timeout=60, what="the end of the scan")
            st.check("all %d envs counted" % len(names),
                     [] if done(scr).group(4) == str(len(names)) else ["header %r" % scr.line(0)])
            t.keys("g")
            t.wait_for(lambda s: s.selected() == 0 and s.names()[:1] == names[:1], styled=True,
                       what="g: the first row selected")
            t.keys("j", "j", "j")
            scr = t.wait_for(lambda s: s.selected() == 3 and s, styled=True, what="j j j: the fourth row selected")
            st.check("after the scan, g then j j j selects the fourth env by name",
                     order_diff(scr.names()[:4], names[:4]))
    return session("browser responsive", run)


# ----------------------------------------------------------------- names

GENERIC = (".venv", "venv", "env", ".env", "virtualenv", ".virtualenv", "virtualenvs", ".direnv")


def display_rx(path):
    """What a user should read for an env's name: its folder's name, with
    the parent in front when that name says nothing (.venv, venv, env...);
    printable text as is, each invalid byte or control character as \\xNN
    (src/util/textwidth.h)."""
    name = os.path.basename(path)
    if name in GENERIC:
        name = os.path.join(os.path.basename(os.path.dirname(path)), name)
    out = []
    for c in name:
        if "\udc80" <= c <= "\udcff":
            out.append(re.escape("\\x%02x" % (ord(c) - 0xdc00)))
        elif ord(c) < 32 or ord(c) == 127:
            out.append(re.escape("\\x%02x" % ord(c)))
        else:
            out.append(re.escape(c))
    return "^" + "".join(out) + "$"


def t_names(ctx):
    def run(st):
        root = os.path.join(ctx.fx.tree, "names")
        envs = [e for e in ctx.fx.envs if e.listed and e.path.startswith(root + "/")]
        truth = {e.path: ctx.expected(e) for e in envs}
        with Tty(ctx.runner, [root], width=120, height=20, tag="b-names") as t:
            scr = start(t)
            rows = scr.rows()
            d = []
            if len(rows) != len(envs):
                d.append("%d row lines for %d envs:\n%s" % (len(rows), len(envs), scr))
            for e in envs:
                rx = display_rx(e.path)
                hit = [r for r in rows if re.match(rx, r["NAME"])]
                if len(hit) != 1:
                    d.append("name %r: %d rows show it as %s" % (os.path.basename(e.path), len(hit), rx))
                elif hit[0]["PYTHON"] != truth[e.path]["python_version"] or \
                        hit[0]["SIZE"] != human_size(truth[e.path]["size_bytes"]):
                    d.append("row of %r out of its columns: %r" % (os.path.basename(e.path), hit[0]["line"]))
            ctrl = [l for l in scr.lines if re.search(r"[\x00-\x1f\x7f]", l)]
            d += ["control character on screen: %r" % l for l in ctrl]
            st.check("names with spaces, quotes, control characters, bad UTF-8 and accents: one row each, "
                     "readable, columns kept", d)
    return session("browser names", run)


def tests(ctx):
    return ([("browser resize", lambda: t_resize(ctx)), ("browser themes", lambda: t_themes(ctx))] +
            [("browser exit " + h, lambda h=h: t_exit(ctx, h)) for h in ("q", "SIGTERM", "Ctrl-C")] +
            [("browser fallback", lambda: t_dumb(ctx)), ("browser timing", lambda: t_timing(ctx)),
             ("browser responsive", lambda: t_responsive(ctx)), ("browser names", lambda: t_names(ctx))])

