/* Fusion plan: which consecutive loops of a batch form one kernel, and the
 * program that kernel runs per element (see fuse.h for the rules). */
#include "fuse.h"

#include <stdlib.h>
#include <string.h>

int lnp_fuse_mode(void)
{
  const char *e = getenv("LEGATE_NUMPY_FUSE");
  if (!e || !*e) return 1;
  return !strcmp(e, "all") ? 2 : strcmp(e, "0") != 0;
}

int lnp_fuse_op_ok(int op, int dtype_in, int dtype_out)
{
  const int fin = dtype_in == LNP_FLOAT32 || dtype_in == LNP_FLOAT64;
  const int fout = dtype_out == LNP_FLOAT32 || dtype_out == LNP_FLOAT64;
  if (!fin || !fout) return 0;
  const lnp_op_info *o = lnp_op_get(op);
  if (!o || !o->fuse) return 0;
  return o->kind == 'C' || dtype_in == dtype_out;
}

/* The dims of a loop that the group keeps (extent != 1 in some piece; one
 * pseudo dim of extent 1 when none) and their extents.  0 if the loop's
 * shape does not fit the group's limits. */
typedef struct loop_dims {
  int nd;
  int keep[LNP_FUSE_MAXDIM]; /* the loop's dim, -1 for the pseudo dim */
} loop_dims;

static int dims_of(const lnp_loop_desc *d, loop_dims *ld, int64_t shape[][LNP_FUSE_MAXDIM],
                   int64_t origin[][LNP_FUSE_MAXDIM])
{
  if (d->npieces < 1 || d->npieces > LNP_FUSE_MAXPIECES) return 0;
  ld->nd = 0;
  for (int j = 0; j < d->ndim; j++) {
    int keep = 0;
    for (int p = 0; p < d->npieces; p++) {
      const int64_t e = lnp_loop_piece(d, p)[j];
      if (e <= 0) return 0; /* empty pieces: nothing to gain */
      keep |= e != 1;
    }
    if (!keep) continue;
    if (ld->nd == LNP_FUSE_MAXDIM) return 0;
    ld->keep[ld->nd++] = j;
  }
  if (ld->nd == 0) ld->keep[ld->nd++] = -1;
  for (int p = 0; p < d->npieces; p++)
    for (int k = 0; k < ld->nd; k++) {
      const int j = ld->keep[k];
      shape[p][k] = j >= 0 ? lnp_loop_piece(d, p)[j] : 1;
      origin[p][k] = j >= 0 ? lnp_loop_piece(d, p)[d->ndim + j] : 0;
    }
  return 1;
}

/* 1 if the pieces tile a box (pairwise disjoint, no gaps) of extents
 * want: its corner lo */
static int tile_box(int np, int nd, const int64_t shape[][LNP_FUSE_MAXDIM], const int64_t origin[][LNP_FUSE_MAXDIM],
                    const int64_t *want, int64_t *lo)
{
  int64_t box = 1, vol = 0;
  for (int k = 0; k < nd; k++) {
    int64_t a = origin[0][k], b = origin[0][k] + shape[0][k];
    for (int p = 1; p < np; p++) {
      if (origin[p][k] < a) a = origin[p][k];
      if (origin[p][k] + shape[p][k] > b) b = origin[p][k] + shape[p][k];
    }
    if (b - a != want[k]) return 0;
    lo[k] = a;
    box *= b - a;
  }
  for (int p = 0; p < np; p++) {
    int64_t v = 1;
    for (int k = 0; k < nd; k++) v *= shape[p][k];
    vol += v;
    for (int q = 0; q < p; q++) {
      int overlap = 1;
      for (int k = 0; k < nd && overlap; k++)
        overlap = origin[p][k] < origin[q][k] + shape[q][k] && origin[q][k] < origin[p][k] + shape[p][k];
      if (overlap) return 0;
    }
  }
  return vol == box;
}

