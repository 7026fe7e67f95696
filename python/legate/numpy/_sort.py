"""Sorting, searching and sets (issue 18).

``sort``/``argsort`` of a deferred array are one ``_core.sort`` (the values,
or the int64 indices, along one axis in NumPy's order: NaNs last, complex
lexicographic with NumPy's NaN classes; argsort stable, i.e. exactly
NumPy's ``kind='stable'``), whatever ``kind`` says: every kind NumPy
accepts gives the stable result, which is one of the results NumPy may
give for the others.  ``partition``/``argpartition`` are a full sort or
stable argsort (a valid partition for every kth), after NumPy's own kth
checks.  ``lexsort`` is successive stable argsorts composed with gathers,
``searchsorted`` one ``_core.searchsorted`` (``sorter=`` a gather first).

The set functions (``unique``, ``isin``, ``in1d``, ``intersect1d``,
``union1d``, ``setdiff1d``, ``setxor1d``, NumPy 2's ``unique_values``,
``unique_counts``, ``unique_inverse``, ``unique_all``) and ``sort_complex``,
``msort`` are NumPy's own Python code rebound to legate.numpy
(``_numpy_impl.rebound``): sorts, argsorts, searchsorted, gathers,
scatters, compactions, cumsum and concatenate, every one native.  NumPy 2's
hash-based ``unique`` (a C routine that would read the whole array on the
host) is the sort path for deferred arrays, with the hash's choice among
NaNs where they are equal (the first in the array).
``unique(axis=)`` of an array of 2 or more dimensions (NumPy 1.x: of
any), where NumPy sorts the subarrays along the axis as the records of a
structured view, sorts them as the rows of a 2-d array: a ``lexsort`` over
the columns (``_unique_rows``).  ``digitize`` is NumPy's code: its
monotonicity check (a C loop over a host copy of the bins in NumPy) as
reductions, then ``searchsorted``.

All-eager arguments go to NumPy directly.  NumPy's errors (axis, kind,
kth, side, sorter's type and length, stable= under NumPy 2) come from NumPy
run on zero-memory stand-ins.  Known difference: a ``sorter`` index out of
range raises NumPy's ValueError wherever it is; NumPy checks only those its
binary search visits."""

import inspect

import numpy as _np

from ._runtime import core as _core
from ._dtypes import NUMPY2, DT_INT64, dt_num, normalize_axis_index
from ._array import (ndarray, _NoValue, _deferred, _deferred_result, wrap_result,
                     as_operand, from_numpy_core)
from . import _fallback
from ._fallback import convert, wrap

_INTP = _np.dtype(_np.intp)


def _lnp():
    import legate.numpy as m
    return m


def call_numpy(*args, **kwargs):
    # looked up at each call: the tests replace it to prove a path native
    return _fallback.call_numpy(*args, **kwargs)


def _ghost(shape, dt, readonly=False):
    """A zero-memory stand-in of `shape` for NumPy to raise its errors on."""
    g = _np.lib.stride_tricks.as_strided(
        _np.zeros(1, dtype=dt), shape=tuple(shape), strides=(0,) * len(shape),
        writeable=True)
    if readonly:
        g.flags.writeable = False
    return g


def _tiny(a, readonly=False):
    """A stand-in of a's dtype and ndim, each dim at most 1 long."""
    return _ghost(tuple(min(n, 1) for n in a.shape), a.dtype, readonly)


def _sort_kw(kind, order, stable):
    kw = {"kind": kind, "order": order}
    if stable is not _NoValue:
        # NumPy 2's keyword (NumPy 1.x refuses it: its TypeError on the stand-in)
        kw["stable"] = stable
    return kw


def _sorted(a, axis, arg):
    """_core.Array: deferred `a` sorted (arg: stable argsort) along `axis`
    (None: flattened), already checked."""
    if axis is None or a.ndim == 0:
        from ._manip import ravel
        a = ravel(a)
        ax = 0
    else:
        ax = normalize_axis_index(axis, a.ndim)
    arr = a._arr
    if a.size == 0 or arr.shape[ax] == 1:
        # nothing to move: a copy, or zeros
        out = _core.empty(tuple(arr.shape), DT_INT64 if arg else arr.dtype_num)
        if a.size:
            _core.copy(out, _np.zeros((), _INTP) if arg else arr)
        return out
    return _core.sort(arr, ax, bool(arg))


