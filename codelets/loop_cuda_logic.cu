/* CUDA loop kernels of the bitwise, shift, comparison and logical ops, WHERE, ARANGE, EYE (see loop_cuda_kernels.cuh). */
#include "loop_cuda_kernels.cuh"

lnpc::launch_fn lnpc::part_logic(int op, int dt) { return OpPart<LNP_OP_BITWISE_AND, LNP_OP_ARGMAX_ACC>::get(op, dt); }
