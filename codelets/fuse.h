/* Fusion of the elementwise loops of a batch (codelets/batch.c) into one
 * kernel.
 *
 * A batch holds consecutive loops; NumPy code such as
 *     p[1:-1, 1:-1] = ((pn[1:-1, 2:] + pn[1:-1, :-2]) * dy2 + ...) / k - c * b
 * gives one loop per operator, each writing a temporary that the next one
 * reads back: ~11 passes over the arrays where one would do.  A group of
 * consecutive loops over the same iteration space (same pieces, same
 * shapes) whose every tile is accessed at one mapping per written tile
 * becomes one program run per element: each input element is loaded once,
 * a temporary written and read at the same element is passed in a
 * register, and the store of a tile is dropped when the tile is dead after
 * the batch (its unregistration is pending: numpy/batch.c passes those
 * flags) and no later loop of the batch reads it.
 *
 * Legality.  One thread evaluates the whole program for one element index
 * (piece p, element e), so the program may only touch, in a written tile,
 * the element that this index maps to: every access of a tile that the
 * group writes must use the same mapping (the tile of each piece, the
 * element offset and the strides) as its write.  Reads of tiles that the
 * group never writes are free (stencils' shifted views of another array).
 * Outputs must not stand still (no reductions).  An in-place stencil
 * (u[1:-1] = u[:-2] + u[2:]) therefore splits before its final copy, which
 * stays a loop of its own.
 *
 * Results are bit-identical to the loops run one by one: only ops whose
 * CPU and CUDA kernels are plain IEEE arithmetic on float32/float64 fuse
 * (see lnp_fuse_op_ok), evaluated in the loop's own type, without FMA
 * contraction.
 *
 * The plan is host code (tested on the CPU, tests/c/test_fuse.c, and run by
 * the host interpreter lnp_fuse_run_host); fuse_codegen.c writes a group's
 * CUDA source and fuse_cuda.cu compiles it with NVRTC and launches it. */
#ifndef LNP_FUSE_H
#define LNP_FUSE_H

#include <stddef.h>
#include <stdint.h>

#include "loop.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LNP_FUSE_MAXPIECES 8
#define LNP_FUSE_MAXDIM 4      /* after dropping dims of extent 1 */
#define LNP_FUSE_MAXACC 32     /* distinct loads + stores (a 64-bit store mask) */
#define LNP_FUSE_MAXINST 128   /* loads, scalars and ops */
#define LNP_FUSE_MAXWORDS 480  /* int64 words of kernel parameters (< 4 KB) */

/* One loop of a batch: its descriptor and the batch buffer index of each
 * of the descriptor's buffers. */
typedef struct lnp_fuse_loop {
  const lnp_loop_desc *desc;
  const uint32_t *map;
  uint32_t nbuf;
} lnp_fuse_loop;

/* Where an access goes in each piece: batch buffer, element offset,
 * strides (elements) along the group's kept dims. */
typedef struct lnp_fuse_map {
  int32_t buf[LNP_FUSE_MAXPIECES];
  int64_t off[LNP_FUSE_MAXPIECES];
  int64_t str[LNP_FUSE_MAXPIECES][LNP_FUSE_MAXDIM];
} lnp_fuse_map;

typedef struct lnp_fuse_acc {
  int32_t store;  /* 0: a load, 1: a store */
  int32_t drop;   /* a store of a dead temporary: not done (a runtime mask
                   * in the kernel, so that the source does not depend on it) */
  int32_t dtype;
  int32_t value;  /* load: the instruction it feeds; store: the value stored */
  lnp_fuse_map map;
} lnp_fuse_acc;

enum { LNP_FI_LOAD, LNP_FI_SCALAR, LNP_FI_OP };

