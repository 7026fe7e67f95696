/* The complex math library of the CUDA kernels: device ports of glibc's
 * clog, cexp, csinh, ccosh, ctanh, csin, ccos, ctan, cpow and csqrt, with
 * C99 Annex G's special values (libcu++'s overflow early and differ in
 * special values).  elem.h reaches them as LNP_CM(fn, z) = c_<fn>(z), as
 * the C backend reaches complex.h's.  They live at global scope, before
 * elem.h, so that its function templates find them. */
#ifndef LNP_LOOP_CUDA_COMPLEX_CUH
#define LNP_LOOP_CUDA_COMPLEX_CUH

#include <cuda/std/limits>
#include <type_traits>

#include "elem_device.h"

LNP_DFN float lnp_m_scalbn(float x, int n) { return scalbnf(x, n); }
LNP_DFN double lnp_m_scalbn(double x, int n) { return ::scalbn(x, n); }

/* clog: (log |z|, arg z) with C99 Annex G's special values (glibc's is
 * more careful near |z| = 1; a few ulp elsewhere) */
template <class R> LNP_DFN lnp_cx<R> c_log(lnp_cx<R> z)
{
  const R x = z.re, y = z.im;
  if (lnp_isnan(x) || lnp_isnan(y)) return {(lnp_isinf(x) || lnp_isinf(y)) ? lnp_inf((R)0) : lnp_nan((R)0), lnp_nan((R)0)};
  if (x == 0 && y == 0)
    return {-(R)1 / lnp_m_fabs(x), lnp_m_copysign(lnp_signbit(x) ? (R)3.14159265358979323846 : (R)0, y)};
  return {lnp_m_log(lnp_m_hypot(x, y)), lnp_m_atan2(y, x)};
}

/* exp, sinh, cosh, tanh (and sin, cos, tan through them) with the C99
 * Annex G special values and the overflow care of glibc's: a huge real
 * part is split so that exp(t)^k * exp(rest) * trig stays finite where
 * the result is.  (libcu++'s versions overflow early and differ in special
 * values.)  flip swaps real and imaginary parts: sin(z) = flip(sinh(flip
 * z)), tan(z) = flip(tanh(flip z)). */
