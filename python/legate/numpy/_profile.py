"""Profiling support: task labels, source sites and phases in the trace.

When StarPU records an FxT trace (``bin/legate --profile DIR``, or
STARPU_FXT_PREFIX / STARPU_FXT_TRACE=1 set by hand) this module installs a
label hook in the C core (numpy/profile.h).  At the start of every operation
the core asks it for the operation's label:

* the task name: the NumPy function the user called (``sum``, ``matmul``,
  ``setitem``, ``add`` for ``a + b`` ...), found on the Python stack as the
  outermost legate.numpy frame with a public name;
* a site id: the user's source line (file, line, function) plus the current
  ``profile_region`` path.  Tasks carry the id as their StarPU tag (``Tag``
  in tasks.rec and paje.trace); the table of sites is written into the trace
  itself as program events ``lnp-site|id|name|kernel|file|line|function|region``
  (fields percent-encoded), so one trace file holds everything.

Without a trace none of this runs: ``profile_region`` is then a no-op and
operations cost what they did before.

Events this module writes (all strings, paje ``prog_event``):
  lnp-site|...                a new site (above)
  lnp-region-begin|path       a profile_region was entered (path a/b/c)
  lnp-region-end|path         ... and left
  lnp-counts|cpu=N|cuda=M     tasks legate.numpy's codelets ran in this
                              process, written at exit (the trace's own count
                              is checked against it)
  lnp-rank|r|n                this process's rank and the number of ranks
"""

import atexit
import contextlib
import os
import re
import sys
import types
from urllib.parse import quote as _quote

from ._runtime import core

__all__ = ["profile_region", "tracing"]

_PKG_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
try:
    import numpy as _numpy
    _NP_DIR = os.path.dirname(os.path.abspath(_numpy.__file__)) + os.sep
except Exception:  # pragma: no cover
    _NP_DIR = _PKG_DIR

# names of NumPy's operators' special methods -> the ufunc NumPy calls
_DUNDER = {
    "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "true_divide",
    "floordiv": "floor_divide", "mod": "remainder", "pow": "power",
    "matmul": "matmul", "and": "bitwise_and", "or": "bitwise_or",
    "xor": "bitwise_xor", "lshift": "left_shift", "rshift": "right_shift",
    "neg": "negative", "pos": "positive", "abs": "absolute",
    "invert": "invert", "eq": "equal", "ne": "not_equal", "lt": "less",
    "le": "less_equal", "gt": "greater", "ge": "greater_equal",
    "getitem": "getitem", "setitem": "setitem", "divmod": "divmod",
    "copy": "copy", "deepcopy": "copy", "round": "round",
}
# frames that name nothing: operator closures, wrappers, comprehensions
_ANONYMOUS = frozenset(("op", "wrapper", "method", "<lambda>", "<genexpr>",
                        "<listcomp>", "<dictcomp>", "<setcomp>", "<module>"))
_UFUNC_METHODS = frozenset(("reduce", "accumulate", "outer", "at", "reduceat"))
_SAFE = "/._-:<>,=+@~()[]"
_BAD_NAME = re.compile(r"[^A-Za-z0-9_.]")

_ufunc_type = None
_sites = {}
_next_site = 1
_calls = {}            # (name, file, line, function, region) -> call id
_regions = []          # the current profile_region path, outermost first
_region_path = ""
_active = False


def tracing():
    """True while this process records an FxT trace (labels are on)."""
    return _active


def _ufunc_class():
    global _ufunc_type
    if _ufunc_type is None:
        from ._ufunc import ufunc
        _ufunc_type = ufunc
    return _ufunc_type


def _frame_name(f):
    """The NumPy name an operation frame stands for, or None."""
    n = f.f_code.co_name
    if n == "__call__" or n in _UFUNC_METHODS:
        self = f.f_locals.get("self")
        if isinstance(self, _ufunc_class()):
            return self.__name__ if n == "__call__" else self.__name__ + "." + n
        return None
    if n == "call_numpy":
        name = f.f_locals.get("name")
        return name if isinstance(name, str) else None
    if n == "__array_function__":
        func = f.f_locals.get("func")
        return getattr(func, "__name__", None)
    if n == "__array_ufunc__":
        uf = f.f_locals.get("ufunc")
        meth = f.f_locals.get("method", "__call__")
        name = getattr(uf, "__name__", None)
        if name and meth != "__call__":
            name += "." + str(meth)
        return name
    if n.startswith("__") and n.endswith("__"):
        core_name = n[2:-2]
        if core_name in _DUNDER:
            return _DUNDER[core_name]
        if core_name[:1] in ("i", "r") and core_name[1:] in _DUNDER:
            return _DUNDER[core_name[1:]]
        return None
    if n.startswith("_") or n in _ANONYMOUS:
        return None
    return n


