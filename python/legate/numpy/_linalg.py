"""dot / matmul / inner / outer (2-D products through ``_core.matmul``),
plus ``where``, ``clip`` and ``around`` (elementwise helpers)."""

import operator
import warnings

import numpy as _np

from ._runtime import core as _core
from ._dtypes import dt_num, DT_BOOL
from ._array import (as_operand, ndarray, _deferred, _deferred_result, wrap_result, to_numpy, materialize,
                     from_numpy_core, _NPND)
from ._ufunc import ghost, broadcast_shapes, _standin, _extremes, NUMPY2


def _asarray(a):
    if type(a) is ndarray:
        return a
    return as_operand(a)


def _is_deferred(x):
    return type(x) is ndarray and x._arr is not None


def _core_of(x, dt):
    """_core.Array of our ndarray `x` with dtype `dt` (cast when needed)."""
    if x._arr is not None:
        arr = x._arr
    else:
        arr = from_numpy_core(x._np)
    n = dt_num(dt)
    if arr.dtype_num != n:
        c = _core.empty(arr.shape, n)
        _core.copy(c, arr)
        arr = c
    return arr


def _fallback(func, name, args, kwargs=None):
    from ._fallback import call_numpy
    return call_numpy(func, name, args, kwargs or {})


def _matmul2d(a, b, dt):
    """(m,k) @ (k,n) of _core arrays of dtype dt -> new (m,n) Array."""
    out = _core.empty((a.shape[0], b.shape[1]), dt_num(dt))
    _core.matmul(out, a, b)
    return out


def _finish(res, out):
    if out is None:
        return _deferred_result(res)  # (a 0-d product is a NumPy scalar)
    from ._indexing import assign
    if type(out) is ndarray and out._arr is not None:
        assign(out._arr, _deferred(res))
    else:
        to_numpy(out)[...] = materialize(res)
    return out


# the largest product the broadcast formulation of a stack of small
# matrix products may build (elements), and the most 2-D products a
# stack is looped into
_STACK_BROADCAST_MAX = 1 << 25
_STACK_LOOP_MAX = 4096


def _matmul_stacked(a, b, out):
    """a @ b with a stack (3-D and more) on either side, natively: a stack
    times one matrix is one 2-D product of the stack's rows; stacks of
    small matrices a broadcast multiply and a sum over k (the products
    side by side, parallel over the stack); other stacks a 2-D product per
    matrix.  NumPy's errors for mismatched core or stack dims; None when
    the stack is too large for either (the caller falls back)."""
    from ._manip import reshape
    from ._creation import empty
    k = a.shape[-1]
    kb = b.shape[0] if b.ndim == 1 else b.shape[-2]
    try:
        stack = _np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        stack = None
    if k != kb or stack is None:
        _np.matmul(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype))
        raise ValueError("matmul: operands do not match")  # NumPy raised above
    dt = _np.result_type(a.dtype, b.dtype)
    if out is not None:
        _np.matmul(_standin(a.dtype, a.ndim), _standin(b.dtype, b.ndim),
                   out=_np.zeros((1,) * out.ndim, dtype=out.dtype))
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    m, n = a2.shape[-2], b2.shape[-1]
    shape = tuple(stack) + (m, n)
    final = shape[:-2] + ((m,) if a.ndim > 1 else ()) + ((n,) if b.ndim > 1 else ())
    if out is not None and tuple(out.shape) != final:
        _np.matmul(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype), out=ghost(out.shape, out.dtype))
        raise ValueError("matmul: output operand has a mismatch in its core dimension")
    count = 1
    for d in stack:
        count *= d
    if a2.dtype != dt:
        a2 = a2.astype(dt)
    if b2.dtype != dt:
        b2 = b2.astype(dt)
    if count == 0 or m == 0 or n == 0:
        from ._creation import zeros
        res = zeros(shape, dt)
    elif b2.ndim == 2 and a2.shape[:-2] == stack:
        # a stack times one matrix: the stack's rows times it, one product
        res = reshape(matmul(reshape(a2, (count * m, k)), b2), shape)  # (k may be 0)
    elif m * k * n <= 4096 and count * m * k * n <= _STACK_BROADCAST_MAX:
        prod = a2[..., :, :, None] * b2[..., None, :, :]
        if dt == _np.float16:  # NumPy's float16 matmul accumulates in float32
            res = prod.sum(axis=-2, dtype=_np.float32).astype(dt)
        else:
            res = prod.sum(axis=-2, dtype=dt)
    elif count <= _STACK_LOOP_MAX:
        res = empty(shape, dt)
        na, nb = a2.ndim - 2, b2.ndim - 2
        for idx in _np.ndindex(*stack):
            ia = tuple(i if d != 1 else 0 for i, d in zip(idx[len(idx) - na:], a2.shape[:na]))
            ib = tuple(i if d != 1 else 0 for i, d in zip(idx[len(idx) - nb:], b2.shape[:nb]))
            res[idx] = matmul(a2[ia], b2[ib])
    else:
        return None
    if a.ndim == 1:
        res = res[..., 0, :]
    if b.ndim == 1:
        res = res[..., 0]
    if out is None:
        return res
    from ._indexing import assign
    if type(out) is ndarray and out._arr is not None:
        assign(out._arr, res)
    else:
        to_numpy(out)[...] = to_numpy(res)
    return out


