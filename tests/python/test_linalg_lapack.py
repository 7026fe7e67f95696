"""np.linalg on LAPACK tasks (python/legate/numpy/_linalg_lapack.py,
codelets/linalg.h) against NumPy on deferred arrays: values (to LAPACK's
rounding), dtypes and shapes over float32/64, complex64/128, integers,
stacked matrices and empty ones; NumPy's LinAlgError for singular and
non-positive-definite input and its errors for bad shapes and dtypes;
residual checks (A = L L^H, A x = b, U S V^H = A); no fallback."""

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, check, deferred, fp_warns, legate_only, lnp

DTYPES = [np.float32, np.float64, np.complex64, np.complex128, np.int64]
SHAPES = [(1, 1), (5, 5), (2, 3, 4, 4), (0, 3, 3)]
RTOL = {np.dtype(np.float32): 2e-4, np.dtype(np.complex64): 2e-4}


def _matrix(shape, dtype, spd=False, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    if spd and shape[-1]:
        n = shape[-1]
        x = x @ np.conj(np.swapaxes(x, -1, -2)) + n * np.eye(n)
    elif np.dtype(dtype).kind in "iu":
        x = np.round(x * 4) + (3 * np.eye(shape[-1]) if len(shape) > 1 and shape[-1] == shape[-2] else 0)
    return x.astype(dtype)


def _close(got, want, dtype):
    rtol = RTOL.get(np.dtype(want.dtype), 1e-9)
    g = np.asarray(got)
    assert g.dtype == want.dtype and g.shape == want.shape, (g.dtype, g.shape, want.dtype, want.shape)
    np.testing.assert_allclose(g, want, rtol=rtol, atol=rtol * max(1.0, float(np.abs(want).max(initial=0))))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ["cholesky", "inv", "det", "slogdet", "eigvalsh", "svd_values"])
def test_against_numpy(name, shape, dtype):
    spd = name in ("cholesky", "eigvalsh")
    x = _matrix(shape, dtype, spd=spd)
    fn = {"svd_values": lambda m, a: m.linalg.svd(a, compute_uv=False)}.get(
        name, lambda m, a: getattr(m.linalg, name)(a))
    want = fn(np, x)
    got = fn(lnp, deferred(x))
    if isinstance(want, tuple):
        for g, w in zip(got, want):
            _close(g, w, dtype)
    else:
        _close(got, want, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bshape", [(4,), (4, 3), (2, 4, 3), (2, 4)])
def test_solve(dtype, bshape):
    a = _matrix((2, 4, 4) if len(bshape) == 3 or bshape == (2, 4) else (4, 4), dtype, seed=1)
    b = _matrix(bshape, dtype, seed=2) if len(bshape) > 1 else _matrix((4, 1), dtype, seed=2)[:, 0]
    try:
        want = np.linalg.solve(a, b)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            lnp.linalg.solve(deferred(a), deferred(b))
        return
    got = lnp.linalg.solve(deferred(a), deferred(b))
    _close(got, want, dtype)
    if not AGAINST_NUMPY:  # the residual
        vec = want.ndim == a.ndim - 1 or want.ndim == 1
        r = np.asarray(lnp.matmul(deferred(a), got[..., None] if vec else got))
        np.testing.assert_allclose(r[..., 0] if vec else r, np.broadcast_to(b, want.shape), rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("full", [True, False])
@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 5, 5)])
def test_svd_reconstructs(dtype, full, shape):
    x = _matrix(shape, dtype, seed=3)
    u, s, vh = lnp.linalg.svd(deferred(x), full_matrices=full)
    nu, ns, nvh = np.linalg.svd(x, full_matrices=full)
    assert np.asarray(u).shape == nu.shape and np.asarray(vh).shape == nvh.shape
    _close(s, ns, dtype)
    k = min(shape[-2:])
    us = np.asarray(u)[..., :k] * np.asarray(s)[..., None, :]
    rtol = RTOL.get(np.dtype(dtype), 1e-9) * 10
    np.testing.assert_allclose(us @ np.asarray(vh)[..., :k, :], x, rtol=rtol, atol=rtol * 10)


