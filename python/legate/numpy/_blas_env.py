"""OpenBLAS's kernel choice, made before any OpenBLAS is loaded.

OpenBLAS 0.3.21 (Debian 12's, the one our CPU tasks call) picks its kernels
from the CPU's family and model; a virtual machine that masks them (the GPU
hosts report "Intel(R) Xeon(R) Processor") gets its SSE3 kernels,
"Prescott": 7 GFLOP/s for a 512^3 DGEMM on one core where the same core runs
AVX-512 kernels at 42-58 (measured on an H100 host, session 22).  Unless the
user set OPENBLAS_CORETYPE, name the kernels the CPU's flags allow: SkylakeX
with AVX-512 (F, BW, VL, DQ), Haswell with AVX2 and FMA.  bin/legate applies
the same rule for the whole program."""

import os


def core_type(cpuinfo="/proc/cpuinfo"):
    """The OPENBLAS_CORETYPE the CPU's flags allow, or None."""
    try:
        with open(cpuinfo) as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return None
    have = set(flags)
    if {"avx512f", "avx512bw", "avx512vl", "avx512dq"} <= have:
        return "SkylakeX"
    if {"avx2", "fma"} <= have:
        return "Haswell"
    return None


def apply():
    if "OPENBLAS_CORETYPE" not in os.environ:
        core = core_type()
        if core:
            os.environ["OPENBLAS_CORETYPE"] = core
