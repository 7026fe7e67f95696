"""Index functions over deferred arrays (issue 18): nonzero, flatnonzero,
argwhere, extract, compress, take, put, place, putmask, choose, built on
the native compaction, gather and scatter (_core.compact/gather/scatter,
numpy/index.c).  All-eager arguments go to NumPy directly; what these do
not take (out=, 0-d arrays where NumPy deprecates or changes behaviour,
object values) goes through the fallback, which says so."""

import numpy as _np

from ._runtime import core as _core
from ._dtypes import DTYPES
from ._array import ndarray, _deferred, wrap_result, as_core, to_numpy
from . import _fallback
from ._fallback import convert, wrap

_I64 = _np.dtype(_np.int64)


def _lnp():
    import legate.numpy as m
    return m


def _deferred_in(*xs):
    return any(type(x) is ndarray and x._arr is not None for x in xs)


def _core_of(x):
    return x._arr if x._arr is not None else as_core(x)


def call_numpy(*args, **kwargs):
    # looked up at each call: tests replace it to prove a path native
    return _fallback.call_numpy(*args, **kwargs)


def _numpy(func, name, args, kwargs=None):
    """func on all-eager arguments: NumPy itself, results wrapped."""
    return wrap(func(*convert(args), **convert(kwargs or {})))


def _truth(a):
    """a as a bool mask (NumPy's truth of each element)."""
    return a if a.dtype == _np.bool_ else a.astype(bool)


def _coords(a):
    """(count, ndim) int64 coordinates of a's nonzeros, a deferred."""
    m = _lnp().ravel(_truth(a))
    return _core.compact(None, m._arr, 0, tuple(a.shape))


def nonzero(a):
    a = _lnp().asarray(a)
    if a._arr is None:
        return tuple(wrap_result(i) for i in _np.nonzero(a._np))
    if a.ndim == 0:
        return call_numpy(_np.nonzero, "nonzero", (a,), {})
    from ._indexing import normalize_key
    r = _coords(a)
    return tuple(_deferred(r.index(normalize_key((slice(None), d), r.shape)[0]))
                 for d in range(a.ndim))


def flatnonzero(a):
    a = _lnp().asarray(a)
    if a._arr is None:
        return wrap_result(_np.flatnonzero(a._np))
    m = _lnp().ravel(_truth(a))
    r = _core.compact(None, m._arr, 0, (m.size,))
    return _deferred(r.reshape((r.shape[0],))[0])


def argwhere(a):
    a = _lnp().asarray(a)
    if a._arr is None:
        return wrap_result(_np.argwhere(a._np))
    if a.ndim == 0:
        return call_numpy(_np.argwhere, "argwhere", (a,), {})
    return _deferred(_coords(a))


def extract(condition, arr):
    L = _lnp()
    c, a = L.asarray(condition), L.asarray(arr)
    if not _deferred_in(c, a):
        return _numpy(_np.extract, "extract", (c, a))
    if c.size != a.size:
        return call_numpy(_np.extract, "extract", (c, a), {})
    a1 = L.ravel(a)
    m = L.ravel(_truth(c))
    r = _core.compact(a1._arr, m._arr, 1, None)
    return _deferred(r.reshape((r.shape[0],))[0])


def _axis(axis, ndim):
    from ._dtypes import normalize_axis_index
    return normalize_axis_index(axis, ndim)


def _mode_indices(ind, n, mode):
    """Indices in [0, n) (wrap/clip) or as given (raise: checked by the
    indexing)."""
    L = _lnp()
    if mode in ("raise", None):
        return ind
    if mode == "wrap":
        return L.remainder(ind, n) if n else ind
    if mode == "clip":
        return L.clip(ind, 0, n - 1) if n else ind
    raise ValueError("clipmode must be one of 'clip', 'raise', or 'wrap'")


def take(a, indices, axis=None, out=None, mode="raise"):
    L = _lnp()
    a = L.asarray(a)
    if not _deferred_in(a, indices, out):
        return _numpy(_np.take, "take", (a, indices), dict(axis=axis, out=out, mode=mode))
    if out is not None or mode not in ("raise", "wrap", "clip"):
        return call_numpy(_np.take, "take", (a, indices), dict(axis=axis, out=out, mode=mode))
    ind = L.asarray(indices)
    if ind.dtype.kind not in "iu":
        if ind.size == 0:
            ind = ind.astype(_np.intp)
        else:
            raise TypeError("Cannot cast array data from dtype('%s') to dtype('int64') according to "
                            "the rule 'safe'" % ind.dtype)
    if axis is None:
        a = L.ravel(a)
        ax = 0
    else:
        ax = _axis(axis, a.ndim)
    ind = _mode_indices(ind, a.shape[ax], mode)
    key = (slice(None),) * ax + (ind,)
    if ind.ndim == 0:
        r = a[(slice(None),) * ax + (int(ind),)]
        return r.copy() if type(r) is ndarray and r.ndim else r
    return a[key]


def compress(condition, a, axis=None, out=None):
    L = _lnp()
    a = L.asarray(a)
    c = L.asarray(condition)
    if not _deferred_in(a, c, out):
        return _numpy(_np.compress, "compress", (c, a), dict(axis=axis, out=out))
    if out is not None or c.ndim != 1:
        return call_numpy(_np.compress, "compress", (c, a), dict(axis=axis, out=out))
    if axis is None:
        a = L.ravel(a)
        ax = 0
    else:
        ax = _axis(axis, a.ndim)
    n = a.shape[ax]
    if c.size > n:
        # NumPy: an error only where a True lies beyond the axis
        if bool(L.any(c[n:])):
            raise IndexError("index %d is out of bounds for axis %d with size %d"
                             % (int(flatnonzero(c[n:])[0]) + n, ax, n))
        c = c[:n]
    idx = flatnonzero(c)
    return a[(slice(None),) * ax + (idx,)]


