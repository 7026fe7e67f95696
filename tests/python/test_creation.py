"""Array creation: zeros/ones/full/empty, *_like, arange, linspace, eye,
identity, meshgrid, array/asarray, copy, astype (all 14x14 dtype pairs),
frombuffer."""

import warnings

import numpy as np
import pytest

from conftest import (
    AGAINST_NUMPY,
    ComplexWarning,
    both,
    check,
    is_lnp_array,
    lnp,
    param_dtypes,
    quiet,
    values,
)

SHAPES = [
    pytest.param((), id="0d"),
    pytest.param((0,), id="empty"),
    pytest.param((7,), id="7"),
    pytest.param((4, 5), id="4x5"),
    pytest.param((2, 3, 4), id="2x3x4"),
]


@pytest.mark.parametrize("dtype", param_dtypes())
@pytest.mark.parametrize("fname", ["zeros", "ones"])
def test_zeros_ones(fname, dtype):
    for shape in [(), (0,), (7,), (4, 5), (2, 3, 4)]:
        both(lambda m: getattr(m, fname)(shape, dtype=dtype))
    both(lambda m: getattr(m, fname)(5, dtype=dtype))  # int shape


@pytest.mark.parametrize("shape", SHAPES)
def test_zeros_ones_default_dtype(shape):
    both(lambda m: m.zeros(shape))
    both(lambda m: m.ones(shape))
    both(lambda m: m.zeros(shape, dtype="int32"))  # dtype as string
    both(lambda m: m.ones(shape, np.float32))  # positional dtype


FILL_VALUES = {
    "int": 7,
    "negint": -3,
    "float": 2.5,
    "complex": 1.5 - 2j,
    "bool": True,
    "np_f32": np.float32(1.25),
    "np_i8": np.int8(-4),
}


@pytest.mark.parametrize("vname", list(FILL_VALUES))
@pytest.mark.parametrize("dtype", param_dtypes() + [pytest.param(None, id="nodtype")])
def test_full(dtype, vname):
    v = FILL_VALUES[vname]
    if dtype is not None and dtype.kind == "u" and vname in ("negint", "np_i8"):
        pytest.skip("negative fill of unsigned: C-level overflow behaviour")
    both(lambda m: m.full((4, 5), v, dtype=dtype))
    both(lambda m: m.full((), v, dtype=dtype))


def test_full_array_fill_value():
    row = np.arange(5, dtype=np.int16)
    both(lambda m, r: m.full((3, 5), r), row)


@pytest.mark.parametrize("dtype", param_dtypes())
def test_empty_shape_dtype(dtype):
    for shape in [(), (0,), (7,), (4, 5), (2, 3, 2, 3, 2)]:
        e = lnp.empty(shape, dtype=dtype)
        assert is_lnp_array(e)
        assert e.shape == shape
        assert e.dtype == dtype
        assert np.asarray(e).shape == shape
    e = lnp.empty(6)
    assert e.shape == (6,) and e.dtype == np.float64


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("bool", "int32", "uint8", "float16", "float64", "complex64")]))
def test_like(dtype):
    a = values(dtype, (4, 5))
    both(lambda m, x: m.zeros_like(x), a)
    both(lambda m, x: m.ones_like(x), a)
    both(lambda m, x: m.full_like(x, 3), a)
    both(lambda m, x: m.full_like(x, 1.75), a)
    both(lambda m, x: m.zeros_like(x, dtype=np.float32), a)
    both(lambda m, x: m.ones_like(x, dtype="int16"), a)
    both(lambda m, x: m.full_like(x[::2, 1:], 2, dtype=np.complex128), a)
    la = lnp.array(a)
    for f in (lnp.empty_like(la), lnp.empty_like(la, dtype=np.int8)):
        assert is_lnp_array(f)
        assert f.shape == a.shape
    assert lnp.empty_like(la).dtype == dtype
    assert lnp.empty_like(la, dtype=np.int8).dtype == np.int8