@pytest.mark.parametrize("dtype", [np.float64, np.complex64])
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_and_cholesky_residuals(dtype, uplo):
    a = _matrix((3, 6, 6), dtype, spd=True, seed=4)
    w, v = lnp.linalg.eigh(deferred(a), UPLO=uplo)
    nw = np.linalg.eigvalsh(a, UPLO=uplo)
    _close(w, nw, dtype)
    v = np.asarray(v)
    rtol = RTOL.get(np.dtype(dtype), 1e-9) * 100
    np.testing.assert_allclose(a @ v, v * np.asarray(w)[..., None, :], rtol=rtol, atol=rtol * 10)
    low = np.asarray(lnp.linalg.cholesky(deferred(a)))
    np.testing.assert_allclose(low @ np.conj(np.swapaxes(low, -1, -2)), a, rtol=rtol, atol=rtol * 10)
    assert np.all(np.triu(low, 1) == 0)


TEST_MODE = __import__("os").environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")
# matrices of several tiles of the tiled Cholesky (numpy/cholesky.c): tiles
# of 3 in test mode, of 512 (CPUs) or 1024 (GPUs) otherwise
TILED_N = [7, 10, 23] if TEST_MODE else [2050]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", TILED_N)
def test_tiled_cholesky(n, dtype):
    """One large matrix is factored as a task graph of POTRF/TRSM/SYRK/GEMM
    tile tasks: NumPy's L (zeros above the diagonal, only A's lower triangle
    read), dtype and LinAlgError, also where a later tile fails."""
    a = _matrix((n, n), dtype, spd=True, seed=n)
    if np.dtype(dtype).kind in "iu":
        a = (a + a.T) // 2 + 3 * n * np.eye(n, dtype=dtype)
    up = np.triu(np.full((n, n), 1e3), 1).astype(dtype)   # ignored, as by NumPy
    if not AGAINST_NUMPY:
        from legate.numpy import _linalg_lapack
        assert _linalg_lapack._factor_tile(deferred(a)) > 0
    _close(lnp.linalg.cholesky(deferred(a + up)), np.linalg.cholesky(a + up), dtype)
    bad = a.copy()
    bad[n - 2, n - 2] = -bad[n - 2, n - 2]
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        np.linalg.cholesky(bad)
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        lnp.linalg.cholesky(deferred(bad))
    if hasattr(np, "matrix_transpose"):  # NumPy 2's upper=
        _close(lnp.linalg.cholesky(deferred(a), upper=True), np.linalg.cholesky(a, upper=True), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", TILED_N)
def test_tiled_lu(n, dtype):
    """solve, inv, det and slogdet of one large matrix go through the tiled
    LU with partial pivoting (numpy/lu.c: getrf panels, row interchanges,
    TRSM and GEMM tiles; the solve's interchanges and substitutions on B's
    tiles, B of one and of several tile columns): NumPy's values and
    dtypes; a matrix whose rows are shuffled needs the pivoting; a zero
    column gives LinAlgError, det 0 and slogdet (0, -inf) as NumPy's."""
    rng = np.random.default_rng(n)
    a = _matrix((n, n), np.complex128 if np.dtype(dtype).kind == "c" else np.float64, seed=n)
    a = (a + 2 * np.sqrt(n) * np.eye(n))[rng.permutation(n)]
    a = (np.round(a) if np.dtype(dtype).kind in "iu" else a / (2 * np.sqrt(n))).astype(dtype)
    if not AGAINST_NUMPY:
        from legate.numpy import _linalg_lapack
        assert _linalg_lapack._factor_tile(deferred(a)) > 0
    b = _matrix((n,), dtype, seed=1)
    wide = 7 if TEST_MODE else 600  # more columns than a tile: several tile columns of B
    bm = _matrix((n, wide), dtype, seed=2)
    _close(lnp.linalg.solve(deferred(a), deferred(b)), np.linalg.solve(a, b), dtype)
    _close(lnp.linalg.solve(deferred(a), deferred(bm)), np.linalg.solve(a, bm), dtype)
    _close(lnp.linalg.inv(deferred(a)), np.linalg.inv(a), dtype)
    sign, logdet = lnp.linalg.slogdet(deferred(a))
    wsign, wlogdet = np.linalg.slogdet(a)
    _close(sign, wsign, dtype)
    _close(logdet, wlogdet, dtype)
    if TEST_MODE or np.dtype(dtype).kind not in "iu":
        _close(lnp.linalg.det(deferred(a)), np.linalg.det(a), dtype)
    sing = a.copy()
    sing[:, n - 2] = 0
    for f in (lambda m, x: m.linalg.solve(x, b), lambda m, x: m.linalg.inv(x)):
        with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
            f(np, sing)
        with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
            f(lnp, deferred(sing))
    assert complex(lnp.linalg.det(deferred(sing))) == complex(np.linalg.det(sing)) == 0.0
    sign, logdet = lnp.linalg.slogdet(deferred(sing))
    assert complex(sign) == 0.0 and float(logdet) == -np.inf
    assert sign.dtype == np.linalg.slogdet(sing)[0].dtype


@pytest.mark.parametrize("case", ["singular-inv", "singular-solve", "not-pd", "nonsquare", "1-d", "float16",
                                  "uplo", "solve-shape"])
def test_errors_like_numpy(case):
    sing = np.array([[1.0, 2.0], [2.0, 4.0]])
    calls = {
        "singular-inv": lambda m, d: m.linalg.inv(d(sing)),
        "singular-solve": lambda m, d: m.linalg.solve(d(sing), d(np.ones(2))),
        "not-pd": lambda m, d: m.linalg.cholesky(d(-np.eye(3))),
        "nonsquare": lambda m, d: m.linalg.inv(d(np.ones((2, 3)))),
        "1-d": lambda m, d: m.linalg.det(d(np.ones(3))),
        "float16": lambda m, d: m.linalg.inv(d(np.eye(3, dtype=np.float16))),
        "uplo": lambda m, d: m.linalg.eigh(d(np.eye(3)), UPLO="X"),
        "solve-shape": lambda m, d: m.linalg.solve(d(np.eye(3)), d(np.ones((4, 2)))),
    }
    with pytest.raises(Exception) as want:
        calls[case](np, np.array)
    with pytest.raises(want.type):
        calls[case](lnp, deferred)


@pytest.mark.parametrize("n", [7, 300])
def test_det_overflow_warns_as_numpy(n):
    """det = sign * exp(logdet) overflows as NumPy's: inf and its warning
    under det's name (the tiled LU for the large matrix)."""
    a = np.eye(n) * 1e200 if n == 7 else np.eye(n) * 1e3
    with pytest.warns(RuntimeWarning, match="overflow encountered in det"):
        want = np.linalg.det(a)
    with fp_warns("overflow encountered in det"):
        got = float(lnp.linalg.det(deferred(a)))
    assert got == want == np.inf


def test_complex_svd_of_a_large_matrix():
    """A 1100 x 1100 complex128 SVD segfaulted: OpenBLAS 0.3.21's complex
    gemv reads up to a column past a matrix, which faulted where LAPACKE's
    transposed copy ended at a page boundary (the task now runs gesdd on
    the transposed view; tiles carry a row of slack)."""
    n, k = (90, 60) if TEST_MODE else (1100, 700)  # test mode's tiles of 3 make a large gather slow
    rng = np.random.default_rng(11)
    a = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    s = lnp.linalg.svd(deferred(a), compute_uv=False)
    _close(s, np.linalg.svd(a, compute_uv=False), np.complex128)
    u, s, vh = (np.asarray(x) for x in lnp.linalg.svd(deferred(a[:, :k])))
    assert u.shape == (n, n) and vh.shape == (k, k)
    np.testing.assert_allclose((u[:, :k] * s) @ vh, a[:, :k], atol=1e-10)


def test_singular_det_and_slogdet():
    sing = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert float(lnp.linalg.det(deferred(sing))) == 0.0
    sign, logdet = lnp.linalg.slogdet(deferred(sing))
    assert float(sign) == 0.0 and float(logdet) == -np.inf


@pytest.mark.parametrize("name", ["pinv", "matrix_rank", "cond", "norm2", "nuc", "tensorinv", "tensorsolve"])
def test_numpy_code_over_the_tasks(name):
    x = _matrix((5, 5), np.float64, seed=5)
    fns = {
        "pinv": lambda m, a: m.linalg.pinv(a[:, :3]),
        "matrix_rank": lambda m, a: m.linalg.matrix_rank(a),
        "cond": lambda m, a: m.linalg.cond(a),
        "norm2": lambda m, a: m.linalg.norm(a, 2),
        "nuc": lambda m, a: m.linalg.norm(a, "nuc"),
        "tensorinv": lambda m, a: m.linalg.tensorinv(a, ind=1),
        "tensorsolve": lambda m, a: m.linalg.tensorsolve(a, a[:, 0]),
    }
    want = fns[name](np, x)
    got = fns[name](lnp, deferred(x))
    if isinstance(want, np.ndarray):
        _close(got, want, np.float64)
    else:
        assert abs(float(got) - float(want)) <= 1e-9 * max(1.0, abs(float(want)))


@legate_only
def test_no_fallback(native):
    a = deferred(_matrix((3, 4, 4), np.float64, spd=True))
    lnp.linalg.cholesky(a), lnp.linalg.inv(a), lnp.linalg.det(a), lnp.linalg.slogdet(a)
    lnp.linalg.eigh(a), lnp.linalg.eigvalsh(a), lnp.linalg.svd(a), lnp.linalg.solve(a, a)
    lnp.linalg.pinv(a[0]), lnp.linalg.matrix_rank(a), lnp.linalg.cond(a[0]), lnp.linalg.norm(a[0], 2)
    lnp.linalg.qr(a[0]), lnp.linalg.qr(a[0], mode="complete"), lnp.linalg.lstsq(a[0], a[0, :, 0], rcond=None)
    lnp.polyfit(a[0, 0], a[0, 1], 2)
    np.linalg.inv(a)  # NumPy's function on our array: ours
    from legate.numpy import coverage
    rows = dict(coverage.report()["linalg"])
    assert all(rows[n] for n in ("cholesky", "inv", "solve", "det", "slogdet", "eigh", "eigvalsh", "svd",
                                 "pinv", "matrix_rank", "cond", "tensorsolve", "tensorinv", "norm", "qr",
                                 "lstsq"))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 5), (2, 6, 3)])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr(dtype, shape, mode):
    """NumPy's qr code over QR tasks: R as NumPy's (to rounding; both are
    LAPACK's geqrf), Q orthonormal, Q R = A."""
    x = _matrix(shape, dtype, seed=6)
    want = np.linalg.qr(x, mode=mode)
    got = lnp.linalg.qr(deferred(x), mode=mode)
    if mode == "r":
        _close(got, want, dtype)
        return
    q, r = (np.asarray(g) for g in got)
    assert q.shape == want[0].shape and r.shape == want[1].shape and q.dtype == want[0].dtype
    _close(got[1], want[1], dtype)
    _close(got[0], want[0], dtype)
    rtol = RTOL.get(np.dtype(dtype), 1e-9) * 10
    np.testing.assert_allclose(q @ r, x, rtol=rtol, atol=rtol * 10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128, np.int64])
