/* Reductions (sum, prod, min, max, any, all, ...) and arg-reductions.
 *
 * A reduction runs the op's binary loop with the output aliased as first
 * input and broadcast (stride 0) along the reduced dims.  When the reduced
 * dims span several input tiles, a first phase reduces every input tile into
 * its own slot of a small partial store (one task per input tile, all in
 * parallel), and a second phase reduces the partials: a two-level tree. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "launch.h"
#include "store_internal.h"
#include "reduce_plan.h"


/* A binary op of the catalogue with a reduction seed (op_table.h). */
static int is_reduce_op(int op)
{
  const lnp_op_info *o = lnp_op_get(op);
  return o && (o->kind == 'S' || o->kind == 'P') && o->nin == 2 && o->identity != LNP_ID_NONE;
}

/* A binary op without a seed whose loop folds (subtract, divide, power,
 * floor_divide ...): NumPy's reduce starts from the first element and folds the
 * rest in order, a[0] - a[1] - a[2] ... */
int lnp_reduce_is_ordered(int op)
{
  const lnp_op_info *o = lnp_op_get(op);
  return o && o->kind == 'S' && o->nin == 2 && o->identity == LNP_ID_NONE && o->fold != 'N';
}

/* Identity, as a float64/int64 seed converted to the dtype. */
lnp_status lnp_reduce_identity(int op, int dtype, lnp_scalar *out)
{
  memset(out, 0, sizeof *out);
  const lnp_op_info *o = lnp_op_get(op);
  int lowest = 0, highest = 0;
  switch (o ? o->identity : LNP_ID_NONE) {
  case LNP_ID_ZERO: return LNP_OK;
  case LNP_ID_ONE: break;
  case LNP_ID_ONES:
    memset(out, 0xff, lnp_dtype_size(dtype));
    if (dtype == LNP_BOOL) out->b = 1;
    return LNP_OK;
  case LNP_ID_LOWEST: lowest = 1; break;
  case LNP_ID_HIGHEST: highest = 1; break;
  default: return lnp_error(LNP_EVALUE, "%s has no identity", lnp_op_name(op));
  }
  switch (dtype) {
  case LNP_BOOL: out->b = lowest ? 0 : 1; break;
  case LNP_INT8: out->i8 = lowest ? INT8_MIN : highest ? INT8_MAX : 1; break;
  case LNP_INT16: out->i16 = lowest ? INT16_MIN : highest ? INT16_MAX : 1; break;
  case LNP_INT32: out->i32 = lowest ? INT32_MIN : highest ? INT32_MAX : 1; break;
  case LNP_INT64: out->i64 = lowest ? INT64_MIN : highest ? INT64_MAX : 1; break;
  case LNP_UINT8: out->u8 = lowest ? 0 : highest ? UINT8_MAX : 1; break;
  case LNP_UINT16: out->u16 = lowest ? 0 : highest ? UINT16_MAX : 1; break;
  case LNP_UINT32: out->u32 = lowest ? 0 : highest ? UINT32_MAX : 1; break;
  case LNP_UINT64: out->u64 = lowest ? 0 : highest ? UINT64_MAX : 1; break;
  case LNP_FLOAT16: out->f16 = lowest ? 0xFC00 : highest ? 0x7C00 : 0x3C00; break;
  case LNP_FLOAT32: out->f32 = lowest ? -INFINITY : highest ? INFINITY : 1.0f; break;
  case LNP_FLOAT64: out->f64 = lowest ? -INFINITY : highest ? INFINITY : 1.0; break;
  case LNP_COMPLEX64: out->c64 = lowest ? -INFINITY : highest ? INFINITY : 1.0f; break;
  case LNP_COMPLEX128: out->c128 = lowest ? -INFINITY : highest ? INFINITY : 1.0; break;
  default: return lnp_error(LNP_ETYPE, "bad dtype");
  }
  return LNP_OK;
}

void lnp_rplan_free(lnp_rplan *p) { for (int d = 0; d < p->ndim; d++) free(p->cuts[d]); }

