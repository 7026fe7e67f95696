"""The ufuncs beyond the basic families (issue 19: op_table.h's umath unit)
on deferred arrays against NumPy: every dtype NumPy accepts (NumPy's
exception class for the others), special values (zeros of both signs,
infinities, NaN, subnormals, the largest values), NumPy's floating-point
warnings, the two-output ufuncs (divmod, modf, frexp) with and without
out=, and no fallback."""

import warnings

import numpy as np
import pytest

from conftest import (
    AGAINST_NUMPY,
    check,
    deferred,
    legate_only,
    lnp,
    param_dtypes,
    quiet,
    values,
)

SHAPE = (5, 7)
# Under MPI a rank warns for the tasks it ran (test_fp_errors.py)
NRANKS = 1 if AGAINST_NUMPY else lnp._core.config()["nranks"]


def _same_warnings(got, want):
    if NRANKS > 1:
        assert set(got) <= set(want)
    else:
        assert got == want

UNARY = ["arcsinh", "arccosh", "arctanh", "expm1", "log1p", "cbrt", "fabs", "deg2rad",
         "radians", "rad2deg", "degrees", "spacing"]
BINARY = ["logaddexp2", "copysign", "nextafter", "float_power", "heaviside", "fmod",
          "gcd", "lcm"]
APPROX = {"arcsinh", "arccosh", "arctanh", "expm1", "log1p", "cbrt", "logaddexp2",
          "float_power"}
PAIRS = ["divmod", "modf", "frexp"]


def _kind(name):
    return {"arccosh": "positive", "arctanh": "unit", "log1p": "positive"}.get(name, "default")


def _run(fn, *args):
    """fn(np, *args) and fn(lnp, *deferred args): NumPy's result or its
    exception class, and the warnings each gave."""
    def call(m, xs):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            try:
                r = fn(m, *xs)
            except Exception as e:  # noqa: BLE001
                r = e
            if not isinstance(r, Exception):
                r = tuple(np.asarray(x) for x in r) if isinstance(r, tuple) else r
                _ = np.asarray(r[0] if isinstance(r, tuple) else r)  # synchronise (reports FP status)
        return r, sorted({str(w.message) for w in rec if issubclass(w.category, RuntimeWarning)})
    want, wwarn = call(np, args)
    got, gwarn = call(lnp, [deferred(x) if isinstance(x, np.ndarray) else x for x in args])
    return want, wwarn, got, gwarn


def _compare(want, got, approx):
    if isinstance(want, Exception):
        assert isinstance(got, Exception), f"NumPy raised {type(want).__name__}, we returned"
        assert issubclass(type(got), type(want)) or type(got).__name__ == type(want).__name__, (
            f"{type(got).__name__}: {got} (NumPy {type(want).__name__})")
        return
    assert not isinstance(got, Exception), f"we raised {type(got).__name__}: {got}"
    for w, g in zip(want if isinstance(want, tuple) else (want,), got if isinstance(got, tuple) else (got,)):
        g = np.asarray(g)
        assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, g.shape, w.dtype, w.shape)
        if approx and w.dtype.kind in "fc":
            tol = {2: 2e-3, 4: 2e-6, 8: 1e-13, 16: 1e-13}[w.dtype.itemsize if w.dtype.kind == "f"
                                                         else w.dtype.itemsize // 2]
            np.testing.assert_allclose(g, w, rtol=tol, atol=tol, equal_nan=True)
        else:
            np.testing.assert_array_equal(g, w)
            if w.dtype.kind == "f":  # zeros' signs too
                assert np.array_equal(np.signbit(g), np.signbit(w))


@pytest.mark.parametrize("dtype", param_dtypes())
@pytest.mark.parametrize("name", UNARY)
def test_unary(name, dtype):
    a = values(dtype, SHAPE, _kind(name))
    want, _, got, _ = _run(lambda m, x: getattr(m, name)(x), a)
    _compare(want, got, name in APPROX)


@pytest.mark.parametrize("dtype", param_dtypes())
@pytest.mark.parametrize("name", BINARY)
def test_binary(name, dtype):
    a = values(dtype, SHAPE, "default", seed=0)
    b = values(dtype, SHAPE, "nonzero" if name == "fmod" else "default", seed=1)
    want, _, got, _ = _run(lambda m, x, y: getattr(m, name)(x, y), a, b)
    _compare(want, got, name in APPROX)


def test_ldexp_and_mixed_operands():
    for dt in (np.float16, np.float32, np.float64):
        x = values(dt, SHAPE, "default")
        for edt in (np.int32, np.int64):
            e = (np.arange(35).reshape(SHAPE) % 23 - 11).astype(edt)
            want, _, got, _ = _run(lambda m, p, q: m.ldexp(p, q), x, e)
            _compare(want, got, False)
    want, _, got, _ = _run(lambda m, p, q: m.ldexp(p, q), values(np.float64, SHAPE), values(np.float64, SHAPE))
    _compare(want, got, False)  # NumPy: TypeError (a float exponent)
    want, _, got, _ = _run(lambda m, p, q: m.copysign(p, q), values(np.int16, SHAPE), values(np.float32, SHAPE))
    _compare(want, got, False)
    want, _, got, _ = _run(lambda m, p: m.gcd(p, 12), values(np.int64, SHAPE))
    _compare(want, got, False)


SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 2.0, 1e-310, -1e-310, 5e-324,
                    np.finfo(np.float64).max, -np.finfo(np.float64).max, 1000.0, -1000.0,
                    np.inf, -np.inf, np.nan, 3.0, -7.25, 1e300, 1e-300])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", UNARY + PAIRS[1:])
