/* Set-up and shutdown of the codelets (OpenBLAS threads, cuBLAS handles,
 * each CUDA worker's scratch, the placement policy) and the scheduler's cost
 * model of our tasks (see codelets.h).  The codelets themselves are
 * codelet_loop.c, codelet_matmul.c and batch.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <stdlib.h>
#include <string.h>

#ifdef LNP_HAVE_CUDA
#include <starpu_cublas_v2.h>
#include "fuse.h"
#include "loop_cuda.h"
#endif

/* OpenBLAS's; declared here too in case cblas.h is another vendor's. */
void openblas_set_num_threads(int);

#ifdef LNP_HAVE_CUDA
static void lnp_cuda_worker_init(void *arg)
{
  int *failed = arg;
  if (lnp_loop_cuda_worker_init() != 0) __atomic_store_n(failed, 1, __ATOMIC_RELAXED);
}
#endif

int lnp_codelets_init(void)
{
  /* one BLAS thread per task: StarPU runs one task per core */
  openblas_set_num_threads(1);
  (void)lnp_op_name(0); /* build the op-name table now */
  lnp_codelets_reset_counts();
#ifdef LNP_HAVE_CUDA
  if (starpu_cuda_worker_get_count() > 0) {
    const char *hybrid = getenv("LEGATE_NUMPY_CPU_TASKS");
    lnp_codelets_set_gpu_only(!(hybrid && *hybrid && strcmp(hybrid, "0") != 0));
    starpu_cublas_init();
    int failed = 0;
    starpu_execute_on_each_worker(lnp_cuda_worker_init, &failed, STARPU_CUDA);
    if (failed) return -1;
  }
#endif
  return 0;
}

void lnp_codelets_shutdown(void)
{
#ifdef LNP_HAVE_CUDA
  if (starpu_cuda_worker_get_count() > 0) starpu_cublas_shutdown();
  lnp_fuse_cuda_shutdown();
#endif
  lnp_codelets_set_gpu_only(0);
}


/* A GPU's time for a task, for the scheduler's placement (rough figures of
 * an H100: 2 TB/s achieved bandwidth, 50 TFLOP/s GEMM; only the ratio to
 * the transfer times matters). */
double lnp_codelets_task_cost_us(struct starpu_task *task)
{
  const double mm = lnp_matmul_cost_us(task);
  if (mm >= 0) return mm;
  double bytes = 0;
  for (unsigned i = 0; i < STARPU_TASK_GET_NBUFFERS(task); i++)
    bytes += (double)starpu_data_get_size(STARPU_TASK_GET_HANDLE(task, i));
  return 5.0 + bytes / 2.0e6;
}

