"""Numerics of issue 19 done natively (python/legate/numpy/_numerics2.py):
interp, ediff1d, nanmedian/nanpercentile/nanquantile, convolve/correlate/
polymul (shorter operand <= 64 elements), linalg.multi_dot and
linalg.matrix_power.  Against NumPy (values, dtype, shape, exception class)
and, on deferred arrays, with no trip through the fallback (no warning, no
host copy: test_stats_numerics' `strict`)."""

import os
import warnings

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, check, deferred, legate_only, lnp, public_exc, quiet, values
from test_stats_numerics import native, strict

# a long operand: many tiles by default; in test mode (3-element tiles) a
# few hundred, as 70001 elements there make tens of thousands of tasks per op
TEST_MODE = not AGAINST_NUMPY and os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")
LONG = 701 if TEST_MODE else 70001


def raises_like(fn, *args):
    """fn(np, args) raises; fn(lnp, deferred args) raises the same class
    without taking the fallback."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn(np, *args)
        except Exception as e:  # noqa: BLE001
            cls = public_exc(type(e))
        else:
            raise AssertionError("NumPy did not raise")
    largs = [deferred(a) if isinstance(a, np.ndarray) else a for a in args]
    with strict, pytest.raises(cls):
        fn(lnp, *largs)


def _fell_back(fn, *args):
    largs = [deferred(a) if isinstance(a, np.ndarray) else a for a in args]
    from legate.numpy import _runtime
    mp = pytest.MonkeyPatch()
    mp.setattr(_runtime, "_warned", set())
    try:
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            got = fn(lnp, *largs)
    finally:
        mp.undo()
    check(got, fn(np, *args), approx=True)
    return any("natively" in str(w.message) for w in rec)


# ---------------------------------------------------------------- interp

XP = np.array([-2.0, -0.5, 0.0, 1.0, 1.0, 3.5, 4.0])
FP = np.array([1.0, 3.0, -1.0, 2.0, 2.5, 0.0, 7.0])
XS = np.array([-3.0, -2.0, -1.0, -0.5, 0.25, 1.0, 2.0, 3.5, 3.9, 4.0, 5.0, np.nan, np.inf, -np.inf])


@pytest.mark.parametrize("xdt", [np.int64, np.float32, np.float64])
def test_interp_dtypes(xdt):
    x = (XS[:11] * 2).astype(xdt)
    native(lambda m, x, xp, fp: m.interp(x, xp, fp), x, XP, FP)
    native(lambda m, x, xp, fp: m.interp(x, xp, fp), x, XP.astype(np.float32),
           FP.astype(np.int32))


# (period: xp distinct modulo the period, NumPy's argsort order of equal
# ones being its sort kind's)
XPU = np.array([0.1, 0.7, 1.3, 2.2, 2.9, -0.6, 4.9])


@pytest.mark.parametrize("kw", [{}, {"left": -9.0}, {"right": 11}, {"left": 0.5, "right": -0.5},
                                {"period": 3.0}, {"period": -2.5, "left": 99.0}])
def test_interp_keywords(kw):
    xp = XPU if "period" in kw else XP
    native(lambda m, x, xp, fp: m.interp(x, xp, fp, **kw), XS, xp, FP)
    native(lambda m, x, xp, fp: m.interp(x, xp, fp, **kw), XS.reshape(2, 7), xp, FP)


@pytest.mark.parametrize("kw", [{}, {"left": 1 + 2j, "right": -3j}, {"period": 4.0}])
def test_interp_complex(kw):
    fp = FP * (1 - 0.5j)
    fp[3] = complex(np.nan, 1.0)
    xp = XPU if "period" in kw else XP
    native(lambda m, x, xp, fp: m.interp(x, xp, fp, **kw), XS, xp, fp)
    native(lambda m, x, xp, fp: m.interp(x, xp, fp, **kw), XS, xp, fp.astype(np.complex64))


def test_interp_nan_and_inf_values():
    fp = np.array([0.0, np.inf, np.inf, -np.inf, np.nan, 1.0, 2.0])
    native(lambda m, x, xp, fp: m.interp(x, xp, fp), XS, XP, fp)


def test_interp_shapes():
    native(lambda m, xp, fp: m.interp(2.5, xp, fp), XP, FP)  # a scalar
    native(lambda m, x, xp, fp: m.interp(x, xp, fp), np.array(0.3), XP, FP)
    native(lambda m, x, xp, fp: m.interp(x, xp, fp), np.zeros(0), XP, FP)
    native(lambda m, x, xp, fp: m.interp(x, xp, fp), XS, XP[:1], FP[:1])  # one point
    native(lambda m, x, xp, fp: m.interp(x, xp, fp, left=-1, right=1), XS, XP[:1], FP[:1])
    native(lambda m, x, xp, fp: m.interp(x, xp, fp), XS, XP[:2], FP[:2])
    native(lambda m, x, xp, fp: m.interp(x, xp, fp), XS[:3], XP, FP)
    x = values(np.float64, (LONG,))
    native(lambda m, x, xp, fp: m.interp(x, xp, fp), x, XP, FP)
    if not AGAINST_NUMPY:
        assert type(lnp.interp(2.5, deferred(XP), deferred(FP))) is not lnp.ndarray or \
            lnp.interp(2.5, deferred(XP), deferred(FP)).ndim == 0


@pytest.mark.parametrize("fn", [
    lambda m, x, xp, fp: m.interp(x, xp, fp[:3]),
    lambda m, x, xp, fp: m.interp(x, xp[:0], fp[:0]),
    lambda m, x, xp, fp: m.interp(x, xp[:0], fp),
    lambda m, x, xp, fp: m.interp(x, xp, fp, period=0),
    lambda m, x, xp, fp: m.interp(x, xp.reshape(7, 1), fp),
    lambda m, x, xp, fp: m.interp(x, xp, fp.reshape(1, 7)),
    lambda m, x, xp, fp: m.interp(x, xp, fp, period=1.0, left=None)[0:0] + m.interp(
        x, xp[:3], fp, period=1.0),
    lambda m, x, xp, fp: m.interp(x, xp, fp, left=1j),
])
def test_interp_errors(fn):
    raises_like(fn, XS, XP, FP)


# ---------------------------------------------------------------- ediff1d

@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint16, np.float32, np.float64,
                                   np.complex128])
def test_ediff1d_dtypes(dtype):
    a = values(dtype, (3, 5))
    native(lambda m, a: m.ediff1d(a), a)
    e = np.array([7, 8], dtype=dtype)
    native(lambda m, a: m.ediff1d(a, to_end=e, to_begin=np.array(1, dtype)), a)
    native(lambda m, a: m.ediff1d(a[0], to_begin=a[1, :2]), a)


@pytest.mark.parametrize("shape", [(0,), (1,), (2,), (7,), (), (2, 0)])
def test_ediff1d_shapes(shape):
    a = values(np.float64, shape)
    native(lambda m, a: m.ediff1d(a), a)
    native(lambda m, a: m.ediff1d(a, to_end=np.array([]), to_begin=[1.0, 2.0]), a)
    native(lambda m, a: m.ediff1d(a, to_end=3.5), a)


@pytest.mark.parametrize("fn", [
    lambda m, a: m.ediff1d(a.astype(np.int32), to_begin=1.5),
    lambda m, a: m.ediff1d(a.astype(np.int32), to_end=[1, 2.5]),
    lambda m, a: m.ediff1d(a > 0),
    lambda m, a: m.ediff1d(a, to_end=1j),
])
def test_ediff1d_errors(fn):
    raises_like(fn, values(np.float64, (6,)))


# ---------------------------------------------------------------- nan quantiles

NATIVE_METHODS = ["linear", "lower", "higher", "nearest", "midpoint", "interpolated_inverted_cdf",
                  "hazen", "weibull", "median_unbiased", "normal_unbiased", "inverted_cdf",
                  "averaged_inverted_cdf", "closest_observation"]


def _with_nans(dtype, shape):
    a = values(dtype, shape).astype(dtype)
    if a.dtype.kind == "f" and a.size:
        a.flat[::3] = np.nan
        a.flat[1::7] = np.nan
    return a


@pytest.mark.parametrize("method", NATIVE_METHODS)
@pytest.mark.parametrize("dtype", [np.int32, np.float32, np.float64])
def test_nanquantile_methods(method, dtype):
    a = _with_nans(dtype, (6, 9))
    for q in (0.0, 0.37, 0.5, [0.1, 0.5, 1.0]):
        for axis in (None, 0, 1):
            native(lambda m, v: m.nanquantile(v, q, axis=axis, method=method), a)
    native(lambda m, v: m.nanquantile(v, [[0.25], [0.75]], method=method), a)
    native(lambda m, v: m.nanpercentile(v, [5, 50, 99], axis=1, method=method), a)


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.float64])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2), (2, 0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_nan_reducers_axes(dtype, axis, keepdims):
    a = _with_nans(dtype, (4, 3, 5))
    native(lambda m, v: m.nanmedian(v, axis=axis, keepdims=keepdims), a)
    native(lambda m, v: m.nanpercentile(v, 30, axis=axis, keepdims=keepdims), a)
    native(lambda m, v: m.nanquantile(v, [0.2, 0.9], axis=axis, keepdims=keepdims), a)


def test_nan_reducers_odd_shapes():
    for shape in [(1,), (7,), (), (1, 1), (3, 1, 2)]:
        a = _with_nans(np.float64, shape)
        if a.size:
            a.flat[0] = 1.5
        native(lambda m, v: m.nanmedian(v), a)
        native(lambda m, v: m.nanquantile(v, 0.3, overwrite_input=True), a)
        native(lambda m, v: m.nanpercentile(v, [0, 100], keepdims=True), a)
    a = values(np.float64, (301, 233))
    a[::5] = np.nan
    native(lambda m, v: m.nanmedian(v, axis=0), a)


def test_nan_reducers_out():
    a = _with_nans(np.float64, (4, 6))
    for m, o in ((np, np.zeros(4)), (lnp, deferred(np.zeros(4)))):
        with strict:
            r = m.nanmedian(deferred(a) if m is lnp else a, axis=1, out=o)
        assert r is o
        if m is np:
            exp = o
    check(o, exp, approx=True)
    for m, o in ((np, np.zeros((2, 6))), (lnp, deferred(np.zeros((2, 6))))):
        with strict:
            r = m.nanpercentile(deferred(a) if m is lnp else a, [10, 90], axis=0, out=o)
        assert r is o
        if m is np:
            exp = o
    check(o, exp, approx=True)


@pytest.mark.parametrize("name", ["nanmedian", "nanquantile", "nanpercentile"])
def test_all_nan_slices_warn(name):
    a = _with_nans(np.float64, (4, 5))
    a[2] = np.nan
    args = () if name == "nanmedian" else ((0.5,) if name == "nanquantile" else (50,))
    exp = getattr(np, name)(np.full(5, np.nan), *args) if False else None  # noqa: F841
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = getattr(np, name)(a, *args, axis=1)
    with pytest.warns(RuntimeWarning, match="All-NaN slice"):
        with strict:
            got = getattr(lnp, name)(deferred(a), *args, axis=1)
    check(got, want, approx=True)
    with pytest.warns(RuntimeWarning, match="All-NaN slice"):
        got = getattr(lnp, name)(deferred(np.full((3,), np.nan)), *args)
    assert np.isnan(float(got))


@pytest.mark.parametrize("fn", [
    lambda m, a: m.nanquantile(a, 1.5),
    lambda m, a: m.nanpercentile(a, -1),
    lambda m, a: m.nanpercentile(a, [50, 101], axis=0),
    lambda m, a: m.nanquantile(a, 0.5, method="nonsense"),
    lambda m, a: m.nanmedian(a, axis=2),
    lambda m, a: m.nanquantile(a, 0.5, axis=(0, 0)),
])
def test_nan_reducers_errors(fn):
    raises_like(fn, _with_nans(np.float64, (3, 4)))


def test_nan_reducers_empty():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fn in (lambda m, a: m.nanmedian(a), lambda m, a: m.nanmedian(a, axis=0),
                   lambda m, a: m.nanquantile(a, 0.5, axis=1),
                   lambda m, a: m.nanpercentile(a, [50, 60])):
            native(fn, np.zeros((0, 3)))


# ---------------------------------------------------------------- convolve / correlate

@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("n,k", [(1, 1), (7, 3), (3, 7), (8, 4), (4, 8), (9, 1), (1, 9),
                                 (LONG, 5), (6, 6), (64, LONG)])
def test_convolve_correlate(mode, n, k):
    a = values(np.float64, (n,), seed=1)
    v = values(np.float64, (k,), seed=2)
    native(lambda m, a, v: m.convolve(a, v, mode), a, v)
    native(lambda m, a, v: m.correlate(a, v, mode), a, v)


@pytest.mark.parametrize("da,dv", [(np.int32, np.int32), (np.int64, np.float32),
                                   (np.float32, np.float32), (np.complex128, np.float64),
                                   (np.float64, np.complex64), (np.complex128, np.complex128),
                                   (np.bool_, np.bool_), (np.uint8, np.int8)])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_correlate_dtypes(da, dv, mode):
    a = values(da, (9,), seed=3)
    v = values(dv, (4,), seed=4)
    if np.dtype(dv).kind == "c":
        v = v + 1j * values(np.float64, (4,), seed=5)
    native(lambda m, a, v: m.convolve(a, v, mode), a, v)
    native(lambda m, a, v: m.correlate(a, v, mode), a, v)
    native(lambda m, a, v: m.correlate(v, a, mode), a, v)


def test_convolve_mode_spellings_and_scalars():
    a = values(np.float64, (7,))
    v = np.array([1.0, -2.0, 0.5])
    for mode in ("f", "S", "Valid", 0, 1, 2):  # (NumPy 2 refuses some)
        for f in (lambda m, a, v: m.convolve(a, v, mode),
                  lambda m, a, v: m.correlate(a, v, mode)):
            try:
                f(np, a, v)
            except ValueError:
                raises_like(f, a, v)
            else:
                native(f, a, v)


@pytest.mark.parametrize("fn", [
    lambda m, a, v: m.convolve(a, v[:0]),
    lambda m, a, v: m.convolve(a[:0], v),
    lambda m, a, v: m.correlate(a, v[:0]),
    lambda m, a, v: m.convolve(a, v, "bogus"),
    lambda m, a, v: m.correlate(a, v, 5),
    lambda m, a, v: m.convolve(a.reshape(3, 3), v),
    lambda m, a, v: m.correlate(a, v.reshape(1, 3)),
])
def test_convolve_errors(fn):
    raises_like(fn, values(np.float64, (9,)), np.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("p1,p2", [([1.0, 2.0, 3.0], [4.0, -5.0]), ([0.0, 0.0, 1.0, 2.0], [3]),
                                   ([0, 0], [1, 2, 3]), ([2 + 1j, 0.5], [1.0, 1j, 2.0]),
                                   ([0.0], [0.0]), ([], [1.0, 2.0])])
def test_polymul(p1, p2):
    native(lambda m, a, b: m.polymul(a, b), np.array(p1), np.array(p2))
    native(lambda m, a: m.polymul(a, p2), np.array(p1))


def test_polymul_errors():
    raises_like(lambda m, a: m.polymul(a, [1.0]), np.ones((2, 2)))


@legate_only
def test_long_operands_fall_back():
    a = values(np.float64, (LONG,))
    b = values(np.float64, (65,))
    assert _fell_back(lambda m, a, b: m.convolve(a, b), a, b)
    assert _fell_back(lambda m, a, b: m.correlate(a, b, "same"), a, b)
    assert not _fell_back(lambda m, a, b: m.convolve(a, b[:64]), a, b)


# ---------------------------------------------------------------- linalg

@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.float64, np.complex128])
def test_multi_dot(dtype):
    A = values(dtype, (6, 4), seed=1)
    B = values(dtype, (4, 5), seed=2)
    C = values(dtype, (5, 3), seed=3)
    D = values(dtype, (3, 7), seed=4)
    native(lambda m, a, b: m.linalg.multi_dot([a, b]), A, B)
    native(lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), A, B, C)
    native(lambda m, a, b, c, d: m.linalg.multi_dot((a, b, c, d)), A, B, C, D)
    native(lambda m, a, b, c: m.linalg.multi_dot([a[0], b, c]), A, B, C)
    native(lambda m, a, b, c: m.linalg.multi_dot([a, b, c[:, 0]]), A, B, C)
    native(lambda m, a, b, c: m.linalg.multi_dot([a[:, 0], a, b, c[:, 1]]), A, B, C)


def test_multi_dot_out():
    A, B, C = (values(np.float64, s, seed=i) for i, s in enumerate(((3, 4), (4, 2), (2, 5))))
    o = deferred(np.zeros((3, 5)))
    with strict:
        r = lnp.linalg.multi_dot([deferred(A), deferred(B), deferred(C)], out=o)
    assert r is o
    check(o, np.linalg.multi_dot([A, B, C]), approx=True)


@pytest.mark.parametrize("fn", [
    lambda m, a: m.linalg.multi_dot([a]),
    lambda m, a: m.linalg.multi_dot([a, a.reshape(2, 3, 2), a]),
    lambda m, a: m.linalg.multi_dot([a, a, a]),
    lambda m, a: m.linalg.multi_dot([a, a.T, a[0, 0]]),
])
def test_multi_dot_errors(fn):
    raises_like(fn, values(np.float64, (3, 4)))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64, np.complex128])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 6, 11, np.int16(3)])
def test_matrix_power(dtype, n):
    a = values(dtype, (4, 4), kind="small")
    native(lambda m, a: m.linalg.matrix_power(a, n), a)
    with quiet():  # stacked: N-d matmul, not native (the fallback)
        check(lnp.linalg.matrix_power(deferred(values(dtype, (3, 2, 2), kind="small")), n),
              np.linalg.matrix_power(values(dtype, (3, 2, 2), kind="small"), n), approx=True)


@pytest.mark.parametrize("fn", [
    lambda m, a: m.linalg.matrix_power(a, 1.5),
    lambda m, a: m.linalg.matrix_power(a, "2"),
    lambda m, a: m.linalg.matrix_power(a[:2], 2),
    lambda m, a: m.linalg.matrix_power(a[0], 2),
])
def test_matrix_power_errors(fn):
    raises_like(fn, values(np.float64, (3, 3)))


def test_matrix_power_negative():
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    with quiet():
        check(lnp.linalg.matrix_power(deferred(a), -2), np.linalg.matrix_power(a, -2),
              approx=True)


@legate_only
def test_ours_and_dispatched():
    x = deferred(XS)
    r = np.interp(x, deferred(XP), deferred(FP))
    assert type(r) is lnp.ndarray and r._arr is not None
    with strict:
        assert type(np.nanmedian(deferred(np.ones((3, 4))), axis=0)) is lnp.ndarray
        assert type(np.linalg.multi_dot([deferred(np.ones((3, 4))), deferred(np.ones((4, 2))),
                                         deferred(np.ones((2, 2)))])) is lnp.ndarray
        assert type(np.convolve(x, [1.0, 2.0])) is lnp.ndarray
