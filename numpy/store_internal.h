/* Internals shared by the files of numpy/ (not part of the public C API). */
#ifndef LNP_STORE_INTERNAL_H
#define LNP_STORE_INTERNAL_H
#include "lnp.h"

/* Storage written flags live beside the handles: a tile never written has no
 * valid copy, and StarPU asserts if a task reads it; the launcher fills such a
 * tile before a partial write or a read (see launch.c). */
#define LNP_STORAGE_WRITTEN(st) ((st)->written)

/* A store sharing src's tiles with another shape/tiling (reshape views). */
lnp_status lnp_store_alias(lnp_store **out, const lnp_store *src, int ndim, const int64_t *shape,
                           const int32_t *ntiles, int64_t *const *bounds);
/* The default tiling of a new store of this shape (store.c): ntiles[d]
 * tiles of chunk[d] elements along dim d (the last one shorter). */
void lnp_store_default_tiling(int ndim, const int64_t *shape, size_t itemsize, int32_t *ntiles, int64_t *chunk);
/* Tile t's box (its origin and extents per dim); returns its element count. */
int64_t lnp_store_tile_box(const lnp_store *s, size_t t, int64_t *origin, int64_t *extent);
/* A store whose dim `axis` is whole in every tile (a transform or sort of
 * its lines per tile): the other dims tiled as the default tiling of an
 * array of lines, or, like non-NULL (a lines store along the same axis,
 * of the same ndim and sizes but the axis), exactly as like's and each
 * tile placed with like's. */
lnp_status lnp_store_create_lines(lnp_store **out, int ndim, const int64_t *shape, int dtype, int axis,
                                  const lnp_store *like);
/* s takes ns's tiles and tiling (same shape and dtype) and ns gets s's old
 * ones, to be released by the caller; s is no longer relayable. */
void lnp_store_adopt_tiles(lnp_store *s, lnp_store *ns);

/* A linked copy (reshape.c): where NumPy's reshape is a view but its
 * elements are no box of any re-seeing of the store (a[1:9].reshape(2, 4)
 * of a 10-element a), the result is a copy whose storage carries this
 * link to the source view.  The launcher keeps the two agreeing as a view
 * would: before an operation reads or writes the copy, it takes the
 * source's values if the source's storage was written since they last
 * agreed; after an operation writes the copy, its values are copied back
 * into the source (launch.c, lnp_launch_sync_*).  The copy's storage is
 * seen in the source view's shape through the geometry below (the tiling
 * of the store it was materialised into). */
typedef struct lnp_link {
  lnp_view src;                /* the source view; holds a reference to its store */
  int ndim;                    /* the copy's storage in src's shape: */
  int64_t shape[LNP_MAXDIM];
  int32_t ntiles[LNP_MAXDIM];
  int64_t *bounds[LNP_MAXDIM];
  uint64_t src_version;        /* src's storage version when both last agreed */
  int busy;                    /* a copy between the two is being submitted */
} lnp_link;

/* "(2,3)" (NumPy's tuple repr) into buf, for error messages (view.c). */
int lnp_shape_str(char *buf, size_t n, int ndim, const int64_t *shape);
#endif
