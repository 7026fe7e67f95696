/* Scans (cumsum, cumprod, ufunc.accumulate) over tiles.
 *
 * Along the scan axis the array has n tile segments.  Reduce, then scan:
 *  1. the total of each segment but the last (the reduction's phase 1,
 *     reduce.c: one task per input tile, all in parallel) goes into its
 *     slot of a partial store P;
 *  2. P is scanned along the axis into a store C with one tile along it
 *     (one small scan task per tile of the other dims: the sequential carry
 *     chain, over n - 1 elements per line);
 *  3. every segment k is scanned (the scan codelet, codelets/scan.h), its
 *     lines starting from carry C[k-1]: all in parallel again.
 * Parallelism across the other dims is kept in every phase; the input is
 * read twice and the result written once.  Rounding: each segment's total
 * is a pairwise sum, the carries a sequential sum of n - 1 totals, and the
 * scan kernel's own error grows like a pairwise sum's (scan_cpu.c), so
 * float results differ from NumPy's sequential accumulation by a few ulps
 * of the running sum of magnitudes (NumPy's own error is larger). */
#include <stdlib.h>
#include <string.h>
#include "launch.h"
#include "reduce_plan.h"
#include "store_internal.h"
#include "../codelets/scan.h"

int lnp_scan_op_supported(int op, int dtype) { return lnp_scan_supported(op, dtype); }

/* out = scan(src) along dim `axis`, with carry (expanded along axis) or
 * NULL; out lies in one output tile along axis. */
static lnp_status scan_launch(int op, int dtype, const lnp_view *out, const lnp_view *src, const lnp_view *carry,
                              int axis)
{
  lnp_launch L;
  memset(&L, 0, sizeof L);
  L.op = op; L.dtype_in = dtype; L.dtype_out = dtype;
  L.nops = carry ? 3 : 2; L.nout = 1;
  L.views[0] = out; L.views[1] = src; L.views[2] = carry;
  L.scan = 1; L.scan_dim = axis;
  return lnp_launch_submit(&L);
}

/* v[..., a:b, ...] along axis */
static lnp_status slab(const lnp_view *v, int axis, int64_t a, int64_t b, lnp_view **out)
{
  lnp_key key[LNP_MAXDIM];
  for (int d = 0; d < v->ndim; d++)
    key[d] = d == axis ? (lnp_key){LNP_KEY_SLICE, a, b, 1, b - a}
                       : (lnp_key){LNP_KEY_SLICE, 0, v->shape[d], 1, v->shape[d]};
  return lnp_view_index(v, v->ndim, key, out);
}

/* The carries' store: P's shape, tiled like P along the other dims and in
 * one tile along axis, so that one task per line scans the totals. */
static lnp_status carry_store(const lnp_view *P, int axis, int dtype, lnp_view **out)
{
  int32_t nt[LNP_MAXDIM];
  int64_t *b[LNP_MAXDIM] = {0};
  lnp_status st = LNP_OK;
  for (int d = 0; d < P->ndim && !st; d++) {
    if (d == axis) {
      nt[d] = 1;
      b[d] = malloc(2 * sizeof(int64_t));
      if (b[d]) { b[d][0] = 0; b[d][1] = P->shape[d]; }
    } else
      nt[d] = lnp_view_cuts(P, d, &b[d]);
    if (!b[d] || nt[d] < 0) st = lnp_error(LNP_ENOMEM, "out of memory");
  }
  lnp_store *s = NULL;
  if (!st) st = lnp_store_create_tiled(&s, P->ndim, P->shape, dtype, nt, b);
  for (int d = 0; d < P->ndim; d++) free(b[d]);
  if (st) return st;
  *out = lnp_view_new(s);
  lnp_store_release(s);
  return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
}

