/* CUDA implementation of the generic strided loop (loop_cuda.h): the host
 * side (validation, the pieces' plan, launches), the StarPU entry point,
 * and the kernels of the unary ops.  The device code is in
 * loop_cuda_kernels.cuh; loop_cuda_{arith,minmax,logic,arg,random,umath,cast}.cu instantiate
 * the other ops' kernels. */
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <atomic>
#include <mutex>
#include <vector>

#include "loop_cuda_kernels.cuh"
#include "loop_cuda.h"
#ifndef LNP_LOOP_CUDA_NO_STARPU
#include <starpu.h>
#include "../data-interfaces/nd_interface.h"
#endif

lnpc::launch_fn lnpc::part_unary(int op, int dt) { return OpPart<U_unary>::get(op, dt); }

int lnpc::part_size(int op, int dt)
{
  switch (dt) {
#define LNPC_X(E, T, N, K) \
  case E: return part_size_dt<E>(op);
    LNP_FOR_ALL(LNPC_X)
#undef LNPC_X
  default: return 16;
  }
}

namespace {

launch_fn op_part(int op, int dt)
{
  switch (op_unit(op)) {
  case U_unary: return lnpc::part_unary(op, dt);
  case U_arith: return lnpc::part_arith(op, dt);
  case U_minmax: return lnpc::part_minmax(op, dt);
  case U_logic: return lnpc::part_logic(op, dt);
  case U_arg: return lnpc::part_arg(op, dt);
  case U_random: return lnpc::part_random(op, dt);
  case U_umath: return lnpc::part_umath(op, dt);
  default: return nullptr;
  }
}

/* the kernel for (op, dtypes), or NULL (mirrors loop_cpu.c's lnp_select) */
launch_fn select_fn(int op, int din, int dout)
{
  if (op < 0 || op >= LNP_NOPS || dout < 0 || dout >= LNP_NTYPES) return nullptr;
  const char kind = op_kind(op);
  if (kind == 'G') return op_part(op, dout);
  if (din < 0 || din >= LNP_NTYPES) return nullptr;
  switch (kind) {
  case 'C': return lnpc::part_cast(din, dout);
  case 'P': return dout == LNP_BOOL ? op_part(op, din) : nullptr;
  case 'A': return dout == real_dt(din) ? op_part(op, din) : nullptr;
  default: return dout == din ? op_part(op, din) : nullptr;
  }
}

int host_avx512f()
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
  return __builtin_cpu_supports("avx512f") ? 1 : 0;
#else
  return 0;
#endif
}

/* Which operand the CPU kernels' fmax/fmin return for +0 vs -0 and for two
 * NaNs (C leaves it open; with GCC 13 the elementwise loops and the folds
 * even differ): measured once on lnp_loop_execute itself, both paths, as
 * Params::fm bits. */
uint64_t probe_fminmax()
{
  uint64_t fm = 0;
  const int dts[3] = {LNP_FLOAT16, LNP_FLOAT32, LNP_FLOAT64};
  for (int dt : dts)
    for (int op : {LNP_OP_FMAX, LNP_OP_FMIN})
      for (int path = 0; path < 2; path++) {
        const size_t sz = lnp_dtype_size(dt);
        const int n = 16;
        /* x: +0, -0, NaN(1); y: -0, +0, NaN(2) */
        uint64_t xb[3], yb[3];
        if (sz == 2) {
          const uint64_t x3[3] = {0, 0x8000, 0x7e01}, y3[3] = {0x8000, 0, 0x7e02};
          memcpy(xb, x3, sizeof xb);
          memcpy(yb, y3, sizeof yb);
        } else if (sz == 4) {
          const uint64_t x3[3] = {0, 0x80000000u, 0x7fc00001u}, y3[3] = {0x80000000u, 0, 0x7fc00002u};
          memcpy(xb, x3, sizeof xb);
          memcpy(yb, y3, sizeof yb);
        } else {
          const uint64_t x3[3] = {0, 0x8000000000000000ULL, 0x7ff8000000000001ULL},
                         y3[3] = {0x8000000000000000ULL, 0, 0x7ff8000000000002ULL};
          memcpy(xb, x3, sizeof xb);
          memcpy(yb, y3, sizeof yb);
        }
        int bits = 0;
        for (int c = 0; c < 3; c++) {
          unsigned char x[16 * 8], y[16 * 8], o[16 * 8];
          for (int i = 0; i < n; i++) {
            memcpy(x + i * sz, &xb[c], sz);
            memcpy(y + i * sz, &yb[c], sz);
          }
          memcpy(o, x, sizeof o);
          std::vector<unsigned char> raw(lnp_loop_desc_size(1, 3, 1), 0);
          lnp_loop_desc *d = (lnp_loop_desc *)raw.data();
          d->op = op;
          d->dtype_in = d->dtype_out = dt;
          d->ndim = 1;
          d->nops = 3;
          d->npieces = 1;
          d->nbuffers = 3;
          int64_t *w = lnp_loop_piece(d, 0);
          w[0] = n;
          for (int k = 0; k < 3; k++) {
            int64_t *q = lnp_piece_operand(w, 1, k);
            q[0] = path == FM_FOLD && k == 1 ? 0 : k; /* fold: out = in1, standing still */
            q[1] = 0;
            q[2] = path == FM_FOLD && k < 2 ? 0 : 1;
          }
          void *ptrs[3] = {o, x, y};
          if (lnp_loop_execute(d, ptrs, 1) != 0) continue;
          if (!memcmp(o, y, sz)) bits |= 1 << c; /* FM_PZ_Y, FM_NZ_Y, FM_NAN_Y */
        }
        fm |= (uint64_t)bits << fm_shift(dt, op, path);
      }
  return fm;
}

