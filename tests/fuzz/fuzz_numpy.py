"""Differential fuzzer: random programs of NumPy operations run on NumPy and
on legate.numpy side by side, step by step; every step must give the same
exception class, or the same dtype, shape and values (within a tolerance
for inexact dtypes), and at the end every array of the program (views'
bases included, after in-place writes through views) must still agree.

A program is drawn by Hypothesis: a pool of arrays (0-d to 6-D, empty, size
1 and odd sizes, all 14 dtypes, small exact values), then steps that add to
the pool or write into it:
  unary / binary ufuncs (broadcasting, scalars, out=, where=), reductions
  (axis, keepdims, dtype), ufunc.reduce, views (slices with steps and negative steps,
  integer and None indices, transposes, reshapes, broadcast_to), advanced
  keys (index arrays with repeats and negatives, masks) in gets, sets and
  in-place updates, copies and
  casts, in-place operators on views that may overlap their operand,
  setitem from arrays and scalars, where, concatenate, matmul.

Modes:
  python fuzz_numpy.py --examples N [--seed S]   a fixed, deterministic run
                                                 (the ctest targets)
  python fuzz_numpy.py --seconds T               keep drawing for T seconds
                                                 (long mode)
It prints the examples run and the mismatches found; a mismatch fails with
Hypothesis' shrunk program (the smallest it found), printed step by step.
Under MPI (bin/legate --ranks-per-node 2) every rank runs the same programs."""

import argparse
import operator
import os
import sys
import time
import warnings

import numpy as np
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import legate.numpy as lnp

DTYPES = [np.dtype(t) for t in (
    np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
    np.uint64, np.float16, np.float32, np.float64, np.complex64, np.complex128)]

UNARY = ["negative", "positive", "absolute", "square", "sqrt", "exp", "log", "sin", "cos",
         "tanh", "arctan", "floor", "ceil", "rint", "trunc", "sign", "conjugate", "invert",
         "logical_not", "isnan", "isinf", "isfinite", "signbit", "exp2", "log2", "log10"]
BINARY = ["add", "subtract", "multiply", "true_divide", "floor_divide", "remainder", "power",
          "maximum", "minimum", "fmax", "fmin", "arctan2", "hypot", "logaddexp", "bitwise_and",
          "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "equal", "not_equal", "less",
          "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_xor"]
REDUCTIONS = ["sum", "prod", "max", "min", "mean", "any", "all", "argmax", "argmin"]
# ufunc.reduce of binary ufuncs, with and without identity (the ones
# without fold in order from the first element: a[0] - a[1] - ...)
UREDUCE = ["add", "multiply", "maximum", "minimum", "subtract", "true_divide", "floor_divide",
           "remainder", "fmod", "power", "arctan2", "hypot", "copysign", "bitwise_xor",
           "logical_xor", "fmax", "fmin", "left_shift"]
INPLACE = ["iadd", "isub", "imul", "itruediv", "ifloordiv", "imod", "iand", "ior", "ixor", "ipow"]

# tolerance per result kind: the transcendental functions come from glibc
# (NumPy's SIMD kernels differ by a few ulp) and sums are tile-wise
RTOL = {"e": 2e-2, "f": 2e-4, "d": 1e-9, "F": 2e-4, "D": 1e-9}


# ---------------------------------------------------------------- drawing
@st.composite
def shapes(draw):
    kind = draw(st.sampled_from(["small"] * 8 + ["empty", "one", "odd", "0d"]))
    if kind == "0d":
        return ()
    if kind == "odd":
        return draw(st.sampled_from([(97,), (13, 11), (5, 7, 3), (3, 1, 5, 2, 3), (2, 3, 1, 2, 2, 3)]))
    nd = draw(st.integers(1, 6 if kind == "small" else 3))
    if kind == "one":
        return (1,) * nd
    dims = [draw(st.integers(1, 5 if nd <= 3 else 3)) for _ in range(nd)]
    if kind == "empty":
        dims[draw(st.integers(0, nd - 1))] = 0
    return tuple(dims)


