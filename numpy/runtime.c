/* Starting and stopping StarPU for legate.numpy, at the top of the engine
 * layer: the environment StarPU starts with (GPUs per rank, submission
 * window, scheduler, tracing), the tile size, and the order of start and
 * stop of everything below it: StarPU or StarPU-MPI (distributed.c), the
 * codelets, the batches (batch.c), the tile pool (tile_pool.c), the SPMD
 * check (spmd_check.c) and the engine's state (engine_state.c, which also
 * counts the tasks in flight and pauses idle workers).  Also the wait for
 * every task and the description of the workers.  Nothing of the engine
 * calls back up into this file. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lnp.h"
#include "engine_state.h"
#include "../codelets/codelets.h"
#include "../scheduler/locality.h"
#ifdef LNP_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

static int64_t lnp_tile_elems = 0;
static int lnp_verbose = 0;

/* Tiles of 256K elements (2 MiB of float64): tasks of ~0.1-1 ms on a CPU core,
 * well above StarPU's per-task overhead of a few microseconds. */
#define LNP_DEFAULT_TILE_ELEMS (256 * 1024)
/* With GPUs, a large array gets one tile per GPU (over all ranks), of at
 * least 16M elements (128 MiB of float64) and at most 2^28 elements or 1/16
 * of a GPU's memory.  Every task costs ~20-30 us of host time (Python,
 * StarPU) however small: on one H200 a 2^28-element add took 2.27 ms with
 * 16 tiles and 1.61 ms with one, a sum 1.84 vs 0.78 ms, a Jacobi sweep on
 * 16384^2 9.05 vs 6.69 ms.  Stencil neighbours on other GPUs are copied as
 * thin halo pieces (launch.c), so big tiles cost nothing there. */
#define LNP_GPU_TILE_ELEMS (16 * 1024 * 1024)
#define LNP_GPU_TILE_MAX ((int64_t)1 << 28)
static int lnp_tile_spread = 0;      /* GPUs the tiles of an array spread over (0: fixed tiles) */
static uint64_t lnp_gpu_mem_bytes = 0; /* memory StarPU may use on one GPU */

int64_t lnp_runtime_tile_elems(void) { return lnp_tile_elems; }

int64_t lnp_runtime_tile_target(int64_t nelem, size_t itemsize)
{
  if (lnp_tile_spread <= 0 || nelem <= 0) return lnp_tile_elems;
  int64_t cap = LNP_GPU_TILE_MAX;
  if (lnp_gpu_mem_bytes && itemsize && (int64_t)(lnp_gpu_mem_bytes / 16 / itemsize) < cap)
    cap = (int64_t)(lnp_gpu_mem_bytes / 16 / itemsize);
  if (cap < 1) cap = 1;
  int64_t t = (nelem + lnp_tile_spread - 1) / lnp_tile_spread;
  if (t < lnp_tile_elems) t = lnp_tile_elems;
  return t < cap ? t : cap;
}

/* the memory StarPU may use on the first CUDA worker's device (bytes) */
static uint64_t lnp_gpu_memory(void)
{
#ifdef LNP_HAVE_CUDA
  const char *lim = getenv("STARPU_LIMIT_CUDA_MEM");
  if (lim && atoll(lim) > 0) return (uint64_t)atoll(lim) << 20;
  int w = -1;
  if (starpu_worker_get_ids_by_type(STARPU_CUDA_WORKER, &w, 1) == 1 && w >= 0) {
    struct cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, starpu_worker_get_devid(w)) == cudaSuccess) return prop.totalGlobalMem;
    cudaGetLastError();
  }
#endif
  return 0;
}

/* lnp_runtime_wait's polling before it blocks (see spin_until_idle) */
static long lnp_wait_spin_ns = 0;

/* The submission window (lnp_runtime_throttle): at most this many of our
 * tasks in flight when an operation starts, then down to the low mark. */
static long lnp_window_high = 0, lnp_window_low = 0;

/* Number of CUDA devices StarPU will use (STARPU_NCUDA, else all present),
 * known before starpu_init so that the scheduler and tiling can follow. */
