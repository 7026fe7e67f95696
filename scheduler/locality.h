/* legate.numpy's StarPU scheduling policy "lnp" (locality.c): tasks go to the
 * GPU that holds their data; first-touch tiles follow a block distribution
 * of each store's tile grid over the GPUs.  The default with GPUs;
 * --sched/STARPU_SCHED pick any other policy. */
#ifndef LNP_SCHED_LOCALITY_H
#define LNP_SCHED_LOCALITY_H

#include <stddef.h>
#include <starpu.h>

extern struct starpu_sched_policy lnp_sched_policy;

/* Record the home GPU of tile `tile` of a store of `ntiles` tiles (block
 * distribution; a no-op with fewer than two GPUs or another policy). */
void lnp_sched_set_home(starpu_data_handle_t h, size_t tile, size_t ntiles);

#endif
