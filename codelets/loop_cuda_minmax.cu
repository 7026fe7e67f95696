/* CUDA loop kernels of MAXIMUM, MINIMUM, FMAX, FMIN, ARCTAN2 and HYPOT (see
 * loop_cuda_kernels.cuh). */
#include "loop_cuda_kernels.cuh"

lnpc::launch_fn lnpc::part_minmax(int op, int dt) { return OpPart<LNP_OP_MAXIMUM, LNP_OP_BITWISE_AND>::get(op, dt); }
