/* CPU kernel of the scan task (scan.h): inclusive scans along one loop
 * dimension, for the associative binary ops of the catalogue.
 *
 * Per (op, dtype) two inner functions are generated from the op table and
 * elem.h (as loop_cpu.c generates the loops), for the two layouts a piece
 * can have:
 *  - line: the scan dimension is the piece's fastest one (or the only one
 *    longer than 1): each line is scanned on its own, lines in parallel;
 *  - row: another dimension is faster: the scan walks rows, out[i, :] =
 *    op(out[i-1, :], in[i, :]) (vectorised along the row), and threads
 *    take separate lines or separate column ranges.
 * float and complex add/multiply lines are scanned in blocks whose partial
 * results are combined as a binary counter (the streaming form of pairwise
 * summation): element j is carry + (a tree of earlier blocks) + (its
 * block's prefix), so the rounding error grows like a pairwise sum's,
 * O(B + log n) ulps, not O(n) as in a sequential accumulation. */
#include <fenv.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_groups.h"

#include "loop_cpu.h"
#include "op_table.h"
#include "scan.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif

/* out: o (stride so bytes), in: a (sa), carry: c (NULL: none), n >= 1 */
typedef void (*lnp_scan_line_fn)(char *o, int64_t so, const char *a, int64_t sa, const char *c, int64_t n);
/* o[j] = op(p[j], a[j]) for j < m; p NULL: o[j] = a[j] */
typedef void (*lnp_scan_row_fn)(char *o, int64_t so, const char *p, int64_t sp, const char *a, int64_t sa,
                                int64_t m);

#define LNP_SCAN_AT(T, p, i, st) (*(T *)((p) + (i) * (st)))
#define LNP_SCAN_LD(T, p, i, st) (*(const T *)((p) + (i) * (st)))

/* the block of the cascade: one fold of the counter's entries per block */
#define LNP_SCAN_BLOCK 64

/* cascade only where rounding makes the order matter: float/complex add and
 * multiply (folds SUM and EXACT); integer, logical, bitwise and min/max
 * scans are exact in any order */
#define LNP_SCAN_FOLDC_SUM 1
#define LNP_SCAN_FOLDC_EXACT 1
#define LNP_SCAN_FOLDC_ROUND 0
#define LNP_SCAN_FOLDC_NONE 0
#define LNP_SCAN_KINDC_b 0
#define LNP_SCAN_KINDC_i 0
#define LNP_SCAN_KINDC_u 0
#define LNP_SCAN_KINDC_h 1
#define LNP_SCAN_KINDC_f 1
#define LNP_SCAN_KINDC_c 1

