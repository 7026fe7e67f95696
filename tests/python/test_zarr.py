"""Zarr v2 arrays by tiles (legate.numpy.io.read_zarr / write_zarr,
python/legate/numpy/_zarr.py, numpy/chunks.c): arrays we write are read
by the zarr package with the same dtype and values and the other way
round, over dtypes, chunk shapes (edge chunks too), compressors (none,
zlib, gzip) and fill values of chunks never written; bad input raises a
clear exception and leaves no directory that claims to be complete."""

import json
import os

import numpy as np
import pytest

from conftest import AGAINST_NUMPY, FILE_BIG, FILE_DTYPES, deferred, file_values, on_one_rank

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="legate.numpy.io has no NumPy counterpart")
try:
    import numcodecs
    import zarr
except (ImportError, ValueError) as e:  # Debian's zarr is built for NumPy 1.x
    pytest.skip("zarr unavailable: %s" % e, allow_module_level=True)

if not AGAINST_NUMPY:
    import legate.numpy as lnp
    from legate.numpy import io as lio

TEST_MODE = os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")


@pytest.fixture
def tmp_path(shared_tmp_path):
    """Under several ranks, one directory for all (conftest.shared_tmp_path)."""
    return shared_tmp_path


def is_deferred(a):
    return type(a) is lnp.ndarray and a._arr is not None


def zarr_writes(p, x, **kw):
    """A Zarr array at p written by the zarr package (by one rank)."""
    def write():
        z = zarr.open_array(str(p), mode="w", shape=x.shape, dtype=x.dtype, **kw)
        z[...] = x
    on_one_rank(write)


@pytest.mark.parametrize("dtype", FILE_DTYPES)
def test_write_then_zarr_reads(tmp_path, dtype):
    x = file_values(FILE_BIG, dtype)
    p = tmp_path / "w.zarr"
    lio.write_zarr(p, deferred(x), chunks=(7, 9))
    z = zarr.open_array(str(p), mode="r")
    assert z.dtype == x.dtype and z.shape == x.shape and z.chunks == (7, 9)
    np.testing.assert_array_equal(z[...], x)
    assert sorted(os.listdir(tmp_path)) == ["w.zarr"]  # no temporary left


@pytest.mark.parametrize("compressor", [None, "zlib", "gzip", {"id": "zlib", "level": 6}])
@pytest.mark.parametrize("shape,chunks", [(FILE_BIG, (FILE_BIG[0], 5)), ((70001,) if not TEST_MODE else (101,), (1000,)),
                                          ((5, 4, 7), (2, 3, 7)), ((), ()), ((0, 3), (4, 3))])
def test_round_trip(tmp_path, compressor, shape, chunks):
    x = file_values(shape, np.float64)
    p = tmp_path / "r.zarr"
    a = deferred(x) if x.size else lnp.zeros(shape)
    lio.write_zarr(p, a, chunks=chunks, compressor=compressor)
    z = zarr.open_array(str(p), mode="r")
    np.testing.assert_array_equal(z[...], x)
    if compressor is not None:
        cid = compressor if isinstance(compressor, str) else compressor["id"]
        assert z.compressor.codec_id == cid
    got = lio.read_zarr(p)
    assert got.shape == x.shape and got.dtype == x.dtype
    np.testing.assert_array_equal(np.asarray(got), x)


def test_views_and_host_arrays(tmp_path):
    x = file_values(FILE_BIG, np.int32)
    for i, (a, want) in enumerate([(deferred(x).T, x.T), (deferred(x)[::2, 3:], x[::2, 3:]),
                                   (np.arange(12).reshape(3, 4), np.arange(12).reshape(3, 4))]):
        p = tmp_path / ("v%d.zarr" % i)
        lio.write_zarr(p, a, chunks=(4, 4))
        np.testing.assert_array_equal(zarr.open_array(str(p), mode="r")[...], want)


@pytest.mark.parametrize("dtype", FILE_DTYPES)
@pytest.mark.parametrize("codec", [None, "zlib", "gzip"])
def test_zarr_writes_then_read(tmp_path, dtype, codec):
    x = file_values(FILE_BIG, dtype)
    p = tmp_path / "z.zarr"
    comp = {None: None, "zlib": numcodecs.Zlib(level=3), "gzip": numcodecs.GZip(level=5)}[codec]
    zarr_writes(p, x, chunks=(9, 8), compressor=comp)
    got = lio.read_zarr(p)
    assert is_deferred(got) or x.size < 65536
    assert got.dtype == x.dtype and got.shape == x.shape
    np.testing.assert_array_equal(np.asarray(got), x)


