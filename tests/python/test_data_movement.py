"""Diagonals, triangles, repetition, splits, joins and rotations (issue 18's
"data movement and shape"): diag diagflat diagonal trace tri tril triu
mask_indices tile repeat resize split array_split hsplit vsplit dsplit
column_stack dstack append rot90 rollaxis indices fromfunction, and the
ndarray methods resize (in place), byteswap, itemset (NumPy 1.x), against
NumPy over dtypes, shapes (0-d, empty, size 1, odd, 1-D to 5-D), axes,
keywords and NumPy's exception classes; and, on deferred arrays, without
the NumPy fallback."""

import os
import warnings

import numpy as np
import pytest

from conftest import (AGAINST_NUMPY, NUMPY2, both, check, deferred, lnp, native,  # noqa: F401
                      public_exc, quiet, run_np, values, param_dtypes)

TEST_MODE = os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")


@pytest.fixture
def strict(native, monkeypatch):
    """native, and no fallback warning from any path (ndarray methods warn
    through warn_fallback, not the fallback function)."""
    if AGAINST_NUMPY:
        yield
        return
    from legate.numpy import _runtime
    monkeypatch.setattr(_runtime, "_warned", set())
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*falling back to NumPy", category=RuntimeWarning)
        yield

SHAPES_2D = [(0, 0), (1, 1), (5, 5), (4, 7), (7, 4), (0, 3), (13, 11)]
SHAPES_ND = [(), (0,), (1,), (7,), (3, 5), (2, 3, 4), (2, 1, 3, 2), (2, 2, 1, 3, 2)]


@pytest.mark.parametrize("shape", SHAPES_2D)
@pytest.mark.parametrize("k", [-5, -1, 0, 1, 3, 20])
def test_diagonal_diag_trace_2d(shape, k, native):
    a = values(np.float64, shape)
    both(lambda m, x: m.diagonal(x, k), a)
    both(lambda m, x: x.diagonal(k), a)
    both(lambda m, x: m.diag(x, k), a)
    both(lambda m, x: m.trace(x, k), a)
    both(lambda m, x: x.trace(k), a)


@pytest.mark.parametrize("dtype", param_dtypes())
def test_diag_of_vectors(dtype, native):
    v = values(dtype, (9,))
    for k in (-3, 0, 2):
        both(lambda m, x: m.diag(x, k), v)
    both(lambda m, x: m.diagflat(x.reshape(3, 3), 1), v)
    both(lambda m, x: m.diag(x[:0]), v)


@pytest.mark.parametrize("axes", [(0, 1), (1, 0), (0, 2), (2, 0), (-1, -2), (1, 2)])
@pytest.mark.parametrize("k", [-1, 0, 2])
def test_diagonal_nd(axes, k):
    a = values(np.int64, (3, 4, 5))
    both(lambda m, x: m.diagonal(x, k, *axes), a)
    both(lambda m, x: m.trace(x, k, *axes), a)
    both(lambda m, x: m.trace(x, k, *axes, dtype=np.float32), a)


def test_diagonal_is_read_only_and_a_view():
    a = values(np.float64, (6, 6))
    d = both(lambda m, x: m.diagonal(x), a)
    if not AGAINST_NUMPY:
        assert not d.flags.writeable
        with pytest.raises(ValueError):
            d[0] = 5.0
    # of a contiguous array, a view: later writes show through, as in NumPy
    la = lnp.array(a)
    ld = lnp.diagonal(la, 1)
    la[2, 3] = 99.0
    assert float(ld[2]) == 99.0


@pytest.mark.parametrize("bad", [
    lambda m: m.diagonal(m.array([1, 2, 3])),
    lambda m: m.diagonal(m.ones((3, 3)), 0, 0, 0),
    lambda m: m.diagonal(m.ones((3, 3)), 0, 0, 2),
    lambda m: m.diag(m.ones((2, 2, 2))),
    lambda m: m.trace(m.ones(3)),
    lambda m: m.tile(m.ones(3), (-1,)),
    lambda m: m.repeat(m.ones(3), -1),
    lambda m: m.repeat(m.ones((2, 3)), 2, axis=2),
    lambda m: m.split(m.ones(7), 2),
    lambda m: m.split(m.ones(7), 0),
    lambda m: m.vsplit(m.ones(7), 7),
    lambda m: m.dsplit(m.ones((2, 2)), 2),
    lambda m: m.hsplit(m.ones(()), 1),
    lambda m: m.rot90(m.ones(3)),
    lambda m: m.rot90(m.ones((3, 3)), 1, (0, 0)),
    lambda m: m.rollaxis(m.ones((2, 3)), 3),
    lambda m: m.resize(m.ones(3), (-1, 2)),
])
def test_errors_like_numpy(bad):
    both(lambda m: bad(m))


