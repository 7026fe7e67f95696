"""Reductions: sum prod min max mean any all argmin argmax; axis None / int /
negative / tuple, keepdims, dtype=, all dtypes, empty arrays, NaN, ties,
deferred scalars in control flow and conversions."""

import numpy as np
import pytest

from conftest import (
    NRANKS,
    AxisError,
    both,
    check,
    deferred,
    is_lnp_array,
    is_lnp_scalar_like,
    lnp,
    param_dtypes,
    quiet,
    values,
)

SHAPE = (4, 5, 6)  # 2x2x2 tiles in test mode

REDUCTIONS = ["sum", "prod", "min", "max", "mean", "any", "all", "argmin", "argmax"]
AXES = {
    "None": None,
    "0": 0,
    "1": 1,
    "-1": -1,
    "(0,2)": (0, 2),
    "(-1,0,1)": (-1, 0, 1),
}


def _data(name, dtype, shape=SHAPE):
    kind = "unit" if name == "prod" else "default"
    return values(dtype, shape, kind)


def _approx(name, dtype):
    return name in ("sum", "prod", "mean")


@pytest.mark.parametrize("dtype", param_dtypes())
@pytest.mark.parametrize("axis", list(AXES))
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_axis(name, axis, dtype):
    ax = AXES[axis]
    a = _data(name, dtype)
    both(lambda m, x: getattr(m, name)(x, axis=ax), a, approx=_approx(name, dtype))


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("bool", "int8", "uint32", "float16", "float64", "complex64")]))
@pytest.mark.parametrize("axis", ["None", "1", "(0,2)"])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_keepdims(name, axis, dtype):
    ax = AXES[axis]
    a = _data(name, dtype)
    both(lambda m, x: getattr(m, name)(x, axis=ax, keepdims=True), a, approx=_approx(name, dtype))


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("bool", "int16", "uint8", "float32", "complex128")]))
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_method(name, dtype):
    a = _data(name, dtype)
    both(lambda m, x: getattr(x, name)(), a, approx=_approx(name, dtype))
    both(lambda m, x: getattr(x, name)(1), a, approx=_approx(name, dtype))
    both(lambda m, x: getattr(x[::-1, 1:, ::2], name)(axis=0), a, approx=_approx(name, dtype))


@pytest.mark.parametrize(
    "name,dtype_in,dtype_arg",
    [
        ("sum", "int8", "float32"),
        ("sum", "bool", "int8"),
        ("sum", "int32", "int16"),
        ("sum", "uint8", "uint8"),
        ("sum", "float16", "float64"),
        ("sum", "float64", "complex64"),
        ("prod", "int16", "float64"),
        ("prod", "uint8", "int8"),
        ("mean", "float16", "float64"),
        ("mean", "int32", "float32"),
        ("mean", "int8", "complex128"),
    ],
    ids=lambda v: str(v),
)
@pytest.mark.parametrize("axis", ["None", "0", "(0,2)"])
def test_reduction_dtype_arg(name, dtype_in, dtype_arg, axis):
    ax = AXES[axis]
    a = _data(name, np.dtype(dtype_in))
    both(lambda m, x: getattr(m, name)(x, axis=ax, dtype=dtype_arg), a, approx=True)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_out_of_order_views(name):
    a = _data(name, np.dtype(np.float64), (7, 8))
    both(lambda m, x: getattr(m, name)(x.T[::-2, 1:], axis=0), a, approx=True)
    both(lambda m, x: getattr(m, name)(x[None, :, 3], axis=-1), a, approx=True)


# --------------------------------------------------------------------------
# 5-D and 1-D
# --------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(2, 3, 2, 3, 2), (4, 2, 2, 4, 2)], ids=["5d", "5d-multitile"])
@pytest.mark.parametrize("axis", [None, 0, 2, -1, (1, 3), (0, 2, 4)], ids=str)
@pytest.mark.parametrize("name", ["sum", "max", "argmin", "any", "mean"])
def test_reduction_5d(name, axis, shape):
    a = values(np.int32, shape)
    if name == "argmin" and isinstance(axis, tuple):
        axis = 1
    both(lambda m, x: getattr(m, name)(x, axis=axis), a, approx=True)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_1d_long(name):
    a = _data(name, np.dtype(np.float32), (200,))
    both(lambda m, x: getattr(m, name)(x), a, approx=True)
    both(lambda m, x: getattr(m, name)(x, axis=0), a, approx=True)


