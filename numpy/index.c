/* Gather, scatter and mask compaction (advanced indexing), on tiles and
 * ranks, through lnp_cl_index (codelets/index.h).
 *
 * Indices reach this file already linearised: one int64 offset per row of
 * R consecutive elements of a view in C order (the Python layer broadcasts
 * the index arrays, wraps negatives, checks bounds and linearises them
 * with elementwise ops).  So one task format serves every key shape:
 *  - gather: one task per tile of the (rows, R) result, reading its rows'
 *    offsets and the tiles of the source view's bounding box;
 *  - scatter: the values, cast into a (rows, R) store of a few row tiles
 *    with offsets aligned to them, written by tasks that own destination
 *    tiles: one task over all of them in one process (in row order, so the
 *    last write wins as in NumPy), one per tile under MPI (each task
 *    writes only its tile and reads every value tile);
 *  - compaction (a[mask], nonzero): per mask tile a count task, the counts
 *    read back and scanned on the host (a few words per tile), then one
 *    task per result tile that walks only the mask tiles whose nonzeros
 *    land in its rows, reading the source tiles those positions touch.
 * Under MPI every task runs on the rank owning the tile it writes, and
 * StarPU-MPI brings the tiles it reads there (the source's whole bounding
 * box for a gather: what a first version pays for not knowing the
 * offsets on the host; where that is many tiles times many result tiles,
 * the source is first copied into at most 64 tiles). */
#include <stdlib.h>
#include <string.h>
#include "launch.h"
#include "store_internal.h"
#include "../codelets/codelets.h"
#include "../codelets/index.h"

/* The tiles of v's store that the view box [lo, hi) (non-empty) touches:
 * per store dim the range [tmin, tmin + tcnt). */
static void view_box(const lnp_view *v, const int64_t *lo, const int64_t *hi, int32_t *tmin, int32_t *tcnt)
{
  const lnp_store *s = v->store;
  for (int k = 0; k < s->ndim; k++) {
    int64_t a = v->origin[k], b = v->origin[k];
    for (int d = 0; d < v->ndim; d++)
      if (v->sdim[d] == k) {
        const int64_t x = v->step[d] * lo[d], y = v->step[d] * (hi[d] - 1);
        a += x < y ? x : y;
        b += x < y ? y : x;
      }
    tmin[k] = lnp_store_find_tile(s, k, a);
    tcnt[k] = lnp_store_find_tile(s, k, b) - tmin[k] + 1;
  }
}

/* A descriptor for mode with nextra extra words (zeroed) and the geometry
 * of view v with the box tmin/tcnt (v NULL: no source). */
static lnp_index_desc *new_desc(int mode, int nextra, const lnp_view *v, const int32_t *tmin, const int32_t *tcnt,
                                size_t *size)
{
  int nb = 0;
  if (v)
    for (int k = 0; k < v->store->ndim; k++) nb += v->store->ntiles[k] + 1;
  const size_t sz = sizeof(lnp_index_desc) + sizeof(int64_t) * ((size_t)nextra + (size_t)nb);
  lnp_index_desc *d = calloc(1, sz);
  if (!d) return NULL;
  d->mode = mode;
  d->nextra = nextra;
  d->g.nbounds = nb;
  *size = sz;
  if (!v) return d;
  const lnp_store *s = v->store;
  lnp_index_geom *g = &d->g;
  g->vndim = v->ndim;
  g->sndim = s->ndim;
  g->nbox = 1;
  for (int i = 0; i < v->ndim; i++) {
    g->vshape[i] = v->shape[i];
    g->step[i] = v->step[i];
    g->sdim[i] = v->sdim[i];
  }
  int64_t *bw = (int64_t *)(d + 1) + nextra;
  int o = 0;
  for (int k = 0; k < s->ndim; k++) {
    g->origin[k] = v->origin[k];
    g->ntiles[k] = s->ntiles[k];
    g->tmin[k] = tmin[k];
    g->tcnt[k] = tcnt[k];
    g->nbox *= tcnt[k];
    g->boff[k] = o;
    const int64_t *b = s->bounds[k];
    memcpy(bw + o, b, sizeof(int64_t) * ((size_t)s->ntiles[k] + 1));
    o += s->ntiles[k] + 1;
    /* uniform tiles (all but the last as long as the first): a division
     * finds an element's tile instead of a search */
    int uniform = 1;
    for (int32_t t = 1; t + 1 < s->ntiles[k] && uniform; t++) uniform = b[t + 1] - b[t] == b[1];
    g->tsize[k] = uniform && b[1] > 0 ? b[1] : 0;
  }
  return d;
}

