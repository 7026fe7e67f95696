"""Files by tiles: np.save / np.load of .npy files, ndarray.tofile and
np.fromfile in binary form (numpy/file_io.c, codelets/codelet_file.c).

The header of a .npy file is NumPy's own (numpy.lib.format writes and parses
it); the data is read or written by one task per tile at the tile's C-order
byte offsets, on the rank that owns the tile, so an array never passes
through one process's memory.  A file we write is complete or absent: it is
written under a temporary name next to it and renamed at the end.  Under
MPI every rank sees the same file system; rank 0 writes the header and
renames.

What we leave to NumPy (the fallback, same results): file objects rather
than paths, arrays held eagerly (small ones), dtypes without a native
kernel (object, strings, structured, non-native byte order), .npz archives,
pickles, memory maps that write (mmap_mode 'r+', 'w+', 'c'), text forms
(sep != "")."""

import os

import numpy as _np

from ._runtime import core as _core, EAGER_MAX
from ._dtypes import DTYPES, dt_num
from . import _progress
from ._array import ndarray, _deferred, wrap_result

try:  # NumPy 2 keeps numpy.lib.format public
    from numpy.lib import format as _fmt
except ImportError:  # pragma: no cover
    from numpy.lib import _format_impl as _fmt


def _is_path(file):
    return isinstance(file, (str, bytes, os.PathLike))


def _native(dtype):
    return dtype.byteorder in ("=", "|") or dtype.isnative


def _ranks():
    cfg = _core.config()
    return cfg.get("rank", 0), cfg.get("nranks", 1)


def _collective_failed(failed):
    """Whether any rank failed (a collective call under MPI)."""
    return _core.mpi_sum_int(1 if failed else 0) > 0


def _task_error(exc):
    """A file task's failure (codelet_file.c reports "file: ...") as
    OSError, the class NumPy's own writes and reads raise; anything else
    unchanged."""
    msg = str(exc)
    i = msg.find("file: ")
    if isinstance(exc, RuntimeError) and i >= 0:
        return OSError(msg[i + len("file: "):])
    return exc


# the classes a step on rank 0 may fail with that the other ranks raise too
# (an OSError as the subclass its errno makes); anything else as RuntimeError
_RANK0_CLASSES = (KeyError, ValueError, TypeError, OSError, RuntimeError)


def _rank0_failure(failed, what):
    """Rank 0's failure (failed there, None on the others) for every rank:
    the same class and errno, with a message naming what failed (a
    collective call)."""
    n = len(_RANK0_CLASSES)
    code = 0
    if failed is not None:
        cls = next((i for i, c in enumerate(_RANK0_CLASSES) if isinstance(failed, c)), n - 1)
        err = getattr(failed, "errno", None)
        code = 1 + cls + n * (err if isinstance(err, int) and err > 0 else 0)
    code = _core.mpi_sum_int(code)
    if failed is not None or code == 0:
        return failed
    cls, err = _RANK0_CLASSES[(code - 1) % n], (code - 1) // n
    if cls is OSError and err:  # OSError(errno, ...) is FileNotFoundError for ENOENT, ...
        return OSError(err, "%s on rank 0 (%s)" % (os.strerror(err), what))
    return cls("%s failed on rank 0" % what)


def _on_rank0(step, what):
    """step() on rank 0 alone; its failure raised on every rank (a
    collective call under MPI), else its integer result returned on every
    rank."""
    rank, nranks = _ranks()
    value, failed = 0, None
    if nranks > 1:  # every rank's earlier uses of the file are over (HDF5 locks it)
        _core.mpi_sum_int(0)
    if rank == 0:
        try:
            value = step() or 0
        except Exception as e:  # noqa: BLE001 (every rank must reach the collective)
            failed = e
    if nranks > 1:
        failed = _rank0_failure(failed, what)
        if failed is not None:
            raise failed
        return _core.mpi_sum_int(value if rank == 0 else 0)
    if failed is not None:
        raise failed
    return value


def _write_tiles(arr, path, offset, what):
    """Every rank's tasks writing its tiles of arr (a _core.Array) at offset
    of path; the failure of any rank (a file task's as OSError) returned on
    every rank, or None."""
    return _tasks_everywhere(lambda: _core.file_write(arr, path, offset), _nbytes(arr), what)


