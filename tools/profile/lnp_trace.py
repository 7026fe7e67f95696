#!/usr/bin/env python3
"""Post-processing of a legate.numpy profile (bin/legate --profile DIR).

    lnp_trace.py report DIR [--no-fxt-tool] [--no-png] [--quiet]
        runs StarPU's starpu_fxt_tool on every rank's DIR/prof_file_* (one
        trace, ranks as groups), then reads paje.trace and tasks.rec and
        writes DIR/summary.txt, DIR/summary.json, DIR/timeline.html (one
        self-contained page) and DIR/timeline.png, and prints the summary.
    lnp_trace.py check-paje FILE
        parses a Paje trace strictly (every line against its %EventDef,
        containers created before use, links paired) and prints counts.
    lnp_trace.py png HTML PNG
        screenshot of a timeline page (headless Chromium).

Standard library only, so it runs with whatever Python runs the program.
The trace conventions it reads (task names, the lnp-* program events that
carry source sites, regions and task counts) are written by
python/legate/numpy/_profile.py; see docs/design.md, "Profiling".
"""

import colorsys
import glob
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from urllib.parse import unquote

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# Paje
# ---------------------------------------------------------------------------

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


class PajeError(Exception):
    pass


def paje_events(path, wanted=None, strict=False):
    """Yield (event name, {field: value}) for each line of a Paje file.
    `wanted`: a set of event names to return (others are only checked when
    `strict`)."""
    defs = {}          # id -> (name, [fields])
    cur = None
    with open(path, "r", encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.startswith("%"):
                parts = line[1:].split()
                if not parts:
                    continue
                if parts[0] == "EventDef":
                    if len(parts) < 3:
                        raise PajeError("%s:%d: bad %%EventDef" % (path, lineno))
                    cur = (parts[1], [])
                    defs[parts[2]] = cur
                elif parts[0] == "EndEventDef":
                    cur = None
                elif cur is not None and len(parts) >= 2:
                    cur[1].append(parts[0])
                elif strict:
                    raise PajeError("%s:%d: field outside %%EventDef" % (path, lineno))
                continue
            if not line.strip():
                continue
            tab = line.find("\t")
            sp = line.find(" ")
            cut = min(x for x in (tab, sp, len(line)) if x >= 0)
            eid = line[:cut]
            d = defs.get(eid)
            if d is None:
                if strict:
                    raise PajeError("%s:%d: unknown event id %r" % (path, lineno, eid))
                continue
            name, fields = d
            if not strict and wanted is not None and name not in wanted:
                continue
            toks = [m.group(1) if m.group(1) is not None else m.group(2)
                    for m in _TOKEN.finditer(line)]
            if len(toks) - 1 != len(fields):
                if strict:
                    raise PajeError("%s:%d: %s has %d fields, its definition %d" % (
                        path, lineno, name, len(toks) - 1, len(fields)))
                continue
            if wanted is None or name in wanted:
                yield name, dict(zip(fields, toks[1:]))
            elif strict:
                pass


def sort_paje(path):
    """Order a Paje file by time, as StarPU's starpu_paje_sort does: the
    header, type and value definitions, container creations and
    AddVariable stay first (file order); every other event is sorted stably
    by its time.  starpu_fxt_tool writes events of concurrent threads a few
    nanoseconds out of order, which strict readers (pajeng) refuse.
    Also creates the user-thread containers that StarPU 1.3.10 uses without
    creating them in MPI traces (a thread it first registered as the MPI
    thread later pushes user states on "<rank>_t<tid>")."""
    keep_names = {"PajeDefineContainerType", "PajeDefineEventType", "PajeDefineStateType",
                  "PajeDefineVariableType", "PajeDefineLinkType", "PajeDefineEntityValue",
                  "PajeCreateContainer", "PajeAddVariable"}
    defs = {}
    cur = None
    head, body = [], []
    created = set()
    missing = {}          # alias -> first time used
    with open(path, "r", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("%"):
                parts = line[1:].split()
                if len(parts) >= 3 and parts[0] == "EventDef":
                    cur = defs[parts[2]] = (parts[1], [])
                elif parts and parts[0] == "EndEventDef":
                    cur = None
                elif cur is not None and len(parts) >= 2:
                    cur[1].append(parts[0])
                head.append(line)
                continue
            parts = line.split(None, 2)
            d = defs.get(parts[0]) if parts else None
            if d is None or d[0] in keep_names or len(parts) < 2:
                if d is not None and d[0] == "PajeCreateContainer":
                    toks = [m.group(1) if m.group(1) is not None else m.group(2)
                            for m in _TOKEN.finditer(line)]
                    if len(toks) - 1 == len(d[1]):
                        created.add(toks[1 + d[1].index("Alias")])
                head.append(line)
                continue
            try:
                t = float(parts[1])
            except ValueError:
                head.append(line)
                continue
            body.append((t, line))
            if "Container" in d[1] and d[0] != "PajeDestroyContainer":
                toks = line.split()
                i = 1 + d[1].index("Container")
                if i < len(toks) and toks[i] not in created and re.match(r"^(\d+_)?t\d+$", toks[i]):
                    missing.setdefault(toks[i], t)
    create_id = next((k for k, v in defs.items() if v[0] == "PajeCreateContainer"), None)
    if create_id is not None:
        fields = defs[create_id][1]
        for alias, t in sorted(missing.items()):
            if alias in created:
                continue
            m = re.match(r"^((\d+_)?)t(\d+)$", alias)
            vals = {"Time": "%.9f" % t, "Alias": alias, "Type": "UT", "Container": m.group(1) + "p",
                    "Name": "%sUserThread%s" % (m.group(1), m.group(3))}
            if set(fields) <= set(vals):
                head.append("\t".join([create_id] + [vals[f] for f in fields]) + "\n")
    body.sort(key=lambda e: e[0])
    tmp = path + ".sorting"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.writelines(head)
        fh.writelines(line for _, line in body)
    os.replace(tmp, path)


def check_paje(path):
    """Strict parse; returns a dict of counts (raises PajeError)."""
    containers = {"0": None}
    ctypes = {"0"}
    counts = {}
    open_links = {}
    nlinks = 0
    last_time = 0.0
    for name, f in paje_events(path, wanted=None, strict=True):
        counts[name] = counts.get(name, 0) + 1
        if "Time" in f:
            try:
                float(f["Time"])
            except ValueError:
                raise PajeError("bad time %r in %s" % (f["Time"], name))
        if name == "PajeDefineContainerType":
            if f["Type"] not in ctypes:
                raise PajeError("container type %s: unknown parent type %s" % (f["Alias"], f["Type"]))
            ctypes.add(f["Alias"])
        elif name == "PajeCreateContainer":
            if f["Container"] not in containers:
                raise PajeError("container %s: unknown parent %s" % (f["Alias"], f["Container"]))
            if f["Type"] not in ctypes:
                raise PajeError("container %s: unknown type %s" % (f["Alias"], f["Type"]))
            containers[f["Alias"]] = f["Container"]
        elif name in ("PajeSetState", "PajePushState", "PajePopState", "PajeNewEvent",
                      "PajeSetVariable", "PajeAddVariable", "PajeSubVariable"):
            if f["Container"] not in containers:
                raise PajeError("%s on unknown container %s" % (name, f["Container"]))
        elif name in ("PajeStartLink", "PajeEndLink"):
            c = f["StartContainer"] if name == "PajeStartLink" else f["EndContainer"]
            if c not in containers:
                raise PajeError("%s to unknown container %s" % (name, c))
            key = (f["Type"], f["Key"])
            other = open_links.pop(key, None)
            if other is None:
                open_links[key] = name
            elif other == name:
                raise PajeError("two %s with key %s" % (name, f["Key"]))
            else:
                nlinks += 1
    return {"events": counts, "containers": len(containers) - 1, "links": nlinks,
            "unpaired_links": len(open_links)}


# ---------------------------------------------------------------------------
# tasks.rec
# ---------------------------------------------------------------------------

def read_rec(path):
    """Records of a recutils file: a list of dicts."""
    recs, cur = [], {}
    with open(path, "r", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                if cur:
                    recs.append(cur)
                    cur = {}
                continue
            if line.startswith("#"):
                continue
            k, sep, v = line.partition(": ")
            if sep:
                cur[k] = v
            elif line.endswith(":"):
                cur[line[:-1]] = ""
    if cur:
        recs.append(cur)
    return recs


# ---------------------------------------------------------------------------
# The profile: tasks, workers, transfers, sites, regions
# ---------------------------------------------------------------------------

_RANK_PREFIX = re.compile(r"^(\d+)_")


def _prefix_rank(alias):
    m = _RANK_PREFIX.match(alias)
    return (int(m.group(1)), m.group(0)) if m else (0, "")


class Profile:
    """Everything the summary and the timeline show, read from DIR."""

    def __init__(self, directory):
        self.dir = directory
        paje = os.path.join(directory, "paje.trace")
        recs = read_rec(os.path.join(directory, "tasks.rec"))
        self.containers = {}     # alias -> (type, parent, name)
        self.events = []         # (rank, time, value) program events
        starts = {}
        self.links = []          # (type, t0, t1, size, src alias, dst alias)
        wanted = {"PajeCreateContainer", "PajeNewEvent", "PajeStartLink", "PajeEndLink"}
        for name, f in paje_events(paje, wanted):
            if name == "PajeCreateContainer":
                self.containers[f["Alias"]] = (f["Type"], f["Container"], f["Name"])
            elif name == "PajeNewEvent":
                if f["Type"] == "prog_event":
                    self.events.append((_prefix_rank(f["Container"])[0], float(f["Time"]), f["Value"]))
            elif name in ("PajeStartLink", "PajeEndLink"):
                # pair the two ends by (type, key), whichever comes first
                if f["Type"] == "WSL":
                    continue
                key = (f["Type"], f["Key"])
                other = starts.pop(key, None)
                if other is None:
                    starts[key] = (name, f)
                    continue
                s, e = (other[1], f) if name == "PajeEndLink" else (f, other[1])
                try:
                    size = int(float(e["Value"] or s["Value"]))
                except ValueError:
                    size = 0
                self.links.append((f["Type"], float(s["Time"]), float(e["Time"]), size,
                                   s["StartContainer"], e["EndContainer"]))
        self._workers()
        self._sites_and_regions()
        self._tasks(recs)

    # -- workers and memory nodes ------------------------------------------
    def _workers(self):
        self.workers = {}    # alias -> dict(rank, name, kind, node)
        node_kind = {}       # (rank, node number) -> 'CUDA' if a CUDA worker lives there
        for alias, (typ, parent, name) in self.containers.items():
            if typ != "W":
                continue
            rank, prefix = _prefix_rank(alias)
            bare = name[len(prefix):] if name.startswith(prefix) else name
            kind = re.match(r"[A-Za-z]+", bare)
            kind = kind.group(0).upper() if kind else "?"
            # worker -> thread -> memory node
            thread = self.containers.get(parent)
            node = -1
            if thread:
                mn = thread[1]
                m = re.search(r"mn(\d+)$", mn)
                if m:
                    node = int(m.group(1))
            wid = int(re.search(r"w(\d+)$", alias).group(1))
            self.workers[alias] = {"rank": rank, "id": wid, "name": bare, "kind": kind, "node": node}
            if kind == "CUDA":
                node_kind[(rank, node)] = "GPU"
        self.nranks = 1 + max([w["rank"] for w in self.workers.values()] + [0])
        self.multi_rank = any(_RANK_PREFIX.match(a) for a in self.containers)
        self.node_names = {}
        gpu_index = {}
        for alias, (typ, parent, name) in self.containers.items():
            if typ != "Mm":
                continue
            rank, _ = _prefix_rank(alias)
            n = int(re.search(r"mm(\d+)$", alias).group(1))
            if node_kind.get((rank, n)) == "GPU":
                gpu_index.setdefault(rank, 0)
                label = "GPU%d" % gpu_index[rank]
                gpu_index[rank] += 1
            elif n == 0:
                label = "RAM"
            else:
                label = "node%d" % n
            self.node_names[alias] = label

    def node_label(self, alias):
        rank, _ = _prefix_rank(alias)
        label = self.node_names.get(alias)
        if label is None:
            m = re.search(r"(\d+)_mpict$", alias)
            label = "rank%s" % m.group(1) if m else alias
            return label
        return ("r%d:" % rank + label) if self.multi_rank else label

    # -- program events: sites, regions, counts ------------------------------
    def _sites_and_regions(self):
        self.sites = {}       # (rank, id) -> dict
        self.regions = []     # (rank, path, t0, t1)
        self.counts = {}      # rank -> {'cpu': n, 'cuda': n}
        self.marks = []       # (rank, time, text): other program events
        open_regions = {}
        for rank, t, v in self.events:
            parts = v.split("|")
            tag = parts[0]
            if tag == "lnp-site" and len(parts) >= 8:
                sid = int(parts[1])
                self.sites[(rank, sid)] = {
                    "name": unquote(parts[2]), "kernel": unquote(parts[3]),
                    "file": unquote(parts[4]), "line": int(parts[5] or 0),
                    "func": unquote(parts[6]), "region": unquote(parts[7])}
            elif tag == "lnp-region-begin" and len(parts) >= 2:
                open_regions.setdefault((rank, unquote(parts[1])), []).append(t)
            elif tag == "lnp-region-end" and len(parts) >= 2:
                path = unquote(parts[1])
                st = open_regions.get((rank, path))
                if st:
                    self.regions.append((rank, path, st.pop(), t))
            elif tag == "lnp-counts":
                c = {}
                for kv in parts[1:]:
                    k, _, n = kv.partition("=")
                    c[k] = int(n or 0)
                self.counts[rank] = c      # the last one written wins
            elif tag in ("lnp-rank", "starpu_pause", "starpu_resume", "fxt flush"):
                continue
            else:
                self.marks.append((rank, t, v))
        for (rank, path), sts in open_regions.items():
            for st in sts:
                self.regions.append((rank, path, st, None))
        self.regions.sort(key=lambda r: (r[0], r[2]))

    # -- tasks ---------------------------------------------------------------
    def _tasks(self, recs):
        self.tasks = []       # dicts: name, rank, worker alias, start, end, site, job, params, kernel
        self.other_tasks = 0  # StarPU's own tasks that ran on a worker
        for r in recs:
            if "StartTime" not in r or "EndTime" not in r or "WorkerId" not in r:
                continue
            model = r.get("Model", "")
            if not model.startswith("lnp_"):
                self.other_tasks += 1
                continue
            job = r.get("JobId", "")
            if self.multi_rank:
                rank, prefix = _prefix_rank(job)
                try:
                    rank = int(r.get("MPIRank", rank))
                except ValueError:
                    pass
                prefix = "%d_" % rank
            else:
                rank, prefix = 0, ""
            tag = int(r.get("Tag", "0") or "0", 16)
            site = self.sites.get((rank, tag))
            self.tasks.append({
                "name": r.get("Name", "?"), "rank": rank,
                "worker": "%sw%s" % (prefix, r["WorkerId"]),
                "start": float(r["StartTime"]), "end": float(r["EndTime"]),
                "site": (rank, tag) if site else None, "job": job,
                "params": r.get("Parameters", ""), "model": model,
                "kernel": site["kernel"] if site and site["name"] == r.get("Name") else r.get("Name", "?"),
                "sizes": r.get("Sizes", ""),
            })
        self.tasks.sort(key=lambda t: t["start"])

    # -- summary ---------------------------------------------------------------
    def worker_kind(self, alias):
        w = self.workers.get(alias)
        return w["kind"] if w else "?"

    def summary(self):
        ops = {}
        kinds = set()
        for t in self.tasks:
            k = self.worker_kind(t["worker"])
            kinds.add(k)
            d = t["end"] - t["start"]
            o = ops.setdefault(t["name"], {"count": 0, "total_ms": 0.0, "kinds": {}})
            o["count"] += 1
            o["total_ms"] += d
            ok = o["kinds"].setdefault(k, {"count": 0, "total_ms": 0.0})
            ok["count"] += 1
            ok["total_ms"] += d
        for o in ops.values():
            o["mean_ms"] = o["total_ms"] / o["count"]
        transfers = {}
        for typ, t0, t1, size, src, dst in self.links:
            key = "%s -> %s" % (self.node_label(src), self.node_label(dst))
            e = transfers.setdefault(key, {"count": 0, "bytes": 0, "ms": 0.0,
                                           "kind": "MPI" if typ == "MPIL" else "memory"})
            e["count"] += 1
            e["bytes"] += size
            e["ms"] += max(0.0, t1 - t0)
        lines = {}
        regions = {}
        for t in self.tasks:
            d = t["end"] - t["start"]
            s = self.sites.get(t["site"]) if t["site"] else None
            if s:
                where = "%s:%d" % (os.path.basename(s["file"]) or "?", s["line"])
                e = lines.setdefault(where, {"count": 0, "total_ms": 0.0, "ops": set(), "func": s["func"]})
                e["count"] += 1
                e["total_ms"] += d
                e["ops"].add(t["name"])
                reg = s["region"] or "(none)"
            else:
                reg = "(none)"
            r = regions.setdefault(reg, {"count": 0, "total_ms": 0.0})
            r["count"] += 1
            r["total_ms"] += d
        for e in lines.values():
            e["ops"] = sorted(e["ops"])
        span = [min((t["start"] for t in self.tasks), default=0.0),
                max((t["end"] for t in self.tasks), default=0.0)]
        counted = None
        if self.counts:
            counted = sum(c.get("cpu", 0) + c.get("cuda", 0) for c in self.counts.values())
        workers_by_kind = {}
        for w in self.workers.values():
            workers_by_kind[w["kind"]] = workers_by_kind.get(w["kind"], 0) + 1
        return {
            "tasks": len(self.tasks),
            "tasks_counted_by_codelets": counted,
            "counts_per_rank": {str(k): v for k, v in sorted(self.counts.items())},
            "other_starpu_tasks": self.other_tasks,
            "ranks": self.nranks,
            "workers": workers_by_kind,
            "span_ms": span[1] - span[0],
            "ops": ops,
            "worker_kinds": sorted(kinds),
            "transfers": transfers,
            "lines": lines,
            "regions": regions,
        }


def _fmt_bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1024.0
    return str(n)


def format_summary(s, top_lines=12):
    out = []
    w = out.append
    wk = ", ".join("%d %s" % (n, k) for k, n in sorted(s["workers"].items()))
    w("legate.numpy profile: %d tasks on %s%s, %.3f ms from first task start to last task end"
      % (s["tasks"], wk or "no workers",
         (" in %d ranks" % s["ranks"]) if s["ranks"] > 1 else "", s["span_ms"]))
    if s["tasks_counted_by_codelets"] is not None:
        ok = s["tasks_counted_by_codelets"] == s["tasks"]
        w("tasks executed (legate.numpy codelet counters): %d%s"
          % (s["tasks_counted_by_codelets"], "" if ok else "  <-- differs from the trace's %d" % s["tasks"]))
    kinds = s["worker_kinds"] or ["CPU"]
    head = "%-18s %7s %12s %10s" % ("op", "count", "total ms", "mean ms")
    for k in kinds:
        head += " %16s" % ("%s n / ms" % k)
    w("")
    w(head)
    w("-" * len(head))
    for name, o in sorted(s["ops"].items(), key=lambda kv: -kv[1]["total_ms"]):
        line = "%-18s %7d %12.3f %10.4f" % (name[:18], o["count"], o["total_ms"], o["mean_ms"])
        for k in kinds:
            e = o["kinds"].get(k)
            line += " %16s" % (("%d / %.2f" % (e["count"], e["total_ms"])) if e else "-")
        w(line)
    tot = sum(o["total_ms"] for o in s["ops"].values())
    w("%-18s %7d %12.3f" % ("total", s["tasks"], tot))
    w("")
    if s["transfers"]:
        w("%-28s %8s %12s %10s" % ("transfers", "count", "bytes", "ms"))
        for key, e in sorted(s["transfers"].items()):
            w("%-28s %8d %12s %10.3f" % (key + (" (MPI)" if e["kind"] == "MPI" else ""),
                                         e["count"], _fmt_bytes(e["bytes"]), e["ms"]))
    else:
        w("transfers between memory nodes: none")
    if len(s["regions"]) > 1 or "(none)" not in s["regions"]:
        w("")
        w("%-28s %8s %12s" % ("profile_region", "tasks", "task ms"))
        for name, r in sorted(s["regions"].items()):
            w("%-28s %8d %12.3f" % (name[:28], r["count"], r["total_ms"]))
    if s["lines"]:
        w("")
        w("%-28s %8s %12s  %s" % ("source line (top %d)" % top_lines, "tasks", "task ms", "ops"))
        for where, e in sorted(s["lines"].items(), key=lambda kv: -kv[1]["total_ms"])[:top_lines]:
            w("%-28s %8d %12.3f  %s" % (where[-28:], e["count"], e["total_ms"], ",".join(e["ops"])))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# HTML timeline
# ---------------------------------------------------------------------------

_FIXED_COLORS = {
    "add": "#4e79a7", "subtract": "#f28e2b", "multiply": "#e15759", "divide": "#76b7b2",
    "true_divide": "#76b7b2", "matmul": "#59a14f", "sum": "#edc948", "setitem": "#b07aa1",
    "copy": "#ff9da7", "fill": "#bab0ac", "power": "#9c755f", "getitem": "#d4a6c8",
    "zeros": "#cccccc", "ones": "#aaaaaa",
}


def op_color(name):
    c = _FIXED_COLORS.get(name)
    if c:
        return c
    h = int(hashlib.md5(name.encode()).hexdigest()[:8], 16)
    r, g, b = colorsys.hls_to_rgb((h % 360) / 360.0, 0.55, 0.55 + (h >> 9) % 30 / 100.0)
    return "#%02x%02x%02x" % (int(r * 255), int(g * 255), int(b * 255))


def timeline_data(p, s):
    """The JSON the page draws."""
    rows = []            # {label, group, kind}
    row_of = {}
    for alias, wkr in sorted(p.workers.items(), key=lambda kv: (kv[1]["rank"], kv[1]["kind"] != "CUDA", kv[1]["id"])):
        row_of[alias] = len(rows)
        rows.append({"label": wkr["name"], "rank": wkr["rank"], "kind": wkr["kind"]})
    names = sorted({t["name"] for t in p.tasks})
    name_idx = {n: i for i, n in enumerate(names)}
    site_keys = sorted({t["site"] for t in p.tasks if t["site"]} | set(p.sites))
    site_idx = {k: i for i, k in enumerate(site_keys)}
    firsts = [t["start"] for t in p.tasks] + [l[1] for l in p.links] + [r[2] for r in p.regions]
    t0 = min(firsts) if firsts else 0.0
    tasks = {"row": [], "start": [], "dur": [], "name": [], "site": [], "job": [], "params": [], "kernel": []}
    kernels = sorted({t["kernel"] for t in p.tasks})
    kernel_idx = {k: i for i, k in enumerate(kernels)}
    for t in p.tasks:
        r = row_of.get(t["worker"])
        if r is None:
            row_of[t["worker"]] = r = len(rows)
            rows.append({"label": t["worker"], "rank": t["rank"], "kind": "?"})
        tasks["row"].append(r)
        tasks["start"].append(round(t["start"] - t0, 6))
        tasks["dur"].append(round(t["end"] - t["start"], 6))
        tasks["name"].append(name_idx[t["name"]])
        tasks["site"].append(site_idx[t["site"]] if t["site"] else -1)
        tasks["job"].append(t["job"])
        tasks["params"].append(t["params"])
        tasks["kernel"].append(kernel_idx[t["kernel"]])
    # transfer rows: one per destination memory node that received data
    xfers = {"row": [], "start": [], "dur": [], "bytes": [], "src": [], "type": []}
    xrow = {}
    for typ, a, b, size, src, dst in sorted(p.links, key=lambda l: l[1]):
        label = ("MPI \u2192 " if typ == "MPIL" else "\u2192 ") + p.node_label(dst)
        if label not in xrow:
            xrow[label] = len(rows)
            rank, _ = _prefix_rank(dst)
            rows.append({"label": label, "rank": rank, "kind": "transfer"})
        xfers["row"].append(xrow[label])
        xfers["start"].append(round(a - t0, 6))
        xfers["dur"].append(round(max(0.0, b - a), 6))
        xfers["bytes"].append(size)
        xfers["src"].append(p.node_label(src))
        xfers["type"].append({"F": "fetch", "PF": "prefetch", "IF": "idle fetch", "MPIL": "MPI"}.get(typ, typ))
    regions = [{"rank": r, "name": n, "start": round(a - t0, 6),
                "end": round((b if b is not None else a) - t0, 6)} for r, n, a, b in p.regions]
    marks = [{"rank": r, "t": round(t - t0, 6), "text": v} for r, t, v in p.marks]
    sites = []
    for k in site_keys:
        st = p.sites.get(k, {})
        sites.append([st.get("name", "?"), st.get("kernel", ""), st.get("file", ""),
                      st.get("line", 0), st.get("func", ""), st.get("region", "")])
    return {
        "title": os.path.abspath(p.dir),
        "rows": rows, "names": names, "colors": [op_color(n) for n in names],
        "kernels": kernels, "tasks": tasks, "transfers": xfers, "regions": regions,
        "marks": marks, "sites": sites, "ranks": p.nranks,
        "summary_text": format_summary(s),
    }


def write_html(p, s, path):
    data = timeline_data(p, s)
    with open(os.path.join(HERE, "timeline.html")) as fh:
        page = fh.read()
    with open(os.path.join(HERE, "timeline.js")) as fh:
        js = fh.read()
    blob = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    page = page.replace("/*LNP_DATA*/", blob).replace("/*LNP_SCRIPT*/", js)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(page)


# ---------------------------------------------------------------------------
# PNG
# ---------------------------------------------------------------------------

def find_chromium():
    for name in (os.environ.get("LEGATE_NUMPY_CHROMIUM", ""), "chromium", "chromium-browser",
                 "google-chrome", "chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def chromium_args(exe, profile_dir):
    args = [exe, "--headless", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
            "--disable-dev-shm-usage", "--user-data-dir=" + profile_dir]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


def html_to_png(html, png, width=1600, height=900):
    """Screenshot of the page with headless Chromium; False if there is none."""
    exe = find_chromium()
    if not exe:
        return False
    with tempfile.TemporaryDirectory() as prof:
        cmd = chromium_args(exe, prof) + [
            "--window-size=%d,%d" % (width, height), "--virtual-time-budget=10000",
            "--screenshot=" + os.path.abspath(png), "file://" + os.path.abspath(html)]
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return os.path.exists(png) and os.path.getsize(png) > 0


def _png_bytes(w, h, pix):
    raw = b"".join(b"\x00" + bytes(pix[y * w * 3:(y + 1) * w * 3]) for y in range(h))

    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def simple_png(p, png, width=1600, row_h=18):
    """A picture of the timeline without a browser: one band per worker row,
    tasks in their op colours, transfers in grey (no text)."""
    data = timeline_data(p, p.summary())
    rows = data["rows"]
    height = max(1, len(rows)) * row_h + 20
    pix = bytearray(b"\xff" * (width * height * 3))
    t = data["tasks"]
    x = data["transfers"]
    end = max([a + d for a, d in zip(t["start"], t["dur"])] + [a + d for a, d in zip(x["start"], x["dur"])] + [1e-9])
    scale = (width - 20) / end

    def rect(x0, x1, y0, y1, rgb):
        x0 = max(0, min(width - 1, int(x0)))
        x1 = max(x0 + 1, min(width, int(x1)))
        for yy in range(max(0, y0), min(height, y1)):
            base = (yy * width + x0) * 3
            pix[base:base + (x1 - x0) * 3] = bytes(rgb) * (x1 - x0)
    for r in range(len(rows)):
        if r % 2:
            rect(0, width, 10 + r * row_h, 10 + (r + 1) * row_h, (244, 244, 244))
    cols = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in data["colors"]]
    for r, a, d, n in zip(t["row"], t["start"], t["dur"], t["name"]):
        rect(10 + a * scale, 10 + (a + d) * scale, 12 + r * row_h, 8 + (r + 1) * row_h, cols[n])
    for r, a, d in zip(x["row"], x["start"], x["dur"]):
        rect(10 + a * scale, 10 + (a + d) * scale, 12 + r * row_h, 8 + (r + 1) * row_h, (120, 120, 120))
    with open(png, "wb") as fh:
        fh.write(_png_bytes(width, height, pix))


# ---------------------------------------------------------------------------
# starpu_fxt_tool
# ---------------------------------------------------------------------------

def find_fxt_tool():
    env = os.environ.get("STARPU_FXT_TOOL")
    if env:
        return env
    cache = os.environ.get("LEGATE_NUMPY_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "legate-numpy")
    cand = os.path.join(cache, "starpu", "bin", "starpu_fxt_tool")
    if os.access(cand, os.X_OK):
        return cand
    return shutil.which("starpu_fxt_tool")


def trace_files(directory):
    return sorted(f for f in glob.glob(os.path.join(directory, "prof_file_*"))
                  if os.path.isfile(f))


def run_fxt_tool(directory, quiet=False):
    files = trace_files(directory)
    if not files:
        raise SystemExit("lnp_trace: no prof_file_* in %s (did the program start legate.numpy?)" % directory)
    tool = find_fxt_tool()
    if not tool:
        raise SystemExit("lnp_trace: starpu_fxt_tool not found (scripts/install-deps.sh builds it into "
                         "$LEGATE_NUMPY_CACHE/starpu/bin)")
    cmd = [tool, "-c"]
    for f in files:
        cmd += ["-i", os.path.basename(f)]
    r = subprocess.run(cmd, cwd=directory, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        sys.stderr.write(r.stdout.decode(errors="replace")[-4000:])
        raise SystemExit("lnp_trace: starpu_fxt_tool failed (exit %d)" % r.returncode)
    sort_paje(os.path.join(directory, "paje.trace"))
    return files


def report(directory, fxt_tool=True, png=True, quiet=False):
    if fxt_tool:
        run_fxt_tool(directory, quiet)
    p = Profile(directory)
    s = p.summary()
    text = format_summary(s)
    with open(os.path.join(directory, "summary.txt"), "w") as fh:
        fh.write(text)
    with open(os.path.join(directory, "summary.json"), "w") as fh:
        json.dump(s, fh, indent=1, sort_keys=True)
    html = os.path.join(directory, "timeline.html")
    write_html(p, s, html)
    how = None
    if png:
        out = os.path.join(directory, "timeline.png")
        # tall enough for every row (the page's rows are 14-30 px high)
        nrows = len(p.workers) + len({l[5] for l in p.links}) + 2 * p.nranks
        height = max(900, min(4000, 560 + 22 * nrows))
        if html_to_png(html, out, height=height):
            how = "chromium"
        else:
            simple_png(p, out)
            how = "plain (no chromium found)"
    if not quiet:
        sys.stdout.write(text)
        sys.stdout.write("\nprofile in %s: paje.trace (ViTE, pajeng), dag.dot, tasks.rec, data.rec, "
                         "activity.data, summary.txt/json, timeline.html%s\n"
                         % (directory, (", timeline.png (%s)" % how) if how else ""))
    return s


def main(argv):
    if len(argv) >= 2 and argv[0] == "report":
        directory = argv[1]
        opts = set(argv[2:])
        report(directory, fxt_tool="--no-fxt-tool" not in opts, png="--no-png" not in opts,
               quiet="--quiet" in opts)
        return 0
    if len(argv) == 2 and argv[0] == "check-paje":
        try:
            c = check_paje(argv[1])
        except PajeError as e:
            print("paje error: %s" % e)
            return 1
        print(json.dumps(c, sort_keys=True))
        return 0
    if len(argv) == 3 and argv[0] == "png":
        return 0 if html_to_png(argv[1], argv[2]) else 1
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