/* The handles of the box's tiles, row-major, each with a valid value. */
static lnp_status box_handles(const lnp_view *v, const int32_t *tmin, const int32_t *tcnt, starpu_data_handle_t **hs,
                              int *n)
{
  const lnp_store *s = v->store;
  int64_t total = 1;
  for (int k = 0; k < s->ndim; k++) total *= tcnt[k];
  *hs = malloc(sizeof(starpu_data_handle_t) * (size_t)(total > 0 ? total : 1));
  if (!*hs) return lnp_error(LNP_ENOMEM, "out of memory");
  int32_t tc[LNP_MAXDIM];
  for (int64_t i = 0; i < total; i++) {
    int64_t r = i;
    for (int k = s->ndim - 1; k >= 0; k--) {
      tc[k] = tmin[k] + (int32_t)(r % tcnt[k]);
      r /= tcnt[k];
    }
    const size_t t = lnp_store_tile_index(s, tc);
    lnp_tile_ensure_written(s, t);
    (*hs)[i] = s->storage->tiles[t];
  }
  *n = (int)total;
  return LNP_OK;
}

static lnp_status new_view(lnp_view **out, lnp_store *s, lnp_status st)
{
  if (st) return st;
  *out = lnp_view_new(s);
  lnp_store_release(s);
  return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
}

/* off (1-D, integers) as an int64 store tiled like the rows of `rows` (a
 * 2-D store), each tile placed with the first tile of its row; off itself
 * when it is already such a store and does not share storage with avoid. */
static lnp_status aligned_offsets(const lnp_view *off, const lnp_store *rows, const lnp_view *avoid, lnp_view **out)
{
  const int32_t nt = rows->ntiles[0];
  const lnp_store *os = off->store;
  if (os->dtype == LNP_INT64 && lnp_view_is_identity(off) && os->ndim == 1 && os->ntiles[0] == nt &&
      !memcmp(os->bounds[0], rows->bounds[0], sizeof(int64_t) * ((size_t)nt + 1)) &&
      !(avoid && lnp_view_shares_storage(off, avoid))) {
    *out = lnp_view_copy(off);
    return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
  }
  size_t *src_tile = malloc(sizeof(size_t) * (size_t)nt);
  if (!src_tile) return lnp_error(LNP_ENOMEM, "out of memory");
  for (int32_t t = 0; t < nt; t++) src_tile[t] = (size_t)t * (size_t)rows->ntiles[1];
  lnp_store *s;
  int64_t *b[1] = {rows->bounds[0]};
  lnp_status st = lnp_store_create_placed(&s, 1, rows->shape, LNP_INT64, &nt, b, rows, src_tile);
  free(src_tile);
  if ((st = new_view(out, s, st))) return st;
  if (lnp_view_size(off) > 0 && (st = lnp_launch_copy(*out, off))) {
    lnp_view_free(*out);
    *out = NULL;
  }
  return st;
}

static lnp_status rows_store(lnp_view **out, int64_t nrows, int64_t w, int dtype)
{
  const int64_t shape[2] = {nrows, w};
  lnp_store *s;
  return new_view(out, s, lnp_store_create(&s, 2, shape, dtype));
}

/* A (rows, w) store of at most maxt row tiles and one column tile: the
 * scatter's values, which every task reads whole. */
