"""Latency of one a.sum() taken apart (diagnostic): run with
   LEGATE_NUMPY_TASK_TIMES=1 bin/legate --gpus 1 tests/gpu/task_times.py [n] [reps] 2> times.log
   python3 tests/gpu/task_times.py --analyze times.log
or a Jacobi sweep's tasks (worker, times from the call, us):
   LEGATE_NUMPY_TASK_TIMES=1 bin/legate --gpus 2 tests/gpu/task_times.py jacobi [n] [reps] 2> times.log
Each call prints Python's times (before the call, after submission, after
the wait) next to the runtime's TASK lines (numpy/runtime.c: when the batch
task started, had launched its kernels, the kernels' GPU time, when the
worker saw it end), all CLOCK_MONOTONIC ns."""
import sys
import time


def analyze(path):
    task = None
    for line in open(path):
        w = line.split()
        if line.startswith("TASK"):
            task = dict(zip(w[2::2], map(float, w[3::2])))
        elif line.startswith("PY") and task:
            t0, t1, t2 = map(int, w[1:4])
            d = task
            if d["start"] > 0:
                print(f"py submit {(t1 - t0) / 1e3:6.1f} | to start {(d['start'] - t1) / 1e3:6.1f} "
                      f"launch {(d['launched'] - d['start']) / 1e3:5.1f} | start to end seen "
                      f"{(d['callback'] - d['start']) / 1e3:6.1f} (kernels {d['kernel_us']:6.1f}) | "
                      f"to wait return {(t2 - d['callback']) / 1e3:5.1f} | total {(t2 - t0) / 1e3:6.1f} us")
            task = None


if len(sys.argv) > 2 and sys.argv[1] == "--analyze":
    analyze(sys.argv[2])
    sys.exit(0)

import legate.numpy as np  # noqa: E402
from legate.numpy import _core  # noqa: E402

jacobi = len(sys.argv) > 1 and sys.argv[1] == "jacobi"
args = sys.argv[2:] if jacobi else sys.argv[1:]
n = int(args[0]) if args else (16384 if jacobi else 1 << 28)
reps = int(args[1]) if len(args) > 1 else 20
if jacobi:
    u = np.zeros((n, n))
    u[0, :] = 1.0

    def step():
        u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
else:
    a = np.arange(n, dtype=np.float64) * (0.5 / n) + 1.0

    def step():
        return a.sum()
_core.wait()
for i in range(reps):
    _core.wait()
    t0 = time.perf_counter_ns()
    r = step()
    t1 = time.perf_counter_ns()
    _core.wait()
    t2 = time.perf_counter_ns()
    print("PY", t0, t1, t2, file=sys.stderr, flush=True)
    del r
