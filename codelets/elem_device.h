/* The CUDA C++ backend of elem.h, for nvcc (the loop kernels) and NVRTC
 * (fused kernels, which get this text and elem.h's as their preamble:
 * nothing here includes a header).  Overloading is C++'s; helpers are
 * function templates; libdevice is the math library and the kernels'
 * ports of glibc's complex functions (c_exp, c_log, ..., defined before
 * elem.h by loop_cuda_complex.cuh) the complex one.  Compiled without FMA
 * contraction (--fmad=false) so that a*b+c rounds as in C. */
#ifndef LNP_ELEM_DEVICE_H
#define LNP_ELEM_DEVICE_H

#define LNP_DFN static __device__ __forceinline__

/* the type of a value, without reference or const */
template <class T> struct lnp_plain { typedef T type; };
template <class T> struct lnp_plain<const T> { typedef T type; };
template <class T> struct lnp_plain<T &> { typedef typename lnp_plain<T>::type type; };
#define LNP_TY(x) typename lnp_plain<decltype(x)>::type

/* x as an unsigned value at least as wide as unsigned int */
template <class T> struct lnp_unsigned { typedef T type; };
template <> struct lnp_unsigned<signed char> { typedef unsigned char type; };
template <> struct lnp_unsigned<short> { typedef unsigned short type; };
template <> struct lnp_unsigned<int> { typedef unsigned type; };
template <> struct lnp_unsigned<long> { typedef unsigned long type; };
template <> struct lnp_unsigned<long long> { typedef unsigned long long type; };
template <class T> LNP_DFN auto lnp_uw(T x) { return (typename lnp_unsigned<T>::type)x + 0u; }
#define LNP_UW(x) lnp_uw(x)

/* libdevice: float and double overloads */
#define LNP_DEV_M1(fn)                                                       \
  LNP_DFN float lnp_m_##fn(float x) { return fn##f(x); }                     \
  LNP_DFN double lnp_m_##fn(double x) { return ::fn(x); }
#define LNP_DEV_M2(fn)                                                       \
  LNP_DFN float lnp_m_##fn(float x, float y) { return fn##f(x, y); }         \
  LNP_DFN double lnp_m_##fn(double x, double y) { return ::fn(x, y); }
LNP_DEV_M1(sqrt) LNP_DEV_M1(exp) LNP_DEV_M1(log) LNP_DEV_M1(log10) LNP_DEV_M1(log2)
LNP_DEV_M1(exp2) LNP_DEV_M1(log1p) LNP_DEV_M1(sin) LNP_DEV_M1(cos)
LNP_DEV_M1(tan) LNP_DEV_M1(asin) LNP_DEV_M1(acos) LNP_DEV_M1(atan) LNP_DEV_M1(sinh)
LNP_DEV_M1(cosh) LNP_DEV_M1(tanh) LNP_DEV_M1(floor) LNP_DEV_M1(ceil) LNP_DEV_M1(trunc)
LNP_DEV_M1(rint) LNP_DEV_M1(fabs) LNP_DEV_M1(expm1)
LNP_DEV_M2(fmod) LNP_DEV_M2(copysign) LNP_DEV_M2(pow) LNP_DEV_M2(atan2) LNP_DEV_M2(hypot)
#undef LNP_DEV_M1
#undef LNP_DEV_M2
LNP_DFN float lnp_m_fma(float x, float y, float z) { return fmaf(x, y, z); }
LNP_DFN double lnp_m_fma(double x, double y, double z) { return ::fma(x, y, z); }
/* A GPU has no floating-point status: the integer loops' explicit flags
 * (elem_host.h) are values only here. */
#define LNP_RAISE_DIVIDE(v) (v)
#define LNP_RAISE_OVERFLOW(v) (v)

#define LNP_M(fn, x) lnp_m_##fn(x)
#define LNP_M2(fn, x, y) lnp_m_##fn((x), (y))
#define LNP_M3(fn, x, y, z) lnp_m_##fn((x), (y), (z))

