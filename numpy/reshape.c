/* The view operations that may have to copy: materialising a view into a
 * store of its own, and reshape (a view of the same tiles where the tiling
 * allows it, else a re-tiling or a copy).  Every copy is a COPY loop of the
 * launcher (device-side tasks, as lnp_copy submits): no data goes through
 * host memory. */
#include <stdlib.h>
#include <string.h>
#include "launch.h"
#include "store_internal.h"

/* A copy of v in a fresh store (tiled like v's own tiles, placed with
 * them), cast to dtype: COPY tasks. */
lnp_status lnp_materialize(const lnp_view *v, int dtype, lnp_view **out)
{
  lnp_store *s;
  lnp_status st = lnp_store_create_like_view(&s, v, dtype);
  if (st) return st;
  lnp_view *r = lnp_view_new(s);
  lnp_store_release(s);
  if (!r) return lnp_error(LNP_ENOMEM, "out of memory");
  st = lnp_launch_copy(r, v);
  if (st) { lnp_view_free(r); return st; }
  *out = r;
  return LNP_OK;
}

/* Reshape by re-seeing a store's tiles with another shape, without moving
 * data.  Old and new dims are split into groups of equal extent product (a
 * split or a merge of dims).  A compact C-order tile stays one compact tile of
 * the new shape when, in every group, only the group's first old dim is cut
 * into tiles and its tile boundaries, counted in elements of the group, fall
 * on multiples of the new group's inner extent.  When the store is not tiled
 * that way but no other store shares its tiles, it is re-tiled in place first
 * (a copy into a compatible tiling; every existing view of it stays valid,
 * since views address store coordinates), so a split or merge of a whole
 * store is always a view, as in NumPy. */
typedef struct reshape_group { int o0, o1, n0, n1; int64_t inner_old, inner_new; } reshape_group;

static int make_groups(const lnp_store *s, int ndim, const int64_t *shape, reshape_group *g)
{
  int i = 0, j = 0, ng = 0;
  while (i < s->ndim || j < ndim) {
    reshape_group *r = &g[ng];
    r->o0 = i; r->n0 = j;
    int64_t po = i < s->ndim ? s->shape[i++] : 1, pn = j < ndim ? shape[j++] : 1;
    while (po != pn) {
      if (po < pn) { if (i >= s->ndim) return -1; po *= s->shape[i++]; }
      else { if (j >= ndim) return -1; pn *= shape[j++]; }
    }
    /* absorb trailing size-1 dims into this group */
    while (i < s->ndim && s->shape[i] == 1 && (j >= ndim || shape[j] != 1)) i++;
    while (j < ndim && shape[j] == 1 && (i >= s->ndim || s->shape[i] != 1)) j++;
    r->o1 = i; r->n1 = j;
    r->inner_old = 1; r->inner_new = 1;
    for (int k = r->o0 + 1; k < r->o1; k++) r->inner_old *= s->shape[k];
    for (int k = r->n0 + 1; k < r->n1; k++) r->inner_new *= shape[k];
    ng++;
  }
  return ng;
}

static int64_t gcd64(int64_t a, int64_t b) { while (b) { int64_t t = a % b; a = b; b = t; } return a; }

/* Re-tile store s in place (storage must be unshared): copy into a new
 * tiling (COPY tasks), then swap the tiles and boundaries into s. */
static lnp_status store_retile(lnp_store *s, const int32_t *ntiles, int64_t *const *bounds)
{
  lnp_store *ns;
  lnp_status st = lnp_store_create_tiled(&ns, s->ndim, s->shape, s->dtype, ntiles, bounds);
  if (st) return st;
  lnp_view *src = lnp_view_new(s), *dst = lnp_view_new(ns);
  /* ns is not relayable (explicit tiling) and shares nothing with s: the
   * plain COPY loop, as lnp_copy would submit */
  st = src && dst ? lnp_launch_copy(dst, src) : lnp_error(LNP_ENOMEM, "out of memory");
  lnp_view_free(src); lnp_view_free(dst);
  if (st) { lnp_store_release(ns); return st; }
  lnp_store_adopt_tiles(s, ns); /* a reshape relies on this tiling now */
  lnp_store_release(ns); /* the old tiles: unregistered once the copy has read them */
  return LNP_OK;
}

