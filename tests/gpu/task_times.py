"""Latency of one a.sum() taken apart (diagnostic): run with
   LEGATE_NUMPY_TASK_TIMES=1 bin/legate --gpus 1 tests/gpu/task_times.py [n] [reps] 2> times.log
   python3 tests/gpu/task_times.py --analyze times.log
or a Jacobi sweep's or an add's tasks (--analyze then prints each call's
tasks: worker, times from the call, us):
   LEGATE_NUMPY_TASK_TIMES=1 bin/legate --gpus 2 tests/gpu/task_times.py jacobi|add [n] [reps] 2> times.log
Each call prints Python's times (before the call, after submission, after
the wait) next to the runtime's TASK lines (numpy/engine_state.c: when the batch
task started, had launched its kernels, the kernels' GPU time, when the
worker saw it end), all CLOCK_MONOTONIC ns."""
import sys
import time


def analyze(path):
    task = None
    tasks = []
    for line in open(path):
        w = line.split()
        if line.startswith("TASK"):
            task = dict(zip(w[2::2], map(float, w[3::2])))
            task["name"] = w[1]
            tasks.append(task)
        elif line.startswith("PY") and len(tasks) > 1:
            t0, t1, t2 = map(int, w[1:4])
            print(f"call: py submit {(t1 - t0) / 1e3:.1f}, wait returned {(t2 - t0) / 1e3:.1f} us")
            for d in tasks:
                print(f"  {d['name']:10s} worker {d['worker']:.0f}: start {(d['start'] - t0) / 1e3:7.1f} "
                      f"launched {(d['launched'] - t0) / 1e3:7.1f} end seen {(d['callback'] - t0) / 1e3:7.1f} "
                      f"(kernels {d['kernel_us']:.1f})")
            tasks = []
        elif line.startswith("PY") and task:
            tasks = []
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

mode = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] in ("jacobi", "add") else "sum"
jacobi = mode == "jacobi"
args = sys.argv[2:] if mode != "sum" else sys.argv[1:]
n = int(args[0]) if args else (16384 if jacobi else 1 << 28)
reps = int(args[1]) if len(args) > 1 else 20
if jacobi:
    u = np.zeros((n, n))
    u[0, :] = 1.0

    def step():
        u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
elif mode == "add":
    a = np.arange(n, dtype=np.float64) * (0.5 / n) + 1.0
    b = np.arange(n, dtype=np.float64) * (0.25 / n) + 2.0

    def step():
        return a + b
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
