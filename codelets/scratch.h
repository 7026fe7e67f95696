/* Scratch memory of the calling thread (a worker running a batch): a bump
 * allocator over an mmap'd region, never malloc.  glibc gives each thread
 * that mallocs its own arena, 64 MiB of address space reserved at once;
 * with batches on CPU workers every worker mallocs, and under an
 * address-space limit (ulimit -v) StarPU's next handle registration ran
 * out of it and aborted instead of our MemoryError (test_lifecycle's
 * out-of-address-space test). */
#ifndef LNP_SCRATCH_H
#define LNP_SCRATCH_H

#include <stddef.h>

/* Start a round: everything allocated since the last begin is released
 * (the region grows to what the last round needed). */
void lnp_scratch_begin(void);
/* n bytes, 64-byte aligned, zeroed when zero is set; NULL when out of
 * memory.  Valid until the next begin (or release below this mark). */
void *lnp_scratch_alloc(size_t n, int zero);
typedef struct lnp_scratch_mark {
  size_t used;
  int nextra;
} lnp_scratch_mark;
lnp_scratch_mark lnp_scratch_here(void);
void lnp_scratch_release(lnp_scratch_mark mark);

#endif
