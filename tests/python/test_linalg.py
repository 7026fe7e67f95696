"""dot and matmul: 1-D/2-D combinations, dtypes, non-square shapes, shapes
that are not multiples of the tile size, a multi-tile 70x50 @ 50x30 product,
shape-mismatch errors."""

import operator

import os

import numpy as np
import pytest

from conftest import both, check, deferred, lnp, param_dtypes, values

SHAPE_PAIRS = {
    "vec.vec": ((5,), (5,)),
    "mat.vec": ((4, 5), (5,)),
    "vec.mat": ((4,), (4, 6)),
    "mat.mat": ((4, 5), (5, 7)),
    "row.col": ((1, 5), (5, 1)),
    "col.row": ((5, 1), (1, 5)),
    "tall.wide": ((7, 3), (3, 7)),
    "wide.tall": ((3, 7), (7, 3)),
    "square": ((6, 6), (6, 6)),
    "k1": ((4, 1), (1, 4)),
    "len1": ((1,), (1,)),
    "odd": ((5, 7), (7, 4)),
    "empty_k": ((3, 0), (0, 4)),
    "empty_m": ((0, 3), (3, 4)),
}

DTYPES = [np.dtype(t) for t in ("bool", "int8", "int32", "int64", "uint16", "float16", "float32", "float64", "complex64", "complex128")]


def _operands(da, db, sa, sb):
    a = values(da, sa, "small")
    b = values(db, sb, "small", seed=1)
    return a, b


@pytest.mark.parametrize("dtype", param_dtypes(DTYPES))
@pytest.mark.parametrize("pair", list(SHAPE_PAIRS))
@pytest.mark.parametrize("fname", ["dot", "matmul"])
def test_dot_matmul(fname, pair, dtype):
    sa, sb = SHAPE_PAIRS[pair]
    a, b = _operands(dtype, dtype, sa, sb)
    both(lambda m, x, y: getattr(m, fname)(x, y), a, b, approx=True)


@pytest.mark.parametrize("pair", ["vec.vec", "mat.vec", "vec.mat", "mat.mat", "odd"])
def test_operator_and_method(pair):
    sa, sb = SHAPE_PAIRS[pair]
    a, b = _operands(np.dtype(np.float64), np.dtype(np.float64), sa, sb)
    both(lambda m, x, y: x @ y, a, b, approx=True)
    both(lambda m, x, y: x.dot(y), a, b, approx=True)
    both(lambda m, x, y: operator.matmul(x, y), a, b, approx=True)

    def imatmul(m, x, y):
        if x.ndim == 2 and y.ndim == 2 and y.shape[0] == y.shape[1]:
            x @= y
        return x

    both(imatmul, a, b, approx=True)


@pytest.mark.parametrize(
    "da,db",
    [
        pytest.param(np.dtype(a), np.dtype(b), id=f"{a}-{b}")
        for a, b in [
            ("float32", "float64"),
            ("int32", "float32"),
            ("int64", "complex64"),
            ("bool", "int8"),
            ("int8", "uint8"),
            ("float16", "float32"),
            ("uint64", "int64"),
        ]
    ],
)
def test_mixed_dtypes(da, db):
    a, b = _operands(da, db, (4, 5), (5, 3))
    both(lambda m, x, y: m.dot(x, y), a, b, approx=True)
    both(lambda m, x, y: x @ y, a, b, approx=True)
    both(lambda m, x, y: m.dot(x[0], y), a, b, approx=True)


@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in ("float32", "float64", "complex128")]))
def test_large_multi_tile(dtype):
    """Many tiles in every dimension (70x50 @ 50x30)."""
    rng = np.random.default_rng(1234)
    a = rng.uniform(0.5, 1.5, (70, 50)).astype(dtype)
    b = rng.uniform(0.5, 1.5, (50, 30)).astype(dtype)
    if dtype.kind == "c":
        a = a + 0.25j
        b = b - 0.5j
    both(lambda m, x, y: x @ y, a, b, approx=True)
    both(lambda m, x, y: m.dot(x, y[:, 7]), a, b, approx=True)
    both(lambda m, x, y: m.dot(x[3], y), a, b, approx=True)


