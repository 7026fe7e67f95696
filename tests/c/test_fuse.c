/* Test of the fusion plan (codelets/fuse.h) on the host, no StarPU:
 * batches of loops built by hand (channel flow's Poisson update, an
 * in-place Jacobi sweep, casts, NaNs, several pieces, a reduction, ops that
 * do not fuse) are run once loop by loop (lnp_loop_execute) and once with
 * the fused groups run by lnp_fuse_run_host; every buffer that is not dead
 * after the batch must be bit-identical, and the groups must be the
 * expected ones.  The CUDA kernel is checked against the same interpreter
 * by the GPU suite (tests/python/test_fuse.py on a GPU). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../codelets/cpu_groups.h"
#include "../../codelets/fuse.h"

#include "check.h"

static int nvrtc_compiles; /* kernels NVRTC compiled (0 without NVRTC) */

/* ---- a batch under construction ---- */
#define MAXBUF 16
#define MAXLOOP 32
typedef struct {
  int nbuf;
  int dtype[MAXBUF];
  int64_t nelem[MAXBUF];
  uint8_t dead[MAXBUF];
  int nloops;
  lnp_loop_desc *desc[MAXLOOP];
  uint32_t map[MAXLOOP][4];
  lnp_fuse_loop loops[MAXLOOP];
} batch_t;

static int buffer(batch_t *b, int dtype, int64_t nelem, int dead)
{
  b->dtype[b->nbuf] = dtype;
  b->nelem[b->nbuf] = nelem;
  b->dead[b->nbuf] = (uint8_t)dead;
  return b->nbuf++;
}

/* An operand in every piece: a tile (batch buffer, offset, 2 strides), or
 * a scalar (buf = -1, value). */
typedef struct {
  int buf[2];
  int64_t off[2], st[2][2];
  double value;
} opnd;

static opnd T(int buf, int64_t off, int64_t s0, int64_t s1) { return (opnd){{buf, buf}, {off, off}, {{s0, s1}, {s0, s1}}, 0}; }
static opnd S(double v) { return (opnd){{-1, -1}, {0, 0}, {{0, 0}, {0, 0}}, v}; }

/* Append a loop over npieces pieces of shape[p] (2-D), operands ops[]
 * (the output first). */
static void loop_ops(batch_t *b, int op, int din, int dout, int npieces, const int64_t shape[][2], const opnd *ops)
{
  const int nops = op == LNP_OP_COPY ? 2 : lnp_op_nops(op);
  lnp_loop_desc *d = calloc(1, lnp_loop_desc_size(2, nops, npieces));
  d->op = op;
  d->dtype_in = din;
  d->dtype_out = dout;
  d->ndim = 2;
  d->nops = nops;
  d->npieces = npieces;
  uint32_t *map = b->map[b->nloops];
  int nlocal = 0, nsc = 0;
  for (int k = 0; k < nops; k++) {
    for (int p = 0; p < npieces; p++) {
      int64_t *w = lnp_loop_piece(d, p);
      w[0] = shape[p][0];
      w[1] = shape[p][1];
      int64_t *o = lnp_piece_operand(w, 2, k);
      if (ops[k].buf[p] < 0) {
        if (p == 0) {
          if (din == LNP_FLOAT64) d->scalars[nsc].f64 = ops[k].value;
          else d->scalars[nsc].f32 = (float)ops[k].value;
          nsc++;
        }
        o[0] = LNP_BUF_SCALAR(nsc - 1);
        continue;
      }
      int j = 0;
      while (j < nlocal && map[j] != (uint32_t)ops[k].buf[p]) j++;
      if (j == nlocal) map[nlocal++] = (uint32_t)ops[k].buf[p];
      o[0] = j;
      o[1] = ops[k].off[p];
      o[2] = ops[k].st[p][0];
      o[3] = ops[k].st[p][1];
    }
  }
  d->nbuffers = nlocal;
  b->desc[b->nloops] = d;
  b->loops[b->nloops] = (lnp_fuse_loop){d, map, (uint32_t)nlocal};
  b->nloops++;
}

