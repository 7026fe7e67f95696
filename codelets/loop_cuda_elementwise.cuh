/* The CUDA loop kernels of elementwise work and sequential folds (see
 * loop_cuda_kernels.cuh): casts, NumPy's pairwise summation of one run,
 * the walk of a piece's dims, the per-element work of each op shape, and
 * the kernels k_thread (one thread per output element) and k_seq (one
 * thread per output, its run streamed through shared memory). */
#ifndef LNP_LOOP_CUDA_ELEMENTWISE_CUH
#define LNP_LOOP_CUDA_ELEMENTWISE_CUH

#include "loop_cuda_ops.cuh"

namespace {

/* ========================================================================
 * Casts (loop_cpu.c): the source widens to a canonical value of its kind
 * (int64, uint64, float for float16, itself for floats and complex) that
 * converts to any destination as the source would.  Floating -> integer
 * follows x86-64's scalar conversions (cvtt*2si: NaN and out-of-range give
 * the "integer indefinite" 0x80..0; narrower types truncate an int32;
 * uint32 truncates an int64; uint64 above 2^63 subtracts 2^63 first).
 * ======================================================================== */
template <int DT, char K = dt_kind(DT)> struct CanonSel { typedef CT<DT> type; };
template <int DT> struct CanonSel<DT, 'b'> { typedef int64_t type; };
template <int DT> struct CanonSel<DT, 'i'> { typedef int64_t type; };
template <int DT> struct CanonSel<DT, 'u'> { typedef uint64_t type; };
template <int DT> using CanonT = typename CanonSel<DT>::type;

/* the conversion takes the indefinite branch below: x86 raises invalid */
template <class T2> DI bool f2int_invalid(double x)
{
  if constexpr (std::is_same_v<T2, uint64_t>) {
    if (x >= 9223372036854775808.0) x -= 9223372036854775808.0;
  }
  if constexpr (sizeof(T2) == 8 || std::is_same_v<T2, uint32_t>)
    return !(x >= -9223372036854775808.0 && x < 9223372036854775808.0);
  else return !(x > -2147483649.0 && x < 2147483648.0);
}
DI int32_t cvtt32(double x) { return (x > -2147483649.0 && x < 2147483648.0) ? (int32_t)x : INT32_MIN; }
DI int64_t cvtt64(double x)
{
  return (x >= -9223372036854775808.0 && x < 9223372036854775808.0) ? (int64_t)x : INT64_MIN;
}
template <class T2> DI T2 f2int(double x)
{
  if constexpr (std::is_same_v<T2, uint64_t>) {
    if (!(x >= 9223372036854775808.0)) return (uint64_t)cvtt64(x);
    return (uint64_t)cvtt64(x - 9223372036854775808.0) ^ (1ull << 63);
  } else if constexpr (std::is_same_v<T2, int64_t>) {
    return cvtt64(x);
  } else if constexpr (std::is_same_v<T2, uint32_t>) {
    return (uint32_t)cvtt64(x);
  } else {
    return (T2)cvtt32(x);
  }
}
template <class T> struct is_cx : std::false_type {};
template <class R> struct is_cx<cx<R>> : std::true_type {};

template <int DDT, class V> DI St<DDT> conv(V c)
{
  typedef St<DDT> T2;
  constexpr char K2 = dt_kind(DDT);
  if constexpr (K2 == 'b') {
    if constexpr (is_cx<V>::value) return LNP_CNZ(c);
    else return c != 0;
  } else if constexpr (K2 == 'i' || K2 == 'u') {
    if constexpr (is_cx<V>::value) return f2int<T2>((double)c.re);
    else if constexpr (std::is_floating_point_v<V>) return f2int<T2>((double)c);
    else return (T2)c;
  } else if constexpr (K2 == 'f') {
    if constexpr (is_cx<V>::value) return (T2)c.re;
    else return (T2)c;
  } else if constexpr (K2 == 'h') {
    if constexpr (is_cx<V>::value) {
      if constexpr (std::is_same_v<decltype(c.re), double>) return __half_as_ushort(__double2half(c.re));
      else return __half_as_ushort(__float2half_rn(c.re));
    } else if constexpr (std::is_same_v<V, double>) {
      return __half_as_ushort(__double2half(c));
    } else {
      return __half_as_ushort(__float2half_rn((float)c)); /* int64/uint64 -> float -> half, as C */
    }
  } else {
    typedef typename CxOf<T2>::R R2;
    T2 z;
    if constexpr (is_cx<V>::value) {
      z.re = (R2)c.re;
      z.im = (R2)c.im;
    } else {
      z.re = (R2)c;
      z.im = 0;
    }
    return z;
  }
}

/* ========================================================================
 * Pairwise summation (NumPy's pairwise_sum, loop_cpu.c lnp_pairwise_*):
 * n counts elements (reals, imaginary parts interleaved, for complex: then
 * st is half the element stride).  The sum type is the compute type.
 * ======================================================================== */
#define LNPC_PW_BLOCK 128
template <int DT> using SumT = CT<DT>;
template <int DT> DI SumT<DT> sum_add(SumT<DT> a, SumT<DT> b)
{
  if constexpr (dt_kind(DT) == 'c') return LNP_CMK(a.re + b.re, a.im + b.im);
  else return a + b;
}
DI int64_t pw_half(int64_t n)
{
  int64_t n2 = n / 2;
  return n2 - n2 % 8;
}
/* a leaf: n <= 128 */
template <int DT> DI SumT<DT> pw_leaf(const char *a, int64_t n, int64_t st)
{
  if constexpr (dt_kind(DT) == 'c') {
    typedef decltype(SumT<DT>{}.re) R;
    const size_t im = sizeof(R);
#define RV(off) (*(const R *)(a + (off)))
    if (n < 8) {
      R sr = 0, si = 0;
      for (int64_t i = 0; i < n; i += 2) {
        sr += RV(i * st);
        si += RV(i * st + im);
      }
      return {sr, si};
    }
    R r[8];
    int64_t i;
    for (int k = 0; k < 8; k += 2) {
      r[k] = RV(k * st);
      r[k + 1] = RV(k * st + im);
    }
#pragma unroll 2
    for (i = 8; i < n - (n % 8); i += 8)
      for (int k = 0; k < 8; k += 2) {
        r[k] += RV((i + k) * st);
        r[k + 1] += RV((i + k) * st + im);
      }
    R sr = ((r[0] + r[2]) + (r[4] + r[6]));
    R si = ((r[1] + r[3]) + (r[5] + r[7]));
    for (; i < n; i += 2) {
      sr += RV(i * st);
      si += RV(i * st + im);
    }
#undef RV
    return {sr, si};
  } else {
    typedef SumT<DT> C;
    if (n < 8) {
      C res = 0;
      for (int64_t i = 0; i < n; i++) res += ld<DT>(a + i * st);
      return res;
    }
    C r0 = ld<DT>(a + 0 * st), r1 = ld<DT>(a + 1 * st), r2 = ld<DT>(a + 2 * st), r3 = ld<DT>(a + 3 * st);
    C r4 = ld<DT>(a + 4 * st), r5 = ld<DT>(a + 5 * st), r6 = ld<DT>(a + 6 * st), r7 = ld<DT>(a + 7 * st);
    int64_t i;
#pragma unroll 4
    for (i = 8; i < n - (n % 8); i += 8) {
      r0 += ld<DT>(a + (i + 0) * st);
      r1 += ld<DT>(a + (i + 1) * st);
      r2 += ld<DT>(a + (i + 2) * st);
      r3 += ld<DT>(a + (i + 3) * st);
      r4 += ld<DT>(a + (i + 4) * st);
      r5 += ld<DT>(a + (i + 5) * st);
      r6 += ld<DT>(a + (i + 6) * st);
      r7 += ld<DT>(a + (i + 7) * st);
    }
    C res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += ld<DT>(a + i * st);
    return res;
  }
}
/* The whole recursion by one thread: the leaves left to right, each found
 * by a descent from the root (its path: bit k = right child at depth k+1);
 * a finished left child waits in pend[] for its right sibling. */
#define LNPC_PW_MAXDEPTH 48 /* runs of up to ~2^52 elements */
template <int DT> __device__ __noinline__ SumT<DT> pw_seq(const char *a, int64_t n, int64_t st)
{
  if (n <= LNPC_PW_BLOCK) return pw_leaf<DT>(a, n, st);
  SumT<DT> pend[LNPC_PW_MAXDEPTH];
  int64_t pos = 0;
  for (;;) {
    int64_t start = 0, len = n;
    uint64_t path = 0;
    int depth = 0;
    while (len > LNPC_PW_BLOCK) {
      const int64_t h = pw_half(len);
      if (pos >= start + h) {
        start += h;
        len -= h;
        path |= 1ull << depth;
      } else {
        len = h;
      }
      depth++;
    }
    SumT<DT> v = pw_leaf<DT>(a + start * st, len, st);
    pos = start + len;
    int k = depth;
    while (k > 0 && ((path >> (k - 1)) & 1)) {
      v = sum_add<DT>(pend[k - 1], v);
      k--;
    }
    if (k == 0) return v;
    pend[k - 1] = v;
  }
}

/* A piece record (nops = NOPS of the op):
 *   [0] number of P dims   [1] number of outer S dims   [2] F_* flags
 *   [3] number of P coordinates   [4] run length (inner S dim, else 1)
 *   [5] index of the first element (G/R ops)   [6] run index step
 *   [7] chunks per run (k_block; > 1: split, partials in Params::scratch)
 *   [8] byte offset of the piece's partials in Params::scratch
 *   [9, 9+nops) run byte strides   [9+nops, 9+2nops) operand bases
 *   then per dim (P dims, then outer S dims, each outer to inner):
 *   extent, index step, byte strides[nops]
 * An operand base >= 0 is a device address; -1-k is desc->scalars[k]. */
enum { R_NDP, R_NDS, R_FLAGS, R_NP, R_INN, R_IDX0, R_IMULT, R_NCH, R_PART, R_IST };
enum { F_INNER_S = 1, F_CLEAN = 2, F_SEQ = 4 };
HD constexpr int rec_base(int nops) { return R_IST + nops; }
HD constexpr int rec_dims(int nops) { return R_IST + 2 * nops; }
template <int OP> HD constexpr int kops() { return OP == LNP_OP_COPY ? 2 : op_nops(OP); }

DI int find_piece(const Params &p, int64_t b = blockIdx.x)
{
  int pc = 0;
  while (pc + 1 < p.npieces && b >= p.blk0[pc + 1]) pc++;
  return pc;
}
DI char *opbase(const Params &p, int64_t v)
{
  return v >= 0 ? (char *)(uintptr_t)v : (char *)(const char *)&p.scalars[-1 - v];
}
/* pointers and element index of P coordinate e (< 2^31: pieces have fewer
 * than 2^31 elements, lnp_loop_cuda_supported checks it) */
template <int NOPS> DI void locate(const Params &p, const int64_t *w, int64_t e, char **q, int64_t &idx)
{
  const int ndp = (int)w[R_NDP];
  const int64_t *dims = w + rec_dims(NOPS);
  idx = w[R_IDX0];
#pragma unroll
  for (int k = 0; k < NOPS; k++) q[k] = opbase(p, w[rec_base(NOPS) + k]);
  uint32_t e32 = (uint32_t)e;
#pragma unroll 1
  for (int d = ndp - 1; d >= 0; d--) {
    const int64_t *dd = dims + d * (2 + NOPS);
    uint32_t c = e32;
    if (d > 0) {
      const uint32_t x = (uint32_t)dd[0];
      c = e32 % x;
      e32 /= x;
    }
    idx += (int64_t)c * dd[1];
#pragma unroll
    for (int k = 0; k < NOPS; k++) q[k] += (int64_t)c * dd[2 + k];
  }
}
/* run(r, idx) for every combination of the outer S dims, in C order */
template <int NOPS, class F> DI void s_walk(const int64_t *sd, int nds, char *const *q, int64_t idx, F &&run)
{
  char *r[NOPS];
  int64_t cnt[LNP_MAXDIM];
#pragma unroll
  for (int k = 0; k < NOPS; k++) r[k] = q[k];
  for (int d = 0; d < nds; d++) cnt[d] = 0;
  for (;;) {
    run(r, idx);
    int d = nds - 1;
#pragma unroll 1
    for (; d >= 0; d--) {
      const int64_t *dd = sd + d * (2 + NOPS);
      if (++cnt[d] < dd[0]) {
#pragma unroll
        for (int k = 0; k < NOPS; k++) r[k] += dd[2 + k];
        idx += dd[1];
        break;
      }
      cnt[d] = 0;
#pragma unroll
      for (int k = 0; k < NOPS; k++) r[k] -= dd[2 + k] * (dd[0] - 1);
      idx -= dd[1] * (dd[0] - 1);
    }
    if (d < 0) return;
  }
}

/* ========================================================================
 * Per-element work of each op shape
 * ======================================================================== */
/* generators other than ARANGE and EYE: LNP_E_<OP>_<ek>(zero, scalars, idx)
 * (op_table.h's kind G) */
#define LNPC_GEN_IF_1(NAME) else if constexpr (OP == LNP_OP_##NAME) { LNPC_EK_CALL(NAME, ((C)0, p.scalars, idx)) }
#define LNPC_GEN_IF_0(NAME)
#define LNPC_GEN_IF_(S, NAME) LNPC_GEN_IF_##S(NAME)
#define LNPC_GEN_IF(S, NAME) LNPC_GEN_IF_(S, NAME)
#define LNPC_GEN_G(NAME) LNPC_GEN_IF(LNP_GEN_BY_SCALARS(NAME), NAME)
#define LNPC_GEN_S(NAME)
#define LNPC_GEN_P(NAME)
#define LNPC_GEN_A(NAME)
#define LNPC_GEN_C(NAME)
#define LNPC_GEN_W(NAME)
#define LNPC_GEN_R(NAME)
#define LNPC_GEN(NAME, UF, NIN, KIND, ...) LNPC_GEN_##KIND(NAME)
template <int OP, int DT> DI CT<DT> gen_scalars(const Params &p, int64_t idx)
{
  typedef CT<DT> C;
  constexpr char K = dt_ek(DT);
  if constexpr (false) {
  }
  LNP_OP_TABLE(LNPC_GEN)
  else static_assert(dependent_false<OP>, "not a generator");
}

template <int OP, int DT> DI CT<DT> gen(const Params &p, int64_t idx)
{
  typedef CT<DT> C;
  constexpr char K = dt_ek(DT);
  if constexpr (OP == LNP_OP_ARANGE) {
    const C start = ld<DT>((const char *)&p.scalars[0]);
    const C step = ld<DT>((const char *)&p.scalars[1]);
    if constexpr (K == 'i' || K == 'u') return LNP_E_ARANGE_i(start, step, idx);
    else if constexpr (K == 'f') return LNP_E_ARANGE_f(start, step, idx);
    else return LNP_E_ARANGE_c(start, step, idx);
  } else if constexpr (OP == LNP_OP_EYE) {
    const bool v = idx == p.scalars[0].i64;
    if constexpr (K == 'c') {
      typedef decltype(C{}.re) R;
      return C{(R)v, (R)0};
    } else {
      return (C)v;
    }
  } else {
    return (C)gen_scalars<OP, DT>(p, idx);
  }
}

/* the aux argument of f2 for OP/DT on a path (FM_ELEM, FM_FOLD): the
 * fmax/fmin bits (0 for other ops) */
template <int OP, int DT> DI int f2aux(const Params &p, int path)
{
  if constexpr ((OP == LNP_OP_FMAX || OP == LNP_OP_FMIN) && dt_ek(DT) == 'f')
    return (int)(p.fm >> fm_shift(DT, OP, path)) & 7;
  else return ((void)p, (void)path, 0);
}

/* ========================================================================
 * Floating-point status of an element (elem_device.h lnp_fpc): the flags
 * the CPU's loop raises for it, from its operands and its result as stored
 * ======================================================================== */
template <int DT> DI CT<DT> minnorm()
{
  if constexpr (dt_kind(DT) == 'h') return 6.103515625e-05f;
  else if constexpr (dt_kind(DT) == 'c') return CT<DT>{lnp_min_normal(decltype(CT<DT>{}.re)(0)), 0};
  else return lnp_min_normal(CT<DT>(0));
}
/* a cast's: x the canonical source value, v the stored result */
template <int DT, int ODT> DI unsigned fpc_cast(CanonT<DT> x, St<ODT> v)
{
  constexpr char SK = dt_kind(DT), K2 = dt_kind(ODT);
  if constexpr (SK == 'b' || SK == 'i' || SK == 'u') {
    if constexpr (K2 == 'h') /* only float16 overflows from an integer */
      return lnp_isinf(__half2float(__ushort_as_half(v))) ? 2u : 0u;
    else return ((void)x, (void)v, 0u);
  } else {
    double re;
    if constexpr (SK == 'c') re = (double)x.re;
    else re = (double)x;
    if constexpr (K2 == 'i' || K2 == 'u') {
      return f2int_invalid<St<ODT>>(re) ? 8u : 0u;
    } else if constexpr (K2 == 'b') {
      return ((void)v, 0u);
    } else {
      const int cls = LNP_FPC_UNARY | LNP_FPC_TINY;
      const CT<ODT> r = ld<ODT>((const char *)&v), mn = minnorm<ODT>();
      if constexpr (K2 == 'c') {
        unsigned f = lnp_fpc(cls, (double)r.re, re, 0.0, (double)mn.re);
        if constexpr (SK == 'c') f |= lnp_fpc(cls, (double)r.im, (double)x.im, 0.0, (double)mn.re);
        return f;
      } else {
        return lnp_fpc(cls, (double)r, re, 0.0, (double)mn);
      }
    }
  }
}
/* the integer ops that raise divide-by-zero themselves (elem.h's
 * LNP_RAISE_DIVIDE): x // 0, x % 0, fmod(x, 0) */
HD constexpr bool int_divides(int op)
{
  return op == LNP_OP_FLOOR_DIVIDE || op == LNP_OP_REMAINDER || op == LNP_OP_FMOD;
}
/* an op's: a, b its loaded operands (b unused for unary ops), r its result */
template <int OP, int DT> DI unsigned fpc_op(CT<DT> a, CT<DT> b, CT<DT> r)
{
  constexpr char K = dt_ek(DT);
  constexpr int cls = fpc_cls(OP);
  if constexpr (K == 'i' || K == 'u' || K == 'b') {
    /* elem.h's LNP_RAISE_*: integer floor_divide and remainder */
    if constexpr (int_divides(OP) && K != 'b') {
      if (b == 0) return 1u;
      if constexpr (K == 'i' && OP == LNP_OP_FLOOR_DIVIDE)
        if (b == (CT<DT>)-1 && a == cuda::std::numeric_limits<CT<DT>>::min()) return 2u;
    }
    return ((void)a, (void)b, (void)r, 0u);
  } else if constexpr (dt_kind(DT) == 'h' && (OP == LNP_OP_SPACING || OP == LNP_OP_NEXTAFTER)) {
    /* npy_half_spacing and npy_half_nextafter (elem.h's _h ops): overflow
     * past 65504, invalid for the spacing of inf and NaN, nothing else */
    (void)b;
    if (!lnp_isfinite(a)) return OP == LNP_OP_SPACING ? (unsigned)LNP_FP_INVALID : 0u;
    return lnp_isinf(rt<DT>(r)) ? (unsigned)LNP_FP_OVERFLOW : 0u;
  } else if constexpr (K == 'f') {
    if constexpr (OP == LNP_OP_SPACING) {
      if (lnp_isinf(a)) return 0u; /* NumPy's quiet NaN */
    }
    if constexpr (OP == LNP_OP_NEXTAFTER) /* from a alone: nextafter(max, inf) overflows */
      return lnp_fpc(cls | LNP_FPC_UNARY, rt<DT>(r), a, b, minnorm<DT>());
    return lnp_fpc(cls, rt<DT>(r), a, b, minnorm<DT>());
  } else { /* complex: by components (no underflow: a component can be an exact 0) */
    const bool un = (cls & LNP_FPC_UNARY) != 0;
    const bool nan_in = a.re != a.re || a.im != a.im || (!un && (b.re != b.re || b.im != b.im));
    const bool inf_in = lnp_isinf(a.re) || lnp_isinf(a.im) || (!un && (lnp_isinf(b.re) || lnp_isinf(b.im)));
    const bool zero_in = (a.re == 0 && a.im == 0) || (!un && b.re == 0 && b.im == 0);
    const int c = cls & ~LNP_FPC_TINY;
    return lnp_fpc_class(r.re, nan_in, inf_in, zero_in, c, r.re) | lnp_fpc_class(r.im, nan_in, inf_in, zero_in, c, r.im);
  }
}
/* the element loop of OP DT -> ODT can raise a flag */
template <int OP, int DT, int ODT> HD constexpr bool may_fpe()
{
  if constexpr (OP == LNP_OP_COPY) {
    constexpr char SK = dt_kind(DT), K2 = dt_kind(ODT);
    return DT != ODT && K2 != 'b' && (SK == 'h' || SK == 'f' || SK == 'c' || K2 == 'h');
  } else {
    constexpr char K = dt_ek(DT);
    return op_fpe(OP) && ODT == DT &&
           (K == 'f' || K == 'c' || ((K == 'i' || K == 'u') && int_divides(OP)));
  }
}
/* the launch's report of its blocks' flags (every thread of the block
 * calls it: barriers; p.fp is the same for all) */
template <int OP, int DT, int ODT> DI void fp_report(const Params &p, unsigned f)
{
  if constexpr (may_fpe<OP, DT, ODT>()) {
    if (p.fp) lnp_fp_block_report(f, p.fp, p.fp_any, &lnp_fp_seen[p.fp_slot], p.fp_gen);
  } else {
    (void)p, (void)f;
  }
}

/* Folds (reductions) report where their result leaves its inputs' class:
 * a NaN from no NaN is invalid, an infinity from finite values overflow.
 * Only a non-finite result needs its inputs looked at again (the rare
 * path): the fold's prior output value and its run(s). */
template <int OP, int DT> HD constexpr bool fold_fpe()
{
  return may_fpe<OP, DT, DT>() && (dt_ek(DT) == 'f' || dt_ek(DT) == 'c');
}
template <int DT> DI bool all_finite(CT<DT> v)
{
  if constexpr (dt_ek(DT) == 'c') return lnp_isfinite(v.re) && lnp_isfinite(v.im);
  else return lnp_isfinite(v);
}
template <int DT> DI void note_class(CT<DT> v, bool &nan, bool &inf)
{
  if constexpr (dt_ek(DT) == 'c') {
    nan |= v.re != v.re || v.im != v.im;
    inf |= lnp_isinf(v.re) || lnp_isinf(v.im);
  } else {
    nan |= v != v;
    inf |= lnp_isinf(v);
  }
}
template <int DT> DI unsigned fold_class(CT<DT> res, bool nan, bool inf)
{
  if constexpr (dt_ek(DT) == 'c')
    return lnp_fpc_class(res.re, nan, inf, false, 0, res.re) | lnp_fpc_class(res.im, nan, inf, false, 0, res.im);
  else return lnp_fpc_class(res, nan, inf, false, 0, res);
}
template <int OP> DI void fp_put(const Params &p, unsigned m)
{
  lnp_fp_put(m, p.fp, p.fp_any, &lnp_fp_seen[p.fp_slot], p.fp_gen);
}
/* a fold by one thread (seq): prior -> res over the runs of the S dims
 * (inner: runs of n elements, byte stride ist2) */
template <int OP, int DT, int NOPS>
DI void fold_status_thread(const Params &p, const int64_t *sd, int nds, char *const *q, int64_t idx, bool inner,
                           int64_t n, int64_t ist2, CT<DT> prior, CT<DT> res)
{
  if constexpr (fold_fpe<OP, DT>()) {
    if (!p.fp || all_finite<DT>(res)) return;
    if constexpr (op_tree(OP) == TREE_NO) {
      /* a fold of a non-associative op (subtract, divide, power ...; also
       * an in-place a = a / b of one element, which runs as a fold): a
       * step's class depends on its operands (x / 0 is divide-by-zero, not
       * overflow), so the steps are replayed in order with the elementwise
       * classification */
      unsigned f = 0;
      CT<DT> acc = prior;
      const int aux = f2aux<OP, DT>(p, inner ? FM_FOLD : FM_ELEM);
      s_walk<NOPS>(sd, nds, q, idx, [&](char *const *r, int64_t) {
        for (int64_t i = 0; i < (inner ? n : 1); i++) {
          const CT<DT> x = ld<DT>(r[2] + i * ist2);
          const CT<DT> y = rt<DT>(f2<OP, DT>(acc, x, aux));
          f |= fpc_op<OP, DT>(acc, x, y);
          acc = y;
        }
      });
      fp_put<OP>(p, f);
      return;
    }
    bool nan = false, inf = false;
    note_class<DT>(prior, nan, inf);
    s_walk<NOPS>(sd, nds, q, idx, [&](char *const *r, int64_t) {
      if (inner)
        for (int64_t i = 0; i < n; i++) note_class<DT>(ld<DT>(r[2] + i * ist2), nan, inf);
      else note_class<DT>(ld<DT>(r[2]), nan, inf);
    });
    fp_put<OP>(p, fold_class<DT>(res, nan, inf));
  } else {
    (void)p, (void)sd, (void)nds, (void)q, (void)idx, (void)inner, (void)n, (void)ist2, (void)prior, (void)res;
  }
}
/* a fold by a whole block (every thread calls it; the result and prior
 * are thread 0's): the runs' elements, strided over the threads */
template <int OP, int DT, int NOPS>
DI void fold_status_block(const Params &p, const int64_t *sd, int nds, char *const *q, int64_t idx, int64_t n,
                          int64_t ist2, CT<DT> prior, CT<DT> res)
{
  if constexpr (fold_fpe<OP, DT>()) {
    if (!p.fp) return;
    __shared__ int lnp_fold_bad;
    if (threadIdx.x == 0) lnp_fold_bad = !all_finite<DT>(res);
    __syncthreads();
    const bool bad = lnp_fold_bad;
    __syncthreads(); /* read before thread 0 may write it again */
    if (!bad) return;
    bool nan = false, inf = false;
    s_walk<NOPS>(sd, nds, q, idx, [&](char *const *r, int64_t) {
      for (int64_t i = threadIdx.x; i < n; i += blockDim.x) note_class<DT>(ld<DT>(r[2] + i * ist2), nan, inf);
    });
    nan = __syncthreads_or(nan);
    inf = __syncthreads_or(inf);
    if (threadIdx.x == 0) {
      note_class<DT>(prior, nan, inf);
      fp_put<OP>(p, fold_class<DT>(res, nan, inf));
    }
  } else {
    (void)p, (void)sd, (void)nds, (void)q, (void)idx, (void)n, (void)ist2, (void)prior, (void)res;
  }
}

/* one element (no S dims): q are the operands' element pointers; fpf
 * gathers its floating-point status (ops whose fpe column is 1) */
template <int OP, int DT, int ODT> DI void elem(const Params &p, char *const *q, int64_t idx, unsigned &fpf)
{
  constexpr char k = op_kind(OP);
  if constexpr (OP == LNP_OP_COPY) {
    if constexpr (DT == ODT) *(St<DT> *)q[0] = *(const St<DT> *)q[1];
    else {
      const CanonT<DT> x = (CanonT<DT>)ld<DT>(q[1]);
      const St<ODT> v = conv<ODT>(x);
      *(St<ODT> *)q[0] = v;
      if constexpr (may_fpe<OP, DT, ODT>()) fpf |= fpc_cast<DT, ODT>(x, v);
    }
  } else if constexpr (k == 'W') {
    *(St<DT> *)q[0] = *(const bool *)q[1] ? *(const St<DT> *)q[2] : *(const St<DT> *)q[3];
  } else if constexpr (k == 'G') {
    st<DT>(q[0], gen<OP, DT>(p, idx));
  } else if constexpr (k == 'R') {
    static_assert(dependent_false<OP>, "arg ops run sequentially");
  } else if constexpr (op_nin(OP) == 1) {
    const CT<DT> a = ld<DT>(q[1]);
    const CT<ODT> r = f1<OP, DT>(a, p.flags);
    st<ODT>(q[0], r);
    if constexpr (may_fpe<OP, DT, ODT>()) fpf |= fpc_op<OP, DT>(a, a, r);
  } else {
    const CT<DT> a = ld<DT>(q[1]), b = ld<DT>(q[2]);
    const CT<ODT> r = f2<OP, DT>(a, b, f2aux<OP, DT>(p, FM_ELEM));
    st<ODT>(q[0], r);
    if constexpr (may_fpe<OP, DT, ODT>()) fpf |= fpc_op<OP, DT>(a, b, r);
  }
}

/* the CPU's fold of a run into one element (loop_cpu.c LNP_RED_LOOP and
 * LNP_RED_PAIRWISE), returned as stored and reloaded */
template <int OP, int DT> DI CT<DT> red_run(CT<DT> acc, const char *pb, int64_t n, int64_t sb, int aux)
{
  constexpr int RED = red_of(OP);
  constexpr char K = dt_kind(DT);
  if constexpr (RED == RED_SUM && (K == 'h' || K == 'f')) {
    acc = acc + pw_seq<DT>(pb, n, sb);
  } else if constexpr (RED == RED_SUM && K == 'c') {
    const SumT<DT> s = pw_seq<DT>(pb, 2 * n, sb / 2);
    acc.re = acc.re + s.re;
    acc.im = acc.im + s.im;
  } else if constexpr (RED == RED_ROUND) {
    for (int64_t i = 0; i < n; i++) acc = rt<DT>(f2<OP, DT>(acc, ld<DT>(pb + i * sb), aux));
  } else {
    for (int64_t i = 0; i < n; i++) acc = f2<OP, DT>(acc, ld<DT>(pb + i * sb), aux);
  }
  return rt<DT>(acc);
}

/* fold(load(i), i) for i = 0 .. N-1 in order, the loads issued B elements
 * ahead (a ring of B registers): a sequential fold along a strided dim
 * (an axis-0 reduction) keeps B loads in flight per thread instead of one. */
template <int B, class V, class Load, class Fold> DI void pf_fold(int64_t N, Load &&load, Fold &&fold)
{
  V x[B];
#pragma unroll
  for (int j = 0; j < B; j++)
    if (j < N) x[j] = load(j);
#pragma unroll 1
  for (int64_t i0 = 0; i0 < N; i0 += B) {
#pragma unroll
    for (int j = 0; j < B; j++) {
      const int64_t i = i0 + j;
      if (i < N) {
        fold(x[j], i);
        if (i + B < N) x[j] = load(i + B);
      }
    }
  }
}
template <class V> HD constexpr int pf_depth() { return sizeof(V) <= 8 ? 8 : 4; }

/* The same for few threads (blocks of LNPC_CP_LANES threads, one per
 * output, LNPC_CP_BYTES of dynamic shared memory): each thread streams its
 * elements through a ring of D slots in shared memory with cp.async (8
 * groups of D/8 elements, 6 in flight while one is folded), so that ~100
 * loads per thread are in flight without registers: a few thousand
 * sequential folds (an axis-0 reduction of a square tile) run at a good
 * fraction of the memory bandwidth (each fold is a dependent chain: the
 * per-element latency of one thread bounds it).  Element sizes
 * 4, 8 and 16 bytes, aligned (cp.async); fold(ptr, i) reads the element. */
#define LNPC_CP_BYTES 32768
#define LNPC_CP_LANES 32
DI void cp_async4(void *sm, const void *g)
{
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"((unsigned)__cvta_generic_to_shared(sm)), "l"(g)
               : "memory");
}
DI void cp_async8(void *sm, const void *g)
{
  asm volatile("cp.async.ca.shared.global [%0], [%1], 8;\n" ::"r"((unsigned)__cvta_generic_to_shared(sm)), "l"(g)
               : "memory");
}
DI void cp_async16(void *sm, const void *g)
{
  asm volatile("cp.async.ca.shared.global [%0], [%1], 16;\n" ::"r"((unsigned)__cvta_generic_to_shared(sm)), "l"(g)
               : "memory");
}
DI void cp_commit() { asm volatile("cp.async.commit_group;\n" ::: "memory"); }
template <int N> DI void cp_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory"); }
template <int SZ> HD constexpr bool cp_size_ok() { return SZ == 4 || SZ == 8 || SZ == 16; }

