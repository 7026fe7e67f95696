"""NumPy's floating-point errors on deferred arrays (issue 17): divide by
zero, overflow, underflow and invalid give the same RuntimeWarnings as NumPy,
np.errstate's 'raise', 'call', 'log' and 'ignore' are honoured, integer
division by zero warns, casts warn, and the ops whose NumPy loops clear the
status (comparisons, maximum, sign, ...) stay silent.

Deferred tasks report their status when Python next synchronises, so each
case reads its whole result back inside the recording block; NumPy's own
messages are the expected ones, case by case."""

import os
import warnings

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, lnp

N = 70 if os.environ.get("LEGATE_NUMPY_TEST") == "1" else 70000

# Under MPI a rank warns for the tasks it ran (the combine step of a
# reduction runs on one rank); 'raise', 'call' and 'log' use every rank's.
NRANKS = 1 if AGAINST_NUMPY else lnp._core.config()["nranks"]



def _events(m, fn, arrays, errstate):
    """Run fn(m, *arrays) under errstate, read the result back; return
    (sorted warning messages, exception class and message or None)."""
    args = [m.array(a) for a in arrays]
    if m is not np:
        # status an earlier test left unread (it reports at the next
        # synchronisation) is not this call's
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.synchronize()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        exc = None
        try:
            with m.errstate(**errstate):
                r = fn(m, *args)
            if isinstance(r, tuple):
                [np.asarray(x) for x in r]
            else:
                np.asarray(r)
        except FloatingPointError as e:
            exc = (type(e), str(e))
    msgs = sorted({str(w.message) for w in rec if issubclass(w.category, RuntimeWarning)
                   and "not implemented natively" not in str(w.message)})
    return msgs, exc


def same_events(fn, *arrays, **errstate):
    expected = _events(np, fn, arrays, errstate)
    got = _events(lnp, fn, arrays, errstate)
    if NRANKS > 1 and not any(v in ("raise", "call", "log") for v in errstate.values()):
        assert set(got[0]) <= set(expected[0]) and got[1] == expected[1]
    else:
        assert got == expected
    return expected


def full(v, dt=np.float64):
    return np.full(N, v, dtype=dt)


