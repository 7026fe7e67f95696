"""Numerics of issue 19 that NumPy has in C or behind __array_wrap__, as
native operations on deferred arrays:

* ``interp``: ``searchsorted(xp, x, 'right') - 1``, gathers of xp/fp and
  NumPy's C arithmetic (its slope, the retry from the right end where the
  left one gives NaN, exact hits, left/right, NaN x); ``period=`` as NumPy's
  Python code (modulo, argsort, the ends wrapped); complex fp per part.
* ``ediff1d``: a slice difference between to_begin and to_end.
* ``nanmedian``/``nanpercentile``/``nanquantile``: the reduced axes moved
  last and flattened, a sort (NaNs last), the non-NaN count per line, the
  quantile positions per line (NumPy's virtual index of each method) and
  ``take_along_axis``; NaN and NumPy's "All-NaN slice encountered" where a
  line has no number.  The methods inverted_cdf, averaged_inverted_cdf and
  closest_observation (and NumPy 2's weights=) take the fallback.
* ``convolve``/``correlate``/``polymul``: the full convolution as one
  multiply-add of the longer operand per element of the shorter (at most
  SHORT_MAX elements: otherwise the fallback), then the mode's slice.
* ``linalg.multi_dot``/``linalg.matrix_power``: NumPy's Python code rebound
  (_numpy_impl.rebound) over our dot/matmul; negative powers (inv) take the
  fallback.

All-eager arguments go to NumPy directly.  NumPy's errors and result dtypes
come from NumPy run on small stand-ins."""

import warnings

import numpy as _np

from ._array import ndarray, _NoValue, _deferred, as_operand, from_numpy_core, wrap_result
from . import _fallback
from ._fallback import convert, wrap
from ._dtypes import normalize_axis_tuple, NUMPY2
from ._numpy_impl import _deferred_inside

SHORT_MAX = 64  # convolve/correlate: the longest shorter operand done natively


def _lnp():
    import legate.numpy as m
    return m


def _call_numpy(*args, **kwargs):
    # looked up at each call: the tests replace it to prove a path native
    return _fallback.call_numpy(*args, **kwargs)


def _ghost(shape, dt):
    return _np.lib.stride_tricks.as_strided(
        _np.zeros(1, dtype=dt), shape=tuple(shape), strides=(0,) * len(shape))


def _tiny(a, cap=1):
    return _ghost(tuple(min(n, cap) for n in a.shape), a.dtype)


def _dfr(a):
    """`a` (ours) as a deferred array."""
    if a._arr is None:
        return _deferred(from_numpy_core(a._np))
    return a


def _scalar(r):
    return r[()] if r.ndim == 0 else r


# ---------------------------------------------------------------- interp

def _interp_part(L, x, xp, fp, lval, rval):
    """NumPy's compiled_interp of float64 x over float64 1-d xp, fp."""
    n = xp.shape[0]
    if n == 1:
        r = L.where(x < xp[0], lval, L.where(x > xp[0], rval, fp[0]))
        return r.astype(_np.float64, copy=False)
    j = L.searchsorted(xp, x, "right") - 1
    jc = L.clip(j, 0, n - 2)
    x0, x1, y0, y1 = xp[jc], xp[jc + 1], fp[jc], fp[jc + 1]
    slope = (y1 - y0) / (x1 - x0)
    r = slope * (x - x0) + y0
    r = L.where(L.isnan(r), slope * (x - x1) + y1, r)
    r = L.where(L.isnan(r) & (y0 == y1), y0, r)
    jj = L.clip(j, 0, n - 1)
    r = L.where(x == xp[jj], fp[jj], r)
    r = L.where(x < xp[0], lval, L.where(x > xp[n - 1], rval, r))
    return L.where(L.isnan(x), x, r).astype(_np.float64, copy=False)


