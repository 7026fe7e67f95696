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
its scalar return types).  Array parameters of the location/scale families
are elementwise ops on a standard draw; other array-parameter forms and
the distributions without a kernel run through NumPy (the fallback, with
its warning) on a NumPy generator seeded from the same seed.
"""

import math
import operator
import struct

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


def _as_scalar_of(value, proto):
    """0-d array `value` as the scalar type NumPy returned (`proto`)."""
    x = value[()]
    t = type(proto)
    if t is float or t is int or t is bool:
        return t(x)
    return x


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
        if std is None:
            return self._fallback(name, args, kwargs)
        return self._std_transform(name, std, vals, size)

    def _std_transform(self, name, std, vals, size):
        """Array parameters: the transform of one standard draw."""
        from ._creation import asarray
        std_name, fn, nonneg = std
        arrs = [asarray(v, dtype=_np.float64) for v in vals]
        shapes = [a.shape for a in arrs]
        try:
            bshape = _np.broadcast_shapes(*shapes)
            if size is not None:
                shape = _shape(size)
                if _np.broadcast_shapes(shape, bshape) != shape:
                    raise ValueError
            else:
                shape = bshape
        except ValueError:
            raise ValueError("shape mismatch: objects cannot be broadcast to a single shape") from None
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
        """In place along axis (views too); anything but our array: NumPy's."""
        if isinstance(self, RandomState) and axis != 0:
            raise TypeError("shuffle() got an unexpected keyword argument 'axis'")
        if type(x) is not ndarray or x.ndim == 0:
            return self._fallback("shuffle", (x,), {} if axis == 0 else {"axis": axis})
        x[...] = self._permute(x, axis)

    def choice(self, a, size=None, replace=True, p=None, axis=0, shuffle=True):
        """NumPy's choice of a 1-D population: with replacement an index
        per draw (uniform integers, or p's cumulative sum searched with
        uniform draws), without it the head of a random permutation.
        Weighted draws without replacement, N-D populations, an empty one
        and non-integer scalars are NumPy's (the fallback)."""
        from ._creation import asarray
        legacy = isinstance(self, RandomState)
        kw = {} if legacy else {"axis": axis, "shuffle": shuffle}
        pop_int = _np.ndim(a) == 0 and _is_scalar(a) and _np.issubdtype(_np.asarray(a).dtype, _np.integer)
        arr = None if pop_int or _np.ndim(a) == 0 else asarray(a)
        n = int(a) if pop_int else (arr.shape[0] if arr is not None and arr.ndim == 1 else 0)
        if (arr is None and not pop_int) or (arr is not None and arr.ndim != 1) or n <= 0 \
                or (p is not None and not replace) or axis != 0:
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
            from ._scan import cumsum
            from ._sort import searchsorted
            cdf = cumsum(pa)
            cdf = cdf / cdf[-1]
            op, _, kparams, _ = _DISTS["random_sample"]
            u = self._generate(op, (k,), _np.dtype(_np.float64), kparams())
            idx = _ufunc().minimum(searchsorted(cdf, u, side="right"), n - 1)
        elif replace:
            idx = self._generate("RANDOM_INTEGERS", (k,), _np.dtype(_np.int64), (0, n))
        else:
            if k > n:
                raise ValueError("Cannot take a larger sample than population when 'replace=False'" if legacy
                                 else "Cannot take a larger sample than population when replace is False")
            idx = self._perm(n)[:k]  # (shuffle=False: any order, as NumPy's)
        idx = idx.reshape(shape)
        r = idx if pop_int else arr[idx]
        return r[()] if size is None else r

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


def _dist_method(name):
    def method(self, *args, **kwargs):
        return self._dist(name, args, kwargs)
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


for _n in _DISTS:
    if _n != "random_sample":
        setattr(RandomState, _n, _dist_method(_n))


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
            return self._fallback("standard_gamma", (shape, size, dtype, out), {})
        return self._std("standard_gamma", (shape,), size, dtype, out,
                         lambda: self._check.standard_gamma(_py(shape), dtype=dtype))

    def integers(self, low, high=None, size=None, dtype=_np.int64, endpoint=False):
        r = self._integers("integers", low, high, size, dtype, endpoint,
                           lambda lo, hi: self._check.integers(lo, hi, dtype=dtype, endpoint=endpoint))
        if r is None:
            return self._fallback("integers", (low, high, size, dtype, endpoint), {})
        return r


for _n in _DISTS:
    if _n not in ("random_sample", "standard_normal", "standard_exponential", "standard_gamma"):
        setattr(Generator, _n, _dist_method(_n))
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
     "permutation", "shuffle", "choice"]
    + [n for n in _DISTS if n != "random_sample"])


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

