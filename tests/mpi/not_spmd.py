"""A program that is not SPMD (an array operation on one rank only) stops
with a RuntimeError on every rank at its next host read, instead of hanging
(numpy/spmd_check.c; on in test mode or with LEGATE_NUMPY_SPMD_CHECK=1):
   LEGATE_NUMPY_TEST=1 bin/legate --ranks-per-node R tests/mpi/not_spmd.py
Exits 0 when every rank got the error; a hang is this test's failure
(ctest's timeout)."""
import sys

import legate.numpy as np
from legate.numpy import _core

cfg = _core.config()
rank, nranks = cfg["rank"], cfg["nranks"]
n = 48
a = np.ones((n, n))
c = a.T + a[::-1]
if float(c.sum()) != 2.0 * n * n:       # SPMD so far: no error
    sys.exit(f"rank {rank}: wrong sum")
if rank == nranks - 1:
    b = np.zeros((n, n)) + 1             # not SPMD: the last rank only
d = a.T + a[::-1]                         # tiles move between ranks
try:
    float(d.sum())
except RuntimeError as e:
    if "ranks diverged" not in str(e):
        sys.exit(f"rank {rank}: another RuntimeError: {e}")
    sys.stderr.write(f"rank {rank}/{nranks}: {e}\n")
    sys.exit(0)
sys.exit(f"rank {rank}: no error for a program that is not SPMD")