@pytest.mark.parametrize("shape,bshape", [((8, 3), (8,)), ((8, 3), (8, 2)), ((3, 8), (3, 2)), ((5, 5), (5,))])
def test_lstsq(dtype, shape, bshape):
    """NumPy's lstsq code over a gelsd task: x, residuals, rank, s."""
    a = _matrix(shape, dtype, seed=7)
    b = _matrix(bshape if len(bshape) == 2 else bshape + (1,), dtype, seed=8)
    if len(bshape) == 1:
        b = b[:, 0]
    _check_lstsq(a, b, dtype)


def _check_lstsq(a, b, dtype):
    """lstsq's four results against NumPy's: x, residuals, rank (and its
    type), singular values."""
    want = np.linalg.lstsq(a, b, rcond=None)
    got = lnp.linalg.lstsq(deferred(a), deferred(b), rcond=None)
    _close(got[0], want[0], dtype)
    _close(got[1], want[1], dtype)
    assert int(got[2]) == int(want[2]) and type(got[2]) is type(want[2])
    _close(got[3], want[3], dtype)


# default mode: two column tiles and a bit (tiles of 1024 with GPUs, 512 without)
_QR_N = 2 * (1024 if not AGAINST_NUMPY and lnp._core.config()["ncuda"] > 0 else 512) + 76
TILED_QR = [(23, 10), (10, 10), (40, 7)] if TEST_MODE else [(3000, _QR_N), (_QR_N, _QR_N)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128, np.complex64])
@pytest.mark.parametrize("shape", TILED_QR)
def test_lstsq_tiled_qr(dtype, shape):
    """A full-rank matrix of at least two column tiles: lstsq through the
    tiled QR (numpy/qr.c: GEQRT/GEMQRT/TPQRT/TPMQRT tiles, Q^H b, the R
    solve by tiles): NumPy's x, residuals, rank and singular values, for one
    and for several right-hand sides (more than a tile of them); a
    rank-deficient matrix keeps gelsd's minimum-norm solution."""
    m, n = shape
    a = _matrix(shape, dtype, seed=m)
    if not AGAINST_NUMPY:
        from legate.numpy import _linalg_lapack
        assert _linalg_lapack._tile_for(n) and n >= 2 * _linalg_lapack._tile_for(n)
    for bshape in ((m,), (m, 7 if TEST_MODE else 600)):
        _check_lstsq(a, _matrix(bshape, dtype, seed=1), dtype)
    low = a.copy()
    low[:, 3] = low[:, 1]  # rank n - 1
    b = _matrix((m,), dtype, seed=2)
    want = np.linalg.lstsq(low, b, rcond=None)
    got = lnp.linalg.lstsq(deferred(low), deferred(b), rcond=None)
    assert int(got[2]) == int(want[2]) == n - 1
    _close(got[0], want[0], dtype)


