"""Common NumPy idioms on deferred arrays (above the eager threshold, or any
size in test mode) that used to raise another exception class or return
another type or dtype than NumPy (issue 17's "spurious errors" and "dtypes"
findings): each is compared with NumPy, exception class included."""

import os
import warnings

import numpy as np
import pytest

from conftest import ComplexWarning, both, lnp

# above the default eager threshold (65536 elements); in test mode every
# array is deferred and tiles hold 3 elements, so a few tiles suffice
N = 70 if os.environ.get("LEGATE_NUMPY_TEST") == "1" else 70000


def test_reshape_without_arguments_is_a_type_error():
    both(lambda m, x: x.reshape(), np.arange(N, dtype=np.int64))


@pytest.mark.parametrize("nargs", [4, 5])
def test_ufunc_with_too_many_positional_arguments_is_a_type_error(nargs):
    both(lambda m, x: m.add(*([x] * nargs)), np.arange(N, dtype=np.float64))


@pytest.mark.parametrize(
    "name, call",
    [
        ("add.reduce", lambda m, x: m.add.reduce(x)),
        ("sum axis 0", lambda m, x: x.sum(axis=0)),
        ("max axis -1", lambda m, x: x.max(axis=-1)),
        ("prod axis (0,)", lambda m, x: m.prod(x, axis=(0,))),
        ("sum axis 1", lambda m, x: x.sum(axis=1)),  # AxisError in both
    ],
)
def test_reduction_of_a_0d_array_over_axis_0(name, call):
    # a deferred 0-d array: a reduction of a large array
    both(lambda m, x: call(m, m.sum(x)), np.arange(N, dtype=np.float64) % 7)


def test_count_nonzero_of_a_whole_array_is_numpys_scalar():
    """A Python int under NumPy 1.x, an intp scalar under 2.x."""
    a = np.arange(N, dtype=np.int64) % 5
    r = lnp.count_nonzero(lnp.array(a))
    assert type(r) is type(np.count_nonzero(a)) and r == np.count_nonzero(a)
    both(lambda m, x: m.count_nonzero(x, axis=0), a.reshape(-1, 7))


@pytest.mark.parametrize("name", ["dot", "inner"])
@pytest.mark.parametrize("dt", [np.int8, np.int32, np.float32, np.bool_])
def test_dot_with_a_0d_operand_promotes_dtypes_not_values(name, dt):
    """np.dot(np.array(5), int32 array) is int64: dot promotes the dtypes
    (the 0-d array's value does not matter, unlike a ufunc under NumPy 1.x)."""
    b = (np.arange(N) % 3).astype(dt)
    s = np.array(5)
    r = both(lambda m, x, y: getattr(m, name)(x, y), s, b)
    assert r.dtype == getattr(np, name)(s, b).dtype
    both(lambda m, x, y: getattr(m, name)(y, x), s, b)


_DEL_AT_EXIT = r"""
import weakref
import legate.numpy as np

N = {n}

class Cycle:
    # a reference cycle: Python frees it in its last collection at exit
    def __init__(self):
        self.me = self
        self.a = np.arange(N, dtype=np.int64)

    def __del__(self):
        print("del", int(self.a.sum()), float(np.mean(self.a[:10])))

class Held:
    # held by a module global: destroyed in the module teardown, after the
    # atexit handlers
    def __init__(self):
        self.a = np.arange(N, dtype=np.float64)

    def __del__(self):
        print("held", float((self.a * 2).sum()), float(np.sqrt(self.a)[4]), flush=True)

c = Cycle()
del c
b = np.ones(N)
weakref.finalize(b, lambda a=np.arange(N): print("finalize", int(a[-1])))
held = Held()
"""


@pytest.mark.skipif(os.environ.get("LNP_TESTS_AGAINST_NUMPY") == "1",
                    reason="runs legate.numpy in a subprocess")
