"""np.random on a counter-based generator: Random123's Philox4x32-10.

Every draw is a generator op of the catalogue (RANDOM_* rows,
codelets/elem_random.h): an element's value is a function of the
generator's key (from its seed), the call's stream number (the generator's
call counter, advanced by every native call) and the element's C-order
index, so the same seed gives the same arrays whatever the tiling, the
workers, the ranks or the device.  Arrays below EAGER_MAX elements are
NumPy-backed and filled by the same CPU loop on the host (_core.generate_
host): the same values as a store.  Values differ from NumPy's streams.

Parameters are checked by NumPy itself: a native call first makes the same
call with size=None on a private NumPy generator (NumPy's exceptions and
its scalar return types); the composite distributions below check as NumPy
does (_CONS, NumPy's messages).  Array parameters of the location/scale
families are elementwise ops on a standard draw.

The distributions without a kernel (dirichlet, multinomial,
multivariate_normal, vonmises, zipf, hypergeometric, the noncentral ones,
weighted choice without replacement, permuted) are composed of native draws
and native array ops.  Where a parameter varies by element (a gamma's shape
in dirichlet, a binomial's n in multinomial, any array parameter) a sampler
is a vectorized rejection or sequential-search loop over the pending
elements (_until): which are pending depends only on values, so these too
are the same in every mode (floats to an ulp: small arrays run NumPy's
libm, the kernels their own).  Values differ from NumPy's streams, the
distributions are NumPy's.  Array parameters of the kernel distributions
other than the location/scale families use those samplers or elementwise
transforms of standard draws (_ARRAY_DISTS).
"""

import math
import operator
import struct
import warnings

import numpy as _np

from ._runtime import core as _core
from ._dtypes import dt_num, normalize_axis_index
from ._array import ndarray, _deferred, _eager, to_numpy
from ._creation import _check_size, _deferrable
from ._fallback import FallbackModule, call_numpy, fallback_function

_MASK64 = (1 << 64) - 1
_REQ = object()  # a required parameter

# name -> (op, ((parameter, default), ...), kernel scalars from the
# parameters, kind of the result: f float, i int64)
_DISTS = {
    "uniform": ("RANDOM_UNIFORM", (("low", 0.0), ("high", 1.0)), lambda lo, hi: (lo, hi), "f"),
    "random_sample": ("RANDOM_UNIFORM", (), lambda: (0.0, 1.0), "f"),
    "normal": ("RANDOM_NORMAL", (("loc", 0.0), ("scale", 1.0)), lambda m, s: (m, s), "f"),
    "standard_normal": ("RANDOM_NORMAL", (), lambda: (0.0, 1.0), "f"),
    "exponential": ("RANDOM_EXPONENTIAL", (("scale", 1.0),), lambda s: (s,), "f"),
    "standard_exponential": ("RANDOM_EXPONENTIAL", (), lambda: (1.0,), "f"),
    "gamma": ("RANDOM_GAMMA", (("shape", _REQ), ("scale", 1.0)), lambda k, s: (k, s), "f"),
    "standard_gamma": ("RANDOM_GAMMA", (("shape", _REQ),), lambda k: (k, 1.0), "f"),
    "chisquare": ("RANDOM_GAMMA", (("df", _REQ),), lambda df: (df / 2, 2.0), "f"),
    "beta": ("RANDOM_BETA", (("a", _REQ), ("b", _REQ)), lambda a, b: (a, b), "f"),
    "lognormal": ("RANDOM_LOGNORMAL", (("mean", 0.0), ("sigma", 1.0)), lambda m, s: (m, s), "f"),
    "logistic": ("RANDOM_LOGISTIC", (("loc", 0.0), ("scale", 1.0)), lambda m, s: (m, s), "f"),
    "laplace": ("RANDOM_LAPLACE", (("loc", 0.0), ("scale", 1.0)), lambda m, s: (m, s), "f"),
    "gumbel": ("RANDOM_GUMBEL", (("loc", 0.0), ("scale", 1.0)), lambda m, s: (m, s), "f"),
    "weibull": ("RANDOM_WEIBULL", (("a", _REQ),), lambda a: (a, 1.0), "f"),
    "rayleigh": ("RANDOM_WEIBULL", (("scale", 1.0),), lambda s: (2.0, s * math.sqrt(2.0)), "f"),
    "pareto": ("RANDOM_PARETO", (("a", _REQ),), lambda a: (a,), "f"),
    "power": ("RANDOM_POWER", (("a", _REQ),), lambda a: (a,), "f"),
    "standard_cauchy": ("RANDOM_CAUCHY", (), lambda: (), "f"),
    "triangular": ("RANDOM_TRIANGULAR", (("left", _REQ), ("mode", _REQ), ("right", _REQ)),
                   lambda lo, m, hi: (lo, m, hi), "f"),
    "standard_t": ("RANDOM_STANDARD_T", (("df", _REQ),), lambda df: (df,), "f"),
    "f": ("RANDOM_F", (("dfnum", _REQ), ("dfden", _REQ)), lambda a, b: (a, b), "f"),
    "wald": ("RANDOM_WALD", (("mean", _REQ), ("scale", _REQ)), lambda m, s: (m, s), "f"),
    "poisson": ("RANDOM_POISSON", (("lam", 1.0),), lambda lam: (lam,), "i"),
    "binomial": ("RANDOM_BINOMIAL", (("n", _REQ), ("p", _REQ)), lambda n, p: (int(n), p), "i"),
    "geometric": ("RANDOM_GEOMETRIC", (("p", _REQ),), lambda p: (p,), "i"),
    "negative_binomial": ("RANDOM_NEGATIVE_BINOMIAL", (("n", _REQ), ("p", _REQ)),
                          lambda n, p: (n, p), "i"),
    "logseries": ("RANDOM_LOGSERIES", (("p", _REQ),), lambda p: (p,), "i"),
}

# Array parameters: the location/scale families are elementwise ops on one
# standard draw (name -> standard distribution, its kernel scalars, the
# result from (standard draw, parameters), parameters that must not be
# negative with NumPy's message)
_STD = {
    "uniform": ("uniform", lambda u, lo, hi: lo + (hi - lo) * u, ()),
    "normal": ("normal", lambda z, m, s: m + s * z, ((1, "scale < 0"),)),
    "exponential": ("exponential", lambda e, s: s * e, ((0, "scale < 0"),)),
    "lognormal": ("normal", lambda z, m, s: _ufunc().exp(m + s * z), ((1, "sigma < 0"),)),
    "logistic": ("logistic", lambda x, m, s: m + s * x, ((1, "scale < 0"),)),
    "laplace": ("laplace", lambda x, m, s: m + s * x, ((1, "scale < 0"),)),
    "gumbel": ("gumbel", lambda x, m, s: m + s * x, ((1, "scale < 0"),)),
    "rayleigh": ("rayleigh", lambda x, s: s * x, ((0, "scale < 0"),)),
}


def _ufunc():
    from . import _ufunc as u
    return u


def _key_of(seed_seq):
    """The 64-bit Philox key of a NumPy SeedSequence."""
    w = seed_seq.generate_state(2, _np.uint32)
    return int(w[0]) | int(w[1]) << 32


def _seed_seq_of(bit_generator):
    ss = getattr(bit_generator, "seed_seq", None)
    if ss is None:
        ss = getattr(bit_generator, "_seed_seq", None)
    if ss is None:
        raise TypeError("legate.numpy.random: %s has no seed sequence" % type(bit_generator).__name__)
    return ss


def _scalars(key, stream, params):
    """The generator op's scalars: key and stream, then one parameter a scalar."""
    b = bytearray(64)
    struct.pack_into("<QQ", b, 0, key, stream)
    for i, v in enumerate(params, 1):
        if type(v) is int:
            struct.pack_into("<Q", b, 16 * i, v & _MASK64)
        else:
            struct.pack_into("<d", b, 16 * i, v)
    return bytes(b)


def _is_scalar(x):
    if type(x) is ndarray:
        return x.ndim == 0
    return _np.ndim(x) == 0


