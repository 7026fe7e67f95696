"""np.linalg on LAPACK tasks (_core.linalg; codelets/linalg.h): cholesky,
inv, solve, det, slogdet, eigh, eigvalsh and svd of deferred arrays run
LAPACK's driver once per matrix in a StarPU task, on whole matrices
gathered into one tile each call; NumPy's Python code for pinv,
matrix_rank, cond, norm, tensorsolve and tensorinv runs over them.

As NumPy, the computation is in double precision (float64 or complex128,
also for float32 inputs: NumPy's _commonType) and the result is cast to
the result type; float16 is a TypeError, integers compute as float64.
LAPACK's info becomes NumPy's LinAlgError (reading it waits for the task,
as NumPy's call returns only when it is done).  Empty matrices, eager
arrays and what is not implemented here (svd with hermitian=True) are
NumPy's own calls."""

import os as _os

import numpy as _np

from ._runtime import core as _core
from ._dtypes import dt_num, NUMPY2
from ._array import ndarray, _deferred, _deferred_result, as_core, to_numpy, wrap_result
from ._fallback import call_numpy

_la = getattr(_np.linalg, "_linalg", None) or _np.linalg.linalg
LinAlgError = _np.linalg.LinAlgError
_CHOLESKY, _INV, _SOLVE, _SLOGDET, _EIGH, _SVD, _QR, _QR_Q, _LSTSQ, _EIG = range(10)


def _result(name, *fields):
    cls = getattr(_la, name, None)
    return cls(*fields) if cls is not None else tuple(fields)


def _operand(a):
    """a as our deferred array, or None when NumPy should compute (eager
    arrays, anything else)."""
    if type(a) is ndarray and a._arr is not None:
        return a
    return None


def _types(a):
    """(computation dtype, result dtype) as NumPy's _commonType, with its
    TypeError for float16 and other unsupported dtypes."""
    t, r = _la._commonType(_np.empty((1, 1), a.dtype))
    return _np.dtype(t), _np.dtype(r)


def _stacked_2d(a):
    if a.ndim < 2:
        raise LinAlgError("%d-dimensional array given. Array must be at least two-dimensional" % a.ndim)