struct HostFlags {
  int flags;
  uint64_t fm;
};
HostFlags host_flags()
{
  static std::once_flag once;
  static HostFlags hf;
  std::call_once(once, [] { hf = HostFlags{host_avx512f() ? PF_AVX512F : 0, probe_fminmax()}; });
  return hf;
}

/* ------------------------------------------------------------------------
 * Device scratch for split reductions: one buffer per (stream, device),
 * allocated once (lnp_loop_cuda_worker_init on each StarPU CUDA worker,
 * for its stream; lazily, outside StarPU tasks, by lnp_loop_cuda_launch).
 * Work on one stream runs in order, so a launch may reuse the buffer as
 * soon as it is queued after the previous one.  A StarPU task never
 * allocates: without a buffer it reduces each run with one block.
 * ------------------------------------------------------------------------ */
#define LNPC_SCRATCH_BYTES ((size_t)4 << 20)
struct Scratch {
  cudaStream_t stream;
  int dev;
  char *ptr;
  size_t size;
};
std::mutex g_scratch_mu;
std::vector<Scratch> g_scratch;
thread_local Scratch tl_scratch = {nullptr, -1, nullptr, 0}; /* last one used by this thread */

Scratch scratch_for(cudaStream_t stream, int dev, bool alloc)
{
  if (tl_scratch.ptr && tl_scratch.stream == stream && tl_scratch.dev == dev) return tl_scratch;
  std::lock_guard<std::mutex> lock(g_scratch_mu);
  for (const Scratch &sc : g_scratch)
    if (sc.stream == stream && sc.dev == dev) return tl_scratch = sc;
  if (!alloc) return Scratch{stream, dev, nullptr, 0};
  void *ptr = nullptr;
  if (cudaMalloc(&ptr, LNPC_SCRATCH_BYTES) != cudaSuccess) {
    (void)cudaGetLastError();
    return Scratch{stream, dev, nullptr, 0};
  }
  g_scratch.push_back(Scratch{stream, dev, (char *)ptr, LNPC_SCRATCH_BYTES});
  return tl_scratch = g_scratch.back();
}

/* The mapped host memory where kernels report floating-point status
 * (loop.h LNP_FP_DEV_BYTES per device), allocated by the first worker's
 * init (never by a task); NULL if that failed: kernels then report nothing. */
std::once_flag g_fp_once;
unsigned char *g_fp_area = nullptr;
int g_fp_ndev = 0;
std::atomic<unsigned> g_fp_gen{0};
void fp_area_init()
{
  std::call_once(g_fp_once, [] {
    int n = 0;
    void *a = nullptr;
    if (cudaGetDeviceCount(&n) != cudaSuccess || n <= 0 ||
        cudaHostAlloc(&a, (size_t)n * LNP_FP_DEV_BYTES, cudaHostAllocMapped | cudaHostAllocPortable) != cudaSuccess) {
      (void)cudaGetLastError();
      return;
    }
    memset(a, 0, (size_t)n * LNP_FP_DEV_BYTES);
    g_fp_area = (unsigned char *)a;
    g_fp_ndev = n;
#ifndef LNP_LOOP_CUDA_NO_STARPU
    lnp_loop_fp_device_area(g_fp_area, n);
#endif
  });
}
unsigned char *fp_area(int dev)
{
  return g_fp_area && dev >= 0 && dev < g_fp_ndev ? g_fp_area + (size_t)dev * LNP_FP_DEV_BYTES : nullptr;
}
unsigned fp_gen() { return (g_fp_gen.fetch_add(1, std::memory_order_relaxed) + 1) & 0x0fffffffu; }
/* a launch of desc d on device dev reports its status (Params::fp...) */
void fp_params(Params &p, const lnp_loop_desc *d, int dev)
{
  p.fp = nullptr;
  p.fp_any = nullptr;
  unsigned char *area = fp_area(dev);
  if (!op_fpe(d->op) || !area) return;
  const int slot = d->fp_slot >= 0 && d->fp_slot < LNP_FP_SLOTS ? d->fp_slot : 0;
  p.fp = area + 4 * (size_t)slot;
  p.fp_any = (unsigned *)(void *)(area + 4 * (size_t)LNP_FP_SLOTS);
  p.fp_slot = slot;
  p.fp_gen = fp_gen();
}

