"""The CPU workers run NumPy's own inner loops for the ufuncs elem.h
computes by libm calls (python/legate/numpy/_numpy_loops.py): their values
are NumPy's to the bit (SVML's and NumPy's SIMD loops differ from libm in
the last bits), for every dtype, layout and broadcast, with NumPy's
floating-point warnings; reductions keep our folds."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from conftest import NRANKS, deferred, legate_only, lnp, subprocess_env

TEST_MODE = __import__("os").environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")

N = 301 if TEST_MODE else 70001
UNARY = ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin",
         "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "cbrt")
BINARY = ("power", "arctan2", "hypot", "logaddexp", "logaddexp2")
DTYPES = (np.float16, np.float32, np.float64, np.complex64, np.complex128)


def _values(dtype, n, seed):
    """n values of dtype over the functions' domains and beyond, with the
    special values (zeros of both signs, infinities, NaN, subnormals, the
    largest finite) among them."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    rt = dt.type(0).real.dtype
    fi = np.finfo(rt)
    x = (rng.standard_normal(n) * np.where(rng.random(n) < 0.2, 300.0, 3.0)).astype(rt)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, float(fi.tiny) / 4, float(fi.max), 1.0, -1.0],
                        dtype=rt)
    x[rng.integers(0, n, n // 10)] = specials[rng.integers(0, len(specials), n // 10)]
    if dt.kind != "c":
        return x
    z = np.empty(n, dt)
    z.real = x
    z.imag = x[rng.permutation(n)]
    return z


def _bits(a):
    return np.ascontiguousarray(a).view(np.dtype("u%d" % a.dtype.itemsize))


def _same_bits(got, want):
    """The same bits, but for the sign of a NaN: NumPy's loops take a
    scalar path for short or strided runs whose NaNs may carry another
    sign than their SIMD path's (np.log10 of float16 -1.0: -nan in a long
    contiguous run, +nan alone or strided), so NumPy's own NaN signs depend
    on how a call is cut, and a tile's runs are cut otherwise."""
    got = np.asarray(got)
    assert got.dtype == want.dtype and got.shape == want.shape
    real = (lambda a: a.view(a.real.dtype)) if want.dtype.kind == "c" else (lambda a: a)
    g, w = real(np.ascontiguousarray(got)), real(np.ascontiguousarray(want))
    np.testing.assert_array_equal(np.isnan(g), np.isnan(w))
    keep = ~np.isnan(w)
    np.testing.assert_array_equal(_bits(g)[keep], _bits(w)[keep])


def _has_loop(name, dtype):
    return any(t[-1] == np.dtype(dtype).char and t[0] == np.dtype(dtype).char
               for t in getattr(np, name).types)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", UNARY)
def test_unary_values_are_numpys_bits(name, dtype):
    if not _has_loop(name, dtype):
        pytest.skip("NumPy has no %s loop for %s" % (name, np.dtype(dtype).name))
    x = _values(dtype, N, 1)
    f = getattr(np, name)
    with np.errstate(all="ignore"):
        want = f(x)
        want_strided = f(x[::3])
        want_out = np.zeros(2 * N, dtype)
        f(x, out=want_out[::2])  # NumPy's loops may take another path for a strided output
        got = getattr(lnp, name)(deferred(x))
        got_strided = getattr(lnp, name)(deferred(x)[::3])
        out = lnp.zeros(2 * N, dtype)
        getattr(lnp, name)(deferred(x), out=out[::2])
        got_out = np.asarray(out)[::2]
    _same_bits(got, want)
    _same_bits(got_strided, want_strided)
    _same_bits(got_out, want_out[::2])


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", BINARY)
def test_binary_values_are_numpys_bits(name, dtype):
    if not _has_loop(name, dtype):
        pytest.skip("NumPy has no %s loop for %s" % (name, np.dtype(dtype).name))
    x, y = _values(dtype, N, 2), _values(dtype, N, 3)
    rows = N // 7
    m, v = x[: rows * 7].reshape(rows, 7), y[:7]
    f, g = getattr(np, name), getattr(lnp, name)
    s = np.array(2.5 if name != "power" else 3, dtype)  # a 0-d operand of the same dtype
    with np.errstate(all="ignore"):
        cases = [(g(deferred(x), deferred(y)), f(x, y)),
                 (g(deferred(m), deferred(v)), f(m, v)),            # a row broadcast
                 (g(deferred(x), s), f(x, s)),                       # a scalar
                 (g(s, deferred(y)), f(s, y)),
                 (g(deferred(m).T, deferred(y[:rows])), f(m.T, y[:rows]))]  # strided
        transposed_runs = _numpy_loop_per_run(f, m, y[:rows])
    for got, want in cases[:-1]:
        _same_bits(got, want)
    got, want = cases[-1]
    try:
        _same_bits(got, want)
    except AssertionError:
        _same_bits(got, transposed_runs)


def _numpy_loop_per_run(f, m, y):
    """f(m.T, y) as NumPy's loop gives it called on each column of m with
    y's element broadcast (stride 0): the runs NumPy < 2.3 passed its loop
    and our tiles pass it.  NumPy >= 2.3's buffered iterator copies y into a
    contiguous buffer first, and its SIMD loops (power) give other last bits
    for a contiguous operand than for a stride-0 one, so NumPy's own values
    depend on its iterator (docs/design.md, "Values NumPy leaves open"); ours
    must be one or the other, whole."""
    return np.array([f(m[j], np.broadcast_to(y[j], m.shape[1])) for j in range(m.shape[0])]).T


@legate_only
def test_numpy_loops_are_installed():
    from legate.numpy import _numpy_loops
    if "LEGATE_NUMPY_NUMPY_LOOPS" in __import__("os").environ:
        pytest.skip("set by the environment")
    for name in UNARY + BINARY:
        for dt in ("float32", "float64"):
            assert _numpy_loops.INSTALLED[(name, dt)], (name, dt)


@legate_only
def test_our_loops_without_numpys():
    """LEGATE_NUMPY_NUMPY_LOOPS=0 keeps elem.h's loops: none installed,
    values within a few ulps of NumPy's."""
    code = ("import numpy as np, legate.numpy as lnp\n"
            "from legate.numpy import _numpy_loops\n"
            "assert not _numpy_loops.INSTALLED\n"
            "x = np.linspace(-5, 5, 100003)\n"
            "np.testing.assert_allclose(np.asarray(lnp.exp(lnp.array(x))), np.exp(x), rtol=1e-15)\n"
            "print('ok')\n")
    env = subprocess_env()
    env["LEGATE_NUMPY_NUMPY_LOOPS"] = "0"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]


def test_warnings_are_numpys():
    """NumPy's loops raise the status flags NumPy reports."""
    x = _values(np.float64, N, 4)
    for name in ("exp", "log", "arcsin", "power"):
        args = (x,) if name != "power" else (x, x)
        with np.errstate(all="warn"):
            with warnings.catch_warnings(record=True) as rec_np:
                warnings.simplefilter("always")
                getattr(np, name)(*args)
            with warnings.catch_warnings(record=True) as rec:
                warnings.simplefilter("always")
                np.asarray(getattr(lnp, name)(*(deferred(a) for a in args)))
        want = sorted({str(w.message) for w in rec_np})
        got = sorted({str(w.message) for w in rec if "natively" not in str(w.message)})
        if NRANKS > 1:
            assert set(got) <= set(want), (name, got, want)
        else:
            assert got == want, (name, got, want)


def test_reductions_keep_our_folds():
    """A reduction's runs accumulate in our loop (NumPy's loops would
    fold in their own order): logaddexp.reduce and power.reduce as
    NumPy's."""
    x = np.linspace(-3, 3, N)
    got = lnp.logaddexp.reduce(deferred(x))
    np.testing.assert_allclose(float(got), np.logaddexp.reduce(x), rtol=1e-13)
