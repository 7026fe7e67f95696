/* The "lnp" StarPU scheduling policy for GPUs: owner computes, else data
 * locality with expected finish times.
 *
 * Owner computes: a task that writes a tile with a home GPU (the store's
 * block distribution, or the tile it was placed with: lnp_sched_set_home)
 * runs on that GPU, as a task runs on the rank owning its output under MPI;
 * arrays of one shape are spread the same way over the GPUs, temporaries
 * follow the tiles they come from, and neighbours' rows arrive as thin halo
 * copies (launch.c), so tiles stay put.  Other tasks (no homed output: one
 * GPU, tiles registered without a home) go to the CUDA worker where they
 * would finish first: (when that GPU's queue drains) + (moving the inputs it
 * lacks there) + (running it), run times from a cost function the codelets
 * layer registers (bytes over memory bandwidth, GEMM flops over peak),
 * transfers from StarPU's bus model.  The chosen GPU starts fetching the
 * task's inputs at once (prefetch).  Tasks no GPU can run go to a queue
 * shared by the CPU workers.
 *
 * StarPU pushes a task only once its dependencies are done, so "where the
 * data is" at push time is where its producers left it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "locality.h"
#include "distribution.h"

#include <stdint.h>
#include <stdlib.h>
#include <starpu.h>
#include <starpu_scheduler.h>

typedef struct lnp_sched_data {
  starpu_pthread_mutex_t mutex;
  struct starpu_task_list cpu_queue;                /* shared by CPU workers */
  struct starpu_task_list queue[STARPU_NMAXWORKERS]; /* one per CUDA worker */
  double exp_end[STARPU_NMAXWORKERS];                /* expected end of each queue (us) */
} lnp_sched_data;

/* CUDA workers in id order: the block distribution's GPU k is cuda_ids[k] */
static int lnp_ncuda = 0;
static int lnp_cuda_ids[STARPU_NMAXWORKERS];

static void lnp_sched_init(unsigned ctx)
{
  lnp_sched_data *d = calloc(1, sizeof *d);
  STARPU_ASSERT(d);
  STARPU_PTHREAD_MUTEX_INIT(&d->mutex, NULL);
  starpu_task_list_init(&d->cpu_queue);
  for (int w = 0; w < STARPU_NMAXWORKERS; w++) starpu_task_list_init(&d->queue[w]);
  starpu_sched_ctx_set_policy_data(ctx, d);
  lnp_ncuda = 0;
  unsigned nw = starpu_worker_get_count();
  for (unsigned w = 0; w < nw; w++)
    if (starpu_worker_get_type((int)w) == STARPU_CUDA_WORKER) lnp_cuda_ids[lnp_ncuda++] = (int)w;
}

static void lnp_sched_deinit(unsigned ctx)
{
  lnp_sched_data *d = starpu_sched_ctx_get_policy_data(ctx);
  STARPU_PTHREAD_MUTEX_DESTROY(&d->mutex);
  free(d);
}

/* Home GPU index + 1 of a tile (0: none), kept in the handle's user data. */
static int lnp_home_of(starpu_data_handle_t h) { return (int)(intptr_t)starpu_data_get_user_data(h); }

int lnp_sched_home_of(starpu_data_handle_t h) { return lnp_home_of(h) - 1; }

int lnp_sched_home_for(size_t tile, size_t ntiles)
{
  return lnp_ncuda < 2 ? -1 : lnp_dist_block(tile, ntiles, lnp_ncuda);
}

int lnp_sched_gpu_node(int gpu)
{
  return gpu >= 0 && gpu < lnp_ncuda ? (int)starpu_worker_get_memory_node(lnp_cuda_ids[gpu]) : -1;
}

void lnp_sched_set_home(starpu_data_handle_t h, int gpu)
{
  if (gpu >= 0 && gpu < lnp_ncuda) starpu_data_set_user_data(h, (void *)(intptr_t)(gpu + 1));
}

static lnp_sched_cost_fn lnp_cost_fn = NULL;
void lnp_sched_set_cost_fn(lnp_sched_cost_fn fn) { lnp_cost_fn = fn; }

/* GPU-to-GPU bandwidth assumed where the bus model has no figure (B/us) */
#define LNP_LINK_BYTES_PER_US 2.0e5

/* Microseconds to bring the task's data to worker w's memory. */
static double lnp_transfer_us(struct starpu_task *task, int w)
{
  const unsigned node = starpu_worker_get_memory_node((unsigned)w);
  const unsigned nb = STARPU_TASK_GET_NBUFFERS(task);
  double us = 0;
  for (unsigned i = 0; i < nb; i++) {
    starpu_data_handle_t h = STARPU_TASK_GET_HANDLE(task, i);
    const enum starpu_data_access_mode mode = STARPU_TASK_GET_MODE(task, i);
    if (starpu_data_is_on_node(h, node)) continue;
    const double size = (double)starpu_data_get_size(h);
    if (mode & STARPU_R) {
      double t = starpu_data_expected_transfer_time(h, node, mode);
      us += t == t && t > 0 ? t : size / LNP_LINK_BYTES_PER_US;
    } else {
      /* written, not read: away from its home GPU it would have to move
       * later (first touch decides where the tile lives) */
      const int home = lnp_home_of(h);
      if (home > 0 && home <= lnp_ncuda && lnp_cuda_ids[home - 1] != w) us += size / LNP_LINK_BYTES_PER_US;
    }
  }
  return us;
}

