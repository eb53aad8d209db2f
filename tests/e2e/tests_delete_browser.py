"""The browser's `d` in a real terminal (tmux): mark two envs, `d`, the
dialog names them with what they free together, `y` deletes (rows go, the status says
what was freed, two records), `t` moves to the trash; an error asks
skip / skip all / abort with the progress area showing, the row then shows
what is left; an env replaced after the scan is not deleted.

The envs are made here (a real --without-pip env of the fast Python, copied
and grown with files); sizes come from du -sb."""

import json
import os
import re
import shutil
import subprocess

from browser_kit import human_size, marked_text, session, start, status_has, status_marked, wait_rows
from tests_delete import add_files, snap_diff, snapshot, template_env, workdir
from truth import du_bytes, space_of
from tty import ScreenError, Tty


def grow(tpl, path, files):
    shutil.copytree(tpl, path, symlinks=True)
    add_files(os.path.join(path, "data"), files, size=300, seed=os.path.basename(path))
    return path


def make_root(ctx, name, spec):
    """root/NAME for (NAME, extra files), biggest first so the size order
    is the order given; returns (root, {name: path}, {name: du -sb})."""
    base = workdir(ctx, name)
    tpl = template_env(ctx, base)
    root = os.path.join(base, "root")
    paths = {n: grow(tpl, os.path.join(root, n), k) for n, k in spec}
    sizes = {n: du_bytes(p, "-b") for n, p in paths.items()}
    return base, tpl, root, paths, sizes


def disks_of(paths):
    """{name: du -s --block-size=1}: the marks' total and the progress are
    in the unit of freeable, blocks, whatever the list shows."""
    return {n: du_bytes(p, "--block-size=1") for n, p in paths.items()}


def records(home):
    d = os.path.join(home, ".local", "state", "venvscope", "deleted")
    out = {}
    for r in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        try:
            with open(os.path.join(d, r, "record.json"), encoding="utf-8") as f:
                out[r] = json.load(f).get("path")
        except (OSError, ValueError) as e:
            out[r] = "unreadable: %s" % e
    return out


def dialog_diff(scr, names, sizes):
    """The confirm dialog: the title with the count and total, a line per
    env with its size, both choices."""
    d = []
    for n in names:
        if not re.search(r"%s\s+%s" % (re.escape(n), re.escape(human_size(sizes[n]))), scr.text):
            d.append("no dialog line '%s  %s'" % (n, human_size(sizes[n])))
    for c in ("y delete", "t move to the trash"):
        if c not in scr.text:
            d.append("the dialog does not offer %r" % c)
    return d + (["the dialog:\n%s" % scr] if d else [])


def prefix_frees(paths, names):
    """What deleting names[:1], names[:2], ... together frees: the lstat
    truth (truth.space_of), taken when the browser's scan sees the envs."""
    return [space_of(*[paths[n] for n in names[:i + 1]])[1] for i in range(len(names))]


def mark_and_d(t, st, names, disks, frees):
    """Space on each of the first rows (the status line says how many, what
    they free together and their disk usage), then d: the dialog screen,
    titled with what they free together."""
    st.at("Space marks %s" % ", ".join(names))
    for i in range(len(names)):
        t.keys("Space")
        size = human_size(sum(disks[n] for n in names[:i + 1]))
        t.wait_for(status_marked(i + 1, size, human_size(frees[i])),
                   what="%r on the status line" % marked_text(i + 1, size, human_size(frees[i])))
    st.at("d opens the dialog")
    t.keys("d")
    title = "Delete %d environments, freeing %s?" % (len(names), human_size(frees[-1]))
    return t.wait_for(re.escape(title), what="the dialog titled %r" % title)


PROGRESS = (r"(Deleting|Trashing) (\d) of (\d): (\S+)\s+\[[#-]{30}\]\s+(\d+) files?, (\S+ \S+) of (\S+ \S+) on disk",
            r"In all\s+\[[#-]{30}\]\s+(\S+ \S+) of (\S+ \S+) on disk")