static lnp_status coarse_rows(lnp_view **out, int64_t nrows, int64_t w, int dtype, int32_t maxt)
{
  const int64_t shape[2] = {nrows, w};
  int32_t nt[2] = {nrows < maxt ? (int32_t)(nrows > 0 ? nrows : 1) : maxt, 1};
  int64_t b0[65], b1[2] = {0, w};
  for (int32_t t = 0; t <= nt[0]; t++) b0[t] = nrows * t / nt[0];
  int64_t *b[2] = {b0, b1};
  lnp_store *s;
  return new_view(out, s, lnp_store_create_tiled(&s, 2, shape, dtype, nt, b));
}

/* v copied into a store of its shape cut along its first dim only, into at
 * most 64 tiles: a gather whose tasks would each take too many tiles of
 * the source (their count times the result's tiles) reads this instead. */
static lnp_status coarse_copy(const lnp_view *v, lnp_view **out)
{
  int32_t nt[LNP_MAXDIM];
  int64_t *b[LNP_MAXDIM] = {0}, b0[65], rest[LNP_MAXDIM][2];
  for (int d = 0; d < v->ndim; d++) {
    nt[d] = 1;
    rest[d][0] = 0;
    rest[d][1] = v->shape[d];
    b[d] = rest[d];
  }
  if (v->ndim > 0 && v->shape[0] > 1) {
    nt[0] = v->shape[0] < 64 ? (int32_t)v->shape[0] : 64;
    for (int32_t t = 0; t <= nt[0]; t++) b0[t] = v->shape[0] * t / nt[0];
    b[0] = b0;
  }
  lnp_store *s;
  lnp_status st = new_view(out, s, lnp_store_create_tiled(&s, v->ndim, v->shape, v->store->dtype, nt, b));
  if (!st && (st = lnp_launch_copy(*out, v))) {
    lnp_view_free(*out);
    *out = NULL;
  }
  return st;
}

static lnp_status check_off(const lnp_view *off)
{
  if (off->ndim != 1) return lnp_error(LNP_EVALUE, "index offsets must be 1-D");
  const int dt = off->store->dtype;
  if (dt == LNP_BOOL || dt == LNP_FLOAT16 || dt == LNP_FLOAT32 || dt == LNP_FLOAT64 || dt == LNP_COMPLEX64 ||
      dt == LNP_COMPLEX128)
    return lnp_error(LNP_ETYPE, "index offsets must be integers");
  return LNP_OK;
}

