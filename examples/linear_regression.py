#!/usr/bin/env python3
"""Linear regression by full-batch gradient descent on a tall-skinny matrix.

X is n samples x d features and y = X @ w_true plus a deterministic
perturbation; each step computes the residual r = X @ w - y and the gradient
X.T @ r / n, the two regression products (a matrix-vector product and a
transposed one) that dominate such programs. The data are built from
np.arange (no random generator), so NumPy and legate.numpy fit the same
problem.

    python3 examples/linear_regression.py --module numpy --n 1000000 --d 32
    bin/legate examples/linear_regression.py                 # legate.numpy
    bin/legate examples/linear_regression.py --check         # both, compared

``--check`` exits 0 and prints "check passed" when both modules agree, 1 on a
mismatch, 3 when legate.numpy cannot be imported.
"""

import sys

import example_util  # examples/, next to this file


def features(np, n, d, dtype="float64"):
    """n x d deterministic features in [-1, 1), of dtype."""
    i = np.arange(n * d, dtype=np.int64)
    return (((i * 2654435761) % 1000) / 500.0 - 1.0).reshape(n, d).astype(dtype)


def make_data(np, n, d, dtype="float64"):
    """(X, y): y a linear function of X's columns plus a perturbation."""
    X = features(np, n, d, dtype)
    w_true = (np.arange(d) / d - 0.5).astype(dtype)
    noise = ((np.arange(n) * 7919) % 101 / 1000.0 - 0.05).astype(dtype)
    return X, X @ w_true + noise


def fit(np, X, y, iters=50, lr=0.5):
    """Gradient descent on the mean squared error; returns the weights."""
    n, d = X.shape
    w = np.zeros(d, dtype=X.dtype)
    for _ in range(iters):
        r = X @ w - y
        w = w - (lr / n) * (X.T @ r)
    return w


def run(np, n, d, iters, dtype="float64"):
    X, y = make_data(np, n, d, dtype)
    return X, y, fit(np, X, y, iters)


def summarize(np, result):
    X, y, w = result
    r = X @ w - y
    return {"mse": float(np.mean(r * r)), "w_sum": float(np.sum(w)), "w_norm": float(np.sqrt(np.sum(w * w)))}


def compare(ref, res, rtol=1e-8):
    import numpy
    a, b = numpy.asarray(ref[2]), numpy.asarray(res[2])
    if not numpy.allclose(a, b, rtol=rtol, atol=rtol):
        return ["weights differ by %.3e" % numpy.max(numpy.abs(a - b))]
    return []


def report(label, summary, elapsed):
    print("[%s] mse=%.10g  w_sum=%.10g  |w|=%.10g  time=%.4f s"
          % (label, summary["mse"], summary["w_sum"], summary["w_norm"], elapsed))


def add_arguments(ap):
    pos = example_util.positive_int
    ap.add_argument("--n", type=pos, default=200000, help="samples")
    ap.add_argument("--d", type=pos, default=16, help="features")
    ap.add_argument("--iters", type=example_util.nonneg_int, default=30, help="gradient steps")


def main(argv=None):
    ap, args = example_util.parse_args(__doc__, add_arguments, argv)
    print("linear_regression: n=%d d=%d iters=%d" % (args.n, args.d, args.iters))
    return example_util.run_or_check(args, lambda np: run(np, args.n, args.d, args.iters),
                                     summarize, compare, report)


if __name__ == "__main__":
    sys.exit(main())
