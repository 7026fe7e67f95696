"""NumPy's own inner loops on the CPU workers for the ops whose element
function is a libm call (exp, log, sin, power, ...), and for float
arithmetic (below): NumPy runs SIMD loops
there (SVML's under AVX-512, its own AVX2/AVX-512 ones for float32), several
times faster than libm's scalar calls, and users compare against their
values; calling them gives NumPy's speed per core and NumPy's results to
the bit.  The loops come from NumPy's ufunc objects (their loop tables, a
public part of the ufunc struct in NumPy 1.x and 2.x), matched by the
operands' type numbers; the C side (codelets/loop.h lnp_loop_use_numpy)
runs them on each piece of a tile, keeping its own loop only to accumulate
a reduction's run.  GPUs keep elem.h's.  ``LEGATE_NUMPY_NUMPY_LOOPS=0``
keeps ours everywhere (to compare)."""

import os

import numpy as _np

# NumPy ufuncs computed by libm in elem.h, for the float and complex dtypes
UFUNCS = ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan",
          "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
          "arctanh", "cbrt", "power", "arctan2", "hypot", "logaddexp", "logaddexp2")
DTYPES = ("float16", "float32", "float64", "complex64", "complex128")
# ...and the arithmetic ones for the real floats: exact IEEE operations, so
# the values are the same, but NumPy's loops are SIMD for this CPU (AVX2,
# AVX-512) where our portable build is SSE2: the same speed over memory,
# 2-4x faster over the cache-sized blocks of a fused group (fuse_cpu.c)
ARITH_UFUNCS = ("add", "subtract", "multiply", "divide", "maximum", "minimum", "fmax", "fmin", "negative",
                "square", "sqrt", "reciprocal")
ARITH_DTYPES = ("float32", "float64")

# (ufunc name, dtype name) -> whether the CPU workers run NumPy's loop
INSTALLED = {}


def install(core):
    if os.environ.get("LEGATE_NUMPY_NUMPY_LOOPS", "1") in ("0", ""):
        return
    uftype = type(_np.exp)
    for op, row in enumerate(core.op_table()):
        name, uf, nin, kind = row[:4]
        if kind != "S" or (uf not in UFUNCS and uf not in ARITH_UFUNCS):
            continue
        npuf = getattr(_np, uf)
        for dt in DTYPES if uf in UFUNCS else ARITH_DTYPES:
            num = _np.dtype(dt).num
            ours = getattr(core, "DT_" + dt.upper())
            INSTALLED[(uf, dt)] = core.use_numpy_loop(op, ours, npuf, uftype, (num,) * (nin + 1),
                                                      uf in ARITH_UFUNCS)
