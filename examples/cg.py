#!/usr/bin/env python3
"""Conjugate gradients for the 2-D Poisson equation, matrix-free.

Solves -Laplace(u) = f on the interior of an n x n grid with u = 0 on the
boundary, the five-point operator applied by slicing (no matrix), f a
deterministic pattern. Each iteration is one operator application, two dot
products and three vector updates; the step sizes stay arrays (no host
round trip per iteration). At the end the residual norm is printed.

    python3 examples/cg.py --module numpy --n 1000 --iters 200
    bin/legate examples/cg.py                                # legate.numpy
    bin/legate examples/cg.py --check                        # both, compared

``--check`` exits 0 and prints "check passed" when both modules agree, 1 on a
mismatch, 3 when legate.numpy cannot be imported.
"""

import sys

import example_util  # examples/, next to this file


def laplacian(np, p):
    """The five-point operator (4 p minus the four neighbours, zero outside)."""
    q = 4.0 * p
    q[1:, :] -= p[:-1, :]
    q[:-1, :] -= p[1:, :]
    q[:, 1:] -= p[:, :-1]
    q[:, :-1] -= p[:, 1:]
    return q


def rhs(np, n):
    i = np.arange(n * n, dtype=np.int64).reshape(n, n)
    return ((i * 7919) % 1009) / 1009.0


def solve(np, b, iters):
    """iters conjugate-gradient steps from zero; returns the solution."""
    x = np.zeros_like(b)
    r = b.copy()
    p = r.copy()
    rr = np.sum(r * r)
    for _ in range(iters):
        q = laplacian(np, p)
        alpha = rr / np.sum(p * q)
        x += alpha * p
        r -= alpha * q
        rr_new = np.sum(r * r)
        p = r + (rr_new / rr) * p
        rr = rr_new
    return x


def run(np, n, iters):
    b = rhs(np, n)
    return b, solve(np, b, iters)


def summarize(np, result):
    b, x = result
    r = b - laplacian(np, x)
    return {"residual": float(np.sqrt(np.sum(r * r))), "x_sum": float(np.sum(x)), "x_max": float(np.max(x))}


def compare(ref, res, rtol=1e-7):
    import numpy
    a, b = numpy.asarray(ref[1]), numpy.asarray(res[1])
    if not numpy.allclose(a, b, rtol=rtol, atol=rtol * numpy.max(numpy.abs(a))):
        return ["solutions differ by %.3e" % numpy.max(numpy.abs(a - b))]
    return []


def report(label, summary, elapsed):
    print("[%s] residual=%.10g  x_sum=%.10g  x_max=%.10g  time=%.4f s"
          % (label, summary["residual"], summary["x_sum"], summary["x_max"], elapsed))


def add_arguments(ap):
    ap.add_argument("--n", type=example_util.positive_int, default=500, help="grid is n x n")
    ap.add_argument("--iters", type=example_util.nonneg_int, default=100, help="CG iterations")


def main(argv=None):
    ap, args = example_util.parse_args(__doc__, add_arguments, argv)
    print("cg: n=%d iters=%d" % (args.n, args.iters))
    return example_util.run_or_check(args, lambda np: run(np, args.n, args.iters), summarize, compare, report)


if __name__ == "__main__":
    sys.exit(main())