def test_special_values_and_warnings(name, dtype):
    with np.errstate(all="ignore"):
        a = SPECIAL.astype(dtype)
    want, wwarn, got, gwarn = _run(lambda m, x: getattr(m, name)(x), a)
    _compare(want, got, name in APPROX)
    _same_warnings(gwarn, wwarn)


@pytest.mark.parametrize("name", BINARY + ["ldexp", "divmod"])
def test_binary_special_values_and_warnings(name):
    a = np.repeat(SPECIAL, len(SPECIAL))
    b = np.tile(SPECIAL, len(SPECIAL))
    if name in ("gcd", "lcm"):
        mn = np.iinfo(np.int64).min  # |MIN| is 2^63 in NumPy's unsigned gcd: gcd(6, MIN) = 2
        a = np.array([-12, 0, 18, -7, mn, 5, 0, 100, 6, 6, mn, mn, mn + 2])
        b = np.array([18, 0, -12, 0, 0, 25, 9, 75, -4, mn, 6, mn, 6])
    elif name == "ldexp":
        b = (np.arange(a.size) % 41 - 20).astype(np.int64) * 60
    elif name == "fmod":
        for ints in ([7, -7, 0, -128, 5], [0, 3, -3, -1, -2]):
            want, wwarn, got, gwarn = _run(lambda m, x, y: m.fmod(x, y), np.array([7, -7, 0, -128, 5], np.int8),
                                           np.array(ints, np.int8))
            _compare(want, got, False)
            _same_warnings(gwarn, wwarn)
    want, wwarn, got, gwarn = _run(lambda m, x, y: getattr(m, name)(x, y), a, b)
    _compare(want, got, name in APPROX)
    _same_warnings(gwarn, wwarn)


@pytest.mark.parametrize("dtype", param_dtypes())
@pytest.mark.parametrize("name", PAIRS)
def test_two_output_ufuncs(name, dtype):
    a = values(dtype, SHAPE, "default", seed=0)
    args = (a, values(dtype, SHAPE, "nonzero", seed=1)) if name == "divmod" else (a,)
    want, _, got, _ = _run(lambda m, *xs: getattr(m, name)(*xs), *args)
    _compare(want, got, False)


@pytest.mark.parametrize("name", PAIRS)
def test_two_output_ufuncs_out(name):
    a = values(np.float64, SHAPE, "default")
    args = (a, np.full(SHAPE, 0.75)) if name == "divmod" else (a,)
    exp = getattr(np, name)(*args)
    la = [deferred(x) for x in args]
    o1, o2 = deferred(np.zeros(SHAPE)), deferred(np.zeros(SHAPE, exp[1].dtype))
    r = getattr(lnp, name)(*la, out=(o1, o2))
    assert r[0] is o1 and r[1] is o2
    check(o1, exp[0])
    check(o2, exp[1])
    o3 = deferred(np.zeros(SHAPE))
    r = getattr(lnp, name)(*la, out=(None, o3) if name != "frexp" else (o3, None))
    check(r[0], exp[0])
    check(r[1], exp[1])


