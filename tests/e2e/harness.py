"""Shared machinery of the end-to-end suite: results, running the binary in
an isolated environment, strict comparison with readable diffs.

Every venvscope invocation gets a fresh temp HOME (with XDG_* folders inside
it), a fresh temp cwd, no PIP_* variables and none of the variables that
move the central places (WORKON_HOME, PIPX_HOME, PYENV_ROOT, UV_TOOL_DIR)
unless a test sets them on purpose."""

import json
import os
import shutil
import subprocess
import threading

# Variables that would make a run depend on this machine rather than on the
# fixture; removed from every child's environment.
DROP_VARS = (
    "WORKON_HOME", "PIPX_HOME", "PIPX_BIN_DIR", "PYENV_ROOT", "PYENV_VERSION", "UV_TOOL_DIR",
    "VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "PYTHONPATH",
    "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "PYTHONDONTWRITEBYTECODE",
    "POETRY_VIRTUALENVS_PATH", "POETRY_CACHE_DIR", "PIPENV_VENV_IN_PROJECT", "HATCH_DATA_DIR",
    "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR",
    "NO_COLOR", "COLUMNS", "LINES",
)
NOBODY = 65534


def fresh_dir(base, group, name):
    """`base`/`group`/`name`, made empty (a --reuse run may have left one)."""
    d = os.path.join(base, group, name)
    if os.path.lexists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    return d