def _np_scalar(x):
    if type(x) is ndarray:
        x = to_numpy(x)
    return _np.asarray(x)[()]


def _py(x):
    """A scalar parameter as a Python float (NumPy's checks see the value
    the kernel gets)."""
    return float(_np_scalar(x))


def _pyint(x):
    """A bound of randint/integers: a Python int if integral (NumPy checks
    and refuses the others)."""
    x = _np_scalar(x)
    return int(x) if isinstance(x, (bool, _np.bool_, int, _np.integer)) else x


def _shape(size):
    """NumPy's `size` argument (not None) -> shape tuple, with its errors."""
    try:
        shape = (operator.index(size),)
    except TypeError:
        try:
            shape = tuple(operator.index(s) for s in size)
        except TypeError:
            raise TypeError("expected a sequence of integers or a single integer, got '%s'"
                            % (size,)) from None
    for s in shape:
        if s < 0:
            raise ValueError("negative dimensions are not allowed")
    return shape


def _bshape(shapes, size):
    """The result shape of array parameters of `shapes` and NumPy's `size`
    (None: their broadcast), with NumPy's error."""
    shape = None if size is None else _shape(size)
    try:
        bshape = _np.broadcast_shapes(*shapes)
        if shape is None:
            return bshape
        if _np.broadcast_shapes(shape, bshape) != shape:
            raise ValueError
        return shape
    except ValueError:
        raise ValueError("shape mismatch: objects cannot be broadcast to a single shape") from None


def _as_scalar_of(value, proto):
    """0-d array `value` as the scalar type NumPy returned (`proto`)."""
    x = value[()]
    t = type(proto)
    if t is float or t is int or t is bool:
        return t(x)
    return x


def _lnp():
    import legate.numpy as m
    return m


def _vec(x):
    """Whether x is a per-element array (else one value for all)."""
    return type(x) is ndarray and x.ndim > 0


def _at(x, sel):
    """x at sel (indices or a mask) if per-element, else x."""
    return x[sel] if _vec(x) else x


def _any(b):
    return bool(b.any()) if type(b) is ndarray else bool(b)


def _host(x):
    return to_numpy(x) if type(x) is ndarray else x


# Stirling's series of log Gamma(x) for x >= 8 (7 terms: error below 1e-15)
_STIRLING = (8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04,
             -5.952380952380952e-04, 8.417508417508418e-04, -1.917526917526918e-03,
             6.410256410256410e-03)


def _logfact(k):
    """log(k!) of integral k >= 0 (floats): math.lgamma for one value;
    per element Stirling's series at x = k + 1, taken at x + 8 below 8 less
    the log of the 8 factors (native elementwise ops)."""
    if not _vec(k):
        return math.lgamma(float(k) + 1.0)
    L = _lnp()
    x = k + 1.0
    small = x < 8
    x0 = L.where(small, x + 8.0, x)
    r = 1.0 / (x0 * x0)
    s = _STIRLING[-1]
    for c in _STIRLING[-2::-1]:
        s = s * r + c
    g = s / x0 + 0.5 * math.log(2 * math.pi) + (x0 - 0.5) * L.log(x0) - x0
    xs = L.where(small, x, 1.0)
    pr = xs
    for i in range(1, 8):
        pr = pr * (xs + i)
    return g - L.log(L.where(small, pr, 1.0))


def _int_param(v):
    """An integer parameter (hypergeometric, multinomial's n) as NumPy
    converts it: a scalar truncated to int, a sequence cast, an array of a
    non-integer dtype refused (NumPy's TypeError); arrays as float64."""
    from ._creation import asarray
    if _is_scalar(v):
        return int(_np_scalar(v))
    if type(v) is not ndarray and not isinstance(v, _np.ndarray):
        v = _np.asarray(v).astype(_np.int64)
    if v.dtype.kind not in "iub":
        raise TypeError("Cannot cast array data from dtype('%s') to dtype('int64') according to "
                        "the rule 'safe'" % v.dtype)
    return asarray(v).astype(_np.float64)


# NumPy's parameter constraints: the bad values, the message
_CONS = {
    # NumPy's CONS_NON_NEGATIVE is the sign bit of a non-NaN: -0.0 too
    "ge0": (lambda x: _lnp().signbit(x) & (x == x), "%s < 0"),
    "gt0": (lambda x: x <= 0, "%s <= 0"),
    "ge1": (lambda x: _lnp().logical_not(x >= 1), "%s < 1 or %s is NaN"),
    "gt1": (lambda x: _lnp().logical_not(x > 1), "%s <= 1 or %s is NaN"),
}

_POISSON_LAM_MAX = float(_np.iinfo(_np.int64).max - math.sqrt(_np.iinfo(_np.int64).max) * 10)
_CONS.update({
    "lammax": (lambda x: _lnp().logical_not(x <= _POISSON_LAM_MAX), "lam value too large"),
    "ge0nan": (lambda x: (x < 0) | (x != x), "%s < 0 or %s contains NaNs"),
    "prob": (lambda x: _lnp().logical_not((x >= 0) & (x <= 1)), "%s < 0, %s > 1 or %s contains NaNs"),
    "prob_gt0": (lambda x: _lnp().logical_not((x > 0) & (x <= 1)), "%s <= 0, %s > 1 or %s contains NaNs"),
    "prob_lt1": (lambda x: _lnp().logical_not((x >= 0) & (x < 1)), "%s < 0, %s >= 1 or %s contains NaNs"),
    "notnan": (lambda x: x != x, "%s must not be NaN"),
})


def _beta(self, n, a, b):
    """Beta(a, b) = X / (X + Y), X ~ Gamma(a), Y ~ Gamma(b), from the
    gammas' logs (tiny shapes give no 0 / 0)."""
    L = _lnp()
    lx, ly = self._s_gamma(n, a, log=True), self._s_gamma(n, b, log=True)
    return 1.0 / (1.0 + L.exp(ly - lx))


def _f(self, n, dfnum, dfden):
    """F(dfnum, dfden): the ratio of two chi-squares over their degrees
    of freedom (NumPy's)."""
    return (self._s_gamma(n, dfnum / 2) * dfden) / (self._s_gamma(n, dfden / 2) * dfnum)


def _wald(self, n, mean, scale):
    """Inverse Gaussian (NumPy's algorithm: Michael, Schucany and Haas):
    a root of the squared normal, the other root where a uniform says."""
    L = _lnp()
    y = self._d("standard_normal", n)
    y = mean * y * y
    x = mean + (mean / (2 * scale)) * (y - L.sqrt(4 * scale * y + y * y))
    u = self._d("random_sample", n)
    return L.where(u <= mean / (mean + x), x, mean * mean / x)


def _triangular(self, n, left, mode, right):
    """Inversion of the triangular distribution's cdf (NumPy's)."""
    L = _lnp()
    base = right - left
    lb = mode - left
    u = self._d("random_sample", n)
    return L.where(u <= lb / base, left + L.sqrt(u * lb * base), right - L.sqrt((1.0 - u) * (right - mode) * base))


def _standard_t(self, n, df):
    """A normal over the root of a chi-square by its degrees of freedom."""
    L = _lnp()
    z = self._d("standard_normal", n)
    return L.sqrt(df / 2) * z / L.sqrt(self._s_gamma(n, df / 2))


def _geometric(self, n, p):
    """Inversion: ceil(E / -log1p(-p)) of a standard exponential E, at
    least 1 (p = 1 gives 1)."""
    L = _lnp()
    e = self._d("standard_exponential", n)
    with _np.errstate(divide="ignore"):  # p = 1: log1p(-1) = -inf
        return L.maximum(L.ceil(-e / L.log1p(-p)), 1.0)


def _weibull(self, n, a):
    """E ** (1 / a) of a standard exponential; a = 0 gives 0."""
    L = _lnp()
    nz = a != 0
    return L.where(nz, self._d("standard_exponential", n) ** (1.0 / L.where(nz, a, 1.0)), 0.0)


