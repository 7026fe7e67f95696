/* Sorting along an axis, and searchsorted (the tasks of codelets/sort.h).
 *
 * The sort axis is moved last (a transposed view) and the elements are
 * copied into a new store, which the tasks sort in place:
 *  - several lines (any array with more than one): the store is tiled
 *    along the other dims only, every line whole in one tile, and one
 *    SORT task per tile sorts its lines (the other dims' parallelism);
 *  - one line (a 1-D array, axis=None): the line is cut into P runs (one
 *    per worker that sorts: GPUs, or CPU cores where tasks run on them;
 *    times the ranks), a SORT task each, then one MERGE task per tile of
 *    the default-tiled result takes its rank range from all runs.  No
 *    host round trip: every merge task finds its range's start in each
 *    run itself.  With one run and a one-tile result (one GPU) the sorted
 *    run is the result.  Under MPI a merge task runs where its result
 *    tile lives and receives every run (the whole array): a distributed
 *    version would first split the runs at sampled splitters.
 * An argsort sorts the values with their indices beside them and returns
 * the indices; every task is stable, so its ties are NumPy's
 * kind='stable' ones.  The result is C-contiguous in the original axis
 * order (a copy back when the axis was not the last). */
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "store_internal.h"
#include "../codelets/codelets.h"
#include "../codelets/sort.h"

/* st, or a whole-store view of s (the view holds the store) */
/* the most merge tasks of a sort (each finds its range in every run) */
#define LNP_SORT_MAX_MERGES 1024

static lnp_status wrap_store(lnp_status st, lnp_store **s, lnp_view **out)
{
  if (st) return st;
  *out = lnp_view_new(*s);
  lnp_store_release(*s);
  return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
}

/* a new store of `like`'s shape and tiling, each tile placed with like's */
static lnp_status store_like(const lnp_store *like, int dtype, lnp_view **out)
{
  size_t *src_tile = malloc(sizeof(size_t) * like->total_tiles);
  if (!src_tile) return lnp_error(LNP_ENOMEM, "out of memory");
  for (size_t t = 0; t < like->total_tiles; t++) src_tile[t] = t;
  int64_t *b[LNP_MAXDIM];
  for (int d = 0; d < like->ndim; d++) b[d] = like->bounds[d];
  lnp_store *s = NULL;
  lnp_status st =
      lnp_store_create_placed(&s, like->ndim, like->shape, dtype, like->ntiles, b, like, src_tile);
  free(src_tile);
  return wrap_store(st, &s, out);
}

/* a 1-D store of n elements in `tiles` near-equal tiles */
static lnp_status store_runs(int64_t n, int32_t tiles, int dtype, lnp_view **out)
{
  int64_t *b0 = malloc(sizeof(int64_t) * ((size_t)tiles + 1));
  if (!b0) return lnp_error(LNP_ENOMEM, "out of memory");
  for (int32_t t = 0; t <= tiles; t++) b0[t] = n * t / tiles;
  int64_t *b[1] = {b0};
  lnp_store *s = NULL;
  lnp_status st = lnp_store_create_tiled(&s, 1, &n, dtype, &tiles, b);
  free(b0);
  return wrap_store(st, &s, out);
}

/* How many runs a line of n elements is cut into: the workers that sort
 * (CUDA workers, and the CPU ones unless tasks are kept off them), times
 * the ranks, each run at least 2^16 elements; test mode: runs of 3, to
 * take every path on small arrays, at most 16 of them (every merge task
 * reads every run: 64 made test_sorting under 4 ranks run past 15
 * minutes on 2 cores). */
