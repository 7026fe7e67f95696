/* The least-squares solution of A X = B (m >= n) through the tiled QR
 * factorization of A as a StarPU task graph (codelets/qr.h): A and B are
 * copied into tiled stores (cast to the computation's dtype) whose first
 * row tiles match A's column tiles, so the diagonal tiles are square and
 * R's tile rows are B's first ones; A's rows below n continue in tiles of
 * nb.  Per step k (flat tree, PLASMA's): GEQRT of (k, k), GEMQRT of the
 * row tiles right of it (and of B's row k), TPQRT of each tile (i, k)
 * below it onto R_kk, TPMQRT of the pairs of rows k and i to the right
 * (and of B).  B then holds Q^H B: its first n rows are solved with R by
 * TRSM and GEMM tiles (the LU's ops), the rest are the residuals' rows.
 * The T factors (n_k x ib per tile: LAPACK's ib x n_k read column-major)
 * live in a store of their own. */
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "tiled.h"
#include "store_internal.h"
#include "../codelets/codelets.h"
#include "../codelets/cholesky.h"
#include "../codelets/qr.h"

static lnp_status submit_qr(int op, int dtype, int64_t m, int64_t n, int64_t k, int64_t ib,
                            struct starpu_data_descr *dd, int nbuf)
{
  lnp_qr_desc *d = malloc(sizeof *d);
  if (!d) return lnp_error(LNP_ENOMEM, "out of memory");
  *d = (lnp_qr_desc){.op = op, .dtype = dtype, .m = m, .n = n, .k = k, .ib = ib};
  static const char *names[] = {"geqrt", "gemqrt", "tpqrt", "tpmqrt"};
  return lnp_submit(&lnp_cl_qr_tile, dd, nbuf, d, sizeof *d, names[op]);
}

