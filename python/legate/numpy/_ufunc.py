"""ufunc objects, type resolution and the elementwise launch.

Type resolution asks the installed NumPy: the real ufunc is called on tiny
stand-ins of the operands (N-d array -> shape (1,)*ndim of its dtype; deferred
0-d array -> zeros((), dtype); eager 0-d array and scalars -> themselves), so
value-based casting (NumPy 1.x) and NEP 50 (NumPy 2.x) come out exactly as the
user's NumPy does them.
"""

import operator as _opm

import numpy as _np

from ._runtime import core as _core
from . import _fpe, _layout
from ._dtypes import DTYPES, dt_num, NUMPY2
from ._array import (ndarray, _deferred, _deferred_result, wrap_result,
                     materialize, from_numpy_core, to_numpy, _NPND, _NoValue, _MASKED)

_new = object.__new__
from ._runtime import EAGER_MAX as _EMAX

_PY_SCALARS = frozenset((int, float, complex, bool))

# The ufuncs that run natively and their kinds, from the op catalogue
# (codelets/op_table.h): ufunc name -> (OP name, kind: S same, P predicate,
# A absolute (complex -> real)), and the ufuncs whose .reduce is native:
# with a seed, or as an ordered fold from the first element where NumPy's
# ufunc has no identity either (subtract, divide, power ...; hypot's
# NumPy identity 0 would be missing on empty axes).
_NATIVE = {}
_REDUCIBLE = set()
_SEEDED = set()
for _opname, _ufname, _nin, _kind, _ureduce, _ordered in _core.op_table():
    if _ufname is not None:
        _NATIVE[_ufname] = (_opname, _kind)
        if _ureduce:
            _SEEDED.add(_ufname)
        if _ureduce or (_ordered and getattr(getattr(_np, _ufname, None), "identity", 0) is None):
            _REDUCIBLE.add(_ufname)
_REDUCIBLE = frozenset(_REDUCIBLE)

# stand-ins, cached by (dtype, ndim); never written to
_standin_cache = {}


def _standin(dt, ndim):
    key = (dt, ndim)
    s = _standin_cache.get(key)
    if s is None:
        s = _np.zeros((1,) * ndim, dtype=dt)
        s.flags.writeable = False
        _standin_cache[key] = s
    return s


def ghost(shape, dt):
    """A zero-memory array of `shape` (stride 0), for NumPy to raise its exact
    error messages on (never computed on)."""
    return _np.lib.stride_tricks.as_strided(
        _np.zeros(1, dtype=dt), shape=tuple(shape), strides=(0,) * len(shape),
        writeable=True)


def broadcast_shapes(shapes):
    """Broadcast shape of `shapes`, or None if they do not broadcast."""
    nd = 0
    for s in shapes:
        if len(s) > nd:
            nd = len(s)
    res = [1] * nd
    for s in shapes:
        off = nd - len(s)
        for i, n in enumerate(s):
            r = res[off + i]
            if n != r:
                if r == 1:
                    res[off + i] = n
                elif n != 1:
                    return None
    return tuple(res)


# resolution cache: key -> (loop dtype, out dtype)
_resolve_cache = {}


class _Fallback(Exception):
    """Internal: this call must run through NumPy."""


