/* The tiled LU's panel and row interchanges on a CUDA worker (lu.h), on
 * the worker's stream: the panel's tiles gathered into one column-major
 * buffer of the workspace, cuSOLVER's getrf, the factors scattered back,
 * the pivots made global rows (int64) and cuSOLVER's info folded into the
 * factorization's; the interchanges one thread per column, the swaps in
 * order.  The tiles of a column have the first tile's rows, the last one
 * fewer: a row's tile is its index over those rows. */
#include <cuda_runtime.h>
#include <cusolverDn.h>
#include <cstdint>

#include <starpu.h>
#include "lu.h"
#include "../data-interfaces/nd_interface.h"
#include "../data-interfaces/dtypes.h"
#include "cusolver_workspace.cuh"

extern "C" void lnp_codelets_count_loops(int cuda, uint64_t n);

namespace {
/* a tile column, passed by value (kernel parameters) */
struct Column {
  char *ptr[LNP_LU_MAX_TILES];
  int64_t ld[LNP_LU_MAX_TILES]; /* row strides in elements */
  int64_t rows0;                /* the first tile's rows */
  int ntiles;
};

template <class E> __device__ inline E *elem(const Column &c, int64_t r, int64_t j)
{
  const int64_t t = r / c.rows0, i = r - t * c.rows0;
  return (E *)c.ptr[t] + i * c.ld[t] + j;
}

/* dir 0: tiles -> column-major panel P (m x n); 1: back */
template <class E> __global__ void k_panel_copy(Column c, E *P, int64_t m, int64_t n, int dir)
{
  const int64_t total = m * n;
  for (int64_t q = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; q < total; q += (int64_t)gridDim.x * blockDim.x) {
    const int64_t j = q / m, r = q - j * m; /* consecutive threads read consecutive panel rows */
    E *t = elem<E>(c, r, j);
    if (dir == 0) P[q] = *t;
    else *t = P[q];
  }
}

__global__ void k_getrf_finish(const int *piv, int64_t kb, int64_t row0, const int *dinfo, int64_t *ipiv,
                               int64_t *info)
{
  const int64_t q = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (q == 0) {
    if (row0 == 0) *info = 0; /* the first panel starts the count */
    if (*dinfo > 0 && *info == 0) *info = row0 + *dinfo;
  }
  for (int64_t i = q; i < kb; i += (int64_t)gridDim.x * blockDim.x) ipiv[i] = row0 + piv[i] - 1;
}

template <class E> __global__ void k_laswp(Column c, const int64_t *ipiv, int64_t npiv, int64_t row0, int64_t n)
{
  for (int64_t j = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; j < n; j += (int64_t)gridDim.x * blockDim.x)
    for (int64_t i = 0; i < npiv; i++) {
      const int64_t p = ipiv[i] - row0;
      if (p == i) continue;
      E *a = elem<E>(c, i, j), *b = elem<E>(c, p, j);
      const E t = *a;
      *a = *b;
      *b = t;
    }
}

unsigned grid_for(int64_t n) { return (unsigned)((n + 255) / 256 < 4096 ? ((n + 255) / 256 > 0 ? (n + 255) / 256 : 1) : 4096); }

bool column_of(void *descr[], int nt, int64_t n, Column &c)
{
  if (nt < 1 || nt > LNP_LU_MAX_TILES) {
    lnp_codelets_report("LU on a GPU: %d tiles in a column (at most %d)", nt, LNP_LU_MAX_TILES);
    return false;
  }
  c.ntiles = nt;
  for (int t = 0; t < nt; t++) {
    c.ptr[t] = (char *)LNP_ND_GET_PTR(descr[t]);
    c.ld[t] = lnp_nd_row_ld(descr[t], n);
  }
  c.rows0 = LNP_ND_GET_SHAPE(descr[0])[0];
  return c.rows0 > 0;
}

template <class E> void launch_copy(const Column &c, void *P, int64_t m, int64_t n, int dir, cudaStream_t s)
{
  k_panel_copy<E><<<grid_for(m * n), 256, 0, s>>>(c, (E *)P, m, n, dir);
}
void panel_copy(int isz, const Column &c, void *P, int64_t m, int64_t n, int dir, cudaStream_t s)
{
  if (isz == 4) launch_copy<float>(c, P, m, n, dir, s);
  else if (isz == 8) launch_copy<double>(c, P, m, n, dir, s);
  else launch_copy<double2>(c, P, m, n, dir, s);
}
} /* namespace */

