/* Ranks agree before a host read or write, or the program stops with an
 * error instead of hanging.
 *
 * Under MPI every rank runs the same program (SPMD): it creates the same
 * arrays and submits the same operations, so the counter behind tile tags
 * and the count of tasks built (distributed.c) advance alike everywhere.  A
 * program that does otherwise (an array made on rank 0 only, an operation
 * under `if rank == 0`) leaves the two sides of some transfer with
 * different tags, and the first rank that waits for such a tile waits
 * forever.  Host reads and writes are where a rank first waits, so before
 * each one the ranks compare the two counts: every rank sends its counts
 * to rank 0, which answers each with the verdict (the first rank that
 * differs, and both ranks' counts); on a mismatch every rank returns
 * LNP_ERUNTIME (RuntimeError) naming the counts.  Tasks that wait for a
 * message no rank will send never end, so after that the runtime is not
 * shut down at exit: the process ends without waiting for them or
 * finalizing MPI, and mpirun reports an abnormal end.
 *
 * Two small messages a rank per host transfer, through StarPU-MPI (MPI is
 * initialised MPI_THREAD_SERIALIZED: only StarPU-MPI's thread calls MPI),
 * under tags no tile gets (tile tags count up from 1).  They cost: 2 ranks
 * on this 2-core machine took 470-890 us for a scalar read with the check,
 * 90-210 us without.  So, as Legion's checks of control replication, it is
 * for finding the cause of a hang: LEGATE_NUMPY_SPMD_CHECK=1 turns it on,
 * and test mode (LEGATE_NUMPY_TEST=1, the MPI test suites) has it on. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lnp.h"
#ifdef LNP_HAVE_MPI
#include <mpi.h>
#include <starpu_mpi.h>

#define TAG_REPORT ((starpu_mpi_tag_t)INT64_MAX - 1)
#define TAG_VERDICT ((starpu_mpi_tag_t)INT64_MAX - 2)
#define TAG_ENDING ((starpu_mpi_tag_t)INT64_MAX - 6)
#define TAG_END ((starpu_mpi_tag_t)INT64_MAX - 7)
/* how long ranks that diverged wait for each other at the end */
#define END_TOGETHER_SECONDS 10.0

enum { R_TAGS, R_TASKS, R_N };
enum { V_RANK, V_TAGS, V_TASKS, V_ROOT_TAGS, V_ROOT_TASKS, V_N };

static struct {
  int on, diverged;
  int64_t report[R_N], verdict[V_N];
  starpu_data_handle_t h_report, h_verdict;
} C;

void lnp_spmd_check_init(void)
{
  memset(&C, 0, sizeof C);
  if (!lnp_mpi_enabled() || lnp_mpi_size() < 2) return;
  const char *e = getenv("LEGATE_NUMPY_SPMD_CHECK");
  if (e && *e ? !strcmp(e, "0") : !lnp_runtime_test_mode()) return;
  starpu_vector_data_register(&C.h_report, STARPU_MAIN_RAM, (uintptr_t)C.report, R_N, sizeof(int64_t));
  starpu_vector_data_register(&C.h_verdict, STARPU_MAIN_RAM, (uintptr_t)C.verdict, V_N, sizeof(int64_t));
  C.on = 1;
}

int lnp_spmd_diverged(void) { return C.diverged; }

/* Wait for one request until it completes or the deadline passes; 1 if it
 * completed. */
static int wait_until(starpu_mpi_req *req, double deadline)
{
  int done = 0;
  MPI_Status status;
  while (!done && starpu_timing_now() < deadline) {
    if (starpu_mpi_test(req, &done, &status)) return 0;
    if (!done) usleep(1000);
  }
  return done;
}

/* After a divergence no rank finalizes MPI, and mpirun kills every process
 * as soon as one ends that way: a rank still printing its error (the
 * Python traceback, a handler's message) would be cut off.  So the ranks end
 * together: each tells rank 0 it has reached the end, and rank 0 answers
 * every rank once all have.  A rank that never gets there (a loop that
 * catches the error and goes on) must not hang the others, so each wait
 * ends at a deadline. */
