"""Diagonals and triangles: diagonal diag diagflat trace fill_diagonal tri
tril triu.

Deferred arrays use native operations only: a diagonal is a strided slice
of the last two axes flattened (a view when they are contiguous, as NumPy's
read-only view; a read-only copy otherwise, which cannot be written through
either but does not follow later writes to the array), triangles are a
``where`` over an index comparison built from ``arange``."""

import numpy as _np

from ._array import as_operand, ndarray, wrap_result, wrap_view
from ._dtypes import normalize_axis_index
from ._ufunc import ghost


def _asarray(a):
    return a if type(a) is ndarray else as_operand(a)


def _diag_start_len(n, m, offset):
    """First flat index and length of diagonal `offset` of an n x m block."""
    if offset >= 0:
        return offset, max(0, min(n, m - offset))
    return -offset * m, max(0, min(n + offset, m))


def diagonal(a, offset=0, axis1=0, axis2=1):
    from ._manip import moveaxis, reshape
    a = _asarray(a)
    if a._np is not None:
        return wrap_view(_np.diagonal(a._np, offset, axis1, axis2))
    # NumPy's errors (ndim < 2, bad or equal axes) on a ghost
    _np.diagonal(ghost(a.shape, bool), offset, axis1, axis2)
    offset = int(offset)
    ax1, ax2 = normalize_axis_index(axis1, a.ndim), normalize_axis_index(axis2, a.ndim)
    b = moveaxis(a, (ax1, ax2), (-2, -1))
    n, m = b.shape[-2:]
    start, length = _diag_start_len(n, m, offset)
    flat = reshape(b, b.shape[:-2] + (n * m,))
    res = flat[..., start:start + length * (m + 1):m + 1] if length else flat[..., :0]
    if res._arr is not None:
        res._arr.readonly = True
    return res


def diag(v, k=0):
    from ._creation import zeros
    from ._manip import reshape
    v = _asarray(v)
    if v._np is not None:
        return wrap_result(_np.diag(v._np, k))
    if v.ndim == 1:
        n = v.shape[0] + abs(int(k))
        res = zeros((n, n), dtype=v.dtype)
        start = int(k) if k >= 0 else -int(k) * n
        if v.shape[0]:
            reshape(res, (n * n,))[start:start + v.shape[0] * (n + 1):n + 1] = v
        return res
    if v.ndim == 2:
        return diagonal(v, k)
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v, k=0):
    from ._manip import ravel
    v = _asarray(v)
    if v._np is not None:
        return wrap_result(_np.diagflat(v._np, k))
    return diag(ravel(v), k)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    from ._reduction import sum as _sum
    a = _asarray(a)
    if a._np is not None and out is None:
        return wrap_result(_np.trace(a._np, offset, axis1, axis2, dtype))
    return _sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype, out=out)


def tri(N, M=None, k=0, dtype=float, *, like=None):
    from ._creation import arange, _deferrable
    # NumPy's checks of the arguments on an empty result
    _np.tri(0, 0, k, dtype)
    M = N if M is None else M
    if not _deferrable(int(N) * int(M), _np.dtype(dtype)):
        return wrap_result(_np.tri(N, M, k, dtype))
    N, M, k = int(N), int(M), int(k)
    rows = arange(N).reshape(N, 1)
    cols = arange(-k, M - k).reshape(1, M)
    return (rows >= cols).astype(dtype, copy=False)


def _triangle(m, k, lower):
    from ._linalg import where
    m = _asarray(m)
    if m._np is not None:
        return wrap_result((_np.tril if lower else _np.triu)(m._np, k))
    if m.ndim < 1:
        # NumPy 1.x and 2.x disagree on 0-d input: ask the installed one
        return wrap_result((_np.tril if lower else _np.triu)(_np.asarray(m), k))
    k = int(k)
    shape = m.shape if m.ndim >= 2 else (m.shape[0], m.shape[0])
    if m.ndim == 1:  # NumPy broadcasts a 1-D input to a square
        from ._manip import broadcast_to
        m = broadcast_to(m, shape)
    mask = tri(*shape[-2:], k=k if lower else k - 1, dtype=bool)
    zero = _np.zeros(1, dtype=m.dtype)[0]
    return where(mask, m, zero) if lower else where(mask, zero, m)


def tril(m, k=0):
    return _triangle(m, k, True)


def triu(m, k=0):
    return _triangle(m, k, False)


def fill_diagonal(a, val, wrap=False):
    """In place, as NumPy's: the diagonal of a contiguous deferred array is
    a strided slice of its flat view (val repeats cyclically along it)."""
    from ._manip import ravel, reshape
    from ._tile import resize
    from ._fallback import call_numpy
    if type(a) is ndarray and a._np is not None:
        from ._fallback import convert
        return _np.fill_diagonal(a._np, convert(val), wrap)
    if type(a) is not ndarray or not a.flags.c_contiguous:
        return call_numpy(_np.fill_diagonal, "fill_diagonal", (a, val), {"wrap": wrap}, mutates_first=True)
    if a.ndim < 2:
        raise ValueError("array must be at least 2-d")
    end = None
    if a.ndim == 2:
        step = a.shape[1] + 1
        if not wrap:
            end = a.shape[1] * a.shape[1]
    else:
        if any(s != a.shape[0] for s in a.shape):
            raise ValueError("All dimensions of input must be of equal length")
        step = 1 + int(_np.cumprod(a.shape[:-1]).sum())
    flat = reshape(a, (a.size,))
    target = flat[:end:step]
    v = _asarray(val)
    if v.size not in (0, 1) and v.size != target.size:
        v = resize(ravel(v), (target.size,))
    elif v.size == 0:
        return None
    target[...] = v.reshape(()) if v.size == 1 and target.size != 1 else v
    return None
