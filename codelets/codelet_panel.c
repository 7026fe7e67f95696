/* The panel product codelet, lnp_cl_panel (codelets.h): matrix products
 * with a long k or row dimension cut into row panels (tall-skinny
 * operands), a task per panel of one operand over the panels of the other
 * that its rows cover (numpy/matmul.c panel_products).
 *
 *  LNP_PANEL_T  C(m x n) = sum over rows of P[rows]^T @ Q[rows], P (k x m)
 *               and Q (k x n) tall: v @ X, X.T @ v, X.T @ Y, onehot.T @ X.
 *               Buffers: a partial C (W), the task's own panel (R, rows
 *               [r0, r1): P's or Q's, own_is_q), the other operand's
 *               panels (R).  One gemm (or gemv where m or n is 1) per
 *               overlap, the first with beta 0.
 *  LNP_PANEL_N  Y[rows] = X[rows] @ W, X (M x k) tall, W (k x n) small:
 *               X @ w, X @ C.T.  Buffers: Y's tile (W, rows [r0, r1)), W
 *               whole (R), X's panels (R).
 *
 * The other operand's panel starts come in the descriptor, so a panel
 * that straddles two of the task's rows is read by both tasks, each for
 * its rows.  Before this task, v @ X of a 5M x 32 X was a copy of v cut
 * into X's 610 panels, 610 gemv tasks and a tree over 610 partial results,
 * and onehot.T @ X of 2M points 3,907 k blocks of 512 (copies of both
 * operands, products, a tree); now a task per panel of the coarser
 * operand.  CPU only (OpenBLAS, single-threaded; a group worker's threads
 * split the task's rows): taken where no CUDA worker runs. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <cblas.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../data-interfaces/nd_interface.h"

/* A tile as a matrix of `cols` columns: its row stride in elements (a 1-D
 * tile is a column: its element stride).  A compact tile is that matrix
 * in C order whatever its interface's shape (the tile of a reshape alias:
 * a (12, 5) store over a (3, 4, 5) tile), as codelet_matmul.c reads it. */
static int64_t row_stride(void *iface, int64_t cols)
{
  const int nd = LNP_ND_GET_NDIM(iface);
  const int64_t *s = LNP_ND_GET_STRIDES(iface);
  const uint64_t *shape = LNP_ND_GET_SHAPE(iface);
  int64_t expect = 1;
  int compact = 1;
  for (int d = nd - 1; d >= 0 && compact; d--) {
    compact = shape[d] <= 1 || s[d] == expect;
    expect *= (int64_t)shape[d];
  }
  if (compact) return cols > 0 ? cols : 1;
  if (nd == 1) return s[0];
  if (nd >= 2 && shape[nd - 1] > 1) return s[nd - 2];
  for (int d = nd - 1; d >= 0; d--) /* (rows x 1): the first dim longer than 1 */
    if (shape[d] > 1) return s[d];
  return cols > 0 ? cols : 1;
}

/* Whether a tile is a matrix of unit column stride (what BLAS takes). */
static int unit_columns(void *iface)
{
  const int nd = LNP_ND_GET_NDIM(iface);
  return nd < 2 || LNP_ND_GET_SHAPE(iface)[nd - 1] <= 1 || LNP_ND_GET_STRIDES(iface)[nd - 1] == 1;
}

/* C (m x n, row stride ldc) = beta C + P^T Q over `rows` rows, or, for
 * LNP_PANEL_N, C = X W with P as X (rows x m... see the callers). */
static void gemm_t(int dt, int rows, int m, int n, const void *p, int ldp, const void *q, int ldq, int beta, void *c,
                   int ldc)
{
  if (m == 1) { /* C(1 x n) = p^T Q = Q^T p */
    if (dt == LNP_FLOAT32)
      cblas_sgemv(CblasRowMajor, CblasTrans, rows, n, 1.0f, q, ldq, p, ldp, beta ? 1.0f : 0.0f, c, 1);
    else
      cblas_dgemv(CblasRowMajor, CblasTrans, rows, n, 1.0, q, ldq, p, ldp, beta ? 1.0 : 0.0, c, 1);
  } else if (n == 1) { /* C(m x 1) = P^T q */
    if (dt == LNP_FLOAT32)
      cblas_sgemv(CblasRowMajor, CblasTrans, rows, m, 1.0f, p, ldp, q, ldq, beta ? 1.0f : 0.0f, c, ldc);
    else
      cblas_dgemv(CblasRowMajor, CblasTrans, rows, m, 1.0, p, ldp, q, ldq, beta ? 1.0 : 0.0, c, ldc);
  } else if (dt == LNP_FLOAT32) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, rows, 1.0f, p, ldp, q, ldq, beta ? 1.0f : 0.0f, c,
                ldc);
  } else {
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, rows, 1.0, p, ldp, q, ldq, beta ? 1.0 : 0.0, c, ldc);
  }
}

