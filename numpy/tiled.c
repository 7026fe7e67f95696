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

lnp_status lnp_tiled_trsolve(int op, int dtype, starpu_data_handle_t *at, int as, starpu_data_handle_t *xt, int xs,
                             int c, int nt, const int64_t *bnd, int64_t width)
{
  const int fwd = op == LNP_LU_TRSM_L;
  lnp_status st = LNP_OK;
#define A_(i, k) at[(size_t)(i) * (size_t)as + (size_t)(k)]
#define X_(i) xt[(size_t)(i) * (size_t)xs + (size_t)c]
#define EXT(i) (bnd[(i) + 1] - bnd[i])
  for (int s = 0; s < nt && !st; s++) {
    const int k = fwd ? s : nt - 1 - s;
    struct starpu_data_descr d2[2] = {{A_(k, k), STARPU_R}, {X_(k), STARPU_RW}};
    st = lnp_tiled_blas(op, dtype, EXT(k), width, 0, d2, 2);
    for (int i = fwd ? k + 1 : 0; i < (fwd ? nt : k) && !st; i++) { /* the rows the step updates */
      struct starpu_data_descr d3[3] = {{A_(i, k), STARPU_R}, {X_(k), STARPU_R}, {X_(i), STARPU_RW}};
      st = lnp_tiled_blas(LNP_LU_GEMM, dtype, EXT(i), width, EXT(k), d3, 3);
    }
  }
#undef A_
#undef X_
#undef EXT
  return st;
}