def interp(x, xp, fp, left=None, right=None, period=None):
    if not _deferred_inside((x, xp, fp)):
        return wrap(_np.interp(*convert((x, xp, fp)), left, right, period))
    L = _lnp()
    x, xp, fp = as_operand(x), as_operand(xp), as_operand(fp)
    # NumPy's errors (depths, lengths, empty xp, period=0, left/right types)
    # on stand-ins
    n = xp.shape[0] if xp.ndim == 1 else 0
    xs = _tiny(xp, 2)
    if fp.ndim == 1 and xp.ndim == 1:
        fs = _ghost((xs.shape[0] + (fp.shape[0] != n),), fp.dtype)
    else:
        fs = _tiny(fp)
    _np.interp(_tiny(x), xs, fs, left, right, period)
    cplx = fp.dtype.kind == "c"
    dt = _np.complex128 if cplx else _np.float64
    x = _dfr(x).astype(_np.float64, copy=False)
    xp = _dfr(xp).astype(_np.float64, copy=False)
    fp = _dfr(fp).astype(dt, copy=False)
    with _np.errstate(all="ignore"):
        if period is not None:
            period = abs(period)
            left = right = None
            x = x % period
            xp = xp % period
            order = L.argsort(xp)
            xp, fp = xp[order], fp[order]
            xp = L.concatenate((xp[-1:] - period, xp, xp[0:1] + period))
            fp = L.concatenate((fp[-1:], fp, fp[0:1]))
        if not cplx:
            lval = fp[0] if left is None else float(left)
            rval = fp[-1] if right is None else float(right)
            r = _interp_part(L, x, xp, fp, lval, rval)
        else:
            lv = fp[0] if left is None else complex(left)
            rv = fp[-1] if right is None else complex(right)
            parts = []
            for part in ("real", "imag"):
                lp = getattr(lv, part)
                rp = getattr(rv, part)
                parts.append(_interp_part(L, x, xp, getattr(fp, part), lp, rp))
            r = L.empty(x.shape, _np.complex128)
            r.real[...] = parts[0]
            # NumPy: NaN x gives NaN + 0j
            r.imag[...] = L.where(L.isnan(x), 0.0, parts[1])
    return _scalar(r)


# ---------------------------------------------------------------- ediff1d

def ediff1d(ary, to_end=None, to_begin=None):
    if not _deferred_inside((ary, to_end, to_begin)):
        return wrap(_np.ediff1d(*convert((ary, to_end, to_begin))))
    L = _lnp()
    a = L.ravel(as_operand(ary))
    ends = [None if t is None else as_operand(t) for t in (to_begin, to_end)]
    # NumPy's errors (to_begin/to_end not same_kind, by value for a 0-d one
    # under NumPy 1.x: eager ones as they are; bool subtract) on stand-ins
    st = [None if o is None else (convert(o) if not _deferred_inside((o,)) else _tiny(t))
          for o, t in zip((to_begin, to_end), ends)]
    ends = [None if t is None else L.ravel(t) for t in ends]
    _np.ediff1d(_tiny(a, 2), to_end=st[1], to_begin=st[0])
    dt = a.dtype
    parts = []
    if ends[0] is not None:
        parts.append(ends[0].astype(dt, casting="unsafe"))
    if a.shape[0] > 1:
        parts.append(L.subtract(a[1:], a[:-1]).astype(dt, copy=False))
    if ends[1] is not None:
        parts.append(ends[1].astype(dt, casting="unsafe"))
    parts = [p for p in parts if p.shape[0]]
    if not parts:
        return L.empty((0,), dt)
    return parts[0].copy() if len(parts) == 1 else L.concatenate(parts)


# ---------------------------------------------------------------- nan quantiles

# method -> (kind, alpha, beta): 'ab' NumPy's _compute_virtual_index
_METHODS = {
    "linear": ("linear", None, None),
    "lower": ("lower", None, None),
    "higher": ("higher", None, None),
    "nearest": ("nearest", None, None),
    "midpoint": ("midpoint", None, None),
    "interpolated_inverted_cdf": ("ab", 0, 1),
    "hazen": ("ab", 0.5, 0.5),
    "weibull": ("ab", 0, 0),
    "median_unbiased": ("ab", 1 / 3.0, 1 / 3.0),
    "normal_unbiased": ("ab", 3 / 8.0, 3 / 8.0),
    # the discontinuous ones (H&F 1-3): an index from n q - 1 (- 0.5),
    # or its two neighbours averaged where it is whole
    "inverted_cdf": ("disc", 1.0, False),
    "closest_observation": ("disc", 1.5, True),
    "averaged_inverted_cdf": ("avg", None, None),
}


