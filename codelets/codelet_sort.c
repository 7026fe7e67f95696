/* The sorting codelets (sort.h): lnp_cl_sort, lnp_cl_merge, lnp_cl_search,
 * their CPU functions over the tiles' interfaces, where they may run,
 * their perfmodels.  Kernels: sort_cpu.c, sort_cuda.cu. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include "../data-interfaces/nd_interface.h"
#include "sort.h"

static int64_t tile_elems(void *iface)
{
  const uint64_t *shape = LNP_ND_GET_SHAPE(iface);
  int64_t n = 1;
  for (int d = 0; d < (int)LNP_ND_GET_NDIM(iface); d++) n *= (int64_t)shape[d];
  return n;
}

static void lnp_sort_cpu(void *descr[], void *cl_arg)
{
  const lnp_sort_desc *sd = cl_arg;
  lnp_codelets_count_loops(0, 1);
  lnp_sort_lines_cpu(sd->dtype, LNP_ND_GET_PTR(descr[0]), sd->arg ? LNP_ND_GET_PTR(descr[1]) : NULL,
                     tile_elems(descr[0]), sd->line, sd->base);
}

static void lnp_merge_cpu(void *descr[], void *cl_arg)
{
  const lnp_sort_desc *sd = cl_arg;
  lnp_codelets_count_loops(0, 1);
  const int P = sd->nruns;
  const void *runs[LNP_SORT_MAX_RUNS];
  const int64_t *idx[LNP_SORT_MAX_RUNS];
  int64_t len[LNP_SORT_MAX_RUNS];
  for (int r = 0; r < P; r++) {
    runs[r] = LNP_ND_GET_PTR(descr[1 + r]);
    len[r] = tile_elems(descr[1 + r]);
    if (sd->arg) idx[r] = LNP_ND_GET_PTR(descr[1 + P + r]);
  }
  lnp_sort_merge_cpu(sd->dtype, P, runs, sd->arg ? idx : NULL, len, sd->out_lo, tile_elems(descr[0]),
                     LNP_ND_GET_PTR(descr[0]));
}

static void lnp_search_cpu(void *descr[], void *cl_arg)
{
  const lnp_sort_desc *sd = cl_arg;
  lnp_codelets_count_loops(0, 1);
  const int P = sd->nruns;
  const void *runs[LNP_SORT_MAX_RUNS];
  int64_t len[LNP_SORT_MAX_RUNS];
  for (int r = 0; r < P; r++) {
    runs[r] = LNP_ND_GET_PTR(descr[2 + r]);
    len[r] = tile_elems(descr[2 + r]);
  }
  lnp_sort_search_cpu(sd->dtype, P, runs, len, LNP_ND_GET_PTR(descr[1]), tile_elems(descr[1]), sd->right,
                      LNP_ND_GET_PTR(descr[0]));
}

/* perfmodel footprint: the task's kind, dtype, runs and the sizes of its
 * first two buffers */
static uint32_t lnp_sort_footprint(struct starpu_task *task)
{
  const lnp_sort_desc *sd = task->cl_arg;
  uint64_t key[5] = {(uint64_t)sd->dtype, (uint64_t)sd->arg | (uint64_t)sd->nruns << 8,
                     (uint64_t)sd->line, 0, 0};
  for (int b = 0; b < 2 && b < task->nbuffers; b++)
    key[3 + b] = (uint64_t)tile_elems(starpu_data_get_interface_on_node(STARPU_TASK_GET_HANDLE(task, b),
                                                                        STARPU_MAIN_RAM));
  return starpu_hash_crc32c_be_n(key, sizeof key, 0);
}

static struct starpu_perfmodel lnp_sort_model = {
    .type = STARPU_HISTORY_BASED, .symbol = "lnp_sort", .footprint = lnp_sort_footprint};
static struct starpu_perfmodel lnp_merge_model = {
    .type = STARPU_HISTORY_BASED, .symbol = "lnp_merge", .footprint = lnp_sort_footprint};
static struct starpu_perfmodel lnp_search_model = {
    .type = STARPU_HISTORY_BASED, .symbol = "lnp_search", .footprint = lnp_sort_footprint};

#ifdef LNP_HAVE_CUDA
/* CUDA: every task (sort_cuda.cu), where its buffers fit the GPU */
static int lnp_sort_can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
  (void)nimpl;
  return lnp_codelets_may_run(workerid, task, 1);
}
#define LNP_SORT_CL(NAME, CPU, CUDA, CAN, MODEL)                                           \
  struct starpu_codelet NAME = {                                                           \
      .where = STARPU_CPU | STARPU_CUDA, .can_execute = CAN, .cuda_funcs = {CUDA},         \
      .cuda_flags = {STARPU_CUDA_ASYNC}, .cpu_funcs = {CPU},                               \
      .nbuffers = STARPU_VARIABLE_NBUFFERS, .model = &MODEL, .name = #NAME}
LNP_SORT_CL(lnp_cl_sort, lnp_sort_cpu, lnp_sort_cuda, lnp_sort_can_execute, lnp_sort_model);
LNP_SORT_CL(lnp_cl_merge, lnp_merge_cpu, lnp_merge_cuda, lnp_sort_can_execute, lnp_merge_model);
LNP_SORT_CL(lnp_cl_search, lnp_search_cpu, lnp_search_cuda, lnp_sort_can_execute, lnp_search_model);
#else
#define LNP_SORT_CL(NAME, CPU, CUDA, CAN, MODEL)                                           \
  struct starpu_codelet NAME = {.where = STARPU_CPU, .cpu_funcs = {CPU},                   \
                                .nbuffers = STARPU_VARIABLE_NBUFFERS, .model = &MODEL,      \
                                .name = #NAME}
LNP_SORT_CL(lnp_cl_sort, lnp_sort_cpu, , , lnp_sort_model);
LNP_SORT_CL(lnp_cl_merge, lnp_merge_cpu, , , lnp_merge_model);
LNP_SORT_CL(lnp_cl_search, lnp_search_cpu, , , lnp_search_model);
#endif
