"""Advanced indexing (issue 18): integer-array gather, boolean masks, scatter
and the index functions (nonzero flatnonzero argwhere where(cond)
count_nonzero extract compress take put place putmask choose
take_along_axis put_along_axis and the ndarray methods), against NumPy over
dtypes, shapes (0-d, empty, size 1, odd, 1-D to 5-D), index arrays with
repeats and negatives, masks all-true/all-false/random, mixed keys, views as
sources and targets; NumPy's exception classes with the arrays unchanged
after an error; and, on deferred arrays, without the NumPy fallback."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AGAINST_NUMPY, ALL_DTYPES, both, check, lnp, values, dtype_id  # noqa: F401


@pytest.fixture
def nofb(monkeypatch):
    """No trip through the NumPy fallback: neither a fallback call nor the
    indexing's own materialising path."""
    if AGAINST_NUMPY:
        yield
        return
    from legate.numpy import _fallback, _indexing

    def refuse(name, *a, **k):
        raise AssertionError("fell back to NumPy: %s" % name)

    monkeypatch.setattr(_fallback, "call_numpy", lambda f, name, *a, **k: refuse(name))
    monkeypatch.setattr(_indexing, "warn_fallback", refuse)
    yield


def idx(*v):
    return np.array(v, dtype=np.intp)


# ---------------------------------------------------------------- gather
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_gather_1d_dtypes(dtype, nofb):
    a = values(dtype, (11,))
    for i in (idx(3, 0, 3, -1, 10, -11), idx(), idx(5)):
        both(lambda m, x, i: x[i], a, i)
    both(lambda m, x: x[[1, 1, 1]], a)
    both(lambda m, x: x[x[:2].astype(bool).nonzero()[0]] if x.dtype != bool else x[[0]], a)


@pytest.mark.parametrize("itype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
                                   np.uint32, np.uint64])
def test_index_dtypes(itype, nofb):
    a = values(np.float64, (9, 4))
    i = np.array([8, 0, 3, 3], dtype=itype)
    both(lambda m, x, i: x[i], a, i)
    both(lambda m, x, i: x[:, i[:2] % 4], a, i)
    if np.dtype(itype).kind == "i":
        both(lambda m, x, i: x[-i], a, i)