static int lnp_cuda_devices_planned(void)
{
#ifdef LNP_HAVE_CUDA
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError(); /* no driver / no device: clear the sticky error */
    return 0;
  }
  const char *env = getenv("STARPU_NCUDA");
  if (env && *env) {
    int want = atoi(env);
    if (want >= 0 && want < n) n = want;
  }
  return n;
#else
  return 0;
#endif
}

/* This rank's index among the ranks of its node, and their number, from
 * the launcher's environment (OpenMPI, Slurm); 0 when unknown. */
static int lnp_local_ranks(int *rank, int *size)
{
  const char *lr = getenv("OMPI_COMM_WORLD_LOCAL_RANK"), *ls = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (!lr) { lr = getenv("SLURM_LOCALID"); ls = getenv("SLURM_NTASKS_PER_NODE"); }
  if (!lr) return 0;
  *rank = atoi(lr);
  *size = ls && atoi(ls) > 0 ? atoi(ls) : 1;
  return 1;
}

/* Several ranks on one node share its GPUs: local rank r takes devices
 * r*G .. r*G+G-1 (G = STARPU_NCUDA, else an equal share, at least one),
 * unless STARPU_WORKERS_CUDAID already says which. */
static void lnp_split_gpus_between_ranks(void)
{
#ifdef LNP_HAVE_CUDA
  if (!lnp_mpi_wanted() || getenv("STARPU_WORKERS_CUDAID")) return;
  int rank, size;
  if (!lnp_local_ranks(&rank, &size)) return;
  int ndev = 0;
  if (cudaGetDeviceCount(&ndev) != cudaSuccess || ndev <= 0) { cudaGetLastError(); return; }
  const char *want = getenv("STARPU_NCUDA");
  int g = want && *want ? atoi(want) : ndev / size;
  if (g <= 0) {
    if (want && *want) return; /* --gpus 0 */
    g = 1;
  }
  char ids[256] = "", num[16];
  for (int i = 0; i < g; i++) {
    snprintf(num, sizeof num, "%s%d", i ? " " : "", (rank * g + i) % ndev);
    strncat(ids, num, sizeof ids - strlen(ids) - 1);
  }
  setenv("STARPU_WORKERS_CUDAID", ids, 1);
  snprintf(num, sizeof num, "%d", g);
  setenv("STARPU_NCUDA", num, 1);
#endif
}

/* OpenBLAS, when that is the BLAS linked in: CPU matmul tasks call it from
 * every worker, so its own thread pool would only spin beside them */
extern void openblas_set_num_threads(int n) __attribute__((weak));

/* Ranks crowding a node (more busy threads than cores: each rank has its
 * workers and StarPU-MPI's progression thread, besides Python): the
 * progression thread, which polls MPI without pause while any receive is
 * posted, then waits up to 2 ms between idle polls (our StarPU patch,
 * STARPU_MPI_POLL_SLEEP_US).  2 ranks on 2 cores: it took 43% of the CPU
 * without; with 2 ms rather than 0.5 the examples ran faster still
 * (channel flow 2048^2, 2 steps: 6.2 s against 6.8; Jacobi 6000^2 x30: 6.4
 * against 6.8-7.4): the CPU it takes counts more than the latency. */
static void lnp_mpi_poll_sleep_if_crowded(void)
{
  int rank = 0, size = 1;
  lnp_local_ranks(&rank, &size);
  const long local = size, cores = sysconf(_SC_NPROCESSORS_ONLN);
  const char *nc = getenv("STARPU_NCPU");
  long workers = nc && *nc ? atol(nc) : cores / local;
  if (workers < 0) workers = 0;
  if (cores > 0 && local * (workers + 1) > cores) setenv("STARPU_MPI_POLL_SLEEP_US", "2000", 0);
}