@pytest.mark.parametrize("shape", SHAPES_2D + [(3, 4, 5), (2, 3, 4, 5)])
@pytest.mark.parametrize("k", [-2, 0, 1])
def test_tril_triu(shape, k, native):
    a = values(np.float32, shape)
    both(lambda m, x: m.tril(x, k), a)
    both(lambda m, x: m.triu(x, k), a)


@pytest.mark.parametrize("dtype", param_dtypes())
def test_tril_triu_dtypes_and_1d(dtype):
    a = values(dtype, (6, 5))
    both(lambda m, x: m.tril(x, -1), a)
    both(lambda m, x: m.triu(x, 2), a)
    both(lambda m, x: m.tril(x[0]), a)


MASK_N = 30 if TEST_MODE else 300  # deferred either way; test mode's tiles are 3 elements


@pytest.mark.parametrize("n", [0, 1, 4, MASK_N])
@pytest.mark.parametrize("k", [-2, 0, 1])
def test_mask_indices(n, k, native):
    """NumPy's code rebound: its (n, n) ones are ours (deferred when large)."""
    both(lambda m: m.mask_indices(n, m.triu, k))
    both(lambda m: m.mask_indices(n, m.tril, k))
    both(lambda m: m.mask_indices(n, np.triu, k))  # NumPy's function on our array
    both(lambda m: m.mask_indices(n, lambda a, kk: m.where(a.T == a, kk + 2, 0)))
    if n == MASK_N and not AGAINST_NUMPY:
        assert lnp.mask_indices(n, lnp.triu, k)[0]._arr is not None


@pytest.mark.parametrize("args", [(3,), (4, 6), (6, 4, 1), (5, 5, -2), (0, 3), (1, 1, 5), (300, 400, 7)])
@pytest.mark.parametrize("dtype", [float, np.int32, bool, np.complex64])
def test_tri(args, dtype):
    both(lambda m: m.tri(*args, dtype=dtype))


@pytest.mark.parametrize("shape", SHAPES_ND)
@pytest.mark.parametrize("reps", [2, (2, 1), (1, 3, 2), (0, 2), (2, 1, 1, 1, 2, 1)])
def test_tile(shape, reps, native):
    both(lambda m, x: m.tile(x, reps), values(np.int16, shape))


@pytest.mark.parametrize("shape", SHAPES_ND)
@pytest.mark.parametrize("n", [0, 1, 3])
def test_repeat_scalar_counts(shape, n, native):
    a = values(np.float64, shape)
    both(lambda m, x: m.repeat(x, n), a)
    for axis in range(-len(shape), len(shape)):
        both(lambda m, x: m.repeat(x, n, axis=axis), a)
        both(lambda m, x: x.repeat([n], axis=axis), a)


def test_repeat_per_element_counts(native):
    a = values(np.int64, (3, 4))
    both(lambda m, x: m.repeat(x, [1, 0, 2], axis=0), a)
    both(lambda m, x: m.repeat(x, [1, 0, 2, 3], axis=1), a)
    both(lambda m, x: m.repeat(x, [0, 0, 0], axis=0), a)
    both(lambda m, x: m.repeat(x, [1, 0, 2], axis=-2), a)
    big = values(np.float32, (301, 5))
    both(lambda m, x: m.repeat(x, m.arange(301) % 4), big)
    both(lambda m, x: x.repeat(m.arange(301) % 3, axis=0), big)
    both(lambda m, x: m.repeat(x, m.array([2, 0, 1, 3, 1]), axis=1), big)


@pytest.mark.parametrize("counts, axis", [([1, 2], 0), ([1, -1, 2], 0), (np.array([1.5, 2, 3]), 0),
                                          ([1, 2, 3], 2)])
def test_repeat_counts_errors(counts, axis):
    a = values(np.int64, (3, 4))
    both(lambda m, x: m.repeat(x, m.asarray(counts) if isinstance(counts, np.ndarray) else counts,
                               axis=axis), a)


@pytest.mark.parametrize("shape", [(7,), (3, 4), (0,), (1,)])
@pytest.mark.parametrize("new", [5, (3, 5), (0,), (2, 0, 3), 30, (4, 4, 4)])
def test_resize(shape, new):
    both(lambda m, x: m.resize(x, new), values(np.complex128, shape))


