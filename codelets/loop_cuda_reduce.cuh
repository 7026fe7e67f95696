/* The CUDA loop kernels that reduce long runs with whole blocks (see
 * loop_cuda_kernels.cuh): k_block (a run, or a chunk of one, per block),
 * k_pwtile (contiguous pairwise sums, a warp per chunk) and k_combine (the
 * partials of split runs, in order). */
#ifndef LNP_LOOP_CUDA_REDUCE_CUH
#define LNP_LOOP_CUDA_REDUCE_CUH

#include "loop_cuda_elementwise.cuh"

namespace {

/* ========================================================================
 * Block reductions of one run (k_block)
 * ======================================================================== */
template <class V> DI V shfl_down_any(const V &v, int off)
{
  constexpr int NW = (int)((sizeof(V) + 3) / 4);
  unsigned u[NW] = {};
  memcpy(u, &v, sizeof(V));
#pragma unroll
  for (int k = 0; k < NW; k++) u[k] = __shfl_down_sync(0xffffffffu, u[k], off);
  V r;
  memcpy(&r, u, sizeof(V));
  return r;
}

/* Fold elements 0..n-1 (the value mk(raw(i), i)) with comb(left, right),
 * keeping their order: each warp folds a contiguous range, chunk by chunk.
 * A chunk's raw values are loaded coalesced (lane l: elements l, l+32, ...,
 * all VPL loads in flight before the first use) and transposed through
 * shared memory (one pad slot per VPL: no bank conflicts), so that lane l
 * then holds VPL consecutive elements; it folds them, the lanes' values go
 * through an ordered shuffle tree, thread 0 folds the warps' results.
 * Returns (in thread 0) whether n > 0. */
template <class V, class Raw, class Mk, class Comb>
DI bool block_ordered(int64_t n, Raw &&raw, Mk &&mk, Comb &&comb, V &out)
{
  typedef decltype(raw((int64_t)0)) RT;
  constexpr int VPL = sizeof(RT) <= 4 ? 32 : sizeof(RT) <= 8 ? 16 : sizeof(RT) <= 16 ? 8 : 4; /* <= 37 KB of shared memory */
  constexpr int NW = LNPC_RED_BLOCK / 32, PADN = 32 * (VPL + 1);
  __shared__ alignas(16) unsigned char sm_raw[NW * sizeof(V)];
  __shared__ bool sm_have[NW];
  __shared__ alignas(16) unsigned char tr_raw[NW * PADN * sizeof(RT)];
  V *sm = (V *)sm_raw;
  const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5;
  RT *tr = (RT *)tr_raw + wid * PADN; /* element q of a chunk at q + q / VPL */
  const int64_t lo = n * wid / NW, hi = n * (wid + 1) / NW;
  bool have = false;
  V acc;
  memset(&acc, 0, sizeof acc);
#pragma unroll 1
  for (int64_t c = lo; c < hi; c += 32 * VPL) {
    const int64_t s0 = c + (int64_t)lane * VPL;
    RT x[VPL];
#pragma unroll
    for (int v = 0; v < VPL; v++)
      if (c + v * 32 + lane < hi) x[v] = raw(c + v * 32 + lane);
#pragma unroll
    for (int v = 0; v < VPL; v++) {
      const int q = v * 32 + lane;
      if (c + q < hi) tr[q + q / VPL] = x[v];
    }
    __syncwarp();
#pragma unroll
    for (int v = 0; v < VPL; v++)
      if (s0 + v < hi) x[v] = tr[lane * (VPL + 1) + v];
    __syncwarp();
    bool lh = s0 < hi;
    V lv = mk(x[0], s0);
#pragma unroll
    for (int v = 1; v < VPL; v++)
      if (s0 + v < hi) lv = comb(lv, mk(x[v], s0 + v));
#pragma unroll
    for (int off = 1; off < 32; off <<= 1) {
      const V rv = shfl_down_any(lv, off);
      const bool rh = __shfl_down_sync(0xffffffffu, lh, off) != 0;
      if ((lane & (2 * off - 1)) == 0 && rh) {
        lv = lh ? comb(lv, rv) : rv;
        lh = true;
      }
    }
    if (lane == 0 && lh) {
      acc = have ? comb(acc, lv) : lv;
      have = true;
    }
  }
  if (lane == 0) {
    sm[wid] = acc;
    sm_have[wid] = have;
  }
  __syncthreads();
  bool any = false;
  if (threadIdx.x == 0) {
    for (int k = 0; k < NW; k++) {
      if (!sm_have[k]) continue;
      out = any ? comb(out, sm[k]) : sm[k];
      any = true;
    }
  }
  __syncthreads();
  return any;
}

/* A pairwise leaf (8 <= n <= 128) by the 8 lanes of a group (k = lane % 8,
 * mask = the group's lanes): lane k sums accumulator r_k (elements k, k+8,
 * ...; all its loads issued before the first add), the 8 accumulators
 * combine in the CPU's order through shuffles, lane 0 adds the tail.  The
 * result is valid in lane 0. */
/* the stride of pairwise sums in the contiguous case (reals for complex) */
template <int DT> HD constexpr int64_t pw_esz()
{
  if constexpr (dt_kind(DT) == 'c') return (int64_t)sizeof(St<DT>) / 2;
  else return (int64_t)sizeof(St<DT>);
}
template <int DT, bool CONTIG = false>
DI SumT<DT> pw_leaf8(const char *a, int64_t n, int64_t st_, int k, unsigned mask)
{
  const int64_t st = CONTIG ? pw_esz<DT>() : st_;
  const int64_t body = n - n % 8;
  const int nb = (int)(body >> 3); /* 1 .. 16 rows of 8 */
  if constexpr (dt_kind(DT) == 'c') {
    typedef decltype(SumT<DT>{}.re) R;
    const char *p = a + (int64_t)(k & ~1) * st + ((k & 1) ? sizeof(R) : 0);
    R r = *(const R *)p;
    if constexpr (CONTIG) {
      R x[15];
#pragma unroll
      for (int j = 1; j < 16; j++)
        if (j < nb) x[j - 1] = *(const R *)(p + (int64_t)j * 8 * st);
#pragma unroll
      for (int j = 1; j < 16; j++)
        if (j < nb) r += x[j - 1];
    } else {
#pragma unroll 4
      for (int j = 1; j < nb; j++) r += *(const R *)(p + (int64_t)j * 8 * st);
    }
    R t = __shfl_down_sync(mask, r, 2, 8);
    if (!(k & 2)) r = r + t;
    t = __shfl_down_sync(mask, r, 4, 8);
    if (k < 2) r = r + t;
    R si = __shfl_down_sync(mask, r, 1, 8), sr = r;
    if (k == 0)
      for (int64_t i = body; i < n; i += 2) {
        sr += *(const R *)(a + i * st);
        si += *(const R *)(a + i * st + sizeof(R));
      }
    return {sr, si};
  } else {
    typedef SumT<DT> C;
    C r = ld<DT>(a + k * st);
    if constexpr (CONTIG) {
      C x[15];
#pragma unroll
      for (int j = 1; j < 16; j++)
        if (j < nb) x[j - 1] = ld<DT>(a + ((int64_t)j * 8 + k) * st);
#pragma unroll
      for (int j = 1; j < 16; j++)
        if (j < nb) r += x[j - 1];
    } else {
#pragma unroll 4
      for (int j = 1; j < nb; j++) r += ld<DT>(a + ((int64_t)j * 8 + k) * st);
    }
    C t = __shfl_down_sync(mask, r, 1, 8);
    if (!(k & 1)) r = r + t;
    t = __shfl_down_sync(mask, r, 2, 8);
    if (!(k & 3)) r = r + t;
    t = __shfl_down_sync(mask, r, 4, 8);
    if (k == 0) r = r + t;
    if (k == 0)
      for (int64_t i = body; i < n; i++) r += ld<DT>(a + i * st);
    return r;
  }
}

/* NumPy's pairwise sum of a node (any n) by the 8 lanes of a group: its
 * leaves left to right, each found by a descent from the node (pw_seq's
 * walk), each summed by pw_leaf8; a finished left child waits in pend[]
 * for its right sibling.  Valid in lane 0. */
template <int DT, bool CONTIG> DI SumT<DT> grp_pairwise(const char *a, int64_t n, int64_t st, int k, unsigned mask)
{
  typedef SumT<DT> S;
  if (n < 8) return pw_leaf<DT>(a, n, st);
  if (n <= LNPC_PW_BLOCK) return pw_leaf8<DT, CONTIG>(a, n, st, k, mask);
  S pend[LNPC_PW_MAXDEPTH];
  int64_t pos = 0;
  for (;;) {
    int64_t start = 0, len = n;
    uint64_t path = 0;
    int depth = 0;
    while (len > LNPC_PW_BLOCK) {
      const int64_t h = pw_half(len);
      if (pos >= start + h) {
        start += h;
        len -= h;
        path |= 1ull << depth;
      } else {
        len = h;
      }
      depth++;
    }
    S v = pw_leaf8<DT, CONTIG>(a + start * st, len, st, k, mask);
    pos = start + len;
    int d = depth;
    while (d > 0 && ((path >> (d - 1)) & 1)) {
      v = sum_add<DT>(pend[d - 1], v);
      d--;
    }
    if (d == 0) return v;
    pend[d - 1] = v;
  }
}

/* Chunk c of a split pairwise sum over len elements: the node at depth
 * log2(nch) whose path is c (bits from the top; the host keeps the tree
 * complete down there).  Returns its first element; len becomes its
 * length. */
DI int64_t pw_chunk(int64_t &len, int64_t c, int64_t nch)
{
  int64_t start = 0;
  for (int64_t bit = nch >> 1; bit > 0; bit >>= 1) {
    const int64_t h = pw_half(len);
    if (c & bit) {
      start += h;
      len -= h;
    } else {
      len = h;
    }
  }
  return start;
}

/* The node of NumPy's recursion over n elements that group g of 2^GL
 * groups takes: the node at depth GL whose path is g's bits, or the leaf
 * above it (then only the leftmost group under that leaf works).  Sets
 * its first element and length; returns its depth. */
DI int pw_descend(int64_t n, int g, int GL, int64_t &start, int64_t &len)
{
  start = 0;
  len = n;
  int d = 0;
  while (d < GL && len > LNPC_PW_BLOCK) {
    const int64_t h = pw_half(len);
    if ((g >> (GL - 1 - d)) & 1) {
      start += h;
      len -= h;
    } else {
      len = h;
    }
    d++;
  }
  return d;
}

/* NumPy's pairwise sum of n elements by the block (LNPC_RED_BLOCK threads,
 * G = 32 groups of 8 lanes).  Group g takes the node at depth 5 of the
 * recursion whose path is g's bits (or the leaf above it: then only the
 * leftmost group under that leaf works) and sums it with grp_pairwise;
 * warp 0 adds the nodes' values up the top 5 levels through shuffles,
 * exactly as the recursion adds its halves (stop = the depth where each
 * group's node lies: a node at depth l is internal iff its leftmost
 * slot's stop > l).  Valid in thread 0. */
template <int DT, bool CONTIG> DI SumT<DT> block_pairwise_t(const char *a, int64_t n, int64_t st)
{
  typedef SumT<DT> S;
  constexpr int G = LNPC_RED_BLOCK / 8, GL = 5;
  static_assert(G == (1 << GL), "one 8-lane group per depth-5 node");
  __shared__ alignas(16) unsigned char val_raw[G * sizeof(S)];
  __shared__ unsigned char stop[G];
  S *val = (S *)val_raw;
  const int lane = threadIdx.x & 31, k = lane & 7, g = threadIdx.x >> 3;
  const unsigned mask = 0xffu << (lane & 24);
  int64_t start = 0, len = n;
  const int d = pw_descend(n, g, GL, start, len);
  const bool owner = (g & ((1 << (GL - d)) - 1)) == 0;
  if (owner) {
    const S v = grp_pairwise<DT, CONTIG>(a + start * st, len, st, k, mask);
    if (k == 0) val[g] = v;
  }
  if (k == 0) stop[g] = owner ? (unsigned char)d : 0;
  __syncthreads();
  S r;
  memset(&r, 0, sizeof r);
  if (threadIdx.x < 32) {
    S x = val[lane];
    const int sd = stop[lane];
#pragma unroll
    for (int l = GL - 1; l >= 0; l--) {
      const int wd = 1 << (GL - 1 - l);
      const S y = shfl_down_any(x, wd);
      if ((lane & (2 * wd - 1)) == 0 && sd > l) x = sum_add<DT>(x, y);
    }
    r = x;
  }
  __syncthreads();
  return r;
}

/* contiguous runs (constant strides: fewer registers and instructions) or not */
template <int DT, bool CONTIG> DI SumT<DT> block_pairwise(const char *a, int64_t n, int64_t st)
{
  return block_pairwise_t<DT, CONTIG>(a, n, CONTIG ? pw_esz<DT>() : st);
}

/* ------------------------------------------------------------------------
 * Warp-tiled pairwise sums of contiguous chunks (k_pwtile: the chunks of a
 * split reduction, one warp each).
 *
 * Why not k_block: there each 8-lane group walks its node's leaves one
 * after another, and between two leaves (three shuffles, the descent to
 * the next leaf, pend[] in local memory) the group has no load in flight;
 * its loads are 8 bytes, 4 leaves a warp instruction; its 80-register cap
 * (3 blocks an SM) holds 15 loads a lane; a chunk ends in __syncthreads,
 * so each chunk drains the whole block's loads; and 396 persistent blocks
 * over 2^k chunks leave a tail (2048 chunks: 5.2 rounds run as 6).  Here a
 * warp sums its chunk alone, 8 KB a step, and keeps the next step's loads
 * in flight while it adds the current one up.
 *
 * The leaves.  In rows of 8 reals, NumPy splits a node of M rows (no tail)
 * into floor(M/2) | ceil(M/2) rows, so the node at depth l whose path is j
 * (bit k: right child at depth k+1) has (M + rev_l(j)) >> l rows (rev_l: j's
 * l bits reversed; by induction, as ceil(s/2) = floor((s+1)/2)): depth l
 * holds nodes of two sizes only.  Nodes of at most 16 rows are leaves;
 * let d be the least depth where all nodes are.  Either the nodes at depth
 * d-1 all have 17 rows or more (the tree is complete down to depth d:
 * leaves of 8..16 rows), or depth d-1 holds nodes of 16 and 17 rows: the
 * 16 are leaves and a 17 is two leaves of 8 and 9 rows.  Either way the
 * leaves (17s counting as one) are the nodes at one depth dl, the tree
 * above them is complete, and node sizes come in closed form.
 *
 * A step is the node at depth dl - log2(LS): LS leaves, LPL lanes each,
 * every lane loading a 16-byte column of every row of its leaf (VPL values:
 * 2 float64, 4 float32, 8 float16, 2 complex64, 1 complex128), all its
 * loads (up to 17 x 16 bytes) issued before its first add.  Lane k of a
 * leaf holds NumPy's accumulators r[VPL k ..] (complex: re/im pairs), so
 * ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) (complex: of each part) is a
 * lane-local tree and log2(LPL) shuffle levels, and the tree over the
 * step's leaves log2(LS) levels more.  Steps combine as a binary counter
 * (their tree is complete).  Chunks that do not fit (a run's last chunk
 * when n % 8 != 0, a run not 16-byte aligned, fewer than LS leaves) are
 * summed by warp_pairwise: the same tree by grp_pairwise.
 * ------------------------------------------------------------------------ */
/* NumPy's pairwise sum of a contiguous node by one warp: 4 groups of 8
 * lanes take the nodes at depth 2 (block_pairwise_t with 32 groups and
 * shared memory).  Valid in lane 0. */
template <int DT> DI SumT<DT> warp_pairwise(const char *a, int64_t n, int lane)
{
  typedef SumT<DT> S;
  constexpr int GL = 2;
  constexpr int64_t st = pw_esz<DT>();
  const int k = lane & 7, g = lane >> 3;
  const unsigned mask = 0xffu << (lane & 24);
  int64_t start = 0, len = n;
  const int d = pw_descend(n, g, GL, start, len);
  const bool owner = (g & ((1 << (GL - d)) - 1)) == 0;
  S x;
  memset(&x, 0, sizeof x);
  /* the strided variant: fewer registers (k_pwtile's are pw_tile's) */
  if (owner) x = grp_pairwise<DT, false>(a + start * st, len, st, k, mask);
  const int sd = owner ? d : 0; /* lane 8g: the depth of group g's node */
#pragma unroll
  for (int l = GL - 1; l >= 0; l--) {
    const int wd = 1 << (GL - 1 - l); /* groups between siblings at depth l+1 */
    const S y = shfl_down_any(x, 8 * wd);
    if ((lane & (16 * wd - 1)) == 0 && sd > l) x = sum_add<DT>(x, y);
  }
  return x;
}

template <int DT> struct PwTile {
  static constexpr int ES = (int)sizeof(St<DT>);   /* bytes of an element (complex: both parts) */
  static constexpr int RB = 8 * (int)pw_esz<DT>(); /* bytes of a row of 8 reals */
  static constexpr int LPL = RB / 16;              /* lanes per leaf, 16 bytes of each row each */
  static constexpr int VPL = 16 / ES;              /* SumT values a lane takes from a row */
  static constexpr int LS = 32 / LPL;              /* leaves per step */
  static constexpr int LL = LS == 8 ? 3 : LS == 16 ? 4 : 5;
  static_assert(LPL * VPL * (dt_kind(DT) == 'c' ? 2 : 1) == 8 && (1 << LL) == LS, "8 reals a row");
};
/* 16 bytes of a run; LDV picks the cache hints (LNP_CUDA_PW_LOAD, for
 * benchmarks): 0 non-coherent (ld.global.nc), 1 streaming (ld.global.cs,
 * the default: a 2^28 float64 sum on an H200 ran at 4393 GB/s with it,
 * 3999 with 0, 4151 with 2; CUB 4584), 2 non-coherent without L1
 * allocation, 256-byte L2 prefetch */
template <int LDV> DI uint4 ld16(const char *p)
{
  const uint4 *q = (const uint4 *)p;
  if constexpr (LDV == 1) {
    return __ldcs(q);
  } else if constexpr (LDV == 2) {
    uint4 r;
    asm("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0, %1, %2, %3}, [%4];"
        : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w)
        : "l"(q));
    return r;
  } else {
    return __ldg(q);
  }
}
/* the VPL sum values of 16 loaded bytes */
template <int DT> DI void pw_dec16(const uint4 &v, SumT<DT> *o)
{
  constexpr int VPL = PwTile<DT>::VPL;
  St<DT> s[VPL];
  memcpy(s, &v, 16);
#pragma unroll
  for (int i = 0; i < VPL; i++) o[i] = ld<DT>((const char *)&s[i]);
}
/* NumPy's combination of N consecutive accumulators (a complete tree) */
template <int DT, int N> DI SumT<DT> pw_tree(const SumT<DT> *v)
{
  if constexpr (N == 1) return v[0];
  else return sum_add<DT>(pw_tree<DT, N / 2>(v), pw_tree<DT, N / 2>(v + N / 2));
}
/* lanes lane .. lane+2^k-1 combined into lane (a multiple of 2^k), for
 * offsets O0, 2 O0, .. < O1 */
