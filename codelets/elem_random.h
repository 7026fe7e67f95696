/* What the random generators of the op catalogue (the RANDOM_* rows of
 * op_table.h) compute for one element, written once for the CPU loops
 * (loop_cpu.c, also run on the host for small NumPy-backed arrays) and the
 * CUDA kernels (loop_cuda_random.cu), like elem.h: the backend
 * (elem_host.h, elem_device.h) supplies LNP_M* (libm / libdevice), LNP_FN
 * and LNP_MULHI64.  Not part of the fused kernels' text (NVRTC would need
 * Random123's headers; generators never fuse).
 *
 * A counter-based generator, Random123's Philox4x32-10: the value of an
 * element is a pure function of
 *   key     64 bits, the generator's seed (words 0-1 of scalars[0])
 *   stream  64 bits, the generator's call counter (words 2-3 of scalars[0]):
 *           every call of a generator draws from a stream of its own
 *   idx     the element's index in C order (the loop's global index)
 *   draw    which 128-bit block of the element's own sequence (rejection
 *           samplers take as many as they need)
 * as the counter {idx low 32 bits, idx bits 32-47 | draw << 16, stream low,
 * stream high}.  So an array's values do not depend on its tiling, the
 * workers, the ranks or the device; only the math libraries' last bits
 * may differ between CPU and GPU (the table's ulp column).  Indices stay
 * below 2^48; the draw number wraps after 2^16 blocks (2^17 64-bit words
 * for one element: never reached by these samplers).
 *
 * Parameters are scalars[1..3] (f64, or i64/u64 for integer ones), one a
 * scalar.  Semantics: LNP_E_RANDOM_<NAME>_<ek>(z, sc, idx), z a zero of the
 * compute type (float32 draws are computed in float from 24-bit uniforms,
 * float64 in double from 53-bit ones), sc the loop's scalars. */
#ifndef LNP_ELEM_RANDOM_H
#define LNP_ELEM_RANDOM_H

#include <Random123/philox.h>
#include <stdint.h>
#include <string.h>
#include "../data-interfaces/dtypes.h"
#if defined(__CUDACC__)
#include "elem_device.h"
#else
#include "elem_host.h"
#endif

typedef struct lnp_rng {
  philox4x32_key_t key;
  philox4x32_ctr_t ctr;
  philox4x32_ctr_t out; /* the current block */
  unsigned used;        /* its 64-bit halves consumed */
} lnp_rng;

/* the generator of element idx of the call whose scalars are sc */
LNP_FN lnp_rng lnp_rng_start(const lnp_scalar *sc, int64_t idx)
{
  uint32_t w[4];
  memcpy(w, sc[0].bytes, sizeof w);
  lnp_rng g;
  g.key.v[0] = w[0];
  g.key.v[1] = w[1];
  g.ctr.v[0] = (uint32_t)idx;
  g.ctr.v[1] = (uint32_t)((uint64_t)idx >> 32) & 0xffffu;
  g.ctr.v[2] = w[2];
  g.ctr.v[3] = w[3];
  g.out = philox4x32(g.ctr, g.key);
  g.used = 0;
  return g;
}

/* the element's next 64 random bits */
LNP_FN uint64_t lnp_rng_next(lnp_rng *g)
{
  if (g->used == 2) {
    g->ctr.v[1] += 1u << 16;
    g->out = philox4x32(g->ctr, g->key);
    g->used = 0;
  }
  const uint32_t lo = g->out.v[2 * g->used], hi = g->out.v[2 * g->used + 1];
  g->used++;
  return (uint64_t)hi << 32 | lo;
}

/* An unbiased integer in [0, range) (range 0: any 64-bit value), Lemire's
 * multiply-and-reject: the high word of x * range, redrawn in the rare
 * case the low word falls below 2^64 mod range. */
LNP_FN uint64_t lnp_rng_below(lnp_rng *g, uint64_t range)
{
  uint64_t x = lnp_rng_next(g);
  if (range == 0) return x;
  uint64_t lo = x * range;
  if (lo < range) {
    const uint64_t t = (0 - range) % range;
    while (lo < t) {
      x = lnp_rng_next(g);
      lo = x * range;
    }
  }
  return LNP_MULHI64(x, range);
}

/* the real samplers, once per precision (elem_random_real.h) */
#define LNP_RR float
#define LNP_RS(name) lnp_rng_##name##_f32
#include "elem_random_real.h"
#undef LNP_RR
#undef LNP_RS
#define LNP_RR double
#define LNP_RS(name) lnp_rng_##name##_f64
#include "elem_random_real.h"
#undef LNP_RR
#undef LNP_RS

/* ---- integer samplers (computed in double) ---- */

/* Binomial(n, p).  While the mean is large, Knuth's order-statistic
 * reduction (TAOCP 3.4.1): the a-th smallest of n uniforms is Beta(a,
 * n+1-a); the count below p is then a binomial of a smaller n.  Then
 * inversion by sequential search from 0 on the smaller of p, 1-p. */
