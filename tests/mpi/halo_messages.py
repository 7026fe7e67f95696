"""Halo copies between ranks move what a task needs, in few messages (run
under 2 ranks, default tiles):
   bin/legate --ranks-per-node 2 tests/mpi/halo_messages.py
A boundary column of a 2048^2 array crosses the 8 row tiles each rank owns;
the pieces a task reads from the other rank travel as one copy per operand
(were one per tile: 31 tasks on one rank), and a small result travels whole
to the tiles that take it back (was one copy per tile)."""
import sys

import numpy

import legate.numpy as np
from legate.numpy import _core

cfg = _core.config()
rank, nranks = cfg["rank"], cfg["nranks"]
n = 2048
host = numpy.arange(n * n, dtype=numpy.float64).reshape(n, n) % 97.0
p = np.array(host)
_core.wait()
failures = []


def tasks(label, fn, most):
    _core.wait()
    before = _core.task_counts()["cpu"] + _core.task_counts()["cuda"]
    r = fn()
    _core.wait()
    ran = _core.task_counts()["cpu"] + _core.task_counts()["cuda"] - before
    sys.stderr.write(f"rank {rank}/{nranks}: {label}: {ran} tasks here (at most {most})\n")
    if ran > most:
        failures.append(f"{label}: {ran} tasks on rank {rank}, want at most {most}")
    return r


col = tasks("column of shifted views", lambda: p[2:, -1] + p[0:-2, -1], 3)
want = host[2:, -1] + host[0:-2, -1]
if not numpy.array_equal(numpy.asarray(col), want):
    failures.append("column values differ from NumPy")
scaled = col * 0.5
# 8 row tiles per rank take the 16 KB column back: 8 tasks, no copies
tasks("column assigned back", lambda: p.__setitem__((slice(1, -1), -1), scaled), 8)
host[1:-1, -1] = want * 0.5
# a row stencil: one row crosses the rank boundary each way
stencil = tasks("row stencil", lambda: p[:-2, 1:-1] + p[2:, 1:-1], 10)
if not numpy.array_equal(numpy.asarray(stencil), host[:-2, 1:-1] + host[2:, 1:-1]):
    failures.append("stencil values differ from NumPy")
if not numpy.array_equal(numpy.asarray(p), host):
    failures.append("array values differ from NumPy")
for f in failures:
    sys.stderr.write(f"rank {rank}: FAIL {f}\n")
sys.exit(1 if failures else 0)
