"""Shape manipulation: reshape ravel flatten transpose swapaxes moveaxis
squeeze expand_dims broadcast_to broadcast_arrays concatenate stack vstack
hstack atleast_Nd flip roll copyto.

Deferred arrays use _core views (``index``, ``transpose``, ``broadcast_to``,
``reshape``); argument validation and error messages come from NumPy run on
zero-memory "ghost" arrays of the same shape."""

import warnings

import numpy as _np

from ._dtypes import normalize_axis_tuple, normalize_axis_index
from ._array import as_operand, ndarray, _deferred, wrap_result, wrap_view, to_numpy, view_source, view_of, _NPND
from ._ufunc import ghost
from ._dtypes import ComplexWarning


def _asarray(a):
    if type(a) is ndarray:
        return a
    return as_operand(a)


def _probe(ndim):
    """A one-element array whose strides (0, 1, ..., ndim-1) reveal axis
    permutations (NumPy validates the axes on it).  Strides, not a shape
    (0, 1, ..., ndim-1): NumPy refuses that shape from 22 dims on (the
    product of its other extents overflows), as "array is too big"."""
    return _np.lib.stride_tricks.as_strided(
        _np.zeros(1, dtype=bool), shape=(1,) * ndim, strides=tuple(range(ndim)))


def _resolve_shape(shape, newshape, order="C"):
    """NumPy's reshape rules (-1, errors, orders) on a ghost of `shape`."""
    return ghost(shape, bool).reshape(newshape, order=order).shape


def _order(a, order):
    """'A' as NumPy reads it for a deferred array: 'F' when it is
    F-contiguous and not C-contiguous, else 'C'."""
    if order == "A" or order is None:
        from ._flags import c_contiguous, f_contiguous
        arr = a._arr
        return "F" if f_contiguous(arr) and not c_contiguous(arr) else "C"
    return order


def _view(a):
    return view_of(a, view_source(a).index(()))


_MISSING = object()


def reshape(a, newshape=_MISSING, order="C", *, shape=None, copy=None):
    if shape is not None:
        if newshape is not _MISSING:
            raise TypeError("You cannot specify 'newshape' and 'shape' arguments "
                            "at the same time.")
        newshape = shape
    if newshape is _MISSING:
        raise TypeError("reshape() missing required argument 'shape' (pos 2)")
    # (a shape of None given explicitly keeps the shape, as NumPy's does)
    a = _asarray(a)
    if a._np is not None:
        if copy is None:
            return wrap_view(a._np.reshape(newshape, order=order))
        return wrap_view(_np.reshape(a._np, newshape, order=order, copy=copy))
    # NumPy's shape and order checks ('K' is refused)
    shp = _resolve_shape(a._arr.shape, newshape, order)
    order = _order(a, order)
    if order == "F":
        # F order is C order on the reversed axes (a view where NumPy's is)
        return transpose(reshape(transpose(a), shp[::-1], copy=copy))
    if shp == a._arr.shape:
        return a.copy() if copy else _view(a)
    arr, is_view = view_source(a).reshape(shp)
    if copy is False and not is_view:
        # (NumPy 2.1's copy=False: a view or nothing)
        raise ValueError("Unable to avoid creating a copy while reshaping.")
    if copy and is_view:
        return _deferred(arr).copy()
    return view_of(a, arr) if is_view else _deferred(arr)


def ravel(a, order="C"):
    """NumPy's ravel: a view only of a contiguous array (in the order asked;
    'K': in memory order), else a copy, even where reshape(-1) would be a
    view (a[:, ::2].ravel() copies)."""
    a = _asarray(a)
    if a._np is not None:
        return wrap_view(a._np.ravel(order))
    from ._flags import c_contiguous
    ghost((1,), bool).ravel(order)  # NumPy's error for a bad order
    order = _order(a, order)
    if order == "F":
        return ravel(transpose(a))
    if order == "K":
        # the axes by decreasing |stride|: a view when that is C-contiguous
        st = a._arr.elem_strides
        perm = sorted(range(len(st)), key=lambda i: -abs(st[i]))
        t = transpose(a, perm)
        if c_contiguous(t._arr):
            return ravel(t)
        from ._fallback import call_numpy
        return call_numpy(_np.ravel, "ravel(order='K')", (a, "K"), {})
    if a._arr.ndim == 1 and c_contiguous(a._arr):
        return _view(a)
    arr, is_view = view_source(a).reshape((a._arr.size,))
    r = view_of(a, arr) if is_view else _deferred(arr)
    return r if not is_view or c_contiguous(a._arr) else r.copy()