def _negative_binomial(self, n, k, p):
    """A Poisson of a Gamma(k) scaled by (1 - p) / p (NumPy's mixture)."""
    return self._s_poisson(n, self._s_gamma(n, k) * ((1.0 - p) / p))


def _logseries(self, n, p):
    """Kemp's algorithm (NumPy's), vectorized over the pending elements."""
    L = _lnp()
    out = L.zeros(n)

    def step(m, p, r):
        v = self._d("random_sample", m)
        u = self._d("random_sample", m)
        q = -L.expm1(r * u)
        k = L.floor(1.0 + L.log(v) / L.log(q))
        small = v <= q * q
        # v >= p: 1; v <= q^2: k unless k < 1 or v == 0 (drawn again); else 1 or 2
        val = L.where(v >= p, 1.0, L.where(small, k, L.where(v >= q, 1.0, 2.0)))
        done = (v >= p) | L.logical_not(small) | ((k >= 1) & (v != 0))
        return done, val, [p, r]
    with _np.errstate(divide="ignore", invalid="ignore"):
        return self._until(out, L.arange(n), [p, L.log1p(-p) if _vec(p) else math.log1p(-p)], step)


# Kernel distributions (_DISTS) given array parameters: composed samplers
# (name -> constraints of the parameters (one or several each, checked in
# order, NumPy's messages), kind, sampler of flat parameters); the
# parameters are bound and broadcast as _COMPOSITE's.
_ARRAY_DISTS = {
    "gamma": (("ge0", "ge0"), "f", lambda self, n, k, sc: self._s_gamma(n, k) * sc),
    "standard_gamma": (("ge0",), "f", lambda self, n, k: self._s_gamma(n, k)),
    "chisquare": (("gt0",), "f", lambda self, n, df: 2.0 * self._s_gamma(n, df / 2)),
    "beta": (("gt0", "gt0"), "f", _beta),
    "poisson": ((("lammax", "ge0nan"),), "i", lambda self, n, lam: self._s_poisson(n, lam)),
    "binomial": (("ge0", "prob"), "i", lambda self, n, N, p: self._s_binomial(n, N, p)),
    "f": (("gt0", "gt0"), "f", _f),
    "wald": (("gt0", "gt0"), "f", _wald),
    "pareto": (("gt0",), "f", lambda self, n, a: _lnp().expm1(self._d("standard_exponential", n) / a)),
    "weibull": (("ge0",), "f", lambda self, n, a: _weibull(self, n, a)),
    "power": (("gt0",), "f", lambda self, n, a: (-_lnp().expm1(-self._d("standard_exponential", n))) ** (1.0 / a)),
    "triangular": ((None, None, None), "f", _triangular),
    "standard_t": (("gt0",), "f", _standard_t),
    "geometric": (("prob_gt0",), "i", _geometric),
    "negative_binomial": (("gt0", "prob"), "i", _negative_binomial),
    "logseries": (("prob_lt1",), "i", _logseries),
}

# Distributions composed of native draws and native array ops: name ->
# (parameters, their constraints, kind of the result, sampler of flat
# parameters).  Parameters may be arrays (broadcast as NumPy's).
_COMPOSITE = {
    "vonmises": ((("mu", _REQ), ("kappa", _REQ)), (None, "ge0"), "f", "_s_vonmises"),
    "zipf": ((("a", _REQ),), ("gt1",), "i", "_s_zipf"),
    "noncentral_chisquare": ((("df", _REQ), ("nonc", _REQ)), ("gt0", "ge0"), "f", "_s_ncchisq"),
    "noncentral_f": ((("dfnum", _REQ), ("dfden", _REQ), ("nonc", _REQ)), ("gt0", "gt0", "ge0"), "f",
                     "_s_ncf"),
    "hypergeometric": ((("ngood", _REQ), ("nbad", _REQ), ("nsample", _REQ)), ("ge0", "ge0", "ge1"), "i",
                       "_s_hypergeometric"),
}


