/* The operation launcher: turns one loop over views into StarPU tasks. */
#ifndef LNP_LAUNCH_H
#define LNP_LAUNCH_H
#include "lnp.h"
#include "../codelets/loop.h"

#define LNP_LAUNCH_MAXOPS 6

typedef struct lnp_launch {
  int op, dtype_in, dtype_out;
  int nops;                                /* operands, outputs first */
  int nout;                                /* 1, or 2 for arg-reductions */
  const lnp_view *views[LNP_LAUNCH_MAXOPS]; /* NULL: scalar */
  int scalar_slot[LNP_LAUNCH_MAXOPS];      /* for scalars: index into scalars */
  int out_read;                            /* outputs are read too (accumulate) */
  int nscalars;
  lnp_scalar scalars[LNP_MAXSCALARS];
  int64_t index_mult[LNP_MAXDIM];
  int scan;                                /* 1: a scan task along loop dim scan_dim (codelets/scan.h) */
  int scan_dim;
} lnp_launch;

/* Submit the tasks of one loop.  All views have the iteration shape (the
 * output's shape); scalars are broadcast. */
lnp_status lnp_launch_submit(const lnp_launch *L);

/* out[...] = src, src's dtype cast to out's (same shape, no overlap): the
 * COPY loop lnp_copy submits for such a copy, for the copies the launcher
 * and the view operations make themselves (halo copies, materialised
 * views, re-tiling for a reshape). */
lnp_status lnp_launch_copy(const lnp_view *out, const lnp_view *src);

/* Linked copies (store_internal.h): before an operation that reads or
 * writes v's tiles without a launch of its own (host transfers, matmul),
 * lnp_launch_sync_before(v); after it wrote them, lnp_launch_sync_after(v)
 * (bumps the storage's version and writes a linked copy back to its
 * source).  lnp_launch_submit does both for its operands. */
lnp_status lnp_launch_sync_before(const lnp_view *v);
lnp_status lnp_launch_sync_after(const lnp_view *v);

/* The tile of v holding view coordinate lo: returns its linear index and
 * fills the element offset inside the tile and the element stride of each
 * view dim there (0 for broadcast dims). */
size_t lnp_view_locate(const lnp_view *v, const int64_t *lo, int64_t *offset, int64_t *strides);

/* Tile boundaries of a view along view dim d, in view coordinates: cuts[0] = 0,
 * cuts[n] = shape[d].  Returns n (segments); *cuts is malloc'd. */
int lnp_view_cuts(const lnp_view *v, int d, int64_t **cuts);

/* Make sure a tile has a valid value before a task reads it (a never-written
 * tile of np.empty is filled with zeros). */
void lnp_tile_ensure_written(const lnp_store *s, size_t tile);
/* Submit a file task (lnp_cl_file, lnp_cl_chunks) on tile t of s with its
 * descriptor (desc, size bytes, taken over): RW on the tile when it writes
 * the file (the owner rank runs it, without a transfer), W when it reads. */
lnp_status lnp_tile_io_submit(const lnp_store *s, size_t t, int write, struct starpu_codelet *cl, void *desc,
                              size_t size, const char *name);

/* Tiling of a new store laid over a view: the view's own tile boundaries
 * (a temporary made from views lines up with its key operand). */
lnp_status lnp_store_create_like_view(lnp_store **out, const lnp_view *v, int dtype);

/* A view of `out` (shape without `axes`) expanded to `full` dims with the
 * reduced dims broadcast to ext[]. */
lnp_status lnp_view_expand(const lnp_view *out, int ndim, const int64_t *ext, const unsigned char *reduced,
                           lnp_view **res);
#endif