def _nanq(L, a, q, axis, out, keepdims, method, rdt, first_line_dtype=False):
    """nanquantile of deferred real `a` at the NumPy array q (already
    checked) along `axis`, result dtype rdt."""
    kind, alpha, beta = _METHODS[method]
    nd = a.ndim
    if axis is None:
        axes = tuple(range(nd))
    else:
        axes = normalize_axis_tuple(axis, nd)
    keep = tuple(i for i in range(nd) if i not in axes)
    kshape = tuple(a.shape[i] for i in keep)
    b = L.transpose(a, keep + axes) if nd else a
    b = L.reshape(b, kshape + (-1,))
    s = L.sort(b, axis=-1)
    inexact = a.dtype.kind in "fc"
    if inexact:
        cnt = L.sum(~L.isnan(b), axis=-1)
    else:
        cnt = L.full(kshape, b.shape[-1], _np.intp)
    if (first_line_dtype and inexact and axis is not None and nd > 1 and cnt.size
            and int(L.ravel(cnt)[0]) == 0):
        # NumPy's apply_along_axis takes the dtype of the first line's
        # result: a's own where that line is all NaN
        rdt = a.dtype
    qf = _np.asarray(q, dtype=_np.float64).ravel()
    n = cnt.astype(_np.float64)[..., None]
    qq = L.asarray(qf)
    with _np.errstate(all="ignore"):
        if kind == "ab":
            v = n * qq + (alpha + qq * (1 - alpha - beta)) - 1
        elif kind in ("disc", "avg"):
            # NumPy's _discret_interpolation_to_boundaries: the lower index
            # where the fraction is 0 (closest_observation: and the index
            # even; NumPy 2's fix: odd, the even order statistic 1-based),
            # else the upper one
            v = n * qq - (1.0 if kind == "avg" else alpha)
            if kind == "disc":
                fl = L.floor(v)
                at = v == fl
                if beta:
                    at = at & (fl % 2 == (1 if NUMPY2 else 0))
                v = L.where(at, fl, fl + 1)
        else:
            v = (n - 1) * qq
            if kind == "lower":
                v = L.floor(v)
            elif kind == "higher":
                v = L.ceil(v)
            elif kind == "nearest":
                v = L.around(v)
            elif kind == "midpoint":
                v = 0.5 * (L.floor(v) + L.ceil(v))
        last = L.maximum(cnt - 1, 0)[..., None]
        if kind in ("lower", "higher", "nearest", "disc"):
            idx = L.clip(v, 0, None).astype(_np.intp)
            idx = L.minimum(idx, last)
            r = L.take_along_axis(s, idx, axis=-1)
            if r.dtype != rdt:
                r = r.astype(rdt)
        else:
            prev = L.floor(v)
            above = v >= n - 1
            below = v < 0
            pi = L.where(above, last, L.where(below, 0, prev)).astype(_np.intp)
            ni = L.where(above, last, L.where(below, 0, prev + 1)).astype(_np.intp)
            # NumPy's gamma: v minus the previous index after the bounds fix
            # (-1 for above: the result is then the last value either way)
            gamma = v - L.where(above, -1.0, L.where(below, 0.0, prev))
            if kind == "midpoint":
                gamma = L.where(v % 1 == 0, 0.0, 0.5)
            elif kind == "avg":
                gamma = L.where(gamma == 0, 0.5, 1.0)
            wdt = _np.result_type(rdt, _np.float64) if rdt.kind != "f" else rdt
            lo = L.take_along_axis(s, pi, axis=-1).astype(wdt)
            hi = L.take_along_axis(s, ni, axis=-1).astype(wdt)
            t = gamma.astype(wdt)
            d = hi - lo
            r = lo + d * t
            r = L.where(t >= 0.5, hi - d * (1 - t), r)
            if r.dtype != rdt:
                r = r.astype(rdt)
        if inexact:
            empty = cnt == 0
            if b.shape[-1] and bool(L.any(empty)):
                warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=4)
                r = L.where(empty[..., None], rdt.type(_np.nan), r)
    if r.dtype != rdt:
        r = r.astype(rdt)
    # (keep..., Q) -> q.shape + keep (keepdims: a's shape, reduced axes 1)
    r = L.moveaxis(r, -1, 0)
    if keepdims:
        oshape = tuple(1 if i in axes else a.shape[i] for i in range(nd))
    else:
        oshape = kshape
    r = L.reshape(r, _np.shape(q) + oshape)
    if out is not None:
        L.copyto(out, r, casting="unsafe")
        return out
    return _scalar(r)


