/* The matmul codelet, lnp_cl_matmul (see codelets.h), in the manner of
 * Chameleon's codelet_zgemm.c: the task's arguments, the CPU function
 * (OpenBLAS for float32/64 and complex, a generic loop for other dtypes),
 * the CUDA function (cuBLAS), where it may run, the codelet with its
 * perfmodel and the GPU cost the scheduler uses.  Tasks are inserted by
 * numpy/matmul.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <cblas.h>
#include <limits.h>
#include <string.h>

#include "../data-interfaces/nd_interface.h"
#include "loop_cpu.h"
#ifdef LNP_HAVE_CUDA
#include <cublas_v2.h>
#include <starpu_cublas_v2.h>
#endif

/* the generic matmul loops want the vectorizer at -O2 too (see loop_cpu.c) */
#if defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif

/* acc += a * b per element kind (compute types of loop_cpu.h) */
#define LNP_MAC_b(acc, a, b) ((acc) | ((a) & (b)))
#define LNP_MAC_i(acc, a, b) LNP_WADD(acc, LNP_WMUL(a, b))
#define LNP_MAC_u LNP_MAC_i
#define LNP_MAC_f(acc, a, b) ((acc) + (a) * (b))
#define LNP_MAC_c(acc, a, b) ((acc) + LNP_C2(mul, a, b))

#define LNP_MM_JB 256
/* i, k, j order over blocks of LNP_MM_JB columns of C accumulated in the
 * compute type; strides in bytes {row, column} */
