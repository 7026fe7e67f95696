"""np.einsum and np.einsum_path natively.

einsum is NumPy's own Python code (numpy's einsumfunc: subscript parsing,
both call forms, ellipses, ``einsum_path``'s contraction order, ``out``,
``dtype``, ``casting``) rebound to legate.numpy, always on its optimized
path: the expression is split into pairwise contractions, which NumPy's
code does by ``tensordot`` (NumPy 1.x) or by batched ``matmul`` (NumPy 2's
bmm_einsum), ours; what it leaves to its C kernel ``c_einsum`` (a term's
diagonals, transposes, sums, products without a contracted index) is
``_c_einsum`` below, on native operations: repeated indices become
diagonals, every operand is transposed and broadcast onto the term's
indices, the product is summed over the contracted ones (NumPy's
accumulation: the operands' dtype, float32 for float16).  ``optimize=False``
takes the greedy path too (the same result to rounding; NumPy's C kernel
without a path would build no intermediate, a broadcast product would).
A term whose broadcast product would pass _PRODUCT_MAX elements is NumPy's
kernel, through the fallback."""

import numpy as _np

from ._numpy_impl import rebound

_PRODUCT_MAX = 1 << 27


def _split(subscripts):
    if "->" in subscripts:
        ins, out = subscripts.split("->")
    else:
        ins = subscripts
        letters = ins.replace(",", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return ins.split(","), out


def _diagonals(op, subs):
    """op with each repeated index taken along its diagonal (moved last)."""
    from ._diag import diagonal
    subs = list(subs)
    while True:
        dup = next((c for c in subs if subs.count(c) > 1), None)
        if dup is None:
            return op, subs
        p = subs.index(dup)
        q = subs.index(dup, p + 1)
        if op.shape[p] != op.shape[q]:
            raise ValueError("dimensions in operand for collapsing index '%s' don't match (%d != %d)"
                             % (dup, op.shape[p], op.shape[q]))
        op = diagonal(op, axis1=p, axis2=q)
        subs = [c for i, c in enumerate(subs) if i not in (p, q)] + [dup]


def _c_einsum(subscripts, *operands, out=None, dtype=None, order="K", casting="safe"):
    """NumPy's c_einsum for letter subscripts (what NumPy's Python einsum
    passes it), on native operations."""
    from ._creation import asarray
    from ._ufunc import multiply
    ins, outs = _split(subscripts.replace(" ", ""))
    ops = [asarray(x) for x in operands]
    if len(ins) != len(ops) or "." in subscripts:
        return _numpy_c_einsum(subscripts, *operands, out=out, dtype=dtype, order=order, casting=casting)
    res_dt = _np.dtype(dtype) if dtype is not None else _np.result_type(*[o.dtype for o in ops])
    for o in ops:
        if not _np.can_cast(o.dtype, res_dt, casting):
            raise TypeError("Cannot cast array data from %r to %r according to the rule %r"
                            % (o.dtype, res_dt, casting))
    prepared = []
    sizes = {}
    for op, s in zip(ops, ins):
        if len(s) != op.ndim:
            raise ValueError("einstein sum subscripts string contains too many subscripts for operand")
        op, subs = _diagonals(op, s)
        for c, n in zip(subs, op.shape):
            if sizes.get(c, 1) == 1:
                sizes[c] = n
        prepared.append((op, subs))
    summed = []
    for _, subs in prepared:
        summed += [c for c in subs if c not in outs and c not in summed]
    order_ = list(outs) + summed
    total = 1
    for c in order_:
        total *= sizes.get(c, 1)
    if total > _PRODUCT_MAX:
        return _numpy_c_einsum(subscripts, *operands, out=out, dtype=dtype, order=order, casting=casting)
    product = None
    for op, subs in prepared:
        if op.dtype != res_dt:
            op = op.astype(res_dt)
        present = [c for c in order_ if c in subs]
        op = op.transpose([subs.index(c) for c in present]) if present != subs else op
        op = op[tuple(slice(None) if c in subs else None for c in order_)] if len(present) != len(order_) else op
        product = op if product is None else multiply(product, op)
    if summed:
        axes = tuple(range(len(outs), len(order_)))
        if res_dt == _np.float16:  # NumPy's einsum accumulates float16 in float32
            result = product.sum(axis=axes, dtype=_np.float32).astype(res_dt)
        else:
            result = product.sum(axis=axes, dtype=res_dt)
    else:
        result = product
    if out is not None:
        from ._manip import copyto
        copyto(out, result, casting=casting)
        return out
    return result


def _numpy_c_einsum(*operands, **kwargs):
    from ._fallback import call_numpy
    return call_numpy(_c_einsum_numpy, "einsum", operands, kwargs)


_einsum_module = rebound(_np.einsum).__globals__
_c_einsum_numpy = _einsum_module["c_einsum"]
_einsum_module["c_einsum"] = _c_einsum
_numpy_einsum = _einsum_module["einsum"]
einsum_path = _einsum_module["einsum_path"]


def einsum(*operands, out=None, optimize=False, **kwargs):
    if optimize is False:
        optimize = "greedy"
    return _numpy_einsum(*operands, out=out, optimize=optimize, **kwargs)


einsum.__doc__ = _np.einsum.__doc__
einsum_path.__module__ = einsum.__module__ = "legate.numpy"
