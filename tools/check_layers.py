#!/usr/bin/env python3
"""Check the layering rules of docs/design.md on the C sources.

  * includes go one way: data-interfaces/ includes nothing of ours above it
    (codelets/, numpy/, scheduler/, python/); codelets/ nothing of numpy/ or
    python/; python/_core only numpy/ headers (the array API);
  * no include cycle between files;
  * no call cycle between C files: a function defined in one .c file and
    called from another makes an edge, and the edges must form no cycle.

Prints every violation and exits 1 if there is any (0 otherwise).

    tools/check_layers.py [REPO]
"""

import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
FOLDERS = ["data-interfaces", "codelets", "numpy", "scheduler", "python/_core"]
# folder -> the folders of ours it may include (besides itself)
MAY_INCLUDE = {
    "data-interfaces": set(),
    "scheduler": {"data-interfaces"},
    "codelets": {"data-interfaces"},
    "numpy": {"data-interfaces", "codelets", "scheduler"},
    "python/_core": {"numpy"},
}
EXTS = (".c", ".h", ".cu", ".cuh")


def sources():
    for folder in FOLDERS:
        d = os.path.join(ROOT, folder)
        for name in sorted(os.listdir(d)):
            if name.endswith(EXTS):
                yield os.path.join(folder, name)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def folder_of(rel):
    for f in sorted(FOLDERS, key=len, reverse=True):
        if rel.startswith(f + "/"):
            return f
    return None


def main():
    problems = []
    files = list(sources())
    texts = {f: strip_comments(open(os.path.join(ROOT, f), encoding="utf-8").read()) for f in files}

    # ---- includes
    inc = {}
    for f, text in texts.items():
        here = os.path.dirname(f)
        inc[f] = []
        for m in re.finditer(r'^\s*#\s*include\s+"([^"]+)"', text, re.M):
            target = os.path.normpath(os.path.join(here, m.group(1)))
            if target not in texts:
                continue
            inc[f].append(target)
            src, dst = folder_of(f), folder_of(target)
            if dst != src and dst not in MAY_INCLUDE[src]:
                problems.append(f"include against the layers: {f} includes {target}")

    def cycles(graph):
        found, state = [], {}

        def visit(n, path):
            state[n] = 1
            for m in graph.get(n, ()):
                if state.get(m) == 1:
                    found.append(path[path.index(m):] + [m])
                elif m not in state:
                    visit(m, path + [m])
            state[n] = 2

        for n in sorted(graph):
            if n not in state:
                visit(n, [n])
        return found

    for c in cycles(inc):
        problems.append("include cycle: " + " -> ".join(c))

    # ---- calls between C files
    cfiles = [f for f in files if f.endswith((".c", ".cu"))]
    defined = {}
    for f in cfiles:
        for m in re.finditer(r"^[A-Za-z_][\w \*]*?\b(lnp\w*)\s*\([^;{]*\)\s*\{", texts[f], re.M):
            if not re.match(r"^static\b", m.group(0)):
                defined.setdefault(m.group(1), f)
    calls = {}
    for f in cfiles:
        for fn, df in defined.items():
            if df != f and re.search(r"\b" + re.escape(fn) + r"\s*\(", texts[f]):
                calls.setdefault(f, {}).setdefault(df, []).append(fn)
    graph = {a: set(b) for a, b in calls.items()}
    for c in cycles(graph):
        edges = ", ".join(f"{a} -> {b} ({', '.join(sorted(calls[a][b])[:3])})" for a, b in zip(c, c[1:]))
        problems.append("call cycle: " + edges)

    for p in problems:
        print(p)
    print(f"{len(files)} files: {len(problems)} layering problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
