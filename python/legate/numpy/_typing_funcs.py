"""NumPy's dtype functions on legate.numpy arrays: result_type, can_cast,
min_scalar_type.  They read only dtypes (and, for 0-d arrays, the value
NumPy 1.x's value-based casting looks at), so no data moves: an array of
one or more dimensions stands for its dtype, a 0-d array for its value."""

import numpy as _np

from ._array import ndarray, to_numpy


def _stand_in(x):
    if type(x) is ndarray:
        return x.dtype if x.ndim > 0 else to_numpy(x)
    return x


def result_type(*arrays_and_dtypes):
    return _np.result_type(*[_stand_in(x) for x in arrays_and_dtypes])


def can_cast(from_, to, casting="safe"):
    return _np.can_cast(_stand_in(from_), to, casting)


def min_scalar_type(a):
    if type(a) is ndarray and a.ndim > 0:
        return a.dtype  # value-based only for 0-d arrays and scalars
    return _np.min_scalar_type(_stand_in(a))