def _nbytes(arr):
    n = DTYPES[arr.dtype_num].itemsize
    for e in arr.shape:
        n *= e
    return n


def _tasks_everywhere(submit, nbytes, what):
    """submit() the file tasks of `nbytes` and wait for them (a progress
    bar when long); the failure of any rank (a file task's as OSError)
    returned on every rank, or None."""
    err = None
    try:
        start = _progress.mark()
        submit()
        _progress.wait(nbytes, what, start)
    except Exception as e:  # noqa: BLE001 (every rank must reach the collective)
        err = _task_error(e)
    if _ranks()[1] > 1 and _collective_failed(err is not None):
        err = err or OSError("%s failed on another rank" % what)
    return err


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _write_data(arr, path, offset, header=None):
    """arr's elements at offset of a new file written as tmp then renamed to
    path (header: bytes to put first)."""
    tmp = path + ".lnp-partial"

    def create():
        try:
            with open(tmp, "wb") as f:  # the tiles' writes extend it
                if header:
                    f.write(header)
        except OSError:
            _unlink(tmp)
            raise
    _on_rank0(create, "writing %s" % path)
    failed = _write_tiles(arr._arr, tmp, offset, "writing %s" % path)
    if isinstance(failed, OSError):  # name the file the user asked for
        failed = OSError(str(failed).replace(tmp, path))
    rank, nranks = _ranks()
    if rank == 0:
        if failed is None:
            os.replace(tmp, path)
        else:
            _unlink(tmp)
    if nranks > 1:
        _core.mpi_sum_int(0)  # the file is in place for every rank
    if failed is not None:
        raise failed


def _deferred_native(arr):
    """arr when it is our deferred array of a dtype the tasks can move."""
    return (type(arr) is ndarray and arr._arr is not None and dt_num(arr.dtype) is not None
            and not arr.dtype.hasobject and _native(arr.dtype))


def _numpy_writes(file, write):
    """write() (NumPy writing file): to a path, under several ranks, on rank
    0 alone while the others wait, its failure raised on every rank: every
    rank of a program names the same file, and writes of it from several
    ranks at once truncate each other under a reader.  A file object is
    each rank's own: each writes it."""
    if _is_path(file) and _ranks()[1] > 1:
        _on_rank0(write, "write")
    else:
        write()


def save(file, arr, allow_pickle=True, fix_imports=True):
    if not (_is_path(file) and _deferred_native(arr)):
        from ._fallback import call_numpy
        if type(arr) is ndarray and _ranks()[1] > 1:
            arr = arr._value()  # gathered by every rank (collective), written by one
        _numpy_writes(file, lambda: call_numpy(_np.save, "save", (file, arr),
                                               {"allow_pickle": allow_pickle, "fix_imports": fix_imports}))
        return
    path = os.fsdecode(os.fspath(file))
    if not path.endswith(".npy"):
        path += ".npy"
    d = {"descr": _fmt.dtype_to_descr(arr.dtype), "fortran_order": False, "shape": tuple(arr.shape)}
    import io
    buf = io.BytesIO()
    if hasattr(_fmt, "_write_array_header"):
        _fmt._write_array_header(buf, d, None)
    else:  # pragma: no cover
        _fmt.write_array_header_1_0(buf, d)
    header = buf.getvalue()
    _write_data(arr, path, len(header), header)


def _npy_header(path):
    """(shape, fortran_order, dtype, data offset, file size) of a .npy file,
    "zip" for an .npz archive, or None when it is something else (a
    pickle)."""
    with open(path, "rb") as f:
        magic = f.read(len(_fmt.MAGIC_PREFIX))
        if magic.startswith(b"PK\x03\x04"):
            return "zip"
        if magic != _fmt.MAGIC_PREFIX:
            return None
        f.seek(0)
        version = _fmt.read_magic(f)
        if hasattr(_fmt, "_read_array_header"):
            shape, fortran, dtype = _fmt._read_array_header(f, version)
        elif version == (1, 0):  # pragma: no cover
            shape, fortran, dtype = _fmt.read_array_header_1_0(f)
        else:  # pragma: no cover
            shape, fortran, dtype = _fmt.read_array_header_2_0(f)
        return shape, fortran, dtype, f.tell(), os.fstat(f.fileno()).st_size


