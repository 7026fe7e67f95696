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
sum, exact under wraparound), other ufuncs take NumPy's (the fallback).
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
        if name not in ("add", "subtract") or a.dtype.kind not in "iufc":
            return False
        _segment_sums(L, a, sid, sv if sv is not None else b, new, name == "subtract")
        return True
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
    c = L.unravel_index(uid, a.shape)
    cur = a[c]
    a[c] = (cur - tot if negate else cur + tot).astype(a.dtype, copy=False)
