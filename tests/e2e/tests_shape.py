"""The code's shape as DESIGN.md and issue 12 promise it, checked on every
run so it cannot drift: no file in src/ over 600 lines and no function over
80 (scripts/check-size.sh); only src/ui/ includes curses, src/scan/ writes
nothing, calls point down the layers, no circle among src/ui/'s files and
none back into app.c, `struct ui` at most 20 fields (scripts/check-shape.py,
from the objects built beside the binary under test)."""

import os
import subprocess
import sys

from harness import Group

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def t_size(ctx):
    g = Group()
    r = subprocess.run(["sh", os.path.join(TOP, "scripts", "check-size.sh")], capture_output=True, text=True)
    g.check("shape: no file in src/ over 600 lines, no function over 80",
            [] if r.returncode == 0 else (r.stdout + r.stderr).splitlines())
    return g


def t_layers(ctx):
    g = Group()
    objdir = os.path.dirname(os.path.abspath(ctx.runner.binary))
    name = "shape: layers, no circle in src/ui/, struct ui at most 20 fields"
    if not os.path.isdir(os.path.join(objdir, "src", "ui")):
        g.skip(name, "no object files beside %s (an installed binary): the check reads them" % ctx.runner.binary)
        return g
    r = subprocess.run([sys.executable, os.path.join(TOP, "scripts", "check-shape.py"), objdir],
                       capture_output=True, text=True)
    g.check(name, [] if r.returncode == 0 else (r.stdout + r.stderr).splitlines())
    return g


def tests(ctx):
    return [("shape size", lambda: t_size(ctx)), ("shape layers", lambda: t_layers(ctx))]
