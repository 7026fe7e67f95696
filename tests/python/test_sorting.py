"""Sorting, searching and sets against NumPy (python/legate/numpy/_sort.py):
sort, argsort, partition, argpartition, lexsort, searchsorted (functions
and methods, in place on views), sort_complex, msort (NumPy 1.x), unique
(its four outputs, equal_nan, NumPy 2's unique_* functions; axis= on
arrays of any ndim), isin, in1d (NumPy 1.x), intersect1d, union1d,
setdiff1d, setxor1d, digitize (monotonic and non-monotonic bins).

Each case runs on eager arrays (small, NumPy-backed) and on deferred ones
(``deferred``: a view of a store too large to be eager; in test mode,
LEGATE_NUMPY_TEST=1, every array is deferred and cut in 3-element tiles, so
sorts cross tiles along every axis).  Values carry duplicates (stability),
the integer extremes, NaN, +-inf and -0.0 (floats), NaN in either part of a
complex number (NumPy's NaN classes).  argsort and argpartition are
compared with NumPy's ``kind='stable'`` argsort exactly, whatever the kind
asked (every kind gives the stable result here); sorted values bit for bit
(sign of zeros, both parts of complex numbers); partitions by the
partition property (the values before kth are those NumPy's sort puts
there, as a multiset).  ``test_native_*`` check that deferred inputs take
no fallback (``native`` fixture)."""

import os
import warnings

import numpy as np
import pytest

from conftest import (
    deferred,
    AGAINST_NUMPY,
    NUMPY2,
    check,
    lnp,
    param_dtypes,
    public_exc,
    quiet,
    run_np,
    to_lnp,
    values,
)

TEST_MODE = os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")

if AGAINST_NUMPY:
    EAGER_MAX = 0
    HAS_CORE_SORT = True
else:
    from legate.numpy._runtime import EAGER_MAX
    from legate.numpy import _core
    HAS_CORE_SORT = hasattr(_core, "sort") and hasattr(_core, "searchsorted")

needs_core = pytest.mark.skipif(
    not HAS_CORE_SORT, reason="_core.sort/_core.searchsorted not built yet")

# eager and deferred operands (in test mode every array is deferred: one mode)
MODES = [pytest.param("eager", id="eager")] if not TEST_MODE else []
MODES.append(pytest.param("deferred", id="deferred", marks=needs_core))

SHAPES = [(), (0,), (1,), (7,), (10,), (3, 0, 2), (5, 7), (4, 5, 6), (2, 3, 2, 3)]
SHAPE_IDS = ["x".join(map(str, s)) or "0d" for s in SHAPES]
KINDS = [None, "quicksort", "mergesort", "heapsort", "stable"]


# ---------------------------------------------------------------- operands



def convert(mode):
    return deferred if mode == "deferred" else to_lnp


def data(dtype, shape, seed=0):
    """Values with duplicates and each dtype's special values."""
    dtype = np.dtype(dtype)
    if isinstance(shape, int):
        shape = (shape,)
    n = int(np.prod(shape, dtype=np.int64))
    if dtype.kind == "b":
        return values(dtype, shape, seed=seed)
    if dtype.kind in "iu":
        v = values(dtype, (n,), seed=seed)
        info = np.iinfo(dtype)
        for j, x in enumerate((info.max, info.min, info.max)):
            if n > 3 * j + 2:
                v[(3 * j + 2 + seed) % n] = x
        return v.reshape(shape)
    if dtype.kind == "f":
        v = values(dtype, (n,), "special", seed).astype(np.float64)
        for j in range(n):  # zeros of both signs among the others
            if j % 6 == 4:
                v[j] = 0.0 if j % 12 == 4 else -0.0
        return v.astype(dtype).reshape(shape)
    # complex: NumPy's classes R+Rj, R+nanj, nan+Rj, nan+nanj, equal real parts
    fd = np.dtype(dtype.char.lower())
    re = data(fd, (n,), seed).astype(np.float64)
    im = values(np.float64, (n,), "small", seed + 1)
    for j in range(n):
        r = (j * 7 + seed) % 13
        if r == 3:
            im[j] = np.nan
        elif r == 5:
            re[j] = np.nan
        elif r == 8:
            re[j] = im[j] = np.nan
        elif r == 10:
            re[j] = 1.5
    return (re + 1j * im).astype(dtype).reshape(shape)


# ---------------------------------------------------------------- comparison

def _parts(a):
    a = np.asarray(a)
    if a.dtype.kind == "c":
        return [a.real, a.imag]
    return [a]


def _eq(g, e, err_msg="", signs=True):
    """NumPy arrays g and e equal bit for bit (but NaN payloads; signs:
    zeros' too)."""
    assert g.dtype == e.dtype and g.shape == e.shape, (g.dtype, e.dtype, g.shape, e.shape)
    for gp, ep in zip(_parts(g), _parts(e)):
        np.testing.assert_array_equal(np.isnan(gp), np.isnan(ep), err_msg=err_msg)
        np.testing.assert_array_equal(gp, ep, err_msg=err_msg)
        if signs and gp.dtype.kind == "f":
            np.testing.assert_array_equal(np.signbit(gp[~np.isnan(gp)]),
                                          np.signbit(ep[~np.isnan(ep)]), err_msg=err_msg)


def same_values(got, exp, err_msg=""):
    """same() but for the sign of zeros (NumPy's unstable sorts in unique and
    the set functions keep either of -0.0 and 0.0)."""
    check(got, exp, err_msg=err_msg)
    if isinstance(exp, (tuple, list)):
        for g, e in zip(got, exp):
            same_values(g, e, err_msg)
    elif isinstance(exp, np.ndarray) and exp.dtype.kind in "fc":
        _eq(np.asarray(got), exp, err_msg, signs=False)


def same(got, exp, err_msg=""):
    """check(), and for inexact values bit-level agreement too: the sign of
    zeros and both parts of complex numbers (check() compares complex
    numbers with a NaN part as NaN only)."""
    check(got, exp, err_msg=err_msg)
    if isinstance(exp, (tuple, list)):
        for g, e in zip(got, exp):
            same(g, e, err_msg)
    elif isinstance(exp, np.ndarray) and exp.dtype.kind in "fc":
        _eq(np.asarray(got), exp, err_msg)


