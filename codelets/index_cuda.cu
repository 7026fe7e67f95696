/* CUDA implementation of lnp_cl_index (index.h).  The task's descriptor,
 * bounds, extra words and the device pointers of its buffers travel as one
 * __grid_constant__ kernel parameter (no device allocation in a task), so a
 * task whose box or extra words do not fit it runs on the CPU
 * (lnp_index_cuda_supported).
 *  - GATHER: a thread per output element.
 *  - SCATTER: a kernel per value tile, launched in row order on the
 *    worker's stream, a thread per value element.  Where several values go
 *    to one element, later tiles overwrite earlier ones, but within a tile
 *    the threads race: which of them lands is unspecified (as in CuPy),
 *    unlike the CPU's last write.
 *  - COUNT: a block reduction, one atomic add per block.
 *  - COMPACT: the mask tiles in chunks, a block each: the chunks'
 *    nonzeros counted and scanned (cub::DeviceScan), then each chunk
 *    walked with cub::BlockScan from its first row, each nonzero writing
 *    its row when the row is the output tile's. */
#include <cub/block/block_reduce.cuh>
#include <cub/block/block_scan.cuh>
#include <cub/device/device_scan.cuh>
#include <cuda_runtime.h>
#include <cstdint>
#include <cstring>

#include <starpu.h>
#include "index.h"
#include "../data-interfaces/nd_interface.h"

extern "C" void lnp_codelets_report(const char *fmt, ...);
extern "C" void lnp_codelets_count_loops(int cuda, uint64_t n);

