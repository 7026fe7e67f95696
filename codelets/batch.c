/* lnp_cl_batch: several loop tasks as one StarPU task (see codelets.h for
 * the argument layout, numpy/batch.c for when loops are batched).
 *
 * Why: StarPU releases a task's dependents only once the task has finished
 * and its worker has noticed (CUDA event polling, job termination, the next
 * task's fetch): 20-30 us per task on the H200 machines.  A chain of
 * dependent small loops (channel flow's boundary columns: 1842 tasks a step)
 * left the GPU idle between kernels for that long each time.  Run as one
 * task, the loops' kernels go back to back on the worker's stream, which
 * orders them; on a CPU worker they run one after the other.  Runs of
 * elementwise loops over the same iteration space become one kernel
 * (fuse.h): the temporaries between them stay in registers. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef LNP_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

#include "../data-interfaces/nd_interface.h"
#include "codelets.h"
#include "fuse.h"
#include "scratch.h"

typedef void (*lnp_loop_run_fn)(void *descr[], unsigned nb, const lnp_loop_desc *d, size_t arg_size);

/* Fusion (fuse.h): LEGATE_NUMPY_FUSE=0 turns it off; CPU workers run
 * groups through the block executor (fuse_cpu.c), CUDA workers through
 * NVRTC kernels; LEGATE_NUMPY_FUSE_MIN: the fewest elements a group covers. */
static int fuse_mode = 1; /* lnp_fuse_mode() */
static int64_t fuse_min = 1;
static pthread_once_t fuse_once = PTHREAD_ONCE_INIT;
static void fuse_config(void)
{
  fuse_mode = lnp_fuse_mode();
  const char *m = getenv("LEGATE_NUMPY_FUSE_MIN");
  if (m && *m) fuse_min = strtoll(m, NULL, 10);
}

static _Atomic uint64_t fused_groups = 0, fused_loops = 0, fused_elided = 0;
void lnp_codelets_fuse_counts(uint64_t *groups, uint64_t *loops, uint64_t *elided)
{
  if (groups) *groups = fused_groups;
  if (loops) *loops = fused_loops;
  if (elided) *elided = fused_elided;
}

/* Run a fused group; 0 if it ran, -1 if its loops must run one by one
 * (no NVRTC, compile failure), -2 on a failure after a partial run. */
typedef int (*lnp_fuse_run_fn)(const lnp_fuse_group *g, void *const *bufptrs);

/* the OpenMP threads of the CPU batch task now running (lnp_batch_cpu) */
static _Thread_local int batch_threads = 1;

static int fuse_cpu(const lnp_fuse_group *g, void *const *bufptrs)
{
  return lnp_fuse_run_cpu(g, bufptrs, batch_threads);
}

/* Parse the batch's loops, then run them in order: fused groups through
 * fuse (when given), the others with run(); a malformed argument (never
 * made by numpy/batch.c) is reported, not run. */
static void lnp_batch_run(void *descr[], void *cl_arg, lnp_loop_run_fn run, lnp_fuse_run_fn fuse, int cuda)
{
  struct starpu_task *task = starpu_task_get_current();
  const unsigned nbt = STARPU_TASK_GET_NBUFFERS(task);
  const char *p = cl_arg, *end = p + task->cl_arg_size;
  lnp_batch_head head;
  lnp_fuse_loop *loops = NULL;
  void **sb = NULL, **ptrs = NULL;
  lnp_fuse_group *g = NULL;
  if (task->cl_arg_size < sizeof head) goto bad;
  memcpy(&head, p, sizeof head);
  if (head.magic != LNP_BATCH_MAGIC || head.nbuf != nbt) goto bad;
  p += sizeof head;
  const uint8_t *dead = (const uint8_t *)p;
  if ((size_t)(end - p) < lnp_batch_pad8(nbt)) goto bad;
  p += lnp_batch_pad8(nbt);
  lnp_scratch_begin(); /* worker memory without malloc (scratch.h) */
  loops = lnp_scratch_alloc(sizeof *loops * (head.nsub ? head.nsub : 1), 0);
  if (!loops) goto oom;
  uint32_t maxbuf = 0;
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
    for (uint32_t i = 0; i < sub.nbuf; i++)
      if (map[i] >= nbt) goto bad;
    if (!lnp_loop_desc_valid(d, sub.desc_size, sub.nbuf)) goto bad;
    loops[s] = (lnp_fuse_loop){d, map, sub.nbuf};
    if (sub.nbuf > maxbuf) maxbuf = sub.nbuf;
  }
  sb = lnp_scratch_alloc(sizeof(void *) * (maxbuf ? maxbuf : 1), 0);
  if (!sb) goto oom;
  if (fuse) {
    ptrs = lnp_scratch_alloc(sizeof(void *) * (nbt ? nbt : 1), 0);
    g = lnp_scratch_alloc(sizeof *g, 0);
    if (!ptrs || !g) goto oom;
    g->host = !cuda; /* a CPU worker fuses every elementwise float op it has a loop for */
    for (unsigned i = 0; i < nbt; i++) ptrs[i] = LNP_ND_GET_PTR(descr[i]);
  }
  for (int s = 0; s < (int)head.nsub;) {
    const int n = fuse ? lnp_fuse_group_at(loops, (int)head.nsub, s, dead, (int)nbt, fuse_min, g) : 1;
    if (n >= 2) {
      const int rc = cuda && lnp_codelets_inject_fault() ? -2 : fuse(g, ptrs);
      if (rc == -2) {
        lnp_codelets_report("a fused kernel of %d loops failed to launch", n);
        goto out;
      }
      if (rc == 0) {
        fused_groups++;
        fused_loops += (uint64_t)n;
        fused_elided += (uint64_t)g->elided;
        lnp_codelets_count_loops(cuda, (uint64_t)n);
        s += n;
        continue;
      }
    }
    for (int k = s; k < s + n; k++) {
      for (uint32_t i = 0; i < loops[k].nbuf; i++) sb[i] = descr[loops[k].map[i]];
      run(sb, loops[k].nbuf, loops[k].desc, lnp_loop_desc_size(loops[k].desc->ndim, loops[k].desc->nops,
                                                                 loops[k].desc->npieces));
    }
    s += n;
  }
  goto out;
