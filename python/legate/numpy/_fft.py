"""np.fft on FFT tasks (_core.fft; codelets/fft.h): FFTW on the CPU
workers, cuFFT on the GPUs.

The 14 transforms are NumPy's own Python code (numpy.fft._pocketfft:
argument checks, ``s``/``axes`` handling and its deprecations, ``norm``,
hfft/ihfft through irfft/rfft of the conjugate, the n-dimensional
transforms as one-dimensional ones axis after axis) rebound to
legate.numpy, with its one kernel call, ``_raw_fft``, ours: a deferred
operand is cropped or zero-padded along the axis and transformed by one
task per tile of whole lines (numpy/fft.c).  The helpers (fftfreq,
rfftfreq, fftshift, ifftshift) are NumPy's code over our arange and roll.

Dtypes follow the NumPy in use: NumPy 1.x computes everything in double
precision (complex128, and float64 out of irfft); NumPy 2 keeps single
precision (float16, float32 and complex64 in, complex64 out), and
irfft's output has the input's real dtype (float16 stays float16, the
transform computed in float32 as NumPy's loops do).  Eager (small)
operands go to NumPy's kernel directly; a deferred operand NumPy's
kernel would refuse or treat otherwise (rfft of complex input: NumPy 1
drops the imaginary part with a ComplexWarning, NumPy 2 raises), or a
machine without FFTW or GPUs, takes the fallback."""

import operator

import numpy as _np

from ._runtime import core as _core
from ._dtypes import dt_num, NUMPY2
from ._array import ndarray, _deferred, as_core
from ._fallback import call_numpy
from ._numpy_impl import rebound

try:
    from numpy.lib.array_utils import normalize_axis_index as _normalize_axis
except ImportError:  # NumPy 1.x
    from numpy.core.multiarray import normalize_axis_index as _normalize_axis

_pocket = _np.fft._pocketfft
_numpy_raw_fft = _pocket._raw_fft
_C2C_FWD, _C2C_BWD, _R2C, _C2R = range(4)

TRANSFORMS = ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "ifftn", "rfftn",
              "irfftn", "fft2", "ifft2", "rfft2", "irfft2")
HELPERS = ("fftfreq", "rfftfreq", "fftshift", "ifftshift")

_available = None


def _native(a, is_real, is_forward, out):
    """Whether our task computes this transform of `a`."""
    global _available
    if type(a) is not ndarray or a._arr is None or a.dtype.kind not in "biufc":
        return False
    if is_real and is_forward and a.dtype.kind == "c":
        return False
    if out is not None and (type(out) is not ndarray or out._arr is None):
        return False
    if _available is None:
        _available = bool(_core.fft_available())
    return _available


def _norm_factor(a, n, is_forward, norm):
    """NumPy 2's scale factor (computed in the operand's real dtype, as its
    _raw_fft does) and the real dtype."""
    if not is_forward:
        norm = _pocket._swap_direction(norm)
    real_dtype = _np.result_type(_np.empty(0, a.dtype).real.dtype, 1.0)
    if norm is None or norm == "backward":
        fct = 1
    elif norm == "ortho":
        fct = _np.reciprocal(_np.sqrt(n, dtype=real_dtype))
    elif norm == "forward":
        fct = _np.reciprocal(n, dtype=real_dtype)
    else:
        raise ValueError(f'Invalid norm value {norm}; should be "backward",'
                         '"ortho" or "forward".')
    return float(fct), real_dtype


def _raw_fft(a, n, axis, is_real, is_forward, norm, out=None):
    """NumPy's _raw_fft (NumPy 1: the last argument is inv_norm, the
    divisor of the result; NumPy 2: norm, and out=) on our tasks."""
    if n is None:
        n = a.shape[axis]
    n = operator.index(n)
    if not _native(a, is_real, is_forward, out):
        deferred = type(a) is ndarray and a._arr is not None
        kw = {} if out is None else {"out": out}
        return call_numpy(_numpy_raw_fft, "fft", (a, n, axis, is_real, is_forward, norm), kw,
                          warn=deferred)
    if n < 1:
        raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    if NUMPY2:
        fct, real_dtype = _norm_factor(a, n, is_forward, norm)
        cdt = _np.result_type(a.dtype, 1j)
        res_dt = real_dtype if is_real and not is_forward else cdt
    else:
        fct = 1 / norm
        cdt = _np.dtype(_np.complex128)
        res_dt = _np.dtype(_np.float64) if is_real and not is_forward else cdt
    axis = _normalize_axis(axis, a.ndim)
    kind = (_R2C if is_forward else _C2R) if is_real else (_C2C_FWD if is_forward else _C2C_BWD)
    n_out = n // 2 + 1 if kind == _R2C else n
    if out is not None and (out.ndim != a.ndim or out.shape[axis] != n_out):
        raise ValueError("output array has wrong shape.")
    nin = n // 2 + 1 if kind == _C2R else n
    have = a.shape[axis]
    if have != nin:  # crop, or pad with zeros, as NumPy's kernel reads
        from . import zeros
        index = (slice(None),) * axis + (slice(0, min(have, nin)),)
        if have > nin:
            a = a[index]
        else:
            z = zeros(a.shape[:axis] + (nin,) + a.shape[axis + 1:], a.dtype)
            z[index] = a
            a = z
    r = _deferred(_core.fft(as_core(a), axis, kind, n, dt_num(cdt), fct))
    if r.dtype != res_dt:  # NumPy 2: float16 in, float16 out of irfft
        r = r.astype(res_dt)
    if out is not None:
        from . import copyto
        copyto(out, r, casting="same_kind")
        return out
    return r


def _functions():
    ns = rebound(_np.fft.fft).__globals__
    ns["_raw_fft"] = _raw_fft
    funcs = {}
    for name in TRANSFORMS:
        f = ns[name]
        f.__module__ = "legate.numpy.fft"
        funcs[name] = f
    for name in HELPERS:
        f = rebound(getattr(_np.fft, name))
        f.__module__ = "legate.numpy.fft"
        funcs[name] = f
    return funcs


FUNCTIONS = _functions()
