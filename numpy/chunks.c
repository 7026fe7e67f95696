/* Chunked directories by tiles (lnp_chunks_write / lnp_chunks_read): Zarr
 * v2 arrays, one file per chunk (codelets/codelet_chunks.c).  The store is
 * tiled on chunk boundaries, each tile a block of whole chunks about the
 * default tile's size, so every chunk file is one task's to read or write
 * and no two tasks (or ranks) touch the same file. */
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "store_internal.h"
#include "../codelets/codelets.h"

/* whether s's tile bounds all fall on chunk boundaries (or its end) */
static int chunk_aligned(const lnp_store *s, const int64_t *chunk)
{
  for (int k = 0; k < s->ndim; k++)
    for (int32_t i = 0; i <= s->ntiles[k]; i++) {
      const int64_t b = s->bounds[k][i];
      if (b % chunk[k] && b != s->shape[k]) return 0;
    }
  return 1;
}

/* a new store of shape tiled on chunk boundaries: the default tile's
 * extents rounded to whole chunks */
static lnp_status aligned_store(lnp_store **out, int ndim, const int64_t *shape, int dtype, const int64_t *chunk)
{
  int32_t nt[LNP_MAXDIM];
  int64_t ext[LNP_MAXDIM];
  int64_t *bounds[LNP_MAXDIM] = {0};
  lnp_status st = LNP_OK;
  lnp_store_default_tiling(ndim, shape, lnp_dtype_size(dtype), nt, ext);
  for (int k = 0; k < ndim && !st; k++) {
    int64_t per = (ext[k] + chunk[k] / 2) / chunk[k];
    const int64_t step = (per < 1 ? 1 : per) * chunk[k];
    const int64_t n = shape[k] == 0 ? 1 : (shape[k] + step - 1) / step;
    bounds[k] = malloc((size_t)(n + 1) * sizeof(int64_t));
    if (!bounds[k]) {
      st = lnp_error(LNP_ENOMEM, "out of memory");
      break;
    }
    for (int64_t i = 0; i <= n; i++) bounds[k][i] = i * step < shape[k] ? i * step : shape[k];
    nt[k] = (int32_t)n;
  }
  if (!st) st = lnp_store_create_tiled(out, ndim, shape, dtype, nt, bounds);
  for (int k = 0; k < ndim; k++) free(bounds[k]);
  return st;
}

static lnp_status chunk_tasks(const lnp_store *s, const char *dir, const int64_t *chunk, int codec, int level,
                              const void *fill, int write)
{
  const size_t dlen = strlen(dir) + 1;
  lnp_status st = LNP_OK;
  lnp_runtime_activate();
  for (size_t t = 0; t < s->total_tiles && !st; t++) {
    lnp_chunks_desc *d = calloc(1, sizeof *d + dlen);
    if (!d) return lnp_error(LNP_ENOMEM, "out of memory");
    d->write = write;
    d->itemsize = (int32_t)s->itemsize;
    d->ndim = s->ndim;
    d->codec = codec;
    d->level = level;
    for (int k = 0; k < s->ndim; k++) {
      d->shape[k] = s->shape[k];
      d->chunk[k] = chunk[k];
    }
    memcpy(d->fill, fill, s->itemsize);
    memcpy(d->dir, dir, dlen);
    if (lnp_store_tile_box(s, t, d->origin, d->extent) == 0) {
      free(d);
      continue;
    }
    st = lnp_tile_io_submit(s, t, write, &lnp_cl_chunks, d, sizeof *d + dlen, write ? "write chunks" : "read chunks");
  }
  return st;
}

static lnp_status check_args(int ndim, const int64_t *chunk, size_t itemsize, int codec)
{
  if (itemsize > sizeof(((lnp_chunks_desc *)0)->fill)) return lnp_error(LNP_ETYPE, "chunked files: an element of %zu bytes is too large", itemsize);
  if (codec < LNP_CHUNKS_RAW || codec > LNP_CHUNKS_GZIP) return lnp_error(LNP_EVALUE, "chunked files: unknown codec %d", codec);
  for (int k = 0; k < ndim; k++)
    if (chunk[k] < 1) return lnp_error(LNP_EVALUE, "chunked files: chunk extents must be positive");
  return LNP_OK;
}

lnp_status lnp_chunks_write(const lnp_view *v, const char *dir, const int64_t *chunk, int codec, int level,
                            const void *fill)
{
  lnp_status st = check_args(v->ndim, chunk, v->store->itemsize, codec);
  if (st) return st;
  lnp_view *m = NULL;
  if (lnp_view_is_identity(v) && chunk_aligned(v->store, chunk)) {
    m = lnp_view_copy(v);
    if (!m) return lnp_error(LNP_ENOMEM, "out of memory");
  } else { /* a copy tiled on chunk boundaries */
    lnp_store *s;
    if ((st = aligned_store(&s, v->ndim, v->shape, v->store->dtype, chunk))) return st;
    m = lnp_view_new(s);
    lnp_store_release(s);
    if (!m) return lnp_error(LNP_ENOMEM, "out of memory");
    lnp_operand src;
    memset(&src, 0, sizeof src);
    src.view = v;
    src.dtype = v->store->dtype;
    if ((st = lnp_copy(m, &src))) {
      lnp_view_free(m);
      return st;
    }
  }
  st = lnp_launch_sync_before(m);
  if (!st) st = chunk_tasks(m->store, dir, chunk, codec, level, fill, 1);
  lnp_view_free(m);
  return st;
}

lnp_status lnp_chunks_read(lnp_view **out, int ndim, const int64_t *shape, int dtype, const char *dir,
                           const int64_t *chunk, int codec, const void *fill)
{
  *out = NULL;
  lnp_status st = check_args(ndim, chunk, lnp_dtype_size(dtype), codec);
  if (st) return st;
  lnp_store *s;
  if ((st = aligned_store(&s, ndim, shape, dtype, chunk))) return st;
  lnp_view *v = lnp_view_new(s);
  lnp_store_release(s);
  if (!v) return lnp_error(LNP_ENOMEM, "out of memory");
  st = chunk_tasks(v->store, dir, chunk, codec, 0, fill, 0);
  if (!st) st = lnp_launch_sync_after(v);
  if (st) {
    lnp_view_free(v);
    return st;
  }
  *out = v;
  return LNP_OK;
}
