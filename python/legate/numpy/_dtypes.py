"""NumPy dtypes <-> the ``_core`` DT_* enum, and small NumPy-version shims."""

import operator

import numpy as _np

from ._runtime import core as _core

NUMPY2 = int(_np.__version__.split(".")[0]) >= 2

try:  # NumPy >= 1.25 / 2.x
    from numpy.exceptions import AxisError
except ImportError:  # NumPy 1.24
    AxisError = _np.AxisError

try:
    from numpy.exceptions import ComplexWarning  # noqa: F401
except ImportError:
    ComplexWarning = _np.ComplexWarning  # noqa: F401

# DT_* value -> numpy dtype (native byte order).
DTYPES = [None] * 14
_BY_KEY = {}
for _name, _np_name in (
    ("BOOL", "bool"),
    ("INT8", "int8"), ("INT16", "int16"), ("INT32", "int32"), ("INT64", "int64"),
    ("UINT8", "uint8"), ("UINT16", "uint16"), ("UINT32", "uint32"), ("UINT64", "uint64"),
    ("FLOAT16", "float16"), ("FLOAT32", "float32"), ("FLOAT64", "float64"),
    ("COMPLEX64", "complex64"), ("COMPLEX128", "complex128"),
):
    _num = getattr(_core, "DT_" + _name)
    _dt = _np.dtype(_np_name)
    DTYPES[_num] = _dt
    _BY_KEY[(_dt.kind, _dt.itemsize)] = _num
DTYPES = tuple(DTYPES)

DT_BOOL = _core.DT_BOOL
DT_INT64 = _core.DT_INT64
DT_FLOAT64 = _core.DT_FLOAT64

# cache: numpy dtype -> DT number or None
_dt_cache = {}


def dt_num(dtype):
    """DT_* number of a numpy dtype, or None if _core has no such type."""
    try:
        return _dt_cache[dtype]
    except KeyError:
        pass
    except TypeError:
        return None
    d = _np.dtype(dtype)
    if d.isnative and d.names is None and d.subdtype is None:
        r = _BY_KEY.get((d.kind, d.itemsize))
    else:
        r = None
    _dt_cache[dtype] = r
    return r


def supported(dtype):
    return dt_num(dtype) is not None


def canonical(dtype):
    """The dtype a deferred array of `dtype` reports (e.g. longlong -> int64)."""
    n = dt_num(dtype)
    return _np.dtype(dtype) if n is None else DTYPES[n]


def normalize_dtype(dtype):
    """np.dtype(dtype), raising NumPy's TypeError for unknown types."""
    return _np.dtype(dtype)


def normalize_axis_index(axis, ndim):
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(axis).__name__)
    if axis < -ndim or axis >= ndim:
        raise AxisError(axis, ndim)
    return axis + ndim if axis < 0 else axis


def normalize_axis_tuple(axis, ndim, allow_duplicate=False):
    """axis None -> all axes; int or sequence -> sorted-as-given tuple."""
    if axis is None:
        return tuple(range(ndim))
    if type(axis) not in (tuple, list):
        try:
            axis = [operator.index(axis)]
        except TypeError:
            axis = list(axis)
    axis = tuple(normalize_axis_index(ax, ndim) for ax in axis)
    if not allow_duplicate and len(set(axis)) != len(axis):
        raise ValueError("duplicate value in 'axis'")
    return axis


def scalar_of(value, dtype):
    """`value` as a 0-d numpy array of `dtype` (NumPy's conversion rules)."""
    return _np.asarray(value, dtype=dtype)
