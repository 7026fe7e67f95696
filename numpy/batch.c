/* Batching: consecutive loop tasks bound for the same GPU are submitted as
 * one StarPU task (lnp_cl_batch, codelets/batch.c).
 *
 * StarPU starts a task's dependents only after the task has finished and
 * its worker has noticed (event polling, job termination, the next fetch:
 * 20-30 us a task on the H200 machines), so a chain of dependent loops kept
 * the GPU idle that long between kernels; channel flow at 4096^2 (1842
 * tasks a step) took 83-100 ms a step against CuPy's 53.  In a batch the
 * loops' kernels run back to back on the worker's stream.
 *
 * The policy keeps latency low: a loop joins the pending batch, and the
 * batch is submitted at once when the GPU has at most one task of ours in
 * flight (an idle GPU never waits for a batch to fill), when it holds
 * LEGATE_NUMPY_BATCH loops (default 16: channel flow at 4096^2 on an
 * H200 ran 63 ms a step with 16, 67 with 64) or too many bytes of tiles for the
 * GPU's memory, when the next loop is bound elsewhere, and before anything
 * else that touches tiles: another task (matmul, a loop a GPU cannot run),
 * a host transfer (acquire), a wait, shutdown.  Tile unregistrations
 * requested while a batch is pending are held and submitted after it.
 *
 * The batch's buffers are the union of its loops' tiles; a tile's mode is
 * what the batch as a whole does to the value it had before: written first
 * (W: a loop overwrites it whole before any loop reads it), read first (R,
 * or RW when a later loop writes it), RW first (RW).
 *
 * By default with one CUDA worker (GPU-only placement), one process, no
 * trace (a trace names every loop); LEGATE_NUMPY_BATCH=0 turns it off, N >= 2
 * sets the size and also batches with several GPUs (one batch per home GPU
 * at a time) and on CPU workers (no early submission then: the tests use it
 * to run every op through batches). */
#include <stdlib.h>
#include <string.h>

#include "lnp.h"
#include "profile.h"
#include "../codelets/codelets.h"
#include "../codelets/fuse.h"
#include "../scheduler/locality.h"

typedef struct batch_loop {
  lnp_loop_desc *desc;
  size_t size;
  int nbuf;
  uint32_t *map; /* nbuf indices into the batch's buffers */
  struct starpu_data_descr *descrs; /* the loop's own accesses */
  const char *name;
} batch_loop;

static struct {
  int enabled;     /* batching on */
  int max_loops;   /* loops per batch */
  int early;       /* submit when the GPU is (nearly) idle */
  int by_home;     /* key = the written tile's home GPU (several GPUs) */
  uint64_t max_bytes;
  int key;
  batch_loop *loops;
  int nloops, loops_cap;
  struct starpu_data_descr *bufs;
  int nbufs, bufs_cap;
  uint64_t bytes;
  starpu_data_handle_t *unreg; /* unregistrations held until the batch is in */
  int nunreg, unreg_cap;
  /* fusion planning (codelets/fuse.h): the pending loops from open_start
   * on form a group that the next loop may extend; a submission keeps them
   * back, so that groups (and their compiled kernels) do not depend on
   * when batches happen to be submitted */
  int plan;
  lnp_fuse_group *G;
  int open_start;
  int hard_cap; /* loops: one open group held this long is submitted anyway */
} B;