LNP_FN int64_t lnp_rng_binomial(lnp_rng *g, int64_t n, double p)
{
  int64_t k = 0;
  for (;;) {
    if (n <= 0 || !(p > 0)) return k;
    if (p >= 1) return k + n;
    const double q = p < 0.5 ? p : 1 - p;
    if ((double)n * q < 30) break;
    const int64_t a = 1 + n / 2, b = n + 1 - a;
    const double x = lnp_rng_beta_f64(g, (double)a, (double)b);
    if (x >= p) {
      n = a - 1;
      p = p / x;
    } else {
      k += a;
      n = b - 1;
      p = (p - x) / (1 - x);
    }
  }
  const int flip = p > 0.5;
  const double q = flip ? 1 - p : p, s = q / (1 - q), c = (double)(n + 1) * s;
  const double r0 = LNP_M2(pow, 1 - q, (double)n);
  for (;;) {
    double u = lnp_rng_u01_f64(g), r = r0;
    int64_t x = 0;
    while (u > r && x <= n) {
      u -= r;
      x++;
      r *= c / (double)x - s;
    }
    if (x <= n) return k + (flip ? n - x : x);
  }
}

/* Poisson(lam): Knuth's reduction while lam is large (the m-th arrival
 * time X of a unit-rate process, Gamma(m): below lam, m arrivals and the
 * rest of the interval; beyond, Binomial(m-1, lam/X) arrivals before lam),
 * then the multiplication method. */
LNP_FN int64_t lnp_rng_poisson(lnp_rng *g, double lam)
{
  int64_t k = 0;
  while (lam >= 16) {
    const int64_t m = (int64_t)(lam * 0.875);
    const double x = lnp_rng_gamma_f64(g, (double)m);
    if (x >= lam) return k + lnp_rng_binomial(g, m - 1, lam / x);
    k += m;
    lam -= x;
  }
  if (!(lam > 0)) return k;
  const double e = LNP_M(exp, -lam);
  double prod = lnp_rng_u01_f64(g);
  while (prod > e) {
    k++;
    prod *= lnp_rng_u01_f64(g);
  }
  return k;
}

/* a double as int64, saturated (huge geometric draws of tiny p) */
LNP_FN int64_t lnp_rng_to_i64(double v)
{
  return v >= 9223372036854775807.0 ? INT64_MAX : (int64_t)v;
}

/* Geometric(p) on {1, 2, ...}, by inversion */
LNP_FN int64_t lnp_rng_geometric(lnp_rng *g, double p)
{
  if (p >= 1) return 1;
  const double v = LNP_M(ceil, LNP_M(log, lnp_rng_u01o_f64(g)) / LNP_M(log1p, -p));
  return v < 1 ? 1 : lnp_rng_to_i64(v);
}

/* Logarithmic series(p), Kemp's second accelerated generator (LK) */
LNP_FN int64_t lnp_rng_logseries(lnp_rng *g, double p)
{
  const double r = LNP_M(log1p, -p);
  for (;;) {
    const double v = lnp_rng_u01o_f64(g);
    if (v >= p) return 1;
    const double q = -LNP_M(expm1, r * lnp_rng_u01o_f64(g));
    if (v <= q * q) {
      const double x = LNP_M(floor, 1 + LNP_M(log, v) / LNP_M(log, q));
      if (x < 1) continue; /* q rounded to 1 */
      return lnp_rng_to_i64(x);
    }
    return v >= q ? 1 : 2;
  }
}

/* ---- the ops: one function of (scalars, idx) each ---- */
#define LNP_RAND_P(k) (sc[k].f64)

LNP_FN uint64_t lnp_rand_integers(const lnp_scalar *sc, int64_t idx)
{
  lnp_rng g = lnp_rng_start(sc, idx);
  return sc[1].u64 + lnp_rng_below(&g, sc[2].u64);
}
#define LNP_RAND_INT_OP(name, EXPR)                                           \
  LNP_FN int64_t lnp_rand_##name(const lnp_scalar *sc, int64_t idx)          \
  {                                                                           \
    lnp_rng g = lnp_rng_start(sc, idx);                                       \
    return EXPR;                                                              \
  }
LNP_RAND_INT_OP(poisson, lnp_rng_poisson(&g, LNP_RAND_P(1)))
LNP_RAND_INT_OP(binomial, lnp_rng_binomial(&g, sc[1].i64, LNP_RAND_P(2)))
LNP_RAND_INT_OP(geometric, lnp_rng_geometric(&g, LNP_RAND_P(1)))
/* NegativeBinomial(n, p): Poisson of a Gamma(n, (1-p)/p) mean */
LNP_RAND_INT_OP(negative_binomial,
                lnp_rng_poisson(&g, lnp_rng_gamma_f64(&g, LNP_RAND_P(1)) * ((1 - LNP_RAND_P(2)) / LNP_RAND_P(2))))
