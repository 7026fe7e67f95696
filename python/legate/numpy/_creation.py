"""Array creation: zeros ones full empty *_like arange linspace eye identity
meshgrid array asarray copy ...  Small arrays (< EAGER_MAX elements) are
created by NumPy (eager); larger ones are _core stores (deferred)."""

import math
import operator
import os

import numpy as _np

from ._runtime import EAGER_MAX, core as _core
from ._dtypes import DTYPES, dt_num, NUMPY2
from . import _layout
from ._array import (ndarray, _NoValue, _deferred, _eager, wrap_result, wrap_view, view_source,
                     to_numpy, _NPND)


def _phys_mem():
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        mem = 1 << 40
    try:
        n = int(_core.config().get("nranks", 1) or 1)
    except Exception:
        n = 1
    return mem * max(n, 1)


_MEM_LIMIT = None
_INTP_MAX = _np.iinfo(_np.intp).max


def normalize_shape(shape):
    """Shape argument -> tuple of ints, with NumPy's errors."""
    t = type(shape)
    if shape is None:
        # NumPy 1.x: a 0-d array; 2.x: TypeError ("Use () not None")
        return _np.empty(None, dtype=bool).shape
    if t is int:
        if shape < 0:
            raise ValueError("negative dimensions are not allowed")
        return (shape,)
    if t is tuple:
        for s in shape:
            if type(s) is not int or s < 0:
                break
        else:
            return shape
    try:
        try:
            res = (operator.index(shape),)
        except TypeError:
            res = tuple(operator.index(s) for s in shape)
    except TypeError:
        # NumPy raises its own message (nothing is allocated on error)
        _np.empty(to_numpy(shape) if type(shape) is ndarray else shape, dtype=bool)
        raise
    for s in res:
        if s < 0:
            raise ValueError("negative dimensions are not allowed")
    return res


def _check_size(shape, dtype):
    """Size of `shape`; NumPy's ValueError / MemoryError for impossible ones."""
    global _MEM_LIMIT
    size = 1
    for s in shape:
        size *= s
    if size == 0:
        return 0
    nbytes = size * dtype.itemsize
    if size > _INTP_MAX or nbytes > _INTP_MAX:
        # "array is too big" / "Maximum allowed dimension exceeded"
        _np.empty(shape, dtype=dtype)
        raise ValueError("array is too big; `arr.size * arr.dtype.itemsize` is "
                         "larger than the maximum possible size.")
    if size >= EAGER_MAX:
        if _MEM_LIMIT is None:
            _MEM_LIMIT = _phys_mem()
        if nbytes > _MEM_LIMIT:
            _np.empty(shape, dtype=dtype)  # NumPy's MemoryError
            raise MemoryError(
                "Unable to allocate %s for an array with shape %s and data type %s"
                % (_fmt_bytes(nbytes), shape, dtype))
    return size


def _fmt_bytes(n):
    units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    i = 0
    f = float(n)
    while f >= 1024 and i < len(units) - 1:
        f /= 1024
        i += 1
    return ("%d bytes" % n) if i == 0 else ("%.2f %s" % (f, units[i]))


def _deferrable(size, dtype):
    return size >= EAGER_MAX and dt_num(dtype) is not None


def _dtype(dtype, default=float):
    return _np.dtype(default if dtype is None else dtype)


def _check_order(order):
    """NumPy's ValueError for an `order` its creation functions refuse
    (only C and F)."""
    if order not in ("C", "F", None):
        _np.empty(0, dtype=bool, order=order)


def check_copy_order(order):
    """NumPy's ValueError for an `order` of copy/astype/array ('C', 'F',
    'A', 'K', any case, or None)."""
    if order not in ("C", "K", "A", "F", None):
        _np.empty(0, dtype=bool).copy(order=order)


def _check_device(name, device):
    """NumPy 2's device= of the creation functions: None or "cpu" (the
    array's data lives where the runtime puts it); NumPy 1 has no such
    keyword (given at all, even None: its TypeError)."""
    if device is _NoValue:
        return
    if not NUMPY2:
        raise TypeError("%s() got an unexpected keyword argument 'device'" % name)
    if device is not None and device != "cpu":
        raise ValueError('Device not understood. Only "cpu" is allowed, but received: %s' % (device,))