WARNING_CASES = [
    ("divide by zero", lambda m, a, b: a / b, full(1.0), full(0.0)),
    ("0/0", lambda m, a, b: a / b, full(0.0), full(0.0)),
    ("overflow multiply", lambda m, a, b: a * b, full(1e300), full(1e300)),
    ("overflow add float32", lambda m, a, b: a + b, full(3e38, np.float32), full(3e38, np.float32)),
    ("inf - inf", lambda m, a, b: a - b, full(np.inf), full(np.inf)),
    ("sqrt(-1)", lambda m, a: m.sqrt(a), full(-1.0)),
    ("log(0)", lambda m, a: m.log(a), full(0.0)),
    ("log(-1)", lambda m, a: m.log10(a), full(-1.0)),
    ("log2(0)", lambda m, a: m.log2(a), full(0.0)),
    ("exp overflow", lambda m, a: m.exp(a), full(1000.0)),
    ("exp2 overflow", lambda m, a: m.exp2(a), full(5000.0)),
    ("arcsin(2)", lambda m, a: m.arcsin(a), full(2.0)),
    ("arccos(2)", lambda m, a: m.arccos(a), full(2.0)),
    ("cosh overflow", lambda m, a: m.cosh(a), full(1000.0)),
    ("sinh overflow", lambda m, a: m.sinh(a), full(1000.0)),
    ("sin(inf)", lambda m, a: m.sin(a), full(np.inf)),
    ("cos(inf)", lambda m, a: m.cos(a), full(np.inf)),
    ("tan(inf)", lambda m, a: m.tan(a), full(np.inf)),
    ("square overflow", lambda m, a: m.square(a), full(1e200)),
    ("reciprocal(0.)", lambda m, a: m.reciprocal(a), full(0.0)),
    ("power overflow", lambda m, a, b: a ** b, full(10.0), full(400.0)),
    ("power 0**-1", lambda m, a, b: m.power(a, b), full(0.0), full(-1.0)),
    ("float floor_divide by 0", lambda m, a, b: a // b, full(1.0), full(0.0)),
    ("float remainder by 0", lambda m, a, b: a % b, full(1.0), full(0.0)),
    ("logaddexp(inf, -inf)?", lambda m, a, b: m.logaddexp(a, b), full(np.inf), full(np.inf)),
    ("int floor_divide by 0", lambda m, a, b: a // b, full(7, np.int64), full(0, np.int64)),
    ("int remainder by 0", lambda m, a, b: a % b, full(7, np.int32), full(0, np.int32)),
    ("uint floor_divide by 0", lambda m, a, b: m.floor_divide(a, b), full(7, np.uint16), full(0, np.uint16)),
    ("int8 MIN // -1", lambda m, a, b: a // b, full(-128, np.int8), full(-1, np.int8)),
    ("in-place divide", lambda m, a, b: m.divide(a, b, out=a), full(1.0), full(0.0)),
    ("cast nan to int", lambda m, a: a.astype(np.int64), full(np.nan)),
    ("cast overflow to float32", lambda m, a: a.astype(np.float32), full(1e300)),
    ("sum overflow", lambda m, a: a.sum(), full(1e308)),
    ("sum inf - inf", lambda m, a: m.add.reduce(m.concatenate([a, -a])), full(np.inf)),
    ("prod overflow", lambda m, a: m.prod(a), full(1e10)),
    ("mean overflow", lambda m, a: a.mean(), full(1e308)),
    ("sum axis overflow", lambda m, a: a.reshape(-1, 2).sum(axis=0), full(1e308)),
]


@pytest.mark.parametrize("name, fn, arrays", [(c[0], c[1], c[2:]) for c in WARNING_CASES],
                         ids=[c[0] for c in WARNING_CASES])
def test_warnings_like_numpy(name, fn, arrays):
    msgs, exc = same_events(fn, *arrays)
    if "?" not in name:
        assert msgs, "the case must warn in NumPy too (a test that cannot fail)"


SILENT_CASES = [
    ("less with NaN", lambda m, a, b: a < b, full(np.nan), full(1.0)),
    ("greater_equal with NaN", lambda m, a, b: a >= b, full(np.nan), full(1.0)),
    ("equal with NaN", lambda m, a, b: a == b, full(np.nan), full(np.nan)),
    ("maximum with NaN", lambda m, a, b: m.maximum(a, b), full(np.nan), full(1.0)),
    ("minimum with NaN", lambda m, a, b: m.minimum(a, b), full(1.0), full(np.nan)),
    ("fmax with NaN", lambda m, a, b: m.fmax(a, b), full(np.nan), full(1.0)),
    ("max of NaN", lambda m, a: a.max(), full(np.nan)),
    ("argmax of NaN", lambda m, a: m.argmax(a), full(np.nan)),
    ("sign(nan)", lambda m, a: m.sign(a), full(np.nan)),
    ("floor(nan)", lambda m, a: m.floor(a), full(np.nan)),
    ("absolute(nan)", lambda m, a: m.absolute(a), full(np.nan)),
    ("isnan", lambda m, a: m.isnan(a), full(np.inf)),
    ("hypot overflow", lambda m, a, b: m.hypot(a, b), full(1e308), full(1e308)),
    ("arctan2(0, 0)", lambda m, a, b: m.arctan2(a, b), full(0.0), full(0.0)),
    ("nan + 1", lambda m, a, b: a + b, full(np.nan), full(1.0)),
    ("where with NaN", lambda m, a, b: m.where(a > 0, a, b), full(np.nan), full(1.0)),
    ("int divide (true)", lambda m, a, b: a / b, full(6, np.int64), full(3, np.int64)),
    ("underflow ignored by default", lambda m, a, b: a * b, full(1e-300), full(1e-300)),
]


@pytest.mark.parametrize("name, fn, arrays", [(c[0], c[1], c[2:]) for c in SILENT_CASES],
                         ids=[c[0] for c in SILENT_CASES])
def test_silent_like_numpy(name, fn, arrays):
    msgs, exc = same_events(fn, *arrays)
    assert not msgs and exc is None


def test_ignore_holds_after_the_block():
    # the status arrives when the result is read, after the errstate block:
    # the call's errstate decides
    a = lnp.array(full(1.0))
    b = lnp.array(full(0.0))
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        with lnp.errstate(divide="ignore"):
            c = a / b
        d = a / b
        np.asarray(c)
        np.asarray(d)
    msgs = [str(w.message) for w in rec if issubclass(w.category, RuntimeWarning)]
    assert msgs == ["divide by zero encountered in divide"]


@pytest.mark.parametrize("name, fn, arrays, kw", [
    ("divide", lambda m, a, b: a / b, (full(1.0), full(0.0)), dict(divide="raise")),
    ("all raise", lambda m, a: m.sqrt(a), (full(-1.0),), dict(all="raise")),
    ("over raise", lambda m, a, b: a * b, (full(1e300), full(1e300)), dict(over="raise")),
    ("int division", lambda m, a, b: a // b, (full(3, np.int64), full(0, np.int64)), dict(all="raise")),
    ("reduce", lambda m, a: a.sum(), (full(1e308),), dict(over="raise")),
    ("cast", lambda m, a: a.astype(np.int32), (full(np.nan),), dict(invalid="raise")),
    ("under raise", lambda m, a, b: a * b, (full(1e-300), full(1e-300)), dict(under="raise")),
    ("under warn", lambda m, a, b: a * b, (full(1e-300), full(1e-300)), dict(under="warn")),
    ("raise other kind", lambda m, a, b: a / b, (full(1.0), full(0.0)), dict(over="raise")),
    ("ignore all", lambda m, a, b: a / b, (full(0.0), full(0.0)), dict(all="ignore")),
])
def test_errstate_modes(name, fn, arrays, kw):
    msgs, exc = same_events(fn, *arrays, **kw)
    if any(v == "raise" for v in kw.values()) and name != "raise other kind":
        assert exc is not None and exc[0] is FloatingPointError


def test_raise_is_immediate():
    # FloatingPointError at the call, before any read, as NumPy
    a = lnp.array(full(1.0))
    with lnp.errstate(divide="raise"):
        with pytest.raises(FloatingPointError, match="divide by zero encountered in divide"):
            a / 0.0
    # the runtime keeps working and later reads do not report it again
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float((a + 1).sum()) == 2.0 * N


def test_call_mode():
    calls = {}
    for m in (np, lnp):
        seen = []
        with m.errstate(all="call", call=lambda kind, flag: seen.append((kind, flag))):
            np.asarray(m.array(full(1.0)) / m.array(full(0.0)))
            np.asarray(m.sqrt(m.array(full(-1.0))))
        calls[m.__name__] = sorted(set(seen))
    assert calls["numpy"] == [("divide by zero", 1), ("invalid value", 8)]
    assert calls[lnp.__name__] == calls["numpy"]


def test_log_mode():
    class Log:
        def __init__(self):
            self.lines = []

        def write(self, s):
            self.lines.append(s)

    logs = {}
    for m in (np, lnp):
        log = Log()
        with m.errstate(all="log", call=log):
            np.asarray(m.array(full(1e300)) * m.array(full(1e300)))
        logs[m.__name__] = sorted(set(log.lines))
    assert logs["numpy"] == ["Warning: overflow encountered in multiply\n"]
    assert logs[lnp.__name__] == logs["numpy"]


def test_seterr_applies_like_errstate():
    old = lnp.seterr(divide="raise")
    try:
        with pytest.raises(FloatingPointError):
            lnp.array(full(1.0)) / lnp.array(full(0.0))
    finally:
        lnp.seterr(**old)


def test_warning_points_at_the_user_code():
    a = lnp.array(full(1.0))
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        np.asarray(a / 0.0)
    fp = [w for w in rec if "divide by zero" in str(w.message)]
    assert fp and all(os.path.basename(w.filename) == "test_fp_errors.py" for w in fp)
