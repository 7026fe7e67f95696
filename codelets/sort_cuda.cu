/* CUDA implementations of the sorting tasks (sort.h), every dtype but
 * complex (codelet_sort.c's can_execute keeps those on the CPU).
 *
 *  sort    the values are turned into unsigned keys in place (NumPy's
 *          order: sort_key.h), sorted by CUB (DeviceRadixSort for one
 *          line, DeviceSegmentedSort's stable sort for several; with the
 *          indices as values for an argsort) and turned back.  A plain
 *          sort keeps -0.0 apart from 0.0 (just below it: they are equal
 *          to NumPy, any order is its order) so that the keys are turned
 *          back into the same values; a NaN comes back with its sign bit
 *          cleared.  An argsort orders by the canonical keys (-0.0 = 0.0,
 *          NaNs equal), so its ties are NumPy's stable ones.  Scratch (the
 *          keys' second buffer, CUB's temporary storage) comes from the
 *          stream's memory pool (cudaMallocAsync), freed on the stream.
 *  merge   of one run only: a copy (can_execute).
 *  search  a thread per value: the run by its last key, then a binary
 *          search in it; the runs' pointers travel in the kernel
 *          parameter. */
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_segmented_sort.cuh>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <cuda_runtime.h>
#include <cstdint>
#include <cstring>

#include <starpu.h>
#include "sort.h"
#include "sort_key.h"
#include "../data-interfaces/nd_interface.h"

extern "C" void lnp_codelets_report(const char *fmt, ...);
extern "C" void lnp_codelets_count_loops(int cuda, uint64_t n);

namespace {

#define X(E, T, N, K) LNP_SK_DEF_##K(N, T, LNP_SK_KT_##N, N)
LNP_FOR_BOOL(X) LNP_FOR_INT(X) LNP_FOR_FLOAT(X)
#undef X

int64_t tile_elems(void *iface)
{
  const uint64_t *shape = LNP_ND_GET_SHAPE(iface);
  int64_t n = 1;
  for (int d = 0; d < (int)LNP_ND_GET_NDIM(iface); d++) n *= (int64_t)shape[d];
  return n;
}

/* The sortable keys of a kind: canonical (argsort: NumPy's equalities) or
 * invertible (sort). */
template <char K> struct Keys;
template <> struct Keys<'b'> {
  template <class KT, class T> __device__ static KT sort_key(T x) { return (KT)(x ? 1 : 0); }
  template <class KT, class T> __device__ static T value(KT k) { return (T)(k != 0); }
};
template <> struct Keys<'u'> {
  template <class KT, class T> __device__ static KT sort_key(T x) { return (KT)x; }
  template <class KT, class T> __device__ static T value(KT k) { return (T)k; }
};
template <> struct Keys<'i'> {
  template <class KT, class T> __device__ static KT sort_key(T x) { return (KT)((KT)x ^ LNP_SK_TOP(KT)); }
  template <class KT, class T> __device__ static T value(KT k) { return (T)(KT)(k ^ LNP_SK_TOP(KT)); }
};
/* floats (float16 as its bits): the monotonic bits, a bijection; its
 * order is NumPy's stable one except for -0.0 (just below 0.0), negative
 * NaNs (first) and NaNs of several payloads (by payload): "special"
 * values, counted by the sort (sort_lines) */
template <> struct Keys<'f'> {
  template <class KT> __device__ static bool special(KT b)
  {
    const KT qnan = (KT)(sizeof(KT) == 2 ? 0x7e00u : sizeof(KT) == 4 ? 0x7fc00000u : 0x7ff8000000000000ull);
    const KT m2 = (KT)(b << 1);
    return (m2 == 0 && b != 0) || (m2 > LNP_SK_INF2(KT) && b != qnan);
  }
  template <class KT, class T> __device__ static KT sort_key(T x)
  {
    KT b;
    memcpy(&b, &x, sizeof b);
    return (b & LNP_SK_TOP(KT)) ? (KT)~b : (KT)(b | LNP_SK_TOP(KT));
  }
  template <class KT, class T> __device__ static T value(KT k)
  {
    const KT b = (k & LNP_SK_TOP(KT)) ? (KT)(k & (KT)~LNP_SK_TOP(KT)) : (KT)~k;
    T x;
    memcpy(&x, &b, sizeof x);
    return x;
  }
};
template <> struct Keys<'h'> : Keys<'f'> {};

/* the values' keys in their place: canonical (CANON, argsort) or
 * invertible, then counting the special values (count non-null) */
template <class T, class KT, char K, bool CANON, KT (*KEY)(T)>
__global__ void k_to_keys(T *v, int64_t n, unsigned long long *count)
{
  unsigned long long c = 0;
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    const T x = v[i];
    const KT k = CANON ? KEY(x) : Keys<K>::template sort_key<KT>(x);
    if constexpr (K == 'f')
      if (count) {
        KT b;
        memcpy(&b, &x, sizeof b);
        c += Keys<'f'>::special(b);
      }
    ((KT *)v)[i] = k;
  }
  if (c) atomicAdd(count, c);
}
template <class T, class KT, char K>
__global__ void k_from_keys(T *v, const KT *k, int64_t n)
{
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    v[i] = Keys<K>::template value<KT, T>(k[i]);
}
__global__ void k_iota(int64_t *ix, int64_t n, int64_t line, int64_t base)
{
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    ix[i] = base + i % line;
}