class _Native:
    """What RandomState and Generator share: the native state (key, next
    stream), the private NumPy generator that checks parameters, and the
    NumPy generator of the fallback."""

    _prefix = "random."

    def _reset(self, key):
        self._key = key
        self._stream = 0

    def _take(self):
        s = self._stream
        self._stream = (s + 1) & _MASK64
        return s

    def _generate(self, op, shape, dtype, params, host=False):
        """An array of `shape` from generator op (a new stream); host: a
        NumPy one whatever its size."""
        sc = _scalars(self._key, self._take(), params)
        opnum = getattr(_core, "OP_" + op)
        n = _check_size(shape, dtype)
        num = dt_num(dtype)
        if host or not _deferrable(n, dtype):
            a = _np.empty(shape, dtype)
            _core.generate_host(opnum, a, num, sc)
            return _eager(a)
        return _deferred(_core.generate(opnum, shape, num, sc))

    def _fallback(self, name, args, kwargs):
        return call_numpy(getattr(self._np, name), self._prefix + name, args, kwargs)

    def _dist(self, name, args, kwargs, dtype=None, proto=None):
        """Draw from _DISTS[name] with NumPy's argument binding; proto: the
        value of NumPy's call with size=None when the caller made it."""
        op, spec, kparams, kind = _DISTS[name]
        vals, size = _bind(self._prefix + name, spec, args, kwargs)
        if dtype is None:
            dtype = _np.float64 if kind == "f" else _np.int64
        dtype = _np.dtype(dtype)
        if all(_is_scalar(v) for v in vals):
            pv = [_py(v) for v in vals]
            if proto is None:
                # NumPy's checks and scalar type: its call with size=None
                proto = getattr(self._check, name)(*pv)
            params = kparams(*pv)
            if size is None:
                return _as_scalar_of(to_numpy(self._generate(op, (), dtype, params, host=True)), proto)
            return self._generate(op, _shape(size), dtype, params)
        std = _STD.get(name)
        if std is None and name in _ARRAY_DISTS:
            cons, kind, sampler = _ARRAY_DISTS[name]
            return self._composite(name, args, kwargs, (spec, cons, kind, sampler))
        if std is None:
            return self._fallback(name, args, kwargs)
        return self._std_transform(name, std, vals, size)

    def _std_transform(self, name, std, vals, size):
        """Array parameters: the transform of one standard draw."""
        from ._creation import asarray
        std_name, fn, nonneg = std
        arrs = [asarray(v, dtype=_np.float64) for v in vals]
        shape = _bshape([a.shape for a in arrs], size)
        for i, msg in nonneg:
            if bool((arrs[i] < 0).any()):
                raise ValueError(msg)
        if name == "uniform" and not bool(_ufunc().isfinite(arrs[1] - arrs[0]).all()):
            raise OverflowError("Range exceeds valid bounds")
        op, spec, kparams, kind = _DISTS[std_name]
        z = self._generate(op, shape, _np.dtype(_np.float64), kparams(*[d for _, d in spec]))
        return fn(z, *arrs)

    def _integers(self, name, low, high, size, dtype, endpoint, check):
        """randint / integers: [low, high) (or [low, high]) in dtype."""
        if not (_is_scalar(low) and (high is None or _is_scalar(high))):
            return None
        lo = _pyint(low)
        hi = None if high is None else _pyint(high)
        proto = check(lo, hi)
        if hi is None:
            lo, hi = 0, lo
        lo, hi = int(lo), int(hi)  # (NumPy takes integral floats)
        if endpoint:
            hi += 1
        dtype = _np.dtype(dtype)
        params = (lo, (hi - lo) & _MASK64)  # a range of 2^64 is 0: any 64 bits
        if size is None:
            return _as_scalar_of(to_numpy(self._generate("RANDOM_INTEGERS", (), dtype, params, host=True)),
                                 proto)
        return self._generate("RANDOM_INTEGERS", _shape(size), dtype, params)

    # -- permutations and sampling: random 64-bit keys, stably argsorted
    # (native sort), and gathers; the same in every mode like the draws

    def _perm(self, n):
        """A uniformly random permutation of range(n) (int64): the argsort
        of n random 64-bit keys."""
        from ._sort import argsort
        keys = self._generate("RANDOM_INTEGERS", (n,), _np.dtype(_np.uint64), (0, 0))
        return argsort(keys, kind="stable")

    def _permute(self, x, axis):
        """x permuted along axis (a new array); an integer: a permutation of
        range(x)."""
        from ._creation import asarray
        from ._manip import moveaxis
        if _np.ndim(x) == 0 and _is_scalar(x) and _np.issubdtype(_np.asarray(x).dtype, _np.integer):
            return self._perm(int(x))
        a = asarray(x)
        if a.ndim == 0:
            raise IndexError("x must be an integer or at least 1-dimensional")
        axis = normalize_axis_index(axis, a.ndim)
        moved = moveaxis(a, axis, 0)
        return moveaxis(moved[self._perm(moved.shape[0])], 0, axis)

    def permutation(self, x, axis=0):
        if isinstance(self, RandomState) and axis != 0:
            raise TypeError("permutation() got an unexpected keyword argument 'axis'")
        return self._permute(x, axis)

    def shuffle(self, x, axis=0):
        """In place along axis (views too); a list or a NumPy array on the
        host by a native permutation; anything else NumPy's."""
        if isinstance(self, RandomState) and axis != 0:
            raise TypeError("shuffle() got an unexpected keyword argument 'axis'")
        if type(x) is not ndarray or x.ndim == 0:
            if isinstance(x, (list, _np.ndarray)) and _np.ndim(x) > 0:
                # host data stays on the host: a native permutation applied there
                if isinstance(x, list):
                    normalize_axis_index(axis, 1)  # NumPy's AxisError
                    perm = to_numpy(self._perm(len(x)))
                    x[:] = [x[i] for i in perm]
                else:
                    ax = normalize_axis_index(axis, x.ndim)
                    perm = to_numpy(self._perm(x.shape[ax]))
                    x[...] = _np.take(x, perm, axis=ax)
                return None
            return self._fallback("shuffle", (x,), {} if axis == 0 else {"axis": axis})
        x[...] = self._permute(x, axis)

    def choice(self, a, size=None, replace=True, p=None, axis=0, shuffle=True):
        """NumPy's choice of a 1-D population: with replacement an index
        per draw (uniform integers, or p's cumulative sum searched with
        uniform draws), without it the head of a random permutation, or
        with p the k smallest of E_i / p_i (E_i exponential draws,
        Efraimidis-Spirakis): their increasing order is distributed as
        NumPy's successive sampling (each next item with probability p_i
        over what is left), the values differ.  An N-D population
        (Generator) gives whole slices along axis.  An empty one and
        non-integer scalars are NumPy's (the fallback)."""
        from ._creation import asarray
        from ._sort import argsort
        L = _lnp()
        legacy = isinstance(self, RandomState)
        kw = {} if legacy else {"axis": axis, "shuffle": shuffle}
        pop_int = _np.ndim(a) == 0 and _is_scalar(a) and _np.issubdtype(_np.asarray(a).dtype, _np.integer)
        arr = None if pop_int or _np.ndim(a) == 0 else asarray(a)
        if legacy and arr is not None and arr.ndim != 1:
            raise ValueError("a must be 1-dimensional")
        ax = 0
        if arr is not None and arr.ndim:
            ax = normalize_axis_index(axis, arr.ndim)
        elif axis != 0:
            return self._fallback("choice", (a, size, replace, p), kw)
        n = int(a) if pop_int else (arr.shape[ax] if arr is not None and arr.ndim else 0)
        if (arr is None and not pop_int) or n <= 0:
            return self._fallback("choice", (a, size, replace, p), kw)
        shape = () if size is None else _shape(size)
        k = 1
        for d in shape:
            k *= d
        if p is not None:
            pa = asarray(p, dtype=_np.float64)
            if pa.ndim != 1:
                raise ValueError("'p' must be 1-dimensional")
            if pa.shape[0] != n:
                raise ValueError("'a' and 'p' must have same size")
            if bool((pa < 0).any()):
                raise ValueError("probabilities are not non-negative")
            if abs(float(pa.sum()) - 1) > math.sqrt(_np.finfo(_np.float64).eps):
                raise ValueError("probabilities do not sum to 1")
        if not replace and k > n:
            raise ValueError("Cannot take a larger sample than population when 'replace=False'" if legacy
                             else "Cannot take a larger sample than population when replace is False")
        if p is not None and replace:
            from ._scan import cumsum
            from ._sort import searchsorted
            cdf = cumsum(pa)
            cdf = cdf / cdf[-1]
            u = self._d("random_sample", k)
            idx = L.minimum(searchsorted(cdf, u, side="right"), n - 1)
        elif p is not None:
            pos = pa > 0
            if int(L.count_nonzero(pos)) < k:
                raise ValueError("Fewer non-zero entries in p than size")
            keys = L.where(pos, self._d("standard_exponential", n) / L.where(pos, pa, 1.0), _np.inf)
            idx = argsort(keys, kind="stable")[:k]
        elif replace:
            idx = self._generate("RANDOM_INTEGERS", (k,), _np.dtype(_np.int64), (0, n))
        else:
            idx = self._perm(n)[:k]  # (shuffle=False: any order, as NumPy's)
        idx = idx.reshape(shape)
        if pop_int:
            r = idx
        elif arr.ndim == 1:
            r = arr[idx]
        else:  # N-D population (Generator): whole slices along axis
            from ._indexfuncs import take
            return take(arr, idx[()] if size is None else idx, axis=ax)
        return r[()] if size is None else r

    def bytes(self, length):
        """`length` random bytes (NumPy's rounding of the length to whole
        4-byte words, and its errors): native uint8 draws on the host."""
        try:
            length = operator.index(length)
        except TypeError:
            if not isinstance(length, (float, _np.floating)):
                raise TypeError("an integer is required") from None
            length = int(length)
        q = abs(length - 1) // 4  # C's division: towards zero
        words = (q if length >= 1 else -q) + 1
        raw = self._generate("RANDOM_INTEGERS", _shape(4 * words), _np.dtype(_np.uint8), (0, 256), host=True)
        return to_numpy(raw).tobytes()[:length]

    # -- distributions composed of native draws and native array ops.  The
    # samplers take flat parameters (one value, or one per element) and
    # return n draws (flat float64); loops over the pending elements keep
    # every mode's values the same (see _until).

    def _d(self, name, n, *params):
        """n draws of _DISTS[name] by its kernel (scalar parameters)."""
        op, _, kparams, kind = _DISTS[name]
        dt = _np.dtype(_np.float64 if kind == "f" else _np.int64)
        return self._generate(op, (n,), dt, kparams(*[float(x) for x in params]))

    def _until(self, out, idx, state, step):
        """A vectorized loop (rejection sampling, sequential search) over
        the pending elements idx of out: step(m, *state) -> (done, values,
        next state) for the m pending ones (state: their parameters, one
        value or one each); the done ones leave with their values.  Which
        are pending depends only on values, never on the tiling: the same
        seed gives the same result in every mode."""
        while idx.shape[0]:
            done, val, state = step(idx.shape[0], *state)
            out[idx[done]] = val[done]
            keep = ~done
            idx = idx[keep]
            state = [_at(x, keep) for x in state]
        return out

    def _split(self, n, cond):
        """The flat indices where cond (per element, or one value) holds,
        and where not."""
        i = _lnp().arange(n)
        if _vec(cond):
            return i[cond], i[~cond]
        return (i, i[:0]) if bool(cond) else (i[:0], i)

    def _search(self, out, idx, p0, ratio, *params):
        """Inversion by sequential search for elements idx: the least k
        with u <= F(k), the pmf from p0(*params) = pmf(0) on by pmf(k + 1) =
        pmf(k) ratio(k, *params).  An element also stops where the next pmf
        vanishes (the support's end; in the far tail, round-off)."""
        if not idx.shape[0]:
            return out
        p = [_at(x, idx) for x in params]

        def step(m, u, k, pmf, F, *p):
            nxt = pmf * ratio(k, *p)
            return (u <= F) | (nxt == 0), k, [u, k + 1.0, nxt, F + nxt] + list(p)
        m = idx.shape[0]
        f0 = p0(*p)
        return self._until(out, idx, [self._d("random_sample", m), _lnp().zeros(m), f0, f0] + p, step)

    def _s_gamma(self, n, a, log=False):
        """Gamma(a, 1), or its log: the kernel for one a; per element
        Marsaglia and Tsang's rejection, vectorized (below 1: Gamma(a + 1)
        U**(1/a), in logs for log: tiny shapes stay finite); a = 0 gives 0,
        NaN NaN."""
        L = _lnp()
        if not _vec(a):
            if not log:
                return self._d("standard_gamma", n, a)
            a = L.full(n, float(a))
        boost = a < 1
        d = a + boost - 1.0 / 3
        c = 1.0 / L.sqrt(9.0 * d)

        def step(m, d, c):
            z = self._d("standard_normal", m)
            u = 1.0 - self._d("random_sample", m)
            v = 1.0 + c * z
            pos = v > 0
            v = L.where(pos, v * v * v, 1.0)
            ok = (pos & (L.log(u) < 0.5 * z * z + d - d * v + d * L.log(v))) | (d != d)
            return ok, d * v, [d, c]
        g = self._until(L.zeros(n), L.arange(n), [d, c], step)
        if log:
            g = L.log(g)
        if _any(boost):
            u = 1.0 - self._d("random_sample", n)
            pos = a > 0
            ia = 1.0 / L.where(pos, a, 1.0)
            if log:
                g = L.where(boost, L.where(pos, g + L.log(u) * ia, -_np.inf), g)
            else:
                g = L.where(boost, L.where(pos, g * u ** ia, 0.0), g)
        return g

    def _s_poisson(self, n, lam):
        """Poisson(lam): the kernel for one lam; per element sequential
        search below 10, from 10 Hoermann's PTRS transformed rejection
        (NumPy's algorithms), vectorized."""
        L = _lnp()
        if not _vec(lam):
            return self._d("poisson", n, lam).astype(_np.float64)
        out = L.zeros(n)
        lo, hi = self._split(n, lam < 10)
        self._search(out, lo, lambda lam: L.exp(-lam), lambda k, lam: lam / (k + 1.0), lam)
        if hi.shape[0]:
            lam = lam[hi]
            b = 0.931 + 2.53 * L.sqrt(lam)
            a = -0.059 + 0.02483 * b
            lia = L.log(1.1239 + 1.1328 / (b - 3.4))
            vr = 0.9277 - 3.6224 / (b - 2)

            def step(m, lam, loglam, a, b, lia, vr):
                U = self._d("random_sample", m) - 0.5
                V = 1.0 - self._d("random_sample", m)
                us = 0.5 - L.abs(U)
                pos = us > 0
                us = L.where(pos, us, 0.5)
                k = L.floor((2 * a / us + b) * U + lam + 0.43)
                kk = L.maximum(k, 0.0)
                ok = pos & (k >= 0) & (((us >= 0.07) & (V <= vr)) | (
                    ((us >= 0.013) | (V <= us))
                    & (L.log(V) + lia - L.log(a / (us * us) + b) <= kk * loglam - lam - _logfact(kk))))
                return ok, k, [lam, loglam, a, b, lia, vr]
            self._until(out, hi, [lam, L.log(lam), a, b, lia, vr], step)
        return out

    def _s_binomial(self, n, N, p):
        """Binomial(N, p): the kernel for one N and p; per element, with
        q = min(p, 1 - p), sequential search for N q < 10, else Hoermann's
        BTRS transformed rejection, vectorized (N - X for p > 1/2)."""
        L = _lnp()
        if not (_vec(N) or _vec(p)):
            return self._d("binomial", n, N, p).astype(_np.float64)
        q = L.minimum(p, 1.0 - p)
        out = L.zeros(n)
        lo, hi = self._split(n, N * q < 10)
        self._search(out, lo, lambda N, q: L.exp(N * L.log1p(-q)),
                     lambda k, N, q: (N - k) / (k + 1.0) * (q / (1.0 - q)), N, q)
        if hi.shape[0]:
            N1, q = _at(N, hi), _at(q, hi)
            spq = L.sqrt(N1 * q * (1.0 - q))
            b = 1.15 + 2.53 * spq
            a = -0.0873 + 0.0248 * b + 0.01 * q
            alpha = (2.83 + 5.1 / b) * spq
            m = L.floor((N1 + 1) * q)
            st = [N1, a, b, N1 * q + 0.5, 0.92 - 4.2 / b, alpha, L.log(q / (1.0 - q)), m,
                  _logfact(m) + _logfact(N1 - m)]

            def step(mm, N, a, b, c, vr, alpha, lpq, m, h):
                U = self._d("random_sample", mm) - 0.5
                V = 1.0 - self._d("random_sample", mm)
                us = 0.5 - L.abs(U)
                pos = us > 0
                us = L.where(pos, us, 0.5)
                k = L.floor((2 * a / us + b) * U + c)
                inr = pos & (k >= 0) & (k <= N)
                kk = L.where(inr, k, m)
                ok = inr & (((us >= 0.07) & (V <= vr)) | (
                    L.log(V * alpha / (a / (us * us) + b))
                    <= h - _logfact(kk) - _logfact(N - kk) + (kk - m) * lpq))
                return ok, k, [N, a, b, c, vr, alpha, lpq, m, h]
            self._until(out, hi, st, step)
        return L.where(p > 0.5, N - out, out)

    def _s_hypergeometric(self, n, good, bad, sample):
        """Hypergeometric: for m = min(sample, total - sample) draws of the
        smaller colour, sequential search below m = 10, else Stadlober's
        HRUA ratio-of-uniforms rejection (NumPy's), vectorized; the
        symmetries map back."""
        L = _lnp()
        tot = good + bad
        m = L.minimum(sample, tot - sample)
        lo_c, hi_c = L.minimum(good, bad), L.maximum(good, bad)
        out = L.zeros(n)
        small, big = self._split(n, m < 10)

        def p0(g, b, m, tot):  # C(b, m) / C(tot, m), m < 10
            r = 1.0
            for i in range(10):
                live = i < m
                r = r * L.where(live, (b - i) / L.where(live, tot - i, 1.0), 1.0)
            return r
        self._search(out, small, p0, lambda k, g, b, m, tot: (g - k) * (m - k) / ((k + 1.0) * (b - m + k + 1.0)),
                     lo_c, hi_c, m, tot)
        if big.shape[0]:
            g, b, m1, t = [_at(x, big) for x in (lo_c, hi_c, m, tot)]
            p, q = g / t, b / t
            a = m1 * p + 0.5
            c = L.sqrt((t - m1) * m1 * p * q / (t - 1) + 0.5)
            mode = L.floor((m1 + 1) * (g + 1) / (t + 2))
            st = [g, b, m1, a, 1.7155277699214135 * c + 0.8989161620588988,
                  _logfact(mode) + _logfact(g - mode) + _logfact(m1 - mode) + _logfact(b - m1 + mode),
                  L.minimum(L.minimum(m1, g) + 1, L.floor(a + 16 * c))]

            def step(mm, g, b, m, a, h, lf, top):
                U = 1.0 - self._d("random_sample", mm)
                X = a + h * (self._d("random_sample", mm) - 0.5) / U
                inr = (X >= 0) & (X < top)
                K = L.floor(L.where(inr, X, 0.0))
                T = lf - (_logfact(K) + _logfact(g - K) + _logfact(m - K) + _logfact(b - m + K))
                return inr & (2 * L.log(U) <= T), K, [g, b, m, a, h, lf, top]
            self._until(out, big, st, step)
        out = L.where(good > bad, m - out, out)
        return L.where(m < sample, good - out, out)

    def _s_vonmises(self, n, mu, kappa):
        """von Mises: Best and Fisher's rejection (NumPy's), vectorized,
        kappa clipped to [1e-8, 1e6] (below, uniform on the circle to 1e-8);
        above 1e6 a wrapped normal (as NumPy's).  Its W = cos(theta) from
        Z = cos(pi U) is taken by the half-angle identity: t = tan(theta/2)
        = sqrt((s - 1)/(s + 1)) tan(pi U/2), W = (1 - t^2)/(1 + t^2), theta =
        2 atan(t): no arccos near 1, whose 1e-8 resolution there would also
        magnify the ulp between NumPy's libm and the kernels'."""
        L = _lnp()
        k = L.minimum(L.maximum(kappa, 1e-8), 1e6)
        tiny = k < 1e-5
        kr = L.where(tiny, 1.0, k)
        r = 1.0 + L.sqrt(1.0 + 4.0 * kr * kr)
        rho = (r - L.sqrt(2.0 * r)) / (2.0 * kr)
        s = L.where(tiny, 1.0 / k + k, (1.0 + rho * rho) / (2.0 * rho))
        q = L.where(tiny, L.sqrt((s - 1.0) / (s + 1.0)), (1.0 - rho) / (1.0 + rho))

        def step(m, s, q, k):
            t = q * L.tan(0.5 * math.pi * self._d("random_sample", m))
            t2 = t * t
            Y = k * (s - (1.0 - t2) / (1.0 + t2))
            V = 1.0 - self._d("random_sample", m)
            ok = (Y * (2.0 - Y) >= V) | ((Y > 0) & (L.log(L.where(Y > 0, Y, 1.0) / V) + 1.0 - Y >= 0)) | (s != s)
            return ok, t, [s, q, k]
        th = 2.0 * L.arctan(self._until(L.zeros(n), L.arange(n), [s, q, k], step))
        th = L.where(self._d("random_sample", n) < 0.5, -th, th)
        big = kappa > 1e6
        if _any(big):
            th = L.where(big, self._d("standard_normal", n) / L.sqrt(L.where(big, kappa, 1.0)), th)
        x = th + mu
        w = L.fmod(L.abs(x) + math.pi, 2 * math.pi) - math.pi
        return L.where(x < 0, -w, w)

    def _s_zipf(self, n, a):
        """Zipf: the rejection from a continuous Pareto of NumPy's, U from
        (Umin, 1] so that X stays below 2**63, vectorized, in logs against
        overflow; a capped at 1024 (P(X > 1) is below 1e-300 there)."""
        L = _lnp()
        am1 = L.minimum(a, 1024.0) - 1.0
        b = L.power(2.0, am1)
        umin = L.exp(-am1 * (63 * math.log(2.0)))

        def step(m, am1, b, umin):
            u = self._d("random_sample", m)
            X = L.floor(L.exp(L.minimum(-L.log(u * umin + (1.0 - u)) / am1, 44.0)))
            T = L.power(1.0 + 1.0 / X, am1)
            V = self._d("random_sample", m)
            return (X < 2.0 ** 63) & (V * X * (T - 1.0) / (b - 1.0) <= T / b), X, [am1, b, umin]
        return self._until(L.zeros(n), L.arange(n), [am1, b, umin], step)

    def _s_ncchisq(self, n, df, nonc):
        """Noncentral chi-square: for one df > 1 and nonc (NumPy's) a
        chi-square of df - 1 plus (Z + sqrt(nonc))**2, else the Poisson
        mixture 2 Gamma(df/2 + I), I ~ Poisson(nonc/2); NaN nonc gives NaN."""
        L = _lnp()
        if not (_vec(df) or _vec(nonc)) and df > 1:
            z = self._d("standard_normal", n) + math.sqrt(nonc)
            return self._d("gamma", n, (df - 1) / 2, 2.0) + z * z
        nan = nonc != nonc
        if _any(nan):
            nonc = L.where(nan, 0.0, nonc) if _vec(nonc) else 0.0
        x = 2.0 * self._s_gamma(n, df / 2 + self._s_poisson(n, nonc / 2))
        return L.where(nan, _np.nan, x) if _any(nan) else x

    def _s_ncf(self, n, dfnum, dfden, nonc):
        """Noncentral F: (noncentral chi-square / dfnum) / (chi-square /
        dfden), as NumPy's."""
        return self._s_ncchisq(n, dfnum, nonc) * dfden / (2.0 * self._s_gamma(n, dfden / 2) * dfnum)

    def _composite(self, name, args, kwargs, entry=None):
        """_COMPOSITE[name] (or entry: parameters, constraints, kind, a
        sampler method's name or a function of self) with NumPy's binding,
        checks, broadcasting, result dtype and scalar type."""
        from ._creation import asarray
        L = _lnp()
        spec, cons, kind, sampler = entry or _COMPOSITE[name]
        vals, size = _bind(self._prefix + name, spec, args, kwargs)
        scalar = all(_is_scalar(v) for v in vals)
        if name == "hypergeometric":
            vals = [_int_param(v) for v in vals]
            if not isinstance(self, RandomState):
                cons = ("ge0",) * 3
                if _any(vals[0] >= 10 ** 9) or _any(vals[1] >= 10 ** 9):
                    raise ValueError("both ngood and nbad must be less than %d" % 10 ** 9)
            if _any(vals[0] + vals[1] < vals[2]):
                raise ValueError("ngood + nbad < nsample")
        elif name == "binomial":
            vals = [_int_param(vals[0]), _py(vals[1]) if scalar else asarray(vals[1], dtype=_np.float64)]
        else:
            vals = [_py(v) if scalar else asarray(v, dtype=_np.float64) for v in vals]
        if name == "triangular":  # NumPy's checks across the parameters
            for bad, msg in ((vals[0] > vals[1], "left > mode"), (vals[1] > vals[2], "mode > right"),
                             (vals[0] == vals[2], "left == right")):
                if _any(bad):
                    raise ValueError(msg)
        elif name == "negative_binomial" and not isinstance(self, RandomState):
            cons = (("gt0", "notnan"), "prob_gt0")  # Generator's
        for (pname, _), cs, v in zip(spec, cons, vals):
            for c in (cs,) if cs is None or isinstance(cs, str) else cs:
                if c is not None and _any(_CONS[c][0](v)):
                    raise ValueError(_CONS[c][1].replace("%s", pname))
        shape = (() if size is None else _shape(size)) if scalar else _bshape([_np.shape(v) for v in vals], size)
        n = 1
        for d in shape:
            n *= d
        flat = [L.broadcast_to(v, shape).ravel() if _vec(v) else float(v) for v in vals]
        draw = getattr(self, sampler) if isinstance(sampler, str) else (lambda *a: sampler(self, *a))
        r = draw(n, *flat).astype(_np.float64 if kind == "f" else _np.int64).reshape(shape)
        if scalar and size is None:
            return _as_scalar_of(to_numpy(r), 0.0 if kind == "f" else 0)
        return r

    def dirichlet(self, alpha, size=None):
        """Gamma(alpha_i) draws over their sum (NumPy's checks on the
        host: alpha is 1-D), the gammas in logs normalized by their row's
        largest: tiny alphas give no 0/0 (NumPy's Generator switches to
        beta stick-breaking for that)."""
        L = _lnp()
        ah = _host(alpha)
        self._check.dirichlet(ah)
        a = _np.asarray(ah, dtype=_np.float64)
        shape = (() if size is None else _shape(size))
        rows, k = 1, a.shape[0]
        for d in shape:
            rows *= d
        if _np.isnan(a).any():
            return L.full(shape + (k,), _np.nan)
        if rows * k == 0 or not (a > 0).any():
            return L.zeros(shape + (k,))
        lg = self._s_gamma(rows * k, L.broadcast_to(L.asarray(a), (rows, k)).ravel(), log=True).reshape(rows, k)
        x = L.exp(lg - L.amax(lg, axis=1, keepdims=True))
        return (x / L.sum(x, axis=1, keepdims=True)).reshape(shape + (k,))

    def multinomial(self, n, pvals, size=None):
        """Conditional binomials (NumPy's): category j gets Binomial(what
        is left of n, p_j over what is left of the probability), the last
        one the rest; what is left differs by sample: the vectorized
        binomial.  One n below 8 per category and one pvals: the counts of
        n categorical draws per sample (uniforms searched in the cumulative
        pvals[:-1], a bincount), cheaper.  NumPy checks pvals on the host
        (Generator: n natively)."""
        from ._creation import asarray
        L = _lnp()
        legacy = isinstance(self, RandomState)
        if legacy:
            self._check.multinomial(_host(n), _host(pvals))
            n = int(_np_scalar(n))
        else:
            self._check.multinomial(0, _host(pvals))
            n = _int_param(n)
            if _any(n < 0):
                raise ValueError("n < 0")
        P = asarray(pvals, dtype=_np.float64)
        d = P.shape[-1]
        shape = (() if size is None else _shape(size)) if legacy else _bshape([_np.shape(n), P.shape[:-1]], size)
        rows = 1
        for x in shape:
            rows *= x
        if rows * d == 0:
            return L.zeros(shape + (d,), _np.int64)
        if P.ndim == 1 and not _vec(n) and n <= 8 * d:
            from ._scan import cumsum, bincount
            from ._sort import searchsorted
            cat = searchsorted(cumsum(P[:-1]), self._d("random_sample", rows * n), side="right")
            row = L.arange(rows * n) // n if n else L.arange(0)
            return bincount(row * d + cat, minlength=rows * d).astype(_np.int64).reshape(shape + (d,))
        if P.ndim == 1:
            P = [float(x) for x in to_numpy(P)]
        else:
            P = L.broadcast_to(P, shape + (d,)).reshape(rows, d)
        rem = L.broadcast_to(n, shape).ravel() if _vec(n) else L.full(rows, float(n))
        left, cols = 1.0, []
        for j in range(d - 1):
            pj = P[j] if type(P) is list else P[:, j]
            if not _any(rem > 0):
                cols.append(L.zeros(rows))
                continue
            q = L.where(left > 0, L.clip(pj / L.where(left > 0, left, 1.0), 0.0, 1.0), 0.0)
            x = self._s_binomial(rows, rem, q if _vec(q) else float(q))
            cols.append(x)
            rem = rem - x
            left = left - pj
        cols.append(rem)
        return L.stack(cols, axis=-1).astype(_np.int64).reshape(shape + (d,))

    def _mvn(self, mean, cov, size, check_valid, tol, method):
        """NumPy's checks and factor of cov on the host (a k x k SVD, eigh
        or Cholesky: legacy SVD), then a native standard normal draw of
        size + (k,) times the factor plus mean."""
        from ._creation import asarray
        legacy = isinstance(self, RandomState)
        if not legacy and method not in ("svd", "eigh", "cholesky"):
            raise ValueError("method must be one of {'eigh', 'svd', 'cholesky'}")
        mean, cov = _np.array(_host(mean)), _np.array(_host(cov))
        if not legacy and (_np.issubdtype(mean.dtype, _np.complexfloating)
                           or _np.issubdtype(cov.dtype, _np.complexfloating)):
            raise TypeError("mean and cov must not be complex")
        shape = () if size is None else _shape(size)
        if mean.ndim != 1:
            raise ValueError("mean must be 1 dimensional")
        if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
            raise ValueError("cov must be 2 dimensional and square")
        if mean.shape[0] != cov.shape[0]:
            raise ValueError("mean and cov must have same length")
        cov = cov.astype(_np.double)
        if legacy or method == "svd":
            u, s, vh = _np.linalg.svd(cov)
        elif method == "eigh":
            s, u = _np.linalg.eigh(cov)
        else:
            f = _np.linalg.cholesky(cov).T
        if check_valid != "ignore" and method != "cholesky":
            if check_valid not in ("warn", "raise"):
                raise ValueError("check_valid must equal 'warn', 'raise', or 'ignore'")
            if legacy or method == "svd":
                psd = _np.allclose(_np.dot(vh.T * s, vh), cov, rtol=tol, atol=tol)
            else:
                psd = not _np.any(s < -tol)
            if not psd:
                if check_valid == "raise":
                    raise ValueError("covariance is not symmetric positive-semidefinite.")
                warnings.warn("covariance is not symmetric positive-semidefinite.", RuntimeWarning, stacklevel=3)
        if legacy:
            f = _np.sqrt(s)[:, None] * vh
        elif method != "cholesky":
            f = (u * _np.sqrt(_np.abs(s) if method == "eigh" else s)).T
        k = mean.shape[0]
        rows = 1
        for x in shape:
            rows *= x
        z = self._d("standard_normal", rows * k).reshape(rows, k)
        return (z @ asarray(f) + asarray(mean)).reshape(shape + (k,))

    def __getattr__(self, name):
        # methods without a kernel: NumPy's, on the NumPy generator
        if name.startswith("_"):
            raise AttributeError(name)
        v = getattr(self._np, name)
        if callable(v):
            return fallback_function(v, self._prefix + name)
        return v