lnp_status lnp_rplan_init(lnp_rplan *p, const lnp_view *src, const unsigned char *reduced)
{
  memset(p, 0, sizeof *p);
  p->ndim = src->ndim;
  p->nseg = 1;
  for (int d = 0; d < src->ndim; d++) {
    p->reduced[d] = reduced[d];
    p->pshape[d] = src->shape[d];
    if (!reduced[d]) continue;
    p->n[d] = lnp_view_cuts(src, d, &p->cuts[d]);
    if (p->n[d] < 0) { lnp_rplan_free(p); return lnp_error(LNP_ENOMEM, "out of memory"); }
    p->nseg *= (size_t)p->n[d];
    p->pshape[d] = p->n[d];
  }
  return LNP_OK;
}

/* A new partial store of the plan, filled with init. */
lnp_status lnp_rplan_partial(const lnp_rplan *p, const lnp_view *src, int dtype, lnp_scalar init,
                             lnp_view **out)
{
  int32_t ptiles[LNP_MAXDIM];
  int64_t *pb[LNP_MAXDIM] = {0};
  lnp_status st = LNP_OK;
  for (int d = 0; d < p->ndim && !st; d++) {
    if (p->reduced[d]) {
      ptiles[d] = p->n[d];
      pb[d] = malloc(sizeof(int64_t) * ((size_t)p->n[d] + 1));
      if (!pb[d]) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
      for (int t = 0; t <= p->n[d]; t++) pb[d][t] = t;
    } else {
      ptiles[d] = lnp_view_cuts(src, d, &pb[d]);
      if (ptiles[d] < 0) st = lnp_error(LNP_ENOMEM, "out of memory");
    }
  }
  lnp_store *ps = NULL;
  if (!st) {
    /* each slot lives with the input tile it reduces (rank, GPU): phase 1
     * moves no input, phase 2 gathers only the small partials */
    size_t total = 1;
    for (int d = 0; d < p->ndim; d++) total *= (size_t)ptiles[d];
    size_t *src_tile = malloc(sizeof(size_t) * (total ? total : 1));
    if (!src_tile) st = lnp_error(LNP_ENOMEM, "out of memory");
    int32_t tc[LNP_MAXDIM] = {0};
    int64_t lo[LNP_MAXDIM], off, strides[LNP_MAXDIM];
    for (size_t t = 0; t < total && !st; t++) {
      for (int d = 0; d < p->ndim; d++) lo[d] = p->reduced[d] ? p->cuts[d][tc[d]] : pb[d][tc[d]];
      /* an empty slab has no tile to follow */
      int empty = 0;
      for (int d = 0; d < p->ndim; d++) empty |= lo[d] >= src->shape[d];
      src_tile[t] = empty ? 0 : lnp_view_locate(src, lo, &off, strides);
      for (int d = p->ndim - 1; d >= 0; d--) { if (++tc[d] < ptiles[d]) break; tc[d] = 0; }
    }
    if (!st) st = lnp_store_create_placed(&ps, p->ndim, p->pshape, dtype, ptiles, pb, src->store, src_tile);
    free(src_tile);
  }
  for (int d = 0; d < p->ndim; d++) free(pb[d]);
  if (st) return st;
  *out = lnp_view_new(ps);
  lnp_store_release(ps);
  if (!*out) return lnp_error(LNP_ENOMEM, "out of memory");
  st = lnp_fill(*out, dtype, init);
  if (st) { lnp_view_free(*out); *out = NULL; }
  return st;
}

/* Segment c: the input slab, and (for each partial store given) its slot
 * expanded over the slab; *base = the slab's first index under mult. */
