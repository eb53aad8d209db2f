"""The truth of an env's story (issue 16), from sources independent of
venvscope: the text of bin/activate, bin/pip's first line and pyvenv.cfg,
lstat/realpath, `stat -c %W` (the birth time), os.stat atimes, and
CPython's release calendar as the release PEPs give it (written here
again on purpose: the test's own copy, not the program's)."""

import os
import re
import subprocess
import time

from harness import Matcher

# (bug fixes end, end of life): PEP 373, 494, 537, 569, 596, 619, 664,
# 693, 719, 745; a month where only the month is announced.
CALENDAR = {
    (2, 7): ("2020-04-20", "2020-04-20"), (3, 6): ("2018-12-24", "2021-12-23"),
    (3, 7): ("2020-06-27", "2023-06-27"), (3, 8): ("2021-05-03", "2024-10-07"),
    (3, 9): ("2022-05-17", "2025-10-31"), (3, 10): ("2023-04-05", "2026-10"),
    (3, 11): ("2024-04-02", "2027-10"), (3, 12): ("2025-04-08", "2028-10"),
    (3, 13): ("2026-10", "2029-10"), (3, 14): ("2027-10", "2030-10"),
    (3, 15): ("2028-10", "2031-10"),
}


def _passed(date, today):
    """A month-only date is reached after the month's last day."""
    return today[:7] > date if len(date) == 7 else today > date


def life_of(version, now=None):
    """(python_support, python_eol_date, python_eol) as of `now` (UTC)."""
    m = re.match(r"(\d+)\.(\d+)", version or "")
    if not m:
        return None, None, None
    key = (int(m.group(1)), int(m.group(2)))
    today = time.strftime("%Y-%m-%d", time.gmtime(now if now is not None else time.time()))
    if key not in CALENDAR:
        if key[0] < 3 or key < (3, 6):
            return "eol", None, True
        return None, None, None
    bugfix, eol = CALENDAR[key]
    if _passed(eol, today):
        return "eol", eol, True
    if _passed(bugfix, today):
        return "security", eol, False
    return "bugfix", eol, False


def _read(p, limit=1 << 20):
    try:
        if os.path.islink(p) or not os.path.isfile(p):
            return None
        with open(p, "rb") as f:
            return f.read(limit).decode("utf-8", "surrogateescape")
    except OSError:
        return None


ACTIVATE_RE = re.compile(r"""^[ \t]*(?:export )?VIRTUAL_ENV=(?:"([^"\n]*)"|'([^'\n]*)'|([^ \t;\n]*))""", re.M)


def created_at(env_path, cfg):
    """Where the env says it was made: activate's VIRTUAL_ENV=, else
    bin/pip's shebang, else pyvenv.cfg's `command`."""
    text = _read(os.path.join(env_path, "bin", "activate"))
    if text is not None:
        for m in ACTIVATE_RE.finditer(text):
            v = next(g for g in m.groups() if g is not None)
            if v.startswith("/") and "$" not in v:
                return v
    for name in ("pip", "pip3"):
        first = _read(os.path.join(env_path, "bin", name), 4096)
        if first is None:
            continue
        line = first.split("\n", 1)[0]
        if "\n" in first and line.startswith("#!/") and os.path.basename(line[2:]).startswith("python"):
            b = os.path.dirname(line[2:])
            if os.path.basename(b) == "bin":
                return os.path.dirname(b)
        return None
    cmd = cfg.get("command") or ""
    i = cmd.find(" -m venv ")
    if i >= 0:
        rest = cmd[i + 9:]
        while True:
            rest = rest.lstrip(" ")
            if not rest.startswith("-"):
                break
            rest = rest[len(rest.split(" ", 1)[0]):]
        if rest.startswith("/"):
            return rest
    return None


def moved_from_of(env_path, cfg):
    was = created_at(env_path, cfg)
    if not was:
        return None
    was = os.path.normpath(was)
    if was == env_path:
        return None
    try:
        if os.path.samefile(was, env_path):
            return None
    except OSError:
        pass
    return was


def base_version_of(base, want):
    """X.Y the base's own files say: its real name pythonX.Y, else its
    prefix's one lib/pythonX.Y."""
    if not want or not base or not os.path.isfile(base):
        return None
    m = re.fullmatch(r"python(\d+\.\d+)", os.path.basename(base))
    if m:
        return m.group(1)
    lib = os.path.join(os.path.dirname(os.path.dirname(base)), "lib")
    try:
        found = [n[6:] for n in os.listdir(lib) if re.fullmatch(r"python\d+\.\d+", n)]
    except OSError:
        return None
    return found[0] if len(found) == 1 else None


