"""Scans and counting: cumsum, cumprod, nancumsum, nancumprod,
``ufunc.accumulate`` and bincount.  Eager arrays go to NumPy; deferred ones
to ``_core.scan`` (numpy/scan.c: per-tile scans chained by the tiles'
totals) and ``_core.bincount``.  Result dtypes, and NumPy's errors, come
from NumPy run on 1-element stand-ins."""

import numpy as _np

from ._runtime import core as _core
from . import _fpe
from ._dtypes import dt_num, normalize_axis_index
from ._array import _deferred, as_core, wrap_result, to_numpy
from ._reduction import _as_array, _is_eager, _check_out_type, _stand, _write_out

# the ufuncs whose accumulate can scan natively: associative, with a seed
# (codelets/scan.h; _core.scan_supported says which dtypes)
_SCANNABLE = frozenset(("add", "multiply", "maximum", "minimum", "bitwise_and",
                        "bitwise_or", "bitwise_xor", "logical_and", "logical_or"))


def _fallback(npfunc, name, a, kw):
    from ._fallback import call_numpy
    return call_numpy(npfunc, name, (a,), {k: v for k, v in kw.items()
                                           if v is not None or k == "axis"})


def _scan(uf, npfunc, name, a, axis, dtype, out, flat_none):
    """The scan of `a` by ufunc `uf` (ours) along `axis` into `out`, as
    NumPy's `npfunc` (np.cumsum, or uf.accumulate) computes it.
    flat_none: axis None scans the flattened array (cumsum), else NumPy's
    accumulate rules apply (checked on the stand-in)."""
    kw = {"axis": axis, "dtype": dtype, "out": out}
    if _is_eager(a, out):
        r = npfunc(a._np, axis=axis, dtype=dtype,
                   **({"out": to_numpy(out)} if out is not None else {}))
        return out if out is not None else wrap_result(r)
    _check_out_type(out)
    if a._arr is None or dt_num(a.dtype) is None or uf._op is None:
        return _fallback(npfunc, name, a, kw)
    arr = a._arr
    ndim = arr.ndim
    # NumPy's errors (axis, dtype, 0-d accumulate) and result dtype
    with _np.errstate(all="ignore"):
        res_dt = npfunc(_stand(a.dtype, ndim), axis=axis, dtype=dtype).dtype
    acc_dt = res_dt
    if out is not None and dtype is None and uf._kind == "S":
        # an output's dtype joins the accumulation's (float32 data into a
        # float64 out accumulates in float64, as in NumPy)
        acc_dt = _np.result_type(res_dt, out.dtype)
    n = dt_num(acc_dt)
    if n is None or not _core.scan_supported(uf._op, n):
        return _fallback(npfunc, name, a, kw)
    if axis is None or ndim == 0:
        if flat_none or ndim == 0:
            from ._manip import reshape
            arr = reshape(a, (-1,))._arr
        ax = 0
    else:
        ax = normalize_axis_index(axis, ndim)
    fpe = _fpe.begin("accumulate")  # NumPy's name in its warnings
    try:
        res = _core.scan(uf._op, arr, ax, n)
    finally:
        _fpe.end(fpe)
    if out is not None:
        if tuple(out.shape) != tuple(res.shape):
            raise ValueError("provided out is the wrong size for the accumulation.")
        return _write_out(res, out)
    r = _deferred(res)
    if acc_dt != res_dt:
        r = r.astype(res_dt)
    return r


def _get(name):
    from ._ufunc import get_ufunc
    return get_ufunc(getattr(_np, name))


def cumsum(a, axis=None, dtype=None, out=None):
    return _scan(_get("add"), _np.cumsum, "cumsum", _as_array(a), axis, dtype, out, True)


def cumprod(a, axis=None, dtype=None, out=None):
    return _scan(_get("multiply"), _np.cumprod, "cumprod", _as_array(a), axis, dtype, out, True)