/* Back-pressure.  Python submits a loop in a few microseconds and a CPU
 * task of a default tile runs ~0.1-1 ms, so a loop that never reads a
 * value back ran thousands of iterations ahead of the workers, each
 * submitted task holding its cl_arg, StarPU's task and job, the implicit
 * dependencies on its tiles and the temporaries' handles: a Jacobi loop of
 * 10,000 sweeps on 1000^2 grew from 230 to 708 MB before its first read.
 * Operations therefore start only while at most lnp_window_high loops of
 * our tasks are in flight (a batch task counts its loops: 512 batches of
 * 16 slow loops kept Ctrl-C waiting a minute), else they wait (a blocking
 * wait: the GIL is released) until lnp_window_low are; within one
 * operation nothing waits, so the bound is the window plus one
 * operation's tasks.  The window keeps every worker fed (dozens of tasks
 * queued per worker) and is only reached when the workers are the
 * bottleneck, where waiting costs nothing; it also bounds how long Ctrl-C
 * or an exit waits for the queued work.  StarPU's own
 * STARPU_LIMIT_MAX_SUBMITTED_TASKS waits inside starpu_task_submit, with
 * the GIL held and in the middle of an operation; with GPUs the runtime
 * sets it (a tighter window per GPU, for speed), and then ours is off.
 * LEGATE_NUMPY_WINDOW=N sets the high mark (0: no bound). */
static void lnp_window_setup(void)
{
  long high = 64L * (long)starpu_worker_get_count();
  if (high < 512) high = 512;
  if (getenv("STARPU_LIMIT_MAX_SUBMITTED_TASKS")) high = 0;
  const char *e = getenv("LEGATE_NUMPY_WINDOW");
  if (e && *e) high = atol(e);
  lnp_window_high = high > 0 ? high : 0;
  lnp_window_low = lnp_window_high / 2;
}

/* lnp_runtime_wait is a fence for the other threads: an operation that
 * starts while one waits for every task waits for that wait to end.  A
 * daemon thread that kept submitting kept starpu_task_wait_for_all from
 * ever returning (the floating-point report's wait at exit hung).  The
 * count changes with the GIL held; the condition wakes the fenced. */
static pthread_mutex_t lnp_fence_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lnp_fence_cv = PTHREAD_COND_INITIALIZER;
static int lnp_fence_waits = 0;

static void fence_enter(void)
{
  pthread_mutex_lock(&lnp_fence_mu);
  lnp_fence_waits++;
  pthread_mutex_unlock(&lnp_fence_mu);
}

static void fence_leave(void)
{
  pthread_mutex_lock(&lnp_fence_mu);
  if (--lnp_fence_waits == 0) pthread_cond_broadcast(&lnp_fence_cv);
  pthread_mutex_unlock(&lnp_fence_mu);
}

void lnp_runtime_settle(void)
{
  if (!lnp_runtime_initialized()) return;
  (void)lnp_batch_flush();
  lnp_runtime_activate();
  starpu_task_wait_for_all();
  lnp_runtime_maybe_idle();
}

void lnp_runtime_throttle(void)
{
  if (lnp_fence_waits) {
    void *t = lnp_block_begin();
    pthread_mutex_lock(&lnp_fence_mu);
    while (lnp_fence_waits) pthread_cond_wait(&lnp_fence_cv, &lnp_fence_mu);
    pthread_mutex_unlock(&lnp_fence_mu);
    lnp_block_end(t);
  }
  if (lnp_window_high > 0 && lnp_runtime_inflight_loops() > lnp_window_high)
    lnp_runtime_wait_loops_below(lnp_window_low);
}

/* OpenMP groups (bin/legate --omps N --ompthreads T, as
 * LEGATE_NUMPY_OMPS / LEGATE_NUMPY_OMPTHREADS): N CPU workers that each
 * lead T cores (codelets/cpu_groups.c).  Unless STARPU_NCPU says how many
 * CPU workers in all (--cpus C as well gives N + C), there are N.  T
 * defaults to the cores left to this process over N.  0 groups: off. */

static lnp_status lnp_env_count(const char *name, int min, int *out)
{
  const char *e = getenv(name);
  *out = 0;
  if (!e || !*e) return LNP_OK;
  char *end;
  long v = strtol(e, &end, 10);
  if (*end || v < min || v > 4096)
    return lnp_error(LNP_EVALUE, "%s must be an integer from %d to 4096, got '%s'", name, min, e);
  *out = (int)v;
  return LNP_OK;
}