/* multiprocessors of the current device (cached per thread) */
thread_local int tl_sm_dev = -1, tl_sm_count = 0;
int sm_count(int dev)
{
  if (dev != tl_sm_dev) {
    int n = 0;
    if (cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess || n <= 0) {
      (void)cudaGetLastError();
      n = 132;
    }
    tl_sm_dev = dev;
    tl_sm_count = n;
  }
  return tl_sm_count;
}

/* split tuning (environment, for benchmarks): blocks per SM a split
 * reduction aims at, and the least elements a chunk gets; for contiguous
 * pairwise sums, whether k_pwtile sums the chunks (LNP_CUDA_PW_TILE=0:
 * k_block, as before it), its chunks (warps) per SM and least bytes a
 * chunk, and its loads' cache hints (ld16) */
struct SplitTuning {
  int64_t bps = 16, min_chunk = 4096;
  bool tile = true;
  int64_t tile_ups = 8, tile_min = 8192;
  int tile_ldv = 1; /* streaming loads: see ld16 */
  SplitTuning()
  {
    if (const char *e = getenv("LNP_CUDA_SPLIT_BPS")) bps = std::max<int64_t>(1, atoll(e));
    if (const char *e = getenv("LNP_CUDA_SPLIT_MIN")) min_chunk = std::max<int64_t>(256, atoll(e));
    if (const char *e = getenv("LNP_CUDA_PW_TILE")) tile = atoi(e) != 0;
    if (const char *e = getenv("LNP_CUDA_TILE_UPS")) tile_ups = std::max<int64_t>(1, atoll(e));
    if (const char *e = getenv("LNP_CUDA_TILE_MIN")) tile_min = std::max<int64_t>(16, atoll(e));
    if (const char *e = getenv("LNP_CUDA_PW_LOAD")) tile_ldv = std::min(2, std::max(0, atoi(e)));
  }
};
const SplitTuning &split_tuning()
{
  static const SplitTuning t;
  return t;
}

/* Chunks per run for a block reduction of nP runs of n elements (1: no
 * split).  Pairwise sums take a power of two, with every node down to that
 * depth longer than 128 elements (a complete tree: n / nch >= 256). */
int64_t split_chunks(bool pairwise, int64_t nP, int64_t n, int nsm, int64_t psize, size_t scratch_left)
{
  const SplitTuning &t = split_tuning();
  const int64_t target = (int64_t)nsm * t.bps;
  if (nP * 2 > target) return 1;
  int64_t c = target / nP;
  c = std::min<int64_t>(c, n / t.min_chunk);
  c = std::min<int64_t>(c, LNPC_MAX_CHUNKS);
  c = std::min<int64_t>(c, (int64_t)(scratch_left / (size_t)(nP * psize)));
  if (pairwise)
    while (c & (c - 1)) c &= c - 1;
  return c >= 2 ? c : 1;
}

/* Chunks per run for k_pwtile (nP runs of n reals, bytes each; 1: not
 * worth it).  A warp per chunk: at most tile_ups per SM in all (8: one
 * block of k_pwtile an SM, each warp one chunk, so the grid drains once
 * and k_combine has few partials; half the 16 warps an SM can hold, which
 * streamed worse: a 2^28 float64 sum took 714 us with 8, 729 with 16, 747
 * with 128 and 731 with 4 on an H100, 489 with 8 and 498 with 16 on an
 * H200, against CUB's 696 and 478), a power of two (nodes of
 * NumPy's tree), each of at least tile_min bytes (8 KB: a warp's step, so
 * that mid-sized runs still spread over the SMs) and 256 reals (internal
 * nodes). */
