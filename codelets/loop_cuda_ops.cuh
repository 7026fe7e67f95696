/* The CUDA loop kernels' vocabulary (see loop_cuda_kernels.cuh): the launch
 * parameter block, each op's facts as compile-time functions of the op
 * table (op_table.h), the storage and compute types of each dtype, and the
 * element operations, which are elem.h's, chosen per op and dtype kind. */
#ifndef LNP_LOOP_CUDA_OPS_CUH
#define LNP_LOOP_CUDA_OPS_CUH

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
#define LNPC_COLSPLIT_THREADS 2048 /* threads per SM a column split aims at (k_colsplit) */
#define LNPC_COLSPLIT_MIN_RUN 4096 /* outer runs at least this long are split */
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
  uint32_t fp_gen;   /* this launch's number (lnp_fp_block_report) */
  unsigned char *fp; /* fpe ops: the slot's flag bytes in mapped host memory (loop.h), else NULL */
  unsigned *fp_any;  /* the device's word that announces them */
  int32_t fp_slot;
  int32_t pad_;
  int64_t w[LNPC_MAXW];
};

/* launch modes: k_thread (elementwise, tpb threads a block), k_block (one
 * block per run), k_block over chunks of runs writing partials + k_combine,
 * k_seq (one thread per output of pieces with S dims, tpb a block) */
enum { LM_THREAD = 0, LM_BLOCK = 1, LM_SPLIT = 2, LM_SEQ = 3, LM_COLSPLIT = 4, LM_CONTIG = 16 /* | k_block: contiguous runs */ };
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
launch_fn part_random(int op, int dt);
launch_fn part_umath(int op, int dt);
launch_fn part_cast(int din, int dout); /* COPY: every dtype pair */
} /* namespace lnpc */

namespace {
using lnpc::launch_fn;
using lnpc::Params;
using lnpc::LM_BLOCK;
using lnpc::LM_COLSPLIT;
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
/* the fpe column: the op reports its floating-point status */
#define LNPC_FPE(NAME, UF, NIN, KIND, UNIT, CPU, GPU, FOLD, TREE, IDENT, UREDUCE, FUSE, ULP, FPE) \
  case LNP_OP_##NAME: return FPE;
LNPC_COLUMN(op_fpe, int, LNPC_FPE)
/* per slot, the launch (fp_gen) and flags its blocks reported already */
__device__ unsigned lnp_fp_seen[LNP_FP_SLOTS];
/* how a kernel derives an op's status (elem_device.h lnp_fpc) */
HD constexpr int fpc_cls(int op)
{
  return (op_nin(op) == 1 || op == LNP_OP_COPY ? LNP_FPC_UNARY : 0) |
#define LNPC_TINY(NAME) (op == LNP_OP_##NAME) ||
         (LNP_FPC_TINY_OPS(LNPC_TINY) false ? LNP_FPC_TINY : 0) |
         (LNP_FPC_POLE_OPS(LNPC_TINY) false ? LNP_FPC_POLE : 0);
#undef LNPC_TINY
}
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
enum { U_cast, U_unary, U_arith, U_minmax, U_logic, U_arg, U_random, U_umath };
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
  if constexpr (K == 'h') return LNP_CAT(LNP_E_##NAME##_, LNP_HALF_EK(NAME)) ARGS; \
  else if constexpr (K == 'b') return LNP_E_##NAME##_b ARGS;                   \
  else if constexpr (K == 'i') return LNP_E_##NAME##_i ARGS;                   \
  else if constexpr (K == 'u') return LNP_E_##NAME##_u ARGS;                   \
  else if constexpr (K == 'f') return LNP_E_##NAME##_f ARGS;                   \
  else return LNP_E_##NAME##_c ARGS;
#define LNPC_IF_OP(NAME, ARGS) else if constexpr (OP == LNP_OP_##NAME) { LNPC_EK_CALL(NAME, ARGS) }
#define LNPC_NONE(NAME, ARGS)

/* the class of an op's (kind, arity): unary element op, binary element op,
 * arg-reduction step, other (casts, where, generators) */
#define LNPC_CLS_S1 UN
#define LNPC_CLS_A1 UN
#define LNPC_CLS_P1 UN
#define LNPC_CLS_S2 BI
#define LNPC_CLS_P2 BI
#define LNPC_CLS_R1 AR
#define LNPC_CLS_R2 AR
#define LNPC_CLS_C1 NO
#define LNPC_CLS_W3 NO
#define LNPC_CLS_G0 NO
#define LNPC_PASTE_(a, b) a##b
#define LNPC_PASTE(a, b) LNPC_PASTE_(a, b)
/* a branch of dispatcher D for each op of class CLS, calling with ARGS */
#define LNPC_BRANCH(D, CLS, NAME, KIND, NIN, ARGS) LNPC_PASTE(LNPC_PASTE(D, LNPC_CLS_##KIND##NIN), _##CLS)(NAME, ARGS)
#define LNPC_F1_UN_UN LNPC_IF_OP
#define LNPC_F1_BI_UN LNPC_NONE
#define LNPC_F1_AR_UN LNPC_NONE
#define LNPC_F1_NO_UN LNPC_NONE
#define LNPC_F2_UN_BI LNPC_NONE
#define LNPC_F2_BI_BI LNPC_IF_OP
#define LNPC_F2_AR_BI LNPC_NONE
#define LNPC_F2_NO_BI LNPC_NONE
#define LNPC_AR_UN_AR LNPC_NONE
#define LNPC_AR_BI_AR LNPC_NONE
#define LNPC_AR_AR_AR LNPC_IF_OP
#define LNPC_AR_NO_AR LNPC_NONE

/* lnp_aux: PF_* flags of the launch (unary), the fmax/fmin bits (binary) */
#define LNPC_F1(NAME, UF, NIN, KIND, ...) LNPC_BRANCH(LNPC_F1_, UN, NAME, KIND, NIN, (a))
template <int OP, int DT, int ODT = out_dt(OP, DT)> DI CT<ODT> f1(CT<DT> a, int lnp_aux)
{
  constexpr char K = dt_kind(DT); /* h: LNPC_EK_CALL picks by LNP_HALF_EK */
  (void)lnp_aux;
  if constexpr (false) {
  }
  LNP_OP_TABLE(LNPC_F1)
  else static_assert(dependent_false<OP>, "not a unary op");
}

#define LNPC_F2(NAME, UF, NIN, KIND, ...) LNPC_BRANCH(LNPC_F2_, BI, NAME, KIND, NIN, (a, b))
template <int OP, int DT, int ODT = out_dt(OP, DT)> DI CT<ODT> f2(CT<DT> a, CT<DT> b, int lnp_aux)
{
  constexpr char K = dt_kind(DT); /* h: LNPC_EK_CALL picks by LNP_HALF_EK */
  (void)lnp_aux;
  if constexpr (false) {
  }
  LNP_OP_TABLE(LNPC_F2)
  else static_assert(dependent_false<OP>, "not a binary op");
}

/* arg-reduction steps: does candidate v at index k beat the current m at j? */
#define LNPC_AR(NAME, UF, NIN, KIND, ...) LNPC_BRANCH(LNPC_AR_, AR, NAME, KIND, NIN, (v, k, m, j))
template <int OP, int DT> DI bool beats(CT<DT> v, int64_t k, CT<DT> m, int64_t j)
{
  constexpr char K = dt_ek(DT);
  if constexpr (false) {
  }
  LNP_OP_TABLE(LNPC_AR)
  else static_assert(dependent_false<OP>, "not an arg-reduction");
}
} /* namespace */

#endif
