/* The scan codelet, lnp_cl_scan (scan.h): its CPU function (scan_cpu.c on
 * the task's tiles), its CUDA function (scan_cuda.cu), where it may run, and
 * its history-based perfmodel. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <limits.h>
#include <stdlib.h>

#include "../data-interfaces/nd_interface.h"
#include "scan.h"

static void lnp_scan_cpu(void *descr[], void *cl_arg)
{
  struct starpu_task *task = starpu_task_get_current();
  const unsigned nb = STARPU_TASK_GET_NBUFFERS(task);
  const lnp_loop_desc *d = cl_arg;
  lnp_codelets_count_loops(0, 1);
  if (!lnp_loop_desc_valid(d, task->cl_arg_size, nb)) {
    lnp_codelets_report("malformed scan task descriptor");
    return;
  }
  void *stack_ptrs[8];
  void **ptrs = nb <= 8 ? stack_ptrs : malloc(sizeof(void *) * nb);
  if (!ptrs) {
    lnp_codelets_report("out of memory in a %s scan task", lnp_op_name(d->op));
    return;
  }
  for (unsigned i = 0; i < nb; i++) ptrs[i] = LNP_ND_GET_PTR(descr[i]);
  int nthreads = lnp_cpu_task_threads();
  if (nthreads < 1) nthreads = 1;
  if (lnp_scan_execute(d, ptrs, nthreads) != 0)
    lnp_codelets_report("invalid %s scan task (%s)", lnp_op_name(d->op), lnp_dtype_name(d->dtype_in));
  if (ptrs != stack_ptrs) free(ptrs);
}

/* the loop's footprint (op, dtypes, elements), and carry or not */
static uint32_t lnp_scan_footprint(struct starpu_task *task)
{
  const lnp_loop_desc *d = task->cl_arg;
  return starpu_hash_crc32c_be((uint32_t)d->nops, lnp_loop_desc_footprint(d));
}

static struct starpu_perfmodel lnp_scan_model = {
    .type = STARPU_HISTORY_BASED,
    .symbol = "lnp_scan",
    .footprint = lnp_scan_footprint,
};

#ifdef LNP_HAVE_CUDA
static int lnp_scan_can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
  (void)nimpl;
  const lnp_loop_desc *d = task->cl_arg;
  const int cuda_ok =
      lnp_loop_desc_valid(d, task->cl_arg_size, STARPU_TASK_GET_NBUFFERS(task)) && lnp_scan_cuda_supported(d);
  return lnp_codelets_may_run(workerid, task, cuda_ok);
}

static void lnp_scan_cuda(void *descr[], void *cl_arg)
{
  struct starpu_task *task = starpu_task_get_current();
  lnp_codelets_count_loops(1, 1);
  lnp_scan_cuda_run(descr, STARPU_TASK_GET_NBUFFERS(task), cl_arg, task->cl_arg_size);
}
#endif

struct starpu_codelet lnp_cl_scan = {
    .type = STARPU_FORKJOIN,
    .max_parallelism = INT_MAX,
#ifdef LNP_HAVE_CUDA
    .where = STARPU_CPU | STARPU_CUDA,
    .can_execute = lnp_scan_can_execute,
    .cuda_funcs = {lnp_scan_cuda},
    .cuda_flags = {STARPU_CUDA_ASYNC},
#else
    .where = STARPU_CPU,
#endif
    .cpu_funcs = {lnp_scan_cpu},
    .nbuffers = STARPU_VARIABLE_NBUFFERS,
    .model = &lnp_scan_model,
    .name = "lnp_scan",
};