int64_t tile_chunks(int64_t nP, int64_t n, int64_t bytes, int nsm, int64_t psize, size_t scratch_left)
{
  const SplitTuning &t = split_tuning();
  int64_t c = (int64_t)nsm * t.tile_ups / nP;
  c = std::min<int64_t>(c, bytes / t.tile_min);
  c = std::min<int64_t>(c, n / 256);
  c = std::min<int64_t>(c, LNPC_MAX_TILE_CHUNKS);
  c = std::min<int64_t>(c, (int64_t)(scratch_left / (size_t)(nP * psize)));
  while (c & (c - 1)) c &= c - 1;
  return c >= 2 ? c : 1;
}

/* bytes touched by one operand of one piece, for ordering launches */
struct Span {
  int64_t buf;
  bool out;
  int64_t lo, hi;
};
bool spans_conflict(const std::vector<Span> &batch, const std::vector<Span> &mine)
{
  for (const Span &a : batch)
    for (const Span &b : mine)
      if (a.buf == b.buf && (a.out || b.out) && !(a.hi < b.lo || b.hi < a.lo)) return true;
  return false;
}

struct Launcher {
  launch_fn fn;
  cudaStream_t stream;
  Params p;
  int mode = -1, tpb = 0;
  int words = 0;
  int64_t blocks = 0;
  size_t part = 0; /* scratch bytes the pieces' partials take */
  std::vector<Span> spans;
  int err = 0;

  void reset()
  {
    p.npieces = 0;
    words = 0;
    blocks = 0;
    mode = -1;
    tpb = 0;
    part = 0;
    spans.clear();
  }
  void flush()
  {
    if (p.npieces == 0) return;
    p.blk0[p.npieces] = blocks;
    fn(p, (unsigned)blocks, mode, tpb, stream);
    if (cudaGetLastError() != cudaSuccess) err = 1;
    reset();
  }
};

