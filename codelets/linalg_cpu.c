/* CPU kernels of the linear-algebra task (linalg.h): LAPACKE's drivers,
 * once per matrix of the batch, generated per dtype (float32, float64,
 * complex64, complex128: LAPACK's s, d, c, z). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg.h"
#include "../data-interfaces/dtypes.h"

/* the buffer of each op's info (linalg.h; -1: none) */
static const int info_buf[LNP_LA_NOPS] = {1, 1, 2, -1, 2, 2, 2, 3, 4, 2};

#ifdef LNP_HAVE_LAPACKE
#include <complex.h>
#include <lapacke.h>

/* The eigenvalues (w) and, vec, right eigenvectors (v, columns) of the
 * n x n A, both complex (pairs of R), as NumPy's eig returns them: a real
 * matrix's geev gives real parts and imaginary parts apart, and a complex
 * pair's vectors as the real and imaginary columns of the first; they are
 * unpacked into conjugate columns. */
#define LNP_GEEV_REAL(P, R)                                                                     \
  static lapack_int geev_##P(lapack_int n, R *A, R *w, R *v, int vec)                          \
  {                                                                                             \
    R *wr = malloc(sizeof(R) * (size_t)(2 * n + (vec ? (int64_t)n * n : 0)));                 \
    if (!wr) return -1000;                                                                      \
    R *wi = wr + n, *vr = wi + n, dummy[1];                                                     \
    lapack_int info = LAPACKE_##P##geev(LAPACK_ROW_MAJOR, 'N', vec ? 'V' : 'N', n, A, n, wr, wi, \
                                        dummy, 1, vec ? vr : dummy, n);                         \
    for (lapack_int j = 0; j < n; j++) w[2 * j] = wr[j], w[2 * j + 1] = wi[j];                 \
    for (lapack_int j = 0; vec && info == 0 && j < n; j++)                                    \
      for (lapack_int i = 0; i < n; i++) {                                                      \
        const int64_t e = (int64_t)i * n + j;                                                   \
        const int pair = wi[j] != 0 && j + 1 < n;                                               \
        v[2 * e] = vr[e];                                                                       \
        v[2 * e + 1] = pair ? vr[e + 1] : 0;                                                    \
        if (pair) v[2 * (e + 1)] = vr[e], v[2 * (e + 1) + 1] = -vr[e + 1];                     \
        if (pair && i == n - 1) j++; /* the pair's second column is done */                    \
      }                                                                                         \
    free(wr);                                                                                   \
    return info;                                                                                \
  }
#define LNP_GEEV_CPLX(P, R, T)                                                                  \
  static lapack_int geev_##P(lapack_int n, T *A, R *w, R *v, int vec)                          \
  {                                                                                             \
    T dummy[1];                                                                                 \
    return LAPACKE_##P##geev(LAPACK_ROW_MAJOR, 'N', vec ? 'V' : 'N', n, A, n, (T *)w, dummy, 1, \
                             vec ? (T *)v : dummy, n);                                          \
  }
LNP_GEEV_REAL(s, float)
LNP_GEEV_REAL(d, double)
LNP_GEEV_CPLX(c, float, lapack_complex_float)
LNP_GEEV_CPLX(z, double, lapack_complex_double)

/* dtype, element type, real type, LAPACK prefix, symmetric/Hermitian
 * infix, orthogonal/unitary infix, the absolute value and the pivot's unit
 * (value / |value|) */
#define LNP_LA_TYPES(X)                                                            \
  X(LNP_FLOAT32, float, float, s, sy, or, fabsf, la_unit_r)                        \
  X(LNP_FLOAT64, double, double, d, sy, or, fabs, la_unit_r)                       \
  X(LNP_COMPLEX64, lapack_complex_float, float, c, he, un, cabsf, la_unit_c)      \
  X(LNP_COMPLEX128, lapack_complex_double, double, z, he, un, cabs, la_unit_c)

#define la_unit_r(v, a) ((v) < 0 ? -1 : 1)
#define la_unit_c(v, a) ((v) / (a))

