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
/* s takes ns's tiles and tiling (same shape and dtype) and ns gets s's old
 * ones, to be released by the caller; s is no longer relayable. */
void lnp_store_adopt_tiles(lnp_store *s, lnp_store *ns);

/* "(2,3)" (NumPy's tuple repr) into buf, for error messages (view.c). */
int lnp_shape_str(char *buf, size_t n, int ndim, const int64_t *shape);
#endif
