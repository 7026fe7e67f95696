/* The C11 backend of elem.h: the primitives its element semantics are
 * written in, for the CPU loops (loop_cpu.c) and the host fusion
 * interpreter (fuse_host.c).  Overloading is _Generic; helpers are
 * instantiated as one static inline function per type; libm and C99's
 * complex.h are the math libraries. */
#ifndef LNP_ELEM_HOST_H
#define LNP_ELEM_HOST_H

#include <complex.h>
#include <fenv.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../data-interfaces/dtypes.h"

/* the type of a value; x as an unsigned value at least as wide as unsigned
 * int (arithmetic on it wraps and never overflows a promoted int) */
#define LNP_TY(x) __typeof__(x)
#define LNP_UT(T)                                                           \
  __typeof__(_Generic((T)0, int8_t: (uint8_t)0, int16_t: (uint16_t)0,       \
                      int32_t: (uint32_t)0, int64_t: (uint64_t)0,           \
                      default: (T)0))
#define LNP_UW(x) ((LNP_UT(__typeof__(x)))(x) + 0u)

/* Integer loops raise NumPy's floating-point status themselves (x // 0,
 * x % 0, MIN // -1), as its loops do (npy_set_floatstatus_*): the value v
 * after raising the flag. */
static inline void lnp_raise_divide(void) { feraiseexcept(FE_DIVBYZERO); }
static inline void lnp_raise_overflow(void) { feraiseexcept(FE_OVERFLOW); }
#define LNP_RAISE_DIVIDE(v) (lnp_raise_divide(), (v))
#define LNP_RAISE_OVERFLOW(v) (lnp_raise_overflow(), (v))

/* libm of a float or double value */
#define LNP_M(fn, x) _Generic((x), float: fn##f, default: fn)(x)
#define LNP_M2(fn, x, y) _Generic((x), float: fn##f, default: fn)((x), (y))
#define LNP_M3(fn, x, y, z) _Generic((x), float: fn##f, default: fn)((x), (y), (z))
#define LNP_ISNAN(x) (isnan(x) != 0)
#define LNP_ISINF(x) (isinf(x) != 0)
#define LNP_ISFINITE(x) (isfinite(x) != 0)
#define LNP_SIGNBIT(x) (signbit(x) != 0)
#define LNP_NAN_OF(R) ((R)NAN)
#define LNP_INF_OF(R) ((R)INFINITY)
/* fmax/fmin of real floats: the C library's */
#define LNP_FMAX_R(a, b) LNP_M2(fmax, a, b)
#define LNP_FMIN_R(a, b) LNP_M2(fmin, a, b)

/* Complex values are C99's; complex.h's functions are the library. */
static inline float _Complex lnp_cmplxf(float r, float i)
{
#ifdef CMPLXF
  return CMPLXF(r, i);
#else /* glibc with clang lacks CMPLXF */
  union { float _Complex z; float p[2]; } u = {.p = {r, i}};
  return u.z;
#endif
}
static inline double _Complex lnp_cmplx(double r, double i)
{
#ifdef CMPLX
  return CMPLX(r, i);
#else
  union { double _Complex z; double p[2]; } u = {.p = {r, i}};
  return u.z;
#endif
}
#define LNP_RE(z) _Generic((z), float _Complex: crealf, default: creal)(z)
#define LNP_IM(z) _Generic((z), float _Complex: cimagf, default: cimag)(z)
/* a complex of the real type of r */
#define LNP_CMK(r, i) _Generic((r), float: lnp_cmplxf, default: lnp_cmplx)((r), (i))
#define LNP_CXT(R) R _Complex
#define LNP_CM(fn, z) _Generic((z), float _Complex: c##fn##f, default: c##fn)(z)
#define LNP_CM2(fn, z, w) _Generic((z), float _Complex: c##fn##f, default: c##fn)((z), (w))

/* Whether NumPy's AVX512F kernels run on this CPU (NumPy dispatches some
 * loops at run time; where their results differ in the last bit from the
 * scalar formula we follow the kernel this machine's NumPy uses). */
static inline int lnp_numpy_avx512f(void)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
  return __builtin_cpu_supports("avx512f");
