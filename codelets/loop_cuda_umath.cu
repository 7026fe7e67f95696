/* CUDA loop kernels of the ops whose unit is umath in the op table (op_table.h;
 * see loop_cuda_kernels.cuh). */
#include "loop_cuda_kernels.cuh"

lnpc::launch_fn lnpc::part_umath(int op, int dt) { return OpPart<U_umath>::get(op, dt); }
