"""np.random: legate.numpy's counter-based generator (Philox4x32-10).

Values differ from NumPy's streams, so the tests compare with NumPy what
must agree (shapes, dtypes, scalar types, exceptions) and check the values
by their properties: the same seed gives the same bytes in every mode
(eager small arrays, test mode's 3-element tiles, no eager arrays, one or
two ranks), consecutive calls differ, and the samples follow their
distribution (moments, Kolmogorov-Smirnov and chi-square statistics, all
with fixed seeds: deterministic, and failing for a wrong sampler).
"""

import math
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, REPO, deferred, lnp, subprocess_env

NRANKS = 1 if AGAINST_NUMPY else lnp._core.config()["nranks"]
ours = pytest.mark.skipif(AGAINST_NUMPY, reason="legate.numpy's own generator")
# Test mode (tiles of 3 elements, no eager arrays) makes each elementwise op
# thousands of tasks: the distributions composed of many ops draw fewer
# samples there (the same code paths; the statistics hold at either size).
TEST_MODE = not AGAINST_NUMPY and os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")
NBIG = 70 if TEST_MODE else 70000  # deferred (above the eager threshold) in every mode

# (function, positional parameters) of the legacy API, native in legate.numpy
LEGACY = [
    ("random_sample", ()), ("random", ()), ("ranf", ()), ("sample", ()),
    ("standard_normal", ()), ("standard_exponential", ()), ("standard_cauchy", ()),
    ("uniform", (-2.0, 3.0)), ("normal", (1.0, 2.0)), ("exponential", (2.0,)),
    ("gamma", (2.5, 2.0)), ("standard_gamma", (0.5,)), ("chisquare", (3.0,)),
    ("beta", (2.0, 3.0)), ("lognormal", (0.0, 0.5)), ("logistic", (1.0, 2.0)),
    ("laplace", (1.0, 2.0)), ("gumbel", (1.0, 2.0)), ("weibull", (1.5,)),
    ("rayleigh", (2.0,)), ("pareto", (5.0,)), ("power", (3.0,)),
    ("triangular", (-1.0, 0.5, 2.0)), ("standard_t", (10.0,)), ("f", (5.0, 10.0)),
    ("wald", (1.0, 2.0)), ("poisson", (3.0,)), ("binomial", (10, 0.3)),
    ("geometric", (0.3,)), ("negative_binomial", (3, 0.4)), ("logseries", (0.6,)),
    ("randint", (-5, 7)), ("vonmises", (0.5, 2.0)), ("zipf", (2.5,)),
    ("noncentral_chisquare", (3.0, 2.0)), ("noncentral_f", (3.0, 5.0, 2.0)),
    ("hypergeometric", (50, 40, 30)),
]
SHAPES = [(), 0, (0, 3), 1, 7, (2, 3), (3, 1, 4), (2, 3, 1, 5), (1, 2, 3, 2, 3), (5, 13)]


def legacy_np(name):
    # ranf and sample are module functions only
    return getattr(np.random.RandomState(0), name, None) or getattr(np.random, name)


def _shape_id(s):
    return "x".join(map(str, s)) if isinstance(s, tuple) else str(s)


# ---------------------------------------------------------------------------
# shapes, dtypes, scalar types: as NumPy's
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,args", LEGACY, ids=[n for n, _ in LEGACY])
@pytest.mark.parametrize("size", SHAPES, ids=_shape_id)
def test_legacy_shape_dtype(name, args, size):
    e = legacy_np(name)(*args, size=size)
    lnp.random.seed(1)
    g = getattr(lnp.random, name)(*args, size=size)
    assert isinstance(g, lnp.ndarray) or AGAINST_NUMPY
    assert g.shape == e.shape and g.dtype == e.dtype


@pytest.mark.parametrize("name,args", LEGACY, ids=[n for n, _ in LEGACY])
def test_legacy_scalar(name, args):
    e = legacy_np(name)(*args)
    g = getattr(lnp.random, name)(*args)
    assert type(g) is type(e), (type(g), type(e))


def test_rand_randn():
    assert type(lnp.random.rand()) is float and type(lnp.random.randn()) is float
    assert lnp.random.rand(3, 1, 2).shape == (3, 1, 2)
    assert lnp.random.randn(4, 5).shape == (4, 5) and lnp.random.randn(4).dtype == np.float64


INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]


@pytest.mark.parametrize("dtype", INT_DTYPES + [bool], ids=lambda d: np.dtype(d).name)
def test_randint_dtypes(dtype):
    info = np.iinfo(dtype) if dtype is not bool else None
    lo, hi = (0, 2) if info is None else (int(info.min), int(info.max) + 1)
    lnp.random.seed(3)
    for low, high in [(lo, hi), (lo, lo + 1), (lo, min(hi, lo + 3)), (max(lo, hi - 5), hi)]:
        e = np.random.RandomState(0).randint(low, high, size=(4, 7), dtype=dtype)
        g = lnp.random.randint(low, high, size=(4, 7), dtype=dtype)
        assert g.dtype == e.dtype and g.shape == e.shape
        a = np.asarray(g)
        assert (a >= low).all() and (a <= high - 1).all()
        s = lnp.random.randint(low, high, dtype=dtype)
        assert type(s) is type(np.random.RandomState(0).randint(low, high, dtype=dtype))
    if info is not None and info.bits >= 16:
        # the whole range is reached at both ends
        a = np.asarray(lnp.random.randint(lo, lo + 4, size=4000, dtype=dtype))
        assert set(np.unique(a).tolist()) == {lo, lo + 1, lo + 2, lo + 3}