# ---------------------------------------------------------------------------

def empty(shape, dtype=float, order="C", *, device=_NoValue, like=None):
    _check_device("empty", device)
    _check_order(order)
    shape = normalize_shape(shape)
    dtype = _dtype(dtype)
    size = _check_size(shape, dtype)
    if not _deferrable(size, dtype):
        return _eager(_np.empty(shape, dtype=dtype, order=order))
    return _deferred(_layout.empty(shape, dt_num(dtype), _layout.order_perm(order, shape)))


def full(shape, fill_value, dtype=None, order="C", *, device=_NoValue, like=None):
    _check_device("full", device)
    if dtype is None:
        if type(fill_value) is ndarray:
            dtype = fill_value.dtype
        else:
            dtype = _np.array(fill_value).dtype
    _check_order(order)
    shape = normalize_shape(shape)
    dtype = _np.dtype(dtype)
    size = _check_size(shape, dtype)
    if not _deferrable(size, dtype):
        return _eager(_np.full(shape, to_numpy(fill_value), dtype=dtype, order=order))
    return _deferred(_filled(shape, dtype, fill_value, _layout.order_perm(order, shape)))


def _filled(shape, dtype, fill_value, perm):
    """A new _core.Array of shape and dtype laid out by perm holding
    fill_value (a scalar or an array broadcast to shape)."""
    n = dt_num(dtype)
    if not (type(fill_value) is ndarray and fill_value._arr is not None):
        fill_value = to_numpy(fill_value)
        if _np.ndim(fill_value) == 0:
            # NumPy's own conversion of the value (copyto, casting='unsafe';
            # a Python int out of the dtype's range raises under NumPy 2)
            return _layout.full(shape, n, _np.full((), fill_value, dtype=dtype), perm)
        fill_value = _np.asarray(fill_value)
    out = _layout.empty(shape, n, perm)
    from ._indexing import assign
    assign(out, fill_value)
    return out


def _constant(npfunc, shape, dtype, order):
    """zeros / ones (npfunc: NumPy's): small arrays from NumPy, large ones
    filled with npfunc's 0-d value."""
    _check_order(order)
    shape = normalize_shape(shape)
    dtype = _dtype(dtype)
    size = _check_size(shape, dtype)
    if not _deferrable(size, dtype):
        return _eager(npfunc(shape, dtype=dtype, order=order))
    return _deferred(_layout.full(shape, dt_num(dtype), npfunc((), dtype=dtype), _layout.order_perm(order, shape)))


def zeros(shape, dtype=float, order="C", *, device=_NoValue, like=None):
    _check_device("zeros", device)
    return _constant(_np.zeros, shape, dtype, order)


def ones(shape, dtype=None, order="C", *, device=_NoValue, like=None):
    _check_device("ones", device)
    return _constant(_np.ones, shape, dtype, order)


_UNSET = object()  # empty_like's fill


def _like(npfunc, a, dtype, order, shape, fill=_UNSET):
    """NumPy's *_like (npfunc: its function): the prototype's dtype and
    shape unless given, and its memory order under 'K' (or 'A' when it is
    Fortran-ordered), NumPy's rule (_layout)."""
    check_copy_order(order)
    proto = a._arr if type(a) is ndarray and a._arr is not None else (
        a._np if type(a) is ndarray else _np.asarray(a))
    dt = proto_dt = DTYPES[proto.dtype_num] if isinstance(proto, _core.Array) else proto.dtype
    if dtype is not None:
        dt = _np.dtype(dtype)
    shp = tuple(proto.shape) if shape is None else normalize_shape(shape)
    size = _check_size(shp, dt)
    if not _deferrable(size, dt):
        if isinstance(proto, _core.Array):  # NumPy's layout rule on a stand-in of its strides
            proto = _np.lib.stride_tricks.as_strided(  # (never read: the *_like read the layout)
                _np.zeros(1, proto_dt), tuple(proto.shape), tuple(s * proto_dt.itemsize for s in proto.elem_strides))
        args = (fill,) if npfunc is _np.full_like else ()
        return _eager(npfunc(proto, *args, dtype=dt, order=order, shape=shape))
    perm = _layout.order_perm(order, shp, [proto] if len(shp) == proto.ndim else [])
    if fill is _UNSET:
        return _deferred(_layout.empty(shp, dt_num(dt), perm))
    return _deferred(_filled(shp, dt, fill, perm))


