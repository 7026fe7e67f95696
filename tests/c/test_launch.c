/* Launcher tests: tile geometry for shifted, strided, reversed, broadcast and
 * transposed views, checked end to end (tasks run on StarPU CPU workers) in
 * test mode (3-element tiles) and with uneven default tiles, against a plain
 * C reference computed on host arrays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "numpy/lnp.h"
#include "numpy/launch.h"
#include "numpy/store_internal.h"
#include "codelets/codelets.h"

#include "check.h"

static lnp_view *make(int ndim, const int64_t *shape, const double *vals)
{
  lnp_store *s;
  if (lnp_store_create(&s, ndim, shape, LNP_FLOAT64)) { printf("create: %s\n", lnp_error_message()); exit(1); }
  lnp_view *v = lnp_view_new(s);
  lnp_store_release(s);
  if (vals && lnp_view_from_host(v, vals)) { printf("from_host: %s\n", lnp_error_message()); exit(1); }
  return v;
}

static void fetch(const lnp_view *v, double *out)
{
  if (lnp_view_to_host(v, out)) { printf("to_host: %s\n", lnp_error_message()); exit(1); }
}

static lnp_view *slice2(const lnp_view *v, int64_t a0, int64_t b0, int64_t s0, int64_t a1, int64_t b1, int64_t s1)
{
  lnp_key k[2];
  int64_t l0 = s0 > 0 ? (b0 - a0 + s0 - 1) / s0 : (a0 - b0 - s0 - 1) / -s0;
  int64_t l1 = s1 > 0 ? (b1 - a1 + s1 - 1) / s1 : (a1 - b1 - s1 - 1) / -s1;
  k[0] = (lnp_key){LNP_KEY_SLICE, a0, b0, s0, l0 < 0 ? 0 : l0};
  k[1] = (lnp_key){LNP_KEY_SLICE, a1, b1, s1, l1 < 0 ? 0 : l1};
  lnp_view *r;
  if (lnp_view_index(v, 2, k, &r)) { printf("index: %s\n", lnp_error_message()); exit(1); }
  return r;
}

static void add_views(const lnp_view *out, const lnp_view *a, const lnp_view *b)
{
  lnp_operand ops[2] = {{.view = a, .dtype = LNP_FLOAT64}, {.view = b, .dtype = LNP_FLOAT64}};
  if (lnp_ewise(LNP_OP_ADD, out, 2, ops, LNP_FLOAT64, LNP_FLOAT64)) { printf("ewise: %s\n", lnp_error_message()); exit(1); }
}

/* 5-point stencil on an n x m grid through shifted views */
static void test_stencil(int64_t n, int64_t m)
{
  int64_t shape[2] = {n, m};
  double *u = malloc(sizeof(double) * (size_t)(n * m)), *r = malloc(sizeof(double) * (size_t)(n * m)), *got = malloc(sizeof(double) * (size_t)(n * m));
  for (int64_t i = 0; i < n * m; i++) u[i] = (double)((i * 37) % 101), r[i] = 0;
  lnp_view *U = make(2, shape, u), *R = make(2, shape, r);
  lnp_view *in = slice2(R, 1, n - 1, 1, 1, m - 1, 1);
  lnp_view *up = slice2(U, 0, n - 2, 1, 1, m - 1, 1), *dn = slice2(U, 2, n, 1, 1, m - 1, 1);
  lnp_view *lf = slice2(U, 1, n - 1, 1, 0, m - 2, 1), *rt = slice2(U, 1, n - 1, 1, 2, m, 1);
  add_views(in, up, dn);
  add_views(in, in, lf);
  add_views(in, in, rt);
  fetch(R, got);
  int bad = 0;
  for (int64_t i = 1; i < n - 1; i++)
    for (int64_t j = 1; j < m - 1; j++) {
      double want = u[(i - 1) * m + j] + u[(i + 1) * m + j] + u[i * m + j - 1] + u[i * m + j + 1];
      if (got[i * m + j] != want) bad++;
    }
  for (int64_t j = 0; j < m; j++) if (got[j] != 0 || got[(n - 1) * m + j] != 0) bad++;
  CHECK(!bad, "stencil %lldx%lld: %d wrong", (long long)n, (long long)m, bad);
  lnp_view_free(in); lnp_view_free(up); lnp_view_free(dn); lnp_view_free(lf); lnp_view_free(rt);
  lnp_view_free(U); lnp_view_free(R);
  free(u); free(r); free(got);
}

