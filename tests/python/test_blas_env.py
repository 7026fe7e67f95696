"""OpenBLAS's kernels named by the CPU's flags before OpenBLAS loads
(python/legate/numpy/_blas_env.py, bin/legate): a VM that masks the CPU
model got OpenBLAS 0.3.21's SSE3 kernels (6x slower DGEMM)."""

import os
import subprocess
import sys

import pytest

from conftest import AGAINST_NUMPY, REPO, subprocess_env

pytestmark = pytest.mark.skipif(AGAINST_NUMPY, reason="legate.numpy's start-up")


@pytest.mark.parametrize("flags,want", [
    ("fpu sse sse2 avx2 fma", "Haswell"),
    ("fpu avx2 fma avx512f avx512dq avx512bw avx512vl", "SkylakeX"),
    ("fpu avx512f avx512bw avx512vl avx2 fma", "Haswell"),  # no DQ: not SkylakeX's kernels
    ("fpu sse sse2 sse3", None),
    ("avx512f avx2", None),
])
def test_core_type_from_flags(tmp_path, flags, want):
    from legate.numpy._blas_env import core_type
    p = tmp_path / "cpuinfo"
    p.write_text("processor\t: 0\nflags\t\t: %s\n" % flags)
    assert core_type(str(p)) == want


def test_missing_cpuinfo(tmp_path):
    from legate.numpy._blas_env import core_type
    assert core_type(str(tmp_path / "none")) is None


@pytest.mark.parametrize("preset", [None, "Zen"])
def test_driver_and_package_keep_a_users_choice(preset):
    from legate.numpy._blas_env import core_type
    env = subprocess_env(LEGATE_PYTHON=sys.executable)
    env.pop("OPENBLAS_CORETYPE", None)
    if preset:
        env["OPENBLAS_CORETYPE"] = preset
    want = preset or core_type() or "unset"
    prog = "import os; print('CT', os.environ.get('OPENBLAS_CORETYPE', 'unset'))"
    r = subprocess.run([os.path.join(REPO, "bin", "legate"), "--", "-c", prog], env=env, capture_output=True,
                       text=True, timeout=60)
    assert "CT " + want in r.stdout, r.stdout + r.stderr
    prog = "import legate.numpy, os; print('CT', os.environ.get('OPENBLAS_CORETYPE', 'unset'))"
    r = subprocess.run([sys.executable, "-c", prog], env=env, capture_output=True, text=True, timeout=120)
    assert "CT " + want in r.stdout, r.stdout + r.stderr
