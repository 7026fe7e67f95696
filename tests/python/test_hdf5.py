"""HDF5 datasets by tiles (legate.numpy.io, numpy/hdf5.c): files we write are
read by h5py as the same dtypes and values, h5py's files (contiguous,
chunked, compressed) are read by us, h5py-style File/Dataset indexing
reads only the rows it needs; bad input raises h5py's exception classes."""


import numpy as np
import pytest

from conftest import AGAINST_NUMPY, FILE_BIG, FILE_DTYPES, deferred, file_values, on_one_rank

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="legate.numpy.io has no NumPy counterpart")
try:
    import h5py
except (ImportError, ValueError) as e:  # Debian's h5py is built for NumPy 1.x: a NumPy 2 venv can't load it
    pytest.skip("h5py unavailable: %s" % e, allow_module_level=True)

if not AGAINST_NUMPY:
    from legate.numpy import io as lio, _core
    import legate.numpy as lnp
    if not _core.h5_available():
        pytest.skip("legate.numpy was built without HDF5", allow_module_level=True)


@pytest.fixture
def tmp_path(shared_tmp_path):
    """Under several ranks, one directory for all (conftest.shared_tmp_path)."""
    return shared_tmp_path


def h5py_writes(p, name, x, **kw):
    """A new file p holding dataset name written by h5py (by one rank)."""
    def write():
        with h5py.File(p, "w") as f:
            f.create_dataset(name, data=x, **kw)
    on_one_rank(write)


def is_deferred(a):
    return type(a) is lnp.ndarray and a._arr is not None


@pytest.mark.parametrize("dtype", FILE_DTYPES)
def test_write_then_h5py_reads(tmp_path, dtype):
    x = file_values(FILE_BIG, dtype)
    p = tmp_path / "w.h5"
    lio.write_hdf5(p, "x", deferred(x))
    with h5py.File(p, "r") as f:
        got = f["x"][...]
    assert got.dtype == x.dtype and got.shape == x.shape
    np.testing.assert_array_equal(got, x)


@pytest.mark.parametrize("dtype", FILE_DTYPES)
def test_h5py_writes_then_read(tmp_path, dtype):
    x = file_values(FILE_BIG, dtype)
    p = tmp_path / "r.h5"
    h5py_writes(p, "x", x)
    got = lio.read_hdf5(p, "x")
    assert is_deferred(got)
    assert got.dtype == x.dtype and got.shape == x.shape
    np.testing.assert_array_equal(np.asarray(got), x)


@pytest.mark.parametrize("layout", ["chunked", "gzip", "contiguous"])
def test_layouts(tmp_path, layout):
    x = file_values(FILE_BIG, np.float64)
    p = tmp_path / "l.h5"
    kw = {"chunked": {"chunks": (7, 5)}, "gzip": {"chunks": True, "compression": "gzip"}, "contiguous": {}}[layout]
    h5py_writes(p, "grp/x", x, **kw)
    np.testing.assert_array_equal(np.asarray(lio.read_hdf5(p, "grp/x")), x)
    with lio.File(p) as f:
        np.testing.assert_array_equal(np.asarray(f["grp/x"][3:9]), x[3:9])


def test_file_dataset_indexing(tmp_path):
    x = file_values(FILE_BIG, np.int64)
    p = tmp_path / "i.h5"
    with lio.File(p, "w") as f:
        d = f.create_dataset("a/b", data=deferred(x))
        assert d.shape == x.shape and d.dtype == x.dtype and len(d) == x.shape[0]
    with lio.File(p, "r") as f:
        d = f["a/b"]
        assert "a/b" in f and "nope" not in f
        for key in [Ellipsis, slice(None), slice(5, 17), slice(-9, None), 7, -1, (slice(2, 30), 3),
                    (4, slice(None, None, 2)), slice(20, 5), (slice(None, None, 3), 0)]:
            np.testing.assert_array_equal(np.asarray(d[key]), x[key])
        np.testing.assert_array_equal(np.asarray(d), x)
    with h5py.File(p, "r") as f:
        np.testing.assert_array_equal(f["a/b"][...], x)


def test_several_datasets_and_append(tmp_path):
    p = tmp_path / "s.h5"
    x, y = file_values(FILE_BIG, np.float32), file_values((FILE_BIG[0] * 3,), np.uint16)
    lio.write_hdf5(p, "x", deferred(x), mode="w")
    lio.write_hdf5(p, "y", deferred(y))
    lio.write_hdf5(p, "small", np.arange(5))
    with h5py.File(p, "r") as f:
        assert sorted(f.keys()) == ["small", "x", "y"]
        np.testing.assert_array_equal(f["x"][...], x)
        np.testing.assert_array_equal(f["y"][...], y)
        np.testing.assert_array_equal(f["small"][...], np.arange(5))
    lio.write_hdf5(p, "z", deferred(y), mode="w")  # a new file
    with h5py.File(p, "r") as f:
        assert list(f.keys()) == ["z"]