@pytest.mark.parametrize("name", ["gcd", "logaddexp2"])
def test_reduce(name):
    a = values(np.int64 if name == "gcd" else np.float64, (6, 9), "default")
    if name == "gcd":
        a = a * 6
    check(getattr(lnp, name).reduce(deferred(a), axis=1), getattr(np, name).reduce(a, axis=1),
          approx=name == "logaddexp2")


@legate_only
def test_native_no_fallback():
    a = deferred(values(np.float64, SHAPE, "positive"))
    i = deferred(values(np.int32, SHAPE, "nonzero"))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.filterwarnings("error", message=".*natively", category=RuntimeWarning)
        for name in UNARY:
            getattr(lnp, name)(a)
        for name in BINARY:
            getattr(lnp, name)(i if name in ("gcd", "lcm") else a, i if name in ("gcd", "lcm") else a)
        lnp.ldexp(a, i), lnp.divmod(a, a), lnp.modf(a), lnp.frexp(a), lnp.fmod(i, i)
        float(a.sum())
    from legate.numpy import coverage
    rows = dict(coverage.report()["numpy"])
    assert all(rows[n] for n in UNARY + BINARY + PAIRS + ["ldexp"])


def test_errstate_raise():
    a = SPECIAL.copy()
    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            np.log1p(-np.ones(3))
        with pytest.raises(FloatingPointError):
            lnp.log1p(deferred(-np.ones(40)))
    with quiet():
        check(lnp.arctanh(deferred(a / 2e308)), np.arctanh(a / 2e308), approx=True)


@pytest.mark.parametrize("name", PAIRS)
def test_two_output_ufuncs_out_aliases_input(name):
    """An output that is an input is written after both results exist."""
    x = values(np.float64, SHAPE, "default")
    args = (x, np.full(SHAPE, 0.75)) if name == "divmod" else (x,)
    exp = getattr(np, name)(*args)
    la = [deferred(a) for a in args]
    if name == "frexp":
        r = lnp.frexp(la[0], la[0])
    else:
        r = getattr(lnp, name)(*la, la[0])
    assert r[0] is la[0]
    check(r[0], exp[0])
    check(r[1], exp[1])


# float16's own boundaries: zeros, the smallest subnormal and normal, powers
# of two (spacing below them differs), the largest finite value
HALF_SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 65504.0, -65504.0,
                         65472.0, 2.0 ** -24, -(2.0 ** -24), 2.0 ** -14, -(2.0 ** -14), 2.0 ** -13,
                         -(2.0 ** -13), 3 * 2.0 ** -20, np.inf, -np.inf, np.nan, 1000.0, -7.25],
                        dtype=np.float16)


def test_float16_spacing_and_nextafter():
    """NumPy's float16 loops (npy_half_spacing, npy_half_nextafter), natively:
    spacing is positive for negative values and raises invalid at inf and
    NaN and overflow at 65504 only; nextafter moves one half ulp (never
    the float32 one), keeps -0.0 towards +0.0 and overflows past 65504;
    values bit for bit (zeros' signs too) and warnings as NumPy's."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*natively", category=RuntimeWarning)
        want, wwarn, got, gwarn = _run(lambda m, x: m.spacing(x), HALF_SPECIAL)
        _compare(want, got, False)
        _same_warnings(gwarn, wwarn)
        a = np.repeat(HALF_SPECIAL, HALF_SPECIAL.size)
        b = np.tile(HALF_SPECIAL, HALF_SPECIAL.size)
        want, wwarn, got, gwarn = _run(lambda m, x, y: m.nextafter(x, y), a, b)
        _compare(want, got, False)
        _same_warnings(gwarn, wwarn)
        # every finite half towards both infinities: the whole ladder
        ladder = np.arange(0, 0x7c00, dtype=np.uint16).view(np.float16)
        for towards in (np.inf, -np.inf):
            for x in (ladder, -ladder):
                want, wwarn, got, gwarn = _run(lambda m, p, q: m.nextafter(p, q), x,
                                               np.full(x.shape, towards, np.float16))
                _compare(want, got, False)
                _same_warnings(gwarn, wwarn)
        want, _, got, _ = _run(lambda m, x: m.spacing(x), np.concatenate([ladder, -ladder]))
        _compare(want, got, False)
