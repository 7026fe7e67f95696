"""CPU peers of legate.numpy for benchmarks/run.py: Dask's threaded arrays
and numexpr (Debian's python3-dask, python3-numexpr; scripts/install-deps.sh
--peers installs them).  Neither is a drop-in NumPy module, so each case a
peer applies to is written here in that peer's idiom, computing the same
summary as the case's NumPy program (run.py checks the values agree):

    bin/legate benchmarks/run.py --only black_scholes,jacobi,sum,add \\
        --modules numpy,legate,dask,numexpr

A peer uses every core (numexpr's threads, Dask's threaded scheduler with
one chunk pair per core); cases it has no version of show "-".
"""

import os
import sys

import numpy

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "examples"))

import black_scholes  # noqa: E402
import jacobi         # noqa: E402

PEERS = ("dask", "numexpr")
CORES = os.cpu_count() or 1
SYNC_STRIDE = 64  # run.py sets its own: the sampled sum that ends a + b


def _sync(c, full):
    return float(c.sum()) if full else float(c[::SYNC_STRIDE, ::SYNC_STRIDE].sum())


def _values(summary):
    return tuple(float(summary[k]) for k in sorted(summary))


def _matrix(n, scale, shift):
    x = numpy.arange(n) / n
    return (x[:, None] * scale + x[None, :]) + shift


# ---------------------------------------------------------------- numexpr

def _ne():
    import numexpr
    numexpr.set_num_threads(CORES)
    return numexpr


def numexpr_black_scholes(p):
    ne = _ne()
    bs = black_scholes
    consts = {"r": bs.RISK_FREE, "P": bs.P, "A1": bs.A1, "A2": bs.A2, "A3": bs.A3, "A4": bs.A4,
              "A5": bs.A5, "R": bs.RSQRT2PI}
    cnd = ("where({d} > 0, 1.0 - R * exp(-0.5 * {d} * {d}) * {k} * (A1 + {k} * (A2 + {k} * (A3 + {k} * "
           "(A4 + {k} * A5)))), R * exp(-0.5 * {d} * {d}) * {k} * (A1 + {k} * (A2 + {k} * (A3 + {k} * "
           "(A4 + {k} * A5)))))")

    def fn():
        i = numpy.arange(p["n"])
        v = dict(consts, i=i)
        S = ne.evaluate("10.0 + 90.0 * ((i * 7919) % 1000) / 1000.0", v)
        K = ne.evaluate("10.0 + 90.0 * ((i * 104729) % 1009) / 1009.0", v)
        T = ne.evaluate("0.1 + 2.9 * ((i * 7907) % 997) / 997.0", v)
        sigma = ne.evaluate("0.1 + 0.4 * ((i * 6011) % 991) / 991.0", v)
        v.update(S=S, K=K, T=T, sigma=sigma)
        v["d1"] = d1 = ne.evaluate("(log(S / K) + (r + 0.5 * sigma * sigma) * T) / (sigma * sqrt(T))", v)
        v["d2"] = ne.evaluate("d1 - sigma * sqrt(T)", v)
        v["dk"] = ne.evaluate("K * exp(-r * T)", v)
        for name, d in (("k1", "d1"), ("k2", "d2")):
            v[name] = ne.evaluate("1.0 / (1.0 + P * abs(%s))" % d, v)
        c1 = ne.evaluate(cnd.format(d="d1", k="k1"), v)
        c2 = ne.evaluate(cnd.format(d="d2", k="k2"), v)
        m1 = ne.evaluate(cnd.format(d="(-d1)", k="k1"), v)
        m2 = ne.evaluate(cnd.format(d="(-d2)", k="k2"), v)
        v.update(c1=c1, c2=c2, m1=m1, m2=m2)
        call = ne.evaluate("S * c1 - dk * c2", v)
        put = ne.evaluate("dk * m2 - S * m1", v)
        del d1
        return _values(black_scholes.summarize(numpy, (call, put, S, K, T)))
    return fn


def numexpr_jacobi(p):
    ne = _ne()

    def fn():
        a = jacobi.init(numpy, p["n"])
        b = a.copy()
        for _ in range(p["iters"]):
            ne.evaluate("0.25 * (n + s + w + e)",
                        {"n": a[:-2, 1:-1], "s": a[2:, 1:-1], "w": a[1:-1, :-2], "e": a[1:-1, 2:]},
                        out=b[1:-1, 1:-1])
            a, b = b, a
        return _values(jacobi.summarize(numpy, a))
    return fn


def numexpr_add(p, full_sync=False):
    ne = _ne()
    a, b = _matrix(p["n"], 0.5, 1.0), _matrix(p["n"], -0.25, 2.0)

    def fn():
        c = ne.evaluate("a + b", {"a": a, "b": b})
        return (_sync(c, full_sync),)
    return fn


def numexpr_sum(p, full_sync=False):
    ne = _ne()
    a = _matrix(p["n"], 0.5, 1.0)

    def fn():
        return (float(ne.evaluate("sum(a)", {"a": a})),)
    return fn


# ------------------------------------------------------------------- Dask

def _chunks(n):
    return max(1, -(-n // (2 * CORES)))


def dask_black_scholes(p):
    import dask
    import dask.array as da

    class DaskNumPy:
        """The example's np: dask.array, arange cut into 2 chunks a core."""
        def __getattr__(self, name):
            return getattr(da, name)

        def arange(self, n):
            return da.arange(n, chunks=_chunks(n))

    dnp = DaskNumPy()

    def fn():
        call, put, S, K, T = black_scholes.run(dnp, p["n"])
        parity = da.max(da.abs((call - put) - (S - K * da.exp(-black_scholes.RISK_FREE * T))))
        sc, sp, pe = dask.compute(da.sum(call), da.sum(put), parity)  # one pass over the graph
        return _values({"n": p["n"], "sum_call": sc, "sum_put": sp, "parity_err": pe})
    return fn


def dask_add(p, full_sync=False):
    import dask.array as da
    a = da.from_array(_matrix(p["n"], 0.5, 1.0), chunks=(_chunks(p["n"]), p["n"]))
    b = da.from_array(_matrix(p["n"], -0.25, 2.0), chunks=(_chunks(p["n"]), p["n"]))

    def fn():
        c = (a + b).compute()
        return (_sync(c, full_sync),)
    return fn


def dask_sum(p, full_sync=False):
    import dask.array as da
    a = da.from_array(_matrix(p["n"], 0.5, 1.0), chunks=(_chunks(p["n"]), p["n"]))

    def fn():
        return (float(a.sum().compute()),)
    return fn


SETUPS = {
    "numexpr": {"black_scholes": numexpr_black_scholes, "jacobi": numexpr_jacobi, "add": numexpr_add,
                "sum": numexpr_sum},
    "dask": {"black_scholes": dask_black_scholes, "add": dask_add, "sum": dask_sum},
}


def available(label):
    """The peer's module imports here (else run.py says so and skips it)."""
    try:
        __import__({"dask": "dask.array", "numexpr": "numexpr"}[label])
        return True
    except ImportError as exc:
        print("%s could not be imported: %s (scripts/install-deps.sh --peers installs it)" % (label, exc),
              file=sys.stderr)
        return False


def setup(label, case, params, full_sync):
    """The timed function of a case for a peer, or None when it has none."""
    f = SETUPS[label].get(case)
    if f is None:
        return None
    return f(params, full_sync=full_sync) if case in ("add", "sum") else f(params)
