"""Scans and counting: cumsum, cumprod, nancumsum, nancumprod (functions and
methods), ufunc.accumulate, count_nonzero and bincount against NumPy: all
dtypes, 0-d to 5-D, empty and size-1 arrays, every axis (negative too),
dtype= and out=, views as inputs, NumPy's exceptions.  In test mode
(LEGATE_NUMPY_TEST=1: 3-element tiles) every scan crosses tile boundaries
along its axis, so the carry chain between tiles is exercised everywhere.

Values: cumsum's are multiples of 0.75 and small integers, cumprod's units
and powers of two (conftest.values 'unit'): exact in any order, so results
are compared exactly.  Float scans of arbitrary values differ from NumPy's
sequential accumulation in the last bits: test_float_rounding compares them
within |got - numpy| <= 2 * n * eps * cumsum(|a|) (NumPy's own error bound),
and test_float_error_like_pairwise checks that our error stays within
(64 + 2 log2 n) * eps * cumsum(|a|) (the scan kernel's blocks of 64 and a
pairwise tree of blocks: scan_cpu.c), a bound NumPy's sequential float32
cumsum does not meet."""

import os
import warnings

import numpy as np
import pytest

from conftest import (
    ALL_DTYPES,
    AGAINST_NUMPY,
    AxisError,
    both,
    check,
    deferred,
    is_lnp_array,
    lnp,
    param_dtypes,
    quiet,
    values,
)

TEST_MODE = os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")

SHAPES = [(), (0,), (1,), (7,), (10,), (3, 0, 2), (5, 7), (4, 5, 6), (2, 3, 2, 3, 2)]
SHAPE_IDS = ["x".join(map(str, s)) or "0d" for s in SHAPES]
FUNCS = ["cumsum", "cumprod", "nancumsum", "nancumprod"]


def _data(name, dtype, shape, seed=0):
    kind = "unit" if "prod" in name else "default"
    return values(dtype, shape, kind, seed)


def _axes(ndim):
    return [None] + list(range(-ndim, ndim)) + [ndim]  # the last: AxisError


@pytest.mark.parametrize("dtype", param_dtypes())
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("name", FUNCS)
def test_scan_functions(name, shape, dtype):
    a = _data(name, dtype, shape)
    for ax in _axes(len(shape)):
        both(lambda m, x: getattr(m, name)(x, axis=ax), a)


@pytest.mark.parametrize("dtype", param_dtypes())
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_scan_methods(name, dtype):
    a = _data(name, dtype, (4, 5, 6))
    both(lambda m, x: getattr(x, name)(), a)
    both(lambda m, x: getattr(x, name)(1), a)
    both(lambda m, x: getattr(x, name)(axis=-1), a)
    both(lambda m, x: getattr(x[::-1, 1:, ::2], name)(axis=0), a)


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@pytest.mark.parametrize(
    "dtype_in,dtype_arg",
    [("int8", "float32"), ("bool", "int8"), ("int32", "int16"), ("uint8", "uint8"),
     ("float16", "float64"), ("float64", "complex64"), ("int16", "float64"),
     ("float64", "int64"), ("complex128", "float64"), ("uint16", "int8"),
     ("float32", "float16"), ("int64", "bool")],
)
def test_scan_dtype_argument(name, dtype_in, dtype_arg):
    a = _data(name, np.dtype(dtype_in), (5, 7))
    for ax in (None, 0, 1):
        both(lambda m, x: getattr(m, name)(x, axis=ax, dtype=dtype_arg), a)


def test_accumulation_dtypes():
    """NumPy's accumulation dtypes: bool and small ints in the platform int
    (unsigned: uint), the others in their own dtype."""
    for dt in ALL_DTYPES:
        a = values(dt, (9,), "unit")
        for name in ("cumsum", "cumprod"):
            r = getattr(lnp, name)(lnp.array(a))
            assert r.dtype == getattr(np, name)(a).dtype, (name, dt)


