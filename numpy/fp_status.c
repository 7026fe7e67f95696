/* Floating-point status of deferred operations (lnp.h): which slot a launch
 * reports into, and the taking of what the host loops gathered
 * (codelets/task_status.c).  The tag is per thread, so that Python threads
 * launching at once keep their calls apart.
 *
 * Under MPI a rank gathers only the status of the tasks it ran.  Where the
 * program's course depends on it (np.errstate's 'raise', 'call', 'log'),
 * the ranks OR their slots together first, so that all of them raise or
 * none: rank 0 receives every rank's slots and sends back the union, through
 * StarPU-MPI (only its thread calls MPI) under tags no tile gets, as
 * spmd_check.c does. */
#include <stdlib.h>
#include <string.h>
#include "lnp.h"
#include "../codelets/codelets.h"
#include "../codelets/loop.h"
#ifdef LNP_HAVE_MPI
#include <mpi.h>
#include <starpu_mpi.h>
#endif

_Static_assert(LNP_FP_TAG_END == LNP_FP_SLOTS, "lnp.h and loop.h agree on the slots");
_Static_assert(LNP_NOPS <= LNP_FP_TAG_BASE, "the ops' own slots lie below the Python layer's tags");

static _Thread_local int lnp_fp_tag = 0;

void lnp_fp_set_tag(int tag) { lnp_fp_tag = tag >= LNP_FP_TAG_BASE && tag < LNP_FP_SLOTS ? tag : 0; }

int lnp_fp_slot(int op) { return lnp_fp_tag ? lnp_fp_tag : op; }

#ifdef LNP_HAVE_MPI
#define TAG_FP_REPORT ((starpu_mpi_tag_t)INT64_MAX - 3)
#define TAG_FP_UNION ((starpu_mpi_tag_t)INT64_MAX - 4)

static int or_across_ranks(unsigned *flags, int n)
{
  unsigned *buf = malloc(sizeof *buf * (size_t)n);
  if (!buf) return -1;
  starpu_data_handle_t h;
  starpu_vector_data_register(&h, STARPU_MAIN_RAM, (uintptr_t)buf, (uint32_t)n, sizeof *buf);
  MPI_Status status;
  int ret = 0;
  if (lnp_mpi_rank() == 0) {
    for (int r = 1; r < lnp_mpi_size() && !ret; r++) {
      ret = starpu_mpi_recv(h, r, TAG_FP_REPORT, MPI_COMM_WORLD, &status);
      if (ret) break;
      starpu_data_acquire(h, STARPU_R);
      for (int i = 0; i < n; i++) flags[i] |= buf[i];
      starpu_data_release(h);
    }
    starpu_data_acquire(h, STARPU_W);
    memcpy(buf, flags, sizeof *buf * (size_t)n);
    starpu_data_release(h);
    for (int r = 1; r < lnp_mpi_size() && !ret; r++) ret = starpu_mpi_send(h, r, TAG_FP_UNION, MPI_COMM_WORLD);
  } else {
    starpu_data_acquire(h, STARPU_W);
    memcpy(buf, flags, sizeof *buf * (size_t)n);
    starpu_data_release(h);
    ret = starpu_mpi_send(h, 0, TAG_FP_REPORT, MPI_COMM_WORLD);
    if (!ret) ret = starpu_mpi_recv(h, 0, TAG_FP_UNION, MPI_COMM_WORLD, &status);
    if (!ret) {
      starpu_data_acquire(h, STARPU_R);
      memcpy(flags, buf, sizeof *buf * (size_t)n);
      starpu_data_release(h);
    }
  }
  starpu_data_unregister(h);
  free(buf);
  return ret;
}
#endif

int lnp_fp_take(unsigned *flags, int nslots, int all_ranks)
{
  int any = lnp_codelets_fp_take(flags, nslots);
#ifdef LNP_HAVE_MPI
  if (all_ranks && lnp_mpi_enabled() && lnp_mpi_size() > 1) {
    if (!any) memset(flags, 0, sizeof *flags * (size_t)nslots);
    /* an exchange every rank makes: counted, and its wait a blocking one
     * (the GIL released; a rank that ended ends the job: rank_exit.c) */
    lnp_rank_exit_note_exchange();
    void *blk = lnp_block_begin();
    const int failed = or_across_ranks(flags, nslots);
    lnp_block_end(blk);
    if (failed) {
      lnp_error(LNP_ERUNTIME, "StarPU-MPI could not gather the ranks' floating-point status");
      return -1;
    }
    any = 0;
    for (int i = 0; i < nslots && !any; i++) any = flags[i] != 0;
  }
#else
  (void)all_ranks;
#endif
  return any;
}
