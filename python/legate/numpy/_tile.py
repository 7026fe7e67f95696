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


# ---------------------------------------------------------------- ndarray.resize

def _refcount_of_one():
    """sys.getrefcount(self) inside a method called as ``x.m()`` on an object
    that one variable holds (what NumPy's refcheck allows: its limit of 2,
    the variable and the call, seen from Python)."""
    import sys

    class Probe:
        def m(self, *args, **kwargs):
            return sys.getrefcount(self)

    p = Probe()
    return p.m()


_REFS_OF_ONE = _refcount_of_one()

_REFERENCED = ("cannot resize an array that references or is referenced\n"
               "by another object in this way.\n"
               "Use the np.resize function to get a new resized copy or\n"
               " set refcheck=False to disable this check")


def _resize_shape(args):
    """The shape of ``ndarray.resize(*args)`` (None: no change), NumPy's errors."""
    import operator
    if not args or (len(args) == 1 and args[0] is None):
        return None
    obj = args[0] if len(args) == 1 else args
    try:
        shape = (operator.index(obj),)
    except TypeError:
        shape = tuple(operator.index(s) for s in obj)
    for s in shape:
        if s < 0:
            # (NumPy lets a negative one pass after a 0, making a shape
            # such as (0, -1); no store has one: refused here)
            raise ValueError("negative dimensions not allowed")
    return shape


def method_resize(self, args, refcheck, refs):
    """``ndarray.resize``, in place, as NumPy: a single-segment array; the
    same number of elements is a new shape of the same memory (in F order
    for an F-contiguous array that is not C-contiguous); another number
    needs an array owning its data that nothing else references (`refs`:
    the caller's sys.getrefcount(self); no weak references either), whose
    values (C order: a deferred owner's store is) are kept, cut or followed
    by zeros, in a new store.  Known difference: views of a deferred array
    do not reference it (they hold its store), so refcheck does not see
    them; they keep the old values where NumPy would refuse."""
    import weakref
    from ._flags import c_contiguous, f_contiguous
    from ._manip import ravel, reshape
    shape = _resize_shape(args)
    if shape is None or (self._np is None and self._scalar):
        return None  # (a NumPy scalar's resize does nothing)
    size = 1
    for s in shape:
        size *= s
    if size * self.itemsize > _np.iinfo(_np.intp).max:
        raise MemoryError()
    arr = self._arr if self._np is None else None
    contiguous = (c_contiguous(arr) or f_contiguous(arr)) if arr is not None else (
        self._np.flags.c_contiguous or self._np.flags.f_contiguous)
    owns = arr.owns_data if arr is not None else self._np.flags.owndata
    if contiguous and owns and size != self.size and (
            (refcheck and refs > _REFS_OF_ONE) or weakref.getweakrefcount(self)):
        raise ValueError(_REFERENCED)
    if arr is None:
        # NumPy's own resize (its check of the references to its array)
        self._np.resize(shape, refcheck=refcheck)
        return None
    if not contiguous:
        raise ValueError("resize only works on single-segment arrays")
    if size == self.size:
        order = "F" if f_contiguous(arr) and not c_contiguous(arr) else "C"
        new = reshape(self, shape, order=order)._arr
    else:
        if not owns:
            raise ValueError("cannot resize this array: it does not own its data")
        from ._array import _deferred
        from ._runtime import core
        flat = _deferred(core.full((size,), arr.dtype_num, _np.zeros((), self.dtype)))
        k = min(size, self.size)
        if k:
            flat[:k] = ravel(self)[:k]
        new = flat._arr.reshape(shape)[0]
        new.take_place_of(flat._arr)
        new.readonly = arr.readonly
    new.take_place_of(arr)
    self._arr = new
    return None