def cmp(fn, *args, mode="eager", npfn=None, check_args=False, compare=same):
    """``fn(lnp, *converted args)`` against ``(npfn or fn)(np, *args)``:
    result, or NumPy's exception class (then the operands are unchanged)."""
    conv = convert(mode)
    largs = [conv(a) if isinstance(a, np.ndarray) else a for a in args]
    nargs = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    expected, err = run_np(npfn or fn, *nargs)
    if err is not None:
        with quiet():
            with pytest.raises(public_exc(type(err))):
                fn(lnp, *largs)
        for la, a in zip(largs, args):
            if isinstance(a, np.ndarray):
                check(la, a, err_msg="operand changed by a failed operation")
        return None
    with quiet():
        got = fn(lnp, *largs)
    compare(got, expected)
    if check_args:
        for i, (la, na) in enumerate(zip(largs, nargs)):
            if isinstance(na, np.ndarray):
                same(la, na, err_msg="argument %d" % i)
    return got


def _small(x):
    return x[(slice(0, 1),) * x.ndim].copy() if x.ndim else x.copy()


def stable_argsort(m, x, axis=-1, kind=None, **kw):
    """NumPy's result for argsort with any kind: its stable one (an error
    where NumPy's call with that kind errs)."""
    if m is np:
        np.argsort(_small(x), axis, kind=kind, **kw)
        return np.argsort(x, axis, kind="stable")
    return m.argsort(x, axis, kind=kind, **kw)


def stable_sort(m, x, axis=-1, kind=None, **kw):
    """The same for sort (equal values keep their order: zeros their signs)."""
    if m is np:
        np.sort(_small(x), axis, kind=kind, **kw)
        return np.sort(x, axis, kind="stable")
    return m.sort(x, axis, kind=kind, **kw)


def sort_method(m, x, axis=-1, kind=None, **kw):
    """x.sort(axis, kind) in place; returns (its result, x)."""
    if m is np:
        y = _small(x)
        if not x.flags.writeable:
            y.flags.writeable = False
        y.sort(axis, kind=kind, **kw)
        kind, kw = "stable", {}
    return x.sort(axis, kind=kind, **kw), x


def axes(ndim):
    return [None] + list(range(-ndim, ndim)) + [ndim]  # the last: AxisError


