/* CUDA kernel of the scan task (scan.h), one template for every scanning
 * op and dtype (the element operations and types of loop_cuda_ops.cuh,
 * chosen from the op table).
 *
 * A piece is cut like on the CPU (scan_cpu.c) into independent lines along
 * the scan dim s:
 *  - s is the piece's fastest dim: one block per line scans it in tiles of
 *    LNPS_BLOCK * LNPS_ITEMS elements with cub::BlockScan, the running
 *    total carried from tile to tile (the block-wide prefix callback); a
 *    few long lines are cut into chunks, a block each: reduce, scan of the
 *    chunks' totals, scan of each chunk from its carry (three kernels);
 *  - s is strided (another dim is faster): one thread per line walks it
 *    sequentially, so neighbouring threads read neighbouring elements of
 *    each row (coalesced).
 * A line starts from its carry (the carry operand, or the output element
 * before the piece when the piece continues an earlier one).  Floats are
 * combined in the block scan's tree order, so their last bits may differ
 * from the CPU's; integers, logical, bitwise and min/max scans are exact. */
#include <cub/block/block_reduce.cuh>
#include <cub/block/block_scan.cuh>

#include "loop_cuda_ops.cuh"
#include "scan.h"

#include <starpu.h>
#include "../data-interfaces/nd_interface.h"

