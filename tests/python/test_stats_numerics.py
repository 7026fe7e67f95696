"""Statistics and numerics served natively (issue 19): NumPy's own Python
implementations rebound to legate.numpy (python/legate/numpy/_numpy_impl.py):
average ptp median percentile quantile nansum nanprod nanmin nanmax
nanargmin nanargmax nanmean nanvar nanstd histogram(_bin_edges) histogram2d
histogramdd trapz/trapezoid gradient sinc i0 window functions geomspace
logspace isposinf isneginf iscomplex(obj) isrealobj cross fix poly{val,add,
sub,der,int} array_equiv asarray_chkfinite apply_over_axes piecewise.
Against NumPy (values, dtype, shape, exception class) and, on deferred
arrays, with no trip through the fallback (no warning, no host copy)."""

import warnings

import numpy as np
import pytest

from conftest import (AGAINST_NUMPY, NUMPY2, both, check, deferred, legate_only, lnp, quiet,
                      values)

TRAPZ = "trapezoid" if NUMPY2 else "trapz"


def _nan_values(dtype, shape):
    a = values(dtype, shape).astype(dtype)
    if a.dtype.kind in "fc" and a.size:
        a.flat[::4] = np.nan
    return a


class _Strict:
    """Context: no fallback inside, neither its warning (even one already
    given in this process) nor a silent host copy of a deferred array."""

    def __enter__(self):
        if AGAINST_NUMPY:
            return self
        from legate.numpy import _array, _runtime
        self._mp = pytest.MonkeyPatch()
        self._mp.setattr(_runtime, "_warned", set())
        orig = _array.ndarray.__array__

        def refuse(arr, *a, **k):
            if arr._arr is not None:
                raise AssertionError("deferred array copied to the host")
            return orig(arr, *a, **k)

        self._mp.setattr(_array.ndarray, "__array__", refuse)
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.filterwarnings("error", message=".*natively")
        return self

    def __exit__(self, *exc):
        if not AGAINST_NUMPY:
            self._w.__exit__(*exc)
            self._mp.undo()


strict = _Strict()


def native(fn, *args, approx=True):
    """fn(lnp, deferred args) under `strict`, compared with fn(np, args)."""
    largs = [deferred(a) if isinstance(a, np.ndarray) else a for a in args]
    with np.errstate(divide="ignore", invalid="ignore"):
        with strict:
            got = fn(lnp, *largs)
        exp = fn(np, *args)
    check(got, exp, approx=approx)
    return got


A2 = values(np.float64, (5, 7))

