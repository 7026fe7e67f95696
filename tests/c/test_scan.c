/* Test of the scan task's CPU kernel (codelets/scan.h; no StarPU runtime):
 * descriptors built by hand, results against a sequential scan computed
 * here, for both layouts (lines, rows), 1 and 2 OpenMP threads, with a
 * carry operand, with a piece that continues an earlier one, and the
 * rounding of long float lines (the blocked cascade). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../codelets/scan.h"

#include "check.h"

/* a 2-D piece of rows x cols, C order, operand k in buffer k (the carry:
 * one row or column, stride 0 along the scan dim) */
static lnp_loop_desc *desc2(int op, int dt, int64_t rows, int64_t cols, int s, int carry, int64_t origin_s)
{
  const int nops = carry ? 3 : 2;
  lnp_loop_desc *d = calloc(1, lnp_loop_desc_size(2, nops, 1));
  d->op = op;
  d->dtype_in = d->dtype_out = dt;
  d->ndim = 2;
  d->nops = nops;
  d->npieces = 1;
  d->nbuffers = nops;
  d->scalars[0].i64 = s;
  int64_t *w = lnp_loop_piece(d, 0);
  w[0] = rows;
  w[1] = cols;
  w[2 + s] = origin_s;
  for (int k = 0; k < nops; k++) {
    int64_t *o = lnp_piece_operand(w, 2, k);
    o[0] = k;
    o[1] = 0;
    o[2] = cols;
    o[3] = 1;
  }
  if (carry) { /* carry[j] (s = 0) or carry[i] (s = 1) */
    int64_t *o = lnp_piece_operand(w, 2, 2);
    o[2] = s == 0 ? 0 : 1;
    o[3] = s == 0 ? 1 : 0;
  }
  return d;
}

static void test_int_layouts(void)
{
  const int64_t R = 131, C = 257; /* over 16384 elements: 2 threads split them */
  int64_t *in = malloc(sizeof(int64_t) * R * C), *out = malloc(sizeof(int64_t) * R * C);
  int64_t carry[257], ref;
  for (int64_t i = 0; i < R * C; i++) in[i] = (i * 7919) % 201 - 100;
  for (int i = 0; i < 257; i++) carry[i] = 1000 * i - 7;
  for (int s = 0; s < 2; s++)
    for (int withc = 0; withc < 2; withc++)
      for (int nt = 1; nt <= 2; nt++) {
        lnp_loop_desc *d = desc2(LNP_OP_ADD, LNP_INT64, R, C, s, withc, 0);
        void *bufs[3] = {out, in, carry};
        memset(out, 0, sizeof(int64_t) * R * C);
        CHECK(lnp_scan_execute(d, bufs, nt) == 0, "execute s=%d", s);
        int bad = 0;
        for (int64_t line = 0; line < (s ? R : C); line++) {
          ref = withc ? carry[line] : 0;
          for (int64_t k = 0; k < (s ? C : R); k++) {
            const int64_t idx = s ? line * C + k : k * C + line;
            ref += in[idx];
            bad += out[idx] != ref;
          }
        }
        CHECK(bad == 0, "int64 add s=%d carry=%d threads=%d: %d wrong", s, withc, nt, bad);
        free(d);
      }
  /* maximum, in place (out == in) */
  for (int64_t i = 0; i < R * C; i++) out[i] = in[i];
  lnp_loop_desc *d = desc2(LNP_OP_MAXIMUM, LNP_INT64, R, C, 1, 0, 0);
  void *bufs[2] = {out, out};
  CHECK(lnp_scan_execute(d, bufs, 2) == 0, "execute maximum");
  int bad = 0;
  for (int64_t i = 0; i < R; i++) {
    int64_t m = in[i * C];
    for (int64_t j = 0; j < C; j++) {
      m = in[i * C + j] > m ? in[i * C + j] : m;
      bad += out[i * C + j] != m;
    }
  }
  CHECK(bad == 0, "maximum in place: %d wrong", bad);
  free(d);
  free(in);
  free(out);
}