/* Append a loop with operands out, a, b. */
static void loop(batch_t *b, int op, int din, int dout, int npieces, const int64_t shape[][2], opnd out, opnd a,
                 opnd bb)
{
  const opnd ops[3] = {out, a, bb};
  loop_ops(b, op, din, dout, npieces, shape, ops);
}

/* Where the last loop's pieces start (launch.c's cuts; loop() leaves 0). */
static void origins(batch_t *b, const int64_t org[][2])
{
  const lnp_loop_desc *d = b->desc[b->nloops - 1];
  for (int p = 0; p < d->npieces; p++) {
    lnp_loop_piece(d, p)[2] = org[p][0];
    lnp_loop_piece(d, p)[3] = org[p][1];
  }
}

static void free_batch(batch_t *b)
{
  for (int i = 0; i < b->nloops; i++) free(b->desc[i]);
}

static size_t esz(int dt) { return dt == LNP_FLOAT64 ? 8 : dt == LNP_BOOL ? 1 : 4; }

/* deterministic values, some NaN and negative zero when asked */
static void fill(batch_t *b, void **bufs, int specials)
{
  unsigned x = 12345;
  for (int i = 0; i < b->nbuf; i++) {
    for (int64_t e = 0; e < b->nelem[i]; e++) {
      x = x * 1103515245u + 12345u;
      double v = ((x >> 8) % 20001) / 1000.0 - 10.0;
      if (specials && (x >> 20) % 17 == 0) v = NAN;
      if (specials && (x >> 20) % 19 == 0) v = -0.0;
      if (b->dtype[i] == LNP_BOOL) ((unsigned char *)bufs[i])[e] = (unsigned char)((x >> 9) & 1);
      else if (b->dtype[i] == LNP_FLOAT64) ((double *)bufs[i])[e] = v;
      else ((float *)bufs[i])[e] = (float)v;
    }
  }
}

/* Run the batch loop by loop, and with its groups (planned for the GPU,
 * or for the CPU executor when host) run by the host interpreter (GPU
 * plans) and by the CPU executor; returns the group sizes found
 * (sizes[k]) */
