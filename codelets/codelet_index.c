/* The indexing codelet, lnp_cl_index (index.h): its CPU function, where it
 * may run, its perfmodel.  CUDA: index_cuda.cu.  Tasks are inserted by
 * numpy/index.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <string.h>

#include "../data-interfaces/nd_interface.h"
#include "index.h"

/* one element of a fixed size: a constant-size memcpy per common size, so
 * that the compiler emits a single load and store */
static inline void move_elem(char *dst, const char *src, int64_t isz)
{
  switch (isz) {
  case 1: memcpy(dst, src, 1); break;
  case 2: memcpy(dst, src, 2); break;
  case 4: memcpy(dst, src, 4); break;
  case 8: memcpy(dst, src, 8); break;
  case 16: memcpy(dst, src, 16); break;
  default: memcpy(dst, src, (size_t)isz);
  }
}

static int64_t tile_elems(void *iface)
{
  const uint64_t *shape = LNP_ND_GET_SHAPE(iface);
  int64_t n = 1;
  for (int d = 0; d < (int)LNP_ND_GET_NDIM(iface); d++) n *= (int64_t)shape[d];
  return n;
}

/* The common geometries as one affine map: view element v is element
 * x = base + mul * v of the store's flattened order, in tile x / slab at
 * x % slab.  That holds for a 1-D view of a 1-D store (base: origin, mul:
 * step) and for a whole store cut along its first dim only, with uniform
 * tiles either way.  Random gathers are bound by memory latency, and the
 * general lnp_index_locate (a loop per dim, a tile search) is too long a
 * body for the processor to keep many loads in flight. */
typedef struct src_map {
  int fast;
  int shift;  /* slab = 1 << shift, or -1 */
  double inv; /* 1 / slab: a quotient estimate, corrected (no 64-bit divide) */
  int64_t base, mul, slab;
  int32_t nt, tmin, tcnt;
  char *tp[1024]; /* the box's tiles */
} src_map;

/* x / slab for 0 <= x < 2^52 */
static inline int64_t slab_of(const src_map *m, int64_t x)
{
  if (m->shift >= 0) return x >> m->shift;
  int64_t t = (int64_t)((double)x * m->inv);
  if (t * m->slab > x) t--;
  else if ((t + 1) * m->slab <= x) t++;
  return t;
}

static void src_map_init(src_map *m, const lnp_index_desc *d, void *descr[])
{
  const lnp_index_geom *g = &d->g;
  m->fast = 0;
  if (g->nbox > 1024 || g->sndim < 1 || !g->tsize[0]) return;
  int64_t inner = 1;
  if (g->sndim == 1 && g->vndim == 1 && g->sdim[0] == 0) {
    m->base = g->origin[0];
    m->mul = g->step[0];
  } else {
    if (g->vndim != g->sndim) return;
    /* the view's rows must be the store's whole rows: a[:, :1] of a
     * (3, 2) store is not its first three elements */
    for (int k = 0; k < g->sndim; k++) {
      if (g->sdim[k] != k || g->step[k] != 1 || g->origin[k] != 0 || (k > 0 && g->ntiles[k] != 1)) return;
      if (k > 0 && lnp_index_bounds(d)[g->boff[k] + 1] != g->vshape[k]) return;
      if (k > 0) inner *= g->vshape[k];
    }
    if (g->ntiles[0] > 1 && lnp_index_bounds(d)[g->boff[0] + g->ntiles[0]] != g->vshape[0]) return;
    m->base = 0;
    m->mul = 1;
  }
  m->slab = g->tsize[0] * inner;
  m->shift = -1;
  for (int b = 0; b < 62; b++)
    if (m->slab == (int64_t)1 << b) m->shift = b;
  m->inv = 1.0 / (double)m->slab;
  m->nt = g->ntiles[0];
  m->tmin = g->tmin[0];
  m->tcnt = g->tcnt[0];
  for (int b = 0; b < g->nbox; b++) m->tp[b] = LNP_ND_GET_PTR(descr[g->buf0 + b]);
  m->fast = 1;
}

