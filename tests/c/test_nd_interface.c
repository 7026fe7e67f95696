/* Unit test of the N-D tile data interface (data-interfaces/nd_interface.c).
 *
 * Runs with CPU workers only (STARPU_NCPU=2).  Covers: registration with home
 * -1 and over host memory (compact, padded, stepped, transposed, reversed),
 * 0-d and empty tiles, tasks writing and reading tiles, pack/unpack round
 * trips, the any_to_any copy method called directly between interfaces
 * (random layouts up to 7-D) and from a task between tiles of two layouts, a real node-to-node transfer through an out-of-core disk node
 * (RAM -> disk -> RAM of a strided host tile), footprint/compare, the
 * allocation cache keeping dtype right, describe/display.
 * Prints "N passed, M failed"; exits non-zero on failure. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <starpu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../data-interfaces/nd_interface.h"

#include "check.h"

/* ------------------------------------------------------------------ */
/* element walking                                                      */

/* Calls fn(linear C-order index, element byte offset from element 0). */
typedef void (*walk_fn)(uint64_t lin, int64_t off, void *arg);

static void walk(int ndim, const uint64_t *shape, const int64_t *stride, size_t es, walk_fn fn, void *arg)
{
  uint64_t total = 1;
  for (int d = 0; d < ndim; d++)
    total *= shape[d];
  uint64_t idx[LNP_MAXDIM] = {0};
  for (uint64_t lin = 0; lin < total; lin++) {
    int64_t off = 0;
    for (int d = 0; d < ndim; d++)
      off += (int64_t)idx[d] * stride[d] * (int64_t)es;
    fn(lin, off, arg);
    for (int d = ndim - 1; d >= 0; d--) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
}

static double value_of(double base, uint64_t lin) { return base + (double)lin * 0.5; }

struct fill_arg {
  char *p;
  double base;
  long bad;
  double add;
};

static void fill_fn(uint64_t lin, int64_t off, void *a_)
{
  struct fill_arg *a = a_;
  *(double *)(a->p + off) = value_of(a->base, lin);
}
static void add_fn(uint64_t lin, int64_t off, void *a_)
{
  (void)lin;
  struct fill_arg *a = a_;
  *(double *)(a->p + off) += a->add;
}
static void check_fn(uint64_t lin, int64_t off, void *a_)
{
  struct fill_arg *a = a_;
  if (*(double *)(a->p + off) != value_of(a->base, lin))
    a->bad++;
}

static long check_iface(const lnp_nd_interface *nd, double base)
{
  struct fill_arg a = {(char *)nd->ptr, base, 0, 0};
  walk(nd->ndim, LNP_ND_SHAPE(nd), LNP_ND_STRIDES(nd), nd->elemsize, check_fn, &a);
  return a.bad;
}

/* ------------------------------------------------------------------ */
/* codelets: fill (W) and add (RW) through the interface's layout       */

static void fill_cpu(void *descr[], void *cl_arg)
{
  lnp_nd_interface *nd = descr[0];
  double base;
  starpu_codelet_unpack_args(cl_arg, &base);
  struct fill_arg a = {LNP_ND_GET_PTR(nd), base, 0, 0};
  walk(nd->ndim, LNP_ND_SHAPE(nd), LNP_ND_STRIDES(nd), nd->elemsize, fill_fn, &a);
}

static void add_cpu(void *descr[], void *cl_arg)
{
  lnp_nd_interface *nd = descr[0];
  double add;
  starpu_codelet_unpack_args(cl_arg, &add);
  struct fill_arg a = {LNP_ND_GET_PTR(nd), 0, 0, add};
  walk(nd->ndim, LNP_ND_SHAPE(nd), LNP_ND_STRIDES(nd), nd->elemsize, add_fn, &a);
}

static struct starpu_codelet fill_cl = {
    .cpu_funcs = {fill_cpu},
    .nbuffers = 1,
    .modes = {STARPU_W},
    .name = "test_nd_fill",
};
static struct starpu_codelet add_cl = {
    .cpu_funcs = {add_cpu},
    .nbuffers = 1,
    .modes = {STARPU_RW},
    .name = "test_nd_add",
};

static void submit_fill(starpu_data_handle_t h, double base)
{
  int ret = starpu_task_insert(&fill_cl, STARPU_W, h, STARPU_VALUE, &base, sizeof(base), 0);
  STARPU_CHECK_RETURN_VALUE(ret, "starpu_task_insert");
}
static void submit_add(starpu_data_handle_t h, double add)
{
  int ret = starpu_task_insert(&add_cl, STARPU_RW, h, STARPU_VALUE, &add, sizeof(add), 0);
  STARPU_CHECK_RETURN_VALUE(ret, "starpu_task_insert");
}

static lnp_nd_interface *main_iface(starpu_data_handle_t h)
{
  return starpu_data_get_interface_on_node(h, STARPU_MAIN_RAM);
}

/* ------------------------------------------------------------------ */
/* host buffers with a layout                                           */

/* A tile view into a padded host buffer: element 0 at buf + off0 bytes. */
typedef struct hostview {
  int ndim;
  uint64_t shape[LNP_MAXDIM];
  int64_t stride[LNP_MAXDIM]; /* elements */
  size_t es;
  unsigned char *buf;
  size_t bufsize;
  int64_t off0;
} hostview;

/* Layout kinds: 0 compact, 1 padded (each dim padded by 1..2), 2 stepped
 * (inner stride 2), 3 transposed (Fortran order), 4 reversed (all strides
 * negative, padded), 5 random permutation + padding + random signs. */
static void make_view(hostview *v, int ndim, const uint64_t *shape, size_t es, int kind, unsigned *seed)
{
  memset(v, 0, sizeof(*v));
  v->ndim = ndim;
  v->es = es;
  for (int d = 0; d < ndim; d++)
    v->shape[d] = shape[d];
  int perm[LNP_MAXDIM];
  for (int d = 0; d < ndim; d++)
    perm[d] = d;
  if (kind == 3)
    for (int d = 0; d < ndim; d++)
      perm[d] = ndim - 1 - d;
  if (kind == 5)
    for (int d = ndim - 1; d > 0; d--) {
      int j = (int)(rand_r(seed) % (unsigned)(d + 1));
      int t = perm[d];
      perm[d] = perm[j];
      perm[j] = t;
    }
  /* perm[0] is the slowest dim, perm[ndim-1] the fastest */
  int64_t s = (kind == 2) ? 2 : 1;
  for (int i = ndim - 1; i >= 0; i--) {
    int d = perm[i];
    v->stride[d] = s;
    uint64_t ext = shape[d];
    if (kind == 1 || kind == 4 || kind == 5)
      ext += 1 + (kind == 5 ? rand_r(seed) % 2 : 0);
    s *= (int64_t)(ext ? ext : 1);
  }
  int64_t lo = 0, hi = 0;
  for (int d = 0; d < ndim; d++) {
    int neg = (kind == 4) || (kind == 5 && rand_r(seed) % 3 == 0);
    if (neg)
      v->stride[d] = -v->stride[d];
    int64_t span = ((int64_t)(shape[d] ? shape[d] : 1) - 1) * v->stride[d];
    if (span < 0)
      lo += span;
    else
      hi += span;
  }
  /* pad 3 elements before and after */
  v->bufsize = (size_t)(hi - lo + 1 + 6) * es;
  v->buf = malloc(v->bufsize);
  memset(v->buf, 0xA5, v->bufsize);
  v->off0 = (3 - lo) * (int64_t)es;
}

/* Bytes of the buffer that are not elements of the view must keep 0xA5. */
static long padding_damage(const hostview *v)
{
  unsigned char *bm = calloc(v->bufsize, 1);
  uint64_t total = 1;
  for (int d = 0; d < v->ndim; d++)
    total *= v->shape[d];
  uint64_t idx[LNP_MAXDIM] = {0};
  for (uint64_t lin = 0; lin < total; lin++) {
    int64_t off = v->off0;
    for (int d = 0; d < v->ndim; d++)
      off += (int64_t)idx[d] * v->stride[d] * (int64_t)v->es;
    memset(bm + off, 1, v->es);
    for (int d = v->ndim - 1; d >= 0; d--) {
      if (++idx[d] < v->shape[d])
        break;
      idx[d] = 0;
    }
  }
  long bad = 0;
  for (size_t i = 0; i < v->bufsize; i++)
    if (!bm[i] && v->buf[i] != 0xA5)
      bad++;
  free(bm);
  return bad;
}

static long view_check(const hostview *v, double base)
{
  struct fill_arg a = {(char *)v->buf + v->off0, base, 0, 0};
  walk(v->ndim, v->shape, v->stride, v->es, check_fn, &a);
  return a.bad;
}
static void view_fill(const hostview *v, double base)
{
  struct fill_arg a = {(char *)v->buf + v->off0, base, 0, 0};
  walk(v->ndim, v->shape, v->stride, v->es, fill_fn, &a);
}

static void register_view(starpu_data_handle_t *h, const hostview *v)
{
  lnp_nd_register(h, STARPU_MAIN_RAM, (uintptr_t)(v->buf + v->off0), v->ndim, v->shape, v->stride, v->es,
                  LNP_FLOAT64);
}

/* An interface struct over a host view, as register would build it. */
static void iface_of_view(lnp_nd_interface *nd, const hostview *v)
{
  lnp_nd_init(nd, v->ndim, v->shape, v->es, LNP_UINT8);
  memcpy(LNP_ND_STRIDES(nd), v->stride, sizeof(int64_t) * (size_t)v->ndim);
  nd->ptr = (uintptr_t)(v->buf + v->off0);
  nd->dev_handle = (uintptr_t)v->buf;
  nd->offset = (size_t)v->off0;
}

static const char *kind_name[] = {"compact", "padded", "stepped", "transposed", "reversed", "random"};

/* ------------------------------------------------------------------ */
/* tests                                                                */

static const uint64_t shapes[][6] = {
    {0}, /* 0-d */
    {7}, {3, 4}, {2, 3, 4}, {2, 1, 3, 2}, {2, 2, 1, 3, 2},
};
static const int shape_ndim[] = {0, 1, 2, 3, 4, 5};

static void test_lazy_tiles(void)
{
  for (int t = 0; t < 6; t++) {
    starpu_data_handle_t h;
    lnp_nd_register(&h, -1, 0, shape_ndim[t], shapes[t], NULL, sizeof(double), LNP_FLOAT64);
    CHECK(starpu_data_get_size(h) == lnp_nd_nelems(main_iface(h)) * sizeof(double), "size ndim %d", shape_ndim[t]);
    submit_fill(h, 10.0 * t);
    submit_add(h, 1.0);
    starpu_data_acquire(h, STARPU_R);
    lnp_nd_interface *nd = main_iface(h);
    CHECK(nd->ptr != 0, "lazy tile allocated on MAIN_RAM (ndim %d)", nd->ndim);
    CHECK(check_iface(nd, 10.0 * t + 1.0) == 0, "lazy tile values ndim %d", nd->ndim);
    /* the elements and their slack (nd_interface.h lnp_nd_pad_bytes), which
     * StarPU's get_alloc_size reports alike */
    const size_t data = lnp_nd_nelems(nd) * sizeof(double);
    const size_t want = data + lnp_nd_pad_bytes(nd->ndim, nd->ndim >= 2 ? LNP_ND_SHAPE(nd)[nd->ndim - 1] : 0,
                                                sizeof(double), data);
    CHECK(nd->allocsize == want, "allocsize %zu (want %zu)", nd->allocsize, want);
    CHECK(starpu_data_get_alloc_size(h) == want, "get_alloc_size %zu", starpu_data_get_alloc_size(h));
    CHECK(starpu_data_handle_to_pointer(h, STARPU_MAIN_RAM) == (void *)nd->ptr, "to_pointer");
    int64_t s = 1, okstride = 1;
    for (int d = nd->ndim - 1; d >= 0; d--) {
      okstride &= LNP_ND_STRIDES(nd)[d] == s;
      s *= (int64_t)LNP_ND_SHAPE(nd)[d];
    }
    CHECK(okstride, "lazy tile compact strides (ndim %d)", nd->ndim);
    starpu_data_release(h);
    starpu_data_unregister(h);
  }
  /* empty tiles (a zero extent), lazy and over host memory */
  uint64_t eshape[3] = {3, 0, 2};
  starpu_data_handle_t h;
  lnp_nd_register(&h, -1, 0, 3, eshape, NULL, sizeof(double), LNP_FLOAT64);
  CHECK(starpu_data_get_size(h) == 0, "empty size %zu", starpu_data_get_size(h));
  submit_fill(h, 1.0);
  submit_add(h, 1.0);
  starpu_data_acquire(h, STARPU_RW);
  CHECK(main_iface(h)->ptr != 0, "empty lazy tile has a pointer");
  void *pk = NULL;
  starpu_ssize_t cnt = -1;
  starpu_data_pack(h, &pk, &cnt);
  CHECK(cnt == 0 && pk != NULL, "empty pack count %zd", cnt);
  starpu_data_unpack(h, pk, 0);
  starpu_data_release(h);
  starpu_data_unregister(h);

  double dummy = 42.0;
  lnp_nd_register(&h, STARPU_MAIN_RAM, (uintptr_t)&dummy, 3, eshape, NULL, sizeof(double), LNP_FLOAT64);
  submit_add(h, 1.0);
  starpu_task_wait_for_all();
  starpu_data_unregister(h);
  CHECK(dummy == 42.0, "empty host tile untouched");
}

/* host-memory tiles of every layout kind, 0-d..5-d: task RW, pack/unpack */
static void test_host_tiles(void)
{
  unsigned seed = 1234;
  for (int kind = 0; kind < 6; kind++) {
    for (int t = 0; t < 6; t++) {
      hostview v;
      make_view(&v, shape_ndim[t], shapes[t], sizeof(double), kind, &seed);
      double base = 100.0 * kind + t;
      view_fill(&v, base);
      starpu_data_handle_t h;
      register_view(&h, &v);
      lnp_nd_interface *nd = main_iface(h);
      CHECK(nd->ptr == (uintptr_t)(v.buf + v.off0), "home ptr");
      CHECK(nd->dev_handle + nd->offset == nd->ptr, "home dev_handle+offset");
      CHECK(memcmp(LNP_ND_STRIDES(nd), v.stride, sizeof(int64_t) * (size_t)v.ndim) == 0, "home strides kept");
      submit_add(h, 1.0);
      starpu_data_acquire(h, STARPU_R);
      CHECK(check_iface(main_iface(h), base + 1.0) == 0, "%s %d-d task values", kind_name[kind], v.ndim);

      /* pack: contiguous C-order copy of the values */
      void *pk = NULL;
      starpu_ssize_t cnt = -1;
      starpu_data_pack(h, NULL, &cnt);
      CHECK(cnt == (starpu_ssize_t)(lnp_nd_nelems(nd) * sizeof(double)), "pack size");
      starpu_data_pack(h, &pk, &cnt);
      long bad = 0;
      for (uint64_t i = 0; i < lnp_nd_nelems(nd); i++)
        bad += ((double *)pk)[i] != value_of(base + 1.0, i);
      CHECK(bad == 0, "%s %d-d pack values (%ld bad)", kind_name[kind], v.ndim, bad);
      starpu_data_release(h);

      /* unpack new values */
      for (uint64_t i = 0; i < lnp_nd_nelems(nd); i++)
        ((double *)pk)[i] = value_of(base + 7.0, i);
      starpu_data_acquire(h, STARPU_W);
      starpu_data_unpack(h, pk, (size_t)cnt); /* frees pk */
      starpu_data_release(h);
      starpu_data_unregister(h);
      CHECK(view_check(&v, base + 7.0) == 0, "%s %d-d unpack values", kind_name[kind], v.ndim);
      CHECK(padding_damage(&v) == 0, "%s %d-d padding intact", kind_name[kind], v.ndim);
      free(v.buf);
    }
  }
}

/* any_to_any called directly on RAM: random layouts, 1..7 dims, odd
 * element sizes; both directions and strided->strided. */
static void test_any_to_any_direct(void)
{
  unsigned seed = 99;
  int cases = 0, bad_cases = 0;
  const size_t ess[] = {1, 2, 3, 8, 16};
  for (int iter = 0; iter < 600; iter++) {
    int ndim = 1 + (int)(rand_r(&seed) % 7);
    uint64_t shape[LNP_MAXDIM];
    for (int d = 0; d < ndim; d++)
      shape[d] = 1 + rand_r(&seed) % 4;
    if (iter % 50 == 49)
      shape[rand_r(&seed) % (unsigned)ndim] = 0; /* empty */
    size_t es = ess[rand_r(&seed) % 5];
    int ks = (int)(rand_r(&seed) % 6), kd = (iter % 3 == 0) ? 0 : (int)(rand_r(&seed) % 6);
    if (iter % 3 == 1)
      ks = 0; /* compact source -> strided destination */
    hostview vs, vd;
    make_view(&vs, ndim, shape, es, ks, &seed);
    make_view(&vd, ndim, shape, es, kd, &seed);
    for (size_t i = 0; i < vs.bufsize; i++)
      vs.buf[i] = (unsigned char)rand_r(&seed);
    lnp_nd_interface s, d;
    iface_of_view(&s, &vs);
    iface_of_view(&d, &vd);
    int r = lnp_nd_interface_ops.copy_methods->any_to_any(&s, STARPU_MAIN_RAM, &d, STARPU_MAIN_RAM, NULL);
    /* compare element by element */
    uint64_t total = lnp_nd_nelems(&s);
    uint64_t idx[LNP_MAXDIM] = {0};
    long bad = 0;
    for (uint64_t lin = 0; lin < total; lin++) {
      int64_t os = vs.off0, od = vd.off0;
      for (int k = 0; k < ndim; k++) {
        os += (int64_t)idx[k] * vs.stride[k] * (int64_t)es;
        od += (int64_t)idx[k] * vd.stride[k] * (int64_t)es;
      }
      bad += memcmp(vs.buf + os, vd.buf + od, es) != 0;
      for (int k = ndim - 1; k >= 0; k--) {
        if (++idx[k] < shape[k])
          break;
        idx[k] = 0;
      }
    }
    long dmg = padding_damage(&vd);
    cases++;
    if (r != 0 || bad || dmg) {
      bad_cases++;
      fprintf(stderr, "  any_to_any case %d: ndim %d es %zu %s -> %s: ret %d, %ld bad elements, %ld padding bytes\n",
              iter, ndim, es, kind_name[ks], kind_name[kd], r, bad, dmg);
    }
    free(vs.buf);
    free(vd.buf);
  }
  CHECK(bad_cases == 0, "%d of %d any_to_any cases wrong", bad_cases, cases);
}

/* A copy task between two tiles of any layout, calling any_to_any on the
 * interfaces StarPU hands to the task (what starpu_data_cpy does for built-in
 * interfaces: in 1.3.10 starpu_data_cpy aborts on custom interfaces, as
 * _starpu_data_interface_get_ops only knows the built-in ids). */
static void copy_cpu(void *descr[], void *cl_arg)
{
  (void)cl_arg;
  unsigned node = starpu_worker_get_local_memory_node();
  int r = lnp_nd_interface_ops.copy_methods->any_to_any(descr[1], node, descr[0], node, NULL);
  STARPU_ASSERT(r == 0);
}
static struct starpu_codelet copy_cl = {
    .cpu_funcs = {copy_cpu},
    .nbuffers = 2,
    .modes = {STARPU_W, STARPU_R},
    .name = "test_nd_copy",
};
static void submit_copy(starpu_data_handle_t dst, starpu_data_handle_t src)
{
  int ret = starpu_task_insert(&copy_cl, STARPU_W, dst, STARPU_R, src, 0);
  STARPU_CHECK_RETURN_VALUE(ret, "starpu_task_insert");
}

static void test_data_cpy(void)
{
  unsigned seed = 7;
  for (int kind = 1; kind < 6; kind++) {
    uint64_t shape[4] = {3, 2, 4, 5};
    hostview a, b;
    make_view(&a, 4, shape, sizeof(double), kind, &seed);
    make_view(&b, 4, shape, sizeof(double), (kind % 5) + 1, &seed);
    view_fill(&a, 5.0 * kind);
    starpu_data_handle_t ha, hb, hl;
    register_view(&ha, &a);
    register_view(&hb, &b);
    lnp_nd_register(&hl, -1, 0, 4, shape, NULL, sizeof(double), LNP_FLOAT64);
    submit_copy(hl, ha);
    submit_add(hl, 2.0);
    submit_copy(hb, hl);
    starpu_data_acquire(hl, STARPU_R);
    CHECK(check_iface(main_iface(hl), 5.0 * kind + 2.0) == 0, "copy task %s -> lazy", kind_name[kind]);
    starpu_data_release(hl);
    starpu_data_unregister(ha);
    starpu_data_unregister(hb);
    starpu_data_unregister(hl);
    CHECK(view_check(&b, 5.0 * kind + 2.0) == 0, "copy task lazy -> %s", kind_name[(kind % 5) + 1]);
    CHECK(padding_damage(&b) == 0, "copy task padding of %s", kind_name[(kind % 5) + 1]);
    free(a.buf);
    free(b.buf);
  }
}

/* Real replicas without a GPU: an out-of-core disk node is a second memory
 * node, and StarPU moves data to and from it with our any_to_any.  A strided
 * host tile is acquired RW on the disk node (gather into a compact disk
 * replica; the host copy becomes invalid), its host elements are clobbered,
 * and acquiring it on MAIN_RAM scatters the disk copy back. */
static char disk_dir[] = "/tmp/lnp-nd-disk-XXXXXX";

static void test_disk_replica(void)
{
  char *dir = disk_dir;
  if (!mkdtemp(dir)) {
    fprintf(stderr, "  (disk test skipped: mkdtemp failed)\n");
    return;
  }
  int disk = starpu_disk_register(&starpu_disk_unistd_ops, dir, 64 * 1024 * 1024);
  if (disk < 0) {
    fprintf(stderr, "  (disk test skipped: starpu_disk_register returned %d)\n", disk);
    rmdir(dir);
    disk_dir[0] = 0;
    return;
  }
  unsigned seed = 3;
  for (int kind = 0; kind < 6; kind++) {
    uint64_t shape[3] = {4, 3, 5};
    hostview v;
    make_view(&v, 3, shape, sizeof(double), kind, &seed);
    view_fill(&v, 1000.0 + kind);
    starpu_data_handle_t h;
    register_view(&h, &v);
    int ret = starpu_data_acquire_on_node(h, disk, STARPU_RW);
    CHECK(ret == 0, "acquire on disk node");
    lnp_nd_interface *dn = starpu_data_get_interface_on_node(h, (unsigned)disk);
    CHECK(dn->dev_handle != 0, "disk replica allocated");
    int64_t s = 1, okstride = 1;
    for (int d = dn->ndim - 1; d >= 0; d--) {
      okstride &= LNP_ND_STRIDES(dn)[d] == s;
      s *= (int64_t)LNP_ND_SHAPE(dn)[d];
    }
    CHECK(okstride, "disk replica compact");
    starpu_data_release_on_node(h, disk);
    /* the host copy is now invalid: clobber its elements */
    view_fill(&v, -1.0);
    starpu_data_acquire(h, STARPU_R);
    CHECK(check_iface(main_iface(h), 1000.0 + kind) == 0, "disk round trip values (%s)", kind_name[kind]);
    starpu_data_release(h);
    starpu_data_unregister(h);
    CHECK(view_check(&v, 1000.0 + kind) == 0, "disk round trip host memory (%s)", kind_name[kind]);
    CHECK(padding_damage(&v) == 0, "disk round trip padding (%s)", kind_name[kind]);
    free(v.buf);
  }
  /* lazy tile written on RAM, evicted to disk, read back */
  uint64_t shape2[2] = {6, 7};
  starpu_data_handle_t h;
  lnp_nd_register(&h, -1, 0, 2, shape2, NULL, sizeof(double), LNP_FLOAT64);
  submit_fill(h, 3.0);
  starpu_data_acquire_on_node(h, disk, STARPU_RW);
  starpu_data_release_on_node(h, disk);
  submit_add(h, 1.0);
  starpu_data_acquire(h, STARPU_R);
  CHECK(check_iface(main_iface(h), 4.0) == 0, "lazy tile through disk");
  starpu_data_release(h);
  starpu_data_unregister(h);
}

static void test_footprint_compare(void)
{
  unsigned seed = 5;
  uint64_t s1[3] = {3, 4, 5}, s2[3] = {3, 5, 4}, s3[2] = {12, 5};
  hostview v;
  make_view(&v, 3, s1, sizeof(double), 5, &seed);
  starpu_data_handle_t a, b, c, d, e, f;
  register_view(&a, &v);                                            /* strided host */
  lnp_nd_register(&b, -1, 0, 3, s1, NULL, sizeof(double), LNP_FLOAT64); /* same shape, lazy */
  lnp_nd_register(&c, -1, 0, 3, s2, NULL, sizeof(double), LNP_FLOAT64); /* permuted shape */
  lnp_nd_register(&d, -1, 0, 2, s3, NULL, sizeof(double), LNP_FLOAT64); /* same nelems, 2-d */
  lnp_nd_register(&e, -1, 0, 3, s1, NULL, sizeof(float), LNP_FLOAT32);  /* other elemsize */
  lnp_nd_register(&f, -1, 0, 3, s1, NULL, sizeof(double), LNP_INT64);   /* other dtype */
  uint32_t (*fp)(starpu_data_handle_t) = lnp_nd_interface_ops.footprint;
  int (*cmp)(void *, void *) = lnp_nd_interface_ops.compare;
  CHECK(fp(a) == fp(b), "footprint ignores layout");
  CHECK(fp(a) != fp(c), "footprint sees shape order");
  CHECK(fp(a) != fp(d), "footprint sees ndim");
  CHECK(fp(a) != fp(e), "footprint sees elemsize");
  CHECK(cmp(main_iface(a), main_iface(b)) == 1, "compare equal shapes");
  CHECK(cmp(main_iface(a), main_iface(c)) == 0, "compare shapes differ");
  CHECK(cmp(main_iface(a), main_iface(d)) == 0, "compare ndim differ");
  CHECK(cmp(main_iface(a), main_iface(e)) == 0, "compare elemsize differ");
  CHECK(cmp(main_iface(b), main_iface(f)) == 0, "compare dtype differ");
  CHECK(lnp_nd_is_tile(a) && lnp_nd_is_tile(e), "interface id");
  CHECK(lnp_nd_interface_id() != STARPU_UNKNOWN_INTERFACE_ID && lnp_nd_interface_id() >= STARPU_MAX_INTERFACE_ID,
        "dynamic interface id %d", (int)lnp_nd_interface_id());

  /* pointer_is_inside on the strided home */
  lnp_nd_interface *na = main_iface(a);
  int (*inside)(void *, unsigned, void *) = lnp_nd_interface_ops.pointer_is_inside;
  CHECK(inside(na, STARPU_MAIN_RAM, (void *)na->ptr), "pointer_is_inside element 0");
  CHECK(!inside(na, STARPU_MAIN_RAM, v.buf), "pointer_is_inside padding before");
  CHECK(!inside(na, STARPU_MAIN_RAM, v.buf + v.bufsize - 1), "pointer_is_inside padding after");

  /* describe / display */
  char buf[128];
  starpu_ssize_t n = lnp_nd_interface_ops.describe(main_iface(b), buf, sizeof(buf));
  CHECK(strcmp(buf, "ND3x4x5_float64") == 0 && n == (starpu_ssize_t)strlen(buf), "describe '%s'", buf);
  uint64_t none[1] = {0};
  starpu_data_handle_t z;
  lnp_nd_register(&z, -1, 0, 0, none, NULL, sizeof(int32_t), LNP_INT32);
  lnp_nd_interface_ops.describe(main_iface(z), buf, sizeof(buf));
  CHECK(strcmp(buf, "ND_int32") == 0, "describe 0-d '%s'", buf);
  n = lnp_nd_interface_ops.describe(main_iface(b), buf, 4);
  CHECK(strcmp(buf, "ND3") == 0 && n == 15, "describe truncated '%s' %zd", buf, n);
  char *mem = NULL;
  size_t memlen = 0;
  FILE *fm = open_memstream(&mem, &memlen);
  lnp_nd_interface_ops.display(b, fm);
  fclose(fm);
  CHECK(strcmp(mem, "3\t4\t5\t8\t") == 0, "display '%s'", mem);
  free(mem);

  starpu_data_unregister(a);
  starpu_data_unregister(b);
  starpu_data_unregister(c);
  starpu_data_unregister(d);
  starpu_data_unregister(e);
  starpu_data_unregister(f);
  starpu_data_unregister(z);
  free(v.buf);
}

/* The allocation cache hands out a previous handle's interface verbatim:
 * make sure a reused buffer keeps the new tile's description. */
static void test_alloc_cache(void)
{
  uint64_t shape[2] = {16, 16};
  for (int round = 0; round < 3; round++) {
    starpu_data_handle_t h1, h2;
    lnp_nd_register(&h1, -1, 0, 2, shape, NULL, 8, LNP_FLOAT64);
    submit_fill(h1, 1.0);
    starpu_task_wait_for_all();
    starpu_data_unregister(h1);
    int dt = round == 1 ? LNP_FLOAT64 : LNP_INT64;
    lnp_nd_register(&h2, -1, 0, 2, shape, NULL, 8, dt);
    submit_fill(h2, 2.0);
    starpu_data_acquire(h2, STARPU_R);
    lnp_nd_interface *nd = main_iface(h2);
    CHECK(nd->dtype == dt, "dtype after allocation (round %d): %d", round, nd->dtype);
    CHECK(nd->ndim == 2 && LNP_ND_SHAPE(nd)[0] == 16 && LNP_ND_STRIDES(nd)[0] == 16 && LNP_ND_STRIDES(nd)[1] == 1, "layout after reuse");
    CHECK(check_iface(nd, 2.0) == 0, "values after reuse");
    starpu_data_release(h2);
    starpu_data_unregister(h2);
  }
}

int main(void)
{
  if (!getenv("STARPU_NCPU"))
    setenv("STARPU_NCPU", "2", 1);
  struct starpu_conf conf;
  starpu_conf_init(&conf);
  conf.ncuda = 0;
  conf.nopencl = 0;
  int ret = starpu_init(&conf);
  if (ret == -ENODEV) {
    fprintf(stderr, "no StarPU worker\n");
    return 77;
  }
  STARPU_CHECK_RETURN_VALUE(ret, "starpu_init");

  test_lazy_tiles();
  test_host_tiles();
  test_any_to_any_direct();
  test_data_cpy();
  test_footprint_compare();
  test_alloc_cache();
  test_disk_replica();

  starpu_task_wait_for_all();
  starpu_shutdown();
  if (strncmp(disk_dir, "/tmp/lnp-nd-disk-", 17) == 0 && strcmp(disk_dir + 17, "XXXXXX") != 0)
    rmdir(disk_dir); /* StarPU removed its files at shutdown */
  return check_report();
}
