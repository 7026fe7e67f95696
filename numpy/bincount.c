/* bincount: per-tile partial histograms, then their sum.
 *
 * The indices (cast to int64, NumPy's intp) keep their tiles; the weights
 * (float64) are copied into tiles laid like them.  Each index tile is
 * counted by one task (lnp_cl_bincount) into a row of a partial store of
 * (rows, nbins): a row per tile, placed with it (no index moves between
 * ranks or GPUs), while the rows stay under a quarter of the input; with
 * many bins, fewer rows, each counting a run of consecutive tiles in turn
 * (down to one: the result itself, no parallelism).  The rows are summed
 * by the reduction (reduce.c). */
#include <stdlib.h>
#include <string.h>
#include "launch.h"
#include "store_internal.h"
#include "../codelets/bincount.h"
#include "../codelets/codelets.h"

#define LNP_BINCOUNT_ROWS 16

/* A new store tiled along dim 0 like the 1-D store `like`: with like's
 * own bounds (groups 0), or in `groups` rows of one element, row r placed
 * with like's tile r * tiles / groups (the first of the tiles it counts);
 * like NULL: one tile.  Other dims are one tile. */
static lnp_status new_store(lnp_view **out, int ndim, const int64_t *shape, int dtype, const lnp_store *like,
                            int64_t groups)
{
  int32_t nt[2] = {1, 1};
  int64_t *b[2] = {NULL, NULL};
  size_t *src_tile = NULL;
  lnp_status st = LNP_OK;
  if (like) nt[0] = groups ? (int32_t)groups : like->ntiles[0];
  for (int d = 0; d < ndim && !st; d++) {
    b[d] = malloc(sizeof(int64_t) * ((size_t)nt[d] + 1));
    if (!b[d]) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
    if (d == 0 && like && !groups)
      memcpy(b[d], like->bounds[0], sizeof(int64_t) * ((size_t)nt[d] + 1));
    else if (d == 0 && like)
      for (int32_t t = 0; t <= nt[d]; t++) b[d][t] = t;
    else {
      b[d][0] = 0;
      b[d][1] = shape[d];
    }
  }
  if (!st && like) {
    src_tile = malloc(sizeof(size_t) * (size_t)nt[0]);
    if (!src_tile) st = lnp_error(LNP_ENOMEM, "out of memory");
    for (int32_t t = 0; !st && t < nt[0]; t++)
      src_tile[t] = groups ? (size_t)((int64_t)t * like->ntiles[0] / groups) : (size_t)t;
  }
  lnp_store *s = NULL;
  if (!st) st = lnp_store_create_placed(&s, ndim, shape, dtype, nt, b, like, src_tile);
  free(src_tile);
  for (int d = 0; d < 2; d++) free(b[d]);
  if (st) return st;
  *out = lnp_view_new(s);
  lnp_store_release(s);
  return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
}

lnp_status lnp_bincount(const lnp_view *x, const lnp_view *w, int64_t nbins, lnp_view **res)
{
  *res = NULL;
  if (x->ndim != 1 || (w && (w->ndim != 1 || w->shape[0] != x->shape[0])) || nbins < 0)
    return lnp_error(LNP_EVALUE, "bincount: bad arguments");
  const int dtype = w ? LNP_FLOAT64 : LNP_INT64;
  lnp_view *xi = NULL, *wi = NULL, *H = NULL, *R = NULL;
  lnp_status st = LNP_OK;
  /* indices: an int64 store of compact tiles */
  if (x->store->dtype == LNP_INT64 && lnp_view_is_identity(x) && x->store->ndim == 1) {
    xi = lnp_view_copy(x);
    if (!xi) return lnp_error(LNP_ENOMEM, "out of memory");
  } else if ((st = lnp_materialize(x, LNP_INT64, &xi)))
    return st;
  const lnp_store *xs = xi->store;
  const int64_t n = xs->shape[0], T = xs->ntiles[0];
  if (w) {
    st = new_store(&wi, 1, xs->shape, LNP_FLOAT64, xs, 0);
    if (!st) st = lnp_launch_copy(wi, w);
  }
  const int64_t rshape[1] = {nbins};
  /* G rows of partial counts, each counting a run of consecutive tiles in
   * turn: a row per tile while the rows stay under a quarter of the
   * input's elements, and at most LNP_BINCOUNT_ROWS, enough to keep the
   * workers busy (the rows' sum costs G * nbins; a constant, so that every
   * MPI rank plans the same); one row: the result itself */
  int64_t G = nbins > 0 ? n / (4 * nbins) : T;
  G = G < 1 ? 1 : G > T ? T : G > LNP_BINCOUNT_ROWS ? LNP_BINCOUNT_ROWS : G;
  const int partial = G > 1;
  if (!st) {
    if (partial) {
      const int64_t hshape[2] = {G, nbins};
      st = new_store(&H, 2, hshape, dtype, xs, G);
    } else
      st = new_store(&R, 1, rshape, dtype, NULL, 0);
  }
  if (!st) st = lnp_launch_sync_before(xi);
  lnp_runtime_activate();
  for (int64_t t = 0, r = 0; t < T && !st && n > 0; t++) {
    const lnp_view *row = partial ? H : R;
    /* row r counts tiles [r*T/G, (r+1)*T/G): the first writes it */
    while ((r + 1) * T / G <= t) r++;
    const int first = t == r * T / G;
    lnp_tile_ensure_written(xs, (size_t)t);
    struct starpu_data_descr d[3] = {
        {row->store->storage->tiles[r], first ? STARPU_W : STARPU_RW},
        {xs->storage->tiles[t], STARPU_R},
        {w ? wi->store->storage->tiles[t] : NULL, STARPU_R},
    };
    row->store->storage->written[r] = 1;
    lnp_bincount_desc *bd = malloc(sizeof *bd);
    if (!bd) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
    bd->nbins = nbins;
    bd->weighted = w != NULL;
    bd->accumulate = !first;
    st = lnp_submit(&lnp_cl_bincount, d, w ? 3 : 2, bd, sizeof *bd, "bincount");
  }
  if (!st && (n == 0 || nbins == 0) && !partial) {
    lnp_scalar zero;
    memset(&zero, 0, sizeof zero);
    st = lnp_fill(R, dtype, zero);
  } else if (!st && partial) {
    /* the rows' sum, in a result of the default tiling */
    lnp_store *s;
    st = lnp_store_create(&s, 1, rshape, dtype);
    if (!st) {
      R = lnp_view_new(s);
      lnp_store_release(s);
      if (!R) st = lnp_error(LNP_ENOMEM, "out of memory");
    }
    const int axis0 = 0;
    if (!st) st = lnp_reduce(LNP_OP_ADD, R, H, 1, &axis0, dtype);
  } else if (!st)
    st = lnp_launch_sync_after(R);
  lnp_view_free(xi);
  lnp_view_free(wi);
  lnp_view_free(H);
  if (st) {
    lnp_view_free(R);
    return st;
  }
  *res = R;
  return LNP_OK;
}
