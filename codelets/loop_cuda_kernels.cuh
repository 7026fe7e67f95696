/* Device code of the CUDA loop kernels (loop_cuda.h): shared by the
 * translation units codelets/loop_cuda*.cu, each of which instantiates the
 * kernels of a subset of the ops (so that a parallel build compiles them
 * side by side).  Everything here has internal linkage except the launch
 * parameter block (lnpc::Params) and the per-unit kernel tables.
 *
 * Semantics are those of the CPU kernels (elem.h, loop_cpu.c): the same
 * element operations, compiled by nvcc; these files must be compiled
 * with --fmad=false (CMake sets it) so that a*b+c is not contracted into an
 * FMA, exactly as the C side (-std=c11 implies -ffp-contract=off).  What
 * cannot be bit-identical: real transcendental functions come from
 * libdevice instead of glibc (a few ulp), complex exp/sin/cos/tan/sinh/
 * cosh/tanh/sqrt/log/pow follow glibc's algorithms and special values on
 * top of those, NaN payloads and signs of generated NaNs are CUDA's, and
 * complex arcsin/arccos/arctan have no CUDA kernel (libcu++'s lose
 * accuracy).  fmax/fmin of +-0 and of two NaNs, which C leaves open and
 * the CPU kernels answer differently in their elementwise loops and folds
 * (per compiler and libm), follow what the host measures on its own CPU
 * kernel (loop_cuda.cu probe_fminmax).  Casts of floats to integers follow
 * x86-64's scalar conversions (NaN, inf and out-of-range give 0x80..0 as
 * cvttsd2si does).
 *
 * Work layout.  The host side walks the pieces like loop_cpu.c does (drop
 * size-1 dims, merge dims contiguous for every operand) and splits each
 * piece's dims into
 *   P dims  along which every output moves: one thread (or one block) per
 *           P coordinate, so no two threads ever write one output element;
 *   S dims  along which an output stands still (stride 0: reductions by
 *           aliasing, arg-reductions): walked sequentially, in the CPU's
 *           order, by the owner of the output element.
 * When the innermost dim is an S dim (a "run", what the CPU's inner loop
 * accumulates into one element) the run is reduced exactly as the CPU does:
 * float add by NumPy's pairwise summation (same blocking, same tree), other
 * ops by a left fold; float16 rounds where the CPU rounds.  Long runs of ops
 * whose fold can be evaluated as a tree without changing a bit (wrapping
 * integer arithmetic, bitwise/logical ops, NaN-aware maximum/minimum/fmax/
 * fmin, arg-reductions: all associative selections, combined in order) and
 * pairwise sums (the tree is NumPy's, its top levels evaluated by the block)
 * are reduced by a whole thread block per output element (k_block, a
 * persistent grid of what fits the device walking the (output, chunk)
 * units).  When there are few such outputs (a full reduction, an axis with
 * few outputs) each run is split into chunks over many blocks: a pairwise
 * sum into the 2^D nodes at depth D of NumPy's tree (all of them internal
 * nodes down there, so the tree above is complete), other folds into
 * ordered ranges; each block writes its chunk's value into a per-stream
 * device scratch buffer (allocated once, loop_cuda.cu; contiguous pairwise
 * sums take smaller chunks, a warp each: k_pwtile, which streams 16-byte
 * loads over leaves laid out in closed form), and k_combine, on
 * the same stream, folds an output's values in order (for pairwise sums:
 * the top D levels of the same tree) into the output.  Sequential folds
 * along an outer dim (an axis-0 reduction: one thread per output, each
 * walking its column in order) stream their elements through a cp.async
 * ring in shared memory when there are few of them (k_seq), so that ~100
 * loads per thread are in flight.
 *
 * Pieces travel as kernel parameters (a __grid_constant__ struct of ~4.3 KB:
 * no device allocation, no copy); a task with more pieces than fit, or whose
 * pieces write what an earlier piece reads or writes (e.g. several partial
 * results folded into one output), is split into several launches on the
 * same stream, which run in order.
 *
 * An output standing still without a fold (not the first input of a
 * binary op) is overwritten at each step on the CPU: the host keeps only
 * the last step.  Pieces must have fewer than 2^31 elements (32-bit
 * coordinates); lnp_loop_cuda_supported refuses bigger ones.
 *
 * Instantiation: one kernel per (op, dtype) pair that exists (the op
 * table's gpu column, op_table.h, over the X-macro lists of dtypes.h) and per
 * (source, destination) dtype pair for casts, plus a block-reduction kernel
 * per (op, dtype) that can fold a run with a whole block. */
