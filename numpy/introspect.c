/* What the bindings read about the library below the array API: the op
 * catalogue (codelets/op_table.h), task and fusion counters, placement and
 * memory figures.  python/_core reaches the kernels' layer only through
 * these (lnp.h). */
#include <string.h>

#include "lnp.h"
#include "../codelets/loop.h"
#include "../codelets/codelets.h"
#include "../codelets/op_info.h"
#include "../data-interfaces/nd_interface.h"
#include "reduce_plan.h"

int lnp_op_count(void) { return LNP_NOPS; }

int lnp_op_describe(int op, lnp_op_row *row)
{
  const lnp_op_info *o = lnp_op_get(op);
  if (!o) return -1;
  row->upper = o->upper;
  row->ufunc = o->ufunc;
  row->nin = o->nin;
  row->kind = o->kind;
  row->ureduce = o->ureduce;
  row->ordered = lnp_reduce_is_ordered(op);
  return 0;
}

int lnp_op_use_numpy_loop(int op, int dtype, void *fn, void *data, int exact)
{
  lnp_numpy_loop_fn f;
  memcpy(&f, &fn, sizeof f); /* an object pointer to a function pointer, as dlsym's */
  return lnp_loop_use_numpy(op, dtype, fn ? f : NULL, data, exact);
}

void lnp_stats_task_counts(uint64_t *cpu, uint64_t *cuda) { lnp_codelets_task_counts(cpu, cuda); }

uint64_t lnp_stats_parallel_tasks(void) { return lnp_cpu_parallel_tasks(); }

void lnp_stats_fuse_counts(uint64_t *groups, uint64_t *loops, uint64_t *elided)
{
  lnp_codelets_fuse_counts(groups, loops, elided);
}

int lnp_stats_gpu_only(void) { return lnp_codelets_gpu_only(); }

int64_t lnp_stats_host_bytes(void) { return lnp_nd_allocated_bytes(STARPU_MAIN_RAM); }
