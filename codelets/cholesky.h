/* The tile kernels of the tiled Cholesky factorization (codelet_cholesky.c;
 * the task graph: numpy/cholesky.c), after Chameleon's: POTRF of a diagonal
 * tile, TRSM of a tile below it, SYRK (HERK) of a later diagonal tile, GEMM
 * of the tiles between, and ZERO of a tile above the diagonal.  Tiles are
 * C-ordered (row-major) with their own leading dimension; A = L L^H with L
 * lower, NumPy's convention, and only the lower triangle of A is read (as
 * NumPy's LAPACK call with uplo 'L').  A C-ordered tile read as
 * column-major is its transpose: the CPU kernels pass CblasRowMajor,
 * LAPACK's potrf works on the column-major upper triangle (which is the
 * row-major lower one), and cuBLAS gets the transposed problem.
 *
 *  op              buffers (the tile written last)
 *  LNP_CHOL_POTRF  Akk (RW: L_kk, the upper part zeroed), info (RW, one
 *                  int64: the first failing row + 1 of the whole matrix,
 *                  0 so far; W for the first tile, which clears it)
 *  LNP_CHOL_TRSM   Lkk (R), Aik (RW: Aik L_kk^-H)
 *  LNP_CHOL_SYRK   Aik (R), Aii (RW: Aii - Aik Aik^H, lower part)
 *  LNP_CHOL_GEMM   Aik (R), Ajk (R), Aij (RW: Aij - Aik Ajk^H)
 *  LNP_CHOL_ZERO   Aij (W: zeros)
 * and the tiled LU's (lu.h), on the same codelet lnp_cl_chol_tile:
 *  LNP_LU_TRSM_L   Lkk (R: unit lower part), Bkj (RW: L_kk^-1 Bkj)
 *  LNP_LU_TRSM_U   Ukk (R: upper part), Bk (RW: U_kk^-1 Bk)
 *  LNP_LU_GEMM     Aik (R), Bkj (R), Cij (RW: Cij - Aik Bkj)
 * m, n: the written tile's rows and columns; k: the inner dimension (SYRK,
 * GEMMs); row0: the written tile's first row in the matrix (POTRF's info). */
#ifndef LNP_CHOLESKY_H
#define LNP_CHOLESKY_H

#include <stdint.h>

enum { LNP_CHOL_POTRF, LNP_CHOL_TRSM, LNP_CHOL_SYRK, LNP_CHOL_GEMM, LNP_CHOL_ZERO, LNP_LU_TRSM_L, LNP_LU_TRSM_U,
       LNP_LU_GEMM };

typedef struct lnp_chol_desc {
  int32_t op, dtype; /* dtype: float32, float64, complex64, complex128 */
  int64_t m, n, k, row0;
} lnp_chol_desc;

#endif
