/* CPU kernel of the FFT task (fft.h): FFTW's guru interface, a plan over
 * consecutive lines (the tile's own, or a group copied out of strided
 * ones, fft_<P> below), in the precision of the task's complex dtype.
 * FFTW's planner is not thread-safe (its execution is): planning and
 * destroying hold a lock.  FFTW_ESTIMATE plans without touching the
 * arrays and in microseconds, so a plan is made per task rather than
 * cached against pointers that change. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include <pthread.h>
#include <stddef.h>

#include "codelets.h"
#include "fft.h"

#ifdef LNP_HAVE_FFTW
#include <fftw3.h>

int lnp_fft_cpu_available(void) { return 1; }

static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

/* the complex dtype, FFTW's prefix, the real type */
#define LNP_FFT_PRECISIONS(X) X(LNP_COMPLEX128, fftw_, double) X(LNP_COMPLEX64, fftwf_, float)

/* A plan of `rows` consecutive lines, in to out, under the planner lock. */
#define LNP_FFT_PLAN(P)                                                                     \
  static P##plan plan_##P(const lnp_fft_desc *d, int64_t rows, void *in, void *out)        \
  {                                                                                         \
    P##iodim64 dim = {(ptrdiff_t)d->n, 1, 1};                                               \
    P##iodim64 lines = {(ptrdiff_t)rows, (ptrdiff_t)lnp_fft_nin(d), (ptrdiff_t)lnp_fft_nout(d)}; \
    const unsigned flags = FFTW_ESTIMATE;                                                   \
    P##plan plan;                                                                           \
    pthread_mutex_lock(&plan_lock);                                                         \
    switch (d->kind) {                                                                      \
    case LNP_FFT_R2C:                                                                       \
      plan = P##plan_guru64_dft_r2c(1, &dim, 1, &lines, in, out, flags);                    \
      break;                                                                                \
    case LNP_FFT_C2R:                                                                       \
      plan = P##plan_guru64_dft_c2r(1, &dim, 1, &lines, in, out, flags);                    \
      break;                                                                                \
    default:                                                                                \
      plan = P##plan_guru64_dft(1, &dim, 1, &lines, in, out,                                \
                                d->kind == LNP_FFT_C2C_FWD ? FFTW_FORWARD : FFTW_BACKWARD,  \
                                flags);                                                     \
    }                                                                                       \
    pthread_mutex_unlock(&plan_lock);                                                       \
    if (!plan)                                                                              \
      lnp_codelets_report("failed FFT task: FFTW made no plan (n %lld, %lld lines)",       \
                          (long long)d->n, (long long)rows);                                \
    return plan;                                                                            \
  }                                                                                         \
  static void destroy_##P(P##plan plan)                                                     \
  {                                                                                         \
    pthread_mutex_lock(&plan_lock);                                                         \
    P##destroy_plan(plan);                                                                  \
    pthread_mutex_unlock(&plan_lock);                                                       \
  }

/* The transform of a pre x len x post tile.  post = 1: one plan over all
 * its consecutive lines.  Otherwise the lines are post apart, and FFTW
 * walking them in place thrashes the cache; as NumPy's pocketfft, up to
 * LNP_FFT_GROUP lines at a time are copied into consecutive scratch
 * lines (each read a run of neighbours), transformed there by one plan
 * and copied back. */
#define LNP_FFT_GROUP 16
#define LNP_FFT_DEF(CDT, P, R)                                                              \
  LNP_FFT_PLAN(P)                                                                           \
  static void fft_##P(const lnp_fft_desc *d, void *in, void *out)                          \
  {                                                                                         \
    const int64_t nin = lnp_fft_nin(d), nout = lnp_fft_nout(d), pre = d->pre, post = d->post; \
    const int ein = d->kind == LNP_FFT_R2C ? 1 : 2, eout = d->kind == LNP_FFT_C2R ? 1 : 2;  \
    const R f = (R)d->fct;                                                                  \
    if (post == 1) {                                                                        \
      P##plan plan = plan_##P(d, pre, in, out);                                             \
      if (!plan) return;                                                                    \
      P##execute(plan);                                                                     \
      destroy_##P(plan);                                                                    \
      if (d->fct != 1.0) {                                                                  \
        R *o = out;                                                                         \
        for (int64_t i = 0; i < pre * nout * eout; i++) o[i] *= f;                         \
      }                                                                                     \
      return;                                                                               \
    }                                                                                       \
    const int64_t G = post < LNP_FFT_GROUP ? post : LNP_FFT_GROUP;                          \
    R *sin = P##malloc(sizeof(R) * (size_t)(G * nin * ein));                                \
    R *sout = P##malloc(sizeof(R) * (size_t)(G * nout * eout));                             \
    P##plan full = NULL, tail = NULL;                                                       \
    if (sin && sout) full = plan_##P(d, G, sin, sout);                                      \
    if (full && post % G) tail = plan_##P(d, post % G, sin, sout);                          \
    if (!sin || !sout)                                                                      \
      lnp_codelets_report("failed FFT task: no scratch memory (%lld lines of %lld)",       \
                          (long long)G, (long long)d->n);                                   \
    if (full && (tail || post % G == 0)) {                                                  \
      const R *ibase = in;                                                                    \
      R *obase = out;                                                                         \
      for (int64_t p = 0; p < pre; p++)                                                     \
        for (int64_t j0 = 0; j0 < post; j0 += G) {                                          \
          const int64_t g = post - j0 < G ? post - j0 : G;                                  \
          for (int64_t x = 0; x < nin; x++) {                                               \
            const R *src = ibase + ((p * nin + x) * post + j0) * ein;                           \
            for (int64_t b = 0; b < g; b++)                                                 \
              for (int c = 0; c < ein; c++) sin[(b * nin + x) * ein + c] = src[b * ein + c]; \
          }                                                                                 \
          P##execute(g == G ? full : tail);                                                 \
          for (int64_t x = 0; x < nout; x++) {                                              \
            R *dst = obase + ((p * nout + x) * post + j0) * eout;                               \
            for (int64_t b = 0; b < g; b++)                                                 \
              for (int c = 0; c < eout; c++) dst[b * eout + c] = sout[(b * nout + x) * eout + c] * f; \
          }                                                                                 \
        }                                                                                   \
    }                                                                                       \
    if (full) destroy_##P(full);                                                            \
    if (tail) destroy_##P(tail);                                                            \
    P##free(sin);                                                                           \
    P##free(sout);                                                                          \
  }
LNP_FFT_PRECISIONS(LNP_FFT_DEF)

void lnp_fft_cpu(const lnp_fft_desc *d, void *in, void *out)
{
  switch (d->cdtype) {
#define X(CDT, P, R)                  \
  case CDT:                           \
    fft_##P(d, in, out);              \
    break;
    LNP_FFT_PRECISIONS(X)
#undef X
  default:
    lnp_codelets_report("failed FFT task: dtype %d is not complex", d->cdtype);
  }
}

#else /* no FFTW: numpy/fft.c keeps the tasks off the CPUs (lnp_fft_available) */

int lnp_fft_cpu_available(void) { return 0; }

void lnp_fft_cpu(const lnp_fft_desc *d, void *in, void *out)
{
  (void)d, (void)in, (void)out;
  lnp_codelets_report("failed FFT task: built without FFTW");
}
#endif
