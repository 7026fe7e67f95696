"""legate.numpy: a drop-in replacement for NumPy on StarPU.

    import legate.numpy as np

Large arrays are tiled StarPU stores operated on by tasks; small ones
(fewer than LEGATE_NUMPY_EAGER_MAX elements, default 65536) are NumPy arrays
whose operations run inline.  Anything not implemented natively falls back
to NumPy (with a once-per-name RuntimeWarning).
"""

import os as _os
import sys as _sys

from . import _teardown
_teardown.install(globals())

# StarPU's workers use every core; the OpenBLAS thread pool NumPy starts on
# import would spin-wait beside them (a third of all CPU samples in a GPU run
# on 16 cores).  Only effective when numpy is not imported yet; bin/legate
# sets it for the whole program.
if "numpy" not in _sys.modules:
    _os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from . import _blas_env
    _blas_env.apply()  # OpenBLAS's kernels by the CPU's flags (a VM's masked model: SSE3 ones)

import numpy as _numpy  # noqa: E402

from . import _runtime
from ._runtime import core as _core
from . import _fpe
from ._array import ndarray, _NoValue
from . import _ufunc
from ._ufunc import ufunc
from . import _fallback
from ._fallback import FallbackModule as _FallbackModule, fallback_attr as _fallback_attr

# ufunc objects
_g = globals()
for _n in _ufunc.UFUNC_NAMES:
    _g[_n] = getattr(_ufunc, _n)
del _n

from ._creation import (  # noqa: E402
    empty, zeros, ones, full, empty_like, zeros_like, ones_like, full_like,
    arange, linspace, eye, identity, meshgrid, array, asarray, asanyarray,
    ascontiguousarray, copy,
)
from ._reduction import (  # noqa: E402
    sum, prod, amax, amin, max, min, mean, var, std, any, all, argmax, argmin,
    count_nonzero,
)
from ._scan import cumsum, cumprod, nancumsum, nancumprod, bincount  # noqa: E402
from ._manip import (  # noqa: E402
    reshape, ravel, transpose, permute_dims, swapaxes, moveaxis, squeeze,
    expand_dims, broadcast_to, broadcast_arrays, broadcast_shapes, broadcast, atleast_1d,
    atleast_2d, atleast_3d, concatenate, stack, vstack, hstack, row_stack, flip,
    fliplr, flipud, roll, copyto, may_share_memory, shares_memory,
)
from ._linalg import (  # noqa: E402
    dot, matmul, vdot, inner, outer, where, clip, around, round_,
    isclose, allclose, array_equal, diff, nan_to_num,
)
from ._linalg import round  # noqa: E402,A004
from ._creation import indices, fromfunction, asfortranarray, require, frombuffer  # noqa: E402
from ._indexfuncs import (  # noqa: E402
    nonzero, flatnonzero, argwhere, extract, compress, take, put, place, putmask, choose,
)
from ._typing_funcs import result_type, can_cast, min_scalar_type  # noqa: E402
from ._index_math import unravel_index, ravel_multi_index  # noqa: E402
# NumPy 1.x's deprecated aliases, which its own Python code still calls
alltrue, sometrue, product, cumproduct = all, any, prod, None  # noqa: E402
del cumproduct
from ._diag import diagonal, diag, diagflat, trace, fill_diagonal, tri, tril, triu  # noqa: E402
from ._tile import tile, repeat, resize  # noqa: E402
from ._split import (  # noqa: E402
    split, array_split, hsplit, vsplit, dsplit, column_stack, dstack, append, rot90, rollaxis,
)
from ._numpy_impl import NUMPY_IMPL as _NUMPY_IMPL, numpy_impl as _numpy_impl  # noqa: E402
for _n in _NUMPY_IMPL:
    _g[_n] = _numpy_impl(_n)
del _n

from ._numerics2 import interp, ediff1d, nanmedian, nanpercentile, nanquantile, convolve, correlate, polymul  # noqa: E402,E501
from ._einsum import einsum, einsum_path  # noqa: E402
from ._io import save, load, fromfile, savez, savez_compressed  # noqa: E402  (files by tiles)
from ._numpy2 import FUNCTIONS as _NUMPY2_FUNCTIONS  # noqa: E402
_g.update(_NUMPY2_FUNCTIONS)  # NumPy 2's astype, concat, vecdot, ... (as the installed NumPy has them)
from ._sort import FUNCTIONS as _SORT_FUNCTIONS  # noqa: E402
_g.update(_SORT_FUNCTIONS)  # sort, argsort, ..., unique, isin (as the installed NumPy has them)

from ._dlpack import from_dlpack  # noqa: E402,F401  (and ndarray.__dlpack__)
from ._dtypes import AxisError  # noqa: E402,F401
from ._profile import profile_region  # noqa: E402,F401  (not NumPy: traces)