#define LNP_DEF_SCAN(OP, E, T, N, K, FOLD)                                                                  \
  static void lnp_scan_line_##OP##_##N(char *o, int64_t so, const char *a, int64_t sa, const char *c,       \
                                       int64_t n)                                                           \
  {                                                                                                         \
    typedef LNP_CT_##K(T) ct;                                                                               \
    if (!(LNP_SCAN_FOLDC_##FOLD && LNP_SCAN_KINDC_##K) || n <= 2 * LNP_SCAN_BLOCK) {                        \
      ct acc = LNP_LD_##K(LNP_SCAN_LD(T, a, 0, sa));                                                        \
      if (c) acc = LNP_RND_##K(LNP_ELEM(OP, K)(LNP_LD_##K(*(const T *)c), acc));                             \
      LNP_SCAN_AT(T, o, 0, so) = LNP_ST_##K(acc);                                                           \
      for (int64_t i = 1; i < n; i++) {                                                                     \
        acc = LNP_RND_##K(LNP_ELEM(OP, K)(acc, LNP_LD_##K(LNP_SCAN_LD(T, a, i, sa))));                      \
        LNP_SCAN_AT(T, o, i, so) = LNP_ST_##K(acc);                                                         \
      }                                                                                                     \
      return;                                                                                               \
    }                                                                                                       \
    /* the counter: entry k folds cnt[k] blocks, cnt strictly decreasing */                                \
    ct stack[64];                                                                                           \
    int64_t cnt[64];                                                                                        \
    int depth = 0;                                                                                          \
    for (int64_t b0 = 0; b0 < n; b0 += LNP_SCAN_BLOCK) {                                                    \
      const int64_t b1 = n - b0 < LNP_SCAN_BLOCK ? n : b0 + LNP_SCAN_BLOCK;                                 \
      int hb = c != NULL;                                                                                   \
      ct base = hb ? LNP_LD_##K(*(const T *)c) : LNP_LD_##K(LNP_SCAN_LD(T, a, 0, sa));                      \
      for (int k = 0; k < depth; k++) {                                                                     \
        base = hb ? LNP_RND_##K(LNP_ELEM(OP, K)(base, stack[k])) : stack[k];                                \
        hb = 1;                                                                                             \
      }                                                                                                     \
      ct loc = LNP_LD_##K(LNP_SCAN_LD(T, a, b0, sa));                                                       \
      LNP_SCAN_AT(T, o, b0, so) = LNP_ST_##K(hb ? LNP_ELEM(OP, K)(base, loc) : loc);                        \
      for (int64_t i = b0 + 1; i < b1; i++) {                                                               \
        loc = LNP_RND_##K(LNP_ELEM(OP, K)(loc, LNP_LD_##K(LNP_SCAN_LD(T, a, i, sa))));                      \
        LNP_SCAN_AT(T, o, i, so) = LNP_ST_##K(hb ? LNP_ELEM(OP, K)(base, loc) : loc);                       \
      }                                                                                                     \
      stack[depth] = loc;                                                                                   \
      cnt[depth++] = 1;                                                                                     \
      while (depth >= 2 && cnt[depth - 1] == cnt[depth - 2]) {                                              \
        stack[depth - 2] = LNP_RND_##K(LNP_ELEM(OP, K)(stack[depth - 2], stack[depth - 1]));                \
        cnt[depth - 2] *= 2;                                                                                \
        depth--;                                                                                            \
      }                                                                                                     \
    }                                                                                                       \
  }                                                                                                         \
  static void lnp_scan_row_##OP##_##N(char *o, int64_t so, const char *p, int64_t sp, const char *a,        \
                                      int64_t sa, int64_t m)                                                \
  {                                                                                                         \
    const int64_t st = (int64_t)sizeof(T);                                                                  \
    if (!p) {                                                                                               \
      for (int64_t j = 0; j < m; j++) LNP_SCAN_AT(T, o, j, so) = LNP_SCAN_LD(T, a, j, sa);                  \
    } else if (so == st && sp == st && sa == st) {                                                          \
      T *oo = (T *)o;                                                                                       \
      const T *pp = (const T *)p, *aa = (const T *)a;                                                       \
      for (int64_t j = 0; j < m; j++)                                                                       \
        oo[j] = LNP_ST_##K(LNP_ELEM(OP, K)(LNP_LD_##K(pp[j]), LNP_LD_##K(aa[j])));                          \
    } else {                                                                                                \
      for (int64_t j = 0; j < m; j++)                                                                       \
        LNP_SCAN_AT(T, o, j, so) = LNP_ST_##K(                                                              \
            LNP_ELEM(OP, K)(LNP_LD_##K(LNP_SCAN_LD(T, p, j, sp)), LNP_LD_##K(LNP_SCAN_LD(T, a, j, sa))));   \
    }                                                                                                       \
  }

/* Which ops scan (scan.h: LNP_SCAN_OP) and for which dtypes: predicates
 * (logical_and/or) only on bool, their accumulation dtype. */
#define LNP_SCAN_DTK_S(K) 1
#define LNP_SCAN_DTK_P(K) LNP_SCAN_ISBOOL_##K
#define LNP_SCAN_DTK_A(K) 0
#define LNP_SCAN_DTK_C(K) 0
#define LNP_SCAN_DTK_W(K) 0
#define LNP_SCAN_DTK_G(K) 0
#define LNP_SCAN_DTK_R(K) 0
#define LNP_SCAN_ISBOOL_b 1
#define LNP_SCAN_ISBOOL_i 0
#define LNP_SCAN_ISBOOL_u 0
#define LNP_SCAN_ISBOOL_h 0
#define LNP_SCAN_ISBOOL_f 0
#define LNP_SCAN_ISBOOL_c 0

#define LNP_SCAN_DTYPE_DEF(E, T, N, K, NAME, KIND, CPU, FOLD)                                               \
  LNP_IF(LNP_AND(LNP_IN_##CPU##_##K, LNP_SCAN_DTK_##KIND(K)))(LNP_DEF_SCAN(NAME, E, T, N, K, FOLD))
#define LNP_SCAN_OP_DEFS(NAME, UF, NIN, KIND, UNIT, CPU, GPU, FOLD, TREE, IDENT, UREDUCE, ...)              \
  LNP_IF(LNP_SCAN_OP(NIN, KIND, TREE, UREDUCE))(LNP_FOR_ALL_ARGS(LNP_SCAN_DTYPE_DEF, NAME, KIND, CPU, FOLD))
LNP_OP_TABLE(LNP_SCAN_OP_DEFS)

/* (the names pass one more macro level, as in the definitions: `bool` is
 * a macro that expands to _Bool on the way) */
#define LNP_SCAN_ENTRY(NAME, E, N) [LNP_OP_##NAME][E] = {lnp_scan_line_##NAME##_##N, lnp_scan_row_##NAME##_##N},
#define LNP_SCAN_DTYPE_ENTRY(E, T, N, K, NAME, KIND, CPU)                                                   \
  LNP_IF(LNP_AND(LNP_IN_##CPU##_##K, LNP_SCAN_DTK_##KIND(K)))(LNP_SCAN_ENTRY(NAME, E, N))
#define LNP_SCAN_OP_ENTRIES(NAME, UF, NIN, KIND, UNIT, CPU, GPU, FOLD, TREE, IDENT, UREDUCE, ...)           \
  LNP_IF(LNP_SCAN_OP(NIN, KIND, TREE, UREDUCE))(LNP_FOR_ALL_ARGS(LNP_SCAN_DTYPE_ENTRY, NAME, KIND, CPU))
static const struct {
  lnp_scan_line_fn line;
  lnp_scan_row_fn row;
} lnp_scan_table[LNP_NOPS][LNP_NTYPES] = {LNP_OP_TABLE(LNP_SCAN_OP_ENTRIES)};

int lnp_scan_supported(int op, int dtype)
{
  return op >= 0 && op < LNP_NOPS && dtype >= 0 && dtype < LNP_NTYPES && lnp_scan_table[op][dtype].line != NULL;
}

/* One piece, its dims reordered: the scan dim s, and the others; operand
 * byte strides per dim.  `carry` points at the carry element of the piece's
 * first line (stride cs per dim; 0 along s), or is NULL. */
typedef struct scan_piece {
  int nd;                       /* dims */
  int s;                        /* the scan dim */
  int64_t ext[LNP_MAXDIM];
  int64_t so[LNP_MAXDIM], sa[LNP_MAXDIM], sc[LNP_MAXDIM];
  char *o;
  const char *a, *c;
} scan_piece;

/* Pointers of the line/row with linear index `li` over the dims in
 * dims[0..nk) (row-major). */
static void scan_offsets(const scan_piece *P, const int *dims, int nk, int64_t li, char **o, const char **a,
                         const char **c)
{
  int64_t oo = 0, ao = 0, co = 0;
  for (int k = nk - 1; k >= 0; k--) {
    const int d = dims[k];
    const int64_t i = li % P->ext[d];
    li /= P->ext[d];
    oo += i * P->so[d];
    ao += i * P->sa[d];
    co += i * P->sc[d];
  }
  *o = P->o + oo;
  *a = P->a + ao;
  *c = P->c ? P->c + co : NULL;
}

static int64_t abs64(int64_t x) { return x < 0 ? -x : x; }

/* How a piece is walked: lines (r < 0: scan dim fastest) or rows along dim
 * r (cut into nchunk column ranges), over the other dims dims[0..nk). */
typedef struct scan_plan {
  const scan_piece *P;
  lnp_scan_line_fn line;
  lnp_scan_row_fn row;
  int r, nk;
  int dims[LNP_MAXDIM];
  int64_t nchunk;
} scan_plan;

/* work item w: a line, or a column range of a line of rows */
static void scan_work(const scan_plan *W, int64_t w)
{
  const scan_piece *P = W->P;
  const int s = P->s, r = W->r;
  const int64_t n = P->ext[s];
  char *o;
  const char *a, *c;
  scan_offsets(P, W->dims, W->nk, w / W->nchunk, &o, &a, &c);
  if (r < 0) {
    W->line(o, P->so[s], a, P->sa[s], c, n);
    return;
  }
  const int64_t m = P->ext[r], ch = w % W->nchunk;
  const int64_t j0 = m * ch / W->nchunk, j1 = m * (ch + 1) / W->nchunk;
  o += j0 * P->so[r];
  a += j0 * P->sa[r];
  if (c) c += j0 * P->sc[r];
  W->row(o, P->so[r], c, c ? P->sc[r] : 0, a, P->sa[r], j1 - j0);
  for (int64_t i = 1; i < n; i++)
    W->row(o + i * P->so[s], P->so[r], o + (i - 1) * P->so[s], P->so[r], a + i * P->sa[s], P->sa[r], j1 - j0);
}

/* Scan one piece with nthreads OpenMP threads; returns the floating-point
 * status they raised (when fpe). */
static unsigned scan_piece_run(const scan_piece *P, lnp_scan_line_fn line, lnp_scan_row_fn row, int nthreads,
                               int fpe)
{
  scan_plan W = {.P = P, .line = line, .row = row, .r = -1, .nk = 0, .nchunk = 1};
  const int s = P->s;
  const int64_t n = P->ext[s];
  /* the row dim: the other dim longer than 1 that is fastest in the output,
   * if it is faster than the scan dim */
  for (int d = 0; d < P->nd; d++)
    if (d != s && P->ext[d] > 1 && (W.r < 0 || abs64(P->so[d]) < abs64(P->so[W.r]))) W.r = d;
  if (W.r >= 0 && abs64(P->so[W.r]) > abs64(P->so[s])) W.r = -1;
  int64_t nlines = 1;
  for (int d = 0; d < P->nd; d++)
    if (d != s && d != W.r) {
      W.dims[W.nk++] = d;
      nlines *= P->ext[d];
    }
  const int64_t m = W.r < 0 ? 1 : P->ext[W.r];
  /* threads take lines, or column ranges of a single line of rows */
  if (W.r >= 0 && nlines == 1 && nthreads > 1 && m * n >= lnp_cpu_par_min(16384)) W.nchunk = m < nthreads ? m : nthreads;
  const int64_t nwork = nlines * W.nchunk;
  const int par = nthreads > 1 && nwork > 1 && nlines * m * n >= lnp_cpu_par_min(16384);
  unsigned fp = 0;
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads) if (par) reduction(| : fp)
#endif
  {
    if (fpe) feclearexcept(FE_ALL_EXCEPT);
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int64_t w = 0; w < nwork; w++) scan_work(&W, w);
    if (fpe) fp |= lnp_loop_fp_take_thread();
  }
  (void)par;
  return fp;
}

int lnp_scan_execute(const lnp_loop_desc *d, void *const *bufptrs, int nthreads)
{
  if (!d || d->op < 0 || d->op >= LNP_NOPS || d->dtype_in != d->dtype_out || !lnp_scan_supported(d->op, d->dtype_in))
    return -1;
  const int nd = d->ndim, nops = d->nops;
  const int64_t s = d->scalars[0].i64;
  if (nd < 1 || s < 0 || s >= nd || (nops != 2 && nops != 3)) return -1;
  const int64_t isz = (int64_t)lnp_dtype_size(d->dtype_in);
  /* NumPy's "overflow encountered in accumulate" (loop.h: fp slots) */
  const int fpe = lnp_op_get(d->op)->fpe;
  unsigned fp = 0;
  for (int p = 0; p < d->npieces; p++) {
    int64_t *w = lnp_loop_piece(d, p);
    int empty = 0;
    for (int k = 0; k < nd; k++) {
      if (w[k] < 0) return -1;
      empty |= w[k] == 0;
    }
    for (int k = 0; k < nops; k++) {
      const int64_t b = lnp_piece_operand(w, nd, k)[0];
      if (b < 0 || b >= d->nbuffers || (!empty && !bufptrs[b])) return -1;
    }
    if (empty) continue;
    scan_piece P;
    const int64_t *oo = lnp_piece_operand(w, nd, 0), *ao = lnp_piece_operand(w, nd, 1);
    P.nd = nd;
    P.s = (int)s;
    P.o = (char *)bufptrs[oo[0]] + oo[1] * isz;
    P.a = (const char *)bufptrs[ao[0]] + ao[1] * isz;
    for (int k = 0; k < nd; k++) {
      P.ext[k] = w[k];
      P.so[k] = oo[2 + k] * isz;
      P.sa[k] = ao[2 + k] * isz;
    }
    if (w[nd + s] > 0) {
      /* continues the scan of an earlier piece of this output tile: the
       * carry is the output element before it along the scan dim */
      P.c = P.o - P.so[s];
      memcpy(P.sc, P.so, sizeof P.sc);
    } else if (nops == 3) {
      const int64_t *co = lnp_piece_operand(w, nd, 2);
      P.c = (const char *)bufptrs[co[0]] + co[1] * isz;
      for (int k = 0; k < nd; k++) P.sc[k] = co[2 + k] * isz;
    } else {
      P.c = NULL;
      memset(P.sc, 0, sizeof P.sc);
    }
    P.sc[s] = 0;
    fp |= scan_piece_run(&P, lnp_scan_table[d->op][d->dtype_in].line, lnp_scan_table[d->op][d->dtype_in].row,
                         nthreads, fpe);
  }
  if (fp) lnp_loop_fp_record(d->fp_slot, fp);
  return 0;
}
