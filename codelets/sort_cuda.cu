/* CUDA implementations of the sorting tasks (sort.h), every dtype.
 *
 *  sort    integers, float32 and float64 without special values: CUB's
 *          radix sort of the values themselves (DeviceRadixSort for one
 *          line, DeviceSegmentedSort's stable sort for several; with the
 *          indices as values for an argsort): CUB's keys of these types
 *          are our invertible keys (sort_key.h), so its order is NumPy's
 *          stable one, but for -0.0 (ordered by its bits in the radix
 *          sort of long segments) and NaNs (the merge sort of short
 *          segments compares values with <): those are counted first,
 *          one read and a round trip to the host, and a tile that has any
 *          is sorted as the payload of canonical keys (-0.0 = 0.0, NaNs
 *          equal), as an argsort sorts its indices.  bool and
 *          float16 are turned into unsigned keys in place and back.
 *          Complex values: their canonical keys (class, real key,
 *          imaginary key; the line's number above the class) sorted by
 *          CUB through a decomposer with the positions as values, then
 *          the values gathered.  Scratch (second buffers, CUB's
 *          temporary storage) comes from the stream's memory pool
 *          (cudaMallocAsync), freed on the stream.
 *  merge   one run: a copy.  Several: merge by rank.  A warp per run and
 *          bound finds the run's co-rank (how many of its elements precede
 *          the output's first and last element) by a 33-ary search over
 *          its positions, an element's rank in the merge being its
 *          position plus, in every other run, the count of elements before
 *          it (keys <= its key in earlier runs, < in later ones: ties in
 *          run order, NumPy's stable order); then a thread per output
 *          element's source computes that rank inside the window and
 *          writes there.
 *  search  a thread per value: the run by its last key, then a binary
 *          search in it; the runs' pointers travel in the kernel
 *          parameter. */
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_segmented_sort.cuh>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <cuda/std/tuple>
#include <cuda_runtime.h>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <starpu.h>
#include "sort.h"
#include "sort_key.h"
#include "../data-interfaces/nd_interface.h"

extern "C" void lnp_codelets_report(const char *fmt, ...);
extern "C" void lnp_codelets_count_loops(int cuda, uint64_t n);

namespace {

#define X(E, T, N, K) LNP_SK_DEF_##K(N, T, LNP_SK_KT_##N, N)
LNP_FOR_ALL(X)
#undef X

/* keys compare as sort_key.h's LNP_SK_LESS_K */
template <class KT> __host__ __device__ __forceinline__ bool kless(KT a, KT b) { return a < b; }
__host__ __device__ __forceinline__ bool kless(lnp_sk_ckey a, lnp_sk_ckey b) { return lnp_sk_cless(a, b) != 0; }

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

/* the values of a float line CUB does not sort in NumPy's order,
 * counted: -0.0 (its radix sort of large segments puts it below 0.0) and
 * every NaN (its merge sort of small segments compares the values with
 * <, so a NaN stays where it was) */
template <class T, class KT>
__global__ void k_count_special(const T *v, int64_t n, unsigned long long *count)
{
  unsigned long long c = 0;
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    KT b;
    memcpy(&b, &v[i], sizeof b);
    const KT m2 = (KT)(b << 1);
    c += (m2 == 0 && b != 0) || m2 > LNP_SK_INF2(KT);
  }
  if (c) atomicAdd(count, c);
}

/* whether float values have special values (a round trip); others none */
template <class T, class KT, char K>
bool has_special(const T *v, int64_t n, cudaStream_t s, bool *failed)
{
  if constexpr (K != 'f') return false;
  unsigned long long *cnt = nullptr, special = 0;
  if (!ok(cudaMallocAsync((void **)&cnt, sizeof *cnt, s), "scratch")) return *failed = true, false;
  cudaMemsetAsync(cnt, 0, sizeof *cnt, s);
  k_count_special<T, KT><<<grid_for(n), 256, 0, s>>>(v, n, cnt);
  *failed = !ok(cudaMemcpyAsync(&special, cnt, sizeof special, cudaMemcpyDeviceToHost, s), "copy") ||
            !ok(cudaStreamSynchronize(s), "sync");
  cudaFreeAsync(cnt, s);
  return special != 0;
}

