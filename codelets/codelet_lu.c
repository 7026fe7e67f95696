/* The panel factorization and the row interchanges of the tiled LU
 * (lu.h; the CUDA versions, cuSOLVER's getrf and a kernel, in lu_cuda.cu),
 * on CPU workers: LAPACK's getrf on the panel gathered into one
 * column-major buffer (getrf's pivot search reads the whole column, and
 * its recursive panel algorithm wants it contiguous), and the panel's
 * interchanges applied row by row to a tile column of the matrix or of
 * the right-hand sides.  History-based perfmodels per dtype and size. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <complex.h>
#include <stdlib.h>
#include <string.h>

#ifdef LNP_HAVE_LAPACKE
#include <lapacke.h>
#endif

#include "../data-interfaces/dtypes.h"
#include "../data-interfaces/nd_interface.h"
#include "lu.h"

/* a tile's rows and its row stride in elements */
static int64_t tile_rows(void *descr) { return LNP_ND_GET_NDIM(descr) >= 1 ? LNP_ND_GET_SHAPE(descr)[0] : 1; }
static int64_t tile_ld(void *descr, int64_t n) { return lnp_nd_row_ld(descr, n); }

static void getrf_panel_cpu(void *descr[], void *cl_arg)
{
  const lnp_lu_desc *d = cl_arg;
  lnp_codelets_count_loops(0, 1);
  const int nt = d->ntiles;
  const int64_t m = d->m, n = d->n, kb = m < n ? m : n;
  const size_t isz = lnp_dtype_size(d->dtype);
  int64_t *ipiv = LNP_ND_GET_PTR(descr[nt]);
  int64_t *info = LNP_ND_GET_PTR(descr[nt + 1]);
  if (d->row0 == 0) *info = 0;
  char *P = malloc((size_t)m * (size_t)n * isz);
#ifdef LNP_HAVE_LAPACKE
  lapack_int *piv = malloc(sizeof(lapack_int) * (size_t)(kb > 0 ? kb : 1));
#else
  void *piv = NULL;
#endif
  if (!P || !piv) {
    lnp_codelets_report("LU panel: out of memory (%lld x %lld)", (long long)m, (long long)n);
    free(P);
    free(piv);
    return;
  }
  /* gather: row-major tiles stacked -> one column-major m x n panel */
  int64_t r0 = 0;
  for (int t = 0; t < nt; t++) {
    const char *A = LNP_ND_GET_PTR(descr[t]);
    const int64_t rows = tile_rows(descr[t]), ld = tile_ld(descr[t], n);
    for (int64_t i = 0; i < rows; i++)
      for (int64_t j = 0; j < n; j++) memcpy(P + ((size_t)j * m + r0 + i) * isz, A + ((size_t)i * ld + j) * isz, isz);
    r0 += rows;
  }
#ifdef LNP_HAVE_LAPACKE
  lapack_int r;
  const lapack_int M = (lapack_int)m, N = (lapack_int)n;
  switch (d->dtype) {
  case LNP_FLOAT32: r = LAPACKE_sgetrf_work(LAPACK_COL_MAJOR, M, N, (float *)P, M, piv); break;
  case LNP_FLOAT64: r = LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, M, N, (double *)P, M, piv); break;
  case LNP_COMPLEX64: r = LAPACKE_cgetrf_work(LAPACK_COL_MAJOR, M, N, (lapack_complex_float *)P, M, piv); break;
  default: r = LAPACKE_zgetrf_work(LAPACK_COL_MAJOR, M, N, (lapack_complex_double *)P, M, piv); break;
  }
  if (r > 0 && *info == 0) *info = d->row0 + r;
  else if (r < 0) lnp_codelets_report("getrf: bad argument %d", (int)-r);
  for (int64_t i = 0; i < kb; i++) ipiv[i] = d->row0 + (int64_t)piv[i] - 1;
#else
  lnp_codelets_report("getrf: built without LAPACKE");
  if (*info == 0) *info = -1;
  for (int64_t i = 0; i < kb; i++) ipiv[i] = d->row0 + i;