def _nan_to(a, value):
    """NumPy's _replace_nan: NaNs of an inexact array replaced by `value`
    (a new array), others unchanged."""
    if a._arr is not None and a.dtype.kind in "fc":
        from ._ufunc import isnan
        from ._linalg import where
        return where(isnan(a), _np.array(value, a.dtype), a)
    return a


def _nanscan(name, ufname, npscan, fill):
    npnan = getattr(_np, name)

    def f(a, axis=None, dtype=None, out=None):
        a = _as_array(a)
        if _is_eager(a, out):
            r = npnan(a._np, axis, dtype, to_numpy(out))
            return out if out is not None else wrap_result(r)
        return _scan(_get(ufname), npscan, name, _nan_to(a, fill), axis, dtype, out, True)
    f.__name__ = name
    return f


nancumsum = _nanscan("nancumsum", "add", _np.cumsum, 0)
nancumprod = _nanscan("nancumprod", "multiply", _np.cumprod, 1)


def ufunc_accumulate(uf, array, axis=0, dtype=None, out=None):
    """``ufunc.accumulate`` of our ufunc `uf`."""
    if type(out) is tuple:
        if len(out) != 1:
            raise ValueError("The 'out' tuple must have exactly one entry")
        out = out[0]
    a = _as_array(array)
    npuf = uf._npuf
    if uf.__name__ not in _SCANNABLE:
        if _is_eager(a, out):
            r = npuf.accumulate(a._np, axis=axis, dtype=dtype,
                                **({"out": to_numpy(out)} if out is not None else {}))
            return out if out is not None else wrap_result(r)
        return _fallback(npuf.accumulate, uf.__name__ + ".accumulate", a,
                         {"axis": axis, "dtype": dtype, "out": out})
    return _scan(uf, npuf.accumulate, uf.__name__ + ".accumulate", a, axis, dtype, out, False)


def bincount(x, weights=None, minlength=0):
    """NumPy's bincount: per-tile histograms summed (numpy/bincount.c).  The
    output's length is max(x) + 1 (at least minlength), so the extremes of
    x are read first, as NumPy reads them."""
    xa = _as_array(x)
    wa = None if weights is None else _as_array(weights)
    if xa._arr is None and (wa is None or wa._arr is None):
        return wrap_result(_np.bincount(xa._np, None if wa is None else wa._np, minlength))
    from ._ufunc import ghost
    # NumPy's errors (depth, dtypes, minlength, lengths) and result dtype, on
    # zero-memory stand-ins; a 1-D x of the same length as the weights
    # stands in as one element
    one = xa.ndim == 1 and (wa is None or wa.shape == xa.shape)
    xs = ghost((min(xa.size, 1),) if one else xa.shape, xa.dtype)
    ws = None if wa is None else ghost(xs.shape if one else wa.shape, wa.dtype)
    r0 = _np.bincount(xs, ws, minlength)
    # one operand deferred, the other small and host-held: both deferred
    if dt_num(xa.dtype) is not None and xa._arr is None:
        xa = _deferred(as_core(xa))
    if wa is not None and wa._arr is None and dt_num(wa.dtype) is not None:
        wa = _deferred(as_core(wa))
    if (xa._arr is None or (wa is not None and wa._arr is None) or dt_num(xa.dtype) is None):
        return _fallback(_np.bincount, "bincount", xa, {"weights": wa, "minlength": minlength})
    if xa.size == 0:
        return wrap_result(_np.bincount(_np.zeros(0, xa.dtype), ws, minlength))
    from ._reduction import amin, amax
    lo, hi = amin(xa), amax(xa)  # both submitted before either is read
    mx = int(hi)
    # (uint64 above the intp range: negative once NumPy 2 casts it to intp)
    if (xa.dtype.kind == "i" and int(lo) < 0) or mx > _np.iinfo(_np.intp).max:
        raise ValueError("'list' argument must have no negative elements")
    nbins = max(mx + 1, int(minlength or 0))
    res = _deferred(_core.bincount(xa._arr, None if wa is None else wa._arr, nbins))
    return res if res.dtype == r0.dtype else res.astype(r0.dtype)