@pytest.mark.parametrize("shape", [(10,), (9, 4), (4, 9, 2), (0, 3)])
@pytest.mark.parametrize("spec", [1, 2, 3, [2, 5], [0, 0, 3], [-2], [20], [5, 2]])
@pytest.mark.parametrize("axis", [0, -1])
def test_array_split(shape, spec, axis, native):
    a = values(np.uint8, shape)
    both(lambda m, x: m.array_split(x, spec, axis), a)
    both(lambda m, x: m.split(x, spec, axis), a)


def test_splits_are_views():
    la = lnp.array(values(np.float64, (6, 4)))
    parts = lnp.split(la, 3)
    parts[1][0, 0] = -7.0
    assert float(la[2, 0]) == -7.0


@pytest.mark.parametrize("shape", [(6,), (6, 4), (2, 6, 4), (2, 4, 6, 3)])
def test_hsplit_vsplit_dsplit(shape, native):
    a = values(np.int32, shape)
    both(lambda m, x: m.hsplit(x, 2), a)
    both(lambda m, x: m.vsplit(x, 2), a)
    both(lambda m, x: m.dsplit(x, [1, 2]), a)


def test_column_stack_dstack_append(native):
    a = values(np.float64, (5,))
    b = values(np.float64, (5, 3), seed=1)
    c = values(np.float64, (5, 2), seed=2)
    both(lambda m, x, y, z: m.column_stack([x, y, z]), a, b, c)
    both(lambda m, x, y: m.dstack([x, x, y[:, 0]]), a, b)
    both(lambda m, x, y: m.dstack([y, y]), a, b)
    both(lambda m, x, y: m.append(x, y), a, b)
    both(lambda m, x, y, z: m.append(y, z, axis=1), a, b, c)
    both(lambda m, x, y: m.append(y, x, axis=0), a, b)  # shape mismatch: ValueError


@pytest.mark.parametrize("k", [-3, -1, 0, 1, 2, 3, 5])
@pytest.mark.parametrize("axes", [(0, 1), (1, 0), (0, 2), (2, 1), (-1, 0)])
def test_rot90(k, axes, native):
    both(lambda m, x: m.rot90(x, k, axes), values(np.float32, (3, 4, 5)))


@pytest.mark.parametrize("axis,start", [(0, 0), (2, 0), (1, 3), (-1, 1), (3, 2), (0, 4), (-4, -1)])
def test_rollaxis(axis, start, native):
    both(lambda m, x: m.rollaxis(x, axis, start), values(np.int8, (2, 3, 4, 5)))


@pytest.mark.parametrize("dims", [(3,), (2, 3), (4, 1, 2), (0, 3), (300, 300)])
@pytest.mark.parametrize("sparse", [False, True])
def test_indices(dims, sparse):
    both(lambda m: m.indices(dims, sparse=sparse))
    both(lambda m: m.indices(dims, dtype=np.float32, sparse=sparse))


# ---------------------------------------------------------------- ndarray methods

# (eager: NumPy-backed in default mode; deferred: an array owning its store)
METHOD_MODES = (["eager"] if not TEST_MODE else []) + ["deferred"]


def _conv(mode):
    if AGAINST_NUMPY:
        return lambda x: x.copy()
    return lnp.array if mode == "eager" else (lambda x: deferred(x).copy())


def mcmp(fn, x, mode, compare=check):
    """``fn(lnp, converted copy of x)`` against ``fn(np, copy of x)``: the
    result, or NumPy's exception class (then the operand is unchanged)."""
    lx = _conv(mode)(x)
    expected, err = run_np(fn, x.copy())
    if err is not None:
        with quiet():
            with pytest.raises(public_exc(type(err))):
                fn(lnp, lx)
        check(lx, x, err_msg="operand changed by a failed operation")
        return None
    with quiet():
        got = fn(lnp, lx)
    compare(got, expected)
    return got


def _resized(*args, **kwargs):
    """x.resize(*args, **kwargs) in place on x (held by one name, as NumPy's
    refcheck asks); returns (what resize returned, x)."""
    def f(m, x):
        r = x.resize(*args, **kwargs)
        return r, x
    return f


RESIZE_SHAPES = [(), (0,), (1,), (7,), (3, 4), (2, 3, 2)]
RESIZE_ARGS = [(5,), ((3, 5),), (3, 5), ([2, 6],), ((0,),), (0,), ((2, 0, 3),), (30,), ((),),
               ((4, 4, 4),), ((12,),), ((6, 2),), (None,), (), (np.int64(4), 2)]