int lnp_fuse_op_ok_host(int op, int dtype_in, int dtype_out)
{
  const int fin = dtype_in == LNP_FLOAT32 || dtype_in == LNP_FLOAT64;
  const int fout = dtype_out == LNP_FLOAT32 || dtype_out == LNP_FLOAT64;
  const lnp_op_info *o = lnp_op_get(op);
  if (!fin || !o) return 0;
  switch (o->kind) {
  case 'P': return dtype_out == LNP_BOOL && o->nin <= 2 && lnp_loop_cpu_inner(op, dtype_in, dtype_out) != NULL;
  case 'C': return fout && lnp_loop_cpu_inner(op, dtype_in, dtype_out) != NULL;
  case 'S':
  case 'A':
  case 'W': return dtype_in == dtype_out && lnp_loop_cpu_inner(op, dtype_in, dtype_out) != NULL;
  default: return 0;
  }
}

/* The CPU executor runs a row (dims merged where every operand runs on
 * contiguously) in blocks, an inner loop call per op and block: rows
 * shorter than this in a large piece cost more in calls than fusion saves
 * (kmeans' (n, 16) distances: 16 elements a call) and stay unfused. */
#define LNP_FUSE_HOST_MIN_ROW 256
#define LNP_FUSE_HOST_SMALL 16384

static int rows_long_enough(const lnp_loop_desc *d)
{
  if (d->nops > 4 || d->ndim > LNP_MAXDIM) return 0;
  for (int p = 0; p < d->npieces; p++) {
    int64_t *w = lnp_loop_piece(d, p);
    int64_t ext[LNP_MAXDIM], st[LNP_MAXDIM][4], total = 1;
    int nd = 0;
    for (int dd = 0; dd < d->ndim; dd++) { /* merged as the loops merge them (loop_cpu.c) */
      const int64_t e = w[dd];
      total *= e;
      if (e == 1) continue;
      int64_t sk[4];
      for (int k = 0; k < d->nops; k++) {
        const int64_t *o = lnp_piece_operand(w, d->ndim, k);
        sk[k] = o[0] >= 0 ? o[2 + dd] : 0;
      }
      int merge = nd > 0;
      for (int k = 0; k < d->nops && merge; k++) merge = st[nd - 1][k] == sk[k] * e;
      if (merge) {
        ext[nd - 1] *= e;
      } else {
        ext[nd] = e;
        nd++;
      }
      memcpy(st[nd - 1], sk, sizeof sk);
    }
    const int64_t inner = nd ? ext[nd - 1] : 1;
    if (inner < LNP_FUSE_HOST_MIN_ROW && total > LNP_FUSE_HOST_SMALL) return 0;
  }
  return 1;
}

/* A loop that may join a group at all: a fusable op, well formed. */
static int loop_ok(const lnp_fuse_group *g, const lnp_fuse_loop *L)
{
  const lnp_loop_desc *d = L->desc;
  if (!d || !(g->host ? lnp_fuse_op_ok_host : lnp_fuse_op_ok)(d->op, d->dtype_in, d->dtype_out)) return 0;
  if (g->host && !rows_long_enough(d)) return 0;
  const int nin = lnp_op_get(d->op)->nin;
  return d->nops == nin + 1 && nin >= 1 && nin <= (g->host ? 3 : 2);
}

/* Operand k of a loop in every piece: 1 and its map for a tile, 0 and the
 * scalar's slot for a scalar, -1 if pieces disagree or it is malformed. */
static int operand_map(const lnp_fuse_loop *L, const loop_dims *ld, int np, int k, lnp_fuse_map *m, int *scalar)
{
  const lnp_loop_desc *d = L->desc;
  int nsc = 0, ntile = 0, sc = -1;
  memset(m, 0, sizeof *m);
  for (int p = 0; p < np; p++) {
    const int64_t *o = lnp_piece_operand(lnp_loop_piece(d, p), d->ndim, k);
    if (o[0] < 0) {
      const int64_t s = -1 - o[0];
      if (s >= LNP_MAXSCALARS || (nsc && s != sc)) return -1;
      sc = (int)s;
      nsc++;
      continue;
    }
    if (o[0] >= (int64_t)L->nbuf || o[0] >= d->nbuffers) return -1;
    ntile++;
    m->buf[p] = (int32_t)L->map[o[0]];
    m->off[p] = o[1];
    for (int j = 0; j < ld->nd; j++) m->str[p][j] = ld->keep[j] >= 0 ? o[2 + ld->keep[j]] : 0;
  }
  if (nsc && ntile) return -1;
  if (nsc) {
    *scalar = sc;
    return 0;
  }
  return 1;
}

