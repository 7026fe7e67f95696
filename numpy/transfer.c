/* Moving a view's values to and from host memory (NumPy conversion, print,
 * scalars).  Each tile is acquired on the host only for the pieces of the
 * view inside it, and the copy itself runs through the cast kernel, so any
 * view (strided, reversed, broadcast, transposed) converts directly. */
#include <stdlib.h>
#include <string.h>
#include "launch.h"
#include "store_internal.h"
#include "../data-interfaces/nd_interface.h"

static lnp_status transfer(const lnp_view *v, void *host, int to_host)
{
  int ndim = v->ndim;
  int64_t n = lnp_view_size(v);
  if (n == 0) return LNP_OK;
  lnp_runtime_hold();
  int64_t *cuts[LNP_MAXDIM] = {0};
  int nseg[LNP_MAXDIM];
  size_t npieces = 1;
  /* under MPI: an error, not a hang, when the ranks have diverged */
  lnp_status st = lnp_spmd_check(to_host ? "reading an array on the host" : "writing an array from the host");
  if (st) goto done;
  for (int d = 0; d < ndim; d++) {
    nseg[d] = lnp_view_cuts(v, d, &cuts[d]);
    if (nseg[d] < 0) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
    npieces *= (size_t)nseg[d];
  }
  int64_t hstride[LNP_MAXDIM];
  for (int d = ndim - 1; d >= 0; d--) hstride[d] = d == ndim - 1 ? 1 : hstride[d + 1] * v->shape[d + 1];
  size_t sz = lnp_loop_desc_size(ndim, 2, 1);
  lnp_loop_desc *desc = calloc(1, sz);
  if (!desc) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
  desc->op = LNP_OP_COPY; desc->dtype_in = desc->dtype_out = v->store->dtype;
  desc->fp_slot = lnp_fp_slot(LNP_OP_COPY);
  desc->ndim = ndim; desc->nops = 2; desc->npieces = 1; desc->nbuffers = 2;
  int32_t pc[LNP_MAXDIM] = {0};
  for (size_t p = 0; p < npieces && !st; p++) {
    int64_t *w = lnp_loop_piece(desc, 0);
    int64_t hoff = 0;
    for (int d = 0; d < ndim; d++) {
      w[d] = cuts[d][pc[d] + 1] - cuts[d][pc[d]];
      w[ndim + d] = cuts[d][pc[d]];
      hoff += cuts[d][pc[d]] * hstride[d];
    }
    int64_t *oh = lnp_piece_operand(w, ndim, to_host ? 0 : 1);
    int64_t *ot = lnp_piece_operand(w, ndim, to_host ? 1 : 0);
    oh[0] = to_host ? 0 : 1; oh[1] = hoff;
    for (int d = 0; d < ndim; d++) oh[2 + d] = hstride[d];
    const lnp_store *s = v->store;
    size_t tile = lnp_view_locate(v, w + ndim, &ot[1], &ot[2]);
    ot[0] = to_host ? 1 : 0;
    starpu_data_handle_t h = s->storage->tiles[tile];
    int64_t vol = 1;
    for (int d = 0; d < ndim; d++) vol *= w[d];
    /* writing a whole tile needs no previous value: W, no fill */
    int whole = !to_host && (size_t)vol * s->itemsize == starpu_data_get_size(h);
    if (whole) s->storage->written[tile] = 1;
    else lnp_tile_ensure_written(s, tile);
    /* Under MPI every rank holds the same host values (SPMD): a read brings
     * the tile to every rank, a write is done by its owner alone after the
     * other ranks dropped their cached copies. */
    if (to_host) {
      lnp_mpi_bring_to_all(h);
    } else {
      lnp_mpi_before_host_write(h);
      if (!lnp_mpi_tile_is_local(h)) {
        for (int d = ndim - 1; d >= 0; d--) { if (++pc[d] < nseg[d]) break; pc[d] = 0; }
        continue;
      }
    }
    /* the pending loops (and the fill just offered) come first */
    st = lnp_batch_flush();
    if (st) break;
    /* The acquire, the copy and the release are one blocking wait (the
     * GIL released): this thread must not wait for the GIL while it holds
     * the tile, which a task of the thread holding the GIL may wait for
     * (at the submission window, lnp_runtime_throttle). */
    void *blk = lnp_block_begin();
    int ret = starpu_data_acquire(h, to_host ? STARPU_R : whole ? STARPU_W : STARPU_RW), failed = 0;
    if (!ret) {
      void *tptr = LNP_ND_GET_PTR(starpu_data_get_interface_on_node(h, STARPU_MAIN_RAM));
      void *ptrs[2];
      ptrs[to_host ? 0 : 1] = host;
      ptrs[to_host ? 1 : 0] = tptr;
      failed = lnp_loop_execute(desc, ptrs, 1) != 0;
      starpu_data_release(h);
    }
    lnp_block_end(blk);
    if (failed) { st = lnp_error(LNP_ERUNTIME, "copy kernel failed"); break; }
    if (ret) { st = lnp_error(LNP_ERUNTIME, "StarPU could not acquire a tile (error %d)", ret); break; }
    for (int d = ndim - 1; d >= 0; d--) { if (++pc[d] < nseg[d]) break; pc[d] = 0; }
  }
  free(desc);
  /* values read after a failed task are not the program's */
  if (!st) st = lnp_runtime_check_tasks();
done:
  lnp_runtime_unhold();
  for (int d = 0; d < ndim; d++) free(cuts[d]);
  return st;
}

lnp_status lnp_view_to_host(const lnp_view *v, void *dst)
{
  lnp_status st = lnp_launch_sync_before(v);
  return st ? st : transfer(v, dst, 1);
}

lnp_status lnp_view_from_host(const lnp_view *v, const void *src)
{
  if (v->readonly) return lnp_error(LNP_EVALUE, "assignment destination is read-only");
  for (int d = 0; d < v->ndim; d++)
    if (v->sdim[d] < 0 && v->shape[d] > 1) return lnp_error(LNP_EVALUE, "assignment destination is read-only");
  if (lnp_view_size(v) == 0) return LNP_OK;
  lnp_status st = lnp_launch_sync_before(v);
  if (!st) st = transfer(v, (void *)src, 0);
  if (!st) st = lnp_launch_sync_after(v);
  return st;
}

uint64_t lnp_view_version(const lnp_view *v)
{
  (void)lnp_launch_sync_before(v); /* a failure surfaces at the read */
  return v->store->storage->version;
}
