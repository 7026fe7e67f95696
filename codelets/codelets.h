/* StarPU codelets of legate.numpy's CPU kernels.
 *
 *  lnp_cl_loop    the generic strided loop (loop.h): every elementwise op,
 *                 cast, fill, generator and reduction step.  Buffers: the
 *                 tiles the descriptor names (STARPU_VARIABLE_NBUFFERS, modes
 *                 given at submission); cl_arg: the lnp_loop_desc.
 *                 STARPU_FORKJOIN: runs with lnp_cpu_task_threads() OpenMP
 *                 threads (1 on a plain worker).
 *  lnp_cl_matmul  C(m,n) = A(m,k) @ B(k,n) (+ C unless beta_zero) on tiles
 *                 (CUDA: cuBLAS for float32/64, complex64/128).
 *                 Buffers: C, A (STARPU_R), B (STARPU_R); the codelet leaves
 *                 the modes to submission: C is STARPU_W with beta_zero (old
 *                 C is not fetched), else STARPU_RW.  cl_arg: an
 *                 lnp_matmul_desc.  Strides are read from the tiles'
 *                 interfaces (any row stride; unit column stride for BLAS).  float32/64 and complex64/128 through
 *                 OpenBLAS (single-threaded; a group worker splits C over its threads), other dtypes by a
 *                 generic loop (bool: or of ands, integers wrap, float16
 *                 accumulates in float within the tile).
 * Both have history-based perfmodels ("lnp_loop", "lnp_matmul") with
 * footprints over op, dtypes and sizes. */
#ifndef LNP_CODELETS_H
#define LNP_CODELETS_H

#include <stdint.h>
#include <starpu.h>

#include "cpu_groups.h"
#include "loop.h"

typedef struct lnp_matmul_desc {
  int32_t dtype;     /* lnp_dtype of A, B and C */
  int32_t beta_zero; /* 1: C = A @ B, 0: C += A @ B */
  int64_t m, n, k;
} lnp_matmul_desc;

extern struct starpu_codelet lnp_cl_loop;
extern struct starpu_codelet lnp_cl_matmul;
/* lnp_cl_panel: products over the row panels of tall operands, a task per
 * panel of one operand over the other's panels its rows cover
 * (codelet_panel.c).  T: C(m x n) = P[r0:r1]^T @ Q[r0:r1], buffers C, the
 * task's own panel (P's, or Q's: own_is_q), the other's panels; N:
 * Y[r0:r1] = X[r0:r1] @ W (X: k = m columns), buffers Y's tile, W, X's
 * panels.  pstart: the other operand's panels' first rows (npanels + 1). */
enum { LNP_PANEL_T = 0, LNP_PANEL_N = 1 };
typedef struct lnp_panel_desc {
  int32_t dtype; /* float32 or float64 */
  int32_t mode;  /* LNP_PANEL_T or LNP_PANEL_N */
  int32_t own_is_q;
  int32_t npanels;
  int64_t m, n;
  int64_t r0, r1;
  int64_t pstart[];
} lnp_panel_desc;
extern struct starpu_codelet lnp_cl_panel;
/* lnp_cl_file: one tile (buffer 0: W when reading, RW when writing) read
 * from or written to a raw C-order binary file (codelet_file.c).  The
 * store's element 0 is at byte `offset`; the tile covers [origin,
 * origin + extent) of the store's shape. */
typedef struct lnp_file_desc {
  int32_t write;    /* 1: tile -> file, 0: file -> tile */
  int32_t itemsize; /* bytes per element, in the file as in the tile */
  int32_t ndim;
  int32_t pad;
  int64_t offset;
  int64_t shape[LNP_MAXDIM], origin[LNP_MAXDIM], extent[LNP_MAXDIM];
  char path[]; /* NUL-terminated */
} lnp_file_desc;
extern struct starpu_codelet lnp_cl_file;
/* bytes the file tasks of this process have moved so far */
uint64_t lnp_codelets_file_bytes(void);
void lnp_codelets_file_bytes_add(uint64_t n);
/* lnp_cl_chunks: the chunk files of a chunked directory (Zarr v2) one tile
 * covers, read or written whole (codelet_chunks.c); the tile is the one
 * buffer (W when reading, RW when writing, as lnp_cl_file's). */
