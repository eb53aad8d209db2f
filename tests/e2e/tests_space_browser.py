"""Honest space in the browser (issue 14, the browser's half), in a real
terminal (tmux) on 80 columns, on real envs made here:

- `orig`, made by `python -m venv` (with pip when the Python has ensurepip),
  and `twin`, its `cp -al` copy: every file of each is a link of the other's;
- `sparse`, a --without-pip env holding a 1 GiB sparse file with 10 kB
  written in it: the biggest apparent size, the smallest on disk.

Checked on screen against the truth computed here (du -sb, du -s
--block-size=1, truth.space_of's lstat of every path):
- `a` switches the SIZE cells between the two sizes (as human_size writes
  them), the sort by size (the order differs: the sparse file), and the
  header's total, which names the mode;
- the `%` column: each row's bar and percent are its share of the listed
  total, in the mode shown;
- the `H` marker after the size on the mostly shared rows (the twins), not
  on the sparse env;
- two marked twins: the status line's freeable figure is what deleting both
  frees (everything: their links are all inside the two), of their size in
  the mode; the delete dialog names it, and says the trash frees nothing;
- the twin's details: the four sizes, and `shared with  orig`.
Nothing is deleted (Esc closes the dialog)."""

import os
import re
import subprocess

from browser_kit import human_size, marked_text, session, set_filter, start, status_marked, wait_rows
from harness import fresh_dir
from truth import du_bytes, space_keys, space_of
from tty import Tty


def human_percent(part, total):
    """As src/util/human.c's human_percent."""
    p = float(part) * 100.0 / float(total)
    return ("%.1f%%" if p < 9.95 else "%.0f%%") % p


def human_bar(part, total, w=5):
    """As src/util/human.c's human_bar (rounded to the nearest cell)."""
    fill = min(w, int(float(part) / float(total) * w + 0.5)) if total else 0
    return "[%s%s]" % ("#" * fill, "-" * (w - fill))


def build(ctx, name="envs", sparse=True):
    base = fresh_dir(ctx.base, "space-browser", name)
    root = os.path.join(base, "root")
    home = os.path.join(base, "home")
    os.makedirs(root)
    os.makedirs(home)
    py = ctx.fx.fast
    paths = {n: os.path.join(root, n) for n in ("orig", "twin", "sparse")[:3 if sparse else 2]}
    opts = [] if getattr(py, "ensurepip", False) else ["--without-pip"]
    for n, o in (("orig", opts), ("sparse", ["--without-pip"]))[:2 if sparse else 1]:
        p = subprocess.run([py.exe, "-m", "venv"] + o + [paths[n]], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=dict(os.environ, HOME=home))
        if p.returncode:
            raise LookupError("python -m venv %s: %s" % (paths[n], p.stdout.decode(errors="replace")))
    if opts:  # no pip: package-like files, so the twins have files to share
        lib = os.path.join(paths["orig"], "lib")
        site = os.path.join(lib, sorted(os.listdir(lib))[0], "site-packages", "pkg")
        os.makedirs(site)
        for i in range(8):
            with open(os.path.join(site, "m%d.bin" % i), "wb") as f:
                f.write(os.urandom(60000 + 7000 * i))
    subprocess.run(["cp", "-al", paths["orig"], paths["twin"]], check=True)
    if sparse:
        big = os.path.join(paths["sparse"], "big.sparse")
        subprocess.run(["truncate", "-s", "1G", big], check=True)
        with open(big, "r+b") as f:
            f.seek(512 << 20)
            f.write(b"x" * 10000)
    truth = {}
    for n, p in paths.items():
        truth[n] = {"apparent": du_bytes(p, "-b"), "disk": du_bytes(p, "--block-size=1"),
                    "path": p}
        truth[n].update(space_keys(p))
    return root, paths, truth


def order(truth, mode):
    return sorted(truth, key=lambda n: (-truth[n][mode], truth[n]["path"]))