SHAPES = [(1,), (7,), (5, 3), (2, 3, 4), (3, 1, 2, 3), (2, 2, 1, 3, 2), (0,), (0, 3), (3, 0)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_gather_axis0_shapes(shape, nofb):
    a = values(np.int32, shape)
    n = shape[0]
    for i in ([0, n - 1, -1, 0] if n else [], [], [[0], [n - 1]] if n else [[]]):
        both(lambda m, x, i: x[m.array(i, dtype=np.intp)], a, i)


# keys built from the array (masks are computed on it)
MIXED = [
    lambda x: (slice(None), [0, 2, -1]),
    lambda x: ([1, 0], slice(None), [2, 2]),
    lambda x: (Ellipsis, [1, 1, 0]),
    lambda x: (None, [1, 0]),
    lambda x: ([[0], [1]], [2, 0]),
    lambda x: (1, slice(None), [1, 2]),
    lambda x: (slice(None), 1, [1, 2]),
    lambda x: ([0, 1], None, [1, 2]),
    lambda x: (slice(None), [0, 1], Ellipsis, [1, 2]),
    lambda x: (slice(1, None), [[0, 1]], slice(None, None, -2)),
    lambda x: ([0, 1], 2),
    lambda x: (-1, [0, -2], slice(1, 3)),
    lambda x: x[:, 0, 0] > 3,
    lambda x: (Ellipsis, x[0, 0] > 1),
    lambda x: (slice(None), x[0, :, 0] >= 0, [1]),
    lambda x: x > 10,
    lambda x: x[:, :, 0] > 10,
    lambda x: [True, False, True],
    lambda x: (np.array([1, 0]), np.array([[0], [3]])),
    lambda x: (x[:, 0, 0] > 3, slice(None), [0, 4]),
]


@pytest.mark.parametrize("k", range(len(MIXED)))
def test_mixed_keys(k, nofb):
    a = values(np.float64, (3, 4, 5))
    both(lambda m, x: x[MIXED[k](x)], a)


@pytest.mark.parametrize("k", range(len(MIXED)))
def test_mixed_keys_set(k, nofb):
    a = values(np.int64, (3, 4, 5))

    def f(m, x):
        key = MIXED[k](x)
        r = x[key]
        v = m.arange(r.size, dtype=np.int64).reshape(r.shape) * -1
        if r.ndim > 1:
            v = v[0]  # broadcast along the leading dim
        x[key] = v
        return x
    both(f, a)


def test_views_as_sources_and_targets(nofb):
    a = values(np.float64, (8, 6))
    both(lambda m, x: x[::2][[3, 0, 1]], a)
    both(lambda m, x: x.T[[5, 0]], a)
    both(lambda m, x: x[1:7:2, ::-1][:, [0, 5, 5]], a)
    both(lambda m, x: x[2][[1, 4]], a)
    # rows narrower than the store's (the fuzzer: a[[2, 1], :1] read the
    # store's first elements as if the view's rows were whole)
    both(lambda m, x: x[[5, 2, 0], :1], a)
    both(lambda m, x: x[:, :4][[7, 1]], a)
    both(lambda m, x: x[x[:, 0] > 20, :2], a)
    b = values(np.int32, (4, 3, 5))
    both(lambda m, x: x[[3, 0], :, 1:], b)
    both(lambda m, x: x[..., :2][[2, 0, 2]], b)
    for shape in ((3, 2), (7, 2), (9, 3), (5, 3, 2)):  # rows of one tile
        c = values(np.float64, shape)
        both(lambda m, x: x[[2, 1, 0], :1], c)
        both(lambda m, x: x[[-1, 0], 1:], c)

    def set_view(m, x):
        v = x[1::2, ::-1]
        v[[0, 2], [1, 1]] = -1.0
        v[v > 40] = m.arange(int((v > 40).sum()), dtype=float)
        return x
    both(set_view, a)

    def set_transposed(m, x):
        x.T[[1, 3]] = m.arange(8.0)
        return x
    both(set_transposed, a)

    def self_overlap(m, x):
        x[[0, 1, 2]] = x[[2, 0, 1]]
        return x
    both(self_overlap, a)


def test_masks(nofb):
    rng = np.random.default_rng(1)
    for shape in [(7,), (4, 5), (2, 3, 4), (2, 1, 3, 2, 2), (0,), (0, 4), (1,)]:
        a = values(np.float32, shape)
        for mask in (np.ones(shape, bool), np.zeros(shape, bool), rng.random(shape) < 0.4):
            both(lambda m, x, k: x[k], a, mask)
            both(lambda m, x, k: x[m.asarray(k)], a, mask)
            if len(shape) > 1:
                both(lambda m, x, k: x[k[..., 0]], a, mask)

            def setm(m, x, k):
                x[k] = m.arange(int(m.count_nonzero(k)), dtype=np.float32)
                return x
            both(setm, a, mask)

            def setv(m, x, k):
                x[k] = 2.5
                return x
            both(setv, a, mask)


def test_repeats_last_write_wins(nofb):
    a = values(np.int64, (6,))

    def f(m, x):
        x[[1, 3, 1, 1, 5, 3]] = m.array([10, 20, 30, 40, 50, 60])
        return x
    both(f, a)

    def g(m, x):
        x[[0, 0, 2]] += 1
        return x
    both(g, a)


@pytest.mark.parametrize("bad", [
    lambda m, x: x[[0, 7]],
    lambda m, x: x[[-8]],
    lambda m, x: x[:, [4]],
    lambda m, x: x[[0, 1], [0, 1, 2]],
    lambda m, x: x[np.array([1.0])],
    lambda m, x: x[np.ones(4, bool)],
    lambda m, x: x[np.ones((7, 2), bool)],
    lambda m, x: x[[0], [0], [0]],
    lambda m, x: m.zeros(())[[0]],
    lambda m, x: m.zeros((0, 3))[[0]],
])
def test_gather_errors(bad):
    both(bad, values(np.float64, (7, 3)))


@pytest.mark.parametrize("key", [[3, 7, -9], [-8], [0, 1, 2, 100], [[1, 2], [3, -20]]])
def test_gather_errors_1d_message(key):
    """Rows of one element: the gather checks its own offsets; NumPy's
    message names the first bad index in C order."""
    for m in (np, lnp):
        x = m.arange(7.0)
        with pytest.raises(IndexError) as e:
            x[m.array(key)]
        if m is np:
            want = str(e.value)
        else:
            assert str(e.value) == want
    both(lambda m, x: x[::-2][m.array([0, -4, 3, -1])], np.arange(9.0))
    both(lambda m, x: x[:, None][m.array([[2], [-1]])], np.arange(9.0))


@pytest.mark.parametrize("bad", [
    lambda m, x: x.__setitem__([0, 7], 1.0),
    lambda m, x: x.__setitem__(([0, 1], [5, 0]), 1.0),
    lambda m, x: x.__setitem__([0, 1], m.ones(4)),
    lambda m, x: x.__setitem__(x > 3, m.ones(100)),
    lambda m, x: x.__setitem__((slice(None), [1, -4]), 0),
    lambda m, x: x.__setitem__(x > 3, m.ones((1, 1))),
    lambda m, x: x.__setitem__(x > 3, m.ones(2)),
    lambda m, x: x.__setitem__((x > 3,), m.ones(2)),
    lambda m, x: x.__setitem__(x[:, 0] > 3, m.ones((1, 1))),
])
def test_scatter_errors_leave_array(bad):
    both(bad, values(np.float64, (7, 3)))


def test_values_cast_like_numpy(nofb):
    a = values(np.int16, (6,))

    def f(m, x):
        x[[0, 2]] = m.array([1.7, -2.9])
        x[[1]] = True
        return x
    both(f, a)
    b = values(np.complex128, (5,))

    def g(m, x):
        x[[4, 0]] = m.array([1, 2], dtype=np.int8)
        return x
    both(g, b)


# ---------------------------------------------------------------- functions
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2), (2, 1, 2, 3, 2), (0,), (2, 0)], ids=str)
@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.uint32, np.float16, np.float64, np.complex64],
                         ids=dtype_id)