ARANGE_CASES = {
    "stop": (10,),
    "start_stop": (2, 10),
    "step": (2, 11, 3),
    "neg_start": (-5, 5),
    "neg_step": (10, 0, -2),
    "neg_step_uneven": (10, -3, -3),
    "empty": (5, 2),
    "empty_neg_step": (2, 5, -1),
    "zero": (0,),
    "float_stop": (3.0,),
    "float_step": (0.0, 1.0, 0.1),
    "float_neg_step": (5.0, -5.0, -1.5),
    "float_start": (0.5, 4),
    "float_empty": (1.0, 1.0),
    "large": (0, 200, 1),
}


@pytest.mark.parametrize("case", list(ARANGE_CASES))
def test_arange(case):
    args = ARANGE_CASES[case]
    both(lambda m: m.arange(*args), approx=True)


@pytest.mark.parametrize(
    "dtype", param_dtypes([np.dtype(t) for t in ("int8", "uint8", "int32", "int64", "uint64", "float16", "float32", "float64", "complex128")])
)
def test_arange_dtype(dtype):
    both(lambda m: m.arange(7, dtype=dtype))
    both(lambda m: m.arange(1, 12, 2, dtype=dtype))
    both(lambda m: m.arange(start=2, stop=9, step=3, dtype=dtype))
    if dtype.kind in "fc":
        both(lambda m: m.arange(0, 3, 0.5, dtype=dtype), approx=True)


def test_arange_keywords():
    both(lambda m: m.arange(stop=6))
    both(lambda m: m.arange(3, step=-1))  # empty
    both(lambda m: m.arange(np.int16(5)))


def test_arange_zero_step():
    both(lambda m: m.arange(0, 5, 0))


LINSPACE_CASES = {
    "basic": ((0, 1, 5), {}),
    "no_endpoint": ((0, 1, 5), {"endpoint": False}),
    "num1": ((2, 5, 1), {}),
    "num1_no_endpoint": ((2, 5, 1), {"endpoint": False}),
    "num0": ((0, 1, 0), {}),
    "reverse": ((1, -1, 7), {}),
    "default_num": ((0, 10), {}),
    "int_dtype": ((0, 10, 6), {"dtype": int}),
    "float32": ((-1, 1, 9), {"dtype": np.float32}),
    "complex": ((0, 1 + 2j, 5), {}),
    "same_ends": ((3, 3, 4), {}),
}


@pytest.mark.parametrize("case", list(LINSPACE_CASES))
def test_linspace(case):
    args, kwargs = LINSPACE_CASES[case]
    both(lambda m: m.linspace(*args, **kwargs), approx=True)


def test_linspace_retstep():
    def f(m):
        arr, step = m.linspace(0, 2, 9, retstep=True)
        return arr, float(step)

    both(f, approx=True)


@pytest.mark.parametrize(
    "args,kwargs",
    [
        pytest.param((4,), {}, id="n4"),
        pytest.param((1,), {}, id="n1"),
        pytest.param((0,), {}, id="n0"),
        pytest.param((4, 6), {}, id="4x6"),
        pytest.param((6, 4), {}, id="6x4"),
        pytest.param((5,), {"k": 1}, id="k1"),
        pytest.param((5,), {"k": -2}, id="k-2"),
        pytest.param((4, 7), {"k": 3}, id="4x7k3"),
        pytest.param((7, 4), {"k": -5}, id="7x4k-5"),
        pytest.param((3,), {"k": 5}, id="k_out_of_range"),
        pytest.param((5,), {"dtype": int}, id="int"),
        pytest.param((5,), {"dtype": bool}, id="bool"),
        pytest.param((5,), {"dtype": np.complex64, "k": 1}, id="complex64"),
    ],
)
def test_eye(args, kwargs):
    both(lambda m: m.eye(*args, **kwargs))