def make_values(dt, shape, rnd):
    """Small values exact in every dtype (float16 too): sums and products of
    a few stay exact, so only the math functions need a tolerance."""
    n = int(np.prod(shape, dtype=np.int64))
    r = np.random.RandomState(rnd)
    if dt.kind == "b":
        v = r.randint(0, 2, n).astype(bool)
    elif dt.kind == "u":
        v = r.randint(0, 9, n).astype(dt)
    elif dt.kind == "i":
        v = r.randint(-8, 9, n).astype(dt)
    elif dt.kind == "f":
        v = (r.randint(-16, 17, n) / 4.0).astype(dt)
    else:
        v = ((r.randint(-8, 9, n) + 1j * r.randint(-8, 9, n)) / 2.0).astype(dt)
    return v.reshape(shape)


@st.composite
def index_keys(draw, shape):
    key = []
    for d in shape:
        c = draw(st.sampled_from(["all", "slice", "int", "none", "stop", "arr", "mask"]))
        if c == "int" and d > 0:
            key.append(draw(st.integers(-d, d - 1)))
        elif c == "arr" and d > 0:
            # an index array: repeats, negatives, empty (advanced indexing)
            k = draw(st.integers(0, 3))
            key.append(np.array(draw(st.lists(st.integers(-d, d - 1), min_size=k, max_size=k)),
                                dtype=np.int64))
        elif c == "mask":
            key.append(np.array(draw(st.lists(st.booleans(), min_size=d, max_size=d)), dtype=bool))
        elif c == "slice":
            start = draw(st.one_of(st.none(), st.integers(-d - 1, d + 1)))
            stop = draw(st.one_of(st.none(), st.integers(-d - 1, d + 1)))
            step = draw(st.sampled_from([None, 1, 2, 3, -1, -2]))
            key.append(slice(start, stop, step))
        elif c == "none":
            key.append(None)
            key.append(slice(None))
        elif c == "stop":
            break
        else:
            key.append(slice(None))
    return tuple(key)


def step_strategy(npool):
    """A step refers to arrays by index into the pool (modulo its size)."""
    idx = st.integers(0, 10 ** 6)
    return st.one_of(
        st.tuples(st.just("unary"), st.sampled_from(UNARY), idx, st.booleans()),
        st.tuples(st.just("binary"), st.sampled_from(BINARY), idx, idx,
                  st.sampled_from(["arr", "arr", "int", "float", "bool"]), st.booleans()),
        st.tuples(st.just("reduce"), st.sampled_from(REDUCTIONS), idx, st.integers(-7, 6),
                  st.booleans(), st.booleans()),
        st.tuples(st.just("ureduce"), st.sampled_from(UREDUCE), idx, st.integers(-3, 2), st.booleans()),
        st.tuples(st.just("view"), idx, st.data()),
        st.tuples(st.just("transpose"), idx, st.randoms(use_true_random=False)),
        st.tuples(st.just("reshape"), idx, st.sampled_from(["ravel", "flat", "split", "expand"])),
        st.tuples(st.just("broadcast"), idx, st.integers(1, 3)),
        st.tuples(st.just("astype"), idx, st.sampled_from(DTYPES)),
        st.tuples(st.just("inplace"), st.sampled_from(INPLACE), idx, idx, st.data()),
        st.tuples(st.just("setitem"), idx, idx, st.data(), st.booleans()),
        st.tuples(st.just("where"), idx, idx, idx),
        st.tuples(st.just("concat"), idx, idx, st.integers(-2, 2)),
        st.tuples(st.just("matmul"), idx, idx),
        st.tuples(st.just("copy"), idx),
    )


