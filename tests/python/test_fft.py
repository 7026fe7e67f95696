"""np.fft on FFT tasks (python/legate/numpy/_fft.py, codelets/fft.h) against
NumPy on deferred arrays: all 14 transforms and the 4 helpers over every
kind of dtype, 1-D to 4-D operands, any axis, cropping and zero-padding
(n, s), the three norms; NumPy's result dtypes (NumPy 1: double
precision; NumPy 2: single precision kept, float16 irfft stays float16);
NumPy's errors (n < 1, bad norm, bad axis); no fallback."""

import numpy as np
import pytest

from conftest import check, deferred, legate_only, lnp

NUMPY2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"
NORMS = [None, "backward", "ortho", "forward"]


def _data(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 3
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    if np.dtype(dtype).kind in "iub":
        x = np.round(x) % 2 if dtype is np.bool_ else np.round(x)
    if np.dtype(dtype).kind == "u":
        x = np.abs(x)
    return x.astype(dtype)


def _close(got, want):
    g = np.asarray(got)
    assert g.dtype == want.dtype and g.shape == want.shape, (g.dtype, g.shape, want.dtype, want.shape)
    single = want.dtype in (np.complex64, np.float32, np.float16)
    rtol = 1e-2 if want.dtype == np.float16 else 1e-4 if single else 1e-10
    scale = max(1.0, float(np.abs(want.astype(np.complex128)).max(initial=0)))
    np.testing.assert_allclose(g, want, rtol=rtol, atol=rtol * scale)


def _both(fn, x):
    """fn(np, x) and fn(lnp, deferred x): same values, dtype, shape."""
    want = fn(np, x)
    got = fn(lnp, deferred(x))
    _close(got, want)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32, np.complex64, np.int64,
                                   np.int8, np.uint16, np.bool_, np.float16])
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
def test_one_dimensional_dtypes(name, dtype):
    if name in ("rfft", "ihfft") and np.dtype(dtype).kind == "c":
        pytest.skip("NumPy 1 drops the imaginary part, NumPy 2 refuses: the fallback's case")
    x = _data((37,), dtype)
    _both(lambda m, a: getattr(m.fft, name)(a), x)


@pytest.mark.parametrize("shape,axis", [((16,), 0), ((6, 10), -1), ((6, 10), 0), ((3, 4, 9), 1),
                                        ((2, 3, 4, 5), 2), ((2, 3, 4, 5), 0), ((2, 7), 0), ((1, 7), 1)])
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
def test_axes(name, shape, axis):
    dtype = np.float64 if name in ("rfft", "ihfft") else np.complex128
    x = _data(shape, dtype, seed=1)
    _both(lambda m, a: getattr(m.fft, name)(a, axis=axis), x)


@pytest.mark.parametrize("n", [1, 2, 5, 8, 12, 13, 40])
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
def test_crop_and_pad(name, n):
    dtype = np.float64 if name in ("rfft", "ihfft") else np.complex128
    x = _data((3, 12), dtype, seed=2)
    _both(lambda m, a: getattr(m.fft, name)(a, n=n), x)
    _both(lambda m, a: getattr(m.fft, name)(a, n=n, axis=0), x)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_norms(name, norm, dtype):
    if name in ("fft", "ifft", "irfft", "hfft"):
        dtype = np.complex128 if dtype == np.float64 else np.complex64
    x = _data((5, 18), dtype, seed=3)
    _both(lambda m, a: getattr(m.fft, name)(a, norm=norm), x)


@pytest.mark.parametrize("shape,s,axes", [((6, 8), None, None), ((6, 8), (4, 10), None),
                                          ((3, 4, 6), None, (0, 2)), ((3, 4, 6), (5, 3), (2, 0)),
                                          ((2, 3, 4, 5), None, None), ((4, 6), None, (1, 1))])
@pytest.mark.parametrize("name", ["fftn", "ifftn", "rfftn", "irfftn"])
@pytest.mark.parametrize("norm", [None, "ortho"])
def test_n_dimensional(name, shape, s, axes, norm):
    if s is not None and axes is None and NUMPY2:
        axes = tuple(range(-len(s), 0))  # NumPy 2 deprecates s without axes
    dtype = np.float64 if name == "rfftn" else np.complex128
    x = _data(shape, dtype, seed=4)
    _both(lambda m, a: getattr(m.fft, name)(a, s=s, axes=axes, norm=norm), x)