enum { LNP_CHUNKS_RAW = 0, LNP_CHUNKS_ZLIB = 1, LNP_CHUNKS_GZIP = 2 };
typedef struct lnp_chunks_desc {
  int32_t write;    /* 1: tile -> chunk files, 0: chunk files -> tile */
  int32_t itemsize;
  int32_t ndim;
  int32_t codec;    /* LNP_CHUNKS_* */
  int32_t level;    /* compression level when writing */
  int32_t pad;
  int64_t shape[LNP_MAXDIM], chunk[LNP_MAXDIM], origin[LNP_MAXDIM], extent[LNP_MAXDIM];
  unsigned char fill[16]; /* an element's bytes: edge padding, missing chunks */
  char dir[];             /* NUL-terminated */
} lnp_chunks_desc;
extern struct starpu_codelet lnp_cl_chunks;
/* lnp_cl_scan: a scan along one dimension (scan.h); buffers and cl_arg as
 * lnp_cl_loop's. */
extern struct starpu_codelet lnp_cl_scan;
/* lnp_cl_bincount: a histogram of one tile (bincount.h). */
extern struct starpu_codelet lnp_cl_bincount;
/* lnp_cl_index: gather, scatter, mask counts and compaction (index.h). */
extern struct starpu_codelet lnp_cl_index;
/* lnp_cl_sort, lnp_cl_merge, lnp_cl_search: sorting lines of a tile,
 * merging sorted runs, searchsorted (sort.h). */
extern struct starpu_codelet lnp_cl_sort;
extern struct starpu_codelet lnp_cl_merge;
extern struct starpu_codelet lnp_cl_search;
/* lnp_cl_linalg: LAPACK drivers on whole matrices (linalg.h). */
extern struct starpu_codelet lnp_cl_linalg;
/* lnp_cl_potrf, lnp_cl_chol_tile: the tiled Cholesky's tile kernels
 * (cholesky.h). */
extern struct starpu_codelet lnp_cl_potrf;
extern struct starpu_codelet lnp_cl_chol_tile;
/* lnp_cl_getrf_panel, lnp_cl_laswp: the tiled LU's panel factorization
 * and row interchanges (lu.h; its TRSM and GEMM run on lnp_cl_chol_tile). */
extern struct starpu_codelet lnp_cl_getrf_panel;
extern struct starpu_codelet lnp_cl_laswp;
/* lnp_cl_qr_tile: the tiled QR's tile kernels (qr.h). */
extern struct starpu_codelet lnp_cl_qr_tile;
/* lnp_cl_fft: one-dimensional FFTs of a tile's lines (fft.h). */
extern struct starpu_codelet lnp_cl_fft;

/* lnp_cl_batch: consecutive lnp_cl_loop tasks bound for one worker, run as
 * one StarPU task, in order (on a CUDA worker: back to back on its stream,
 * with runs of elementwise loops fused into one kernel, codelets/fuse.h).
 * Buffers: the union of the loops' tiles (STARPU_VARIABLE_NBUFFERS, modes
 * merged at submission, numpy/batch.c).  cl_arg: an lnp_batch_head, then
 * nbuf bytes (padded to 8): 1 where the buffer is unregistered right after
 * the batch (a dead temporary, whose stores fusion may drop), then per loop
 * an lnp_batch_sub, its buffer map (nbuf uint32 indices into the task's
 * buffers, padded to 8 bytes) and its lnp_loop_desc (desc_size bytes,
 * padded to 8).  No perfmodel: the loops are timed by none. */
extern struct starpu_codelet lnp_cl_batch;
typedef struct lnp_batch_head { uint32_t magic, nsub, nbuf, reserved; } lnp_batch_head;
typedef struct lnp_batch_sub { uint32_t desc_size, nbuf; } lnp_batch_sub;
#define LNP_BATCH_MAGIC 0x4c4e5043u
static inline size_t lnp_batch_pad8(size_t n) { return (n + 7) & ~(size_t)7; }

/* 1 if a loop task may join a batch: a well-formed descriptor for nbufs
 * buffers that, with CUDA workers present, a CUDA worker can run. */
int lnp_loop_batchable(const lnp_loop_desc *d, size_t arg_size, int nbufs);
/* One loop on a worker's buffers (interfaces), counted as a task run: the
 * codelets' implementations, also called per loop by lnp_cl_batch. */
void lnp_loop_cpu_run(void *descr[], unsigned nb, const lnp_loop_desc *d, size_t arg_size);
void lnp_loop_cuda_counted_run(void *descr[], unsigned nb, const lnp_loop_desc *d, size_t arg_size);
/* Loops run in fused groups: counted as tasks of the worker's kind, and
 * as groups/loops/dropped stores (numpy's task_counts). */
