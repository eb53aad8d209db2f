"""The browser's keys in a real terminal: moving (j k arrows PgUp PgDn Home
End g G, also Home/End as tmux sends them), marks and their total, r and R
on a tree of their own, the mouse, the help screen."""

import os
import re
import subprocess

from browser_kit import (done, human_size, marked_text, order_diff, sel_name, session, set_filter,
                         start, status_has, status_marked, wait_rows)
from tty import ScreenError, Tty


class Rows:
    """A tree of its own for the keys and the mouse: n copies (cp -a) of one
    --without-pip env, each padded to its own size so the size order is not
    the name order. One Python is enough, so the test does not depend on how
    many the machine has. Every fifth name ends in -pickrow (a filter picks
    those), the others in -restrow; the truth is du -sb of each copy.
    .order is the browser's size order (largest first, then the path);
    .size (du -sb), .disk (du -s in bytes) and .path by name."""

    def __init__(self, ctx, tag, n):
        src = os.path.join(ctx.fx.tree, "real", ctx.fx.fast.label + "-nopip")
        self.root = os.path.join(os.path.dirname(ctx.runner.make_home(tag)), "root")
        os.makedirs(self.root)
        self.size, self.path, self.disk = {}, {}, {}
        for i in range(n):
            name = "keys-%02d-%s" % (i, "pickrow" if i % 5 == 0 else "restrow")
            p = os.path.join(self.root, name)
            subprocess.run(["cp", "-a", src, p], check=True)
            with open(os.path.join(p, "pad.bin"), "wb") as f:
                f.write(b"\1" * (1000 * ((i * 7) % n + 1)))
            self.size[name], self.path[name] = du_b(p), p
            self.disk[name] = int(subprocess.run(["du", "-s", "--block-size=1", p], stdout=subprocess.PIPE,
                                                 check=True).stdout.split()[0])
        self.order = sorted(self.size, key=lambda x: (-self.size[x], self.path[x]))


def t_marks(ctx):
    def run(st):
        H = 16  # a short screen, so a modest tree still pages twice
        h = H - 3  # list rows: the screen less header, titles, status
        tree = Rows(ctx, "b-marks-tree", 2 * h + 4)
        root, order = tree.root, tree.order
        with Tty(ctx.runner, [root], width=100, height=H, tag="b-marks") as t:
            start(t)
            # Home and End as xterm sends them (TERM=xterm-256color); what
            # tmux sends for them is checked at the end.
            moves = [("j", 1), ("Down", 2), ("k", 1), ("Up", 0), ("G", len(order) - 1), ("g", 0),
                     ("NPage", h - 1), ("NPage", 2 * (h - 1)), ("PPage", h - 1), ("End", len(order) - 1),
                     ("Home", 0)]
            for key, idx in moves:
                st.at("key %s" % key)
                if key in XTERM_KEYS:
                    t.type(XTERM_KEYS[key])
                else:
                    t.keys(key)
                scr = t.wait_for(lambda s: sel_name(s) == order[idx] and s, styled=True,
                                 what="%s: %s selected (row %d of the size order)" % (key, order[idx], idx))
                rows = scr.names()
                st.check("%s: row %d (%s) selected and on screen" % (key, idx, order[idx]),
                         [] if len(rows) == h else ["%d rows on a %d-line screen, expected %d" % (len(rows), H, h)])
            sizes = [tree.disk[n] for n in order]  # the marks' total: disk usage, freeable's unit
            st.at("Space marks")
            t.keys("Space")
            scr = t.wait_for(status_marked(1, human_size(sizes[0])), styled=True,
                             what="'1 marked · X freeable of %s' on the status line" % human_size(sizes[0]))
            st.check("Space: '1 marked · X freeable of SIZE', the cursor moves down",
                     [] if sel_name(scr) == order[1] else ["selected %s, expected %s" % (sel_name(scr), order[1])])
            t.keys("Space")
            want = marked_text(2, human_size(sizes[0] + sizes[1]))
            scr = t.wait_for(status_marked(2, human_size(sizes[0] + sizes[1])), what="%r on the status line" % want)
            marks = [r["NAME"] for r in scr.rows() if r["mark"] == "*"]
            st.check("Space twice: %r, '*' on both rows" % want,
                     [] if marks == order[:2] else ["rows marked '*': %s, expected %s" % (marks, order[:2])])
            t.keys("k", "Space")
            want1 = marked_text(1, human_size(sizes[0]))
            scr = t.wait_for(status_marked(1, human_size(sizes[0])), what="%r after unmarking the second" % want1)
            st.check("Space on a marked row unmarks it", [])
            t.keys("*")
            want = marked_text(len(order), human_size(sum(sizes)))
            scr = t.wait_for(status_marked(len(order), human_size(sum(sizes))), what="%r after *" % want)
            st.check("*: every shown env marked, %r" % want, [])
            t.keys("*")
            scr = t.wait_for(lambda s: "marked" not in s.last and s, what="no marks after * again")
            marks = [r["NAME"] for r in scr.rows() if r["mark"] == "*"]
            st.check("* again: nothing marked", ["still marked: %s" % marks] if marks else [])
            # Inside tmux or screen (and on the Linux console) Home and End
            # arrive as ESC [1~ and ESC [4~, whatever TERM says; with a
            # filter in force, which they must leave alone.
            st.at("filter for Home/End")
            picked = [n for n in order if n.endswith("-pickrow")]
            set_filter(t, "pickrow", first=True)
            wait_rows(t, picked, "/pickrow")
            for key, idx, away in (("End", len(picked) - 1, "g"), ("Home", 0, "G")):
                st.at("%s as tmux sends it" % key)
                t.keys(away)
                t.wait_for(lambda s: sel_name(s) == picked[len(picked) - 1 - idx] and s, styled=True,
                           what="%s: the other end of the list selected" % away)
                t.keys(key)
                name = "%s as tmux sends it (%r) moves to the %s filtered row, the filter stays" % (
                    key, TMUX_KEYS[key], "last" if idx else "first")
                try:
                    t.wait_for(lambda s: sel_name(s) == picked[idx] and s.names() == picked and s, styled=True,
                               timeout=3, what="%s (sent by tmux as %r): %s selected, rows %s" % (
                                   key, TMUX_KEYS[key], picked[idx], picked))
                    st.check(name, [])
                except ScreenError as e:
                    st.check(name, [str(e)])
                    t.keys("/", "C-u")  # put the filter back for the next key
                    t.type("pickrow")
                    t.keys("Enter")
                    wait_rows(t, picked, "/pickrow again")
    return session("browser keys and marks", run)