/* The address of src element v (view order), NULL if not in the box. */
static inline const char *src_elem(const lnp_index_desc *d, const int64_t *bounds, void *descr[], const src_map *m,
                                   int64_t v)
{
  if (m->fast) {
    const int64_t x = m->base + m->mul * v;
    if (x < 0) return NULL;
    int64_t t = slab_of(m, x);
    if (t >= m->nt) t = m->nt - 1;
    const int64_t lt = t - m->tmin;
    if (x < 0 || lt < 0 || lt >= m->tcnt) return NULL;
    return m->tp[lt] + (x - t * m->slab) * d->itemsize;
  }
  int64_t eoff;
  const int64_t t = lnp_index_locate(&d->g, bounds, v, &eoff);
  if (t < 0) return NULL;
  return (const char *)LNP_ND_GET_PTR(descr[d->g.buf0 + t]) + eoff * d->itemsize;
}

/* src element v (view order) into dst; 0, or -1 if v is not in the box */
static inline int fetch(const lnp_index_desc *d, const int64_t *bounds, void *descr[], const src_map *m, int64_t v,
                        char *dst)
{
  const char *p = src_elem(d, bounds, descr, m, v);
  if (!p) return -1;
  move_elem(dst, p, d->itemsize);
  return 0;
}

#define LNP_IX_AHEAD 16
/* out[i] = src[off[i]] of one fixed size T, a row of one element through
 * the affine map: the loop a random gather spends its time in */
#define LNP_IX_GATHER1(T)                                                      \
  do {                                                                         \
    T *o_ = (T *)out;                                                          \
    const int64_t wrap_ = d->checked ? d->nrows : 0;                           \
    for (int64_t i = 0; i < d->nr; i++) {                                      \
      if (i + LNP_IX_AHEAD < d->nr) { /* the load LNP_IX_AHEAD elements on */  \
        const int64_t va = off[i + LNP_IX_AHEAD];                              \
        const int64_t xa = m.base + m.mul * (va < 0 ? va + wrap_ : va);        \
        int64_t ta = xa >= 0 ? slab_of(&m, xa) : 0;                            \
        if (ta >= m.nt) ta = m.nt - 1;                                         \
        if (ta >= m.tmin && ta < m.tmin + m.tcnt)                              \
          __builtin_prefetch((const T *)m.tp[ta - m.tmin] + (xa - ta * m.slab)); \
      }                                                                        \
      const int64_t v = off[i] < 0 ? off[i] + wrap_ : off[i];                  \
      if (v < 0 || v >= d->nrows) {                                            \
        if (!d->checked) return -1;                                            \
        if (!bad[0]++) bad[1] = d->r0 + i;                                     \
        o_[i] = 0;                                                             \
        continue;                                                              \
      }                                                                        \
      const int64_t x = m.base + m.mul * v;                                    \
      if (x < 0) return -1;                                                    \
      int64_t t = slab_of(&m, x);                                              \
      if (t >= m.nt) t = m.nt - 1;                                             \
      const int64_t lt = t - m.tmin;                                           \
      if (lt < 0 || lt >= m.tcnt) return -1;                                   \
      o_[i] = ((const T *)m.tp[lt])[x - t * m.slab];                           \
    }                                                                          \
    return 0;                                                                  \
  } while (0)

