"""Errors: the exception class NumPy raises for the same call; afterwards the
operands are unchanged and the runtime keeps working."""

import numpy as np
import pytest

from conftest import AxisError, assert_usable, both, check, lnp, quiet, values


def _arrays():
    a = values(np.float64, (4, 5))
    b = values(np.float64, (3, 5), seed=1)
    return a, b


def expect_error(cls, fn, *np_args):
    """``fn(m, *args)`` raises ``cls`` with NumPy and with the library; the
    library's operands are unchanged afterwards and the runtime usable."""
    with quiet(), pytest.raises(cls):
        fn(np, *[x.copy() if isinstance(x, np.ndarray) else x for x in np_args])
    largs = [lnp.array(x) if isinstance(x, np.ndarray) else x for x in np_args]
    with quiet(), pytest.raises(cls):
        fn(lnp, *largs)
    arrays = [la for la, x in zip(largs, np_args) if isinstance(x, np.ndarray)]
    originals = [x for x in np_args if isinstance(x, np.ndarray)]
    assert_usable(*arrays, originals=originals)


# --------------------------------------------------------------------------
# shape mismatch
# --------------------------------------------------------------------------

SHAPE_MISMATCH = {
    "add": lambda m, x, y: x + y,
    "ufunc": lambda m, x, y: m.maximum(x, y),
    "iadd": lambda m, x, y: x.__iadd__(y),
    "iadd-broadcast-out": lambda m, x, y: y[:1].__iadd__(y),
    "setitem": lambda m, x, y: x.__setitem__(slice(None), y),
    "setitem-slice": lambda m, x, y: x.__setitem__((slice(0, 2), 0), y[:, 0]),
    "out": lambda m, x, y: m.add(x, x, out=y),
    "compare": lambda m, x, y: x < y,
    "matmul": lambda m, x, y: x @ y,
    "dot": lambda m, x, y: m.dot(x, y),
    "reshape": lambda m, x, y: x.reshape(3, 7),
    "reshape-two-minus1": lambda m, x, y: x.reshape(-1, -1),
    "reshape-minus1-bad": lambda m, x, y: x.reshape(-1, 3),
    "broadcast_to": lambda m, x, y: m.broadcast_to(x, (4, 4)),
}


@pytest.mark.parametrize("case", list(SHAPE_MISMATCH))
def test_shape_mismatch_value_error(case):
    a, b = _arrays()
    expect_error(ValueError, SHAPE_MISMATCH[case], a, b)


# --------------------------------------------------------------------------
# axes
# --------------------------------------------------------------------------

BAD_AXIS = {
    "sum-2": lambda m, x: m.sum(x, axis=2),
    "sum--3": lambda m, x: x.sum(axis=-3),
    "max-tuple": lambda m, x: m.max(x, axis=(0, 5)),
    "mean-5": lambda m, x: x.mean(axis=5),
    "argmax-2": lambda m, x: m.argmax(x, axis=2),
    "any--3": lambda m, x: m.any(x, axis=-3),
    "prod-2": lambda m, x: x.prod(axis=2),
    "transpose": lambda m, x: m.transpose(x, (0, 2)),
}


@pytest.mark.parametrize("case", list(BAD_AXIS))
def test_bad_axis(case):
    a, _ = _arrays()
    expect_error(AxisError, BAD_AXIS[case], a)


def test_axis_error_is_also_value_and_index_error():
    la = lnp.array(values(np.float64, (3,)))
    with pytest.raises(ValueError):
        la.sum(axis=1)
    with pytest.raises(IndexError):
        la.sum(axis=1)


def test_repeated_axis():
    a, _ = _arrays()
    expect_error(ValueError, lambda m, x: m.sum(x, axis=(1, 1)), a)
    expect_error(ValueError, lambda m, x: x.transpose(1, 1), a)


# --------------------------------------------------------------------------
# indexing
# --------------------------------------------------------------------------

