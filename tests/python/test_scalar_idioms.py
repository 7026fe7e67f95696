"""Element idioms on deferred arrays (above the eager threshold, or any size
in test mode): issue 17's "spurious errors" finding.

In NumPy ``a[i, j]`` is a scalar, so ``a[i, j] += v`` computes a new scalar
with NumPy's scalar promotion (value-based under NumPy 1.x, NEP 50 under
NumPy 2) and the assignment back converts it as setitem does (unsafely,
NumPy scalars through Python for float -> signed int).  A deferred element
is a 0-d deferred array marked scalar-like: these tests check that it gives
NumPy's dtype, value or exception class, that it does not wait for values,
and that it still behaves as before elsewhere."""

import operator
import os
import warnings

import numpy as np
import pytest

from conftest import (both, check, lnp, legate_only, quiet, NUMPY2, AGAINST_NUMPY,
                      ComplexWarning)

TEST_MODE = os.environ.get("LEGATE_NUMPY_TEST") == "1"
# above the default eager threshold (65536 elements); in test mode every
# array is deferred and tiles hold 3 elements, so a few tiles suffice
N = 70 if TEST_MODE else 70000
ROWS = 10 if TEST_MODE else 300
SHAPE3 = (5, 6, 7) if TEST_MODE else (42, 42, 42)


def _array(dt, shape, value):
    return np.full(shape, value, dtype=dt)


def _element_op(m, a, key, iop, v):
    """``a[key] <iop>= v`` as Python runs it: get, in-place op, set."""
    t = a[key]
    t = iop(t, v)
    a[key] = t
    return a


# (dtype, shape, fill value, key, in-place operator, operand)
CASES = [
    ("uint8 img += 5", np.uint8, (ROWS, ROWS), 250, (5, 7), operator.iadd, 5),
    ("uint8 += 300", np.uint8, (ROWS, ROWS), 250, (-1, -2), operator.iadd, 300),
    ("uint16 += 1", np.uint16, N, 7, 5, operator.iadd, 1),
    ("uint16 -= 8", np.uint16, N, 7, -3, operator.isub, 8),
    ("bool |= True", np.bool_, N, False, 3, operator.ior, True),
    ("bool &= False", np.bool_, N, True, 3, operator.iand, False),
    ("bool ^= True", np.bool_, N, True, -1, operator.ixor, True),
    ("bool += True", np.bool_, N, False, 3, operator.iadd, True),
    ("bool += 1", np.bool_, N, False, 3, operator.iadd, 1),
    ("int64 *= 2.5", np.int64, N, 5, 5, operator.imul, 2.5),
    ("int32 *= 2.5", np.int32, N, -5, -1, operator.imul, 2.5),
    ("uint8 *= 2.5", np.uint8, N, 250, 2, operator.imul, 2.5),
    ("uint8 -= 1.5", np.uint8, N, 3, 2, operator.isub, 1.5),
    ("int64 /= 2", np.int64, N, 7, 4, operator.itruediv, 2),
    ("int16 //= 2", np.int16, N, 7, -1, operator.ifloordiv, 2),
    ("int16 %= 4", np.int16, N, -7, 0, operator.imod, 4),
    ("uint8 %= 0", np.uint8, N, 7, 1, operator.imod, 0),
    ("uint8 **= 7", np.uint8, N, 3, -1, operator.ipow, 7),
    ("int64 **= -1", np.int64, N, 3, 1, operator.ipow, -1),
    ("uint8 <<= 9", np.uint8, N, 1, 1, operator.ilshift, 9),
    ("uint8 >>= 1", np.uint8, N, 3, 1, operator.irshift, 1),
    ("uint8 ^= -1", np.uint8, N, 3, 1, operator.ixor, -1),
    ("uint8 &= 3.0", np.uint8, N, 3, 1, operator.iand, 3.0),
    ("int8 -= 200", np.int8, N, 7, -1, operator.isub, 200),
    ("int8 += 100", np.int8, N, 100, 2, operator.iadd, 100),
    ("float16 += 1e5", np.float16, N, 1, 2, operator.iadd, 1e5),
    ("float32 *= 1e300", np.float32, N, 1, 2, operator.imul, 1e300),
    ("float64 += ones(1)", np.float64, N, 1, 5, operator.iadd, np.ones(1)),
    ("float64 += ones((1, 1))", np.float64, N, 1, 5, operator.iadd, np.ones((1, 1))),
    ("float64 += ones(2)", np.float64, N, 1, 5, operator.iadd, np.ones(2)),
    ("float64 += 1j", np.float64, N, 1, 5, operator.iadd, 1j),
    ("complex64 *= 1j", np.complex64, N, 2, 5, operator.imul, 1j),
    # NumPy scalars and 0-d arrays as operands
    ("uint8 += int64(300)", np.uint8, N, 250, -1, operator.iadd, np.int64(300)),
    ("uint8 += uint8(10)", np.uint8, N, 250, -1, operator.iadd, np.uint8(10)),
    ("int64 += uint64(10)", np.int64, N, 250, 3, operator.iadd, np.uint64(10)),
    ("float16 *= float16(1000)", np.float16, N, 250, 3, operator.imul,
     np.float16(1000)),
    ("uint8 += 0-d int64 300", np.uint8, N, 1, 3, operator.iadd, np.array(300)),
    ("uint8 += 0-d int8", np.uint8, N, 1, 3, operator.iadd, np.array(3, np.int8)),
    ("int64 *= float32(1.5)", np.int64, N, 3, 3, operator.imul, np.float32(1.5)),
    # the conversion back: float -> signed int of a NumPy scalar is int()
    ("int64 *= nan", np.int64, N, 3, 3, operator.imul, np.nan),
    ("int64 *= inf", np.int64, N, 3, 3, operator.imul, np.inf),
    ("int32 *= 1e10", np.int32, N, 1, 3, operator.imul, 1e10),
    ("int64 += 1e19", np.int64, N, 1, 3, operator.iadd, 1e19),
    ("uint16 *= 1e10", np.uint16, N, 1, 3, operator.imul, 1e10),
    # N-D arrays
    ("3-D uint16 -= 7", np.uint16, SHAPE3, 3, (1, -2, 3), operator.isub, 7),
    ("3-D int32 *= 0.5", np.int32, SHAPE3, 3, (4, 0, -1), operator.imul, 0.5),
]