def _deferred_in(*xs):
    return any(type(x) is ndarray and x._arr is not None for x in xs)


# ---------------------------------------------------------------- sort / argsort

def _sortlike(name, arg):
    npfunc = getattr(_np, name)

    def f(a, axis=-1, kind=None, order=None, *, stable=_NoValue):
        a = as_operand(a)
        kw = _sort_kw(kind, order, stable)
        if a._arr is None:
            if order is not None:
                return wrap_result(npfunc(a._np, axis, **kw))
            # NumPy's errors on a stand-in, then NumPy's stable sort: the
            # same result as a deferred array's, whatever the kind
            npfunc(_tiny(a), axis, **kw)
            return wrap_result(npfunc(a._np, axis, kind="stable"))
        if order is not None:
            return call_numpy(npfunc, name, (a, axis), kw)
        # NumPy's errors (axis, kind, stable=), and its 0-d results
        r = npfunc(_tiny(a), axis, **kw)
        if a.ndim == 0:
            # (argsort of a 0-d array is [0] for any axis NumPy takes)
            return wrap_result(r) if arg else _deferred(_sorted(a, None, False))
        return _deferred(_sorted(a, axis, arg))

    f.__name__ = f.__qualname__ = name
    f.__doc__ = npfunc.__doc__
    return f


sort = _sortlike("sort", False)
argsort = _sortlike("argsort", True)


def method_sort(self, axis=-1, kind=None, order=None, *, stable=_NoValue):
    """``ndarray.sort``: in place (views too)."""
    kw = _sort_kw(kind, order, stable)
    if self._np is not None:
        if order is None:
            _tiny(self, not self._np.flags.writeable).sort(axis, **kw)
            kw = {"kind": "stable"}
        self._np.sort(axis, **kw)
        return None
    if order is not None:
        from ._fallback import array_method
        return array_method(self, "sort")(axis, **kw)
    arr = self._arr
    _tiny(self, arr.readonly).sort(axis, **kw)  # NumPy's errors
    _core.copy(arr, _sorted(self, axis, False))
    return None


def method_argsort(self, axis=-1, kind=None, order=None, *, stable=_NoValue):
    if self._np is not None and order is not None:
        return wrap_result(self._np.argsort(axis, **_sort_kw(kind, order, stable)))
    return argsort(self, axis, kind, order, stable=stable)


# ---------------------------------------------------------------- partition

def _check_kth(call, a, kth, axis, kind, readonly=False, method=False):
    """NumPy's checks of kind, kth and axis: `call(standin, kth, axis,
    kind)` is NumPy's function or method (method: ndarray.partition, which
    takes no axis None).
    Returns NumPy's result when `a` is 0-d (computed on the stand-in: it
    does not depend on the value), else None."""
    k = convert(kth)
    ax = None
    if axis is not None and a.ndim:
        try:
            ax = normalize_axis_index(axis, a.ndim)
        except Exception:
            ax = None
    if a.ndim == 0 or (axis is not None and ax is None) or (method and axis is None):
        # NumPy's errors in its order (kind and kth's depth before the
        # axis); a 0-d array is computed on its stand-in
        r = call(_tiny(a, readonly), k, axis, kind)
        if a.ndim == 0:
            return r
        if axis is None:
            raise TypeError("'NoneType' object cannot be interpreted as an integer")
        normalize_axis_index(axis, a.ndim)
    n = a.size if axis is None else a.shape[ax]
    # kind, kth's type and depth: an empty stand-in whose partition axis is
    # n long (NumPy checks kth's bounds only on a non-empty array)
    call(_ghost((n, 0), a.dtype, readonly), k, 0, kind)
    if a.size:
        for v in _np.asarray(k).astype(_np.intp).reshape(-1).tolist():
            if v < 0:
                v += n
            if v < 0 or v >= n:
                raise ValueError("kth(=%d) out of bounds (%d)" % (v, n))
    return None