lnp_status lnp_gather(const lnp_view *src, const lnp_view *off, int64_t R, lnp_view **res, int64_t *bad)
{
  *res = NULL;
  lnp_status st = check_off(off);
  if (st) return st;
  const int64_t size = lnp_view_size(src), nb = off->shape[0];
  if (R < 0 || (R > 0 && size % R)) return lnp_error(LNP_EVALUE, "gather: rows do not divide the source");
  if (bad && R != 1) return lnp_error(LNP_EVALUE, "gather: checked offsets need rows of one element");
  if (bad) bad[0] = bad[1] = 0;
  lnp_view *out = NULL, *offs = NULL, *status = NULL;
  if ((st = rows_store(&out, nb, R, src->store->dtype))) return st;
  if (nb * R == 0) {
    *res = out;
    return LNP_OK;
  }
  if (size == 0 && bad) {
    /* every offset is out of range: the first one is the error */
    bad[0] = nb;
    lnp_view_free(out);
    return LNP_OK;
  }
  if (size == 0) {
    lnp_view_free(out);
    return lnp_error(LNP_EINDEX, "cannot gather from an empty array");
  }
  lnp_runtime_throttle();
  starpu_data_handle_t *hs = NULL;
  lnp_view *coarse = NULL;
  int nbox = 0;
  int32_t tmin[LNP_MAXDIM], tcnt[LNP_MAXDIM];
  int64_t lo[LNP_MAXDIM] = {0};
  view_box(src, lo, src->shape, tmin, tcnt);
  int64_t reads = (int64_t)out->store->total_tiles;
  for (int k = 0; k < src->store->ndim; k++) reads *= tcnt[k];
  if (reads > ((int64_t)1 << 18)) {
    if ((st = coarse_copy(src, &coarse))) {
      lnp_view_free(out);
      return st;
    }
    src = coarse;
    view_box(src, lo, src->shape, tmin, tcnt);
  }
  if (!(st = aligned_offsets(off, out->store, NULL, &offs)) && !(st = lnp_launch_sync_before(src)))
    st = box_handles(src, tmin, tcnt, &hs, &nbox);
  if (!st && bad) {
    /* per row tile (bad offsets, first bad row), placed with the out tile */
    const lnp_store *os = out->store;
    const int32_t nt[2] = {os->ntiles[0], 1};
    int64_t *sb0 = malloc(sizeof(int64_t) * ((size_t)nt[0] + 1)), sb1[2] = {0, 2};
    size_t *src_tile = malloc(sizeof(size_t) * (size_t)nt[0]);
    if (!sb0 || !src_tile) st = lnp_error(LNP_ENOMEM, "out of memory");
    for (int32_t t = 0; !st && t <= nt[0]; t++) {
      sb0[t] = t;
      if (t < nt[0]) src_tile[t] = (size_t)t * (size_t)os->ntiles[1];
    }
    const int64_t sshape[2] = {nt[0], 2};
    int64_t *sb[2] = {sb0, sb1};
    lnp_store *ss = NULL;
    if (!st) st = new_view(&status, ss, lnp_store_create_placed(&ss, 2, sshape, LNP_INT64, nt, sb, os, src_tile));
    free(sb0);
    free(src_tile);
  }
  struct starpu_data_descr *descrs = st ? NULL : malloc(sizeof *descrs * (size_t)(nbox + 3));
  if (!st && !descrs) st = lnp_error(LNP_ENOMEM, "out of memory");
  lnp_runtime_activate();
  const lnp_store *os = out->store;
  for (int32_t i = 0; i < os->ntiles[0] && !st; i++)
    for (int32_t j = 0; j < os->ntiles[1] && !st; j++) {
      size_t sz;
      lnp_index_desc *d = new_desc(LNP_IX_GATHER, 0, src, tmin, tcnt, &sz);
      if (!d) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
      d->itemsize = (int64_t)os->itemsize;
      d->R = R;
      d->nrows = size / R;
      d->r0 = os->bounds[0][i];
      d->nr = os->bounds[0][i + 1] - d->r0;
      d->c0 = os->bounds[1][j];
      d->nc = os->bounds[1][j + 1] - d->c0;
      d->g.buf0 = 2;
      d->checked = bad != NULL;
      const int32_t tc[2] = {i, j};
      const size_t ot = lnp_store_tile_index(os, tc);
      lnp_tile_ensure_written(offs->store, (size_t)i);
      descrs[0] = (struct starpu_data_descr){os->storage->tiles[ot], STARPU_W};
      descrs[1] = (struct starpu_data_descr){offs->store->storage->tiles[i], STARPU_R};
      for (int b = 0; b < nbox; b++) descrs[2 + b] = (struct starpu_data_descr){hs[b], STARPU_R};
      if (bad) {
        descrs[2 + nbox] = (struct starpu_data_descr){status->store->storage->tiles[i], STARPU_W};
        status->store->storage->written[i] = 1;
      }
      os->storage->written[ot] = 1;
      st = lnp_submit(&lnp_cl_index, descrs, nbox + 2 + (bad != NULL), d, sz, "gather");
    }
  if (!st) st = lnp_launch_sync_after(out);
  if (!st && bad) {
    /* the caller raises NumPy's IndexError for the first bad offset:
     * this waits for the gather */
    const int64_t nt = status->store->shape[0];
    int64_t *sv = malloc(sizeof(int64_t) * 2 * (size_t)nt);
    if (!sv) st = lnp_error(LNP_ENOMEM, "out of memory");
    if (!st && !(st = lnp_launch_sync_after(status)) && !(st = lnp_view_to_host(status, sv)))
      for (int64_t t = nt - 1; t >= 0; t--)
        if (sv[2 * t]) {
          bad[0] += sv[2 * t];
          bad[1] = sv[2 * t + 1];
        }
    free(sv);
  }
  free(descrs);
  free(hs);
  lnp_view_free(offs);
  lnp_view_free(status);
  lnp_view_free(coarse);
  if (st) {
    lnp_view_free(out);
    return st;
  }
  *res = out;
  return LNP_OK;
}