int plan_and_launch(const lnp_loop_desc *d, void *const *bufptrs, launch_fn fn, cudaStream_t stream,
                    bool may_alloc)
{
  const int op = d->op, nd0 = d->ndim, nops = d->nops;
  const char kind = op_kind(op);
  const int nout = op_nout(op);
  const bool indexed = kind == 'G' || kind == 'R';
  const bool binary = is_binary(op);
  const int dt_loop = kind == 'G' ? d->dtype_out : d->dtype_in;
  const bool can_block = kind != 'C' && block_ok(op, dt_loop);

  /* element size of each operand (loop_cpu.c lnp_item_sizes) */
  int64_t isz[4];
  const int64_t si = (int64_t)lnp_dtype_size(d->dtype_in), so = (int64_t)lnp_dtype_size(d->dtype_out);
  for (int k = 0; k < 4; k++) isz[k] = si;
  switch (kind) {
  case 'P': isz[0] = 1; break;
  case 'W': isz[0] = so; isz[1] = 1; break;
  case 'R': isz[0] = so; isz[1] = 8; isz[3] = 8; break;
  default: isz[0] = so; break;
  }

  Launcher L;
  memset(&L.p, 0, sizeof L.p);
  L.fn = fn;
  L.stream = stream;
  memcpy(L.p.scalars, d->scalars, sizeof L.p.scalars);
  const HostFlags hf = host_flags();
  L.p.flags = hf.flags;
  L.p.fm = hf.fm;
  L.reset();
  int dev = 0;
  if (cudaGetDevice(&dev) != cudaSuccess) {
    (void)cudaGetLastError();
    dev = 0;
  }
  const int nsm = sm_count(dev);
  Scratch scr{stream, dev, nullptr, 0};
  const int64_t psize = can_block ? lnpc::part_size(op, dt_loop) : 0;
  const bool pairwise = red_of(op) == RED_SUM && (dt_kind(dt_loop) == 'h' || dt_kind(dt_loop) == 'f' ||
                                                  dt_kind(dt_loop) == 'c');
  bool scr_looked = false;
  L.p.scratch = nullptr;
  L.p.nsm = nsm;
  fp_params(L.p, d, dev);

  std::vector<Span> mine;
  for (int pi = 0; pi < d->npieces; pi++) {
    int64_t *w = lnp_loop_piece(d, pi);
    const int64_t *shape = w, *origin = w + nd0;
    bool empty = false;
    for (int dd = 0; dd < nd0; dd++) empty |= shape[dd] == 0;
    if (empty) continue;

    int64_t base[4], bufk[4];
    for (int k = 0; k < nops; k++) {
      const int64_t *o = lnp_piece_operand(w, nd0, k);
      bufk[k] = o[0];
      base[k] = o[0] >= 0 ? (int64_t)(uintptr_t)bufptrs[o[0]] + o[1] * isz[k] : o[0];
    }
    /* simplified dims, as loop_cpu.c (size-1 dims dropped, contiguous
     * dims merged; for G/R ops only where the index steps merge too) */
    int nd = 0;
    int64_t ext[LNP_MAXDIM], mult[LNP_MAXDIM], stb[LNP_MAXDIM][4];
    int64_t idx0 = (op_kind(op) == 'R' && op_nin(op) == 1) ? d->scalars[0].i64 : 0;
    for (int dd = 0; dd < nd0; dd++) {
      int64_t s[4] = {0, 0, 0, 0};
      for (int k = 0; k < nops; k++)
        s[k] = bufk[k] >= 0 ? lnp_piece_operand(w, nd0, k)[2 + dd] * isz[k] : 0;
      const int64_t m = indexed ? d->index_mult[dd] : 0;
      if (indexed) idx0 += origin[dd] * m;
      if (shape[dd] == 1) continue;
      bool merge = nd > 0 && (!indexed || mult[nd - 1] == m * shape[dd]);
      for (int k = 0; merge && k < nops; k++) merge = stb[nd - 1][k] == s[k] * shape[dd];
      if (merge) {
        ext[nd - 1] *= shape[dd];
        mult[nd - 1] = m;
        for (int k = 0; k < nops; k++) stb[nd - 1][k] = s[k];
      } else {
        ext[nd] = shape[dd];
        mult[nd] = m;
        for (int k = 0; k < nops; k++) stb[nd][k] = s[k];
        nd++;
      }
    }
    bool isS[LNP_MAXDIM];
    int nsd = 0;
    for (int dd = 0; dd < nd; dd++) {
      isS[dd] = false;
      for (int k = 0; k < nout; k++) isS[dd] |= stb[dd][k] == 0;
      nsd += isS[dd];
    }
    bool clean = false;
    if (binary && bufk[0] >= 0 && bufk[0] == bufk[1] && base[0] == base[1] && d->dtype_out == d->dtype_in) {
      clean = true;
      for (int dd = 0; dd < nd; dd++) clean &= stb[dd][0] == stb[dd][1];
    }
    if (nsd > 0 && !clean && kind != 'R') {
      /* an output that stands still without a fold (nothing the launcher
       * makes, but defined; lnp_loop_cuda_supported refuses the case where
       * a binary op's output overlaps an input): each step overwrites it,
       * so only the last S coordinate counts */
      int nd2 = 0;
      for (int dd = 0; dd < nd; dd++) {
        if (isS[dd]) {
          for (int k = 0; k < nops; k++) base[k] += stb[dd][k] * (ext[dd] - 1);
          idx0 += mult[dd] * (ext[dd] - 1);
          continue;
        }
        ext[nd2] = ext[dd];
        mult[nd2] = mult[dd];
        for (int k = 0; k < nops; k++) stb[nd2][k] = stb[dd][k];
        isS[nd2] = false;
        nd2++;
      }
      nd = nd2;
      nsd = 0;
    }
    /* A fold along one outer dim with few outputs (an axis-0 sum of a
     * tall matrix: k_seq ran one thread per output down millions of rows):
     * the dim moves last, as the outputs' run, and is cut into chunks over
     * many threads (k_colsplit), the partials folded in order by
     * k_combine. */
    bool colsplit = false;
    if (can_block && kind != 'R' && binary && clean && nsd == 1 && nd >= 2 && !isS[nd - 1]) {
      int sdim = 0;
      int64_t outs = 1;
      for (int dd = 0; dd < nd; dd++) {
        if (isS[dd]) sdim = dd;
        else outs *= ext[dd];
      }
      if (outs * 64 <= (int64_t)nsm * LNPC_COLSPLIT_THREADS && ext[sdim] >= LNPC_COLSPLIT_MIN_RUN) {
        const int64_t e0 = ext[sdim], m0 = mult[sdim];
        int64_t s0[4];
        for (int k = 0; k < nops; k++) s0[k] = stb[sdim][k];
        for (int dd = sdim; dd < nd - 1; dd++) {
          ext[dd] = ext[dd + 1];
          mult[dd] = mult[dd + 1];
          isS[dd] = isS[dd + 1];
          for (int k = 0; k < nops; k++) stb[dd][k] = stb[dd + 1][k];
        }
        ext[nd - 1] = e0;
        mult[nd - 1] = m0;
        isS[nd - 1] = true;
        for (int k = 0; k < nops; k++) stb[nd - 1][k] = s0[k];
        colsplit = true;
      }
    }
    bool inner_s = nd > 0 && isS[nd - 1];
    int64_t inner_n = 1, inner_mult = 0, inner_st[4] = {0, 0, 0, 0};
    if (inner_s) {
      inner_n = ext[nd - 1];
      inner_mult = mult[nd - 1];
      for (int k = 0; k < nops; k++) inner_st[k] = stb[nd - 1][k];
    }
    /* a single element: the CPU runs its inner loop once with n = 1 and
     * zero strides, the fold path for an aliased output */
    if (nd == 0 && clean && red_of(op) != RED_NONE) inner_s = true;
    int64_t nP = 1;
    for (int dd = 0; dd < nd; dd++)
      if (!isS[dd]) nP *= ext[dd];
    const bool seqp = kind == 'R' || nsd > 0 || inner_s;
    const int block = can_block && inner_s && nd > 0 && inner_n >= LNPC_BLOCK_MIN_RUN &&
                      (kind == 'R' || (binary && clean));
    const int ndp = nd - nsd, nds_outer = nsd - ((inner_s && nd > 0) ? 1 : 0);
    const int need = rec_dims(nops) + (ndp + nds_outer) * (2 + nops);
    /* the launch shape: few long runs are split into chunks over many
     * blocks (one run per output: no outer S dims); few sequential folds
     * run in small blocks (k_seq's cp.async ring) */
    int mode = block ? LM_BLOCK : seqp ? LM_SEQ : LM_THREAD;
    int tpb = LNPC_BLOCK;
    int64_t nch = 1;
    size_t pbytes = 0;
    /* k_block has a variant for runs of contiguous elements */
    const bool contig = block && inner_st[2] == isz[2] && (nops < 4 || inner_st[3] == isz[3]);
    if (block && nds_outer == 0 && (int64_t)nP * 2 <= (int64_t)nsm * split_tuning().bps) {
      if (!scr_looked) {
        scr = scratch_for(stream, dev, may_alloc);
        scr_looked = true;
        L.p.scratch = scr.ptr;
      }
      if (scr.ptr) {
        const int64_t nn = pairwise && dt_kind(dt_loop) == 'c' ? 2 * inner_n : inner_n;
        /* contiguous pairwise sums by k_pwtile: 16-byte loads, so an
         * aligned run (else k_block, which is no slower then) */
        const bool tile = pairwise && contig && split_tuning().tile && base[2] >= 0 && (base[2] & 15) == 0;
        const int64_t tch = tile ? tile_chunks(nP, nn, inner_n * isz[2], nsm, psize, scr.size) : 1;
        nch = tch > 1 ? tch : split_chunks(pairwise, nP, nn, nsm, psize, scr.size);
        if (nch > 1) {
          mode = LM_SPLIT;
          if (tch > 1) mode |= LM_PWTILE | split_tuning().tile_ldv << LM_LDV_SHIFT;
          pbytes = ((size_t)(nP * nch * psize) + 255) & ~(size_t)255;
        }
      }
    }
    if (colsplit) { /* chunks of the run, a power of two, each >= 64 elements */
      if (!scr_looked) {
        scr = scratch_for(stream, dev, may_alloc);
        scr_looked = true;
        L.p.scratch = scr.ptr;
      }
      int64_t c = 1;
      while (c * 2 * nP <= (int64_t)nsm * LNPC_COLSPLIT_THREADS && c * 2 * 64 <= inner_n &&
             c * 2 <= LNPC_MAX_CHUNKS && (size_t)(c * 2 * nP * psize) <= scr.size)
        c *= 2;
      if (scr.ptr && c > 1) {
        mode = LM_COLSPLIT;
        nch = c;
        tpb = LNPC_BLOCK;
        pbytes = ((size_t)(nP * nch * psize) + 255) & ~(size_t)255;
      } else {
        colsplit = false;
      }
    }
    if (mode == LM_SEQ && nP <= (int64_t)nsm * 2 * LNPC_CP_LANES) tpb = LNPC_CP_LANES;
    if (contig && !colsplit) mode |= LM_CONTIG;
    const int64_t nblk = colsplit ? (nP * nch + tpb - 1) / tpb
                         : block ? nP * nch
                         : seqp ? (nP + tpb - 1) / tpb
                                : (nP + (int64_t)tpb * LNPC_ITEMS - 1) / ((int64_t)tpb * LNPC_ITEMS);

    /* bytes touched, per operand */
    mine.clear();
    for (int k = 0; k < nops; k++) {
      if (bufk[k] < 0) continue;
      Span sp{bufk[k], k < nout, base[k], base[k] + isz[k] - 1};
      for (int dd = 0; dd < nd; dd++) {
        const int64_t span = stb[dd][k] * (ext[dd] - 1);
        if (span < 0) sp.lo += span;
        else sp.hi += span;
      }
      mine.push_back(sp);
    }
    if (L.p.npieces > 0 &&
        (L.mode != mode || L.tpb != tpb || L.p.npieces == LNPC_MAXP || L.words + need > LNPC_MAXW ||
         L.blocks + nblk > 0x7fffffffLL || L.part + pbytes > scr.size || spans_conflict(L.spans, mine)))
      L.flush();
    if (nblk > 0x7fffffffLL || need > LNPC_MAXW) return -1;
    L.mode = mode;
    L.tpb = tpb;

    int64_t *r = L.p.w + L.words;
    r[R_NDP] = ndp;
    r[R_NDS] = nds_outer;
    r[R_FLAGS] = (inner_s ? F_INNER_S : 0) | (clean ? F_CLEAN : 0) | (seqp ? F_SEQ : 0);
    r[R_NP] = nP;
    r[R_INN] = inner_n;
    r[R_IDX0] = idx0;
    r[R_IMULT] = inner_mult;
    r[R_NCH] = nch;
    r[R_PART] = (int64_t)L.part;
    L.part += pbytes;
    for (int k = 0; k < nops; k++) {
      r[R_IST + k] = inner_st[k];
      r[rec_base(nops) + k] = base[k];
    }
    int64_t *dr = r + rec_dims(nops);
    for (int pass = 0; pass < 2; pass++) /* P dims, then outer S dims */
      for (int dd = 0; dd < nd; dd++) {
        if (pass == 0 ? isS[dd] : (!isS[dd] || (inner_s && dd == nd - 1))) continue;
        dr[0] = ext[dd];
        dr[1] = mult[dd];
        for (int k = 0; k < nops; k++) dr[2 + k] = stb[dd][k];
        dr += 2 + nops;
      }
    L.p.off[L.p.npieces] = L.words;
    L.p.blk0[L.p.npieces] = L.blocks;
    L.p.npieces++;
    L.words += need;
    L.blocks += nblk;
    L.spans.insert(L.spans.end(), mine.begin(), mine.end());
  }
  L.flush();
  return L.err ? -2 : 0;
}

