/* Linear algebra on whole matrices (codelets/linalg.h): the operands are
 * gathered into single-tile stores of the batch's matrices, C-ordered and
 * cast to the computation's dtype, one task runs LAPACK's driver on each
 * matrix, and the results are stores of their own (one tile each), with an
 * int64 info per matrix the Python layer turns into NumPy's LinAlgError.
 * One task per call: a tiled algorithm over many tiles (Chameleon's
 * Cholesky, LU, QR as task graphs) is the way past one worker. */
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "store_internal.h"
#include "../codelets/codelets.h"
#include "../codelets/linalg.h"

/* a new store of one tile */
static lnp_status one_tile(int ndim, const int64_t *shape, int dtype, lnp_view **out)
{
  int32_t nt[LNP_MAXDIM];
  int64_t bnd[LNP_MAXDIM][2], *b[LNP_MAXDIM];
  for (int d = 0; d < ndim; d++) {
    nt[d] = 1;
    bnd[d][0] = 0;
    bnd[d][1] = shape[d];
    b[d] = bnd[d];
  }
  lnp_store *s = NULL;
  lnp_status st = lnp_store_create_tiled(&s, ndim, shape, dtype, nt, b);
  if (st) return st;
  *out = lnp_view_new(s);
  lnp_store_release(s);
  return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
}

/* v (..., r, c) as a one-tile (B, r, c) store of dtype */
static lnp_status gather(const lnp_view *v, int dtype, int64_t B, lnp_view **out)
{
  const int64_t shape[3] = {B, v->shape[v->ndim - 2], v->shape[v->ndim - 1]};
  lnp_view *v3 = NULL;
  int is_view;
  lnp_status st = lnp_view_reshape(v, 3, shape, &v3, &is_view);
  if (!st) st = one_tile(3, shape, dtype, out);
  if (!st) st = lnp_launch_copy(*out, v3);
  lnp_view_free(v3);
  return st;
}

