/* The CUDA source of a fused group's kernel, and its parameter words.
 *
 * One launch per piece: blockIdx.y walks the rows (all kept dims but the
 * last, decoded once per row), threads of blockIdx.x walk the last dim,
 * unroll(g) elements each per pass.  Loads come first, then the ops in the
 * loops' order, then the stores, so every value is computed in a
 * register in the loop's own type and each input element is read once.
 * The operations are elem.h's, as in the loops' kernels and in
 * fuse_host.c, compiled without FMA contraction.
 *
 * Parameters (int64 words, one __grid_constant__ struct): per piece
 * [shape[nd], per access {base address, element offset, strides[nd]}],
 * then the scalars' bits as doubles, then the floating-point report's
 * words (fuse.h lnp_fuse_inst_fpc), then the mask of the stores done.
 * Everything that varies between two runs of the same program (addresses,
 * offsets, extents, constants, which temporaries are dead) is a
 * parameter, so the source depends only on the program's structure. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuse.h"

/* Elements per thread and pass (see the inner loop): 4 for small groups
 * (a 16384^2 Jacobi group of 9 instructions: 1.89 ms against 4.58 with 1
 * and 3.51 with 8 on an H200), 1 for larger ones (channel flow's groups,
 * ~13 loops each: 49.7 ms a step with 1 against 56.3 with 4, the
 * registers of four elements' values); LEGATE_NUMPY_FUSE_UNROLL=1-8
 * forces it (measurements). */
static int unroll(const lnp_fuse_group *g)
{
  static int forced = -1;
  if (forced < 0) {
    const char *e = getenv("LEGATE_NUMPY_FUSE_UNROLL");
    const int v = e && *e ? atoi(e) : 0;
    forced = v < 0 ? 0 : v > 8 ? 8 : v;
  }
  return forced ? forced : g->ninst <= 16 ? 4 : 1;
}

typedef struct sbuf {
  char *p;
  size_t size, len;
} sbuf;

static void put(sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *s, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  const size_t room = s->len < s->size ? s->size - s->len : 0;
  const int n = vsnprintf(room ? s->p + s->len : NULL, room, fmt, ap);
  va_end(ap);
  if (n > 0) s->len += (size_t)n;
}

static const char *ctype(int dt) { return dt == LNP_FLOAT64 ? "double" : "float"; }

static int words_per_piece(const lnp_fuse_group *g) { return g->ndim + g->nacc * (2 + g->ndim); }

/* one op on operands spelled a and b: elem.h's semantics, whose text the
 * kernel includes (fuse_cuda.cu hands it to NVRTC as lnp_elem.h) */
static void put_op(sbuf *s, const lnp_fuse_inst *in, const char *a, const char *b)
{
  const lnp_op_info *o = lnp_op_get(in->op);
  if (o && o->kind == 'C') put(s, "(%s)%s", ctype(in->dtype), a);
  else if (o && o->nin == 1) put(s, "LNP_E_%s_f(%s)", o->upper, a);
  else if (o) put(s, "LNP_E_%s_f(%s, %s)", o->upper, a, b);
  else put(s, "0 /* unsupported op %d */", in->op);
}

