/* Views: the affine map from an ndarray's indices to its store's elements.
 *
 * Each view dimension walks one store dimension with a step (any sign) or
 * none (broadcast / new axis, stride 0); store dimensions that no view
 * dimension walks are fixed at `origin` (integer indexing).  Slicing,
 * integer indices, None, broadcasting and transposes compose without copies,
 * exactly where NumPy makes views.  Pure arithmetic on the map: nothing here
 * copies data or submits a task (reshape, which may have to, is reshape.c). */
#include <stdlib.h>
#include <string.h>
#include "lnp.h"
#include "store_internal.h"

lnp_view *lnp_view_new(lnp_store *s)
{
  lnp_view *v = calloc(1, sizeof *v);
  if (!v) return NULL;
  v->store = s;
  lnp_store_retain(s);
  v->ndim = s->ndim;
  for (int d = 0; d < s->ndim; d++) {
    v->shape[d] = s->shape[d];
    v->sdim[d] = d;
    v->step[d] = 1;
    v->origin[d] = 0;
  }
  return v;
}

lnp_view *lnp_view_copy(const lnp_view *v)
{
  lnp_view *c = malloc(sizeof *c);
  if (!c) return NULL;
  *c = *v;
  lnp_store_retain(c->store);
  return c;
}

/* A dtype of another itemsize rescales the last dim (NumPy's rule), which
 * the tiles hold as bytes in C order: the alias is exact when the view
 * walks the store's last dim forward by one element (or holds one element
 * of it) and no other view dim walks it, and when every tile boundary,
 * the view's start and its length along it fall on whole elements of the
 * new dtype.  Otherwise LNP_EVALUE: NumPy's error for a last axis that
 * is not contiguous, another message for tiles that split an element
 * (the caller copies). */
static int last_axis_contiguous(const lnp_view *v)
{
  const int ls = v->store->ndim - 1, lv = v->ndim - 1;
  if (ls < 0 || lv < 0 || v->sdim[lv] != ls || (v->step[lv] != 1 && v->shape[lv] != 1)) return 0;
  for (int d = 0; d < lv; d++)
    if (v->sdim[d] == ls) return 0;
  return 1;
}
static int whole_elements(const lnp_view *v, size_t from, size_t to)
{
  const lnp_store *s = v->store;
  const int ls = s->ndim - 1, lv = v->ndim - 1;
  for (int32_t t = 0; t <= s->ntiles[ls]; t++)
    if ((uint64_t)s->bounds[ls][t] * from % to) return 0;
  return (uint64_t)v->origin[ls] * from % to == 0 && (uint64_t)v->shape[lv] * from % to == 0;
}

/* A copy of view v over an alias of its store as dtype, the store's last
 * dim (a 0-d store: a dim of 1) and its tile bounds scaled by num / den
 * (exact: the callers checked); the caller fixes the copy's geometry. */
static lnp_status rescaled_alias(const lnp_view *v, int dtype, uint64_t num, uint64_t den, lnp_view **out)
{
  const lnp_store *s = v->store;
  const int nd = s->ndim ? s->ndim : 1, ls = nd - 1;
  int64_t shape[LNP_MAXDIM] = {0}, *b[LNP_MAXDIM] = {0}, zero_d[2] = {0, 1};
  int32_t nt[LNP_MAXDIM] = {0};
  for (int d = 0; d < s->ndim; d++) {
    shape[d] = s->shape[d];
    b[d] = s->bounds[d];
    nt[d] = s->ntiles[d];
  }
  if (!s->ndim) {
    shape[0] = 1;
    b[0] = zero_d;
    nt[0] = 1;
  }
  int64_t *last = malloc(sizeof *last * ((size_t)nt[ls] + 1));
  if (!last) return lnp_error(LNP_ENOMEM, "out of memory");
  for (int32_t t = 0; t <= nt[ls]; t++) last[t] = (int64_t)((uint64_t)b[ls][t] * num / den);
  shape[ls] = (int64_t)((uint64_t)shape[ls] * num / den);
  b[ls] = last;
  lnp_store *a;
  lnp_status st = lnp_store_alias(&a, s, nd, shape, nt, b);
  free(last);
  if (st) return st;
  a->dtype = dtype;
  a->itemsize = lnp_dtype_size(dtype);
  lnp_view *c = lnp_view_copy(v);
  if (!c) {
    lnp_store_release(a);
    return lnp_error(LNP_ENOMEM, "out of memory");
  }
  lnp_store_release(c->store);
  c->store = a;
  *out = c;
  return LNP_OK;
}

