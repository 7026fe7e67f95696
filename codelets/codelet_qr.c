/* The tile kernels of the tiled QR (qr.h) on CPU workers: LAPACK's LQ tile
 * kernels (gelqt, gemlqt, tplqt, tpmlqt) on the transposed tiles, one
 * codelet with a history-based perfmodel per op, dtype and tile size.
 * (cuSOLVER has no triangle-on-top-of-square kernels: no CUDA version.) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <complex.h>
#include <stdlib.h>

#ifdef LNP_HAVE_LAPACKE
#include <lapacke.h>
#endif

#include "../data-interfaces/dtypes.h"
#include "../data-interfaces/nd_interface.h"
#include "qr.h"

#ifdef LNP_HAVE_LAPACKE
/* a row-major tile's rows, columns and row stride (at least its columns) */
static lapack_int rows_of(void *t) { return (lapack_int)(LNP_ND_GET_NDIM(t) >= 1 ? LNP_ND_GET_SHAPE(t)[0] : 1); }
static lapack_int cols_of(void *t) { return (lapack_int)(LNP_ND_GET_NDIM(t) == 2 ? LNP_ND_GET_SHAPE(t)[1] : 1); }
static lapack_int ld_of(void *t) { return (lapack_int)lnp_nd_row_ld(t, cols_of(t)); }
static lapack_int max3(lapack_int a, lapack_int b, lapack_int c) { return a > b ? (a > c ? a : c) : (b > c ? b : c); }

/* LAPACK's LQ tile kernels, called directly (column-major, no LAPACKE
 * NaN scan: a NaN is the result's, as in NumPy): lapack.h declares tplqt
 * and tpmlqt; gelqt and gemlqt (LAPACK 3.7) have no declaration in
 * Debian's LAPACKE headers.  gfortran appends the character arguments'
 * lengths. */
#define LNP_DECL_LQ(p)                                                                                         \
  void p##gelqt_(const lapack_int *m, const lapack_int *n, const lapack_int *mb, void *a, const lapack_int *lda,  \
                 void *t, const lapack_int *ldt, void *work, lapack_int *info);                                  \
  void p##gemlqt_(const char *side, const char *trans, const lapack_int *m, const lapack_int *n,                  \
                  const lapack_int *k, const lapack_int *mb, const void *v, const lapack_int *ldv, const void *t, \
                  const lapack_int *ldt, void *c, const lapack_int *ldc, void *work, lapack_int *info, size_t,    \
                  size_t);
LNP_DECL_LQ(s)
LNP_DECL_LQ(d)
LNP_DECL_LQ(c)
LNP_DECL_LQ(z)
/* one call per dtype: s, d, c, z (the pointer types are the only
 * difference); P is the prefix macro's way to name the routine */
#define LNP_QR_CALL(dt, S, D, C, Z, ...)                                      \
  switch (dt) {                                                               \
  case LNP_FLOAT32: S(__VA_ARGS__); break;                                    \
  case LNP_FLOAT64: D(__VA_ARGS__); break;                                    \
  case LNP_COMPLEX64: C(__VA_ARGS__); break;                                  \
  default: Z(__VA_ARGS__); break;                                             \
  }
#endif

/* A C-ordered tile read column-major is its transpose, so A's QR is the LQ
 * of A^T (R = L^T, Q = Q_lq^T): every op is LAPACK's LQ counterpart on the
 * transposed tiles, with Q applied from the right (Q^H's transpose is
 * Q_lq^H, trans 'C', 'T' for reals) -- and no tile is ever transposed.
 * T's tiles are n_k x ib, read column-major as LAPACK's ib x n_k T. */
