"""Advanced indexing of deferred arrays, natively (issue 18).

A key with integer or boolean arrays is planned as NumPy plans it: the
basic items (slices, None, Ellipsis) make a view; each advanced item
(an integer array, an integer next to an array, a boolean mask standing for
the flat positions of its nonzeros over the dims it covers) indexes one
merged dim of that view.  The view is transposed so that the advanced dims
come first, the index arrays are broadcast, bounds-checked (before anything
is written), wrapped and linearised into one int64 offset per row of R
elements (the product of the other dims), by elementwise ops (native for
deferred index arrays, NumPy for small ones).  ``_core.gather`` then makes
the (rows, R) result, ``_core.scatter`` writes into the view, and a key made
of one mask is a single ``_core.compact``.  Where NumPy puts the broadcast
dims (in place of the advanced items when they are next to each other in
the key, else first) is a transposed view of the result, which gives
NumPy's strides too.
"""

import operator

import numpy as _np

from ._runtime import core as _core
from ._dtypes import DTYPES, dt_num
from . import _fpe
from ._array import (ndarray, _deferred, _NPND, as_core, to_numpy,
                     from_numpy_core, view_source)


class Fallback(Exception):
    """A key this module does not take (NumPy runs it)."""


_INVALID = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis "
            "(`None`) and integer or boolean arrays are valid indices")
_NOT_INT = "arrays used as indices must be of integer (or boolean) type"
_I64 = _np.dtype(_np.int64)


def _lnp():
    import legate.numpy as m
    return m


def _shape_str(s):
    return "(" + ",".join(str(x) for x in s) + ("," if len(s) == 1 else "") + ")"


def _as_index_array(k):
    """An array item of a key -> our ndarray or a numpy array of integers
    or bools."""
    t = type(k)
    if t is ndarray or t is _NPND:
        a = k
    else:
        from ._fallback import convert
        try:
            a = _np.asarray(convert(k))
        except Exception:
            raise Fallback
        if a.dtype == object:
            raise Fallback
        if a.size == 0 and a.dtype.kind == "f":  # [] indexes as intp
            a = a.astype(_np.intp)
    kind = a.dtype.kind
    if kind == "b":
        if a.ndim == 0:
            raise Fallback  # a 0-d boolean adds a dim: NumPy does it
        return a
    if kind not in "iu":
        raise IndexError(_NOT_INT)
    return a


def _items(key):
    """Key -> list of (kind, value): 'none', 'ellipsis', 'slice', 'int',
    'arr' (integer array), 'mask'."""
    if type(key) is not tuple:
        key = (key,)
    out = []
    for k in key:
        t = type(k)
        if k is None:
            out.append(("none", None))
        elif k is Ellipsis:
            out.append(("ellipsis", None))
        elif t is slice:
            out.append(("slice", k))
        elif t is bool or t is _np.bool_:
            raise Fallback
        elif t is int or isinstance(k, _np.integer):
            out.append(("int", int(k)))
        elif t is ndarray or t is _NPND or t is list or t is tuple or hasattr(k, "__array__"):
            if (t is ndarray or t is _NPND) and k.ndim == 0 and k.dtype.kind in "iu":
                out.append(("int", int(k)))
                continue
            a = _as_index_array(k)
            out.append(("mask" if a.dtype.kind == "b" else "arr", a))
        elif isinstance(k, (float, complex, str, bytes, _np.inexact)):
            raise IndexError(_INVALID)
        else:
            try:
                out.append(("int", operator.index(k)))
            except TypeError:
                raise IndexError(_INVALID)
    return out


def _is_deferred(x):
    return type(x) is ndarray and x._arr is not None


class Plan:
    """What a key does to an array of `shape`: the view `v` (a _core.Array
    with the advanced dims first), the int64 row offsets `lin` (None for a
    single mask: `mask`), rows of R elements, the result's shape and the
    permutation that places its broadcast dims."""
    __slots__ = ("v", "lin", "mask", "R", "bshape", "rest", "perm", "shape", "checked")


