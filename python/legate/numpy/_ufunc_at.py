"""ufunc.at on deferred arrays: NumPy's unbuffered in-place operation
``a[indices] = ufunc(a[indices], b)`` in which every occurrence of a
repeated index is applied in turn, in the order of the occurrences.

The positions the key selects (their C-order flat indices in ``a``) are
sorted stably; the k-th occurrence of each position forms round k, whose
positions are distinct: a round is a native gather, the ufunc and a native
scatter, so ``subtract.at`` subtracts every b of an index in order, exactly
as NumPy's loop does.  Keys with many repeats of one position (a histogram)
would take many rounds: add and subtract then sum the values per position
instead (floats: a weighted bincount; integers: differences of a cumulative
sum, exact under wraparound); ufuncs whose repeated application is exactly
a fold (maximum, minimum, fmax, fmin, bitwise and logical operations, gcd,
integer multiply) fold the values per position and apply the fold once;
unary ufuncs that are involutions or idempotent apply once or twice by the
number of occurrences; other ufuncs (rounding after every occurrence:
float multiply, divide, power...) take NumPy's (the fallback).
NumPy's errors (casting, key, shapes) come from NumPy itself on small
stand-ins or from our indexing."""

import numpy as _np

# the most rounds (occurrences of one position) run one by one
_MAX_ROUNDS = 64


def _lnp():
    import legate.numpy as L
    return L


def _positions(L, a, indices):
    """The flat C-order positions in a of a[indices] (int64, the key's
    result shape); NumPy's IndexError for out-of-range indices."""
    key = indices if isinstance(indices, tuple) else (indices,)
    simple = len(key) == a.ndim and all(
        isinstance(k, (int, _np.integer)) or (hasattr(k, "dtype") and _np.dtype(k.dtype).kind in "iu")
        or (isinstance(k, list) and _np.asarray(k).dtype.kind in "iu")
        for k in key)
    if not simple:
        # any key: the positions of an arange of a's shape under it
        return L.arange(a.size, dtype=_np.int64).reshape(a.shape)[indices]
    coords = []
    for axis, (k, d) in enumerate(zip(key, a.shape)):
        c = L.asarray(k).astype(_np.int64)
        bad = (c < -d) | (c >= d)
        if bool(L.any(bad)):
            first = int(L.ravel(c[bad])[0]) if c.ndim else int(c)
            raise IndexError("index %d is out of bounds for axis %d with size %d" % (first, axis, d))
        coords.append(L.where(c < 0, c + d, c))
    coords = L.broadcast_arrays(*coords)
    pos = coords[-1]
    stride = 1
    for c, d in zip(coords[-2::-1], a.shape[:0:-1]):
        stride *= d
        pos = pos + c * stride
    return pos


def _standin_check(uf, a, b):
    """NumPy's casting and argument errors, from its own at() on one
    element of a's dtype (b itself where it is a scalar: the value can
    matter)."""
    one = _np.zeros(1, a.dtype)
    if b is None:
        uf._npuf.at(one, [0])
        return
    if _np.ndim(b) == 0 and not hasattr(b, "_arr"):
        uf._npuf.at(one, [0], b)
    else:
        uf._npuf.at(one, [0], _np.zeros(1, b.dtype))


def ufunc_at(uf, a, indices, b=None):
    """True when done natively; False where the caller takes NumPy's."""
    from ._array import ndarray
    if type(a) is not ndarray or a._arr is None or a.ndim == 0:
        return False
    if uf.nout != 1 or uf.nin not in (1, 2) or (uf.nin == 2) != (b is not None):
        return False
    if uf.nin == 2 and uf._op is None:
        return False
    L = _lnp()
    if b is not None and not (_np.ndim(b) == 0 and not isinstance(b, ndarray)):
        b = L.asarray(b)
    _standin_check(uf, a, b)
    pos = _positions(L, a, indices)
    shape = pos.shape
    ids = L.ravel(pos)
    n = ids.shape[0]
    scalar_b = b is None or not isinstance(b, ndarray)
    vals = None if scalar_b else L.ravel(L.broadcast_to(b, shape))
    if n == 0:
        return True
    order = L.argsort(ids, kind="stable")
    sid = ids[order]
    sv = None if vals is None else vals[order]
    new = L.ones(n, dtype=bool)
    if n > 1:
        new[1:] = sid[1:] != sid[:-1]
    ar = L.arange(n, dtype=_np.int64)
    rank = ar - L.maximum.accumulate(L.where(new, ar, 0))
    rounds = int(L.amax(rank)) + 1
    name = uf.__name__
    if rounds > _MAX_ROUNDS:
        if name in ("add", "subtract") and a.dtype.kind in "iufc":
            _segment_sums(L, a, sid, sv if sv is not None else b, new, name == "subtract")
            return True
        return _folded(L, uf, a, b, sid, sv, new, rank, rounds)
    for r in range(rounds):
        sel = rank == r if rounds > 1 else None
        ir = sid if sel is None else sid[sel]
        c = L.unravel_index(ir, a.shape)
        cur = a[c]
        if b is None:
            res = uf(cur)
        else:
            res = uf(cur, b if scalar_b else (sv if sel is None else sv[sel]))
        a[c] = res
    return True


