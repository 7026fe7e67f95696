"""Shared helpers for the legate.numpy pytest suites.

Every test computes the expected answer with the installed NumPy and compares
legate.numpy's answer against it (dtype, shape and values; exception class
where NumPy raises).

Switches (environment variables):

* ``LNP_TESTS_AGAINST_NUMPY=1``: ``lnp`` *is* plain NumPy.  Used to check that
  the tests themselves are right; legate-specific tests (returned type is a
  legate ndarray, fallback warnings, schedulers) are skipped.
* ``LEGATE_NUMPY_TEST=1`` is read by the library (eager path off, tiles of ~3
  elements per dimension); the tests do not depend on it.

Helpers (import them with ``from conftest import ...``):

* ``check(got, expected, approx=False, rtol=None)``
* ``both(fn, *args, approx=False)``: runs ``fn(np, *args)`` and
  ``fn(lnp, *converted_args)``, compares results or exception classes.
* ``values(dtype, shape, kind)``: deterministic small values per dtype.
* ``ALL_DTYPES`` (14 dtypes), ``dtype_id``.
"""

import contextlib
import math
import os
import re
import sys
import tempfile
import warnings

# keep Hypothesis' example/constants cache out of the repository
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY",
    os.path.join(tempfile.gettempdir(), "legate-numpy-tests-hypothesis"),
)

import numpy as np
import pytest

AGAINST_NUMPY = os.environ.get("LNP_TESTS_AGAINST_NUMPY", "") not in ("", "0")

if AGAINST_NUMPY:
    lnp = np
else:
    import legate.numpy as lnp  # noqa: E402

NUMPY2 = int(np.__version__.split(".")[0]) >= 2

try:  # NumPy 1.x
    AxisError = np.AxisError
except AttributeError:  # NumPy >= 2.0 removed the top-level alias
    from numpy.exceptions import AxisError  # noqa: F401

try:
    ComplexWarning = np.exceptions.ComplexWarning
except AttributeError:
    ComplexWarning = np.ComplexWarning

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
if AGAINST_NUMPY:
    PYTHON_DIR = os.path.join(REPO, "python")
else:  # the directory holding the imported legate/ package (source or build tree)
    PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(lnp.__file__))))

# Under several ranks, Python's cyclic GC runs at a different pace on each
# rank, as it does in real programs (rank 0 prints pytest's report), so the
# suite also checks that arrays freed in rank-dependent orders (tile pool,
# numpy/tile_pool.c; tags, numpy/distributed.c; layout decisions,
# lnp_store_tiles_shared in numpy/store.c) keep the ranks' messages matched:
# a mismatch hangs the run (in test mode: the SPMD check's RuntimeError).
if not AGAINST_NUMPY:
    import gc
    from legate.numpy import _core as _lnp_core
    _cfg = _lnp_core.config()
    if _cfg.get("nranks", 1) > 1:
        gc.set_threshold(50 + 400 * _cfg["rank"], 5, 5)
    NRANKS = _cfg.get("nranks", 1)
else:
    NRANKS = 1

@contextlib.contextmanager
def fp_warns(match):
    """pytest.warns(RuntimeWarning, match=match) for a floating-point
    warning of deferred work. Under several ranks a rank warns only for the
    tasks it ran (docs/design.md, "MPI" under floating-point errors), so
    there the warning may be missing, but no other RuntimeWarning may come."""
    if NRANKS == 1:
        with pytest.warns(RuntimeWarning, match=match):
            yield
        return
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        yield
    for w in rec:
        if issubclass(w.category, RuntimeWarning):
            assert re.search(match, str(w.message)), str(w.message)


legate_only = pytest.mark.skipif(
    AGAINST_NUMPY, reason="checks legate.numpy-specific behaviour"
)

# ---------------------------------------------------------------------------
# dtypes
# ---------------------------------------------------------------------------