def _partlike(name, arg):
    npfunc = getattr(_np, name)

    def f(a, kth, axis=-1, kind="introselect", order=None):
        a = as_operand(a)
        if a._arr is None:
            return wrap_result(npfunc(a._np, convert(kth), axis, kind, order))
        if order is not None:
            return call_numpy(npfunc, name, (a, kth, axis, kind, order), {})
        r = _check_kth(lambda s, k, ax, kd: npfunc(s, k, ax, kd), a, kth, axis, kind)
        if a.ndim == 0:
            return wrap_result(r) if arg else _deferred(_sorted(a, None, False))
        return _deferred(_sorted(a, axis, arg))

    f.__name__ = f.__qualname__ = name
    f.__doc__ = npfunc.__doc__
    return f


partition = _partlike("partition", False)
argpartition = _partlike("argpartition", True)


def method_partition(self, kth, axis=-1, kind="introselect", order=None):
    """``ndarray.partition``: in place (a full sort along the axis)."""
    if self._np is not None:
        self._np.partition(convert(kth), axis, kind, order)
        return None
    if order is not None:
        from ._fallback import array_method
        return array_method(self, "partition")(kth, axis, kind, order)
    arr = self._arr
    _check_kth(lambda s, k, ax, kd: s.partition(k, ax, kd), self, kth, axis, kind,
               arr.readonly, method=True)
    _core.copy(arr, _sorted(self, axis, False))
    return None


def method_argpartition(self, kth, axis=-1, kind="introselect", order=None):
    if self._np is not None:
        return wrap_result(self._np.argpartition(convert(kth), axis, kind, order))
    if order is not None:
        from ._fallback import array_method
        return array_method(self, "argpartition")(kth, axis, kind, order)
    r = _check_kth(lambda s, k, ax, kd: s.argpartition(k, ax, kd), self, kth, axis, kind)
    if self.ndim == 0:
        return wrap_result(r)
    return _deferred(_sorted(self, axis, True))


# ---------------------------------------------------------------- lexsort

def lexsort(keys, axis=-1):
    """Indirect stable sort on several keys, the last the primary one:
    a stable argsort by the first key, then by each next key gathered in
    the current order (each pass keeps the order of equal keys)."""
    L = _lnp()
    if type(keys) is ndarray and keys._arr is None:
        return wrap_result(_np.lexsort(keys._np, axis))
    if type(keys) is ndarray:
        ks = [keys[i] for i in range(keys.shape[0])] if keys.ndim else None
    elif isinstance(keys, (list, tuple)):
        ks = [as_operand(k) for k in keys]
    else:
        ks = None
    if ks is None or not _deferred_in(*ks):
        return wrap_result(_np.lexsort(convert(keys) if ks is None else
                                       tuple(convert(ks)), axis))
    if any(dt_num(k.dtype) is None for k in ks):
        return call_numpy(_np.lexsort, "lexsort", (keys, axis), {})
    shape = ks[0].shape
    if any(k.shape != shape for k in ks):
        raise ValueError("all keys need to be the same shape")
    # NumPy's errors (axis) and its 0-d result, on stand-ins
    r = _np.lexsort([_tiny(k) for k in ks], axis)
    if len(shape) == 0:
        return wrap_result(r)
    ax = normalize_axis_index(axis, len(shape))
    ks = [k if k._arr is not None else _deferred(from_numpy_core(k._np)) for k in ks]
    if ks[0].size == 0:
        return L.empty(shape, _INTP)
    idx = _deferred(_core.sort(ks[0]._arr, ax, True))
    for k in ks[1:]:
        if len(shape) == 1:
            kk = k[idx]
        else:
            kk = L.take_along_axis(k, idx, ax)
        o = _deferred(_core.sort(kk._arr, ax, True))
        idx = idx[o] if len(shape) == 1 else L.take_along_axis(idx, o, ax)
    return idx