template <int SZ, class Fold> DI void cp_fold(int64_t N, const char *b, int64_t s, Fold &&fold)
{
  static_assert(cp_size_ok<SZ>(), "cp.async sizes");
  constexpr int ROW = LNPC_CP_LANES * SZ;                   /* bytes between a thread's slots */
  constexpr int D = LNPC_CP_BYTES / ROW, NG = 8, G = D / NG; /* slots, groups, slots a group */
  extern __shared__ __align__(16) unsigned char lnpc_dyn_smem[];
  unsigned char *const mine = lnpc_dyn_smem + (threadIdx.x % LNPC_CP_LANES) * SZ;
  const int64_t ngroups = (N + G - 1) / G;
  /* group g: elements g*G .. g*G+G-1 into slots (g % NG)*G .. */
  auto issue = [&](int64_t g) {
    if (g < ngroups) {
      unsigned char *dst = mine + (int)(g % NG) * (G * ROW);
      const char *src = b + g * G * s;
      const int64_t left = N - g * G;
#pragma unroll
      for (int j = 0; j < G; j++) {
        if (j < left) {
          if constexpr (SZ == 4) cp_async4(dst + j * ROW, src);
          else if constexpr (SZ == 8) cp_async8(dst + j * ROW, src);
          else cp_async16(dst + j * ROW, src);
        }
        src += s;
      }
    }
    cp_commit(); /* empty groups too: wait_group counts them */
  };
#pragma unroll 1
  for (int g = 0; g < NG - 1; g++) issue(g);
#pragma unroll 1
  for (int64_t g = 0; g < ngroups; g++) {
    cp_wait<NG - 2>(); /* group g has landed */
    const unsigned char *rd = mine + (int)(g % NG) * (G * ROW);
    const int64_t i0 = g * G;
    if (i0 + G <= N) {
#pragma unroll
      for (int j = 0; j < G; j++) fold((const char *)(rd + j * ROW), i0 + j);
    } else {
      for (int j = 0; i0 + j < N; j++) fold((const char *)(rd + j * ROW), i0 + j);
    }
    issue(g + NG - 1); /* into the slots of group g - 1, folded before */
  }
  cp_wait<0>();
}