template <class R> LNP_DFN lnp_cx<R> c_flip(lnp_cx<R> a) { return {a.im, a.re}; }
template <class R> LNP_DFN int c_t() { return std::is_same_v<R, float> ? 88 : 709; } /* (MAX_EXP-1)*ln2 */
template <class R> LNP_DFN void c_sincos(R y, R *s, R *c)
{
  if (lnp_m_fabs(y) > cuda::std::numeric_limits<R>::min()) {
    *s = lnp_m_sin(y);
    *c = lnp_m_cos(y);
  } else {
    *s = y;
    *c = 1;
  }
}
/* e^x * (cs, sn) for x > t (x - t is applied up to twice; beyond: MAX) */
template <class R> LNP_DFN lnp_cx<R> c_big_exp(R x, R cs, R sn)
{
  const R t = (R)c_t<R>(), et = lnp_m_exp(t);
  x -= t;
  cs *= et;
  sn *= et;
  if (x > t) {
    x -= t;
    cs *= et;
    sn *= et;
  }
  if (x > t) return {cuda::std::numeric_limits<R>::max() * cs, cuda::std::numeric_limits<R>::max() * sn};
  const R ev = lnp_m_exp(x);
  return {ev * cs, ev * sn};
}
template <class R> LNP_DFN lnp_cx<R> c_exp(lnp_cx<R> z)
{
  const R x = z.re, y = z.im;
  if (lnp_isfinite(x)) {
    if (!lnp_isfinite(y)) return {lnp_nan((R)0), lnp_nan((R)0)};
    R s, c;
    c_sincos(y, &s, &c);
    if (x > (R)c_t<R>()) return c_big_exp(x, c, s);
    const R ev = lnp_m_exp(x);
    return {ev * c, ev * s};
  }
  if (lnp_isinf(x)) {
    if (lnp_isfinite(y)) {
      const R v = lnp_signbit(x) ? (R)0 : lnp_inf((R)0);
      if (y == 0) return {v, y};
      R s, c;
      c_sincos(y, &s, &c);
      return {lnp_m_copysign(v, c), lnp_m_copysign(v, s)};
    }
    if (!lnp_signbit(x)) return {lnp_inf((R)0), y - y};
    return {(R)0, lnp_m_copysign((R)0, y)};
  }
  return {lnp_nan((R)0), y == 0 ? y : lnp_nan((R)0)};
}
/* sinh (COSH false) or cosh (COSH true) */
template <bool COSH, class R> LNP_DFN lnp_cx<R> c_sinhcosh(lnp_cx<R> z)
{
  const bool neg = lnp_signbit(z.re);
  const R ax = lnp_m_fabs(z.re), y = z.im;
  if (lnp_isfinite(ax)) {
    if (lnp_isfinite(y)) {
      R s, c;
      c_sincos(y, &s, &c);
      if (ax > (R)c_t<R>()) {
        /* sinh, cosh ~ e^|x|/2 with the sign of x on the odd part */
        if (COSH) s = neg ? -s : s;
        else c = neg ? -c : c;
        return c_big_exp(ax, c * (R)0.5, s * (R)0.5);
      }
      if (COSH) return {lnp_m_cosh(z.re) * c, lnp_m_sinh(z.re) * s};
      return {lnp_m_sinh(ax) * (neg ? -c : c), lnp_m_cosh(ax) * s};
    }
    if (COSH) return {y - y, z.re == 0 ? (R)0 : lnp_nan((R)0)};
    if (ax == 0) return {neg ? -(R)0 : (R)0, y - y};
    return {lnp_nan((R)0), lnp_nan((R)0)};
  }
  if (lnp_isinf(ax)) {
    if (lnp_isfinite(y) && y != 0) {
      R s, c;
      c_sincos(y, &s, &c);
      if (COSH) return {lnp_m_copysign(lnp_inf((R)0), c), lnp_m_copysign(lnp_inf((R)0), s) * lnp_m_copysign((R)1, z.re)};
      const R re = lnp_m_copysign(lnp_inf((R)0), c);
      return {neg ? -re : re, lnp_m_copysign(lnp_inf((R)0), s)};
    }
    if (y == 0) {
      if (COSH) return {lnp_inf((R)0), y * lnp_m_copysign((R)1, z.re)};
      return {neg ? -lnp_inf((R)0) : lnp_inf((R)0), y};
    }
    return {lnp_inf((R)0), y - y};
  }
  return {lnp_nan((R)0), y == 0 ? y : lnp_nan((R)0)};
}
template <class R> LNP_DFN lnp_cx<R> c_sinh(lnp_cx<R> z) { return c_sinhcosh<false>(z); }
template <class R> LNP_DFN lnp_cx<R> c_cosh(lnp_cx<R> z) { return c_sinhcosh<true>(z); }
template <class R> LNP_DFN lnp_cx<R> c_sin(lnp_cx<R> z) { return c_flip(c_sinh(c_flip(z))); }
template <class R> LNP_DFN lnp_cx<R> c_cos(lnp_cx<R> z) { return c_cosh(lnp_cx<R>{-z.im, z.re}); }
template <class R> LNP_DFN lnp_cx<R> c_tanh(lnp_cx<R> z)
{
  const R x = z.re, y = z.im;
  if (!lnp_isfinite(x) || !lnp_isfinite(y)) {
    if (lnp_isinf(x)) {
      R im = lnp_m_copysign((R)0, y);
      if (lnp_isfinite(y) && lnp_m_fabs(y) > 1) {
        R s, c;
        c_sincos(y, &s, &c);
        im = lnp_m_copysign((R)0, s * c);
      }
      return {lnp_m_copysign((R)1, x), im};
    }
    if (y == 0) return z;
    return {x == 0 ? x : lnp_nan((R)0), lnp_nan((R)0)};
  }
  R s, c;
  c_sincos(y, &s, &c);
  const int t2 = c_t<R>() / 2;
  if (lnp_m_fabs(x) > (R)t2) {
    /* tanh ~ sign(x) + i 4 sin cos / e^(2|x|), without overflow */
    const R e2t = lnp_m_exp((R)(2 * t2));
    R im = (R)4 * s * c / e2t;
    const R rest = lnp_m_fabs(x) - (R)t2;
    im = rest > (R)t2 ? im / e2t : im / lnp_m_exp(2 * rest);
    return {lnp_m_copysign((R)1, x), im};
  }
  R sh = x, ch = 1;
  if (lnp_m_fabs(x) > cuda::std::numeric_limits<R>::min()) {
    sh = lnp_m_sinh(x);
    ch = lnp_m_cosh(x);
  }
  const R den = lnp_m_fabs(sh) > lnp_m_fabs(c) * cuda::std::numeric_limits<R>::epsilon() ? sh * sh + c * c : c * c;
  return {sh * ch / den, s * c / den};
}
template <class R> LNP_DFN lnp_cx<R> c_tan(lnp_cx<R> z) { return c_flip(c_tanh(c_flip(z))); }
/* a * b with C99 Annex G's recovery of infinities (libgcc's __mulsc3) */
template <class R> LNP_DFN lnp_cx<R> c_mul_annexg(lnp_cx<R> u, lnp_cx<R> v)
{
  R a = u.re, b = u.im, c = v.re, d = v.im;
  const R ac = a * c, bd = b * d, ad = a * d, bc = b * c;
  R x = ac - bd, y = ad + bc;
  if (lnp_isnan(x) && lnp_isnan(y)) {
    bool recalc = false;
    if (lnp_isinf(a) || lnp_isinf(b)) {
      a = lnp_m_copysign(lnp_isinf(a) ? (R)1 : (R)0, a);
      b = lnp_m_copysign(lnp_isinf(b) ? (R)1 : (R)0, b);
      if (lnp_isnan(c)) c = lnp_m_copysign((R)0, c);
      if (lnp_isnan(d)) d = lnp_m_copysign((R)0, d);
      recalc = true;
    }
    if (lnp_isinf(c) || lnp_isinf(d)) {
      c = lnp_m_copysign(lnp_isinf(c) ? (R)1 : (R)0, c);
      d = lnp_m_copysign(lnp_isinf(d) ? (R)1 : (R)0, d);
      if (lnp_isnan(a)) a = lnp_m_copysign((R)0, a);
      if (lnp_isnan(b)) b = lnp_m_copysign((R)0, b);
      recalc = true;
    }
    if (!recalc && (lnp_isinf(ac) || lnp_isinf(bd) || lnp_isinf(ad) || lnp_isinf(bc))) {
      if (lnp_isnan(a)) a = lnp_m_copysign((R)0, a);
      if (lnp_isnan(b)) b = lnp_m_copysign((R)0, b);
      if (lnp_isnan(c)) c = lnp_m_copysign((R)0, c);
      if (lnp_isnan(d)) d = lnp_m_copysign((R)0, d);
      recalc = true;
    }
    if (recalc) {
      x = lnp_inf((R)0) * (a * c - b * d);
      y = lnp_inf((R)0) * (a * d + b * c);
    }
  }
  return {x, y};
}
/* glibc's cpow: cexp(b * clog(a)) (elem.h's complex power is NumPy's,
 * which comes here for what is not a small integer power) */
