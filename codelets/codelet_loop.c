/* The generic loop's codelet, lnp_cl_loop (see codelets.h, loop.h): its CPU
 * function (loop_cpu.c's iterator on the task's tiles), its CUDA function
 * (loop_cuda.cu), where it may run, and its history-based perfmodel. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <limits.h>
#include <stdlib.h>

#include "../data-interfaces/nd_interface.h"
#ifdef LNP_HAVE_CUDA
#include "loop_cuda.h"
#endif

void lnp_loop_cpu_run(void *descr[], unsigned nb, const lnp_loop_desc *d, size_t arg_size)
{
  lnp_codelets_count_loops(0, 1);
  if (!lnp_loop_desc_valid(d, arg_size, nb)) {
    lnp_codelets_report("malformed loop task descriptor");
    return;
  }
  void *stack_ptrs[64];
  void **ptrs = nb <= 64 ? stack_ptrs : malloc(sizeof(void *) * nb);
  if (!ptrs) {
    lnp_codelets_report("out of memory in a %s task", lnp_op_name(d->op));
    return;
  }
  for (unsigned i = 0; i < nb; i++) ptrs[i] = LNP_ND_GET_PTR(descr[i]);
  int nthreads = lnp_cpu_task_threads();
  if (nthreads < 1) nthreads = 1;
  if (lnp_loop_execute(d, ptrs, nthreads) != 0)
    lnp_codelets_report("invalid %s loop task (%s -> %s)", lnp_op_name(d->op),
            lnp_dtype_name(d->dtype_in), lnp_dtype_name(d->dtype_out));
  if (ptrs != stack_ptrs) free(ptrs);
}

static void lnp_loop_cpu(void *descr[], void *cl_arg)
{
  struct starpu_task *task = starpu_task_get_current();
  lnp_loop_cpu_run(descr, STARPU_TASK_GET_NBUFFERS(task), cl_arg, task->cl_arg_size);
}

uint32_t lnp_loop_desc_footprint(const lnp_loop_desc *d)
{
  uint64_t total = 0;
  for (int p = 0; p < d->npieces; p++) {
    const int64_t *shape = lnp_loop_piece(d, p);
    uint64_t sz = 1;
    for (int i = 0; i < d->ndim; i++) sz *= (uint64_t)shape[i];
    total += sz;
  }
  uint32_t h = starpu_hash_crc32c_be((uint32_t)d->op, 0);
  h = starpu_hash_crc32c_be((uint32_t)d->dtype_in, h);
  h = starpu_hash_crc32c_be((uint32_t)d->dtype_out, h);
  return starpu_hash_crc32c_be_n(&total, sizeof total, h);
}

static uint32_t lnp_loop_footprint(struct starpu_task *task) { return lnp_loop_desc_footprint(task->cl_arg); }

int lnp_codelets_may_run(unsigned workerid, struct starpu_task *task, int cuda_ok)
{
  cuda_ok = cuda_ok && lnp_codelets_fits_gpu(task);
  return lnp_codelets_is_cuda_worker(workerid) ? cuda_ok : !(lnp_codelets_gpu_only() && cuda_ok);
}

static struct starpu_perfmodel lnp_loop_model = {
    .type = STARPU_HISTORY_BASED,
    .symbol = "lnp_loop",
    .footprint = lnp_loop_footprint,
};

#ifdef LNP_HAVE_CUDA
/* CUDA workers take only the op/dtype combinations that have a CUDA kernel
 * (loop_cuda.cu); StarPU runs the others on the CPU implementation.  In
 * GPU-only placement the CPU workers take nothing else. */
static int lnp_loop_can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
  (void)nimpl;
  const lnp_loop_desc *d = task->cl_arg;
  const int cuda_ok = lnp_loop_desc_valid(d, task->cl_arg_size, STARPU_TASK_GET_NBUFFERS(task)) &&
                      lnp_loop_cuda_supported(d);
  return lnp_codelets_may_run(workerid, task, cuda_ok);
}

void lnp_loop_cuda_counted_run(void *descr[], unsigned nb, const lnp_loop_desc *d, size_t arg_size)
{
  lnp_codelets_count_loops(1, 1);
  lnp_loop_cuda_run(descr, nb, d, arg_size);
}

static void lnp_loop_cuda_counted(void *descr[], void *cl_arg)
{
  struct starpu_task *task = starpu_task_get_current();
  lnp_loop_cuda_counted_run(descr, STARPU_TASK_GET_NBUFFERS(task), cl_arg, task->cl_arg_size);
}
#endif

int lnp_loop_batchable(const lnp_loop_desc *d, size_t arg_size, int nbufs)
{
  if (!lnp_loop_desc_valid(d, arg_size, (unsigned)nbufs)) return 0;
#ifdef LNP_HAVE_CUDA
  if (starpu_cuda_worker_get_count() > 0) return lnp_loop_cuda_supported(d);
#endif
  return 1;
}

struct starpu_codelet lnp_cl_loop = {
    .type = STARPU_FORKJOIN,
    .max_parallelism = INT_MAX,
#ifdef LNP_HAVE_CUDA
    .where = STARPU_CPU | STARPU_CUDA,
    .can_execute = lnp_loop_can_execute,
    .cuda_funcs = {lnp_loop_cuda_counted},
    .cuda_flags = {STARPU_CUDA_ASYNC},
#else
    .where = STARPU_CPU,
#endif
    .cpu_funcs = {lnp_loop_cpu},
    .nbuffers = STARPU_VARIABLE_NBUFFERS,
    .model = &lnp_loop_model,
    .name = "lnp_loop",
};

