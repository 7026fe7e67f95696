/* Stores: an N-D array as a grid of StarPU tile handles.
 *
 * Each tile is its own handle of the N-D interface, registered with home node
 * -1 so StarPU allocates it where it is first written (a temporary made on a
 * GPU never touches host memory); we never register one big handle and
 * partition it (see DESIGN.md).  The default tiling depends only on the shape,
 * so arrays of the same shape line up whatever their dtype. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lnp.h"
#include "store_internal.h"
#include "../data-interfaces/nd_interface.h"
#include "../scheduler/distribution.h"
#include "../scheduler/locality.h"

static uint64_t lnp_next_storage_id = 1;

/* Default tiling: split dimension 0 first (row blocks are contiguous, stay
 * boxes under reshape and keep stencil neighbours in one tile along the other
 * dims), then the next dims, until tiles hold about tile_elems elements.  In
 * test mode every dimension is cut every 3 elements. */
void lnp_store_default_tiling(int ndim, const int64_t *shape, size_t itemsize, int32_t *ntiles, int64_t *chunk)
{
  /* an empty array is one (empty) tile: no task ever touches it, and
   * (2**40, 0) was a million handles to register */
  for (int d = 0; d < ndim; d++)
    if (shape[d] == 0) {
      for (int e = 0; e < ndim; e++) { chunk[e] = shape[e] > 0 ? shape[e] : 1; ntiles[e] = 1; }
      return;
    }
  if (lnp_runtime_test_mode()) {
    for (int d = 0; d < ndim; d++) {
      /* 3 elements, or coarser for huge extents (bounded tile count) */
      chunk[d] = shape[d] > (3 << 20) ? (shape[d] + (1 << 20) - 1) >> 20 : 3;
      ntiles[d] = shape[d] <= chunk[d] ? 1 : (int32_t)((shape[d] + chunk[d] - 1) / chunk[d]);
    }
    return;
  }
  int64_t nelem = 1;
  for (int d = 0; d < ndim; d++) nelem *= shape[d] > 0 ? shape[d] : 1;
  int64_t target = lnp_runtime_tile_target(nelem, itemsize);
  for (int d = 0; d < ndim; d++) { chunk[d] = shape[d] > 0 ? shape[d] : 1; ntiles[d] = 1; }
  /* elements in a slab of one index along dims < d */
  for (int d = 0; d < ndim; d++) {
    int64_t inner = 1;
    for (int e = d + 1; e < ndim; e++) inner *= shape[e] > 0 ? shape[e] : 1;
    if (shape[d] <= 0) break;
    if (inner * shape[d] <= target) break;       /* whole extent of d fits */
    if (inner <= target) {                       /* split d into row blocks */
      int64_t rows = target / inner;
      if (rows < 1) rows = 1;
      int64_t n = (shape[d] + rows - 1) / rows;
      rows = (shape[d] + n - 1) / n;             /* balance the blocks */
      chunk[d] = rows;
      ntiles[d] = (int32_t)((shape[d] + rows - 1) / rows);
      break;
    }
    chunk[d] = 1;                                /* one index per tile, go deeper */
    ntiles[d] = (int32_t)shape[d];
  }
}

/* NumPy's rule for a new array's shape (PyArray_NewFromDescr): dims in
 * order, a 0 is skipped, a negative one is an error, and the product of the
 * others times the itemsize must fit in an intp -- even when a 0 makes the
 * array empty: np.ones((2**62, 0)) is "array is too big", and so must ours
 * be, before any tile grid is laid over it. */
lnp_status lnp_shape_check(int ndim, const int64_t *shape, size_t itemsize)
{
  if (ndim < 0 || ndim > LNP_MAXDIM) return lnp_error(LNP_EVALUE, "maximum supported dimension for an ndarray is %d, found %d", LNP_MAXDIM, ndim);
  int64_t nbytes = itemsize ? (int64_t)itemsize : 1;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] == 0) continue;
    if (shape[d] < 0) return lnp_error(LNP_EVALUE, "negative dimensions are not allowed");
    if (nbytes > INT64_MAX / shape[d])
      return lnp_error(LNP_EVALUE, "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.");
    nbytes *= shape[d];
  }
  return LNP_OK;
}

