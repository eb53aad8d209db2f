"""The browser (venvscope with no subcommand) in a real terminal: what the
list shows, sorting, filters, details, marks, moving, help. Each test drives
the binary in its own tmux server (tty.py) over the main tree of real
environments and reads the screen as a user would; expected values come
from the truth the suite computed (du -sb, the env's own python,
importlib.metadata). Terminal behaviour (resize, themes, exits, fallback,
timing) is in tests_browser_term.py."""

import csv
import glob
import os
import re
import subprocess
import time
import traceback

from harness import Group
from tty import ScreenError, Tty

TITLES = ("NAME", "PYTHON", "SIZE", "PKGS", "LINK", "AGE", "FLAGS", "PATH")
# The header once the scan ended; "[N of M shown: ...]" comes first while
# a filter or ! hides rows.
DONE = r"^ venvscope  (?:\[(\d+) of (\d+) shown: ([^\]]*)\]  )?(\d+) environments? · "


# ------------------------------------------------------------- formatting

def human_size(n):
    """As src/util/human.c: bytes below 1 KiB, else one decimal below 9.95."""
    if n < 1024:
        return "%d B" % n
    v, u = float(n), 0
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    while v >= 1024.0 and u < 6:
        v /= 1024.0
        u += 1
    return ("%.1f %s" if v < 9.95 else "%.0f %s") % (v, units[u])


