/* The tile kernels of the tiled Cholesky factorization (cholesky.h), whose
 * tile codelet also runs the tiled LU's TRSM and GEMM (lu.h): two
 * codelets, lnp_cl_potrf (LAPACK's potrf; on GPUs cuSOLVER's, in
 * cholesky_cuda.cu) and lnp_cl_chol_tile (TRSM,
 * SYRK/HERK, GEMM and ZERO on CPUs through CBLAS, on GPUs through cuBLAS on
 * the worker's stream), each with a history-based perfmodel per op, dtype
 * and tile size, so the scheduler knows a GPU GEMM from a CPU one. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <complex.h>
#include <string.h>

#include <cblas.h>
#ifdef LNP_HAVE_LAPACKE
#include <lapacke.h>
#endif
#ifdef LNP_HAVE_CUDA
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <starpu_cublas_v2.h>
#endif

#include "../data-interfaces/nd_interface.h"
#include "cholesky.h"

/* a tile's leading dimension (the tiles are 2-D tiles of the
 * factorization's own store; m is the caller's record of its rows) */
static int tile_ld(void *descr, int64_t m, int64_t n)
{
  (void)m;
  return (int)lnp_nd_row_ld(descr, n);
}

/* ---- CPU ------------------------------------------------------------ */

static void potrf_cpu(void *descr[], void *cl_arg)
{
  const lnp_chol_desc *d = cl_arg;
  lnp_codelets_count_loops(0, 1);
  char *A = LNP_ND_GET_PTR(descr[0]);
  int64_t *info = LNP_ND_GET_PTR(descr[1]);
  const int n = (int)d->n, ld = tile_ld(descr[0], d->m, d->n);
  if (d->row0 == 0) *info = 0;
#ifdef LNP_HAVE_LAPACKE
  lapack_int r;
  /* column-major upper of the row-major buffer: the row-major lower */
  switch (d->dtype) {
  case LNP_FLOAT32: r = LAPACKE_spotrf_work(LAPACK_COL_MAJOR, 'U', n, (float *)A, ld); break;
  case LNP_FLOAT64: r = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', n, (double *)A, ld); break;
  case LNP_COMPLEX64: r = LAPACKE_cpotrf_work(LAPACK_COL_MAJOR, 'U', n, (lapack_complex_float *)A, ld); break;
  default: r = LAPACKE_zpotrf_work(LAPACK_COL_MAJOR, 'U', n, (lapack_complex_double *)A, ld); break;
  }
  if (r > 0 && *info == 0) *info = d->row0 + r;
  else if (r < 0) lnp_codelets_report("potrf: bad argument %d", (int)-r);
#else
  lnp_codelets_report("potrf: built without LAPACKE");
  if (*info == 0) *info = -1;
#endif
  const size_t isz = lnp_dtype_size(d->dtype);
  for (int i = 0; i < n; i++) /* NumPy's L has zeros above the diagonal */
    memset(A + ((size_t)i * ld + i + 1) * isz, 0, (size_t)(n - i - 1) * isz);
}

