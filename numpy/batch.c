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
 * One batch is pending per key (the home GPU of the tile a loop writes;
 * one key without GPUs), so that loops bound for two GPUs, which alternate,
 * each gather in their own batch.  Submission order across batches may
 * differ from program order only for independent loops: a loop that
 * touches a tile another pending batch writes, or writes a tile it reads,
 * first submits that batch.
 *
 * The policy keeps latency low: a loop joins its pending batch, and the
 * batch is submitted at once when the GPUs have at most one task of ours
 * in flight each (an idle GPU never waits for a batch to fill), when it
 * holds LEGATE_NUMPY_BATCH loops (default 16: channel flow at 4096^2 on an
 * H200 ran 63 ms a step with 16, 67 with 64) or too many bytes of tiles for
 * the GPU's memory, and before anything else that touches tiles: another
 * task (matmul, a loop a GPU cannot run), a host transfer (acquire), a
 * wait, shutdown.  Tile unregistrations requested while a pending batch
 * uses the tile are held and submitted after it.
 *
 * The batch's buffers are the union of its loops' tiles; a tile's mode is
 * what the batch as a whole does to the value it had before: written first
 * (W: a loop overwrites it whole before any loop reads it), read first (R,
 * or RW when a later loop writes it), RW first (RW).
 *
 * By default with CUDA workers (GPU-only placement; a batch per GPU) and
 * on CPU workers alone (a batch per box: below), one process, no trace (a
 * trace names every loop); LEGATE_NUMPY_BATCH=0 turns it off, N >= 2 sets
 * the size (and batches on CPU workers beside GPUs: the tests use it to run
 * every op through batches; LEGATE_NUMPY_BATCH_KEYS=K spreads CPU loops
 * over K batches by tile, to exercise the ordering between batches).
 *
 * CPU workers alone: batches are keyed by the box of iteration space a
 * loop task covers (launch.c makes one task per output tile, so the tasks
 * of a chain of elementwise ops over arrays tiled alike have the same box
 * for the same tile), and CPU workers run a batch's fused groups through
 * the block executor (codelets/fuse_cpu.c): a chain runs as one task per
 * tile that reads its inputs once.  Up to LNP_BATCH_BOXES batches pend at
 * once (test mode's tiny tiles make hundreds), found by a hashed probe;
 * each keeps a bit signature of its handles so that the conflict and
 * release checks skip the batches a tile is not in.  The tiles all
 * pending batches hold stay under 1/64 of RAM.
 *
 * In the engine: lnp_submit (submit.c) offers loops here; batches and the
 * tasks of lnp_batch_alone go out through lnp_submit_direct (distributed.c),
 * never back up through lnp_submit. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lnp.h"
#include "profile.h"
#include "../codelets/codelets.h"
#include "../codelets/fuse.h"
#include "../scheduler/locality.h"

/* batches pending at once on CPU workers (keys by box: one per tile of
 * the arrays a chain works on, test mode's tiny tiles included), and how
 * many slots a box's lookup probes */
#define LNP_BATCH_BOXES 2048
#define LNP_BATCH_PROBES 16
#define LNP_BATCH_SIG_BITS 512

typedef struct batch_loop {
  lnp_loop_desc *desc;
  size_t size;
  int nbuf;
  uint32_t *map; /* nbuf indices into the batch's buffers */
  struct starpu_data_descr *descrs; /* the loop's own accesses */
  const char *name;
} batch_loop;

/* one pending batch */
typedef struct batch {
  batch_loop *loops;
  int nloops, loops_cap;
  struct starpu_data_descr *bufs;
  int nbufs, bufs_cap;
  uint64_t bytes;
  /* fusion planning (codelets/fuse.h): the pending loops from open_start
   * on form a group that the next loop may extend; a submission keeps them
   * back, so that groups (and their compiled kernels) do not depend on
   * when batches happen to be submitted */
  lnp_fuse_group *G;
  int open_start;
  /* keys by box (CPU workers): the box of iteration space this batch's
   * loops cover, and when it was last given a loop */
  int key_nd;      /* the box's dims + 1; 0: never keyed */
  int64_t key_lo[LNP_MAXDIM], key_hi[LNP_MAXDIM];
  uint64_t last_use;
  /* the handles of bufs, one bit each of LNP_BATCH_SIG_BITS (a filter:
   * most batches are told apart from a handle without scanning bufs) */
  uint64_t sig[LNP_BATCH_SIG_BITS / 64];
  int active_at;   /* index in B.active while the batch holds loops, else -1 */
} batch;


static struct {
  int enabled;     /* batching on */
  int max_loops;   /* loops per batch */
  int early;       /* submit when the GPUs are (nearly) idle */
  long early_inflight; /* ... i.e. at most this many tasks of ours in flight */
  int by_home;     /* key = the written tile's home GPU (several GPUs) */
  int by_box;      /* key = the box a loop task covers (CPU workers) */
  uint64_t uses;   /* loops offered (by_box's clock) */
  uint64_t max_bytes;
  batch *b;        /* one per key */
  int nkeys;
  int *active;     /* the batches that hold loops (B.b indices) */
  int nactive;
  int host;        /* plans are for the CPU executor */
  struct held_tile { starpu_data_handle_t h; int home, owner; } *unreg; /* released tiles held until the batches using them are in */
  int nunreg, unreg_cap;
  int plan;        /* plan fusion groups */
  int hard_cap;    /* loops: one open group held this long is submitted anyway */
  int alone;       /* lnp_batch_alone depth */
} B;

static void hc_free(void);

static void batch_free_all(void)
{
  for (int k = 0; k < B.nkeys; k++) {
    free(B.b[k].loops);
    free(B.b[k].bufs);
    free(B.b[k].G);
  }
  free(B.b);
  free(B.active);
  hc_free();
  free(B.unreg);
  memset(&B, 0, sizeof B);
}

void lnp_batch_init(uint64_t gpu_mem_bytes)
{
  /* a runtime started again after a shutdown (which flushed) */
  batch_free_all();
  const unsigned ncuda = starpu_cuda_worker_get_count();
  const char *env = getenv("LEGATE_NUMPY_BATCH");
  const long n = env && *env ? strtol(env, NULL, 10) : -1;
  if (n == 0 || n == 1 || lnp_mpi_enabled() || lnp_profile_tracing()) return;
  /* by default with GPUs (GPU-only placement): with two H200s a 16384^2
   * Jacobi sweep took 1.96 ms batched (a batch per GPU, fused, halo copies
   * outside the batches) against 3.8 ms unbatched */
  /* and on CPU workers alone, where the batches fuse (fuse_cpu.c):
   * consecutive loops over the same tile go to one batch (keys by box), so
   * that a chain of elementwise ops runs as one pass over each tile */
  const int cpu_only = ncuda == 0 && starpu_cpu_worker_get_count() > 0;
  if (n < 0 && !(ncuda >= 1 && lnp_codelets_gpu_only()) && !(cpu_only && lnp_fuse_mode())) return;
  /* LEGATE_NUMPY_BATCH_KEYS: keys by tile on CPU workers (tests) */
  const char *keys = getenv("LEGATE_NUMPY_BATCH_KEYS");
  long fake_keys = ncuda == 0 && keys && *keys ? strtol(keys, NULL, 10) : 0;
  if (fake_keys > 64) fake_keys = 64;
  B.by_home = ncuda > 1;
  B.by_box = cpu_only && fake_keys <= 1 && lnp_fuse_mode();
  B.nkeys = B.by_home ? (int)ncuda : fake_keys > 1 ? (int)fake_keys : B.by_box ? LNP_BATCH_BOXES : 1;
  B.b = calloc((size_t)B.nkeys, sizeof *B.b);
  B.active = malloc(sizeof *B.active * (size_t)B.nkeys);
  if (!B.b || !B.active) {
    batch_free_all();
    return;
  }
  for (int k = 0; k < B.nkeys; k++) B.b[k].active_at = -1;
  B.enabled = 1;
  B.max_loops = n > 1 ? (int)(n < 4096 ? n : 4096) : 16;
  /* submit while the workers have little to do (CPU: fewer tasks of ours
   * in flight than workers) */
  B.early = ncuda > 0 || B.by_box;
  B.early_inflight = ncuda > 1 ? (long)ncuda : ncuda == 1 ? 1 : (long)starpu_cpu_worker_get_count();
  /* every tile of a batch is on the GPU at once: stay well inside its
   * memory.  On CPU workers, the tiles all pending batches hold (their
   * dead temporaries' too, which go back to the tile pool only once their
   * batch is submitted) stay within half the pool's default size (1/64 of
   * RAM): beyond, new stores got fresh memory, and first-touch page faults
   * cost more than the fusion saved. */
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  B.max_bytes = gpu_mem_bytes            ? gpu_mem_bytes / 8
                : ncuda == 0 && pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page / 64
                                                      : UINT64_MAX;
  /* plan groups where the batch codelet fuses them */
  /* (each batch's plan is allocated with its first loop) */
  B.plan = lnp_fuse_mode() != 0;
  B.host = ncuda == 0; /* planned for the CPU executor: every elementwise float op joins */
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

/* 1 if bt is one of B.b (not submit_before's part) */
static int member(const batch *bt) { return bt >= B.b && bt < B.b + B.nkeys; }

/* Keep B.active in step with whether bt (if one of B.b) holds loops. */
static void sync_active(batch *bt)
{
  if (!member(bt)) return;
  if (bt->nloops > 0 && bt->active_at < 0) {
    bt->active_at = B.nactive;
    B.active[B.nactive++] = (int)(bt - B.b);
  } else if (bt->nloops == 0 && bt->active_at >= 0) {
    const int last = B.active[--B.nactive];
    B.active[bt->active_at] = last;
    B.b[last].active_at = bt->active_at;
    bt->active_at = -1;
  }
}

/* a handle's hash (the signature bit, the count table's slot) */
static uint64_t handle_hash(starpu_data_handle_t h) { return ((uintptr_t)h >> 4) * 0x9E3779B97F4A7C15ull; }

static unsigned sig_bit(starpu_data_handle_t h) { return (unsigned)((handle_hash(h) >> 32) % LNP_BATCH_SIG_BITS); }

static int sig_has(const batch *bt, starpu_data_handle_t h)
{
  const unsigned b = sig_bit(h);
  return (bt->sig[b / 64] >> (b % 64)) & 1;
}

static int batch_has(const batch *bt, starpu_data_handle_t h)
{
  if (!sig_has(bt, h)) return 0;
  for (int i = 0; i < bt->nbufs; i++)
    if (bt->bufs[i].handle == h) return 1;
  return 0;
}

/* How many pending batches (of B.b) hold each handle: an open-addressing
 * table, so that the release and conflict checks need not scan hundreds
 * of pending batches for every loop (kmeans 4.0 -> 3.4 s, 3.1 unbatched:
 * its Python thread is the bottleneck). */
static struct {
  starpu_data_handle_t *h;
  int *n;
  size_t cap, used;
  int broken; /* out of memory once: counts unknown, scan instead */
} HC;

static void hc_free(void)
{
  free(HC.h);
  free(HC.n);
  memset(&HC, 0, sizeof HC);
}

static size_t hc_find(starpu_data_handle_t h)
{
  size_t i = (size_t)handle_hash(h) & (HC.cap - 1);
  while (HC.h[i] && HC.h[i] != h) i = (i + 1) & (HC.cap - 1);
  return i;
}

static void hc_add(starpu_data_handle_t h, int delta)
{
  if (HC.broken) return;
  if (HC.used * 2 >= HC.cap) { /* grow, keeping the handles still held */
    const size_t old_cap = HC.cap;
    starpu_data_handle_t *oh = HC.h;
    int *on = HC.n;
    HC.cap = old_cap ? old_cap * 2 : 4096;
    HC.h = calloc(HC.cap, sizeof *HC.h);
    HC.n = calloc(HC.cap, sizeof *HC.n);
    HC.used = 0;
    if (!HC.h || !HC.n) {
      free(HC.h);
      free(HC.n);
      HC.h = NULL;
      HC.n = NULL;
      HC.broken = 1;
    } else {
      for (size_t i = 0; i < old_cap; i++)
        if (oh[i] && on[i] > 0) {
          const size_t j = hc_find(oh[i]);
          HC.h[j] = oh[i];
          HC.n[j] = on[i];
          HC.used++;
        }
    }
    free(oh);
    free(on);
    if (HC.broken) return;
  }
  const size_t i = hc_find(h);
  if (!HC.h[i]) {
    HC.h[i] = h;
    HC.used++;
  }
  HC.n[i] += delta;
}

/* pending batches holding h, or -1 when unknown */
static int hc_get(starpu_data_handle_t h)
{
  if (HC.broken) return -1;
  if (!HC.cap) return 0;
  const size_t i = hc_find(h);
  return HC.h[i] ? HC.n[i] : 0;
}

/* a batch of B.b gives up its handles (before its bufs are reset) */
static void hc_drop_all(const batch *bt)
{
  if (!member(bt)) return;
  for (int i = 0; i < bt->nbufs; i++) hc_add(bt->bufs[i].handle, -1);
}

static lnp_status flush_one(batch *bt);

/* The batch of the box a loop task covers (the bounding box of its
 * pieces: launch.c makes a task per output tile, so the loops of a chain
 * over arrays tiled alike give their tasks for one tile the same box): the
 * batch that has it, else an empty one, else the least recently used one,
 * flushed first.  -1 on an error (*st set). */
static int box_key(const lnp_loop_desc *d, lnp_status *st)
{
  int64_t lo[LNP_MAXDIM], hi[LNP_MAXDIM];
  const int nd = d->ndim > 0 ? d->ndim : 0;
  for (int j = 0; j < nd; j++) {
    for (int p = 0; p < d->npieces; p++) {
      const int64_t *w = lnp_loop_piece(d, p);
      if (p == 0 || w[nd + j] < lo[j]) lo[j] = w[nd + j];
      if (p == 0 || w[nd + j] + w[j] > hi[j]) hi[j] = w[nd + j] + w[j];
    }
  }
  uint64_t hsh = (uint64_t)nd;
  for (int j = 0; j < nd; j++) hsh = (hsh * 0x100000001B3ull ^ (uint64_t)lo[j]) * 0x100000001B3ull ^ (uint64_t)hi[j];
  const int start = (int)(hsh % (uint64_t)B.nkeys);
  int take = -1, lru = -1;
  for (int i = 0; i < LNP_BATCH_PROBES; i++) {
    const int k = (start + i) % B.nkeys;
    batch *bt = &B.b[k];
    if (bt->key_nd == nd + 1 && !memcmp(bt->key_lo, lo, sizeof lo[0] * (size_t)nd) &&
        !memcmp(bt->key_hi, hi, sizeof hi[0] * (size_t)nd)) {
      take = k; /* this box's batch, pending or not */
      break;
    }
    if (bt->key_nd == 0) { /* never used: the box has no batch further on */
      if (take < 0 || B.b[take].nloops > 0) take = k;
      break;
    }
    if (bt->nloops == 0 && (take < 0 || B.b[take].nloops > 0)) take = k;
    if (bt->nloops > 0 && (lru < 0 || bt->last_use < B.b[lru].last_use)) lru = k;
  }
  if (take < 0) { /* every probed batch is pending for another box */
    take = lru;
    if ((*st = flush_one(&B.b[take]))) return -1;
  }
  batch *bt = &B.b[take];
  if (bt->nloops == 0) {
    bt->key_nd = nd + 1;
    memcpy(bt->key_lo, lo, sizeof lo[0] * (size_t)nd);
    memcpy(bt->key_hi, hi, sizeof hi[0] * (size_t)nd);
  }
  return take;
}

/* The batch's key for a loop task, or -1 when it cannot join one. */
static int batch_key(const struct starpu_data_descr *descrs, int nbufs, const lnp_loop_desc *d, lnp_status *st)
{
  if (B.by_box) {
    const int k = box_key(d, st);
    if (k >= 0) B.b[k].last_use = ++B.uses;
    return k;
  }
  if (!B.by_home && B.nkeys <= 1) return 0;
  for (int i = 0; i < nbufs; i++) {
    if (!(descrs[i].mode & STARPU_W)) continue;
    if (B.by_home) {
      const int h = lnp_sched_home_of(descrs[i].handle);
      return h >= 0 && h < B.nkeys ? h : -1;
    }
    const uintptr_t x = (uintptr_t)descrs[i].handle; /* fake keys: any spread will do */
    return (int)((x >> 4) * 2654435761u % (uintptr_t)B.nkeys);
  }
  return -1;
}

/* 1 if a pending batch other than `self` uses handle h */
static int used_elsewhere(starpu_data_handle_t h, const batch *self)
{
  const int c = hc_get(h);
  if (c >= 0) return c - (self && member(self) && batch_has(self, h)) > 0;
  for (int a = 0; a < B.nactive; a++) {
    const batch *bt = &B.b[B.active[a]];
    if (bt == self || !sig_has(bt, h)) continue;
    for (int i = 0; i < bt->nbufs; i++)
      if (bt->bufs[i].handle == h) return 1;
  }
  return 0;
}

/* Release the held tiles no pending batch needs any more (to the tile
 * pool, or unregistered). */
static void release_unregs(void)
{
  int n = 0;
  for (int u = 0; u < B.nunreg; u++) {
    if (used_elsewhere(B.unreg[u].h, NULL)) B.unreg[n++] = B.unreg[u];
    else lnp_tile_pool_release(B.unreg[u].h, B.unreg[u].home, B.unreg[u].owner);
  }
  B.nunreg = n;
}

/* Submit one batch's loops (one loop: its own task, named after its op,
 * timed by its model), then the held unregistrations nothing pending needs. */
static lnp_status flush_one(batch *bt)
{
  if (bt->nloops == 0) return LNP_OK;
  lnp_status st = LNP_OK;
  const int nloops = bt->nloops, nbufs = bt->nbufs;
  bt->nloops = 0;
  bt->bytes = 0;
  bt->open_start = 0;
  if (nloops == 1) {
    batch_loop *l = &bt->loops[0];
    struct starpu_data_descr stack[16], *d = l->nbuf <= 16 ? stack : malloc(sizeof *d * (size_t)l->nbuf);
    if (!d) {
      free(l->desc);
      st = lnp_error(LNP_ENOMEM, "out of memory");
    } else {
      for (int i = 0; i < l->nbuf; i++) d[i] = bt->bufs[l->map[i]];
      st = lnp_submit_direct(&lnp_cl_loop, d, l->nbuf, l->desc, l->size, l->name);
      if (d != stack) free(d);
    }
    free(l->map);
    free(l->descrs);
  } else {
    size_t total = sizeof(lnp_batch_head) + lnp_batch_pad8((size_t)nbufs);
    for (int k = 0; k < nloops; k++)
      total += sizeof(lnp_batch_sub) + lnp_batch_pad8((size_t)bt->loops[k].nbuf * sizeof(uint32_t)) +
               lnp_batch_pad8(bt->loops[k].size);
    char *arg = calloc(1, total);
    if (arg) {
      lnp_batch_head head = {LNP_BATCH_MAGIC, (uint32_t)nloops, (uint32_t)nbufs, 0};
      memcpy(arg, &head, sizeof head);
      char *p = arg + sizeof head;
      /* the tiles released while the batch was pending, and used by no
       * other pending loop, are dead after it: fusion may drop their stores */
      for (int i = 0; i < nbufs; i++)
        for (int u = 0; u < B.nunreg; u++)
          if (B.unreg[u].h == bt->bufs[i].handle) p[i] = !used_elsewhere(bt->bufs[i].handle, bt);
      p += lnp_batch_pad8((size_t)nbufs);
      for (int k = 0; k < nloops; k++) {
        const batch_loop *l = &bt->loops[k];
        lnp_batch_sub sub = {(uint32_t)l->size, (uint32_t)l->nbuf};
        memcpy(p, &sub, sizeof sub);
        p += sizeof sub;
        memcpy(p, l->map, (size_t)l->nbuf * sizeof(uint32_t));
        p += lnp_batch_pad8((size_t)l->nbuf * sizeof(uint32_t));
        memcpy(p, l->desc, l->size);
        p += lnp_batch_pad8(l->size);
      }
      st = lnp_submit_direct_loops(&lnp_cl_batch, bt->bufs, nbufs, arg, total, "batch", nloops);
      if (!st) {
        lnp_batches++;
        lnp_batched_loops += (uint64_t)nloops;
      }
    } else {
      st = lnp_error(LNP_ENOMEM, "out of memory");
    }
    for (int k = 0; k < nloops; k++) {
      free(bt->loops[k].desc);
      free(bt->loops[k].map);
      free(bt->loops[k].descrs);
    }
  }
  hc_drop_all(bt);
  bt->nbufs = 0;
  memset(bt->sig, 0, sizeof bt->sig);
  sync_active(bt);
  /* the tiles released meanwhile: after the batches that used them */
  release_unregs();
  return st;
}

lnp_status lnp_batch_flush(void)
{
  lnp_status st = LNP_OK;
  while (B.nactive > 0) {
    const lnp_status s1 = flush_one(&B.b[B.active[B.nactive - 1]]);
    if (!st) st = s1;
  }
  return st;
}

int lnp_batch_hold_unregister(starpu_data_handle_t h, int home, int owner)
{
  if (!used_elsewhere(h, NULL)) return 0; /* no pending loop uses it: release now */
  struct held_tile *u = grow(B.unreg, &B.unreg_cap, B.nunreg + 1, sizeof *u);
  if (!u) return 0; /* out of memory: flush first, then unregister */
  B.unreg = u;
  B.unreg[B.nunreg].h = h;
  B.unreg[B.nunreg].home = home;
  B.unreg[B.nunreg++].owner = owner;
  return 1;
}

/* Append a loop (its desc and descrs now owned by the batch); 0 when out
 * of memory (the batch is then as it was). */
static int batch_add(batch *bt, batch_loop l, int plan)
{
  batch_loop *loops = grow(bt->loops, &bt->loops_cap, bt->nloops + 1, sizeof *loops);
  if (!loops) return 0;
  bt->loops = loops;
  struct starpu_data_descr *bufs = grow(bt->bufs, &bt->bufs_cap, bt->nbufs + l.nbuf, sizeof *bufs);
  if (!bufs) return 0;
  bt->bufs = bufs;
  l.map = malloc(sizeof *l.map * (size_t)l.nbuf);
  if (!l.map) return 0;
  for (int i = 0; i < l.nbuf; i++) {
    int j = 0;
    while (j < bt->nbufs && bt->bufs[j].handle != l.descrs[i].handle) j++;
    if (j == bt->nbufs) {
      const unsigned b = sig_bit(l.descrs[i].handle);
      bt->sig[b / 64] |= (uint64_t)1 << (b % 64);
      if (member(bt)) hc_add(l.descrs[i].handle, +1);
      bt->bufs[bt->nbufs++] = l.descrs[i];
      bt->bytes += starpu_data_get_size(l.descrs[i].handle);
    } else if (!(bt->bufs[j].mode & STARPU_W)) {
      /* read so far: the batch needs the old value, and now writes it */
      bt->bufs[j].mode |= l.descrs[i].mode;
    } /* written earlier in the batch: later accesses are internal */
    l.map[i] = (uint32_t)j;
  }
  const int idx = bt->nloops;
  bt->loops[bt->nloops++] = l;
  sync_active(bt);
  if (plan && !bt->G && (bt->G = malloc(sizeof *bt->G))) bt->G->host = B.host;
  if (plan && !bt->G) {
    bt->open_start = idx + 1; /* out of memory: no group */
  } else if (plan) {
    const lnp_fuse_loop fl = {l.desc, l.map, (uint32_t)l.nbuf};
    if (bt->open_start < idx && lnp_fuse_extend(bt->G, &fl)) {
      /* the open group goes on */
    } else {
      bt->open_start = lnp_fuse_begin(bt->G, &fl, idx) ? idx : idx + 1;
    }
  }
  return 1;
}

/* Submit a batch's loops before `upto` and keep the others (the open
 * group) pending in it; the kept loops stay visible in B.b meanwhile, so
 * that their tiles are neither dead for the submitted part nor
 * unregistered. */
static lnp_status submit_before(batch *bt, int upto)
{
  const int n = bt->nloops;
  batch_loop *all = malloc(sizeof *all * (size_t)n);
  if (!all) return flush_one(bt);
  memcpy(all, bt->loops, sizeof *all * (size_t)n);
  for (int k = 0; k < n; k++) free(all[k].map);
  lnp_status st = LNP_OK;
  batch first = {0}; /* the first part alone: its buffers' modes are its own */
  for (int k = 0; k < upto; k++)
    if (!batch_add(&first, all[k], 0)) st = lnp_error(LNP_ENOMEM, "out of memory");
  hc_drop_all(bt);
  bt->nloops = 0;
  bt->nbufs = 0;
  memset(bt->sig, 0, sizeof bt->sig);
  bt->bytes = 0;
  bt->open_start = 0;
  for (int k = upto; k < n; k++)
    if (!batch_add(bt, all[k], B.plan) && !st) st = lnp_error(LNP_ENOMEM, "out of memory");
  sync_active(bt);
  const lnp_status s1 = flush_one(&first);
  if (!st) st = s1;
  free(first.loops);
  free(first.bufs);
  free(first.G);
  free(all);
  return st;
}

/* 1 if the loop's accesses conflict with batch bt's (a tile one of them writes) */
static int conflicts(const batch *bt, const struct starpu_data_descr *descrs, int nbufs)
{
  for (int i = 0; i < nbufs; i++)
    for (int j = 0; j < bt->nbufs && sig_has(bt, descrs[i].handle); j++)
      if (bt->bufs[j].handle == descrs[i].handle &&
          ((bt->bufs[j].mode | descrs[i].mode) & ~(enum starpu_data_access_mode)STARPU_R))
        return 1; /* one of them writes (W, REDUX, SCRATCH...) */
  return 0;
}

void lnp_batch_alone(int on) { B.alone += on ? 1 : -1; }

/* Submit the pending batches other than `skip` (-1: none) that a task with
 * these accesses conflicts with, so that it comes after them. */
static lnp_status flush_conflicting(const struct starpu_data_descr *descrs, int nbufs, int skip)
{
  lnp_status st = LNP_OK;
  int maybe = 0; /* some handle is held by a pending batch other than skip */
  for (int i = 0; i < nbufs && !maybe; i++) {
    const int c = hc_get(descrs[i].handle);
    maybe = c < 0 || c - (skip >= 0 && batch_has(&B.b[skip], descrs[i].handle)) > 0;
  }
  if (!maybe) return LNP_OK;
  /* downwards: a flushed batch leaves B.active, the last one taking its place */
  for (int a = B.nactive - 1; a >= 0 && !st; a--) {
    const int k = B.active[a];
    if (k != skip && conflicts(&B.b[k], descrs, nbufs)) st = flush_one(&B.b[k]);
  }
  return st;
}

lnp_status lnp_batch_before(const struct starpu_data_descr *descrs, int nbufs)
{
  if (!B.enabled || B.nactive == 0) return LNP_OK;
  /* by box: after the batches it conflicts with only; with hundreds
   * pending (a tile each), flushing them all before every other task
   * (kmeans' matmul pieces, its argmin) cut every group and made the
   * Python thread the bottleneck: kmeans 3.1 -> 4.3 s */
  if (B.by_box && descrs) return flush_conflicting(descrs, nbufs, -1);
  return lnp_batch_flush();
}

int lnp_batch_offer(struct starpu_codelet *cl, const struct starpu_data_descr *descrs, int nbufs, void *arg,
                    size_t arg_size, const char *name, lnp_status *st)
{
  *st = LNP_OK;
  if (!B.enabled || nbufs <= 0) return 0;
  if (B.alone > 0) {
    /* a task of its own, ordered after the batches it conflicts with only */
    if ((*st = flush_conflicting(descrs, nbufs, -1))) { free(arg); return 1; }
    *st = lnp_submit_direct(cl, (struct starpu_data_descr *)descrs, nbufs, arg, arg_size, name);
    return 1;
  }
  if (cl != &lnp_cl_loop) return 0;
  for (int i = 0; i < nbufs; i++)
    if (descrs[i].mode & ~(enum starpu_data_access_mode)STARPU_RW) return 0;
  if (!lnp_loop_batchable(arg, arg_size, nbufs)) return 0;
  const int key = batch_key(descrs, nbufs, arg, st);
  if (key < 0) return 0;
  batch *bt = &B.b[key];
  /* program order between batches: what this loop depends on, or what
   * depends on the old values it overwrites, goes first */
  if ((*st = flush_conflicting(descrs, nbufs, key))) return 0;
  struct starpu_data_descr *own = malloc(sizeof *own * (size_t)nbufs);
  if (!own) return 0;
  memcpy(own, descrs, sizeof *own * (size_t)nbufs);
  if (!batch_add(bt, (batch_loop){arg, arg_size, nbufs, NULL, own, name}, B.plan)) {
    free(own);
    return 0;
  }
  /* a loop that reads no tile (a fill, a generator) waits for the loop
   * that reads what it wrote: a reduction's fill and the reduction then go
   * as one task (one StarPU round trip less: a 2^28 sum on an H200 took
   * 668 us against a 537 us kernel) */
  int reads = 0;
  for (int i = 0; i < nbufs && !reads; i++) reads = (descrs[i].mode & STARPU_R) != 0;
  /* by box: the bytes all pending batches hold (B.max_bytes above) */
  uint64_t held = bt->bytes;
  for (int a = 0; B.by_box && a < B.nactive; a++)
    if (&B.b[B.active[a]] != bt) held += B.b[B.active[a]].bytes;
  if (held >= B.max_bytes) {
    *st = flush_one(bt);
    return 1;
  }
  if (bt->nloops >= B.max_loops ||
      (B.early && reads && lnp_runtime_inflight() <= B.early_inflight)) {
    const int open = B.plan ? bt->open_start : bt->nloops;
    if (open >= bt->nloops) *st = flush_one(bt);
    else if (open > 0) *st = submit_before(bt, open);
    else if (bt->nloops >= B.hard_cap) *st = flush_one(bt);
    /* else: one open group, still growing: held */
  }
  return 1;
}