#endif
  /* scatter back */
  r0 = 0;
  for (int t = 0; t < nt; t++) {
    char *A = LNP_ND_GET_PTR(descr[t]);
    const int64_t rows = tile_rows(descr[t]), ld = tile_ld(descr[t], n);
    for (int64_t i = 0; i < rows; i++)
      for (int64_t j = 0; j < n; j++) memcpy(A + ((size_t)i * ld + j) * isz, P + ((size_t)j * m + r0 + i) * isz, isz);
    r0 += rows;
  }
  free(P);
  free(piv);
}

/* the address of row r (counted from row0) of a tile column */
static char *row_at(void *descr[], int nt, int64_t r, int64_t n, size_t isz)
{
  for (int t = 0; t < nt; t++) {
    const int64_t rows = tile_rows(descr[t]);
    if (r < rows) return (char *)LNP_ND_GET_PTR(descr[t]) + (size_t)r * (size_t)tile_ld(descr[t], n) * isz;
    r -= rows;
  }
  return NULL;
}

static void laswp_cpu(void *descr[], void *cl_arg)
{
  const lnp_lu_desc *d = cl_arg;
  lnp_codelets_count_loops(0, 1);
  const int nt = d->ntiles;
  const int64_t *ipiv = LNP_ND_GET_PTR(descr[0]);
  const int64_t npiv = LNP_ND_GET_SHAPE(descr[0])[0];
  const size_t isz = lnp_dtype_size(d->dtype), bytes = (size_t)d->n * isz;
  char tmp[4096];
  for (int64_t i = 0; i < npiv; i++) {
    const int64_t p = ipiv[i] - d->row0;
    if (p == i) continue;
    char *a = row_at(descr + 1, nt, i, d->n, isz), *b = row_at(descr + 1, nt, p, d->n, isz);
    if (!a || !b) {
      lnp_codelets_report("laswp: pivot row %lld outside the panel", (long long)ipiv[i]);
      return;
    }
    for (size_t o = 0; o < bytes; o += sizeof tmp) {
      const size_t c = bytes - o < sizeof tmp ? bytes - o : sizeof tmp;
      memcpy(tmp, a + o, c);
      memcpy(a + o, b + o, c);
      memcpy(b + o, tmp, c);
    }
  }
}

static uint32_t lu_footprint(struct starpu_task *task)
{
  const lnp_lu_desc *d = task->cl_arg;
  const int64_t key[3] = {d->dtype, d->m, d->n};
  return starpu_hash_crc32c_be_n(key, sizeof key, 0);
}

static struct starpu_perfmodel lnp_getrf_panel_model = {
    .type = STARPU_HISTORY_BASED, .symbol = "lnp_getrf_panel", .footprint = lu_footprint};
static struct starpu_perfmodel lnp_laswp_model = {
    .type = STARPU_HISTORY_BASED, .symbol = "lnp_laswp", .footprint = lu_footprint};

#ifdef LNP_HAVE_CUDA
static int lu_can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
  (void)nimpl;
  return lnp_codelets_may_run(workerid, task, 1);
}
/* lu_cuda.cu */
void lnp_getrf_panel_cuda(void *descr[], void *cl_arg);
void lnp_laswp_cuda(void *descr[], void *cl_arg);
#endif

struct starpu_codelet lnp_cl_getrf_panel = {
#ifdef LNP_HAVE_CUDA
                                            .where = STARPU_CPU | STARPU_CUDA,
                                            .can_execute = lu_can_execute,
                                            .cuda_funcs = {lnp_getrf_panel_cuda},
                                            .cuda_flags = {STARPU_CUDA_ASYNC},
#endif
                                            .cpu_funcs = {getrf_panel_cpu},
                                            .nbuffers = STARPU_VARIABLE_NBUFFERS,
                                            .model = &lnp_getrf_panel_model,
                                            .name = "lnp_getrf_panel"};

struct starpu_codelet lnp_cl_laswp = {
#ifdef LNP_HAVE_CUDA
                                      .where = STARPU_CPU | STARPU_CUDA,
                                      .can_execute = lu_can_execute,
                                      .cuda_funcs = {lnp_laswp_cuda},
                                      .cuda_flags = {STARPU_CUDA_ASYNC},
#endif
                                      .cpu_funcs = {laswp_cpu},
                                      .nbuffers = STARPU_VARIABLE_NBUFFERS,
                                      .model = &lnp_laswp_model,
                                      .name = "lnp_laswp"};
