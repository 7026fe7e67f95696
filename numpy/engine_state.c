/* The engine's state, at the bottom of the engine layer: whether the runtime
 * is started, test mode, and our tasks in flight, with the idle pause of the
 * workers that follows from them.  runtime.c sets it at start and stop
 * (engine_state.h); the files above (submission, batches, StarPU-MPI, the
 * SPMD check, profiling) read it.  It calls nothing of the engine above it,
 * only StarPU (and codelets/ for the task timeline). */
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include "lnp.h"
#include "engine_state.h"
#include "../codelets/codelets.h"

static int lnp_initialized = 0;
static int lnp_test_mode = 0;
static int lnp_stopping = 0; /* lnp_runtime_shutdown has begun: no new operation */
static int lnp_forked = 0;   /* this process is a child forked after the start */

int lnp_runtime_initialized(void) { return lnp_initialized; }
int lnp_runtime_test_mode(void) { return lnp_test_mode; }
void lnp_engine_set_test_mode(int on) { lnp_test_mode = on; }
int lnp_runtime_stopping(void) { return lnp_stopping; }
void lnp_engine_set_stopping(int on) { lnp_stopping = on; }
int lnp_runtime_forked(void) { return lnp_forked; }

/* StarPU keeps the last awake worker of a context polling even with blocking
 * drivers, so an idle runtime burns a core that the Python thread (NumPy's
 * eager path, the submission loop) needs on small machines.  We count our
 * tasks in flight: the last one to finish pauses the workers (starpu_pause
 * only raises a counter, so a callback may call it), and the next submission
 * or acquire resumes them. */
static pthread_mutex_t lnp_idle_mutex = PTHREAD_MUTEX_INITIALIZER;
static int lnp_pause_enabled = 0; /* decided by lnp_runtime_init */
static int lnp_paused = 0;
static long lnp_inflight = 0;
static long lnp_holds = 0; /* host-side operations that need the workers awake */
/* The loops of our tasks in flight (a batch task counts its loops): what
 * the submission window bounds (runtime.c), with its waiters' wake mark. */
static long lnp_inflight_loops = 0;
static long lnp_loops_wake = 0;
static int lnp_loops_waiters = 0;
static pthread_cond_t lnp_loops_cv = PTHREAD_COND_INITIALIZER;

void lnp_engine_set_initialized(int on)
{
  pthread_mutex_lock(&lnp_idle_mutex);
  lnp_initialized = on;
  pthread_mutex_unlock(&lnp_idle_mutex);
}

/* A child of fork() has only the thread that forked: StarPU's workers and
 * its MPI thread are gone and any lock one of them held stays held.  The
 * child therefore never calls StarPU again: the runtime reads as stopped
 * (its arrays are freed without unregistering; the atexit shutdown returns
 * at once instead of waiting forever for tasks no worker will run), and
 * the bindings raise RuntimeError on its next operation.  Run from
 * pthread_atfork's child handler, so it only sets flags and re-creates our
 * own mutex, which a worker's callback may have held at the fork. */
static void lnp_engine_after_fork_child(void)
{
  if (!lnp_initialized) return;
  pthread_mutex_init(&lnp_idle_mutex, NULL);
  pthread_cond_init(&lnp_loops_cv, NULL);
  lnp_initialized = 0;
  lnp_forked = 1;
  lnp_inflight = 0;
  lnp_inflight_loops = 0;
  lnp_loops_waiters = 0;
  lnp_holds = 0;
  lnp_paused = 0;
}

void lnp_engine_watch_fork(void)
{
  static int registered = 0;
  if (!registered && pthread_atfork(NULL, NULL, lnp_engine_after_fork_child) == 0) registered = 1;
}

void lnp_engine_set_idle_pause(int on) { lnp_pause_enabled = on; }
int lnp_engine_idle_pause(void) { return lnp_pause_enabled; }

void lnp_runtime_activate(void)
{
  pthread_mutex_lock(&lnp_idle_mutex);
  if (lnp_paused) { lnp_paused = 0; starpu_resume(); }
  pthread_mutex_unlock(&lnp_idle_mutex);
}

void lnp_runtime_maybe_idle(void)
{
  pthread_mutex_lock(&lnp_idle_mutex);
  if (lnp_initialized && lnp_pause_enabled && !lnp_paused && lnp_inflight == 0 && lnp_holds == 0) {
    starpu_pause();
    lnp_paused = 1;
  }
  pthread_mutex_unlock(&lnp_idle_mutex);
}

/* An acquire may need a worker (a CUDA worker moves its device's data back
 * to the host): no pause until the matching lnp_runtime_unhold. */
void lnp_runtime_hold(void)
{
  pthread_mutex_lock(&lnp_idle_mutex);
  lnp_holds++;
  if (lnp_paused) { lnp_paused = 0; starpu_resume(); }
  pthread_mutex_unlock(&lnp_idle_mutex);
}

void lnp_runtime_unhold(void)
{
  pthread_mutex_lock(&lnp_idle_mutex);
  lnp_holds--;
  pthread_mutex_unlock(&lnp_idle_mutex);
  lnp_runtime_maybe_idle();
}