def matmul(x1, x2, out=None, **kwargs):
    if not (_is_deferred(x1) or _is_deferred(x2) or _is_deferred(out)):
        kw = dict(kwargs)
        if out is not None:
            kw["out"] = to_numpy(out)
        r = _np.matmul(to_numpy(x1), to_numpy(x2), **kw)
        return out if out is not None else wrap_result(r)
    a = _asarray(x1)
    b = _asarray(x2)
    if kwargs and set(kwargs) <= {"dtype", "casting"} and kwargs.get("dtype") is not None:
        # matmul(a, b, dtype=...) (NumPy 2's einsum asks it): the operands
        # cast to dtype as the ufunc's casting rule allows, else NumPy's error
        dt = _np.dtype(kwargs["dtype"])
        casting = kwargs.get("casting", "same_kind")
        if dt_num(dt) is not None and all(_np.can_cast(x.dtype, dt, casting) for x in (a, b)):
            a, b, kwargs = a.astype(dt, copy=False), b.astype(dt, copy=False), {}
    if not kwargs and a.ndim and b.ndim and (a.ndim > 2 or b.ndim > 2) \
            and dt_num(a.dtype) is not None and dt_num(b.dtype) is not None:
        r = _matmul_stacked(a, b, out)
        if r is not None:
            return r
    if kwargs or a.ndim == 0 or b.ndim == 0 or a.ndim > 2 or b.ndim > 2 \
            or dt_num(a.dtype) is None or dt_num(b.dtype) is None:
        if a.ndim == 0 or b.ndim == 0:
            # NumPy's error for scalars
            _np.matmul(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype))
        return _fallback(_np.matmul, "matmul", (a, b), dict(kwargs, out=out) if out is not None else kwargs)
    ka = a.shape[-1]
    kb = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if ka != kb:
        _np.matmul(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype))
        raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0")
    dt = _np.result_type(a.dtype, b.dtype)
    if out is not None:
        _np.matmul(_standin(a.dtype, a.ndim), _standin(b.dtype, b.ndim),
                   out=_np.zeros((1,) * out.ndim, dtype=out.dtype))
    ca = _core_of(a, dt)
    cb = _core_of(b, dt)
    if a.ndim == 1:
        ca = ca.index((None,))
    if b.ndim == 1:
        cb = cb.index((slice(None), None))
    res = _matmul2d(ca, cb, dt)
    if a.ndim == 1 and b.ndim == 1:
        res = res.index((0, 0))
    elif a.ndim == 1:
        res = res.index((0,))
    elif b.ndim == 1:
        res = res.index((slice(None), 0))
    if out is not None and tuple(out.shape) != tuple(res.shape):
        _np.matmul(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype),
                   out=ghost(out.shape, out.dtype))
        raise ValueError("matmul: output operand has a mismatch in its core dimension")
    return _finish(res, out)


def _scaled(a, b):
    """dot/inner with a 0-d operand: the product in the dtypes' promotion
    (no value-based casting: NumPy's dot promotes the dtypes of 0-d arrays
    as of any array)."""
    from ._ufunc import multiply
    dt = _np.promote_types(a.dtype, b.dtype)
    if a.dtype != dt:
        a = a.astype(dt)
    if b.dtype != dt:
        b = b.astype(dt)
    return multiply(a, b)


