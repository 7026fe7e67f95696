/* The op catalogue's rows as C values (op_info.h). */
#include "op_info.h"

#include <pthread.h>
#include <string.h>

#define LNP_UFUNC_NAME_(UF) #UF
/* "_" in the table: no ufunc */
#define LNP_UFUNC_NAME(UF) (strcmp(LNP_UFUNC_NAME_(UF), "_") ? LNP_UFUNC_NAME_(UF) : NULL)

static lnp_op_info lnp_ops[LNP_NOPS];
static char lnp_op_lower[LNP_NOPS][32];
static pthread_once_t lnp_ops_once = PTHREAD_ONCE_INIT;

static void lnp_ops_init(void)
{
  int op = 0;
#define LNP_OP_ROW(NAME, UF, NIN, KIND, UNIT, CPU, GPU, FOLD, TREE, IDENTITY, UREDUCE, FUSE, ULP, FPE) \
  lnp_ops[op].upper = #NAME;                                                                \
  lnp_ops[op].ufunc = LNP_UFUNC_NAME(UF);                                                   \
  lnp_ops[op].kind = #KIND[0];                                                              \
  lnp_ops[op].nin = NIN;                                                                    \
  lnp_ops[op].nout = #KIND[0] == 'R' ? 2 : 1;                                               \
  lnp_ops[op].fold = #FOLD[0];                                                              \
  lnp_ops[op].identity = LNP_ID_##IDENTITY;                                                 \
  lnp_ops[op].ureduce = UREDUCE;                                                            \
  lnp_ops[op].fuse = FUSE;                                                                  \
  lnp_ops[op].ulp = #ULP[0];                                                                \
  lnp_ops[op].fpe = FPE;                                                                    \
  op++;
  LNP_OP_TABLE(LNP_OP_ROW)
#undef LNP_OP_ROW
  for (op = 0; op < LNP_NOPS; op++) {
    const char *u = lnp_ops[op].upper;
    size_t i = 0;
    for (; u[i] && i + 1 < sizeof lnp_op_lower[op]; i++)
      lnp_op_lower[op][i] = (u[i] >= 'A' && u[i] <= 'Z') ? (char)(u[i] - 'A' + 'a') : u[i];
    lnp_op_lower[op][i] = 0;
  }
}

const lnp_op_info *lnp_op_get(int op)
{
  if (op < 0 || op >= LNP_NOPS) return NULL;
  pthread_once(&lnp_ops_once, lnp_ops_init);
  return &lnp_ops[op];
}

int lnp_op_nops(int op)
{
  const lnp_op_info *o = lnp_op_get(op);
  return o ? o->nin + o->nout : -1;
}

const char *lnp_op_name(int op)
{
  return lnp_op_get(op) ? lnp_op_lower[op] : "invalid";
}

int lnp_op_find(const char *name)
{
  for (int op = 0; op < LNP_NOPS; op++)
    if (!strcmp(lnp_op_name(op), name)) return op;
  return -1;
}
