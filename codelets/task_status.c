/* What the codelets share: where tasks may run (GPU-only placement), the
 * channels through which a task reports a failure and its floating-point
 * status, and the count of tasks run per worker kind (see codelets.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"

/* With CUDA workers, a task that a GPU can run is kept off the CPU workers
 * (as Legate does with --gpus): a CPU worker grabbing a 16M-element tile
 * would run it 50x slower and hold the data on the host.  CPU workers keep
 * what only they can run (complex arcsin, integer matmul, ...).
 * LEGATE_NUMPY_CPU_TASKS=1 lets the scheduler use both kinds. */
static int lnp_gpu_only = 0;

int lnp_codelets_gpu_only(void) { return lnp_gpu_only; }
void lnp_codelets_set_gpu_only(int on) { lnp_gpu_only = on; }

/* A task cannot raise: the first failure is kept here and the next wait or
 * host transfer turns it into a Python RuntimeError (lnp_codelets_take_error). */
static pthread_mutex_t lnp_task_err_mutex = PTHREAD_MUTEX_INITIALIZER;
static char lnp_task_err[512];
static int lnp_task_err_set = 0;

void lnp_codelets_report(const char *fmt, ...)
{
  pthread_mutex_lock(&lnp_task_err_mutex);
  if (!lnp_task_err_set) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lnp_task_err, sizeof lnp_task_err, fmt, ap);
    va_end(ap);
    lnp_task_err_set = 1;
  }
  pthread_mutex_unlock(&lnp_task_err_mutex);
}

int lnp_codelets_take_error(char *buf, size_t size)
{
  pthread_mutex_lock(&lnp_task_err_mutex);
  const int had = lnp_task_err_set;
  if (had && buf && size) snprintf(buf, size, "%s", lnp_task_err);
  lnp_task_err_set = 0;
  pthread_mutex_unlock(&lnp_task_err_mutex);
  return had;
}

static size_t lnp_gpu_task_bytes = 0;

void lnp_codelets_set_gpu_task_bytes(size_t bytes) { lnp_gpu_task_bytes = bytes; }

int lnp_codelets_fits_gpu(struct starpu_task *task)
{
  if (!lnp_gpu_task_bytes || !task) return 1;
  size_t total = 0;
  const unsigned nb = STARPU_TASK_GET_NBUFFERS(task);
  for (unsigned i = 0; i < nb; i++) {
    starpu_data_handle_t h = STARPU_TASK_GET_HANDLE(task, i);
    if (h) total += starpu_data_get_size(h);
    if (total > lnp_gpu_task_bytes) return 0;
  }
  return 1;
}

/* read once (the first CUDA loop task); -1: no injection, the common case
 * costs one relaxed load */
static _Atomic long lnp_fault_at = 0, lnp_fault_count = 0;

int lnp_codelets_inject_fault(void)
{
  long at = atomic_load_explicit(&lnp_fault_at, memory_order_relaxed);
  if (at == 0) {
    const char *e = getenv("LEGATE_NUMPY_INJECT_FAULT");
    at = e && !strncmp(e, "cuda:", 5) && atol(e + 5) > 0 ? atol(e + 5) : -1;
    atomic_store(&lnp_fault_at, at);
  }
  return at > 0 && atomic_fetch_add(&lnp_fault_count, 1) + 1 == at;
}

/* tasks run, per kind of worker (for tests and the profile summary) */
static _Atomic uint64_t lnp_tasks_cpu = 0, lnp_tasks_cuda = 0;

void lnp_codelets_count_loops(int cuda, uint64_t n)
{
  if (cuda) lnp_tasks_cuda += n;
  else lnp_tasks_cpu += n;
}

void lnp_codelets_task_counts(uint64_t *cpu, uint64_t *cuda)
{
  if (cpu) *cpu = lnp_tasks_cpu;
  if (cuda) *cuda = lnp_tasks_cuda;
}

/* combined (parallel CPU) workers have ids past the plain ones */
int lnp_codelets_is_cuda_worker(unsigned workerid)
{
  return workerid < starpu_worker_get_count() && starpu_worker_get_type((int)workerid) == STARPU_CUDA_WORKER;
}

void lnp_codelets_reset_counts(void) { lnp_tasks_cpu = lnp_tasks_cuda = 0; }


/* Floating-point status of the host loops (loop.h), per slot, until the
 * Python layer takes it at its next synchronisation: a task cannot warn. */
static _Atomic unsigned lnp_fp_slots[LNP_FP_SLOTS];
static _Atomic int lnp_fp_any = 0;

void lnp_loop_fp_record(int slot, unsigned flags)
{
  if (slot < 0 || slot >= LNP_FP_SLOTS) slot = 0;
  atomic_fetch_or(&lnp_fp_slots[slot], flags);
  lnp_fp_any = 1;
}

/* the GPUs' reports (loop.h LNP_FP_DEV_BYTES), set once by the CUDA side */
static unsigned char *_Atomic lnp_fp_dev_area = NULL;
static _Atomic int lnp_fp_ndev = 0;

void lnp_loop_fp_device_area(unsigned char *area, int ndevices)
{
  lnp_fp_ndev = ndevices;
  lnp_fp_dev_area = area;
}

/* device d's word "a kernel reported", and slot i's four flag bytes */
static _Atomic uint32_t *dev_any_word(unsigned char *area, int d)
{
  return (_Atomic uint32_t *)(void *)(area + (size_t)d * LNP_FP_DEV_BYTES + 4 * LNP_FP_SLOTS);
}

int lnp_codelets_fp_take(unsigned *flags, int nslots)
{
  if (nslots > LNP_FP_SLOTS) nslots = LNP_FP_SLOTS;
  unsigned char *area = lnp_fp_dev_area;
  const int ndev = area ? lnp_fp_ndev : 0;
  uint64_t devs = 0; /* the devices that reported (word first: their bytes were written before it) */
  for (int d = 0; d < ndev && d < 64; d++)
    if (atomic_exchange(dev_any_word(area, d), 0u)) devs |= 1ull << d;
  if (!atomic_exchange(&lnp_fp_any, 0) && !devs) return 0; /* flags untouched: the common case is cheap */
  int any = 0;
  for (int i = 0; i < nslots; i++) {
    unsigned f = atomic_exchange(&lnp_fp_slots[i], 0u);
    for (int d = 0; devs >> d; d++) {
      if (!((devs >> d) & 1)) continue;
      _Atomic uint32_t *w = (_Atomic uint32_t *)(void *)(area + (size_t)d * LNP_FP_DEV_BYTES + 4 * (size_t)i);
      if (!atomic_load_explicit(w, memory_order_relaxed)) continue;
      const uint32_t b = atomic_exchange(w, 0u);
      const unsigned char *by = (const unsigned char *)&b;
      for (int k = 0; k < 4; k++) f |= by[k] ? 1u << k : 0u;
    }
    any |= (flags[i] = f) != 0;
  }
  return any;
}