lnp_status lnp_rplan_segment(const lnp_rplan *p, const lnp_view *src, const int32_t *c, const int64_t *mult,
                             int nparts, lnp_view *const *parts, lnp_view **slab, lnp_view **slots, int64_t *base)
{
  lnp_key skey[LNP_MAXDIM], pkey[LNP_MAXDIM];
  int64_t sext[LNP_MAXDIM];
  *base = 0;
  for (int d = 0; d < p->ndim; d++) {
    if (p->reduced[d]) {
      int64_t a = p->cuts[d][c[d]], b = p->cuts[d][c[d] + 1];
      skey[d] = (lnp_key){LNP_KEY_SLICE, a, b, 1, b - a};
      pkey[d] = (lnp_key){LNP_KEY_INT, c[d], 0, 0, 0};
      sext[d] = b - a;
      if (mult) *base += a * mult[d];
    } else {
      skey[d] = (lnp_key){LNP_KEY_SLICE, 0, src->shape[d], 1, src->shape[d]};
      pkey[d] = skey[d];
      sext[d] = src->shape[d];
    }
  }
  *slab = NULL;
  for (int i = 0; i < nparts; i++) slots[i] = NULL;
  lnp_status st = lnp_view_index(src, p->ndim, skey, slab);
  for (int i = 0; i < nparts && !st; i++) {
    lnp_view *slot = NULL;
    st = lnp_view_index(parts[i], p->ndim, pkey, &slot);
    if (!st) st = lnp_view_expand(slot, p->ndim, sext, p->reduced, &slots[i]);
    lnp_view_free(slot);
  }
  return st;
}

/* Advance segment counter c over the reduced dims. */
void lnp_rplan_next(const lnp_rplan *p, int32_t *c)
{
  for (int d = p->ndim - 1; d >= 0; d--) {
    if (!p->reduced[d]) continue;
    if (++c[d] < p->n[d]) return;
    c[d] = 0;
  }
}

/* One accumulate launch: out_b = op(out_b, src) (out_b broadcast on reduced dims). */
lnp_status lnp_reduce_accumulate(int op, int dtype, const lnp_view *out_b, const lnp_view *src)
{
  lnp_launch L;
  memset(&L, 0, sizeof L);
  L.op = op; L.dtype_in = dtype; L.dtype_out = dtype;
  L.nops = 3; L.nout = 1; L.out_read = 1;
  L.views[0] = out_b; L.views[1] = out_b; L.views[2] = src;
  return lnp_launch_submit(&L);
}

static lnp_status check_axes(int ndim, int naxes, const int *axes, unsigned char *reduced)
{
  memset(reduced, 0, LNP_MAXDIM);
  for (int i = 0; i < naxes; i++) {
    if (axes[i] < 0 || axes[i] >= ndim) return lnp_error(LNP_EVALUE, "axis %d is out of bounds for array of dimension %d", axes[i], ndim);
    if (reduced[axes[i]]) return lnp_error(LNP_EVALUE, "duplicate value in 'axis'");
    reduced[axes[i]] = 1;
  }
  return LNP_OK;
}

/* float16 sums and products in float32.  NumPy's float16 loops add and
 * multiply in float (the compute type of a float16 run, loop_cpu.h) and round
 * to float16 once per inner loop; our runs end at every tile and partial,
 * so in test mode's 3-element tiles a sum of ones stopped at 8192.  A fold
 * that keeps the compute type through a run (SUM, EXACT) keeps float32
 * through the whole reduction instead: the input (rounded to float16 first,
 * if it is not float16: NumPy casts it to the loop dtype) is reduced into a
 * float32 accumulator by the float32 kernels, the same on CPU and GPU, and
 * the result is rounded to float16 once, whatever the tiling.  Costs a
 * float32 copy of the input (float16 data is rare off GPUs). */
static lnp_status reduce_float16_in_float32(int op, const lnp_view *out, const lnp_view *src, int naxes,
                                            const int *axes)
{
  lnp_view *h = NULL, *acc = NULL;
  lnp_store *s;
  lnp_status st = LNP_OK;
  if (src->store->dtype != LNP_FLOAT16) {
    st = lnp_materialize(src, LNP_FLOAT16, &h);
    if (st) return st;
    src = h;
  }
  st = lnp_store_create_like_view(&s, out, LNP_FLOAT32);
  if (!st) {
    acc = lnp_view_new(s);
    lnp_store_release(s);
    if (!acc) st = lnp_error(LNP_ENOMEM, "out of memory");
  }
  if (!st) st = lnp_reduce(op, acc, src, naxes, axes, LNP_FLOAT32);
  if (!st) st = lnp_launch_copy(out, acc);
  lnp_view_free(acc);
  lnp_view_free(h);
  return st;
}