# name -> fn(m, x) with x a deferred (5, 7) float64 array
NATIVE = {
    "average": lambda m, x: m.average(x, axis=1, weights=m.arange(1.0, 8.0)),
    "average_ret": lambda m, x: m.average(x, axis=0, returned=True),
    "ptp": lambda m, x: m.ptp(x, axis=0),
    "median": lambda m, x: m.median(x, axis=1),
    "median_all": lambda m, x: m.median(x),
    "percentile": lambda m, x: m.percentile(x, [10, 50, 95], axis=0),
    "quantile": lambda m, x: m.quantile(x, 0.3, axis=1, keepdims=True),
    "nansum": lambda m, x: m.nansum(x, axis=0),
    "nanprod": lambda m, x: m.nanprod(x, axis=1),
    "nanmin": lambda m, x: m.nanmin(x, axis=0),
    "nanmax": lambda m, x: m.nanmax(x),
    "nanargmin": lambda m, x: m.nanargmin(x, axis=1),
    "nanargmax": lambda m, x: m.nanargmax(x),
    "nanmean": lambda m, x: m.nanmean(x, axis=0),
    "nanvar": lambda m, x: m.nanvar(x, axis=1, ddof=1),
    "nanstd": lambda m, x: m.nanstd(x),
    "histogram": lambda m, x: m.histogram(x, bins=5),
    "histogram_w": lambda m, x: m.histogram(x, bins=[-4, -1, 0, 2, 4], weights=x * x),
    "histogram_bin_edges": lambda m, x: m.histogram_bin_edges(x, bins=6, range=(-2, 2)),
    "histogram2d": lambda m, x: m.histogram2d(x[0], x[1], bins=3),
    "histogramdd": lambda m, x: m.histogramdd(x[:, :3], bins=(2, 3, 4)),
    "trapz": lambda m, x: getattr(m, TRAPZ)(x, axis=1),
    "trapz_x": lambda m, x: getattr(m, TRAPZ)(x, x=m.arange(7.0) ** 2),
    "gradient": lambda m, x: m.gradient(x),
    "gradient_axis": lambda m, x: m.gradient(x, 0.5, axis=1, edge_order=2),
    "sinc": lambda m, x: m.sinc(x),
    "i0": lambda m, x: m.i0(x),
    "isposinf": lambda m, x: m.isposinf(x / 0.0),
    "isneginf": lambda m, x: m.isneginf(x / 0.0),
    "iscomplex": lambda m, x: m.iscomplex(x),
    "iscomplexobj": lambda m, x: m.iscomplexobj(x),
    "isrealobj": lambda m, x: m.isrealobj(x),
    "cross": lambda m, x: m.cross(x[:, :3], x[:, 3:6]),
    "cross2": lambda m, x: m.cross(x[:, :3], x[:, 5:]),
    "fix": lambda m, x: m.fix(x * 1.3),
    "polyval": lambda m, x: m.polyval(x[0, :3], x),
    "polyadd": lambda m, x: m.polyadd(x[0, :3], x[1]),
    "polysub": lambda m, x: m.polysub(x[0], x[1, :2]),
    "polyder": lambda m, x: m.polyder(x[0], 2),
    "polyint": lambda m, x: m.polyint(x[0], 2, k=[1.0, 2.0]),
    "array_equiv": lambda m, x: m.array_equiv(x, x[:1]),
    "asarray_chkfinite": lambda m, x: m.asarray_chkfinite(x),
    "apply_over_axes": lambda m, x: m.apply_over_axes(m.sum, x, [0, 1]),
    "piecewise": lambda m, x: m.piecewise(x, [x < 0, x > 2], [-1.0, lambda v: v * 2, 7.0]),
    # complex parts: ndarray.real/.imag are views
    "real": lambda m, x: m.real(x * (1 - 2j)),
    "imag": lambda m, x: m.imag(x * (1 - 2j)),
    "imag_of_real": lambda m, x: m.imag(x),
    "angle": lambda m, x: m.angle(x * (1 - 2j), deg=True),
    "isreal": lambda m, x: m.isreal(x + (x > 1) * 1j),
}


@pytest.mark.parametrize("name", list(NATIVE))
def test_native_on_deferred(name):
    fn = NATIVE[name]
    x = A2.copy()
    if name.startswith("nan"):
        x[1, 2] = x[3, 0] = x[0, 6] = np.nan
    lx = deferred(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        got = fn(lnp, lx)
        exp = fn(np, x)
    from conftest import check
    check(got, exp, approx=True)


@pytest.mark.parametrize("name", ["bartlett", "blackman", "hamming", "hanning"])
@pytest.mark.parametrize("m", [0, 1, 6, 70001])
def test_windows(name, m):
    native(lambda mod: getattr(mod, name)(m))


@pytest.mark.parametrize("m", [0, 1, 7, 70001])
def test_kaiser(m):
    native(lambda mod: mod.kaiser(m, 3.5))


@pytest.mark.parametrize("args", [(1, 1000, 70000), (-1, -1e5, 7), (2, 3, 70000, False)])
def test_geomspace_logspace(args):
    native(lambda m: m.geomspace(*args))
    native(lambda m: m.logspace(*args))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_dtypes_axes(dtype, axis, keepdims):
    x = values(dtype, (4, 3, 5))
    for f in (lambda m, v: m.ptp(v, axis=axis, keepdims=keepdims),
              lambda m, v: m.median(v, axis=axis, keepdims=keepdims),
              lambda m, v: m.nansum(v, axis=axis, keepdims=keepdims),
              lambda m, v: m.nanmean(v, axis=axis, keepdims=keepdims),
              lambda m, v: m.nanstd(v, axis=axis, keepdims=keepdims),
              lambda m, v: m.nanmax(v, axis=axis, keepdims=keepdims),
              lambda m, v: m.percentile(v, 40, axis=axis, keepdims=keepdims)):
        native(f, x)


METHODS = ["linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf",
           "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
           "hazen", "weibull", "median_unbiased", "normal_unbiased"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.float64])
