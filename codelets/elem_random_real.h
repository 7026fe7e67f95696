/* The real samplers of elem_random.h in one precision: included once per
 * real type with LNP_RR the type and LNP_RS(name) the function name of
 * that instance (a generic written once for C and CUDA).  Every literal is
 * cast to LNP_RR so that float draws compute in float. */
#define R LNP_RR
#define C(x) ((R)(x))

/* uniform in [0, 1): 24 bits for float, 53 for double */
LNP_FN R LNP_RS(u01)(lnp_rng *g)
{
  const uint64_t x = lnp_rng_next(g);
  if (sizeof(R) == sizeof(float)) return (R)(x >> 40) * C(1.0 / 16777216.0);
  return (R)(x >> 11) * C(1.0 / 9007199254740992.0);
}
/* uniform in (0, 1]: log() of it is finite */
LNP_FN R LNP_RS(u01c)(lnp_rng *g)
{
  const uint64_t x = lnp_rng_next(g);
  if (sizeof(R) == sizeof(float)) return (R)((x >> 40) + 1) * C(1.0 / 16777216.0);
  return (R)((x >> 11) + 1) * C(1.0 / 9007199254740992.0);
}
/* uniform in (0, 1), never 1/2: odd multiples of 2^-24 / 2^-53 */
LNP_FN R LNP_RS(u01o)(lnp_rng *g)
{
  const uint64_t x = lnp_rng_next(g);
  if (sizeof(R) == sizeof(float)) return (R)((x >> 41) << 1 | 1) * C(1.0 / 16777216.0);
  return (R)((x >> 12) << 1 | 1) * C(1.0 / 9007199254740992.0);
}

/* standard normal: Marsaglia's polar method, one value per point (no
 * trigonometric call: 1.4x faster than Box-Muller's cosine with glibc);
 * the acceptance test is exact arithmetic, the same on every backend */
LNP_FN R LNP_RS(normal)(lnp_rng *g)
{
  for (;;) {
    const R x = C(2) * LNP_RS(u01)(g) - C(1), y = C(2) * LNP_RS(u01)(g) - C(1);
    const R s = x * x + y * y;
    if (s < C(1) && s > C(0)) return x * LNP_M(sqrt, C(-2) * LNP_M(log, s) / s);
  }
}

/* standard exponential: inversion */
LNP_FN R LNP_RS(expo)(lnp_rng *g) { return -LNP_M(log, LNP_RS(u01c)(g)); }

/* standard gamma(a), a >= 0: Marsaglia and Tsang's squeeze (2000); a < 1
 * from gamma(a + 1) * U^(1/a) */
LNP_FN R LNP_RS(gamma)(lnp_rng *g, R a)
{
  if (a == C(1)) return LNP_RS(expo)(g);
  if (!(a > 0)) return C(0);
  R boost = C(1);
  if (a < C(1)) {
    boost = LNP_M2(pow, LNP_RS(u01c)(g), C(1) / a);
    a += C(1);
  }
  const R d = a - C(1) / C(3), c = C(1) / LNP_M(sqrt, C(9) * d);
  for (;;) {
    R x, v;
    do {
      x = LNP_RS(normal)(g);
      v = C(1) + c * x;
    } while (v <= C(0));
    v = v * v * v;
    const R u = LNP_RS(u01)(g), x2 = x * x;
    if (u < C(1) - C(0.0331) * x2 * x2 || LNP_M(log, u) < C(0.5) * x2 + d * (C(1) - v + LNP_M(log, v)))
      return d * v * boost;
  }
}

/* beta(a, b): Johnk's algorithm when both are at most 1 (in logs where
 * both powers underflow), else from two gammas */
LNP_FN R LNP_RS(beta)(lnp_rng *g, R a, R b)
{
  if (a <= C(1) && b <= C(1)) {
    for (;;) {
      const R u = LNP_RS(u01o)(g), v = LNP_RS(u01o)(g);
      const R x = LNP_M2(pow, u, C(1) / a), y = LNP_M2(pow, v, C(1) / b), s = x + y;
      if (s <= C(1)) {
        if (s > C(0)) return x / s;
        R lx = LNP_M(log, u) / a, ly = LNP_M(log, v) / b;
        const R lm = lx > ly ? lx : ly;
        lx -= lm;
        ly -= lm;
        return LNP_M(exp, lx - LNP_M(log, LNP_M(exp, lx) + LNP_M(exp, ly)));
      }
    }
  }
  const R x = LNP_RS(gamma)(g, a), y = LNP_RS(gamma)(g, b);
  return x / (x + y);
}