class ufunc:
    """A legate.numpy ufunc: NumPy's ufunc, run natively where possible."""

    def __init__(self, npuf):
        self._npuf = npuf
        self.__name__ = npuf.__name__
        self.nin = npuf.nin
        self.nout = npuf.nout
        self.nargs = npuf.nargs
        self.ntypes = npuf.ntypes
        self.types = npuf.types
        self.identity = npuf.identity
        self.signature = npuf.signature
        self.__doc__ = npuf.__doc__
        nat = _NATIVE.get(npuf.__name__) if _NPUFUNC_OK(npuf) else None
        if nat is not None:
            self._op = getattr(_core, "OP_" + nat[0])
            self._kind = nat[1]
        else:
            self._op = None
            self._kind = None
        if self._op is not None and npuf.__name__ in _REDUCIBLE:
            self._redop = self._op
        else:
            self._redop = None
        self._redop_seeded = npuf.__name__ in _SEEDED
        self._pair = _PAIRS.get(npuf.__name__) if _NPUFUNC_OK(npuf) else None

    def __repr__(self):
        return "<ufunc '%s'>" % self.__name__

    # -- __call__ -------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        npuf = self._npuf
        if not kwargs:
            # fast path: all operands eager / NumPy / scalars
            if len(args) == self.nin:
                conv = []
                for x in args:
                    if type(x) is ndarray:
                        x = x._np
                        if x is None:
                            break
                    conv.append(x)
                else:
                    r = npuf(*conv)
                    if self.nout == 1:
                        return wrap_result(r)
                    return tuple(wrap_result(x) for x in r)
        return self._call(args, kwargs)

    def _call(self, args, kwargs):
        nin = self.nin
        if len(args) > self.nargs:
            # NumPy's TypeError ("add() takes from 2 to 3 positional
            # arguments but 4 were given"), raised on stand-ins
            self._npuf(*[_standin(_np.dtype(_np.float64), 0)] * len(args))
        if len(args) > nin:
            if "out" in kwargs:
                raise TypeError("cannot specify 'out' as both a positional and keyword argument")
            kwargs = dict(kwargs)
            extra = args[nin:]
            for o in extra:
                # a positional output is an array or None (NumPy's check)
                if o is not None and not isinstance(o, (ndarray, _NPND)):
                    raise TypeError("return arrays must be of ArrayType")
            # (fewer outputs than the ufunc has: the others are allocated,
            # as out=(o1, None) asks; out= itself takes a tuple then)
            kwargs["out"] = (extra[0] if self.nout == 1
                             else tuple(extra) + (None,) * (self.nout - len(extra)))
            args = args[:nin]
        if len(args) != nin:
            # let NumPy raise its TypeError
            return self._npuf(*args, **kwargs)
        out = kwargs.get("out", None)
        if type(out) is tuple:
            if len(out) != self.nout:
                return self._npuf(*[to_numpy(a) for a in args], **kwargs)
            if self.nout == 1:
                out = out[0]
            elif all(o is None for o in out):
                out = None
        if out is not None or "out" in kwargs:
            kwargs = dict(kwargs)
            if out is None:
                del kwargs["out"]
            else:
                kwargs["out"] = out
        deferred = False
        for x in args:
            if type(x) is ndarray and x._arr is not None:
                deferred = True
                break
        if not deferred and out is not None:
            for o in (out if type(out) is tuple else (out,)):
                if type(o) is ndarray and o._arr is not None:
                    deferred = True
        if not deferred:
            # all eager: NumPy itself
            conv = [to_numpy(x) for x in args]
            kw = kwargs
            if out is not None or "where" in kw:
                kw = dict(kwargs)
                if out is not None:
                    kw["out"] = (tuple(to_numpy(o) for o in out) if type(out) is tuple
                                 else to_numpy(out))
                if "where" in kw:
                    kw["where"] = to_numpy(kw["where"])
            r = self._npuf(*conv, **kw)
            if type(out) is tuple:
                # (an output given as None is NumPy's new array)
                return tuple(wrap_result(x) if o is None else o for o, x in zip(out, r))
            if out is not None:
                return out
            if self.nout == 1:
                return wrap_result(r)
            return tuple(wrap_result(x) for x in r)
        if self._op is not None and self.nout == 1:
            # subok only shapes the result's type (ours has one); order its
            # memory layout (_layout)
            extra = set(kwargs) - {"out", "dtype", "casting"}
            if type(kwargs.get("subok", True)) is bool:
                extra.discard("subok")
            if kwargs.get("order", "K") in ("K", "A", "C", "F"):
                extra.discard("order")
            if kwargs.get("where", True) is True:
                extra.discard("where")
            if not extra:
                try:
                    return self._launch(args, out, kwargs.get("dtype", None),
                                        kwargs.get("casting", "same_kind"), kwargs.get("order", "K"))
                except _Fallback:
                    pass
        if self._pair is not None and set(kwargs) <= {"out"}:
            try:
                return self._launch_pair(args, out)
            except _Fallback:
                pass
        return self._fallback(args, kwargs)

    def _launch_pair(self, args, out):
        """A two-output ufunc (_PAIRS) as two native launches."""
        res = []
        for resolver, opname, cast in self._pair:
            v = _part_ufunc(self.__name__, resolver, opname)._launch(args, None, None, "same_kind")
            res.append(v if cast is None else v.astype(cast))
        if out is None:
            return tuple(res)
        # outputs are written once both results exist (an output may be an
        # input: modf(x, x)); NumPy raises its own casting and shape errors
        for o, v in zip(out, res):
            if o is not None and (tuple(o.shape) != tuple(_np.shape(v))
                                  or not _np.can_cast(v.dtype, o.dtype, "same_kind")):
                raise _Fallback
        from ._manip import copyto
        for o, v in zip(out, res):
            if o is not None:
                copyto(o, v)
        return tuple(v if o is None else o for o, v in zip(out, res))

    def _fallback(self, args, kwargs):
        from ._fallback import call_numpy
        return call_numpy(self._npuf, self.__name__, args, kwargs)

    # -- native launch ----------------------------------------------------------
    def _launch(self, args, out, dtype, casting, order="K"):
        standins = []
        inputs = []      # (kind, value): 'a' core Array, 'e' numpy N-d, 's' scalar
        shapes = []
        key = [self.__name__]
        cacheable = True
        zd = None        # positions of deferred 0-d operands (NumPy 1.x)
        for x in args:
            t = type(x)
            if t is ndarray:
                a = x._arr
                if a is not None:
                    n = a.dtype_num
                    nd = a.ndim
                    dt = DTYPES[n]
                    if nd == 0 and not NUMPY2:
                        if zd is None:
                            zd = []
                        zd.append(len(standins))
                    standins.append(_standin(dt, nd))
                    inputs.append(("a", a))
                    shapes.append(a.shape)
                    key.append((n, nd > 0))
                    continue
                x = x._np
                t = type(x)
            if t in _PY_SCALARS:
                # NumPy 2 (NEP 50): the type, not the value, decides
                skey = t
            else:
                if t is not _NPND and not isinstance(x, _np.generic):
                    if isinstance(x, _MASKED):
                        # NumPy's ufunc keeps its mask (ours would drop it)
                        raise _Fallback
                    x = _np.asarray(x)
                n = dt_num(x.dtype)
                if n is None:
                    raise _Fallback
                if x.ndim != 0:
                    standins.append(_standin(DTYPES[n], x.ndim))
                    inputs.append(("e", x))
                    shapes.append(x.shape)
                    key.append((n, True))
                    continue
                skey = (n, False)
            # Python and NumPy scalars, eager 0-d arrays: their own stand-ins
            standins.append(x)
            inputs.append(("s", x))
            shapes.append(())
            if NUMPY2:
                key.append(skey)
            else:
                # NumPy 1.x value-based casting sees a scalar through
                # np.min_scalar_type(value), plus, for a non-negative
                # integer, whether it also fits the signed type of that size
                # (int8 + 127 -> int8 but int8 + 128 -> int16: both uint8)
                try:
                    m = _np.min_scalar_type(x)
                    small = m.kind == "u" and x <= (1 << (8 * m.itemsize - 1)) - 1
                    key.append((skey, m.num, small))
                except Exception:
                    cacheable = False
        # output operand
        out_arr = None
        out_np = None
        if out is not None:
            if type(out) is ndarray:
                if out._arr is not None:
                    out_arr = out._arr
                else:
                    out_np = out._np
            elif type(out) is _NPND:
                out_np = out
            else:
                raise TypeError("return arrays must be of ArrayType")
            out_shape = out.shape
            out_dt = out.dtype
            if dt_num(out_dt) is None:
                raise _Fallback
            if out_np is not None and not out_np.flags.writeable:
                raise _Fallback
        # shapes
        allshapes = shapes + [out_shape] if out is not None else shapes
        shape = broadcast_shapes(allshapes)
        if shape is None or (out is not None and shape != tuple(out_shape)):
            # NumPy raises its own message on zero-memory ghosts
            gh = []
            for (kind, v), st in zip(inputs, standins):
                if kind == "s":
                    gh.append(v)
                else:
                    gh.append(ghost(v.shape, st.dtype))
            kw = {}
            if out is not None:
                kw["out"] = ghost(out_shape, out_dt)
            with _np.errstate(all="ignore"):
                self._npuf(*gh, **kw)
            raise ValueError("operands could not be broadcast together with shapes "
                             + " ".join(str(s) for s in allshapes))
        # type resolution
        if dtype is not None:
            dtype = _np.dtype(dtype)
            key.append(dtype)
        if casting != "same_kind":
            key.append(casting)
        if out is not None:
            key.append(("out", out_dt, len(out_shape)))
        key = tuple(key)
        res = _resolve_cache.get(key) if cacheable else None
        if res is None:
            out_spec = None if out is None else (out_dt, len(out_shape))
            res = self._resolve(standins, dtype, casting, out_spec)
            if zd is not None and self._value_dependent(standins, zd, dtype, casting,
                                                        out_spec, res):
                # NumPy 1.x value-based casting depends on the value of a
                # deferred 0-d operand: wait for it
                cacheable = False
                for i in zd:
                    standins[i] = materialize(inputs[i][1])
                res = self._resolve(standins, dtype, casting, out_spec)
            if cacheable:
                _resolve_cache[key] = res
        loop_dt, res_dt = res
        op = self._op
        if op == _OP_POWER and loop_dt.kind == "i" and 0 not in shape:
            # NumPy: "Integers to negative integer powers are not allowed."
            # (an exponent array is checked too: this waits for its minimum;
            # an empty result computes nothing, so nothing raises)
            kind, v = inputs[1]
            if kind == "s":
                neg = _np.asarray(v).dtype.kind in "iu" and v < 0
            elif kind == "e":
                neg = v.dtype.kind == "i" and v.size > 0 and v.min() < 0
            else:
                neg = False
                if DTYPES[v.dtype_num].kind == "i" and v.size > 0:
                    from ._reduction import amin
                    neg = int(amin(_deferred(v))) < 0
            if neg:
                raise ValueError("Integers to negative integer powers are not allowed.")
        # inputs for _core
        cin = []
        for kind, v in inputs:
            if kind == "a":
                cin.append(v)
            elif kind == "e":
                cin.append(from_numpy_core(v))
            else:
                try:
                    cin.append(_np.asarray(v, dtype=loop_dt))
                except OverflowError:
                    if self._kind == "P":
                        raise _Fallback
                    raise
        dt_in = dt_num(loop_dt)
        dt_out = dt_num(res_dt)
        if dt_in is None or dt_out is None:
            raise _Fallback
        perm = None
        if out_arr is not None:
            target = out_arr
        else:
            # NumPy's memory order for the result (its iterator's 'K': laid
            # out as the operands are), which also lines up with their tiles
            perm = _layout.order_perm(order, shape, [v for kind, v in inputs if kind != "s"])
            target = _layout.empty(shape, dt_num(out_dt) if out_np is not None else dt_out, perm)
        if (NUMPY2 and op == _OP_POWER and loop_dt.char in "fd" and inputs[1][0] == "s"
                and _np.ndim(inputs[1][1]) == 0 and inputs[1][1] == 0.5):
            # NumPy 2's float32/64 power loop takes a scalar exponent 0.5 as
            # sqrt (-inf ** 0.5 is nan, -0.0 ** 0.5 is -0.0), under power's name
            op = _OP_SQRT
            cin = cin[:1]
        loop_target = target
        if out_arr is None and perm is not None:
            # the loop walks the result's store in its own order: every
            # operand seen through the same permutation (an elementwise
            # result does not depend on the order of the axes)
            loop_target, = _layout.store_order(perm, target)
            cin = [_layout.store_order(perm, c if tuple(c.shape) == tuple(shape) else c.broadcast_to(shape))[0]
                   if isinstance(c, _core.Array) else c for c in cin]
        fpe = _fpe.begin(self.__name__)
        try:
            _core.ewise(op, loop_target, cin, dt_in, dt_out)
        except TypeError:
            # no kernel for this (op, dtype): NumPy computes it
            _fpe.end(False)
            raise _Fallback
        _fpe.end(fpe)
        if out is not None:
            if out_np is not None:
                out_np[...] = materialize(target)
            return out
        # (NumPy returns a scalar for a 0-d result)
        return _deferred_result(target)

    def _value_dependent(self, standins, zd, dtype, casting, out_spec, res):
        for i in zd:
            for v in _extremes(standins[i].dtype):
                st = list(standins)
                st[i] = v
                try:
                    if self._resolve(st, dtype, casting, out_spec) != res:
                        return True
                except Exception:
                    return True
        return False

    def _resolve(self, standins, dtype, casting, out_spec):
        kw = {}
        if dtype is not None:
            if self._kind == "P":
                raise _Fallback
            kw["dtype"] = dtype
        if casting != "same_kind":
            kw["casting"] = casting
        with _np.errstate(all="ignore"):
            if out_spec is not None:
                # NumPy's casting check of the output (raises UFuncTypeError),
                # first: NumPy checks it before the loop runs (and raises,
                # e.g. power's negative integer exponents)
                odt, ond = out_spec
                nd = max([_np.ndim(s) for s in standins] + [ond])
                self._npuf(*standins, out=_np.empty((1,) * nd, dtype=odt), **kw)
            r = self._npuf(*standins, **kw)
            res_dt = r.dtype
        kind = self._kind
        if kind == "S":
            loop_dt = res_dt
        elif kind == "P":
            loop_dt = _np.result_type(*standins)
        else:  # A
            loop_dt = res_dt
            if res_dt.kind == "f":
                in_dt = _np.result_type(*standins)
                if in_dt.kind == "c":
                    loop_dt = in_dt
        return loop_dt, res_dt

    # -- methods -------------------------------------------------------------
    def reduce(self, array, axis=0, dtype=None, out=None, keepdims=False,
               initial=_NoValue, where=True):
        from ._reduction import ufunc_reduce
        return ufunc_reduce(self, array, axis, dtype, out, keepdims, initial, where)

    def outer(self, A, B, **kwargs):
        if self.nin != 2:
            raise ValueError("outer product only supported for binary functions")
        if not kwargs and type(A) is ndarray and type(B) is ndarray and (
                A._arr is not None or B._arr is not None):
            from ._creation import asarray
            A = asarray(A)
            B = asarray(B)
            return self(A[(Ellipsis,) + (None,) * B.ndim], B)
        if not kwargs and all(type(x) is not ndarray or x._arr is None for x in (A, B)):
            return wrap_result(self._npuf.outer(to_numpy(A), to_numpy(B)))
        from ._fallback import call_numpy
        return call_numpy(self._npuf.outer, self.__name__ + ".outer", (A, B), kwargs)

    def accumulate(self, array, axis=0, dtype=None, out=None):
        from ._scan import ufunc_accumulate
        return ufunc_accumulate(self, array, axis, dtype, out)

    def reduceat(self, *args, **kwargs):
        r = _reduceat(self, *args, **kwargs)
        if r is not None:
            return r
        from ._fallback import call_numpy
        return call_numpy(self._npuf.reduceat, self.__name__ + ".reduceat",
                          args, kwargs)

    def at(self, *args, **kwargs):
        if not kwargs and len(args) in (2, 3):
            from ._ufunc_at import ufunc_at
            if ufunc_at(self, *args):
                return None
        from ._fallback import call_numpy
        return call_numpy(self._npuf.at, self.__name__ + ".at", args, kwargs,
                          mutates_first=True)

    def resolve_dtypes(self, *args, **kwargs):
        return self._npuf.resolve_dtypes(*args, **kwargs)


