"""The same program under several StarPU scheduling policies (STARPU_SCHED),
in test mode (tiny tiles, no eager path), gives NumPy's answer."""

import json
import subprocess
import sys
import textwrap

import pytest

from conftest import AGAINST_NUMPY, children_only, subprocess_env

pytestmark = children_only

PROGRAM = textwrap.dedent(
    """
    import json, os, sys
    if os.environ.get("LNP_TESTS_AGAINST_NUMPY", "") not in ("", "0"):
        import numpy as np
        sched = None
    else:
        import legate.numpy as np
        try:
            from legate.numpy import _core
            sched = _core.config().get("sched")
        except Exception:  # config() is optional for this test
            sched = None

    n = 14
    u = np.zeros((n, n + 3))
    u[0, :] = 1.0
    u[:, -1] = 2.0
    it = 0
    res = 1.0
    while res > 1e-3 and it < 500:
        new = u.copy()
        new[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        new[1:-1, 0] = new[1:-1, -2] * 0.5   # periodic-like column
        res = float(np.max(np.abs(new - u)))
        u = new
        it += 1
    a = np.arange(60.0).reshape(6, 10) % 7
    prod = a @ a.T
    out = {
        "it": it,
        "res": repr(res),
        "sum": repr(float(u.sum())),
        "col": [repr(float(x)) for x in np.asarray(u[:, 3])],
        "argmax": int(np.argmax(u[1:-1, 1:-1])),
        "mm": repr(float(prod.sum())),
        "sched": sched,
        "parallel": None if sched is None else _core.task_counts()["parallel"],
    }
    print("RESULT " + json.dumps(out))
    """
)


def _run(env_extra, unset=()):
    env = subprocess_env(**env_extra)
    for k in unset:
        env.pop(k, None)
    r = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 0, f"rc={r.returncode}\nstdout:\n{r.stdout[-2000:]}\nstderr:\n{r.stderr[-4000:]}"
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"no result line\nstdout:\n{r.stdout[-2000:]}\nstderr:\n{r.stderr[-2000:]}"
    return json.loads(lines[-1][len("RESULT "):])


@pytest.fixture(scope="module")
def reference():
    return _run({"LNP_TESTS_AGAINST_NUMPY": "1"})


# peager and pheft run the parallel (STARPU_FORKJOIN) kernels on combined
# workers, with one OpenMP thread per core (StarPU 1.3.10 handed those
# kernels NULL buffers: our patch starpu-1.3.10-parallel-task-interfaces)
PARALLEL_POLICIES = ("peager", "pheft")


@pytest.mark.parametrize("sched", ["dmda", "eager", "lws", "lnp", "ws", "dmdas", *PARALLEL_POLICIES])
def test_scheduler_policy(sched, reference):
    extra = {"STARPU_SCHED": sched, "LEGATE_NUMPY_TEST": "1"}
    if sched in PARALLEL_POLICIES:
        extra["STARPU_NCPU"] = "2"  # a combined worker needs two
    if AGAINST_NUMPY:
        extra["LNP_TESTS_AGAINST_NUMPY"] = "1"
    got = _run(extra)
    assert reference["it"] > 10
    for key in ("it", "argmax"):
        assert got[key] == reference[key], f"{key}: {got[key]} != {reference[key]}"
    assert [float(x) for x in got["col"]] == pytest.approx([float(x) for x in reference["col"]], rel=1e-12)
    for key in ("res", "sum", "mm"):
        assert float(got[key]) == pytest.approx(float(reference[key]), rel=1e-12), key
    if got["sched"] is not None:
        assert got["sched"] == sched, f"library reports scheduler {got['sched']!r}"
        if sched in PARALLEL_POLICIES:
            assert got["parallel"] > 0, "no kernel ran on a combined worker"


def test_default_scheduler(reference):
    extra = {"LEGATE_NUMPY_TEST": "1"}
    if AGAINST_NUMPY:
        extra["LNP_TESTS_AGAINST_NUMPY"] = "1"
    got = _run(extra, unset=("STARPU_SCHED",))
    assert got["it"] == reference["it"]
    assert float(got["sum"]) == pytest.approx(float(reference["sum"]), rel=1e-12)