/* ---- the ops: a value from (scalars, idx), parameters P(1..3).  Draws
 * are taken in statement order (C leaves the order of arguments open). ---- */
#define P(k) ((R)sc[k].f64)
#define LNP_RAND_OP(name, ...)                                                \
  LNP_FN R LNP_RS(op_##name)(const lnp_scalar *sc, int64_t idx)               \
  {                                                                           \
    lnp_rng g_ = lnp_rng_start(sc, idx), *g = &g_;                            \
    __VA_ARGS__                                                               \
  }

LNP_RAND_OP(uniform, return P(1) + (P(2) - P(1)) * LNP_RS(u01)(g);)
LNP_RAND_OP(normal, return P(1) + P(2) * LNP_RS(normal)(g);)
LNP_RAND_OP(exponential, return P(1) * LNP_RS(expo)(g);)
LNP_RAND_OP(gamma, return P(2) * LNP_RS(gamma)(g, P(1));)
LNP_RAND_OP(beta, return LNP_RS(beta)(g, P(1), P(2));)
LNP_RAND_OP(lognormal, return LNP_M(exp, P(1) + P(2) * LNP_RS(normal)(g));)
LNP_RAND_OP(logistic, {
  const R u = LNP_RS(u01o)(g);
  return P(1) + P(2) * LNP_M(log, u / (C(1) - u));
})
LNP_RAND_OP(laplace, {
  const R u = LNP_RS(u01o)(g);
  return u < C(0.5) ? P(1) + P(2) * LNP_M(log, u + u) : P(1) - P(2) * LNP_M(log, C(2) - (u + u));
})
LNP_RAND_OP(gumbel, return P(1) - P(2) * LNP_M(log, -LNP_M(log, LNP_RS(u01o)(g)));)
/* scale * weibull(a) (rayleigh: a = 2); a = 0 gives 0, as NumPy's */
LNP_RAND_OP(weibull, {
  if (P(1) == C(0)) return C(0);
  return P(2) * LNP_M2(pow, LNP_RS(expo)(g), C(1) / P(1));
})
LNP_RAND_OP(pareto, return LNP_M(expm1, LNP_RS(expo)(g) / P(1));)
LNP_RAND_OP(power, return LNP_M2(pow, LNP_RS(u01c)(g), C(1) / P(1));)
LNP_RAND_OP(cauchy, return LNP_M(tan, C(3.141592653589793238462643383279) * (LNP_RS(u01o)(g) - C(0.5)));)
/* triangular(left, mode, right) by inversion */
LNP_RAND_OP(triangular, {
  const R l = P(1), m = P(2), r = P(3), u = LNP_RS(u01)(g);
  if (u <= (m - l) / (r - l)) return l + LNP_M(sqrt, u * (r - l) * (m - l));
  return r - LNP_M(sqrt, (C(1) - u) * (r - l) * (r - m));
})
/* Student's t(df): z / sqrt(chi2(df) / df), chi2(df) = 2 gamma(df / 2) */
LNP_RAND_OP(standard_t, {
  const R z = LNP_RS(normal)(g);
  const R c = LNP_RS(gamma)(g, P(1) / C(2));
  return LNP_M(sqrt, P(1) / C(2)) * z / LNP_M(sqrt, c);
})
/* F(dfnum, dfden) = (chi2(dfnum) / dfnum) / (chi2(dfden) / dfden) */
LNP_RAND_OP(f, {
  const R a = LNP_RS(gamma)(g, P(1) / C(2));
  const R b = LNP_RS(gamma)(g, P(2) / C(2));
  return (a * P(2)) / (b * P(1));
})
/* Wald(mean, scale): Michael, Schucany and Haas (1976) */
LNP_RAND_OP(wald, {
  const R mu = P(1), lam = P(2), n = LNP_RS(normal)(g), y = mu * n * n;
  const R x = mu + (mu * y) / (C(2) * lam) - (mu / (C(2) * lam)) * LNP_M(sqrt, C(4) * lam * y + y * y);
  return LNP_RS(u01)(g) <= mu / (mu + x) ? x : (mu * mu) / x;
})
#undef LNP_RAND_OP

#undef P
#undef C
#undef R
