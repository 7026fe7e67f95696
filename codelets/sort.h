/* The sorting tasks (codelet_sort.c; CPU kernels sort_cpu.c, CUDA
 * sort_cuda.cu).  Every dtype is ordered by a key (sort_key.h): NumPy's
 * order, NaNs last, -0.0 equal to 0.0, complex numbers lexicographic with
 * NumPy's NaN classes.  Equal keys keep their order (every kernel is
 * stable), so an argsort is NumPy's kind='stable' result.
 *
 *  lnp_cl_sort    sorts the contiguous lines of one compact tile in place.
 *                 Buffers: the values (STARPU_RW), then with arg the int64
 *                 indices (STARPU_W): line position + base.
 *  lnp_cl_merge   one tile of the merge of P sorted runs (the tiles of a
 *                 1-D store, in order; run r's elements precede run r+1's
 *                 among equal keys): the elements of global rank [out_lo,
 *                 out_lo + size of buffer 0).  Buffers: the output (W:
 *                 values, or with arg the int64 indices), the P runs' values
 *                 (R), then with arg their P index tiles (R).
 *  lnp_cl_search  searchsorted of one tile of values in the P sorted runs
 *                 (a 1-D store's tiles).  Buffers: the int64 result (W), the
 *                 values (R, same dtype), the P runs (R).
 * cl_arg: an lnp_sort_desc. */
#ifndef LNP_SORT_H
#define LNP_SORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The most runs a merge or search task reads: the caller copies a store of
 * more tiles into this many first. */
#define LNP_SORT_MAX_RUNS 64

typedef struct lnp_sort_desc {
  int32_t dtype;
  int32_t arg;    /* sort/merge: argsort (index buffers) */
  int32_t nruns;  /* merge/search: P */
  int32_t right;  /* search: side='right' */
  int64_t line;   /* sort: the line length (the tile's size: one line) */
  int64_t base;   /* sort: added to the indices */
  int64_t out_lo; /* merge: global rank of the output's first element */
} lnp_sort_desc;

/* The CPU kernels (sort_cpu.c), per dtype; n elements, lines of `line`. */
void lnp_sort_lines_cpu(int dtype, void *v, int64_t *idx, int64_t n, int64_t line, int64_t base);
/* runs: P pointers and lengths (the runs' global starts are their running
 * sums); out: m values (idx_runs NULL) or indices. */
void lnp_sort_merge_cpu(int dtype, int P, const void *const *runs, const int64_t *const *idx_runs,
                        const int64_t *len, int64_t out_lo, int64_t m, void *out);
void lnp_sort_search_cpu(int dtype, int P, const void *const *runs, const int64_t *len, const void *v,
                         int64_t n, int right, int64_t *out);

/* The split of runs spread over processes (numpy/sort.c under MPI): this
 * process holds P of the runs (P may be 0); for each of nb global ranks
 * rank[b] (0 < rank[b] < the runs' total over all processes), the key of
 * the element of that rank in the order (key, run), and per local run r
 * less[b * P + r] / eq[b * P + r]: its elements below / equal to that key.
 * sum(v, n, ctx) adds v over the processes in place (a collective every
 * process calls alike), returning 0 or an error, which is returned. */
typedef int (*lnp_sort_sum_fn)(int64_t *v, int64_t n, void *ctx);
int lnp_sort_split_cpu(int dtype, int P, const void *const *runs, const int64_t *len, int nb, const int64_t *rank,
                       lnp_sort_sum_fn sum, void *ctx, int64_t *less, int64_t *eq);

#ifdef LNP_HAVE_CUDA
void lnp_sort_cuda(void *descr[], void *cl_arg);
void lnp_merge_cuda(void *descr[], void *cl_arg);
void lnp_search_cuda(void *descr[], void *cl_arg);
#endif

#ifdef __cplusplus
}
#endif

#endif