def test_polyfit_over_lstsq():
    x = np.linspace(-2, 3, 40)
    y = 3 * x ** 3 - x + 0.5 + np.sin(7 * x) * 0.01
    want = np.polyfit(x, y, 3)
    _close(lnp.polyfit(deferred(x), deferred(y), 3), want, np.float64)


def _eig_check(a, w, v):
    """A v = v diag(w), to LAPACK's rounding."""
    a, w, v = np.asarray(a), np.asarray(w), np.asarray(v)
    lhs = a.astype(v.dtype) @ v
    rhs = v * w[..., None, :]
    scale = max(1.0, float(np.abs(a).max()))
    np.testing.assert_allclose(lhs, rhs, atol=(1e-3 if v.dtype in (np.complex64, np.float32) else 1e-9) * scale)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (5, 5), (2, 3, 4, 4)])
@pytest.mark.parametrize("kind", ["general", "symmetric", "rotation"])
def test_eig(dtype, shape, kind):
    """NumPy's eig/eigvals code over geev tasks: NumPy's result dtypes (real
    when every eigenvalue is real), the same eigenvalues (sorted: both are
    geev's, in geev's order), A v = v diag(w)."""
    x = _matrix(shape, dtype, seed=7)
    if kind == "symmetric":
        x = (x + np.conj(np.swapaxes(x, -1, -2))) / 2
        x = x.astype(dtype)
    elif kind == "rotation" and shape[-1] > 1:  # complex eigenvalues of a real matrix
        x = np.zeros(shape, dtype)
        x[..., 0, 1], x[..., 1, 0] = 2, -2
        x[..., -1, -1] = 1
    want_w, want_v = np.linalg.eig(x)
    got_w, got_v = lnp.linalg.eig(deferred(x))
    gw, gv = np.asarray(got_w), np.asarray(got_v)
    assert gw.dtype == want_w.dtype and gv.dtype == want_v.dtype, (gw.dtype, want_w.dtype)
    assert gw.shape == want_w.shape and gv.shape == want_v.shape
    _close(np.sort_complex(gw.reshape(-1, shape[-1])), np.sort_complex(want_w.reshape(-1, shape[-1])), dtype)
    _eig_check(x, gw, gv)
    vals = lnp.linalg.eigvals(deferred(x))
    want_vals = np.linalg.eigvals(x)
    assert np.asarray(vals).dtype == want_vals.dtype
    _close(np.sort_complex(np.asarray(vals).reshape(-1, shape[-1])),
           np.sort_complex(want_vals.reshape(-1, shape[-1])), dtype)


