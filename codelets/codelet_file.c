/* The file codelet, lnp_cl_file (codelets.h): one tile of a store read from
 * or written to a raw binary file in C order (the data part of a .npy file,
 * tofile/fromfile), at the byte offset where the store's element 0 lies.
 *
 * The tile's elements sit in the file in runs: a row of the tile (its last
 * dim), or several whole rows at once when the tile spans every column
 * of the store (and so on outwards).  Each run is one pread/pwrite at its
 * own offset, so tasks of different tiles (and different ranks, sharing a
 * file system) never touch the same bytes and need no lock.  A short read
 * or a failed write is reported (lnp_codelets_report) with the file's name
 * and the system's error text; the Python layer raises it as OSError. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../data-interfaces/nd_interface.h"

/* Whole-buffer pread/pwrite: -1 (errno set) on failure, else the bytes
 * moved (fewer than n only at the end of the file, when reading). */
static ssize_t io_all(int fd, int write, char *buf, size_t n, off_t at)
{
  size_t done = 0;
  while (done < n) {
    const ssize_t r = write ? pwrite(fd, buf + done, n - done, at + (off_t)done)
                            : pread(fd, buf + done, n - done, at + (off_t)done);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r == 0) break;
    done += (size_t)r;
  }
  return (ssize_t)done;
}

/* bytes this process's file tasks have read or written so far (the
 * progress of a long read or write, polled by the Python layer) */
static uint64_t file_bytes_moved;

uint64_t lnp_codelets_file_bytes(void) { return __atomic_load_n(&file_bytes_moved, __ATOMIC_RELAXED); }

void lnp_codelets_file_bytes_add(uint64_t n) { __atomic_fetch_add(&file_bytes_moved, n, __ATOMIC_RELAXED); }

static void lnp_file_cpu(void *descr[], void *cl_arg)
{
  const lnp_file_desc *d = cl_arg;
  lnp_codelets_count_loops(0, 1);
  if (!d || d->ndim < 0 || d->ndim > LNP_MAXDIM || d->itemsize <= 0) {
    lnp_codelets_report("file: invalid file task");
    return;
  }
  const int nd = d->ndim;
  const int64_t isz = d->itemsize;
  char *base = LNP_ND_GET_PTR(descr[0]);
  /* the tile's element strides in memory: its interface's, when it has the
   * store's dims, else compact (a tile is compact unless registered over
   * strided host memory) */
  int64_t mst[LNP_MAXDIM], fst[LNP_MAXDIM];
  const int tnd = LNP_ND_GET_NDIM(descr[0]);
  int64_t acc = 1, facc = 1;
  for (int k = nd - 1; k >= 0; k--) {
    mst[k] = tnd == nd ? LNP_ND_GET_STRIDES(descr[0])[k] : acc;
    acc *= d->extent[k];
    fst[k] = facc; /* the store's strides: the file's layout */
    facc *= d->shape[k];
  }
  int64_t count = 1;
  for (int k = 0; k < nd; k++) count *= d->extent[k];
  if (count == 0) return;
  /* the run: trailing dims contiguous in the file and in memory */
  int inner = nd; /* dims [inner, nd) form one run */
  int64_t run = 1;
  for (int k = nd - 1; k >= 0; k--) {
    const int whole_below = k == nd - 1 || (d->extent[k + 1] == d->shape[k + 1] && inner == k + 1);
    const int mem_ok = d->extent[k] == 1 || mst[k] == run;
    if (!whole_below || !mem_ok) break;
    run *= d->extent[k];
    inner = k;
  }
  if (run == 0) return;
  const int fd = open(d->path, d->write ? O_WRONLY : O_RDONLY);
  if (fd < 0) {
    lnp_codelets_report("file: cannot open %s: %s", d->path, strerror(errno));
    return;
  }
  int64_t idx[LNP_MAXDIM] = {0};
  const int64_t nruns = count / run;
  for (int64_t r = 0; r < nruns; r++) {
    int64_t moff = 0, foff = 0;
    for (int k = 0; k < inner; k++) {
      moff += idx[k] * mst[k];
      foff += (d->origin[k] + idx[k]) * fst[k];
    }
    for (int k = inner; k < nd; k++) foff += d->origin[k] * fst[k];
    const size_t n = (size_t)(run * isz);
    const ssize_t got = io_all(fd, d->write, base + moff * isz, n, (off_t)(d->offset + foff * isz));
    if (got < 0) {
      lnp_codelets_report("file: %s %s: %s", d->write ? "writing" : "reading", d->path, strerror(errno));
      break;
    }
    lnp_codelets_file_bytes_add((uint64_t)got);
    if ((size_t)got < n) {
      lnp_codelets_report("file: reading %s: the file ends before the array's data does", d->path);
      break;
    }
    for (int k = inner - 1; k >= 0; k--) { /* next run, C order */
      if (++idx[k] < d->extent[k]) break;
      idx[k] = 0;
    }
  }
  if (close(fd) != 0 && d->write) lnp_codelets_report("file: writing %s: %s", d->path, strerror(errno));
}

static struct starpu_perfmodel lnp_file_model = {
    .type = STARPU_HISTORY_BASED,
    .symbol = "lnp_file",
};

struct starpu_codelet lnp_cl_file = {
    .where = STARPU_CPU,
    .cpu_funcs = {lnp_file_cpu},
    .nbuffers = STARPU_VARIABLE_NBUFFERS,
    .model = &lnp_file_model,
    .name = "lnp_file",
};