size_t lnp_fuse_cuda_source(const lnp_fuse_group *g, char *buf, size_t size)
{
  sbuf s = {buf, size, 0};
  const int nd = g->ndim, pw = words_per_piece(g);
  int nw; /* where the scalars start */
  const int nwords = lnp_fuse_param_words(g, &nw);
  put(&s, "/* legate.numpy: %d fused loops */\n#include \"lnp_elem.h\"\n", g->nloops);
  put(&s, "typedef long long i64;\n");
  /* the instructions that report floating-point status, their words */
  int nfp = 0, fpw = nw;
  for (int i = 0; i < g->ninst; i++) fpw += g->inst[i].kind == LNP_FI_SCALAR;
  for (int i = 0; i < g->ninst; i++) nfp += lnp_fuse_inst_fpc(&g->inst[i]) >= 0;
  if (nfp) put(&s, "static __device__ unsigned lnp_fp_seen[%d];\n", LNP_FP_SLOTS);
  put(&s, "struct LnpFuseParams { i64 w[%d]; };\n", nwords);
  put(&s, "extern \"C\" __global__ void __launch_bounds__(256) lnp_fused(const __grid_constant__ LnpFuseParams p, int piece)\n{\n");
  put(&s, "  const i64 *w = p.w + (i64)piece * %d;\n", pw);
  put(&s, "  const unsigned long long mask = (unsigned long long)p.w[%d];\n", nwords - 1);
  put(&s, "  const i64 inner = w[%d];\n", nd - 1);
  put(&s, "  i64 outer = 1;\n");
  for (int j = 0; j < nd - 1; j++) put(&s, "  outer *= w[%d];\n", j);
  for (int i = 0; i < g->ninst; i++)
    if (lnp_fuse_inst_fpc(&g->inst[i]) >= 0) put(&s, "  unsigned f%d = 0;\n", i);
  put(&s, "  for (i64 r = blockIdx.y; r < outer; r += gridDim.y) {\n");
  if (nd > 1) {
    put(&s, "    i64 q = r;\n");
    for (int j = nd - 2; j >= 0; j--) {
      if (j > 0) put(&s, "    const i64 i%d = q %% w[%d]; q /= w[%d];\n", j, j, j);
      else put(&s, "    const i64 i0 = q;\n");
    }
  }
  for (int k = 0; k < g->nacc; k++) {
    const int base = nd + k * (2 + nd), esz = g->acc[k].dtype == LNP_FLOAT64 ? 8 : 4;
    put(&s, "    char *a%d = (char *)w[%d] + (w[%d]", k, base, base + 1);
    for (int j = 0; j < nd - 1; j++) put(&s, " + i%d * w[%d]", j, base + 2 + j);
    put(&s, ") * %d;\n", esz);
    put(&s, "    const i64 s%d = w[%d] * %d;\n", k, base + 2 + nd - 1, esz);
  }
  const int U = unroll(g);
  /* U elements a thread, their loads first: a thread's loads
   * may not pass its stores (the compiler must assume they alias), so one
   * element at a time left a load's latency per element (a 16384^2 Jacobi
   * group ran at half the H200's bandwidth) */
  put(&s, "    const i64 step = (i64)gridDim.x * blockDim.x;\n");
  put(&s, "    for (i64 j = (i64)blockIdx.x * blockDim.x + threadIdx.x; j < inner; j += %d * step) {\n",
      U);
  for (int u = 0; u < U; u++)
    put(&s, "      const i64 j%d = j + %d * step; const bool ok%d = j%d < inner;\n", u, u, u, u);
  int sc = 0;
  for (int i = 0; i < g->ninst; i++) {
    const lnp_fuse_inst *in = &g->inst[i];
    const char *t = ctype(in->dtype);
    if (in->kind == LNP_FI_SCALAR) {
      put(&s, "      const %s v%d = (%s)__longlong_as_double(p.w[%d]);\n", t, i, t, nw + sc++);
      continue;
    }
    for (int u = 0; u < U; u++) {
      if (in->kind == LNP_FI_LOAD) {
        put(&s, "      const %s v%d_%d = ok%d ? *(const %s *)(a%d + j%d * s%d) : (%s)0;\n", t, i, u, u, t, in->a, u,
            in->a, t);
      } else {
        /* operands: v<n> is a scalar, v<n>_<u> an element's value */
        char ops[2][24];
        const int args[2] = {in->a, in->b};
        for (int o = 0; o < 2; o++) {
          const int x = args[o];
          if (x >= 0 && g->inst[x].kind == LNP_FI_SCALAR) snprintf(ops[o], sizeof ops[o], "v%d", x);
          else snprintf(ops[o], sizeof ops[o], "v%d_%d", x, u);
        }
        put(&s, "      const %s v%d_%d = ", t, i, u);
        put_op(&s, in, ops[0], ops[1]);
        put(&s, ";\n");
        const int cls = lnp_fuse_inst_fpc(in);
        if (cls >= 0) {
          const char *ti = ctype(in->dtype_in);
          put(&s, "      if (ok%d) f%d |= lnp_fpc(%d, (%s)v%d_%d, (%s)%s, (%s)%s, (%s)lnp_min_normal((%s)0));\n", u,
              i, cls, ti, i, u, ti, ops[0], ti, in->b >= 0 ? ops[1] : ops[0], ti, t);
        }
      }
    }
  }
  for (int k = 0; k < g->nacc; k++) {
    const lnp_fuse_acc *a = &g->acc[k];
    if (!a->store) continue;
    for (int u = 0; u < U; u++)
      put(&s, "      if ((mask & %lluull) && ok%d) *(%s *)(a%d + j%d * s%d) = v%d_%d;\n", 1ull << k, u,
          ctype(a->dtype), k, u, k, a->value, u);
  }
  put(&s, "    }\n  }\n");
  /* every thread gets here: the reports have barriers */
  for (int i = 0, k = 0; i < g->ninst; i++) {
    if (lnp_fuse_inst_fpc(&g->inst[i]) < 0) continue;
    put(&s,
        "  lnp_fp_block_report(f%d, (unsigned char *)p.w[%d], (unsigned *)p.w[%d], &lnp_fp_seen[p.w[%d]], "
        "(unsigned)p.w[%d]);\n",
        i, fpw + 2 + 2 * k, fpw, fpw + 3 + 2 * k, fpw + 1);
    k++;
  }
  put(&s, "}\n");
  return s.len;
}

