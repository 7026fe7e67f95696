"""Operations on transposed operands (the results' memory order, issue 17):
min / median / max of 5 runs in ms, each op followed by a read of its last
element.

    bin/legate benchmarks/transposed_ops.py [--n 4096]
"""
import argparse
import time

import legate.numpy as np
from legate.numpy import _core

ap = argparse.ArgumentParser()
ap.add_argument("--n", type=int, default=4096)
n = ap.parse_args().n
x = np.ones((n, n))
_core.wait()
for name, f in [("x.T + 1", lambda: x.T + 1), ("exp(x.T)", lambda: np.exp(x.T)),
                ("(x.T + 1) * x.T", lambda: (x.T + 1) * x.T), ("np.copy(x.T)", lambda: np.copy(x.T)),
                ("(x.T + 1).sum(axis=0)", lambda: (x.T + 1).sum(axis=0))]:
    times = []
    for _ in range(5):
        _core.wait()
        t = time.perf_counter()
        y = f()
        float(y[-1, -1] if y.ndim == 2 else y[-1])
        _core.wait()
        times.append(time.perf_counter() - t)
        del y
    times.sort()
    print("%-24s min %.1f ms  median %.1f ms  max %.1f ms" % (name, times[0] * 1e3, times[2] * 1e3, times[-1] * 1e3))
