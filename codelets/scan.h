/* The scan task: inclusive scans (cumsum, cumprod, ufunc.accumulate) of the
 * catalogue's associative binary ops along one loop dimension.
 *
 * The task argument is the generic loop's descriptor (loop.h) with
 *   op          the binary op (a row of op_table.h that LNP_SCAN_OP accepts)
 *   dtype_in    == dtype_out: the accumulation dtype
 *   nops        2: (out, in), or 3: (out, in, carry)
 *   scalars[0]  .i64: the scan dimension s, 0 <= s < ndim
 * Along s, out[0] = op(carry, in[0]) (in[0] without a carry) and
 * out[i] = op(out[i-1], in[i]); the carry operand has stride 0 along s.
 * A piece whose origin along s is not 0 continues the scan of the piece
 * before it in the same output tile: its carry is the output element just
 * before it (so an input cut into several tiles inside one output tile
 * scans as one run; the launcher orders a task's pieces along s).  numpy/
 * scan.c launches one scan per output tile along s, from origin 0, and
 * feeds each tile the combined totals of the tiles before it as carry.
 *
 * The scanning ops are the binary ops whose fold is associative (tree
 * column not NO) and whose .reduce is native (it has a seed): add,
 * multiply, maximum, minimum, bitwise and/or/xor, logical and/or. */
#ifndef LNP_SCAN_H
#define LNP_SCAN_H

#include "loop.h"

#ifdef __cplusplus
extern "C" {
#endif

/* LNP_AND(a, b): 1 if both expand to 1 (for tables, with LNP_IF) */
#define LNP_AND(a, b) LNP_AND_(a, b)
#define LNP_AND_(a, b) LNP_AND_##a##b
#define LNP_AND_00 0
#define LNP_AND_01 0
#define LNP_AND_10 0
#define LNP_AND_11 1

/* LNP_SCAN_OP(nin, kind, tree, ureduce) of an op table row: 1 if it scans */
#define LNP_SCAN_OP(NIN, KIND, TREE, UREDUCE) LNP_AND(LNP_SCAN_SHAPE_##KIND##NIN, LNP_SCAN_TREE_##TREE##_##UREDUCE)
#define LNP_SCAN_SHAPE_S1 0
#define LNP_SCAN_SHAPE_S2 1
#define LNP_SCAN_SHAPE_P1 0
#define LNP_SCAN_SHAPE_P2 1
#define LNP_SCAN_SHAPE_A1 0
#define LNP_SCAN_SHAPE_C1 0
#define LNP_SCAN_SHAPE_W3 0
#define LNP_SCAN_SHAPE_G0 0
#define LNP_SCAN_SHAPE_R1 0
#define LNP_SCAN_SHAPE_R2 0
#define LNP_SCAN_TREE_ANY_1 1
#define LNP_SCAN_TREE_INTLIKE_1 1
#define LNP_SCAN_TREE_BOOL_1 1
#define LNP_SCAN_TREE_NO_1 0
#define LNP_SCAN_TREE_ANY_0 0
#define LNP_SCAN_TREE_INTLIKE_0 0
#define LNP_SCAN_TREE_BOOL_0 0
#define LNP_SCAN_TREE_NO_0 0

/* 1 if op scans in dtype on the CPU (every scan task can run there). */
int lnp_scan_supported(int op, int dtype);
/* Run a scan descriptor on the host (bufptrs: the task's tiles); nthreads
 * OpenMP threads.  0, or -1 for a malformed descriptor. */
int lnp_scan_execute(const lnp_loop_desc *d, void *const *bufptrs, int nthreads);

#ifdef LNP_HAVE_CUDA
/* 1 if the CUDA kernel takes the task; run it on the worker's stream. */
int lnp_scan_cuda_supported(const lnp_loop_desc *d);
void lnp_scan_cuda_run(void *descr[], unsigned nb, const lnp_loop_desc *d, size_t arg_size);
#endif

#ifdef __cplusplus
}
#endif

#endif