lnp_status lnp_scatter(const lnp_view *dst, const lnp_view *off, const lnp_view *vals)
{
  lnp_status st = lnp_view_check_writable(dst);
  if (st || (st = check_off(off))) return st;
  if (vals->ndim != 2 || vals->shape[0] != off->shape[0])
    return lnp_error(LNP_EVALUE, "scatter: values must be (offsets, R)");
  const int64_t size = lnp_view_size(dst), nb = vals->shape[0], R = vals->shape[1];
  if (nb * R == 0) return LNP_OK;
  if (size == 0 || size % R) return lnp_error(LNP_EINDEX, "scatter: offsets outside the destination");
  lnp_runtime_throttle();
  lnp_view *vs = NULL, *offs = NULL;
  starpu_data_handle_t *hs = NULL;
  struct starpu_data_descr *descrs = NULL;
  int nbox = 0;
  /* the values, cast to the destination's dtype, in rows laid like the
   * offsets (a copy also keeps them apart from the destination) */
  if ((st = coarse_rows(&vs, nb, R, dst->store->dtype, 16)) || (st = lnp_launch_copy(vs, vals)) ||
      (st = aligned_offsets(off, vs->store, dst, &offs)) || (st = lnp_launch_sync_before(dst)))
    goto done;
  int32_t tmin[LNP_MAXDIM], tcnt[LNP_MAXDIM];
  int64_t lo[LNP_MAXDIM] = {0};
  view_box(dst, lo, dst->shape, tmin, tcnt);
  if ((st = box_handles(dst, tmin, tcnt, &hs, &nbox))) goto done;
  const lnp_store *vst = vs->store;
  const int32_t nrt = vst->ntiles[0], nct = vst->ntiles[1];
  const int nin = nrt * (1 + nct);
  /* one task over the whole box in one process; under MPI one per tile,
   * on the rank that owns it */
  const int per_tile = lnp_mpi_size() > 1;
  descrs = malloc(sizeof *descrs * (size_t)(nbox + nin));
  if (!descrs) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
  lnp_runtime_activate();
  const lnp_store *ds = dst->store;
  for (int t = 0; t < (per_tile ? nbox : 1) && !st; t++) {
    int32_t bmin[LNP_MAXDIM], bcnt[LNP_MAXDIM];
    int r = t;
    for (int k = ds->ndim - 1; k >= 0; k--) {
      bmin[k] = per_tile ? tmin[k] + r % tcnt[k] : tmin[k];
      bcnt[k] = per_tile ? 1 : tcnt[k];
      r /= tcnt[k];
    }
    size_t sz;
    lnp_index_desc *d = new_desc(LNP_IX_SCATTER, nrt + 1 + nct + 1, dst, bmin, bcnt, &sz);
    if (!d) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
    d->itemsize = (int64_t)ds->itemsize;
    d->R = R;
    d->nrows = size / R;
    d->nsub = nrt;
    d->ncol = nct;
    d->g.buf0 = 0;
    int64_t *ex = (int64_t *)(d + 1);
    memcpy(ex, vst->bounds[0], sizeof(int64_t) * ((size_t)nrt + 1));
    memcpy(ex + nrt + 1, vst->bounds[1], sizeof(int64_t) * ((size_t)nct + 1));
    int n = 0;
    for (int b = 0; b < (per_tile ? 1 : nbox); b++) {
      starpu_data_handle_t h = hs[per_tile ? t : b];
      descrs[n++] = (struct starpu_data_descr){h, STARPU_RW};
    }
    for (int32_t i = 0; i < nrt; i++) {
      lnp_tile_ensure_written(offs->store, (size_t)i);
      descrs[n++] = (struct starpu_data_descr){offs->store->storage->tiles[i], STARPU_R};
      for (int32_t j = 0; j < nct; j++) {
        const int32_t tc[2] = {i, j};
        descrs[n++] = (struct starpu_data_descr){vst->storage->tiles[lnp_store_tile_index(vst, tc)], STARPU_R};
      }
    }
    st = lnp_submit(&lnp_cl_index, descrs, n, d, sz, "scatter");
  }
  if (!st) st = lnp_launch_sync_after(dst);
done:
  free(descrs);
  free(hs);
  lnp_view_free(vs);
  lnp_view_free(offs);
  return st;
}

