"""Indexing of deferred arrays.

Basic keys (ints, slices, None, Ellipsis, tuples of them) are normalised here
to the form ``_core.Array.index`` takes: a tuple of non-negative in-range ints,
slices and None, no Ellipsis.  Advanced keys (integer / boolean arrays) are
native (_advanced.py; ``a[mask] = scalar`` is a native ``where``); the few
keys it does not take (0-d booleans, object arrays) run through NumPy
(warned once).
"""

import operator

import numpy as _np

from ._runtime import core as _core, warn_fallback
from ._dtypes import DTYPES, dt_num, NUMPY2
from . import _fpe
from ._array import (ndarray, _deferred, _deferred_result, materialize,
                     wrap_result, writeback, from_numpy_core, view_source, view_of, _NPND)

_INVALID = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis "
            "(`None`) and integer or boolean arrays are valid indices")


class _Advanced(Exception):
    pass


def _as_int(k):
    """int for an integer-like basic index item, None if not one."""
    t = type(k)
    if t is int:
        return k
    if t is bool or t is _np.bool_:
        raise _Advanced
    if isinstance(k, _np.integer):
        return int(k)
    if t is ndarray:
        if k.ndim == 0 and k.dtype.kind in "iu":
            return int(k)
        raise _Advanced
    if t is _NPND:
        if k.ndim == 0 and k.dtype.kind in "iu":
            return int(k)
        raise _Advanced
    if t is list or t is tuple:
        raise _Advanced
    if hasattr(k, "__array__") or hasattr(k, "__array_interface__"):
        raise _Advanced
    if isinstance(k, (float, complex, str, bytes, _np.inexact)) or k is None:
        raise IndexError(_INVALID)
    try:
        return operator.index(k)
    except TypeError:
        raise IndexError(_INVALID)


def _norm_slice(s):
    start, stop, step = s.start, s.stop, s.step
    try:
        if start is not None and type(start) is not int:
            start = operator.index(start)
        if stop is not None and type(stop) is not int:
            stop = operator.index(stop)
        if step is not None and type(step) is not int:
            step = operator.index(step)
    except TypeError:
        raise TypeError("slice indices must be integers or None or have an "
                        "__index__ method")
    if step == 0:
        raise ValueError("slice step cannot be zero")
    return slice(start, stop, step)


def normalize_key(key, shape):
    """Basic key -> (core key tuple, all_ints).  Raises _Advanced for an
    advanced key, IndexError as NumPy for bad ones."""
    if type(key) is not tuple:
        key = (key,)
    ndim = len(shape)
    # count the dimensions the key consumes
    nconsumed = 0
    nellipsis = 0
    for k in key:
        if k is None:
            continue
        if k is Ellipsis:
            nellipsis += 1
            continue
        nconsumed += 1
    if nellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if nconsumed > ndim:
        for k in key:  # an array in the key makes it advanced
            if k is not None and k is not Ellipsis and type(k) is not slice:
                i = _as_int(k)
                if not -_I64 <= i < _I64:
                    _index_overflow(i)
        raise IndexError(
            "too many indices for array: array is %d-dimensional, but %d were "
            "indexed" % (ndim, nconsumed))
    out = []
    dim = 0
    all_ints = True
    oob = None   # the first out-of-bounds integer: raised after conversions
    for k in key:
        t = type(k)
        if t is slice:
            out.append(k if (type(k.start) in (int, type(None)) and
                             type(k.stop) in (int, type(None)) and
                             type(k.step) in (int, type(None)) and k.step != 0)
                       else _norm_slice(k))
            dim += 1
            all_ints = False
        elif k is None:
            out.append(None)
            all_ints = False
        elif k is Ellipsis:
            n = ndim - nconsumed
            if n > 0:
                out.extend([slice(None)] * n)
                dim += n
            all_ints = False
        else:
            i = _as_int(k)
            n = shape[dim]
            if i < -n or i >= n:
                if not -_I64 <= i < _I64:
                    _index_overflow(i)
                if oob is None:
                    oob = (i, dim, n)
                i = 0
            out.append(i + n if i < 0 else i)
            dim += 1
    if oob is not None:
        raise IndexError("index %d is out of bounds for axis %d with size %d" % oob)
    return tuple(out), all_ints and dim == ndim


_I64 = 1 << 63


def _index_overflow(i):
    """NumPy's error for an integer index beyond intp, raised while it
    converts the key (before any bounds check): an int in [2**63, 2**64)
    overflows its conversion to C long; a larger or more negative one is not
    taken for an integer at all."""
    if _I64 <= i < 2 * _I64:
        raise OverflowError("Python int too large to convert to C long")
    raise IndexError(_INVALID)


def _advanced_key(key):
    from ._fallback import convert
    return convert(key)


def getitem(self, key):
    arr = self._arr
    try:
        ckey, scalar = normalize_key(key, arr.shape)
    except _Advanced:
        from . import _advanced
        try:
            return _advanced.getitem(self, key)
        except _advanced.Fallback:
            pass
        warn_fallback("advanced indexing", stacklevel=4)
        return wrap_result(materialize(arr)[_advanced_key(key)])
    view = (view_source(self) if self._scalar else arr).index(ckey)
    if scalar:
        # NumPy returns a scalar (a copy): a deferred 0-d copy, so later
        # writes to the array do not change it, marked scalar-like
        out = _core.empty((), view.dtype_num)
        _core.copy(out, view)
        return _deferred_result(out)
    return view_of(self, view)


