"""Shapes: 0-d, empty, size-1, odd extents (not multiples of the tile size),
1-D .. 5-D, for element-wise operations and reductions."""

import numpy as np
import pytest

from conftest import both, check, lnp, quiet, values

SHAPES = {
    "0d": (),
    "(0,)": (0,),
    "(3,0)": (3, 0),
    "(0,2,3)": (0, 2, 3),
    "(1,)": (1,),
    "(1,1)": (1, 1),
    "(7,)": (7,),
    "(5,3)": (5, 3),
    "(3,5,7)": (3, 5, 7),
    "(1,4,1)": (1, 4, 1),
    "(2,3,2,3)": (2, 3, 2, 3),
    "(2,3,2,3,2)": (2, 3, 2, 3, 2),
    "(4,2,2,4,2)": (4, 2, 2, 4, 2),
    "(13,)": (13,),
    "(4,4)": (4, 4),
}

ELEMENTWISE = {
    "add": lambda m, x, y: x + y,
    "mul_scalar": lambda m, x, y: x * 2.5,
    "sub_rev": lambda m, x, y: 1 - y,
    "div": lambda m, x, y: x / (m.absolute(y) + 1),
    "sqrt_abs": lambda m, x, y: m.sqrt(m.absolute(x)),
    "exp": lambda m, x, y: m.exp(x),
    "compare": lambda m, x, y: x > y,
    "neg": lambda m, x, y: -x,
    "maximum": lambda m, x, y: m.maximum(x, y),
    "logical": lambda m, x, y: m.logical_and(x > 0, y < 1),
    "chain": lambda m, x, y: (x + y) * (x - y) / 3.0 + m.sin(x),
    "inplace": lambda m, x, y: x.__iadd__(y),
    "int_floordiv": lambda m, x, y: x.astype(np.int32) // 2,
}


@pytest.mark.parametrize("op", list(ELEMENTWISE))
@pytest.mark.parametrize("shape", list(SHAPES))
def test_elementwise_shapes(shape, op):
    s = SHAPES[shape]
    a = values(np.float64, s)
    b = values(np.float64, s, seed=1)
    both(ELEMENTWISE[op], a, b, approx=True)


REDUCE = {
    "sum": lambda m, x: m.sum(x),
    "sum_axis0": lambda m, x: m.sum(x, axis=0),
    "sum_axis-1": lambda m, x: x.sum(axis=-1),
    "prod_axis_last": lambda m, x: x.prod(axis=-1),
    "max": lambda m, x: m.max(x),
    "min_axis0": lambda m, x: x.min(axis=0),
    "mean": lambda m, x: m.mean(x),
    "mean_axis0": lambda m, x: x.mean(axis=0),
    "argmax": lambda m, x: m.argmax(x),
    "argmin_axis-1": lambda m, x: m.argmin(x, axis=-1),
    "any": lambda m, x: m.any(x > 1),
    "all_axis0": lambda m, x: m.all(x < 3, axis=0),
    "sum_keepdims": lambda m, x: x.sum(axis=0, keepdims=True),
    "sum_all_axes": lambda m, x: x.sum(axis=tuple(range(x.ndim))),
}


@pytest.mark.parametrize("op", list(REDUCE))
@pytest.mark.parametrize("shape", list(SHAPES))
def test_reduction_shapes(shape, op):
    s = SHAPES[shape]
    if s == () and ("axis" in op or "keepdims" in op):
        pytest.skip("NumPy quirk: some reductions accept axis=0 on 0-d arrays")
    a = values(np.float64, s)
    # NumPy raises for 0-d with axis=0 (AxisError), for max/argmax of empty
    # (ValueError): the library must raise the same class.
    both(REDUCE[op], a, approx=True)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_creation_and_conversion_shapes(shape):
    s = SHAPES[shape]
    both(lambda m: m.zeros(s, dtype=np.int16))
    both(lambda m: m.full(s, 2.5))
    a = values(np.int32, s)
    both(lambda m, x: x.copy(), a)
    both(lambda m, x: x.astype(np.float32), a)
    la = lnp.array(a)
    assert la.shape == s and la.ndim == len(s) and la.size == a.size
    assert la.tolist() == a.tolist()


def test_zero_dim_arrays():
    x = np.array(2.5)
    y = np.array(4, dtype=np.int16)
    both(lambda m, a, b: a + b, x, y)
    both(lambda m, a, b: m.sqrt(a) * b, x, y, approx=True)
    both(lambda m, a: a[()], x)
    both(lambda m, a: a[...], x)
    both(lambda m, a: a[None], x)
    both(lambda m, a: a.reshape(1, 1), x)
    both(lambda m, a: a.sum(), x)
    both(lambda m, a: a.T, x)

    def setall(m, a):
        a[...] = 7
        a[()] += 1
        return a

    both(setall, x)


def test_size_one_broadcasts_everywhere():
    a = values(np.float32, (1, 1, 1))
    b = values(np.float32, (2, 3, 2, 3, 2), seed=1)
    both(lambda m, x, y: x * y + x, a, b)
    both(lambda m, x, y: (y - x).sum(axis=(1, 3)), a, b, approx=True)


def test_empty_operations():
    e = np.zeros((3, 0))
    both(lambda m, x: x + 1, e)
    both(lambda m, x: x.T @ x, e)
    both(lambda m, x: x @ x.T, e)
    both(lambda m, x: x[1:, :], e)
    both(lambda m, x: x.reshape(0, 5), e)
    both(lambda m, x: x.sum(axis=1), e)
    both(lambda m, x: m.maximum(x, 2.0), e)

    def setitem_empty(m, x):
        x[...] = 5
        x[:, 1:] = 3
        return x

    both(setitem_empty, e)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 31])
def test_tile_boundary_lengths(n):
    """Extents around multiples of the test tile size (3)."""
    a = values(np.int64, (n,))
    b = values(np.int64, (n,), seed=1)
    both(lambda m, x, y: x * y - x, a, b)
    both(lambda m, x: x[1:] - x[:-1], a)
    both(lambda m, x: x[::-1] + x, a)
    both(lambda m, x: x.sum(), a)
    both(lambda m, x: m.argmax(x), a)
    both(lambda m, x: x.reshape(1, n).T[::2], a)
    with quiet():
        c = lnp.array(a)
        c[n // 2:] = 0
        e = a.copy()
        e[n // 2:] = 0
    check(c, e)
