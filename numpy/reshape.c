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
 * need a re-tiling), another status on failure.  fresh: RESHAPE_FRESH: v is
 * the identity view of a store just made for this reshape, which nothing
 * else can share, so it is always possible (re-tiled if need be);
 * RESHAPE_NO_RETILE: only with the current tiling. */
enum { RESHAPE_UNSHARED = 0, RESHAPE_FRESH = 1, RESHAPE_NO_RETILE = 2 };
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
    if (fresh == RESHAPE_NO_RETILE) { st = LNP_EVALUE; goto done; }
    if (fresh != RESHAPE_FRESH && lnp_store_tiles_shared(s)) { st = LNP_EVALUE; goto done; }
    /* a linked copy's link describes its tiling (store_internal.h) */
    if (s->storage->link) { st = LNP_EVALUE; goto done; }
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

/* NumPy's rule for a reshape without a copy (_attempt_nocopy_reshape, C
 * order), on the element strides of v in its store (a store is C-ordered):
 * old dims of extent 1 are dropped, old and new dims are grouped by equal
 * extent products, and the old dims of each group must be mergeable (each
 * one's stride is the next one's extent times its stride).  Returns 1 (and
 * the groups, as ranges of od[], the old dims kept, and of the new dims)
 * when NumPy returns a view, 0 when it copies.  v has elements. */
typedef struct nocopy_group { int o0, o1, n0, n1; } nocopy_group;

static int numpy_nocopy(const lnp_view *v, int ndim, const int64_t *shape, int *od, nocopy_group *g, int *ng)
{
  const lnp_store *s = v->store;
  int64_t cs[LNP_MAXDIM], ext[LNP_MAXDIM], str[LNP_MAXDIM], acc = 1;
  for (int k = s->ndim - 1; k >= 0; k--) { cs[k] = acc; acc *= s->shape[k]; }
  int nold = 0;
  for (int d = 0; d < v->ndim; d++)
    if (v->shape[d] != 1) {
      od[nold] = d;
      ext[nold] = v->shape[d];
      str[nold++] = v->sdim[d] >= 0 ? v->step[d] * cs[v->sdim[d]] : 0;
    }
  int oi = 0, oj = 1, ni = 0, nj = 1;
  *ng = 0;
  while (ni < ndim && oi < nold) {
    int64_t np = shape[ni], op = ext[oi];
    while (np != op) {
      if (np < op) np *= shape[nj++];
      else op *= ext[oj++];
    }
    for (int k = oi; k < oj - 1; k++)
      if (str[k] != ext[k + 1] * str[k + 1]) return 0;
    g[(*ng)++] = (nocopy_group){oi, oj, ni, nj};
    ni = nj++;
    oi = oj++;
  }
  return 1;
}

/* The view NumPy's rule allows, in our terms: a view over the store
 * re-seen with another shape S' (an alias of its tiles, try_alias_reshape).
 * A group's old dims walk consecutive store dims p..q, and the dims between
 * have extent 1 (the merge condition allows nothing else), so its elements
 * are one progression (origin o, step s: the innermost old dim's) along
 * p..q merged into one dim M.  A group of one new dim walks M.  A group of
 * new dims m1..mk splits M into (E_M/B, m2, ..., m(k-1), |s|*mk), B =
 * |s|*m2*...*mk: a box of it only if B divides E_M and the progression's
 * lowest element lies in the first |s| positions of its block of B
 * (a[1:9].reshape(2, 4) of a 10-element a is no box of any S').
 * Dims no group walks (integer-indexed, or walked by a dim of extent 1) stay
 * as they are; groups of broadcast dims stay broadcast.  LNP_EVALUE (no
 * message) when S' has no such box or its tiles cannot be re-seen (shared
 * tiles that would need a re-tiling). */