def _check_broadcast(vshape, tshape):
    v = list(vshape)
    while len(v) > len(tshape) and v[0] == 1:
        v.pop(0)
    ok = len(v) <= len(tshape)
    if ok:
        for a, b in zip(reversed(v), reversed(tshape)):
            if a != b and a != 1:
                ok = False
                break
    if not ok:
        raise ValueError("could not broadcast input array from shape %s into shape %s"
                         % (_shape_str(vshape), _shape_str(tshape)))
    return tuple(v)


def _shape_str(s):
    return "(" + ",".join(str(x) for x in s) + ("," if len(s) == 1 else "") + ")"


def _scalar_value(value, dtype):
    """`value` converted as NumPy's setitem converts it (0-d array)."""
    t = _np.empty((), dtype=dtype)
    t[()] = value
    return t


def scalar_source(value, dt):
    """The deferred 0-d `value` (our ndarray) as the source of an assignment
    to dtype `dt`: its _core.Array, cast on the device by the copy, except
    where `value` stands for a NumPy scalar (``a[i] * 2.5``, see
    _array._deferred_result) whose conversion NumPy does through Python:
    float -> signed int goes through int() (NaN and inf raise, NumPy 2 raises
    OverflowError out of range) and complex -> real warns (ComplexWarning).
    That one value is read and converted by NumPy itself."""
    src = value._arr
    if value._scalar and src.ndim == 0:
        sk = DTYPES[src.dtype_num].kind
        if (sk == "f" and dt.kind == "i") or (sk == "c" and dt.kind in "iuf"):
            return _scalar_value(materialize(src)[()], dt)
    return src




def _element_value(value, dt):
    """NumPy's assignment to one element (a key of integers only) takes a
    scalar; what it does with a sequence or an array with dimensions depends
    on the NumPy version and the dtype (ValueError, TypeError, or the value
    of a size-1 array; a bool element takes a list's truth), so NumPy's own
    element assignment decides, on a scratch element of the same dtype."""
    t = type(value)
    if t is list or t is tuple or ((t is ndarray or t is _NPND) and value.ndim):
        from ._array import to_numpy
        scratch = _np.empty(1, dt)
        scratch[0] = to_numpy(value)
        return scratch[0]
    return value


def assign(view, value):
    """view[...] = value for a _core.Array view (NumPy setitem semantics)."""
    dt = DTYPES[view.dtype_num]
    t = type(value)
    if t is ndarray:
        if value._arr is not None:
            if value._arr.ndim == 0:
                src = scalar_source(value, dt)
                _core.copy(view, src)
                return
            src = value._arr
            if dt.kind in "iuf" and DTYPES[src.dtype_num].kind == "c":
                _fpe.warn_complex_discard()
            shp = _check_broadcast(src.shape, view.shape)
            if shp != src.shape:
                src = src.index((0,) * (len(src.shape) - len(shp)))
            _core.copy(view, src)
            return
        value = value._np
        t = _NPND
    if t is int or t is float or t is bool or t is complex:
        _core.copy(view, _scalar_value(value, dt))
        return
    if t is not _NPND:
        from ._fallback import convert
        value = convert(value)
        if isinstance(value, _np.generic):
            _core.copy(view, _scalar_value(value, dt))
            return
        value = _np.asarray(value)
        if value.dtype == object or value.dtype.kind in "USV":
            value = value.astype(dt)
    if value.ndim == 0:
        _core.copy(view, _scalar_value(value, dt))
        return
    shp = _check_broadcast(value.shape, view.shape)
    if shp != value.shape:
        value = value.reshape(shp)
    if dt_num(value.dtype) is None:
        value = value.astype(dt)
    _core.copy(view, from_numpy_core(value))


def _is_mask(key, shape):
    t = type(key)
    if t is ndarray or t is _NPND:
        return key.dtype == _np.bool_ and key.shape == tuple(shape)
    return False


def setitem(self, key, value):
    arr = self._arr
    if arr.readonly:
        raise ValueError("assignment destination is read-only")
    try:
        ckey, scalar = normalize_key(key, arr.shape)
    except _Advanced:
        # a[mask] = scalar: native where
        if _is_mask(key, arr.shape) and (
                type(value) in (int, float, bool, complex)
                or isinstance(value, _np.generic)
                or (type(value) in (ndarray, _NPND) and value.ndim == 0)):
            dt = DTYPES[arr.dtype_num]
            if type(value) is ndarray and value._arr is not None:
                v = _core.empty((), arr.dtype_num)
                _core.copy(v, scalar_source(value, dt))
            else:
                from ._array import to_numpy
                v = _scalar_value(to_numpy(value), dt)
            m = key._arr if type(key) is ndarray and key._arr is not None else \
                from_numpy_core(_np.asarray(key._np if type(key) is ndarray else key))
            _core.ewise(_core.OP_WHERE, arr, [m, v, arr], arr.dtype_num, arr.dtype_num)
            return
        from . import _advanced
        try:
            return _advanced.setitem(self, key, value)
        except _advanced.Fallback:
            pass
        warn_fallback("advanced indexing", stacklevel=4)
        a = materialize(arr)
        from ._fallback import convert
        a[_advanced_key(key)] = convert(value)
        writeback(self, a)
        return
    if scalar:
        value = _element_value(value, DTYPES[arr.dtype_num])
    assign(arr.index(ckey) if ckey else arr, value)
