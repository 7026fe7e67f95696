/* Test of the generic strided loop's CPU kernels (no StarPU runtime: linked
 * with the library for the op catalogue and the floating-point status).
 * Builds loop descriptors by hand and checks the results against values
 * computed here or taken from NumPy 1.24. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../codelets/loop.h"
#include "../../codelets/loop_cpu.h"
#include "../../codelets/codelets.h"

#include "check.h"

/* ---- descriptor building ---- */
typedef struct {
  int64_t buf, off, st[4];
} opd_t;
typedef struct {
  int64_t shape[4], origin[4];
  opd_t o[4];
} piece_t;

static lnp_loop_desc *build(int op, int din, int dout, int ndim, int npieces,
                            const piece_t *pc, int nbuffers)
{
  const int nops = lnp_op_nops(op);
  lnp_loop_desc *d = calloc(1, lnp_loop_desc_size(ndim, nops, npieces));
  d->op = op;
  d->dtype_in = din;
  d->dtype_out = dout;
  d->ndim = ndim;
  d->nops = nops;
  d->npieces = npieces;
  d->nbuffers = nbuffers;
  for (int p = 0; p < npieces; p++) {
    int64_t *w = lnp_loop_piece(d, p);
    for (int i = 0; i < ndim; i++) {
      w[i] = pc[p].shape[i];
      w[ndim + i] = pc[p].origin[i];
    }
    for (int k = 0; k < nops; k++) {
      int64_t *o = lnp_piece_operand(w, ndim, k);
      o[0] = pc[p].o[k].buf;
      o[1] = pc[p].o[k].off;
      for (int i = 0; i < ndim; i++) o[2 + i] = pc[p].o[k].st[i];
    }
  }
  return d;
}

/* A 1-D contiguous op over n elements, operand k in buffer k. */
static lnp_loop_desc *build1(int op, int din, int dout, int64_t n)
{
  const int nops = lnp_op_nops(op);
  piece_t pc;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = n;
  for (int k = 0; k < nops; k++) {
    pc.o[k].buf = k;
    pc.o[k].st[0] = 1;
  }
  return build(op, din, dout, 1, 1, &pc, nops);
}

static int run1(int op, int din, int dout, int64_t n, void **bufs, int nthreads)
{
  lnp_loop_desc *d = build1(op, din, dout, n);
  int rc = lnp_loop_execute(d, bufs, nthreads);
  free(d);
  return rc;
}

static int feq(double a, double b, double tol)
{
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  if (isinf(a) || isinf(b)) return a == b;
  return fabs(a - b) <= tol * (1.0 + fabs(b));
}

static int ceq(double complex a, double complex b, double tol)
{
  return feq(creal(a), creal(b), tol) && feq(cimag(a), cimag(b), tol);
}

/* ---- tests ---- */
static void test_meta(void)
{
  CHECK(strcmp(lnp_op_name(LNP_OP_ADD), "add") == 0, "name add");
  CHECK(strcmp(lnp_op_name(LNP_OP_TRUE_DIVIDE), "true_divide") == 0, "name %s", lnp_op_name(LNP_OP_TRUE_DIVIDE));
  CHECK(strcmp(lnp_op_name(LNP_OP_ARGMIN_COMBINE), "argmin_combine") == 0, "name");
  CHECK(lnp_op_nops(LNP_OP_ADD) == 3 && lnp_op_nops(LNP_OP_WHERE) == 4 &&
            lnp_op_nops(LNP_OP_ARANGE) == 1 && lnp_op_nops(LNP_OP_ARGMAX_ACC) == 3 &&
            lnp_op_nops(LNP_OP_ARGMAX_COMBINE) == 4 && lnp_op_nops(LNP_OP_SQRT) == 2,
        "nops");
  CHECK(!lnp_loop_supported(LNP_OP_SQRT, LNP_INT32, LNP_INT32), "sqrt int32 rejected");
  CHECK(!lnp_loop_supported(LNP_OP_BITWISE_AND, LNP_FLOAT64, LNP_FLOAT64), "bitwise_and f64 rejected");
  CHECK(!lnp_loop_supported(LNP_OP_TRUE_DIVIDE, LNP_INT64, LNP_INT64), "int true_divide rejected");
  CHECK(!lnp_loop_supported(LNP_OP_SIGN, LNP_COMPLEX128, LNP_COMPLEX128), "complex sign rejected");
  CHECK(!lnp_loop_supported(LNP_OP_FLOOR, LNP_COMPLEX64, LNP_COMPLEX64), "complex floor rejected");
  CHECK(!lnp_loop_supported(LNP_OP_LEFT_SHIFT, LNP_BOOL, LNP_BOOL), "bool shift rejected");
  CHECK(!lnp_loop_supported(LNP_OP_ADD, LNP_FLOAT32, LNP_FLOAT64), "S dtype mismatch rejected");
  CHECK(!lnp_loop_supported(LNP_OP_LESS, LNP_FLOAT32, LNP_FLOAT32), "P output must be bool");
  CHECK(lnp_loop_supported(LNP_OP_LESS, LNP_COMPLEX64, LNP_BOOL), "complex less");
  CHECK(lnp_loop_supported(LNP_OP_ADD, LNP_FLOAT16, LNP_FLOAT16), "half add");
  CHECK(lnp_loop_supported(LNP_OP_ABSOLUTE, LNP_COMPLEX64, LNP_FLOAT32), "abs c64->f32");
  CHECK(!lnp_loop_supported(LNP_OP_ABSOLUTE, LNP_COMPLEX64, LNP_COMPLEX64), "abs c64->c64 rejected");
  CHECK(lnp_loop_supported(LNP_OP_EYE, LNP_BOOL, LNP_COMPLEX128), "eye");
  CHECK(!lnp_loop_supported(LNP_NOPS, LNP_FLOAT64, LNP_FLOAT64) && !lnp_loop_supported(LNP_OP_ADD, 14, 14), "range");
  int all = 1;
  for (int a = 0; a < LNP_NTYPES; a++)
    for (int b = 0; b < LNP_NTYPES; b++) all &= lnp_loop_supported(LNP_OP_COPY, a, b);
  CHECK(all, "all 14x14 casts");
}