# constants and types pass through unchanged
from numpy import (  # noqa: E402,F401
    pi, e, inf, nan, newaxis, dtype, generic, number, integer, signedinteger,
    unsignedinteger, inexact, floating, complexfloating, bool_, int8, int16,
    int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64,
    complex64, complex128, intp, uintp, euler_gamma, iinfo, finfo,
    promote_types, ndim, shape, size, isscalar,
    errstate, seterr, geterr, set_printoptions, get_printoptions,
    printoptions, issubdtype,
)

__version__ = _numpy.__version__

# functions implemented natively (for __array_function__ dispatch)
_NATIVE = {}
for _n, _v in list(_g.items()):
    if _n.startswith("_") or not callable(_v) or isinstance(_v, (type, ufunc)):
        continue
    if getattr(_v, "__module__", "").startswith("legate.numpy"):
        _NATIVE[_n] = _v
_NATIVE["amax"] = amax
_NATIVE["amin"] = amin
_NATIVE["round"] = around
_NATIVE["round_"] = around
_fallback.NATIVE_FUNCTIONS.update(_NATIVE)
del _n, _v

# shape(), size(), ndim() of our arrays without conversion
def ndim(a):  # noqa: F811
    return a.ndim if type(a) is ndarray else _numpy.ndim(a)


def shape(a):  # noqa: F811
    return a.shape if type(a) is ndarray else _numpy.shape(a)


def size(a, axis=None):  # noqa: F811
    if type(a) is ndarray:
        if axis is None:
            return a.size
        # NumPy's answer and errors (IndexError in 1.x, AxisError in 2.x;
        # tuples of axes in 2.x) on a zero-memory stand-in
        return _numpy.size(_ufunc.ghost(a.shape, bool), axis)
    return _numpy.size(a, axis)


def isscalar(element):  # noqa: F811
    return _numpy.isscalar(element)


_fallback.NATIVE_FUNCTIONS.update(ndim=ndim, shape=shape, size=size)


def synchronize():
    """Block until every task submitted so far has finished (legate.numpy is
    asynchronous). Results stay where they were computed: nothing is copied
    to the host. Not a NumPy function; meant for timing.  Reports the
    floating-point errors of what ran (np.errstate)."""
    _core.wait()
    _fpe.report()


# submodules: NumPy's, with functions through the fallback (linalg.norm is
# native for the common vector / Frobenius case)
class _LinalgModule(_FallbackModule):
    def norm(self, x, ord=None, axis=None, keepdims=False):
        if (type(x) is ndarray and x._arr is not None and ord is None
                and axis is None and not keepdims and x.dtype.kind in "biuf"):
            y = ravel(x)
            if y.dtype.kind != "f":
                y = y.astype(float)
            return sqrt(dot(y, y))  # noqa: F821
        if type(x) is ndarray and x._arr is not None:  # NumPy's code, natively
            return _lal.numpy_code("norm")(x, ord, axis, keepdims)
        return _fallback.call_numpy(_numpy.linalg.norm, "linalg.norm",
                                    (x, ord, axis, keepdims), {})

    from ._numerics2 import multi_dot, matrix_power  # native (issue 19)
    multi_dot, matrix_power = staticmethod(multi_dot), staticmethod(matrix_power)


from . import _linalg_lapack as _lal  # noqa: E402  (LAPACK tasks)
for _n, _f in _lal.FUNCTIONS.items():
    setattr(_LinalgModule, _n, staticmethod(_f))
for _n in _lal.NUMPY_CODE:
    setattr(_LinalgModule, _n, staticmethod(_lal.lazy_numpy_code(_n)))
linalg = _LinalgModule(_numpy.linalg, "linalg.")
from ._random import make_module as _make_random  # noqa: E402
random = _make_random()
from . import _fft  # noqa: E402  (FFT tasks)


class _FftModule(_FallbackModule):
    pass


for _n, _f in _fft.FUNCTIONS.items():
    setattr(_FftModule, _n, staticmethod(_f))
fft = _FftModule(_numpy.fft, "fft.")
for _m in (linalg, random, fft):
    _sys.modules.setdefault(_m.__name__, _m)
_fallback.SUBMODULES.update({"numpy.linalg": linalg, "numpy.fft": fft})
del _m


def __getattr__(name):
    """Everything else NumPy has: ufuncs become legate ufuncs, functions the
    fallback wrapper (warns once, converts, wraps), other attributes
    (constants, types) pass through."""
    if name == "__all__":
        names = sorted({n for n in getattr(_numpy, "__all__", []) if not n.startswith("_")} |
                       {n for n in _g if not n.startswith("_")})
        _g["__all__"] = names
        return names
    if name.startswith("__"):
        raise AttributeError("module 'legate.numpy' has no attribute %r" % name)
    try:
        v = getattr(_numpy, name)
    except AttributeError:
        raise AttributeError("module 'legate.numpy' has no attribute %r" % name) from None
    v = _fallback_attr(v, name)
    _g[name] = v
    return v


def __dir__():
    return sorted(set(_g) | set(dir(_numpy)))