/* a P coordinate with S dims, by one thread, in the CPU's order */
template <int OP, int DT, int ODT>
DI void seq(const Params &p, const int64_t *w, char *const *q, int64_t idx)
{
  constexpr int NOPS = kops<OP>();
  const int fl = (int)w[R_FLAGS];
  const int nds = (int)w[R_NDS];
  const int64_t *sd = w + rec_dims(NOPS) + w[R_NDP] * (2 + NOPS);
  const bool inner = (fl & F_INNER_S) != 0;
  const int64_t n = inner ? w[R_INN] : 1, imult = inner ? w[R_IMULT] : 0;
  int64_t ist[NOPS];
#pragma unroll
  for (int k = 0; k < NOPS; k++) ist[k] = inner ? w[R_IST + k] : 0;

  if constexpr (op_kind(OP) == 'R') {
    typedef St<DT> S;
    typedef CT<DT> C;
    S mraw = *(const S *)q[0];
    C m = ld<DT>(q[0]);
    int64_t j = *(const int64_t *)q[1];
    if constexpr (op_nin(OP) == 1 && cp_size_ok<(int)sizeof(S)>()) {
      if (!inner && nds == 1 && blockDim.x == LNPC_CP_LANES && (((uintptr_t)q[2] | (uint64_t)sd[2 + 2]) % sizeof(S)) == 0) {
        const int64_t dm = sd[1];
        cp_fold<(int)sizeof(S)>(sd[0], q[2], sd[2 + 2], [&](const char *pv, int64_t i) {
          const S vraw = *(const S *)pv;
          const C c = ld<DT>(pv);
          const int64_t k = idx + i * dm;
          if (beats<OP, DT>(c, k, m, j)) {
            mraw = vraw;
            m = c;
            j = k;
          }
        });
        *(S *)q[0] = mraw;
        *(int64_t *)q[1] = j;
        return;
      }
    }
    if (!inner && nds == 1) { /* one element per step of one S dim: prefetched */
      struct E {
        S raw;
        int64_t k;
      };
      const int64_t s2 = sd[2 + 2], s3 = NOPS > 3 ? sd[2 + NOPS - 1] : 0, dm = sd[1];
      const char *b2 = q[2], *b3 = q[NOPS - 1];
      pf_fold<pf_depth<E>(), E>(
          sd[0],
          [&](int64_t i) {
            E v;
            v.raw = *(const S *)(b2 + i * s2);
            if constexpr (op_nin(OP) == 2) v.k = *(const int64_t *)(b3 + i * s3);
            else v.k = idx + i * dm;
            return v;
          },
          [&](const E &v, int64_t) {
            const C c = ld<DT>((const char *)&v.raw);
            if (beats<OP, DT>(c, v.k, m, j)) {
              mraw = v.raw;
              m = c;
              j = v.k;
            }
          });
      *(S *)q[0] = mraw;
      *(int64_t *)q[1] = j;
      return;
    }
    s_walk<NOPS>(sd, nds, q, idx, [&](char *const *r, int64_t ix) {
      for (int64_t i = 0; i < n; i++) {
        const char *pv = r[2] + i * ist[2];
        const S vraw = *(const S *)pv;
        const C v = ld<DT>(pv);
        int64_t k;
        if constexpr (op_nin(OP) == 2) k = *(const int64_t *)(r[3] + i * ist[3]);
        else k = ix + i * imult;
        if (beats<OP, DT>(v, k, m, j)) {
          mraw = vraw;
          m = v;
          j = k;
        }
      }
    });
    *(S *)q[0] = mraw;
    *(int64_t *)q[1] = j;
  } else if constexpr (is_binary(OP) && ODT == DT) {
    /* a fold: the output is the first input (F_CLEAN, checked by the
     * host); accumulate in registers, as stored after each run */
    CT<DT> acc = ld<DT>(q[0]);
    const CT<DT> prior = acc;
    auto status = [&] { fold_status_thread<OP, DT, NOPS>(p, sd, nds, q, idx, inner, n, ist[2], prior, rt<DT>(acc)); };
    if constexpr (cp_size_ok<(int)sizeof(St<DT>)>()) {
      if (!inner && nds == 1 && blockDim.x == LNPC_CP_LANES && (((uintptr_t)q[2] | (uint64_t)sd[2 + 2]) % sizeof(St<DT>)) == 0) {
        const int aux = f2aux<OP, DT>(p, FM_ELEM);
        cp_fold<(int)sizeof(St<DT>)>(sd[0], q[2], sd[2 + 2], [&](const char *pv, int64_t) {
          acc = rt<DT>(f2<OP, DT>(acc, ld<DT>(pv), aux));
        });
        st<DT>(q[0], acc);
        status();
        return;
      }
    }
    if (!inner && nds == 1) { /* one element per step of one S dim: prefetched */
      const int64_t s2 = sd[2 + 2];
      const char *b2 = q[2];
      const int aux = f2aux<OP, DT>(p, FM_ELEM);
      pf_fold<pf_depth<St<DT>>(), St<DT>>(
          sd[0], [&](int64_t i) { return *(const St<DT> *)(b2 + i * s2); },
          [&](const St<DT> &v, int64_t) { acc = rt<DT>(f2<OP, DT>(acc, ld<DT>((const char *)&v), aux)); });
      st<DT>(q[0], acc);
        status();
      return;
    }
    s_walk<NOPS>(sd, nds, q, idx, [&](char *const *r, int64_t) {
      if (inner) acc = red_run<OP, DT>(acc, r[2], n, ist[2], f2aux<OP, DT>(p, FM_FOLD));
      else acc = rt<DT>(f2<OP, DT>(acc, ld<DT>(r[2]), f2aux<OP, DT>(p, FM_ELEM)));
    });
    st<DT>(q[0], acc);
        status();
  } else {
    static_assert(dependent_false<OP>, "only folds run sequentially");
  }
}