def test_integer_overflow_wraps():
    """Integers are exact: they wrap as NumPy's do, whatever the tiling."""
    a = np.full(50, 100, np.int8)
    both(lambda m, x: m.cumsum(x, dtype=np.int8), a)
    both(lambda m, x: m.cumprod(x, dtype=np.int16), a)
    big = np.array([2**62, 2**62, 2**62, -5, 7] * 9, np.int64)
    both(lambda m, x: m.cumsum(x), big)
    both(lambda m, x: m.cumprod(x), np.arange(1, 40, dtype=np.uint64))


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_scan_views(name):
    a = _data(name, np.float64, (6, 9, 5))
    views = [
        lambda x: x[::2],
        lambda x: x[::-1, 1:, ::-2],
        lambda x: x.transpose(2, 0, 1),
        lambda x: x.T[1:, ::3],
        lambda x: x[:, 4],
        lambda x: x[1:5, 2:8:3, None, 1:],
    ]
    for v in views:
        for ax in (None, 0, -1):
            both(lambda m, x: getattr(m, name)(v(x), axis=ax), a)


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_scan_out(name):
    a = _data(name, np.int32, (5, 7))
    for odt in ("int32", "int64", "float64", "int8", "complex64"):
        for ax, oshape in ((None, (35,)), (0, (5, 7)), (1, (5, 7))):

            def f(m, x):
                out = m.zeros(oshape, odt)
                r = getattr(m, name)(x, axis=ax, out=out)
                assert r is out
                return out

            both(f, a)

    # an out of the wrong shape, a non-array out
    both(lambda m, x: getattr(m, name)(x, axis=0, out=m.zeros((5, 6))), a)
    both(lambda m, x: getattr(m, name)(x, out=m.zeros((5, 7))), a)
    both(lambda m, x: getattr(m, name)(x, out=[0] * 35), a)
    # float data into an int out: accumulated in float, then cast
    f = np.array([1.5, 1.5, 2.25, -0.75] * 3)
    both(lambda m, x: getattr(m, name)(x, out=m.zeros(12, np.int64)), f)
    # float32 data into a float64 out accumulates in float64 (NumPy's rule)
    g = np.array([2.0**25, 1.0, 1.0, 3.0] * 4, np.float32)
    both(lambda m, x: m.cumsum(x, out=m.zeros(16, np.float64)), g)
    # a NumPy out for a deferred input, and a view as out
    h = _data(name, np.float64, (6, 8))

    def into_view(m, x):
        out = m.zeros((6, 16))
        getattr(m, name)(x, axis=1, out=out[:, ::2])
        return out

    both(into_view, h)
    got = np.zeros((6, 8))
    assert getattr(lnp, name)(lnp.array(h), axis=0, out=got) is got
    np.testing.assert_array_equal(got, getattr(np, name)(h, axis=0))


def test_scan_in_place():
    """out= the input itself: the scan reads before it writes."""
    a = values(np.int64, (4, 9))

    def f(m, x):
        m.cumsum(x, axis=1, out=x)
        return x

    both(f, a)

    def g(m, x):
        m.cumsum(x[:, ::-1], axis=1, out=x)
        return x

    both(g, a)


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("float16", "float32", "float64", "complex64", "complex128", "int32", "bool")]))
@pytest.mark.parametrize("name", ["nancumsum", "nancumprod"])
def test_nan_scans(name, dtype):
    a = values(dtype, (6, 5), "special" if "sum" in name else "unit")
    if dtype.kind in "fc" and "prod" in name:
        a = a.copy()
        a.flat[[3, 7, 20]] = np.nan
    for ax in (None, 0, 1, -1):
        both(lambda m, x: getattr(m, name)(x, axis=ax), a)
    both(lambda m, x: getattr(m, name)(x, axis=0, dtype=np.complex128), a)


def test_nan_propagation():
    """cumsum/maximum.accumulate keep NaN and infinities as NumPy."""
    a = values(np.float64, (4, 9), "special")
    for ax in (0, 1):
        both(lambda m, x: m.cumsum(x, axis=ax), a)
        both(lambda m, x: m.maximum.accumulate(x, axis=ax), a)
        both(lambda m, x: m.minimum.accumulate(x, axis=ax), a)