def human_age(s):
    s = max(0, int(s))
    for lim, div, unit in ((60, 1, "s"), (3600, 60, "m"), (86400, 3600, "h"), (86400 * 30, 86400, "d"),
                           (86400 * 365, 86400 * 30, "mo")):
        if s < lim:
            return "now" if s < 5 else "%d%s" % (s // div, unit)
    return "%dy" % (s // (86400 * 365))


def release(v):
    """'23.2.1' -> (23, 2, 1); only plain releases (what ensurepip bundles)."""
    if not re.match(r"^\d+(\.\d+)*$", v or ""):
        raise ValueError("not a plain release version: %r" % v)
    return tuple(int(x) for x in v.split("."))


def vcmp(a, b):
    a, b = release(a), release(b)
    n = max(len(a), len(b))
    a, b = a + (0,) * (n - len(a)), b + (0,) * (n - len(b))
    return (a > b) - (a < b)


# ------------------------------------------------------------ test plumbing

class Steps:
    """The checks of one browser session. A ScreenError (a wait that timed
    out) ends the session: it is reported under the step that was running."""

    def __init__(self, g, title):
        self.g, self.title, self.current = g, title, "start"

    def at(self, step):
        self.current = step

    def check(self, step, diffs):
        self.current = step
        self.g.check("%s: %s" % (self.title, step), diffs)


DURATIONS = []  # (session title, seconds), for run.py's summary line


def session(title, fn):
    """Runs fn(steps) and returns the Group; errors become failures."""
    g = Group()
    st = Steps(g, title)
    t0 = time.time()
    try:
        fn(st)
    except ScreenError as e:
        g.fail("%s: %s" % (title, st.current), [str(e)])
    except LookupError as e:
        g.fail("%s: %s" % (title, st.current), ["no truth: %s" % e])
    except Exception:
        g.fail("%s: %s" % (title, st.current), ["test raised:\n" + traceback.format_exc()])
    DURATIONS.append((title, time.time() - t0))
    return g


class View:
    """The envs a browser session shows, with their truth, keyed by name
    (the names under the chosen roots are unique)."""

    def __init__(self, ctx, roots):
        self.ctx, self.roots = ctx, roots
        self.envs = [e for e in ctx.fx.envs if e.listed and any(e.path.startswith(r + "/") for r in roots)]
        self.t = {}
        for e in self.envs:
            self.t[os.path.basename(e.path)] = ctx.expected(e)
        if len(self.t) != len(self.envs):
            raise LookupError("env names under %s are not unique" % roots)

    def names(self, pred=lambda t: True):
        return sorted(n for n, t in self.t.items() if pred(t))

    def order(self, key, reverse=False):
        """Names in the order the browser sorts them (src/scan/sort.c: the
        key's natural order, then the path; reverse flips all of it)."""
        keys = {"size": lambda t: (-t["size_bytes"], t["path"]), "name": lambda t: (t["name"], t["path"]),
                "age": lambda t: (t["last_modified"], t["path"]),
                "python": lambda t: (release(t["python_version"]), t["path"]), "path": lambda t: t["path"]}
        return [t["name"] for t in sorted(self.t.values(), key=keys[key], reverse=reverse)]

    def summary(self):
        ts = list(self.t.values())
        stale = [t for t in ts if t["stale"]]
        return "%d environments · %s · %d stale (%s) · %d broken · scanned " % (
            len(ts), human_size(sum(t["size_bytes"] for t in ts)), len(stale),
            human_size(sum(t["size_bytes"] for t in stale)), sum(1 for t in ts if t["broken"]))


def main_roots(ctx):
    return [os.path.join(ctx.fx.tree, d) for d in ("real", "broken", "stale")]


def done(scr):
    """The header once the scan has ended (a match), else None."""
    return re.match(DONE, scr.line(0))


def start(t):
    """Waits for the end of the scan; returns the screen."""
    t.wait_for(done, timeout=30, what="the header to show the totals (scan done)")
    return t.screen(styled=True)


def wait_rows(t, names, what, timeout=10):
    return t.wait_for(lambda s: s.names() == list(names), timeout=timeout,
                      what="%s: rows %s" % (what, list(names)))


def status_has(text):
    return lambda s: text in s.last


# ------------------------------------------------------------------ rows

def check_rows(view, scr, t0, t1):
    """Every row against the truth: python, size, packages, link, flags,
    age (the browser's clock is read between t0 and t1)."""
    d = []
    rows = scr.rows()
    names = [r["NAME"] for r in rows]
    for n in sorted(set(view.t) - set(names)):
        d.append("env %s has no row" % n)
    for n in sorted(set(names) - set(view.t)):
        d.append("row %r is not an env under the roots" % n)
    for n in sorted(set(x for x in names if names.count(x) > 1)):
        d.append("env %s has %d rows" % (n, names.count(n)))
    for r in rows:
        t = view.t.get(r["NAME"])
        if t is None:
            continue
        flags = ",".join(w for w, on in (("broken", t["broken"]), ("stale", t["stale"]),
                                          ("large", t["size_bytes"] >= 1 << 30)) if on)
        want = {"PYTHON": t["python_version"] or "?", "SIZE": human_size(t["size_bytes"]),
                "PKGS": str(t["package_count"]), "LINK": t["link"], "FLAGS": flags}
        for col, w in want.items():
            if r.get(col) != w:
                d.append("%s: %s is %r, expected %r   (row: %r)" % (r["NAME"], col, r.get(col), w, r["line"]))
        ages = {human_age(now - t["last_modified"]) for now in range(int(t0), int(t1) + 2)}
        if r.get("AGE") not in ages:
            d.append("%s: AGE is %r, expected %s" % (r["NAME"], r.get("AGE"), " or ".join(sorted(ages))))
    return d


def t_rows(ctx):
    def run(st):
        roots = main_roots(ctx)
        view = View(ctx, roots)
        t0 = time.time()
        with Tty(ctx.runner, roots, width=160, height=60, tag="b-rows") as t:
            scr = start(t)
            t1 = time.time()
            head = scr.line(0)
            want = " venvscope  " + view.summary()
            st.check("header totals", [] if head.startswith(want) else
                     ["header is %r\n  expected it to start %r" % (head, want)])
            ti = scr.titles()
            st.check("column titles, sorted by size (SIZE↓)",
                     ["no %s title in %r" % (x, scr.line(1)) for x in TITLES if x not in ti] +
                     ([] if scr.sorted_by() == ("SIZE", "↓") else
                      ["sorted column is %s, expected SIZE↓: %r" % (scr.sorted_by(), scr.line(1))]))
            if len(view.t) > t.height - 3:
                raise ScreenError("%d envs do not fit on a %d-line screen" % (len(view.t), t.height))
            st.check("one row per env: name, python, size, pkgs, link, age, flags (%d envs)" % len(view.t),
                     check_rows(view, scr, t0, t1))
            st.check("rows in size order, largest first", order_diff(scr.names(), view.order("size")))
            st.check("first row is selected", [] if scr.selected() == 0 else
                     ["selected row index %s, expected 0\n%s" % (scr.selected(), scr)])
            for key in ("name", "age", "python", "path"):
                st.at("s: sort by %s" % key)
                t.keys("s")
                scr = t.wait_for(lambda s: s.sorted_by() == (key.upper(), "↓") and s, what="%s↓" % key.upper())
                scr = settle(t, view.order(key), "sort by " + key)
                st.check("s: sorted by %s (%s↓, status says so)" % (key, key.upper()),
                         order_diff(scr.names(), view.order(key)) +
                         ([] if "sorted by %s" % key in scr.last else
                          ["status line %r does not say 'sorted by %s'" % (scr.last, key)]))
            st.at("S: reverse")
            t.keys("S")
            scr = t.wait_for(lambda s: s.sorted_by() == ("PATH", "↑") and s, what="PATH↑")
            scr = settle(t, view.order("path", reverse=True), "reversed path")
            st.check("S: path order reversed (PATH↑)", order_diff(scr.names(), view.order("path", reverse=True)) +
                     ([] if "reversed" in scr.last else ["status line %r does not say reversed" % scr.last]))
            st.at("s after S: size, reversed")
            t.keys("s")
            scr = t.wait_for(lambda s: s.sorted_by() == ("SIZE", "↑") and s, what="SIZE↑")
            scr = settle(t, view.order("size", reverse=True), "size reversed")
            st.check("s after S: size order reversed, smallest first (SIZE↑)",
                     order_diff(scr.names(), view.order("size", reverse=True)))
    return session("browser rows", run)


def settle(t, names, what):
    """The screen once the rows are `names`; if they never are, the last
    screen (the caller's check then says how it differs)."""
    try:
        return wait_rows(t, names, what, timeout=3)
    except ScreenError:
        return t.screen(styled=True)


def order_diff(got, want):
    if got == want:
        return []
    return ["rows on screen, top to bottom:\n    %s\n  expected:\n    %s" % ("\n    ".join(got), "\n    ".join(want))]


# ---------------------------------------------------------------- filter

def set_filter(t, text, first=False):
    """'/' then (Ctrl-U to drop the filter in force) the text, then Enter."""
    t.keys("/")
    t.wait_for(lambda s: s.last.startswith("/"), what="the filter prompt '/' on the status line")
    if not first:
        t.keys("C-u")
    t.type(text)
    t.wait_for(lambda s: s.last.startswith("/" + text), what="the prompt to show /%s" % text)
    t.keys("Enter")
    t.wait_for(lambda s: not s.last.startswith("/"), what="the prompt to close after Enter")


def t_filter(ctx):
    def run(st):
        roots = main_roots(ctx)
        view = View(ctx, roots)
        pip = lambda t, op: t["pip_version"] is not None and op(vcmp(t["pip_version"], "24"))
        cases = [
            ("NOPIP", lambda t: "nopip" in t["path"].lower(), "text (any case)"),
            ("pkg:pip<24", lambda t: pip(t, lambda c: c < 0), "package version below"),
            ("pkg:pip>=23,<24", lambda t: pip(t, lambda c: c < 0) and vcmp(t["pip_version"], "23") >= 0,
             "version range"),
            ("pkg:PIP>=24", lambda t: pip(t, lambda c: c >= 0), "package name in another case"),
            ("!pkg:pip", lambda t: t["pip_version"] is None, "negated package"),
            ("py:3.11 !copies", lambda t: (t["python_version"] or "").startswith("3.11.")
             and "copies" not in t["path"], "python and a negated text"),
            ("is:broken", lambda t: t["broken"], "broken"),
            ("is:stale", lambda t: t["stale"], "stale"),
        ]
        with Tty(ctx.runner, roots, width=120, height=60, tag="b-filter") as t:
            start(t)
            everything = view.order("size")
            for i, (text, pred, what) in enumerate(cases):
                want = [n for n in everything if pred(view.t[n])]
                st.at("/%s" % text)
                if not want:
                    raise LookupError("no env matches %s: the fixture does not test it" % text)
                set_filter(t, text, first=i == 0)
                scr = settle(t, want, "/" + text)
                st.check("/%s (%s): exactly the %d envs that match; the header says '[%d of %d shown: %s]'"
                         % (text, what, len(want), len(want), len(everything), text),
                         order_diff(scr.names(), want) + shown_diff(scr, len(want), len(everything), text))
                if i == 0:
                    st.at("Esc clears the filter")
                    t.keys("Escape")
                    scr = settle(t, everything, "no filter")
                    st.check("Esc clears the filter: every env again, 'filter cleared'",
                             order_diff(scr.names(), everything) +
                             ([] if "filter cleared" in scr.last else ["status line: %r" % scr.last]))
            st.at("a bad term")
            # Typed letter by letter: "pkg" was a text filter before "pkg:".
            last = [n for n in everything if "pkg" in view.t[n]["path"].lower()]
            t.keys("/", "C-u")
            t.type("pkg:")
            scr = t.wait_for(status_has("must follow pkg:"), what="an error about pkg: with no name")
            st.check("typing pkg: with no name says what is wrong, the last good filter stays",
                     order_diff(scr.names(), last))
            t.keys("Escape")
            scr = settle(t, everything, "Esc while typing")
            st.check("Esc while typing clears the filter", order_diff(scr.names(), everything))
            st.at("no match")
            set_filter(t, "zz-nothing-zz")
            scr = t.wait_for(r"No environment matches the filter 'zz-nothing-zz' \(Esc clears it\)",
                             what="the no-match message")
            st.check("a filter matching nothing says so", [] if not scr.rows() else
                     ["rows shown: %s" % scr.names()])
            t.keys("Escape")
            settle(t, everything, "cleared")
            st.at("! problems only")
            want = [n for n in everything if view.t[n]["broken"] or view.t[n]["stale"] or view.t[n]["problems"]]
            t.keys("!")
            scr = settle(t, want, "problems only")
            st.check("!: only the broken and stale envs (%d)" % len(want), order_diff(scr.names(), want) +
                     shown_diff(scr, len(want), len(everything), "problems only") +
                     ([] if "only environments with problems" in scr.last else ["status line: %r" % scr.last]))
            t.keys("!")
            scr = settle(t, everything, "! again")
            st.check("! again: every env", order_diff(scr.names(), everything))
    return session("browser filter", run)


def shown_diff(scr, n, total, what):
    m = done(scr)
    if m and m.group(1, 2, 3) == (str(n), str(total), what):
        return []
    return ["header %r does not start ' venvscope  [%d of %d shown: %s]'" % (scr.line(0), n, total, what)]


# --------------------------------------------------------------- details

def record_size(site, dist_dir):
    """Sum of RECORD's size column (csv module), None without RECORD."""
    p = os.path.join(site, dist_dir, "RECORD")
    if not os.path.isfile(p):
        return None
    with open(p, newline="", encoding="utf-8") as f:
        return sum(int(r[-1]) for r in csv.reader(f) if r and r[-1].isdigit())


def packages_truth(extra):
    """[(name, version, size or None, canonical)] of the env's dists."""
    out = []
    for name, version, site in extra["dists"]:
        canon = re.sub(r"[-_.]+", "-", name).lower()
        dirs = [d for d in glob.glob(os.path.join(glob.escape(site), "*.dist-info"))
                if re.sub(r"[-_.]+", "-", os.path.basename(d)[:-len(".dist-info")].rsplit("-", 1)[0]).lower()
                == canon]
        size = record_size(site, os.path.basename(dirs[0])) if len(dirs) == 1 else None
        out.append((name, version, size, canon))
    return out


PKG_LINE = re.compile(r"^   (\S+)\s+(\S+)\s+(\d+(?:\.\d)? [KMGT]?i?B|\d+ B|-)\s*$")


def package_lines(scr):
    lines = scr.lines
    for i, l in enumerate(lines):
        if re.match(r"^ packages \(\d+\), by ", l):
            return l, [m.groups() for m in (PKG_LINE.match(x) for x in lines[i + 1:]) if m]
    return None, []


def t_details(ctx):
    def run(st):
        root = os.path.join(ctx.fx.tree, "real")
        view = View(ctx, [root])
        cands = [e for e in view.envs if view.t[os.path.basename(e.path)]["package_count"] > 0]
        if not cands:
            raise LookupError("no env with packages under tree/real")
        env = max(cands, key=lambda e: (view.t[os.path.basename(e.path)]["package_count"], e.path))
        name = os.path.basename(env.path)
        tr, extra = view.t[name], ctx.truth[env.path][1]
        pk = packages_truth(extra)
        with Tty(ctx.runner, [root], width=120, height=60, tag="b-details") as t:
            start(t)
            set_filter(t, name, first=True)
            scr = t.wait_for(lambda s: s.names() == [name] and s, what="the one row of %s" % name)
            st.at("Enter opens the details")
            t.keys("Enter")
            scr = t.wait_for(r"^ packages \(\d+\), by name", what="the details of %s" % name)
            d = []
            if not re.match(r"^ (%s  )?%s\s*$" % (re.escape(name), re.escape(env.path)), scr.line(1)):
                d.append("first line %r, expected the path %r" % (scr.line(1), env.path))
            expect_lines = [
                r"^  python\s+%s \(%s\)" % (re.escape(tr["python_version"]), re.escape(tr["implementation"])),
                r"^  size\s+%s apparent, %s on disk, %d files" % (re.escape(human_size(tr["size_bytes"])),
                                                                  re.escape(human_size(tr["disk_bytes"])),
                                                                  tr["files"]),
                r"^  site-packages\s+%s\s*$" % re.escape(tr["site_packages"][0]),
                r"^  activate\s+source '%s/bin/activate'" % re.escape(env.path),
                r"^  problems\s+none",
            ] + [r"^   %s = %s" % (re.escape(k), re.escape(v)) for k, v in extra["cfg"] if len(k + v) < 90]
            for rx in expect_lines:
                if not re.search(rx, scr.text, re.M):
                    d.append("no line matching %r" % rx)
            st.check("details of %s: name, path, python, sizes, site-packages, pyvenv.cfg" % name,
                     d + (["\n%s" % scr] if d else []))
            title, got = package_lines(scr)
            want = [(n, v, human_size(s) if s is not None else "-")
                    for n, v, s, c in sorted(pk, key=lambda p: p[3])]
            d = [] if title and title.strip() == "packages (%d), by name — s sorts by size" % len(pk) else \
                ["packages title %r, expected 'packages (%d), by name — s sorts by size'" % (title, len(pk))]
            if got != want:
                d.append("package lines (name, version, size):\n    %s\n  expected:\n    %s"
                         % ("\n    ".join(map(str, got)), "\n    ".join(map(str, want))))
            st.check("details: package list by name, with version and RECORD size (%d)" % len(pk), d)
            st.at("s sorts packages by size")
            t.keys("s")
            scr = t.wait_for(r"^ packages \(\d+\), by size", what="packages by size")
            title, got = package_lines(scr)
            want = [(n, v, human_size(s) if s is not None else "-")
                    for n, v, s, c in sorted(pk, key=lambda p: (-(p[2] or 0), p[3]))]
            st.check("details: s sorts packages by size, largest first",
                     [] if got == want else ["got %s\n  expected %s" % (got, want)])
            st.at("Esc goes back")
            t.keys("Escape")
            scr = t.wait_for(lambda s: s.names() == [name] and s, what="the list again, filter kept")
            st.check("Esc goes back to the list (the filter kept)", [])
            for open_key, back_key in (("l", "h"), ("Right", "Left")):
                st.at("%s opens, %s goes back" % (open_key, back_key))
                t.keys(open_key)
                t.wait_for(r"^ packages \(\d+\)", what="details after %s" % open_key)
                t.keys(back_key)
                t.wait_for(lambda s: s.names() == [name], what="the list after %s" % back_key)
                st.check("%s opens the details, %s goes back" % (open_key, back_key), [])
    return session("browser details", run)


# ------------------------------------------------------- moving and marks

def sel_name(scr):
    i = scr.selected()
    return scr.rows()[i]["NAME"] if isinstance(i, int) else None


def t_marks(ctx):
    def run(st):
        root = os.path.join(ctx.fx.tree, "real")
        view = View(ctx, [root])
        order = view.order("size")
        h = 20 - 3  # list rows on a 20-line screen: header, titles, status
        if len(order) < 2 * h + 2:
            raise LookupError("tree/real has %d envs, too few to page" % len(order))
        with Tty(ctx.runner, [root], width=100, height=20, tag="b-marks") as t:
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
                         [] if len(rows) == h else ["%d rows on a 20-line screen, expected %d" % (len(rows), h)])
            sizes = [view.t[n]["size_bytes"] for n in order]
            st.at("Space marks")
            t.keys("Space")
            scr = t.wait_for(status_has("1 marked · %s" % human_size(sizes[0])), styled=True,
                             what="'1 marked · %s' on the status line" % human_size(sizes[0]))
            st.check("Space: '1 marked · SIZE', the cursor moves down",
                     [] if sel_name(scr) == order[1] else ["selected %s, expected %s" % (sel_name(scr), order[1])])
            t.keys("Space")
            want = "2 marked · %s" % human_size(sizes[0] + sizes[1])
            scr = t.wait_for(status_has(want), what="%r on the status line" % want)
            marks = [r["NAME"] for r in scr.rows() if r["mark"] == "*"]
            st.check("Space twice: %r, '*' on both rows" % want,
                     [] if marks == order[:2] else ["rows marked '*': %s, expected %s" % (marks, order[:2])])
            t.keys("k", "Space")
            want1 = "1 marked · %s" % human_size(sizes[0])
            scr = t.wait_for(status_has(want1), what="%r after unmarking the second" % want1)
            st.check("Space on a marked row unmarks it", [])
            t.keys("*")
            want = "%d marked · %s" % (len(order), human_size(sum(sizes)))
            scr = t.wait_for(status_has(want), what="%r after *" % want)
            st.check("*: every shown env marked, %r" % want, [])
            t.keys("*")
            scr = t.wait_for(lambda s: "marked" not in s.last and s, what="no marks after * again")
            marks = [r["NAME"] for r in scr.rows() if r["mark"] == "*"]
            st.check("* again: nothing marked", ["still marked: %s" % marks] if marks else [])
            # Inside tmux or screen (and on the Linux console) Home and End
            # arrive as ESC [1~ and ESC [4~, whatever TERM says; with a
            # filter in force, which they must leave alone.
            st.at("filter for Home/End")
            nopip = [n for n in order if "nopip" in n]
            set_filter(t, "nopip", first=True)
            wait_rows(t, nopip, "/nopip")
            for key, idx, away in (("End", len(nopip) - 1, "g"), ("Home", 0, "G")):
                st.at("%s as tmux sends it" % key)
                t.keys(away)
                t.wait_for(lambda s: sel_name(s) == nopip[len(nopip) - 1 - idx] and s, styled=True,
                           what="%s: the other end of the list selected" % away)
                t.keys(key)
                name = "%s as tmux sends it (%r) moves to the %s filtered row, the filter stays" % (
                    key, TMUX_KEYS[key], "last" if idx else "first")
                try:
                    t.wait_for(lambda s: sel_name(s) == nopip[idx] and s.names() == nopip and s, styled=True,
                               timeout=3, what="%s (sent by tmux as %r): %s selected, rows %s" % (
                                   key, TMUX_KEYS[key], nopip[idx], nopip))
                    st.check(name, [])
                except ScreenError as e:
                    st.check(name, [str(e)])
                    t.keys("/", "C-u")  # put the filter back for the next key
                    t.type("nopip")
                    t.keys("Enter")
                    wait_rows(t, nopip, "/nopip again")
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
        root = os.path.join(ctx.fx.tree, "real")
        view = View(ctx, [root])
        order = view.order("size")
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
                     [] if view.t[order[1]]["path"] in scr.line(1) else
                     ["details of %r, expected %s" % (scr.line(1), view.t[order[1]]["path"])])
    return session("browser mouse", run)


