/* The panel matrix-vector codelet, lnp_cl_panel_mv (codelets.h): one task
 * per tile of the vector side of v @ X or X @ w, over the row panels of a
 * tall X that its rows cover (numpy/matmul.c panel_products).
 *
 *  trans = 1  (v @ X)  C(1 x cols) = sum over the panels of
 *             v[rows] @ X_p[rows]: one gemv per panel, the first with
 *             beta 0.  Buffers: C (W), v's tile (R), the panels (R).
 *  trans = 0  (X @ w)  y[rows] = X_p[rows] @ w per panel.  Buffers: y's
 *             tile (W), w whole (R), the panels (R).
 *
 * A task's rows [r0, r1) are its vector tile's; the panels' first rows come
 * in the descriptor, so a panel that straddles two vector tiles is read by
 * both tasks, each for its rows.  Without this task, v @ X of a 5M x 32 X
 * was a copy of v cut into X's 610 panels, 610 gemv tasks and a tree over
 * 610 partial results; now it is a task per v tile (20) and a tree over
 * 20.  CPU only (OpenBLAS gemv, single-threaded inside a task): taken
 * where no CUDA worker runs. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <cblas.h>
#include <limits.h>
#include <string.h>

#include "../data-interfaces/nd_interface.h"

/* the element stride of a 1-D or (rows x 1) / (1 x cols) tile */
static int64_t vec_stride(void *iface)
{
  const int nd = LNP_ND_GET_NDIM(iface);
  const int64_t *s = LNP_ND_GET_STRIDES(iface);
  const uint64_t *shape = LNP_ND_GET_SHAPE(iface);
  for (int d = nd - 1; d >= 0; d--)
    if (shape[d] > 1) return s[d];
  return 1;
}

static void lnp_panel_mv_cpu(void *descr[], void *cl_arg)
{
  const lnp_panel_mv_desc *d = cl_arg;
  lnp_codelets_count_loops(0, 1);
  struct starpu_task *task = starpu_task_get_current();
  if (!d || (int)STARPU_TASK_GET_NBUFFERS(task) != 2 + d->npanels || d->cols > INT_MAX ||
      (d->dtype != LNP_FLOAT32 && d->dtype != LNP_FLOAT64)) {
    lnp_codelets_report("invalid panel matrix-vector task");
    return;
  }
  const size_t isz = d->dtype == LNP_FLOAT32 ? 4 : 8;
  char *c = LNP_ND_GET_PTR(descr[0]);
  const char *vec = LNP_ND_GET_PTR(descr[1]);
  const int64_t incc = vec_stride(descr[0]), incv = vec_stride(descr[1]);
  const int cols = (int)d->cols;
  const int64_t *pstart = d->pstart;
  int first = 1;
  for (int32_t p = 0; p < d->npanels; p++) {
    const int64_t lo = d->r0 > pstart[p] ? d->r0 : pstart[p];
    const int64_t hi = d->r1 < pstart[p + 1] ? d->r1 : pstart[p + 1];
    if (hi <= lo) continue;
    void *panel = LNP_ND_GET_PTR(descr[2 + p]);
    const int64_t ld = LNP_ND_GET_NDIM(descr[2 + p]) >= 2 ? LNP_ND_GET_STRIDES(descr[2 + p])[0] : cols;
    if (hi - lo > INT_MAX || ld > INT_MAX || ld < cols) {
      lnp_codelets_report("invalid panel matrix-vector task (panel geometry)");
      return;
    }
    const int rows = (int)(hi - lo);
    const char *x = (const char *)panel + (size_t)(lo - pstart[p]) * (size_t)ld * isz;
    if (d->trans) {
      const char *v = vec + (size_t)(lo - d->r0) * (size_t)incv * isz;
      if (d->dtype == LNP_FLOAT32)
        cblas_sgemv(CblasRowMajor, CblasTrans, rows, cols, 1.0f, (const float *)x, (int)ld, (const float *)v,
                    (int)incv, first ? 0.0f : 1.0f, (float *)c, (int)incc);
      else
        cblas_dgemv(CblasRowMajor, CblasTrans, rows, cols, 1.0, (const double *)x, (int)ld, (const double *)v,
                    (int)incv, first ? 0.0 : 1.0, (double *)c, (int)incc);
    } else {
      char *y = c + (size_t)(lo - d->r0) * (size_t)incc * isz;
      if (d->dtype == LNP_FLOAT32)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, rows, cols, 1.0f, (const float *)x, (int)ld, (const float *)vec,
                    (int)incv, 0.0f, (float *)y, (int)incc);
      else
        cblas_dgemv(CblasRowMajor, CblasNoTrans, rows, cols, 1.0, (const double *)x, (int)ld, (const double *)vec,
                    (int)incv, 0.0, (double *)y, (int)incc);
    }
    first = 0;
  }
  if (first && d->trans) /* no rows: the partial product is zero */
    for (int j = 0; j < cols; j++) memset(c + (size_t)j * (size_t)incc * isz, 0, isz);
}

static uint32_t lnp_panel_mv_footprint(struct starpu_task *task)
{
  const lnp_panel_mv_desc *d = task->cl_arg;
  if (!d) return 0;
  const int64_t dims[3] = {d->trans, d->cols, d->r1 - d->r0};
  return starpu_hash_crc32c_be_n(dims, sizeof dims, starpu_hash_crc32c_be((uint32_t)d->dtype, 0));
}

static struct starpu_perfmodel lnp_panel_mv_model = {
    .type = STARPU_HISTORY_BASED,
    .symbol = "lnp_panel_mv",
    .footprint = lnp_panel_mv_footprint,
};

struct starpu_codelet lnp_cl_panel_mv = {
    .where = STARPU_CPU,
    .cpu_funcs = {lnp_panel_mv_cpu},
    .nbuffers = STARPU_VARIABLE_NBUFFERS,
    .model = &lnp_panel_mv_model,
    .name = "lnp_panel_mv",
};
