"""legate.numpy.io: HDF5 datasets and Zarr v2 arrays read and written by
tiles (Zarr: _zarr.py; .npy/.npz and tofile/fromfile: the numpy namespace).

    from legate.numpy import io
    a = io.read_hdf5("data.h5", "x")            # a whole dataset
    io.write_hdf5("out.h5", "y", a)             # a new dataset
    with io.File("data.h5", "r") as f:          # h5py's File / Dataset style
        b = f["x"][100:200]                     # reads those rows only
    with io.File("out.h5", "a") as f:
        f.create_dataset("z", data=b)

A contiguous, unfiltered dataset's elements are one C-order block of the
file; its tiles are read and written there by a task each (the .npy
machinery, _io.py and numpy/file_io.c), on the rank that owns each tile,
and HDF5 itself only reads and writes metadata, on the main thread
(numpy/hdf5.c).  The datasets we create are contiguous, with h5py's type
encodings, so h5py and other HDF5 readers read them.  A chunked or
compressed dataset is read whole by HDF5 into host memory on each rank,
and one made with h5py's `chunks`/`compression`/`shuffle`/`fletcher32`
is written whole from host memory on rank 0 (a slower path: the host
holds it once).  Under StarPU-MPI, rank 0 creates the
dataset; the ranks must share the file system.
"""

import os

import numpy as _np

from ._runtime import core as _core, EAGER_MAX
from ._dtypes import DTYPES, dt_num
from ._array import ndarray, wrap_result
from . import _io

from ._zarr import read_zarr, write_zarr  # noqa: E402,F401  (Zarr v2 directories by tiles)

__all__ = ["read_hdf5", "write_hdf5", "File", "Dataset", "read_zarr", "write_zarr"]


def _path(p):
    return os.fsdecode(os.fspath(p))


def _info(path, name):
    if not os.path.exists(path):
        raise FileNotFoundError("Unable to open file (unable to open file: name = '%s')" % path)
    shape, dt, contiguous, itemsize, offset = _core.h5_info(path, name)
    if dt < 0:
        raise TypeError("dataset '%s' of %s has a type legate.numpy has no dtype for" % (name, path))
    return tuple(shape), _np.dtype(DTYPES[dt]), bool(contiguous), offset


def _read_rows(path, name, shape, dtype, contiguous, offset, lo, hi):
    """Rows [lo, hi) of dim 0 of a dataset (all of a 0-d one)."""
    sub = (hi - lo,) + tuple(shape[1:]) if shape else ()
    count = int(_np.prod(sub)) if sub else 1
    if contiguous and offset < 0:  # never written: HDF5 reads its fill value, 0
        return wrap_result(_np.zeros(sub, dtype))
    if not contiguous:
        host = _np.empty(shape, dtype)
        _core.h5_read_host(path, name, dt_num(dtype), host)
        return wrap_result(host[lo:hi] if shape else host)
    row = int(_np.prod(shape[1:])) if len(shape) > 1 else 1
    start = offset + lo * row * dtype.itemsize
    if count < max(EAGER_MAX, 1):
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read(count * dtype.itemsize)
        return wrap_result(_np.frombuffer(data, dtype).reshape(sub).copy())
    size = os.path.getsize(path)
    return _io._read_data(path, sub, dtype, start, size)


def read_hdf5(path, dataset):
    """The whole dataset `dataset` of the HDF5 file `path` as an array."""
    path = _path(path)
    shape, dtype, contiguous, offset = _info(path, dataset)
    return _read_rows(path, dataset, shape, dtype, contiguous, offset, 0, shape[0] if shape else 0)


def _guess_chunks(shape, itemsize):
    """Chunks of about 1 MiB (at most 64 KiB elements' worth of rows kept
    whole where they fit), as h5py's guess does: halve the largest
    dimension until the chunk is small enough."""
    chunks = [max(1, int(n)) for n in shape]
    while int(_np.prod(chunks)) * itemsize > (1 << 20) and max(chunks) > 1:
        k = chunks.index(max(chunks))
        chunks[k] = (chunks[k] + 1) // 2
    return tuple(chunks)