def t_delete_flow(ctx, trash):
    key, verb = ("t", "moved to the trash") if trash else ("y", "deleted")
    title = "delete browser: mark two, d, %s" % key

    def run(st):
        spec = [("alpha-big", 1500), ("bravo-mid", 800), ("charlie-keep", 0)] if not trash else \
            [("delta-trash", 300), ("echo-trash", 100), ("foxtrot-keep", 0)]
        base, _, root, paths, sizes = make_root(ctx, "b-trash" if trash else "b-delete", spec)
        gone, keep = [n for n, _ in spec[:2]], spec[2][0]
        snap_keep = snapshot(paths[keep])
        # The truth of what goes: blocks whose every link lies in the two (lstat).
        _, freeable = space_of(paths[gone[0]], paths[gone[1]])
        with Tty(ctx.runner, [root], width=140, height=30, tag="d-browser") as t:
            start(t)
            st.at("the scan")
            wait_rows(t, [n for n, _ in spec], "the scan, biggest first")
            disks = disks_of(paths)
            scr = mark_and_d(t, st, gone, disks, prefix_frees(paths, gone))
            st.check("d: 'Delete 2 environments, freeing X?' names both with their sizes, offers y and t",
                     dialog_diff(scr, gone, sizes))
            st.at("%s: wait for the rows to go" % key)
            seen = []

            def finished(s):
                for l in s.lines:
                    if re.search(PROGRESS[0], l) or re.search(PROGRESS[1], l):
                        seen.append(l.strip())
                return s.names() == [keep] and ("freed" in s.last or "frees nothing" in s.last) and s
            t.keys(key)
            scr = t.wait_for(finished, timeout=30, what="rows [%s] and the result on the status line" % keep)
            want = ("moved to the trash: %s (frees nothing until the trash is emptied)" if trash
                    else "deleted: %s freed") % human_size(freeable)
            d = [] if want in scr.last else ["status line %r, expected %r" % (scr.last, want)]
            head = "1 environment · %s" % human_size(sizes[keep])
            if head not in scr.line(0):
                d.append("header %r does not say %r" % (scr.line(0), head))
            st.check("%s: the two rows go, the status says %r, the header counts what is left" % (key, want), d)
            d = []
            for l in seen:
                m = re.search(PROGRESS[0], l)
                if m and (m.group(3) != "2" or m.group(4) not in gone or
                          m.group(7) != human_size(disks[m.group(4)])):
                    d.append("progress line %r: expected 'of 2', one of %s and its disk usage" % (l, gone))
            if not trash:
                ctx.fx.note("delete browser: the progress area was caught on %d screens" % len(seen))
            st.check("%s: every progress line caught names the env being removed, 'N of 2' and its size" % key, d)
        d = []
        for n in gone:
            if os.path.lexists(paths[n]):
                d.append("%s is still on disk" % paths[n])
        d += snap_diff(keep, snap_keep, snapshot(paths[keep]))
        recs = records(t.home)
        if sorted(recs.values()) != sorted(paths[n] for n in gone):
            d.append("records %s, expected one for each of %s" % (recs, gone))
        if trash:
            tr = os.path.join(t.home, ".local", "share", "Trash")
            for n in gone:
                if not os.path.isdir(os.path.join(tr, "files", n)):
                    d.append("Trash/files/%s missing (Trash/files: %s)" % (
                        n, sorted(os.listdir(os.path.join(tr, "files"))) if os.path.isdir(os.path.join(tr, "files")) else "-"))
                if not os.path.isfile(os.path.join(tr, "info", n + ".trashinfo")):
                    d.append("Trash/info/%s.trashinfo missing" % n)
        st.check("on disk: the two envs %s, the third untouched, a record for each" %
                 ("are in the trash" if trash else "are gone"), d)
    return session(title, run)


