/* Matrix product on tiles: C(i,j) = sum_k A(i,k) @ B(k,j), one task per
 * (i, j, k) block with C(i,j) in RW so the k steps of one block chain up
 * while different blocks run in parallel.  Operands whose tiling does not
 * line up with C's rows/columns and the k blocking are re-tiled by a copy
 * first (O(n^2) against the O(n^3) product), so the blocking follows the
 * large operand's own row panels where it has them (a tall-skinny X in
 * X @ w or v @ X is used in place: a copy of it would cost more than the
 * product).  When there are more k blocks than C blocks (v @ X: one C
 * block, many k blocks) the k products go to partial results, all in
 * parallel, summed by the reduction's tree instead of a serial chain. */
#include <stdlib.h>
#include <string.h>
#include "launch.h"
#include "store_internal.h"
#include "../codelets/codelets.h"
#include "profile.h"
#include "../scheduler/locality.h"

static int64_t *even_bounds(int64_t n, int64_t chunk, int32_t *nt)
{
  if (chunk < 1) chunk = 1;
  int32_t t = n <= 0 ? 1 : (int32_t)((n + chunk - 1) / chunk);
  int64_t *b = malloc(sizeof(int64_t) * ((size_t)t + 1));
  if (!b) return NULL;
  for (int32_t i = 0; i < t; i++) b[i] = (int64_t)i * chunk;
  b[t] = n;
  *nt = t;
  return b;
}

static int bounds_equal(const lnp_store *s, int d, int32_t nt, const int64_t *b)
{
  return s->ntiles[d] == nt && !memcmp(s->bounds[d], b, sizeof(int64_t) * ((size_t)nt + 1));
}

/* Whether each of s's row panels has at least min_rows rows. */
static int panels_hold(const lnp_store *s, int64_t min_rows)
{
  for (int32_t t = 0; t < s->ntiles[0]; t++)
    if (s->bounds[0][t + 1] - s->bounds[0][t] < min_rows) return 0;
  return 1;
}

/* v's row panels (its store's bounds along dim 0) when v is a whole 2-D
 * store of row panels (one tile across, or one tile: a GPU's) of dtype
 * whose panels all have at least min_rows rows, else NULL (*nt untouched). */
static int64_t *panel_bounds(const lnp_view *v, int dtype, int64_t min_rows, int32_t *nt)
{
  const lnp_store *s = v->store;
  if (s->dtype != dtype || !lnp_view_is_identity(v) || s->ndim != 2 || s->ntiles[1] != 1)
    return NULL;
  if (!panels_hold(s, min_rows)) return NULL;
  int64_t *b = malloc(sizeof(int64_t) * ((size_t)s->ntiles[0] + 1));
  if (!b) return NULL;
  memcpy(b, s->bounds[0], sizeof(int64_t) * ((size_t)s->ntiles[0] + 1));
  *nt = s->ntiles[0];
  return b;
}

/* A store with exactly the requested 2-D tiling holding v's values as dtype. */
static lnp_status retile(const lnp_view *v, int dtype, int32_t nt0, int64_t *b0, int32_t nt1, int64_t *b1,
                         lnp_view **out)
{
  if (v->store->dtype == dtype && lnp_view_is_identity(v) && bounds_equal(v->store, 0, nt0, b0) &&
      bounds_equal(v->store, 1, nt1, b1)) {
    *out = lnp_view_copy(v);
    return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
  }
  lnp_store *s;
  int32_t nt[2] = {nt0, nt1};
  int64_t *b[2] = {b0, b1};
  lnp_status st = lnp_store_create_tiled(&s, 2, v->shape, dtype, nt, b);
  if (st) return st;
  lnp_view *r = lnp_view_new(s);
  lnp_store_release(s);
  lnp_operand src = {.view = v, .dtype = v->store->dtype};
  st = lnp_copy(r, &src);
  if (st) { lnp_view_free(r); return st; }
  *out = r;
  return LNP_OK;
}

/* The store whose row tiles are the panels of v, a (rows x cols) view,
 * when v is one: a whole 2-D store of dtype one tile across, or a column
 * (rows x 1) of a whole 1-D store.  NULL otherwise. */