def dot(a, b, out=None):
    if not (_is_deferred(a) or _is_deferred(b) or _is_deferred(out)):
        if out is not None:
            _np.dot(to_numpy(a), to_numpy(b), out=to_numpy(out))
            return out
        return wrap_result(_np.dot(to_numpy(a), to_numpy(b)))
    a = _asarray(a)
    b = _asarray(b)
    if out is not None or dt_num(a.dtype) is None or dt_num(b.dtype) is None:
        return _fallback(_np.dot, "dot", (a, b), {"out": out} if out is not None else {})
    if a.ndim == 0 or b.ndim == 0:
        return _scaled(a, b)
    if a.ndim <= 2 and b.ndim <= 2:
        ka = a.shape[-1]
        kb = b.shape[0]
        if ka != kb:
            _np.dot(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype))
            raise ValueError("shapes not aligned")
        return matmul(a, b)
    if b.ndim == 1:
        # sum over the last axis of a and b
        if a.shape[-1] != b.shape[0]:
            _np.dot(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype))
            raise ValueError("shapes not aligned")
        from ._manip import reshape
        # (the row count spelt out: -1 is ambiguous when a has no elements)
        rows = 1
        for n in a.shape[:-1]:
            rows *= n
        r = matmul(reshape(a, (rows, a.shape[-1])), b)
        return reshape(r, a.shape[:-1])
    return _fallback(_np.dot, "dot", (a, b))


def vdot(a, b):
    a = _asarray(a)
    b = _asarray(b)
    if a._np is not None and b._np is not None:
        return wrap_result(_np.vdot(a._np, b._np))
    if a.size != b.size:
        _np.vdot(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype))
    from ._manip import ravel
    from ._ufunc import conjugate
    if a.dtype.kind == "c":
        a = conjugate(a)
    return matmul(ravel(a), ravel(b))


def inner(a, b):
    a = _asarray(a)
    b = _asarray(b)
    if a._np is not None and b._np is not None:
        return wrap_result(_np.inner(a._np, b._np))
    if a.ndim == 0 or b.ndim == 0:
        return _scaled(a, b)
    if a.ndim <= 2 and b.ndim <= 2:
        if a.shape[-1] != b.shape[-1]:
            _np.inner(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype))
            raise ValueError("shapes not aligned")
        return matmul(a, b.T) if b.ndim == 2 else matmul(a, b)
    return _fallback(_np.inner, "inner", (a, b))


def outer(a, b, out=None):
    a = _asarray(a)
    b = _asarray(b)
    if a._np is not None and b._np is not None and not _is_deferred(out):
        if out is not None:
            _np.outer(a._np, b._np, out=to_numpy(out))
            return out
        return wrap_result(_np.outer(a._np, b._np))
    from ._manip import ravel
    from ._ufunc import multiply
    return multiply(ravel(a)[:, None], ravel(b)[None, :], out=out)


# ---------------------------------------------------------------------------

_NOARG = object()


def where(condition, x=_NOARG, y=_NOARG):
    if x is _NOARG and y is _NOARG:
        from ._indexfuncs import nonzero
        return nonzero(condition)
    if x is _NOARG or y is _NOARG:
        raise ValueError("either both or neither of x and y should be given")
    ops = (condition, x, y)
    if not any(_is_deferred(o) for o in ops):
        return wrap_result(_np.where(*[to_numpy(o) for o in ops]))
    # NumPy resolves the result dtype (stand-ins preserve value-based casting)
    stands = []
    shapes = []
    inputs = []
    for o in ops:
        if type(o) is ndarray:
            if o._arr is not None:
                stands.append(_standin(o.dtype, o.ndim) if o.ndim else
                              _np.zeros((), o.dtype))
                shapes.append(o.shape)
                inputs.append(o._arr)
                continue
            o = o._np
        if type(o) in (int, float, complex, bool) or isinstance(o, _np.generic):
            stands.append(o)
            shapes.append(())
            inputs.append(("s", o))
            continue
        o = _np.asarray(o)
        if dt_num(o.dtype) is None:
            return _fallback(_np.where, "where", ops)
        if o.ndim == 0:
            stands.append(o)
            shapes.append(())
            inputs.append(("s", o))
        else:
            stands.append(_standin(o.dtype, o.ndim))
            shapes.append(o.shape)
            inputs.append(from_numpy_core(o))
    dt = _np.where(stands[0], stands[1], stands[2]).dtype
    if not NUMPY2:
        # NumPy 1.x casts a 0-d x or y by its value (int8 -1 beside a uint8
        # array: int16, 1: uint8): when a deferred one's extremes disagree,
        # its value decides
        zd = [i for i in (1, 2) if _is_deferred(ops[i]) and ops[i].ndim == 0]
        for i in zd:
            if any(_np.where(*(stands[:i] + [v] + stands[i + 1:])).dtype != dt
                   for v in _extremes(stands[i].dtype)):
                for j in zd:
                    stands[j] = materialize(inputs[j])
                dt = _np.where(stands[0], stands[1], stands[2]).dtype
                break
    shape = broadcast_shapes(shapes)
    if shape is None:
        _np.where(*[ghost(s, st.dtype if hasattr(st, "dtype") else _np.asarray(st).dtype)
                    for s, st in zip(shapes, stands)])
        raise ValueError("operands could not be broadcast together")
    if dt_num(dt) is None:
        return _fallback(_np.where, "where", ops)
    cin = []
    for i, v in enumerate(inputs):
        if type(v) is tuple:
            if i == 0:
                c = _core.full((), DT_BOOL, _np.asarray(bool(v[1])))
                cin.append(c)
            else:
                # (as NumPy's where: the scalar as an array, cast unsafely:
                # under NumPy 2, where(m, -1, uint8 array) holds 255)
                cin.append(_np.asarray(v[1]).astype(dt))
        else:
            cin.append(v)
    res = _core.empty(shape, dt_num(dt))
    _core.ewise(_core.OP_WHERE, res, cin, dt_num(dt), dt_num(dt))
    return _deferred(res)


