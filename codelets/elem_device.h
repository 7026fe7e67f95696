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
LNP_DEV_M1(rint) LNP_DEV_M1(fabs) LNP_DEV_M1(expm1) LNP_DEV_M1(cbrt) LNP_DEV_M1(acosh)
LNP_DEV_M1(asinh) LNP_DEV_M1(atanh)
LNP_DEV_M2(fmod) LNP_DEV_M2(copysign) LNP_DEV_M2(pow) LNP_DEV_M2(atan2) LNP_DEV_M2(hypot)
LNP_DEV_M2(nextafter)
#undef LNP_DEV_M1
#undef LNP_DEV_M2
LNP_DFN float lnp_m_frexp(float x, int *e) { return frexpf(x, e); }
LNP_DFN double lnp_m_frexp(double x, int *e) { return ::frexp(x, e); }
LNP_DFN float lnp_m_ldexp(float x, int e) { return ldexpf(x, e); }
LNP_DFN double lnp_m_ldexp(double x, int e) { return ::ldexp(x, e); }
LNP_DFN float lnp_m_fma(float x, float y, float z) { return fmaf(x, y, z); }
LNP_DFN double lnp_m_fma(double x, double y, double z) { return ::fma(x, y, z); }
/* A GPU has no floating-point status: the integer loops' explicit flags
 * (elem_host.h) are values only here; the kernels derive the flags from
 * each element's operands and result instead (below). */
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

/* ---- floating-point status (NumPy's UFUNC_FPE_* bits, loop.h) ----
 * IEEE arithmetic raises a flag exactly where its result leaves the
 * operands' class, so an element's flags follow from its operands and
 * result: NaN from no NaN is invalid; an infinity from finite operands is
 * divide-by-zero when an operand is 0 (x/0, log(0), 0**-1, reciprocal(0))
 * and overflow otherwise; with LNP_FPC_TINY (ops whose tiny results are
 * rounded: products, quotients, exp, casts, not sums, which are exact
 * there) a subnormal result, or 0 from nonzero finite operands, is
 * underflow; with LNP_FPC_POLE (ops whose only infinities from finite
 * values are poles: arctanh(1), log1p(-1)) an infinity is divide-by-zero.
 * LNP_FPC_UNARY: b is not an operand. */
#define LNP_FPC_UNARY 1
#define LNP_FPC_TINY 2
#define LNP_FPC_POLE 4
LNP_DFN float lnp_min_normal(float) { return 1.17549435e-38f; }
LNP_DFN double lnp_min_normal(double) { return 2.2250738585072014e-308; }
template <class R> LNP_DFN unsigned lnp_fpc_class(R r, bool nan_in, bool inf_in, bool zero_in, int cls, R minn)
{
  if (r != r) return nan_in ? 0u : 8u;
  if (lnp_isinf(r)) return nan_in || inf_in ? 0u : (zero_in || (cls & LNP_FPC_POLE)) ? 1u : 2u;
  if (cls & LNP_FPC_TINY) {
    const R m = r < 0 ? -r : r;
    if (m != 0 && m < minn) return 4u;
    if (m == 0 && !zero_in && !nan_in && !inf_in) return 4u;
  }
  return 0u;
}
/* a real op's flags from its operands a (and b) and its result r (minn:
 * the smallest normal value of r's storage type) */
template <class R> LNP_DFN unsigned lnp_fpc(int cls, R r, R a, R b, R minn)
{
  const bool un = (cls & LNP_FPC_UNARY) != 0;
  const bool nan_in = a != a || (!un && b != b);
  const bool inf_in = lnp_isinf(a) || (!un && lnp_isinf(b));
  const bool zero_in = a == 0 || (!un && b == 0);
  return lnp_fpc_class(r, nan_in, inf_in, zero_in, cls, minn);
}
template <class R> LNP_DFN unsigned lnp_fpc(int cls, R r, R a, R b) { return lnp_fpc(cls, r, a, b, lnp_min_normal(r)); }
/* Report flags m of launch gen into host[0..3], the slot's bytes of mapped
 * host memory (one a flag: plain stores, no atomics over the bus), and the
 * word *any; seen (device memory) keeps the flags this launch already
 * reported, so a launch full of NaNs writes the bus a few times, not once
 * a block.  Any thread may call it. */
LNP_DFN void lnp_fp_put(unsigned m, unsigned char *host, unsigned *any, unsigned *seen, unsigned gen)
{
  if (!m || !host) return;
  const unsigned tag = gen << 4;
  unsigned old = *(volatile unsigned *)seen;
  for (;;) {
    const unsigned cur = (old & ~15u) == tag ? old : tag;
    if (cur == old && (cur & m) == m) return; /* this launch reported these */
    const unsigned prev = atomicCAS(seen, old, cur | m);
    if (prev == old) break;
    old = prev;
  }
  for (int k = 0; k < 4; k++)
    if (m & (1u << k)) ((volatile unsigned char *)host)[k] = 1;
  __threadfence_system(); /* the flags before the word that announces them */
  *(volatile unsigned *)any = 1;
}
/* The same for a block's flags: every thread of the block calls it with
 * its own (barriers), one reports their union. */
LNP_DFN void lnp_fp_block_report(unsigned m, unsigned char *host, unsigned *any, unsigned *seen, unsigned gen)
{
  __shared__ unsigned lnp_fp_s;
  const bool lead = threadIdx.x == 0 && threadIdx.y == 0 && threadIdx.z == 0;
  if (lead) lnp_fp_s = 0;
  __syncthreads();
  if (m) atomicOr(&lnp_fp_s, m);
  __syncthreads();
  if (lead) lnp_fp_put(lnp_fp_s, host, any, seen, gen);
}

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
#define LNP_INST_R1(name, BODY) template <class R> LNP_DFN R lnp_##name(R a) BODY(R)
#define LNP_R1(name, a) lnp_##name(a)
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