static void tile_cpu(void *descr[], void *cl_arg)
{
  const lnp_chol_desc *d = cl_arg;
  lnp_codelets_count_loops(0, 1);
  const int m = (int)d->m, n = (int)d->n, k = (int)d->k;
  const size_t isz = lnp_dtype_size(d->dtype);
  const float complex c1f = 1.0f, cm1f = -1.0f;
  const double complex c1 = 1.0, cm1 = -1.0;
  switch (d->op) {
  case LNP_CHOL_ZERO: {
    char *C = LNP_ND_GET_PTR(descr[0]);
    const int ld = tile_ld(descr[0], m, n);
    for (int i = 0; i < m; i++) memset(C + (size_t)i * ld * isz, 0, (size_t)n * isz);
    break;
  }
  case LNP_CHOL_TRSM: { /* B = B L^-H: row-major, right side, L lower */
    const void *L = LNP_ND_GET_PTR(descr[0]);
    void *B = LNP_ND_GET_PTR(descr[1]);
    const int ldl = tile_ld(descr[0], n, n), ldb = tile_ld(descr[1], m, n);
    switch (d->dtype) {
    case LNP_FLOAT32: cblas_strsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, m, n, 1.0f, L, ldl, B, ldb); break;
    case LNP_FLOAT64: cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, m, n, 1.0, L, ldl, B, ldb); break;
    case LNP_COMPLEX64: cblas_ctrsm(CblasRowMajor, CblasRight, CblasLower, CblasConjTrans, CblasNonUnit, m, n, &c1f, L, ldl, B, ldb); break;
    default: cblas_ztrsm(CblasRowMajor, CblasRight, CblasLower, CblasConjTrans, CblasNonUnit, m, n, &c1, L, ldl, B, ldb); break;
    }
    break;
  }
  case LNP_CHOL_SYRK: { /* C = C - A A^H, lower */
    const void *A = LNP_ND_GET_PTR(descr[0]);
    void *C = LNP_ND_GET_PTR(descr[1]);
    const int lda = tile_ld(descr[0], m, k), ldc = tile_ld(descr[1], m, m);
    switch (d->dtype) {
    case LNP_FLOAT32: cblas_ssyrk(CblasRowMajor, CblasLower, CblasNoTrans, m, k, -1.0f, A, lda, 1.0f, C, ldc); break;
    case LNP_FLOAT64: cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, m, k, -1.0, A, lda, 1.0, C, ldc); break;
    case LNP_COMPLEX64: cblas_cherk(CblasRowMajor, CblasLower, CblasNoTrans, m, k, -1.0f, A, lda, 1.0f, C, ldc); break;
    default: cblas_zherk(CblasRowMajor, CblasLower, CblasNoTrans, m, k, -1.0, A, lda, 1.0, C, ldc); break;
    }
    break;
  }
  case LNP_CHOL_GEMM:
  case LNP_LU_GEMM: { /* C = C - A B^H; LU's C = C - A B */
    const void *A = LNP_ND_GET_PTR(descr[0]), *B = LNP_ND_GET_PTR(descr[1]);
    void *C = LNP_ND_GET_PTR(descr[2]);
    const int lu = d->op == LNP_LU_GEMM;
    const int lda = tile_ld(descr[0], m, k), ldb = lu ? tile_ld(descr[1], k, n) : tile_ld(descr[1], n, k),
              ldc = tile_ld(descr[2], m, n);
    const CBLAS_TRANSPOSE tb = lu ? CblasNoTrans : CblasTrans, cb = lu ? CblasNoTrans : CblasConjTrans;
    switch (d->dtype) {
    case LNP_FLOAT32: cblas_sgemm(CblasRowMajor, CblasNoTrans, tb, m, n, k, -1.0f, A, lda, B, ldb, 1.0f, C, ldc); break;
    case LNP_FLOAT64: cblas_dgemm(CblasRowMajor, CblasNoTrans, tb, m, n, k, -1.0, A, lda, B, ldb, 1.0, C, ldc); break;
    case LNP_COMPLEX64: cblas_cgemm(CblasRowMajor, CblasNoTrans, cb, m, n, k, &cm1f, A, lda, B, ldb, &c1f, C, ldc); break;
    default: cblas_zgemm(CblasRowMajor, CblasNoTrans, cb, m, n, k, &cm1, A, lda, B, ldb, &c1, C, ldc); break;
    }
    break;
  }
  case LNP_LU_TRSM_L:
  case LNP_LU_TRSM_U: { /* B = L^-1 B (unit lower) or U^-1 B: row-major, left side */
    const void *T = LNP_ND_GET_PTR(descr[0]);
    void *B = LNP_ND_GET_PTR(descr[1]);
    const int ldt = tile_ld(descr[0], m, m), ldb = tile_ld(descr[1], m, n);
    const CBLAS_UPLO ul = d->op == LNP_LU_TRSM_L ? CblasLower : CblasUpper;
    const CBLAS_DIAG dg = d->op == LNP_LU_TRSM_L ? CblasUnit : CblasNonUnit;
    switch (d->dtype) {
    case LNP_FLOAT32: cblas_strsm(CblasRowMajor, CblasLeft, ul, CblasNoTrans, dg, m, n, 1.0f, T, ldt, B, ldb); break;
    case LNP_FLOAT64: cblas_dtrsm(CblasRowMajor, CblasLeft, ul, CblasNoTrans, dg, m, n, 1.0, T, ldt, B, ldb); break;
    case LNP_COMPLEX64: cblas_ctrsm(CblasRowMajor, CblasLeft, ul, CblasNoTrans, dg, m, n, &c1f, T, ldt, B, ldb); break;
    default: cblas_ztrsm(CblasRowMajor, CblasLeft, ul, CblasNoTrans, dg, m, n, &c1, T, ldt, B, ldb); break;
    }
    break;
  }
  default:
    lnp_codelets_report("invalid Cholesky tile task (op %d)", d->op);
  }
}

/* ---- CUDA ----------------------------------------------------------- */
#ifdef LNP_HAVE_CUDA
/* A row-major tile is the column-major transpose: L_kk's buffer is the
 * column-major upper U = L^T, a row-major m x n tile B the column-major
 * n x m B^T.  TRSM: (B L^-H)^T = conj(L^-1) B^T = U^-H B^T (left, upper,
 * conjugate transpose); SYRK: (C - A A^H)^T = C^T - (A^T)^H A^T (upper,
 * op C on A^T); GEMM: (C - A B^H)^T = C^T - (B^T)^H A^T. */
