/* The tile kernels of the tiled QR factorization (codelet_qr.c; the task
 * graph: numpy/qr.c), after Buttari et al. and PLASMA's flat-tree tile QR,
 * on LAPACK's compact-WY tile kernels:
 *
 *  op             buffers (the tiles written last)
 *  LNP_QR_GEQRT   Akk (RW: R above the diagonal, V below), Tkk (W)
 *  LNP_QR_GEMQRT  Akk (R: V), Tkk (R), Ckj (RW: Q_kk^H Ckj)
 *  LNP_QR_TPQRT   Akk (RW: R), Aik (RW: V of [R; Aik]), Tik (W)
 *  LNP_QR_TPMQRT  Aik (R: V), Tik (R), Ckj (RW), Cij (RW: Q_ik^H [Ckj; Cij])
 *
 * Tiles are C-ordered; the kernels run LAPACK's LQ counterparts on them
 * read column-major (their transposes).  T's tiles are n_k x ib.  m, n: the
 * rows and columns of the tile written last (TPMQRT, GEMQRT: C's); k: the
 * reflectors (the panel's columns); ib: the inner block of T. */
#ifndef LNP_QR_H
#define LNP_QR_H

#include <stdint.h>

enum { LNP_QR_GEQRT, LNP_QR_GEMQRT, LNP_QR_TPQRT, LNP_QR_TPMQRT };

typedef struct lnp_qr_desc {
  int32_t op, dtype; /* dtype: float32, float64, complex64, complex128 */
  int64_t m, n, k, ib;
} lnp_qr_desc;

#endif
