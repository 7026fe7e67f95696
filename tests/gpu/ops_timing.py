"""Per-op GPU timing of legate.numpy against CuPy on one 2-D array shape
(diagnostic):  bin/legate --gpus 1 tests/gpu/ops_timing.py [n]"""
import sys
import time

import legate.numpy as lnp
from legate.numpy import _core

try:
    import cupy as cp
except ImportError:
    cp = None

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096


def timeit(fn, sync, rep=10):
    fn()
    sync()
    ts = []
    for _ in range(rep):
        t0 = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2]


CASES = {
    "copy": lambda x, a, b, o: a.copy(),
    "a + b": lambda x, a, b, o: a + b,
    "a * 2.0": lambda x, a, b, o: a * 2.0,
    "a[1:-1,2:] + a[1:-1,:-2]": lambda x, a, b, o: a[1:-1, 2:] + a[1:-1, :-2],
    "a[2:,1:-1] + a[:-2,1:-1]": lambda x, a, b, o: a[2:, 1:-1] + a[:-2, 1:-1],
    "o[1:-1,1:-1] = a[1:-1,1:-1] * 0.5": lambda x, a, b, o: o.__setitem__((slice(1, -1), slice(1, -1)), a[1:-1, 1:-1] * 0.5),
    "a[1:-1,-1] + a[1:-1,0] (column)": lambda x, a, b, o: a[1:-1, -1] + a[1:-1, 0],
    "o[0,:] = a[1,:] (row copy)": lambda x, a, b, o: o.__setitem__(0, a[1, :]),
    "a.sum()": lambda x, a, b, o: a.sum(),
    "a.sum(axis=0)": lambda x, a, b, o: a.sum(axis=0),
    "a.sum(axis=1)": lambda x, a, b, o: a.sum(axis=1),
    "a.T + b": lambda x, a, b, o: a.T + b,
}

mods = [("legate", lnp, _core.wait)]
if cp is not None:
    mods.append(("cupy", cp, lambda: cp.cuda.Device().synchronize()))
arrays = {}
for name, x, sync in mods:
    a = x.arange(n * n, dtype=x.float64).reshape(n, n) % 7.0
    b = a + 1.0
    o = x.zeros((n, n))
    sync()
    arrays[name] = (x, a, b, o, sync)
print(f"{n}x{n} float64; times in us (median of 10)")
print(f"{'op':40s} {'legate':>10s} {'cupy':>10s} {'ratio':>7s}")
for label, fn in CASES.items():
    row = []
    for name, (x, a, b, o, sync) in arrays.items():
        row.append(timeit(lambda: fn(x, a, b, o), sync) * 1e6)
    ratio = row[1] / row[0] if len(row) > 1 else float("nan")
    print(f"{label:40s} {row[0]:10.1f} {row[1] if len(row) > 1 else float('nan'):10.1f} {ratio:7.2f}", flush=True)