/* Tiles are allocated lazily, when a task first writes them; an array that
 * can never fit must fail now, as NumPy's allocation does, not abort later
 * inside a worker. */
static lnp_status check_size(int ndim, const int64_t *shape, int dtype)
{
  size_t itemsize = lnp_dtype_size(dtype);
  if (!itemsize) return lnp_error(LNP_ETYPE, "invalid dtype %d", dtype);
  lnp_status st = lnp_shape_check(ndim, shape, itemsize);
  if (st) return st;
  int64_t nelem = 1;
  for (int d = 0; d < ndim; d++) nelem *= shape[d];
  /* sysconf(_SC_PHYS_PAGES) is a sysinfo() system call: once per process */
  static uint64_t phys_bytes = 0;
  if (!phys_bytes) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    phys_bytes = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : UINT64_MAX;
  }
  if ((uint64_t)nelem * itemsize > phys_bytes)
    return lnp_error(LNP_ENOMEM, "Unable to allocate %.3g GiB for an array with %lld elements of type %s",
                     (double)nelem * (double)itemsize / (1024.0 * 1024.0 * 1024.0), (long long)nelem, lnp_dtype_name(dtype));
  return LNP_OK;
}

lnp_status lnp_store_create_tiled(lnp_store **out, int ndim, const int64_t *shape, int dtype,
                                  const int32_t *ntiles, int64_t *const *bounds)
{
  return lnp_store_create_placed(out, ndim, shape, dtype, ntiles, bounds, NULL, NULL);
}