/* v re-seen with the new shape: LNP_OK and *out, LNP_EVALUE (no message)
 * when it cannot be (not a whole store, or its tiles are shared and would
 * need a re-tiling), another status on failure.  fresh: v is the identity
 * view of a store just made for this reshape, which nothing else can share,
 * so it is always possible (re-tiled if need be). */
static lnp_status try_alias_reshape(const lnp_view *v, int ndim, const int64_t *shape, int fresh, lnp_view **out)
{
  lnp_store *s = v->store;
  if (!lnp_view_is_identity(v) || lnp_view_size(v) == 0) return LNP_EVALUE;
  reshape_group g[2 * LNP_MAXDIM + 2];
  int ng = make_groups(s, ndim, shape, g);
  if (ng < 0) return LNP_EVALUE;
  /* does the current tiling work, or which tiling would? */
  int ok = 1;
  int32_t want_nt[LNP_MAXDIM];
  int64_t *want_b[LNP_MAXDIM] = {0};
  lnp_status st = LNP_OK;
  for (int d = 0; d < s->ndim; d++) want_nt[d] = s->ntiles[d];
  for (int k = 0; k < ng; k++) {
    if (g[k].o0 == g[k].o1) continue;                       /* only new size-1 dims */
    int d0 = g[k].o0;
    int64_t m = g[k].inner_new / gcd64(g[k].inner_new, g[k].inner_old);
    for (int d = d0 + 1; d < g[k].o1; d++) if (s->ntiles[d] != 1) { ok = 0; want_nt[d] = 1; }
    for (int32_t t = 0; t <= s->ntiles[d0]; t++) if (s->bounds[d0][t] % m) ok = 0;
    if (!ok && m > 1) {
      /* boundaries rounded up to multiples of m */
      int64_t chunk = s->ntiles[d0] > 1 ? s->bounds[d0][1] : s->shape[d0];
      chunk = (chunk + m - 1) / m * m;
      int32_t nt = (int32_t)((s->shape[d0] + chunk - 1) / chunk);
      want_nt[d0] = nt;
      want_b[d0] = malloc(sizeof(int64_t) * ((size_t)nt + 1));
      if (!want_b[d0]) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
      for (int32_t t = 0; t < nt; t++) want_b[d0][t] = (int64_t)t * chunk;
      want_b[d0][nt] = s->shape[d0];
    }
  }
  if (!ok) {
    /* (a fresh store is asked nothing: its storage is ours alone, and the
     * answer, 0, would cost nothing either) */
    if (!fresh && lnp_store_tiles_shared(s)) { st = LNP_EVALUE; goto done; }
    for (int d = 0; d < s->ndim; d++) {
      if (want_b[d]) continue;
      want_b[d] = malloc(sizeof(int64_t) * ((size_t)want_nt[d] + 1));
      if (!want_b[d]) { st = lnp_error(LNP_ENOMEM, "out of memory"); goto done; }
      if (want_nt[d] == s->ntiles[d]) memcpy(want_b[d], s->bounds[d], sizeof(int64_t) * ((size_t)want_nt[d] + 1));
      else { want_b[d][0] = 0; want_b[d][1] = s->shape[d]; }
    }
    st = store_retile(s, want_nt, want_b);
    if (st) goto done;
  }
  /* the new tiling: group by group */
  {
    int32_t ntiles[LNP_MAXDIM];
    int64_t *bounds[LNP_MAXDIM] = {0};
    for (int k = 0; k < ng && !st; k++) {
      for (int d = g[k].n0; d < g[k].n1; d++) {
        int first = d == g[k].n0 && g[k].o0 < g[k].o1;
        int32_t nt = first ? s->ntiles[g[k].o0] : 1;
        ntiles[d] = nt;
        bounds[d] = malloc(sizeof(int64_t) * ((size_t)nt + 1));
        if (!bounds[d]) { st = lnp_error(LNP_ENOMEM, "out of memory"); break; }
        if (first)
          for (int32_t t = 0; t <= nt; t++) bounds[d][t] = s->bounds[g[k].o0][t] * g[k].inner_old / g[k].inner_new;
        else { bounds[d][0] = 0; bounds[d][1] = shape[d]; }
      }
    }
    if (!st) {
      lnp_store *ns;
      st = lnp_store_alias(&ns, s, ndim, shape, ntiles, bounds);
      if (!st) {
        *out = lnp_view_new(ns);
        lnp_store_release(ns);
        if (!*out) st = lnp_error(LNP_ENOMEM, "out of memory");
      }
    }
    for (int d = 0; d < ndim; d++) free(bounds[d]);
  }
done:
  for (int d = 0; d < s->ndim; d++) free(want_b[d]);
  return st;
}

