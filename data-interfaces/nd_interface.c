/* The N-D tile data interface for StarPU 1.3 (see nd_interface.h).
 *
 * Layout rules:
 *  - the home node of a tile registered over host memory keeps the caller's
 *    strides (any sign, any order; dev_handle is the lowest address touched,
 *    offset the distance from there to element 0);
 *  - every other node (and the home node of a tile registered with home -1)
 *    is allocated by StarPU, compact C order, offset 0.
 * Copies between two nodes therefore gather/scatter on the host side and the
 * device side is always packed.  The struct is flat POD: StarPU memcpy's it
 * on allocation-cache hits, so compare() covers everything that must match
 * for a cached buffer to be reused verbatim (ndim, shape, elemsize, dtype). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* starpu.h needs POSIX (rwlocks, barriers) under -std=c11 */
#endif
#include "nd_interface.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* helpers                                                              */

uint64_t lnp_nd_nelems(const lnp_nd_interface *nd)
{
  uint64_t n = 1;
  for (int d = 0; d < nd->ndim; d++)
    n *= LNP_ND_SHAPE(nd)[d];
  return n;
}

static size_t nd_nbytes(const lnp_nd_interface *nd)
{
  return (size_t)lnp_nd_nelems(nd) * nd->elemsize;
}

/* Bytes StarPU allocates for a replica: never 0 (an empty or size-0 tile
 * still gets a valid, distinct pointer). */
/* Bytes allocated for a tile: its elements and lnp_nd_pad_bytes more, since
 * OpenBLAS 0.3.21's complex gemv kernel (zgemv_n, Haswell) reads past a
 * matrix's last column (valgrind: into the next column), which faulted
 * where a tile ended at a page boundary (complex LAPACK tile kernels:
 * tplqt, gesdd).  get_alloc_size
 * says the same, so StarPU's memory accounting and allocation cache agree
 * with the allocations, and so does our host-memory budget
 * (numpy/store.c: a tile counted short let StarPU's allocation under
 * STARPU_LIMIT_CPU_MEM wait for ever instead of our MemoryError). */
static size_t nd_alloc_bytes(const lnp_nd_interface *nd)
{
  size_t n = nd_nbytes(nd);
  if (n == 0)
    n = nd->elemsize ? nd->elemsize : 1;
  return n + lnp_nd_pad_bytes(nd->ndim, nd->ndim >= 2 ? LNP_ND_SHAPE(nd)[nd->ndim - 1] : 0, nd->elemsize, nd_nbytes(nd));
}

static void nd_compact_strides(lnp_nd_interface *nd)
{
  int64_t s = 1;
  for (int d = nd->ndim - 1; d >= 0; d--) {
    LNP_ND_STRIDES(nd)[d] = s;
    s *= (int64_t)LNP_ND_SHAPE(nd)[d];
  }
  for (int d = nd->ndim; d < nd->cap; d++)
    LNP_ND_STRIDES(nd)[d] = 0;
}

static int nd_is_compact(const lnp_nd_interface *nd)
{
  int64_t s = 1;
  for (int d = nd->ndim - 1; d >= 0; d--) {
    if (LNP_ND_SHAPE(nd)[d] != 1 && LNP_ND_STRIDES(nd)[d] != s)
      return 0;
    s *= (int64_t)LNP_ND_SHAPE(nd)[d];
  }
  return 1;
}

/* Lowest and one-past-highest byte offsets (relative to element 0) touched
 * by a tile with these strides.  Empty tiles touch nothing: lo = hi = 0. */
static void nd_extent(const lnp_nd_interface *nd, int64_t *lo, int64_t *hi)
{
  int64_t l = 0, h = 0;
  if (lnp_nd_nelems(nd) == 0) {
    *lo = *hi = 0;
    return;
  }
  for (int d = 0; d < nd->ndim; d++) {
    int64_t span = ((int64_t)LNP_ND_SHAPE(nd)[d] - 1) * LNP_ND_STRIDES(nd)[d] * (int64_t)nd->elemsize;
    if (span < 0)
      l += span;
    else
      h += span;
  }
  *lo = l;
  *hi = h + (int64_t)nd->elemsize;
}

