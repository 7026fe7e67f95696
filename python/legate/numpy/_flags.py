"""``ndarray.flags`` and ``ndarray.setflags`` of deferred arrays.

NumPy's WRITEABLE flag is the read-only bit of the view (``_core.Array.
readonly``), which the C operations refuse to write through; views inherit
it when they are made, as NumPy's do.  Re-enabling it follows NumPy's rule
(``_IsWriteable``): an array that owns its data may always be made
writeable again, a view only while the array owning the data is writeable
(views of views ask that owner, NumPy's collapsed ``base``: its flag is
shared with its views, ``_core.Array.owner_readonly``).  The
contiguity flags are those of the view's strides in its store (stores are
C-ordered, as the memory of NumPy's arrays): ravel and reshape decide on
them as NumPy does.  Eager arrays use NumPy's own flags.
"""

_CANT_WRITE = "cannot set WRITEABLE flag to True of this array"


def _contiguous(shape, strides):
    """NumPy's relaxed rule: the strides of the dims longer than 1 are those
    of a packed array, innermost first (empty arrays are contiguous)."""
    if 0 in shape:
        return True
    want = 1
    for n, st in zip(shape, strides):
        if n != 1:
            if st != want:
                return False
            want *= n
    return True


def c_contiguous(arr):
    """Whether the _core.Array walks its store's elements in C order."""
    return _contiguous(arr.shape[::-1], arr.elem_strides[::-1])


def f_contiguous(arr):
    return _contiguous(arr.shape, arr.elem_strides)


def set_writeable(arr, flag):
    """NumPy's setflags(write=flag) on the _core.Array `arr`."""
    if not flag:
        arr.readonly = True
        return
    if arr.readonly:
        if arr.owner_readonly:
            raise ValueError(_CANT_WRITE)
        arr.readonly = False


def setflags(arr, write=None, align=None, uic=None):
    if uic:
        raise ValueError("cannot set WRITEBACKIFCOPY flag to True")
    if write is not None:
        set_writeable(arr, bool(write))
    # (align: deferred data are always aligned; NumPy lets align=False pass)


class flagsobj:
    """The ``flags`` of a deferred array (NumPy's flagsobj interface)."""

    __slots__ = ("_arr",)

    def __init__(self, arr):
        self._arr = arr

    # -- the flags --------------------------------------------------------
    @property
    def writeable(self):
        return not self._arr.readonly

    @writeable.setter
    def writeable(self, value):
        set_writeable(self._arr, bool(value))

    @property
    def c_contiguous(self):
        return c_contiguous(self._arr)

    contiguous = c_contiguous  # NumPy's alias

    @property
    def f_contiguous(self):
        return f_contiguous(self._arr)

    @property
    def owndata(self):
        return self._arr.owns_data

    @property
    def aligned(self):
        return True

    @aligned.setter
    def aligned(self, value):
        pass

    @property
    def writebackifcopy(self):
        return False

    @writebackifcopy.setter
    def writebackifcopy(self, value):
        if value:
            raise ValueError("cannot set WRITEBACKIFCOPY flag to True")

    @property
    def fnc(self):
        return self.f_contiguous and not self.c_contiguous

    @property
    def forc(self):
        return self.f_contiguous or self.c_contiguous

    @property
    def behaved(self):
        return self.aligned and self.writeable

    @property
    def carray(self):
        return self.behaved and self.c_contiguous

    @property
    def farray(self):
        return self.behaved and self.f_contiguous and not self.c_contiguous

    @property
    def num(self):
        bits = {"c_contiguous": 0x1, "f_contiguous": 0x2, "owndata": 0x4,
                "aligned": 0x100, "writeable": 0x400}
        return sum(b for name, b in bits.items() if getattr(self, name))

    # -- NumPy's mapping interface ----------------------------------------
    _KEYS = {"C": "c_contiguous", "CONTIGUOUS": "c_contiguous",
             "C_CONTIGUOUS": "c_contiguous", "F": "f_contiguous",
             "FORTRAN": "f_contiguous", "F_CONTIGUOUS": "f_contiguous",
             "O": "owndata", "OWNDATA": "owndata", "W": "writeable",
             "WRITEABLE": "writeable", "A": "aligned", "ALIGNED": "aligned",
             "X": "writebackifcopy", "WRITEBACKIFCOPY": "writebackifcopy",
             "FNC": "fnc", "FORC": "forc", "B": "behaved", "BEHAVED": "behaved",
             "CA": "carray", "CARRAY": "carray", "FA": "farray",
             "FARRAY": "farray"}
    _SETTABLE = ("writeable", "aligned", "writebackifcopy")

    def _name(self, key):
        name = self._KEYS.get(key) if isinstance(key, str) else None
        if name is None:
            raise KeyError("Unknown flag")
        return name

    def __getitem__(self, key):
        return getattr(self, self._name(key))

    def __setitem__(self, key, value):
        name = self._name(key)
        if name not in self._SETTABLE:
            raise KeyError("Unknown flag")
        setattr(self, name, value)

    def __eq__(self, other):
        if not isinstance(other, flagsobj):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n)
                   for n in ("c_contiguous", "f_contiguous", "owndata",
                             "writeable", "aligned", "writebackifcopy"))

    __hash__ = None

    def __repr__(self):
        return "".join("  %s : %s\n" % (k, getattr(self, k.lower()))
                       for k in ("C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA",
                                 "WRITEABLE", "ALIGNED", "WRITEBACKIFCOPY"))
