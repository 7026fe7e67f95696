"""DLPack (python/legate/numpy/_dlpack.py): our arrays as producers for
NumPy's from_dlpack and our from_dlpack over any producer, against NumPy's
own behaviour (values, dtype, shape, sharing, BufferError)."""

import numpy as np
import pytest

from conftest import check, deferred, legate_only, lnp, values

NP2 = tuple(int(p) for p in np.__version__.split(".")[:2]) >= (2, 1)
CASES = [(np.float64, (7,)), (np.int32, (3, 4)), (np.complex128, (2, 3, 2)), (np.bool_, ()),
         (np.float32, (0, 3)), (np.uint8, (5,))]


def _numpy_error(fn, *args):
    """The exception class NumPy's fn(*args) raises, or None."""
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001
        return type(e)
    return None


@pytest.mark.parametrize("dtype,shape", CASES)
@pytest.mark.parametrize("kind", ["eager", "deferred"])
def test_numpy_imports_our_arrays(dtype, shape, kind):
    x = values(dtype, shape)
    a = lnp.asarray(x) if kind == "eager" else deferred(x)
    assert a.__dlpack_device__() == (1, 0)
    exc = _numpy_error(np.from_dlpack, x)
    if exc is not None:
        with pytest.raises(exc):
            np.from_dlpack(a)
        return
    r = np.from_dlpack(a)
    assert type(r) is np.ndarray and r.dtype == x.dtype and r.shape == x.shape
    assert np.array_equal(r, x)


@pytest.mark.parametrize("dtype,shape", CASES)
def test_from_dlpack_of_numpy(dtype, shape):
    x = values(dtype, shape)
    exc = _numpy_error(np.from_dlpack, x)
    if exc is not None:
        with pytest.raises(exc):
            lnp.from_dlpack(x)
        return
    r = lnp.from_dlpack(x)
    check(r, np.from_dlpack(x))


def test_from_dlpack_of_our_array_is_a_new_array():
    for a in (lnp.arange(10.0), deferred(np.arange(50.0))):
        r = lnp.from_dlpack(a)
        assert r is not a and type(r) is lnp.ndarray
        check(r, np.arange(a.size, dtype=float))


def test_eager_export_shares_memory():
    """An eager array's tensor is its NumPy buffer, as NumPy's own export."""
    x = np.arange(6.0)
    a = lnp.asarray(x)
    r = np.from_dlpack(a)
    assert np.shares_memory(r, np.asarray(a))


def test_host_producer_is_shared_like_numpy():
    x = np.arange(200000.0)
    r = lnp.from_dlpack(x)
    x[1] = 9.0
    assert float(r[1]) == 9.0  # NumPy's from_dlpack shares the producer's memory


@legate_only
def test_deferred_export_without_copy_is_refused():
    a = deferred(np.arange(50.0))
    with pytest.raises(BufferError, match="copy"):
        a.__dlpack__(copy=False)
    if NP2:
        r = np.from_dlpack(a, copy=True)
        assert np.array_equal(r, np.arange(50.0))


def test_readonly_export_like_numpy():
    """NumPy refuses readonly arrays under DLPack 0.x (NumPy 1.x) and flags
    them under 1.0: the same answer from ours."""
    x = np.broadcast_to(np.arange(3.0), (4, 3))
    want = None
    try:
        np.from_dlpack(x)
    except BufferError as e:
        want = type(e)
    b = lnp.broadcast_to(lnp.arange(3.0), (4, 3))
    if want is None:
        assert np.array_equal(np.from_dlpack(b), np.broadcast_to(np.arange(3.0), (4, 3)))
    else:
        with pytest.raises(want):
            np.from_dlpack(b)


class _DeviceProducer:
    """A stand-in for a GPU array (CuPy, PyTorch CUDA): on device 2 (CUDA),
    it gives a host copy only when asked through DLPack 1.0's dl_device."""

    def __init__(self, x):
        self.x = x

    def __dlpack_device__(self):
        return (2, 0)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        if dl_device is None or tuple(dl_device)[0] != 1:
            raise BufferError("the data is on the GPU")
        return self.x.__dlpack__(max_version=max_version, dl_device=dl_device, copy=copy)


@legate_only
def test_device_producer_copied_to_host_or_clear_error():
    x = values(np.float64, (4, 5))
    p = _DeviceProducer(x)
    if NP2:
        check(lnp.from_dlpack(p), x)
    else:
        with pytest.raises(BufferError, match="device"):
            lnp.from_dlpack(p)
