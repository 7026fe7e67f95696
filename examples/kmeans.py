#!/usr/bin/env python3
"""k-means clustering (Lloyd's iterations) of n points in d dimensions.

The points lie around k well-separated centres (point i around centre
i % k, offsets from np.arange), and the first k points start as the
centroids. Each iteration assigns every point to its nearest centroid
(squared distances as |x|^2 - 2 x.c + |c|^2, a matrix product) and moves
each centroid to the mean of its points (a one-hot matrix's product with the
points). At the end the inertia (sum of squared distances) is printed.

    python3 examples/kmeans.py --module numpy --n 1000000 --d 8 --k 16
    bin/legate examples/kmeans.py                            # legate.numpy
    bin/legate examples/kmeans.py --check                    # both, compared

``--check`` exits 0 and prints "check passed" when both modules agree, 1 on a
mismatch, 3 when legate.numpy cannot be imported.
"""

import sys

import example_util  # examples/, next to this file


def make_points(np, n, d, k, dtype="float64"):
    """n points around k centres spread over a cube of side 10 k."""
    c = np.arange(k * d, dtype=np.int64).reshape(k, d)
    centres = ((c * 7919) % (10 * k)).astype(dtype)
    i = np.arange(n * d, dtype=np.int64)
    offsets = (((i * 2654435761) % 1000) / 1000.0 - 0.5).reshape(n, d).astype(dtype)
    return centres[np.arange(n) % k] + offsets


def assign(np, X, C):
    """The index of each point's nearest centroid and the squared distance."""
    d2 = np.sum(X * X, axis=1)[:, None] - 2.0 * (X @ C.T) + np.sum(C * C, axis=1)[None, :]
    labels = np.argmin(d2, axis=1)
    return labels, np.min(d2, axis=1)


def fit(np, X, k, iters=10):
    """Lloyd's iterations from the first k points; returns the centroids."""
    C = X[:k].copy()
    for _ in range(iters):
        labels, _ = assign(np, X, C)
        onehot = (labels[:, None] == np.arange(k)[None, :]).astype(X.dtype)
        counts = np.sum(onehot, axis=0)
        C = (onehot.T @ X) / np.maximum(counts, 1.0)[:, None]
    return C


def run(np, n, d, k, iters, dtype="float64"):
    X = make_points(np, n, d, k, dtype)
    return X, fit(np, X, k, iters)


def summarize(np, result):
    X, C = result
    labels, dist = assign(np, X, C)
    return {"inertia": float(np.sum(np.maximum(dist, 0.0))), "centroid_sum": float(np.sum(C)),
            "label_sum": int(np.sum(labels))}


def compare(ref, res, rtol=1e-9):
    import numpy
    a, b = numpy.asarray(ref[1]), numpy.asarray(res[1])
    if a.shape != b.shape or not numpy.allclose(a, b, rtol=rtol, atol=rtol):
        return ["centroids differ by %.3e" % numpy.max(numpy.abs(a - b))]
    return []


def report(label, summary, elapsed):
    print("[%s] inertia=%.10g  centroid_sum=%.10g  label_sum=%d  time=%.4f s"
          % (label, summary["inertia"], summary["centroid_sum"], summary["label_sum"], elapsed))


def add_arguments(ap):
    pos = example_util.positive_int
    ap.add_argument("--n", type=pos, default=200000, help="points")
    ap.add_argument("--d", type=pos, default=8, help="dimensions")
    ap.add_argument("--k", type=pos, default=16, help="clusters")
    ap.add_argument("--iters", type=example_util.nonneg_int, default=10, help="Lloyd iterations")


def main(argv=None):
    ap, args = example_util.parse_args(__doc__, add_arguments, argv)
    if args.k > args.n:
        ap.error("--k must not exceed --n")
    print("kmeans: n=%d d=%d k=%d iters=%d" % (args.n, args.d, args.k, args.iters))
    return example_util.run_or_check(args, lambda np: run(np, args.n, args.d, args.k, args.iters),
                                     summarize, compare, report)


if __name__ == "__main__":
    sys.exit(main())