#define LNP_SORT_TEST_RUNS 16
static int32_t run_count(int64_t n)
{
  int64_t P;
  if (lnp_runtime_test_mode())
    P = (n + 2) / 3 < LNP_SORT_TEST_RUNS ? (n + 2) / 3 : LNP_SORT_TEST_RUNS;
  else {
    int64_t w = starpu_worker_get_count_by_type(STARPU_CUDA_WORKER);
    if (!(w > 0 && lnp_codelets_gpu_only())) w += starpu_worker_get_count_by_type(STARPU_CPU_WORKER);
    w *= lnp_mpi_size();
    const int64_t most = n >> 16;
    P = w < most ? w : most;
  }
  return (int32_t)(P < 1 ? 1 : P > LNP_SORT_MAX_RUNS ? LNP_SORT_MAX_RUNS : P);
}

static lnp_status submit_sort(const lnp_store *vs, const lnp_store *is, size_t t, int64_t line, int64_t base)
{
  lnp_sort_desc *sd = calloc(1, sizeof *sd);
  if (!sd) return lnp_error(LNP_ENOMEM, "out of memory");
  sd->dtype = vs->dtype;
  sd->arg = is != NULL;
  sd->line = line;
  sd->base = base;
  struct starpu_data_descr d[2] = {{vs->storage->tiles[t], STARPU_RW}, {is ? is->storage->tiles[t] : NULL, STARPU_W}};
  if (is) is->storage->written[t] = 1;
  return lnp_submit(&lnp_cl_sort, d, is ? 2 : 1, sd, sizeof *sd, "sort");
}

/* the lines (last dim) of mv, several: a copy tiled along the other dims
 * only, each tile's lines sorted in place; *out: the values or indices */
static lnp_status sort_lines(const lnp_view *mv, int arg, lnp_view **out)
{
  const int nd = mv->ndim;
  int32_t nt[LNP_MAXDIM];
  int64_t ch[LNP_MAXDIM], *b[LNP_MAXDIM] = {0};
  lnp_store_default_tiling(nd, mv->shape, mv->store->itemsize, nt, ch);
  nt[nd - 1] = 1;
  ch[nd - 1] = mv->shape[nd - 1];
  lnp_status st = LNP_OK;
  for (int d = 0; d < nd && !st; d++) {
    b[d] = malloc(sizeof(int64_t) * ((size_t)nt[d] + 1));
    if (!b[d]) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
    for (int32_t t = 0; t < nt[d]; t++) b[d][t] = t * ch[d];
    b[d][nt[d]] = mv->shape[d];
  }
  lnp_store *s = NULL;
  lnp_view *L = NULL, *Ix = NULL;
  if (!st) st = wrap_store(lnp_store_create_tiled(&s, nd, mv->shape, mv->store->dtype, nt, b), &s, &L);
  for (int d = 0; d < nd; d++) free(b[d]);
  if (!st) st = lnp_launch_copy(L, mv);
  if (!st && arg) st = store_like(L->store, LNP_INT64, &Ix);
  lnp_runtime_activate();
  for (size_t t = 0; !st && t < L->store->total_tiles; t++)
    st = submit_sort(L->store, arg ? Ix->store : NULL, t, mv->shape[nd - 1], 0);
  if (!st) st = lnp_launch_sync_after(L);
  if (!st && arg) st = lnp_launch_sync_after(Ix);
  if (st) {
    lnp_view_free(L);
    lnp_view_free(Ix);
    return st;
  }
  if (arg) {
    lnp_view_free(L);
    *out = Ix;
  } else
    *out = L;
  return LNP_OK;
}

