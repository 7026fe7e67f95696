"""Views: basic indexing, writes through views, transpose, reshape,
broadcasting, overlapping in-place operations, setitem, stencils."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from conftest import AGAINST_NUMPY, both, check, deferred, lnp, param_dtypes, quiet, values

E = Ellipsis
N = None

# (shape, key) pairs: steps, negative steps, None, Ellipsis, integer indices
INDEX_CASES = {
    "1d-range": ((10,), np.s_[2:8]),
    "1d-step": ((10,), np.s_[::2]),
    "1d-step3-offset": ((10,), np.s_[1:9:3]),
    "1d-reverse": ((10,), np.s_[::-1]),
    "1d-neg-step": ((10,), np.s_[8:2:-2]),
    "1d-neg-start": ((10,), np.s_[-3:]),
    "1d-neg-stop": ((10,), np.s_[:-4]),
    "1d-empty": ((10,), np.s_[5:5]),
    "1d-empty-reverse": ((10,), np.s_[2:5:-1]),
    "1d-beyond": ((10,), np.s_[3:100]),
    "1d-newaxis-first": ((10,), np.s_[None, :]),
    "1d-newaxis-last": ((10,), np.s_[..., None]),
    "1d-int": ((10,), np.s_[3]),
    "1d-negint": ((10,), np.s_[-1]),
    "1d-ellipsis": ((10,), np.s_[...]),
    "1d-empty-tuple": ((10,), ()),
    "2d-rows-cols-step": ((5, 6), np.s_[1:4, ::2]),
    "2d-rev-int": ((5, 6), np.s_[::-1, 1]),
    "2d-row": ((5, 6), np.s_[2]),
    "2d-last-col": ((5, 6), np.s_[:, -1]),
    "2d-newaxes": ((5, 6), np.s_[None, 1:3, None, ::-2]),
    "2d-ellipsis-int": ((5, 6), np.s_[..., 0]),
    "2d-int-ellipsis": ((5, 6), np.s_[1, ...]),
    "2d-corner": ((5, 6), np.s_[-2:, -3:]),
    "2d-both-neg": ((5, 6), np.s_[::-2, ::-3]),
    "2d-scalar": ((5, 6), np.s_[3, 4]),
    "2d-scalar-neg": ((5, 6), np.s_[-1, -6]),
    "3d-mixed": ((3, 4, 5), np.s_[:, ::2, 1:]),
    "3d-int-ellipsis-rev": ((3, 4, 5), np.s_[1, ..., ::-1]),
    "3d-ellipsis-none-int": ((3, 4, 5), np.s_[..., None, 2]),
    "3d-rev-range-negint": ((3, 4, 5), np.s_[::-1, 1:3, -1]),
    "3d-middle-int": ((3, 4, 5), np.s_[:, 2]),
    "4d-step-none": ((3, 2, 4, 3), np.s_[1:, :, ::3, None]),
    "4d-ellipsis-int": ((3, 2, 4, 3), np.s_[..., 1, :]),
    "4d-all-int": ((3, 2, 4, 3), np.s_[2, 1, 3, 0]),
    "5d-rev-last": ((2, 3, 2, 3, 2), np.s_[:, 1:, ..., ::-1]),
    "5d-int-none": ((2, 3, 2, 3, 2), np.s_[1, :, None, 0]),
    "5d-ellipsis-range": ((2, 3, 2, 3, 2), np.s_[..., 1:2, :]),
    "5d-multitile": ((4, 2, 2, 4, 2), np.s_[1:4, :, ::-1, 1:, 0]),
    "5d-multitile-steps": ((4, 2, 2, 4, 2), np.s_[::3, 1, :, ::-2]),
}


@pytest.mark.parametrize("case", list(INDEX_CASES))
def test_getitem(case):
    shape, key = INDEX_CASES[case]
    a = np.arange(np.prod(shape), dtype=np.int64).reshape(shape)
    both(lambda m, x: x[key], a)


@pytest.mark.parametrize("dtype", param_dtypes())
def test_getitem_dtypes(dtype):
    a = values(dtype, (4, 5))
    both(lambda m, x: x[1:, ::-2], a)
    both(lambda m, x: x[2, 3], a)
    both(lambda m, x: x[:, None, 1], a)


def test_chained_views():
    a = np.arange(60.0).reshape(6, 10)
    both(lambda m, x: x[1:][::2][:, 1:][::-1, ::3], a)
    both(lambda m, x: x[::-1][1][2:7][::-1], a)
    both(lambda m, x: x.T[2:, 1:4].T, a)


WRITABLE_CASES = [c for c, (shape, key) in INDEX_CASES.items() if "scalar" not in c and "all-int" not in c and not c.endswith("-int") and not c.endswith("negint")]


@pytest.mark.parametrize("case", WRITABLE_CASES)
def test_write_through_view(case):
    shape, key = INDEX_CASES[case]
    a = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)

    def assign(m, x):
        v = x[key]
        v[...] = -1.0
        return x

    def iadd(m, x):
        v = x[key]
        v += 100.0
        return x

    def view_sees_base(m, x):
        v = x[key]
        x *= 2.0
        return v

    both(assign, a)
    both(iadd, a)
    both(view_sees_base, a)


@pytest.mark.parametrize("src, dst", [(np.float64, np.int64), (np.int64, np.uint64), (np.float32, np.int32),
                                      (np.int16, np.float16), (np.uint8, np.int8), (np.complex128, np.complex128),
                                      (np.int32, np.float32)])
def test_view_as_another_dtype_shares_the_elements(src, dst):
    """ndarray.view(dtype) of the same itemsize is a view: writes both ways
    (before: a copy, and writes through it were lost)."""
    a = np.arange(600).reshape(20, 30).astype(src)

    def values_of(m, x):
        return x.view(dst)

    def write_through(m, x):
        v = x[2:15:3, ::-2].view(dst)
        v[...] = v[::-1]
        v[1, 1] = 3
        return x

    def sees_base(m, x):
        v = x.view(dst)
        x[4] = x[5]
        return v

    both(values_of, a)
    both(write_through, a)
    both(sees_base, a)


def test_write_integer_index_into_base():
    a = np.arange(24.0).reshape(2, 3, 4)

    def f(m, x):
        x[1, 2, 3] = -5
        x[0, 1] = 7.5
        x[-1] = x[0]
        v = x[0]
        v[2, ::-1] = m.arange(4.0)
        return x

    both(f, a)


def test_write_through_view_of_view():
    a = np.arange(40).reshape(5, 8)

    def f(m, x):
        v = x[1:, ::2]
        w = v[::-1, 1:3]
        w[...] = 0
        w += 3
        return x

    both(f, a)


# --------------------------------------------------------------------------
# transpose / reshape
# --------------------------------------------------------------------------


def test_transpose_values():
    a2 = np.arange(20).reshape(4, 5)
    a3 = np.arange(60.0).reshape(3, 4, 5)
    both(lambda m, x: x.T, a2)
    both(lambda m, x: x.T, a3)
    both(lambda m, x: x.transpose(), a3)
    both(lambda m, x: x.transpose(2, 0, 1), a3)
    both(lambda m, x: x.transpose((1, 0, 2)), a3)
    both(lambda m, x: x.transpose((-1, 0, -2)), a3)
    both(lambda m, x: m.transpose(x), a3)
    both(lambda m, x: m.transpose(x, (0, 2, 1)), a3)
    both(lambda m, x: x.T.T, a2)
    both(lambda m, x: x[::-1, 1:].T, a2)
    both(lambda m, x: x.T + x.T * 2, a2)
    both(lambda m, x: x.T @ x, a2.astype(np.float64))
    a1 = np.arange(5)
    both(lambda m, x: x.T, a1)


def test_transpose_5d():
    a = np.arange(2 * 3 * 2 * 3 * 2).reshape(2, 3, 2, 3, 2)
    both(lambda m, x: x.transpose(4, 2, 0, 3, 1), a)
    b = np.arange(4 * 2 * 2 * 4 * 2).reshape(4, 2, 2, 4, 2)
    both(lambda m, x: x.transpose(3, 0, 1, 4, 2) - 1, b)


def test_write_through_transpose():
    a = np.arange(12).reshape(3, 4)

    def f(m, x):
        t = x.T
        t[0] = -1
        t[1:, 2] += 10
        return x

    both(f, a)

    def g(m, x):
        t = x.reshape(3, 2, 2).transpose(2, 0, 1)
        t[1] = 0
        return x

    both(g, a)


RESHAPES = {
    "1d-to-2d": ((12,), (3, 4)),
    "2d-to-2d": ((3, 4), (4, 3)),
    "to-1d": ((3, 4), (12,)),
    "minus1": ((3, 4), (-1,)),
    "minus1-mid": ((2, 3, 4), (2, -1, 3)),
    "minus1-first": ((6, 4), (-1, 8)),
    "add-ones": ((6,), (1, 6, 1)),
    "drop-ones": ((1, 6, 1), (6,)),
    "to-0d": ((1,), ()),
    "from-0d": ((), (1, 1)),
    "empty": ((0, 3), (3, 0)),
    "to-5d": ((72,), (2, 3, 2, 3, 2)),
    "5d-to-2d": ((2, 3, 2, 3, 2), (6, 12)),
    "split-tiles": ((18,), (6, 3)),
    "merge-tiles": ((6, 5), (30,)),
}


@pytest.mark.parametrize("case", list(RESHAPES))
def test_reshape(case):
    src, dst = RESHAPES[case]
    a = np.arange(int(np.prod(src)), dtype=np.int32).reshape(src)
    both(lambda m, x: x.reshape(dst), a)
    both(lambda m, x: m.reshape(x, dst), a)
    if len(dst) > 1:
        both(lambda m, x: x.reshape(*dst), a)


def test_reshape_of_views():
    a = np.arange(48.0).reshape(6, 8)
    both(lambda m, x: x[::2].reshape(-1), a)
    both(lambda m, x: x.T.reshape(4, 12), a)
    both(lambda m, x: x[1:5, ::-3].reshape(3, 4), a)
    both(lambda m, x: x[:, 1].reshape(2, 3), a)


def test_reshape_split_is_a_view():
    """NumPy: reshaping a contiguous array is a view (split of a dimension is
    a view in legate too, docs/design.md)."""
    a = np.arange(12.0)

    def f(m, x):
        r = x.reshape(3, 4)
        r[1, 2] = -1.0
        r[2] += 100.0
        return x

    both(f, a)


def test_ravel_flatten():
    a = np.arange(24).reshape(2, 3, 4)
    both(lambda m, x: x.ravel(), a)
    both(lambda m, x: x.flatten(), a)
    both(lambda m, x: x[:, ::-1].ravel(), a)

    def f(m, x):
        y = x.flatten()
        y[0] = 100  # flatten is always a copy
        return x

    both(f, a)


# --------------------------------------------------------------------------
# broadcasting
# --------------------------------------------------------------------------

BROADCAST = {
    "col-row": ((3, 1), (1, 4)),
    "vec-mat": ((5,), (2, 5)),
    "0d-3d": ((), (2, 3, 4)),
    "3d-0d": ((2, 3, 4), ()),
    "3d-col": ((2, 1, 3), (4, 1)),
    "ones": ((1, 1), (1,)),
    "same": ((4, 5), (4, 5)),
    "empty": ((0, 3), (1, 3)),
    "5d": ((2, 1, 2, 1, 2), (3, 1, 3, 1)),
    "size1-multitile": ((7, 1), (1, 8)),
}


@pytest.mark.parametrize("case", list(BROADCAST))
def test_broadcasting(case):
    sa, sb = BROADCAST[case]
    a = values(np.float64, sa, "default")
    b = values(np.int32, sb, "nonzero", seed=1)
    both(lambda m, x, y: x + y, a, b)
    both(lambda m, x, y: y * x - 1, a, b)
    both(lambda m, x, y: m.maximum(x, y), a, b)
    both(lambda m, x, y: x / y, a, b, approx=True)


def test_broadcast_mismatch_raises():
    both(lambda m, x, y: x + y, np.zeros((3, 2)), np.zeros((4,)))
    both(lambda m, x, y: x * y, np.zeros((2, 3)), np.zeros((3, 2)))


def test_broadcast_to():
    a = np.arange(4.0)
    both(lambda m, x: m.broadcast_to(x, (3, 4)), a)
    both(lambda m, x: m.broadcast_to(x[:, None], (4, 5)) + 1, a)


def test_broadcast_with_deferred_scalar():
    a = values(np.float64, (4, 5))
    both(lambda m, x: x - x.mean(), a, approx=True)
    both(lambda m, x: x / x.max() + x.sum(axis=0), a, approx=True)


# --------------------------------------------------------------------------
# overlapping in-place operations: NumPy's answer (as if through a copy)
# --------------------------------------------------------------------------

OVERLAP = {
    "shift-iadd": lambda m, x: x[1:].__iadd__(x[:-1]),
    "assign-left": lambda m, x: x[:-1].__setitem__(Ellipsis, x[1:]),
    "assign-right": lambda m, x: x[1:].__setitem__(Ellipsis, x[:-1]),
    "reverse": lambda m, x: x[::-1].__setitem__(Ellipsis, x),
    "reverse-slice": lambda m, x: x.__setitem__(slice(None), x[::-1]),
    "iadd-reversed": lambda m, x: x.__iadd__(x[::-1]),
    "shift2": lambda m, x: x[2:8].__setitem__(Ellipsis, x[0:6]),
    "ufunc-out-shift": lambda m, x: m.add(x[:-1], x[1:], out=x[1:]),
    "strided": lambda m, x: x[::2].__setitem__(Ellipsis, x[1::2] * 1 + x[::2]),
}


@pytest.mark.parametrize("case", list(OVERLAP))
def test_overlapping_1d(case):
    a = np.arange(10.0) ** 2

    def f(m, x):
        OVERLAP[case](m, x)
        return x

    both(f, a)


def test_overlapping_2d():
    a = np.arange(30.0).reshape(5, 6)

    def rows(m, x):
        x[1:, :] += x[:-1, :]
        return x

    def cols_reverse(m, x):
        x[:, ::-1] = x
        return x

    def diag_shift(m, x):
        x[1:, 1:] = x[:-1, :-1] * 2
        return x

    def transpose_square(m, x):
        s = x[:5, :5]
        s[...] = s.T
        return x

    def in_place_transpose_add(m, x):
        s = x[:5, 1:]
        s += s.T
        return x

    for f in (rows, cols_reverse, diag_shift, transpose_square, in_place_transpose_add):
        both(f, a)


# --------------------------------------------------------------------------
# setitem
# --------------------------------------------------------------------------


def test_setitem_broadcasting():
    a = np.zeros((4, 6))

    def f(m, x):
        x[1:3] = m.arange(6.0)  # row broadcast
        x[:, 2] = m.array([1.0, 2.0, 3.0, 4.0])  # column
        x[:, 4:5] = m.arange(4.0)[:, None]
        x[3, :] = 7  # scalar
        x[...] = x + 1
        return x

    both(f, a)


def test_setitem_broadcast_mismatch_raises():
    a = np.zeros((4, 6))
    both(lambda m, x: x.__setitem__(slice(1, 3), m.arange(5.0)), a)
    both(lambda m, x: x.__setitem__((slice(None), 0), m.ones(3)), a)


SET_SCALARS = {
    "int": 3,
    "float": 2.75,
    "negfloat": -1.5,
    "bool": True,
    "complex": 1 + 2j,
    "np_f32": np.float32(1.5),
    "np_i8": np.int8(-2),
    "np_bool": np.bool_(False),
}


@pytest.mark.parametrize("sname", list(SET_SCALARS))
@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("bool", "int8", "int32", "uint16", "float16", "float32", "float64", "complex64")]))
def test_setitem_scalar_other_type(dtype, sname):
    s = SET_SCALARS[sname]
    if dtype.kind == "u" and sname in ("negfloat", "np_i8"):
        pytest.skip("negative into unsigned: C-level overflow behaviour")
    a = values(dtype, (4, 5))

    def slice_set(m, x):
        x[1:3, ::2] = s
        return x

    def elem_set(m, x):
        x[2, 3] = s
        return x

    def fill_all(m, x):
        x[...] = s
        return x

    for f in (slice_set, elem_set, fill_all):
        both(f, a)


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("int16", "float32", "complex128", "bool")]))
def test_setitem_array_other_type(dtype):
    a = values(dtype, (4, 5))
    src = values(np.float64, (2, 5), "nonneg")

    def from_legate(m, x, y):
        x[1:3] = y
        return x

    def from_numpy(m, x):
        x[::3, :] = src  # a NumPy array into a legate array
        return x

    both(from_legate, a, src)
    both(from_numpy, a)


def test_setitem_from_deferred_scalar():
    a = np.arange(10.0)

    def f(m, x):
        x[0] = x.sum()
        x[1:3] = x.max()
        x[-1] = x[2]
        return x

    both(f, a)


def test_setitem_python_list():
    a = np.zeros((3, 4), dtype=np.int64)

    def f(m, x):
        x[1] = [1, 2, 3, 4]
        x[:, 0] = [9, 8, 7]
        return x

    both(f, a)


# --------------------------------------------------------------------------
# stencils
# --------------------------------------------------------------------------


def test_stencil_2d():
    u0 = np.arange(56.0).reshape(7, 8) % 5

    def f(m, u):
        for _ in range(3):
            u[1:-1, 1:-1] = u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]
            u *= 0.25
        return u

    both(f, u0, approx=True)


def test_stencil_2d_into_new_array():
    u0 = (np.arange(80.0).reshape(8, 10) * 7) % 11

    def f(m, u):
        v = m.zeros_like(u)
        v[1:-1, 1:-1] = 0.2 * (
            u[1:-1, 1:-1] + u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]
        )
        return v

    both(f, u0, approx=True)


def test_stencil_3d_7point():
    u0 = (np.arange(150.0).reshape(5, 6, 5) * 3) % 7

    def f(m, u):
        for _ in range(2):
            c = u[1:-1, 1:-1, 1:-1]
            u[1:-1, 1:-1, 1:-1] = (
                c * -6.0
                + u[:-2, 1:-1, 1:-1]
                + u[2:, 1:-1, 1:-1]
                + u[1:-1, :-2, 1:-1]
                + u[1:-1, 2:, 1:-1]
                + u[1:-1, 1:-1, :-2]
                + u[1:-1, 1:-1, 2:]
            ) / 6.0
        return u

    both(f, u0, approx=True)


def test_periodic_boundary_columns():
    u0 = (np.arange(42.0).reshape(6, 7) * 5) % 9

    def f(m, u):
        u[1:-1, -1] = u[1:-1, -2] + u[1:-1, 0]
        u[1:-1, 0] = u[1:-1, -1] + u[1:-1, 1]
        u[0, :] = u[-2, :]
        u[-1, :] = u[1, :]
        return u

    both(f, u0)


# --------------------------------------------------------------------------
# property tests
# --------------------------------------------------------------------------

_slice = st.builds(
    slice,
    st.one_of(st.none(), st.integers(-8, 8)),
    st.one_of(st.none(), st.integers(-8, 8)),
    st.one_of(st.none(), st.integers(-3, 3).filter(lambda s: s != 0)),
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(s0=_slice, s1=_slice, s2=_slice)
def test_random_slices_3d(s0, s1, s2):
    a = np.arange(4 * 7 * 5, dtype=np.int32).reshape(4, 7, 5)
    la = lnp.array(a)
    check(la[s0, s1, s2], a[s0, s1, s2])
    # write through the view
    v = la[s0, s1, s2]
    v[...] = -1
    b = a.copy()
    b[s0, s1, s2] = -1
    check(la, b)


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=4),
    mask=st.lists(st.booleans(), min_size=4, max_size=4),
    drop=st.integers(0, 3),
)
def test_random_broadcast(shape, mask, drop):
    sa = tuple(shape)
    sb = tuple(1 if mk else n for n, mk in zip(shape, mask))[min(drop, len(shape) - 1):]
    a = values(np.float32, sa)
    b = values(np.float32, sb, seed=1)
    with quiet():
        check(lnp.array(a) * lnp.array(b) + lnp.array(b), a * b + b)


# (source dtype, view dtype, key taken first): other itemsizes
ITEMSIZE_CASES = [
    (np.float64, np.uint8, np.s_[...]), (np.float64, np.float32, np.s_[3:17, 2:26]),
    (np.uint8, np.float64, np.s_[...]), (np.int16, np.complex128, np.s_[::2, 8:24]),
    (np.complex64, np.int16, np.s_[::-1, 1:]), (np.int32, np.int64, np.s_[5, 4:28]),
    (np.uint8, np.int32, np.s_[2:9, 3:7]), (np.bool_, np.float16, np.s_[...]),
]


@pytest.mark.parametrize("src, dst, key", ITEMSIZE_CASES)
def test_view_as_another_itemsize(src, dst, key):
    """ndarray.view(dtype) of another itemsize on a tiled array: NumPy's
    values and shape; a view (writes reach the array) where the tiles hold
    whole elements of the new dtype, as the default tiling of a C-ordered
    array does, else a copy with the fallback's warning (test mode's
    3-element tiles split the larger elements)."""
    x = (np.arange(24 * 32) * 37 % 251).astype(src).reshape(24, 32)
    a = deferred(x)
    with quiet():
        v = a[key].view(dst)
    copied = not AGAINST_NUMPY and not lnp.shares_memory(v, a)
    e = x[key].view(dst)
    check(v, e)
    if AGAINST_NUMPY:
        return
    if not copied:  # a view: writes both ways
        v[...] = 0
        e[...] = 0
        check(a, x)
        a[...] = 7
        check(v, np.full(x.shape, 7, src)[key].view(dst))
    elif np.dtype(src).itemsize < np.dtype(dst).itemsize:
        pass  # tiles that split a larger element: a copy, as warned
    else:
        raise AssertionError("a view to a smaller itemsize is always whole elements")


@pytest.mark.parametrize("case", ["strided", "transposed", "0-d", "size"])
def test_view_as_another_itemsize_errors(case):
    """NumPy's ValueError: a last axis that is not contiguous, a 0-d array,
    a last axis whose bytes are no whole number of the new elements."""
    x = np.arange(24 * 32, dtype=np.float64).reshape(24, 32)
    make = {"strided": lambda m, a: a[:, ::2], "transposed": lambda m, a: a.T,
            "0-d": lambda m, a: a[3:4, 5].reshape(()), "size": lambda m, a: a[:, :3]}[case]
    dst = np.uint8 if case == "0-d" else np.complex128 if case != "size" else np.dtype("V16")
    if case == "size":
        dst = np.complex128
        x = np.arange(24 * 3, dtype=np.float64).reshape(24, 3)
        make = lambda m, a: a  # noqa: E731
    with pytest.raises(ValueError):
        make(np, x).view(dst)
    with pytest.raises(ValueError):
        make(lnp, deferred(x)).view(dst)


PART_KEYS = [np.s_[...], np.s_[2:9, ::3], np.s_[::-2, 5], np.s_[4, 7, ...], np.s_[:, None, 1:6]]


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("key", PART_KEYS, ids=[str(i) for i in range(len(PART_KEYS))])
@pytest.mark.parametrize("transpose", [False, True])
def test_real_imag_are_views(dtype, key, transpose):
    """.real and .imag of a complex array are views (any strides, transposes,
    0-d elements): reads, writes through them, and the array's writes
    seen through them, as NumPy's."""
    x = (np.arange(12 * 10) * (1 + 2j) - 30j).astype(dtype).reshape(12, 10)
    a = deferred(x)
    if transpose:
        x, a = x.T, a.T
        key = tuple(reversed(key)) if isinstance(key, tuple) and None not in key else key
    xv, av = x[key], a[key]
    check(av.real, xv.real)
    check(av.imag, xv.imag)
    r, i = av.real, av.imag
    r += 1
    xv.real += 1
    check(a, x)
    av.imag = -7.5
    xv.imag = -7.5
    check(a, x)
    a[...] = 3 - 4j
    x[...] = 3 - 4j
    check(r, xv.real)
    check(i, xv.imag)


def test_imag_of_real_array():
    x = np.arange(30.0).reshape(5, 6)
    a = deferred(x)
    check(a.imag, x.imag)
    assert not a.imag.flags.writeable
    with pytest.raises(TypeError):
        a.imag = 1.0
    check(a.real, x.real)
    a.real = 2.0
    x.real = 2.0
    check(a, x)


def test_parts_of_elements_and_sums():
    """A complex element (a NumPy scalar: parts read-only) and a reduction's
    0-d result: their parts read as NumPy's."""
    x = np.arange(60) * (1 + 2j)
    a = deferred(x)
    for got, want in ((a[7], x[7]), (a.sum(), x.sum()), (a[3:9].reshape(2, 3)[1, 2], x[8])):
        check(got.real, want.real)
        check(got.imag, want.imag)
        with pytest.raises(AttributeError):
            got.imag = 1.0