ACC_UFUNCS = ["add", "multiply", "maximum", "minimum", "bitwise_and", "bitwise_or",
              "bitwise_xor", "logical_and", "logical_or"]


@pytest.mark.parametrize("dtype", param_dtypes())
@pytest.mark.parametrize("uf", ACC_UFUNCS)
def test_ufunc_accumulate(uf, dtype):
    a = values(dtype, (4, 5, 6), "unit" if uf == "multiply" else "default")
    for ax in (0, 1, 2, -1, -3, 3):
        both(lambda m, x: getattr(m, uf).accumulate(x, axis=ax), a)
    both(lambda m, x: getattr(m, uf).accumulate(x), a)


def test_ufunc_accumulate_keywords():
    a = values(np.int16, (5, 7))
    both(lambda m, x: m.add.accumulate(x, 1, np.float32), a)
    both(lambda m, x: m.add.accumulate(x, dtype=np.int8), a)
    both(lambda m, x: m.multiply.accumulate(x, axis=0, dtype=np.float64), a)
    both(lambda m, x: m.maximum.accumulate(x[::-1].T), a)

    def with_out(m, x):
        out = m.zeros((5, 7), np.int64)
        r = m.add.accumulate(x, axis=1, out=out)
        assert r is out
        return out

    both(with_out, a)

    def with_out_tuple(m, x):
        out = m.zeros((5, 7), np.float64)
        m.add.accumulate(x, axis=1, out=(out,))
        return out

    both(with_out_tuple, a)


def test_ufunc_accumulate_errors():
    both(lambda m, x: m.add.accumulate(x), np.array(5.0))  # TypeError: 0-d
    both(lambda m, x: m.add.accumulate(x, axis=None), values(np.float64, (3, 4)))
    both(lambda m, x: m.add.accumulate(x, axis=None), values(np.float64, (7,)))
    both(lambda m, x: m.add.accumulate(x, axis=(0, 1)), values(np.float64, (3, 4)))
    both(lambda m, x: m.add.accumulate(x, axis=2), values(np.float64, (3, 4)))
    both(lambda m, x: m.add.accumulate(x, axis=1.5), values(np.float64, (3, 4)))
    both(lambda m, x: m.cumsum(x, axis=1.0), values(np.float64, (3, 4)))
    both(lambda m, x: m.cumsum(x, dtype="not a dtype"), values(np.float64, (3, 4)))
    both(lambda m, x: m.logical_and.accumulate(x, dtype=np.int64), values(np.int64, (6,)))
    both(lambda m, x: m.sin.accumulate(x), values(np.float64, (6,)))  # unary: ValueError


def test_non_associative_accumulate_falls_back():
    """subtract/divide/power accumulate in NumPy's order (fallback)."""
    a = values(np.float64, (5, 6), "nonzero")
    with quiet():
        both(lambda m, x: m.subtract.accumulate(x, axis=1), a)
        both(lambda m, x: m.true_divide.accumulate(x, axis=0), a)


@pytest.mark.skipif(AGAINST_NUMPY, reason="checks legate.numpy's native path")
def test_scans_run_natively():
    x = lnp.array(values(np.float64, (70, 100 if TEST_MODE else 1000)))
    with warnings.catch_warnings():  # status an earlier test left unread is not this one's
        warnings.simplefilter("ignore")
        lnp.synchronize()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for r in (lnp.cumsum(x), lnp.cumprod(x, axis=0), x.cumsum(1), lnp.nancumsum(x),
                  lnp.nancumprod(x, 0), lnp.maximum.accumulate(x), lnp.logical_or.accumulate(x > 0),
                  lnp.bitwise_xor.accumulate(x.astype(np.int32), axis=1),
                  lnp.bincount(lnp.array(np.arange(7000 if TEST_MODE else 70000) % 13))):
            assert is_lnp_array(r)
            assert r._arr is not None  # deferred: ran as tasks


def _big(n):
    """An array large enough for several default tiles (256K elements):
    skipped in test mode, where its 3-element tiles would be too many."""
    if TEST_MODE:
        pytest.skip("default tiles only")
    return n