static const lnp_store *panel_store(const lnp_view *v, int dtype)
{
  const lnp_store *s = v->store;
  if (s->dtype != dtype || v->ndim != 2) return NULL;
  if (lnp_view_is_identity(v)) return s->ndim == 2 && s->ntiles[1] == 1 ? s : NULL;
  if (s->ndim == 1 && v->shape[1] == 1 && v->sdim[0] == 0 && v->step[0] == 1 && s->shape[0] == v->shape[0])
    return s; /* (v->sdim[1] is -1: the column's new axis) */
  return NULL;
}

/* Products with a tall operand cut into row panels, float32/64, where no
 * CUDA worker runs (lnp_cl_panel):
 *  T  C = P^T @ Q with P (k x m) and Q (k x n) both tall, C small: v @ X,
 *     X.T @ v, X.T @ Y, onehot.T @ X.  A task per panel of the operand
 *     with fewer panels, over the other's panels its rows cover, into a
 *     partial C; the partials summed by the reduction's tree.  An operand
 *     that is not a panel store (a view) is first copied into the other's
 *     panels.
 *  N  Y = X @ W with X (M x k) tall and W small: X @ w, X @ C.T.  A task
 *     per tile of Y over X's panels its rows cover, W whole.
 * Neither operand is re-tiled into k blocks and the tasks are as many as
 * the panels: before, onehot.T @ X of 2M points was 3,907 blocks of 512
 * (copies, products and a tree: 16K tasks).  Returns 1 when it took the
 * product (its status in *st), 0 to leave it to the blocked path. */
