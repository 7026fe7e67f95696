/* The tile kernels of the tiled LU factorization with partial pivoting
 * (codelet_lu.c, on GPUs lu_cuda.cu; the task graph: numpy/lu.c), right-looking as LAPACK's
 * getrf: at step k the panel, tile column k from the diagonal down, is
 * factored by one task (LAPACK's getrf on the panel gathered into one
 * column-major buffer: the pivot search needs the whole column), its row
 * interchanges are applied to every other tile column (LASWP), then the
 * tile kernels of cholesky.h: TRSM of the row tiles right of the diagonal
 * with the panel's unit lower L_kk, GEMM of the trailing tiles.  Tiles are
 * C-ordered with their own leading dimension.
 *
 *  codelet             buffers
 *  lnp_cl_getrf_panel  A(k..T-1, k) (RW: L and U of the panel), ipiv_k (W:
 *                      the rows, in the whole matrix, that rows row0,
 *                      row0 + 1, ... were interchanged with, in order),
 *                      info (RW, one int64: the first zero pivot's row + 1
 *                      of the matrix, 0 so far; W for the first panel)
 *  lnp_cl_laswp        ipiv_k (R), X(k..T-1, j) (RW: the interchanges of
 *                      panel k applied to the rows of a tile column j of
 *                      the matrix or of the right-hand sides)
 * row0: the panel's first row; n: the panel's (laswp: the tiles')
 * columns; m: the rows from row0 to the end. */
#ifndef LNP_LU_H
#define LNP_LU_H

#include <stdint.h>

/* the most tiles in a tile column (the CUDA kernels take the column's
 * tile pointers as kernel parameters) */
#define LNP_LU_MAX_TILES 64

typedef struct lnp_lu_desc {
  int32_t dtype, ntiles; /* dtype: float32, float64, complex64, complex128; ntiles: the tiles of the column */
  int64_t m, n, row0;
} lnp_lu_desc;

#endif
