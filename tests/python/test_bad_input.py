"""Bad input over the public API, as a table (issue 17).

Each case is ``(name, fn, args)``: ``fn(m, *arrays)`` is run with ``m =
numpy`` on NumPy arrays and with ``m = legate.numpy`` on equal legate arrays
(``args`` names them, see ``_ARRAYS``).  Both must raise the same public
exception class (``conftest.public_exc``), or both succeed with equal
results (dtype, shape, values).  Afterwards every legate argument must hold
what NumPy's holds (unchanged after an error; the same update after a
successful in-place call) and the runtime must keep working.

The legate arrays are deferred (StarPU stores) in every mode: in test mode
(``LEGATE_NUMPY_TEST=1``) every array is; in default mode the 2-D arrays
are made large enough (``W`` columns) to exceed the eager threshold, and the
small ones (0-d, empty, short) are views of a large store.  So the checks
run on the library's own code paths, not on NumPy's eager ones.

Cases the library answers differently today, owned by work outside this
table's scope, are ``xfail(strict=True)`` with the area named (``XFAIL``);
a fix there makes them pass and the strict mark fails until it is removed.
"""

import math
import operator
import warnings

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, NUMPY2, deferred, check, lnp, public_exc, quiet, values

if AGAINST_NUMPY:
    EAGER_MAX = 0
    NRANKS = 1
else:
    from legate.numpy._runtime import EAGER_MAX, NRANKS, TEST_MODE

# Under several ranks (the MPI suites, test mode) every rank runs each case
# and every host read is a collective: 4 ranks on 2 cores took 190 s for
# the table.  There a sample runs (the same on every rank): every case under
# 1 rank, every 2nd under 2, every 8th from 4.
STRIDE = 1 if NRANKS == 1 else 2 if NRANKS == 2 else 8