#define LNP_DEF_MATMUL(E, T, N, K)                                             \
  static void lnp_matmul_##N(const lnp_matmul_desc *md, char *C, const char *A, \
                             const char *B, const int64_t *sc, const int64_t *sa, \
                             const int64_t *sb)                                \
  {                                                                            \
    typedef LNP_CT_##K(T) ct;                                                  \
    ct acc[LNP_MM_JB];                                                         \
    for (int64_t i = 0; i < md->m; i++) {                                      \
      for (int64_t j0 = 0; j0 < md->n; j0 += LNP_MM_JB) {                      \
        const int64_t jn = md->n - j0 < LNP_MM_JB ? md->n - j0 : LNP_MM_JB;    \
        char *crow = C + i * sc[0] + j0 * sc[1];                               \
        for (int64_t j = 0; j < jn; j++)                                       \
          acc[j] = md->beta_zero ? (ct)0 : LNP_LD_##K(*(const T *)(crow + j * sc[1])); \
        for (int64_t k = 0; k < md->k; k++) {                                  \
          const ct a = LNP_LD_##K(*(const T *)(A + i * sa[0] + k * sa[1]));    \
          const char *brow = B + k * sb[0] + j0 * sb[1];                       \
          if (sb[1] == (int64_t)sizeof(T)) {                                   \
            const T *b = (const T *)brow;                                      \
            for (int64_t j = 0; j < jn; j++)                                   \
              acc[j] = LNP_EKM(LNP_MAC_, K)(acc[j], a, LNP_LD_##K(b[j])); \
          } else {                                                             \
            for (int64_t j = 0; j < jn; j++)                                   \
              acc[j] = LNP_EKM(LNP_MAC_, K)(acc[j], a,                  \
                                            LNP_LD_##K(*(const T *)(brow + j * sb[1]))); \
          }                                                                    \
        }                                                                      \
        for (int64_t j = 0; j < jn; j++) *(T *)(crow + j * sc[1]) = LNP_ST_##K(acc[j]); \
      }                                                                        \
    }                                                                          \
  }
LNP_FOR_ALL(LNP_DEF_MATMUL)
#undef LNP_DEF_MATMUL

typedef void (*lnp_matmul_fn)(const lnp_matmul_desc *, char *, const char *, const char *,
                              const int64_t *, const int64_t *, const int64_t *);
#define LNP_MM_ENTRY(E, T, N, K) [E] = lnp_matmul_##N,
static const lnp_matmul_fn lnp_matmul_table[LNP_NTYPES] = {LNP_FOR_ALL(LNP_MM_ENTRY)};
#undef LNP_MM_ENTRY

int lnp_matmul_supported(int dtype) { return dtype >= 0 && dtype < LNP_NTYPES; }

/* BLAS takes row-major matrices with unit column stride and int sizes. */
static int lnp_blas_ok(const int64_t *st, int64_t cols)
{
  return st[1] == 1 && st[0] >= (cols > 1 ? cols : 1) && st[0] <= INT_MAX;
}

int lnp_matmul_host(const lnp_matmul_desc *md, void *C, const void *A, const void *B,
                    const int64_t *c_strides, const int64_t *a_strides,
                    const int64_t *b_strides)
{
  if (!md || !lnp_matmul_supported(md->dtype) || md->m < 0 || md->n < 0 || md->k < 0) return -1;
  const int64_t m = md->m, n = md->n, k = md->k;
  const int64_t cc[2] = {n, 1}, ca[2] = {k, 1}, cb[2] = {n, 1};
  const int64_t *sc = c_strides ? c_strides : cc;
  const int64_t *sa = a_strides ? a_strides : ca;
  const int64_t *sb = b_strides ? b_strides : cb;
  if (m == 0 || n == 0) return 0;
  const int dt = md->dtype;
  const int blas = (dt == LNP_FLOAT32 || dt == LNP_FLOAT64 || dt == LNP_COMPLEX64 || dt == LNP_COMPLEX128) &&
                   k > 0 && m <= INT_MAX && n <= INT_MAX && k <= INT_MAX && lnp_blas_ok(sc, n) &&
                   lnp_blas_ok(sa, k) && lnp_blas_ok(sb, n);
  if (blas) {
    const int M = (int)m, N = (int)n, K = (int)k;
    const int lda = (int)sa[0], ldb = (int)sb[0], ldc = (int)sc[0];
    /* a row or a column of C: gemv, as NumPy's matmul does for vectors
     * (OpenBLAS 0.3.21's gemm packs the panel first, twice the memory
     * traffic: v @ X and X.T @ v of a tall X ran at half NumPy's speed) */
    if ((m == 1 || n == 1) && (dt == LNP_FLOAT32 || dt == LNP_FLOAT64)) {
      const enum CBLAS_TRANSPOSE tr = m == 1 ? CblasTrans : CblasNoTrans;
      /* m == 1: C^T = B^T A^T (B is K x N); else C = A B with B a column */
      const int rows = m == 1 ? K : M, cols = m == 1 ? N : K, ld = m == 1 ? ldb : lda;
      const void *mat = m == 1 ? B : A, *vec = m == 1 ? A : B;
      const int incx = m == 1 ? (int)sa[1] : ldb, incy = m == 1 ? (int)sc[1] : ldc;
      if (dt == LNP_FLOAT32)
        cblas_sgemv(CblasRowMajor, tr, rows, cols, 1.0f, mat, ld, vec, incx, md->beta_zero ? 0.0f : 1.0f, C, incy);
      else
        cblas_dgemv(CblasRowMajor, tr, rows, cols, 1.0, mat, ld, vec, incx, md->beta_zero ? 0.0 : 1.0, C, incy);
      return 0;
    }
    switch (dt) {
    case LNP_FLOAT32:
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A, lda, B, ldb,
                  md->beta_zero ? 0.0f : 1.0f, C, ldc);
      return 0;
    case LNP_FLOAT64:
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0, A, lda, B, ldb,
                  md->beta_zero ? 0.0 : 1.0, C, ldc);
      return 0;
    case LNP_COMPLEX64: {
      const float complex one = 1.0f, beta = md->beta_zero ? 0.0f : 1.0f;
      cblas_cgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, &one, A, lda, B, ldb, &beta, C, ldc);
      return 0;
    }
    default: {
      const double complex one = 1.0, beta = md->beta_zero ? 0.0 : 1.0;
      cblas_zgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, &one, A, lda, B, ldb, &beta, C, ldc);
      return 0;
    }
    }
  }
  const int64_t isz = (int64_t)lnp_dtype_size(dt);
  const int64_t bc[2] = {sc[0] * isz, sc[1] * isz}, ba[2] = {sa[0] * isz, sa[1] * isz},
                bb[2] = {sb[0] * isz, sb[1] * isz};
  lnp_matmul_table[dt](md, C, A, B, bc, ba, bb);
  return 0;
}

