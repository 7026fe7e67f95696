/* Under MPI, a rank that ends its program ends the job with it unless
 * every rank ends at the same point.
 *
 * Every rank runs the same program (SPMD), and a rank waits for its peers
 * all the time: for a tile another rank computes, for a host read every
 * rank takes part in, for the SPMD check's messages.  A rank whose program
 * ends early (an exception raised on that rank only, early or in the middle
 * of a computation, or sys.exit on one rank) used to leave the others
 * waiting forever for messages it would never send, and itself waiting at
 * exit for tasks that needed theirs: the job hung, also with the SPMD
 * check on.
 *
 * Where a rank is in the program is three counts that every rank advances
 * alike: the tiles registered (tags), the tasks built (distributed.c), and
 * the exchanges every rank takes part in (counted here, at the start of
 * each one, before its messages: host transfers, the floating-point status
 * union of fp_status.c).  At exit (lnp_rank_exit_agree, from the shutdown) a rank sends
 * its counts to every other rank and waits for theirs; all equal: the ranks
 * ended together and shut down normally.  A rank that receives the report
 * of a rank that ended while it is still running (a receive posted at the
 * start, its callback in StarPU-MPI's thread) compares: once its own counts
 * are past the ended rank's, it waits for something that rank will never
 * send, so it ends the job with MPI_Abort (status 1, a message naming both
 * ranks' counts) -- at once if it is already past, else at its next
 * blocking wait (lnp_block_begin calls lnp_rank_exit_check) where it is.
 * The counts are atomic and each side writes before it reads the other
 * (the report, then the counts in the callback; the counts, then the
 * reports before a wait), so a rank that blocks just as the report arrives
 * is seen by one of the two.  A rank not yet past the ended rank's point
 * can still get there: everything it waits for up to that point was posted
 * by the ended rank before it ended, and that rank's StarPU-MPI keeps
 * serving it while it waits for the reports.
 *
 * A shape error raised alike on every rank is no exit: a program that
 * catches it goes on on every rank; one that does not ends every rank at
 * the same point, which the agreement accepts.  The messages use tags no
 * tile gets (tile tags count up from 1; the SPMD check uses INT64_MAX - 1
 * and - 2, the floating-point status union - 3 and - 4). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lnp.h"
#include "engine_state.h"
#ifdef LNP_HAVE_MPI
#include <mpi.h>
#include <starpu_mpi.h>

#define TAG_EXIT ((starpu_mpi_tag_t)INT64_MAX - 5)

enum { E_TAGS, E_TASKS, E_XFERS, E_N };

static _Atomic int64_t lnp_xfers = 0;

static struct {
  int on, nranks, rank;
  int64_t mine[E_N];
  int64_t (*theirs)[E_N];        /* per rank: its counts at its exit */
  starpu_data_handle_t h_mine, *h_theirs;
  _Atomic int *arrived;          /* per rank: its report is in theirs[r] */
  _Atomic int reported;          /* reports in (raised before the callback reads the counts) */
  int narrived;                  /* the same, under mu, for the wait at exit */
  pthread_mutex_t mu;
  pthread_cond_t cv;
} X = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void counts(int64_t c[E_N])
{
  c[E_TAGS] = lnp_mpi_tags_used();
  c[E_TASKS] = (int64_t)lnp_mpi_tasks_built();
  c[E_XFERS] = lnp_xfers;
}

static int past(const int64_t *mine, const int64_t *theirs)
{
  for (int i = 0; i < E_N; i++)
    if (mine[i] > theirs[i]) return 1;
  return 0;
}

static _Noreturn void abort_job(int r, const int64_t *mine, const char *where)
{
  const int64_t *t = X.theirs[r];
  fflush(stdout);
  fprintf(stderr,
          "legate.numpy: rank %d of %d: rank %d ended its program after %lld tiles, %lld tasks and %lld "
          "exchanges, and this rank %s (%lld, %lld, %lld): it would wait forever for rank %d.  Under MPI every "
          "rank runs the same operations; an exception or exit on one rank only ends the job.  Aborting every "
          "rank.\n",
          X.rank, X.nranks, r, (long long)t[E_TAGS], (long long)t[E_TASKS], (long long)t[E_XFERS], where,
          (long long)mine[E_TAGS], (long long)mine[E_TASKS], (long long)mine[E_XFERS], r);
  fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
  _exit(1);
}

