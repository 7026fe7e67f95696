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
import warnings

import numpy as _np

from ._array import ndarray, _NoValue
from ._fallback import convert, wrap

NUMPY_IMPL = (
    "pad", "insert", "delete", "trim_zeros", "ix_", "diag_indices", "diag_indices_from",
    "tril_indices", "tril_indices_from", "triu_indices", "triu_indices_from", "select",
    "kron", "vander", "real_if_close", "unwrap", "cov", "corrcoef", "block",
    "take_along_axis", "put_along_axis", "mask_indices",
    # statistics and numerics (issue 19)
    "average", "ptp", "median", "percentile", "quantile", "nanargmin", "nanargmax",
    "histogram", "histogram_bin_edges", "histogram2d", "histogramdd", "gradient", "sinc",
    "i0", "bartlett", "blackman", "hamming", "hanning", "kaiser", "geomspace", "logspace",
    "isneginf", "isposinf", "iscomplex", "iscomplexobj", "isrealobj", "cross", "polyval",
    "polyadd", "polysub", "polyder", "polyint", "array_equiv", "asarray_chkfinite",
    "apply_over_axes", "piecewise", "fix", "nansum", "nanprod", "nanmin", "nanmax", "nanmean",
    "nanvar", "nanstd",
    # complex parts (ndarray.real/.imag are views)
    "real", "imag", "angle", "isreal",
    # over np.linalg.lstsq (a LAPACK task)
    "polyfit",
    # transposes, reshapes and a 2-D dot (einsum's pairwise contractions)
    "tensordot",
    # polynomials over eigvals, convolve and division; dtype helpers
    "poly", "roots", "polydiv", "common_type", "isfortran", "mintypecode",
) + tuple(n for n in ("trapz", "trapezoid", "asfarray", "cumulative_sum", "cumulative_prod", "unstack")
          if hasattr(_np, n))

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
    # NumPy 1.x's fix/isposinf/isneginf: a dispatcher over a decorator
    while isinstance(getattr(inner, "__wrapped__", None), types.FunctionType):
        inner = inner.__wrapped__
    hit = _cache.get(id(inner))
    if hit is not None:
        return hit
    mod = inner.__globals__
    ns = dict(mod)
    lnp = sys.modules[__name__.rsplit(".", 1)[0]]
    ns["np"] = _view(lnp)
    # names the module imported from NumPy itself (asarray, concatenate,
    # ndarray, ...) become legate.numpy's: by identity with NumPy's public
    # attribute of that name, so private helpers stay NumPy's
    with warnings.catch_warnings():  # NumPy 1.24's np.long & co. warn when asked for
        warnings.simplefilter("ignore")
        same = {k for k, v in mod.items() if not k.startswith("_") and getattr(_np, k, None) is v}
    for k, v in mod.items():
        if k in same and k in _public(lnp):
            ns[k] = _adapt(k, getattr(lnp, k))
        elif isinstance(v, types.ModuleType) and k != "np" and v.__name__.startswith("numpy"):
            ns[k] = _Overlay(v, lnp)  # _nx, _from_nx: NumPy's internal module aliases
    modname = mod.get("__name__")

    def copy(v):
        f = types.FunctionType(v.__code__, ns, v.__name__, _own_novalue(v.__defaults__),
                               v.__closure__)
        kw = v.__kwdefaults__
        f.__kwdefaults__ = kw and dict(zip(kw, _own_novalue(tuple(kw.values()))))
        f.__doc__ = v.__doc__
        return f

    for k, v in mod.items():
        if isinstance(v, types.FunctionType) and v.__module__ == modname and v.__globals__ is mod:
            ns[k] = copy(v)
        elif ns[k] is v:
            # a function of this module under its __array_function__
            # dispatcher (piecewise, which i0 calls): NumPy's code, rebound,
            # rather than the dispatcher's trip through the fallback
            w = getattr(v, "__wrapped__", None)
            if isinstance(w, types.FunctionType) and w.__globals__ is mod:
                ns[k] = copy(w)
    for k, v in _HELPERS.items():
        if k in ns:
            ns[k] = v

    def ours(v):
        # a module-level table of this module's functions (function_base's
        # _QuantileMethods: dicts of lambdas) is copied with them rebound
        if isinstance(v, types.FunctionType) and v.__globals__ is mod:
            return copy(v)
        if type(v) is dict:
            w = {k2: ours(x) for k2, x in v.items()}
            return w if any(w[k2] is not v[k2] for k2 in v) else v
        return v
    for k, v in mod.items():
        if type(v) is dict and not k.startswith("__"):
            ns[k] = ours(v)
    f = copy(inner)
    _cache[id(inner)] = f
    return f


def _get_gamma_mask(shape, default_value, conditioned_value, where):
    """function_base's helper of the discontinuous quantile methods as one
    select: NumPy's makes np.full(shape) (a small host-held array, the
    shape of the result) and np.copyto's into it where a deferred
    condition holds, a trip to the host."""
    from ._creation import empty
    from ._linalg import where as select
    dt = _np.result_type(default_value)
    out = empty(shape, dt)
    out[...] = select(where, conditioned_value, default_value)
    return out


# private helpers of NumPy's modules replaced in the rebound namespaces
_HELPERS = {"_get_gamma_mask": _get_gamma_mask}


# reductions that NumPy's code calls with its _NoValue for "not given"
_REDUCTIONS = frozenset((
    "sum", "prod", "mean", "var", "std", "amin", "amax", "min", "max", "any", "all",
    "argmin", "argmax", "count_nonzero",
))
_adapted = {}


