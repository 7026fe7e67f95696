/* The indexing task, lnp_cl_index (codelet_index.c, CUDA in index_cuda.cu):
 * gather, scatter, mask counts and compaction of fixed-size elements,
 * dtype-agnostic (an element is itemsize bytes moved as one).
 *
 * A source or destination is a view of a store as the tasks see it
 * (lnp_index_geom): element v of the view in C order is unravelled over
 * the view's shape, mapped to store coordinates (sdim, step, origin), and
 * found in the store's tile grid; the task holds a box of that grid as
 * consecutive buffers (row-major order of the box), and an element
 * outside the box is an error of the caller.
 *
 * Modes and buffers:
 *   GATHER   out(NB, R) tile (W), off tile (R, int64: the rows of the out
 *            tile), the source box:  out[i, j] = src[off[i] * R + j];
 *            checked: then a status tile (W, below).
 *   SCATTER  the destination box (RW), then per row tile of the values
 *            its off tile and its value tiles (R):
 *            dst[off[i] * R + j] = vals[i, j] for the elements inside the
 *            box, in the order of i (last write wins on the CPU).
 *   COUNT    count tile (W, one int64), mask tile (R, bool): nonzeros.
 *   COMPACT  out(K, W) tile (W), the mask tiles it takes rows from (R,
 *            bool, 1-D tiles of the flattened mask), then (VALUES) the
 *            source box: row k of the result is the k-th nonzero position
 *            p of the mask, out[k, j] = src[p * R + j]; (COORDS) its
 *            coordinates unravelled over the geometry's shape (int64).
 * cl_arg: lnp_index_desc, then `nextra` int64 words (mode-dependent, see
 * below), then the store's tile bounds (g.nbounds words). */
#ifndef LNP_INDEX_H
#define LNP_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include "../data-interfaces/dtypes.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __CUDACC__
#define LNP_IX_HD __host__ __device__ __forceinline__
#else
#define LNP_IX_HD static inline
#endif

enum { LNP_IX_GATHER = 0, LNP_IX_SCATTER = 1, LNP_IX_COUNT = 2, LNP_IX_COMPACT = 3 };

typedef struct lnp_index_geom {
  int32_t vndim, sndim;
  int32_t nbox;     /* tiles in the box (buffers) */
  int32_t buf0;     /* buffer index of the box's first tile */
  int32_t nbounds;  /* bound words after the extra words */
  int32_t pad;
  int64_t vshape[LNP_MAXDIM];
  int64_t step[LNP_MAXDIM];
  int32_t sdim[LNP_MAXDIM];   /* -1: broadcast dim */
  int64_t origin[LNP_MAXDIM]; /* per store dim */
  int32_t ntiles[LNP_MAXDIM]; /* store tile grid */
  int32_t tmin[LNP_MAXDIM];   /* the box: tiles [tmin, tmin + tcnt) per store dim */
  int32_t tcnt[LNP_MAXDIM];
  int32_t boff[LNP_MAXDIM];   /* where dim d's ntiles + 1 bounds start */
  int64_t tsize[LNP_MAXDIM];  /* every tile but the last this long (0: not uniform) */
} lnp_index_geom;

typedef struct lnp_index_desc {
  int32_t mode;
  int32_t coords;   /* COMPACT: write coordinates instead of values */
  int64_t itemsize;
  int64_t R;        /* view elements per row (GATHER, SCATTER, COMPACT values) */
  int64_t nrows;    /* valid offsets / positions: [0, nrows) */
  int64_t r0, c0;   /* GATHER, COMPACT: the out tile's first row and column */
  int64_t nr, nc;   /* and its extents */
  int32_t nextra;   /* int64 words after the descriptor */
  int32_t nsub;     /* COMPACT: mask tiles; SCATTER: row tiles of the values */
  int32_t ncol;     /* SCATTER: column tiles of the values */
  int32_t checked;  /* GATHER: offsets in [-nrows, 0) count from the end;
                     * others are counted into a last buffer (W) of two
                     * int64: how many, and the first one's row */
  lnp_index_geom g;
  /* extra words:
   *   COMPACT  per mask tile: first position, length, nonzeros before it
   *   SCATTER  row bounds (nsub + 1), column bounds (ncol + 1) */
} lnp_index_desc;

static inline size_t lnp_index_desc_size(const lnp_index_desc *d)
{
  return sizeof *d + sizeof(int64_t) * ((size_t)d->nextra + (size_t)d->g.nbounds);
}
static inline const int64_t *lnp_index_extra(const lnp_index_desc *d) { return (const int64_t *)(d + 1); }
static inline const int64_t *lnp_index_bounds(const lnp_index_desc *d)
{
  return (const int64_t *)(d + 1) + d->nextra;
}

/* The box tile (index within the box, -1 if outside) and element offset in
 * that tile (a compact C-order tile) of view element v. */
LNP_IX_HD int64_t lnp_index_locate(const lnp_index_geom *g, const int64_t *bounds, int64_t v, int64_t *eoff)
{
  int64_t x[LNP_MAXDIM];
  for (int k = 0; k < g->sndim; k++) x[k] = g->origin[k];
  for (int d = g->vndim - 1; d >= 0; d--) {
    const int64_t n = g->vshape[d];
    const int64_t i = d ? v % n : v;
    if (d) v /= n;
    if (g->sdim[d] >= 0) x[g->sdim[d]] += g->step[d] * i;
  }
  int64_t box = 0, off = 0, acc = 1, bmul = 1;
  for (int k = g->sndim - 1; k >= 0; k--) {
    const int64_t *b = bounds + g->boff[k];
    const int32_t nt = g->ntiles[k];
    int32_t t;
    if (g->tsize[k]) {
      t = (int32_t)(x[k] / g->tsize[k]);
      if (t >= nt) t = nt - 1;
    } else {
      int32_t lo = 0, hi = nt - 1;
      while (lo < hi) {
        const int32_t mid = (lo + hi + 1) / 2;
        if (b[mid] <= x[k]) lo = mid; else hi = mid - 1;
      }
      t = lo;
    }
    const int32_t lt = t - g->tmin[k];
    if (x[k] < 0 || x[k] >= b[nt] || lt < 0 || lt >= g->tcnt[k]) return -1;
    off += (x[k] - b[t]) * acc;
    acc *= b[t + 1] - b[t];
    box += lt * bmul;
    bmul *= g->tcnt[k];
  }
  *eoff = off;
  return box;
}

#ifdef LNP_HAVE_CUDA
void lnp_index_cuda(void *descr[], void *cl_arg);
/* 1 if the CUDA kernels take this task (box small enough for the kernel's
 * parameter block). */
int lnp_index_cuda_supported(const lnp_index_desc *d);
#endif

#ifdef __cplusplus
}
#endif

#endif
