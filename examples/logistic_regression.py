#!/usr/bin/env python3
"""Logistic regression by full-batch gradient descent.

X is n samples x d features (linear_regression.features) and the labels are
the sign of a linear function of them, a few of them flipped; each step
computes the probabilities 1 / (1 + exp(-X @ w)) and the gradient
X.T @ (p - y) / n. At the end the mean cross-entropy is printed.

    python3 examples/logistic_regression.py --module numpy --n 1000000 --d 32
    bin/legate examples/logistic_regression.py               # legate.numpy
    bin/legate examples/logistic_regression.py --check       # both, compared

``--check`` exits 0 and prints "check passed" when both modules agree, 1 on a
mismatch, 3 when legate.numpy cannot be imported.
"""

import sys

import example_util  # examples/, next to this file
from linear_regression import add_arguments, compare, features  # the same data and options


def make_data(np, n, d, dtype="float64"):
    """(X, y): y in {0, 1}, the sign of a linear function, 1 in 97 flipped."""
    X = features(np, n, d, dtype)
    w_true = (np.arange(d) / d - 0.5).astype(dtype)
    y = (X @ w_true > 0).astype(dtype)
    flip = (np.arange(n) % 97 == 0).astype(dtype)
    return X, np.abs(y - flip)


def fit(np, X, y, iters=50, lr=2.0):
    """Gradient descent on the mean cross-entropy; returns the weights."""
    n, d = X.shape
    w = np.zeros(d, dtype=X.dtype)
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        w = w - (lr / n) * (X.T @ (p - y))
    return w


def run(np, n, d, iters, dtype="float64"):
    X, y = make_data(np, n, d, dtype)
    return X, y, fit(np, X, y, iters)


def summarize(np, result):
    X, y, w = result
    z = X @ w
    # log(1 + exp(z)) - y z, the cross-entropy without overflow
    loss = np.mean(np.logaddexp(0.0, z) - y * z)
    return {"loss": float(loss), "accuracy": float(np.mean((z > 0) == (y > 0.5))), "w_sum": float(np.sum(w))}


def report(label, summary, elapsed):
    print("[%s] loss=%.10g  accuracy=%.6f  w_sum=%.10g  time=%.4f s"
          % (label, summary["loss"], summary["accuracy"], summary["w_sum"], elapsed))


def main(argv=None):
    ap, args = example_util.parse_args(__doc__, add_arguments, argv)
    print("logistic_regression: n=%d d=%d iters=%d" % (args.n, args.d, args.iters))
    return example_util.run_or_check(args, lambda np: run(np, args.n, args.d, args.iters),
                                     summarize, compare, report)


if __name__ == "__main__":
    sys.exit(main())