static int run_gather(const lnp_index_desc *d, void *descr[])
{
  const int64_t *bounds = lnp_index_bounds(d);
  char *out = LNP_ND_GET_PTR(descr[0]);
  const int64_t *off = LNP_ND_GET_PTR(descr[1]);
  const int64_t isz = d->itemsize;
  src_map m;
  src_map_init(&m, d, descr);
  int64_t nobad[2], *bad = nobad;
  if (d->checked) bad = LNP_ND_GET_PTR(descr[d->g.buf0 + d->g.nbox]);
  bad[0] = bad[1] = 0;
  if (m.fast && d->R == 1 && d->nc == 1) switch (isz) {
    case 1: LNP_IX_GATHER1(uint8_t);
    case 2: LNP_IX_GATHER1(uint16_t);
    case 4: LNP_IX_GATHER1(uint32_t);
    case 8: LNP_IX_GATHER1(uint64_t);
    default: break;
    }
  for (int64_t i = 0; i < d->nr; i++) {
    const int64_t o = off[i] < 0 && d->checked ? off[i] + d->nrows : off[i];
    if (o < 0 || o >= d->nrows) {
      if (!d->checked) return -1;
      if (!bad[0]++) bad[1] = d->r0 + i;
      memset(out + i * d->nc * isz, 0, (size_t)(d->nc * isz));
      continue;
    }
    for (int64_t j = 0; j < d->nc; j++)
      if (fetch(d, bounds, descr, &m, o * d->R + d->c0 + j, out + (i * d->nc + j) * isz)) return -1;
  }
  return 0;
}

static int run_scatter(const lnp_index_desc *d, void *descr[])
{
  const int64_t *bounds = lnp_index_bounds(d), *rb = lnp_index_extra(d), *cb = rb + d->nsub + 1;
  const int64_t isz = d->itemsize;
  int buf = d->g.nbox;
  /* value tiles in row order, the rows of a tile in order: for one
   * destination element, later rows overwrite earlier ones (NumPy's last
   * write wins) */
  for (int32_t rt = 0; rt < d->nsub; rt++) {
    const int64_t *off = LNP_ND_GET_PTR(descr[buf++]);
    const int64_t nr = rb[rt + 1] - rb[rt];
    for (int32_t ct = 0; ct < d->ncol; ct++, buf++) {
      const char *vals = LNP_ND_GET_PTR(descr[buf]);
      const int64_t c0 = cb[ct], nc = cb[ct + 1] - cb[ct];
      for (int64_t i = 0; i < nr; i++) {
        const int64_t o = off[i];
        if (o < 0 || o >= d->nrows) return -1;
        for (int64_t j = 0; j < nc; j++) {
          int64_t eoff;
          const int64_t t = lnp_index_locate(&d->g, bounds, o * d->R + c0 + j, &eoff);
          if (t >= 0)
            move_elem((char *)LNP_ND_GET_PTR(descr[d->g.buf0 + t]) + eoff * isz, vals + (i * nc + j) * isz, isz);
        }
      }
    }
  }
  return 0;
}

static void run_count(void *descr[])
{
  const unsigned char *m = LNP_ND_GET_PTR(descr[1]);
  const int64_t n = tile_elems(descr[1]);
  int64_t c = 0;
  for (int64_t i = 0; i < n; i++) c += m[i] != 0;
  *(int64_t *)LNP_ND_GET_PTR(descr[0]) = c;
}

/* Rows r0..r1 of the compaction of one mask tile over a contiguous run of
 * source elements of size T, without a branch on the mask: every element
 * is stored at the current row, which only a nonzero advances, so a row's
 * last store is its own element (a later mask tile of the task overwrites
 * the row the previous one left pending). */
#define LNP_IX_COMPACT1(T)                                                     \
  do {                                                                         \
    const T *s_ = (const T *)src;                                              \
    T *o_ = (T *)out - d->r0;                                                  \
    int64_t e = 0;                                                             \
    for (; e < len && k < d->r0; e++) k += mask[e] != 0;                       \
    for (; e < len && k < r1; e++) {                                           \
      o_[k] = s_[e];                                                           \
      k += mask[e] != 0;                                                       \
    }                                                                          \
  } while (0)