static double lnp_run_us(struct starpu_task *task)
{
  if (lnp_cost_fn) return lnp_cost_fn(task);
  double bytes = 0;
  for (unsigned i = 0; i < STARPU_TASK_GET_NBUFFERS(task); i++)
    bytes += (double)starpu_data_get_size(STARPU_TASK_GET_HANDLE(task, i));
  return 5.0 + bytes / 2.0e6;
}

/* whether CUDA worker w of context ctx can run task */
static int lnp_worker_fits(int w, unsigned ctx, struct starpu_task *task)
{
  return starpu_sched_ctx_contains_worker(w, ctx) && starpu_worker_can_execute_task_first_impl((unsigned)w, task, NULL);
}

static int lnp_sched_push(struct starpu_task *task)
{
  const unsigned ctx = task->sched_ctx;
  lnp_sched_data *d = starpu_sched_ctx_get_policy_data(ctx);
  const double now = starpu_timing_now();
  const double run = lnp_run_us(task);
  int best = -1;
  double best_end = 0, best_xfer = 0;
  /* Owner computes, as between ranks: a task writing a tile with a home
   * GPU runs there.  Choosing by expected finish alone sent tasks to an
   * idle GPU whenever moving their inputs looked cheaper than waiting, and
   * the tiles they wrote then bounced between the GPUs (channel flow at
   * 4096^2 on two H200s: 169 ms per step against 83-100 on one). */
  int owner = -1;
  for (unsigned i = 0; i < STARPU_TASK_GET_NBUFFERS(task) && owner < 0; i++)
    if (STARPU_TASK_GET_MODE(task, i) & STARPU_W) {
      const int home = lnp_home_of(STARPU_TASK_GET_HANDLE(task, i));
      if (home > 0 && home <= lnp_ncuda) owner = home - 1;
    }
  if (owner >= 0 && !lnp_worker_fits(lnp_cuda_ids[owner], ctx, task)) owner = -1;
  STARPU_PTHREAD_MUTEX_LOCK(&d->mutex);
  for (int k = owner >= 0 ? owner : 0; k < (owner >= 0 ? owner + 1 : lnp_ncuda); k++) {
    const int w = lnp_cuda_ids[k];
    if (!lnp_worker_fits(w, ctx, task)) continue;
    const double xfer = lnp_transfer_us(task, w);
    const double start = d->exp_end[w] > now ? d->exp_end[w] : now;
    const double end = start + xfer + run;
    if (best < 0 || end < best_end) {
      best = w;
      best_end = end;
      best_xfer = xfer;
    }
  }
  if (best >= 0) {
    task->predicted = run;
    task->predicted_transfer = best_xfer;
    d->exp_end[best] = best_end;
    /* fetch the inputs now, while the task is still ours (once it is in
     * the queue the worker may run and free it before we return), and
     * outside our lock (prefetching takes data locks) */
    STARPU_PTHREAD_MUTEX_UNLOCK(&d->mutex);
    starpu_prefetch_task_input_for(task, (unsigned)best);
    STARPU_PTHREAD_MUTEX_LOCK(&d->mutex);
    starpu_task_list_push_back(&d->queue[best], task);
  } else {
    starpu_task_list_push_back(&d->cpu_queue, task);
  }
  starpu_push_task_end(task);
  STARPU_PTHREAD_MUTEX_UNLOCK(&d->mutex);

  if (best >= 0) {
    starpu_wake_worker_relax_light(best);
  } else {
    struct starpu_worker_collection *workers = starpu_sched_ctx_get_worker_collection(ctx);
    struct starpu_sched_ctx_iterator it;
    workers->init_iterator(workers, &it);
    while (workers->has_next(workers, &it)) {
      const int w = (int)workers->get_next(workers, &it);
      if (starpu_worker_get_type(w) == STARPU_CPU_WORKER && starpu_wake_worker_relax_light(w)) break;
    }
  }
  return 0;
}

static struct starpu_task *lnp_sched_pop(unsigned ctx)
{
  lnp_sched_data *d = starpu_sched_ctx_get_policy_data(ctx);
  const int w = (int)starpu_worker_get_id_check();
  const int cuda = starpu_worker_get_type(w) == STARPU_CUDA_WORKER;
  struct starpu_task_list *q = cuda ? &d->queue[w] : &d->cpu_queue;
  if (starpu_task_list_empty(q)) return NULL; /* a racy peek; pushes wake us */
  STARPU_PTHREAD_MUTEX_LOCK(&d->mutex);
  struct starpu_task *task = starpu_task_list_empty(q) ? NULL : starpu_task_list_pop_front(q);
  /* predictions run ahead of reality when tasks beat them: an emptied
   * queue ends with this task */
  if (task && cuda && starpu_task_list_empty(q)) {
    const double end = starpu_timing_now() + task->predicted + task->predicted_transfer;
    if (d->exp_end[w] > end) d->exp_end[w] = end;
  }
  STARPU_PTHREAD_MUTEX_UNLOCK(&d->mutex);
  return task;
}

struct starpu_sched_policy lnp_sched_policy = {
    .init_sched = lnp_sched_init,
    .deinit_sched = lnp_sched_deinit,
    .push_task = lnp_sched_push,
    .pop_task = lnp_sched_pop,
    .policy_name = "lnp",
    .policy_description = "legate.numpy: earliest finish with transfers (tiles stay on their GPU), block-distributed first touch",
    .worker_type = STARPU_WORKER_LIST,
};