# ---------------------------------------------------------------- searchsorted

def _right(side):
    """Whether NumPy takes `side` (already accepted) as 'right'."""
    return int(_np.searchsorted(_np.zeros(1), 0.0, side=side)) == 1


def searchsorted(a, v, side="left", sorter=None):
    a = as_operand(a)
    if not _deferred_in(a, v, sorter):
        return wrap_result(_np.searchsorted(a._np, convert(v), side, convert(sorter)))
    va = as_operand(v)
    s = None if sorter is None else as_operand(sorter)
    if (dt_num(a.dtype) is None or dt_num(va.dtype) is None
            or (s is not None and dt_num(s.dtype) is None)):
        return call_numpy(_np.searchsorted, "searchsorted", (a, v, side, sorter), {})
    # NumPy's errors (side; a's depth; sorter's type, depth and length) on
    # small stand-ins; the values do not matter to them
    n = a.shape[0] if a.ndim == 1 else 0
    m = min(n, 1)
    a_s = _ghost((m,), a.dtype) if a.ndim == 1 else _ghost((1,) * a.ndim, a.dtype)
    s_s = None
    if s is not None:
        if s.ndim != 1:
            s_s = _np.zeros((1,) * s.ndim, s.dtype)
        else:
            s_s = _np.zeros(m if s.shape[0] == n else m + 1, s.dtype)
    _np.searchsorted(a_s, _np.zeros(1, va.dtype), side, s_s)
    right = _right(side)
    common = _np.promote_types(a.dtype, va.dtype)
    if dt_num(common) is None:
        return call_numpy(_np.searchsorted, "searchsorted", (a, v, side, sorter), {})
    L = _lnp()
    if s is not None and n:
        if s.dtype != _INTP:
            s = s.astype(_INTP)
        lo, hi = L.amin(s), L.amax(s)  # both submitted before either is read
        if int(lo) < 0 or int(hi) >= n:
            raise ValueError("Sorter index out of range.")
        a = a[s]
    if a._arr is None:
        a = _deferred(from_numpy_core(a._np))
    if a.dtype != common:
        a = a.astype(common)
    if va._arr is None:
        varr = from_numpy_core(_np.asarray(va._np, dtype=common))
    else:
        varr = (va if va.dtype == common else va.astype(common))._arr
    if n == 0 or va.size == 0:
        r = L.zeros(va.shape, _INTP)
        if va.ndim == 0:
            return _np.intp(0)
        return r
    res = _core.searchsorted(a._arr, varr, right)
    # (a scalar v gives a scalar, as NumPy: a scalar-like deferred 0-d array)
    return _deferred_result(res) if va.ndim == 0 else _deferred(res)


def _monotonicity(b):
    """NumPy's _monotonicity of 1-d deferred bins (1 increasing, -1
    decreasing, 0 neither), its loop over the bins as float64 values put as
    reductions: the direction is b[0] < b[i], i the first index where
    b[i] != b[0] (a NaN differs from everything), and then no b[j] > b[j+1]
    (increasing) or b[j] < b[j+1] (decreasing) may follow; the leading equal
    values compare neither way."""
    L = _lnp()
    if b.shape[0] < 2:
        return 1
    # (floats compare in float64 as in their own dtype: not cast; integers
    # are, as NumPy's, whose float64 values of large ones may be equal)
    f = b if b.dtype.kind == "f" else b.astype(_np.float64)
    neq = f[1:] != f[0]
    # (all four submitted before any is read)
    diff, first, down, up = L.any(neq), L.argmax(neq), L.any(f[:-1] > f[1:]), L.any(f[:-1] < f[1:])
    if not bool(diff):
        return 1
    if float(f[0]) < float(f[int(first) + 1]):
        return 0 if bool(down) else 1
    return 0 if bool(up) else -1