def test_large_int():
    a = values(np.int64, (40, 33), "small")
    b = values(np.int64, (33, 29), "small", seed=1)
    both(lambda m, x, y: x @ y, a, b)


def test_views_as_operands():
    a = np.arange(80.0).reshape(8, 10) % 7
    b = np.arange(60.0).reshape(10, 6) % 5
    both(lambda m, x, y: x[1:7:2, ::-1] @ y[::-1, 1:5], a, b, approx=True)
    both(lambda m, x, y: x.T[2:6] @ x[:, 1:4], a, b, approx=True)
    both(lambda m, x, y: m.dot(x[2], x.T), a, b, approx=True)


def test_matmul_result_used_further():
    a = values(np.float64, (6, 5))
    b = values(np.float64, (5, 6), seed=1)
    both(lambda m, x, y: ((x @ y) * 2 + 1).sum(axis=0), a, b, approx=True)
    both(lambda m, x, y: m.dot(x, y) @ x, a, b, approx=True)


def test_dot_with_scalar():
    a = values(np.float64, (3, 4))
    both(lambda m, x: m.dot(x, 2.5), a)
    both(lambda m, x: m.dot(3, x), a)
    both(lambda m, x: m.matmul(x, 2.0), a)  # ValueError in NumPy


def test_batched_matmul():
    a = values(np.float64, (2, 3, 4))
    b = values(np.float64, (4, 5), seed=1)
    c = values(np.float64, (2, 4, 2), seed=2)
    both(lambda m, x, y: x @ y, a, b, approx=True)
    both(lambda m, x, y: m.matmul(x, y), a, c, approx=True)


MISMATCH = {
    "mat.mat": ((4, 5), (4, 5)),
    "mat.vec": ((4, 5), (4,)),
    "vec.mat": ((5,), (4, 5)),
    "vec.vec": ((5,), (4,)),
}


@pytest.mark.parametrize("case", list(MISMATCH))
@pytest.mark.parametrize("fname", ["dot", "matmul", "operator"])
def test_shape_mismatch(fname, case):
    sa, sb = MISMATCH[case]
    a = values(np.float64, sa)
    b = values(np.float64, sb, seed=1)
    if fname == "operator":
        both(lambda m, x, y: x @ y, a, b)
    else:
        both(lambda m, x, y: getattr(m, fname)(x, y), a, b)
    la = lnp.array(a)
    with pytest.raises(ValueError):
        la @ lnp.array(b)
    check(la, a)  # operand unchanged, still usable
    check(la @ la.T, a @ a.T)


STACKED = [((3, 4, 5), (5, 6)), ((3, 4, 5), (3, 5, 6)), ((2, 1, 4, 5), (3, 5, 2)), ((5,), (3, 5, 6)),
           ((3, 4, 5), (5,)), ((4, 5), (7, 5, 3)), ((2, 3, 40, 50), (50, 30)), ((6, 40, 50), (6, 50, 30)),
           ((1, 4, 5), (0, 5, 6)), ((2, 0, 5), (2, 5, 3)), ((1, 1, 0), (0,)), ((2, 3, 0), (0, 4))]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32, np.float16, np.complex128, np.bool_])
@pytest.mark.parametrize("sa,sb", STACKED)
def test_matmul_stacked(sa, sb, dtype, native):
    """Stacks (3-D and more) natively: a stack times a matrix (one 2-D
    product), small matrices (broadcast product and sum), larger ones (a
    product per matrix); NumPy's dtypes and shapes, float16 accumulated in
    float32 as NumPy's."""
    rng = np.random.default_rng(len(sa) * 10 + len(sb))
    a = (rng.standard_normal(sa) * 3).astype(dtype)
    b = (rng.standard_normal(sb) * 3).astype(dtype)
    want = np.matmul(a, b)
    got = lnp.matmul(deferred(a), deferred(b))
    tol = 1e-2 if dtype == np.float16 else 1e-4 if dtype == np.float32 else 1e-9
    scale = tol * max(1.0, float(np.abs(want.astype(np.complex128)).max(initial=0)))
    for g in (np.asarray(got), np.asarray(deferred(a) @ deferred(b))):
        assert g.dtype == want.dtype and g.shape == want.shape
        np.testing.assert_allclose(g.astype(np.complex128), want.astype(np.complex128), rtol=tol, atol=scale)