def test_nonzero_family(shape, dtype, nofb):
    a = values(dtype, shape, kind="small") if dtype != np.bool_ else values(dtype, shape)
    both(lambda m, x: m.nonzero(x), a)
    both(lambda m, x: x.nonzero(), a)
    both(lambda m, x: m.flatnonzero(x), a)
    both(lambda m, x: m.argwhere(x), a)
    both(lambda m, x: m.where(x), a)
    both(lambda m, x: m.count_nonzero(x), a)
    both(lambda m, x: m.extract(x, x), a)


def test_nonzero_of_views(nofb):
    a = values(np.int64, (6, 5)) % 3
    both(lambda m, x: m.nonzero(x[::2, ::-1]), a)
    both(lambda m, x: m.argwhere(x.T), a)
    both(lambda m, x: m.flatnonzero(x[1:, 2]), a)


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_take(mode, axis, nofb):
    a = values(np.float64, (5, 4))
    for i in ([0, 3, 3, -1], [[1, 0], [2, 2]], [], 2, [7, -9]):
        if mode == "raise" and i == [7, -9]:
            continue
        both(lambda m, x: m.take(x, i, axis=axis, mode=mode), a)
        both(lambda m, x: x.take(i, axis=axis, mode=mode), a)


def test_take_errors():
    a = values(np.float64, (5, 4))
    both(lambda m, x: m.take(x, [20]), a)
    both(lambda m, x: m.take(x, [5], axis=0), a)
    both(lambda m, x: m.take(x, [0], axis=2), a)


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_put(mode, nofb):
    a = values(np.int32, (4, 5))

    def f(m, x):
        m.put(x, [0, 19, -1, 3, 3], [7, 8, 9], mode=mode)
        return x
    both(f, a)

    def g(m, x):
        x[1:, ::2].put([0, 4, 8], m.array([-1, -2, -3]), mode=mode)
        return x
    both(g, a)

    if mode != "raise":
        def h(m, x):
            m.put(x, [25, -30], [1, 2], mode=mode)
            return x
        both(h, a)


def test_put_errors():
    # NumPy writes the values before the bad index, then raises; ours (on
    # deferred arrays) checks first and writes nothing
    for m in (np, lnp):
        x = m.array(values(np.int32, (4, 5)))
        with pytest.raises(IndexError):
            m.put(x, [0, 20], [1, 2])


def test_place_putmask(nofb):
    a = values(np.float64, (4, 5))

    def f(m, x):
        m.place(x, x > 10, [-1, -2, -3])
        return x
    both(f, a)

    def g(m, x):
        m.putmask(x, x % 3 == 0, m.array([100.0, 200.0]))
        return x
    both(g, a)

    def h(m, x):
        m.place(x, x > 1e9, [])
        return x
    both(h, a)


def test_place_empty_values_error():
    both(lambda m, x: m.place(x, x > 0, []), values(np.float64, (4, 5)))


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_compress(axis, nofb):
    a = values(np.float64, (4, 5))
    for c in ([True, False, True], [False] * 4, [1, 0, 1, 1], [True, False, False, True, True]):
        if axis == 0 and len(c) > 4:
            continue
        both(lambda m, x: m.compress(c, x, axis=axis), a)
        both(lambda m, x: x.compress(c, axis=axis), a)