def t_errors(ctx):
    """An immutable file in the first env (the error dialog, with the
    progress area behind it), a clean second one, a third replaced by
    another env after the scan."""
    title = "delete browser: errors"

    def run(st):
        spec = [("golf-stuck", 400), ("hotel-ok", 100), ("india-swapped", 0)]
        base, tpl, root, paths, sizes = make_root(ctx, "b-errors", spec)
        stuck = os.path.join(paths["golf-stuck"], "bin", "stuck.txt")
        with open(stuck, "w") as f:
            f.write("immutable\n")
        sizes["golf-stuck"] = du_bytes(paths["golf-stuck"], "-b")
        if subprocess.run(["chattr", "+i", stuck], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            st.g.skip(title, "chattr +i does not work here")
            return
        try:
            with Tty(ctx.runner, [root], width=140, height=30, tag="d-errors") as t:
                start(t)
                st.at("the scan")
                wait_rows(t, [n for n, _ in spec], "the scan, biggest first")
                frees = prefix_frees(paths, [n for n, _ in spec])
                # Replaced after the scan: the old folder moved aside, a new env in its place.
                india = paths["india-swapped"]
                os.rename(india, india + ".old")
                shutil.copytree(tpl, india, symlinks=True)
                snaps = {p: snapshot(p) for p in (india, india + ".old")}
                disks = disks_of(paths)
                disks["india-swapped"] = du_bytes(india + ".old", "--block-size=1")  # what the scan saw
                scr = mark_and_d(t, st, [n for n, _ in spec], disks, frees)
                statuses = []

                def watch(cond):
                    def f(s):
                        statuses.append(s.last)
                        return cond(s) and s
                    return f
                t.keys("y")
                st.at("the error dialog")
                scr = t.wait_for(watch(lambda s: "Cannot remove a file" in s.text), timeout=20,
                                 what="the dialog 'Cannot remove a file'")
                d = []
                flat = scr.text.replace("\n", " ")
                if stuck not in scr.text or "Operation not permitted" not in scr.text:
                    d.append("the dialog does not name %s and 'Operation not permitted'" % stuck)
                for c in ("s skip", "a skip all", "b abort"):
                    if c not in scr.text:
                        d.append("the dialog does not offer %r" % c)
                m0 = re.search(PROGRESS[0], flat)
                m1 = re.search(PROGRESS[1], flat)
                if not m0 or m0.group(1, 3, 4) != ("Deleting", "3", "golf-stuck") or \
                        m0.group(7) != human_size(disks["golf-stuck"]):
                    d.append("no progress line 'Deleting N of 3: golf-stuck [...] N files, X of %s'" %
                             human_size(disks["golf-stuck"]))
                if not m1 or m1.group(2) != human_size(sum(disks.values())):
                    d.append("no progress line 'In all [...] X of %s'" % human_size(sum(disks.values())))
                st.check("an immutable file: the dialog names it and why, offers skip / skip all / abort; the "
                         "progress area shows 'Deleting N of 3: golf-stuck' with its size and 'In all' with the total",
                         d + (["the screen:\n%s" % scr] if d else []))
                st.at("a: skip all, the delete ends")
                t.keys("a")
                # The end: no progress area, and the batch's last word on the status line.
                scr = t.wait_for(watch(lambda s: "Esc stops" not in s.text and "Cannot remove" not in s.text
                                       and "not deleted:" in s.last),
                                 timeout=20, what="the progress area to go and the batch's last word")
                rows = {r["NAME"]: r for r in scr.rows()}
                d = []
                if "hotel-ok" in rows:
                    d.append("hotel-ok's row is still there")
                if "india-swapped" not in rows:
                    d.append("india-swapped's row is gone (the env in its place was not deleted)")
                # india-swapped's own reason shows while the batch runs, unless the
                # batch's last word follows before a frame is drawn; that last word
                # names every env that was tried and not removed, whatever the timing.
                said = [l for l in statuses if "india-swapped" in l and "replaced since the scan" in l]
                m = re.search(r"not deleted: (\S+), (\S+); \S+ \S+ freed", scr.last)
                if not m or sorted(m.groups()) != ["golf-stuck", "india-swapped"]:
                    d.append("the last status line does not say 'not deleted: golf-stuck, india-swapped; X "
                             "freed': %r" % scr.last)
                st.check("hotel-ok's row goes; india-swapped (replaced after the scan) is refused, its row stays; "
                         "the last status line names golf-stuck and india-swapped as not deleted (india-swapped's "
                         "reason, 'replaced since the scan', %s)" % ("seen on the status line" if said else
                                                                     "replaced before a frame showed it"), d)
                left = du_bytes(paths["golf-stuck"], "-b") if os.path.isdir(paths["golf-stuck"]) else None
                got = rows.get("golf-stuck", {}).get("SIZE")
                if left is not None and got != human_size(left):
                    # The row is measured again after the delete ends: wait
                    # for that rescan rather than read the screen of its start.
                    try:
                        scr = t.wait_for(lambda s: {r["NAME"]: r for r in s.rows()}.get(
                            "golf-stuck", {}).get("SIZE") == human_size(left), timeout=20,
                            what="golf-stuck's SIZE to become %s" % human_size(left))
                    except ScreenError:
                        scr = t.screen()
                    got = {r["NAME"]: r for r in scr.rows()}.get("golf-stuck", {}).get("SIZE")
                st.check("golf-stuck's row stays and shows the size of what is left (%s)" % human_size(left or 0),
                         [] if left is not None and got == human_size(left) else
                         ["golf-stuck's row: %s; what is left on disk is %s bytes (du -sb); status line %r" % (
                             "SIZE %r" % got if got is not None else "gone", left, scr.last)])
            d = []
            if os.path.lexists(paths["hotel-ok"]):
                d.append("hotel-ok is still on disk")
            if not os.path.isfile(stuck):
                d.append("the immutable file is gone")
            for p, s in snaps.items():
                d += snap_diff(p, s, snapshot(p))
            recs = records(t.home)
            if sorted(recs.values()) != sorted([paths["golf-stuck"], paths["hotel-ok"]]):
                d.append("records %s, expected golf-stuck's and hotel-ok's" % recs)
            st.check("on disk: hotel-ok gone, the immutable file kept, both india-swapped folders untouched", d)
        finally:
            subprocess.run(["chattr", "-i", stuck], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return session(title, run)


def t_record_error(ctx):
    """The recipe cannot be kept (the records folder is immutable): the env
    is not deleted, and the status line says why once - the env, the prefix
    once, the record folder's path and the system's reason."""
    title = "delete browser: errors: the recipe cannot be kept"

    def run(st):
        base, _, root, paths, sizes = make_root(ctx, "b-recerr", [("kilo", 10)])
        snap = snapshot(paths["kilo"])
        with Tty(ctx.runner, [root], width=320, height=20, tag="d-recerr") as t:
            recdir = os.path.join(t.home, ".local", "state", "venvscope", "deleted")
            os.makedirs(recdir)
            if subprocess.run(["chattr", "+i", recdir], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode:
                st.g.skip(title, "chattr +i does not work here")
                return
            try:
                start(t)
                st.at("the scan")
                wait_rows(t, ["kilo"], "the scan")
                st.at("d opens the dialog")
                t.keys("d")
                want = "Delete 1 environment, freeing %s?" % human_size(space_of(paths["kilo"])[1])
                t.wait_for(re.escape(want), what="the dialog titled %r" % want)
                st.at("y: the delete fails")
                prefix = "not deleted, its recipe could not be kept"
                t.keys("y")
                scr = t.wait_for(lambda s: prefix in s.last and "Esc stops" not in s.text and s,
                                 timeout=20, what="the status line %r" % prefix)
                line = scr.last
                d = []
                if line.count(prefix) != 1:
                    d.append("the prefix %r appears %d times" % (prefix, line.count(prefix)))
                if line.count(paths["kilo"] + ":") != 1:
                    d.append("the env's path %s does not start the message once" % paths["kilo"])
                if line.count("Operation not permitted") != 1:
                    d.append("the reason 'Operation not permitted' does not appear once")
                if (recdir + "/") not in line:
                    d.append("the record folder (under %s) is not named" % recdir)
                if scr.names() != ["kilo"]:
                    d.append("rows %s, expected kilo's to stay" % scr.names())
                st.check("the status line names the env, says %r once, then the record folder's "
                         "path and 'Operation not permitted'; the row stays" % prefix,
                         d + (["status line: %r" % line] if d else []))
            finally:
                subprocess.run(["chattr", "-i", recdir], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        d = snap_diff(paths["kilo"], snap, snapshot(paths["kilo"]))
        if os.listdir(recdir):
            d.append("records left behind: %s" % os.listdir(recdir))
        st.check("on disk: the env is untouched, no record is left", d)
    return session(title, run)


def tests(ctx):
    return [("delete browser d y", lambda: t_delete_flow(ctx, False)),
            ("delete browser d t", lambda: t_delete_flow(ctx, True)),
            ("delete browser errors", lambda: t_errors(ctx)),
            ("delete browser record error", lambda: t_record_error(ctx))]


__all__ = ["tests"]
