"""Reductions: sum prod max min mean var std any all argmax argmin, and
``ufunc.reduce``.  Eager arrays go to NumPy; deferred ones to
``_core.reduce`` / ``_core.argreduce``.  Result dtypes come from NumPy
(the real reduction run on a 1-element stand-in of the same dtype)."""

import builtins
import warnings

import numpy as _np

from ._runtime import core as _core
from . import _fpe, _layout
from ._dtypes import dt_num, normalize_axis_tuple, normalize_axis_index, DT_INT64
from ._array import (as_operand, ndarray, _deferred, _deferred_result, wrap_result, to_numpy, materialize,
                     _NoValue, _NPND)


def _as_array(a):
    if type(a) is ndarray:
        return a
    return as_operand(a)


def _np_kwargs(**kw):
    return {k: to_numpy(v) for k, v in kw.items() if v is not _NoValue}


def _fallback_kwargs(**kw):
    """The arguments given, for call_numpy: not converted here, so that it
    sees a deferred ``out`` and copies NumPy's result back into it."""
    return {k: v for k, v in kw.items() if v is not _NoValue}


def _check_out_type(out):
    """NumPy's TypeError for an ``out`` that is not an array (a list...)."""
    if out is not None and type(out) is not ndarray and not isinstance(out, _NPND):
        # NumPy's own message (it differs between 1.x and 2.x)
        _np.add.reduce(_np.zeros(1), out=out)
        raise TypeError("output must be an array")


def _eager(npfunc, a, out, **kw):
    """Run the NumPy reduction on eager data (the defaults left out, as
    NumPy's functions leave them: a MaskedArray's methods take no where=)."""
    if kw.get("where") is True:
        del kw["where"]
    if kw.get("keepdims") is False:
        del kw["keepdims"]
    kw = _np_kwargs(**kw)
    if out is not None:
        kw["out"] = to_numpy(out)
    r = npfunc(a, **kw)
    if out is not None:
        return out
    return wrap_result(r)


def _is_eager(a, out):
    return a._np is not None and (out is None or type(out) is not ndarray
                                   or out._np is not None)


def _stand(dt, ndim):
    return _np.zeros((1,) * ndim, dtype=dt)


def _write_out(res_arr, out):
    """Copy a deferred result into `out` (ours or NumPy); returns out."""
    from ._indexing import assign
    if type(out) is ndarray:
        if out._arr is not None:
            assign(out._arr, _deferred(res_arr))
        else:
            out._np[...] = materialize(res_arr)
        return out
    if type(out) is _NPND:
        out[...] = materialize(res_arr)
        return out
    raise TypeError("output must be an array")


def _keepdims_view(arr, axes, ndim):
    return arr.index(tuple(None if i in axes else slice(None) for i in range(ndim)))


def _check_out(out, shape):
    if out is not None and tuple(out.shape) != tuple(shape):
        raise ValueError("output parameter for reduction operation has the wrong "
                         "number of dimensions (must match the operand's when "
                         "keepdims=True)" if len(out.shape) != len(shape) else
                         "output parameter has the wrong shape")


_MAXMIN_OPS = (_core.OP_MAXIMUM, _core.OP_MINIMUM, _core.OP_FMAX, _core.OP_FMIN)


def _walks_in_memory_order(op, dtype):
    if op == _core.OP_ADD:
        return True
    dt = _np.dtype(dtype)
    return op in _MAXMIN_OPS and (dt.kind in "iub" or dt.char in "fd")