void lnp_runtime_task_submitted(long loops)
{
  pthread_mutex_lock(&lnp_idle_mutex);
  lnp_inflight++;
  lnp_inflight_loops += loops;
  if (lnp_paused) { lnp_paused = 0; starpu_resume(); }
  pthread_mutex_unlock(&lnp_idle_mutex);
}

long lnp_runtime_inflight_loops(void)
{
  pthread_mutex_lock(&lnp_idle_mutex);
  const long n = lnp_inflight_loops;
  pthread_mutex_unlock(&lnp_idle_mutex);
  return n;
}

void lnp_runtime_wait_loops_below(long low)
{
  void *t = lnp_block_begin();
  pthread_mutex_lock(&lnp_idle_mutex);
  lnp_loops_waiters++;
  lnp_loops_wake = low; /* one mark for every waiter: the window's */
  while (lnp_inflight_loops > low) pthread_cond_wait(&lnp_loops_cv, &lnp_idle_mutex);
  lnp_loops_waiters--;
  pthread_mutex_unlock(&lnp_idle_mutex);
  lnp_block_end(t);
}

long lnp_runtime_inflight(void)
{
  pthread_mutex_lock(&lnp_idle_mutex);
  const long n = lnp_inflight;
  pthread_mutex_unlock(&lnp_idle_mutex);
  return n;
}

/* LEGATE_NUMPY_TASK_TIMES=1: each task's timeline on stderr, in
 * CLOCK_MONOTONIC ns as Python's perf_counter_ns (batch tasks on a GPU: when
 * the codelet started, when it had launched its kernels, the kernels' GPU
 * time; this callback, i.e. when the worker saw the task end), to take a
 * task's latency apart.  (STARPU_PROFILING=1 adds StarPU's submit time but
 * slows CUDA tasks down 10x.) */
static void lnp_task_times(void)
{
  static int on = -1;
  if (on < 0) on = getenv("LEGATE_NUMPY_TASK_TIMES") != NULL;
  if (!on) return;
  struct starpu_task *t = starpu_task_get_current();
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long now_ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
  long long start = 0, launched = 0;
  float kernel_us = -1.0f;
#ifdef LNP_HAVE_CUDA
  if (t && t->cl == &lnp_cl_batch) (void)lnp_batch_cuda_times(&start, &launched, &kernel_us);
#endif
  const struct starpu_profiling_task_info *pi = t ? t->profiling_info : NULL;
#define LNP_NS(ts) ((long long)(ts).tv_sec * 1000000000LL + (ts).tv_nsec)
  fprintf(stderr, "TASK %s worker %d submit %lld start %lld launched %lld callback %lld kernel_us %.1f\n",
          t && t->name ? t->name : "?", starpu_worker_get_id(), pi ? LNP_NS(pi->submit_time) : 0LL, start, launched, now_ns,
          (double)kernel_us);
#undef LNP_NS
}

/* ---- blocking waits ------------------------------------------------------
 * Every wait of the engine on StarPU (for all tasks, for a tile on the host,
 * for the submission window, for another rank's message) is bracketed by
 * lnp_block_begin/end.  The bindings' hooks release the GIL there and take
 * it back after: the GIL is what serialises the Python threads' calls into
 * the library (stores, the tile pool, the batches have no lock of their
 * own), so it is released only where this thread touches none of them, and
 * other Python threads run while this one waits.  Under MPI a check runs
 * first (rank_exit.c: a rank that ended must not leave this one waiting).
 * The count of threads inside a wait lets the shutdown wait for them to
 * leave the engine before StarPU stops. */
static void *(*lnp_block_release)(void);
static void (*lnp_block_reacquire)(void *);
static void (*lnp_block_check)(void);
static _Atomic int lnp_blocked = 0;

void lnp_set_blocking_hooks(void *(*release)(void), void (*reacquire)(void *))
{
  lnp_block_release = release;
  lnp_block_reacquire = reacquire;
}

void lnp_engine_set_block_check(void (*check)(void)) { lnp_block_check = check; }

void *lnp_block_begin(void)
{
  if (lnp_block_check) lnp_block_check();
  lnp_blocked++;
  return lnp_block_release ? lnp_block_release() : NULL;
}

void lnp_block_end(void *token)
{
  if (lnp_block_reacquire) lnp_block_reacquire(token);
  lnp_blocked--; /* after the GIL: the shutdown sees this thread until it holds it */
}

int lnp_engine_blocked(void) { return lnp_blocked; }

/* arg: the task's loops (lnp_submit_direct's), NULL for 1 */
void lnp_runtime_task_done(void *arg)
{
  const long loops = arg ? (long)(intptr_t)arg : 1;
  lnp_task_times();
  pthread_mutex_lock(&lnp_idle_mutex);
  lnp_inflight_loops -= loops;
  if (lnp_loops_waiters && lnp_inflight_loops <= lnp_loops_wake) pthread_cond_broadcast(&lnp_loops_cv);
  if (--lnp_inflight == 0 && lnp_initialized && lnp_pause_enabled && !lnp_paused && lnp_holds == 0) {
    starpu_pause();
    lnp_paused = 1;
  }
  pthread_mutex_unlock(&lnp_idle_mutex);
}
