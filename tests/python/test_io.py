"""Files by tiles (python/legate/numpy/_io.py, numpy/file_io.c): np.save and
np.load of .npy files, ndarray.tofile and np.fromfile in binary form,
against NumPy both ways (files we write read by NumPy, NumPy's read by us),
over dtypes, shapes, views, C and Fortran order; bad input raises NumPy's
exception class and leaves no file that claims to be complete.

In test mode (3-element tiles) every array is many tiles, each read or
written by its own task at its own offsets."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import (AGAINST_NUMPY, FILE_BIG, FILE_DTYPES, children_only, deferred, file_values, lnp,
                      on_one_rank, subprocess_env)

TEST_MODE = os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")


@pytest.fixture
def tmp_path(shared_tmp_path):
    """Under several ranks, one directory for all (conftest.shared_tmp_path)."""
    return shared_tmp_path


def is_deferred(a):
    return AGAINST_NUMPY or (type(a) is lnp.ndarray and a._arr is not None)


@pytest.mark.parametrize("dtype", FILE_DTYPES)
def test_save_then_numpy_loads(tmp_path, dtype, native):
    x = file_values(FILE_BIG, dtype)
    a = deferred(x)
    p = tmp_path / "a.npy"
    lnp.save(p, a)
    got = np.load(p)
    assert got.dtype == x.dtype and got.shape == x.shape
    np.testing.assert_array_equal(got, x)
    assert sorted(os.listdir(tmp_path)) == ["a.npy"]  # no temporary left


@pytest.mark.parametrize("dtype", FILE_DTYPES)
def test_numpy_saves_then_load(tmp_path, dtype):
    x = file_values(FILE_BIG, dtype)
    p = tmp_path / "a.npy"
    on_one_rank(np.save, p, x)
    got = lnp.load(p)
    assert is_deferred(got)
    assert got.dtype == x.dtype and got.shape == x.shape
    np.testing.assert_array_equal(np.asarray(got), x)


@pytest.mark.parametrize("shape", [(70001,) if not TEST_MODE else (101,), (5, 4, 7), FILE_BIG, (2, 3, 4, 5)])
@pytest.mark.parametrize("view", ["whole", "transposed", "strided", "slice"])
def test_views_round_trip(tmp_path, shape, view, monkeypatch):
    x = file_values(shape, np.float64)
    a = deferred(x)
    if view == "transposed":
        a, x = a.T, x.T
    elif view == "strided":
        a, x = a[::2], x[::2]
    elif view == "slice":
        a, x = a[1:-1], x[1:-1]
    p = tmp_path / "v.npy"
    lnp.save(p, a)  # by tiles (a deferred array: never NumPy's save)
    np.testing.assert_array_equal(np.load(p), x)
    got = lnp.load(p)
    assert got.shape == x.shape
    if not AGAINST_NUMPY:
        from legate.numpy._runtime import EAGER_MAX
        if x.size >= max(EAGER_MAX, 1):
            assert is_deferred(got)
    np.testing.assert_array_equal(np.asarray(got), x)


def test_fortran_order_file(tmp_path):
    x = np.asfortranarray(file_values(FILE_BIG, np.int32))
    p = tmp_path / "f.npy"
    on_one_rank(np.save, p, x)
    got = lnp.load(p)
    assert is_deferred(got) and got.shape == x.shape
    np.testing.assert_array_equal(np.asarray(got), x)


def test_name_gets_npy_suffix_as_numpy_does(tmp_path, native):
    a = deferred(file_values(FILE_BIG, np.float32))
    lnp.save(str(tmp_path / "plain"), a)
    assert os.path.exists(tmp_path / "plain.npy")
    np.testing.assert_array_equal(np.load(tmp_path / "plain.npy"), np.asarray(a))


def test_mmap_mode_r_is_read_only(tmp_path):
    x = file_values(FILE_BIG, np.float64)
    p = tmp_path / "m.npy"
    on_one_rank(np.save, p, x)
    got = lnp.load(p, mmap_mode="r")
    np.testing.assert_array_equal(np.asarray(got), x)
    with pytest.raises(ValueError):
        got[0, 0] = 1.0


def test_overwrite_existing_file(tmp_path, native):
    p = tmp_path / "o.npy"
    on_one_rank(np.save, p, np.zeros(10))
    x = file_values(FILE_BIG, np.int64)
    lnp.save(p, deferred(x))
    np.testing.assert_array_equal(np.load(p), x)


@pytest.mark.parametrize("dtype", [np.uint8, np.float64, np.complex64])
def test_tofile_fromfile(tmp_path, dtype):
    x = file_values(FILE_BIG, dtype)
    p = tmp_path / "raw.bin"
    deferred(x).tofile(str(p))
    np.testing.assert_array_equal(np.fromfile(p, dtype=dtype), x.ravel())
    got = lnp.fromfile(p, dtype=dtype)
    assert got.dtype == x.dtype
    np.testing.assert_array_equal(np.asarray(got), x.ravel())
    isz = np.dtype(dtype).itemsize
    got = lnp.fromfile(p, dtype=dtype, offset=3 * isz, count=x.size - 5)
    np.testing.assert_array_equal(np.asarray(got), x.ravel()[3:x.size - 2])


def test_text_tofile_is_numpys(tmp_path):
    x = file_values((50,), np.int32)
    p = tmp_path / "t.txt"
    deferred(x).tofile(str(p), sep=",")
    assert open(p).read() == ",".join(str(v) for v in x)


# ---- .npz archives (python/legate/numpy/_npz.py)


def test_savez_then_numpy_loads(tmp_path):
    import zipfile
    x, y = file_values(FILE_BIG, np.float64), file_values((FILE_BIG[0] * 3,), np.int16)
    a = deferred(x)
    p = tmp_path / "z.npz"
    lnp.savez(p, a, y=deferred(y), small=np.arange(5), s=2.5, t=a.T)
    with zipfile.ZipFile(p) as z:
        assert z.testzip() is None  # every member's CRC
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
    with np.load(p) as got:
        assert sorted(got.files) == ["arr_0", "s", "small", "t", "y"]
        np.testing.assert_array_equal(got["arr_0"], x)
        np.testing.assert_array_equal(got["y"], y)
        np.testing.assert_array_equal(got["t"], x.T)
        np.testing.assert_array_equal(got["small"], np.arange(5))
        assert got["s"] == 2.5
    assert sorted(os.listdir(tmp_path)) == ["z.npz"]  # no temporary left


@pytest.mark.parametrize("compressed", [False, True])
def test_numpy_savez_then_load(tmp_path, compressed):
    x, f = file_values(FILE_BIG, np.complex64), np.asfortranarray(file_values(FILE_BIG, np.int32))
    p = tmp_path / "n.npz"
    on_one_rank(np.savez_compressed if compressed else np.savez, p, x=x, f=f, small=np.arange(3))
    with lnp.load(p) as got:
        assert sorted(got.files) == ["f", "small", "x"] and "x" in got and len(got) == 3
        gx, gf = got["x"], got.f.f
        assert is_deferred(gx) and is_deferred(gf)
        np.testing.assert_array_equal(np.asarray(gx), x)
        np.testing.assert_array_equal(np.asarray(gf), f)
        np.testing.assert_array_equal(np.asarray(got["small"]), np.arange(3))
        with pytest.raises(KeyError):
            got["nope"]


def test_savez_compressed_then_numpy_loads(tmp_path):
    x = file_values(FILE_BIG, np.float32)
    p = tmp_path / "c.npz"
    lnp.savez_compressed(str(tmp_path / "c"), x=deferred(x))  # NumPy's suffix rule too
    with np.load(p) as got:
        np.testing.assert_array_equal(got["x"], x)


def test_savez_name_clash_and_missing_directory(tmp_path):
    a = deferred(file_values(FILE_BIG, np.float64))
    for mod, arr in ((np, np.asarray(a)), (lnp, a)):
        with pytest.raises(ValueError):
            mod.savez(tmp_path / "clash.npz", arr, arr_0=arr)
        with pytest.raises(FileNotFoundError):
            mod.savez(tmp_path / "no" / "dir.npz", arr)
    assert os.listdir(tmp_path) == []


def test_npz_object_member_needs_allow_pickle(tmp_path):
    p = tmp_path / "o.npz"
    on_one_rank(np.savez, p, o=np.array([{"a": 1}, None], dtype=object), x=file_values(FILE_BIG, np.float64))
    for mod in (np, lnp):
        with mod.load(p) as got:
            np.testing.assert_array_equal(np.asarray(got["x"]), file_values(FILE_BIG, np.float64))
            with pytest.raises(ValueError):
                got["o"]
        with mod.load(p, allow_pickle=True) as got:
            assert got["o"][0] == {"a": 1}


# ---- bad input: NumPy's exception class, no file that claims to be complete


def test_missing_file(tmp_path):
    for mod in (np, lnp):
        with pytest.raises(FileNotFoundError):
            mod.load(tmp_path / "nope.npy")
        with pytest.raises(FileNotFoundError):
            mod.fromfile(tmp_path / "nope.bin")


def test_save_into_missing_directory(tmp_path):
    a = deferred(file_values(FILE_BIG, np.float64))
    for mod, arr in ((np, np.asarray(a)), (lnp, a)):
        with pytest.raises(FileNotFoundError):
            mod.save(tmp_path / "no" / "dir.npy", arr)


def both_load_raise(exc, path):
    """NumPy's load and ours both raise exc on path."""
    for mod in (np, lnp):
        with pytest.raises(exc):
            mod.load(path)