/* the checks of loop_cpu.c's lnp_loop_execute / lnp_validate */
bool desc_ok(const lnp_loop_desc *d)
{
  if (!d || d->op < 0 || d->op >= LNP_NOPS) return false;
  if (d->ndim < 0 || d->ndim > LNP_MAXDIM || d->npieces < 0) return false;
  if (d->nops != op_nops(d->op) || d->nops > 4) return false;
  return true;
}

} /* namespace */

extern "C" int lnp_loop_cuda_supported(const lnp_loop_desc *d)
{
  if (!desc_ok(d)) return 0;
  if (!select_fn(d->op, d->dtype_in, d->dtype_out) || !lnp_loop_supported(d->op, d->dtype_in, d->dtype_out))
    return 0;
  for (int p = 0; p < d->npieces; p++) { /* 32-bit coordinates in the kernels */
    const int64_t *shape = lnp_loop_piece(d, p);
    uint64_t n = 1;
    for (int dd = 0; dd < d->ndim; dd++) {
      if (shape[dd] < 0 || shape[dd] >= 0x80000000LL) return 0;
      n *= (uint64_t)shape[dd];
      if (n >= 0x80000000ULL) return 0;
    }
  }
  if (is_binary(d->op)) {
    /* an output standing still along a dim must be the first input (a
     * fold), or share no buffer with the inputs */
    const int nd = d->ndim;
    for (int p = 0; p < d->npieces; p++) {
      int64_t *w = lnp_loop_piece(d, p);
      const int64_t *o0 = lnp_piece_operand(w, nd, 0), *o1 = lnp_piece_operand(w, nd, 1),
                    *o2 = lnp_piece_operand(w, nd, 2);
      bool still = false, same = o0[0] == o1[0] && o0[1] == o1[1];
      for (int dd = 0; dd < nd; dd++) {
        if (w[dd] <= 1) continue;
        still |= o0[2 + dd] == 0;
        same &= o0[2 + dd] == o1[2 + dd];
      }
      const bool fold = same && o0[0] >= 0 && out_dt(d->op, d->dtype_in) == d->dtype_in;
      if (still && !fold && (o1[0] == o0[0] || o2[0] == o0[0])) return 0;
    }
  }
  return 1;
}