static lnp_status nocopy_view(const lnp_view *v, int ndim, const int64_t *shape, const int *od, const nocopy_group *g,
                              int ng, lnp_view **out)
{
  const lnp_store *s = v->store;
  int gstart[LNP_MAXDIM], gend[LNP_MAXDIM];
  for (int k = 0; k < s->ndim; k++) gstart[k] = -1;
  for (int i = 0; i < ng; i++) {
    int first = od[g[i].o0], last = od[g[i].o1 - 1];
    if (v->sdim[last] < 0) continue; /* broadcast */
    gstart[v->sdim[first]] = i;
    gend[i] = v->sdim[last];
  }
  int sn = 0;
  int64_t sshape[LNP_MAXDIM], sorigin[LNP_MAXDIM];
  int32_t walk[LNP_MAXDIM];
  int64_t wstep[LNP_MAXDIM];
  for (int j = 0; j < ndim; j++) { walk[j] = -1; wstep[j] = 0; }
  for (int k = 0; k < s->ndim;) {
    if (gstart[k] < 0) {
      if (sn == LNP_MAXDIM) return LNP_EVALUE;
      sshape[sn] = s->shape[k]; sorigin[sn++] = v->origin[k++];
      continue;
    }
    const nocopy_group *gr = &g[gstart[k]];
    const int q = gend[gstart[k]];
    int64_t em = 1, o = 0, n = 1;
    for (int x = k; x <= q; x++) { em *= s->shape[x]; o = o * s->shape[x] + v->origin[x]; }
    for (int i = gr->o0; i < gr->o1; i++) n *= v->shape[od[i]];
    const int64_t st = v->step[od[gr->o1 - 1]], as = st < 0 ? -st : st;
    int nd[LNP_MAXDIM], m = 0;
    for (int j = gr->n0; j < gr->n1; j++) if (shape[j] != 1) nd[m++] = j;
    if (sn + m > LNP_MAXDIM) return LNP_EVALUE;
    if (m == 1) {
      sshape[sn] = em; sorigin[sn] = o;
      walk[nd[0]] = sn++; wstep[nd[0]] = st;
    } else {
      int64_t b = as;
      for (int j = 1; j < m; j++) b *= shape[nd[j]];
      const int64_t lo = st > 0 ? o : o + st * (n - 1);
      if (em % b || lo % b >= as) return LNP_EVALUE;
      for (int j = 0; j < m; j++) sshape[sn + j] = j == 0 ? em / b : j == m - 1 ? as * shape[nd[j]] : shape[nd[j]];
      int64_t rem = o; /* the first element's coordinates, mixed radix */
      for (int j = m - 1; j >= 0; j--) { sorigin[sn + j] = rem % sshape[sn + j]; rem /= sshape[sn + j]; }
      for (int j = 0; j < m; j++) { walk[nd[j]] = sn + j; wstep[nd[j]] = j == m - 1 ? st : st > 0 ? 1 : -1; }
      sn += m;
    }
    k = q + 1;
  }
  /* S' over the same tiles (the store itself when S' is its shape) */
  lnp_view *r;
  int same = sn == s->ndim;
  for (int k = 0; same && k < sn; k++) same = sshape[k] == s->shape[k];
  if (same) {
    r = lnp_view_copy(v);
    if (!r) return lnp_error(LNP_ENOMEM, "out of memory");
  } else {
    lnp_view *id = lnp_view_new(v->store);
    if (!id) return lnp_error(LNP_ENOMEM, "out of memory");
    /* the store is re-tiled in place (a copy of all of it) only for a view
     * of all its elements: a view of a part of a large array (x[:100] of
     * 10^6 rows reshaped to (10, 10, n)) is better a linked copy of that
     * part than a re-tiling of the whole */
    int64_t total = 1;
    for (int k = 0; k < s->ndim; k++) total *= s->shape[k];
    lnp_status st = try_alias_reshape(id, sn, sshape, lnp_view_size(v) == total ? RESHAPE_UNSHARED : RESHAPE_NO_RETILE, &r);
    lnp_view_free(id);
    if (st) return st;
  }
  r->ndim = ndim;
  for (int j = 0; j < ndim; j++) { r->shape[j] = shape[j]; r->sdim[j] = walk[j]; r->step[j] = wstep[j]; }
  for (int k = 0; k < sn; k++) r->origin[k] = sorigin[k];
  *out = r;
  return LNP_OK;
}

/* Where NumPy's reshape is a view that nocopy_view cannot make: a copy of
 * v linked to it (store_internal.h), so that writes through it reach v and
 * it sees v's later writes, as a view would. */