lnp_status lnp_compact(const lnp_view *src, const lnp_view *mask, int64_t R, int ndim, const int64_t *shape,
                       lnp_view **res)
{
  *res = NULL;
  if (mask->ndim != 1) return lnp_error(LNP_EVALUE, "compact: the mask must be 1-D");
  const int64_t n = mask->shape[0];
  if (src && (R < 0 || lnp_view_size(src) != n * R)) return lnp_error(LNP_EVALUE, "compact: mask and source differ");
  if (!src && (ndim < 1 || ndim > LNP_MAXDIM)) return lnp_error(LNP_EVALUE, "compact: bad coordinate shape");
  lnp_status st = LNP_OK;
  lnp_view *m = NULL, *counts = NULL, *out = NULL;
  int64_t *cnt = NULL, *pre = NULL, *ex = NULL;
  starpu_data_handle_t *hs = NULL;
  struct starpu_data_descr *descrs = NULL;
  if (mask->store->dtype == LNP_BOOL && lnp_view_is_identity(mask)) {
    if (!(m = lnp_view_copy(mask))) return lnp_error(LNP_ENOMEM, "out of memory");
  } else if ((st = lnp_materialize(mask, LNP_BOOL, &m)))
    return st;
  const lnp_store *ms = m->store;
  const int32_t T = ms->ntiles[0];
  const int64_t W = src ? R : ndim;
  const int dtype = src ? src->store->dtype : LNP_INT64;
  cnt = calloc((size_t)T, sizeof *cnt);
  pre = calloc((size_t)T + 1, sizeof *pre);
  if (!cnt || !pre) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
  if (n > 0) {
    /* nonzeros per mask tile, into one-element tiles placed like them */
    lnp_runtime_throttle();
    size_t *src_tile = malloc(sizeof(size_t) * (size_t)T);
    int64_t *cb = malloc(sizeof(int64_t) * ((size_t)T + 1));
    if (!src_tile || !cb) st = lnp_error(LNP_ENOMEM, "out of memory");
    for (int32_t t = 0; !st && t <= T; t++) {
      cb[t] = t;
      if (t < T) src_tile[t] = (size_t)t;
    }
    lnp_store *cs = NULL;
    const int64_t cshape[1] = {T};
    int64_t *cbp[1] = {cb};
    if (!st) st = new_view(&counts, cs, lnp_store_create_placed(&cs, 1, cshape, LNP_INT64, &T, cbp, ms, src_tile));
    free(src_tile);
    free(cb);
    if (!st) st = lnp_launch_sync_before(m);
    lnp_runtime_activate();
    for (int32_t t = 0; t < T && !st; t++) {
      size_t sz;
      lnp_index_desc *d = new_desc(LNP_IX_COUNT, 0, NULL, NULL, NULL, &sz);
      if (!d) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
      lnp_tile_ensure_written(ms, (size_t)t);
      struct starpu_data_descr cd[2] = {{counts->store->storage->tiles[t], STARPU_W},
                                        {ms->storage->tiles[t], STARPU_R}};
      counts->store->storage->written[t] = 1;
      st = lnp_submit(&lnp_cl_index, cd, 2, d, sz, "mask_count");
    }
    if (!st) st = lnp_launch_sync_after(counts);
    if (!st) st = lnp_view_to_host(counts, cnt);
    if (st) goto done;
  }
  for (int32_t t = 0; t < T; t++) pre[t + 1] = pre[t] + cnt[t];
  const int64_t K = pre[T];
  if ((st = rows_store(&out, K, W, dtype)) || K * W == 0) goto done;
  int32_t tmin[LNP_MAXDIM] = {0}, tcnt[LNP_MAXDIM] = {0};
  if (src && (st = lnp_launch_sync_before(src))) goto done;
  ex = malloc(sizeof(int64_t) * 3 * (size_t)T);
  descrs = malloc(sizeof *descrs * (size_t)(1 + T));
  if (!ex || !descrs) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
  const lnp_store *os = out->store;
  for (int32_t i = 0; i < os->ntiles[0] && !st; i++) {
    const int64_t r0 = os->bounds[0][i], r1 = os->bounds[0][i + 1];
    /* the mask tiles whose nonzeros are rows r0..r1 */
    int32_t m0 = 0;
    while (m0 < T && pre[m0 + 1] <= r0) m0++;
    int32_t m1 = m0;
    while (m1 < T && pre[m1] < r1) m1++;
    int nsub = 0;
    for (int32_t t = m0; t < m1; t++)
      if (cnt[t]) {
        ex[3 * nsub] = ms->bounds[0][t];
        ex[3 * nsub + 1] = ms->bounds[0][t + 1] - ms->bounds[0][t];
        ex[3 * nsub + 2] = pre[t];
        nsub++;
      }
    const int64_t p0 = ex[0], p1 = ex[3 * (nsub - 1)] + ex[3 * (nsub - 1) + 1];
    for (int32_t j = 0; j < os->ntiles[1] && !st; j++) {
      const int64_t c0 = os->bounds[1][j], c1 = os->bounds[1][j + 1];
      int nbox = 0;
      free(hs);
      hs = NULL;
      if (src) {
        /* the source box of view elements p0*R + c0 .. (p1-1)*R + c1 - 1:
         * that range of the first dim, the others whole */
        int64_t lo[LNP_MAXDIM] = {0}, hi[LNP_MAXDIM];
        for (int d = 0; d < src->ndim; d++) hi[d] = src->shape[d];
        if (src->ndim > 0) {
          const int64_t inner = lnp_view_size(src) / src->shape[0];
          lo[0] = (p0 * R + c0) / inner;
          hi[0] = ((p1 - 1) * R + c1 - 1) / inner + 1;
        }
        view_box(src, lo, hi, tmin, tcnt);
        if ((st = box_handles(src, tmin, tcnt, &hs, &nbox))) break;
      }
      size_t sz;
      lnp_index_desc *d = new_desc(LNP_IX_COMPACT, 3 * nsub, src, tmin, tcnt, &sz);
      if (!d) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
      memcpy(d + 1, ex, sizeof(int64_t) * 3 * (size_t)nsub);
      d->coords = !src;
      d->itemsize = (int64_t)os->itemsize;
      d->R = R;
      d->nrows = n;
      d->r0 = r0;
      d->nr = r1 - r0;
      d->c0 = c0;
      d->nc = c1 - c0;
      d->nsub = nsub;
      d->g.buf0 = 1 + nsub;
      if (!src) {
        d->g.vndim = ndim;
        for (int k = 0; k < ndim; k++) d->g.vshape[k] = shape[k];
      }
      struct starpu_data_descr *nd = realloc(descrs, sizeof *descrs * (size_t)(1 + nsub + nbox));
      if (!nd) { free(d); st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
      descrs = nd;
      const int32_t tc[2] = {i, j};
      const size_t ot = lnp_store_tile_index(os, tc);
      int k = 0;
      descrs[k++] = (struct starpu_data_descr){os->storage->tiles[ot], STARPU_W};
      for (int32_t t = m0; t < m1; t++)
        if (cnt[t]) descrs[k++] = (struct starpu_data_descr){ms->storage->tiles[t], STARPU_R};
      for (int b = 0; b < nbox; b++) descrs[k++] = (struct starpu_data_descr){hs[b], STARPU_R};
      os->storage->written[ot] = 1;
      st = lnp_submit(&lnp_cl_index, descrs, k, d, sz, src ? "compact" : "nonzero");
    }
  }
  if (!st) st = lnp_launch_sync_after(out);
done:
  free(cnt);
  free(pre);
  free(ex);
  free(hs);
  free(descrs);
  lnp_view_free(m);
  lnp_view_free(counts);
  if (st) {
    lnp_view_free(out);
    return st;
  }
  *res = out;
  return LNP_OK;
}