namespace {

#define IX_MAXBUF 256
#define IX_MAXWORDS 768 /* extra words + bounds */
#define IX_BLOCK 256

struct IxParams {
  lnp_index_desc d;
  int64_t words[IX_MAXWORDS]; /* extra words, then bounds */
  char *ptr[IX_MAXBUF];       /* the task's buffers */
};

__device__ __forceinline__ void move_elem(char *dst, const char *src, int64_t isz)
{
  switch (isz) {
  case 1: *dst = *src; break;
  case 2: *(uint16_t *)dst = *(const uint16_t *)src; break;
  case 4: *(uint32_t *)dst = *(const uint32_t *)src; break;
  case 8: *(uint64_t *)dst = *(const uint64_t *)src; break;
  case 16: *(uint4 *)dst = *(const uint4 *)src; break;
  default:
    for (int64_t b = 0; b < isz; b++) dst[b] = src[b];
  }
}

__device__ __forceinline__ bool fetch(const IxParams &p, int64_t v, char *dst)
{
  int64_t eoff;
  const int64_t t = lnp_index_locate(&p.d.g, p.words + p.d.nextra, v, &eoff);
  if (t < 0) return false;
  move_elem(dst, p.ptr[p.d.g.buf0 + t] + eoff * p.d.itemsize, p.d.itemsize);
  return true;
}

/* checked: status[0] counts the bad offsets (once per row), status[1]
 * (set to the tile's row count first) takes the smallest bad row */
__global__ void k_gather(const __grid_constant__ IxParams p, unsigned long long *status)
{
  const int64_t n = p.d.nr * p.d.nc;
  const int64_t *off = (const int64_t *)p.ptr[1];
  for (int64_t e = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; e < n; e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t i = e / p.d.nc, j = e - i * p.d.nc;
    const int64_t o = off[i] < 0 && p.d.checked ? off[i] + p.d.nrows : off[i];
    if (o >= 0 && o < p.d.nrows)
      fetch(p, o * p.d.R + p.d.c0 + j, p.ptr[0] + e * p.d.itemsize);
    else if (status && j == 0) {
      atomicAdd(&status[0], 1ull);
      atomicMin(&status[1], (unsigned long long)(p.d.r0 + i));
    }
  }
}

__global__ void k_status_init(unsigned long long *status, unsigned long long rows)
{
  status[0] = 0;
  status[1] = rows;
}

__global__ void k_scatter(const __grid_constant__ IxParams p, const int64_t *off, const char *vals, int64_t nr,
                          int64_t c0, int64_t nc)
{
  const int64_t n = nr * nc, isz = p.d.itemsize;
  for (int64_t e = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; e < n; e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t i = e / nc, j = e - i * nc, o = off[i];
    if (o < 0 || o >= p.d.nrows) continue;
    int64_t eoff;
    const int64_t t = lnp_index_locate(&p.d.g, p.words + p.d.nextra, o * p.d.R + c0 + j, &eoff);
    if (t >= 0) move_elem(p.ptr[p.d.g.buf0 + t] + eoff * isz, vals + e * isz, isz);
  }
}

__global__ void k_count(unsigned long long *count, const unsigned char *m, int64_t n)
{
  typedef cub::BlockReduce<unsigned long long, IX_BLOCK> Reduce;
  __shared__ typename Reduce::TempStorage tmp;
  unsigned long long c = 0;
  for (int64_t e = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; e < n; e += (int64_t)gridDim.x * blockDim.x)
    c += m[e] != 0;
  c = Reduce(tmp).Sum(c);
  if (threadIdx.x == 0 && c) atomicAdd(count, c);
}

/* Compaction runs over chunks of the mask tiles, a block each, so that a
 * long tile (one per GPU by default) is walked by the whole GPU: the
 * chunks' nonzeros are counted (k_chunk_count), scanned into each chunk's
 * first row (cub::DeviceScan), and each chunk then writes its rows
 * (k_compact).  Chunk c of the task's chunks lies in mask tile m =
 * chunk_tile(c): tile m's chunks start after those of the tiles before. */
#define IX_CHUNK (IX_BLOCK * 16)

__device__ int chunk_tile(const IxParams &p, int64_t c, int64_t *first)
{
  int64_t base = 0;
  for (int m = 0; m < p.d.nsub; m++) {
    const int64_t nch = (p.words[3 * m + 1] + IX_CHUNK - 1) / IX_CHUNK;
    if (c < base + nch) {
      *first = base;
      return m;
    }
    base += nch;
  }
  *first = base;
  return -1;
}

__global__ void k_chunk_count(const __grid_constant__ IxParams p, int64_t *cnt)
{
  typedef cub::BlockReduce<int64_t, IX_BLOCK> Reduce;
  __shared__ typename Reduce::TempStorage tmp;
  const int64_t c = blockIdx.x;
  int64_t first;
  const int m = chunk_tile(p, c, &first);
  const unsigned char *mask = (const unsigned char *)p.ptr[1 + m];
  const int64_t len = p.words[3 * m + 1], lo = (c - first) * IX_CHUNK;
  const int64_t hi = lo + IX_CHUNK < len ? lo + IX_CHUNK : len;
  int64_t k = 0;
  for (int64_t e = lo + threadIdx.x; e < hi; e += IX_BLOCK) k += mask[e] != 0;
  k = Reduce(tmp).Sum(k);
  if (threadIdx.x == 0) cnt[c] = k;
}

/* pre: each chunk's nonzeros before it among the task's chunks */
__global__ void k_compact(const __grid_constant__ IxParams p, const int64_t *pre)
{
  typedef cub::BlockScan<int64_t, IX_BLOCK> Scan;
  __shared__ typename Scan::TempStorage tmp;
  const int64_t c = blockIdx.x;
  int64_t first;
  const int m = chunk_tile(p, c, &first);
  const int64_t *ex = p.words;
  const unsigned char *mask = (const unsigned char *)p.ptr[1 + m];
  const int64_t p0 = ex[3 * m], len = ex[3 * m + 1], r1 = p.d.r0 + p.d.nr, isz = p.d.itemsize;
  /* the tile's first row (from the host's counts), then the chunks before */
  int64_t carry = ex[3 * m + 2] + pre[c] - pre[first];
  const int64_t lo = (c - first) * IX_CHUNK, hi = lo + IX_CHUNK < len ? lo + IX_CHUNK : len;
  for (int64_t base = lo; base < hi && carry < r1; base += IX_BLOCK) {
    const int64_t e = base + threadIdx.x;
    const int64_t flag = e < hi && mask[e] != 0;
    int64_t rank, total;
    Scan(tmp).ExclusiveSum(flag, rank, total);
    const int64_t k = carry + rank;
    if (flag && k >= p.d.r0 && k < r1) {
      char *row = p.ptr[0] + (k - p.d.r0) * p.d.nc * isz;
      const int64_t pos = p0 + e;
      if (p.d.coords) {
        int64_t q = pos;
        for (int dd = p.d.g.vndim - 1; dd >= 0; dd--) {
          const int64_t n = p.d.g.vshape[dd], cc = q % n;
          q /= n;
          if (dd >= p.d.c0 && dd < p.d.c0 + p.d.nc) ((int64_t *)row)[dd - p.d.c0] = cc;
        }
      } else
        for (int64_t j = 0; j < p.d.nc; j++) fetch(p, pos * p.d.R + p.d.c0 + j, row + j * isz);
    }
    carry += total;
    __syncthreads(); /* tmp is reused by the next step */
  }
}

/* the chunked compaction of one task (see k_compact); scratch from the
 * stream's pool */
void compact(const IxParams &p, cudaStream_t s)
{
  int64_t nch = 0;
  const int64_t *ex = p.words;
  for (int m = 0; m < p.d.nsub; m++) nch += (ex[3 * m + 1] + IX_CHUNK - 1) / IX_CHUNK;
  if (nch == 0) return;
  int64_t *cnt = nullptr;
  void *tmp = nullptr;
  size_t tmp_bytes = 0;
  cub::DeviceScan::ExclusiveSum(nullptr, tmp_bytes, cnt, cnt, nch, s);
  if (cudaMallocAsync((void **)&cnt, sizeof(int64_t) * (size_t)nch + tmp_bytes + 256, s) != cudaSuccess) {
    lnp_codelets_report("failed CUDA index task: no device memory for the compaction's counts");
    return;
  }
  tmp = (char *)cnt + ((sizeof(int64_t) * (size_t)nch + 255) / 256) * 256;
  k_chunk_count<<<(unsigned)nch, IX_BLOCK, 0, s>>>(p, cnt);
  cub::DeviceScan::ExclusiveSum(tmp, tmp_bytes, cnt, cnt, nch, s);
  k_compact<<<(unsigned)nch, IX_BLOCK, 0, s>>>(p, cnt);
  cudaFreeAsync(cnt, s);
}

unsigned grid_for(int64_t n)
{
  const int64_t g = (n + IX_BLOCK - 1) / IX_BLOCK;
  return (unsigned)(g < 1 ? 1 : g > 65535 ? 65535 : g);
}

} /* namespace */