/* {row, column} element strides of a tile holding a rows x cols matrix.
 * A compact tile is that matrix in C order whatever its interface's shape:
 * the tile of a reshape alias (a (2, 12) store over a (2, 3, 4) tile) has
 * its source's shape, whose last strides are not the matrix's. */
static void lnp_mat_strides(void *iface, int64_t rows, int64_t cols, int64_t *st)
{
  const int nd = LNP_ND_GET_NDIM(iface);
  const int64_t *s = LNP_ND_GET_STRIDES(iface);
  const uint64_t *shape = LNP_ND_GET_SHAPE(iface);
  (void)rows;
  int64_t expect = 1;
  int compact = 1;
  for (int d = nd - 1; d >= 0 && compact; d--) {
    compact = shape[d] <= 1 || s[d] == expect;
    expect *= (int64_t)shape[d];
  }
  if (compact) {
    st[0] = cols;
    st[1] = 1;
  } else if (nd >= 2) {
    st[0] = s[nd - 2];
    st[1] = s[nd - 1];
  } else if (nd == 1 && cols != 1) { /* a row vector */
    st[1] = s[0];
    st[0] = cols * s[0];
  } else if (nd == 1) { /* a column vector */
    st[0] = s[0];
    st[1] = 1;
  } else {
    st[0] = cols;
    st[1] = 1;
  }
}

/* The task's lnp_matmul_desc: given raw (STARPU_CL_ARGS) or packed by
 * starpu_task_insert(..., STARPU_VALUE, &desc, sizeof desc, ...). */
static int lnp_matmul_get_desc(struct starpu_task *task, lnp_matmul_desc *md)
{
  if (!task->cl_arg) return -1;
  if (task->cl_arg_size == sizeof *md) {
    memcpy(md, task->cl_arg, sizeof *md);
    return 0;
  }
  int nargs;
  size_t sz;
  memcpy(&nargs, task->cl_arg, sizeof nargs);
  memcpy(&sz, (const char *)task->cl_arg + sizeof nargs, sizeof sz);
  if (nargs != 1 || sz != sizeof *md) return -1;
  starpu_codelet_unpack_args(task->cl_arg, md);
  return 0;
}

/* Multiply-adds a thread of a group worker takes at least (a parallel
 * region and BLAS's packing cost a few microseconds). */
#define LNP_MATMUL_PAR_MIN_FMA (1 << 20)

/* lnp_matmul_host over nthreads OpenMP threads (a group worker's): C's rows
 * (or its columns when it has fewer rows than threads) in contiguous
 * blocks, each one single-threaded BLAS call; k is never split, so each
 * element of C is the sum the one call would form. */
int lnp_matmul_host_threads(const lnp_matmul_desc *md, void *C, const void *A, const void *B, const int64_t *sc,
                            const int64_t *sa, const int64_t *sb, int nthreads)
{
  if (!md || md->m < 0 || md->n < 0 || md->k < 0) return -1;
  if (!sc || !sa || !sb) nthreads = 1;
  const double fma = (double)md->m * (double)md->n * (double)(md->k > 0 ? md->k : 1);
  int nt = lnp_cpu_split(nthreads, fma, LNP_MATMUL_PAR_MIN_FMA, md->m > md->n ? md->m : md->n);
  const int by_rows = md->m >= nt || md->m >= md->n; /* (then nt <= span) */
  const int64_t span = by_rows ? md->m : md->n;
  if (nt <= 1) return lnp_matmul_host(md, C, A, B, sc, sa, sb);
  const int64_t isz = (int64_t)lnp_dtype_size(md->dtype);
  int rc = 0;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static) reduction(| : rc)