#else
  return 0;
#endif
}
#define LNP_NUMPY_AVX512F lnp_numpy_avx512f()

/* a helper function of the semantics (elem_random.h) */
#define LNP_FN static inline
/* the high 64 bits of the 128-bit product of two uint64 */
#define LNP_MULHI64(a, b) ((uint64_t)(((unsigned __int128)(a) * (uint64_t)(b)) >> 64))

/* ---- instantiation of elem.h's helpers: a function per type, chosen by
 * _Generic on the first argument.  BODY(T) is the body, whose parameters
 * are a, b (and m). ---- */
#define LNP_INST_R1(name, BODY)                                              \
  static inline float lnp_##name##_f32(float a) BODY(float)                 \
  static inline double lnp_##name##_f64(double a) BODY(double)
#define LNP_R1(name, a) _Generic((a), float: lnp_##name##_f32, default: lnp_##name##_f64)(a)
#define LNP_INST_R2(name, BODY)                                              \
  static inline float lnp_##name##_f32(float a, float b) BODY(float)        \
  static inline double lnp_##name##_f64(double a, double b) BODY(double)
#define LNP_R2(name, a, b) _Generic((a), float: lnp_##name##_f32, default: lnp_##name##_f64)((a), (b))
#define LNP_INST_R2P(name, BODY)                                             \
  static inline float lnp_##name##_f32(float a, float b, float *m) BODY(float) \
  static inline double lnp_##name##_f64(double a, double b, double *m) BODY(double)
#define LNP_R2P(name, a, b, m) _Generic((a), float: lnp_##name##_f32, default: lnp_##name##_f64)((a), (b), (m))

#define LNP_INST_I2_(name, BODY, T, N) static inline T lnp_##name##_##N(T a, T b) BODY(T)
#define LNP_INST_I2(name, BODY)                                              \
  LNP_INST_I2_(name, BODY, int8_t, int8) LNP_INST_I2_(name, BODY, int16_t, int16) \
  LNP_INST_I2_(name, BODY, int32_t, int32) LNP_INST_I2_(name, BODY, int64_t, int64) \
  LNP_INST_I2_(name, BODY, uint8_t, uint8) LNP_INST_I2_(name, BODY, uint16_t, uint16) \
  LNP_INST_I2_(name, BODY, uint32_t, uint32) LNP_INST_I2_(name, BODY, uint64_t, uint64)
#define LNP_I2(name, a, b)                                                   \
  _Generic((a), int8_t: lnp_##name##_int8, int16_t: lnp_##name##_int16,      \
           int32_t: lnp_##name##_int32, int64_t: lnp_##name##_int64,         \
           uint8_t: lnp_##name##_uint8, uint16_t: lnp_##name##_uint16,       \
           uint32_t: lnp_##name##_uint32, uint64_t: lnp_##name##_uint64)((a), (b))

#define LNP_INST_C1(name, BODY)                                              \
  static inline float _Complex lnp_c##name##_c64(float _Complex a) BODY(float) \
  static inline double _Complex lnp_c##name##_c128(double _Complex a) BODY(double)
#define LNP_C1(name, a) _Generic((a), float _Complex: lnp_c##name##_c64, default: lnp_c##name##_c128)(a)
#define LNP_INST_C2(name, BODY)                                              \
  static inline float _Complex lnp_c##name##_c64(float _Complex a, float _Complex b) BODY(float) \
  static inline double _Complex lnp_c##name##_c128(double _Complex a, double _Complex b) BODY(double)
#define LNP_C2(name, a, b) _Generic((a), float _Complex: lnp_c##name##_c64, default: lnp_c##name##_c128)((a), (b))
#define LNP_INST_CR1F(name, BODY)                                            \
  static inline float lnp_c##name##_c64(float _Complex a, int avx) BODY(float) \
  static inline double lnp_c##name##_c128(double _Complex a, int avx) BODY(double)
#define LNP_CR1F(name, a, f) _Generic((a), float _Complex: lnp_c##name##_c64, default: lnp_c##name##_c128)((a), (f))

#endif
