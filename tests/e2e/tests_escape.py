"""Names and contents that hold terminal escapes (issue 13, item 8).

One env whose folder name, prompt (written raw in pyvenv.cfg), package
name and version hold ESC [31m, BEL, U+202E (right-to-left override) and
U+200B (zero-width space); a folder of the same name with a pyvenv.cfg
that is a folder (the scan warns, naming its path); a package with a
broken direct_url.json (freeze warns, naming its path).

Every text output - list, show, the scan's warnings, freeze's messages,
delete --dry-run, delete on a terminal (confirmation, progress, result),
deleted - must carry no raw control byte (below 0x20 but newline, tab and
the terminal's own carriage return; 0x7f; C1) and no raw bidi or
zero-width character, and must show the hostile part visibly, as
\\x1b[31m\\x07\\u202e\\u200b. JSON keeps the exact text. The browser shows
the same escapes on screen and sends none of those characters raw."""

import json
import os
import re
import shlex
import time

from browser_kit import session, start
from harness import Group
from tests_delete import add_files, expect_rc, make_venv, ns_script, site_packages, workdir, write
from tty import Tty

HOSTILE = "\x1b[31m\x07\u202e\u200b"
SHOWN = "\\x1b[31m\\x07\\u202e\\u200b"  # what a user must read instead
NAME = "ev" + HOSTILE + "il"
PKG = "bad" + HOSTILE + "pkg"
INVISIBLE = set("\u061c\u200b\u200c\u200d\u200e\u200f\u2060\ufeff") | \
    {chr(c) for c in range(0x202a, 0x202f)} | {chr(c) for c in range(0x2066, 0x206a)}


def unsafe(label, data, allow=b"\n\t"):
    """What in `data` (bytes) reaches a terminal raw: control bytes (but
    `allow`), DEL, invalid UTF-8, C1, bidi and zero-width characters."""
    bad = sorted({"0x%02x" % b for b in data if (b < 0x20 and b not in allow) or b == 0x7f})
    text = data.decode("utf-8", "surrogateescape")
    bad += sorted({"U+%04X" % ord(c) for c in text
                   if c in INVISIBLE or 0x80 <= ord(c) <= 0x9f or 0xdc80 <= ord(c) <= 0xdcff})
    return ["%s: raw %s in %r" % (label, ", ".join(bad), text[-900:])] if bad else []


def shows(label, data, *wanted):
    text = data.decode("utf-8", "replace")
    return ["%s: %r not shown in %r" % (label, w, text[-900:]) for w in wanted if w not in text]


def fixture(ctx, name):
    """(root, env, work): root/NAME, an env of the fast Python with the
    hostile prompt and package, 600 data files (so the delete reports
    progress), and root/wNAME whose pyvenv.cfg is a folder."""
    work = workdir(ctx, name)
    root = os.path.join(work, "root")
    env = make_venv(ctx.fx.fast, os.path.join(root, NAME), os.path.join(work, "pyhome"), "--without-pip")
    cfg = os.path.join(env, "pyvenv.cfg")
    with open(cfg, encoding="utf-8") as f:
        lines = [l for l in f.read().splitlines() if not l.startswith("prompt")]
    write(cfg, "\n".join(lines + ["prompt = " + HOSTILE]) + "\n")
    di = os.path.join(site_packages(env), PKG + "-1.0.dist-info")
    write(os.path.join(di, "METADATA"), "Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n" % PKG)
    write(os.path.join(di, "INSTALLER"), "pip\n")
    write(os.path.join(di, "RECORD"), "")
    write(os.path.join(di, "direct_url.json"), '{"url": ')
    add_files(os.path.join(env, "data"), 600, size=50, seed="esc")
    os.makedirs(os.path.join(root, "w" + NAME, "pyvenv.cfg"))
    return root, env, work