# the most segments a reduceat takes natively (a reduce per segment)
_REDUCEAT_MAX = 256


def _reduceat(uf, array, indices, axis=0, dtype=None, out=None):
    """ufunc.reduceat of a deferred array with at most _REDUCEAT_MAX
    indices: a native reduce of each segment [i_k, i_k+1) along axis, the
    element at i_k where the next index is not larger (NumPy's rule),
    concatenated; NumPy's result dtype and IndexError.  None where this
    does not apply (the caller takes NumPy's)."""
    from ._array import ndarray, to_numpy, wrap_result
    from ._dtypes import normalize_axis_index
    from ._manip import concatenate
    if type(array) is ndarray and array._arr is None and out is None:  # host data: NumPy's own
        return wrap_result(uf._npuf.reduceat(array._np, to_numpy(indices) if type(indices) is ndarray
                                             else indices, axis=axis, dtype=dtype))
    if type(array) is not ndarray or array._arr is None or array.ndim == 0 or uf._redop is None:
        return None
    idx = _np.asarray(to_numpy(indices) if type(indices) is ndarray else indices)
    if idx.ndim != 1 or idx.dtype.kind not in "iu" or idx.shape[0] == 0:
        return None
    if idx.shape[0] > _REDUCEAT_MAX and _reduceat_pad(uf, array.dtype) is None:
        return None
    try:  # NumPy's result dtype and argument errors, on one element
        res_dt = uf._npuf.reduceat(_np.zeros((1,) * array.ndim, array.dtype), [0], axis=axis,
                                   dtype=dtype).dtype
    except Exception:
        return None
    if not uf._redop_seeded:
        from ._reduction import _numpy_folds_in_order
        if not _numpy_folds_in_order(uf._npuf, res_dt):
            return None
    ax = normalize_axis_index(axis, array.ndim)
    n = array.shape[ax]
    bad = idx[(idx < 0) | (idx >= n)]
    if bad.size:
        raise IndexError("index %d out-of-bounds in %s.reduceat [0, %d)" % (bad[0], uf.__name__, n))
    if idx.shape[0] > _REDUCEAT_MAX:
        r = _reduceat_padded(uf, array, idx.astype(_np.int64), ax, res_dt)
        if r is None:
            return None
        if out is not None:
            from ._manip import copyto
            copyto(out, r)
            return out
        return r
    pieces = []
    head = (slice(None),) * ax
    for k, start in enumerate(idx.tolist()):
        stop = idx[k + 1] if k + 1 < idx.shape[0] else n
        if start < stop:
            pieces.append(uf.reduce(array[head + (slice(start, stop),)], axis=ax, dtype=res_dt, keepdims=True))
        else:
            pieces.append(array[head + (slice(start, start + 1),)].astype(res_dt))
    r = concatenate(pieces, axis=ax)
    if out is not None:
        from ._manip import copyto
        copyto(out, r)
        return out
    return r


