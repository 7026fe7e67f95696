/* What every op of the catalogue (op_table.h) computes for one element,
 * written once for every backend: the C compiler builds it into the CPU
 * loops (loop_cpu.c) and the host fusion interpreter (fuse_host.c), nvcc
 * into the CUDA kernels (loop_cuda_*.cu), and NVRTC compiles its text into
 * fused kernels (fuse_codegen.c).  A backend supplies the few primitives
 * that differ between C11 and CUDA C++ (elem_host.h, elem_device.h): the
 * type of an expression, unsigned widening, libm and the complex library,
 * complex values' parts, and how helper functions are instantiated.
 *
 * An op's semantics is a macro  LNP_E_<OP>_<ek>(a[, b])  per element kind
 * ek it supports: b bool, i signed, u unsigned, f real float (float16 is
 * computed in float, so its kind is f here), c complex.  Arguments are
 * plain variables of the compute type; the result is of the compute type
 * (bool for predicates, the real type for the absolute value of a complex).
 *
 * Semantics follow NumPy 1.24's loops (umath/loops*.c.src, funcs.inc.src,
 * npy_math): integer arithmetic wraps, integer division by zero gives 0,
 * floor_divide/remainder follow Python, maximum/minimum propagate NaN,
 * complex numbers compare lexicographically.  What may differ between
 * backends is only what the math libraries compute (glibc against
 * libdevice: a few ulp) and the sign and payload of generated NaNs. */
#ifndef LNP_ELEM_H
#define LNP_ELEM_H

#if defined(__CUDACC_RTC__)
/* NVRTC: the fusion generator puts elem_device.h's text before this one */
#elif defined(__CUDACC__)
#include "elem_device.h"
#else
#include "elem_host.h"
#endif

/* ------------------------------------------------------------------------
 * Generic helpers over the backend's primitives
 * ------------------------------------------------------------------------ */
#define LNP_WADD(a, b) ((LNP_TY(a))(LNP_UW(a) + LNP_UW(b)))
#define LNP_WSUB(a, b) ((LNP_TY(a))(LNP_UW(a) - LNP_UW(b)))
#define LNP_WMUL(a, b) ((LNP_TY(a))(LNP_UW(a) * LNP_UW(b)))
#define LNP_WNEG(a) ((LNP_TY(a))(0u - LNP_UW(a)))
#define LNP_NBITS(a) (sizeof(LNP_TY(a)) * 8u)
/* the most negative value of a's signed integer type */
#define LNP_SMIN(a) ((LNP_TY(a))(LNP_UW((LNP_TY(a))1) << (LNP_NBITS(a) - 1u)))
#define LNP_FALSE1(a) ((void)(a), false)
#define LNP_TRUE1(a) ((void)(a), true)

/* float16 computes in float with float32's semantics (its kind is f),
 * except for the ops listed as LNP_HALF_OWN_<OP>, whose NumPy float16 loop
 * differs from the float32 one (their LNP_E_<OP>_h below); the CPU loops
 * (loop_cpu.h) and the CUDA kernels (loop_cuda_ops.cuh) both choose by
 * LNP_HALF_EK(OP): h for those, f for the others (the preprocessor's test
 * for a defined name: a listed name expands to two arguments, which shifts
 * h into the second place). */
#define LNP_CAT_(a, b) a##b
#define LNP_CAT(a, b) LNP_CAT_(a, b)
#define LNP_HALF_OWN_MAXIMUM ~, h
#define LNP_HALF_OWN_MINIMUM ~, h
#define LNP_HALF_OWN_SPACING ~, h
#define LNP_HALF_OWN_NEXTAFTER ~, h
#define LNP_SECOND_(a, b, ...) b
#define LNP_SECOND(...) LNP_SECOND_(__VA_ARGS__)
#define LNP_HALF_EK(OP) LNP_SECOND(LNP_HALF_OWN_##OP, f, ~)

#define LNP_LOG10E 0.434294481903251827651128918916605082
#define LNP_LOG2E 1.442695040888963407359924681001892137
#define LNP_LOGE2 0.693147180559945309417232121458176568
#define LNP_PI 3.141592653589793238462643383279502884

/* ---- real floats: NumPy's npy_divmod, npy_floor_divide, npy_remainder ---- */
#define LNP_DIVMOD_BODY(R)                                                    \
  {                                                                           \
    R div, mod, floordiv;                                                     \
    mod = LNP_M2(fmod, a, b);                                                 \
    if (!b) {                                                                 \
      *m = mod;                                                               \
      return a / b;                                                           \
    }                                                                         \
    div = (a - mod) / b;                                                      \
    if (mod) {                                                                \
      if ((b < 0) != (mod < 0)) {                                             \
        mod += b;                                                             \
        div -= (R)1;                                                          \
      }                                                                       \
    } else {                                                                  \
      mod = LNP_M2(copysign, (R)0, b);                                        \
    }                                                                         \
    if (div) {                                                                \
      floordiv = LNP_M(floor, div);                                           \
      if (div - floordiv > (R)0.5) floordiv += (R)1;                          \
    } else {                                                                  \
      floordiv = LNP_M2(copysign, (R)0, a / b);                               \
    }                                                                         \
    *m = mod;                                                                 \
    return floordiv;                                                          \
  }
LNP_INST_R2P(divmod, LNP_DIVMOD_BODY)
#define LNP_FLOORDIV_BODY(R)                                                  \
  {                                                                           \
    R mod;                                                                    \
    if (!b) return a / b;                                                     \
    return LNP_R2P(divmod, a, b, &mod);                                       \
  }
LNP_INST_R2(floordiv, LNP_FLOORDIV_BODY)
#define LNP_REMAINDER_BODY(R)                                                 \
  {                                                                           \
    R mod;                                                                    \
    if (!b) return LNP_M2(fmod, a, b);                                        \
    LNP_R2P(divmod, a, b, &mod);                                              \
    return mod;                                                               \
  }
LNP_INST_R2(remainder, LNP_REMAINDER_BODY)

/* log(exp(a) + exp(b)) without overflow: NumPy's npy_logaddexp */
#define LNP_LOGADDEXP_BODY(R)                                                 \
  {                                                                           \
    if (a == b) return a + (R)LNP_LOGE2; /* also infinities of one sign */    \
    const R tmp = a - b;                                                      \
    if (tmp > 0) return a + LNP_M(log1p, LNP_M(exp, -tmp));                   \
    if (tmp <= 0) return b + LNP_M(log1p, LNP_M(exp, tmp));                   \
    return tmp; /* NaN */                                                     \
  }
LNP_INST_R2(logaddexp, LNP_LOGADDEXP_BODY)