static int run_both(batch_t *b, int specials, int host, int *sizes, int *elided, const char *name)
{
  void *ref[MAXBUF], *fus[MAXBUF], *cpu[MAXBUF], *par[MAXBUF];
  for (int i = 0; i < b->nbuf; i++) {
    ref[i] = calloc((size_t)b->nelem[i], esz(b->dtype[i]));
    fus[i] = calloc((size_t)b->nelem[i], esz(b->dtype[i]));
    cpu[i] = calloc((size_t)b->nelem[i], esz(b->dtype[i]));
    par[i] = calloc((size_t)b->nelem[i], esz(b->dtype[i]));
  }
  fill(b, ref, specials);
  fill(b, fus, specials);
  fill(b, cpu, specials);
  fill(b, par, specials);
  for (int s = 0; s < b->nloops; s++) {
    void *local[4];
    for (uint32_t k = 0; k < b->loops[s].nbuf; k++) local[k] = ref[b->map[s][k]];
    CHECK(lnp_loop_execute(b->desc[s], local, 1) == 0, "%s: loop %d runs", name, s);
  }
  lnp_fuse_group *g = calloc(1, sizeof *g);
  g->host = host;
  int ngroups = 0;
  *elided = 0;
  for (int s = 0; s < b->nloops;) {
    const int n = lnp_fuse_group_at(b->loops, b->nloops, s, b->dead, b->nbuf, 1, g);
    sizes[ngroups++] = n;
    if (n >= 2) {
      CHECK(g->first == s && g->nloops == n, "%s: group bounds", name);
      CHECK(lnp_fuse_run_cpu(g, cpu, 1) == 0, "%s: the CPU executor runs the group", name);
      /* a group worker's 3 threads, splitting even a few blocks */
      lnp_cpu_set_split_everything(1);
      CHECK(lnp_fuse_run_cpu(g, par, 3) == 0, "%s: the CPU executor runs the group on 3 threads", name);
      lnp_cpu_set_split_everything(0);
      if (host) {
        *elided += g->elided;
        s += n;
        continue;
      }
      lnp_fuse_run_host(g, fus);
      *elided += g->elided;
      /* the kernel's source and parameters exist for every group */
      char src[16384];
      const size_t len = lnp_fuse_cuda_source(g, src, sizeof src);
      CHECK(len > 0 && len < sizeof src && strstr(src, "lnp_fused"), "%s: source (%zu bytes)", name, len);
      int64_t words[LNP_FUSE_MAXWORDS];
      CHECK(lnp_fuse_params(g, fus, NULL, 0, words) > 0, "%s: parameters", name);
#ifdef LNP_HAVE_CUDA
      /* and compiles (NVRTC needs no GPU): Ampere and Hopper */
      for (int arch = 80; arch <= 90; arch += 10) {
        const int c = lnp_fuse_cuda_compiles(g, arch);
        CHECK(c != 0, "%s: NVRTC compiles the kernel for sm_%d", name, arch);
        if (c > 0) nvrtc_compiles++;
      }
#endif
    } else {
      void *local[4];
      for (uint32_t k = 0; k < b->loops[s].nbuf; k++) local[k] = fus[b->map[s][k]];
      lnp_loop_execute(b->desc[s], local, 1);
      for (uint32_t k = 0; k < b->loops[s].nbuf; k++) local[k] = cpu[b->map[s][k]];
      lnp_loop_execute(b->desc[s], local, 1);
      for (uint32_t k = 0; k < b->loops[s].nbuf; k++) local[k] = par[b->map[s][k]];
      lnp_loop_execute(b->desc[s], local, 1);
    }
    s += n;
  }
  free(g);
  for (int i = 0; i < b->nbuf; i++) {
    const size_t bytes = (size_t)b->nelem[i] * esz(b->dtype[i]);
    if (!b->dead[i] && !host) CHECK(!memcmp(ref[i], fus[i], bytes), "%s: buffer %d identical", name, i);
    if (!b->dead[i]) CHECK(!memcmp(ref[i], cpu[i], bytes), "%s: buffer %d identical (CPU executor)", name, i);
    if (!b->dead[i]) CHECK(!memcmp(ref[i], par[i], bytes), "%s: buffer %d identical (CPU executor, 3 threads)", name, i);
    free(ref[i]);
    free(fus[i]);
    free(cpu[i]);
    free(par[i]);
  }
  return ngroups;
}

static void expect_groups_as(batch_t *b, int specials, int host, const int *want, int nwant, int want_elided,
                             const char *name)
{
  int sizes[MAXLOOP], elided;
  const int n = run_both(b, specials, host, sizes, &elided, name);
  int same = n == nwant;
  for (int i = 0; same && i < n; i++) same = sizes[i] == want[i];
  CHECK(same, "%s: %d groups (first %d), want %d (first %d)", name, n, sizes[0], nwant, want[0]);
  CHECK(elided == want_elided, "%s: %d stores dropped, want %d", name, elided, want_elided);
}

static void expect_groups(batch_t *b, int specials, const int *want, int nwant, int want_elided, const char *name)
{
  expect_groups_as(b, specials, 0, want, nwant, want_elided, name);
}

