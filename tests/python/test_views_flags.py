"""Issue 17's "silent wrong results" on deferred arrays (above the eager
threshold, or any size in test mode): results that are views in NumPy must
be views here (writes through them reach the array, writes to the array
show in them), read-only arrays must refuse writes, fallbacks must write
into the caller's out=, and a few values and dtypes must be NumPy's (sign
of zero of max/min, np.where's dtype, masked arrays, huge indices, many
dims, empty dot products).  Every case is compared with NumPy."""

import os
import random

import numpy as np
import pytest

from conftest import both, check, lnp, legate_only, NUMPY2, public_exc, quiet

TEST_MODE = os.environ.get("LEGATE_NUMPY_TEST") == "1"
# a row length that makes the arrays below deferred outside test mode too
# (the eager threshold is 65536 elements)
C = 6 if TEST_MODE else 30000


def same_after(fn, make):
    """Run fn(m, *arrays) on NumPy and on legate.numpy, `make(m)` giving the
    arrays; compare fn's result (or exception class) and then every array
    (so writes fn made through views count)."""
    res = []
    for m in (np, lnp):
        arrays = make(m)
        try:
            with quiet():
                r = fn(m, *arrays)
            out = ("ok", None if r is None else np.asarray(r))
        except Exception as e:  # noqa: BLE001
            out = ("raised", public_exc(type(e)))
        res.append((out, [np.asarray(x) for x in arrays]))
    (r_np, arrs_np), (r_l, arrs_l) = res
    assert r_l[0] == r_np[0], (r_np, r_l)
    if r_np[0] == "raised":
        assert issubclass(r_l[1], r_np[1]), (r_np[1], r_l[1])
    elif r_np[1] is not None:
        check(lnp.asarray(r_l[1]), r_np[1])
    for got, want in zip(arrs_l, arrs_np):
        check(lnp.asarray(got), want)


# ---------------------------------------------------------------------------
# 1. reshape / ravel are views wherever NumPy's are
# ---------------------------------------------------------------------------

def _grid(m, rows=4, cols=C):
    return m.arange(rows * cols, dtype=np.float64).reshape(rows, cols)


VIEW_IDIOMS = {
    "slice rows, ravel": lambda a: a[1:3].ravel(),
    "row, reshape(2, -1)": lambda a: a[2].reshape(2, -1),
    "new axis, reshape(-1)": lambda a: a[None].reshape(-1),
    "inner rows, reshape(-1)": lambda a: a[1:-1, :].reshape(-1),
    "size-1 transpose, reshape": lambda a: a[:1].T.reshape(2, -1),
    "reversed, ravel": lambda a: a[::-1, ::-1].ravel(),
    "every other column, ravel": lambda a: a[:, ::2].ravel(),
    "column of 1 row, split": lambda a: a[1:2, 2:].reshape(2, -1),
}


@pytest.mark.parametrize("idiom", sorted(VIEW_IDIOMS))
def test_reshape_of_a_view_is_a_view(idiom):
    f = VIEW_IDIOMS[idiom]
    both(lambda m, a: f(a), _grid(np))

    def write_through(m, a):
        v = f(a)
        v[(0,) * v.ndim] = -1
        v[(-1,) * v.ndim] = -2
        v *= 3

    def read_after_base_write(m, a):
        v = f(a)
        a[1:3] = -7
        a += 1
        return v.copy()

    for fn in (write_through, read_after_base_write):
        same_after(fn, lambda m: [_grid(m)])


