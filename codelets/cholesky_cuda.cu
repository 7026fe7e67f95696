/* POTRF of a diagonal tile on a CUDA worker (cholesky.h), through
 * cuSOLVER on the worker's stream: the column-major upper factorization of
 * the row-major tile (its row-major lower L), then one kernel that zeroes
 * the tile above the diagonal and folds cuSOLVER's device info into the
 * factorization's info, with the worker thread's handle and workspace
 * (cusolver_workspace.cuh). */
#include <cuda_runtime.h>
#include <cusolverDn.h>
#include <cstdint>

#include <starpu.h>
#include "cholesky.h"
#include "../data-interfaces/nd_interface.h"
#include "../data-interfaces/dtypes.h"
#include "cusolver_workspace.cuh"

extern "C" void lnp_codelets_count_loops(int cuda, uint64_t n);

namespace {
__global__ void k_potrf_finish(char *A, int64_t ld, int64_t n, int isz, const int *dinfo, int64_t *info,
                               int64_t row0)
{
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    if (row0 == 0) *info = 0; /* the first tile starts the count */
    if (*dinfo > 0 && *info == 0) *info = row0 + *dinfo;
  }
  const int64_t total = n * n;
  for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += (int64_t)gridDim.x * blockDim.x) {
    const int64_t i = t / n, j = t - i * n;
    if (j > i)
      for (int b = 0; b < isz; b++) A[(i * ld + j) * isz + b] = 0;
  }
}
} /* namespace */

extern "C" void lnp_potrf_cuda(void *descr[], void *cl_arg)
{
  const lnp_chol_desc *d = (const lnp_chol_desc *)cl_arg;
  lnp_codelets_count_loops(1, 1);
  cudaStream_t s = starpu_cuda_get_local_stream();
  LnpSolver *SP = lnp_solver_handle(s, "a Cholesky tile");
  if (!SP) return;
  LnpSolver &S = *SP;
  const int n = (int)d->n;
  const int ld = (int)lnp_nd_row_ld(descr[0], d->n);
  void *A = LNP_ND_GET_PTR(descr[0]);
  int64_t *info = (int64_t *)LNP_ND_GET_PTR(descr[1]);
  const cublasFillMode_t up = CUBLAS_FILL_MODE_UPPER;
  const int isz = (int)lnp_dtype_size(d->dtype);
  int lwork = 0;
  cusolverStatus_t rc;
  switch (d->dtype) {
  case LNP_FLOAT32: rc = cusolverDnSpotrf_bufferSize(S.h, up, n, (float *)A, ld, &lwork); break;
  case LNP_FLOAT64: rc = cusolverDnDpotrf_bufferSize(S.h, up, n, (double *)A, ld, &lwork); break;
  case LNP_COMPLEX64: rc = cusolverDnCpotrf_bufferSize(S.h, up, n, (cuComplex *)A, ld, &lwork); break;
  default: rc = cusolverDnZpotrf_bufferSize(S.h, up, n, (cuDoubleComplex *)A, ld, &lwork); break;
  }
  const size_t wbytes = lnp_align256((size_t)lwork * (size_t)isz);
  if (rc != CUSOLVER_STATUS_SUCCESS) {
    lnp_codelets_report("cuSOLVER: potrf's workspace size for a tile of %d (status %d)", n, (int)rc);
    return;
  }
  if (!lnp_solver_reserve(S, s, wbytes + 256, "a Cholesky tile")) return;
  int *dinfo = (int *)((char *)S.work + wbytes);
  switch (d->dtype) {
  case LNP_FLOAT32: rc = cusolverDnSpotrf(S.h, up, n, (float *)A, ld, (float *)S.work, lwork, dinfo); break;
  case LNP_FLOAT64: rc = cusolverDnDpotrf(S.h, up, n, (double *)A, ld, (double *)S.work, lwork, dinfo); break;
  case LNP_COMPLEX64:
    rc = cusolverDnCpotrf(S.h, up, n, (cuComplex *)A, ld, (cuComplex *)S.work, lwork, dinfo);
    break;
  default:
    rc = cusolverDnZpotrf(S.h, up, n, (cuDoubleComplex *)A, ld, (cuDoubleComplex *)S.work, lwork, dinfo);
    break;
  }
  if (rc != CUSOLVER_STATUS_SUCCESS) {
    lnp_codelets_report("cuSOLVER potrf failed (status %d)", (int)rc);
    return;
  }
  const int64_t total = (int64_t)n * n;
  const unsigned grid = (unsigned)((total + 255) / 256 < 1024 ? (total + 255) / 256 : 1024);
  k_potrf_finish<<<grid > 0 ? grid : 1, 256, 0, s>>>((char *)A, ld, n, isz, dinfo, info, d->row0);
  if (cudaGetLastError() != cudaSuccess) lnp_codelets_report("failed CUDA Cholesky tile: kernel launch error");
}
