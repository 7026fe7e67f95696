"""Memory order of new deferred arrays (python/legate/numpy/_layout.py):
ufunc results, astype, copies, array/asarray and the *_like and order='F'
creators are laid out as NumPy lays them out ('K': as the operands are,
C winning a conflict; 'F'; 'A'), so strides, contiguity flags and
ownership are NumPy's, and ravel/reshape of a result is a view exactly
where NumPy's is (a write through it reaches the result or not, as in
NumPy)."""

import os

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, lnp

TEST_MODE = os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")
# deferred outside test mode too (the eager threshold is 65536 elements)
SHAPE = (4, 5, 3) if TEST_MODE else (40, 50, 37)


def grid(m):
    return m.arange(int(np.prod(SHAPE)), dtype=np.float64).reshape(SHAPE)


MADE = {
    "x.T + 1": lambda m, x: x.T + 1,
    "exp(x.T)": lambda m, x: m.exp(x.T / 1000),
    "permuted product": lambda m, x: x.transpose(1, 0, 2) * x.transpose(1, 0, 2),
    "swapaxes - 2": lambda m, x: m.swapaxes(x, 0, 2) - 2,
    "conflict: C wins": lambda m, x: x.T + x.T.copy(),
    "with a 1-D operand": lambda m, x: x.T + m.ones(SHAPE[0]),
    "with a broadcast row": lambda m, x: x.T + x.T[:1],
    "reversed rows": lambda m, x: x[::-1].T * 3,
    "strided view": lambda m, x: x[:, ::2].T - 1,
    "comparison": lambda m, x: x.T > 7,
    "ufunc order='C'": lambda m, x: m.add(x.T, 1, order="C"),
    "ufunc order='F'": lambda m, x: m.multiply(x, 2, order="F"),
    "sum over an axis": lambda m, x: x.transpose(2, 1, 0).sum(axis=0),
    "max over an axis": lambda m, x: x.transpose(2, 1, 0).max(axis=1),
    "mean over an axis": lambda m, x: x.transpose(2, 1, 0).mean(axis=0),
    "var over an axis": lambda m, x: x.transpose(2, 1, 0).var(axis=2),
    "any over an axis": lambda m, x: (x.transpose(1, 2, 0) > 3).any(axis=0),
    "add.reduce": lambda m, x: m.add.reduce(x.T, axis=1),
    "astype": lambda m, x: x.T.astype(np.float32),
    "astype order='C'": lambda m, x: x.T.astype(np.int64, order="C"),
    "astype order='F'": lambda m, x: x.astype(np.float32, order="F"),
    "np.copy": lambda m, x: m.copy(x.T),
    "copy()": lambda m, x: x.T.copy(),
    "copy('F')": lambda m, x: x.copy("F"),
    "copy('A') of F": lambda m, x: x.T.copy("A"),
    "copy('A') of C": lambda m, x: x.copy("A"),
    "copy('K') of permuted": lambda m, x: x.transpose(2, 0, 1).copy("K"),
    "array": lambda m, x: m.array(x.T),
    "array order='C'": lambda m, x: m.array(x.T, order="C"),
    "asarray order='C'": lambda m, x: m.asarray(x.T, order="C"),
    "asarray dtype": lambda m, x: m.asarray(x.T, dtype=np.float32),
    "ascontiguousarray": lambda m, x: m.ascontiguousarray(x.T),
    "asfortranarray": lambda m, x: m.asfortranarray(x),
    "require C": lambda m, x: m.require(x.T, requirements="C"),
    "require F": lambda m, x: m.require(x, requirements=["F", "W"]),
    "zeros_like": lambda m, x: m.zeros_like(x.T),
    "ones_like C": lambda m, x: m.ones_like(x.T, order="C"),
    "full_like": lambda m, x: m.full_like(x.transpose(1, 2, 0), 3.5),
    "full_like A": lambda m, x: m.full_like(x.T, 2, order="A"),
    "zeros_like new shape": lambda m, x: m.zeros_like(x.T, shape=SHAPE[::-1] + (2,)),
    "zeros order='F'": lambda m, x: m.zeros(SHAPE, order="F"),
    "ones order='F'": lambda m, x: m.ones(SHAPE, np.int32, order="F"),
    "full order='F'": lambda m, x: m.full(SHAPE, 7, order="F"),
}


def layout(a):
    f = a.flags
    return a.shape, a.strides, f.c_contiguous, f.f_contiguous, f.owndata, a.base is None


@pytest.mark.parametrize("name", list(MADE))
def test_layout_and_views_as_numpy(name):
    fn = MADE[name]
    want = fn(np, grid(np))
    got = fn(lnp, grid(lnp))
    if not AGAINST_NUMPY:
        assert got._arr is not None, "the result is not a deferred array"
    assert layout(got) == layout(want)
    np.testing.assert_array_equal(np.asarray(got), want)
    # ravel and reshape: a view where NumPy's is (a write reaches the array)
    for res in (want, got):
        flat = res.ravel()
        flat[1] = 0
        res.reshape(-1)[2] = 1
    np.testing.assert_array_equal(np.asarray(got), want)


@pytest.mark.parametrize("name", ["empty_like", "empty order='F'"])
def test_empty_layouts(name):
    fn = {"empty_like": lambda m, x: m.empty_like(x.T),
          "empty order='F'": lambda m, x: m.empty(SHAPE, order="F")}[name]
    assert layout(fn(lnp, grid(lnp))) == layout(fn(np, grid(np)))


def test_small_like_of_a_deferred_prototype():
    """A *_like small enough to be NumPy's array keeps NumPy's layout rule."""
    for shape in [(2, 3, 4), (2, 3)]:  # NumPy: the prototype's order where the dims agree
        got, want = lnp.zeros_like(grid(lnp).T, shape=shape), np.zeros_like(grid(np).T, shape=shape)
        assert layout(got) == layout(want)
    got, want = lnp.ones_like(grid(lnp)[:2, :2, :2].T), np.ones_like(grid(np)[:2, :2, :2].T)
    assert layout(got) == layout(want)


def test_results_in_other_orders_compute_as_numpy():
    """F-ordered and permuted results as operands of further work."""
    res = {}
    for name, m in (("numpy", np), ("ours", lnp)):
        x = grid(m)
        f = m.asfortranarray(x[0])
        y = x.T + 1  # F-ordered
        z = (y * 2 - x.T.copy()).sum(axis=1) + f.sum()
        w = m.tensordot(y, x, axes=([0, 1, 2], [2, 1, 0]))
        res[name] = (z, w, y[1:3, ::2].ravel())
    for g, w in zip(res["ours"], res["numpy"]):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-12)


def test_numpy_arrays_keep_their_order():
    """np.array of a NumPy array copies it in its order ('K'): ours too."""
    for a in (np.asfortranarray(grid(np)), grid(np).transpose(2, 0, 1), grid(np)[::-1].T, grid(np)[:, 1:]):
        got, want = lnp.array(a), np.array(a)
        assert layout(got) == layout(want)
        np.testing.assert_array_equal(np.asarray(got), want)
