"""The browser (venvscope with no subcommand) in a real terminal: what the
list shows (every row against the truth), sorting, filters, the details
view. Each test drives the binary in its own tmux server (tty.py) over real
environments and reads the screen as a user would; expected values come
from the truth the suite computed (du -sb, the env's own python,
importlib.metadata, RECORD files). Keys, marks, mouse and help are in
tests_browser_keys.py; the terminal (resize, themes, exits, fallback,
timing, load) in tests_browser_term.py."""

import csv
import glob
import os
import re
import time

from browser_kit import (DURATIONS, View, header_starts, human_age, human_size, main_roots, order_diff,
                         session, set_filter, settle, shown_diff, start, status_has, vcmp,
                         release)
from tty import ScreenError, Tty

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
                                          ("large", t["size_bytes"] >= 1 << 30),
                                          ("shared", t["shared"]), ("orphan", t["orphan"]),
                                          ("moved", t["moved_from"]), ("eol", t["python_eol"])) if on)
        want = {"PYTHON": t["python_version"] or "?", "SIZE": human_size(t["size_bytes"]),
                "PKGS": str(t["package_count"]), "LINK": t["link"], "FLAGS": flags}
        for col, w in want.items():
            got = r.get(col)
            if col == "FLAGS" and got is None:
                got = ""  # no FLAGS column: no env on screen has a flag (view.titles() checks that)
            if got != w:
                d.append("%s: %s is %r, expected %r   (row: %r)" % (r["NAME"], col, got, w, r["line"]))
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
            st.check("header totals", [] if header_starts(head, want) else
                     ["header is %r\n  expected it to start %r" % (head, want)])
            ti = scr.titles()
            st.check("column titles, sorted by size (SIZE↓)",
                     ["no %s title in %r" % (x, scr.line(1)) for x in view.titles() if x not in ti] +
                     ([] if scr.sorted_by() == ("SIZE", "↓") else
                      ["sorted column is %s, expected SIZE↓: %r" % (scr.sorted_by(), scr.line(1))]))
            if len(view.t) > t.height - 3:
                raise ScreenError("%d envs do not fit on a %d-line screen" % (len(view.t), t.height))
            st.check("one row per env: name, python, size, pkgs, link, age, flags (%d envs)" % len(view.t),
                     check_rows(view, scr, t0, t1))
            st.check("rows in size order, largest first", order_diff(scr.names(), view.order("size")))
            st.check("first row is selected", [] if scr.selected() == 0 else
                     ["selected row index %s, expected 0\n%s" % (scr.selected(), scr)])
            for key in ("name", "age", "used", "python", "path"):
                st.at("s: sort by %s" % key)
                t.keys("s")
                if key == "used":
                    # No column shows last_used: the status line says the sort.
                    t.wait_for(lambda s: "sorted by used" in s.last and s, what="'sorted by used'")
                    continue
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


# ---------------------------------------------------------------- filter

def pip_bounds(view):
    """The bounds of the pkg:pip cases, from the pip versions the envs
    really have (ensurepip bundles pip 23.0.1 in Debian 12's python3.11,
    23.2.1 or 24.x in newer Pythons): (below, at_least, lowest major), so
    that pkg:pip<below and pkg:PIP>=at_least each match some envs. Pips of
    two majors: both the newest major ("24"), which splits them; one major,
    several versions: both the newest version; a single version V: below is
    the next major (every env with pip, none without) and at_least is V
    itself (>= holds at equality)."""
    vs = sorted({t["pip_version"] for t in view.t.values() if t["pip_version"]}, key=release)
    if not vs:
        raise LookupError("no env with pip under %s: the fixture does not test pkg:" % view.roots)
    majors = sorted({release(v)[0] for v in vs})
    if len(majors) > 1:
        return str(majors[-1]), str(majors[-1]), majors[0]
    if len(vs) > 1:
        return vs[-1], vs[-1], majors[0]
    return str(majors[0] + 1), vs[0], majors[0]


def t_filter(ctx):
    def run(st):
        roots = main_roots(ctx)
        view = View(ctx, roots)
        below, at_least, lo = pip_bounds(view)
        pip = lambda t, op, v: t["pip_version"] is not None and op(vcmp(t["pip_version"], v))
        cases = [
            ("NOPIP", lambda t: "nopip" in t["path"].lower(), "text (any case)"),
            ("pkg:pip<%s" % below, lambda t: pip(t, lambda c: c < 0, below), "package version below"),
            ("pkg:pip>=%d,<%d" % (lo, lo + 1),
             lambda t: pip(t, lambda c: c >= 0, str(lo)) and pip(t, lambda c: c < 0, str(lo + 1)),
             "version range"),
            ("pkg:PIP>=%s" % at_least, lambda t: pip(t, lambda c: c >= 0, at_least),
             "package name in another case"),
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
            # Issue 16: the story flags, in use and a git state that needs care count too.
            want = [n for n in everything if any(view.t[n][k] for k in (
                "broken", "stale", "problems", "orphan", "moved_from", "python_eol", "version_mismatch", "in_use"))
                or view.t[n]["git"] in ("not-ignored", "tracked")]
            t.keys("!")
            scr = settle(t, want, "problems only")
            st.check("!: only the broken and stale envs (%d)" % len(want), order_diff(scr.names(), want) +
                     shown_diff(scr, len(want), len(everything), "problems only") +
                     ([] if "only environments with problems" in scr.last else ["status line: %r" % scr.last]))
            t.keys("!")
            scr = settle(t, everything, "! again")
            st.check("! again: every env", order_diff(scr.names(), everything))
    return session("browser filter", run)


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
                r"^  space\s+%s freeable, %s shared" % (re.escape(human_size(tr["freeable_bytes"])),
                                                      re.escape(human_size(tr["shared_bytes"]))),
                r"^  site-packages\s+%s\s*$" % re.escape(tr["site_packages"][0]),
                r"^  activate\s+source '%s/bin/activate'" % re.escape(env.path),
                r"^  problems\s+none",
            ] + [r"^   %s = %s" % (re.escape(k), re.escape(v)) for k, v in extra["cfg"] if len(k + v) < 90]
            for rx in expect_lines:
                if not re.search(rx, scr.text, re.M):
                    d.append("no line matching %r" % rx)
            st.check("details of %s: name, path, python, sizes (apparent, on disk, freeable, shared), site-packages, pyvenv.cfg" % name,
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


def tests(ctx):
    import tests_browser_keys
    import tests_browser_term
    return ([("browser rows", lambda: t_rows(ctx)), ("browser filter", lambda: t_filter(ctx)),
             ("browser details", lambda: t_details(ctx))] +
            tests_browser_keys.tests(ctx) + tests_browser_term.tests(ctx))


def fixture_tasks(fx):
    import tests_browser_term
    return tests_browser_term.fixture_tasks(fx)


__all__ = ["tests", "fixture_tasks", "DURATIONS"]
