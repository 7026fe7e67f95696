/* The generic strided loop: the one task format behind every elementwise
 * operation, cast, fill, generator (arange, eye) and reduction step.
 *
 * A task gets a list of "pieces".  A piece is an N-D box of the iteration
 * space; for each operand it names the task buffer (a tile) that holds it, the
 * element offset of the box's first element inside that tile, and a stride per
 * loop dimension (in elements; 0 = broadcast, negative = reversed view).  The
 * launcher (numpy/launch.c) cuts the iteration space so that every operand of a
 * piece lies inside one tile: shifted stencil views simply give more pieces.
 *
 * A reduction is the same loop with the output also passed as the first input
 * and stride 0 along the reduced dimensions (as NumPy's reduce runs the binary
 * ufunc loop with an aliased in/out), so `add` is both `a + b` and `sum`.
 *
 * Layout of the task argument (cl_arg), all little int64 words after the
 * header:  lnp_loop_desc, then npieces x { shape[ndim], origin[ndim],
 * nops x { buf, offset, stride[ndim] } }.  Use the helpers below. */
#ifndef LNP_LOOP_H
#define LNP_LOOP_H

#include <stddef.h>
#include <stdint.h>
#include "../data-interfaces/dtypes.h"
#include "op_info.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LNP_MAXSCALARS 4

/* Operand is a scalar in desc->scalars[k] when buf == LNP_BUF_SCALAR(k)
 * (its strides are then all 0). */
#define LNP_BUF_SCALAR(k) (-1 - (int64_t)(k))

/* The ops and their kinds (S, P, A, C, W, G, R) are the op table's
 * (op_table.h, op_info.h).
 *
 * Generators and arg-reductions see the element index
 *   idx = sum_d (origin[d] + i[d]) * index_mult[d]
 * ARANGE: out = scalars[0] + idx * scalars[1]   (computed in dtype_out)
 * EYE:    out = (idx == scalars[0].i64)          (index_mult = {-1, +1}: j - i == k)
 * ARGMAX_ACC / ARGMIN_ACC: idx additionally starts at scalars[0].i64 (the
 *   offset of a sub-view launched alone), operands (out_val, out_idx, in): where in beats
 *   out_val (NaN beats everything, ties keep the smaller index), store
 *   in and idx.  out_val/out_idx must be initialised (launcher fills them).
 * ARG*_COMBINE: operands (out_val, out_idx, in_val, in_idx): same rule with
 *   the candidate's index read from in_idx instead of computed. */

typedef struct lnp_loop_desc {
  int32_t op;        /* lnp_op */
  int32_t dtype_in;  /* loop input dtype (the value dtype for WHERE) */
  int32_t dtype_out; /* output dtype (int64 idx for R ops is implied) */
  int32_t ndim;      /* loop dimensions, 0..LNP_MAXDIM */
  int32_t nops;      /* operands: output(s) first, then inputs */
  int32_t npieces;
  int32_t nbuffers;  /* task buffers referenced (for checking) */
  int32_t fp_slot;   /* where the loop's floating-point status goes (below) */
  lnp_scalar scalars[LNP_MAXSCALARS];
  int64_t index_mult[LNP_MAXDIM];
  /* int64_t words[] follow: the pieces */
} lnp_loop_desc;

/* Number of int64 words of one piece. */
static inline size_t lnp_piece_words(int ndim, int nops)
{
  return (size_t)ndim * 2 + (size_t)nops * (2 + (size_t)ndim);
}
static inline size_t lnp_loop_desc_size(int ndim, int nops, int npieces)
{
  return sizeof(lnp_loop_desc) + sizeof(int64_t) * lnp_piece_words(ndim, nops) * (size_t)npieces;
}
static inline int64_t *lnp_loop_piece(const lnp_loop_desc *d, int p)
{
  return (int64_t *)(d + 1) + lnp_piece_words(d->ndim, d->nops) * (size_t)p;
}
/* Inside a piece: shape = w[0..ndim), origin = w[ndim..2ndim),
 * operand k: buf = o[0], offset = o[1], strides = o[2..2+ndim) with
 * o = w + 2*ndim + k*(2+ndim). */
static inline int64_t *lnp_piece_operand(int64_t *piece, int ndim, int k)
{
  return piece + 2 * (size_t)ndim + (size_t)k * (2 + (size_t)ndim);
}

/* A task's descriptor is sane: the raw cl_arg (STARPU_CL_ARGS) of exactly
 * its own size, referencing no more buffers than the task has.  Both the CPU
 * and the CUDA implementation check it before running. */
static inline int lnp_loop_desc_valid(const lnp_loop_desc *d, size_t arg_size, unsigned nbuffers)
{
  return d && arg_size >= sizeof *d && d->ndim >= 0 && d->ndim <= LNP_MAXDIM && d->nops >= 0 &&
         d->nops <= 4 && d->npieces >= 0 &&
         arg_size == lnp_loop_desc_size(d->ndim, d->nops, d->npieces) && (unsigned)d->nbuffers <= nbuffers;
}

