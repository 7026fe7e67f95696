"""What legate.numpy runs natively, against NumPy's namespace.

    python3 -m legate.numpy.coverage [--list] [--markdown]

Every public function of ``numpy``, ``numpy.linalg``, ``numpy.fft``,
``numpy.random`` and every public method/attribute of ``numpy.ndarray`` is
classed as

* native: implemented by legate.numpy (tasks on tiles for deferred arrays;
  for functions served by NumPy's own Python code rebound to legate.numpy,
  ``_numpy_impl.py``, the operations that code calls);
* fallback: runs NumPy on a host copy (with a once-per-name warning).

Ufuncs are native when the op catalogue has their loop.  Constants, types and
submodules other than the four above are not counted."""

import sys
import types

import numpy as _np


def _public(mod):
    names = getattr(mod, "__all__", None) or dir(mod)
    return sorted(n for n in names if not n.startswith("_"))


def _is_function(v):
    return (isinstance(v, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, _np.ufunc))
            or type(v).__name__ in ("_ArrayFunctionDispatcher", "ufunc"))


def _native_value(v):
    """Whether legate.numpy's object v is its own implementation."""
    from ._ufunc import ufunc
    if isinstance(v, ufunc):
        return v._op is not None or v._pair is not None
    if getattr(v, "_legate_fallback", False):
        return False
    mod = getattr(v, "__module__", "") or ""
    if isinstance(v, types.MethodType):
        mod = getattr(v.__func__, "__module__", "") or ""
    return mod.startswith("legate.numpy")


def _classify_module(npmod, lmod):
    rows = []
    for name in _public(npmod):
        v = getattr(npmod, name, None)
        if v is None or isinstance(v, (type, types.ModuleType)) or not _is_function(v):
            continue
        try:
            lv = getattr(lmod, name)
        except Exception:
            rows.append((name, False))
            continue
        rows.append((name, _native_value(lv)))
    return rows


def _classify_ndarray():
    from ._array import ndarray
    rows = []
    own = {}
    for klass in ndarray.__mro__:
        if klass is object:
            continue
        own.update({k: v for k, v in vars(klass).items() if k not in own})
    for name in dir(_np.ndarray):
        if name.startswith("_"):
            continue
        rows.append((name, name in own))
    return rows


def report():
    """{section: [(name, native)]} for numpy, ndarray, linalg, fft, random."""
    import legate.numpy as lnp
    return {
        "numpy": _classify_module(_np, lnp),
        "ndarray": _classify_ndarray(),
        "linalg": _classify_module(_np.linalg, lnp.linalg),
        "fft": _classify_module(_np.fft, lnp.fft),
        "random": _classify_module(_np.random, lnp.random),
    }


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    rep = report()
    md = "--markdown" in argv
    if md:
        print("| namespace | native | fallback | total |")
        print("|---|---:|---:|---:|")
    for sec, rows in rep.items():
        n = sum(1 for _, ok in rows if ok)
        if md:
            print(f"| `{sec}` | {n} | {len(rows) - n} | {len(rows)} |")
        else:
            print(f"{sec:8s} native {n:4d} / {len(rows):4d}")
        if "--list" in argv:
            for name, ok in rows:
                print(f"    {'native  ' if ok else 'fallback'} {name}")
    total = sum(len(r) for r in rep.values())
    nat = sum(1 for r in rep.values() for _, ok in r if ok)
    if not md:
        print(f"{'all':8s} native {nat:4d} / {total:4d} (NumPy {_np.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

