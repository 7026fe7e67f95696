#!/usr/bin/env python3
"""Benchmark NumPy and legate.numpy side by side.

Runs the programs of examples/ and a few basic operations on large arrays with
each module in the same process, and prints one table:

    case  size  numpy[s]  legate[s]  ratio  agree

ratio = numpy_time / legate_time: above 1 means legate.numpy is faster.
Each timed region ends by turning a reduction of the result into a Python
float, so the asynchronous (deferred) work of legate.numpy is complete when
the clock stops. Each case is run once to warm up, then --repeat times; the
median is reported.

    bin/legate benchmarks/run.py                 # full sizes
    bin/legate benchmarks/run.py --quick         # small sizes (CI smoke)
    bin/legate benchmarks/run.py --only jacobi --repeat 5 --json out.json
    /usr/bin/python3 benchmarks/run.py --modules numpy
    bin/legate --gpus 1 benchmarks/run.py --gpu  # CuPy vs legate.numpy on a GPU

If legate.numpy cannot be imported the error is printed and only NumPy times
are reported.
"""

import argparse
import importlib
import json
import os
import platform
import statistics
import sys
import time
import traceback

HERE = os.path.dirname(os.path.realpath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "examples"))

import channel_flow   # noqa: E402  (examples/, found through sys.path above)
import jacobi         # noqa: E402
import black_scholes  # noqa: E402
import linear_regression  # noqa: E402
import logistic_regression  # noqa: E402
import kmeans         # noqa: E402
import cg             # noqa: E402
sys.path.insert(0, HERE)
import peers          # noqa: E402  (benchmarks/peers.py: Dask and numexpr)

# Stride of the sampled reduction that ends timed regions whose result is an
# array (a + b, a @ b): a sum over x[::S, ::S] reads one element in every
# S x S block, so it depends on every tile that is at least S wide, at a cost
# that is negligible next to the operation itself. --full-sync sums everything.
SYNC_STRIDE = 16
peers.SYNC_STRIDE = SYNC_STRIDE


# ---------------------------------------------------------------------------
# Cases. Each case has a name, full and quick parameters, a size label, and a
# setup(np, params) that builds inputs (untimed) and returns a callable: the
# timed region. The callable returns a tuple of floats (the result summary),
# which forces completion and is compared across modules.
# ---------------------------------------------------------------------------

def _summary_values(summary):
    return tuple(float(summary[k]) for k in sorted(summary))


def setup_channel_flow(np, p):
    def fn():
        result = channel_flow.run(np, p["nx"], p["ny"], p["nit"], p["max_steps"],
                                  dt=p["dt"])
        return _summary_values(channel_flow.summarize(np, result))
    return fn


def setup_jacobi(np, p):
    def fn():
        return _summary_values(jacobi.summarize(np, jacobi.run(np, p["n"], p["iters"])))
    return fn


def setup_linreg(np, p):
    """The data made before the clock; the fit and its summary timed."""
    X, y = linear_regression.make_data(np, p["n"], p["d"], p["dtype"])
    _sync_any(np, X, True)

    def fn():
        return _summary_values(linear_regression.summarize(np, (X, y, linear_regression.fit(np, X, y, p["iters"]))))
    return fn


def setup_logreg(np, p):
    X, y = logistic_regression.make_data(np, p["n"], p["d"], p["dtype"])
    _sync_any(np, X, True)

    def fn():
        w = logistic_regression.fit(np, X, y, p["iters"])
        return _summary_values(logistic_regression.summarize(np, (X, y, w)))
    return fn


def setup_kmeans(np, p):
    X = kmeans.make_points(np, p["n"], p["d"], p["k"])
    _sync_any(np, X, True)

    def fn():
        return _summary_values(kmeans.summarize(np, (X, kmeans.fit(np, X, p["k"], p["iters"]))))
    return fn


