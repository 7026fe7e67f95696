/* Device code of the CUDA loop kernels (loop_cuda.h): shared by the
 * translation units codelets/loop_cuda*.cu, each of which instantiates the
 * kernels of a subset of the ops (so that a parallel build compiles them
 * side by side).  Everything here has internal linkage except the launch
 * parameter block (lnpc::Params) and the per-unit kernel tables.
 *
 * Semantics are those of the CPU kernels (loop_ops.h, loop_cpu.c), ported
 * element operation by element operation; these files must be compiled
 * with --fmad=false (CMake sets it) so that a*b+c is not contracted into an
 * FMA, exactly as the C side (-std=c11 implies -ffp-contract=off).  What
 * cannot be bit-identical: real transcendental functions come from
 * libdevice instead of glibc (a few ulp), complex exp/sin/cos/tan/sinh/
 * cosh/tanh/sqrt/log/pow follow glibc's algorithms and special values on
 * top of those, NaN payloads and signs of generated NaNs are CUDA's, and
 * complex arcsin/arccos/arctan have no CUDA kernel (libcu++'s lose
 * accuracy).  fmax/fmin of +-0 and of two NaNs, which C leaves open and
 * the CPU kernels answer differently in their elementwise loops and folds
 * (per compiler and libm), follow what the host measures on its own CPU
 * kernel (loop_cuda.cu probe_fminmax).  Casts of floats to integers follow
 * x86-64's scalar conversions (NaN, inf and out-of-range give 0x80..0 as
 * cvttsd2si does).
 *
 * Work layout.  The host side walks the pieces like loop_cpu.c does (drop
 * size-1 dims, merge dims contiguous for every operand) and splits each
 * piece's dims into
 *   P dims  along which every output moves: one thread (or one block) per
 *           P coordinate, so no two threads ever write one output element;
 *   S dims  along which an output stands still (stride 0: reductions by
 *           aliasing, arg-reductions): walked sequentially, in the CPU's
 *           order, by the owner of the output element.
 * When the innermost dim is an S dim (a "run", what the CPU's inner loop
 * accumulates into one element) the run is reduced exactly as the CPU does:
 * float add by NumPy's pairwise summation (same blocking, same tree), other
 * ops by a left fold; float16 rounds where the CPU rounds.  Long runs of ops
 * whose fold can be evaluated as a tree without changing a bit (wrapping
 * integer arithmetic, bitwise/logical ops, NaN-aware maximum/minimum/fmax/
 * fmin, arg-reductions: all associative selections, combined in order) and
 * pairwise sums (the tree is NumPy's, its top levels evaluated by the block)
 * are reduced by a whole thread block per output element (k_block, a
 * persistent grid of what fits the device walking the (output, chunk)
 * units).  When there are few such outputs (a full reduction, an axis with
 * few outputs) each run is split into chunks over many blocks: a pairwise
 * sum into the 2^D nodes at depth D of NumPy's tree (all of them internal
 * nodes down there, so the tree above is complete), other folds into
 * ordered ranges; each block writes its chunk's value into a per-stream
 * device scratch buffer (allocated once, loop_cuda.cu; contiguous pairwise
 * sums take smaller chunks, a warp each: k_pwtile, which streams 16-byte
 * loads over leaves laid out in closed form), and k_combine, on
 * the same stream, folds an output's values in order (for pairwise sums:
 * the top D levels of the same tree) into the output.  Sequential folds
 * along an outer dim (an axis-0 reduction: one thread per output, each
 * walking its column in order) stream their elements through a cp.async
 * ring in shared memory when there are few of them (k_seq), so that ~100
 * loads per thread are in flight.
 *
 * Pieces travel as kernel parameters (a __grid_constant__ struct of ~4.3 KB:
 * no device allocation, no copy); a task with more pieces than fit, or whose
 * pieces write what an earlier piece reads or writes (e.g. several partial
 * results folded into one output), is split into several launches on the
 * same stream, which run in order.
 *
 * An output standing still without a fold (not the first input of a
 * binary op) is overwritten at each step on the CPU: the host keeps only
 * the last step.  Pieces must have fewer than 2^31 elements (32-bit
 * coordinates); lnp_loop_cuda_supported refuses bigger ones.
 *
 * Instantiation: one kernel per (op, dtype) pair that exists (the dtype sets
 * of loop_cpu.c, from the X-macro lists of dtypes.h and loop.h) and per
 * (source, destination) dtype pair for casts, plus a block-reduction kernel
 * per (op, dtype) that can fold a run with a whole block. */
#ifndef LNP_LOOP_CUDA_KERNELS_CUH
#define LNP_LOOP_CUDA_KERNELS_CUH

#include <cuda/std/limits>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <utility>

#include "loop.h"
#include "loop_cuda_complex.cuh" /* elem_device.h, then the complex library */
#include "elem.h"

/* each unit uses part of the helpers: no "declared but never referenced" */
#pragma nv_diag_suppress 177

/* ========================================================================
 * Kernel parameters: the pieces of one launch (passed by value as a
 * __grid_constant__ parameter: no device allocation, no copy)
 * ======================================================================== */
#define LNPC_BLOCK 256        /* threads of k_thread (at most) */
#define LNPC_RED_BLOCK 256    /* threads of a block that reduces one run (or a chunk) */
#define LNPC_ITEMS 4          /* elements per thread in elementwise pieces */
#define LNPC_MAXP 48          /* pieces per launch */
#define LNPC_MAXW 448         /* int64 words of piece records per launch */
#define LNPC_BLOCK_MIN_RUN 512 /* runs at least this long go to k_block */
#define LNPC_MAX_CHUNKS 8192  /* blocks (partials) per run of a split reduction */
#define LNPC_MAX_TILE_CHUNKS 65536 /* warps (partials) per run of a k_pwtile split */

namespace lnpc {
struct Params {
  lnp_scalar scalars[LNP_MAXSCALARS];
  int64_t blk0[LNPC_MAXP + 1]; /* first block of each piece */
  int32_t off[LNPC_MAXP];      /* record of each piece in w */
  int32_t npieces;
  int32_t flags; /* PF_* */
  uint64_t fm;   /* fmax/fmin behaviour of the CPU kernels (FM_*) */
  char *scratch; /* device scratch of split reductions (LM_SPLIT), R_PART offsets into it */
  int32_t nsm;   /* multiprocessors of the device (grid sizes) */
  int32_t pad_;
  int64_t w[LNPC_MAXW];
};

/* launch modes: k_thread (elementwise, tpb threads a block), k_block (one
 * block per run), k_block over chunks of runs writing partials + k_combine,
 * k_seq (one thread per output of pieces with S dims, tpb a block) */
enum { LM_THREAD = 0, LM_BLOCK = 1, LM_SPLIT = 2, LM_SEQ = 3, LM_CONTIG = 16 /* | k_block: contiguous runs */ };
/* | LM_SPLIT of contiguous pairwise sums: k_pwtile (a warp a chunk) instead
 * of k_block, its loads' cache hints (0..2) in the bits at LM_LDV_SHIFT */
enum { LM_PWTILE = 32, LM_LDV_SHIFT = 6, LM_FLAGS = LM_CONTIG | LM_PWTILE | (3 << LM_LDV_SHIFT) };
typedef void (*launch_fn)(const Params &p, unsigned grid, int mode, int tpb, cudaStream_t s);
/* bytes of one partial of a split reduction of (op, loop dtype) */
int part_size(int op, int dt);

/* the kernels of each translation unit, or NULL: (op, loop dtype; output
 * dtype for generators), casts (source, destination) */
/* the kernels of one translation unit (the op table's unit column):
 * loop_cuda.cu (unary), loop_cuda_<unit>.cu for the others */
launch_fn part_unary(int op, int dt);
launch_fn part_arith(int op, int dt);
launch_fn part_minmax(int op, int dt);
launch_fn part_logic(int op, int dt);
launch_fn part_arg(int op, int dt);
launch_fn part_cast(int din, int dout); /* COPY: every dtype pair */
} /* namespace lnpc */