/* The ordered fold of src along one axis into out (NumPy's reduce of an op
 * without identity): out = src[0] (cast), then each segment of src[1:]
 * along the axis (its tile boundaries) folded into out in turn.  The
 * segments' accumulate tasks all write out, so StarPU runs them in
 * submission order: a chain along the axis, parallel over the kept dims;
 * within a task the loop folds a run in order (the CPU's and the GPU's
 * sequential fold path). */
static lnp_status reduce_in_order(int op, const lnp_view *out, const lnp_view *src, int axis, int dtype)
{
  const int ndim = src->ndim;
  lnp_key k[LNP_MAXDIM];
  for (int d = 0; d < ndim; d++) k[d] = (lnp_key){LNP_KEY_SLICE, 0, src->shape[d], 1, src->shape[d]};
  const int64_t n = src->shape[axis];
  k[axis] = (lnp_key){LNP_KEY_INT, 0, 0, 0, 0};
  lnp_view *first = NULL, *rest = NULL, *cast = NULL;
  lnp_status st = lnp_view_index(src, ndim, k, &first);
  if (!st) st = lnp_launch_copy(out, first);
  lnp_view_free(first);
  if (st || n == 1) return st;
  k[axis] = (lnp_key){LNP_KEY_SLICE, 1, n, 1, n - 1};
  st = lnp_view_index(src, ndim, k, &rest);
  if (!st && rest->store->dtype != dtype) {
    st = lnp_materialize(rest, dtype, &cast);
    lnp_view_free(rest);
    rest = cast;
  }
  unsigned char reduced[LNP_MAXDIM] = {0};
  reduced[axis] = 1;
  lnp_rplan p;
  if (!st) st = lnp_rplan_init(&p, rest, reduced);
  if (st) { lnp_view_free(rest); return st; }
  int32_t c[LNP_MAXDIM] = {0};
  for (size_t s = 0; s < p.nseg && !st; s++, lnp_rplan_next(&p, c)) {
    lnp_view *slab = NULL, *ob = NULL;
    int64_t base;
    st = lnp_rplan_segment(&p, rest, c, NULL, 0, NULL, &slab, NULL, &base);
    if (!st) st = lnp_view_expand(out, ndim, slab->shape, reduced, &ob);
    if (!st) st = lnp_reduce_accumulate(op, dtype, ob, slab);
    lnp_view_free(ob);
    lnp_view_free(slab);
  }
  lnp_rplan_free(&p);
  lnp_view_free(rest);
  return st;
}

/* A reduce of an op without identity: over one axis the ordered fold, over
 * none a copy; NumPy refuses more (such ops are not reorderable). */
static lnp_status reduce_ordered(int op, const lnp_view *out, const lnp_view *src, int naxes, const int *axes,
                                 int dtype)
{
  if (naxes == 0) return lnp_launch_copy(out, src);
  if (naxes > 1)
    return lnp_error(LNP_EVALUE, "reduction operation '%s' is not reorderable, so at most one axis may be specified",
                     lnp_op_name(op));
  if (src->shape[axes[0]] == 0)
    return lnp_error(LNP_EVALUE, "zero-size array to reduction operation %s which has no identity",
                     lnp_op_name(op));
  return reduce_in_order(op, out, src, axes[0], dtype);
}

