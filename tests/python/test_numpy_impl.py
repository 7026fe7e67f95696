"""Functions served by NumPy's own Python implementations rebound to
legate.numpy (python/legate/numpy/_numpy_impl.py): pad insert delete
trim_zeros ix_ diag_indices(_from) tril/triu_indices(_from) select kron
vander real_if_close unwrap cov corrcoef block; nan_to_num; and
fill_diagonal, copyto(where=), result_type/can_cast/min_scalar_type.
Against NumPy (values, dtype, shape, exception class) and, on deferred
arrays, with no trip through the fallback."""

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, NUMPY2, both, check, lnp, native, values  # noqa: F401


@pytest.fixture
def native1(request):
    """native, except under NumPy 2 (whose trim_zeros calls argwhere, not
    native yet)."""
    if not NUMPY2:
        request.getfixturevalue("native")
    yield

MODES = ["constant", "edge", "reflect", "symmetric", "wrap", "maximum", "minimum", "mean",
         "linear_ramp", "empty"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape", [(7,), (4, 5), (3, 1, 4), (1,)])
@pytest.mark.parametrize("pw", [0, 1, 3, ((1, 2),), 9])
def test_pad_modes(mode, shape, pw, native):
    a = values(np.float64, shape)
    if pw == ((1, 2),) and len(shape) > 1:
        pw = ((1, 2),) * len(shape)
    if mode == "empty":
        r = lnp.pad(lnp.array(a), pw, mode)
        assert r.shape == np.pad(a, pw, mode).shape
        return
    both(lambda m, x: m.pad(x, pw, mode), a)


@pytest.mark.parametrize("dtype", [np.int8, np.uint16, np.int64, np.float32, np.complex64, bool])
def test_pad_keywords_and_dtypes(dtype, native):
    a = values(dtype, (5, 6))
    both(lambda m, x: m.pad(x, ((2, 1), (0, 3)), "constant", constant_values=((1, 2), (0, 1))), a)
    if dtype is not bool:
        both(lambda m, x: m.pad(x, 2, "reflect", reflect_type="odd"), a)
        both(lambda m, x: m.pad(x, 3, "mean", stat_length=((1, 2), (3, 1))), a)
        both(lambda m, x: m.pad(x, 2, "linear_ramp", end_values=(5, -1)), a)


@pytest.mark.parametrize("bad", [
    lambda m: m.pad(m.ones(3), -1),
    lambda m: m.pad(m.ones(3), 1, "nonsense"),
    lambda m: m.pad(m.ones(3), ((1, 2), (3, 4))),
    lambda m: m.pad(m.ones(3), 1, "edge", constant_values=3),
    lambda m: m.pad(m.ones(0), 1, "reflect"),
    lambda m: m.insert(m.ones((2, 3)), 5, 1.0, axis=1),
    lambda m: m.delete(m.ones((2, 3)), 7, axis=0),
    lambda m: m.delete(m.ones((2, 3)), 0, axis=2),
    lambda m: m.kron(m.ones(2), "x"),
    lambda m: m.select([m.ones(3, bool)], [m.ones(3), m.ones(3)]),
    lambda m: m.diag_indices_from(m.ones((2, 3))),
])
def test_errors_like_numpy(bad):
    both(lambda m: bad(m))


@pytest.mark.parametrize("shape", [(9,), (4, 6), (3, 4, 5)])
@pytest.mark.parametrize("axis", [None, 0, -1])
@pytest.mark.parametrize("where", [0, -1, 2, slice(1, None, 2), [0, 2], [-1, 1, 1]])
def test_insert_delete(shape, axis, where, native):
    a = values(np.int32, shape)
    if axis is None and isinstance(where, list) and len(where) == 3 and len(shape) > 1:
        return
    both(lambda m, x: m.delete(x, where, axis=axis), a)
    both(lambda m, x: m.insert(x, where, 7, axis=axis), a)


def test_insert_values_and_bool_delete(native):
    a = values(np.float64, (5, 4))
    both(lambda m, x: m.insert(x, 1, [1.5, 2.5, 3.5, 4.5], axis=1), a)
    both(lambda m, x: m.insert(x, [1, 3], -1.0, axis=0), a)
    both(lambda m, x: m.delete(x, np.array([True, False, True, False, False]), axis=0), a)


def test_trim_zeros_ix_indices(native1):
    v = np.array([0, 0, 3, 0, 4, 5, 0, 0], dtype=np.float64)
    both(lambda m, x: m.trim_zeros(x), v)
    both(lambda m, x: m.trim_zeros(x, "f"), v)
    both(lambda m, x: m.trim_zeros(x, "b"), v)
    both(lambda m, x, y: m.ix_(x, y), np.array([0, 2, 1]), np.array([3, 1]))
    for n in (1, 4, 7):
        both(lambda m: m.diag_indices(n))
        both(lambda m: m.diag_indices(n, 3))
    both(lambda m, x: m.diag_indices_from(x), values(np.int8, (4, 4)))


@pytest.mark.parametrize("n,k,mcols", [(4, 0, None), (5, -1, None), (5, 2, 7), (1, 0, None), (0, 0, None)])
def test_tri_indices(n, k, mcols):
    both(lambda m: m.tril_indices(n, k, mcols))
    both(lambda m: m.triu_indices(n, k, mcols))
    a = values(np.float32, (n, mcols or n))
    both(lambda m, x: m.tril_indices_from(x, k), a)
    both(lambda m, x: m.triu_indices_from(x, k), a)


def test_select_kron(native):
    a = values(np.float64, (6, 5))
    both(lambda m, x: m.select([x < 0, x > 1], [x, -x], 0.5), a)
    both(lambda m, x: m.select([x < 0], [x]), a)
    both(lambda m, x: m.kron(x[:2, :3], m.ones((2, 2))), a)
    both(lambda m, x: m.kron(x[0], x[1]), a)


def test_vander():
    """(its multiply.accumulate is not native yet)"""
    a = values(np.float64, (6, 5))
    both(lambda m, x: m.vander(x[0]), a)
    both(lambda m, x: m.vander(x[0], 3, increasing=True), a)


def test_real_if_close_nan_to_num_unwrap(native):
    c = values(np.complex128, (4, 5))
    both(lambda m, x: m.real_if_close(x), c)
    both(lambda m, x: m.real_if_close(x.real + 0j), c)
    f = np.array([1.0, np.nan, np.inf, -np.inf, 3.0] * 3)
    both(lambda m, x: m.nan_to_num(x), f)
    both(lambda m, x: m.nan_to_num(x, nan=-1.0, posinf=7.0, neginf=-7.0), f)
    ph = np.linspace(0, 20, 37).reshape(37)
    both(lambda m, x: m.unwrap(x), ph, approx=True)
    both(lambda m, x: m.unwrap(x, period=4.0), ph, approx=True)


def test_cov_corrcoef():
    a = values(np.float64, (3, 9)) + np.arange(27.0).reshape(3, 9) ** 0.5
    both(lambda m, x: m.cov(x), a, approx=True)
    both(lambda m, x: m.cov(x, rowvar=False, ddof=0), a, approx=True)
    both(lambda m, x: m.corrcoef(x), a, approx=True)


@pytest.mark.parametrize("shape,wrap", [((4, 4), False), ((7, 3), True), ((7, 3), False), ((3, 3, 3), False),
                                        ((2, 6), False)])
@pytest.mark.parametrize("val", [5.0, [1, 2], np.arange(4.0)])
def test_fill_diagonal(shape, wrap, val, native):
    both(lambda m, x: m.fill_diagonal(x, val, wrap), values(np.float64, shape), check_args=True)


def test_fill_diagonal_errors():
    both(lambda m, x: m.fill_diagonal(x, 1), values(np.float64, (4,)))
    both(lambda m, x: m.fill_diagonal(x, 1), values(np.float64, (3, 4, 3)))


@pytest.mark.parametrize("src_dtype", [np.float64, np.int64, np.complex128, bool])
@pytest.mark.parametrize("casting", ["same_kind", "unsafe", "safe"])
def test_copyto_where(src_dtype, casting, native):
    dst = values(np.float32, (6, 7))
    src = values(src_dtype, (6, 7), seed=3)
    mask = (np.arange(42).reshape(6, 7) % 3) == 1
    both(lambda m, d, s, w: m.copyto(d, s, casting=casting, where=w), dst, src, mask, check_args=True)
    both(lambda m, d, w: m.copyto(d, 2.5, where=w), dst, mask, check_args=True)
    both(lambda m, d, s, w: m.copyto(d, s[0], casting=casting, where=w[:, 0:1]), dst, src, mask,
         check_args=True)


def test_copyto_where_errors():
    dst = values(np.int32, (4, 5))
    both(lambda m, d: m.copyto(d, m.ones((4, 5)), where=m.ones((4, 5), bool)), dst)
    both(lambda m, d: m.copyto(d, m.ones((3, 5), np.int32), where=m.ones((4, 5), bool)), dst)
    both(lambda m, d: m.copyto(d, m.ones((4, 5), np.int32), where=m.ones((2, 5), bool)), dst)


def test_dtype_functions_read_no_data(native):
    a = lnp.array(values(np.int8, (1000,)))
    assert lnp.result_type(a, 1.0) == np.result_type(np.int8, 1.0)
    assert lnp.result_type(a, np.uint16, np.float32) == np.result_type(np.int8, np.uint16, np.float32)
    z = lnp.array(np.array(3, dtype=np.int64))
    assert lnp.result_type(z, np.int8) == np.result_type(np.array(3, dtype=np.int64), np.int8)
    assert lnp.can_cast(a, np.int16) and not lnp.can_cast(a, np.uint8)
    assert lnp.can_cast(a, np.uint8, "unsafe")
    assert lnp.min_scalar_type(a) == np.min_scalar_type(np.zeros(3, np.int8))
    assert lnp.min_scalar_type(300) == np.min_scalar_type(300)


@pytest.mark.skipif(AGAINST_NUMPY, reason="legate-specific (the coverage command)")
def test_coverage_command_classes_functions():
    from legate.numpy import coverage
    rep = coverage.report()
    numpy_rows = dict(rep["numpy"])
    for name in ("pad", "tril", "diagonal", "add", "sum", "concatenate", "copyto", "kron"):
        assert numpy_rows[name] is True, name
    assert dict(rep["fft"])["fft"] is True
    assert numpy_rows["packbits"] is False  # still NumPy's, through the fallback
    nd = dict(rep["ndarray"])
    assert nd["sum"] and nd["diagonal"] and nd["trace"] and nd["repeat"]
    assert all(len(rows) > 0 for rows in rep.values())
    assert coverage.main(["--markdown"]) == 0


def test_block(native):
    a = values(np.float64, (2, 2))
    b = values(np.float64, (2, 3), seed=1)
    c = values(np.float64, (1, 5), seed=2)
    both(lambda m, x, y, z: m.block([[x, y], [z]]), a, b, c)
    both(lambda m, x, y: m.block([x[0], 4.0, y[1]]), a, b)
    both(lambda m, x: m.block([[[x]], [[x]]]), a)
    both(lambda m, x, y: m.block([[x], [y]]), a, b)  # shapes do not match: ValueError
    both(lambda m, x: m.block([x, [x]]), a)  # depths differ: ValueError


@pytest.mark.parametrize("shape", [(12,), (3, 4), (2, 3, 2)])
@pytest.mark.parametrize("order", ["C", "F"])
def test_unravel_ravel_index(shape, order, native):
    size = int(np.prod(shape))
    idx = (np.arange(size * 2) * 7) % size
    both(lambda m, i: m.unravel_index(i, shape, order), idx)
    coords = np.unravel_index(idx, shape, order)
    both(lambda m, *c: m.ravel_multi_index(c, shape, order=order), *coords)
    big = tuple(c + 1 for c in coords)
    both(lambda m, *c: m.ravel_multi_index(c, shape, mode="wrap", order=order), *big)
    both(lambda m, *c: m.ravel_multi_index(c, shape, mode="clip", order=order), *big)


def test_unravel_ravel_index_errors():
    both(lambda m, i: m.unravel_index(i, (2, 2)), np.array([0, 4]))
    both(lambda m, i: m.unravel_index(i, (2, 2)), np.array([0.0, 1.0]))
    both(lambda m, i: m.unravel_index(i, (2, 2), "X"), np.array([0, 1]))
    both(lambda m, i, j: m.ravel_multi_index((i, j), (2, 2)), np.array([0, 2]), np.array([0, 1]))
    both(lambda m, i, j: m.ravel_multi_index((i, j), (2, 2), mode="bad"), np.array([0, 1]), np.array([0, 1]))
    both(lambda m, i: m.ravel_multi_index((i,), (2, 2)), np.array([0, 1]))


def test_require_asfortranarray(native):
    a = values(np.float32, (4, 5))
    both(lambda m, x: m.asfortranarray(x), a)
    both(lambda m, x: m.asfortranarray(x, dtype=np.float64), a)
    for req in (None, "C", ["A", "O"], ["W"], "F", ["E"]):
        both(lambda m, x: m.require(x, np.float64, req), a)
    both(lambda m, x: m.require(x, None, ["Z"]), a)
    r = lnp.require(lnp.array(a)[::2], requirements=["O"])
    assert r.flags.owndata


@pytest.mark.parametrize("name,args", [
    ("poly", ([1.0, 2.0, 3.0],)), ("poly", ([[1.0, 2.0], [3.0, 4.0]],)), ("roots", ([1.0, -3.0, 2.0],)),
    ("roots", ([0.0, 0.0, 1.0, 0.0],)), ("polydiv", ([1.0, -3.0, 2.0], [1.0, -1.0])),
    ("polydiv", ([1.0, -3.0, 2.0], [2.0])), ("isfortran", (np.ones((2, 3)),))])
def test_polynomials_and_helpers(name, args, native):
    """NumPy's polynomial code (poly, roots over eigvals, polydiv) and
    isfortran on deferred arrays."""
    arrays = [np.asarray(a, dtype=np.float64) for a in args]
    want = getattr(np, name)(*arrays)
    got = getattr(lnp, name)(*[lnp.array(a) for a in arrays])
    if name == "roots":
        g = np.asarray(got)
        assert g.dtype == want.dtype and g.shape == want.shape
        np.testing.assert_allclose(np.sort_complex(g), np.sort_complex(want), atol=1e-9)
    elif isinstance(want, tuple):
        for g, w in zip(got, want):
            check(g, w, approx=True)
    elif isinstance(want, (bool, np.bool_)):
        assert bool(got) == bool(want)
    else:
        check(got, want, approx=True)


@pytest.mark.skipif(not NUMPY2, reason="NumPy 2's array-API additions")
@pytest.mark.parametrize("call", [
    lambda m, a, v: m.astype(a, np.float32), lambda m, a, v: m.astype(a, np.int64, copy=False),
    lambda m, a, v: m.concat([a, a], axis=1), lambda m, a, v: m.concat([a[0], v]),
    lambda m, a, v: m.cumulative_sum(v, include_initial=True), lambda m, a, v: m.cumulative_sum(a, axis=1),
    lambda m, a, v: m.cumulative_prod(v + 1, include_initial=True), lambda m, a, v: m.unstack(a, axis=1),
    lambda m, a, v: m.matrix_transpose(a), lambda m, a, v: m.vecdot(a, a),
    lambda m, a, v: m.matvec(a, a[0]), lambda m, a, v: m.vecmat(a[:, 0], a),
    lambda m, a, v: m.cumulative_sum(a), lambda m, a, v: m.matvec(a, v[:3]),
    lambda m, a, v: m.astype(a, np.float32, device="gpu")])
def test_numpy2_additions(call, native):
    a = values(np.float64, (4, 5))
    v = values(np.float64, (5,), seed=1)
    both(lambda m, x, y: call(m, x, y), a, v)


@pytest.mark.skipif(not NUMPY2, reason="NumPy 2's array-API additions")
def test_device_and_to_device():
    x = lnp.ones(100000)
    assert x.device == "cpu" and x.to_device("cpu") is x
    with pytest.raises(ValueError):
        x.to_device("gpu")