def test_float_rounding():
    """Floats of any value: within NumPy's own error bound of NumPy."""
    n = _big(600_001)
    rng = np.random.default_rng(5)
    for dt in (np.float32, np.float64):
        a = rng.standard_normal(n).astype(dt)
        got = np.asarray(lnp.cumsum(lnp.array(a)))
        exp = np.cumsum(a)
        bound = 2 * n * np.finfo(dt).eps * np.cumsum(np.abs(a.astype(np.float64)))
        assert got.dtype == exp.dtype
        assert np.all(np.abs(got.astype(np.float64) - exp) <= bound)
    b = rng.standard_normal((700, 900))
    for ax in (0, 1):
        got = np.asarray(lnp.cumsum(lnp.array(b), axis=ax))
        exp = np.cumsum(b, axis=ax)
        m = b.shape[ax]
        assert np.all(np.abs(got - exp) <= 2 * m * np.finfo(float).eps * np.cumsum(np.abs(b), axis=ax))


@pytest.mark.skipif(AGAINST_NUMPY, reason="NumPy's sequential cumsum does not meet the bound")
def test_float_error_like_pairwise():
    n = _big(1 << 20)
    a = np.full(n, 0.1, np.float32)
    exact = np.cumsum(a.astype(np.float64))
    eps = float(np.finfo(np.float32).eps)
    bound = (64 + 2 * np.log2(n)) * eps * exact
    got = np.asarray(lnp.cumsum(lnp.array(a))).astype(np.float64)
    assert np.all(np.abs(got - exact) <= bound)
    # the sequential accumulation is far outside it (so this test can fail)
    assert not np.all(np.abs(np.cumsum(a).astype(np.float64) - exact) <= bound)


def test_large_exact():
    """Integers over default tiles: exact, along every axis."""
    n = _big(700_003)
    a = (np.arange(n, dtype=np.int64) * 7919) % 1001 - 500
    both(lambda m, x: m.cumsum(x), a)
    both(lambda m, x: m.maximum.accumulate(x), a)
    b = a[: 600 * 1000].reshape(600, 1000)
    for ax in (0, 1, -1):
        both(lambda m, x: m.cumsum(x, axis=ax), b)
        both(lambda m, x: m.bitwise_xor.accumulate(x, axis=ax), b)
    both(lambda m, x: m.cumsum(x.T[::-1], axis=1), b)


# ---------------------------------------------------------------- counting
@pytest.mark.parametrize("dtype", param_dtypes())
def test_count_nonzero(dtype):
    a = values(dtype, (4, 5, 6), "default")
    check(lnp.count_nonzero(lnp.array(a)), np.count_nonzero(a))
    for ax in (0, 1, -1, (0, 2), None):
        both(lambda m, x: m.count_nonzero(x, axis=ax), a)
        both(lambda m, x: m.count_nonzero(x, axis=ax, keepdims=True), a)
    both(lambda m, x: m.count_nonzero(x, axis=3), a)
    both(lambda m, x: m.count_nonzero(x), np.zeros((0, 3), dtype))
    both(lambda m, x: m.count_nonzero(x[::-2, :, 1:]), a)


def test_count_nonzero_scalar():
    a = values(np.float64, (300, 301))
    r = lnp.count_nonzero(lnp.array(a))
    exp = np.count_nonzero(a)
    assert type(r) is type(exp) and r == exp
    check(lnp.count_nonzero(lnp.array(5)), np.count_nonzero(np.array(5)))