/* out = a[::s0, ::-1] + b.T (strided, reversed, transposed operands) */
static void test_strided_transposed(void)
{
  int64_t sa[2] = {10, 7}, sb[2] = {7, 5};
  double a[70], b[35], got[35];
  for (int i = 0; i < 70; i++) a[i] = i;
  for (int i = 0; i < 35; i++) b[i] = 1000 + i;
  lnp_view *A = make(2, sa, a), *B = make(2, sb, b);
  lnp_view *As = slice2(A, 0, 10, 2, 6, -1, -1);   /* 5 x 7, rows 0,2,..,8, cols reversed */
  int perm[2] = {1, 0};
  lnp_view *Bt;
  lnp_view_transpose(B, perm, &Bt);                  /* 5 x 7 */
  int64_t so[2] = {5, 7};
  lnp_view *O = make(2, so, NULL);
  add_views(O, As, Bt);
  fetch(O, got);
  int bad = 0;
  for (int i = 0; i < 5; i++)
    for (int j = 0; j < 7; j++)
      if (got[i * 7 + j] != a[(2 * i) * 7 + (6 - j)] + b[j * 5 + i]) bad++;
  CHECK(!bad, "strided/reversed/transposed add: %d wrong", bad);
  lnp_view_free(As); lnp_view_free(Bt); lnp_view_free(A); lnp_view_free(B); lnp_view_free(O);
}

/* out (4,6) = col (4,1) + row (6,) broadcast */
static void test_broadcast(void)
{
  int64_t sc[2] = {4, 1}, sr[1] = {6}, so[2] = {4, 6};
  double c[4] = {1, 2, 3, 4}, r[6] = {10, 20, 30, 40, 50, 60}, got[24];
  lnp_view *C = make(2, sc, c), *Rw = make(1, sr, r), *O = make(2, so, NULL);
  lnp_view *Cb, *Rb;
  lnp_view_broadcast(C, 2, so, &Cb);
  lnp_view_broadcast(Rw, 2, so, &Rb);
  add_views(O, Cb, Rb);
  fetch(O, got);
  int bad = 0;
  for (int i = 0; i < 4; i++) for (int j = 0; j < 6; j++) if (got[i * 6 + j] != c[i] + r[j]) bad++;
  CHECK(!bad, "broadcast add: %d wrong", bad);
  /* a broadcast view cannot be assigned to */
  CHECK(lnp_view_from_host(Cb, got) == LNP_EVALUE, "writing a broadcast view must fail");
  lnp_view_free(Cb); lnp_view_free(Rb); lnp_view_free(C); lnp_view_free(Rw); lnp_view_free(O);
}

/* a[1:] += a[:-1] must read a copy (NumPy's overlap semantics) */
static void test_overlap(void)
{
  int64_t s[1] = {11};
  double a[11], got[11];
  for (int i = 0; i < 11; i++) a[i] = i + 1;
  lnp_view *A = make(1, s, a);
  lnp_key k1 = {LNP_KEY_SLICE, 1, 11, 1, 10}, k2 = {LNP_KEY_SLICE, 0, 10, 1, 10};
  lnp_view *hi, *lo;
  lnp_view_index(A, 1, &k1, &hi);
  lnp_view_index(A, 1, &k2, &lo);
  add_views(hi, hi, lo);
  fetch(A, got);
  int bad = got[0] != 1;
  for (int i = 1; i < 11; i++) if (got[i] != a[i] + a[i - 1]) bad++;
  CHECK(!bad, "overlapping in-place add: %d wrong", bad);
  lnp_view_free(hi); lnp_view_free(lo); lnp_view_free(A);
}