@pytest.mark.parametrize("mode", METHOD_MODES)
@pytest.mark.parametrize("shape", RESIZE_SHAPES, ids=lambda s: "x".join(map(str, s)) or "0d")
def test_ndarray_resize(shape, mode, strict):
    """In place: the flat (C-order) values kept, cut or zero-filled; the
    same size a new shape of the same data."""
    for dtype in (np.float64, np.int16, np.complex64, np.bool_):
        x = values(dtype, shape, "nonzero")
        for args in RESIZE_ARGS:
            mcmp(_resized(*args), x, mode)
        mcmp(_resized(9, refcheck=False), x, mode)
        mcmp(_resized((2, 5), refcheck=True), x, mode)


@pytest.mark.parametrize("mode", METHOD_MODES)
def test_ndarray_resize_errors_and_views(mode, strict):
    x = values(np.float32, (3, 4))
    for args, kw in [((-1,), {}), ((2, -3), {}), ((2.0,),  {}), (((2, [3]),), {}),
                     (((2, 4), False), {}), ((8,), {"foo": 1}), ((2 ** 40, 2 ** 40), {}),
                     (("a",), {})]:
        mcmp(lambda m, a: a.resize(*args, **kw), x, mode)

    def another_name(m, a):
        b = a  # noqa: F841  (a second reference: NumPy's refcheck refuses)
        a.resize(20)
        return a

    mcmp(another_name, x, mode)

    def another_name_unchecked(m, a):
        b = a  # noqa: F841
        a.resize(20, refcheck=False)
        return a

    mcmp(another_name_unchecked, x, mode)

    def weakly_referenced(m, a):
        import weakref
        w = weakref.ref(a)  # noqa: F841
        a.resize(20)
        return a

    mcmp(weakly_referenced, x, mode)

    def same_size_keeps_views(m, a):
        v = a[1:]
        a.resize(4, 3)  # (the same size: no refcheck)
        a[0, 0] = 100.0
        return a, v

    mcmp(same_size_keeps_views, x, mode)
    # a view: not its own data (another size), not one segment, the same
    # size reinterpreted (in F order for an F-contiguous one)
    mcmp(lambda m, a: a[1:].resize(20), x, mode)
    mcmp(lambda m, a: a[:, ::2].resize(6), x, mode)
    mcmp(lambda m, a: a[:, ::2].resize(2, 3), x, mode)

    def reinterpreted(shape):
        def f(m, a):
            v = a[1:] if shape == (2, 2, 2) else a.T
            v.resize(shape)
            v[-1] = 50.0  # (still a view: writes reach a)
            return v, a
        return f

    for shape in ((4, 3), (12,), (2, 6), (2, 2, 2)):
        mcmp(reinterpreted(shape), x, mode)
    # a read-only array: resized (NumPy leaves growth uninitialised then)
    def read_only(m, a):
        a.flags.writeable = False
        a.resize(2, 2)
        return a, a.flags.writeable

    mcmp(read_only, x, mode)


def _same_bytes(got, exp):
    """check(), and the bytes too (NaN payloads, signs of zeros)."""
    check(got, exp)
    for g, e in zip(got if isinstance(exp, tuple) else (got,),
                    exp if isinstance(exp, tuple) else (exp,)):
        assert np.asarray(g).tobytes() == np.asarray(e).tobytes()


@pytest.mark.parametrize("mode", METHOD_MODES)
@pytest.mark.parametrize("dtype", param_dtypes())
def test_ndarray_byteswap(dtype, mode, request):
    """The bytes of each element (of each part of a complex one) reversed;
    in place on views too.  complex128 (no integer of 16 bytes) takes the
    fallback: the other dtypes must not."""
    if np.dtype(dtype) != np.complex128:
        request.getfixturevalue("strict")
    x = values(dtype, (4, 6), "special")
    if np.dtype(dtype).kind in "iu":
        x[0, :3] = [np.iinfo(dtype).min, np.iinfo(dtype).max, 1]
    mcmp(lambda m, a: a.byteswap(), x, mode, _same_bytes)
    mcmp(lambda m, a: a.byteswap(False), x, mode, _same_bytes)
    mcmp(lambda m, a: a[1:, ::-2].byteswap(), x, mode, _same_bytes)
    mcmp(lambda m, a: a[2, 3].byteswap() if a.ndim else a, x, mode, _same_bytes)
    mcmp(lambda m, a: a[:0].byteswap(), x, mode, _same_bytes)

    def in_place(m, a):
        r = a[1:, ::2].byteswap(True)
        return r, a

    mcmp(in_place, x, mode, _same_bytes)

    def returns_itself(m, a):
        return a.byteswap(inplace=True) is a, a

    mcmp(returns_itself, x, mode)

    def twice(m, a):
        a.byteswap(True)
        return a.byteswap(True)

    mcmp(twice, x, mode, _same_bytes)

    def read_only(m, a):
        a.flags.writeable = False
        return a.byteswap()

    mcmp(read_only, x, mode, _same_bytes)

    def read_only_in_place(m, a):
        a.flags.writeable = False
        return a.byteswap(True)

    mcmp(read_only_in_place, x, mode)  # ValueError
    mcmp(lambda m, a: a.byteswap(foo=1), x, mode)  # TypeError
    mcmp(lambda m, a: a[1, 2].byteswap(True), x, mode)  # a scalar: ValueError
    mcmp(lambda m, a: (a[1, 2].resize(3), a[1, 2]), x, mode)  # a scalar's: nothing