BINCOUNT_DTYPES = [np.dtype(t) for t in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")]


@pytest.mark.parametrize("dtype", param_dtypes(BINCOUNT_DTYPES))
def test_bincount(dtype):
    x = values(dtype, (37,), "nonneg" if dtype.kind != "b" else "default")
    both(lambda m, v: m.bincount(v), x)
    both(lambda m, v: m.bincount(v, minlength=9), x)
    both(lambda m, v: m.bincount(v, minlength=0), x)
    w = values(np.float64, (37,), "default", seed=1)
    both(lambda m, v, ww: m.bincount(v, ww), x, w)
    both(lambda m, v, ww: m.bincount(v, weights=ww, minlength=12), x, w)
    both(lambda m, v, ww: m.bincount(v, weights=ww), x, w.astype(np.int32))
    both(lambda m, v, ww: m.bincount(v[::-3], weights=ww[::3]), x, w)


def test_bincount_values():
    x = (np.arange(1000, dtype=np.int64) * 37) % 211
    both(lambda m, v: m.bincount(v), x)
    both(lambda m, v: m.bincount(v, weights=v * 0.5), x)
    both(lambda m, v: m.bincount(v[::7], minlength=300), x)
    both(lambda m, v: m.bincount(v), np.zeros(0, np.int64))
    both(lambda m, v: m.bincount(v, minlength=4), np.zeros(0, np.int64))
    both(lambda m, v: m.bincount(v), np.array([0], np.int32))
    both(lambda m, v: m.bincount(v), np.array([5], np.uint8))


def test_bincount_errors():
    both(lambda m, v: m.bincount(v), np.array([1, -1, 3]))            # negative
    both(lambda m, v: m.bincount(v), np.arange(6).reshape(2, 3))      # not 1-D
    both(lambda m, v: m.bincount(v), np.array(3))                     # 0-d
    both(lambda m, v: m.bincount(v), np.array([1.0, 2.0]))            # float: TypeError
    both(lambda m, v: m.bincount(v), np.array([1 + 0j]))
    both(lambda m, v: m.bincount(v, minlength=-1), np.array([1, 2]))
    both(lambda m, v: m.bincount(v, weights=v[:2]), np.array([1, 2, 3]))  # length mismatch
    both(lambda m, v: m.bincount(v, weights=v.reshape(3, 1)), np.array([1, 2, 3]))
    both(lambda m, v: m.bincount(v, minlength=2.5), np.array([1, 2]))
    both(lambda m, v: m.bincount(v), np.array([2**63], np.uint64))


def test_bincount_large():
    n = _big(600_001)
    x = (np.arange(n, dtype=np.int64) * 7919) % 5003
    w = np.cos(np.arange(n) * 0.01)
    both(lambda m, v: m.bincount(v), x)
    both(lambda m, v, ww: m.bincount(v, ww), x, w, approx=True)


def test_scan_fp_errors():
    """NumPy's 'overflow encountered in accumulate': raised under
    errstate(over='raise'), silent under 'ignore'."""
    a = np.full(9, 1e308)

    def raising(m, x, f):
        with m.errstate(over="raise"):
            return np.asarray(getattr(m, f)(x))

    for f in ("cumsum", "cumprod"):
        both(lambda m, x: raising(m, x, f), a)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with lnp.errstate(over="ignore"):
            check(lnp.cumsum(lnp.array(a)), np.array([1e308] + [np.inf] * 8))


@pytest.mark.parametrize("ufunc", ["add", "subtract"])
@pytest.mark.parametrize("n,m", [(10, 100), (1000, 3000)])
@pytest.mark.parametrize("b_kind", ["array", "scalar"])
def test_ufunc_at_scatter_add(ufunc, n, m, b_kind, native):
    """np.add.at / np.subtract.at on a deferred 1-D float64 array: every
    repeated index counted (a weighted bincount), negative indices, NumPy's
    IndexError out of range."""
    rng = np.random.default_rng(n)
    a = rng.standard_normal(n)
    idx = rng.integers(-n, n, m)
    b = rng.standard_normal(m) if b_kind == "array" else 2.5
    want = a.copy()
    getattr(np, ufunc).at(want, idx, b)
    got = deferred(a)
    getattr(lnp, ufunc).at(got, deferred(idx) if m > 100 else idx, b)
    check(got, want, approx=True)


@pytest.mark.parametrize("ufunc", ["add", "subtract", "multiply", "maximum", "minimum", "divide",
                                   "power", "bitwise_or", "negative", "floor_divide"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int8, np.uint16, np.complex128])
@pytest.mark.parametrize("case", ["1d", "2d_tuple", "2d_rows", "view", "mask", "repeats"])
def test_ufunc_at_general(ufunc, dtype, case, native, monkeypatch):
    """ufunc.at natively for any ufunc, dtype and key (was the fallback
    beyond add/subtract of 1-D float64): repeated indices applied one
    after another in order (NumPy's unbuffered semantics, exact), keys
    with slices and masks, a view as the target; NumPy's errors."""
    from conftest import NRANKS
    if NRANKS > 1 and dtype not in (np.float64, np.int8):
        pytest.skip("a sample under several ranks (every host read is a collective)")
    rng = np.random.default_rng(3)
    a = (rng.integers(1, 5, (9, 7)) * (1 if np.dtype(dtype).kind in "iu" else 0.5)).astype(dtype)
    key = {"1d": (rng.integers(-63, 63, 40),), "2d_tuple": (rng.integers(-9, 9, 12), rng.integers(0, 7, 12)),
           "2d_rows": (np.array([0, 3, 3, 8, -1]),), "view": (slice(None), np.array([1, 1, 4])),
           "mask": (rng.integers(0, 2, 9).astype(bool),), "repeats": (np.full(200, 5),)}[case]
    target = a.ravel() if case in ("1d", "repeats") else a
    unary = ufunc == "negative"
    bshape = np.empty(target.shape)[key].shape
    b = None if unary else (rng.integers(1, 3, bshape) * (1 if np.dtype(dtype).kind in "iu" else 0.5)).astype(dtype)
    # 200 occurrences of one position: a fold of the values natively where
    # it is exact; NumPy's (the fallback) where each occurrence rounds (or
    # floors, or overflows) in turn
    fallback = case == "repeats" and (ufunc in ("power", "divide", "floor_divide") or
                                      (ufunc == "multiply" and np.dtype(dtype).kind in "fc"))
    if fallback:
        monkeypatch.undo()
    want = target.copy()
    args = (key if len(key) > 1 else key[0],) + (() if unary else (b,))
    try:
        with np.errstate(all="ignore"):
            getattr(np, ufunc).at(want, *args)
    except Exception as e:  # noqa: BLE001
        monkeypatch.undo()
        with pytest.raises(type(e)):
            getattr(lnp, ufunc).at(deferred(target), *args)
        return
    got = deferred(target)
    if case == "view":
        big = deferred(np.zeros((9, 9), dtype))
        big[:, 1:8] = got
        got = big[:, 1:8]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        if fallback:
            warnings.filterwarnings("ignore", message=".*natively", category=RuntimeWarning)
        getattr(lnp, ufunc).at(got, *((key if len(key) > 1 else key[0],) + (() if unary else (deferred(b),))))
    check(got, want, approx=np.dtype(dtype).kind in "fc")


def _at_pool(dtype):
    """Values for ufunc.at folds: signed zeros, NaN and infinities for
    floats (their ties and NaN rules), small integers."""
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return np.array([True, False])
    if dt.kind in "iu":
        return np.array([0, 1, 2, 3, 6, 12, 5] + ([-1, -6, -4] if dt.kind == "i" else [255, 4, 9]), dt)
    parts = [-0.0, 0.0, -0.0, 0.0, 1.5, -2.0, np.nan, np.inf, -np.inf]
    if dt.kind == "f":
        return np.array(parts, dt)
    return np.array([complex(r, i) for r in parts[2:8] for i in (-0.0, 0.0, 1.0, np.nan)], dt)


@pytest.mark.parametrize("ufunc", ["maximum", "minimum", "fmax", "fmin", "bitwise_or", "bitwise_and",
                                   "bitwise_xor", "logical_or", "logical_xor", "gcd", "negative", "absolute",
                                   "logical_not"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128, np.int8, np.uint16, np.bool_])
def test_ufunc_at_many_repeats_exact(ufunc, dtype, native):
    """More than 64 (_MAX_ROUNDS) occurrences of a position for ufuncs
    whose repetition is exact natively: the values folded per position then
    applied once (selections, bitwise and logical operations, gcd), a unary
    ufunc applied by the parity of the count or once; NumPy's sequential
    result bit for bit (which of -0.0 and 0.0 is kept, NaN), scalar values
    and NumPy's errors."""
    rng = np.random.default_rng(5)
    pool = _at_pool(dtype)
    # position 0 occurs 70 times; ties and NaN first at positions 1-4
    a = rng.choice(pool, 12)
    idx = np.concatenate([np.zeros(70, np.int64), [1, 1, 2, 2, 2, 3, 4, 4], rng.integers(0, 12, 16)])
    b = rng.choice(pool, idx.size)
    if np.dtype(dtype).kind in "fc":
        a[1:5] = np.array([-0.0, 0.0, np.nan, 1.0]).astype(dtype)
        b[70:78] = np.array([0.0, -0.0, -0.0, 0.0, -0.0, 1.0, np.nan, 2.0]).astype(dtype)
    order = rng.permutation(idx.size)
    idx, b = idx[order], b[order]
    unary = getattr(np, ufunc).nin == 1
    for val in [None] if unary else [b, pool[1]]:
        args = (idx,) if unary else (idx, val)
        want = a.copy()
        try:
            with np.errstate(all="ignore"):
                getattr(np, ufunc).at(want, *args)
        except Exception as e:  # noqa: BLE001
            with pytest.raises(type(e)):
                getattr(lnp, ufunc).at(deferred(a), *args)
            return
        got = deferred(a)
        with np.errstate(all="ignore"):
            getattr(lnp, ufunc).at(got, idx, *(() if unary else (deferred(val) if val is b else val,)))
        check(got, want)
        assert np.asarray(got).tobytes() == want.tobytes(), (np.asarray(got), want)


def test_ufunc_at_errors():
    with pytest.raises(IndexError):
        np.add.at(np.zeros(10), [1, 10], 1.0)
    with pytest.raises(IndexError):
        lnp.add.at(deferred(np.zeros(10)), [1, 10], 1.0)


def test_bincount_mixed_eager_deferred(native):
    n = 1000 if TEST_MODE else 100000  # deferred either way
    x = np.arange(n) % 7
    w = np.ones(n)
    check(lnp.bincount(deferred(x), weights=w), np.bincount(x, weights=w), approx=True)
    check(lnp.bincount(x[:10], weights=deferred(w[:10])), np.bincount(x[:10], weights=w[:10]), approx=True)


@pytest.mark.parametrize("ufunc", ["add", "multiply", "maximum", "minimum", "logical_or"])
@pytest.mark.parametrize("dtype", [np.float64, np.int8, np.int64, np.bool_])
@pytest.mark.parametrize("shape,indices,axis", [((10,), [0, 3, 3, 7], 0), ((10,), [4, 1, 2], 0),
                                                ((3, 8), [0, 2, 5], 1), ((6, 4), [1, 5], 0),
                                                ((10,), [0, 12], 0), ((10,), [-1], 0)])
def test_ufunc_reduceat(ufunc, dtype, shape, indices, axis, native):
    """ufunc.reduceat natively (a reduce per segment): NumPy's values,
    dtypes (int8 sums in int64) and IndexError."""
    x = values(dtype, shape)
    if not any(i < 0 or i >= shape[axis] for i in indices):
        both(lambda m, a: getattr(m, ufunc).reduceat(a, indices, axis=axis), x)
        check(getattr(lnp, ufunc).reduceat(deferred(x), indices, axis=axis),
              getattr(np, ufunc).reduceat(x, indices, axis=axis))
    else:
        with pytest.raises(IndexError):
            getattr(np, ufunc).reduceat(x, indices, axis=axis)
        with pytest.raises(IndexError):
            getattr(lnp, ufunc).reduceat(deferred(x), indices, axis=axis)


@pytest.mark.parametrize("ufunc", ["add", "multiply", "maximum", "minimum", "logical_or", "bitwise_and"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int8, np.uint16, np.bool_, np.complex128])
@pytest.mark.parametrize("axis", [0, 1])
def test_ufunc_reduceat_many_segments(ufunc, dtype, axis, native, monkeypatch):
    """More than _REDUCEAT_MAX (256; 8 here, so that test mode's tiny tiles
    stay quick) segments: one native reduce over the segments gathered
    into a block padded with a value that changes no segment (add's -0.0
    keeps a segment of -0.0 negative; maximum's -inf keeps NaN): NumPy's
    values and dtypes, unsorted indices (a segment whose next index is
    not larger is its first element) included."""
    if not AGAINST_NUMPY:
        from legate.numpy import _ufunc
        monkeypatch.setattr(_ufunc, "_REDUCEAT_MAX", 8)
    if np.dtype(dtype).kind == "c" and ufunc in ("maximum", "minimum"):
        pytest.skip("complex extremes: NumPy's reduceat (no padding value)")
    if ufunc == "bitwise_and" and np.dtype(dtype).kind in "fc":
        pytest.skip("no float bitwise_and")
    rng = np.random.default_rng(3)
    n = 60
    x = values(dtype, (n, 3) if axis == 0 else (3, n))
    if np.dtype(dtype).kind == "f":
        x[(slice(0, 4),) if axis == 0 else (slice(None), slice(0, 4))] = -0.0
        x[(5,) if axis == 0 else (slice(None), 5)] = np.nan
    idx = np.concatenate([[0, 1, 2], np.sort(rng.integers(0, n, 25)), rng.integers(0, n, 5)])
    with np.errstate(all="ignore"):
        check(getattr(lnp, ufunc).reduceat(deferred(x), idx, axis=axis),
              getattr(np, ufunc).reduceat(x, idx, axis=axis), approx=np.dtype(dtype).kind in "fc")


def test_ufunc_reduceat_many_segments_one_long():
    """Many segments and one long one: the padded block would be too large,
    so NumPy computes (same values)."""
    x = values(np.float64, (5000,))
    idx = np.concatenate([np.arange(300), [4999]])  # a block of 301 x 4700 > 4 x 5000 and 2^20
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*natively", category=RuntimeWarning)
        check(lnp.add.reduceat(deferred(x), idx), np.add.reduceat(x, idx), approx=True)
    with pytest.raises(IndexError):
        lnp.add.reduceat(deferred(x), np.append(idx, 5000))


@pytest.mark.parametrize("ufunc", ["subtract", "divide", "floor_divide"])
@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.float32])
@pytest.mark.parametrize("shape,indices,axis", [((10,), [0, 3, 3, 7], 0), ((10,), [4, 1, 2], 0),
                                                ((3, 8), [0, 2, 5], 1), ((6, 4), [1, 5], 0)])
