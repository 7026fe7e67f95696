"""Ranks that release arrays in different orders still agree on every
message (run under several ranks, in test mode so tiles spread over them):
   LEGATE_NUMPY_TEST=1 bin/legate --ranks-per-node R tests/mpi/release_order.py

Python's cyclic GC frees arrays at rank-dependent times, so the tile pool of
each rank (numpy/tile_pool.c) may hold the same old tiles in another order
and hand a different one to the same new array.  With the old tiles' tags
the two sides of a transfer disagreed and the run hung; here the release
order is made to differ on purpose, every new array takes pooled tiles, and
its values travel between ranks (transposes, reversals, a host write read
back everywhere).  A hang is this test's failure: ctest's timeout ends it."""
import gc
import random
import sys

import numpy
import legate.numpy as np
from legate.numpy import _core

cfg = _core.config()
rank, nranks = cfg["rank"], cfg["nranks"]
n = 48


def release_in_rank_order(arrays):
    order = list(range(len(arrays)))
    random.Random(rank).shuffle(order)   # a different order on every rank
    for i in order:
        arrays[i] = None


class Cycle:
    """An array kept alive by a reference cycle: freed only by the GC."""
    def __init__(self, a):
        self.a, self.me = a, self


reused0 = _core.task_counts()["tiles_reused"]
ref = numpy.arange(n * n, dtype=numpy.float64).reshape(n, n)
x = np.array(ref)
for step in range(4):
    olds = [np.ones((n, n)) * (i + 1) for i in range(6)]
    for o in olds:
        o.sum()                          # written and read: tiles with history
    release_in_rank_order(olds)
    Cycle(np.zeros((n, n)) + step)       # garbage on every rank,
    if rank == 0:                        # collected now on rank 0 only
        gc.collect()
    c = np.full((n, n), 3.0)
    c[step, :] = np.arange(n)            # a host write of the owner's tile
    d = c.T + c[::-1, ::-1] + x.T        # tiles read by other ranks
    cref = numpy.full((n, n), 3.0)
    cref[step, :] = numpy.arange(n)
    dref = cref.T + cref[::-1, ::-1] + ref.T
    got = d.__array__()
    if got.shape != dref.shape or not numpy.array_equal(got, dref):
        sys.exit(f"rank {rank}: step {step}: values differ from NumPy's")
    x = d
    ref = dref
gc.collect()
reused = _core.task_counts()["tiles_reused"] - reused0
sys.stderr.write(f"rank {rank}/{nranks}: {reused} tiles reused\n")
if reused == 0:
    sys.exit(f"rank {rank}: no tile came from the pool: this test tests nothing")
