/* The tiled LU factorization with partial pivoting of one matrix, and the
 * solution of A X = B through it, as a StarPU task graph (codelets/lu.h):
 * the matrix (and B) copied into stores of nb x nb tiles (cast to the
 * computation's dtype), then for each step k: the panel's getrf, its row
 * interchanges in every other tile column (and B's), TRSM of the row tiles
 * right of the diagonal, GEMM of the trailing ones.  StarPU orders the
 * tasks by their tiles, so step k+1's panel starts as soon as its column
 * is updated while the rest of step k's trailing update runs.  The solve
 * then runs getrs's steps on B's tiles: the interchanges, the forward
 * substitution with the unit lower L, the backward one with U.  info, the
 * first zero pivot, tells the Python layer to raise LinAlgError. */
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "tiled.h"
#include "store_internal.h"
#include "../codelets/codelets.h"
#include "../codelets/cholesky.h"
#include "../codelets/lu.h"

static lnp_status submit_lu(struct starpu_codelet *cl, int dtype, int ntiles, int64_t m, int64_t n, int64_t row0,
                            struct starpu_data_descr *dd, int nbuf)
{
  lnp_lu_desc *d = malloc(sizeof *d);
  if (!d) return lnp_error(LNP_ENOMEM, "out of memory");
  *d = (lnp_lu_desc){.dtype = dtype, .ntiles = ntiles, .m = m, .n = n, .row0 = row0};
  return lnp_submit(cl, dd, nbuf, d, sizeof *d, cl == &lnp_cl_laswp ? "laswp" : "getrf_panel");
}

