/* A fused group (fuse.h) run by a CPU worker.
 *
 * The loops of a chain such as Black-Scholes' or a Jacobi sweep each read
 * and write whole arrays: NumPy makes a temporary per operator, and a pass
 * over memory per operator is what bounds them.  Here the group's program
 * runs over one block of a row at a time (LNP_FUSE_CPU_BLOCK elements):
 * every op of the program over the block, its result in a small buffer of
 * its own that stays in the core's cache, then the block's stores.  Each
 * input element is read from memory once and each live output written
 * once; dead temporaries are never written.
 *
 * Each op runs through its host inner loop (lnp_loop_cpu_inner: ours, or
 * NumPy's own SIMD loop where one is registered), the same function the
 * unfused loop calls, so results are the unfused loops' to the bit, NaN
 * payloads included; only the cut into calls differs, which none of these
 * elementwise loops depends on.  Loads are read in place (their pointer
 * and stride go to the op); a scalar is a stride-0 operand.
 *
 * Order: a tile the group writes is accessed only at the mapping of its
 * write (fuse.c's rule), so the elements a block reads of it are the ones
 * the same block writes, and every op of a block runs before its stores.
 *
 * Floating-point status is taken around each op, for its own loop's slot,
 * as the unfused loops report it. */
#include <fenv.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "cpu_groups.h"

#include "fuse.h"
#include "op_info.h"
#include "scratch.h"

/* Elements of a block: a float64 op result is 16 KB, so a program of a
 * dozen ops keeps its blocks in L2; 512 ran a 7-op chain slower (a call
 * and a status test per op and block). */
#define LNP_FUSE_CPU_BLOCK 2048

/* The status an op raised, cleared: clearing costs far more than testing
 * (the x87 environment is rewritten), and most ops raise nothing. */
static unsigned take_fp(void)
{
  return fetestexcept(FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INVALID) ? lnp_loop_fp_take_thread() : 0u;
}

/* An op's block buffer, with a gap after it: NumPy's loops take buffers
 * that touch as overlapping (nomemoverlap compares one past the end) and
 * then leave their SIMD paths for scalar libm calls (exp: 4x slower). */
#define LNP_FUSE_CPU_SLOT (LNP_FUSE_CPU_BLOCK * 8 + 64)

/* A value for the current block: a byte address and a byte stride. */
typedef struct cpu_val {
  char *p;
  int64_t s;
} cpu_val;

static int64_t elem_size(int dtype) { return (int64_t)lnp_dtype_size(dtype); }

/* Store m elements of v to q (byte stride qs), elements of sz bytes
 * (float64, float32 or bool). */
static void store_block(char *q, int64_t qs, cpu_val v, int64_t m, int64_t sz)
{
  if (qs == sz && v.s == sz) {
    memmove(q, v.p, (size_t)(m * sz));
  } else if (sz == 8) {
    for (int64_t k = 0; k < m; k++) memcpy(q + k * qs, v.p + k * v.s, 8);
  } else if (sz == 4) {
    for (int64_t k = 0; k < m; k++) memcpy(q + k * qs, v.p + k * v.s, 4);
  } else {
    for (int64_t k = 0; k < m; k++) q[k * qs] = v.p[k * v.s];
  }
}

/* What every block of a group's piece shares: the program (inner loops,
 * scalars, block slots, stores written by their op) and the piece's dims,
 * merged where every access runs on contiguously. */
typedef struct cpu_prog {
  const lnp_fuse_group *g;
  void *const *bufptrs;
  lnp_cpu_inner_fn fn[LNP_FUSE_MAXINST];
  unsigned char fpe[LNP_FUSE_MAXINST];
  union {
    double f64;
    float f32;
  } sc[LNP_FUSE_MAXINST];
  int nbuf, slot[LNP_FUSE_MAXINST];
  const lnp_loop_desc *desc;
  int direct[LNP_FUSE_MAXINST], stored_by_op[LNP_FUSE_MAXACC];
  int p, nd;
  int64_t ext[LNP_FUSE_MAXDIM], str[LNP_FUSE_MAXACC][LNP_FUSE_MAXDIM];
  int64_t sz[LNP_FUSE_MAXACC], step[LNP_FUSE_MAXACC];
  int64_t nblk; /* blocks per row */
} cpu_prog;

/* Blocks [lo, hi) of the piece, in C order over (row, block of the row):
 * every op of the program over the block, then its stores.  blocks: this
 * thread's op buffers; fp: its status per op. */