@pytest.mark.parametrize("name", ["fft2", "ifft2", "rfft2", "irfft2"])
@pytest.mark.parametrize("dtype", [np.float64, np.complex64, np.int32])
def test_two_dimensional(name, dtype):
    if name == "rfft2" and np.dtype(dtype).kind == "c":
        dtype = np.float32
    x = _data((3, 10, 7), dtype, seed=5)
    _both(lambda m, a: getattr(m.fft, name)(a), x)
    _both(lambda m, a: getattr(m.fft, name)(a, axes=(0, 2)), x)


def test_large_round_trip():
    """A deferred array of many tiles: ifft(fft(x)) is x, rfft/irfft too."""
    x = _data((64, 300), np.float64, seed=6)
    a = deferred(x)
    _close(lnp.fft.ifft(lnp.fft.fft(a, axis=0), axis=0).real, np.fft.ifft(np.fft.fft(x, axis=0), axis=0).real)
    _close(lnp.fft.irfft(lnp.fft.rfft(a), n=300), np.fft.irfft(np.fft.rfft(x), n=300))
    np.testing.assert_allclose(np.asarray(lnp.fft.irfft(lnp.fft.rfft(a), n=300)), x, atol=1e-12 * abs(x).max())
    _both(lambda m, v: m.fft.fft2(v), x)


@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
@pytest.mark.parametrize("n,d", [(8, 1.0), (9, 0.1), (1, 2.0), (5000, 1e-3)])
def test_freq(name, n, d):
    want = getattr(np.fft, name)(n, d)
    got = getattr(lnp.fft, name)(n, d)
    check(got, want, approx=True)


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("axes", [None, 0, (1,), (0, 1)])
def test_shift(name, axes):
    x = _data((7, 10), np.float64, seed=7)
    want = getattr(np.fft, name)(x, axes=axes)
    got = getattr(lnp.fft, name)(deferred(x), axes=axes)
    check(got, want)


def test_empty_other_dims():
    x = np.zeros((0, 8), np.complex128)
    _both(lambda m, a: m.fft.fft(a), x)
    _both(lambda m, a: m.fft.rfft(a.real), x)


@pytest.mark.parametrize("call,exc", [
    (lambda m, a: m.fft.fft(a, n=0), ValueError),
    (lambda m, a: m.fft.fft(a, n=-3), ValueError),
    (lambda m, a: m.fft.irfft(a[:, :1]), ValueError),  # n = 0
    (lambda m, a: m.fft.fft(a, norm="sideways"), ValueError),
    (lambda m, a: m.fft.ifft(a, norm="sideways"), ValueError),
    (lambda m, a: m.fft.fft(a, axis=2), IndexError),  # AxisError is an IndexError
    (lambda m, a: m.fft.fftn(a, s=(2, 3), axes=(0,)), ValueError),
    (lambda m, a: m.fft.fft(a, n=2.5), TypeError),
])
def test_errors(call, exc):
    x = _data((4, 6), np.complex128, seed=8)
    with pytest.raises(exc):
        call(np, x)
    with pytest.raises(exc):
        call(lnp, deferred(x))


@pytest.mark.skipif(not NUMPY2, reason="out= is NumPy 2's")
def test_out():
    x = _data((4, 6), np.complex128, seed=9)
    want = np.fft.fft(x)
    o = deferred(np.zeros((4, 6), np.complex128))
    r = lnp.fft.fft(deferred(x), out=o)
    assert r is o
    _close(o, want)
    with pytest.raises(ValueError):
        lnp.fft.fft(deferred(x), out=deferred(np.zeros((4, 5), np.complex128)))


@legate_only
def test_no_fallback(native):
    a = deferred(_data((6, 16), np.float64, seed=10))
    c = deferred(_data((6, 16), np.complex128, seed=11))
    for name in ("fft", "ifft", "hfft"):
        getattr(lnp.fft, name)(c)
    for name in ("rfft", "ihfft"):
        getattr(lnp.fft, name)(a)
    lnp.fft.irfft(c)
    for name in ("fftn", "ifftn", "fft2", "ifft2", "irfftn", "irfft2"):
        getattr(lnp.fft, name)(c)
    lnp.fft.rfftn(a), lnp.fft.rfft2(a)
    lnp.fft.fftshift(a), lnp.fft.ifftshift(a), lnp.fft.fftfreq(16), lnp.fft.rfftfreq(16)
    np.fft.fft(c)  # NumPy's function on our array: ours
    from legate.numpy import coverage
    rows = dict(coverage.report()["fft"])
    assert all(rows.values()), [n for n, v in rows.items() if not v]


@legate_only
def test_result_is_deferred():
    r = lnp.fft.fft(deferred(_data((6, 16), np.complex128, seed=12)), axis=0)
    assert r._arr is not None
