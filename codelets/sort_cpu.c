/* CPU kernels of the sorting tasks (sort.h), generated per dtype from
 * dtypes.h's list and the keys of sort_key.h.
 *
 *  sort    each line: an insertion sort when short, else a radix sort
 *          on the key's bytes, stable, values (and indices) moved between
 *          the line and a scratch copy: most significant digit first into
 *          buckets, recursively, until a bucket fits a core's cache, where
 *          least-significant-digit passes finish it (one read for every
 *          digit's histogram).  A digit equal in every element is skipped
 *          (the exponent byte of data of one sign and scale, the high
 *          bytes of small integers).
 *  merge   the output's rank range is found in every run (a co-rank:
 *          the key of the range's first element by a binary search over
 *          the key space, then its position in each run),
 *          then the runs' heads are merged, the least (key, run) first
 *          (run order breaks ties, so the merge is stable): a scan of
 *          the heads' keys for a few runs, a binary heap for more.
 *  search  the runs are consecutive pieces of one sorted array: the run
 *          by its last key, then a binary search in it. */
#include <stdlib.h>
#include <string.h>

#include "sort.h"
#include "sort_key.h"

#define X(E, T, N, K) LNP_SK_DEF_##K(N, T, LNP_SK_KT_##N, N)
LNP_FOR_ALL(X)
#undef X

/* A worker's scratch buffers, kept from task to task: a fresh allocation
 * of a run's size is page-faulted in on every sort, which on the machines
 * measured cost as much as the radix passes themselves.  Each worker keeps
 * the largest it needed. */
static _Thread_local struct {
  void *p;
  size_t size;
} lnp_sort_scratch[3];

static void *scratch(int which, size_t bytes)
{
  if (lnp_sort_scratch[which].size < bytes) {
    free(lnp_sort_scratch[which].p);
    lnp_sort_scratch[which].p = malloc(bytes);
    lnp_sort_scratch[which].size = bytes;
    if (!lnp_sort_scratch[which].p) abort(); /* a task cannot fail softly */
  }
  return lnp_sort_scratch[which].p;
}

/* buckets of at most this many elements are sorted by LSD passes (they
 * and their scratch fit a core's L2 cache) */
#define LNP_SORT_LSD_RUN (1 << 16)

/* lines shorter than this: insertion sort */
#define LNP_SORT_SMALL 48