def test_fill_value_of_chunks_never_written(tmp_path):
    p = tmp_path / "f.zarr"

    def write():
        z = zarr.open_array(str(p), mode="w", shape=FILE_BIG, chunks=(8, 8), dtype="f8", fill_value=np.nan,
                            compressor=None)
        z[: FILE_BIG[0] // 2, 3:] = 2.5
    on_one_rank(write)
    want = zarr.open_array(str(p), mode="r")[...]
    assert np.isnan(want).any()
    np.testing.assert_array_equal(np.asarray(lio.read_zarr(p)), want)


def test_blosc_through_the_zarr_package(tmp_path):
    x = file_values(FILE_BIG, np.float32)
    p = tmp_path / "b.zarr"
    zarr_writes(p, x, chunks=(16, 16))  # zarr's default compressor: Blosc
    with pytest.warns(RuntimeWarning, match="read_zarr"):
        got = lio.read_zarr(p)
    np.testing.assert_array_equal(np.asarray(got), x)


def test_replaces_an_existing_array(tmp_path):
    p = tmp_path / "o.zarr"
    lio.write_zarr(p, deferred(file_values(FILE_BIG, np.float64)), chunks=(5, 5))
    x = file_values((FILE_BIG[0] * 2,), np.int64)
    lio.write_zarr(p, deferred(x), chunks=(7,), compressor="zlib")
    np.testing.assert_array_equal(zarr.open_array(str(p), mode="r")[...], x)
    assert all("." not in n for n in os.listdir(p) if n != ".zarray")  # the 2-D chunks are gone


# ---- bad input


def test_missing_and_not_zarr(tmp_path):
    with pytest.raises(FileNotFoundError):
        lio.read_zarr(tmp_path / "nope.zarr")
    with pytest.raises(ValueError):
        lio.read_zarr(tmp_path)  # a directory without .zarray
    with pytest.raises(FileNotFoundError):
        lio.write_zarr(tmp_path / "no" / "dir.zarr", deferred(file_values(FILE_BIG, np.float64)))
    assert os.listdir(tmp_path) == []


def test_bad_arguments(tmp_path):
    a = deferred(file_values(FILE_BIG, np.float64))
    with pytest.raises(ValueError):
        lio.write_zarr(tmp_path / "a.zarr", a, chunks=(3,))
    with pytest.raises(ValueError):
        lio.write_zarr(tmp_path / "a.zarr", a, chunks=(0, 3))
    with pytest.raises(ValueError):
        lio.write_zarr(tmp_path / "a.zarr", a, compressor="lz4")
    with pytest.raises(TypeError):
        lio.write_zarr(tmp_path / "a.zarr", np.array(["a", "b"]))
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_damaged_chunk_raises_oserror(tmp_path, damage):
    x = file_values(FILE_BIG, np.float64)
    p = tmp_path / "d.zarr"
    lio.write_zarr(p, deferred(x), chunks=(8, 8), compressor=None if damage == "truncate" else "zlib")

    def spoil():
        chunk = p / "0.0"
        data = chunk.read_bytes()
        chunk.write_bytes(data[:-8] if damage == "truncate" else b"not zlib" + data[8:])
    on_one_rank(spoil)
    with pytest.raises(OSError, match="d.zarr"):  # (the rank owning the chunk names it: 0.0)
        np.asarray(lio.read_zarr(p))
    assert lnp.ones(3).sum() == 3.0  # the runtime goes on


def test_malformed_metadata(tmp_path):
    p = tmp_path / "m.zarr"
    lio.write_zarr(p, deferred(file_values(FILE_BIG, np.float64)), chunks=(8, 8))

    def spoil():
        meta = json.loads((p / ".zarray").read_text())
        meta["zarr_format"] = 3
        (p / ".zarray").write_text(json.dumps(meta))
    on_one_rank(spoil)
    with pytest.raises(ValueError):
        lio.read_zarr(p)