lnp_status lnp_linalg(int op, int dtype, const lnp_view *a, const lnp_view *b, int flag, double rcond,
                      lnp_view **outs, int *nout)
{
  *nout = 0;
  const int two = op == LNP_LA_SOLVE || op == LNP_LA_QR_Q || op == LNP_LA_LSTSQ;
  if (op < 0 || op >= LNP_LA_NOPS || a->ndim < 2 || (two && (!b || b->ndim != a->ndim)))
    return lnp_error(LNP_EVALUE, "linalg: bad operands");
  if (dtype != LNP_FLOAT32 && dtype != LNP_FLOAT64 && dtype != LNP_COMPLEX64 && dtype != LNP_COMPLEX128)
    return lnp_error(LNP_ETYPE, "linalg: dtype %d is not a LAPACK type", dtype);
  const int rdt = dtype == LNP_COMPLEX64 ? LNP_FLOAT32 : dtype == LNP_COMPLEX128 ? LNP_FLOAT64 : dtype;
  int64_t B = 1;
  for (int d = 0; d < a->ndim - 2; d++) B *= a->shape[d];
  const int64_t m = a->shape[a->ndim - 2], n = a->shape[a->ndim - 1], mn = m < n ? m : n;
  if (B < 1 || m < 1 || n < 1) return lnp_error(LNP_EVALUE, "linalg: empty matrices are the caller's");
  lnp_linalg_desc *d = calloc(1, sizeof *d);
  if (!d) return lnp_error(LNP_ENOMEM, "out of memory");
  d->op = op;
  d->dtype = dtype;
  d->flag = flag;
  d->batch = B;
  d->m = m;
  d->n = n;
  d->k = op == LNP_LA_SOLVE || op == LNP_LA_LSTSQ ? b->shape[b->ndim - 1] : op == LNP_LA_QR_Q ? ((flag & 2) ? m : mn) : 0;
  d->rcond = rcond;
  /* buffers: the task's, in linalg.h's order; res: what is returned */
  lnp_view *buf[6] = {0}, *res[5] = {0};
  int nb = 0, nr = 0;
  const int64_t vshape[1] = {B};
  lnp_status st = gather(a, dtype, B, &buf[nb++]);
  switch (op) {
  case LNP_LA_CHOLESKY:
  case LNP_LA_INV:
    res[nr++] = buf[0];
    if (!st) st = one_tile(1, vshape, LNP_INT64, &buf[nb++]);
    res[nr++] = buf[1];
    break;
  case LNP_LA_SOLVE:
    if (!st) st = gather(b, dtype, B, &buf[nb++]);
    res[nr++] = buf[1];
    if (!st) st = one_tile(1, vshape, LNP_INT64, &buf[nb++]);
    res[nr++] = buf[2];
    break;
  case LNP_LA_SLOGDET:
    if (!st) st = one_tile(1, vshape, dtype, &buf[nb++]);
    if (!st) st = one_tile(1, vshape, rdt, &buf[nb++]);
    res[nr++] = buf[1];
    res[nr++] = buf[2];
    break;
  case LNP_LA_EIGH: {
    const int64_t wshape[2] = {B, n};
    if (!st) st = one_tile(2, wshape, rdt, &buf[nb++]);
    if (!st) st = one_tile(1, vshape, LNP_INT64, &buf[nb++]);
    res[nr++] = buf[1];
    if (!(flag & 2)) res[nr++] = buf[0];
    res[nr++] = buf[2];
    break;
  }
  case LNP_LA_SVD: {
    const int full = (flag & 2) != 0;
    const int64_t sshape[2] = {B, mn}, ushape[3] = {B, m, full ? m : mn}, vshape3[3] = {B, full ? n : mn, n};
    if (!st) st = one_tile(2, sshape, rdt, &buf[nb++]);
    if (!st) st = one_tile(1, vshape, LNP_INT64, &buf[nb++]);
    if (!st && (flag & 1)) st = one_tile(3, ushape, dtype, &buf[nb++]);
    if (!st && (flag & 1)) st = one_tile(3, vshape3, dtype, &buf[nb++]);
    if (flag & 1) res[nr++] = buf[3];
    res[nr++] = buf[1];
    if (flag & 1) res[nr++] = buf[4];
    res[nr++] = buf[2];
    break;
  }
  case LNP_LA_QR: {
    const int64_t tshape[2] = {B, mn};
    if (!st) st = one_tile(2, tshape, dtype, &buf[nb++]);
    if (!st) st = one_tile(1, vshape, LNP_INT64, &buf[nb++]);
    res[nr++] = buf[0];
    res[nr++] = buf[1];
    res[nr++] = buf[2];
    break;
  }
  case LNP_LA_QR_Q: {
    const int64_t qshape[3] = {B, m, d->k};
    if (!st) st = gather(b, dtype, B, &buf[nb++]); /* tau as (B, 1, mn) */
    if (!st) st = one_tile(3, qshape, dtype, &buf[nb++]);
    if (!st) st = one_tile(1, vshape, LNP_INT64, &buf[nb++]);
    res[nr++] = buf[2];
    res[nr++] = buf[3];
    break;
  }
  case LNP_LA_LSTSQ: {
    const int64_t sshape[2] = {B, mn};
    if (!st) st = gather(b, dtype, B, &buf[nb++]); /* b, (max(m, n), k) */
    if (!st) st = one_tile(2, sshape, rdt, &buf[nb++]);
    if (!st) st = one_tile(1, vshape, LNP_INT64, &buf[nb++]);
    if (!st) st = one_tile(1, vshape, LNP_INT64, &buf[nb++]);
    for (int i = 1; i < 5; i++) res[nr++] = buf[i];
    break;
  }
  case LNP_LA_EIG: {
    const int cdt = rdt == LNP_FLOAT32 ? LNP_COMPLEX64 : LNP_COMPLEX128;
    const int64_t wshape[2] = {B, n}, vshape3[3] = {B, n, n};
    if (!st) st = one_tile(2, wshape, cdt, &buf[nb++]);
    if (!st) st = one_tile(1, vshape, LNP_INT64, &buf[nb++]);
    if (!st && (flag & 1)) st = one_tile(3, vshape3, cdt, &buf[nb++]);
    res[nr++] = buf[1];
    if (flag & 1) res[nr++] = buf[3];
    res[nr++] = buf[2];
    break;
  }
  default:
    break;
  }
  if (!st) {
    struct starpu_data_descr dd[6];
    for (int i = 0; i < nb; i++) {
      const int rw = i == 0 || (two && i == 1);
      dd[i] = (struct starpu_data_descr){buf[i]->store->storage->tiles[0], rw ? STARPU_RW : STARPU_W};
      buf[i]->store->storage->written[0] = 1;
    }
    lnp_runtime_activate();
    st = lnp_submit(&lnp_cl_linalg, dd, nb, d, sizeof *d, "linalg");
    d = NULL;
    for (int i = 0; i < nb && !st; i++) st = lnp_launch_sync_after(buf[i]);
  }
  free(d);
  /* the buffers not returned (an LU, a destroyed input) are dropped */
  for (int i = 0; i < nb; i++) {
    int kept = 0;
    for (int j = 0; j < nr; j++) kept |= res[j] == buf[i];
    if (st || !kept) lnp_view_free(buf[i]);
  }
  if (st) return st;
  for (int j = 0; j < nr; j++) outs[j] = res[j];
  *nout = nr;
  return LNP_OK;
}
