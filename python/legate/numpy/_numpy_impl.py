"""NumPy's own pure-Python implementations, run on legate.numpy.

Many NumPy functions (``pad``, ``insert``, ``delete``, ``kron``, ...) are
Python code over other NumPy functions, slicing and assignment, which
legate.numpy has natively.  Rather than rewrite them, ``rebound(np.pad)`` is
NumPy's code with its module's ``np`` meaning legate.numpy: the same
algorithm, keywords, edge cases and error messages, its work done by native
operations (anything it calls that is not native takes the fallback, which
says so).  Arguments that are all eager (small NumPy-backed arrays, Python
values) go to NumPy's function directly: nothing to gain from tasks there.

NUMPY_IMPL names the functions served this way; tests/python/
test_numpy_impl.py checks each against NumPy, and that no fallback is taken
(NumPy 2's trim_zeros calls argwhere, not native yet)."""

import sys
import types

import numpy as _np

from ._array import ndarray
from ._fallback import convert, wrap

NUMPY_IMPL = (
    "pad", "insert", "delete", "trim_zeros", "ix_", "diag_indices", "diag_indices_from",
    "tril_indices", "tril_indices_from", "triu_indices", "triu_indices_from", "select",
    "kron", "vander", "real_if_close", "unwrap", "cov", "corrcoef", "block",
    "take_along_axis", "put_along_axis", "mask_indices",
)

# functions whose arrays NumPy's code makes itself (mask_indices(n, f): an
# (n, n) array of ones): always rebound, so that a large one is deferred
# (ours, from legate.numpy's ones) rather than made and worked on by NumPy
ALWAYS_REBOUND = frozenset(("mask_indices",))

_cache = {}


def rebound(func):
    """NumPy's `func` (the Python function under its dispatcher) with the
    functions of its module rebound to a copy of that module's namespace in
    which ``np`` is legate.numpy."""
    inner = getattr(func, "__wrapped__", func)
    hit = _cache.get(id(inner))
    if hit is not None:
        return hit
    mod = inner.__globals__
    ns = dict(mod)
    lnp = sys.modules[__name__.rsplit(".", 1)[0]]
    ns["np"] = lnp
    # names the module imported from NumPy itself (asarray, concatenate,
    # ndarray, ...) become legate.numpy's: by identity with NumPy's public
    # attribute of that name, so private helpers stay NumPy's
    for k, v in mod.items():
        if not k.startswith("_") and getattr(_np, k, None) is v and k in _public(lnp):
            ns[k] = getattr(lnp, k)
        elif isinstance(v, types.ModuleType) and k != "np" and v.__name__.startswith("numpy"):
            ns[k] = _Overlay(v, lnp)  # _nx, _from_nx: NumPy's internal module aliases
    modname = mod.get("__name__")

    def copy(v):
        f = types.FunctionType(v.__code__, ns, v.__name__, v.__defaults__, v.__closure__)
        f.__kwdefaults__ = v.__kwdefaults__
        f.__doc__ = v.__doc__
        return f

    for k, v in mod.items():
        if isinstance(v, types.FunctionType) and v.__module__ == modname and v.__globals__ is mod:
            ns[k] = copy(v)
    f = copy(inner)
    _cache[id(inner)] = f
    return f


class _Overlay:
    """A NumPy module as NumPy's own code sees it, with legate.numpy's
    functions over NumPy's where legate.numpy has them (``_nx.concatenate``);
    everything else (its private helpers) stays NumPy's."""

    def __init__(self, npmod, lnp):
        self._npmod, self._own = npmod, _public(lnp)

    def __getattr__(self, name):
        own = self._own.get(name)
        if own is not None and getattr(self._npmod, name, None) is getattr(_np, name, None):
            return own
        return getattr(self._npmod, name)


def _public(lnp):
    """legate.numpy's own names (not those its module __getattr__ would
    hand over from NumPy through the fallback)."""
    return vars(lnp)


def _deferred_inside(obj):
    t = type(obj)
    if t is ndarray:
        return obj._arr is not None
    if t is list or t is tuple:
        return any(_deferred_inside(x) for x in obj)
    if t is dict:
        return any(_deferred_inside(x) for x in obj.values())
    return False


def numpy_impl(name, rebind=None):
    """legate.numpy's `name`: NumPy's implementation, rebound when an
    argument is deferred (by `rebind`, default rebound), else NumPy's
    function on the eager arrays."""
    npfunc = getattr(_np, name)
    rebind = rebind or rebound
    always = name in ALWAYS_REBOUND

    def f(*args, **kwargs):
        if always or _deferred_inside(args) or _deferred_inside(kwargs):
            # (a NumPy array in the result, where NumPy's code called a
            # function it imported under another name, becomes ours)
            return wrap(rebind(npfunc)(*args, **kwargs))
        return wrap(npfunc(*convert(args), **convert(kwargs)))

    f.__name__ = f.__qualname__ = name
    f.__doc__ = npfunc.__doc__
    f.__wrapped__ = npfunc
    f.__module__ = __name__
    return f
