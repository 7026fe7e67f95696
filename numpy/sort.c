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
 *    run is the result.  Under MPI the runs are first cut at the ranks'
 *    boundaries in the result (merge_split), so that a rank receives only
 *    the elements its result tiles hold.
 * An argsort sorts the values with their indices beside them and returns
 * the indices; every task is stable, so its ties are NumPy's
 * kind='stable' ones.  The result is C-contiguous in the original axis
 * order (a copy back when the axis was not the last). */
#include <stdlib.h>
#include <string.h>

#include "collective.h"
#include "launch.h"
#include "store_internal.h"
#include "../codelets/codelets.h"
#include "../codelets/sort.h"
#include "../data-interfaces/nd_interface.h"

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
  lnp_store *s = NULL;
  lnp_view *L = NULL, *Ix = NULL;
  lnp_status st = wrap_store(lnp_store_create_lines(&s, nd, mv->shape, mv->store->dtype, nd - 1, NULL), &s, &L);
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

/* one MERGE task: result tile q of os, the elements of merge rank
 * [out_lo, ...) of nr runs (their value tiles vals[0..nr), with arg their
 * index tiles idx[0..nr)) */
static lnp_status submit_merge(const lnp_store *os, int32_t q, int dtype, int arg, int32_t nr,
                               starpu_data_handle_t *const *vals, starpu_data_handle_t *const *idx, int64_t out_lo)
{
  struct starpu_data_descr d[1 + 2 * LNP_SORT_MAX_RUNS];
  lnp_sort_desc *sd = calloc(1, sizeof *sd);
  if (!sd) return lnp_error(LNP_ENOMEM, "out of memory");
  sd->dtype = dtype;
  sd->arg = arg;
  sd->nruns = nr;
  sd->out_lo = out_lo;
  d[0] = (struct starpu_data_descr){os->storage->tiles[q], STARPU_W};
  for (int32_t r = 0; r < nr; r++) {
    d[1 + r] = (struct starpu_data_descr){*vals[r], STARPU_R};
    if (arg) d[1 + nr + r] = (struct starpu_data_descr){*idx[r], STARPU_R};
  }
  os->storage->written[q] = 1;
  return lnp_submit(&lnp_cl_merge, d, 1 + (arg ? 2 : 1) * nr, sd, sizeof *sd, "merge");
}

/* a 1-D slice [lo, lo + len) of the 1-D view v */
static lnp_status slice1(const lnp_view *v, int64_t lo, int64_t len, lnp_view **out)
{
  const lnp_key k = {LNP_KEY_SLICE, lo, lo + len, 1, len};
  return lnp_view_index(v, 1, &k, out);
}

static int sum_over_ranks(int64_t *v, int64_t n, void *ctx)
{
  (void)ctx;
  return lnp_mpi_sum_i64(v, n) != LNP_OK;
}

/* The merge under MPI, split at the ranks' boundaries: the result's tiles
 * fall into segments, one per rank (the block distribution gives a rank
 * consecutive tiles), and each run is cut where the segments' first
 * elements fall in it, so that a rank receives only the pieces of the
 * runs its own result tiles hold, not every run.  The cuts are co-ranks
 * of the segments' first global ranks, found by every rank together: each
 * reads its own sorted runs on the host and the counts of a k-ary search
 * over the key space are summed over the ranks (lnp_sort_split_cpu, a few
 * rounds of small messages).  Every piece is copied where its run lives
 * into a tile of its own, and a merge task of segment s reads segment s's
 * pieces, which merged are exactly its range. */