static int map_eq(const lnp_fuse_map *a, const lnp_fuse_map *b, int np, int nd)
{
  for (int p = 0; p < np; p++) {
    if (a->buf[p] != b->buf[p] || a->off[p] != b->off[p]) return 0;
    for (int j = 0; j < nd; j++)
      if (a->str[p][j] != b->str[p][j]) return 0;
  }
  return 1;
}

static int map_has(const lnp_fuse_map *a, int32_t buf, int np)
{
  for (int p = 0; p < np; p++)
    if (a->buf[p] == buf) return 1;
  return 0;
}

static int maps_share(const lnp_fuse_map *a, const lnp_fuse_map *b, int np)
{
  for (int p = 0; p < np; p++)
    if (map_has(b, a->buf[p], np)) return 1;
  return 0;
}

int lnp_fuse_inst_fpc(const lnp_fuse_inst *in)
{
  if (in->kind != LNP_FI_OP) return -1;
  const lnp_op_info *o = lnp_op_get(in->op);
  if (!o || !o->fpe) return -1;
  if (o->kind == 'C') /* only a narrowing cast rounds */
    return in->dtype_in == LNP_FLOAT64 && in->dtype == LNP_FLOAT32 ? LNP_FUSE_FPC_UNARY | LNP_FUSE_FPC_TINY : -1;
  int cls = o->nin == 1 ? LNP_FUSE_FPC_UNARY : 0;
#define LNP_FUSE_TINY(NAME) if (in->op == LNP_OP_##NAME) cls |= LNP_FUSE_FPC_TINY;
  LNP_FPC_TINY_OPS(LNP_FUSE_TINY)
#undef LNP_FUSE_TINY
  return cls;
}

int lnp_fuse_param_words(const lnp_fuse_group *g, int *scalars_at)
{
  int nsc = 0, nfp = 0;
  for (int i = 0; i < g->ninst; i++) {
    nsc += g->inst[i].kind == LNP_FI_SCALAR;
    nfp += lnp_fuse_inst_fpc(&g->inst[i]) >= 0;
  }
  const int pieces = g->npieces * (g->ndim + g->nacc * (2 + g->ndim));
  if (scalars_at) *scalars_at = pieces;
  return pieces + nsc + (nfp ? 2 + 2 * nfp : 0) + 1;
}

static int params_fit(const lnp_fuse_group *g) { return lnp_fuse_param_words(g, NULL) <= LNP_FUSE_MAXWORDS; }

static int scalar_value(lnp_fuse_group *g, const lnp_scalar *s, int dtype)
{
  const double v = dtype == LNP_FLOAT64 ? s->f64 : (double)s->f32;
  for (int i = 0; i < g->ninst; i++)
    if (g->inst[i].kind == LNP_FI_SCALAR && g->inst[i].dtype == dtype && !memcmp(&g->inst[i].scalar, &v, sizeof v))
      return i;
  if (g->ninst >= LNP_FUSE_MAXINST) return -1;
  g->inst[g->ninst] = (lnp_fuse_inst){LNP_FI_SCALAR, 0, dtype, dtype, -1, -1, v, 0, -1};
  return g->ninst++;
}

/* The value a read of m gives: the group's own write (same mapping), an
 * earlier identical load, or a new load; -1 when the read would see
 * another thread's element or the group is full. */