@pytest.mark.parametrize("dtype", [None, np.int8, np.float32, bool])
def test_identity(dtype):
    both(lambda m: m.identity(5, dtype=dtype) if dtype else m.identity(5))
    both(lambda m: m.identity(1))


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(indexing):
    x = np.arange(4, dtype=np.float64)
    y = np.linspace(0, 1, 3)
    z = np.array([1, 2], dtype=np.int32)

    def two(m, a, b):
        return list(m.meshgrid(a, b, indexing=indexing))

    def three(m, a, b, c):
        return list(m.meshgrid(a, b, c, indexing=indexing))

    both(two, x, y)
    both(three, x, y, z)


def test_meshgrid_default_is_xy():
    x = np.arange(5)
    y = np.arange(3) * 2.0
    both(lambda m, a, b: list(m.meshgrid(a, b)), x, y)
    got = lnp.meshgrid(lnp.array(x), lnp.array(y))
    assert got[0].shape == (3, 5)


# --------------------------------------------------------------------------
# array / asarray
# --------------------------------------------------------------------------

LISTS = {
    "ints": [1, 2, 3, -4],
    "floats": [1.5, -2.0, 3.25],
    "mixed_int_float": [1, 2.5, 3],
    "bools": [True, False, True],
    "mixed_bool_int": [True, 2, 0],
    "complex": [1 + 2j, 3, -1j],
    "nested": [[1, 2, 3], [4, 5, 6]],
    "nested3": [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]],
    "tuple": (1, 2, 3),
    "list_of_tuples": [(1, 2), (3, 4), (5, 6)],
    "scalar_int": 5,
    "scalar_float": 2.5,
    "scalar_bool": False,
    "scalar_complex": 1j,
    "empty_list": [],
    "empty_nested": [[], []],
    "np_scalars": [np.float32(1.5), np.float32(2.5)],
    "mixed_np_scalars": [np.int8(1), np.float32(2.5)],
    "ragged": [[1, 2], [3]],
    "big_int": [2**63 - 1, 1],
    "huge_int": [2**64 - 1],
}


@pytest.mark.parametrize("name", list(LISTS))
def test_array_from_python(name):
    obj = LISTS[name]
    both(lambda m: m.array(obj))
    both(lambda m: m.asarray(obj))


@pytest.mark.parametrize("dtype", param_dtypes())
def test_array_from_python_with_dtype(dtype):
    both(lambda m: m.array([[1, 0, 2], [3, 1, 0]], dtype=dtype))
    both(lambda m: m.asarray([1.0, 0.0, 2.0], dtype=dtype))


@pytest.mark.parametrize("dtype", param_dtypes())
def test_array_from_numpy(dtype):
    a = values(dtype, (4, 5))
    both(lambda m: m.array(a))
    both(lambda m: m.asarray(a))
    both(lambda m: m.array(a[::-2, 1:4]))  # non-contiguous source
    both(lambda m: m.array(a.T))
    both(lambda m: m.array(a[2, 3]))  # NumPy scalar -> 0-d
    both(lambda m: m.array(np.asfortranarray(a)))


def test_array_from_numpy_is_a_copy():
    a = np.arange(6.0)
    la = lnp.array(a)
    a[0] = 100.0
    check(la, np.arange(6.0))


def test_array_from_legate():
    a = values(np.int32, (4, 5))
    la = lnp.array(a)
    b = lnp.array(la)
    assert b is not la
    check(b, a)
    b[0, 0] = 99  # independent copy
    check(la, a)
    c = lnp.array(la, dtype=np.float32)
    check(c, a.astype(np.float32))
    check(lnp.array(la[1:, ::2]), a[1:, ::2])


def test_asarray_of_legate_is_identity():
    la = lnp.array(values(np.float64, (5,)))
    assert lnp.asarray(la) is la
    assert lnp.asarray(la, dtype=np.float64) is la
    r = lnp.asarray(la, dtype=np.float32)
    check(r, values(np.float64, (5,)).astype(np.float32))


def test_array_of_legate_in_list():
    a = values(np.float64, (3,))
    b = values(np.float64, (3,), seed=1)

    def f(m, x, y):
        return m.array([x, y])

    both(f, a, b)


