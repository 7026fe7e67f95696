"""Tables and a plot from benchmarks/scaling.sh's JSON lines.

    python3 benchmarks/scaling_report.py RESULTS.jsonl [--png docs/images/scaling.png] [--device "..."]

Prints a Markdown section (paste it into docs/scaling.md): for each case and
way of using the GPUs, the time at 1, 2, 4, 8 GPUs, the strong-scaling
speed-up t(N0)/t(N) at a fixed size (N0: the fewest GPUs measured) and the
weak-scaling efficiency when the problem grows with N (time per unit of work
per GPU, relative to N0's).  With --png (needs
matplotlib) it also draws both against the ideal.
"""

import argparse
import collections
import json
import sys

CASES = ("jacobi", "channel_flow", "matmul_f64")
MODES = ("process", "ranks")


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def index(rows):
    """(scaling, case, mode) -> {gpus: row}; N=1 runs count for both modes."""
    t = collections.defaultdict(dict)
    for r in rows:
        modes = MODES if r["gpus"] == 1 else (r["mode"],)
        for m in modes:
            t[(r["scaling"], r["case"], m)][r["gpus"]] = r
    # a weak-scaling run on one GPU at the strong-scaling size is also the
    # strong-scaling baseline
    for (scaling, case, m), runs in list(t.items()):
        if scaling != "strong" or 1 in runs:
            continue
        w1 = t.get(("weak", case, m), {}).get(1)
        if w1 and w1["n"] == runs[min(runs)]["n"]:
            runs[1] = w1
    return t


WORK_EXP = {"jacobi": 2, "channel_flow": 2, "matmul_f64": 3}  # work ~ n^k


def ratio(case, scaling, base, run):
    """strong: speed-up t(base)/t(N) at one size; weak: efficiency, the time
    per unit of work per GPU at the base over that at N (sizes are rounded,
    so the work per GPU is not exactly constant)."""
    r = base["time_s"] / run["time_s"]
    if scaling == "weak":
        k = WORK_EXP[case]
        r *= (run["n"] / base["n"]) ** k * base["gpus"] / run["gpus"]
    return r


def table(t, scaling, counts):
    head = "| case | GPUs as | " + " | ".join("%d GPU%s" % (n, "s" if n > 1 else "") for n in counts)
    head += " | %s |" % ("speed-up t(N0)/t(N)" if scaling == "strong" else "efficiency per unit of work")
    lines = [head, "|" + "---|" * (len(counts) + 3)]
    for case in CASES:
        for mode in MODES:
            runs = t.get((scaling, case, mode))
            if not runs:
                continue
            cells = []
            for n in counts:
                r = runs.get(n)
                cells.append("%.2f ms (n=%d)" % (r["time_s"] * 1e3, r["n"]) if r else "-")
            n0 = min(runs)
            figs = []
            for n in sorted(runs):
                if n == n0:
                    continue
                x = ratio(case, scaling, runs[n0], runs[n])
                figs.append(("%d->%d: %.2fx" % (n0, n, x)) if scaling == "strong" else ("%d: %.0f%%" % (n, 100 * x)))
            lines.append("| %s | %s | %s | %s |" % (case, "1 process" if mode == "process" else "N ranks",
                                                    " | ".join(cells), ", ".join(figs) or "-"))
    return "\n".join(lines)


def plot(t, counts, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, scaling in zip(axes, ("strong", "weak")):
        for case in CASES:
            for mode, style in zip(MODES, ("-o", "--s")):
                runs = t.get((scaling, case, mode))
                if not runs:
                    continue
                ns = sorted(runs)
                n0 = ns[0]
                ys = [ratio(case, scaling, runs[n0], runs[n]) for n in ns]
                label = "%s, %s" % (case, "1 process" if mode == "process" else "N ranks")
                if scaling == "strong" and n0 > 1:
                    label += " (vs %d GPUs)" % n0
                ax.plot(ns, ys, style, label=label)
        if scaling == "strong":
            for n0 in sorted({min(r) for (sc, _c, _m), r in t.items() if sc == "strong"}):
                xs = [n for n in counts if n >= n0]
                ax.plot(xs, [n / n0 for n in xs], ":", color="gray", label="ideal from %d" % n0)
        else:
            ax.plot(counts, [1.0] * len(counts), ":", color="gray", label="ideal")
        ax.set_xscale("log", base=2)
        ax.set_xticks(counts)
        ax.set_xticklabels([str(n) for n in counts])
        ax.set_xlabel("GPUs")
        ax.set_ylabel("speed-up t(N0)/t(N)" if scaling == "strong" else "efficiency per unit of work")
        ax.set_title("%s scaling" % scaling)
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=6.5, loc="upper left")
    fig.tight_layout()
    fig.savefig(png, dpi=110)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("--png")
    args = ap.parse_args(argv)
    rows = load(args.results)
    if not rows:
        print("no results in %s" % args.results, file=sys.stderr)
        return 1
    t = index(rows)
    counts = sorted({r["gpus"] for r in rows})
    for scaling in ("strong", "weak"):
        print("### %s scaling\n" % scaling.capitalize())
        print(table(t, scaling, counts))
        print()
    if args.png:
        plot(t, counts, args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
