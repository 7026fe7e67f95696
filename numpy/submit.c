/* The one way operations submit a task (lnp_submit): a loop the batches
 * take joins its pending batch (batch.c); anything else goes after the
 * pending batches, so that it sees their tiles' values and keeps program
 * order, and then straight into StarPU (lnp_submit_direct, distributed.c:
 * locally, or under MPI on the rank owning the written tile).  The batches
 * submit through lnp_submit_direct as well, never back through here. */
#include <stdlib.h>
#include "lnp.h"

lnp_status lnp_submit(struct starpu_codelet *cl, struct starpu_data_descr *descrs, int nbufs, void *arg,
                      size_t arg_size, const char *name)
{
  lnp_status st;
  if (lnp_batch_offer(cl, descrs, nbufs, arg, arg_size, name, &st)) return st;
  /* anything else goes after the pending batches it depends on or
   * overwrites (batch.c) */
  if (!st) st = lnp_batch_before(descrs, nbufs);
  if (st) {
    free(arg);
    return st;
  }
  return lnp_submit_direct(cl, descrs, nbufs, arg, arg_size, name);
}