static void tile_cuda(void *descr[], void *cl_arg)
{
  const lnp_chol_desc *d = cl_arg;
  lnp_codelets_count_loops(1, 1);
  const int m = (int)d->m, n = (int)d->n, k = (int)d->k;
  cublasHandle_t h = starpu_cublas_get_local_handle();
  cublasStatus_t rc = CUBLAS_STATUS_SUCCESS;
  const cublasOperation_t opc = d->dtype == LNP_COMPLEX64 || d->dtype == LNP_COMPLEX128 ? CUBLAS_OP_C : CUBLAS_OP_T;
  const float f1 = 1.0f, fm1 = -1.0f;
  const double d1 = 1.0, dm1 = -1.0;
  const cuComplex c1 = {1.0f, 0.0f}, cm1 = {-1.0f, 0.0f};
  const cuDoubleComplex z1 = {1.0, 0.0}, zm1 = {-1.0, 0.0};
  switch (d->op) {
  case LNP_CHOL_ZERO: {
    const int ld = tile_ld(descr[0], m, n);
    const size_t isz = lnp_dtype_size(d->dtype);
    if (cudaMemset2DAsync(LNP_ND_GET_PTR(descr[0]), (size_t)ld * isz, 0, (size_t)n * isz, (size_t)m,
                          starpu_cuda_get_local_stream()) != cudaSuccess) {
      (void)cudaGetLastError();
      lnp_codelets_report("failed CUDA Cholesky zero task");
    }
    return;
  }
  case LNP_CHOL_TRSM: {
    const void *L = LNP_ND_GET_PTR(descr[0]);
    void *B = LNP_ND_GET_PTR(descr[1]);
    const int ldl = tile_ld(descr[0], n, n), ldb = tile_ld(descr[1], m, n);
    const cublasSideMode_t s = CUBLAS_SIDE_LEFT;
    const cublasFillMode_t u = CUBLAS_FILL_MODE_UPPER;
    const cublasDiagType_t nu = CUBLAS_DIAG_NON_UNIT;
    switch (d->dtype) {
    case LNP_FLOAT32: rc = cublasStrsm(h, s, u, opc, nu, n, m, &f1, L, ldl, B, ldb); break;
    case LNP_FLOAT64: rc = cublasDtrsm(h, s, u, opc, nu, n, m, &d1, L, ldl, B, ldb); break;
    case LNP_COMPLEX64: rc = cublasCtrsm(h, s, u, opc, nu, n, m, &c1, L, ldl, B, ldb); break;
    default: rc = cublasZtrsm(h, s, u, opc, nu, n, m, &z1, L, ldl, B, ldb); break;
    }
    break;
  }
  case LNP_CHOL_SYRK: {
    const void *A = LNP_ND_GET_PTR(descr[0]);
    void *C = LNP_ND_GET_PTR(descr[1]);
    const int lda = tile_ld(descr[0], m, k), ldc = tile_ld(descr[1], m, m);
    const cublasFillMode_t u = CUBLAS_FILL_MODE_UPPER;
    switch (d->dtype) {
    case LNP_FLOAT32: rc = cublasSsyrk(h, u, opc, m, k, &fm1, A, lda, &f1, C, ldc); break;
    case LNP_FLOAT64: rc = cublasDsyrk(h, u, opc, m, k, &dm1, A, lda, &d1, C, ldc); break;
    case LNP_COMPLEX64: rc = cublasCherk(h, u, opc, m, k, &fm1, A, lda, &f1, C, ldc); break;
    default: rc = cublasZherk(h, u, opc, m, k, &dm1, A, lda, &d1, C, ldc); break;
    }
    break;
  }
  case LNP_CHOL_GEMM:
  case LNP_LU_GEMM: { /* (C - A B^H)^T = C^T - conj(B) A^T; LU's (C - A B)^T = C^T - B^T A^T */
    const void *A = LNP_ND_GET_PTR(descr[0]), *B = LNP_ND_GET_PTR(descr[1]);
    void *C = LNP_ND_GET_PTR(descr[2]);
    const int lu = d->op == LNP_LU_GEMM;
    const int lda = tile_ld(descr[0], m, k), ldb = lu ? tile_ld(descr[1], k, n) : tile_ld(descr[1], n, k),
              ldc = tile_ld(descr[2], m, n);
    const cublasOperation_t N = CUBLAS_OP_N, ob = lu ? N : opc;
    switch (d->dtype) {
    case LNP_FLOAT32: rc = cublasSgemm(h, ob, N, n, m, k, &fm1, B, ldb, A, lda, &f1, C, ldc); break;
    case LNP_FLOAT64: rc = cublasDgemm(h, ob, N, n, m, k, &dm1, B, ldb, A, lda, &d1, C, ldc); break;
    case LNP_COMPLEX64: rc = cublasCgemm(h, ob, N, n, m, k, &cm1, B, ldb, A, lda, &c1, C, ldc); break;
    default: rc = cublasZgemm(h, ob, N, n, m, k, &zm1, B, ldb, A, lda, &z1, C, ldc); break;
    }
    break;
  }
  case LNP_LU_TRSM_L:
  case LNP_LU_TRSM_U: { /* (T^-1 B)^T = B^T T^-T: right side, T's buffer read column-major is T^T */
    const void *T = LNP_ND_GET_PTR(descr[0]);
    void *B = LNP_ND_GET_PTR(descr[1]);
    const int ldt = tile_ld(descr[0], m, m), ldb = tile_ld(descr[1], m, n);
    const cublasSideMode_t s = CUBLAS_SIDE_RIGHT;
    const cublasFillMode_t u = d->op == LNP_LU_TRSM_L ? CUBLAS_FILL_MODE_UPPER : CUBLAS_FILL_MODE_LOWER;
    const cublasDiagType_t dg = d->op == LNP_LU_TRSM_L ? CUBLAS_DIAG_UNIT : CUBLAS_DIAG_NON_UNIT;
    const cublasOperation_t N = CUBLAS_OP_N;
    switch (d->dtype) {
    case LNP_FLOAT32: rc = cublasStrsm(h, s, u, N, dg, n, m, &f1, T, ldt, B, ldb); break;
    case LNP_FLOAT64: rc = cublasDtrsm(h, s, u, N, dg, n, m, &d1, T, ldt, B, ldb); break;
    case LNP_COMPLEX64: rc = cublasCtrsm(h, s, u, N, dg, n, m, &c1, T, ldt, B, ldb); break;
    default: rc = cublasZtrsm(h, s, u, N, dg, n, m, &z1, T, ldt, B, ldb); break;
    }
    break;
  }
  default:
    lnp_codelets_report("invalid Cholesky tile task (op %d)", d->op);
    return;
  }
  if (rc != CUBLAS_STATUS_SUCCESS) lnp_codelets_report("cuBLAS Cholesky tile op %d failed (status %d)", d->op, (int)rc);
}


