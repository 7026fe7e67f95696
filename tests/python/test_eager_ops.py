"""The eager fast paths of ndarray's operators and indexing
(python/_core/eager_ops.c): binary operators and their reflections,
__getitem__ and __setitem__ of eager arrays run NumPy's operator from C and
hand every other case (deferred operands, our arrays in a key, results at
or above the eager threshold) to the Python methods.  Each case against
NumPy: values, dtype, shape, exception class, and what is a view."""

import operator

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, both, check, deferred, lnp

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="legate.numpy's own operators")


def _eager_on():
    from legate.numpy._runtime import EAGER_MAX
    return EAGER_MAX > 3


needs_eager = pytest.mark.skipif(AGAINST_NUMPY or not _eager_on(), reason="no eager arrays (test mode)")

BINOPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod,
          operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift]


def _ints(shape, lo=1):
    return (np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape) % 7 + lo)


@pytest.mark.parametrize("op", BINOPS, ids=lambda f: f.__name__)
def test_binary_operators(op):
    a, b = _ints((5, 4)), _ints((4,), 2)
    both(lambda m, x, y: op(x, y), a, b)        # eager with eager
    both(lambda m, x: op(x, 3), a)              # with a Python scalar
    both(lambda m, x: op(3, x), a)              # reflected
    both(lambda m, x: op(np.int64(2), x), a)    # reflected, a NumPy scalar
    both(lambda m, x: op(x, b), a)              # with a NumPy array
    both(lambda m, x: op(b, x), a)              # a NumPy array reflected
    # a deferred operand on either side: the Python path
    check(op(lnp.array(a), deferred(b)), op(a, b))
    check(op(deferred(a), lnp.array(b)), op(a, b))


@needs_eager
def test_results_are_eager_ndarrays_and_scalars_stay_scalars():
    assert type(lnp.ndarray.__dict__["__add__"]).__name__ == "EagerOp"
    a = lnp.array([1.0, 2.0, 3.0])
    r = a + a
    assert type(r) is lnp.ndarray and r._np is not None
    s = a[1]
    assert type(s) is np.float64 and s == 2.0


@needs_eager
def test_results_at_the_threshold_are_promoted():
    from legate.numpy._runtime import EAGER_MAX
    n = int(np.ceil(np.sqrt(EAGER_MAX))) + 1
    x, y = np.ones((n, 1)), np.arange(n, dtype=float)[None, :]
    lx, ly = lnp.array(x), lnp.array(y)
    assert lx._np is not None and ly._np is not None
    r = lx * ly                        # eager operands, a result of n*n >= EAGER_MAX elements
    assert r._np is None, "a large result stays deferred, as wrap_result makes it"
    check(r, x * y)
    check(ly.__rmul__(lx), x * y)


def test_getitem_views_share_memory():
    a = _ints((6, 5)).astype(float)
    la = lnp.array(a)
    v = la[1:-1, ::2]
    v[0, 0] = -1.0
    a[1:-1, ::2][0, 0] = -1.0
    check(la, a)
    check(la[2], a[2])
    check(la[..., 1], a[..., 1])
    check(la[None, 1:3], a[None, 1:3])
    # our arrays inside a key: the Python path
    idx = lnp.array([0, 2])
    check(la[idx], a[[0, 2]])
    check(la[1, idx], a[1, [0, 2]])
    check(la[la > 3], a[a > 3])


def test_setitem_values():
    a = _ints((6, 5)).astype(float)
    la = lnp.array(a)
    la[1:3, 0] = la[3:5, 1]            # an eager value
    a[1:3, 0] = a[3:5, 1]
    la[0] = 7                          # a scalar
    a[0] = 7
    la[-1] = np.arange(5.0)            # a NumPy array
    a[-1] = np.arange(5.0)
    la[2, 1:3] = deferred(np.array([8.0, 9.0]))   # a deferred value: the Python path
    a[2, 1:3] = [8.0, 9.0]
    la[lnp.array([4])] = 0.5           # our array in the key: the Python path
    a[[4]] = 0.5
    check(la, a)


@pytest.mark.parametrize("bad", ["shape", "index", "type", "set-shape"])
def test_errors_are_numpys(bad):
    a = _ints((4, 3)).astype(float)
    f = {"shape": lambda m, x: x + x[:2],
         "index": lambda m, x: x[9],
         "type": lambda m, x: x + "s",
         "set-shape": lambda m, x: x.__setitem__(slice(0, 2), x[:3])}[bad]
    both(f, a)


def test_explicit_method_calls():
    a = lnp.array([1.0, 2.0])
    check(lnp.ndarray.__add__(a, 1.0), np.array([2.0, 3.0]))
    check(lnp.ndarray.__getitem__(a, 1), np.float64(2.0))
    lnp.ndarray.__setitem__(a, 0, 5.0)
    check(a, np.array([5.0, 2.0]))
    assert a.__add__ is not None and callable(a.__add__)
    check(a.__radd__(1.0), np.array([6.0, 3.0]))