#define N1 37
static void test_arith(void)
{
  /* int32 / float64 / float32 add sub mul */
  int32_t ia[N1], ib[N1], io[N1];
  double da[N1], db[N1], dout[N1];
  float fa[N1], fb[N1], fo[N1];
  for (int i = 0; i < N1; i++) {
    ia[i] = i * 7 - 100;
    ib[i] = 3 - i;
    da[i] = i * 0.25 - 3;
    db[i] = 1.5 + i;
    fa[i] = (float)da[i];
    fb[i] = (float)db[i];
  }
  const int ops[3] = {LNP_OP_ADD, LNP_OP_SUBTRACT, LNP_OP_MULTIPLY};
  for (int t = 0; t < 3; t++) {
    void *b1[3] = {io, ia, ib}, *b2[3] = {dout, da, db}, *b3[3] = {fo, fa, fb};
    CHECK(run1(ops[t], LNP_INT32, LNP_INT32, N1, b1, 1) == 0, "rc");
    CHECK(run1(ops[t], LNP_FLOAT64, LNP_FLOAT64, N1, b2, 1) == 0, "rc");
    CHECK(run1(ops[t], LNP_FLOAT32, LNP_FLOAT32, N1, b3, 1) == 0, "rc");
    int ok = 1;
    for (int i = 0; i < N1; i++) {
      int32_t ei = t == 0 ? ia[i] + ib[i] : t == 1 ? ia[i] - ib[i] : ia[i] * ib[i];
      double ed = t == 0 ? da[i] + db[i] : t == 1 ? da[i] - db[i] : da[i] * db[i];
      float ef = t == 0 ? fa[i] + fb[i] : t == 1 ? fa[i] - fb[i] : fa[i] * fb[i];
      ok &= io[i] == ei && dout[i] == ed && fo[i] == ef;
    }
    CHECK(ok, "arith op %d", ops[t]);
  }
  /* int8 / uint8 wrap, int64 wrap */
  int8_t a8[4] = {127, -128, 100, -100}, b8[4] = {1, -1, 100, 50}, o8[4];
  void *bb[3] = {o8, a8, b8};
  run1(LNP_OP_ADD, LNP_INT8, LNP_INT8, 4, bb, 1);
  CHECK(o8[0] == -128 && o8[1] == 127 && o8[2] == -56 && o8[3] == -50, "int8 add wrap %d %d %d %d", o8[0], o8[1], o8[2], o8[3]);
  run1(LNP_OP_MULTIPLY, LNP_INT8, LNP_INT8, 4, bb, 1);
  CHECK(o8[0] == 127 && o8[1] == -128 && o8[2] == 16 && o8[3] == 120, "int8 mul wrap");
  int64_t a64[2] = {INT64_MAX, INT64_MIN}, b64[2] = {1, 2}, o64[2];
  void *b6[3] = {o64, a64, b64};
  run1(LNP_OP_ADD, LNP_INT64, LNP_INT64, 2, b6, 1);
  CHECK(o64[0] == INT64_MIN && o64[1] == INT64_MIN + 2, "int64 add wrap");
  run1(LNP_OP_MULTIPLY, LNP_INT64, LNP_INT64, 2, b6, 1);
  CHECK(o64[0] == INT64_MAX, "int64 mul");
  CHECK(o64[1] == 0, "int64 min*2 wraps to 0");
  uint16_t u16a[2] = {65535, 300}, u16b[2] = {65535, 300}, u16o[2];
  void *bu[3] = {u16o, u16a, u16b};
  run1(LNP_OP_MULTIPLY, LNP_UINT16, LNP_UINT16, 2, bu, 1);
  CHECK(u16o[0] == 1 && u16o[1] == (uint16_t)90000, "uint16 mul wrap");

  /* float16: computed in float, rounded per op */
  lnp_half ha[5], hb[5], ho[5];
  float hfa[5] = {1.0f, 0.1f, 65504.0f, -2.5f, 1e-4f}, hfb[5] = {2.0f, 0.2f, 65504.0f, 0.5f, 1e-4f};
  for (int i = 0; i < 5; i++) {
    ha[i] = lnp_f2h(hfa[i]);
    hb[i] = lnp_f2h(hfb[i]);
  }
  void *bh[3] = {ho, ha, hb};
  run1(LNP_OP_ADD, LNP_FLOAT16, LNP_FLOAT16, 5, bh, 1);
  int ok = 1;
  for (int i = 0; i < 5; i++) ok &= ho[i] == lnp_f2h(lnp_h2f(ha[i]) + lnp_h2f(hb[i]));
  CHECK(ok && ho[2] == 0x7c00 && lnp_h2f(ho[0]) == 3.0f, "half add");
  run1(LNP_OP_MULTIPLY, LNP_FLOAT16, LNP_FLOAT16, 5, bh, 1);
  ok = 1;
  for (int i = 0; i < 5; i++) ok &= ho[i] == lnp_f2h(lnp_h2f(ha[i]) * lnp_h2f(hb[i]));
  CHECK(ok, "half mul");

  /* complex */
  double complex ca[4] = {1 + 2 * I, lnp_cmplx(NAN, NAN), 3 - 1 * I, 2 + 5 * I};
  double complex cb[4] = {1 + 3 * I, 0, 3 - 2 * I, 1 - 1 * I};
  double complex co[4];
  void *bc[3] = {co, ca, cb};
  run1(LNP_OP_MULTIPLY, LNP_COMPLEX128, LNP_COMPLEX128, 4, bc, 1);
  CHECK(co[0] == -5 + 5 * I && isnan(creal(co[1])) && co[2] == 7 - 9 * I && co[3] == 7 + 3 * I, "c128 mul");
  run1(LNP_OP_TRUE_DIVIDE, LNP_COMPLEX128, LNP_COMPLEX128, 4, bc, 1);
  CHECK(ceq(co[0], 0.7 - 0.1 * I, 1e-15) && ceq(co[2], 0.84615385 + 0.23076923 * I, 1e-8) &&
            ceq(co[3], -1.5 + 3.5 * I, 1e-15),
        "c128 div");
  run1(LNP_OP_POWER, LNP_COMPLEX128, LNP_COMPLEX128, 4, bc, 1);
  CHECK(ceq(co[0], -0.07497353 - 0.02992043 * I, 1e-7) && co[1] == 1 &&
            ceq(co[2], -16.48393856 + 2.09212633 * I, 1e-8) && ceq(co[3], 15.59505086 - 8.38560261 * I, 1e-8),
        "c128 power");
  run1(LNP_OP_MAXIMUM, LNP_COMPLEX128, LNP_COMPLEX128, 4, bc, 1);
  CHECK(co[0] == cb[0] && isnan(creal(co[1])) && co[2] == ca[2] && co[3] == ca[3], "c128 maximum");
  bool lt[4];
  void *bl[3] = {lt, ca, cb};
  run1(LNP_OP_LESS, LNP_COMPLEX128, LNP_BOOL, 4, bl, 1);
  CHECK(lt[0] && !lt[1] && !lt[2] && !lt[3], "c128 less");
  float complex fa2[3] = {1 + 2 * I, 3 - 1 * I, 0.5f}, fb2[3] = {2 - 1 * I, 1, 0.25f * I}, fo2[3];
  void *bf[3] = {fo2, fa2, fb2};
  run1(LNP_OP_ADD, LNP_COMPLEX64, LNP_COMPLEX64, 3, bf, 1);
  CHECK(fo2[0] == 3 + 1 * I && fo2[1] == 4 - 1 * I && fo2[2] == 0.5f + 0.25f * I, "c64 add");
  run1(LNP_OP_SUBTRACT, LNP_COMPLEX64, LNP_COMPLEX64, 3, bf, 1);
  CHECK(fo2[0] == -1 + 3 * I && fo2[1] == 2 - 1 * I, "c64 sub");
  run1(LNP_OP_MULTIPLY, LNP_COMPLEX64, LNP_COMPLEX64, 3, bf, 1);
  CHECK(fo2[0] == 4 + 3 * I && fo2[1] == 3 - 1 * I && fo2[2] == 0.125f * I, "c64 mul");

  /* complex unary: NumPy values */
  double complex u1 = 1 + 1 * I, uo;
  void *bu1[2] = {&uo, &u1};
  run1(LNP_OP_LOG10, LNP_COMPLEX128, LNP_COMPLEX128, 1, bu1, 1);
  CHECK(ceq(uo, 0.150515 + 0.34109409 * I, 1e-6), "c log10");
  run1(LNP_OP_EXP2, LNP_COMPLEX128, LNP_COMPLEX128, 1, bu1, 1);
  CHECK(ceq(uo, 1.5384778 + 1.27792255 * I, 1e-7), "c exp2");
  run1(LNP_OP_LOG2, LNP_COMPLEX128, LNP_COMPLEX128, 1, bu1, 1);
  CHECK(ceq(uo, 0.5 + 1.13309004 * I, 1e-7), "c log2");
  run1(LNP_OP_SQRT, LNP_COMPLEX128, LNP_COMPLEX128, 1, bu1, 1);
  CHECK(ceq(uo, csqrt(u1), 1e-15), "c sqrt");
  double complex u2 = 3 + 4 * I;
  void *bu2[2] = {&uo, &u2};
  run1(LNP_OP_RECIPROCAL, LNP_COMPLEX128, LNP_COMPLEX128, 1, bu2, 1);
  CHECK(ceq(uo, 0.12 - 0.16 * I, 1e-15), "c reciprocal");
  run1(LNP_OP_CONJUGATE, LNP_COMPLEX128, LNP_COMPLEX128, 1, bu2, 1);
  CHECK(uo == 3 - 4 * I, "conj");
  float complex u3 = 3 + 4 * I;
  float ab;
  void *bu3[2] = {&ab, &u3};
  CHECK(run1(LNP_OP_ABSOLUTE, LNP_COMPLEX64, LNP_FLOAT32, 1, bu3, 1) == 0 && ab == 5.0f, "c64 abs");
  double complex p1 = 2 + 1 * I, p3 = 3, pm3 = -3, ph = 0.5;
  double complex pa[3] = {p1, p1, p1}, pb[3] = {p3, pm3, ph}, po[3];
  void *bp[3] = {po, pa, pb};
  run1(LNP_OP_POWER, LNP_COMPLEX128, LNP_COMPLEX128, 3, bp, 1);
  CHECK(po[0] == 2 + 11 * I && ceq(po[1], 0.016 - 0.088 * I, 1e-14) && ceq(po[2], 1.45534669 + 0.34356075 * I, 1e-8),
        "c power int exps");
}