lnp_status lnp_store_create_placed(lnp_store **out, int ndim, const int64_t *shape, int dtype,
                                   const int32_t *ntiles, int64_t *const *bounds, const lnp_store *src,
                                   const size_t *src_tile)
{
  if (ndim < 0 || ndim > LNP_MAXDIM) return lnp_error(LNP_EVALUE, "maximum supported dimension for an ndarray is %d, found %d", LNP_MAXDIM, ndim);
  lnp_status cs = check_size(ndim, shape, dtype);
  if (cs) return cs;
  size_t itemsize = lnp_dtype_size(dtype);
  size_t total = 1;
  int64_t nelem = 1;
  for (int d = 0; d < ndim; d++) {
    nelem *= shape[d];
    /* saturates: the product of 32 tile counts overflows a size_t */
    total = ntiles[d] <= 0 ? 0 : total > ((size_t)1 << 26) ? total : total * (size_t)ntiles[d];
  }
  if (total > ((size_t)1 << 26))
    return lnp_error(LNP_ENOMEM, "Unable to allocate an array of %lld elements: %zu tiles is beyond the runtime's limit", (long long)nelem, total);
  /* the host memory its tiles and their handles will take (host_memory.c):
   * refused, make room (pooled tiles, tiles released while tasks used
   * them) and ask again; still refused: MemoryError, nothing registered.
   * Under MPI this rank holds about its share. */
  /* a bound of each tile's slack: the largest tile's (its last extent and
   * its bytes; the store's own row was a bound too, 16 MB a tile for the
   * 16 x 512 tiles of a 16 x 2M operand, and a k-means product was refused
   * 60 GB) */
  int64_t tile_elems = 1, last = 0;
  for (int d = 0; d < ndim; d++) {
    int64_t ext = 0;
    for (int32_t t = 0; t < ntiles[d]; t++)
      if (bounds[d][t + 1] - bounds[d][t] > ext) ext = bounds[d][t + 1] - bounds[d][t];
    tile_elems = ext && tile_elems > INT64_MAX / ext ? INT64_MAX : tile_elems * ext; /* empty stores' huge dims */
    if (d == ndim - 1) last = ext;
  }
  const int64_t pad = (int64_t)lnp_nd_pad_bytes(ndim, ndim >= 2 ? last : 0, itemsize,
                                                (size_t)tile_elems * itemsize);
  const int64_t bytes = (nelem * (int64_t)itemsize + (int64_t)total * pad) / lnp_mpi_size();
  if (lnp_host_memory_reserve(bytes, (int64_t)total, dtype)) {
    lnp_tile_pool_flush();
    lnp_runtime_settle();
    lnp_status ms = lnp_host_memory_reserve(bytes, (int64_t)total, dtype);
    if (ms) return ms;
  }
  lnp_store *s = calloc(1, sizeof *s);
  lnp_storage *st = calloc(1, sizeof *st);
  starpu_data_handle_t *tiles = calloc(total ? total : 1, sizeof *tiles);
  unsigned char *written = calloc(total ? total : 1, 1);
  int32_t *owner = malloc(sizeof(int32_t) * (total ? total : 1));
  int32_t *home = malloc(sizeof(int32_t) * (total ? total : 1));
  if (!s || !st || !tiles || !written || !owner || !home) goto nomem;
  s->refcount = 1; s->storage = st; s->ndim = ndim; s->dtype = dtype; s->itemsize = itemsize;
  s->total_tiles = total;
  for (int d = 0; d < ndim; d++) {
    s->shape[d] = shape[d];
    s->ntiles[d] = ntiles[d];
    s->bounds[d] = malloc(sizeof(int64_t) * ((size_t)ntiles[d] + 1));
    if (!s->bounds[d]) goto nomem;
    memcpy(s->bounds[d], bounds[d], sizeof(int64_t) * ((size_t)ntiles[d] + 1));
  }
  st->refcount = 1; st->ntiles = total; st->tiles = tiles; st->written = written;
  st->owner = owner; st->home = home;
  st->id = lnp_next_storage_id++;
  /* every tile: a released one of its shape and home (tile_pool.c), or
   * registered lazily (home node -1) */
  int32_t tc[LNP_MAXDIM] = {0};
  for (size_t t = 0; t < total; t++) {
    uint64_t tshape[LNP_MAXDIM];
    for (int d = 0; d < ndim; d++) tshape[d] = (uint64_t)(s->bounds[d][tc[d] + 1] - s->bounds[d][tc[d]]);
    if (src) {
      owner[t] = src->storage->owner[src_tile[t]];
      home[t] = src->storage->home[src_tile[t]];
    } else {
      owner[t] = lnp_dist_block(t, total, lnp_mpi_size());
      home[t] = lnp_sched_home_for(t, total);
    }
    tiles[t] = lnp_tile_pool_take(ndim, tshape, dtype, home[t], owner[t]);
    if (tiles[t]) lnp_mpi_retag_tile(tiles[t]);
    else {
      lnp_nd_register(&tiles[t], -1, 0, ndim, tshape, NULL, itemsize, dtype);
      lnp_host_memory_commit((int64_t)starpu_data_get_alloc_size(tiles[t]));
      lnp_sched_set_home(tiles[t], home[t]);
      lnp_mpi_register_tile(tiles[t], owner[t]);
    }
    for (int d = ndim - 1; d >= 0; d--) { if (++tc[d] < ntiles[d]) break; tc[d] = 0; }
  }
  *out = s;
  return LNP_OK;
nomem:
  if (s) for (int d = 0; d < ndim; d++) free(s->bounds[d]);
  free(s); free(st); free(tiles); free(written); free(owner); free(home);
  return lnp_error(LNP_ENOMEM, "out of memory creating an array");
}