namespace {

#define LNPS_BLOCK 256
#define LNPS_ITEMS 4

/* a piece: scan dim (n elements, strides), the other dims (lines) */
struct ScanArgs {
  char *o;
  const char *a, *c; /* c: carry of line 0, NULL: none */
  int64_t n, os, as; /* scan dim: extent, byte strides */
  int nk;
  int64_t nlines;
  int64_t ext[LNP_MAXDIM], so[LNP_MAXDIM], sa[LNP_MAXDIM], sc[LNP_MAXDIM];
};

__device__ __forceinline__ void line_ptrs(const ScanArgs &p, int64_t li, char *&o, const char *&a, const char *&c)
{
  int64_t oo = 0, ao = 0, co = 0;
  for (int k = p.nk - 1; k >= 0; k--) {
    const int64_t i = li % p.ext[k];
    li /= p.ext[k];
    oo += i * p.so[k];
    ao += i * p.sa[k];
    co += i * p.sc[k];
  }
  o = p.o + oo;
  a = p.a + ao;
  c = p.c ? p.c + co : nullptr;
}

template <int OP, int DT> struct Op {
  __device__ __forceinline__ CT<DT> operator()(const CT<DT> &x, const CT<DT> &y) const { return f2<OP, DT>(x, y, 0); }
};

/* the running total of a line, handed to each tile's scan */
template <class T, class F> struct Prefix {
  T run;
  F f;
  __device__ T operator()(T tile_total)
  {
    const T old = run;
    run = f(run, tile_total);
    return old;
  }
};

/* Chunking of long contiguous lines (few of them): chunk g of a line is
 * [g*ch, min(n, (g+1)*ch)); every chunk but the last is full.  The total of
 * chunk g < G-1 is parked in the output at its last element (k_chunk_total),
 * which k_chunk_carry turns into the line's inclusive prefix there (the
 * chunk's carry-out), and k_scan_line's block for chunk g+1 starts from it
 * and never rewrites it.  No scratch memory: the output is the scratch. */
struct Chunks {
  int64_t ch; /* elements per chunk */
  int64_t g;  /* chunks per line (1: a block scans the whole line) */
};

/* a block per (chunk, line), or per line (g == 1: lines strided over the
 * grid) */
template <int OP, int DT>
__global__ void __launch_bounds__(LNPS_BLOCK) k_scan_line(const __grid_constant__ ScanArgs p, Chunks k)
{
  typedef CT<DT> T;
  typedef cub::BlockScan<T, LNPS_BLOCK> Scan;
  __shared__ typename Scan::TempStorage tmp;
  const bool chunked = k.g > 1;
  const int64_t g = chunked ? blockIdx.x : 0;
  const int64_t lo = g * k.ch, hi = lo + k.ch < p.n ? lo + k.ch : p.n;
  /* the chunk's last element already holds its final value */
  const int64_t keep = chunked && g < k.g - 1 ? hi - 1 : -1;
  for (int64_t li = chunked ? blockIdx.y : blockIdx.x; li < p.nlines; li += chunked ? p.nlines : gridDim.x) {
    char *o;
    const char *a, *c;
    line_ptrs(p, li, o, a, c);
    const Op<OP, DT> f;
    Prefix<T, Op<OP, DT>> pre{g > 0 ? ld<DT>(o + (lo - 1) * p.os) : c ? ld<DT>(c) : ld<DT>(a), f};
    bool started = g > 0 || c != nullptr;
    for (int64_t t0 = lo; t0 < hi; t0 += (int64_t)LNPS_BLOCK * LNPS_ITEMS) {
      T v[LNPS_ITEMS];
      const int64_t i0 = t0 + (int64_t)threadIdx.x * LNPS_ITEMS;
      for (int j = 0; j < LNPS_ITEMS; j++) {
        /* past the end: a copy of an element (never stored; only the
         * last tile has such, and its total is not used) */
        const int64_t i = i0 + j < hi ? i0 + j : hi - 1;
        v[j] = ld<DT>(a + i * p.as);
      }
      if (started) {
        Scan(tmp).InclusiveScan(v, v, f, pre);
      } else {
        T total;
        Scan(tmp).InclusiveScan(v, v, f, total);
        pre.run = total;
        started = true;
      }
      __syncthreads(); /* tmp is reused by the next tile */
      for (int j = 0; j < LNPS_ITEMS; j++)
        if (i0 + j < hi && i0 + j != keep) st<DT>(o + (i0 + j) * p.os, v[j]);
    }
  }
}

/* the total of full chunk blockIdx.x of line blockIdx.y, at its last element */
template <int OP, int DT>
__global__ void __launch_bounds__(LNPS_BLOCK) k_chunk_total(const __grid_constant__ ScanArgs p, Chunks k)
{
  typedef CT<DT> T;
  typedef cub::BlockReduce<T, LNPS_BLOCK> Reduce;
  __shared__ typename Reduce::TempStorage tmp;
  char *o;
  const char *a, *c;
  line_ptrs(p, blockIdx.y, o, a, c);
  const Op<OP, DT> f;
  const int64_t lo = (int64_t)blockIdx.x * k.ch;
  /* ch >= LNPS_BLOCK: every thread has an element */
  T v = ld<DT>(a + (lo + threadIdx.x) * p.as);
  for (int64_t i = lo + threadIdx.x + LNPS_BLOCK; i < lo + k.ch; i += LNPS_BLOCK) v = f(v, ld<DT>(a + i * p.as));
  const T t = Reduce(tmp).Reduce(v, f);
  if (threadIdx.x == 0) st<DT>(o + (lo + k.ch - 1) * p.os, t);
}

/* the chunks' totals of line blockIdx.y (at most LNPS_BLOCK * LNPS_ITEMS)
 * into their inclusive prefixes, from the line's carry */
template <int OP, int DT>
__global__ void __launch_bounds__(LNPS_BLOCK) k_chunk_carry(const __grid_constant__ ScanArgs p, Chunks k)
{
  typedef CT<DT> T;
  typedef cub::BlockScan<T, LNPS_BLOCK> Scan;
  __shared__ typename Scan::TempStorage tmp;
  char *o;
  const char *a, *c;
  line_ptrs(p, blockIdx.y, o, a, c);
  const Op<OP, DT> f;
  const int64_t nt = k.g - 1;
  T v[LNPS_ITEMS];
  const int64_t i0 = (int64_t)threadIdx.x * LNPS_ITEMS;
  for (int j = 0; j < LNPS_ITEMS; j++) {
    const int64_t i = i0 + j < nt ? i0 + j : nt - 1;
    v[j] = ld<DT>(o + (i * k.ch + k.ch - 1) * p.os);
  }
  if (c) {
    Prefix<T, Op<OP, DT>> pre{ld<DT>(c), f};
    Scan(tmp).InclusiveScan(v, v, f, pre);
  } else {
    Scan(tmp).InclusiveScan(v, v, f);
  }
  for (int j = 0; j < LNPS_ITEMS; j++)
    if (i0 + j < nt) st<DT>(o + ((i0 + j) * k.ch + k.ch - 1) * p.os, v[j]);
}

template <int OP, int DT> __global__ void k_scan_strided(const __grid_constant__ ScanArgs p)
{
  const int64_t li = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (li >= p.nlines) return;
  char *o;
  const char *a, *c;
  line_ptrs(p, li, o, a, c);
  CT<DT> acc = ld<DT>(a);
  if (c) acc = rt<DT>(f2<OP, DT>(ld<DT>(c), acc, 0));
  st<DT>(o, acc);
  for (int64_t i = 1; i < p.n; i++) {
    acc = rt<DT>(f2<OP, DT>(acc, ld<DT>(a + i * p.as), 0));
    st<DT>(o + i * p.os, acc);
  }
}

/* which ops scan (scan.h), and in which dtypes: the gpu column, and
 * predicates only on bool */
#define LNPS_SCANS(NAME, UF, NIN, KIND, UNIT, CPU, GPU, FOLD, TREE, IDENT, UREDUCE, ...) \
  case LNP_OP_##NAME: return LNP_SCAN_OP(NIN, KIND, TREE, UREDUCE);
LNPC_COLUMN(op_scans, int, LNPS_SCANS)
template <int OP, int DT> constexpr bool scan_ok()
{
  return op_scans(OP) && has_kernel(OP, DT) && (op_kind(OP) == 'S' || DT == LNP_BOOL);
}

typedef int (*scan_fn)(const ScanArgs &p, bool line, cudaStream_t s);

/* lines at least this long, fewer than LNPS_CHUNK_LINES of them, are cut
 * into chunks of at least LNPS_CHUNK_MIN elements, at most
 * LNPS_BLOCK * LNPS_ITEMS + 1 chunks a line (k_chunk_carry's one tile) */
#define LNPS_CHUNK_N (1 << 16)
#define LNPS_CHUNK_LINES 256
#define LNPS_CHUNK_MIN 4096

template <int OP, int DT> int run(const ScanArgs &p, bool line, cudaStream_t s)
{
  if (line) {
    Chunks k{p.n, 1};
    /* not in place: the chunks' totals are parked in the output */
    if (p.n >= LNPS_CHUNK_N && p.nlines <= LNPS_CHUNK_LINES && (const char *)p.o != p.a) {
      int64_t g = (p.n + LNPS_CHUNK_MIN - 1) / LNPS_CHUNK_MIN;
      if (g > LNPS_BLOCK * LNPS_ITEMS + 1) g = LNPS_BLOCK * LNPS_ITEMS + 1;
      k.ch = (p.n + g - 1) / g;
      k.g = (p.n + k.ch - 1) / k.ch;
    }
    if (k.g > 1) {
      const dim3 totals((unsigned)(k.g - 1), (unsigned)p.nlines), lines(1, (unsigned)p.nlines);
      k_chunk_total<OP, DT><<<totals, LNPS_BLOCK, 0, s>>>(p, k);
      k_chunk_carry<OP, DT><<<lines, LNPS_BLOCK, 0, s>>>(p, k);
      k_scan_line<OP, DT><<<dim3((unsigned)k.g, (unsigned)p.nlines), LNPS_BLOCK, 0, s>>>(p, k);
    } else {
      const unsigned grid = (unsigned)(p.nlines < 65535 ? p.nlines : 65535);
      k_scan_line<OP, DT><<<grid, LNPS_BLOCK, 0, s>>>(p, k);
    }
  } else {
    const unsigned grid = (unsigned)((p.nlines + 255) / 256);
    k_scan_strided<OP, DT><<<grid, 256, 0, s>>>(p);
  }
  return cudaGetLastError() == cudaSuccess ? 0 : -2;
}

template <int OP> scan_fn pick_dt(int dt)
{
  switch (dt) {
#define LNPS_DT(E, T, N, K) \
  case E:                   \
    if constexpr (scan_ok<OP, E>()) return run<OP, E>; else return nullptr;
    LNP_FOR_ALL(LNPS_DT)
#undef LNPS_DT
  default: return nullptr;
  }
}

scan_fn pick(int op, int dt)
{
  switch (op) {
#define LNPS_OP(NAME, ...) \
  case LNP_OP_##NAME: return pick_dt<LNP_OP_##NAME>(dt);
    LNP_OP_TABLE(LNPS_OP)
#undef LNPS_OP
  default: return nullptr;
  }
}

int64_t abs64(int64_t x) { return x < 0 ? -x : x; }

/* launch every piece of d on the stream; 0, -1 invalid, -2 launch error */
int launch(const lnp_loop_desc *d, void *const *bufs, cudaStream_t stream)
{
  const scan_fn fn = d->dtype_in == d->dtype_out ? pick(d->op, d->dtype_in) : nullptr;
  const int nd = d->ndim;
  const int64_t s = d->scalars[0].i64;
  if (!fn || nd < 1 || s < 0 || s >= nd || (d->nops != 2 && d->nops != 3)) return -1;
  const int64_t isz = (int64_t)lnp_dtype_size(d->dtype_in);
  for (int q = 0; q < d->npieces; q++) {
    int64_t *w = lnp_loop_piece(d, q);
    bool empty = false;
    for (int k = 0; k < nd; k++) empty |= w[k] == 0;
    if (empty) continue;
    const int64_t *oo = lnp_piece_operand(w, nd, 0), *ao = lnp_piece_operand(w, nd, 1);
    const int64_t *co = d->nops == 3 ? lnp_piece_operand(w, nd, 2) : nullptr;
    if (oo[0] < 0 || ao[0] < 0 || oo[0] >= d->nbuffers || ao[0] >= d->nbuffers || (co && (co[0] < 0 || co[0] >= d->nbuffers)))
      return -1;
    ScanArgs p;
    memset(&p, 0, sizeof p);
    p.o = (char *)bufs[oo[0]] + oo[1] * isz;
    p.a = (const char *)bufs[ao[0]] + ao[1] * isz;
    p.n = w[s];
    p.os = oo[2 + s] * isz;
    p.as = ao[2 + s] * isz;
    const bool cont = w[nd + s] > 0;
    if (cont)
      p.c = p.o - p.os;
    else if (co)
      p.c = (const char *)bufs[co[0]] + co[1] * isz;
    p.nlines = 1;
    int64_t fastest = -1;
    for (int k = 0; k < nd; k++) {
      if (k == s || w[k] == 1) continue;
      p.ext[p.nk] = w[k];
      p.so[p.nk] = oo[2 + k] * isz;
      p.sa[p.nk] = ao[2 + k] * isz;
      p.sc[p.nk] = cont ? p.so[p.nk] : co ? co[2 + k] * isz : 0;
      if (fastest < 0 || abs64(p.so[p.nk]) < fastest) fastest = abs64(p.so[p.nk]);
      p.nlines *= w[k];
      p.nk++;
    }
    const bool line = fastest < 0 || abs64(p.os) < fastest;
    const int rc = fn(p, line, stream);
    if (rc) return rc;
  }
  return 0;
}

} /* namespace */

