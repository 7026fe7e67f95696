"""Each rank holds only its share of a large array (run under several ranks):
   bin/legate --ranks-per-node R tests/mpi/memory_per_rank.py"""
import sys

import legate.numpy as np
from legate.numpy import _core

cfg = _core.config()
rank, nranks = cfg["rank"], cfg["nranks"]
n = 1 << 23  # 64 MiB of float64 in 32 default tiles
base = _core.memory_used()
a = np.arange(n, dtype=np.float64)
b = a * 2.0
_core.wait()
held = _core.memory_used() - base
total = 2 * n * 8
share = total / nranks
ok = held <= 1.25 * share + (2 << 20)
# every rank checks its own share; rank 0's stdout is the one printed
sys.stderr.write(f"rank {rank}/{nranks}: holds {held / 2**20:.1f} MiB of {total / 2**20:.1f} MiB "
                 f"(share {share / 2**20:.1f} MiB) {'ok' if ok else 'TOO MUCH'}\n")
if float(b.sum()) != float(n) * (n - 1):
    sys.exit("wrong sum")
sys.exit(0 if ok else 1)