ALL_DTYPES = [
    np.dtype(t)
    for t in (
        np.bool_,
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.uint16,
        np.uint32,
        np.uint64,
        np.float16,
        np.float32,
        np.float64,
        np.complex64,
        np.complex128,
    )
]
INT_DTYPES = [d for d in ALL_DTYPES if d.kind in "iu"]
SIGNED_DTYPES = [d for d in ALL_DTYPES if d.kind == "i"]
UNSIGNED_DTYPES = [d for d in ALL_DTYPES if d.kind == "u"]
FLOAT_DTYPES = [d for d in ALL_DTYPES if d.kind == "f"]
COMPLEX_DTYPES = [d for d in ALL_DTYPES if d.kind == "c"]
INEXACT_DTYPES = FLOAT_DTYPES + COMPLEX_DTYPES


def dtype_id(d):
    """Readable pytest id for a dtype (``float32``)."""
    return np.dtype(d).name


def param_dtypes(dtypes=ALL_DTYPES):
    return [pytest.param(d, id=dtype_id(d)) for d in dtypes]


# rtol for approximate comparisons, by result dtype
RTOL = {
    "e": 1e-3,
    "f": 1e-5,
    "d": 1e-12,
    "g": 1e-12,
    "F": 1e-5,
    "D": 1e-12,
    "G": 1e-12,
}


def rtol_for(dtype):
    return RTOL.get(np.dtype(dtype).char, 0.0)


def atol_for(dtype):
    d = np.dtype(dtype)
    if d.kind == "c":
        d = np.dtype(d.char.lower())
    if d.kind == "f":
        return float(np.finfo(d).eps) * 4
    return 0.0


# ---------------------------------------------------------------------------
# value generators
# ---------------------------------------------------------------------------

KINDS = (
    "default",  # signed [-5,5], unsigned [0,10], float [-3.75,3.75] step .75
    "nonzero",  # like default, zeros replaced (bool: all True)
    "positive",  # > 0 (bool: all True)
    "nonneg",  # small non-negative [0,3] (exponents)
    "small",  # signed [-3,3], unsigned [0,3], float [-1.5,1.5] step .5
    "small_nonzero",  # small without zeros
    "unit",  # for products: +-1 with a few 2, 0.5 (exact in any order)
    "special",  # floats/complex: includes nan, inf, -inf, -0.0
)


def _pattern(n, mult, add, mod):
    return (np.arange(n, dtype=np.int64) * mult + add) % mod


def _unit_values(dtype, n, seed):
    """Factors whose products are exact in any order and do not overflow:
    +-1 (units), a few 2 (not float16) and 0.5; complex: units and 1+1j."""
    i = np.arange(n) + seed
    if dtype.kind == "b":
        return (i % 13) != 4
    if dtype.kind == "c":
        v = np.array([1, -1, 1j, -1j])[(i * 3) % 4]
        v = np.where(i % 7 == 3, v * (1 + 1j), v)
        v = np.where(i % 5 == 1, v * 0.5, v)
        return v.astype(dtype)
    if dtype.kind == "u":
        v = np.where(i % 7 == 3, 2, 1)
        v = np.where(i % 11 == 5, 3, v)
        return v.astype(dtype)
    v = np.where((i * 3) % 5 < 2, -1.0, 1.0)
    if dtype != np.float16:
        v = np.where(i % 7 == 3, 2 * v, v)
    if dtype.kind == "f":
        v = np.where(i % 5 == 1, 0.5 * v, v)
    return v.astype(dtype)