@pytest.mark.parametrize("name", ["eig", "eigvals"])
def test_eig_errors(name):
    for x, exc in ((np.ones((3, 4)), np.linalg.LinAlgError), (np.ones(3), np.linalg.LinAlgError),
                   (np.array([[1.0, np.inf], [0, 1]]), np.linalg.LinAlgError),
                   (np.ones((2, 2), np.float16), TypeError)):
        with pytest.raises(exc):
            getattr(np.linalg, name)(x)
        with pytest.raises(exc):
            getattr(lnp.linalg, name)(deferred(x))


@legate_only
def test_eig_native(native):
    a = deferred(_matrix((3, 4, 4), np.float64, seed=8))
    lnp.linalg.eig(a), lnp.linalg.eigvals(a)
    from legate.numpy import coverage
    rows = dict(coverage.report()["linalg"])
    assert rows["eig"] and rows["eigvals"]


NUMPY2_LINALG = [
    ("cross", lambda a, v: (v, v[::-1])), ("diagonal", lambda a, v: (a,)),
    ("matmul", lambda a, v: (a, np.swapaxes(a, -1, -2))), ("matrix_norm", lambda a, v: (a,)),
    ("matrix_transpose", lambda a, v: (a,)), ("outer", lambda a, v: (v, v)), ("svdvals", lambda a, v: (a,)),
    ("tensordot", lambda a, v: (a[0], a[0])), ("trace", lambda a, v: (a,)), ("vecdot", lambda a, v: (a, a)),
    ("vector_norm", lambda a, v: (a,))]