def digitize(x, bins, right=False):
    """NumPy's digitize: searchsorted in the bins (in the reversed bins for
    decreasing ones), the sides swapped."""
    if not _deferred_inside((x, bins)):
        return wrap_result(_np.digitize(convert(x), convert(bins), right))
    x, b = as_operand(x), as_operand(bins)
    # NumPy's errors (complex x; bins not 1-d, or not safely float64) on
    # stand-ins, whose bins (all equal) are monotonic
    _np.digitize(_tiny(x), _tiny(b), right)
    mono = _monotonicity(b)
    if mono == 0:
        raise ValueError("bins must be monotonically increasing or decreasing")
    side = "left" if right else "right"
    if mono == -1:
        return len(b) - searchsorted(b[::-1], x, side)
    return searchsorted(b, x, side)


def method_searchsorted(self, v, side="left", sorter=None):
    if self._np is not None and not _deferred_in(v, sorter):
        return wrap_result(self._np.searchsorted(convert(v), side, convert(sorter)))
    return searchsorted(self, v, side, sorter)


# ---------------------------------------------------------------- NumPy's code

def _hash_like(npf, ns):
    """NumPy 2's _unique_hash (its unique values, in the order of a hash
    table, of the dtypes it takes), for our arrays by the sort path: the
    same values, each the first of its equal values in the array (the sort
    is stable), and, where NaNs are equal, NumPy's NaN: the array's first
    (the sort path would keep the first in NumPy's order of NaNs)."""
    def f(ar, *args, **kwargs):
        if type(ar) is not ndarray:
            return npf(ar, *args, **kwargs)
        if npf(_np.zeros(1, ar.dtype), *args, **kwargs) is NotImplemented:
            return NotImplemented
        equal_nan = kwargs.get("equal_nan", args[0] if args else True)
        # (return_counts: a path that does not come back here)
        u = ns["_unique1d"](ar, return_counts=True, equal_nan=equal_nan)[0]
        if equal_nan and ar.dtype.kind in "fc" and u.size:
            L = _lnp()
            if bool(L.isnan(u[-1])):
                flat = L.ravel(ar)
                u[-1] = flat[L.flatnonzero(L.isnan(flat))[0]]
        return u
    return f


class _Converter:
    """NumPy 2's _array_converter for one of our arrays, as _unique1d uses
    it (unpacked, then .wrap): the array itself, not a host copy."""

    def __init__(self, ar):
        self._ar = ar

    def __iter__(self):
        return iter((self._ar,))

    def wrap(self, x, **kwargs):
        return x


def _converter(npf):
    def f(*arrays, **kwargs):
        if len(arrays) == 1 and type(arrays[0]) is ndarray and not kwargs:
            return _Converter(arrays[0])
        return npf(*arrays, **kwargs)
    return f


_patched = set()


def _rebound(npfunc):
    from ._numpy_impl import rebound
    f = rebound(npfunc)
    ns = f.__globals__
    if id(ns) not in _patched:
        if "_unique_hash" in ns:
            ns["_unique_hash"] = _hash_like(ns["_unique_hash"], ns)
        if "_array_converter" in ns:
            ns["_array_converter"] = _converter(ns["_array_converter"])
        _patched.add(id(ns))
    return f


def _deferred_inside(obj):
    from ._numpy_impl import _deferred_inside as d
    return d(obj)


def _impl(name):
    """NumPy's `name` over ours (_numpy_impl.numpy_impl), rebound with the
    patches above"""
    from ._numpy_impl import numpy_impl
    f = numpy_impl(name, _rebound)
    f.__module__ = __name__
    return f


_unique_impl = _impl("unique")
_unique_sig = inspect.signature(_np.unique)


