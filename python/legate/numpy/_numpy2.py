"""NumPy 2's array-API additions to the namespace, natively: astype, concat,
matrix_transpose, vecdot, matvec, vecmat (NumPy 2.2's gufuncs, here
functions over broadcast products and sums); cumulative_sum,
cumulative_prod and unstack are NumPy's own code rebound (_numpy_impl).
Only the names the installed NumPy has are exported (FUNCTIONS)."""

import numpy as _np

from ._linalg_lapack import matrix_transpose, vecdot


def astype(x, dtype, /, *, copy=True, device=None):
    from ._creation import _check_device, asarray
    from ._array import _NoValue
    _check_device("astype", _NoValue if device is None else device)
    return asarray(x).astype(dtype, copy=copy)


def concat(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    from ._manip import concatenate
    return concatenate(arrays, axis, out=out, dtype=dtype, casting=casting)


def matvec(x1, x2, /):
    """x1 (..., m, n) times the vectors x2 (..., n): (..., m)."""
    from ._creation import asarray
    from ._ufunc import ghost
    a, b = asarray(x1), asarray(x2)
    if a.ndim < 2 or b.ndim < 1 or a.shape[-1] != b.shape[-1]:
        _np.matvec(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype))
        raise ValueError("matvec: operands do not match")  # NumPy raised above
    return (a * b[..., None, :]).sum(axis=-1, dtype=_np.result_type(a.dtype, b.dtype))


def vecmat(x1, x2, /):
    """The conjugated vectors x1 (..., m) times x2 (..., m, n): (..., n)."""
    from ._creation import asarray
    from ._ufunc import conjugate, ghost
    a, b = asarray(x1), asarray(x2)
    if a.ndim < 1 or b.ndim < 2 or a.shape[-1] != b.shape[-2]:
        _np.vecmat(ghost(a.shape, a.dtype), ghost(b.shape, b.dtype))
        raise ValueError("vecmat: operands do not match")  # NumPy raised above
    ca = conjugate(a) if a.dtype.kind == "c" else a
    return (ca[..., :, None] * b).sum(axis=-2, dtype=_np.result_type(a.dtype, b.dtype))


FUNCTIONS = {f.__name__: f for f in (astype, concat, matrix_transpose, vecdot, matvec, vecmat)
             if hasattr(_np, f.__name__)}
# NumPy's Python code over ours
NUMPY_IMPL = tuple(n for n in ("cumulative_sum", "cumulative_prod", "unstack") if hasattr(_np, n))
