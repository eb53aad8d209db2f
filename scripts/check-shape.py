#!/usr/bin/env python3
"""The shape DESIGN.md promises, checked on the code as built:

    scripts/check-shape.py [OBJDIR]     (OBJDIR: build/test by default)

- only src/ui/ includes <curses.h> (or <ncurses.h>);
- src/scan/ calls nothing that writes to disk (no write, unlink, rename,
  mkdir... among its object files' undefined symbols);
- arrows point down: a layer's objects call nothing defined in a layer above
  it (util < scan and pip < actions < cli, ui; pip's rules and the scan are
  the read-only side together, so they may call each other);
- no two files of src/ui/ call into each other in a circle, and none calls
  back into app.c (read from the objects' symbol tables with nm);
- `struct ui` (src/ui/app.h) keeps at most 20 fields: what every view shares.

Prints each breach and exits 1 when there is one. Stdlib only."""

import glob
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYERS = {"util": 0, "pip": 2, "scan": 2, "actions": 3, "cli": 4, "ui": 4}
# libc calls that change the disk; src/scan/ must call none of them.
WRITERS = {"write", "pwrite", "pwrite64", "unlink", "unlinkat", "rename", "renameat", "renameat2",
           "mkdir", "mkdirat", "rmdir", "truncate", "ftruncate", "symlink", "symlinkat", "link",
           "linkat", "fwrite", "fputs", "fprintf", "creat", "chmod", "fchmod", "fchmodat", "utimensat"}
# Calls that look like writing and are not: the queue's eventfd wakes the consumer.
NOT_DISK = {("queue", "write")}


def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in "TDBR":
            defined.add(p[2])
        elif len(p) == 2 and p[0] == "U":
            undefined.add(p[1])
    return defined, undefined


def circles(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def ui_fields():
    """The number of fields `struct ui` declares (one declaration a line)."""
    with open(os.path.join(TOP, "src", "ui", "app.h"), encoding="utf-8") as f:
        text = f.read()
    body = re.search(r"^struct ui \{\n(.*?)^\};", text, re.S | re.M).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return sum(line.count(";") for line in body.splitlines() if line.strip())


def main():
    objdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build", "test")
    bad = []
    for path in sorted(glob.glob(os.path.join(TOP, "src", "**", "*.[ch]"), recursive=True)):
        rel = os.path.relpath(path, TOP)
        with open(path, encoding="utf-8", errors="replace") as f:
            if re.search(r'^\s*#\s*include\s*[<"]n?curses\.h[>"]', f.read(), re.M) and \
                    not rel.startswith("src/ui/"):
                bad.append("%s includes curses: only src/ui/ may" % rel)
    # Only the objects of sources that exist (a build folder keeps the
    # objects of files since moved or removed).
    objs = [o for o in sorted(glob.glob(os.path.join(objdir, "src", "*", "*.o")))
            if os.path.exists(os.path.join(TOP, os.path.relpath(o, objdir))[:-2] + ".c")]
    if not objs:
        print("check-shape: no object files under %s/src (build first: make test-build)" % objdir)
        return 2
    owner, needs = {}, {}
    for o in objs:
        layer, name = o.split(os.sep)[-2], os.path.basename(o)[:-2]
        d, u = symbols(o)
        for s in d:
            owner[s] = (layer, name)
        needs[(layer, name)] = u
    for (layer, name), u in needs.items():
        if layer == "scan":
            for s in sorted(u & WRITERS):
                if (name, s) in NOT_DISK:
                    continue
                bad.append("src/scan/%s.c calls %s: src/scan/ never writes to disk" % (name, s))
    ui_graph = {}
    for (layer, name), u in needs.items():
        for s in u:
            if s not in owner or owner[s] == (layer, name):
                continue
            to_layer, to_name = owner[s]
            if layer in LAYERS and to_layer in LAYERS and LAYERS[to_layer] > LAYERS[layer]:
                bad.append("src/%s/%s.c calls %s of src/%s/%s.c: arrows only point down"
                           % (layer, name, s, to_layer, to_name))
            if layer in ("cli", "ui") and to_layer in ("cli", "ui") and layer != to_layer:
                bad.append("src/%s/%s.c calls %s of src/%s/%s.c: the front ends do not call each other"
                           % (layer, name, s, to_layer, to_name))
            if layer == "ui" and to_layer == "ui":
                ui_graph.setdefault(name, set()).add(to_name)
                if to_name == "app":
                    bad.append("src/ui/%s.c calls %s back in src/ui/app.c" % (name, s))
    if ui_fields() > 20:
        bad.append("struct ui has %d fields: at most 20 (what every view shares)" % ui_fields())
    for c in circles(ui_graph):
        bad.append("src/ui/ files call each other in a circle: %s" % ", ".join(c))
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
