"""NumPy fallback: anything not implemented natively runs through NumPy.

The wrapper warns once per name (RuntimeWarning), converts our ndarrays in
the arguments (recursively in lists/tuples/dicts) to NumPy arrays, calls
NumPy, and wraps NumPy arrays in the result (recursively in tuples/lists)
back.  Deferred arrays that NumPy may have written (``out=`` arguments, the
first argument of known in-place functions, the array of a mutating method)
are copied back.
"""

import types

import numpy as _np

from ._runtime import warn_fallback
from ._array import (ndarray, materialize, wrap_result, writeback,
                     _MUTATING_METHODS, _NPND)

# NumPy functions (by name) that modify their first argument in place.
_MUTATES_FIRST = frozenset((
    "copyto", "put", "place", "putmask", "fill_diagonal", "shuffle",
    "put_along_axis", "at",
))


def _has_ours(obj):
    t = type(obj)
    if t is ndarray:
        return True
    if t is list or t is tuple:
        for x in obj:
            if _has_ours(x):
                return True
    elif t is dict:
        for x in obj.values():
            if _has_ours(x):
                return True
    return False


def convert(obj, record=None):
    """Replace our ndarrays inside `obj` by NumPy arrays.  Deferred ones are
    materialised (a copy); `record` (a list) collects (ours, copy) pairs."""
    t = type(obj)
    if t is ndarray:
        a = obj._np
        if a is not None:
            return a
        if record is not None:
            # the same array twice (modf(x, x): an input and an output) is
            # one NumPy copy, so NumPy sees the aliasing it would see, and
            # the copy written back is the one NumPy wrote
            for ours, c in record:
                if ours is obj:
                    return c
        a = materialize(obj._arr)
        if obj._arr.readonly:
            # NumPy then refuses to write it (out=, in-place functions)
            a.flags.writeable = False
        if record is not None:
            record.append((obj, a))
        return a
    if t is list or t is tuple:
        if not _has_ours(obj):
            return obj
        return t(convert(x, record) for x in obj)
    if t is dict:
        if not _has_ours(obj):
            return obj
        return {k: convert(v, record) for k, v in obj.items()}
    return obj


def wrap(obj, mapping=None):
    """Wrap NumPy arrays in `obj` (recursively in tuples/lists)."""
    t = type(obj)
    if t is _NPND:
        if mapping:
            for ours, a in mapping:
                if a is obj:
                    return ours
        return wrap_result(obj)
    if t is tuple or t is list:
        return t(wrap(x, mapping) for x in obj)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # namedtuple results
        return type(obj)(*(wrap(x, mapping) for x in obj))
    return obj


def call_numpy(func, name, args, kwargs, mutates_first=False, warn=True):
    """Run NumPy's `func` on converted arguments and wrap the result."""
    if warn:
        warn_fallback(name, stacklevel=4)
    record = []
    cargs = convert(args, record) if args else args
    ckwargs = convert(kwargs, record) if kwargs else kwargs
    out = kwargs.get("out") if kwargs else None
    outs = out if type(out) is tuple else (out,)
    try:
        r = func(*cargs, **ckwargs)
    except Exception:
        # NumPy may have written an output before it failed (std into an
        # int `out`: the variance, then sqrt's casting error): our arrays
        # hold what NumPy's hold
        done = []
        for ours, a in record:
            if (not any(ours is d for d in done) and a.flags.writeable and (
                    any(ours is o for o in outs)
                    or (mutates_first and args and ours is args[0]))):
                writeback(ours, a)
                done.append(ours)
        raise
    # the deferred arrays NumPy may have written: out= (one or a tuple), the
    # first argument of an in-place function, and any copy NumPy returned
    # (it returns its output arrays, also ones passed positionally, as
    # np.cumsum(a, 0, None, out) or np.dot(a, b, out)); their values are
    # copied back and the result is our array, not the copy
    targets = []
    for ours, a in record:
        if any(t is ours for t, _ in targets):
            continue
        if (any(ours is o for o in outs) or _returned(r, a)
                or (mutates_first and args and ours is args[0])):
            targets.append((ours, a))
    for ours, a in targets:
        if a.flags.writeable:  # (a read-only one NumPy cannot have written)
            writeback(ours, a)
    # an eager array NumPy wrote in place (out=, or returned: a positional
    # output) is the result itself
    for o in outs + tuple(args or ()):
        if type(o) is ndarray and o._np is not None and (
                any(o is x for x in outs) or _returned(r, o._np)):
            targets.append((o, o._np))
    return wrap(r, targets)