def _filters(shape, itemsize, chunks, compression, compression_opts, shuffle, fletcher32):
    """h5py's layout and filter arguments checked as h5py checks them:
    (chunks, gzip level or -1, shuffle, fletcher32), or None for a
    contiguous, unfiltered dataset."""
    if compression is not None and not isinstance(compression, (str, int)) or isinstance(compression, bool):
        raise TypeError("compression must be a filter name or a gzip level, got %r" % (compression,))
    if isinstance(compression, int):  # h5py: an int is a gzip level
        compression, compression_opts = "gzip", compression
    if compression is not None and compression != "gzip":
        raise ValueError('Compression filter "%s" is unavailable' % compression)
    gzip = -1
    if compression == "gzip":
        gzip = 4 if compression_opts is None else compression_opts
        if type(gzip) is not int or not 0 <= gzip <= 9:
            raise ValueError("GZIP setting must be an integer from 0-9, not %r" % (compression_opts,))
    elif compression_opts is not None:
        raise ValueError("compression_opts given without compression")
    if chunks in (None, False) and gzip < 0 and not shuffle and not fletcher32:
        return None
    if not shape:
        raise TypeError("Scalar datasets don't support chunk/filter options")
    if chunks is False:
        raise ValueError("Chunked format required for given storage options")
    if chunks in (None, True):
        chunks = _guess_chunks(shape, itemsize)
    else:
        chunks = tuple(int(c) for c in chunks)
        if len(chunks) != len(shape):
            raise ValueError("Chunk shape must have the same rank as the dataset (%d), got %r"
                             % (len(shape), chunks))
        if any(c < 1 for c in chunks) or any(c > max(n, 1) for c, n in zip(chunks, shape)):
            raise ValueError("Chunk shape must not be greater than data shape in any dimension. "
                             "%r is not compatible with %r" % (chunks, shape))
    return chunks, gzip, bool(shuffle), bool(fletcher32)


def write_hdf5(path, dataset, array, mode="a", *, chunks=None, compression=None, compression_opts=None,
               shuffle=False, fletcher32=False):
    """array as a new dataset of the HDF5 file `path` (mode "a": add to the
    file, creating it if needed; "w": a new file).  h5py's `chunks`,
    `compression` ("gzip" or its level), `compression_opts`, `shuffle` and
    `fletcher32` make a chunked, filtered dataset: HDF5 writes it whole
    from host memory on rank 0 (its filters need its own write), a slower
    path than the contiguous dataset's tile writes."""
    if mode not in ("a", "w"):
        raise ValueError("mode must be 'a' or 'w', got %r" % (mode,))
    path = _path(path)
    a = array if type(array) is ndarray else None
    dtype = _np.dtype(array.dtype) if hasattr(array, "dtype") else _np.asarray(array).dtype
    if dt_num(dtype) is None or dtype.hasobject or not _io._native(dtype):
        raise TypeError("write_hdf5: no HDF5 type for dtype %s" % dtype)
    shape = tuple(_np.shape(array))
    layout = _filters(shape, dtype.itemsize, chunks, compression, compression_opts, shuffle, fletcher32)
    if layout is not None:
        # every rank gathers the values (collective), rank 0 writes
        data = _np.ascontiguousarray(_np.asarray(array), dtype=dtype)
        _io._on_rank0(lambda: _core.h5_write_host(path, dataset, mode == "w", shape, dt_num(dtype), *layout, data),
                      "writing dataset %s of %s" % (dataset, path))
        return
    offset = _io._on_rank0(lambda: _core.h5_create(path, dataset, mode == "w", shape, dt_num(dtype)),
                           "creating dataset %s in %s" % (dataset, path))
    if offset < 0:  # an empty dataset: nothing to write
        return
    rank, nranks = _io._ranks()
    if a is not None and a._arr is not None:
        err = _io._write_tiles(a._arr, path, offset, "writing dataset %s of %s" % (dataset, path))
        if err is not None:
            raise err
    elif rank == 0:  # a host-held (small) array: one write
        data = _np.ascontiguousarray(_np.asarray(array), dtype=dtype)
        with open(path, "r+b") as f:
            f.seek(offset)
            f.write(data.tobytes())
    if nranks > 1:
        _core.mpi_sum_int(0)