static void run_blocks(const cpu_prog *P, int64_t lo, int64_t hi, char *blocks, unsigned *fp)
{
  const lnp_fuse_group *g = P->g;
  const int ni = g->ninst, na = g->nacc, last = P->nd - 1, p = P->p;
  cpu_val v[LNP_FUSE_MAXINST];
  char *row[LNP_FUSE_MAXACC];
  int64_t r_cur = -1;
  for (int64_t it = lo; it < hi; it++) {
    const int64_t r = it / P->nblk, j0 = (it % P->nblk) * LNP_FUSE_CPU_BLOCK;
    if (r != r_cur) { /* the row's first element of every access */
      int64_t idx[LNP_FUSE_MAXDIM], rem = r;
      for (int j = last - 1; j >= 0; j--) {
        idx[j] = rem % P->ext[j];
        rem /= P->ext[j];
      }
      for (int a = 0; a < na; a++) {
        int64_t e = g->acc[a].map.off[p];
        for (int j = 0; j < last; j++) e += idx[j] * P->str[a][j];
        row[a] = (char *)P->bufptrs[g->acc[a].map.buf[p]] + e * P->sz[a];
      }
      r_cur = r;
    }
    const int64_t m = P->ext[last] - j0 < LNP_FUSE_CPU_BLOCK ? P->ext[last] - j0 : LNP_FUSE_CPU_BLOCK;
    for (int i = 0; i < ni; i++) {
      const lnp_fuse_inst *in = &g->inst[i];
      if (in->kind == LNP_FI_LOAD) {
        v[i].p = row[in->a] + j0 * P->step[in->a];
        v[i].s = P->step[in->a];
      } else if (in->kind == LNP_FI_SCALAR) {
        v[i].p = (char *)&P->sc[i];
        v[i].s = 0;
      } else {
        const lnp_loop_desc *d = &P->desc[P->slot[i]];
        const int three = d->nops == 4; /* WHERE */
        const int da = P->direct[i];
        char *args[4] = {da >= 0 ? row[da] + j0 * P->step[da] : blocks + (size_t)P->slot[i] * LNP_FUSE_CPU_SLOT,
                         v[in->a].p, in->b >= 0 ? v[in->b].p : NULL, three ? v[in->c].p : NULL};
        const int64_t s[4] = {da >= 0 ? P->step[da] : elem_size(in->dtype), v[in->a].s, in->b >= 0 ? v[in->b].s : 0,
                              three ? v[in->c].s : 0};
        P->fn[i](args, m, s, d, 0, 0);
        if (P->fpe[i]) fp[i] |= take_fp();
        v[i].p = args[0];
        v[i].s = s[0];
      }
    }
    for (int a = 0; a < na; a++)
      if (g->acc[a].store && !g->acc[a].drop && !P->stored_by_op[a])
        store_block(row[a] + j0 * P->step[a], P->step[a], v[g->acc[a].value], m, P->sz[a]);
  }
}

/* Blocks a thread of a group worker takes at least: a parallel region
 * costs a few microseconds, a block of a short program about one. */
#define LNP_FUSE_CPU_PAR_MIN_BLOCKS 16

