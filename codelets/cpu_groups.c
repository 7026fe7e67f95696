/* OpenMP groups: CPU workers that own several cores (bin/legate --omps N
 * --ompthreads T, Legate's OpenMP processors).
 *
 * Each of the first N CPU workers leads a group of T cores: StarPU binds the
 * worker to one core as usual, the other T-1 come from
 * starpu_get_next_bindid (cores no worker is bound to), and the parallel
 * implementations (STARPU_FORKJOIN codelets: elementwise loops, scans, fused
 * batches, matmul) run with T OpenMP threads there.  The worker's first
 * parallel task widens its own affinity to the group's cores, so the OpenMP
 * threads libgomp creates for it (a thread pool per master thread, reused
 * by its later regions) inherit the group's cores and no other's.
 *
 * Why not StarPU's combined workers: only the parallel policies (peager,
 * pheft) use them, the groups they synthesise from the hwloc tree can't be
 * told "N groups of T", and one parallel task there stops T workers that
 * could each run a task of their own.  Here the policy is any (lws, lnp,
 * dmda, ...); each group is one worker to it.  Under a parallel policy with
 * combined workers, the combined worker's size wins (lnp_cpu_task_threads).
 */

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codelets.h"

static int lnp_group_threads[STARPU_NMAXWORKERS]; /* 0: not a group */
static cpu_set_t lnp_group_cpus[STARPU_NMAXWORKERS];
static int lnp_group_bind = 0;     /* 1: widen the worker's affinity */
static int lnp_group_shared = 0;   /* 1: groups share cores (oversubscribed) */
static _Atomic unsigned long long lnp_parallel_tasks = 0;
static _Thread_local int lnp_group_widened = 0;

int lnp_cpu_groups_setup(int ngroups, int threads)
{
  memset(lnp_group_threads, 0, sizeof lnp_group_threads);
  lnp_group_shared = 0;
  if (ngroups <= 0 || threads <= 1) return 0;
  int ids[STARPU_NMAXWORKERS];
  const int ncpu = starpu_worker_get_ids_by_type(STARPU_CPU_WORKER, ids, STARPU_NMAXWORKERS);
  if (ngroups > ncpu) ngroups = ncpu;
  const char *nobind = getenv("STARPU_WORKERS_NOBIND");
  lnp_group_bind = !(nobind && atoi(nobind) > 0);
  /* every core a worker (CPU or CUDA) is bound to: a group core that is one
   * of them, or another group's, is shared */
  cpu_set_t used;
  CPU_ZERO(&used);
  for (unsigned w = 0; w < starpu_worker_get_count(); w++) {
    const int b = starpu_worker_get_bindid((int)w);
    if (b >= 0) {
      const int os = starpu_get_pu_os_index((unsigned)b);
      if (os >= 0 && os < CPU_SETSIZE) CPU_SET(os, &used);
    }
  }
  for (int g = 0; g < ngroups; g++) {
    const int w = ids[g];
    cpu_set_t *set = &lnp_group_cpus[w];
    CPU_ZERO(set);
    const int own = starpu_worker_get_bindid(w);
    if (own >= 0) {
      const int os = starpu_get_pu_os_index((unsigned)own);
      if (os >= 0 && os < CPU_SETSIZE) CPU_SET(os, set);
    }
    for (int t = 1; t < threads; t++) {
      const int os = starpu_get_pu_os_index(starpu_get_next_bindid(STARPU_THREAD_ACTIVE, NULL, 0));
      if (os < 0 || os >= CPU_SETSIZE) continue;
      if (CPU_ISSET(os, &used)) lnp_group_shared = 1;
      CPU_SET(os, &used);
      CPU_SET(os, set);
    }
    lnp_group_threads[w] = threads;
  }
  return lnp_group_shared;
}

int lnp_cpu_groups_describe(char *buf, size_t cap)
{
  size_t used = 0;
  int ids[STARPU_NMAXWORKERS];
  const int ncpu = starpu_worker_get_ids_by_type(STARPU_CPU_WORKER, ids, STARPU_NMAXWORKERS);
  for (int i = 0; i < ncpu && used + 64 < cap; i++) {
    const int w = ids[i];
    if (!lnp_group_threads[w]) continue;
    used += (size_t)snprintf(buf + used, cap - used, "  OpenMP group: worker %d, %d threads on cores", w,
                             lnp_group_threads[w]);
    for (int c = 0; c < CPU_SETSIZE && used + 16 < cap; c++)
      if (CPU_ISSET(c, &lnp_group_cpus[w])) used += (size_t)snprintf(buf + used, cap - used, " %d", c);
    used += (size_t)snprintf(buf + used, cap - used, "%s\n",
                             lnp_group_shared ? " (shared: more threads than free cores)"
                             : lnp_group_bind ? "" : " (not bound)");
  }
  return (int)used;
}

unsigned long long lnp_cpu_parallel_tasks(void) { return lnp_parallel_tasks; }

/* test mode: every kernel that can split its work over threads does, even
 * on the tiniest tile, so the suite covers the split paths */
static int lnp_par_every_size = 0;

void lnp_cpu_set_split_everything(int on) { lnp_par_every_size = on; }

int64_t lnp_cpu_par_min(int64_t normal) { return lnp_par_every_size ? 1 : normal; }

int lnp_cpu_split(int nthreads, double work, int64_t min_work, int64_t parts)
{
  const double min = (double)lnp_cpu_par_min(min_work);
  int nt = nthreads;
  if (work < (double)nt * min) nt = (int)(work / min);
  if (nt > parts) nt = (int)parts;
  return nt < 1 ? 1 : nt;
}

int lnp_cpu_task_threads(void)
{
  const int combined = starpu_combined_worker_get_size();
  int n = combined > 1 ? combined : 1;
  if (n == 1) {
    const int w = starpu_worker_get_id();
    if (w >= 0 && w < STARPU_NMAXWORKERS && lnp_group_threads[w] > 1) {
      n = lnp_group_threads[w];
      if (lnp_group_bind && !lnp_group_widened) {
        /* before the first parallel region, so libgomp's threads inherit it */
        sched_setaffinity(0, sizeof(cpu_set_t), &lnp_group_cpus[w]);
        lnp_group_widened = 1;
      }
    }
  }
  if (n > 1) lnp_parallel_tasks++;
  return n;
}