def values(dtype, shape=(7,), kind="default", seed=0):
    """Deterministic small values of ``dtype`` and ``shape`` (a NumPy array).

    ``seed`` shifts the pattern so two operands differ.
    """
    dtype = np.dtype(dtype)
    if isinstance(shape, int):
        shape = (shape,)
    n = int(np.prod(shape, dtype=np.int64))
    s = 3 + 2 * seed
    if kind == "unit":
        return _unit_values(dtype, n, seed).reshape(shape)
    if dtype.kind == "b":
        if kind in ("nonzero", "positive", "small_nonzero"):
            v = np.ones(n, dtype=bool)
        else:
            v = _pattern(n, 7, s, 3) != 0
        return v.reshape(shape)

    if dtype.kind == "c":
        re = values(np.float64, (n,), kind, seed)
        im_kind = {"positive": "default", "nonzero": "default"}.get(kind, kind)
        im = values(np.float64, (n,), im_kind, seed + 1)
        if kind == "special":
            im = np.where(np.isfinite(im), im, 1.0)
        v = (re + 1j * im).astype(dtype)
        if kind in ("nonzero", "positive", "small_nonzero"):
            v[v == 0] = 1
        return v.reshape(shape)

    if kind == "special":
        if dtype.kind != "f":
            return values(dtype, shape, "default", seed)
        base = values(dtype, (n,), "default", seed).astype(np.float64)
        specials = [np.nan, np.inf, -np.inf, -0.0, np.nan]
        for i in range(min(n, len(specials))):
            base[(i * 5 + seed + 1) % n] = specials[i]
        return base.astype(dtype).reshape(shape)

    signed = dtype.kind in "if"
    if kind in ("default", "nonzero"):
        iv = _pattern(n, 7, s, 11)
        if signed:
            iv = iv - 5
        if kind == "nonzero":
            iv[iv == 0] = 1
    elif kind == "positive":
        iv = _pattern(n, 7, s, 11) + 1
    elif kind == "nonneg":
        iv = _pattern(n, 5, s, 4)
    elif kind in ("small", "small_nonzero"):
        if signed:
            iv = _pattern(n, 5, s, 7) - 3
        else:
            iv = _pattern(n, 5, s, 4)
        if kind == "small_nonzero":
            iv[iv == 0] = 1
    else:
        raise ValueError(kind)
    if dtype.kind == "f":
        if kind in ("default", "nonzero"):
            v = iv * 0.75  # [-3.75, 3.75], exact in float16
        elif kind == "positive":
            v = iv * 0.5
        elif kind == "nonneg":
            v = iv.astype(np.float64)
        else:  # small / small_nonzero
            v = iv * 0.5
            if kind == "small_nonzero":
                v[v == 0] = 0.5
        return v.astype(dtype).reshape(shape)
    return iv.astype(dtype).reshape(shape)


# ---------------------------------------------------------------------------
# type checks and comparison
# ---------------------------------------------------------------------------


def is_lnp_array(x):
    """True if ``x`` is an array of the library under test."""
    if AGAINST_NUMPY:
        return isinstance(x, np.ndarray)
    return type(x).__module__.startswith("legate") and hasattr(x, "shape")


def is_lnp_scalar_like(x):
    """A NumPy scalar, or (legate) a 0-d legate array (deferred scalar)."""
    if isinstance(x, np.generic):
        return True
    return is_lnp_array(x) and getattr(x, "ndim", None) == 0


def to_numpy(x):
    """NumPy array/scalar for a value returned by the library."""
    if isinstance(x, np.generic):
        return x
    return np.asarray(x)


def _assert_values(got, expected, approx, rtol, err_msg=""):
    got = np.asarray(got)
    expected = np.asarray(expected)
    assert got.dtype == expected.dtype, (
        f"dtype: got {got.dtype}, expected {expected.dtype}. {err_msg}"
    )
    assert got.shape == expected.shape, (
        f"shape: got {got.shape}, expected {expected.shape}. {err_msg}"
    )
    if expected.size == 0:
        return
    if expected.dtype.kind in "fc" and (approx or rtol is not None):
        r = rtol if rtol is not None else rtol_for(expected.dtype)
        np.testing.assert_allclose(
            got,
            expected,
            rtol=r,
            atol=atol_for(expected.dtype),
            equal_nan=True,
            err_msg=err_msg,
        )
    else:
        np.testing.assert_array_equal(got, expected, err_msg=err_msg)