def test_del_of_a_garbage_cycle_at_exit_computes():
    """Python collects the program's garbage cycles after the atexit
    handlers: their __del__ met "legate.numpy runtime is not running" (NumPy
    computes).  The runtime's exit handler collects them first.  Objects
    held by module globals are destroyed later still, in the module
    teardown: StarPU stops after it (a C-level Py_AtExit)."""
    import subprocess
    import sys
    from conftest import subprocess_env
    r = subprocess.run([sys.executable, "-c", _DEL_AT_EXIT.format(n=N)],
                       capture_output=True, text=True, timeout=300,
                       env=subprocess_env(STARPU_SILENT=1))
    assert r.returncode == 0, r.stderr
    assert "not running" not in r.stderr and "Traceback" not in r.stderr, r.stderr
    total = N * (N - 1) // 2
    assert "del %d 4.5" % total in r.stdout, r.stdout
    assert "finalize %d" % (N - 1) in r.stdout, r.stdout
    assert "held %.1f 2.0" % (2.0 * total) in r.stdout, r.stdout + r.stderr


# ---- found by the differential fuzzer (tests/fuzz/fuzz_numpy.py) ----------

@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("axis", [0, -1, 1, None])
def test_arg_reduction_of_a_0d_array(name, axis):
    both(lambda m, x: getattr(m, name)(m.sum(x), axis=axis), np.arange(N, dtype=np.float64) % 7)


@pytest.mark.parametrize("make", ["matmul", "element", "reduce"])
@pytest.mark.parametrize("view", ["ravel", "reshape", "index", "transpose", "none"])
def test_a_view_of_a_scalar_result_does_not_write_into_it(make, view):
    """NumPy scalars are immutable: what NumPy makes from one is a new array,
    so writing through it leaves the value as it was."""
    def f(m, x):
        s = {"matmul": lambda: x @ x, "element": lambda: x[3], "reduce": lambda: x.sum()}[make]()
        v = {"ravel": lambda: m.ravel(s), "reshape": lambda: m.reshape(s, (1, 1)),
             "index": lambda: m.asarray(s)[None], "transpose": lambda: m.transpose(s),
             "none": lambda: m.expand_dims(s, 0)}[view]()
        if getattr(v, "flags", None) is not None and v.flags.writeable:
            v[...] = 0
        return s
    both(f, (np.arange(N) % 5).astype(np.int8))


@pytest.mark.parametrize("dt", [np.complex64, np.float64, np.int32, np.bool_])
@pytest.mark.parametrize("value", ["array3", "array11", "array1", "list2"])
def test_assigning_a_sequence_to_one_element(dt, value):
    def f(m, x):
        v = {"array3": lambda: m.ones(3, dt), "array11": lambda: m.ones((1, 1), dt),
             "array1": lambda: m.ones(1, dt), "list2": lambda: [1, 2]}[value]()
        x[5] = v
        return x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        both(f, np.zeros(N, dt))


def test_integer_power_with_negative_exponents_and_an_empty_result():
    both(lambda m, x, y: m.power(x[:, :0], y), np.ones((3, 4), np.int8), -np.ones((3, 1), np.int8))
    both(lambda m, x, y: m.power(x, y), np.ones((N, 1), np.int8), -np.ones(1, np.int8))


@pytest.mark.parametrize("how", ["astype", "setitem", "float", "int", "copyto"])
def test_complex_to_real_warns(how):
    c = (np.arange(N) + 1j).astype(np.complex128)
    for m in (np, lnp):
        x = m.array(c)
        r = m.zeros(N)
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            {"astype": lambda: x.astype(np.float64), "setitem": lambda: r.__setitem__(slice(None), x),
             "float": lambda: float(x[3]), "int": lambda: int(x[3]),
             "copyto": lambda: m.copyto(r, x, casting="unsafe")}[how]()
        cw = [w for w in rec if issubclass(w.category, ComplexWarning)]
        assert len(cw) == 1, (m.__name__, [str(w.message) for w in rec])
        if how != "copyto":  # NumPy 1.x: "<__array_function__ internals>"
            assert os.path.basename(cw[0].filename) == "test_numpy_idioms.py"


@pytest.mark.parametrize("make", ["array", "asarray"])
def test_an_array_made_of_a_scalar_result_is_a_plain_array(make):
    """np.array(a.sum()) is a 0-d array: its views see writes to it."""
    def f(m, x):
        c = getattr(m, make)(x.sum(axis=0))
        t = m.transpose(c)
        c[()] = c[()] + 1
        c += 1
        return c, t
    both(f, np.arange(N, dtype=np.int8))