def _reduce_core(op, name, arr, axis, dtype_res, keepdims, out, identity_ok):
    """Launch a native reduction of _core.Array `arr` over `axis`."""
    ndim = arr.ndim
    shape = arr.shape
    if ndim == 0 and axis is not None:
        # NumPy reduces a 0-d array over axis 0 or -1 (what it accepts was
        # checked on a stand-in): there is nothing to reduce over
        axis = None
    axes = normalize_axis_tuple(axis, ndim)
    if not identity_ok:
        for i in axes:
            if shape[i] == 0:
                raise ValueError("zero-size array to reduction operation %s which "
                                 "has no identity" % name)
    oshape = tuple(s for i, s in enumerate(shape) if i not in axes)
    n = dt_num(dtype_res)
    # sums of a permuted operand walk it in memory order (the pairwise sum
    # along the contiguous axis), and so do max/min of integers (folded in
    # lanes) and float32/64 (NumPy's SIMD fold); the other folds along it
    # are serial chains, slower than folding rows elementwise, so they keep
    # its order
    walk = _layout.reduction_walk(arr, axes) if _walks_in_memory_order(op, dtype_res) else None
    if walk is None:
        res = _layout.empty(oshape, n, _layout.reduction_perm(arr, axes))
        loop = (res, arr, axes)
    else:  # a permuted operand walked in its memory order, the result laid out alike
        src, saxes, kperm = walk
        res = _layout.empty(oshape, n, kperm)
        loop = (_layout.store_order(kperm, res)[0], src, saxes)
    fpe = _fpe.begin("reduce")
    try:
        _core.reduce(op, loop[0], loop[1], loop[2], n)
    except TypeError:
        # no kernel for this op and dtype (checked before any task):
        # NumPy's reduce, by the caller
        fpe = False
        raise _NoKernel from None
    finally:
        _fpe.end(fpe)
    if keepdims:
        res = _keepdims_view(res, axes, ndim)
    if out is not None:
        _check_out(out, res.shape)
        return _write_out(res, out)
    return _deferred_result(res)


class _NoKernel(Exception):
    pass


# NumPy's reduce of an op without identity is the fold from the first
# element, a[0] op a[1] op a[2] ..., except where its SIMD inner loop reads
# the aliased accumulator once (power and arctan2 of AVX512 builds give
# a[0] op a[-1]); the native ordered fold is taken only where NumPy's own
# reduce of a probe agrees with the fold of its elements one by one.
_folds_in_order = {}


def _numpy_folds_in_order(npuf, dt):
    key = (npuf, dt)
    r = _folds_in_order.get(key)
    if r is None:
        x = (_np.arange(24) % 3 + 1).astype(dt)
        if dt.kind in "fc":
            x = (1.1 + (_np.arange(24) % 5) / 8).astype(dt)
        with _np.errstate(all="ignore"):
            try:
                got = npuf.reduce(x)
                want = x[0]
                for v in x[1:]:
                    want = npuf(want, v)
                # (float16: NumPy keeps a float32 sum through a run)
                r = bool(_np.allclose(got, want, rtol=1e-2 if dt.itemsize == 2 else 1e-3, equal_nan=True))
            except Exception:
                r = False
        _folds_in_order[key] = r
    return r


# (ufunc, dtype number, ndim, axis, dtype, keepdims) -> result dtype; only
# calls NumPy accepted get here (an invalid axis raises every time)
_res_dtype_cache = {}