/* log2(2^a + 2^b): NumPy's npy_logaddexp2 */
#define LNP_LOGADDEXP2_BODY(R)                                                \
  {                                                                           \
    if (a == b) return a + (R)1;                                              \
    const R tmp = a - b;                                                      \
    if (tmp > 0) return a + (R)LNP_LOG2E * LNP_M(log1p, LNP_M(exp2, -tmp));   \
    if (tmp <= 0) return b + (R)LNP_LOG2E * LNP_M(log1p, LNP_M(exp2, tmp));   \
    return tmp; /* NaN */                                                     \
  }
LNP_INST_R2(logaddexp2, LNP_LOGADDEXP2_BODY)

/* NumPy's npy_spacing: the gap to the next value away from zero; an
 * infinity gives a quiet NaN without the invalid flag, and 0, -0.0 and
 * subnormals the smallest subnormal (signed as a, +0 for -0.0), computed
 * without touching the underflow flag as NumPy's bit arithmetic does */
#define LNP_SPACING_BODY(R)                                                   \
  {                                                                           \
    if (LNP_ISINF(a)) return LNP_NAN_OF(R);                                   \
    if (LNP_ISNAN(a)) return a;                                               \
    const R minn = sizeof(R) == 4 ? (R)1.17549435e-38f : (R)2.2250738585072014e-308; \
    const R tiny = sizeof(R) == 4 ? (R)1.40129846e-45f : (R)4.9406564584124654e-324; \
    if (LNP_M(fabs, a) < minn) return a < 0 ? -tiny : tiny;                   \
    return LNP_M2(nextafter, a, LNP_M2(copysign, LNP_INF_OF(R), a)) - a;      \
  }
LNP_INST_R1(spacing, LNP_SPACING_BODY)
/* NumPy's float16 spacing (npy_half_spacing), on the float that holds the
 * half exactly: always positive (for a negative power of two the gap
 * below it), invalid for inf and NaN, overflow (+inf) at 65504 only; the
 * flags come from real operations (inf times a zero known only at run
 * time, a product past FLT_MAX) so that the CPU's status flags see them;
 * NumPy's NaN is positive (x86's default NaN is not, and GCC turns
 * fabs(x * y) into fabs(x) * fabs(y)) */
#define LNP_SPACING_H_BODY(R)                                                 \
  {                                                                           \
    if (LNP_ISNAN(a) || LNP_ISINF(a)) {                                       \
      const R inv = LNP_INF_OF(R) * ((R)(a != a) * (R)(a == a));              \
      return inv != inv ? LNP_NAN_OF(R) : inv;                                \
    }                                                                         \
    if (a == (R)65504) return a * (R)1e35f;                                   \
    const R m = LNP_M(fabs, a);                                               \
    if (m < (R)6.103515625e-05f) return (R)5.9604644775390625e-08f;           \
    int e;                                                                    \
    const R f = LNP_M2(frexp, m, &e);                                         \
    const int k = e - 1 - 10 - (a < 0 && f == (R)0.5);                        \
    return LNP_M2(ldexp, (R)1, k < -24 ? -24 : k);                            \
  }
LNP_INST_R1(spacing_h, LNP_SPACING_H_BODY)
/* NumPy's float16 nextafter (npy_half_nextafter): one half ulp towards b,
 * NaN (no flag) for a NaN operand, a when a == b (so -0.0 towards +0.0 is
 * -0.0), the smallest subnormal with b's sign from zero, overflow (+-inf)
 * past 65504; the magnitude steps exactly in float */
#define LNP_NEXTAFTER_H_BODY(R)                                               \
  {                                                                           \
    if (LNP_ISNAN(a) || LNP_ISNAN(b)) return LNP_NAN_OF(R);                   \
    if (a == b) return a;                                                     \
    const R tiny = (R)5.9604644775390625e-08f;                                \
    if (a == 0) return b < 0 ? -tiny : tiny;                                  \
    const R m = LNP_M(fabs, a);                                               \
    const int away = (a > 0) == (b > a);                                      \
    if (LNP_ISINF(a)) return LNP_M2(copysign, (R)65504, a);                   \
    if (away && m == (R)65504) return a * (R)1e35f;                           \
    R step = tiny;                                                            \
    if (m >= (R)6.103515625e-05f) {                                           \
      int e;                                                                  \
      const R f = LNP_M2(frexp, m, &e);                                       \
      const int k = e - 1 - 10 - (!away && f == (R)0.5);                      \
      step = LNP_M2(ldexp, (R)1, k < -24 ? -24 : k);                          \
    }                                                                         \
    return LNP_M2(copysign, away ? m + step : m - step, a);                   \
  }
LNP_INST_R2(nextafter_h, LNP_NEXTAFTER_H_BODY)
/* frexp's two parts (exponent 0 for 0, inf and NaN, as glibc and NumPy) */
#define LNP_FREXP_MANT_BODY(R) { int e; return LNP_M2(frexp, a, &e); }
#define LNP_FREXP_EXP_BODY(R)                                                 \
  {                                                                           \
    int e = 0;                                                                \
    (void)LNP_M2(frexp, a, &e);                                               \
    return LNP_ISFINITE(a) ? (R)e : (R)0;                                     \
  }
LNP_INST_R1(frexpm, LNP_FREXP_MANT_BODY)
LNP_INST_R1(frexpe, LNP_FREXP_EXP_BODY)
/* ldexp with an exponent that came as a value of a's type (the loop's
 * dtype): beyond +-100000 every finite a gives 0 or inf already */
#define LNP_LDEXP_BODY(R)                                                     \
  {                                                                           \
    const int e = b > (R)100000 ? 100000 : b < (R)-100000 ? -100000 : (int)b; \
    return LNP_M2(ldexp, a, e);                                               \
  }
LNP_INST_R2(ldexp, LNP_LDEXP_BODY)

/* ---- integer gcd/lcm: NumPy's npy_gcd/npy_lcm, of absolute values
 * (|MIN| wraps to MIN, as NumPy's), lcm's product wrapping; gcd runs in
 * the unsigned type as NumPy's npy_gcdu, so that |MIN| is 2^(bits-1):
 * gcd(6, MIN) is 2, gcd(MIN, 0) MIN ---- */
#define LNP_IABS(a) (((a) < (LNP_TY(a))1 && (a) != 0) ? LNP_WNEG(a) : (a)) /* no a < 0: unsigned */
#define LNP_GCD_BODY(T)                                                       \
  {                                                                           \
    LNP_TY(LNP_UW(a)) ua = LNP_UW(LNP_IABS(a)), ub = LNP_UW(LNP_IABS(b));     \
    while (ua != 0) {                                                         \
      const LNP_TY(ua) c = ua;                                                \
      ua = ub % ua;                                                           \
      ub = c;                                                                 \
    }                                                                         \
    return (T)ub;                                                             \
  }