static int run_compact(const lnp_index_desc *d, void *descr[])
{
  const int64_t *bounds = lnp_index_bounds(d), *ex = lnp_index_extra(d);
  char *out = LNP_ND_GET_PTR(descr[0]);
  const int64_t isz = d->itemsize, r1 = d->r0 + d->nr;
  src_map sm;
  if (!d->coords) src_map_init(&sm, d, descr);
  for (int32_t m = 0; m < d->nsub; m++) {
    const unsigned char *mask = LNP_ND_GET_PTR(descr[1 + m]);
    const int64_t p0 = ex[3 * m], len = ex[3 * m + 1];
    int64_t k = ex[3 * m + 2];
    if (!d->coords && sm.fast && sm.mul == 1 && d->R == 1 && d->nc == 1 && len > 0 &&
        (isz == 1 || isz == 2 || isz == 4 || isz == 8)) {
      /* the tile's source elements contiguous in one source tile */
      const char *src = src_elem(d, bounds, descr, &sm, p0), *last = src_elem(d, bounds, descr, &sm, p0 + len - 1);
      if (src && last == src + (len - 1) * isz && slab_of(&sm, sm.base + p0) == slab_of(&sm, sm.base + p0 + len - 1)) {
        switch (isz) {
        case 1: LNP_IX_COMPACT1(uint8_t); break;
        case 2: LNP_IX_COMPACT1(uint16_t); break;
        case 4: LNP_IX_COMPACT1(uint32_t); break;
        default: LNP_IX_COMPACT1(uint64_t); break;
        }
        continue;
      }
    }
    for (int64_t e = 0; e < len && k < r1; e++) {
      if (!mask[e]) continue;
      if (k >= d->r0) {
        char *row = out + (k - d->r0) * d->nc * isz;
        const int64_t p = p0 + e;
        if (d->coords) {
          /* coordinate c0 + j of p over the geometry's shape */
          int64_t q = p;
          for (int dd = d->g.vndim - 1; dd >= 0; dd--) {
            const int64_t n = d->g.vshape[dd], c = q % n;
            q /= n;
            if (dd >= d->c0 && dd < d->c0 + d->nc) ((int64_t *)row)[dd - d->c0] = c;
          }
        } else
          for (int64_t j = 0; j < d->nc; j++)
            if (fetch(d, bounds, descr, &sm, p * d->R + d->c0 + j, row + j * isz)) return -1;
      }
      k++;
    }
  }
  return 0;
}

static void lnp_index_cpu(void *descr[], void *cl_arg)
{
  struct starpu_task *task = starpu_task_get_current();
  const lnp_index_desc *d = cl_arg;
  lnp_codelets_count_loops(0, 1);
  if (!d || task->cl_arg_size < sizeof *d || task->cl_arg_size != lnp_index_desc_size(d)) {
    lnp_codelets_report("invalid index task (descriptor size)");
    return;
  }
  int rc = 0;
  switch (d->mode) {
  case LNP_IX_GATHER: rc = run_gather(d, descr); break;
  case LNP_IX_SCATTER: rc = run_scatter(d, descr); break;
  case LNP_IX_COUNT: run_count(descr); break;
  case LNP_IX_COMPACT: rc = run_compact(d, descr); break;
  default: rc = -1;
  }
  if (rc) lnp_codelets_report("index task %d: an element outside the tiles it was given", d->mode);
}

static uint32_t lnp_index_footprint(struct starpu_task *task)
{
  const lnp_index_desc *d = task->cl_arg;
  const int64_t key[4] = {d->mode, d->itemsize, d->nr * d->nc, d->g.nbox};
  return starpu_hash_crc32c_be_n(key, sizeof key, 0);
}

static struct starpu_perfmodel lnp_index_model = {
    .type = STARPU_HISTORY_BASED,
    .symbol = "lnp_index",
    .footprint = lnp_index_footprint,
};

#ifdef LNP_HAVE_CUDA
static int lnp_index_can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
  (void)nimpl;
  return lnp_codelets_may_run(workerid, task, lnp_index_cuda_supported(task->cl_arg));
}
#endif

struct starpu_codelet lnp_cl_index = {
#ifdef LNP_HAVE_CUDA
    .where = STARPU_CPU | STARPU_CUDA,
    .can_execute = lnp_index_can_execute,
    .cuda_funcs = {lnp_index_cuda},
    .cuda_flags = {STARPU_CUDA_ASYNC},
#else
    .where = STARPU_CPU,
#endif
    .cpu_funcs = {lnp_index_cpu},
    .nbuffers = STARPU_VARIABLE_NBUFFERS,
    .model = &lnp_index_model,
    .name = "lnp_index",
};
