"""Fused loops (codelets/fuse.h): runs of elementwise loops inside a batch
become one kernel, temporaries passed in registers and their stores dropped
when they die with the batch.  Programs whose every loop fuses (channel
flow's updates, a Jacobi sweep in place, float32 with casts and NaNs) must
give exactly NumPy's values (fusion changes no rounding), and groups must
really have formed: on CPU workers with LEGATE_NUMPY_FUSE=all (the host
interpreter, the GPU kernel's reference), on a GPU by default (NVRTC)."""

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import AGAINST_NUMPY, subprocess_env

if AGAINST_NUMPY:
    pytest.skip("legate-specific (loop fusion)", allow_module_level=True)

from legate.numpy import _core  # noqa: E402

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "examples")

PROGRAM = textwrap.dedent(
    """
    import sys
    import numpy
    import legate.numpy as np
    from legate.numpy import _core
    sys.path.insert(0, %r)
    import channel_flow

    def jacobi(m, n, sweeps):
        u = (m.arange(n * n, dtype=m.float64).reshape(n, n) * 37.0) %% 101.0 / 50.0 + 1.0
        for _ in range(sweeps):
            u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        return u

    def mixed(m, n):
        a = (m.arange(n * n, dtype=m.float32).reshape(n, n) %% 17) - 8.0
        a[::5, ::3] = m.nan
        b = m.ones((n, n), dtype=m.float32) * 0.5
        c = m.minimum(m.maximum(a, b) * 2.0, 7.5)
        d = m.sqrt(m.abs(c.astype(m.float64))) / 3.0 - 1.0 / (c.astype(m.float64) + 9.0)
        e = (-(d * d) + d).astype(m.float32)
        e += a
        return c, d, e

    def transcendental(m, n):
        # logaddexp in a fused group: libm and libdevice may differ in the
        # last bits, so compared to a tolerance below
        a = (m.arange(n * n, dtype=m.float64).reshape(n, n) %% 23) - 11.0
        return m.logaddexp(a * 0.5, 1.0 - a) * 2.0 + 1.0

    n = int(sys.argv[2])
    t = [numpy.asarray(transcendental(m, n)) for m in (np, numpy)]
    assert t[0].dtype == t[1].dtype and numpy.allclose(t[0], t[1], rtol=1e-13, atol=0), t
    results = []
    for m in (np, numpy):
        u, v, p, steps = channel_flow.run(m, nx=n, ny=n, nit=4, max_steps=3)
        results.append([u, v, p, jacobi(m, n, 3)] + list(mixed(m, n)))
    for g, w in zip(*results):
        g = numpy.asarray(g)
        assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, w.dtype, g.shape, w.shape)
        assert numpy.array_equal(g, w, equal_nan=True), (numpy.abs(g - w).max(), g, w)
    counts = _core.task_counts()
    print("counts", counts)
    if sys.argv[1] == "any":
        pass
    elif sys.argv[1] == "fused":
        assert counts["fused_groups"] > 0 and counts["fused_loops"] >= 2 * counts["fused_groups"], counts
        assert counts["fused_elided"] > 0, counts
    else:
        assert counts["fused_groups"] == 0, counts
    """
    % EXAMPLES
)


def _run(expect, n, **env):
    r = subprocess.run([sys.executable, "-c", PROGRAM, expect, str(n)], env=subprocess_env(**env),
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("test_mode", ["0", "1"])
def test_fused_on_cpu_workers_matches_numpy(test_mode):
    # big enough for deferred arrays in default mode (65536 elements)
    _run("fused", 5 if test_mode == "1" else 300, LEGATE_NUMPY_BATCH="16", LEGATE_NUMPY_FUSE="all",
         LEGATE_NUMPY_TEST=test_mode, STARPU_NCUDA="0")


@pytest.mark.parametrize("test_mode", ["0", "1"])
def test_fused_by_default_on_cpu_workers(test_mode):
    # without GPUs, loops are batched by the box they cover and the batches
    # fused by default (codelets/fuse_cpu.c)
    _run("fused", 5 if test_mode == "1" else 300, LEGATE_NUMPY_TEST=test_mode, STARPU_NCUDA="0")


CHAIN = textwrap.dedent(
    """
    import sys
    import numpy
    import legate.numpy as np
    from legate.numpy import _core

    def chain(m, a, b):
        return m.exp(a) * 0.5 - b * b + m.sqrt(b)   # 6 loops, all elementwise

    n = int(sys.argv[1])
    a = (np.arange(n, dtype=np.float64) % 701.0) / 7.0
    b = a + 1.0
    float(b.sum())
    tiles = a._arr.ntiles
    c0 = _core.task_counts()
    c = chain(np, a, b)
    got = numpy.asarray(c)
    c1 = _core.task_counts()
    d = {k: c1[k] - c0[k] for k in ("fused_groups", "fused_loops", "fused_elided")}
    print("tiles", tiles, d)
    # one task per tile runs the whole chain; the 5 temporaries never stored
    assert d["fused_groups"] == tiles and d["fused_loops"] == 6 * tiles, (tiles, d)
    assert d["fused_elided"] == 5 * tiles, (tiles, d)
    an = (numpy.arange(n, dtype=numpy.float64) % 701.0) / 7.0
    want = chain(numpy, an, an + 1.0)
    assert got.dtype == want.dtype and numpy.array_equal(got, want), numpy.abs(got - want).max()
    """
)


@pytest.mark.parametrize("test_mode,n", [("0", 1 << 20), ("1", 1000)])
def test_fused_chain_runs_one_task_per_tile(test_mode, n):
    # the defaults, whatever the suite runs under (CI's batched suites set these)
    r = subprocess.run([sys.executable, "-c", CHAIN, str(n)], capture_output=True, text=True, timeout=600,
                       env=subprocess_env(LEGATE_NUMPY_TEST=test_mode, STARPU_NCUDA="0", LEGATE_NUMPY_BATCH="",
                                          LEGATE_NUMPY_BATCH_KEYS="", LEGATE_NUMPY_FUSE=""))
    assert r.returncode == 0, r.stdout + r.stderr


def test_fusion_off_fuses_nothing():
    _run("none", 300, LEGATE_NUMPY_BATCH="16", LEGATE_NUMPY_FUSE="0", LEGATE_NUMPY_TEST="0")


@pytest.mark.skipif(_core.config()["ncuda"] == 0, reason="StarPU has no CUDA worker here")
def test_fused_on_gpu_matches_numpy():
    # batching is on by default with one GPU, fusion with it (kernels
    # compiled in place, so every group fuses)
    _run("fused", 300, STARPU_NCUDA="1", LEGATE_NUMPY_TEST="0")


@pytest.mark.skipif(_core.config()["ncuda"] == 0, reason="StarPU has no CUDA worker here")
def test_fused_on_gpu_async_compile_matches_numpy():
    # compiled in the background: early groups run unfused, results the same
    _run("any", 300, STARPU_NCUDA="1", LEGATE_NUMPY_TEST="0", LEGATE_NUMPY_FUSE_ASYNC="1",
         LEGATE_NUMPY_FUSE_DISK_CACHE="0")