def setup_cg(np, p):
    b = cg.rhs(np, p["n"])
    _sync_any(np, b, True)

    def fn():
        return _summary_values(cg.summarize(np, (b, cg.solve(np, b, p["iters"]))))
    return fn


def setup_black_scholes(np, p):
    def fn():
        return _summary_values(black_scholes.summarize(np, black_scholes.run(np, p["n"])))
    return fn


def _matrix(np, n, scale, shift):
    """A deterministic n x n float64 matrix with values of order 1."""
    x = np.arange(n) / n
    return (x[:, None] * scale + x[None, :]) + shift


def _sync(np, x, full):
    """Force completion of array x; returns a float that summarizes it."""
    if full or x.ndim != 2:
        return float(np.sum(x))
    return float(np.sum(x[::SYNC_STRIDE, ::SYNC_STRIDE]))


def setup_add(np, p, full_sync=False):
    n = p["n"]
    a = _matrix(np, n, 0.5, 1.0)
    b = _matrix(np, n, -0.25, 2.0)
    _sync(np, a, True), _sync(np, b, True)

    def fn():
        c = a + b
        return (_sync(np, c, full_sync),)
    return fn


def setup_sum(np, p, full_sync=False):
    n = p["n"]
    a = _matrix(np, n, 0.5, 1.0)
    _sync(np, a, True)

    def fn():
        return (float(np.sum(a)),)
    return fn


def setup_ufunc(np, p, full_sync=False):
    """np.<ufunc>(a, out=c) over a 1-D array of 2^k values of p's dtype in
    the function's domain (NumPy's SIMD loops against ours)."""
    n = p["n"]
    a = ((np.arange(n, dtype=np.float64) % 1000 + 1) / 100.0).astype(p["dtype"])
    c = np.empty_like(a)
    _sync_any(np, a, True), _sync_any(np, c, True)
    f = getattr(np, p["ufunc"])

    def fn():
        f(a, out=c)
        return (_sync_any(np, c, full_sync),)
    return fn


def setup_matmul(np, p, full_sync=False):
    n = p["n"]
    a = _matrix(np, n, 0.5, 1.0) / n
    b = _matrix(np, n, -0.25, 2.0)
    _sync(np, a, True), _sync(np, b, True)

    def fn():
        c = np.einsum(p["einsum"], a, b) if "einsum" in p else a @ b
        return (_sync(np, c, full_sync),)
    return fn


def setup_random(np, p, full_sync=False):
    """np.random.<fn>(n): the values differ between modules (NumPy's MT19937,
    legate.numpy's Philox), so the summary is a statistic of a strided
    sample, which agrees to a sampling tolerance and waits for every tile."""
    n, fn_name = p["n"], p["fn"]
    np.random.seed(1)
    draw = getattr(np.random, fn_name)
    stat = np.abs if fn_name == "standard_normal" else (lambda x: x)

    def fn():
        x = draw(n)
        return (float(np.mean(stat(x[::SYNC_STRIDE * 4]))),)
    return fn


def setup_index(np, p, full_sync=False):
    """a[mask] (a pseudo-random half of the elements) or a[idx] (a
    pseudo-random permutation: the odd multiplier 2654435761 is a bijection
    modulo 2^k) of n float64; the mask or indices are made untimed.  The
    summary is a strided sample of the result, which waits for every tile."""
    n, kind = p["n"], p["kind"]
    h = np.arange(n, dtype=np.int64) * 2654435761
    a = np.arange(n, dtype=np.float64) * 0.5
    key = (h % 1024) < 512 if kind == "mask" else h % n
    _sync(np, a, True), _sync(np, key, True)

    def fn():
        r = a[key]
        return (float(np.sum(r[::SYNC_STRIDE * 4])), float(r.shape[0]))
    return fn


