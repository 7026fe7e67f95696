/* NumPy's sort order as unsigned keys, for the C kernels (sort_cpu.c) and
 * the CUDA ones (sort_cuda.cu): a value's key compares as NumPy's sort
 * compares values (npysort's LT), so radix sorts, merges and binary
 * searches work on keys alone.
 *
 *  bool, integers  the bits, the sign bit flipped for signed types;
 *  floats          the IEEE bits made monotonic (negatives inverted, the
 *                  sign bit set on the others), every NaN the largest key
 *                  and -0.0 the key of 0.0 (NumPy: equal, so a stable sort
 *                  keeps their order);
 *  complex         (class, real key, imaginary key), lexicographic, where
 *                  the class is NumPy's: R + Rj, then R + nanj, nan + Rj,
 *                  nan + nanj (its CFLOAT_LT orders those classes before
 *                  the values).
 *
 * Per element kind K (dtypes.h): LNP_SK_DEF_K(N, T, KT, RN) defines
 * lnp_sk_key_N(T) -> KT; LNP_SK_LESS_K(a, b) compares keys; the radix
 * digits are bytes, LNP_SK_NBYTES_K(KT) of them, LNP_SK_DIGIT_K(k, p) the
 * p-th (least significant first). */
#ifndef LNP_SORT_KEY_H
#define LNP_SORT_KEY_H

#include <stdint.h>
#include <string.h>

#include "../data-interfaces/dtypes.h"

#ifdef __CUDACC__
#define LNP_SK_FN static inline __host__ __device__
#else
#define LNP_SK_FN static inline
#endif

/* a complex key: w2 the class (0..3), w1 the real part's key, w0 the
 * imaginary part's */
typedef struct lnp_sk_ckey {
  uint64_t w0, w1;
  uint32_t w2;
} lnp_sk_ckey;

/* the key type of each dtype (N: dtypes.h's name) */
#define LNP_SK_KT_bool uint8_t
#define LNP_SK_KT__Bool uint8_t /* C: bool is a macro, expanded on the way */
#define LNP_SK_KT_int8 uint8_t
#define LNP_SK_KT_int16 uint16_t
#define LNP_SK_KT_int32 uint32_t
#define LNP_SK_KT_int64 uint64_t
#define LNP_SK_KT_uint8 uint8_t
#define LNP_SK_KT_uint16 uint16_t
#define LNP_SK_KT_uint32 uint32_t
#define LNP_SK_KT_uint64 uint64_t
#define LNP_SK_KT_float16 uint16_t
#define LNP_SK_KT_float32 uint32_t
#define LNP_SK_KT_float64 uint64_t
#define LNP_SK_KT_complex64 lnp_sk_ckey
#define LNP_SK_KT_complex128 lnp_sk_ckey
/* a complex dtype's real dtype (others: themselves, unused) */
#define LNP_SK_RN_complex64 float32
#define LNP_SK_RN_complex128 float64
#define LNP_SK_RT_complex64 float
#define LNP_SK_RT_complex128 double

#define LNP_SK_TOP(KT) ((KT)((KT)1 << (sizeof(KT) * 8 - 1)))

#define LNP_SK_DEF_b(N, T, KT, RN) \
  LNP_SK_FN KT lnp_sk_key_##N(T x) { return (KT)(x ? 1 : 0); }
#define LNP_SK_DEF_i(N, T, KT, RN) \
  LNP_SK_FN KT lnp_sk_key_##N(T x) { return (KT)((KT)x ^ LNP_SK_TOP(KT)); }
#define LNP_SK_DEF_u(N, T, KT, RN) \
  LNP_SK_FN KT lnp_sk_key_##N(T x) { return (KT)x; }
/* floats from their bits b (KT wide), without branches: the sign bit
 * flipped on positives, every bit on negatives; then 0.0 for both zeros
 * and the largest key for NaNs (b without its sign above infinity's) */
#define LNP_SK_INF2(KT) \
  ((KT)(sizeof(KT) == 2 ? 0xf800u : sizeof(KT) == 4 ? 0xff000000u : 0xffe0000000000000ull))
#define LNP_SK_FBITS(KT, b)                                                   \
  do {                                                                        \
    const KT m2 = (KT)(b << 1);                                               \
    KT k = (KT)(b ^ ((KT)(0u - (KT)(b >> (sizeof(KT) * 8 - 1))) | LNP_SK_TOP(KT))); \
    k = m2 == 0 ? LNP_SK_TOP(KT) : k;                                         \
    return m2 > LNP_SK_INF2(KT) ? (KT)~(KT)0 : k;                             \
  } while (0)
#define LNP_SK_DEF_h(N, T, KT, RN)                                            \
  LNP_SK_FN KT lnp_sk_key_##N(T x)                                            \
  {                                                                           \
    const KT b = (KT)x;                                                       \
    LNP_SK_FBITS(KT, b);                                                      \
  }