def clean_environ(extra=None):
    """os.environ without PIP_* and DROP_VARS, plus `extra`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and not k.startswith("PIPENV_") and k not in DROP_VARS}
    env["LC_ALL"] = "C.UTF-8"
    env.pop("LANGUAGE", None)
    if extra:
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
    return env


class Proc:
    def __init__(self, args, rc, out, err, timed_out, cwd, home):
        self.args, self.rc, self.out, self.err = args, rc, out, err
        self.timed_out, self.cwd, self.home = timed_out, cwd, home

    @property
    def err_text(self):
        return self.err.decode("utf-8", "replace")

    def json(self):
        """Parsed stdout; raises ValueError with a readable reason."""
        if self.timed_out:
            raise ValueError("venvscope did not finish (killed after timeout): %s" % self.cmdline())
        try:
            text = self.out.decode("utf-8")  # strict: JSON must be valid UTF-8
        except UnicodeDecodeError as e:
            raise ValueError("stdout is not valid UTF-8 (%s)" % e)
        try:
            return json.loads(text)
        except ValueError as e:
            raise ValueError("stdout is not valid JSON (%s); rc=%s; stdout starts %r; stderr %r"
                             % (e, self.rc, text[:300], self.err_text[:300]))

    def cmdline(self):
        return " ".join(repr(a) if (" " in a or "\n" in a) else a
                        for a in (os.fsdecode(x) for x in self.args))

    def describe(self):
        return "rc=%s cmd: venvscope %s\n  stderr: %s" % (
            self.rc, self.cmdline(), self.err_text.strip()[:600] or "(empty)")


class Runner:
    """Runs the binary under test in a sandbox of temp folders."""

    def __init__(self, binary, base):
        self.binary = binary
        self.base = base
        self._n = 0
        self._lock = threading.Lock()
        self.nobody_binary = None

    def _new_dir(self, tag):
        with self._lock:
            self._n += 1
            n = self._n
        d = os.path.join(self.base, "inv", "%03d-%s" % (n, tag))
        os.makedirs(d)
        return d

    def make_home(self, tag="home"):
        """A fresh HOME with the XDG folders at their default places."""
        home = os.path.join(self._new_dir(tag), "home")
        for sub in (".local/share", ".cache", ".local/state", ".config"):
            os.makedirs(os.path.join(home, sub))
        return home

    def run(self, args, home=None, cwd=None, env=None, timeout=60, user=None, wrap=None):
        """Runs venvscope with `args` (str or bytes items). `home` / `cwd`
        default to fresh temp folders; `env` adds or (with None) removes
        variables; `user=NOBODY` drops root privileges with setpriv; `wrap`
        is put in front of the binary (e.g. an unshare + mount script)."""
        inv = self._new_dir("run")
        if home is None:
            home = os.path.join(inv, "home")
            for sub in (".local/share", ".cache", ".local/state", ".config"):
                os.makedirs(os.path.join(home, sub))
        if cwd is None:
            cwd = os.path.join(inv, "cwd")
            os.makedirs(cwd)
        extra = {
            "HOME": home,
            "XDG_DATA_HOME": os.path.join(home, ".local/share"),
            "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "XDG_STATE_HOME": os.path.join(home, ".local/state"),
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "COLUMNS": "250",
        }
        extra.update(env or {})
        binary = self.binary
        prefix = []
        if user is not None:
            for root, dirs, files in os.walk(inv):
                os.chown(root, user, user)
                for f in files:
                    os.chown(os.path.join(root, f), user, user)
            binary = self.nobody_binary or binary
            prefix = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups", "--"]
        argv = prefix + list(wrap or []) + [binary] + list(args)
        try:
            p = subprocess.run(argv, cwd=cwd, env=clean_environ(extra), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
            return Proc(list(args), p.returncode, p.stdout, p.stderr, False, cwd, home)
        except subprocess.TimeoutExpired as e:
            return Proc(list(args), None, e.stdout or b"", e.stderr or b"", True, cwd, home)


# ---------------------------------------------------------------- results

class Results:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.lock = threading.Lock()

    def emit(self, lines):
        with self.lock:
            for status, name, detail in lines:
                if status == "ok":
                    self.passed += 1
                    print("ok   %s" % name)
                elif status == "skip":
                    self.skipped += 1
                    print("skip %s: %s" % (name, detail))
                else:
                    self.failed += 1
                    print("FAIL %s" % name)
                    for d in detail:
                        print("     " + d.replace("\n", "\n     "))
            import sys
            sys.stdout.flush()


class Group:
    """Collects the results of one test function, in order."""

    def __init__(self):
        self.items = []

    def ok(self, name):
        self.items.append(("ok", name, None))

    def skip(self, name, why):
        self.items.append(("skip", name, why))

    def fail(self, name, details):
        if isinstance(details, str):
            details = [details]
        self.items.append(("fail", name, list(details)))

    def check(self, name, diffs):
        if diffs:
            self.fail(name, diffs)
        else:
            self.ok(name)


# ------------------------------------------------------------ comparison

class Matcher:
    """An expectation that is not a single value (picklable: no closures)."""

    def matches(self, v):
        raise NotImplementedError


class NonEmptySentences(Matcher):
    """A non-empty list of non-empty strings; with `mentioning` (texts), at
    least one sentence contains one of those texts."""

    def __init__(self, mentioning=()):
        self.mentioning = [m for m in mentioning if m]

    def matches(self, v):
        if not isinstance(v, list) or not v or not all(isinstance(s, str) and s.strip() for s in v):
            return False
        return not self.mentioning or any(m in s for s in v for m in self.mentioning)

    def __repr__(self):
        d = "a non-empty list of sentences"
        if self.mentioning:
            d += " naming one of %s" % ", ".join(repr(m) for m in self.mentioning)
        return "<%s>" % d


nonempty_sentences = NonEmptySentences


def same(a, b):
    """Strict equality: bool is not int, int is not float."""
    if isinstance(a, Matcher):
        return a.matches(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def show(v):
    if isinstance(v, Matcher):
        return repr(v)
    return json.dumps(v, ensure_ascii=True)


def diff_obj(label, expected, actual, exact_keys=True):
    """Lines naming the env and each field that differs."""
    out = []
    if not isinstance(actual, dict):
        return ["%s: expected a JSON object, got %s" % (label, show(actual))]
    if exact_keys:
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing:
            out.append("%s: missing keys %s" % (label, ", ".join(missing)))
        if extra:
            out.append("%s: unexpected keys %s" % (label, ", ".join(extra)))
    for k, e in expected.items():
        if k not in actual:
            continue
        if not same(e, actual[k]):
            out.append("%s: field %r\n    expected %s\n    actual   %s" % (label, k, show(e), show(actual[k])))
    return out


def by_path(rows):
    """Index a JSON array of env objects by path; duplicates reported."""
    idx, dups = {}, []
    for r in rows if isinstance(rows, list) else []:
        p = r.get("path") if isinstance(r, dict) else None
        if p in idx:
            dups.append(p)
        idx[p] = r
    return idx, dups


def set_diff(label, expected_paths, rows):
    """Lines for missing / unexpected / duplicate paths in a list result."""
    if not isinstance(rows, list):
        return ["%s: expected a JSON array, got %s" % (label, show(rows)[:200])]
    idx, dups = by_path(rows)
    out = []
    for p in sorted(set(expected_paths) - set(idx), key=str):
        out.append("%s: env not listed: %s" % (label, show(p)))
    for p in sorted(set(idx) - set(expected_paths), key=str):
        out.append("%s: listed but not expected: %s" % (label, show(p)))
    for p in dups:
        out.append("%s: listed twice: %s" % (label, show(p)))
    return out