@pytest.mark.parametrize("sa,sb", [((3, 4, 5), (4, 6)), ((2, 4, 5), (3, 5, 6)), ((2, 4, 5), (4,))])
def test_matmul_stacked_errors(sa, sb):
    with pytest.raises(ValueError):
        np.matmul(np.ones(sa), np.ones(sb))
    with pytest.raises(ValueError):
        lnp.matmul(deferred(np.ones(sa)), deferred(np.ones(sb)))


def test_matmul_stacked_out():
    o = deferred(np.zeros((3, 4, 6)))
    r = lnp.matmul(deferred(np.ones((3, 4, 5))), deferred(np.ones((5, 6))), out=o)
    assert r is o
    check(o, np.full((3, 4, 6), 5.0))
    with pytest.raises(ValueError):
        lnp.matmul(deferred(np.ones((3, 4, 5))), deferred(np.ones((5, 6))), out=deferred(np.zeros((3, 4, 5))))


@pytest.mark.parametrize("shape,perm,flat", [((4, 3, 2), (2, 1, 0), (2, 12)), ((2, 3, 4), (0, 1, 2), (6, 4)),
                                             ((3, 4, 5), (1, 0, 2), (4, 15))])
def test_matmul_of_reshape_alias(shape, perm, flat):
    """A reshape whose store shares its tiles with another geometry (an
    alias: a (2, 12) store over a (2, 3, 4) tile) feeds the matrix product
    its own rows: the product once read the tile's own last strides."""
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) % 7 - 3
    other = np.arange(flat[1] * 5, dtype=np.float64).reshape(flat[1], 5) % 5 - 2
    want = x.transpose(perm).reshape(flat) @ other
    t = deferred(x).copy().transpose(perm).reshape(flat)
    check(lnp.dot(t, lnp.array(other)), want)
    check(lnp.matmul(t, deferred(other)), want)
    check(lnp.dot(deferred(other.T.copy()), t.T), want.T)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.complex128, np.float16])
