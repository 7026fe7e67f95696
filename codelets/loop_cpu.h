/* Element storage of the CPU loops (loop_cpu.c) and the CPU matmul
 * (codelets.c): float16 <-> float conversions, and per element kind the
 * compute type, load, store and rounding, selected by token pasting on the
 * kind letter K of dtypes.h.  What an op computes is in elem.h; LNP_ELEM
 * names it for a kind. */
#ifndef LNP_LOOP_CPU_H
#define LNP_LOOP_CPU_H

#include <string.h>
#include "elem.h"

/* ------------------------------------------------------------------------
 * float16 <-> float/double conversions (round to nearest even)
 * ------------------------------------------------------------------------ */
#if defined(__FLT16_MANT_DIG__) && !defined(LNP_NO_FLOAT16)
#define LNP_HAVE_FLOAT16 1
static inline float lnp_h2f(lnp_half h)
{
  _Float16 x;
  memcpy(&x, &h, sizeof x);
  return (float)x;
}
static inline lnp_half lnp_d2h(double v)
{
  _Float16 x = (_Float16)v;
  lnp_half h;
  memcpy(&h, &x, sizeof h);
  return h;
}
static inline lnp_half lnp_f2h(float v)
{
  _Float16 x = (_Float16)v;
  lnp_half h;
  memcpy(&h, &x, sizeof h);
  return h;
}
#else
/* Bit-exact ports of NumPy's npy_halfbits_to_floatbits and
 * npy_doublebits_to_halfbits (halffloat.c). */
static inline float lnp_h2f(lnp_half h)
{
  uint32_t f_sgn = ((uint32_t)h & 0x8000u) << 16, bits;
  uint32_t h_exp = (uint32_t)h & 0x7c00u;
  if (h_exp == 0) {
    uint32_t h_sig = (uint32_t)h & 0x03ffu;
    if (h_sig == 0) {
      bits = f_sgn;
    } else {
      h_sig <<= 1;
      while ((h_sig & 0x0400u) == 0) {
        h_sig <<= 1;
        h_exp++;
      }
      bits = f_sgn + (((uint32_t)(127 - 15 - h_exp)) << 23) + ((h_sig & 0x03ffu) << 13);
    }
  } else if (h_exp == 0x7c00u) {
    bits = f_sgn + 0x7f800000u + (((uint32_t)h & 0x03ffu) << 13);
  } else {
    bits = f_sgn + ((((uint32_t)h & 0x7fffu) + 0x1c000u) << 13);
  }
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}
static inline lnp_half lnp_d2h(double v)
{
  uint64_t d;
  memcpy(&d, &v, sizeof d);
  uint16_t h_sgn = (uint16_t)((d & 0x8000000000000000ULL) >> 48);
  uint64_t d_exp = d & 0x7ff0000000000000ULL, d_sig;
  if (d_exp >= 0x40f0000000000000ULL) {
    if (d_exp == 0x7ff0000000000000ULL) {
      d_sig = d & 0x000fffffffffffffULL;
      if (d_sig != 0) {
        uint16_t ret = (uint16_t)(0x7c00u + (d_sig >> 42));
        if (ret == 0x7c00u) ret++;
        return (lnp_half)(h_sgn + ret);
      }
    }
    return (lnp_half)(h_sgn + 0x7c00u);
  }
  if (d_exp <= 0x3f00000000000000ULL) {
    if (d_exp < 0x3e60000000000000ULL) return h_sgn;
    d_exp >>= 52;
    d_sig = 0x0010000000000000ULL + (d & 0x000fffffffffffffULL);
    d_sig <<= (d_exp - 998);
    if ((d_sig & 0x003fffffffffffffULL) != 0x0010000000000000ULL) d_sig += 0x0010000000000000ULL;
    return (lnp_half)(h_sgn + (uint16_t)(d_sig >> 53));
  }
  uint16_t h_exp = (uint16_t)((d_exp - 0x3f00000000000000ULL) >> 42);
  d_sig = d & 0x000fffffffffffffULL;
  if ((d_sig & 0x000007ffffffffffULL) != 0x0000020000000000ULL) d_sig += 0x0000020000000000ULL;
  uint16_t h_sig = (uint16_t)(d_sig >> 42);
  return (lnp_half)(h_sgn + (uint16_t)(h_sig + h_exp));
}
/* float -> double is exact, so one correctly rounded double -> half
 * conversion equals the direct float -> half one. */