def check(got, expected, approx=False, rtol=None, err_msg=""):
    """Assert that ``got`` (from the library) equals ``expected`` (NumPy).

    * ``expected`` a ``numpy.ndarray``: ``got`` must be a legate ndarray.
    * ``expected`` a NumPy scalar: ``got`` a NumPy scalar of the same dtype or
      a 0-d legate ndarray (deferred scalar).
    * ``expected`` a Python scalar: ``got`` of exactly the same type.
    * ``expected`` a tuple/list: element-wise.
    Values: exact (NaN == NaN) unless ``approx``/``rtol`` for inexact dtypes.
    """
    if isinstance(expected, (tuple, list)):
        assert isinstance(got, (tuple, list)), f"expected a sequence, got {type(got)}"
        assert len(got) == len(expected), f"length {len(got)} != {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            check(g, e, approx=approx, rtol=rtol, err_msg=f"{err_msg}[{i}]")
        return
    if isinstance(expected, np.ndarray):
        assert is_lnp_array(got), (
            f"expected a legate ndarray, got {type(got).__module__}."
            f"{type(got).__name__}. {err_msg}"
        )
        _assert_values(to_numpy(got), expected, approx, rtol, err_msg)
        return
    if isinstance(expected, np.generic):
        assert is_lnp_scalar_like(got), (
            f"expected a NumPy scalar or 0-d legate array, got "
            f"{type(got).__module__}.{type(got).__name__}. {err_msg}"
        )
        _assert_values(to_numpy(got), expected, approx, rtol, err_msg)
        return
    if isinstance(expected, (bool, int, float, complex)):
        assert type(got) is type(expected), (
            f"expected Python {type(expected).__name__}, got "
            f"{type(got).__module__}.{type(got).__name__}. {err_msg}"
        )
        if isinstance(expected, (float, complex)) and (approx or rtol):
            r = rtol if rtol is not None else 1e-12
            assert got == pytest.approx(expected, rel=r, nan_ok=True), err_msg
        elif isinstance(expected, float) and math.isnan(expected):
            assert math.isnan(got), err_msg
        elif isinstance(expected, complex) and expected != expected:
            assert got != got, err_msg
        else:
            assert got == expected, f"{got!r} != {expected!r}. {err_msg}"
        return
    if expected is None:
        assert got is None, f"expected None, got {got!r}"
        return
    assert got == expected, f"{got!r} != {expected!r}. {err_msg}"


def public_exc(cls):
    """The public exception class a NumPy exception ``cls`` stands for.

    NumPy raises private subclasses (``_UFuncNoLoopError`` ...); the library
    only has to raise the public base: the first builtin class in the MRO, or
    NumPy's own public AxisError / LinAlgError.
    """
    for c in cls.__mro__:
        if c.__name__ in ("AxisError", "LinAlgError"):
            return c
        if c.__module__ == "builtins":
            return c
    return Exception


def to_lnp(x):
    """Convert a NumPy array argument to the library; leave others alone."""
    if isinstance(x, np.ndarray):
        return lnp.array(x)
    return x


class quiet:
    """Context: ignore warnings and floating-point error flags."""

    def __enter__(self):
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore")
        self._e = np.errstate(all="ignore")
        self._e.__enter__()
        return self

    def __exit__(self, *exc):
        self._e.__exit__(*exc)
        self._w.__exit__(*exc)
        return False


def run_np(fn, *args, **kwargs):
    """Run ``fn(np, *args)``; returns ``(result, exception)``."""
    try:
        with quiet():
            return fn(np, *args, **kwargs), None
    except Exception as e:  # noqa: BLE001
        return None, e


_TRACE = os.environ.get("LNP_TESTS_TRACE_ERRORS")  # file: log NumPy's raises