LNP_INST_I2(gcd, LNP_GCD_BODY)
#define LNP_LCM_BODY(T)                                                       \
  {                                                                           \
    const T g = LNP_I2(gcd, a, b);                                            \
    return g == 0 ? (T)0 : LNP_WMUL((T)(LNP_IABS(a) / g), LNP_IABS(b));       \
  }
LNP_INST_I2(lcm, LNP_LCM_BODY)

/* ---- integer power: NumPy's (repeated squaring, wrapping); a negative
 * exponent (which NumPy rejects) gives 0, or +-1 for a base of +-1 ---- */
#define LNP_IPOW_BODY(T)                                                      \
  {                                                                           \
    if (b == 0 || a == 1) return 1;                                           \
    T out = (b & 1) ? a : (T)1;                                               \
    b = (T)(b >> 1);                                                          \
    while (b != 0) {                                                          \
      a = LNP_WMUL(a, a);                                                     \
      if (b & 1) out = LNP_WMUL(out, a);                                      \
      b = (T)(b >> 1);                                                        \
    }                                                                         \
    return out;                                                               \
  }
LNP_INST_I2(ipow, LNP_IPOW_BODY)
#define LNP_IPOW_NEG(a, b) ((LNP_TY(a))((a) == 1 ? 1 : ((a) == -1 ? (((b) & 1) ? -1 : 1) : 0)))

#ifndef LNP_ELEM_REAL_ONLY
/* ---- complex: NumPy's formulas (not C's Annex G ones) ---- */
#define LNP_CNZ(a) (LNP_RE(a) != 0 || LNP_IM(a) != 0)
#define LNP_CISNAN(a) (LNP_ISNAN(LNP_RE(a)) || LNP_ISNAN(LNP_IM(a)))
#define LNP_CEQ(a, b) (LNP_RE(a) == LNP_RE(b) && LNP_IM(a) == LNP_IM(b))
/* lexicographic; a NaN imaginary part spoils the test of the real parts */
#define LNP_CGE(x, y) LNP_CCMP_(>, >=, x, y)
#define LNP_CLE(x, y) LNP_CCMP_(<, <=, x, y)
#define LNP_CGT(x, y) LNP_CCMP_(>, >, x, y)
#define LNP_CLT(x, y) LNP_CCMP_(<, <, x, y)
#define LNP_CCMP_(ROP, IOP, x, y)                                             \
  ((LNP_RE(x) ROP LNP_RE(y) && !LNP_ISNAN(LNP_IM(x)) && !LNP_ISNAN(LNP_IM(y))) || \
   (LNP_RE(x) == LNP_RE(y) && LNP_IM(x) IOP LNP_IM(y)))

#define LNP_CMUL_BODY(R)                                                      \
  {                                                                           \
    const R ar = LNP_RE(a), ai = LNP_IM(a), br = LNP_RE(b), bi = LNP_IM(b);   \
    return LNP_CMK(ar * br - ai * bi, ar * bi + ai * br);                     \
  }
LNP_INST_C2(mul, LNP_CMUL_BODY)
#define LNP_CDIV_BODY(R) /* Smith's division */                               \
  {                                                                           \
    const R ar = LNP_RE(a), ai = LNP_IM(a), br = LNP_RE(b), bi = LNP_IM(b);   \
    const R abr = LNP_M(fabs, br), abi = LNP_M(fabs, bi);                     \
    if (abr >= abi) {                                                         \
      if (abr == 0 && abi == 0) return LNP_CMK(ar / abr, ai / abr);           \
      const R rat = bi / br, scl = (R)1.0 / (br + bi * rat);                  \
      return LNP_CMK((ar + ai * rat) * scl, (ai - ar * rat) * scl);           \
    } else {                                                                  \
      const R rat = br / bi, scl = (R)1.0 / (bi + br * rat);                  \
      return LNP_CMK((ar * rat + ai) * scl, (ai * rat - ar) * scl);           \
    }                                                                         \
  }
LNP_INST_C2(div, LNP_CDIV_BODY)
#define LNP_CRECIP_BODY(R)                                                    \
  {                                                                           \
    const R ar = LNP_RE(a), ai = LNP_IM(a);                                   \
    if (LNP_M(fabs, ai) <= LNP_M(fabs, ar)) {                                 \
      const R r = ai / ar, d = ar + ai * r;                                   \
      return LNP_CMK((R)1 / d, -r / d);                                       \
    } else {                                                                  \
      const R r = ar / ai, d = ar * r + ai;                                   \
      return LNP_CMK(r / d, (R)-1 / d);                                       \
    }                                                                         \
  }
LNP_INST_C1(recip, LNP_CRECIP_BODY)
#define LNP_CSQUARE_BODY(R)                                                   \
  {                                                                           \
    const R ar = LNP_RE(a), ai = LNP_IM(a);                                   \
    return LNP_CMK(ar * ar - ai * ai, ar * ai + ai * ar);                     \
  }
LNP_INST_C1(square, LNP_CSQUARE_BODY)
/* NumPy's nc_pow: exact small integer powers, else the library's cpow */
#define LNP_CPOW_BODY(R)                                                      \
  {                                                                           \
    const R ar = LNP_RE(a), ai = LNP_IM(a), br = LNP_RE(b), bi = LNP_IM(b);   \
    if (br == 0 && bi == 0) return LNP_CMK((R)1, (R)0);                       \
    if (ar == 0 && ai == 0) {                                                 \
      if (br > 0 && bi == 0) return LNP_CMK((R)0, (R)0);                      \
      return LNP_CMK(LNP_NAN_OF(R), LNP_NAN_OF(R));                           \
    }                                                                         \
    if (bi == 0 && br > -100 && br < 100 && (R)(int)br == br) {               \
      int n = (int)br;                                                        \
      if (n == 1) return a;                                                   \
      if (n == 2) return LNP_C2(mul, a, a);                                   \
      if (n == 3) return LNP_C2(mul, LNP_C2(mul, a, a), a);                   \
      LNP_CXT(R) aa = LNP_CMK((R)1, (R)0), p = a;                             \
      int mask = 1;                                                           \
      if (n < 0) n = -n;                                                      \
      for (;;) {                                                              \
        if (n & mask) aa = LNP_C2(mul, aa, p);                                \
        mask <<= 1;                                                           \
        if (n < mask || mask <= 0) break;                                     \
        p = LNP_C2(mul, p, p);                                                \
      }                                                                       \
      if (br < 0) aa = LNP_C2(div, LNP_CMK((R)1, (R)0), aa);                  \
      return aa;                                                              \
    }                                                                         \
    return LNP_CM2(pow, a, b);                                                \
  }
