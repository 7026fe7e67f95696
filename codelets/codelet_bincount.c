/* The histogram codelet, lnp_cl_bincount (bincount.h): its CPU function,
 * where it may run, its perfmodel.  CUDA: bincount_cuda.cu. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <string.h>

#include "../data-interfaces/nd_interface.h"
#include "bincount.h"

static uint64_t tile_elems(void *iface)
{
  const uint64_t *shape = LNP_ND_GET_SHAPE(iface);
  uint64_t n = 1;
  for (int d = 0; d < (int)LNP_ND_GET_NDIM(iface); d++) n *= shape[d];
  return n;
}

static void lnp_bincount_cpu(void *descr[], void *cl_arg)
{
  const lnp_bincount_desc *bd = cl_arg;
  lnp_codelets_count_loops(0, 1);
  const uint64_t n = tile_elems(descr[1]);
  const int64_t *x = LNP_ND_GET_PTR(descr[1]);
  if (bd->weighted) {
    double *row = LNP_ND_GET_PTR(descr[0]);
    const double *w = LNP_ND_GET_PTR(descr[2]);
    if (!bd->accumulate) memset(row, 0, sizeof(double) * (size_t)bd->nbins);
    for (uint64_t i = 0; i < n; i++) row[x[i]] += w[i];
  } else {
    int64_t *row = LNP_ND_GET_PTR(descr[0]);
    if (!bd->accumulate) memset(row, 0, sizeof(int64_t) * (size_t)bd->nbins);
    for (uint64_t i = 0; i < n; i++) row[x[i]]++;
  }
}

static uint32_t lnp_bincount_footprint(struct starpu_task *task)
{
  const lnp_bincount_desc *bd = task->cl_arg;
  uint64_t key[2] = {tile_elems(starpu_data_get_interface_on_node(task->handles[1], STARPU_MAIN_RAM)),
                     (uint64_t)bd->nbins};
  return starpu_hash_crc32c_be_n(key, sizeof key, (uint32_t)bd->weighted);
}

static struct starpu_perfmodel lnp_bincount_model = {
    .type = STARPU_HISTORY_BASED,
    .symbol = "lnp_bincount",
    .footprint = lnp_bincount_footprint,
};

#ifdef LNP_HAVE_CUDA
static int lnp_bincount_can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
  (void)task;
  (void)nimpl;
  return lnp_codelets_may_run(workerid, task, 1);
}
#endif

struct starpu_codelet lnp_cl_bincount = {
#ifdef LNP_HAVE_CUDA
    .where = STARPU_CPU | STARPU_CUDA,
    .can_execute = lnp_bincount_can_execute,
    .cuda_funcs = {lnp_bincount_cuda},
    .cuda_flags = {STARPU_CUDA_ASYNC},
#else
    .where = STARPU_CPU,
#endif
    .cpu_funcs = {lnp_bincount_cpu},
    .nbuffers = STARPU_VARIABLE_NBUFFERS,
    .model = &lnp_bincount_model,
    .name = "lnp_bincount",
};
