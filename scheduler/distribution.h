/* Where tiles live: the tile-to-rank mapping for StarPU-MPI and the
 * tile-to-GPU home used by the "lnp" policy.  Both are block distributions
 * of a store's tile grid in linear (row-major) order: for the default tiling
 * (row blocks first) a rank or GPU gets a contiguous slab, so stencil
 * neighbours stay together and only slab boundaries travel. */
#ifndef LNP_SCHED_DISTRIBUTION_H
#define LNP_SCHED_DISTRIBUTION_H

#include <stddef.h>

/* Part (0..nparts-1) of tile t of a grid of ntiles tiles. */
static inline int lnp_dist_block(size_t t, size_t ntiles, int nparts)
{
  if (nparts <= 1 || ntiles == 0) return 0;
  return (int)(t * (size_t)nparts / ntiles);
}

#endif