@pytest.mark.parametrize("dtype", INT_DTYPES + [bool], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("endpoint", [False, True])
def test_generator_integers(dtype, endpoint):
    high = 1 if dtype is bool and endpoint else 2 if dtype is bool else 100
    e = np.random.default_rng(0).integers(0, high, size=(3, 5), dtype=dtype, endpoint=endpoint)
    g = lnp.random.default_rng(0).integers(0, high, size=(3, 5), dtype=dtype, endpoint=endpoint)
    assert g.dtype == e.dtype and g.shape == e.shape
    a = np.asarray(g)
    assert (a >= 0).all() and (a <= high if endpoint else a < high).all()
    assert type(lnp.random.default_rng(0).integers(high, dtype=dtype)) is \
        type(np.random.default_rng(0).integers(high, dtype=dtype))


@pytest.mark.parametrize("method", ["random", "standard_normal", "standard_exponential"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_generator_float_dtypes(method, dtype):
    e = getattr(np.random.default_rng(0), method)((2, 3), dtype=dtype)
    g = getattr(lnp.random.default_rng(0), method)((2, 3), dtype=dtype)
    assert g.dtype == e.dtype and g.shape == e.shape
    assert type(getattr(lnp.random.default_rng(0), method)(dtype=dtype)) is \
        type(getattr(np.random.default_rng(0), method)(dtype=dtype))
    e = np.random.default_rng(0).standard_gamma(2.0, (4,), dtype=dtype)
    g = lnp.random.default_rng(0).standard_gamma(2.0, (4,), dtype=dtype)
    assert g.dtype == e.dtype


def test_generator_out():
    rng = lnp.random.default_rng(5)
    out = lnp.zeros((3, 4))
    r = rng.random(out=out)
    assert r is out and float(lnp.min(out)) >= 0 and float(lnp.max(out)) < 1
    assert float(lnp.sum(out)) > 0
    with pytest.raises(TypeError):
        rng.random(out=lnp.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError):
        rng.standard_normal(size=(2,), out=lnp.zeros(3))


GEN_METHODS = [
    ("random", ()), ("standard_normal", ()), ("uniform", (1.0, 2.0)), ("normal", (0.0, 3.0)),
    ("exponential", (2.0,)), ("standard_exponential", ()), ("gamma", (0.3, 1.0)),
    ("beta", (0.5, 0.5)), ("poisson", (1000.0,)), ("binomial", (1000, 0.5)),
    ("integers", (0, 10)), ("lognormal", ()), ("chisquare", (2.0,)), ("standard_t", (3.0,)),
    ("vonmises", (0.5, 2.0)), ("zipf", (2.5,)), ("noncentral_chisquare", (0.5, 2.0)),
    ("noncentral_f", (3.0, 5.0, 2.0)), ("hypergeometric", (5, 40, 3)),
]


@pytest.mark.parametrize("name,args", GEN_METHODS, ids=[n for n, _ in GEN_METHODS])
def test_generator_methods(name, args):
    e = getattr(np.random.default_rng(0), name)(*args, size=(3, 7))
    g = getattr(lnp.random.default_rng(0), name)(*args, size=(3, 7))
    assert g.dtype == e.dtype and g.shape == e.shape
    assert type(getattr(lnp.random.default_rng(0), name)(*args)) is \
        type(getattr(np.random.default_rng(0), name)(*args))


# ---------------------------------------------------------------------------
# exceptions: NumPy's classes
# ---------------------------------------------------------------------------

BAD = [
    ("randint", (5, 5), {}), ("randint", (5,), {"dtype": float}), ("randint", (0, 300), {"dtype": np.uint8}),
    ("randint", (-1, 2), {"dtype": np.uint8}), ("randint", (3,), {"dtype": bool, "size": 3}),
    ("normal", (0, -1), {}), ("exponential", (-1,), {}), ("uniform", (0, np.inf), {}),
    ("random_sample", (), {"size": -1}), ("random_sample", (), {"size": (2, -1)}),
    ("random_sample", (), {"size": 2.5}), ("random_sample", (), {"size": "a"}),
    ("poisson", (-1,), {}), ("binomial", (-1, 0.5), {}), ("binomial", (3, 1.5), {}),
    ("gamma", (-1,), {}), ("beta", (0, 1), {}), ("geometric", (0,), {}), ("triangular", (1, 0, 2), {}),
    ("weibull", (-1,), {}), ("logseries", (1,), {}), ("wald", (0, 1), {}), ("chisquare", (0,), {}),
    ("normal", ([1.0, 2.0], [-1.0, 1.0]), {}), ("normal", ([1.0, 2.0],), {"size": 3}),
    ("lognormal", (0, -1), {}), ("f", (0, 1), {}), ("pareto", (0,), {}), ("power", (-1,), {}),
    ("normal", (), {"nope": 1}), ("gamma", (), {}), ("seed", (-1,), {}), ("seed", (2 ** 32,), {}),
    ("seed", (1.5,), {}),
    ("vonmises", (0, -1), {}), ("vonmises", ([0.0], [1.0, -1.0]), {}), ("vonmises", ([0.0, 1.0], 1.0), {"size": 3}),
    ("zipf", (1.0,), {}), ("zipf", (np.nan,), {}), ("zipf", ([2.0, 0.5],), {}),
    ("noncentral_chisquare", (0, 1), {}), ("noncentral_chisquare", (1, -1), {}),
    ("noncentral_chisquare", ([1.0, 0.0], 1.0), {}), ("noncentral_f", (1, 0, 1), {}), ("noncentral_f", (1, 1, -1), {}),
    ("hypergeometric", (5, 5, 0), {}), ("hypergeometric", (1, 1, 3), {}), ("hypergeometric", (-1, 5, 3), {}),
    ("hypergeometric", (np.array([5.0]), 5, 3), {}), ("hypergeometric", ([1, 2], [1, 1], [3, 1]), {}),
    ("dirichlet", ([0.0, 1.0],), {}), ("dirichlet", ([[1.0, 1.0]],), {}), ("dirichlet", ([1.0, 2.0],), {"size": -1}),
    ("multinomial", (-1, [0.5, 0.5]), {}), ("multinomial", (5, [0.7, 0.7, 0.1]), {}),
    ("multinomial", (5, [-0.1, 1.1]), {}), ("multinomial", (5, 0.5), {}), ("multinomial", (5, [[0.5, 0.5]]), {}),
    ("multivariate_normal", ([0, 0], [[1, 0]]), {}), ("multivariate_normal", ([[0, 0]], [[1, 0], [0, 1]]), {}),
    ("multivariate_normal", ([0, 0, 0], [[1, 0], [0, 1]]), {}),
    ("multivariate_normal", ([0, 0], [[1, 2], [2, 1]]), {"check_valid": "raise"}),
    ("multivariate_normal", ([0, 0], [[1, 0], [0, 1]]), {"check_valid": "x"}),
    ("bytes", ("a",), {}), ("bytes", (-9,), {}),
    ("choice", (5, 3), {"replace": False, "p": [0.5, 0.5, 0, 0, 0]}),
    ("choice", (5, 6), {"replace": False, "p": [0.2] * 5}),
]


def _raises(fn):
    try:
        fn()
    except Exception as ex:  # noqa: BLE001
        return type(ex)
    return None


@pytest.mark.parametrize("name,args,kw", BAD, ids=[f"{n}{a}{k}" for n, a, k in BAD])
def test_legacy_exceptions(name, args, kw):
    e = _raises(lambda: getattr(np.random.RandomState(0), name)(*args, **kw))
    assert e is not None
    g = _raises(lambda: getattr(lnp.random, name)(*args, **kw))
    assert g is e, (g, e)


GEN_BAD = [
    ("integers", (5, 3), {}), ("integers", (5, 5), {}), ("integers", (0, 5), {"dtype": np.float64}),
    ("integers", (0, 257), {"dtype": np.uint8}), ("random", (), {"dtype": np.int64}),
    ("random", (), {"dtype": np.float16}), ("standard_normal", (), {"dtype": np.int32}),
    ("normal", (0, -1), {}), ("exponential", (-2,), {}), ("random", (-1,), {}),
    ("standard_gamma", (-1,), {}), ("poisson", (-1,), {}),
    ("vonmises", (0, -1), {}), ("zipf", (0.5,), {}), ("noncentral_f", (0, 1, 1), {}),
    ("hypergeometric", (10 ** 9, 5, 3), {}), ("hypergeometric", (5, 5, -1), {}), ("hypergeometric", (1, 1, 3), {}),
    ("dirichlet", ([-1.0, 1.0],), {}), ("multinomial", ([5, -1], [0.5, 0.5]), {}), ("multinomial", (5, []), {}),
    ("multinomial", ([5, 6, 7], [0.5, 0.5]), {"size": (2,)}),
    ("multivariate_normal", ([0, 0], [[1, 0], [0, 1]]), {"method": "x"}),
    ("multivariate_normal", ([0j, 0], [[1, 0], [0, 1]]), {}),
    ("multivariate_normal", ([0, 0], [[1, 2], [2, 1]]), {"method": "eigh", "check_valid": "raise"}),
    ("permuted", (np.arange(3.0),), {"out": np.zeros(3, int)}), ("permuted", (np.arange(3.0),), {"out": np.zeros(4)}),
    ("permuted", (5,), {}), ("permuted", (np.zeros((2, 2)),), {"axis": 2}),
    ("choice", (5, 3), {"replace": False, "p": [0.5, 0.5, 0, 0, 0]}),
]


@pytest.mark.parametrize("name,args,kw", GEN_BAD, ids=[f"{n}{a}{k}" for n, a, k in GEN_BAD])
def test_generator_exceptions(name, args, kw):
    e = _raises(lambda: getattr(np.random.default_rng(0), name)(*args, **kw))
    assert e is not None
    g = _raises(lambda: getattr(lnp.random.default_rng(0), name)(*args, **kw))
    assert g is e, (g, e)


def test_bad_seeds():
    for s in (-1, "x", 1.5):
        assert _raises(lambda: lnp.random.default_rng(s)) is _raises(lambda: np.random.default_rng(s))
        assert _raises(lambda: lnp.random.RandomState(s)) is _raises(lambda: np.random.RandomState(s))


# ---------------------------------------------------------------------------
# streams: seed() reproduces, consecutive calls differ
# ---------------------------------------------------------------------------

@ours
@pytest.mark.parametrize("size", [5, 100000], ids=["eager", "deferred"])
def test_seed_reproduces_and_calls_differ(size):
    lnp.random.seed(123)
    a = np.asarray(lnp.random.random(size))
    b = np.asarray(lnp.random.random(size))
    c = np.asarray(lnp.random.normal(size=size))
    lnp.random.seed(123)
    assert np.array_equal(np.asarray(lnp.random.random(size)), a)
    assert np.array_equal(np.asarray(lnp.random.random(size)), b)
    assert np.array_equal(np.asarray(lnp.random.normal(size=size)), c)
    assert not np.array_equal(a, b)
    lnp.random.seed(124)
    assert not np.array_equal(np.asarray(lnp.random.random(size)), a)


@ours
def test_instances_are_independent():
    r1, r2 = lnp.random.RandomState(7), lnp.random.RandomState(7)
    x = np.asarray(r1.standard_normal(1000))
    lnp.random.seed(7)
    lnp.random.random(10)  # the global state does not touch the instances
    assert np.array_equal(np.asarray(r2.standard_normal(1000)), x)
    g1, g2 = lnp.random.default_rng(9), lnp.random.default_rng(9)
    assert np.array_equal(np.asarray(g1.integers(0, 1000, 500)), np.asarray(g2.integers(0, 1000, 500)))
    assert not np.array_equal(np.asarray(g1.random(50)), np.asarray(g1.random(50)))
    assert lnp.random.default_rng(g1) is g1
    assert not np.array_equal(np.asarray(lnp.random.default_rng(10).random(50)),
                              np.asarray(lnp.random.default_rng(9).random(50)))


@ours
def test_get_set_state():
    lnp.random.seed(11)
    lnp.random.random(3)
    st = lnp.random.get_state()
    a = np.asarray(lnp.random.random(1000))
    lnp.random.set_state(st)
    assert np.array_equal(np.asarray(lnp.random.random(1000)), a)
    with pytest.raises(ValueError):
        lnp.random.set_state(np.random.RandomState(0).get_state())


@ours
def test_size_none_is_element_zero_of_its_stream():
    # a scalar draw is the first element of a draw of its own stream
    lnp.random.seed(5)
    x = lnp.random.normal(2.0, 3.0)
    lnp.random.seed(5)
    assert np.asarray(lnp.random.normal(2.0, 3.0, size=4))[0] == x


@ours
def test_array_parameters():
    loc = np.array([[0.0], [10.0], [100.0]])
    scale = np.array([1.0, 2.0, 0.0, 3.0])
    lnp.random.seed(2)
    g = np.asarray(lnp.random.normal(lnp.array(loc), scale))
    lnp.random.seed(2)
    z = np.asarray(lnp.random.standard_normal((3, 4)))
    assert g.shape == (3, 4) and np.array_equal(g, loc + scale * z)
    assert np.array_equal(g[:, 2], loc[:, 0])  # scale 0
    u = np.asarray(lnp.random.uniform([0.0, 5.0], [1.0, 6.0], size=(1000, 2)))
    assert (u[:, 0] >= 0).all() and (u[:, 0] < 1).all() and (u[:, 1] >= 5).all() and (u[:, 1] < 6).all()
    nb = 7000 if TEST_MODE else 70000  # deferred; test mode's tiles are 3 elements
    big = lnp.random.exponential(lnp.full(nb, 2.0))
    assert big.shape == (nb,) and abs(float(lnp.mean(big)) - 2.0) < max(0.05, 12 / math.sqrt(nb))


@ours
def test_native_calls_do_not_fall_back():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for name, args in LEGACY:
            getattr(lnp.random, name)(*args, size=3)
        rng = lnp.random.default_rng(1)
        for name, args in GEN_METHODS:
            getattr(rng, name)(*args, size=3)


@ours
def test_array_parameters_of_every_distribution_native(native):
    # wald and Generator.f with array parameters (were the fallback): the
    # same seed, the same values
    lnp.random.seed(4)
    a = lnp.random.wald([1.0, 2.0, 3.0], 2.0, size=(5, 3))
    lnp.random.seed(4)
    b = lnp.random.wald([1.0, 2.0, 3.0], 2.0, size=(5, 3))
    assert np.array_equal(np.asarray(a), np.asarray(b)) and a.shape == (5, 3)
    g = np.asarray(lnp.random.default_rng(3).f([1.0, 2.0], 3.0, size=(4, 2)))
    assert g.shape == (4, 2) and (g > 0).all()
    assert np.array_equal(g, np.asarray(lnp.random.default_rng(3).f([1.0, 2.0], 3.0, size=(4, 2))))


@ours
def test_array_parameters_follow_seed(native):
    # beta and Generator.standard_gamma with array parameters: native, the
    # same seed the same values
    lnp.random.seed(4)
    a = lnp.random.beta([1.0, 2.0, 3.0], 2.0, size=(5, 3))
    lnp.random.seed(4)
    b = lnp.random.beta([1.0, 2.0, 3.0], 2.0, size=(5, 3))
    assert np.array_equal(np.asarray(a), np.asarray(b)) and a.shape == (5, 3)
    g = np.asarray(lnp.random.default_rng(3).standard_gamma([1.0, 2.0], size=(4, 2)))
    h = np.asarray(lnp.random.default_rng(3).standard_gamma([1.0, 2.0], size=(4, 2)))
    assert g.shape == (4, 2) and (g > 0).all() and np.array_equal(g, h)


# ---------------------------------------------------------------------------
# the same bytes in every mode
# ---------------------------------------------------------------------------

MODES_PROGRAM = r"""
import hashlib, sys
import numpy as onp
import legate.numpy as np
out = []
arrays = []
def h(x):
    a = onp.ascontiguousarray(onp.asarray(x))
    arrays.append(a)
    out.append("%s %s %s" % (a.dtype, a.shape, hashlib.sha256(a.tobytes()).hexdigest()[:16]))
for n in (7, (70, 1001)):
    np.random.seed(2024)
    h(np.random.random(n)); h(np.random.standard_normal(n)); h(np.random.randint(-9, 99, n))
    h(np.random.randint(0, 2, n, dtype=bool)); h(np.random.randint(0, 2**64, n, dtype=onp.uint64))
    h(np.random.randint(-100, 100, n, dtype=onp.int8)); h(np.random.exponential(2.0, n))
    h(np.random.gamma(0.5, 1.0, n)); h(np.random.gamma(7.5, 1.0, n)); h(np.random.beta(0.5, 0.7, n))
    h(np.random.poisson(4.0, n)); h(np.random.poisson(300.0, n)); h(np.random.binomial(50, 0.2, n))
    h(np.random.binomial(5000, 0.5, n)); h(np.random.geometric(0.1, n)); h(np.random.logseries(0.9, n))
    h(np.random.triangular(0, 1, 3, n)); h(np.random.standard_t(4, n)); h(np.random.wald(1, 3, n))
    h(np.random.negative_binomial(5, 0.3, n))
    rng = np.random.default_rng(77)
    h(rng.random(n, dtype=onp.float32)); h(rng.standard_normal(n, dtype=onp.float32))
    h(rng.integers(0, 1000, n, dtype=onp.int16)); h(rng.normal(3.0, 2.0, n))
    h(rng.random()); h(np.random.random())
np.random.seed(5)
h(np.random.permutation(70070)); h(np.random.choice(1000, 5000)); h(np.random.choice(70070, 7, replace=False))
if np._core.config().get("rank", 0) == 0:
    print("\n".join(out))
    if len(sys.argv) > 1:
        onp.savez(sys.argv[1], *arrays)
"""


# The tests that run their own processes in each mode (and rank count) do
# the same work whatever mode the suite runs in: default-mode suites only
subprocess_modes = pytest.mark.skipif(TEST_MODE, reason="runs its own processes in each mode")


def _run_modes(env, ranks=1, dump=None):
    args = ["-c", MODES_PROGRAM] + ([dump] if dump else [])
    if ranks == 1:
        cmd = [sys.executable] + args
    else:
        cmd = [os.path.join(REPO, "bin", "legate"), "--ranks-per-node", str(ranks), "--"] + args
        env = dict(env, LEGATE_PYTHON=sys.executable)
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    assert len(lines) == 2 * 26 + 3, r.stdout
    return lines


def _gpu_runs():
    return lnp._core.config().get("ncuda", 0) > 0


# Philox gives every mode the same raw bits.  The distributions built from
# them by transcendental functions (normal, gamma, beta, ...) go through
# glibc on CPUs and libdevice on GPUs, a few ulp apart, so with a GPU the
# arrays of a CPU run and a GPU run are compared to 1e-12 (integers and
# bools exactly; a sampler's rejection decided differently by an ulp would
# show here as a different integer, and has not been seen).
def _same_arrays(a_path, b_path, atol=0):
    a, b = np.load(a_path), np.load(b_path)
    assert sorted(a.files) == sorted(b.files)
    for k in a.files:
        x, y = a[k], b[k]
        assert x.dtype == y.dtype and x.shape == y.shape, k
        if x.dtype.kind in "fc":
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=atol, err_msg=k)
        else:
            np.testing.assert_array_equal(x, y, err_msg=k)


@ours
@pytest.mark.skipif(NRANKS > 1, reason="runs its own processes")
@subprocess_modes
def test_same_bytes_in_every_mode(tmp_path):
    envs = [subprocess_env(LEGATE_NUMPY_TEST="0", LEGATE_NUMPY_EAGER_MAX="65536"),
            subprocess_env(LEGATE_NUMPY_TEST="1"),
            subprocess_env(LEGATE_NUMPY_TEST="0", LEGATE_NUMPY_EAGER_MAX="0"),
            subprocess_env(LEGATE_NUMPY_TEST="0", STARPU_NCPU="1")]
    if _gpu_runs():
        paths = [str(tmp_path / ("mode%d.npz" % i)) for i in range(len(envs))]
        for e, p in zip(envs, paths):
            _run_modes(e, dump=p)
        for p in paths[1:]:
            _same_arrays(paths[0], p)
        return
    base = _run_modes(envs[0])
    for e in envs[1:]:
        assert base == _run_modes(e)


@ours
@pytest.mark.skipif(NRANKS > 1, reason="runs its own processes")
@subprocess_modes
def test_same_bytes_on_two_ranks():
    if subprocess.run(["which", "mpirun"], capture_output=True).returncode != 0:
        pytest.skip("no mpirun")
    probe = subprocess.run([os.path.join(REPO, "bin", "legate"), "--ranks-per-node", "2", "--", "-c", "pass"],
                           env=dict(subprocess_env(), LEGATE_PYTHON=sys.executable), capture_output=True,
                           timeout=120)
    if probe.returncode != 0:  # e.g. a container without Open MPI's rsh agent
        pytest.skip("bin/legate cannot start 2 ranks here")
    base = _run_modes(subprocess_env(LEGATE_NUMPY_TEST="1"))
    assert base == _run_modes(subprocess_env(LEGATE_NUMPY_TEST="1"), ranks=2)


# ---------------------------------------------------------------------------
# statistics (fixed seeds: deterministic)
# ---------------------------------------------------------------------------

# The distributions' statistics are checked on one process with default
# tiles: an element's value depends on the seed, the stream and its index
# only, never on the ranks (test_same_bytes_on_two_ranks) nor the tiling
# (test_new_calls_same_in_every_mode draws every distribution below, with
# the parameters drawn here, eager, in test mode and as one tile, and finds
# the same values), and under test mode's 3-element tiles these large
# draws cost minutes (half the test-mode suite) for nothing new.
statistical = pytest.mark.skipif(NRANKS > 1 or TEST_MODE,
                                 reason="statistics checked on one process with default tiles: "
                                        "values do not depend on the ranks or the tiling")


N = 200000


def _moments(x):
    a = np.asarray(x, dtype=np.float64)
    return a.mean(), a.var()


def _g(a):
    return math.gamma(a)


def _zeta(a):
    k = np.arange(1, 200001, dtype=np.float64)
    return float((k ** -a).sum()) + 200000.5 ** (1 - a) / (a - 1)


def _hyper_mv(good, bad, n):
    t = good + bad
    return n * good / t, n * good / t * bad / t * (t - n) / (t - 1)


def _ncf_mv(d1, d2, lam):
    m = d2 * (d1 + lam) / (d1 * (d2 - 2))
    v = 2 * (d2 / d1) ** 2 * ((d1 + lam) ** 2 + (d1 + 2 * lam) * (d2 - 2)) / ((d2 - 2) ** 2 * (d2 - 4))
    return m, v


LG = math.log(1 - 0.6)
MOMENTS = [
    ("random_sample", (), 0.5, 1 / 12), ("uniform", (-2.0, 3.0), 0.5, 25 / 12),
    ("standard_normal", (), 0.0, 1.0), ("normal", (1.0, 2.0), 1.0, 4.0),
    ("exponential", (2.0,), 2.0, 4.0), ("gamma", (2.5, 2.0), 5.0, 10.0), ("gamma", (0.3, 1.0), 0.3, 0.3),
    ("standard_gamma", (1.0,), 1.0, 1.0), ("chisquare", (3.0,), 3.0, 6.0),
    ("beta", (2.0, 3.0), 0.4, 0.04), ("beta", (0.5, 0.5), 0.5, 0.125),
    ("lognormal", (0.0, 0.5), math.exp(0.125), (math.exp(0.25) - 1) * math.exp(0.25)),
    ("logistic", (1.0, 2.0), 1.0, 4 * math.pi ** 2 / 3), ("laplace", (1.0, 2.0), 1.0, 8.0),
    ("gumbel", (1.0, 2.0), 1.0 + 2 * 0.5772156649, math.pi ** 2 * 4 / 6),
    ("weibull", (1.5,), _g(1 + 1 / 1.5), _g(1 + 2 / 1.5) - _g(1 + 1 / 1.5) ** 2),
    ("rayleigh", (2.0,), 2 * math.sqrt(math.pi / 2), (4 - math.pi) / 2 * 4),
    ("pareto", (5.0,), 0.25, 5 / (16 * 3)), ("power", (3.0,), 0.75, 3 / (16 * 5)),
    ("triangular", (-1.0, 0.5, 2.0), 0.5, (1 + 0.25 + 4 + 0.5 + 2 - 1) / 18),
    ("standard_t", (10.0,), 0.0, 1.25), ("f", (5.0, 10.0), 1.25, 2 * 100 * 13 / (5 * 64 * 6)),
    ("wald", (1.0, 2.0), 1.0, 0.5), ("poisson", (3.0,), 3.0, 3.0), ("poisson", (1000.0,), 1000.0, 1000.0),
    ("binomial", (10, 0.3), 3.0, 2.1), ("binomial", (1000, 0.3), 300.0, 210.0),
    ("binomial", (1000, 0.9), 900.0, 90.0),
    ("geometric", (0.3,), 1 / 0.3, 0.7 / 0.09), ("negative_binomial", (3, 0.4), 4.5, 11.25),
    ("logseries", (0.6,), -0.6 / (0.4 * LG), -0.6 * (0.6 + LG) / (0.16 * LG * LG)),
]
NC = 1000 if TEST_MODE else N  # draws of the composite distributions
VAR_TOL = max(0.06, 8 * math.sqrt(2 / NC))  # relative, for the sample variance
COMPOSITE_MOMENTS = [
    ("noncentral_chisquare", (3.0, 2.0), 5.0, 14.0), ("noncentral_chisquare", (0.5, 2.0), 2.5, 9.0),
    ("noncentral_chisquare", (1.0, 0.0), 1.0, 2.0),
    ("noncentral_f", (3.0, 20.0, 2.0)) + _ncf_mv(3.0, 20.0, 2.0),
    ("hypergeometric", (5, 40, 3)) + _hyper_mv(5, 40, 3), ("hypergeometric", (50, 40, 30)) + _hyper_mv(50, 40, 30),
    ("hypergeometric", (10 ** 6, 2 * 10 ** 6, 10 ** 5)) + _hyper_mv(10 ** 6, 2 * 10 ** 6, 10 ** 5),
    ("hypergeometric", (30, 10 ** 5, 9 * 10 ** 4)) + _hyper_mv(30, 10 ** 5, 9 * 10 ** 4),
]


@ours
@statistical
@pytest.mark.parametrize("name,args,mean,var", MOMENTS, ids=[f"{m[0]}{m[1]}" for m in MOMENTS])
def test_moments(name, args, mean, var):
    lnp.random.seed(31337)
    m, v = _moments(getattr(lnp.random, name)(*args, size=N))
    sd = math.sqrt(var)
    assert abs(m - mean) < 6 * sd / math.sqrt(N), (m, mean)
    assert abs(v - var) < 0.06 * var, (v, var)


@statistical
@pytest.mark.parametrize("name,args,mean,var", COMPOSITE_MOMENTS, ids=[f"{m[0]}{m[1]}" for m in COMPOSITE_MOMENTS])
def test_composite_moments(name, args, mean, var):
    for gen in (lnp.random.RandomState(31337), lnp.random.default_rng(31337)):
        m, v = _moments(getattr(gen, name)(*args, size=NC))
        assert abs(m - mean) < 6 * math.sqrt(var / NC), (m, mean)
        assert abs(v - var) < VAR_TOL * var, (v, var)


def _ks(sample, cdf):
    x = np.sort(np.asarray(sample, dtype=np.float64))
    n = x.size
    f = cdf(x)
    i = np.arange(1, n + 1)
    return max((i / n - f).max(), (f - (i - 1) / n).max()) * math.sqrt(n)


KS_CRIT = 1.95  # 0.1% level of the Kolmogorov distribution


@ours
@statistical
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ks_uniform_normal(dtype):
    rng = lnp.random.default_rng(2718)
    assert _ks(rng.random(N, dtype=dtype), lambda x: x) < KS_CRIT
    erf = np.vectorize(math.erf)
    assert _ks(rng.standard_normal(N // 4, dtype=dtype), lambda x: 0.5 * (1 + erf(x / math.sqrt(2)))) < KS_CRIT
    assert _ks(rng.standard_exponential(N, dtype=dtype), lambda x: 1 - np.exp(-x)) < KS_CRIT
    # float32 draws have 24 random bits: no value repeats much
    u = np.asarray(rng.random(N, dtype=dtype))
    assert np.unique(u).size > 0.99 * N


@ours
@statistical
def test_ks_cauchy():
    lnp.random.seed(99)
    assert _ks(lnp.random.standard_cauchy(N), lambda x: 0.5 + np.arctan(x) / math.pi) < KS_CRIT


def _chi2_ok(counts, expected):
    counts = np.asarray(counts, dtype=np.float64)
    k = counts.size
    chi2 = ((counts - expected) ** 2 / expected).sum()
    # Wilson-Hilferty: the 99.9% quantile of chi2 with k-1 degrees of freedom
    d = k - 1
    q = d * (1 - 2 / (9 * d) + 3.09 * math.sqrt(2 / (9 * d))) ** 3
    return chi2 < q


@ours
@statistical
@pytest.mark.parametrize("low,high,dtype", [(0, 10, np.int64), (-50, 50, np.int8), (0, 7, np.uint16),
                                            (10 ** 6, 10 ** 6 + 97, np.int64), (0, 2, bool)])
def test_chi2_integers(low, high, dtype):
    lnp.random.seed(55)
    a = np.asarray(lnp.random.randint(low, high, size=N, dtype=dtype)).astype(np.int64)
    assert a.min() == low and a.max() == high - 1
    counts = np.bincount(a - low, minlength=high - low)
    assert _chi2_ok(counts, N / (high - low))


@ours
@statistical
def test_chi2_large_range_top_bits():
    # a range near 2^63 (Lemire's rejection matters): the top bits are fair
    hi = 3 * 2 ** 61
    rng = lnp.random.default_rng(8)
    a = np.asarray(rng.integers(0, hi, size=N, dtype=np.int64))
    assert (a >= 0).all() and (a < hi).all()
    counts = np.bincount(a // 2 ** 61, minlength=3)
    assert _chi2_ok(counts, N / 3)


@ours
@statistical
def test_chi2_poisson_binomial():
    lnp.random.seed(77)
    for draw, pmf in [(lambda: lnp.random.poisson(2.5, N), lambda k: math.exp(-2.5) * 2.5 ** k / math.factorial(k)),
                      (lambda: lnp.random.binomial(12, 0.35, N),
                       lambda k: math.comb(12, k) * 0.35 ** k * 0.65 ** (12 - k))]:
        a = np.asarray(draw())
        ks = np.arange(0, 9)
        exp = np.array([pmf(k) for k in ks]) * N
        counts = np.array([(a == k).sum() for k in ks])
        assert _chi2_ok(counts, exp)


@ours
@statistical
def test_moments_float32_generator():
    rng = lnp.random.default_rng(4)
    m, v = _moments(rng.standard_gamma(3.0, N, dtype=np.float32))
    assert abs(m - 3.0) < 0.03 and abs(v - 3.0) < 0.1
    m, v = _moments(rng.standard_normal(N, dtype=np.float32))
    assert abs(m) < 0.015 and abs(v - 1) < 0.02


# ---------------------------------------------------------------------------
# permutation, shuffle, choice (random keys stably argsorted, gathers)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 7, 1000, 70001])
def test_permutation_of_an_int(n):
    lnp.random.seed(11)
    p = lnp.random.permutation(n)
    assert p.dtype == np.int64 and p.shape == (n,)
    assert np.array_equal(np.sort(np.asarray(p)), np.arange(n))
    lnp.random.seed(11)
    assert np.array_equal(np.asarray(lnp.random.permutation(n)), np.asarray(p))


def test_permutation_and_shuffle_of_arrays():
    x = np.arange(3000.0).reshape(1000, 3)
    a = lnp.array(x)
    lnp.random.seed(2)
    r = np.asarray(lnp.random.permutation(a))
    assert r.shape == x.shape and not np.array_equal(r, x)
    assert np.array_equal(r[np.argsort(r[:, 0])], x)      # rows kept whole
    g = lnp.random.default_rng(3)
    c = np.asarray(g.permutation(a, axis=1))
    assert np.array_equal(np.sort(c, axis=1), x)
    # shuffle in place, through a view: the other rows untouched
    b = lnp.array(x)
    lnp.random.shuffle(b[::2])
    got = np.asarray(b)
    assert np.array_equal(got[1::2], x[1::2])
    assert np.array_equal(np.sort(got[::2, 0]), x[::2, 0])
    assert np.array_equal(got[::2][np.argsort(got[::2, 0])], x[::2])
    with pytest.raises(TypeError):
        lnp.random.permutation(a, axis=1)      # RandomState has no axis


def test_choice():
    # test mode draws a tenth (3-element tiles): frequencies to 10 sigma
    k = 10 if TEST_MODE else 1
    atol = 0.01 * math.sqrt(k)
    lnp.random.seed(4)
    c = np.asarray(lnp.random.choice(5, 200000 // k))
    assert c.dtype == np.int64 and c.min() == 0 and c.max() == 4
    assert np.allclose(np.bincount(c) / c.size, 0.2, atol=atol)
    w = np.array([0.1, 0.2, 0.3, 0.4, 0.0])
    d = np.asarray(lnp.random.choice(lnp.arange(5) * 10, (400 // k, 500), p=w))
    assert d.shape == (400 // k, 500) and not (d == 40).any()
    assert np.allclose(np.bincount(d.ravel() // 10, minlength=5) / d.size, w, atol=atol)
    u = np.asarray(lnp.random.choice(10 ** 6 // k, 10 ** 5 // k, replace=False))
    assert np.unique(u).size == 10 ** 5 // k and u.max() < 10 ** 6 // k
    g = lnp.random.default_rng(1)
    s = np.asarray(g.choice(1000, 50, replace=False, shuffle=False))
    assert np.unique(s).size == 50 and s.max() < 1000
    assert 0 <= int(lnp.random.choice(7)) < 7


@pytest.mark.parametrize("call, exc", [
    (lambda: lnp.random.choice(5, 6, replace=False), ValueError),
    (lambda: lnp.random.choice(5, 3, p=[0.5, 0.5, 0.5, -0.5, 0.0]), ValueError),
    (lambda: lnp.random.choice(5, 3, p=[0.5, 0.5, 0.5, 0.5, 0.0]), ValueError),
    (lambda: lnp.random.choice(5, 3, p=[0.5, 0.5]), ValueError),
    (lambda: lnp.random.choice(0, 3), ValueError),
    (lambda: lnp.random.default_rng(0).choice(5, 6, replace=False), ValueError),
])
def test_choice_errors(call, exc):
    with pytest.raises(exc):
        call()


@ours
def test_permutation_and_choice_do_not_fall_back(native):
    lnp.random.seed(0)
    n = 1 << 10 if TEST_MODE else 1 << 17  # deferred either way; test mode's tiles are 3 elements
    lnp.random.permutation(n)
    lnp.random.shuffle(lnp.arange(n))
    lnp.random.choice(n, n)
    lnp.random.choice(n, 1000, replace=False)
    lnp.random.choice(lnp.arange(float(n)), n, p=lnp.full(n, 1.0 / n))


# ---------------------------------------------------------------------------
# the multivariate and composite distributions (dirichlet, multinomial,
# multivariate_normal, vonmises, zipf, hypergeometric, noncentral, bytes,
# random_integers, weighted choice without replacement, permuted)
# ---------------------------------------------------------------------------

COV3 = [[2.0, 0.6, 0.2], [0.6, 1.0, -0.3], [0.2, -0.3, 0.5]]
MULTI = [("dirichlet", ([0.5, 2.0, 3.5],), {}), ("multinomial", (30, [0.1, 0.2, 0.3, 0.4]), {}),
         ("multinomial", (30, [1.0]), {}), ("multivariate_normal", ([1.0, -2.0, 0.5], COV3), {})]


@pytest.mark.parametrize("api", ["legacy", "generator"])
@pytest.mark.parametrize("name,args,kw", MULTI, ids=[m[0] + str(len(m[1][-1])) for m in MULTI])
@pytest.mark.parametrize("size", [None, 0, 5, (2, 3), (NBIG,)], ids=str)
def test_multivariate_shapes(api, name, args, kw, size):
    ref = np.random.RandomState(0) if api == "legacy" else np.random.default_rng(0)
    gen = lnp.random if api == "legacy" else lnp.random.default_rng(0)
    e = getattr(ref, name)(*args, size=size, **kw)
    g = getattr(gen, name)(*args, size=size, **kw)
    assert g.shape == e.shape and g.dtype == e.dtype
    assert isinstance(g, lnp.ndarray) or AGAINST_NUMPY


@pytest.mark.parametrize("n,pvals,size", [([5, 6, 7], [0.5, 0.5], None), ([5, 6, 7], [0.5, 0.5], (2, 3)),
                                          (5, [[0.5, 0.5], [0.2, 0.8]], None),
                                          ([[5], [9]], [[0.5, 0.5], [0.2, 0.8]], None),
                                          (np.array([3, 4]), [0.2, 0.3, 0.5], (5, 2))])
def test_generator_multinomial_broadcasts(n, pvals, size):
    e = np.random.default_rng(0).multinomial(n, pvals, size=size)
    g = lnp.random.default_rng(0).multinomial(n, pvals, size=size)
    assert g.shape == e.shape and g.dtype == e.dtype
    nn = np.broadcast_to(np.asarray(n)[..., None], e.shape)
    assert (np.asarray(g).sum(-1) == nn[..., 0]).all()


@pytest.mark.parametrize("name,args", [("vonmises", ([0.0, 1.0], [[0.5], [2.0]])), ("zipf", ([2.0, 3.0],)),
                                       ("noncentral_chisquare", ([0.5, 3.0], [[1.0], [0.0]])),
                                       ("noncentral_f", ([1.0, 2.0], 5.0, [[0.5], [2.0]])),
                                       ("hypergeometric", ([5, 50], [40, 40], [[3], [30]])),
                                       ("gamma", ([0.5, 3.0], [[1.0], [2.0]])), ("standard_gamma", ([0.5, 3.0],)),
                                       ("chisquare", ([0.5, 3.0],)), ("beta", ([0.5, 3.0], [[1.0], [0.1]])),
                                       ("poisson", ([0.5, 30.0],)), ("binomial", ([5, 50], [[0.3], [0.9]]))])
@pytest.mark.parametrize("size", [None, (4, 2, 2)], ids=str)
def test_composite_array_parameters(name, args, size):
    for ref, gen in [(np.random.RandomState(0), lnp.random), (np.random.default_rng(0), lnp.random.default_rng(0))]:
        e = getattr(ref, name)(*args, size=size)
        g = getattr(gen, name)(*args, size=size)
        assert g.shape == e.shape and g.dtype == e.dtype


def _bessel_i(nu, x):
    return sum((x / 2) ** (2 * k + nu) / (math.factorial(k) * math.factorial(k + nu)) for k in range(60))


@statistical
@pytest.mark.parametrize("mu,kappa", [(0.5, 2.0), (-2.5, 8.0), (3.0, 0.5), (1.0, 1e-9), (0.0, 1e7)])
def test_vonmises_circular_moments(mu, kappa):
    lnp.random.seed(8)
    x = np.asarray(lnp.random.vonmises(mu, kappa, size=NC))
    assert (np.abs(x) <= math.pi).all()
    tol = 6 / math.sqrt(NC)
    if kappa > 1e6:  # a wrapped normal of variance 1/kappa
        assert abs(x.var() * kappa - 1) < 6 * math.sqrt(2 / NC)
        return
    for j in (1, 2):  # E cos j(x - mu) = I_j(kappa) / I_0(kappa), E sin j(x - mu) = 0
        assert abs(np.cos(j * (x - mu)).mean() - _bessel_i(j, kappa) / _bessel_i(0, kappa)) < tol
        assert abs(np.sin(j * (x - mu)).mean()) < tol


def test_vonmises_array_kappa():
    kappa = np.array([0.5, 2.0, 8.0, 1e7])
    x = np.asarray(lnp.random.default_rng(4).vonmises([0.0, 1.0, -1.0, 2.0], lnp.array(kappa), size=(NC // 4, 4)))
    c = np.cos(x - np.array([0.0, 1.0, -1.0, 2.0])).mean(0)
    expect = [_bessel_i(1, k) / _bessel_i(0, k) for k in kappa[:3]] + [1.0]
    assert np.allclose(c, expect, atol=12 / math.sqrt(NC))


def _hyper_pmf(good, bad, n, k):
    return math.comb(good, k) * math.comb(bad, n - k) / math.comb(good + bad, n) if 0 <= n - k else 0.0


@statistical
@pytest.mark.parametrize("name,args,pmf", [
    ("zipf", (2.5,), lambda k: k ** -2.5 / _zeta(2.5)),
    ("hypergeometric", (5, 40, 3), lambda k: _hyper_pmf(5, 40, 3, k)),
    ("hypergeometric", (60, 40, 30), lambda k: _hyper_pmf(60, 40, 30, k)),
    ("hypergeometric", (70, 30, 85), lambda k: _hyper_pmf(70, 30, 85, k)),
])
def test_chi2_zipf_hypergeometric(name, args, pmf):
    for gen in (lnp.random.RandomState(21), lnp.random.default_rng(21)):
        a = np.asarray(getattr(gen, name)(*args, size=NC))
        ks = [k for k in range(name == "zipf", 100) if pmf(k) * NC >= 20]
        expected = np.array([pmf(k) for k in ks]) * NC
        counts = np.array([(a == k).sum() for k in ks])
        assert _chi2_ok(counts, expected), (name, args)


@statistical
def test_dirichlet_moments():
    alpha = np.array([0.5, 2.0, 3.5])
    a0 = alpha.sum()
    for gen in (lnp.random.RandomState(6), lnp.random.default_rng(6)):
        x = np.asarray(gen.dirichlet(alpha, size=NC))
        assert np.allclose(x.sum(1), 1) and (x >= 0).all()
        mean, var = alpha / a0, alpha * (a0 - alpha) / (a0 ** 2 * (a0 + 1))
        assert (np.abs(x.mean(0) - mean) < 6 * np.sqrt(var / NC)).all()
        assert (np.abs(x.var(0) - var) < VAR_TOL * var).all()


def test_dirichlet_tiny_alphas():
    # Gamma draws underflow to 0 there (0/0); the log-space draws do not
    x = np.asarray(lnp.random.default_rng(2).dirichlet([1e-3, 1e-3, 1e-3], size=NC))
    assert np.isfinite(x).all() and np.allclose(x.sum(1), 1)
    assert np.allclose((x.argmax(1)[:, None] == np.arange(3)).mean(0), 1 / 3, atol=3 / math.sqrt(NC))


@statistical
@pytest.mark.parametrize("n,pvals", [(30, [0.1, 0.2, 0.3, 0.4]), (10 ** 6, [0.5, 0.3, 0.2]),
                                     (7, [1 / 50] * 50), (20, [0.0, 0.6, 0.0, 0.4])])
def test_multinomial_moments(n, pvals):
    p = np.array(pvals)
    for gen in (lnp.random.RandomState(9), lnp.random.default_rng(9)):
        x = np.asarray(gen.multinomial(n, pvals, size=NC))
        assert (x.sum(1) == n).all() and (x >= 0).all() and not x[:, p == 0].any()
        var = n * p * (1 - p)
        assert (np.abs(x.mean(0) - n * p) <= 6 * np.sqrt(var / NC)).all()
        assert (np.abs(x.var(0) - var) <= VAR_TOL * var).all()


def test_multinomial_array_n_and_pvals():
    x = np.asarray(lnp.random.default_rng(3).multinomial([[10], [1000]], [[0.5, 0.5], [0.1, 0.9]],
                                                         size=(NC // 4, 2, 2)))
    assert (x.sum(-1) == np.array([[10], [1000]])).all()
    n, p = np.array([[10], [1000]]), np.array([0.5, 0.1])
    assert (np.abs(x.mean(0)[..., 0] - n * p) < 6 * np.sqrt(n * p * (1 - p) / (NC // 4))).all()


@statistical
@pytest.mark.parametrize("method", [None, "svd", "eigh", "cholesky"])
def test_multivariate_normal_moments(method):
    mean, cov = np.array([1.0, -2.0, 0.5]), np.array(COV3)
    gen = lnp.random.RandomState(12) if method is None else lnp.random.default_rng(12)
    kw = {} if method is None else {"method": method}
    x = np.asarray(gen.multivariate_normal(mean, cov, size=NC, **kw))
    assert x.shape == (NC, 3)
    assert (np.abs(x.mean(0) - mean) < 6 * np.sqrt(np.diag(cov) / NC)).all()
    assert np.abs(np.cov(x.T) - cov).max() < 8 * math.sqrt(2.5 / NC)


def test_multivariate_normal_warns_on_bad_cov():
    with pytest.warns(RuntimeWarning, match="positive-semidefinite"):
        lnp.random.multivariate_normal([0, 0], [[1, 2], [2, 1]], size=3)


def test_random_integers():
    with pytest.warns(DeprecationWarning):
        a = lnp.random.random_integers(3, 7, size=20000)
    a = np.asarray(a)
    assert a.dtype == np.int64 and a.min() == 3 and a.max() == 7
    with pytest.warns(DeprecationWarning):
        s = lnp.random.random_integers(5)
    with pytest.warns(DeprecationWarning):
        e = np.random.RandomState(0).random_integers(5)
    assert type(s) is type(e) and 1 <= s <= 5
    assert not hasattr(lnp.random.default_rng(0), "random_integers")


def test_bytes():
    for length in (0, 1, 5, 8, 1000, -1, -4, 5.0):
        e = np.random.RandomState(0).bytes(length)
        g = lnp.random.bytes(length)
        assert type(g) is bytes and len(g) == len(e)
        assert len(lnp.random.default_rng(0).bytes(length)) == len(np.random.default_rng(0).bytes(length))
    lnp.random.seed(3)
    a, b = lnp.random.bytes(100), lnp.random.bytes(100)
    lnp.random.seed(3)
    assert lnp.random.bytes(100) == a and a != b and len(set(a)) > 40


def test_choice_weighted_without_replacement():
    # the (first, second) pairs follow successive sampling: p_i p_j / (1 - p_i)
    p = np.array([0.1, 0.2, 0.3, 0.4])
    for gen in (lnp.random.RandomState(13), lnp.random.default_rng(13)):
        reps = 300 if TEST_MODE else 3000
        pairs = np.array([np.asarray(gen.choice(4, 2, replace=False, p=p)) for _ in range(reps)])
        assert (pairs[:, 0] != pairs[:, 1]).all()
        counts = np.bincount(pairs[:, 0] * 4 + pairs[:, 1], minlength=16).reshape(4, 4)
        expect = p[:, None] * p[None, :] / (1 - p[:, None]) * len(pairs)
        off = ~np.eye(4, dtype=bool)
        assert _chi2_ok(counts[off], expect[off])
    # a large population: no repeats, the zero weights never drawn, the
    # heavy ones first
    n = NC // 2
    w = np.arange(n) % 7.0
    s = np.asarray(lnp.random.choice(lnp.arange(n) * 2, n // 2, replace=False, p=lnp.array(w / w.sum())))
    assert np.unique(s).size == n // 2 and (w[s // 2] > 0).all()
    first = np.asarray(lnp.random.default_rng(1).choice(n, n // 10, replace=False, p=w / w.sum()))
    assert (w[first] > 0).all() and w[first].mean() > w[w > 0].mean()


def test_permuted():
    x = np.arange(24.0).reshape(4, 6)
    rng = lnp.random.default_rng(5)
    for axis in (0, 1, -1):
        r = np.asarray(rng.permuted(lnp.array(x), axis=axis))
        assert np.array_equal(np.sort(r, axis=axis), x) and not np.array_equal(r, x)
    r = np.asarray(rng.permuted(x))
    assert r.shape == x.shape and np.array_equal(np.sort(r.ravel()), x.ravel()) and not np.array_equal(r, x)
    a = lnp.array(x)
    out = rng.permuted(a, axis=1, out=a)
    assert out is a and np.array_equal(np.sort(np.asarray(a), axis=1), x)
    x = np.arange(NC // 30 * 300).reshape(NC // 30, 300)
    big = np.asarray(rng.permuted(lnp.array(x), axis=1))
    assert np.array_equal(np.sort(big, axis=1), x) and (big != x).mean() > 0.99


def _new_calls(m, g, n):
    """The new native calls: m the module (legacy API), g a Generator."""
    return [
        lambda: m.vonmises(0.5, 2.0, n), lambda: m.vonmises([0.0, 1.0], [0.5, 1e7], (n, 2)),
        lambda: m.zipf(2.5, n), lambda: m.zipf([2.0, 40.0], (n, 2)),
        lambda: m.noncentral_chisquare(3.0, 2.0, n), lambda: m.noncentral_chisquare(0.5, 2.0, n),
        lambda: m.noncentral_chisquare([0.5, 3.0], [2.0, 40.0], (n, 2)),
        lambda: m.noncentral_f(3.0, 5.0, 2.0, n), lambda: m.hypergeometric(5, 40, 3, n),
        lambda: m.hypergeometric(500, 400, 300, n), lambda: m.hypergeometric([5, 500], [40, 400], [3, 300], (n, 2)),
        lambda: m.dirichlet([0.5, 2.0, 1e-3], n), lambda: m.multinomial(30, [0.2, 0.3, 0.5], n),
        lambda: m.multinomial(3000, [0.2, 0.3, 0.5], n),
        lambda: m.multivariate_normal([1.0, 2.0], [[1, 0.5], [0.5, 2]], n),
        lambda: m.choice(n, n // 2, replace=False, p=np.full(n, 1.0 / n)),
        lambda: g.vonmises(0.5, 2.0, n), lambda: g.zipf(2.5, n), lambda: g.noncentral_f(3.0, 5.0, 2.0, n),
        lambda: g.hypergeometric(500, 400, 300, n), lambda: g.dirichlet([0.5, 2.0], n),
        lambda: g.multinomial([30, 3000], [0.2, 0.3, 0.5], (n, 2)),
        lambda: g.multinomial(30, [[0.2, 0.8], [0.5, 0.5]]),
        lambda: g.multivariate_normal([1.0, 2.0], [[1, 0.5], [0.5, 2]], n, method="cholesky"),
        lambda: g.choice(n, 3, replace=False, p=np.full(n, 1.0 / n)),
        lambda: g.permuted(np.arange(2 * n).reshape(2, n), axis=1), lambda: g.permuted(np.arange(n)),
    ]


@ours
@pytest.mark.parametrize("n", [5, NBIG], ids=["eager", "deferred"])
def test_new_calls_do_not_fall_back(native, n):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for call in _new_calls(lnp.random, lnp.random.default_rng(1), n):
            call()
        lnp.random.bytes(n)
        lnp.random.default_rng(1).bytes(n)
        warnings.simplefilter("ignore", DeprecationWarning)
        lnp.random.random_integers(1, 6, n)


@pytest.mark.parametrize("n", [5, NBIG], ids=["eager", "deferred"])
def test_new_calls_same_seed_same_values(n):
    def run():
        lnp.random.seed(17)
        return [np.asarray(c()) for c in _new_calls(lnp.random, lnp.random.default_rng(17), n)]
    a, b = run(), run()
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
    lnp.random.seed(17)
    a = np.asarray(lnp.random.vonmises(0.5, 2.0, n))
    assert not np.array_equal(a, np.asarray(lnp.random.vonmises(0.5, 2.0, n)))


def _stat_calls(m, g, n):
    """Every draw of the statistical tests, n values each: those tests run
    with default tiles only, this list in every mode."""
    calls = [lambda name=name, args=args: getattr(m, name)(*args, size=n) for name, args, _, _ in MOMENTS]
    calls += [lambda name=name, args=args, gen=gen: getattr(gen, name)(*args, size=n)
              for name, args, _, _ in COMPOSITE_MOMENTS for gen in (m, g)]
    calls += [lambda name=name, params=params, gen=gen:
              getattr(gen, name)(*[np.full(n, p, dtype=np.int64 if isinstance(p, int) else np.float64)
                                   for p in params]) for name, params, _, _ in ARRAY_PARAM_MOMENTS for gen in (m, g)]
    for dt in (np.float64, np.float32):
        calls += [lambda dt=dt: g.random(n, dtype=dt), lambda dt=dt: g.standard_normal(n, dtype=dt),
                  lambda dt=dt: g.standard_exponential(n, dtype=dt)]
    calls += [lambda: g.standard_gamma(3.0, n, dtype=np.float32), lambda: m.standard_cauchy(n),
              lambda: g.integers(0, 3 * 2 ** 61, size=n, dtype=np.int64),
              lambda: m.poisson(2.5, n), lambda: m.binomial(12, 0.35, n)]
    calls += [lambda lo=lo, hi=hi, dt=dt: m.randint(lo, hi, size=n, dtype=dt)
              for lo, hi, dt in [(0, 10, np.int64), (-50, 50, np.int8), (0, 7, np.uint16),
                                 (10 ** 6, 10 ** 6 + 97, np.int64), (0, 2, bool)]]
    calls += [lambda mu=mu, kappa=kappa: m.vonmises(mu, kappa, size=n)
              for mu, kappa in [(0.5, 2.0), (-2.5, 8.0), (3.0, 0.5), (1.0, 1e-9), (0.0, 1e7)]]
    calls += [lambda gen=gen, name=name, args=args: getattr(gen, name)(*args, size=n) for gen in (m, g)
              for name, args in [("zipf", (2.5,)), ("hypergeometric", (60, 40, 30)),
                                 ("hypergeometric", (70, 30, 85)), ("dirichlet", ([0.5, 2.0, 3.5],))]]
    calls += [lambda gen=gen, k=k, p=p: gen.multinomial(k, p, size=n) for gen in (m, g)
              for k, p in [(30, [0.1, 0.2, 0.3, 0.4]), (10 ** 6, [0.5, 0.3, 0.2]), (7, [1 / 50] * 50),
                           (20, [0.0, 0.6, 0.0, 0.4])]]
    calls += [lambda method=method: (m.multivariate_normal([1.0, -2.0, 0.5], COV3, size=n) if method is None else
                                     g.multivariate_normal([1.0, -2.0, 0.5], COV3, size=n, method=method))
              for method in (None, "svd", "eigh", "cholesky")]
    return calls


NEW_MODES_PROGRAM = r"""
import sys
import numpy as onp
import legate.numpy as np
sys.path.insert(0, sys.argv[2])
from test_random import _new_calls, _stat_calls
arrays = []
for n in (7, 300):
    np.random.seed(99)
    arrays += [onp.asarray(c()) for c in _new_calls(np.random, np.random.default_rng(99), n)]
    np.random.seed(98)
    arrays += [onp.asarray(c()) for c in _stat_calls(np.random, np.random.default_rng(98), n)]
onp.savez(sys.argv[1], *arrays)
"""


@ours
@pytest.mark.skipif(NRANKS > 1, reason="runs its own processes")
@subprocess_modes
def test_new_calls_same_in_every_mode(tmp_path):
    # rejection loops keep the same pending elements whatever the tiling:
    # the same values; floats to round-off (small arrays are NumPy's, whose
    # libm differs from the kernels' by an ulp; a sum near 0 makes that
    # absolute: atol)
    envs = [subprocess_env(LEGATE_NUMPY_TEST="0", LEGATE_NUMPY_EAGER_MAX="65536"),
            subprocess_env(LEGATE_NUMPY_TEST="1"),
            subprocess_env(LEGATE_NUMPY_TEST="0", LEGATE_NUMPY_EAGER_MAX="0")]
    paths = []
    for i, env in enumerate(envs):
        paths.append(str(tmp_path / ("new%d.npz" % i)))
        r = subprocess.run([sys.executable, "-c", NEW_MODES_PROGRAM, paths[-1], os.path.dirname(__file__)],
                           env=env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    for p in paths[1:]:
        _same_arrays(paths[0], p, atol=1e-12)


# kernel distributions given array parameters (_random._ARRAY_DISTS):
# (name, parameter arrays as constant values, mean, variance)
ARRAY_PARAM_MOMENTS = [
    ("gamma", (2.5, 2.0), 5.0, 10.0), ("gamma", (0.3, 1.5), 0.45, 0.675),
    ("standard_gamma", (0.5,), 0.5, 0.5), ("chisquare", (3.0,), 3.0, 6.0),
    ("beta", (2.5, 0.5), 2.5 / 3, 2.5 * 0.5 / (9 * 4.0)), ("beta", (0.2, 0.3), 0.4, 0.06 / (0.25 * 1.5)),
    ("poisson", (3.5,), 3.5, 3.5), ("poisson", (40.0,), 40.0, 40.0),
    ("binomial", (20, 0.3), 6.0, 4.2), ("binomial", (500, 0.7), 350.0, 105.0),
    ("f", (5.0, 10.0), 1.25, 2600 / 1920), ("wald", (1.0, 2.0), 1.0, 0.5), ("pareto", (6.0,), 0.2, 0.06),
    ("weibull", (2.0,), 0.886226925452758, 1 - math.pi / 4), ("power", (4.0,), 0.8, 4 / 150),
    ("triangular", (-1.0, 0.0, 3.0), 2 / 3, 13 / 18), ("standard_t", (10.0,), 0.0, 1.25),
    ("geometric", (0.3,), 1 / 0.3, 0.7 / 0.09), ("negative_binomial", (5.5, 0.5), 5.5, 11.0),
    ("logseries", (0.6,), -0.6 / (0.4 * math.log(0.4)),
     -0.6 * (0.6 + math.log(0.4)) / (0.16 * math.log(0.4) ** 2)),
]
_INT_DISTS = ("poisson", "binomial", "geometric", "negative_binomial", "logseries")


@ours
@statistical
@pytest.mark.parametrize("name,params,mean,var", ARRAY_PARAM_MOMENTS)
def test_array_parameter_moments(name, params, mean, var, native):
    """Array parameters of kernel distributions: native samplers (no
    fallback), NumPy's dtype, the distribution's moments."""
    for gen in (lnp.random.RandomState(77), lnp.random.default_rng(77)):
        arrs = [lnp.full(NC, p, dtype=np.int64 if isinstance(p, int) else np.float64) for p in params]
        x = getattr(gen, name)(*arrs)
        assert x.shape == (NC,) and x.dtype == (np.int64 if name in _INT_DISTS else np.float64)
        m, v = _moments(x)
        assert abs(m - mean) < 6 * math.sqrt(var / NC), (m, mean)
        assert abs(v - var) < VAR_TOL * var, (v, var)


@pytest.mark.parametrize("call", [
    lambda g: g.gamma(np.array([-1.0])), lambda g: g.gamma(np.array([1.0]), np.array([-2.0])),
    lambda g: g.standard_gamma(np.array([-1.0])), lambda g: g.chisquare(np.array([0.0])),
    lambda g: g.beta(np.array([0.0]), 1.0), lambda g: g.beta(1.0, np.array([-1.0])),
    lambda g: g.poisson(np.array([-1.0])), lambda g: g.poisson(np.array([np.nan])),
    lambda g: g.poisson(np.array([1e19])), lambda g: g.binomial(np.array([-1]), 0.5),
    lambda g: g.binomial(np.array([3.0]), 0.5), lambda g: g.binomial(np.array([3]), np.array([1.5])),
    lambda g: g.gamma(np.ones(3), size=(2,)),
    lambda g: g.f(np.array([0.0]), 1.0), lambda g: g.f(1.0, np.array([-1.0])), lambda g: g.wald(1.0, np.array([0.0])),
    lambda g: g.pareto(np.array([0.0])), lambda g: g.pareto(np.array([-0.0])), lambda g: g.weibull(np.array([-1.0])),
    lambda g: g.weibull(np.array([-0.0])), lambda g: g.power(np.array([0.0])),
    lambda g: g.triangular(np.array([2.0]), 1.0, 3.0), lambda g: g.triangular(0.0, np.array([4.0]), 3.0),
    lambda g: g.triangular(np.array([1.0]), 1.0, 1.0), lambda g: g.standard_t(np.array([0.0])),
    lambda g: g.geometric(np.array([0.0])), lambda g: g.geometric(np.array([np.nan])),
    lambda g: g.negative_binomial(np.array([0.0]), 0.5), lambda g: g.negative_binomial(1.0, np.array([1.5])),
    lambda g: g.logseries(np.array([1.0])), lambda g: g.logseries(np.array([np.nan]))])
def test_array_parameter_errors(call):
    for ref, gen in [(np.random.RandomState(0), lnp.random.RandomState(0)),
                     (np.random.default_rng(0), lnp.random.default_rng(0))]:
        with pytest.raises(Exception) as e:
            call(ref)
        with pytest.raises(e.type, match=str(e.value).split(" ")[0]):
            call(gen)


def test_shuffle_host_sequences(native):
    """A list or a NumPy array is shuffled in place on the host by a native
    permutation (no fallback); the same seed, the same order."""
    for make in (lambda: list(range(50)), lambda: np.arange(150).reshape(50, 3)):
        lnp.random.seed(5)
        x = make()
        lnp.random.shuffle(x)
        lnp.random.seed(5)
        y = make()
        lnp.random.shuffle(y)
        assert np.array_equal(np.asarray(x), np.asarray(y))
        assert sorted(np.asarray(x).reshape(50, -1)[:, 0].tolist()) == sorted(np.asarray(make()).reshape(50, -1)[:, 0].tolist())
    z = np.arange(12).reshape(3, 4)
    lnp.random.default_rng(1).shuffle(z, axis=1)
    assert (np.sort(z, axis=1) == np.arange(12).reshape(3, 4)).all()  # columns moved whole
    assert (z - z[:, :1] == (z[0] - z[0, 0])[None]).all()


@pytest.mark.parametrize("args,kw", [((np.arange(6).reshape(2, 3), 4), {}), ((np.arange(6).reshape(2, 3),), {}),
                                     ((np.arange(6).reshape(2, 3), (2, 2)), {"axis": 1}),
                                     ((np.arange(12).reshape(3, 4), 2), {"replace": False, "axis": 1}),
                                     ((np.arange(6), 2), {"axis": 1})])
def test_choice_nd_population(args, kw):
    """Generator.choice of an N-D population: whole slices along axis, NumPy's
    shapes and errors; RandomState.choice refuses it as NumPy's."""
    try:
        want = np.random.default_rng(0).choice(*args, **kw)
    except Exception as e:
        with pytest.raises(type(e)):
            lnp.random.default_rng(0).choice(*args, **kw)
        return
    got = lnp.random.default_rng(0).choice(*[deferred(x) if isinstance(x, np.ndarray) else x for x in args], **kw)
    assert np.shape(got) == np.shape(want) and np.asarray(got).dtype == want.dtype
    with pytest.raises(ValueError):
        lnp.random.RandomState(0).choice(np.ones((3, 3)), 2)
