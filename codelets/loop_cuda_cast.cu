/* CUDA loop kernels of the casts, all 14 x 14 dtype pairs (see
 * loop_cuda_kernels.cuh). */
#include "loop_cuda_kernels.cuh"

lnpc::launch_fn lnpc::part_cast(int din, int dout) { return CastPart<>::get(din, dout); }
