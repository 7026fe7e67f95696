/* CUDA loop kernels of the random generators (the ops whose unit is random
 * in the op table, op_table.h; see loop_cuda_kernels.cuh).  Their
 * semantics (elem_random.h, Random123) come before the kernels' templates,
 * which name them; the other units never instantiate them. */
#include "elem_random.h"
#include "loop_cuda_kernels.cuh"

lnpc::launch_fn lnpc::part_random(int op, int dt) { return OpPart<U_random>::get(op, dt); }