/* ------------------------------------------------------------------ */
/* interface methods                                                    */

/* bytes of an interface of a class (room for cap dims) */
#define ND_IFACE_SIZE(cap) (offsetof(lnp_nd_interface, dims) + sizeof(int64_t) * 2 * (size_t)(cap))

static void nd_register_data_handle(starpu_data_handle_t handle, unsigned home_node, void *data_interface)
{
  const lnp_nd_interface *src = data_interface;
  for (unsigned node = 0; node < STARPU_MAXNODES; node++) {
    /* StarPU allocated this class's size, not the whole struct */
    lnp_nd_interface *local = starpu_data_get_interface_on_node(handle, node);
    memset(local, 0, ND_IFACE_SIZE(src->cap));
    local->id = src->id;
    local->cap = src->cap;
    local->elemsize = src->elemsize;
    local->ndim = src->ndim;
    local->dtype = src->dtype;
    memcpy(LNP_ND_SHAPE(local), LNP_ND_SHAPE(src), sizeof(uint64_t) * (size_t)src->cap);
    if (node == home_node) {
      local->ptr = src->ptr;
      local->dev_handle = src->dev_handle;
      local->offset = src->offset;
      local->allocsize = 0; /* the caller's memory, never freed by us */
      memcpy(LNP_ND_STRIDES(local), LNP_ND_STRIDES(src), sizeof(int64_t) * (size_t)src->cap);
    } else {
      nd_compact_strides(local);
    }
  }
}

/* bytes of tiles allocated by StarPU per memory node (live or in StarPU's
 * allocation cache): how much of an array a process really holds */
static _Atomic int64_t nd_node_bytes[STARPU_MAXNODES];

int64_t lnp_nd_allocated_bytes(unsigned node) { return node < STARPU_MAXNODES ? nd_node_bytes[node] : 0; }

static starpu_ssize_t nd_allocate_data_on_node(void *data_interface, unsigned node)
{
  lnp_nd_interface *nd = data_interface;
  size_t bytes = nd_alloc_bytes(nd);
  uintptr_t h = starpu_malloc_on_node(node, bytes);
  if (!h)
    return -ENOMEM;
  nd->dev_handle = h;
  nd->ptr = starpu_node_get_kind(node) == STARPU_OPENCL_RAM ? 0 : h;
  nd->offset = 0;
  nd->allocsize = bytes;
  nd_compact_strides(nd);
  if (node < STARPU_MAXNODES) nd_node_bytes[node] += (int64_t)bytes;
  return (starpu_ssize_t)bytes;
}

static void nd_free_data_on_node(void *data_interface, unsigned node)
{
  lnp_nd_interface *nd = data_interface;
  size_t bytes = nd->allocsize ? nd->allocsize : nd_alloc_bytes(nd);
  starpu_free_on_node(node, nd->dev_handle, bytes);
  if (node < STARPU_MAXNODES) nd_node_bytes[node] -= (int64_t)bytes;
  nd->ptr = 0;
  nd->dev_handle = 0;
  nd->offset = 0;
  nd->allocsize = 0;
}

static size_t nd_get_size(starpu_data_handle_t handle)
{
  const lnp_nd_interface *nd = starpu_data_get_interface_on_node(handle, STARPU_MAIN_RAM);
  return nd_nbytes(nd);
}

static size_t nd_get_alloc_size(starpu_data_handle_t handle)
{
  const lnp_nd_interface *nd = starpu_data_get_interface_on_node(handle, STARPU_MAIN_RAM);
  return nd_alloc_bytes(nd);
}

static uint32_t nd_footprint(starpu_data_handle_t handle)
{
  const lnp_nd_interface *nd = starpu_data_get_interface_on_node(handle, STARPU_MAIN_RAM);
  uint32_t h = starpu_hash_crc32c_be((uint32_t)nd->ndim, 0);
  if (nd->ndim > 0)
    h = starpu_hash_crc32c_be_n(LNP_ND_SHAPE(nd), sizeof(uint64_t) * (size_t)nd->ndim, h);
  h = starpu_hash_crc32c_be((uint32_t)nd->elemsize, h);
  return h;
}