def _segment_sums(L, a, sid, sv, new, negate):
    """add.at / subtract.at with many repeats: the values summed per
    position (sid sorted, new marking each position's first occurrence),
    then added once per position."""
    n = sid.shape[0]
    if _np.ndim(sv) == 0:
        sv = L.full(n, sv)
    starts = L.flatnonzero(new)
    uid = sid[starts]
    if a.dtype.kind in "iu":
        # exact: differences of a cumulative sum wrap as NumPy's adds do
        cs = L.cumsum(sv.astype(_np.uint64 if a.dtype.kind == "u" else _np.int64))
        ends = L.concatenate((starts[1:], L.asarray([n]))) - 1
        tot = cs[ends]
        tot[1:] = tot[1:] - cs[starts[1:] - 1]
    else:
        size = a.size
        if sv.dtype.kind == "c":
            tot = L.bincount(sid, weights=sv.real, minlength=size)[uid] + \
                1j * L.bincount(sid, weights=sv.imag, minlength=size)[uid]
        else:
            tot = L.bincount(sid, weights=sv.astype(_np.float64), minlength=size)[uid]
            # a bincount starts from +0.0: where every value is -0.0 the
            # sequential sum (and the difference) is NumPy's -0.0
            others = L.bincount(sid, weights=L.logical_not((sv == 0) & L.signbit(sv)).astype(_np.float64),
                                minlength=size)[uid]
            tot = L.where(others == 0, -0.0, tot)
    c = L.unravel_index(uid, a.shape)
    cur = a[c]
    a[c] = (cur - tot if negate else cur + tot).astype(a.dtype, copy=False)


# Beyond _MAX_ROUNDS, binary ufuncs whose sequential application
# a = op(...op(op(a, v1), v2)..., vr) equals op(a, fold of v1..vr) bit for
# bit: op is exactly associative in its loop dtype (a selection of one
# operand, bitwise and logical operations, gcd, integer products modulo
# 2**bits).  multiply of floats, divide, power, floor_divide, remainder...
# are not: NumPy rounds (or floors, or overflows) after each occurrence, in
# their order, and a fold regroups those roundings, so they take NumPy's.
_FOLDS = frozenset(("maximum", "minimum", "fmax", "fmin", "bitwise_and", "bitwise_or",
                    "bitwise_xor", "logical_and", "logical_or", "logical_xor", "gcd"))
# folds only of integers and booleans (products wrap exactly, floats round;
# add reaches here only for booleans, where it is an or)
_INT_FOLDS = frozenset(("multiply", "add"))
# the ones whose result is a boolean: only the values' truthiness matters
_LOGICAL = frozenset(("logical_and", "logical_or", "logical_xor"))
# float selections: (keeps the larger, NaN wins)
_SELECTS = {"maximum": (True, True), "minimum": (False, True),
            "fmax": (True, False), "fmin": (False, False)}
# unary ufuncs g with g(g(x)) == x in their dtype: r applications are one
# when r is odd, none when even (logical_not of a number: two, since its
# result is the number's truthiness)
_INVOLUTIONS = frozenset(("negative", "invert", "logical_not", "conjugate"))
# unary ufuncs with g(g(x)) == g(x): r >= 1 applications are one (not
# complex sign: NumPy 2's z/|z| need not have modulus exactly 1)
_IDEMPOTENT = frozenset(("absolute", "fabs", "floor", "ceil", "trunc", "rint", "sign", "positive"))


