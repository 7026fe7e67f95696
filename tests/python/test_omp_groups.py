"""OpenMP groups (bin/legate --omps N --ompthreads T): CPU workers that lead
groups of cores and run their parallel kernels (elementwise loops, fused
chains, scans, matmul, panel products) with one OpenMP thread per core.

Each case runs a program in a subprocess with the groups set up, checks
NumPy's values, and that kernels really ran with several threads (the
"parallel" task count; in test mode every splittable kernel splits, even on
tiny tiles)."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import AGAINST_NUMPY, children_only, subprocess_env

pytestmark = [pytest.mark.skipif(AGAINST_NUMPY, reason="legate.numpy's driver settings"), children_only]

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

PROGRAM = textwrap.dedent(
    """
    import json, os
    import numpy
    import legate.numpy as np
    from legate.numpy import _core

    checks = {}

    def same(name, got, want, exact=True):
        got = numpy.asarray(got)
        ok = got.dtype == want.dtype and got.shape == want.shape
        ok = ok and (numpy.array_equal(got, want, equal_nan=got.dtype.kind == "f")
                     if exact else numpy.allclose(got, want, rtol=1e-9, atol=1e-9))
        checks[name] = bool(ok)

    # test mode's tiles are 3 elements a side: smaller arrays, as many tiles
    small = os.environ.get("LEGATE_NUMPY_TEST") == "1"
    n1, n2, n3 = (3000, 2001, 1003) if small else (300_000, 200_001, 100_003)
    mm = (31, 27, 19) if small else (301, 257, 190)
    rng = numpy.random.default_rng(7)
    x = rng.standard_normal(n1)
    a = np.array(x)
    # an elementwise chain (fused on CPU workers) and single loops
    same("chain", np.sqrt(np.abs(a) * 2.0 + 1.0) * np.exp(-a) + a / 3.0,
         numpy.sqrt(numpy.abs(x) * 2.0 + 1.0) * numpy.exp(-x) + x / 3.0)
    c = np.empty_like(a)
    np.sin(a, out=c)
    same("sin_out", c, numpy.sin(x))
    same("where", np.where(a > 0, a, -2 * a), numpy.where(x > 0, x, -2 * x))
    # scans and reductions
    xi = rng.integers(-5, 6, n2)
    same("cumsum_int", np.cumsum(np.array(xi)), numpy.cumsum(xi))
    same("cumsum_f", np.cumsum(a), numpy.cumsum(x), exact=False)
    same("sum_f", np.sum(a), numpy.sum(x), exact=False)
    same("max", np.max(a), numpy.max(x))
    # matmul: integer-valued floats (exact whatever the split), integers,
    # a row split and a column split, strided operands
    A = rng.integers(-3, 4, mm[:2]).astype(numpy.float64)
    B = rng.integers(-3, 4, mm[1:]).astype(numpy.float64)
    same("matmul_f64", np.array(A) @ np.array(B), A @ B)
    same("matmul_int", np.array(A.astype(numpy.int64)) @ np.array(B.astype(numpy.int64)),
         A.astype(numpy.int64) @ B.astype(numpy.int64))
    same("matmul_wide", np.array(A[:3]) @ np.array(B), A[:3] @ B)
    same("matmul_T", np.array(B).T @ np.array(A).T, B.T @ A.T)
    same("matmul_f32", np.array(A.astype(numpy.float32)) @ np.array(B.astype(numpy.float32)),
         A.astype(numpy.float32) @ B.astype(numpy.float32))
    # panel products: tall-skinny operands
    X = rng.integers(-2, 3, (n3, 12)).astype(numpy.float64)
    v = rng.integers(-2, 3, n3).astype(numpy.float64)
    w = rng.integers(-2, 3, 12).astype(numpy.float64)
    Xl, vl = np.array(X), np.array(v)
    same("v@X", vl @ Xl, v @ X)
    same("X.T@v", Xl.T @ vl, X.T @ v)
    same("X.T@X", Xl.T @ Xl, X.T @ X)
    same("X@w", Xl @ np.array(w), X @ w)
    same("X@W", Xl @ np.array(X[:12, :5]), X @ X[:12, :5])
    counts = _core.task_counts()
    print("RESULT " + json.dumps({"checks": checks, "parallel": counts["parallel"]}))
    """
)


def run_program(extra, cmd=None, timeout=300):
    env = subprocess_env(**extra)
    for k in ("STARPU_NCPU", "LEGATE_NUMPY_OMPS", "LEGATE_NUMPY_OMPTHREADS"):
        if k not in extra:
            env.pop(k, None)
    r = subprocess.run(cmd or [sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True,
                       timeout=timeout)
    return r


def result_of(r):
    assert r.returncode == 0, f"rc={r.returncode}\nstdout:\n{r.stdout[-2000:]}\nstderr:\n{r.stderr[-4000:]}"
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, r.stdout[-2000:] + r.stderr[-2000:]
    return json.loads(lines[-1][len("RESULT "):])


@pytest.mark.parametrize("groups,threads", [(1, 2), (2, 3)])
@pytest.mark.parametrize("test_mode", ["0", "1"])
def test_groups_compute_numpys_values(groups, threads, test_mode):
    r = run_program({"LEGATE_NUMPY_OMPS": groups, "LEGATE_NUMPY_OMPTHREADS": threads,
                     "LEGATE_NUMPY_TEST": test_mode, "LEGATE_NUMPY_VERBOSE": "1"})
    out = result_of(r)
    bad = [k for k, ok in out["checks"].items() if not ok]
    assert not bad, f"differ from NumPy: {bad}\n{r.stderr[-3000:]}"
    assert out["parallel"] > 0, "no kernel ran with several threads"
    # the start-up description names each group and its cores
    assert r.stderr.count(f"OpenMP group: worker") == groups, r.stderr[-2000:]
    assert f"{threads} threads on cores" in r.stderr
    if groups * threads > (os.cpu_count() or 1):
        assert "the groups share cores" in r.stderr


def test_without_groups_kernels_run_single_threaded():
    out = result_of(run_program({"LEGATE_NUMPY_TEST": "1", "STARPU_NCPU": "2"}))
    assert all(out["checks"].values()), out["checks"]
    assert out["parallel"] == 0


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "99999"])
def test_bad_group_settings_raise_value_error(value):
    prog = textwrap.dedent(
        """
        try:
            import legate.numpy as np
            np.ones(10).sum()
        except ValueError as e:
            print("VALUEERROR", e)
        """
    )
    r = run_program({"LEGATE_NUMPY_OMPS": value}, cmd=[sys.executable, "-c", prog], timeout=120)
    assert "VALUEERROR" in r.stdout and "LEGATE_NUMPY_OMPS" in r.stdout, r.stdout + r.stderr[-2000:]


@pytest.mark.parametrize("args,message", [
    (["--ompthreads", "2"], "--ompthreads needs --omps"),
    (["--omps", "0"], "--omps expects a positive integer"),
    (["--omps", "2", "--ompthreads", "x"], "--ompthreads expects a positive integer"),
])
def test_driver_rejects_bad_group_flags(args, message):
    r = subprocess.run([os.path.join(REPO, "bin", "legate"), *args, "--", "-c", "pass"], capture_output=True, text=True,
                       timeout=60, env=subprocess_env())
    assert r.returncode == 2 and message in r.stderr, r.stderr


def test_driver_sets_groups_and_plain_cpus():
    prog = "import os; print('ENV', os.environ['LEGATE_NUMPY_OMPS'], os.environ['STARPU_NCPU'], " \
           "os.environ['LEGATE_NUMPY_OMPTHREADS'])"
    env = subprocess_env(LEGATE_PYTHON=sys.executable)
    env.pop("STARPU_NCPU", None)
    r = subprocess.run([os.path.join(REPO, "bin", "legate"), "--omps", "2", "--ompthreads", "3", "--cpus", "1", "--",
                        "-c", prog], capture_output=True, text=True, timeout=60, env=env)
    assert "ENV 2 3 3" in r.stdout, r.stdout + r.stderr