LNP_INST_C2(pow, LNP_CPOW_BODY)
/* maximum/minimum propagate a NaN of a; fmax/fmin ignore a NaN of b */
#define LNP_CMAX_BODY(R) { return (LNP_CISNAN(a) || LNP_CGE(a, b)) ? a : b; }
#define LNP_CMIN_BODY(R) { return (LNP_CISNAN(a) || LNP_CLE(a, b)) ? a : b; }
#define LNP_CFMAX_BODY(R) { return (LNP_CISNAN(b) || LNP_CGE(a, b)) ? a : b; }
#define LNP_CFMIN_BODY(R) { return (LNP_CISNAN(b) || LNP_CLE(a, b)) ? a : b; }
LNP_INST_C2(max, LNP_CMAX_BODY)
LNP_INST_C2(min, LNP_CMIN_BODY)
LNP_INST_C2(fmax, LNP_CFMAX_BODY)
LNP_INST_C2(fmin, LNP_CFMIN_BODY)
/* log10, log2, exp2 as NumPy's nc_*: through log and exp */
#define LNP_CSCALE(a, s) LNP_CMK(LNP_RE(a) * (s), LNP_IM(a) * (s))
#define LNP_CLOG10_BODY(R) { const LNP_CXT(R) l = LNP_CM(log, a); return LNP_CSCALE(l, (R)LNP_LOG10E); }
#define LNP_CLOG2_BODY(R) { const LNP_CXT(R) l = LNP_CM(log, a); return LNP_CSCALE(l, (R)LNP_LOG2E); }
#define LNP_CEXP2_BODY(R) { const LNP_CXT(R) s = LNP_CSCALE(a, (R)LNP_LOGE2); return LNP_CM(exp, s); }
#define LNP_CRINT_BODY(R) { return LNP_CMK(LNP_M(rint, LNP_RE(a)), LNP_M(rint, LNP_IM(a))); }
LNP_INST_C1(log10, LNP_CLOG10_BODY)
LNP_INST_C1(log2, LNP_CLOG2_BODY)
LNP_INST_C1(exp2, LNP_CEXP2_BODY)
LNP_INST_C1(rint, LNP_CRINT_BODY)
/* |z|: NumPy 1.24 uses its AVX512F kernel where the host CPU has AVX512F
 * (larger * sqrt(fma(r, r, 1)), r = smaller / larger), else hypot; avx
 * says which (the device is told by the host) */
#define LNP_CABS_BODY(R)                                                      \
  {                                                                           \
    R re = LNP_M(fabs, LNP_RE(a)), im = LNP_M(fabs, LNP_IM(a));               \
    if (!avx) return LNP_M2(hypot, re, im);                                   \
    const bool reinf = LNP_ISINF(re), iminf = LNP_ISINF(im);                  \
    if (reinf) im = LNP_INF_OF(R);                                            \
    if (iminf) re = LNP_INF_OF(R);                                            \
    const bool renan = LNP_ISNAN(re), imnan = LNP_ISNAN(im);                  \
    if (renan) im = LNP_NAN_OF(R);                                            \
    if (imnan) re = LNP_NAN_OF(R);                                            \
    const R larger = re > im ? re : im, smaller = im < re ? im : re;          \
    const R ratio = (larger == 0 || LNP_ISINF(smaller)) ? (R)0 : smaller / larger; \
    return LNP_M(sqrt, LNP_M3(fma, ratio, ratio, (R)1)) * larger;             \
  }
LNP_INST_CR1F(abs, LNP_CABS_BODY)
/* NumPy's nc_expm1 and nc_log1p */
#define LNP_CEXPM1_BODY(R)                                                    \
  {                                                                           \
    const R x = LNP_RE(a), y = LNP_IM(a), h = LNP_M(sin, y / (R)2);           \
    return LNP_CMK(LNP_M(expm1, x) * LNP_M(cos, y) - (R)2 * h * h, LNP_M(exp, x) * LNP_M(sin, y)); \
  }
#define LNP_CLOG1P_BODY(R)                                                    \
  {                                                                           \
    const R x = LNP_RE(a) + (R)1, y = LNP_IM(a);                              \
    return LNP_CMK(LNP_M(log, LNP_M2(hypot, x, y)), LNP_M2(atan2, y, x));     \
  }
LNP_INST_C1(expm1, LNP_CEXPM1_BODY)
LNP_INST_C1(log1p, LNP_CLOG1P_BODY)
#endif /* LNP_ELEM_REAL_ONLY */

/* ------------------------------------------------------------------------
 * The element operations  LNP_E_<OP>_<ek>(a[, b])
 * ------------------------------------------------------------------------ */
#define LNP_ID1(a) (a)

/* ---- unary, same type ---- */
#define LNP_E_NEGATIVE_i(a) LNP_WNEG(a)
#define LNP_E_NEGATIVE_u(a) LNP_WNEG(a)
#define LNP_E_NEGATIVE_f(a) (-(a))
#define LNP_E_NEGATIVE_c(a) LNP_CMK(-LNP_RE(a), -LNP_IM(a))

#define LNP_E_POSITIVE_b LNP_ID1
#define LNP_E_POSITIVE_i LNP_ID1
#define LNP_E_POSITIVE_u LNP_ID1
#define LNP_E_POSITIVE_f LNP_ID1
#define LNP_E_POSITIVE_c LNP_ID1

#define LNP_E_CONJUGATE_i LNP_ID1
#define LNP_E_CONJUGATE_u LNP_ID1
#define LNP_E_CONJUGATE_f LNP_ID1
#define LNP_E_CONJUGATE_c(a) LNP_CMK(LNP_RE(a), -LNP_IM(a))

#define LNP_E_SQUARE_i(a) LNP_WMUL(a, a)
#define LNP_E_SQUARE_u(a) LNP_WMUL(a, a)
#define LNP_E_SQUARE_f(a) ((a) * (a))
#define LNP_E_SQUARE_c(a) LNP_C1(square, a)

/* NumPy computes integer reciprocal as 1.0/x converted back: 0 for |x| > 1;
 * 1/0 = inf converts (on x86) to the minimum of int32/int64 and to 0 for the
 * narrower or unsigned types. */
#define LNP_E_RECIPROCAL_i(a)                                                 \
  ((a) == 0 ? (sizeof(LNP_TY(a)) >= 4 ? LNP_SMIN(a) : (LNP_TY(a))0)           \
            : (a) == 1 ? (LNP_TY(a))1 : (a) == -1 ? (LNP_TY(a))-1 : (LNP_TY(a))0)
#define LNP_E_RECIPROCAL_u(a) ((LNP_TY(a))((a) == 1))
#define LNP_E_RECIPROCAL_f(a) ((LNP_TY(a))1 / (a))
#define LNP_E_RECIPROCAL_c(a) LNP_C1(recip, a)