def _folded(L, uf, a, b, sid, sv, new, rank, rounds):
    """ufunc.at with more than _MAX_ROUNDS occurrences of a position, for
    the ufuncs above: per position, the values (sorted by position, stably:
    in their order) folded by a segmented scan of log2(rounds) native steps,
    then applied once; a unary ufunc applied once or twice by the parity of
    the count.  False (NumPy's) for the others.  Not reduceat: its reduce
    need not combine a segment's values in their order (which of two equal
    floats, -0.0 and 0.0, NumPy keeps depends on it) and it takes NumPy's
    when its padded block would be large (one long segment among many)."""
    from ._array import ndarray
    name = uf.__name__
    n = sid.shape[0]
    starts = L.flatnonzero(new)
    uid = sid[starts]
    ends = L.concatenate((starts[1:], L.full(1, n, dtype=starts.dtype))) - 1
    one = _np.zeros(1, a.dtype)
    if b is None:
        with _np.errstate(all="ignore"):
            out_dt = uf._npuf(one).dtype
        if name in ("floor", "ceil", "trunc") and a.dtype.kind in "biu" and out_dt == a.dtype:
            return True  # NumPy 2's integer rounding: the identity
        if name in _IDEMPOTENT and not (name == "sign" and a.dtype.kind == "c"):
            c = L.unravel_index(uid, a.shape)
            a[c] = uf(a[c])
            return True
        if name not in _INVOLUTIONS:
            return False
        twice = out_dt != a.dtype
        odd = ((ends - starts) % 2) == 0
        for sel, k in ((odd, 1), (~odd, 2 if twice else 0)):
            ids = uid[sel]
            if k == 0 or ids.shape[0] == 0:
                continue
            c = L.unravel_index(ids, a.shape)
            res = a[c]
            for _ in range(k):
                res = uf(res)
            a[c] = res
        return True
    if not (name in _FOLDS or (name in _INT_FOLDS and a.dtype.kind in "biu")):
        return False
    scalar_b = not isinstance(b, ndarray)
    with _np.errstate(all="ignore"):
        loop_dt = uf._npuf(one, b if scalar_b else _np.zeros(1, b.dtype)).dtype
    if name in _LOGICAL:
        # bool results cast to a's dtype keep the truthiness they fold
        vals = L.full(n, bool(b)) if scalar_b else sv != 0
        fold = final = uf
    else:
        # a narrower a (NumPy casts after every occurrence) or wider b: a
        # cast between occurrences that a fold would skip
        if loop_dt != a.dtype:
            return False
        vals = L.full(n, b, dtype=loop_dt) if scalar_b else sv.astype(loop_dt, copy=False)
        if name in _SELECTS and loop_dt.kind in "fc":
            tie = _select_rule(uf._npuf, loop_dt)
            if tie is None:
                return False

            def fold(x, y):
                return _select(L, name, tie, x, y)
        else:
            fold = uf
        final = fold
    # inclusive segmented scan (Hillis-Steele): after the step of shift s,
    # element i holds the fold of the up to 2s values of its position
    # ending at i, the earlier values on the left (order kept: associativity
    # suffices); the last of a position's values then holds their fold
    s = 1
    while s < rounds:
        head, tail = vals[:-s], vals[s:]
        vals = L.concatenate((vals[:s], L.where(rank[s:] >= s, fold(head, tail), tail)))
        s *= 2
    tot = vals[ends]
    c = L.unravel_index(uid, a.shape)
    a[c] = final(a[c], tot)
    return True


def _select(m, name, tie, x, y):
    """maximum/minimum/fmax/fmin of floats or complex numbers as a choice
    of x or y (m: NumPy or legate.numpy), NumPy's NaN rule and tie rule
    `tie` (which of two equal values, -0.0 and 0.0 among them, is kept:
    NumPy's depends on the dtype and its loops), so that a fold over the
    values gives NumPy's sequential result bit for bit."""
    hi, nan_wins = _SELECTS[name]
    if x.dtype.kind == "c":
        xr, xi, yr, yi = x.real, x.imag, y.real, y.imag
        nx = m.isnan(xr) | m.isnan(xi)
        ny = m.isnan(yr) | m.isnan(yi)
        gt = (xr > yr) | ((xr == yr) & (xi > yi)) if hi else (xr < yr) | ((xr == yr) & (xi < yi))
        eq = (xr == yr) & (xi == yi)
    else:
        nx, ny = m.isnan(x), m.isnan(y)
        gt = x > y if hi else x < y
        eq = x == y
    if tie == "first":
        keep_x = gt | eq
    elif tie == "last":
        keep_x = gt
    elif tie == "positive":  # of -0.0 and 0.0, 0.0
        keep_x = gt | (eq & m.signbit(y))
    else:  # -0.0
        keep_x = gt | (eq & ~m.signbit(y))
    if nan_wins:
        keep_x = nx | (~ny & keep_x)
    else:
        keep_x = ny | (~nx & keep_x)
    return m.where(keep_x, x, y)


_select_rules = {}


def _select_rule(npuf, dt):
    """The tie rule of _select that gives NumPy's npuf.at(x, i, y) on
    every pair of signed zeros, infinities, NaNs and ordinary values of
    dtype dt (NumPy's own tie rule differs between dtypes), or None."""
    key = (npuf.__name__, dt)
    if key in _select_rules:
        return _select_rules[key]
    if dt.kind == "c":
        parts = (-0.0, 0.0, 1.0, _np.nan)
        base = [complex(r, i) for r in parts for i in parts]
        rules = ("first", "last")
    else:
        base = [-0.0, 0.0, 1.0, -1.0, _np.inf, -_np.inf, _np.nan]
        rules = ("first", "last", "positive", "negative")
    k = len(base)
    x = _np.array(base * k, dtype=dt)
    y = _np.array([v for v in base for _ in range(k)], dtype=dt)
    want = x.copy()
    rule = None
    with _np.errstate(all="ignore"):
        npuf.at(want, _np.arange(k * k), y)
        for r in rules:
            if _select(_np, npuf.__name__, r, x, y).tobytes() == want.tobytes():
                rule = r
                break
    _select_rules[key] = rule
    return rule