def test_reshape_views_follow_numpy_no_copy_rule():
    """Random views (slices with steps, integer indices, new axes,
    transposes) reshaped to random shapes: where NumPy's result shares
    memory with the array, writes through ours reach the array and writes
    to the array show in ours; where NumPy copies, ours is a copy."""
    rng = random.Random(17)

    def factors(n):
        fs, m = [], n
        for _ in range(rng.randint(0, 3)):
            d = rng.choice([d for d in range(1, m + 1) if m % d == 0])
            fs.append(d)
            m //= d
        fs.append(m)
        if rng.random() < 0.3:
            fs.insert(rng.randint(0, len(fs)), 1)
        rng.shuffle(fs)
        return tuple(fs)

    def key(shape):
        k = []
        for n in shape:
            r = rng.random()
            if r < 0.15:
                k.append(rng.randrange(n))
            elif r < 0.25:
                k += [None, slice(None)]
            elif r < 0.65:
                k.append(slice(None))
            else:
                st = rng.choice([1, 1, 2, -1, 3, -2])
                lo, hi = sorted((rng.randint(0, n), rng.randint(0, n)))
                k.append(slice(lo, hi, st) if st > 0 else slice(hi, lo, st))
        return tuple(k)

    nviews = 0
    for _ in range(120):
        shape = tuple(rng.randint(1, 6) for _ in range(rng.randint(1, 4)))
        base_np = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
        base = lnp.array(base_np)
        k = key(shape)
        perm = None
        v_np = base_np[k]
        if v_np.ndim > 1 and rng.random() < 0.3:
            perm = list(range(v_np.ndim))
            rng.shuffle(perm)
            v_np = v_np.transpose(perm)
        if v_np.size == 0 or v_np.ndim == 0:  # (a scalar, not a view)
            continue
        v = base[k] if perm is None else base[k].transpose(perm)
        new = factors(v_np.size)
        r_np, r = v_np.reshape(new), v.reshape(new)
        check(r, r_np, err_msg=f"{shape} {k} {perm} -> {new}")
        idx = tuple(rng.randrange(n) for n in new)
        r_np[idx] = -1
        r[idx] = -1
        check(base, base_np, err_msg=f"write through {shape} {k} {perm} -> {new}")
        base_np[...] += 100
        base[...] += 100
        check(r, r_np, err_msg=f"read after {shape} {k} {perm} -> {new}")
        nviews += np.shares_memory(r_np, base_np)
    assert nviews > 40


def _long(m):
    # 10 blocks of B: the first 8 blocks reshaped to (2, 4B) are a view in
    # NumPy, but no box of the array's store seen in any shape (4B does not
    # divide 10B): a copy linked to the array
    b = 1 if TEST_MODE else 8000
    return [m.arange(10 * b, dtype=np.float64)]