@pytest.mark.skipif(not hasattr(np.linalg, "vecdot"), reason="NumPy 2's np.linalg additions")
@pytest.mark.parametrize("name,args", NUMPY2_LINALG)
@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.int64])
def test_numpy2_linalg_additions(name, args, dtype, native):
    a = (np.arange(24.0).reshape(2, 3, 4) % 5 - 2).astype(dtype)
    if dtype == np.complex128:
        a = a + 1j * (np.arange(24.0).reshape(2, 3, 4) % 3)
    v = np.arange(3.0).astype(dtype)
    ops = args(a, v)
    if name == "svdvals" and dtype == np.int64:
        ops = (ops[0].astype(np.float64),)
    want = getattr(np.linalg, name)(*ops)
    got = getattr(lnp.linalg, name)(*[deferred(x) for x in ops])
    _close(got, np.asarray(want), dtype)


@pytest.mark.skipif(not hasattr(np.linalg, "vecdot"), reason="NumPy 2's np.linalg additions")
def test_numpy2_linalg_additions_errors():
    for f in (lambda m: m.linalg.matrix_transpose(m.ones(3)), lambda m: m.linalg.vecdot(m.ones(3), m.ones(4))):
        with pytest.raises(ValueError):
            f(np)
        with pytest.raises(ValueError):
            f(lnp)