def flatten(a, order="C"):
    a = _asarray(a)
    if a._np is not None:
        return wrap_result(a._np.flatten(order))
    ghost((1,), bool).flatten(order)  # NumPy's error for a bad order
    order = _order(a, order)
    if order == "F":
        return flatten(transpose(a))
    if order == "K":
        return ravel(a, "K").copy()
    arr, is_view = view_source(a).reshape((a._arr.size,))
    r = _deferred(arr)
    return r.copy() if is_view else r


def transpose(a, axes=None):
    a = _asarray(a)
    if a._np is not None:
        return wrap_view(a._np.transpose(axes))
    ndim = a._arr.ndim
    if axes is None:
        perm = tuple(range(ndim - 1, -1, -1))
    else:
        perm = _probe(ndim).transpose(axes).strides
    if perm == tuple(range(ndim)):
        return _view(a)
    return view_of(a, view_source(a).transpose(perm))


def permute_dims(a, axes=None):
    return transpose(a, axes)


def swapaxes(a, axis1, axis2):
    a = _asarray(a)
    if a._np is not None:
        return wrap_view(a._np.swapaxes(axis1, axis2))
    perm = _probe(a._arr.ndim).swapaxes(axis1, axis2).strides
    return view_of(a, view_source(a).transpose(perm))


def moveaxis(a, source, destination):
    a = _asarray(a)
    if a._np is not None:
        return wrap_view(_np.moveaxis(a._np, source, destination))
    perm = _np.moveaxis(_probe(a._arr.ndim), source, destination).strides
    return view_of(a, view_source(a).transpose(perm))


def squeeze(a, axis=None):
    a = _asarray(a)
    if a._np is not None:
        return wrap_view(a._np.squeeze(axis))
    shape = a._arr.shape
    _np.squeeze(ghost(shape, bool), axis)  # NumPy's errors
    if not shape:
        return _view(a)  # a 0-d array: NumPy takes axis 0 / -1 too
    if axis is None:
        removed = {i for i, s in enumerate(shape) if s == 1}
    else:
        removed = set(normalize_axis_tuple(axis, len(shape)))
    return view_of(a, view_source(a).index(tuple(0 if i in removed else slice(None)
                                        for i in range(len(shape)))))


def expand_dims(a, axis):
    a = _asarray(a)
    if a._np is not None:
        return wrap_view(_np.expand_dims(a._np, axis))
    nshape = _np.expand_dims(ghost(a._arr.shape, bool), axis).shape
    axes = set(normalize_axis_tuple(axis, len(nshape)))
    return view_of(a, view_source(a).index(tuple(None if i in axes else slice(None)
                                        for i in range(len(nshape)))))


def broadcast_to(array, shape, subok=False):
    a = _asarray(array)
    if a._np is not None:
        return wrap_view(_np.broadcast_to(a._np, shape))
    shp = _np.broadcast_to(ghost(a._arr.shape, bool), shape).shape
    # (read-only, as NumPy's, also when nothing is broadcast)
    return view_of(a, view_source(a).broadcast_to(shp))


def _broadcast_view(a, shape):
    """broadcast_arrays' result: unlike broadcast_to's, writeable as the
    array it shows (NumPy 1.x and 2.x: writes only warn, in NumPy)."""
    if a._np is not None:
        return wrap_view(_np.broadcast_arrays(a._np, ghost(shape, bool))[0])
    arr = view_source(a).broadcast_to(shape)
    arr.readonly = a._arr.readonly
    return view_of(a, arr)