static lnp_status scan_tiles(int op, int dtype, const lnp_view *R, const lnp_view *src, int axis)
{
  const int ndim = src->ndim;
  unsigned char reduced[LNP_MAXDIM] = {0};
  reduced[axis] = 1;
  lnp_rplan p;
  /* the segments are the result's tiles along axis: one scan task each */
  lnp_status st = lnp_rplan_init(&p, R, reduced);
  if (st) return st;
  const int n = p.n[axis];
  lnp_view *P = NULL, *C = NULL;
  if (n > 1) {
    lnp_scalar ident;
    /* phase 1: the totals of segments 0..n-2 */
    p.n[axis] = n - 1;
    p.pshape[axis] = n - 1;
    p.nseg = (size_t)(n - 1);
    st = lnp_reduce_identity(op, dtype, &ident);
    if (!st) st = lnp_rplan_partial(&p, src, dtype, ident, &P);
    int32_t c[LNP_MAXDIM] = {0};
    for (int k = 0; k < n - 1 && !st; k++, lnp_rplan_next(&p, c)) {
      lnp_view *sl = NULL, *slot = NULL;
      int64_t base;
      st = lnp_rplan_segment(&p, src, c, NULL, 1, &P, &sl, &slot, &base);
      if (!st) st = lnp_reduce_accumulate(op, dtype, slot, sl);
      lnp_view_free(sl);
      lnp_view_free(slot);
    }
    /* phase 2: the carries, C[k] = op(P[0], ..., P[k]) */
    if (!st && n == 2) {
      C = P;
      P = NULL;
    } else if (!st) {
      st = carry_store(P, axis, dtype, &C);
      if (!st) st = scan_launch(op, dtype, C, P, NULL, axis);
    }
  }
  /* phase 3: each segment from its carry */
  for (int k = 0; k < n && !st; k++) {
    const int64_t a = p.cuts[axis][k], b = p.cuts[axis][k + 1];
    lnp_view *o = NULL, *i = NULL, *cv = NULL;
    st = slab(R, axis, a, b, &o);
    if (!st) st = slab(src, axis, a, b, &i);
    if (!st && k > 0) {
      lnp_key key[LNP_MAXDIM];
      int64_t ext[LNP_MAXDIM];
      for (int d = 0; d < ndim; d++) {
        key[d] = d == axis ? (lnp_key){LNP_KEY_INT, k - 1, 0, 0, 0}
                           : (lnp_key){LNP_KEY_SLICE, 0, C->shape[d], 1, C->shape[d]};
        ext[d] = d == axis ? b - a : src->shape[d];
      }
      lnp_view *slot = NULL;
      st = lnp_view_index(C, ndim, key, &slot);
      if (!st) st = lnp_view_expand(slot, ndim, ext, reduced, &cv);
      lnp_view_free(slot);
    }
    if (!st) st = scan_launch(op, dtype, o, i, cv, axis);
    lnp_view_free(o);
    lnp_view_free(i);
    lnp_view_free(cv);
  }
  lnp_view_free(P);
  lnp_view_free(C);
  lnp_rplan_free(&p);
  return st;
}

/* A new array like v (tiled like it) of dtype. */
static lnp_status new_like(const lnp_view *v, int dtype, lnp_view **out)
{
  lnp_store *s;
  lnp_status st = lnp_store_create_like_view(&s, v, dtype);
  if (st) return st;
  *out = lnp_view_new(s);
  lnp_store_release(s);
  return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
}

lnp_status lnp_scan(int op, const lnp_view *src, int axis, int dtype, lnp_view **res)
{
  *res = NULL;
  if (!lnp_scan_supported(op, dtype))
    return lnp_error(LNP_ETYPE, "ufunc '%s' accumulate not supported for dtype %s", lnp_op_name(op),
                     lnp_dtype_name(dtype));
  if (axis < 0 || axis >= src->ndim)
    return lnp_error(LNP_EVALUE, "axis %d is out of bounds for array of dimension %d", axis, src->ndim);
  const lnp_op_info *o = lnp_op_get(op);
  lnp_view *tmp[3] = {NULL, NULL, NULL}, *R = NULL;
  lnp_status st = LNP_OK;
  /* float16 sums and products accumulate in float32 and round once per
   * element (as the reductions do, reduce.c); the input is first rounded
   * to float16, the loop dtype NumPy casts it to */
  const int f16 = dtype == LNP_FLOAT16 && (o->fold == 'S' || o->fold == 'E');
  const int work = f16 ? LNP_FLOAT32 : dtype;
  if (f16 && src->store->dtype != LNP_FLOAT16) {
    st = lnp_materialize(src, LNP_FLOAT16, &tmp[0]);
    src = tmp[0];
  }
  if (!st && src->store->dtype != work) {
    st = lnp_materialize(src, work, &tmp[1]);
    src = tmp[1];
  }
  if (!st) st = new_like(src, work, &R);
  if (!st && lnp_view_size(src) > 0) st = scan_tiles(op, work, R, src, axis);
  if (!st && f16) {
    tmp[2] = R;
    R = NULL;
    st = new_like(tmp[2], LNP_FLOAT16, &R);
    if (!st) st = lnp_launch_copy(R, tmp[2]);
  }
  for (int i = 0; i < 3; i++) lnp_view_free(tmp[i]);
  if (st) {
    lnp_view_free(R);
    return st;
  }
  *res = R;
  return LNP_OK;
}
