""".npz archives by tiles: np.savez writes each deferred array's data into
its stored (uncompressed) ZIP member by a task per tile, and np.load of an
.npz reads a stored member's data by tiles (_io.py's machinery).

The archive is NumPy's: a ZIP of .npy members, each with ZIP64 sizes in
its local header as NumPy's own writer gives them (zipfile's
force_zip64), so NumPy, zipfile and unzip read it.  Every offset follows
from the members' names and sizes, so the ranks agree on them without
talking; rank 0 writes the headers and the small members, every rank its
tiles, then rank 0 streams each member once to compute its CRC-32 (a ZIP
member's checksum covers its bytes in order, which no tile task sees),
writes the central directory and renames the temporary file into place.

Left to NumPy: savez_compressed (deflate), file objects, archives where
no array is deferred, and compressed members when reading."""

import io
import os
import struct
import time
import zlib

import numpy as _np

from ._runtime import EAGER_MAX
from ._dtypes import dt_num
from ._array import ndarray
from . import _io

_LOCAL = struct.Struct("<IHHHHHIIIHH")          # local file header, 30 bytes
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # central directory header, 46 bytes
_ZIP64_EOCD = struct.Struct("<IQHHIIQQQQ")      # zip64 end of central directory, 56 bytes
_ZIP64_LOCATOR = struct.Struct("<IIQI")
_EOCD = struct.Struct("<IHHHHIIH")
_VERSION = 45  # ZIP64
_MADE_BY = (3 << 8) | _VERSION  # unix, as zipfile writes
_STREAM = 16 << 20  # bytes per read when computing a member's CRC


def _dos_time():
    t = time.localtime()
    return ((t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2),
            ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday)


class _Member:
    """One .npy member: its name, its header and small data (bytes), or a
    deferred array whose data the tiles write; its place in the archive."""

    def __init__(self, name, arr, allow_pickle=True):
        self.name = name.encode("utf-8")
        self.flags = 0 if self.name.isascii() else 0x800  # UTF-8 name
        self.deferred = _io._deferred_native(arr)
        buf = io.BytesIO()
        if self.deferred:
            self.arr = arr
            d = {"descr": _io._fmt.dtype_to_descr(arr.dtype), "fortran_order": False, "shape": tuple(arr.shape)}
            if hasattr(_io._fmt, "_write_array_header"):
                _io._fmt._write_array_header(buf, d, None)
            else:  # pragma: no cover
                _io._fmt.write_array_header_1_0(buf, d)
            self.head = buf.getvalue()
            self.size = len(self.head) + arr.size * arr.dtype.itemsize
        else:  # NumPy's own bytes of the member (as its savez writes them)
            value = arr._value() if type(arr) is ndarray else _np.asanyarray(arr)
            _io._fmt.write_array(buf, value, allow_pickle=allow_pickle, pickle_kwargs={"fix_imports": True})
            self.head = buf.getvalue()
            self.size = len(self.head)
        self.offset = 0  # of the local header
        self.crc = 0

    def local_header(self, time_, date):
        extra = struct.pack("<HHQQ", 1, 16, self.size, self.size)
        return _LOCAL.pack(0x04034B50, _VERSION, self.flags, 0, time_, date, self.crc, 0xFFFFFFFF,
                           0xFFFFFFFF, len(self.name), len(extra)) + self.name + extra

    @property
    def data_offset(self):
        return self.offset + _LOCAL.size + len(self.name) + 20

    def central_header(self, time_, date):
        extra = struct.pack("<HHQQQ", 1, 24, self.size, self.size, self.offset)
        return _CENTRAL.pack(0x02014B50, _MADE_BY, _VERSION, self.flags, 0, time_, date, self.crc,
                             0xFFFFFFFF, 0xFFFFFFFF, len(self.name), len(extra), 0, 0, 0, 0o600 << 16,
                             0xFFFFFFFF) + self.name + extra


def _members(args, kwds, allow_pickle):
    """NumPy's names: arr_0, arr_1, ... for positional arrays, then the
    keywords (its ValueError when a keyword takes a positional's name)."""
    named = dict(kwds)
    for i, a in enumerate(args):
        key = "arr_%d" % i
        if key in named:
            raise ValueError("Cannot use un-named variables and keyword %s" % key)
        named[key] = a
    return [_Member(k + ".npy", v, allow_pickle) for k, v in named.items()]


def _crc(f, start, n):
    crc = 0
    f.seek(start)
    while n > 0:
        b = f.read(min(n, _STREAM))
        if not b:
            raise OSError("the archive ends before its member's data does")
        crc = zlib.crc32(b, crc)
        n -= len(b)
    return crc