static void test_unary(void)
{
  double x[6] = {-2.0, 0.0, -0.0, NAN, 3.0, INFINITY}, y[6];
  void *b[2] = {y, x};
  run1(LNP_OP_SIGN, LNP_FLOAT64, LNP_FLOAT64, 6, b, 1);
  CHECK(y[0] == -1 && y[1] == 0 && !signbit(y[2]) && isnan(y[3]) && y[4] == 1 && y[5] == 1, "sign f64");
  int16_t s16[3] = {-5, 0, 7}, so16[3];
  void *bs[2] = {so16, s16};
  run1(LNP_OP_SIGN, LNP_INT16, LNP_INT16, 3, bs, 1);
  CHECK(so16[0] == -1 && so16[1] == 0 && so16[2] == 1, "sign int16");
  int8_t m8[3] = {-128, -5, 5}, mo8[3];
  void *bm[2] = {mo8, m8};
  run1(LNP_OP_ABSOLUTE, LNP_INT8, LNP_INT8, 3, bm, 1);
  CHECK(mo8[0] == -128 && mo8[1] == 5 && mo8[2] == 5, "abs int8 min wraps");
  run1(LNP_OP_NEGATIVE, LNP_INT8, LNP_INT8, 3, bm, 1);
  CHECK(mo8[0] == -128 && mo8[1] == 5 && mo8[2] == -5, "neg int8");
  /* integer reciprocal as NumPy 1.24 on x86 */
  int64_t r64[4] = {0, 1, -1, 2}, ro64[4];
  int32_t r32[2] = {0, 3}, ro32[2];
  uint8_t ru8[3] = {0, 1, 2}, rou8[3];
  int8_t ri8[3] = {0, -1, 1}, roi8[3];
  void *br1[2] = {ro64, r64}, *br2[2] = {ro32, r32}, *br3[2] = {rou8, ru8}, *br4[2] = {roi8, ri8};
  run1(LNP_OP_RECIPROCAL, LNP_INT64, LNP_INT64, 4, br1, 1);
  run1(LNP_OP_RECIPROCAL, LNP_INT32, LNP_INT32, 2, br2, 1);
  run1(LNP_OP_RECIPROCAL, LNP_UINT8, LNP_UINT8, 3, br3, 1);
  run1(LNP_OP_RECIPROCAL, LNP_INT8, LNP_INT8, 3, br4, 1);
  CHECK(ro64[0] == INT64_MIN && ro64[1] == 1 && ro64[2] == -1 && ro64[3] == 0 && ro32[0] == INT32_MIN &&
            ro32[1] == 0 && rou8[0] == 0 && rou8[1] == 1 && rou8[2] == 0 && roi8[0] == 0 && roi8[1] == -1 && roi8[2] == 1,
        "int reciprocal");
  bool bv[3] = {true, false, true}, bo[3];
  void *bb[2] = {bo, bv};
  run1(LNP_OP_INVERT, LNP_BOOL, LNP_BOOL, 3, bb, 1);
  CHECK(!bo[0] && bo[1] && !bo[2], "invert bool");
  uint8_t iv = 0x0f, ivo;
  void *bi[2] = {&ivo, &iv};
  run1(LNP_OP_INVERT, LNP_UINT8, LNP_UINT8, 1, bi, 1);
  CHECK(ivo == 0xf0, "invert uint8");
  /* predicates */
  double pv[4] = {NAN, INFINITY, -0.0, 1.0};
  bool pn[4], pi[4], pf[4], ps[4];
  void *b1[2] = {pn, pv}, *b2[2] = {pi, pv}, *b3[2] = {pf, pv}, *b4[2] = {ps, pv};
  run1(LNP_OP_ISNAN, LNP_FLOAT64, LNP_BOOL, 4, b1, 1);
  run1(LNP_OP_ISINF, LNP_FLOAT64, LNP_BOOL, 4, b2, 1);
  run1(LNP_OP_ISFINITE, LNP_FLOAT64, LNP_BOOL, 4, b3, 1);
  run1(LNP_OP_SIGNBIT, LNP_FLOAT64, LNP_BOOL, 4, b4, 1);
  CHECK(pn[0] && !pn[1] && !pn[3] && pi[1] && !pi[0] && !pf[0] && !pf[1] && pf[2] && ps[2] && !ps[3], "float predicates");
  int32_t iv3[2] = {-3, 4};
  bool in_[2], ifi[2], isb[2];
  void *c1[2] = {in_, iv3}, *c2[2] = {ifi, iv3}, *c3[2] = {isb, iv3};
  run1(LNP_OP_ISNAN, LNP_INT32, LNP_BOOL, 2, c1, 1);
  run1(LNP_OP_ISFINITE, LNP_INT32, LNP_BOOL, 2, c2, 1);
  run1(LNP_OP_SIGNBIT, LNP_INT32, LNP_BOOL, 2, c3, 1);
  CHECK(!in_[0] && !in_[1] && ifi[0] && ifi[1] && isb[0] && !isb[1], "int predicates");
  /* float16 sqrt (float then rounded) */
  lnp_half h2 = lnp_f2h(2.0f), hs;
  void *bh[2] = {&hs, &h2};
  run1(LNP_OP_SQRT, LNP_FLOAT16, LNP_FLOAT16, 1, bh, 1);
  CHECK(hs == lnp_f2h(sqrtf(2.0f)), "half sqrt");
  float fx[3] = {-1.5f, 2.5f, 0.3f}, fy[3];
  void *bf[2] = {fy, fx};
  run1(LNP_OP_RINT, LNP_FLOAT32, LNP_FLOAT32, 3, bf, 1);
  CHECK(fy[0] == -2 && fy[1] == 2 && fy[2] == 0, "rint");
  run1(LNP_OP_FLOOR, LNP_FLOAT32, LNP_FLOAT32, 3, bf, 1);
  CHECK(fy[0] == -2 && fy[1] == 2 && fy[2] == 0, "floor");
  run1(LNP_OP_TRUNC, LNP_FLOAT32, LNP_FLOAT32, 3, bf, 1);
  CHECK(fy[0] == -1 && fy[1] == 2, "trunc");
}

static void test_divmod_pow_shift(void)
{
  int8_t a[6] = {7, -7, 7, -7, 0, -128}, b[6] = {2, 2, -2, -2, 0, -1}, o[6];
  void *bb[3] = {o, a, b};
  run1(LNP_OP_FLOOR_DIVIDE, LNP_INT8, LNP_INT8, 6, bb, 1);
  const int8_t efd[6] = {3, -4, -4, 3, 0, -128};
  CHECK(memcmp(o, efd, 6) == 0, "int8 floor_divide %d %d %d %d %d %d", o[0], o[1], o[2], o[3], o[4], o[5]);
  int8_t a2[6] = {7, -7, 7, -7, 5, -128};
  void *bb2[3] = {o, a2, b};
  run1(LNP_OP_REMAINDER, LNP_INT8, LNP_INT8, 6, bb2, 1);
  const int8_t erm[6] = {1, 1, -1, -1, 0, 0};
  CHECK(memcmp(o, erm, 6) == 0, "int8 remainder %d %d %d %d %d %d", o[0], o[1], o[2], o[3], o[4], o[5]);
  int64_t la[3] = {INT64_MIN, INT64_MIN, 9}, lb[3] = {-1, 0, 0}, lo[3];
  void *lbuf[3] = {lo, la, lb};
  run1(LNP_OP_FLOOR_DIVIDE, LNP_INT64, LNP_INT64, 3, lbuf, 1);
  CHECK(lo[0] == INT64_MIN && lo[1] == 0 && lo[2] == 0, "int64 floor_divide edge");
  run1(LNP_OP_REMAINDER, LNP_INT64, LNP_INT64, 3, lbuf, 1);
  CHECK(lo[0] == 0 && lo[1] == 0 && lo[2] == 0, "int64 remainder edge");
  uint32_t ua[2] = {7, 7}, ub[2] = {2, 0}, uo[2];
  void *ubuf[3] = {uo, ua, ub};
  run1(LNP_OP_FLOOR_DIVIDE, LNP_UINT32, LNP_UINT32, 2, ubuf, 1);
  CHECK(uo[0] == 3 && uo[1] == 0, "uint fd");

  double fa[9] = {7, -7, 7, -7, 1, -1, 0, INFINITY, 5}, fb[9] = {2, 2, -2, -2, 0, 0, 0, 2, INFINITY}, fo[9];
  void *fbuf[3] = {fo, fa, fb};
  run1(LNP_OP_FLOOR_DIVIDE, LNP_FLOAT64, LNP_FLOAT64, 9, fbuf, 1);
  const double efd2[9] = {3, -4, -4, 3, INFINITY, -INFINITY, NAN, NAN, 0};
  int ok = 1;
  for (int i = 0; i < 9; i++) ok &= feq(fo[i], efd2[i], 0);
  CHECK(ok, "float floor_divide");
  double ra[11] = {7, -7, 7, -7, 1, -1, 0, INFINITY, 5, -5, -0.0};
  double rb[11] = {2, 2, -2, -2, 0, 0, 0, 2, INFINITY, INFINITY, 3}, ro[11];
  void *rbuf[3] = {ro, ra, rb};
  run1(LNP_OP_REMAINDER, LNP_FLOAT64, LNP_FLOAT64, 11, rbuf, 1);
  const double erm2[11] = {1, 1, -1, -1, NAN, NAN, NAN, NAN, 5, INFINITY, 0};
  ok = 1;
  for (int i = 0; i < 11; i++) ok &= feq(ro[i], erm2[i], 0);
  CHECK(ok && !signbit(ro[10]), "float remainder");
  lnp_half ha = lnp_f2h(-7.0f), hb = lnp_f2h(2.0f), ho;
  void *hbuf[3] = {&ho, &ha, &hb};
  run1(LNP_OP_FLOOR_DIVIDE, LNP_FLOAT16, LNP_FLOAT16, 1, hbuf, 1);
  CHECK(lnp_h2f(ho) == -4.0f, "half floor_divide");
  run1(LNP_OP_REMAINDER, LNP_FLOAT16, LNP_FLOAT16, 1, hbuf, 1);
  CHECK(lnp_h2f(ho) == 1.0f, "half remainder");

  int64_t pa[6] = {2, -1, 1, 0, 2, 3}, pb[6] = {10, 3, 2, 1, 0, 40}, po[6];
  void *pbuf[3] = {po, pa, pb};
  run1(LNP_OP_POWER, LNP_INT64, LNP_INT64, 6, pbuf, 1);
  CHECK(po[0] == 1024 && po[1] == -1 && po[2] == 1 && po[3] == 0 && po[4] == 1 && po[5] == (int64_t)12157665459056928801ULL,
        "int64 power");
  int64_t nb[4] = {-1, -3, -2, -1}, na[4] = {2, -1, -1, 1};
  void *nbuf[3] = {po, na, nb};
  run1(LNP_OP_POWER, LNP_INT64, LNP_INT64, 4, nbuf, 1);
  CHECK(po[0] == 0 && po[1] == -1 && po[2] == 1 && po[3] == 1, "int negative power");
  int8_t p8a = 3, p8b = 5, p8o;
  void *p8[3] = {&p8o, &p8a, &p8b};
  run1(LNP_OP_POWER, LNP_INT8, LNP_INT8, 1, p8, 1);
  CHECK(p8o == -13, "int8 power wraps");

  int8_t sa[3] = {1, 1, -1}, sb[3] = {7, 8, 100}, so[3];
  void *sbuf[3] = {so, sa, sb};
  run1(LNP_OP_LEFT_SHIFT, LNP_INT8, LNP_INT8, 3, sbuf, 1);
  CHECK(so[0] == -128 && so[1] == 0 && so[2] == 0, "left_shift");
  int8_t ra8[3] = {-5, 5, -1}, rb8[3] = {8, 8, -1};
  void *rsb[3] = {so, ra8, rb8};
  run1(LNP_OP_RIGHT_SHIFT, LNP_INT8, LNP_INT8, 3, rsb, 1);
  CHECK(so[0] == -1 && so[1] == 0 && so[2] == -1, "right_shift");
  uint64_t u1 = 1, u64 = 64, uo64;
  void *ubs[3] = {&uo64, &u1, &u64};
  run1(LNP_OP_LEFT_SHIFT, LNP_UINT64, LNP_UINT64, 1, ubs, 1);
  CHECK(uo64 == 0, "uint64 shift 64");
  int32_t x1 = -8, x2 = 1, xo;
  void *xb[3] = {&xo, &x1, &x2};
  run1(LNP_OP_RIGHT_SHIFT, LNP_INT32, LNP_INT32, 1, xb, 1);
  CHECK(xo == -4, "arith right shift");
}