/* p[1:-1,1:-1] = ((pn[1:-1,2:] + pn[1:-1,:-2]) * dy2 + (pn[2:,1:-1] + pn[:-2,1:-1]) * dx2) / k - c * b[1:-1,1:-1] */
static void test_poisson(int dead_temps)
{
  const int64_t n = 12, m = n - 2, sh[1][2] = {{m, m}};
  batch_t b = {0};
  const int P = buffer(&b, LNP_FLOAT64, n * n, 0), PN = buffer(&b, LNP_FLOAT64, n * n, 0);
  const int Bt = buffer(&b, LNP_FLOAT64, n * n, 0);
  int t[7];
  for (int i = 0; i < 7; i++) t[i] = buffer(&b, LNP_FLOAT64, m * m, dead_temps);
  const int D = LNP_FLOAT64;
  loop(&b, LNP_OP_ADD, D, D, 1, sh, T(t[0], 0, m, 1), T(PN, n + 2, n, 1), T(PN, n, n, 1));
  loop(&b, LNP_OP_MULTIPLY, D, D, 1, sh, T(t[1], 0, m, 1), T(t[0], 0, m, 1), S(0.01));
  loop(&b, LNP_OP_ADD, D, D, 1, sh, T(t[2], 0, m, 1), T(PN, 2 * n + 1, n, 1), T(PN, 1, n, 1));
  loop(&b, LNP_OP_MULTIPLY, D, D, 1, sh, T(t[3], 0, m, 1), T(t[2], 0, m, 1), S(0.02));
  loop(&b, LNP_OP_ADD, D, D, 1, sh, T(t[4], 0, m, 1), T(t[1], 0, m, 1), T(t[3], 0, m, 1));
  loop(&b, LNP_OP_TRUE_DIVIDE, D, D, 1, sh, T(t[5], 0, m, 1), T(t[4], 0, m, 1), S(0.06));
  loop(&b, LNP_OP_MULTIPLY, D, D, 1, sh, T(t[6], 0, m, 1), S(1e-4), T(Bt, n + 1, n, 1));
  loop(&b, LNP_OP_SUBTRACT, D, D, 1, sh, T(P, n + 1, n, 1), T(t[5], 0, m, 1), T(t[6], 0, m, 1));
  const int want[1] = {8};
  expect_groups(&b, 1, want, 1, dead_temps ? 7 : 0, dead_temps ? "poisson, dead temporaries" : "poisson, live temporaries");
  free_batch(&b);
}

/* u[1:-1,1:-1] = 0.25 * (u[:-2,1:-1] + u[2:,1:-1] + u[1:-1,:-2] + u[1:-1,2:]):
 * the copy into u reads shifted views of u, so it stays alone */
static void test_jacobi(void)
{
  const int64_t n = 9, m = n - 2, sh[1][2] = {{m, m}};
  batch_t b = {0};
  const int U = buffer(&b, LNP_FLOAT64, n * n, 0);
  int t[4];
  for (int i = 0; i < 4; i++) t[i] = buffer(&b, LNP_FLOAT64, m * m, 1);
  const int D = LNP_FLOAT64;
  loop(&b, LNP_OP_ADD, D, D, 1, sh, T(t[0], 0, m, 1), T(U, 1, n, 1), T(U, 2 * n + 1, n, 1));
  loop(&b, LNP_OP_ADD, D, D, 1, sh, T(t[1], 0, m, 1), T(t[0], 0, m, 1), T(U, n, n, 1));
  loop(&b, LNP_OP_ADD, D, D, 1, sh, T(t[2], 0, m, 1), T(t[1], 0, m, 1), T(U, n + 2, n, 1));
  loop(&b, LNP_OP_MULTIPLY, D, D, 1, sh, T(t[3], 0, m, 1), S(0.25), T(t[2], 0, m, 1));
  loop(&b, LNP_OP_COPY, D, D, 1, sh, T(U, n + 1, n, 1), T(t[3], 0, m, 1), S(0));
  /* t[3] is read by the copy, after the group: its store stays */
  const int want[2] = {4, 1};
  expect_groups(&b, 0, want, 2, 3, "jacobi in place");
  free_batch(&b);
}

/* float32 with casts, maximum/minimum with NaNs, sqrt, reciprocal,
 * absolute, negative, square; an op that does not fuse in the middle */