def ufunc_reduce(uf, array, axis=0, dtype=None, out=None, keepdims=False,
                 initial=_NoValue, where=True):
    """``ufunc.reduce`` (and the reductions built on it)."""
    if type(out) is tuple:
        out = out[0] if len(out) == 1 else out
    a = _as_array(array)
    npuf = uf._npuf
    if _is_eager(a, out):
        return _eager(npuf.reduce, a._np, out, axis=axis, dtype=dtype,
                      keepdims=keepdims, initial=initial, where=where)
    _check_out_type(out)
    if (initial is not _NoValue and _np.ndim(initial) == 0 and type(initial) in (int, float, bool)
            and ((uf.__name__ == "add" and initial == 0) or (uf.__name__ == "multiply" and initial == 1))):
        initial = _NoValue  # the identity (NumPy 2's code passes sum(..., initial=0))
    if (initial is not _NoValue and uf.__name__ in ("maximum", "minimum", "fmax", "fmin")
            and where is True and out is None and uf._redop is not None and a._arr is not None
            and a.size > 0 and _np.ndim(initial) == 0):
        # an extremum with a start value over a nonempty axis: the extremum
        # of the reduction and the start value (NumPy's result, as the
        # comparisons are exact), the value cast as NumPy casts it
        r = ufunc_reduce(uf, a, axis, dtype, None, keepdims)
        rdt = _np.result_type(r)
        try:
            init = _np.asarray(initial).astype(rdt, casting="same_kind")
        except TypeError:
            init = None
        if init is not None:
            return uf(r, init)
    if (uf._redop is None or initial is not _NoValue or where is not True
            or a._arr is None or dt_num(a.dtype) is None):
        from ._fallback import call_numpy
        kw = _fallback_kwargs(axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                        initial=initial, where=where)
        if out is None:
            kw.pop("out", None)
        return call_numpy(npuf.reduce, uf.__name__ + ".reduce", (a,), kw)
    arr = a._arr
    # result dtype (and axis validation) from NumPy, remembered per call
    # signature: NumPy's errstate and a stand-in reduction were a third of a
    # full sum's Python time
    key = res_dt = None
    # plain ints only: True == 1 as a key, but NumPy refuses axis=True
    if axis is None or type(axis) is int or (
            type(axis) is tuple and all(type(i) is int for i in axis)):
        try:
            key = (npuf, arr.dtype_num, arr.ndim, axis, dtype, keepdims)
            res_dt = _res_dtype_cache.get(key)
        except TypeError:  # an unhashable dtype argument: NumPy raises
            key = None
    if res_dt is None:
        with _np.errstate(all="ignore"):
            r = npuf.reduce(_stand(a.dtype, arr.ndim), axis=axis, dtype=dtype,
                            keepdims=keepdims)
        res_dt = r.dtype
        if key is not None:
            _res_dtype_cache[key] = res_dt
    if dt_num(res_dt) is None:
        from ._fallback import call_numpy
        return call_numpy(npuf.reduce, uf.__name__ + ".reduce", (a,),
                          _fallback_kwargs(axis=axis, dtype=dtype, keepdims=keepdims))
    identity_ok = uf._npuf.identity is not None
    if not uf._redop_seeded:
        if not _numpy_folds_in_order(npuf, res_dt):
            return _reduce_fallback(uf, a, axis, dtype, out, keepdims)
        if uf.__name__ == "power" and res_dt.kind == "i" and a.size > 0 and a.ndim > 0:
            # NumPy's check of the exponents a[1:] along the axis
            ax = normalize_axis_tuple(axis, a.ndim)[0]
            exps = a[(slice(None),) * ax + (slice(1, None),)]
            if exps.size > 0 and int(amin(exps)) < 0:
                raise ValueError("Integers to negative integer powers are not allowed.")
    try:
        return _reduce_core(uf._redop, uf.__name__, arr, axis, res_dt, keepdims,
                            out, identity_ok)
    except _NoKernel:
        return _reduce_fallback(uf, a, axis, dtype, out, keepdims)


def _reduce_fallback(uf, a, axis, dtype, out, keepdims):
    from ._fallback import call_numpy
    kw = _fallback_kwargs(axis=axis, dtype=dtype, out=out, keepdims=keepdims)
    if out is None:
        kw.pop("out", None)
    return call_numpy(uf._npuf.reduce, uf.__name__ + ".reduce", (a,), kw)


def _reduction(ufname, npfunc):
    def f(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue,
          where=True):
        a = _as_array(a)
        if _is_eager(a, out):
            return _eager(npfunc, a._np, out, axis=axis, dtype=dtype,
                          keepdims=keepdims, initial=initial, where=where)
        from ._ufunc import get_ufunc
        return ufunc_reduce(get_ufunc(getattr(_np, ufname)), a, axis, dtype, out,
                            keepdims, initial, where)
    return f