static void test_minmax_logic(void)
{
  double a[4] = {1, NAN, 3, NAN}, b[4] = {2, 1, NAN, NAN}, o[4];
  void *bb[3] = {o, a, b};
  run1(LNP_OP_MAXIMUM, LNP_FLOAT64, LNP_FLOAT64, 4, bb, 1);
  CHECK(o[0] == 2 && isnan(o[1]) && isnan(o[2]) && isnan(o[3]), "maximum NaN");
  run1(LNP_OP_MINIMUM, LNP_FLOAT64, LNP_FLOAT64, 4, bb, 1);
  CHECK(o[0] == 1 && isnan(o[1]) && isnan(o[2]) && isnan(o[3]), "minimum NaN");
  run1(LNP_OP_FMAX, LNP_FLOAT64, LNP_FLOAT64, 4, bb, 1);
  CHECK(o[0] == 2 && o[1] == 1 && o[2] == 3 && isnan(o[3]), "fmax");
  run1(LNP_OP_FMIN, LNP_FLOAT64, LNP_FLOAT64, 4, bb, 1);
  CHECK(o[0] == 1 && o[1] == 1 && o[2] == 3 && isnan(o[3]), "fmin");
  /* max reduction propagates NaN */
  float r[5] = {1, NAN, 7, 2, 3}, acc = -INFINITY;
  piece_t pc;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 5;
  pc.o[0] = (opd_t){0, 0, {0}};
  pc.o[1] = (opd_t){0, 0, {0}};
  pc.o[2] = (opd_t){1, 0, {1}};
  lnp_loop_desc *d = build(LNP_OP_MAXIMUM, LNP_FLOAT32, LNP_FLOAT32, 1, 1, &pc, 2);
  void *rb[2] = {&acc, r};
  lnp_loop_execute(d, rb, 1);
  CHECK(isnan(acc), "max reduce NaN");
  free(d);
  int16_t la[4] = {0, 3, 0, -2}, lb[4] = {0, 0, 5, 1};
  bool l1[4], l2[4], l3[4];
  void *c1[3] = {l1, la, lb}, *c2[3] = {l2, la, lb}, *c3[3] = {l3, la, lb};
  run1(LNP_OP_LOGICAL_AND, LNP_INT16, LNP_BOOL, 4, c1, 1);
  run1(LNP_OP_LOGICAL_OR, LNP_INT16, LNP_BOOL, 4, c2, 1);
  run1(LNP_OP_LOGICAL_XOR, LNP_INT16, LNP_BOOL, 4, c3, 1);
  CHECK(!l1[0] && !l1[1] && !l1[2] && l1[3] && !l2[0] && l2[1] && l2[2] && l2[3] && !l3[0] && l3[1] && l3[2] && !l3[3],
        "logical");
  bool ba[2] = {true, false}, bbv[2] = {true, true}, bo[2];
  void *bx[3] = {bo, ba, bbv};
  run1(LNP_OP_ADD, LNP_BOOL, LNP_BOOL, 2, bx, 1);
  CHECK(bo[0] && bo[1], "bool add = or");
  run1(LNP_OP_MULTIPLY, LNP_BOOL, LNP_BOOL, 2, bx, 1);
  CHECK(bo[0] && !bo[1], "bool mul = and");
  run1(LNP_OP_BITWISE_XOR, LNP_BOOL, LNP_BOOL, 2, bx, 1);
  CHECK(!bo[0] && bo[1], "bool xor");
  lnp_half h1 = lnp_f2h(1.5f), h2 = lnp_f2h(NAN);
  lnp_half hx[2] = {h1, h2}, hy[2] = {h2, h1};
  bool hl[2];
  void *hb[3] = {hl, hx, hy};
  run1(LNP_OP_LESS_EQUAL, LNP_FLOAT16, LNP_BOOL, 2, hb, 1);
  CHECK(!hl[0] && !hl[1], "half compare NaN");
}

static void test_strides_scalar_pieces(void)
{
  /* 2-D (3,4): out = a + b, a reversed in both dims, b a broadcast row */
  double a[12], b[4], o[12];
  for (int i = 0; i < 12; i++) a[i] = i;
  for (int j = 0; j < 4; j++) b[j] = 100 * (j + 1);
  piece_t pc;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 3;
  pc.shape[1] = 4;
  pc.o[0] = (opd_t){0, 0, {4, 1}};
  pc.o[1] = (opd_t){1, 11, {-4, -1}};
  pc.o[2] = (opd_t){2, 0, {0, 1}};
  lnp_loop_desc *d = build(LNP_OP_ADD, LNP_FLOAT64, LNP_FLOAT64, 2, 1, &pc, 3);
  void *bufs[3] = {o, a, b};
  CHECK(lnp_loop_execute(d, bufs, 1) == 0, "rc");
  int ok = 1;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++) ok &= o[i * 4 + j] == a[11 - (i * 4 + j)] + b[j];
  CHECK(ok, "negative strides + broadcast");
  free(d);

  /* scalar operand: out = a * 2.5 (scalar 0), and 2.5 - a (scalar first) */
  pc.shape[0] = 12;
  pc.shape[1] = 1;
  pc.o[0] = (opd_t){0, 0, {1, 0}};
  pc.o[1] = (opd_t){1, 0, {1, 0}};
  pc.o[2] = (opd_t){LNP_BUF_SCALAR(0), 0, {0, 0}};
  d = build(LNP_OP_MULTIPLY, LNP_FLOAT64, LNP_FLOAT64, 2, 1, &pc, 2);
  d->scalars[0].f64 = 2.5;
  CHECK(lnp_loop_execute(d, bufs, 1) == 0, "rc");
  ok = 1;
  for (int i = 0; i < 12; i++) ok &= o[i] == a[i] * 2.5;
  CHECK(ok, "scalar operand");
  free(d);
  pc.o[1] = (opd_t){LNP_BUF_SCALAR(1), 0, {0, 0}};
  pc.o[2] = (opd_t){1, 0, {1, 0}};
  d = build(LNP_OP_SUBTRACT, LNP_FLOAT64, LNP_FLOAT64, 2, 1, &pc, 2);
  d->scalars[1].f64 = 2.5;
  lnp_loop_execute(d, bufs, 1);
  ok = 1;
  for (int i = 0; i < 12; i++) ok &= o[i] == 2.5 - a[i];
  CHECK(ok, "scalar first operand");
  /* a scalar output is rejected */
  pc.o[0] = (opd_t){LNP_BUF_SCALAR(0), 0, {0, 0}};
  lnp_loop_desc *bad = build(LNP_OP_SUBTRACT, LNP_FLOAT64, LNP_FLOAT64, 2, 1, &pc, 2);
  CHECK(lnp_loop_execute(bad, bufs, 1) == -1, "scalar output rejected");
  free(bad);
  free(d);

  /* in place: out is in1 (same buffer), out is in2, unary in place */
  float ip[40], iq[40];
  for (int i = 0; i < 40; i++) ip[i] = (float)i, iq[i] = 0.5f * (float)i;
  void *bip[2] = {ip, iq};
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 40;
  pc.o[0] = (opd_t){0, 0, {1}};
  pc.o[1] = (opd_t){0, 0, {1}};
  pc.o[2] = (opd_t){1, 0, {1}};
  d = build(LNP_OP_SUBTRACT, LNP_FLOAT32, LNP_FLOAT32, 1, 1, &pc, 2);
  lnp_loop_execute(d, bip, 1);
  free(d);
  pc.o[1] = (opd_t){1, 0, {1}};
  pc.o[2] = (opd_t){0, 0, {1}};
  d = build(LNP_OP_SUBTRACT, LNP_FLOAT32, LNP_FLOAT32, 1, 1, &pc, 2);
  lnp_loop_execute(d, bip, 1); /* ip = iq - ip = 0.5i - 0.5i = 0 ... */
  free(d);
  ok = 1;
  for (int i = 0; i < 40; i++) ok &= ip[i] == 0.0f;
  CHECK(ok, "in-place out=in1 and out=in2");
  for (int i = 0; i < 40; i++) iq[i] = (float)(i * i);
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 40;
  pc.o[0] = (opd_t){1, 0, {1}};
  pc.o[1] = (opd_t){1, 0, {1}};
  d = build(LNP_OP_SQRT, LNP_FLOAT32, LNP_FLOAT32, 1, 1, &pc, 2);
  lnp_loop_execute(d, bip, 1);
  free(d);
  ok = 1;
  for (int i = 0; i < 40; i++) ok &= iq[i] == (float)i;
  CHECK(ok, "unary in place");

  /* multi-piece: out tile (6) = x tile A (4 elems) ++ x tile B (2 elems), + 1 */
  int32_t ta[4] = {1, 2, 3, 4}, tb[2] = {5, 6}, out[6];
  piece_t pcs[3];
  memset(pcs, 0, sizeof pcs);
  pcs[0].shape[0] = 4;
  pcs[0].o[0] = (opd_t){0, 0, {1}};
  pcs[0].o[1] = (opd_t){1, 0, {1}};
  pcs[0].o[2] = (opd_t){LNP_BUF_SCALAR(0), 0, {0}};
  pcs[1].shape[0] = 2;
  pcs[1].o[0] = (opd_t){0, 4, {1}};
  pcs[1].o[1] = (opd_t){2, 0, {1}};
  pcs[1].o[2] = (opd_t){LNP_BUF_SCALAR(0), 0, {0}};
  pcs[2].shape[0] = 0; /* empty piece */
  pcs[2].o[0] = (opd_t){0, 0, {1}};
  pcs[2].o[1] = (opd_t){1, 0, {1}};
  pcs[2].o[2] = (opd_t){1, 0, {1}};
  d = build(LNP_OP_ADD, LNP_INT32, LNP_INT32, 1, 3, pcs, 3);
  d->scalars[0].i32 = 1;
  void *tbufs[3] = {out, ta, tb};
  CHECK(lnp_loop_execute(d, tbufs, 1) == 0, "rc");
  CHECK(out[0] == 2 && out[3] == 5 && out[4] == 6 && out[5] == 7, "multi-piece");
  free(d);

  /* invalid buffer index */
  pcs[0].o[1].buf = 7;
  d = build(LNP_OP_ADD, LNP_INT32, LNP_INT32, 1, 1, pcs, 3);
  CHECK(lnp_loop_execute(d, tbufs, 1) == -1, "bad buffer rejected");
  free(d);

  /* ndim 0: one element */
  piece_t p0;
  memset(&p0, 0, sizeof p0);
  p0.o[0] = (opd_t){0, 2, {0}};
  p0.o[1] = (opd_t){1, 1, {0}};
  p0.o[2] = (opd_t){2, 0, {0}};
  d = build(LNP_OP_MULTIPLY, LNP_INT32, LNP_INT32, 0, 1, &p0, 3);
  out[2] = 0;
  lnp_loop_execute(d, tbufs, 1);
  CHECK(out[2] == ta[1] * tb[0], "ndim 0");
  free(d);

  /* unsupported combination returns -1 */
  d = build(LNP_OP_SQRT, LNP_INT32, LNP_INT32, 0, 1, &p0, 3);
  CHECK(lnp_loop_execute(d, tbufs, 1) == -1, "unsupported -> -1");
  free(d);
}