template <class R> LNP_DFN lnp_cx<R> c_pow(lnp_cx<R> a, lnp_cx<R> b) { return c_exp(c_mul_annexg(b, c_log(a))); }

/* csqrt: glibc's algorithm (libcu++'s goes through polar form and gives
 * sqrt(-4) = 1.2e-16+2i instead of 2i) */
template <class R> LNP_DFN lnp_cx<R> c_sqrt(lnp_cx<R> x)
{
  const R MIN = cuda::std::numeric_limits<R>::min(), MAX = cuda::std::numeric_limits<R>::max();
  constexpr int MANT = cuda::std::numeric_limits<R>::digits;
  R xr = x.re, xi = x.im;
  const bool rnan = lnp_isnan(xr), inan = lnp_isnan(xi), rinf = lnp_isinf(xr), iinf = lnp_isinf(xi);
  if (rnan || inan || rinf || iinf) {
    if (iinf) return {lnp_inf((R)0), xi};
    if (rinf) {
      if (xr < 0) return {inan ? lnp_nan((R)0) : (R)0, lnp_m_copysign(lnp_inf((R)0), xi)};
      return {xr, inan ? lnp_nan((R)0) : lnp_m_copysign((R)0, xi)};
    }
    return {lnp_nan((R)0), lnp_nan((R)0)};
  }
  if (xi == 0) {
    if (xr < 0) return {(R)0, lnp_m_copysign(lnp_m_sqrt(-xr), xi)};
    return {lnp_m_fabs(lnp_m_sqrt(xr)), lnp_m_copysign((R)0, xi)};
  }
  if (xr == 0) {
    R r;
    if (lnp_m_fabs(xi) >= 2 * MIN) r = lnp_m_sqrt((R)0.5 * lnp_m_fabs(xi));
    else r = (R)0.5 * lnp_m_sqrt(2 * lnp_m_fabs(xi));
    return {r, lnp_m_copysign(r, xi)};
  }
  R d, r, s;
  int scale = 0;
  if (lnp_m_fabs(xr) > MAX / 4) {
    scale = 1;
    xr = lnp_m_scalbn(xr, -2);
    xi = lnp_m_scalbn(xi, -2);
  } else if (lnp_m_fabs(xi) > MAX / 4) {
    scale = 1;
    if (lnp_m_fabs(xr) >= 4 * MIN) xr = lnp_m_scalbn(xr, -2);
    else xr = 0;
    xi = lnp_m_scalbn(xi, -2);
  } else if (lnp_m_fabs(xr) < 2 * MIN && lnp_m_fabs(xi) < 2 * MIN) {
    scale = -((MANT + 1) / 2);
    xr = lnp_m_scalbn(xr, -2 * scale);
    xi = lnp_m_scalbn(xi, -2 * scale);
  }
  d = lnp_m_hypot(xr, xi);
  if (xr > 0) {
    r = lnp_m_sqrt((R)0.5 * (d + xr));
    if (scale == 1 && lnp_m_fabs(xi) < 1) {
      s = xi / r;
      r = lnp_m_scalbn(r, scale);
      scale = 0;
    } else {
      s = (R)0.5 * (xi / r);
    }
  } else {
    s = lnp_m_sqrt((R)0.5 * (d - xr));
    if (scale == 1 && lnp_m_fabs(xi) < 1) {
      r = lnp_m_fabs(xi / s);
      s = lnp_m_scalbn(s, scale);
      scale = 0;
    } else {
      r = lnp_m_fabs((R)0.5 * (xi / s));
    }
  }
  if (scale) {
    r = lnp_m_scalbn(r, scale);
    s = lnp_m_scalbn(s, scale);
  }
  return {r, lnp_m_copysign(s, xi)};
}

#endif
