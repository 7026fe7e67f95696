"""Repetition: tile repeat resize.

Deferred arrays are broadcast along a new axis beside each repeated one and
reshaped (one native copy), so no data goes through the host.  ``repeat``
with per-element counts needs a gather, which has no native kernel yet: it
takes the NumPy fallback."""

import numpy as _np

from ._array import as_operand, ndarray, wrap_result
from ._dtypes import normalize_axis_index


def _asarray(a):
    return a if type(a) is ndarray else as_operand(a)


def tile(A, reps):
    from ._manip import broadcast_to, reshape
    A = _asarray(A)
    if A._np is not None:
        return wrap_result(_np.tile(A._np, reps))
    try:
        tup = tuple(reps)
    except TypeError:
        tup = (reps,)
    tup = tuple(int(r) for r in tup)
    if any(r < 0 for r in tup):  # NumPy's error, from its own code
        _np.tile(_np.zeros(1), tup)
    d = len(tup)
    nd = max(A.ndim, d)
    shape = (1,) * (nd - A.ndim) + A.shape
    tup = (1,) * (nd - d) + tup
    if all(r == 1 for r in tup):
        return A.copy().reshape(shape)
    a = reshape(A, sum(((1, s) for s in shape), ()))
    b = broadcast_to(a, sum(((r, s) for r, s in zip(tup, shape)), ()))
    return reshape(b.copy(), tuple(r * s for r, s in zip(tup, shape)))


def repeat(a, repeats, axis=None):
    from ._manip import broadcast_to, moveaxis, ravel, reshape
    from ._fallback import call_numpy
    a = _asarray(a)
    if a._np is not None:
        return wrap_result(_np.repeat(a._np, _np.asarray(repeats) if type(repeats) is not ndarray
                                      else repeats.__array__(), axis))
    r = _np.asarray(repeats) if type(repeats) is not ndarray else None
    if r is None or (r.ndim == 1 and r.shape[0] != 1):
        return _repeat_counts(a, repeats, axis)
    if r.ndim > 1:
        return call_numpy(_np.repeat, "repeat", (a, repeats), {"axis": axis})
    # NumPy's errors (a negative count, a bad axis, a count that is no int)
    _np.repeat(_np.zeros((1,) * max(a.ndim, 1)), r, axis)
    n = int(r.reshape(-1)[0])
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis_index(axis, a.ndim)
    b = moveaxis(a, axis, -1)
    c = broadcast_to(reshape(b, b.shape + (1,)), b.shape + (n,))
    flat = reshape(c.copy(), b.shape[:-1] + (b.shape[-1] * n,))
    return moveaxis(flat, -1, axis).copy()


def _repeat_counts(a, repeats, axis):
    """repeat with a count per element along axis: element j of the result
    is a[searchsorted(cumsum(counts), j, 'right')] (native cumsum, search
    and gather; the total is read to size the result)."""
    from ._creation import arange, asarray
    from ._manip import ravel
    from ._scan import cumsum
    from ._sort import searchsorted
    from ._fallback import call_numpy
    counts = asarray(repeats)
    if counts.ndim != 1:
        return call_numpy(_np.repeat, "repeat", (a, repeats), {"axis": axis})
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis_index(axis, a.ndim)
    # NumPy's errors (a count that is no int, a length that is not the
    # axis') on zero-memory stand-ins
    _np.repeat(_np.zeros(a.shape[axis], _np.int8), _np.zeros(counts.shape, counts.dtype), 0)
    if counts.size == 1:
        return repeat(a, int(counts[0]), axis)
    if counts.size == 0:
        return a.copy()
    if bool((counts < 0).any()):
        raise ValueError("repeats may not contain negative values.")
    ends = cumsum(counts.astype(_np.int64))
    idx = searchsorted(ends, arange(int(ends[-1]), dtype=_np.int64), side="right")
    return a.take(idx, axis=axis)


def resize(a, new_shape):
    from ._creation import zeros
    from ._manip import concatenate, ravel, reshape
    a = _asarray(a)
    if a._np is not None:
        return wrap_result(_np.resize(a._np, new_shape))
    if isinstance(new_shape, (int, _np.integer)):
        new_shape = (new_shape,)
    new_shape = tuple(int(s) for s in new_shape)
    if any(s < 0 for s in new_shape):
        raise ValueError("all elements of `new_shape` must be non-negative")
    size = 1
    for s in new_shape:
        size *= s
    flat = ravel(a)
    if a.size == 0 or size == 0:
        return zeros(new_shape, dtype=a.dtype)
    reps = -(-size // a.size)
    whole = concatenate((flat,) * reps) if reps > 1 else flat
    return reshape(whole[:size], new_shape).copy() if reps == 1 else reshape(whole[:size], new_shape)