def screen_diff(scr, truth, mode):
    """The rows, the share column, the marker and the header in `mode`."""
    d = []
    want_order = order(truth, mode)
    total = sum(t[mode] for t in truth.values())
    word = "apparent" if mode == "apparent" else "on disk"
    head = " 3 environments · %s %s · " % (human_size(total), word)
    if head not in scr.line(0):
        d.append("header %r does not say %r" % (scr.line(0), head))
    if scr.names() != want_order:
        d.append("rows %s, expected the %s order %s" % (scr.names(), mode, want_order))
    titles = scr.titles()
    share_x = scr.line(1).find(" % ") + 1
    if "SIZE" not in titles or share_x <= 0:
        return d + ["no SIZE or %% title in %r" % scr.line(1)]
    for r in scr.rows():
        t = truth.get(r["NAME"])
        if not t:
            d.append("an unexpected row %r" % r["line"])
            continue
        if r["SIZE"] != human_size(t[mode]):
            d.append("%s: SIZE %r, expected %r (%s)" % (r["NAME"], r["SIZE"], human_size(t[mode]), mode))
        mark = marker(scr, r)
        if mark != ("H" if t["shared"] else " "):
            d.append("%s: %r after the size, expected %s (shared %d of %d bytes on disk)" % (
                r["NAME"], mark, "'H'" if t["shared"] else "none", t["shared_bytes"], t["disk"]))
        cell = r["line"][share_x:share_x + 12].strip()
        want = "%s %4s" % (human_bar(t[mode], total), human_percent(t[mode], total))
        if cell != want.strip():
            d.append("%s: share %r, expected %r (%d of %d)" % (r["NAME"], cell, want, t[mode], total))
    return d + (["the screen:\n%s" % scr] if d else [])


def t_space_browser(ctx):
    def run(st):
        st.at("build the envs")
        root, paths, truth = build(ctx)
        if not (truth["twin"]["shared"] and truth["orig"]["shared"] and not truth["sparse"]["shared"]):
            raise LookupError("the twins are not mostly shared, or the sparse env is: %s" % truth)
        if order(truth, "apparent") == order(truth, "disk"):
            raise LookupError("the two size orders are the same: %s" % truth)
        with Tty(ctx.runner, [root], width=80, height=24, tag="s-browser") as t:
            start(t)
            st.at("the scan, apparent sizes")
            scr = wait_rows(t, order(truth, "apparent"), "apparent sizes, biggest first")
            st.check("apparent (the start): SIZE = du -sb, its order, the header's total, %, H on the twins",
                     screen_diff(scr, truth, "apparent"))
            st.at("a: disk usage")
            t.keys("a")
            scr = t.wait_for(lambda s: "on disk · " in s.line(0) and s.names() == order(truth, "disk") and s,
                             what="the header to say 'on disk' and the rows in the disk order")
            st.check("a: SIZE = du -s --block-size=1, its order (the sparse env goes last), the header, %, H",
                     screen_diff(scr, truth, "disk"))
            st.at("mark the twins (disk)")
            free = space_of(paths["orig"], paths["twin"])[1]
            alone = space_of(paths["orig"])[1]
            if free <= 2 * alone:
                raise LookupError("the twins free no more together (%d) than alone (%d)" % (free, alone))
            t.keys("g", "Space", "Space")  # the disk order starts with the twins
            size = human_size(truth["orig"]["disk"] + truth["twin"]["disk"])
            scr = t.wait_for(status_marked(2, size, human_size(free)), timeout=10,
                             what="%r on the status line" % marked_text(2, size, human_size(free)))
            st.check("two marked twins: 'N marked · F freeable of S', F = what deleting both frees "
                     "(lstat truth), S = their disk usage", [])
            st.at("a again: apparent, the marks stay")
            t.keys("a")
            size = human_size(truth["orig"]["disk"] + truth["twin"]["disk"])
            scr = t.wait_for(lambda s: status_marked(2, size, human_size(free))(s) and "apparent · " in s.line(0)
                             and s, timeout=10,
                             what="%r on the status line, apparent sizes" % marked_text(2, size, human_size(free)))
            st.check("a again: the same freeable figure, of the same disk usage (one unit, whatever the list shows)",
                     screen_diff(scr, truth, "apparent"))
            st.at("d: the dialog")
            t.keys("d")
            title = "Delete 2 environments, freeing %s?" % human_size(free)
            scr = t.wait_for(re.escape(title), what="the dialog titled %r" % title)
            d = []
            for want in ("y frees %s of their %s on disk." % (human_size(free), size),
                         "t: the trash frees nothing until it is emptied."):
                if want not in scr.text:
                    d.append("the dialog does not say %r" % want)
            st.check("d: the dialog names what deleting both frees, and that the trash frees nothing",
                     d + (["the screen:\n%s" % scr] if d else []))
            t.keys("Escape")
            t.wait_for(lambda s: "Delete 2" not in s.text and s, what="the dialog to close")
            st.check("Esc: nothing deleted", [p for p in paths.values() if not os.path.isdir(p)])
            st.at("the twin's details")
            set_filter(t, "twin", first=True)
            wait_rows(t, ["twin"], "/twin")
            t.keys("Enter")
            scr = t.wait_for(r"^  shared with ", what="the details of twin with a 'shared with' line")
            tw = truth["twin"]
            d = []
            for rx in (r"^  size\s+%s apparent, %s on disk" % (re.escape(human_size(tw["apparent"])),
                                                              re.escape(human_size(tw["disk"]))),
                       r"^  space\s+%s freeable, %s shared" % (re.escape(human_size(tw["freeable_bytes"])),
                                                             re.escape(human_size(tw["shared_bytes"]))),
                       r"^  shared with\s+orig\s*$"):
                if not re.search(rx, scr.text, re.M):
                    d.append("no line matching %r" % rx)
            st.check("details: the four sizes (du -sb, du -s, lstat freeable and shared) and the scanned env "
                     "holding the other links (orig)", d + (["the screen:\n%s" % scr] if d else []))
    return session("space browser: a toggle, share, H marker, the marked set figure", run)