#define LNP_E_SIGN_i(a) ((LNP_TY(a))(((a) > 0) - ((a) < 0)))
#define LNP_E_SIGN_u(a) ((LNP_TY(a))((a) > 0))
#define LNP_E_SIGN_f(a) ((a) > 0 ? (LNP_TY(a))1 : (a) < 0 ? (LNP_TY(a))-1 : (a) == 0 ? (LNP_TY(a))0 : (a))

#define LNP_E_INVERT_b(a) (!(a))
#define LNP_E_INVERT_i(a) ((LNP_TY(a))~(a))
#define LNP_E_INVERT_u(a) ((LNP_TY(a))~(a))

/* transcendental: real floats through the backend's libm (float16 in
 * float), complex through its complex library or NumPy's nc_* formulas */
#define LNP_E_SQRT_f(a) LNP_M(sqrt, a)
#define LNP_E_SQRT_c(a) LNP_CM(sqrt, a)
#define LNP_E_EXP_f(a) LNP_M(exp, a)
#define LNP_E_EXP_c(a) LNP_CM(exp, a)
#define LNP_E_LOG_f(a) LNP_M(log, a)
#define LNP_E_LOG_c(a) LNP_CM(log, a)
#define LNP_E_LOG10_f(a) LNP_M(log10, a)
#define LNP_E_LOG10_c(a) LNP_C1(log10, a)
#define LNP_E_LOG2_f(a) LNP_M(log2, a)
#define LNP_E_LOG2_c(a) LNP_C1(log2, a)
#define LNP_E_EXP2_f(a) LNP_M(exp2, a)
#define LNP_E_EXP2_c(a) LNP_C1(exp2, a)
#define LNP_E_SIN_f(a) LNP_M(sin, a)
#define LNP_E_SIN_c(a) LNP_CM(sin, a)
#define LNP_E_COS_f(a) LNP_M(cos, a)
#define LNP_E_COS_c(a) LNP_CM(cos, a)
#define LNP_E_TAN_f(a) LNP_M(tan, a)
#define LNP_E_TAN_c(a) LNP_CM(tan, a)
#define LNP_E_ARCSIN_f(a) LNP_M(asin, a)
#define LNP_E_ARCSIN_c(a) LNP_CM(asin, a)
#define LNP_E_ARCCOS_f(a) LNP_M(acos, a)
#define LNP_E_ARCCOS_c(a) LNP_CM(acos, a)
#define LNP_E_ARCTAN_f(a) LNP_M(atan, a)
#define LNP_E_ARCTAN_c(a) LNP_CM(atan, a)
#define LNP_E_SINH_f(a) LNP_M(sinh, a)
#define LNP_E_SINH_c(a) LNP_CM(sinh, a)
#define LNP_E_COSH_f(a) LNP_M(cosh, a)
#define LNP_E_COSH_c(a) LNP_CM(cosh, a)
#define LNP_E_TANH_f(a) LNP_M(tanh, a)
#define LNP_E_TANH_c(a) LNP_CM(tanh, a)
#define LNP_E_FLOOR_f(a) LNP_M(floor, a)
#define LNP_E_CEIL_f(a) LNP_M(ceil, a)
#define LNP_E_TRUNC_f(a) LNP_M(trunc, a)
#define LNP_E_RINT_f(a) LNP_M(rint, a)
#define LNP_E_RINT_c(a) LNP_C1(rint, a)

#define LNP_E_ARCSINH_f(a) LNP_M(asinh, a)
#define LNP_E_ARCSINH_c(a) LNP_CM(asinh, a)
#define LNP_E_ARCCOSH_f(a) LNP_M(acosh, a)
#define LNP_E_ARCCOSH_c(a) LNP_CM(acosh, a)
#define LNP_E_ARCTANH_f(a) LNP_M(atanh, a)
#define LNP_E_ARCTANH_c(a) LNP_CM(atanh, a)
#define LNP_E_EXPM1_f(a) LNP_M(expm1, a)
#define LNP_E_EXPM1_c(a) LNP_C1(expm1, a)
#define LNP_E_LOG1P_f(a) LNP_M(log1p, a)
#define LNP_E_LOG1P_c(a) LNP_C1(log1p, a)
#define LNP_E_CBRT_f(a) LNP_M(cbrt, a)
#define LNP_E_FABS_f(a) LNP_M(fabs, a)
/* NumPy's constants in the type: pi/180 and 180/pi rounded as its
 * float (npy_deg2radf) and double loops compute them */
#define LNP_E_DEG2RAD_f(a) ((a) * ((LNP_TY(a))LNP_PI / (LNP_TY(a))180))
#define LNP_E_RADIANS_f LNP_E_DEG2RAD_f
#define LNP_E_RAD2DEG_f(a) ((a) * ((LNP_TY(a))180 / (LNP_TY(a))LNP_PI))
#define LNP_E_DEGREES_f LNP_E_RAD2DEG_f
#define LNP_E_SPACING_f(a) LNP_R1(spacing, a)
#define LNP_E_SPACING_h(a) LNP_R1(spacing_h, a)
/* modf's fractional part (its integral part is trunc): signed as a, 0 for
 * an infinity */
#define LNP_E_MODF_FRAC_f(a) LNP_M2(copysign, LNP_ISINF(a) ? (LNP_TY(a))0 : (a) - LNP_M(trunc, a), a)
#define LNP_E_FREXP_MANT_f(a) LNP_R1(frexpm, a)
#define LNP_E_FREXP_EXP_f(a) LNP_R1(frexpe, a)

/* ---- absolute (complex -> real) ---- */
#define LNP_E_ABSOLUTE_b LNP_ID1
#define LNP_E_ABSOLUTE_i(a) ((a) < 0 ? LNP_WNEG(a) : (a))
#define LNP_E_ABSOLUTE_u LNP_ID1
#define LNP_E_ABSOLUTE_f(a) LNP_M(fabs, a)
#define LNP_E_ABSOLUTE_c(a) LNP_CR1F(abs, a, LNP_NUMPY_AVX512F)