def setup_sort(np, p, full_sync=False):
    """np.sort or np.argsort of n distinct float64 in a pseudo-random order
    (the odd multiplier 2654435761 is a bijection modulo 2^k), made
    untimed; the summary is a strided sample of the result."""
    n, kind = p["n"], p["kind"]
    x = (np.arange(n, dtype=np.int64) * 2654435761 % n).astype(np.float64) / n
    _sync(np, x, True)
    f = np.sort if kind == "sort" else np.argsort

    def fn():
        r = f(x)
        return (float(np.sum(r[::SYNC_STRIDE * 4])),)
    return fn


def setup_fft(np, p, full_sync=False):
    """np.fft transforms: of a 1-D complex signal, of the rows or columns of
    an n x n complex array, rfft of real rows, fft2; the input made untimed,
    the summary a strided sample of |result|."""
    n, kind = p["n"], p["kind"]
    shape = (n * n,) if kind == "fft_1d" else (n, n)
    x = np.cos(np.arange(n * n, dtype=np.float64) * 0.001).reshape(shape)
    if kind != "rfft_rows":
        x = x + 1j * np.sin(np.arange(n * n, dtype=np.float64) * 0.003).reshape(shape)
    _sync_any(np, abs(x), True)
    f = {"fft_1d": np.fft.fft, "fft_rows": np.fft.fft, "rfft_rows": np.fft.rfft,
         "fft_cols": lambda a: np.fft.fft(a, axis=0), "fft2": np.fft.fft2}[kind]

    def fn():
        r = f(x)
        return (_sync_any(np, abs(r), full_sync),)
    return fn


def setup_cholesky(np, p, full_sync=False):
    """np.linalg.cholesky of an n x n symmetric positive definite matrix
    (made untimed: a diagonally dominant one from a cosine pattern); the
    summary a strided sample of L."""
    n = p["n"]
    i = np.arange(n * n, dtype=np.float64).reshape(n, n)
    a = np.cos(i * 0.37) + np.cos(i.T * 0.37) + 2.0 * n * np.eye(n)
    a = a.astype(p.get("dtype", "float64"))
    _sync(np, a, True)

    def fn():
        return (_sync(np, np.linalg.cholesky(a), full_sync),)
    return fn


def setup_solve(np, p, full_sync=False):
    """np.linalg.solve of an n x n general matrix (rows shuffled: the LU
    must pivot) with one right-hand side, or np.linalg.inv / det; made
    untimed from a cosine pattern with a dominant diagonal."""
    n = p["n"]
    i = np.arange(n * n, dtype=np.float64).reshape(n, n)
    a = np.cos(i * 0.37) + 0.5 * np.sin(i.T * 0.11) + 4.0 * np.sqrt(n) * np.eye(n)
    a = a[(np.arange(n) * 7919) % n]
    b = np.cos(np.arange(n, dtype=np.float64))
    _sync(np, a, True)
    fn_name = p.get("fn", "solve")

    def fn():
        if fn_name == "solve":
            x = np.linalg.solve(a, b)
            return (float(np.sum(x[::97])),)
        if fn_name == "det":
            return (float(np.linalg.slogdet(a)[1]),)
        return (_sync(np, np.linalg.inv(a), full_sync),)
    return fn


def _sync_any(np, x, full):
    """_sync for 1-D results too: a strided sample touches every tile."""
    if full or x.ndim != 1:
        return _sync(np, x, full)
    return float(np.sum(x[::SYNC_STRIDE * 64]))


def _scan_input(np, p):
    """2^24 values (1-D, or 4096 x 4096), float64 or int64, of order 1."""
    n = p["n"]
    shape = (n * n,) if p["axis"] is None else (n, n)
    x = np.arange(n * n) % 1000 - 499
    x = x.astype(p["dtype"]) / (1 if p["dtype"] == "int64" else 7.0)
    return x.reshape(shape)


def setup_cumsum(np, p, full_sync=False):
    a = _scan_input(np, p)
    _sync_any(np, a, True)
    ax = p["axis"]

    def fn():
        c = np.cumsum(a) if ax is None else np.cumsum(a, axis=ax)
        return (_sync_any(np, c, full_sync),)
    return fn


