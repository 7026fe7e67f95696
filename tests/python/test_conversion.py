"""Conversions and attributes: __array__, np.asarray, tolist, item,
float/int/bool/complex, repr/str (equal to NumPy's), len, iteration, shape
ndim size dtype itemsize nbytes strides T, NumPy arrays mixed with legate."""

import warnings

import numpy as np
import pytest

from conftest import (
    NUMPY2,
    check,
    is_lnp_array,
    legate_only,
    lnp,
    param_dtypes,
    quiet,
    values,
)

SHAPES = [(), (0,), (7,), (4, 5), (2, 0, 3), (2, 3, 2, 3, 2)]
SHAPE_IDS = ["0d", "empty", "7", "4x5", "2x0x3", "5d"]


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("dtype", param_dtypes())
def test_asarray_roundtrip(dtype, shape):
    a = values(dtype, shape)
    la = lnp.array(a)
    for conv in (np.asarray(la), np.array(la), la.__array__()):
        assert type(conv) is np.ndarray
        assert conv.dtype == a.dtype and conv.shape == a.shape
        np.testing.assert_array_equal(conv, a)


def test_array_protocol_dtype_and_copy():
    a = values(np.int32, (4, 5))
    la = lnp.array(a)
    f = np.asarray(la, dtype=np.float32)
    assert f.dtype == np.float32
    np.testing.assert_array_equal(f, a.astype(np.float32))
    c = np.array(la, copy=True)
    c[0, 0] = 123  # a copy: the legate array is unchanged
    check(la, a)
    np.testing.assert_array_equal(np.asarray(la[::-1, 1::2]), a[::-1, 1::2])
    np.testing.assert_array_equal(np.asarray(la.T), a.T)


def test_asarray_no_deprecation_warning():
    """NumPy 2 passes copy= to __array__ and warns if it is not accepted."""
    la = lnp.array(values(np.float64, (5,)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        np.asarray(la)
        np.array(la)
        np.array(la, dtype=np.float32)
        if NUMPY2:
            np.asarray(la, copy=True)


def test_numpy_sees_writes():
    """np.asarray after a write returns the new values (no stale cache)."""
    a = np.arange(10.0)
    la = lnp.array(a)
    la[3:6] = -1.0
    a[3:6] = -1.0
    np.testing.assert_array_equal(np.asarray(la), a)
    la += 1
    a += 1
    np.testing.assert_array_equal(np.asarray(la), a)


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("dtype", param_dtypes())
def test_tolist(dtype, shape):
    a = values(dtype, shape)
    got = lnp.array(a).tolist()
    exp = a.tolist()
    assert got == exp

    def types(x):
        return [types(e) for e in x] if isinstance(x, list) else type(x)

    assert types(got) == types(exp)


@pytest.mark.parametrize("dtype", param_dtypes())
def test_item(dtype):
    a = values(dtype, (3, 4))
    la = lnp.array(a)
    for args in [(), (5,), (-1,), ((2, 3),), (1, 2)]:
        if args == ():
            got, exp = la[1:2, 2:3].item(), a[1:2, 2:3].item()
        else:
            got, exp = la.item(*args), a.item(*args)
        assert type(got) is type(exp)
        assert got == exp
    with pytest.raises(ValueError):
        la.item()  # size > 1
    with pytest.raises(IndexError):
        la.item(12)


@pytest.mark.parametrize("dtype", param_dtypes())
def test_python_scalar_conversion(dtype):
    with quiet():
        for v in values(dtype, (5,)):
            x = np.array(v)
            lx = lnp.array(x)
            for conv in (float, int, bool, complex):
                try:
                    exp = conv(x)
                except Exception as e:  # noqa: BLE001
                    with pytest.raises(type(e)):
                        conv(lx)
                    continue
                got = conv(lx)
                assert type(got) is type(exp)
                assert got == exp or (got != got and exp != exp)


def test_truth_value():
    assert bool(lnp.array([0.0])) is False
    assert bool(lnp.array([[3]])) is True
    assert bool(lnp.array(0)) is False
    with pytest.raises(ValueError):
        bool(lnp.array([1, 2]))
    with pytest.raises(ValueError):
        if lnp.ones(3) > 0:
            pass


def test_index_protocol():
    import operator

    assert operator.index(lnp.array(3)) == 3
    assert [10, 20, 30, 40][lnp.array(2, dtype=np.int8)] == 30
    with pytest.raises(TypeError):
        operator.index(lnp.array(2.0))


REPR_CASES = [
    ((5,), "int64"),
    ((2, 3), "int8"),
    ((7,), "float64"),
    ((2, 2, 2), "float32"),
    ((4,), "bool"),
    ((3,), "complex128"),
    ((2, 2), "complex64"),
    ((5,), "uint8"),
    ((3,), "float16"),
    ((0,), "float64"),
    ((2, 0), "int32"),
    ((), "float64"),
    ((), "int64"),
    ((), "bool"),
    ((1, 1, 1), "uint64"),
]


@pytest.mark.parametrize("shape,dtype", REPR_CASES, ids=[f"{d}-{'x'.join(map(str, s)) or '0d'}" for s, d in REPR_CASES])
def test_repr_str(shape, dtype):
    a = values(dtype, shape, "special" if dtype.startswith("float") else "default")
    la = lnp.array(a)
    assert repr(la) == repr(a)
    assert str(la) == str(a)


def test_repr_summarised_large_array():
    a = np.arange(1500, dtype=np.int32).reshape(30, 50)
    la = lnp.array(a)
    assert repr(la) == repr(a)
    assert str(la) == str(a)
    assert str(la[::-3, 7]) == str(a[::-3, 7])


def test_str_of_views_and_results():
    a = values(np.float64, (4, 5))
    la = lnp.array(a)
    assert str(la.T[1:]) == str(a.T[1:])
    assert str(la + 1) == str(a + 1)
    assert str(la.sum()) == str(a.sum())
    assert str(la.argmax()) == str(a.argmax())
    assert str(la.sum(axis=0)) == str(a.sum(axis=0))


def test_print_options_respected():
    a = np.linspace(0, 1, 7)
    la = lnp.array(a)
    with np.printoptions(precision=3):
        assert str(la) == str(a)
        assert repr(la) == repr(a)


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("int8", "float32", "complex128", "bool")]))
def test_len_and_iteration(dtype):
    a = values(dtype, (4, 5))
    la = lnp.array(a)
    assert len(la) == 4
    assert len(la[0]) == 5
    rows = list(la)
    assert len(rows) == 4
    for r, e in zip(rows, a):
        check(r, e)
    elems = list(la[2])
    assert len(elems) == 5
    for g, e in zip(elems, a[2]):
        check(g, e)
    assert sum(1 for _ in lnp.array(a[:, :0])) == 4
    with pytest.raises(TypeError):
        len(lnp.array(a[0, 0]))
    with pytest.raises(TypeError):
        iter(lnp.array(a[0, 0]))


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("dtype", param_dtypes())
def test_attributes(dtype, shape):
    a = np.zeros(shape, dtype=dtype)
    la = lnp.zeros(shape, dtype=dtype)
    assert la.shape == a.shape and type(la.shape) is tuple
    assert la.ndim == a.ndim
    assert la.size == a.size
    assert la.dtype == a.dtype and isinstance(la.dtype, np.dtype)
    assert la.itemsize == a.itemsize
    assert la.nbytes == a.nbytes
    assert la.strides == a.strides  # C-contiguous fresh array
    assert la.T.shape == a.T.shape
    for attr in ("shape", "ndim", "size", "itemsize", "nbytes"):
        assert type(getattr(la, attr)) is type(getattr(a, attr)), attr


