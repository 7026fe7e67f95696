/* Registered tiles kept for reuse.
 *
 * Every op makes a new store, and every tile of it was a StarPU handle
 * registered for it and unregistered after it: on an H200 channel flow (1840
 * loops a step, host-bound) that was a quarter of the Python thread
 * (starpu_data_register's callocs of the handle and its 16 per-node
 * interfaces, the acquire behind starpu_data_unregister_submit) and the
 * unregistration on the CUDA worker, whose frees contend with the Python
 * thread's callocs on glibc's arena lock.
 *
 * A released tile nothing pending uses goes here instead, keyed by what its
 * registration fixed (dtype, shape, home GPU), and the next store of that
 * tile shape takes it.  Its old value is garbage to the new store, as
 * np.empty's is: the first task writes it (a store's never-written tiles are
 * filled before a partial write or a read, launch.c), and StarPU's implicit
 * dependencies order that write after the old readers.  Its memory stays
 * allocated where it was last written, as in StarPU's own cache of freed
 * buffers, but StarPU sees a valid value there, which it would copy to RAM
 * to evict: the pool is therefore small (LEGATE_NUMPY_TILE_POOL MiB; default
 * 1/32 of the GPU's memory, or of RAM without GPUs; 0: off).
 *
 * Under MPI a tile's registration also fixes its owner rank: the owner is
 * part of the key.  Ranks do not release stores in the same order (Python's
 * cyclic GC frees at rank-dependent times), so each rank may take a
 * different old tile for the same new one: a taken tile gets a fresh tag
 * from the counter every rank advances identically (lnp_mpi_retag_tile), as
 * a new registration would.  Which tiles a rank keeps may differ too, so the
 * cap needs no agreement.  A rank's cached copy of a remote tile is dropped
 * when the owner writes it (StarPU-MPI on a W access in
 * starpu_mpi_task_insert, lnp_mpi_before_host_write on a host write), so the
 * new store never reads the old one's.
 *
 * Only the Python thread creates and releases stores; no lock. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lnp.h"
#include "../data-interfaces/nd_interface.h"

typedef struct {
  int dtype, ndim, home, owner;
  uint64_t shape[LNP_MAXDIM];
} pool_key;

typedef struct {
  pool_key key;
  size_t bytes;               /* of one tile */
  starpu_data_handle_t *h;
  int n, cap;
  uint64_t last_use;          /* for evicting the stalest key */
} pool_bucket;

#define POOL_MAX_KEYS 256
#define POOL_MAX_TILES 4096   /* handles are ~10 KB of StarPU state each */
/* Bigger tiles are not kept: their registration is little beside their
 * loops' time, and reusing a 2 GiB tile made c = a + b on an H100 20%
 * slower (2.55 against 2.20 ms) from about the tenth call on, for a reason
 * not found yet (channel flow's 128 MiB tiles showed nothing of the kind). */
#define POOL_MAX_TILE_BYTES ((size_t)256 << 20)

static struct {
  int on;
  size_t cap_bytes, bytes;
  int tiles;
  pool_bucket b[POOL_MAX_KEYS];
  int nb;
  uint64_t clock, reused;
} P;

void lnp_tile_pool_init(uint64_t gpu_mem_bytes)
{
  memset(&P, 0, sizeof P);
  uint64_t mem = gpu_mem_bytes;
  if (!mem) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    mem = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
  }
  P.cap_bytes = (size_t)(mem / 32);
  const char *e = getenv("LEGATE_NUMPY_TILE_POOL");
  if (e && *e) P.cap_bytes = (size_t)strtoull(e, NULL, 10) << 20;
  P.on = P.cap_bytes > 0;
}

static void make_key(pool_key *k, int ndim, const uint64_t *shape, int dtype, int home, int owner)
{
  memset(k, 0, sizeof *k);
  k->dtype = dtype;
  k->ndim = ndim;
  k->home = home;
  k->owner = owner;
  memcpy(k->shape, shape, sizeof(uint64_t) * (size_t)ndim);
}

static pool_bucket *find(const pool_key *k)
{
  for (int i = 0; i < P.nb; i++)
    if (!memcmp(&P.b[i].key, k, sizeof *k)) return &P.b[i];
  return NULL;
}

/* every unregistration of a tile: the memory it held is no longer
 * committed (host_memory.c) */
static void unregister_tile(starpu_data_handle_t h)
{
  lnp_host_memory_release((int64_t)starpu_data_get_alloc_size(h));
  starpu_data_unregister_submit(h);
}

static void drop_bucket(pool_bucket *b)
{
  for (int i = 0; i < b->n; i++) unregister_tile(b->h[i]);
  P.tiles -= b->n;
  P.bytes -= b->bytes * (size_t)b->n;
  free(b->h);
  *b = P.b[--P.nb];
}

starpu_data_handle_t lnp_tile_pool_take(int ndim, const uint64_t *shape, int dtype, int home, int owner)
{
  if (!P.on || !P.nb) return NULL;
  pool_key k;
  make_key(&k, ndim, shape, dtype, home, owner);
  pool_bucket *b = find(&k);
  if (!b || !b->n) return NULL;
  b->last_use = ++P.clock;
  P.tiles--;
  P.bytes -= b->bytes;
  P.reused++;
  return b->h[--b->n];
}

/* 1 if the pool keeps h, 0 if it is off or full */
static int give(starpu_data_handle_t h, int home, int owner)
{
  if (!P.on) return 0;
  const lnp_nd_interface *nd = starpu_data_get_interface_on_node(h, STARPU_MAIN_RAM);
  size_t bytes = nd->elemsize;
  for (int d = 0; d < nd->ndim; d++) bytes *= (size_t)LNP_ND_GET_SHAPE(nd)[d];
  if (bytes > POOL_MAX_TILE_BYTES || P.tiles >= POOL_MAX_TILES || P.bytes + bytes > P.cap_bytes) return 0;
  pool_key k;
  make_key(&k, nd->ndim, LNP_ND_GET_SHAPE(nd), nd->dtype, home, owner);
  pool_bucket *b = find(&k);
  if (!b) {
    if (P.nb == POOL_MAX_KEYS) { /* evict the key unused longest */
      pool_bucket *old = &P.b[0];
      for (int i = 1; i < P.nb; i++)
        if (P.b[i].last_use < old->last_use) old = &P.b[i];
      drop_bucket(old);
    }
    b = &P.b[P.nb++];
    memset(b, 0, sizeof *b);
    b->key = k;
    b->bytes = bytes;
  }
  if (b->n == b->cap) {
    int cap = b->cap ? 2 * b->cap : 8;
    starpu_data_handle_t *nh = realloc(b->h, sizeof *nh * (size_t)cap);
    if (!nh) return 0;
    b->h = nh;
    b->cap = cap;
  }
  b->h[b->n++] = h;
  b->last_use = ++P.clock;
  P.tiles++;
  P.bytes += bytes;
  return 1;
}

void lnp_tile_pool_release(starpu_data_handle_t h, int home, int owner)
{
  if (!give(h, home, owner)) unregister_tile(h);
}

void lnp_tile_pool_flush(void)
{
  while (P.nb) drop_bucket(&P.b[P.nb - 1]);
}

void lnp_tile_pool_drain(void)
{
  lnp_tile_pool_flush();
  /* only the shutdown drains: a store another thread releases while it
   * waits is unregistered, not kept past it */
  P.on = 0;
}

void lnp_tile_pool_counts(uint64_t *reused, uint64_t *held)
{
  if (reused) *reused = P.reused;
  if (held) *held = (uint64_t)P.tiles;
}
