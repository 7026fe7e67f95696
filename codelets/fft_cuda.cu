/* CUDA kernel of the FFT task (fft.h): cuFFT on the worker's stream, then
 * a scaling kernel where fct != 1.  A tile is pre x len x post (C order);
 * cuFFT has one batch dimension, so a plan batches the lines of one pre
 * block (stride post, distance 1) and runs once per block, or, with fewer
 * post than pre, batches the pre lines of one post offset (distance
 * len x post) and runs once per offset; post = 1 is one batch of
 * consecutive lines.  cuFFT plans are costly to make (and hold a work
 * area), so each CUDA worker thread keeps its last few in a small cache;
 * a plan is bound to the thread's device and stream, which a worker
 * never changes. */
#include <cufft.h>
#include <cuda_runtime.h>
#include <cstdint>

#include <starpu.h>
#include "fft.h"
#include "../data-interfaces/dtypes.h"
#include "../data-interfaces/nd_interface.h"

extern "C" void lnp_codelets_report(const char *fmt, ...);
extern "C" void lnp_codelets_count_loops(int cuda, uint64_t n);

namespace {

/* a batch of lines: how many, the elements between a line's elements,
 * and between lines (input and output) */
struct Layout {
  long long batch, stride, idist, odist;
  bool operator==(const Layout &o) const
  {
    return batch == o.batch && stride == o.stride && idist == o.idist && odist == o.odist;
  }
};

struct CachedPlan {
  cufftHandle h;
  int kind, cdtype;
  long long n;
  Layout lay;
  bool used;
  unsigned long long last;
};
constexpr int kPlans = 8;
thread_local CachedPlan plans[kPlans];
thread_local unsigned long long tick;

cufftType type_of(int kind, bool dbl)
{
  switch (kind) {
  case LNP_FFT_R2C: return dbl ? CUFFT_D2Z : CUFFT_R2C;
  case LNP_FFT_C2R: return dbl ? CUFFT_Z2D : CUFFT_C2R;
  default: return dbl ? CUFFT_Z2Z : CUFFT_C2C;
  }
}

/* the plan for these lines, made (evicting the least recently used) when
 * not cached; false after reporting a failure */
bool plan_for(const lnp_fft_desc *d, const Layout &lay, cudaStream_t s, cufftHandle *out)
{
  ++tick;
  for (auto &p : plans)
    if (p.used && p.kind == d->kind && p.cdtype == d->cdtype && p.n == d->n && p.lay == lay) {
      p.last = tick;
      *out = p.h;
      return cufftSetStream(p.h, s) == CUFFT_SUCCESS;
    }
  CachedPlan *slot = &plans[0]; /* a free one, else the least recently used */
  for (auto &p : plans) {
    if (!p.used) {
      slot = &p;
      break;
    }
    if (p.last < slot->last) slot = &p;
  }
  if (slot->used) cufftDestroy(slot->h);
  slot->used = false;
  cufftHandle h;
  long long n = d->n, inembed = lnp_fft_nin(d), onembed = lnp_fft_nout(d);
  size_t work = 0;
  cufftResult r = cufftCreate(&h);
  if (r == CUFFT_SUCCESS) {
    r = cufftMakePlanMany64(h, 1, &n, &inembed, lay.stride, lay.idist, &onembed, lay.stride, lay.odist,
                            type_of(d->kind, d->cdtype == LNP_COMPLEX128), lay.batch, &work);
    if (r != CUFFT_SUCCESS) cufftDestroy(h);
  }
  if (r != CUFFT_SUCCESS) {
    lnp_codelets_report("failed CUDA FFT task: no cuFFT plan for n %lld, %lld lines (cufftResult %d)", n,
                        lay.batch, (int)r);
    return false;
  }
  *slot = CachedPlan{h, d->kind, d->cdtype, d->n, lay, true, tick};
  *out = h;
  return cufftSetStream(h, s) == CUFFT_SUCCESS;
}

template <typename R>
__global__ void scale(R *v, int64_t n, R f)
{
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    v[i] *= f;
}

/* one execution of h on in and out (element pointers of the task's types) */
cufftResult exec(cufftHandle h, const lnp_fft_desc *d, bool dbl, char *in, char *out)
{
  const int dir = d->kind == LNP_FFT_C2C_BWD ? CUFFT_INVERSE : CUFFT_FORWARD;
  switch (d->kind) {
  case LNP_FFT_R2C:
    return dbl ? cufftExecD2Z(h, (cufftDoubleReal *)in, (cufftDoubleComplex *)out)
               : cufftExecR2C(h, (cufftReal *)in, (cufftComplex *)out);
  case LNP_FFT_C2R:
    return dbl ? cufftExecZ2D(h, (cufftDoubleComplex *)in, (cufftDoubleReal *)out)
               : cufftExecC2R(h, (cufftComplex *)in, (cufftReal *)out);
  default:
    return dbl ? cufftExecZ2Z(h, (cufftDoubleComplex *)in, (cufftDoubleComplex *)out, dir)
               : cufftExecC2C(h, (cufftComplex *)in, (cufftComplex *)out, dir);
  }
}

}  // namespace

extern "C" void lnp_fft_cuda(void *descr[], void *cl_arg)
{
  const lnp_fft_desc *d = (const lnp_fft_desc *)cl_arg;
  lnp_codelets_count_loops(1, 1);
  cudaStream_t s = starpu_cuda_get_local_stream();
  char *in = (char *)LNP_ND_GET_PTR(descr[0]), *out = (char *)LNP_ND_GET_PTR(descr[1]);
  const int64_t pre = d->pre, post = d->post;
  const bool dbl = d->cdtype == LNP_COMPLEX128;
  const int64_t nin = lnp_fft_nin(d), nout = lnp_fft_nout(d);
  const size_t csize = dbl ? 16 : 8, rsize = csize / 2;
  const size_t isize = d->kind == LNP_FFT_R2C ? rsize : csize, osize = d->kind == LNP_FFT_C2R ? rsize : csize;
  if (pre * post < 1) return;
  /* the batch: the lines of a pre block, or those of a post offset */
  const bool by_block = post == 1 || pre <= post;
  const Layout lay = post == 1 ? Layout{pre, 1, nin, nout}
                     : by_block ? Layout{post, post, 1, 1}
                                : Layout{pre, post, nin * post, nout * post};
  const int64_t runs = post == 1 ? 1 : by_block ? pre : post;
  const int64_t istep = by_block ? nin * post : 1, ostep = by_block ? nout * post : 1;
  cufftHandle h;
  if (!plan_for(d, lay, s, &h)) return;
  for (int64_t k = 0; k < runs; k++) {
    const cufftResult r = exec(h, d, dbl, in + (size_t)(k * istep) * isize, out + (size_t)(k * ostep) * osize);
    if (r != CUFFT_SUCCESS) {
      lnp_codelets_report("failed CUDA FFT task: cuFFT exec returned %d", (int)r);
      return;
    }
  }
  if (d->fct != 1.0) {
    const int64_t reals = pre * post * nout * (d->kind == LNP_FFT_C2R ? 1 : 2);
    const unsigned grid = (unsigned)((reals + 255) / 256 < 4096 ? (reals + 255) / 256 : 4096);
    if (dbl)
      scale<double><<<grid, 256, 0, s>>>((double *)out, reals, d->fct);
    else
      scale<float><<<grid, 256, 0, s>>>((float *)out, reals, (float)d->fct);
  }
  if (cudaGetLastError() != cudaSuccess) lnp_codelets_report("failed CUDA FFT task: kernel launch error");
}