def test_view_attributes():
    a = np.zeros((6, 8), dtype=np.float32)
    la = lnp.zeros((6, 8), dtype=np.float32)
    for key in (np.s_[1:4, ::2], np.s_[::-1], np.s_[None, 2], np.s_[..., 3]):
        v, lv = a[key], la[key]
        assert lv.shape == v.shape and lv.ndim == v.ndim and lv.size == v.size
        assert lv.nbytes == v.nbytes and lv.dtype == v.dtype
    assert la.T.shape == (8, 6)
    assert la.transpose(1, 0).shape == (8, 6)


def test_numpy_plus_legate():
    a = values(np.float64, (4, 5))
    b = values(np.float32, (4, 5), seed=1)
    lb = lnp.array(b)
    for got, exp in (
        (a + lb, a + b),
        (lb + a, b + a),
        (a * lb - 1, a * b - 1),
        (np.add(a, lb), np.add(a, b)),
        (np.maximum(lb, a), np.maximum(b, a)),
        (a[0] + lb, a[0] + b),
        (np.float64(2.0) * lb, np.float64(2.0) * b),
    ):
        check(got, exp)


@legate_only
def test_numpy_ufunc_on_legate_returns_legate():
    lb = lnp.array(values(np.float64, (6,)))
    for r in (np.sin(lb), np.add(lb, 1.0), np.asarray([1.0] * 6) + lb):
        assert is_lnp_array(r)


def test_numpy_functions_accept_legate_arrays():
    """Values only (the type returned by np.* on a legate array is not fixed)."""
    a = values(np.float64, (4, 5))
    la = lnp.array(a)
    np.testing.assert_array_equal(np.asarray(np.sum(la)), np.sum(a))
    np.testing.assert_array_equal(np.asarray(np.concatenate([la, la])), np.concatenate([a, a]))
    np.testing.assert_allclose(np.asarray(np.mean(la, axis=0)), np.mean(a, axis=0), rtol=1e-12)