static lnp_status merge_split(const lnp_view *T, const lnp_view *Ix, const lnp_store *os, int dtype, int arg,
                              int S, const int32_t *seg_first)
{
  const lnp_store *ts = T->store;
  const int32_t P = ts->ntiles[0];
  const int64_t n = os->shape[0];
  const int nb = S - 1;
  int64_t *G = malloc(sizeof *G * ((size_t)S + 1)), *cnt = calloc(2 * (size_t)nb * (size_t)P, sizeof *cnt);
  int64_t *mine = malloc(sizeof *mine * (2 * (size_t)nb * (size_t)P + 1));
  int64_t *pos = malloc(sizeof *pos * ((size_t)S + 1) * (size_t)P);
  lnp_status st = G && cnt && mine && pos ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
  for (int s = 0; !st && s <= S; s++) G[s] = s < S ? os->bounds[0][seg_first[s]] : n;
  /* this rank's runs on the host */
  const void *runs[LNP_SORT_MAX_RUNS];
  int64_t len[LNP_SORT_MAX_RUNS];
  int32_t which[LNP_SORT_MAX_RUNS];
  int L = 0, ret = 0;
  if (!st) st = lnp_batch_flush();
  if (!st) {
    void *blk = lnp_block_begin();
    for (int32_t r = 0; r < P && !ret; r++) {
      starpu_data_handle_t h = ts->storage->tiles[r];
      if (!lnp_mpi_tile_is_local(h)) continue;
      if ((ret = starpu_data_acquire(h, STARPU_R)) != 0) break;
      runs[L] = LNP_ND_GET_PTR(starpu_data_get_interface_on_node(h, STARPU_MAIN_RAM));
      len[L] = ts->bounds[0][r + 1] - ts->bounds[0][r];
      which[L++] = r;
    }
    lnp_block_end(blk);
    if (ret) st = lnp_error(LNP_ERUNTIME, "StarPU could not acquire a sorted run (error %d)", ret);
  }
  /* every rank takes part in the sums, also one that failed above (it
   * searches no runs): an early return would leave the others waiting */
  int64_t *less = mine, *eq = mine + (size_t)nb * (size_t)L;
  if (lnp_sort_split_cpu(dtype, st ? 0 : L, runs, len, nb, G + 1, sum_over_ranks, NULL, less, eq) && !st)
    st = lnp_error(LNP_ERUNTIME, "the distributed sort could not split its runs");
  if (L) {
    void *blk = lnp_block_begin();
    for (int i = 0; i < L; i++) starpu_data_release(ts->storage->tiles[which[i]]);
    lnp_block_end(blk);
  }
  /* every run's counts on every rank: this rank's in place, then summed */
  for (int b = 0; cnt && b < nb; b++)
    for (int i = 0; i < L && !st; i++) {
      cnt[(size_t)b * P + which[i]] = less[(size_t)b * L + i];
      cnt[((size_t)nb + b) * P + which[i]] = eq[(size_t)b * L + i];
    }
  lnp_status st2 = cnt ? lnp_mpi_sum_i64(cnt, 2 * (int64_t)nb * P) : LNP_OK;
  if (!st) st = st2;
  /* pos[s][r]: where segment s starts in run r; of the elements equal to
   * a boundary's key, the first ones (in run order) go before it */
  for (int32_t r = 0; !st && r < P; r++) {
    pos[r] = 0;
    pos[(size_t)S * P + r] = ts->bounds[0][r + 1] - ts->bounds[0][r];
  }
  for (int b = 0; !st && b < nb; b++) {
    int64_t rem = G[b + 1];
    for (int32_t r = 0; r < P; r++) rem -= cnt[(size_t)b * P + r];
    for (int32_t r = 0; r < P; r++) {
      const int64_t e = cnt[((size_t)nb + b) * P + r], take = e < rem ? e : rem;
      pos[(size_t)(b + 1) * P + r] = cnt[(size_t)b * P + r] + take;
      rem -= take;
    }
    if (rem != 0) st = lnp_error(LNP_ERUNTIME, "the distributed sort's split does not add up");
  }
  /* the pieces: one tile each, placed with its run */
  int32_t K = 0;
  int64_t *pb = NULL;
  size_t *src = NULL;
  int32_t *first = NULL;
  if (!st) {
    pb = malloc(sizeof *pb * ((size_t)S * P + 1));
    src = malloc(sizeof *src * ((size_t)S * P));
    first = malloc(sizeof *first * ((size_t)S + 1));
    if (!pb || !src || !first) st = lnp_error(LNP_ENOMEM, "out of memory");
  }
  int64_t off = 0;
  for (int s = 0; !st && s < S; s++) {
    first[s] = K;
    for (int32_t r = 0; r < P; r++) {
      const int64_t m = pos[(size_t)(s + 1) * P + r] - pos[(size_t)s * P + r];
      if (m <= 0) continue;
      pb[K] = off;
      off += m;
      src[K++] = (size_t)r;
    }
  }
  if (!st) {
    first[S] = K;
    pb[K] = off;
  }
  lnp_view *Pv = NULL, *Pi = NULL;
  if (!st) {
    int64_t *b[1] = {pb};
    lnp_store *ps = NULL;
    st = wrap_store(lnp_store_create_placed(&ps, 1, &n, dtype, &K, b, ts, src), &ps, &Pv);
    if (!st && arg) {
      ps = NULL;
      st = wrap_store(lnp_store_create_placed(&ps, 1, &n, LNP_INT64, &K, b, Ix->store, src), &ps, &Pi);
    }
  }
  for (int s = 0, t = 0; !st && s < S; s++)
    for (int32_t r = 0; r < P && !st; r++) {
      const int64_t a = pos[(size_t)s * P + r], m = pos[(size_t)(s + 1) * P + r] - a;
      if (m <= 0) continue;
      for (int w = 0; w < (arg ? 2 : 1) && !st; w++) {
        lnp_view *dst = NULL, *from = NULL;
        st = slice1(w ? Pi : Pv, pb[t], m, &dst);
        if (!st) st = slice1(w ? Ix : T, ts->bounds[0][r] + a, m, &from);
        if (!st) st = lnp_launch_copy(dst, from);
        lnp_view_free(dst);
        lnp_view_free(from);
      }
      t++;
    }
  /* a merge task per result tile, over its segment's pieces */
  for (int s = 0; !st && s < S; s++) {
    starpu_data_handle_t *vals[LNP_SORT_MAX_RUNS], *idx[LNP_SORT_MAX_RUNS];
    const int32_t nr = first[s + 1] - first[s];
    for (int32_t i = 0; i < nr; i++) {
      vals[i] = &Pv->store->storage->tiles[first[s] + i];
      idx[i] = arg ? &Pi->store->storage->tiles[first[s] + i] : NULL;
    }
    for (int32_t q = seg_first[s]; q < seg_first[s + 1] && !st; q++)
      st = submit_merge(os, q, dtype, arg, nr, vals, idx, os->bounds[0][q] - G[s]);
  }
  lnp_view_free(Pv);
  lnp_view_free(Pi);
  free(G); free(cnt); free(mine); free(pos); free(pb); free(src); free(first);
  return st;
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
  /* under MPI, the result's segments (a rank's consecutive tiles) */
  int S = 0;
  int32_t *seg_first = NULL;
  if (!st && lnp_mpi_size() > 1) {
    const lnp_store *os = O->store;
    seg_first = malloc(sizeof *seg_first * ((size_t)os->ntiles[0] + 1));
    if (!seg_first) st = lnp_error(LNP_ENOMEM, "out of memory");
    for (int32_t q = 0; !st && q < os->ntiles[0]; q++)
      if (q == 0 || os->storage->owner[q] != os->storage->owner[q - 1]) seg_first[S++] = q;
    if (seg_first) seg_first[S] = os->ntiles[0];
  }
  if (!st && S > 1) {
    st = merge_split(T, Ix, O->store, v1->store->dtype, arg, S, seg_first);
  } else if (!st) { /* every merge task reads every run */
    starpu_data_handle_t *vals[LNP_SORT_MAX_RUNS], *idx[LNP_SORT_MAX_RUNS];
    for (int32_t r = 0; r < P; r++) {
      vals[r] = &ts->storage->tiles[r];
      idx[r] = arg ? &Ix->store->storage->tiles[r] : NULL;
    }
    for (int32_t q = 0; !st && q < O->store->ntiles[0]; q++)
      st = submit_merge(O->store, q, v1->store->dtype, arg, P, vals, idx, O->store->bounds[0][q]);
  }
  free(seg_first);
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
