/* Raw binary files by tiles (lnp_file_read / lnp_file_write): the data of
 * a .npy file, ndarray.tofile and fromfile.  A task per tile
 * (lnp_cl_file) reads or writes the tile's runs at their C-order offsets
 * in the file; under MPI the rank owning the tile does it (the tile is
 * the task's written buffer), so no array passes through one process. */
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "store_internal.h"
#include "../codelets/codelets.h"

lnp_status lnp_tile_io_submit(const lnp_store *s, size_t t, int write, struct starpu_codelet *cl, void *desc,
                              size_t size, const char *name)
{
  if (write) lnp_tile_ensure_written(s, t);
  struct starpu_data_descr d = {s->storage->tiles[t], write ? STARPU_RW : STARPU_W};
  if (!write) s->storage->written[t] = 1;
  return lnp_submit(cl, &d, 1, desc, size, name);
}

static lnp_status file_tasks(const lnp_store *s, const char *path, int64_t offset, int write)
{
  const size_t plen = strlen(path) + 1;
  lnp_status st = LNP_OK;
  lnp_runtime_activate();
  for (size_t t = 0; t < s->total_tiles && !st; t++) {
    lnp_file_desc *d = calloc(1, sizeof *d + plen);
    if (!d) return lnp_error(LNP_ENOMEM, "out of memory");
    d->write = write;
    d->itemsize = (int32_t)s->itemsize;
    d->ndim = s->ndim;
    d->offset = offset;
    for (int k = 0; k < s->ndim; k++) d->shape[k] = s->shape[k];
    memcpy(d->path, path, plen);
    if (lnp_store_tile_box(s, t, d->origin, d->extent) == 0) {
      free(d);
      continue;
    }
    st = lnp_tile_io_submit(s, t, write, &lnp_cl_file, d, sizeof *d + plen, write ? "tofile" : "fromfile");
  }
  return st;
}

uint64_t lnp_file_bytes(void) { return lnp_codelets_file_bytes(); }

lnp_status lnp_file_write(const lnp_view *v, const char *path, int64_t offset)
{
  lnp_view *m = NULL;
  lnp_status st;
  if (lnp_view_is_identity(v)) {
    m = lnp_view_copy(v);
    if (!m) return lnp_error(LNP_ENOMEM, "out of memory");
  } else if ((st = lnp_materialize(v, v->store->dtype, &m)))
    return st;
  st = lnp_launch_sync_before(m);
  if (!st) st = file_tasks(m->store, path, offset, 1);
  lnp_view_free(m);
  return st;
}

lnp_status lnp_file_read(lnp_view **out, int ndim, const int64_t *shape, int dtype, const char *path, int64_t offset)
{
  *out = NULL;
  lnp_store *s;
  lnp_status st = lnp_store_create(&s, ndim, shape, dtype);
  if (st) return st;
  lnp_view *v = lnp_view_new(s);
  lnp_store_release(s);
  if (!v) return lnp_error(LNP_ENOMEM, "out of memory");
  st = file_tasks(v->store, path, offset, 0);
  if (!st) st = lnp_launch_sync_after(v);
  if (st) {
    lnp_view_free(v);
    return st;
  }
  *out = v;
  return LNP_OK;
}