/* ---- unary predicates ---- */
#define LNP_E_LOGICAL_NOT_b(a) (!(a))
#define LNP_E_LOGICAL_NOT_i(a) ((a) == 0)
#define LNP_E_LOGICAL_NOT_u(a) ((a) == 0)
#define LNP_E_LOGICAL_NOT_f(a) ((a) == 0)
#define LNP_E_LOGICAL_NOT_c(a) (!LNP_CNZ(a))
#define LNP_E_ISNAN_b LNP_FALSE1
#define LNP_E_ISNAN_i LNP_FALSE1
#define LNP_E_ISNAN_u LNP_FALSE1
#define LNP_E_ISNAN_f(a) LNP_ISNAN(a)
#define LNP_E_ISNAN_c(a) LNP_CISNAN(a)
#define LNP_E_ISINF_b LNP_FALSE1
#define LNP_E_ISINF_i LNP_FALSE1
#define LNP_E_ISINF_u LNP_FALSE1
#define LNP_E_ISINF_f(a) LNP_ISINF(a)
#define LNP_E_ISINF_c(a) (LNP_ISINF(LNP_RE(a)) || LNP_ISINF(LNP_IM(a)))
#define LNP_E_ISFINITE_b LNP_TRUE1
#define LNP_E_ISFINITE_i LNP_TRUE1
#define LNP_E_ISFINITE_u LNP_TRUE1
#define LNP_E_ISFINITE_f(a) LNP_ISFINITE(a)
#define LNP_E_ISFINITE_c(a) (LNP_ISFINITE(LNP_RE(a)) && LNP_ISFINITE(LNP_IM(a)))
#define LNP_E_SIGNBIT_b LNP_FALSE1
#define LNP_E_SIGNBIT_i(a) ((a) < 0)
#define LNP_E_SIGNBIT_u LNP_FALSE1
#define LNP_E_SIGNBIT_f(a) LNP_SIGNBIT(a)

/* ---- binary arithmetic ---- */
#define LNP_E_ADD_b(a, b) ((a) | (b))
#define LNP_E_ADD_i(a, b) LNP_WADD(a, b)
#define LNP_E_ADD_u(a, b) LNP_WADD(a, b)
#define LNP_E_ADD_f(a, b) ((a) + (b))
#define LNP_E_ADD_c(a, b) LNP_CMK(LNP_RE(a) + LNP_RE(b), LNP_IM(a) + LNP_IM(b))
#define LNP_E_SUBTRACT_i(a, b) LNP_WSUB(a, b)
#define LNP_E_SUBTRACT_u(a, b) LNP_WSUB(a, b)
#define LNP_E_SUBTRACT_f(a, b) ((a) - (b))
#define LNP_E_SUBTRACT_c(a, b) LNP_CMK(LNP_RE(a) - LNP_RE(b), LNP_IM(a) - LNP_IM(b))
#define LNP_E_MULTIPLY_b(a, b) ((a) & (b))
#define LNP_E_MULTIPLY_i(a, b) LNP_WMUL(a, b)
#define LNP_E_MULTIPLY_u(a, b) LNP_WMUL(a, b)
#define LNP_E_MULTIPLY_f(a, b) ((a) * (b))
#define LNP_E_MULTIPLY_c(a, b) LNP_C2(mul, a, b)
#define LNP_E_TRUE_DIVIDE_f(a, b) ((a) / (b))
#define LNP_E_TRUE_DIVIDE_c(a, b) LNP_C2(div, a, b)

/* Python semantics; x // 0 == x % 0 == 0 for integers (divide-by-zero
 * status); MIN // -1 wraps (overflow status). */
#define LNP_E_FLOOR_DIVIDE_i(a, b)                                            \
  ((b) == 0 ? LNP_RAISE_DIVIDE((LNP_TY(a))0)                                  \
   : (b) == -1 ? ((a) == LNP_SMIN(a) ? LNP_RAISE_OVERFLOW(a) : LNP_WNEG(a))   \
               : (LNP_TY(a))((a) / (b) - ((((a) > 0) != ((b) > 0)) && (a) % (b) != 0)))
#define LNP_E_FLOOR_DIVIDE_u(a, b) ((b) == 0 ? LNP_RAISE_DIVIDE((LNP_TY(a))0) : (LNP_TY(a))((a) / (b)))
#define LNP_E_FLOOR_DIVIDE_f(a, b) LNP_R2(floordiv, a, b)
#define LNP_E_REMAINDER_i(a, b)                                               \
  ((b) == 0    ? LNP_RAISE_DIVIDE((LNP_TY(a))0)                               \
   : (b) == -1 ? (LNP_TY(a))0                                                 \
   : ((a) % (b) != 0 && (((a) % (b) < 0) != ((b) < 0))) ? (LNP_TY(a))((a) % (b) + (b)) \
                                                         : (LNP_TY(a))((a) % (b)))
#define LNP_E_REMAINDER_u(a, b) ((b) == 0 ? LNP_RAISE_DIVIDE((LNP_TY(a))0) : (LNP_TY(a))((a) % (b)))
#define LNP_E_REMAINDER_f(a, b) LNP_R2(remainder, a, b)

#define LNP_E_POWER_i(a, b) ((b) < 0 ? LNP_IPOW_NEG(a, b) : LNP_I2(ipow, a, b))
#define LNP_E_POWER_u(a, b) LNP_I2(ipow, a, b)
#define LNP_E_POWER_f(a, b) LNP_M2(pow, a, b)
#define LNP_E_POWER_c(a, b) LNP_C2(pow, a, b)

#define LNP_MAX2(a, b) ((a) >= (b) ? (a) : (b))
#define LNP_MIN2(a, b) ((a) <= (b) ? (a) : (b))
/* maximum/minimum of real floats propagate a NaN (a's first) and, between
 * equal values (-0.0 and 0.0), return b: NumPy's float32/float64 loops are
 * the SIMD max/min, which return their second operand on a tie (its
 * max([-0.0, 0.0]) is 0.0, max([0.0, -0.0]) -0.0).  A fold that keeps
 * the order of its operands (acc = op(acc, x), partials combined in order)
 * then gives the sign of the last of the equal extremes, whatever the
 * tiling.  NumPy's float16 loop is scalar and keeps a on a tie: the _h
 * variants, which the CPU loops use for float16 (loop_cpu.h, LNP_ELEM). */
#define LNP_E_MAXIMUM_b(a, b) ((a) | (b))
#define LNP_E_MAXIMUM_i LNP_MAX2
#define LNP_E_MAXIMUM_u LNP_MAX2
#define LNP_E_MAXIMUM_f(a, b) (((a) > (b) || LNP_ISNAN(a)) ? (a) : (b))
#define LNP_E_MAXIMUM_h(a, b) (((a) >= (b) || LNP_ISNAN(a)) ? (a) : (b))
#define LNP_E_MAXIMUM_c(a, b) LNP_C2(max, a, b)
#define LNP_E_MINIMUM_b(a, b) ((a) & (b))
#define LNP_E_MINIMUM_i LNP_MIN2
#define LNP_E_MINIMUM_u LNP_MIN2
#define LNP_E_MINIMUM_f(a, b) (((a) < (b) || LNP_ISNAN(a)) ? (a) : (b))
#define LNP_E_MINIMUM_h(a, b) (((a) <= (b) || LNP_ISNAN(a)) ? (a) : (b))
#define LNP_E_MINIMUM_c(a, b) LNP_C2(min, a, b)
/* C fixes only that a NaN operand yields the other one: the backend says
 * which of +0/-0 and of two NaNs comes back (elem_device.h) */