template <int DT, int O0, int O1> DI SumT<DT> pw_lanes(SumT<DT> v, int lane)
{
#pragma unroll
  for (int o = O0; o < O1; o <<= 1) {
    const SumT<DT> y = shfl_down_any(v, o);
    if ((lane & (2 * o - 1)) == 0) v = sum_add<DT>(v, y);
  }
  return v;
}

/* The chunk a (n reals) by the warp as the file comment above says, into
 * out (lane 0); false (nothing done) if it does not fit. */
template <int DT, int LDV> DI bool pw_tile(const char *a, int64_t n, int lane, SumT<DT> &out)
{
  typedef PwTile<DT> T;
  typedef SumT<DT> S;
  constexpr int VPL = T::VPL, LPL = T::LPL, LL = T::LL, RB = T::RB;
  if (n < 8 || (n & 7) || ((uintptr_t)a & 15)) return false;
  const uint32_t M = (uint32_t)(n >> 3); /* rows: < 2^29 (pieces have < 2^31 elements) */
  int d = 0;
  while (((M - 1) >> d) + 1 > 16) d++; /* ceil(M / 2^d) > 16 */
  const bool two = d > 0 && (M >> (d - 1)) < 17; /* depth d-1: 16- and 17-row leaves */
  const int dl = two ? d - 1 : d;
  if (dl < LL) return false;
  const int ds = dl - LL; /* depth of the steps */
  const uint32_t nsteps = 1u << ds;
  const int gi = lane / LPL; /* the lane's leaf in a step */
  const char *lp = a + (lane % LPL) * 16;
  /* rows of step s, and the first row (in the step) and rows of leaf gi */
  auto step_rows = [&](uint32_t s) { return ds ? (M + (__brev(s) >> (32 - ds))) >> ds : M; };
  auto leaf = [&](uint32_t rows, uint32_t &off, uint32_t &m) {
    off = 0;
#pragma unroll
    for (int k = LL - 1; k >= 0; k--) {
      const uint32_t h = rows >> 1;
      if ((gi >> k) & 1) {
        off += h;
        rows -= h;
      } else {
        rows = h;
      }
    }
    m = rows;
  };
  uint4 x[17];
  auto load = [&](uint32_t row, uint32_t m) { /* rows 0..7 always exist */
    const char *p = lp + (int64_t)row * RB;
#pragma unroll
    for (int j = 0; j < 17; j++)
      if (j < 8 || j < (int)m) x[j] = ld16<LDV>(p + j * RB);
  };
  uint32_t r0 = 0, rows = step_rows(0), off, m;
  leaf(rows, off, m);
  load(off, m);
  S stk[32];
  int sp = 0;
#pragma unroll 1
  for (uint32_t s = 0; s < nsteps; s++) {
    /* the next step's place, while this step's loads are in flight */
    const bool more = s + 1 < nsteps;
    const uint32_t r1 = r0 + rows;
    uint32_t rows1 = 0, off1 = 0, m1 = 8;
    if (more) {
      rows1 = step_rows(s + 1);
      leaf(rows1, off1, m1);
    }
    /* the leaf's accumulators, row after row; a 17-row node is the leaves
     * of rows 0..7 (va) and 8..16 (vb) */
    const bool s17 = m == 17;
    S va[VPL], vb[VPL], t[VPL];
    pw_dec16<DT>(x[0], va);
#pragma unroll
    for (int j = 1; j < 8; j++) {
      pw_dec16<DT>(x[j], t);
#pragma unroll
      for (int i = 0; i < VPL; i++) va[i] = sum_add<DT>(va[i], t[i]);
    }
    if (s17) {
      pw_dec16<DT>(x[8], vb);
#pragma unroll
      for (int j = 9; j < 17; j++) {
        pw_dec16<DT>(x[j], t);
#pragma unroll
        for (int i = 0; i < VPL; i++) vb[i] = sum_add<DT>(vb[i], t[i]);
      }
    } else {
      memset(vb, 0, sizeof vb);
#pragma unroll
      for (int j = 8; j < 16; j++)
        if (j < (int)m) {
          pw_dec16<DT>(x[j], t);
#pragma unroll
          for (int i = 0; i < VPL; i++) va[i] = sum_add<DT>(va[i], t[i]);
        }
    }
    if (more) load(r1 + off1, m1);
    /* the leaves, then the step */
    S v = pw_lanes<DT, 1, LPL>(pw_tree<DT, VPL>(va), lane);
    if (two && __any_sync(0xffffffffu, s17)) {
      const S w = pw_lanes<DT, 1, LPL>(pw_tree<DT, VPL>(vb), lane);
      if (s17) v = sum_add<DT>(v, w);
    }
    v = pw_lanes<DT, LPL, 32>(v, lane);
    if (lane == 0) {
      for (uint32_t c = s; c & 1; c >>= 1) v = sum_add<DT>(stk[--sp], v);
      stk[sp++] = v;
    }
    r0 = r1;
    rows = rows1;
    off = off1;
    m = m1;
  }
  if (lane == 0) out = stk[0];
  return true;
}