def clip(a, a_min=_NOARG, a_max=_NOARG, out=None, **kwargs):
    # the bounds as the caller gave them (NumPy 1.x requires a_min and a_max;
    # 2.x makes them optional and adds min= / max=)
    given = {k: v for k, v in (("a_min", a_min), ("a_max", a_max)) if v is not _NOARG}
    given.update(kwargs)
    if not any(_is_deferred(o) for o in (a, out, *given.values())):
        kw = {k: to_numpy(v) for k, v in given.items()}
        if out is not None:
            kw["out"] = to_numpy(out)
        r = _np.clip(to_numpy(a), **kw)
        return out if out is not None else wrap_result(r)
    a = _asarray(a)

    def st(v):
        if type(v) is ndarray:
            if v.ndim == 0:
                return v._np if v._arr is None else _np.zeros((), v.dtype)
            return _standin(v.dtype, v.ndim)
        if isinstance(v, (list, tuple)):
            v = _np.asarray(v)
        if type(v) is _NPND and v.ndim:
            return _standin(v.dtype, v.ndim)
        return v

    # NumPy's result dtype and errors (missing or doubled bounds, bad types)
    # on stand-ins, with the arguments as given
    skw = {k: st(v) for k, v in given.items()}
    with _np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = _np.clip(st(a), **skw)
    dt = r.dtype
    casting = "same_kind"
    if out is not None:
        # NumPy 1.x clips into an `out` it cannot cast to with a
        # DeprecationWarning and unsafe casting, 2.x raises
        with _np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _np.clip(st(a), **skw, out=_np.zeros(r.shape, out.dtype))
        if not _np.can_cast(dt, out.dtype, "same_kind"):
            casting = "unsafe"
    lo = kwargs.pop("min", None if a_min is _NOARG else a_min)
    hi = kwargs.pop("max", None if a_max is _NOARG else a_max)
    if kwargs:
        kw = dict(kwargs, out=out) if out is not None else kwargs
        return _fallback(_np.clip, "clip", (a, lo, hi), kw)
    from ._ufunc import maximum, minimum
    if lo is None and hi is None:
        return a.copy() if out is None else a
    res = a
    if lo is not None:
        kw = {"dtype": dt}
        if hi is None and out is not None:
            kw["out"] = out
            kw["casting"] = casting
        res = maximum(res, lo, **kw)
    if hi is not None:
        kw = {"dtype": dt}
        if out is not None:
            kw["out"] = out
            kw["casting"] = casting
        res = minimum(res, hi, **kw)
    return res


def around(a, decimals=0, out=None):
    if not (_is_deferred(a) or _is_deferred(out)):
        if out is not None:
            _np.around(to_numpy(a), decimals, to_numpy(out))
            return out
        return wrap_result(_np.around(to_numpy(a), decimals))
    a = _asarray(a)
    res = _round_native(a, operator.index(decimals))
    if res is None:
        return _fallback(_np.around, "around", (a, decimals),
                         {"out": out} if out is not None else {})
    if out is None:
        return res
    from ._manip import copyto
    copyto(out, res, casting="same_kind")
    return out


def _round_native(a, d):
    """NumPy's rounding loops: x * 10**d, rint, / 10**d (d < 0: the other
    way round), in the array's own float type; complex by parts; integers
    unchanged for d >= 0.  None where only NumPy's loop will do (integers
    to tens, bool)."""
    from ._ufunc import rint
    k = a.dtype.kind
    if k in "iu":
        return a.copy() if d >= 0 else None
    if k == "f":
        if d == 0:
            return rint(a)
        f = 10.0 ** abs(d)
        return rint(a * f) / f if d > 0 else rint(a / f) * f
    if k == "c":
        re, im = _round_native(a.real, d), _round_native(a.imag, d)
        from ._creation import empty
        res = empty(a.shape, a.dtype)
        res.real = re
        res.imag = im
        return res
    return None