#define LNP_E_FMAX_b(a, b) ((a) | (b))
#define LNP_E_FMAX_i LNP_MAX2
#define LNP_E_FMAX_u LNP_MAX2
#define LNP_E_FMAX_f(a, b) LNP_FMAX_R(a, b)
#define LNP_E_FMAX_c(a, b) LNP_C2(fmax, a, b)
#define LNP_E_FMIN_b(a, b) ((a) & (b))
#define LNP_E_FMIN_i LNP_MIN2
#define LNP_E_FMIN_u LNP_MIN2
#define LNP_E_FMIN_f(a, b) LNP_FMIN_R(a, b)
#define LNP_E_FMIN_c(a, b) LNP_C2(fmin, a, b)

#define LNP_E_ARCTAN2_f(a, b) LNP_M2(atan2, a, b)
#define LNP_E_HYPOT_f(a, b) LNP_M2(hypot, a, b)
#define LNP_E_LOGADDEXP_f(a, b) LNP_R2(logaddexp, a, b)

#define LNP_E_LOGADDEXP2_f(a, b) LNP_R2(logaddexp2, a, b)
#define LNP_E_COPYSIGN_f(a, b) LNP_M2(copysign, a, b)
#define LNP_E_NEXTAFTER_f(a, b) LNP_M2(nextafter, a, b)
#define LNP_E_NEXTAFTER_h(a, b) LNP_R2(nextafter_h, a, b)
#define LNP_E_LDEXP_f(a, b) LNP_R2(ldexp, a, b)
#define LNP_E_FLOAT_POWER_f LNP_E_POWER_f
#define LNP_E_FLOAT_POWER_c LNP_E_POWER_c
/* NumPy's npy_heaviside: 0 below zero, b at zero, 1 above, NaN for NaN */
#define LNP_E_HEAVISIDE_f(a, b)                                               \
  (LNP_ISNAN(a) ? LNP_NAN_OF(LNP_TY(a)) : (a) == 0 ? (b) : (a) < 0 ? (LNP_TY(a))0 : (LNP_TY(a))1)
/* C's remainder (sign of a); integers: x % 0 is 0 with divide-by-zero,
 * MIN % -1 is 0 */
#define LNP_E_FMOD_i(a, b)                                                    \
  ((b) == 0 ? LNP_RAISE_DIVIDE((LNP_TY(a))0) : (b) == -1 ? (LNP_TY(a))0 : (LNP_TY(a))((a) % (b)))
#define LNP_E_FMOD_u(a, b) ((b) == 0 ? LNP_RAISE_DIVIDE((LNP_TY(a))0) : (LNP_TY(a))((a) % (b)))
#define LNP_E_FMOD_f(a, b) LNP_M2(fmod, a, b)
#define LNP_E_GCD_i(a, b) LNP_I2(gcd, a, b)
#define LNP_E_GCD_u LNP_E_GCD_i
#define LNP_E_LCM_i(a, b) LNP_I2(lcm, a, b)
#define LNP_E_LCM_u LNP_E_LCM_i

#define LNP_AND2(a, b) ((LNP_TY(a))((a) & (b)))
#define LNP_OR2(a, b) ((LNP_TY(a))((a) | (b)))
#define LNP_XOR2(a, b) ((LNP_TY(a))((a) ^ (b)))
#define LNP_E_BITWISE_AND_b LNP_AND2
#define LNP_E_BITWISE_AND_i LNP_AND2
#define LNP_E_BITWISE_AND_u LNP_AND2
#define LNP_E_BITWISE_OR_b LNP_OR2
#define LNP_E_BITWISE_OR_i LNP_OR2
#define LNP_E_BITWISE_OR_u LNP_OR2
#define LNP_E_BITWISE_XOR_b LNP_XOR2
#define LNP_E_BITWISE_XOR_i LNP_XOR2
#define LNP_E_BITWISE_XOR_u LNP_XOR2

/* NumPy's npy_lshift/npy_rshift: a shift by the bit width or more (or by a
 * negative amount) gives 0, or -1 for a negative value shifted right. */
#define LNP_E_LEFT_SHIFT_i(a, b)                                              \
  ((size_t)(b) < LNP_NBITS(a) ? (LNP_TY(a))(LNP_UW(a) << (b)) : (LNP_TY(a))0)
#define LNP_E_LEFT_SHIFT_u LNP_E_LEFT_SHIFT_i
#define LNP_E_RIGHT_SHIFT_i(a, b)                                             \
  ((size_t)(b) < LNP_NBITS(a) ? (LNP_TY(a))((a) >> (b)) : (a) < 0 ? (LNP_TY(a))-1 : (LNP_TY(a))0)
#define LNP_E_RIGHT_SHIFT_u(a, b) ((size_t)(b) < LNP_NBITS(a) ? (LNP_TY(a))((a) >> (b)) : (LNP_TY(a))0)

/* ---- binary predicates (complex: lexicographic, as NumPy) ---- */
#define LNP_EQ2(a, b) ((a) == (b))
#define LNP_NE2(a, b) ((a) != (b))
#define LNP_LT2(a, b) ((a) < (b))
#define LNP_LE2(a, b) ((a) <= (b))
#define LNP_GT2(a, b) ((a) > (b))
#define LNP_GE2(a, b) ((a) >= (b))
#define LNP_E_EQUAL_b LNP_EQ2
#define LNP_E_EQUAL_i LNP_EQ2
#define LNP_E_EQUAL_u LNP_EQ2
#define LNP_E_EQUAL_f LNP_EQ2
#define LNP_E_EQUAL_c LNP_CEQ
#define LNP_E_NOT_EQUAL_b LNP_NE2
#define LNP_E_NOT_EQUAL_i LNP_NE2
#define LNP_E_NOT_EQUAL_u LNP_NE2
#define LNP_E_NOT_EQUAL_f LNP_NE2
#define LNP_E_NOT_EQUAL_c(a, b) (!LNP_CEQ(a, b))
#define LNP_E_LESS_b LNP_LT2
#define LNP_E_LESS_i LNP_LT2
#define LNP_E_LESS_u LNP_LT2
#define LNP_E_LESS_f LNP_LT2
#define LNP_E_LESS_c LNP_CLT
#define LNP_E_LESS_EQUAL_b LNP_LE2
#define LNP_E_LESS_EQUAL_i LNP_LE2
#define LNP_E_LESS_EQUAL_u LNP_LE2
#define LNP_E_LESS_EQUAL_f LNP_LE2
#define LNP_E_LESS_EQUAL_c LNP_CLE
#define LNP_E_GREATER_b LNP_GT2
#define LNP_E_GREATER_i LNP_GT2
#define LNP_E_GREATER_u LNP_GT2
#define LNP_E_GREATER_f LNP_GT2
#define LNP_E_GREATER_c LNP_CGT
#define LNP_E_GREATER_EQUAL_b LNP_GE2
#define LNP_E_GREATER_EQUAL_i LNP_GE2
#define LNP_E_GREATER_EQUAL_u LNP_GE2
#define LNP_E_GREATER_EQUAL_f LNP_GE2
#define LNP_E_GREATER_EQUAL_c LNP_CGE