ITEMSET_ARGS = [(4, 100), ((1, 0), 7.9), (-1, 5), (23, -2), (24, 5), (-25, 5), (5,), (), (1, 2, 3),
                ((1,), 3), ([1, 0], 3), (1.0, 3), ((1, 7), 3), ((1, 2, 3), 3), (0, 1 + 2j),
                (0, "x"), (0, "7"), (np.int64(3), np.float32(2.5)), (True, 1), (0, [1])]


@pytest.mark.parametrize("mode", METHOD_MODES)
@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in
                                                ("bool", "int8", "uint32", "float32", "complex128")]))
def test_ndarray_itemset(dtype, mode, strict):
    """NumPy 1.x's itemset (flat index, one index per axis, or none for a
    size-1 array); NumPy 2 has none (AttributeError)."""
    x = values(dtype, (4, 6))
    for args in ITEMSET_ARGS:
        def f(m, a):
            r = a.itemset(*args)
            return r, a
        mcmp(f, x, mode)
    mcmp(lambda m, a: (a[1:2, 3:4].itemset(9), a), x, mode)
    mcmp(lambda m, a: (a[1:, ::2].itemset(5, 9), a), x, mode)

    def read_only(m, a):
        a.flags.writeable = False
        return a.itemset(0, 1)

    mcmp(read_only, x, mode)
    mcmp(lambda m, a: a[1, 2].itemset(0), x, mode)  # a scalar: ValueError
    if NUMPY2:
        mcmp(lambda m, a: a.itemset, x, mode)


def test_fromfunction():
    both(lambda m: m.fromfunction(lambda i, j: i * 10 + j, (4, 5)))
    both(lambda m: m.fromfunction(lambda i, j: i == j, (300, 300), dtype=int))


def test_large_deferred_round_trip():
    """Sizes past the eager threshold (tiles in default mode)."""
    a = values(np.float64, (300, 400))
    both(lambda m, x: m.tril(x, 3), a)
    both(lambda m, x: m.tile(x, (2, 1)), a)
    both(lambda m, x: m.repeat(x, 2, axis=0), a)
    both(lambda m, x: m.trace(x), a)
    both(lambda m, x: m.diag(m.diag(x)), a)
    check(lnp.rot90(lnp.array(a)), np.rot90(a))


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_ndarray_ptp(axis, keepdims, native):
    a = values(np.int32, (5, 7))
    both(lambda m, x: x.ptp(axis=axis, keepdims=keepdims), a)
    both(lambda m, x: x.astype(np.float64).ptp(axis=axis, keepdims=keepdims), a)


def test_ndarray_serialisation(shared_tmp_path, native):
    import pickle
    tmp_path = shared_tmp_path  # under several ranks, the ranks write one file
    a = values(np.float32, (6, 5))
    la = lnp.array(a)
    check(pickle.loads(la.dumps()), a)
    la.dump(str(tmp_path / "a.pkl"))
    with open(tmp_path / "a.pkl", "rb") as f:
        check(pickle.load(f), a)
    la.tofile(str(tmp_path / "a.bin"))
    np.testing.assert_array_equal(np.fromfile(tmp_path / "a.bin", dtype=np.float32).reshape(6, 5), a)
    la.tofile(str(tmp_path / "a.txt"), sep=",")
    np.testing.assert_array_equal(np.fromfile(tmp_path / "a.txt", dtype=np.float32, sep=",").reshape(6, 5), a)