/* Cached replicas are reused by memcpy'ing their interface, so everything
 * describing the tile must match, including the (informative) dtype. */
static int nd_compare(void *a_, void *b_)
{
  const lnp_nd_interface *a = a_, *b = b_;
  if (a->ndim != b->ndim || a->elemsize != b->elemsize || a->dtype != b->dtype)
    return 0;
  for (int d = 0; d < a->ndim; d++)
    if (LNP_ND_SHAPE(a)[d] != LNP_ND_SHAPE(b)[d])
      return 0;
  return 1;
}

static void *nd_to_pointer(void *data_interface, unsigned node)
{
  (void)node;
  return (void *)((lnp_nd_interface *)data_interface)->ptr;
}

static int nd_pointer_is_inside(void *data_interface, unsigned node, void *ptr)
{
  (void)node;
  const lnp_nd_interface *nd = data_interface;
  int64_t lo, hi;
  if (!nd->ptr)
    return 0;
  nd_extent(nd, &lo, &hi);
  if (lo == hi)
    return (uintptr_t)ptr == nd->ptr;
  intptr_t rel = (intptr_t)((uintptr_t)ptr - nd->ptr);
  return rel >= lo && rel < hi;
}

/* StarPU built with FxT calls describe on every registration and for every
 * buffer of every task it starts, tracing on or not: the snprintf calls took
 * ~8% of the submitting thread.  Only a trace reads the text. */
static int nd_describe_traced = 1;

static starpu_ssize_t nd_describe(void *data_interface, char *buf, size_t size)
{
  const lnp_nd_interface *nd = data_interface;
  if (!nd_describe_traced) {
    if (size) buf[0] = 0;
    return 0;
  }
  char tmp[32 * 24 + 64];
  size_t n = 0;
  n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "ND");
  for (int d = 0; d < nd->ndim && n < sizeof(tmp); d++)
    n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, d ? "x%llu" : "%llu",
                          (unsigned long long)LNP_ND_SHAPE(nd)[d]);
  if (n < sizeof(tmp))
    n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "_%s", lnp_dtype_name(nd->dtype));
  return snprintf(buf, size, "%s", tmp);
}

static void nd_display(starpu_data_handle_t handle, FILE *f)
{
  const lnp_nd_interface *nd = starpu_data_get_interface_on_node(handle, STARPU_MAIN_RAM);
  for (int d = 0; d < nd->ndim; d++)
    fprintf(f, "%llu\t", (unsigned long long)LNP_ND_SHAPE(nd)[d]);
  fprintf(f, "%zu\t", nd->elemsize);
}

/* ------------------------------------------------------------------ */
/* host-side gather / scatter (pack, unpack)                            */

/* Walk the elements of nd in C order, copying contiguous runs between the
 * tile and a packed buffer (pack = 1: tile -> buf, 0: buf -> tile). */
static void nd_host_transfer(const lnp_nd_interface *nd, char *buf, int pack)
{
  size_t es = nd->elemsize;
  uint64_t total = lnp_nd_nelems(nd);
  if (total == 0 || es == 0)
    return;
  char *base = (char *)nd->ptr;
  if (nd_is_compact(nd)) {
    if (pack)
      memcpy(buf, base, total * es);
    else
      memcpy(base, buf, total * es);
    return;
  }
  /* merge the trailing dims that are contiguous into one run */
  int nd_ = nd->ndim;
  int inner = nd_; /* dims [inner, nd_) form the contiguous run */
  uint64_t run = 1;
  int64_t expect = 1;
  while (inner > 0) {
    int d = inner - 1;
    if (LNP_ND_SHAPE(nd)[d] != 1 && LNP_ND_STRIDES(nd)[d] != expect)
      break;
    run *= LNP_ND_SHAPE(nd)[d];
    expect *= (int64_t)LNP_ND_SHAPE(nd)[d];
    inner--;
  }
  uint64_t idx[LNP_MAXDIM] = {0};
  size_t runbytes = (size_t)run * es;
  STARPU_ASSERT(inner > 0); /* inner == 0 is the compact case above */
  /* odometer over dims [0, last), a strided walk along dim last, one
   * memcpy per contiguous run */
  int last = inner - 1;
  uint64_t nlast = LNP_ND_SHAPE(nd)[last];
  int64_t slast = LNP_ND_STRIDES(nd)[last] * (int64_t)es;
  uint64_t nouter = total / (run * nlast);
  for (uint64_t o = 0; o < nouter; o++) {
    int64_t off = 0;
    for (int d = 0; d < last; d++)
      off += (int64_t)idx[d] * LNP_ND_STRIDES(nd)[d] * (int64_t)es;
    char *p = base + off;
    for (uint64_t i = 0; i < nlast; i++) {
      if (pack)
        memcpy(buf, p, runbytes);
      else
        memcpy(p, buf, runbytes);
      buf += runbytes;
      p += slast;
    }
    for (int d = last - 1; d >= 0; d--) {
      if (++idx[d] < LNP_ND_SHAPE(nd)[d])
        break;
      idx[d] = 0;
    }
  }
}