static int read_value(lnp_fuse_group *g, const lnp_fuse_map *m, int dtype)
{
  const int np = g->npieces, nd = g->ndim;
  for (int i = 0; i < g->nacc; i++) {
    const lnp_fuse_acc *a = &g->acc[i];
    if (!a->store || !maps_share(&a->map, m, np)) continue;
    if (!map_eq(&a->map, m, np, nd) || a->dtype != dtype) return -1;
    return a->value;
  }
  for (int i = 0; i < g->nacc; i++) {
    const lnp_fuse_acc *a = &g->acc[i];
    if (!a->store && a->dtype == dtype && map_eq(&a->map, m, np, nd)) return a->value;
  }
  if (g->nacc >= LNP_FUSE_MAXACC || g->ninst >= LNP_FUSE_MAXINST) return -1;
  g->acc[g->nacc] = (lnp_fuse_acc){0, 0, dtype, g->ninst, *m};
  g->inst[g->ninst] = (lnp_fuse_inst){LNP_FI_LOAD, 0, dtype, dtype, g->nacc, -1, 0.0, 0, -1};
  g->nacc++;
  return g->ninst++;
}

/* Value v becomes the content of m: 1, or 0 when another mapping of one of
 * its tiles is accessed by the group. */
static int write_value(lnp_fuse_group *g, const lnp_fuse_map *m, int dtype, int v, int *upd, int32_t *old)
{
  const int np = g->npieces, nd = g->ndim;
  for (int i = 0; i < g->nacc; i++) {
    lnp_fuse_acc *a = &g->acc[i];
    if (!maps_share(&a->map, m, np)) continue;
    if (!map_eq(&a->map, m, np, nd) || a->dtype != dtype) return 0;
    if (a->store) {
      *upd = i;
      *old = a->value;
      a->value = v;
      return 1;
    }
  }
  if (g->nacc >= LNP_FUSE_MAXACC) return 0;
  g->acc[g->nacc++] = (lnp_fuse_acc){1, 0, dtype, v, *m};
  return 1;
}

/* Append a loop's program; 0 if it cannot join (g is then left partly
 * changed: the caller restores it, undoing the store value update *upd). */
static int add_loop(lnp_fuse_group *g, const lnp_fuse_loop *L, const loop_dims *ld, int *upd, int32_t *old)
{
  const lnp_loop_desc *d = L->desc;
  const int nin = d->nops - 1, np = g->npieces;
  const int where = lnp_op_get(d->op)->kind == 'W';
  int vin[3] = {-1, -1, -1};
  for (int k = 1; k <= nin; k++) {
    lnp_fuse_map m;
    int sc = -1;
    const int dt = where && k == 1 ? LNP_BOOL : d->dtype_in; /* WHERE's condition */
    const int r = operand_map(L, ld, np, k, &m, &sc);
    if (r < 0 || (r == 0 && dt == LNP_BOOL)) return 0;
    vin[k - 1] = r == 0 ? scalar_value(g, &d->scalars[sc], dt) : read_value(g, &m, dt);
    if (vin[k - 1] < 0) return 0;
  }
  if (g->ninst >= LNP_FUSE_MAXINST) return 0;
  g->inst[g->ninst] = (lnp_fuse_inst){LNP_FI_OP, d->op, d->dtype_out, d->dtype_in, vin[0], vin[1], 0.0, d->fp_slot,
                                      vin[2]};
  const int v = g->ninst++;
  lnp_fuse_map m;
  int sc = -1;
  if (operand_map(L, ld, np, 0, &m, &sc) != 1) return 0;
  /* an output that stands still along a dim is a reduction */
  for (int p = 0; p < np; p++)
    for (int j = 0; j < g->ndim; j++)
      if (g->shape[p][j] > 1 && m.str[p][j] == 0) return 0;
  return write_value(g, &m, d->dtype_out, v, upd, old) && params_fit(g);
}

static int same_shape(const lnp_fuse_group *g, int64_t shape[][LNP_FUSE_MAXDIM], const loop_dims *ld, int np)
{
  if (np != g->npieces || ld->nd != g->ndim) return 0;
  for (int p = 0; p < np; p++)
    for (int j = 0; j < g->ndim; j++)
      if (shape[p][j] != g->shape[p][j]) return 0;
  return 1;
}

