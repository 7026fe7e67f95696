/* Processes: StarPU-MPI state, tile registration with tags and owners, and
 * the insertion of a task into StarPU (lnp_submit_direct: locally, or SPMD
 * with owner-computes), below the choice between batch and direct
 * submission (submit.c) and the batches (batch.c), which submit through it.
 * It calls only the engine's state (engine_state.c: tasks in flight) and
 * the task labels (profile.c) below it.
 *
 * Every rank runs the same Python program, so every rank creates the same
 * stores in the same order and submits the same tasks.  Each tile handle is
 * registered on every rank (home node -1: a rank allocates a tile only when
 * it computes it or receives it) with starpu_mpi_data_register under a tag
 * from a counter that advances identically everywhere and never comes back
 * (64-bit), and with its owner rank from the store's placement
 * (scheduler/distribution.h).  starpu_mpi_task_build decides per task whether
 * this rank runs it (it owns the written tile) and posts the sends and
 * receives of the inputs either way. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lnp.h"
#include "profile.h"
#ifdef LNP_HAVE_MPI
#include <mpi.h>
#include <starpu_mpi.h>
#endif

static int lnp_mpi_on = 0, lnp_rank = 0, lnp_nranks = 1;
/* atomic: rank_exit.c reads both from StarPU-MPI's thread */
static _Atomic int64_t lnp_next_tag = 1;

static _Atomic uint64_t lnp_tasks_built = 0; /* starpu_mpi_task_build calls, on every rank alike */

int lnp_mpi_enabled(void) { return lnp_mpi_on; }
int64_t lnp_mpi_tags_used(void) { return lnp_next_tag - 1; }
uint64_t lnp_mpi_tasks_built(void) { return lnp_tasks_built; }
int lnp_mpi_rank(void) { return lnp_rank; }
int lnp_mpi_size(void) { return lnp_nranks; }

