/* legate.numpy's array library in C: stores of tile handles, views,
 * broadcasting, the operation launcher and every op's semantics.
 * Nothing here knows about Python; errors are returned as status codes with a
 * message (lnp_error_*), and the Python layer maps them to NumPy's
 * exception classes. */
#ifndef LNP_H
#define LNP_H

#include <stddef.h>
#include <stdint.h>
#include <starpu.h>
#include "../data-interfaces/dtypes.h"

/* ---- errors ------------------------------------------------------------ */
typedef enum lnp_status {
  LNP_OK = 0,
  LNP_EVALUE,   /* ValueError */
  LNP_EINDEX,   /* IndexError */
  LNP_ETYPE,    /* TypeError */
  LNP_ENOMEM,   /* MemoryError */
  LNP_ERUNTIME, /* RuntimeError: StarPU failure */
  LNP_EOS,      /* OSError: a file */
  LNP_EKEY,     /* KeyError: a name not in a file */
} lnp_status;

/* Set the thread's error and return its status (printf-style message). */
lnp_status lnp_error(lnp_status st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *lnp_error_message(void);

/* ---- runtime ----------------------------------------------------------- */
typedef struct lnp_config {
  int ncpus;             /* -1: all */
  const char *sched;     /* NULL: STARPU_SCHED or the default */
  int test_mode;         /* tiny tiles */
  int64_t tile_elems;    /* target elements per tile, 0: default */
  int verbose;
} lnp_config;

/* Start and stop (runtime.c, the top of the engine: it starts and stops
 * everything below it), tile sizes, waiting, description.  Whether it is
 * started, test mode and the tasks in flight are the engine's state
 * (engine_state.c, the bottom of the engine), which every layer may read. */
lnp_status lnp_runtime_init(const lnp_config *cfg);
/* quiesce (wait for every task and thread; afterwards only the quiescing
 * thread may operate) then finish (stop StarPU and MPI): runtime.c */
void lnp_runtime_shutdown(void);
void lnp_runtime_quiesce(void);
void lnp_runtime_finish(void);
int lnp_runtime_quiesced(void);
int lnp_runtime_initialized(void);
int64_t lnp_runtime_tile_elems(void);
/* elements per tile of the default tiling of an array of nelem elements of
 * itemsize bytes (with GPUs: one tile per GPU, within bounds) */
int64_t lnp_runtime_tile_target(int64_t nelem, size_t itemsize);
int lnp_runtime_test_mode(void);
/* Describe workers and scheduler (malloc'd string). */
char *lnp_runtime_describe(void);
/* Wake the workers before submitting or acquiring; let them sleep when no
 * task is in flight (see engine_state.c). */
void lnp_runtime_activate(void);
void lnp_runtime_maybe_idle(void);
/* Around host-side operations (acquires) that need workers awake: a CUDA
 * worker moves its device's data back to the host. */
void lnp_runtime_hold(void);
void lnp_runtime_unhold(void);
/* Every task we submit: count it and its loops (a batch task holds
 * several; before the insert) and pass lnp_runtime_task_done as its
 * callback, with the loops as its argument ((void *)(intptr_t)loops). */
void lnp_runtime_task_submitted(long loops);
void lnp_runtime_task_done(void *arg);
/* The loops of our tasks in flight; wait (a blocking wait) until at most
 * `low` are (the submission window, runtime.c). */
long lnp_runtime_inflight_loops(void);
void lnp_runtime_wait_loops_below(long low);
/* Our tasks submitted and not yet finished. */
long lnp_runtime_inflight(void);
/* lnp_runtime_shutdown has begun: operations must not start (the bindings
 * park any thread but the one shutting down: engine_state.c). */
int lnp_runtime_stopping(void);
/* This process is a child of fork() after the runtime started: StarPU's
 * threads did not survive, the runtime cannot be used here. */
int lnp_runtime_forked(void);
/* Waits on StarPU: between begin and end this thread touches none of the
 * library's state, and the hooks (set by the Python bindings) release the
 * GIL so that other threads run; begin returns the token end takes.  No
 * hooks: nothing is released (C programs). */
void lnp_set_blocking_hooks(void *(*release)(void), void (*reacquire)(void *));
void *lnp_block_begin(void);
void lnp_block_end(void *token);
/* Submit the pending batches and wait for every task without releasing
 * the GIL (inside an operation: no other thread may run there), so that
 * tiles released meanwhile are unregistered: the out-of-memory retry. */
void lnp_runtime_settle(void);
/* Bound on our tasks in flight (back-pressure, runtime.c): at the start of
 * an operation, when more than the window's high mark are in flight, wait
 * (a blocking wait) until at most its low mark are. */
void lnp_runtime_throttle(void);
/* Wait for every submitted task; a task failure since the last check
 * becomes LNP_ERUNTIME. */
lnp_status lnp_runtime_wait(void);
/* LNP_ERUNTIME (with the task's message) if a task failed since the last
 * check, else LNP_OK; host transfers call it after their acquires. */
lnp_status lnp_runtime_check_tasks(void);

/* ---- stores ------------------------------------------------------------ */
/* Tile handles, shared by stores that alias them (a reshape view). */
typedef struct lnp_storage {
  int refcount;
  size_t ntiles;
  starpu_data_handle_t *tiles;
  unsigned char *written;      /* per tile: has a task written it yet */
  int32_t *owner;              /* per tile: MPI rank that holds it (0 without MPI) */
  int32_t *home;               /* per tile: home GPU for the lnp policy, -1: none */
  uint64_t id;
  uint64_t version;            /* bumped by every operation that writes a tile */
  struct lnp_link *link;       /* a linked copy's source (reshape.c, launch.c), or NULL */
} lnp_storage;

typedef struct lnp_store {
  int refcount;
  lnp_storage *storage;
  int ndim;
  int dtype;
  size_t itemsize;
  int64_t shape[LNP_MAXDIM];
  int32_t ntiles[LNP_MAXDIM];        /* tiles along each dim (>= 1) */
  int64_t *bounds[LNP_MAXDIM];       /* ntiles[d] + 1 boundaries, bounds[d][0] = 0 */
  size_t total_tiles;
  int relayable;  /* default tiling, nothing depends on it: an op may re-lay it (ops.c) */
} lnp_store;

/* NumPy's check of a new array's shape: negative dims, and the product of
 * the nonzero dims times itemsize within an intp (ValueError). */
lnp_status lnp_shape_check(int ndim, const int64_t *shape, size_t itemsize);
/* Create a store with the default tiling for its shape (all tiles lazily
 * allocated, registered with home node -1). */
lnp_status lnp_store_create(lnp_store **out, int ndim, const int64_t *shape, int dtype);
/* Create a store with explicit per-dim boundaries (bounds[d] has
 * ntiles[d]+1 entries). */
lnp_status lnp_store_create_tiled(lnp_store **out, int ndim, const int64_t *shape, int dtype,
                                  const int32_t *ntiles, int64_t *const *bounds);
/* Same, with each tile t placed (MPI owner, home GPU) like tile src_tile[t]
 * of src, so that a temporary or partial result lives where the data it is
 * computed from lives.  src NULL: the block distribution of its own grid. */
lnp_status lnp_store_create_placed(lnp_store **out, int ndim, const int64_t *shape, int dtype,
                                   const int32_t *ntiles, int64_t *const *bounds, const lnp_store *src,
                                   const size_t *src_tile);
void lnp_store_retain(lnp_store *s);
void lnp_store_release(lnp_store *s);
/* Whether another store shares s's tiles (an alias made by a reshape);
 * under MPI, garbage is collected first so that every rank answers the
 * same (store.c).  The Python module sets the collector. */
int lnp_store_tiles_shared(const lnp_store *s);
void lnp_set_garbage_collector(void (*collect)(void));
/* Linear tile index of tile coordinates. */
size_t lnp_store_tile_index(const lnp_store *s, const int32_t *tcoord);
/* Tile coordinate containing position x along dim d. */
int32_t lnp_store_find_tile(const lnp_store *s, int d, int64_t x);

/* ---- views ------------------------------------------------------------- */
typedef struct lnp_view {
  lnp_store *store;              /* owned reference */
  int ndim;
  int64_t shape[LNP_MAXDIM];
  int32_t sdim[LNP_MAXDIM];      /* store dim walked by view dim d, -1: broadcast/newaxis */
  int64_t step[LNP_MAXDIM];      /* store step per view step (any sign, != 0 when sdim >= 0) */
  int64_t origin[LNP_MAXDIM];    /* store coordinate of view element (0,...,0), per store dim */
  int readonly;                  /* NumPy's WRITEABLE flag cleared: operations refuse to write it */
} lnp_view;

/* Key item for lnp_view_index */
typedef enum { LNP_KEY_INT, LNP_KEY_SLICE, LNP_KEY_NEWAXIS } lnp_key_kind;
typedef struct lnp_key {
  lnp_key_kind kind;
  int64_t start, stop, step; /* for SLICE: already resolved by slice.indices; INT: start */
  int64_t len;               /* for SLICE: resulting length */
} lnp_key;

lnp_view *lnp_view_new(lnp_store *s);     /* whole-store view, retains s */
lnp_view *lnp_view_copy(const lnp_view *v);
void lnp_view_free(lnp_view *v);
int64_t lnp_view_size(const lnp_view *v);
/* Basic indexing; keys cover the first nkeys view dims (rest kept). */
lnp_status lnp_view_index(const lnp_view *v, int nkeys, const lnp_key *keys, lnp_view **out);
lnp_status lnp_view_transpose(const lnp_view *v, const int *perm, lnp_view **out);
lnp_status lnp_view_broadcast(const lnp_view *v, int ndim, const int64_t *shape, lnp_view **out);
/* The same elements' bytes seen as another dtype of the same itemsize
 * (ndarray.view(dtype)): a view of a store that shares v's tiles. */
lnp_status lnp_view_as_dtype(const lnp_view *v, int dtype, lnp_view **out);
/* .real (part 0) / .imag (part 1) of a complex view, as a view */
lnp_status lnp_view_part(const lnp_view *v, int part, lnp_view **out);
/* Reshape.  is_view = 1 where NumPy returns a view (its no-copy rule):
 * *out is then a view of the same tiles, or, where no re-seeing of the
 * store makes its elements a box, a linked copy (reshape.c) that behaves
 * as one; is_view = 0: a copy, as NumPy makes. */
lnp_status lnp_view_reshape(const lnp_view *v, int ndim, const int64_t *shape, lnp_view **out,
                            int *is_view);
/* 1 if the view covers its whole store in store order (identity map). */
int lnp_view_is_identity(const lnp_view *v);
int lnp_view_shares_storage(const lnp_view *a, const lnp_view *b);
/* LNP_EVALUE "output array is read-only" when v is read-only, else LNP_OK. */
lnp_status lnp_view_check_writable(const lnp_view *v);

/* ---- processes (StarPU-MPI, distributed.c) ------------------------------ */
int lnp_mpi_enabled(void);
int lnp_mpi_rank(void);  /* 0 without MPI */
int lnp_mpi_size(void);  /* 1 without MPI */
/* 1 when started by mpirun/srun with several ranks (or LEGATE_NUMPY_MPI=1) */
int lnp_mpi_wanted(void);
/* starpu_mpi_init_conf (which starts StarPU) / starpu_mpi_shutdown */
int lnp_mpi_start(struct starpu_conf *conf);
void lnp_mpi_stop(void);
/* Register a new tile with the next tag and its owner (no-op without MPI). */
void lnp_mpi_register_tile(starpu_data_handle_t h, int owner);
/* A tile taken from the tile pool gets the next tag, as a new one would. */
void lnp_mpi_retag_tile(starpu_data_handle_t h);
/* What every rank must agree on (spmd_check.c): tags handed out, tasks built. */
int64_t lnp_mpi_tags_used(void);
uint64_t lnp_mpi_tasks_built(void);
/* 1 if this rank owns the tile (always without MPI). */
int lnp_mpi_tile_is_local(starpu_data_handle_t h);
/* Every rank gets the tile's current value (before a host read). */
void lnp_mpi_bring_to_all(starpu_data_handle_t h);
/* All ranks, before the owner writes a tile from the host. */
void lnp_mpi_before_host_write(starpu_data_handle_t h);
/* Insert one task of cl on descrs with cl_arg `arg` (malloc'd; ownership
 * passes to the call) into StarPU, never batched: locally, or under MPI on
 * the rank owning the written tile with the input transfers posted on every
 * rank.  Operations call lnp_submit; batch.c submits its batches through
 * this. */
lnp_status lnp_submit_direct(struct starpu_codelet *cl, struct starpu_data_descr *descrs, int nbufs, void *arg,
                             size_t arg_size, const char *name);
/* The same for a task that runs `loops` loops (a batch): the submission
 * window counts loops. */
lnp_status lnp_submit_direct_loops(struct starpu_codelet *cl, struct starpu_data_descr *descrs, int nbufs, void *arg,
                                   size_t arg_size, const char *name, long loops);

/* ---- submission (submit.c) --------------------------------------------- */
/* Submit one task as lnp_submit_direct does, or, a loop the batches take,
 * into its pending batch (batch.c); anything else goes after the pending
 * batches. */
lnp_status lnp_submit(struct starpu_codelet *cl, struct starpu_data_descr *descrs, int nbufs, void *arg,
                      size_t arg_size, const char *name);

/* ---- ranks agree before a host read (spmd_check.c) ----------------------- */
void lnp_spmd_check_init(void);
void lnp_spmd_check_fini(void);
/* LNP_ERUNTIME (on every rank) when the ranks have not created the same
 * tiles and built the same tasks: a program that is not SPMD */
lnp_status lnp_spmd_check(const char *what);
/* 1 once lnp_spmd_check found the ranks diverged: no clean shutdown */
int lnp_spmd_diverged(void);

/* ---- a rank that ends ends the job (rank_exit.c) ------------------------ */
/* After StarPU-MPI starts: post the receives of the other ranks' exit
 * reports (no-op without several ranks). */
void lnp_rank_exit_init(void);
/* At the start of every exchange all ranks take part in (a host transfer,
 * the floating-point status union), before its messages. */
void lnp_rank_exit_note_exchange(void);
/* At shutdown: every rank ended at the same point, or MPI_Abort. */
void lnp_rank_exit_agree(void);
void lnp_rank_exit_fini(void);

/* ---- batching (batch.c) ------------------------------------------------- */
/* After starpu_init: decide whether loops are batched (GPU memory bounds a
 * batch's tiles; 0: no bound). */
void lnp_batch_init(uint64_t gpu_mem_bytes);
int lnp_batch_enabled(void);
/* Take a task into its pending batch (one per home GPU): 1 if taken (arg
 * then belongs to the batch; *st says whether a submission it caused
 * failed), 0 if it must be submitted directly (*st: an error of submitting
 * a conflicting batch). */
int lnp_batch_offer(struct starpu_codelet *cl, const struct starpu_data_descr *descrs, int nbufs, void *arg,
                    size_t arg_size, const char *name, lnp_status *st);
/* Submit the pending batches, if any.  Called before anything that must
 * see the tiles' values or order after the pending loops. */
lnp_status lnp_batch_flush(void);
/* Before a task that does not join a batch: the pending batches it
 * conflicts with submitted (by box), or all of them. */
lnp_status lnp_batch_before(const struct starpu_data_descr *descrs, int nbufs);
/* Tasks submitted between lnp_batch_alone(1) and lnp_batch_alone(0) (the
 * halo copies between GPUs) go out at once as tasks of their own, after
 * only the pending batches they conflict with: a halo copy inside a
 * batch made the neighbour GPU wait for that whole batch. */
void lnp_batch_alone(int on);
/* 1 if a pending batch uses h (a released tile of home GPU `home`, owner
 * rank `owner`): its release is then held until the batches using it are
 * submitted; 0: release it now. */
int lnp_batch_hold_unregister(starpu_data_handle_t h, int home, int owner);
/* Batches of two or more loops submitted so far, and the loops they held. */
void lnp_batch_counts(uint64_t *batches, uint64_t *loops);

/* ---- released tiles kept for reuse (tile_pool.c) ----------------------- */
void lnp_tile_pool_init(uint64_t gpu_mem_bytes);
/* A pooled tile of this shape, dtype, home GPU and owner rank, or NULL. */
starpu_data_handle_t lnp_tile_pool_take(int ndim, const uint64_t *shape, int dtype, int home, int owner);
/* Keep a released tile nothing pending uses, or (pool off or full)
 * submit its unregistration. */
void lnp_tile_pool_release(starpu_data_handle_t h, int home, int owner);
/* Unregister every pooled tile (flush: to make room when memory runs out);
 * drain also closes the pool (at shutdown). */
void lnp_tile_pool_flush(void);
void lnp_tile_pool_drain(void);
void lnp_tile_pool_counts(uint64_t *reused, uint64_t *held);

/* ---- host memory of the tiles (host_memory.c) -------------------------- */
/* After starpu_init (no check with GPUs). */
void lnp_host_memory_init(int gpus);
/* Before a store registers tiles of `bytes` in all: LNP_ENOMEM when they
 * would exceed STARPU_LIMIT_CPU_MEM or the address space left. */
lnp_status lnp_host_memory_reserve(int64_t bytes, int64_t ntiles, int dtype);
/* A tile registered / its unregistration submitted. */
void lnp_host_memory_commit(int64_t bytes);
void lnp_host_memory_release(int64_t bytes);
int64_t lnp_host_memory_committed(void);

/* ---- operations (asynchronous) ---------------------------------------- */
typedef struct lnp_operand {
  const lnp_view *view;  /* NULL: a scalar */
  int dtype;             /* dtype of the view or of the scalar */
  lnp_scalar value;      /* the scalar, when view == NULL */
} lnp_operand;

/* out[...] = op(ins...). Inputs broadcast to out's shape, cast to dtype_in
 * (WHERE's condition to bool); result cast to out's dtype if != dtype_out. */
lnp_status lnp_ewise(int op, const lnp_view *out, int nin, const lnp_operand *ins, int dtype_in,
                     int dtype_out);
lnp_status lnp_copy(const lnp_view *out, const lnp_operand *src);
/* Create a new store-backed view holding a copy of v (dtype may differ). */
lnp_status lnp_materialize(const lnp_view *v, int dtype, lnp_view **out);
/* HDF5 datasets (hdf5.c): what a dataset is, a new contiguous one (its
 * data's file offset returned: the file tasks write there), a whole
 * dataset read into host memory (chunked or filtered ones). */
typedef struct lnp_h5_dataset {
  int ndim;
  int dtype;          /* -1: a type we have no dtype for */
  int contiguous;     /* contiguous and unfiltered: offset is its data */
  int64_t itemsize;
  int64_t offset;     /* -1 when not contiguous or never written */
  int64_t shape[LNP_MAXDIM];
} lnp_h5_dataset;
lnp_status lnp_h5_info(const char *path, const char *name, lnp_h5_dataset *info);
lnp_status lnp_h5_create(const char *path, const char *name, int truncate, int ndim, const int64_t *shape, int dtype,
                         int64_t *offset);
lnp_status lnp_h5_read_host(const char *path, const char *name, int dtype, void *buf);
/* A new chunked dataset (chunks: ndim lengths), filtered (gzip: deflate
 * level 0..9, -1 none; shuffle; fletcher32), written whole from the
 * C-ordered host buffer buf by HDF5. */
lnp_status lnp_h5_write_host(const char *path, const char *name, int truncate, int ndim, const int64_t *shape,
                             int dtype, const int64_t *chunks, int gzip, int shuffle, int fletcher32, const void *buf);
int lnp_h5_available(void);
/* Raw C-order binary files by tiles (file_io.c): v's elements written at
 * byte offset of path (which must exist), a task per tile; a new array of
 * shape and dtype read from there.  The tasks' I/O errors come as
 * "file: ..." task failures. */
lnp_status lnp_file_write(const lnp_view *v, const char *path, int64_t offset);
/* Bytes this process's file tasks have read or written so far (progress). */
uint64_t lnp_file_bytes(void);
/* Chunked directories (Zarr v2, numpy/chunks.c): v's elements into one file
 * per chunk of dir (raw, zlib or gzip: LNP_CHUNKS_*; fill: an element's
 * bytes for the edge chunks' padding), and a new array read from them
 * (missing chunk files read as fill); a task per tile of chunks. */
lnp_status lnp_chunks_write(const lnp_view *v, const char *dir, const int64_t *chunk, int codec, int level,
                            const void *fill);
lnp_status lnp_chunks_read(lnp_view **out, int ndim, const int64_t *shape, int dtype, const char *dir,
                           const int64_t *chunk, int codec, const void *fill);
lnp_status lnp_file_read(lnp_view **out, int ndim, const int64_t *shape, int dtype, const char *path, int64_t offset);
lnp_status lnp_fill(const lnp_view *out, int dtype, lnp_scalar value);
lnp_status lnp_reduce(int op, const lnp_view *out, const lnp_view *src, int naxes,
                      const int *axes, int dtype);
lnp_status lnp_argreduce(int op, const lnp_view *out, const lnp_view *src, int axis /* -1: all */);
/* Inclusive scan of src along axis with binary op in dtype (cumsum:
 * LNP_OP_ADD; ufunc.accumulate): *res is a new array tiled like src (scan.c). */
int lnp_scan_op_supported(int op, int dtype);
lnp_status lnp_scan(int op, const lnp_view *src, int axis, int dtype, lnp_view **res);
/* NumPy's bincount of 1-D x (any integer dtype; every value in [0, nbins):
 * the caller checks) with optional 1-D weights w (NULL: counts, int64;
 * else sums of w as float64): *res is a new array of nbins (bincount.c). */
lnp_status lnp_bincount(const lnp_view *x, const lnp_view *w, int64_t nbins, lnp_view **res);
lnp_status lnp_matmul(const lnp_view *out, const lnp_view *a, const lnp_view *b);
/* Sort along axis in NumPy's order (NaNs last), stably: *res = a new
 * C-contiguous array of src's shape, the values, or (arg) the int64
 * indices along the axis (NumPy's kind='stable' argsort) (sort.c). */
lnp_status lnp_sort(const lnp_view *src, int axis, int arg, lnp_view **res);
/* searchsorted: *res = a new int64 array of v's shape, for each value the
 * count of a's elements ordered before it (right: not after it); a 1-D
 * and sorted, v of a's dtype (sort.c). */
lnp_status lnp_searchsorted(const lnp_view *a, const lnp_view *v, int right, lnp_view **res);
/* Linear algebra on whole matrices (linalg.c; codelets/linalg.h's ops and
 * flags): a (..., m, n) and for SOLVE b (..., n, k), computed in dtype (a
 * LAPACK type); outs: the results, then an int64 info per matrix (none for
 * SLOGDET): CHOLESKY/INV [a', info], SOLVE [x, info], SLOGDET [sign,
 * logabsdet], EIGH [w, (v,) info], SVD [(u,) s, (vh,) info], QR [a', tau,
 * info], QR_Q (b: tau as (..., 1, k)) [q, info], LSTSQ (b padded to
 * max(m, n) rows; rcond) [b', s, rank, info], EIG (flag 1: vectors) [w,
 * (v,) info]; batch dims flattened (the caller reshapes). */
lnp_status lnp_linalg(int op, int dtype, const lnp_view *a, const lnp_view *b, int flag, double rcond,
                      lnp_view **outs, int *nout);
/* The Cholesky factor L (A = L L^H, zeros above the diagonal) of one n x n
 * matrix as a task graph over nb x nb tiles (cholesky.c), computed in
 * dtype; info: one int64, the first row where A is not positive definite
 * (+1), else 0. */
lnp_status lnp_cholesky_tiled(const lnp_view *a, int dtype, int64_t nb, lnp_view **L, lnp_view **info);
/* The LU factorization with partial pivoting of one n x n matrix as a task
 * graph over nb x nb tiles (lu.c), computed in dtype: lu holds the unit
 * lower L (below the diagonal) and U, ipiv (n int64) the row each row was
 * interchanged with, in order (LAPACK's, 0-based), info one int64, the
 * first zero pivot's row + 1, else 0; with b (n x nrhs), x = A^-1 b (NULL
 * x_out: not kept). */
lnp_status lnp_lu_tiled(const lnp_view *a, const lnp_view *b, int dtype, int64_t nb, lnp_view **lu,
                        lnp_view **ipiv, lnp_view **info, lnp_view **x);
/* The least-squares solve of a x = b (a m x n, m >= n, of full rank; b
 * m x nrhs) through the tiled QR of a (qr.c) over nb x nb tiles, T's inner
 * block ib, computed in dtype: r holds R in its first n rows (upper
 * triangle; Householder vectors below), x is Q^H b with its first n rows
 * replaced by the solution (the other rows give the residuals). */
lnp_status lnp_qr_solve_tiled(const lnp_view *a, const lnp_view *b, int dtype, int64_t nb, int64_t ib, lnp_view **r,
                              lnp_view **x);
/* One-dimensional FFTs of a along axis (fft.c; codelets/fft.h's kinds):
 * a's axis holds the elements the transform reads (n, or n/2 + 1 for
 * C2R; the caller pads or crops), of any dtype (cast to the transform's
 * input: real for R2C, else complex, in cdtype's precision); every output
 * times fct.  *res: a new array of a's shape but the axis (n, or n/2 + 1
 * for R2C), complex (real for C2R).
 * lnp_fft_available: whether any worker has an FFT library (FFTW on the
 * CPUs, cuFFT on GPUs). */
lnp_status lnp_fft(const lnp_view *a, int axis, int kind, int64_t n, int cdtype, double fct, lnp_view **res);
int lnp_fft_available(void);
/* Advanced indexing (index.c).  Offsets are rows of R consecutive
 * elements of a view in C order, every one in [0, size / R) (the caller
 * checks).  Gather: *res = a new (offsets, R) array, res[i, j] =
 * src[off[i] * R + j]; with bad (R 1): offsets in [-rows, 0) count from
 * the end, and the others are not an error but counted: bad[0] of them,
 * the first at bad[1] (this waits for the gather).  Scatter: dst[off[i] * R + j] = vals[i, j] (vals
 * (offsets, R), cast to dst's dtype; repeated offsets: the last row wins
 * on CPUs).  Compact: the nonzero positions p of the 1-D mask in order,
 * *res = (count, R) rows src[p * R + j] (src's size: mask's * R), or, src
 * NULL, (count, ndim) int64 coordinates of p unravelled over shape. */
lnp_status lnp_gather(const lnp_view *src, const lnp_view *off, int64_t R, lnp_view **res, int64_t *bad);
lnp_status lnp_scatter(const lnp_view *dst, const lnp_view *off, const lnp_view *vals);
lnp_status lnp_compact(const lnp_view *src, const lnp_view *mask, int64_t R, int ndim, const int64_t *shape,
                       lnp_view **res);
lnp_status lnp_generate(int op, const lnp_view *out, const int64_t *index_mult, int nscalars,
                        const lnp_scalar *scalars);
#define LNP_GENERATOR_SCALARS 4 /* what a generator takes: codelets/loop.h's LNP_MAXSCALARS */
/* The same generator run at once on the host into dst (n elements of
 * dtype, C order, element i at index i): a small NumPy-backed array gets
 * exactly the values a store would (the same CPU loop). */
lnp_status lnp_generate_host(int op, int dtype, int64_t n, void *dst, int nscalars,
                             const lnp_scalar *scalars);

/* Floating-point status (fp_status.c): NumPy's divide/overflow/underflow/
 * invalid flags of the host loops, gathered per slot (loop.h) until taken.
 * A launch's slot is the tag set for this thread (the Python layer's, from
 * LNP_FP_TAG_BASE up: it names the call and its np.errstate), else its op's
 * number.  A tag holds for the launches of one binding call. */
#define LNP_FP_TAG_BASE 256
#define LNP_FP_TAG_END 4096 /* codelets/loop.h's LNP_FP_SLOTS */
void lnp_fp_set_tag(int tag /* 0: none */);
int lnp_fp_slot(int op);
/* flags[0..nslots): each slot's flags since the last take (then cleared);
 * returns whether any was set (when not, flags may be left as they were).
 * all_ranks: under MPI, the union over the
 * ranks (a collective call: every rank makes it), -1 (lnp_error) if it
 * failed. */
int lnp_fp_take(unsigned *flags, int nslots, int all_ranks);

/* Host transfers (block until the data are available) */
lnp_status lnp_view_to_host(const lnp_view *v, void *dst /* C-contiguous */);
lnp_status lnp_view_from_host(const lnp_view *v, const void *src /* C-contiguous */);
/* A number that changes whenever an operation writes v's tiles (a linked
 * copy is brought up to date first): host copies of v taken at the same
 * version hold its current values. */
uint64_t lnp_view_version(const lnp_view *v);

/* Identity of a reduction op for a dtype. */
lnp_status lnp_reduce_identity(int op, int dtype, lnp_scalar *out);

/* ---- introspection (introspect.c): what the bindings read ------------- */
/* The op catalogue (codelets/op_table.h): ops are numbered 0..count-1. */
typedef struct lnp_op_row {
  const char *upper; /* "TRUE_DIVIDE" */
  const char *ufunc; /* NumPy ufunc run natively on it ("divide"), NULL if none */
  int nin;
  char kind;   /* S P A C W G R */
  int ureduce; /* the ufunc's .reduce runs natively */
  int ordered; /* ... as NumPy's reduce of an op without identity: from the
                  first element, the rest folded in order (lnp_reduce) */
} lnp_op_row;
int lnp_op_count(void);
int lnp_op_describe(int op, lnp_op_row *row); /* 0, or -1 out of range */
int lnp_op_find(const char *lower_name);      /* "arange" -> its op, or -1 */
/* NumPy's inner loop (a PyUFuncGenericFunction and its data) for op's
 * dtype on the CPU workers (codelets/loop.h lnp_loop_use_numpy); fn NULL:
 * ours again.  exact: our loop gives the same values (IEEE arithmetic), so
 * short runs keep ours (NumPy's call costs more than their elements).  0,
 * or -1 where op is not an S-kind op with a loop of ours for the dtype. */
int lnp_op_use_numpy_loop(int op, int dtype, void *fn, void *data, int exact);
/* Tasks of our codelets executed per worker kind; fused groups, the loops
 * they ran and the stores they elided; whether tasks a GPU can run stay
 * off the CPU workers; bytes of tiles in this process's host memory. */
void lnp_stats_task_counts(uint64_t *cpu, uint64_t *cuda);
/* CPU kernels run with several OpenMP threads (a group's or a combined
 * worker's) so far */
uint64_t lnp_stats_parallel_tasks(void);
void lnp_stats_fuse_counts(uint64_t *groups, uint64_t *loops, uint64_t *elided);
int lnp_stats_gpu_only(void);
int64_t lnp_stats_host_bytes(void);

#endif