/* 1 if there is a kernel for op with these dtypes, else 0.  The launcher
 * checks this before submitting so that an unsupported combination becomes a
 * TypeError, never a task failure. */
int lnp_loop_supported(int op, int dtype_in, int dtype_out);

/* Floating-point status, NumPy's bits (UFUNC_FPE_*): a host loop of an op
 * whose table row has fpe=1 collects its threads' status flags and ORs
 * them into slot desc->fp_slot (0 <= slot < LNP_FP_SLOTS; the launcher
 * sets it: the op's number, or a tag the Python layer chose for the call,
 * which knows the call's ufunc name and np.errstate).  Integer
 * floor_divide/remainder by zero raise the divide flag as NumPy's do. */
enum { LNP_FP_DIVIDE = 1, LNP_FP_OVERFLOW = 2, LNP_FP_UNDERFLOW = 4, LNP_FP_INVALID = 8 };
#define LNP_FP_SLOTS 4096
/* GPU kernels have no status flags: they derive them from operands and
 * results (elem_device.h lnp_fpc); these ops' tiny results are rounded, so
 * a subnormal or vanished result there is underflow (LNP_FPC_TINY). */
#define LNP_FPC_TINY_OPS(X)                                                     \
  X(COPY) X(MULTIPLY) X(TRUE_DIVIDE) X(SQUARE) X(RECIPROCAL) X(POWER) X(EXP) X(EXP2) X(LDEXP) X(DEG2RAD) \
  X(RADIANS) X(NEXTAFTER) X(FLOAT_POWER)
/* ...and these ops' infinities from finite operands are poles (NumPy's
 * divide-by-zero: arctanh(1), log1p(-1)), never overflow (LNP_FPC_POLE) */
#define LNP_FPC_POLE_OPS(X) X(ARCTANH) X(LOG1P)
/* Mapped host memory where GPU kernels report (elem_device.h
 * lnp_fp_block_report): per device LNP_FP_DEV_BYTES, one byte per flag per
 * slot, then the word that says a kernel wrote some.  The CUDA side
 * allocates it and hands it here; lnp_codelets_fp_take reads it. */
#define LNP_FP_DEV_BYTES (4 * LNP_FP_SLOTS + 64)
void lnp_loop_fp_device_area(unsigned char *area, int ndevices);
void lnp_loop_fp_record(int slot, unsigned flags);
/* The calling thread's floating-point status as LNP_FP_* bits, cleared. */
unsigned lnp_loop_fp_take_thread(void);

/* NumPy's own inner loop of a ufunc for one dtype (its
 * PyUFuncGenericFunction: inputs then outputs in args, npy_intp counts
 * and byte steps, the loop's data).  Registered for an op of kind S and
 * a dtype (the Python layer takes them from NumPy's ufunc objects at
 * start-up), the host loops call it instead of elem.h's element function
 * for that pair, except to accumulate into one element (a reduction's
 * run): NumPy's SIMD loops (SVML's exp, log, sin, ... under AVX-512) are
 * faster than libm's scalar calls and their results are NumPy's to the
 * bit.  fn NULL unregisters.  exact: our element function gives the same
 * values (IEEE arithmetic: add, multiply, sqrt, ...), so runs shorter than
 * LNP_NUMPY_LOOP_MIN_RUN keep ours: NumPy's call (dispatch, overlap checks)
 * costs more than a few dozen elements, and a column sum's rows are such
 * runs.  Returns 0, or -1 for a pair that is not of kind S or has no loop
 * of ours. */
typedef void (*lnp_numpy_loop_fn)(char **args, const intptr_t *dims, const intptr_t *steps, void *data);
int lnp_loop_use_numpy(int op, int dtype, lnp_numpy_loop_fn fn, void *data, int exact);
#define LNP_NUMPY_LOOP_MIN_RUN 128

/* The host inner loop of an elementwise op of kind S, A, C, P or W for these
 * dtypes (lnp_loop_execute's, NumPy's own where registered): n elements,
 * args[0] the output then the inputs, byte strides s[] (0: one value for
 * all); d gives the op and dtypes (a descriptor without pieces will do).
 * The CPU fusion executor (fuse_cpu.c) runs a group's ops block by block
 * through them, so fused results are the unfused loops' to the bit.  NULL
 * when there is none. */
typedef void (*lnp_cpu_inner_fn)(char **args, int64_t n, const int64_t *s, const lnp_loop_desc *d, int64_t idx0,
                                 int64_t idxs);
lnp_cpu_inner_fn lnp_loop_cpu_inner(int op, int dtype_in, int dtype_out);

/* Run a loop descriptor on the host.  bufptrs[i] is the base address of task
 * buffer i (a compact C-order tile).  nthreads > 1 splits the work with
 * OpenMP.  Returns 0, or -1 for an unsupported op/dtype combination. */
int lnp_loop_execute(const lnp_loop_desc *d, void *const *bufptrs, int nthreads);

#ifdef __cplusplus
}
#endif

#endif