def _enc(v):
    return _quote(str(v), safe=_SAFE)


def _label(kernel):
    """The C core's label hook: (task name, site id, call id) of the
    operation being submitted, whose tasks run `kernel`.  Operations of one
    Python-level call (same name, line and region) share the call id."""
    global _next_site
    f = sys._getframe(1)
    lib = []
    while f is not None:
        fn = f.f_code.co_filename
        if fn.startswith(_PKG_DIR) or fn.startswith(_NP_DIR) or fn.startswith("<frozen"):
            lib.append(f)
            f = f.f_back
        else:
            break
    name = None
    for lf in reversed(lib):
        name = _frame_name(lf)
        if name:
            break
    if not name:
        name = kernel
    name = _BAD_NAME.sub("_", name)[:64]
    if f is None:
        file, line, func = "", 0, ""
    else:
        file, line, func = f.f_code.co_filename, f.f_lineno or 0, f.f_code.co_name
    call_key = (name, file, line, func, _region_path)
    call = _calls.get(call_key)
    if call is None:
        call = _calls[call_key] = len(_calls) + 1
    key = (name, kernel, file, line, func, _region_path)
    sid = _sites.get(key)
    if sid is None:
        sid = _next_site
        _next_site += 1
        _sites[key] = sid
        core.profile_event("lnp-site|%d|%s|%s|%s|%d|%s|%s" % (
            sid, _enc(name), _enc(kernel), _enc(file[-400:]), line, _enc(func),
            _enc(_region_path[-400:])))
    return name, sid, call


class profile_region(contextlib.ContextDecorator):
    """Marks a phase of the program in the trace::

        with np.profile_region("pressure solve"):
            ...

    or as a decorator, ``@np.profile_region("step")``.  Regions nest (the
    trace records the path ``outer/inner``).  The HTML timeline shows each
    region as a band over the time the program spent inside it, and every
    task submitted inside it carries the region in its details; the summary
    totals task time per region.  Without a trace it does nothing."""

    def __init__(self, name):
        self.name = str(name).replace("/", "_")

    def __enter__(self):
        global _region_path
        if _active:
            _regions.append(self.name)
            _region_path = "/".join(_regions)
            core.profile_event("lnp-region-begin|" + _enc(_region_path))
        return self

    def __exit__(self, *exc):
        global _region_path
        if _active and _regions:
            core.profile_event("lnp-region-end|" + _enc(_region_path))
            _regions.pop()
            _region_path = "/".join(_regions)
        return False


def _at_exit():
    """Record how many tasks our codelets ran (before the runtime stops)."""
    try:
        counts = core.task_counts()
    except Exception:  # the runtime may already be down
        return
    core.profile_event("lnp-counts|cpu=%d|cuda=%d" % (counts.get("cpu", 0), counts.get("cuda", 0)))


def _name_functions():
    """Functions made by a factory (``sum = _reduction("add", ...)`` defines
    ``def f``) get their public name as their code's name, which is what
    the stack shows (only while tracing)."""
    for modname, mod in list(sys.modules.items()):
        if mod is None or not (modname == "legate.numpy" or modname.startswith("legate.numpy.")):
            continue
        for attr, fn in list(vars(mod).items()):
            if type(fn) is not types.FunctionType or attr.startswith("_"):
                continue
            co = fn.__code__
            if co.co_name not in _ANONYMOUS and len(co.co_name) > 1:
                continue
            want = fn.__name__
            if want in _ANONYMOUS or len(want) <= 1 or want.startswith("_"):
                want = attr
            try:
                fn.__code__ = co.replace(co_name=want)
            except (TypeError, ValueError):  # pragma: no cover
                pass


def _start():
    global _active
    if _active or not core.profile_tracing():
        return
    _active = True
    _name_functions()
    cfg = core.config()
    core.profile_event("lnp-rank|%d|%d" % (cfg.get("rank", 0), cfg.get("nranks", 1)))
    core.profile_set_hook(_label)
    # registered after _runtime's core.shutdown, so it runs before it
    atexit.register(_at_exit)


_start()