extern "C" int lnp_index_cuda_supported(const lnp_index_desc *d)
{
  if (!d || d->nextra + d->g.nbounds > IX_MAXWORDS) return 0;
  int nbuf = 2 + d->g.nbox + (d->mode == LNP_IX_GATHER && d->checked);
  if (d->mode == LNP_IX_SCATTER) nbuf = d->g.nbox + d->nsub * (1 + d->ncol);
  if (d->mode == LNP_IX_COMPACT) nbuf = 1 + d->nsub + (d->coords ? 0 : d->g.nbox);
  return nbuf <= IX_MAXBUF;
}

extern "C" void lnp_index_cuda(void *descr[], void *cl_arg)
{
  const lnp_index_desc *d = (const lnp_index_desc *)cl_arg;
  lnp_codelets_count_loops(1, 1);
  cudaStream_t s = starpu_cuda_get_local_stream();
  struct starpu_task *task = starpu_task_get_current();
  const unsigned nb = STARPU_TASK_GET_NBUFFERS(task);
  if (!lnp_index_cuda_supported(d) || nb > IX_MAXBUF) {
    lnp_codelets_report("invalid index task for CUDA");
    return;
  }
  if (d->mode == LNP_IX_COUNT) {
    const uint64_t *shape = LNP_ND_GET_SHAPE(descr[1]);
    int64_t n = 1;
    for (int k = 0; k < (int)LNP_ND_GET_NDIM(descr[1]); k++) n *= (int64_t)shape[k];
    unsigned long long *c = (unsigned long long *)LNP_ND_GET_PTR(descr[0]);
    cudaMemsetAsync(c, 0, sizeof *c, s);
    if (n > 0) k_count<<<grid_for(n) > 1024 ? 1024 : grid_for(n), IX_BLOCK, 0, s>>>(c, (const unsigned char *)LNP_ND_GET_PTR(descr[1]), n);
  } else {
    IxParams p;
    memcpy(&p.d, d, sizeof *d);
    memcpy(p.words, lnp_index_extra(d), sizeof(int64_t) * (size_t)(d->nextra + d->g.nbounds));
    for (unsigned b = 0; b < nb; b++) p.ptr[b] = (char *)LNP_ND_GET_PTR(descr[b]);
    if (d->mode == LNP_IX_GATHER) {
      unsigned long long *status = nullptr;
      if (d->checked) {
        status = (unsigned long long *)p.ptr[d->g.buf0 + d->g.nbox];
        k_status_init<<<1, 1, 0, s>>>(status, (unsigned long long)(d->r0 + d->nr));
      }
      if (d->nr * d->nc > 0) k_gather<<<grid_for(d->nr * d->nc), IX_BLOCK, 0, s>>>(p, status);
    } else if (d->mode == LNP_IX_COMPACT) {
      compact(p, s);
    } else if (d->mode == LNP_IX_SCATTER) {
      const int64_t *rb = lnp_index_extra(d), *cb = rb + d->nsub + 1;
      int buf = d->g.nbox;
      for (int32_t rt = 0; rt < d->nsub; rt++) {
        const int64_t *off = (const int64_t *)p.ptr[buf++];
        const int64_t nr = rb[rt + 1] - rb[rt];
        for (int32_t ct = 0; ct < d->ncol; ct++, buf++) {
          const int64_t nc = cb[ct + 1] - cb[ct];
          if (nr * nc > 0) k_scatter<<<grid_for(nr * nc), IX_BLOCK, 0, s>>>(p, off, p.ptr[buf], nr, cb[ct], nc);
        }
      }
    }
  }
  if (cudaGetLastError() != cudaSuccess) lnp_codelets_report("failed CUDA index task: kernel launch error");
}