/* the count of elements of run (v, n) with key < k (upper: <= k) */
#define LNP_DEF_BOUND(N, T, K)                                                        \
  static int64_t bound_##N(const T *v, int64_t n, LNP_SK_KT_##N k, int upper)         \
  {                                                                                   \
    int64_t lo = 0, hi = n;                                                           \
    while (lo < hi) {                                                                 \
      const int64_t mid = lo + (hi - lo) / 2;                                         \
      const LNP_SK_KT_##N km = lnp_sk_key_##N(v[mid]);                                \
      if (upper ? !LNP_SK_LESS_##K(k, km) : LNP_SK_LESS_##K(km, k))                   \
        lo = mid + 1;                                                                 \
      else                                                                            \
        hi = mid;                                                                     \
    }                                                                                 \
    return lo;                                                                        \
  }

#define LNP_DEF_SORT_RUN(N, T, K)                                                     \
  static void insertion_##N(T *v, int64_t *ix, int64_t n)                             \
  {                                                                                   \
    for (int64_t i = 1; i < n; i++) {                                                 \
      const T x = v[i];                                                               \
      const int64_t xi = ix ? ix[i] : 0;                                              \
      const LNP_SK_KT_##N k = lnp_sk_key_##N(x);                                      \
      int64_t j = i;                                                                  \
      for (; j > 0 && LNP_SK_LESS_##K(k, lnp_sk_key_##N(v[j - 1])); j--) {            \
        v[j] = v[j - 1];                                                              \
        if (ix) ix[j] = ix[j - 1];                                                    \
      }                                                                               \
      v[j] = x;                                                                       \
      if (ix) ix[j] = xi;                                                             \
    }                                                                                 \
  }                                                                                   \
  /* least significant digit first, digits 0..top of the data in a (b:   \
   * scratch); returns 1 if the result is in a, 0 if in b */                          \
  static int lsd_##N(T *a, int64_t *ia, T *b, int64_t *ib, int64_t n, int top,         \
                     int64_t (*cnt)[256])                                             \
  {                                                                                   \
    memset(cnt, 0, sizeof(int64_t) * 256 * (size_t)(top + 1));                       \
    for (int64_t i = 0; i < n; i++) {                                                 \
      const LNP_SK_KT_##N k = lnp_sk_key_##N(a[i]);                                   \
      for (int p = 0; p <= top; p++) cnt[p][LNP_SK_DIGIT_##K(k, p)]++;                \
    }                                                                                 \
    T *src = a, *dst = b;                                                             \
    int64_t *isrc = ia, *idst = ib;                                                   \
    const LNP_SK_KT_##N k0 = lnp_sk_key_##N(a[0]);                                    \
    for (int p = 0; p <= top; p++) {                                                  \
      if (cnt[p][LNP_SK_DIGIT_##K(k0, p)] == n) continue;                             \
      int64_t off[256], s = 0;                                                        \
      for (int d = 0; d < 256; d++) {                                                 \
        off[d] = s;                                                                   \
        s += cnt[p][d];                                                               \
      }                                                                               \
      if (ia)                                                                         \
        for (int64_t i = 0; i < n; i++) {                                             \
          const int64_t o = off[LNP_SK_DIGIT_##K(lnp_sk_key_##N(src[i]), p)]++;       \
          dst[o] = src[i];                                                            \
          idst[o] = isrc[i];                                                          \
        }                                                                             \
      else                                                                            \
        for (int64_t i = 0; i < n; i++) dst[off[LNP_SK_DIGIT_##K(lnp_sk_key_##N(src[i]), p)]++] = src[i]; \
      T *t = src;                                                                     \
      src = dst;                                                                      \
      dst = t;                                                                        \
      int64_t *it = isrc;                                                             \
      isrc = idst;                                                                    \
      idst = it;                                                                      \
    }                                                                                 \
    return src == a;                                                                  \
  }                                                                                   \
  /* digits p..0 of the data in a, the result into a (want_a) or b: buckets          \
   * of digit p (a stable scatter into b), each sorted on by the next digit,          \
   * down to buckets that fit a core's cache, which LSD passes sort there */          \
  static void msd_##N(T *a, int64_t *ia, T *b, int64_t *ib, int64_t n, int p,         \
                      int want_a, int64_t (*cnt)[256])                                \
  {                                                                                   \
    if (n <= LNP_SORT_LSD_RUN || p == 0) {                                            \
      if (n > 1 && lsd_##N(a, ia, b, ib, n, p, cnt) != want_a) {                      \
        memcpy(want_a ? a : b, want_a ? b : a, sizeof(T) * (size_t)n);                \
        if (ia) memcpy(want_a ? ia : ib, want_a ? ib : ia, sizeof(int64_t) * (size_t)n); \
      } else if (n == 1 && !want_a) {                                                 \
        b[0] = a[0];                                                                  \
        if (ia) ib[0] = ia[0];                                                        \
      }                                                                               \
      return;                                                                         \
    }                                                                                 \
    int64_t c[256] = {0}, off[256], s = 0;                                            \
    for (int64_t i = 0; i < n; i++) c[LNP_SK_DIGIT_##K(lnp_sk_key_##N(a[i]), p)]++;   \
    if (c[LNP_SK_DIGIT_##K(lnp_sk_key_##N(a[0]), p)] == n) {                          \
      msd_##N(a, ia, b, ib, n, p - 1, want_a, cnt);                                   \
      return;                                                                         \
    }                                                                                 \
    for (int d = 0; d < 256; d++) {                                                   \
      off[d] = s;                                                                     \
      s += c[d];                                                                      \
    }                                                                                 \
    for (int64_t i = 0; i < n; i++) {                                                 \
      const int64_t o = off[LNP_SK_DIGIT_##K(lnp_sk_key_##N(a[i]), p)]++;             \
      b[o] = a[i];                                                                    \
      if (ia) ib[o] = ia[i];                                                          \
    }                                                                                 \
    for (int d = 0; d < 256; d++) {                                                                                \
      const int64_t lo = off[d] - c[d];                                               \
      if (c[d])                                                                       \
        msd_##N(b + lo, ib ? ib + lo : NULL, a + lo, ia ? ia + lo : NULL, c[d], p - 1, \
                !want_a, cnt);                                                        \
    }                                                                                 \
  }                                                                                   \
  /* tv, tix: scratch of n elements (tix when ix) */                                  \
  static void radix_##N(T *v, int64_t *ix, int64_t n, T *tv, int64_t *tix,            \
                        int64_t (*cnt)[256])                                          \
  {                                                                                   \
    msd_##N(v, ix, tv, tix, n, LNP_SK_NBYTES_##K(LNP_SK_KT_##N) - 1, 1, cnt);         \
  }                                                                                   \
  static void sort_lines_##N(void *vv, int64_t *ix, int64_t n, int64_t line, int64_t base) \
  {                                                                                   \
    T *v = vv, *tv = NULL;                                                            \
    int64_t *tix = NULL, (*cnt)[256] = NULL;                                          \
    if (line <= 0) return;                                                            \
    if (ix)                                                                           \
      for (int64_t i = 0; i < n; i++) ix[i] = base + i % line;                        \
    if (line >= LNP_SORT_SMALL) {                                                     \
      tv = scratch(0, sizeof(T) * (size_t)line);                                      \
      tix = ix ? scratch(1, sizeof(int64_t) * (size_t)line) : NULL;                   \
      cnt = scratch(2, sizeof(int64_t) * 256 * LNP_SK_NBYTES_##K(LNP_SK_KT_##N));     \
    }                                                                                 \
    for (int64_t s = 0; s + line <= n; s += line) {                                   \
      if (line < LNP_SORT_SMALL)                                                      \
        insertion_##N(v + s, ix ? ix + s : NULL, line);                               \
      else                                                                            \
        radix_##N(v + s, ix ? ix + s : NULL, line, tv, tix, cnt);                     \
    }                                                                                 \
  }

/* The key of the element of global rank `rank` (< the runs' total): the
 * smallest key with more elements <= it than rank, found by a binary
 * search over the key space, a limb at a time (complex: class, real,
 * imaginary), each probe a binary search per run: O(bits P log n). */
#define LNP_DEF_MERGE(N, T, K)                                                        \
  static int64_t count_le_##N(int P, const T *const *runs, const int64_t *len,        \
                              lnp_sk_ckey ck)                                         \
  {                                                                                   \
    const LNP_SK_KT_##N k = LNP_SK_FROMC_##K(LNP_SK_KT_##N, ck);                      \
    int64_t c = 0;                                                                    \
    for (int r = 0; r < P; r++) c += bound_##N(runs[r], len[r], k, 1);                \
    return c;                                                                         \
  }                                                                                   \
  static LNP_SK_KT_##N kth_##N(int P, const T *const *runs, const int64_t *len,       \
                               int64_t rank)                                          \
  {                                                                                   \
    const int limbs = LNP_SK_LIMBS_##K;                                               \
    lnp_sk_ckey k;                                                                    \
    k.w2 = limbs == 3 ? 3u : 0u;                                                      \
    k.w1 = limbs == 3 ? ~(uint64_t)0 : 0;                                             \
    k.w0 = LNP_SK_W0MAX_##K(LNP_SK_KT_##N);                                           \
    for (int l = 3 - limbs; l < 3; l++) {                                             \
      uint64_t lo = 0, hi = l == 0 ? k.w2 : l == 1 ? k.w1 : k.w0;                     \
      while (lo < hi) {                                                               \
        const uint64_t mid = lo + (hi - lo) / 2;                                      \
        lnp_sk_ckey t = k;                                                            \
        if (l == 0) t.w2 = (uint32_t)mid;                                             \
        else if (l == 1) t.w1 = mid;                                                  \
        else t.w0 = mid;                                                              \
        if (count_le_##N(P, runs, len, t) > rank)                                     \
          hi = mid;                                                                   \
        else                                                                          \
          lo = mid + 1;                                                               \
      }                                                                               \
      if (l == 0) k.w2 = (uint32_t)lo;                                                \
      else if (l == 1) k.w1 = lo;                                                     \
      else k.w0 = lo;                                                                 \
    }                                                                                 \
    return LNP_SK_FROMC_##K(LNP_SK_KT_##N, k);                                        \
  }                                                                                   \
  /* pos[r]: how many elements of run r come before global rank `rank` in the        \
   * order (key, run): those with a smaller key than the rank's element, and          \
   * of its key's elements the first ones, taken from the runs in order */            \
  static void corank_##N(int P, const T *const *runs, const int64_t *len, int64_t rank, \
                         int64_t *pos)                                                \
  {                                                                                   \
    int64_t total = 0;                                                                \
    for (int r = 0; r < P; r++) total += len[r];                                      \
    if (rank <= 0 || rank >= total) {                                                 \
      for (int r = 0; r < P; r++) pos[r] = rank <= 0 ? 0 : len[r];                    \
      return;                                                                         \
    }                                                                                 \
    const LNP_SK_KT_##N k = kth_##N(P, runs, len, rank);                              \
    int64_t rem = rank;                                                               \
    for (int r = 0; r < P; r++) rem -= (pos[r] = bound_##N(runs[r], len[r], k, 0));   \
    for (int r = 0; r < P; r++) {                                                     \
      const int64_t eq = bound_##N(runs[r], len[r], k, 1) - pos[r];                   \
      const int64_t take = eq < rem ? eq : rem;                                       \
      pos[r] += take;                                                                 \
      rem -= take;                                                                    \
    }                                                                                 \
  }                                                                                   \
  typedef struct {                                                                    \
    LNP_SK_KT_##N k;                                                                  \
    int r;                                                                            \
  } head_##N;                                                                         \
  static int hless_##N(const head_##N *a, const head_##N *b)                          \
  {                                                                                   \
    if (LNP_SK_LESS_##K(a->k, b->k)) return 1;                                        \
    if (LNP_SK_LESS_##K(b->k, a->k)) return 0;                                        \
    return a->r < b->r;                                                               \
  }                                                                                   \
  static void sift_##N(head_##N *h, int n, int i)                                     \
  {                                                                                   \
    for (;;) {                                                                        \
      int c = 2 * i + 1;                                                              \
      if (c >= n) return;                                                             \
      if (c + 1 < n && hless_##N(&h[c + 1], &h[c])) c++;                              \
      if (!hless_##N(&h[c], &h[i])) return;                                           \
      const head_##N t = h[i];                                                        \
      h[i] = h[c];                                                                    \
      h[c] = t;                                                                       \
      i = c;                                                                          \
    }                                                                                 \
  }                                                                                   \
  static void merge_##N(int P, const void *const *vruns, const int64_t *const *iruns, \
                        const int64_t *len, int64_t out_lo, int64_t m, void *vout)    \
  {                                                                                   \
    const T *const *runs = (const T *const *)vruns;                                   \
    int64_t a[LNP_SORT_MAX_RUNS], b[LNP_SORT_MAX_RUNS];                               \
    head_##N h[LNP_SORT_MAX_RUNS];                                                    \
    corank_##N(P, runs, len, out_lo, a);                                              \
    corank_##N(P, runs, len, out_lo + m, b);                                          \
    int nh = 0;                                                                       \
    for (int r = 0; r < P; r++)                                                       \
      if (a[r] < b[r]) {                                                              \
        h[nh].k = lnp_sk_key_##N(runs[r][a[r]]);                                      \
        h[nh++].r = r;                                                                \
      }                                                                               \
    T *ov = vout;                                                                     \
    int64_t *oi = vout;                                                               \
    if (nh <= 8) { /* few runs: the least head by a scan of their cached keys */     \
      for (int64_t o = 0; o < m && nh; o++) {                                         \
        int best = 0;                                                                 \
        for (int i = 1; i < nh; i++)                                                  \
          if (hless_##N(&h[i], &h[best])) best = i;                                   \
        const int r = h[best].r;                                                      \
        if (iruns)                                                                    \
          oi[o] = iruns[r][a[r]];                                                     \
        else                                                                          \
          ov[o] = runs[r][a[r]];                                                      \
        if (++a[r] < b[r])                                                            \
          h[best].k = lnp_sk_key_##N(runs[r][a[r]]);                                  \
        else                                                                          \
          memmove(&h[best], &h[best + 1], sizeof h[0] * (size_t)(--nh - best));      \
      }                                                                               \
      return;                                                                         \
    }                                                                                 \
    for (int i = nh / 2 - 1; i >= 0; i--) sift_##N(h, nh, i);                         \
    for (int64_t o = 0; o < m && nh; o++) {                                           \
      const int r = h[0].r;                                                           \
      if (iruns)                                                                      \
        oi[o] = iruns[r][a[r]];                                                       \
      else                                                                            \
        ov[o] = runs[r][a[r]];                                                        \
      if (++a[r] < b[r])                                                              \
        h[0].k = lnp_sk_key_##N(runs[r][a[r]]);                                       \
      else                                                                            \
        h[0] = h[--nh];                                                               \
      sift_##N(h, nh, 0);                                                             \
    }                                                                                 \
  }                                                                                   \
  static void search_##N(int P, const void *const *vruns, const int64_t *len,         \
                         const void *vv, int64_t n, int right, int64_t *out)          \
  {                                                                                   \
    const T *const *runs = (const T *const *)vruns;                                   \
    const T *v = vv;                                                                  \
    int64_t start[LNP_SORT_MAX_RUNS + 1];                                             \
    start[0] = 0;                                                                     \
    for (int r = 0; r < P; r++) start[r + 1] = start[r] + len[r];                     \
    for (int64_t i = 0; i < n; i++) {                                                 \
      const LNP_SK_KT_##N k = lnp_sk_key_##N(v[i]);                                   \
      /* the first run whose last key is >= k (> k: right) holds the bound */         \
      int lo = 0, hi = P;                                                             \
      while (lo < hi) {                                                               \
        const int mid = (lo + hi) / 2;                                                \
        const LNP_SK_KT_##N kl = lnp_sk_key_##N(runs[mid][len[mid] - 1]);             \
        if (right ? !LNP_SK_LESS_##K(k, kl) : LNP_SK_LESS_##K(kl, k))                 \
          lo = mid + 1;                                                               \
        else                                                                          \
          hi = mid;                                                                   \
      }                                                                               \
      out[i] = lo == P ? start[P] : start[lo] + bound_##N(runs[lo], len[lo], k, right); \
    }                                                                                 \
  }

/* The keys of global ranks over runs spread across processes (sort.h
 * lnp_sort_split_cpu): kth's search, limb by limb, with LNP_SORT_PROBES
 * keys probed per round and rank so that a round's counts are one sum
 * over the processes, and a 64-bit limb takes 8 rounds, not 64.  Every
 * process runs the same search on the same sums, so all find the same
 * keys. */
#define LNP_SORT_PROBES 255
static uint64_t limb_of(const lnp_sk_ckey *k, int l) { return l == 0 ? k->w2 : l == 1 ? k->w1 : k->w0; }
static void set_limb(lnp_sk_ckey *k, int l, uint64_t v)
{
  if (l == 0) k->w2 = (uint32_t)v;
  else if (l == 1) k->w1 = v;
  else k->w0 = v;
}
/* the j-th of the probes that split [lo, hi) (hi > lo), strictly
 * increasing in j, all below hi; *np: how many there are */
static uint64_t probe(uint64_t lo, uint64_t hi, int j, int *np)
{
  const uint64_t span = hi - lo;
  if (span <= LNP_SORT_PROBES) {
    *np = (int)span;
    return lo + (uint64_t)j;
  }
  *np = LNP_SORT_PROBES;
  return lo + (uint64_t)((unsigned __int128)span * (unsigned)(j + 1) / (LNP_SORT_PROBES + 1));
}
#define LNP_DEF_SPLIT(N, T, K)                                                        \
  static int split_##N(int P, const void *const *vruns, const int64_t *len, int nb,   \
                       const int64_t *rank, lnp_sort_sum_fn sum, void *ctx, int64_t *less, \
                       int64_t *eq)                                                   \
  {                                                                                   \
    const T *const *runs = (const T *const *)vruns;                                   \
    const int limbs = LNP_SK_LIMBS_##K;                                               \
    lnp_sk_ckey *k = malloc(sizeof *k * (size_t)nb);                                  \
    uint64_t *lo = malloc(sizeof *lo * (size_t)nb), *hi = malloc(sizeof *hi * (size_t)nb); \
    int64_t *cnt = malloc(sizeof *cnt * (size_t)nb * LNP_SORT_PROBES);                \
    int ret = !k || !lo || !hi || !cnt;                                               \
    for (int b = 0; !ret && b < nb; b++) {                                            \
      k[b].w2 = limbs == 3 ? 3u : 0u;                                                 \
      k[b].w1 = limbs == 3 ? ~(uint64_t)0 : 0;                                        \
      k[b].w0 = LNP_SK_W0MAX_##K(LNP_SK_KT_##N);                                      \
    }                                                                                 \
    for (int l = 3 - limbs; !ret && l < 3; l++) {                                     \
      for (int b = 0; b < nb; b++) {                                                  \
        lo[b] = 0;                                                                    \
        hi[b] = limb_of(&k[b], l);                                                    \
      }                                                                               \
      for (;;) {                                                                      \
        int open = 0, np;                                                             \
        for (int b = 0; b < nb; b++) open |= lo[b] < hi[b];                           \
        if (!open) break;                                                             \
        for (int b = 0; b < nb; b++)                                                  \
          for (int j = 0; j < LNP_SORT_PROBES; j++) {                                 \
            int64_t *c = &cnt[(size_t)b * LNP_SORT_PROBES + (size_t)j];               \
            *c = 0;                                                                   \
            if (lo[b] >= hi[b]) continue;                                             \
            const uint64_t m = probe(lo[b], hi[b], j, &np);                           \
            if (j >= np) continue;                                                    \
            lnp_sk_ckey t = k[b];                                                     \
            set_limb(&t, l, m);                                                       \
            *c = count_le_##N(P, runs, len, t);                                       \
          }                                                                           \
        if ((ret = sum(cnt, (int64_t)nb * LNP_SORT_PROBES, ctx)) != 0) break;         \
        for (int b = 0; b < nb; b++) {                                                \
          if (lo[b] >= hi[b]) continue;                                               \
          uint64_t nlo = lo[b], nhi = hi[b];                                          \
          (void)probe(lo[b], hi[b], 0, &np);                                          \
          int j = 0;                                                                  \
          while (j < np && cnt[(size_t)b * LNP_SORT_PROBES + (size_t)j] <= rank[b]) j++; \
          if (j > 0) nlo = probe(lo[b], hi[b], j - 1, &np) + 1;                       \
          if (j < np) nhi = probe(lo[b], hi[b], j, &np);                              \
          lo[b] = nlo;                                                                \
          hi[b] = nhi;                                                                \
        }                                                                             \
      }                                                                               \
      for (int b = 0; b < nb; b++) set_limb(&k[b], l, lo[b]);                         \
    }                                                                                 \
    for (int b = 0; !ret && b < nb; b++) {                                            \
      const LNP_SK_KT_##N kb = LNP_SK_FROMC_##K(LNP_SK_KT_##N, k[b]);                 \
      for (int r = 0; r < P; r++) {                                                   \
        less[(size_t)b * P + r] = bound_##N(runs[r], len[r], kb, 0);                  \
        eq[(size_t)b * P + r] = bound_##N(runs[r], len[r], kb, 1) - less[(size_t)b * P + r]; \
      }                                                                               \
    }                                                                                 \
    free(k);                                                                          \
    free(lo);                                                                         \
    free(hi);                                                                         \
    free(cnt);                                                                        \
    return ret;                                                                       \
  }

#define X(E, T, N, K) LNP_DEF_BOUND(N, T, K) LNP_DEF_SORT_RUN(N, T, K) LNP_DEF_MERGE(N, T, K) LNP_DEF_SPLIT(N, T, K)
LNP_FOR_ALL(X)
#undef X

/* through one more macro, so that N is expanded as in the definitions
 * (C's bool is a macro) */
#define LNP_SORT_CASE(E, N, CALL) \
  case E: CALL(N); break;
#define SORT_CALL(N) sort_lines_##N(v, idx, n, line, base)
#define MERGE_CALL(N) merge_##N(q, lr, idx_runs ? li : NULL, ll, out_lo, m, out)
#define SEARCH_CALL(N) search_##N(q, lr, ll, v, n, right, out)
#define SPLIT_CALL(N) ret = split_##N(P, runs, len, nb, rank, sum, ctx, less, eq)

void lnp_sort_lines_cpu(int dtype, void *v, int64_t *idx, int64_t n, int64_t line, int64_t base)
{
  switch (dtype) {
#define X(E, T, N, K) LNP_SORT_CASE(E, N, SORT_CALL)
    LNP_FOR_ALL(X)
#undef X
  default: break;
  }
}

/* empty runs are dropped first: the search reads every run's last element */
static int live_runs(int P, const void *const *runs, const int64_t *const *idx, const int64_t *len,
                     const void **lr, const int64_t **li, int64_t *ll)
{
  int q = 0;
  for (int r = 0; r < P; r++)
    if (len[r] > 0) {
      lr[q] = runs[r];
      if (idx) li[q] = idx[r];
      ll[q++] = len[r];
    }
  return q;
}

void lnp_sort_merge_cpu(int dtype, int P, const void *const *runs, const int64_t *const *idx_runs,
                        const int64_t *len, int64_t out_lo, int64_t m, void *out)
{
  const void *lr[LNP_SORT_MAX_RUNS];
  const int64_t *li[LNP_SORT_MAX_RUNS];
  int64_t ll[LNP_SORT_MAX_RUNS];
  const int q = live_runs(P, runs, idx_runs, len, lr, li, ll);
  switch (dtype) {
#define X(E, T, N, K) LNP_SORT_CASE(E, N, MERGE_CALL)
    LNP_FOR_ALL(X)
#undef X
  default: break;
  }
}

void lnp_sort_search_cpu(int dtype, int P, const void *const *runs, const int64_t *len, const void *v,
                         int64_t n, int right, int64_t *out)
{
  const void *lr[LNP_SORT_MAX_RUNS];
  int64_t ll[LNP_SORT_MAX_RUNS];
  const int q = live_runs(P, runs, NULL, len, lr, NULL, ll);
  switch (dtype) {
#define X(E, T, N, K) LNP_SORT_CASE(E, N, SEARCH_CALL)
    LNP_FOR_ALL(X)
#undef X
  default: break;
  }
}

int lnp_sort_split_cpu(int dtype, int P, const void *const *runs, const int64_t *len, int nb, const int64_t *rank,
                       lnp_sort_sum_fn sum, void *ctx, int64_t *less, int64_t *eq)
{
  int ret = -1;
  switch (dtype) {
#define X(E, T, N, K) LNP_SORT_CASE(E, N, SPLIT_CALL)
    LNP_FOR_ALL(X)
#undef X
  default: break;
  }
  return ret;
}