def _check_bounds(a, n, axis):
    """IndexError as NumPy's for an index out of [-n, n); whether any is
    negative."""
    if a.size == 0:
        return False
    if _is_deferred(a):
        lo, hi = a.min(), a.max()
        lo, hi = int(lo), int(hi)
    else:
        a = to_numpy(a)
        lo, hi = int(a.min()), int(a.max())
    if hi >= n:
        raise IndexError("index %d is out of bounds for axis %d with size %d" % (hi, axis, n))
    if lo < -n:
        raise IndexError("index %d is out of bounds for axis %d with size %d" % (lo, axis, n))
    return lo < 0


def _flat_positions(mask):
    """The flat positions of a mask's nonzeros, int64, 1-D."""
    if not _is_deferred(mask):
        m = to_numpy(mask)
        return _lnp().asarray(_np.flatnonzero(m).astype(_np.int64))
    m1 = _lnp().ravel(mask)
    r = _core.compact(None, m1._arr, 0, (m1.size,))
    return _deferred(r.reshape((r.shape[0],))[0])


def plan(arr, key, get=False):
    shape = arr.shape
    ndim = len(shape)
    items = _items(key)
    consumed = 0
    nell = 0
    for kind, k in items:
        if kind == "ellipsis":
            nell += 1
        elif kind == "mask":
            consumed += k.ndim
        elif kind != "none":
            consumed += 1
    if nell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > ndim:
        raise IndexError("too many indices for array: array is %d-dimensional, but %d were indexed"
                         % (ndim, consumed))
    if not any(kind in ("arr", "mask") for kind, _ in items):
        raise Fallback
    basic = []
    advs = []  # (item position, view dim, dims, kind, value, axis)
    vdim = axis = 0
    for pos, (kind, k) in enumerate(items):
        if kind == "none":
            basic.append(None)
            vdim += 1
        elif kind == "ellipsis":
            n = ndim - consumed
            basic.extend([slice(None)] * n)
            vdim += n
            axis += n
        elif kind == "slice":
            basic.append(k)
            vdim += 1
            axis += 1
        elif kind == "mask":
            if tuple(k.shape) != tuple(shape[axis:axis + k.ndim]):
                for d in range(k.ndim):
                    if k.shape[d] != shape[axis + d]:
                        raise IndexError(_mask_mismatch(axis + d, shape[axis + d], k.shape[d]))
            basic.extend([slice(None)] * k.ndim)
            advs.append((pos, vdim, k.ndim, kind, k, axis))
            vdim += k.ndim
            axis += k.ndim
        else:
            basic.append(slice(None))
            advs.append((pos, vdim, 1, kind, k, axis))
            vdim += 1
            axis += 1
    from ._indexing import normalize_key
    ckey, _ = normalize_key(tuple(basic), shape)
    v = arr.index(ckey) if ckey else arr
    vshape = v.shape
    adv_dims = [d for _, vd, nd, _, _, _ in advs for d in range(vd, vd + nd)]
    rest_dims = [d for d in range(len(vshape)) if d not in set(adv_dims)]
    rest = tuple(vshape[d] for d in rest_dims)
    R = 1
    for n in rest:
        R *= n
    p = Plan()
    p.rest = rest
    p.R = R
    p.mask = None
    p.lin = None
    p.checked = None
    # the broadcast shape of the index arrays (a mask: its nonzeros' count)
    if len(advs) == 1 and advs[0][3] == "mask" and advs[0][1] == 0:
        m = advs[0][4]
        p.mask = m
        p.v = v
        p.bshape = None  # known once compacted
        p.perm = None
        return p
    sizes = []
    idxs = []
    for pos, vd, nd, kind, k, ax in advs:
        n = 1
        for d in range(vd, vd + nd):
            n *= vshape[d]
        sizes.append(n)
        if kind == "mask":
            idxs.append(_flat_positions(k))
        else:
            idxs.append(k)
    shapes = [() if type(i) is int else tuple(i.shape) for i in idxs]
    try:
        bshape = tuple(_np.broadcast_shapes(*shapes))
    except ValueError:
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together with shapes "
                         + " ".join(_shape_str(s) for s in shapes) + " ")
    if get and R == 1 and len(advs) == 1 and advs[0][3] == "arr":
        # one index array over rows of one element: the gather itself wraps
        # negative indices and reports the bad ones (its result is new, so
        # nothing is written before the error), sparing two passes here
        L = _lnp()
        i = idxs[0]
        if type(i) is not ndarray:
            i = L.asarray(i)
        if i.dtype != _I64:
            i = i.astype(_I64)
        nb = 1
        for n in bshape:
            nb *= n
        p.lin = L.reshape(i, (nb,))
        p.checked = (advs[0][5], sizes[0])
        p.v = v
        p.bshape = bshape
        p.perm = None
        if advs[0][1] > 0:  # (rest dims of extent 1 before it)
            p.v = v.transpose(tuple(adv_dims + rest_dims))
            nbd = len(bshape)
            first = advs[0][1]
            p.perm = (tuple(range(nbd, nbd + first)) + tuple(range(nbd))
                      + tuple(range(nbd + first, nbd + len(rest))))
        return p
    # bounds, before anything is computed or written
    neg = []
    for (pos, vd, nd, kind, k, ax), n, i in zip(advs, sizes, idxs):
        if kind == "int":
            if not -n <= i < n:
                raise IndexError("index %d is out of bounds for axis %d with size %d" % (i, ax, n))
            neg.append(i < 0)
        elif kind == "arr":
            neg.append(_check_bounds(i, n, ax))
        else:
            neg.append(False)
    # rows: the advanced dims linearised in C order (Horner)
    L = _lnp()
    lin = None
    for i, n, ng in zip(idxs, sizes, neg):
        if type(i) is int:
            w = i + n if i < 0 else i
        else:
            if type(i) is not ndarray:
                i = L.asarray(i)
            if i.dtype != _I64:
                i = i.astype(_I64)
            w = L.remainder(i, n) if ng else i
        lin = w if lin is None else lin * n + w
    nb = 1
    for n in bshape:
        nb *= n
    if type(lin) is int:
        lin = L.full(bshape, lin, dtype=_I64)
    elif tuple(lin.shape) != bshape:
        lin = L.broadcast_to(lin, bshape)
    lin = L.reshape(lin, (nb,))
    perm = [d for d in adv_dims] + rest_dims
    p.v = v.transpose(tuple(perm)) if perm != list(range(len(vshape))) else v
    p.lin = lin
    p.bshape = bshape
    # NumPy puts the broadcast dims where the advanced items are when they
    # are next to each other in the key, else first
    poss = [a[0] for a in advs]
    first = advs[0][1]
    nbd = len(bshape)
    if poss == list(range(poss[0], poss[0] + len(poss))) and first > 0:
        p.perm = (tuple(range(nbd, nbd + first)) + tuple(range(nbd))
                  + tuple(range(nbd + first, nbd + len(rest))))
    else:
        p.perm = None
    return p