def test_ufunc_reduceat_without_identity(ufunc, dtype, shape, indices, axis, native):
    """reduceat of ops without identity: each segment's ordered fold
    (a[i] - a[i+1] - ...) natively."""
    x = values(dtype, shape) + 1
    with np.errstate(all="ignore"):
        check(getattr(lnp, ufunc).reduceat(deferred(x), indices, axis=axis),
              getattr(np, ufunc).reduceat(x, indices, axis=axis), approx=True)


@pytest.mark.parametrize("name", ["add", "subtract"])
def test_add_at_many_repeats_keeps_negative_zero(name, native):
    """add.at/subtract.at beyond 64 repeats sum per position with a bincount,
    which starts from +0.0: where every value is -0.0 the result is NumPy's
    sequential -0.0 (or +0.0 for subtract), zeros' signs included."""
    a = np.array([-0.0, 0.0, -0.0, 1.0, -0.0])
    idx = np.repeat(np.arange(5), 70)
    v = np.full(idx.size, -0.0)
    v[idx == 3] = 1.0
    v[idx == 4] = 0.0
    want = a.copy()
    getattr(np, name).at(want, idx, v)
    got = deferred(a)
    getattr(lnp, name).at(got, idx, v)
    got = np.asarray(got)
    np.testing.assert_array_equal(got, want)
    assert np.array_equal(np.signbit(got), np.signbit(want))