namespace {
using lnpc::launch_fn;
using lnpc::Params;
using lnpc::LM_BLOCK;
using lnpc::LM_CONTIG;
using lnpc::LM_FLAGS;
using lnpc::LM_LDV_SHIFT;
using lnpc::LM_PWTILE;
using lnpc::LM_SEQ;
using lnpc::LM_SPLIT;
using lnpc::LM_THREAD;

#define HD __host__ __device__
#define DI __device__ __forceinline__

/* ========================================================================
 * Op and dtype metadata (compile-time, from the op table and dtype lists)
 * ======================================================================== */
HD constexpr char dt_kind(int dt)
{
  switch (dt) {
#define LNPC_X(E, T, N, K) \
  case E: return #K[0];
    LNP_FOR_ALL(LNPC_X)
#undef LNPC_X
  default: return 0;
  }
}
/* element kind: float16 computes as a float */
HD constexpr char dt_ek(int dt) { return dt_kind(dt) == 'h' ? 'f' : dt_kind(dt); }

/* One column of the op table as a constexpr function of the op. */
#define LNPC_COLUMN(FN, TYPE, EXPR)                                            \
  HD constexpr TYPE FN(int op)                                                 \
  {                                                                            \
    switch (op) {                                                              \
      LNP_OP_TABLE(EXPR)                                                       \
    default: return 0;                                                         \
    }                                                                          \
  }
#define LNPC_KIND(NAME, UF, NIN, KIND, ...) case LNP_OP_##NAME: return #KIND[0];
#define LNPC_NIN(NAME, UF, NIN, ...) case LNP_OP_##NAME: return NIN;
LNPC_COLUMN(op_kind, char, LNPC_KIND)
LNPC_COLUMN(op_nin, int, LNPC_NIN)
HD constexpr int op_nout(int op) { return op_kind(op) == 'R' ? 2 : 1; }
HD constexpr int op_nops(int op) { return op_nout(op) + op_nin(op); }
HD constexpr int real_dt(int dt)
{
  return dt == LNP_COMPLEX64 ? LNP_FLOAT32 : dt == LNP_COMPLEX128 ? LNP_FLOAT64 : dt;
}
/* output dtype of a non-cast op whose loop dtype is dt */
HD constexpr int out_dt(int op, int dt)
{
  return op_kind(op) == 'P' ? (int)LNP_BOOL : op_kind(op) == 'A' ? real_dt(dt) : dt;
}

/* dtype sets (dtypes.h LNP_IN_*) as masks of element kinds */
enum : unsigned { M_B = 1, M_I = 2, M_U = 4, M_H = 8, M_F = 16, M_C = 32 };
#define LNPC_SET_MASK(SET)                                                     \
  ((LNP_IN_##SET##_b ? M_B : 0u) | (LNP_IN_##SET##_i ? M_I : 0u) | (LNP_IN_##SET##_u ? M_U : 0u) | \
   (LNP_IN_##SET##_h ? M_H : 0u) | (LNP_IN_##SET##_f ? M_F : 0u) | (LNP_IN_##SET##_c ? M_C : 0u))
HD constexpr unsigned kind_mask(char k)
{
  return k == 'b' ? M_B : k == 'i' ? M_I : k == 'u' ? M_U : k == 'h' ? M_H : k == 'f' ? M_F : k == 'c' ? M_C : 0u;
}
/* The dtypes that have a CUDA kernel for each op (loop dtype; output dtype
 * for generators): the table's gpu column. */
#define LNPC_GPU(NAME, UF, NIN, KIND, UNIT, CPU, GPU, ...) case LNP_OP_##NAME: return LNPC_SET_MASK(GPU);
LNPC_COLUMN(op_types, unsigned, LNPC_GPU)
HD constexpr bool has_kernel(int op, int dt) { return (op_types(op) & kind_mask(dt_kind(dt))) != 0; }

/* The translation unit that compiles an op's kernels (the unit column). */
enum { U_cast, U_unary, U_arith, U_minmax, U_logic, U_arg };
#define LNPC_UNIT(NAME, UF, NIN, KIND, UNIT, ...) case LNP_OP_##NAME: return U_##UNIT;
LNPC_COLUMN(op_unit, int, LNPC_UNIT)

/* How the CPU's binary loop folds a run into one element (the fold column:
 * loop_cpu.c LNP_RED_*): ROUND rounds (float16) after each step, EXACT
 * keeps the compute type through the run, SUM is EXACT for bool/integers
 * and pairwise for floats, NONE (predicates) has no fold path (the
 * elementwise loop rereads the output, the same for bool). */
enum { RED_NONE, RED_ROUND, RED_EXACT, RED_SUM };
#define LNPC_FOLD(NAME, UF, NIN, KIND, UNIT, CPU, GPU, FOLD, ...) case LNP_OP_##NAME: return RED_##FOLD;
LNPC_COLUMN(red_of, int, LNPC_FOLD)
HD constexpr bool is_binary(int op) { return (op_kind(op) == 'S' || op_kind(op) == 'P') && op_nin(op) == 2; }

/* Ops whose run fold a block may evaluate as an ordered tree with the same
 * result, bit for bit (the tree column; see the file comment); ADD of
 * floats is pairwise. */
enum { TREE_NO, TREE_ANY, TREE_INTLIKE, TREE_BOOL };
#define LNPC_TREE(NAME, UF, NIN, KIND, UNIT, CPU, GPU, FOLD, TREE, ...) case LNP_OP_##NAME: return TREE_##TREE;
LNPC_COLUMN(op_tree, int, LNPC_TREE)
HD constexpr bool block_ok(int op, int dt)
{
  const char k = dt_kind(dt);
  const bool intlike = k == 'b' || k == 'i' || k == 'u';
  return op_tree(op) == TREE_ANY || (op_tree(op) == TREE_INTLIKE && intlike) ||
         (op_tree(op) == TREE_BOOL && dt == LNP_BOOL);
}

/* ========================================================================
 * Types: storage type S and compute type CT of each dtype
 * ======================================================================== */
template <class R> using cx = lnp_cx<R>;

template <int DT> struct Dt;
#define LNPC_X(E, T, N, K) \
  template <> struct Dt<E> { typedef T S; };
LNP_FOR_ALL(LNPC_X)
#undef LNPC_X
template <int DT> using St = typename Dt<DT>::S;

template <class S> struct CxOf { typedef void R; };
template <> struct CxOf<lnp_complex64> { typedef float R; };
template <> struct CxOf<lnp_complex128> { typedef double R; };

template <int DT, char K = dt_kind(DT)> struct CtSel { typedef St<DT> type; };
template <int DT> struct CtSel<DT, 'h'> { typedef float type; };
template <int DT> struct CtSel<DT, 'c'> { typedef cx<typename CxOf<St<DT>>::R> type; };
template <int DT> using CT = typename CtSel<DT>::type;

static_assert(sizeof(lnp_complex64) == 8 && alignof(lnp_complex64) == 4, "complex64 layout");
static_assert(sizeof(lnp_complex128) == 16 && alignof(lnp_complex128) == 8, "complex128 layout");
static_assert(sizeof(lnp_scalar) == 16, "lnp_scalar layout");

/* load (storage -> compute), store (compute -> storage), round trip */
template <int DT> DI CT<DT> ld(const char *p)
{
  if constexpr (dt_kind(DT) == 'h') {
    return __half2float(__ushort_as_half(*(const unsigned short *)p));
  } else if constexpr (dt_kind(DT) == 'c') {
    const St<DT> v = *(const St<DT> *)p;
    return CT<DT>{v.re, v.im};
  } else {
    return *(const St<DT> *)p;
  }
}
template <int DT> DI void st(char *p, CT<DT> v)
{
  if constexpr (dt_kind(DT) == 'h') {
    *(unsigned short *)p = __half_as_ushort(__float2half_rn(v));
  } else if constexpr (dt_kind(DT) == 'c') {
    St<DT> s;
    s.re = v.re;
    s.im = v.im;
    *(St<DT> *)p = s;
  } else {
    *(St<DT> *)p = v;
  }
}
/* the value as stored and reloaded (float16 rounding; identity otherwise) */
template <int DT> DI CT<DT> rt(CT<DT> v)
{
  if constexpr (dt_kind(DT) == 'h') return __half2float(__float2half_rn(v));
  else return v;
}

/* ========================================================================
 * What the element operations take from the host
 * ======================================================================== */
/* Params::flags */
enum { PF_AVX512F = 1 };

/* fmax/fmin as the CPU kernels compute them: C fixes only that a NaN
 * operand yields the other one; which operand comes back for +0 vs -0 and
 * for two NaNs depends on the host's libm and compiler, and differs
 * between the CPU's elementwise loops and its folds (GCC 13 expands the
 * former inline, the latter call libm).  The host measures its CPU kernel
 * once (probe_fminmax in loop_cuda.cu) and passes 3 bits per (dtype, op,
 * path) in Params::fm. */
enum { FM_PZ_Y = 1, FM_NZ_Y = 2, FM_NAN_Y = 4 }; /* f(+0,-0), f(-0,+0), f(NaN,NaN) return y */
enum { FM_ELEM = 0, FM_FOLD = 1 };
HD constexpr int fm_shift(int dt, int op, int path)
{
  return (((dt == LNP_FLOAT16 ? 0 : dt == LNP_FLOAT32 ? 1 : 2) * 2 + (op == LNP_OP_FMAX ? 0 : 1)) * 2 + path) * 3;
}
template <bool MAX, class R> DI R fminmax_c(R x, R y, int bits)
{
  if (lnp_isnan(x)) return (lnp_isnan(y) && !(bits & FM_NAN_Y)) ? x : y;
  if (lnp_isnan(y)) return x;
  if (x == y) {
    if (x != 0 || lnp_signbit(x) == lnp_signbit(y)) return x;
    return (bits & (lnp_signbit(x) ? FM_NZ_Y : FM_PZ_Y)) ? y : x;
  }
  return MAX ? (x > y ? x : y) : (x < y ? x : y);
}

/* ========================================================================
 * Element operations: elem.h's LNP_E_<OP>_<ek>, chosen from the op table
 * (unary and binary ops of kinds S, A, P; arg-reduction steps).  A kind an
 * op lacks names no macro: its branch is discarded, never instantiated.
 * ======================================================================== */
template <int> constexpr bool dependent_false = false;

#define LNPC_EK_CALL(NAME, ARGS)                                               \
  if constexpr (K == 'b') return LNP_E_##NAME##_b ARGS;                        \
  else if constexpr (K == 'i') return LNP_E_##NAME##_i ARGS;                   \
  else if constexpr (K == 'u') return LNP_E_##NAME##_u ARGS;                   \
  else if constexpr (K == 'f') return LNP_E_##NAME##_f ARGS;                   \
  else return LNP_E_##NAME##_c ARGS;
#define LNPC_IF_OP(NAME, ARGS) else if constexpr (OP == LNP_OP_##NAME) { LNPC_EK_CALL(NAME, ARGS) }
#define LNPC_NONE(NAME, ARGS)

/* lnp_aux: PF_* flags of the launch (unary), the fmax/fmin bits (binary) */
#define LNPC_F1_S1 LNPC_IF_OP
#define LNPC_F1_A1 LNPC_IF_OP
#define LNPC_F1_P1 LNPC_IF_OP
#define LNPC_F1_S2 LNPC_NONE
#define LNPC_F1_P2 LNPC_NONE
#define LNPC_F1_C1 LNPC_NONE
#define LNPC_F1_W3 LNPC_NONE
#define LNPC_F1_G0 LNPC_NONE
#define LNPC_F1_R1 LNPC_NONE
#define LNPC_F1_R2 LNPC_NONE
#define LNPC_F1(NAME, UF, NIN, KIND, ...) LNPC_F1_##KIND##NIN(NAME, (a))
template <int OP, int DT, int ODT = out_dt(OP, DT)> DI CT<ODT> f1(CT<DT> a, int lnp_aux)
{
  constexpr char K = dt_ek(DT);
  (void)lnp_aux;
  if constexpr (false) {
  }
  LNP_OP_TABLE(LNPC_F1)
  else static_assert(dependent_false<OP>, "not a unary op");
}

#define LNPC_F2_S2 LNPC_IF_OP
#define LNPC_F2_P2 LNPC_IF_OP
#define LNPC_F2_S1 LNPC_NONE
#define LNPC_F2_A1 LNPC_NONE
#define LNPC_F2_P1 LNPC_NONE
#define LNPC_F2_C1 LNPC_NONE
#define LNPC_F2_W3 LNPC_NONE
#define LNPC_F2_G0 LNPC_NONE
#define LNPC_F2_R1 LNPC_NONE
#define LNPC_F2_R2 LNPC_NONE
#define LNPC_F2(NAME, UF, NIN, KIND, ...) LNPC_F2_##KIND##NIN(NAME, (a, b))
template <int OP, int DT, int ODT = out_dt(OP, DT)> DI CT<ODT> f2(CT<DT> a, CT<DT> b, int lnp_aux)
{
  constexpr char K = dt_ek(DT);
  (void)lnp_aux;
  if constexpr (false) {
  }
  LNP_OP_TABLE(LNPC_F2)
  else static_assert(dependent_false<OP>, "not a binary op");
}

/* arg-reduction steps: does candidate v at index k beat the current m at j? */
#define LNPC_AR_R1 LNPC_IF_OP
#define LNPC_AR_R2 LNPC_IF_OP
#define LNPC_AR_S1 LNPC_NONE
#define LNPC_AR_A1 LNPC_NONE
#define LNPC_AR_P1 LNPC_NONE
#define LNPC_AR_S2 LNPC_NONE
#define LNPC_AR_P2 LNPC_NONE
#define LNPC_AR_C1 LNPC_NONE
#define LNPC_AR_W3 LNPC_NONE
#define LNPC_AR_G0 LNPC_NONE
#define LNPC_AR(NAME, UF, NIN, KIND, ...) LNPC_AR_##KIND##NIN(NAME, (v, k, m, j))
template <int OP, int DT> DI bool beats(CT<DT> v, int64_t k, CT<DT> m, int64_t j)
{
  constexpr char K = dt_ek(DT);
  if constexpr (false) {
  }
  LNP_OP_TABLE(LNPC_AR)
  else static_assert(dependent_false<OP>, "not an arg-reduction");
}

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
  } else {
    const bool v = idx == p.scalars[0].i64;
    if constexpr (K == 'c') {
      typedef decltype(C{}.re) R;
      return C{(R)v, (R)0};
    } else {
      return (C)v;
    }
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

/* one element (no S dims): q are the operands' element pointers */
template <int OP, int DT, int ODT> DI void elem(const Params &p, char *const *q, int64_t idx)
{
  constexpr char k = op_kind(OP);
  if constexpr (OP == LNP_OP_COPY) {
    if constexpr (DT == ODT) *(St<DT> *)q[0] = *(const St<DT> *)q[1];
    else *(St<ODT> *)q[0] = conv<ODT>((CanonT<DT>)ld<DT>(q[1]));
  } else if constexpr (k == 'W') {
    *(St<DT> *)q[0] = *(const bool *)q[1] ? *(const St<DT> *)q[2] : *(const St<DT> *)q[3];
  } else if constexpr (k == 'G') {
    st<DT>(q[0], gen<OP, DT>(p, idx));
  } else if constexpr (k == 'R') {
    static_assert(dependent_false<OP>, "arg ops run sequentially");
  } else if constexpr (op_nin(OP) == 1) {
    st<ODT>(q[0], f1<OP, DT>(ld<DT>(q[1]), p.flags));
  } else {
    st<ODT>(q[0], f2<OP, DT>(ld<DT>(q[1]), ld<DT>(q[2]), f2aux<OP, DT>(p, FM_ELEM)));
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
    if constexpr (cp_size_ok<(int)sizeof(St<DT>)>()) {
      if (!inner && nds == 1 && blockDim.x == LNPC_CP_LANES && (((uintptr_t)q[2] | (uint64_t)sd[2 + 2]) % sizeof(St<DT>)) == 0) {
        const int aux = f2aux<OP, DT>(p, FM_ELEM);
        cp_fold<(int)sizeof(St<DT>)>(sd[0], q[2], sd[2 + 2], [&](const char *pv, int64_t) {
          acc = rt<DT>(f2<OP, DT>(acc, ld<DT>(pv), aux));
        });
        st<DT>(q[0], acc);
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
      return;
    }
    s_walk<NOPS>(sd, nds, q, idx, [&](char *const *r, int64_t) {
      if (inner) acc = red_run<OP, DT>(acc, r[2], n, ist[2], f2aux<OP, DT>(p, FM_FOLD));
      else acc = rt<DT>(f2<OP, DT>(acc, ld<DT>(r[2]), f2aux<OP, DT>(p, FM_ELEM)));
    });
    st<DT>(q[0], acc);
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
        elem<OP, DT, ODT>(p, qq, 0);
      }
    }
  } else if constexpr (KIND != 'R') {
#pragma unroll 1
    for (int it = 0; it < LNPC_ITEMS; it++) {
      const int64_t e = (lb * LNPC_ITEMS + it) * blockDim.x + threadIdx.x;
      if (e >= nP) return;
      locate<NOPS>(p, w, e, q, idx);
      elem<OP, DT, ODT>(p, q, idx);
    }
  }
}

/* ========================================================================
 * Block reductions of one run (k_block)
 * ======================================================================== */
template <class V> DI V shfl_down_any(const V &v, int off)
{
  constexpr int NW = (int)((sizeof(V) + 3) / 4);
  unsigned u[NW] = {};
  memcpy(u, &v, sizeof(V));
#pragma unroll
  for (int k = 0; k < NW; k++) u[k] = __shfl_down_sync(0xffffffffu, u[k], off);
  V r;
  memcpy(&r, u, sizeof(V));
  return r;
}

/* Fold elements 0..n-1 (the value mk(raw(i), i)) with comb(left, right),
 * keeping their order: each warp folds a contiguous range, chunk by chunk.
 * A chunk's raw values are loaded coalesced (lane l: elements l, l+32, ...,
 * all VPL loads in flight before the first use) and transposed through
 * shared memory (one pad slot per VPL: no bank conflicts), so that lane l
 * then holds VPL consecutive elements; it folds them, the lanes' values go
 * through an ordered shuffle tree, thread 0 folds the warps' results.
 * Returns (in thread 0) whether n > 0. */
template <class V, class Raw, class Mk, class Comb>
DI bool block_ordered(int64_t n, Raw &&raw, Mk &&mk, Comb &&comb, V &out)
{
  typedef decltype(raw((int64_t)0)) RT;
  constexpr int VPL = sizeof(RT) <= 4 ? 32 : sizeof(RT) <= 8 ? 16 : sizeof(RT) <= 16 ? 8 : 4; /* <= 37 KB of shared memory */
  constexpr int NW = LNPC_RED_BLOCK / 32, PADN = 32 * (VPL + 1);
  __shared__ alignas(16) unsigned char sm_raw[NW * sizeof(V)];
  __shared__ bool sm_have[NW];
  __shared__ alignas(16) unsigned char tr_raw[NW * PADN * sizeof(RT)];
  V *sm = (V *)sm_raw;
  const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5;
  RT *tr = (RT *)tr_raw + wid * PADN; /* element q of a chunk at q + q / VPL */
  const int64_t lo = n * wid / NW, hi = n * (wid + 1) / NW;
  bool have = false;
  V acc;
  memset(&acc, 0, sizeof acc);
#pragma unroll 1
  for (int64_t c = lo; c < hi; c += 32 * VPL) {
    const int64_t s0 = c + (int64_t)lane * VPL;
    RT x[VPL];
#pragma unroll
    for (int v = 0; v < VPL; v++)
      if (c + v * 32 + lane < hi) x[v] = raw(c + v * 32 + lane);
#pragma unroll
    for (int v = 0; v < VPL; v++) {
      const int q = v * 32 + lane;
      if (c + q < hi) tr[q + q / VPL] = x[v];
    }
    __syncwarp();
#pragma unroll
    for (int v = 0; v < VPL; v++)
      if (s0 + v < hi) x[v] = tr[lane * (VPL + 1) + v];
    __syncwarp();
    bool lh = s0 < hi;
    V lv = mk(x[0], s0);
#pragma unroll
    for (int v = 1; v < VPL; v++)
      if (s0 + v < hi) lv = comb(lv, mk(x[v], s0 + v));
#pragma unroll
    for (int off = 1; off < 32; off <<= 1) {
      const V rv = shfl_down_any(lv, off);
      const bool rh = __shfl_down_sync(0xffffffffu, lh, off) != 0;
      if ((lane & (2 * off - 1)) == 0 && rh) {
        lv = lh ? comb(lv, rv) : rv;
        lh = true;
      }
    }
    if (lane == 0 && lh) {
      acc = have ? comb(acc, lv) : lv;
      have = true;
    }
  }
  if (lane == 0) {
    sm[wid] = acc;
    sm_have[wid] = have;
  }
  __syncthreads();
  bool any = false;
  if (threadIdx.x == 0) {
    for (int k = 0; k < NW; k++) {
      if (!sm_have[k]) continue;
      out = any ? comb(out, sm[k]) : sm[k];
      any = true;
    }
  }
  __syncthreads();
  return any;
}

/* A pairwise leaf (8 <= n <= 128) by the 8 lanes of a group (k = lane % 8,
 * mask = the group's lanes): lane k sums accumulator r_k (elements k, k+8,
 * ...; all its loads issued before the first add), the 8 accumulators
 * combine in the CPU's order through shuffles, lane 0 adds the tail.  The
 * result is valid in lane 0. */
/* the stride of pairwise sums in the contiguous case (reals for complex) */
template <int DT> HD constexpr int64_t pw_esz()
{
  if constexpr (dt_kind(DT) == 'c') return (int64_t)sizeof(St<DT>) / 2;
  else return (int64_t)sizeof(St<DT>);
}
template <int DT, bool CONTIG = false>
DI SumT<DT> pw_leaf8(const char *a, int64_t n, int64_t st_, int k, unsigned mask)
{
  const int64_t st = CONTIG ? pw_esz<DT>() : st_;
  const int64_t body = n - n % 8;
  const int nb = (int)(body >> 3); /* 1 .. 16 rows of 8 */
  if constexpr (dt_kind(DT) == 'c') {
    typedef decltype(SumT<DT>{}.re) R;
    const char *p = a + (int64_t)(k & ~1) * st + ((k & 1) ? sizeof(R) : 0);
    R r = *(const R *)p;
    if constexpr (CONTIG) {
      R x[15];
#pragma unroll
      for (int j = 1; j < 16; j++)
        if (j < nb) x[j - 1] = *(const R *)(p + (int64_t)j * 8 * st);
#pragma unroll
      for (int j = 1; j < 16; j++)
        if (j < nb) r += x[j - 1];
    } else {
#pragma unroll 4
      for (int j = 1; j < nb; j++) r += *(const R *)(p + (int64_t)j * 8 * st);
    }
    R t = __shfl_down_sync(mask, r, 2, 8);
    if (!(k & 2)) r = r + t;
    t = __shfl_down_sync(mask, r, 4, 8);
    if (k < 2) r = r + t;
    R si = __shfl_down_sync(mask, r, 1, 8), sr = r;
    if (k == 0)
      for (int64_t i = body; i < n; i += 2) {
        sr += *(const R *)(a + i * st);
        si += *(const R *)(a + i * st + sizeof(R));
      }
    return {sr, si};
  } else {
    typedef SumT<DT> C;
    C r = ld<DT>(a + k * st);
    if constexpr (CONTIG) {
      C x[15];
#pragma unroll
      for (int j = 1; j < 16; j++)
        if (j < nb) x[j - 1] = ld<DT>(a + ((int64_t)j * 8 + k) * st);
#pragma unroll
      for (int j = 1; j < 16; j++)
        if (j < nb) r += x[j - 1];
    } else {
#pragma unroll 4
      for (int j = 1; j < nb; j++) r += ld<DT>(a + ((int64_t)j * 8 + k) * st);
    }
    C t = __shfl_down_sync(mask, r, 1, 8);
    if (!(k & 1)) r = r + t;
    t = __shfl_down_sync(mask, r, 2, 8);
    if (!(k & 3)) r = r + t;
    t = __shfl_down_sync(mask, r, 4, 8);
    if (k == 0) r = r + t;
    if (k == 0)
      for (int64_t i = body; i < n; i++) r += ld<DT>(a + i * st);
    return r;
  }
}

/* NumPy's pairwise sum of a node (any n) by the 8 lanes of a group: its
 * leaves left to right, each found by a descent from the node (pw_seq's
 * walk), each summed by pw_leaf8; a finished left child waits in pend[]
 * for its right sibling.  Valid in lane 0. */
template <int DT, bool CONTIG> DI SumT<DT> grp_pairwise(const char *a, int64_t n, int64_t st, int k, unsigned mask)
{
  typedef SumT<DT> S;
  if (n < 8) return pw_leaf<DT>(a, n, st);
  if (n <= LNPC_PW_BLOCK) return pw_leaf8<DT, CONTIG>(a, n, st, k, mask);
  S pend[LNPC_PW_MAXDEPTH];
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
    S v = pw_leaf8<DT, CONTIG>(a + start * st, len, st, k, mask);
    pos = start + len;
    int d = depth;
    while (d > 0 && ((path >> (d - 1)) & 1)) {
      v = sum_add<DT>(pend[d - 1], v);
      d--;
    }
    if (d == 0) return v;
    pend[d - 1] = v;
  }
}

/* Chunk c of a split pairwise sum over len elements: the node at depth
 * log2(nch) whose path is c (bits from the top; the host keeps the tree
 * complete down there).  Returns its first element; len becomes its
 * length. */
DI int64_t pw_chunk(int64_t &len, int64_t c, int64_t nch)
{
  int64_t start = 0;
  for (int64_t bit = nch >> 1; bit > 0; bit >>= 1) {
    const int64_t h = pw_half(len);
    if (c & bit) {
      start += h;
      len -= h;
    } else {
      len = h;
    }
  }
  return start;
}

/* The node of NumPy's recursion over n elements that group g of 2^GL
 * groups takes: the node at depth GL whose path is g's bits, or the leaf
 * above it (then only the leftmost group under that leaf works).  Sets
 * its first element and length; returns its depth. */
DI int pw_descend(int64_t n, int g, int GL, int64_t &start, int64_t &len)
{
  start = 0;
  len = n;
  int d = 0;
  while (d < GL && len > LNPC_PW_BLOCK) {
    const int64_t h = pw_half(len);
    if ((g >> (GL - 1 - d)) & 1) {
      start += h;
      len -= h;
    } else {
      len = h;
    }
    d++;
  }
  return d;
}

/* NumPy's pairwise sum of n elements by the block (LNPC_RED_BLOCK threads,
 * G = 32 groups of 8 lanes).  Group g takes the node at depth 5 of the
 * recursion whose path is g's bits (or the leaf above it: then only the
 * leftmost group under that leaf works) and sums it with grp_pairwise;
 * warp 0 adds the nodes' values up the top 5 levels through shuffles,
 * exactly as the recursion adds its halves (stop = the depth where each
 * group's node lies: a node at depth l is internal iff its leftmost
 * slot's stop > l).  Valid in thread 0. */
template <int DT, bool CONTIG> DI SumT<DT> block_pairwise_t(const char *a, int64_t n, int64_t st)
{
  typedef SumT<DT> S;
  constexpr int G = LNPC_RED_BLOCK / 8, GL = 5;
  static_assert(G == (1 << GL), "one 8-lane group per depth-5 node");
  __shared__ alignas(16) unsigned char val_raw[G * sizeof(S)];
  __shared__ unsigned char stop[G];
  S *val = (S *)val_raw;
  const int lane = threadIdx.x & 31, k = lane & 7, g = threadIdx.x >> 3;
  const unsigned mask = 0xffu << (lane & 24);
  int64_t start = 0, len = n;
  const int d = pw_descend(n, g, GL, start, len);
  const bool owner = (g & ((1 << (GL - d)) - 1)) == 0;
  if (owner) {
    const S v = grp_pairwise<DT, CONTIG>(a + start * st, len, st, k, mask);
    if (k == 0) val[g] = v;
  }
  if (k == 0) stop[g] = owner ? (unsigned char)d : 0;
  __syncthreads();
  S r;
  memset(&r, 0, sizeof r);
  if (threadIdx.x < 32) {
    S x = val[lane];
    const int sd = stop[lane];
#pragma unroll
    for (int l = GL - 1; l >= 0; l--) {
      const int wd = 1 << (GL - 1 - l);
      const S y = shfl_down_any(x, wd);
      if ((lane & (2 * wd - 1)) == 0 && sd > l) x = sum_add<DT>(x, y);
    }
    r = x;
  }
  __syncthreads();
  return r;
}

/* contiguous runs (constant strides: fewer registers and instructions) or not */
template <int DT, bool CONTIG> DI SumT<DT> block_pairwise(const char *a, int64_t n, int64_t st)
{
  return block_pairwise_t<DT, CONTIG>(a, n, CONTIG ? pw_esz<DT>() : st);
}

/* ------------------------------------------------------------------------
 * Warp-tiled pairwise sums of contiguous chunks (k_pwtile: the chunks of a
 * split reduction, one warp each).
 *
 * Why not k_block: there each 8-lane group walks its node's leaves one
 * after another, and between two leaves (three shuffles, the descent to
 * the next leaf, pend[] in local memory) the group has no load in flight;
 * its loads are 8 bytes, 4 leaves a warp instruction; its 80-register cap
 * (3 blocks an SM) holds 15 loads a lane; a chunk ends in __syncthreads,
 * so each chunk drains the whole block's loads; and 396 persistent blocks
 * over 2^k chunks leave a tail (2048 chunks: 5.2 rounds run as 6).  Here a
 * warp sums its chunk alone, 8 KB a step, and keeps the next step's loads
 * in flight while it adds the current one up.
 *
 * The leaves.  In rows of 8 reals, NumPy splits a node of M rows (no tail)
 * into floor(M/2) | ceil(M/2) rows, so the node at depth l whose path is j
 * (bit k: right child at depth k+1) has (M + rev_l(j)) >> l rows (rev_l: j's
 * l bits reversed; by induction, as ceil(s/2) = floor((s+1)/2)): depth l
 * holds nodes of two sizes only.  Nodes of at most 16 rows are leaves;
 * let d be the least depth where all nodes are.  Either the nodes at depth
 * d-1 all have 17 rows or more (the tree is complete down to depth d:
 * leaves of 8..16 rows), or depth d-1 holds nodes of 16 and 17 rows: the
 * 16 are leaves and a 17 is two leaves of 8 and 9 rows.  Either way the
 * leaves (17s counting as one) are the nodes at one depth dl, the tree
 * above them is complete, and node sizes come in closed form.
 *
 * A step is the node at depth dl - log2(LS): LS leaves, LPL lanes each,
 * every lane loading a 16-byte column of every row of its leaf (VPL values:
 * 2 float64, 4 float32, 8 float16, 2 complex64, 1 complex128), all its
 * loads (up to 17 x 16 bytes) issued before its first add.  Lane k of a
 * leaf holds NumPy's accumulators r[VPL k ..] (complex: re/im pairs), so
 * ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) (complex: of each part) is a
 * lane-local tree and log2(LPL) shuffle levels, and the tree over the
 * step's leaves log2(LS) levels more.  Steps combine as a binary counter
 * (their tree is complete).  Chunks that do not fit (a run's last chunk
 * when n % 8 != 0, a run not 16-byte aligned, fewer than LS leaves) are
 * summed by warp_pairwise: the same tree by grp_pairwise.
 * ------------------------------------------------------------------------ */
/* NumPy's pairwise sum of a contiguous node by one warp: 4 groups of 8
 * lanes take the nodes at depth 2 (block_pairwise_t with 32 groups and
 * shared memory).  Valid in lane 0. */
template <int DT> DI SumT<DT> warp_pairwise(const char *a, int64_t n, int lane)
{
  typedef SumT<DT> S;
  constexpr int GL = 2;
  constexpr int64_t st = pw_esz<DT>();
  const int k = lane & 7, g = lane >> 3;
  const unsigned mask = 0xffu << (lane & 24);
  int64_t start = 0, len = n;
  const int d = pw_descend(n, g, GL, start, len);
  const bool owner = (g & ((1 << (GL - d)) - 1)) == 0;
  S x;
  memset(&x, 0, sizeof x);
  /* the strided variant: fewer registers (k_pwtile's are pw_tile's) */
  if (owner) x = grp_pairwise<DT, false>(a + start * st, len, st, k, mask);
  const int sd = owner ? d : 0; /* lane 8g: the depth of group g's node */
#pragma unroll
  for (int l = GL - 1; l >= 0; l--) {
    const int wd = 1 << (GL - 1 - l); /* groups between siblings at depth l+1 */
    const S y = shfl_down_any(x, 8 * wd);
    if ((lane & (16 * wd - 1)) == 0 && sd > l) x = sum_add<DT>(x, y);
  }
  return x;
}

template <int DT> struct PwTile {
  static constexpr int ES = (int)sizeof(St<DT>);   /* bytes of an element (complex: both parts) */
  static constexpr int RB = 8 * (int)pw_esz<DT>(); /* bytes of a row of 8 reals */
  static constexpr int LPL = RB / 16;              /* lanes per leaf, 16 bytes of each row each */
  static constexpr int VPL = 16 / ES;              /* SumT values a lane takes from a row */
  static constexpr int LS = 32 / LPL;              /* leaves per step */
  static constexpr int LL = LS == 8 ? 3 : LS == 16 ? 4 : 5;
  static_assert(LPL * VPL * (dt_kind(DT) == 'c' ? 2 : 1) == 8 && (1 << LL) == LS, "8 reals a row");
};
/* 16 bytes of a run; LDV picks the cache hints (LNP_CUDA_PW_LOAD, for
 * benchmarks): 0 non-coherent (ld.global.nc), 1 streaming (ld.global.cs,
 * the default: a 2^28 float64 sum on an H200 ran at 4393 GB/s with it,
 * 3999 with 0, 4151 with 2; CUB 4584), 2 non-coherent without L1
 * allocation, 256-byte L2 prefetch */
template <int LDV> DI uint4 ld16(const char *p)
{
  const uint4 *q = (const uint4 *)p;
  if constexpr (LDV == 1) {
    return __ldcs(q);
  } else if constexpr (LDV == 2) {
    uint4 r;
    asm("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0, %1, %2, %3}, [%4];"
        : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w)
        : "l"(q));
    return r;
  } else {
    return __ldg(q);
  }
}
/* the VPL sum values of 16 loaded bytes */
template <int DT> DI void pw_dec16(const uint4 &v, SumT<DT> *o)
{
  constexpr int VPL = PwTile<DT>::VPL;
  St<DT> s[VPL];
  memcpy(s, &v, 16);
#pragma unroll
  for (int i = 0; i < VPL; i++) o[i] = ld<DT>((const char *)&s[i]);
}
/* NumPy's combination of N consecutive accumulators (a complete tree) */
template <int DT, int N> DI SumT<DT> pw_tree(const SumT<DT> *v)
{
  if constexpr (N == 1) return v[0];
  else return sum_add<DT>(pw_tree<DT, N / 2>(v), pw_tree<DT, N / 2>(v + N / 2));
}
/* lanes lane .. lane+2^k-1 combined into lane (a multiple of 2^k), for
 * offsets O0, 2 O0, .. < O1 */
template <int DT, int O0, int O1> DI SumT<DT> pw_lanes(SumT<DT> v, int lane)
{
#pragma unroll
  for (int o = O0; o < O1; o <<= 1) {
    const SumT<DT> y = shfl_down_any(v, o);
    if ((lane & (2 * o - 1)) == 0) v = sum_add<DT>(v, y);
  }
  return v;
}

/* The chunk a (n reals) by the warp as the file comment above says, into
 * out (lane 0); false (nothing done) if it does not fit. */
template <int DT, int LDV> DI bool pw_tile(const char *a, int64_t n, int lane, SumT<DT> &out)
{
  typedef PwTile<DT> T;
  typedef SumT<DT> S;
  constexpr int VPL = T::VPL, LPL = T::LPL, LL = T::LL, RB = T::RB;
  if (n < 8 || (n & 7) || ((uintptr_t)a & 15)) return false;
  const uint32_t M = (uint32_t)(n >> 3); /* rows: < 2^29 (pieces have < 2^31 elements) */
  int d = 0;
  while (((M - 1) >> d) + 1 > 16) d++; /* ceil(M / 2^d) > 16 */
  const bool two = d > 0 && (M >> (d - 1)) < 17; /* depth d-1: 16- and 17-row leaves */
  const int dl = two ? d - 1 : d;
  if (dl < LL) return false;
  const int ds = dl - LL; /* depth of the steps */
  const uint32_t nsteps = 1u << ds;
  const int gi = lane / LPL; /* the lane's leaf in a step */
  const char *lp = a + (lane % LPL) * 16;
  /* rows of step s, and the first row (in the step) and rows of leaf gi */
  auto step_rows = [&](uint32_t s) { return ds ? (M + (__brev(s) >> (32 - ds))) >> ds : M; };
  auto leaf = [&](uint32_t rows, uint32_t &off, uint32_t &m) {
    off = 0;
#pragma unroll
    for (int k = LL - 1; k >= 0; k--) {
      const uint32_t h = rows >> 1;
      if ((gi >> k) & 1) {
        off += h;
        rows -= h;
      } else {
        rows = h;
      }
    }
    m = rows;
  };
  uint4 x[17];
  auto load = [&](uint32_t row, uint32_t m) { /* rows 0..7 always exist */
    const char *p = lp + (int64_t)row * RB;
#pragma unroll
    for (int j = 0; j < 17; j++)
      if (j < 8 || j < (int)m) x[j] = ld16<LDV>(p + j * RB);
  };
  uint32_t r0 = 0, rows = step_rows(0), off, m;
  leaf(rows, off, m);
  load(off, m);
  S stk[32];
  int sp = 0;
#pragma unroll 1
  for (uint32_t s = 0; s < nsteps; s++) {
    /* the next step's place, while this step's loads are in flight */
    const bool more = s + 1 < nsteps;
    const uint32_t r1 = r0 + rows;
    uint32_t rows1 = 0, off1 = 0, m1 = 8;
    if (more) {
      rows1 = step_rows(s + 1);
      leaf(rows1, off1, m1);
    }
    /* the leaf's accumulators, row after row; a 17-row node is the leaves
     * of rows 0..7 (va) and 8..16 (vb) */
    const bool s17 = m == 17;
    S va[VPL], vb[VPL], t[VPL];
    pw_dec16<DT>(x[0], va);
#pragma unroll
    for (int j = 1; j < 8; j++) {
      pw_dec16<DT>(x[j], t);
#pragma unroll
      for (int i = 0; i < VPL; i++) va[i] = sum_add<DT>(va[i], t[i]);
    }
    if (s17) {
      pw_dec16<DT>(x[8], vb);
#pragma unroll
      for (int j = 9; j < 17; j++) {
        pw_dec16<DT>(x[j], t);
#pragma unroll
        for (int i = 0; i < VPL; i++) vb[i] = sum_add<DT>(vb[i], t[i]);
      }
    } else {
      memset(vb, 0, sizeof vb);
#pragma unroll
      for (int j = 8; j < 16; j++)
        if (j < (int)m) {
          pw_dec16<DT>(x[j], t);
#pragma unroll
          for (int i = 0; i < VPL; i++) va[i] = sum_add<DT>(va[i], t[i]);
        }
    }
    if (more) load(r1 + off1, m1);
    /* the leaves, then the step */
    S v = pw_lanes<DT, 1, LPL>(pw_tree<DT, VPL>(va), lane);
    if (two && __any_sync(0xffffffffu, s17)) {
      const S w = pw_lanes<DT, 1, LPL>(pw_tree<DT, VPL>(vb), lane);
      if (s17) v = sum_add<DT>(v, w);
    }
    v = pw_lanes<DT, LPL, 32>(v, lane);
    if (lane == 0) {
      for (uint32_t c = s; c & 1; c >>= 1) v = sum_add<DT>(stk[--sp], v);
      stk[sp++] = v;
    }
    r0 = r1;
    rows = rows1;
    off = off1;
    m = m1;
  }
  if (lane == 0) out = stk[0];
  return true;
}

template <int DT> struct ArgV {
  St<DT> raw;
  CT<DT> m;
  int64_t j;
};

/* ------------------------------------------------------------------------
 * What a block reduces a run (or a chunk of one) to, and how such values
 * combine: a pairwise sum (float add: SumT), an (value, index) pair (arg
 * ops), or the fold's own value (associative exact ops, block_ok).
 * ------------------------------------------------------------------------ */
template <int OP, int DT> HD constexpr bool pairwise_red()
{
  return red_of(OP) == RED_SUM && (dt_kind(DT) == 'h' || dt_kind(DT) == 'f' || dt_kind(DT) == 'c');
}
template <int OP, int DT>
using PartT = std::conditional_t<op_kind(OP) == 'R', ArgV<DT>, std::conditional_t<pairwise_red<OP, DT>(), SumT<DT>, CT<DT>>>;

template <int OP, int DT> struct CombOp {
  int aux;
  DI PartT<OP, DT> operator()(const PartT<OP, DT> &l, const PartT<OP, DT> &r) const
  {
    if constexpr (op_kind(OP) == 'R') return beats<OP, DT>(r.m, r.j, l.m, l.j) ? r : l;
    else if constexpr (pairwise_red<OP, DT>()) return sum_add<DT>(l, r);
    else return rt<DT>(f2<OP, DT>(l, r, aux));
  }
};

/* the output's current value (thread 0), the fold of a run's value into
 * it (as the CPU: acc + pairwise sum, rounded as stored; complex parts
 * added separately; others comb), and the store */
template <int OP, int DT> struct Acc {
  typedef std::conditional_t<op_kind(OP) == 'R', ArgV<DT>, CT<DT>> A;
  static DI A load(char *const *q)
  {
    A a;
    if constexpr (op_kind(OP) == 'R') {
      a.raw = *(const St<DT> *)q[0];
      a.m = ld<DT>(q[0]);
      a.j = *(const int64_t *)q[1];
    } else {
      a = ld<DT>(q[0]);
    }
    return a;
  }
  static DI A add(const A &acc, const PartT<OP, DT> &v, const CombOp<OP, DT> &comb)
  {
    if constexpr (pairwise_red<OP, DT>() && dt_kind(DT) == 'c') {
      A r;
      r.re = acc.re + v.re;
      r.im = acc.im + v.im;
      return r;
    } else if constexpr (pairwise_red<OP, DT>()) {
      return rt<DT>(acc + v);
    } else {
      return comb(acc, v);
    }
  }
  static DI void store(char *const *q, const A &a)
  {
    if constexpr (op_kind(OP) == 'R') {
      *(St<DT> *)q[0] = a.raw;
      *(int64_t *)q[1] = a.j;
    } else {
      st<DT>(q[0], a);
    }
  }
};

/* The value of chunk c of nch of the run at r (n elements, strides ist,
 * first index ix): for pairwise sums the node at depth log2(nch) whose
 * path is c (the host makes the tree complete down there), else elements
 * [n c / nch, n (c+1) / nch).  Valid in thread 0; false if empty. */
template <int OP, int DT, int NOPS, bool CONTIG>
DI bool run_part(char *const *r, int64_t ix, int64_t n, const int64_t *ist, int64_t imult, int64_t nch, int64_t c,
                 const CombOp<OP, DT> &comb, PartT<OP, DT> &out)
{
  typedef PartT<OP, DT> V;
  if constexpr (pairwise_red<OP, DT>()) {
    constexpr bool CX = dt_kind(DT) == 'c'; /* reals and imaginary parts interleaved */
    const int64_t st = CX ? ist[2] / 2 : ist[2];
    int64_t len = CX ? 2 * n : n;
    const int64_t start = pw_chunk(len, c, nch);
    out = block_pairwise<DT, CONTIG>(r[2] + start * st, len, st);
    return true;
  } else {
    const int64_t lo = n * c / nch, hi = n * (c + 1) / nch;
    constexpr int64_t ES = sizeof(St<DT>);
    const int64_t sb = CONTIG ? ES : ist[2];
    const char *pb = r[2] + lo * ist[2];
    auto raw = [&](int64_t i) { return *(const St<DT> *)(pb + i * sb); };
    if constexpr (op_kind(OP) == 'R' && op_nin(OP) == 1) {
      const int64_t j0 = ix + lo * imult;
      auto mk = [&](const St<DT> &x, int64_t i) {
        V v;
        v.raw = x;
        v.m = ld<DT>((const char *)&x);
        v.j = j0 + i * imult;
        return v;
      };
      return block_ordered<V>(hi - lo, raw, mk, comb, out);
    } else if constexpr (op_kind(OP) == 'R') { /* (value, index) pairs */
      const int64_t sj = CONTIG ? 8 : ist[NOPS - 1];
      const char *pj = r[NOPS - 1] + lo * ist[NOPS - 1];
      struct RJ {
        St<DT> x;
        int64_t j;
      };
      auto rawj = [&](int64_t i) {
        RJ t;
        t.x = *(const St<DT> *)(pb + i * sb);
        t.j = *(const int64_t *)(pj + i * sj);
        return t;
      };
      auto mk = [&](const RJ &t, int64_t) {
        V v;
        v.raw = t.x;
        v.m = ld<DT>((const char *)&t.x);
        v.j = t.j;
        return v;
      };
      return block_ordered<V>(hi - lo, rawj, mk, comb, out);
    } else {
      auto mk = [&](const St<DT> &x, int64_t) { return ld<DT>((const char *)&x); };
      return block_ordered<V>(hi - lo, raw, mk, comb, out);
    }
  }
}

/* One block per (P coordinate, chunk) unit.  Without chunks (R_NCH 1) the block
 * folds each run of the coordinate (outer S dims in order) into the
 * output; with chunks (a split: the piece has one run per output and few
 * outputs) it writes its chunk's value to the scratch, and k_combine
 * folds them in order. */
template <int OP, int DT, bool CONTIG> DI void block_unit(const Params &p, int64_t u)
{
  constexpr int NOPS = kops<OP>();
  typedef PartT<OP, DT> V;
  const int pc = find_piece(p, u);
  const int64_t *w = p.w + p.off[pc];
  const int64_t nch = w[R_NCH];
  const int64_t lb = u - p.blk0[pc];
  const int64_t e = nch == 1 ? lb : lb / nch, c = lb - e * nch;
  char *q[NOPS];
  int64_t idx;
  locate<NOPS>(p, w, e, q, idx);
  const int nds = (int)w[R_NDS];
  const int64_t *sd = w + rec_dims(NOPS) + w[R_NDP] * (2 + NOPS);
  const int64_t n = w[R_INN], imult = w[R_IMULT];
  int64_t ist[NOPS];
#pragma unroll
  for (int k = 0; k < NOPS; k++) ist[k] = w[R_IST + k];
  const bool t0 = threadIdx.x == 0;
  const CombOp<OP, DT> comb{f2aux<OP, DT>(p, FM_FOLD)};

  if (nch > 1) {
    V v;
    if (run_part<OP, DT, NOPS, CONTIG>(q, idx, n, ist, imult, nch, c, comb, v) && t0)
      ((V *)(p.scratch + w[R_PART]))[e * nch + c] = v;
    return;
  }
  typename Acc<OP, DT>::A acc;
  if (t0) acc = Acc<OP, DT>::load(q);
  s_walk<NOPS>(sd, nds, q, idx, [&](char *const *r, int64_t ix) {
    V v;
    if (run_part<OP, DT, NOPS, CONTIG>(r, ix, n, ist, imult, 1, 0, comb, v) && t0)
      acc = Acc<OP, DT>::add(acc, v, comb);
  });
  if (t0) Acc<OP, DT>::store(q, acc);
}
/* persistent: a grid of what fits the device at once walks the units
 * (the pieces' parameters stay in the constant cache) */
template <int OP, int DT, bool CONTIG> /* contiguous runs: at most 80 registers (3 blocks an SM) */
__global__ void __launch_bounds__(LNPC_RED_BLOCK, CONTIG ? 3 : 1) k_block(const __grid_constant__ Params p)
{
  const int64_t total = p.blk0[p.npieces];
#pragma unroll 1
  for (int64_t u = blockIdx.x; u < total; u += gridDim.x) block_unit<OP, DT, CONTIG>(p, u);
}

/* The chunks of split contiguous pairwise sums, one warp each (pw_tile,
 * else warp_pairwise): units as k_block's (blk0 counts chunks), walked by
 * the warps of a persistent grid.  Up to 128 registers (2 blocks, 16
 * warps an SM): 17 x 16 bytes of loads a lane, so up to 8.5 KB in flight
 * a warp, ~128 KB an SM (~36 KB cover 4.8 TB/s at 1 us of latency). */
template <int OP, int DT, int LDV>
__global__ void __launch_bounds__(LNPC_RED_BLOCK, 2) k_pwtile(const __grid_constant__ Params p)
{
  constexpr int NOPS = kops<OP>(), WPB = LNPC_RED_BLOCK / 32;
  typedef SumT<DT> S;
  const int lane = threadIdx.x & 31;
  const int64_t total = p.blk0[p.npieces], nw = (int64_t)gridDim.x * WPB;
#pragma unroll 1
  for (int64_t u = (int64_t)blockIdx.x * WPB + (threadIdx.x >> 5); u < total; u += nw) {
    const char *a;
    int64_t len;
    S *dst; /* only this lives through the sum (registers) */
    {
      const int pc = find_piece(p, u);
      const int64_t *w = p.w + p.off[pc];
      const int64_t nch = w[R_NCH], lb = u - p.blk0[pc], e = lb / nch, c = lb - e * nch;
      char *q[NOPS];
      int64_t idx;
      locate<NOPS>(p, w, e, q, idx);
      /* chunk c: the node at depth log2(nch) whose path is c (run_part) */
      len = dt_kind(DT) == 'c' ? 2 * w[R_INN] : w[R_INN];
      const int64_t start = pw_chunk(len, c, nch);
      a = q[2] + start * pw_esz<DT>();
      dst = (S *)(p.scratch + w[R_PART]) + e * nch + c;
    }
    S v;
    if (!pw_tile<DT, LDV>(a, len, lane, v)) v = warp_pairwise<DT>(a, len, lane);
    if (lane == 0) *dst = v;
  }
}

/* After a split k_block: one block per output folds its nch partials in
 * order (each thread a contiguous span as a complete binary tree, then a
 * tree over the threads: for pairwise sums, nch a power of two, exactly
 * the top levels of NumPy's recursion) into the output.  blk0 counts
 * outputs here. */
template <int OP, int DT>
__global__ void __launch_bounds__(LNPC_RED_BLOCK) k_combine(const __grid_constant__ Params p)
{
  constexpr int NOPS = kops<OP>(), NT = LNPC_RED_BLOCK;
  typedef PartT<OP, DT> V;
  const int pc = find_piece(p);
  const int64_t *w = p.w + p.off[pc];
  const int64_t nch = w[R_NCH];
  const int64_t e = (int64_t)blockIdx.x - p.blk0[pc];
  const V *parts = (const V *)(p.scratch + w[R_PART]) + e * nch;
  const CombOp<OP, DT> comb{f2aux<OP, DT>(p, FM_FOLD)};
  __shared__ alignas(16) unsigned char sm_raw[NT * sizeof(V)];
  __shared__ bool sm_have[NT];
  V *sm = (V *)sm_raw;
  const int t = threadIdx.x;
  const int64_t lo = nch * t / NT, hi = nch * (t + 1) / NT;
  V stk[24];
  int sp = 0;
  /* B loads in flight, then their tree (256 bytes a thread: k_pwtile's
   * thousands of partials in one or two round trips to L2) */
  constexpr int B = sizeof(V) <= 8 ? 32 : sizeof(V) <= 16 ? 16 : 8;
#pragma unroll 1
  for (int64_t i0 = lo; i0 < hi; i0 += B) {
    V x[B];
#pragma unroll
    for (int j = 0; j < B; j++)
      if (i0 + j < hi) x[j] = parts[i0 + j];
#pragma unroll
    for (int j = 0; j < B; j++)
      if (i0 + j < hi) {
        V v = x[j];
        for (int64_t m = i0 + j - lo + 1; !(m & 1) && sp > 0; m >>= 1) v = comb(stk[--sp], v);
        stk[sp++] = v;
      }
  }
  if (sp > 0) {
    V v = stk[0];
    for (int i = 1; i < sp; i++) v = comb(v, stk[i]);
    sm[t] = v;
  }
  sm_have[t] = sp > 0;
  __syncthreads();
#pragma unroll 1
  for (int wd = 1; wd < NT; wd <<= 1) {
    if ((t & (2 * wd - 1)) == 0 && sm_have[t + wd]) {
      sm[t] = sm_have[t] ? comb(sm[t], sm[t + wd]) : sm[t + wd];
      sm_have[t] = true;
    }
    __syncthreads();
  }
  if (t == 0) {
    char *q[NOPS];
    int64_t idx;
    locate<NOPS>(p, w, e, q, idx);
    Acc<OP, DT>::store(q, Acc<OP, DT>::add(Acc<OP, DT>::load(q), sm[0], comb));
  }
}

/* ========================================================================
 * Instantiation: the kernels of ops [LO, HI) (casts: all pairs)
 * ======================================================================== */
/* blocks of LNPC_RED_BLOCK threads of kern that fit an SM at once */
template <class K> int red_occupancy(K kern)
{
  int n = 0;
  if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&n, kern, LNPC_RED_BLOCK, 0) != cudaSuccess) {
    (void)cudaGetLastError();
    n = 0;
  }
  return n > 0 ? n : 2;
}
/* k_pwtile over `units` chunks: a persistent grid of what fits the device */
template <int OP, int DT> void launch_pwtile(const Params &p, unsigned units, int ldv, cudaStream_t s)
{
  constexpr unsigned WPB = LNPC_RED_BLOCK / 32;
  static const int occ[3] = {red_occupancy(k_pwtile<OP, DT, 0>), red_occupancy(k_pwtile<OP, DT, 1>),
                             red_occupancy(k_pwtile<OP, DT, 2>)};
  ldv = ldv < 3 ? ldv : 0;
  const unsigned cap = (unsigned)occ[ldv] * (unsigned)(p.nsm > 0 ? p.nsm : 132), need = (units + WPB - 1) / WPB;
  const unsigned grid = need < cap ? need : cap;
  if (ldv == 1) k_pwtile<OP, DT, 1><<<grid, LNPC_RED_BLOCK, 0, s>>>(p);
  else if (ldv == 2) k_pwtile<OP, DT, 2><<<grid, LNPC_RED_BLOCK, 0, s>>>(p);
  else k_pwtile<OP, DT, 0><<<grid, LNPC_RED_BLOCK, 0, s>>>(p);
}

