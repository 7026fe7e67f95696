/* Elementwise operations, casts, fills and generators over views. */
#include <stdlib.h>
#include <string.h>
#include "launch.h"
#include "../scheduler/locality.h"
#include "store_internal.h"

/* Convert a scalar between dtypes with the cast kernels themselves, so
 * scalars follow exactly the conversions arrays do. */
static lnp_status convert_scalar(lnp_scalar *dst, int dst_dtype, const lnp_scalar *src, int src_dtype)
{
  if (dst_dtype == src_dtype) { *dst = *src; return LNP_OK; }
  union { lnp_loop_desc d; unsigned char bytes[sizeof(lnp_loop_desc) + 8 * 16]; } u;
  memset(&u, 0, sizeof u);
  lnp_loop_desc *d = &u.d;
  d->op = LNP_OP_COPY; d->dtype_in = src_dtype; d->dtype_out = dst_dtype;
  d->fp_slot = lnp_fp_slot(LNP_OP_COPY);
  d->ndim = 0; d->nops = 2; d->npieces = 1; d->nbuffers = 2;
  int64_t *w = lnp_loop_piece(d, 0);
  int64_t *o = lnp_piece_operand(w, 0, 0); o[0] = 0; o[1] = 0;
  o = lnp_piece_operand(w, 0, 1); o[0] = 1; o[1] = 0;
  memset(dst, 0, sizeof *dst);
  void *ptrs[2] = {dst, (void *)src};
  if (lnp_loop_execute(d, ptrs, 1)) return lnp_error(LNP_ETYPE, "cannot cast %s to %s", lnp_dtype_name(src_dtype), lnp_dtype_name(dst_dtype));
  return LNP_OK;
}

static int same_mapping(const lnp_view *a, const lnp_view *b)
{
  if (a->store != b->store || a->ndim != b->ndim) return 0;
  for (int d = 0; d < a->ndim; d++)
    if (a->shape[d] != b->shape[d] || a->sdim[d] != b->sdim[d] || a->step[d] != b->step[d]) return 0;
  for (int k = 0; k < a->store->ndim; k++) if (a->origin[k] != b->origin[k]) return 0;
  return 1;
}

lnp_status lnp_fill(const lnp_view *out, int dtype, lnp_scalar value)
{
  lnp_launch L;
  memset(&L, 0, sizeof L);
  lnp_status st = convert_scalar(&L.scalars[0], out->store->dtype, &value, dtype);
  if (st) return st;
  L.op = LNP_OP_COPY; L.dtype_in = out->store->dtype; L.dtype_out = out->store->dtype;
  L.nops = 2; L.nout = 1; L.views[0] = out; L.views[1] = NULL; L.scalar_slot[1] = 0; L.nscalars = 1;
  return lnp_launch_submit(&L);
}

lnp_status lnp_generate(int op, const lnp_view *out, const int64_t *index_mult, int nscalars,
                        const lnp_scalar *scalars)
{
  int dt = out->store->dtype;
  if (!lnp_loop_supported(op, dt, dt))
    return lnp_error(LNP_ETYPE, "%s is not supported for dtype %s", lnp_op_name(op), lnp_dtype_name(dt));
  lnp_launch L;
  memset(&L, 0, sizeof L);
  L.op = op; L.dtype_in = dt; L.dtype_out = dt; L.nops = 1; L.nout = 1; L.views[0] = out;
  L.nscalars = nscalars;
  for (int i = 0; i < nscalars && i < LNP_MAXSCALARS; i++) L.scalars[i] = scalars[i];
  for (int d = 0; d < out->ndim; d++) L.index_mult[d] = index_mult[d];
  return lnp_launch_submit(&L);
}

_Static_assert(LNP_GENERATOR_SCALARS == LNP_MAXSCALARS, "lnp.h's count of generator scalars");