def empty_like(prototype, dtype=None, order="K", subok=True, shape=None, *, device=_NoValue):
    _check_device("empty_like", device)
    return _like(_np.empty_like, prototype, dtype, order, shape)


def zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=_NoValue):
    _check_device("zeros_like", device)
    return _like(_np.zeros_like, a, dtype, order, shape, 0)


def ones_like(a, dtype=None, order="K", subok=True, shape=None, *, device=_NoValue):
    _check_device("ones_like", device)
    return _like(_np.ones_like, a, dtype, order, shape, 1)


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=_NoValue):
    _check_device("full_like", device)
    return _like(_np.full_like, a, dtype, order, shape, fill_value)


# ---------------------------------------------------------------------------

def _scalarize(x):
    if type(x) is ndarray:
        x = to_numpy(x)
    if type(x) is _NPND and x.ndim == 0:
        x = x[()]
    return x


def arange(*args, **kwargs):
    """arange([start,] stop[, step,], dtype=None, *, like=None)"""
    if len(args) > 4:
        return wrap_result(_np.arange(*args, **kwargs))
    names = ("start", "stop", "step", "dtype")
    vals = dict(zip(names, args))
    for k, v in kwargs.items():
        if k == "like":
            continue
        if k == "device":
            _check_device("arange", v)
            continue
        if k not in names or k in vals:
            # NumPy raises its TypeError
            return wrap_result(_np.arange(*args, **kwargs))
        vals[k] = v
    start = _scalarize(vals.get("start"))
    stop = _scalarize(vals.get("stop"))
    step = _scalarize(vals.get("step"))
    dtype = vals.get("dtype")

    cargs = [to_numpy(x) for x in args]
    ckw = {k: to_numpy(v) for k, v in kwargs.items()}

    def np_arange():
        return wrap_result(_np.arange(*cargs, **ckw))

    if stop is None:
        if start is None:
            return np_arange()
        start, stop = 0, start
    elif start is None:
        start = 0
    st = 1 if step is None else step
    try:
        if isinstance(start, (complex, _np.complexfloating)) or \
                isinstance(stop, (complex, _np.complexfloating)) or \
                isinstance(st, (complex, _np.complexfloating)):
            return np_arange()
        with _np.errstate(all="ignore"):
            n = math.ceil((stop - start) / st)
    except Exception:
        return np_arange()
    n = max(int(n), 0)
    if n < EAGER_MAX or n < 3:
        return np_arange()
    # dtype from NumPy on a zero-length arange with the same argument types
    try:
        stop0 = type(stop)(start)
    except Exception:
        return np_arange()
    kw = {} if dtype is None else {"dtype": dtype}
    dt = _np.arange(start, stop0, st, **kw).dtype
    num = dt_num(dt)
    if num is None or dt.kind == "b":
        return np_arange()
    _check_size((n,), dt)
    # NumPy stores start and start+step, then fills start + i*delta with
    # delta = buffer[1] - buffer[0] computed in the dtype
    first = _np.empty(2, dtype=dt)
    first[0] = start
    first[1] = start + st
    with _np.errstate(all="ignore"):
        delta = first[1:] - first[:1]
    return _deferred(_core.arange(n, num, _np.asarray(first[0], dtype=dt),
                                  _np.asarray(delta[0], dtype=dt)))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=_NoValue):
    _check_device("linspace", device)
    num = operator.index(num)
    if num < 0:
        raise ValueError("Number of samples, %s, must be non-negative." % num)
    s_arr = type(start) is ndarray or _np.ndim(to_numpy(start)) != 0
    e_arr = type(stop) is ndarray or _np.ndim(to_numpy(stop)) != 0
    if num < EAGER_MAX or s_arr or e_arr or axis != 0:
        from ._fallback import convert
        r = _np.linspace(convert(start), convert(stop), num, endpoint, retstep,
                         dtype, axis)
        if retstep:
            return wrap_result(r[0]), r[1]
        return wrap_result(r)
    div = (num - 1) if endpoint else num
    start_a = _np.asanyarray(start) * 1.0
    stop_a = _np.asanyarray(stop) * 1.0
    dt = _np.result_type(start_a, stop_a, float(num))
    if dtype is None:
        dtype = dt
        integer_dtype = False
    else:
        integer_dtype = _np.issubdtype(dtype, _np.integer)
    if dt_num(dt) is None or dt_num(dtype) is None:
        r = _np.linspace(start, stop, num, endpoint, retstep, dtype, axis)
        return (wrap_result(r[0]), r[1]) if retstep else wrap_result(r)
    from ._ufunc import multiply, true_divide, add, floor
    delta = stop_a - start_a
    y = arange(0, num, dtype=dt)
    if div > 0:
        step = delta / div
        if step == 0:
            y = true_divide(y, div, out=y)
            y = multiply(y, delta, out=y)
        else:
            y = multiply(y, step, out=y)
    else:
        step = _np.nan
        y = multiply(y, delta, out=y)
    y = add(y, start_a, out=y)
    if endpoint and num > 1:
        y[-1] = stop_a
    if integer_dtype:
        floor(y, out=y)
    y = y.astype(dtype, copy=False)
    if retstep:
        return y, step
    return y


