/* lnp_cl_batch: several loop tasks as one StarPU task (see codelets.h for
 * the argument layout, numpy/batch.c for when loops are batched).
 *
 * Why: StarPU releases a task's dependents only once the task has finished
 * and its worker has noticed (CUDA event polling, job termination, the next
 * task's fetch): 20-30 us per task on the H200 machines.  A chain of
 * dependent small loops (channel flow's boundary columns: 1842 tasks a step)
 * left the GPU idle between kernels for that long each time.  Run as one
 * task, the loops' kernels go back to back on the worker's stream, which
 * orders them; on a CPU worker they run one after the other. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "codelets.h"

typedef void (*lnp_loop_run_fn)(void *descr[], unsigned nb, const lnp_loop_desc *d, size_t arg_size);

/* Walk the loops of the batch and run each with run(); a malformed
 * argument (never made by numpy/batch.c) is reported, not run. */
static void lnp_batch_run(void *descr[], void *cl_arg, lnp_loop_run_fn run)
{
  struct starpu_task *task = starpu_task_get_current();
  const unsigned nbt = STARPU_TASK_GET_NBUFFERS(task);
  const char *p = cl_arg, *end = p + task->cl_arg_size;
  lnp_batch_head head;
  if (task->cl_arg_size < sizeof head) goto bad;
  memcpy(&head, p, sizeof head);
  if (head.magic != LNP_BATCH_MAGIC) goto bad;
  p += sizeof head;
  void *stack_sub[64];
  for (uint32_t s = 0; s < head.nsub; s++) {
    lnp_batch_sub sub;
    if ((size_t)(end - p) < sizeof sub) goto bad;
    memcpy(&sub, p, sizeof sub);
    p += sizeof sub;
    const size_t map_bytes = lnp_batch_pad8((size_t)sub.nbuf * sizeof(uint32_t));
    if ((size_t)(end - p) < map_bytes + lnp_batch_pad8(sub.desc_size)) goto bad;
    const uint32_t *map = (const uint32_t *)(const void *)p;
    const lnp_loop_desc *d = (const lnp_loop_desc *)(const void *)(p + map_bytes);
    p += map_bytes + lnp_batch_pad8(sub.desc_size);
    void **sb = sub.nbuf <= 64 ? stack_sub : malloc(sizeof(void *) * sub.nbuf);
    if (!sb) {
      lnp_codelets_report("out of memory in a batch task");
      return;
    }
    int ok = 1;
    for (uint32_t i = 0; i < sub.nbuf; i++) {
      if (map[i] >= nbt) ok = 0;
      else sb[i] = descr[map[i]];
    }
    if (ok) run(sb, sub.nbuf, d, sub.desc_size);
    if (sb != stack_sub) free(sb);
    if (!ok) goto bad;
  }
  return;
bad:
  lnp_codelets_report("malformed batch task argument");
}

static void lnp_batch_cpu(void *descr[], void *cl_arg) { lnp_batch_run(descr, cl_arg, lnp_loop_cpu_run); }

#ifdef LNP_HAVE_CUDA
static void lnp_batch_cuda(void *descr[], void *cl_arg) { lnp_batch_run(descr, cl_arg, lnp_loop_cuda_counted_run); }

/* numpy/batch.c batches only loops a CUDA worker can run when there are
 * CUDA workers, and those stay off the CPU workers in GPU-only placement,
 * as lnp_cl_loop's do. */
static int lnp_batch_can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
  (void)task;
  (void)nimpl;
  return lnp_codelets_is_cuda_worker(workerid) || !lnp_codelets_gpu_only();
}
#endif

struct starpu_codelet lnp_cl_batch = {
    .type = STARPU_FORKJOIN,
    .max_parallelism = INT_MAX,
#ifdef LNP_HAVE_CUDA
    .where = STARPU_CPU | STARPU_CUDA,
    .can_execute = lnp_batch_can_execute,
    .cuda_funcs = {lnp_batch_cuda},
    .cuda_flags = {STARPU_CUDA_ASYNC},
#else
    .where = STARPU_CPU,
#endif
    .cpu_funcs = {lnp_batch_cpu},
    .nbuffers = STARPU_VARIABLE_NBUFFERS,
    .name = "lnp_batch",
};
