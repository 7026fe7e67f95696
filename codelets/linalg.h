/* The linear-algebra task (codelet_linalg.c; CPU kernels linalg_cpu.c
 * through LAPACKE): one LAPACK driver per matrix of a batch, on whole
 * matrices held in single tiles (numpy/linalg.c gathers them).  Matrices
 * are C-ordered (LAPACK_ROW_MAJOR), batches consecutive.
 *
 *  op                 buffers (after the op's inputs, its outputs)
 *  LNP_LA_CHOLESKY    a (RW: becomes L, or U with flag), info (W)
 *  LNP_LA_INV         a (RW: becomes its inverse), info
 *  LNP_LA_SOLVE       a (RW: LU), b (RW: becomes x), info
 *  LNP_LA_SLOGDET     a (RW: LU), sign (W, a's dtype), logabsdet (W, real)
 *  LNP_LA_EIGH        a (RW: becomes the eigenvectors, or destroyed with
 *                     flag bit 1: values only), w (W, real), info;
 *                     flag bit 0: the upper triangle
 *  LNP_LA_SVD         a (RW: destroyed), s (W, real), info, then with
 *                     flag bit 0 (compute_uv) u (W), vh (W); flag bit 1:
 *                     full matrices
 *  LNP_LA_QR          a (RW: geqrf's R and reflectors), tau (W), info
 *  LNP_LA_QR_Q        a (RW: geqrf's output), tau (RW), q (W: m x k
 *                     columns, k = desc's k), info
 *  LNP_LA_EIG         a (RW: destroyed), w (W, complex of a's precision),
 *                     info, then with flag bit 0 the right eigenvectors
 *                     v (W, complex, n x n, columns; geev's real pairs
 *                     unpacked into conjugate columns as NumPy's)
 *  LNP_LA_LSTSQ       a (RW: destroyed), b (RW: max(m, n) x k, becomes x
 *                     in its first n rows and the residuals' rows after),
 *                     s (W, real), rank (W, int64), info; rcond: gelsd's
 * info holds one int64 per matrix: LAPACK's info (> 0: not positive
 * definite, singular, did not converge), -1 where LAPACKE is missing. */
#ifndef LNP_LINALG_H
#define LNP_LINALG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
  LNP_LA_CHOLESKY,
  LNP_LA_INV,
  LNP_LA_SOLVE,
  LNP_LA_SLOGDET,
  LNP_LA_EIGH,
  LNP_LA_SVD,
  LNP_LA_QR,
  LNP_LA_QR_Q,
  LNP_LA_LSTSQ,
  LNP_LA_EIG,
  LNP_LA_NOPS
};

typedef struct lnp_linalg_desc {
  int32_t op, dtype, flag, pad;
  int64_t batch; /* matrices */
  int64_t m, n;  /* a's rows and columns */
  int64_t k;     /* solve, lstsq: b's columns; qr_q: q's columns */
  double rcond;  /* lstsq */
} lnp_linalg_desc;

/* the task's CPU body: buffers' pointers in the order above */
void lnp_linalg_cpu(const lnp_linalg_desc *d, void *const *buf);

#ifdef __cplusplus
}
#endif

#endif
