"""Scaling runs of legate.numpy on several GPUs (the scaling issue).

One measurement per invocation: this script times the Jacobi sweep, one
channel-flow step and a float64 matmul at sizes given on the command line,
with the GPUs (or ranks) it was started with, and appends one JSON line per
case to --out.  benchmarks/scaling.sh runs it for 1, 2, 4, (8) GPUs, as one
process with N GPUs and as N ranks with one GPU each, for weak scaling (the
problem grows with the GPUs) and strong scaling (fixed size);
benchmarks/scaling_report.py turns the lines into docs/scaling.md and a PNG.

    bin/legate --gpus 2 benchmarks/scaling.py --mode process --scaling strong \\
        --jacobi-n 16384 --cf-n 4096 --matmul-n 8192 --out results.jsonl

Times: median of --repeat runs (fewer when one takes more than a share of
--budget) after one warm-up, each bracketed by legate.numpy.synchronize()
(StarPU's wait for all tasks, on every rank): gpu_bench.time_case.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, HERE)

import gpu_bench  # noqa: E402  (benchmarks/: the cases' set-up)

import legate.numpy as lnp  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", required=True, choices=("process", "ranks"),
                    help="how the GPUs were given: one process with N GPUs, or N ranks with one each")
    ap.add_argument("--scaling", required=True, choices=("weak", "strong"))
    ap.add_argument("--jacobi-n", type=int, default=0, help="Jacobi field side (0: skip)")
    ap.add_argument("--cf-n", type=int, default=0, help="channel-flow grid side (0: skip)")
    ap.add_argument("--cf-nit", type=int, default=50)
    ap.add_argument("--matmul-n", type=int, default=0, help="matmul side, float64 (0: skip)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--budget", type=float, default=10.0,
                    help="seconds of timed runs a case may take (from the warm-up's time)")
    ap.add_argument("--out", required=True, help="JSON lines file to append to (rank 0 writes)")
    args = ap.parse_args(argv)

    core = lnp._runtime.core
    cfg = dict(core.config())
    nranks = cfg.get("nranks", 1)
    gpus = cfg.get("ncuda", 0) * nranks
    sync = lnp.synchronize
    cases = []
    if args.jacobi_n:
        cases.append(("jacobi", gpu_bench.setup_jacobi, {"n": args.jacobi_n}, "sweep"))
    if args.cf_n:
        cases.append(("channel_flow", gpu_bench.setup_channel_flow,
                      {"n": args.cf_n, "nit": args.cf_nit, "steps": 1}, "step"))
    if args.matmul_n:
        cases.append(("matmul_f64", gpu_bench.setup_matmul_f64, {"n": args.matmul_n}, "product"))
    mod = gpu_bench.Module("legate", lnp, sync, lambda: None)
    rows = []
    for name, setup, p, unit in cases:
        # gpu_bench's timing: one warm-up, then up to --repeat runs within
        # --budget seconds, each between two synchronize() calls
        r = gpu_bench.time_case({"name": name, "setup": setup}, p, mod, 1, args.repeat, args.budget)
        times = r["times"]
        sync()
        row = {"case": name, "n": p["n"], "unit": unit, "mode": args.mode, "scaling": args.scaling,
               "gpus": gpus, "ranks": nranks, "time_s": statistics.median(times), "times_s": times,
               "host": platform.node(), "date": time.strftime("%Y-%m-%d")}
        rows.append(row)
        print("%-13s n=%-6d %-7s gpus=%d ranks=%d: %.3f ms per %s" % (
            name, p["n"], args.mode, gpus, nranks, row["time_s"] * 1e3, unit), flush=True)
    if cfg.get("rank", 0) == 0:
        with open(args.out, "a") as f:
            for row in rows:
                f.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