template <int DT> struct ArgV {
  St<DT> raw;
  CT<DT> m;
  int64_t j;
};

/* ------------------------------------------------------------------------
 * What a block reduces a run (or a chunk of one) to, and how such values
 * combine: a pairwise sum (float add: SumT), an (value, index) pair (arg
 * ops), or the fold's own value (associative exact ops, block_ok).
 * ------------------------------------------------------------------------ */
template <int OP, int DT> HD constexpr bool pairwise_red()
{
  return red_of(OP) == RED_SUM && (dt_kind(DT) == 'h' || dt_kind(DT) == 'f' || dt_kind(DT) == 'c');
}
template <int OP, int DT>
using PartT = std::conditional_t<op_kind(OP) == 'R', ArgV<DT>, std::conditional_t<pairwise_red<OP, DT>(), SumT<DT>, CT<DT>>>;

template <int OP, int DT> struct CombOp {
  int aux;
  DI PartT<OP, DT> operator()(const PartT<OP, DT> &l, const PartT<OP, DT> &r) const
  {
    if constexpr (op_kind(OP) == 'R') return beats<OP, DT>(r.m, r.j, l.m, l.j) ? r : l;
    else if constexpr (pairwise_red<OP, DT>()) return sum_add<DT>(l, r);
    else return rt<DT>(f2<OP, DT>(l, r, aux));
  }
};

