"""Batches of loop tasks (numpy/batch.c): with LEGATE_NUMPY_BATCH=N the
loops of consecutive operations are submitted N at a time as one StarPU task
(on CPU workers too), so every kind of access a batch merges is exercised
here: a tile written whole and then read, read and then written, written in
part, temporaries released while their batch is pending, views, in-place
updates, reductions, host reads in the middle.  The results must be NumPy's,
and batches must really have formed."""

import subprocess
import sys
import textwrap

import pytest

from conftest import AGAINST_NUMPY, subprocess_env

if AGAINST_NUMPY:
    pytest.skip("legate-specific (task batching)", allow_module_level=True)

PROGRAM = textwrap.dedent(
    """
    import sys
    import numpy
    import legate.numpy as np
    from legate.numpy import _core

    def run(m, n):
        a = m.arange(n * n, dtype=m.float64).reshape(n, n) % 13
        b = m.ones((n, n)) * 0.5
        out = []
        for it in range(4):
            t = a[1:-1, 2:] + a[1:-1, :-2]       # shifted views, a temporary
            a[1:-1, 1:-1] = 0.25 * t - b[1:-1, 1:-1]   # part of a tile written
            a[0, :] = a[1, :]                   # a row copied
            b += a                              # read then written
            c = m.empty_like(a)
            c[...] = a * 2.0                    # written whole, then read
            b -= c / 4.0
            out.append(float(b.sum()))          # a host read mid-stream
        s = m.sqrt(m.abs(b)) + m.maximum(a, 3.0)
        return s, a, b, out, int((a > 5).sum()), float(a.max())

    for n in (7, 40):
        got = run(np, n)
        want = run(numpy, n)
        for g, w in zip(got[:3], want[:3]):
            g = numpy.asarray(g)
            assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, w.dtype)
            assert numpy.allclose(g, w, rtol=1e-12, atol=0), (n, g, w)
        assert numpy.allclose(got[3], want[3], rtol=1e-12), (got[3], want[3])
        assert got[4:] == want[4:], (got[4:], want[4:])
    counts = _core.task_counts()
    print("counts", counts)
    if sys.argv[1] == "batches":
        assert counts["batches"] > 0 and counts["batched"] >= 2 * counts["batches"], counts
    else:
        assert counts["batches"] == 0, counts
    """
)


@pytest.mark.parametrize("size", ["2", "8", "64"])
def test_batched_program_matches_numpy(size):
    env = subprocess_env(LEGATE_NUMPY_BATCH=size, LEGATE_NUMPY_TEST="1")
    r = subprocess.run([sys.executable, "-c", PROGRAM, "batches"], env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("keys", ["2", "5"])
def test_batches_per_key_keep_program_order(keys):
    # loops spread over several pending batches by tile (as over GPUs):
    # a loop touching what another pending batch writes must submit it first
    env = subprocess_env(LEGATE_NUMPY_BATCH="8", LEGATE_NUMPY_BATCH_KEYS=keys, LEGATE_NUMPY_TEST="1",
                         STARPU_NCUDA="0")
    r = subprocess.run([sys.executable, "-c", PROGRAM, "batches"], env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_batching_off_makes_no_batches():
    env = subprocess_env(LEGATE_NUMPY_BATCH="0", LEGATE_NUMPY_TEST="1")
    r = subprocess.run([sys.executable, "-c", PROGRAM, "none"], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