def setup_bincount(np, p, full_sync=False):
    n = p["n"]
    x = (np.arange(n * n) * 7919) % 100_003
    _sync_any(np, x, True)

    def fn():
        c = np.bincount(x)
        return (_sync_any(np, c, True),)
    return fn


def _scan_case(dtype, axis):
    def label(p):
        n = p["n"]
        where = ("1-D 2^%d" % (2 * n.bit_length() - 2) if axis is None
                 else "%dx%d axis=%d" % (n, n, axis))
        return "cumsum %s %s" % (where, dtype)
    return {
        "name": "cumsum_%s_%s" % ({"float64": "f64", "int64": "i64"}[dtype],
                                  "1d" if axis is None else "ax%d" % axis),
        "label": label,
        "full": {"n": 4096, "axis": axis, "dtype": dtype},
        "quick": {"n": 512, "axis": axis, "dtype": dtype},
        "setup": setup_cumsum,
        # float64: tile-wise carries against NumPy's sequential sum
        "rtol": 1e-9 if dtype == "float64" else 0,
    }


def _cf_params(nx, ny, nit, max_steps, dt=None):
    return {"nx": nx, "ny": ny, "nit": nit, "max_steps": max_steps,
            "dt": channel_flow.stable_dt(nx, ny) if dt is None else dt}


