/* GPU test of the CUDA loop kernels (codelets/loop_cuda*.cu) against the CPU
 * kernels (codelets/loop_cpu.c): the same descriptors run through
 * lnp_loop_execute on the host and lnp_loop_cuda_launch on the device, and
 * every buffer is compared afterwards, bit for bit.
 *
 * Exceptions to bit equality:
 *  - NaN payloads (any NaN equals any NaN; CUDA's float->half conversion
 *    makes canonical NaNs, the CPU keeps payload bits);
 *  - transcendental functions (exp, log*, exp2, trig, hyperbolic, power of
 *    floats/complex, arctan2, hypot, complex sqrt, complex abs without
 *    AVX512F): libdevice vs glibc, a few ulp allowed (see tol_ulps).
 * Floating -> integer casts of NaN, inf and values beyond +-2^31 are not
 * generated: there the CPU kernel itself differs between its vectorised and
 * scalar paths (C leaves them undefined; the CUDA kernels follow x86's
 * scalar conversions).
 *
 * Cases: every (op, dtypes) combination the CPU supports gets random
 * descriptors: 0-4 dims, several pieces, broadcast (stride 0) and negative
 * strides, scalar operands, in-place operation, reductions by aliasing
 * (several pieces folding into one output too), arg-reductions with index
 * multipliers and a base index, generators, casts; plus large cases (long
 * runs reduced by whole blocks, deep pairwise trees, tasks with more pieces
 * than one launch holds).  Each buffer sits between guard bytes that must
 * stay untouched.
 *
 *   test_loop_cuda [--seed N] [--cases K] [--big N] [--pw N] [--pw-only] [--bench] [--bench-only] [--reps N]
 *                  [--probe] [-v]
 * --pw sets the number of long contiguous float sums (pairwise_cases, 40 by
 * default; --pw-only runs just those).  --bench adds bandwidth measurements
 * of large tiles (LNP_BENCH_ONLY=substrings,... selects cases; LNP_BENCH_NOCHECK=1
 * skips their check against the CPU), --bench-only runs just those.
 * Exit status 0 when everything matches. */
#include <cub/device/device_reduce.cuh>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "loop.h"
#include "loop_cuda.h"

#define CK(x)                                                                         \
  do {                                                                                \
    cudaError_t e_ = (x);                                                             \
    if (e_ != cudaSuccess) {                                                          \
      fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_)); \
      exit(2);                                                                        \
    }                                                                                 \
  } while (0)

static const char *op_names[] = {
#define X(NAME, UF, NIN, KIND, ...) #NAME,
    LNP_OP_TABLE(X)
#undef X
};
static const char op_kinds[] = {
#define X(NAME, UF, NIN, KIND, ...) #KIND[0],
    LNP_OP_TABLE(X)
#undef X
};
static const int op_nins[] = {
#define X(NAME, UF, NIN, KIND, ...) NIN,
    LNP_OP_TABLE(X)
#undef X
};
static char dt_kind(int dt)
{
  switch (dt) {
#define X(E, T, N, K) \
  case E: return #K[0];
    LNP_FOR_ALL(X)
#undef X
  default: return 0;
  }
}
static int nout_of(int op) { return op_kinds[op] == 'R' ? 2 : 1; }
static bool is_float_kind(char k) { return k == 'h' || k == 'f' || k == 'c'; }

static std::mt19937_64 rng;
static int64_t irand(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }
static double frand(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }
static bool chance(double p) { return frand(0, 1) < p; }

static uint16_t f2h(float f) { return __half_as_ushort(__float2half_rn(f)); }
static float h2f(uint16_t h) { return __half2float(__ushort_as_half(h)); }

/* ------------------------------------------------------------------------
 * Random values per dtype, with ranges per op
 * ------------------------------------------------------------------------ */
enum Range { R_ANY, R_SMALL, R_UNIT, R_POS, R_MOD, R_SHIFT, R_CASTINT };

static double rand_real(Range r)
{
  switch (r) {
  case R_UNIT: return frand(-1.2, 1.2);
  case R_POS: return chance(0.05) ? 0.0 : chance(0.05) ? -frand(0, 3) : std::exp(frand(-8, 8));
  case R_SMALL: return chance(0.3) ? (double)irand(-6, 6) : frand(-4, 4);
  case R_CASTINT: {
    const double v = chance(0.3) ? (double)irand(-300, 300) : chance(0.5) ? frand(-1e5, 1e5) : frand(-2.1e9, 2.1e9);
    return chance(0.2) ? std::trunc(v) + 0.5 : v;
  }
  default: {
    const int c = (int)irand(0, 19);
    switch (c) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return INFINITY;
    case 3: return -INFINITY;
    case 4: return NAN;
    case 5: return (double)irand(-5, 5);
    case 6: return frand(-1e30, 1e30);
    case 7: return frand(-1e-30, 1e-30);
    case 8: return std::ldexp(frand(-1, 1), (int)irand(-60, 60));
    default: return frand(-100, 100);
    }
  }
  }
}
static void rand_value(int dt, Range r, unsigned char *out)
{
  const char k = dt_kind(dt);
  const size_t sz = lnp_dtype_size(dt);
  if (k == 'b') {
    out[0] = (unsigned char)irand(0, 1);
    return;
  }
  if (k == 'i' || k == 'u') {
    int64_t v;
    if (r == R_SHIFT) v = irand(-3, (int64_t)sz * 8 + 4);
    else if (r == R_SMALL || r == R_MOD) v = chance(0.1) ? 0 : irand(-9, 9);
    else {
      const int c = (int)irand(0, 9);
      v = c == 0 ? 0 : c == 1 ? -1 : c == 2 ? 1 : c < 6 ? irand(-100, 100) : (int64_t)rng();
      if (c == 6) v = k == 'i' ? (int64_t)1 << (sz * 8 - 1) : 0; /* MIN */
    }
    memcpy(out, &v, sz); /* little-endian truncation */
    return;
  }
  if (k == 'h') {
    double v = rand_real(r == R_ANY && chance(0.5) ? R_SMALL : r);
    if (r == R_CASTINT) v = std::fmod(v, 60000.0);
    const uint16_t h = f2h((float)v);
    memcpy(out, &h, 2);
  } else if (k == 'f') {
    const double v = rand_real(r);
    if (sz == 4) {
      const float f = (float)v;
      memcpy(out, &f, 4);
    } else {
      memcpy(out, &v, 8);
    }
  } else { /* complex */
    const double re = rand_real(r), im = (r == R_CASTINT || chance(0.1)) ? 0.0 : rand_real(r == R_POS ? R_SMALL : r);
    if (sz == 8) {
      const float p[2] = {(float)re, (float)im};
      memcpy(out, p, 8);
    } else {
      const double p[2] = {re, im};
      memcpy(out, p, 16);
    }
  }
}

