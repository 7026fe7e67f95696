"""Layout decisions must not depend on when Python's cyclic GC runs (run
under several ranks, in test mode so arrays have many tiles):
   LEGATE_NUMPY_TEST=1 bin/legate --ranks-per-node R tests/mpi/gc_layout.py

Under MPI a fresh result may be re-laid between its inputs (numpy/ops.c,
place_between_inputs) and a reshape may re-tile an array in place
(numpy/reshape.c).  Both asked whether anything else still referenced the
array or its tiles, and a view or an alias kept alive only by a reference
cycle is freed by each rank's GC at a rank-dependent time: the ranks
answered differently, laid out the same array differently and then
disagreed on every message about it (a hang; in test mode the SPMD check's
RuntimeError).  Now views are not asked about, and a shared storage has the
garbage collected before it is counted (lnp_store_tiles_shared).  Here such
garbage is collected on rank 0 only before each decision, and the values
are checked against NumPy on every rank."""
import gc
import sys

import numpy
import legate.numpy as np
from legate.numpy import _core

cfg = _core.config()
rank, nranks = cfg["rank"], cfg["nranks"]
n = 40


class Cycle:
    """Keeps x alive through a reference cycle: only the GC frees it."""
    def __init__(self, x):
        self.x, self.me = x, self


def collect_on_rank0():
    if rank == 0:
        gc.collect()


def check(name, got, want):
    got = numpy.asarray(got)
    if got.shape != want.shape or not numpy.array_equal(got, want):
        sys.exit(f"rank {rank}: {name}: values differ from NumPy's")


gc.disable()                      # only collect_on_rank0 collects
ref = numpy.arange(n * n, dtype=numpy.float64).reshape(n, n)
x = np.array(ref)

# a result re-laid between its inputs, with a view of it in garbage
out = np.empty((n - 2, n))
Cycle(out[1:])
collect_on_rank0()
np.add(x[:-2], x[2:], out=out)
check("add into a viewed result", out, ref[:-2] + ref[2:])

# the same with an alias (a reshape sharing the tiles) in garbage
out2 = np.empty((n - 2, n))
Cycle(out2.reshape(-1))
collect_on_rank0()
np.multiply(x[1:-1], x[2:], out=out2)
check("multiply into an aliased result", out2, ref[1:-1] * ref[2:])

# a reshape that re-tiles in place, with an alias in garbage
y = np.array(ref[:, : n - 1])
Cycle(y.reshape(-1))
collect_on_rank0()
z = y.reshape(n // 2, 2 * (n - 1))
check("reshape of an aliased array", z, ref[:, : n - 1].reshape(n // 2, 2 * (n - 1)))
gc.enable()
sys.stderr.write(f"rank {rank}/{nranks}: ok\n")