@st.composite
def programs(draw):
    narr = draw(st.integers(1, 3))
    arrays = []
    for i in range(narr):
        arrays.append((draw(shapes()), draw(st.sampled_from(DTYPES)), draw(st.integers(0, 2 ** 31 - 1))))
    steps = draw(st.lists(step_strategy(narr), min_size=1, max_size=8))
    return arrays, steps


# ---------------------------------------------------------------- running
class Mismatch(AssertionError):
    pass


def run_both(fn_np, fn_ln):
    """(result_np, exc_np), (result_ln, exc_ln)"""
    out = []
    for fn in (fn_np, fn_ln):
        try:
            out.append((fn(), None))
        except Exception as e:  # noqa: BLE001 - every exception class is compared
            out.append((None, e))
    return out


def exc_class(e):
    """The public class NumPy raises (NumPy 2's AxisError is both a
    ValueError and an IndexError; _UFuncNoLoopError is a TypeError...)."""
    for c in type(e).__mro__:
        if c.__module__ == "builtins" or c.__name__ in ("AxisError",):
            return c
    return type(e)


def compare(a, b, what, floor=0.0):
    """a from NumPy, b from legate.numpy; floor: the least relative
    tolerance for inexact values (a float64 computed from a float32 math
    function's result carries the float32 function's ulps)."""
    if isinstance(a, tuple):
        if not isinstance(b, tuple) or len(a) != len(b):
            raise Mismatch("%s: tuple %r vs %r" % (what, a, b))
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, "%s[%d]" % (what, i), floor)
        return
    if isinstance(a, (bool, int, float, complex)) and not isinstance(a, np.generic):
        if type(a) is not type(b) and not (isinstance(b, lnp.ndarray) and b.ndim == 0):
            raise Mismatch("%s: %s %r vs %s %r" % (what, type(a).__name__, a, type(b).__name__, b))
    an = np.asarray(a)
    bn = np.asarray(b)
    if an.dtype != bn.dtype:
        raise Mismatch("%s: dtype %s vs %s" % (what, an.dtype, bn.dtype))
    if an.shape != bn.shape:
        raise Mismatch("%s: shape %s vs %s" % (what, an.shape, bn.shape))
    if an.dtype.kind in "efdFD" or an.dtype.char in RTOL:
        rtol = max(RTOL.get(an.dtype.char, 1e-9), floor)
        ok = np.allclose(an, bn, rtol=rtol, atol=rtol, equal_nan=True) if an.size else True
        # infinities of the same sign where NumPy has them
        if ok and an.size:
            with np.errstate(all="ignore"):
                ok = bool(np.all(np.isinf(an) == np.isinf(bn)))
    else:
        ok = np.array_equal(an, bn)
    if not ok:
        raise Mismatch("%s: values differ\nnumpy:  %r\nlegate: %r" % (what, an, bn))


# Values NumPy leaves to the order or the layout of its loop, compared
# as zeros on both sides (docs/design.md, "Values NumPy leaves open"):
def invalid_cast(x, dt):
    """Where a float -> integer cast is invalid (NaN, inf, out of range):
    C leaves the value open and NumPy's own depends on the layout (its
    contiguous SIMD loop gives 2**31 for NaN -> uint32, one element or a
    strided loop 0); the invalid warning is what both give."""
    x = np.asarray(x)
    if x.dtype.kind not in "efdcFD" or not x.size:
        return None
    r = np.real(x).astype(np.float64)
    info = np.iinfo(dt)
    with np.errstate(all="ignore"):
        # the range x86's conversions (through int32, or int64) take
        lo = -2.0 ** 31 if info.bits <= 32 else -2.0 ** 63
        hi = {(32, "u"): 2.0 ** 32, (64, "i"): 2.0 ** 63, (64, "u"): 2.0 ** 64}.get((info.bits, info.kind), 2.0 ** 31)
        return ~np.isfinite(r) | (np.trunc(r) < lo) | (np.trunc(r) >= hi)