static Range range_of(int op, int din, int dout, int operand)
{
  switch (op) {
  case LNP_OP_EXP: case LNP_OP_EXP2: case LNP_OP_SINH: case LNP_OP_COSH: case LNP_OP_TANH:
  case LNP_OP_SIN: case LNP_OP_COS: case LNP_OP_TAN: case LNP_OP_ARCTAN:
    return chance(0.9) ? R_SMALL : R_ANY;
  case LNP_OP_ARCSIN: case LNP_OP_ARCCOS: return chance(0.9) ? R_UNIT : R_ANY;
  case LNP_OP_LOG: case LNP_OP_LOG10: case LNP_OP_LOG2: case LNP_OP_SQRT: return chance(0.9) ? R_POS : R_ANY;
  case LNP_OP_POWER: return operand == 2 ? R_SMALL : (is_float_kind(dt_kind(din)) ? R_POS : R_SMALL);
  case LNP_OP_FLOOR_DIVIDE: case LNP_OP_REMAINDER: return chance(0.5) ? R_MOD : R_ANY;
  case LNP_OP_LEFT_SHIFT: case LNP_OP_RIGHT_SHIFT: return operand == 2 ? R_SHIFT : R_ANY;
  case LNP_OP_COPY: {
    const char kd = dt_kind(dout), ks = dt_kind(din);
    if ((kd == 'i' || kd == 'u') && is_float_kind(ks)) return R_CASTINT;
    return R_ANY;
  }
  default: return R_ANY;
  }
}

/* ------------------------------------------------------------------------
 * Cases
 * ------------------------------------------------------------------------ */
struct Buffer {
  int dtype;      /* element type for the comparison */
  size_t nelem;
  bool written;   /* an output of some piece */
  std::vector<unsigned char> init;
};
struct Operand {
  int64_t buf, off;
  std::vector<int64_t> st;
};
struct Piece {
  std::vector<int64_t> shape, origin;
  std::vector<Operand> ops;
};
struct Case {
  int op, din, dout, ndim, nops;
  lnp_scalar sc[LNP_MAXSCALARS];
  int64_t mult[LNP_MAXDIM];
  std::vector<Piece> pieces;
  std::vector<Buffer> bufs;
  std::string what;
};

static int operand_dtype(const Case &c, int k)
{
  switch (op_kinds[c.op]) {
  case 'P': return k == 0 ? LNP_BOOL : c.din;
  case 'W': return k == 0 ? c.dout : k == 1 ? LNP_BOOL : c.din;
  case 'R': return (k == 1 || k == 3) ? LNP_INT64 : k == 0 ? c.dout : c.din;
  case 'G': return c.dout;
  default: return k == 0 ? c.dout : c.din;
  }
}

static int new_buffer(Case &c, int dtype, size_t nelem, int op, int k)
{
  Buffer b;
  b.dtype = dtype;
  b.nelem = nelem ? nelem : 1;
  b.written = false;
  const size_t sz = lnp_dtype_size(dtype);
  b.init.resize(b.nelem * sz);
  for (size_t i = 0; i < b.nelem; i++) {
    if (dtype == LNP_INT64 && op_kinds[op] == 'R') { /* indices: small, with ties */
      const int64_t v = irand(-3, 40);
      memcpy(&b.init[i * 8], &v, 8);
    } else {
      rand_value(dtype, range_of(op, c.din, c.dout, k), &b.init[i * sz]);
    }
  }
  c.bufs.push_back(std::move(b));
  return (int)c.bufs.size() - 1;
}

/* strides compact over the dims with keep[d] (random order and signs), 0
 * elsewhere; returns the region's element count and the offset that makes
 * every index >= 0 */
static void compact_layout(const std::vector<int64_t> &shape, const std::vector<bool> &keep, std::vector<int64_t> &st,
                           int64_t &off, int64_t &count, bool shuffle, bool negatives)
{
  const int nd = (int)shape.size();
  std::vector<int> order;
  for (int d = 0; d < nd; d++)
    if (keep[d]) order.push_back(d);
  if (shuffle && chance(0.3)) std::shuffle(order.begin(), order.end(), rng);
  st.assign(nd, 0);
  int64_t s = 1;
  for (int i = (int)order.size() - 1; i >= 0; i--) {
    st[order[i]] = s;
    s *= shape[order[i]];
  }
  count = s;
  off = 0;
  for (int d = 0; d < nd; d++)
    if (negatives && keep[d] && chance(0.2)) {
      off += st[d] * (shape[d] - 1);
      st[d] = -st[d];
    }
}

/* an input operand: a new buffer with a random layout (broadcast dims,
 * steps, negative strides), or a scalar slot */
static Operand random_input(Case &c, const std::vector<int64_t> &shape, int k, int dtype, bool allow_scalar,
                            int scalar_slot)
{
  Operand o;
  const int nd = (int)shape.size();
  if (allow_scalar && scalar_slot >= 0 && chance(0.12)) {
    o.buf = LNP_BUF_SCALAR(scalar_slot);
    o.off = 0;
    o.st.assign(nd, 0);
    unsigned char v[16] = {0};
    rand_value(dtype, range_of(c.op, c.din, c.dout, k), v);
    memcpy(&c.sc[scalar_slot], v, 16);
    return o;
  }
  std::vector<bool> keep(nd);
  for (int d = 0; d < nd; d++) keep[d] = !(chance(0.15));
  int64_t off, count;
  compact_layout(shape, keep, o.st, off, count, true, true);
  const int64_t step = chance(0.2) ? irand(2, 3) : 1;
  for (auto &s : o.st) s *= step;
  off *= step;
  const int64_t slack = irand(0, 3);
  o.off = off + slack;
  o.buf = new_buffer(c, dtype, (size_t)(count * step + slack + 2), c.op, k);
  return o;
}

static std::vector<int64_t> random_shape(int nd, bool big)
{
  std::vector<int64_t> s(nd);
  for (int d = 0; d < nd; d++) s[d] = chance(0.15) ? 1 : irand(1, big ? 9 : 5);
  if (nd > 0 && chance(0.15)) s[irand(0, nd - 1)] = irand(6, 40);
  return s;
}

static bool inexact_op(int op, int din);
static bool fold_op(int op, int din)
{
  const char k = op_kinds[op];
  if (op_nins[op] != 2 || (k != 'S' && k != 'P')) return false;
  if (k == 'P' && din != LNP_BOOL) return false;
  return !inexact_op(op, din); /* a fold repeats an inexact op's differences */
}

/* one random case of (op, din, dout); shape_hint > 0 forces a long inner
 * run for folds and arg ops */