def test_copy():
    a = values(np.float64, (4, 5))

    def f(m, x):
        y = x.copy()
        z = m.copy(x)
        x[1, 1] = 100.0
        return [x, y, z]

    both(f, a)

    def g(m, x):
        y = x[::-1, 1:].copy()
        x[...] = 0
        return y

    both(g, a)


def test_copy_zero_dim_and_empty():
    both(lambda m, x: x.copy(), np.array(3.5))
    both(lambda m, x: m.copy(x), np.zeros((3, 0), dtype=np.int8))


# --------------------------------------------------------------------------
# astype: every dtype pair
# --------------------------------------------------------------------------


def _astype_source(src, dst):
    if src.kind in "fc" and dst.kind == "u":
        return values(src, (4, 5), "nonneg")  # negative float -> uint is UB in C
    return values(src, (4, 5), "default")


@pytest.mark.parametrize("dst", param_dtypes())
@pytest.mark.parametrize("src", param_dtypes())
def test_astype(src, dst):
    a = _astype_source(src, dst)
    both(lambda m, x: x.astype(dst), a)
    both(lambda m, x: x[::-1, 1::2].astype(dst), a)


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("int8", "uint16", "int64", "float16", "float32", "complex64")]))
def test_astype_special_values(dtype):
    a = np.array([np.nan, np.inf, -np.inf, -0.0, 0.5, -1.5, 2.75, 1e3])
    if dtype.kind in "iu":
        a = np.array([0.5, -0.5, 1.99, -2.99, 100.7, 0.0, 7.0, -0.0])
        if dtype.kind == "u":
            a = np.abs(a)
    both(lambda m, x: x.astype(dtype), a)
    both(lambda m, x: x.astype(dtype).astype(np.float64), a)


def test_astype_is_a_copy():
    a = values(np.int32, (6,))
    la = lnp.array(a)
    b = la.astype(np.int32)
    c = la.astype(np.float64)
    la[0] = 42
    check(b, a)
    check(c, a.astype(np.float64))


def test_astype_complex_to_real_discards_imaginary():
    a = np.array([1 + 2j, -3.5 - 1j, 0.5j])
    with pytest.warns(ComplexWarning):
        a.astype(np.float64)
    with quiet():
        check(lnp.array(a).astype(np.float64), a.real.copy())


def test_astype_string_dtype_names():
    a = values(np.float64, (5,))
    for name in ("float32", "i4", "u1", "?", "c16", "f2", "int", "float", "complex"):
        both(lambda m, x: x.astype(name), a)


# ---------------------------------------------------------------- frombuffer

@pytest.mark.parametrize("dtype", param_dtypes())
def test_frombuffer(dtype):
    buf = values(dtype, (40,), "special").tobytes()
    n = dtype.itemsize
    both(lambda m: m.frombuffer(buf, dtype))
    both(lambda m: m.frombuffer(buf, dtype, 5, n * 3))
    both(lambda m: m.frombuffer(buf, dtype=dtype, offset=n))
    both(lambda m: m.frombuffer(buf, dtype, count=0))
    both(lambda m: m.frombuffer(bytearray(buf), dtype.name, 7))
    both(lambda m: m.frombuffer(memoryview(buf)[n * 2:n * 9], dtype))
    both(lambda m: m.frombuffer(buf[:0], dtype))
    # another dtype's view of the bytes, a large (deferred) result
    both(lambda m: m.frombuffer(buf, np.uint8))
    big = values(dtype, (70000,)).tobytes()
    both(lambda m: m.frombuffer(big, dtype, -1, n))