lnp_status lnp_view_as_dtype(const lnp_view *v, int dtype, lnp_view **out)
{
  const lnp_store *s = v->store;
  if (dtype < 0 || dtype >= LNP_NTYPES) return lnp_error(LNP_EVALUE, "view as dtype %d: no such dtype", dtype);
  const size_t from = s->itemsize, to = lnp_dtype_size(dtype);
  if (from != to && !last_axis_contiguous(v))
    return lnp_error(LNP_EVALUE, "To change to a dtype of a different size, the last axis must be contiguous");
  if (from != to && !whole_elements(v, from, to))
    return lnp_error(LNP_EVALUE, "view as a dtype of another itemsize: the tiles do not hold whole elements of it");
  lnp_view *c;
  lnp_status st = rescaled_alias(v, dtype, from, to, &c);
  if (st) return st;
  if (from != to) {
    const int ls = s->ndim - 1, lv = v->ndim - 1;
    c->shape[lv] = (int64_t)((uint64_t)v->shape[lv] * from / to);
    c->origin[ls] = (int64_t)((uint64_t)v->origin[ls] * from / to);
    c->step[lv] = 1;
  }
  *out = c;
  return LNP_OK;
}

/* The real (part 0) or imaginary (part 1) part of a complex view: the
 * store as its real dtype, the last dim doubled (real, imaginary
 * interleaved), every view dim that walks it stepping twice as far, the
 * origin on the part (a 0-d store's one complex is a 1-D pair).  Any view
 * geometry has its parts as views, as NumPy's .real and .imag are. */
lnp_status lnp_view_part(const lnp_view *v, int part, lnp_view **out)
{
  const lnp_store *s = v->store;
  const int rdt = s->dtype == LNP_COMPLEX64 ? LNP_FLOAT32 : s->dtype == LNP_COMPLEX128 ? LNP_FLOAT64 : -1;
  if (rdt < 0 || (part != 0 && part != 1))
    return lnp_error(LNP_EVALUE, "the part of a view: a complex array");
  lnp_view *c;
  lnp_status st = rescaled_alias(v, rdt, 2, 1, &c);
  if (st) return st;
  const int ls = (s->ndim ? s->ndim : 1) - 1;
  for (int d = 0; d < c->ndim; d++)
    if (c->sdim[d] == ls) c->step[d] *= 2;
  c->origin[ls] = 2 * (s->ndim ? c->origin[ls] : 0) + part;
  *out = c;
  return LNP_OK;
}

void lnp_view_free(lnp_view *v)
{
  if (!v) return;
  lnp_store_release(v->store);
  free(v);
}

int64_t lnp_view_size(const lnp_view *v)
{
  int64_t n = 1;
  for (int d = 0; d < v->ndim; d++) n *= v->shape[d];
  return n;
}

static lnp_status alloc_like(const lnp_view *v, lnp_view **out)
{
  *out = lnp_view_copy(v);
  return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
}

