/* Helpers of the tiled factorizations' task graphs (lu.c, qr.c): a store
 * with given tile bounds and its view, and a dense tile kernel task of the
 * Cholesky tile codelet (codelets/cholesky.h: the LU's TRSM and GEMM ops,
 * which the QR's triangular solve shares). */
#ifndef LNP_TILED_H
#define LNP_TILED_H

#include "launch.h"

/* a store of shape `shape` cut at `bounds` (nt tiles a dim) and its view */
lnp_status lnp_tiled_view(lnp_view **out, int ndim, const int64_t *shape, int dtype, const int32_t *nt,
                          int64_t **bounds);
/* one op of lnp_cl_chol_tile on m x n (inner k) tiles */
lnp_status lnp_tiled_blas(int op, int dtype, int64_t m, int64_t n, int64_t k, struct starpu_data_descr *dd,
                          int nbuf);

#endif