int lnp_fuse_params(const lnp_fuse_group *g, void *const *bufptrs, unsigned char *fp_area, unsigned fp_gen,
                    int64_t *words)
{
  const int nd = g->ndim;
  int n = 0;
  for (int p = 0; p < g->npieces; p++) {
    for (int j = 0; j < nd; j++) words[n++] = g->shape[p][j];
    for (int k = 0; k < g->nacc; k++) {
      const lnp_fuse_acc *a = &g->acc[k];
      const void *base = bufptrs[a->map.buf[p]];
      if (!base) return -1;
      words[n++] = (int64_t)(intptr_t)base;
      words[n++] = a->map.off[p];
      for (int j = 0; j < nd; j++) words[n++] = a->map.str[p][j];
    }
  }
  for (int i = 0; i < g->ninst; i++)
    if (g->inst[i].kind == LNP_FI_SCALAR) memcpy(&words[n++], &g->inst[i].scalar, 8);
  int nfp = 0;
  for (int i = 0; i < g->ninst; i++) nfp += lnp_fuse_inst_fpc(&g->inst[i]) >= 0;
  if (nfp) { /* a NULL slot address: that instruction reports nothing */
    words[n++] = fp_area ? (int64_t)(intptr_t)(fp_area + 4 * (size_t)LNP_FP_SLOTS) : 0;
    words[n++] = (int64_t)(fp_gen & 0x0fffffffu);
    for (int i = 0; i < g->ninst; i++) {
      if (lnp_fuse_inst_fpc(&g->inst[i]) < 0) continue;
      const int slot = g->inst[i].fp_slot >= 0 && g->inst[i].fp_slot < LNP_FP_SLOTS ? g->inst[i].fp_slot : 0;
      words[n++] = fp_area ? (int64_t)(intptr_t)(fp_area + 4 * (size_t)slot) : 0;
      words[n++] = slot;
    }
  }
  uint64_t mask = 0;
  for (int k = 0; k < g->nacc; k++)
    if (g->acc[k].store && !g->acc[k].drop) mask |= 1ull << k;
  words[n++] = (int64_t)mask;
  return n <= LNP_FUSE_MAXWORDS ? n : -1;
}
