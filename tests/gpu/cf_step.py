"""Channel-flow step time at a given size, and the CPU time of the Python
thread per step (diagnostic: host-bound when it is near the step time):
   bin/legate --gpus 1 tests/gpu/cf_step.py [n] [nit] [steps]"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
import channel_flow  # noqa: E402
import legate.numpy as np  # noqa: E402
from legate.numpy import _core  # noqa: E402

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
nit = int(sys.argv[2]) if len(sys.argv) > 2 else 50
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
dt = channel_flow.stable_dt(n, n)
channel_flow.run(np, n, n, nit, max_steps=1, dt=dt)
_core.wait()
before = _core.task_counts()
t0 = time.perf_counter()
c0 = time.thread_time()
channel_flow.run(np, n, n, nit, max_steps=steps, dt=dt)
_core.wait()
t = (time.perf_counter() - t0) / steps
py_cpu = (time.thread_time() - c0) / steps
after = _core.task_counts()
tasks = (after["cuda"] + after["cpu"] - before["cuda"] - before["cpu"]) / steps
batches = (after["batches"] - before["batches"]) / steps
batched = (after["batched"] - before["batched"]) / steps
print(f"channel flow {n}^2 nit={nit}: {t * 1e3:.1f} ms/step, {tasks:.0f} loops/step, {t / max(tasks, 1) * 1e6:.1f} us/loop, "
      f"{batches:.0f} batches/step holding {batched:.0f} loops; loops run on cpu {after['cpu'] - before['cpu']}, "
      f"cuda {after['cuda'] - before['cuda']}; fused groups {(after['fused_groups'] - before['fused_groups']) / steps:.0f}"
      f"/step holding {(after['fused_loops'] - before['fused_loops']) / steps:.0f} loops, "
      f"{(after['fused_elided'] - before['fused_elided']) / steps:.0f} stores dropped; "
      f"Python thread busy {py_cpu * 1e3:.1f} ms/step", flush=True)