static lnp_status lnp_omp_groups_plan(int gpus, int *groups, int *threads)
{
  *groups = *threads = 0;
  int n, t;
  if (lnp_env_count("LEGATE_NUMPY_OMPS", 0, &n) != LNP_OK || lnp_env_count("LEGATE_NUMPY_OMPTHREADS", 1, &t) != LNP_OK)
    return LNP_EVALUE;
  if (n == 0) return LNP_OK;
  if (t == 0) {
    int rank = 0, size = 1;
    lnp_local_ranks(&rank, &size);
    long cores = sysconf(_SC_NPROCESSORS_ONLN) / (size > 0 ? size : 1) - gpus;
    t = cores / n > 1 ? (int)(cores / n) : 1;
  }
  *groups = n;
  *threads = t;
  const char *nc = getenv("STARPU_NCPU");
  if (!nc || !*nc) {
    char num[16];
    snprintf(num, sizeof num, "%d", n);
    setenv("STARPU_NCPU", num, 1);
  }
  return LNP_OK;
}

lnp_status lnp_runtime_init(const lnp_config *cfg)
{
  if (lnp_runtime_initialized()) return LNP_OK;
  lnp_engine_set_test_mode(cfg->test_mode);
  lnp_cpu_set_split_everything(cfg->test_mode);
  if (openblas_set_num_threads && !getenv("OPENBLAS_NUM_THREADS")) openblas_set_num_threads(1);
  lnp_split_gpus_between_ranks();
  const int gpus = lnp_cuda_devices_planned();
  int omp_groups, omp_threads;
  if (lnp_omp_groups_plan(gpus, &omp_groups, &omp_threads) != LNP_OK) return LNP_EVALUE;
  lnp_tile_elems = cfg->tile_elems > 0 ? cfg->tile_elems : gpus > 0 ? LNP_GPU_TILE_ELEMS : LNP_DEFAULT_TILE_ELEMS;
  lnp_verbose = cfg->verbose;
  /* identical GPUs share one performance model (calibrated once, not per
   * device) */
  setenv("STARPU_PERF_MODEL_HOMOGENEOUS_CUDA", "1", 0);
  if (gpus > 0 && !getenv("STARPU_LIMIT_MAX_SUBMITTED_TASKS")) {
    /* A submission window: Python submits a task in ~25 us while a GPU runs
     * one in 5-200 us, so without a bound thousands of tasks queue up, each
     * with its output allocated (dmda prefetches) and long reader lists on
     * the tiles; the channel flow at 4096^2 ran 5x slower than with 32 tasks
     * in flight per GPU (measured on an H200: 715 vs 147 ms per step). */
    char max[32], min[32];
    snprintf(max, sizeof max, "%d", 32 * gpus);
    snprintf(min, sizeof min, "%d", 16 * gpus);
    setenv("STARPU_LIMIT_MAX_SUBMITTED_TASKS", max, 1);
    setenv("STARPU_LIMIT_MIN_SUBMITTED_TASKS", min, 1);
  }
  /* No background write-back of GPU tiles ("tidying": StarPU keeps 5-10% of
   * a GPU's buffers clean by copying dirty ones to freshly allocated host
   * memory).  Our tiles have no home node, so what it copied was mostly
   * temporaries about to be unregistered: with loop batching, which keeps
   * more of them alive at once, channel flow at 4096^2 moved 2.6 GB to the
   * host in 8 steps at 1.3 GB/s and ran 2-3x slower.  Eviction when a GPU is
   * really full still writes back what it must. */
  if (gpus > 0) {
    setenv("STARPU_MINIMUM_CLEAN_BUFFERS", "0", 0);
    setenv("STARPU_TARGET_CLEAN_BUFFERS", "0", 0);
  }
  /* StarPU's own chatter (calibration notices) only when asked for */
  if (!cfg->verbose) setenv("STARPU_SILENT", "1", 0);
  /* StarPU is built with FxT; tracing costs several microseconds per task and
   * writes a file per run, so it is on only when asked for (STARPU_FXT_TRACE=1
   * or a STARPU_FXT_PREFIX, which the driver's --profile will set). */
  if (!getenv("STARPU_FXT_TRACE") && !getenv("STARPU_FXT_PREFIX")) setenv("STARPU_FXT_TRACE", "0", 1);
  struct starpu_conf conf;
  starpu_conf_init(&conf);
  if (cfg->ncpus >= 0) conf.ncpus = cfg->ncpus;
  /* With GPUs and every core otherwise taken by a worker, keep one core for
   * the Python thread that submits the tasks (StarPU honours this only when
   * it picks the CPU worker count itself). */
  else if (gpus > 0 && conf.reserve_ncpus <= 0) conf.reserve_ncpus = 1;
  /* The policy: --sched / STARPU_SCHED if given (any StarPU policy, or our
   * "lnp"); otherwise "lnp" with GPUs (tasks follow their tiles, first
   * touch block-distributed over the GPUs: work stealing would bounce
   * tiles between GPUs) and StarPU's default (lws) on CPUs only. */
  const char *sched = cfg->sched && *cfg->sched ? cfg->sched : getenv("STARPU_SCHED");
  if (sched && !*sched) sched = NULL;
  if (!sched && gpus > 0) sched = "lnp";
  if (sched && !strcmp(sched, "lnp")) {
    conf.sched_policy = &lnp_sched_policy;
    conf.sched_policy_name = NULL; /* starpu_conf_init copied STARPU_SCHED there */
    lnp_sched_set_cost_fn(lnp_codelets_task_cost_us);
  }
  else if (sched) conf.sched_policy_name = sched;
  /* OpenCL is disabled at build time; no MPI in this process yet */
  /* several ranks: StarPU-MPI starts StarPU (and reserves a core for its
   * progression thread) */
  const int mpi = lnp_mpi_wanted();
  if (mpi) lnp_mpi_poll_sleep_if_crowded();
  /* Idle CUDA workers poll instead of blocking (our StarPU patch
   * starpu-1.3.10-cuda-spin): on the 2xH200 hosts a Jacobi sweep's halo copy
   * waited up to 300 us for its blocked worker to wake.  A core per GPU,
   * as CUDA's own spin-wait takes; only with cores to spare and not under
   * MPI (ranks share the cores).  STARPU_CUDA_SPIN=0/1 overrides. */
  if (!mpi && sysconf(_SC_NPROCESSORS_ONLN) >= 8) setenv("STARPU_CUDA_SPIN", "1", 0);
  int ret = mpi ? lnp_mpi_start(&conf) : starpu_init(&conf);
  if (ret == -ENODEV) return lnp_error(LNP_ERUNTIME, "StarPU found no worker to run tasks (check STARPU_NCPU / STARPU_NCUDA)");
  if (ret) return lnp_error(LNP_ERUNTIME, "starpu_init failed (error %d)", ret);
  if (lnp_codelets_init() != 0) {
    if (lnp_mpi_enabled()) lnp_mpi_stop();
    else starpu_shutdown();
    return lnp_error(LNP_ERUNTIME, "could not set up the CUDA workers (cuBLAS, device scratch)");
  }
  /* Pausing idle workers saves the core of the one polling worker, which
   * matters when the Python thread has no core of its own; otherwise every
   * resume (a broadcast waking all workers) only adds latency to the next
   * task.  LEGATE_NUMPY_IDLE_PAUSE=0/1 overrides. */
  const char *pause_env = getenv("LEGATE_NUMPY_IDLE_PAUSE");
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (pause_env && *pause_env) lnp_engine_set_idle_pause(strcmp(pause_env, "0") != 0);
  /* under MPI, sends of a tile the ranks need may wait on a worker: never
   * pause there */
  else lnp_engine_set_idle_pause(!lnp_mpi_enabled() && cores > 0 && (long)starpu_worker_get_count() + 1 > cores);
  if (gpus > 0 && cfg->tile_elems <= 0 && starpu_cuda_worker_get_count() > 0) {
    lnp_tile_spread = (int)starpu_cuda_worker_get_count() * (lnp_mpi_enabled() ? lnp_mpi_size() : 1);
    lnp_gpu_mem_bytes = lnp_gpu_memory();
  } else {
    lnp_tile_spread = 0;
  }
  /* spin before blocking in lnp_runtime_wait with GPUs: their work leaves
   * the CPU workers idle (GPU-only placement) or mostly so; never on CPU
   * workers alone (the 2-core CI machine) or under MPI (ranks share cores) */
  const char *spin_env = getenv("LEGATE_NUMPY_WAIT_SPIN");
  if (spin_env && *spin_env) lnp_wait_spin_ns = atol(spin_env) * 1000L;
  else lnp_wait_spin_ns = starpu_cuda_worker_get_count() > 0 && !lnp_mpi_enabled() && cores > 1 ? 2000000L : 0;
  lnp_window_setup();
  if (lnp_cpu_groups_setup(omp_groups, omp_threads))
    fprintf(stderr, "legate.numpy: warning: %d OpenMP groups of %d threads need more cores than this process has "
                    "free beside its other workers; the groups share cores\n", omp_groups, omp_threads);
  lnp_engine_set_stopping(0);
  lnp_engine_set_initialized(1);
  lnp_engine_watch_fork();
  /* a task needing more than half of a GPU's memory at once runs on a CPU
   * worker (with the rest taken by other tiles it could wait forever) */
  lnp_codelets_set_gpu_task_bytes((size_t)(lnp_gpu_memory() / 2));
  lnp_batch_init(lnp_gpu_memory());
  lnp_tile_pool_init(lnp_gpu_memory());
  lnp_host_memory_init(starpu_cuda_worker_get_count() > 0);
  lnp_spmd_check_init();
  lnp_rank_exit_init();
  if (lnp_verbose) {
    char *d = lnp_runtime_describe();
    fputs(d, stderr);
    free(d);
  }
  lnp_runtime_maybe_idle();
  return LNP_OK;
}