sum = _reduction("add", _np.sum)
prod = _reduction("multiply", _np.prod)
_sum_red = sum


def _extremum(name, ufname):
    """amax / amin: ``ufname``.reduce without a dtype argument."""
    npfunc = getattr(_np, name)

    def f(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True):
        a = _as_array(a)
        if _is_eager(a, out):
            return _eager(npfunc, a._np, out, axis=axis, keepdims=keepdims,
                          initial=initial, where=where)
        from . import _ufunc
        return ufunc_reduce(getattr(_ufunc, ufname), a, axis, None, out, keepdims,
                            initial, where)
    f.__name__ = f.__qualname__ = name
    return f


amax = _extremum("amax", "maximum")
amin = _extremum("amin", "minimum")


max = amax
min = amin


def _logical(name, ufname):
    npfunc = getattr(_np, name)

    def f(a, axis=None, out=None, keepdims=False, *, where=True):
        a = _as_array(a)
        if _is_eager(a, out):
            return _eager(npfunc, a._np, out, axis=axis, keepdims=keepdims,
                          where=where)
        _check_out_type(out)
        if where is not True or dt_num(a.dtype) is None:
            from ._fallback import call_numpy
            return call_numpy(npfunc, name, (a,),
                              _fallback_kwargs(axis=axis, out=out, keepdims=keepdims,
                                         where=where))
        arr = a._arr
        # validates the axis as NumPy does
        npfunc(_stand(a.dtype, arr.ndim), axis=axis, keepdims=keepdims)
        # over bools, or and and are max and min: their folds run in lanes
        op = _core.OP_MAXIMUM if ufname == "logical_or" else _core.OP_MINIMUM
        return _reduce_core(op, ufname, arr, axis, _np.dtype(bool), keepdims, out, True)
    f.__name__ = name
    return f


any = _logical("any", "logical_or")
all = _logical("all", "logical_and")


def _mean_setup(arr, axis, adt, dtype):
    """(axes, number of elements reduced, accumulation dtype) of a mean (or
    var, std) of the _core.Array `arr` of dtype `adt` over `axis`."""
    axes = normalize_axis_tuple(axis, arr.ndim)
    count = 1
    for i in axes:
        count *= arr.shape[i]
    if dtype is None:
        if adt.kind in "biu":
            acc = _np.dtype(_np.float64)
        elif adt == _np.float16:
            acc = _np.dtype(_np.float32)
        else:
            acc = adt
    else:
        acc = _np.dtype(dtype)
    return axes, count, acc


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    a = _as_array(a)
    if _is_eager(a, out):
        return _eager(_np.mean, a._np, out, axis=axis, dtype=dtype,
                      keepdims=keepdims, where=where)
    adt = a.dtype
    _check_out_type(out)
    if where is not True or dt_num(adt) is None or adt.kind not in "biufc" or (
            dtype is not None and dt_num(dtype) is None):
        from ._fallback import call_numpy
        return call_numpy(_np.mean, "mean", (a,),
                          _fallback_kwargs(axis=axis, dtype=dtype, out=out,
                                     keepdims=keepdims, where=where))
    arr = a._arr
    with _np.errstate(all="ignore"):
        res_dt = _np.mean(_stand(adt, arr.ndim), axis=axis, dtype=dtype,
                          keepdims=keepdims).dtype
    axes, count, acc = _mean_setup(arr, axis, adt, dtype)
    if count == 0:
        warnings.warn("Mean of empty slice.", RuntimeWarning, stacklevel=2)
    if out is not None:
        # NumPy's _mean: the sum goes into `out` (in out's dtype unless the
        # operand is integral or float16, or a dtype is given), then out is
        # divided in place with unsafe casting
        from ._ufunc import true_divide
        sdt = dtype if dtype is not None or adt.kind not in "biuf" or (
            adt.kind == "f" and adt != _np.float16) else acc
        ret = sum(a, axis=axis, dtype=sdt, out=out, keepdims=keepdims)
        return true_divide(ret, count, out=ret, casting="unsafe")
    oshape = tuple(s for i, s in enumerate(arr.shape) if i not in axes)
    perm = _layout.reduction_perm(arr, axes)
    s = _layout.empty(oshape, dt_num(acc), perm)
    fpe = _fpe.begin("reduce")
    try:
        _core.reduce(_core.OP_ADD, s, arr, axes, dt_num(acc))
    finally:
        _fpe.end(fpe)
    div_dt = _np.true_divide(_np.zeros(1, acc), count).dtype
    q = _layout.empty(oshape, dt_num(res_dt), perm)
    fpe = _fpe.begin("divide")
    try:
        _core.ewise(_core.OP_TRUE_DIVIDE, q, [s, _np.asarray(count, dtype=div_dt)],
                    dt_num(div_dt), dt_num(div_dt))
    finally:
        _fpe.end(fpe)
    if keepdims:
        q = _keepdims_view(q, axes, arr.ndim)
    if out is not None:
        _check_out(out, q.shape)
        return _write_out(q, out)
    return _deferred_result(q)