/* a piece whose origin along the scan dim is not 0 continues from the
 * output element before it */
static void test_continuation(void)
{
  int32_t in[10], out[10];
  for (int i = 0; i < 10; i++) in[i] = i + 1;
  lnp_loop_desc *d = calloc(1, lnp_loop_desc_size(1, 2, 2));
  d->op = LNP_OP_MULTIPLY;
  d->dtype_in = d->dtype_out = LNP_INT32;
  d->ndim = 1;
  d->nops = 2;
  d->npieces = 2;
  d->nbuffers = 2;
  for (int p = 0; p < 2; p++) {
    int64_t *w = lnp_loop_piece(d, p);
    w[0] = p ? 6 : 4;
    w[1] = p ? 4 : 0;
    for (int k = 0; k < 2; k++) {
      int64_t *o = lnp_piece_operand(w, 1, k);
      o[0] = k;
      o[1] = p ? 4 : 0;
      o[2] = 1;
    }
  }
  void *bufs[2] = {out, in};
  CHECK(lnp_scan_execute(d, bufs, 1) == 0, "execute");
  int32_t f = 1;
  int bad = 0;
  for (int i = 0; i < 10; i++) bad += out[i] != (f *= in[i]);
  CHECK(bad == 0, "continued piece: %d wrong (out[9] %d)", bad, out[9]);
  free(d);
}

/* float32 add of a long line: the error stays within (64 + 2 log2 n) ulps
 * of the running sum, where the sequential sum drifts far beyond */
static void test_float_cascade(void)
{
  const int64_t n = 1 << 20;
  float *in = malloc(sizeof(float) * n), *out = malloc(sizeof(float) * n);
  for (int64_t i = 0; i < n; i++) in[i] = 0.1f;
  lnp_loop_desc *d = desc2(LNP_OP_ADD, LNP_FLOAT32, 1, n, 1, 0, 0);
  void *bufs[2] = {out, in};
  CHECK(lnp_scan_execute(d, bufs, 1) == 0, "execute");
  double exact = 0, worst = 0;
  float seq = 0;
  int seq_within = 1;
  const double bound = (64 + 2 * 20) * 1.1920929e-7;
  for (int64_t i = 0; i < n; i++) {
    exact += (double)in[i];
    seq += in[i];
    worst = fmax(worst, fabs((double)out[i] - exact) / exact);
    seq_within &= fabs((double)seq - exact) <= bound * exact;
  }
  CHECK(worst <= bound, "float32 cascade: relative error %g > %g", worst, bound);
  CHECK(!seq_within, "the sequential sum should not meet the bound");
  free(d);
  free(in);
  free(out);
}

static void test_refused(void)
{
  int64_t buf[4] = {0};
  void *bufs[2] = {buf, buf};
  lnp_loop_desc *d = desc2(LNP_OP_SUBTRACT, LNP_INT64, 1, 4, 1, 0, 0);
  CHECK(!lnp_scan_supported(LNP_OP_SUBTRACT, LNP_INT64), "subtract does not scan");
  CHECK(lnp_scan_execute(d, bufs, 1) == -1, "subtract refused");
  free(d);
  d = desc2(LNP_OP_ADD, LNP_INT64, 1, 4, 2, 0, 0); /* scan dim out of range */
  CHECK(lnp_scan_execute(d, bufs, 1) == -1, "bad scan dim refused");
  free(d);
  CHECK(lnp_scan_supported(LNP_OP_LOGICAL_OR, LNP_BOOL) && !lnp_scan_supported(LNP_OP_LOGICAL_OR, LNP_INT32),
        "predicates scan in bool only");
  CHECK(lnp_scan_supported(LNP_OP_BITWISE_XOR, LNP_UINT8) && !lnp_scan_supported(LNP_OP_BITWISE_XOR, LNP_FLOAT64),
        "bitwise ops scan integers");
}

int main(void)
{
  test_int_layouts();
  test_continuation();
  test_float_cascade();
  test_refused();
  return check_report();
}