/* CUB sorts the values of these dtypes itself in our order (its radix
 * keys of signed integers and floats are our invertible keys) */
template <class T, char K>
constexpr bool cub_native = K == 'i' || K == 'u' || (K == 'f' && std::is_floating_point<T>::value);

/* sort or argsort (ix) of the lines of v by CUB on the values themselves */
template <class T>
void sort_native(T *v, int64_t *ix, int64_t n, int64_t line, int64_t base, cudaStream_t s)
{
  T *alt = nullptr;
  int64_t *ialt = nullptr;
  if (!ok(cudaMallocAsync((void **)&alt, sizeof(T) * (size_t)n, s), "scratch")) return;
  cub::DoubleBuffer<T> kb(v, alt);
  if (ix) {
    if (ok(cudaMallocAsync((void **)&ialt, sizeof(int64_t) * (size_t)n, s), "scratch")) {
      k_iota<<<grid_for(n), 256, 0, s>>>(ix, n, line, base);
      cub::DoubleBuffer<int64_t> ib(ix, ialt);
      if (sort_pooled(kb, &ib, n, line, s) && ib.Current() != ix)
        ok(cudaMemcpyAsync(ix, ib.Current(), sizeof(int64_t) * (size_t)n, cudaMemcpyDeviceToDevice, s), "copy");
      cudaFreeAsync(ialt, s);
    }
  } else {
    sort_pooled<T, int64_t>(kb, nullptr, n, line, s);
  }
  if (kb.Current() != v) ok(cudaMemcpyAsync(v, kb.Current(), sizeof(T) * (size_t)n, cudaMemcpyDeviceToDevice, s), "copy");
  cudaFreeAsync(alt, s);
}

/* sort (ix NULL) or argsort of the lines of v in place, real dtypes */
template <class T, class KT, char K, KT (*CANON)(T)>
void sort_lines(T *v, int64_t *ix, int64_t n, int64_t line, int64_t base, cudaStream_t s)
{
  if (n <= 0 || line <= 0) return;
  const unsigned g = grid_for(n);
  KT *alt = nullptr, *alt2 = nullptr;
  void *vs = nullptr;
  unsigned long long special = 0;
  bool keys_in_v = false;
  const size_t kbytes = sizeof(KT) * (size_t)n;
  if constexpr (cub_native<T, K>) {
    bool failed = false;
    special = has_special<T, KT, K>(v, n, s, &failed);
    if (failed) return;
    if (!special) return sort_native(v, ix, n, line, base, s);
  }
  if (!ok(cudaMallocAsync((void **)&alt, kbytes + 16, s), "scratch")) return;
  if (!ix && !cub_native<T, K>) {
    /* invertible keys in place; the special values, where they give
     * another order than NumPy's stable one, counted (a round trip) */
    unsigned long long *cnt = (unsigned long long *)((char *)alt + (kbytes + 7) / 8 * 8);
    if (K == 'f') cudaMemsetAsync(cnt, 0, sizeof *cnt, s);
    k_to_keys<T, KT, K, false, CANON><<<g, 256, 0, s>>>(v, n, K == 'f' ? cnt : nullptr);
    keys_in_v = true;
    if (K == 'f' && (!ok(cudaMemcpyAsync(&special, cnt, sizeof special, cudaMemcpyDeviceToHost, s), "copy") ||
                     !ok(cudaStreamSynchronize(s), "sync")))
      goto out;
  }
  if (ix || special) {
    /* canonical keys; the values (or the indices) beside them */
    const size_t vbytes = ix ? sizeof(int64_t) * (size_t)n : sizeof(T) * (size_t)n;
    if (!ok(cudaMallocAsync((void **)&alt2, kbytes, s), "scratch") || !ok(cudaMallocAsync(&vs, vbytes, s), "scratch"))
      goto out;
    k_canon<T, KT, K, CANON><<<g, 256, 0, s>>>(v, alt, n, keys_in_v);
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

/* A complex value's canonical key for CUB: the real type's keys of the
 * real and imaginary parts, and the line's number above the class (CUB has
 * no segmented sort through a decomposer, so the lines are one sort). */
template <class RK> struct CKey {
  RK im, re;
  uint32_t line_class;
};
struct CKeyParts {
  template <class RK>
  __host__ __device__ cuda::std::tuple<uint32_t &, RK &, RK &> operator()(CKey<RK> &k) const
  {
    return {k.line_class, k.re, k.im};
  }
};

template <class T, class RK, lnp_sk_ckey (*KEY)(T)>
__global__ void k_ckeys(const T *v, CKey<RK> *k, int64_t *pos, int64_t n, int64_t line)
{
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    const lnp_sk_ckey c = KEY(v[i]);
    k[i] = CKey<RK>{(RK)c.w0, (RK)c.w1, (uint32_t)((uint64_t)(i / line) << 2 | c.w2)};
    pos[i] = i;
  }
}

/* v[i] = orig[pos[i]]; an argsort's indices from the positions */
template <class T>
__global__ void k_gather_sorted(T *v, const T *orig, const int64_t *pos, int64_t *ix, int64_t n, int64_t line,
                                int64_t base)
{
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t j = pos[i];
    v[i] = orig[j];
    if (ix) ix[i] = base + j % line;
  }
}