static void test_casts(void)
{
  double dv[5] = {1.7, -1.7, -0.5, 3e9, -3e9};
  int32_t iv[5];
  void *b1[2] = {iv, dv};
  CHECK(run1(LNP_OP_COPY, LNP_FLOAT64, LNP_INT32, 5, b1, 1) == 0, "rc");
  CHECK(iv[0] == 1 && iv[1] == -1 && iv[2] == 0 && iv[3] == INT32_MIN && iv[4] == INT32_MIN, "f64->i32");
  int16_t sv[4] = {0, 3, -1, 256};
  bool bv[4];
  void *b2[2] = {bv, sv};
  run1(LNP_OP_COPY, LNP_INT16, LNP_BOOL, 4, b2, 1);
  CHECK(!bv[0] && bv[1] && bv[2] && bv[3], "int->bool");
  double complex cv[2] = {3 - 4 * I, -1.5 + 2 * I};
  float fv[2];
  void *b3[2] = {fv, cv};
  run1(LNP_OP_COPY, LNP_COMPLEX128, LNP_FLOAT32, 2, b3, 1);
  CHECK(fv[0] == 3.0f && fv[1] == -1.5f, "complex->float");
  double complex cz[2] = {0 + 1 * I, 0};
  bool cb[2];
  void *b3b[2] = {cb, cz};
  run1(LNP_OP_COPY, LNP_COMPLEX128, LNP_BOOL, 2, b3b, 1);
  CHECK(cb[0] && !cb[1], "complex->bool");
  /* float64 -> float16 and float32 -> float16 (NumPy bits) */
  double hv[10] = {0.1, 1.0 / 3, 65519.0, 65520.0, 1e-8, 5.96e-8, -2.5, 2049.0, 2051.0, 3e-5};
  const lnp_half eh[10] = {0x2e66, 0x3555, 0x7bff, 0x7c00, 0x0, 0x1, 0xc100, 0x6800, 0x6802, 0x1f7};
  lnp_half hd[10], hf[10];
  float f32[10], back[10];
  for (int i = 0; i < 10; i++) f32[i] = (float)hv[i];
  void *b4[2] = {hd, hv}, *b5[2] = {hf, f32}, *b6[2] = {back, hd};
  run1(LNP_OP_COPY, LNP_FLOAT64, LNP_FLOAT16, 10, b4, 1);
  run1(LNP_OP_COPY, LNP_FLOAT32, LNP_FLOAT16, 10, b5, 1);
  run1(LNP_OP_COPY, LNP_FLOAT16, LNP_FLOAT32, 10, b6, 1);
  CHECK(memcmp(hd, eh, sizeof eh) == 0, "f64->f16 bits");
  CHECK(memcmp(hf, eh, sizeof eh) == 0, "f32->f16 bits");
  CHECK(back[0] == 0.0999755859375f && back[6] == -2.5f && isinf(back[3]), "f16->f32 %.10g", back[0]);
  /* int64 -> float16 goes through float (NumPy), uint8 <- negative float */
  int64_t big = INT64_MAX;
  lnp_half hb;
  void *b7[2] = {&hb, &big};
  run1(LNP_OP_COPY, LNP_INT64, LNP_FLOAT16, 1, b7, 1);
  CHECK(hb == 0x7c00, "int64->f16 inf");
  float f8[2] = {300.7f, -1.5f};
  int8_t i8[2];
  void *b8[2] = {i8, f8};
  run1(LNP_OP_COPY, LNP_FLOAT32, LNP_INT8, 2, b8, 1);
  CHECK(i8[0] == 44 && i8[1] == -1, "f32->i8 %d %d", i8[0], i8[1]);
  int8_t neg = -1;
  uint64_t u64;
  double ud;
  void *b9[2] = {&u64, &neg}, *b10[2] = {&ud, &u64};
  run1(LNP_OP_COPY, LNP_INT8, LNP_UINT64, 1, b9, 1);
  run1(LNP_OP_COPY, LNP_UINT64, LNP_FLOAT64, 1, b10, 1);
  CHECK(u64 == UINT64_MAX && ud == 18446744073709551616.0, "i8->u64->f64");
  /* strided cast (every other element, reversed) and same-dtype copy */
  int32_t src[6] = {0, 1, 2, 3, 4, 5};
  double dst[3];
  piece_t pc;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 3;
  pc.o[0] = (opd_t){0, 0, {1}};
  pc.o[1] = (opd_t){1, 5, {-2}};
  lnp_loop_desc *d = build(LNP_OP_COPY, LNP_INT32, LNP_FLOAT64, 1, 1, &pc, 2);
  void *bs[2] = {dst, src};
  lnp_loop_execute(d, bs, 1);
  CHECK(dst[0] == 5 && dst[1] == 3 && dst[2] == 1, "strided cast");
  free(d);
  lnp_half hsrc[3] = {0x7e01, 0x3c00, 0xfc00}, hdst[3];
  void *bhh[2] = {hdst, hsrc};
  run1(LNP_OP_COPY, LNP_FLOAT16, LNP_FLOAT16, 3, bhh, 1);
  CHECK(memcmp(hdst, hsrc, sizeof hsrc) == 0, "same-dtype copy is bitwise");
  /* fill from a scalar: same dtype and converting */
  int16_t fill[5];
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 5;
  pc.o[0] = (opd_t){0, 0, {1}};
  pc.o[1] = (opd_t){LNP_BUF_SCALAR(0), 0, {0}};
  d = build(LNP_OP_COPY, LNP_INT16, LNP_INT16, 1, 1, &pc, 1);
  d->scalars[0].i16 = -7;
  void *bfl[1] = {fill};
  lnp_loop_execute(d, bfl, 1);
  CHECK(fill[0] == -7 && fill[4] == -7, "fill same dtype");
  free(d);
  d = build(LNP_OP_COPY, LNP_FLOAT64, LNP_INT16, 1, 1, &pc, 1);
  d->scalars[0].f64 = 3.9;
  lnp_loop_execute(d, bfl, 1);
  CHECK(fill[0] == 3 && fill[4] == 3, "fill converting");
  free(d);
  /* all pairs from a few values through float64 and back */
  int ok = 1;
  for (int a = 0; a < LNP_NTYPES; a++) {
    for (int b = 0; b < LNP_NTYPES; b++) {
      unsigned char in[16 * 3], mid[16 * 3];
      double vals[3] = {0, 1, 5}, res[3];
      void *p1[2] = {in, vals};
      run1(LNP_OP_COPY, LNP_FLOAT64, a, 3, p1, 1);
      void *p2[2] = {mid, in};
      run1(LNP_OP_COPY, a, b, 3, p2, 1);
      void *p3[2] = {res, mid};
      run1(LNP_OP_COPY, b, LNP_FLOAT64, 3, p3, 1);
      const int toBool = a == LNP_BOOL || b == LNP_BOOL;
      ok &= res[0] == 0 && res[1] == 1 && res[2] == (toBool ? 1 : 5);
      if (!ok) {
        printf("  cast %s -> %s: %g %g %g\n", lnp_dtype_name(a), lnp_dtype_name(b), res[0], res[1], res[2]);
        ok = 1;
        nfail++;
      }
    }
  }
  CHECK(ok, "all pairs");
}

