/* CPU kernels of the generic strided loop (loop.h).
 *
 * Two parts:
 *  1. typed inner loops, one per (op, dtype) pair that exists, generated from
 *     the op table (op_table.h: shape and dtype set of every op), the
 *     element operations of elem.h and the X-macro type lists of dtypes.h
 *     (never written per op or per dtype).  An inner loop
 *     walks the innermost loop dimension NumPy style:
 *       loop(char **args, n, byte_steps, desc, idx0, idx_step)
 *     with fast branches for the contiguous case, a broadcast scalar operand,
 *     in-place operation and accumulation into one element (reductions).
 *  2. the iterator: for each piece, operand base pointers, dimension
 *     simplification (drop size-1 dimensions, merge dimensions contiguous for
 *     all operands), the N-D walk, and the OpenMP split over a dimension along
 *     which the output is not accumulated. */
#include <fenv.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_groups.h"

#include "loop.h"
#include "loop_cpu.h"
#include "op_table.h"
#include "elem_random.h"

/* The inner loops are written for the vectorizer.  GCC's -O2 uses the
 * "very cheap" vectorizer cost model, which skips any loop whose trip count
 * is unknown (all of ours): ask for the -O3 behaviour here (a no-op at -O3). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif

#define LNP_MAXOPS 4 /* outputs + inputs of any op (WHERE, ARG*_COMBINE) */

typedef lnp_cpu_inner_fn lnp_inner_fn; /* loop.h */

#define LNP_LOOP_PARAMS                                                        \
  char **args, int64_t n, const int64_t *s, const lnp_loop_desc *d,           \
      int64_t idx0, int64_t idxs
#define LNP_UNUSED_PARAMS                                                      \
  (void)d;                                                                     \
  (void)idx0;                                                                  \
  (void)idxs;

/* Pointer to element i of a strided operand. */
#define LNP_AT(T, p, i, step) (*(T *)((p) + (i) * (step)))
#define LNP_CAT_LD(T, p, i, step) (*(const T *)((p) + (i) * (step)))

/* ========================================================================
 * Pairwise summation (NumPy's pairwise_sum: blocks of 128 with 8
 * accumulators), for the reduction of float add.  float16 sums in float.
 * ======================================================================== */
#define LNP_PW_BLOCK 128
#define LNP_DEF_PAIRWISE(E, T, N, K)                                           \
  static LNP_CT_##K(T) lnp_pairwise_##N(const char *a, int64_t n, int64_t st) \
  {                                                                            \
    typedef LNP_CT_##K(T) ct;                                                  \
    if (n < 8) {                                                               \
      ct res = 0;                                                              \
      for (int64_t i = 0; i < n; i++) res += LNP_LD_##K(LNP_CAT_LD(T, a, i, st)); \
      return res;                                                              \
    } else if (n <= LNP_PW_BLOCK) {                                            \
      ct r0, r1, r2, r3, r4, r5, r6, r7, res;                                  \
      int64_t i;                                                               \
      r0 = LNP_LD_##K(LNP_CAT_LD(T, a, 0, st));                                \
      r1 = LNP_LD_##K(LNP_CAT_LD(T, a, 1, st));                                \
      r2 = LNP_LD_##K(LNP_CAT_LD(T, a, 2, st));                                \
      r3 = LNP_LD_##K(LNP_CAT_LD(T, a, 3, st));                                \
      r4 = LNP_LD_##K(LNP_CAT_LD(T, a, 4, st));                                \
      r5 = LNP_LD_##K(LNP_CAT_LD(T, a, 5, st));                                \
      r6 = LNP_LD_##K(LNP_CAT_LD(T, a, 6, st));                                \
      r7 = LNP_LD_##K(LNP_CAT_LD(T, a, 7, st));                                \
      for (i = 8; i < n - (n % 8); i += 8) {                                   \
        r0 += LNP_LD_##K(LNP_CAT_LD(T, a, i + 0, st));                         \
        r1 += LNP_LD_##K(LNP_CAT_LD(T, a, i + 1, st));                         \
        r2 += LNP_LD_##K(LNP_CAT_LD(T, a, i + 2, st));                         \
        r3 += LNP_LD_##K(LNP_CAT_LD(T, a, i + 3, st));                         \
        r4 += LNP_LD_##K(LNP_CAT_LD(T, a, i + 4, st));                         \
        r5 += LNP_LD_##K(LNP_CAT_LD(T, a, i + 5, st));                         \
        r6 += LNP_LD_##K(LNP_CAT_LD(T, a, i + 6, st));                         \
        r7 += LNP_LD_##K(LNP_CAT_LD(T, a, i + 7, st));                         \
      }                                                                        \
      res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));                 \
      for (; i < n; i++) res += LNP_LD_##K(LNP_CAT_LD(T, a, i, st));           \
      return res;                                                              \
    } else {                                                                   \
      int64_t n2 = n / 2;                                                      \
      n2 -= n2 % 8;                                                            \
      return lnp_pairwise_##N(a, n2, st) + lnp_pairwise_##N(a + n2 * st, n - n2, st); \
    }                                                                          \
  }
LNP_FOR_FLOAT(LNP_DEF_PAIRWISE)
#undef LNP_DEF_PAIRWISE

/* Complex: NumPy sums real and imaginary parts pairwise, n counts reals and
 * st is half the element stride. */