/* StarPU-MPI's thread: rank r's exit report is in X.theirs[r] */
static void on_report(void *arg)
{
  const int r = (int)(intptr_t)arg;
  X.arrived[r] = 1;
  X.reported++;
  int64_t c[E_N];
  counts(c);
  if (past(c, X.theirs[r])) abort_job(r, c, "has gone past that point");
  pthread_mutex_lock(&X.mu);
  X.narrived++;
  pthread_cond_broadcast(&X.cv);
  pthread_mutex_unlock(&X.mu);
}

void lnp_rank_exit_note_exchange(void) { lnp_xfers++; }

/* before every blocking wait (lnp_block_begin) */
static void check(void)
{
  if (!X.reported) return;
  int64_t c[E_N];
  counts(c);
  for (int r = 0; r < X.nranks; r++)
    if (r != X.rank && X.arrived[r] && past(c, X.theirs[r])) abort_job(r, c, "has gone past that point");
}

void lnp_rank_exit_init(void)
{
  lnp_xfers = 0;
  X.on = 0;
  X.narrived = 0;
  X.reported = 0;
  if (!lnp_mpi_enabled() || lnp_mpi_size() < 2) return;
  X.nranks = lnp_mpi_size();
  X.rank = lnp_mpi_rank();
  X.theirs = calloc((size_t)X.nranks, sizeof *X.theirs);
  X.h_theirs = calloc((size_t)X.nranks, sizeof *X.h_theirs);
  X.arrived = calloc((size_t)X.nranks, sizeof *X.arrived);
  if (!X.theirs || !X.h_theirs || !X.arrived) return; /* no agreement: as before */
  starpu_vector_data_register(&X.h_mine, STARPU_MAIN_RAM, (uintptr_t)X.mine, E_N, sizeof(int64_t));
  for (int r = 0; r < X.nranks; r++) {
    if (r == X.rank) continue;
    starpu_vector_data_register(&X.h_theirs[r], STARPU_MAIN_RAM, (uintptr_t)X.theirs[r], E_N, sizeof(int64_t));
    starpu_mpi_irecv_detached(X.h_theirs[r], r, TAG_EXIT, MPI_COMM_WORLD, on_report, (void *)(intptr_t)r);
  }
  X.on = 1;
  lnp_engine_set_block_check(check);
}

void lnp_rank_exit_agree(void)
{
  if (!X.on) return;
  counts(X.mine);
  for (int r = 0; r < X.nranks; r++)
    if (r != X.rank) starpu_mpi_isend_detached(X.h_mine, r, TAG_EXIT, MPI_COMM_WORLD, NULL, NULL);
  void *t = lnp_block_begin();
  pthread_mutex_lock(&X.mu);
  while (X.narrived < X.nranks - 1) pthread_cond_wait(&X.cv, &X.mu);
  pthread_mutex_unlock(&X.mu);
  lnp_block_end(t);
  for (int r = 0; r < X.nranks; r++)
    if (r != X.rank && memcmp(X.mine, X.theirs[r], sizeof X.mine))
      abort_job(r, X.mine, past(X.mine, X.theirs[r]) ? "ended past that point" : "ended before that point");
}

void lnp_rank_exit_fini(void)
{
  if (!X.on) return;
  lnp_engine_set_block_check(NULL);
  starpu_data_unregister(X.h_mine);
  for (int r = 0; r < X.nranks; r++)
    if (r != X.rank) starpu_data_unregister(X.h_theirs[r]);
  free(X.theirs);
  free(X.h_theirs);
  free(X.arrived);
  X.theirs = NULL;
  X.h_theirs = NULL;
  X.arrived = NULL;
  X.on = 0;
}

#else /* no MPI */
void lnp_rank_exit_init(void) {}
void lnp_rank_exit_agree(void) {}
void lnp_rank_exit_fini(void) {}
void lnp_rank_exit_note_exchange(void) {}
#endif