lnp_status lnp_view_index(const lnp_view *v, int nkeys, const lnp_key *keys, lnp_view **out)
{
  int nconsumed = 0;
  for (int k = 0; k < nkeys; k++) nconsumed += keys[k].kind != LNP_KEY_NEWAXIS;
  if (nconsumed > v->ndim)
    return lnp_error(LNP_EINDEX, "too many indices for array: array is %d-dimensional, but %d were indexed", v->ndim, nconsumed);
  int newdim = v->ndim - nconsumed;
  for (int k = 0; k < nkeys; k++) newdim += keys[k].kind != LNP_KEY_INT;
  if (newdim > LNP_MAXDIM) return lnp_error(LNP_EINDEX, "number of dimensions must be within [0, %d]", LNP_MAXDIM);
  lnp_view *r;
  lnp_status st = alloc_like(v, &r);
  if (st) return st;
  int src = 0, dst = 0;
  for (int k = 0; k < nkeys; k++) {
    const lnp_key *key = &keys[k];
    if (key->kind == LNP_KEY_NEWAXIS) {
      r->shape[dst] = 1; r->sdim[dst] = -1; r->step[dst] = 0; dst++;
      continue;
    }
    int32_t sd = v->sdim[src];
    if (key->kind == LNP_KEY_INT) {
      if (key->start < 0 || key->start >= v->shape[src]) {
        lnp_view_free(r);
        return lnp_error(LNP_EINDEX, "index %lld is out of bounds for axis %d with size %lld", (long long)key->start, src, (long long)v->shape[src]);
      }
      if (sd >= 0) r->origin[sd] += v->step[src] * key->start;
    } else {
      r->shape[dst] = key->len;
      r->sdim[dst] = sd;
      if (sd >= 0) {
        if (key->len > 0) r->origin[sd] += v->step[src] * key->start;
        r->step[dst] = v->step[src] * key->step;
      } else {
        r->step[dst] = 0;
      }
      dst++;
    }
    src++;
  }
  for (; src < v->ndim; src++, dst++) {
    r->shape[dst] = v->shape[src]; r->sdim[dst] = v->sdim[src]; r->step[dst] = v->step[src];
  }
  r->ndim = dst;
  *out = r;
  return LNP_OK;
}

lnp_status lnp_view_transpose(const lnp_view *v, const int *perm, lnp_view **out)
{
  lnp_view *r;
  lnp_status st = alloc_like(v, &r);
  if (st) return st;
  for (int d = 0; d < v->ndim; d++) {
    int p = perm[d];
    if (p < 0 || p >= v->ndim) { lnp_view_free(r); return lnp_error(LNP_EVALUE, "axes don't match array"); }
    r->shape[d] = v->shape[p]; r->sdim[d] = v->sdim[p]; r->step[d] = v->step[p];
  }
  *out = r;
  return LNP_OK;
}

int lnp_shape_str(char *buf, size_t n, int ndim, const int64_t *shape)
{
  size_t used = (size_t)snprintf(buf, n, "(");
  for (int d = 0; d < ndim && used < n; d++)
    used += (size_t)snprintf(buf + used, n - used, ndim == 1 ? "%lld," : (d ? ",%lld" : "%lld"), (long long)shape[d]);
  if (used < n) used += (size_t)snprintf(buf + used, n - used, ")");
  return (int)used;
}

lnp_status lnp_view_broadcast(const lnp_view *v, int ndim, const int64_t *shape, lnp_view **out)
{
  if (ndim < v->ndim || ndim > LNP_MAXDIM) goto fail;
  lnp_view *r;
  lnp_status st = alloc_like(v, &r);
  if (st) return st;
  int lead = ndim - v->ndim;
  for (int d = 0; d < ndim; d++) {
    r->shape[d] = shape[d];
    if (d < lead) { r->sdim[d] = -1; r->step[d] = 0; continue; }
    int s = d - lead;
    if (v->shape[s] == shape[d]) { r->sdim[d] = v->sdim[s]; r->step[d] = v->step[s]; }
    else if (v->shape[s] == 1) { r->sdim[d] = -1; r->step[d] = 0; }
    else { lnp_view_free(r); goto fail; }
  }
  r->ndim = ndim;
  *out = r;
  return LNP_OK;
fail:;
  char a[256], b[256];
  lnp_shape_str(a, sizeof a, v->ndim, v->shape);
  lnp_shape_str(b, sizeof b, ndim, shape);
  return lnp_error(LNP_EVALUE, "operands could not be broadcast together with remapped shapes [original->remapped]: %s and requested shape %s", a, b);
}

int lnp_view_is_identity(const lnp_view *v)
{
  const lnp_store *s = v->store;
  if (v->ndim != s->ndim) return 0;
  for (int d = 0; d < v->ndim; d++)
    if (v->sdim[d] != d || v->step[d] != 1 || v->origin[d] != 0 || v->shape[d] != s->shape[d]) return 0;
  return 1;
}

int lnp_view_shares_storage(const lnp_view *a, const lnp_view *b)
{
  return a->store->storage == b->store->storage;
}

lnp_status lnp_view_check_writable(const lnp_view *v)
{
  return v->readonly ? lnp_error(LNP_EVALUE, "output array is read-only") : LNP_OK;
}