#endif
  for (int t = 0; t < nt; t++) {
    const int64_t lo = span * t / nt, hi = span * (t + 1) / nt;
    lnp_matmul_desc part = *md;
    if (by_rows) {
      part.m = hi - lo;
      rc |= lnp_matmul_host(&part, (char *)C + lo * sc[0] * isz, (const char *)A + lo * sa[0] * isz, B, sc, sa, sb);
    } else {
      part.n = hi - lo;
      rc |= lnp_matmul_host(&part, (char *)C + lo * sc[1] * isz, A, (const char *)B + lo * sb[1] * isz, sc, sa, sb);
    }
  }
  return rc ? -1 : 0;
}

static void lnp_matmul_cpu(void *descr[], void *cl_arg)
{
  lnp_codelets_count_loops(0, 1);
  struct starpu_task *task = starpu_task_get_current();
  lnp_matmul_desc desc, *md = &desc;
  (void)cl_arg;
  if (STARPU_TASK_GET_NBUFFERS(task) != 3 || lnp_matmul_get_desc(task, md)) {
    lnp_codelets_report("invalid matmul task (needs 3 buffers C, A, B and a lnp_matmul_desc)");
    return;
  }
  int64_t sc[2], sa[2], sb[2];
  lnp_mat_strides(descr[0], md->m, md->n, sc);
  lnp_mat_strides(descr[1], md->m, md->k, sa);
  lnp_mat_strides(descr[2], md->k, md->n, sb);
  if (lnp_matmul_host_threads(md, LNP_ND_GET_PTR(descr[0]), LNP_ND_GET_PTR(descr[1]), LNP_ND_GET_PTR(descr[2]),
                              sc, sa, sb, lnp_cpu_task_threads()) != 0)
    lnp_codelets_report("invalid matmul task (dtype %d)", md->dtype);
}

#ifdef LNP_HAVE_CUDA
/* cuBLAS takes the BLAS dtypes; other dtypes run on the CPU. */
static int lnp_matmul_cuda_dtype(int dt)
{
  return dt == LNP_FLOAT32 || dt == LNP_FLOAT64 || dt == LNP_COMPLEX64 || dt == LNP_COMPLEX128;
}

static int lnp_matmul_can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
  (void)nimpl;
  lnp_matmul_desc md;
  const int cuda_ok = lnp_matmul_get_desc(task, &md) == 0 && lnp_matmul_cuda_dtype(md.dtype) &&
                      md.m <= INT_MAX && md.n <= INT_MAX && md.k <= INT_MAX;
  return lnp_codelets_may_run(workerid, task, cuda_ok);
}

/* Row-major C(m,n) = A(m,k) B(k,n) is column-major C^T = B^T A^T: cuBLAS
 * gets B first, with the row strides as leading dimensions.  Runs on the
 * worker's stream (starpu_cublas_init set it); STARPU_CUDA_ASYNC. */
