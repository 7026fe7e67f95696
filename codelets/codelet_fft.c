/* The FFT codelet (fft.h): lnp_cl_fft, FFTW on the CPU workers (where it
 * was built in) and cuFFT on the CUDA ones, a history-based perfmodel per
 * kind, precision, length and the lines' layout.  Kernels: fft_cpu.c, fft_cuda.cu. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include "../data-interfaces/nd_interface.h"
#include "fft.h"

static void lnp_fft_cpu_func(void *descr[], void *cl_arg)
{
  lnp_codelets_count_loops(0, 1);
  lnp_fft_cpu(cl_arg, LNP_ND_GET_PTR(descr[0]), LNP_ND_GET_PTR(descr[1]));
}

static uint32_t lnp_fft_footprint(struct starpu_task *task)
{
  const lnp_fft_desc *d = task->cl_arg;
  uint64_t key[4] = {(uint64_t)d->kind | (uint64_t)d->cdtype << 8, (uint64_t)d->n, (uint64_t)d->pre,
                     (uint64_t)d->post};
  return starpu_hash_crc32c_be_n(key, sizeof key, 0);
}

static struct starpu_perfmodel lnp_fft_model = {
    .type = STARPU_HISTORY_BASED, .symbol = "lnp_fft", .footprint = lnp_fft_footprint};

/* CPU workers only with FFTW; CUDA workers always (cuFFT) */
static int lnp_fft_can_execute(unsigned workerid, struct starpu_task *task, unsigned nimpl)
{
  (void)task, (void)nimpl;
  if (!lnp_codelets_is_cuda_worker(workerid) && !lnp_fft_cpu_available()) return 0;
  return lnp_codelets_may_run(workerid, task, 1);
}

struct starpu_codelet lnp_cl_fft = {
#ifdef LNP_HAVE_CUDA
    .where = STARPU_CPU | STARPU_CUDA,
    .cuda_funcs = {lnp_fft_cuda},
    .cuda_flags = {STARPU_CUDA_ASYNC},
#else
    .where = STARPU_CPU,
#endif
    .can_execute = lnp_fft_can_execute,
    .cpu_funcs = {lnp_fft_cpu_func},
    .nbuffers = STARPU_VARIABLE_NBUFFERS, /* the input R or RW (numpy/fft.c) */
    .model = &lnp_fft_model,
    .name = "lnp_cl_fft"};