# --------------------------------------------------------------------------
# empty arrays
# --------------------------------------------------------------------------

EMPTY_SHAPES = {"(0,)": (0,), "(3,0)": (3, 0), "(0,4)": (0, 4)}


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("bool", "uint8", "float64", "complex64")]))
@pytest.mark.parametrize("axis", ["None", "0", "-1"])
@pytest.mark.parametrize("shape", list(EMPTY_SHAPES))
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_empty(name, shape, axis, dtype):
    """sum of empty = 0, prod = 1, any False, all True, mean NaN,
    max/min/argmax/argmin of an empty extent raise ValueError."""
    a = np.zeros(EMPTY_SHAPES[shape], dtype=dtype)
    ax = AXES[axis]
    both(lambda m, x: getattr(m, name)(x, axis=ax), a)


def test_empty_sum_is_zero_and_max_raises():
    e = lnp.zeros((0,))
    check(lnp.sum(e), np.float64(0.0))
    check(lnp.prod(e), np.float64(1.0))
    with pytest.raises(ValueError):
        lnp.max(e)
    with pytest.raises(ValueError):
        lnp.argmax(e)
    with pytest.raises(ValueError):
        e.min()
    # runtime still usable
    check(lnp.sum(lnp.ones(4)), np.float64(4.0))


# --------------------------------------------------------------------------
# NaN and ties
# --------------------------------------------------------------------------

NAN_CASES = {
    "one-nan": [3.0, 1.0, np.nan, 7.0, -2.0, 5.0, 0.0, 4.0],
    "nan-first": [np.nan, 1.0, 2.0, 8.0, 9.0, -1.0, 3.0],
    "nan-last": [1.0, 2.0, 8.0, 9.0, -1.0, 3.0, 4.0, np.nan],
    "two-nans": [1.0, 2.0, 3.0, 4.0, np.nan, 5.0, np.nan, 0.0],
    "inf": [1.0, np.inf, 2.0, -np.inf, 3.0, np.inf, -np.inf],
    "nan-and-inf": [np.inf, -np.inf, 0.0, 1.0, 2.0, np.nan, 3.0],
    "all-nan": [np.nan, np.nan, np.nan, np.nan],
}


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("float16", "float32", "float64")]))
@pytest.mark.parametrize("name", ["max", "min", "argmax", "argmin", "sum", "mean", "any", "all", "prod"])
@pytest.mark.parametrize("case", list(NAN_CASES))
def test_reduction_nan(case, name, dtype):
    a = np.array(NAN_CASES[case], dtype=dtype)
    both(lambda m, x: getattr(m, name)(x), a, approx=True)


@pytest.mark.parametrize("name", ["max", "min", "argmax", "argmin"])
def test_reduction_nan_axis(name):
    a = np.arange(42.0).reshape(6, 7) % 5
    a[1, 3] = np.nan
    a[4, 0] = np.nan
    a[4, 6] = np.nan
    both(lambda m, x: getattr(m, name)(x, axis=0), a)
    both(lambda m, x: getattr(m, name)(x, axis=1), a)
    both(lambda m, x: getattr(m, name)(x), a)


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("complex64", "complex128")]))
@pytest.mark.parametrize("name", ["max", "min", "argmax", "argmin"])
def test_reduction_complex_nan(name, dtype):
    a = np.array([1 + 1j, 2 + 0j, complex(np.nan, 0), 3 - 1j, 2 + 5j, 0j], dtype=dtype)
    both(lambda m, x: getattr(m, name)(x), a)


TIE_CASES = {
    "across-tiles": [1, 5, 2, 5, 5, 0, 5, -1, 5],
    "first-last": [9, 1, 2, 3, 9],
    "all-equal": [4, 4, 4, 4, 4, 4, 4],
    "late-tiles": [0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7],
    "min-ties": [3, -2, 5, -2, 8, -2, -2],
}


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("bool", "int8", "uint64", "float16", "float64", "complex64")]))
@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("case", list(TIE_CASES))
def test_argmax_ties(case, name, dtype):
    with quiet():
        a = np.array(TIE_CASES[case]).astype(dtype)
    both(lambda m, x: getattr(m, name)(x), a)