/* 1 if any loop in [from, n) accesses one of m's tiles */
static int used_later(const lnp_fuse_loop *loops, int from, int n, const lnp_fuse_map *m, int np)
{
  for (int i = from; i < n; i++)
    for (uint32_t b = 0; b < loops[i].nbuf; b++)
      if (map_has(m, (int32_t)loops[i].map[b], np)) return 1;
  return 0;
}

/* Mark the stores of dead temporaries dropped. */
static void finish(lnp_fuse_group *g, const lnp_fuse_loop *loops, int nloops, const uint8_t *dead, int nbufs)
{
  const int np = g->npieces;
  for (int i = 0; i < g->nacc && dead; i++) {
    lnp_fuse_acc *a = &g->acc[i];
    if (!a->store) continue;
    int drop = 1;
    for (int p = 0; p < np && drop; p++) drop = a->map.buf[p] >= 0 && a->map.buf[p] < nbufs && dead[a->map.buf[p]];
    if (drop) drop = !used_later(loops, g->first + g->nloops, nloops, &a->map, np);
    a->drop = drop;
    g->elided += drop;
  }
}

int lnp_fuse_begin(lnp_fuse_group *g, const lnp_fuse_loop *L, int first)
{
  loop_dims ld;
  if (!loop_ok(g, L) || !dims_of(L->desc, &ld, g->shape, g->origin)) return 0;
  g->first = first;
  g->nloops = 0;
  g->ndim = ld.nd;
  g->npieces = L->desc->npieces;
  g->ninst = g->nacc = g->elided = 0;
  int upd = -1;
  int32_t old = 0;
  if (!add_loop(g, L, &ld, &upd, &old)) return 0;
  g->nloops = 1;
  return 1;
}

/* A loop of one piece over the box the group's pieces tile, cut like the
 * group (its operands' offsets moved to each piece's corner), in buf
 * (lnp_loop_desc_size(ndim, nops, g->npieces) bytes); NULL if it is not. */
static lnp_loop_desc *cut_like(const lnp_fuse_group *g, const lnp_loop_desc *d, const loop_dims *ld,
                               const int64_t shape[][LNP_FUSE_MAXDIM], void *buf)
{
  int64_t lo[LNP_FUSE_MAXDIM];
  if (d->npieces != 1 || ld->nd != g->ndim || !tile_box(g->npieces, g->ndim, g->shape, g->origin, shape[0], lo))
    return NULL;
  lnp_loop_desc *c = buf;
  memcpy(c, d, sizeof *d);
  c->npieces = g->npieces;
  const size_t pw = lnp_piece_words(d->ndim, d->nops);
  const int64_t *w0 = lnp_loop_piece(d, 0);
  for (int p = 0; p < g->npieces; p++) {
    int64_t *w = lnp_loop_piece(c, p);
    memcpy(w, w0, pw * sizeof *w);
    for (int k = 0; k < g->ndim; k++) {
      const int j = ld->keep[k];
      const int64_t delta = g->origin[p][k] - lo[k];
      if (j < 0) continue; /* the pseudo dim: extent 1 */
      w[j] = g->shape[p][k];
      w[d->ndim + j] += delta;
      for (int op = 0; op < d->nops; op++) {
        int64_t *o = lnp_piece_operand(w, d->ndim, op);
        if (o[0] >= 0) o[1] += delta * o[2 + j];
      }
    }
  }
  return c;
}

/* The group of one piece cut like a loop whose pieces tile a box of the
 * group's shape (every access's offset moved to each piece's corner); 0
 * if they do not. */
static int cut_group(lnp_fuse_group *g, int np, const int64_t shape[][LNP_FUSE_MAXDIM],
                     const int64_t origin[][LNP_FUSE_MAXDIM])
{
  int64_t lo[LNP_FUSE_MAXDIM];
  if (g->npieces != 1 || np < 2 || !tile_box(np, g->ndim, shape, origin, g->shape[0], lo)) return 0;
  for (int i = 0; i < g->nacc; i++) {
    lnp_fuse_map *m = &g->acc[i].map;
    for (int p = np - 1; p >= 0; p--) {
      int64_t off = m->off[0];
      for (int k = 0; k < g->ndim; k++) off += (origin[p][k] - lo[k]) * m->str[0][k];
      m->buf[p] = m->buf[0];
      m->off[p] = off;
      memcpy(m->str[p], m->str[0], sizeof m->str[p]);
    }
  }
  g->npieces = np;
  memcpy(g->shape, shape, sizeof g->shape[0] * (size_t)np);
  memcpy(g->origin, origin, sizeof g->origin[0] * (size_t)np);
  return 1;
}

