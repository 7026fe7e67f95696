"""Released tiles kept for reuse (numpy/tile_pool.c): a new store takes the
StarPU handle of a released tile of the same shape, dtype and home instead
of registering one.  The handle's old value must never show (it is np.empty's
garbage until the first task writes it), it must not be taken while a
pending loop or batch still uses it (batches hold released tiles; fused
groups drop the stores of dead ones), and tiles of another dtype or shape
must never be taken.  Each program runs against NumPy, bit for bit."""

import subprocess
import sys
import textwrap

import pytest

from conftest import AGAINST_NUMPY, subprocess_env

if AGAINST_NUMPY:
    pytest.skip("legate-specific (tile pool)", allow_module_level=True)

PROGRAM = textwrap.dedent(
    """
    import sys
    import numpy
    import legate.numpy as np
    from legate.numpy import _core

    def run(m, n):
        a = m.arange(n * n, dtype=m.float64).reshape(n, n) % 7
        f = m.ones((n, n), dtype=m.float32)
        out = []
        for it in range(6):
            t = a * 2.0 + 1.0             # temporaries, released at once
            u = t - a
            del t
            g = f * 3.0                   # same shape, other dtype
            c = m.empty_like(a)           # may take t's tile: garbage to it
            c[1:-1, :] = u[1:-1, :]       # partial write of the new store
            c[0, :] = 5.0
            c[-1, :] = -5.0
            a = c + u                     # a's old tiles go back
            f = g / 2.0
            r = m.empty(n - 1)            # another shape
            r[...] = a[1:, 0]
            out.append(float(r.sum()) + float(f.sum(dtype=m.float64)))
        return a, f, out

    from legate.numpy import _runtime
    # test mode: tiles of 3 elements; otherwise big enough not to be eager
    for n in ((9, 50) if _runtime.TEST_MODE else (300,)):
        got = run(np, n)
        want = run(numpy, n)
        for g, w in zip(got[:2], want[:2]):
            g = numpy.asarray(g)
            assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, w.dtype)
            assert numpy.array_equal(g, w), (n, g, w)
        assert got[2] == want[2], (got[2], want[2])
    counts = _core.task_counts()
    print("counts", counts)
    if sys.argv[1] == "pool":
        assert counts["tiles_reused"] > 0, counts
    else:
        assert counts["tiles_reused"] == 0, counts
    """
)


@pytest.mark.parametrize("env", [{}, {"LEGATE_NUMPY_TEST": "1"},
                                 {"LEGATE_NUMPY_TEST": "1", "LEGATE_NUMPY_BATCH": "8", "LEGATE_NUMPY_FUSE": "all"},
                                 {"LEGATE_NUMPY_BATCH": "16", "LEGATE_NUMPY_FUSE": "all"}],
                         ids=["default", "test-mode", "test-mode-batched-fused", "batched-fused"])
def test_reused_tiles_match_numpy(env):
    r = subprocess.run([sys.executable, "-c", PROGRAM, "pool"], env=subprocess_env(**env), capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_pool_off_reuses_nothing():
    env = subprocess_env(LEGATE_NUMPY_TILE_POOL="0", LEGATE_NUMPY_TEST="1")
    r = subprocess.run([sys.executable, "-c", PROGRAM, "none"], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