/* sort or argsort of the lines of complex values v in place */
template <class T, class RK, lnp_sk_ckey (*KEY)(T)>
void sort_complex_lines(T *v, int64_t *ix, int64_t n, int64_t line, int64_t base, cudaStream_t s)
{
  if (n <= 0 || line <= 0) return;
  const int64_t nseg = n / line;
  if (nseg > (int64_t)1 << 30) {
    lnp_codelets_report("failed CUDA sort task: %lld complex lines in one tile", (long long)nseg);
    return;
  }
  int lbits = 0;
  while (lbits < 30 && ((int64_t)1 << lbits) < nseg) lbits++;
  const int end_bit = 2 * (int)sizeof(RK) * 8 + 2 + lbits;
  const unsigned g = grid_for(n);
  T *orig = nullptr;
  CKey<RK> *k = nullptr;
  int64_t *pos = nullptr;
  void *tmp = nullptr;
  size_t bytes = 0;
  if (ok(cudaMallocAsync((void **)&orig, sizeof(T) * (size_t)n, s), "scratch") &&
      ok(cudaMallocAsync((void **)&k, 2 * sizeof(CKey<RK>) * (size_t)n, s), "scratch") &&
      ok(cudaMallocAsync((void **)&pos, 2 * sizeof(int64_t) * (size_t)n, s), "scratch")) {
    cub::DoubleBuffer<CKey<RK>> kb(k, k + n);
    cub::DoubleBuffer<int64_t> pb(pos, pos + n);
    k_ckeys<T, RK, KEY><<<g, 256, 0, s>>>(v, k, pos, n, line);
    ok(cudaMemcpyAsync(orig, v, sizeof(T) * (size_t)n, cudaMemcpyDeviceToDevice, s), "copy");
    if (ok(cub::DeviceRadixSort::SortPairs(nullptr, bytes, kb, pb, n, CKeyParts{}, 0, end_bit, s), "cub sort") &&
        ok(cudaMallocAsync(&tmp, bytes ? bytes : 1, s), "scratch")) {
      if (ok(cub::DeviceRadixSort::SortPairs(tmp, bytes, kb, pb, n, CKeyParts{}, 0, end_bit, s), "cub sort"))
        k_gather_sorted<T><<<g, 256, 0, s>>>(v, orig, pb.Current(), ix, n, line, base);
      cudaFreeAsync(tmp, s);
    }
  }
  if (pos) cudaFreeAsync(pos, s);
  if (k) cudaFreeAsync(k, s);
  if (orig) cudaFreeAsync(orig, s);
}