#define LNP_DEF_CPAIRWISE(E, T, N, K)                                          \
  static void lnp_cpairwise_##N(lnp_rt_##N *rr, lnp_rt_##N *ri, const char *a, \
                                int64_t n, int64_t st)                         \
  {                                                                            \
    typedef lnp_rt_##N rt;                                                     \
    const size_t im = sizeof(rt);                                              \
    if (n < 8) {                                                               \
      rt sr = 0, si = 0;                                                       \
      for (int64_t i = 0; i < n; i += 2) {                                     \
        sr += *(const rt *)(a + i * st);                                       \
        si += *(const rt *)(a + i * st + im);                                  \
      }                                                                        \
      *rr = sr;                                                                \
      *ri = si;                                                                \
    } else if (n <= LNP_PW_BLOCK) {                                            \
      rt r[8];                                                                 \
      int64_t i;                                                               \
      for (int k = 0; k < 8; k += 2) {                                         \
        r[k] = *(const rt *)(a + k * st);                                      \
        r[k + 1] = *(const rt *)(a + k * st + im);                             \
      }                                                                        \
      for (i = 8; i < n - (n % 8); i += 8)                                     \
        for (int k = 0; k < 8; k += 2) {                                       \
          r[k] += *(const rt *)(a + (i + k) * st);                             \
          r[k + 1] += *(const rt *)(a + (i + k) * st + im);                    \
        }                                                                      \
      rt sr = ((r[0] + r[2]) + (r[4] + r[6]));                                 \
      rt si = ((r[1] + r[3]) + (r[5] + r[7]));                                 \
      for (; i < n; i += 2) {                                                  \
        sr += *(const rt *)(a + i * st);                                       \
        si += *(const rt *)(a + i * st + im);                                  \
      }                                                                        \
      *rr = sr;                                                                \
      *ri = si;                                                                \
    } else {                                                                   \
      rt rr1, ri1, rr2, ri2;                                                   \
      int64_t n2 = n / 2;                                                      \
      n2 -= n2 % 8;                                                            \
      lnp_cpairwise_##N(&rr1, &ri1, a, n2, st);                                \
      lnp_cpairwise_##N(&rr2, &ri2, a + n2 * st, n - n2, st);                  \
      *rr = rr1 + rr2;                                                         \
      *ri = ri1 + ri2;                                                         \
    }                                                                          \
  }
LNP_FOR_COMPLEX(LNP_DEF_CPAIRWISE)
#undef LNP_DEF_CPAIRWISE

/* ========================================================================
 * Inner-loop templates.  OP: op name, E/T/N/K: dtype (dtypes.h), OT: output
 * element type, STORE: compute value -> stored value.
 * ======================================================================== */
#define LNP_STORE_AS_IS(x) (x)

/* ---- unary: out = op(a) ---- */
#define LNP_UNARY_BODY(OP, T, N, K, STORE, AEXPR)                              \
  for (int64_t i = 0; i < n; i++) {                                            \
    ct x = LNP_LD_##K(AEXPR);                                                  \
    o[i] = STORE(LNP_ELEM(OP, K)(x));                                   \
  }
#define LNP_DEF_UNARY(OP, E, T, N, K, OT, STORE)                               \
  static void lnp_loop_##OP##_##N(LNP_LOOP_PARAMS)                             \
  {                                                                            \
    typedef LNP_CT_##K(T) ct;                                                  \
    LNP_UNUSED_PARAMS                                                          \
    char *po = args[0];                                                        \
    const char *pa = args[1];                                                  \
    const int64_t so = s[0], sa = s[1];                                        \
    if (so == (int64_t)sizeof(OT) && sa == (int64_t)sizeof(T)) {               \
      OT *o = (OT *)po;                                                        \
      if (po == pa) {                                                          \
        const T *a = (const T *)po;                                            \
        LNP_UNARY_BODY(OP, T, N, K, STORE, a[i])                               \
      } else {                                                                 \
        const T *a = (const T *)pa;                                            \
        LNP_UNARY_BODY(OP, T, N, K, STORE, a[i])                               \
      }                                                                        \
    } else {                                                                   \
      for (int64_t i = 0; i < n; i++) {                                        \
        ct x = LNP_LD_##K(LNP_CAT_LD(T, pa, i, sa));                           \
        LNP_AT(OT, po, i, so) = STORE(LNP_ELEM(OP, K)(x));              \
      }                                                                        \
    }                                                                          \
  }

/* ---- binary: out = op(a, b) ---- */
/* p does not point into the nbytes written from o (a broadcast input may be
 * read once only if the loop does not overwrite it) */
#define LNP_OUTSIDE(p, o, nbytes)                                              \
  ((uintptr_t)(p) < (uintptr_t)(o) || (uintptr_t)(p) >= (uintptr_t)(o) + (uintptr_t)(nbytes))
#define LNP_NORND(x) (x)
/* accumulation into one element: out and a are the same element (step 0).
 * A serial fold is one dependency chain (a compare and a select per
 * element for max/min); where the op's tree column says any evaluation
 * order gives the same bits (op_table.h) a contiguous run folds in
 * LNP_FOLD_LANES independent chains, combined in lane order.  For floats
 * the order still decides which of two equal zeros (+0, -0) or which NaN
 * comes out, so a run whose result is a zero or a NaN folds again in
 * order (LNP_LANES_SAFE). */