def _read_data(path, shape, dtype, offset, size):
    count = 1
    for s in shape:
        count *= s
    have = max(0, (size - offset) // dtype.itemsize) if dtype.itemsize else count
    if have < count:
        raise ValueError("Failed to read all data for array. Expected %s = %d elements, could only read %d "
                         "elements. (file seems not fully written?)" % (tuple(shape), count, have))
    got = []
    failed = _tasks_everywhere(lambda: got.append(_core.file_read(tuple(shape), dt_num(dtype), path, offset)),
                               count * dtype.itemsize, "reading %s" % path)
    if failed is not None:  # (on every rank: one rank's failed read fails them all)
        raise failed
    return _deferred(got[0])


def load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, encoding="ASCII", **kw):
    from ._fallback import call_numpy

    def fallback(warn=True):
        return call_numpy(_np.load, "load", (file,), dict(mmap_mode=mmap_mode, allow_pickle=allow_pickle,
                                                          fix_imports=fix_imports, encoding=encoding, **kw),
                          warn=warn)
    if not _is_path(file) or mmap_mode not in (None, "r") or kw:
        return fallback()
    path = os.fsdecode(os.fspath(file))
    info = _npy_header(path)  # FileNotFoundError / OSError as NumPy raises them
    if info == "zip":  # an .npz archive: its members read when asked
        from ._npz import NpzFile
        return NpzFile(path, fallback(warn=False), allow_pickle)
    if info is None:
        return fallback()
    shape, fortran, dtype, offset, size = info
    count = 1
    for s in shape:
        count *= s
    if dt_num(dtype) is None or dtype.hasobject or not _native(dtype):
        return fallback()
    if count < max(EAGER_MAX, 1):  # a small array: held eagerly, as NumPy reads it
        return fallback(warn=False)
    if fortran:  # the file holds the transpose in C order
        r = _read_data(path, tuple(reversed(shape)), dtype, offset, size).transpose()
    else:
        r = _read_data(path, shape, dtype, offset, size)
    if mmap_mode == "r":  # NumPy's read-only memory map: read-only here too
        r.flags.writeable = False
    return r


def _savez_pickle(kwds):
    """NumPy 2.1's allow_pickle keyword of savez (an array's name before)."""
    import inspect
    if "allow_pickle" in inspect.signature(_np.savez).parameters:
        return kwds.pop("allow_pickle", None)
    return None


def savez(file, *args, **kwds):
    from ._npz import savez
    pickle = _savez_pickle(kwds)
    savez(file, args, kwds, allow_pickle=pickle)


def savez_compressed(file, *args, **kwds):
    from ._npz import savez
    pickle = _savez_pickle(kwds)
    savez(file, args, kwds, compress=True, allow_pickle=pickle)


def tofile(arr, fid, sep="", format="%s"):
    """ndarray.tofile: binary (sep "") to a path by tiles, else NumPy's."""
    if sep != "" or not _is_path(fid) or not _deferred_native(arr):
        value = arr._value()
        _numpy_writes(fid, lambda: value.tofile(fid, sep, format))
        return
    path = os.fsdecode(os.fspath(fid))
    _write_data(arr, path, 0)


def fromfile(file, dtype=float, count=-1, sep="", offset=0, **kw):
    """np.fromfile: binary (sep "") from a path by tiles, else NumPy's."""
    from ._fallback import call_numpy
    dt = _np.dtype(dtype)
    if (sep != "" or not _is_path(file) or kw or dt_num(dt) is None or dt.hasobject or not _native(dt)
            or dt.itemsize == 0):
        return call_numpy(_np.fromfile, "fromfile", (file,),
                          dict(dtype=dtype, count=count, sep=sep, offset=offset, **kw))
    path = os.fsdecode(os.fspath(file))
    size = os.stat(path).st_size
    avail = max(0, (size - offset) // dt.itemsize)
    n = avail if count < 0 else count
    if count >= 0 and count > avail:
        # NumPy reads what there is (and warns); keep its answer for that case
        return call_numpy(_np.fromfile, "fromfile", (file,), dict(dtype=dtype, count=count, sep=sep, offset=offset))
    if n < max(EAGER_MAX, 1):
        return wrap_result(_np.fromfile(path, dtype=dt, count=n, offset=offset))
    return _read_data(path, (n,), dt, offset, size)