void lnp_batch_init(uint64_t gpu_mem_bytes)
{
  /* a runtime started again after a shutdown (which flushed) */
  free(B.loops);
  free(B.bufs);
  free(B.unreg);
  free(B.G);
  memset(&B, 0, sizeof B);
  const unsigned ncuda = starpu_cuda_worker_get_count();
  const char *env = getenv("LEGATE_NUMPY_BATCH");
  const long n = env && *env ? strtol(env, NULL, 10) : -1;
  if (n == 0 || n == 1 || lnp_mpi_enabled() || lnp_profile_tracing()) return;
  /* by default one GPU: with several, consecutive loops alternate between
   * the GPUs' tiles and a batch (one key at a time) would hold one loop */
  if (n < 0 && !(ncuda == 1 && lnp_codelets_gpu_only())) return;
  B.enabled = 1;
  B.max_loops = n > 1 ? (int)(n < 4096 ? n : 4096) : 16;
  B.early = ncuda > 0;
  B.by_home = ncuda > 1;
  /* every tile of a batch is on the GPU at once: stay well inside its memory */
  B.max_bytes = gpu_mem_bytes ? gpu_mem_bytes / 8 : UINT64_MAX;
  /* the same switch as codelets/batch.c's: 0 off, "all" CPU workers too */
  const char *fuse = getenv("LEGATE_NUMPY_FUSE");
  const int fmode = fuse && *fuse ? (!strcmp(fuse, "all") ? 2 : strcmp(fuse, "0") != 0) : 1;
  B.plan = fmode == 2 || (fmode == 1 && ncuda > 0);
  if (B.plan && !(B.G = malloc(sizeof *B.G))) B.plan = 0;
  B.hard_cap = B.max_loops * 4;
}

int lnp_batch_enabled(void) { return B.enabled; }

static uint64_t lnp_batches = 0, lnp_batched_loops = 0;
void lnp_batch_counts(uint64_t *batches, uint64_t *loops)
{
  if (batches) *batches = lnp_batches;
  if (loops) *loops = lnp_batched_loops;
}

static void *grow(void *p, int *cap, int need, size_t elem)
{
  if (need <= *cap) return p;
  int c = *cap ? *cap : 16;
  while (c < need) c *= 2;
  void *q = realloc(p, (size_t)c * elem);
  if (q) *cap = c;
  return q;
}

/* The batch's key for a loop task, or -1 when it cannot join one. */
static int batch_key(const struct starpu_data_descr *descrs, int nbufs)
{
  if (!B.by_home) return 0;
  for (int i = 0; i < nbufs; i++)
    if (descrs[i].mode & STARPU_W) return lnp_sched_home_of(descrs[i].handle);
  return -1;
}

lnp_status lnp_batch_flush(void)
{
  if (B.nloops == 0) return LNP_OK;
  lnp_status st = LNP_OK;
  const int nloops = B.nloops, nbufs = B.nbufs;
  B.nloops = 0;
  B.nbufs = 0;
  B.bytes = 0;
  B.open_start = 0;
  if (nloops == 1) {
    /* one loop: its own task (named after its op, timed by its model) */
    batch_loop *l = &B.loops[0];
    struct starpu_data_descr stack[16], *d = l->nbuf <= 16 ? stack : malloc(sizeof *d * (size_t)l->nbuf);
    if (!d) {
      free(l->desc);
      st = lnp_error(LNP_ENOMEM, "out of memory");
    } else {
      for (int i = 0; i < l->nbuf; i++) d[i] = B.bufs[l->map[i]];
      st = lnp_submit_direct(&lnp_cl_loop, d, l->nbuf, l->desc, l->size, l->name);
      if (d != stack) free(d);
    }
    free(l->map);
    free(l->descrs);
  } else {
    size_t total = sizeof(lnp_batch_head) + lnp_batch_pad8((size_t)nbufs);
    for (int k = 0; k < nloops; k++)
      total += sizeof(lnp_batch_sub) + lnp_batch_pad8((size_t)B.loops[k].nbuf * sizeof(uint32_t)) +
               lnp_batch_pad8(B.loops[k].size);
    char *arg = calloc(1, total);
    if (arg) {
      lnp_batch_head head = {LNP_BATCH_MAGIC, (uint32_t)nloops, (uint32_t)nbufs, 0};
      memcpy(arg, &head, sizeof head);
      char *p = arg + sizeof head;
      /* the tiles released while the batch was pending are dead after it:
       * fusion may drop their stores */
      for (int i = 0; i < nbufs; i++)
        for (int u = 0; u < B.nunreg; u++)
          if (B.unreg[u] == B.bufs[i].handle) p[i] = 1;
      p += lnp_batch_pad8((size_t)nbufs);
      for (int k = 0; k < nloops; k++) {
        const batch_loop *l = &B.loops[k];
        lnp_batch_sub sub = {(uint32_t)l->size, (uint32_t)l->nbuf};
        memcpy(p, &sub, sizeof sub);
        p += sizeof sub;
        memcpy(p, l->map, (size_t)l->nbuf * sizeof(uint32_t));
        p += lnp_batch_pad8((size_t)l->nbuf * sizeof(uint32_t));
        memcpy(p, l->desc, l->size);
        p += lnp_batch_pad8(l->size);
      }
      st = lnp_submit_direct(&lnp_cl_batch, B.bufs, nbufs, arg, total, "batch");
      if (!st) {
        lnp_batches++;
        lnp_batched_loops += (uint64_t)nloops;
      }
    } else {
      st = lnp_error(LNP_ENOMEM, "out of memory");
    }
    for (int k = 0; k < nloops; k++) {
      free(B.loops[k].desc);
      free(B.loops[k].map);
      free(B.loops[k].descrs);
    }
  }
  /* the tiles released meanwhile: after the batch that used them */
  for (int i = 0; i < B.nunreg; i++) starpu_data_unregister_submit(B.unreg[i]);
  B.nunreg = 0;
  return st;
}