/* reductions over tiles: full sum and axis sums, two-phase path */
static void test_reduce(void)
{
  int64_t s[2] = {8, 5};
  double a[40], got[8];
  for (int i = 0; i < 40; i++) a[i] = i;
  lnp_view *A = make(2, s, a);
  int64_t s0[1] = {5}, s1[1] = {8};
  lnp_view *R0 = make(1, s0, NULL), *R1 = make(1, s1, NULL), *R = make(0, s, NULL);
  int ax0 = 0, ax1 = 1, both[2] = {0, 1};
  CHECK(!lnp_reduce(LNP_OP_ADD, R0, A, 1, &ax0, LNP_FLOAT64), "reduce axis 0: %s", lnp_error_message());
  CHECK(!lnp_reduce(LNP_OP_ADD, R1, A, 1, &ax1, LNP_FLOAT64), "reduce axis 1: %s", lnp_error_message());
  CHECK(!lnp_reduce(LNP_OP_ADD, R, A, 2, both, LNP_FLOAT64), "reduce all: %s", lnp_error_message());
  fetch(R0, got);
  int bad = 0;
  for (int j = 0; j < 5; j++) { double w = 0; for (int i = 0; i < 8; i++) w += a[i * 5 + j]; if (got[j] != w) bad++; }
  fetch(R1, got);
  for (int i = 0; i < 8; i++) { double w = 0; for (int j = 0; j < 5; j++) w += a[i * 5 + j]; if (got[i] != w) bad++; }
  fetch(R, got);
  if (got[0] != 780) bad++;
  CHECK(!bad, "reductions: %d wrong", bad);
  lnp_view_free(A); lnp_view_free(R0); lnp_view_free(R1); lnp_view_free(R);
}

/* the cut points the launcher computes for a shifted and a reversed view */
static void test_cuts(void)
{
  int64_t s[1] = {10};
  lnp_view *A = make(1, s, NULL);  /* test mode: tiles [0,3) [3,6) [6,9) [9,10) */
  lnp_key k = {LNP_KEY_SLICE, 1, 10, 1, 9};
  lnp_view *v;
  lnp_view_index(A, 1, &k, &v);
  int64_t *cuts;
  int n = lnp_view_cuts(v, 0, &cuts);
  CHECK(n == 4 && cuts[1] == 2 && cuts[2] == 5 && cuts[3] == 8 && cuts[4] == 9, "shifted cuts n=%d", n);
  free(cuts); lnp_view_free(v);
  lnp_key kr = {LNP_KEY_SLICE, 9, -1, -2, 5};      /* 9,7,5,3,1 */
  lnp_view_index(A, 1, &kr, &v);
  n = lnp_view_cuts(v, 0, &cuts);                  /* tiles: 9 | 7 | 5,3 | 1 -> cuts 0,1,2,4,5 */
  CHECK(n == 4 && cuts[1] == 1 && cuts[2] == 2 && cuts[3] == 4 && cuts[4] == 5, "reversed cuts n=%d", n);
  free(cuts); lnp_view_free(v); lnp_view_free(A);
}

/* reshape of a whole store is a view: a split (re-tiling the store in place
 * when its tiles do not line up) and a merge; writes show through */