def _adapt(name, v):
    """legate.numpy's `v` as NumPy's rebound code calls it: reductions and
    ufunc.reduce without the keywords it passes as _NoValue; ufuncs taking
    NumPy 2's ``out=...`` (an array, never a scalar)."""
    from ._ufunc import ufunc
    if isinstance(v, ufunc):
        hit = _adapted.get(id(v))
        if hit is None or hit._uf is not v:
            hit = _adapted[id(v)] = _UfuncView(v)
        return hit
    if name in _REDUCTIONS and callable(v):
        hit = _adapted.get(id(v))
        if hit is None or hit.__wrapped__ is not v:
            def f(*args, **kwargs):
                return v(*args, **_given(kwargs))
            f.__name__ = f.__qualname__ = name
            f.__wrapped__ = v
            hit = _adapted[id(v)] = f
        return hit
    return v


def _given(kwargs):
    if any(x is _NoValue for x in kwargs.values()):
        return {k: x for k, x in kwargs.items() if x is not _NoValue}
    return kwargs


class _UfuncView:
    """A legate.numpy ufunc for NumPy's rebound code (see _adapt)."""

    def __init__(self, uf):
        self._uf = uf

    def __call__(self, *args, **kwargs):
        kwargs = _given(kwargs)
        dt = kwargs.get("dtype", None)
        if isinstance(dt, type) and not issubclass(dt, _np.generic):
            # NumPy 2's dtype=type(out.dtype) (a DType class): out's dtype
            out = kwargs.get("out", None)
            if type(out) is tuple and len(out) == 1:
                out = out[0]
            kwargs = dict(kwargs)
            if type(out) is ndarray:
                kwargs["dtype"] = out.dtype
            else:
                del kwargs["dtype"]
        if kwargs.get("where", True) is not True and self._uf.nout == 1:
            out = kwargs.get("out", None)
            if type(out) is tuple and len(out) == 1:
                out = out[0]
            if type(out) is ndarray:
                # out=, where=: the result where `where` holds, `out` kept
                # elsewhere (NumPy's _lerp, fix, nanvar)
                lnp = sys.modules[__name__.rsplit(".", 1)[0]]
                kw = {k: v for k, v in kwargs.items() if k not in ("out", "where")}
                r = self._uf(*args, **kw)
                lnp.copyto(out, r, casting=kwargs.get("casting", "same_kind"),
                           where=kwargs["where"])
                return out
        if kwargs.get("out", None) is Ellipsis:
            del kwargs["out"]
            r = self._uf(*args, **kwargs)
            lnp = sys.modules[__name__.rsplit(".", 1)[0]]
            if type(r) is tuple:
                return tuple(x if type(x) is ndarray else lnp.asarray(x) for x in r)
            return r if type(r) is ndarray else lnp.asarray(r)
        return self._uf(*args, **kwargs)

    def reduce(self, *args, **kwargs):
        kwargs = _given(kwargs)
        name = self._uf.__name__
        if name in ("fmin", "fmax") and args and type(args[0]) is ndarray:
            r = _fminmax_reduce(name, *args, **kwargs)
            if r is not None:
                return r
        return self._uf.reduce(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._uf, name)

    def __repr__(self):
        return repr(self._uf)


def _fminmax_reduce(name, a, axis=0, dtype=None, out=None, keepdims=False, **rest):
    """fmin.reduce / fmax.reduce (nanmin, nanmax) of a real array: the
    extremum with NaNs ignored, NaN where a slice is all NaN; None where it
    is not that case (other keywords, complex)."""
    lnp = sys.modules[__name__.rsplit(".", 1)[0]]
    if rest or dtype is not None or a.dtype.kind not in "biuf":
        return None
    red = lnp.amin if name == "fmin" else lnp.amax
    if a.dtype.kind != "f":
        return red(a, axis=axis, out=out, keepdims=keepdims)
    nan = lnp.isnan(a)
    fill = _np.inf if name == "fmin" else -_np.inf
    r = red(lnp.where(nan, a.dtype.type(fill), a), axis=axis, keepdims=keepdims)
    r = lnp.where(lnp.all(nan, axis=axis, keepdims=keepdims), a.dtype.type(_np.nan), r)
    if out is not None:
        lnp.copyto(out, r)
        return out
    return r if r.ndim else r[()]


class _View:
    """legate.numpy as the ``np`` of NumPy's rebound code (see _adapt)."""

    def __init__(self, lnp):
        self._lnp = lnp

    def __getattr__(self, name):
        return _adapt(name, getattr(self._lnp, name))


_views = {}


def _view(lnp):
    v = _views.get(id(lnp))
    if v is None:
        v = _views[id(lnp)] = _View(lnp)
    return v


def _own_novalue(values):
    """Default values with NumPy's _NoValue as legate.numpy's (NumPy's code
    tests ``x is np._NoValue``, and its ``np`` is legate.numpy)."""
    if not values or not any(v is _np._NoValue for v in values):
        return values
    return tuple(_NoValue if v is _np._NoValue else v for v in values)


class _Overlay:
    """A NumPy module as NumPy's own code sees it, with legate.numpy's
    functions over NumPy's where legate.numpy has them (``_nx.concatenate``);
    everything else (its private helpers) stays NumPy's."""

    def __init__(self, npmod, lnp):
        self._npmod, self._own = npmod, _public(lnp)

    def __getattr__(self, name):
        own = self._own.get(name)
        if own is not None and getattr(self._npmod, name, None) is getattr(_np, name, None):
            return _adapt(name, own)
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