extern "C" int lnp_scan_cuda_supported(const lnp_loop_desc *d)
{
  return d->dtype_in == d->dtype_out && pick(d->op, d->dtype_in) != nullptr;
}

extern "C" void lnp_codelets_report(const char *fmt, ...);

extern "C" void lnp_scan_cuda_run(void *descr[], unsigned nb, const lnp_loop_desc *d, size_t arg_size)
{
  if (!lnp_loop_desc_valid(d, arg_size, nb)) {
    lnp_codelets_report("malformed scan task descriptor");
    return;
  }
  void *stack_ptrs[8] = {};
  void **ptrs = nb <= 8 ? stack_ptrs : (void **)malloc(sizeof(void *) * nb);
  if (!ptrs) {
    lnp_codelets_report("out of memory in a %s scan task", lnp_op_name(d->op));
    return;
  }
  for (unsigned i = 0; i < nb; i++) ptrs[i] = LNP_ND_GET_PTR(descr[i]);
  const int rc = launch(d, ptrs, starpu_cuda_get_local_stream());
  if (rc)
    lnp_codelets_report("%s CUDA %s scan task (%s)", rc == -1 ? "invalid" : "failed", lnp_op_name(d->op),
                        lnp_dtype_name(d->dtype_in));
  if (ptrs != stack_ptrs) free(ptrs);
}