static void make_case(Case &c, int op, int din, int dout, int64_t run_hint, int npieces_hint)
{
  c.op = op;
  c.din = din;
  c.dout = dout;
  c.nops = lnp_op_nops(op);
  memset(c.sc, 0, sizeof c.sc);
  memset(c.mult, 0, sizeof c.mult);
  c.pieces.clear();
  c.bufs.clear();
  const char kind = op_kinds[op];
  const int nout = nout_of(op);
  const bool fold = fold_op(op, din) && (run_hint > 0 || chance(0.45));
  const bool arg = kind == 'R';
  int nd = (int)irand(0, 4);
  if ((fold || arg) && nd == 0 && chance(0.7)) nd = (int)irand(1, 3);
  if (run_hint > 0 && nd == 0) nd = 1;
  c.ndim = nd;
  const int npieces = npieces_hint > 0 ? npieces_hint : (int)irand(1, 3);
  /* reduced dims (folds, arg ops), the same for every piece */
  std::vector<bool> red(nd, false);
  if (fold || arg) {
    for (int d = 0; d < nd; d++) red[d] = chance(0.5);
    if (nd > 0 && chance(0.6)) red[nd - 1] = true;
    if (run_hint > 0) red[nd - 1] = true;
  }
  /* phase-2 style: all pieces fold into one output region */
  const bool shared_out = (fold || arg) && npieces > 1 && chance(0.5);
  std::vector<int64_t> shape0;
  Operand shared[2];
  c.what = fold ? "fold" : arg ? "arg" : "elementwise";
  if (shared_out) c.what += "+shared-output";

  if (run_hint > 0 && nd > 3) nd = c.ndim = 3;
  for (int p = 0; p < npieces; p++) {
    Piece pc;
    pc.shape = (shared_out && p > 0) ? shape0 : random_shape(nd, false);
    if (run_hint > 0) { /* one long run, few of them */
      for (int d = 0; d + 1 < nd; d++) pc.shape[d] = std::min<int64_t>(pc.shape[d], run_hint > 100000 ? 2 : 4);
      pc.shape[nd - 1] = run_hint;
    }
    if (shared_out && p > 0) /* the reduced extents may differ */
      for (int d = 0; d < nd; d++)
        if (red[d] && run_hint == 0) pc.shape[d] = irand(1, 6);
    if (p == 0) shape0 = pc.shape;
    pc.origin.resize(nd);
    for (int d = 0; d < nd; d++) pc.origin[d] = irand(0, 20);
    pc.ops.resize(c.nops);
    /* outputs */
    for (int k = 0; k < nout; k++) {
      if (shared_out && p > 0) {
        pc.ops[k] = shared[k];
        continue;
      }
      std::vector<bool> keep(nd);
      for (int d = 0; d < nd; d++) keep[d] = !red[d];
      /* a non-fold output standing still along a dim (last write wins) */
      if (!fold && !arg && nd > 0 && chance(0.04)) keep[irand(0, nd - 1)] = false;
      Operand o;
      int64_t off, count;
      compact_layout(pc.shape, keep, o.st, off, count, true, true);
      const int64_t slack = irand(0, 2);
      o.off = off + slack;
      o.buf = new_buffer(c, operand_dtype(c, k), (size_t)(count + slack + irand(0, 2)), op, k);
      c.bufs[o.buf].written = true;
      pc.ops[k] = o;
      if (k < 2) shared[k] = o;
    }
    /* inputs */
    for (int k = nout; k < c.nops; k++) {
      const int dt = operand_dtype(c, k);
      if (fold && k == 1) {
        pc.ops[k] = pc.ops[0]; /* the output is the first input */
        continue;
      }
      if (!fold && !arg && kind != 'C' && k == 1 && op_nins[op] <= 2 && dt == operand_dtype(c, 0) &&
          lnp_dtype_size(dt) == lnp_dtype_size(operand_dtype(c, 0)) && chance(0.1)) {
        bool still = false;
        for (int d = 0; d < nd; d++) still |= pc.ops[0].st[d] == 0 && pc.shape[d] > 1;
        if (!still) {
          pc.ops[k] = pc.ops[0]; /* in place */
          continue;
        }
      }
      int slot = k; /* scalar slots: ARG*_ACC keeps slot 0 for its base index */
      if (arg && op_nins[op] == 1 && slot == 0) slot = 1;
      pc.ops[k] = random_input(c, pc.shape, k, dt, !(arg && k == 3), slot < LNP_MAXSCALARS ? slot : -1);
    }
    c.pieces.push_back(pc);
  }
  /* index multipliers and scalars of generators and arg ops */
  if (kind == 'G' || arg) {
    int64_t m = 1;
    for (int d = nd - 1; d >= 0; d--) {
      if (kind == 'G') {
        c.mult[d] = irand(-3, 3);
      } else if (red[d]) {
        c.mult[d] = m;
        m *= 50;
      } else {
        c.mult[d] = chance(0.2) ? irand(-2, 2) : 0;
      }
    }
    if (op == LNP_OP_ARANGE) {
      rand_value(dout, R_SMALL, c.sc[0].bytes);
      rand_value(dout, R_SMALL, c.sc[1].bytes);
    } else if (op == LNP_OP_EYE) {
      c.sc[0].i64 = irand(-5, 5);
    } else if (op == LNP_OP_ARGMAX_ACC || op == LNP_OP_ARGMIN_ACC) {
      c.sc[0].i64 = chance(0.5) ? 0 : irand(0, 1000);
    }
  }
}

static std::vector<unsigned char> build_desc(const Case &c)
{
  const int nd = c.ndim, nops = c.nops;
  std::vector<unsigned char> raw(lnp_loop_desc_size(nd, nops, (int)c.pieces.size()));
  lnp_loop_desc *d = (lnp_loop_desc *)raw.data();
  d->op = c.op;
  d->dtype_in = c.din;
  d->dtype_out = c.dout;
  d->ndim = nd;
  d->nops = nops;
  d->npieces = (int)c.pieces.size();
  d->nbuffers = (int)c.bufs.size();
  memcpy(d->scalars, c.sc, sizeof c.sc);
  memcpy(d->index_mult, c.mult, sizeof c.mult);
  for (int p = 0; p < d->npieces; p++) {
    int64_t *w = lnp_loop_piece(d, p);
    const Piece &pc = c.pieces[p];
    for (int i = 0; i < nd; i++) {
      w[i] = pc.shape[i];
      w[nd + i] = pc.origin[i];
    }
    for (int k = 0; k < nops; k++) {
      int64_t *o = lnp_piece_operand(w, nd, k);
      o[0] = pc.ops[k].buf;
      o[1] = pc.ops[k].off;
      for (int i = 0; i < nd; i++) o[2 + i] = pc.ops[k].st[i];
    }
  }
  return raw;
}

/* ------------------------------------------------------------------------
 * Comparison
 * ------------------------------------------------------------------------ */
/* results that come from a math library (the op table's ulp column):
 * glibc and libdevice may differ in the last bits */
static bool inexact_op(int op, int din)
{
  const char kin = dt_kind(din);
  const char u = lnp_op_get(op)->ulp;
  return (u == 'F' && is_float_kind(kin)) || (u == 'C' && kin == 'c');
}
static bool inexact(const Case &c) { return inexact_op(c.op, c.din); }
static int64_t ord32(float f)
{
  int32_t i;
  memcpy(&i, &f, 4);
  return i < 0 ? (int64_t)INT32_MIN - i : i;
}
static int64_t ord64(double f)
{
  int64_t i;
  memcpy(&i, &f, 8);
  return i < 0 ? INT64_MIN - i : i;
}
static int64_t ord16(uint16_t h) { return (h & 0x8000) ? -(int64_t)(h & 0x7fff) : (int64_t)h; }

/* 0: equal bits, 1: equal up to NaN payload / within tolerance, 2: differ */
static int cmp_real(const unsigned char *a, const unsigned char *b, int sz, bool tol, double ref_mag, int64_t tol_ulps)
{
  if (!memcmp(a, b, sz)) return 0;
  double x, y;
  int64_t dist;
  if (sz == 2) {
    uint16_t ha, hb;
    memcpy(&ha, a, 2);
    memcpy(&hb, b, 2);
    x = h2f(ha);
    y = h2f(hb);
    dist = std::llabs(ord16(ha) - ord16(hb));
  } else if (sz == 4) {
    float fa, fb;
    memcpy(&fa, a, 4);
    memcpy(&fb, b, 4);
    x = fa;
    y = fb;
    dist = std::llabs(ord32(fa) - ord32(fb));
  } else {
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    dist = (ord64(x) - ord64(y));
    dist = dist < 0 ? -dist : dist;
  }
  if (std::isnan(x) && std::isnan(y)) return 1;
  if (!tol || std::isnan(x) || std::isnan(y) || std::isinf(x) || std::isinf(y)) return 2;
  if (dist <= tol_ulps) return 1;
  /* complex parts: relative to the value's magnitude */
  if (ref_mag > 0) {
    const double ulp = sz == 2 ? std::ldexp(1.0, -10) : sz == 4 ? std::ldexp(1.0, -23) : std::ldexp(1.0, -52);
    if (std::fabs(x - y) <= (double)tol_ulps * ulp * ref_mag) return 1;
  }
  return 2;
}

