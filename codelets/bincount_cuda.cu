/* CUDA implementation of lnp_cl_bincount (bincount.h): the row is zeroed
 * on the worker's stream unless the task accumulates, then every element
 * adds its weight (or 1) to its bin with an atomic add. */
#include <cuda_runtime.h>
#include <cstdint>
#include <type_traits>

#include <starpu.h>
#include "bincount.h"
#include "../data-interfaces/nd_interface.h"

extern "C" void lnp_codelets_report(const char *fmt, ...);
extern "C" void lnp_codelets_count_loops(int cuda, uint64_t n);

namespace {
template <class T> __global__ void k_bincount(T *row, const int64_t *x, const double *w, int64_t n)
{
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    if constexpr (std::is_floating_point<T>::value)
      atomicAdd((double *)&row[x[i]], w[i]);
    else
      atomicAdd((unsigned long long *)&row[x[i]], 1ull);
  }
}
} /* namespace */

extern "C" void lnp_bincount_cuda(void *descr[], void *cl_arg)
{
  const lnp_bincount_desc *bd = (const lnp_bincount_desc *)cl_arg;
  lnp_codelets_count_loops(1, 1);
  cudaStream_t s = starpu_cuda_get_local_stream();
  const uint64_t *shape = LNP_ND_GET_SHAPE(descr[1]);
  int64_t n = 1;
  for (int d = 0; d < (int)LNP_ND_GET_NDIM(descr[1]); d++) n *= (int64_t)shape[d];
  void *row = LNP_ND_GET_PTR(descr[0]);
  if (!bd->accumulate) cudaMemsetAsync(row, 0, (size_t)bd->nbins * 8, s);
  if (n == 0) return;
  const int64_t *x = (const int64_t *)LNP_ND_GET_PTR(descr[1]);
  const unsigned grid = (unsigned)((n + 255) / 256 < 4096 ? (n + 255) / 256 : 4096);
  if (bd->weighted)
    k_bincount<double><<<grid, 256, 0, s>>>((double *)row, x, (const double *)LNP_ND_GET_PTR(descr[2]), n);
  else
    k_bincount<int64_t><<<grid, 256, 0, s>>>((int64_t *)row, x, nullptr, n);
  if (cudaGetLastError() != cudaSuccess) lnp_codelets_report("failed CUDA bincount task: kernel launch error");
}