/* The end of the runtime in two steps.  lnp_runtime_quiesce, from Python's
 * atexit with the GIL held: other Python threads (daemon threads still
 * running legate.numpy code when the main thread ends) run whenever this
 * thread waits: from the start the bindings park any thread that begins an
 * operation (lnp_runtime_stopping), and the loop below waits until every
 * thread that was inside a wait (lnp_block_begin .. end) has left it and no
 * task is left.  A daemon thread submitting while StarPU shut down used to
 * abort on an unregistered handle, or keep the wait below from ever
 * returning.  Only the thread that quiesced may operate afterwards.
 *
 * lnp_runtime_finish stops StarPU.  A single process runs it from a C-level
 * Py_AtExit, after the interpreter's module teardown: objects held by the
 * program's globals are destroyed there, and their __del__ methods compute
 * with NumPy, so with us too.  Under MPI it follows the quiesce at once: the
 * ranks agreed to end at this point (rank_exit.c), and work after it, which
 * no rank could agree on, must not leave one rank waiting for another. */
static int lnp_quiesced = 0;

int lnp_runtime_quiesced(void) { return lnp_quiesced; }

void lnp_runtime_quiesce(void)
{
  if (!lnp_runtime_initialized() || lnp_quiesced) return;
  /* tasks wait for messages no rank will send: waiting for them would hang */
  if (lnp_spmd_diverged()) return;
  lnp_engine_set_stopping(1);
  /* under MPI every rank must end at the same point of the program, or
   * the job is aborted (rank_exit.c) instead of hanging */
  lnp_rank_exit_agree();
  for (;;) {
    (void)lnp_batch_flush();
    lnp_tile_pool_drain(); /* and closes the pool: later releases unregister */
    lnp_runtime_activate();
    void *t = lnp_block_begin();
    starpu_task_wait_for_all();
    lnp_block_end(t);
    if (lnp_engine_blocked() == 0 && starpu_task_nsubmitted() == 0) break;
    t = lnp_block_begin();
    usleep(1000);
    lnp_block_end(t);
  }
  lnp_quiesced = 1;
}