def savez(file, args, kwds, compress=False, allow_pickle=None):
    """np.savez (np.savez_compressed with compress: NumPy's); allow_pickle
    is NumPy 2's keyword (None: not given)."""
    from ._fallback import call_numpy
    fn, name = (_np.savez_compressed, "savez_compressed") if compress else (_np.savez, "savez")
    if compress or not _io._is_path(file) or not any(
            _io._deferred_native(a) for a in list(args) + list(kwds.values())):
        if _io._ranks()[1] > 1:  # values gathered by every rank (collective), written by one
            args = [a._value() if type(a) is ndarray else a for a in args]
            kwds = {k: a._value() if type(a) is ndarray else a for k, a in kwds.items()}
        kw = dict(kwds) if allow_pickle is None else dict(kwds, allow_pickle=allow_pickle)
        _io._numpy_writes(file, lambda: call_numpy(fn, name, (file,) + tuple(args), kw))
        return
    path = os.fsdecode(os.fspath(file))
    if not path.endswith(".npz"):
        path += ".npz"
    members = _members(args, kwds, True if allow_pickle is None else allow_pickle)
    pos = 0
    for m in members:
        m.offset = pos
        pos = m.data_offset + m.size
    cd_offset = pos
    tmp = path + ".lnp-partial"
    time_, date = _dos_time()

    def create():  # headers and the small members; the tiles fill the rest
        try:
            with open(tmp, "wb") as f:
                for m in members:
                    f.seek(m.offset)
                    f.write(m.local_header(time_, date))
                    f.write(m.head)
                f.truncate(cd_offset)
        except OSError:
            _io._unlink(tmp)
            raise
    _io._on_rank0(create, "writing %s" % path)
    failed = None
    for m in members:
        if m.deferred and failed is None:
            failed = _io._write_tiles(m.arr._arr, tmp, m.data_offset + len(m.head), "writing %s" % path)
    if isinstance(failed, OSError):
        failed = OSError(str(failed).replace(tmp, path))

    def finish():
        if failed is not None:
            _io._unlink(tmp)
            return
        try:
            with open(tmp, "r+b") as f:
                for m in members:
                    m.crc = _crc(f, m.data_offset, m.size)
                    f.seek(m.offset)
                    f.write(m.local_header(time_, date))
                f.seek(cd_offset)
                cd = b"".join(m.central_header(time_, date) for m in members)
                f.write(cd)
                n = len(members)
                eocd64 = cd_offset + len(cd)
                f.write(_ZIP64_EOCD.pack(0x06064B50, _ZIP64_EOCD.size - 12, _MADE_BY, _VERSION, 0, 0, n, n,
                                         len(cd), cd_offset))
                f.write(_ZIP64_LOCATOR.pack(0x07064B50, 0, eocd64, 1))
                f.write(_EOCD.pack(0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                   min(len(cd), 0xFFFFFFFF), min(cd_offset, 0xFFFFFFFF), 0))
            os.replace(tmp, path)
        except OSError:
            _io._unlink(tmp)
            raise
    _io._on_rank0(finish, "writing %s" % path)
    if failed is not None:
        raise failed


class _Bag:
    """NpzFile.f: the members as attributes (NumPy's BagObj)."""

    def __init__(self, npz):
        object.__setattr__(self, "_npz", npz)

    def __getattribute__(self, key):
        try:
            return object.__getattribute__(self, "_npz")[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self):
        return list(object.__getattribute__(self, "_npz").files)


class NpzFile:
    """np.load's result for an .npz archive (NumPy's NpzFile interface):
    members read when asked, a large stored member of a native dtype by
    tiles, any other by NumPy's own NpzFile."""

    def __init__(self, path, npz, allow_pickle):
        self._path = path
        self._npz = npz  # NumPy's NpzFile: names, the zip, other members
        self._allow_pickle = allow_pickle
        self.files = list(npz.files)
        self.zip = npz.zip
        self.fid = npz.fid
        self.f = _Bag(self)

    def _tiled(self, key):
        """The member's array read by tiles, or None where NumPy reads it."""
        import zipfile
        info = self.zip.getinfo(key if key in self.zip.namelist() else key + ".npy")
        if info.compress_type != zipfile.ZIP_STORED:
            return None
        with open(self._path, "rb") as f:
            f.seek(info.header_offset)
            h = f.read(_LOCAL.size)
            if len(h) != _LOCAL.size or h[:4] != b"PK\x03\x04":
                return None
            nlen, elen = struct.unpack("<HH", h[26:30])
            start = info.header_offset + _LOCAL.size + nlen + elen
            f.seek(start)
            if f.read(len(_io._fmt.MAGIC_PREFIX)) != _io._fmt.MAGIC_PREFIX:
                return None
            f.seek(start)
            version = _io._fmt.read_magic(f)
            if hasattr(_io._fmt, "_read_array_header"):
                shape, fortran, dtype = _io._fmt._read_array_header(f, version)
            else:  # pragma: no cover
                shape, fortran, dtype = _io._fmt.read_array_header_1_0(f)
            offset = f.tell()
        count = 1
        for s in shape:
            count *= s
        if (dt_num(dtype) is None or dtype.hasobject or not _io._native(dtype) or count < max(EAGER_MAX, 1)):
            return None
        size = min(offset + count * dtype.itemsize, os.path.getsize(self._path))  # the member's end
        if fortran:
            return _io._read_data(self._path, tuple(reversed(shape)), dtype, offset, size).transpose()
        return _io._read_data(self._path, shape, dtype, offset, size)

    def __getitem__(self, key):
        if key in self.files or key + ".npy" in self.zip.namelist():
            r = self._tiled(key)
            if r is not None:
                return r
        from ._array import wrap_result
        return wrap_result(self._npz[key])

    def __contains__(self, key):
        return key in self.files

    def __iter__(self):
        return iter(self.files)

    def __len__(self):
        return len(self.files)

    def keys(self):
        return self.files

    def values(self):
        return [self[k] for k in self.files]

    def items(self):
        return [(k, self[k]) for k in self.files]

    def get(self, key, default=None):
        return self[key] if key in self.files else default

    def close(self):
        self._npz.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 (interpreter exit)
            pass

    def __repr__(self):
        return "NpzFile %r with keys: %s" % (self._path, ", ".join(self.files[:5]) + (
            "..." if len(self.files) > 5 else ""))
