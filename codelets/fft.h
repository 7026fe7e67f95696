/* The FFT task (codelet_fft.c; kernels fft_cpu.c through FFTW, fft_cuda.cu
 * through cuFFT): one-dimensional transforms along one dim of a tile,
 * every line whole in the tile (numpy/fft.c lays the operand out so:
 * tiled along the other dims only).  A C-ordered tile is pre x len x post
 * (pre: the product of the dims before the axis, post: after it), so a
 * line's elements are post apart and the lines of one pre block are
 * consecutive: FFTW's guru interface takes both as loops; cuFFT, one
 * batch dimension, loops over the smaller.
 *
 *  buffers: in (R, or RW for C2R, which may overwrite it: then a copy
 *           numpy/fft.c made), out (W)
 *  kind     in                      out
 *  C2C_FWD  complex, n              complex, n        (exponent sign -1)
 *  C2C_BWD  complex, n              complex, n        (sign +1)
 *  R2C      real, n                 complex, n/2 + 1  (forward)
 *  C2R      complex, n/2 + 1        real, n           (backward; the
 *                                   imaginary parts of the first and, n
 *                                   even, the last input are ignored)
 * Every output is multiplied by fct (NumPy's norm=); the precision is
 * cdtype's (complex64: single, complex128: double), real buffers being
 * its real dtype. */
#ifndef LNP_FFT_H
#define LNP_FFT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { LNP_FFT_C2C_FWD, LNP_FFT_C2C_BWD, LNP_FFT_R2C, LNP_FFT_C2R, LNP_FFT_NKINDS };

typedef struct lnp_fft_desc {
  int32_t kind, cdtype; /* LNP_COMPLEX64 or LNP_COMPLEX128 */
  int64_t n;            /* the transform's length */
  int64_t pre, post;    /* the tile's elements before and after the axis */
  double fct;
} lnp_fft_desc;

/* a line's elements in and out */
static inline int64_t lnp_fft_nin(const lnp_fft_desc *d) { return d->kind == LNP_FFT_C2R ? d->n / 2 + 1 : d->n; }
static inline int64_t lnp_fft_nout(const lnp_fft_desc *d) { return d->kind == LNP_FFT_R2C ? d->n / 2 + 1 : d->n; }

/* 1 where FFTW was built in (the CPU implementation) */
int lnp_fft_cpu_available(void);
/* the CPU kernel: a pre x (nin|nout) x post tile in to out */
void lnp_fft_cpu(const lnp_fft_desc *d, void *in, void *out);
void lnp_fft_cuda(void *descr[], void *cl_arg);

#ifdef __cplusplus
}
#endif

#endif