def _bind(name, spec, args, kwargs):
    """NumPy's binding of (*spec parameters, size): values and size."""
    names = [p for p, _ in spec] + ["size"]
    if len(args) > len(names):
        raise TypeError("%s() takes at most %d positional arguments (%d given)"
                        % (name, len(names), len(args)))
    got = dict(zip(names, args))
    for k, v in kwargs.items():
        if k not in names:
            raise TypeError("%s() got an unexpected keyword argument '%s'" % (name, k))
        if k in got:
            raise TypeError("%s() got multiple values for argument '%s'" % (name, k))
        got[k] = v
    vals = []
    for p, d in spec:
        v = got.get(p, d)
        if v is _REQ:
            raise TypeError("%s() missing required argument '%s'" % (name, p))
        vals.append(v)
    return vals, got.get("size")


def _dist_method(name, via="_dist"):
    def method(self, *args, **kwargs):
        return getattr(self, via)(name, args, kwargs)
    method.__name__ = name
    method.__doc__ = getattr(getattr(_np.random.RandomState, name, None), "__doc__", None)
    return method


# ---------------------------------------------------------------------------
# RandomState: NumPy's legacy generator API
# ---------------------------------------------------------------------------

class RandomState(_Native):
    """NumPy's RandomState API on Philox4x32-10 (values differ from
    NumPy's MT19937 streams)."""

    _prefix = "random.RandomState."

    def __init__(self, seed=None):
        self._check = _np.random.RandomState(0)
        self._np = _np.random.RandomState(seed)  # NumPy's checks of the seed
        self._reset(_legacy_key(seed))

    def seed(self, seed=None):
        self._np.seed(seed)
        self._reset(_legacy_key(seed))

    def get_state(self, legacy=True):
        """The native state (key, next stream) and the fallback's state."""
        return {"bit_generator": "Philox4x32-10",
                "state": {"key": self._key, "stream": self._stream},
                "numpy": self._np.get_state(legacy=False)}

    def set_state(self, state):
        if not (isinstance(state, dict) and state.get("bit_generator") == "Philox4x32-10"):
            raise ValueError("legate.numpy.random: set_state takes a state from its own "
                             "get_state (native draws are not MT19937)")
        self._key = int(state["state"]["key"]) & _MASK64
        self._stream = int(state["state"]["stream"]) & _MASK64
        if state.get("numpy") is not None:
            self._np.set_state(state["numpy"])

    def random_sample(self, size=None):
        return self._dist("random_sample", (), {"size": size})

    random = random_sample

    def rand(self, *args):
        return self.random_sample(args if args else None)

    def randn(self, *args):
        return self._dist("standard_normal", (), {"size": args if args else None})

    def randint(self, low, high=None, size=None, dtype=int):
        r = self._integers("randint", low, high, size, dtype, False,
                           lambda lo, hi: self._check.randint(lo, hi, dtype=dtype))
        if r is None:
            return self._fallback("randint", (low, high, size, dtype), {})
        return r

    def tomaxint(self, size=None):
        return self.randint(0, _np.iinfo(_np.int_).max, size, dtype=_np.int_)

    def random_integers(self, low, high=None, size=None):
        """NumPy's deprecated randint(low, high + 1) (randint(1, low + 1)
        without high), with its DeprecationWarning."""
        if high is None:
            warnings.warn("This function is deprecated. Please call randint(1, {low} + 1) instead"
                          .format(low=low), DeprecationWarning, stacklevel=2)
            high, low = low, 1
        else:
            warnings.warn("This function is deprecated. Please call randint({low}, {high} + 1) instead"
                          .format(low=low, high=high), DeprecationWarning, stacklevel=2)
        return self.randint(low, int(high) + 1, size=size, dtype="l")

    def multivariate_normal(self, mean, cov, size=None, check_valid="warn", tol=1e-8):
        return self._mvn(mean, cov, size, check_valid, tol, None)


