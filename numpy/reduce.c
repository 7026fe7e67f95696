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


static int is_reduce_op(int op)
{
  switch (op) {
  case LNP_OP_ADD: case LNP_OP_MULTIPLY: case LNP_OP_MAXIMUM: case LNP_OP_MINIMUM:
  case LNP_OP_LOGICAL_AND: case LNP_OP_LOGICAL_OR: case LNP_OP_BITWISE_AND:
  case LNP_OP_BITWISE_OR: case LNP_OP_BITWISE_XOR: case LNP_OP_FMAX: case LNP_OP_FMIN:
    return 1;
  default: return 0;
  }
}

/* Identity, as a float64/int64 seed converted to the dtype. */
lnp_status lnp_reduce_identity(int op, int dtype, lnp_scalar *out)
{
  memset(out, 0, sizeof *out);
  int lowest = 0, highest = 0;
  switch (op) {
  case LNP_OP_ADD: case LNP_OP_LOGICAL_OR: case LNP_OP_BITWISE_OR: case LNP_OP_BITWISE_XOR:
    return LNP_OK; /* zero */
  case LNP_OP_MULTIPLY: case LNP_OP_LOGICAL_AND:
    break;         /* one */
  case LNP_OP_BITWISE_AND:
    memset(out, 0xff, lnp_dtype_size(dtype));
    if (dtype == LNP_BOOL) out->b = 1;
    return LNP_OK;
  case LNP_OP_MAXIMUM: case LNP_OP_FMAX: case LNP_OP_ARGMAX_ACC: lowest = 1; break;
  case LNP_OP_MINIMUM: case LNP_OP_FMIN: case LNP_OP_ARGMIN_ACC: highest = 1; break;
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

/* Segments of the input along each reduced dim (input tile boundaries). */
typedef struct segs { int64_t *cuts[LNP_MAXDIM]; int n[LNP_MAXDIM]; } segs;
static void segs_free(segs *s, int ndim) { for (int d = 0; d < ndim; d++) free(s->cuts[d]); }

/* One accumulate launch: out_b = op(out_b, src) (out_b broadcast on reduced dims). */
static lnp_status accumulate(int op, int dtype, const lnp_view *out_b, const lnp_view *src)
{
  lnp_launch L;
  memset(&L, 0, sizeof L);
  L.op = op; L.dtype_in = dtype; L.dtype_out = dtype;
  L.nops = 3; L.nout = 1; L.out_read = 1;
  L.views[0] = out_b; L.views[1] = out_b; L.views[2] = src;
  return lnp_launch_submit(&L);
}

lnp_status lnp_reduce(int op, const lnp_view *out, const lnp_view *src, int naxes, const int *axes, int dtype)
{
  if (!is_reduce_op(op)) return lnp_error(LNP_EVALUE, "%s is not a reduction", lnp_op_name(op));
  if (!lnp_loop_supported(op, dtype, dtype))
    return lnp_error(LNP_ETYPE, "ufunc '%s' reduction not supported for dtype %s", lnp_op_name(op), lnp_dtype_name(dtype));
  if (out->store->dtype != dtype) return lnp_error(LNP_ETYPE, "reduction output must have the accumulation dtype");
  int ndim = src->ndim;
  unsigned char reduced[LNP_MAXDIM] = {0};
  for (int i = 0; i < naxes; i++) {
    if (axes[i] < 0 || axes[i] >= ndim) return lnp_error(LNP_EVALUE, "axis %d is out of bounds for array of dimension %d", axes[i], ndim);
    if (reduced[axes[i]]) return lnp_error(LNP_EVALUE, "duplicate value in 'axis'");
    reduced[axes[i]] = 1;
  }
  if (out->ndim != ndim - naxes) return lnp_error(LNP_EVALUE, "reduction output has the wrong shape");
  for (int d = 0, s = 0; d < ndim; d++) if (!reduced[d]) {
    if (out->shape[s] != src->shape[d]) return lnp_error(LNP_EVALUE, "reduction output has the wrong shape");
    s++;
  }
  lnp_scalar ident;
  lnp_status st = lnp_reduce_identity(op, dtype, &ident);
  if (st) return st;
  st = lnp_fill(out, dtype, ident);
  if (st || lnp_view_size(src) == 0) return st;

  lnp_view *cast = NULL;
  if (src->store->dtype != dtype) {
    st = lnp_materialize(src, dtype, &cast);
    if (st) return st;
    src = cast;
  }
  segs sg;
  memset(&sg, 0, sizeof sg);
  size_t nseg = 1;
  for (int d = 0; d < ndim; d++) {
    if (!reduced[d]) continue;
    sg.n[d] = lnp_view_cuts(src, d, &sg.cuts[d]);
    if (sg.n[d] < 0) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
    nseg *= (size_t)sg.n[d];
  }
  int64_t ext[LNP_MAXDIM];
  for (int d = 0; d < ndim; d++) ext[d] = src->shape[d];
  if (nseg == 1) {
    lnp_view *ob;
    st = lnp_view_expand(out, ndim, ext, reduced, &ob);
    if (st) goto done;
    st = accumulate(op, dtype, ob, src);
    lnp_view_free(ob);
    goto done;
  }
  /* phase 1: partial store, one slot per input segment along reduced dims,
   * tiled like the input along the kept dims */
  {
    int64_t pshape[LNP_MAXDIM];
    int32_t ptiles[LNP_MAXDIM];
    int64_t *pb[LNP_MAXDIM] = {0};
    for (int d = 0; d < ndim; d++) {
      if (reduced[d]) {
        pshape[d] = sg.n[d]; ptiles[d] = sg.n[d];
        pb[d] = malloc(sizeof(int64_t) * ((size_t)sg.n[d] + 1));
        for (int t = 0; t <= sg.n[d]; t++) pb[d][t] = t;
      } else {
        pshape[d] = src->shape[d];
        ptiles[d] = lnp_view_cuts(src, d, &pb[d]);
      }
    }
    lnp_store *ps;
    st = lnp_store_create_tiled(&ps, ndim, pshape, dtype, ptiles, pb);
    for (int d = 0; d < ndim; d++) free(pb[d]);
    if (st) goto done;
    lnp_view *pv = lnp_view_new(ps);
    lnp_store_release(ps);
    st = lnp_fill(pv, dtype, ident);
    int32_t c[LNP_MAXDIM] = {0};
    for (size_t k = 0; k < nseg && !st; k++) {
      lnp_key skey[LNP_MAXDIM], pkey[LNP_MAXDIM];
      int64_t sext[LNP_MAXDIM];
      for (int d = 0; d < ndim; d++) {
        if (reduced[d]) {
          int64_t a = sg.cuts[d][c[d]], b = sg.cuts[d][c[d] + 1];
          skey[d] = (lnp_key){LNP_KEY_SLICE, a, b, 1, b - a};
          pkey[d] = (lnp_key){LNP_KEY_INT, c[d], 0, 0, 0};
          sext[d] = b - a;
        } else {
          skey[d] = (lnp_key){LNP_KEY_SLICE, 0, src->shape[d], 1, src->shape[d]};
          pkey[d] = skey[d];
          sext[d] = src->shape[d];
        }
      }
      lnp_view *sv = NULL, *pslot = NULL, *pb2 = NULL;
      st = lnp_view_index(src, ndim, skey, &sv);
      if (!st) st = lnp_view_index(pv, ndim, pkey, &pslot);
      if (!st) st = lnp_view_expand(pslot, ndim, sext, reduced, &pb2);
      if (!st) st = accumulate(op, dtype, pb2, sv);
      lnp_view_free(sv); lnp_view_free(pslot); lnp_view_free(pb2);
      for (int d = ndim - 1; d >= 0; d--) {
        if (!reduced[d]) continue;
        if (++c[d] < sg.n[d]) break;
        c[d] = 0;
      }
    }
    /* phase 2: partials -> out */
    if (!st) {
      lnp_view *ob;
      st = lnp_view_expand(out, ndim, pshape, reduced, &ob);
      if (!st) { st = accumulate(op, dtype, ob, pv); lnp_view_free(ob); }
    }
    lnp_view_free(pv);
  }
done:
  segs_free(&sg, ndim);
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
  int combine = op == LNP_OP_ARGMAX_ACC ? LNP_OP_ARGMAX_COMBINE : LNP_OP_ARGMIN_COMBINE;
  int ndim = src->ndim, dtype = src->store->dtype;
  if (out->store->dtype != LNP_INT64) return lnp_error(LNP_ETYPE, "arg-reduction output must be int64");
  if (!lnp_loop_supported(op, dtype, dtype)) return lnp_error(LNP_ETYPE, "%s not supported for %s", lnp_op_name(op), lnp_dtype_name(dtype));
  if (lnp_view_size(src) == 0) return lnp_error(LNP_EVALUE, "attempt to get %s of an empty sequence", op == LNP_OP_ARGMAX_ACC ? "argmax" : "argmin");
  unsigned char reduced[LNP_MAXDIM] = {0};
  int64_t mult[LNP_MAXDIM] = {0};
  if (axis < 0) {
    int64_t m = 1;
    for (int d = ndim - 1; d >= 0; d--) { reduced[d] = 1; mult[d] = m; m *= src->shape[d]; }
  } else {
    if (axis >= ndim) return lnp_error(LNP_EVALUE, "axis %d is out of bounds for array of dimension %d", axis, ndim);
    reduced[axis] = 1; mult[axis] = 1;
  }
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
  segs sg;
  memset(&sg, 0, sizeof sg);
  size_t nseg = 1;
  for (int d = 0; d < ndim && !st; d++) {
    if (!reduced[d]) continue;
    sg.n[d] = lnp_view_cuts(src, d, &sg.cuts[d]);
    nseg *= (size_t)sg.n[d];
  }
  int64_t ext[LNP_MAXDIM];
  for (int d = 0; d < ndim; d++) ext[d] = src->shape[d];
  if (!st && nseg == 1) {
    lnp_view *vb = NULL, *ib = NULL;
    st = lnp_view_expand(val, ndim, ext, reduced, &vb);
    if (!st) st = lnp_view_expand(out, ndim, ext, reduced, &ib);
    if (!st) st = arg_launch(op, dtype, vb, ib, src, NULL, mult, 0);
    lnp_view_free(vb); lnp_view_free(ib);
  } else if (!st) {
    int64_t pshape[LNP_MAXDIM];
    int32_t ptiles[LNP_MAXDIM];
    int64_t *pb[LNP_MAXDIM] = {0};
    for (int d = 0; d < ndim; d++) {
      if (reduced[d]) {
        pshape[d] = sg.n[d]; ptiles[d] = sg.n[d];
        pb[d] = malloc(sizeof(int64_t) * ((size_t)sg.n[d] + 1));
        for (int t = 0; t <= sg.n[d]; t++) pb[d][t] = t;
      } else {
        pshape[d] = src->shape[d];
        ptiles[d] = lnp_view_cuts(src, d, &pb[d]);
      }
    }
    lnp_store *pvs = NULL, *pis = NULL;
    st = lnp_store_create_tiled(&pvs, ndim, pshape, dtype, ptiles, pb);
    if (!st) st = lnp_store_create_tiled(&pis, ndim, pshape, LNP_INT64, ptiles, pb);
    for (int d = 0; d < ndim; d++) free(pb[d]);
    lnp_view *pv = pvs ? lnp_view_new(pvs) : NULL, *pi = pis ? lnp_view_new(pis) : NULL;
    if (pvs) lnp_store_release(pvs);
    if (pis) lnp_store_release(pis);
    if (!st) st = lnp_fill(pv, dtype, ident);
    if (!st) st = lnp_fill(pi, LNP_INT64, big);
    int32_t c[LNP_MAXDIM] = {0};
    for (size_t k = 0; k < nseg && !st; k++) {
      lnp_key skey[LNP_MAXDIM], pkey[LNP_MAXDIM];
      int64_t sext[LNP_MAXDIM], base = 0;
      for (int d = 0; d < ndim; d++) {
        if (reduced[d]) {
          int64_t a = sg.cuts[d][c[d]], b = sg.cuts[d][c[d] + 1];
          skey[d] = (lnp_key){LNP_KEY_SLICE, a, b, 1, b - a};
          pkey[d] = (lnp_key){LNP_KEY_INT, c[d], 0, 0, 0};
          sext[d] = b - a;
          base += a * mult[d];
        } else {
          skey[d] = (lnp_key){LNP_KEY_SLICE, 0, src->shape[d], 1, src->shape[d]};
          pkey[d] = skey[d];
          sext[d] = src->shape[d];
        }
      }
      lnp_view *sv = NULL, *pvs1 = NULL, *pis1 = NULL, *vb = NULL, *ib = NULL;
      st = lnp_view_index(src, ndim, skey, &sv);
      if (!st) st = lnp_view_index(pv, ndim, pkey, &pvs1);
      if (!st) st = lnp_view_index(pi, ndim, pkey, &pis1);
      if (!st) st = lnp_view_expand(pvs1, ndim, sext, reduced, &vb);
      if (!st) st = lnp_view_expand(pis1, ndim, sext, reduced, &ib);
      if (!st) st = arg_launch(op, dtype, vb, ib, sv, NULL, mult, base);
      lnp_view_free(sv); lnp_view_free(pvs1); lnp_view_free(pis1); lnp_view_free(vb); lnp_view_free(ib);
      for (int d = ndim - 1; d >= 0; d--) {
        if (!reduced[d]) continue;
        if (++c[d] < sg.n[d]) break;
        c[d] = 0;
      }
    }
    if (!st) {
      lnp_view *vb = NULL, *ib = NULL;
      st = lnp_view_expand(val, ndim, pshape, reduced, &vb);
      if (!st) st = lnp_view_expand(out, ndim, pshape, reduced, &ib);
      if (!st) st = arg_launch(combine, dtype, vb, ib, pv, pi, NULL, 0);
      lnp_view_free(vb); lnp_view_free(ib);
    }
    lnp_view_free(pv); lnp_view_free(pi);
  }
  segs_free(&sg, ndim);
  lnp_view_free(val);
  return st;
}