static void test_mixed(void)
{
  const int64_t n = 7, sh[1][2] = {{n, n}};
  batch_t b = {0};
  const int F = LNP_FLOAT32, D = LNP_FLOAT64;
  const int A = buffer(&b, F, n * n, 0), Bf = buffer(&b, F, n * n, 0), X = buffer(&b, D, n * n, 0);
  const int t0 = buffer(&b, F, n * n, 1), t1 = buffer(&b, F, n * n, 1), t2 = buffer(&b, D, n * n, 1);
  const int t3 = buffer(&b, D, n * n, 1), t4 = buffer(&b, D, n * n, 0), O = buffer(&b, F, n * n, 0);
  const int t5 = buffer(&b, D, n * n, 1);
  loop(&b, LNP_OP_MAXIMUM, F, F, 1, sh, T(t0, 0, n, 1), T(A, 0, n, 1), T(Bf, 0, n, 1));
  loop(&b, LNP_OP_MINIMUM, F, F, 1, sh, T(t1, 0, n, 1), T(t0, 0, n, 1), S(3.5));
  loop(&b, LNP_OP_COPY, F, D, 1, sh, T(t2, 0, n, 1), T(t1, 0, n, 1), S(0));
  loop(&b, LNP_OP_ABSOLUTE, D, D, 1, sh, T(t3, 0, n, 1), T(t2, 0, n, 1), S(0));
  loop(&b, LNP_OP_SQRT, D, D, 1, sh, T(t4, 0, n, 1), T(t3, 0, n, 1), S(0));
  loop(&b, LNP_OP_EXP, D, D, 1, sh, T(t5, 0, n, 1), T(t4, 0, n, 1), S(0)); /* not fused */
  loop(&b, LNP_OP_RECIPROCAL, D, D, 1, sh, T(X, 0, n, 1), T(t5, 0, n, 1), S(0));
  loop(&b, LNP_OP_SQUARE, D, D, 1, sh, T(t2, 0, n, 1), T(X, 0, n, 1), S(0));
  loop(&b, LNP_OP_NEGATIVE, D, D, 1, sh, T(t3, 0, n, 1), T(t2, 0, n, 1), S(0));
  loop(&b, LNP_OP_COPY, D, F, 1, sh, T(O, 0, n, 1), T(t3, 0, n, 1), S(0));
  loop(&b, LNP_OP_MULTIPLY, F, F, 1, sh, T(O, 0, n, 1), T(O, 0, n, 1), S(0.1));
  /* t4 is live: stored; t0, t1 dead: dropped; t2, t3 dead but written
   * again later in the batch: stored; in the last group t2, t3 dropped */
  const int want[3] = {5, 1, 5};
  expect_groups(&b, 1, want, 3, 4, "float32 casts and NaNs");
  /* on the CPU exp joins: one group, t0, t1, t5 and the last t2, t3 dropped */
  const int want_host[1] = {11};
  expect_groups_as(&b, 1, 1, want_host, 1, 5, "float32 casts and NaNs, CPU plan");
  free_batch(&b);
}

/* two pieces, each in its own tiles (an array of two tiles) */
static void test_pieces(void)
{
  const int64_t n = 6, sh[2][2] = {{n, n}, {n, n}};
  batch_t b = {0};
  const int D = LNP_FLOAT64;
  const int A0 = buffer(&b, D, n * n, 0), A1 = buffer(&b, D, n * n, 0);
  const int T0 = buffer(&b, D, n * n, 1), T1 = buffer(&b, D, n * n, 1);
  const int C0 = buffer(&b, D, n * n, 0), C1 = buffer(&b, D, n * n, 0);
  const opnd a = {{A0, A1}, {0, 0}, {{n, 1}, {n, 1}}, 0};
  const opnd t = {{T0, T1}, {0, 0}, {{n, 1}, {n, 1}}, 0};
  const opnd c = {{C0, C1}, {0, 0}, {{n, 1}, {n, 1}}, 0};
  const opnd at = {{A0, A1}, {0, 0}, {{1, n}, {1, n}}, 0}; /* the transpose */
  loop(&b, LNP_OP_MULTIPLY, D, D, 2, sh, t, a, a);
  loop(&b, LNP_OP_ADD, D, D, 2, sh, c, t, S(1.0));
  loop(&b, LNP_OP_ADD, D, D, 2, sh, c, c, at); /* reads A transposed: A is not written, fine */
  /* writes A while the group read it at other mappings: splits */
  loop(&b, LNP_OP_ADD, D, D, 2, sh, a, c, S(2.0));
  const int want[2] = {3, 1};
  expect_groups(&b, 0, want, 2, 1, "two pieces");
  free_batch(&b);
}