for _n in _DISTS:
    if _n != "random_sample":
        setattr(RandomState, _n, _dist_method(_n))
for _n in _COMPOSITE:
    setattr(RandomState, _n, _dist_method(_n, "_composite"))


def _legacy_key(seed):
    if type(seed) is ndarray:
        seed = to_numpy(seed)
    return _key_of(_np.random.SeedSequence(seed if seed is None else _np.asarray(seed).tolist()))


# ---------------------------------------------------------------------------
# Generator: NumPy's new API (default_rng)
# ---------------------------------------------------------------------------

class Generator(_Native):
    """NumPy's Generator API on Philox4x32-10, keyed by the bit generator's
    seed sequence (values differ from NumPy's streams)."""

    _prefix = "random.Generator."

    def __init__(self, bit_generator):
        self._bit_generator = bit_generator
        ss = _seed_seq_of(bit_generator)
        self._check = _np.random.Generator(_np.random.PCG64(0))
        self._np = _np.random.Generator(type(bit_generator)(ss))
        self._reset(_key_of(ss))

    @property
    def bit_generator(self):
        return self._bit_generator

    def __repr__(self):
        return "Generator(Philox4x32-10 keyed by %s)" % type(self._bit_generator).__name__

    def _out(self, size, dtype, out, check):
        """random/standard_normal/...'s size, dtype and out= (NumPy's
        checks): the size, the dtype, NumPy's value with size=None."""
        proto = check()
        dtype = _np.dtype(dtype)
        if out is None:
            return size, dtype, proto
        if type(out) is not ndarray and not isinstance(out, _np.ndarray):
            raise TypeError("out must be an ndarray")
        if out.dtype != dtype:
            raise TypeError("Supplied output array has the wrong type. Expected %s, got %s"
                            % (dtype, out.dtype))
        if size is not None and _shape(size) != out.shape:
            raise ValueError("size must match out.shape when used together")
        return out.shape, dtype, proto

    def _fill(self, r, out):
        if out is None:
            return r
        out[...] = r
        return out

    def _std(self, name, args, size, dtype, out, check):
        size, dt, proto = self._out(size, dtype, out, check)
        return self._fill(self._dist(name, args, {"size": size}, dtype=dt, proto=proto), out)

    def random(self, size=None, dtype=_np.float64, out=None):
        return self._std("random_sample", (), size, dtype, out, lambda: self._check.random(dtype=dtype))

    def standard_normal(self, size=None, dtype=_np.float64, out=None):
        return self._std("standard_normal", (), size, dtype, out,
                         lambda: self._check.standard_normal(dtype=dtype))

    def standard_exponential(self, size=None, dtype=_np.float64, method="zig", out=None):
        return self._std("standard_exponential", (), size, dtype, out,
                         lambda: self._check.standard_exponential(dtype=dtype, method=method))

    def standard_gamma(self, shape, size=None, dtype=_np.float64, out=None):
        if not _is_scalar(shape):
            dt = _np.dtype(dtype) if dtype in (_np.float64, _np.float32, "d", "f", float) else None
            if out is not None or dt is None:
                return self._fallback("standard_gamma", (shape, size, dtype, out), {})
            r = self._dist("standard_gamma", (shape,), {"size": size})
            return r if dt == _np.float64 else r.astype(dt)
        return self._std("standard_gamma", (shape,), size, dtype, out,
                         lambda: self._check.standard_gamma(_py(shape), dtype=dtype))

    def integers(self, low, high=None, size=None, dtype=_np.int64, endpoint=False):
        r = self._integers("integers", low, high, size, dtype, endpoint,
                           lambda lo, hi: self._check.integers(lo, hi, dtype=dtype, endpoint=endpoint))
        if r is None:
            return self._fallback("integers", (low, high, size, dtype, endpoint), {})
        return r

    def multivariate_normal(self, mean, cov, size=None, check_valid="warn", tol=1e-8, *, method="svd"):
        return self._mvn(mean, cov, size, check_valid, tol, method)

    def permuted(self, x, axis=None, out=None):
        """Each 1-D slice along axis (None: the flattened array) permuted
        on its own: the stable argsort along axis of random 64-bit keys,
        and a gather (take_along_axis)."""
        from ._creation import asarray
        from ._sort import argsort
        L = _lnp()
        a = asarray(x)
        if out is not None:
            if type(out) is not ndarray and not isinstance(out, _np.ndarray):
                raise TypeError("out must be a numpy array")
            if out.shape != a.shape:
                raise ValueError("out must have the same shape as x")
            if not _np.can_cast(a.dtype, out.dtype, "safe"):
                raise TypeError("Cannot cast array data from %r to %r according to the rule 'safe'"
                                % (a.dtype, out.dtype))
        if axis is None:
            if a.ndim == 0:
                raise TypeError("len() of unsized object")
            r = a.ravel()[self._perm(a.size)].reshape(a.shape)
        else:
            ax = normalize_axis_index(axis, a.ndim)
            keys = self._generate("RANDOM_INTEGERS", a.shape, _np.dtype(_np.uint64), (0, 0))
            r = L.take_along_axis(a, argsort(keys, axis=ax, kind="stable"), ax)
        if out is None:
            return r
        out[...] = r
        return out