#define LNP_LA_DEF(E, T, R, P, SY, OR, ABS, UNIT)                                        \
  static void la_##P(const lnp_linalg_desc *d, void *const *buf)                   \
  {                                                                                \
    const lapack_int m = (lapack_int)d->m, n = (lapack_int)d->n, k = (lapack_int)d->k; \
    const lapack_int mn = m < n ? m : n;                                           \
    T *a = buf[0];                                                                 \
    lapack_int *ipiv = malloc(sizeof *ipiv * (size_t)(n ? n : 1));                 \
    for (int64_t b = 0; b < d->batch; b++) {                                       \
      T *A = a + b * (int64_t)m * n;                                               \
      lapack_int info = ipiv ? 0 : -1000;                                          \
      switch (ipiv ? d->op : -1) {                                                 \
      case LNP_LA_CHOLESKY: {                                                      \
        const int up = d->flag & 1;                                                \
        info = LAPACKE_##P##potrf(LAPACK_ROW_MAJOR, up ? 'U' : 'L', n, A, n);      \
        for (lapack_int i = 0; i < n; i++)                                         \
          for (lapack_int j = 0; j < n; j++)                                       \
            if (up ? j < i : j > i) A[(int64_t)i * n + j] = 0;                     \
        break;                                                                     \
      }                                                                            \
      case LNP_LA_INV:                                                             \
        info = LAPACKE_##P##getrf(LAPACK_ROW_MAJOR, n, n, A, n, ipiv);             \
        if (info == 0) info = LAPACKE_##P##getri(LAPACK_ROW_MAJOR, n, A, n, ipiv); \
        break;                                                                     \
      case LNP_LA_SOLVE:                                                           \
        info = LAPACKE_##P##gesv(LAPACK_ROW_MAJOR, n, k, A, n, ipiv,               \
                                 (T *)buf[1] + b * (int64_t)n * k, k);             \
        break;                                                                     \
      case LNP_LA_SLOGDET: {                                                       \
        T *sign = (T *)buf[1] + b;                                                 \
        R *logdet = (R *)buf[2] + b;                                               \
        info = n ? LAPACKE_##P##getrf(LAPACK_ROW_MAJOR, n, n, A, n, ipiv) : 0;     \
        if (info > 0) { /* an exact zero pivot: singular */                        \
          *sign = 0;                                                               \
          *logdet = -(R)INFINITY;                                                  \
          break;                                                                   \
        }                                                                          \
        T s = 1;                                                                   \
        R l = 0;                                                                   \
        for (lapack_int i = 0; i < n; i++) {                                       \
          const T v = A[(int64_t)i * n + i];                                       \
          const R av = ABS(v);                                                     \
          s *= UNIT(v, av);                                                        \
          if (ipiv[i] != i + 1) s = -s;                                            \
          l += (R)log((double)av);                                                 \
        }                                                                          \
        *sign = s;                                                                 \
        *logdet = l;                                                               \
        break;                                                                     \
      }                                                                            \
      case LNP_LA_EIGH:                                                            \
        info = LAPACKE_##P##SY##evd(LAPACK_ROW_MAJOR, d->flag & 2 ? 'N' : 'V',     \
                                    d->flag & 1 ? 'U' : 'L', n, A, n,              \
                                    (R *)buf[1] + b * (int64_t)n);                 \
        break;                                                                     \
      case LNP_LA_SVD: {                                                           \
        const int uv = d->flag & 1, full = (d->flag & 2) != 0;                     \
        const lapack_int ucols = full ? m : mn, vrows = full ? n : mn;             \
        T dummy[1];                                                                \
        T *u = uv ? (T *)buf[3] + b * (int64_t)m * ucols : dummy;                  \
        T *vt = uv ? (T *)buf[4] + b * (int64_t)vrows * n : dummy;                 \
        /* A read column-major is A^T = U2 S V2^H, so A = conj(V2) S U2^T:     \
         * gesdd's VT (V2^H, column-major) is U's row-major memory and its U  \
         * is V^H's -- no transposed copies (LAPACKE's row-major ones made    \
         * OpenBLAS's complex gemv read past their end) */                    \
        info = LAPACKE_##P##gesdd(LAPACK_COL_MAJOR, uv ? (full ? 'A' : 'S') : 'N', n, m, A, n, \
                                  (R *)buf[1] + b * (int64_t)mn, uv ? vt : dummy, uv ? n : 1, \
                                  uv ? u : dummy, uv ? ucols : 1);                \
        break;                                                                     \
      }                                                                            \
      case LNP_LA_QR:                                                              \
        info = LAPACKE_##P##geqrf(LAPACK_ROW_MAJOR, m, n, A, n, (T *)buf[1] + b * (int64_t)mn); \
        break;                                                                     \
      case LNP_LA_QR_Q: { /* Q's k columns: the reflectors', then orgqr */         \
        T *Q = (T *)buf[2] + b * (int64_t)m * k;                                   \
        for (lapack_int i = 0; i < m; i++)                                         \
          for (lapack_int j = 0; j < k; j++)                                       \
            Q[(int64_t)i * k + j] = j < n ? A[(int64_t)i * n + j] : (T)0;          \
        info = LAPACKE_##P##OR##gqr(LAPACK_ROW_MAJOR, m, k, mn, Q, k,              \
                                    (T *)buf[1] + b * (int64_t)mn);                \
        break;                                                                     \
      }                                                                            \
      case LNP_LA_LSTSQ: {                                                         \
        /* column-major copies of our own, a column longer than LAPACK      \
         * reads: LAPACKE's row-major ones end where OpenBLAS 0.3.21's      \
         * complex gemv reads past them (nd_interface.h) */                 \
        lapack_int rank = 0;                                                       \
        const lapack_int mx = m > n ? m : n;                                       \
        T *Bm = (T *)buf[1] + b * (int64_t)mx * k;                                 \
        T *ac = malloc(sizeof(T) * ((size_t)m * n + (size_t)mx + 64));             \
        T *bc = malloc(sizeof(T) * ((size_t)mx * k + (size_t)mx + 64));            \
        if (!ac || !bc) {                                                          \
          free(ac), free(bc);                                                      \
          info = LAPACK_WORK_MEMORY_ERROR;                                         \
          break;                                                                   \
        }                                                                          \
        for (lapack_int i = 0; i < m; i++)                                         \
          for (lapack_int j = 0; j < n; j++) ac[(int64_t)j * m + i] = A[(int64_t)i * n + j]; \
        for (lapack_int i = 0; i < mx; i++)                                        \
          for (lapack_int j = 0; j < k; j++) bc[(int64_t)j * mx + i] = Bm[(int64_t)i * k + j]; \
        info = LAPACKE_##P##gelsd(LAPACK_COL_MAJOR, m, n, k, ac, m > 0 ? m : 1, bc, mx > 0 ? mx : 1, \
                                  (R *)buf[2] + b * (int64_t)mn, (R)d->rcond, &rank); \
        for (lapack_int i = 0; i < mx; i++)                                        \
          for (lapack_int j = 0; j < k; j++) Bm[(int64_t)i * k + j] = bc[(int64_t)j * mx + i]; \
        free(ac), free(bc);                                                        \
        ((int64_t *)buf[3])[b] = rank;                                             \
        break;                                                                     \
      }                                                                            \
      case LNP_LA_EIG:                                                             \
        info = geev_##P(n, A, (R *)buf[1] + 2 * b * (int64_t)n,                    \
                        (d->flag & 1) ? (R *)buf[3] + 2 * b * (int64_t)n * n : NULL, d->flag & 1); \
        break;                                                                     \
      default:                                                                     \
        break;                                                                     \
      }                                                                            \
      if (info_buf[d->op] >= 0) ((int64_t *)buf[info_buf[d->op]])[b] = info;       \
    }                                                                              \
    free(ipiv);                                                                    \
  }
#define X(E, T, R, P, SY, OR, ABS, UNIT) LNP_LA_DEF(E, T, R, P, SY, OR, ABS, UNIT)
LNP_LA_TYPES(X)
#undef X

void lnp_linalg_cpu(const lnp_linalg_desc *d, void *const *buf)
{
  switch (d->dtype) {
#define X(E, T, R, P, SY, OR, ABS, UNIT) \
  case E: la_##P(d, buf); break;
    LNP_LA_TYPES(X)
#undef X
  default: break;
  }
}
#else
/* without LAPACKE every matrix reports -1: the Python layer falls back */
void lnp_linalg_cpu(const lnp_linalg_desc *d, void *const *buf)
{
  if (info_buf[d->op] >= 0)
    for (int64_t b = 0; b < d->batch; b++) ((int64_t *)buf[info_buf[d->op]])[b] = -1;
}
#endif