/* Pieces cut differently: a stencil reading a neighbour's halo row (a
 * piece of its own, from another buffer) among loops of one piece over
 * the same rows, as on two GPUs.  Either way round the loops fuse, cut
 * like the loop with the halo; pieces that do not tile a box do not. */
static void test_cuts(void)
{
  const int64_t n = 7, whole[1][2] = {{n, n}}, rows[2][2] = {{n - 1, n}, {1, n}};
  const int64_t org[2][2] = {{0, 0}, {n - 1, 0}}, half[1][2] = {{n, n - 2}};
  const int D = LNP_FLOAT64;
  for (int order = 0; order < 4; order++) {
    batch_t b = {0};
    const int A = buffer(&b, D, n * n, 0), H = buffer(&b, D, n, 0), C = buffer(&b, D, n * n, 0);
    const int Tt = buffer(&b, D, n * n, 1), T2 = buffer(&b, D, n * n, 1), O = buffer(&b, D, n * n, 0);
    /* A shifted up a row; its last row from the halo H */
    const opnd up = {{A, H}, {n, 0}, {{n, 1}, {n, 1}}, 0};
    const opnd t_rows = {{Tt, Tt}, {0, (n - 1) * n}, {{n, 1}, {n, 1}}, 0};
    const opnd t2_rows = {{T2, T2}, {0, (n - 1) * n}, {{n, 1}, {n, 1}}, 0};
    const opnd a_rows = {{A, A}, {0, (n - 1) * n}, {{n, 1}, {n, 1}}, 0};
    if (order == 0) { /* the halo first, then loops of one piece */
      loop(&b, LNP_OP_ADD, D, D, 2, rows, t_rows, up, a_rows);
      origins(&b, org);
      loop(&b, LNP_OP_ADD, D, D, 1, whole, T(T2, 0, n, 1), T(Tt, 0, n, 1), T(C, 0, n, 1));
      loop(&b, LNP_OP_MULTIPLY, D, D, 1, whole, T(O, 0, n, 1), T(T2, 0, n, 1), S(0.25));
      const int want[1] = {3};
      expect_groups(&b, 1, want, 1, 2, "halo piece first");
    } else if (order == 1) { /* loops of one piece, then the halo */
      loop(&b, LNP_OP_MULTIPLY, D, D, 1, whole, T(Tt, 0, n, 1), T(C, 0, n, 1), S(2.0));
      loop(&b, LNP_OP_ADD, D, D, 2, rows, t2_rows, up, t_rows);
      origins(&b, org);
      loop(&b, LNP_OP_SUBTRACT, D, D, 1, whole, T(O, 0, n, 1), T(T2, 0, n, 1), S(1.0));
      const int want[1] = {3};
      expect_groups(&b, 1, want, 1, 2, "halo piece second");
    } else if (order == 3) { /* both cut in two, at different rows: re-cut to three pieces */
      const int64_t rows4[2][2] = {{n - 3, n}, {3, n}}, org4[2][2] = {{0, 0}, {n - 3, 0}};
      const opnd t4_rows = {{Tt, Tt}, {0, (n - 3) * n}, {{n, 1}, {n, 1}}, 0};
      const opnd c4_rows = {{C, C}, {0, (n - 3) * n}, {{n, 1}, {n, 1}}, 0};
      const opnd o4_rows = {{O, O}, {0, (n - 3) * n}, {{n, 1}, {n, 1}}, 0};
      loop(&b, LNP_OP_ADD, D, D, 2, rows, t_rows, up, a_rows);
      origins(&b, org);
      loop(&b, LNP_OP_MULTIPLY, D, D, 2, rows4, o4_rows, t4_rows, c4_rows);
      origins(&b, org4);
      const int want[1] = {2};
      expect_groups(&b, 1, want, 1, 1, "both cut, differently");
      expect_groups_as(&b, 1, 1, want, 1, 1, "both cut, differently, CPU plan");
    } else { /* a loop of one piece over another box: no fusion across it */
      loop(&b, LNP_OP_ADD, D, D, 2, rows, t_rows, up, a_rows);
      origins(&b, org);
      loop(&b, LNP_OP_ADD, D, D, 1, half, T(T2, 0, n, 1), T(Tt, 0, n, 1), T(C, 0, n, 1));
      loop(&b, LNP_OP_MULTIPLY, D, D, 1, half, T(O, 0, n, 1), T(T2, 0, n, 1), S(0.25));
      const int want[2] = {1, 2};
      expect_groups(&b, 1, want, 2, 1, "other box");
    }
    free_batch(&b);
  }
}