static int nd_pack_data(starpu_data_handle_t handle, unsigned node, void **ptr, starpu_ssize_t *count)
{
  STARPU_ASSERT(starpu_data_test_if_allocated_on_node(handle, node));
  STARPU_ASSERT_MSG(starpu_node_get_kind(node) == STARPU_CPU_RAM, "lnp_nd pack: node %u is not host memory", node);
  const lnp_nd_interface *nd = starpu_data_get_interface_on_node(handle, node);
  size_t bytes = nd_nbytes(nd);
  *count = (starpu_ssize_t)bytes;
  if (ptr != NULL) {
    /* at least one byte, so that an empty tile still gets a valid buffer */
    char *buf = (char *)starpu_malloc_on_node_flags(node, bytes ? bytes : 1, 0);
    STARPU_ASSERT(buf);
    nd_host_transfer(nd, buf, 1);
    *ptr = buf;
  }
  return 0;
}

static int nd_unpack_data(starpu_data_handle_t handle, unsigned node, void *ptr, size_t count)
{
  STARPU_ASSERT(starpu_data_test_if_allocated_on_node(handle, node));
  STARPU_ASSERT_MSG(starpu_node_get_kind(node) == STARPU_CPU_RAM, "lnp_nd unpack: node %u is not host memory", node);
  const lnp_nd_interface *nd = starpu_data_get_interface_on_node(handle, node);
  STARPU_ASSERT_MSG(count == nd_nbytes(nd), "lnp_nd unpack: %zu bytes for a tile of %zu bytes",
                    count, nd_nbytes(nd));
  nd_host_transfer(nd, ptr, 0);
  starpu_free_on_node_flags(node, (uintptr_t)ptr, count, 0);
  return 0;
}

/* ------------------------------------------------------------------ */
/* node-to-node copies                                                  */

typedef struct nd_cdim {
  uint64_t n;
  int64_t ss, ds; /* byte strides, source and destination */
} nd_cdim;

/* Canonical form of a copy: dims outer..inner, size-1 dims dropped, dims
 * walked in the same direction on both sides, adjacent contiguous dims
 * merged. */
typedef struct nd_plan {
  int k;               /* loop dims in dims[0..k) (outer..inner) */
  nd_cdim dims[LNP_MAXDIM];
  size_t blocksize;    /* bytes copied per innermost call */
  int64_t so, dof;     /* byte offsets of the first block (from dev_handle) */
} nd_plan;

static int cmp_by_dst_desc(const nd_cdim *a, const nd_cdim *b)
{
  int64_t x = llabs(a->ds), y = llabs(b->ds);
  if (x != y)
    return x > y ? -1 : 1;
  x = llabs(a->ss), y = llabs(b->ss);
  return x > y ? -1 : x < y ? 1 : 0;
}
static int cmp_by_src_desc(const nd_cdim *a, const nd_cdim *b)
{
  int64_t x = llabs(a->ss), y = llabs(b->ss);
  if (x != y)
    return x > y ? -1 : 1;
  x = llabs(a->ds), y = llabs(b->ds);
  return x > y ? -1 : x < y ? 1 : 0;
}

