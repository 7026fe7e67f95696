"""Splitting and joining along axes: split array_split hsplit vsplit dsplit
column_stack dstack append, and the axis moves rot90 rollaxis.

Splits are views (as NumPy's), joins are ``concatenate``, rotations are
flips and transposes: all native on deferred arrays."""

import numpy as _np

from ._array import as_operand, ndarray, wrap_view
from ._dtypes import normalize_axis_index
from ._ufunc import ghost


def _asarray(a):
    return a if type(a) is ndarray else as_operand(a)


def _cut(a, npfunc, indices_or_sections, axis):
    """Views of a deferred `a` where NumPy's `npfunc` cuts it: NumPy's
    errors and cut points come from the same call on a zero-memory ghost of
    the array's shape."""
    pieces = npfunc(ghost(a.shape, bool), indices_or_sections, axis)
    ax = normalize_axis_index(axis, a.ndim)
    pre = (slice(None),) * ax
    try:  # indices: NumPy slices between them as Python does (any order)
        cuts = [0] + [int(i) for i in indices_or_sections] + [a.shape[ax]]
        return [a[pre + (slice(cuts[i], cuts[i + 1]),)] for i in range(len(cuts) - 1)]
    except TypeError:  # sections: consecutive pieces of NumPy's sizes
        out, start = [], 0
        for p in pieces:
            out.append(a[pre + (slice(start, start + p.shape[ax]),)])
            start += p.shape[ax]
        return out


def array_split(ary, indices_or_sections, axis=0):
    a = _asarray(ary)
    if a._np is not None:
        return [wrap_view(x) for x in _np.array_split(a._np, indices_or_sections, axis)]
    return _cut(a, _np.array_split, indices_or_sections, axis)


def split(ary, indices_or_sections, axis=0):
    a = _asarray(ary)
    if a._np is not None:
        return [wrap_view(x) for x in _np.split(a._np, indices_or_sections, axis)]
    return _cut(a, _np.split, indices_or_sections, axis)


def _split_nd(ary, indices_or_sections, axis, least, name):
    a = _asarray(ary)
    if a.ndim < least:
        raise ValueError("%s only works on arrays of %d or more dimensions" % (name, least))
    return split(a, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    a = _asarray(ary)
    if a.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(a, indices_or_sections, 1 if a.ndim > 1 else 0)


def vsplit(ary, indices_or_sections):
    return _split_nd(ary, indices_or_sections, 0, 2, "vsplit")


def dsplit(ary, indices_or_sections):
    return _split_nd(ary, indices_or_sections, 2, 3, "dsplit")


def column_stack(tup):
    from ._manip import concatenate, reshape
    arrs = []
    for v in tup:
        v = _asarray(v)
        if v.ndim < 2:
            v = reshape(v, (-1, 1)) if v.ndim == 1 else reshape(v, (1, 1))
        arrs.append(v)
    return concatenate(arrs, 1)


def dstack(tup):
    from ._manip import atleast_3d, concatenate
    return concatenate([atleast_3d(x) for x in tup], 2)


def append(arr, values, axis=None):
    from ._manip import concatenate, ravel
    arr = _asarray(arr)
    values = _asarray(values)
    if axis is None:
        if arr.ndim != 1:
            arr = ravel(arr)
        values = ravel(values)
        axis = arr.ndim - 1
    return concatenate((arr, values), axis=axis)


def rot90(m, k=1, axes=(0, 1)):
    from ._manip import flip, transpose
    m = _asarray(m)
    if m._np is not None:
        return wrap_view(_np.rot90(m._np, k, axes))
    # NumPy's checks (axes of length 2, distinct, in range, ndim >= 2)
    _np.rot90(ghost(m.shape, bool), 0, axes)
    axes = tuple(axes)
    k %= 4
    if k == 0:
        return m[...]
    if k == 2:
        return flip(flip(m, axes[0]), axes[1])
    perm = list(range(m.ndim))
    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
    if k == 1:
        return transpose(flip(m, axes[1]), perm)
    return flip(transpose(m, perm), axes[1])


def rollaxis(a, axis, start=0):
    from ._manip import transpose
    a = _asarray(a)
    if a._np is not None:
        return wrap_view(_np.rollaxis(a._np, axis, start))
    # NumPy's axis/start checks and the permutation, read off a probe whose
    # strides number its axes
    from ._manip import _probe
    p = _np.rollaxis(_probe(a.ndim), axis, start)
    perm = tuple(int(s) for s in p.strides)
    return transpose(a, perm)