def _variance(name):
    """var / std (name): one computation, std takes the square root."""
    npfunc = getattr(_np, name)

    def f(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
          where=True, **kwargs):
        a = _as_array(a)
        if _is_eager(a, out):
            return _eager(npfunc, a._np, out, axis=axis, dtype=dtype, ddof=ddof,
                          keepdims=keepdims, where=where, **kwargs)
        return _var(a, axis, dtype, out, ddof, keepdims, where, kwargs, name)
    f.__name__ = f.__qualname__ = name
    return f


var = _variance("var")
std = _variance("std")


def _var(a, axis, dtype, out, ddof, keepdims, where, kwargs, name):
    adt = a.dtype
    npfunc = getattr(_np, name)
    if (where is not True or kwargs or dt_num(adt) is None or adt.kind not in "biuf"
            or (dtype is not None and _np.dtype(dtype).kind not in "f")
            or out is not None):
        from ._fallback import call_numpy
        return call_numpy(npfunc, name, (a,),
                          _fallback_kwargs(axis=axis, dtype=dtype, out=out, ddof=ddof,
                                     keepdims=keepdims, where=where, **kwargs))
    from ._ufunc import subtract, multiply, true_divide, sqrt
    arr = a._arr
    with _np.errstate(all="ignore"):
        res_dt = npfunc(_stand(adt, arr.ndim), axis=axis, dtype=dtype, ddof=ddof,
                        keepdims=keepdims).dtype
    axes = normalize_axis_tuple(axis, arr.ndim)
    n = 1
    for i in axes:
        n *= arr.shape[i]
    rcount = _np.intp(n)
    if ddof >= rcount:
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning,
                      stacklevel=3)
    # NumPy's own steps (numpy/_core/_methods.py, _var): the same ufuncs on
    # operands of the same types, so the same dtypes and roundings come out.
    # A float16 array's mean, deviations and squares stay float16 (only its
    # sums accumulate in float32), so std of 70000 float16 300s is inf as in
    # NumPy (the sum of the mean overflows), not 0.
    if dtype is None and adt.kind in "biu":
        dtype = _np.dtype(_np.float64)
    arrmean = _sum_red(a, axis=axes, dtype=dtype, keepdims=True)
    if arrmean.ndim:
        arrmean = true_divide(arrmean, rcount, out=arrmean, casting="unsafe")
    else:  # a 0-d input: NumPy divides its scalar
        arrmean = true_divide(arrmean, rcount).astype(arrmean.dtype)
    x = subtract(a, arrmean)
    x = multiply(x, x, out=x)
    ret = _sum_red(x, axis=axes, dtype=dtype, keepdims=keepdims)
    rcount = _np.maximum(rcount - ddof, 0)
    if ret.ndim:
        ret = true_divide(ret, rcount, out=ret, casting="unsafe")
        if name == "std":
            ret = sqrt(ret, out=ret)
    else:  # NumPy's scalar: ret.dtype.type(ret / rcount)
        ret = true_divide(ret, rcount).astype(ret.dtype)
        if name == "std":
            ret = sqrt(ret).astype(ret.dtype)
    if ret.dtype != res_dt:
        ret = ret.astype(res_dt)
    return ret