def both(fn, *args, approx=False, rtol=None, check_args=False):
    """Compare ``fn(lnp, *lnp_args)`` with ``fn(np, *args)``.

    NumPy arrays in ``args`` are converted with ``lnp.array`` (copies) before
    NumPy runs, so ``fn`` may modify its arguments.  If NumPy raises, the
    library must raise the same (public) exception class and the converted
    arguments must be unchanged.  ``check_args``: also compare the arguments
    after the call (for in-place operations).  Returns the library's result.
    """
    largs = [to_lnp(a) for a in args]
    originals = [a.copy() if isinstance(a, np.ndarray) else None for a in args]
    expected, err = run_np(fn, *args)
    if err is not None:
        cls = public_exc(type(err))
        if _TRACE:
            with open(_TRACE, "a") as fh:
                fh.write(f"{os.environ.get('PYTEST_CURRENT_TEST', '?')}: "
                         f"{cls.__name__}: {str(err)[:70]}\n")
        with quiet():
            with pytest.raises(cls):
                fn(lnp, *largs)
        for la, orig in zip(largs, originals):
            if orig is not None:
                check(la, orig, err_msg="operand changed by a failed operation")
        return None
    with quiet():
        got = fn(lnp, *largs)
    check(got, expected, approx=approx, rtol=rtol)
    if check_args:
        for i, (la, a) in enumerate(zip(largs, args)):
            if isinstance(a, np.ndarray):
                check(la, a, approx=approx, rtol=rtol, err_msg=f"argument {i}")
    return got


def assert_usable(*arrays, originals=None):
    """After an error: arrays hold ``originals`` and a following op works."""
    if originals is not None:
        for a, o in zip(arrays, originals):
            check(a, o, err_msg="array changed by a failed operation")
    x = lnp.array(np.arange(6, dtype=np.float64))
    check(x * 2 + 1, np.arange(6, dtype=np.float64) * 2 + 1)
    for a, o in zip(arrays, originals or [None] * len(arrays)):
        if o is not None and o.dtype.kind in "iuf" and o.size:
            with quiet():
                check(a + a, o + o)


def subprocess_env(**extra):
    """Environment for running a program with the library in a subprocess."""
    # a child is one process of its own, not another rank of our MPI job
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OMPI_", "PMIX_", "PMI_", "LEGATE_NUMPY_MPI"))}
    pp = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = PYTHON_DIR + (os.pathsep + pp if pp else "")
    env.update({k: str(v) for k, v in extra.items()})
    return env


# Tests that only run single-process children (driver settings, scheduling
# policies): under several ranks each rank would run the same children at
# once on the same cores, adding time and nothing of MPI's.
children_only = pytest.mark.skipif(NRANKS > 1, reason="runs single-process children; ranks add nothing")


# Files under several ranks: a program under MPI names one file on all its
# ranks, but pytest's tmp_path is each rank's own (each rank runs its own
# pytest session), so the file tests take shared_tmp_path, one directory per
# test whose path every rank agrees on (rank 0's random token, summed over
# the ranks), and write their NumPy-made inputs with on_one_rank.
_SHARED_TMP = []


@pytest.fixture
def shared_tmp_path(request):
    """A fresh directory per test, the same path on every rank."""
    if NRANKS <= 1:
        return request.getfixturevalue("tmp_path")
    if not _SHARED_TMP:  # the first test that asks, on every rank alike
        import pathlib
        import random
        token = _lnp_core.mpi_sum_int(random.randrange(1 << 30) if _cfg["rank"] == 0 else 0)
        _SHARED_TMP.append(pathlib.Path(tempfile.gettempdir()) / ("lnp-pytest-shared-%d" % token))
    d = _SHARED_TMP[0] / re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.nodeid)[-120:]
    d.mkdir(parents=True, exist_ok=True)
    return d


# The file tests' arrays (test_io, test_hdf5, test_zarr): deferred in
# default mode (EAGER_MAX 65536), many tiles in test mode (3 elements each).
FILE_BIG = (40, 31) if os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0") else (300, 257)
FILE_DTYPES = [np.bool_, np.int8, np.uint16, np.int32, np.int64, np.float16, np.float32, np.float64,
               np.complex64, np.complex128]