static void nd_build_plan(nd_plan *p, const nd_cdim *in, int nin, size_t es, int64_t so, int64_t dof,
                          int (*cmp)(const nd_cdim *, const nd_cdim *))
{
  nd_cdim d[LNP_MAXDIM];
  int n = nin;
  memcpy(d, in, sizeof(nd_cdim) * (size_t)nin);
  /* stable insertion sort, outer (largest stride) first */
  for (int i = 1; i < n; i++) {
    nd_cdim t = d[i];
    int j = i - 1;
    while (j >= 0 && cmp(&d[j], &t) > 0) {
      d[j + 1] = d[j];
      j--;
    }
    d[j + 1] = t;
  }
  /* merge adjacent dims: outer i with inner i+1 */
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (m > 0) {
      nd_cdim *o = &d[m - 1];
      if (o->ss == (int64_t)d[i].n * d[i].ss && o->ds == (int64_t)d[i].n * d[i].ds) {
        o->n *= d[i].n;
        o->ss = d[i].ss;
        o->ds = d[i].ds;
        continue;
      }
    }
    d[m++] = d[i];
  }
  p->blocksize = es;
  if (m > 0 && d[m - 1].ss == (int64_t)es && d[m - 1].ds == (int64_t)es) {
    p->blocksize = (size_t)d[m - 1].n * es;
    m--;
  }
  p->k = m;
  memcpy(p->dims, d, sizeof(nd_cdim) * (size_t)m);
  p->so = so;
  p->dof = dof;
}

/* Number of inner loop dims (0..3) that copy2d/3d/4d can take: strides must
 * be positive and each level must not overlap the one below. */
static int nd_plan_levels(const nd_plan *p)
{
  int lv = 0;
  int64_t below_s = (int64_t)p->blocksize, below_d = (int64_t)p->blocksize;
  for (int i = p->k - 1; i >= 0 && lv < 3; i--) {
    const nd_cdim *c = &p->dims[i];
    if (c->ss <= 0 || c->ds <= 0 || c->ss < below_s || c->ds < below_d)
      break;
    below_s = c->ss * (int64_t)c->n;
    below_d = c->ds * (int64_t)c->n;
    lv++;
  }
  return lv;
}