# a padded reduceat gathers at most this many times the reduced axis (and at
# least this many elements may always be gathered)
_REDUCEAT_PAD_FACTOR = 4
_REDUCEAT_PAD_MIN = 1 << 20


def _reduceat_pad(uf, dt):
    """The value that leaves a segment's reduce unchanged when appended to
    it (a ufunc with an identity: add's is -0.0 for floats, so a segment of
    -0.0 stays -0.0; maximum/minimum the dtype's extremes), or None."""
    if not uf._redop_seeded:
        return None
    name = uf.__name__
    if name == "add":
        return _np.array(-0.0 if dt.kind in "fc" else 0).astype(dt)
    if name in ("maximum", "minimum"):
        if dt.kind == "c":
            return None  # no least complex value that NumPy's order keeps
        if dt.kind == "f":
            return _np.array(-_np.inf if name == "maximum" else _np.inf, dtype=dt)
        if dt.kind == "b":
            return _np.array(name == "minimum")
        return _extremes(dt)[0 if name == "maximum" else -1]
    ident = uf._npuf.identity
    if ident is None:
        return None
    with _np.errstate(all="ignore"):
        return _np.array(ident).astype(dt)


def _reduceat_padded(uf, array, idx, ax, res_dt):
    """reduceat with many segments in one native reduce: segment k, the
    elements [i_k, i_k+1) along axis ax (one element where the next index
    is not larger), gathered into row k of an (nseg, L) block padded with
    _reduceat_pad to the longest segment's length L, then reduced along L.
    None when the block would exceed _REDUCEAT_PAD_FACTOR times the axis
    (a few long segments among many short ones): NumPy's."""
    from ._creation import arange, asarray
    from ._indexfuncs import take
    from ._linalg import where
    n = array.shape[ax]
    nseg = idx.shape[0]
    stops = _np.append(idx[1:], n)
    lens = _np.maximum(stops - idx, 1)
    L = int(lens.max())
    if nseg * L > max(_REDUCEAT_PAD_FACTOR * n, _REDUCEAT_PAD_MIN):
        return None
    pad = _reduceat_pad(uf, array.dtype)
    j = arange(L, dtype=_np.int64)
    gidx = minimum(asarray(idx)[:, None] + j, n - 1)
    mask = j < asarray(lens)[:, None]
    g = take(array, gidx.reshape(-1), axis=ax)
    g = g.reshape(array.shape[:ax] + (nseg, L) + array.shape[ax + 1:])
    mask = mask.reshape((nseg, L) + (1,) * (array.ndim - ax - 1))
    return uf.reduce(where(mask, g, pad), axis=ax + 1, dtype=res_dt)