def test_argmax_ties_2d():
    a = np.array(
        [
            [1, 7, 7, 0, 7, 2, 7],
            [7, 7, 3, 3, 0, 0, 1],
            [0, 0, 0, 0, 0, 0, 0],
            [2, 5, 5, 5, 1, 5, 9],
            [9, 9, 9, 1, 9, 9, 9],
        ],
        dtype=np.int32,
    )
    for name in ("argmax", "argmin"):
        for ax in (None, 0, 1, -1):
            both(lambda m, x: getattr(m, name)(x, axis=ax), a)


def test_argmax_flattened_index_of_view():
    a = np.arange(60).reshape(6, 10) % 13
    both(lambda m, x: m.argmax(x[::-1, 2:7]), a)
    both(lambda m, x: m.argmin(x.T), a)


# --------------------------------------------------------------------------
# deferred scalars
# --------------------------------------------------------------------------


def test_reduction_results_are_scalars():
    a = values(np.float64, (4, 5))
    la = lnp.array(a)
    for name in REDUCTIONS:
        r = getattr(la, name)()
        assert is_lnp_scalar_like(r), (name, type(r))
        assert np.asarray(r).dtype == np.asarray(getattr(a, name)()).dtype
    assert is_lnp_array(la.sum(axis=0))


def test_deferred_scalar_in_if():
    a = values(np.float64, (4, 5))

    def f(m, x):
        s = x.sum()
        out = []
        if s > 3:
            out.append(1)
        else:
            out.append(2)
        if x.max() == 3.75:
            out.append(3)
        if x.min() < -10:
            out.append(4)
        if m.any(x > 3):
            out.append(5)
        if not m.all(x > 0):
            out.append(6)
        return out

    assert f(lnp, lnp.array(a)) == f(np, a)


def test_deferred_scalar_in_while():
    a = values(np.float64, (6, 7), "positive")

    def f(m, x):
        it = 0
        while m.max(x) > 0.01:
            x = x * 0.5
            it += 1
        return it, x

    it_np, x_np = f(np, a)
    it_l, x_l = f(lnp, lnp.array(a))
    assert it_l == it_np
    check(x_l, x_np)


def test_deferred_scalar_conversions():
    a = values(np.float64, (4, 5))
    la = lnp.array(a)
    s, ls = a.sum(), la.sum()
    assert type(float(ls)) is float and float(ls) == pytest.approx(float(s), rel=1e-12)
    assert type(int(ls)) is int and int(ls) == int(s)
    assert type(bool(ls)) is bool and bool(ls) == bool(s)
    assert type(complex(ls)) is complex and complex(ls) == pytest.approx(complex(s))
    assert int(la.argmax()) == int(a.argmax())
    assert bool(la.any()) is bool(a.any())
    assert bool((la * 0).sum()) is False
    assert ls.item() == pytest.approx(s.item()) and type(ls.item()) is float
    assert la.argmax().item() == a.argmax().item()
    assert type(la.argmax().item()) is int
    assert str(la.max()) == str(a.max())
    assert f"{la.mean():.4f}" == f"{a.mean():.4f}"
    assert f"{la.argmin()}" == f"{a.argmin()}"
    assert float(la.sum() * 2 + 1) == pytest.approx(float(s * 2 + 1))
    assert range(10)[la.argmax() % 10] == a.argmax() % 10


def test_deferred_scalar_as_index():
    a = values(np.int64, (9,))
    la = lnp.array(a)
    check(la[la.argmax()], a[a.argmax()])
    check(la[la.argmin()], a[a.argmin()])
    lst = list(range(20))
    assert lst[la.argmax()] == lst[a.argmax()]


def test_deferred_scalar_arithmetic_with_arrays():
    a = values(np.float32, (5, 4))
    b = values(np.int8, (5, 4), seed=1)
    both(lambda m, x: x - x.mean(), a, approx=True)
    both(lambda m, x: (x - x.min()) / (x.max() - x.min()), a, approx=True)
    both(lambda m, x, y: y + x.sum(), a, b, approx=True)
    both(lambda m, x: x.sum() + x.prod() * x.max(), a, approx=True)


def test_deferred_scalar_type_promotion():
    """A reduction result is a NumPy scalar in NumPy: value-based casting in
    NumPy 1 (int8 + int64 scalar -> int8), NEP 50 in NumPy 2 (-> int64)."""
    small = values(np.int8, (7,))
    big = np.arange(4, dtype=np.int64)

    def f(m, x, y):
        return x + y.sum()

    both(f, small, big)

    def g(m, x, y):
        return x * y.max()

    both(g, values(np.float32, (7,)), np.arange(3.0))