# columns of the 2-D operands: (3, W) must reach the eager threshold
W = max(5, (EAGER_MAX + 2) // 3)
N = 4 * W

# ---------------------------------------------------------------------------
# operands (NumPy side; the legate side is made from these per case)
# ---------------------------------------------------------------------------


def _arrays():
    f = values(np.float64, (4, W))
    return {
        "f": f,                                            # float64 (4, W)
        "g": values(np.float64, (3, W), seed=1),           # float64 (3, W)
        "t": values(np.float64, (W, 3), seed=2),           # float64 (W, 3)
        "i": values(np.int64, (4, W)),                     # int64 (4, W)
        "j": values(np.int32, (4, W), kind="nonzero", seed=1),
        "u": values(np.uint8, (4, W)),                     # uint8 (4, W)
        "b": values(np.bool_, (4, W)),                     # bool (4, W)
        "c": values(np.complex128, (4, W)),                # complex128 (4, W)
        "v": values(np.float64, (N,), seed=3),             # float64 (N,)
        "s": np.array(2.5),                                # float64 0-d
        "si": np.array(3, dtype=np.int64),                 # int64 0-d
        "e": np.zeros((0, W)),                             # float64 (0, W)
        "e1": np.zeros((0,), dtype=np.int32),              # int32 (0,)
        "x": values(np.float64, (7,), seed=4),             # float64 (7,) short
        "k": np.array([0, 2, 3], dtype=np.int64),          # index array
    }


_BASE = _arrays()


_to_lnp = deferred


# ---------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------

CASES = []


def case(name, fn, args=""):
    CASES.append((name, fn, tuple(args.split()) if args else ()))


class _Obj:
    """An object NumPy knows nothing about."""


# -- creation ---------------------------------------------------------------
B = max(EAGER_MAX, 7)  # a length that makes a deferred array

case("zeros-bad-dtype", lambda m: m.zeros(B, dtype="foo"))
case("zeros-negative", lambda m: m.zeros((B, -1)))
case("zeros-float-shape", lambda m: m.zeros((B, 2.0)))
case("zeros-str-shape", lambda m: m.zeros("abc"))
case("zeros-None-shape", lambda m: m.zeros(None))
case("zeros-list-of-None", lambda m: m.zeros([B, None]))
case("zeros-nested-shape", lambda m: m.zeros(((2, 3), 4)))
case("zeros-bad-order", lambda m: m.zeros(B, order="Z"))
case("zeros-33-dims", lambda m: m.zeros((1,) * 33))
case("zeros-0d", lambda m: m.zeros(()))
case("zeros-empty", lambda m: m.zeros((0, B)))
case("zeros-numpy-int-shape", lambda m: m.zeros(np.int64(B)))
case("zeros-huge", lambda m: m.zeros((2**62, 2**62)))
case("ones-bad-dtype", lambda m: m.ones((2, B), dtype="not_a_type"))
case("ones-dtype-class", lambda m: m.ones(B, dtype=_Obj))
case("ones-negative", lambda m: m.ones(-B))
case("empty-negative", lambda m: m.empty((-1, B)))
case("empty-bad-dtype", lambda m: m.empty(B, dtype=3.5))
case("full-str-fill", lambda m: m.full(B, "abc", dtype=float))
case("full-None-fill-float", lambda m: m.full(B, None, dtype=float))
case("full-list-fill-mismatch", lambda m: m.full((B, 2), [1, 2, 3]))
case("full-list-fill-broadcast", lambda m: m.full((B, 2), [1, 2]))
case("full-complex-to-float", lambda m: m.full(B, 1j, dtype=float))
case("full-overflow-int8", lambda m: m.full(B, 300, dtype=np.int8))
case("full-negative-shape", lambda m: m.full(-1, 1.0))
case("full-array-fill-wrong-shape", lambda m, x: m.full((B, 3), x), "x")
case("full-0d-array-fill", lambda m, s: m.full((B,), s), "s")
case("zeros_like-None", lambda m: m.zeros_like(None))
case("zeros_like-bad-dtype", lambda m, f: m.zeros_like(f, dtype="foo"), "f")
case("ones_like-bad-shape", lambda m, f: m.ones_like(f, shape=(-1,)), "f")
case("empty_like-str", lambda m: m.empty_like("abc").shape)
case("full_like-str-fill", lambda m, f: m.full_like(f, "abc"), "f")
case("full_like-None-fill", lambda m, f: m.full_like(f, None), "f")
case("full_like-0d", lambda m, s: m.full_like(s, 7), "s")
case("full_like-empty", lambda m, e: m.full_like(e, 7), "e")
case("arange-zero-step", lambda m: m.arange(0, B, 0))
case("arange-bad-dtype", lambda m: m.arange(B, dtype="foo"))
case("arange-str", lambda m: m.arange("a"))
case("arange-None", lambda m: m.arange(None))
case("arange-complex", lambda m: m.arange(0, B, 1j))
case("arange-too-many-args", lambda m: m.arange(0, B, 1, float, 5))
case("arange-unknown-kw", lambda m: m.arange(B, foo=1))
case("arange-inf", lambda m: m.arange(0, np.inf))
case("arange-nan", lambda m: m.arange(0, np.nan))
case("arange-negative-length", lambda m: m.arange(B, 0))
case("arange-float-bool-dtype", lambda m: m.arange(0, B, dtype=bool))
case("arange-0d-array-stop", lambda m, si: m.arange(si), "si")
case("linspace-str-num", lambda m: m.linspace(0, 1, "a"))
case("linspace-float-num", lambda m: m.linspace(0, 1, 2.5))
case("linspace-negative-num", lambda m: m.linspace(0, 1, -B))
case("linspace-bad-axis", lambda m: m.linspace(0, 1, B, axis=2))
case("linspace-str-start", lambda m: m.linspace("a", 1, B))
case("linspace-bad-dtype", lambda m: m.linspace(0, 1, B, dtype="foo"))
case("eye-float", lambda m: m.eye(2.5))
case("eye-None", lambda m: m.eye(None))
case("eye-negative", lambda m: m.eye(-2))
case("eye-float-k", lambda m: m.eye(B, 3, k=1.5))
case("eye-bad-dtype", lambda m: m.eye(B, 3, dtype="foo"))
case("eye-negative-M", lambda m: m.eye(B, -3))
case("identity-negative", lambda m: m.identity(-1))
case("identity-str", lambda m: m.identity("a"))
case("array-ragged", lambda m: m.array([[1, 2], [3]]))
case("array-bad-dtype", lambda m: m.array([1, 2], dtype="foo"))
case("array-ndmin-40", lambda m, f: m.array(f, ndmin=40), "f")
case("array-bad-order", lambda m, f: m.array(f, order="Z"), "f")
case("array-of-deferred-bad-dtype", lambda m, f: m.array(f, dtype="i9"), "f")
case("array-of-deferred-str-dtype", lambda m, f: m.array(f, dtype="U3"), "f")
case("array-list-of-arrays-ragged", lambda m, f, g: m.array([f, g]), "f g")
case("array-list-of-arrays", lambda m, f, i: m.array([f, i]), "f i")
case("asarray-bad-dtype", lambda m, f: m.asarray(f, dtype="foo"), "f")
case("asarray-int-overflow", lambda m: m.asarray([2**70]))
case("asarray-to-int", lambda m, f: m.asarray(f, dtype=np.int8), "f")
case("ascontiguousarray-bad-dtype", lambda m, f: m.ascontiguousarray(f, dtype="foo"), "f")
case("ascontiguousarray-0d", lambda m, s: m.ascontiguousarray(s), "s")
case("copy-None", lambda m: m.copy(None))
case("copy-bad-order", lambda m, f: m.copy(f, order="Z"), "f")
case("meshgrid-bad-indexing", lambda m, v, x: m.meshgrid(v, x, indexing="zz"), "v x")
case("meshgrid-2d", lambda m, x, f: m.meshgrid(x, f[0]), "x f")

# -- ufuncs: operand and argument errors, for a spread of ufuncs -------------
BINARY = ["add", "subtract", "multiply", "divide", "floor_divide", "power",
          "maximum", "fmin", "arctan2", "hypot", "logical_and", "equal",
          "less", "remainder", "bitwise_and", "left_shift"]
UNARY = ["negative", "absolute", "sqrt", "exp", "sin", "floor", "isnan",
         "logical_not", "invert", "sign", "square", "conjugate"]

for _u in BINARY:
    case(f"{_u}-shape-mismatch", lambda m, f, g, _u=_u: getattr(m, _u)(f, g), "f g")
    case(f"{_u}-None", lambda m, f, _u=_u: getattr(m, _u)(f, None), "f")
    case(f"{_u}-str", lambda m, i, _u=_u: getattr(m, _u)(i, "a"), "i")
    case(f"{_u}-object", lambda m, f, _u=_u: getattr(m, _u)(_Obj(), f), "f")
    case(f"{_u}-list-mismatch", lambda m, f, _u=_u: getattr(m, _u)(f, [1, 2, 3]), "f")
    case(f"{_u}-out-wrong-shape", lambda m, f, g, _u=_u: getattr(m, _u)(f, f, out=g), "f g")
    case(f"{_u}-out-int", lambda m, f, i, _u=_u: getattr(m, _u)(f, f, out=i), "f i")
    case(f"{_u}-out-list", lambda m, f, _u=_u: getattr(m, _u)(f, f, out=[0.0]), "f")
    case(f"{_u}-bad-dtype", lambda m, f, _u=_u: getattr(m, _u)(f, f, dtype="foo"), "f")
    case(f"{_u}-casting-no", lambda m, f, j, _u=_u: getattr(m, _u)(f, j, casting="no"), "f j")
    case(f"{_u}-bad-casting", lambda m, f, _u=_u: getattr(m, _u)(f, f, casting="bogus"), "f")
    case(f"{_u}-too-many-args", lambda m, f, _u=_u: getattr(m, _u)(f, f, f, f), "f")
    case(f"{_u}-too-few-args", lambda m, f, _u=_u: getattr(m, _u)(f), "f")
    case(f"{_u}-unknown-kw", lambda m, f, _u=_u: getattr(m, _u)(f, f, foo=1), "f")
    case(f"{_u}-where-wrong-shape", lambda m, f, x, _u=_u:
         getattr(m, _u)(f, f, where=x > 0), "f x")
    case(f"{_u}-0d-and-empty", lambda m, s, e, _u=_u: getattr(m, _u)(s, e), "s e")
    case(f"{_u}-int-bool", lambda m, i, b, _u=_u: getattr(m, _u)(i, b), "i b")
    case(f"{_u}-complex", lambda m, c, f, _u=_u: getattr(m, _u)(c, f), "c f")

for _u in UNARY:
    case(f"{_u}-None", lambda m, _u=_u: getattr(m, _u)(None))
    case(f"{_u}-str", lambda m, _u=_u: getattr(m, _u)("a"))
    case(f"{_u}-bool", lambda m, b, _u=_u: getattr(m, _u)(b), "b")
    case(f"{_u}-complex", lambda m, c, _u=_u: getattr(m, _u)(c), "c")
    case(f"{_u}-uint8", lambda m, u, _u=_u: getattr(m, _u)(u), "u")
    case(f"{_u}-out-wrong-shape", lambda m, f, g, _u=_u: getattr(m, _u)(f, out=g), "f g")
    case(f"{_u}-out-uint8", lambda m, f, u, _u=_u: getattr(m, _u)(f, out=u), "f u")
    case(f"{_u}-bad-dtype", lambda m, f, _u=_u: getattr(m, _u)(f, dtype="foo"), "f")
    case(f"{_u}-too-many-args", lambda m, f, _u=_u: getattr(m, _u)(f, f, f), "f")
    case(f"{_u}-empty", lambda m, e, _u=_u: getattr(m, _u)(e), "e")
    case(f"{_u}-0d", lambda m, s, _u=_u: getattr(m, _u)(s), "s")

case("ufunc-out-tuple-too-long", lambda m, f, g: m.add(f, f, out=(f, g)), "f g")
case("ufunc-out-both", lambda m, f: m.add(f, f, f, out=f), "f")
case("ufunc-out-None-tuple", lambda m, f: m.add(f, f, out=(None,)), "f")
case("ufunc-out-numpy-readonly", lambda m, f: m.add(f, f, out=np.broadcast_to(np.zeros(W), (4, W))), "f")
case("ufunc-where-not-bool", lambda m, f: m.add(f, f, where="a"), "f")
case("ufunc-where-float", lambda m, f: m.add(f, f, where=f), "f")
case("ufunc-dtype-and-signature", lambda m, f: m.add(f, f, dtype=float, signature="dd->d"), "f")
case("ufunc-signature-bad", lambda m, f: m.add(f, f, signature="xx->x"), "f")
case("ufunc-subok", lambda m, f: m.add(f, f, subok="x"), "f")
case("ufunc-order-bad", lambda m, f: m.add(f, f, order="Z"), "f")
case("ufunc-int-overflow-scalar", lambda m, u: m.add(u, 2**70), "u")
case("ufunc-int-negative-power", lambda m, i: m.power(i, -1), "i")
case("ufunc-int-negative-power-array", lambda m, i, si: m.power(i, -si), "i si")
case("ufunc-float-shift", lambda m, f: m.right_shift(f, 1), "f")
case("ufunc-complex-compare", lambda m, c: m.maximum(c, 1), "c")
case("ufunc-complex-floor", lambda m, c: m.floor(c), "c")
case("ufunc-complex-remainder", lambda m, c: m.remainder(c, 2), "c")
case("ufunc-divmod-out-short", lambda m, f: m.divmod(f, 2, out=(f,)), "f")
case("ufunc-modf-one-out", lambda m, f: m.modf(f, f), "f")
case("ufunc-modf-two-out", lambda m, f, g: m.modf(f[:3], g, m.zeros_like(g)), "f g")
case("ufunc-divmod-positional-out", lambda m, f, g: m.divmod(f[:3], 2.0, g), "f g")
case("ufunc-frexp-int", lambda m, c: m.frexp(c), "c")
case("ufunc-isnan-str-array", lambda m: m.isnan(np.array(["a", "b"])))

# ufunc methods
case("reduce-bad-axis", lambda m, f: m.add.reduce(f, axis=2), "f")
case("reduce-neg-axis", lambda m, f: m.add.reduce(f, axis=-3), "f")
case("reduce-float-axis", lambda m, f: m.add.reduce(f, axis=1.5), "f")
case("reduce-str-axis", lambda m, f: m.add.reduce(f, axis="0"), "f")
case("reduce-repeated-axis", lambda m, f: m.add.reduce(f, axis=(0, 0)), "f")
case("reduce-list-axis", lambda m, f: m.add.reduce(f, axis=[0]), "f")
case("reduce-out-wrong-shape", lambda m, f, v: m.add.reduce(f, out=v), "f v")
case("reduce-out-int64", lambda m, j, i: m.add.reduce(j, axis=0, out=i[0]), "j i")
case("reduce-bad-dtype", lambda m, f: m.add.reduce(f, dtype="foo"), "f")
case("reduce-initial-str", lambda m, f: m.add.reduce(f, initial="a"), "f")
case("reduce-where-wrong-shape", lambda m, f, x: m.add.reduce(f, where=x > 0), "f x")
case("reduce-unary", lambda m, f: m.sqrt.reduce(f), "f")
case("reduce-empty-no-identity", lambda m, e: m.maximum.reduce(e, axis=0), "e")
case("reduce-empty-identity", lambda m, e: m.add.reduce(e, axis=0), "e")
case("reduce-0d-axis0", lambda m, s: m.add.reduce(s, axis=0), "s")
case("reduce-0d-axis1", lambda m, s: m.add.reduce(s, axis=1), "s")
case("reduce-None-array", lambda m: m.add.reduce(None))
case("reduce-keepdims-out-mismatch", lambda m, f, x: m.add.reduce(f, axis=0, keepdims=True, out=x), "f x")
case("reduce-comparison-bool", lambda m, f: m.less.reduce(f, axis=0), "f")
case("reduce-logical-and-float", lambda m, f: m.logical_and.reduce(f, axis=1), "f")
case("reduce-bitwise-float", lambda m, f: m.bitwise_or.reduce(f), "f")
case("accumulate-bad-axis", lambda m, f: m.add.accumulate(f, axis=2), "f")
case("accumulate-0d", lambda m, s: m.add.accumulate(s), "s")
case("accumulate-unary", lambda m, f: m.sqrt.accumulate(f), "f")
case("accumulate-out-wrong-shape", lambda m, f, g: m.add.accumulate(f, out=g), "f g")
case("outer-unary", lambda m, x: m.sqrt.outer(x, x), "x")
case("outer-None", lambda m, x: m.add.outer(x, None), "x")
case("outer-str", lambda m, x: m.add.outer(x, "a"), "x")
case("outer-deferred", lambda m, x, k: m.subtract.outer(x, k), "x k")
case("reduceat-out-of-range", lambda m, v: m.add.reduceat(v, [0, N + 5]), "v")
case("reduceat-float-indices", lambda m, v: m.add.reduceat(v, [0.5]), "v")
case("at-out-of-range", lambda m, x: m.add.at(x, [0, 9], 1.0), "x")
case("at-bad-value-shape", lambda m, x: m.add.at(x, [0, 1], [1.0, 2.0, 3.0]), "x")

# -- reductions ---------------------------------------------------------------
REDUCTIONS = ["sum", "prod", "max", "min", "mean", "var", "std", "any", "all",
              "argmax", "argmin"]
for _r in REDUCTIONS:
    case(f"{_r}-axis-2", lambda m, f, _r=_r: getattr(m, _r)(f, axis=2), "f")
    case(f"{_r}-axis--3", lambda m, f, _r=_r: getattr(f, _r)(axis=-3), "f")
    case(f"{_r}-axis-float", lambda m, f, _r=_r: getattr(m, _r)(f, axis=1.0), "f")
    case(f"{_r}-axis-str", lambda m, f, _r=_r: getattr(m, _r)(f, axis="1"), "f")
    case(f"{_r}-axis-tuple-repeated", lambda m, f, _r=_r: getattr(m, _r)(f, axis=(1, -1)), "f")
    case(f"{_r}-axis-tuple-bad", lambda m, f, _r=_r: getattr(m, _r)(f, axis=(0, 5)), "f")
    case(f"{_r}-axis-list", lambda m, f, _r=_r: getattr(m, _r)(f, axis=[0, 1]), "f")
    case(f"{_r}-axis-bool", lambda m, f, _r=_r: getattr(m, _r)(f, axis=True), "f")
    case(f"{_r}-out-wrong-shape", lambda m, f, x, _r=_r: getattr(m, _r)(f, axis=0, out=x), "f x")
    case(f"{_r}-out-list", lambda m, f, _r=_r: getattr(m, _r)(f, axis=0, out=[0.0] * W), "f")
    # (an `out` of another dtype that holds the values exactly: NumPy's
    # values for one that cannot, floats into an int `out`, depend on its
    # iteration order and buffering, not on a rule)
    case(f"{_r}-out-int32", lambda m, i, j, _r=_r: getattr(m, _r)(i, axis=0, out=j[0]), "i j")
    case(f"{_r}-None", lambda m, _r=_r: getattr(m, _r)(None))
    case(f"{_r}-str-list", lambda m, _r=_r: getattr(m, _r)(["a", "b"]))
    case(f"{_r}-empty-all", lambda m, e, _r=_r: getattr(m, _r)(e), "e")
    case(f"{_r}-empty-axis0", lambda m, e, _r=_r: getattr(m, _r)(e, axis=0), "e")
    case(f"{_r}-empty-axis1", lambda m, e, _r=_r: getattr(m, _r)(e, axis=1), "e")
    case(f"{_r}-0d-axis0", lambda m, s, _r=_r: getattr(m, _r)(s, axis=0), "s")
    case(f"{_r}-0d-axis1", lambda m, s, _r=_r: getattr(m, _r)(s, axis=1), "s")
    case(f"{_r}-bool", lambda m, b, _r=_r: getattr(m, _r)(b, axis=1), "b")
    case(f"{_r}-complex", lambda m, c, _r=_r: getattr(m, _r)(c, axis=0), "c")
    case(f"{_r}-unknown-kw", lambda m, f, _r=_r: getattr(m, _r)(f, foo=1), "f")

for _r in ("sum", "prod", "mean", "var", "std"):
    case(f"{_r}-bad-dtype", lambda m, f, _r=_r: getattr(m, _r)(f, dtype="foo"), "f")
    case(f"{_r}-dtype-int", lambda m, f, _r=_r: getattr(m, _r)(f, axis=0, dtype=np.int32), "f")
    case(f"{_r}-dtype-bool", lambda m, i, _r=_r: getattr(m, _r)(i, axis=1, dtype=bool), "i")
for _r in ("sum", "prod", "max", "min", "mean", "any", "all", "var", "std"):
    case(f"{_r}-keepdims-out-mismatch", lambda m, f, x, _r=_r:
         getattr(m, _r)(f, axis=0, keepdims=True, out=x), "f x")
    case(f"{_r}-where-wrong-shape", lambda m, f, x, _r=_r: getattr(m, _r)(f, where=x > 0), "f x")
    case(f"{_r}-where-float", lambda m, f, _r=_r: getattr(m, _r)(f, axis=0, where=f), "f")
for _r in ("sum", "prod", "max", "min"):
    case(f"{_r}-initial-str", lambda m, f, _r=_r: getattr(m, _r)(f, initial="a"), "f")
    case(f"{_r}-initial-None", lambda m, f, _r=_r: getattr(m, _r)(f, initial=None), "f")
    case(f"{_r}-initial-array", lambda m, f, x, _r=_r: getattr(m, _r)(f, initial=x), "f x")
    case(f"{_r}-initial-empty", lambda m, e, _r=_r: getattr(m, _r)(e, axis=0, initial=1.0), "e")
# fallback paths (initial=, where=, var/std) given a deferred out=
case("max-initial-out", lambda m, f, g: m.max(f, axis=0, initial=10.0, out=g[0]), "f g")
case("sum-where-out", lambda m, f, g, b: m.sum(f, axis=0, where=b, out=g[0]), "f g b")
case("var-out", lambda m, f, g: m.var(f, axis=0, out=g[0]), "f g")
case("std-out-keepdims", lambda m, f, g: m.std(f, axis=0, keepdims=True, out=g[:1]), "f g")
case("mean-where-out", lambda m, f, g, b: m.mean(f, axis=0, where=b, out=g[0]), "f g b")
case("var-ddof-str", lambda m, f: m.var(f, ddof="a"), "f")
case("var-ddof-too-big", lambda m, x: m.var(x, ddof=10), "x")
case("std-ddof-negative", lambda m, x: m.std(x, ddof=-1), "x")
case("var-0d", lambda m, s: m.var(s), "s")
case("argmax-out-float", lambda m, f, g: m.argmax(f, axis=0, out=g[0]), "f g")
case("argmax-keepdims-str", lambda m, f: m.argmax(f, axis=0, keepdims="x"), "f")
case("argmin-axis-tuple", lambda m, f: m.argmin(f, axis=(0, 1)), "f")
case("count_nonzero-bad-axis", lambda m, f: m.count_nonzero(f, axis=2), "f")
case("count_nonzero-None", lambda m: m.count_nonzero(None))
case("count_nonzero-empty", lambda m, e: m.count_nonzero(e), "e")
case("count_nonzero-0d", lambda m, s: m.count_nonzero(s), "s")
case("amax-empty-initial", lambda m, e: m.amax(e, initial=-1.0), "e")
case("max-empty-where", lambda m, x: m.max(x, where=x > 100, initial=0.0), "x")
case("min-where-no-initial", lambda m, x: m.min(x, where=x > 0), "x")
case("mean-empty-keepdims", lambda m, e: m.mean(e, axis=0, keepdims=True), "e")
case("mean-int-out-float", lambda m, i, g: m.mean(i, axis=0, out=g[0]), "i g")
case("sum-bool-axis-None-keepdims", lambda m, b: m.sum(b, keepdims=True), "b")
case("all-out-float", lambda m, f, g: m.all(f, axis=0, out=g[0]), "f g")

# -- indexing -----------------------------------------------------------------
case("index-out-of-range", lambda m, f: f[4], "f")
case("index-neg-out-of-range", lambda m, f: f[-5], "f")
case("index-second-dim", lambda m, f: f[:, W], "f")
case("index-second-dim-neg", lambda m, f: f[0, -W - 1], "f")
case("index-too-many", lambda m, f: f[1, 2, 3], "f")
case("index-too-many-slices", lambda m, f: f[:, :, :], "f")
case("index-two-ellipsis", lambda m, f: f[..., 1, ...], "f")
case("index-float", lambda m, f: f[1.5], "f")
case("index-str", lambda m, f: f["a"], "f")
case("index-None-then-int", lambda m, f: f[None, 0, None, 1].shape, "f")
case("index-bool-scalar", lambda m, f: f[True].shape, "f")
case("index-float-slice", lambda m, f: f[0:2.5], "f")
case("index-str-slice", lambda m, f: f["a":], "f")
case("index-zero-step", lambda m, f: f[::0], "f")
case("index-dict", lambda m, f: f[{}], "f")
case("index-object", lambda m, f: f[_Obj()], "f")
case("index-huge-int", lambda m, f: f[2**63], "f")
case("index-huge-negative", lambda m, f: f[-2**63 - 1], "f")
case("index-list-out-of-range", lambda m, f: f[[0, 4]], "f")
case("index-list-float", lambda m, f: f[[0.5]], "f")
case("index-list-str", lambda m, f: f[["a"]], "f")
case("index-array-out-of-range", lambda m, v, k: v[k * N], "v k")
case("index-mask-wrong-shape", lambda m, f, x: f[x > 0], "f x")
case("index-mask-wrong-length", lambda m, f: f[np.array([True, False])], "f")
case("index-bool-list-wrong-length", lambda m, v: v[[True, False, True]], "v")
case("index-float-array", lambda m, f, x: f[x], "f x")
case("index-0d-with-int", lambda m, s: s[0], "s")
case("index-0d-with-slice", lambda m, s: s[:], "s")
case("index-0d-empty-tuple", lambda m, s: s[()], "s")
case("index-0d-ellipsis", lambda m, s: s[...], "s")
case("index-0d-None", lambda m, s: s[None], "s")
case("index-empty-int", lambda m, e: e[0], "e")
case("index-empty-slice", lambda m, e: e[:, 0], "e")
case("index-empty-1d-neg", lambda m, e1: e1[-1], "e1")
case("index-numpy-int", lambda m, f: f[np.int64(3), np.uint8(1)], "f")
case("index-numpy-int-out-of-range", lambda m, f: f[np.int32(4)], "f")
case("index-0d-array-index", lambda m, f, si: f[si], "f si")
case("index-0d-float-array-index", lambda m, f, s: f[s], "f s")
case("index-array-index-of-float-array", lambda m, v, x: v[x], "v x")
case("index-tuple-of-lists", lambda m, f: f[[0, 1], [0, 1, 2]], "f")
case("item-out-of-range", lambda m, f: f.item(10**9), "f")
case("item-too-many", lambda m, f: f.item(0, 0, 0), "f")
case("item-str", lambda m, f: f.item("a"), "f")
case("item-not-size-1", lambda m, f: f.item(), "f")
case("item-0d-index", lambda m, s: s.item(1), "s")
case("item-0d", lambda m, s: s.item(), "s")

# setitem (the operands must be left as NumPy leaves them)
case("setitem-out-of-range", lambda m, f: f.__setitem__(4, 1.0), "f")
case("setitem-second-dim", lambda m, f: f.__setitem__((0, W), 1.0), "f")
case("setitem-too-many", lambda m, f: f.__setitem__((0, 1, 2), 1.0), "f")
case("setitem-str-value", lambda m, f: f.__setitem__(0, "x"), "f")
case("setitem-None-value", lambda m, f: f.__setitem__(0, None), "f")
case("setitem-object-value", lambda m, f: f.__setitem__(0, _Obj()), "f")
case("setitem-list-mismatch", lambda m, f: f.__setitem__(0, [1.0, 2.0]), "f")
case("setitem-shape-mismatch", lambda m, f, g: f.__setitem__(slice(None), g), "f g")
case("setitem-too-many-dims", lambda m, f, g: f[0].__setitem__(slice(None), g[:1, :, None]), "f g")
case("setitem-complex-to-float", lambda m, f: f.__setitem__((0, 0), 1j), "f")
case("setitem-complex-array-to-float", lambda m, f, c: f.__setitem__(slice(None), c), "f c")
case("setitem-float-to-int", lambda m, i: i.__setitem__((0, 0), 1.5), "i")
case("setitem-str-to-int", lambda m, i: i.__setitem__((0, 0), "a"), "i")
case("setitem-overflow-int", lambda m, i: i.__setitem__((0, 0), 2**70), "i")
case("setitem-nan-to-int", lambda m, i: i.__setitem__(0, np.nan), "i")
case("setitem-float-slice", lambda m, f: f.__setitem__(slice(0, 1.5), 1.0), "f")
case("setitem-zero-step", lambda m, f: f.__setitem__(slice(None, None, 0), 1.0), "f")
case("setitem-mask-wrong-shape", lambda m, f, x: f.__setitem__(x > 0, 1.0), "f x")
case("setitem-mask-values-mismatch", lambda m, f: f.__setitem__(f > 0, [1.0, 2.0, 3.0]), "f")
case("setitem-mask-str", lambda m, f: f.__setitem__(f > 0, "a"), "f")
case("setitem-fancy-out-of-range", lambda m, v: v.__setitem__([0, N], 1.0), "v")
case("setitem-fancy-values-mismatch", lambda m, v, k: v.__setitem__(k, [1.0, 2.0]), "v k")
case("setitem-0d-with-int", lambda m, s: s.__setitem__(0, 1.0), "s")
case("setitem-0d-ellipsis", lambda m, s: s.__setitem__(Ellipsis, 7.0), "s")
case("setitem-0d-array-value", lambda m, f, s: f.__setitem__((1, 1), s), "f s")
case("setitem-empty", lambda m, e: e.__setitem__(slice(None), 1.0), "e")
case("setitem-empty-out-of-range", lambda m, e: e.__setitem__(0, 1.0), "e")
case("setitem-from-empty", lambda m, f, e: f.__setitem__(slice(0, 0), e), "f e")
case("setitem-bool-from-float", lambda m, b, f: b.__setitem__(slice(None), f), "b f")
case("setitem-uint8-negative", lambda m, u: u.__setitem__(slice(None), -1), "u")
case("setitem-overlapping-self", lambda m, v: v.__setitem__(slice(1, None), v[:-1]), "v")
case("setitem-reversed-self", lambda m, v: v.__setitem__(slice(None), v[::-1]), "v")

# -- shape manipulation -------------------------------------------------------
case("reshape-bad-size", lambda m, f: f.reshape(3, 7), "f")
case("reshape-two-minus1", lambda m, f: f.reshape(-1, -1), "f")
case("reshape-minus1-bad", lambda m, f: f.reshape(-1, 3 * W + 1), "f")
case("reshape-minus2", lambda m, f: f.reshape(-2, 2 * W), "f")
case("reshape-str", lambda m, f: f.reshape("a"), "f")
case("reshape-float", lambda m, f: f.reshape(2.0, 2 * W), "f")
case("reshape-None", lambda m, f: m.reshape(f, None), "f")
case("reshape-method-None", lambda m, f: f.reshape(None), "f")
case("reshape-no-args", lambda m, f: f.reshape(), "f")
case("reshape-bad-order", lambda m, f: f.reshape(N, order="Z"), "f")
case("reshape-0d-to-1", lambda m, s: s.reshape(1, 1), "s")
case("reshape-0d-to-2", lambda m, s: s.reshape(2), "s")
case("reshape-empty-minus1", lambda m, e: e.reshape(-1, 0), "e")
case("reshape-empty-to-0", lambda m, e: e.reshape(0), "e")
case("reshape-empty-to-W0", lambda m, e: e.reshape(W, 0), "e")
case("reshape-to-33-dims", lambda m, x: x.reshape((1,) * 32 + (5,)), "x")
case("reshape-numpy-int", lambda m, f: f.reshape(np.int64(N)), "f")
case("reshape-list", lambda m, f: f.reshape([2, 2 * W]), "f")
case("ravel-bad-order", lambda m, f: m.ravel(f, order="Z"), "f")
case("flatten-bad-order", lambda m, f: f.flatten("Z"), "f")
case("shape-set-bad", lambda m, f: setattr(f, "shape", (3, 7)), "f")
case("transpose-short", lambda m, f: m.transpose(f, (0,)), "f")
case("transpose-bad-axis", lambda m, f: m.transpose(f, (0, 2)), "f")
case("transpose-repeated", lambda m, f: f.transpose(1, 1), "f")
case("transpose-str", lambda m, f: f.transpose("a"), "f")
case("transpose-float", lambda m, f: f.transpose(1.0, 0.0), "f")
case("transpose-0d-axes", lambda m, s: s.transpose(0), "s")
case("transpose-0d", lambda m, s: s.T, "s")
case("transpose-None", lambda m: m.transpose(None))
if hasattr(np, "permute_dims"):  # NumPy 2 (legate.numpy has it for 1.x too)
    case("permute_dims-bad", lambda m, f: m.permute_dims(f, (1, 0, 2)), "f")
case("swapaxes-bad-axis", lambda m, f: m.swapaxes(f, 0, 2), "f")
case("swapaxes-float", lambda m, f: f.swapaxes(0, 1.5), "f")
case("swapaxes-0d", lambda m, s: m.swapaxes(s, 0, 0), "s")
case("swapaxes-one-arg", lambda m, f: f.swapaxes(0), "f")
case("moveaxis-bad-axis", lambda m, f: m.moveaxis(f, 0, 5), "f")
case("moveaxis-length-mismatch", lambda m, f: m.moveaxis(f, [0, 1], [0]), "f")
case("moveaxis-repeated", lambda m, f: m.moveaxis(f, [0, 0], [0, 1]), "f")
case("moveaxis-str", lambda m, f: m.moveaxis(f, "a", 0), "f")
case("squeeze-not-one", lambda m, f: m.squeeze(f, axis=0), "f")
case("squeeze-bad-axis", lambda m, f: f.squeeze(axis=2), "f")
case("squeeze-0d-axis", lambda m, s: m.squeeze(s, axis=0), "s")
case("squeeze-empty", lambda m, e: m.squeeze(e, axis=0), "e")
case("expand_dims-bad-axis", lambda m, f: m.expand_dims(f, 5), "f")
case("expand_dims-repeated", lambda m, f: m.expand_dims(f, (0, 0)), "f")
case("expand_dims-float", lambda m, f: m.expand_dims(f, 1.5), "f")
case("expand_dims-0d", lambda m, s: m.expand_dims(s, -1), "s")
case("broadcast_to-bad", lambda m, f: m.broadcast_to(f, (4, 4)), "f")
case("broadcast_to-fewer-dims", lambda m, f: m.broadcast_to(f, (W,)), "f")
case("broadcast_to-negative", lambda m, f: m.broadcast_to(f, (-1, W)), "f")
case("broadcast_to-str", lambda m, f: m.broadcast_to(f, "a"), "f")
case("broadcast_to-0d", lambda m, s: m.broadcast_to(s, (3, 2)), "s")
case("broadcast_to-empty", lambda m, e: m.broadcast_to(e, (2, 0, W)), "e")
case("broadcast_to-empty-bad", lambda m, e: m.broadcast_to(e, (2, W)), "e")
case("broadcast_arrays-mismatch", lambda m, f, g: m.broadcast_arrays(f, g), "f g")
case("broadcast_shapes-mismatch", lambda m: m.broadcast_shapes((4, W), (3, W)))
case("atleast_2d-None", lambda m: m.atleast_2d(None))
case("atleast_1d-0d", lambda m, s: m.atleast_1d(s), "s")
case("atleast_3d-empty", lambda m, e1: m.atleast_3d(e1), "e1")
case("concatenate-mismatch", lambda m, f, g: m.concatenate([f, g], axis=1), "f g")
case("concatenate-ndim-mismatch", lambda m, f, v: m.concatenate([f, v]), "f v")
case("concatenate-empty-list", lambda m: m.concatenate([]))
case("concatenate-bad-axis", lambda m, f: m.concatenate([f, f], axis=2), "f")
case("concatenate-float-axis", lambda m, f: m.concatenate([f, f], axis=1.0), "f")
case("concatenate-0d", lambda m, s: m.concatenate([s, s]), "s")
case("concatenate-None", lambda m: m.concatenate(None))
case("concatenate-None-item", lambda m, f: m.concatenate([f, None]), "f")
case("concatenate-out-wrong-shape", lambda m, f, g: m.concatenate([f, f], out=g), "f g")
case("concatenate-out-and-dtype", lambda m, f, g: m.concatenate([f, g], out=f, dtype=float), "f g")
case("concatenate-bad-dtype", lambda m, f: m.concatenate([f, f], dtype="foo"), "f")
case("concatenate-casting-safe", lambda m, f, i: m.concatenate([f, i], dtype=np.int64, casting="safe"), "f i")
case("concatenate-bad-casting", lambda m, f: m.concatenate([f, f], casting="bogus"), "f")
case("concatenate-axis-None", lambda m, f, g: m.concatenate([f, g], axis=None), "f g")
case("concatenate-with-empty", lambda m, f, e: m.concatenate([e, f]), "f e")
case("concatenate-mixed-dtypes", lambda m, f, i, b: m.concatenate([f, i, b]), "f i b")
case("concatenate-generator", lambda m, f, g: m.concatenate(x for x in (f, g)), "f g")
case("stack-mismatch", lambda m, f, g: m.stack([f, g]), "f g")
case("stack-empty-list", lambda m: m.stack([]))
case("stack-bad-axis", lambda m, f: m.stack([f, f], axis=3), "f")
case("stack-neg-axis", lambda m, f: m.stack([f, f], axis=-4), "f")
case("stack-0d", lambda m, s: m.stack([s, s]), "s")
case("stack-empty-arrays", lambda m, e: m.stack([e, e], axis=1), "e")
case("stack-generator", lambda m, f, g: m.stack(x for x in (f, f)), "f g")
case("vstack-generator", lambda m, f, g: m.vstack(x for x in (f, g)), "f g")
case("hstack-generator", lambda m, f: m.hstack(x for x in (f, f)), "f")
case("concatenate-ndarray", lambda m, f: m.concatenate(f), "f")
case("stack-out-wrong-shape", lambda m, f, g: m.stack([f, f], out=g), "f g")
case("vstack-mismatch", lambda m, f, x: m.vstack([f, x]), "f x")
case("vstack-empty-list", lambda m: m.vstack([]))
case("hstack-mismatch", lambda m, f, g: m.hstack([f, g]), "f g")
case("hstack-0d", lambda m, s: m.hstack([s, s]), "s")
case("split-unequal", lambda m, f: m.split(f, 3), "f")
case("split-bad-axis", lambda m, f: m.split(f, 2, axis=2), "f")
case("split-zero", lambda m, f: m.split(f, 0), "f")
case("array_split-zero", lambda m, f: m.array_split(f, 0), "f")
case("flip-bad-axis", lambda m, f: m.flip(f, axis=2), "f")
case("flip-0d", lambda m, s: m.flip(s), "s")
case("fliplr-1d", lambda m, v: m.fliplr(v), "v")
case("flipud-0d", lambda m, s: m.flipud(s), "s")
case("roll-bad-axis", lambda m, f: m.roll(f, 1, axis=2), "f")
case("roll-str-shift", lambda m, f: m.roll(f, "a", axis=0), "f")
case("roll-float-shift", lambda m, f: m.roll(f, 1.5, axis=0), "f")
case("roll-shift-axis-mismatch", lambda m, f: m.roll(f, (1, 2), axis=(0, 1, 0)), "f")
case("roll-empty", lambda m, e: m.roll(e, 3, axis=0), "e")
case("roll-0d", lambda m, s: m.roll(s, 1), "s")
case("copyto-mismatch", lambda m, f, g: m.copyto(f, g), "f g")
case("copyto-casting", lambda m, i, f: m.copyto(i, f), "i f")
case("copyto-casting-no", lambda m, f, j: m.copyto(f, j, casting="no"), "f j")
case("copyto-str", lambda m, f: m.copyto(f, "a"), "f")
case("copyto-None-dst", lambda m, f: m.copyto(None, f), "f")
case("copyto-where-wrong-shape", lambda m, f, x: m.copyto(f, 1.0, where=x > 0), "f x")
case("copyto-bad-casting", lambda m, f: m.copyto(f, f, casting="bogus"), "f")
case("ndim-size-shape", lambda m, f: (m.ndim(f), m.size(f), m.shape(f)), "f")
case("size-bad-axis", lambda m, f: m.size(f, 2), "f")
case("may_share_memory-None", lambda m, f: m.may_share_memory(f, None), "f")

# -- products -------------------------------------------------------------------
case("dot-mismatch", lambda m, f: m.dot(f, f), "f")
case("dot-None", lambda m, f: m.dot(f, None), "f")
case("dot-str", lambda m, f: m.dot(f, "a"), "f")
case("dot-1d-mismatch", lambda m, v, x: m.dot(v, x), "v x")
case("dot-empty", lambda m, e, t: m.dot(e, t), "e t")
case("dot-0d", lambda m, s, f: m.dot(s, f), "s f")
case("dot-out-wrong-shape", lambda m, f, t, g: m.dot(f, t, out=g), "f t g")
case("dot-out-wrong-dtype", lambda m, f, t, i: m.dot(f, t, out=i[:, :3]), "f t i")
case("dot-method-mismatch", lambda m, f: f.dot(f), "f")
case("dot-bool", lambda m, b, t: m.dot(b, t), "b t")
case("matmul-mismatch", lambda m, f: m.matmul(f, f), "f")
case("matmul-0d", lambda m, s, f: m.matmul(s, f), "s f")
case("matmul-None", lambda m, f: m.matmul(f, None), "f")
case("matmul-str", lambda m, f: m.matmul(f, "a"), "f")
case("matmul-operator-mismatch", lambda m, f, g: f @ g, "f g")
case("matmul-operator-None", lambda m, f: f @ None, "f")
case("matmul-operator-0d", lambda m, f, s: f @ s, "f s")
case("matmul-out-wrong-shape", lambda m, f, t, g: m.matmul(f, t, out=g), "f t g")
case("matmul-out-int", lambda m, f, t, i: m.matmul(f, t, out=i[:, :3]), "f t i")
case("matmul-1d-mismatch", lambda m, v, x: m.matmul(v, x), "v x")
case("matmul-empty", lambda m, e, t: m.matmul(e, t), "e t")
case("matmul-empty-mismatch", lambda m, e, f: m.matmul(e, f), "e f")
case("matmul-bad-kw", lambda m, f, t: m.matmul(f, t, foo=1), "f t")
case("matmul-bool-int", lambda m, b, t: m.matmul(b, t), "b t")
case("imatmul-shape-change", lambda m, f, t: operator.imatmul(f, t), "f t")
case("vdot-mismatch", lambda m, f, g: m.vdot(f, g), "f g")
case("vdot-None", lambda m, f: m.vdot(f, None), "f")
case("inner-mismatch", lambda m, f, t: m.inner(f, t), "f t")
case("inner-ok", lambda m, f, g: m.inner(f, g), "f g")
case("inner-str", lambda m, f: m.inner(f, "a"), "f")
case("outer-None-fn", lambda m, x: m.outer(x, None), "x")
case("outer-out-wrong-shape", lambda m, x, f: m.outer(x, x, out=f), "x f")
case("tensordot-bad-axes", lambda m, f, g: m.tensordot(f, g, axes=5), "f g")
case("tensordot-mismatch", lambda m, f, g: m.tensordot(f, g, axes=([0], [0])), "f g")
case("linalg-norm-bad-ord", lambda m, f: m.linalg.norm(f, ord="x"), "f")
case("linalg-norm-bad-axis", lambda m, f: m.linalg.norm(f, axis=2), "f")
case("linalg-norm-None", lambda m: m.linalg.norm(None))
case("linalg-norm-str", lambda m: m.linalg.norm("a"))
case("linalg-inv-not-square", lambda m, f: m.linalg.inv(f), "f")
case("linalg-inv-1d", lambda m, x: m.linalg.inv(x), "x")
case("linalg-solve-mismatch", lambda m, x: m.linalg.solve(m.eye(3), x), "x")
case("linalg-det-1d", lambda m, x: m.linalg.det(x), "x")

# -- elementwise helpers ------------------------------------------------------
case("where-one-arg-array", lambda m, b, f: m.where(b, f), "b f")
case("where-shape-mismatch", lambda m, b, f, g: m.where(b, f, g), "b f g")
case("where-cond-mismatch", lambda m, x, f: m.where(x > 0, f, f), "x f")
case("where-str", lambda m, b, f: m.where(b, f, "a"), "b f")
case("where-None", lambda m, b, f: m.where(b, f, None), "b f")
case("where-cond-None", lambda m, f: m.where(None, f, f), "f")
case("where-cond-float", lambda m, f, g: m.where(f, f, 0.0), "f g")
case("where-0d-cond", lambda m, s, f: m.where(s > 1, f, 0.0), "s f")
case("where-empty", lambda m, e: m.where(e > 0, e, 1), "e")
case("where-nonzero-0d", lambda m, s: m.where(s), "s")
case("clip-no-bounds", lambda m, f: m.clip(f), "f")
case("clip-both-None", lambda m, f: m.clip(f, None, None), "f")
case("clip-str", lambda m, f: m.clip(f, "a", 1), "f")
case("clip-shape-mismatch", lambda m, f, g: m.clip(f, g, 1.0), "f g")
case("clip-out-wrong-shape", lambda m, f, g: m.clip(f, 0, 1, out=g), "f g")
case("clip-out-int", lambda m, f, i: m.clip(f, 0, 1, out=i), "f i")
case("clip-min-max-kw", lambda m, f: m.clip(f, a_min=0, min=1), "f")
case("clip-method-no-bounds", lambda m, f: f.clip(), "f")
case("around-float-decimals", lambda m, f: m.around(f, decimals=1.5), "f")
case("around-str-decimals", lambda m, f: m.around(f, "a"), "f")
case("around-out-wrong-shape", lambda m, f, g: m.around(f, 0, out=g), "f g")
case("round-method-bad", lambda m, f: f.round("a"), "f")
case("isclose-mismatch", lambda m, f, g: m.isclose(f, g), "f g")
case("isclose-str", lambda m, f: m.isclose(f, "a"), "f")
case("isclose-None", lambda m, f: m.isclose(f, None), "f")
case("allclose-mismatch", lambda m, f, g: m.allclose(f, g), "f g")
case("allclose-str", lambda m, f: m.allclose(f, "a"), "f")
case("array_equal-mismatch", lambda m, f, g: m.array_equal(f, g), "f g")
case("array_equal-None", lambda m, f: m.array_equal(f, None), "f")
case("diff-negative-n", lambda m, f: m.diff(f, n=-1), "f")
case("diff-0d", lambda m, s: m.diff(s), "s")
case("diff-bad-axis", lambda m, f: m.diff(f, axis=2), "f")
case("diff-float-n", lambda m, f: m.diff(f, n=1.5), "f")
case("diff-too-many", lambda m, x: m.diff(x, n=9), "x")
case("diff-bool", lambda m, b: m.diff(b, axis=0), "b")

# -- astype, conversions, methods -------------------------------------------------
case("astype-bad-dtype", lambda m, f: f.astype("foo"), "f")
case("astype-casting-safe", lambda m, f: f.astype(np.int64, casting="safe"), "f")
case("astype-casting-same_kind", lambda m, f: f.astype(np.float32, casting="same_kind"), "f")
case("astype-casting-no", lambda m, f: f.astype(np.float32, casting="no"), "f")
case("astype-bad-casting", lambda m, f: f.astype(np.int64, casting="bogus"), "f")
case("astype-bad-order", lambda m, f: f.astype(np.int64, order="Z"), "f")
case("astype-None", lambda m, i: i.astype(None), "i")
case("astype-complex-to-float", lambda m, c: c.astype(np.float64), "c")
case("astype-float-to-bool", lambda m, f: f.astype(bool), "f")
case("astype-float-to-uint8", lambda m, x: x.astype(np.uint8), "x")
case("astype-to-str", lambda m, x: x.astype("U8"), "x")
case("astype-to-object", lambda m, x: x.astype(object), "x")
case("astype-no-args", lambda m, f: f.astype(), "f")
case("astype-empty", lambda m, e: e.astype(np.int8), "e")
case("astype-0d", lambda m, s: s.astype(np.int16), "s")
case("float-of-array", lambda m, f: float(f), "f")
case("int-of-array", lambda m, f: int(f), "f")
case("complex-of-array", lambda m, f: complex(f), "f")
case("bool-of-array", lambda m, f: bool(f), "f")
case("bool-of-empty", lambda m, e: bool(e), "e")
case("index-of-float", lambda m, s: operator.index(s), "s")
case("index-of-array", lambda m, f: operator.index(f), "f")
case("index-of-0d-int", lambda m, si: operator.index(si), "si")
case("float-of-0d", lambda m, s: float(s), "s")
case("int-of-0d-complex", lambda m, s: int(s + 1j), "s")
case("len-of-0d", lambda m, s: len(s), "s")
case("iter-of-0d", lambda m, s: iter(s), "s")
case("hash-of-array", lambda m, f: hash(f), "f")
case("format-array-d", lambda m, f: format(f, "d"), "f")
case("format-0d-bad-spec", lambda m, s: format(s, "q"), "s")
case("round-0d-str", lambda m, s: round(s, "a"), "s")
case("fill-str", lambda m, f: f.fill("a"), "f")
case("fill-None", lambda m, f: f.fill(None), "f")
case("fill-array", lambda m, f, x: f.fill(x), "f x")
case("fill-complex", lambda m, f: f.fill(1j), "f")
case("fill-int-overflow", lambda m, u: u.fill(2**70), "u")
case("view-bad-dtype", lambda m, f: f.view("foo"), "f")
case("view-itemsize-mismatch", lambda m, x: x.view(np.complex128), "x")
case("tobytes-bad-order", lambda m, x: x.tobytes(order="Z"), "x")
case("tolist-0d", lambda m, s: s.tolist(), "s")
case("tolist-empty", lambda m, e: e.tolist(), "e")
case("copy-bad-order-method", lambda m, f: f.copy(order="Z"), "f")
case("contains-str", lambda m, f: "a" in f, "f")
case("contains-array", lambda m, f, x: x in f, "f x")
case("getattr-missing", lambda m, f: f.no_such_attribute, "f")
case("setattr-dtype", lambda m, f: setattr(f, "dtype", "foo"), "f")
case("setattr-ndim", lambda m, f: setattr(f, "ndim", 3), "f")
case("T-set", lambda m, f: setattr(f, "T", f), "f")
case("nonzero-0d", lambda m, s: m.nonzero(s), "s")

# -- operators ------------------------------------------------------------------
case("op-add-None", lambda m, f: f + None, "f")
case("op-radd-None", lambda m, f: None + f, "f")
case("op-add-str", lambda m, f: f + "a", "f")
case("op-add-list-mismatch", lambda m, f: f + [1.0, 2.0], "f")
case("op-add-dict", lambda m, f: f + {}, "f")
case("op-add-object", lambda m, f: f + _Obj(), "f")
case("op-sub-bool", lambda m, b: b - b, "b")
case("op-neg-bool", lambda m, b: -b, "b")
case("op-pos-bool", lambda m, b: +b, "b")
case("op-invert-float", lambda m, f: ~f, "f")
case("op-lshift-float", lambda m, f: f << 1, "f")
case("op-and-float", lambda m, f: f & f, "f")
case("op-xor-complex", lambda m, c: c ^ c, "c")
case("op-mod-complex", lambda m, c: c % 2, "c")
case("op-floordiv-complex", lambda m, c: c // 2, "c")
case("op-pow-str", lambda m, f: f ** "a", "f")
case("op-pow-mod", lambda m, i: pow(i, 2, 3), "i")
case("op-divmod-str", lambda m, f: divmod(f, "a"), "f")
case("op-lt-None", lambda m, f: f < None, "f")
case("op-lt-str", lambda m, f: f < "a", "f")
case("op-lt-complex", lambda m, c: c < c, "c")
case("op-eq-None", lambda m, f: f == None, "f")  # noqa: E711
case("op-ne-object", lambda m, f: f != _Obj(), "f")
case("op-eq-mismatch", lambda m, f, g: f == g, "f g")
case("op-lt-mismatch", lambda m, f, g: f < g, "f g")
case("op-0d-with-empty", lambda m, s, e: s * e, "s e")
case("op-empty-with-mismatch", lambda m, e, g: e + g, "e g")
case("op-int-by-zero", lambda m, i: i // 0, "i")
case("op-int-mod-zero", lambda m, i: i % 0, "i")
case("op-float-by-zero", lambda m, f: f / 0, "f")
case("op-uint8-overflow", lambda m, u: u + np.uint8(250), "u")
case("iop-float-into-int", lambda m, i, f: operator.iadd(i, f), "i f")
case("iop-scalar-float-into-int", lambda m, i: operator.iadd(i, 1.5), "i")
case("iop-true-divide-int", lambda m, i: operator.itruediv(i, 2), "i")
case("iop-int-into-bool", lambda m, b: operator.iadd(b, 1), "b")
case("iop-complex-into-float", lambda m, f, c: operator.imul(f, c), "f c")
case("iop-broadcast-output", lambda m, x, f: operator.iadd(x, f), "x f")
case("iop-mismatch", lambda m, f, g: operator.isub(f, g), "f g")
case("iop-None", lambda m, f: operator.iadd(f, None), "f")
case("iop-str", lambda m, f: operator.iadd(f, "a"), "f")
case("iop-row-broadcast", lambda m, f, g: operator.iadd(f, g[:1]), "f g")
case("iop-self-reversed", lambda m, v: operator.iadd(v, v[::-1]), "v")
case("iop-shift-negative", lambda m, i: operator.ilshift(i, -1), "i")
case("iop-uint8-negative", lambda m, u: operator.iadd(u, -1), "u")
case("iop-0d-into-empty", lambda m, e, s: operator.iadd(e, s), "e s")
case("iop-empty-into-0d", lambda m, s, e: operator.iadd(s, e), "s e")

_names = [c[0] for c in CASES]
assert len(_names) == len(set(_names)), "case names must be unique"

# ---------------------------------------------------------------------------
# known differences owned by other work (strict: a fix makes them XPASS)
# ---------------------------------------------------------------------------

_TEST_MODE = not AGAINST_NUMPY and TEST_MODE

XFAIL = {
    # the C layer's LNP_MAXDIM is 32 (NumPy 1.x's limit); NumPy 2 allows
    # 64 dimensions.  Out of this table's scope: a data-interface change
    "zeros-33-dims": ("LNP_MAXDIM is 32, NumPy 2 allows 64 dimensions",
                      lambda: NUMPY2 and _TEST_MODE),
    "array-ndmin-40": ("LNP_MAXDIM is 32, NumPy 2 allows 64 dimensions",
                       lambda: NUMPY2 and not AGAINST_NUMPY),
}


# ---------------------------------------------------------------------------
# the check
# ---------------------------------------------------------------------------


def _run(fn, m, args):
    with quiet():
        try:
            return fn(m, *args), None
        except Exception as e:  # noqa: BLE001
            return None, e


def _plain(x):
    """Results compared as NumPy would give them: iterators listed."""
    if type(x).__name__ in ("iterator", "generator", "map"):
        return list(x)
    return x


def _params():
    out = []
    for k, (name, fn, args) in enumerate(CASES):
        marks = []
        if k % STRIDE:
            marks.append(pytest.mark.skip(reason=f"sampled under {NRANKS} ranks"))
        if name in XFAIL:
            reason, cond = XFAIL[name]
            if cond is None or cond():
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
        out.append(pytest.param(fn, args, id=name, marks=marks))
    return out


@pytest.mark.parametrize("fn, names", _params())
def test_bad_input(fn, names):
    np_args = [_BASE[n].copy() for n in names]
    lnp_args = [_to_lnp(a) for a in np_args]
    expected, err = _run(fn, np, np_args)
    got, lerr = _run(fn, lnp, lnp_args)
    if err is not None:
        cls = public_exc(type(err))
        assert lerr is not None, (
            f"NumPy raises {type(err).__name__}({err}), legate.numpy returned "
            f"{got!r:.200}")
        assert isinstance(lerr, cls), (
            f"NumPy raises {type(err).__name__}({err}), legate.numpy "
            f"{type(lerr).__name__}({lerr})")
    else:
        if lerr is not None:
            raise AssertionError(
                f"NumPy returns {expected!r:.200}, legate.numpy raises "
                f"{type(lerr).__name__}({lerr})") from lerr
        with quiet():
            check(_plain(got), _plain(expected), approx=True)
    # the arguments hold what NumPy's hold (unchanged where NumPy raised)
    for n, la, a in zip(names, lnp_args, np_args):
        check(la, a, err_msg=f"argument {n} after the call")
    _assert_usable()


_USABLE = []


def _assert_usable():
    """The runtime still runs deferred work and reads values back (on an
    array made once: a fresh large store per case doubled the run time)."""
    if not _USABLE:
        _USABLE.append(_to_lnp(_BASE["x"]))
    y = (_USABLE[0] * 2 + 1).sum()
    assert float(y) == pytest.approx(float((_BASE["x"] * 2 + 1).sum()))


def test_table_size():
    """The table covers the API broadly (several hundred cases)."""
    assert len(CASES) >= 500