namespace {
int launch_desc(const lnp_loop_desc *d, void *const *bufptrs, int nbuffers, void *stream, bool may_alloc)
{
  if (!lnp_loop_cuda_supported(d)) return -1;
  const int nd = d->ndim, nout = op_nout(d->op);
  for (int p = 0; p < d->npieces; p++) {
    int64_t *w = lnp_loop_piece(d, p);
    bool empty = false;
    for (int dd = 0; dd < nd; dd++) {
      if (w[dd] < 0) return -1;
      empty |= w[dd] == 0;
    }
    for (int k = 0; k < d->nops; k++) {
      const int64_t buf = lnp_piece_operand(w, nd, k)[0];
      if (buf >= 0) {
        if (buf >= d->nbuffers || buf >= nbuffers) return -1;
        if (!empty && (!bufptrs || !bufptrs[buf])) return -1;
      } else if (-1 - buf >= LNP_MAXSCALARS || k < nout) {
        return -1;
      }
    }
  }
  launch_fn fn = select_fn(d->op, d->dtype_in, d->dtype_out);
  if (may_alloc) fp_area_init(); /* outside StarPU: no worker init made it */
  return plan_and_launch(d, bufptrs, fn, (cudaStream_t)stream, may_alloc);
}
} /* namespace */

extern "C" unsigned char *lnp_loop_cuda_fp_area(int dev) { return fp_area(dev); }
extern "C" unsigned lnp_loop_cuda_fp_gen(void) { return fp_gen(); }