class broadcast:
    """``np.broadcast``: iterates over its arrays broadcast together, yielding
    tuples of NumPy scalars read when the iteration reaches them, as NumPy's
    does (its object holds the arrays, not copies: writes made meanwhile are
    seen).  Eager arrays and NumPy data are read in place; a deferred array
    through a host copy taken again whenever its values have changed since
    (``_core.Array.version``).  ``iters`` are NumPy's flat iterators, or a
    deferred array's ``flat`` of its broadcast view."""

    def __init__(self, *args):
        ours = [type(x) is ndarray and x._arr is not None for x in args]
        srcs = [None if d else (x._np if type(x) is ndarray else _np.asarray(x))
                for x, d in zip(args, ours)]
        # NumPy's checks and errors (argument count, shapes) on stand-ins
        b = _np.broadcast(*[ghost(x.shape, x.dtype) if d else a
                            for x, d, a in zip(args, ours, srcs)])
        self._shape = b.shape
        self._args = args
        self._srcs = srcs
        self._seen = [None] * len(args)   # (version, host copy) of deferred ones
        self.index = 0

    shape = property(lambda self: self._shape)
    ndim = property(lambda self: len(self._shape))
    nd = ndim
    numiter = property(lambda self: len(self._args))

    @property
    def size(self):
        n = 1
        for e in self._shape:
            n *= e
        return n

    @property
    def iters(self):
        """Flat iterators over the arrays broadcast to the shape."""
        res = []
        for x, a in zip(self._args, self._srcs):
            if a is not None:
                res.append(_np.broadcast(a, ghost(self._shape, bool)).iters[0])
            else:
                res.append(_broadcast_view(x, self._shape).flat)
        return tuple(res)

    def reset(self):
        self.index = 0

    def __iter__(self):
        return self

    def _current(self, i):
        """Arg i's values now, as a NumPy array (deferred: a host copy)."""
        a = self._srcs[i]
        if a is not None:
            return a
        arr = self._args[i]._arr
        v = arr.version
        seen = self._seen[i]
        if seen is None or seen[0] != v:
            from ._array import materialize
            seen = self._seen[i] = (v, materialize(arr))
        return seen[1]

    def __next__(self):
        if self.index >= self.size:
            raise StopIteration
        pos = _np.unravel_index(self.index, self._shape)
        self.index += 1
        nd = len(self._shape)
        out = []
        for i in range(len(self._args)):
            a = self._current(i)
            # the element broadcast to pos: trailing dims, extent-1 dims at 0
            key = tuple(0 if n == 1 else p
                        for n, p in zip(a.shape, pos[nd - a.ndim:]))
            out.append(a[key])
        return tuple(out)


def broadcast_shapes(*shapes):
    return _np.broadcast_shapes(*shapes)


def broadcast_arrays(*args, subok=False):
    arrs = [_asarray(x) for x in args]
    if all(x._np is not None for x in arrs):
        return type(_np.broadcast_arrays(_np.zeros(1)))(
            wrap_view(x) for x in _np.broadcast_arrays(*[x._np for x in arrs]))
    shape = _np.broadcast_shapes(*[x.shape for x in arrs])
    res = [x if x.shape == shape else _broadcast_view(x, shape) for x in arrs]
    return tuple(res) if int(_np.__version__.split(".")[0]) >= 2 else list(res)


def atleast_1d(*arys):
    res = []
    for a in arys:
        a = _asarray(a)
        res.append(reshape(a, (1,)) if a.ndim == 0 else a)
    return res[0] if len(res) == 1 else (tuple(res) if _NP2 else res)


def atleast_2d(*arys):
    res = []
    for a in arys:
        a = _asarray(a)
        if a.ndim == 0:
            a = reshape(a, (1, 1))
        elif a.ndim == 1:
            a = a[None, :]
        res.append(a)
    return res[0] if len(res) == 1 else (tuple(res) if _NP2 else res)


def atleast_3d(*arys):
    res = []
    for a in arys:
        a = _asarray(a)
        if a.ndim == 0:
            a = reshape(a, (1, 1, 1))
        elif a.ndim == 1:
            a = a[None, :, None]
        elif a.ndim == 2:
            a = a[:, :, None]
        res.append(a)
    return res[0] if len(res) == 1 else (tuple(res) if _NP2 else res)


_NP2 = int(_np.__version__.split(".")[0]) >= 2


def _sequence(arrays, npfunc):
    """The joining functions' operand list.  Where NumPy refuses an iterator
    (concatenate always, the stacks under NumPy 2) it raises its TypeError:
    asked of NumPy on an empty iterator, which the versions that take
    iterators answer with a ValueError instead."""
    if isinstance(arrays, (list, tuple)):
        return list(arrays)
    if type(arrays) is ndarray or isinstance(arrays, _NPND):
        return list(arrays)
    if isinstance(arrays, dict) or not hasattr(type(arrays), "__getitem__"):
        try:
            npfunc(iter(()))
        except ValueError:
            pass
    return list(arrays)


def _all_eager(arrs, out=None):
    """No deferred ndarray among `arrs` and `out` (None, or any other object)."""
    for x in arrs:
        if type(x) is ndarray and x._arr is not None:
            return False
    return type(out) is not ndarray or out._arr is None


def _eager_join(npfunc, arrays, dtype, casting, out=None, **kw):
    """npfunc (concatenate, stack, vstack, hstack) run by NumPy on all-eager
    `arrays`; dtype and casting are passed on only when not the defaults."""
    from ._fallback import convert
    if out is not None:
        kw["out"] = to_numpy(out)
    if dtype is not None:
        kw["dtype"] = dtype
    if casting != "same_kind":
        kw["casting"] = casting
    r = npfunc(convert(arrays), **kw)
    return out if out is not None else wrap_result(r)


def concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    if out is not None and dtype is not None:
        raise TypeError("concatenate() only takes `out` or `dtype` as an argument, "
                        "but both were provided.")
    arrays = _sequence(arrays, _np.concatenate)
    if _all_eager(arrays, out):
        return _eager_join(_np.concatenate, arrays, dtype, casting, out, axis=axis)
    arrs = [_asarray(x) for x in arrays]
    if axis is None:
        arrs = [ravel(x) for x in arrs]
        axis = 0
    shapes = [x.shape for x in arrs]
    dts = [x.dtype for x in arrs]

    def numpy_raise():
        kw = {"axis": axis, "casting": casting}
        if dtype is not None:
            kw["dtype"] = dtype
        if out is not None:
            kw["out"] = ghost(out.shape, out.dtype)
        _np.concatenate([ghost(s, d) for s, d in zip(shapes, dts)], **kw)

    if not arrs:
        raise ValueError("need at least one array to concatenate")
    nd = len(shapes[0])
    ok = nd > 0 and all(len(s) == nd for s in shapes)
    if ok:
        ax = normalize_axis_index(axis, nd)
        for s in shapes[1:]:
            if any(s[i] != shapes[0][i] for i in range(nd) if i != ax):
                ok = False
    if not ok:
        numpy_raise()
        raise ValueError("all the input array dimensions except for the "
                         "concatenation axis must match exactly")
    kw = {"casting": casting}
    if dtype is not None:
        kw["dtype"] = dtype
    res_dt = _np.concatenate([_np.zeros((1,) * nd, d) for d in dts], **kw).dtype
    total = sum(s[ax] for s in shapes)
    rshape = shapes[0][:ax] + (total,) + shapes[0][ax + 1:]
    if out is not None:
        if tuple(out.shape) != rshape:
            raise ValueError("Output array has wrong dimensionality")
        res = out
    else:
        from ._creation import empty
        res = empty(rshape, res_dt)
    pos = 0
    for x in arrs:
        n = x.shape[ax]
        key = (slice(None),) * ax + (slice(pos, pos + n),)
        res[key] = x
        pos += n
    return res


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    arrays = _sequence(arrays, _np.stack)
    if _all_eager(arrays, out):
        return _eager_join(_np.stack, arrays, dtype, casting, out, axis=axis)
    arrs = [_asarray(x) for x in arrays]
    if not arrs:
        raise ValueError("need at least one array to stack")
    shapes = {x.shape for x in arrs}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    nd = arrs[0].ndim + 1
    ax = normalize_axis_index(axis, nd)
    key = (slice(None),) * ax + (None,)
    return concatenate([x[key] for x in arrs], axis=ax, out=out, dtype=dtype,
                       casting=casting)


def vstack(tup, *, dtype=None, casting="same_kind"):
    tup = _sequence(tup, _np.vstack)
    if _all_eager(tup):
        return _eager_join(_np.vstack, tup, dtype, casting)
    arrs = atleast_2d(*tup)
    if not isinstance(arrs, (list, tuple)):
        arrs = [arrs]
    return concatenate(arrs, 0, dtype=dtype, casting=casting)


row_stack = vstack


def hstack(tup, *, dtype=None, casting="same_kind"):
    tup = _sequence(tup, _np.hstack)
    if _all_eager(tup):
        return _eager_join(_np.hstack, tup, dtype, casting)
    arrs = atleast_1d(*tup)
    if not isinstance(arrs, (list, tuple)):
        arrs = [arrs]
    if arrs and arrs[0].ndim == 1:
        return concatenate(arrs, 0, dtype=dtype, casting=casting)
    return concatenate(arrs, 1, dtype=dtype, casting=casting)


def flip(m, axis=None):
    a = _asarray(m)
    if a._np is not None:
        return wrap_view(_np.flip(a._np, axis))
    nd = a.ndim
    axes = set(normalize_axis_tuple(axis, nd))
    return view_of(a, view_source(a).index(tuple(slice(None, None, -1) if i in axes else slice(None)
                                        for i in range(nd))))


def fliplr(m):
    a = _asarray(m)
    if a.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(a, 1)


def flipud(m):
    a = _asarray(m)
    if a.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(a, 0)


