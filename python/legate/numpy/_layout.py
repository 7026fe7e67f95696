"""Memory order of new deferred arrays.

A store is C-ordered; an array in another memory order (NumPy's 'F', or
the 'K' order of a result whose operands are transposed) is a permuted view
of a store laid out in that order, which owns its data as NumPy's array
does.  So its strides and contiguity flags are NumPy's, and ravel/reshape
make a view exactly where NumPy makes one and a copy where NumPy copies.

'K' is NumPy's rule for the arrays its iterator allocates (ufunc outputs,
astype, copy, *_like): the axes sorted from the largest stride to the
smallest over all array operands, C order winning where operands disagree
and length-1 or broadcast axes deciding nothing
(PyArray_CreateMultiSortedStridePerm).  A result laid out like its
operands also lines up with their tiles: x.T + 1 reads and writes each of
x's tiles in place.
"""

from ._runtime import core as _core


def _operand_strides(nd, shape, strides):
    """An operand's |strides| aligned to a result of nd dims (missing,
    length-1 and broadcast axes 0: they decide nothing)."""
    off = nd - len(shape)
    return [0] * off + [0 if n == 1 else abs(s) for n, s in zip(shape, strides)]


def k_perm(shape, operands):
    """NumPy's 'K' order for a new array of `shape` from operands, each a
    (shape, strides) pair: the store's axes as result axes (store axis i is
    result axis perm[i]), or None for C order."""
    nd = len(shape)
    if nd < 2:
        return None
    sts = []
    for oshape, ostrides in operands:
        if len(oshape) <= nd:
            sts.append(_operand_strides(nd, oshape, ostrides))
    if not sts:
        return None
    perm = list(range(nd))
    for i0 in range(1, nd):  # NumPy's stable insertion sort
        ipos, ax0 = i0, perm[i0]
        for i1 in range(i0 - 1, -1, -1):
            ax1 = perm[i1]
            ambiguous, swap = True, False
            for s in sts:
                if s[ax0] and s[ax1]:
                    if s[ax0] <= s[ax1]:
                        swap = False  # C order wins a conflict
                    elif ambiguous:
                        swap = True
                    ambiguous = False
            if not ambiguous:
                if swap:
                    ipos = i1
                else:
                    break
        if ipos != i0:
            perm[ipos + 1:i0 + 1] = perm[ipos:i0]
            perm[ipos] = ax0
    return None if perm == list(range(nd)) else tuple(perm)


def _c_ordered(strides):
    prev = None
    for s in strides:
        s = abs(s)
        if s:
            if prev is not None and s > prev:
                return False
            prev = s
    return True


def result_perm(shape, arrays):
    """'K' order of a new array of `shape` from `arrays` (_core.Array or
    NumPy arrays); None (C order) at once when every one is C-ordered."""
    nd = len(shape)
    if nd < 2:
        return None
    ops, other = [], False
    for a in arrays:
        if a.ndim >= 2:  # (an operand of one axis orders no pair of axes)
            st = a.elem_strides if isinstance(a, _core.Array) else a.strides
            ops.append((a.shape, st))
            other = other or not _c_ordered(_operand_strides(nd, a.shape, st))
    return k_perm(shape, ops) if other else None


def reduction_perm(arr, axes):
    """'K' order of the result of reducing _core.Array arr over axes: arr's
    order over the axes it keeps (NumPy's reductions allocate so)."""
    keep = [i for i in range(arr.ndim) if i not in axes]
    if len(keep) < 2:
        return None
    st = arr.elem_strides
    shape = tuple(arr.shape[i] for i in keep)
    strides = tuple(st[i] for i in keep)
    if _c_ordered(_operand_strides(len(shape), shape, strides)):
        return None
    return k_perm(shape, [(shape, strides)])


def reduction_walk(arr, axes):
    """How to reduce _core.Array arr over axes walking it in its memory
    order: (arr seen in that order, the reduced axes' places there, the
    result's layout), or None where arr is C-ordered already.  The axes
    reduced are the same ones, so a fold along one axis keeps its order."""
    nd = arr.ndim
    if nd < 2:
        return None
    st = arr.elem_strides
    if _c_ordered(_operand_strides(nd, arr.shape, st)):
        return None
    p = k_perm(arr.shape, [(arr.shape, st)])
    if p is None:
        return None
    kept = [a for a in range(nd) if a not in axes]
    kperm = [kept.index(a) for a in p if a not in axes]
    return (arr.transpose(p), tuple(sorted(p.index(a) for a in axes)),
            None if kperm == sorted(kperm) else tuple(kperm))


def order_perm(order, shape, arrays=()):
    """The layout NumPy's `order` ('C', 'F', 'A', 'K', None) gives a new
    array of `shape` made from `arrays`: a store permutation or None."""
    nd = len(shape)
    if nd < 2 or order in (None, "C", "c"):
        return None
    order = order.upper()
    if order == "F":
        return tuple(range(nd - 1, -1, -1))
    if order == "A":  # F when every array is F-contiguous and not C-contiguous
        from ._flags import c_contiguous, f_contiguous
        core = [a for a in arrays if isinstance(a, _core.Array)]
        if core and all(f_contiguous(a) and not c_contiguous(a) for a in core):
            return tuple(range(nd - 1, -1, -1))
        return None
    return result_perm(shape, arrays)


def store_order(perm, *arrays):
    """arrays (_core.Array of one shape) seen through perm, so that a loop
    over them walks a result laid out by perm in its store's order (an
    elementwise operation does not depend on the order of the axes)."""
    if perm is None:
        return arrays
    return tuple(a.transpose(perm) for a in arrays)


def owner_in_order(store, perm):
    """store (a new C-ordered _core.Array of the permuted shape) seen as
    the array of the unpermuted shape, owning the data."""
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    v = store.transpose(tuple(inv))
    v.take_place_of(store)  # the only array of this store: its owner
    return v


def empty(shape, dtype_num, perm=None):
    """A new _core.Array of shape laid out by perm (None: C order)."""
    if perm is None:
        return _core.empty(shape, dtype_num)
    return owner_in_order(_core.empty(tuple(shape[p] for p in perm), dtype_num), perm)


def full(shape, dtype_num, value, perm=None):
    """A new _core.Array of shape filled with value (a 0-d NumPy array)."""
    if perm is None:
        return _core.full(shape, dtype_num, value)
    return owner_in_order(_core.full(tuple(shape[p] for p in perm), dtype_num, value), perm)