/* logical ops: nonzero is true (complex: either part; NaN is true) */
#define LNP_LAND2(a, b) ((a) != 0 && (b) != 0)
#define LNP_LOR2(a, b) ((a) != 0 || (b) != 0)
#define LNP_LXOR2(a, b) (((a) != 0) != ((b) != 0))
#define LNP_E_LOGICAL_AND_b LNP_LAND2
#define LNP_E_LOGICAL_AND_i LNP_LAND2
#define LNP_E_LOGICAL_AND_u LNP_LAND2
#define LNP_E_LOGICAL_AND_f LNP_LAND2
#define LNP_E_LOGICAL_AND_c(a, b) (LNP_CNZ(a) && LNP_CNZ(b))
#define LNP_E_LOGICAL_OR_b LNP_LOR2
#define LNP_E_LOGICAL_OR_i LNP_LOR2
#define LNP_E_LOGICAL_OR_u LNP_LOR2
#define LNP_E_LOGICAL_OR_f LNP_LOR2
#define LNP_E_LOGICAL_OR_c(a, b) (LNP_CNZ(a) || LNP_CNZ(b))
#define LNP_E_LOGICAL_XOR_b LNP_LXOR2
#define LNP_E_LOGICAL_XOR_i LNP_LXOR2
#define LNP_E_LOGICAL_XOR_u LNP_LXOR2
#define LNP_E_LOGICAL_XOR_f LNP_LXOR2
#define LNP_E_LOGICAL_XOR_c(a, b) (LNP_CNZ(a) != LNP_CNZ(b))

/* ---- generators: ARANGE is start + idx * step in the dtype ---- */
#define LNP_E_ARANGE_i(start, step, idx) LNP_WADD(start, LNP_WMUL((LNP_TY(start))(idx), step))
#define LNP_E_ARANGE_u LNP_E_ARANGE_i
#define LNP_E_ARANGE_f(start, step, idx) ((start) + (LNP_TY(start))(idx) * (step))
#define LNP_E_ARANGE_c(start, step, idx)                                       \
  LNP_CMK(LNP_RE(start) + (LNP_TY(LNP_RE(start)))(idx) * LNP_RE(step),         \
          LNP_IM(start) + (LNP_TY(LNP_RE(start)))(idx) * LNP_IM(step))

/* ---- arg-reductions: does candidate v at index k beat the current m at
 * index j?  NaN beats everything (the smaller index among NaNs), ties keep
 * the smaller index, complex compares lexicographically. ---- */
#define LNP_ARG_BEATS(NAN, BETTER, EQ, v, k, m, j)                            \
  (NAN(m) ? (NAN(v) && (k) < (j)) : (NAN(v) || BETTER(v, m) || (EQ(v, m) && (k) < (j))))
#define LNP_NONAN(x) ((void)(x), 0)
#define LNP_CGT_ARG(v, m) (LNP_RE(v) > LNP_RE(m) || (LNP_RE(v) == LNP_RE(m) && LNP_IM(v) > LNP_IM(m)))
#define LNP_CLT_ARG(v, m) (LNP_RE(v) < LNP_RE(m) || (LNP_RE(v) == LNP_RE(m) && LNP_IM(v) < LNP_IM(m)))
#define LNP_E_ARGMAX_b(v, k, m, j) LNP_ARG_BEATS(LNP_NONAN, LNP_GT2, LNP_EQ2, v, k, m, j)
#define LNP_E_ARGMAX_i LNP_E_ARGMAX_b
#define LNP_E_ARGMAX_u LNP_E_ARGMAX_b
#define LNP_E_ARGMAX_f(v, k, m, j) LNP_ARG_BEATS(LNP_ISNAN, LNP_GT2, LNP_EQ2, v, k, m, j)
#define LNP_E_ARGMAX_c(v, k, m, j) LNP_ARG_BEATS(LNP_CISNAN, LNP_CGT_ARG, LNP_CEQ, v, k, m, j)
#define LNP_E_ARGMIN_b(v, k, m, j) LNP_ARG_BEATS(LNP_NONAN, LNP_LT2, LNP_EQ2, v, k, m, j)
#define LNP_E_ARGMIN_i LNP_E_ARGMIN_b
#define LNP_E_ARGMIN_u LNP_E_ARGMIN_b
#define LNP_E_ARGMIN_f(v, k, m, j) LNP_ARG_BEATS(LNP_ISNAN, LNP_LT2, LNP_EQ2, v, k, m, j)
#define LNP_E_ARGMIN_c(v, k, m, j) LNP_ARG_BEATS(LNP_CISNAN, LNP_CLT_ARG, LNP_CEQ, v, k, m, j)
/* the steps of the table: accumulate from the input, combine partials */
#define LNP_E_ARGMAX_ACC_b LNP_E_ARGMAX_b
#define LNP_E_ARGMAX_ACC_i LNP_E_ARGMAX_b
#define LNP_E_ARGMAX_ACC_u LNP_E_ARGMAX_b
#define LNP_E_ARGMAX_ACC_f LNP_E_ARGMAX_f
#define LNP_E_ARGMAX_ACC_c LNP_E_ARGMAX_c
#define LNP_E_ARGMAX_COMBINE_b LNP_E_ARGMAX_b
#define LNP_E_ARGMAX_COMBINE_i LNP_E_ARGMAX_b
#define LNP_E_ARGMAX_COMBINE_u LNP_E_ARGMAX_b
#define LNP_E_ARGMAX_COMBINE_f LNP_E_ARGMAX_f
#define LNP_E_ARGMAX_COMBINE_c LNP_E_ARGMAX_c
#define LNP_E_ARGMIN_ACC_b LNP_E_ARGMIN_b
#define LNP_E_ARGMIN_ACC_i LNP_E_ARGMIN_b
#define LNP_E_ARGMIN_ACC_u LNP_E_ARGMIN_b
#define LNP_E_ARGMIN_ACC_f LNP_E_ARGMIN_f
#define LNP_E_ARGMIN_ACC_c LNP_E_ARGMIN_c
#define LNP_E_ARGMIN_COMBINE_b LNP_E_ARGMIN_b
#define LNP_E_ARGMIN_COMBINE_i LNP_E_ARGMIN_b
#define LNP_E_ARGMIN_COMBINE_u LNP_E_ARGMIN_b
#define LNP_E_ARGMIN_COMBINE_f LNP_E_ARGMIN_f
#define LNP_E_ARGMIN_COMBINE_c LNP_E_ARGMIN_c

#endif