round = around
round_ = around


# ---------------------------------------------------------------------------
# comparisons used to check results (kept native: no materialisation)

def _any_deferred(*xs):
    return any(_is_deferred(x) for x in xs)


def isclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    if not _any_deferred(a, b):
        return wrap_result(_np.isclose(to_numpy(a), to_numpy(b), rtol=rtol, atol=atol,
                                       equal_nan=equal_nan))
    from ._ufunc import (absolute, subtract, multiply, add, less_equal, isfinite,
                         logical_and, logical_or, equal, isnan)
    x = _asarray(a)
    y = _asarray(b)
    if (dt_num(x.dtype) is None or dt_num(y.dtype) is None
            or x.dtype.kind not in "biufc" or y.dtype.kind not in "biufc"):
        return _fallback(_np.isclose, "isclose", (a, b),
                         {"rtol": rtol, "atol": atol, "equal_nan": equal_nan})
    dt = _np.result_type(y.dtype, 1.)
    if y.dtype != dt:
        y = y.astype(dt)
    # within_tol(x, y) = |x - y| <= atol + rtol * |y|
    with _np.errstate(invalid="ignore"):
        within = less_equal(absolute(subtract(x, y)), add(atol, multiply(rtol, absolute(y))))
    finite = logical_and(isfinite(x), isfinite(y))
    res = where(finite, within, equal(x, y))
    if equal_nan:
        res = logical_or(res, logical_and(isnan(x), isnan(y)))
    return res


def allclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    if not _any_deferred(a, b):
        return _np.allclose(to_numpy(a), to_numpy(b), rtol=rtol, atol=atol,
                            equal_nan=equal_nan)
    r = isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return bool(r.all())


def array_equal(a1, a2, equal_nan=False):
    if not _any_deferred(a1, a2):
        return _np.array_equal(to_numpy(a1), to_numpy(a2), equal_nan=equal_nan)
    from ._ufunc import equal, isnan, logical_and, logical_or
    a = _asarray(a1)
    b = _asarray(a2)
    if a.shape != b.shape:
        return False
    if not equal_nan:
        return bool(equal(a, b).all())
    r = logical_or(equal(a, b), logical_and(isnan(a), isnan(b)))
    return bool(r.all())


def diff(a, n=1, axis=-1, prepend=_NOARG, append=_NOARG):
    if not _is_deferred(a) or prepend is not _NOARG or append is not _NOARG:
        kw = {}
        if prepend is not _NOARG:
            kw["prepend"] = prepend
        if append is not _NOARG:
            kw["append"] = append
        if _is_deferred(a) or _is_deferred(prepend) or _is_deferred(append):
            return _fallback(_np.diff, "diff", (a, n, axis), kw)
        return wrap_result(_np.diff(to_numpy(a), n, axis,
                                    **{k: to_numpy(v) for k, v in kw.items()}))
    if n == 0:
        return a
    if n < 0:
        raise ValueError("order must be non-negative but got " + repr(n))
    from ._dtypes import normalize_axis_index
    from ._ufunc import subtract, not_equal
    nd = a.ndim
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    ax = normalize_axis_index(axis, nd)
    hi = (slice(None),) * ax + (slice(1, None),)
    lo = (slice(None),) * ax + (slice(None, -1),)
    op = not_equal if a.dtype == _np.bool_ else subtract
    for _ in range(n):
        a = op(a[hi], a[lo])
    return a


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NumPy's nan_to_num with native selects (complex: by parts)."""
    if not _is_deferred(x):
        r = _np.nan_to_num(to_numpy(x), copy=copy, nan=nan, posinf=posinf, neginf=neginf)
        return x if not copy and type(x) is ndarray else wrap_result(r)
    a = _asarray(x)
    k = a.dtype.kind
    if k not in "fc":
        return a.copy() if copy else a
    if k == "c":
        res = a.copy()
        res.real = nan_to_num(a.real, True, nan, posinf, neginf)
        res.imag = nan_to_num(a.imag, True, nan, posinf, neginf)
    else:
        from ._ufunc import isnan, isinf, signbit
        info = _np.finfo(a.dtype)
        hi = info.max if posinf is None else posinf
        lo = info.min if neginf is None else neginf
        inf = isinf(a)
        neg = signbit(a)
        res = where(isnan(a), _np.array(nan).astype(a.dtype),
                    where(inf & ~neg, _np.array(hi).astype(a.dtype),
                          where(inf & neg, _np.array(lo).astype(a.dtype), a)))
    if copy:
        return res
    a[...] = res
    return a
