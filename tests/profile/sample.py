"""A small program for the profiling tests: elementwise ops, a reduction,
matmul, profile_region (nested), and at the end the number of tasks
legate.numpy's codelets ran, as the program itself sees it."""
import json
import sys

import legate.numpy as np
from legate.numpy import _core

n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
with np.profile_region("setup"):
    a = np.ones((n, n))
    b = np.arange(n * n, dtype=np.float64).reshape(n, n) / (n * n)

with np.profile_region("compute"):
    for _ in range(3):
        with np.profile_region("step"):
            c = a + b            # add
            d = c * 2.0          # multiply
            a = d - b            # subtract
    s = np.sum(a)                # sum
    m = a @ b                    # matmul
    t = float(m.sum())

print("result", float(s), t)
counts = _core.task_counts()
print("LNP_TASK_COUNTS " + json.dumps(counts))
