/* The tiled Cholesky factorization of one matrix as a StarPU task graph
 * (after Chameleon's pzpotrf, right-looking): the matrix is copied into a
 * store of nb x nb tiles (cast to the computation's dtype), then for each
 * step k: POTRF of tile (k, k), TRSM of the tiles below it, SYRK of the
 * later diagonal tiles and GEMM of the tiles between (cholesky.h).
 * StarPU orders the tasks by their tiles (sequential consistency), so
 * step k+1's POTRF starts as soon as its own updates are done while the
 * rest of step k's trailing update runs: the graph spreads over every
 * worker, GPU and (through lnp_submit) rank.  The tiles above the diagonal
 * are zeroed (NumPy's L); POTRF's info, the first failing row, tells the
 * Python layer to raise LinAlgError. */
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "store_internal.h"
#include "../codelets/codelets.h"
#include "../codelets/cholesky.h"

static lnp_status submit_tile(struct starpu_codelet *cl, int op, int dtype, int64_t m, int64_t n, int64_t k,
                              int64_t row0, struct starpu_data_descr *dd, int nbuf)
{
  lnp_chol_desc *d = malloc(sizeof *d);
  if (!d) return lnp_error(LNP_ENOMEM, "out of memory");
  *d = (lnp_chol_desc){.op = op, .dtype = dtype, .m = m, .n = n, .k = k, .row0 = row0};
  static const char *names[] = {"potrf", "trsm", "syrk", "gemm", "zero"};
  return lnp_submit(cl, dd, nbuf, d, sizeof *d, names[op]);
}

lnp_status lnp_cholesky_tiled(const lnp_view *a, int dtype, int64_t nb, lnp_view **L_out, lnp_view **info_out)
{
  if (a->ndim != 2 || a->shape[0] != a->shape[1] || a->shape[0] < 1 || nb < 1)
    return lnp_error(LNP_EVALUE, "cholesky: a non-empty square matrix and a tile size are the caller's");
  if (dtype != LNP_FLOAT32 && dtype != LNP_FLOAT64 && dtype != LNP_COMPLEX64 && dtype != LNP_COMPLEX128)
    return lnp_error(LNP_ETYPE, "cholesky: dtype %d is not a LAPACK type", dtype);
  const int64_t n = a->shape[0], T64 = (n + nb - 1) / nb;
  if (T64 > 46340) return lnp_error(LNP_EVALUE, "cholesky: too many tiles");
  const int T = (int)T64;
  int64_t *bnd = malloc(sizeof(int64_t) * (size_t)(T + 1));
  if (!bnd) return lnp_error(LNP_ENOMEM, "out of memory");
  for (int i = 0; i <= T; i++) bnd[i] = i < T ? (int64_t)i * nb : n;
  const int32_t nt[2] = {T, T};
  int64_t *bounds[2] = {bnd, bnd};
  lnp_store *s = NULL, *si = NULL;
  lnp_view *A = NULL, *info = NULL;
  const int64_t shape1[1] = {1};
  const int32_t nt1[1] = {1};
  int64_t b1[2] = {0, 1};
  int64_t *bounds1[1] = {b1};
  lnp_status st = lnp_store_create_tiled(&s, 2, a->shape, dtype, nt, bounds);
  if (!st) st = lnp_store_create_tiled(&si, 1, shape1, LNP_INT64, nt1, bounds1);
  if (!st) {
    A = lnp_view_new(s);
    info = lnp_view_new(si);
    if (!A || !info) st = lnp_error(LNP_ENOMEM, "out of memory");
  }
  if (s) lnp_store_release(s);
  if (si) lnp_store_release(si);
  if (!st) st = lnp_launch_copy(A, a);
  lnp_runtime_activate();
  starpu_data_handle_t *t = st ? NULL : A->store->storage->tiles;
  starpu_data_handle_t hinfo = st ? NULL : info->store->storage->tiles[0];
#define TILE(i, j) t[(size_t)(i) * (size_t)T + (size_t)(j)]
#define EXT(i) (bnd[(i) + 1] - bnd[i])
  for (int k = 0; k < T && !st; k++) {
    struct starpu_data_descr dp[2] = {{TILE(k, k), STARPU_RW}, {hinfo, k == 0 ? STARPU_W : STARPU_RW}};
    st = submit_tile(&lnp_cl_potrf, LNP_CHOL_POTRF, dtype, EXT(k), EXT(k), 0, bnd[k], dp, 2);
    for (int i = k + 1; i < T && !st; i++) {
      struct starpu_data_descr dt[2] = {{TILE(k, k), STARPU_R}, {TILE(i, k), STARPU_RW}};
      st = submit_tile(&lnp_cl_chol_tile, LNP_CHOL_TRSM, dtype, EXT(i), EXT(k), 0, 0, dt, 2);
    }
    for (int i = k + 1; i < T && !st; i++) {
      struct starpu_data_descr ds[2] = {{TILE(i, k), STARPU_R}, {TILE(i, i), STARPU_RW}};
      st = submit_tile(&lnp_cl_chol_tile, LNP_CHOL_SYRK, dtype, EXT(i), EXT(i), EXT(k), 0, ds, 2);
      for (int j = k + 1; j < i && !st; j++) {
        struct starpu_data_descr dg[3] = {{TILE(i, k), STARPU_R}, {TILE(j, k), STARPU_R}, {TILE(i, j), STARPU_RW}};
        st = submit_tile(&lnp_cl_chol_tile, LNP_CHOL_GEMM, dtype, EXT(i), EXT(j), EXT(k), 0, dg, 3);
      }
    }
  }
  for (int i = 0; i < T && !st; i++)
    for (int j = i + 1; j < T && !st; j++) {
      struct starpu_data_descr dz[1] = {{TILE(i, j), STARPU_W}};
      st = submit_tile(&lnp_cl_chol_tile, LNP_CHOL_ZERO, dtype, EXT(i), EXT(j), 0, 0, dz, 1);
    }
#undef TILE
#undef EXT
  if (!st) {
    info->store->storage->written[0] = 1;
    st = lnp_launch_sync_after(A);
  }
  if (!st) st = lnp_launch_sync_after(info);
  free(bnd);
  if (st) {
    lnp_view_free(A);
    lnp_view_free(info);
    return st;
  }
  *L_out = A;
  *info_out = info;
  return LNP_OK;
}
