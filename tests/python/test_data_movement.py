"""Diagonals, triangles, repetition, splits, joins and rotations (issue 18's
"data movement and shape"): diag diagflat diagonal trace tri tril triu tile
repeat resize split array_split hsplit vsplit dsplit column_stack dstack
append rot90 rollaxis indices fromfunction, against NumPy over dtypes,
shapes (0-d, empty, size 1, odd, 1-D to 5-D), axes, keywords and NumPy's
exception classes; and, on deferred arrays, without the NumPy fallback."""

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, both, check, lnp, native, values, param_dtypes  # noqa: F401

SHAPES_2D = [(0, 0), (1, 1), (5, 5), (4, 7), (7, 4), (0, 3), (13, 11)]
SHAPES_ND = [(), (0,), (1,), (7,), (3, 5), (2, 3, 4), (2, 1, 3, 2), (2, 2, 1, 3, 2)]


@pytest.mark.parametrize("shape", SHAPES_2D)
@pytest.mark.parametrize("k", [-5, -1, 0, 1, 3, 20])
def test_diagonal_diag_trace_2d(shape, k, native):
    a = values(np.float64, shape)
    both(lambda m, x: m.diagonal(x, k), a)
    both(lambda m, x: x.diagonal(k), a)
    both(lambda m, x: m.diag(x, k), a)
    both(lambda m, x: m.trace(x, k), a)
    both(lambda m, x: x.trace(k), a)


@pytest.mark.parametrize("dtype", param_dtypes())
def test_diag_of_vectors(dtype, native):
    v = values(dtype, (9,))
    for k in (-3, 0, 2):
        both(lambda m, x: m.diag(x, k), v)
    both(lambda m, x: m.diagflat(x.reshape(3, 3), 1), v)
    both(lambda m, x: m.diag(x[:0]), v)


@pytest.mark.parametrize("axes", [(0, 1), (1, 0), (0, 2), (2, 0), (-1, -2), (1, 2)])
@pytest.mark.parametrize("k", [-1, 0, 2])
def test_diagonal_nd(axes, k):
    a = values(np.int64, (3, 4, 5))
    both(lambda m, x: m.diagonal(x, k, *axes), a)
    both(lambda m, x: m.trace(x, k, *axes), a)
    both(lambda m, x: m.trace(x, k, *axes, dtype=np.float32), a)


def test_diagonal_is_read_only_and_a_view():
    a = values(np.float64, (6, 6))
    d = both(lambda m, x: m.diagonal(x), a)
    if not AGAINST_NUMPY:
        assert not d.flags.writeable
        with pytest.raises(ValueError):
            d[0] = 5.0
    # of a contiguous array, a view: later writes show through, as in NumPy
    la = lnp.array(a)
    ld = lnp.diagonal(la, 1)
    la[2, 3] = 99.0
    assert float(ld[2]) == 99.0


@pytest.mark.parametrize("bad", [
    lambda m: m.diagonal(m.array([1, 2, 3])),
    lambda m: m.diagonal(m.ones((3, 3)), 0, 0, 0),
    lambda m: m.diagonal(m.ones((3, 3)), 0, 0, 2),
    lambda m: m.diag(m.ones((2, 2, 2))),
    lambda m: m.trace(m.ones(3)),
    lambda m: m.tile(m.ones(3), (-1,)),
    lambda m: m.repeat(m.ones(3), -1),
    lambda m: m.repeat(m.ones((2, 3)), 2, axis=2),
    lambda m: m.split(m.ones(7), 2),
    lambda m: m.split(m.ones(7), 0),
    lambda m: m.vsplit(m.ones(7), 7),
    lambda m: m.dsplit(m.ones((2, 2)), 2),
    lambda m: m.hsplit(m.ones(()), 1),
    lambda m: m.rot90(m.ones(3)),
    lambda m: m.rot90(m.ones((3, 3)), 1, (0, 0)),
    lambda m: m.rollaxis(m.ones((2, 3)), 3),
    lambda m: m.resize(m.ones(3), (-1, 2)),
])
def test_errors_like_numpy(bad):
    both(lambda m: bad(m))


