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

/* X(:, c) := T^-1 X(:, c) by tiles: T the leading nt x nt tiles of the
 * tile matrix `at` (row stride `as`), unit lower with LNP_LU_TRSM_L (a
 * forward substitution) or upper with LNP_LU_TRSM_U (backward), `bnd` its
 * tiles' bounds (square diagonal tiles); X's tile column c in tiles `xt`
 * (row stride `xs`), `width` columns wide. */
lnp_status lnp_tiled_trsolve(int op, int dtype, starpu_data_handle_t *at, int as, starpu_data_handle_t *xt, int xs,
                             int c, int nt, const int64_t *bnd, int64_t width);

#endif