_extremes_cache = {}


def _extremes(dt):
    r = _extremes_cache.get(dt)
    if r is None:
        if dt.kind == "b":
            vals = [True]
        elif dt.kind in "iu":
            ii = _np.iinfo(dt)
            vals = [ii.min, ii.max]
        elif dt.kind == "f":
            fi = _np.finfo(dt)
            vals = [fi.min, fi.max]
        else:
            fi = _np.finfo(dt)
            vals = [complex(fi.max, fi.max), complex(fi.min, fi.min)]
        r = [_np.asarray(v, dtype=dt) for v in vals]
        _extremes_cache[dt] = r
    return r


# NumPy's two-output ufuncs, as a catalogue op per output: (the NumPy ufunc
# whose type resolution the output follows, the op when not that ufunc's,
# the dtype the output is cast to)
_PAIRS = {
    "divmod": (("floor_divide", None, None), ("remainder", None, None)),
    "modf": (("trunc", "MODF_FRAC", None), ("trunc", None, None)),
    "frexp": (("trunc", "FREXP_MANT", None), ("trunc", "FREXP_EXP", _np.dtype(_np.int32))),
}
_parts = {}


def _part_ufunc(name, resolver, opname):
    """A single-output ufunc computing one output of two-output ufunc
    `name`: `resolver`'s type resolution, op `opname` (else resolver's
    own), floating-point errors reported under `name` as NumPy does."""
    key = (name, resolver, opname)
    u = _parts.get(key)
    if u is None:
        u = ufunc(getattr(_np, resolver))
        if opname is not None:
            u._op = getattr(_core, "OP_" + opname)
            u._kind = "S"
        u.__name__ = name
        _parts[key] = u
    return u


