"""NumPy fallback: functions and methods that are not implemented natively
still work, return legate arrays where NumPy returns arrays, and warn once per
function with a RuntimeWarning naming it.  Constants and type objects pass
through without a warning."""

import json
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from conftest import (
    both,
    check,
    legate_only,
    lnp,
    quiet,
    subprocess_env,
    values,
)

A = values(np.float64, (4, 5))
V = values(np.int64, (11,))

# name -> fn(m, a, v) ; a: 2-D float64, v: 1-D int64
FUNCTIONS = {
    "cumsum": lambda m, a, v: m.cumsum(a, axis=1),
    "cumsum_flat": lambda m, a, v: m.cumsum(v),
    "cumprod": lambda m, a, v: m.cumprod(v[:6]),
    "sort": lambda m, a, v: m.sort(a, axis=0),
    "argsort": lambda m, a, v: m.argsort(v, kind="stable"),
    "unique": lambda m, a, v: m.unique(v),
    "unique_counts": lambda m, a, v: tuple(m.unique(v, return_counts=True)),
    "linalg.norm": lambda m, a, v: m.linalg.norm(a),
    "linalg.norm_axis": lambda m, a, v: m.linalg.norm(a, axis=1),
    "fft": lambda m, a, v: m.fft.fft(a, axis=0),
    "diff": lambda m, a, v: m.diff(v),
    "concatenate": lambda m, a, v: m.concatenate([a, a[:2]]),
    "stack": lambda m, a, v: m.stack([a, a * 2], axis=1),
    "clip": lambda m, a, v: m.clip(a, -1, 1),
    "round": lambda m, a, v: m.round(a * 1.37, 1),
    "nonzero": lambda m, a, v: tuple(m.nonzero(v)),
    "svd": lambda m, a, v: m.linalg.svd(a, compute_uv=False),
    "kron": lambda m, a, v: m.kron(a[:2, :2], a[:3, :1]),
    "polydiv": lambda m, a, v: tuple(m.polydiv(v, [1, -2, 1])),
    "einsum": lambda m, a, v: m.einsum("ij->j", a),
    "std": lambda m, a, v: m.std(a, axis=0),
    "outer": lambda m, a, v: m.outer(v[:3], v[:4]),
    "trace": lambda m, a, v: m.trace(a),
    "shape": lambda m, a, v: m.shape(a),
    "flip": lambda m, a, v: m.flip(a, axis=1),
    "tile": lambda m, a, v: m.tile(v[:3], 2),
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_function_values_and_types(name):
    both(FUNCTIONS[name], A, V, approx=True)


# method -> fn(x) on a 2-D float64 array
METHODS = {
    "cumsum": lambda x: x.cumsum(),
    "cumprod": lambda x: x[:1].cumprod(axis=1),
    "argsort": lambda x: x.argsort(axis=1, kind="stable"),
    "round": lambda x: (x * 1.37).round(2),
    "clip": lambda x: x.clip(-1.0, 2.0),
    "std": lambda x: x.std(),
    "var": lambda x: x.var(axis=1),
    "trace": lambda x: x.trace(),
    "diagonal": lambda x: x.diagonal(),
    "repeat": lambda x: x.repeat(2, axis=0),
    "swapaxes": lambda x: x.swapaxes(0, 1),
    "squeeze": lambda x: x[:, :1].squeeze(),
    "nonzero": lambda x: tuple(x.nonzero()),
}


@pytest.mark.parametrize("name", list(METHODS))
def test_method_values_and_types(name):
    fn = METHODS[name]
    both(lambda m, x: fn(x), A, approx=True)


def test_inplace_method_fallback_writes_back():
    """a.sort() / a.fill() work in place on the legate array."""

    def f(m, x):
        x.sort(axis=1)
        return x

    both(f, A)

    def g(m, x):
        v = x[1:3]
        v.sort(axis=0)  # sort a view: the base changes
        return x

    both(g, A)

    def h(m, x):
        x.fill(2.5)
        return x

    both(h, A)


def test_fallback_result_usable_natively():
    def f(m, a, v):
        c = m.cumsum(a, axis=0)
        return (c * 2 + m.sort(v)[:5].sum()).max(axis=1)

    both(f, A, V, approx=True)


def test_fallback_argument_mix():
    """legate and NumPy arrays and scalars mixed in a fallback call."""
    la = lnp.array(A)
    with quiet():
        got = lnp.concatenate([la, A[:1], lnp.zeros((1, 5))])
    check(got, np.concatenate([A, A[:1], np.zeros((1, 5))]))


def _fallback_warnings(rec):
    return [str(w.message) for w in rec if issubclass(w.category, RuntimeWarning)]


@legate_only
def test_warns_at_most_once_and_names_function():
    """Second call of a function never warns again (in this process the first
    call may already have happened in another test)."""
    la, lv = lnp.array(A), lnp.array(V)
    for name, fn in FUNCTIONS.items():
        short = name.split("_")[0].split(".")[-1]
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            with np.errstate(all="ignore"):
                fn(lnp, la, lv)
                fn(lnp, la, lv)
        msgs = _fallback_warnings(rec)
        assert len(msgs) <= 1, f"{name}: warned {len(msgs)} times: {msgs}"
        for msg in msgs:
            assert short in msg, f"{name}: warning does not name the function: {msg!r}"


@legate_only
def test_constants_and_types_pass_through_without_warning():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        assert lnp.pi == np.pi
        assert lnp.e == np.e
        assert lnp.inf == np.inf
        assert lnp.nan != lnp.nan
        assert lnp.newaxis is None
        for t in ("float16", "float32", "float64", "int8", "int32", "int64", "uint8", "bool_", "complex64", "complex128"):
            assert getattr(lnp, t) is getattr(np, t), t
        assert lnp.dtype is np.dtype
        a = lnp.zeros(3, dtype=lnp.float32)
        assert a.dtype == np.float32
        b = lnp.ones((2, 2))[lnp.newaxis]
        assert b.shape == (1, 2, 2)
        assert lnp.array([1, 2], dtype=lnp.int16).dtype == np.int16
        assert lnp.finfo(lnp.float32).eps == np.finfo(np.float32).eps
        assert lnp.iinfo(lnp.int8).max == 127
        assert lnp.issubdtype(lnp.float32, lnp.floating)
    msgs = _fallback_warnings(rec)
    assert msgs == [], f"unexpected warnings: {msgs}"


@legate_only
def test_native_functions_do_not_warn():
    la = lnp.array(A)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        lnp.zeros(3), lnp.ones((2, 2)), lnp.arange(5), lnp.add(la, la), la + la
        lnp.sum(la), la.max(axis=0), lnp.sqrt(abs(la)), la @ la.T, la.T.reshape(-1)
        lnp.argmax(la), lnp.mean(la), la[1:, ::2].copy(), la.astype(np.float32)
        float(la.sum())
    msgs = _fallback_warnings(rec)
    assert msgs == [], f"native operations warned: {msgs}"


FRESH_SCRIPT = textwrap.dedent(
    """
    import json, sys, warnings
    warnings.simplefilter("always")
    import numpy
    import legate.numpy as np
    a = np.array(numpy.arange(12.0).reshape(3, 4))
    v = np.array(numpy.array([3, 1, 2, 3, 1, 7, 0]))
    calls = {
        "cumsum": lambda: np.cumsum(a),
        "sort": lambda: np.sort(v),
        "unique": lambda: np.unique(v),
        "norm": lambda: np.linalg.norm(a),
        "einsum": lambda: np.einsum("ij->j", a),
        "svd": lambda: np.linalg.svd(a, compute_uv=False),
        "polyval": lambda: np.polyval([1.0, 2.0], a),
        "fft": lambda: np.fft.fft(v),
        "histogram": lambda: np.histogram(v),
        "packbits": lambda: np.packbits(v > 1),
        "apply_along_axis": lambda: np.apply_along_axis(lambda r: r[0], 1, a),
    }
    out = {}
    for name, f in calls.items():
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            f(); f(); f()
        out[name] = [str(w.message) for w in rec if issubclass(w.category, RuntimeWarning)]
    print(json.dumps(out))
    """
)


@legate_only
def test_warns_exactly_once_per_function_in_fresh_process():
    r = subprocess.run(
        [sys.executable, "-c", FRESH_SCRIPT],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    for name, msgs in out.items():
        assert len(msgs) <= 1, f"{name}: {len(msgs)} warnings for 3 calls: {msgs}"
        for msg in msgs:
            assert name in msg, f"{name}: warning does not name it: {msg!r}"
    # functions no tile library implements natively must go through the fallback
    obscure = ["packbits", "apply_along_axis"]
    warned = [n for n in obscure if out[n]]
    assert warned, f"none of {obscure} warned: is the fallback warning missing?"


def _dispatched(f):
    """Whether NumPy's function f dispatches through __array_function__."""
    return hasattr(f, "_implementation") or type(f).__name__ == "_ArrayFunctionDispatcher"


@legate_only
def test_array_function_reaches_every_native_function():
    """numpy.<f>(our array) runs our native f, for every function the
    coverage command counts native (numpy, numpy.linalg, numpy.fft)."""
    from legate.numpy import _fallback, coverage
    rep = coverage.report()
    missed = []
    for sec, npmod in (("numpy", np), ("linalg", np.linalg), ("fft", np.fft)):
        for name, native in rep[sec]:
            f = getattr(npmod, name)
            if native and _dispatched(f) and _fallback.native_impl(f) is None:
                missed.append(f"{sec}.{name}")
    assert missed == [], f"NumPy's dispatch misses our native: {missed}"


@legate_only
def test_numpy_functions_on_our_arrays_run_natively():
    a = lnp.array(A)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        n = np.linalg.norm(a)
        s = np.sort(a, axis=0)
        c = np.concatenate([a, a])
        w = np.where(a > 0.5, a, 0.0)
    assert _fallback_warnings(rec) == []
    assert type(s) is lnp.ndarray and type(c) is lnp.ndarray and type(w) is lnp.ndarray
    assert np.isclose(float(n), np.linalg.norm(A))
    assert np.array_equal(np.asarray(s), np.sort(A, axis=0))
