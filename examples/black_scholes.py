#!/usr/bin/env python3
"""Vectorised Black-Scholes pricing of European call and put options.

Inputs are deterministic and built from np.arange (no random generator, so
NumPy and legate.numpy price identical options): spot S in [10, 100), strike
K in [10, 100), maturity T in [0.1, 3) years, volatility sigma in [0.1, 0.5),
and a fixed risk-free rate. The cumulative normal distribution uses the
Abramowitz-Stegun polynomial approximation (26.2.17, |error| < 7.5e-8) with
np.where, no erf.

    python3 examples/black_scholes.py --module numpy --n 1000000
    bin/legate examples/black_scholes.py                    # legate.numpy
    bin/legate examples/black_scholes.py --check            # both, compared

``--check`` exits 0 and prints "check passed" when both modules agree, 1 on a
mismatch, 3 when legate.numpy cannot be imported.
"""

import sys

import example_util  # examples/, next to this file

RISK_FREE = 0.02

# Abramowitz & Stegun 26.2.17
A1 = 0.31938153
A2 = -0.356563782
A3 = 1.781477937
A4 = -1.821255978
A5 = 1.330274429
P = 0.2316419
RSQRT2PI = 0.39894228040143267794   # 1 / sqrt(2 pi)


def make_inputs(np, n):
    """Deterministic, well-spread option parameters: (S, K, T, sigma)."""
    i = np.arange(n)
    S = 10.0 + 90.0 * ((i * 7919) % 1000) / 1000.0
    K = 10.0 + 90.0 * ((i * 104729) % 1009) / 1009.0
    T = 0.1 + 2.9 * ((i * 7907) % 997) / 997.0
    sigma = 0.1 + 0.4 * ((i * 6011) % 991) / 991.0
    return S, K, T, sigma


def cnd(np, d):
    """Cumulative standard normal distribution (Abramowitz-Stegun)."""
    k = 1.0 / (1.0 + P * np.abs(d))
    poly = k * (A1 + k * (A2 + k * (A3 + k * (A4 + k * A5))))
    w = RSQRT2PI * np.exp(-0.5 * d * d) * poly
    return np.where(d > 0, 1.0 - w, w)


def black_scholes(np, S, K, T, sigma, r=RISK_FREE):
    """Call and put prices of European options."""
    sqrt_t = np.sqrt(T)
    d1 = (np.log(S / K) + (r + 0.5 * sigma * sigma) * T) / (sigma * sqrt_t)
    d2 = d1 - sigma * sqrt_t
    discounted_k = K * np.exp(-r * T)
    call = S * cnd(np, d1) - discounted_k * cnd(np, d2)
    put = discounted_k * cnd(np, -d2) - S * cnd(np, -d1)
    return call, put


def run(np, n=1_000_000):
    """Price n options; returns (call, put, S, K, T)."""
    S, K, T, sigma = make_inputs(np, n)
    call, put = black_scholes(np, S, K, T, sigma)
    return call, put, S, K, T


def summarize(np, result):
    """Plain-Python summary of a result; forces completion of deferred work."""
    call, put, S, K, T = result
    # put-call parity C - P = S - K exp(-rT) holds up to the CND error
    parity = np.max(np.abs((call - put) - (S - K * np.exp(-RISK_FREE * T))))
    return {
        "n": int(call.shape[0]),
        "sum_call": float(np.sum(call)),
        "sum_put": float(np.sum(put)),
        "parity_err": float(parity),
    }


def compare(ref, res, rtol=1e-9, atol=1e-9):
    """Compare call and put prices (first from NumPy); returns problems."""
    import numpy
    problems = []
    for name, a, b in zip(("call", "put"), ref[:2], res[:2]):
        a = numpy.asarray(a)
        b = numpy.asarray(b)
        if a.shape != b.shape:
            problems.append("%s: shape %s vs %s" % (name, a.shape, b.shape))
        elif not numpy.allclose(a, b, rtol=rtol, atol=atol):
            problems.append("%s: max abs difference %.3e (rtol=%g atol=%g)"
                            % (name, numpy.max(numpy.abs(a - b)), rtol, atol))
    return problems


# ---------------------------------------------------------------------------
# Command line.
# ---------------------------------------------------------------------------

def report(label, summary, elapsed):
    print("[%s] n=%d  sum(call)=%.10g  sum(put)=%.10g  parity err=%.3g  time=%.4f s"
          % (label, summary["n"], summary["sum_call"], summary["sum_put"],
             summary["parity_err"], elapsed))


def positive_int(text):
    """A positive integer; '_' may stand anywhere in it (1_000_000)."""
    return example_util.positive_int(text, ignore="_")


def add_arguments(ap):
    ap.add_argument("--n", type=positive_int, default=1_000_000,
                    help="number of options (default 1000000)")


def main(argv=None):
    ap, args = example_util.parse_args(__doc__, add_arguments, argv)

    print("black-scholes: n=%d" % args.n)
    return example_util.run_or_check(args, lambda np: run(np, args.n),
                                     summarize, compare, report)


if __name__ == "__main__":
    sys.exit(main())
