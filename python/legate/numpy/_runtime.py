"""Runtime start-up of legate.numpy: imports the C extension ``_core``, starts
StarPU from the environment, registers the shutdown, and holds the settings
the rest of the package reads (eager threshold, test mode) plus the
once-per-name fallback warning."""

import atexit
import os
import sys
import warnings

try:
    from . import _core as core
except ImportError as exc:  # pragma: no cover - depends on the build
    raise ImportError(
        "legate.numpy: the C extension legate.numpy._core could not be "
        "imported (%s). Build it first: `cmake -S . -B build && cmake --build "
        "build` in the repository root, which places _core*.so in "
        "python/legate/numpy/." % (exc,)
    ) from exc


def _env_int(name, default):
    v = os.environ.get(name, "")
    if v.strip() == "":
        return default
    try:
        return int(v)
    except ValueError:
        raise RuntimeError("legate.numpy: %s must be an integer, got %r" % (name, v))


TEST_MODE = os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")
VERBOSE = os.environ.get("LEGATE_NUMPY_VERBOSE", "") == "1"
TILE_ELEMS = _env_int("LEGATE_NUMPY_TILE_ELEMS", 0)

# Arrays with fewer elements than EAGER_MAX live in a NumPy array and their
# operations run inline through NumPy.  Test mode turns this off.
EAGER_MAX = 0 if TEST_MODE else max(0, _env_int("LEGATE_NUMPY_EAGER_MAX", 65536))

core.init(test_mode=TEST_MODE, verbose=VERBOSE, tile_elems=TILE_ELEMS)
# before any task runs: the CPU workers read the loop table unlocked
__import__("legate.numpy._numpy_loops", fromlist=["install"]).install(core)


# called after the runtime stopped (every task has ended), e.g. _fpe's
# report of the last tasks' floating-point status
AFTER_SHUTDOWN = []


def _shutdown(collect=__import__("gc").collect, shutdown=core.shutdown):
    # Python collects the program's garbage cycles only after the atexit
    # handlers: they run here first, while every thread may still compute.
    # A single process keeps the runtime for the module teardown after this
    # (core.shutdown waits for every task and thread, StarPU stops from a
    # C-level Py_AtExit: runtime.c), where what the program's globals held
    # is destroyed; under MPI it stops here.
    collect()
    shutdown()
    for fn in AFTER_SHUTDOWN:
        fn()
    from . import _teardown
    _teardown.at_exit()


atexit.register(_shutdown)

_cfg = core.config()
RANK = _cfg["rank"]
NRANKS = _cfg["nranks"]
# Every rank runs the program (SPMD) and knows every value it prints; the
# output appears once, from rank 0.  Errors still go to every rank's stderr.
if NRANKS > 1 and RANK != 0 and os.environ.get("LEGATE_NUMPY_PRINT_ALL_RANKS", "") in ("", "0"):
    sys.stdout = open(os.devnull, "w")


_warned = set()


def warn_fallback(name, stacklevel=None):
    """Warn once per `name` that it runs through NumPy (the warning points at
    the first caller outside legate.numpy and NumPy)."""
    if name in _warned:
        return
    _warned.add(name)
    level = 1
    f = sys._getframe(0)
    while f is not None:
        mod = f.f_globals.get("__name__", "") or ""
        if not (mod.startswith("legate.numpy") or mod == "numpy"
                or mod.startswith("numpy.")):
            break
        f = f.f_back
        level += 1
    warnings.warn(
        "legate.numpy: %s is not implemented natively; falling back to NumPy" % name,
        RuntimeWarning,
        stacklevel=level,
    )