static void lnp_matmul_cuda(void *descr[], void *cl_arg)
{
  struct starpu_task *task = starpu_task_get_current();
  lnp_matmul_desc md;
  (void)cl_arg;
  lnp_codelets_count_loops(1, 1);
  if (STARPU_TASK_GET_NBUFFERS(task) != 3 || lnp_matmul_get_desc(task, &md) || !lnp_matmul_cuda_dtype(md.dtype)) {
    lnp_codelets_report("invalid matmul task for cuBLAS");
    return;
  }
  if (md.m == 0 || md.n == 0) return;
  int64_t sc[2], sa[2], sb[2];
  lnp_mat_strides(descr[0], md.m, md.n, sc);
  lnp_mat_strides(descr[1], md.m, md.k, sa);
  lnp_mat_strides(descr[2], md.k, md.n, sb);
  const int M = (int)md.m, N = (int)md.n, K = (int)md.k;
  /* leading dimensions: at least the column-major row count */
  const int ldc = (int)(sc[0] > N ? sc[0] : N), lda = (int)(sa[0] > K ? sa[0] : K),
            ldb = (int)(sb[0] > N ? sb[0] : N);
  void *C = LNP_ND_GET_PTR(descr[0]);
  const void *A = LNP_ND_GET_PTR(descr[1]), *B = LNP_ND_GET_PTR(descr[2]);
  cublasHandle_t h = starpu_cublas_get_local_handle();
  cublasStatus_t rc;
  switch (md.dtype) {
  case LNP_FLOAT32: {
    const float one = 1.0f, beta = md.beta_zero ? 0.0f : 1.0f;
    rc = cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, N, M, K, &one, B, ldb, A, lda, &beta, C, ldc);
    break;
  }
  case LNP_FLOAT64: {
    const double one = 1.0, beta = md.beta_zero ? 0.0 : 1.0;
    rc = cublasDgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, N, M, K, &one, B, ldb, A, lda, &beta, C, ldc);
    break;
  }
  case LNP_COMPLEX64: {
    const cuComplex one = {1.0f, 0.0f}, beta = {md.beta_zero ? 0.0f : 1.0f, 0.0f};
    rc = cublasCgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, N, M, K, &one, B, ldb, A, lda, &beta, C, ldc);
    break;
  }
  default: {
    const cuDoubleComplex one = {1.0, 0.0}, beta = {md.beta_zero ? 0.0 : 1.0, 0.0};
    rc = cublasZgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, N, M, K, &one, B, ldb, A, lda, &beta, C, ldc);
    break;
  }
  }
  if (rc != CUBLAS_STATUS_SUCCESS) lnp_codelets_report("cuBLAS gemm failed (status %d)", (int)rc);
}
#endif

static uint32_t lnp_matmul_footprint(struct starpu_task *task)
{
  lnp_matmul_desc md;
  if (lnp_matmul_get_desc(task, &md)) return 0;
  const int64_t dims[3] = {md.m, md.n, md.k};
  uint32_t h = starpu_hash_crc32c_be((uint32_t)md.dtype, 0);
  h = starpu_hash_crc32c_be((uint32_t)md.beta_zero, h);
  return starpu_hash_crc32c_be_n(dims, sizeof dims, h);
}

static struct starpu_perfmodel lnp_matmul_model = {
    .type = STARPU_HISTORY_BASED,
    .symbol = "lnp_matmul",
    .footprint = lnp_matmul_footprint,
};

struct starpu_codelet lnp_cl_matmul = {
#ifdef LNP_HAVE_CUDA
    .where = STARPU_CPU | STARPU_CUDA,
    .can_execute = lnp_matmul_can_execute,
    .cuda_funcs = {lnp_matmul_cuda},
    .cuda_flags = {STARPU_CUDA_ASYNC},
#endif
    .cpu_funcs = {lnp_matmul_cpu},
    .type = STARPU_FORKJOIN,
    .max_parallelism = INT_MAX,
    /* C, A, B.  Variable so that each task gives its own modes (a fixed
     * count makes StarPU pin the first task's modes into the codelet): C is
     * STARPU_W when beta_zero (the old C is not fetched), else STARPU_RW. */
    .nbuffers = STARPU_VARIABLE_NBUFFERS,
    .model = &lnp_matmul_model,
    .name = "lnp_matmul",
};

/* A GPU's time for a matmul task (an H100's ~50 TFLOP/s GEMM), or -1 if the
 * task is not one: the scheduler's placement (lnp_codelets_task_cost_us). */
double lnp_matmul_cost_us(struct starpu_task *task)
{
  lnp_matmul_desc md;
  if (task->cl != &lnp_cl_matmul || lnp_matmul_get_desc(task, &md) != 0) return -1;
  const double cplx = md.dtype == LNP_COMPLEX64 || md.dtype == LNP_COMPLEX128 ? 4.0 : 1.0;
  return 10.0 + cplx * 2.0 * (double)md.m * (double)md.n * (double)md.k / 5.0e7;
}