def _unique_rows(ar, ri, rv, rc, axis, kw):
    """unique(ar, ri, rv, rc, axis=axis, **kw) of deferred `ar`, as NumPy:
    the subarrays along `axis`, flattened, are the records of a structured
    array, sorted field by field (each by its dtype's compare: NumPy's sort
    order, NaN last, -0.0 == 0.0, but for float16, whose compare puts NaN
    first) and told apart by != (a row with a NaN is unlike every other:
    equal_nan does not apply to records).  Here they are the rows of a 2-d
    array sorted by a lexsort over its columns (column 0 the primary key;
    one stable argsort per column, and for float16 one of its NaN flags
    above it: return_index gives first occurrences, as NumPy's mergesort)."""
    L = _lnp()
    # NumPy's errors (axis, keywords) and the form of its result (which
    # outputs; the inverse's ndim, which NumPy 2.0.0 made ar's) from a
    # stand-in at most 1 long along each axis
    t = _np.unique(_tiny(ar), ri, rv, rc, axis, **kw)
    try:
        ax = normalize_axis_index(axis, ar.ndim)
    except TypeError:  # (NumPy 1.x's moveaxis takes a sequence of one axis)
        (ax,) = (normalize_axis_index(i, ar.ndim) for i in axis)
    a = L.moveaxis(ar, ax, 0)
    n, rest = a.shape[0], a.shape[1:]
    m = 1
    for s in rest:
        m *= s
    rows = L.reshape(a, (n, m))
    if m and n > 1:
        keys = []
        for j in range(m - 1, -1, -1):
            keys.append(rows[:, j])
            if ar.dtype == _np.float16:
                keys.append(~L.isnan(keys[-1]))  # (NaN first)
        perm = lexsort(keys)
    else:
        perm = L.arange(n, dtype=_INTP)  # (rows of no values are all equal)
    aux = rows[perm]
    mask = L.ones(n, bool)
    if n > 1:
        mask = L.concatenate((mask[:1], L.any(aux[1:] != aux[:-1], axis=1)))
    uniq = L.compress(mask, aux, axis=0)
    ret = [L.moveaxis(L.reshape(uniq, (uniq.shape[0],) + rest), 0, ax)]
    if ri:
        ret.append(L.compress(mask, perm))
    if rv:
        inv = _deferred(_core.empty((n,), DT_INT64))  # (a scatter into a store)
        inv[perm] = L.cumsum(mask, dtype=_INTP) - 1
        if t[1 + bool(ri)].ndim > 1:
            inv = inv.reshape(tuple(n if i == ax else 1 for i in range(ar.ndim)))
        ret.append(inv)
    if rc:
        starts = L.flatnonzero(mask)
        ret.append(L.diff(L.concatenate((starts, L.full(1, n, dtype=starts.dtype)))))
    return ret[0] if len(ret) == 1 else tuple(ret)


def unique(*args, **kwargs):
    try:
        bound = _unique_sig.bind(*args, **kwargs)
    except TypeError:
        bound = None
    if bound is not None and _deferred_inside(bound.arguments.get("ar")):
        bound.apply_defaults()
        b = dict(bound.arguments)
        ar = as_operand(b.pop("ar"))
        axis = b.pop("axis")
        if axis is not None and (not NUMPY2 or ar.ndim != 1) and ar._arr is not None:
            # (NumPy 2 takes a 1-d array with an axis as one without)
            ri, rv, rc = (b.pop(k) for k in ("return_index", "return_inverse",
                                              "return_counts"))
            b.update(b.pop("kwargs", {}))
            return _unique_rows(ar, ri, rv, rc, axis, b)
    return _unique_impl(*args, **kwargs)


unique.__doc__ = _np.unique.__doc__
unique.__wrapped__ = _np.unique

# NumPy's Python functions served through _impl, as the installed NumPy has
# them (msort and in1d are NumPy 1.x's, unique_* NumPy 2's)
IMPL_NAMES = tuple(n for n in (
    "isin", "in1d", "intersect1d", "union1d", "setdiff1d", "setxor1d", "sort_complex",
    "msort", "unique_values", "unique_counts", "unique_inverse", "unique_all",
) if hasattr(_np, n))

FUNCTIONS = {
    "sort": sort, "argsort": argsort, "partition": partition,
    "argpartition": argpartition, "lexsort": lexsort, "searchsorted": searchsorted,
    "unique": unique, "digitize": digitize,
}
FUNCTIONS.update((n, _impl(n)) for n in IMPL_NAMES)
