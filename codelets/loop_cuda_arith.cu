/* CUDA loop kernels of the ops whose unit is arith in the op table (op_table.h;
 * see loop_cuda_kernels.cuh). */
#include "loop_cuda_kernels.cuh"

lnpc::launch_fn lnpc::part_arith(int op, int dt) { return OpPart<U_arith>::get(op, dt); }