template <int OP, int DT, int ODT> void launch(const Params &p, unsigned grid, int mode, int tpb, cudaStream_t s)
{
  if constexpr (op_kind(OP) != 'C' && block_ok(OP, DT)) {
    const bool contig = (mode & LM_CONTIG) != 0, tile = (mode & LM_PWTILE) != 0;
    const int ldv = (mode >> LM_LDV_SHIFT) & 3;
    mode &= ~LM_FLAGS;
    if (mode == LM_BLOCK || mode == LM_SPLIT) {
      bool tiled = false;
      if constexpr (pairwise_red<OP, DT>()) {
        if (tile && contig && mode == LM_SPLIT) {
          launch_pwtile<OP, DT>(p, grid, ldv, s);
          tiled = true;
        }
      }
      if (!tiled) {
        static const int occ[2] = {red_occupancy(k_block<OP, DT, false>), red_occupancy(k_block<OP, DT, true>)};
        const unsigned cap = (unsigned)occ[contig] * (unsigned)(p.nsm > 0 ? p.nsm : 132);
        if (contig) k_block<OP, DT, true><<<grid < cap ? grid : cap, LNPC_RED_BLOCK, 0, s>>>(p);
        else k_block<OP, DT, false><<<grid < cap ? grid : cap, LNPC_RED_BLOCK, 0, s>>>(p);
      }
      if (mode == LM_SPLIT) { /* the same pieces, one block per output */
        Params p2 = p;
        int64_t b = 0;
        for (int i = 0; i < p.npieces; i++) {
          p2.blk0[i] = b;
          b += p.w[p.off[i] + R_NP];
        }
        p2.blk0[p.npieces] = b;
        k_combine<OP, DT><<<(unsigned)b, LNPC_RED_BLOCK, 0, s>>>(p2);
      }
      return;
    }
  }
  if constexpr (op_kind(OP) != 'C' && has_seq<OP, DT, ODT>()) {
    if (mode == LM_SEQ) {
      k_seq<OP, DT, ODT><<<grid, tpb, tpb == LNPC_CP_LANES ? LNPC_CP_BYTES : 0, s>>>(p);
      return;
    }
  }
  (void)mode;
  k_thread<OP, DT, ODT><<<grid, tpb, 0, s>>>(p);
}