/* Pieces cut differently on both sides (a stencil's first op cut at two
 * shifted tile boundaries, the next at one): when the group's pieces and
 * the loop's tile boxes of the same extents, both are re-cut to their
 * intersections (at most LNP_FUSE_MAXPIECES): the loop into buf (as
 * cut_like), the group's accesses in place (as cut_group).  NULL, g
 * unchanged, if they do not. */
static const lnp_loop_desc *refine(lnp_fuse_group *g, const lnp_loop_desc *d, const loop_dims *ld,
                                   const int64_t shape[][LNP_FUSE_MAXDIM], const int64_t origin[][LNP_FUSE_MAXDIM],
                                   void *buf)
{
  const int nd = g->ndim, gp = g->npieces, lp = d->npieces;
  int64_t glo[LNP_FUSE_MAXDIM], llo[LNP_FUSE_MAXDIM], ext[LNP_FUSE_MAXDIM];
  if (ld->nd != nd) return NULL;
  for (int k = 0; k < nd; k++) {
    int64_t a = g->origin[0][k], b = g->origin[0][k] + g->shape[0][k];
    for (int p = 1; p < gp; p++) {
      if (g->origin[p][k] < a) a = g->origin[p][k];
      if (g->origin[p][k] + g->shape[p][k] > b) b = g->origin[p][k] + g->shape[p][k];
    }
    ext[k] = b - a;
  }
  if (!tile_box(gp, nd, g->shape, g->origin, ext, glo) || !tile_box(lp, nd, shape, origin, ext, llo)) return NULL;
  int n = 0, gi[LNP_FUSE_MAXPIECES], li[LNP_FUSE_MAXPIECES];
  int64_t ro[LNP_FUSE_MAXPIECES][LNP_FUSE_MAXDIM], rs[LNP_FUSE_MAXPIECES][LNP_FUSE_MAXDIM]; /* box-relative */
  for (int p = 0; p < gp; p++)
    for (int q = 0; q < lp; q++) {
      int64_t lo[LNP_FUSE_MAXDIM], ex[LNP_FUSE_MAXDIM];
      int empty = 0;
      for (int k = 0; k < nd && !empty; k++) {
        const int64_t ga = g->origin[p][k] - glo[k], la = origin[q][k] - llo[k];
        const int64_t a = ga > la ? ga : la;
        const int64_t gb = ga + g->shape[p][k], lb = la + shape[q][k];
        const int64_t b = gb < lb ? gb : lb;
        empty = b <= a;
        lo[k] = a;
        ex[k] = b - a;
      }
      if (empty) continue;
      if (n == LNP_FUSE_MAXPIECES) return NULL;
      gi[n] = p;
      li[n] = q;
      memcpy(ro[n], lo, sizeof lo);
      memcpy(rs[n], ex, sizeof ex);
      n++;
    }
  /* the loop, cut like the intersections */
  lnp_loop_desc *c = buf;
  memcpy(c, d, sizeof *d);
  c->npieces = n;
  const size_t pw = lnp_piece_words(d->ndim, d->nops);
  for (int r = 0; r < n; r++) {
    int64_t *w = lnp_loop_piece(c, r);
    memcpy(w, lnp_loop_piece(d, li[r]), pw * sizeof *w);
    for (int k = 0; k < nd; k++) {
      const int j = ld->keep[k];
      if (j < 0) continue; /* the pseudo dim: extent 1 */
      const int64_t delta = ro[r][k] + llo[k] - origin[li[r]][k];
      w[j] = rs[r][k];
      w[d->ndim + j] += delta;
      for (int op = 0; op < d->nops; op++) {
        int64_t *o = lnp_piece_operand(w, d->ndim, op);
        if (o[0] >= 0) o[1] += delta * o[2 + j];
      }
    }
  }
  /* the group's accesses, each new piece from the old piece it lies in */
  for (int i = 0; i < g->nacc; i++) {
    const lnp_fuse_map old = g->acc[i].map;
    lnp_fuse_map *m = &g->acc[i].map;
    for (int r = 0; r < n; r++) {
      const int p = gi[r];
      int64_t off = old.off[p];
      for (int k = 0; k < nd; k++) off += (ro[r][k] + glo[k] - g->origin[p][k]) * old.str[p][k];
      m->buf[r] = old.buf[p];
      m->off[r] = off;
      memcpy(m->str[r], old.str[p], sizeof m->str[r]);
    }
  }
  for (int r = 0; r < n; r++)
    for (int k = 0; k < LNP_FUSE_MAXDIM; k++) {
      g->shape[r][k] = k < nd ? rs[r][k] : 0;
      g->origin[r][k] = k < nd ? ro[r][k] + glo[k] : 0;
    }
  g->npieces = n;
  return c;
}