# ---------------------------------------------------------------- sort / argsort

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("dtype", param_dtypes())
def test_sort_argsort(dtype, shape, mode):
    x = data(dtype, shape)
    for ax in axes(len(shape)):
        cmp(lambda m, a: stable_sort(m, a, ax), x, mode=mode)
        cmp(lambda m, a: stable_argsort(m, a, ax), x, mode=mode)
    cmp(lambda m, a: stable_sort(m, a), x, mode=mode)
    cmp(lambda m, a: stable_argsort(m, a), x, mode=mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", param_dtypes())
def test_kinds_and_methods(dtype, mode):
    x = data(dtype, (6, 9), seed=1)
    for kind in KINDS + ["q", "Stable", "bogus"]:
        for ax in (0, 1, None):
            cmp(lambda m, a: stable_sort(m, a, ax, kind), x, mode=mode)
            cmp(lambda m, a: stable_argsort(m, a, ax, kind), x, mode=mode)
            cmp(lambda m, a: a.argsort(ax, kind) if m is not np else stable_argsort(m, a, ax, kind),
                x, mode=mode)
        for ax in (0, -1, 1, 2, None):
            cmp(lambda m, a: sort_method(m, a, ax, kind), x, mode=mode)
    # keywords
    cmp(lambda m, a: m.sort(a, axis=0, kind="stable"), x, mode=mode)
    cmp(lambda m, a: m.sort(a=a, axis=None, kind="stable"), x, mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_stable_keyword(mode):
    """NumPy 2's stable=; NumPy 1.x's TypeError for it."""
    x = data(np.int16, (5, 8))
    for st in (True, False, None):
        cmp(lambda m, a: stable_sort(m, a, stable=st), x, mode=mode)
        cmp(lambda m, a: stable_argsort(m, a, 0, stable=st), x, mode=mode)
        cmp(lambda m, a: sort_method(m, a, stable=st), x, mode=mode)
    cmp(lambda m, a: m.sort(a, kind="stable", stable=True), x, mode=mode)
    cmp(lambda m, a: m.argsort(a, kind="quicksort", stable=False), x, mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_sort_errors(mode):
    x = data(np.float64, (4, 5))
    for f in (
        lambda m, a: m.sort(a, 2),
        lambda m, a: m.sort(a, -3),
        lambda m, a: m.sort(a, 1.0),
        lambda m, a: m.sort(a, kind="nonsense"),
        lambda m, a: m.sort(a, kind=3),
        lambda m, a: m.argsort(a, axis=(0, 1)),
        lambda m, a: m.sort(a, order="x"),
        lambda m, a: a.sort(None),
        lambda m, a: a.sort(axis=2),
        lambda m, a: a.argsort(axis=5),
        lambda m, a: m.sort(a[0, 0]),
        lambda m, a: a.sort(kind="sideways"),
    ):
        cmp(f, x, mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_zero_d(mode):
    x = np.array(2.5)
    for f in (
        lambda m, a: m.sort(a),
        lambda m, a: m.sort(a, None),
        lambda m, a: m.sort(a, 0),
        lambda m, a: m.argsort(a),
        lambda m, a: m.argsort(a, None),
        lambda m, a: m.argsort(a, 3),
        lambda m, a: a.argsort(),
        lambda m, a: a.sort(),
        lambda m, a: m.partition(a, 0),
        lambda m, a: m.partition(a, 0, None),
        lambda m, a: m.argpartition(a, 0),
        lambda m, a: m.argpartition(a, 0, None),
        lambda m, a: m.argpartition(a, 1, None),
        lambda m, a: a.partition(0),
        lambda m, a: a.argpartition(0),
    ):
        cmp(f, x, mode=mode)


VIEWS = [
    lambda a: a,
    lambda a: a[::2],
    lambda a: a[1:, ::-1],
    lambda a: a.T,
    lambda a: a[:, 3],
    lambda a: a[::-2, 1:7:2],
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in
                                                ("int32", "float32", "complex128", "bool")]))
def test_in_place_on_views(dtype, mode):
    x = data(dtype, (7, 9), seed=2)
    for v in VIEWS:
        for ax in (0, -1):

            cmp(lambda m, a: (sort_method(m, v(a), ax)[0], a), x, mode=mode, check_args=True)

            def g(m, a):
                # (NumPy's order within the parts is its own: the view is
                # sorted after, so what is compared is that the partition
                # wrote a permutation of each line into the view)
                w = v(a)
                r = w.partition(0, ax)
                w.sort(ax)
                return r, a

            cmp(g, x, mode=mode, compare=check)  # (zeros' signs: in NumPy's partition order)


@pytest.mark.parametrize("mode", MODES)
def test_read_only(mode):
    x = data(np.float64, (5, 6))

    cmp(lambda m, a: sort_method(m, m.broadcast_to(a[0], (3, 6))), x, mode=mode)

    def g(m, a):
        w = m.broadcast_to(a[0], (3, 6))
        w.partition(1)

    cmp(g, x, mode=mode)


# ---------------------------------------------------------------- partition

def _partition_ok(got, x, kths, axis):
    """`got` partitions `x` along `axis` at every kth: got[k] is NumPy's
    sorted[k], and the values before and after it are those of the sort."""
    g = np.asarray(got)
    assert g.dtype == x.dtype
    assert g.shape == ((x.size,) if axis is None else x.shape)
    if axis is None:
        x = x.ravel()
        axis = 0
    s = np.sort(x, axis)
    n = x.shape[axis]
    ks = sorted({(k + n) % n for k in np.atleast_1d(kths).tolist()}) if n and x.size else []
    gs = np.moveaxis(g, axis, -1)
    ss = np.moveaxis(s, axis, -1)
    # (-0.0 and 0.0 are equal: a partition may order them either way)
    _eq(np.sort(gs, -1), ss, signs=False)
    prev = 0
    for k in ks:
        _eq(gs[..., k], ss[..., k], signs=False)
        _eq(np.sort(gs[..., prev:k], -1), ss[..., prev:k], signs=False)
        prev = k + 1


def _kths(n):
    if n == 0:
        return [0, [0]]
    return [0, n - 1, n // 2, -1, -n, [0, n // 2, -1], np.array([n - 1, 0]),
            np.int8(n // 3), [n // 2]]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape", [(0,), (1,), (7,), (10,), (5, 7), (3, 0, 4), (4, 5, 6)],
                         ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("dtype", param_dtypes())
def test_partition(dtype, shape, mode):
    x = data(dtype, shape, seed=3)
    conv = convert(mode)
    for ax in [None] + list(range(-len(shape), len(shape))):
        n = x.size if ax is None else shape[ax]
        for k in _kths(n):
            with quiet():
                got = lnp.partition(conv(x), k, ax)
            _partition_ok(got, x, k, ax)
            with quiet():
                idx = np.asarray(lnp.argpartition(conv(x), k, ax))
            assert idx.dtype == np.intp
            if ax is None:
                vals = x.ravel()[idx]
                assert sorted(idx.tolist()) == list(range(x.size))
            else:
                vals = np.take_along_axis(x, idx, ax)
                np.testing.assert_array_equal(
                    np.sort(idx, ax), np.broadcast_to(
                        np.arange(n).reshape([-1 if d == ax % len(shape) else 1
                                              for d in range(len(shape))]), shape))
            _partition_ok(vals, x, k, ax)
            la = conv(x)
            if ax is not None:
                with quiet():
                    r = la.partition(k, ax)
                assert r is None
                _partition_ok(la, x, k, ax)
                with quiet():
                    idx = np.asarray(conv(x).argpartition(k, ax))
                _partition_ok(np.take_along_axis(x, idx, ax), x, k, ax)


@pytest.mark.parametrize("mode", MODES)
def test_partition_errors(mode):
    x = data(np.int32, (4, 6))
    e = np.zeros((0, 3))
    bad = [
        lambda m, a: m.partition(a, 6),
        lambda m, a: m.partition(a, -7),
        lambda m, a: m.partition(a, [1, 6]),
        lambda m, a: m.partition(a, 4, axis=0),
        lambda m, a: m.partition(a, 24, axis=None),
        lambda m, a: m.argpartition(a, 6),
        lambda m, a: m.argpartition(a, -25, axis=None),
        lambda m, a: m.partition(a, 1.5),
        lambda m, a: m.partition(a, [[1]]),
        lambda m, a: m.partition(a, True),
        lambda m, a: m.argpartition(a, np.array([False, True])),
        lambda m, a: m.partition(a, "1"),
        lambda m, a: m.partition(a, 1, axis=2),
        lambda m, a: m.partition(a, 9, axis=2),
        lambda m, a: m.partition(a, 1, kind="quick"),
        lambda m, a: m.partition(a, 9, kind="quick"),
        lambda m, a: m.argpartition(a, 1, kind="nope"),
        lambda m, a: m.partition(a, 1, order="f0"),
        lambda m, a: a.partition(6),
        lambda m, a: a.partition(1, None),
        lambda m, a: a.argpartition(1, None),
        lambda m, a: a.argpartition(7),
        lambda m, a: a.partition(1, kind="x"),
        lambda m, a: m.partition(a, np.uint64(2**64 - 1)),
        lambda m, a: m.partition(a, 2**70),
    ]
    for f in bad:
        cmp(f, x, mode=mode, compare=lambda g, ex: None)
    # an empty array: NumPy checks no bounds
    for f in (lambda m, a: m.partition(a, 5), lambda m, a: m.argpartition(a, -9, axis=0),
              lambda m, a: m.partition(a, 1.5)):
        cmp(f, e, mode=mode)


# ---------------------------------------------------------------- lexsort

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtypes", [("int64", "float64"), ("bool", "int8", "uint16"),
                                    ("float32", "complex64"), ("float16",),
                                    ("uint64", "int32", "float64", "bool")],
                         ids=lambda d: "-".join(d))
def test_lexsort(dtypes, mode):
    for shape in [(0,), (1,), (11,), (4, 6), (3, 4, 5)]:
        keys = [data(dt, shape, seed=i) for i, dt in enumerate(dtypes)]
        # few distinct values per key, so later keys decide
        keys = [k if k.dtype.kind in "fc" else (k % 3 if k.dtype.kind in "iu" else k)
                for k in keys]
        for ax in [-1, 0] + ([1] if len(shape) > 1 else []) + [len(shape)]:
            cmp(lambda m, *ks: m.lexsort(ks, ax), *keys, mode=mode)
            cmp(lambda m, *ks: m.lexsort(list(ks), axis=ax), *keys, mode=mode)
    x = data(np.int8, (3, 10)) % 2
    cmp(lambda m, a: m.lexsort(a), x, mode=mode)
    cmp(lambda m, a: m.lexsort(a, axis=0), x, mode=mode)
    cmp(lambda m, a: m.lexsort(a[:, :, None], axis=1), x, mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_lexsort_errors(mode):
    a = data(np.int32, (6,))
    b = data(np.int32, (7,))
    c = data(np.float64, (2, 3))
    cmp(lambda m, x, y: m.lexsort((x, y)), a, b, mode=mode)
    cmp(lambda m, x: m.lexsort(()), a, mode=mode)
    cmp(lambda m, x: m.lexsort((x,), axis=1), a, mode=mode)
    cmp(lambda m, x: m.lexsort((x, x), axis=-3), c, mode=mode)
    cmp(lambda m, x: m.lexsort(x[0, 0]), c, mode=mode)
    cmp(lambda m, x: m.lexsort([x[0, 0], x[0, 1]]), c, mode=mode)


# ---------------------------------------------------------------- searchsorted

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", param_dtypes())
def test_searchsorted(dtype, mode):
    raw = data(dtype, (23,), seed=1)
    a = np.sort(raw)
    vs = [data(dtype, (9,), seed=4), data(dtype, (3, 4), seed=5), a, a[::-1].copy(),
          data(dtype, (0,)), raw[3:4].reshape(())]
    for v in vs:
        for side in ("left", "right"):
            cmp(lambda m, x, y: m.searchsorted(x, y, side), a, v, mode=mode)
            cmp(lambda m, x, y: x.searchsorted(y, side=side), a, v, mode=mode)
            cmp(lambda m, x, y, s: m.searchsorted(x, y, side, sorter=s), raw, v,
                np.argsort(raw, kind="stable"), mode=mode)
    # scalars: a scalar result, as NumPy's
    for s in (raw[5].item(), raw[0], 0, True):
        cmp(lambda m, x: m.searchsorted(x, s), a, mode=mode)
        cmp(lambda m, x: m.searchsorted(x, s, "right"), a, mode=mode)
    cmp(lambda m, x: m.searchsorted(x, [s, s]), a, mode=mode)
    # an empty a
    cmp(lambda m, x, y: m.searchsorted(x[:0], y), a, vs[0], mode=mode)
    cmp(lambda m, x: m.searchsorted(x[:0], x[0]), a, mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_searchsorted_dtypes(mode):
    """The common dtype NumPy searches in."""
    cases = [
        (np.array([1, 50, 100, 127], np.int8), 1000),
        (np.array([1, 50, 100, 127], np.int8), np.array([-1000, 50, 300])),
        (np.array([0, 5, 255], np.uint8), -1),
        (np.array([0, 5, 255], np.uint8), np.array([-1, 5, 256], np.int64)),
        (np.array([0.1, 0.2, 0.3], np.float32), 0.1),
        (np.array([0.1, 0.2, 0.3], np.float32), np.array([0.1, 0.2], np.float64)),
        (np.array([1, 2, 3], np.int64), np.array([1.5, 2.0, 2.5])),
        (np.array([1.0, 2.0, np.nan]), np.array([np.nan, np.inf, 2.0])),
        (np.array([1, 2, 3], np.uint64), np.array([-1, 2], np.int64)),
        (np.array([1 + 1j, 1 + 2j, 2 + 0j]), np.array([1, 2])),
        (np.array([False, True, True]), np.array([0, 1, 2])),
        (np.array([1, 2, 3], np.int16), np.float32(2.5)),
        (np.array([1, 2, 3], np.uint64), 2**64 - 1),
    ]
    for a, v in cases:
        for side in ("left", "right"):
            cmp(lambda m, x, y: m.searchsorted(x, y, side), a, v, mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_searchsorted_errors(mode):
    a = np.arange(6, dtype=np.float64)
    v = np.array([1.5, 3.0])
    for f in (
        lambda m, x, y: m.searchsorted(x, y, "middle"),
        lambda m, x, y: m.searchsorted(x, y, side=None),
        lambda m, x, y: m.searchsorted(x, y, "LEFT"),
        lambda m, x, y: m.searchsorted(x, y, "r"),
        lambda m, x, y: m.searchsorted(x.reshape(2, 3), y),
        lambda m, x, y: m.searchsorted(x[0], y),
        lambda m, x, y: m.searchsorted(x, y, sorter=[0, 1]),
        lambda m, x, y: m.searchsorted(x, y, sorter=x),
        lambda m, x, y: m.searchsorted(x, y, sorter=[[0, 1, 2, 3, 4, 5]]),
        lambda m, x, y: m.searchsorted(x, y, sorter=[9] * 6),
        lambda m, x, y: m.searchsorted(x, y, sorter=[-20] * 6),
        lambda m, x, y: x.searchsorted(y, "x"),
    ):
        cmp(f, a, v, mode=mode)


# ---------------------------------------------------------------- digitize

DIGITIZE_BINS = [
    [-2.5, -1.0, 0.0, 0.0, 1.5, 3.0],   # increasing, with a repeat
    [3.0, 1.5, 1.5, 0.0, -1.0, -np.inf],  # decreasing
    [1.0, 1.0, 1.0],                    # constant: NumPy's "increasing"
    [0.0, 0.0, 2.0, 5.0],               # equal leading values
    [4.0, 4.0, 2.0, -1.0],
    [2.0],
    [],
    [0.0, 1.0, np.inf, np.nan],         # NaN last: increasing
    [np.nan, 3.0, 1.0],                 # a leading NaN: decreasing
    [0.0, 2.0, 1.0],                    # neither: ValueError
    [1.0, 1.0, 3.0, 2.0],
    [2.0, 2.0, 1.0, 3.0],
    [np.nan, 1.0, 2.0],
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in
                                                ("bool", "int8", "uint16", "int64", "float16",
                                                 "float32", "float64")]))
def test_digitize(dtype, mode):
    x = data(dtype, (4, 6), seed=1)
    for b in DIGITIZE_BINS:
        bins = np.array(b, dtype=np.float64)
        for right in (False, True):
            cmp(lambda m, v, bb: m.digitize(v, bb, right), x, bins, mode=mode)
            cmp(lambda m, v, bb: m.digitize(v, bb, right=right), x[1], bins, mode=mode)
            # a scalar and a 0-d array: NumPy's scalar result
            cmp(lambda m, bb: m.digitize(x.flat[3].item(), bb, right), bins, mode=mode)
            cmp(lambda m, v, bb: m.digitize(v, bb, right), x[0, 2:3].reshape(()), bins,
                mode=mode)
            cmp(lambda m, v, bb: m.digitize(v, bb, right), x[:0], bins, mode=mode)
    # bins of x's dtype, of an integer dtype, a list
    ib = np.array([-3, 0, 0, 2, 5], np.int32)
    cmp(lambda m, v, bb: m.digitize(v, bb), x, ib, mode=mode)
    cmp(lambda m, v, bb: m.digitize(v, bb, True), x, ib[::-1].copy(), mode=mode)
    cmp(lambda m, v: m.digitize(v, [0, 1, 2]), x, mode=mode)
    cmp(lambda m, bb: m.digitize([0.5, 1, 2.5], bb), ib.astype(np.float64), mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_digitize_errors(mode):
    x = np.arange(6, dtype=np.float64)
    for f in (
        lambda m, v, b: m.digitize(v.astype(complex), b),        # complex x
        lambda m, v, b: m.digitize(v, b.astype(complex)),        # complex bins
        lambda m, v, b: m.digitize(v, b.reshape(2, 3)),          # bins not 1-d
        lambda m, v, b: m.digitize(v, b[0]),
        lambda m, v, b: m.digitize(v, b[::-1][[0, 2, 1, 3, 4, 5]]),  # not monotonic
        lambda m, v, b: m.digitize(v, m.concatenate([b, b])),
    ):
        cmp(f, x, x.copy(), mode=mode)


# ---------------------------------------------------------------- unique and sets

UNIQUE_DTYPES = param_dtypes()


def vcmp(*args, **kwargs):
    """cmp() up to the sign of zeros (same_values)."""
    return cmp(*args, compare=same_values, **kwargs)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape", [(0,), (1,), (17,), (4, 6), (2, 3, 4)],
                         ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("dtype", UNIQUE_DTYPES)
def test_unique(dtype, shape, mode):
    x = data(dtype, shape, seed=2)
    for ri in (False, True):
        for rv in (False, True):
            for rc in (False, True):
                vcmp(lambda m, a: m.unique(a, ri, rv, rc), x, mode=mode)
    kws = [{"equal_nan": False}, {"equal_nan": True, "return_counts": True},
           {"equal_nan": False, "return_inverse": True, "return_index": True}]
    for kw in kws:
        vcmp(lambda m, a: m.unique(a, **kw), x, mode=mode)
    vcmp(lambda m, a: m.unique(a.ravel(), axis=0), x, mode=mode)
    cmp(lambda m, a: m.unique(a.ravel(), return_inverse=True, axis=-1), x, mode=mode,
        compare=lambda g, e: _inverse_ok(g, e, x.ravel()))
    vcmp(lambda m, a: m.unique(a, axis=len(shape)), x, mode=mode)


def _inverse_ok(got, exp, x):
    """unique(x, return_inverse=True, axis=0) of 1-d x: the values as NumPy's;
    the inverse indices exactly, but where x has NaNs (NumPy 1.x: records,
    NaNs never equal, which its unstable quicksort of more than 16 orders as
    it may; ours stable): then by what they mean.  (NumPy 2: as axis=None.)"""
    same_values(got[0], exp[0])
    inv, e = np.asarray(got[1]), exp[1]
    assert inv.dtype == e.dtype and inv.shape == e.shape
    if not NUMPY2 and x.dtype.kind in "fc" and np.isnan(x).any():
        _eq(np.asarray(got[0])[inv], x, signs=False)
    else:
        check(got[1], e)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in
                                                ("bool", "int16", "uint8", "int64", "float16",
                                                 "float32", "float64", "complex64",
                                                 "complex128")]))
def test_unique_axis(dtype, mode):
    """NumPy sorts the subarrays along the axis as records (field by field,
    rows with a NaN never equal); here rows lexsorted.  At most 16 of them:
    NumPy's quicksort (return_index not asked) is then an insertion sort,
    stable as ours, so the inverse indices agree where rows with NaNs
    compare equal in the sort."""
    x = data(dtype, (6, 4), seed=1)
    x[3] = x[1]
    x[5] = x[1]
    y = data(dtype, (5, 3, 2), seed=2)
    y[:, 2] = y[:, 0]
    y[3] = y[1]
    z = np.concatenate([x, x[::-1], x[2:4]])  # 14 rows, duplicates of each
    for a, axes in ((x, (0, 1, -1, -2)), (y, (0, 1, 2, -1)), (z, (0, 1))):
        for ax in axes:
            for flags in ((False, False, False), (True, True, True), (False, True, False),
                          (True, False, True), (False, False, True)):
                vcmp(lambda m, v: m.unique(v, *flags, axis=ax), a, mode=mode)
            vcmp(lambda m, v: m.unique(v, return_inverse=True, axis=ax, equal_nan=False), a,
                 mode=mode)
    # a 1-d array (NumPy 1.x: one field a record, NaNs never equal; NumPy 2:
    # as axis=None), a strided view, rows of no values, no rows, one row
    vcmp(lambda m, v: m.unique(v.ravel(), True, True, True, axis=0), x, mode=mode)
    vcmp(lambda m, v: m.unique(v[::2, 1:], True, True, True, axis=1), z, mode=mode)
    for shape, ax in (((3, 0), 0), ((3, 0), 1), ((0, 4), 0), ((0, 4), 1), ((1, 5), 0),
                      ((2, 0, 3), 2), ((4, 1), 0)):
        vcmp(lambda m, v: m.unique(v, True, True, True, axis=ax), data(dtype, shape), mode=mode)
        vcmp(lambda m, v: m.unique(v, axis=ax), data(dtype, shape), mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_unique_axis_errors(mode):
    x = data(np.float32, (4, 3))
    for f in (
        lambda m, v: m.unique(v, axis=2),
        lambda m, v: m.unique(v, axis=-3),
        lambda m, v: m.unique(v, axis=1.0),
        lambda m, v: m.unique(v, axis=[0]),
        lambda m, v: m.unique(v[0, 0], axis=0),   # 0-d
        lambda m, v: m.unique(v, axis=0, bogus=True),
    ):
        vcmp(f, x, mode=mode)


def _sorted_values(got, exp):
    same_values(lnp.sort(got) if not AGAINST_NUMPY else np.sort(got), np.sort(exp))


@pytest.mark.skipif(not NUMPY2, reason="NumPy 2's array-API functions")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", param_dtypes())
def test_unique_array_api(dtype, mode):
    x = data(dtype, (5, 7), seed=3)
    # (NumPy's hash-based unique_values may be in any order: compared sorted)
    cmp(lambda m, a: m.unique_values(a), x, mode=mode, compare=_sorted_values)
    for name in ("unique_counts", "unique_inverse", "unique_all"):
        r = cmp(lambda m, a: getattr(m, name)(a), x, mode=mode,
                compare=lambda g, e: _unique_api_ok(g, e, x))
        assert type(r).__name__ == type(getattr(np, name)(x)).__name__
        assert r._fields == getattr(np, name)(x)._fields


def _unique_api_ok(got, exp, x):
    """NaNs are distinct there (equal_nan=False) and NumPy's unstable sort
    orders equal NaNs as it may: values and counts are compared, the
    indices and inverse indices by what they mean."""
    assert type(got).__name__ == type(exp).__name__
    d = got._asdict()
    e = exp._asdict()
    same_values(d["values"], e["values"])
    if "counts" in e:
        check(d["counts"], e["counts"])
    vals = np.asarray(d["values"])
    if "inverse_indices" in e:
        inv = d["inverse_indices"]
        if x.dtype.kind not in "fc":
            check(inv, e["inverse_indices"])
        inv = np.asarray(inv)
        assert inv.dtype == e["inverse_indices"].dtype and inv.shape == e["inverse_indices"].shape
        _eq(vals[inv], x, signs=False)
    if "indices" in e:
        ind = np.asarray(d["indices"])
        assert ind.dtype == e["indices"].dtype and ind.shape == e["indices"].shape
        _eq(x.ravel()[ind], vals, signs=False)


SET_CASES = [
    # (ar1, ar2): int (NumPy's table path), few ar2 values (its loop), floats
    # with NaN (sort path), bool, mixed dtypes, empty
    (lambda: data(np.int32, (40,)), lambda: data(np.int32, (25,), seed=3)),
    (lambda: data(np.int64, (6, 7)), lambda: np.array([3, -5, 100])),
    (lambda: data(np.float64, (40,)), lambda: data(np.float64, (30,), seed=1)),
    (lambda: data(np.float32, (5, 8)), lambda: data(np.float64, (44,), seed=2)),
    (lambda: data(np.complex128, (33,)), lambda: data(np.complex128, (31,), seed=1)),
    (lambda: data(np.bool_, (20,)), lambda: np.array([True])),
    (lambda: data(np.uint8, (50,)), lambda: data(np.int16, (40,), seed=5)),
    (lambda: data(np.uint64, (30,)), lambda: data(np.uint64, (30,), seed=1)),
    (lambda: np.zeros(0, np.int32), lambda: data(np.int32, (12,))),
    (lambda: data(np.float16, (30,)), lambda: np.zeros(0, np.float16)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", range(len(SET_CASES)))
def test_set_functions(case, mode):
    mk1, mk2 = SET_CASES[case]
    a, b = mk1(), mk2()
    for inv in (False, True):
        for kind in (None, "sort", "table"):
            vcmp(lambda m, x, y: m.isin(x, y, invert=inv, kind=kind), a, b, mode=mode)
            if hasattr(np, "in1d"):
                vcmp(lambda m, x, y: m.in1d(x, y, invert=inv, kind=kind), a, b, mode=mode)
        vcmp(lambda m, x, y: m.isin(x, y, assume_unique=True, invert=inv),
            np.unique(a), np.unique(b), mode=mode)
    vcmp(lambda m, x, y: m.intersect1d(x, y), a, b, mode=mode)
    vcmp(lambda m, x, y: m.intersect1d(x, y, return_indices=True), a, b, mode=mode)
    vcmp(lambda m, x, y: m.intersect1d(x, y, assume_unique=True, return_indices=True),
        np.unique(a), np.unique(b), mode=mode)
    vcmp(lambda m, x, y: m.union1d(x, y), a, b, mode=mode)
    vcmp(lambda m, x, y: m.setdiff1d(x, y), a, b, mode=mode)
    vcmp(lambda m, x, y: m.setdiff1d(x, y, assume_unique=True), np.unique(a), np.unique(b), mode=mode)
    vcmp(lambda m, x, y: m.setxor1d(x, y), a, b, mode=mode)
    vcmp(lambda m, x, y: m.setxor1d(x, y, True), np.unique(a), np.unique(b), mode=mode)
    # a list as the second operand
    vcmp(lambda m, x: m.isin(x, b.tolist()[:3]), a, mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_set_errors(mode):
    a = data(np.int32, (10,))
    vcmp(lambda m, x: m.isin(x, x, kind="hash"), a, mode=mode)
    vcmp(lambda m, x: m.isin(x.astype(float), x, kind="table"), a, mode=mode)
    wide = np.array([-128, 127], np.int8)  # (its range overflows int8)
    vcmp(lambda m, x, y: m.isin(x, y, kind="table"), a.astype(np.int8), wide, mode=mode)
    vcmp(lambda m, x: m.unique(x, axis=1), a, mode=mode)


# ---------------------------------------------------------------- sort_complex, msort

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", param_dtypes())
def test_sort_complex(dtype, mode):
    for shape in [(0,), (9,), (3, 5)]:
        vcmp(lambda m, a: m.sort_complex(a), data(dtype, shape, seed=1), mode=mode)


@pytest.mark.skipif(not hasattr(np, "msort"), reason="NumPy 1.x only")
@pytest.mark.parametrize("mode", MODES)
def test_msort(mode):
    for shape in [(9,), (4, 5), (3, 0)]:
        vcmp(lambda m, a: m.msort(a), data(np.float32, shape, seed=2), mode=mode)
    x = data(np.int8, (5, 3))
    with pytest.warns(DeprecationWarning):
        r = lnp.msort(convert(mode)(x))
    check(r, np.sort(x, 0))


@pytest.mark.skipif(AGAINST_NUMPY, reason="checks legate.numpy's namespace")
def test_namespace_follows_numpy():
    for name in ("msort", "in1d", "unique_values", "unique_counts", "unique_inverse",
                 "unique_all"):
        assert hasattr(lnp, name) == hasattr(np, name), name
    from legate.numpy import coverage
    rep = dict(coverage.report()["numpy"])
    for name in ("sort", "argsort", "partition", "argpartition", "lexsort", "searchsorted",
                 "unique", "isin", "intersect1d", "union1d", "setdiff1d", "setxor1d",
                 "sort_complex", "digitize"):
        assert rep[name], name
    nd = dict(coverage.report()["ndarray"])
    for name in ("sort", "argsort", "partition", "argpartition", "searchsorted"):
        assert nd[name], name


# ---------------------------------------------------------------- large (multi-tile)

def _big(n):
    """Several default tiles (256K elements): default mode only (test mode's
    3-element tiles would make too many)."""
    if TEST_MODE:
        pytest.skip("default tiles only")
    return n


@needs_core
def test_large_1d():
    n = _big(600_001)
    rng = np.random.default_rng(7)
    f = rng.standard_normal(n)
    f[rng.integers(0, n, 500)] = np.nan
    f[rng.integers(0, n, 500)] = -0.0
    f[rng.integers(0, n, 500)] = 0.0
    f[rng.integers(0, n, 100)] = np.inf
    i = rng.integers(-1000, 1000, n).astype(np.int32)
    for x in (f, i, f.astype(np.float32), i.astype(np.uint16)):
        lx = lnp.array(x)
        # (stable_*: plain lnp.sort/argsort here, stable NumPy under
        # LNP_TESTS_AGAINST_NUMPY)
        same(stable_sort(lnp, lx), np.sort(x, kind="stable"))
        check(stable_argsort(lnp, lx), np.argsort(x, kind="stable"))
        s = np.sort(x)
        v = x[:1000]
        for side in ("left", "right"):
            check(lnp.searchsorted(lnp.array(s), lnp.array(v), side), np.searchsorted(s, v, side))
    lx = lnp.array(i)
    u = lnp.unique(lx, True, True, True)
    check(u, np.unique(i, True, True, True))
    check(lnp.isin(lx, lnp.array(i[:5000] * 3)), np.isin(i, i[:5000] * 3))
    check(lnp.isin(lnp.array(f), lnp.array(f[::7])), np.isin(f, f[::7]))


@needs_core
def test_large_2d_axes():
    _big(1)
    rng = np.random.default_rng(8)
    x = rng.integers(0, 50, (700, 900)).astype(np.float64)
    x[::13, ::7] = np.nan
    lx = lnp.array(x)
    for ax in (0, 1, None):
        same(stable_sort(lnp, lx, ax), np.sort(x, ax, kind="stable"))
        check(stable_argsort(lnp, lx, ax), np.argsort(x, ax, kind="stable"))
    check(lnp.lexsort((lx[0], lx[1], lx[2])), np.lexsort((x[0], x[1], x[2])))
    y = lx.copy()
    sort_method(lnp, y[100:600:3, ::-2], 0)
    z = x.copy()
    z[100:600:3, ::-2].sort(0, kind="stable")
    same(y, z)


# ---------------------------------------------------------------- native paths

@pytest.fixture
def strict(native, monkeypatch):
    """native, and no fallback warning from any path (warn_fallback)."""
    if AGAINST_NUMPY:
        yield
        return
    from legate.numpy import _runtime
    monkeypatch.setattr(_runtime, "_warned", set())
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*falling back to NumPy", category=RuntimeWarning)
        yield


def _d(x):
    return deferred(x)


@needs_core
@pytest.mark.skipif(AGAINST_NUMPY, reason="checks legate.numpy's native path")
@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in
                                                ("bool", "int8", "int64", "uint32", "float16",
                                                 "float64", "complex64")]))
def test_native_sorting(dtype, strict):
    x = data(dtype, (6, 11), seed=1)
    r = lnp.sort(_d(x), 0)
    assert r._arr is not None
    same(r, np.sort(x, 0, kind="stable"))
    check(lnp.argsort(_d(x), None), np.argsort(x, None, kind="stable"))
    check(_d(x).argsort(kind="heapsort"), np.argsort(x, kind="stable"))
    y = _d(x)
    y[::2, 1:].sort(1)
    z = x.copy()
    z[::2, 1:].sort(1, kind="stable")
    same(y, z)
    _partition_ok(lnp.partition(_d(x), [1, 3], 1), x, [1, 3], 1)
    _partition_ok(np.take_along_axis(x, np.asarray(lnp.argpartition(_d(x), 2, 0)), 0), x, 2, 0)
    y = _d(x)
    y.partition(-1)
    _partition_ok(y, x, -1, -1)
    check(lnp.lexsort((_d(x[0]), _d(x[1]))), np.lexsort((x[0], x[1])))
    check(lnp.lexsort((_d(x), _d(x[::-1])), 0), np.lexsort((x, x[::-1]), 0))
    s = np.sort(x[0])
    check(lnp.searchsorted(_d(s), _d(x[1])), np.searchsorted(s, x[1]))
    check(lnp.searchsorted(_d(x[0]), _d(x[1]), "right", _d(np.argsort(x[0], kind="stable"))),
          np.searchsorted(x[0], x[1], "right", np.argsort(x[0], kind="stable")))
    check(_d(s).searchsorted(x[1, 2]), np.searchsorted(s, x[1, 2]))
    check(lnp.sort_complex(_d(x)), np.sort_complex(x))
    if dtype.kind != "c":
        for bins in (s, s[::-1].copy()):
            check(lnp.digitize(_d(x), _d(bins)), np.digitize(x, bins))
            check(lnp.digitize(_d(x), _d(bins), True), np.digitize(x, bins, True))


@needs_core
@pytest.mark.skipif(AGAINST_NUMPY, reason="checks legate.numpy's native path")
@pytest.mark.parametrize("dtype", param_dtypes([np.dtype(t) for t in
                                                ("bool", "int16", "uint64", "float32",
                                                 "float64", "complex128")]))
def test_native_sets(dtype, strict):
    x = data(dtype, (40,), seed=1)
    y = data(dtype, (30,), seed=4)
    check(lnp.unique(_d(x)), np.unique(x))
    check(lnp.unique(_d(x), True, True, True), np.unique(x, True, True, True))
    check(lnp.unique(_d(x.reshape(5, 8)), return_inverse=True),
          np.unique(x.reshape(5, 8), return_inverse=True))
    check(lnp.unique(_d(x), equal_nan=False), np.unique(x, equal_nan=False))
    if NUMPY2:
        _sorted_values(lnp.unique_values(_d(x)), np.unique_values(x))
        check(tuple(lnp.unique_all(_d(x))), tuple(np.unique_all(x)))
    check(lnp.unique(_d(x), axis=0), np.unique(x, axis=0))
    x2 = np.concatenate([x, x[::-1]]).reshape(10, 8)
    for ax in (0, 1):
        check(lnp.unique(_d(x2), True, True, True, axis=ax), np.unique(x2, True, True, True, axis=ax))
    # (the integer data spans the dtype: NumPy's table path declines it)
    for kind in (None, "sort") if dtype.kind != "b" else (None, "sort", "table"):
        check(lnp.isin(_d(x), _d(y), kind=kind), np.isin(x, y, kind=kind))
        check(lnp.isin(_d(x), _d(y), invert=True, kind=kind), np.isin(x, y, invert=True, kind=kind))
    check(lnp.isin(_d(x), _d(y[:2])), np.isin(x, y[:2]))
    if hasattr(np, "in1d"):
        check(lnp.in1d(_d(x), _d(y)), np.in1d(x, y))
    check(lnp.intersect1d(_d(x), _d(y), return_indices=True),
          np.intersect1d(x, y, return_indices=True))
    check(lnp.union1d(_d(x), _d(y)), np.union1d(x, y))
    check(lnp.setdiff1d(_d(x), _d(y)), np.setdiff1d(x, y))
    check(lnp.setxor1d(_d(x), _d(y)), np.setxor1d(x, y))
    # NumPy's table path (integers of a small range)
    i = (np.arange(60) * 7 % 19).astype(np.int32)
    j = (np.arange(30) * 5 % 11 + 3).astype(np.int64)
    for kind in (None, "table"):
        for inv in (False, True):
            check(lnp.isin(_d(i), _d(j), invert=inv, kind=kind), np.isin(i, j, invert=inv, kind=kind))


# ---------------------------------------------------------------- properties

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    given = None

if given is not None:

    @st.composite
    def _arrays(draw):
        dt = np.dtype(draw(st.sampled_from(["int8", "uint16", "int64", "float32", "float64",
                                             "complex128", "bool"])))
        nd = draw(st.integers(1, 3))
        shape = tuple(draw(st.lists(st.integers(0, 6), min_size=nd, max_size=nd)))
        n = int(np.prod(shape))
        if dt.kind == "b":
            vals = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        elif dt.kind in "iu":
            info = np.iinfo(dt)
            vals = draw(st.lists(st.sampled_from([0, 1, 2, int(info.max), int(info.min)]) |
                                 st.integers(int(info.min), int(info.max)),
                                 min_size=n, max_size=n))
        else:
            fl = st.sampled_from([0.0, -0.0, 1.0, -1.0, np.nan, np.inf, -np.inf, 2.5]) | \
                st.floats(-100, 100, width=32)
            if dt.kind == "c":
                vals = draw(st.lists(st.tuples(fl, fl), min_size=n, max_size=n))
                vals = [complex(r, i) for r, i in vals]
            else:
                vals = draw(st.lists(fl, min_size=n, max_size=n))
        x = np.array(vals, dtype=dt).reshape(shape)
        ax = draw(st.sampled_from([None] + list(range(-nd, nd))))
        return x, ax

    _settings = settings(max_examples=40 if not TEST_MODE else 20, deadline=None,
                         derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))

    @pytest.mark.parametrize("mode", MODES)
    @_settings
    @given(_arrays())
    def test_property_sort(mode, case):
        x, ax = case
        cmp(lambda m, a: stable_sort(m, a, ax), x, mode=mode)
        cmp(lambda m, a: stable_argsort(m, a, ax), x, mode=mode)
        vcmp(lambda m, a: m.unique(a, True, True, True), x, mode=mode)
        s = np.sort(x.ravel())
        for side in ("left", "right"):
            cmp(lambda m, a, v: m.searchsorted(a, v, side), s, x, mode=mode)
        if x.size:
            n = x.size if ax is None else x.shape[ax]
            if n:
                k = n // 2
                with quiet():
                    got = lnp.partition(convert(mode)(x), k, ax)
                _partition_ok(got, x, k, ax)