CASES = [
    {
        "name": "channel_flow_41",
        "label": lambda p: "%dx%d nit=%d steps<=%s" % (p["nx"], p["ny"], p["nit"],
                                                       p["max_steps"] or "conv"),
        "full": _cf_params(41, 41, 50, None, dt=.01),     # the lesson: 499 steps
        "quick": _cf_params(41, 41, 50, 50, dt=.01),
        "setup": setup_channel_flow,
        "rtol": 1e-7,
    },
    {
        "name": "channel_flow_1024",
        "label": lambda p: "%dx%d nit=%d steps=%d" % (p["nx"], p["ny"], p["nit"],
                                                      p["max_steps"]),
        "full": _cf_params(1024, 1024, 20, 20),
        "quick": _cf_params(128, 128, 5, 5),
        "setup": setup_channel_flow,
        "rtol": 1e-7,
    },
    {
        "name": "jacobi",
        "label": lambda p: "%dx%d iters=%d" % (p["n"], p["n"], p["iters"]),
        "full": {"n": 2000, "iters": 100},
        "quick": {"n": 300, "iters": 20},
        "setup": setup_jacobi,
        "rtol": 1e-9,
    },
    {
        "name": "black_scholes",
        "label": lambda p: "n=%d" % p["n"],
        "full": {"n": 4_000_000},
        "quick": {"n": 100_000},
        "setup": setup_black_scholes,
        "rtol": 1e-9,
    },
    {
        "name": "add",
        "label": lambda p: "a + b %dx%d f64" % (p["n"], p["n"]),
        "full": {"n": 4096},
        "quick": {"n": 512},
        "setup": setup_add,
        "rtol": 1e-12,
    },
    {
        "name": "sum",
        "label": lambda p: "np.sum(a) %dx%d f64" % (p["n"], p["n"]),
        "full": {"n": 4096},
        "quick": {"n": 512},
        "setup": setup_sum,
        "rtol": 1e-10,
    },
    {
        "name": "matmul",
        "label": lambda p: "a @ b %dx%d f64" % (p["n"], p["n"]),
        "full": {"n": 2048},
        "quick": {"n": 256},
        "setup": setup_matmul,
        "rtol": 1e-9,
    },
    {
        "name": "einsum",
        "label": lambda p: "einsum('%s') %dx%d f64" % (p["einsum"], p["n"], p["n"]),
        "full": {"n": 2048, "einsum": "ij,jk->ik"},
        "quick": {"n": 256, "einsum": "ij,jk->ik"},
        "setup": setup_matmul,
        "rtol": 1e-9,
    },
] + [
    {
        "name": "%s_%s" % (_uf, {"float64": "f64", "float32": "f32"}[_dt]),
        "label": (lambda uf, dt: lambda p: "np.%s(a, out=c) 2^%d %s" % (uf, p["n"].bit_length() - 1, dt))(_uf, _dt),
        "full": {"n": 2 ** 24, "ufunc": _uf, "dtype": _dt},
        "quick": {"n": 2 ** 20, "ufunc": _uf, "dtype": _dt},
        "setup": setup_ufunc,
        "rtol": 1e-6 if _dt == "float32" else 1e-14,
    }
    for _uf, _dt in (("exp", "float64"), ("exp", "float32"), ("sin", "float64"), ("sin", "float32"),
                     ("log", "float64"))
] + [
    {
        "name": "linreg",
        "label": lambda p: "linear regression GD %dx%d %s, %d steps" % (p["n"], p["d"], p["dtype"], p["iters"]),
        "full": {"n": 5_000_000, "d": 32, "dtype": "float64", "iters": 20},
        "quick": {"n": 100_000, "d": 8, "dtype": "float64", "iters": 5},
        "setup": setup_linreg,
        "rtol": 1e-8,
    },
    {
        "name": "logreg",
        "label": lambda p: "logistic regression GD %dx%d %s, %d steps" % (p["n"], p["d"], p["dtype"], p["iters"]),
        "full": {"n": 5_000_000, "d": 32, "dtype": "float64", "iters": 20},
        "quick": {"n": 100_000, "d": 8, "dtype": "float64", "iters": 5},
        "setup": setup_logreg,
        "rtol": 1e-8,
    },
    {
        "name": "kmeans",
        "label": lambda p: "k-means %d points d=%d k=%d, %d iterations" % (p["n"], p["d"], p["k"], p["iters"]),
        "full": {"n": 2_000_000, "d": 8, "k": 16, "iters": 10},
        "quick": {"n": 100_000, "d": 8, "k": 16, "iters": 3},
        "setup": setup_kmeans,
        "rtol": 1e-9,
    },
    {
        "name": "cg",
        "label": lambda p: "CG 2-D Poisson %dx%d, %d iterations" % (p["n"], p["n"], p["iters"]),
        "full": {"n": 2000, "iters": 100},
        "quick": {"n": 200, "iters": 20},
        "setup": setup_cg,
        "rtol": 1e-7,
    },
] + [_scan_case(d, ax) for d in ("float64", "int64") for ax in (None, 0, 1)] + [
    {
        "name": "bincount",
        "label": lambda p: "bincount 2^%d int64, 100003 bins" % (2 * p["n"].bit_length() - 2),
        "full": {"n": 4096},
        "quick": {"n": 512},
        "setup": setup_bincount,
        "rtol": 0,
    },
]
# E|U| = 1/2, E|Z| = sqrt(2/pi): 2^18+ samples agree to ~1e-3
for _fn, _short in (("random", "random"), ("standard_normal", "normal")):
    for _log2 in (24, 26):
        CASES.append({
            "name": "%s_2^%d" % (_short, _log2),
            "label": (lambda f: lambda p: "np.random.%s(%d)" % (f, p["n"]))(_fn),
            "full": {"fn": _fn, "n": 2 ** _log2},
            "quick": {"fn": _fn, "n": 2 ** 20},
            "setup": setup_random,
            "rtol": 2e-2,
        })
del _fn, _short, _log2
for _kind, _short in (("mask", "mask_select"), ("gather", "gather")):
    for _log2 in (24, 26):
        CASES.append({
            "name": "%s_2^%d" % (_short, _log2),
            "label": (lambda k: lambda p: ("a[mask] %d f64" if k == "mask" else
                                           "a[idx] %d f64") % p["n"])(_kind),
            "full": {"kind": _kind, "n": 2 ** _log2},
            "quick": {"kind": _kind, "n": 2 ** 20},
            "setup": setup_index,
            "rtol": 1e-12,
        })
