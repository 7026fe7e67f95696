"""Zarr v2 arrays by tiles (legate.numpy.io.read_zarr / write_zarr).

A Zarr v2 array is a directory: `.zarray` (JSON: shape, chunks, dtype,
compressor, fill value) and one file per chunk named by its grid
coordinates ("2.0.1"), holding the whole chunk in C order (edge chunks
padded), raw or compressed.  The store is tiled on chunk boundaries and a
task per tile reads or writes its chunks' files (numpy/chunks.c,
codelets/codelet_chunks.c), on the rank owning the tile: no array passes
through one process.  Natively: no compressor, zlib and gzip (numcodecs'
Zlib and GZip), no filters, C order, "." separators; missing chunks read
as the fill value.  Anything else (Blosc, the zarr package's default, or
filters) is read through the zarr package when it is installed.  A
directory we write is complete or absent: written as NAME.lnp-partial and
renamed at the end; Debian's python3-zarr reads it.
"""

import json
import os
import shutil

import numpy as _np

from ._runtime import core as _core, EAGER_MAX
from ._dtypes import DTYPES, dt_num
from ._array import ndarray, _deferred, wrap_result, from_numpy_core, materialize
from . import _io

_CODECS = {None: 0, "zlib": 1, "gzip": 2}  # codelets.h LNP_CHUNKS_*
_CHUNK_TARGET = 1 << 20  # elements of a default chunk


def _path(p):
    return os.fsdecode(os.fspath(p))


def _fill_json(value, dtype):
    """fill_value as Zarr v2 writes it in .zarray."""
    if dtype.kind == "f":
        v = float(value)
        return "NaN" if v != v else "Infinity" if v == float("inf") else "-Infinity" if v == -float("inf") else v
    if dtype.kind == "c":
        return [_fill_json(value.real, _np.dtype(float)), _fill_json(value.imag, _np.dtype(float))]
    if dtype.kind == "b":
        return bool(value)
    return int(value)


def _fill_bytes(value, dtype):
    """One element's bytes of a .zarray fill_value (None: zeros)."""
    def num(v):
        return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}.get(v, v)
    if value is None:
        value = 0
    elif dtype.kind == "c" and isinstance(value, (list, tuple)):
        value = complex(num(value[0]), num(value[1]))
    else:
        value = num(value)
    return _np.array(value).astype(dtype).tobytes()


def default_chunks(shape):
    """About _CHUNK_TARGET elements: row blocks of dim 0 first, then the
    next dims (the store's own default split)."""
    chunks = [max(1, n) for n in shape]
    for d in range(len(shape)):
        inner = 1
        for n in shape[d + 1:]:
            inner *= max(1, n)
        if inner * chunks[d] <= _CHUNK_TARGET:
            break
        if inner <= _CHUNK_TARGET:
            chunks[d] = max(1, _CHUNK_TARGET // inner)
            break
        chunks[d] = 1
    return tuple(chunks)


def _codec(compressor):
    """(codec number, level, the .zarray compressor) of write_zarr's
    compressor: None, "zlib", "gzip" or numcodecs' dict form."""
    if compressor is None:
        return 0, 0, None
    spec = {"id": compressor} if isinstance(compressor, str) else dict(compressor)
    cid = spec.get("id")
    if cid not in ("zlib", "gzip"):
        raise ValueError("write_zarr: compressor must be None, 'zlib' or 'gzip' (got %r)" % (compressor,))
    level = int(spec.get("level", 1))
    if not 0 <= level <= 9:
        raise ValueError("write_zarr: compression level %d is not in 0..9" % level)
    return _CODECS[cid], level, {"id": cid, "level": level}


def write_zarr(path, array, chunks=None, compressor=None):
    """array as a new Zarr v2 array at directory `path` (replacing what is
    there); chunks: the chunk shape (default: about a million elements, row
    blocks first); compressor: None, "zlib" or "gzip" (or {"id": ...,
    "level": n})."""
    path = _path(path)
    arr = array if type(array) is ndarray else None
    if arr is None or arr._arr is None:
        host = _np.asarray(materialize(arr._arr) if arr is not None and arr._arr is not None else
                           (arr._np if arr is not None else array))
        if dt_num(host.dtype) is None or host.dtype.hasobject:
            raise TypeError("write_zarr: no native Zarr type for dtype %s" % host.dtype)
        core = from_numpy_core(host)
    else:
        core = arr._arr
    dtype = _np.dtype(DTYPES[core.dtype_num])
    shape = tuple(core.shape)
    chunks = default_chunks(shape) if chunks is None else tuple(int(c) for c in chunks)
    if len(chunks) != len(shape) or any(c < 1 for c in chunks):
        raise ValueError("write_zarr: chunks %r do not fit an array of shape %r" % (chunks, shape))
    codec, level, zcomp = _codec(compressor)
    meta = {"zarr_format": 2, "shape": list(shape), "chunks": list(chunks), "dtype": dtype.str,
            "compressor": zcomp, "fill_value": _fill_json(0, dtype), "order": "C", "filters": None,
            "dimension_separator": "."}
    tmp = path + ".lnp-partial"

    def create():
        shutil.rmtree(tmp, ignore_errors=True)
        os.mkdir(tmp)  # FileNotFoundError where the parent is missing, as zarr's
        with open(os.path.join(tmp, ".zarray"), "w") as f:
            json.dump(meta, f, indent=4, sort_keys=True)
    _io._on_rank0(create, "writing %s" % path)
    fill = _fill_bytes(0, dtype)
    failed = _io._tasks_everywhere(lambda: _core.chunks_write(core, tmp, chunks, codec, level, fill),
                                   _io._nbytes(core), "writing %s" % path)
    if isinstance(failed, OSError):
        failed = OSError(str(failed).replace(tmp, path))

    def finish():
        if failed is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            return
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)
        os.replace(tmp, path)
    _io._on_rank0(finish, "writing %s" % path)
    if failed is not None:
        raise failed