def _argreduce(name, opname):
    npfunc = getattr(_np, name)

    def f(a, axis=None, out=None, *, keepdims=False):
        a = _as_array(a)
        if _is_eager(a, out):
            kw = {"axis": axis, "out": to_numpy(out)} if out is not None else {"axis": axis}
            if keepdims:
                kw["keepdims"] = True
            r = npfunc(a._np, **kw)
            return out if out is not None else wrap_result(r)
        if dt_num(a.dtype) is None:
            from ._fallback import call_numpy
            kw = {"axis": axis, "out": out} if out is not None else {"axis": axis}
            if keepdims:
                kw["keepdims"] = True
            return call_numpy(npfunc, name, (a,), kw)
        _check_out_type(out)
        if type(axis) is bool or isinstance(axis, _np.bool_):
            raise TypeError("an integer is required for the axis")
        arr = a._arr
        shape = arr.shape
        ndim = arr.ndim
        if ndim == 0 and axis is not None:
            # NumPy takes axis 0 / -1 of a 0-d array as the whole array
            normalize_axis_index(axis, 1)
            axis = None
        if axis is None:
            if arr.size == 0:
                raise ValueError("attempt to get %s of an empty sequence" % name)
            res = _core.empty((), DT_INT64)
            _core.argreduce(getattr(_core, opname), res, arr, None)
            if keepdims:
                res = res.index((None,) * ndim)
        else:
            ax = normalize_axis_index(axis, ndim)
            if shape[ax] == 0:
                raise ValueError("attempt to get %s of an empty sequence" % name)
            oshape = shape[:ax] + shape[ax + 1:]
            res = _core.empty(oshape, DT_INT64)
            if arr.size:
                _core.argreduce(getattr(_core, opname), res, arr, ax)
            if keepdims:
                res = _keepdims_view(res, (ax,), ndim)
        if out is not None:
            _check_arg_out(out, res.shape)
            return _write_out(res, out)
        return _deferred_result(res)
    f.__name__ = name
    return f


def _check_arg_out(out, shape):
    """argmax/argmin's checks of `out`, in NumPy's order: shape, then an
    index dtype it can take safely."""
    _check_out(out, shape)
    if not _np.can_cast(out.dtype, _np.intp, "safe"):
        raise TypeError("Cannot cast array data from %r to %r according to "
                        "the rule 'safe'" % (out.dtype, _np.dtype(_np.intp)))


argmax = _argreduce("argmax", "OP_ARGMAX_ACC")
argmin = _argreduce("argmin", "OP_ARGMIN_ACC")


# count_nonzero of a whole array: a Python int in NumPy 1.x, an intp
# scalar in 2.x
_CNZ_TYPE = type(_np.count_nonzero(_np.zeros(1)))


def count_nonzero(a, axis=None, *, keepdims=False):
    a = _as_array(a)
    if a._np is not None:
        kw = {"axis": axis}
        if keepdims:
            kw["keepdims"] = True
        return wrap_result(_np.count_nonzero(a._np, **kw))
    from ._ufunc import not_equal
    # a mask counts itself: no copy of it through != 0
    r = sum(a if a.dtype == _np.bool_ else not_equal(a, 0), axis=axis, dtype=_np.intp, keepdims=keepdims)
    if axis is None and not keepdims:
        return _CNZ_TYPE(int(r))  # the whole array: a scalar, as NumPy
    return r