/* Launched by mpirun/srun with more than one rank (or LEGATE_NUMPY_MPI=1). */
int lnp_mpi_wanted(void)
{
#ifdef LNP_HAVE_MPI
  const char *force = getenv("LEGATE_NUMPY_MPI");
  if (force && *force) return strcmp(force, "0") != 0;
  static const char *sizes[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS", NULL};
  for (int i = 0; sizes[i]; i++) {
    const char *v = getenv(sizes[i]);
    if (v && atoi(v) > 1) return 1;
  }
#endif
  return 0;
}

int lnp_mpi_start(struct starpu_conf *conf)
{
#ifdef LNP_HAVE_MPI
  int ret = starpu_mpi_init_conf(NULL, NULL, 1, MPI_COMM_WORLD, conf);
  if (ret) return ret;
  starpu_mpi_comm_rank(MPI_COMM_WORLD, &lnp_rank);
  starpu_mpi_comm_size(MPI_COMM_WORLD, &lnp_nranks);
  lnp_mpi_on = 1;
  return 0;
#else
  (void)conf;
  return -ENOSYS;
#endif
}

void lnp_mpi_stop(void)
{
#ifdef LNP_HAVE_MPI
  if (!lnp_mpi_on) return;
  lnp_mpi_on = 0;
  starpu_mpi_shutdown(); /* also stops StarPU */
#endif
}

void lnp_mpi_register_tile(starpu_data_handle_t h, int owner)
{
#ifdef LNP_HAVE_MPI
  if (lnp_mpi_on) starpu_mpi_data_register(h, lnp_next_tag++, owner);
#else
  (void)h; (void)owner;
#endif
}

/* A reused tile (tile_pool.c) takes the tag a new registration would.  Ranks
 * release stores in different orders (Python's cyclic GC runs at
 * rank-dependent times), so the handle each rank takes from its pool may be
 * a different old tile; a fresh tag from the common counter makes the two
 * sides of every message agree again.  Sends and receives already posted
 * keep the old tag (StarPU-MPI copies it into the request), and the old tag
 * stops naming the handle (our StarPU patch starpu-1.3.10-mpi-retag). */
void lnp_mpi_retag_tile(starpu_data_handle_t h)
{
#ifdef LNP_HAVE_MPI
  if (lnp_mpi_on) starpu_mpi_data_set_tag(h, lnp_next_tag++);
#else
  (void)h;
#endif
}

int lnp_mpi_tile_is_local(starpu_data_handle_t h)
{
#ifdef LNP_HAVE_MPI
  if (lnp_mpi_on) return starpu_mpi_data_get_rank(h) == lnp_rank;
#else
  (void)h;
#endif
  return 1;
}

void lnp_mpi_bring_to_all(starpu_data_handle_t h)
{
#ifdef LNP_HAVE_MPI
  if (lnp_mpi_on) starpu_mpi_get_data_on_all_nodes_detached(MPI_COMM_WORLD, h);
#else
  (void)h;
#endif
}

void lnp_mpi_before_host_write(starpu_data_handle_t h)
{
#ifdef LNP_HAVE_MPI
  /* copies other ranks received earlier are stale after the owner's write */
  if (lnp_mpi_on) starpu_mpi_cache_flush(MPI_COMM_WORLD, h);
#else
  (void)h;
#endif
}

lnp_status lnp_submit_direct(struct starpu_codelet *cl, struct starpu_data_descr *descrs, int nbufs, void *arg,
                             size_t arg_size, const char *name)
{
  return lnp_submit_direct_loops(cl, descrs, nbufs, arg, arg_size, name, 1);
}

lnp_status lnp_submit_direct_loops(struct starpu_codelet *cl, struct starpu_data_descr *descrs, int nbufs, void *arg,
                                   size_t arg_size, const char *name, long loops)
{
  void *const done_arg = (void *)(intptr_t)loops; /* lnp_runtime_task_done's */
  int ret;
  const lnp_task_label lab = LNP_TASK_LABEL(name); /* trace name and site (profile.h) */
#ifdef LNP_HAVE_MPI
  if (lnp_mpi_on) {
    lnp_tasks_built++;
    struct starpu_task *task =
        starpu_mpi_task_build(MPI_COMM_WORLD, cl, STARPU_DATA_MODE_ARRAY, descrs, nbufs, STARPU_CL_ARGS, arg,
                              arg_size, STARPU_NAME, lab.name, STARPU_TAG_ONLY, (starpu_tag_t)lab.tag,
                              STARPU_CALLBACK_WITH_ARG_NFREE, lnp_runtime_task_done, done_arg, 0);
    ret = 0;
    if (task) {
      lnp_runtime_task_submitted(loops);
      ret = starpu_task_submit(task);
      if (ret) {
        lnp_runtime_task_done(done_arg);
        task->destroy = 0;
        starpu_task_destroy(task); /* frees arg (cl_arg_free) */
      }
    } else {
      free(arg); /* another rank runs it; ours was never handed over */
    }
    starpu_mpi_task_post_build(MPI_COMM_WORLD, cl, STARPU_DATA_MODE_ARRAY, descrs, nbufs, STARPU_CL_ARGS, NULL,
                               (size_t)0, STARPU_NAME, name, 0);
    return ret ? lnp_error(LNP_ERUNTIME, "StarPU could not submit a %s task (error %d)", name, ret) : LNP_OK;
  }
#endif
  lnp_runtime_task_submitted(loops);
  ret = starpu_task_insert(cl, STARPU_DATA_MODE_ARRAY, descrs, nbufs, STARPU_CL_ARGS, arg, arg_size, STARPU_NAME,
                           lab.name, STARPU_TAG_ONLY, (starpu_tag_t)lab.tag, STARPU_CALLBACK_WITH_ARG_NFREE,
                           lnp_runtime_task_done, done_arg, 0);
  if (ret) {
    lnp_runtime_task_done(done_arg);
    return lnp_error(LNP_ERUNTIME, "StarPU could not submit a %s task (error %d)", name, ret);
  }
  return LNP_OK;
}
