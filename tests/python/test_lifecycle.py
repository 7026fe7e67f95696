"""The runtime's life cycle (issue 17): daemon threads at exit, several
Python threads, the GIL while waiting, fork, running out of memory, shapes
NumPy refuses, back-pressure and memory over long loops, signals and exits.

Every case runs a program in a subprocess under a timeout, so a hang or an
abort fails the test instead of the suite.  The programs run in the mode
of the suite (LEGATE_NUMPY_TEST is inherited), with sizes chosen per mode:
deferred arrays either way.  Under several MPI ranks the suite's ranks would
each run these processes side by side on the same cores; the cases that
time or measure memory are skipped there."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import AGAINST_NUMPY, subprocess_env

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="legate.numpy's runtime")

TEST_MODE = os.environ.get("LEGATE_NUMPY_TEST", "") not in ("", "0")
# The batched suites fuse CPU loops through the host interpreter
# (LEGATE_NUMPY_FUSE=all), some 50 times slower a loop: fewer repetitions
SLOW_LOOPS = os.environ.get("LEGATE_NUMPY_FUSE", "") == "all"


def _nranks():
    if AGAINST_NUMPY:
        return 1
    from legate.numpy import _core
    return _core.config()["nranks"]


single_process = pytest.mark.skipif(not AGAINST_NUMPY and _nranks() > 1,
                                    reason="times or measures one process; the ranks would share the cores")

# a side of a 2-D array that is deferred (above the eager threshold) and,
# in test mode (3x3 tiles), not too many tiles
N = 60 if TEST_MODE else 300

HEADER = """
import os, sys, time
import legate.numpy as np
N = %d
""" % N


def run(code, *args, timeout=120, env=None, header=True):
    """Run `code` (dedented, after HEADER) in a fresh interpreter; returns
    the CompletedProcess.  A timeout fails the test."""
    src = (HEADER if header else "") + textwrap.dedent(code)
    try:
        return subprocess.run([sys.executable, "-c", src, *map(str, args)], env=subprocess_env(**(env or {})),
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        pytest.fail("the program hung (killed after %s s); stderr: %s" % (timeout, (e.stderr or b"")[-2000:]))


def ok(r):
    assert r.returncode == 0, "status %d\nstdout: %s\nstderr: %s" % (r.returncode, r.stdout[-3000:], r.stderr[-3000:])
    return r


def result(r, key="RESULT"):
    for line in r.stdout.splitlines():
        if line.startswith(key + " "):
            return line.split()[1:]
    pytest.fail("no %s line; stdout: %s; stderr: %s" % (key, r.stdout[-2000:], r.stderr[-2000:]))


# ---------------------------------------------------------------------------
# daemon threads still computing when the main thread ends

DAEMON = """
import threading
mode = sys.argv[1]
def work():
    a = np.ones((N, N))
    while True:
        a = a + 1.0
        if mode == "read":
            float(a[1:].sum())
        elif mode == "temps":
            b = a[1:] * 2.0 - a[:-1]
            del b
        elif mode == "reshape":
            a = a.reshape(N * N).reshape(N, N)
for _ in range(2):
    threading.Thread(target=work, daemon=True).start()