@pytest.mark.parametrize("form", ["X@w", "v@X", "XT@v", "XT@Y", "X@W", "out"])
def test_tall_skinny_products(dtype, form):
    """The regression products: a tall-skinny X (several row panels in
    default mode) times a vector or a narrow matrix, a vector times X and
    X.T times a vector: X read in place (its panels as the row or k
    blocks, X.T @ v as (v @ X)), the k products summed by a tree."""
    rng = np.random.default_rng(11)
    rows = 1001 if os.environ.get("LEGATE_NUMPY_TEST", "0") not in ("", "0") else 100003
    X = (rng.integers(-3, 4, (rows, 8)) * (0.5 if np.dtype(dtype).kind in "fc" else 1)).astype(dtype)
    w = rng.integers(-2, 3, 8).astype(dtype)
    v = rng.integers(-2, 3, rows).astype(dtype)
    Y = rng.integers(-2, 3, (rows, 3)).astype(dtype)
    W = rng.integers(-2, 3, (8, 5)).astype(dtype)
    LX, Lw, Lv, LY, LW = (lnp.array(t) for t in (X, w, v, Y, W))
    if form == "out":
        want = np.empty(8, dtype)
        np.matmul(v, X, out=want)
        got = lnp.empty(8, dtype)
        lnp.matmul(Lv, LX, out=got)
    else:
        want, got = {"X@w": (X @ w, LX @ Lw), "v@X": (v @ X, Lv @ LX), "XT@v": (X.T @ v, LX.T @ Lv),
                     "XT@Y": (X.T @ Y, LX.T @ LY), "X@W": (X @ W, LX @ LW)}[form]
    got = np.asarray(got)
    assert got.dtype == want.dtype and got.shape == want.shape
    # small integers: exact in every dtype but float16, whose sums of
    # 10^5 terms round (NumPy accumulates them in float32 too)
    tol = 2e-2 if dtype == np.float16 else 0
    np.testing.assert_allclose(got.astype(np.complex128), want.astype(np.complex128), rtol=tol,
                               atol=tol * float(np.abs(want.astype(np.complex128)).max(initial=1)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("form", ["X@w", "v@X", "XT@v", "view@X", "X@w-out", "v@X-out", "dot", "XT@view",
                                  "PT@Q", "PT@Qview", "X@W", "X@W-out", "alias"])
def test_panel_products(dtype, form):
    """Products over tall operands of row panels one tile across (3 columns
    or fewer: so also in test mode, tiles of 3 x 3), a task per panel of
    one operand over the other's panels its rows cover: v @ X, X.T @ v,
    P.T @ Q (k-means' onehot.T @ X: panels of other heights in default
    mode), X @ w and X @ W; panels straddling two of the other's, operands
    that are views (copied into the other's panels first), outputs that are
    views, a reshape alias.  Small integers: exact sums."""
    test_mode = os.environ.get("LEGATE_NUMPY_TEST", "0") not in ("", "0")
    rows, cols = (101, 3) if test_mode else (300007, 5)
    rng = np.random.default_rng(5)
    X = rng.integers(-3, 4, (rows, cols)).astype(dtype)
    w = rng.integers(-2, 3, cols).astype(dtype)
    v = rng.integers(-2, 3, rows + 2).astype(dtype)
    LX, Lw, Lv = lnp.array(X), lnp.array(w), lnp.array(v)
    if form == "X@w":
        want, got = X @ w, LX @ Lw
    elif form == "v@X":
        want, got = v[:rows] @ X, lnp.array(v[:rows]) @ LX
    elif form == "XT@v":
        want, got = X.T @ v[:rows], LX.T @ lnp.array(v[:rows])
    elif form == "view@X":
        want, got = v[2:] @ X, Lv[2:] @ LX
    elif form == "XT@view":
        want, got = X.T @ v[1:-1], LX.T @ Lv[1:-1]
    elif form == "X@w-out":
        want = np.zeros(2 * rows, dtype)
        np.matmul(X, w, out=want[::2])
        got = lnp.zeros(2 * rows, dtype)
        lnp.matmul(LX, Lw, out=got[::2])
    elif form == "v@X-out":
        want = np.zeros((2, cols), dtype)
        np.matmul(v[:rows], X, out=want[1])
        got = lnp.zeros((2, cols), dtype)
        lnp.matmul(lnp.array(v[:rows]), LX, out=got[1])
    elif form in ("PT@Q", "PT@Qview"):
        P = rng.integers(0, 2, (rows, 2 if test_mode else 16)).astype(dtype)
        if form == "PT@Q":
            want, got = P.T @ X, lnp.array(P).T @ LX
        else:
            want, got = P.T @ X[::-1], lnp.array(P).T @ LX[::-1]
    elif form in ("X@W", "X@W-out"):
        W = rng.integers(-2, 3, (cols, 2 if test_mode else 4)).astype(dtype)
        if form == "X@W":
            want, got = X @ W, LX @ lnp.array(W)
        else:
            want = np.zeros((rows, 2 * W.shape[1]), dtype)
            np.matmul(X, W, out=want[:, ::2])
            got = lnp.zeros((rows, 2 * W.shape[1]), dtype)
            lnp.matmul(LX, lnp.array(W), out=got[:, ::2])
    elif form == "alias":
        Z = X[: rows - rows % 4].reshape(-1, 4, cols)
        LZ = lnp.array(Z).reshape(-1, cols)  # a store over the 3-D array's tiles
        want, got = v[: Z.shape[0] * 4] @ Z.reshape(-1, cols), lnp.array(v[: Z.shape[0] * 4]) @ LZ
    else:
        want, got = np.dot(X, w), lnp.dot(LX, Lw)
    got = np.asarray(got)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