@pytest.mark.parametrize("shape", SHAPES_2D + [(3, 4, 5), (2, 3, 4, 5)])
@pytest.mark.parametrize("k", [-2, 0, 1])
def test_tril_triu(shape, k, native):
    a = values(np.float32, shape)
    both(lambda m, x: m.tril(x, k), a)
    both(lambda m, x: m.triu(x, k), a)


@pytest.mark.parametrize("dtype", param_dtypes())
def test_tril_triu_dtypes_and_1d(dtype):
    a = values(dtype, (6, 5))
    both(lambda m, x: m.tril(x, -1), a)
    both(lambda m, x: m.triu(x, 2), a)
    both(lambda m, x: m.tril(x[0]), a)


@pytest.mark.parametrize("args", [(3,), (4, 6), (6, 4, 1), (5, 5, -2), (0, 3), (1, 1, 5), (300, 400, 7)])
@pytest.mark.parametrize("dtype", [float, np.int32, bool, np.complex64])
def test_tri(args, dtype):
    both(lambda m: m.tri(*args, dtype=dtype))


@pytest.mark.parametrize("shape", SHAPES_ND)
@pytest.mark.parametrize("reps", [2, (2, 1), (1, 3, 2), (0, 2), (2, 1, 1, 1, 2, 1)])
def test_tile(shape, reps, native):
    both(lambda m, x: m.tile(x, reps), values(np.int16, shape))


@pytest.mark.parametrize("shape", SHAPES_ND)
@pytest.mark.parametrize("n", [0, 1, 3])
def test_repeat_scalar_counts(shape, n, native):
    a = values(np.float64, shape)
    both(lambda m, x: m.repeat(x, n), a)
    for axis in range(-len(shape), len(shape)):
        both(lambda m, x: m.repeat(x, n, axis=axis), a)
        both(lambda m, x: x.repeat([n], axis=axis), a)


def test_repeat_per_element_counts(native):
    a = values(np.int64, (3, 4))
    both(lambda m, x: m.repeat(x, [1, 0, 2], axis=0), a)
    both(lambda m, x: m.repeat(x, [1, 0, 2, 3], axis=1), a)
    both(lambda m, x: m.repeat(x, [0, 0, 0], axis=0), a)
    both(lambda m, x: m.repeat(x, [1, 0, 2], axis=-2), a)
    big = values(np.float32, (301, 5))
    both(lambda m, x: m.repeat(x, m.arange(301) % 4), big)
    both(lambda m, x: x.repeat(m.arange(301) % 3, axis=0), big)
    both(lambda m, x: m.repeat(x, m.array([2, 0, 1, 3, 1]), axis=1), big)


@pytest.mark.parametrize("counts, axis", [([1, 2], 0), ([1, -1, 2], 0), (np.array([1.5, 2, 3]), 0),
                                          ([1, 2, 3], 2)])
def test_repeat_counts_errors(counts, axis):
    a = values(np.int64, (3, 4))
    both(lambda m, x: m.repeat(x, m.asarray(counts) if isinstance(counts, np.ndarray) else counts,
                               axis=axis), a)


@pytest.mark.parametrize("shape", [(7,), (3, 4), (0,), (1,)])
@pytest.mark.parametrize("new", [5, (3, 5), (0,), (2, 0, 3), 30, (4, 4, 4)])
def test_resize(shape, new):
    both(lambda m, x: m.resize(x, new), values(np.complex128, shape))


@pytest.mark.parametrize("shape", [(10,), (9, 4), (4, 9, 2), (0, 3)])
@pytest.mark.parametrize("spec", [1, 2, 3, [2, 5], [0, 0, 3], [-2], [20], [5, 2]])
@pytest.mark.parametrize("axis", [0, -1])
def test_array_split(shape, spec, axis, native):
    a = values(np.uint8, shape)
    both(lambda m, x: m.array_split(x, spec, axis), a)
    both(lambda m, x: m.split(x, spec, axis), a)


def test_splits_are_views():
    la = lnp.array(values(np.float64, (6, 4)))
    parts = lnp.split(la, 3)
    parts[1][0, 0] = -7.0
    assert float(la[2, 0]) == -7.0