#define SEARCH_MAXRUNS LNP_SORT_MAX_RUNS
struct SearchParams {
  const void *run[SEARCH_MAXRUNS];
  int64_t len[SEARCH_MAXRUNS];
  int64_t start[SEARCH_MAXRUNS + 1];
  int nruns, right;
};

/* the first position of v[lo, hi) whose key is >= k (> k: upper) */
template <class T, class KT, KT (*KEY)(T)>
__device__ int64_t bound_in(const T *v, int64_t lo, int64_t hi, KT k, bool upper)
{
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    const KT km = KEY(v[mid]);
    if (upper ? !kless(k, km) : kless(km, k))
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
      if (p.right ? !kless(k, kl) : kless(kl, k))
        lo = mid + 1;
      else
        hi = mid;
    }
    out[i] = lo == p.nruns ? p.start[lo]
                           : p.start[lo] + bound_in<T, KT, KEY>((const T *)p.run[lo], 0, p.len[lo], k, p.right);
  }
}

/* The runs of a merge (its task's buffers) */
struct MergeParams {
  const void *run[LNP_SORT_MAX_RUNS];
  const int64_t *irun[LNP_SORT_MAX_RUNS];
  int64_t len[LNP_SORT_MAX_RUNS];
  int nruns;
};

/* the rank in the merge of run r's element i, counting in the other runs
 * only their elements from lo[q] on, below hi[q] (NULL: whole runs) */
template <class T, class KT, KT (*KEY)(T)>
__device__ int64_t merge_rank(const MergeParams &p, int r, int64_t i, const int64_t *lo, const int64_t *hi)
{
  const KT k = KEY(((const T *)p.run[r])[i]);
  int64_t rank = i - (lo ? lo[r] : 0);
  for (int q = 0; q < p.nruns; q++)
    if (q != r) {
      const int64_t a = lo ? lo[q] : 0, b = hi ? hi[q] : p.len[q];
      rank += bound_in<T, KT, KEY>((const T *)p.run[q], a, b, k, q < r) - a;
    }
  return rank;
}

/* co[w * P + r]: how many of run r's elements have a rank below
 * target[w]; block (r, w), one warp: a 33-ary search over run r's
 * positions (the rank grows with the position) */
template <class T, class KT, KT (*KEY)(T)>
__global__ void k_corank(const __grid_constant__ MergeParams p, int64_t t0, int64_t t1, int64_t *co)
{
  const int r = blockIdx.x, w = blockIdx.y, t = threadIdx.x;
  const int64_t target = w ? t1 : t0;
  int64_t lo = 0, hi = p.len[r];
  while (lo < hi) {
    const int64_t span = hi - lo;
    const int np = span <= 32 ? (int)span : 32;
    const int64_t pt = span <= 32 ? lo + t : lo + span * (t + 1) / 33;
    const bool at_or_after = t < np && merge_rank<T, KT, KEY>(p, r, pt, nullptr, nullptr) >= target;
    const unsigned ballot = __ballot_sync(0xffffffffu, at_or_after);
    const int f = ballot ? __ffs(ballot) - 1 : np;
    const int64_t plo = f > 0 ? __shfl_sync(0xffffffffu, pt, f - 1) : 0;
    const int64_t phi = __shfl_sync(0xffffffffu, pt, f < np ? f : 0);
    if (f > 0) lo = plo + 1;
    if (f < np) hi = phi;
  }
  if (t == 0) co[w * p.nruns + r] = lo;
}

/* the window's elements written at their ranks: a thread per element of
 * the window's pieces of the runs, in run order */
template <class T, class KT, KT (*KEY)(T)>
__global__ void k_merge_window(const __grid_constant__ MergeParams p, const int64_t *co, int64_t m, void *out,
                               bool arg)
{
  __shared__ int64_t lo[LNP_SORT_MAX_RUNS], hi[LNP_SORT_MAX_RUNS], start[LNP_SORT_MAX_RUNS + 1];
  if (threadIdx.x == 0) {
    start[0] = 0;
    for (int r = 0; r < p.nruns; r++) {
      lo[r] = co[r];
      hi[r] = co[p.nruns + r];
      start[r + 1] = start[r] + hi[r] - lo[r];
    }
  }
  __syncthreads();
  for (int64_t e = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; e < m; e += (int64_t)gridDim.x * blockDim.x) {
    int r = 0;
    while (start[r + 1] <= e) r++;
    const int64_t i = lo[r] + (e - start[r]);
    const int64_t at = merge_rank<T, KT, KEY>(p, r, i, lo, hi);
    if (arg)
      ((int64_t *)out)[at] = p.irun[r][i];
    else
      ((T *)out)[at] = ((const T *)p.run[r])[i];
  }
}