def test_compress_errors():
    both(lambda m, x: m.compress([0, 0, 0, 0, 0, 1], x, axis=0), values(np.float64, (4, 5)))


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_choose(mode, nofb):
    rng = np.random.default_rng(3)
    sel = rng.integers(0, 3, (4, 5))
    cs = [values(np.float64, (4, 5)), values(np.float64, (5,)) * 10, np.full((4, 1), -1.0)]
    both(lambda m, s, a, b, c: m.choose(s, [a, b, c], mode=mode), sel, *cs)
    both(lambda m, s, a, b, c: s.choose([a, b, c], mode=mode), sel, *cs)
    if mode != "raise":
        both(lambda m, s, a, b, c: m.choose(s * 2 - 3, [a, b, c], mode=mode), sel, *cs)


def test_choose_errors():
    sel = np.array([0, 3, 1])
    both(lambda m, s: m.choose(s, [m.zeros(3), m.ones(3)]), sel)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_take_put_along_axis(axis, nofb):
    a = values(np.float64, (4, 5))
    i = np.argsort(values(np.float64, (4, 5), kind="small", seed=2), axis=axis)
    both(lambda m, x, j: m.take_along_axis(x, j, axis), a, i)

    def f(m, x, j):
        m.put_along_axis(x, j[:1] if axis == 0 else j[:, :1], -7.0, axis)
        return x
    both(f, a, i)


# ---------------------------------------------------------------- property
@st.composite
def _cases(draw):
    nd = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=nd, max_size=nd)))
    key = []
    has_adv = False
    for d in range(nd):
        n = shape[d]
        kind = draw(st.sampled_from(["slice", "int", "arr", "arr", "mask", "full"]))
        if kind == "int" and n:
            key.append(draw(st.integers(-n, n - 1)))
        elif kind == "arr" and n:
            k = draw(st.integers(0, 4))
            key.append(np.array(draw(st.lists(st.integers(-n, n - 1), min_size=k, max_size=k)),
                                dtype=np.int64))
            has_adv = True
        elif kind == "mask" and not any(isinstance(k, np.ndarray) and k.dtype == bool for k in key):
            key.append(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool))
            has_adv = True
        elif kind == "slice":
            key.append(slice(draw(st.integers(-n - 1, n)), None, draw(st.sampled_from([1, 2, -1]))))
        else:
            key.append(slice(None))
    if not has_adv and nd and shape[0]:
        key[0] = np.array([0, -1])
    return shape, tuple(key)


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(_cases())
def test_property_get_set(case):
    shape, key = case
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    r = both(lambda m, x: x[key], a)

    def f(m, x):
        res = x[key]
        x[key] = -m.ones(res.shape) if hasattr(res, "shape") else -1.0
        return x
    both(f, a)
    del r


# ---------------------------------------------------------------- native
@pytest.mark.skipif(AGAINST_NUMPY, reason="checks legate.numpy-specific behaviour")
def test_deferred_paths_are_native(monkeypatch):
    """On deferred arrays the gather, scatter and compaction run as tasks:
    no fallback warning, results still deferred."""
    import warnings
    from legate.numpy import _core
    import os
    # deferred by size by default; in test mode (3-element tiles) smaller
    n = 3000 if os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0") else 200000
    a = lnp.arange(n, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        before = sum(_core.task_counts().get(k, 0) for k in ("cpu", "cuda"))
        i = lnp.arange(0, n, 7)
        r = a[i]
        m = a[a % 3 == 0]
        a[i] = 0.0
        nz = lnp.nonzero(a)
        assert r._arr is not None and m._arr is not None and nz[0]._arr is not None
        check(r, np.arange(0, n, 7, dtype=np.float64))
        check(m, np.arange(0, n, 3, dtype=np.float64))
        assert int(nz[0].shape[0]) == n - 1 - len(range(7, n, 7))
        after = sum(_core.task_counts().get(k, 0) for k in ("cpu", "cuda"))
        if _core.config().get("nranks", 1) == 1:  # (another rank may own every tile)
            assert after > before


@pytest.mark.parametrize("shape,key,vshape", [
    ((2, 0), (np.array([], int), np.array([], bool)), (2, 0)),
    ((1, 1), (slice(None, 0), np.array([], int)), (2, 0, 1)),
    ((1, 1), (np.array([], int),), (2, 0, 1)),
    ((1, 1), (slice(None, 0), np.array([], int)), (3,)),
    ((3, 2), ([0, 1],), (5, 2, 2)),
    ((3, 2), ([0, 1],), (1, 2, 2))])
def test_setitem_value_leading_dims_on_empty_result(shape, key, vshape):
    """An advanced key with an empty result takes a value with extra
    leading dims (NumPy's map iterator checks only the trailing ones);
    a non-empty result refuses them (the fuzzer found the first case)."""
    def f(m, x):
        x[key] = m.asarray(np.zeros(vshape, x.dtype))
        return x
    both(f, np.ones(shape))