def test_chained_deferred_scalars():
    a = values(np.float64, (40,), "positive")

    def f(m, x):
        total = 0.0
        for _ in range(5):
            x = x / x.sum()
            total = total + x.max()
        return float(total), x

    t_np, x_np = f(np, a)
    t_l, x_l = f(lnp, lnp.array(a))
    assert t_l == pytest.approx(t_np, rel=1e-12)
    check(x_l, x_np, approx=True)


def test_bad_axis_raises_axis_error():
    a = lnp.array(values(np.float64, (3, 4)))
    for name in ("sum", "max", "mean", "argmax", "any"):
        with pytest.raises(AxisError):
            getattr(lnp, name)(a, axis=2)
        with pytest.raises(AxisError):
            getattr(a, name)(axis=-3)
    with pytest.raises(ValueError):  # duplicate axis
        lnp.sum(a, axis=(0, 0))


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logaddexp_reduce(dtype, axis):
    """A reduction added by the op table alone (identity -inf, native
    .reduce): values against NumPy's sequential fold, to a tolerance (the
    tiles' partial results are combined in another order)."""
    a = (np.arange(5 * 7, dtype=dtype).reshape(5, 7) % 11) * 0.75 - 4.0
    both(lambda m, x: m.logaddexp.reduce(x, axis=axis), a, approx=True)
    a[2, 3] = np.nan
    both(lambda m, x: m.logaddexp.reduce(x, axis=axis), a, approx=True)


@pytest.mark.parametrize("fn", ["max", "min"])
@pytest.mark.parametrize("dtype", [np.int8, np.float64, np.float32])
@pytest.mark.parametrize("axis,initial", [(None, 5), (-1, 0), (0, -3.0), ((0, 1), 100)])
def test_extremum_with_initial_natively(fn, dtype, axis, initial):
    """max/min with initial= over a nonempty axis: the extremum of the
    reduction and the start value (was the fallback); NaN propagates."""
    x = values(dtype, (6, 9))
    if np.dtype(dtype).kind == "f":
        x[2, 3] = np.nan
    from conftest import deferred
    try:
        want = getattr(x, fn)(axis=axis, initial=initial, keepdims=axis == -1)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            getattr(deferred(x), fn)(axis=axis, initial=initial, keepdims=axis == -1)
        return
    check(getattr(deferred(x), fn)(axis=axis, initial=initial, keepdims=axis == -1), want)


ORDERED = ["subtract", "divide", "floor_divide", "remainder", "fmod", "copysign", "heaviside", "float_power",
           "lcm", "right_shift", "power", "arctan2"]


@pytest.mark.parametrize("ufunc", ORDERED)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.uint8, np.float16, np.complex128])
@pytest.mark.parametrize("shape,axis", [((37,), 0), ((37,), None), ((9, 11), 0), ((9, 11), -1), ((3, 4, 5), 1),
                                        ((1, 5), 0), ((0, 3), 1), ((0, 3), 0), ((), None)])
def test_reduce_without_identity(ufunc, dtype, shape, axis, native, monkeypatch):
    """ufunc.reduce of ops without identity (subtract, divide, ...) natively:
    NumPy's fold from the first element, a[0] - a[1] - a[2] ..., chained
    over the tiles along the axis (was the fallback); NumPy's dtypes and
    errors (no identity on an empty axis, an unsupported loop).  Where
    NumPy's own reduce is not that fold (power and arctan2 of its AVX512
    loops: a[0] ** a[-1]) or we have no kernel, NumPy's result through the
    fallback."""
    from conftest import deferred, NRANKS
    from legate.numpy import _reduction
    if NRANKS > 1 and dtype not in (np.float64, np.int64):
        pytest.skip("a sample under several ranks (every host read is a collective)")
    uf = getattr(np, ufunc)
    x = values(dtype, shape, "unit" if ufunc in ("power", "float_power") else "default", 1)
    if np.dtype(dtype).kind in "fc" and ufunc not in ("power", "float_power"):
        x = x + 1  # nonzero divisors
    try:
        with np.errstate(all="ignore"):
            want = uf.reduce(x, axis=axis)
            res_dt = np.result_type(want)
    except Exception as e:  # noqa: BLE001
        try:
            res_dt = uf.reduce(np.ones(2, dtype)).dtype
        except Exception:  # noqa: BLE001
            res_dt = None
        if res_dt is not None and not _reduction._numpy_folds_in_order(uf, res_dt):
            monkeypatch.undo()
        with pytest.raises(type(e)):
            getattr(lnp, ufunc).reduce(deferred(x), axis=axis)
        return
    if not _reduction._numpy_folds_in_order(uf, res_dt):
        monkeypatch.undo()  # NumPy's own reduce: the fallback is the right path
    with np.errstate(all="ignore"):
        got = getattr(lnp, ufunc).reduce(deferred(x), axis=axis)
    check(got, want, approx=np.dtype(dtype).kind in "fc", rtol=4e-3 if dtype == np.float16 else None)