def project_of(env_path, manager=None):
    """pipenv's / virtualenvwrapper's .project (one line, not /), tox/nox's
    project, a .venv's parent, else a parent holding a project marker."""
    text = _read(os.path.join(env_path, ".project"), 4097)
    if text is not None and len(text.encode("utf-8", "surrogateescape")) <= 4096:
        t = text.lstrip(" \t").rstrip(" \t\r\n")
        if t and not any(c in t for c in "\r\n\0"):
            p = os.path.normpath(t if t.startswith("/") else os.path.join(env_path, t))
            p = "/" + p.lstrip("/")
            if p != "/":
                return p
    parent = os.path.dirname(env_path)
    if manager in ("tox", "nox") and os.path.basename(parent) in (".tox", ".nox"):
        return os.path.dirname(parent)
    if os.path.basename(env_path) == ".venv":
        return parent
    return None  # the caller goes on with the marker rule


def birth_time(p):
    try:
        out = subprocess.run(["stat", "-c", "%W", p], capture_output=True, text=True, timeout=10).stdout.strip()
        return int(out) or None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def noatime(p):
    return bool(os.statvfs(p).f_flag & getattr(os, "ST_NOATIME", 1024))


def atime_sources(env_path, version, uid=None):
    """(atime, source) of the files use reads and venvscope does not. A
    scan by `uid` (not root) leaves out a bin/activate it does not own: it
    could not read that file without moving its atime (O_NOATIME)."""
    out = []
    act = os.path.join(env_path, "bin", "activate")
    py = os.path.join(env_path, "bin", "python")
    for p, src in ((act, "bin/activate"), (py, "bin/python")):
        try:
            st = os.lstat(p)
        except OSError:
            continue
        if src == "bin/activate" and uid not in (None, 0) and st.st_uid != uid:
            continue
        if not os.path.islink(p) and os.path.isfile(p):
            out.append((int(st.st_atime), src))
    m = re.match(r"(\d+\.\d+)", version or "")
    if m:
        pc = os.path.join(env_path, "lib", "python" + m.group(1), "site-packages", "__pycache__")
        try:
            names = os.listdir(pc) if not os.path.islink(pc) else []
        except OSError:
            names = []
        for n in names:
            p = os.path.join(pc, n)
            if n.endswith(".pyc") and not os.path.islink(p) and os.path.isfile(p):
                out.append((int(os.lstat(p).st_atime), "site-packages/__pycache__"))
    return out


def last_used_of(env_path, version, uid=None):
    if noatime(env_path):
        return None, None
    src = atime_sources(env_path, version, uid)
    if not src:
        return None, None
    return max(src)


class AtimeSince(Matcher):
    """last_used of a shared fixture: other tests may run its interpreter
    meanwhile, so at least the atime seen when the truth was computed, and
    not in the future."""

    def __init__(self, t):
        self.t = t

    def matches(self, v):
        return type(v) is int and self.t <= v <= time.time() + 5

    def __repr__(self):
        return "<an int between %d and now>" % self.t


def last_used_keys(env_path, version, uid=None):
    """The expected last_used and last_used_source of a scan by `uid`."""
    lu, _ = last_used_of(env_path, version, uid)
    return (None if lu is None else AtimeSince(lu),
            None if lu is None else OneOf(["bin/activate", "bin/python", "site-packages/__pycache__"]))


class OneOf(Matcher):
    def __init__(self, values):
        self.values = list(values)

    def matches(self, v):
        return v in self.values

    def __repr__(self):
        return "<one of %r>" % (self.values,)


def story_keys(env_path, cfg, manager, version, base, base_exists, project):
    """The story keys of `list --json`, and the words one of its problem
    sentences holds (for each flag that adds one)."""
    want = re.match(r"\d+\.\d+", version or "")
    bv = base_version_of(base, want.group(0) if want else None) if base_exists else None
    mismatch = bool(bv and want and bv != want.group(0))
    support, eol_date, eol = life_of(version)
    exists = None if project is None else os.path.isdir(project)
    pipx_gone = (manager == "pipx" and os.path.basename(env_path) != "shared"
                 and not os.path.lexists(os.path.join(env_path, "pipx_metadata.json")))
    moved = moved_from_of(env_path, cfg)
    lu, src = last_used_of(env_path, version)
    keys = {
        "project_exists": exists,
        "orphan": exists is False or pipx_gone,
        "moved_from": moved,
        "version_mismatch": mismatch,
        "base_version": bv,
        "python_eol": eol,
        "python_eol_date": eol_date,
        "python_support": support,
        "last_used": None if lu is None else AtimeSince(lu),
        "last_used_source": None if lu is None else OneOf(["bin/activate", "bin/python",
                                                            "site-packages/__pycache__"]),
        "created": birth_time(os.path.join(env_path, "pyvenv.cfg")),
    }
    words = []
    if keys["orphan"]:
        words.append("orphan")
    if moved:
        words.append("moved")
    if mismatch:
        words.append("version mismatch")
    if eol:
        words.append("end of life")
    return keys, words