lnp_status lnp_reduce(int op, const lnp_view *out, const lnp_view *src, int naxes, const int *axes, int dtype)
{
  const int ordered = lnp_reduce_is_ordered(op);
  if (!is_reduce_op(op) && !ordered) return lnp_error(LNP_EVALUE, "%s is not a reduction", lnp_op_name(op));
  if (!lnp_loop_supported(op, dtype, dtype))
    return lnp_error(LNP_ETYPE, "ufunc '%s' reduction not supported for dtype %s", lnp_op_name(op), lnp_dtype_name(dtype));
  if (out->store->dtype != dtype) return lnp_error(LNP_ETYPE, "reduction output must have the accumulation dtype");
  int ndim = src->ndim;
  unsigned char reduced[LNP_MAXDIM];
  lnp_status st = check_axes(ndim, naxes, axes, reduced);
  if (st) return st;
  if (out->ndim != ndim - naxes) return lnp_error(LNP_EVALUE, "reduction output has the wrong shape");
  for (int d = 0, s = 0; d < ndim; d++) if (!reduced[d]) {
    if (out->shape[s] != src->shape[d]) return lnp_error(LNP_EVALUE, "reduction output has the wrong shape");
    s++;
  }
  const lnp_op_info *o = lnp_op_get(op);
  if (dtype == LNP_FLOAT16 && (o->fold == 'S' || o->fold == 'E'))
    return reduce_float16_in_float32(op, out, src, naxes, axes);
  if (ordered) return reduce_ordered(op, out, src, naxes, axes, dtype);
  lnp_scalar ident;
  st = lnp_reduce_identity(op, dtype, &ident);
  if (st) return st;
  st = lnp_fill(out, dtype, ident);
  if (st || lnp_view_size(src) == 0) return st;

  lnp_view *cast = NULL;
  if (src->store->dtype != dtype) {
    st = lnp_materialize(src, dtype, &cast);
    if (st) return st;
    src = cast;
  }
  lnp_rplan p;
  st = lnp_rplan_init(&p, src, reduced);
  if (st) { lnp_view_free(cast); return st; }
  lnp_view *partial = NULL, *ob = NULL;
  if (p.nseg == 1) {
    st = lnp_view_expand(out, ndim, src->shape, reduced, &ob);
    if (!st) st = lnp_reduce_accumulate(op, dtype, ob, src);
  } else {
    st = lnp_rplan_partial(&p, src, dtype, ident, &partial);
    int32_t c[LNP_MAXDIM] = {0};
    for (size_t k = 0; k < p.nseg && !st; k++, lnp_rplan_next(&p, c)) {
      lnp_view *slab, *slot;
      int64_t base;
      st = lnp_rplan_segment(&p, src, c, NULL, 1, &partial, &slab, &slot, &base);
      if (!st) st = lnp_reduce_accumulate(op, dtype, slot, slab);
      lnp_view_free(slab); lnp_view_free(slot);
    }
    if (!st) st = lnp_view_expand(out, ndim, p.pshape, reduced, &ob);
    if (!st) st = lnp_reduce_accumulate(op, dtype, ob, partial);
  }
  lnp_view_free(ob);
  lnp_view_free(partial);
  lnp_rplan_free(&p);
  lnp_view_free(cast);
  return st;
}

/* Arg-reductions: (value, index) pairs, the same two-level scheme; the index
 * of an element is base + sum_d coord_d * mult_d (scalars[0] = base). */
static lnp_status arg_launch(int op, int dtype, const lnp_view *val_b, const lnp_view *idx_b,
                             const lnp_view *src, const lnp_view *src_idx, const int64_t *mult, int64_t base)
{
  lnp_launch L;
  memset(&L, 0, sizeof L);
  L.op = op; L.dtype_in = dtype; L.dtype_out = dtype;
  L.nout = 2; L.out_read = 1;
  L.views[0] = val_b; L.views[1] = idx_b; L.views[2] = src;
  L.nops = src_idx ? 4 : 3;
  if (src_idx) L.views[3] = src_idx;
  L.scalars[0].i64 = base; L.nscalars = 1;
  for (int d = 0; d < val_b->ndim; d++) L.index_mult[d] = mult ? mult[d] : 0;
  return lnp_launch_submit(&L);
}