def eye(N, M=None, k=0, dtype=float, order="C", *, device=_NoValue, like=None):
    _check_device("eye", device)
    dtype = _dtype(dtype)
    n = operator.index(N)
    m = n if M is None else operator.index(M)
    k = operator.index(k)
    if n < 0 or m < 0:
        raise ValueError("negative dimensions are not allowed")
    size = _check_size((n, m), dtype)
    if not _deferrable(size, dtype):
        return _eager(_np.eye(N, M, k, dtype=dtype, order=order))
    return _deferred(_core.eye(n, m, k, dt_num(dtype)))


def identity(n, dtype=None, *, like=None):
    return eye(n, dtype=float if dtype is None else dtype)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    if all(type(x) is not ndarray or x._arr is None for x in xi):
        from ._fallback import convert
        r = _np.meshgrid(*convert(xi), copy=copy, sparse=sparse, indexing=indexing)
        return type(r)(wrap_result(x) if copy else wrap_view(x) for x in r)
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    from ._manip import reshape, broadcast_arrays
    ndim = len(xi)
    s0 = (1,) * ndim
    output = [reshape(asarray(x), s0[:i] + (-1,) + s0[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and ndim > 1:
        output[0] = reshape(output[0], (1, -1) + s0[2:])
        output[1] = reshape(output[1], (-1, 1) + s0[2:])
    if not sparse:
        output = broadcast_arrays(*output)
    if copy:
        output = [x.copy() for x in output]
    return tuple(output) if _np.__version__ >= "2" else list(output)


# ---------------------------------------------------------------------------

def array(obj, dtype=None, *, copy=True, order="K", subok=True, ndmin=0, like=None):
    if type(obj) is ndarray:
        check_copy_order(order)
        if ndmin > 32:
            _np.array(0, ndmin=ndmin)  # NumPy's ValueError past its maximum
        if obj._np is not None:
            r = _np.array(obj._np, dtype=dtype, copy=copy, order=order, ndmin=ndmin)
            return obj if r is obj._np else wrap_result(r)
        if obj._scalar:
            # a value standing for a NumPy scalar: np.array makes a new 0-d
            # array of it, which writes and views then share
            r = _deferred(view_source(obj))
            if dtype is not None:
                r = r.astype(dtype, copy=False)
        else:
            r = obj.astype(obj.dtype if dtype is None else dtype, order=order or "K", copy=bool(copy))
        if ndmin > r.ndim:
            r = r[(None,) * (ndmin - r.ndim)]
        return r
    from ._fallback import convert
    kw = {"dtype": dtype, "copy": copy, "order": order, "ndmin": ndmin}
    r = _np.array(convert(obj), **kw)
    if type(obj) is _NPND and not copy and r is obj or (
            type(obj) is _NPND and _np.shares_memory(r, obj)):
        return wrap_view(r)
    return wrap_result(r)


def asarray(a, dtype=None, order=None, *, like=None, **kwargs):
    if type(a) is ndarray:
        if a._arr is not None and a._scalar:  # as np.asarray(np.int64(5)): a new array
            return array(a, dtype)
        order = order or "K"
        if a._arr is None:
            r = _np.asarray(a._np, dtype=dtype, order=order, **kwargs)
            if r is a._np:
                return a
            return wrap_view(r) if _np.shares_memory(r, a._np) else wrap_result(r)
        check_copy_order(order)
        if dtype is None or _np.dtype(dtype) == a.dtype:
            if kwargs.get("copy"):
                return a.copy(order)
            if a._in_order(order):
                return a
            if kwargs.get("copy", True) is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
        return a.astype(a.dtype if dtype is None else dtype, order=order)
    from ._fallback import convert
    r = _np.asarray(convert(a), dtype=dtype, order=order, **kwargs)
    if r is a or (type(a) is _NPND and r.base is not None and _np.shares_memory(r, a)):
        return wrap_view(r)
    return wrap_result(r)


def frombuffer(buffer, dtype=float, count=-1, offset=0, *, like=None):
    """NumPy's frombuffer (its dtype, count and offset, its errors) made
    into our array as np.array makes one of a NumPy array: a small one is
    NumPy's array itself (a view of the buffer, read-only for bytes, as
    NumPy's), a large one a copy in a store, read-only where NumPy's is.
    Our array as the buffer: its values (an eager one's memory itself)."""
    kw = {} if like is None or type(like) is ndarray else {"like": like}
    if type(buffer) is ndarray:
        buffer = to_numpy(buffer)
    r = _np.frombuffer(buffer, dtype, count, offset, **kw)
    o = wrap_result(r)
    if o._arr is not None and not r.flags.writeable:
        o._arr.readonly = True
    return o


def asanyarray(a, dtype=None, order=None, *, like=None, **kwargs):
    return asarray(a, dtype, order, **kwargs)


def ascontiguousarray(a, dtype=None, *, like=None):
    r = asarray(a, dtype, order="C")
    if r.ndim == 0:
        return r.reshape(1)
    return r


def copy(a, order="K", subok=False):
    if type(a) is ndarray:
        check_copy_order(order)
        return a.copy(order or "K")
    return array(a, copy=True, order=order)


def indices(dimensions, dtype=int, sparse=False):
    """NumPy's ``indices``: each grid is an ``arange`` broadcast (native)."""
    dimensions = tuple(int(d) for d in dimensions)
    n = len(dimensions)
    size = 1
    for d in dimensions:
        size *= d
    if not _deferrable(size, _np.dtype(dtype)):
        r = _np.indices(dimensions, dtype=dtype, sparse=sparse)
        return tuple(wrap_result(x) for x in r) if sparse else wrap_result(r)
    grids = []
    for i, d in enumerate(dimensions):
        g = arange(d, dtype=dtype).reshape((1,) * i + (d,) + (1,) * (n - i - 1))
        grids.append(g)
    if sparse:
        return tuple(grids)
    from ._manip import broadcast_to, stack
    return stack([broadcast_to(g, dimensions) for g in grids])


def fromfunction(function, shape, *, dtype=float, like=None, **kwargs):
    """NumPy's ``fromfunction``: the function gets ``indices`` grids."""
    return function(*indices(shape, dtype=dtype), **kwargs)


def asfortranarray(a, dtype=None, *, like=None):
    r = asarray(a, dtype, order="F")
    if r.ndim == 0:
        return r.reshape(1)
    return r


def require(a, dtype=None, requirements=None, *, like=None):
    """NumPy's require: a copy where the array does not own its data ('O'),
    is read-only ('W') or is not in the memory order asked ('C', 'F'); 'A'
    (aligned) and 'E' (ensure an array of this library) hold."""
    if requirements is None:
        reqs = set()
    else:
        # NumPy's validation of the names (KeyError for unknown ones)
        _np.require(_np.zeros(1), None, requirements)
        reqs = {str(r).upper()[0] for r in ([requirements] if isinstance(requirements, str)
                                             else requirements)}
    arr = asarray(a, dtype=dtype, order="C" if "C" in reqs else "F" if "F" in reqs else None)
    if ("O" in reqs and not arr.flags.owndata) or ("W" in reqs and not arr.flags.writeable):
        arr = arr.copy()
    return arr
