#!/usr/bin/env python3
"""Jacobi iteration for the Laplace equation on a 2-D grid with fixed boundary.

The boundary holds 1 along the top row, 0 along the bottom row and the right
column, and falls linearly from 1 to 0 down the left column. Each sweep
replaces every interior point by the mean of its four neighbours, reading one
buffer and writing the other (double buffering). At the end the residual of
the discrete Laplace equation is printed.

    python3 examples/jacobi.py --module numpy --n 1000 --iters 100
    bin/legate examples/jacobi.py --n 1000 --iters 100     # legate.numpy
    bin/legate examples/jacobi.py --check                   # both, compared

``--check`` exits 0 and prints "check passed" when both modules agree, 1 on a
mismatch, 3 when legate.numpy cannot be imported.
"""

import sys

import example_util  # examples/, next to this file


def init(np, n):
    """The initial grid: fixed boundary values, zero interior."""
    a = np.zeros((n, n))
    a[0, :] = 1.0
    a[-1, :] = 0.0
    a[:, 0] = 1.0 - np.arange(n) / (n - 1)
    a[:, -1] = 0.0
    return a


def run(np, n=1000, iters=100):
    """``iters`` Jacobi sweeps on an n x n grid; returns the final grid."""
    a = init(np, n)
    b = a.copy()              # the second buffer shares the boundary
    for _ in range(iters):
        b[1:-1, 1:-1] = 0.25 * (a[:-2, 1:-1] + a[2:, 1:-1] +
                                a[1:-1, :-2] + a[1:-1, 2:])
        a, b = b, a
    return a


def residual(np, a):
    """(l2 norm, max norm) of the discrete Laplace residual on the interior."""
    r = a[1:-1, 1:-1] - 0.25 * (a[:-2, 1:-1] + a[2:, 1:-1] +
                                a[1:-1, :-2] + a[1:-1, 2:])
    return np.sqrt(np.sum(r * r)), np.max(np.abs(r))


def summarize(np, a):
    """Plain-Python summary of a result; forces completion of deferred work."""
    l2, linf = residual(np, a)
    return {
        "residual_l2": float(l2),
        "residual_max": float(linf),
        "sum": float(np.sum(a)),
        "center": float(a[a.shape[0] // 2, a.shape[1] // 2]),
    }


def compare(ref, res, rtol=1e-10, atol=1e-12):
    """Compare two grids (first from NumPy); returns a list of problems."""
    import numpy
    a = numpy.asarray(ref)
    b = numpy.asarray(res)
    if a.shape != b.shape:
        return ["shape %s vs %s" % (a.shape, b.shape)]
    if not numpy.allclose(a, b, rtol=rtol, atol=atol):
        return ["max abs difference %.3e (rtol=%g atol=%g)"
                % (numpy.max(numpy.abs(a - b)), rtol, atol)]
    return []


# ---------------------------------------------------------------------------
# Command line.
# ---------------------------------------------------------------------------

def report(label, summary, elapsed):
    print("[%s] residual l2=%.10g max=%.10g  sum=%.10g  center=%.10g  time=%.4f s"
          % (label, summary["residual_l2"], summary["residual_max"],
             summary["sum"], summary["center"], elapsed))


def add_arguments(ap):
    nonneg_int = example_util.nonneg_int
    ap.add_argument("--n", type=nonneg_int, default=1000, help="grid is n x n")
    ap.add_argument("--iters", type=nonneg_int, default=100, help="Jacobi sweeps")


def main(argv=None):
    ap, args = example_util.parse_args(__doc__, add_arguments, argv)
    if args.n < 3:
        ap.error("--n must be at least 3")

    print("jacobi: n=%d iters=%d" % (args.n, args.iters))
    return example_util.run_or_check(args, lambda np: run(np, args.n, args.iters),
                                     summarize, compare, report)


if __name__ == "__main__":
    sys.exit(main())