XTERM_KEYS = {"Home": "\x1bOH", "End": "\x1bOF"}  # khome / kend of xterm-256color
TMUX_KEYS = {"Home": "\x1b[1~", "End": "\x1b[4~"}


def du_b(path):
    return int(subprocess.run(["du", "-sb", path], stdout=subprocess.PIPE, check=True).stdout.split()[0])


def t_rescan(ctx):
    """r and R on a tree of its own: an env grows, r shows its new size;
    a new env appears, R finds it."""
    def run(st):
        src = os.path.join(ctx.fx.tree, "real", ctx.fx.fast.label + "-nopip")
        root = os.path.join(os.path.dirname(ctx.runner.make_home("b-rescan")), "root")
        os.makedirs(root)
        a, b = os.path.join(root, "grows"), os.path.join(root, "stays")
        for p in (a, b):
            subprocess.run(["cp", "-a", src, p], check=True)
        with Tty(ctx.runner, ["--sort", "name", root], width=100, height=12, tag="b-rescan") as t:
            scr = start(t)
            st.check("two copies of an env, sized as du -sb says",
                     [] if [(r["NAME"], r["SIZE"]) for r in scr.rows()] ==
                     [("grows", human_size(du_b(a))), ("stays", human_size(du_b(b)))] else ["\n%s" % scr])
            with open(os.path.join(ctx.fx.site(a), "big.bin"), "wb") as f:
                f.write(b"\1" * 3000000)
            st.at("r rescans the selected env")
            t.keys("r")
            want = human_size(du_b(a))
            scr = t.wait_for(lambda s: s.rows() and s.rows()[0]["SIZE"] == want and s,
                             what="r: the new size %s of 'grows'" % want)
            st.check("r: the selected env shows its new size (%s)" % want, [])
            st.at("r: the status line says when the rescan is over")
            scr = t.wait_for(lambda s: "rescanning" not in s.last and s, timeout=5,
                             what="the status line to stop saying 'rescanning ...' once the rescan is over")
            st.check("r: the status line says when the rescan is over", [])
            subprocess.run(["cp", "-a", src, os.path.join(root, "new")], check=True)
            st.at("R rescans everything")
            t.keys("R")
            scr = t.wait_for(lambda s: done(s) and s.names() == ["grows", "new", "stays"] and s, timeout=30,
                             what="R: the new env 'new' among the rows, totals in the header")
            st.check("R: everything scanned again, the new env is a row",
                     [] if re.match(r"^ venvscope  3 environments · ", scr.line(0)) else ["header %r" % scr.line(0)])
    return session("browser rescan", run)


# ----------------------------------------------------------------- mouse

def mouse(t, y, x, button=0, clicks=1):
    """Clicks (press and release) or, for the wheel (64 up, 65 down), one
    notch, as xterm reports them in SGR mode; y and x count from 0."""
    if button >= 64:
        t.type("\x1b[<%d;%d;%dM" % (button, x + 1, y + 1))
    else:
        t.type("\x1b[<%d;%d;%dM\x1b[<%d;%d;%dm" % (button, x + 1, y + 1, button, x + 1, y + 1) * clicks)