def _by_zarr(path, why):
    try:
        import zarr
    except ImportError:
        raise NotImplementedError("read_zarr: %s of %s needs the zarr package (python3-zarr)" % (why, path)) from None
    from ._runtime import warn_fallback
    warn_fallback("read_zarr (%s)" % why)
    return wrap_result(_np.asarray(zarr.open_array(path, mode="r")[...]))


def read_zarr(path):
    """The Zarr v2 array at directory `path`."""
    path = _path(path)
    try:
        with open(os.path.join(path, ".zarray")) as f:
            meta = json.load(f)
    except FileNotFoundError:
        if not os.path.exists(path):
            raise FileNotFoundError("No such file or directory: '%s'" % path) from None
        raise ValueError("%s is not a Zarr v2 array (no .zarray)" % path) from None
    except json.JSONDecodeError as e:
        raise ValueError("%s/.zarray is not valid JSON: %s" % (path, e)) from None
    if meta.get("zarr_format") != 2:
        raise ValueError("%s is not a Zarr v2 array (zarr_format %r)" % (path, meta.get("zarr_format")))
    try:
        dtype = _np.dtype(meta["dtype"])
        shape = tuple(int(n) for n in meta["shape"])
        chunks = tuple(int(n) for n in meta["chunks"])
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError("%s/.zarray is malformed: %s" % (path, e)) from None
    comp = meta.get("compressor")
    cid = comp.get("id") if isinstance(comp, dict) else comp
    if cid not in _CODECS:
        return _by_zarr(path, "its %s compressor" % cid)
    if meta.get("filters"):
        return _by_zarr(path, "its filters")
    if meta.get("order", "C") != "C" or meta.get("dimension_separator", ".") != ".":
        return _by_zarr(path, "its chunk layout")
    if dt_num(dtype) is None or dtype.hasobject or not _io._native(dtype):
        return _by_zarr(path, "its dtype %s" % dtype)
    if len(chunks) != len(shape) or any(c < 1 for c in chunks):
        raise ValueError("%s/.zarray: chunks %r do not fit shape %r" % (path, chunks, shape))
    fill = _fill_bytes(meta.get("fill_value"), dtype)
    count = 1
    for n in shape:
        count *= n
    got = []
    failed = _io._tasks_everywhere(lambda: got.append(_core.chunks_read(shape, dt_num(dtype), path, chunks,
                                                                        _CODECS[cid], fill)),
                                   count * dtype.itemsize, "reading %s" % path)
    if failed is not None:  # (on every rank: one rank's failed read fails them all)
        raise failed
    r = got[0]
    if count < max(EAGER_MAX, 1):  # a small array: held eagerly, as other readers give it
        return wrap_result(materialize(r))
    return _deferred(r)