lnp_status lnp_store_create_lines(lnp_store **out, int ndim, const int64_t *shape, int dtype, int axis,
                                  const lnp_store *like)
{
  if (ndim < 1 || ndim > LNP_MAXDIM || axis < 0 || axis >= ndim)
    return lnp_error(LNP_EVALUE, "lines along dim %d of a %d-dimensional store", axis, ndim);
  int32_t nt[LNP_MAXDIM];
  int64_t ch[LNP_MAXDIM], *b[LNP_MAXDIM] = {0};
  if (!like) {
    /* the other dims as the default tiling cuts them with the axis moved
     * last (row blocks of whole lines, about the default tile's elements) */
    int64_t moved[LNP_MAXDIM], mch[LNP_MAXDIM];
    int32_t mnt[LNP_MAXDIM];
    for (int d = 0, k = 0; d < ndim; d++)
      if (d != axis) moved[k++] = shape[d];
    moved[ndim - 1] = shape[axis];
    lnp_store_default_tiling(ndim, moved, lnp_dtype_size(dtype), mnt, mch);
    for (int d = 0, k = 0; d < ndim; d++)
      if (d != axis) nt[d] = mnt[k], ch[d] = mch[k++];
  }
  lnp_status st = LNP_OK;
  int64_t whole[2] = {0, shape[axis]};
  for (int d = 0; d < ndim && !st; d++) {
    if (d == axis) {
      nt[d] = 1;
      b[d] = whole;
      continue;
    }
    if (like) nt[d] = like->ntiles[d];
    b[d] = malloc(sizeof(int64_t) * ((size_t)nt[d] + 1));
    if (!b[d]) {
      st = lnp_error(LNP_ENOMEM, "out of memory");
      break;
    }
    for (int32_t t = 0; t <= nt[d]; t++)
      b[d][t] = like ? like->bounds[d][t] : t < nt[d] ? t * ch[d] : shape[d];
  }
  size_t *src_tile = NULL;
  if (!st && like) {
    src_tile = malloc(sizeof(size_t) * like->total_tiles);
    if (!src_tile) st = lnp_error(LNP_ENOMEM, "out of memory");
    for (size_t t = 0; src_tile && t < like->total_tiles; t++) src_tile[t] = t;
  }
  if (!st) st = lnp_store_create_placed(out, ndim, shape, dtype, nt, b, like, src_tile);
  free(src_tile);
  for (int d = 0; d < ndim; d++)
    if (d != axis) free(b[d]);
  return st;
}

lnp_status lnp_store_create(lnp_store **out, int ndim, const int64_t *shape, int dtype)
{
  if (ndim < 0 || ndim > LNP_MAXDIM) return lnp_error(LNP_EVALUE, "maximum supported dimension for an ndarray is %d, found %d", LNP_MAXDIM, ndim);
  lnp_status cs = check_size(ndim, shape, dtype);
  if (cs) return cs;
  int32_t ntiles[LNP_MAXDIM];
  int64_t chunk[LNP_MAXDIM];
  lnp_store_default_tiling(ndim, shape, lnp_dtype_size(dtype), ntiles, chunk);
  int64_t *bounds[LNP_MAXDIM] = {0};
  lnp_status st = LNP_OK;
  for (int d = 0; d < ndim; d++) {
    bounds[d] = malloc(sizeof(int64_t) * ((size_t)ntiles[d] + 1));
    if (!bounds[d]) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
    for (int32_t t = 0; t < ntiles[d]; t++) bounds[d][t] = (int64_t)t * chunk[d];
    bounds[d][ntiles[d]] = shape[d];
  }
  st = lnp_store_create_tiled(out, ndim, shape, dtype, ntiles, bounds);
  if (!st) (*out)->relayable = 1;
done:
  for (int d = 0; d < ndim; d++) free(bounds[d]);
  return st;
}

lnp_status lnp_store_alias(lnp_store **out, const lnp_store *src, int ndim, const int64_t *shape,
                           const int32_t *ntiles, int64_t *const *bounds)
{
  lnp_store *s = calloc(1, sizeof *s);
  if (!s) return lnp_error(LNP_ENOMEM, "out of memory");
  s->refcount = 1; s->storage = src->storage; src->storage->refcount++;
  s->ndim = ndim; s->dtype = src->dtype; s->itemsize = src->itemsize; s->total_tiles = src->total_tiles;
  for (int d = 0; d < ndim; d++) {
    s->shape[d] = shape[d]; s->ntiles[d] = ntiles[d];
    s->bounds[d] = malloc(sizeof(int64_t) * ((size_t)ntiles[d] + 1));
    memcpy(s->bounds[d], bounds[d], sizeof(int64_t) * ((size_t)ntiles[d] + 1));
  }
  *out = s;
  return LNP_OK;
}