static void test_reshape_view(void)
{
  int64_t s[1] = {12}, s2[2] = {3, 4}, s3[1] = {12};
  double a[12], got[12];
  for (int i = 0; i < 12; i++) a[i] = i;
  lnp_view *A = make(1, s, a), *R, *M;
  int is_view = 0;
  CHECK(!lnp_view_reshape(A, 2, s2, &R, &is_view) && is_view, "split reshape is a view");
  lnp_key k = {LNP_KEY_INT, 1, 0, 0, 0};
  lnp_view *row;
  lnp_view_index(R, 1, &k, &row);
  if (lnp_fill(row, LNP_FLOAT64, (lnp_scalar){.f64 = -1})) printf("fill: %s\n", lnp_error_message());
  fetch(A, got);
  int bad = 0;
  for (int i = 0; i < 12; i++) if (got[i] != (i >= 4 && i < 8 ? -1 : a[i])) bad++;
  CHECK(!bad, "write through a split reshape: %d wrong", bad);
  CHECK(!lnp_view_reshape(R, 1, s3, &M, &is_view) && is_view, "merge reshape is a view");
  fetch(M, got);
  bad = 0;
  for (int i = 0; i < 12; i++) if (got[i] != (i >= 4 && i < 8 ? -1 : a[i])) bad++;
  CHECK(!bad, "merged values: %d wrong", bad);
  lnp_view_free(row); lnp_view_free(R); lnp_view_free(M); lnp_view_free(A);
}

/* A task that fails (here: a descriptor naming an op/dtype pair with no
 * kernel, which the launcher never submits) must surface as LNP_ERUNTIME at
 * the next wait, once, with the task's message, and not poison later work. */
static void test_task_error(void)
{
  int64_t shape[1] = {4};
  double vals[4] = {1, 2, 3, 4}, got[4];
  lnp_view *a = make(1, shape, vals);
  starpu_data_handle_t h = a->store->storage->tiles[0];
  size_t sz = lnp_loop_desc_size(1, 2, 1);
  lnp_loop_desc *d = calloc(1, sz);
  d->op = LNP_OP_INVERT; d->dtype_in = d->dtype_out = LNP_FLOAT64; /* no float invert */
  d->ndim = 1; d->nops = 2; d->npieces = 1; d->nbuffers = 1;
  int64_t *w = lnp_loop_piece(d, 0);
  w[0] = 1;
  int64_t *o0 = lnp_piece_operand(w, 1, 0), *o1 = lnp_piece_operand(w, 1, 1);
  o0[0] = 0; o0[1] = 0; o0[2] = 1; o1[0] = 0; o1[1] = 0; o1[2] = 1;
  lnp_runtime_activate();
  lnp_runtime_task_submitted(1);
  int ret = starpu_task_insert(&lnp_cl_loop, STARPU_RW, h, STARPU_CL_ARGS, d, sz,
                               STARPU_CALLBACK, lnp_runtime_task_done, 0);
  CHECK(ret == 0, "submitting the bad task: %d", ret);
  lnp_status st = lnp_runtime_wait();
  CHECK(st == LNP_ERUNTIME && strstr(lnp_error_message(), "invert"), "task failure -> %d '%s'", st, lnp_error_message());
  CHECK(lnp_runtime_wait() == LNP_OK, "the error is reported once");
  lnp_view_from_host(a, vals);
  fetch(a, got);
  CHECK(got[3] == 4, "later work still runs");
  lnp_view_free(a); /* d belongs to StarPU (STARPU_CL_ARGS frees it) */
}

int main(void)
{
  lnp_config cfg = {.ncpus = 2, .test_mode = 1};
  if (lnp_runtime_init(&cfg)) { printf("init: %s\n", lnp_error_message()); return 1; }
  test_cuts();
  test_stencil(10, 8);
  test_stencil(3, 3);
  test_strided_transposed();
  test_broadcast();
  test_overlap();
  test_reduce();
  test_reshape_view();
  test_task_error();
  lnp_runtime_shutdown();
  /* uneven default tiles (tiny tile_elems instead of test mode) */
  lnp_config cfg2 = {.ncpus = 2, .tile_elems = 7};
  if (lnp_runtime_init(&cfg2)) { printf("init: %s\n", lnp_error_message()); return 1; }
  test_stencil(17, 9);
  test_strided_transposed();
  test_reduce();
  lnp_runtime_shutdown();
  return check_report();
}
