/* CPU kernels of the sorting tasks (sort.h), generated per dtype from
 * dtypes.h's list and the keys of sort_key.h.
 *
 *  sort    each line: an insertion sort when short, else a least-
 *          significant-digit radix sort on the key's bytes (stable; one
 *          read for every digit's histogram, a digit equal in every
 *          element skipped: the exponent byte of data of one sign and
 *          scale, the high bytes of small integers), values (and indices)
 *          moved between the line and a scratch copy.
 *  merge   the output's rank range is found in every run (a co-rank:
 *          the key of the range's first element by a binary search over
 *          the key space, then its position in each run),
 *          then the runs' heads are merged through a binary heap ordered
 *          by (key, run): run order breaks ties, so the merge is stable.
 *  search  the runs are consecutive pieces of one sorted array: the run
 *          by its last key, then a binary search in it. */
#include <stdlib.h>
#include <string.h>

#include "sort.h"
#include "sort_key.h"

#define X(E, T, N, K) LNP_SK_DEF_##K(N, T, LNP_SK_KT_##N, N)
LNP_FOR_ALL(X)
#undef X

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
  /* tv, tix: scratch of n elements (tix when ix) */                                  \
  static void radix_##N(T *v, int64_t *ix, int64_t n, T *tv, int64_t *tix,            \
                        int64_t (*cnt)[256])                                          \
  {                                                                                   \
    enum { NB = LNP_SK_NBYTES_##K(LNP_SK_KT_##N) };                                   \
    memset(cnt, 0, sizeof(int64_t) * 256 * NB);                                       \
    for (int64_t i = 0; i < n; i++) {                                                 \
      const LNP_SK_KT_##N k = lnp_sk_key_##N(v[i]);                                   \
      for (int p = 0; p < NB; p++) cnt[p][LNP_SK_DIGIT_##K(k, p)]++;                  \
    }                                                                                 \
    T *src = v, *dst = tv;                                                            \
    int64_t *isrc = ix, *idst = tix;                                                  \
    const LNP_SK_KT_##N k0 = lnp_sk_key_##N(v[0]);                                    \
    for (int p = 0; p < NB; p++) {                                                    \
      if (cnt[p][LNP_SK_DIGIT_##K(k0, p)] == n) continue;                             \
      int64_t off[256], s = 0;                                                        \
      for (int d = 0; d < 256; d++) {                                                 \
        off[d] = s;                                                                   \
        s += cnt[p][d];                                                               \
      }                                                                               \
      if (ix)                                                                         \
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
    if (src != v) {                                                                   \
      memcpy(v, src, sizeof(T) * (size_t)n);                                          \
      if (ix) memcpy(ix, isrc, sizeof(int64_t) * (size_t)n);                          \
    }                                                                                 \
  }                                                                                   \
  static void sort_lines_##N(void *vv, int64_t *ix, int64_t n, int64_t line, int64_t base) \
  {                                                                                   \
    T *v = vv, *tv = NULL;                                                            \
    int64_t *tix = NULL, (*cnt)[256] = NULL;                                          \
    if (line <= 0) return;                                                            \
    if (ix)                                                                           \
      for (int64_t i = 0; i < n; i++) ix[i] = base + i % line;                        \
    if (line >= LNP_SORT_SMALL) {                                                     \
      tv = malloc(sizeof(T) * (size_t)line);                                          \
      tix = ix ? malloc(sizeof(int64_t) * (size_t)line) : NULL;                       \
      cnt = malloc(sizeof(int64_t) * 256 * LNP_SK_NBYTES_##K(LNP_SK_KT_##N));         \
      if (!tv || (ix && !tix) || !cnt) abort(); /* a task cannot fail softly */       \
    }                                                                                 \
    for (int64_t s = 0; s + line <= n; s += line) {                                   \
      if (line < LNP_SORT_SMALL)                                                      \
        insertion_##N(v + s, ix ? ix + s : NULL, line);                               \
      else                                                                            \
        radix_##N(v + s, ix ? ix + s : NULL, line, tv, tix, cnt);                     \
    }                                                                                 \
    free(tv);                                                                         \
    free(tix);                                                                        \
    free(cnt);                                                                        \
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
    for (int i = nh / 2 - 1; i >= 0; i--) sift_##N(h, nh, i);                         \
    T *ov = vout;                                                                     \
    int64_t *oi = vout;                                                               \
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

#define X(E, T, N, K) LNP_DEF_BOUND(N, T, K) LNP_DEF_SORT_RUN(N, T, K) LNP_DEF_MERGE(N, T, K)
LNP_FOR_ALL(X)
#undef X

/* through one more macro, so that N is expanded as in the definitions
 * (C's bool is a macro) */
#define LNP_SORT_CASE(E, N, CALL) \
  case E: CALL(N); break;
#define SORT_CALL(N) sort_lines_##N(v, idx, n, line, base)
#define MERGE_CALL(N) merge_##N(q, lr, idx_runs ? li : NULL, ll, out_lo, m, out)
#define SEARCH_CALL(N) search_##N(q, lr, ll, v, n, right, out)

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
