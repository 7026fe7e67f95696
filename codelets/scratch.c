/* Per-thread scratch memory (scratch.h). */
#include <string.h>
#include <sys/mman.h>

#include "scratch.h"

#define LNP_SCRATCH_MIN ((size_t)1 << 20)
#define LNP_SCRATCH_EXTRA 8

static _Thread_local struct {
  char *base;
  size_t cap, used, need;
  void *extra[LNP_SCRATCH_EXTRA]; /* what did not fit this round: mapped alone */
  size_t extra_n[LNP_SCRATCH_EXTRA];
  int nextra;
} S;

void lnp_scratch_begin(void)
{
  for (int i = 0; i < S.nextra; i++) munmap(S.extra[i], S.extra_n[i]);
  S.nextra = 0;
  if (S.need > S.cap) {
    if (S.base) munmap(S.base, S.cap);
    size_t cap = LNP_SCRATCH_MIN;
    while (cap < S.need) cap *= 2;
    void *p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    S.base = p == MAP_FAILED ? NULL : p;
    S.cap = S.base ? cap : 0;
  }
  S.used = 0;
  S.need = 0;
}

void *lnp_scratch_alloc(size_t n, int zero)
{
  n = (n + 63) & ~(size_t)63;
  if (n == 0) n = 64;
  S.need += n;
  void *p;
  if (S.used + n <= S.cap) {
    p = S.base + S.used;
    S.used += n;
  } else {
    if (S.nextra == LNP_SCRATCH_EXTRA) return NULL;
    p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    S.extra[S.nextra] = p;
    S.extra_n[S.nextra++] = n;
    return p; /* fresh pages are zero */
  }
  if (zero) memset(p, 0, n);
  return p;
}

lnp_scratch_mark lnp_scratch_here(void) { return (lnp_scratch_mark){S.used, S.nextra}; }

void lnp_scratch_release(lnp_scratch_mark mark)
{
  if (mark.used <= S.used) S.used = mark.used;
  while (S.nextra > mark.nextra && S.nextra > 0) {
    S.nextra--;
    munmap(S.extra[S.nextra], S.extra_n[S.nextra]);
  }
}
