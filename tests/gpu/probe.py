"""Quick GPU timings of the issue's benchmark shapes (diagnostic; the real
side-by-side table is benchmarks/run.py --gpu):
   bin/legate --gpus N tests/gpu/probe.py [case ...]   cases: add sum matmul jacobi"""
import sys
import time

import legate.numpy as np
from legate.numpy import _core as c

cases = sys.argv[1:] or ["add", "sum", "matmul", "jacobi"]
print(c.config()["description"].splitlines()[0])


def t(label, fn, rep=5):
    fn()
    c.wait()
    ts = []
    for _ in range(rep):
        t0 = time.perf_counter()
        fn()
        c.wait()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    print(f"  {label}: {ts[len(ts) // 2] * 1e3:.3f} ms", flush=True)


n = 1 << 28
if "add" in cases or "sum" in cases:
    a = np.ones(n)
    b = np.ones(n)
    c.wait()
    if "add" in cases:
        t("add 2^28 f64 (CuPy H100 2.10 ms)", lambda: a + b)
    if "sum" in cases:
        t("sum 2^28 f64 (CuPy H100 0.70 ms)", lambda: a.sum())
    del a, b
if "matmul" in cases:
    for dt in ("float64", "float32"):
        A = np.ones((8192, 8192), dtype=dt)
        B = np.ones((8192, 8192), dtype=dt)
        c.wait()
        t(f"matmul 8192 {dt} (CuPy H100 f64 18.7 ms)", lambda: A @ B, rep=3)
        del A, B
if "jacobi" in cases:
    u = np.zeros((16384, 16384))
    u[0, :] = 1.0
    c.wait()

    def sweep():
        u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])

    t("jacobi sweep 16384^2 (CuPy H100 8.68 ms)", sweep)
print(" ", c.task_counts())