static int panel_products(const lnp_view *out, const lnp_view *a, const lnp_view *b, int dt, lnp_status *st)
{
  if (starpu_cuda_worker_get_count() > 0 || (dt != LNP_FLOAT32 && dt != LNP_FLOAT64)) return 0;
  const int64_t M = a->shape[0], K = a->shape[1], N = b->shape[1];
  const int64_t small = (int64_t)1 << 16; /* elements of C (T) or W (N) */
  const int64_t min_rows = lnp_runtime_test_mode() ? 1 : 256;
  const int perm[2] = {1, 0};
  lnp_view *at = NULL, *cp = NULL, *w = NULL, *y = NULL, *part = NULL;
  *st = LNP_OK;
  int mode = -1;
  const lnp_store *ps = NULL, *qs = NULL, *xs = NULL;
  if (M * N <= small && K >= 2 * (M > N ? M : N)) {
    if ((*st = lnp_view_transpose(a, perm, &at))) return 1;
    ps = panel_store(at, dt);
    qs = panel_store(b, dt);
    if (ps || qs) mode = LNP_PANEL_T;
  }
  if (mode < 0 && K * N <= small && M >= 2 * K && lnp_view_is_identity(a) && (xs = panel_store(a, dt)) != NULL &&
      panels_hold(xs, min_rows))
    mode = LNP_PANEL_N;
  if (mode < 0) {
    lnp_view_free(at);
    return 0;
  }
  if (mode == LNP_PANEL_T) {
    /* the operand that is not a panel store copied into the other's panels */
    const lnp_store *have = ps ? ps : qs;
    const lnp_view *copy_of = ps ? (qs ? NULL : b) : at;
    if (copy_of) {
      int64_t cb[2] = {0, copy_of->shape[1]};
      if ((*st = retile(copy_of, dt, have->ntiles[0], have->bounds[0], 1, cb, &cp))) goto done;
      if (ps) qs = cp->store;
      else ps = cp->store;
    }
  } else {
    /* Y: out, or a store of Y's rows, one tile across (else the blocked
     * path: Y wide enough to be cut across) */
    if (lnp_view_is_identity(out) && out->store->dtype == dt && out->store->ntiles[1] == 1) {
      y = lnp_view_copy(out);
    } else {
      lnp_store *ys;
      const int64_t yshape[2] = {M, N};
      if ((*st = lnp_store_create(&ys, 2, yshape, dt))) goto done;
      y = lnp_view_new(ys);
      lnp_store_release(ys);
    }
    if (!y) { *st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
    if (y->store->ntiles[1] != 1) {
      lnp_view_free(y);
      lnp_view_free(at);
      return 0;
    }
    int64_t kb[2] = {0, K}, nb[2] = {0, N};
    if ((*st = retile(b, dt, 1, kb, 1, nb, &w))) goto done;
  }
  /* the tasks' own tiles (own), the other operand's panels (other) */
  const int own_is_q = mode == LNP_PANEL_T && qs->ntiles[0] < ps->ntiles[0];
  const lnp_store *own = mode == LNP_PANEL_N ? y->store : own_is_q ? qs : ps;
  const lnp_store *other = mode == LNP_PANEL_N ? xs : own_is_q ? ps : qs;
  const int32_t ntask = own->ntiles[0];
  const int64_t m = mode == LNP_PANEL_N ? K : M, n = N;
  if (mode == LNP_PANEL_T) {
    /* a partial C per task, placed with its own tile */
    size_t *src_tile = malloc(sizeof(size_t) * (size_t)ntask);
    int64_t *b0 = malloc(sizeof(int64_t) * ((size_t)ntask + 1)), b1[2] = {0, m}, b2[2] = {0, n};
    if (!src_tile || !b0) *st = lnp_error(LNP_ENOMEM, "out of memory");
    for (int32_t t = 0; !*st && t <= ntask; t++) {
      b0[t] = t;
      if (t < ntask) src_tile[t] = (size_t)t * (own->ndim == 2 ? (size_t)own->ntiles[1] : 1);
    }
    lnp_store *pst = NULL;
    const int64_t pshape[3] = {ntask, m, n};
    const int32_t pnt[3] = {ntask, 1, 1};
    int64_t *pbs[3] = {b0, b1, b2};
    if (!*st) *st = lnp_store_create_placed(&pst, 3, pshape, dt, pnt, pbs, own, src_tile);
    free(src_tile);
    free(b0);
    if (*st) goto done;
    part = lnp_view_new(pst);
    lnp_store_release(pst);
    if (!part) { *st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
  }
  LNP_PROFILE_BEGIN_OP("matmul");
  for (int32_t t = 0; t < ntask && !*st; t++) {
    const int64_t r0 = own->bounds[0][t], r1 = own->bounds[0][t + 1];
    const int32_t p0 = r1 > r0 ? lnp_store_find_tile(other, 0, r0) : 0;
    const int32_t p1 = r1 > r0 ? lnp_store_find_tile(other, 0, r1 - 1) + 1 : 0;
    const int32_t np = p1 - p0;
    const size_t dsz = sizeof(lnp_panel_desc) + sizeof(int64_t) * ((size_t)np + 1);
    lnp_panel_desc *d = calloc(1, dsz);
    struct starpu_data_descr *descrs = malloc(sizeof *descrs * ((size_t)np + 2));
    if (!d || !descrs) {
      free(d);
      free(descrs);
      *st = lnp_error(LNP_ENOMEM, "out of memory");
      break;
    }
    *d = (lnp_panel_desc){.dtype = dt, .mode = mode, .own_is_q = own_is_q, .npanels = np, .m = m, .n = n,
                          .r0 = r0, .r1 = r1};
    for (int32_t p = 0; p <= np; p++) d->pstart[p] = other->bounds[0][p0 + p];
    /* the written tile (a partial C, or Y's tile), the task's own tile
     * (T: P's or Q's panel; N: W), the other's panels */
    const size_t ot = (size_t)t * (own->ndim == 2 ? (size_t)own->ntiles[1] : 1);
    const lnp_store *cs = mode == LNP_PANEL_T ? part->store : y->store;
    const lnp_store *rs = mode == LNP_PANEL_T ? own : w->store;
    const size_t ct = mode == LNP_PANEL_T ? (size_t)t : ot, rt = mode == LNP_PANEL_T ? ot : 0;
    lnp_tile_ensure_written(rs, rt);
    descrs[0] = (struct starpu_data_descr){cs->storage->tiles[ct], STARPU_W};
    descrs[1] = (struct starpu_data_descr){rs->storage->tiles[rt], STARPU_R};
    for (int32_t p = 0; p < np; p++) {
      const size_t pt = (size_t)(p0 + p) * (other->ndim == 2 ? (size_t)other->ntiles[1] : 1);
      lnp_tile_ensure_written(other, pt);
      descrs[2 + p] = (struct starpu_data_descr){other->storage->tiles[pt], STARPU_R};
    }
    cs->storage->written[ct] = 1;
    *st = lnp_submit(&lnp_cl_panel, descrs, np + 2, d, dsz, "matmul");
    free(descrs);
  }
  if (!*st && mode == LNP_PANEL_T) {
    const int axis0 = 0;
    *st = lnp_reduce(LNP_OP_ADD, out, part, 1, &axis0, dt);
  } else if (!*st && y->store != out->store) {
    lnp_operand src = {.view = y, .dtype = dt};
    *st = lnp_copy(out, &src);
  } else if (!*st) {
    *st = lnp_launch_sync_after(out);
  }
done:
  lnp_view_free(at);
  lnp_view_free(cp);
  lnp_view_free(w);
  lnp_view_free(y);
  lnp_view_free(part);
  return 1;
}

lnp_status lnp_matmul(const lnp_view *out, const lnp_view *a, const lnp_view *b)
{
  if (a->ndim != 2 || b->ndim != 2 || out->ndim != 2) return lnp_error(LNP_EVALUE, "matmul: operands must be 2-D");
  int64_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
  if (b->shape[0] != k)
    return lnp_error(LNP_EVALUE, "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size %lld is different from %lld)", (long long)b->shape[0], (long long)k);
  if (out->shape[0] != m || out->shape[1] != n) return lnp_error(LNP_EVALUE, "matmul: output has the wrong shape");
  const int odt = a->store->dtype;
  if (b->store->dtype != odt || out->store->dtype != odt) return lnp_error(LNP_ETYPE, "matmul: operands must share one dtype");
  lnp_status st = lnp_view_check_writable(out);
  if (st || m == 0 || n == 0) return st;
  lnp_runtime_throttle(); /* back-pressure, as at every launch */
  /* the tiles of a, b and an identity out are used directly, not through
   * a launch: linked copies (store_internal.h) are brought up to date here */
  if ((st = lnp_launch_sync_before(a)) || (st = lnp_launch_sync_before(b)) || (st = lnp_launch_sync_before(out)))
    return st;
  lnp_runtime_activate();
  if (k == 0) { lnp_scalar z; memset(&z, 0, sizeof z); return lnp_fill(out, odt, z); }
  /* X^T @ B, X a whole store of row panels and B narrow (X.T @ v): as
   * (B^T @ X)^T, so that X is read in place as the k blocks of a v @ X
   * product rather than copied into the transposed blocking */
  if (m > (lnp_runtime_test_mode() ? n : 4 * n) && !lnp_view_is_identity(a)) { /* (test mode: X of 3 columns) */
    const int perm[2] = {1, 0};
    lnp_view *x = NULL, *bt = NULL, *ot = NULL;
    int32_t nt;
    int64_t *pb = NULL;
    st = lnp_view_transpose(a, perm, &x);
    if (!st && (pb = panel_bounds(x, odt == LNP_FLOAT16 ? LNP_FLOAT32 : odt, lnp_runtime_test_mode() ? 1 : 256,
                                  &nt)) != NULL) {
      free(pb);
      st = lnp_view_transpose(b, perm, &bt);
      if (!st) st = lnp_view_transpose(out, perm, &ot);
      if (!st) st = lnp_matmul(ot, bt, x);
      lnp_view_free(x); lnp_view_free(bt); lnp_view_free(ot);
      return st;
    }
    lnp_view_free(x);
    if (st) return st;
  }
  /* float16 is multiplied and accumulated in float32, as NumPy's float16
   * dot and matmul loops do (float sums of float products, rounded once):
   * the k blocks chain in a float32 C, so the result does not depend on how
   * k is split; A and B become float32 in the re-tiling copy (exactly), so
   * BLAS and cuBLAS compute it.  C is rounded to float16 at the end. */
  const int dt = odt == LNP_FLOAT16 ? LNP_FLOAT32 : odt;
  if (panel_products(out, a, b, dt, &st)) return st;

  /* Block size: 512 feeds one CPU core's BLAS for ~0.3 s; a GPU needs
   * GEMMs of thousands (cuBLAS reaches its peak near 8192), and with GPUs
   * the default tiles (one per GPU, at least 16M elements) are already such
   * blocks. */
  const int cublas_dt = dt == LNP_FLOAT32 || dt == LNP_FLOAT64 || dt == LNP_COMPLEX64 || dt == LNP_COMPLEX128;
  int64_t blk = lnp_runtime_test_mode() ? 3 : (lnp_codelets_gpu_only() && cublas_dt) ? 8192 : 512;
  lnp_view *c = NULL, *aa = NULL, *bb = NULL, *part = NULL;
  int32_t ntm, ntn, ntk;
  int64_t *bm = NULL, *bn = NULL, *bk = NULL;
  /* On GPUs B's row tiles (one per GPU; B whole on one) are the k blocks, so B is
   * not re-tiled into one panel that every GPU would then fetch whole */
  const lnp_store *bs = b->store;
  if (blk == 8192 && bs->ntiles[0] <= 64 && bs->storage->home[0] >= 0)
    bk = panel_bounds(b, bs->dtype, 1024, &ntk);
  /* a B of row panels (v @ X) is used in place: its panels are the k blocks
   * (what reaches here tall: products panel_products leaves, with GPUs or
   * of other dtypes, or a C too large for one partial per panel) */
  if (!bk && !lnp_runtime_test_mode() && n > 4 * m) bk = panel_bounds(b, dt, 256, &ntk);
  if (!bk) bk = even_bounds(k, blk, &ntk);
  /* C blocks: out's own tiling when it is a whole store, else square-ish
   * blocks in a temporary that is copied into out at the end; an A of row
   * panels larger than C (X @ w) gives the row blocks */
  int64_t *apan = (!lnp_runtime_test_mode() && k > 4 * n) ? panel_bounds(a, dt, 256, &ntm) : NULL;
  if (dt == odt && lnp_view_is_identity(out) &&
      (!apan || (out->store->ntiles[1] == 1 && bounds_equal(out->store, 0, ntm, apan)))) {
    c = lnp_view_copy(out);
    ntm = out->store->ntiles[0]; ntn = out->store->ntiles[1];
    bm = malloc(sizeof(int64_t) * ((size_t)ntm + 1)); bn = malloc(sizeof(int64_t) * ((size_t)ntn + 1));
    if (!c || !bm || !bn) { st = lnp_error(LNP_ENOMEM, "out of memory"); free(apan); goto done; }
    memcpy(bm, out->store->bounds[0], sizeof(int64_t) * ((size_t)ntm + 1));
    memcpy(bn, out->store->bounds[1], sizeof(int64_t) * ((size_t)ntn + 1));
    free(apan);
  } else {
    bm = apan ? apan : even_bounds(m, blk, &ntm);
    bn = even_bounds(n, blk, &ntn);
    if (!bm || !bn) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
    lnp_store *cs;
    int32_t nt[2] = {ntm, ntn};
    int64_t *bb2[2] = {bm, bn};
    int64_t cshape[2] = {m, n};
    st = lnp_store_create_tiled(&cs, 2, cshape, dt, nt, bb2);
    if (st) goto done;
    c = lnp_view_new(cs);
    lnp_store_release(cs);
  }
  st = retile(a, dt, ntm, bm, ntk, bk, &aa);
  if (!st) st = retile(b, dt, ntk, bk, ntn, bn, &bb);
  if (st) goto done;
  /* more k blocks than C blocks: each k product into its own slot of a
   * partial store (ntk, m, n), placed with the larger operand's tile it
   * reads, then summed over the slots by the reduction's tree */
  if (ntk > 1 && (int64_t)ntm * ntn < ntk) {
    const int from_b = n > m;
    const lnp_store *src = from_b ? bb->store : aa->store;
    size_t total = (size_t)ntk * (size_t)ntm * (size_t)ntn, t = 0;
    size_t *src_tile = malloc(sizeof(size_t) * total);
    int64_t *b0 = malloc(sizeof(int64_t) * ((size_t)ntk + 1));
    if (!src_tile || !b0) st = lnp_error(LNP_ENOMEM, "out of memory");
    for (int32_t kk = 0; kk < ntk && !st; kk++)
      for (int32_t i = 0; i < ntm; i++)
        for (int32_t j = 0; j < ntn; j++, t++) {
          int32_t ti[2] = {from_b ? kk : i, from_b ? j : kk};
          src_tile[t] = lnp_store_tile_index(src, ti);
        }
    lnp_store *ps = NULL;
    if (!st) {
      for (int32_t kk = 0; kk <= ntk; kk++) b0[kk] = kk;
      const int64_t pshape[3] = {ntk, m, n};
      const int32_t pnt[3] = {ntk, ntm, ntn};
      int64_t *pb[3] = {b0, bm, bn};
      st = lnp_store_create_placed(&ps, 3, pshape, dt, pnt, pb, src, src_tile);
    }
    free(src_tile);
    free(b0);
    if (st) goto done;
    part = lnp_view_new(ps);
    lnp_store_release(ps);
    if (!part) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
  }
  LNP_PROFILE_BEGIN_OP("matmul");
  for (int32_t i = 0; i < ntm && !st; i++)
    for (int32_t j = 0; j < ntn && !st; j++) {
      int32_t ct[2] = {i, j};
      size_t cti = lnp_store_tile_index(c->store, ct);
      /* with GPUs, the k step whose B panel lives on C(i,j)'s GPU first,
       * and the other panels prefetched there meanwhile */
      const int home = c->store->storage->home[cti];
      int32_t k0 = 0;
      for (int32_t kk = 0; home >= 0 && kk < ntk; kk++) {
        int32_t bt[2] = {kk, j};
        if (bb->store->storage->home[lnp_store_tile_index(bb->store, bt)] == home) { k0 = kk; break; }
      }
      const int node = part ? -1 : lnp_sched_gpu_node(home);
      for (int32_t step = 0; step < ntk; step++) {
        const int32_t kk = (k0 + step) % ntk;
        int32_t at[2] = {i, kk}, bt[2] = {kk, j};
        size_t ati = lnp_store_tile_index(aa->store, at), bti = lnp_store_tile_index(bb->store, bt);
        lnp_tile_ensure_written(aa->store, ati);
        lnp_tile_ensure_written(bb->store, bti);
        lnp_matmul_desc *desc = malloc(sizeof *desc);
        if (!desc) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
        /* a prefetch moves the tile's current value: the pending loops
         * that write it (retile copies) go first */
        if (step > 0 && node >= 0 && !lnp_mpi_enabled() && !(st = lnp_batch_flush()))
          starpu_data_prefetch_on_node(bb->store->storage->tiles[bti], (unsigned)node, 1);
        *desc = (lnp_matmul_desc){.dtype = dt, .beta_zero = step == 0 || part != NULL,
                                  .m = bm[i + 1] - bm[i], .n = bn[j + 1] - bn[j], .k = bk[kk + 1] - bk[kk]};
        lnp_store *cst = part ? part->store : c->store;
        int32_t pt[3] = {kk, i, j};
        const size_t oti = part ? lnp_store_tile_index(cst, pt) : cti;
        struct starpu_data_descr descrs[3] = {
            {.handle = cst->storage->tiles[oti], .mode = desc->beta_zero ? STARPU_W : STARPU_RW},
            {.handle = aa->store->storage->tiles[ati], .mode = STARPU_R},
            {.handle = bb->store->storage->tiles[bti], .mode = STARPU_R}};
        st = lnp_submit(&lnp_cl_matmul, descrs, 3, desc, sizeof *desc, "matmul");
        cst->storage->written[oti] = 1;
        if (st) break;
      }
    }
  if (!st && part) {
    const int axis0 = 0;
    st = lnp_reduce(LNP_OP_ADD, c, part, 1, &axis0, dt);
  }
  if (!st && c->store != out->store) {
    lnp_operand src = {.view = c, .dtype = dt};
    st = lnp_copy(out, &src);
  } else if (!st)
    st = lnp_launch_sync_after(out);
done:
  free(bm); free(bn); free(bk);
  lnp_view_free(c); lnp_view_free(aa); lnp_view_free(bb); lnp_view_free(part);
  return st;
}