#ifndef LNP_LOOP_CUDA_KERNELS_CUH
#define LNP_LOOP_CUDA_KERNELS_CUH

/* the parts, each including the one before */
#include "loop_cuda_reduce.cuh" /* <- loop_cuda_elementwise.cuh <- loop_cuda_ops.cuh */

namespace {

/* ========================================================================
 * Instantiation: the kernels of the ops of one unit (the op table's unit
 * column), casts: all pairs
 * ======================================================================== */
/* blocks of LNPC_RED_BLOCK threads of kern that fit an SM at once */
template <class K> int red_occupancy(K kern)
{
  int n = 0;
  if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&n, kern, LNPC_RED_BLOCK, 0) != cudaSuccess) {
    (void)cudaGetLastError();
    n = 0;
  }
  return n > 0 ? n : 2;
}
/* k_pwtile over `units` chunks: a persistent grid of what fits the device */
template <int OP, int DT> void launch_pwtile(const Params &p, unsigned units, int ldv, cudaStream_t s)
{
  constexpr unsigned WPB = LNPC_RED_BLOCK / 32;
  static const int occ[3] = {red_occupancy(k_pwtile<OP, DT, 0>), red_occupancy(k_pwtile<OP, DT, 1>),
                             red_occupancy(k_pwtile<OP, DT, 2>)};
  ldv = ldv < 3 ? ldv : 0;
  const unsigned cap = (unsigned)occ[ldv] * (unsigned)(p.nsm > 0 ? p.nsm : 132), need = (units + WPB - 1) / WPB;
  const unsigned grid = need < cap ? need : cap;
  if (ldv == 1) k_pwtile<OP, DT, 1><<<grid, LNPC_RED_BLOCK, 0, s>>>(p);
  else if (ldv == 2) k_pwtile<OP, DT, 2><<<grid, LNPC_RED_BLOCK, 0, s>>>(p);
  else k_pwtile<OP, DT, 0><<<grid, LNPC_RED_BLOCK, 0, s>>>(p);
}

/* after the chunks of a split: the same pieces, one block per output */
template <int OP, int DT> void launch_combine(const Params &p, cudaStream_t s)
{
  Params p2 = p;
  int64_t b = 0;
  for (int i = 0; i < p.npieces; i++) {
    p2.blk0[i] = b;
    b += p.w[p.off[i] + R_NP];
  }
  p2.blk0[p.npieces] = b;
  k_combine<OP, DT><<<(unsigned)b, LNPC_RED_BLOCK, 0, s>>>(p2);
}