def _NPUFUNC_OK(npuf):
    # only NumPy's own ufuncs are native (scipy.special has its own 'exp2'...)
    return getattr(_np, npuf.__name__, None) is npuf


_OP_POWER = _core.OP_POWER
_OP_SQRT = _core.OP_SQRT

_ufuncs = {}


def get_ufunc(npuf):
    """Our ufunc object for NumPy's ufunc `npuf` (created on demand)."""
    u = _ufuncs.get(npuf)
    if u is None:
        u = ufunc(npuf)
        _ufuncs[npuf] = u
    return u


def array_ufunc(npuf, method, inputs, kwargs):
    """ndarray.__array_ufunc__: NumPy ufuncs called on our arrays."""
    u = get_ufunc(npuf)
    if "out" in kwargs:
        out = kwargs["out"]
        if type(out) is tuple:
            if all(o is None for o in out):
                kwargs = dict(kwargs)
                del kwargs["out"]
            elif len(out) == 1:
                kwargs = dict(kwargs)
                kwargs["out"] = out[0]
    if method == "__call__":
        return u(*inputs, **kwargs)
    if method == "reduce":
        return u.reduce(*inputs, **kwargs)
    f = getattr(u, method, None)
    if f is None:
        return NotImplemented
    return f(*inputs, **kwargs)


# ---------------------------------------------------------------------------
# the ufunc objects
# ---------------------------------------------------------------------------

_g = globals()
for _name in list(_NATIVE):
    _g[_name] = get_ufunc(getattr(_np, _name))
true_divide = divide      # noqa: F821
mod = remainder           # noqa: F821
abs = absolute            # noqa: F821,A001
conj = conjugate          # noqa: F821
bitwise_not = invert      # noqa: F821

UFUNC_NAMES = list(_NATIVE) + ["true_divide", "mod", "abs", "conj", "bitwise_not"]


# ---------------------------------------------------------------------------
# operators of ndarray (eager fast paths inline)
# ---------------------------------------------------------------------------

