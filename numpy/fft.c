/* One-dimensional FFTs along an axis (the task of codelets/fft.h).
 *
 * The operand is copied, cast to the transform's input dtype, into a
 * store whose tiles each hold whole lines along the axis
 * (lnp_store_create_lines: tiled along the other dims only), so a task per
 * tile transforms its lines with one FFTW or cuFFT plan, strided where
 * the axis is not the last (no transpose), and the tiles spread over the
 * workers and ranks.  An operand already laid out so (a whole store of
 * the input dtype, the axis whole in its tiles, every tile written) is
 * read in place, except by a complex-to-real transform, which may
 * overwrite its input.  The result is a store tiled and placed as the
 * lines.  A real transform (R2C, C2R) along another axis than the last
 * goes through a transposed copy instead (cuFFT's alignment).  A
 * multi-dimensional transform is a sequence of these (the Python layer,
 * as NumPy's own fftn); one line (a 1-D array) is one task. */
#include <stdlib.h>

#include "launch.h"
#include "store_internal.h"
#include "../codelets/codelets.h"
#include "../codelets/fft.h"

int lnp_fft_available(void)
{
  return lnp_fft_cpu_available() || starpu_worker_get_count_by_type(STARPU_CUDA_WORKER) > 0;
}

static lnp_status lines_view(lnp_status st, lnp_store **s, lnp_view **out)
{
  if (st) return st;
  *out = lnp_view_new(*s);
  lnp_store_release(*s);
  return *out ? LNP_OK : lnp_error(LNP_ENOMEM, "out of memory");
}

lnp_status lnp_fft(const lnp_view *a, int axis, int kind, int64_t n, int cdtype, double fct, lnp_view **res)
{
  *res = NULL;
  const int nd = a->ndim;
  if (nd < 1 || axis < 0 || axis >= nd) return lnp_error(LNP_EVALUE, "fft: bad axis %d for %d dims", axis, nd);
  if (kind < 0 || kind >= LNP_FFT_NKINDS || n < 1 || (cdtype != LNP_COMPLEX64 && cdtype != LNP_COMPLEX128))
    return lnp_error(LNP_EVALUE, "fft: bad transform (kind %d, n %lld, dtype %d)", kind, (long long)n, cdtype);
  if (!lnp_fft_available()) return lnp_error(LNP_EVALUE, "fft: no FFT library (FFTW or cuFFT) on the workers");
  lnp_fft_desc proto = {.kind = kind, .cdtype = cdtype, .n = n, .fct = fct};
  if (a->shape[axis] != lnp_fft_nin(&proto))
    return lnp_error(LNP_EVALUE, "fft: the axis has %lld elements, the transform reads %lld",
                     (long long)a->shape[axis], (long long)lnp_fft_nin(&proto));
  if ((kind == LNP_FFT_R2C || kind == LNP_FFT_C2R) && axis != nd - 1) {
    /* a real transform's lines post apart: cuFFT refuses the real lines'
     * offsets that are not aligned as complex numbers, so the axis is
     * moved last (a transposed copy) and the result is seen back through
     * a transposed view */
    int perm[LNP_MAXDIM], inv[LNP_MAXDIM];
    for (int d = 0; d < nd - 1; d++) perm[d] = d < axis ? d : d + 1;
    perm[nd - 1] = axis;
    for (int d = 0; d < nd; d++) inv[perm[d]] = d;
    lnp_view *mv = NULL, *r = NULL;
    lnp_status st = lnp_view_transpose(a, perm, &mv);
    if (!st) st = lnp_fft(mv, nd - 1, kind, n, cdtype, fct, &r);
    if (!st) st = lnp_view_transpose(r, inv, res);
    lnp_view_free(mv);
    lnp_view_free(r);
    return st;
  }
  const int rdt = cdtype == LNP_COMPLEX64 ? LNP_FLOAT32 : LNP_FLOAT64;
  const int in_dt = kind == LNP_FFT_R2C ? rdt : cdtype, out_dt = kind == LNP_FFT_C2R ? rdt : cdtype;
  int64_t oshape[LNP_MAXDIM];
  for (int d = 0; d < nd; d++) oshape[d] = a->shape[d];
  oshape[axis] = lnp_fft_nout(&proto);
  lnp_view *L = NULL, *O = NULL;
  lnp_store *s = NULL;
  lnp_status st = LNP_OK;
  if (lnp_view_size(a) == 0) {
    st = lines_view(lnp_store_create(&s, nd, oshape, out_dt), &s, &O);
  } else {
    int in_place = kind != LNP_FFT_C2R && lnp_view_is_identity(a) && a->store->dtype == in_dt &&
                   a->store->ntiles[axis] == 1;
    for (size_t t = 0; in_place && t < a->store->total_tiles; t++) in_place = a->store->storage->written[t];
    if (in_place) {
      st = lnp_launch_sync_before(a);
      if (!st) L = lnp_view_copy(a);
      if (!st && !L) st = lnp_error(LNP_ENOMEM, "out of memory");
    } else {
      st = lines_view(lnp_store_create_lines(&s, nd, a->shape, in_dt, axis, NULL), &s, &L);
      if (!st) st = lnp_launch_copy(L, a);
    }
    if (!st) st = lines_view(lnp_store_create_lines(&s, nd, oshape, out_dt, axis, L->store), &s, &O);
    lnp_runtime_activate();
    for (size_t t = 0; !st && t < L->store->total_tiles; t++) {
      lnp_fft_desc *d = malloc(sizeof *d);
      if (!d) {
        st = lnp_error(LNP_ENOMEM, "out of memory");
        break;
      }
      *d = proto;
      /* the tile's box: pre x len x post (from the store's tiling, which an
       * alias store does not share with its tiles' interfaces) */
      size_t rest = t;
      d->pre = d->post = 1;
      for (int k = nd - 1; k >= 0; k--) {
        const int32_t c = (int32_t)(rest % (size_t)L->store->ntiles[k]);
        rest /= (size_t)L->store->ntiles[k];
        const int64_t ext = L->store->bounds[k][c + 1] - L->store->bounds[k][c];
        if (k < axis) d->pre *= ext;
        if (k > axis) d->post *= ext;
      }
      struct starpu_data_descr dd[2] = {{L->store->storage->tiles[t], in_place ? STARPU_R : STARPU_RW},
                                        {O->store->storage->tiles[t], STARPU_W}};
      O->store->storage->written[t] = 1;
      st = lnp_submit(&lnp_cl_fft, dd, 2, d, sizeof *d, "fft");
    }
    if (!st) st = lnp_launch_sync_after(O);
  }
  lnp_view_free(L);
  if (st) {
    lnp_view_free(O);
    return st;
  }
  *res = O;
  return LNP_OK;
}