BAD_INDEX = {
    "int-out-of-range": lambda m, x: x[4],
    "neg-out-of-range": lambda m, x: x[-5],
    "second-dim": lambda m, x: x[:, 5],
    "too-many": lambda m, x: x[1, 2, 3],
    "too-many-slices": lambda m, x: x[:, :, :],
    "two-ellipsis": lambda m, x: x[..., 1, ...],
    "setitem-out-of-range": lambda m, x: x.__setitem__((0, 7), 1.0),
    "setitem-too-many": lambda m, x: x.__setitem__((0, 1, 2), 1.0),
    "0d-index": lambda m, x: x.sum(axis=0)[0, 0],
    "item": lambda m, x: x.item(20),
}


@pytest.mark.parametrize("case", list(BAD_INDEX))
def test_index_error(case):
    a, _ = _arrays()
    expect_error(IndexError, BAD_INDEX[case], a)


@pytest.mark.parametrize(
    "key",
    [pytest.param(1.5, id="float"), pytest.param("a", id="str"), pytest.param(slice(0, 2.5), id="float-slice")],
)
def test_bad_index_type(key):
    a, _ = _arrays()
    both(lambda m, x: x[key], a)


# --------------------------------------------------------------------------
# creation
# --------------------------------------------------------------------------

CREATION = {
    "unknown-dtype": (TypeError, lambda m: m.zeros(3, dtype="foo")),
    "unknown-dtype-ones": (TypeError, lambda m: m.ones((2, 2), dtype="not_a_type")),
    "unknown-dtype-astype": (TypeError, lambda m: m.arange(3).astype("float7")),
    "negative-dim": (ValueError, lambda m: m.zeros(-1)),
    "negative-dim-2d": (ValueError, lambda m: m.ones((3, -2))),
    "negative-dim-full": (ValueError, lambda m: m.full((-1, 2), 1.0)),
    "negative-dim-empty": (ValueError, lambda m: m.empty((2, -3))),
    "ragged": (ValueError, lambda m: m.array([[1, 2], [3]])),
    "eye-negative": (ValueError, lambda m: m.eye(-2)),
    "linspace-negative-num": (ValueError, lambda m: m.linspace(0, 1, -3)),
    "bad-shape-type": (TypeError, lambda m: m.zeros((2, "a"))),
    "float-shape": (TypeError, lambda m: m.zeros((2.5, 3))),
}


@pytest.mark.parametrize("case", list(CREATION))
def test_creation_errors(case):
    cls, fn = CREATION[case]
    expect_error(cls, fn)


@pytest.mark.parametrize(
    "shape",
    [pytest.param((2**40, 2**40), id="2^80"), pytest.param((2**62, 4), id="2^64"), pytest.param((2**31, 2**31, 8), id="2^65")],
)
def test_overflowing_shape(shape):
    """NumPy raises ValueError ('array is too big') or MemoryError: match it."""
    err = None
    try:
        np.zeros(shape)
    except Exception as e:  # noqa: BLE001
        err = e
    assert err is not None
    cls = MemoryError if isinstance(err, MemoryError) else type(err)
    with pytest.raises(cls):
        lnp.zeros(shape)
    with pytest.raises(cls):
        lnp.ones(shape, dtype=np.int8) if cls is ValueError else lnp.zeros(shape)
    assert_usable()


@pytest.mark.parametrize(
    "make",
    [pytest.param(lambda m: m.zeros(2**40), id="zeros-8TiB"),
     pytest.param(lambda m: m.full((2**20, 2**20), 1.5), id="full-8TiB"),
     pytest.param(lambda m: m.arange(2**41), id="arange-16TiB"),
     pytest.param(lambda m: m.ones(2**38, dtype=m.complex128), id="ones-complex-4TiB")],
)
def test_impossible_allocation(make):
    """Shapes that fit int64 but not memory (8-16 TiB): MemoryError at creation (tiles
    are allocated lazily, so the library must check up front, not abort in a
    worker), and the runtime stays usable."""
    # NumPy raises MemoryError too under Linux's default overcommit heuristic;
    # it is not called here because with overcommit_memory=1 its zeros()
    # succeeds lazily and full() would then exhaust the machine.
    with pytest.raises(MemoryError):
        make(lnp)
    assert_usable()


# --------------------------------------------------------------------------
# truth value, operand types
# --------------------------------------------------------------------------