static lnp_status linked_copy(const lnp_view *v, int ndim, const int64_t *shape, lnp_view **out)
{
  lnp_view *m;
  lnp_status st = lnp_materialize(v, v->store->dtype, &m);
  if (st) return st;
  /* (re-tiled in place first if need be: the link takes the final tiling) */
  st = try_alias_reshape(m, ndim, shape, RESHAPE_FRESH, out);
  if (st == LNP_EVALUE) st = lnp_error(LNP_ERUNTIME, "reshape: a fresh copy could not be re-tiled");
  lnp_link *k = st ? NULL : calloc(1, sizeof *k);
  if (!st && !k) st = lnp_error(LNP_ENOMEM, "out of memory");
  if (st) { lnp_view_free(m); return st; }
  const lnp_store *ms = m->store;
  k->src = *v;
  k->src.readonly = 0; /* the copy's writes are the user's writes through a view */
  lnp_store_retain(v->store);
  k->ndim = ms->ndim;
  for (int d = 0; d < ms->ndim; d++) {
    k->shape[d] = ms->shape[d];
    k->ntiles[d] = ms->ntiles[d];
    k->bounds[d] = malloc(sizeof(int64_t) * ((size_t)ms->ntiles[d] + 1));
    if (k->bounds[d]) memcpy(k->bounds[d], ms->bounds[d], sizeof(int64_t) * ((size_t)ms->ntiles[d] + 1));
    else st = lnp_error(LNP_ENOMEM, "out of memory");
  }
  k->src_version = v->store->storage->version;
  ms->storage->link = k; /* freed with the storage (store.c) */
  lnp_view_free(m);
  if (st) { lnp_view_free(*out); return st; }
  return LNP_OK;
}

static lnp_status reshape(const lnp_view *v, int ndim, const int64_t *shape, int64_t n, lnp_view **out, int *is_view)
{
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
  if (n == 0) {
    /* no elements (a view in NumPy): a store of the new shape */
    lnp_store *ns;
    lnp_status st = lnp_store_create(&ns, ndim, shape, v->store->dtype);
    if (st) return st;
    *out = lnp_view_new(ns);
    lnp_store_release(ns);
    *is_view = 1;
    return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
  }
  /* 2. a whole store: row-block tiles that stay boxes share the tiles */
  lnp_status st = try_alias_reshape(v, ndim, shape, RESHAPE_UNSHARED, out);
  if (st == LNP_OK) { *is_view = 1; return LNP_OK; }
  if (st != LNP_EVALUE) return st;
  /* 3. where NumPy makes a view: the same tiles re-seen, else a linked copy */
  int od[LNP_MAXDIM];
  nocopy_group g[LNP_MAXDIM];
  int ng;
  if (numpy_nocopy(v, ndim, shape, od, g, &ng)) {
    *is_view = 1;
    st = nocopy_view(v, ndim, shape, od, g, ng, out);
    if (st != LNP_EVALUE) return st;
    return linked_copy(v, ndim, shape, out);
  }
  /* 4. a copy, as NumPy's: materialise in C order (COPY tasks into a fresh
   * store tiled like v), then re-see that store with the new shape; it may
   * first be re-tiled (COPY tasks again) when its tiling does not allow it,
   * which for a store nothing else holds is always possible.  No data goes
   * through host memory. */
  *is_view = 0;
  lnp_view *m;
  st = lnp_materialize(v, v->store->dtype, &m);
  if (st) return st;
  st = try_alias_reshape(m, ndim, shape, RESHAPE_FRESH, out);
  lnp_view_free(m);
  /* cannot happen (see try_alias_reshape); an error rather than no result */
  if (st == LNP_EVALUE) return lnp_error(LNP_ERUNTIME, "reshape: a fresh copy could not be re-tiled");
  return st;
}

lnp_status lnp_view_reshape(const lnp_view *v, int ndim, const int64_t *shape, lnp_view **out,
                            int *is_view)
{
  /* NumPy's shape rule first: reshape(2**62, 0) of an empty array is too
   * big, and the product below must not overflow */
  lnp_status sc = lnp_shape_check(ndim, shape, v->store->itemsize);
  if (sc) return sc;
  int64_t n = 1;
  for (int d = 0; d < ndim; d++) n *= shape[d];
  if (n != lnp_view_size(v)) {
    char a[256];
    lnp_shape_str(a, sizeof a, ndim, shape);
    return lnp_error(LNP_EVALUE, "cannot reshape array of size %lld into shape %s", (long long)lnp_view_size(v), a);
  }
  lnp_status st = reshape(v, ndim, shape, n, out, is_view);
  /* a view of a read-only array is read-only (NumPy) */
  if (!st && *is_view) (*out)->readonly = v->readonly;
  return st;
}