int lnp_batch_hold_unregister(starpu_data_handle_t h)
{
  if (B.nloops == 0) return 0;
  starpu_data_handle_t *u = grow(B.unreg, &B.unreg_cap, B.nunreg + 1, sizeof *u);
  if (!u) return 0; /* out of memory: flush first, then unregister */
  B.unreg = u;
  B.unreg[B.nunreg++] = h;
  return 1;
}

/* Append a loop (its desc and descrs now owned by the batch); 0 when out
 * of memory (the batch is then as it was). */
static int batch_add(batch_loop l)
{
  batch_loop *loops = grow(B.loops, &B.loops_cap, B.nloops + 1, sizeof *loops);
  if (!loops) return 0;
  B.loops = loops;
  struct starpu_data_descr *bufs = grow(B.bufs, &B.bufs_cap, B.nbufs + l.nbuf, sizeof *bufs);
  if (!bufs) return 0;
  B.bufs = bufs;
  l.map = malloc(sizeof *l.map * (size_t)l.nbuf);
  if (!l.map) return 0;
  for (int i = 0; i < l.nbuf; i++) {
    int j = 0;
    while (j < B.nbufs && B.bufs[j].handle != l.descrs[i].handle) j++;
    if (j == B.nbufs) {
      B.bufs[B.nbufs++] = l.descrs[i];
      B.bytes += starpu_data_get_size(l.descrs[i].handle);
    } else if (!(B.bufs[j].mode & STARPU_W)) {
      /* read so far: the batch needs the old value, and now writes it */
      B.bufs[j].mode |= l.descrs[i].mode;
    } /* written earlier in the batch: later accesses are internal */
    l.map[i] = (uint32_t)j;
  }
  const int idx = B.nloops;
  B.loops[B.nloops++] = l;
  if (B.plan) {
    const lnp_fuse_loop fl = {l.desc, l.map, (uint32_t)l.nbuf};
    if (B.open_start < idx && lnp_fuse_extend(B.G, &fl)) {
      /* the open group goes on */
    } else {
      B.open_start = lnp_fuse_begin(B.G, &fl, idx) ? idx : idx + 1;
    }
  }
  return 1;
}

static int handle_in(starpu_data_handle_t h, const batch_loop *loops, int n)
{
  for (int k = 0; k < n; k++)
    for (int i = 0; i < loops[k].nbuf; i++)
      if (loops[k].descrs[i].handle == h) return 1;
  return 0;
}