def put(a, ind, v, mode="raise"):
    L = _lnp()
    if type(a) is not ndarray:
        raise TypeError("argument 1 must be numpy.ndarray, not %s" % type(a).__name__)
    if a._arr is None or mode not in ("raise", "wrap", "clip"):
        if a._arr is None:
            from ._fallback import convert as cv
            _np.put(a._np, cv(ind), cv(v), mode=mode)
            return None
        return call_numpy(_np.put, "put", (a, ind, v), dict(mode=mode), mutates_first=True)
    if a._arr.readonly:
        raise ValueError("assignment destination is read-only")
    ind = L.ravel(L.asarray(ind))
    if ind.dtype.kind not in "iu":
        if ind.size:
            raise TypeError("Cannot cast array data from dtype('%s') to dtype('int64') according to "
                            "the rule 'safe'" % ind.dtype)
        ind = ind.astype(_I64)
    vals = L.ravel(L.asarray(v))
    n = ind.size
    if n == 0:
        return None
    if vals.size == 0:
        return None
    size = a.size
    if size == 0:
        raise IndexError("cannot replace elements of an empty array")
    ind = _mode_indices(ind, size, mode)
    from ._advanced import _check_bounds
    neg = _check_bounds(ind, size, 0) if mode == "raise" else False
    if ind.dtype != _I64:
        ind = ind.astype(_I64)
    if neg:
        ind = L.remainder(ind, size)
    if vals.size != n:
        vals = L.resize(vals, (n,))
    dt = a.dtype
    if dt.kind in "iuf" and vals.dtype.kind == "c":
        from . import _fpe
        _fpe.warn_complex_discard()
    _core.scatter(a._arr, _core_of(ind), _core_of(L.reshape(vals, (n, 1))))
    return None


def place(arr, mask, vals):
    L = _lnp()
    if type(arr) is not ndarray:
        raise TypeError("argument 1 must be numpy.ndarray, not %s" % type(arr).__name__)
    m = L.asarray(mask)
    if arr._arr is None and not _deferred_in(m):
        _np.place(arr._np, to_numpy(m), convert(vals))
        return None
    if arr._arr is None or m.size != arr.size:
        return call_numpy(_np.place, "place", (arr, m, vals), {}, mutates_first=True)
    if arr._arr.readonly:
        raise ValueError("assignment destination is read-only")
    pos = flatnonzero(m)
    k = pos.size
    v = L.ravel(L.asarray(vals))
    if k == 0:
        return None
    if v.size == 0:
        raise ValueError("Cannot insert from an empty array!")
    if v.size != k:
        v = L.resize(v, (k,))
    _core.scatter(arr._arr, _core_of(pos), _core_of(L.reshape(v, (k, 1))))
    return None


def putmask(a, mask, values):
    L = _lnp()
    if type(a) is not ndarray:
        raise TypeError("argument 1 must be numpy.ndarray, not %s" % type(a).__name__)
    m = L.asarray(mask)
    v = L.asarray(values)
    if a._arr is None and not _deferred_in(m, v):
        _np.putmask(a._np, to_numpy(m), to_numpy(v))
        return None
    if a._arr is None or m.size != a.size or v.size == 0:
        return call_numpy(_np.putmask, "putmask", (a, m, v), {}, mutates_first=True)
    if a._arr.readonly:
        raise ValueError("assignment destination is read-only")
    # values repeat over the whole array (a.flat[n] = values[n % size])
    full = v if v.shape == a.shape else L.reshape(L.resize(L.ravel(v), (a.size,)), a.shape)
    L.copyto(a, full, casting="unsafe", where=L.reshape(_truth(m), a.shape))
    return None


def choose(a, choices, out=None, mode="raise"):
    L = _lnp()
    a = L.asarray(a)
    if (type(choices) is ndarray or isinstance(choices, _np.ndarray)):
        choices = [choices[i] for i in range(choices.shape[0])]
    else:
        choices = list(choices)
    if not _deferred_in(a, out, *choices):
        return _numpy(_np.choose, "choose", (a, choices), dict(out=out, mode=mode))
    if out is not None or mode not in ("raise", "wrap", "clip") or not choices or a.dtype.kind not in "iu":
        return call_numpy(_np.choose, "choose", (a, choices), dict(out=out, mode=mode))
    cs = [L.asarray(c) for c in choices]
    n = len(cs)
    dt = _np.result_type(*[c.dtype for c in cs])
    try:
        shape = tuple(_np.broadcast_shapes(a.shape, *[c.shape for c in cs]))
    except ValueError:
        raise ValueError("shape mismatch: objects cannot be broadcast to a single shape.  Mismatch "
                         "is between arg 0 and arg 1.")
    if mode == "raise" and a.size:
        lo, hi = a.min(), a.max()
        if int(lo) < 0 or int(hi) >= n:
            raise ValueError("invalid entry in choice array")
    idx = _mode_indices(a, n, mode)
    size = 1
    for s in shape:
        size *= s
    stacked = L.stack([L.broadcast_to(c.astype(dt), shape) for c in cs])
    if size == 0:
        return L.empty(shape, dt)
    idx = L.broadcast_to(idx.astype(_I64), shape)
    lin = idx * size + L.arange(size, dtype=_I64).reshape(shape)
    r = _core.gather(_core_of(stacked), _core_of(L.ravel(lin)), 1)
    return _deferred(r.reshape(shape)[0])
