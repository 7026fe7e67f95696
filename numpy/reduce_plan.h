/* The two-level plan of a reduction over tiles (reduce.c), shared with the
 * scans (scan.c), whose first phase is the same per-tile reduction. */
#ifndef LNP_REDUCE_PLAN_H
#define LNP_REDUCE_PLAN_H
#include "lnp.h"

/* The plan of a reduction: the input's segments (tile boundaries) along the
 * reduced dims.  With more than one segment, phase 1 reduces each segment
 * into its own slot of a partial store (shape: the input's, with each reduced
 * dim replaced by its segment count; tiled like the input along the kept
 * dims, one slot per tile along the reduced ones), and phase 2 reduces the
 * partials into the output. */
typedef struct lnp_rplan {
  int ndim;
  unsigned char reduced[LNP_MAXDIM];
  int64_t *cuts[LNP_MAXDIM];
  int n[LNP_MAXDIM];
  size_t nseg;
  int64_t pshape[LNP_MAXDIM];
} lnp_rplan;

/* The segments of src (its own tile boundaries) along the reduced dims. */
lnp_status lnp_rplan_init(lnp_rplan *p, const lnp_view *src, const unsigned char *reduced);
void lnp_rplan_free(lnp_rplan *p);
/* A new partial store of the plan (pshape), tiled like src along the kept
 * dims, each slot placed with the tile of src it reduces, filled with init. */
lnp_status lnp_rplan_partial(const lnp_rplan *p, const lnp_view *src, int dtype, lnp_scalar init,
                             lnp_view **out);
/* Segment c: the slab of src, and (for each partial store given) its slot
 * expanded over the slab; *base = the slab's first index under mult. */
lnp_status lnp_rplan_segment(const lnp_rplan *p, const lnp_view *src, const int32_t *c, const int64_t *mult,
                             int nparts, lnp_view *const *parts, lnp_view **slab, lnp_view **slots, int64_t *base);
/* Advance segment counter c over the reduced dims. */
void lnp_rplan_next(const lnp_rplan *p, int32_t *c);
/* An op lnp_reduce folds in order from the first element (no identity:
 * subtract, divide, power ...), as NumPy's reduce does. */
int lnp_reduce_is_ordered(int op);
/* One accumulate launch: out_b = op(out_b, src), out_b broadcast (stride
 * 0) along the reduced dims and initialised. */
lnp_status lnp_reduce_accumulate(int op, int dtype, const lnp_view *out_b, const lnp_view *src);

#endif