static int nd_copy_any_to_any(void *src_interface, unsigned src_node, void *dst_interface, unsigned dst_node,
                              void *async_data)
{
  const lnp_nd_interface *src = src_interface;
  const lnp_nd_interface *dst = dst_interface;
  size_t es = dst->elemsize;
  uint64_t total = lnp_nd_nelems(dst);
  size_t bytes = (size_t)total * es;
  int ret = 0;

  STARPU_ASSERT(src->ndim == dst->ndim && src->elemsize == dst->elemsize);
  if (bytes == 0) {
    starpu_interface_data_copy(src_node, dst_node, 0);
    return 0;
  }

  if (nd_is_compact(src) && nd_is_compact(dst)) {
    if (starpu_interface_copy(src->dev_handle, src->offset, src_node, dst->dev_handle, dst->offset, dst_node,
                              bytes, async_data))
      ret = -EAGAIN;
    starpu_interface_data_copy(src_node, dst_node, bytes);
    return ret;
  }

  /* collect the non-trivial dims; walk negative strides forwards when
   * both sides are reversed */
  nd_cdim in[LNP_MAXDIM];
  int nin = 0;
  int64_t so = (int64_t)src->offset, dof = (int64_t)dst->offset;
  for (int d = 0; d < dst->ndim; d++) {
    if (LNP_ND_SHAPE(dst)[d] == 1)
      continue;
    STARPU_ASSERT(LNP_ND_SHAPE(src)[d] == LNP_ND_SHAPE(dst)[d]);
    nd_cdim c = {LNP_ND_SHAPE(dst)[d], LNP_ND_STRIDES(src)[d] * (int64_t)es, LNP_ND_STRIDES(dst)[d] * (int64_t)es};
    if (c.ss < 0 && c.ds < 0) {
      so += ((int64_t)c.n - 1) * c.ss;
      dof += ((int64_t)c.n - 1) * c.ds;
      c.ss = -c.ss;
      c.ds = -c.ds;
    }
    in[nin++] = c;
  }

  /* two candidate loop orders; keep the one with the bigger inner block */
  nd_plan pa, pb, *p;
  nd_build_plan(&pa, in, nin, es, so, dof, cmp_by_dst_desc);
  nd_build_plan(&pb, in, nin, es, so, dof, cmp_by_src_desc);
  p = &pa;
  if (pb.blocksize > pa.blocksize ||
      (pb.blocksize == pa.blocksize && nd_plan_levels(&pb) > nd_plan_levels(&pa)))
    p = &pb;

  int lv = nd_plan_levels(p);
  int nouter = p->k - lv;
  const nd_cdim *L = &p->dims[nouter]; /* the lv inner loop dims, outer..inner */
  uint64_t idx[LNP_MAXDIM] = {0};
  uint64_t ncalls = 1;
  for (int i = 0; i < nouter; i++)
    ncalls *= p->dims[i].n;

  for (uint64_t c = 0; c < ncalls; c++) {
    int64_t s_off = p->so, d_off = p->dof;
    for (int i = 0; i < nouter; i++) {
      s_off += (int64_t)idx[i] * p->dims[i].ss;
      d_off += (int64_t)idx[i] * p->dims[i].ds;
    }
    STARPU_ASSERT(s_off >= 0 && d_off >= 0);
    int r;
    switch (lv) {
    case 0:
      r = starpu_interface_copy(src->dev_handle, (size_t)s_off, src_node, dst->dev_handle, (size_t)d_off, dst_node,
                                p->blocksize, async_data);
      break;
    case 1:
      r = starpu_interface_copy2d(src->dev_handle, (size_t)s_off, src_node, dst->dev_handle, (size_t)d_off,
                                  dst_node, p->blocksize, L[0].n, (size_t)L[0].ss, (size_t)L[0].ds, async_data);
      break;
    case 2:
      r = starpu_interface_copy3d(src->dev_handle, (size_t)s_off, src_node, dst->dev_handle, (size_t)d_off,
                                  dst_node, p->blocksize, L[1].n, (size_t)L[1].ss, (size_t)L[1].ds, L[0].n,
                                  (size_t)L[0].ss, (size_t)L[0].ds, async_data);
      break;
    default:
      r = starpu_interface_copy4d(src->dev_handle, (size_t)s_off, src_node, dst->dev_handle, (size_t)d_off,
                                  dst_node, p->blocksize, L[2].n, (size_t)L[2].ss, (size_t)L[2].ds, L[1].n,
                                  (size_t)L[1].ss, (size_t)L[1].ds, L[0].n, (size_t)L[0].ss, (size_t)L[0].ds,
                                  async_data);
      break;
    }
    if (r)
      ret = -EAGAIN;
    for (int i = nouter - 1; i >= 0; i--) {
      if (++idx[i] < p->dims[i].n)
        break;
      idx[i] = 0;
    }
  }

  starpu_interface_data_copy(src_node, dst_node, bytes);
  return ret;
}

static const struct starpu_data_copy_methods nd_copy_methods = {
    .any_to_any = nd_copy_any_to_any,
};

#define ND_OPS(cap_)                                                                                       \
  {                                                                                                        \
    .register_data_handle = nd_register_data_handle, .allocate_data_on_node = nd_allocate_data_on_node,    \
    .free_data_on_node = nd_free_data_on_node, .copy_methods = &nd_copy_methods,                           \
    .to_pointer = nd_to_pointer, .pointer_is_inside = nd_pointer_is_inside, .get_size = nd_get_size,        \
    .get_alloc_size = nd_get_alloc_size, .footprint = nd_footprint, .compare = nd_compare,                 \
    .display = nd_display, .describe = nd_describe, .interfaceid = STARPU_UNKNOWN_INTERFACE_ID,            \
    .interface_size = ND_IFACE_SIZE(cap_), .pack_data = nd_pack_data, .unpack_data = nd_unpack_data,        \
    .name = "LNP_ND_INTERFACE_" #cap_,                                                                     \
  }