/* ---- reductions ---- */
static lnp_loop_desc *reduce_desc(int op, int dt, int m, int n, int axis)
{
  /* in (m, n) C-order buffer 1; out buffer 0 with shape m (axis 1), n (axis
   * 0) or 1 (axis -1 = all) */
  piece_t pc;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = m;
  pc.shape[1] = n;
  opd_t out = {0, 0, {axis == 1 ? 1 : 0, axis == 0 ? 1 : 0}};
  pc.o[0] = out;
  pc.o[1] = out;
  pc.o[2] = (opd_t){1, 0, {n, 1}};
  return build(op, dt, dt, 2, 1, &pc, 2);
}

static void test_reductions(void)
{
  /* float32 sum of 100000 x 0.1: pairwise equals NumPy's bits */
  const int n = 100000;
  float *x = malloc(sizeof(float) * n), acc = 0;
  for (int i = 0; i < n; i++) x[i] = 0.1f;
  lnp_loop_desc *d = reduce_desc(LNP_OP_ADD, LNP_FLOAT32, 1, n, -1);
  void *b[2] = {&acc, x};
  lnp_loop_execute(d, b, 1);
  uint32_t bits;
  memcpy(&bits, &acc, 4);
  CHECK(bits == 1176256513u, "float32 pairwise sum %.9g (NumPy 10000.001)", acc);
  free(d);
  free(x);
  /* float64 sum == NumPy bits */
  double *y = malloc(sizeof(double) * 1000), dacc = 0;
  for (int i = 0; i < 1000; i++) y[i] = i * 0.37 + 0.001;
  d = reduce_desc(LNP_OP_ADD, LNP_FLOAT64, 1, 1000, -1);
  void *bd[2] = {&dacc, y};
  lnp_loop_execute(d, bd, 1);
  CHECK(dacc == 184816.0, "float64 sum %.17g", dacc);
  free(d);
  free(y);
  /* complex64 sum == NumPy */
  float complex *c = malloc(sizeof(float complex) * 300), cacc = 0;
  for (int i = 0; i < 300; i++) c[i] = lnp_cmplxf((float)(i * 0.1), (float)(i * 0.3));
  d = reduce_desc(LNP_OP_ADD, LNP_COMPLEX64, 1, 300, -1);
  void *bc[2] = {&cacc, c};
  lnp_loop_execute(d, bc, 1);
  CHECK(crealf(cacc) == 4485.0f && cimagf(cacc) == 13455.0f, "complex64 sum %g %g", crealf(cacc), cimagf(cacc));
  free(d);
  free(c);
  /* float16 sum accumulates in float: 3000 ones = 3000 */
  lnp_half *h = malloc(sizeof(lnp_half) * 3000), hacc = 0;
  for (int i = 0; i < 3000; i++) h[i] = 0x3c00;
  d = reduce_desc(LNP_OP_ADD, LNP_FLOAT16, 1, 3000, -1);
  void *bh[2] = {&hacc, h};
  lnp_loop_execute(d, bh, 1);
  CHECK(lnp_h2f(hacc) == 3000.0f, "half sum %g", lnp_h2f(hacc));
  free(d);
  free(h);
  /* int64 product, int32 sum wraps */
  int32_t iv[4] = {INT32_MAX, 1, 5, -2}, iacc = 0;
  d = reduce_desc(LNP_OP_ADD, LNP_INT32, 1, 4, -1);
  void *bi[2] = {&iacc, iv};
  lnp_loop_execute(d, bi, 1);
  CHECK(iacc == INT32_MIN + 3, "int32 sum wraps");
  free(d);

  /* 2-D axis reductions */
  enum { M = 5, NN = 7 };
  double a[M * NN], r0[NN], r1[M];
  int32_t ai[M * NN], ri0[NN];
  for (int i = 0; i < M * NN; i++) {
    a[i] = (i % 11) * 0.5 - 1;
    ai[i] = i * 3 - 17;
  }
  for (int j = 0; j < NN; j++) r0[j] = 0, ri0[j] = 0;
  for (int i = 0; i < M; i++) r1[i] = 0;
  d = reduce_desc(LNP_OP_ADD, LNP_FLOAT64, M, NN, 0);
  void *b0[2] = {r0, a};
  lnp_loop_execute(d, b0, 1);
  free(d);
  d = reduce_desc(LNP_OP_ADD, LNP_FLOAT64, M, NN, 1);
  void *b1[2] = {r1, a};
  lnp_loop_execute(d, b1, 1);
  free(d);
  d = reduce_desc(LNP_OP_ADD, LNP_INT32, M, NN, 0);
  void *b2[2] = {ri0, ai};
  lnp_loop_execute(d, b2, 1);
  free(d);
  int ok = 1;
  for (int j = 0; j < NN; j++) {
    double s = 0;
    int32_t si = 0;
    for (int i = 0; i < M; i++) s += a[i * NN + j], si += ai[i * NN + j];
    ok &= r0[j] == s && ri0[j] == si;
  }
  for (int i = 0; i < M; i++) {
    double s = 0;
    for (int j = 0; j < NN; j++) s += a[i * NN + j];
    ok &= feq(r1[i], s, 1e-15);
  }
  CHECK(ok, "2-D axis reductions");
  /* min reduction along axis 0, uint8 */
  uint8_t u[6] = {5, 9, 2, 7, 3, 8}, um[2] = {255, 255};
  d = reduce_desc(LNP_OP_MINIMUM, LNP_UINT8, 3, 2, 0);
  void *bu[2] = {um, u};
  lnp_loop_execute(d, bu, 1);
  CHECK(um[0] == 2 && um[1] == 7, "uint8 min axis 0");
  free(d);
}

static void test_generators(void)
{
  /* arange float64: two pieces covering [0,4) and [4,10) of a 10-element
   * tile, start 1, step 0.5 */
  double o[10];
  piece_t pcs[2];
  memset(pcs, 0, sizeof pcs);
  pcs[0].shape[0] = 4;
  pcs[0].origin[0] = 0;
  pcs[0].o[0] = (opd_t){0, 0, {1}};
  pcs[1].shape[0] = 6;
  pcs[1].origin[0] = 4;
  pcs[1].o[0] = (opd_t){0, 4, {1}};
  lnp_loop_desc *d = build(LNP_OP_ARANGE, LNP_FLOAT64, LNP_FLOAT64, 1, 2, pcs, 1);
  d->scalars[0].f64 = 1.0;
  d->scalars[1].f64 = 0.5;
  d->index_mult[0] = 1;
  void *b[1] = {o};
  CHECK(lnp_loop_execute(d, b, 1) == 0, "rc");
  int ok = 1;
  for (int i = 0; i < 10; i++) ok &= o[i] == 1.0 + i * 0.5;
  CHECK(ok, "arange f64");
  free(d);
  int16_t oi[10];
  d = build(LNP_OP_ARANGE, LNP_INT16, LNP_INT16, 1, 2, pcs, 1);
  d->scalars[0].i16 = -3;
  d->scalars[1].i16 = 7;
  d->index_mult[0] = 1;
  void *bi[1] = {oi};
  lnp_loop_execute(d, bi, 1);
  ok = 1;
  for (int i = 0; i < 10; i++) ok &= oi[i] == -3 + 7 * i;
  CHECK(ok, "arange int16");
  free(d);
  /* float16 arange: start + i*step in float, rounded */
  lnp_half oh[10];
  d = build(LNP_OP_ARANGE, LNP_FLOAT16, LNP_FLOAT16, 1, 2, pcs, 1);
  d->scalars[0].f16 = lnp_f2h(1.0f);
  d->scalars[1].f16 = lnp_f2h(0.1f);
  d->index_mult[0] = 1;
  void *bh[1] = {oh};
  lnp_loop_execute(d, bh, 1);
  CHECK(oh[3] == lnp_f2h(1.0f + 3.0f * lnp_h2f(lnp_f2h(0.1f))), "arange f16");
  free(d);
  /* eye: 4x5, k = 1, a piece at origin (1, 2) of shape (3, 3) written into a
   * 3x3 tile, rest into a second one */
  float e[20];
  piece_t pe;
  memset(&pe, 0, sizeof pe);
  pe.shape[0] = 4;
  pe.shape[1] = 5;
  pe.o[0] = (opd_t){0, 0, {5, 1}};
  d = build(LNP_OP_EYE, LNP_FLOAT32, LNP_FLOAT32, 2, 1, &pe, 1);
  d->scalars[0].i64 = 1;
  d->index_mult[0] = -1;
  d->index_mult[1] = 1;
  void *be[1] = {e};
  lnp_loop_execute(d, be, 1);
  ok = 1;
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 5; j++) ok &= e[i * 5 + j] == (j - i == 1 ? 1.0f : 0.0f);
  CHECK(ok, "eye k=1");
  free(d);
  double complex ec[9];
  pe.shape[0] = 3;
  pe.shape[1] = 3;
  pe.origin[0] = 1;
  pe.origin[1] = 2;
  pe.o[0] = (opd_t){0, 0, {3, 1}};
  d = build(LNP_OP_EYE, LNP_COMPLEX128, LNP_COMPLEX128, 2, 1, &pe, 1);
  d->scalars[0].i64 = 0;
  d->index_mult[0] = -1;
  d->index_mult[1] = 1;
  void *bec[1] = {ec};
  lnp_loop_execute(d, bec, 1);
  ok = 1;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) ok &= ec[i * 3 + j] == ((j + 2) == (i + 1) ? 1.0 : 0.0);
  CHECK(ok, "eye with origin");
  free(d);
}

