/* CUDA loop kernels of the ops whose unit is logic in the op table (op_table.h;
 * see loop_cuda_kernels.cuh). */
#include "loop_cuda_kernels.cuh"

lnpc::launch_fn lnpc::part_logic(int op, int dt) { return OpPart<U_logic>::get(op, dt); }