/* The classes, smallest first (see nd_interface.h); the last one, for
 * LNP_MAXDIM dims, is lnp_nd_interface_ops. */
#define ND_NCLASSES 4
static const int nd_class_cap[ND_NCLASSES] = {2, 4, 8, LNP_MAXDIM};
static struct starpu_data_interface_ops nd_class_ops[ND_NCLASSES - 1] = {ND_OPS(2), ND_OPS(4), ND_OPS(8)};
struct starpu_data_interface_ops lnp_nd_interface_ops = ND_OPS(LNP_MAXDIM);

static struct starpu_data_interface_ops *nd_ops_of_class(int c)
{
  return c < ND_NCLASSES - 1 ? &nd_class_ops[c] : &lnp_nd_interface_ops;
}

static int nd_class_of(int ndim)
{
  int c = 0;
  while (c < ND_NCLASSES - 1 && nd_class_cap[c] < ndim) c++;
  return c;
}

static pthread_once_t nd_id_once = PTHREAD_ONCE_INIT;

static void nd_id_init(void)
{
  for (int c = 0; c < ND_NCLASSES; c++)
    nd_ops_of_class(c)->interfaceid = (enum starpu_data_interface_id)starpu_data_interface_get_next_id();
  nd_describe_traced = starpu_fxt_is_enabled();
}

enum starpu_data_interface_id lnp_nd_interface_id(void)
{
  pthread_once(&nd_id_once, nd_id_init);
  return lnp_nd_interface_ops.interfaceid;
}

int lnp_nd_is_tile(starpu_data_handle_t h)
{
  pthread_once(&nd_id_once, nd_id_init);
  const enum starpu_data_interface_id id = starpu_data_get_interface_id(h);
  for (int c = 0; c < ND_NCLASSES; c++)
    if (nd_ops_of_class(c)->interfaceid == id) return 1;
  return 0;
}

void lnp_nd_init(lnp_nd_interface *nd, int ndim, const uint64_t *shape, size_t elemsize, int dtype)
{
  STARPU_ASSERT_MSG(ndim >= 0 && ndim <= LNP_MAXDIM, "lnp_nd_init: ndim %d out of range", ndim);
  pthread_once(&nd_id_once, nd_id_init);
  memset(nd, 0, sizeof(*nd));
  const int c = nd_class_of(ndim);
  nd->id = nd_ops_of_class(c)->interfaceid;
  nd->cap = nd_class_cap[c];
  nd->elemsize = elemsize;
  nd->ndim = ndim;
  nd->dtype = dtype;
  for (int d = 0; d < ndim; d++)
    LNP_ND_SHAPE(nd)[d] = shape[d];
}

void lnp_nd_register(starpu_data_handle_t *handle, int home_node, uintptr_t ptr, int ndim, const uint64_t *shape,
                     const int64_t *strides, size_t elemsize, int dtype)
{
  STARPU_ASSERT_MSG(ndim >= 0 && ndim <= LNP_MAXDIM, "lnp_nd_register: ndim %d out of range", ndim);
  STARPU_ASSERT(elemsize > 0);
  lnp_nd_interface nd;
  lnp_nd_init(&nd, ndim, shape, elemsize, dtype);
  if (home_node >= 0 && strides) {
    for (int d = 0; d < ndim; d++)
      LNP_ND_STRIDES(&nd)[d] = strides[d];
  } else {
    nd_compact_strides(&nd);
  }
  if (home_node >= 0) {
    STARPU_ASSERT_MSG(ptr != 0 || lnp_nd_nelems(&nd) == 0, "lnp_nd_register: home node %d without a pointer",
                      home_node);
    int64_t lo, hi;
    nd_extent(&nd, &lo, &hi);
    nd.ptr = ptr;
    nd.dev_handle = (uintptr_t)((intptr_t)ptr + lo);
    nd.offset = (size_t)(-lo);
  }
  starpu_data_register(handle, home_node, &nd, nd_ops_of_class(nd_class_of(ndim)));
}