typedef struct lnp_fuse_inst {
  int32_t kind;   /* LNP_FI_* */
  int32_t op;     /* LNP_FI_OP: the lnp_op */
  int32_t dtype;  /* the value's dtype (the op's output dtype) */
  int32_t dtype_in; /* LNP_FI_OP: the operands' dtype */
  int32_t a, b;   /* LNP_FI_OP: operand values (b = -1 for unary ops); LNP_FI_LOAD: the access */
  double scalar;  /* LNP_FI_SCALAR (a float32 scalar widened exactly) */
  int32_t fp_slot; /* LNP_FI_OP: its loop's (loop.h), for the host run's floating-point status */
  int32_t c;      /* LNP_FI_OP of three operands (WHERE's y, CPU groups only) */
} lnp_fuse_inst;

typedef struct lnp_fuse_group {
  int host;              /* planned for the CPU executor (lnp_fuse_run_cpu): every elementwise
                          * float op with a host loop joins (lnp_fuse_op_ok_host); set by the
                          * caller before lnp_fuse_begin or lnp_fuse_group_at */
  int first, nloops;     /* the loops [first, first + nloops) of the batch */
  int ndim, npieces;     /* kept dims (>= 1) and pieces */
  int64_t shape[LNP_FUSE_MAXPIECES][LNP_FUSE_MAXDIM];
  int64_t origin[LNP_FUSE_MAXPIECES][LNP_FUSE_MAXDIM]; /* where each piece starts (the first loop's output
                                                        * index space), to relate other piece cuts */
  int ninst, nacc;
  int elided;            /* stores dropped (dead temporaries) */
  lnp_fuse_inst inst[LNP_FUSE_MAXINST];
  lnp_fuse_acc acc[LNP_FUSE_MAXACC];
} lnp_fuse_group;

/* LEGATE_NUMPY_FUSE: 0 off, 1 (default) wherever loops are batched (CUDA
 * workers; CPU workers in a process without GPUs), 2 ("all") also on CPU
 * workers beside GPUs.  CPU workers run groups through lnp_fuse_run_cpu.
 * Read by the planner at submission (numpy/batch.c) and by the batch
 * codelet. */
int lnp_fuse_mode(void);

/* 1 if op with these dtypes may be fused (plain IEEE float32/float64
 * arithmetic, copies and casts between them). */
int lnp_fuse_op_ok(int op, int dtype_in, int dtype_out);

/* The same for the CPU executor: op has a host inner loop of kind S (one
 * or two operands), A or C over float32/float64 (exp, log, power...
 * through NumPy's own loops where those are registered), a comparison of
 * them (kind P: a bool value) or a WHERE choosing between them. */
int lnp_fuse_op_ok_host(int op, int dtype_in, int dtype_out);

/* The group that starts at loop `first` of the batch's nloops loops.
 * dead[i] (nbufs entries, may be NULL) is 1 when batch buffer i is
 * unregistered after the batch.  Groups cover at least min_elems elements.
 * Returns the number of loops in the group: 1 when loop `first` runs alone
 * (g is then not filled), >= 2 for a fused group described by g. */
int lnp_fuse_group_at(const lnp_fuse_loop *loops, int nloops, int first, const uint8_t *dead, int nbufs,
                      int64_t min_elems, lnp_fuse_group *g);

/* The same, one loop at a time (numpy/batch.c keeps the open group of the
 * loops waiting for submission, so that a batch is never cut inside a
 * group): begin a group with loop L (the batch's loop `first`): 1, or 0
 * if L cannot be fused at all; extend it with the next loop: 1, or 0 (g
 * unchanged) if L cannot join. */
int lnp_fuse_begin(lnp_fuse_group *g, const lnp_fuse_loop *L, int first);
int lnp_fuse_extend(lnp_fuse_group *g, const lnp_fuse_loop *L);

/* Run a group on host buffers (bufptrs[i]: batch buffer i's base address),
 * element by element: the reference the GPU kernel is tested against, and
 * what CPU workers run when fusion is forced on them (LEGATE_NUMPY_FUSE=all). */
void lnp_fuse_run_host(const lnp_fuse_group *g, void *const *bufptrs);