static void qr_tile_cpu(void *descr[], void *cl_arg)
{
  const lnp_qr_desc *d = cl_arg;
  lnp_codelets_count_loops(0, 1);
#ifdef LNP_HAVE_LAPACKE
  const lapack_int ib = (lapack_int)d->ib;
  const char tr = d->dtype == LNP_COMPLEX64 || d->dtype == LNP_COMPLEX128 ? 'C' : 'T';
  lapack_int r = 0;
  void *p0 = LNP_ND_GET_PTR(descr[0]), *p1 = LNP_ND_GET_PTR(descr[1]);
  /* the largest dimension of the op's tiles: LAPACK's workspace is ib x it */
  lapack_int big = max3(rows_of(descr[0]), cols_of(descr[0]), rows_of(descr[1]));
  if (d->op != LNP_QR_GEQRT) big = max3(big, rows_of(descr[2]), cols_of(descr[2]));
  void *w = malloc((size_t)ib * (size_t)(big > 0 ? big : 1) * lnp_dtype_size(d->dtype));
  if (!w) {
    lnp_codelets_report("QR tile: out of memory");
    return;
  }
  const lapack_int zero = 0;
  switch (d->op) {
  case LNP_QR_GEQRT: { /* A_kk^T = L Q_lq */
    const lapack_int m = cols_of(descr[0]), n = rows_of(descr[0]), lda = ld_of(descr[0]), ldt = ld_of(descr[1]);
    LNP_QR_CALL(d->dtype, sgelqt_, dgelqt_, cgelqt_, zgelqt_, &m, &n, &ib, p0, &lda, p1, &ldt, w, &r);
    break;
  }
  case LNP_QR_GEMQRT: { /* C^T := C^T Q_lq^H (C = Q^H C) */
    void *c = LNP_ND_GET_PTR(descr[2]);
    const lapack_int m = cols_of(descr[2]), n = rows_of(descr[2]), k = cols_of(descr[0]), ldv = ld_of(descr[0]),
                     ldt = ld_of(descr[1]), ldc = ld_of(descr[2]);
    LNP_QR_CALL(d->dtype, sgemlqt_, dgemlqt_, cgemlqt_, zgemlqt_, "R", &tr, &m, &n, &k, &ib, p0, &ldv, p1, &ldt, c,
                &ldc, w, &r, 1, 1);
    break;
  }
  case LNP_QR_TPQRT: { /* [L_kk  A_ik^T] = [L 0] Q_lq */
    void *t = LNP_ND_GET_PTR(descr[2]);
    const lapack_int m = cols_of(descr[0]), n = rows_of(descr[1]), lda = ld_of(descr[0]), ldb = ld_of(descr[1]),
                     ldt = ld_of(descr[2]);
    LNP_QR_CALL(d->dtype, LAPACK_stplqt, LAPACK_dtplqt, LAPACK_ctplqt, LAPACK_ztplqt, &m, &n, &zero, &ib, p0, &lda,
                p1, &ldb, t, &ldt, w, &r);
    break;
  }
  case LNP_QR_TPMQRT: { /* [C_kj^T  C_ij^T] := [C_kj^T  C_ij^T] Q_lq^H */
    void *a = LNP_ND_GET_PTR(descr[2]), *b = LNP_ND_GET_PTR(descr[3]);
    const lapack_int m = cols_of(descr[3]), n = rows_of(descr[3]), k = cols_of(descr[0]), ldv = ld_of(descr[0]),
                     ldt = ld_of(descr[1]), lda = ld_of(descr[2]), ldb = ld_of(descr[3]);
    LNP_QR_CALL(d->dtype, LAPACK_stpmlqt, LAPACK_dtpmlqt, LAPACK_ctpmlqt, LAPACK_ztpmlqt, "R", &tr, &m, &n, &k,
                &zero, &ib, p0, &ldv, p1, &ldt, a, &lda, b, &ldb, w, &r);
    break;
  }
  default: lnp_codelets_report("invalid QR tile task (op %d)", d->op);
  }
  free(w);
  if (r != 0) lnp_codelets_report("LAPACK QR tile op %d failed (info %d)", d->op, (int)r);
#else
  lnp_codelets_report("QR tiles: built without LAPACKE (op %d)", d->op);
#endif
}

static uint32_t qr_footprint(struct starpu_task *task)
{
  const lnp_qr_desc *d = task->cl_arg;
  const int64_t key[4] = {(int64_t)d->op << 8 | d->dtype, d->m, d->n, d->k};
  return starpu_hash_crc32c_be_n(key, sizeof key, 0);
}

static struct starpu_perfmodel lnp_qr_tile_model = {
    .type = STARPU_HISTORY_BASED, .symbol = "lnp_qr_tile", .footprint = qr_footprint};

struct starpu_codelet lnp_cl_qr_tile = {.where = STARPU_CPU,
                                        .cpu_funcs = {qr_tile_cpu},
                                        .nbuffers = STARPU_VARIABLE_NBUFFERS,
                                        .model = &lnp_qr_tile_model,
                                        .name = "lnp_qr_tile"};