def product_out_of_range(x, r, axis, keepdims):
    """Where a product's partial products can leave the dtype's range in
    some order (overflow to inf, then inf * 0 = nan; or underflow to 0):
    NumPy multiplies in sequence, our tiles' partials first; as with sums'
    rounding, the order is the tiling's."""
    x = np.asarray(x)
    if x.dtype.kind not in "efdcFD" or not x.size:
        return None
    with np.errstate(all="ignore"):
        mag = np.log2(np.abs(x).astype(np.float64))
        big = np.where(mag > 0, mag, 0).sum(axis=axis, keepdims=keepdims)
        small = np.where(mag < 0, mag, 0).sum(axis=axis, keepdims=keepdims)
        fi = np.finfo(x.dtype)
        risk = (big >= np.log2(float(fi.max)) - 1) | (small <= np.log2(float(fi.tiny)) + 1)
        # an inf or NaN operand makes every order non-finite, but which
        # non-finite value (inf*0, inf+infj vs nan) is the order's too
        risk |= ~np.isfinite(x).all(axis=axis, keepdims=keepdims) if axis is not None or keepdims \
            else ~np.isfinite(x).all()
    return np.broadcast_to(risk, np.shape(r))


def unordered_as_zeros(mask, rn, rl):
    """rn, rl with the positions of mask set to zero."""
    if mask is None or not np.any(mask):
        return rn, rl
    if np.ndim(rn) == 0:
        z = np.zeros((), np.asarray(rn).dtype)[()]
        return z, lnp.zeros((), np.asarray(rn).dtype)
    rn = np.array(rn, copy=True)
    rn[mask] = 0
    return rn, lnp.where(lnp.array(np.asarray(mask)), lnp.zeros((), rn.dtype), rl)


def pick(pool, i):
    return pool[i % len(pool)]