# ------------------------------------------------------------------ help

HELP_KEYS = [  # (key as the help shows it, a word of what it does)
    ("↑", "up"), ("k", "up"), ("↓", "down"), ("j", "down"), ("PgUp", "page up"), ("PgDn", "page down"),
    ("Home", "first"), ("g", "first"), ("End", "last"), ("G", "last"), ("Enter", "details"),
    ("l", "details"), ("→", "details"), ("s", "sort"), ("S", "reverse"), ("/", "filter"),
    ("Esc", "clear the filter"), ("!", "problems"), ("Space", "mark"), ("*", "mark all"),
    ("r", "rescan the selected"), ("R", "rescan everything"), ("T", "theme"), ("?", "help"),
    ("q", "quit"), ("h", "back"), ("←", "back"), ("c", "create"), ("x", "clear"), ("u", "upgrade"),
    ("a", "activate"),
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
            for sect in ("In the list", "In the details", "Filter (/)", "Mouse"):
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
            t.wait_for(r"^ packages \(\d+\)", what="details")
            t.keys("?")
            t.wait_for(r"^ In the details", what="the help from the details")
            t.keys("Escape")
            t.wait_for(r"^ packages \(\d+\)", what="the details again after Esc")
            st.check("? in the details, Esc goes back to the details", [])
    return session("browser help", run)


def tests(ctx):
    import tests_browser_term
    return [("browser rows", lambda: t_rows(ctx)), ("browser filter", lambda: t_filter(ctx)),
            ("browser details", lambda: t_details(ctx)), ("browser marks", lambda: t_marks(ctx)),
            ("browser help", lambda: t_help(ctx)), ("browser mouse", lambda: t_mouse(ctx)),
            ("browser rescan", lambda: t_rescan(ctx))] + \
        tests_browser_term.tests(ctx)


def fixture_tasks(fx):
    import tests_browser_term
    return tests_browser_term.fixture_tasks(fx)
