/* The chunk codelet, lnp_cl_chunks (codelets.h): the chunk files of a
 * chunked directory (Zarr v2: one file per chunk, named by its grid
 * coordinates "i.j.k", holding the whole chunk in C order, edge chunks
 * padded) that one tile covers, read or written whole.  The store is tiled
 * on chunk boundaries (numpy/chunks.c), so each chunk belongs to one tile
 * and one task, which reads or writes its file alone.  A chunk is raw, or
 * a zlib or gzip stream (numcodecs' Zlib and GZip); a missing chunk file
 * reads as the fill value, as Zarr's own readers take it.  Failures are
 * reported as "file: ..." (OSError in Python). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* StarPU's headers need the POSIX types under -std=c11 */
#endif
#include "codelets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef LNP_HAVE_ZLIB
#include <zlib.h>
#endif

#include "../data-interfaces/nd_interface.h"

/* dst[box] = src[box]: a box of ext elements between two strided layouts
 * (element strides), a row of the last dim at a time */
static void copy_box(char *dst, const int64_t *dst_st, const char *src, const int64_t *src_st, const int64_t *ext,
                     int nd, int64_t isz)
{
  int64_t idx[LNP_MAXDIM] = {0};
  int64_t rows = 1;
  for (int k = 0; k + 1 < nd; k++) rows *= ext[k];
  const int64_t n = nd ? ext[nd - 1] : 1;
  const int packed = nd == 0 || (dst_st[nd - 1] == 1 && src_st[nd - 1] == 1);
  for (int64_t r = 0; r < rows; r++) {
    int64_t doff = 0, soff = 0;
    for (int k = 0; k + 1 < nd; k++) {
      doff += idx[k] * dst_st[k];
      soff += idx[k] * src_st[k];
    }
    if (packed)
      memcpy(dst + doff * isz, src + soff * isz, (size_t)(n * isz));
    else
      for (int64_t i = 0; i < n; i++)
        memcpy(dst + (doff + i * dst_st[nd - 1]) * isz, src + (soff + i * src_st[nd - 1]) * isz, (size_t)isz);
    for (int k = nd - 2; k >= 0; k--) {
      if (++idx[k] < ext[k]) break;
      idx[k] = 0;
    }
  }
}

static int read_whole(const char *name, char **out, size_t *len)
{
  const int fd = open(name, O_RDONLY);
  if (fd < 0) return -1;
  struct stat sb;
  if (fstat(fd, &sb) != 0) { close(fd); return -1; }
  char *b = malloc(sb.st_size ? (size_t)sb.st_size : 1);
  if (!b) { close(fd); errno = ENOMEM; return -1; }
  size_t done = 0;
  while (done < (size_t)sb.st_size) {
    const ssize_t r = read(fd, b + done, (size_t)sb.st_size - done);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += (size_t)r;
  }
  close(fd);
  *out = b;
  *len = done;
  return 0;
}

static int write_whole(const char *name, const char *b, size_t n)
{
  const int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  size_t done = 0;
  while (done < n) {
    const ssize_t r = write(fd, b + done, n - done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) { const int e = errno; close(fd); errno = e; return -1; }
    done += (size_t)r;
  }
  return close(fd);
}

/* raw chunk bytes (n) from a file's bytes: 0, or -1 with *why */
static int decode(const lnp_chunks_desc *d, const char *in, size_t inlen, char *out, size_t n, const char **why)
{
  if (d->codec == LNP_CHUNKS_RAW) {
    if (inlen != n) { *why = "the chunk file's size is not the chunk's"; return -1; }
    memcpy(out, in, n);
    return 0;
  }
#ifdef LNP_HAVE_ZLIB
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 15 + 32) != Z_OK) { *why = "zlib cannot start"; return -1; } /* zlib or gzip */
  zs.next_in = (Bytef *)(uintptr_t)in;
  zs.avail_in = (uInt)inlen;
  zs.next_out = (Bytef *)out;
  zs.avail_out = (uInt)n;
  const int r = inflate(&zs, Z_FINISH);
  const size_t got = n - zs.avail_out;
  inflateEnd(&zs);
  if (r != Z_STREAM_END || got != n) { *why = "the chunk does not decompress to the chunk's size"; return -1; }
  return 0;
#else
  (void)in; (void)inlen; (void)out; (void)n;
  *why = "built without zlib";
  return -1;
#endif
}

/* a chunk's file bytes from its raw bytes: 0 (*out, *outlen; *out is raw
 * itself when no codec) or -1 */