/* Submit the pending loops before `upto` and keep the others (the open
 * group) pending.  Unregistrations of tiles the kept loops use stay held
 * (and those tiles are not dead for the submitted batch). */
static lnp_status batch_submit_before(int upto)
{
  const int n = B.nloops;
  batch_loop *all = malloc(sizeof *all * (size_t)n);
  starpu_data_handle_t *held = malloc(sizeof *held * (size_t)(B.nunreg ? B.nunreg : 1));
  if (!all || !held) {
    free(all);
    free(held);
    return lnp_batch_flush();
  }
  memcpy(all, B.loops, sizeof *all * (size_t)n);
  int nheld = 0, nu = 0;
  for (int u = 0; u < B.nunreg; u++) {
    if (handle_in(B.unreg[u], all + upto, n - upto)) held[nheld++] = B.unreg[u];
    else B.unreg[nu++] = B.unreg[u];
  }
  B.nunreg = nu;
  /* the first part again, alone (its buffers' modes are its own) */
  B.nloops = 0;
  B.nbufs = 0;
  B.bytes = 0;
  const int plan = B.plan;
  B.plan = 0;
  for (int k = 0; k < n; k++) free(all[k].map);
  lnp_status st = LNP_OK;
  for (int k = 0; k < upto; k++)
    if (!batch_add(all[k])) st = lnp_error(LNP_ENOMEM, "out of memory");
  B.plan = plan;
  if (!st) st = lnp_batch_flush();
  for (int u = 0; u < nheld; u++) B.unreg[B.nunreg++] = held[u]; /* room: it held them before */
  for (int k = upto; k < n; k++)
    if (!batch_add(all[k]) && !st) st = lnp_error(LNP_ENOMEM, "out of memory");
  free(all);
  free(held);
  return st;
}

int lnp_batch_offer(struct starpu_codelet *cl, const struct starpu_data_descr *descrs, int nbufs, void *arg,
                    size_t arg_size, const char *name, lnp_status *st)
{
  *st = LNP_OK;
  if (!B.enabled || cl != &lnp_cl_loop || nbufs <= 0) return 0;
  for (int i = 0; i < nbufs; i++)
    if (descrs[i].mode & ~(enum starpu_data_access_mode)STARPU_RW) return 0;
  if (!lnp_loop_batchable(arg, arg_size, nbufs)) return 0;
  const int key = batch_key(descrs, nbufs);
  if (key < 0) return 0;
  if (B.nloops > 0 && key != B.key) {
    *st = lnp_batch_flush();
    if (*st) return 0;
  }
  struct starpu_data_descr *own = malloc(sizeof *own * (size_t)nbufs);
  if (!own) return 0;
  memcpy(own, descrs, sizeof *own * (size_t)nbufs);
  if (!batch_add((batch_loop){arg, arg_size, nbufs, NULL, own, name})) {
    free(own);
    return 0;
  }
  B.key = key;
  /* a loop that reads no tile (a fill, a generator) waits for the loop
   * that reads what it wrote: a reduction's fill and the reduction then go
   * as one task (one StarPU round trip less: a 2^28 sum on an H200 took
   * 668 us against a 537 us kernel) */
  int reads = 0;
  for (int i = 0; i < nbufs && !reads; i++) reads = (descrs[i].mode & STARPU_R) != 0;
  if (B.nloops >= B.max_loops || B.bytes >= B.max_bytes || (B.early && reads && lnp_runtime_inflight() <= 1)) {
    const int open = B.plan ? B.open_start : B.nloops;
    if (open >= B.nloops) *st = lnp_batch_flush();
    else if (open > 0) *st = batch_submit_before(open);
    else if (B.nloops >= B.hard_cap || B.bytes >= B.max_bytes) *st = lnp_batch_flush();
    /* else: one open group, still growing: held */
  }
  return 1;
}