/* a reduction (output stride 0), a shape change and integer loops end groups */
static void test_boundaries(void)
{
  const int64_t n = 5, sh[1][2] = {{n, n}}, sh2[1][2] = {{n, n - 1}};
  batch_t b = {0};
  const int D = LNP_FLOAT64;
  const int A = buffer(&b, D, n * n, 0), R = buffer(&b, D, n, 0), C = buffer(&b, D, n * n, 0);
  loop(&b, LNP_OP_ADD, D, D, 1, sh, T(C, 0, n, 1), T(A, 0, n, 1), S(1.0));
  loop(&b, LNP_OP_ADD, D, D, 1, sh, T(R, 0, 1, 0), T(R, 0, 1, 0), T(C, 0, n, 1)); /* row sums */
  loop(&b, LNP_OP_ADD, D, D, 1, sh2, T(C, 0, n, 1), T(A, 1, n, 1), S(1.0));
  loop(&b, LNP_OP_MULTIPLY, D, D, 1, sh2, T(C, 0, n, 1), T(C, 0, n, 1), S(3.0));
  loop(&b, LNP_OP_MULTIPLY, D, D, 1, sh, T(A, 0, n, 1), T(A, 0, n, 1), S(3.0));
  const int want[4] = {1, 1, 2, 1};
  expect_groups(&b, 0, want, 4, 0, "boundaries");
  free_batch(&b);
}

/* The CPU executor's blocks: rows longer than a block (remainders), a
 * transposed read, float32 and float64, ops with NumPy-style loops (exp,
 * log, power, arctan2) and scalars on either side; rows that merge (a
 * contiguous box) and rows that do not (a column range). */