def _lin(a):
    return a[: a.size * 8 // 10].reshape(2, -1)


LINKED = {
    "setitem": lambda m, a: _lin(a).__setitem__((1, 1), -1),
    "iadd": lambda m, a: _lin(a).__iadd__(5),
    "ufunc out": lambda m, a: m.negative(_lin(a), out=_lin(a)),
    "row from an array": lambda m, a: _lin(a).__setitem__(0, m.ones(a.size * 4 // 10)),
    "base written, then read": lambda m, a: (lambda v: (a.__setitem__(0, 50), m.add(a, 1, out=a), v.sum())[2])(_lin(a)),
    "base written, then written": lambda m, a: (lambda v: (a.__setitem__(slice(0, 3), -3), v.__imul__(2)))(_lin(a)),
    "view of the linked copy": lambda m, a: _lin(a)[1].reshape(2, -1).__setitem__((0, 0), 77),
    "matmul out": lambda m, a: m.matmul(m.ones((2, 2)), m.ones((2, a.size * 4 // 10)), out=_lin(a)),
    "two linked copies": lambda m, a: (lambda v, w: (v.__setitem__((0, 1), 9), w + 0)[1])(_lin(a), a[1:a.size * 9 // 10].reshape(2, -1)),
}


@pytest.mark.parametrize("case", sorted(LINKED))
def test_views_no_store_shape_can_show_still_share(case):
    same_after(LINKED[case], _long)


def test_shape_assignment_is_in_place_or_raises():
    def reshape_in_place(m, a):
        v = a[1:3]
        v.shape = (-1,)
        v[0] = -1
        return v

    same_after(reshape_in_place, lambda m: [_grid(m)])
    # NumPy: AttributeError where the reshape would need a copy
    same_after(lambda m, a: setattr(a.T, "shape", (-1,)), lambda m: [_grid(m)])


@pytest.mark.skipif(not NUMPY2 or tuple(map(int, np.__version__.split(".")[:2])) < (2, 1),
                    reason="reshape(copy=) is NumPy >= 2.1")
def test_reshape_copy_false_is_a_view_or_raises():
    same_after(lambda m, a: m.reshape(a[1:3], -1, copy=False).__setitem__(0, -1),
               lambda m: [_grid(m)])
    same_after(lambda m, a: m.reshape(a.T, -1, copy=False), lambda m: [_grid(m)])


# ---------------------------------------------------------------------------
# 2. read-only arrays
# ---------------------------------------------------------------------------

def _bcast(m):
    a = m.arange(4.0)
    return [a, m.broadcast_to(a, (4, 4))]


def _setflags(m):
    a = _grid(m, 4, 4)
    a.setflags(write=False)
    return [a, a]


def _flag_attr(m):
    a = _grid(m, 4, 4)
    a.flags.writeable = False
    return [a, a]


def _view_of_ro(m):
    a = _grid(m, 4, 4)
    a.setflags(write=False)
    return [a, a[:, :]]


def _bcast_of_ro(m):
    a = m.arange(4.0)
    a.flags.writeable = False
    return [a, m.broadcast_to(a, (4, 4))]


READ_ONLY = {"broadcast_to": _bcast, "setflags": _setflags, "flags.writeable": _flag_attr,
             "view of read-only": _view_of_ro, "broadcast_to of read-only": _bcast_of_ro}

WRITES = {
    "setitem": lambda m, a, b: b.__setitem__(0, 1),
    "setitem array": lambda m, a, b: b.__setitem__(slice(None), m.ones(4)),
    "setitem mask": lambda m, a, b: b.__setitem__(b > 1, 0),
    "iadd": lambda m, a, b: b.__iadd__(1),
    "ufunc out": lambda m, a, b: m.add(a, 1, out=b),
    "ufunc out where": lambda m, a, b: m.add(a, 1, out=b, where=a > 1),
    "fill": lambda m, a, b: b.fill(3),
    "copyto": lambda m, a, b: m.copyto(b, 1),
    "sort": lambda m, a, b: b.sort(),
    "sum out": lambda m, a, b: m.sum(m.ones((3, 4)), axis=0, out=b[0]),
    "max out": lambda m, a, b: m.max(m.ones((3, 4)), axis=0, out=b[0]),
    "var out (fallback)": lambda m, a, b: m.var(m.ones((3, 4)), axis=0, out=b[0]),
    "modf outs": lambda m, a, b: m.modf(m.ones(4), b[0], b[1]),
    "matmul out": lambda m, a, b: m.matmul(m.ones((4, 4)), m.ones((4, 4)), out=b),
    "clip out": lambda m, a, b: m.clip(b, 0, 1, out=b),
    "reshape view": lambda m, a, b: b.reshape(16).__setitem__(0, 1),
    "transpose view": lambda m, a, b: b.T.__setitem__(0, 1),
    "flat": lambda m, a, b: b.flat.__setitem__(0, 1),
    "is writeable": lambda m, a, b: (b.flags.writeable, b[1:].flags.writeable),
    "setflags(write=True)": lambda m, a, b: b.setflags(write=True),
}


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("make", sorted(READ_ONLY))
def test_read_only_arrays_refuse_writes(make, write):
    same_after(WRITES[write], READ_ONLY[make])


def test_write_flag_comes_back_as_numpy_allows():
    def owner_again(m, a, b):
        a.setflags(write=False)
        v = a[1:]
        a.setflags(write=True)
        a[0] = 5                     # the owner may be made writeable again
        v.setflags(write=True)       # and then its views too
        v[0] = 6
        return v.flags.writeable, a.flags.writeable

    same_after(lambda m, a: owner_again(m, a, None), lambda m: [_grid(m, 4, 4)])

    def broadcast_made_writeable(m, a, b):
        b.setflags(write=True)       # NumPy allows it (the owner is writeable)
        b += 1                       # each element once, as NumPy does
        return b.flags.writeable

    same_after(broadcast_made_writeable, _bcast)


def test_broadcast_arrays_stay_writeable():
    same_after(lambda m, a, b: [x.flags.writeable for x in m.broadcast_arrays(a, b)],
               lambda m: [m.arange(4.0), m.ones((4, 1))])


@legate_only
def test_flags_object():
    a = lnp.array(_grid(np))
    f = a.flags
    assert f.c_contiguous and f["C_CONTIGUOUS"] and f.writeable and f["W"] and f.aligned
    assert a.flags.owndata and not a[1:].flags.owndata
    assert "WRITEABLE : True" in repr(f)
    f["WRITEABLE"] = False
    assert not a.flags.writeable
    with pytest.raises(KeyError):
        f["NOT_A_FLAG"]


def test_broadcast_iterates_over_current_values():
    def iterate(m, a, b):
        bc = m.broadcast(a, b)
        first = next(bc)
        a[1] = 100.0                 # NumPy's object holds a, not a copy
        return np.array([first] + list(bc))

    def attributes(m, a, b):
        bc = m.broadcast(a, b)
        next(bc)
        i = bc.index
        bc.reset()
        return (i, bc.index, bc.numiter, bc.size, bc.ndim, bc.nd) + bc.shape

    for fn in (iterate, attributes):
        same_after(fn, lambda m: [m.arange(3.0), m.arange(2.0)[:, None]])
    # NumPy's error, and the types of what it yields
    same_after(lambda m, a, b: m.broadcast(a, b), lambda m: [m.arange(3), m.arange(2)])
    same_after(lambda m, a, b: [tuple(type(v).__name__ for v in t) for t in m.broadcast(a, b, 3.0)],
               lambda m: [m.arange(2), m.ones(2)])


# ---------------------------------------------------------------------------
# 3. boolean masks of zero-size arrays (default mode: eager arrays)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(0, 3), (2, 0), (0,), (3,)])
def test_boolean_mask_of_a_zero_size_array(shape):
    both(lambda m, a: a[a > 0], np.zeros(shape))
    both(lambda m, a: a[(a > 0)].shape, np.zeros(shape))

    def assign(m, a):
        a[a >= 0] = 2
        return a

    both(assign, np.zeros(shape))


# ---------------------------------------------------------------------------
# 4. fallbacks given out= write into it
# ---------------------------------------------------------------------------

FALLBACK_OUT = {
    "var axis 0": lambda m, x, o: m.var(x, axis=0, out=o),
    "std axis 0": lambda m, x, o: m.std(x, axis=0, out=o),
    "var method": lambda m, x, o: x.var(axis=0, out=o, ddof=1),
    "amax initial": lambda m, x, o: m.amax(x, axis=0, out=o, initial=100.0),
    "amin initial": lambda m, x, o: m.amin(x, axis=0, out=o, initial=-1.0),
    "max where": lambda m, x, o: m.max(x, axis=0, out=o, where=x > 2, initial=0.0),
    "add.reduce initial": lambda m, x, o: m.add.reduce(x, axis=0, out=o, initial=1.0),
    "mean where": lambda m, x, o: m.mean(x, axis=0, out=o, where=x > 2),
    "cumsum positional out": lambda m, x, o: m.cumsum(x[0], 0, None, o),
    "median out": lambda m, x, o: m.median(x, axis=0, out=o),
}


@pytest.mark.parametrize("case", sorted(FALLBACK_OUT))
def test_fallback_writes_the_callers_out(case):
    f = FALLBACK_OUT[case]

    def run(m, x, o):
        r = f(m, x, o)
        return r is o, o

    both(run, np.arange(3.0 * C).reshape(3, C), np.zeros(C))


UFUNC_OUTS = {
    "modf positional": lambda m, x, o, p: m.modf(x, o, p),
    "modf out tuple": lambda m, x, o, p: m.modf(x, out=(o, p)),
    "divmod positional": lambda m, x, o, p: m.divmod(x, 0.75, o, p),
    "modf first output only": lambda m, x, o, p: m.modf(x, o),
    "modf second output None": lambda m, x, o, p: m.modf(x, o, None),
    "add positional": lambda m, x, o, p: (m.add(x, x, o), None),
    "subtract positional out tuple": lambda m, x, o, p: (m.subtract(x, 1, (o,)), None),
}


@pytest.mark.parametrize("case", sorted(UFUNC_OUTS))
def test_ufunc_outputs_given_positionally(case):
    f = UFUNC_OUTS[case]

    def run(m, x, o, p):
        r = f(m, x, o, p)
        return [r[0] is o, o, p, r[1]]

    both(run, np.arange(C) / 4.0, np.zeros(C), np.zeros(C))


# ---------------------------------------------------------------------------
# 5. values and dtypes
# ---------------------------------------------------------------------------

ZEROS = [[-0.0, 0.0], [0.0, -0.0], [-0.0, 0.0, -1.0], [0.0, -0.0, -0.0, 0.0, -0.0],
         [-0.0] * 4 + [0.0] * 4, [0.0] * 4 + [-0.0] * 3]


@pytest.mark.parametrize("dt", [np.float16, np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ["max", "min", "amax", "amin"])
def test_sign_of_zero_of_max_and_min(name, dt):
    """NumPy's float32/64 loops return the second of equal values (the SIMD
    max/min), so max([-0.0, 0.0]) is 0.0 and max([0.0, -0.0]) -0.0; its
    float16 loop keeps the first."""
    for v in ZEROS:
        # (short arrays: NumPy's SIMD loops fold long ones over several
        # accumulators, whose order of equal zeros is its own)
        a = np.array(v, dtype=dt)
        both(lambda m, x: m.signbit(getattr(m, name)(x)), a)
        both(lambda m, x: m.signbit(getattr(m, name)(x.reshape(-1, 2), axis=1)), a[: a.size // 2 * 2])


@pytest.mark.parametrize("dt", [np.float16, np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_sign_of_zero_of_maximum_and_minimum(name, dt):
    a = np.array([-0.0, 0.0, 0.0, -0.0, 1.0, np.nan] * 2 * C, dtype=dt)
    b = np.array([0.0, -0.0, 0.0, -0.0, np.nan, 1.0] * 2 * C, dtype=dt)
    both(lambda m, x, y: m.signbit(getattr(m, name)(x, y)), a, b)


WHERE = {
    "0-d int8 -1, uint8 array": (np.array([True, False, True] * C), np.array(np.int8(-1)), np.arange(3 * C, dtype=np.uint8)),
    "uint8 array, 0-d int8 -1": (np.array([True, False, True] * C), np.arange(3 * C, dtype=np.uint8), np.array(np.int8(-1))),
    "0-d int8 1, uint8 array": (np.array([True, False, True] * C), np.array(np.int8(1)), np.arange(3 * C, dtype=np.uint8)),
    "0-d int16 300, int8 array": (np.array([True, False, True] * C), np.array(np.int16(300)), np.arange(3 * C, dtype=np.int8)),
}


@pytest.mark.parametrize("case", sorted(WHERE))
def test_where_with_a_0d_operand_has_numpys_dtype(case):
    c, x, y = WHERE[case]

    def zero_d(m, v):
        # a 0-d operand that is deferred in every mode: a reduction of a
        # large array (NumPy: a scalar, which it casts as a 0-d array)
        return m.max(m.full(3 * C, v[()], v.dtype)) if v.ndim == 0 else v

    both(lambda m, c, x, y: m.where(c, zero_d(m, x), zero_d(m, y)), c, x, y)


def test_where_with_a_python_scalar_has_numpys_dtype_and_values():
    both(lambda m, c, y: m.where(c, -1, y), np.array([True, False, True] * C),
         np.arange(3 * C, dtype=np.uint8))


def _masked(m):
    return np.ma.masked_array(np.arange(4.0 * C), mask=np.arange(4 * C) % 3 == 1)


MASKED = {
    "add deferred": lambda m, ma: m.add(ma, m.ones(4 * C)),
    "multiply scalar": lambda m, ma: m.multiply(ma, 2),
    "operator": lambda m, ma: m.ones(4 * C) * ma,
    "sqrt": lambda m, ma: m.sqrt(ma),
    "sum": lambda m, ma: m.sum(ma),
    "max": lambda m, ma: m.max(ma),
    "mean": lambda m, ma: m.mean(ma),
    "reshape": lambda m, ma: m.reshape(ma, (4, -1)),
    "transpose": lambda m, ma: m.transpose(ma.reshape(4, -1)),
    "clip": lambda m, ma: m.clip(ma, 1, 5),
}


@pytest.mark.parametrize("case", sorted(MASKED))
def test_masked_array_operands_keep_their_mask(case):
    f = MASKED[case]
    with quiet():
        want = f(np, _masked(np))
        got = f(lnp, _masked(lnp))
    assert type(got) is type(want)
    if isinstance(want, np.ma.MaskedArray):
        np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(want))
        np.testing.assert_array_equal(np.ma.filled(got, -1), np.ma.filled(want, -1))
    else:
        assert got == want


# ---------------------------------------------------------------------------
# 6. huge indices, many dims, empty dot products
# ---------------------------------------------------------------------------

HUGE = [2**63, 2**63 + 5, 2**64, -2**63 - 1, 10**30, 2**63 - 1, -2**63]


@pytest.mark.parametrize("k", HUGE + [(0, 2**63), (2**63, 0), (Ellipsis, 2**63), (None, 2**64),
                                      (7, 2**63), np.uint64(2**63)], ids=repr)
def test_huge_integer_index_raises_numpys_class(k):
    """NumPy converts each integer to intp before any bounds check: one in
    [2**63, 2**64) raises OverflowError, a larger or more negative one
    IndexError ("only integers ... are valid indices"), one that fits
    IndexError (out of bounds)."""
    both(lambda m, a: a[k], np.arange(3 * C, dtype=np.float64).reshape(3, C))
    both(lambda m, a: a.__setitem__(k, 1), np.arange(3 * C, dtype=np.float64).reshape(3, C))


@pytest.mark.parametrize("k", HUGE, ids=repr)
def test_huge_integer_in_item(k):
    both(lambda m, a: a.item(k), np.arange(3 * C, dtype=np.float64))


@pytest.mark.parametrize("nd", [21, 22, 25, 32])
def test_axes_of_many_dimensions(nd):
    shape = (2,) + (1,) * (nd - 2) + (3,)
    x = np.arange(6.0).reshape(shape)
    both(lambda m, a: a.transpose(), x)
    both(lambda m, a: a.transpose(list(range(nd))[::-1]), x)
    both(lambda m, a: a.swapaxes(0, -1), x)
    both(lambda m, a: m.moveaxis(a, 0, -1), x)
    both(lambda m, a: m.moveaxis(a, [0, 1], [-1, -2]), x)
    both(lambda m, a: a.transpose([0] * nd), x)      # NumPy's error
    both(lambda m, a: m.ones((1,) * nd).swapaxes(0, nd - 1), x)


DOT_SHAPES = [(0,), (2, 0), (0, 3), (3, 0), (2, 3, 0), (2, 0, 3), (0, 2, 3), (2, 0, 0), (3,), (0, 3, 2)]


@pytest.mark.parametrize("sa", DOT_SHAPES, ids=str)
def test_dot_of_empty_arrays(sa):
    for sb in DOT_SHAPES:
        a = np.arange(float(np.prod(sa))).reshape(sa)
        both(lambda m, x, y: m.dot(x, y), a, np.ones(sb))


def test_base():
    """NumPy's base: None for an owner, the owner (not the intermediate
    view) for views of views, kept alive by the view; copies own their
    data; .real of a real array is the array itself (no base)."""
    import gc
    for mod in (np, lnp):
        a = mod.arange(70000, dtype=float)
        r = a.reshape(280, 250)
        assert a.base is None
        for v in (a[10:20], a[10:20][::2], r.T, r, a.ravel(), mod.transpose(r), a[None], r[3], r[:, 5],
                  mod.expand_dims(a, 0), r.swapaxes(0, 1), mod.flip(a), mod.broadcast_to(a, (2, 70000))):
            assert v.base is a, (mod.__name__, v.shape)
        for c in (a + 1, a[10:20].copy(), r.T.copy()):
            assert c.base is None, mod.__name__
        assert a.real is a
        x = mod.arange(70000)[5:9]
        gc.collect()
        assert x.base is not None and x.base.shape == (70000,)
