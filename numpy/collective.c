/* Collectives of the main thread over the MPI ranks (collective.h).
 *
 * MPI is initialised MPI_THREAD_SERIALIZED: only StarPU-MPI's progress
 * thread calls MPI, so the main thread's messages go through StarPU-MPI
 * too, on a handle registered around the host buffer for the call, under
 * tags no tile gets (tile tags count up from 1; spmd_check.c, fp_status.c
 * and rank_exit.c hold INT64_MAX - 1 .. - 7).  A sum goes to rank 0 and
 * back: 2 (R - 1) messages, fine for the few small vectors of a plan.  The
 * wait releases the GIL (lnp_block_begin). */
#include <stdlib.h>
#include <string.h>

#include "collective.h"
#ifdef LNP_HAVE_MPI
#include <mpi.h>
#include <starpu_mpi.h>

#define TAG_SUM_PART ((starpu_mpi_tag_t)INT64_MAX - 8)
#define TAG_SUM_TOTAL ((starpu_mpi_tag_t)INT64_MAX - 9)

lnp_status lnp_mpi_sum_i64(int64_t *v, int64_t n)
{
  if (!lnp_mpi_enabled() || lnp_mpi_size() < 2 || n <= 0) return LNP_OK;
  int64_t *buf = malloc(sizeof *buf * (size_t)n);
  if (!buf) return lnp_error(LNP_ENOMEM, "out of memory");
  starpu_data_handle_t h;
  starpu_vector_data_register(&h, STARPU_MAIN_RAM, (uintptr_t)buf, (uint32_t)n, sizeof *buf);
  MPI_Status status;
  int ret = 0;
  void *blk = lnp_block_begin();
  if (lnp_mpi_rank() == 0) {
    for (int r = 1; r < lnp_mpi_size() && !ret; r++) {
      ret = starpu_mpi_recv(h, r, TAG_SUM_PART, MPI_COMM_WORLD, &status);
      if (ret) break;
      starpu_data_acquire(h, STARPU_R);
      for (int64_t i = 0; i < n; i++) v[i] += buf[i];
      starpu_data_release(h);
    }
    starpu_data_acquire(h, STARPU_W);
    memcpy(buf, v, sizeof *buf * (size_t)n);
    starpu_data_release(h);
    for (int r = 1; r < lnp_mpi_size() && !ret; r++) ret = starpu_mpi_send(h, r, TAG_SUM_TOTAL, MPI_COMM_WORLD);
  } else {
    starpu_data_acquire(h, STARPU_W);
    memcpy(buf, v, sizeof *buf * (size_t)n);
    starpu_data_release(h);
    ret = starpu_mpi_send(h, 0, TAG_SUM_PART, MPI_COMM_WORLD);
    if (!ret) ret = starpu_mpi_recv(h, 0, TAG_SUM_TOTAL, MPI_COMM_WORLD, &status);
    if (!ret) {
      starpu_data_acquire(h, STARPU_R);
      memcpy(v, buf, sizeof *buf * (size_t)n);
      starpu_data_release(h);
    }
  }
  lnp_block_end(blk);
  starpu_data_unregister(h);
  free(buf);
  return ret ? lnp_error(LNP_ERUNTIME, "StarPU-MPI could not sum a vector over the ranks (error %d)", ret) : LNP_OK;
}
#else
lnp_status lnp_mpi_sum_i64(int64_t *v, int64_t n)
{
  (void)v, (void)n;
  return LNP_OK;
}
#endif
