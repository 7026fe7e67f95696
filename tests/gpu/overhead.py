"""Per-operation overhead of deferred legate.numpy ops (diagnostic):
   bin/legate [--gpus N] tests/gpu/overhead.py [elements]"""
import sys
import time

import legate.numpy as np
from legate.numpy import _core as c

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 20
print(c.config()["description"].splitlines()[0])
a = np.ones(n)
b = np.ones(n)
c.wait()
x = np.zeros(n)


def chain():
    global x
    x += 1.0  # each task waits for the one before: the latency between dependent tasks


for label, fn in (("d = a + b", lambda: a + b), ("a[1:] * b[:-1]", lambda: a[1:] * b[:-1]), ("x += 1 (chain)", chain)):
    best = None
    for k in range(3):
        t0 = time.perf_counter()
        for i in range(1000):
            d = fn()
        t1 = time.perf_counter()
        c.wait()
        t2 = time.perf_counter()
        r = ((t1 - t0) * 1e3, (t2 - t0) * 1e3)
        best = r if best is None or r[1] < best[1] else best
    print(f"  {label:16s} n={n}: submit {best[0]:.1f} us/op, total {best[1]:.1f} us/op", flush=True)