unsigned grid_for(int64_t n)
{
  const int64_t g = (n + 255) / 256;
  return (unsigned)(g < 4096 ? (g > 0 ? g : 1) : 4096);
}

struct LineBegin {
  int64_t line;
  __host__ __device__ int64_t operator()(int64_t s) const { return s * line; }
};

bool ok(cudaError_t e, const char *what)
{
  if (e == cudaSuccess) return true;
  lnp_codelets_report("failed CUDA sort task: %s: %s", what, cudaGetErrorString(e));
  return false;
}

/* CUB's sort of the keys kb with the values vb (nullptr: keys only):
 * radix for one line, the segmented stable sort for several */
template <class KT, class V>
cudaError_t cub_sort(void *tmp, size_t &bytes, cub::DoubleBuffer<KT> &kb, cub::DoubleBuffer<V> *vb, int64_t n,
                     int64_t line, cudaStream_t s)
{
  const int64_t nseg = n / line;
  auto begin = thrust::make_transform_iterator(thrust::make_counting_iterator<int64_t>(0), LineBegin{line});
  auto end = thrust::make_transform_iterator(thrust::make_counting_iterator<int64_t>(1), LineBegin{line});
  if (nseg == 1)
    return vb ? cub::DeviceRadixSort::SortPairs(tmp, bytes, kb, *vb, n, 0, (int)sizeof(KT) * 8, s)
              : cub::DeviceRadixSort::SortKeys(tmp, bytes, kb, n, 0, (int)sizeof(KT) * 8, s);
  return vb ? cub::DeviceSegmentedSort::StableSortPairs(tmp, bytes, kb, *vb, n, nseg, begin, end, s)
            : cub::DeviceSegmentedSort::StableSortKeys(tmp, bytes, kb, n, nseg, begin, end, s);
}

/* the same with its temporary storage from the stream's pool */
template <class KT, class V>
bool sort_pooled(cub::DoubleBuffer<KT> &kb, cub::DoubleBuffer<V> *vb, int64_t n, int64_t line, cudaStream_t s)
{
  size_t bytes = 0;
  void *tmp = nullptr;
  if (!ok(cub_sort(nullptr, bytes, kb, vb, n, line, s), "cub sort")) return false;
  if (!ok(cudaMallocAsync(&tmp, bytes ? bytes : 1, s), "scratch")) return false;
  const bool r = ok(cub_sort(tmp, bytes, kb, vb, n, line, s), "cub sort");
  cudaFreeAsync(tmp, s);
  return r;
}

/* canonical keys k of the values v; with the invertible keys in v's
 * place (from), the values are restored first */
template <class T, class KT, char K, KT (*CANON)(T)>
__global__ void k_canon(T *v, KT *k, int64_t n, bool from)
{
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    const T x = from ? Keys<K>::template value<KT, T>(((const KT *)v)[i]) : v[i];
    v[i] = x;
    k[i] = CANON(x);
  }
}