int lnp_fuse_extend(lnp_fuse_group *g, const lnp_fuse_loop *L)
{
  loop_dims ld;
  int64_t shape[LNP_FUSE_MAXPIECES][LNP_FUSE_MAXDIM], origin[LNP_FUSE_MAXPIECES][LNP_FUSE_MAXDIM];
  if (!loop_ok(g, L) || !dims_of(L->desc, &ld, shape, origin) || ld.nd != g->ndim) return 0;
  const lnp_loop_desc *d = L->desc;
  /* pieces cut differently (a halo row of another GPU's tile is a piece
   * of its own): a loop of one piece over the same box is cut like the
   * group, a group of one piece like the loop */
  int64_t cut_buf[(sizeof(lnp_loop_desc) + sizeof(int64_t) * (2 * LNP_MAXDIM + 4 * (2 + LNP_MAXDIM)) *
                   LNP_FUSE_MAXPIECES) / sizeof(int64_t) + 1];
  lnp_fuse_group saved_copy, *saved = NULL; /* on the stack: workers plan too, without malloc (scratch.h) */
  lnp_fuse_loop cut = *L;
  if (!same_shape(g, shape, &ld, d->npieces)) {
    const lnp_loop_desc *c = d->nops <= 4 ? cut_like(g, d, &ld, shape, cut_buf) : NULL;
    if (c) {
      cut.desc = c; /* the loop now has the group's pieces */
    } else {
      saved = &saved_copy;
      memcpy(saved, g, sizeof *saved);
      if (!cut_group(g, d->npieces, shape, origin)) {
        c = d->nops <= 4 ? refine(g, d, &ld, shape, origin, cut_buf) : NULL;
        if (!c) return 0;
        cut.desc = c;
      }
    }
  }
  const int ninst = g->ninst, nacc = g->nacc;
  int upd = -1;
  int32_t old = 0;
  if (!add_loop(g, &cut, &ld, &upd, &old)) {
    if (saved) {
      memcpy(g, saved, sizeof *g);
      return 0;
    }
    g->ninst = ninst;
    g->nacc = nacc;
    if (upd >= 0) g->acc[upd].value = old;
    return 0;
  }
  g->nloops++;
  return 1;
}

int lnp_fuse_group_at(const lnp_fuse_loop *loops, int nloops, int first, const uint8_t *dead, int nbufs,
                      int64_t min_elems, lnp_fuse_group *g)
{
  if (first < 0 || first + 1 >= nloops || !lnp_fuse_begin(g, &loops[first], first)) return 1;
  int64_t elems = 0;
  for (int p = 0; p < g->npieces; p++) {
    int64_t e = 1;
    for (int j = 0; j < g->ndim; j++) e *= g->shape[p][j];
    elems += e;
  }
  if (elems < min_elems) return 1;
  for (int i = first + 1; i < nloops && lnp_fuse_extend(g, &loops[i]); i++) {
  }
  if (g->nloops < 2) return 1;
  finish(g, loops, nloops, dead, nbufs);
  return g->nloops;
}
