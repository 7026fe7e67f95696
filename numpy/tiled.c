/* Helpers of the tiled factorizations' task graphs (tiled.h). */
#include <stdlib.h>

#include "tiled.h"
#include "store_internal.h"
#include "../codelets/codelets.h"
#include "../codelets/cholesky.h"

lnp_status lnp_tiled_view(lnp_view **out, int ndim, const int64_t *shape, int dtype, const int32_t *nt,
                          int64_t **bounds)
{
  lnp_store *s = NULL;
  lnp_status st = lnp_store_create_tiled(&s, ndim, shape, dtype, nt, bounds);
  if (st) return st;
  *out = lnp_view_new(s);
  lnp_store_release(s);
  return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
}

lnp_status lnp_tiled_blas(int op, int dtype, int64_t m, int64_t n, int64_t k, struct starpu_data_descr *dd, int nbuf)
{
  lnp_chol_desc *d = malloc(sizeof *d);
  if (!d) return lnp_error(LNP_ENOMEM, "out of memory");
  *d = (lnp_chol_desc){.op = op, .dtype = dtype, .m = m, .n = n, .k = k};
  return lnp_submit(&lnp_cl_chol_tile, dd, nbuf, d, sizeof *d, op == LNP_LU_GEMM ? "tile_gemm" : "tile_trsm");
}