static int encode(const lnp_chunks_desc *d, char *raw, size_t n, char **out, size_t *outlen, const char **why)
{
  if (d->codec == LNP_CHUNKS_RAW) {
    *out = raw;
    *outlen = n;
    return 0;
  }
#ifdef LNP_HAVE_ZLIB
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  const int wbits = d->codec == LNP_CHUNKS_GZIP ? 15 + 16 : 15;
  if (deflateInit2(&zs, d->level, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    *why = "zlib cannot start";
    return -1;
  }
  const size_t cap = deflateBound(&zs, (uLong)n) + 32;
  char *b = malloc(cap);
  if (!b) { deflateEnd(&zs); *why = "out of memory"; return -1; }
  zs.next_in = (Bytef *)raw;
  zs.avail_in = (uInt)n;
  zs.next_out = (Bytef *)b;
  zs.avail_out = (uInt)cap;
  const int r = deflate(&zs, Z_FINISH);
  *outlen = cap - zs.avail_out;
  deflateEnd(&zs);
  if (r != Z_STREAM_END) { free(b); *why = "zlib failed"; return -1; }
  *out = b;
  return 0;
#else
  (void)raw; (void)n; (void)out; (void)outlen;
  *why = "built without zlib";
  return -1;
#endif
}

static void lnp_chunks_cpu(void *descr[], void *cl_arg)
{
  const lnp_chunks_desc *d = cl_arg;
  lnp_codelets_count_loops(0, 1);
  if (!d || d->ndim < 0 || d->ndim > LNP_MAXDIM || d->itemsize <= 0 || d->itemsize > (int)sizeof d->fill) {
    lnp_codelets_report("file: invalid chunk task");
    return;
  }
  const int nd = d->ndim;
  const int64_t isz = d->itemsize;
  char *base = LNP_ND_GET_PTR(descr[0]);
  const int tnd = LNP_ND_GET_NDIM(descr[0]);
  int64_t mst[LNP_MAXDIM], cst[LNP_MAXDIM], lo[LNP_MAXDIM], hi[LNP_MAXDIM];
  int64_t acc = 1, cacc = 1, nchunk = 1;
  for (int k = nd - 1; k >= 0; k--) {
    mst[k] = tnd == nd ? LNP_ND_GET_STRIDES(descr[0])[k] : acc;
    acc *= d->extent[k];
    cst[k] = cacc; /* a chunk file's layout */
    cacc *= d->chunk[k];
  }
  for (int k = 0; k < nd; k++) {
    lo[k] = d->origin[k] / d->chunk[k];
    hi[k] = (d->origin[k] + d->extent[k] + d->chunk[k] - 1) / d->chunk[k];
    nchunk *= hi[k] - lo[k];
  }
  const size_t raw_n = (size_t)(cacc * isz);
  char *raw = malloc(raw_n ? raw_n : 1);
  const size_t dlen = strlen(d->dir);
  const size_t name_cap = dlen + 2 + (size_t)nd * 21 + 2; /* dir, "/", a signed 64-bit index and "." per dim */
  char *name = malloc(name_cap);
  if (!raw || !name) {
    free(raw);
    free(name);
    lnp_codelets_report("file: out of memory for a chunk of %s", d->dir);
    return;
  }
  int64_t ci[LNP_MAXDIM];
  for (int k = 0; k < nd; k++) ci[k] = lo[k];
  for (int64_t c = 0; c < nchunk; c++) {
    /* the chunk's file, its box in the array and in the tile */
    size_t at = (size_t)snprintf(name, name_cap, "%s/", d->dir);
    if (nd == 0) snprintf(name + at, name_cap - at, "0");
    for (int k = 0; k < nd; k++)
      at += (size_t)snprintf(name + at, name_cap - at, k ? ".%lld" : "%lld", (long long)ci[k]);
    int64_t ext[LNP_MAXDIM], moff = 0;
    for (int k = 0; k < nd; k++) {
      const int64_t a0 = ci[k] * d->chunk[k];
      const int64_t a1 = a0 + d->chunk[k] < d->shape[k] ? a0 + d->chunk[k] : d->shape[k];
      ext[k] = a1 - a0;
      moff += (a0 - d->origin[k]) * mst[k];
    }
    const char *why = NULL;
    if (d->write) {
      for (size_t i = 0; i < raw_n; i += (size_t)isz) memcpy(raw + i, d->fill, (size_t)isz); /* edge padding */
      copy_box(raw, cst, base + moff * isz, mst, ext, nd, isz);
      char *out = NULL;
      size_t outlen = 0;
      if (encode(d, raw, raw_n, &out, &outlen, &why) == 0) {
        if (write_whole(name, out, outlen) != 0) why = strerror(errno);
        if (out != raw) free(out);
      }
      if (!why) lnp_codelets_file_bytes_add(outlen);
    } else {
      char *in = NULL;
      size_t inlen = 0;
      if (read_whole(name, &in, &inlen) != 0) {
        if (errno != ENOENT) why = strerror(errno);
        else /* a chunk never written: the fill value */
          for (size_t i = 0; i < raw_n; i += (size_t)isz) memcpy(raw + i, d->fill, (size_t)isz);
      } else {
        decode(d, in, inlen, raw, raw_n, &why);
        lnp_codelets_file_bytes_add(inlen);
        free(in);
      }
      if (!why) copy_box(base + moff * isz, mst, raw, cst, ext, nd, isz);
    }
    if (why) {
      lnp_codelets_report("file: %s %s: %s", d->write ? "writing" : "reading", name, why);
      break;
    }
    for (int k = nd - 1; k >= 0; k--) { /* next chunk, C order */
      if (++ci[k] < hi[k]) break;
      ci[k] = lo[k];
    }
  }
  free(raw);
  free(name);
}

static struct starpu_perfmodel lnp_chunks_model = {
  .type = STARPU_HISTORY_BASED,
  .symbol = "lnp_chunks",
};

struct starpu_codelet lnp_cl_chunks = {
  .where = STARPU_CPU,
  .cpu_funcs = {lnp_chunks_cpu},
  .nbuffers = STARPU_VARIABLE_NBUFFERS,
  .model = &lnp_chunks_model,
  .name = "lnp_chunks",
};