def test_frombuffer_sources_and_defaults():
    a = np.arange(10, dtype=np.float64)
    both(lambda m: m.frombuffer(a.tobytes()))  # float64 by default
    both(lambda m: m.frombuffer(a.tobytes(), None))
    both(lambda m: m.frombuffer(a.tobytes(), "i4,i4"))  # (a structured dtype: eager)
    # an array as the buffer: a NumPy one, ours (eager or deferred)
    both(lambda m, x: m.frombuffer(x, np.int32), a)
    both(lambda m, x: m.frombuffer(x, np.int64, 3, 8), np.arange(70000.0))
    both(lambda m: m.frombuffer(a.tobytes(), np.int16, like=m.zeros(3)))
    both(lambda m: m.frombuffer(a.tobytes(), np.int16, like=np.zeros(3)))
    if not AGAINST_NUMPY:
        # NumPy's function with our array as `like` dispatches here
        check(np.frombuffer(a.tobytes(), np.int16, like=lnp.zeros(3)),
              np.frombuffer(a.tobytes(), np.int16))


@pytest.mark.parametrize("bad", [
    lambda m: m.frombuffer(b"\x01\x02\x03", np.int16),            # not a multiple
    lambda m: m.frombuffer(b"\x01\x02\x03\x04", np.int16, 3),     # too few bytes
    lambda m: m.frombuffer(b"\x01\x02\x03\x04", np.int16, -1, 5),
    lambda m: m.frombuffer(b"\x01\x02\x03\x04", np.int16, offset=-1),
    lambda m: m.frombuffer(b"\x01\x02\x03\x04", np.int16, 1.0),
    lambda m: m.frombuffer(b"", np.int16, 1),
    lambda m: m.frombuffer(3, np.int16),
    lambda m: m.frombuffer("text", np.int16),
    lambda m: m.frombuffer(b"\x01\x02", "not a dtype"),
    lambda m: m.frombuffer(b"\x01\x02", np.int16, like=3),
])
def test_frombuffer_errors(bad):
    both(bad)


@pytest.mark.parametrize("n", [6, 70000])
def test_frombuffer_read_only_like_numpy(n):
    """Of bytes: read-only (NumPy's is a view of immutable memory; a large
    one of ours a copy, marked read-only); of a bytearray: writable."""
    raw = np.arange(n, dtype=np.float64).tobytes()

    def write(m, buf):
        r = m.frombuffer(buf)
        r[1] = 7.0
        return r

    both(write, raw)  # ValueError
    r = both(write, bytearray(raw))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not lnp.frombuffer(raw).flags.writeable
        assert lnp.frombuffer(bytearray(raw)).flags.writeable
    if not AGAINST_NUMPY:
        assert is_lnp_array(r)


@pytest.mark.skipif(AGAINST_NUMPY, reason="checks legate.numpy's native path")
def test_frombuffer_native():
    from legate.numpy import _runtime, coverage
    assert dict(coverage.report()["numpy"])["frombuffer"]
    saved = set(_runtime._warned)
    _runtime._warned.clear()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=".*falling back to NumPy")
            r = lnp.frombuffer(np.arange(70000, dtype=np.int32).tobytes(), np.int32)
            assert r._arr is not None
            check(r[::7000], np.arange(0, 70000, 7000, dtype=np.int32))
    finally:
        _runtime._warned.update(saved)


@pytest.mark.parametrize("make", [
    # (empty's values are arbitrary: its shape and dtype through zeros_like)
    lambda m, **k: m.zeros_like(m.empty(5, **k)), lambda m, **k: m.zeros(5, **k), lambda m, **k: m.ones(5, **k),
    lambda m, **k: m.full(5, 2.0, **k), lambda m, **k: m.zeros_like(np.ones(3), **k),
    lambda m, **k: m.ones_like(np.ones(3), **k), lambda m, **k: m.zeros_like(m.empty_like(np.ones(3), **k)),
    lambda m, **k: m.full_like(np.ones(3), 7, **k), lambda m, **k: m.arange(4, **k),
    lambda m, **k: m.linspace(0, 1, 5, **k), lambda m, **k: m.eye(3, **k)])
def test_device_keyword(make):
    """NumPy 2's device= ("cpu" or None; anything else ValueError); NumPy 1
    has no such keyword (TypeError)."""
    for dev in (None, "cpu", "cuda"):
        try:
            want = make(np, device=dev)
        except Exception as e:
            with pytest.raises(type(e)):
                make(lnp, device=dev)
            continue
        check(make(lnp, device=dev), want)
