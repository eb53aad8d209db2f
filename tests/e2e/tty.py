"""A real terminal for the browser tests: one tmux server per test.

    with Tty(runner, [root], width=100, height=30) as t:
        t.wait_for(r"environments ·")      # polls capture-pane every 50 ms
        t.keys("j")                         # tmux key names: Enter Escape Space Up ...
        t.type("pkg:pip<24")               # literal text
        rows = t.screen().rows()

Each Tty has its own server (`tmux -L <unique name>`), its own sandbox
(fresh HOME with XDG_* folders, fresh cwd, no PIP_*, as harness.Runner),
TERM=xterm-256color and LANG/LC_ALL=C.UTF-8, no status bar (the pane is the
whole window) and remain-on-exit, so a crash leaves the last screen and the
exit status to report. The server is killed on close, also on failure.

Never a fixed sleep: every wait polls the screen until a condition holds or
a timeout passes, and a timeout raises ScreenError with the last screen."""

import itertools
import os
import re
import shlex
import subprocess
import time

from harness import clean_environ

_ids = itertools.count(1)
CONF = "set -g status off\nset -g remain-on-exit on\nset -g history-limit 0\nset -g escape-time 0\n"
TMUX_TIMEOUT = 20


class ScreenError(AssertionError):
    """A wait that timed out or a screen that is not what it should be;
    the message ends with the last screen."""


# ------------------------------------------------------------ SGR parsing

# Named colours of SGR codes 30-37 / 90-97 (40-47 / 100-107 for backgrounds).
def _colour(n):
    return ("c", n)


def apply_sgr(state, params):
    """Updates state (dict fg, bg, attrs) with the parameters of one CSI m."""
    ps = [int(p) if p.isdigit() else 0 for p in (params.split(";") if params else ["0"])]
    i = 0
    names = {1: "bold", 2: "dim", 3: "italic", 4: "underline", 5: "blink", 7: "reverse",
             8: "hidden", 9: "strike"}
    off = {22: ("bold", "dim"), 23: ("italic",), 24: ("underline",), 25: ("blink",),
           27: ("reverse",), 28: ("hidden",), 29: ("strike",)}
    while i < len(ps):
        p = ps[i]
        if p == 0:
            state["fg"] = state["bg"] = None
            state["attrs"] = set()
        elif p in names:
            state["attrs"].add(names[p])
        elif p in off:
            state["attrs"].difference_update(off[p])
        elif 30 <= p <= 37 or 90 <= p <= 97:
            state["fg"] = _colour(p - 30 if p < 90 else p - 90 + 8)
        elif 40 <= p <= 47 or 100 <= p <= 107:
            state["bg"] = _colour(p - 40 if p < 100 else p - 100 + 8)
        elif p in (38, 48) and i + 1 < len(ps):
            key = "fg" if p == 38 else "bg"
            if ps[i + 1] == 5 and i + 2 < len(ps):
                state[key] = ("256", ps[i + 2])
                i += 2
            elif ps[i + 1] == 2 and i + 4 < len(ps):
                state[key] = ("rgb", tuple(ps[i + 2:i + 5]))
                i += 4
        elif p == 39:
            state["fg"] = None
        elif p == 49:
            state["bg"] = None
        i += 1


class Style(tuple):
    """(fg, bg, attrs): fg/bg None for the terminal's default."""

    @property
    def fg(self):
        return self[0]

    @property
    def bg(self):
        return self[1]

    @property
    def attrs(self):
        return self[2]

    def coloured(self):
        return self.fg is not None or self.bg is not None

    def highlighted(self):
        """How a selected row stands out: a background or reverse video."""
        return self.bg is not None or "reverse" in self.attrs


def parse_styled(raw):
    """capture-pane -e output -> list of lines, each a list of (char, Style).
    tmux writes only the changes from the previous cell, also across lines,
    so the state carries over."""
    state = {"fg": None, "bg": None, "attrs": set()}
    out = []
    for line in raw.split("\n"):
        cells = []
        i = 0
        while i < len(line):
            c = line[i]
            if c == "\x1b":
                m = re.match(r"\x1b\[([0-9;:]*)([A-Za-z])", line[i:])
                if m:
                    if m.group(2) == "m":
                        apply_sgr(state, m.group(1).replace(":", ";"))
                    i += m.end()
                    continue
                m = re.match(r"\x1b\][^\x07\x1b]*(\x07|\x1b\\)", line[i:])  # OSC (hyperlinks)
                i += m.end() if m else 1
                continue
            cells.append((c, Style((state["fg"], state["bg"], frozenset(state["attrs"])))))
            i += 1
        out.append(cells)
    return out


