"""The regression products side by side: X @ w, v @ X and X.T @ v (and the
column sums X.sum(axis=0), a reduction along the long axis) for a
tall-skinny float32 X (default 5,000,000 x 32), NumPy and legate.numpy (and
CuPy with --gpu), best of --repeat runs after one warm-up, with the spread.

    bin/legate benchmarks/regression_products.py [--rows N] [--cols K] [--repeat R]
    bin/legate --gpus 1 benchmarks/regression_products.py --gpu
"""
import argparse
import time

import numpy as onp


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--cols", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--gpu", action="store_true", help="CuPy instead of NumPy as the peer")
    args = ap.parse_args()
    import legate.numpy as lnp
    rng = onp.random.default_rng(0)
    X = rng.standard_normal((args.rows, args.cols)).astype(onp.float32)
    w = rng.standard_normal(args.cols).astype(onp.float32)
    v = rng.standard_normal(args.rows).astype(onp.float32)
    if args.gpu:
        import cupy as peer
        sync_peer = lambda r: float(peer.sum(r))  # noqa: E731
        pname = "cupy"
    else:
        peer = onp
        sync_peer = lambda r: None  # noqa: E731
        pname = "numpy"
    P = [peer.asarray(t) for t in (X, w, v)]
    L = [lnp.array(t) for t in (X, w, v)]

    def best(f, sync):
        ts = []
        for _ in range(args.repeat + 1):
            t0 = time.perf_counter()
            sync(f())
            ts.append(time.perf_counter() - t0)
        ts = sorted(ts[1:])
        return ts[0], ts[-1]
    print("%-8s %22s %22s %7s" % ("product", pname, "legate", "ratio"))
    for name, f in [("X @ w", lambda m: m[0] @ m[1]), ("v @ X", lambda m: m[2] @ m[0]),
                    ("X.T @ v", lambda m: m[0].T @ m[2]), ("X.sum(0)", lambda m: m[0].sum(axis=0))]:
        a = best(lambda: f(P), sync_peer)
        b = best(lambda: f(L), lambda r: float(lnp.sum(r)))
        print("%-8s %9.2f ms (-%6.2f) %9.2f ms (-%6.2f) %6.2fx" % (name, a[0] * 1e3, a[1] * 1e3, b[0] * 1e3,
                                                               b[1] * 1e3, a[0] / b[0]))


if __name__ == "__main__":
    main()