lnp_status lnp_view_reshape(const lnp_view *v, int ndim, const int64_t *shape, lnp_view **out,
                            int *is_view)
{
  if (ndim < 0 || ndim > LNP_MAXDIM) return lnp_error(LNP_EVALUE, "maximum supported dimension for an ndarray is %d, found %d", LNP_MAXDIM, ndim);
  int64_t n = 1;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] < 0) return lnp_error(LNP_EVALUE, "negative dimensions are not allowed");
    n *= shape[d];
  }
  if (n != lnp_view_size(v)) {
    char a[256];
    lnp_shape_str(a, sizeof a, ndim, shape);
    return lnp_error(LNP_EVALUE, "cannot reshape array of size %lld into shape %s", (long long)lnp_view_size(v), a);
  }
  /* 1. only size-1 dims added or removed: a plain view */
  {
    int i = 0, j = 0, ok = 1;
    lnp_view *r = lnp_view_copy(v);
    if (!r) return lnp_error(LNP_ENOMEM, "out of memory");
    int nd = 0;
    while (j < ndim) {
      while (i < v->ndim && v->shape[i] == 1) i++;
      if (shape[j] == 1) { r->shape[nd] = 1; r->sdim[nd] = -1; r->step[nd] = 0; nd++; j++; continue; }
      if (i >= v->ndim || v->shape[i] != shape[j]) { ok = 0; break; }
      r->shape[nd] = v->shape[i]; r->sdim[nd] = v->sdim[i]; r->step[nd] = v->step[i]; nd++;
      i++; j++;
    }
    while (ok && i < v->ndim) { if (v->shape[i] != 1) ok = 0; i++; }
    if (ok) { r->ndim = nd; *out = r; *is_view = 1; return LNP_OK; }
    lnp_view_free(r);
  }
  /* 2. row-block tiles that stay boxes: share the tiles */
  if (n > 0) {
    lnp_status st = try_alias_reshape(v, ndim, shape, 0, out);
    if (st == LNP_OK) { *is_view = 1; return LNP_OK; }
    if (st != LNP_EVALUE) return st;
  }
  /* 3. a copy: materialise in C order (COPY tasks into a fresh store tiled
   * like v), then re-see that store with the new shape; it may first be
   * re-tiled (COPY tasks again) when its tiling does not allow it, which
   * for a store nothing else holds is always possible.  No data goes
   * through host memory. */
  *is_view = 0;
  lnp_view *m;
  lnp_status st = lnp_materialize(v, v->store->dtype, &m);
  if (st) return st;
  if (n > 0) {
    st = try_alias_reshape(m, ndim, shape, 1, out);
    lnp_view_free(m);
    /* cannot happen (see try_alias_reshape); an error rather than no result */
    if (st == LNP_EVALUE) return lnp_error(LNP_ERUNTIME, "reshape: a fresh copy could not be re-tiled");
    return st;
  }
  /* no elements: nothing to copy, a store of the new shape (made before m
   * is released, whose tiles would otherwise be offered to it by the tile
   * pool: the order tiles are taken in stays what it was) */
  lnp_store *ns;
  st = lnp_store_create(&ns, ndim, shape, v->store->dtype);
  lnp_view *r = st ? NULL : lnp_view_new(ns);
  if (!st) lnp_store_release(ns);
  lnp_view_free(m);
  if (st) return st;
  if (!r) return lnp_error(LNP_ENOMEM, "out of memory");
  *out = r;
  return LNP_OK;
}
