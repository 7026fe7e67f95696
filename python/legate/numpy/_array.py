"""The legate.numpy ``ndarray``.

An ndarray holds EITHER ``_np`` (a numpy.ndarray: the eager representation of
a small array; its views are NumPy views) OR ``_arr`` (a ``_core.Array``: a
deferred, tiled view of a StarPU store).  Operations whose array operands are
all eager run through NumPy directly; as soon as one operand is deferred the
others are promoted and the operation is launched through ``_core``.

The operators (``+``, ``<``, ...) are installed by ``_ufunc`` (they need the
ufunc objects); indexing lives in ``_indexing``, reductions in ``_reduction``,
shape manipulation in ``_manip``, creation in ``_creation``.
"""

import operator
from sys import getrefcount as _getrefcount

import numpy as _np

from ._runtime import EAGER_MAX, core as _core, warn_fallback
from . import _fpe
from ._dtypes import DTYPES, dt_num, NUMPY2

_NPND = _np.ndarray
_new = object.__new__


class _NoValueType:
    __slots__ = ()

    def __repr__(self):
        return "<no value>"


_NoValue = _NoValueType()


# ---------------------------------------------------------------------------
# wrapping and conversion helpers
# ---------------------------------------------------------------------------

def _eager(a):
    """Wrap a numpy.ndarray as an eager ndarray (no copy, no promotion)."""
    o = _new(ndarray)
    o._np = a
    o._arr = None
    return o


def _deferred(arr):
    """Wrap a _core.Array."""
    o = _new(ndarray)
    o._np = None
    o._arr = arr
    o._scalar = False
    return o


def _deferred_result(arr):
    """Wrap the _core.Array result of an operation for which NumPy returns a
    scalar when the result is 0-d (a ufunc or reduction without ``out=``, an
    element ``a[i, j]``).  The array stays deferred (Python does not wait for
    its value) but is marked scalar-like: its in-place operators compute a
    new value as NumPy scalars do (``_ufunc._make_ibinop``), so
    ``a[i] += 2.5`` on an int array follows NumPy's scalar promotion and the
    assignment back casts it (``_indexing.assign``)."""
    o = _new(ndarray)
    o._np = None
    o._arr = arr
    o._scalar = arr.ndim == 0
    return o


def view_source(x):
    """The _core.Array that views of deferred x are made from: its own, or
    a copy when x stands for a NumPy scalar, which is immutable (whatever
    NumPy makes from one, a reshape, an index, a transpose, is a new array,
    so writes through it must not reach x)."""
    arr = x._arr
    if x._scalar:
        c = _core.empty(arr.shape, arr.dtype_num)
        _core.copy(c, arr)
        return c
    return arr


def view_of(x, arr):
    """The deferred array of `arr`, a view made from deferred x (through
    view_source), with NumPy's base: the array owning the data, x or x's
    own base (a view holds it, so it lives as long as its views)."""
    o = _deferred(arr)
    if not x._scalar:  # (view_source copied a scalar: nothing is shared)
        o._base = x if x._arr.owns_data else getattr(x, "_base", None)
    return o


_MASKED = _np.ma.MaskedArray


def as_operand(x):
    """`x` as an operand of the array functions (sum, reshape, where, dot,
    ...): ours as it is; a numpy.ma.MaskedArray as an eager array holding the
    MaskedArray itself, so that the eager path hands it to NumPy, whose
    functions keep its mask (as_core of it would drop the mask); anything
    else as asarray makes it."""
    if type(x) is ndarray:
        return x
    if isinstance(x, _MASKED):
        return _eager(x)
    from ._creation import asarray
    return asarray(x)


def from_numpy_core(a):
    """A new _core.Array holding a copy of the numpy array `a` (supported
    dtype), in a's memory order (NumPy's 'K', as np.array(a) copies)."""
    from . import _layout
    n = dt_num(a.dtype)
    dt = DTYPES[n]
    perm = _layout.result_perm(a.shape, [a]) if a.ndim > 1 and not a.flags.c_contiguous else None
    if perm is not None:
        a = a.transpose(perm)  # C-ordered where a's order is a permutation's
    if a.dtype is not dt or not a.flags.c_contiguous:
        # (np.ascontiguousarray would make 0-d arrays 1-d)
        a = _np.array(a, dtype=dt, order="C", copy=True)
    store = _core.from_numpy(a, n)
    return store if perm is None else _layout.owner_in_order(store, perm)


