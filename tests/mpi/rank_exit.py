"""A rank whose program ends while the others go on (numpy/rank_exit.c):

    bin/legate --ranks-per-node R tests/mpi/rank_exit.py MODE

MODE early: rank 1 raises before any computation; mid: rank 0 raises in the
middle of a loop of deferred operations; exit: rank 1 calls sys.exit(0)
between an operation and the read of its result; exit-end: every rank but
0 calls sys.exit(0) after the last operation (every rank ended at the same
point: a normal end); shape: a shape error raised on every rank, caught,
and the program goes on (the job must keep running and end normally).
tests/mpi/rank_exit.sh runs each under a timeout: a hang is the failure."""
import os
import sys

import legate.numpy as np
from legate.numpy import _core

cfg = _core.config()
rank, nranks = cfg["rank"], cfg["nranks"]
mode = sys.argv[1]
# deferred arrays whose tiles spread over the ranks (above the eager
# threshold; test mode's tiles are 3x3)
n = 48 if os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0") else 300
a = np.ones((n, n))

if mode == "early":
    if rank == 1:
        raise ValueError("raised on rank 1 only")
    b = (a + a.T).sum()
    print("sum", float(b))
elif mode == "mid":
    for i in range(30):
        a = a * 1.5 + a[::-1] * 0.5
        if i == 10 and rank == 0:
            raise ValueError("raised on rank 0 only, mid-computation")
    print("sum", float(a.sum()))
elif mode == "exit":
    b = a + a[::-1]
    if rank == 1:
        sys.exit(0)
    print("sum", float(b.sum()))
elif mode == "exit-end":
    s = float((a + a[::-1]).sum())
    if rank != 0:
        sys.exit(0)
    print("sum", s)
elif mode == "shape":
    try:
        a + np.ones((n + 1, n))
    except ValueError as e:
        sys.stderr.write(f"rank {rank}: caught {type(e).__name__}\n")
    s = float((a + a[::-1]).sum())
    assert s == 2.0 * n * n, s
    print("continued after the shape error on every rank:", s)
else:
    sys.exit("unknown mode " + mode)