LNP_DFN float lnp_inf(float) { return __int_as_float(0x7f800000); }
LNP_DFN double lnp_inf(double) { return __longlong_as_double(0x7ff0000000000000LL); }
LNP_DFN float lnp_nan(float) { return __int_as_float(0x7fc00000); }
LNP_DFN double lnp_nan(double) { return __longlong_as_double(0x7ff8000000000000LL); }
template <class R> LNP_DFN bool lnp_isnan(R x) { return x != x; }
template <class R> LNP_DFN bool lnp_isinf(R x) { return x == lnp_inf(x) || x == -lnp_inf(x); }
template <class R> LNP_DFN bool lnp_isfinite(R x) { return x - x == x - x; }
LNP_DFN bool lnp_signbit(float x) { return (__float_as_uint(x) >> 31) != 0; }
LNP_DFN bool lnp_signbit(double x) { return __double_as_longlong(x) < 0; }
#define LNP_ISNAN(x) lnp_isnan(x)
#define LNP_ISINF(x) lnp_isinf(x)
#define LNP_ISFINITE(x) lnp_isfinite(x)
#define LNP_SIGNBIT(x) lnp_signbit(x)
#define LNP_NAN_OF(R) lnp_nan((R)0)
#define LNP_INF_OF(R) lnp_inf((R)0)

/* What depends on the host: the kernels' element functions take an int
 * lnp_aux with the fmax/fmin behaviour of the host's CPU kernels
 * (fminmax_c) and whether NumPy's AVX512F absolute value applies. */
#define LNP_FMAX_R(a, b) fminmax_c<true>((a), (b), lnp_aux)
#define LNP_FMIN_R(a, b) fminmax_c<false>((a), (b), lnp_aux)
#define LNP_NUMPY_AVX512F ((lnp_aux & 1) != 0)

/* complex values: {re, im} of the storage layout */
template <class R> struct lnp_cx {
  R re, im;
};
template <class R> LNP_DFN lnp_cx<R> lnp_mkcx(R r, typename lnp_plain<R>::type i) { return lnp_cx<R>{r, i}; }
#define LNP_RE(z) ((z).re)
#define LNP_IM(z) ((z).im)
#define LNP_CMK(r, i) lnp_mkcx((r), (i))
#define LNP_CXT(R) lnp_cx<R>
#define LNP_CM(fn, z) c_##fn(z)
#define LNP_CM2(fn, z, w) c_##fn((z), (w))

/* a helper function of the semantics (elem_random.h) */
#define LNP_FN static __device__ inline
/* the high 64 bits of the 128-bit product of two uint64 */
#define LNP_MULHI64(a, b) __umul64hi((a), (b))

/* ---- instantiation of elem.h's helpers: function templates ---- */
#define LNP_INST_R2(name, BODY) template <class R> LNP_DFN R lnp_##name(R a, R b) BODY(R)
#define LNP_R2(name, a, b) lnp_##name((a), (b))
#define LNP_INST_R2P(name, BODY) template <class R> LNP_DFN R lnp_##name(R a, R b, R *m) BODY(R)
#define LNP_R2P(name, a, b, m) lnp_##name((a), (b), (m))
#define LNP_INST_I2(name, BODY) template <class T> LNP_DFN T lnp_##name(T a, T b) BODY(T)
#define LNP_I2(name, a, b) lnp_##name((a), (b))
#define LNP_INST_C1(name, BODY) template <class R> LNP_DFN lnp_cx<R> lnp_c##name(lnp_cx<R> a) BODY(R)
#define LNP_C1(name, a) lnp_c##name(a)
#define LNP_INST_C2(name, BODY) template <class R> LNP_DFN lnp_cx<R> lnp_c##name(lnp_cx<R> a, lnp_cx<R> b) BODY(R)
#define LNP_C2(name, a, b) lnp_c##name((a), (b))
#define LNP_INST_CR1F(name, BODY) template <class R> LNP_DFN R lnp_c##name(lnp_cx<R> a, bool avx) BODY(R)
#define LNP_CR1F(name, a, f) lnp_c##name((a), (f))

#endif