def _promote(a):
    """numpy array -> deferred ndarray (copy); eager if its dtype is unsupported."""
    if dt_num(a.dtype) is None:
        return _eager(a)
    return _deferred(from_numpy_core(a))


def wrap_result(r):
    """Wrap the result of a NumPy computation: arrays become ndarrays (deferred
    when at least EAGER_MAX elements), NumPy scalars stay scalars."""
    if type(r) is _NPND:
        if r.size >= EAGER_MAX:
            return _promote(r)
        o = _new(ndarray)
        o._np = r
        o._arr = None
        return o
    return r


def wrap_view(r):
    """Wrap a NumPy view of an eager array (never promoted: keeps sharing)."""
    if type(r) is _NPND:
        o = _new(ndarray)
        o._np = r
        o._arr = None
        return o
    return r


def materialize(arr):
    """_core.Array -> new numpy array with its values (waits for them)."""
    dest = _np.empty(arr.shape, dtype=DTYPES[arr.dtype_num])
    arr.to_numpy(dest)
    _fpe.report()
    return dest


def to_numpy(x):
    """Our ndarray -> numpy.ndarray (eager: the array itself, no copy);
    anything else unchanged."""
    if type(x) is ndarray:
        a = x._np
        if a is not None:
            return a
        return materialize(x._arr)
    return x


def as_core(x):
    """Our ndarray (either kind) or a numpy array -> _core.Array."""
    if type(x) is ndarray:
        if x._arr is not None:
            return x._arr
        return from_numpy_core(x._np)
    return from_numpy_core(_np.asarray(x))


def core_copy_into(dst_arr, src_arr):
    _core.copy(dst_arr, src_arr)


def writeback(obj, a):
    """Copy the numpy array `a` (same shape) back into deferred `obj`."""
    _core.copy(obj._arr, from_numpy_core(a) if dt_num(a.dtype) is not None
               else from_numpy_core(a.astype(obj.dtype)))


def _np_key(key):
    """An indexing key for a NumPy array, our arrays in it as NumPy's: NumPy
    takes an object it does not know as a sequence, and an empty boolean
    mask then indexed as an empty list (a[a > 0] of a (0, 3) array was
    (0, 3, 3))."""
    t = type(key)
    if t is ndarray:
        return to_numpy(key)
    if t is tuple:
        for k in key:
            if type(k) is ndarray:
                return tuple(to_numpy(x) if type(x) is ndarray else x for x in key)
    return key


def _reconstruct(a):
    return wrap_result(_np.array(a))


def _c_strides(shape, itemsize):
    """Strides NumPy gives a fresh C-contiguous array (all 0 when empty)."""
    if 0 in shape:
        return (0,) * len(shape)
    strides = []
    s = itemsize
    for n in reversed(shape):
        strides.append(s)
        s *= n
    return tuple(reversed(strides))


# Methods of numpy.ndarray that modify the array in place (a fallback on a
# deferred array copies the result back).
_MUTATING_METHODS = frozenset(
    ("sort", "partition", "put", "itemset", "byteswap", "setfield", "resize",
     "setflags", "fill"))


class _DeferredFlat:
    """``a.flat`` of a deferred array (NumPy fallback, writes copied back)."""

    __slots__ = ("_base",)

    def __init__(self, base):
        self._base = base

    def __len__(self):
        return self._base.size

    def __iter__(self):
        return iter(materialize(self._base._arr).ravel())

    def __getitem__(self, key):
        a = materialize(self._base._arr)
        from ._fallback import convert
        return wrap_result(a.flat[convert(key)])

    def __setitem__(self, key, value):
        a = materialize(self._base._arr)
        from ._fallback import convert
        a.flat[convert(key)] = convert(value)
        writeback(self._base, a)

    def __array__(self, dtype=None, copy=None):
        a = materialize(self._base._arr).ravel()
        return a if dtype is None else a.astype(dtype)

    @property
    def base(self):
        return self._base