static int chol_can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
  (void)nimpl;
  return lnp_codelets_may_run(workerid, task, 1);
}
/* cholesky_cuda.cu: cuSOLVER */
void lnp_potrf_cuda(void *descr[], void *cl_arg);
#endif

static uint32_t chol_footprint(struct starpu_task *task)
{
  const lnp_chol_desc *d = task->cl_arg;
  const int64_t key[4] = {(int64_t)d->op << 8 | d->dtype, d->m, d->n, d->k};
  return starpu_hash_crc32c_be_n(key, sizeof key, 0);
}

static struct starpu_perfmodel lnp_potrf_model = {
    .type = STARPU_HISTORY_BASED, .symbol = "lnp_potrf", .footprint = chol_footprint};
static struct starpu_perfmodel lnp_chol_tile_model = {
    .type = STARPU_HISTORY_BASED, .symbol = "lnp_chol_tile", .footprint = chol_footprint};

/* on GPUs too: a CPU-only POTRF sends the diagonal tile to the host and
 * back at every step of the factorization */
struct starpu_codelet lnp_cl_potrf = {
#ifdef LNP_HAVE_CUDA
                                      .where = STARPU_CPU | STARPU_CUDA,
                                      .can_execute = chol_can_execute,
                                      .cuda_funcs = {lnp_potrf_cuda},
                                      .cuda_flags = {STARPU_CUDA_ASYNC},
#endif
                                      .cpu_funcs = {potrf_cpu},
                                      /* variable: info is W for the first tile */
                                      .nbuffers = STARPU_VARIABLE_NBUFFERS,
                                      .model = &lnp_potrf_model,
                                      .name = "lnp_potrf"};

struct starpu_codelet lnp_cl_chol_tile = {
#ifdef LNP_HAVE_CUDA
    .where = STARPU_CPU | STARPU_CUDA,
    .can_execute = chol_can_execute,
    .cuda_funcs = {tile_cuda},
    .cuda_flags = {STARPU_CUDA_ASYNC},
#endif
    .cpu_funcs = {tile_cpu},
    .nbuffers = STARPU_VARIABLE_NBUFFERS,
    .model = &lnp_chol_tile_model,
    .name = "lnp_chol_tile"};