void lnp_codelets_count_loops(int cuda, uint64_t n);
void lnp_codelets_fuse_counts(uint64_t *groups, uint64_t *loops, uint64_t *elided);
/* LEGATE_NUMPY_TASK_TIMES=1 on a CUDA build: when the last batch task
 * started and had launched (CLOCK_MONOTONIC ns) and its kernels' GPU time;
 * 0 if unknown. */
int lnp_batch_cuda_times(long long *start, long long *launched, float *kernel_us);
/* The footprint of a loop descriptor's task (op, dtypes, elements of all
 * pieces), for the perfmodels of the codelets that take one. */
uint32_t lnp_loop_desc_footprint(const lnp_loop_desc *d);
/* can_execute of a codelet whose task a CUDA worker may run (cuda_ok):
 * CUDA workers take it if cuda_ok, CPU workers unless GPU-only placement
 * keeps it off them. */
int lnp_codelets_may_run(unsigned workerid, struct starpu_task *task, int cuda_ok);
/* Whether a task's buffers fit the memory StarPU may use on a GPU (with
 * room to spare: STARPU_LIMIT_CUDA_MEM or the device's): a task that
 * cannot would wait forever for a GPU allocation (a sort of one 256 MiB
 * line under a 64 MiB limit hung); such a task runs on a CPU worker.  The
 * bound is set at start-up (0: no bound). */
int lnp_codelets_fits_gpu(struct starpu_task *task);
void lnp_codelets_set_gpu_task_bytes(size_t bytes);
/* 1 for a CUDA worker (combined CPU workers are not). */
int lnp_codelets_is_cuda_worker(unsigned workerid);
/* task_status.c: the GPU-only placement set by lnp_codelets_init, and the
 * task counters' reset. */
void lnp_codelets_set_gpu_only(int on);
void lnp_codelets_reset_counts(void);
/* codelet_matmul.c: a GPU's time for a matmul task in microseconds, -1 if
 * the task is not one. */
double lnp_matmul_cost_us(struct starpu_task *task);

/* One-time setup after starpu_init: OpenBLAS single-threaded, cuBLAS
 * handles and device scratch on every CUDA worker, the placement policy.
 * Returns 0, or -1 if a CUDA worker could not be set up. */
int lnp_codelets_init(void);
/* Before starpu_shutdown. */
void lnp_codelets_shutdown(void);
/* 1 when tasks a GPU can run are kept off the CPU workers (CUDA workers
 * present and LEGATE_NUMPY_CPU_TASKS unset). */
int lnp_codelets_gpu_only(void);
/* Expected GPU run time of one of our tasks in microseconds (scheduler). */
double lnp_codelets_task_cost_us(struct starpu_task *task);
/* Record a task's failure (the first one wins until taken), printf-style. */
void lnp_codelets_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Fault injection for the tests: LEGATE_NUMPY_INJECT_FAULT=cuda:N makes
 * the Nth CUDA loop launch (from 1: a loop task or a fused group) fail as
 * a kernel launch failure does (nothing written, the failure reported);
 * this returns 1 for that launch. */
int lnp_codelets_inject_fault(void);
/* 1 and the message if a task failed since the last call (then cleared). */
int lnp_codelets_take_error(char *buf, size_t size);
/* The host loops' floating-point status per slot (loop.h's
 * lnp_loop_fp_record) since the last call: flags[0..nslots) receive it and
 * the slots are cleared.  Returns whether any flag was set (when not,
 * flags is left as it was). */
int lnp_codelets_fp_take(unsigned *flags, int nslots);
/* Tasks of our codelets run so far on CPU and on CUDA workers. */
void lnp_codelets_task_counts(uint64_t *cpu, uint64_t *cuda);

/* 1 if lnp_cl_matmul has a kernel for dtype. */
int lnp_matmul_supported(int dtype);

/* The matmul kernel on host memory, without StarPU (eager path, tests).
 * Strides are {row, column} in elements; NULL means compact C order.
 * Returns 0, or -1 for an unsupported dtype. */
int lnp_matmul_host(const lnp_matmul_desc *md, void *C, const void *A, const void *B,
                    const int64_t *c_strides, const int64_t *a_strides,
                    const int64_t *b_strides);
/* the same over nthreads OpenMP threads: C's rows (or columns) split, k whole */
int lnp_matmul_host_threads(const lnp_matmul_desc *md, void *C, const void *A, const void *B, const int64_t *sc,
                            const int64_t *sa, const int64_t *sb, int nthreads);

#endif