def roll(a, shift, axis=None):
    a = _asarray(a)
    if a._np is not None:
        return wrap_result(_np.roll(a._np, to_numpy(shift), axis))
    shift = to_numpy(shift)
    # NumPy's errors (and its acceptance of shifts: NumPy 2 truncates
    # float shifts with int(), 1.x refuses them) on a 1-element stand-in
    _np.roll(_np.zeros((1,) * a.ndim, dtype=bool), shift, axis)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), a.shape)
    shifts = shift if isinstance(shift, (tuple, list)) else None
    axes = axis if isinstance(axis, (tuple, list)) else None
    if shifts is not None or axes is not None:
        b = _np.broadcast(_np.asarray(to_numpy(shift)), _np.asarray(axis))
        res = a
        acc = {}
        for sh, ax in b:
            ax = normalize_axis_index(int(ax), a.ndim)
            acc[ax] = acc.get(ax, 0) + int(sh)
        for ax, sh in acc.items():
            res = roll(res, sh, ax)
        if res is a:
            res = a.copy()
        return res
    ax = normalize_axis_index(axis, a.ndim)
    n = a.shape[ax]
    from ._creation import empty
    res = empty(a.shape, a.dtype)
    if n == 0:
        return res
    s = int(shift) % n
    pre = (slice(None),) * ax
    if s == 0:
        res[...] = a
        return res
    res[pre + (slice(s, None),)] = a[pre + (slice(None, n - s),)]
    res[pre + (slice(None, s),)] = a[pre + (slice(n - s, None),)]
    return res


def copyto(dst, src, casting="same_kind", where=True):
    if type(dst) is not ndarray or dst._np is not None:
        if type(dst) is ndarray and _all_eager([src], where):
            _np.copyto(dst._np, to_numpy(src), casting=casting, where=to_numpy(where))
            return
        if type(dst) is _NPND:
            # a NumPy destination (NumPy's own code calling np.copyto): the
            # values have to come to the host anyway, no fallback to warn of
            _np.copyto(dst, to_numpy(src), casting=casting, where=to_numpy(where))
            return
        from ._fallback import call_numpy
        return call_numpy(_np.copyto, "copyto", (dst, src),
                          {"casting": casting, "where": where}, mutates_first=True)
    if where is not True:
        return _copyto_where(dst, src, casting, where)
    # NumPy's casting check on stand-ins
    if type(src) is ndarray:
        if src._arr is not None and src.ndim > 0:
            st = _np.zeros((1,) * src.ndim, dtype=src.dtype)
        else:
            st = src._value()
        sshape = src.shape
    else:
        st = src if isinstance(src, (int, float, complex, bool, _np.generic)) \
            else _np.asarray(src)
        sshape = _np.shape(st)
    if len(sshape) > dst.ndim:
        _np.copyto(ghost(dst.shape, dst.dtype), ghost(sshape, _np.asarray(st).dtype),
                   casting=casting)
    with warnings.catch_warnings():  # the stand-in's ComplexWarning: assign warns
        warnings.simplefilter("ignore", ComplexWarning)
        _np.copyto(_np.zeros((1,) * dst.ndim, dtype=dst.dtype), st, casting=casting)
    from ._indexing import assign
    assign(dst._arr, src)


def _copyto_where(dst, src, casting, where):
    """copyto(dst, src, where=mask) on a deferred dst: src cast to dst's
    dtype (as NumPy casts before it selects), then a native ``where``."""
    from ._linalg import where as _where
    from ._indexing import assign
    src_a, w = _asarray(src), _asarray(where)
    sdt = _np.asarray(src).dtype if type(src) is not ndarray and not isinstance(
        src, (int, float, complex, bool)) else (src_a.dtype if type(src) is ndarray else None)
    # NumPy's errors (casting, broadcasting, the mask's dtype) on ghosts;
    # a Python scalar source follows NumPy's value-based rules
    gsrc = src if sdt is None else ghost(src_a.shape, sdt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ComplexWarning)
        _np.copyto(ghost(dst.shape, dst.dtype), gsrc, casting=casting, where=ghost(w.shape, w.dtype))
    s = src_a.astype(dst.dtype) if src_a.dtype != dst.dtype else src_a
    assign(dst._arr, _where(w, s, dst))


def may_share_memory(a, b, max_work=None):
    ta, tb = type(a) is ndarray, type(b) is ndarray
    if (ta and a._arr is not None) or (tb and b._arr is not None):
        if ta and tb and a._arr is not None and b._arr is not None:
            return bool(a._arr.shares_storage(b._arr))
        return False
    kw = {} if max_work is None else {"max_work": max_work}
    return _np.may_share_memory(to_numpy(a), to_numpy(b), **kw)


def shares_memory(a, b, max_work=None):
    ta, tb = type(a) is ndarray, type(b) is ndarray
    if (ta and a._arr is not None) or (tb and b._arr is not None):
        return may_share_memory(a, b)
    kw = {} if max_work is None else {"max_work": max_work}
    return _np.shares_memory(to_numpy(a), to_numpy(b), **kw)
