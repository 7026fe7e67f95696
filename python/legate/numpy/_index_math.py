"""Index arithmetic: unravel_index, ravel_multi_index.

Elementwise integer arithmetic on the index arrays (floor_divide,
remainder, multiply, add: native); NumPy's range checks are a reduction,
one host read of a bool.  NumPy's errors for the arguments themselves (bad
dims, orders, modes, dtypes) come from the same call on empty stand-ins."""

import numpy as _np

from ._array import as_operand, ndarray, to_numpy, wrap_result


def _deferred(x):
    return type(x) is ndarray and x._arr is not None


def unravel_index(indices, shape, order="C"):
    if not _deferred(indices):
        r = _np.unravel_index(to_numpy(indices), shape, order)
        return tuple(wrap_result(_np.asarray(x)) for x in r)
    dims = tuple(int(d) for d in (shape if hasattr(shape, "__len__") else (shape,)))
    # NumPy's checks of shape/order/dtype on an empty stand-in
    _np.unravel_index(_np.zeros(0, dtype=indices.dtype), dims, order)
    from ._reduction import any as _any
    size = 1
    for d in dims:
        size *= d
    idx = indices.astype(_np.intp, copy=False)
    if bool(_any((idx < 0) | (idx >= size))):
        raise ValueError("index out of bounds for array with size %d" % size)
    rest = idx
    seq = range(len(dims) - 1, -1, -1) if order == "C" else range(len(dims))
    res = [None] * len(dims)
    for i in seq:
        d = dims[i]
        res[i] = rest % d
        rest = rest // d
    return tuple(res)


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    if not any(_deferred(x) for x in multi_index):
        return wrap_result(_np.asarray(_np.ravel_multi_index(
            tuple(to_numpy(x) for x in multi_index), dims, mode, order)))
    dims = tuple(int(d) for d in dims)
    modes = (mode,) * len(dims) if isinstance(mode, str) else tuple(mode)
    # NumPy's argument checks on empty stand-ins
    _np.ravel_multi_index(tuple(_np.zeros(0, dtype=_np.intp) for _ in dims), dims, modes, order)
    if len(multi_index) != len(dims):
        raise ValueError("parameter multi_index must be a sequence of length %d" % len(dims))
    from ._reduction import any as _any
    idx = [(x if type(x) is ndarray else as_operand(x)).astype(_np.intp, copy=False) for x in multi_index]
    strides = [1] * len(dims)
    rng = range(len(dims) - 2, -1, -1) if order == "C" else range(1, len(dims))
    for i in rng:
        j = i + 1 if order == "C" else i - 1
        strides[i] = strides[j] * dims[j]
    total = None
    for k, (x, d, m) in enumerate(zip(idx, dims, modes)):
        if m == "raise":
            if bool(_any((x < 0) | (x >= d))):
                raise ValueError("invalid entry in coordinates array")
        elif m == "wrap":
            x = x % d
        elif m == "clip":
            from ._ufunc import maximum, minimum
            x = minimum(maximum(x, 0), d - 1)
        term = x * strides[k]
        total = term if total is None else total + term
    return total