/* bytes of a partial (PartT) of (op, loop dtype), for the host */
template <int DT> constexpr int part_size_dt(int op)
{
  return op_kind(op) == 'R'                                  ? (int)sizeof(ArgV<DT>)
         : red_of(op) == RED_SUM && dt_ek(DT) != 'i' && dt_ek(DT) != 'u' && dt_ek(DT) != 'b' ? (int)sizeof(SumT<DT>)
                                                             : (int)sizeof(CT<DT>);
}

template <int UNIT> struct OpPart {
  template <int I> static constexpr launch_fn entry()
  {
    constexpr int OP = I / LNP_NTYPES, DT = I % LNP_NTYPES;
    if constexpr (op_unit(OP) != UNIT || op_kind(OP) == 'C' || !has_kernel(OP, DT)) return nullptr;
    else return &launch<OP, DT, out_dt(OP, DT)>;
  }
  template <int... I> static constexpr std::array<launch_fn, sizeof...(I)> make(std::integer_sequence<int, I...>)
  {
    return {{entry<I>()...}};
  }
  static launch_fn get(int op, int dt)
  {
    static constexpr std::array<launch_fn, LNP_NOPS * LNP_NTYPES> table =
        make(std::make_integer_sequence<int, LNP_NOPS * LNP_NTYPES>{});
    if (op < 0 || op >= LNP_NOPS || dt < 0 || dt >= LNP_NTYPES) return nullptr;
    return table[(size_t)op * LNP_NTYPES + dt];
  }
};
template <int = 0> struct CastPart { /* a template: nothing is instantiated unless used */
  template <int... I> static constexpr std::array<launch_fn, sizeof...(I)> make(std::integer_sequence<int, I...>)
  {
    return {{&launch<LNP_OP_COPY, I / LNP_NTYPES, I % LNP_NTYPES>...}};
  }
  static launch_fn get(int din, int dout)
  {
    static constexpr std::array<launch_fn, LNP_NTYPES * LNP_NTYPES> table =
        make(std::make_integer_sequence<int, LNP_NTYPES * LNP_NTYPES>{});
    if (din < 0 || din >= LNP_NTYPES || dout < 0 || dout >= LNP_NTYPES) return nullptr;
    return table[(size_t)din * LNP_NTYPES + dout];
  }
};

} /* namespace */

#endif