/* Without the GIL's hooks when the interpreter is gone (at_exit): no other
 * thread can enter the library then, and the tasks left are the module
 * teardown's. */
void lnp_runtime_finish(void)
{
  if (!lnp_runtime_initialized()) return;
  if (lnp_spmd_diverged()) {
    lnp_spmd_check_fini(); /* the ranks end together */
    lnp_engine_set_initialized(0);
    return;
  }
  (void)lnp_batch_flush();
  lnp_tile_pool_drain();
  lnp_runtime_activate();
  void *t = lnp_block_begin();
  starpu_task_wait_for_all();
  lnp_block_end(t);
  lnp_runtime_activate();
  lnp_engine_set_initialized(0);
  lnp_codelets_shutdown();
  lnp_rank_exit_fini();
  lnp_spmd_check_fini();
  if (lnp_mpi_enabled()) lnp_mpi_stop();
  else starpu_shutdown();
  lnp_quiesced = 0;
}

void lnp_runtime_shutdown(void)
{
  lnp_runtime_quiesce();
  lnp_runtime_finish();
}

/* Waking a thread blocked in starpu_task_wait_for_all took 16-18 us after
 * the last task's callback on one H200 machine and 20-270 us on the 2xH200
 * ones (a sum of 2^28 is ~500 us in all; polling: 11-23 us): first poll
 * StarPU's count of unfinished tasks for up to lnp_wait_spin_ns
 * (LEGATE_NUMPY_WAIT_SPIN, us), then block. */