def _nan_reducer(name):
    npf = getattr(_np, name)
    pct = name == "nanpercentile"
    med = name == "nanmedian"

    def f(a, *args, **kwargs):
        import inspect
        sig = inspect.signature(npf)
        try:
            ba = sig.bind(a, *args, **kwargs)
        except TypeError:
            return wrap(npf(*convert((a,) + args), **convert(kwargs)))
        ba.apply_defaults()
        p = dict(ba.arguments)
        if not _deferred_inside(tuple(p.values())):
            return wrap(npf(*convert((a,) + args), **convert(kwargs)))
        kd = p.get("keepdims", _NoValue)
        if kd is _NoValue or kd is _np._NoValue:
            kd = False
        method = "linear" if med else p.get("method", "linear")
        q = None if med else p["q"]
        why = None
        if type(q) is ndarray and q._arr is not None:
            why = "q a deferred array"
        elif (not med and _np.ndim(q) > 1 and p.get("axis") is not None
              and _np.ndim(a) > 1):
            # (NumPy's apply_along_axis layout of the q dims, which differs
            # between NumPy 1.x and 2.x)
            why = "q of 2 or more dims along an axis"
        elif p.get("interpolation") is not None or p.get("weights") is not None:
            why = "interpolation= or weights="
        A = as_operand(a)
        qn = None if med or why else _np.asarray(convert(q))
        if why is None:
            # NumPy's errors (q range, method, axis, complex) and result
            # dtype on a stand-in
            st = _ghost((1,) * A.ndim, A.dtype)
            kw = {"axis": p.get("axis"), "keepdims": kd}
            if not med:
                kw["method"] = method
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # (q as given: NumPy 2 keeps a Python scalar weak)
                exp = npf(st, convert(q), **kw) if not med else npf(st, **kw)
            rdt = _np.asarray(exp).dtype
        if why is None and (not isinstance(method, str) or method not in _METHODS):
            why = "method %r" % (method,)
        out = p.get("out")
        if why is None and (A.dtype.kind not in "biuf" or
                            (out is not None and type(out) is not ndarray)):
            why = "dtype or out="
        if why is not None:
            return _call_numpy(npf, "%s (%s)" % (name, why), (a,) + args, kwargs)
        L = _lnp()
        if A.size == 0:
            return L.nanmean(A, p.get("axis"), out=out, keepdims=kd)
        if pct:
            qn = _np.true_divide(qn, 100)
        if med:
            qn = _np.asarray(0.5)
        return _nanq(L, _dfr(A), qn, p.get("axis"), out, kd, method, rdt, not med)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = npf.__doc__
    f.__wrapped__ = npf
    return f


nanmedian = _nan_reducer("nanmedian")
nanpercentile = _nan_reducer("nanpercentile")
nanquantile = _nan_reducer("nanquantile")


# ---------------------------------------------------------------- convolve

def _full_conv(L, x, y, dt):
    """Full convolution of 1-d x and y in dtype dt: one multiply-add of the
    longer per element of the shorter."""
    if x.shape[0] < y.shape[0]:
        x, y = y, x
    x = _dfr(x).astype(dt, copy=False)
    y = _dfr(y).astype(dt, copy=False)
    P, Q = x.shape[0], y.shape[0]
    c = L.zeros((P + Q - 1,), dt)
    for k in range(Q):
        c[k:k + P] += x * y[k]
    return c


def _mode_len(mode):
    """NumPy's mode (any it accepts) as 0 valid, 1 same, 2 full."""
    n = _np.convolve(_np.zeros(3), _np.zeros(2), mode).shape[0]
    return {2: 0, 3: 1, 4: 2}[n]


def _standin_1d(a):
    return _ghost(tuple(min(n, 1) for n in a.shape), a.dtype)