/* the output's current value (thread 0), the fold of a run's value into
 * it (as the CPU: acc + pairwise sum, rounded as stored; complex parts
 * added separately; others comb), and the store */
template <int OP, int DT> struct Acc {
  typedef std::conditional_t<op_kind(OP) == 'R', ArgV<DT>, CT<DT>> A;
  static DI A load(char *const *q)
  {
    A a;
    if constexpr (op_kind(OP) == 'R') {
      a.raw = *(const St<DT> *)q[0];
      a.m = ld<DT>(q[0]);
      a.j = *(const int64_t *)q[1];
    } else {
      a = ld<DT>(q[0]);
    }
    return a;
  }
  static DI A add(const A &acc, const PartT<OP, DT> &v, const CombOp<OP, DT> &comb)
  {
    if constexpr (pairwise_red<OP, DT>() && dt_kind(DT) == 'c') {
      A r;
      r.re = acc.re + v.re;
      r.im = acc.im + v.im;
      return r;
    } else if constexpr (pairwise_red<OP, DT>()) {
      return rt<DT>(acc + v);
    } else {
      return comb(acc, v);
    }
  }
  static DI void store(char *const *q, const A &a)
  {
    if constexpr (op_kind(OP) == 'R') {
      *(St<DT> *)q[0] = a.raw;
      *(int64_t *)q[1] = a.j;
    } else {
      st<DT>(q[0], a);
    }
  }
};