del _kind, _short, _log2
for _kind in ("sort", "argsort"):
    for _log2 in (24, 26):
        CASES.append({
            "name": "%s_2^%d" % (_kind, _log2),
            "label": (lambda k: lambda p: "np.%s(a) %d f64" % (k, p["n"]))(_kind),
            "full": {"kind": _kind, "n": 2 ** _log2},
            "quick": {"kind": _kind, "n": 2 ** 20},
            "setup": setup_sort,
            "rtol": 1e-12,
        })
for _kind in ("fft_1d", "fft_rows", "fft_cols", "rfft_rows", "fft2"):
    CASES.append({
        "name": _kind,
        "label": (lambda k: lambda p: ("np.fft.fft(a) 2^%d c128" % (2 * p["n"].bit_length() - 2)
                                       if k == "fft_1d" else "%s %dx%d" % (k, p["n"], p["n"])))(_kind),
        "full": {"kind": _kind, "n": 4096},
        "quick": {"kind": _kind, "n": 256},
        "setup": setup_fft,
        "rtol": 1e-9,
    })
CASES.append({
    "name": "cholesky",
    "label": lambda p: "np.linalg.cholesky %dx%d f64" % (p["n"], p["n"]),
    "full": {"n": 8192},
    "quick": {"n": 1024},
    "setup": setup_cholesky,
    "rtol": 1e-9,
})
for _fn in ("solve", "inv", "det"):
    CASES.append({
        "name": _fn,
        "label": (lambda f: lambda p: "np.linalg.%s %dx%d f64" % (
            {"det": "slogdet"}.get(f, f), p["n"], p["n"]))(_fn),
        "full": {"n": 4096, "fn": _fn},
        "quick": {"n": 1024, "fn": _fn},
        "setup": setup_solve,
        "rtol": 1e-8,
    })
CASES.append({
    "name": "random_2^28",
    "label": lambda p: "np.random.random(%d)" % p["n"],
    "full": {"fn": "random", "n": 2 ** 28},
    "quick": {"fn": "random", "n": 2 ** 20},
    "setup": setup_random,
    "rtol": 2e-2,
})
del _kind, _log2
CASE_NAMES = [c["name"] for c in CASES]


# ---------------------------------------------------------------------------
# Modules.
# ---------------------------------------------------------------------------

# label -> importable module name. CuPy is compared in --gpu mode (gpu_bench.py).
MODULES = {
    "numpy": "numpy",
    "legate": "legate.numpy",
    "cupy": "cupy",            # on a GPU machine: the three in one run
}


def load_modules(labels):
    loaded = []
    for label in labels:
        if label in peers.PEERS:        # benchmarks/peers.py: per-case programs
            if peers.available(label):
                loaded.append((label, None))
            continue
        try:
            mod = importlib.import_module(MODULES[label])
        except Exception as exc:  # noqa: BLE001 - any import failure
            print("%s (%s) could not be imported: %s: %s"
                  % (label, MODULES[label], type(exc).__name__, exc), file=sys.stderr)
            if label == "legate":
                print("  hint: run through bin/legate, or put <repo>/python (or the "
                      "build tree's python/) on PYTHONPATH", file=sys.stderr)
            continue
        loaded.append((label, mod))
    return loaded


# ---------------------------------------------------------------------------
# Timing.
# ---------------------------------------------------------------------------

def time_case(case, params, np, repeat, full_sync, peer=None):
    """Warm up once, then time `repeat` runs; returns (times, summary), or
    None for a peer without a version of the case."""
    setup = case["setup"]
    if peer is not None:
        fn = peers.setup(peer, case["name"], params, full_sync)
        if fn is None:
            return None
    elif setup in (setup_add, setup_sum, setup_matmul, setup_random, setup_cumsum, setup_bincount,
                 setup_index):
        fn = setup(np, params, full_sync=full_sync)
    else:
        fn = setup(np, params)
    summary = fn()                      # warm-up (also the result summary)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times, summary


