"""GPU mode of benchmarks/run.py: CuPy and legate.numpy on the same GPU.

    bin/legate --gpus 1 benchmarks/run.py --gpu                 # full sizes
    bin/legate --gpus 1 benchmarks/run.py --gpu --scale 0.01    # smoke run
    bin/legate --gpus 1 benchmarks/run.py --gpu --cases add,sum --json out.json

Both modules run in one process, on inputs built on the device by each module
(same formulas), one case after the other: CuPy first, then legate.numpy.
Every timed run is bracketed by a device-wide wait (CuPy:
Device().synchronize(); legate.numpy: legate.numpy.synchronize(), i.e. StarPU's
wait-for-all), after `--warmup` untimed runs; the median of `--repeat` runs is
reported. No host transfer happens inside a timed region: results are
checked (checksums and a few elements, loose tolerance) after the timing.

After each case a module frees its device memory (CuPy: its pool's blocks go
back to the driver), then the run waits `--settle` seconds before the next
module's case. Memory given back to the CUDA driver slows the GPU's memory for
a few milliseconds: on an H100 the 2^28 sum's kernels took 862-878 us instead
of 737-749 us for the first six runs after CuPy's pool had released its
2 GiB; a 0.3 s pause, or not releasing the pool, removed it. Without the
pause the second module of every case would pay for the first one's clean-up
(the pause follows either module).

ratio = cupy time / legate time (= legate rate / cupy rate): above 1 means
legate.numpy is faster. The targets are the GPU issue's (CuPy 14.2, H100).
"""

import argparse
import gc
import importlib
import json
import math
import os
import platform
import re
import statistics
import sys
import time
import traceback

HERE = os.path.dirname(os.path.realpath(__file__))
REPO = os.path.dirname(HERE)
if os.path.join(REPO, "examples") not in sys.path:
    sys.path.insert(0, os.path.join(REPO, "examples"))

import channel_flow  # noqa: E402  (examples/)

EXIT_OK, EXIT_FAIL, EXIT_UNAVAILABLE = 0, 1, 2


# ---------------------------------------------------------------------------
# Inputs, built by each module on its own device memory (same formulas).
# ---------------------------------------------------------------------------

def _vector(xp, n, scale, shift):
    """Deterministic float64 vector of n values in [shift, shift + scale)."""
    return xp.arange(n, dtype=xp.float64) * (scale / n) + shift


def _matrix(xp, n, scale, shift):
    """Deterministic n x n float64 matrix with values of order 1."""
    x = xp.arange(n, dtype=xp.float64) / n
    return (x[:, None] * scale + x[None, :]) + shift


def _wavy(xp, n):
    """n x n float64 field that one Jacobi sweep changes everywhere (a smooth
    or linear field would be left almost unchanged, which checks nothing)."""
    i = xp.arange(n, dtype=xp.float64)
    return xp.sin(i * 0.37)[:, None] * xp.cos(i * 0.11)[None, :] + 1.0


def _elements(a, idx):
    return [float(a[i]) for i in idx]


# ---------------------------------------------------------------------------
# Cases. setup(xp, p) builds the inputs (untimed) and returns a dict:
#   run():        the timed operation; returns the result (kept alive until
#                 the clock has stopped, released before the next run)
#   summary(res): list of floats compared across modules (untimed)
# ---------------------------------------------------------------------------