/* a cache line of lanes, at least 8: the compiler folds them as vectors */
#define LNP_FOLD_LANES(T) (sizeof(T) >= 8 ? 8 : 64 / (int)sizeof(T))
#define LNP_LANES_ANY_b 1
#define LNP_LANES_ANY_i 1
#define LNP_LANES_ANY_u 1
#define LNP_LANES_ANY_f 1
#define LNP_LANES_ANY_h 0
#define LNP_LANES_ANY_c 0
#define LNP_LANES_INTLIKE_b 1
#define LNP_LANES_INTLIKE_i 1
#define LNP_LANES_INTLIKE_u 1
#define LNP_LANES_INTLIKE_f 0
#define LNP_LANES_INTLIKE_h 0
#define LNP_LANES_INTLIKE_c 0
#define LNP_LANES_BOOL_b 1
#define LNP_LANES_BOOL_i 0
#define LNP_LANES_BOOL_u 0
#define LNP_LANES_BOOL_f 0
#define LNP_LANES_BOOL_h 0
#define LNP_LANES_BOOL_c 0
#define LNP_LANES_NO_b 0
#define LNP_LANES_NO_i 0
#define LNP_LANES_NO_u 0
#define LNP_LANES_NO_f 0
#define LNP_LANES_NO_h 0
#define LNP_LANES_NO_c 0
#define LNP_LANES_SAFE_b(x) 1
#define LNP_LANES_SAFE_i(x) 1
#define LNP_LANES_SAFE_u(x) 1
#define LNP_LANES_SAFE_f(x) ((x) != 0 && !LNP_ISNAN(x))
#define LNP_LANES_SAFE_h(x) 0
#define LNP_LANES_SAFE_c(x) 0
#define LNP_RED_LOOP(OP, T, N, K, RND, TREE)                                   \
  if (so == 0 && sa == 0 && po == pa) {                                        \
    ct acc = LNP_LD_##K(*(const T *)po);                                       \
    if (sb == st) {                                                            \
      const T *b = (const T *)pb;                                              \
      int64_t i = 0;                                                           \
      if (LNP_LANES_##TREE##_##K && n >= 4 * LNP_FOLD_LANES(T)) {                 \
        ct l[64];                                                              \
        for (int k = 0; k < LNP_FOLD_LANES(T); k++) l[k] = LNP_LD_##K(b[k]);      \
        for (i = LNP_FOLD_LANES(T); i + LNP_FOLD_LANES(T) <= n; i += LNP_FOLD_LANES(T)) \
          for (int k = 0; k < LNP_FOLD_LANES(T); k++)                             \
            l[k] = RND(LNP_ELEM(OP, K)(l[k], LNP_LD_##K(b[i + k])));           \
        ct folded = acc;                                                       \
        for (int k = 0; k < LNP_FOLD_LANES(T); k++)                               \
          folded = RND(LNP_ELEM(OP, K)(folded, l[k]));                         \
        if (LNP_LANES_SAFE_##K(folded))                                        \
          acc = folded;                                                        \
        else                                                                   \
          i = 0;                                                               \
      }                                                                        \
      for (; i < n; i++) {                                                     \
        ct y = LNP_LD_##K(b[i]);                                               \
        acc = RND(LNP_ELEM(OP, K)(acc, y));                                    \
      }                                                                        \
    } else {                                                                   \
      for (int64_t i = 0; i < n; i++) {                                        \
        ct y = LNP_LD_##K(LNP_CAT_LD(T, pb, i, sb));                           \
        acc = RND(LNP_ELEM(OP, K)(acc, y));                                    \
      }                                                                        \
    }                                                                          \
    *(T *)po = LNP_ST_##K(acc);                                                \
    return;                                                                    \
  }
/* float16 rounds after each step, except where NumPy accumulates in float */
#define LNP_RED_ROUND(OP, T, N, K, TREE) LNP_RED_LOOP(OP, T, N, K, LNP_RND_##K, TREE)
#define LNP_RED_EXACT(OP, T, N, K, TREE) LNP_RED_LOOP(OP, T, N, K, LNP_NORND, TREE)
#define LNP_RED_NONE(OP, T, N, K, TREE)
#define LNP_RED_PAIRWISE(OP, T, N, K, TREE)                                        \
  if (so == 0 && sa == 0 && po == pa) {                                        \
    ct acc = LNP_LD_##K(*(const T *)po);                                       \
    acc += lnp_pairwise_##N(pb, n, sb);                                        \
    *(T *)po = LNP_ST_##K(acc);                                                \
    return;                                                                    \
  }
#define LNP_RED_CPAIRWISE(OP, T, N, K, TREE)                                        \
  if (so == 0 && sa == 0 && po == pa) {                                        \
    lnp_rt_##N rr, ri;                                                         \
    lnp_cpairwise_##N(&rr, &ri, pb, 2 * n, sb / 2);                            \
    T acc = *(const T *)po;                                                    \
    *(T *)po = lnp_mk_##N(LNP_RE(acc) + rr, LNP_IM(acc) + ri);                 \
    return;                                                                    \
  }
#define LNP_RED_SUM_b LNP_RED_EXACT
#define LNP_RED_SUM_i LNP_RED_EXACT
#define LNP_RED_SUM_u LNP_RED_EXACT
#define LNP_RED_SUM_h LNP_RED_PAIRWISE
#define LNP_RED_SUM_f LNP_RED_PAIRWISE
#define LNP_RED_SUM_c LNP_RED_CPAIRWISE

#define LNP_BINARY_BODY(OP, T, N, K, STORE, XEXPR, YEXPR)                      \
  for (int64_t i = 0; i < n; i++) {                                            \
    ct x = XEXPR, y = YEXPR;                                                   \
    o[i] = STORE(LNP_ELEM(OP, K)(x, y));                                \
  }
#define LNP_DEF_BINARY(OP, E, T, N, K, OT, STORE, RED, TREE)                       \
  static void lnp_loop_##OP##_##N(LNP_LOOP_PARAMS)                             \
  {                                                                            \
    typedef LNP_CT_##K(T) ct;                                                  \
    LNP_UNUSED_PARAMS                                                          \
    char *po = args[0];                                                        \
    const char *pa = args[1], *pb = args[2];                                   \
    const int64_t so = s[0], sa = s[1], sb = s[2];                             \
    const int64_t st = (int64_t)sizeof(T), sot = (int64_t)sizeof(OT);          \
    (void)st;                                                                  \
    RED(OP, T, N, K, TREE)                                                     \
    if (so == sot && sa == st && sb == st) {                                   \
      OT *o = (OT *)po;                                                        \
      const T *b = (const T *)pb;                                              \
      if (po == pa) {                                                          \
        const T *a = (const T *)po;                                            \
        LNP_BINARY_BODY(OP, T, N, K, STORE, LNP_LD_##K(a[i]), LNP_LD_##K(b[i])) \
      } else {                                                                 \
        const T *a = (const T *)pa;                                            \
        LNP_BINARY_BODY(OP, T, N, K, STORE, LNP_LD_##K(a[i]), LNP_LD_##K(b[i])) \
      }                                                                        \
    } else if (so == sot && sa == st && sb == 0 && LNP_OUTSIDE(pb, po, n * sot)) { \
      OT *o = (OT *)po;                                                        \
      const ct yv = LNP_LD_##K(*(const T *)pb);                                \
      if (po == pa) {                                                          \
        const T *a = (const T *)po;                                            \
        LNP_BINARY_BODY(OP, T, N, K, STORE, LNP_LD_##K(a[i]), yv)              \
      } else {                                                                 \
        const T *a = (const T *)pa;                                            \
        LNP_BINARY_BODY(OP, T, N, K, STORE, LNP_LD_##K(a[i]), yv)              \
      }                                                                        \
    } else if (so == sot && sa == 0 && sb == st && LNP_OUTSIDE(pa, po, n * sot)) { \
      OT *o = (OT *)po;                                                        \
      const T *b = (const T *)pb;                                              \
      const ct xv = LNP_LD_##K(*(const T *)pa);                                \
      LNP_BINARY_BODY(OP, T, N, K, STORE, xv, LNP_LD_##K(b[i]))                \
    } else {                                                                   \
      for (int64_t i = 0; i < n; i++) {                                        \
        ct x = LNP_LD_##K(LNP_CAT_LD(T, pa, i, sa));                           \
        ct y = LNP_LD_##K(LNP_CAT_LD(T, pb, i, sb));                           \
        LNP_AT(OT, po, i, so) = STORE(LNP_ELEM(OP, K)(x, y));           \
      }                                                                        \
    }                                                                          \
  }

/* ---- where(cond, x, y) ---- */
#define LNP_DEF_WHERE(OP, E, T, N, K)                                          \
  static void lnp_loop_##OP##_##N(LNP_LOOP_PARAMS)                             \
  {                                                                            \
    LNP_UNUSED_PARAMS                                                          \
    char *po = args[0];                                                        \
    const char *pc = args[1], *px = args[2], *py = args[3];                    \
    const int64_t st = (int64_t)sizeof(T);                                     \
    if (s[0] == st && s[1] == (int64_t)sizeof(bool) && s[2] == st && s[3] == st) { \
      T *o = (T *)po;                                                          \
      const bool *c = (const bool *)pc;                                        \
      const T *x = (const T *)px, *y = (const T *)py;                          \
      for (int64_t i = 0; i < n; i++) o[i] = c[i] ? x[i] : y[i];               \
    } else {                                                                   \
      for (int64_t i = 0; i < n; i++)                                          \
        LNP_AT(T, po, i, s[0]) = LNP_CAT_LD(bool, pc, i, s[1])                 \
                                     ? LNP_CAT_LD(T, px, i, s[2])              \
                                     : LNP_CAT_LD(T, py, i, s[3]);             \
    }                                                                          \
  }

/* ---- generators (dispatched on dtype_out) ---- */
#define LNP_GEN_ARANGE(OP, T, N, K)                                                \
  const ct start = LNP_LD_##K(*(const T *)&d->scalars[0]);                     \
  const ct step = LNP_LD_##K(*(const T *)&d->scalars[1]);                      \
  for (int64_t i = 0; i < n; i++) {                                            \
    const int64_t idx = idx0 + i * idxs;                                       \
    LNP_AT(T, po, i, so) = LNP_ST_##K(LNP_ELEM(ARANGE, K)(start, step, idx)); \
  }
#define LNP_GEN_EYE(OP, T, N, K)                                                   \
  const int64_t diag = d->scalars[0].i64;                                      \
  for (int64_t i = 0; i < n; i++)                                              \
    LNP_AT(T, po, i, so) = LNP_ST_##K((ct)(idx0 + i * idxs == diag));
/* the others: elem.h's LNP_E_<OP>_<ek>(zero, scalars, idx) (op_table.h) */
#define LNP_GEN_SCALARS(OP, T, N, K)                                           \
  for (int64_t i = 0; i < n; i++)                                              \
    LNP_AT(T, po, i, so) = LNP_ST_##K((ct)LNP_ELEM(OP, K)((ct)0, d->scalars, idx0 + i * idxs));
#define LNP_GEN_BODY_1(OP) LNP_GEN_SCALARS
#define LNP_GEN_BODY_0(OP) LNP_GEN_##OP
#define LNP_GEN_BODY_(OP, S) LNP_GEN_BODY_##S(OP)
#define LNP_GEN_BODY(OP, S) LNP_GEN_BODY_(OP, S)
#define LNP_DEF_GEN(OP, E, T, N, K)                                            \
  static void lnp_loop_##OP##_##N(LNP_LOOP_PARAMS)                             \
  {                                                                            \
    typedef LNP_CT_##K(T) ct;                                                  \
    char *po = args[0];                                                        \
    const int64_t so = s[0];                                                   \
    LNP_GEN_BODY(OP, LNP_GEN_BY_SCALARS(OP))(OP, T, N, K)                      \
  }

/* ---- arg-reductions: (out_val, out_idx, in[, in_idx]) ----
 * ACC: the candidate index is base + sum_d (origin[d] + i[d]) * index_mult[d]
 * (base = scalars[0].i64, added by the iterator; 0 unless the launcher sets
 * it); COMBINE reads it from in_idx.  The value is stored as read (raw bits),
 * the comparison is done in the compute type. */
#define LNP_ARGIDX_ACC(i) (idx0 + (i) * idxs)
#define LNP_ARGIDX_COMBINE(i) LNP_CAT_LD(int64_t, args[3], i, s[3])
#define LNP_DEF_ARG(OP, E, T, N, K, IDX)                                       \
  static void lnp_loop_##OP##_##N(LNP_LOOP_PARAMS)                             \
  {                                                                            \
    typedef LNP_CT_##K(T) ct;                                                  \
    LNP_UNUSED_PARAMS                                                          \
    char *pv = args[0], *pi = args[1];                                         \
    const char *pa = args[2];                                                  \
    if (s[0] == 0 && s[1] == 0) {                                              \
      T mraw = *(const T *)pv;                                                 \
      ct m = LNP_LD_##K(mraw);                                                 \
      int64_t j = *(const int64_t *)pi;                                        \
      for (int64_t i = 0; i < n; i++) {                                        \
        const T vraw = LNP_CAT_LD(T, pa, i, s[2]);                             \
        const ct v = LNP_LD_##K(vraw);                                         \
        const int64_t k = IDX(i);                                              \
        if (LNP_ELEM(OP, K)(v, k, m, j)) {                    \
          mraw = vraw;                                                         \
          m = v;                                                               \
          j = k;                                                               \
        }                                                                      \
      }                                                                        \
      *(T *)pv = mraw;                                                         \
      *(int64_t *)pi = j;                                                      \
    } else {                                                                   \
      for (int64_t i = 0; i < n; i++) {                                        \
        T *mp = &LNP_AT(T, pv, i, s[0]);                                       \
        int64_t *jp = &LNP_AT(int64_t, pi, i, s[1]);                           \
        const T vraw = LNP_CAT_LD(T, pa, i, s[2]);                             \
        const ct v = LNP_LD_##K(vraw), m = LNP_LD_##K(*mp);                    \
        const int64_t k = IDX(i), j = *jp;                                     \
        if (LNP_ELEM(OP, K)(v, k, m, j)) {                    \
          *mp = vraw;                                                          \
          *jp = k;                                                             \
        }                                                                      \
      }                                                                        \
    }                                                                          \
  }

/* ========================================================================
 * Instantiation from the op table: for each op, each dtype of its CPU set
 * gets the template of the op's shape (kind and arity; a binary op's fold
 * chooses how it accumulates a run).  LNP_IN_<set>_<K> (dtypes.h) says
 * whether a dtype is in the set.
 * ======================================================================== */
#define LNP_RED_SUM(OP, T, N, K, TREE) LNP_RED_SUM_##K(OP, T, N, K, TREE)
#define LNP_FOLD_ROUND LNP_RED_ROUND
#define LNP_FOLD_EXACT LNP_RED_EXACT
#define LNP_FOLD_SUM LNP_RED_SUM
#define LNP_FOLD_NONE LNP_RED_NONE

#define LNP_SHAPE_S1(OP, E, T, N, K, FOLD, TREE) LNP_DEF_UNARY(OP, E, T, N, K, T, LNP_ST_##K)
#define LNP_SHAPE_A1(OP, E, T, N, K, FOLD, TREE) LNP_DEF_UNARY(OP, E, T, N, K, LNP_AT_##K(T), LNP_ST_##K)
#define LNP_SHAPE_P1(OP, E, T, N, K, FOLD, TREE) LNP_DEF_UNARY(OP, E, T, N, K, bool, LNP_STORE_AS_IS)
#define LNP_SHAPE_S2(OP, E, T, N, K, FOLD, TREE) LNP_DEF_BINARY(OP, E, T, N, K, T, LNP_ST_##K, LNP_FOLD_##FOLD, TREE)
#define LNP_SHAPE_P2(OP, E, T, N, K, FOLD, TREE) LNP_DEF_BINARY(OP, E, T, N, K, bool, LNP_STORE_AS_IS, LNP_RED_NONE, NO)
#define LNP_SHAPE_W3(OP, E, T, N, K, FOLD, TREE) LNP_DEF_WHERE(OP, E, T, N, K)
#define LNP_SHAPE_G0(OP, E, T, N, K, FOLD, TREE) LNP_DEF_GEN(OP, E, T, N, K)
#define LNP_SHAPE_R1(OP, E, T, N, K, FOLD, TREE) LNP_DEF_ARG(OP, E, T, N, K, LNP_ARGIDX_ACC)
#define LNP_SHAPE_R2(OP, E, T, N, K, FOLD, TREE) LNP_DEF_ARG(OP, E, T, N, K, LNP_ARGIDX_COMBINE)
#define LNP_SHAPE_C1(OP, E, T, N, K, FOLD, TREE) /* casts: below */

/* pass 1: the loops */
#define LNP_DEF_DTYPE_LOOP(E, T, N, K, NAME, NIN, KIND, CPU, FOLD, TREE)       \
  LNP_IF(LNP_IN_##CPU##_##K)(LNP_SHAPE_##KIND##NIN(NAME, E, T, N, K, FOLD, TREE))
#define LNP_DEF_OP_LOOPS(NAME, UF, NIN, KIND, UNIT, CPU, GPU, FOLD, TREE, ...) \
  LNP_FOR_ALL_ARGS(LNP_DEF_DTYPE_LOOP, NAME, NIN, KIND, CPU, FOLD, TREE)
LNP_OP_TABLE(LNP_DEF_OP_LOOPS)

/* pass 2: the table [op][dtype] (dtype_in; dtype_out for generators) */
#define LNP_ENTRY_S(NAME, E, N) [LNP_OP_##NAME][E] = lnp_loop_##NAME##_##N,
#define LNP_ENTRY_A LNP_ENTRY_S
#define LNP_ENTRY_P LNP_ENTRY_S
#define LNP_ENTRY_W LNP_ENTRY_S
#define LNP_ENTRY_G LNP_ENTRY_S
#define LNP_ENTRY_R LNP_ENTRY_S
#define LNP_ENTRY_C(NAME, E, N)
#define LNP_DTYPE_ENTRY(E, T, N, K, NAME, KIND, CPU) LNP_IF(LNP_IN_##CPU##_##K)(LNP_ENTRY_##KIND(NAME, E, N))
#define LNP_OP_ENTRIES(NAME, UF, NIN, KIND, UNIT, CPU, ...) LNP_FOR_ALL_ARGS(LNP_DTYPE_ENTRY, NAME, KIND, CPU)
static const lnp_inner_fn lnp_table[LNP_NOPS][LNP_NTYPES] = {LNP_OP_TABLE(LNP_OP_ENTRIES)};

/* ========================================================================
 * Casts (COPY): all 14 x 14 pairs with NumPy's conversions.  The source
 * value is first widened to a canonical value of its kind (int64, uint64,
 * float for float16, itself for floats and complex), which converts to any
 * destination exactly as the source would: integers wrap, float -> int is
 * the C cast, complex -> real takes the real part, anything -> bool is != 0,
 * X -> float16 goes through float (or double from float64, as NumPy).
 * One function per source dtype; it switches on dtype_out once per call.
 * ======================================================================== */
#define LNP_CANONT_b(T) int64_t
#define LNP_CANONT_i(T) int64_t
#define LNP_CANONT_u(T) uint64_t
#define LNP_CANONT_h(T) float
#define LNP_CANONT_f(T) T
#define LNP_CANONT_c(T) T
#define LNP_DEF_CANON(E, T, N, K)                                              \
  static inline LNP_CANONT_##K(T) lnp_canon_##N(T x)                          \
  {                                                                            \
    return (LNP_CANONT_##K(T))LNP_LD_##K(x);                                   \
  }
LNP_FOR_ALL(LNP_DEF_CANON)
#undef LNP_DEF_CANON

#define LNP_CONV_b(T2, c) ((c) != 0)
#define LNP_CONV_i(T2, c) ((T2)(c))
#define LNP_CONV_u(T2, c) ((T2)(c))
#define LNP_CONV_f(T2, c) ((T2)(c))
#define LNP_CONV_c(T2, c) ((T2)(c))
#define LNP_CONV_h(T2, c)                                                      \
  _Generic((c), double: lnp_d2h, float _Complex: lnp_c64_to_h,                \
           double _Complex: lnp_c128_to_h, default: lnp_f2h)(c)

/* The dtype list again inside a function generated from it: the classic
 * deferred expansion (the inner list expands on the outer LNP_EXPAND rescan). */
#define LNP_EMPTY()
#define LNP_DEFER(id) id LNP_EMPTY()
#define LNP_EXPAND(...) __VA_ARGS__
#define LNP_FOR_ALL_INDIRECT() LNP_FOR_ALL

#define LNP_CAST_CASE(E2, T2, N2, K2)                                          \
  case E2:                                                                     \
    if ((int)E2 == src_dtype) { /* same dtype: copy the bits */                \
      if (so == (int64_t)sizeof(T2) && sa == so) {                             \
        if (po != pa) memmove(po, pa, (size_t)n * sizeof(T2));                 \
      } else if (so == (int64_t)sizeof(T2) && sa == 0) { /* fill */            \
        T2 *o = (T2 *)po;                                                      \
        const T2 v = *(const T2 *)pa;                                          \
        for (int64_t i = 0; i < n; i++) o[i] = v;                              \
      } else {                                                                 \
        for (int64_t i = 0; i < n; i++)                                        \
          LNP_AT(T2, po, i, so) = LNP_CAT_LD(T2, pa, i, sa);                   \
      }                                                                        \
    } else if (so == (int64_t)sizeof(T2) && sa == st) {                        \
      T2 *o = (T2 *)po;                                                        \
      const lnp_src_t *a = (const lnp_src_t *)pa;                              \
      for (int64_t i = 0; i < n; i++) o[i] = LNP_CONV_##K2(T2, load(a[i]));    \
    } else if (so == (int64_t)sizeof(T2) && sa == 0) { /* fill */              \
      T2 *o = (T2 *)po;                                                        \
      const T2 v = LNP_CONV_##K2(T2, load(*(const lnp_src_t *)pa));            \
      for (int64_t i = 0; i < n; i++) o[i] = v;                                \
    } else {                                                                   \
      for (int64_t i = 0; i < n; i++)                                          \
        LNP_AT(T2, po, i, so) = LNP_CONV_##K2(T2, load(LNP_CAT_LD(lnp_src_t, pa, i, sa))); \
    }                                                                          \
    break;

#define LNP_DEF_CAST_FROM(E, T, N, K)                                          \
  static void lnp_cast_from_##N(LNP_LOOP_PARAMS)                               \
  {                                                                            \
    typedef T lnp_src_t;                                                       \
    const int src_dtype = (int)E;                                              \
    LNP_CANONT_##K(T) (*const load)(T) = lnp_canon_##N; /* inlined */          \
    LNP_UNUSED_PARAMS                                                          \
    char *po = args[0];                                                        \
    const char *pa = args[1];                                                  \
    const int64_t so = s[0], sa = s[1], st = (int64_t)sizeof(T);               \
    switch (d->dtype_out) {                                                    \
      LNP_DEFER(LNP_FOR_ALL_INDIRECT)()(LNP_CAST_CASE)                         \
    default:                                                                   \
      break;                                                                   \
    }                                                                          \
  }
LNP_EXPAND(LNP_FOR_ALL(LNP_DEF_CAST_FROM))
#undef LNP_DEF_CAST_FROM

#define LNP_CAST_ENTRY(E, T, N, K) [E] = lnp_cast_from_##N,
static const lnp_inner_fn lnp_cast_table[LNP_NTYPES] = {LNP_FOR_ALL(LNP_CAST_ENTRY)};
#undef LNP_CAST_ENTRY

/* ========================================================================
 * Selection
 * ======================================================================== */
static int lnp_real_of(int dt)
{
  return dt == LNP_COMPLEX64 ? LNP_FLOAT32 : dt == LNP_COMPLEX128 ? LNP_FLOAT64 : dt;
}

/* NumPy's inner loops registered for (op, dtype) (loop.h
 * lnp_loop_use_numpy); written at start-up before tasks run, read by
 * every worker */
typedef struct lnp_numpy_loop {
  lnp_numpy_loop_fn fn;
  void *data;
  int exact; /* our loop's values are the same: short runs keep ours */
} lnp_numpy_loop;
static lnp_numpy_loop lnp_numpy_loops[LNP_NOPS][LNP_NTYPES];

/* An S-kind op through NumPy's loop: its operand order (inputs, then the
 * output) and types.  A run of several elements accumulated into one (a
 * reduction) stays ours: NumPy's loops fold such runs in their own orders
 * (pairwise sums, the AVX-512 power's), which our reductions do not follow;
 * except the max/min family (exact, folding with rounding only for
 * float16: the fold's order decides nothing but which of two equal zeros
 * or which NaN comes out), whose NumPy folds are SIMD where ours is a
 * compare-and-select chain, and give NumPy's own zero and NaN. */
static int lnp_numpy_folds(const lnp_numpy_loop *l, int op, char *const *args, int64_t n, const int64_t *s)
{
  return l->exact && lnp_op_get(op)->fold == 'R' && s[1] == 0 && args[0] == args[1] &&
         n >= LNP_NUMPY_LOOP_MIN_RUN;
}

static void lnp_loop_via_numpy(LNP_LOOP_PARAMS)
{
  const lnp_numpy_loop *l = &lnp_numpy_loops[d->op][d->dtype_in];
  if ((s[0] == 0 && n > 1 && !lnp_numpy_folds(l, d->op, args, n, s)) ||
      (l->exact && n < LNP_NUMPY_LOOP_MIN_RUN)) {
    lnp_table[d->op][d->dtype_in](args, n, s, d, idx0, idxs);
    return;
  }
  const int nin = lnp_op_get(d->op)->nin;
  char *a[LNP_MAXOPS];
  intptr_t st[LNP_MAXOPS];
  for (int k = 0; k < nin; k++) {
    a[k] = args[1 + k];
    st[k] = (intptr_t)s[1 + k];
  }
  a[nin] = args[0];
  st[nin] = (intptr_t)s[0];
  const intptr_t dim = (intptr_t)n;
  l->fn(a, &dim, st, l->data);
}

int lnp_loop_use_numpy(int op, int dtype, lnp_numpy_loop_fn fn, void *data, int exact)
{
  const lnp_op_info *o = lnp_op_get(op);
  if (!o || o->kind != 'S' || dtype < 0 || dtype >= LNP_NTYPES || !lnp_table[op][dtype]) return -1;
  lnp_numpy_loops[op][dtype].data = data;
  lnp_numpy_loops[op][dtype].fn = fn;
  lnp_numpy_loops[op][dtype].exact = exact;
  return 0;
}

/* The inner loop for (op, dtypes), or NULL. */
static lnp_inner_fn lnp_select(int op, int din, int dout)
{
  const lnp_op_info *o = lnp_op_get(op);
  if (!o || dout < 0 || dout >= LNP_NTYPES) return NULL;
  if (o->kind == 'G') return lnp_table[op][dout];
  if (din < 0 || din >= LNP_NTYPES) return NULL;
  switch (o->kind) {
  case 'C': return lnp_cast_table[din];
  case 'P': return dout == LNP_BOOL ? lnp_table[op][din] : NULL;
  case 'A': return dout == lnp_real_of(din) ? lnp_table[op][din] : NULL;
  default:
    if (dout != din) return NULL;
    /* registered only where a loop of ours exists (lnp_loop_use_numpy) */
    return lnp_numpy_loops[op][din].fn ? lnp_loop_via_numpy : lnp_table[op][din];
  }
}

lnp_cpu_inner_fn lnp_loop_cpu_inner(int op, int dtype_in, int dtype_out)
{
  const lnp_op_info *o = lnp_op_get(op);
  if (!o || !o->kind || !strchr("SACPW", o->kind)) return NULL;
  return lnp_select(op, dtype_in, dtype_out);
}

int lnp_loop_supported(int op, int dtype_in, int dtype_out)
{
  return lnp_select(op, dtype_in, dtype_out) != NULL;
}

/* Element size of each operand. */
static void lnp_item_sizes(const lnp_loop_desc *d, int64_t *sz)
{
  const int64_t si = (int64_t)lnp_dtype_size(d->dtype_in);
  const int64_t so = (int64_t)lnp_dtype_size(d->dtype_out);
  for (int k = 0; k < LNP_MAXOPS; k++) sz[k] = si;
  switch (lnp_op_get(d->op)->kind) {
  case 'P': sz[0] = (int64_t)sizeof(bool); break;
  case 'W': sz[0] = so; sz[1] = (int64_t)sizeof(bool); break;
  case 'R':
    sz[0] = so;
    sz[1] = (int64_t)sizeof(int64_t);
    sz[3] = (int64_t)sizeof(int64_t);
    break;
  default: sz[0] = so; break;
  }
}

/* ========================================================================
 * The iterator
 * ======================================================================== */
/* Pieces smaller than this run on one thread. */
#define LNP_PAR_MIN_ELEMS 16384

typedef struct lnp_run {
  lnp_inner_fn fn;
  const lnp_loop_desc *d;
  int nd, nops;
  int64_t ext[LNP_MAXDIM];
  int64_t st[LNP_MAXDIM][LNP_MAXOPS]; /* byte strides, [dim][operand] */
  int64_t mult[LNP_MAXDIM];            /* index multipliers (G/R ops) */
  char *base[LNP_MAXOPS];
  int64_t idx0;
} lnp_run;

/* Walk the box, dimension p (if >= 0) restricted to [lo, hi). */
static void lnp_walk(const lnp_run *r, int p, int64_t lo, int64_t hi)
{
  const int nd = r->nd, nops = r->nops;
  char *ptr[LNP_MAXOPS];
  int64_t ext[LNP_MAXDIM], cnt[LNP_MAXDIM];
  int64_t idx = r->idx0;
  for (int k = 0; k < nops; k++) ptr[k] = r->base[k];
  if (nd == 0) {
    static const int64_t zero[LNP_MAXOPS] = {0};
    r->fn(ptr, 1, zero, r->d, idx, 0);
    return;
  }
  for (int dd = 0; dd < nd; dd++) {
    ext[dd] = r->ext[dd];
    cnt[dd] = 0;
  }
  if (p >= 0) {
    ext[p] = hi - lo;
    for (int k = 0; k < nops; k++) ptr[k] += lo * r->st[p][k];
    idx += lo * r->mult[p];
  }
  const int64_t n = ext[nd - 1];
  const int64_t *isteps = r->st[nd - 1];
  const int64_t istep = r->mult[nd - 1];
  for (;;) {
    r->fn(ptr, n, isteps, r->d, idx, istep);
    int dd = nd - 2;
    for (; dd >= 0; dd--) {
      if (++cnt[dd] < ext[dd]) {
        for (int k = 0; k < nops; k++) ptr[k] += r->st[dd][k];
        idx += r->mult[dd];
        break;
      }
      cnt[dd] = 0;
      for (int k = 0; k < nops; k++) ptr[k] -= r->st[dd][k] * (ext[dd] - 1);
      idx -= r->mult[dd] * (ext[dd] - 1);
    }
    if (dd < 0) return;
  }
}

/* Check the pieces before running anything. */
static int lnp_validate(const lnp_loop_desc *d, void *const *bufptrs, int nout)
{
  const int nd = d->ndim, nops = d->nops;
  for (int p = 0; p < d->npieces; p++) {
    int64_t *w = lnp_loop_piece(d, p);
    int empty = 0;
    for (int dd = 0; dd < nd; dd++) {
      if (w[dd] < 0) return -1;
      if (w[dd] == 0) empty = 1;
    }
    for (int k = 0; k < nops; k++) {
      const int64_t buf = lnp_piece_operand(w, nd, k)[0];
      if (buf >= 0) {
        if (buf >= d->nbuffers) return -1;
        if (!empty && (!bufptrs || !bufptrs[buf])) return -1;
      } else {
        const int64_t sc = -1 - buf;
        if (sc >= LNP_MAXSCALARS || k < nout) return -1;
      }
    }
  }
  return 0;
}

unsigned lnp_loop_fp_take_thread(void)
{
  const int fe = fetestexcept(FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INVALID);
  feclearexcept(FE_ALL_EXCEPT);
  return (fe & FE_DIVBYZERO ? LNP_FP_DIVIDE : 0u) | (fe & FE_OVERFLOW ? LNP_FP_OVERFLOW : 0u) |
         (fe & FE_UNDERFLOW ? LNP_FP_UNDERFLOW : 0u) | (fe & FE_INVALID ? LNP_FP_INVALID : 0u);
}

int lnp_loop_execute(const lnp_loop_desc *d, void *const *bufptrs, int nthreads)
{
  if (!d || d->op < 0 || d->op >= LNP_NOPS) return -1;
  lnp_inner_fn fn = lnp_select(d->op, d->dtype_in, d->dtype_out);
  if (!fn) return -1;
  const int op = d->op, nd0 = d->ndim, nops = d->nops;
  if (nd0 < 0 || nd0 > LNP_MAXDIM || nops != lnp_op_nops(op) || d->npieces < 0) return -1;
  const lnp_op_info *info = lnp_op_get(op);
  const int kind = info->kind, nout = info->nout;
  const int indexed = kind == 'G' || kind == 'R';
  if (lnp_validate(d, bufptrs, nout)) return -1;
  int64_t isz[LNP_MAXOPS];
  lnp_item_sizes(d, isz);
  /* status raised by earlier work of this thread is not this loop's */
  const int fpe = info->fpe;
  unsigned fp = 0;
  if (fpe) feclearexcept(FE_ALL_EXCEPT);

  for (int p = 0; p < d->npieces; p++) {
    int64_t *w = lnp_loop_piece(d, p);
    const int64_t *shape = w, *origin = w + nd0;
    int empty = 0;
    for (int dd = 0; dd < nd0; dd++) empty |= shape[dd] == 0;
    if (empty) continue;

    lnp_run r;
    r.fn = fn;
    r.d = d;
    r.nops = nops;
    r.nd = 0;
    /* ARG*_ACC: the launcher may pass a base index in scalars[0] (the index
     * of the piece's first element in the reduced space; 0 by default) */
    r.idx0 = (kind == 'R' && info->nin == 1) ? d->scalars[0].i64 : 0;
    for (int k = 0; k < nops; k++) {
      const int64_t *o = lnp_piece_operand(w, nd0, k);
      r.base[k] = o[0] >= 0 ? (char *)bufptrs[o[0]] + o[1] * isz[k]
                            : (char *)(uintptr_t)&d->scalars[-1 - o[0]];
    }
    for (int dd = 0; dd < nd0; dd++) {
      int64_t s[LNP_MAXOPS];
      for (int k = 0; k < nops; k++)
        s[k] = lnp_piece_operand(w, nd0, k)[2 + dd] * isz[k];
      if (indexed) {
        r.ext[r.nd] = shape[dd];
        r.mult[r.nd] = d->index_mult[dd];
        r.idx0 += origin[dd] * d->index_mult[dd];
        for (int k = 0; k < nops; k++) r.st[r.nd][k] = s[k];
        r.nd++;
        continue;
      }
      if (shape[dd] == 1) continue;
      int merge = r.nd > 0;
      for (int k = 0; merge && k < nops; k++)
        merge = r.st[r.nd - 1][k] == s[k] * shape[dd];
      if (merge) {
        r.ext[r.nd - 1] *= shape[dd];
        for (int k = 0; k < nops; k++) r.st[r.nd - 1][k] = s[k];
      } else {
        r.ext[r.nd] = shape[dd];
        r.mult[r.nd] = 0;
        for (int k = 0; k < nops; k++) r.st[r.nd][k] = s[k];
        r.nd++;
      }
    }

    /* parallel dimension: the outermost one along which every output moves
     * (never one along which an output accumulates); prefer one with at
     * least nthreads iterations. */
    int pdim = -1;
    if (nthreads > 1 && r.nd > 0) {
      int64_t total = 1;
      for (int dd = 0; dd < r.nd; dd++) total *= r.ext[dd];
      if (total >= lnp_cpu_par_min(LNP_PAR_MIN_ELEMS)) {
        for (int dd = 0; dd < r.nd; dd++) {
          int ok = 1;
          for (int k = 0; k < nout; k++) ok &= r.st[dd][k] != 0;
          if (!ok) continue;
          if (pdim < 0 || (r.ext[pdim] < nthreads && r.ext[dd] > r.ext[pdim])) pdim = dd;
          if (r.ext[pdim] >= nthreads) break;
        }
      }
    }
    if (pdim < 0) {
      lnp_walk(&r, -1, 0, 0);
      continue;
    }
    const int64_t e = r.ext[pdim];
    const int nchunks = e < nthreads ? (int)e : nthreads;
    const int inner = pdim == r.nd - 1;
    /* each OpenMP thread has its own status: collected per chunk (this
     * thread's, from earlier pieces, first: its chunk clears it) */
    if (fpe) fp |= lnp_loop_fp_take_thread();
#ifdef _OPENMP
#pragma omp parallel for num_threads(nthreads) schedule(static) reduction(| : fp)
#endif
    for (int c = 0; c < nchunks; c++) {
      int64_t lo = e * c / nchunks, hi = e * (c + 1) / nchunks;
      if (inner) { /* keep vector-friendly chunk boundaries */
        lo = c == 0 ? 0 : lo & ~(int64_t)63;
        hi = c == nchunks - 1 ? e : hi & ~(int64_t)63;
      }
      if (fpe) feclearexcept(FE_ALL_EXCEPT);
      if (hi > lo) lnp_walk(&r, pdim, lo, hi);
      if (fpe) fp |= lnp_loop_fp_take_thread();
    }
  }
  if (fpe) {
    fp |= lnp_loop_fp_take_thread();
    if (fp) lnp_loop_fp_record(d->fp_slot, fp);
  }
  return 0;
}