static inline lnp_half lnp_f2h(float v) { return lnp_d2h((double)v); }
#endif

static inline lnp_half lnp_c64_to_h(float _Complex z) { return lnp_f2h(crealf(z)); }
static inline lnp_half lnp_c128_to_h(double _Complex z) { return lnp_d2h(creal(z)); }

/* ------------------------------------------------------------------------
 * Per element-kind properties, selected by token pasting on the kind letter
 * K of dtypes.h: compute type, load, store, element kind.
 * ------------------------------------------------------------------------ */
#define LNP_CT_b(T) T
#define LNP_CT_i(T) T
#define LNP_CT_u(T) T
#define LNP_CT_h(T) float
#define LNP_CT_f(T) T
#define LNP_CT_c(T) T

#define LNP_LD_b(x) (x)
#define LNP_LD_i(x) (x)
#define LNP_LD_u(x) (x)
#define LNP_LD_h(x) lnp_h2f(x)
#define LNP_LD_f(x) (x)
#define LNP_LD_c(x) (x)

#define LNP_ST_b(x) (x)
#define LNP_ST_i(x) (x)
#define LNP_ST_u(x) (x)
#define LNP_ST_h(x) lnp_f2h(x)
#define LNP_ST_f(x) (x)
#define LNP_ST_c(x) (x)

/* Round a compute value to the storage precision (float16 only). */
#define LNP_RND_b(x) (x)
#define LNP_RND_i(x) (x)
#define LNP_RND_u(x) (x)
#define LNP_RND_h(x) lnp_h2f(lnp_f2h(x))
#define LNP_RND_f(x) (x)
#define LNP_RND_c(x) (x)

#define LNP_EK_b b
#define LNP_EK_i i
#define LNP_EK_u u
#define LNP_EK_h f
#define LNP_EK_f f
#define LNP_EK_c c

/* Output type of ABSOLUTE: the real type for complex, else the type. */
#define LNP_AT_b(T) T
#define LNP_AT_i(T) T
#define LNP_AT_u(T) T
#define LNP_AT_h(T) T
#define LNP_AT_f(T) T
#define LNP_AT_c(T) __typeof__(LNP_RE((T)0))

/* PFX##ek, the element-kind variant of a macro family. */
#define LNP_EKM(PFX, K) LNP_CAT(PFX, LNP_EK_##K)
/* The element operation of OP for dtype kind K (float16: LNP_HALF_EK,
 * elem.h). */
#define LNP_EKO_b(OP) b
#define LNP_EKO_i(OP) i
#define LNP_EKO_u(OP) u
#define LNP_EKO_h(OP) LNP_HALF_EK(OP)
#define LNP_EKO_f(OP) f
#define LNP_EKO_c(OP) c
#define LNP_ELEM(OP, K) LNP_CAT(LNP_E_##OP##_, LNP_EKO_##K(OP))


/* Complex helpers of the pairwise sums: the real type of a complex dtype N
 * and a complex from its parts. */
#define LNP_DEF_CPLX_PARTS(E, T, N, K)                                        \
  typedef __typeof__(LNP_RE((T)0)) lnp_rt_##N;                               \
  static inline T lnp_mk_##N(lnp_rt_##N r, lnp_rt_##N i) { return LNP_CMK(r, i); }
LNP_FOR_COMPLEX(LNP_DEF_CPLX_PARTS)
#undef LNP_DEF_CPLX_PARTS

#endif