/* Y (rows x n) = X (rows x k) W (k x n) */
static void gemm_n(int dt, int rows, int k, int n, const void *x, int ldx, const void *w, int ldw, void *y, int ldy)
{
  if (n == 1) {
    if (dt == LNP_FLOAT32)
      cblas_sgemv(CblasRowMajor, CblasNoTrans, rows, k, 1.0f, x, ldx, w, ldw, 0.0f, y, ldy);
    else
      cblas_dgemv(CblasRowMajor, CblasNoTrans, rows, k, 1.0, x, ldx, w, ldw, 0.0, y, ldy);
  } else if (dt == LNP_FLOAT32) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n, k, 1.0f, x, ldx, w, ldw, 0.0f, y, ldy);
  } else {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n, k, 1.0, x, ldx, w, ldw, 0.0, y, ldy);
  }
}

static int fits_int(int64_t v) { return v >= 0 && v <= INT_MAX; }

/* The task's rows [a, b) (within [r0, r1)): N writes Y's rows there; T
 * sets c (m x n, row stride ldc) to their partial product (zero without
 * rows).  Returns -1 on a panel layout BLAS can't take. */
static int panel_rows(const lnp_panel_desc *d, void *descr[], int64_t a, int64_t b, char *c, int64_t ldc)
{
  const size_t isz = d->dtype == LNP_FLOAT32 ? 4 : 8;
  const int m = (int)d->m, n = (int)d->n;
  const char *own = LNP_ND_GET_PTR(descr[1]);
  /* T: own is P (m columns) or Q (n); N: own is W (m = k rows, n columns) */
  const int64_t own_cols = d->mode == LNP_PANEL_N ? n : d->own_is_q ? n : m;
  const int64_t other_cols = d->mode == LNP_PANEL_N ? m : d->own_is_q ? m : n;
  const int64_t ld_own = row_stride(descr[1], own_cols);
  const int64_t *pstart = d->pstart;
  int first = 1;
  for (int32_t p = 0; p < d->npanels; p++) {
    const int64_t lo = a > pstart[p] ? a : pstart[p];
    const int64_t hi = b < pstart[p + 1] ? b : pstart[p + 1];
    if (hi <= lo) continue;
    const char *panel = LNP_ND_GET_PTR(descr[2 + p]);
    const int64_t ld = row_stride(descr[2 + p], other_cols);
    if (!fits_int(hi - lo) || !fits_int(ld) || !unit_columns(descr[2 + p])) return -1;
    const int rows = (int)(hi - lo);
    const char *o = panel + (size_t)(lo - pstart[p]) * (size_t)ld * isz;
    if (d->mode == LNP_PANEL_N) {
      char *y = c + (size_t)(lo - d->r0) * (size_t)ldc * isz;
      gemm_n(d->dtype, rows, m, n, o, (int)ld, own, (int)ld_own, y, (int)ldc);
    } else {
      const char *s = own + (size_t)(lo - d->r0) * (size_t)ld_own * isz;
      const char *pp = d->own_is_q ? o : s, *qq = d->own_is_q ? s : o;
      const int ldp = (int)(d->own_is_q ? ld : ld_own), ldq = (int)(d->own_is_q ? ld_own : ld);
      gemm_t(d->dtype, rows, m, n, pp, ldp, qq, ldq, !first, c, (int)ldc);
    }
    first = 0;
  }
  if (first && d->mode == LNP_PANEL_T) /* no rows: the partial product is zero */
    for (int i = 0; i < m; i++) memset(c + (size_t)i * (size_t)ldc * isz, 0, (size_t)n * isz);
  return 0;
}

