/* CUDA loop kernels of the arg-reduction steps (ARGMAX/ARGMIN _ACC/_COMBINE) (see loop_cuda_kernels.cuh). */
#include "loop_cuda_kernels.cuh"

lnpc::launch_fn lnpc::part_arg(int op, int dt) { return OpPart<LNP_OP_ARGMAX_ACC, LNP_NOPS>::get(op, dt); }