lnp_status lnp_generate_host(int op, int dtype, int64_t n, void *dst, int nscalars,
                             const lnp_scalar *scalars)
{
  if (!lnp_loop_supported(op, dtype, dtype))
    return lnp_error(LNP_ETYPE, "%s is not supported for dtype %s", lnp_op_name(op), lnp_dtype_name(dtype));
  if (n <= 0) return LNP_OK;
  union { lnp_loop_desc d; unsigned char bytes[sizeof(lnp_loop_desc) + 5 * sizeof(int64_t)]; } u; /* lnp_piece_words(1, 1) */
  memset(&u, 0, sizeof u);
  lnp_loop_desc *d = &u.d;
  d->op = op; d->dtype_in = dtype; d->dtype_out = dtype; d->fp_slot = lnp_fp_slot(op);
  d->ndim = 1; d->nops = 1; d->npieces = 1; d->nbuffers = 1; d->index_mult[0] = 1;
  for (int i = 0; i < nscalars && i < LNP_MAXSCALARS; i++) d->scalars[i] = scalars[i];
  int64_t *w = lnp_loop_piece(d, 0);
  w[0] = n; /* shape; origin 0 */
  int64_t *o = lnp_piece_operand(w, 1, 0);
  o[0] = 0; o[1] = 0; o[2] = 1;
  void *ptrs[1] = {dst};
  if (lnp_loop_execute(d, ptrs, 1)) return lnp_error(LNP_ETYPE, "%s failed on the host", lnp_op_name(op));
  return LNP_OK;
}

/* A fresh result (identity view of a store nothing else shares and no task
 * wrote yet) of an elementwise op on shifted views of one array, e.g.
 * u[:-2, 1:-1] + u[2:, 1:-1], is re-laid like the view centred between its
 * inputs: its tiles (and their rank or GPU) sit over the input tiles they
 * are computed from, so a stencil exchanges one row per neighbour instead
 * of one per shifted operand and again at the final assignment.  Only where
 * tiles are spread (several ranks or GPUs). */
static void place_between_inputs(const lnp_view *out, int nin, const lnp_operand *ins)
{
  lnp_store *s = out->store;
  if (!(lnp_mpi_size() > 1 || lnp_sched_home_for(0, 2) >= 0)) return;
  if (!s->relayable || !lnp_view_is_identity(out)) return;
  /* a result small enough for one tile stays one task's: channel flow's
   * boundary columns (2046 elements) spread like the 2048^2 array's tile
   * rows took ~15 tasks an op on 2 ranks instead of 1, and 4x the time of
   * their one-process run */
  if (s->storage->ntiles <= 1) return;
  for (size_t t = 0; t < s->storage->ntiles; t++) if (s->storage->written[t]) return;
  /* other views of s need no check: they reach the tiles through s, which
   * the re-lay updates; another store sharing the tiles would keep the old
   * ones (asked last: under MPI the answer may cost a garbage collection) */
  if (lnp_store_tiles_shared(s)) return;
  /* the key: an earlier result of the chain (a whole array of this shape)
   * if there is one, else the views of one array, centred */
  const lnp_view *first = NULL, *whole = NULL;
  int64_t sum[LNP_MAXDIM] = {0};
  int n = 0, one_array = 1;
  for (int i = 0; i < nin; i++) {
    const lnp_view *v = ins[i].view;
    if (!v || v->ndim != out->ndim || memcmp(v->shape, out->shape, sizeof(int64_t) * (size_t)out->ndim)) continue;
    int bcast = 0;
    for (int d = 0; d < v->ndim; d++) bcast |= v->sdim[d] < 0;
    if (bcast) continue;
    if (!whole && lnp_view_is_identity(v)) whole = v;
    if (first && (v->store != first->store || memcmp(v->sdim, first->sdim, sizeof(int32_t) * (size_t)v->ndim) ||
                  memcmp(v->step, first->step, sizeof(int64_t) * (size_t)v->ndim)))
      one_array = 0;
    if (!first) first = v;
    for (int k = 0; k < v->store->ndim; k++) sum[k] += v->origin[k];
    n++;
  }
  if (n < 1) return;
  lnp_view *centre = lnp_view_copy(whole ? whole : first);
  if (!centre) return;
  if (!whole && one_array)
    for (int k = 0; k < first->store->ndim; k++) centre->origin[k] = sum[k] / n; /* between valid origins: valid */
  lnp_store *ns = NULL;
  if (!lnp_store_create_like_view(&ns, centre, s->dtype)) {
    lnp_store_adopt_tiles(s, ns);
    lnp_store_release(ns); /* the unused default tiles */
  }
  lnp_view_free(centre);
}

/* Views to release at the end of an operation. */
typedef struct tmp_list { lnp_view *v[16]; int n; } tmp_list;
static void tmp_free(tmp_list *t) { for (int i = 0; i < t->n; i++) lnp_view_free(t->v[i]); t->n = 0; }