def _mask_mismatch(axis, size, msize):
    try:
        _np.broadcast_to(_np.zeros(()), (size,))[_np.zeros(msize, bool)]
    except IndexError as e:
        msg = str(e)
        return msg.replace("dimension 0", "dimension %d" % axis).replace("axis 0", "axis %d" % axis)
    return ("boolean index did not match indexed array along axis %d; size of axis is %d but size "
            "of corresponding boolean axis is %d" % (axis, size, msize))


def _mask_core(m):
    """A mask (ours or numpy) flattened, as a _core.Array."""
    if _is_deferred(m):
        return _lnp().ravel(m)._arr
    return from_numpy_core(_np.ascontiguousarray(to_numpy(m)).reshape(-1))


def getitem(self, key):
    arr = view_source(self) if self._scalar else self._arr
    p = plan(arr, key, get=True)
    if p.mask is not None:
        r = _core.compact(p.v, _mask_core(p.mask), p.R, None)
        r = r.reshape((r.shape[0],) + p.rest)[0]
        return _deferred(r)
    lin = p.lin._arr if _is_deferred(p.lin) else as_core(p.lin)
    if p.checked is not None:
        r, nbad, row = _core.gather(p.v, lin, p.R, True)
        if nbad:
            axis, n = p.checked
            raise IndexError("index %d is out of bounds for axis %d with size %d"
                             % (int(p.lin[row]), axis, n))
    else:
        r = _core.gather(p.v, lin, p.R)
    r = r.reshape(p.bshape + p.rest)[0]
    if p.perm is not None:
        r = r.transpose(p.perm)
    return _deferred(r)


