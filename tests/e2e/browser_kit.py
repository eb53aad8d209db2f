"""What the browser tests share: the truth as the browser shows it (sizes
and ages as src/util/human.c writes them, sort orders as src/scan/sort.c
makes them, pip-style version comparison) and the plumbing of a session
(steps, waits on the screen, the filter prompt)."""

import os
import re
import time
import traceback

from harness import Group
from tty import ScreenError

TITLES = ("NAME", "KIND", "PYTHON", "SIZE", "PKGS", "LINK", "AGE", "FLAGS", "PATH")
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

    def titles(self):
        """The column titles the browser shows for these envs: FLAGS only
        when some env has a flag (broken, stale, large, a problem, or git
        would commit or tracks it). GIT is not in TITLES."""
        def flagged(t):
            return (t["broken"] or t["stale"] or t["size_bytes"] >= 1 << 30 or t.get("problems")
                    or t.get("git") in ("not-ignored", "tracked"))
        return tuple(x for x in TITLES if x != "FLAGS" or any(flagged(t) for t in self.t.values()))

    def summary(self):
        ts = list(self.t.values())
        stale = [t for t in ts if t["stale"]]
        return ("%d environments · %s apparent · %d stale (%s) · %d broken · %d orphaned · %d EOL · "
                "%d moved · scanned " % (
                    len(ts), human_size(sum(t["size_bytes"] for t in ts)), len(stale),
                    human_size(sum(t["size_bytes"] for t in stale)), sum(1 for t in ts if t["broken"]),
                    sum(1 for t in ts if t["orphan"]), sum(1 for t in ts if t["python_eol"]),
                    sum(1 for t in ts if t["moved_from"])))


def header_starts(head, want):
    """The header starts with `want`, or is `want` cut at the screen's
    width (the story counts of issue 16 make it longer than 100 columns)."""
    cut = head.rstrip().rstrip("…").rstrip()
    return head.startswith(want) or (len(cut) >= 60 and want.startswith(cut))


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


def shown_diff(scr, n, total, what):
    m = done(scr)
    if m and m.group(1, 2, 3) == (str(n), str(total), what):
        return []
    return ["header %r does not start ' venvscope  [%d of %d shown: %s]'" % (scr.line(0), n, total, what)]


def marked_text(n, size, freeable=None):
    """The status line's marks: 'N marked · F freeable of SIZE' (SIZE in the
    size mode shown); any F when freeable is None. A regex."""
    f = re.escape(freeable) if freeable is not None else r"(?:\S+ \S+|unknown)"
    return r"%d marked · %s freeable of %s(?: |$)" % (n, f, re.escape(size))


def status_marked(n, size, freeable=None):
    rx = marked_text(n, size, freeable)
    return lambda s: re.search(rx, s.last) and s


def sel_name(scr):
    i = scr.selected()
    return scr.rows()[i]["NAME"] if isinstance(i, int) else None