def test_quantile_methods(method, dtype):
    x = values(dtype, (6, 9))
    from conftest import check
    for q in (0.0, 0.37, [0.1, 0.5, 1.0]):
        for axis in (None, 1):
            # (midpoint and the discontinuous methods: NumPy's code writes its
            # gamma mask, a NumPy array, by np.copyto where= a deferred
            # condition: a host copy, not a fallback)
            native(lambda m, v: m.quantile(v, q, axis=axis, method=method), x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nan_reductions_with_nans(dtype):
    x = _nan_values(dtype, (4, 6))
    x[2] = np.nan  # an all-NaN row
    from conftest import check
    with quiet():
        for f in (lambda m, v: m.nanmin(v, axis=1), lambda m, v: m.nanmax(v, axis=1),
                  lambda m, v: m.nansum(v, axis=1), lambda m, v: m.nanprod(v, axis=0),
                  lambda m, v: m.nanmean(v, axis=1), lambda m, v: m.nanvar(v, axis=1),
                  lambda m, v: m.nanmin(v, axis=0, keepdims=True)):
            native(f, x)


def test_all_nan_warns_like_numpy():
    x = np.full((3, 4), np.nan)
    for name in ("nanmin", "nanmax", "nanmean"):
        with pytest.warns(RuntimeWarning):
            np.testing.assert_array_equal(np.asarray(getattr(lnp, name)(deferred(x), axis=0)),
                                          getattr(np, name)(x, axis=0))


def test_median_percentile_nan_propagates():
    x = _nan_values(np.float64, (3, 5))
    from conftest import check
    with quiet():
        native(lambda m, v: m.median(v, axis=1), x)
        native(lambda m, v: m.percentile(v, 50, axis=0), x)


@pytest.mark.parametrize("fn", [
    lambda m: m.median(m.ones((0,))),
    lambda m: m.nansum(m.ones((0, 3)), axis=0),
    lambda m: m.ptp(m.ones(()) * 2.5),
    lambda m: m.average(m.ones((3, 4)), axis=1, weights=m.ones(3)),
    lambda m: m.average(m.ones((3,)), weights=m.zeros(3)),
    lambda m: m.quantile(m.ones(5), 1.5),
    lambda m: m.percentile(m.ones(5), -1),
    lambda m: m.quantile(m.ones(5), 0.5, method="nonsense"),
    lambda m: m.median(m.ones((3, 4)), axis=2),
    lambda m: m.histogram(m.ones(5), bins=-1),
    lambda m: m.histogram(m.ones(5), bins=3, range=(2, 1)),
    lambda m: m.asarray_chkfinite(m.array([1.0, np.inf])),
    lambda m: m.cross(m.ones((3, 4)), m.ones((3, 4))),
    lambda m: m.gradient(m.ones(1)),
    lambda m: m.polyder(m.ones(3), -1),
    lambda m: m.nanargmin(m.full(4, np.nan)),
    lambda m: m.fix(m.arange(5.0)),
    lambda m: m.fix(m.ones(3) * -2.5),
    lambda m: m.sinc(m.zeros(())),
    lambda m: m.i0(m.array([0.0, 1.0, 10.0])),
])
def test_edge_cases_and_errors(fn):
    both(fn, approx=True)


@pytest.mark.parametrize("dtype", [np.int16, np.float32, np.complex128])
def test_dtypes_small_and_complex(dtype):
    x = values(dtype, (3, 4))
    both(lambda m, v: m.average(v, axis=0), x, approx=True)
    both(lambda m, v: m.nansum(v, axis=1), x, approx=True)
    both(lambda m, v: m.nanmean(v), x, approx=True)
    both(lambda m, v: m.polyval(v[0], v), x, approx=True)
    both(lambda m, v: m.iscomplex(v), x)
    both(lambda m, v: m.iscomplexobj(v), x)
    both(lambda m, v: m.isrealobj(v), x)
    both(lambda m, v: m.cross(v[:, :3], v[:, 1:]), x, approx=True)


@legate_only
def test_results_are_ours_and_deferred():
    r = lnp.nanmean(deferred(A2), axis=0)
    assert type(r) is lnp.ndarray and r._arr is not None
    h, e = lnp.histogram(deferred(A2), bins=4)
    assert type(h) is lnp.ndarray and type(e) is lnp.ndarray