/* sort (ix NULL) or argsort of the lines of v in place */
template <class T, class KT, char K, KT (*CANON)(T)>
void sort_lines(T *v, int64_t *ix, int64_t n, int64_t line, int64_t base, cudaStream_t s)
{
  if (n <= 0 || line <= 0) return;
  const unsigned g = grid_for(n);
  KT *alt = nullptr, *alt2 = nullptr;
  void *vs = nullptr;
  unsigned long long special = 0;
  const size_t kbytes = sizeof(KT) * (size_t)n;
  if (!ok(cudaMallocAsync((void **)&alt, kbytes + 16, s), "scratch")) return;
  if (!ix) {
    /* invertible keys in place; the special values, where they give
     * another order than NumPy's stable one, counted (a round trip) */
    unsigned long long *cnt = (unsigned long long *)((char *)alt + (kbytes + 7) / 8 * 8);
    if (K == 'f') cudaMemsetAsync(cnt, 0, sizeof *cnt, s);
    k_to_keys<T, KT, K, false, CANON><<<g, 256, 0, s>>>(v, n, K == 'f' ? cnt : nullptr);
    if (K == 'f' && (!ok(cudaMemcpyAsync(&special, cnt, sizeof special, cudaMemcpyDeviceToHost, s), "copy") ||
                     !ok(cudaStreamSynchronize(s), "sync")))
      goto out;
  }
  if (ix || special) {
    /* canonical keys; the values (or the indices) beside them */
    const size_t vbytes = ix ? sizeof(int64_t) * (size_t)n : sizeof(T) * (size_t)n;
    if (!ok(cudaMallocAsync((void **)&alt2, kbytes, s), "scratch") || !ok(cudaMallocAsync(&vs, vbytes, s), "scratch"))
      goto out;
    k_canon<T, KT, K, CANON><<<g, 256, 0, s>>>(v, alt, n, !ix);
    cub::DoubleBuffer<KT> kb(alt, alt2);
    if (ix) {
      k_iota<<<g, 256, 0, s>>>(ix, n, line, base);
      cub::DoubleBuffer<int64_t> ib(ix, (int64_t *)vs);
      if (!sort_pooled(kb, &ib, n, line, s)) goto out;
      /* the values sorted too: a merge of runs reads them as keys */
      k_from_keys<T, KT, K><<<g, 256, 0, s>>>(v, kb.Current(), n);
      if (ib.Current() != ix) ok(cudaMemcpyAsync(ix, ib.Current(), vbytes, cudaMemcpyDeviceToDevice, s), "copy");
    } else {
      cub::DoubleBuffer<T> vb(v, (T *)vs);
      if (!sort_pooled(kb, &vb, n, line, s)) goto out;
      if (vb.Current() != v) ok(cudaMemcpyAsync(v, vb.Current(), vbytes, cudaMemcpyDeviceToDevice, s), "copy");
    }
  } else {
    /* the invertible keys sorted alone, turned back */
    cub::DoubleBuffer<KT> kb((KT *)v, alt);
    if (!sort_pooled<KT, int64_t>(kb, nullptr, n, line, s)) goto out;
    k_from_keys<T, KT, K><<<g, 256, 0, s>>>(v, kb.Current(), n);
  }
out:
  if (vs) cudaFreeAsync(vs, s);
  if (alt2) cudaFreeAsync(alt2, s);
  cudaFreeAsync(alt, s);
}

#define SEARCH_MAXRUNS LNP_SORT_MAX_RUNS
struct SearchParams {
  const void *run[SEARCH_MAXRUNS];
  int64_t len[SEARCH_MAXRUNS];
  int64_t start[SEARCH_MAXRUNS + 1];
  int nruns, right;
};

template <class T, class KT, KT (*KEY)(T)>
__device__ int64_t bound(const T *v, int64_t n, KT k, int upper)
{
  int64_t lo = 0, hi = n;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    const KT km = KEY(v[mid]);
    if (upper ? !(k < km) : (km < k))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

template <class T, class KT, KT (*KEY)(T)>
__global__ void k_search(const __grid_constant__ SearchParams p, const T *v, int64_t n, int64_t *out)
{
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    const KT k = KEY(v[i]);
    int lo = 0, hi = p.nruns;
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      const KT kl = KEY(((const T *)p.run[mid])[p.len[mid] - 1]);
      if (p.right ? !(k < kl) : (kl < k))
        lo = mid + 1;
      else
        hi = mid;
    }
    out[i] = lo == p.nruns ? p.start[lo]
                           : p.start[lo] + bound<T, KT, KEY>((const T *)p.run[lo], p.len[lo], k, p.right);
  }
}

} /* namespace */

