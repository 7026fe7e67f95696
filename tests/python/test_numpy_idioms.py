"""Common NumPy idioms on deferred arrays (above the eager threshold, or any
size in test mode) that used to raise another exception class or return
another type or dtype than NumPy (issue 17's "spurious errors" and "dtypes"
findings): each is compared with NumPy, exception class included."""

import os

import numpy as np
import pytest

from conftest import both, lnp

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


def test_count_nonzero_of_a_whole_array_is_a_python_int():
    a = np.arange(N, dtype=np.int64) % 5
    r = lnp.count_nonzero(lnp.array(a))
    assert type(r) is int and r == np.count_nonzero(a)
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

c = Cycle()
del c
b = np.ones(N)
weakref.finalize(b, lambda a=np.arange(N): print("finalize", int(a[-1])))
"""


@pytest.mark.skipif(os.environ.get("LNP_TESTS_AGAINST_NUMPY") == "1",
                    reason="runs legate.numpy in a subprocess")
def test_del_of_a_garbage_cycle_at_exit_computes():
    """Python collects the program's garbage cycles after the atexit
    handlers: their __del__ met "legate.numpy runtime is not running" (NumPy
    computes).  The runtime's exit handler collects them first."""
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