template <int OP, int DT, int ODT> void launch(const Params &p, unsigned grid, int mode, int tpb, cudaStream_t s)
{
  if constexpr (op_kind(OP) != 'C' && block_ok(OP, DT)) {
    const bool contig = (mode & LM_CONTIG) != 0, tile = (mode & LM_PWTILE) != 0;
    const int ldv = (mode >> LM_LDV_SHIFT) & 3;
    mode &= ~LM_FLAGS;
    if (mode == LM_BLOCK || mode == LM_SPLIT) {
      bool tiled = false;
      if constexpr (pairwise_red<OP, DT>()) {
        if (tile && contig && mode == LM_SPLIT) {
          launch_pwtile<OP, DT>(p, grid, ldv, s);
          tiled = true;
        }
      }
      if (!tiled) {
        static const int occ[2] = {red_occupancy(k_block<OP, DT, false>), red_occupancy(k_block<OP, DT, true>)};
        const unsigned cap = (unsigned)occ[contig] * (unsigned)(p.nsm > 0 ? p.nsm : 132);
        if (contig) k_block<OP, DT, true><<<grid < cap ? grid : cap, LNPC_RED_BLOCK, 0, s>>>(p);
        else k_block<OP, DT, false><<<grid < cap ? grid : cap, LNPC_RED_BLOCK, 0, s>>>(p);
      }
      if (mode == LM_SPLIT) launch_combine<OP, DT>(p, s);
      return;
    }
  }
  if constexpr (op_kind(OP) != 'C' && op_kind(OP) != 'R' && block_ok(OP, DT) && has_seq<OP, DT, ODT>()) {
    if ((mode & ~LM_FLAGS) == LM_COLSPLIT) { /* chunks of strided runs, then one block per output */
      k_colsplit<OP, DT><<<grid, LNPC_BLOCK, 0, s>>>(p);
      launch_combine<OP, DT>(p, s);
      return;
    }
  }
  if constexpr (op_kind(OP) != 'C' && has_seq<OP, DT, ODT>()) {
    if (mode == LM_SEQ) {
      k_seq<OP, DT, ODT><<<grid, tpb, tpb == LNPC_CP_LANES ? LNPC_CP_BYTES : 0, s>>>(p);
      return;
    }
  }
  (void)mode;
  k_thread<OP, DT, ODT><<<grid, tpb, 0, s>>>(p);
}

/* bytes of a partial (PartT) of (op, loop dtype), for the host */
template <int DT> constexpr int part_size_dt(int op)
{
  return op_kind(op) == 'R'                                  ? (int)sizeof(ArgV<DT>)
         : red_of(op) == RED_SUM && dt_ek(DT) != 'i' && dt_ek(DT) != 'u' && dt_ek(DT) != 'b' ? (int)sizeof(SumT<DT>)
                                                             : (int)sizeof(CT<DT>);
}

template <int UNIT> struct OpPart {
  template <int I> static constexpr launch_fn entry()
  {
    constexpr int OP = I / LNP_NTYPES, DT = I % LNP_NTYPES;
    if constexpr (op_unit(OP) != UNIT || op_kind(OP) == 'C' || !has_kernel(OP, DT)) return nullptr;
    else return &launch<OP, DT, out_dt(OP, DT)>;
  }
  template <int... I> static constexpr std::array<launch_fn, sizeof...(I)> make(std::integer_sequence<int, I...>)
  {
    return {{entry<I>()...}};
  }
  static launch_fn get(int op, int dt)
  {
    static constexpr std::array<launch_fn, LNP_NOPS * LNP_NTYPES> table =
        make(std::make_integer_sequence<int, LNP_NOPS * LNP_NTYPES>{});
    if (op < 0 || op >= LNP_NOPS || dt < 0 || dt >= LNP_NTYPES) return nullptr;
    return table[(size_t)op * LNP_NTYPES + dt];
  }
};
template <int = 0> struct CastPart { /* a template: nothing is instantiated unless used */
  template <int... I> static constexpr std::array<launch_fn, sizeof...(I)> make(std::integer_sequence<int, I...>)
  {
    return {{&launch<LNP_OP_COPY, I / LNP_NTYPES, I % LNP_NTYPES>...}};
  }
  static launch_fn get(int din, int dout)
  {
    static constexpr std::array<launch_fn, LNP_NTYPES * LNP_NTYPES> table =
        make(std::make_integer_sequence<int, LNP_NTYPES * LNP_NTYPES>{});
    if (din < 0 || din >= LNP_NTYPES || dout < 0 || dout >= LNP_NTYPES) return nullptr;
    return table[(size_t)din * LNP_NTYPES + dout];
  }
};

} /* namespace */

#endif