def test_empty_and_zero_d(tmp_path):
    p = tmp_path / "e.h5"
    lio.write_hdf5(p, "e", lnp.zeros((0, 3)))
    lio.write_hdf5(p, "s", lnp.array(2.5))
    with h5py.File(p, "r") as f:
        assert f["e"].shape == (0, 3)
        assert f["s"][()] == 2.5
    assert lio.read_hdf5(p, "e").shape == (0, 3)
    assert float(lio.read_hdf5(p, "s")) == 2.5


def test_bad_input(tmp_path):
    p = tmp_path / "b.h5"
    with pytest.raises(FileNotFoundError):
        lio.read_hdf5(p, "x")
    with pytest.raises(FileNotFoundError):
        h5py.File(p, "r")
    with pytest.raises(FileNotFoundError):
        lio.File(p, "r")
    lio.write_hdf5(p, "x", deferred(file_values(FILE_BIG, np.float64)))
    with pytest.raises(KeyError):
        lio.read_hdf5(p, "nope")
    with h5py.File(p, "r") as f, pytest.raises(KeyError):
        f["nope"]
    with pytest.raises(ValueError):  # h5py: ValueError, name already exists
        lio.write_hdf5(p, "x", deferred(file_values(FILE_BIG, np.float64)))
    with pytest.raises(ValueError):
        lio.File(p, "r").create_dataset("y", data=lnp.ones(3))
    notes = tmp_path / "notes.txt"
    on_one_rank(notes.write_text, "not hdf5")
    with pytest.raises(OSError):
        lio.read_hdf5(notes, "x")
    with pytest.raises(TypeError):
        lio.write_hdf5(p, "o", np.array(["a", "b"]))


FILTERED = {"gzip": {"compression": "gzip"}, "gzip-level-chunks": {"chunks": (5, 3), "compression": 9},
            "shuffle-fletcher32": {"compression": "gzip", "compression_opts": 1, "shuffle": True, "fletcher32": True},
            "chunks-only": {"chunks": True}}


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.bool_, np.complex64, np.float16])
@pytest.mark.parametrize("kind", FILTERED, ids=list(FILTERED))
def test_filtered_writes_are_h5pys(tmp_path, kind, dtype):
    """h5py's chunks/compression/shuffle/fletcher32 on write_hdf5 and
    create_dataset: the dataset h5py reads has those filters and our
    values; we read it back too."""
    x = file_values(FILE_BIG, dtype)
    kw = FILTERED[kind]
    p = tmp_path / "f.h5"
    lio.write_hdf5(p, "a/x", deferred(x), **kw)
    with lio.File(p, "a") as f:
        f.create_dataset("y", data=deferred(x), **kw)

    def check_with_h5py():
        with h5py.File(p, "r") as f:
            for name in ("a/x", "y"):
                d = f[name]
                assert d.chunks is not None
                if "chunks" in kw and kw["chunks"] is not True:
                    assert d.chunks == kw["chunks"]
                assert d.compression == ("gzip" if "compression" in kw else None)
                if "compression" in kw:
                    level = kw.get("compression_opts", kw["compression"] if type(kw["compression"]) is int else 4)
                    assert d.compression_opts == level
                assert d.shuffle == kw.get("shuffle", False) and d.fletcher32 == kw.get("fletcher32", False)
                assert d.dtype == x.dtype
                np.testing.assert_array_equal(d[...], x)
    on_one_rank(check_with_h5py)
    np.testing.assert_array_equal(np.asarray(lio.read_hdf5(p, "a/x")), x)


def test_filtered_writes_bad_input(tmp_path):
    """h5py's exception classes for bad layout and filter arguments, and
    no dataset left behind by them."""
    p = tmp_path / "fb.h5"
    x = deferred(file_values(FILE_BIG, np.float64))
    for kw, exc in [({"compression": "lzf"}, ValueError), ({"compression": "gzip", "compression_opts": 12}, ValueError),
                    ({"chunks": (3,)}, ValueError), ({"chunks": (FILE_BIG[0] + 1, 1)}, ValueError),
                    ({"chunks": False, "compression": "gzip"}, ValueError), ({"compression": 1.5}, TypeError)]:
        with pytest.raises(exc):
            lio.write_hdf5(p, "x", x, **kw)
    with pytest.raises(TypeError):  # h5py: scalar datasets take no chunks or filters
        lio.write_hdf5(p, "s", np.float64(3), compression="gzip")
    lio.write_hdf5(p, "x", x, compression="gzip")  # the name was never taken
    with pytest.raises(ValueError):
        lio.write_hdf5(p, "x", x, compression="gzip")
