/* CUDA loop kernels of the arithmetic binary ops ADD .. POWER (see
 * loop_cuda_kernels.cuh). */
#include "loop_cuda_kernels.cuh"

lnpc::launch_fn lnpc::part_arith(int op, int dt) { return OpPart<LNP_OP_ADD, LNP_OP_MAXIMUM>::get(op, dt); }