#define LNP_SK_DEF_f(N, T, KT, RN)                                            \
  LNP_SK_FN KT lnp_sk_key_##N(T x)                                            \
  {                                                                           \
    KT b;                                                                     \
    memcpy(&b, &x, sizeof b);                                                 \
    LNP_SK_FBITS(KT, b);                                                      \
  }
#define LNP_SK_DEF_c(N, T, KT, RN) LNP_SK_DEF_c_(N, T, LNP_SK_RN_##N, LNP_SK_RT_##N)
#define LNP_SK_DEF_c_(N, T, R, RT) LNP_SK_DEF_c__(N, T, R, RT)
#define LNP_SK_DEF_c__(N, T, R, RT)                                           \
  LNP_SK_FN lnp_sk_ckey lnp_sk_key_##N(T x)                                   \
  {                                                                           \
    RT p[2];                                                                  \
    memcpy(p, &x, sizeof p);                                                  \
    lnp_sk_ckey k;                                                            \
    k.w1 = lnp_sk_key_##R(p[0]);                                              \
    k.w0 = lnp_sk_key_##R(p[1]);                                              \
    k.w2 = (uint32_t)((p[0] != p[0]) * 2 + (p[1] != p[1]));                   \
    return k;                                                                 \
  }

#define LNP_SK_LESS_S(a, b) ((a) < (b))
#define LNP_SK_LESS_b LNP_SK_LESS_S
#define LNP_SK_LESS_i LNP_SK_LESS_S
#define LNP_SK_LESS_u LNP_SK_LESS_S
#define LNP_SK_LESS_h LNP_SK_LESS_S
#define LNP_SK_LESS_f LNP_SK_LESS_S
#define LNP_SK_LESS_c(a, b) lnp_sk_cless(a, b)
LNP_SK_FN int lnp_sk_cless(lnp_sk_ckey a, lnp_sk_ckey b)
{
  if (a.w2 != b.w2) return a.w2 < b.w2;
  if (a.w1 != b.w1) return a.w1 < b.w1;
  return a.w0 < b.w0;
}

/* a key from an lnp_sk_ckey (scalars: w0), and how many of its words the
 * kind uses (the merge's search over the key space, sort_cpu.c) */
#define LNP_SK_FROMC_S(KT, ck) ((KT)(ck).w0)
#define LNP_SK_FROMC_b LNP_SK_FROMC_S
#define LNP_SK_FROMC_i LNP_SK_FROMC_S
#define LNP_SK_FROMC_u LNP_SK_FROMC_S
#define LNP_SK_FROMC_h LNP_SK_FROMC_S
#define LNP_SK_FROMC_f LNP_SK_FROMC_S
#define LNP_SK_FROMC_c(KT, ck) (ck)
#define LNP_SK_W0MAX_S(KT) ((uint64_t)(KT)~(KT)0)
#define LNP_SK_W0MAX_b LNP_SK_W0MAX_S
#define LNP_SK_W0MAX_i LNP_SK_W0MAX_S
#define LNP_SK_W0MAX_u LNP_SK_W0MAX_S
#define LNP_SK_W0MAX_h LNP_SK_W0MAX_S
#define LNP_SK_W0MAX_f LNP_SK_W0MAX_S
#define LNP_SK_W0MAX_c(KT) (~(uint64_t)0)
#define LNP_SK_LIMBS_b 1
#define LNP_SK_LIMBS_i 1
#define LNP_SK_LIMBS_u 1
#define LNP_SK_LIMBS_h 1
#define LNP_SK_LIMBS_f 1
#define LNP_SK_LIMBS_c 3

#define LNP_SK_NBYTES_S(KT) ((int)sizeof(KT))
#define LNP_SK_NBYTES_b LNP_SK_NBYTES_S
#define LNP_SK_NBYTES_i LNP_SK_NBYTES_S
#define LNP_SK_NBYTES_u LNP_SK_NBYTES_S
#define LNP_SK_NBYTES_h LNP_SK_NBYTES_S
#define LNP_SK_NBYTES_f LNP_SK_NBYTES_S
/* imaginary, real: the real type's bytes each (complex64: 4), the class */
#define LNP_SK_NBYTES_c(KT) 17
#define LNP_SK_DIGIT_S(k, p) ((unsigned)((k) >> (8 * (p))) & 255u)
#define LNP_SK_DIGIT_b LNP_SK_DIGIT_S
#define LNP_SK_DIGIT_i LNP_SK_DIGIT_S
#define LNP_SK_DIGIT_u LNP_SK_DIGIT_S
#define LNP_SK_DIGIT_h LNP_SK_DIGIT_S
#define LNP_SK_DIGIT_f LNP_SK_DIGIT_S
#define LNP_SK_DIGIT_c(k, p) lnp_sk_cdigit(k, p)
LNP_SK_FN unsigned lnp_sk_cdigit(lnp_sk_ckey k, int p)
{
  if (p < 8) return (unsigned)(k.w0 >> (8 * p)) & 255u;
  if (p < 16) return (unsigned)(k.w1 >> (8 * (p - 8))) & 255u;
  return k.w2;
}

#endif