def _make_binop(npop, uf):
    def op(self, other):
        a = self._np
        if a is not None:
            if type(other) is ndarray:
                b = other._np
                if b is None:
                    return uf(self, other)
                r = npop(a, b)
            else:
                r = npop(a, other)
            # (wrap_result inlined: this is the hot path of small programs)
            if type(r) is _NPND and r.size < _EMAX:
                o = _new(ndarray)
                o._np = r
                o._arr = None
                return o
            return wrap_result(r)
        return uf(self, other)
    return op


def _make_cmpop(npop, uf):
    def op(self, other):
        a = self._np
        if a is not None:
            if type(other) is ndarray:
                b = other._np
                if b is not None:
                    return wrap_result(npop(a, b))
            else:
                return wrap_result(npop(a, other))
        try:
            return uf(self, other)
        except TypeError:
            if type(other) is ndarray:
                raise
            # NumPy's operator semantics for objects it cannot compare
            return wrap_result(npop(self._value(), other))
        except ValueError:
            # shapes that do not broadcast: NumPy 1.x's == and != answer
            # False (with a warning), 2.x raises; asked of NumPy on
            # zero-memory stand-ins of the same shapes
            r = npop(_ghost_of(self), _ghost_of(other))
            if type(r) is _NPND:
                raise
            return r
    return op


def _ghost_of(x):
    """A zero-memory stand-in of an array operand (others unchanged)."""
    if type(x) is ndarray or type(x) is _NPND:
        return ghost(x.shape, x.dtype)
    if isinstance(x, (list, tuple)):
        x = _np.asarray(x)
        return ghost(x.shape, x.dtype)
    return x


def _make_rbinop(npop, uf):
    def op(self, other):
        a = self._np
        if a is not None:
            r = npop(other, a)
            if type(r) is _NPND and r.size < _EMAX:
                o = _new(ndarray)
                o._np = r
                o._arr = None
                return o
            return wrap_result(r)
        return uf(other, self)
    return op


def _make_ibinop(npiop, uf):
    def op(self, other):
        a = self._np
        if a is not None:
            t = type(other)
            if t is ndarray:
                b = other._np
                if b is not None:
                    npiop(a, b)
                    return self
            elif t is float or t is int:
                npiop(a, other)
                return self
        elif self._scalar and self._arr.ndim == 0:
            # a deferred stand-in for a NumPy scalar (a[i], a.sum(), x + 1):
            # NumPy scalars are immutable, so `x += y` binds x to the new
            # value x + y, promoted as NumPy promotes scalars (its dtype may
            # differ from x's; `a[i] += y` then casts it back on assignment)
            return uf(self, other)
        uf(self, other, out=self)
        return self
    return op


def _make_unop(npop, uf):
    def op(self):
        a = self._np
        if a is not None:
            return wrap_result(npop(a))
        return uf(self)
    return op


for _dn, _opf, _iopf, _uf in (
    ("add", _opm.add, _opm.iadd, add),                                # noqa: F821
    ("sub", _opm.sub, _opm.isub, subtract),                           # noqa: F821
    ("mul", _opm.mul, _opm.imul, multiply),                           # noqa: F821
    ("truediv", _opm.truediv, _opm.itruediv, divide),            # noqa: F821
    ("floordiv", _opm.floordiv, _opm.ifloordiv, floor_divide),        # noqa: F821
    ("mod", _opm.mod, _opm.imod, remainder),                          # noqa: F821
    ("and", _opm.and_, _opm.iand, bitwise_and),                       # noqa: F821
    ("or", _opm.or_, _opm.ior, bitwise_or),                           # noqa: F821
    ("xor", _opm.xor, _opm.ixor, bitwise_xor),                        # noqa: F821
    ("lshift", _opm.lshift, _opm.ilshift, left_shift),                # noqa: F821
    ("rshift", _opm.rshift, _opm.irshift, right_shift),               # noqa: F821
):
    # the eager fast path in C, these Python methods for the rest (_array.py)
    setattr(ndarray, "__%s__" % _dn, _core.eager_op(0, _opf, _make_binop(_opf, _uf)))
    setattr(ndarray, "__r%s__" % _dn, _core.eager_op(1, _opf, _make_rbinop(_opf, _uf)))
    setattr(ndarray, "__i%s__" % _dn, _make_ibinop(_iopf, _uf))

for _dn, _opf, _uf in (
    ("eq", _opm.eq, equal), ("ne", _opm.ne, not_equal),               # noqa: F821
    ("lt", _opm.lt, less), ("le", _opm.le, less_equal),               # noqa: F821
    ("gt", _opm.gt, greater), ("ge", _opm.ge, greater_equal),         # noqa: F821
):
    setattr(ndarray, "__%s__" % _dn, _make_cmpop(_opf, _uf))

for _dn, _opf, _uf in (
    ("neg", _opm.neg, negative), ("pos", _opm.pos, positive),         # noqa: F821
    ("abs", _opm.abs, absolute), ("invert", _opm.invert, invert),     # noqa: F821
):
    setattr(ndarray, "__%s__" % _dn, _make_unop(_opf, _uf))