def _value_array(value, dt):
    """The value of an assignment as our ndarray (NumPy's conversions)."""
    L = _lnp()
    if type(value) is ndarray:
        return value
    if type(value) is _NPND:
        v = value
    else:
        from ._fallback import convert
        v = _np.asarray(convert(value))
    if v.dtype == object or v.dtype.kind in "USV" or dt_num(v.dtype) is None:
        v = v.astype(dt)
    return L.asarray(v)


def _single_item(key):
    return type(key) is not tuple or len(key) == 1


def setitem(self, key, value):
    arr = self._arr
    p = plan(arr, key)
    dt = DTYPES[arr.dtype_num]
    L = _lnp()
    if p.mask is not None:
        # a[mask] = values: rows at the mask's flat positions
        p.lin = _flat_positions(p.mask)
        p.bshape = (p.lin.size,)
        p.perm = None
    val = _value_array(value, dt)
    if p.mask is not None and p.mask.ndim == len(arr.shape) and _single_item(key):
        # NumPy's own path for one mask over every dim takes 0-d and 1-d
        # values only, a 1-d one of the count or of one element
        if val.ndim > 1:
            raise TypeError("NumPy boolean array indexing assignment requires a 0 or 1-dimensional "
                            "input, input has %d dimensions" % val.ndim)
        if val.ndim == 1 and val.shape[0] not in (1, p.bshape[0]):
            raise ValueError("NumPy boolean array indexing assignment cannot assign %d input values "
                             "to the %d output values where the mask is true"
                             % (val.shape[0], p.bshape[0]))
    if dt.kind in "iuf" and val.dtype.kind == "c":
        _fpe.warn_complex_discard()
    rshape = p.bshape + p.rest
    if p.perm is not None:
        rshape = tuple(rshape[i] for i in p.perm)
    vs = tuple(val.shape)
    while len(vs) > len(rshape) and vs[0] == 1:
        vs = vs[1:]
    if len(vs) > len(rshape) and 0 in rshape:
        # NumPy's map iterator over an empty result ignores a value's extra
        # leading dims (only its trailing ones must broadcast)
        vs = vs[len(vs) - len(rshape):]
    try:
        if len(vs) > len(rshape) or _np.broadcast_shapes(vs, rshape) != tuple(rshape):
            raise ValueError
    except ValueError:
        raise ValueError("shape mismatch: value array of shape %s could not be broadcast to "
                         "indexing result of shape %s" % (_shape_str(val.shape), _shape_str(rshape)))
    if vs != tuple(val.shape):
        val = L.reshape(val, vs)
    nb = 1
    for n in p.bshape:
        nb *= n
    if nb * p.R == 0:
        return
    val = L.broadcast_to(val, rshape)
    if p.perm is not None:
        inv = [0] * len(p.perm)
        for i, q in enumerate(p.perm):
            inv[q] = i
        val = L.transpose(val, inv)
    val = L.reshape(val, (nb, p.R))
    _core.scatter(p.v, p.lin._arr if _is_deferred(p.lin) else as_core(p.lin),
                  val._arr if _is_deferred(val) else as_core(val))
