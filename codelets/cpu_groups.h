/* OpenMP groups and the threads of parallel CPU kernels (cpu_groups.c). */
#ifndef LNP_CPU_GROUPS_H
#define LNP_CPU_GROUPS_H

#include <stddef.h>
#include <stdint.h>

/* OpenMP groups (cpu_groups.c): the first ngroups CPU workers each lead
 * `threads` cores; returns 1 when the groups had to share cores. */
int lnp_cpu_groups_setup(int ngroups, int threads);
int lnp_cpu_groups_describe(char *buf, size_t cap);
/* The OpenMP threads a parallel (STARPU_FORKJOIN) CPU implementation uses:
 * the combined worker's size, else the worker's group's, else 1.  Call it
 * in the task, before the parallel region (it widens a group worker's
 * affinity to its group on first use). */
int lnp_cpu_task_threads(void);
/* calls that gave a kernel more than one thread */
unsigned long long lnp_cpu_parallel_tasks(void);
/* The least work (elements, blocks, multiply-adds) a kernel gives each of
 * its threads: `normal`, or 1 after lnp_cpu_set_split_everything(1) (test
 * mode: the split paths run on tiny tiles too). */
int64_t lnp_cpu_par_min(int64_t normal);
void lnp_cpu_set_split_everything(int on);
/* The threads a kernel with nthreads available uses for `work` (elements,
 * blocks, multiply-adds) cut into at most `parts` pieces: each thread gets
 * at least lnp_cpu_par_min(min_work); at least 1. */
int lnp_cpu_split(int nthreads, double work, int64_t min_work, int64_t parts);

#endif