extern "C" void lnp_getrf_panel_cuda(void *descr[], void *cl_arg)
{
  const lnp_lu_desc *d = (const lnp_lu_desc *)cl_arg;
  lnp_codelets_count_loops(1, 1);
  cudaStream_t s = starpu_cuda_get_local_stream();
  const int nt = d->ntiles;
  const int64_t m = d->m, n = d->n, kb = m < n ? m : n;
  Column c;
  if (!column_of(descr, nt, n, c)) return;
  int64_t *ipiv = (int64_t *)LNP_ND_GET_PTR(descr[nt]);
  int64_t *info = (int64_t *)LNP_ND_GET_PTR(descr[nt + 1]);
  LnpSolver *SP = lnp_solver_handle(s, "an LU panel");
  if (!SP) return;
  LnpSolver &S = *SP;
  const size_t isz = lnp_dtype_size(d->dtype);
  const int M = (int)m, N = (int)n;
  int lwork = 0;
  cusolverStatus_t rc;
  void *any = c.ptr[0]; /* the sizes only: no matrix is read, but a device pointer is passed */
  switch (d->dtype) {
  case LNP_FLOAT32: rc = cusolverDnSgetrf_bufferSize(S.h, M, N, (float *)any, M, &lwork); break;
  case LNP_FLOAT64: rc = cusolverDnDgetrf_bufferSize(S.h, M, N, (double *)any, M, &lwork); break;
  case LNP_COMPLEX64: rc = cusolverDnCgetrf_bufferSize(S.h, M, N, (cuComplex *)any, M, &lwork); break;
  default: rc = cusolverDnZgetrf_bufferSize(S.h, M, N, (cuDoubleComplex *)any, M, &lwork); break;
  }
  if (rc != CUSOLVER_STATUS_SUCCESS) {
    lnp_codelets_report("cuSOLVER: getrf's workspace size for a panel of %d x %d (status %d)", M, N, (int)rc);
    return;
  }
  const size_t wb = lnp_align256((size_t)lwork * isz), pb = lnp_align256((size_t)m * (size_t)n * isz),
               ib = lnp_align256(sizeof(int) * (size_t)(kb > 0 ? kb : 1));
  if (!lnp_solver_reserve(S, s, wb + pb + ib + 256, "an LU panel")) return;
  char *W = (char *)S.work, *P = W + wb;
  int *piv = (int *)(P + pb), *dinfo = (int *)(P + pb + ib);
  panel_copy((int)isz, c, P, m, n, 0, s);
  switch (d->dtype) {
  case LNP_FLOAT32: rc = cusolverDnSgetrf(S.h, M, N, (float *)P, M, (float *)W, piv, dinfo); break;
  case LNP_FLOAT64: rc = cusolverDnDgetrf(S.h, M, N, (double *)P, M, (double *)W, piv, dinfo); break;
  case LNP_COMPLEX64: rc = cusolverDnCgetrf(S.h, M, N, (cuComplex *)P, M, (cuComplex *)W, piv, dinfo); break;
  default: rc = cusolverDnZgetrf(S.h, M, N, (cuDoubleComplex *)P, M, (cuDoubleComplex *)W, piv, dinfo); break;
  }
  if (rc != CUSOLVER_STATUS_SUCCESS) {
    lnp_codelets_report("cuSOLVER getrf failed (status %d)", (int)rc);
    return;
  }
  panel_copy((int)isz, c, P, m, n, 1, s);
  k_getrf_finish<<<grid_for(kb), 256, 0, s>>>(piv, kb, d->row0, dinfo, ipiv, info);
  if (cudaGetLastError() != cudaSuccess) lnp_codelets_report("failed CUDA LU panel: kernel launch error");
}

extern "C" void lnp_laswp_cuda(void *descr[], void *cl_arg)
{
  const lnp_lu_desc *d = (const lnp_lu_desc *)cl_arg;
  lnp_codelets_count_loops(1, 1);
  cudaStream_t s = starpu_cuda_get_local_stream();
  Column c;
  if (!column_of(descr + 1, d->ntiles, d->n, c)) return;
  const int64_t *ipiv = (const int64_t *)LNP_ND_GET_PTR(descr[0]);
  const int64_t npiv = LNP_ND_GET_SHAPE(descr[0])[0];
  const size_t isz = lnp_dtype_size(d->dtype);
  const unsigned g = grid_for(d->n);
  if (isz == 4) k_laswp<float><<<g, 256, 0, s>>>(c, ipiv, npiv, d->row0, d->n);
  else if (isz == 8) k_laswp<double><<<g, 256, 0, s>>>(c, ipiv, npiv, d->row0, d->n);
  else k_laswp<double2><<<g, 256, 0, s>>>(c, ipiv, npiv, d->row0, d->n);
  if (cudaGetLastError() != cudaSuccess) lnp_codelets_report("failed CUDA row interchanges: kernel launch error");
}