static void test_cpu_blocks(void)
{
  const int64_t r = 3, c = 1300, sh[1][2] = {{r, c}}, shT[1][2] = {{c, r}}, part[1][2] = {{r, c - 7}};
  const int D = LNP_FLOAT64, F = LNP_FLOAT32;
  for (int variant = 0; variant < 3; variant++) {
    batch_t b = {0};
    const int A = buffer(&b, D, r * c, 0), Bt = buffer(&b, D, r * c, 0), Xf = buffer(&b, F, r * c, 0);
    const int t0 = buffer(&b, D, r * c, 1), t1 = buffer(&b, D, r * c, 1), t2 = buffer(&b, D, r * c, 1);
    const int O = buffer(&b, D, r * c, 0), Of = buffer(&b, F, r * c, 0), t3 = buffer(&b, F, r * c, 1);
    if (variant == 2) { /* a transposed read of Bt, the output C ordered */
      loop(&b, LNP_OP_EXP, D, D, 1, shT, T(t0, 0, r, 1), T(A, 0, 1, c), S(0));
      loop(&b, LNP_OP_ADD, D, D, 1, shT, T(O, 0, r, 1), T(t0, 0, r, 1), T(Bt, 0, 1, c));
      const int want[1] = {2};
      expect_groups_as(&b, 1, 1, want, 1, 1, "CPU blocks, transposed");
      free_batch(&b);
      continue;
    }
    const int64_t(*s)[2] = variant == 0 ? sh : part;
    loop(&b, LNP_OP_EXP, D, D, 1, s, T(t0, 0, c, 1), T(A, 0, c, 1), S(0));
    loop(&b, LNP_OP_LOG, D, D, 1, s, T(t1, 0, c, 1), T(Bt, 0, c, 1), S(0));
    loop(&b, LNP_OP_POWER, D, D, 1, s, T(t2, 0, c, 1), S(1.5), T(t0, 0, c, 1));
    loop(&b, LNP_OP_ARCTAN2, D, D, 1, s, T(t0, 0, c, 1), T(t2, 0, c, 1), T(t1, 0, c, 1));
    loop(&b, LNP_OP_SUBTRACT, D, D, 1, s, T(O, 0, c, 1), T(t0, 0, c, 1), S(0.25));
    loop(&b, LNP_OP_COPY, D, F, 1, s, T(t3, 0, c, 1), T(O, 0, c, 1), S(0));
    loop(&b, LNP_OP_MULTIPLY, F, F, 1, s, T(Of, 0, c, 1), T(t3, 0, c, 1), T(Xf, 0, c, 1));
    loop(&b, LNP_OP_SIN, F, F, 1, s, T(Of, 0, c, 1), T(Of, 0, c, 1), S(0));
    const int want[1] = {8};
    expect_groups_as(&b, 1, 1, want, 1, 4, variant == 0 ? "CPU blocks, rows merged" : "CPU blocks, a column range");
    free_batch(&b);
  }
  /* in-place writes: x += t writes x directly (its old values read by
   * that op only); y = x, then x *= 2: y must keep the old values */
  for (int variant = 0; variant < 2; variant++) {
    batch_t b = {0};
    const int X = buffer(&b, D, r * c, 0), Y = buffer(&b, D, r * c, 0), t = buffer(&b, D, r * c, 1);
    loop(&b, LNP_OP_EXP, D, D, 1, sh, T(t, 0, c, 1), T(Y, 0, c, 1), S(0));
    if (variant) loop(&b, LNP_OP_COPY, D, D, 1, sh, T(Y, 0, c, 1), T(X, 0, c, 1), S(0));
    loop(&b, LNP_OP_ADD, D, D, 1, sh, T(X, 0, c, 1), T(X, 0, c, 1), T(t, 0, c, 1));
    loop(&b, LNP_OP_MULTIPLY, D, D, 1, sh, T(X, 0, c, 1), T(X, 0, c, 1), S(2.0));
    const int want[1] = {variant ? 4 : 3};
    expect_groups_as(&b, 1, 1, want, 1, 1, variant ? "CPU in place, old values stored" : "CPU in place");
    free_batch(&b);
  }
  /* comparisons and where: a bool value in the group (Black-Scholes' cnd:
   * where(d > 0, 1 - w, w)), its mask live or dead */
  for (int live = 0; live < 2; live++) {
    batch_t b = {0};
    const int A = buffer(&b, D, r * c, 0), W = buffer(&b, D, r * c, 0), O = buffer(&b, D, r * c, 0);
    const int m = buffer(&b, LNP_BOOL, r * c, !live), t = buffer(&b, D, r * c, 1);
    loop(&b, LNP_OP_GREATER, D, LNP_BOOL, 1, sh, T(m, 0, c, 1), T(A, 0, c, 1), S(0.0));
    loop(&b, LNP_OP_SUBTRACT, D, D, 1, sh, T(t, 0, c, 1), S(1.0), T(W, 0, c, 1));
    const opnd w[4] = {T(O, 0, c, 1), T(m, 0, c, 1), T(t, 0, c, 1), T(W, 0, c, 1)};
    loop_ops(&b, LNP_OP_WHERE, D, D, 1, sh, w);
    loop(&b, LNP_OP_MULTIPLY, D, D, 1, sh, T(O, 0, c, 1), T(O, 0, c, 1), T(A, 0, c, 1));
    const int want[1] = {4};
    expect_groups_as(&b, 1, 1, want, 1, live ? 1 : 2, live ? "CPU where, mask live" : "CPU where, mask dead");
    free_batch(&b);
  }
}

int main(void)
{
  test_poisson(1);
  test_poisson(0);
  test_jacobi();
  test_mixed();
  test_pieces();
  test_cuts();
  test_boundaries();
  test_cpu_blocks();
  printf("test_fuse: %d fused kernels compiled by NVRTC\n", nvrtc_compiles);
  return check_report();
}