# ------------------------------------------------------------ the screen

TITLES = ("NAME", "KIND", "PYTHON", "SIZE", "PKGS", "LINK", "AGE", "FLAGS", "PATH")
RIGHT = ("SIZE", "PKGS", "AGE")  # right-aligned columns: cells end where the title ends


class Screen:
    """One capture of the pane: .lines (text), .text, and for the list view
    the column titles and the rows as dicts."""

    def __init__(self, text, raw_styled=None, width=None, height=None, dead=None):
        self.text = text
        self.lines = text.split("\n")
        self.width, self.height = width, height
        self.dead = dead
        self._styled = raw_styled
        self._grid = None
        self.value = None  # what the wait_for condition returned

    def line(self, y):
        return self.lines[y] if 0 <= y < len(self.lines) else ""

    @property
    def last(self):
        """The status line (the pane's last line)."""
        return self.line((self.height or len(self.lines)) - 1)

    def grid(self):
        if self._grid is None:
            self._grid = parse_styled(self._styled or "")
        return self._grid

    def style_at(self, y, x):
        g = self.grid()
        if 0 <= y < len(g) and 0 <= x < len(g[y]):
            return g[y][x][1]
        return Style((None, None, frozenset()))

    def styles(self):
        """Every distinct Style on the screen."""
        return {s for row in self.grid() for _, s in row}

    def titles(self):
        """{title: (start, end, arrow)} of the column-title line (line 1), or {}."""
        out = {}
        for m in re.finditer(r"(?<!\S)(%s)([↓↑^v]?)(?!\S)" % "|".join(TITLES), self.line(1)):
            out[m.group(1)] = (m.start(), m.end(), m.group(2))
        return out

    def sorted_by(self):
        """(title, arrow) of the sorted column, or None."""
        for t, (_, _, arrow) in self.titles().items():
            if arrow:
                return t, arrow
        return None

    def rows(self):
        """The list rows between the titles and the status line, as dicts
        (title -> cell text, '' when empty; 'mark' -> the first column;
        'y' -> screen line). Cells are runs of text separated by two or
        more spaces, placed by where their column's title starts (left
        aligned) or ends (right aligned)."""
        t = self.titles()
        if "NAME" not in t:
            return []
        out = []
        for y in range(2, (self.height or len(self.lines)) - 1):
            line = self.line(y)
            if not line.strip():
                continue
            toks = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", " " + line[1:])]
            row = {"y": y, "mark": line[:1], "line": line}
            for name, (s, e, _) in t.items():
                cell = ""
                for ts, te, tx in toks:
                    if (name in RIGHT and te == e) or (name not in RIGHT and ts == s):
                        cell = tx
                        break
                row[name] = cell
            # A message in the list area ("No environment matches ...") is
            # not a row: a row always has a size cell ("…" or "-" if unknown).
            if row["NAME"] and (row.get("SIZE") or "SIZE" not in t):
                out.append(row)
        return out

    def names(self):
        return [r["NAME"] for r in self.rows()]

    def selected(self):
        """Index (in rows()) of the row under the cursor: the one whose first
        cell is highlighted (background or reverse). None if none; a list if
        several are."""
        rows = self.rows()
        hits = [i for i, r in enumerate(rows) if self.style_at(r["y"], 0).highlighted()]
        if not hits:
            return None
        return hits[0] if len(hits) == 1 else hits

    def __str__(self):
        w = self.width or max((len(l) for l in self.lines), default=0)
        head = "+%s+ %sx%s%s" % ("-" * min(w, 200), self.width, self.height,
                                 " (program exited: %s)" % self.dead if self.dead else "")
        body = "\n".join("|" + l for l in self.lines[:self.height or len(self.lines)])
        return head + "\n" + body


# ------------------------------------------------------------ the terminal

def _q(args):
    return " ".join(shlex.quote(os.fsdecode(a)) for a in args)