def _pos(self):
    a = self._np
    if a is not None:
        return wrap_result(+a)
    try:
        return positive(self)                                         # noqa: F821
    except TypeError:
        # NumPy 1.x: '+' of a bool array warns (DeprecationWarning) and
        # returns a copy; NumPy does the same on a stand-in (or raises)
        _opm.pos(_standin(self.dtype, self.ndim))
        return self.copy()


ndarray.__pos__ = _pos


def _fast_power(a, e, inplace):
    """NumPy's fast_scalar_power for the ** operator on a deferred array
    (its result, None where it does not apply).  NumPy 2: an exact Python
    int 2 (square, any numeric array), -1 or float 0.5 (reciprocal, sqrt:
    float and complex arrays).  NumPy 1.x: any integer or float scalar or 0-d array;
    float/complex arrays take positive, reciprocal, ones, sqrt and square
    for 1, -1, 0, 0.5 and 2; other arrays square for 2, in place in their
    own dtype, else in float64 for a float exponent.  It shows: sqrt's
    -inf ** 0.5 is nan where pow gives inf, and NumPy 1.x's
    int8_array **= 2.0 squares in place where power refuses the cast."""
    k = _np.dtype(a.dtype).kind
    if NUMPY2:
        t = type(e)
        if t is int and e == 2 and k in "biufc":
            op = square                                                      # noqa: F821
        elif k in "fc" and ((t is int and e == -1) or (t is float and e == 0.5)):
            op = reciprocal if t is int else sqrt                            # noqa: F821
        else:
            return None
        return op(a, out=a) if inplace else op(a)
    if isinstance(e, (bool, int, _np.integer)):
        if not -2 ** 63 <= int(e) < 2 ** 63:
            return None
        x, fk = float(e), "i"
    elif isinstance(e, (float, _np.floating)):
        x, fk = float(e), "f"
    elif isinstance(e, (ndarray, _NPND)) and e.ndim == 0 and _np.dtype(e.dtype).kind in "iuf":
        x, fk = float(e), ("f" if _np.dtype(e.dtype).kind == "f" else "i")
    else:
        return None
    if k in "fc":
        if x == 0.0:
            from ._creation import empty
            r = a if inplace else empty(a.shape, a.dtype)
            r[...] = 1
            return r
        op = {1.0: positive, -1.0: reciprocal, 0.5: sqrt, 2.0: square}.get(x)  # noqa: F821
        if op is None:
            return None
        return op(a, out=a) if inplace else op(a)
    if x != 2.0 or k not in "iub":
        return None
    if inplace:
        return square(a, out=a)                                             # noqa: F821
    return square(a.astype(_np.float64) if fk == "f" and k != "b" else a)  # noqa: F821


def _pow(self, other, mod=None):
    if mod is not None:
        from ._fallback import call_numpy
        return call_numpy(pow, "pow", (self, other, mod), {})
    a = self._np
    if a is not None:
        t = type(other)
        if t is ndarray:
            b = other._np
            if b is not None:
                return wrap_result(a ** b)
        elif t is float or t is int:
            return wrap_result(a ** other)
    elif not self._scalar:
        r = _fast_power(self, other, False)
        if r is not None:
            return r
    return power(self, other)                                         # noqa: F821


def _rpow(self, other, mod=None):
    if mod is not None:
        from ._fallback import call_numpy
        return call_numpy(pow, "pow", (other, self, mod), {})
    return power(other, self)                                         # noqa: F821


ndarray.__pow__ = _pow
ndarray.__rpow__ = _rpow
_ipow_generic = _make_ibinop(_opm.ipow, power)                        # noqa: F821


def _ipow(self, other):
    if self._np is None and not self._scalar:
        r = _fast_power(self, other, True)
        if r is not None:
            return self
    return _ipow_generic(self, other)


ndarray.__ipow__ = _ipow


def _divmod(self, other):
    return floor_divide(self, other), remainder(self, other)         # noqa: F821


def _rdivmod(self, other):
    return floor_divide(other, self), remainder(other, self)         # noqa: F821


ndarray.__divmod__ = _divmod
ndarray.__rdivmod__ = _rdivmod


def _matmul(self, other):
    from ._linalg import matmul
    return matmul(self, other)


def _rmatmul(self, other):
    from ._linalg import matmul
    return matmul(other, self)


def _numpy_imatmul():
    """Whether NumPy has in-place matmul (1.25+; before, ``@=`` raised)."""
    x = _np.zeros((1, 1))
    try:
        x @= x
    except TypeError:
        return False
    return True


_IMATMUL = _numpy_imatmul()


def _imatmul(self, other):
    if not _IMATMUL:
        raise TypeError("In-place matrix multiplication is not (yet) supported. "
                        "Use 'a = a @ b' instead of 'a @= b'.")
    from ._linalg import matmul
    return matmul(self, other, out=self)


ndarray.__matmul__ = _matmul
ndarray.__rmatmul__ = _rmatmul
ndarray.__imatmul__ = _imatmul