/* the kind of a dtype's keys (float16's are a float's) */
#define CH_b 'b'
#define CH_i 'i'
#define CH_u 'u'
#define CH_h 'f'
#define CH_f 'f'
/* complex dtypes never reach these (can_execute): their cases are left out */
#define LNP_SORT_CUDA_TYPES(X)                  \
  LNP_FOR_BOOL(X) LNP_FOR_INT(X) LNP_FOR_FLOAT(X)

extern "C" void lnp_sort_cuda(void *descr[], void *cl_arg)
{
  const lnp_sort_desc *sd = (const lnp_sort_desc *)cl_arg;
  lnp_codelets_count_loops(1, 1);
  cudaStream_t s = starpu_cuda_get_local_stream();
  void *v = LNP_ND_GET_PTR(descr[0]);
  int64_t *ix = sd->arg ? (int64_t *)LNP_ND_GET_PTR(descr[1]) : nullptr;
  const int64_t n = tile_elems(descr[0]);
  switch (sd->dtype) {
#define X(E, T, N, K)                                                                              \
  case E:                                                                                          \
    sort_lines<T, LNP_SK_KT_##N, CH_##K, lnp_sk_key_##N>((T *)v, ix, n, sd->line, sd->base, s); \
    break;
    LNP_SORT_CUDA_TYPES(X)
#undef X
  default: lnp_codelets_report("failed CUDA sort task: dtype %d", sd->dtype);
  }
  if (cudaGetLastError() != cudaSuccess) lnp_codelets_report("failed CUDA sort task: kernel launch error");
}

extern "C" void lnp_merge_cuda(void *descr[], void *cl_arg)
{
  const lnp_sort_desc *sd = (const lnp_sort_desc *)cl_arg;
  lnp_codelets_count_loops(1, 1);
  cudaStream_t s = starpu_cuda_get_local_stream();
  const int64_t m = tile_elems(descr[0]);
  const size_t isz = sd->arg ? sizeof(int64_t) : LNP_ND_GET_ELEMSIZE(descr[0]);
  const char *src = (const char *)LNP_ND_GET_PTR(descr[sd->arg ? 2 : 1]);
  if (m > 0)
    ok(cudaMemcpyAsync(LNP_ND_GET_PTR(descr[0]), src + isz * (size_t)sd->out_lo, isz * (size_t)m,
                       cudaMemcpyDeviceToDevice, s),
       "merge copy");
}

extern "C" void lnp_search_cuda(void *descr[], void *cl_arg)
{
  const lnp_sort_desc *sd = (const lnp_sort_desc *)cl_arg;
  lnp_codelets_count_loops(1, 1);
  cudaStream_t s = starpu_cuda_get_local_stream();
  SearchParams p;
  memset(&p, 0, sizeof p);
  p.right = sd->right;
  for (int r = 0; r < sd->nruns; r++) {
    const int64_t len = tile_elems(descr[2 + r]);
    if (len == 0) continue; /* the search reads every run's last element */
    p.run[p.nruns] = LNP_ND_GET_PTR(descr[2 + r]);
    p.len[p.nruns] = len;
    p.start[p.nruns + 1] = p.start[p.nruns] + len;
    p.nruns++;
  }
  const int64_t n = tile_elems(descr[1]);
  if (n == 0) return;
  const void *v = LNP_ND_GET_PTR(descr[1]);
  int64_t *out = (int64_t *)LNP_ND_GET_PTR(descr[0]);
  switch (sd->dtype) {
#define X(E, T, N, K)                                                                                  \
  case E:                                                                                              \
    k_search<T, LNP_SK_KT_##N, lnp_sk_key_##N><<<grid_for(n), 256, 0, s>>>(p, (const T *)v, n, out); \
    break;
    LNP_SORT_CUDA_TYPES(X)
#undef X
  default: lnp_codelets_report("failed CUDA search task: dtype %d", sd->dtype);
  }
  if (cudaGetLastError() != cudaSuccess) lnp_codelets_report("failed CUDA search task: kernel launch error");
}