def test_truncated_file(tmp_path):
    x = file_values(FILE_BIG, np.float64)
    p = tmp_path / "t.npy"
    on_one_rank(np.save, p, x)
    on_one_rank(os.truncate, p, os.path.getsize(p) - 16)
    both_load_raise(ValueError, p)


def test_malformed_header(tmp_path):
    p = tmp_path / "h.npy"
    on_one_rank(np.save, p, file_values(FILE_BIG, np.float64))
    data = bytearray(open(p, "rb").read())
    i = data.find(b"'shape'")
    data[i:i + 7] = b"'shapx'"
    on_one_rank(p.write_bytes, bytes(data))
    both_load_raise(ValueError, p)


def test_object_arrays_need_allow_pickle(tmp_path):
    p = tmp_path / "o.npy"
    on_one_rank(np.save, p, np.array([{"a": 1}, None], dtype=object))
    with pytest.raises(ValueError):
        lnp.load(p)
    assert lnp.load(p, allow_pickle=True)[0] == {"a": 1}


@pytest.mark.skipif(AGAINST_NUMPY, reason="our write path")
def test_file_size_limit_raises_and_leaves_nothing(tmp_path_factory):
    """A write that fails part way (the file-size limit standing in for a
    full disk: EFBIG like ENOSPC) raises OSError, as NumPy's save does, and
    leaves neither the file nor its temporary."""
    tmp_path = tmp_path_factory.mktemp("fsize")  # each rank's own single-process child
    prog = textwrap.dedent(
        f"""
        import os, resource, signal
        import numpy
        import legate.numpy as np
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        a = np.arange(600_000, dtype=np.float64)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
        for mod, arr in ((numpy, numpy.asarray(a)), (np, a)):
            try:
                mod.save({str(tmp_path / 'big.npy')!r}, arr)
                print("NO ERROR", mod.__name__)
            except OSError as e:
                print("OSERROR", mod.__name__, type(e).__name__)
            for f in os.listdir({str(tmp_path)!r}):
                os.unlink(os.path.join({str(tmp_path)!r}, f)) if mod is numpy else print("LEFT", f)
        """
    )
    r = subprocess.run([sys.executable, "-c", prog], env=subprocess_env(), capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "OSERROR numpy" in r.stdout, r.stdout  # NumPy's own answer: OSError
    assert "OSERROR legate.numpy" in r.stdout, r.stdout + r.stderr[-2000:]
    assert "LEFT" not in r.stdout, r.stdout


@pytest.mark.skipif(AGAINST_NUMPY, reason="our progress bar")
@children_only
@pytest.mark.parametrize("flag", ["1", ""])
def test_progress_bar(tmp_path_factory, flag):
    """Long reads and writes draw a progress bar on stderr (forced here with
    LEGATE_NUMPY_PROGRESS=1 and no delay; off on a pipe by default)."""
    d = tmp_path_factory.mktemp("progress")
    prog = textwrap.dedent(
        f"""
        import legate.numpy as np
        a = np.arange(200_000, dtype=np.float64)
        np.save({str(d / 'p.npy')!r}, a)
        assert float(np.load({str(d / 'p.npy')!r}).sum()) == float(a.sum())
        """
    )
    env = subprocess_env(LEGATE_NUMPY_PROGRESS=flag, LEGATE_NUMPY_PROGRESS_AFTER="0", LEGATE_NUMPY_TEST="0")
    r = subprocess.run([sys.executable, "-c", prog], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    if flag:
        assert "writing %s: [" % (d / "p.npy") in r.stderr and "reading" in r.stderr, r.stderr
        assert "100%" in r.stderr and "1.5 MiB" in r.stderr and r.stderr.endswith("\n"), r.stderr
    else:
        assert "writing" not in r.stderr, r.stderr