/* one line v1 (1-D): P sorted runs merged into the default-tiled result */
static lnp_status sort_runs(const lnp_view *v1, int arg, lnp_view **out)
{
  const int64_t n = v1->shape[0];
  const int32_t P = run_count(n);
  lnp_view *T = NULL, *Ix = NULL, *O = NULL;
  lnp_status st = store_runs(n, P, v1->store->dtype, &T);
  if (!st) st = lnp_launch_copy(T, v1);
  if (!st && arg) st = store_like(T->store, LNP_INT64, &Ix);
  lnp_runtime_activate();
  const lnp_store *ts = T ? T->store : NULL;
  for (int32_t t = 0; !st && t < P; t++)
    st = submit_sort(ts, arg ? Ix->store : NULL, (size_t)t, ts->bounds[0][t + 1] - ts->bounds[0][t],
                     ts->bounds[0][t]);
  int32_t nt;
  int64_t ch;
  lnp_store_default_tiling(1, &n, 8, &nt, &ch);
  if (!st && P == 1 && nt == 1) { /* the sorted run is the result */
    if (!(st = lnp_launch_sync_after(T)) && arg) st = lnp_launch_sync_after(Ix);
    if (!st) {
      *out = arg ? Ix : T;
      lnp_view_free(arg ? T : Ix);
      return LNP_OK;
    }
  }
  /* the result tiled by default, unless that is many tiny tiles (test
   * mode): then like the runs, so that merge tasks stay few */
  lnp_store *os = NULL;
  const int odt = arg ? LNP_INT64 : v1->store->dtype;
  if (!st && nt > LNP_SORT_MAX_MERGES)
    st = store_like(ts, odt, &O);
  else if (!st)
    st = wrap_store(lnp_store_create(&os, 1, &n, odt), &os, &O);
  struct starpu_data_descr *d = st ? NULL : malloc(sizeof *d * (2 * (size_t)P + 1));
  if (!st && !d) st = lnp_error(LNP_ENOMEM, "out of memory");
  for (int32_t q = 0; !st && q < O->store->ntiles[0]; q++) {
    lnp_sort_desc *sd = calloc(1, sizeof *sd);
    if (!sd) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
    sd->dtype = v1->store->dtype;
    sd->arg = arg;
    sd->nruns = P;
    sd->out_lo = O->store->bounds[0][q];
    d[0] = (struct starpu_data_descr){O->store->storage->tiles[q], STARPU_W};
    for (int32_t r = 0; r < P; r++) {
      d[1 + r] = (struct starpu_data_descr){ts->storage->tiles[r], STARPU_R};
      if (arg) d[1 + P + r] = (struct starpu_data_descr){Ix->store->storage->tiles[r], STARPU_R};
    }
    O->store->storage->written[q] = 1;
    st = lnp_submit(&lnp_cl_merge, d, 1 + (arg ? 2 : 1) * P, sd, sizeof *sd, "merge");
  }
  free(d);
  if (!st) st = lnp_launch_sync_after(O);
  lnp_view_free(T);
  lnp_view_free(Ix);
  if (st) {
    lnp_view_free(O);
    return st;
  }
  *out = O;
  return LNP_OK;
}

lnp_status lnp_sort(const lnp_view *src, int axis, int arg, lnp_view **res)
{
  *res = NULL;
  const int nd = src->ndim;
  if (nd < 1 || axis < 0 || axis >= nd) return lnp_error(LNP_EVALUE, "sort: bad axis %d for %d dims", axis, nd);
  const int odt = arg ? LNP_INT64 : src->store->dtype;
  const int64_t size = lnp_view_size(src), n = src->shape[axis];
  if (size == 0) {
    lnp_store *s = NULL;
    return wrap_store(lnp_store_create(&s, nd, src->shape, odt), &s, res);
  }
  int perm[LNP_MAXDIM], inv[LNP_MAXDIM];
  for (int d = 0; d < nd - 1; d++) perm[d] = d < axis ? d : d + 1;
  perm[nd - 1] = axis;
  for (int d = 0; d < nd; d++) inv[perm[d]] = d;
  lnp_view *mv = NULL, *r = NULL, *v1 = NULL;
  int is_view;
  lnp_status st = lnp_view_transpose(src, perm, &mv);
  if (!st && size == n) { /* one line */
    st = lnp_view_reshape(mv, 1, &n, &v1, &is_view);
    lnp_view *r1 = NULL;
    if (!st) st = sort_runs(v1, arg, &r1);
    if (!st) st = lnp_view_reshape(r1, nd, src->shape, &r, &is_view);
    lnp_view_free(r1);
  } else if (!st) {
    lnp_view *rm = NULL, *back = NULL;
    st = sort_lines(mv, arg, &rm);
    if (!st && axis == nd - 1)
      r = rm, rm = NULL;
    else if (!st && !(st = lnp_view_transpose(rm, inv, &back)))
      st = lnp_materialize(back, odt, &r);
    lnp_view_free(rm);
    lnp_view_free(back);
  }
  lnp_view_free(mv);
  lnp_view_free(v1);
  if (st) {
    lnp_view_free(r);
    return st;
  }
  *res = r;
  return LNP_OK;
}

