/* The launcher: one loop over views -> one StarPU task per output tile.
 *
 * The iteration space is cut, dimension by dimension, at every operand's tile
 * boundaries (their preimages under the view maps), so each piece of the grid
 * lies inside one tile of every operand.  Pieces are grouped by the output
 * tile they write; each group becomes one task whose buffers are that output
 * tile and every input tile its pieces read (aligned operands: one input tile
 * each; a shifted stencil read: a few).  See codelets/loop.h for the piece
 * format the kernels run.  Halo copies (below) are planned and submitted
 * here too, as launches of their own: the launcher calls nothing above it
 * (only views, stores, the codelets and the engine). */
#include <stdlib.h>
#include <string.h>
#include "launch.h"
#include "store_internal.h"
#include "../codelets/codelets.h"
#include "../data-interfaces/nd_interface.h"
#include "profile.h"

static int cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Append the view-coordinate cuts of v's tile boundaries along view dim d. */
static int add_cuts(const lnp_view *v, int d, int64_t *cuts, int n)
{
  int32_t sd = v->sdim[d];
  if (sd < 0) return n;
  const lnp_store *s = v->store;
  int64_t len = v->shape[d], o = v->origin[sd], st = v->step[d];
  for (int32_t t = 1; t < s->ntiles[sd]; t++) {
    int64_t b = s->bounds[sd][t], i;
    if (st > 0) {
      if (b <= o) continue;
      i = (b - o + st - 1) / st;          /* first i with o + st*i >= b */
    } else {
      if (b > o) continue;
      i = (o - b) / (-st) + 1;            /* first i with o + st*i < b */
    }
    if (i > 0 && i < len) cuts[n++] = i;
  }
  return n;
}

static int finish_cuts(int64_t *cuts, int n, int64_t len)
{
  cuts[n++] = 0;
  cuts[n++] = len;
  qsort(cuts, (size_t)n, sizeof *cuts, cmp_i64);
  int m = 0;
  for (int i = 0; i < n; i++) if (m == 0 || cuts[i] != cuts[m - 1]) cuts[m++] = cuts[i];
  return m - 1;
}

int lnp_view_cuts(const lnp_view *v, int d, int64_t **cuts)
{
  int32_t sd = v->sdim[d];
  size_t cap = (size_t)(sd >= 0 ? v->store->ntiles[sd] : 0) + 2;
  *cuts = malloc(cap * sizeof(int64_t));
  if (!*cuts) return -1;
  int n = add_cuts(v, d, *cuts, 0);
  return finish_cuts(*cuts, n, v->shape[d]);
}

void lnp_tile_ensure_written(const lnp_store *s, size_t tile)
{
  lnp_storage *st = s->storage;
  if (st->written[tile]) return;
  st->written[tile] = 1;
  lnp_runtime_activate();
  starpu_data_handle_t h = st->tiles[tile];
  uint64_t n = starpu_data_get_size(h) / s->itemsize;
  size_t sz = lnp_loop_desc_size(1, 2, 1);
  lnp_loop_desc *d = calloc(1, sz);
  d->op = LNP_OP_COPY; d->dtype_in = s->dtype; d->dtype_out = s->dtype;
  d->fp_slot = lnp_fp_slot(LNP_OP_COPY);
  d->ndim = 1; d->nops = 2; d->npieces = 1; d->nbuffers = 1;
  int64_t *w = lnp_loop_piece(d, 0);
  w[0] = (int64_t)n; w[1] = 0;
  int64_t *o = lnp_piece_operand(w, 1, 0); o[0] = 0; o[1] = 0; o[2] = 1;
  o = lnp_piece_operand(w, 1, 1); o[0] = LNP_BUF_SCALAR(0); o[1] = 0; o[2] = 0;
  struct starpu_data_descr descr = {.handle = h, .mode = STARPU_W};
  /* a failed fill surfaces at the task that reads the tile */
  (void)lnp_submit(&lnp_cl_loop, &descr, 1, d, sz, "fill");
}