def _conv_like(name, corr):
    npf = getattr(_np, name)

    def f(a, v, mode="valid" if corr else "full"):
        if not _deferred_inside((a, v)):
            return wrap(npf(*convert((a, v)), mode))
        L = _lnp()
        A, V = as_operand(a), as_operand(v)
        # NumPy's errors (depth, empty, mode) and result dtype on stand-ins
        rdt = npf(_standin_1d(A), _standin_1d(V), mode).dtype
        A, V = L.atleast_1d(A), L.atleast_1d(V)
        N, M = A.shape[0], V.shape[0]
        if min(N, M) > SHORT_MAX:
            return _call_numpy(npf, name, (a, v, mode), {})
        m = _mode_len(mode)
        if corr:
            w = V[::-1]
            if w.dtype.kind == "c":
                w = L.conjugate(w)
            full = _full_conv(L, A, w, rdt)
        else:
            full = _full_conv(L, A, V, rdt)
        lo, hi = min(N, M), max(N, M)
        if m == 2:
            return full
        if m == 0:
            return full[lo - 1:hi].copy()
        start = N // 2 if (corr and N < M) else (lo - 1) - lo // 2
        return full[start:start + hi].copy()

    f.__name__ = f.__qualname__ = name
    f.__doc__ = npf.__doc__
    f.__wrapped__ = npf
    return f


convolve = _conv_like("convolve", False)
correlate = _conv_like("correlate", True)


def polymul(a1, a2):
    if (not _deferred_inside((a1, a2)) or isinstance(a1, _np.poly1d)
            or isinstance(a2, _np.poly1d)):
        if _deferred_inside((a1, a2)):
            return _call_numpy(_np.polymul, "polymul", (a1, a2), {})
        return wrap(_np.polymul(*convert((a1, a2))))
    L = _lnp()
    ps = []
    for p in (a1, a2):
        p = L.atleast_1d(as_operand(p))
        if p.ndim > 1:
            raise ValueError("Polynomial must be 1d only.")
        nz = p != 0
        if p.shape[0] == 0 or not bool(L.any(nz)):
            p = L.zeros((1,), p.dtype)
        else:
            p = p[int(L.argmax(nz)):]
        ps.append(p)
    if min(ps[0].shape[0], ps[1].shape[0]) > SHORT_MAX:
        return _call_numpy(_np.polymul, "polymul", (a1, a2), {})
    return convolve(ps[0], ps[1])


# ---------------------------------------------------------------- linalg

def multi_dot(arrays, *, out=None):
    if not _deferred_inside(list(arrays) + [out]):
        return wrap(_np.linalg.multi_dot(convert(list(arrays)), out=convert(out)))
    arrays = list(arrays)
    if len(arrays) == 2 and any(_np.ndim(x) > 2 for x in arrays):
        # (NumPy's dot of N-d arrays: not native)
        return _call_numpy(_np.linalg.multi_dot, "linalg.multi_dot (N-d dot)", (arrays,),
                           {"out": out})
    from ._numpy_impl import rebound
    r = rebound(_np.linalg.multi_dot)(arrays)
    if out is None:
        return r
    # (our dot has no out=): NumPy's dot's check of out, then a copy
    if type(out) is not ndarray or out.shape != r.shape or out.dtype != r.dtype:
        raise ValueError("output array is not acceptable (must have the right datatype, "
                         "number of dimensions, and be a C-Array)")
    _lnp().copyto(out, r)
    return out


def matrix_power(a, n):
    if not _deferred_inside((a,)):
        return wrap(_np.linalg.matrix_power(convert(a), n))
    import operator
    try:
        neg = operator.index(n) < 0
    except TypeError:
        neg = False  # NumPy's TypeError from its code
    A = as_operand(a)
    if neg or A.dtype.kind not in "biufc" or A.ndim > 2:
        # (negative: inv; stacked matrices: N-d matmul, neither native)
        return _call_numpy(_np.linalg.matrix_power, "linalg.matrix_power", (a, n), {})
    from ._numpy_impl import rebound
    f = rebound(_np.linalg.matrix_power)
    # (NumPy 2's linalg has its own matmul over the matmul ufunc: ours)
    f.__globals__["matmul"] = _lnp().matmul
    return f(A, n)