class Tty:
    """A tmux server running the binary (or a shell, shell=True) in a sandbox.
    env: extra variables (None removes). dumb/NO_COLOR tests pass them here."""

    def __init__(self, runner, args, width=100, height=30, env=None, shell=False, tag="tty"):
        self.runner = runner
        self.width, self.height = width, height
        self.home = runner.make_home(tag)
        self.dir = os.path.dirname(self.home)
        self.cwd = os.path.join(self.dir, "cwd")
        os.makedirs(self.cwd)
        self.sock = "venvscope-e2e-%d-%d" % (os.getpid(), next(_ids))
        self.conf = os.path.join(self.dir, "tmux.conf")
        with open(self.conf, "w") as f:
            f.write(CONF)
        extra = {
            "HOME": self.home,
            "XDG_DATA_HOME": os.path.join(self.home, ".local/share"),
            "XDG_CACHE_HOME": os.path.join(self.home, ".cache"),
            "XDG_STATE_HOME": os.path.join(self.home, ".local/state"),
            "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
            "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "TMUX": None, "TMUX_PANE": None, "PS1": "$ ",
            "ENV": None, "BASH_ENV": None, "HISTFILE": None,
        }
        extra.update(env or {})
        self.env = clean_environ(extra)
        # tmux sets TERM in the pane to its default-terminal: set ours again.
        term = self.env.get("TERM", "xterm-256color")
        self.binary = runner.binary
        if shell:
            cmd = "exec env TERM=%s sh -i" % shlex.quote(term)
        else:
            cmd = "exec env TERM=%s %s" % (shlex.quote(term), _q([self.binary] + list(args)))
        self.started = time.time()
        self.closed = False
        try:
            self._tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), "-c", self.cwd, cmd)
            self.socket_path = self.info("#{socket_path}")
        except BaseException:
            self.close()
            raise

    def command_line(self, args, env_words=()):
        """A shell line running the binary with args (for shell=True)."""
        return " ".join(list(env_words) + [_q([self.binary] + list(args))])

    # -- tmux

    def _tmux(self, *args, check=True):
        p = subprocess.run(["tmux", "-L", self.sock, "-f", self.conf] + list(args), env=self.env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TMUX_TIMEOUT)
        if check and p.returncode != 0:
            raise ScreenError("tmux %s failed: %s" % (" ".join(args[:2]), p.stderr.decode(errors="replace").strip()))
        return p.stdout.decode("utf-8", "replace")

    def info(self, fmt):
        return self._tmux("display-message", "-p", "-t", "t", fmt).rstrip("\n")

    def pane_pid(self):
        return int(self.info("#{pane_pid}"))

    def dead(self):
        """None while the program runs; else its exit status (or signal)."""
        d = self.info("#{pane_dead} #{pane_dead_status} #{pane_dead_signal}").split()
        if not d or d[0] != "1":
            return None
        return "status %s" % d[1] if len(d) > 1 and d[1] else "signal %s" % (d[2] if len(d) > 2 else "?")

    def screen(self, styled=False):
        text = self._tmux("capture-pane", "-p", "-t", "t")
        raw = self._tmux("capture-pane", "-p", "-e", "-t", "t") if styled else None
        if text.endswith("\n"):
            text = text[:-1]
        w, h = (int(x) for x in self.info("#{pane_width} #{pane_height}").split())
        return Screen(text, raw, w, h, dead=self.dead())

    def keys(self, *keys):
        """tmux key names (Enter, Escape, Space, Up, Down, PPage, NPage, Home,
        End, Left, Right, C-c) or single characters."""
        self._tmux("send-keys", "-t", "t", *keys)

    def type(self, text):
        self._tmux("send-keys", "-t", "t", "-l", text)

    def line(self, text):
        """Types a shell line and Enter (shell=True)."""
        self.type(text)
        self.keys("Enter")

    def resize(self, w, h):
        self.width, self.height = w, h
        self._tmux("resize-window", "-t", "t", "-x", str(w), "-y", str(h))

    def wait_for(self, cond, timeout=10, what=None, styled=False):
        """Polls the screen every 50 ms until cond holds; returns that
        Screen, with the condition's value (a match, ...) as .value.
        cond: a regex (searched in the whole screen text, multiline) or a
        function of a Screen returning a true value. On timeout, or when
        the program has exited, raises ScreenError naming `what` with the
        last screen."""
        deadline = time.monotonic() + timeout
        while True:
            scr = self.screen(styled=styled)
            if callable(cond):
                v = cond(scr)
            else:
                v = re.search(cond, scr.text, re.M)
            if v:
                scr.value = v
                return scr
            # A dead program's screen will not change: no point in waiting.
            if time.monotonic() > deadline or scr.dead:
                desc = what or ("%r" % cond if not callable(cond) else "the screen")
                raise ScreenError("%s %s\n%s" % ("the program exited while waiting for" if scr.dead
                                                 else "waited %gs for" % timeout, desc, scr))
            time.sleep(0.05)

    def close(self):
        """Kills the server (and so the program) and removes its socket."""
        if not self.closed:
            self.closed = True
            self._tmux("kill-server", check=False)
            path = getattr(self, "socket_path", "")
            if path and os.path.basename(path) == self.sock:
                try:
                    os.unlink(path)
                except OSError:
                    pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