def _returned(r, a):
    """Whether NumPy's result `r` is the array `a` (or holds it)."""
    if r is a:
        return True
    if type(r) is tuple or type(r) is list:
        return any(x is a for x in r)
    return False


def fallback_function(func, name):
    """A wrapper running NumPy's `func` with conversions (warns once)."""
    mutates = name.rsplit(".", 1)[-1] in _MUTATES_FIRST

    def wrapper(*args, **kwargs):
        return call_numpy(func, name, args, kwargs, mutates_first=mutates)

    wrapper.__name__ = getattr(func, "__name__", name)
    wrapper.__qualname__ = wrapper.__name__
    wrapper.__doc__ = getattr(func, "__doc__", None)
    wrapper.__wrapped__ = func
    wrapper._legate_fallback = True
    return wrapper


def array_method(obj, name):
    """``obj.name`` for a numpy.ndarray attribute we do not implement."""
    warn_fallback("ndarray." + name, stacklevel=4)
    a = obj._np
    deferred = a is None
    if deferred:
        a = materialize(obj._arr)
        if obj._arr.readonly:
            a.flags.writeable = False
    attr = getattr(a, name)
    if not callable(attr):
        return wrap(attr)
    mutating = deferred and name in _MUTATING_METHODS

    def method(*args, **kwargs):
        record = []
        r = attr(*convert(args, record), **convert(kwargs, record))
        targets = []
        out = kwargs.get("out")
        for ours, c in record:
            if ours is out:
                targets.append((ours, c))
        if mutating:
            writeback(obj, a)
        for ours, c in targets:
            writeback(ours, c)
        if r is a:
            return obj
        return wrap(r, targets)

    method.__name__ = name
    return method


class FallbackModule(types.ModuleType):
    """A NumPy submodule (``linalg``, ``random``, ``fft``, ...): functions run
    through the fallback wrapper, other attributes pass through."""

    def __init__(self, npmod, prefix):
        super().__init__("legate.numpy." + prefix.rstrip("."))
        self.__dict__["_npmod"] = npmod
        self.__dict__["_prefix"] = prefix
        self.__doc__ = npmod.__doc__

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        v = getattr(self._npmod, name)
        v = fallback_attr(v, self._prefix + name)
        self.__dict__[name] = v
        return v

    def __dir__(self):
        return dir(self._npmod)


def fallback_attr(v, name):
    """What legate.numpy exposes for NumPy's attribute `v` named `name`."""
    if isinstance(v, _np.ufunc):
        from ._ufunc import get_ufunc
        return get_ufunc(v)
    if isinstance(v, types.ModuleType):
        # linalg / random / fft are wrapped by the package itself; other
        # submodules (testing, lib, ma, ...) are NumPy's, unchanged
        return v
    if callable(v) and not isinstance(v, type):
        return fallback_function(v, name)
    return v


# ---------------------------------------------------------------------------
# __array_function__: numpy.<func>(our arrays) uses our implementation when we
# have one, else NumPy's (through the fallback).
# ---------------------------------------------------------------------------

NATIVE_FUNCTIONS = {}
# NumPy's submodules whose functions dispatch by their own module name
# ("numpy.linalg" -> our linalg module)
SUBMODULES = {}


def native_impl(func):
    """Our native implementation of NumPy's function `func`, or None."""
    name = getattr(func, "__name__", None)
    mod = getattr(func, "__module__", "") or ""
    if mod == "numpy" or mod.startswith(("numpy.core", "numpy._core", "numpy.lib")):
        return NATIVE_FUNCTIONS.get(name)
    sub = SUBMODULES.get(mod)
    if sub is None or not name or name.startswith("_"):
        return None
    impl = getattr(sub, name, None)
    return None if impl is None or getattr(impl, "_legate_fallback", False) else impl


def array_function(func, types_, args, kwargs):
    impl = native_impl(func)
    if impl is not None:
        return impl(*args, **kwargs)
    name = getattr(func, "__name__", None)
    mod = getattr(func, "__module__", "") or ""
    if mod == "numpy" or mod.startswith(("numpy.core", "numpy._core")):
        qual = name
    else:
        qual = (mod[6:] + "." if mod.startswith("numpy.") else mod + ".") + str(name)
    return call_numpy(func, qual, args, kwargs,
                      mutates_first=name in _MUTATES_FIRST)
