/* Collectives of the main thread over the MPI ranks (collective.c), for
 * plans that need a value every rank computes a part of (the distributed
 * sort's splitters).  Every rank must call them in the same order. */
#ifndef LNP_COLLECTIVE_H
#define LNP_COLLECTIVE_H

#include "lnp.h"

/* v[0..n) summed over the ranks, in place on every rank (without MPI, or
 * with one rank: nothing to do) */
lnp_status lnp_mpi_sum_i64(int64_t *v, int64_t n);

#endif