def t_text(ctx):
    g = Group()
    root, env, work = fixture(ctx, "escape-text")
    r = ctx.runner

    p = r.run(["list", root])
    g.check("escape: list (text) and the scan's warning show the names escaped",
            expect_rc(p, 0) + unsafe("list stdout", p.out) + unsafe("list stderr", p.err) +
            shows("list stdout", p.out, "ev" + SHOWN + "il") +
            shows("list stderr", p.err, "w" + "ev" + SHOWN + "il/pyvenv.cfg"))

    p = r.run(["show", env])
    g.check("escape: show (text): path, prompt, package name",
            expect_rc(p, 0) + unsafe("show stdout", p.out) + unsafe("show stderr", p.err) +
            shows("show stdout", p.out, root + "/ev" + SHOWN + "il", "prompt = " + SHOWN,
                  "bad" + SHOWN + "pkg"))
    p = r.run(["show", "--json", env])
    d = expect_rc(p, 0)
    if not d:
        try:
            j = p.json()
            got = (j.get("path"), j.get("prompt"), [x.get("name") for x in j.get("packages") or []])
            if got != (env, HOSTILE, [PKG]):
                d.append("show --json does not keep the exact text: %r" % (got,))
        except ValueError as e:
            d.append(str(e))
    g.check("escape: show --json keeps path, prompt and package name exact", d)

    out_dir = os.path.join(work, "out" + HOSTILE)
    os.makedirs(out_dir)
    req = os.path.join(out_dir, "requirements.txt")
    p = r.run(["freeze", "-o", req, env])
    d = expect_rc(p, 0) + unsafe("freeze stderr", p.err)
    d += shows("freeze stderr", p.err, "wrote %s/out%s/requirements.txt" % (work, SHOWN),
               "/ev" + SHOWN + "il/lib/")
    g.check("escape: freeze's messages (wrote, the direct_url.json warning)", d)

    p = r.run(["delete", "--dry-run", env])
    g.check("escape: delete --dry-run", expect_rc(p, 0) + unsafe("dry-run stdout", p.out) +
            unsafe("dry-run stderr", p.err) + shows("dry-run stdout", p.out, "would delete " + root + "/ev" + SHOWN))

    ns = ns_script(ctx)
    if ns is None:
        g.skip("escape: delete on a terminal, deleted", "no mount namespace (not root or no unshare): "
               "deletes only run guarded")
        return g
    g.check("escape: delete on a terminal (confirmation, progress, result), then deleted",
            tty_delete(ctx, ns, root, work))
    return g


def raw_until(path, pattern, timeout=20):
    """The bytes tmux piped to `path`, once they match `pattern`."""
    deadline = time.monotonic() + timeout
    data = b""
    while time.monotonic() < deadline:
        with open(path, "rb") as f:
            data = f.read()
        if re.search(pattern, data):
            return data
        time.sleep(0.05)
    raise AssertionError("waited %ds for %r in the terminal output %r" % (timeout, pattern, data[-600:]))


def piped_shell(ctx, tag, script, width=200, height=40):
    """A shell in tmux whose output is piped raw to a file; `script` (the
    hostile bytes stay out of the typed line) is run with `sh`."""
    t = Tty(ctx.runner, [], width=width, height=height, shell=True, tag=tag)
    run = os.path.join(t.dir, "run.sh")
    write(run, script)
    raw = os.path.join(t.dir, "raw.out")
    write(raw, b"")
    t.wait_for(r"^[$#] ?$", what="the shell prompt")
    t._tmux("pipe-pane", "-t", "t", "-o", "cat >> %s" % shlex.quote(raw))
    t.line("sh " + shlex.quote(run))
    return t, raw


def tty_delete(ctx, ns, root, work):
    env = os.path.join(root, NAME)
    cmd = " ".join(shlex.quote(a) for a in ns + [ctx.runner.binary, "delete", env])
    t, raw = piped_shell(ctx, "esc-del", cmd + "\necho DONE-$?\n")
    with t:
        t.wait_for(r"Delete it\? \[y/N\]", what="the confirmation (one env: it)")
        t.type("y")
        t.keys("Enter")
        data = raw_until(raw, rb"DONE-\d+")
        d = unsafe("delete on a terminal", data.split(b"DONE-")[0], allow=b"\n\t\r")
        d += shows("delete on a terminal", data, "  ev" + SHOWN + "il ", "deleting ev" + SHOWN + "il: ",
                   "deleted " + root + "/ev" + SHOWN + "il (recipe: ", "DONE-0")
        if os.path.lexists(env):
            d.append("the env is still there after y")
        p = ctx.runner.run(["deleted"], home=t.home)
        d += expect_rc(p, 0) + unsafe("deleted stdout", p.out) + unsafe("deleted stderr", p.err)
        d += shows("deleted stdout", p.out, root + "/ev" + SHOWN + "il")
        return d


def t_browser(ctx):
    def run(st):
        root, env, work = fixture(ctx, "escape-browser")
        t, raw = piped_shell(ctx, "esc-browser", "%s %s\necho DONE-$?\n" % (
            shlex.quote(ctx.runner.binary), shlex.quote(root)), width=160)
        with t:
            scr = start(t)
            st.check("the list shows the name escaped", shows("screen", scr.text.encode(), "ev" + SHOWN + "il"))
            t.keys("Enter")
            scr = t.wait_for(lambda s: "pyvenv.cfg" in s.text and s, what="the details")
            st.check("the details show prompt and package escaped",
                     shows("details", scr.text.encode(), SHOWN, "bad" + SHOWN + "pkg"))
            t.keys("q")
            t.keys("q")
            data = raw_until(raw, rb"DONE-\d+").split(b"DONE-")[0]
            # ncurses itself writes ESC sequences and carriage returns; BEL,
            # bidi and zero-width characters must not come from names.
            st.check("no raw BEL, bidi or zero-width character sent to the terminal",
                     unsafe("browser output", data, allow=bytes(b for b in range(32) if b != 7)))
    return session("escape browser", run)


def tests(ctx):
    return [("escape text", lambda: t_text(ctx)), ("escape browser", lambda: t_browser(ctx))]