int lnp_fuse_run_cpu(const lnp_fuse_group *g, void *const *bufptrs, int nthreads)
{
  const int ni = g->ninst, na = g->nacc;
  cpu_prog *P = malloc(sizeof *P);
  if (!P) return -1;
  P->g = g;
  P->bufptrs = bufptrs;
  unsigned fp[LNP_FUSE_MAXINST];
  int nbuf = 0;
  for (int i = 0; i < ni; i++) {
    const lnp_fuse_inst *in = &g->inst[i];
    P->fn[i] = NULL;
    P->fpe[i] = 0;
    fp[i] = 0;
    P->slot[i] = -1;
    if (in->kind == LNP_FI_SCALAR) {
      if (in->dtype == LNP_FLOAT64) P->sc[i].f64 = in->scalar;
      else P->sc[i].f32 = (float)in->scalar; /* exact: a float32 widened */
    } else if (in->kind == LNP_FI_OP) {
      if (!(P->fn[i] = lnp_loop_cpu_inner(in->op, in->dtype_in, in->dtype))) {
        free(P);
        return -1;
      }
      P->fpe[i] = lnp_op_get(in->op)->fpe;
      P->slot[i] = nbuf++;
    }
  }
  P->nbuf = nbuf;
  /* the ops' descriptors (no pieces: the inner loops read op and dtypes) */
  const lnp_scratch_mark mark = lnp_scratch_here();
  lnp_loop_desc *desc = lnp_scratch_alloc((size_t)(nbuf ? nbuf : 1) * sizeof *desc, 1);
  char *blocks = lnp_scratch_alloc((size_t)(nbuf ? nbuf : 1) * LNP_FUSE_CPU_SLOT, 0);
  if (!desc || !blocks) {
    lnp_scratch_release(mark);
    free(P);
    return -1;
  }
  for (int i = 0; i < ni; i++) {
    const lnp_fuse_inst *in = &g->inst[i];
    if (P->slot[i] < 0) continue;
    lnp_loop_desc *d = &desc[P->slot[i]];
    d->op = in->op;
    d->dtype_in = in->dtype_in;
    d->dtype_out = in->dtype;
    d->nops = lnp_op_nops(in->op);
    d->fp_slot = in->fp_slot;
  }
  P->desc = desc;
  /* an op whose value a store keeps writes it there itself (no copy from
   * its block) when no load reads that tile: a load of it (the same
   * elements: fuse.c's rule) may still be needed by a later op */
  for (int i = 0; i < ni; i++) P->direct[i] = -1;
  for (int a = 0; a < na; a++) {
    const lnp_fuse_acc *st = &g->acc[a];
    P->stored_by_op[a] = 0;
    if (!st->store || st->drop || g->inst[st->value].kind != LNP_FI_OP || P->direct[st->value] >= 0) continue;
    int loaded = 0;
    for (int b = 0; b < na && !loaded; b++)
      for (int p = 0; p < g->npieces && !loaded && !g->acc[b].store; p++) loaded = g->acc[b].map.buf[p] == st->map.buf[p];
    if (loaded) continue;
    P->direct[st->value] = a;
    P->stored_by_op[a] = 1;
  }
  lnp_loop_fp_take_thread(); /* earlier work's status is not the group's */
  for (int p = 0; p < g->npieces; p++) {
    int nd = 0, empty = 0;
    for (int j = 0; j < g->ndim; j++) {
      const int64_t e = g->shape[p][j];
      empty |= e == 0;
      int merge = nd > 0;
      for (int a = 0; a < na && merge; a++) merge = P->str[a][nd - 1] == g->acc[a].map.str[p][j] * e;
      if (merge) {
        P->ext[nd - 1] *= e;
        for (int a = 0; a < na; a++) P->str[a][nd - 1] = g->acc[a].map.str[p][j];
      } else {
        P->ext[nd] = e;
        for (int a = 0; a < na; a++) P->str[a][nd] = g->acc[a].map.str[p][j];
        nd++;
      }
    }
    if (empty) continue;
    P->p = p;
    P->nd = nd;
    int64_t rows = 1;
    for (int j = 0; j < nd - 1; j++) rows *= P->ext[j];
    for (int a = 0; a < na; a++) {
      P->sz[a] = elem_size(g->acc[a].dtype);
      P->step[a] = P->str[a][nd - 1] * P->sz[a];
    }
    P->nblk = (P->ext[nd - 1] + LNP_FUSE_CPU_BLOCK - 1) / LNP_FUSE_CPU_BLOCK;
    const int64_t total = rows * P->nblk;
    const int nt = lnp_cpu_split(nthreads, (double)total, LNP_FUSE_CPU_PAR_MIN_BLOCKS, total);
    if (nt <= 1) {
      run_blocks(P, 0, total, blocks, fp);
      continue;
    }
    /* a group worker's threads: contiguous ranges of blocks, each with its
     * own op buffers (its thread's scratch) and status */
    int failed = 0;
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
#endif
    {
#ifdef _OPENMP
      const int t = omp_get_thread_num(), n = omp_get_num_threads();
#else
      const int t = 0, n = 1;
#endif
      const int master = t == 0;
      const lnp_scratch_mark tm = lnp_scratch_here();
      char *tb = master ? blocks : lnp_scratch_alloc((size_t)(nbuf ? nbuf : 1) * LNP_FUSE_CPU_SLOT, 0);
      unsigned tfp[LNP_FUSE_MAXINST] = {0};
      if (!master) lnp_loop_fp_take_thread();
      if (tb) run_blocks(P, total * t / n, total * (t + 1) / n, tb, tfp);
      if (!master) lnp_scratch_release(tm);
#ifdef _OPENMP
#pragma omp critical(lnp_fuse_cpu_fp)
#endif
      {
        if (!tb) failed = 1;
        for (int i = 0; i < ni; i++) fp[i] |= tfp[i];
      }
    }
    if (failed) {
      lnp_scratch_release(mark);
      free(P);
      return -2;
    }
  }
  for (int i = 0; i < ni; i++)
    if (P->fpe[i] && fp[i]) lnp_loop_fp_record(g->inst[i].fp_slot, fp[i]);
  lnp_scratch_release(mark);
  free(P);
  return 0;
}
