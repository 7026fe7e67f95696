/* The linear-algebra codelet (linalg.h): lnp_cl_linalg, on the CPU
 * workers (LAPACKE), with a history-based perfmodel per op, dtype and
 * size.  Kernels: linalg_cpu.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include "../data-interfaces/nd_interface.h"
#include "linalg.h"

static void lnp_linalg_cpu_func(void *descr[], void *cl_arg)
{
  const lnp_linalg_desc *d = cl_arg;
  struct starpu_task *task = starpu_task_get_current();
  void *buf[8];
  for (int i = 0; i < task->nbuffers && i < 8; i++) buf[i] = LNP_ND_GET_PTR(descr[i]);
  lnp_codelets_count_loops(0, 1);
  lnp_linalg_cpu(d, buf);
}

static uint32_t lnp_linalg_footprint(struct starpu_task *task)
{
  const lnp_linalg_desc *d = task->cl_arg;
  uint64_t key[6] = {(uint64_t)d->op, (uint64_t)d->dtype | (uint64_t)d->flag << 8, (uint64_t)d->batch,
                     (uint64_t)d->m, (uint64_t)d->n, (uint64_t)d->k};
  return starpu_hash_crc32c_be_n(key, sizeof key, 0);
}

static struct starpu_perfmodel lnp_linalg_model = {
    .type = STARPU_HISTORY_BASED, .symbol = "lnp_linalg", .footprint = lnp_linalg_footprint};

struct starpu_codelet lnp_cl_linalg = {.where = STARPU_CPU,
                                       .cpu_funcs = {lnp_linalg_cpu_func},
                                       .nbuffers = STARPU_VARIABLE_NBUFFERS,
                                       .model = &lnp_linalg_model,
                                       .name = "lnp_cl_linalg"};