lnp_status lnp_lu_tiled(const lnp_view *a, const lnp_view *b, int dtype, int64_t nb, lnp_view **lu_out,
                        lnp_view **ipiv_out, lnp_view **info_out, lnp_view **x_out)
{
  if (a->ndim != 2 || a->shape[0] != a->shape[1] || a->shape[0] < 1 || nb < 1)
    return lnp_error(LNP_EVALUE, "lu: a non-empty square matrix and a tile size are the caller's");
  if (b && (b->ndim != 2 || b->shape[0] != a->shape[0] || b->shape[1] < 1))
    return lnp_error(LNP_EVALUE, "lu: b must be n x nrhs with nrhs >= 1");
  if (dtype != LNP_FLOAT32 && dtype != LNP_FLOAT64 && dtype != LNP_COMPLEX64 && dtype != LNP_COMPLEX128)
    return lnp_error(LNP_ETYPE, "lu: dtype %d is not a LAPACK type", dtype);
  const int64_t n = a->shape[0], T64 = (n + nb - 1) / nb;
  const int64_t nrhs = b ? b->shape[1] : 0, C64 = b ? (nrhs + nb - 1) / nb : 0;
  if (T64 > LNP_LU_MAX_TILES || C64 > 46340)
    return lnp_error(LNP_EVALUE, "lu: more than %d tiles a side", LNP_LU_MAX_TILES);
  const int T = (int)T64, C = (int)C64;
  int64_t *bnd = malloc(sizeof(int64_t) * (size_t)(T + 1)), *cbnd = malloc(sizeof(int64_t) * (size_t)(C + 1));
  if (!bnd || !cbnd) {
    free(bnd);
    free(cbnd);
    return lnp_error(LNP_ENOMEM, "out of memory");
  }
  for (int i = 0; i <= T; i++) bnd[i] = i < T ? (int64_t)i * nb : n;
  for (int i = 0; i <= C; i++) cbnd[i] = i < C ? (int64_t)i * nb : nrhs;
  lnp_view *A = NULL, *piv = NULL, *info = NULL, *X = NULL;
  {
    const int32_t nt[2] = {T, T}, nt1[1] = {T}, one[1] = {1}, ntb[2] = {T, C};
    int64_t *bounds[2] = {bnd, bnd}, *bounds1[1] = {bnd}, b1[2] = {0, 1}, *boundsi[1] = {b1};
    int64_t *boundsb[2] = {bnd, cbnd};
    const int64_t shape1[1] = {n}, shapei[1] = {1};
    lnp_status st = lnp_tiled_view(&A, 2, a->shape, dtype, nt, bounds);
    if (!st) st = lnp_tiled_view(&piv, 1, shape1, LNP_INT64, nt1, bounds1);
    if (!st) st = lnp_tiled_view(&info, 1, shapei, LNP_INT64, one, boundsi);
    if (!st && b) st = lnp_tiled_view(&X, 2, b->shape, dtype, ntb, boundsb);
    if (!st) st = lnp_launch_copy(A, a);
    if (!st && b) st = lnp_launch_copy(X, b);
    if (st) {
      lnp_view_free(A);
      lnp_view_free(piv);
      lnp_view_free(info);
      lnp_view_free(X);
      free(bnd);
      free(cbnd);
      return st;
    }
  }
  lnp_status st = LNP_OK;
  lnp_runtime_activate();
  starpu_data_handle_t *t = A->store->storage->tiles, *tp = piv->store->storage->tiles;
  starpu_data_handle_t hinfo = info->store->storage->tiles[0], *tx = X ? X->store->storage->tiles : NULL;
  struct starpu_data_descr *dd = malloc(sizeof *dd * (size_t)(T + 2));
  if (!dd) st = lnp_error(LNP_ENOMEM, "out of memory");
#define TILE(i, j) t[(size_t)(i) * (size_t)T + (size_t)(j)]
#define XT(i, c) tx[(size_t)(i) * (size_t)C + (size_t)(c)]
#define EXT(i) (bnd[(i) + 1] - bnd[i])
#define CEXT(c) (cbnd[(c) + 1] - cbnd[c])
  for (int k = 0; k < T && !st; k++) {
    const int nt = T - k;
    for (int i = k; i < T; i++) dd[i - k] = (struct starpu_data_descr){TILE(i, k), STARPU_RW};
    dd[nt] = (struct starpu_data_descr){tp[k], STARPU_W};
    dd[nt + 1] = (struct starpu_data_descr){hinfo, k == 0 ? STARPU_W : STARPU_RW};
    st = submit_lu(&lnp_cl_getrf_panel, dtype, nt, n - bnd[k], EXT(k), bnd[k], dd, nt + 2);
    /* the interchanges: the columns to the right first (the next panels
     * wait for them), then L's columns to the left */
    for (int jj = 0; jj < T - 1 && !st; jj++) {
      const int j = k + 1 + jj < T ? k + 1 + jj : jj - (T - 1 - k);
      dd[0] = (struct starpu_data_descr){tp[k], STARPU_R};
      for (int i = k; i < T; i++) dd[1 + i - k] = (struct starpu_data_descr){TILE(i, j), STARPU_RW};
      st = submit_lu(&lnp_cl_laswp, dtype, nt, n - bnd[k], EXT(j), bnd[k], dd, nt + 1);
    }
    for (int j = k + 1; j < T && !st; j++) {
      struct starpu_data_descr d2[2] = {{TILE(k, k), STARPU_R}, {TILE(k, j), STARPU_RW}};
      st = lnp_tiled_blas(LNP_LU_TRSM_L, dtype, EXT(k), EXT(j), 0, d2, 2);
    }
    for (int i = k + 1; i < T && !st; i++)
      for (int j = k + 1; j < T && !st; j++) {
        struct starpu_data_descr d3[3] = {{TILE(i, k), STARPU_R}, {TILE(k, j), STARPU_R}, {TILE(i, j), STARPU_RW}};
        st = lnp_tiled_blas(LNP_LU_GEMM, dtype, EXT(i), EXT(j), EXT(k), d3, 3);
      }
  }
  /* getrs on each tile column c of B: P B, then L^-1, then U^-1 */
  for (int c = 0; c < C && !st; c++) {
    for (int k = 0; k < T && !st; k++) {
      dd[0] = (struct starpu_data_descr){tp[k], STARPU_R};
      for (int i = k; i < T; i++) dd[1 + i - k] = (struct starpu_data_descr){XT(i, c), STARPU_RW};
      st = submit_lu(&lnp_cl_laswp, dtype, T - k, n - bnd[k], CEXT(c), bnd[k], dd, T - k + 1);
    }
    if (!st) st = lnp_tiled_trsolve(LNP_LU_TRSM_L, dtype, t, T, tx, C, c, T, bnd, CEXT(c));
    if (!st) st = lnp_tiled_trsolve(LNP_LU_TRSM_U, dtype, t, T, tx, C, c, T, bnd, CEXT(c));
  }
#undef TILE
#undef XT
#undef EXT
#undef CEXT
  free(dd);
  if (!st) {
    info->store->storage->written[0] = 1;
    for (int k = 0; k < T; k++) piv->store->storage->written[k] = 1;
    st = lnp_launch_sync_after(A);
  }
  if (!st) st = lnp_launch_sync_after(piv);
  if (!st) st = lnp_launch_sync_after(info);
  if (!st && X) st = lnp_launch_sync_after(X);
  free(bnd);
  free(cbnd);
  if (st) {
    lnp_view_free(A);
    lnp_view_free(piv);
    lnp_view_free(info);
    lnp_view_free(X);
    return st;
  }
  *lu_out = A;
  *ipiv_out = piv;
  *info_out = info;
  if (x_out) *x_out = X;
  else lnp_view_free(X);
  return LNP_OK;
}