lnp_status lnp_searchsorted(const lnp_view *a, const lnp_view *v, int right, lnp_view **res)
{
  *res = NULL;
  if (a->ndim != 1 || a->store->dtype != v->store->dtype)
    return lnp_error(LNP_EVALUE, "searchsorted: a must be 1-D and of v's dtype");
  const int64_t n = a->shape[0];
  lnp_view *A = NULL, *V = NULL, *O = NULL;
  lnp_status st = LNP_OK;
  /* the sorted array as at most LNP_SORT_MAX_RUNS compact tiles */
  if (lnp_view_is_identity(a) && a->store->ndim == 1 && a->store->ntiles[0] <= LNP_SORT_MAX_RUNS) {
    if (!(A = lnp_view_copy(a))) return lnp_error(LNP_ENOMEM, "out of memory");
    st = lnp_launch_sync_before(A);
  } else {
    int32_t nt;
    int64_t ch;
    lnp_store_default_tiling(1, &n, a->store->itemsize, &nt, &ch);
    st = store_runs(n, nt < LNP_SORT_MAX_RUNS ? nt : LNP_SORT_MAX_RUNS, a->store->dtype, &A);
    if (!st) st = lnp_launch_copy(A, a);
  }
  /* the values' compact tiles, the result tiled as they are */
  if (!st && lnp_view_is_identity(v)) {
    if (!(V = lnp_view_copy(v))) st = lnp_error(LNP_ENOMEM, "out of memory");
    if (!st) st = lnp_launch_sync_before(V);
  } else if (!st)
    st = lnp_materialize(v, v->store->dtype, &V);
  if (!st) st = store_like(V->store, LNP_INT64, &O);
  const lnp_store *as = A ? A->store : NULL, *vs = V ? V->store : NULL;
  const int P = as ? as->ntiles[0] : 0;
  struct starpu_data_descr *d = st ? NULL : malloc(sizeof *d * ((size_t)P + 2));
  if (!st && !d) st = lnp_error(LNP_ENOMEM, "out of memory");
  lnp_runtime_activate();
  for (int r = 0; !st && r < P; r++) lnp_tile_ensure_written(as, (size_t)r);
  for (size_t t = 0; !st && lnp_view_size(v) > 0 && t < vs->total_tiles; t++) {
    lnp_sort_desc *sd = calloc(1, sizeof *sd);
    if (!sd) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
    sd->dtype = as->dtype;
    sd->nruns = P;
    sd->right = right;
    lnp_tile_ensure_written(vs, t);
    d[0] = (struct starpu_data_descr){O->store->storage->tiles[t], STARPU_W};
    d[1] = (struct starpu_data_descr){vs->storage->tiles[t], STARPU_R};
    for (int r = 0; r < P; r++) d[2 + r] = (struct starpu_data_descr){as->storage->tiles[r], STARPU_R};
    O->store->storage->written[t] = 1;
    st = lnp_submit(&lnp_cl_search, d, P + 2, sd, sizeof *sd, "searchsorted");
  }
  free(d);
  if (!st) st = lnp_launch_sync_after(O);
  lnp_view_free(A);
  lnp_view_free(V);
  if (st) {
    lnp_view_free(O);
    return st;
  }
  *res = O;
  return LNP_OK;
}