lnp_status lnp_argreduce(int op, const lnp_view *out, const lnp_view *src, int axis)
{
  if (op != LNP_OP_ARGMAX_ACC && op != LNP_OP_ARGMIN_ACC) return lnp_error(LNP_EVALUE, "not an arg-reduction");
  if (lnp_view_check_writable(out)) return LNP_EVALUE;
  int combine = op == LNP_OP_ARGMAX_ACC ? LNP_OP_ARGMAX_COMBINE : LNP_OP_ARGMIN_COMBINE;
  int ndim = src->ndim, dtype = src->store->dtype;
  if (out->store->dtype != LNP_INT64) return lnp_error(LNP_ETYPE, "arg-reduction output must be int64");
  if (!lnp_loop_supported(op, dtype, dtype)) return lnp_error(LNP_ETYPE, "%s not supported for %s", lnp_op_name(op), lnp_dtype_name(dtype));
  unsigned char reduced[LNP_MAXDIM] = {0};
  int64_t mult[LNP_MAXDIM] = {0};
  if (axis < 0) {
    int64_t m = 1;
    for (int d = ndim - 1; d >= 0; d--) { reduced[d] = 1; mult[d] = m; m *= src->shape[d]; }
  } else {
    if (axis >= ndim) return lnp_error(LNP_EVALUE, "axis %d is out of bounds for array of dimension %d", axis, ndim);
    reduced[axis] = 1; mult[axis] = 1;
  }
  for (int d = 0; d < ndim; d++)
    if (reduced[d] && src->shape[d] == 0)
      return lnp_error(LNP_EVALUE, "attempt to get %s of an empty sequence", op == LNP_OP_ARGMAX_ACC ? "argmax" : "argmin");
  if (lnp_view_size(src) == 0) return LNP_OK; /* empty along a kept dim: empty result */
  lnp_scalar ident;
  lnp_status st = lnp_reduce_identity(op, dtype, &ident);
  if (st) return st;
  /* the value accumulator: same shape/tiling as out */
  lnp_store *vs;
  st = lnp_store_create_like_view(&vs, out, dtype);
  if (st) return st;
  lnp_view *val = lnp_view_new(vs);
  lnp_store_release(vs);
  lnp_scalar big = {.i64 = INT64_MAX};
  st = lnp_fill(val, dtype, ident);
  if (!st) st = lnp_fill(out, LNP_INT64, big);
  lnp_rplan p;
  if (!st) st = lnp_rplan_init(&p, src, reduced);
  if (st) { lnp_view_free(val); return st; }
  lnp_view *vb = NULL, *ib = NULL, *parts[2] = {NULL, NULL};
  if (p.nseg == 1) {
    st = lnp_view_expand(val, ndim, src->shape, reduced, &vb);
    if (!st) st = lnp_view_expand(out, ndim, src->shape, reduced, &ib);
    if (!st) st = arg_launch(op, dtype, vb, ib, src, NULL, mult, 0);
  } else {
    st = lnp_rplan_partial(&p, src, dtype, ident, &parts[0]);
    if (!st) st = lnp_rplan_partial(&p, src, LNP_INT64, big, &parts[1]);
    int32_t c[LNP_MAXDIM] = {0};
    for (size_t k = 0; k < p.nseg && !st; k++, lnp_rplan_next(&p, c)) {
      lnp_view *slab, *slots[2];
      int64_t base;
      st = lnp_rplan_segment(&p, src, c, mult, 2, parts, &slab, slots, &base);
      if (!st) st = arg_launch(op, dtype, slots[0], slots[1], slab, NULL, mult, base);
      lnp_view_free(slab); lnp_view_free(slots[0]); lnp_view_free(slots[1]);
    }
    if (!st) st = lnp_view_expand(val, ndim, p.pshape, reduced, &vb);
    if (!st) st = lnp_view_expand(out, ndim, p.pshape, reduced, &ib);
    if (!st) st = arg_launch(combine, dtype, vb, ib, parts[0], parts[1], NULL, 0);
  }
  lnp_view_free(vb); lnp_view_free(ib); lnp_view_free(parts[0]); lnp_view_free(parts[1]);
  lnp_rplan_free(&p);
  lnp_view_free(val);
  return st;
}
