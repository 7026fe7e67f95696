/* The histogram task, lnp_cl_bincount (codelet_bincount.c, CUDA in
 * bincount_cuda.cu): bincount of one tile.  Buffers: the row (nbins int64
 * counts, or float64 sums when weighted; STARPU_W, or STARPU_RW when the
 * task accumulates into it), the indices (int64, every one in [0, nbins):
 * the caller checks), the weights (float64, as many) when weighted.
 * cl_arg: an lnp_bincount_desc. */
#ifndef LNP_BINCOUNT_H
#define LNP_BINCOUNT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lnp_bincount_desc {
  int64_t nbins;
  int32_t weighted;   /* float64 weights (3rd buffer), float64 row */
  int32_t accumulate; /* add to the row's values instead of zeroing it first */
} lnp_bincount_desc;

#ifdef LNP_HAVE_CUDA
void lnp_bincount_cuda(void *descr[], void *cl_arg);
#endif

#ifdef __cplusplus
}
#endif

#endif