/* pieces with S dims (F_SEQ): one thread per P coordinate (blocks of
 * LNPC_CP_LANES with LNPC_CP_BYTES of dynamic shared memory when there are
 * few) */
template <int OP, int DT, int ODT> HD constexpr bool has_seq()
{
  return (is_binary(OP) && ODT == DT) || op_kind(OP) == 'R';
}
template <int OP, int DT, int ODT>
__global__ void __launch_bounds__(LNPC_BLOCK) k_seq(const __grid_constant__ Params p)
{
  constexpr int NOPS = kops<OP>();
  const int pc = find_piece(p);
  const int64_t *w = p.w + p.off[pc];
  const int64_t e = ((int64_t)blockIdx.x - p.blk0[pc]) * blockDim.x + threadIdx.x;
  if (e >= w[R_NP]) return;
  char *q[NOPS];
  int64_t idx;
  locate<NOPS>(p, w, e, q, idx);
  seq<OP, DT, ODT>(p, w, q, idx);
}

/* elementwise pieces (no S dims) */
template <int OP, int DT, int ODT>
__global__ void __launch_bounds__(LNPC_BLOCK) k_thread(const __grid_constant__ Params p)
{
  constexpr int NOPS = kops<OP>();
  const int pc = find_piece(p);
  const int64_t *w = p.w + p.off[pc];
  const int64_t nP = w[R_NP];
  const int64_t lb = (int64_t)blockIdx.x - p.blk0[pc];
  char *q[NOPS];
  int64_t idx;
  unsigned fpf = 0;
  constexpr char KIND = op_kind(OP);
  if constexpr (KIND == 'S' || KIND == 'P' || KIND == 'A' || KIND == 'C') {
    /* every input an element of DT: all items' inputs are loaded before
     * the first store (several loads in flight per thread), then each
     * item is computed from its registers */
    constexpr int NIN = NOPS - 1;
    St<DT> in[LNPC_ITEMS][NIN];
    char *o[LNPC_ITEMS];
    const int64_t e0 = lb * LNPC_ITEMS * blockDim.x + threadIdx.x;
#pragma unroll
    for (int it = 0; it < LNPC_ITEMS; it++) {
      const int64_t e = e0 + it * (int64_t)blockDim.x;
      if (e < nP) {
        locate<NOPS>(p, w, e, q, idx);
        o[it] = q[0];
#pragma unroll
        for (int k = 0; k < NIN; k++) in[it][k] = *(const St<DT> *)q[1 + k];
      }
    }
#pragma unroll
    for (int it = 0; it < LNPC_ITEMS; it++) {
      if (e0 + it * (int64_t)blockDim.x < nP) {
        char *qq[NOPS];
        qq[0] = o[it];
#pragma unroll
        for (int k = 0; k < NIN; k++) qq[1 + k] = (char *)&in[it][k];
        elem<OP, DT, ODT>(p, qq, 0, fpf);
      }
    }
    fp_report<OP, DT, ODT>(p, fpf); /* every thread gets here (a barrier) */
  } else if constexpr (KIND != 'R') {
#pragma unroll 1
    for (int it = 0; it < LNPC_ITEMS; it++) {
      const int64_t e = (lb * LNPC_ITEMS + it) * blockDim.x + threadIdx.x;
      if (e >= nP) return;
      locate<NOPS>(p, w, e, q, idx);
      elem<OP, DT, ODT>(p, q, idx, fpf);
    }
  }
}
} /* namespace */

#endif