static void end_together(void)
{
  const double deadline = starpu_timing_now() + END_TOGETHER_SECONDS * 1e6;
  starpu_mpi_req req;
  void *blk = lnp_block_begin();
  if (lnp_mpi_rank() == 0) {
    int all = 1;
    for (int r = 1; r < lnp_mpi_size() && all; r++)
      all = !starpu_mpi_irecv(C.h_report, &req, r, TAG_ENDING, MPI_COMM_WORLD) && wait_until(&req, deadline);
    for (int r = 1; r < lnp_mpi_size() && all; r++)
      all = !starpu_mpi_isend(C.h_verdict, &req, r, TAG_END, MPI_COMM_WORLD) && wait_until(&req, deadline);
  } else if (!starpu_mpi_isend(C.h_report, &req, 0, TAG_ENDING, MPI_COMM_WORLD) && wait_until(&req, deadline) &&
             !starpu_mpi_irecv(C.h_verdict, &req, 0, TAG_END, MPI_COMM_WORLD)) {
    (void)wait_until(&req, deadline);
  }
  lnp_block_end(blk);
}

void lnp_spmd_check_fini(void)
{
  if (!C.on) return;
  if (C.diverged) {
    end_together();
    C.on = 0;
    return;
  }
  starpu_data_unregister(C.h_report);
  starpu_data_unregister(C.h_verdict);
  C.on = 0;
}

/* the handle's values in C.report / C.verdict, after a receive into it */
static void sync_to_host(starpu_data_handle_t h)
{
  starpu_data_acquire(h, STARPU_R);
  starpu_data_release(h);
}

lnp_status lnp_spmd_check(const char *what)
{
  lnp_rank_exit_note_exchange(); /* before any message of the transfer */
  if (!C.on) return LNP_OK;
  const int64_t tags = lnp_mpi_tags_used(), tasks = (int64_t)lnp_mpi_tasks_built();
  MPI_Status status;
  int ret = 0;
  /* messages and acquires only: a blocking wait (the GIL is released) */
  void *blk = lnp_block_begin();
  if (lnp_mpi_rank() == 0) {
    int64_t v[V_N] = {-1, 0, 0, tags, tasks};
    for (int r = 1; r < lnp_mpi_size() && !ret; r++) {
      ret = starpu_mpi_recv(C.h_report, r, TAG_REPORT, MPI_COMM_WORLD, &status);
      if (ret) break;
      sync_to_host(C.h_report);
      if (v[V_RANK] < 0 && (C.report[R_TAGS] != tags || C.report[R_TASKS] != tasks)) {
        v[V_RANK] = r;
        v[V_TAGS] = C.report[R_TAGS];
        v[V_TASKS] = C.report[R_TASKS];
      }
    }
    starpu_data_acquire(C.h_verdict, STARPU_W);
    memcpy(C.verdict, v, sizeof v);
    starpu_data_release(C.h_verdict);
    for (int r = 1; r < lnp_mpi_size() && !ret; r++)
      ret = starpu_mpi_send(C.h_verdict, r, TAG_VERDICT, MPI_COMM_WORLD);
  } else {
    starpu_data_acquire(C.h_report, STARPU_W);
    C.report[R_TAGS] = tags;
    C.report[R_TASKS] = tasks;
    starpu_data_release(C.h_report);
    ret = starpu_mpi_send(C.h_report, 0, TAG_REPORT, MPI_COMM_WORLD);
    if (!ret) ret = starpu_mpi_recv(C.h_verdict, 0, TAG_VERDICT, MPI_COMM_WORLD, &status);
    if (!ret) sync_to_host(C.h_verdict);
  }
  lnp_block_end(blk);
  if (ret) return lnp_error(LNP_ERUNTIME, "StarPU-MPI could not compare the ranks' progress before %s (error %d)", what, ret);
  if (C.verdict[V_RANK] < 0) return LNP_OK;
  C.diverged = 1;
  return lnp_error(LNP_ERUNTIME,
                   "the ranks diverged before %s: rank %lld has registered %lld tiles and built %lld tasks, rank 0 "
                   "%lld and %lld; under MPI every rank must create the same arrays and run the same operations in "
                   "the same order (no array operation under `if rank == ...`)",
                   what, (long long)C.verdict[V_RANK], (long long)C.verdict[V_TAGS], (long long)C.verdict[V_TASKS],
                   (long long)C.verdict[V_ROOT_TAGS], (long long)C.verdict[V_ROOT_TASKS]);
}

#else /* no MPI */
int lnp_spmd_diverged(void) { return 0; }
void lnp_spmd_check_init(void) {}
void lnp_spmd_check_fini(void) {}
lnp_status lnp_spmd_check(const char *what)
{
  (void)what;
  return LNP_OK;
}
#endif