def test_reduce_without_identity_is_ordered(native):
    """The fold runs in order across tiles: 100 - 1 - 2 - ... is not
    100 - (1 + 2 + ...) reassociated in floats, and divide's chain too."""
    from conftest import deferred
    x = np.concatenate([[1e16], np.ones(40)])
    check(lnp.subtract.reduce(deferred(x)), np.subtract.reduce(x))  # 1e16 - 1 - 1 ... stays 1e16
    y = np.array([2.0 ** 60] + [2.0] * 40)
    check(lnp.divide.reduce(deferred(y)), np.divide.reduce(y))
    z = np.arange(1, 22, dtype=np.int64).reshape(3, 7)
    check(lnp.subtract.reduce(deferred(z), axis=1), np.subtract.reduce(z, axis=1))


MAXMIN_RUNS = [(0.0, -0.0), (-0.0, 0.0), (np.nan, 1.0, -np.nan, 0.0), (3.0, -2.0, 7.5)]


# one tile's runs (NumPy's loop) by default; many tiles in test mode
RUN_LENGTHS = [30, 90] if __import__("os").environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0") \
    else [1000, 8000, 100000]


@pytest.mark.skipif(NRANKS > 1, reason="a tile's fold; NaN across ranks: test_reduction_nan*")
@pytest.mark.parametrize("n", RUN_LENGTHS)
@pytest.mark.parametrize("vals", MAXMIN_RUNS, ids=lambda v: ",".join(map(str, v)))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_min_of_long_runs(dtype, vals, n):
    """A max/min along contiguous runs (NumPy's SIMD fold on CPU workers,
    lanes on ours): NumPy's values, NaN wherever a NaN is.  Which of two
    equal zeros comes out is the fold order's, NumPy's own differs between
    versions and lengths: compared as equal (docs/design.md, "Values NumPy
    leaves open")."""
    rng = np.random.default_rng(n)
    x = rng.choice(np.array(vals, dtype=dtype), n)
    m = x.reshape(10, n // 10)
    for f in ("max", "min"):
        for a, kw in ((x, {}), (m, {"axis": 1}), (m.T, {"axis": 0})):
            got = np.asarray(getattr(deferred(a), f)(**kw))
            want = getattr(a, f)(**kw)
            assert got.dtype == want.dtype and np.array_equal(got, want, equal_nan=True), (f, kw)
    for uf in ("maximum", "minimum", "fmax", "fmin"):
        got = np.asarray(getattr(lnp, uf).reduce(deferred(m), axis=1))
        want = getattr(np, uf).reduce(m, axis=1)
        assert np.array_equal(got, want, equal_nan=True), uf


@pytest.mark.parametrize("dtype", [np.bool_, np.int32, np.float64])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (None, True), (0, False), (1, True), ((0, 2), False)])
def test_count_nonzero_deferred(dtype, axis, keepdims):
    """count_nonzero of a deferred array (a mask counts itself, others
    through != 0): NumPy's values, types and shapes."""
    x = values(np.float64, (4, 5, 6)) if dtype is not np.bool_ else values(np.float64, (4, 5, 6)) > 0
    x = x.astype(dtype)
    x.flat[::3] = 0
    kw = {"axis": axis} if axis is not None else {}
    if keepdims:
        kw["keepdims"] = True
    got, want = lnp.count_nonzero(deferred(x), **kw), np.count_nonzero(x, **kw)
    if axis is None and not keepdims:
        assert type(got) is type(want) and got == want
    else:
        check(got, want)