void lnp_store_adopt_tiles(lnp_store *s, lnp_store *ns)
{
  lnp_storage *tmp = s->storage; s->storage = ns->storage; ns->storage = tmp;
  /* same values in new tiles: a version that no linked copy has seen, so
   * that versions of one store only grow */
  s->storage->version = tmp->version + 1;
  for (int d = 0; d < s->ndim; d++) {
    int64_t *b = s->bounds[d]; s->bounds[d] = ns->bounds[d]; ns->bounds[d] = b;
    int32_t t = s->ntiles[d]; s->ntiles[d] = ns->ntiles[d]; ns->ntiles[d] = t;
  }
  size_t tt = s->total_tiles; s->total_tiles = ns->total_tiles; ns->total_tiles = tt;
  s->relayable = 0;
}

void lnp_store_retain(lnp_store *s) { s->refcount++; }

static void (*collect_garbage)(void);
void lnp_set_garbage_collector(void (*collect)(void)) { collect_garbage = collect; }

/* Layout decisions (ops.c, reshape.c) ask this, and under MPI they must come
 * out the same on every rank.  An alias that only a reference cycle keeps
 * alive is freed whenever each rank's cyclic GC happens to run, so the
 * count alone differed between ranks (tests/mpi/gc_layout.py).  Under MPI
 * a shared storage therefore has the garbage collected and is counted
 * again: a rank that sees no sharing holds no alias, dead or alive, and
 * the live aliases of an SPMD program are the same on every rank. */
int lnp_store_tiles_shared(const lnp_store *s)
{
  if (s->storage->refcount > 1 && collect_garbage && lnp_mpi_size() > 1) collect_garbage();
  return s->storage->refcount > 1;
}

void lnp_store_release(lnp_store *s)
{
  if (!s || --s->refcount > 0) return;
  lnp_storage *st = s->storage;
  if (--st->refcount == 0) {
    /* tasks may still use the tiles: to the tile pool or unregistered when
     * they are done */
    /* no lnp_runtime_activate(): unregistering needs no worker (tiles have
     * home node -1), so a paused runtime stays asleep */
    if (lnp_runtime_initialized())
      for (size_t t = 0; t < st->ntiles; t++)
        if (!lnp_batch_hold_unregister(st->tiles[t], st->home[t], st->owner[t]))
          lnp_tile_pool_release(st->tiles[t], st->home[t], st->owner[t]);
    if (st->link) {
      lnp_link *k = st->link;
      for (int d = 0; d < k->ndim; d++) free(k->bounds[d]);
      lnp_store_release(k->src.store);
      free(k);
    }
    free(st->tiles); free(st->written); free(st->owner); free(st->home); free(st);
  }
  for (int d = 0; d < s->ndim; d++) free(s->bounds[d]);
  free(s);
}

size_t lnp_store_tile_index(const lnp_store *s, const int32_t *tc)
{
  size_t idx = 0;
  for (int d = 0; d < s->ndim; d++) idx = idx * (size_t)s->ntiles[d] + (size_t)tc[d];
  return idx;
}

int64_t lnp_store_tile_box(const lnp_store *s, size_t t, int64_t *origin, int64_t *extent)
{
  int64_t count = 1;
  for (int k = s->ndim - 1; k >= 0; k--) { /* t is the C-order index of the tile's grid coordinates */
    const size_t c = t % (size_t)s->ntiles[k];
    t /= (size_t)s->ntiles[k];
    origin[k] = s->bounds[k][c];
    extent[k] = s->bounds[k][c + 1] - origin[k];
    count *= extent[k];
  }
  return count;
}

int32_t lnp_store_find_tile(const lnp_store *s, int d, int64_t x)
{
  const int64_t *b = s->bounds[d];
  int32_t lo = 0, hi = s->ntiles[d] - 1;
  while (lo < hi) { /* last tile with b[t] <= x */
    int32_t mid = (lo + hi + 1) / 2;
    if (b[mid] <= x) lo = mid; else hi = mid - 1;
  }
  return lo;
}