static void test_arg(void)
{
  double v[7] = {1, 3, 3, NAN, 5, NAN, 9};
  double mv = -INFINITY;
  int64_t mi = INT64_MAX;
  piece_t pc;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 3;
  pc.o[0] = (opd_t){0, 0, {0}};
  pc.o[1] = (opd_t){1, 0, {0}};
  pc.o[2] = (opd_t){2, 0, {1}};
  lnp_loop_desc *d = build(LNP_OP_ARGMAX_ACC, LNP_FLOAT64, LNP_FLOAT64, 1, 1, &pc, 3);
  d->index_mult[0] = 1;
  void *b[3] = {&mv, &mi, v};
  lnp_loop_execute(d, b, 1);
  CHECK(mv == 3 && mi == 1, "argmax tie keeps first");
  free(d);
  /* all 7, chunked as two pieces: [3..7) first, then [0..3): NaN wins, first NaN */
  piece_t pcs[2];
  memset(pcs, 0, sizeof pcs);
  pcs[0].shape[0] = 4;
  pcs[0].origin[0] = 3;
  pcs[0].o[0] = (opd_t){0, 0, {0}};
  pcs[0].o[1] = (opd_t){1, 0, {0}};
  pcs[0].o[2] = (opd_t){2, 3, {1}};
  pcs[1].shape[0] = 3;
  pcs[1].origin[0] = 0;
  pcs[1].o[0] = (opd_t){0, 0, {0}};
  pcs[1].o[1] = (opd_t){1, 0, {0}};
  pcs[1].o[2] = (opd_t){2, 0, {1}};
  mv = -INFINITY;
  mi = INT64_MAX;
  d = build(LNP_OP_ARGMAX_ACC, LNP_FLOAT64, LNP_FLOAT64, 1, 2, pcs, 3);
  d->index_mult[0] = 1;
  lnp_loop_execute(d, b, 1);
  CHECK(isnan(mv) && mi == 3, "argmax NaN %g %lld", mv, (long long)mi);
  free(d);
  /* reversed walk: first NaN still kept */
  pc.shape[0] = 7;
  pc.origin[0] = -6; /* idx = (-6 + i) * -1 = 6 - i */
  pc.o[2] = (opd_t){2, 6, {-1}};
  mv = -INFINITY;
  mi = INT64_MAX;
  d = build(LNP_OP_ARGMIN_ACC, LNP_FLOAT64, LNP_FLOAT64, 1, 1, &pc, 3);
  d->index_mult[0] = -1;
  lnp_loop_execute(d, b, 1);
  CHECK(isnan(mv) && mi == 3, "argmin NaN reversed %lld", (long long)mi);
  free(d);
  /* combine partials: (3, idx 5) vs candidates */
  int32_t cv[3] = {3, 7, 7};
  int64_t ci[3] = {2, 9, 8};
  int32_t ov = 3;
  int64_t oi = 5;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 3;
  pc.o[0] = (opd_t){0, 0, {0}};
  pc.o[1] = (opd_t){1, 0, {0}};
  pc.o[2] = (opd_t){2, 0, {1}};
  pc.o[3] = (opd_t){3, 0, {1}};
  d = build(LNP_OP_ARGMAX_COMBINE, LNP_INT32, LNP_INT32, 1, 1, &pc, 4);
  void *bc[4] = {&ov, &oi, cv, ci};
  lnp_loop_execute(d, bc, 1);
  CHECK(ov == 7 && oi == 8, "argmax combine ties");
  free(d);
  ov = 3;
  oi = 5;
  d = build(LNP_OP_ARGMIN_COMBINE, LNP_INT32, LNP_INT32, 1, 1, &pc, 4);
  lnp_loop_execute(d, bc, 1);
  CHECK(ov == 3 && oi == 2, "argmin combine tie smaller index");
  free(d);
  /* ACC with a base index in scalars[0] (as the launcher passes for chunks) */
  double bv[3] = {4, 8, 8}, bm = -INFINITY;
  int64_t bi = INT64_MAX;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 3;
  pc.o[0] = (opd_t){0, 0, {0}};
  pc.o[1] = (opd_t){1, 0, {0}};
  pc.o[2] = (opd_t){2, 0, {1}};
  d = build(LNP_OP_ARGMAX_ACC, LNP_FLOAT64, LNP_FLOAT64, 1, 1, &pc, 3);
  d->index_mult[0] = 1;
  d->scalars[0].i64 = 100;
  void *bb[3] = {&bm, &bi, bv};
  lnp_loop_execute(d, bb, 1);
  CHECK(bm == 8 && bi == 101, "argmax base index %lld", (long long)bi);
  free(d);
  /* complex lexicographic argmax, per-row (2 x 3, along axis 1) */
  double complex z[6] = {1 + 5 * I, 2 + 0 * I, 2 + 1 * I, 0, lnp_cmplx(0, NAN), -1};
  double complex zv[2] = {lnp_cmplx(-INFINITY, -INFINITY), lnp_cmplx(-INFINITY, -INFINITY)};
  int64_t zi[2] = {INT64_MAX, INT64_MAX};
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 2;
  pc.shape[1] = 3;
  pc.o[0] = (opd_t){0, 0, {1, 0}};
  pc.o[1] = (opd_t){1, 0, {1, 0}};
  pc.o[2] = (opd_t){2, 0, {3, 1}};
  d = build(LNP_OP_ARGMAX_ACC, LNP_COMPLEX128, LNP_COMPLEX128, 2, 1, &pc, 3);
  d->index_mult[0] = 0;
  d->index_mult[1] = 1;
  void *bz[3] = {zv, zi, z};
  lnp_loop_execute(d, bz, 1);
  CHECK(zi[0] == 2 && zi[1] == 1, "complex argmax rows %lld %lld", (long long)zi[0], (long long)zi[1]);
  free(d);
  /* float16 argmin */
  lnp_half hv[4] = {lnp_f2h(2), lnp_f2h(-1), lnp_f2h(-1), lnp_f2h(0)}, hm = lnp_f2h(INFINITY);
  int64_t hi = INT64_MAX;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 4;
  pc.o[0] = (opd_t){0, 0, {0}};
  pc.o[1] = (opd_t){1, 0, {0}};
  pc.o[2] = (opd_t){2, 0, {1}};
  d = build(LNP_OP_ARGMIN_ACC, LNP_FLOAT16, LNP_FLOAT16, 1, 1, &pc, 3);
  d->index_mult[0] = 1;
  void *bh[3] = {&hm, &hi, hv};
  lnp_loop_execute(d, bh, 1);
  CHECK(hi == 1 && lnp_h2f(hm) == -1.0f, "half argmin");
  free(d);
}

static void test_where(void)
{
  bool c[5] = {true, false, true, false, false};
  int64_t x[5] = {1, 2, 3, 4, 5}, y[5] = {-1, -2, -3, -4, -5}, o[5];
  void *b[4] = {o, c, x, y};
  CHECK(run1(LNP_OP_WHERE, LNP_INT64, LNP_INT64, 5, b, 1) == 0, "rc");
  CHECK(o[0] == 1 && o[1] == -2 && o[2] == 3 && o[3] == -4 && o[4] == -5, "where");
  piece_t pc;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = 5;
  pc.o[0] = (opd_t){0, 0, {1}};
  pc.o[1] = (opd_t){1, 0, {1}};
  pc.o[2] = (opd_t){2, 0, {1}};
  pc.o[3] = (opd_t){LNP_BUF_SCALAR(0), 0, {0}};
  lnp_loop_desc *d = build(LNP_OP_WHERE, LNP_INT64, LNP_INT64, 1, 1, &pc, 3);
  d->scalars[0].i64 = 0;
  lnp_loop_execute(d, b, 1);
  CHECK(o[0] == 1 && o[1] == 0 && o[2] == 3 && o[4] == 0, "where scalar");
  free(d);
}