oom:
  lnp_codelets_report("out of memory in a batch task");
  goto out;
bad:
  lnp_codelets_report("malformed batch task argument");
out:
  (void)loops; /* scratch: released by the next batch's begin */
}

static void lnp_batch_cpu(void *descr[], void *cl_arg)
{
  pthread_once(&fuse_once, fuse_config);
  batch_threads = lnp_cpu_task_threads();
  lnp_batch_run(descr, cl_arg, lnp_loop_cpu_run, fuse_mode ? fuse_cpu : NULL, 0);
}

#ifdef LNP_HAVE_CUDA
static int fuse_cuda(const lnp_fuse_group *g, void *const *bufptrs)
{
  return lnp_fuse_cuda_launch(g, bufptrs, (void *)starpu_cuda_get_local_stream());
}

/* LEGATE_NUMPY_TASK_TIMES=1: when the last batch started and had launched
 * its kernels (CLOCK_MONOTONIC ns), and its kernels' GPU time (CUDA events
 * around them), for numpy/runtime.c's task timeline. */
static _Thread_local struct {
  int on;
  long long start, launched;
  cudaEvent_t ev[2];
} bt = {-1, 0, 0, {NULL, NULL}}; /* per CUDA worker: each has its own device and stream */

static long long now_ns(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int lnp_batch_cuda_times(long long *start, long long *launched, float *kernel_us)
{
  float ms = -1.0f;
  if (bt.on != 1 || !bt.ev[0] || cudaEventElapsedTime(&ms, bt.ev[0], bt.ev[1]) != cudaSuccess) return 0;
  *start = bt.start;
  *launched = bt.launched;
  *kernel_us = ms * 1000.0f;
  return 1;
}

static void lnp_batch_cuda(void *descr[], void *cl_arg)
{
  pthread_once(&fuse_once, fuse_config);
  if (bt.on < 0) {
    bt.on = getenv("LEGATE_NUMPY_TASK_TIMES") != NULL;
    if (bt.on && (cudaEventCreate(&bt.ev[0]) != cudaSuccess || cudaEventCreate(&bt.ev[1]) != cudaSuccess)) bt.on = 0;
  }
  if (bt.on) {
    bt.start = now_ns();
    cudaEventRecord(bt.ev[0], starpu_cuda_get_local_stream());
  }
  lnp_batch_run(descr, cl_arg, lnp_loop_cuda_counted_run, fuse_mode ? fuse_cuda : NULL, 1);
  if (bt.on) {
    cudaEventRecord(bt.ev[1], starpu_cuda_get_local_stream());
    bt.launched = now_ns();
  }
}

/* numpy/batch.c batches only loops a CUDA worker can run when there are
 * CUDA workers, and those stay off the CPU workers in GPU-only placement,
 * as lnp_cl_loop's do. */
static int lnp_batch_can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
  (void)nimpl;
  return lnp_codelets_may_run(workerid, task, 1);
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
