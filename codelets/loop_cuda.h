/* CUDA implementation of the generic strided loop (loop.h), in loop_cuda*.cu.
 *
 * Same semantics as the CPU kernels, element for element: both compile the
 * op catalogue's element operations (op_table.h, elem.h), with float16
 * computed in float, and the casts of loop_cpu.c
 * (float -> integer as x86's scalar conversions), and reductions in the CPU's
 * order (float add sums each reduced run pairwise exactly as NumPy's
 * pairwise_sum, other non-associative reductions fold sequentially).  Only
 * functions of a math library (the op table's ulp column: exp, log, sin,
 * pow, complex functions ...) come from CUDA's libdevice instead of glibc and may differ
 * in the last bits, and NaN payloads differ.  Complex arcsin/arccos/arctan
 * have no CUDA kernel (the CPU runs them).  See loop_cuda_kernels.cuh.
 *
 * Only built when CMake finds nvcc (LNP_HAVE_CUDA). */
#ifndef LNP_LOOP_CUDA_H
#define LNP_LOOP_CUDA_H

#include "loop.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if the descriptor's op/dtype combination has a CUDA kernel (and is well
 * formed enough to run), else 0: the codelet's can_execute then keeps the
 * task off CUDA workers and StarPU runs the CPU implementation. */
int lnp_loop_cuda_supported(const lnp_loop_desc *d);

/* Run a loop descriptor on the current CUDA device, asynchronously on
 * `stream` (a cudaStream_t; NULL = the legacy default stream).  bufptrs[i] is
 * the device address of task buffer i (a compact C-order tile).  The
 * descriptor is read on the host during the call only (the pieces travel as
 * kernel parameters), so it may be freed as soon as this returns.  Nothing
 * is synchronised; device memory is allocated only once per stream (the
 * scratch of split reductions, see lnp_loop_cuda_worker_init), never from
 * a StarPU task.  Returns 0, -1 for an invalid or unsupported descriptor,
 * -2 if a kernel launch failed. */
int lnp_loop_cuda_launch(const lnp_loop_desc *d, void *const *bufptrs, int nbuffers, void *stream);

/* Called once on each CUDA worker thread after starpu_init (codelets.c),
 * e.g. through starpu_execute_on_each_worker(..., STARPU_CUDA): allocates
 * the worker's device scratch (4 MiB, for the partial results of
 * reductions split over many blocks), keyed by the worker's stream
 * (starpu_cuda_get_local_stream) and device, so that tasks never allocate.
 * Tasks of a worker without scratch still run, each reduced run by one
 * block.  Outside StarPU, lnp_loop_cuda_launch allocates the scratch of a
 * stream itself on first use.  Returns 0 on success. */
int lnp_loop_cuda_worker_init(void);

/* Device dev's LNP_FP_DEV_BYTES of the mapped host memory where kernels
 * report floating-point status (loop.h), NULL if there is none; and a new
 * launch number for lnp_fp_block_report (elem_device.h). */
unsigned char *lnp_loop_cuda_fp_area(int dev);
unsigned lnp_loop_cuda_fp_gen(void);

/* The StarPU CUDA implementation of lnp_cl_loop (STARPU_CUDA_ASYNC: launches
 * on starpu_cuda_get_local_stream()). */
void lnp_loop_cuda(void *descr[], void *cl_arg);
/* The same for one loop of a batch (codelets/batch.c): nb buffers, the
 * descriptor of arg_size bytes. */
void lnp_loop_cuda_run(void *descr[], unsigned nb, const lnp_loop_desc *d, size_t arg_size);

#ifdef __cplusplus
}
#endif

#endif