static void spin_until_idle(void)
{
  if (lnp_wait_spin_ns <= 0) return;
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (unsigned i = 1; starpu_task_nsubmitted() > 0; i++) {
    if ((i & 63) == 0) {
      clock_gettime(CLOCK_MONOTONIC, &t);
      if ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) > lnp_wait_spin_ns) return;
    }
  }
}

lnp_status lnp_runtime_wait(void)
{
  if (!lnp_runtime_initialized()) return LNP_OK;
  lnp_status bst = lnp_batch_flush();
  if (bst) return bst;
  lnp_runtime_activate();
  fence_enter();
  void *t = lnp_block_begin();
  spin_until_idle();
  int ret = starpu_task_wait_for_all();
  lnp_block_end(t);
  fence_leave();
  lnp_runtime_maybe_idle();
  if (ret) return lnp_error(LNP_ERUNTIME, "starpu_task_wait_for_all failed (error %d)", ret);
  return lnp_runtime_check_tasks();
}

lnp_status lnp_runtime_check_tasks(void)
{
  char msg[512];
  if (lnp_codelets_take_error(msg, sizeof msg)) return lnp_error(LNP_ERUNTIME, "a task failed: %s", msg);
  return LNP_OK;
}

char *lnp_runtime_describe(void)
{
  size_t cap = 4096, used = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  struct starpu_sched_policy *pol = starpu_sched_ctx_get_sched_policy(0);
  char rankinfo[64] = "";
  if (lnp_mpi_enabled()) snprintf(rankinfo, sizeof rankinfo, ", MPI rank %d of %d", lnp_mpi_rank(), lnp_mpi_size());
  unsigned nw = starpu_worker_get_count();
  used += (size_t)snprintf(buf + used, cap - used, "legate.numpy: StarPU %d.%d.%d%s, scheduler %s, %u workers (%u CPU, %u CUDA%s), tiles of %s%lld elements%s%s\n",
                           STARPU_MAJOR_VERSION, STARPU_MINOR_VERSION, STARPU_RELEASE_VERSION, rankinfo,
                           pol && pol->policy_name ? pol->policy_name : "?", nw,
                           starpu_cpu_worker_get_count(), starpu_cuda_worker_get_count(),
                           lnp_codelets_gpu_only() ? "; GPU tasks on CUDA workers only" : "",
                           lnp_tile_spread > 0 ? "one per GPU, at least " : "", (long long)lnp_tile_elems, lnp_runtime_test_mode() ? " (test mode: 3 per dimension)" : "",
                           lnp_engine_idle_pause() ? ", idle workers paused" : "");
  for (unsigned w = 0; w < nw && used + 128 < cap; w++) {
    char name[64];
    starpu_worker_get_name((int)w, name, sizeof name);
    used += (size_t)snprintf(buf + used, cap - used, "  worker %u: %s\n", w, name);
  }
  used += (size_t)lnp_cpu_groups_describe(buf + used, cap - used);
  return buf;
}