def step_function(step, shape_of, note):
    """(f, operands) for one step: f(m, *arrays) runs it with module m
    (numpy or legate.numpy) on that side's arrays, the pool's entries at the
    operand indices; None for a step that does not apply."""
    kind = step[0]
    if kind == "unary":
        _, name, i, use_out = step
        if name == "signbit":
            # the sign of a NaN a math function made is glibc's here and
            # NumPy's SIMD kernels' there (docs/design.md): NaNs read False
            def f(m, x):
                return m.signbit(x) & ~m.isnan(x)
        elif use_out:
            def f(m, x):
                return getattr(m, name)(x, out=m.empty_like(getattr(m, name)(x)))
        else:
            def f(m, x):
                return getattr(m, name)(x)
        return f, (i,)
    if kind == "binary":
        _, name, i, j, other, where = step
        scalar = {"int": 3, "float": 1.5, "bool": True}.get(other)

        def f(m, x, u=scalar):
            fn = getattr(m, name)
            if not where:
                return fn(x, u)
            out = m.zeros(np.broadcast_shapes(np.shape(x), np.shape(u)), fn(x, u).dtype)
            return fn(x, u, where=m.asarray(x) != 0, out=out)
        return f, ((i, j) if scalar is None else (i,))
    if kind == "reduce":
        _, name, i, axis, keepdims, no_axis = step
        kw = {} if no_axis else {"axis": axis}
        if name not in ("argmax", "argmin"):
            kw["keepdims"] = keepdims
        f = lambda m, x: getattr(m, name)(x, **kw)  # noqa: E731
        if name == "prod":
            f.unordered = lambda x, r: product_out_of_range(x, r, None if no_axis else axis, keepdims)
        return f, (i,)
    if kind == "ureduce":
        _, name, i, axis, keepdims = step
        f = lambda m, x: getattr(m, name).reduce(x, axis=axis, keepdims=keepdims)  # noqa: E731
        if name == "multiply":
            f.unordered = lambda x, r: product_out_of_range(x, r, axis, keepdims)
        # NumPy's AVX512 power/arctan2 loops read an aliased accumulator
        # once on some layouts (arctan2.reduce of a transposed [4, 7, -8]
        # is arctan2(4, -8)): its fold of the same values laid out C-contiguous
        # is the other answer a sequential fold gives
        f.layout_free = lambda x: f(np, np.ascontiguousarray(x))
        return f, (i,)
    if kind == "view":
        _, i, data = step
        key = data.draw(index_keys(shape_of(i)))
        note("  key %r" % (key,))
        return (lambda m, x: x[key]), (i,)
    if kind == "transpose":
        _, i, rnd = step
        perm = list(range(len(shape_of(i))))
        rnd.shuffle(perm)
        note("  perm %r" % (perm,))
        return (lambda m, x: m.transpose(x, perm)), (i,)
    if kind == "reshape":
        _, i, how = step
        shp, size = shape_of(i), int(np.prod(shape_of(i), dtype=np.int64))
        new = {"ravel": (-1,), "flat": (size,), "split": (1, -1) if size else (0, 3),
               "expand": tuple(shp) + (1,)}[how]
        return (lambda m, x: m.reshape(x, new)), (i,)
    if kind == "broadcast":
        _, i, n = step
        return (lambda m, x: m.broadcast_to(x, (n,) + tuple(shape_of(i)))), (i,)
    if kind == "astype":
        _, i, dt = step
        f = lambda m, x: m.asarray(x).astype(dt)  # noqa: E731
        if np.dtype(dt).kind in "iu":
            f.unordered = lambda x, r: invalid_cast(x, dt)
        return f, (i,)
    if kind == "copy":
        return (lambda m, x: m.array(x, copy=True)), (step[1],)
    if kind in ("inplace", "setitem"):
        if kind == "inplace":
            _, name, i, j, data = step
            scalar = False
        else:
            _, i, j, data, scalar = step
        key = data.draw(index_keys(shape_of(i)))
        note("  key %r" % (key,))
        if kind == "inplace":
            # what `x[key] op= u` does: operator.iadd falls back to
            # x[key] + u where there is no in-place method (scalars)
            def f(m, x, u):
                x[key] = getattr(operator, name)(x[key], u)
                return x
        else:
            adv = any(isinstance(k, np.ndarray) for k in key)

            def f(m, x, u=2):
                # an advanced key's values are read before any write here;
                # NumPy reads a value that aliases the target as it writes
                # (x[:, [0, 2, 0]] = x), so the fuzzer passes a copy there
                x[key] = m.array(u, copy=True) if adv and not np.isscalar(u) else u
                return x
        return f, ((i,) if scalar else (i, j))
    if kind == "where":
        _, i, j, c = step
        return (lambda m, x, u, cond: m.where(cond, x, u)), (i, j, c)
    if kind == "concat":
        _, i, j, axis = step
        return (lambda m, x, u: m.concatenate([x, u], axis=axis)), (i, j)
    if kind == "matmul":
        return (lambda m, x, u: m.matmul(x, u)), (step[1], step[2])
    raise AssertionError(kind)  # pragma: no cover