/* Multiply-adds a thread of a group worker takes at least */
#define LNP_PANEL_PAR_MIN_FMA (1 << 20)

static void lnp_panel_cpu(void *descr[], void *cl_arg)
{
  const lnp_panel_desc *d = cl_arg;
  lnp_codelets_count_loops(0, 1);
  struct starpu_task *task = starpu_task_get_current();
  if (!d || (int)STARPU_TASK_GET_NBUFFERS(task) != 2 + d->npanels || !fits_int(d->m) || !fits_int(d->n) ||
      (d->dtype != LNP_FLOAT32 && d->dtype != LNP_FLOAT64)) {
    lnp_codelets_report("invalid panel product task");
    return;
  }
  const size_t isz = d->dtype == LNP_FLOAT32 ? 4 : 8;
  const int64_t m = d->m, n = d->n;
  char *c = LNP_ND_GET_PTR(descr[0]);
  const int64_t own_cols = d->mode == LNP_PANEL_N ? n : d->own_is_q ? n : m;
  const int64_t ldc = d->mode == LNP_PANEL_N ? row_stride(descr[0], n) : n;
  const int64_t ld_own = row_stride(descr[1], own_cols);
  if (!unit_columns(descr[0]) || !unit_columns(descr[1]) || !fits_int(ldc) || !fits_int(ld_own)) {
    lnp_codelets_report("invalid panel product task (tile layout)");
    return;
  }
  /* a group worker's threads: contiguous row ranges; T: each its own
   * partial C (the first thread's is the task's), added in thread order */
  const int64_t rows = d->r1 - d->r0;
  const double fma = (double)rows * (double)m * (double)n;
  const int nt = lnp_cpu_split(lnp_cpu_task_threads(), fma, LNP_PANEL_PAR_MIN_FMA, rows);
  if (nt <= 1) {
    if (panel_rows(d, descr, d->r0, d->r1, c, ldc)) lnp_codelets_report("invalid panel product task (panel layout)");
    return;
  }
  const size_t cbytes = (size_t)m * (size_t)n * isz;
  char *parts = d->mode == LNP_PANEL_T ? malloc(cbytes * (size_t)(nt - 1)) : NULL;
  if (d->mode == LNP_PANEL_T && !parts) {
    lnp_codelets_report("out of memory in a panel product task");
    return;
  }
  int bad = 0;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static) reduction(| : bad)
#endif
  for (int t = 0; t < nt; t++) {
    const int64_t a = d->r0 + rows * t / nt, b = d->r0 + rows * (t + 1) / nt;
    char *ct = d->mode == LNP_PANEL_N || t == 0 ? c : parts + (size_t)(t - 1) * cbytes;
    bad |= panel_rows(d, descr, a, b, ct, ldc);
  }
  if (bad) lnp_codelets_report("invalid panel product task (panel layout)");
  else if (parts) {
    const size_t cnt = (size_t)m * (size_t)n;
    for (int t = 1; t < nt; t++) {
      const char *pt = parts + (size_t)(t - 1) * cbytes;
      if (d->dtype == LNP_FLOAT32)
        for (size_t i = 0; i < cnt; i++) ((float *)c)[i] += ((const float *)pt)[i];
      else
        for (size_t i = 0; i < cnt; i++) ((double *)c)[i] += ((const double *)pt)[i];
    }
  }
  free(parts);
}

static uint32_t lnp_panel_footprint(struct starpu_task *task)
{
  const lnp_panel_desc *d = task->cl_arg;
  if (!d) return 0;
  const int64_t dims[4] = {d->mode, d->m, d->n, d->r1 - d->r0};
  return starpu_hash_crc32c_be_n(dims, sizeof dims, starpu_hash_crc32c_be((uint32_t)d->dtype, 0));
}

static struct starpu_perfmodel lnp_panel_model = {
    .type = STARPU_HISTORY_BASED,
    .symbol = "lnp_panel",
    .footprint = lnp_panel_footprint,
};

struct starpu_codelet lnp_cl_panel = {
    .where = STARPU_CPU,
    .cpu_funcs = {lnp_panel_cpu},
    .type = STARPU_FORKJOIN,
    .max_parallelism = INT_MAX,
    .nbuffers = STARPU_VARIABLE_NBUFFERS,
    .model = &lnp_panel_model,
    .name = "lnp_panel",
};