class Dataset:
    """A dataset of an open File: shape, dtype, and reads by indexing
    (``d[...]``, ``d[100:200]``: only the rows of dim 0 the index needs are
    read, then the rest of the index applies to them)."""

    def __init__(self, file, name):
        self.file, self.name = file, name
        self.shape, self.dtype, self._contiguous, self._offset = _info(file.filename, name)

    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: int(_np.prod(self.shape)))

    def __len__(self):
        if not self.shape:
            raise TypeError("Attempt to take len() of scalar dataset")
        return self.shape[0]

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        lo, hi = 0, self.shape[0] if self.shape else 0
        first = key[0] if key else Ellipsis
        rest = key[1:]
        if self.shape and isinstance(first, slice) and first.step in (None, 1):
            lo, hi, _ = first.indices(self.shape[0])
            hi = max(lo, hi)
            first = slice(None)
        elif self.shape and isinstance(first, (int, _np.integer)) and not isinstance(first, bool):
            i = int(first)
            if not -self.shape[0] <= i < self.shape[0]:
                raise IndexError("Index (%d) out of range for (0-%d)" % (i, self.shape[0] - 1))
            lo = i % self.shape[0]
            hi, first = lo + 1, 0
        rows = _read_rows(self.file.filename, self.name, self.shape, self.dtype, self._contiguous, self._offset,
                          lo, hi)
        if not self.shape:
            return rows if not key or key == (Ellipsis,) or key == ((),) else rows[key]
        k = (first,) + rest
        return rows if k == (slice(None),) or k == (Ellipsis,) else rows[k]

    def __array__(self, dtype=None, copy=None):
        return _np.asarray(self[...], dtype=dtype)

    def __repr__(self):
        return '<legate.numpy.io Dataset "%s": shape %s, type "%s">' % (self.name, self.shape, self.dtype.str)


class File:
    """An HDF5 file in h5py's style: ``File(path, mode)`` with mode "r"
    (read), "a" (read and add datasets, created if missing) or "w" (a new
    file); ``f[name]`` is a Dataset, ``f.create_dataset(name, data=a)``
    writes one."""

    def __init__(self, path, mode="r"):
        if mode not in ("r", "a", "w"):
            raise ValueError("Invalid mode; must be one of r, a, w")
        self.filename, self.mode = _path(path), mode
        if mode == "r" and not os.path.exists(self.filename):
            raise FileNotFoundError("Unable to open file (unable to open file: name = '%s')" % self.filename)
        # "w": a new file, made by the first create_dataset (h5py makes an
        # empty one at once; here an old file is only removed)
        self._fresh = mode == "w"

    def __getitem__(self, name):
        return Dataset(self, name)

    def __contains__(self, name):
        try:
            _core.h5_info(self.filename, name)
            return True
        except (KeyError, OSError):
            return False

    def create_dataset(self, name, shape=None, dtype=None, data=None, *, chunks=None, compression=None,
                       compression_opts=None, shuffle=False, fletcher32=False):
        if self.mode == "r":
            raise ValueError("Unable to create dataset (no write intent on file)")
        if data is None:
            if shape is None:
                raise TypeError("One of data, shape or dtype must be specified")
            from ._creation import zeros
            data = zeros(shape, dtype=dtype if dtype is not None else _np.float32)  # h5py's default dtype
        elif dtype is not None and _np.dtype(dtype) != data.dtype:
            data = data.astype(dtype)
        write_hdf5(self.filename, name, data, mode="w" if self._fresh else "a", chunks=chunks,
                   compression=compression, compression_opts=compression_opts, shuffle=shuffle,
                   fletcher32=fletcher32)
        self._fresh = False
        return Dataset(self, name)

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