struct Stats {
  long cases = 0, elems = 0, nan_payload = 0, ulp_diffs = 0, bad = 0;
};
static std::map<std::string, Stats> g_stats;
static long g_failures = 0, g_launch_errors = 0;
static bool g_verbose = false;

static std::string combo_name(const Case &c)
{
  char buf[96];
  snprintf(buf, sizeof buf, "%s %s->%s", op_names[c.op], lnp_dtype_name(c.din), lnp_dtype_name(c.dout));
  return buf;
}

static void describe(const Case &c)
{
  fprintf(stderr, "  case %s (%s): ndim %d, %zu pieces, %zu buffers\n", combo_name(c).c_str(), c.what.c_str(),
          c.ndim, c.pieces.size(), c.bufs.size());
  for (size_t p = 0; p < c.pieces.size() && p < 4; p++) {
    const Piece &pc = c.pieces[p];
    fprintf(stderr, "    piece %zu shape [", p);
    for (auto s : pc.shape) fprintf(stderr, " %" PRId64, s);
    fprintf(stderr, " ]");
    for (int k = 0; k < c.nops; k++) {
      fprintf(stderr, " op%d{buf %" PRId64 " off %" PRId64 " st", k, pc.ops[k].buf, pc.ops[k].off);
      for (auto s : pc.ops[k].st) fprintf(stderr, " %" PRId64, s);
      fprintf(stderr, "}");
    }
    fprintf(stderr, "\n");
  }
}

/* ------------------------------------------------------------------------
 * Running a case on both sides
 * ------------------------------------------------------------------------ */
#define GUARD 256
static unsigned char *g_dev = nullptr;
static size_t g_dev_size = 0;
static cudaStream_t g_stream;

static void run_case(Case &c, int nthreads)
{
  std::vector<unsigned char> raw = build_desc(c);
  const lnp_loop_desc *d = (const lnp_loop_desc *)raw.data();
  const std::string name = combo_name(c);
  Stats &stats = g_stats[name];
  stats.cases++;
  if (!lnp_loop_cuda_supported(d)) {
    fprintf(stderr, "FAIL %s: lnp_loop_cuda_supported refused a case\n", name.c_str());
    describe(c);
    g_failures++;
    stats.bad++;
    return;
  }
  /* layout in one device span: [guard][buf0][guard][buf1]... */
  std::vector<size_t> offs;
  size_t total = GUARD;
  for (auto &b : c.bufs) {
    offs.push_back(total);
    total += (b.init.size() + 255) / 256 * 256 + GUARD;
  }
  if (total > g_dev_size) {
    if (g_dev) CK(cudaFree(g_dev));
    g_dev_size = total * 2;
    CK(cudaMalloc(&g_dev, g_dev_size));
  }
  std::vector<unsigned char> host(total, 0xA5);
  for (size_t i = 0; i < c.bufs.size(); i++) memcpy(&host[offs[i]], c.bufs[i].init.data(), c.bufs[i].init.size());
  std::vector<unsigned char> cpu = host;
  CK(cudaMemcpy(g_dev, host.data(), total, cudaMemcpyHostToDevice));

  std::vector<void *> hptr, dptr;
  for (size_t i = 0; i < c.bufs.size(); i++) {
    hptr.push_back(&cpu[offs[i]]);
    dptr.push_back(g_dev + offs[i]);
  }
  if (lnp_loop_execute(d, hptr.data(), nthreads) != 0) {
    fprintf(stderr, "FAIL %s: the CPU refused the case\n", name.c_str());
    describe(c);
    g_failures++;
    return;
  }
  const int rc = lnp_loop_cuda_launch(d, dptr.data(), (int)dptr.size(), g_stream);
  cudaError_t e = cudaStreamSynchronize(g_stream);
  if (rc != 0 || e != cudaSuccess) {
    fprintf(stderr, "FAIL %s: launch rc %d, %s\n", name.c_str(), rc, cudaGetErrorString(e));
    describe(c);
    g_failures++;
    g_launch_errors++;
    stats.bad++;
    if (e != cudaSuccess) exit(3);
    return;
  }
  std::vector<unsigned char> gpu(total);
  CK(cudaMemcpy(gpu.data(), g_dev, total, cudaMemcpyDeviceToHost));

  /* guards */
  for (size_t i = 0; i <= c.bufs.size(); i++) {
    const size_t lo = i == 0 ? 0 : offs[i - 1] + c.bufs[i - 1].init.size();
    const size_t hi = i < c.bufs.size() ? offs[i] : total;
    for (size_t j = lo; j < hi; j++)
      if (gpu[j] != 0xA5) {
        fprintf(stderr, "FAIL %s: GPU wrote outside the buffers (byte %zu after buffer %zu)\n", name.c_str(),
                j - lo, i);
        describe(c);
        g_failures++;
        stats.bad++;
        return;
      }
  }
  const bool tol = inexact(c);
  int shown = 0;
  bool bad_case = false;
  for (size_t i = 0; i < c.bufs.size(); i++) {
    const Buffer &b = c.bufs[i];
    const int dt = b.dtype;
    const size_t sz = lnp_dtype_size(dt);
    const char k = dt_kind(dt);
    const unsigned char *pc = &cpu[offs[i]], *pg = &gpu[offs[i]];
    if (!memcmp(pc, pg, b.init.size())) {
      stats.elems += b.written ? (long)b.nelem : 0;
      continue;
    }
    for (size_t j = 0; j < b.nelem; j++) {
      const unsigned char *x = pc + j * sz, *y = pg + j * sz;
      int r;
      if (!memcmp(x, y, sz)) r = 0;
      else if (k == 'h' || k == 'f') r = cmp_real(x, y, (int)sz, tol, 0, k == 'h' ? 1 : 4);
      else if (k == 'c') {
        const int h = (int)sz / 2;
        double mag;
        if (h == 4) {
          float p[2];
          memcpy(p, x, 8);
          mag = std::max(std::fabs((double)p[0]), std::fabs((double)p[1]));
        } else {
          double p[2];
          memcpy(p, x, 16);
          mag = std::max(std::fabs(p[0]), std::fabs(p[1]));
        }
        if (!std::isfinite(mag)) mag = 0;
        /* complex power: exp(b log a) amplifies log's last-bit difference by |b log a| */
        const int64_t ct = c.op == LNP_OP_POWER ? 256 : 8;
        r = std::max(cmp_real(x, y, h, tol, mag, ct), cmp_real(x + h, y + h, h, tol, mag, ct));
      } else {
        r = 2;
      }
      if (r == 1) {
        if (tol) stats.ulp_diffs++;
        else stats.nan_payload++;
      }
      if (r == 2) {
        bad_case = true;
        if (shown++ < 4) {
          fprintf(stderr, "MISMATCH %s: buffer %zu (%s) element %zu: cpu ", name.c_str(), i, lnp_dtype_name(dt), j);
          for (size_t q = sz; q-- > 0;) fprintf(stderr, "%02x", x[q]);
          fprintf(stderr, " gpu ");
          for (size_t q = sz; q-- > 0;) fprintf(stderr, "%02x", y[q]);
          fprintf(stderr, "\n");
        }
      }
    }
    stats.elems += b.written ? (long)b.nelem : 0;
  }
  if (bad_case) {
    describe(c);
    stats.bad++;
    g_failures++;
  }
}