typedef struct piece_ref { size_t tile; size_t index; } piece_ref;
static int cmp_piece(const void *a, const void *b)
{
  const piece_ref *x = a, *y = b;
  if (x->tile != y->tile) return x->tile < y->tile ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

/* Locate the tile of view v holding view coordinate lo; fill its handle
 * index, the element offset inside the tile and the per-view-dim strides. */
size_t lnp_view_locate(const lnp_view *v, const int64_t *lo, int64_t *offset, int64_t *strides)
{
  const lnp_store *s = v->store;
  int64_t x[LNP_MAXDIM];
  for (int k = 0; k < s->ndim; k++) x[k] = v->origin[k];
  for (int d = 0; d < v->ndim; d++)
    if (v->sdim[d] >= 0) x[v->sdim[d]] += v->step[d] * lo[d];
  int32_t tc[LNP_MAXDIM];
  int64_t tstride[LNP_MAXDIM];
  for (int k = 0; k < s->ndim; k++) tc[k] = lnp_store_find_tile(s, k, x[k]);
  int64_t acc = 1, off = 0;
  for (int k = s->ndim - 1; k >= 0; k--) {
    tstride[k] = acc;
    off += (x[k] - s->bounds[k][tc[k]]) * acc;
    acc *= s->bounds[k][tc[k] + 1] - s->bounds[k][tc[k]];
  }
  *offset = off;
  for (int d = 0; d < v->ndim; d++)
    strides[d] = v->sdim[d] >= 0 ? v->step[d] * tstride[v->sdim[d]] : 0;
  return lnp_store_tile_index(s, tc);
}

static int64_t tile_volume(const lnp_store *s, size_t tile)
{
  int64_t vol = 1;
  for (int k = s->ndim - 1; k >= 0; k--) {
    int32_t t = (int32_t)(tile % (size_t)s->ntiles[k]);
    tile /= (size_t)s->ntiles[k];
    vol *= s->bounds[k][t + 1] - s->bounds[k][t];
  }
  return vol;
}

typedef struct task_buf { starpu_data_handle_t h; enum starpu_data_access_mode mode; } task_buf;

static int add_buf(task_buf *bufs, int *nbufs, starpu_data_handle_t h, enum starpu_data_access_mode mode)
{
  for (int i = 0; i < *nbufs; i++)
    if (bufs[i].h == h) { bufs[i].mode |= mode; return i; }
  bufs[*nbufs].h = h; bufs[*nbufs].mode = mode;
  return (*nbufs)++;
}

/* Halo exchange, between ranks and between the GPUs of one process.  A task
 * reads a thin slab of a tile another rank owns or another GPU holds (a
 * stencil's neighbour row): rather than having StarPU (-MPI) move the whole
 * tile, the slab is first copied into a small store placed like the tile (a
 * task on its rank and GPU), and only that travels.  Pieces larger than a
 * quarter of their tile travel whole (no extra task).  The pieces of one
 * task's operand that come from the same place and together form a box
 * travel as one copy of that box: a boundary column crossing 8 row tiles
 * of another rank is one message, not 8. */
typedef struct halo_list { lnp_store **stores; int n, cap; } halo_list;

/* What one task's input pieces read, per (operand, piece): the tile, or
 * the halo copy, with offset and strides there; per piece, scratch.  One
 * block, kept from task to task. */
typedef struct halo_plan {
  size_t cap;
  void *mem;
  int64_t (*str)[LNP_MAXDIM];
  starpu_data_handle_t *h;
  int64_t *off;
  size_t *tile;
  uint8_t *done;
} halo_plan;

static int halo_plan_reserve(halo_plan *hp, size_t n)
{
  if (n <= hp->cap) return 0;
  size_t cap = hp->cap ? hp->cap : 16;
  while (cap < n) cap *= 2;
  const size_t each = sizeof *hp->str + sizeof *hp->h + sizeof *hp->off + sizeof *hp->tile + sizeof *hp->done;
  char *m = malloc(each * cap);
  if (!m) return 1;
  free(hp->mem);
  hp->mem = m;
  /* largest alignment first */
  hp->str = (void *)m, m += sizeof *hp->str * cap;
  hp->h = (void *)m, m += sizeof *hp->h * cap;
  hp->off = (void *)m, m += sizeof *hp->off * cap;
  hp->tile = (void *)m, m += sizeof *hp->tile * cap;
  hp->done = (uint8_t *)m;
  hp->cap = cap;
  return 0;
}

/* 1 if a piece of vol elements of v's tile, read by a task on rank reader
 * and GPU reader_gpu, should travel as a copy */
static int halo_wanted(const lnp_view *v, size_t tile, int reader, int reader_gpu, int64_t vol)
{
  const lnp_storage *sg = v->store->storage;
  const int other_rank = lnp_mpi_enabled() && sg->owner[tile] != reader;
  const int other_gpu = sg->home[tile] >= 0 && reader_gpu >= 0 && sg->home[tile] != reader_gpu;
  /* a small tile travels whole, once: StarPU(-MPI) keeps the copy for
   * every task that reads it until it is written (channel flow's boundary
   * column, 16 KB, was copied in 8 pieces for the 8 row tiles of the other
   * rank that it is assigned to); in test mode, where every tile is tiny,
   * halos are made anyway so that the suites exercise them */
  const int64_t tv = tile_volume(v->store, tile);
  if (!lnp_runtime_test_mode() && tv * (int64_t)lnp_dtype_size(v->store->dtype) <= 65536) return 0;
  return (other_rank || other_gpu) && vol * 4 <= tv;
}

/* The box [origin, origin + shape) of v copied into a new one-tile store
 * placed like v's tile `tile` (released with hl once the reading task is
 * submitted): its handle, or NULL (then the reader takes the tiles). */
static starpu_data_handle_t halo_copy(const lnp_view *v, size_t tile, const int64_t *shape, const int64_t *origin,
                                      int ndim, halo_list *hl)
{
  if (hl->n == hl->cap) {
    int cap = hl->cap ? 2 * hl->cap : 8;
    lnp_store **ns = realloc(hl->stores, sizeof *ns * (size_t)cap);
    if (!ns) return NULL;
    hl->stores = ns;
    hl->cap = cap;
  }
  lnp_key keys[LNP_MAXDIM];
  for (int d = 0; d < ndim; d++) keys[d] = (lnp_key){LNP_KEY_SLICE, origin[d], origin[d] + shape[d], 1, shape[d]};
  lnp_view *slab = NULL;
  if (lnp_view_index(v, ndim, keys, &slab)) return NULL;
  int32_t one[LNP_MAXDIM];
  int64_t bnd[LNP_MAXDIM][2], *bounds[LNP_MAXDIM];
  for (int d = 0; d < ndim; d++) { one[d] = 1; bnd[d][0] = 0; bnd[d][1] = shape[d]; bounds[d] = bnd[d]; }
  lnp_store *hs = NULL;
  if (lnp_store_create_placed(&hs, ndim, shape, v->store->dtype, one, bounds, v->store, &tile)) {
    lnp_view_free(slab);
    return NULL;
  }
  lnp_view *hv = lnp_view_new(hs);
  /* the copy is one more launch, planned here: its tasks run where the
   * tile lives (hs is placed like it, and the box's pieces all live there),
   * so it reads no halo of its own */
  lnp_batch_alone(1); /* the neighbour's batch must not wait for a whole batch of ours */
  lnp_status st = hv ? lnp_launch_copy(hv, slab) : LNP_ENOMEM;
  lnp_batch_alone(0);
  lnp_view_free(hv);
  lnp_view_free(slab);
  if (st) { lnp_store_release(hs); return NULL; }
  hl->stores[hl->n++] = hs;
  return hs->storage->tiles[0];
}

/* A piece at `origin` reading a copy of the box at `lo` of `shape`
 * (row-major, contiguous): its offset and strides there. */
static void halo_place(const int64_t *shape, const int64_t *lo, const int64_t *origin, int ndim, int64_t *offset,
                       int64_t *strides)
{
  int64_t acc = 1;
  *offset = 0;
  for (int d = ndim - 1; d >= 0; d--) {
    strides[d] = shape[d] > 1 ? acc : 0;
    *offset += (origin[d] - lo[d]) * acc;
    acc *= shape[d];
  }
}

/* What one task's input v gives its np pieces (words): h, off, str (np
 * entries each) name the tile and place each piece reads, or the halo copy
 * it reads instead.  The pieces read elsewhere are grouped by where their
 * tile lives; a group that forms a box is copied as one, another piece
 * alone. */
static void task_halos(const lnp_view *v, const int64_t *words, size_t pw, int np, int ndim, int reader,
                       int reader_gpu, halo_list *hl, halo_plan *hp, starpu_data_handle_t *h, int64_t *off,
                       int64_t (*str)[LNP_MAXDIM])
{
  const lnp_storage *sg = v->store->storage;
  size_t *tile = hp->tile;
  uint8_t *done = hp->done;
  for (int q = 0; q < np; q++) {
    const int64_t *w = words + pw * (size_t)q;
    int64_t vol = 1;
    tile[q] = lnp_view_locate(v, w + ndim, &off[q], str[q]);
    h[q] = sg->tiles[tile[q]];
    lnp_tile_ensure_written(v->store, tile[q]);
    for (int d = 0; d < ndim; d++) vol *= w[d];
    done[q] = !halo_wanted(v, tile[q], reader, reader_gpu, vol);
  }
  for (int q = 0; q < np; q++) {
    if (done[q]) continue;
    /* the pieces from where q's tile lives, and their bounding box */
    const int owner = sg->owner[tile[q]], home = sg->home[tile[q]];
    int64_t lo[LNP_MAXDIM], hi[LNP_MAXDIM], sum = 0;
    int n = 0;
    for (int r = q; r < np; r++) {
      if (done[r] || sg->owner[tile[r]] != owner || sg->home[tile[r]] != home) continue;
      const int64_t *w = words + pw * (size_t)r;
      int64_t vol = 1;
      for (int d = 0; d < ndim; d++) {
        if (!n || w[ndim + d] < lo[d]) lo[d] = w[ndim + d];
        if (!n || w[ndim + d] + w[d] > hi[d]) hi[d] = w[ndim + d] + w[d];
        vol *= w[d];
      }
      sum += vol;
      n++;
    }
    int64_t shape[LNP_MAXDIM], box = 1;
    for (int d = 0; d < ndim; d++) { shape[d] = hi[d] - lo[d]; box *= shape[d]; }
    const int64_t *wq = words + pw * (size_t)q;
    if (n < 2 || box != sum) { /* alone */
      done[q] = 1;
      const starpu_data_handle_t hh = halo_copy(v, tile[q], wq, wq + ndim, ndim, hl);
      if (hh) {
        h[q] = hh;
        halo_place(wq, wq + ndim, wq + ndim, ndim, &off[q], str[q]);
      }
      continue;
    }
    const starpu_data_handle_t hh = halo_copy(v, tile[q], shape, lo, ndim, hl);
    for (int r = q; r < np; r++) {
      if (done[r] || sg->owner[tile[r]] != owner || sg->home[tile[r]] != home) continue;
      done[r] = 1;
      if (hh) {
        h[r] = hh;
        halo_place(shape, lo, words + pw * (size_t)r + ndim, ndim, &off[r], str[r]);
      }
    }
  }
}

/* The copy's storage seen in its source's shape (a store aliasing s's tiles
 * with the link's geometry). */
static lnp_view *link_mirror(const lnp_store *s)
{
  const lnp_link *k = s->storage->link;
  lnp_store *ms;
  if (lnp_store_alias(&ms, s, k->ndim, k->shape, k->ntiles, k->bounds)) return NULL;
  lnp_view *m = lnp_view_new(ms);
  lnp_store_release(ms);
  return m;
}

/* One copy between a linked copy and its source, in either direction.  The
 * copy is a launch like any other: a source that is itself a linked copy
 * is brought up to date, or written back, by the same hooks. */
static lnp_status link_sync(const lnp_store *s, int to_source)
{
  lnp_link *k = s->storage->link;
  lnp_view *m = link_mirror(s);
  if (!m) return lnp_error(LNP_ENOMEM, "out of memory");
  k->busy = 1;
  lnp_status st = to_source ? lnp_launch_copy(&k->src, m) : lnp_launch_copy(m, &k->src);
  k->busy = 0;
  lnp_view_free(m);
  if (!st) k->src_version = k->src.store->storage->version;
  return st;
}

lnp_status lnp_launch_sync_before(const lnp_view *v)
{
  const lnp_link *k = v->store->storage->link;
  if (!k || k->busy || k->src_version == k->src.store->storage->version) return LNP_OK;
  return link_sync(v->store, 0);
}

lnp_status lnp_launch_sync_after(const lnp_view *v)
{
  lnp_storage *sg = v->store->storage;
  sg->version++;
  if (!sg->link || sg->link->busy) return LNP_OK;
  return link_sync(v->store, 1);
}

static lnp_status launch_tasks(const lnp_launch *L);

/* launches under way in this thread: a halo copy, or a linked copy's sync,
 * is a launch inside one */
static _Thread_local int launch_depth = 0;

lnp_status lnp_launch_submit(const lnp_launch *L)
{
  const lnp_view *out = L->views[0];
  for (int k = 0; k < L->nout; k++) {
    lnp_status st = lnp_view_check_writable(L->views[k]);
    if (st) return st;
  }
  for (int d = 0; d < out->ndim; d++) if (out->shape[d] == 0) return LNP_OK;
  /* back-pressure between launches, never inside one (its tiles' state is
   * half written while its tasks go out) */
  if (!launch_depth) lnp_runtime_throttle();
  launch_depth++;
  lnp_status st = LNP_OK;
  for (int k = 0; k < L->nops && !st; k++) st = L->views[k] ? lnp_launch_sync_before(L->views[k]) : LNP_OK;
  if (!st) st = launch_tasks(L);
  for (int k = 0; k < L->nout && !st; k++) st = lnp_launch_sync_after(L->views[k]);
  launch_depth--;
  return st;
}

/* The tasks of one loop (lnp_launch_submit's work). */
static lnp_status launch_tasks(const lnp_launch *L)
{
  const lnp_view *out = L->views[0];
  int ndim = out->ndim;
  lnp_runtime_activate();
  LNP_PROFILE_BEGIN_OP(lnp_op_name(L->op));
  /* 1. cuts per dimension */
  int64_t *cuts[LNP_MAXDIM] = {0};
  int nseg[LNP_MAXDIM];
  size_t npieces = 1;
  lnp_status st = LNP_OK;
  for (int d = 0; d < ndim; d++) {
    size_t cap = 2;
    for (int k = 0; k < L->nops; k++)
      if (L->views[k] && L->views[k]->sdim[d] >= 0) cap += (size_t)L->views[k]->store->ntiles[L->views[k]->sdim[d]];
    cuts[d] = malloc(cap * sizeof(int64_t));
    if (!cuts[d]) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
    int n = 0;
    for (int k = 0; k < L->nops; k++) if (L->views[k]) n = add_cuts(L->views[k], d, cuts[d], n);
    nseg[d] = finish_cuts(cuts[d], n, out->shape[d]);
    npieces *= (size_t)nseg[d];
  }
  /* 2. group the pieces by output tile */
  piece_ref *refs = malloc(npieces * sizeof *refs);
  if (!refs) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
  {
    int32_t pc[LNP_MAXDIM] = {0};
    int64_t lo[LNP_MAXDIM] = {0}, off, strides[LNP_MAXDIM];
    for (size_t p = 0; p < npieces; p++) {
      for (int d = 0; d < ndim; d++) lo[d] = cuts[d][pc[d]];
      refs[p].tile = lnp_view_locate(out, lo, &off, strides);
      refs[p].index = p;
      for (int d = ndim - 1; d >= 0; d--) { if (++pc[d] < nseg[d]) break; pc[d] = 0; }
    }
  }
  qsort(refs, npieces, sizeof *refs, cmp_piece);
  /* 3. one task per group */
  size_t pw = lnp_piece_words(ndim, L->nops);
  halo_list halos = {0};
  halo_plan hal = {0};
  task_buf *bufs = malloc(sizeof(task_buf) * ((size_t)L->nops * npieces + 1));
  if (!bufs) { free(refs); st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
  for (size_t g = 0; g < npieces;) {
    size_t g_end = g;
    while (g_end < npieces && refs[g_end].tile == refs[g].tile) g_end++;
    int np = (int)(g_end - g);
    size_t sz = lnp_loop_desc_size(ndim, L->nops, np);
    lnp_loop_desc *desc = calloc(1, sz);
    if (!desc) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
    desc->op = L->op; desc->dtype_in = L->dtype_in; desc->dtype_out = L->dtype_out;
    desc->fp_slot = lnp_fp_slot(L->op);
    desc->ndim = ndim; desc->nops = L->nops; desc->npieces = np;
    memcpy(desc->scalars, L->scalars, sizeof desc->scalars);
    memcpy(desc->index_mult, L->index_mult, sizeof desc->index_mult);
    if (L->scan) desc->scalars[0].i64 = L->scan_dim;
    int nbufs = 0;
    int64_t covered = 0;
    /* the rank that will run this task: the owner of its output tile */
    const int reader = out->store->storage->owner[refs[g].tile];
    /* and the GPU it will likely run on: its output tile's home (-1: none) */
    const int reader_gpu = out->store->storage->home[refs[g].tile];
    /* the pieces' extents and origins first: halos are planned over them */
    for (int q = 0; q < np; q++) {
      size_t rem = refs[g + (size_t)q].index;
      int64_t *w = (int64_t *)(desc + 1) + pw * (size_t)q;
      for (int d = ndim - 1; d >= 0; d--) {
        int32_t c = (int32_t)(rem % (size_t)nseg[d]);
        rem /= (size_t)nseg[d];
        w[d] = cuts[d][c + 1] - cuts[d][c];
        w[ndim + d] = cuts[d][c];
      }
    }
    if (halo_plan_reserve(&hal, (size_t)L->nops * (size_t)np)) {
      free(desc);
      st = lnp_error(LNP_ENOMEM, "out of memory");
      break;
    }
    for (int k = L->nout; k < L->nops; k++)
      if (L->views[k]) {
        const size_t at = (size_t)k * (size_t)np;
        task_halos(L->views[k], (int64_t *)(desc + 1), pw, np, ndim, reader, reader_gpu, &halos, &hal, hal.h + at,
                   hal.off + at, hal.str + at);
      }
    for (int q = 0; q < np; q++) {
      int64_t *w = (int64_t *)(desc + 1) + pw * (size_t)q;
      int64_t vol = 1;
      for (int d = 0; d < ndim; d++) vol *= w[d];
      covered += vol;
      for (int k = 0; k < L->nops; k++) {
        int64_t *o = lnp_piece_operand(w, ndim, k);
        const lnp_view *v = L->views[k];
        if (!v) {
          o[0] = LNP_BUF_SCALAR(L->scalar_slot[k]); o[1] = 0;
          for (int d = 0; d < ndim; d++) o[2 + d] = 0;
          continue;
        }
        if (k < L->nout) { /* mode refined below */
          const size_t tile = lnp_view_locate(v, w + ndim, &o[1], &o[2]);
          o[0] = add_buf(bufs, &nbufs, v->store->storage->tiles[tile], STARPU_W);
          continue;
        }
        const size_t i = (size_t)k * (size_t)np + (size_t)q; /* task_halos' plan */
        o[1] = hal.off[i];
        for (int d = 0; d < ndim; d++) o[2 + d] = hal.str[i][d];
        o[0] = add_buf(bufs, &nbufs, hal.h[i], STARPU_R);
      }
    }
    /* outputs: W only when the task overwrites the whole tile */
    for (int k = 0; k < L->nout; k++) {
      const lnp_view *v = L->views[k];
      int64_t dummy_off, dummy_str[LNP_MAXDIM];
      int64_t *w0 = (int64_t *)(desc + 1);
      size_t tile = lnp_view_locate(v, w0 + ndim, &dummy_off, dummy_str);
      int bcast = 0;
      for (int d = 0; d < ndim; d++) if (v->sdim[d] < 0 && v->shape[d] > 1) bcast = 1;
      int whole = !L->out_read && !bcast && covered == tile_volume(v->store, tile);
      int b = (int)lnp_piece_operand(w0, ndim, k)[0];
      if (!whole) {
        lnp_tile_ensure_written(v->store, tile);
        bufs[b].mode |= STARPU_R;
      }
      v->store->storage->written[tile] = 1;
    }
    desc->nbuffers = nbufs;
    struct starpu_data_descr *descrs = malloc(sizeof *descrs * (size_t)nbufs);
    for (int i = 0; i < nbufs; i++) { descrs[i].handle = bufs[i].h; descrs[i].mode = bufs[i].mode; }
    st = lnp_submit(L->scan ? &lnp_cl_scan : &lnp_cl_loop, descrs, nbufs, desc, sz, lnp_op_name(L->op));
    free(descrs);
    for (int i = 0; i < halos.n; i++) lnp_store_release(halos.stores[i]);
    halos.n = 0;
    if (st) break;
    g = g_end;
  }
  for (int i = 0; i < halos.n; i++) lnp_store_release(halos.stores[i]);
  free(halos.stores);
  free(hal.mem);
  free(bufs);
  free(refs);
done:
  for (int d = 0; d < ndim; d++) free(cuts[d]);
  return st;
}

lnp_status lnp_launch_copy(const lnp_view *out, const lnp_view *src)
{
  lnp_launch L;
  memset(&L, 0, sizeof L);
  L.op = LNP_OP_COPY; L.dtype_in = src->store->dtype; L.dtype_out = out->store->dtype;
  L.nops = 2; L.nout = 1; L.views[0] = out; L.views[1] = src;
  return lnp_launch_submit(&L);
}

lnp_status lnp_store_create_like_view(lnp_store **out, const lnp_view *v, int dtype)
{
  int32_t ntiles[LNP_MAXDIM];
  int64_t *bounds[LNP_MAXDIM] = {0};
  int ndim = v->ndim;
  lnp_status st = LNP_OK;
  int aligned = lnp_view_size(v) > 0;
  for (int d = 0; d < ndim && aligned; d++) {
    int n = lnp_view_cuts(v, d, &bounds[d]);
    if (n < 0) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
    ntiles[d] = n;
  }
  if (aligned && ndim > 0) {
    /* keep tiles coarse: a broadcast or gathered view can project to many
     * tiny tiles; fall back to the default tiling then */
    size_t total = 1;
    for (int d = 0; d < ndim; d++) total *= (size_t)ntiles[d];
    int64_t nel = lnp_view_size(v);
    if (!lnp_runtime_test_mode() && (int64_t)total > 1 && nel / (int64_t)total < lnp_runtime_tile_elems() / 16)
      aligned = 0;
  }
  if (aligned) {
    /* each tile lives with the tile of v's store it lies over (same rank,
     * same GPU), so the elementwise tasks of a temporary move nothing */
    size_t total = 1;
    for (int d = 0; d < ndim; d++) total *= (size_t)ntiles[d];
    size_t *src_tile = malloc(sizeof(size_t) * (total ? total : 1));
    if (!src_tile) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
    int64_t lo[LNP_MAXDIM], off, strides[LNP_MAXDIM];
    int32_t tc[LNP_MAXDIM] = {0};
    for (size_t t = 0; t < total; t++) {
      for (int d = 0; d < ndim; d++) lo[d] = bounds[d][tc[d]];
      src_tile[t] = lnp_view_locate(v, lo, &off, strides);
      for (int d = ndim - 1; d >= 0; d--) { if (++tc[d] < ntiles[d]) break; tc[d] = 0; }
    }
    st = lnp_store_create_placed(out, ndim, v->shape, dtype, ntiles, bounds, v->store, src_tile);
    free(src_tile);
  } else
    st = lnp_store_create(out, ndim, v->shape, dtype);
done:
  for (int d = 0; d < ndim; d++) free(bounds[d]);
  return st;
}

lnp_status lnp_view_expand(const lnp_view *out, int ndim, const int64_t *ext, const unsigned char *reduced,
                           lnp_view **res)
{
  lnp_view *r = lnp_view_copy(out);
  if (!r) return lnp_error(LNP_ENOMEM, "out of memory");
  int s = 0;
  for (int d = 0; d < ndim; d++) {
    if (reduced[d]) { r->shape[d] = ext[d]; r->sdim[d] = -1; r->step[d] = 0; }
    else { r->shape[d] = out->shape[s]; r->sdim[d] = out->sdim[s]; r->step[d] = out->step[s]; s++; }
  }
  r->ndim = ndim;
  *res = r;
  return LNP_OK;
}