def _square(a):
    _stacked_2d(a)
    if a.shape[-1] != a.shape[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")


def _run(op, t, a, b=None, flag=0, rcond=0.0):
    """The task: its results (our arrays, batch dims flattened), the info
    vector last when the op has one."""
    outs = _core.linalg(op, dt_num(_np.dtype(t)), as_core(a), None if b is None else as_core(b), flag, rcond)
    return [_deferred(o) for o in outs]


def _check(info, message):
    if (to_numpy(info) != 0).any():
        raise LinAlgError(message)


def _numpy(name, *args, **kwargs):
    """NumPy's function on host values (empty or eager operands): no data
    to speak of, so not the fallback's warning for empty ones."""
    f = getattr(_np.linalg, name)
    conv = [to_numpy(x) if type(x) is ndarray else x for x in args]
    r = f(*conv, **kwargs)
    if isinstance(r, tuple):
        return type(r)(*(wrap_result(x) for x in r)) if hasattr(r, "_fields") else tuple(
            wrap_result(x) for x in r)
    return wrap_result(r)


def _empty(a):
    return a.size == 0


def cholesky(a, /, *, upper=False):
    if upper and not NUMPY2:
        raise TypeError("cholesky() got an unexpected keyword argument 'upper'")
    kw = {"upper": upper} if upper else {}
    x = _operand(a)
    if x is None:
        return call_numpy(_np.linalg.cholesky, "linalg.cholesky", (a,), kw)
    _square(x)
    t, r = _types(x)
    if _empty(x):
        return _numpy("cholesky", x, **kw)
    nb = _factor_tile(x)
    if nb:
        L, info = (_deferred(o) for o in _core.cholesky_tiled(as_core(x), dt_num(t), nb))
        _check(info, "Matrix is not positive definite")
        if upper:
            L = L.T.conj() if t.kind == "c" else L.T.copy()
        return L.astype(r, copy=False)
    out, info = _run(_CHOLESKY, t, x, flag=1 if upper else 0)
    _check(info, "Matrix is not positive definite")
    return out.reshape(x.shape).astype(r, copy=False)


def _factor_tile(x):
    """The tile size of the tiled factorizations of one matrix (Cholesky:
    numpy/cholesky.c, LU: numpy/lu.c), or 0 for LAPACK's call on the whole
    matrix (stacks, and matrices of fewer than two tiles).  GPUs take
    larger tiles (a GEMM of 1024^2 tiles keeps one busy); at most 64 tiles
    a side (~45,000 tasks).  Test mode: tiles of 3 (every path multi-tile),
    at most 16 a side.  LEGATE_NUMPY_LINALG_TILE (or its older name
    LEGATE_NUMPY_CHOLESKY_TILE) sets it."""
    return _tile_for(x.shape[0]) if x.ndim == 2 else 0


def _tile_for(n):
    """_factor_tile of an n x n matrix."""
    cfg = _core.config()
    if cfg["test_mode"]:
        nb, most = 3, 16
    else:
        nb, most = _LINALG_TILE or (1024 if cfg["ncuda"] > 0 else 512), 64
    nb = max(nb, -(-n // most))
    return nb if n >= 2 * nb else 0


_LINALG_TILE = int(_os.environ.get("LEGATE_NUMPY_LINALG_TILE", "")
                   or _os.environ.get("LEGATE_NUMPY_CHOLESKY_TILE", "0") or 0)


def _lu_tiled(x, t, b=None):
    """(lu, ipiv, info, x) of the tiled LU of 2-D x in dtype t (numpy/lu.c),
    x = A^-1 b when b is given, else None; None where x takes LAPACK's
    call on the whole matrix."""
    nb = _factor_tile(x)
    if not nb:
        return None
    res = _core.lu_tiled(as_core(x), None if b is None else as_core(b), dt_num(t), nb)
    return tuple(None if o is None else _deferred(o) for o in res)


def _lu_slogdet(lu, ipiv, t):
    """sign and log|det| from a tiled LU: the product of U's diagonal and
    the interchanges' parity, as NumPy's (sign 0 and -inf when singular)."""
    from ._creation import arange
    from ._ufunc import absolute, log
    d = lu.diagonal()
    swaps = int((ipiv != arange(ipiv.shape[0])).sum())
    ad = absolute(d)
    with _np.errstate(divide="ignore", invalid="ignore"):
        logdet = log(ad).sum()
    if bool((ad == 0).any()):  # a deferred zero of dtype t (|d| is never negative)
        return (ad < 0).sum().astype(t), logdet
    unit = d / ad if t.kind == "c" else (d > 0).astype(t) - (d < 0).astype(t)
    return unit.prod() * (-1 if swaps % 2 else 1), logdet


def inv(a):
    x = _operand(a)
    if x is None:
        return call_numpy(_np.linalg.inv, "linalg.inv", (a,), {})
    _square(x)
    t, r = _types(x)
    if _empty(x):
        return _numpy("inv", x)
    if _factor_tile(x):
        from ._creation import eye
        res = _lu_tiled(x, t, eye(x.shape[0], dtype=t))
        _check(res[2], "Singular matrix")
        return res[3].astype(r, copy=False)
    out, info = _run(_INV, t, x)
    _check(info, "Singular matrix")
    return out.reshape(x.shape).astype(r, copy=False)


def solve(a, b):
    from ._creation import asarray
    from ._manip import broadcast_to
    x = _operand(a)
    if x is None or type(b) not in (ndarray, _np.ndarray, list, tuple):
        return call_numpy(_np.linalg.solve, "linalg.solve", (a, b), {})
    y = asarray(b)
    _square(x)
    t, r = _la._commonType(_np.empty((1, 1), x.dtype), _np.empty((1, 1), y.dtype))
    t, r = _np.dtype(t), _np.dtype(r)
    # NumPy 2: b is a stack of vectors only when 1-D; NumPy 1.x: when it has
    # one dim less than a
    vector = y.ndim == 1 if _np.lib.NumpyVersion(_np.__version__) >= "2.0.0" else y.ndim == x.ndim - 1
    yy = y[..., None] if vector else y
    if yy.ndim < 2:
        return _numpy("solve", x, y)  # NumPy's error
    n = x.shape[-1]
    if yy.shape[-2] != n:
        return _numpy("solve", _np.empty(x.shape[-2:], x.dtype), _np.empty(y.shape, y.dtype))
    try:
        batch = _np.broadcast_shapes(x.shape[:-2], yy.shape[:-2])
    except ValueError:
        return _numpy("solve", _np.empty(x.shape, x.dtype), _np.empty(y.shape, y.dtype))
    xs = broadcast_to(x, batch + x.shape[-2:])
    ys = broadcast_to(yy, batch + yy.shape[-2:])
    if xs.size == 0 or ys.size == 0:
        return _numpy("solve", _np.zeros(xs.shape, x.dtype), _np.zeros(ys.shape if not vector else
                                                                      batch + (n,), y.dtype))
    res = _lu_tiled(xs, t, ys) if xs.ndim == 2 else None
    if res is not None:
        _check(res[2], "Singular matrix")
        out = res[3].astype(r, copy=False)
        return out[..., 0] if vector else out
    out, info = _run(_SOLVE, t, xs, ys)
    _check(info, "Singular matrix")
    out = out.reshape(ys.shape).astype(r, copy=False)
    return out[..., 0] if vector else out


def slogdet(a):
    x = _operand(a)
    if x is None:
        return call_numpy(_np.linalg.slogdet, "linalg.slogdet", (a,), {})
    _square(x)
    t, r = _types(x)
    if _empty(x):
        return _numpy("slogdet", x)
    res = _lu_tiled(x, t)
    sign, logdet = _lu_slogdet(res[0], res[1], t) if res is not None else _run(_SLOGDET, t, x)
    real = _np.dtype(r.char.lower()) if r.kind == "c" else r
    sign = sign.reshape(x.shape[:-2]).astype(r, copy=False)
    logdet = logdet.reshape(x.shape[:-2]).astype(real, copy=False)
    if x.ndim == 2:
        sign, logdet = _deferred_result(sign._arr), _deferred_result(logdet._arr)
    return _result("SlogdetResult", sign, logdet)


def det(a):
    from ._ufunc import _part_ufunc
    exp = _part_ufunc("det", "exp", None)  # its overflow is NumPy's "in det"
    x = _operand(a)
    if x is None:
        return call_numpy(_np.linalg.det, "linalg.det", (a,), {})
    _square(x)
    t, r = _types(x)
    if _empty(x):
        return _numpy("det", x)
    res = _lu_tiled(x, t)
    sign, logdet = _lu_slogdet(res[0], res[1], t) if res is not None else _run(_SLOGDET, t, x)
    d = (sign * exp(logdet)).reshape(x.shape[:-2]).astype(r, copy=False)
    return _deferred_result(d._arr) if x.ndim == 2 else d


def _eigh(a, UPLO, vectors):
    name = "eigh" if vectors else "eigvalsh"
    x = _operand(a)
    if x is None:
        return call_numpy(getattr(_np.linalg, name), "linalg." + name, (a, UPLO), {})
    if UPLO not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    _square(x)
    t, r = _types(x)
    if _empty(x):
        return _numpy(name, x, UPLO)
    real = _np.dtype(r.char.lower()) if r.kind == "c" else r
    res = _run(_EIGH, t, x, flag=(1 if UPLO == "U" else 0) | (0 if vectors else 2))
    _check(res[-1], "Eigenvalues did not converge")
    w = res[0].reshape(x.shape[:-1]).astype(real, copy=False)
    if not vectors:
        return w
    v = res[1].reshape(x.shape).astype(r, copy=False)
    return _result("EighResult", w, v)


def eigh(a, UPLO="L"):
    return _eigh(a, UPLO, True)


def eigvalsh(a, UPLO="L"):
    return _eigh(a, UPLO, False)


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    x = _operand(a)
    if x is None or hermitian:
        return call_numpy(_np.linalg.svd, "linalg.svd", (a, full_matrices, compute_uv, hermitian), {})
    _stacked_2d(x)
    t, r = _types(x)
    if _empty(x):
        return _numpy("svd", x, full_matrices, compute_uv)
    m, n = x.shape[-2:]
    k = min(m, n)
    real = _np.dtype(r.char.lower()) if r.kind == "c" else r
    res = _run(_SVD, t, x, flag=(1 if compute_uv else 0) | (2 if full_matrices else 0))
    _check(res[-1], "SVD did not converge")
    batch = x.shape[:-2]
    if not compute_uv:
        return res[0].reshape(batch + (k,)).astype(real, copy=False)
    u, s, vh = res[0], res[1], res[2]
    u = u.reshape(batch + (m, m if full_matrices else k)).astype(r, copy=False)
    s = s.reshape(batch + (k,)).astype(real, copy=False)
    vh = vh.reshape(batch + (n if full_matrices else k, n)).astype(r, copy=False)
    return _result("SVDResult", u, s, vh)


class _Umath:
    """NumPy's _umath_linalg as its Python code (qr, lstsq) calls it: the
    gufuncs of those on our deferred arrays are LAPACK tasks, so NumPy's
    argument handling, defaults, warnings and result types stay NumPy's;
    eager operands and every other gufunc are NumPy's own."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def _numpy(self, name, args, kwargs):
        r = getattr(self._real, name)(*[to_numpy(x) for x in args], **kwargs)
        return tuple(wrap_result(x) for x in r) if isinstance(r, tuple) else wrap_result(r)

    def _qr_raw(self, name, a, **kwargs):
        if _operand(a) is None:
            return self._numpy(name, (a,), kwargs)
        m, n = a.shape[-2:]
        a2, tau, info = _run(_QR, a.dtype, a)
        a[...] = a2.reshape(a.shape)  # NumPy's gufunc writes a in place
        return tau.reshape(a.shape[:-2] + (min(m, n),))

    def qr_r_raw_m(self, a, **kwargs):
        return self._qr_raw("qr_r_raw_m", a, **kwargs)

    def qr_r_raw_n(self, a, **kwargs):
        return self._qr_raw("qr_r_raw_n", a, **kwargs)

    def qr_r_raw(self, a, **kwargs):  # NumPy 2's name
        return self._qr_raw("qr_r_raw", a, **kwargs)

    def _qr_q(self, name, a, tau, complete, **kwargs):
        if _operand(a) is None:
            return self._numpy(name, (a, tau), kwargs)
        from ._creation import asarray
        m, n = a.shape[-2:]
        tau = asarray(tau)
        q, info = _run(_QR_Q, a.dtype, a, tau.reshape(tau.shape[:-1] + (1, tau.shape[-1])),
                       flag=2 if complete else 0)
        return q.reshape(a.shape[:-2] + (m, m if complete else min(m, n)))

    def qr_reduced(self, a, tau, **kwargs):
        return self._qr_q("qr_reduced", a, tau, False, **kwargs)

    def qr_complete(self, a, tau, **kwargs):
        return self._qr_q("qr_complete", a, tau, True, **kwargs)

    def _eig(self, name, a, vectors, **kwargs):
        if _operand(a) is None:
            return self._numpy(name, (a,), kwargs)
        # the computation type NumPy's code asks of the gufunc ('d->DD', 'D->D')
        t = _np.dtype(_np.complex128 if str(kwargs.get("signature", "d")).startswith("D") else _np.float64)
        n = a.shape[-1]
        outs = _run(_EIG, t, a, flag=1 if vectors else 0)
        _check(outs[-1], "Eigenvalues did not converge")
        w = outs[0].reshape(a.shape[:-1])
        return (w, outs[1].reshape(a.shape[:-2] + (n, n))) if vectors else w

    def eig(self, a, **kwargs):
        return self._eig("eig", a, True, **kwargs)

    def eigvals(self, a, **kwargs):
        return self._eig("eigvals", a, False, **kwargs)

    def _lstsq(self, name, a, b, rcond, **kwargs):
        if _operand(a) is None and _operand(b) is None:
            return self._numpy(name, (a, b, rcond), kwargs)
        from ._creation import asarray, zeros
        from ._manip import concatenate
        from ._ufunc import absolute
        a, b = asarray(a), asarray(b)
        # the computation type NumPy's code asks of the gufunc
        t = _np.dtype(_np.complex128 if str(kwargs.get("signature", "d")).startswith("D") else _np.float64)
        m, n = a.shape[-2:]
        k = b.shape[-1]
        bp = b.astype(t) if m >= n else concatenate([b.astype(t), zeros(b.shape[:-2] + (n - m, k), t)], axis=-2)
        tiled = self._lstsq_tiled(a, bp, t, float(rcond)) if a.ndim == 2 and m >= n else None
        if tiled is not None:
            return tiled
        out, s, rank, info = _run(_LSTSQ, t, a.astype(t, copy=False), bp, rcond=float(rcond))
        _check(info, "SVD did not converge in Linear Least Squares")
        batch = a.shape[:-2]
        out = out.reshape(batch + (max(m, n), k))
        x = out[..., :n, :]
        real = _np.dtype(t.char.lower()) if t.kind == "c" else t
        if m > n:
            resids = (absolute(out[..., n:, :]) ** 2).sum(axis=-2)
        else:
            resids = zeros(batch + (k,), real)
        r = to_numpy(rank).astype(_np.int32).reshape(batch)
        return x, resids, (r[()] if r.ndim == 0 else r), s.reshape(batch + (min(m, n),))

    def _lstsq_tiled(self, a, b, t, rcond):
        """(x, residuals, rank, s) of one m x n matrix (m >= n) of at least
        two column tiles through the tiled QR (numpy/qr.c): x = R^-1
        (Q^H b)[:n], the residuals the squares of (Q^H b)[n:], s the
        singular values of R (A's), and the rank by gelsd's rule (s >
        rcond * s[0], machine precision for rcond < 0).  None when A is
        rank-deficient (gelsd's minimum-norm solution is another), too
        tall for the flat tree's task count, or small: the LAPACK task."""
        from ._diag import triu
        from ._ufunc import absolute
        m, n = a.shape
        nb = _tile_for(n)
        if not nb or n < 2 * nb or -(-(m - n) // nb) > 512:
            return None
        rr, xx = _core.qr_solve_tiled(as_core(a.astype(t, copy=False)), as_core(b), dt_num(t), nb,
                                      min(32, nb))
        r, x = _deferred(rr), _deferred(xx)
        real = _np.dtype(t.char.lower()) if t.kind == "c" else t
        sv, info = _run(_SVD, t, triu(r[:n]), flag=0)
        _check(info, "SVD did not converge in Linear Least Squares")
        sv = sv.reshape((n,))
        host = to_numpy(sv)
        tol = (rcond if rcond >= 0 else _np.finfo(real).eps) * host[0]
        rank = int((host > tol).sum())
        if rank < n:
            return None
        resids = (absolute(x[n:]) ** 2).sum(axis=0) if m > n else None
        if resids is None:
            from ._creation import zeros
            resids = zeros((b.shape[-1],), real)
        return x[:n], resids, _np.int32(rank), sv

    def lstsq_m(self, a, b, rcond, **kwargs):
        return self._lstsq("lstsq_m", a, b, rcond, **kwargs)

    def lstsq_n(self, a, b, rcond, **kwargs):
        return self._lstsq("lstsq_n", a, b, rcond, **kwargs)

    def lstsq(self, a, b, rcond, **kwargs):  # NumPy 2's name
        return self._lstsq("lstsq", a, b, rcond, **kwargs)


def matrix_transpose(x, /):
    """NumPy 2's np.linalg.matrix_transpose: the last two axes swapped (a
    view)."""
    from ._creation import asarray
    from ._manip import swapaxes
    x = asarray(x)
    if x.ndim < 2:
        raise ValueError("Input array must be at least 2-dimensional, but it is %d" % x.ndim)
    return swapaxes(x, -1, -2)


def vecdot(x1, x2, /, *, axis=-1):
    """NumPy 2's np.linalg.vecdot: sum(conj(x1) * x2) along axis, the
    operands broadcast, in their result dtype."""
    from ._creation import asarray
    from ._ufunc import conjugate, multiply
    a, b = asarray(x1), asarray(x2)
    if a.ndim == 0 or b.ndim == 0 or a.shape[axis] != b.shape[axis]:
        from ._ufunc import ghost
        _np.linalg.vecdot(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype), axis=axis)
        raise ValueError("vecdot: operands do not match")  # NumPy raised above
    dt = _np.result_type(a.dtype, b.dtype)
    return multiply(conjugate(a) if a.dtype.kind == "c" else a, b).sum(axis=axis, dtype=dt)


FUNCTIONS = {f.__name__: f for f in (cholesky, inv, solve, slogdet, det, eigh, eigvalsh, svd)}
# NumPy 2's array-API additions
FUNCTIONS.update({f.__name__: f for f in (matrix_transpose, vecdot) if hasattr(_np.linalg, f.__name__)})
# NumPy's own Python code over the functions above (qr, lstsq, eig and
# eigvals over _Umath's gufuncs; NumPy 2's array-API additions over ours)
NUMPY_CODE = ("pinv", "matrix_rank", "cond", "tensorsolve", "tensorinv", "qr", "lstsq", "eig", "eigvals") + tuple(
    n for n in ("cross", "diagonal", "matmul", "matrix_norm", "outer", "svdvals", "tensordot", "trace",
                "vector_norm") if hasattr(_np.linalg, n))


def lazy_numpy_code(name):
    """numpy_code(name), made at the first call (legate.numpy is still being
    imported when the linalg module is set up)."""
    def f(*args, **kwargs):
        return numpy_code(name)(*args, **kwargs)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = getattr(_np.linalg, name).__doc__
    f.__module__ = __name__
    return f


def numpy_code(name):
    """NumPy's np.linalg.<name> rebound to legate.numpy, its calls of the
    functions above ours."""
    from ._numpy_impl import rebound
    from ._array import _NoValue
    f = rebound(getattr(_np.linalg, name))
    from ._linalg import matmul
    f.__globals__.update(FUNCTIONS)
    for k in ("matmul", "_core_matmul"):  # NumPy 2's np.linalg.matmul, and the ufunc it calls
        if k in f.__globals__:
            f.__globals__[k] = matmul
    # its "not given" defaults are ours (rebound), and so must be the name
    # its code tests them against (NumPy 2's pinv: rtol=_NoValue)
    if "_NoValue" in f.__globals__:
        f.__globals__["_NoValue"] = _NoValue
    real = f.__globals__.get("_umath_linalg")
    if real is not None and not isinstance(real, _Umath):
        f.__globals__["_umath_linalg"] = _Umath(real)
    return f