def file_values(shape, dtype):
    """Exact values of every dtype for a file test (both signs, fractions,
    imaginary parts)."""
    x = np.arange(int(np.prod(shape))) % 251 - 100
    kind = np.dtype(dtype).kind
    if kind == "b":
        x = x % 3 == 0
    elif kind == "u":
        x = x + 100
    elif kind == "c":
        x = x + 1j * (x % 7)
    elif kind == "f":
        x = x / 4
    return x.astype(dtype).reshape(shape)


def on_one_rank(fn, *args, **kwargs):
    """fn(*args, **kwargs) (a test writing a shared file with NumPy or
    h5py) on rank 0 alone while the other ranks wait for it to finish."""
    if NRANKS <= 1:
        return fn(*args, **kwargs)
    try:
        if _cfg["rank"] == 0:
            fn(*args, **kwargs)
    finally:
        _lnp_core.mpi_sum_int(0)


def pytest_sessionfinish(session, exitstatus):
    if _SHARED_TMP:
        import shutil
        _lnp_core.mpi_sum_int(0)  # every rank done with the files
        if _cfg["rank"] == 0:
            shutil.rmtree(_SHARED_TMP[0], ignore_errors=True)


def pytest_report_header(config):
    target = "plain NumPy (LNP_TESTS_AGAINST_NUMPY=1)" if AGAINST_NUMPY else (
        "legate.numpy from " + os.path.dirname(getattr(lnp, "__file__", "?") or "?")
    )
    return [
        f"lnp = {target}",
        f"numpy {np.__version__}, python {sys.version.split()[0]}, "
        f"LEGATE_NUMPY_TEST={os.environ.get('LEGATE_NUMPY_TEST', '')}",
    ]


@pytest.fixture
def native(monkeypatch):
    """Fail on any trip through the NumPy fallback (for functions that must
    be native on deferred arrays)."""
    if AGAINST_NUMPY:
        yield
        return
    from legate.numpy import _fallback

    def refuse(func, name, *a, **k):
        raise AssertionError("fell back to NumPy: %s" % name)

    monkeypatch.setattr(_fallback, "call_numpy", refuse)
    yield


def deferred(x):
    """A deferred legate array equal to the NumPy array ``x`` (against
    NumPy: a copy of x), however small: a small one is a view of a large
    store (a 0-d one through reshape: an array, as np.array(2.5) is)."""
    if AGAINST_NUMPY:
        return x.copy()
    from legate.numpy._runtime import EAGER_MAX
    if x.size >= EAGER_MAX:
        r = lnp.array(x)
    else:
        big = np.zeros(EAGER_MAX + x.size, dtype=x.dtype)
        big[:x.size] = x.ravel()
        r = lnp.array(big)[:x.size].reshape(x.shape)
    assert r._arr is not None and not r._scalar, "operand is not a deferred array"
    return r


# ---------------------------------------------------------------------------
# Under several ranks (the MPI ctest suites, test mode), the largest tables
# of cases run a sample: every case of them runs in the single-process
# suites, and what several ranks add (tiles spread over ranks, messages,
# collectives) a sample covers; the whole tables took a quarter of the
# 2-rank suite.  The sample is the same on every rank (crc32 of the test's
# id, not Python's salted hash): the ranks must run the same tests.
# test function -> keep one case in k
MPI_SAMPLED = {
    "test_partition": 4, "test_unique_axis": 3, "test_mask_indices": 3, "test_unique": 4,
    "test_frombuffer": 3, "test_tall_skinny_products": 3, "test_nanquantile_methods": 3,
    "test_convolve_correlate": 3, "test_quantile_methods": 3, "test_ufunc_at_scatter_add": 2,
    "test_set_functions": 2, "test_native_sets": 2, "test_kinds_and_methods": 2,
}


def pytest_collection_modifyitems(config, items):
    if NRANKS <= 1:
        return
    import zlib
    for item in items:
        k = MPI_SAMPLED.get(getattr(item, "originalname", item.name))
        if k and zlib.crc32(item.nodeid.encode()) % k:
            item.add_marker(pytest.mark.skip(reason="sampled under %d ranks (conftest.MPI_SAMPLED)" % NRANKS))
