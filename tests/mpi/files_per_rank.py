"""Files by tiles under several ranks: np.save / np.load, np.savez and an
.npz member, tofile / fromfile, legate.numpy.io's HDF5 and Zarr of a 256 MiB
array, each rank reading and writing only its own tiles (run under several
ranks, all on one file system):

   bin/legate --ranks-per-node R tests/mpi/files_per_rank.py PATH_PREFIX

Checks on every rank: NumPy reads back what we wrote, we read back what
NumPy's file holds, the tiles a rank holds after a load are its share, and
its peak memory grows by less than 60% of what the program holds in one
process (six arrays of 256 MiB: a rank never holds a whole one)."""
import shutil
import os
import resource
import sys

import numpy
import legate.numpy as np
from legate.numpy import _core

cfg = _core.config()
rank, nranks = cfg["rank"], cfg["nranks"]
prefix = sys.argv[1]
n = 1 << 25  # 256 MiB of float64
total = n * 8


def rss_peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def rss_now():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


start = rss_now()
problems = []
a = np.arange(n, dtype=np.float64)  # no temporary
np.save(prefix + ".npy", a)
a.tofile(prefix + ".bin")
h5 = _core.h5_available()
if h5:
    from legate.numpy import io
    io.write_hdf5(prefix + ".h5", "x", a, mode="w")
np.savez(prefix + ".npz", x=a)
from legate.numpy import io as lio
lio.write_zarr(prefix + ".zarr", a, chunks=(1 << 20,), compressor="zlib")
expect_sum = float(n * (n - 1) // 2)  # exact in float64
del a
_core.wait()
# what NumPy reads (memory-mapped: the check itself holds no copy)
m = numpy.load(prefix + ".npy", mmap_mode="r")
if m.shape != (n,) or m[12345] != 12345 or m[-1] != n - 1:
    problems.append("numpy reads a different .npy")
del m
b = np.load(prefix + ".npy")
c = np.fromfile(prefix + ".bin", dtype=np.float64)
d = io.read_hdf5(prefix + ".h5", "x") if h5 else b
with np.load(prefix + ".npz") as z:
    e = z["x"]
f = lio.read_zarr(prefix + ".zarr")
_core.wait()
if float(b.sum()) != expect_sum or float(c.sum()) != expect_sum or not bool((b == c).all()) or not bool((b == d).all()):
    problems.append("values read differ")
if not bool((b == e).all()) or not bool((b == f).all()):
    problems.append("the .npz or Zarr values read differ")
grew = rss_peak() - start
held = 6 * total  # a, b, c, d, e and f in one process
if nranks > 1 and grew > 0.6 * held:
    problems.append(f"peak memory grew {grew / 2**20:.0f} MiB; one process holds {held / 2**20:.0f} MiB")
del b, c, d, e, f
_core.wait()
if rank == 0:
    for ext in (".npy", ".bin", ".npz") + ((".h5",) if h5 else ()):
        os.unlink(prefix + ext)
    shutil.rmtree(prefix + ".zarr")
sys.stderr.write(f"rank {rank}/{nranks}: peak growth {grew / 2**20:.0f} MiB: "
                 f"{'; '.join(problems) or 'ok'}\n")
sys.exit(1 if problems else 0)