@pytest.mark.parametrize("dt, shape, fill, key, iop, v",
                         [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_element_in_place_op(dt, shape, fill, key, iop, v):
    both(lambda m, a: _element_op(m, a, key, iop, v), _array(dt, shape, fill))


def test_element_in_place_op_spelt_as_users_write_it():
    def f(m, img, counts, flags, ints):
        img[10, 20] += 5
        img[-1, -1] -= 1
        counts[5] += 1
        flags[3] |= True
        ints[7] *= 2.5
        ints[-7] //= 2
        ints[8] **= 2
        return img, counts, flags, ints

    both(f, _array(np.uint8, (ROWS, ROWS), 250), _array(np.uint16, N, 7),
         _array(np.bool_, N, False), _array(np.int64, N, 5))


def test_element_in_place_op_with_a_deferred_element_as_operand():
    def f(m, a, b):
        a[3] += a[4]          # uint8 + uint8
        a[5] *= b[2]          # uint8 * float32 element
        a[6] -= b.sum()       # a reduction's scalar
        for k in range(1, 5):
            b[k] += b[k - 1] * 0.5
        return a, b

    # (values whose sums are exact in any order)
    both(f, (np.arange(N) % 200).astype(np.uint8),
         ((np.arange(N) % 8) * 0.25).astype(np.float32))


def test_in_place_op_on_a_row_keeps_array_semantics():
    # a[1] is an array (a view): in place, same_kind casting
    both(lambda m, a: operator.imul(a[1], 2.5), _array(np.int64, (ROWS, ROWS), 3))
    both(lambda m, a: (operator.iadd(a[1], 5), a)[1], _array(np.uint8, (ROWS, ROWS), 3))


def test_scalar_results_of_reductions_and_ufuncs_follow_scalar_rules():
    def f(m, a):
        s = a.sum()
        s += 2.5               # int64 scalar -> float64 scalar
        t = a.max()
        t -= 1.5
        u = a[3] * 2           # a ufunc of scalars is a scalar
        u += 0.5
        w = m.add(a[3], a[4])
        w |= 1
        return s, t, u, w

    both(f, (np.arange(N) % 11).astype(np.int64))


def test_in_place_op_on_a_0d_array_keeps_array_semantics():
    # s[...] of a scalar is a 0-d array: in place, same_kind casting
    both(lambda m, a: operator.iadd(a.sum()[...], 2.5), np.arange(N, dtype=np.int64))
    both(lambda m, a: operator.iadd(a[3][...], 5), np.arange(N, dtype=np.uint8))
    # np.array(5): a 0-d array (deferred in test mode)
    both(lambda m: operator.iadd(m.array(5), 2.5))
    both(lambda m: operator.iadd(m.array(5, dtype=np.uint8), 7))

    def in_place(m, a):
        x = a[...]
        x += 1
        return a

    both(in_place, np.array(5.0))


@pytest.mark.parametrize("value", [[1.0], (1.0,), [[1.0]], np.ones(1), np.ones((1, 1)),
                                   np.ones(2), np.ones(()), np.float32(2)],
                         ids=["list", "tuple", "nested list", "ones(1)", "ones((1,1))",
                              "ones(2)", "0-d", "float32"])
def test_setting_one_element_takes_a_scalar(value):
    def f(m, a, v):
        a[5] = v
        a[-1] = v
        return a

    both(f, np.zeros(N), value)

    def g(m, a, v):
        a[1, 2] = v
        return a

    both(g, np.zeros((ROWS, ROWS)), value)


@pytest.mark.parametrize("value", [np.float64(np.nan), np.float64(np.inf),
                                   np.float32(1e10), np.float64(-1.5),
                                   np.float64(625.0), np.complex128(2 + 1j)],
                         ids=["nan", "inf", "1e10", "-1.5", "625", "complex"])
@pytest.mark.parametrize("dt", [np.int64, np.int32, np.uint8, np.bool_, np.float32])
def test_setting_a_deferred_scalar_converts_like_a_numpy_scalar(value, dt):
    # a deferred scalar that NumPy computes as a scalar: the conversion is
    # setitem's for a NumPy scalar (float -> signed int through int())
    def f(m, a, b):
        a[2] = b[1] * 1          # element of b times 1: a scalar
        a[3:5] = b.max()         # a reduction's scalar into a slice
        a.fill(b[1] + 0)
        return a

    both(f, np.zeros(N, dt), np.full(N, value))


@legate_only
def test_complex_scalar_assigned_to_real_array_warns():
    a = lnp.zeros(N)
    b = lnp.full(N, 2 + 1j)
    with pytest.warns(ComplexWarning):
        a[5] += b[3]
    assert float(a[5]) == 2.0


@legate_only
def test_element_in_place_ops_do_not_wait_for_values(monkeypatch):
    """A loop of element updates stays deferred: no host read (only a
    float scalar assigned to a signed int element is read, since NumPy
    converts it through int(), which raises on NaN: see scalar_source)."""
    from legate.numpy import _array, _indexing, _ufunc

    def no_read(arr):
        raise AssertionError("a host read of a deferred value")

    a = lnp.zeros(N, dtype=np.uint8)
    b = lnp.zeros(N, dtype=np.int64)
    f = lnp.ones(N, dtype=np.float64)
    assert a._arr is not None
    for mod in (_array, _indexing, _ufunc):
        monkeypatch.setattr(mod, "materialize", no_read)
    for i in range(5):
        a[i] += 5
        a[i + 1] += a[i]
        b[i] += np.int64(3)
        b[i] //= 2
        a[i] *= 1.5      # float64 scalar assigned to uint8 (on the device)
        f[i] *= 1.5
        f[i] -= b[i]
    monkeypatch.undo()
    exp = np.zeros(N, np.uint8)
    eb = np.zeros(N, np.int64)
    ef = np.ones(N)
    for i in range(5):
        exp[i] += 5
        exp[i + 1] += exp[i]
        eb[i] += np.int64(3)
        eb[i] //= 2
        exp[i] *= 1.5
        ef[i] *= 1.5
        ef[i] -= eb[i]
    check(a, exp)
    check(b, eb)
    check(f, ef)


@legate_only
def test_scalar_like_elements_behave_as_before():
    a = lnp.array((np.arange(N) % 100).astype(np.int64))
    x = a[7]
    assert type(x) is lnp.ndarray and x.ndim == 0 and x.dtype == np.int64
    assert repr(x) == repr(np.array(7)) and str(x) == "7"
    assert float(x) == 7.0 and int(x) == 7 and complex(x) == 7
    assert x == 7 and x < 8 and bool(x)
    assert operator.index(x) == 7 and "%d" % x == "7" and "{:3d}".format(x) == "  7"
    check(a[x], np.int64(7))                  # an element as an index
    assert lnp.isscalar(x) is False           # a 0-d array, as before
    y = x
    x += 1                                    # a new value: y is unchanged
    assert int(x) == 8 and int(y) == 7 and int(a[7]) == 7
    check(x.astype(np.float32), np.float32(8))


def test_plain_numpy_scalars_are_unchanged():
    # the same idioms on small (eager) arrays run through NumPy itself
    if AGAINST_NUMPY or TEST_MODE:
        pytest.skip("eager arrays only")
    both(lambda m, a: _element_op(m, a, 3, operator.imul, 2.5), np.arange(10))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        both(lambda m, a: _element_op(m, a, 3, operator.iadd, 5),
             np.arange(10, dtype=np.uint8))


def test_numpy2_python_int_out_of_bounds_raises():
    # NumPy 2 (NEP 50): uint8 scalar + 300 raises OverflowError; NumPy 1.x
    # promotes to int64 and the assignment wraps
    a = np.full(N, 250, np.uint8)
    with quiet():
        r = both(lambda m, x: _element_op(m, x, 0, operator.iadd, 300), a)
    assert (r is None) == NUMPY2