/* ------------------------------------------------------------------------
 * Long contiguous float sums (k_pwtile, k_block's split reductions): finite
 * values over a wide range of magnitudes, so that any change of NumPy's
 * summation order shows in the bits (the random cases' infinities and NaNs
 * turn most long sums into NaN).  Run lengths around the shapes of NumPy's
 * tree (powers of two: 128-element leaves; 16 x 2^k + r rows: leaves of 16
 * and 17 rows; tails of n % 8), runs aligned to 16 bytes or not, one output
 * or a few (axis 1).
 * ------------------------------------------------------------------------ */
static void pw_value(int dt, unsigned char *out)
{
  const uint64_t r = rng();
  const char k = dt_kind(dt);
  const int span = k == 'h' ? 6 : k == 'f' && lnp_dtype_size(dt) == 4 ? 20 : 40;
  auto real = [&](uint64_t bits) { /* +-[1, 2) 2^e, e in [-span, span) (float16: [-2 span, 0), no inf sums) */
    const int e = (int)(bits % (uint64_t)(2 * span)) - (k == 'h' ? 2 * span : span);
    return std::ldexp(1.0 + (double)((bits >> 12) & ((1ull << 40) - 1)) * 0x1p-40, e) * ((bits >> 63) ? -1 : 1);
  };
  if (k == 'h') {
    const uint16_t h = f2h((float)real(r));
    memcpy(out, &h, 2);
  } else if (dt == LNP_FLOAT32) {
    const float f = (float)real(r);
    memcpy(out, &f, 4);
  } else if (dt == LNP_FLOAT64) {
    const double v = real(r);
    memcpy(out, &v, 8);
  } else if (dt == LNP_COMPLEX64) {
    const float p2[2] = {(float)real(r), (float)real(r * 0x9E3779B97F4A7C15ull + 1)};
    memcpy(out, p2, 8);
  } else {
    const double p2[2] = {real(r), real(r * 0x9E3779B97F4A7C15ull + 1)};
    memcpy(out, p2, 16);
  }
}

static void pairwise_cases(int count)
{
  const int dts[] = {LNP_FLOAT64, LNP_FLOAT32, LNP_FLOAT16, LNP_COMPLEX128, LNP_COMPLEX64};
  const long fail0 = g_failures;
  Case c;
  for (int i = 0; i < count; i++) {
    const int dt = dts[i % 5];
    const size_t sz = lnp_dtype_size(dt);
    int64_t n; /* reals */
    switch (irand(0, 4)) {
    case 0: n = (int64_t)1 << irand(10, 22); break;
    case 1: {
      const int k = (int)irand(6, 16);
      n = 8 * (16 * ((int64_t)1 << k) + irand(1, (int64_t)1 << (k - 1)));
      break;
    }
    case 2: n = irand(4096, 1 << 22); break;
    case 3: n = 8 * irand(512, 1 << 19); break;
    default: n = ((int64_t)1 << irand(12, 22)) + irand(-8, 8); break;
    }
    const int64_t rows = chance(0.7) ? 1 : irand(2, 6);
    if (rows > 1) n = std::min<int64_t>(n, 1 << 20);
    if (dt_kind(dt) == 'c') n = std::max<int64_t>(1, n / 2); /* elements */
    const int64_t mis = chance(0.3) ? irand(1, 3) : 0;      /* elements off the buffer's 256-byte start */
    c.op = LNP_OP_ADD;
    c.din = c.dout = dt;
    c.ndim = 2;
    c.nops = 3;
    memset(c.sc, 0, sizeof c.sc);
    memset(c.mult, 0, sizeof c.mult);
    c.pieces.clear();
    c.bufs.clear();
    char what[96];
    snprintf(what, sizeof what, "pairwise %" PRId64 " x %" PRId64 " +%" PRId64, rows, n, mis);
    c.what = what;
    for (int b = 0; b < 2; b++) {
      Buffer bf;
      bf.dtype = dt;
      bf.nelem = (size_t)(b == 0 ? rows : rows * n + mis);
      bf.written = b == 0;
      bf.init.resize(bf.nelem * sz);
      for (size_t j = 0; j < bf.nelem; j++) pw_value(dt, &bf.init[j * sz]);
      c.bufs.push_back(std::move(bf));
    }
    Piece pc;
    pc.shape = {rows, n};
    pc.origin = {0, 0};
    pc.ops.resize(3);
    pc.ops[0] = Operand{0, 0, {1, 0}};
    pc.ops[1] = pc.ops[0];
    pc.ops[2] = Operand{1, mis, {n, 1}};
    c.pieces.push_back(pc);
    run_case(c, 4);
    if (g_verbose) printf("  %s %s\n", lnp_dtype_name(dt), what);
  }
  printf("pairwise: %d long contiguous sums, %ld failed\n", count, g_failures - fail0);
}

/* ------------------------------------------------------------------------
 * Benchmarks: bandwidth of the kernels on one large tile (cudaEvent timing
 * over repeated launches; GB/s counts the bytes read and written once).
 * Each case is first checked bit for bit against the CPU kernel.
 *   kinds: elementwise a+b, full reduction (every dim reduced), axis-0 and
 *   axis-1 reductions of a 2-D tile, arg-reductions (full, index_mult).
 * ------------------------------------------------------------------------ */
enum BKind { BK_ADD, BK_FULL, BK_AXIS0, BK_AXIS1 };
struct BenchCase {
  const char *what;
  int op, dt;
  BKind kind;
  int64_t rows, cols;
};