/* The value of chunk c of nch of the run at r (n elements, strides ist,
 * first index ix): for pairwise sums the node at depth log2(nch) whose
 * path is c (the host makes the tree complete down there), else elements
 * [n c / nch, n (c+1) / nch).  Valid in thread 0; false if empty. */
template <int OP, int DT, int NOPS, bool CONTIG>
DI bool run_part(char *const *r, int64_t ix, int64_t n, const int64_t *ist, int64_t imult, int64_t nch, int64_t c,
                 const CombOp<OP, DT> &comb, PartT<OP, DT> &out)
{
  typedef PartT<OP, DT> V;
  if constexpr (pairwise_red<OP, DT>()) {
    constexpr bool CX = dt_kind(DT) == 'c'; /* reals and imaginary parts interleaved */
    const int64_t st = CX ? ist[2] / 2 : ist[2];
    int64_t len = CX ? 2 * n : n;
    const int64_t start = pw_chunk(len, c, nch);
    out = block_pairwise<DT, CONTIG>(r[2] + start * st, len, st);
    return true;
  } else {
    const int64_t lo = n * c / nch, hi = n * (c + 1) / nch;
    constexpr int64_t ES = sizeof(St<DT>);
    const int64_t sb = CONTIG ? ES : ist[2];
    const char *pb = r[2] + lo * ist[2];
    auto raw = [&](int64_t i) { return *(const St<DT> *)(pb + i * sb); };
    if constexpr (op_kind(OP) == 'R' && op_nin(OP) == 1) {
      const int64_t j0 = ix + lo * imult;
      auto mk = [&](const St<DT> &x, int64_t i) {
        V v;
        v.raw = x;
        v.m = ld<DT>((const char *)&x);
        v.j = j0 + i * imult;
        return v;
      };
      return block_ordered<V>(hi - lo, raw, mk, comb, out);
    } else if constexpr (op_kind(OP) == 'R') { /* (value, index) pairs */
      const int64_t sj = CONTIG ? 8 : ist[NOPS - 1];
      const char *pj = r[NOPS - 1] + lo * ist[NOPS - 1];
      struct RJ {
        St<DT> x;
        int64_t j;
      };
      auto rawj = [&](int64_t i) {
        RJ t;
        t.x = *(const St<DT> *)(pb + i * sb);
        t.j = *(const int64_t *)(pj + i * sj);
        return t;
      };
      auto mk = [&](const RJ &t, int64_t) {
        V v;
        v.raw = t.x;
        v.m = ld<DT>((const char *)&t.x);
        v.j = t.j;
        return v;
      };
      return block_ordered<V>(hi - lo, rawj, mk, comb, out);
    } else {
      auto mk = [&](const St<DT> &x, int64_t) { return ld<DT>((const char *)&x); };
      return block_ordered<V>(hi - lo, raw, mk, comb, out);
    }
  }
}