time.sleep(0.3)
print("main done", flush=True)
"""


@pytest.mark.parametrize("mode", ["submit", "read", "temps", "reshape"])
def test_daemon_threads_at_exit(mode):
    """The shutdown parks threads that start an operation and waits for the
    ones inside a wait (numpy/runtime.c): no abort ("data ... invalid, was
    it already unregistered?"), no hang, no traceback, status 0 -- every
    time (it failed in 3-7 runs of 10)."""
    for _ in range(2 if SLOW_LOOPS else 4):
        r = ok(run(DAEMON, mode, timeout=120))
        assert "main done" in r.stdout
        for bad in ("invalid", "Traceback", "Exception in thread", "assert"):
            assert bad not in r.stderr, r.stderr[-3000:]


# ---------------------------------------------------------------------------
# several Python threads

THREADS = """
import threading
import numpy
ref_a = numpy.arange(N * N, dtype=numpy.float64).reshape(N, N) % 17
a = np.array(ref_a)
out = np.zeros((8, N))
ref_out = numpy.zeros((8, N))
errors = []
def work(k):
    try:
        for it in range(6):
            x = np.full((N, N), float(k + it))
            y = (x + a) * 2.0 - a[::-1]
            ry = (float(k + it) + ref_a) * 2.0 - ref_a[::-1]
            s = float(y.sum())
            if abs(s - ry.sum()) > 1e-9 * abs(ry.sum()):
                errors.append("thread %d sum %r != %r" % (k, s, ry.sum()))
            got = np.asarray(y[1:-1, 2:])
            if not numpy.array_equal(got, ry[1:-1, 2:]):
                errors.append("thread %d slice differs" % k)
            z = y.reshape(N * N)[::3].copy()
            if not numpy.array_equal(np.asarray(z), ry.reshape(N * N)[::3]):
                errors.append("thread %d reshape differs" % k)
            out[k] = y[k] + 1.0
            ref_out[k] = ry[k] + 1.0
    except Exception as e:
        errors.append("thread %d: %r" % (k, e))
ts = [threading.Thread(target=work, args=(k,)) for k in range(8)]
for t in ts:
    t.start()
for t in ts:
    t.join()
if not numpy.array_equal(np.asarray(out), ref_out):
    errors.append("rows written by the threads differ")
print("ERRORS", len(errors), errors[:5])
"""


def test_threads_give_correct_results():
    r = ok(run(THREADS, timeout=300))
    assert result(r, "ERRORS")[0] == "0", r.stdout


GIL = """
import threading
mode = sys.argv[1]
M = int(sys.argv[2])
count = 0
stop = False
def spin():
    global count
    while not stop:
        count += 1
a = np.ones((M, M))
float(a.sum())
t = threading.Thread(target=spin)
t.start()
time.sleep(0.05)
b = a @ a                        # long: the waits below wait for it
c0, t0 = count, time.perf_counter()
if mode == "sync":
    np.synchronize()
elif mode == "read":
    float(b[0, 0])
elif mode == "window":            # a new operation waits at the window
    c = b + 1.0
t1, c1 = time.perf_counter(), count
stop = True
t.join()
print("RESULT %.3f %d" % (t1 - t0, c1 - c0))
"""


@single_process
@pytest.mark.parametrize("mode", ["sync", "read", "window"])
def test_gil_released_while_waiting(mode):
    """Another Python thread runs while this one waits on StarPU: for every
    task (synchronize), for a value (a host read) and at the submission
    window (an operation that starts while the window is full: with
    LEGATE_NUMPY_WINDOW=2 it waits for the matmul's tasks).  Held, the GIL
    would stop the spinning thread for the whole wait (a C call is never
    preempted)."""
    # default tiles in every mode: test mode's 3x3 tiles make a matmul of
    # tiny tasks, mostly done by the time Python has submitted them
    r = ok(run(GIL, mode, 1400, env={"LEGATE_NUMPY_WINDOW": "2", "LEGATE_NUMPY_TEST": "0"}, timeout=300))
    waited, spins = result(r)
    waited, spins = float(waited), int(spins)
    assert waited > 0.05, "the wait was too short to tell (%.3f s): %s" % (waited, r.stdout)
    assert spins > 1000, "the other thread did not run during a %.3f s wait (%d spins)" % (waited, spins)


# ---------------------------------------------------------------------------
# fork after import

FORK = """
mode = sys.argv[1]
a = np.ones((N, N))
assert float(a.sum()) == N * N
b = a * 3.0                                      # tasks in flight at the fork
pid = os.fork()
if pid == 0:
    if mode == "deferred":
        try:
            c = np.ones((N, N)) + 1
            float(c.sum())
            print("CHILD no error", flush=True)
        except RuntimeError as e:
            print("CHILD RuntimeError", "fork" in str(e), flush=True)
        os._exit(0)
    if mode == "eager":
        e = np.ones(10) * 2                       # NumPy's own path: works
        print("CHILD eager", float(e.sum()), flush=True)
    if mode == "os_exit":
        os._exit(0)
    if mode == "sys_exit":
        sys.exit(0)
    # "end": the child runs to the end of the program
else:
    _, status = os.waitpid(pid, 0)
    print("PARENT child status", status, float(b.sum()) == 3.0 * N * N, flush=True)
"""


@pytest.mark.parametrize("mode", ["end", "sys_exit", "os_exit", "deferred", "eager"])
def test_fork_after_import(mode):
    """A child of fork() has no StarPU workers (pthread_atfork marks the
    runtime stopped there): it exits at once however it ends (it hung in
    about half the runs), gets a RuntimeError naming fork when it uses
    deferred arrays, and runs NumPy's eager path; the parent goes on."""
    if mode == "eager" and TEST_MODE:
        pytest.skip("test mode has no eager path")
    for _ in range(3):
        r = ok(run(FORK, mode, timeout=60))
        assert "PARENT child status 0 True" in r.stdout, r.stdout + r.stderr
        if mode == "deferred":
            assert "CHILD RuntimeError True" in r.stdout, r.stdout + r.stderr
        if mode == "eager":
            assert "CHILD eager 20.0" in r.stdout, r.stdout + r.stderr


# ---------------------------------------------------------------------------
# out of memory

RLIMIT = """
import gc, resource
import numpy
size = int(sys.argv[1])
def vm():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize"):
                return int(line.split()[1]) << 10
lim = vm() + (int(sys.argv[2]) << 20)
resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
arrs = []
try:
    for i in range(10 ** 6):
        arrs.append(np.ones(size))
        if i % 64 == 0:
            float(arrs[-1].sum())
    print("NO MemoryError", flush=True)
except MemoryError as e:
    print("MEMORYERROR", len(arrs), flush=True)
n = len(arrs)
del arrs
gc.collect()
x = np.arange(30.0)
y = np.array(numpy.arange(3 * N, dtype=numpy.float64))
print("RESULT", float((x * 2).sum()), float((y + 1).sum()) == float((numpy.arange(3 * N) + 1).sum()), flush=True)
"""


@single_process
@pytest.mark.parametrize("size", [10, 300000])
def test_out_of_address_space_is_memoryerror(size):
    """Many live arrays under an address-space limit: MemoryError (it was an
    abort in _starpu_data_handle_init), and the runtime keeps working once
    they are released (numpy/host_memory.c)."""
    env = {"LEGATE_NUMPY_EAGER_MAX": "0"}
    r = ok(run(RLIMIT, size, 400, env=env, timeout=300))
    assert "MEMORYERROR" in r.stdout, r.stdout[-2000:]
    assert result(r) == ["870.0", "True"], r.stdout[-2000:]


LIMIT = """
import gc
import numpy
arrs = []
try:
    for i in range(1000):
        arrs.append(np.ones(1 << 20))
    print("NO MemoryError", flush=True)
except MemoryError as e:
    print("MEMORYERROR", len(arrs), str(e).replace(" ", "_"), flush=True)
a = arrs[0]
try:
    while True:                       # temporaries beyond the limit
        a = a + arrs[1]
        arrs.append(a)
except MemoryError:
    print("MEMORYERROR temporaries", flush=True)
del arrs, a
gc.collect()
x = np.ones(1 << 20)
print("RESULT", float((x * 2).sum()) == 2.0 * (1 << 20), flush=True)
"""


@single_process
def test_starpu_cpu_memory_limit_is_memoryerror():
    """Arrays beyond STARPU_LIMIT_CPU_MEM: MemoryError naming the limit (a
    worker used to wait forever for memory), then the runtime works."""
    r = ok(run(LIMIT, env={"STARPU_LIMIT_CPU_MEM": "96", "LEGATE_NUMPY_TEST": "0"}, timeout=120))
    line = result(r, "MEMORYERROR")
    assert 8 <= int(line[0]) <= 13 and "STARPU_LIMIT_CPU_MEM" in line[1], r.stdout
    assert "MEMORYERROR temporaries" in r.stdout
    assert result(r) == ["True"], r.stdout


def test_memory_estimate_of_many_narrow_tiles():
    """A store's reservation counts each tile's slack by the tile's row, not
    the whole array's: the 16 x 512 blocks a k-means product (16 x 400,000
    @ 400,000 x 8) cuts its transposed operand into were counted 3.2 MB of
    slack each (2.5 GB in all) and refused under a 512 MB limit (and 60 GB
    at 2M points without one)."""
    r = ok(run("""
        a = np.ones((400000, 16))
        x = np.ones((400000, 8))
        try:
            print("RESULT", float((a.T @ x).sum()), flush=True)
        except MemoryError as e:
            print("RESULT MemoryError", e, flush=True)
        """, env={"STARPU_LIMIT_CPU_MEM": "512", "LEGATE_NUMPY_TEST": "0"}, timeout=120))
    assert result(r) == [str(400000.0 * 16 * 8)], r.stdout


SHAPES = """
import numpy
import legate.numpy as lnp
cases = [
    lambda m: m.ones((2**62, 0)),
    lambda m: m.zeros((0, 2**62)),
    lambda m: m.empty((2**61, 0, 3)),
    lambda m: m.ones((2**62, 0), dtype=m.int8),
    lambda m: m.ones(0).reshape(2**62, 0),
    lambda m: m.ones((3, 0)).reshape(-1, 2**62),
    lambda m: m.zeros((2**62, 0)) + 1,
    lambda m: m.ones((2**62, 0)).sum(axis=0),
    lambda m: m.ones((0, 2**40)).T.copy(),
    lambda m: m.ones((2**40, 0)).sum(axis=1),
    lambda m: m.dot(m.ones((2**31, 0)), m.ones((0, 2**31))),
    lambda m: m.ones((-1, 3)),
    lambda m: m.ones((2**40, 2**40, 0, 2**40)),
    lambda m: m.ones((1,) * 32),
    lambda m: m.ones((0,) * 32),
    lambda m: m.ones((2**20,) * 4 + (0,), dtype=m.int8),
]
bad = []
for i, f in enumerate(cases):
    res = []
    for m in (numpy, lnp):
        try:
            f(m)
            res.append("ok")
        except Exception as e:
            res.append(type(e).__name__)
    if res[0] != res[1]:
        bad.append((i, res))
print("RESULT", len(bad), bad)
"""


def test_shapes_numpy_refuses():
    """NumPy's shape rule (the product of the nonzero dims times the itemsize
    within an intp) before any tile is laid: np.ones((2**62, 0)) is a
    ValueError, and empty arrays of huge extents are one tile, not millions
    of handles (those timed out)."""
    r = ok(run(SHAPES, timeout=120, header=False, env={"LEGATE_NUMPY_EAGER_MAX": "0"}))
    assert result(r)[0] == "0", r.stdout


# ---------------------------------------------------------------------------
# back-pressure: memory over long loops

LOOP = """
import gc
from legate.numpy import _core
mode, iters = sys.argv[1], int(sys.argv[2])
def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) << 10
a = np.zeros((M, M))
a[0, :] = 1.0
b = a.copy()
float(b.sum())
marks = []
for i in range(iters):
    if mode == "temps":
        t = a * 2.0 + b
        u = t[1:] - t[:-1]
        del t, u
    else:
        b[1:-1, 1:-1] = 0.25 * (a[:-2, 1:-1] + a[2:, 1:-1] + a[1:-1, :-2] + a[1:-1, 2:])
        a, b = b, a
        if mode == "reads" and i % 100 == 0:
            float(a[1, 1])
    if i == iters // 5 or i == iters - 1:
        gc.collect()
        marks.append((rss(), _core.memory_used()))
print("RESULT %d %d %d %d" % (marks[0][0], marks[1][0], marks[0][1], marks[1][1]), flush=True)
os._exit(0)   # the measure is what the loop held while Python submitted
"""


@single_process
@pytest.mark.parametrize("mode", ["noreads", "reads", "temps", "noreads-10000"])
def test_memory_flat_over_long_loops(mode):
    """A stencil loop that never reads a value back used to grow (1000^2, 10,000
    sweeps: 230 -> 708 MB) as Python ran ahead of the workers; the
    submission window (lnp_runtime_throttle) bounds the tasks in flight, so
    the resident size and the tiles' bytes (_core.memory_used) stay flat,
    with or without reads and for temporaries made and dropped; the issue's
    10,000 sweeps on a smaller grid."""
    m = 45 if TEST_MODE else 300 if SLOW_LOOPS else 600
    iters = 300 if TEST_MODE or SLOW_LOOPS else 1500
    if mode.endswith("-10000"):
        if TEST_MODE or SLOW_LOOPS:
            pytest.skip("10,000 sweeps of many small tasks: the default mode's case")
        mode, m, iters = mode[:-6], 300, 10000
    r = ok(run(LOOP.replace("(M, M)", "(%d, %d)" % (m, m)), mode, iters, timeout=300))
    rss0, rss1, mem0, mem1 = map(int, result(r))
    assert mem0 > 0, "the arrays were not deferred"
    assert rss1 - rss0 < (12 << 20), "resident size grew by %.1f MB" % ((rss1 - rss0) / 2**20)
    assert mem1 - mem0 < (16 << 20), "tiles' bytes grew by %.1f MB" % ((mem1 - mem0) / 2**20)


STENCIL_UNDER_LIMIT = """
import gc, resource
def vm():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize"):
                return int(line.split()[1]) << 10
M = int(sys.argv[3])
a = np.zeros((M, M))
a[0, :] = 1.0
b = a.copy()
float(b.sum())
lim = vm() + (int(sys.argv[1]) << 20)
hard = resource.getrlimit(resource.RLIMIT_AS)[1]
resource.setrlimit(resource.RLIMIT_AS, (lim, hard))
try:
    for i in range(int(sys.argv[2])):
        b[1:-1, 1:-1] = 0.25 * (a[:-2, 1:-1] + a[2:, 1:-1] + a[1:-1, :-2] + a[1:-1, 2:])
        a, b = b, a
    print("SWEEPS", float(a[1:-1, 1:-1].sum()) > 0, flush=True)
except MemoryError:
    print("MEMORYERROR", flush=True)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
gc.collect()
print("RESULT", float(np.ones((M, M))[::2].sum()) == M * M // 2, float(a.sum()) > 0, flush=True)
"""


@single_process
@pytest.mark.parametrize("headroom", [256, 4])
def test_stencil_without_reads_under_an_address_space_limit(headroom):
    """A stencil loop that never reads back, under an address-space limit,
    was aborted in 2 runs of 3 (StarPU's allocations failed and asserted).
    With room for its temporaries it ends normally (the submission window
    keeps them bounded); with too little it gets MemoryError, and the
    runtime works once the limit is lifted; never a signal."""
    m, iters = (60, 300) if TEST_MODE or SLOW_LOOPS else (1000, 4000)
    if headroom < 100 and m < 1000:
        pytest.skip("small tiles come from the allocator's free lists: no allocation need fail")
    r = ok(run(STENCIL_UNDER_LIMIT, headroom, iters, m, timeout=300))
    if headroom > 100:
        assert result(r, "SWEEPS") == ["True"], r.stdout[-2000:]
    else:
        assert "MEMORYERROR" in r.stdout, r.stdout[-2000:]
    assert result(r) == ["True", "True"], r.stdout[-2000:]


PER_ARRAY = """
import gc
import numpy
def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) << 10
n, size = int(sys.argv[1]), int(sys.argv[2])
warm = [np.ones(size) + 1 for _ in range(100)]
gc.collect()
r0 = rss()
arrs = [np.ones(size) + i for i in range(n)]
float(arrs[-1].sum())
gc.collect()
print("RESULT %d" % ((rss() - r0) // n), flush=True)
"""


@single_process
def test_per_array_memory_of_deferred_arrays():
    """Live small deferred arrays cost a bounded amount each: 14.7 KB a
    one-tile array before the interface size classes, 7.0 KB after (4.7 KB
    of it StarPU's handle, docs/design.md "Per-array memory"; NumPy's 0.2
    KB).  Test mode splits each into 4 tiles (21.7 KB)."""
    n = 20000
    r = ok(run(PER_ARRAY, n, 12 if TEST_MODE else 16, env={"LEGATE_NUMPY_EAGER_MAX": "0"}, timeout=300))
    per = int(result(r)[0])
    assert per < (30 << 10 if TEST_MODE else 10 << 10), "%.1f KB per array" % (per / 1024)


# ---------------------------------------------------------------------------
# signals and exits with tasks in flight

BUSY = """
import signal
mode = sys.argv[1]
a = np.ones((N, N))
i = 0
try:
    while True:
        a = a * 1.0000001 + a[::-1] * 1e-9
        i += 1
        if i == 20:
            print("READY", flush=True)
            if mode == "exit":
                sys.exit(3)
except KeyboardInterrupt:
    if mode != "catch":
        raise
    print("CAUGHT", flush=True)
    b = np.ones((N, N)) * 2.0
    print("RESULT", float(b.sum()) == 2.0 * N * N, flush=True)
"""


@single_process
@pytest.mark.parametrize("mode", ["sigint", "catch", "sigterm", "exit"])
def test_signals_and_exit_with_tasks_in_flight(mode):
    """Ctrl-C raises KeyboardInterrupt promptly (status -2, or the program
    catches it and the next operation works), SIGTERM ends the process
    (status -15), sys.exit(3) with tasks in flight ends with status 3: each
    within seconds, however many tasks were queued."""
    p = subprocess.Popen([sys.executable, "-c", HEADER + textwrap.dedent(BUSY), mode], env=subprocess_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        assert line.startswith("READY"), line + p.stderr.read()
        time.sleep(0.3)
        t0 = time.monotonic()
        if mode in ("sigint", "catch"):
            p.send_signal(signal.SIGINT)
        elif mode == "sigterm":
            p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=60)
        took = time.monotonic() - t0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    # an uncaught KeyboardInterrupt ends Python by SIGINT itself (status -2)
    want = {"sigint": -signal.SIGINT, "catch": 0, "sigterm": -signal.SIGTERM, "exit": 3}[mode]
    assert p.returncode == want, "status %d, expected %d; stderr: %s" % (p.returncode, want, err[-2000:])
    assert took < 20, "took %.1f s to end" % took
    if mode == "sigint":
        assert "KeyboardInterrupt" in err
    if mode == "catch":
        assert "RESULT True" in out, out + err
