/* legate.numpy's StarPU scheduling policy "lnp" (locality.c): a task goes to
 * the GPU where it finishes first counting the transfers it needs, so it
 * stays with its tiles unless another GPU is idle long enough; first-touch
 * tiles follow a block distribution of each store's tile grid over the GPUs.  The default with GPUs;
 * --sched/STARPU_SCHED pick any other policy. */
#ifndef LNP_SCHED_LOCALITY_H
#define LNP_SCHED_LOCALITY_H

#include <stddef.h>
#include <starpu.h>

extern struct starpu_sched_policy lnp_sched_policy;

/* Home GPU (0..ngpus-1) of tile `tile` of a store of `ntiles` tiles under
 * the block distribution, or -1 (fewer than two GPUs, or another policy). */
int lnp_sched_home_for(size_t tile, size_t ntiles);
/* The home GPU recorded in a tile's handle (-1: none). */
int lnp_sched_home_of(starpu_data_handle_t h);
/* Record a tile's home GPU in its handle (-1: none). */
void lnp_sched_set_home(starpu_data_handle_t h, int gpu);
/* StarPU memory node of the block distribution's GPU k (-1: none) */
int lnp_sched_gpu_node(int gpu);

/* Expected run time of a task in microseconds on a GPU (registered by the
 * runtime: the codelets know their work). */
typedef double (*lnp_sched_cost_fn)(struct starpu_task *task);
void lnp_sched_set_cost_fn(lnp_sched_cost_fn fn);

#endif