def t_mouse(ctx):
    def run(st):
        rows = Rows(ctx, "b-mouse-tree", 10)
        root, order = rows.root, rows.order
        with Tty(ctx.runner, [root], width=100, height=20, tag="b-mouse") as t:
            start(t)
            for what, args, idx in (("a click on the 4th row selects it", (5, 10), 3),
                                    ("the wheel down moves 3 rows", (5, 10, 65), 6),
                                    ("the wheel up moves 3 rows back", (5, 10, 64), 3)):
                st.at(what)
                mouse(t, *args)
                t.wait_for(lambda s: sel_name(s) == order[idx] and s, styled=True, timeout=5,
                           what="%s: %s selected" % (what, order[idx]))
                st.check(what, [])
            st.at("double-click")
            mouse(t, 3, 10, clicks=2)
            scr = t.wait_for(r"^  kind\s", what="the details after a double-click on the 2nd row")
            st.check("a double-click on the 2nd row opens its details",
                     [] if rows.path[order[1]] in scr.line(1) else
                     ["details of %r, expected %s" % (scr.line(1), rows.path[order[1]])])
    return session("browser mouse", run)


# ------------------------------------------------------------------ help

HELP_KEYS = [  # (key as the help shows it, a word of its action or what it does)
    ("Up", "up"), ("k", "up"), ("Down", "down"), ("j", "down"), ("PgUp", "page up"), ("PgDn", "page down"),
    ("Home", "first"), ("g", "first"), ("End", "last"), ("G", "last"), ("Enter", "details"),
    ("l", "details"), ("Right", "details"), ("s", "sort"), ("S", "reverse"), ("/", "filter"),
    ("Esc", "clear the filter"), ("!", "problems"), ("Space", "mark"), ("*", "mark all"),
    ("r", "rescan the selected"), ("R", "rescan everything"), ("T", "theme"), ("?", "help"),
    ("q", "quit"), ("h", "back"), ("Left", "back"), ("c", "create"), ("x", "clear"), ("u", "upgrade"),
    ("a", "apparent / disk"), ("b", "activate"), ("C", "caches"), ("D", "duplicates"),
    ("i", "info"), ("I", "git ignore"), ("n", "sort-name"), ("M", "sort-used"),
]


def help_entries(lines):
    """{key token: [texts]} from help lines '   KEYS          text'."""
    out = {}
    for l in lines:
        m = re.match(r"^   (\S.{0,13}?)\s{2,}(\S.*)$", l)
        if m and len(l) > 18 and l[17] == " ":
            for k in m.group(1).split():
                out.setdefault(k, []).append(m.group(2))
    return out


def t_help(ctx):
    def run(st):
        root = os.path.join(ctx.fx.tree, "stale")
        with Tty(ctx.runner, [root], width=100, height=30, tag="b-help") as t:
            start(t)
            t.keys("?")
            scr = t.wait_for(r"^ In the list", what="the help screen")
            seen = list(scr.lines[1:-1])
            for _ in range(10):
                if any(l.strip() == "Mouse" for l in seen):
                    break
                t.keys("NPage")
                prev = scr.text
                scr = t.wait_for(lambda s: s.text != prev and s, what="the next help page")
                seen += scr.lines[1:-1]
            ent = help_entries(seen)
            d = []
            for key, word in HELP_KEYS:
                if not any(word in x for x in ent.get(key, [])):
                    d.append("help has no key %r saying %r (it lists %s)" % (key, word, ent.get(key)))
            for sect in ("In the list", "In the details", "In the duplicates (D)", "Filter (/)", "Columns and sizes",
                         "Mouse"):
                if not any(l.strip() == sect for l in seen):
                    d.append("no section %r" % sect)
            for x in ("pkg:NAME<2.31", "py:3.11", "is:broken", "!TERM"):
                if not any(x in l for l in seen):
                    d.append("the filter help does not show %r" % x)
            st.check("?: the help lists every key and the filter language", d)
            t.keys("Escape")
            t.wait_for(lambda s: "NAME" in s.titles(), what="the list after Esc")
            st.check("Esc leaves the help", [])
            t.keys("Enter")
            # The details' own key line: at 30 lines the package list may lie below
            # the story lines (issue 16).
            t.wait_for(lambda s: re.match(r" Esc (q )?back", s.last) and s, what="details")
            t.keys("?")
            t.wait_for(r"^ In the details", what="the help from the details")
            t.keys("Escape")
            t.wait_for(lambda s: re.match(r" Esc (q )?back", s.last) and s, what="the details again after Esc")
            st.check("? in the details, Esc goes back to the details", [])
    return session("browser help", run)


def tests(ctx):
    return [("browser marks", lambda: t_marks(ctx)), ("browser help", lambda: t_help(ctx)),
            ("browser mouse", lambda: t_mouse(ctx)), ("browser rescan", lambda: t_rescan(ctx))]