@pytest.mark.parametrize("shape", [(6,), (6, 4), (2, 6, 4), (2, 4, 6, 3)])
def test_hsplit_vsplit_dsplit(shape, native):
    a = values(np.int32, shape)
    both(lambda m, x: m.hsplit(x, 2), a)
    both(lambda m, x: m.vsplit(x, 2), a)
    both(lambda m, x: m.dsplit(x, [1, 2]), a)


def test_column_stack_dstack_append(native):
    a = values(np.float64, (5,))
    b = values(np.float64, (5, 3), seed=1)
    c = values(np.float64, (5, 2), seed=2)
    both(lambda m, x, y, z: m.column_stack([x, y, z]), a, b, c)
    both(lambda m, x, y: m.dstack([x, x, y[:, 0]]), a, b)
    both(lambda m, x, y: m.dstack([y, y]), a, b)
    both(lambda m, x, y: m.append(x, y), a, b)
    both(lambda m, x, y, z: m.append(y, z, axis=1), a, b, c)
    both(lambda m, x, y: m.append(y, x, axis=0), a, b)  # shape mismatch: ValueError


@pytest.mark.parametrize("k", [-3, -1, 0, 1, 2, 3, 5])
@pytest.mark.parametrize("axes", [(0, 1), (1, 0), (0, 2), (2, 1), (-1, 0)])
def test_rot90(k, axes, native):
    both(lambda m, x: m.rot90(x, k, axes), values(np.float32, (3, 4, 5)))


@pytest.mark.parametrize("axis,start", [(0, 0), (2, 0), (1, 3), (-1, 1), (3, 2), (0, 4), (-4, -1)])
def test_rollaxis(axis, start, native):
    both(lambda m, x: m.rollaxis(x, axis, start), values(np.int8, (2, 3, 4, 5)))


@pytest.mark.parametrize("dims", [(3,), (2, 3), (4, 1, 2), (0, 3), (300, 300)])
@pytest.mark.parametrize("sparse", [False, True])
def test_indices(dims, sparse):
    both(lambda m: m.indices(dims, sparse=sparse))
    both(lambda m: m.indices(dims, dtype=np.float32, sparse=sparse))


def test_fromfunction():
    both(lambda m: m.fromfunction(lambda i, j: i * 10 + j, (4, 5)))
    both(lambda m: m.fromfunction(lambda i, j: i == j, (300, 300), dtype=int))


def test_large_deferred_round_trip():
    """Sizes past the eager threshold (tiles in default mode)."""
    a = values(np.float64, (300, 400))
    both(lambda m, x: m.tril(x, 3), a)
    both(lambda m, x: m.tile(x, (2, 1)), a)
    both(lambda m, x: m.repeat(x, 2, axis=0), a)
    both(lambda m, x: m.trace(x), a)
    both(lambda m, x: m.diag(m.diag(x)), a)
    check(lnp.rot90(lnp.array(a)), np.rot90(a))


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_ndarray_ptp(axis, keepdims, native):
    a = values(np.int32, (5, 7))
    both(lambda m, x: x.ptp(axis=axis, keepdims=keepdims), a)
    both(lambda m, x: x.astype(np.float64).ptp(axis=axis, keepdims=keepdims), a)


def test_ndarray_serialisation(tmp_path, native):
    import pickle
    a = values(np.float32, (6, 5))
    la = lnp.array(a)
    check(pickle.loads(la.dumps()), a)
    la.dump(str(tmp_path / "a.pkl"))
    with open(tmp_path / "a.pkl", "rb") as f:
        check(pickle.load(f), a)
    la.tofile(str(tmp_path / "a.bin"))
    np.testing.assert_array_equal(np.fromfile(tmp_path / "a.bin", dtype=np.float32).reshape(6, 5), a)
    la.tofile(str(tmp_path / "a.txt"), sep=",")
    np.testing.assert_array_equal(np.fromfile(tmp_path / "a.txt", dtype=np.float32, sep=",").reshape(6, 5), a)