LNP_RAND_INT_OP(logseries, lnp_rng_logseries(&g, LNP_RAND_P(1)))
#undef LNP_RAND_INT_OP

/* the real ops in the precision of z */
#define LNP_RAND_REAL(name, z, sc, idx)                                       \
  (sizeof(z) == sizeof(float) ? (double)lnp_rng_op_##name##_f32((sc), (idx)) \
                              : lnp_rng_op_##name##_f64((sc), (idx)))

#define LNP_E_RANDOM_UNIFORM_f(z, sc, idx) LNP_RAND_REAL(uniform, z, sc, idx)
#define LNP_E_RANDOM_NORMAL_f(z, sc, idx) LNP_RAND_REAL(normal, z, sc, idx)
#define LNP_E_RANDOM_EXPONENTIAL_f(z, sc, idx) LNP_RAND_REAL(exponential, z, sc, idx)
#define LNP_E_RANDOM_GAMMA_f(z, sc, idx) LNP_RAND_REAL(gamma, z, sc, idx)
#define LNP_E_RANDOM_BETA_f(z, sc, idx) LNP_RAND_REAL(beta, z, sc, idx)
#define LNP_E_RANDOM_LOGNORMAL_f(z, sc, idx) LNP_RAND_REAL(lognormal, z, sc, idx)
#define LNP_E_RANDOM_LOGISTIC_f(z, sc, idx) LNP_RAND_REAL(logistic, z, sc, idx)
#define LNP_E_RANDOM_LAPLACE_f(z, sc, idx) LNP_RAND_REAL(laplace, z, sc, idx)
#define LNP_E_RANDOM_GUMBEL_f(z, sc, idx) LNP_RAND_REAL(gumbel, z, sc, idx)
#define LNP_E_RANDOM_WEIBULL_f(z, sc, idx) LNP_RAND_REAL(weibull, z, sc, idx)
#define LNP_E_RANDOM_PARETO_f(z, sc, idx) LNP_RAND_REAL(pareto, z, sc, idx)
#define LNP_E_RANDOM_POWER_f(z, sc, idx) LNP_RAND_REAL(power, z, sc, idx)
#define LNP_E_RANDOM_CAUCHY_f(z, sc, idx) LNP_RAND_REAL(cauchy, z, sc, idx)
#define LNP_E_RANDOM_TRIANGULAR_f(z, sc, idx) LNP_RAND_REAL(triangular, z, sc, idx)
#define LNP_E_RANDOM_STANDARD_T_f(z, sc, idx) LNP_RAND_REAL(standard_t, z, sc, idx)
#define LNP_E_RANDOM_F_f(z, sc, idx) LNP_RAND_REAL(f, z, sc, idx)
#define LNP_E_RANDOM_WALD_f(z, sc, idx) LNP_RAND_REAL(wald, z, sc, idx)

/* integers: low + [0, range) in uint64, which wraps to the dtype's value */
#define LNP_E_RANDOM_INTEGERS_b(z, sc, idx) ((void)(z), lnp_rand_integers((sc), (idx)))
#define LNP_E_RANDOM_INTEGERS_i(z, sc, idx) ((void)(z), (int64_t)lnp_rand_integers((sc), (idx)))
#define LNP_E_RANDOM_INTEGERS_u LNP_E_RANDOM_INTEGERS_b
#define LNP_E_RANDOM_INT_(name, z, sc, idx) ((void)(z), lnp_rand_##name((sc), (idx)))
#define LNP_E_RANDOM_POISSON_i(z, sc, idx) LNP_E_RANDOM_INT_(poisson, z, sc, idx)
#define LNP_E_RANDOM_BINOMIAL_i(z, sc, idx) LNP_E_RANDOM_INT_(binomial, z, sc, idx)
#define LNP_E_RANDOM_GEOMETRIC_i(z, sc, idx) LNP_E_RANDOM_INT_(geometric, z, sc, idx)
#define LNP_E_RANDOM_NEGATIVE_BINOMIAL_i(z, sc, idx) LNP_E_RANDOM_INT_(negative_binomial, z, sc, idx)
#define LNP_E_RANDOM_LOGSERIES_i(z, sc, idx) LNP_E_RANDOM_INT_(logseries, z, sc, idx)
#define LNP_E_RANDOM_POISSON_u LNP_E_RANDOM_POISSON_i
#define LNP_E_RANDOM_BINOMIAL_u LNP_E_RANDOM_BINOMIAL_i
#define LNP_E_RANDOM_GEOMETRIC_u LNP_E_RANDOM_GEOMETRIC_i
#define LNP_E_RANDOM_NEGATIVE_BINOMIAL_u LNP_E_RANDOM_NEGATIVE_BINOMIAL_i
#define LNP_E_RANDOM_LOGSERIES_u LNP_E_RANDOM_LOGSERIES_i

#endif
