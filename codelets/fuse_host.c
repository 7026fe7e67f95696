/* A fused group run on the host, element by element: the reference of the
 * fused CUDA kernel (same operations in the same types, fuse_codegen.c)
 * and the CPU workers' path when fusion is forced (LEGATE_NUMPY_FUSE=all,
 * the tests).  Values are kept as doubles: a float32 value widens exactly,
 * and each op narrows its operands back and computes in its own type, as
 * the loops do. */
#include <string.h>

#include "elem.h"
#include "fuse.h"

/* One op in type T (double or float): elem.h's semantics, as the fused
 * kernel's (fuse_codegen.c), for the ops the table marks fusible. */
#define LNP_FUSE_CASE_S1(NAME) case LNP_OP_##NAME: return LNP_E_##NAME##_f(a);
#define LNP_FUSE_CASE_A1 LNP_FUSE_CASE_S1
#define LNP_FUSE_CASE_S2(NAME) case LNP_OP_##NAME: return LNP_E_##NAME##_f(a, b);
#define LNP_FUSE_CASE_C1(NAME) case LNP_OP_##NAME: return a; /* the caller narrows */
#define LNP_FUSE_CASE(NAME, UF, NIN, KIND, UNIT, CPU, GPU, FOLD, TREE, ID, UR, FUSE, ULP, FPE) \
  LNP_IF(FUSE)(LNP_FUSE_CASE_##KIND##NIN(NAME))
#define LNP_FUSE_HOST_OP(FN, T)                                                \
  static T FN(int op, T a, T b)                                                \
  {                                                                            \
    (void)b;                                                                   \
    switch (op) {                                                              \
      LNP_OP_TABLE(LNP_FUSE_CASE)                                              \
    default: return (T)NAN; /* lnp_fuse_op_ok admits no other op */           \
    }                                                                          \
  }
LNP_FUSE_HOST_OP(op_f64, double)
LNP_FUSE_HOST_OP(op_f32, float)
#undef LNP_FUSE_HOST_OP

static char *elem_ptr(const lnp_fuse_acc *a, void *const *bufptrs, int p, int nd, const int64_t *idx)
{
  int64_t e = a->map.off[p];
  for (int j = 0; j < nd; j++) e += idx[j] * a->map.str[p][j];
  return (char *)bufptrs[a->map.buf[p]] + e * (int64_t)(a->dtype == LNP_FLOAT64 ? 8 : 4);
}

void lnp_fuse_run_host(const lnp_fuse_group *g, void *const *bufptrs)
{
  double v[LNP_FUSE_MAXINST];
  const int nd = g->ndim;
  /* each op's floating-point status, for its own loop's slot (loop.h):
   * taken around every op, so that one whose NumPy loop stays silent
   * (maximum of a NaN) lends none to its neighbours */
  unsigned char fpe[LNP_FUSE_MAXINST];
  unsigned fp[LNP_FUSE_MAXINST] = {0};
  for (int i = 0; i < g->ninst; i++)
    fpe[i] = g->inst[i].kind == LNP_FI_OP && lnp_op_get(g->inst[i].op)->fpe;
  lnp_loop_fp_take_thread();
  for (int p = 0; p < g->npieces; p++) {
    int64_t idx[LNP_FUSE_MAXDIM] = {0}, n = 1;
    for (int j = 0; j < nd; j++) n *= g->shape[p][j];
    for (int64_t e = 0; e < n; e++) {
      for (int i = 0; i < g->ninst; i++) {
        const lnp_fuse_inst *in = &g->inst[i];
        if (in->kind == LNP_FI_SCALAR) {
          v[i] = in->scalar;
        } else if (in->kind == LNP_FI_LOAD) {
          const char *q = elem_ptr(&g->acc[in->a], bufptrs, p, nd, idx);
          if (in->dtype == LNP_FLOAT64) memcpy(&v[i], q, 8);
          else {
            float f;
            memcpy(&f, q, 4);
            v[i] = f;
          }
        } else if (in->dtype_in == LNP_FLOAT64) {
          const double r = op_f64(in->op, v[in->a], in->b >= 0 ? v[in->b] : 0.0);
          v[i] = in->dtype == LNP_FLOAT64 ? r : (double)(float)r;
          fp[i] |= lnp_loop_fp_take_thread();
        } else {
          const float r = op_f32(in->op, (float)v[in->a], in->b >= 0 ? (float)v[in->b] : 0.0f);
          v[i] = r; /* float32 -> float64 casts are exact */
          fp[i] |= lnp_loop_fp_take_thread();
        }
      }
      for (int k = 0; k < g->nacc; k++) {
        const lnp_fuse_acc *a = &g->acc[k];
        if (!a->store || a->drop) continue;
        char *q = elem_ptr(a, bufptrs, p, nd, idx);
        if (a->dtype == LNP_FLOAT64) memcpy(q, &v[a->value], 8);
        else {
          const float f = (float)v[a->value];
          memcpy(q, &f, 4);
        }
      }
      for (int j = nd - 1; j >= 0; j--) { /* next index, C order */
        if (++idx[j] < g->shape[p][j]) break;
        idx[j] = 0;
      }
    }
  }
  for (int i = 0; i < g->ninst; i++)
    if (fpe[i] && fp[i]) lnp_loop_fp_record(g->inst[i].fp_slot, fp[i]);
}