/* Run a group on a CPU worker, block by block: each op runs over a block
 * of a row (a few KB, in cache) through its host inner loop
 * (lnp_loop_cpu_inner), reading loads in place and writing a block buffer;
 * then the block's stores.  nthreads > 1 (a group worker's, see
 * lnp_cpu_task_threads) splits a piece's blocks into that many contiguous
 * ranges run by OpenMP threads.  Returns 0, or -1 when nothing ran (an op
 * without a host loop, out of memory): run the loops one by one; -2 when a
 * thread ran out of memory after others ran. */
int lnp_fuse_run_cpu(const lnp_fuse_group *g, void *const *bufptrs, int nthreads);

/* The CUDA source of a group's kernel (extern "C" lnp_fused(params, piece)),
 * NUL-terminated in buf; returns its length, or the size needed when it does
 * not fit.  Two groups with the same source take the same parameters, laid
 * out by lnp_fuse_params: the source is the kernel cache's key. */
size_t lnp_fuse_cuda_source(const lnp_fuse_group *g, char *buf, size_t size);
/* elem_device.h and elem.h (real floats only) as one text, the header
 * "lnp_elem.h" that the generated source includes (made by the build:
 * codelets/embed_source.cmake) */
extern const char lnp_elem_device_source[];
/* The kernel parameter words of a group (per piece: shape, then per access
 * base address, offset and strides; then the scalars' bits; then the
 * floating-point report's words (lnp_fuse_inst_fpc; fp_area: the device's
 * LNP_FP_DEV_BYTES of mapped host memory, loop.h, or NULL: no report);
 * then the mask of the accesses whose stores are done); returns the
 * number of words (<= LNP_FUSE_MAXWORDS), or -1 if a buffer is missing. */
int lnp_fuse_params(const lnp_fuse_group *g, void *const *bufptrs, unsigned char *fp_area, unsigned fp_gen,
                    int64_t *words);
/* The number of those words; *scalars_at (may be NULL): where the scalars
 * start (the store mask is the last word). */
int lnp_fuse_param_words(const lnp_fuse_group *g, int *scalars_at);
/* How the kernel derives an instruction's floating-point status
 * (elem_device.h lnp_fpc: LNP_FPC_UNARY 1, LNP_FPC_TINY 2), or -1 when it
 * reports none (not an op, an op whose fpe column is 0, a widening cast).
 * Those that report take two parameter words after the scalars (their
 * slot's flag bytes in the device's mapped host memory, the slot), after
 * two for the group (the device's report word, the launch's number). */
#define LNP_FUSE_FPC_UNARY 1
#define LNP_FUSE_FPC_TINY 2
int lnp_fuse_inst_fpc(const lnp_fuse_inst *in);

/* Compile (once per source, NVRTC) and launch a group on the current GPU,
 * asynchronously on stream (fuse_cuda.cu).  bufptrs: device addresses.
 * A kernel not compiled yet is compiled in place (LEGATE_NUMPY_FUSE_ASYNC=1:
 * by a background thread, the loops running one by one meanwhile).
 * Compiled kernels are also kept on disk (~/.cache/legate-numpy/fused/).
 * Returns 0, -1 if nothing ran (no NVRTC, not compiled yet, the compile
 * failed: run the loops instead), -2 if a launch failed after some pieces
 * ran. */
int lnp_fuse_cuda_launch(const lnp_fuse_group *g, void *const *bufptrs, void *stream);
/* Compile g's kernel for sm_<arch> without a GPU (tests): 1 if NVRTC
 * compiled it, 0 if it failed (the log goes to stderr), -1 without NVRTC. */
int lnp_fuse_cuda_compiles(const lnp_fuse_group *g, int arch);
/* Stop the compile thread and unload the kernels (runtime shutdown). */
void lnp_fuse_cuda_shutdown(void);

#ifdef __cplusplus
}
#endif

#endif
