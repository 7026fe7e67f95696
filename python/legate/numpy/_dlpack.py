"""DLPack: ndarray.__dlpack__, ndarray.__dlpack_device__ and from_dlpack.

Exchange goes through host memory, with NumPy's own DLPack code doing the
capsule work, so the protocol version, readonly and stream rules are those
of the NumPy that runs (1.24: DLPack 0.x, `stream` only; 2.1+: DLPack 1.0
with `max_version`, `dl_device` and `copy`).

* An eager (NumPy-backed) array exports its NumPy buffer: no copy, writes
  through the consumer's tensor reach the array, as with NumPy.
* A deferred array's tiles belong to StarPU.  Lending them without a copy
  would mean holding a StarPU acquire on every tile for as long as the
  consumer lives, and every later task on the array would wait for the
  consumer to die (a host read then hangs), so the export is a host copy
  of the values: `copy=False` raises BufferError, as the DLPack standard
  asks of a producer that cannot share.
* from_dlpack takes any DLPack producer.  A host one (NumPy, PyTorch CPU,
  ...) is imported without a copy, as NumPy's from_dlpack does, and stays
  NumPy-backed; a device one (CuPy, PyTorch CUDA) is asked for a host copy
  through DLPack 1.0's `dl_device` (NumPy 2.1+); a producer that cannot
  make one raises BufferError naming the device.
"""

import numpy as _np

from ._array import ndarray, materialize

_KDL_CPU = 1
_KDL_CUDA_HOST = 3


def _passed(**kw):
    """The keywords given (not None): NumPy 1.24's __dlpack__ takes `stream`
    only, so absent ones must not be passed on."""
    return {k: v for k, v in kw.items() if v is not None}


def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    kw = _passed(stream=stream, max_version=max_version, dl_device=dl_device)
    a = self._np
    if a is not None:
        if copy is not None:
            kw["copy"] = copy
        return a.__dlpack__(**kw)
    if copy is False:
        raise BufferError("a deferred legate.numpy array lives in StarPU's tiles and cannot be exported "
                          "without a copy (copy=False); pass copy=None or copy=True for a host copy")
    h = materialize(self._arr)
    if not self.flags.writeable:  # NumPy's answer for a readonly array
        h.flags.writeable = False
    return h.__dlpack__(**kw)


def __dlpack_device__(self):
    return (_KDL_CPU, 0)


def from_dlpack(x, /, *, device=None, copy=None):
    """NumPy's from_dlpack, returning a legate.numpy array."""
    from ._creation import asarray
    if type(x) is ndarray:  # a new array object, as NumPy's
        return x.copy() if copy else x[...]
    kw = _passed(device=device, copy=copy)
    dev = getattr(x, "__dlpack_device__", None)
    kind = dev()[0] if dev is not None else _KDL_CPU
    if kind not in (_KDL_CPU, _KDL_CUDA_HOST):
        try:
            r = _np.from_dlpack(x, device="cpu", copy=True)
        except (TypeError, BufferError, ValueError, RuntimeError) as e:
            raise BufferError(f"from_dlpack: the producer's data is on DLPack device {dev()}, and it could "
                              f"not give a host copy ({type(e).__name__}: {e})") from None
    else:
        r = _np.from_dlpack(x, **kw)
    return asarray(r)


ndarray.__dlpack__ = __dlpack__
ndarray.__dlpack_device__ = __dlpack_device__