/* One block per (P coordinate, chunk) unit.  Without chunks (R_NCH 1) the block
 * folds each run of the coordinate (outer S dims in order) into the
 * output; with chunks (a split: the piece has one run per output and few
 * outputs) it writes its chunk's value to the scratch, and k_combine
 * folds them in order. */
template <int OP, int DT, bool CONTIG> DI void block_unit(const Params &p, int64_t u)
{
  constexpr int NOPS = kops<OP>();
  typedef PartT<OP, DT> V;
  const int pc = find_piece(p, u);
  const int64_t *w = p.w + p.off[pc];
  const int64_t nch = w[R_NCH];
  const int64_t lb = u - p.blk0[pc];
  const int64_t e = nch == 1 ? lb : lb / nch, c = lb - e * nch;
  char *q[NOPS];
  int64_t idx;
  locate<NOPS>(p, w, e, q, idx);
  const int nds = (int)w[R_NDS];
  const int64_t *sd = w + rec_dims(NOPS) + w[R_NDP] * (2 + NOPS);
  const int64_t n = w[R_INN], imult = w[R_IMULT];
  int64_t ist[NOPS];
#pragma unroll
  for (int k = 0; k < NOPS; k++) ist[k] = w[R_IST + k];
  const bool t0 = threadIdx.x == 0;
  const CombOp<OP, DT> comb{f2aux<OP, DT>(p, FM_FOLD)};

  if (nch > 1) {
    V v;
    if (run_part<OP, DT, NOPS, CONTIG>(q, idx, n, ist, imult, nch, c, comb, v) && t0)
      ((V *)(p.scratch + w[R_PART]))[e * nch + c] = v;
    return;
  }
  typename Acc<OP, DT>::A acc{}, prior{};
  if (t0) prior = acc = Acc<OP, DT>::load(q);
  s_walk<NOPS>(sd, nds, q, idx, [&](char *const *r, int64_t ix) {
    V v;
    if (run_part<OP, DT, NOPS, CONTIG>(r, ix, n, ist, imult, 1, 0, comb, v) && t0)
      acc = Acc<OP, DT>::add(acc, v, comb);
  });
  if (t0) Acc<OP, DT>::store(q, acc);
  if constexpr (fold_fpe<OP, DT>()) fold_status_block<OP, DT, NOPS>(p, sd, nds, q, idx, n, ist[2], prior, acc);
}
/* persistent: a grid of what fits the device at once walks the units
 * (the pieces' parameters stay in the constant cache) */