def execute(program, log=None):
    arrays, steps = program
    pn, pl = [], []
    for shape, dt, rnd in arrays:
        v = make_values(dt, shape, rnd)
        pn.append(v.copy())
        pl.append(lnp.array(v))

    def note(s):
        if log is not None:
            log.append(s)

    # the loosest tolerance of the inexact values made so far
    floor = max([0.0] + [RTOL.get(np.dtype(dt).char, 0.0) for _, dt, _ in arrays])
    for k, step in enumerate(steps):
        kind = step[0]
        note("step %d: %r" % (k, step[:2] if kind in ("view", "setitem", "inplace") else step))
        if kind in ("inplace", "setitem"):
            target = pick(pn, step[2] if kind == "inplace" else step[1])
            if not isinstance(target, np.ndarray) or not target.flags.writeable:
                continue
        f, idx = step_function(step, lambda i: np.shape(pick(pn, i)), note)
        (rn, en), (rl, el) = run_both(lambda: f(np, *[pick(pn, i) for i in idx]),
                                      lambda: f(lnp, *[pick(pl, i) for i in idx]))
        STATS["steps"] = STATS.get("steps", 0) + 1
        if en is not None:
            STATS["raised"] = STATS.get("raised", 0) + 1
        if en is not None or el is not None:
            if en is None or el is None or exc_class(en) is not exc_class(el):
                raise Mismatch("step %d %r: numpy %r, legate %r" % (k, step[:2], en, el))
            if kind in ("inplace", "setitem"):
                # NumPy may have written part of the target before raising
                # (power's negative exponents are found in its loop): the
                # arrays' states no longer compare
                return
            continue
        if hasattr(f, "unordered"):
            rn, rl = unordered_as_zeros(f.unordered(*[pick(pn, i) for i in idx], rn), rn, rl)
        try:
            compare(rn, rl, "step %d %s" % (k, kind), floor)
        except Mismatch:
            if not hasattr(f, "layout_free"):
                raise
            rn = f.layout_free(*[pick(pn, i) for i in idx])
            compare(rn, rl, "step %d %s (C-contiguous)" % (k, kind), floor)
        floor = max([floor] + [RTOL.get(np.asarray(r).dtype.char, 0.0)
                               for r in (rn if isinstance(rn, tuple) else (rn,))])
        if kind not in ("inplace", "setitem"):
            if (isinstance(rn, np.ndarray) and rn.flags.owndata and not rn.flags.c_contiguous
                    and getattr(rl, "flags", rn.flags).c_contiguous):
                # ufuncs, casts, copies and reductions lay out a new array
                # as NumPy does (_layout.py); the other operations make it
                # C-ordered where NumPy's 'K' may not (np.where, sort,
                # concatenate of transposed operands), so its ravel is a
                # view here and a copy in NumPy ("a copy only if needed")
                rn = np.ascontiguousarray(rn)
            pn.append(rn)
            pl.append(rl)
    for q, (x, y) in enumerate(zip(pn, pl)):
        compare(x, y, "pool[%d] at the end" % q, floor)


# ---------------------------------------------------------------- driver
STATS = {"examples": 0}


def fuzz_once(program):
    STATS["examples"] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            execute(program)


def make_test(examples, derandomize, s=None):
    cfg = settings(max_examples=examples, derandomize=derandomize, database=None, deadline=None,
                   print_blob=False, suppress_health_check=list(HealthCheck),
                   phases=[Phase.generate, Phase.shrink])
    test = cfg(given(programs())(fuzz_once))
    return seed(s)(test) if s is not None else test


def _explain(e):
    """The mismatch and Hypothesis' smallest program (its notes)."""
    return "\n".join([str(e)] + list(getattr(e, "__notes__", [])))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--examples", type=int, default=200)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--seconds", type=float, default=0.0, help="long mode: keep going for this long")
    args = p.parse_args(argv)
    t0 = time.time()
    failures = 0
    if args.seconds > 0:
        s = args.seed or int(t0)
        while time.time() - t0 < args.seconds:
            try:
                make_test(args.examples, False, s)()
            except Exception as e:  # noqa: BLE001
                failures += 1
                print("MISMATCH (seed %d): %s" % (s, _explain(e)), flush=True)
            s += 1
    else:
        try:
            make_test(args.examples, args.seed is None, args.seed)()
        except Exception as e:  # noqa: BLE001
            failures += 1
            print("MISMATCH: %s" % (_explain(e),), flush=True)
    print("fuzz: %d examples (%d steps, %d of them raising in NumPy) in %.0f s, %d mismatching run(s)"
          % (STATS["examples"], STATS.get("steps", 0), STATS.get("raised", 0), time.time() - t0, failures),
          flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