lnp_status lnp_qr_solve_tiled(const lnp_view *a, const lnp_view *b, int dtype, int64_t nb, int64_t ib,
                              lnp_view **r_out, lnp_view **x_out)
{
  if (a->ndim != 2 || b->ndim != 2 || a->shape[0] < a->shape[1] || a->shape[1] < 1 || b->shape[0] != a->shape[0] ||
      b->shape[1] < 1 || nb < 1 || ib < 1)
    return lnp_error(LNP_EVALUE, "qr: an m x n matrix with m >= n >= 1, b m x nrhs and tile sizes are the caller's");
  if (dtype != LNP_FLOAT32 && dtype != LNP_FLOAT64 && dtype != LNP_COMPLEX64 && dtype != LNP_COMPLEX128)
    return lnp_error(LNP_ETYPE, "qr: dtype %d is not a LAPACK type", dtype);
  const int64_t m = a->shape[0], n = a->shape[1], nrhs = b->shape[1];
  const int64_t NT64 = (n + nb - 1) / nb, MT64 = NT64 + (m - n + nb - 1) / nb, C64 = (nrhs + nb - 1) / nb;
  if (MT64 > 46340 || C64 > 46340) return lnp_error(LNP_EVALUE, "qr: too many tiles");
  const int NT = (int)NT64, MT = (int)MT64, C = (int)C64;
  int64_t *rb = malloc(sizeof(int64_t) * (size_t)(MT + 1)), *cb = malloc(sizeof(int64_t) * (size_t)(NT + 1));
  int64_t *bb = malloc(sizeof(int64_t) * (size_t)(C + 1)), *tb = malloc(sizeof(int64_t) * (size_t)(MT + 1));
  if (!rb || !cb || !bb || !tb) {
    free(rb), free(cb), free(bb), free(tb);
    return lnp_error(LNP_ENOMEM, "out of memory");
  }
  for (int i = 0; i <= NT; i++) cb[i] = i < NT ? (int64_t)i * nb : n;
  for (int i = 0; i <= MT; i++) rb[i] = i <= NT ? cb[i] : (i < MT ? n + (int64_t)(i - NT) * nb : m);
  for (int i = 0; i <= C; i++) bb[i] = i < C ? (int64_t)i * nb : nrhs;
  for (int i = 0; i <= MT; i++) tb[i] = (int64_t)i * ib;
  lnp_view *A = NULL, *T = NULL, *X = NULL;
  const int32_t nta[2] = {MT, NT}, ntb[2] = {MT, C}, ntt[2] = {NT, MT};
  int64_t *ba[2] = {rb, cb}, *bt[2] = {cb, tb}, *bx[2] = {rb, bb};
  const int64_t tshape[2] = {n, (int64_t)MT * ib};
  lnp_status st = lnp_tiled_view(&A, 2, a->shape, dtype, nta, ba);
  if (!st) st = lnp_tiled_view(&T, 2, tshape, dtype, ntt, bt);
  if (!st) st = lnp_tiled_view(&X, 2, b->shape, dtype, ntb, bx);
  if (!st) st = lnp_launch_copy(A, a);
  if (!st) st = lnp_launch_copy(X, b);
  lnp_runtime_activate();
  starpu_data_handle_t *ta = st ? NULL : A->store->storage->tiles, *tt = st ? NULL : T->store->storage->tiles;
  starpu_data_handle_t *tx = st ? NULL : X->store->storage->tiles;
#define AT(i, j) ta[(size_t)(i) * (size_t)NT + (size_t)(j)]
#define TT(i, k) tt[(size_t)(k) * (size_t)MT + (size_t)(i)] /* T of tile (i, k): n_k x ib */
#define XT(i, c) tx[(size_t)(i) * (size_t)C + (size_t)(c)]
#define REXT(i) (rb[(i) + 1] - rb[i])
#define CEXT(j) (cb[(j) + 1] - cb[j])
#define BEXT(c) (bb[(c) + 1] - bb[c])
#define IB(k) (ib < CEXT(k) ? ib : CEXT(k))
  for (int k = 0; k < NT && !st; k++) {
    const int64_t nk = CEXT(k), ibk = IB(k);
    struct starpu_data_descr dg[2] = {{AT(k, k), STARPU_RW}, {TT(k, k), STARPU_W}};
    st = submit_qr(LNP_QR_GEQRT, dtype, nk, nk, nk, ibk, dg, 2);
    for (int j = k + 1; j <= NT + C - 1 && !st; j++) { /* A's row tiles right of (k, k), then B's */
      const int isb = j >= NT;
      struct starpu_data_descr dm[3] = {{AT(k, k), STARPU_R}, {TT(k, k), STARPU_R},
                                        {isb ? XT(k, j - NT) : AT(k, j), STARPU_RW}};
      st = submit_qr(LNP_QR_GEMQRT, dtype, nk, isb ? BEXT(j - NT) : CEXT(j), nk, ibk, dm, 3);
    }
    for (int i = k + 1; i < MT && !st; i++) {
      struct starpu_data_descr dt[3] = {{AT(k, k), STARPU_RW}, {AT(i, k), STARPU_RW}, {TT(i, k), STARPU_W}};
      st = submit_qr(LNP_QR_TPQRT, dtype, REXT(i), nk, nk, ibk, dt, 3);
      for (int j = k + 1; j <= NT + C - 1 && !st; j++) {
        const int isb = j >= NT;
        struct starpu_data_descr dp[4] = {{AT(i, k), STARPU_R},
                                          {TT(i, k), STARPU_R},
                                          {isb ? XT(k, j - NT) : AT(k, j), STARPU_RW},
                                          {isb ? XT(i, j - NT) : AT(i, j), STARPU_RW}};
        st = submit_qr(LNP_QR_TPMQRT, dtype, REXT(i), isb ? BEXT(j - NT) : CEXT(j), nk, ibk, dp, 4);
      }
    }
  }
  /* R X = (Q^H B)[:n]: the backward substitution on B's first NT row tiles */
  for (int c = 0; c < C && !st; c++) st = lnp_tiled_trsolve(LNP_LU_TRSM_U, dtype, ta, NT, tx, C, c, NT, cb, BEXT(c));
#undef AT
#undef TT
#undef XT
#undef REXT
#undef CEXT
#undef BEXT
#undef IB
  if (!st) st = lnp_launch_sync_after(A);
  if (!st) st = lnp_launch_sync_after(X);
  free(rb), free(cb), free(bb), free(tb);
  lnp_view_free(T); /* the tasks hold its tiles until they end */
  if (st) {
    lnp_view_free(A);
    lnp_view_free(X);
    return st;
  }
  *r_out = A;
  *x_out = X;
  return LNP_OK;
}