template <int OP, int DT, bool CONTIG> /* contiguous runs: at most 80 registers (3 blocks an SM) */
__global__ void __launch_bounds__(LNPC_RED_BLOCK, CONTIG ? 3 : 1) k_block(const __grid_constant__ Params p)
{
  const int64_t total = p.blk0[p.npieces];
#pragma unroll 1
  for (int64_t u = blockIdx.x; u < total; u += gridDim.x) block_unit<OP, DT, CONTIG>(p, u);
}

/* The chunks of split contiguous pairwise sums, one warp each (pw_tile,
 * else warp_pairwise): units as k_block's (blk0 counts chunks), walked by
 * the warps of a persistent grid.  Up to 128 registers (2 blocks, 16
 * warps an SM): 17 x 16 bytes of loads a lane, so up to 8.5 KB in flight
 * a warp, ~128 KB an SM (~36 KB cover 4.8 TB/s at 1 us of latency). */
template <int OP, int DT, int LDV>
__global__ void __launch_bounds__(LNPC_RED_BLOCK, 2) k_pwtile(const __grid_constant__ Params p)
{
  constexpr int NOPS = kops<OP>(), WPB = LNPC_RED_BLOCK / 32;
  typedef SumT<DT> S;
  const int lane = threadIdx.x & 31;
  const int64_t total = p.blk0[p.npieces], nw = (int64_t)gridDim.x * WPB;
#pragma unroll 1
  for (int64_t u = (int64_t)blockIdx.x * WPB + (threadIdx.x >> 5); u < total; u += nw) {
    const char *a;
    int64_t len;
    S *dst; /* only this lives through the sum (registers) */
    {
      const int pc = find_piece(p, u);
      const int64_t *w = p.w + p.off[pc];
      const int64_t nch = w[R_NCH], lb = u - p.blk0[pc], e = lb / nch, c = lb - e * nch;
      char *q[NOPS];
      int64_t idx;
      locate<NOPS>(p, w, e, q, idx);
      /* chunk c: the node at depth log2(nch) whose path is c (run_part) */
      len = dt_kind(DT) == 'c' ? 2 * w[R_INN] : w[R_INN];
      const int64_t start = pw_chunk(len, c, nch);
      a = q[2] + start * pw_esz<DT>();
      dst = (S *)(p.scratch + w[R_PART]) + e * nch + c;
    }
    S v;
    if (!pw_tile<DT, LDV>(a, len, lane, v)) v = warp_pairwise<DT>(a, len, lane);
    if (lane == 0) *dst = v;
  }
}