def row_of(scr, name):
    rows = [r for r in scr.rows() if r["NAME"] == name]
    return rows[0] if rows else None


def marker(scr, row):
    """'H' when the row has the hard-link marker two columns after its size
    (the column is left out when no row has it), else ' '."""
    e = scr.titles()["SIZE"][1]
    return "H" if row["line"][e + 2:e + 3] == "H" else " "


def t_delete_one_twin(ctx):
    """Deleting one of two cp -al twins frees little (the dialog and the
    result say so, the lstat truth), and the other twin, now the only owner
    of its files, is looked at again: its H and `shared` go."""
    def run(st):
        st.at("build the twins")
        root, paths, truth = build(ctx, "one-twin", sparse=False)
        free = space_of(paths["orig"])[1]
        if not truth["twin"]["shared"]:
            raise LookupError("the twin is not mostly shared: %s" % truth["twin"])
        with Tty(ctx.runner, [root], width=100, height=20, tag="s-one-twin") as t:
            start(t)
            scr = wait_rows(t, ["orig", "twin"], "the twins")
            st.check("the twin is marked H, flag shared",
                     [] if marker(scr, row_of(scr, "twin")) == "H" and "shared" in row_of(scr, "twin").get("FLAGS", "")
                     else ["twin's row %r" % row_of(scr, "twin")["line"]])
            st.at("d on orig")
            set_filter(t, "orig", first=True)
            wait_rows(t, ["orig"], "/orig")
            t.keys("d")
            title = "Delete 1 environment, freeing %s?" % human_size(free)
            t.wait_for(re.escape(title), what="the dialog titled %r" % title)
            t.keys("y")
            want = "deleted: %s freed" % human_size(free)
            t.wait_for(lambda s: want in s.last and s, timeout=30, what="%r on the status line" % want)
            st.check("y: the dialog and the result give what deleting orig alone frees (lstat truth: %d)" % free, [])
            st.at("the twin looked at again")
            after = space_keys(paths["twin"])
            if after["shared"] or os.path.exists(paths["orig"]):
                raise LookupError("orig is still there, or the twin still shares: %s" % after)
            t.keys("Escape")

            def whole(s):
                r = row_of(s, "twin")
                return r and s.names() == ["twin"] and marker(s, r) == " " and "shared" not in r.get("FLAGS", "") and s
            scr = t.wait_for(whole, timeout=15, what="twin's row without H and without the flag shared")
            st.check("after the delete the twin owns its files: no H, no flag shared (lstat: %d of %d bytes "
                     "freeable)" % (after["freeable_bytes"], truth["twin"]["disk"]), [])
    return session("space browser: delete one twin, the other is whole again", run)


def tests(ctx):
    return [("space browser", lambda: t_space_browser(ctx)),
            ("space browser one twin", lambda: t_delete_one_twin(ctx))]