for _n in _DISTS:
    if _n not in ("random_sample", "standard_normal", "standard_exponential", "standard_gamma"):
        setattr(Generator, _n, _dist_method(_n))
for _n in _COMPOSITE:
    setattr(Generator, _n, _dist_method(_n, "_composite"))
del _n


def default_rng(seed=None):
    """A Generator keyed by NumPy's default_rng(seed)'s seed sequence (a
    Generator passes through, as in NumPy)."""
    if isinstance(seed, Generator):
        return seed
    if isinstance(seed, _np.random.Generator):
        return Generator(seed.bit_generator)
    if isinstance(seed, _np.random.BitGenerator):
        return Generator(seed)
    if type(seed) is ndarray:
        seed = to_numpy(seed)
    return Generator(_np.random.default_rng(seed).bit_generator)


# ---------------------------------------------------------------------------
# the module: legacy functions on a global RandomState whose NumPy side is
# NumPy's own global one, so seed() also seeds the fallback's functions
# ---------------------------------------------------------------------------

_rand = RandomState.__new__(RandomState)
_rand._check = _np.random.RandomState(0)
_rand._np = _np.random.mtrand._rand
_rand._reset(_legacy_key(None))
_rand._prefix = "random."


NATIVE_NAMES = (
    ["seed", "get_state", "set_state", "random_sample", "random", "rand", "randn", "randint",
     "permutation", "shuffle", "choice", "random_integers", "bytes", "dirichlet", "multinomial",
     "multivariate_normal"]
    + [n for n in _DISTS if n != "random_sample"] + list(_COMPOSITE))


def make_module():
    """legate.numpy.random: the native functions, NumPy's others through
    the fallback."""
    m = FallbackModule(_np.random, "random.")
    for n in NATIVE_NAMES:
        m.__dict__[n] = getattr(_rand, n)
    for n in ("ranf", "sample"):
        m.__dict__[n] = _rand.random_sample
    m.__dict__.update(RandomState=RandomState, Generator=Generator, default_rng=default_rng)
    return m