def test_ambiguous_truth_value():
    a, _ = _arrays()
    expect_error(ValueError, lambda m, x: bool(x), a)
    expect_error(ValueError, lambda m, x: bool(x > 0), a)
    expect_error(ValueError, lambda m, x: x and x, a)
    expect_error(ValueError, lambda m, x: 1 if x.sum(axis=0) else 0, a)
    expect_error(ValueError, lambda m, x: [v for v in range(3) if x[0]], a)


BAD_OPERANDS = {
    "str": lambda m, x: x + "x",
    "str-left": lambda m, x: "x" + x,
    "object": lambda m, x: x + object(),
    "object-left": lambda m, x: object() * x,
    "none": lambda m, x: x - None,
    "dict": lambda m, x: x * {},
    "ufunc-object": lambda m, x: m.add(x, object()),
    "bitwise-float": lambda m, x: x & x,
    "invert-float": lambda m, x: ~x,
    "shift-float": lambda m, x: x << 1,
    "iadd-str": lambda m, x: x.__iadd__("a"),
}


@pytest.mark.parametrize("case", list(BAD_OPERANDS))
def test_unsupported_operand_type(case):
    a, _ = _arrays()
    expect_error(TypeError, BAD_OPERANDS[case], a)


CASTING = {
    "int-itruediv": (np.int64, lambda m, x: x.__itruediv__(2)),
    "int-iadd-float": (np.int32, lambda m, x: x.__iadd__(1.5)),
    "int-imul-float-array": (np.int16, lambda m, x: x.__imul__(m.ones(x.shape))),
    "float-iadd-complex": (np.float64, lambda m, x: x.__iadd__(1j)),
    "bool-iadd-int": (np.bool_, lambda m, x: x.__iadd__(2)),
    "bool-isub": (np.bool_, lambda m, x: x.__isub__(True)),
    "uint-iadd-negative-array": (np.uint8, lambda m, x: x.__iadd__(m.array([-1] * x.shape[-1], dtype=np.int8))),
    "out-int": (np.float64, lambda m, x: m.add(x, x, out=m.zeros(x.shape, dtype=np.int64))),
    "bool-negative": (np.bool_, lambda m, x: -x),
    "complex-floordiv": (np.complex128, lambda m, x: x // x),
    "complex-mod": (np.complex64, lambda m, x: m.mod(x, 2)),
    "complex-arctan2": (np.complex128, lambda m, x: m.arctan2(x, x)),
}


@pytest.mark.parametrize("case", list(CASTING))
def test_casting_type_error(case):
    dtype, fn = CASTING[case]
    a = values(dtype, (4, 5), "nonzero")
    expect_error(TypeError, fn, a)


def test_integer_negative_power_value_error():
    a = values(np.int32, (4, 5), "nonzero")
    expect_error(ValueError, lambda m, x: x ** -1, a)
    expect_error(ValueError, lambda m, x: m.power(x, m.full(x.shape, -2, dtype=np.int32)), a)


@pytest.mark.parametrize(
    "sa,sb",
    [((4, 5), (4, 5)), ((3,), (4,)), ((2, 3, 4), (3, 4)), ((4, 5), (6,))],
    ids=["mat-mat", "vec-vec", "batch", "mat-vec"],
)
def test_matmul_mismatch(sa, sb):
    a = values(np.float64, sa)
    b = values(np.float64, sb, seed=1)
    expect_error(ValueError, lambda m, x, y: x @ y, a, b)
    expect_error(ValueError, lambda m, x, y: m.matmul(x, y), a, b)


def test_many_errors_in_a_row_keep_runtime_usable():
    a = values(np.float64, (6, 7))
    la = lnp.array(a)
    for _ in range(20):
        with pytest.raises(ValueError):
            la + lnp.ones((3, 3))
        with pytest.raises(IndexError):
            la[10]
        with pytest.raises(TypeError):
            la + "x"
    check(la, a)
    check((la * 2).sum(axis=0), (a * 2).sum(axis=0))
    check(float(la.sum()), float(a.sum()), approx=True)


def test_error_inside_expression_leaves_earlier_results():
    a = values(np.float64, (4, 5))
    la = lnp.array(a)
    lb = la * 3
    with pytest.raises(ValueError):
        lb[:2] = la[:3]
    check(lb, a * 3)
    check(la, a)