/* outside StarPU tasks: the scratch of a new stream is allocated here */
extern "C" int lnp_loop_cuda_launch(const lnp_loop_desc *d, void *const *bufptrs, int nbuffers, void *stream)
{
  return launch_desc(d, bufptrs, nbuffers, stream, true);
}

extern "C" int lnp_loop_cuda_worker_init(void)
{
  cudaStream_t stream = nullptr;
#ifndef LNP_LOOP_CUDA_NO_STARPU
  const int wid = starpu_worker_get_id();
  if (wid >= 0 && starpu_worker_get_type(wid) == STARPU_CUDA_WORKER) stream = starpu_cuda_get_local_stream();
#endif
  int dev = 0;
  if (cudaGetDevice(&dev) != cudaSuccess) {
    (void)cudaGetLastError();
    return -1;
  }
  (void)host_flags();
  (void)sm_count(dev);
  fp_area_init();
  return scratch_for(stream, dev, true).ptr ? 0 : -1;
}

#ifndef LNP_LOOP_CUDA_NO_STARPU
/* codelets.c: a task's failure becomes a RuntimeError at the next wait */
extern "C" void lnp_codelets_report(const char *fmt, ...);
extern "C" int lnp_codelets_inject_fault(void);

extern "C" void lnp_loop_cuda_run(void *descr[], unsigned nb, const lnp_loop_desc *d, size_t arg_size)
{
  if (!lnp_loop_desc_valid(d, arg_size, nb)) {
    lnp_codelets_report("malformed loop task descriptor");
    return;
  }
  void *stack_ptrs[64] = {};
  void **ptrs = nb <= 64 ? stack_ptrs : (void **)malloc(sizeof(void *) * nb);
  if (!ptrs) {
    lnp_codelets_report("out of memory in a %s task", lnp_op_name(d->op));
    return;
  }
  for (unsigned i = 0; i < nb; i++) ptrs[i] = LNP_ND_GET_PTR(descr[i]);
  /* no allocation in a task: the worker's scratch comes from
   * lnp_loop_cuda_worker_init (without it, no split reductions) */
  const int rc = lnp_codelets_inject_fault() ? -2 : launch_desc(d, ptrs, (int)nb, (void *)starpu_cuda_get_local_stream(), false);
  if (rc != 0)
    lnp_codelets_report("%s CUDA %s loop task (%s -> %s)%s", rc == -1 ? "invalid" : "failed", lnp_op_name(d->op),
                        lnp_dtype_name(d->dtype_in), lnp_dtype_name(d->dtype_out),
                        rc == -2 ? ": kernel launch error" : "");
  if (ptrs != stack_ptrs) free(ptrs);
}

extern "C" void lnp_loop_cuda(void *descr[], void *cl_arg)
{
  struct starpu_task *task = starpu_task_get_current();
  lnp_loop_cuda_run(descr, STARPU_TASK_GET_NBUFFERS(task), (const lnp_loop_desc *)cl_arg, task->cl_arg_size);
}
#endif