static void bench_fill(std::vector<unsigned char> &h, int dt, size_t n)
{
  const size_t sz = lnp_dtype_size(dt);
  h.resize(n * sz);
  /* blocks of 2^20 elements, each its own generator: in parallel (2^28) */
  const size_t blk = (size_t)1 << 20, nblk = (n + blk - 1) / blk;
  auto fill = [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; b++) {
      std::mt19937_64 g(777 + b);
      for (size_t i = b * blk; i < std::min(n, (b + 1) * blk); i++) {
        const uint64_t r = g();
        const double u = (double)(r >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;
        if (dt == LNP_FLOAT64) memcpy(&h[i * 8], &u, 8);
        else if (dt == LNP_FLOAT32) {
          const float f = (float)u;
          memcpy(&h[i * 4], &f, 4);
        } else if (dt == LNP_INT64) {
          const int64_t v = (int64_t)(r % 2000001) - 1000000;
          memcpy(&h[i * 8], &v, 8);
        } else if (dt == LNP_INT32) {
          const int32_t v = (int32_t)(r % 2001) - 1000;
          memcpy(&h[i * 4], &v, 4);
        } else {
          memcpy(&h[i * sz], &r, sz);
        }
      }
    }
  };
  const size_t nt = std::min<size_t>(nblk, std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> ts;
  for (size_t t = 0; t < nt; t++) ts.emplace_back(fill, nblk * t / nt, nblk * (t + 1) / nt);
  for (auto &t : ts) t.join();
}

/* the median and the least of per-repetition times */
struct RepTimes {
  double med_us, best_us;
};
static RepTimes rep_times(std::vector<float> ms)
{
  std::sort(ms.begin(), ms.end());
  return RepTimes{1000.0 * ms[ms.size() / 2], 1000.0 * ms[0]};
}
/* run f() reps times, each between two events (as many as fit ~0.2 s, at
 * most max_reps, after one untimed run) */
template <class F> static RepTimes time_reps(F &&f, int max_reps)
{
  cudaEvent_t e0, e1;
  CK(cudaEventCreate(&e0));
  CK(cudaEventCreate(&e1));
  f();
  CK(cudaEventRecord(e0, g_stream));
  f();
  CK(cudaEventRecord(e1, g_stream));
  CK(cudaEventSynchronize(e1));
  float ms;
  CK(cudaEventElapsedTime(&ms, e0, e1));
  const int reps = std::max(3, std::min(max_reps, (int)(200.0 / std::max(ms, 1e-3f))));
  std::vector<cudaEvent_t> ev(reps + 1);
  for (auto &e : ev) CK(cudaEventCreate(&e));
  CK(cudaEventRecord(ev[0], g_stream));
  for (int r = 0; r < reps; r++) {
    f();
    CK(cudaEventRecord(ev[r + 1], g_stream));
  }
  CK(cudaEventSynchronize(ev[reps]));
  CK(cudaGetLastError());
  std::vector<float> t(reps);
  for (int r = 0; r < reps; r++) CK(cudaEventElapsedTime(&t[r], ev[r], ev[r + 1]));
  for (auto &e : ev) CK(cudaEventDestroy(e));
  CK(cudaEventDestroy(e0));
  CK(cudaEventDestroy(e1));
  return rep_times(t);
}

static void bench(int max_reps)
{
  const int64_t N = 1 << 24;
  const BenchCase bs[] = {
      {"add f64 2^24", LNP_OP_ADD, LNP_FLOAT64, BK_ADD, 1, N},
      {"add f32 2^24", LNP_OP_ADD, LNP_FLOAT32, BK_ADD, 1, N},
      {"sum f64 2^24 -> 1", LNP_OP_ADD, LNP_FLOAT64, BK_FULL, 4096, 4096},
      {"sum f32 2^24 -> 1", LNP_OP_ADD, LNP_FLOAT32, BK_FULL, 4096, 4096},
      {"sum f64 2^28 -> 1", LNP_OP_ADD, LNP_FLOAT64, BK_FULL, 16384, 16384}, /* 2 GiB, its own buffers */
      {"sum i64 2^24 -> 1", LNP_OP_ADD, LNP_INT64, BK_FULL, 4096, 4096},
      {"max f64 2^24 -> 1", LNP_OP_MAXIMUM, LNP_FLOAT64, BK_FULL, 4096, 4096},
      {"max f32 2^24 -> 1", LNP_OP_MAXIMUM, LNP_FLOAT32, BK_FULL, 4096, 4096},
      {"argmax f64 2^24 -> 1", LNP_OP_ARGMAX_ACC, LNP_FLOAT64, BK_FULL, 4096, 4096},
      {"argmax f32 2^24 -> 1", LNP_OP_ARGMAX_ACC, LNP_FLOAT32, BK_FULL, 4096, 4096},
      {"sum f64 4096x4096 axis 0", LNP_OP_ADD, LNP_FLOAT64, BK_AXIS0, 4096, 4096},
      {"sum f64 4096x4096 axis 1", LNP_OP_ADD, LNP_FLOAT64, BK_AXIS1, 4096, 4096},
      {"sum f32 4096x4096 axis 0", LNP_OP_ADD, LNP_FLOAT32, BK_AXIS0, 4096, 4096},
      {"sum f32 4096x4096 axis 1", LNP_OP_ADD, LNP_FLOAT32, BK_AXIS1, 4096, 4096},
      {"sum i64 4096x4096 axis 0", LNP_OP_ADD, LNP_INT64, BK_AXIS0, 4096, 4096},
      {"sum i64 4096x4096 axis 1", LNP_OP_ADD, LNP_INT64, BK_AXIS1, 4096, 4096},
      {"max f64 4096x4096 axis 1", LNP_OP_MAXIMUM, LNP_FLOAT64, BK_AXIS1, 4096, 4096},
      {"argmax f64 4096x4096 axis 1", LNP_OP_ARGMAX_ACC, LNP_FLOAT64, BK_AXIS1, 4096, 4096},
      {"sum f64 16x2^20 axis 1", LNP_OP_ADD, LNP_FLOAT64, BK_AXIS1, 16, 1 << 20},
      {"sum f64 256x65536 axis 1", LNP_OP_ADD, LNP_FLOAT64, BK_AXIS1, 256, 65536},
      {"sum f64 65536x256 axis 1", LNP_OP_ADD, LNP_FLOAT64, BK_AXIS1, 65536, 256},
      {"sum f64 16x2^20 axis 0", LNP_OP_ADD, LNP_FLOAT64, BK_AXIS0, 16, 1 << 20},
      {"max f32 64x2^18 axis 0", LNP_OP_MAXIMUM, LNP_FLOAT32, BK_AXIS0, 64, 1 << 18},
      {"argmax f64 4096x4096 axis 0", LNP_OP_ARGMAX_ACC, LNP_FLOAT64, BK_AXIS0, 4096, 4096},
      {"sum f64 2^20x16 axis 0", LNP_OP_ADD, LNP_FLOAT64, BK_AXIS0, 1 << 20, 16},
      {"sum i64 2^20x16 axis 0", LNP_OP_ADD, LNP_INT64, BK_AXIS0, 1 << 20, 16},
  };
  const char *only = getenv("LNP_BENCH_ONLY");
  const char *nc = getenv("LNP_BENCH_NOCHECK");
  const bool check = !(nc && atoi(nc) != 0);
  {
    const char *envs[] = {"LNP_CUDA_PW_TILE", "LNP_CUDA_PW_LOAD", "LNP_CUDA_TILE_UPS", "LNP_CUDA_TILE_MIN",
                          "LNP_CUDA_SPLIT_BPS", "LNP_CUDA_SPLIT_MIN"};
    printf("bench settings:");
    for (const char *e : envs) printf(" %s=%s", e, getenv(e) ? getenv(e) : "(default)");
    printf("\n");
  }
  void *dA0, *dB0, *dO0, *dI0;
  CK(cudaMalloc(&dA0, N * 8));
  CK(cudaMalloc(&dB0, N * 8));
  CK(cudaMalloc(&dO0, N * 8));
  CK(cudaMalloc(&dI0, N * 8));
  std::vector<unsigned char> hA, hB;
  for (const BenchCase &bc : bs) {
    if (only) { /* substrings, separated by commas */
      bool hit = false;
      for (const char *q = only; !hit && *q;) {
        const char *e = strchr(q, ',');
        const std::string sub(q, e ? (size_t)(e - q) : strlen(q));
        hit = !sub.empty() && strstr(bc.what, sub.c_str());
        q = e ? e + 1 : q + strlen(q);
      }
      if (!hit) continue;
    }
    const int dt = bc.dt, op = bc.op;
    const size_t sz = lnp_dtype_size(dt);
    const int64_t R = bc.rows, C = bc.cols, n = R * C;
    const bool arg = op_kinds[op] == 'R';
    const int nops = lnp_op_nops(op);
    const int64_t nout = bc.kind == BK_ADD ? n : bc.kind == BK_FULL ? 1 : bc.kind == BK_AXIS0 ? C : R;
    /* cases beyond the shared buffers get their own (input and output only) */
    const bool own = n > N;
    void *dA = dA0, *dB = dB0, *dO = dO0, *dI = dI0;
    if (own) {
      if (bc.kind != BK_FULL || arg) continue;
      CK(cudaMalloc(&dA, n * sz));
      CK(cudaMalloc(&dO, 256));
      dB = dI = nullptr;
    }
    bench_fill(hA, dt, (size_t)n);
    if (bc.kind == BK_ADD) bench_fill(hB, dt, (size_t)n);
    else hB.assign(8, 0);
    /* outputs start from the first elements of a (valid values, index 0) */
    std::vector<unsigned char> hO(hA.begin(), hA.begin() + nout * sz), hI(nout * 8, 0);
    CK(cudaMemcpy(dA, hA.data(), n * sz, cudaMemcpyHostToDevice));
    if (bc.kind == BK_ADD) CK(cudaMemcpy(dB, hB.data(), n * sz, cudaMemcpyHostToDevice));

    std::vector<unsigned char> raw(lnp_loop_desc_size(2, nops, 1), 0);
    lnp_loop_desc *d = (lnp_loop_desc *)raw.data();
    d->op = op;
    d->dtype_in = d->dtype_out = dt;
    d->ndim = 2;
    d->nops = nops;
    d->npieces = 1;
    d->nbuffers = 4;
    int64_t *w = lnp_loop_piece(d, 0);
    w[0] = R;
    w[1] = C;
    int64_t ost[2];
    switch (bc.kind) {
    case BK_ADD: ost[0] = C; ost[1] = 1; break;
    case BK_FULL: ost[0] = 0; ost[1] = 0; break;
    case BK_AXIS0: ost[0] = 0; ost[1] = 1; break;
    default: ost[0] = 1; ost[1] = 0; break;
    }
    auto set = [&](int k, int64_t buf, int64_t s0, int64_t s1) {
      int64_t *o = lnp_piece_operand(w, 2, k);
      o[0] = buf;
      o[1] = 0;
      o[2] = s0;
      o[3] = s1;
    };
    /* buffers: 0 = O (out values), 1 = A, 2 = B, 3 = I (arg indices) */
    if (arg) {
      set(0, 0, ost[0], ost[1]);
      set(1, 3, ost[0], ost[1]);
      set(2, 1, C, 1);
      d->index_mult[0] = ost[0] == 0 ? C : 0;
      d->index_mult[1] = ost[1] == 0 ? 1 : 0;
    } else if (bc.kind == BK_ADD) {
      set(0, 0, C, 1);
      set(1, 1, C, 1);
      set(2, 2, C, 1);
    } else {
      set(0, 0, ost[0], ost[1]);
      set(1, 0, ost[0], ost[1]);
      set(2, 1, C, 1);
    }
    void *dptr[4] = {dO, dA, dB, dI};
    /* check once against the CPU */
    std::vector<unsigned char> cO = hO, cI = hI;
    if (bc.kind == BK_ADD) cO.assign(n * sz, 0);
    CK(cudaMemcpy(dO, cO.data(), cO.size(), cudaMemcpyHostToDevice));
    if (dI) CK(cudaMemcpy(dI, cI.data(), cI.size(), cudaMemcpyHostToDevice));
    bool same = true;
    int rc = 0;
    if (check) {
      void *hptr[4] = {cO.data(), hA.data(), hB.data(), cI.data()};
      lnp_loop_execute(d, hptr, 16);
      rc = lnp_loop_cuda_launch(d, dptr, 4, g_stream);
      CK(cudaStreamSynchronize(g_stream));
      std::vector<unsigned char> gO(cO.size()), gI(cI.size());
      CK(cudaMemcpy(gO.data(), dO, gO.size(), cudaMemcpyDeviceToHost));
      if (dI) CK(cudaMemcpy(gI.data(), dI, gI.size(), cudaMemcpyDeviceToHost));
      same = rc == 0 && gO == cO && (!arg || gI == cI);
      if (!same) g_failures++;
    }
    const RepTimes t = time_reps([&] { lnp_loop_cuda_launch(d, dptr, 4, g_stream); }, max_reps);
    const double bytes = bc.kind == BK_ADD ? 3.0 * n * sz : (double)n * sz + (double)nout * sz * 2;
    printf("bench %-30s %9.1f us  %7.1f GB/s  (best %7.1f GB/s)  %s\n", bc.what, t.med_us, bytes / (t.med_us * 1e3),
           bytes / (t.best_us * 1e3), !check ? "unchecked" : same ? "bit-exact vs CPU" : "MISMATCH vs CPU");
    /* the ceiling of a full float sum: CUB's on the same data (its own
     * order, not NumPy's) */
    if (bc.kind == BK_FULL && op == LNP_OP_ADD && (dt == LNP_FLOAT64 || dt == LNP_FLOAT32)) {
      size_t tb = 0;
      void *tmp = nullptr, *dsum = nullptr;
      CK(cudaMalloc(&dsum, 16));
      auto cub_sum = [&](void *t, size_t &b) {
        if (dt == LNP_FLOAT64)
          return cub::DeviceReduce::Sum(t, b, (const double *)dA, (double *)dsum, (int)n, g_stream);
        return cub::DeviceReduce::Sum(t, b, (const float *)dA, (float *)dsum, (int)n, g_stream);
      };
      CK(cub_sum(nullptr, tb));
      CK(cudaMalloc(&tmp, tb));
      const RepTimes tc = time_reps([&] { CK(cub_sum(tmp, tb)); }, max_reps);
      const double cb = (double)n * sz;
      printf("bench %-30s %9.1f us  %7.1f GB/s  (best %7.1f GB/s)  ratio lnp/cub %.3f (best %.3f)\n",
             (std::string("cub ") + bc.what).c_str(), tc.med_us, cb / (tc.med_us * 1e3), cb / (tc.best_us * 1e3),
             tc.med_us / t.med_us, tc.best_us / t.best_us);
      CK(cudaFree(tmp));
      CK(cudaFree(dsum));
    }
    fflush(stdout);
    if (own) {
      CK(cudaFree(dA));
      CK(cudaFree(dO));
      std::vector<unsigned char>().swap(hA);
    }
  }
  CK(cudaFree(dA0));
  CK(cudaFree(dB0));
  CK(cudaFree(dO0));
  CK(cudaFree(dI0));
}

/* ------------------------------------------------------------------------
 * --probe: which operand the CPU kernels' fmax/fmin return for +0/-0 and
 * two NaNs, per code path (C leaves it to the implementation)
 * ------------------------------------------------------------------------ */
static void probe_fminmax()
{
  const int dts[3] = {LNP_FLOAT16, LNP_FLOAT32, LNP_FLOAT64};
  for (int op : {LNP_OP_FMAX, LNP_OP_FMIN})
    for (int dt : dts) {
      const size_t sz = lnp_dtype_size(dt);
      auto bits = [&](int k, bool second, unsigned char *o) { /* k: 0 +0, 1 -0, 2 NaN */
        uint64_t v = 0;
        if (k == 1) v = sz == 2 ? 0x8000 : sz == 4 ? 0x80000000u : 0x8000000000000000ULL;
        if (k == 2) v = sz == 2 ? (second ? 0x7e02 : 0x7e01) : sz == 4 ? (second ? 0x7fc00002u : 0x7fc00001u)
                                                   : (second ? 0x7ff8000000000002ULL : 0x7ff8000000000001ULL);
        memcpy(o, &v, sz);
      };
      const int pairs[3][2] = {{0, 1}, {1, 0}, {2, 2}};
      printf("probe %s %s:", op_names[op], lnp_dtype_name(dt));
      for (int path = 0; path < 3; path++) { /* contiguous, strided, fold of one element */
        printf(" %s[", path == 0 ? "contig" : path == 1 ? "strided" : "fold");
        for (auto &pr : pairs) {
          const int n = 16;
          std::vector<unsigned char> x(n * 2 * sz), y(n * 2 * sz), o(n * 2 * sz);
          for (int i = 0; i < 2 * n; i++) {
            bits(pr[0], false, &x[i * sz]);
            bits(pr[1], true, &y[i * sz]);
          }
          std::vector<unsigned char> raw(lnp_loop_desc_size(1, 3, 1));
          lnp_loop_desc *d = (lnp_loop_desc *)raw.data();
          d->op = op;
          d->dtype_in = d->dtype_out = dt;
          d->ndim = 1;
          d->nops = 3;
          d->npieces = 1;
          d->nbuffers = 3;
          int64_t *w = lnp_loop_piece(d, 0);
          w[0] = path == 2 ? 1 : n;
          const int64_t st = path == 1 ? 2 : 1;
          void *ptrs[3] = {o.data(), x.data(), y.data()};
          for (int k = 0; k < 3; k++) {
            int64_t *q = lnp_piece_operand(w, 1, k);
            q[0] = k;
            q[1] = 0;
            q[2] = st;
          }
          if (path == 2) { /* out = in1 */
            memcpy(o.data(), x.data(), sz);
            lnp_piece_operand(w, 1, 1)[0] = 0;
          }
          lnp_loop_execute(d, ptrs, 1);
          const bool isx = !memcmp(o.data(), x.data(), sz), isy = !memcmp(o.data(), y.data(), sz);
          printf(" %s", isx && isy ? "x=y" : isx ? "x" : isy ? "y" : "?");
        }
        printf(" ]");
      }
      printf("   (pairs: (+0,-0) (-0,+0) (NaN,NaN))\n");
    }
}

/* ------------------------------------------------------------------------ */
int main(int argc, char **argv)
{
  uint64_t seed = 12345;
  int cases = 12, big = 1, do_bench = 0, bench_only = 0, reps = 20, pw = 40, pw_only = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], nullptr, 0);
    else if (!strcmp(argv[i], "--cases") && i + 1 < argc) cases = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--big") && i + 1 < argc) big = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--pw") && i + 1 < argc) pw = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--pw-only")) pw_only = 1;
    else if (!strcmp(argv[i], "--bench")) do_bench = 1;
    else if (!strcmp(argv[i], "--bench-only")) do_bench = bench_only = 1;
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--probe")) {
      probe_fminmax();
      return 0;
    }
    else if (!strcmp(argv[i], "-v")) g_verbose = true;
    else {
      fprintf(stderr,
              "usage: %s [--seed N] [--cases K] [--big N] [--pw N] [--pw-only] [--bench] [--bench-only] [--reps N] "
              "[--probe] [-v]\n",
              argv[0]);
      return 2;
    }
  }
  rng.seed(seed);
  int dev;
  cudaDeviceProp prop;
  CK(cudaGetDevice(&dev));
  CK(cudaGetDeviceProperties(&prop, dev));
  CK(cudaStreamCreate(&g_stream));
  printf("device %s (sm_%d%d, %d SMs), seed %" PRIu64 ", %d cases per combination\n", prop.name, prop.major,
         prop.minor, prop.multiProcessorCount, seed, cases);
  if (lnp_loop_cuda_worker_init() != 0) {
    fprintf(stderr, "FAIL lnp_loop_cuda_worker_init\n");
    return 1;
  }
  if (bench_only) {
    bench(reps);
    return g_failures ? 1 : 0;
  }
  if (pw_only) {
    pairwise_cases(pw);
    return g_failures ? 1 : 0;
  }

  /* which combinations the CPU has and CUDA lacks */
  std::vector<std::array<int, 3>> combos;
  int missing = 0;
  for (int op = 0; op < LNP_NOPS; op++)
    for (int din = 0; din < LNP_NTYPES; din++)
      for (int dout = 0; dout < LNP_NTYPES; dout++) {
        if (!lnp_loop_supported(op, din, dout)) continue;
        if (op_kinds[op] == 'G' && din != dout) continue; /* din is ignored */
        std::vector<unsigned char> raw(lnp_loop_desc_size(1, lnp_op_nops(op), 0));
        lnp_loop_desc *d = (lnp_loop_desc *)raw.data();
        d->op = op;
        d->dtype_in = din;
        d->dtype_out = dout;
        d->ndim = 1;
        d->nops = lnp_op_nops(op);
        if (!lnp_loop_cuda_supported(d)) {
          /* by design on the CPU: complex arcsin/arccos/arctan (loop_cuda_kernels.cuh) */
          const bool expected =
              (op == LNP_OP_ARCSIN || op == LNP_OP_ARCCOS || op == LNP_OP_ARCTAN) && dt_kind(din) == 'c';
          printf("no CUDA kernel%s: %s %s->%s\n", expected ? " (expected)" : "", op_names[op], lnp_dtype_name(din),
                 lnp_dtype_name(dout));
          missing += !expected;
          continue;
        }
        combos.push_back({op, din, dout});
      }
  printf("%zu combinations with CUDA kernels, %d without\n", combos.size(), missing);

  /* random cases of every combination */
  Case c;
  for (auto &cb : combos)
    for (int i = 0; i < cases; i++) {
      make_case(c, cb[0], cb[1], cb[2], 0, 0);
      run_case(c, i % 3 == 0 ? 4 : 1);
    }
  /* large cases: long runs (block reductions, deep pairwise trees), big
   * elementwise pieces, many pieces */
  for (int rep = 0; rep < big; rep++) {
    for (auto &cb : combos) {
      const int op = cb[0];
      const bool foldable = fold_op(op, cb[1]) || op_kinds[op] == 'R';
      if (foldable) {
        const int64_t runs[] = {511, 512, 513, 1000, 4099, 33000, 262144, 1 << 20};
        const int64_t run = runs[irand(0, 7)];
        make_case(c, op, cb[1], cb[2], run, (int)irand(1, 2));
        run_case(c, 4);
      }
      if (rep == 0 && (op == LNP_OP_ADD || op == LNP_OP_COPY || op == LNP_OP_WHERE || op == LNP_OP_EYE)) {
        make_case(c, op, cb[1], cb[2], 0, 100); /* > one launch of pieces */
        run_case(c, 1);
      }
    }
  }

  pairwise_cases(pw);

  long total_cases = 0, ulp = 0, nanp = 0, bad_combos = 0;
  for (auto &kv : g_stats) {
    total_cases += kv.second.cases;
    ulp += kv.second.ulp_diffs;
    nanp += kv.second.nan_payload;
    if (kv.second.bad) {
      bad_combos++;
      printf("FAILED %-36s %ld of %ld cases\n", kv.first.c_str(), kv.second.bad, kv.second.cases);
    } else if (g_verbose || kv.second.ulp_diffs) {
      printf("ok     %-36s %ld cases, %ld elements, %ld within-tolerance ulp differences\n", kv.first.c_str(),
             kv.second.cases, kv.second.elems, kv.second.ulp_diffs);
    }
  }
  printf("%ld cases, %ld failed (%ld combinations), %ld launch errors; %ld elements within ulp tolerance "
         "(transcendental), %ld NaN payload differences\n",
         total_cases, g_failures, bad_combos, g_launch_errors, ulp, nanp);
  if (do_bench) bench(reps);
  return g_failures || missing ? 1 : 0;
}