def agree(ref, other, rtol):
    import math
    if ref is None or other is None or len(ref) != len(other):
        return False
    for a, b in zip(ref, other):
        if math.isnan(a) and math.isnan(b):
            continue
        if not abs(a - b) <= rtol * max(abs(a), abs(b)) + 1e-12:
            return False
    return True


def fmt_time(t):
    return "%.4f" % t if t is not None else "-"


def fmt_spread(times):
    """(max - min) / median of the timed runs, in percent."""
    if not times:
        return "-"
    return "%.0f%%" % (100.0 * (max(times) - min(times)) / statistics.median(times))


def fmt_ratio(r):
    return "%.2fx" % r if r is not None else "-"


def print_table(rows, labels):
    others = [l for l in labels if l != "numpy"]
    head = ["case", "size"] + ["%s [s]" % l for l in labels] + ["spread %s" % l for l in labels]
    for l in others:
        head += ["ratio %s" % l if len(others) > 1 else "ratio", "agree" if len(others) == 1
                 else "agree %s" % l]
    table = [head]
    for row in rows:
        line = [row["name"], row["size"]]
        for l in labels:
            line.append(fmt_time(row["times"].get(l)))
        for l in labels:
            line.append(fmt_spread(row["all_times"].get(l)))
        for l in others:
            line.append(fmt_ratio(row["ratio"].get(l)))
            a = row["agree"].get(l)
            line.append("-" if a is None else ("ok" if a else "DIFF"))
        table.append(line)
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for k, r in enumerate(table):
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
        print("  ".join(cells).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
    if others:
        print()
        print("ratio = numpy time / %s time (median of repeats): > 1 means %s is faster."
              % (others[0] if len(others) == 1 else "<module>",
                 others[0] if len(others) == 1 else "that module"))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--gpu" in argv:                 # GPU mode: CuPy vs legate.numpy
        argv.remove("--gpu")
        sys.path.insert(0, HERE)
        import gpu_bench                # benchmarks/gpu_bench.py
        return gpu_bench.main(argv)
    ap = argparse.ArgumentParser(
        description="Benchmark NumPy and legate.numpy side by side.",
        epilog="ratio = numpy_time / legate_time (>1: legate is faster).")
    ap.add_argument("--quick", action="store_true",
                    help="small sizes, for a CI smoke run")
    ap.add_argument("--only", action="append", metavar="NAME", default=None,
                    help="run only this case (repeatable, or comma-separated): %s"
                         % ", ".join(CASE_NAMES))
    ap.add_argument("--repeat", type=int, default=3,
                    help="timed runs per case after one warm-up (default 3)")
    ap.add_argument("--modules", default="numpy,legate",
                    help="comma-separated modules to time (default numpy,legate; also dask, "
                         "numexpr: benchmarks/peers.py, for the cases they have)")
    ap.add_argument("--full-sync", action="store_true",
                    help="end array-result regions (add, matmul) with a full "
                         "np.sum instead of a strided sample")
    ap.add_argument("--json", metavar="OUT", help="also write results as JSON")
    ap.add_argument("--gpu", action="store_true",
                    help="GPU mode: CuPy and legate.numpy on the same GPU, with "
                         "its own flags (see run.py --gpu --help and "
                         "benchmarks/README.md)")
    args = ap.parse_args(argv)

    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    labels = [m.strip() for m in args.modules.split(",") if m.strip()]
    for l in labels:
        if l not in MODULES and l not in peers.PEERS:
            ap.error("unknown module %r (known: %s)" % (l, ", ".join(list(MODULES) + list(peers.PEERS))))
    if "numpy" in labels:                       # numpy first: the reference
        labels.remove("numpy")
        labels.insert(0, "numpy")
    selected = CASES
    if args.only:
        names = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
        unknown = [n for n in names if n not in CASE_NAMES]
        if unknown:
            ap.error("unknown case(s) %s (known: %s)" % (", ".join(unknown),
                                                          ", ".join(CASE_NAMES)))
        selected = [c for c in CASES if c["name"] in names]

    modules = load_modules(labels)
    labels_ok = [l for l, _ in modules]
    if not modules:
        print("no module could be imported", file=sys.stderr)
        return 2

    env = {k: os.environ[k] for k in sorted(os.environ)
           if k.startswith("STARPU_") or k.startswith("LEGATE_NUMPY_")}
    print("python %s, numpy %s, %s, %d CPUs%s"
          % (platform.python_version(), importlib.import_module("numpy").__version__,
             platform.node(), os.cpu_count() or 0,
             "" if not env else ", " + " ".join("%s=%s" % kv for kv in env.items())))
    print("modules: %s; %s sizes; warm-up 1 + median of %d"
          % (", ".join(labels_ok), "quick" if args.quick else "full", args.repeat))
    print()

    rows = []
    for case in selected:
        params = case["quick" if args.quick else "full"]
        row = {"name": case["name"], "size": case["label"](params), "params": params,
               "times": {}, "all_times": {}, "summary": {}, "ratio": {}, "agree": {},
               "error": {}}
        for label, mod in modules:
            try:
                timed = time_case(case, params, mod, args.repeat, args.full_sync,
                                  peer=label if label in peers.PEERS else None)
                if timed is None:
                    continue
                times, summary = timed
            except Exception as exc:  # noqa: BLE001 - report, go on with the others
                row["error"][label] = "%s: %s" % (type(exc).__name__, exc)
                print("%s with %s failed: %s" % (case["name"], label, row["error"][label]),
                      file=sys.stderr)
                if os.environ.get("LEGATE_NUMPY_VERBOSE"):
                    traceback.print_exc()
                continue
            row["times"][label] = statistics.median(times)
            row["all_times"][label] = times
            row["summary"][label] = list(summary)
            print("  %-18s %-8s %s s" % (case["name"], label,
                                         " ".join("%.4f" % t for t in times)),
                  file=sys.stderr, flush=True)
        ref_t = row["times"].get("numpy")
        ref_s = row["summary"].get("numpy")
        for label in labels_ok:
            if label == "numpy":
                continue
            t = row["times"].get(label)
            row["ratio"][label] = ref_t / t if (ref_t is not None and t) else None
            s = row["summary"].get(label)
            row["agree"][label] = (agree(ref_s, s, case["rtol"])
                                   if ref_s is not None and s is not None else None)
        rows.append(row)

    print()
    print_table(rows, labels_ok)
    failed = [(r["name"], l, e) for r in rows for l, e in r["error"].items()]
    if failed:
        print()
        for name, label, err in failed:
            print("FAILED %s with %s: %s" % (name, label, err))
    diffs = [(r, l) for r in rows for l, a in r["agree"].items() if a is False]
    for row, label in diffs:
        print("RESULT MISMATCH %s: numpy %s vs %s %s"
              % (row["name"], row["summary"]["numpy"], label, row["summary"][label]))

    if args.json:
        out = {
            "python": platform.python_version(),
            "numpy": importlib.import_module("numpy").__version__,
            "host": platform.node(),
            "cpus": os.cpu_count(),
            "env": env,
            "quick": args.quick,
            "repeat": args.repeat,
            "modules": labels_ok,
            "modules_requested": labels,
            "results": rows,
        }
        d = os.path.dirname(os.path.abspath(args.json))
        os.makedirs(d, exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
        print("wrote %s" % args.json)
    return 1 if (diffs or failed) else 0


if __name__ == "__main__":
    sys.exit(main())