def setup_add(xp, p):
    n = p["n"]
    a = _vector(xp, n, 0.5, 1.0)
    b = _vector(xp, n, -0.25, 2.0)

    def run():
        return a + b

    def summary(c):
        return [float(c.sum())] + _elements(c, [0, n // 3, n - 1])
    return {"run": run, "summary": summary}


def setup_sum(xp, p):
    n = p["n"]
    a = _vector(xp, n, 0.5, 1.0)

    def run():
        return a.sum()

    def summary(r):
        return [float(r)]
    return {"run": run, "summary": summary}


def _setup_matmul(xp, p, dtype):
    n = p["n"]
    a = _matrix(xp, n, 0.5, 1.0) / n
    b = _matrix(xp, n, -0.25, 2.0)
    if dtype is not None:
        a, b = a.astype(dtype), b.astype(dtype)

    def run():
        return a @ b

    def summary(c):
        return [float(c.sum())] + _elements(c, [(0, 0), (n // 2, n // 3), (n - 1, n - 1)])
    return {"run": run, "summary": summary}


def setup_matmul_f64(xp, p):
    return _setup_matmul(xp, p, None)


def setup_matmul_f32(xp, p):
    return _setup_matmul(xp, p, xp.float32)


def jacobi_sweep(u):
    u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
    return u


def setup_jacobi(xp, p):
    n = p["n"]
    u = _wavy(xp, n)

    def run():
        return jacobi_sweep(u)

    def summary(_res):
        # The timed sweeps modified u in place, and the number of them may
        # differ between modules (--case-budget): check one sweep on a fresh
        # field instead.
        v = jacobi_sweep(_wavy(xp, n))
        return [float(v.sum()), float((v * v).sum())] + _elements(
            v, [(1, 1), (n // 2, n // 3), (n - 2, n - 2)])
    return {"run": run, "summary": summary}


def setup_channel_flow(xp, p):
    n = p["n"]
    dt = channel_flow.stable_dt(n, n)

    def run():
        return channel_flow.run(xp, n, n, p["nit"], p["steps"], dt=dt)

    def summary(res):
        s = channel_flow.summarize(xp, res)
        return [float(s[k]) for k in sorted(s)]
    return {"run": run, "summary": summary}


def setup_small_add(xp, p):
    """The same operation as `add`, at latency size."""
    return setup_add(xp, p)

def _setup_fft(xp, p, kind):
    """np.fft on an n x n complex128 (rfft: float64) array: rows, columns,
    rfft of the rows, fft2; fft_1d: one n*n line."""
    n = p["n"]
    x = _matrix(xp, n, 0.5, 1.0)
    if kind != "rfft_rows":
        x = x + 1j * _matrix(xp, n, -0.25, 2.0)
    if kind == "fft_1d":
        x = x.reshape(n * n)
    f = {"fft_1d": xp.fft.fft, "fft_rows": xp.fft.fft, "rfft_rows": xp.fft.rfft,
         "fft_cols": lambda a: xp.fft.fft(a, axis=0), "fft2": xp.fft.fft2}[kind]

    def run():
        return f(x)

    def summary(c):
        m = abs(c)
        return [float(m.sum())] + _elements(m, [0, 7, (m.size // 3)] if m.ndim == 1 else
                                            [(0, 0), (n // 2, n // 5), (n - 1, m.shape[1] - 1)])
    return {"run": run, "summary": summary}


def _fft_case(kind):
    return {"name": kind, "setup": lambda xp, p: _setup_fft(xp, p, kind), "base": 4096, "dims": 2,
            "min": 8, "label": lambda p: ("%s, %s c128" % (kind, _pow2(p["n"] ** 2)) if kind == "fft_1d"
                                          else "%s, %dx%d %s" % (kind, p["n"], p["n"],
                                                                 "f64" if kind == "rfft_rows" else "c128")),
            # rate: one read and one write of the array
            "rate": _gbs(lambda p: 32 * p["n"] ** 2), "target": 0.9, "ref": None, "rtol": 1e-6}


def _scrambled(xp, n):
    """n float64 values in [0, 1) in no order (a multiplicative hash of the
    index), built alike by each module."""
    i = xp.arange(n, dtype=xp.uint64)
    return ((i * xp.uint64(2654435761)) % xp.uint64(1 << 32)).astype(xp.float64) / float(1 << 32)


def _setup_sort(xp, p, kind):
    """np.sort / np.argsort of n float64 values in no order."""
    n = p["n"]
    x = _scrambled(xp, n)
    f = xp.sort if kind == "sort" else xp.argsort

    def run():
        return f(x)

    def summary(r):
        v = r if kind == "sort" else x[r]
        return _elements(v, [0, n // 3, n - 1]) + [float(v[: n // 2].sum())]
    return {"run": run, "summary": summary}


def _spd(xp, n):
    """A symmetric positive definite n x n float64 matrix."""
    a = _matrix(xp, n, 0.5, 1.0) / n
    return a @ a.T + xp.eye(n) * n


def setup_cholesky(xp, p):
    a = _spd(xp, p["n"])

    def run():
        return xp.linalg.cholesky(a)

    def summary(c):
        n = p["n"]
        return [float(abs(c).sum())] + _elements(c, [(0, 0), (n // 2, n // 3), (n - 1, n - 1)])
    return {"run": run, "summary": summary}


def setup_solve(xp, p):
    n = p["n"]
    a = _matrix(xp, n, 0.5, 1.0) + xp.eye(n) * n
    b = _vector(xp, n, 1.0, 0.5)

    def run():
        return xp.linalg.solve(a, b)

    def summary(x):
        return [float(x.sum())] + _elements(x, [0, n // 2, n - 1])
    return {"run": run, "summary": summary}


def setup_einsum(xp, p):
    """A batched contraction: 'bij,bjk->bik', 64 batches of n x n."""
    n = p["n"]
    a = (_matrix(xp, n, 0.5, 1.0) / n)[None] * xp.ones((64, 1, 1))
    b = _matrix(xp, n, -0.25, 2.0)[None] * xp.ones((64, 1, 1))

    def run():
        return xp.einsum("bij,bjk->bik", a, b)

    def summary(c):
        return [float(c.sum())] + _elements(c, [(0, 0, 0), (5, n // 2, n // 3), (63, n - 1, n - 1)])
    return {"run": run, "summary": summary}


def _gbs(nbytes):
    return lambda p, t: (nbytes(p) / t / 1e9, "GB/s")


def _tflops(p, t):
    return 2.0 * p["n"] ** 3 / t / 1e12, "TFLOP/s"


# base: full size; dims: how --scale maps to it (elements of each array scale
# by --scale, so n scales by scale**(1/dims)); target: minimum ratio
# (cupy time / legate time); ref: the CuPy figure on an H100.
CASES = [
    {"name": "add", "setup": setup_add, "base": 1 << 28, "dims": 1, "min": 1024,
     "label": lambda p: "c = a + b, %s f64" % _pow2(p["n"]),
     "rate": _gbs(lambda p: 3 * 8 * p["n"]), "target": 0.9,
     "ref": "CuPy 3063 GB/s", "rtol": 1e-6},
    {"name": "sum", "setup": setup_sum, "base": 1 << 28, "dims": 1, "min": 1024,
     "label": lambda p: "a.sum(), %s f64" % _pow2(p["n"]),
     "rate": _gbs(lambda p: 8 * p["n"]), "target": 0.9,
     "ref": "CuPy 3054 GB/s", "rtol": 1e-6},
    {"name": "matmul_f64", "setup": setup_matmul_f64, "base": 8192, "dims": 2, "min": 16,
     "label": lambda p: "a @ b, %dx%d f64" % (p["n"], p["n"]),
     "rate": _tflops, "target": 0.9, "ref": "CuPy 58.9 TFLOP/s", "rtol": 1e-6},
    {"name": "matmul_f32", "setup": setup_matmul_f32, "base": 8192, "dims": 2, "min": 16,
     "label": lambda p: "a @ b, %dx%d f32" % (p["n"], p["n"]),
     "rate": _tflops, "target": 0.9, "ref": None, "rtol": 1e-3},
    {"name": "jacobi", "setup": setup_jacobi, "base": 16384, "dims": 2, "min": 8,
     "label": lambda p: "1 sweep, %dx%d f64" % (p["n"], p["n"]),
     # rate: the minimal traffic (read u once, write it once)
     "rate": _gbs(lambda p: 2 * 8 * p["n"] ** 2), "target": 1.0,
     "ref": "CuPy 8.68 ms", "rtol": 1e-6},
    {"name": "channel_flow", "setup": setup_channel_flow, "base": 4096, "dims": 2, "min": 8,
     "label": lambda p: "%dx%d nit=%d, per step (%d)" % (p["n"], p["n"], p["nit"], p["steps"]),
     "rate": None, "target": 1.0, "ref": None, "rtol": 1e-6, "per_step": True},
    {"name": "small_add", "setup": setup_small_add, "base": 1000, "dims": 0, "min": 1,
     "label": lambda p: "c = a + b, %d f64" % p["n"],
     "rate": _gbs(lambda p: 3 * 8 * p["n"]), "target": 1.0,
     "ref": "CuPy 10.4 us", "rtol": 1e-9, "min_repeat": 200},
] + [_fft_case(k) for k in ("fft_1d", "fft_rows", "fft_cols", "rfft_rows", "fft2")] + [
    {"name": kind, "setup": lambda xp, p, kind=kind: _setup_sort(xp, p, kind), "base": 1 << 26, "dims": 1,
     "min": 1024, "label": lambda p, kind=kind: "%s, %s f64" % (kind, _pow2(p["n"])),
     "rate": _gbs(lambda p: 8 * p["n"]), "target": 0.9, "ref": None, "rtol": 1e-9}
    for kind in ("sort", "argsort")] + [
    {"name": "cholesky", "setup": setup_cholesky, "base": 16384, "dims": 2, "min": 16,
     "label": lambda p: "linalg.cholesky, %dx%d f64" % (p["n"], p["n"]),
     "rate": lambda p, t: (p["n"] ** 3 / 3.0 / t / 1e12, "TFLOP/s"), "target": 0.9, "ref": None, "rtol": 1e-6},
    {"name": "solve", "setup": setup_solve, "base": 16384, "dims": 2, "min": 16,
     "label": lambda p: "linalg.solve, %dx%d f64, one right side" % (p["n"], p["n"]),
     "rate": lambda p, t: (2.0 * p["n"] ** 3 / 3.0 / t / 1e12, "TFLOP/s"), "target": 0.9, "ref": None,
     "rtol": 1e-6},
    {"name": "einsum", "setup": setup_einsum, "base": 1024, "dims": 2, "min": 8,
     "label": lambda p: "einsum bij,bjk->bik, 64x%dx%d f64" % (p["n"], p["n"]),
     "rate": lambda p, t: (64 * 2.0 * p["n"] ** 3 / t / 1e12, "TFLOP/s"), "target": 0.9, "ref": None,
     "rtol": 1e-6},
]
CASE_NAMES = [c["name"] for c in CASES]
ALIASES = {"matmul": ["matmul_f64", "matmul_f32"]}


def _pow2(n):
    k = n.bit_length() - 1
    return "2^%d" % k if n == 1 << k else str(n)


# ---------------------------------------------------------------------------
# Modules.
# ---------------------------------------------------------------------------

class Module:
    def __init__(self, label, xp, sync, free):
        self.label, self.xp, self.sync, self.free = label, xp, sync, free


def load_cupy():
    try:
        cp = importlib.import_module("cupy")
        ndev = cp.cuda.runtime.getDeviceCount()
    except Exception as exc:  # noqa: BLE001 - missing package, no driver, no GPU
        return None, "%s: %s" % (type(exc).__name__, exc)
    if ndev < 1:
        return None, "CuPy sees no CUDA device"
    dev = cp.cuda.Device()
    pool = cp.get_default_memory_pool()

    def free():
        gc.collect()
        dev.synchronize()
        pool.free_all_blocks()
    return Module("cupy", cp, dev.synchronize, free), None


def load_legate():
    try:
        lnp = importlib.import_module("legate.numpy")
    except Exception as exc:  # noqa: BLE001
        return None, "%s: %s" % (type(exc).__name__, exc)
    sync = getattr(lnp, "synchronize", None)
    if sync is None:                       # older package: the core's wait
        sync = lnp._runtime.core.wait

    def free():
        gc.collect()
        sync()
    return Module("legate", lnp, sync, free), None


def legate_core(mod):
    return mod.xp._runtime.core


def legate_config(mod):
    cfg = dict(legate_core(mod).config())
    if "ncuda" not in cfg:
        m = re.search(r"(\d+) CUDA", cfg.get("description", ""))
        cfg["ncuda"] = int(m.group(1)) if m else 0
    return cfg


def legate_task_counts(mod):
    f = getattr(legate_core(mod), "task_counts", None)
    return dict(f()) if f is not None else None


# ---------------------------------------------------------------------------
# Timing.
# ---------------------------------------------------------------------------

def time_case(case, p, mod, warmup, repeat, budget):
    """Returns a dict with warm-up and timed run times and the summary."""
    sync = mod.sync
    state = case["setup"](mod.xp, p)
    sync()
    run = state["run"]
    res = None
    warm = []
    for _ in range(warmup):
        res = None
        sync()
        t0 = time.perf_counter()
        res = run()
        sync()
        warm.append(time.perf_counter() - t0)
    n = max(repeat, case.get("min_repeat", 0))
    if budget and warm:
        n = max(1, min(n, int(budget / max(warm[-1], 1e-9))))
    times = []
    for _ in range(n):
        res = None                  # release the previous result off the clock
        sync()
        t0 = time.perf_counter()
        res = run()
        sync()
        times.append(time.perf_counter() - t0)
    summary = state["summary"](res)
    steps = None
    if case.get("per_step"):
        steps = int(res[3])
    del res, state, run
    return {"warmup": warm, "times": times, "summary": summary, "steps": steps}


def agree(a, b, rtol):
    if a is None or b is None or len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if math.isnan(x) and math.isnan(y):
            continue
        if not abs(x - y) <= rtol * max(abs(x), abs(y)) + 1e-12:
            return False
    return True


def case_params(case, args):
    over = getattr(args, case["name"] + "_n", None)
    if over is None and case["name"].startswith("matmul"):
        over = args.matmul_n
    if over is not None:
        n = over
    elif case["dims"] == 0:
        n = case["base"]
    else:
        n = int(round(case["base"] * args.scale ** (1.0 / case["dims"])))
    p = {"n": max(case["min"], n)}
    if case["name"] == "channel_flow":
        p["nit"] = args.cf_nit
        p["steps"] = args.cf_steps
    return p


# ---------------------------------------------------------------------------
# Output.
# ---------------------------------------------------------------------------

def fmt_time(t):
    if t is None:
        return "-"
    if t < 1e-3:
        return "%.1f us" % (t * 1e6)
    if t < 1:
        return "%.3f ms" % (t * 1e3)
    return "%.3f s" % t


def fmt_rate(r):
    if r is None:
        return "-"
    v, unit = r
    return ("%.1f %s" if v >= 10 else "%.3g %s") % (v, unit)


def print_markdown(rows):
    head = ["case", "size", "cupy time", "legate time", "cupy rate", "legate rate",
            "ratio", "target", "met?", "agree"]
    table = [head]
    for r in rows:
        c, l = r["cupy"], r["legate"]
        ratio = r["ratio"]
        met = "-" if ratio is None else ("yes" if ratio >= r["target"] else "no")
        ag = "-" if r["agree"] is None else ("ok" if r["agree"] else "DIFF")
        table.append([r["name"], r["size"], fmt_time(c.get("time")), fmt_time(l.get("time")),
                      fmt_rate(c.get("rate")), fmt_rate(l.get("rate")),
                      "-" if ratio is None else "%.2fx" % ratio,
                      ">= %.2gx" % r["target"], met, ag])
    widths = [max(len(t[i]) for t in table) for i in range(len(head))]
    right = {2, 3, 4, 5, 6}
    for k, t in enumerate(table):
        cells = [x.rjust(w) if i in right else x.ljust(w)
                 for i, (x, w) in enumerate(zip(t, widths))]
        print("| " + " | ".join(cells) + " |")
        if k == 0:
            print("|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2))
                                 for i, w in enumerate(widths)) + "|")
    print()
    print("ratio = cupy time / legate time (= legate rate / cupy rate); > 1: "
          "legate.numpy is faster. Times: median of the timed runs after warm-up; "
          "channel_flow: per time step.")
    refs = ["%s %s" % (r["name"], r["ref"]) for r in rows if r.get("ref")]
    if refs:
        print("Issue's reference figures (H100, CuPy 14.2): %s." % "; ".join(refs))


# ---------------------------------------------------------------------------
# Main.
# ---------------------------------------------------------------------------

def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="run.py --gpu",
        description="GPU mode: CuPy and legate.numpy side by side in one process "
                    "on the same GPU. Start it with bin/legate --gpus 1 (or "
                    "STARPU_NCUDA=1).",
        epilog="cases: %s (matmul = both matmul cases). ratio = cupy time / "
               "legate time." % ", ".join(CASE_NAMES))
    ap.add_argument("--cases", "--only", dest="cases", action="append", metavar="LIST",
                    help="cases to run (comma-separated, repeatable; default all)")
    ap.add_argument("--scale", type=float, default=None,
                    help="multiply the elements of every array by this factor "
                         "(2-D sizes by its square root), e.g. 0.01 for a smoke run; "
                         "small_add is not scaled (default 1; --quick: 1/256)")
    ap.add_argument("--quick", action="store_true", help="same as --scale 1/256")
    for name, what in [("add", "elements of add"), ("sum", "elements of sum"),
                       ("matmul", "matrix order of both matmul cases"),
                       ("jacobi", "grid order of jacobi"),
                       ("channel_flow", "grid order of channel_flow"),
                       ("small_add", "elements of small_add")] + [
                          (k, "matrix order of %s (its square: fft_1d's length)" % k)
                          for k in ("fft_1d", "fft_rows", "fft_cols", "rfft_rows", "fft2")] + [
                          ("sort", "elements of sort"), ("argsort", "elements of argsort"),
                          ("cholesky", "matrix order of cholesky"), ("solve", "matrix order of solve"),
                          ("einsum", "matrix order of einsum's 64 batches")]:
        flag = "--%s-n" % name.replace("_", "-")
        extra = ["--cf-n"] if name == "channel_flow" else []
        ap.add_argument(flag, *extra, dest=name + "_n", type=int, default=None, metavar="N",
                        help="%s (overrides --scale)" % what)
    ap.add_argument("--cf-nit", type=int, default=50,
                    help="channel_flow: pressure iterations per step (default 50, the lesson's)")
    ap.add_argument("--cf-steps", type=int, default=1,
                    help="channel_flow: time steps per timed run; time is reported "
                         "per step (default 1)")
    ap.add_argument("--warmup", type=int, default=2,
                    help="untimed runs per case and module (default 2)")
    ap.add_argument("--repeat", type=int, default=5,
                    help="timed runs per case and module; median reported "
                         "(default 5; small_add: at least 200)")
    ap.add_argument("--case-budget", type=float, default=30.0, metavar="S",
                    help="fewer timed runs (at least 1) when the last warm-up run "
                         "says they would take more than S seconds (default 30; 0: off)")
    ap.add_argument("--settle", type=float, default=0.5, metavar="S",
                    help="seconds to wait after a module frees its device memory, "
                         "before the next case (default 0.5; see the module docstring)")
    ap.add_argument("--modules", default="cupy,legate",
                    help="modules to run (default cupy,legate)")
    ap.add_argument("--json", metavar="OUT", help="also write the results as JSON")
    args = ap.parse_args(argv)

    if args.scale is None:
        args.scale = 1 / 256 if args.quick else 1.0
    if not args.scale > 0:
        ap.error("--scale must be positive")
    if args.warmup < 1:
        ap.error("--warmup must be at least 1 (the first run compiles and calibrates)")
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.settle < 0:
        ap.error("--settle must not be negative")
    if args.cf_nit < 1 or args.cf_steps < 1:
        ap.error("--cf-nit and --cf-steps must be at least 1")
    for case in CASES:
        name = case["name"] if not case["name"].startswith("matmul") else "matmul"
        v = getattr(args, name + "_n")
        if v is not None and v < case["min"]:
            ap.error("--%s-n must be at least %d" % (name.replace("_", "-"), case["min"]))
    names = CASE_NAMES
    if args.cases:
        names = []
        for item in args.cases:
            for n in item.split(","):
                n = n.strip()
                if not n:
                    continue
                for m in ALIASES.get(n, [n]):
                    if m not in CASE_NAMES:
                        ap.error("unknown case %r (known: %s, matmul)"
                                 % (m, ", ".join(CASE_NAMES)))
                    if m not in names:
                        names.append(m)
    args.selected = [c for c in CASES if c["name"] in names]
    mods = [m.strip() for m in args.modules.split(",") if m.strip()]
    for m in mods:
        if m not in ("cupy", "legate"):
            ap.error("unknown module %r (known: cupy, legate)" % m)
    if "cupy" not in mods:
        ap.error("--modules must include cupy (the reference)")
    args.modules = mods
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)

    cupy_mod, err = load_cupy()
    if cupy_mod is None:
        print("run.py --gpu: CuPy is not usable (%s).\n"
              "The GPU mode compares legate.numpy against CuPy on the same GPU; "
              "install CuPy for this machine's CUDA (e.g. pip install cupy-cuda12x) "
              "and run on a machine with an NVIDIA GPU." % err, file=sys.stderr)
        return EXIT_UNAVAILABLE
    modules = [cupy_mod]
    legate_mod = None
    if "legate" in args.modules:
        legate_mod, err = load_legate()
        if legate_mod is None:
            print("run.py --gpu: legate.numpy could not be imported (%s); run through "
                  "bin/legate --gpus 1." % err, file=sys.stderr)
            return EXIT_UNAVAILABLE
        modules.append(legate_mod)

    cp = cupy_mod.xp
    try:
        props = cp.cuda.runtime.getDeviceProperties(cp.cuda.Device().id)
        gpu = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
    except Exception:  # noqa: BLE001
        gpu = "?"
    env = {k: os.environ[k] for k in sorted(os.environ)
           if k.startswith("STARPU_") or k.startswith("LEGATE_NUMPY_")
           or k == "CUDA_VISIBLE_DEVICES"}
    info = {"python": platform.python_version(),
            "numpy": importlib.import_module("numpy").__version__,
            "cupy": cp.__version__, "gpu": gpu, "host": platform.node(), "env": env}
    print("GPU %s; cupy %s, numpy %s, python %s, %s%s"
          % (gpu, cp.__version__, info["numpy"], info["python"], info["host"],
             "" if not env else "; " + " ".join("%s=%s" % kv for kv in env.items())))
    if legate_mod is not None:
        cfg = legate_config(legate_mod)
        info["legate"] = {k: cfg[k] for k in cfg}
        print(cfg.get("description", "").rstrip())
        if not cfg.get("ncuda"):
            print("WARNING: legate.numpy has no CUDA worker: its times are CPU times. "
                  "Start with bin/legate --gpus 1 (or STARPU_NCUDA=1).", file=sys.stderr)
    print("scale %g; warm-up %d + median of %d (case budget %gs)"
          % (args.scale, args.warmup, args.repeat, args.case_budget))
    print(flush=True)

    rows = []
    for case in args.selected:
        p = case_params(case, args)
        row = {"name": case["name"], "size": case["label"](p), "params": p,
               "target": case["target"], "ref": case["ref"], "ratio": None,
               "agree": None, "cupy": {}, "legate": {}}
        for mod in modules:
            ent = row[mod.label]
            before = legate_task_counts(mod) if mod is legate_mod else None
            try:
                r = time_case(case, p, mod, args.warmup, args.repeat, args.case_budget)
            except Exception as exc:  # noqa: BLE001 - report and go on
                ent["error"] = "%s: %s" % (type(exc).__name__, exc)
                print("%s with %s failed: %s" % (case["name"], mod.label, ent["error"]),
                      file=sys.stderr, flush=True)
                traceback.print_exc()
                try:
                    mod.free()
                except Exception:  # noqa: BLE001
                    pass
                continue
            mod.free()
            if args.settle > 0:
                time.sleep(args.settle)
            per = r["steps"] if case.get("per_step") and r["steps"] else 1
            ent.update(r)
            ent["time"] = statistics.median(r["times"]) / per
            ent["rate"] = case["rate"](p, ent["time"]) if case["rate"] else None
            if before is not None:
                after = legate_task_counts(mod)
                ent["tasks"] = {k: after[k] - before.get(k, 0) for k in after}
            ts = r["times"]
            runs = (" ".join(fmt_time(t) for t in ts) if len(ts) <= 8 else
                    "%d runs, min %s median %s max %s" % (
                        len(ts), fmt_time(min(ts)), fmt_time(statistics.median(ts)),
                        fmt_time(max(ts))))
            print("  %-13s %-6s warm-up %s | runs %s%s" % (
                case["name"], mod.label, " ".join(fmt_time(t) for t in r["warmup"]), runs,
                "" if "tasks" not in ent else " | tasks cpu %d cuda %d"
                % (ent["tasks"].get("cpu", 0), ent["tasks"].get("cuda", 0))),
                file=sys.stderr, flush=True)
        ct, lt = row["cupy"].get("time"), row["legate"].get("time")
        if ct and lt:
            row["ratio"] = ct / lt
        cs, ls = row["cupy"].get("summary"), row["legate"].get("summary")
        if cs is not None and ls is not None:
            row["agree"] = agree(cs, ls, case["rtol"])
        rows.append(row)

    print()
    print_markdown(rows)
    failed = [(r["name"], m, r[m]["error"]) for r in rows for m in ("cupy", "legate")
              if "error" in r[m]]
    diffs = [r for r in rows if r["agree"] is False]
    if failed or diffs:
        print()
    for name, m, e in failed:
        print("FAILED %s with %s: %s" % (name, m, e))
    for r in diffs:
        print("RESULT MISMATCH %s: cupy %s vs legate %s"
              % (r["name"], r["cupy"]["summary"], r["legate"]["summary"]))
    tasks = [(r["name"], r["legate"]["tasks"]) for r in rows if "tasks" in r["legate"]]
    if tasks and any(t.get("cpu") for _, t in tasks):
        print("legate.numpy tasks on CPU workers: %s" % ", ".join(
            "%s %d/%d" % (n, t.get("cpu", 0), t.get("cpu", 0) + t.get("cuda", 0))
            for n, t in tasks if t.get("cpu")))

    if args.json:
        out = dict(info, mode="gpu", scale=args.scale, warmup=args.warmup,
                   repeat=args.repeat, case_budget=args.case_budget,
                   results=[{k: v for k, v in r.items()} for r in rows])
        d = os.path.dirname(os.path.abspath(args.json))
        os.makedirs(d, exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2, default=str)
        print("wrote %s" % args.json)
    return EXIT_FAIL if (failed or diffs) else EXIT_OK
