/* The host memory arrays may take, checked before a store registers its
 * tiles, so that running out of it is a MemoryError, as in NumPy, and
 * never an abort or a hang inside StarPU.
 *
 * A store's tiles are registered when it is created and allocated by a
 * worker when a task first writes them.  Out of memory, both used to fail
 * deep inside StarPU: a handle's registration callocs its state and aborts
 * when that fails ("_starpu_data_handle_init: Cannot allocate", e.g. many
 * live arrays under an RLIMIT_AS), and a worker whose tile allocation
 * fails under STARPU_LIMIT_CPU_MEM waits for memory nothing will free (the
 * program hung).  Here we count the bytes of the tiles this process has
 * registered and not yet unregistered (committed: live stores and the
 * tile pool), and a new store asks first (lnp_host_memory_reserve):
 *  - under STARPU_LIMIT_CPU_MEM, committed plus the new store must fit in
 *    the limit;
 *  - the address space must hold what is committed but not yet allocated,
 *    the new store, its handles' StarPU state (LNP_HANDLE_BYTES each) and
 *    a reserve for everything else the program allocates meanwhile (tasks,
 *    Python objects): one mmap of that size, unmapped at once, tells.  The
 *    handles and the rest are small allocations, which memory freed to
 *    malloc's arenas serves (freed handles do not give their address
 *    space back: after a MemoryError and the program's release of its
 *    arrays, fresh address space alone was still short), so the free bytes
 *    of the arenas count against that part; tile data is mapped afresh.  A
 *    probe costs two system calls, so it is made only once the stores
 *    created since the last one reach half the reserve, or for a store of
 *    that size.
 * On a refusal the store layer makes room (the tile pool emptied, the
 * pending tasks finished, so that released tiles are unregistered) and asks
 * again before it raises.  Not with GPUs: tiles then live on the devices
 * (StarPU evicts to host memory when a GPU is full) and the host count
 * would say nothing.  Only the thread holding the GIL creates and releases
 * stores: no lock. */
#include <malloc.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "lnp.h"
#include "../data-interfaces/nd_interface.h"

/* StarPU's state per handle (the handle, its 16 per-node interfaces and
 * replicates, the MPI data), rounded up: measured 5-14 KB */
#define LNP_HANDLE_BYTES ((int64_t)16 << 10)
/* address space kept free beyond what is committed */
#define LNP_RESERVE_BYTES ((int64_t)64 << 20)

static struct {
  int on;
  int64_t budget;      /* STARPU_LIMIT_CPU_MEM in bytes, 0: none */
  int64_t committed;   /* bytes of registered tiles (data only) */
  int64_t since_probe; /* bytes (data and handles) reserved since the last probe */
} M;

void lnp_host_memory_init(int gpus)
{
  M.committed = 0;
  M.since_probe = LNP_RESERVE_BYTES; /* the first store probes */
  M.on = !gpus;
  const char *lim = getenv("STARPU_LIMIT_CPU_MEM");
  M.budget = M.on && lim && atoll(lim) > 0 ? (int64_t)atoll(lim) << 20 : 0;
}

void lnp_host_memory_commit(int64_t bytes) { M.committed += bytes; }
void lnp_host_memory_release(int64_t bytes) { M.committed -= bytes; }
int64_t lnp_host_memory_committed(void) { return M.committed; }

/* Whether `bytes` of address space can be mapped now. */
static int address_space_free(int64_t bytes)
{
  void *p = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 0;
  munmap(p, (size_t)bytes);
  return 1;
}

lnp_status lnp_host_memory_reserve(int64_t bytes, int64_t ntiles, int dtype)
{
  if (!M.on) return LNP_OK;
  const double mib = (double)bytes / (1024.0 * 1024.0);
  if (M.budget && M.committed + bytes > M.budget)
    return lnp_error(LNP_ENOMEM,
                     "Unable to allocate %.3g MiB for an array of type %s: live arrays hold %.3g MiB of the %.3g MiB "
                     "STARPU_LIMIT_CPU_MEM allows",
                     mib, lnp_dtype_name(dtype), (double)M.committed / (1024.0 * 1024.0),
                     (double)M.budget / (1024.0 * 1024.0));
  const int64_t want = bytes + ntiles * LNP_HANDLE_BYTES;
  M.since_probe += want;
  if (M.since_probe < LNP_RESERVE_BYTES / 2) return LNP_OK;
  int64_t pending = M.committed - lnp_nd_allocated_bytes(STARPU_MAIN_RAM);
  if (pending < 0) pending = 0;
  int64_t small = want - bytes + LNP_RESERVE_BYTES - (int64_t)mallinfo2().fordblks;
  if (small < 0) small = 0;
  if (pending + bytes + small > 0 && !address_space_free(pending + bytes + small)) {
    M.since_probe -= want;
    return lnp_error(LNP_ENOMEM, "Unable to allocate %.3g MiB for an array of type %s (out of memory)", mib,
                     lnp_dtype_name(dtype));
  }
  M.since_probe = 0;
  return LNP_OK;
}