/* A fold along a strided run with few outputs (the run was an outer dim:
 * an axis-0 sum of a tall matrix, loop_cuda.cu's column split): thread u
 * folds chunk c = u / nP of output e = u % nP's run in order into a
 * partial, so the outputs of a chunk are consecutive threads (a warp reads
 * consecutive elements of a row), and k_combine folds the nch partials of
 * each output in order.  blk0 counts blocks of LNPC_BLOCK threads. */
template <int OP, int DT>
__global__ void __launch_bounds__(LNPC_BLOCK) k_colsplit(const __grid_constant__ Params p)
{
  constexpr int NOPS = kops<OP>();
  typedef PartT<OP, DT> V;
  const int pc = find_piece(p);
  const int64_t *w = p.w + p.off[pc];
  const int64_t nP = w[R_NP], nch = w[R_NCH];
  const int64_t u = ((int64_t)blockIdx.x - p.blk0[pc]) * blockDim.x + threadIdx.x;
  if (u >= nP * nch) return;
  const int64_t c = u / nP, e = u - c * nP;
  char *q[NOPS];
  int64_t idx;
  locate<NOPS>(p, w, e, q, idx);
  const int64_t n = w[R_INN], lo = n * c / nch, hi = n * (c + 1) / nch, s2 = w[R_IST + 2];
  const CombOp<OP, DT> comb{f2aux<OP, DT>(p, FM_FOLD)};
  const char *a = q[2] + lo * s2;
  V acc = ld<DT>(a);
#pragma unroll 4
  for (int64_t i = 1; i < hi - lo; i++) acc = comb(acc, (V)ld<DT>(a + i * s2));
  ((V *)(p.scratch + w[R_PART]))[e * nch + c] = acc;
}

/* After a split k_block: one block per output folds its nch partials in
 * order (each thread a contiguous span as a complete binary tree, then a
 * tree over the threads: for pairwise sums, nch a power of two, exactly
 * the top levels of NumPy's recursion) into the output.  blk0 counts
 * outputs here. */
template <int OP, int DT>
__global__ void __launch_bounds__(LNPC_RED_BLOCK) k_combine(const __grid_constant__ Params p)
{
  constexpr int NOPS = kops<OP>(), NT = LNPC_RED_BLOCK;
  typedef PartT<OP, DT> V;
  const int pc = find_piece(p);
  const int64_t *w = p.w + p.off[pc];
  const int64_t nch = w[R_NCH];
  const int64_t e = (int64_t)blockIdx.x - p.blk0[pc];
  const V *parts = (const V *)(p.scratch + w[R_PART]) + e * nch;
  const CombOp<OP, DT> comb{f2aux<OP, DT>(p, FM_FOLD)};
  __shared__ alignas(16) unsigned char sm_raw[NT * sizeof(V)];
  __shared__ bool sm_have[NT];
  V *sm = (V *)sm_raw;
  const int t = threadIdx.x;
  const int64_t lo = nch * t / NT, hi = nch * (t + 1) / NT;
  V stk[24];
  int sp = 0;
  /* B loads in flight, then their tree (256 bytes a thread: k_pwtile's
   * thousands of partials in one or two round trips to L2) */
  constexpr int B = sizeof(V) <= 8 ? 32 : sizeof(V) <= 16 ? 16 : 8;
#pragma unroll 1
  for (int64_t i0 = lo; i0 < hi; i0 += B) {
    V x[B];
#pragma unroll
    for (int j = 0; j < B; j++)
      if (i0 + j < hi) x[j] = parts[i0 + j];
#pragma unroll
    for (int j = 0; j < B; j++)
      if (i0 + j < hi) {
        V v = x[j];
        for (int64_t m = i0 + j - lo + 1; !(m & 1) && sp > 0; m >>= 1) v = comb(stk[--sp], v);
        stk[sp++] = v;
      }
  }
  if (sp > 0) {
    V v = stk[0];
    for (int i = 1; i < sp; i++) v = comb(v, stk[i]);
    sm[t] = v;
  }
  sm_have[t] = sp > 0;
  __syncthreads();
#pragma unroll 1
  for (int wd = 1; wd < NT; wd <<= 1) {
    if ((t & (2 * wd - 1)) == 0 && sm_have[t + wd]) {
      sm[t] = sm_have[t] ? comb(sm[t], sm[t + wd]) : sm[t + wd];
      sm_have[t] = true;
    }
    __syncthreads();
  }
  char *q[NOPS];
  int64_t idx;
  locate<NOPS>(p, w, e, q, idx);
  typename Acc<OP, DT>::A prior{}, res{};
  if (t == 0) {
    prior = Acc<OP, DT>::load(q);
    res = Acc<OP, DT>::add(prior, sm[0], comb);
    Acc<OP, DT>::store(q, res);
  }
  /* the status of the whole run (its partials' blocks reported nothing) */
  if constexpr (fold_fpe<OP, DT>()) fold_status_block<OP, DT, NOPS>(p, nullptr, 0, q, idx, w[R_INN], w[R_IST + 2], prior, res);
}
} /* namespace */

#endif