/* nthreads = 2 gives the same bits as 1 */
static void test_threads(void)
{
  enum { M = 300, NN = 1001 };
  double *a = malloc(sizeof(double) * M * NN), *b = malloc(sizeof(double) * M * NN);
  double *o1 = malloc(sizeof(double) * M * NN), *o2 = malloc(sizeof(double) * M * NN);
  for (int i = 0; i < M * NN; i++) {
    a[i] = sin(i * 0.001) * 1e3;
    b[i] = cos(i * 0.37);
  }
  void *b1[3] = {o1, a, b}, *b2[3] = {o2, a, b};
  run1(LNP_OP_HYPOT, LNP_FLOAT64, LNP_FLOAT64, M * NN, b1, 1);
  run1(LNP_OP_HYPOT, LNP_FLOAT64, LNP_FLOAT64, M * NN, b2, 2);
  CHECK(memcmp(o1, o2, sizeof(double) * M * NN) == 0, "1-D elementwise 2 threads");
  /* axis-0 and axis-1 reductions, full reduction */
  for (int axis = -1; axis <= 1; axis++) {
    memset(o1, 0, sizeof(double) * NN);
    memset(o2, 0, sizeof(double) * NN);
    lnp_loop_desc *d = reduce_desc(LNP_OP_ADD, LNP_FLOAT64, M, NN, axis);
    void *r1[2] = {o1, a}, *r2[2] = {o2, a};
    lnp_loop_execute(d, r1, 1);
    lnp_loop_execute(d, r2, 2);
    CHECK(memcmp(o1, o2, sizeof(double) * NN) == 0, "reduction axis %d, 2 threads", axis);
    free(d);
  }
  /* 2-D transposed copy */
  piece_t pc;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = NN;
  pc.shape[1] = M;
  pc.o[0] = (opd_t){0, 0, {M, 1}};
  pc.o[1] = (opd_t){1, 0, {1, NN}};
  lnp_loop_desc *d = build(LNP_OP_COPY, LNP_FLOAT64, LNP_FLOAT32, 2, 1, &pc, 2);
  void *c1[2] = {o1, a}, *c2[2] = {o2, a};
  lnp_loop_execute(d, c1, 1);
  lnp_loop_execute(d, c2, 2);
  CHECK(memcmp(o1, o2, sizeof(float) * M * NN) == 0 && ((float *)o1)[1] == (float)a[NN], "transpose cast 2 threads");
  free(d);
  /* per-row argmax with 2 threads, and arange */
  int64_t *i1 = calloc(M, 8), *i2 = calloc(M, 8);
  double *v1 = malloc(sizeof(double) * M), *v2 = malloc(sizeof(double) * M);
  for (int i = 0; i < M; i++) v1[i] = v2[i] = -INFINITY, i1[i] = i2[i] = INT64_MAX;
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = M;
  pc.shape[1] = NN;
  pc.o[0] = (opd_t){0, 0, {1, 0}};
  pc.o[1] = (opd_t){1, 0, {1, 0}};
  pc.o[2] = (opd_t){2, 0, {NN, 1}};
  d = build(LNP_OP_ARGMAX_ACC, LNP_FLOAT64, LNP_FLOAT64, 2, 1, &pc, 3);
  d->index_mult[1] = 1;
  void *g1[3] = {v1, i1, a}, *g2[3] = {v2, i2, a};
  lnp_loop_execute(d, g1, 1);
  lnp_loop_execute(d, g2, 2);
  int ok = memcmp(i1, i2, 8 * M) == 0 && memcmp(v1, v2, 8 * M) == 0;
  for (int i = 0; i < M && ok; i++) {
    int64_t best = 0;
    for (int j = 1; j < NN; j++)
      if (a[i * NN + j] > a[i * NN + best]) best = j;
    ok &= i1[i] == best;
  }
  CHECK(ok, "argmax rows 2 threads");
  free(d);
  memset(&pc, 0, sizeof pc);
  pc.shape[0] = M * NN;
  pc.o[0] = (opd_t){0, 0, {1}};
  d = build(LNP_OP_ARANGE, LNP_FLOAT64, LNP_FLOAT64, 1, 1, &pc, 1);
  d->scalars[0].f64 = 0.25;
  d->scalars[1].f64 = 0.1;
  d->index_mult[0] = 1;
  void *a1[1] = {o1}, *a2[1] = {o2};
  lnp_loop_execute(d, a1, 1);
  lnp_loop_execute(d, a2, 2);
  CHECK(memcmp(o1, o2, sizeof(double) * M * NN) == 0 && o1[12345] == 0.25 + 12345 * 0.1, "arange 2 threads");
  free(d);
  free(i1);
  free(i2);
  free(v1);
  free(v2);
  free(a);
  free(b);
  free(o1);
  free(o2);
}

/* The floating-point status of a loop reaches its slot (loop.h) as NumPy's
 * bits, only for ops whose NumPy loops report it, from every thread of a
 * parallel loop; integer division by zero raises it explicitly. */
static unsigned fp_run(int op, int dt_in, int dt_out, void **bufs, int64_t n, int nthreads)
{
  static unsigned flags[LNP_FP_SLOTS];
  lnp_codelets_fp_take(flags, LNP_FP_SLOTS); /* drop what came before */
  lnp_loop_desc *d = build1(op, dt_in, dt_out, n);
  d->fp_slot = 300;
  lnp_loop_execute(d, bufs, nthreads);
  free(d);
  memset(flags, 0, sizeof flags);
  if (!lnp_codelets_fp_take(flags, LNP_FP_SLOTS)) return 0;
  unsigned others = 0;
  for (int i = 0; i < LNP_FP_SLOTS; i++) others |= i == 300 ? 0 : flags[i];
  CHECK(!others, "status only in the loop's slot");
  return flags[300];
}

static void test_fp_status(void)
{
  enum { N = 100000 };
  double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y), *o = calloc(N, sizeof *o);
  int64_t *ia = calloc(N, sizeof *ia), *ib = calloc(N, sizeof *ib), *io = calloc(N, sizeof *io);
  bool *bo = calloc(N, sizeof *bo);
  for (int i = 0; i < N; i++) { x[i] = 1.0; y[i] = i == N - 7 ? 0.0 : 2.0; ia[i] = i; ib[i] = i == 5 ? 0 : 3; }
  void *b3[3] = {o, x, y};
  CHECK(fp_run(LNP_OP_TRUE_DIVIDE, LNP_FLOAT64, LNP_FLOAT64, b3, N, 1) == LNP_FP_DIVIDE, "1/0: divide");
  CHECK(fp_run(LNP_OP_TRUE_DIVIDE, LNP_FLOAT64, LNP_FLOAT64, b3, N, 4) == LNP_FP_DIVIDE,
        "1/0 in one chunk of a parallel loop: divide");
  for (int i = 0; i < N; i++) y[i] = 2.0;
  CHECK(fp_run(LNP_OP_TRUE_DIVIDE, LNP_FLOAT64, LNP_FLOAT64, b3, N, 4) == 0, "1/2: nothing");
  x[3] = 1e308;
  CHECK(fp_run(LNP_OP_MULTIPLY, LNP_FLOAT64, LNP_FLOAT64, b3, N, 1) == LNP_FP_OVERFLOW, "overflow");
  x[3] = NAN;
  CHECK(fp_run(LNP_OP_MAXIMUM, LNP_FLOAT64, LNP_FLOAT64, b3, N, 1) == 0, "maximum with NaN: silent");
  void *bp[3] = {bo, x, y};
  CHECK(fp_run(LNP_OP_LESS, LNP_FLOAT64, LNP_BOOL, bp, N, 1) == 0, "NaN < 2: silent");
  x[3] = -1.0;
  void *b2[2] = {o, x};
  CHECK(fp_run(LNP_OP_SQRT, LNP_FLOAT64, LNP_FLOAT64, b2, N, 1) == LNP_FP_INVALID, "sqrt(-1): invalid");
  void *bi[3] = {io, ia, ib};
  CHECK(fp_run(LNP_OP_FLOOR_DIVIDE, LNP_INT64, LNP_INT64, bi, N, 1) == LNP_FP_DIVIDE, "int // 0: divide");
  CHECK(io[5] == 0 && io[7] == 2, "int // 0 gives 0");
  CHECK(fp_run(LNP_OP_REMAINDER, LNP_INT64, LNP_INT64, bi, N, 4) == LNP_FP_DIVIDE, "int %% 0: divide");
  ib[5] = -1;
  ia[5] = INT64_MIN;
  CHECK(fp_run(LNP_OP_FLOOR_DIVIDE, LNP_INT64, LNP_INT64, bi, N, 1) == LNP_FP_OVERFLOW, "MIN // -1: overflow");
  free(x); free(y); free(o); free(ia); free(ib); free(io); free(bo);
}

int main(void)
{
  test_meta();
  test_arith();
  test_unary();
  test_divmod_pow_shift();
  test_minmax_logic();
  test_strides_scalar_pieces();
  test_casts();
  test_reductions();
  test_generators();
  test_arg();
  test_where();
  test_threads();
  test_fp_status();
  return check_report();
}