template <class T, class KT, KT (*KEY)(T)>
void merge_runs(const MergeParams &p, int64_t out_lo, int64_t m, void *out, bool arg, cudaStream_t s)
{
  int64_t *co = nullptr;
  if (!ok(cudaMallocAsync((void **)&co, sizeof(int64_t) * 2 * (size_t)p.nruns, s), "scratch")) return;
  k_corank<T, KT, KEY><<<dim3(p.nruns, 2), 32, 0, s>>>(p, out_lo, out_lo + m, co);
  k_merge_window<T, KT, KEY><<<grid_for(m), 256, 0, s>>>(p, co, m, out, arg);
  cudaFreeAsync(co, s);
}

} /* namespace */

/* the kind of a dtype's keys (float16's are a float's) */
#define CH_b 'b'
#define CH_i 'i'
#define CH_u 'u'
#define CH_h 'f'
#define CH_f 'f'
/* the real dtypes: sort_lines; complex ones: sort_complex_lines */
#define LNP_SORT_CUDA_REAL(X) LNP_FOR_BOOL(X) LNP_FOR_INT(X) LNP_FOR_FLOAT(X)

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
    LNP_SORT_CUDA_REAL(X)
#undef X
  case LNP_COMPLEX64:
    sort_complex_lines<lnp_complex64, uint32_t, lnp_sk_key_complex64>((lnp_complex64 *)v, ix, n, sd->line, sd->base, s);
    break;
  case LNP_COMPLEX128:
    sort_complex_lines<lnp_complex128, uint64_t, lnp_sk_key_complex128>((lnp_complex128 *)v, ix, n, sd->line, sd->base,
                                                                        s);
    break;
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
  void *out = LNP_ND_GET_PTR(descr[0]);
  if (m <= 0) return;
  if (sd->nruns == 1) {
    const size_t isz = sd->arg ? sizeof(int64_t) : LNP_ND_GET_ELEMSIZE(descr[0]);
    const char *src = (const char *)LNP_ND_GET_PTR(descr[sd->arg ? 2 : 1]);
    ok(cudaMemcpyAsync(out, src + isz * (size_t)sd->out_lo, isz * (size_t)m, cudaMemcpyDeviceToDevice, s),
       "merge copy");
    return;
  }
  MergeParams p;
  memset(&p, 0, sizeof p);
  p.nruns = sd->nruns;
  for (int r = 0; r < sd->nruns; r++) {
    p.run[r] = LNP_ND_GET_PTR(descr[1 + r]);
    p.len[r] = tile_elems(descr[1 + r]);
    if (sd->arg) p.irun[r] = (const int64_t *)LNP_ND_GET_PTR(descr[1 + sd->nruns + r]);
  }
  switch (sd->dtype) {
#define X(E, T, N, K)                                                                             \
  case E: merge_runs<T, LNP_SK_KT_##N, lnp_sk_key_##N>(p, sd->out_lo, m, out, sd->arg != 0, s); break;
    LNP_FOR_ALL(X)
#undef X
  default: lnp_codelets_report("failed CUDA merge task: dtype %d", sd->dtype);
  }
  if (cudaGetLastError() != cudaSuccess) lnp_codelets_report("failed CUDA merge task: kernel launch error");
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
    LNP_FOR_ALL(X)
#undef X
  default: lnp_codelets_report("failed CUDA search task: dtype %d", sd->dtype);
  }
  if (cudaGetLastError() != cudaSuccess) lnp_codelets_report("failed CUDA search task: kernel launch error");
}