class ndarray:
    """legate.numpy's N-dimensional array (NumPy's API)."""

    # _scalar (read only where _arr is set): a deferred 0-d array standing
    # for the scalar NumPy returns (see _deferred_result); an eager array
    # never has it set, since NumPy's own scalars stand for themselves
    __slots__ = ("_np", "_arr", "_scalar", "_base", "__weakref__")
    __array_priority__ = 100.0
    __hash__ = None

    def __class_getitem__(cls, item):
        # ``np.ndarray[Any, np.dtype[np.float64]]`` in annotations
        import types
        return types.GenericAlias(cls, item)

    def __new__(cls, shape, dtype=float, buffer=None, offset=0, strides=None,
                order=None):
        if buffer is not None or strides is not None or offset:
            return wrap_view(_np.ndarray(shape, dtype, buffer, offset, strides, order))
        from ._creation import empty
        return empty(shape, dtype)

    # -- basic attributes --------------------------------------------------
    @property
    def shape(self):
        a = self._np
        return a.shape if a is not None else self._arr.shape

    @shape.setter
    def shape(self, value):
        a = self._np
        if a is not None:
            a.shape = value
            return
        from ._manip import _resolve_shape
        shp = _resolve_shape(self.shape, value)
        old = self._arr
        arr, is_view = old.reshape(shp)
        if not is_view:
            raise AttributeError(
                "Incompatible shape for in-place modification. Use "
                "`.reshape()` to make a copy with the desired shape.")
        # (the same array, reshaped: it keeps owning its data if it did)
        arr.take_place_of(old)
        self._arr = arr

    @property
    def ndim(self):
        a = self._np
        return a.ndim if a is not None else self._arr.ndim

    @property
    def size(self):
        a = self._np
        return a.size if a is not None else self._arr.size

    @property
    def dtype(self):
        a = self._np
        return a.dtype if a is not None else DTYPES[self._arr.dtype_num]

    @dtype.setter
    def dtype(self, value):
        a = self._np
        if a is not None:
            a.dtype = value
            return
        dt = _np.dtype(value)  # NumPy's TypeError for a bad dtype
        if dt == self.dtype:
            return
        # reinterpreting the bytes of a tiled store: through NumPy (NumPy's
        # errors for itemsizes that do not fit), then a new store, which (as
        # for the shape setter) stops sharing data with other views
        warn_fallback("setting ndarray.dtype")
        m = materialize(self._arr)
        m.dtype = dt
        if dt_num(dt) is None:
            self._np = m
            self._arr = None
        else:
            self._arr = from_numpy_core(m)

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def nbytes(self):
        a = self._np
        if a is not None:
            return a.nbytes
        return self._arr.size * DTYPES[self._arr.dtype_num].itemsize

    @property
    def strides(self):
        a = self._np
        if a is not None:
            return a.strides
        arr = self._arr
        itemsize = DTYPES[arr.dtype_num].itemsize
        if 0 in arr.shape:
            return _c_strides(arr.shape, itemsize)
        # the view's strides in its store, laid out as NumPy's memory
        return tuple(s * itemsize for s in arr.elem_strides)

    if NUMPY2:
        @property
        def device(self):
            """NumPy 2's array-API device: "cpu" (the runtime places the data)."""
            return "cpu"

        def to_device(self, device, /, *, stream=None):
            if stream is not None:
                raise ValueError("The stream argument in to_device() is not supported")
            if device != "cpu":
                raise ValueError("Unsupported device: %s. Only 'cpu' is accepted." % (device,))
            return self

    @property
    def base(self):
        """NumPy's base: None for an array owning its data, else the array
        that does (a view keeps it alive)."""
        if self._arr is None:
            b = self._np.base
            return None if b is None else wrap_view(b)
        if self._arr.owns_data:
            return None
        return getattr(self, "_base", None)

    @property
    def flags(self):
        a = self._np
        if a is not None:
            return a.flags
        from ._flags import flagsobj
        return flagsobj(self._arr)

    def setflags(self, write=None, align=None, uic=None):
        a = self._np
        if a is not None:
            return a.setflags(write, align, uic)
        from ._flags import setflags
        setflags(self._arr, write, align, uic)

    @property
    def T(self):
        return self.transpose()

    @property
    def mT(self):
        if self.ndim < 2:
            raise ValueError("matrix transpose with ndim < 2 is undefined")
        return self.swapaxes(-1, -2)

    @property
    def flat(self):
        a = self._np
        if a is not None:
            return a.flat
        warn_fallback("ndarray.flat")
        return _DeferredFlat(self)

    @flat.setter
    def flat(self, value):
        self.flat[...] = value

    def _get_part(self, part):
        """self.real / self.imag (part: "real" or "imag")."""
        a = self._np
        if a is not None:
            return wrap_view(getattr(a, part))
        if self.dtype.kind == "c":  # a view, as NumPy's
            return view_of(self, view_source(self).part(0 if part == "real" else 1))
        if part == "real":  # the array itself, as NumPy's
            return self
        from ._creation import zeros  # NumPy: zeros, read-only
        z = zeros(self.shape, self.dtype)
        z.flags.writeable = False
        return z

    def _set_part(self, part, value):
        """self.real = value / self.imag = value (part: "real" or "imag")."""
        a = self._np
        if a is not None:
            setattr(a, part, to_numpy(value))
            return
        if self._scalar:  # it stands for a NumPy scalar
            raise AttributeError("attribute '%s' of 'numpy.generic' objects is not writable" % part)
        if part == "real" and self.dtype.kind != "c":
            self[...] = value
            return
        if self.dtype.kind != "c":
            raise TypeError("array does not have imaginary part to set")
        view_of(self, view_source(self).part(0 if part == "real" else 1))[...] = value

    real = property(lambda self: self._get_part("real"),
                    lambda self, value: self._set_part("real", value))
    imag = property(lambda self: self._get_part("imag"),
                    lambda self, value: self._set_part("imag", value))

    @property
    def _is_deferred(self):
        return self._arr is not None

    # -- NumPy interoperability ---------------------------------------------
    def __array__(self, dtype=None, copy=None):
        a = self._np
        if a is not None:
            if dtype is not None and a.dtype != dtype:
                return a.astype(dtype)
            if copy:
                return a.copy()
            return a
        m = materialize(self._arr)
        if dtype is not None and m.dtype != dtype:
            m = m.astype(dtype)
        return m

    def __array_wrap__(self, arr, context=None, return_scalar=False):
        """NumPy's code (np.linalg's _makearray) wraps its results with
        this: ours stay ours, NumPy's become ours."""
        if type(arr) is ndarray:
            return arr
        r = wrap_result(arr)
        return r[()] if return_scalar and type(r) is ndarray and r.ndim == 0 else r

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from ._ufunc import array_ufunc
        return array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        from ._fallback import array_function
        return array_function(func, types, args, kwargs)

    # -- conversion to Python ------------------------------------------------
    def _value(self):
        """numpy view/copy of the values (waits for deferred ones)."""
        a = self._np
        return a if a is not None else materialize(self._arr)

    def __repr__(self):
        return repr(self._value())

    def __str__(self):
        return str(self._value())

    def __format__(self, spec):
        v = self._value()
        if v.ndim == 0:
            return format(v[()], spec)
        return format(v, spec)

    def __bool__(self):
        a = self._np
        if a is not None:
            return bool(a)
        if self._arr.size > 1:
            raise ValueError(
                "The truth value of an array with more than one element is "
                "ambiguous. Use a.any() or a.all()")
        return bool(materialize(self._arr))

    def __int__(self):
        return int(self._number())

    def __float__(self):
        return float(self._number())

    def _number(self):
        """The value for int()/float(): a 0-d array's, or for one standing
        for a NumPy scalar (_deferred_result) the scalar's, which converts a
        complex value to its real part with a ComplexWarning."""
        v = self._value()
        if self._np is None and self._scalar:
            v = v[()]
            if v.dtype.kind == "c":
                _fpe.warn_complex_discard()
                v = v.real
        return v

    def __complex__(self):
        return complex(self._value())

    def __index__(self):
        return operator.index(self._value())

    def __round__(self, ndigits=None):
        if self.ndim == 0:
            v = self._value()[()]
            return round(v) if ndigits is None else round(v, ndigits)
        # NumPy's own behaviour (NumPy 1.x ndarrays do not support round())
        v = self._value()
        return wrap_result(round(v) if ndigits is None else round(v, ndigits))

    def item(self, *args):
        a = self._np
        if a is not None:
            return a.item(*args)
        if not args and self._arr.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        for i in args:
            # (NumPy converts each index to C long first)
            if type(i) is int and not -(1 << 63) <= i < (1 << 63):
                raise OverflowError("Python int too large to convert to C long")
        if args and self._arr.ndim and len(args) == self._arr.ndim:
            return self[args].item()
        return materialize(self._arr).item(*args)

    def tolist(self):
        return self._value().tolist()

    def tobytes(self, order="C"):
        return self._value().tobytes(order)

    # serialisation writes host bytes: the array is gathered once, as
    # tobytes does (not a fallback: there is nothing to run on tiles)
    def tostring(self, order="C"):
        return self._value().tostring(order)

    def tofile(self, fid, sep="", format="%s"):
        from ._io import tofile
        return tofile(self, fid, sep, format)

    def dumps(self):
        import pickle
        return pickle.dumps(self, protocol=2)

    def dump(self, file):
        import pickle
        if isinstance(file, str) or hasattr(file, "__fspath__"):
            from ._io import _numpy_writes
            data = pickle.dumps(self, protocol=2)  # every rank (a gather), one writes

            def write():
                with open(file, "wb") as f:
                    f.write(data)
            _numpy_writes(file, write)
        else:
            pickle.dump(self, file, protocol=2)

    def ptp(self, axis=None, out=None, keepdims=False):
        from ._reduction import amax, amin
        from ._ufunc import subtract
        return subtract(amax(self, axis, None, keepdims), amin(self, axis, None, keepdims), out=out)

    def __len__(self):
        a = self._np
        if a is not None:
            return len(a)
        shp = self._arr.shape
        if not shp:
            raise TypeError("len() of unsized object")
        return shp[0]

    def __iter__(self):
        a = self._np
        if a is not None:
            if a.ndim <= 1:
                return iter(a)
            return map(wrap_view, a)
        shp = self._arr.shape
        if not shp:
            raise TypeError("iteration over a 0-d array")
        if len(shp) == 1:
            return iter(materialize(self._arr))
        return (self[i] for i in range(shp[0]))

    def __contains__(self, value):
        # NumPy: (self == value).any(), with the == operator's semantics
        # (False where NumPy 1.x cannot compare elementwise)
        r = self == value
        if type(r) is ndarray:
            return bool(r.any())
        return bool(_np.asarray(r).any())

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo=None):
        return self.copy()

    def __reduce__(self):
        return (_reconstruct, (self._value(),))

    # -- indexing ------------------------------------------------------------
    def __getitem__(self, key):
        a = self._np
        if a is not None:
            r = a[_np_key(key)]
            if type(r) is _NPND:
                o = _new(ndarray)
                o._np = r
                o._arr = None
                return o
            return r
        from ._indexing import getitem
        return getitem(self, key)

    def __setitem__(self, key, value):
        a = self._np
        if a is not None:
            if type(value) is ndarray:
                value = value._np if value._np is not None else materialize(value._arr)
            a[_np_key(key)] = value
            return
        from ._indexing import setitem
        setitem(self, key, value)

    # -- methods ---------------------------------------------------------------
    def copy(self, order="C"):
        a = self._np
        if a is not None:
            return wrap_view(a.copy(order))
        if order not in ("C", "F", "A", "K"):
            _np.empty(0).copy(order=order)  # NumPy's ValueError
        from . import _layout
        arr = self._arr
        perm = _layout.order_perm(order, arr.shape, [arr])
        out = _layout.empty(arr.shape, arr.dtype_num, perm)
        _core.copy(*_layout.store_order(perm, out, arr))
        return _deferred(out)

    def _in_order(self, order):
        """Whether this deferred array's layout is what `order` asks of an
        array that need not be copied ('K' and 'A': any)."""
        from ._flags import c_contiguous, f_contiguous
        if order in ("C", "c"):
            return c_contiguous(self._arr)
        if order in ("F", "f"):
            return f_contiguous(self._arr)
        return True

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        a = self._np
        if a is not None:
            r = a.astype(dtype, order=order, casting=casting, subok=subok, copy=copy)
            return self if r is a else wrap_result(r)
        dtype = _np.dtype(dtype)
        src_dt = DTYPES[self._arr.dtype_num]
        if order not in ("C", "F", "A", "K"):
            _np.empty(0, src_dt).astype(dtype, order=order)  # NumPy's ValueError
        if not _np.can_cast(src_dt, dtype, casting=casting):
            raise TypeError(
                "Cannot cast array data from %r to %r according to the rule %r"
                % (src_dt, dtype, casting))
        if dtype == src_dt and not copy and self._in_order(order):
            return self
        n = dt_num(dtype)
        if n is None:
            warn_fallback("astype to %s" % dtype)
            return wrap_view(materialize(self._arr).astype(dtype))
        if src_dt.kind == "c" and dtype.kind in "iuf":
            _fpe.warn_complex_discard()
        from . import _layout
        arr = self._arr
        perm = _layout.order_perm(order, arr.shape, [arr])
        out = _layout.empty(arr.shape, n, perm)
        fpe = _fpe.begin("cast")
        try:
            _core.copy(*_layout.store_order(perm, out, arr))
        finally:
            _fpe.end(fpe)
        o = _deferred(out)
        o._scalar = self._scalar  # (a NumPy scalar's astype is a scalar)
        return o

    def fill(self, value):
        a = self._np
        if a is not None:
            a.fill(to_numpy(value))
            return
        if type(value) is ndarray and value._arr is not None and value._arr.ndim == 0:
            from ._indexing import scalar_source
            _core.copy(self._arr, scalar_source(value, DTYPES[self._arr.dtype_num]))
            return
        t = _np.empty((), dtype=DTYPES[self._arr.dtype_num])
        t[()] = to_numpy(value)
        _core.copy(self._arr, t)

    def view(self, *args, **kwargs):
        a = self._np
        if a is not None:
            return wrap_view(a.view(*args, **kwargs))
        dt = kwargs.get("dtype", args[0] if args else None)
        same = False
        if len(args) <= 1 and "type" not in kwargs:
            try:
                same = dt is None or _np.dtype(dt) == DTYPES[self._arr.dtype_num]
            except TypeError:
                same = False
        if same:
            return view_of(self, view_source(self).index(()))
        if len(args) <= 1 and "type" not in kwargs and dt is not None:
            # another dtype of the same itemsize: a view of the same tiles
            # (writes through it reach self, as NumPy's)
            try:
                ndt = _np.dtype(dt)
            except TypeError:
                ndt = None
            num = None if ndt is None else dt_num(ndt)
            if num is not None and ndt.itemsize == self.itemsize:
                return view_of(self, view_source(self).view_dtype(num))
            if num is not None:
                # another itemsize: NumPy's shape and errors on a stand-in
                # with a contiguous last axis (never read), then the tiles
                # rescaled where they hold whole elements of the new dtype
                nd = self.ndim
                ghost = _np.lib.stride_tricks.as_strided(
                    _np.zeros(1, DTYPES[self._arr.dtype_num]), self.shape,
                    (0,) * (nd - 1) + (self.itemsize,) * (nd > 0))
                want = ghost.view(ndt).shape
                try:
                    r = view_of(self, view_source(self).view_dtype(num))
                except ValueError as e:
                    if "contiguous" in str(e) and self.shape[-1] != 1:
                        # NumPy's own message for a strided last axis
                        _np.lib.stride_tricks.as_strided(
                            ghost, strides=ghost.strides[:-1] + (2 * self.itemsize,)).view(ndt)
                    r = None
                if r is not None and r.shape == want:
                    return r
        warn_fallback("ndarray.view")
        return wrap_result(materialize(self._arr).view(*args, **kwargs))

    def resize(self, *new_shape, refcheck=True):
        # the references to self as the call sees them (NumPy's refcheck),
        # counted before self is pushed again as an argument
        refs = _getrefcount(self)
        from ._tile import method_resize
        return method_resize(self, new_shape, refcheck, refs)

    def byteswap(self, inplace=False):
        """NumPy's byteswap.  A deferred array's elements are viewed as
        unsigned integers of their size (writes through the view reach the
        array) and their bytes exchanged by shifts and masks in log2(size)
        steps, stopping at the parts of a complex number (each swapped, as
        NumPy's).  complex128 has no integer of its size: the fallback."""
        a = self._np
        if a is not None:
            r = a.byteswap(inplace)
            return self if r is a else wrap_result(r)
        arr = self._arr
        if inplace and self._scalar:
            raise ValueError("cannot byteswap a scalar in-place")
        if inplace and arr.readonly:
            raise ValueError("array to be byte-swapped is read-only")
        dt = DTYPES[arr.dtype_num]
        n = dt.itemsize
        if n > 8:
            warn_fallback("ndarray.byteswap of complex128")
            m = materialize(arr).byteswap()
            if not inplace:
                return wrap_result(m)
            writeback(self, m)
            return self
        if n == 1:
            return self if inplace else self.copy()
        from ._ufunc import bitwise_and, bitwise_or, left_shift, right_shift
        ut = _np.dtype("u%d" % n).type
        u = view_of(self, view_source(self).view_dtype(dt_num(_np.dtype(ut))))
        part = 8 * (n // 2 if dt.kind == "c" else n)
        bits = 8
        while bits < part:
            # the low `bits` of each 2*bits: 0x00ff00ff... (bits 8), 0x0000ffff...
            m = ut(sum(((1 << bits) - 1) << i for i in range(0, 8 * n, 2 * bits)))
            s = ut(bits)
            u = bitwise_or(bitwise_and(right_shift(u, s), m), left_shift(bitwise_and(u, m), s))
            bits *= 2
        r = u._arr.view_dtype(arr.dtype_num)
        if inplace:
            _core.copy(arr, r)
            return self
        o = _deferred(r)
        o._scalar = self._scalar  # (a NumPy scalar's byteswap is a scalar)
        return o

    def itemset(self, *args):
        """NumPy 1.x's itemset: NumPy's checks and conversion of the value
        on a stand-in (one element seen at every index), then that element
        assigned at the index (flat, or one per axis)."""
        a = self._np
        if a is not None:
            return a.itemset(*(to_numpy(x) for x in args))
        if self._scalar:
            raise ValueError("array-scalars are immutable")
        arr = self._arr
        shape = arr.shape
        one = _np.zeros(1, DTYPES[arr.dtype_num])
        g = _np.lib.stride_tricks.as_strided(one, shape, (0,) * len(shape), writeable=True)
        if arr.readonly:
            g.flags.writeable = False
        g.itemset(*(to_numpy(x) for x in args))
        idx = args[:-1]
        if len(idx) == 1 and type(idx[0]) is tuple:
            idx = idx[0]
        if len(idx) == 0:
            key = (0,) * len(shape)
        elif len(idx) == 1:
            key = _np.unravel_index(operator.index(idx[0]) % arr.size, shape)
        else:
            key = tuple(operator.index(i) for i in idx)
        self[key] = one.reshape(())

    def reshape(self, *shape, order="C"):
        from ._manip import reshape
        if not shape:
            raise TypeError("reshape() takes exactly 1 argument (0 given)")
        if len(shape) == 1:
            shape = shape[0]
        return reshape(self, shape, order=order)

    def ravel(self, order="C"):
        from ._manip import ravel
        return ravel(self, order)

    def flatten(self, order="C"):
        from ._manip import flatten
        return flatten(self, order)

    def transpose(self, *axes):
        from ._manip import transpose
        if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], (int, _np.integer))):
            axes = axes[0]
        elif not axes:
            axes = None
        return transpose(self, axes)

    def swapaxes(self, axis1, axis2):
        from ._manip import swapaxes
        return swapaxes(self, axis1, axis2)

    def squeeze(self, axis=None):
        from ._manip import squeeze
        return squeeze(self, axis)

    def sum(self, axis=None, dtype=None, out=None, keepdims=False,
            initial=_NoValue, where=True):
        from ._reduction import sum as f
        return f(self, axis, dtype, out, keepdims, initial, where)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False,
             initial=_NoValue, where=True):
        from ._reduction import prod as f
        return f(self, axis, dtype, out, keepdims, initial, where)

    def cumsum(self, axis=None, dtype=None, out=None):
        from ._scan import cumsum as f
        return f(self, axis, dtype, out)

    def cumprod(self, axis=None, dtype=None, out=None):
        from ._scan import cumprod as f
        return f(self, axis, dtype, out)

    def max(self, axis=None, out=None, keepdims=False, initial=_NoValue, where=True):
        from ._reduction import amax as f
        return f(self, axis, out, keepdims, initial, where)

    def min(self, axis=None, out=None, keepdims=False, initial=_NoValue, where=True):
        from ._reduction import amin as f
        return f(self, axis, out, keepdims, initial, where)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
        from ._reduction import mean as f
        return f(self, axis, dtype, out, keepdims, where=where)

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
            where=True, **kwargs):
        from ._reduction import var as f
        return f(self, axis, dtype, out, ddof, keepdims, where=where, **kwargs)

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
            where=True, **kwargs):
        from ._reduction import std as f
        return f(self, axis, dtype, out, ddof, keepdims, where=where, **kwargs)

    def any(self, axis=None, out=None, keepdims=False, *, where=True):
        from ._reduction import any as f
        return f(self, axis, out, keepdims, where=where)

    def all(self, axis=None, out=None, keepdims=False, *, where=True):
        from ._reduction import all as f
        return f(self, axis, out, keepdims, where=where)

    def argmax(self, axis=None, out=None, *, keepdims=False):
        from ._reduction import argmax as f
        return f(self, axis, out, keepdims=keepdims)

    def argmin(self, axis=None, out=None, *, keepdims=False):
        from ._reduction import argmin as f
        return f(self, axis, out, keepdims=keepdims)

    def dot(self, b, out=None):
        from ._linalg import dot
        return dot(self, b, out)

    def clip(self, min=None, max=None, out=None, **kwargs):
        from ._linalg import clip
        return clip(self, min, max, out=out, **kwargs)

    def conj(self):
        from ._ufunc import conjugate
        return conjugate(self)

    conjugate = conj

    def round(self, decimals=0, out=None):
        from ._linalg import around
        return around(self, decimals, out)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        from ._diag import diagonal
        return diagonal(self, offset, axis1, axis2)

    def trace(self, offset=0, axis1=0, axis2=1, dtype=None, out=None):
        from ._diag import trace
        return trace(self, offset, axis1, axis2, dtype, out)

    def repeat(self, repeats, axis=None):
        from ._tile import repeat
        return repeat(self, repeats, axis)

    def nonzero(self):
        from ._indexfuncs import nonzero
        return nonzero(self)

    def take(self, indices, axis=None, out=None, mode="raise"):
        from ._indexfuncs import take
        return take(self, indices, axis, out, mode)

    def put(self, indices, values, mode="raise"):
        from ._indexfuncs import put
        return put(self, indices, values, mode)

    def compress(self, condition, axis=None, out=None):
        from ._indexfuncs import compress
        return compress(condition, self, axis, out)

    def choose(self, choices, out=None, mode="raise"):
        from ._indexfuncs import choose
        return choose(self, choices, out, mode)

    def sort(self, axis=-1, kind=None, order=None, *, stable=_NoValue):
        from ._sort import method_sort
        return method_sort(self, axis, kind, order, stable=stable)

    def argsort(self, axis=-1, kind=None, order=None, *, stable=_NoValue):
        from ._sort import method_argsort
        return method_argsort(self, axis, kind, order, stable=stable)

    def partition(self, kth, axis=-1, kind="introselect", order=None):
        from ._sort import method_partition
        return method_partition(self, kth, axis, kind, order)

    def argpartition(self, kth, axis=-1, kind="introselect", order=None):
        from ._sort import method_argpartition
        return method_argpartition(self, kth, axis, kind, order)

    def searchsorted(self, v, side="left", sorter=None):
        from ._sort import method_searchsorted
        return method_searchsorted(self, v, side, sorter)

    # -- NumPy fallback for everything else --------------------------------------
    def __getattr__(self, name):
        if name.startswith("__") or name in ("_np", "_arr", "_scalar"):
            raise AttributeError(
                "'legate.numpy.ndarray' object has no attribute %r" % name)
        if not hasattr(_NPND, name):
            raise AttributeError(
                "'legate.numpy.ndarray' object has no attribute %r" % name)
        from ._fallback import array_method
        return array_method(self, name)


# ``ndarray`` as NumPy spells its module
ndarray.__module__ = "legate.numpy"

# methods the installed NumPy no longer has (NumPy 2 removed these)
for _name in ("ptp", "tostring", "itemset"):
    if not hasattr(_NPND, _name):
        delattr(ndarray, _name)
del _name

# indexing of eager arrays in C (python/_core/eager_ops.c: the Python
# methods above stay the slow path); the operators (+, -, <, ...) and the
# ufunc-based methods are installed by _ufunc at import time, the same way.
_core.eager_setup(ndarray, _NPND, wrap_result, EAGER_MAX)
ndarray.__getitem__ = _core.eager_op(2, None, ndarray.__getitem__)
ndarray.__setitem__ = _core.eager_op(3, None, ndarray.__setitem__)
