/* The op catalogue as C values: the op enum and, per op, the facts of its
 * row in op_table.h, for the code that decides at run time (launch checks,
 * reductions, fusion, the Python layer's ufunc objects). */
#ifndef LNP_OP_INFO_H
#define LNP_OP_INFO_H

#include "../data-interfaces/dtypes.h"
#include "op_table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lnp_op {
#define LNP_OP_ENUM(NAME, ...) LNP_OP_##NAME,
  LNP_OP_TABLE(LNP_OP_ENUM)
#undef LNP_OP_ENUM
  LNP_NOPS
} lnp_op;

/* identity column of the table */
enum { LNP_ID_NONE, LNP_ID_ZERO, LNP_ID_ONE, LNP_ID_ONES, LNP_ID_LOWEST, LNP_ID_HIGHEST };

typedef struct lnp_op_info {
  const char *upper;   /* "TRUE_DIVIDE": the enum name */
  const char *ufunc;   /* NumPy ufunc that runs natively on it ("divide"), NULL if none */
  char kind;           /* 'S' 'P' 'A' 'C' 'W' 'G' 'R' (op_table.h) */
  unsigned char nin, nout;
  char fold;              /* how a run folds (op_table.h): 'S' SUM, 'E' EXACT,
                             'R' ROUND, 'N' NONE */
  unsigned char identity; /* LNP_ID_* */
  unsigned char ureduce;  /* the ufunc's .reduce runs natively */
  unsigned char fuse;     /* may join a fused kernel */
  char ulp;               /* 'F', 'C' or '0': where backends may differ in the last bits */
  unsigned char fpe;      /* its floating-point status reaches the user (np.errstate) */
} lnp_op_info;

/* The row of op, or NULL for an op out of range. */
const lnp_op_info *lnp_op_get(int op);
/* Number of operands (outputs + inputs) of an op, -1 out of range. */
int lnp_op_nops(int op);
/* Name of the op in lower case ("true_divide"), for traces and messages. */
const char *lnp_op_name(int op);
/* The op of that lower-case name, or -1. */
int lnp_op_find(const char *name);

#ifdef __cplusplus
}
#endif

#endif