lnp_status lnp_ewise(int op, const lnp_view *out, int nin, const lnp_operand *ins, int dtype_in,
                     int dtype_out)
{
  if (op < 0 || op >= LNP_NOPS || lnp_op_nops(op) != nin + 1)
    return lnp_error(LNP_EVALUE, "invalid op %d with %d inputs", op, nin);
  if (!lnp_loop_supported(op, dtype_in, dtype_out))
    return lnp_error(LNP_ETYPE, "ufunc '%s' not supported for the input types (%s -> %s)", lnp_op_name(op),
                     lnp_dtype_name(dtype_in), lnp_dtype_name(dtype_out));
  if (nin + 1 > LNP_LAUNCH_MAXOPS || nin > LNP_MAXSCALARS) return lnp_error(LNP_EVALUE, "too many operands");
  lnp_status st = lnp_view_check_writable(out);
  if (st) return st;
  /* an output with broadcast dims (made writeable again by the user) writes
   * each element several times: an input sharing its tiles must be read
   * from a copy, or the writes would feed each other (NumPy copies too) */
  int out_bcast = 0;
  for (int d = 0; d < out->ndim; d++) out_bcast |= out->sdim[d] < 0 && out->shape[d] > 1;
  tmp_list tmp = {.n = 0};
  lnp_launch L;
  memset(&L, 0, sizeof L);
  L.op = op; L.dtype_in = dtype_in; L.dtype_out = dtype_out;
  L.nops = nin + 1; L.nout = 1;
  /* 1. inputs: cast (before broadcasting: fewer elements), de-alias, broadcast */
  for (int i = 0; i < nin; i++) {
    int want = (op == LNP_OP_WHERE && i == 0) ? LNP_BOOL : dtype_in;
    if (op == LNP_OP_COPY) want = ins[i].view ? ins[i].view->store->dtype : ins[i].dtype;
    if (!ins[i].view) {
      st = convert_scalar(&L.scalars[L.nscalars], want, &ins[i].value, ins[i].dtype);
      if (st) goto done;
      L.views[1 + i] = NULL; L.scalar_slot[1 + i] = L.nscalars++;
      if (op == LNP_OP_COPY) L.dtype_in = want;
      continue;
    }
    const lnp_view *v = ins[i].view;
    if (v->store->dtype != want) {
      lnp_view *c;
      st = lnp_materialize(v, want, &c);
      if (st) goto done;
      tmp.v[tmp.n++] = c; v = c;
    } else if (lnp_view_shares_storage(v, out)) {
      /* NumPy semantics for overlapping in/out: read a copy unless the input
       * is exactly the output (elementwise in place is safe). */
      lnp_view *bc = NULL;
      st = lnp_view_broadcast(v, out->ndim, out->shape, &bc);
      if (st) goto done;
      int same = !out_bcast && same_mapping(bc, out);
      lnp_view_free(bc);
      if (!same) {
        lnp_view *c;
        st = lnp_materialize(v, want, &c);
        if (st) goto done;
        tmp.v[tmp.n++] = c; v = c;
      }
    }
    if (v->ndim != out->ndim || memcmp(v->shape, out->shape, sizeof(int64_t) * (size_t)out->ndim)) {
      lnp_view *b;
      st = lnp_view_broadcast(v, out->ndim, out->shape, &b);
      if (st) goto done;
      tmp.v[tmp.n++] = b; v = b;
    }
    L.views[1 + i] = v;
  }
  place_between_inputs(out, nin, ins);
  /* 2. output: run into a temporary of dtype_out and cast when they differ */
  if (out->store->dtype != L.dtype_out) {
    lnp_store *s;
    st = lnp_store_create_like_view(&s, out, L.dtype_out);
    if (st) goto done;
    lnp_view *t = lnp_view_new(s);
    lnp_store_release(s);
    tmp.v[tmp.n++] = t;
    L.views[0] = t;
    st = lnp_launch_submit(&L);
    if (st) goto done;
    if (!lnp_loop_supported(LNP_OP_COPY, L.dtype_out, out->store->dtype)) {
      st = lnp_error(LNP_ETYPE, "cannot cast %s to %s", lnp_dtype_name(L.dtype_out), lnp_dtype_name(out->store->dtype));
      goto done;
    }
    st = lnp_launch_copy(out, t); /* t holds L.dtype_out */
  } else {
    L.views[0] = out;
    st = lnp_launch_submit(&L);
  }
done:
  tmp_free(&tmp);
  return st;
}

lnp_status lnp_copy(const lnp_view *out, const lnp_operand *src)
{
  int din = src->view ? src->view->store->dtype : src->dtype;
  return lnp_ewise(LNP_OP_COPY, out, 1, src, din, out->store->dtype);
}
