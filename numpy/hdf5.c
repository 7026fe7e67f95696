/* HDF5 datasets (legate.numpy.io; numpy/hdf5.c): what a dataset is (shape,
 * dtype, where its data lies) and new datasets laid out for our tasks.
 *
 * Only the main thread calls HDF5 (the library is not thread-safe as
 * Debian builds it), and only to read or write metadata: a contiguous,
 * unfiltered dataset's elements are one C-order block of the file at
 * H5Dget_offset, which the file tasks (lnp_cl_file, file_io.c) read and
 * write by tiles like a .npy file's data.  New datasets are created that
 * way (contiguous, space allocated at creation, no fill), with the type
 * encodings h5py uses (bool an enum of int8, complex a compound {r, i},
 * float16 a 2-byte IEEE type), so h5py reads them as the same dtypes.
 * Chunked or compressed datasets are read whole by HDF5 into host memory
 * (lnp_h5_read_host), and written whole from it (lnp_h5_write_host: the
 * filters need HDF5's own write), a slower path the Python layer
 * documents. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lnp.h"

#ifdef LNP_HAVE_HDF5
#include <hdf5.h>

static void quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* our dtype of an HDF5 type, or -1 */
static int dtype_of(hid_t t)
{
  const H5T_class_t c = H5Tget_class(t);
  const size_t sz = H5Tget_size(t);
  if (c == H5T_INTEGER) {
    if (H5Tget_order(t) != H5T_ORDER_LE && sz > 1) return -1;
    const int sgn = H5Tget_sign(t) == H5T_SGN_2;
    switch (sz) {
    case 1: return sgn ? LNP_INT8 : LNP_UINT8;
    case 2: return sgn ? LNP_INT16 : LNP_UINT16;
    case 4: return sgn ? LNP_INT32 : LNP_UINT32;
    case 8: return sgn ? LNP_INT64 : LNP_UINT64;
    default: return -1;
    }
  }
  if (c == H5T_FLOAT) {
    if (H5Tget_order(t) != H5T_ORDER_LE) return -1;
    return sz == 2 ? LNP_FLOAT16 : sz == 4 ? LNP_FLOAT32 : sz == 8 ? LNP_FLOAT64 : -1;
  }
  if (c == H5T_ENUM && sz == 1 && H5Tget_nmembers(t) == 2) { /* h5py's bool */
    char *n0 = H5Tget_member_name(t, 0), *n1 = H5Tget_member_name(t, 1);
    const int ok = n0 && n1 && !strcmp(n0, "FALSE") && !strcmp(n1, "TRUE");
    H5free_memory(n0);
    H5free_memory(n1);
    return ok ? LNP_BOOL : -1;
  }
  if (c == H5T_COMPOUND && H5Tget_nmembers(t) == 2 && (sz == 8 || sz == 16)) { /* h5py's complex */
    const size_t half = sz / 2;
    int ok = H5Tget_member_offset(t, 0) == 0 && H5Tget_member_offset(t, 1) == half;
    for (unsigned m = 0; ok && m < 2; m++) {
      hid_t mt = H5Tget_member_type(t, m);
      ok = H5Tget_class(mt) == H5T_FLOAT && H5Tget_size(mt) == half && H5Tget_order(mt) == H5T_ORDER_LE;
      H5Tclose(mt);
    }
    return ok ? (sz == 8 ? LNP_COMPLEX64 : LNP_COMPLEX128) : -1;
  }
  return -1;
}

/* the HDF5 type h5py would write for our dtype (to close), or -1 */
static hid_t type_for(int dtype)
{
  switch (dtype) {
  case LNP_BOOL: {
    hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
    signed char f = 0, tr = 1;
    H5Tenum_insert(t, "FALSE", &f);
    H5Tenum_insert(t, "TRUE", &tr);
    return t;
  }
  case LNP_INT8: return H5Tcopy(H5T_STD_I8LE);
  case LNP_UINT8: return H5Tcopy(H5T_STD_U8LE);
  case LNP_INT16: return H5Tcopy(H5T_STD_I16LE);
  case LNP_UINT16: return H5Tcopy(H5T_STD_U16LE);
  case LNP_INT32: return H5Tcopy(H5T_STD_I32LE);
  case LNP_UINT32: return H5Tcopy(H5T_STD_U32LE);
  case LNP_INT64: return H5Tcopy(H5T_STD_I64LE);
  case LNP_UINT64: return H5Tcopy(H5T_STD_U64LE);
  case LNP_FLOAT16: { /* as h5py builds its float16 */
    hid_t t = H5Tcopy(H5T_IEEE_F32LE);
    H5Tset_fields(t, 15, 10, 5, 0, 10);
    H5Tset_size(t, 2);
    H5Tset_ebias(t, 15);
    return t;
  }
  case LNP_FLOAT32: return H5Tcopy(H5T_IEEE_F32LE);
  case LNP_FLOAT64: return H5Tcopy(H5T_IEEE_F64LE);
  case LNP_COMPLEX64:
  case LNP_COMPLEX128: {
    const int dbl = dtype == LNP_COMPLEX128;
    hid_t t = H5Tcreate(H5T_COMPOUND, dbl ? 16 : 8);
    H5Tinsert(t, "r", 0, dbl ? H5T_IEEE_F64LE : H5T_IEEE_F32LE);
    H5Tinsert(t, "i", dbl ? 8 : 4, dbl ? H5T_IEEE_F64LE : H5T_IEEE_F32LE);
    return t;
  }
  default: return -1;
  }
}

lnp_status lnp_h5_info(const char *path, const char *name, lnp_h5_dataset *info)
{
  quiet();
  memset(info, 0, sizeof *info);
  info->offset = -1;
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return lnp_error(LNP_EOS, "Unable to open file (%s is not an HDF5 file, or cannot be read)", path);
  lnp_status st = LNP_OK;
  hid_t d = H5Lexists(f, name, H5P_DEFAULT) > 0 ? H5Dopen2(f, name, H5P_DEFAULT) : -1;
  if (d < 0) {
    H5Fclose(f);
    return lnp_error(LNP_EKEY, "Unable to open object (object '%s' doesn't exist)", name);
  }
  hid_t sp = H5Dget_space(d), ty = H5Dget_type(d), pl = H5Dget_create_plist(d);
  const int nd = H5Sget_simple_extent_ndims(sp);
  if (nd < 0 || nd > LNP_MAXDIM) st = lnp_error(LNP_ETYPE, "dataset '%s' has an unsupported dataspace", name);
  hsize_t dims[LNP_MAXDIM];
  if (!st) H5Sget_simple_extent_dims(sp, dims, NULL);
  info->ndim = nd;
  for (int k = 0; !st && k < nd; k++) info->shape[k] = (int64_t)dims[k];
  info->dtype = dtype_of(ty);
  info->itemsize = (int64_t)H5Tget_size(ty);
  info->contiguous = H5Pget_layout(pl) == H5D_CONTIGUOUS && H5Pget_nfilters(pl) == 0;
  if (info->contiguous) {
    const haddr_t off = H5Dget_offset(d);
    info->offset = off == HADDR_UNDEF ? -1 : (int64_t)off; /* -1: never written */
  }
  H5Pclose(pl);
  H5Tclose(ty);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  return st;
}

/* The file to add dataset `name` to (truncate: a new file), the dataset
 * not there yet; *f the open file (closed by the caller) or -1. */
static lnp_status open_for_new_dataset(const char *path, const char *name, int truncate, hid_t *f)
{
  *f = -1;
  if (!truncate) {
    *f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (*f < 0 && access(path, F_OK) == 0)
      return lnp_error(LNP_EOS, "Unable to open file (%s is not an HDF5 file, or cannot be written)", path);
  }
  if (*f < 0) *f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (*f < 0) return lnp_error(LNP_EOS, "Unable to create file %s", path);
  if (H5Lexists(*f, name, H5P_DEFAULT) > 0)
    return lnp_error(LNP_EVALUE, "Unable to create dataset (name already exists): %s", name);
  return LNP_OK;
}

/* The HDF5 type of dtype (*ty) and the file opened for the new dataset
 * (*f), both to close; nothing left open on an error. */
static lnp_status begin_new_dataset(const char *path, const char *name, int truncate, int dtype, hid_t *ty, hid_t *f)
{
  *ty = type_for(dtype);
  if (*ty < 0) return lnp_error(LNP_ETYPE, "no HDF5 type for this dtype");
  lnp_status st = open_for_new_dataset(path, name, truncate, f);
  if (st) {
    if (*f >= 0) H5Fclose(*f);
    H5Tclose(*ty);
  }
  return st;
}

/* Dataset `name` of dtype and shape in the file opened for it, with the
 * creation properties pl (intermediate groups made as h5py makes them);
 * then write(d) if given; everything closed, the file too. */
static lnp_status new_dataset(hid_t f, const char *path, const char *name, int ndim, const int64_t *shape,
                              hid_t ty, hid_t pl, lnp_status (*then)(hid_t d, hid_t ty, void *arg), void *arg)
{
  hsize_t dims[LNP_MAXDIM];
  for (int k = 0; k < ndim; k++) dims[k] = (hsize_t)shape[k];
  hid_t sp = H5Screate_simple(ndim, dims, NULL);
  hid_t lc = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lc, 1); /* "a/b/c" as h5py creates it */
  hid_t d = H5Dcreate2(f, name, ty, sp, lc, pl, H5P_DEFAULT);
  lnp_status st = d < 0 ? lnp_error(LNP_EVALUE, "Unable to create dataset %s in %s", name, path)
                        : then ? then(d, ty, arg) : LNP_OK;
  if (d >= 0) H5Dclose(d);
  H5Pclose(lc);
  H5Sclose(sp);
  if (H5Fclose(f) < 0 && !st) st = lnp_error(LNP_EOS, "Unable to close file %s", path);
  return st;
}

typedef struct {
  int64_t n;
  int64_t *offset;
  const char *name;
} contiguous_arg;

static lnp_status take_offset(hid_t d, hid_t ty, void *p)
{
  (void)ty;
  contiguous_arg *a = p;
  const haddr_t off = H5Dget_offset(d);
  if (off != HADDR_UNDEF) {
    *a->offset = (int64_t)off;
    return LNP_OK;
  }
  return a->n > 0 ? lnp_error(LNP_ERUNTIME, "HDF5 gave dataset %s no contiguous storage", a->name) : LNP_OK;
}

lnp_status lnp_h5_create(const char *path, const char *name, int truncate, int ndim, const int64_t *shape, int dtype,
                         int64_t *offset)
{
  quiet();
  *offset = -1;
  hid_t ty, f;
  lnp_status st = begin_new_dataset(path, name, truncate, dtype, &ty, &f);
  if (st) return st;
  hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_layout(pl, H5D_CONTIGUOUS);
  H5Pset_alloc_time(pl, H5D_ALLOC_TIME_EARLY);
  H5Pset_fill_time(pl, H5D_FILL_TIME_NEVER);
  int64_t n = 1;
  for (int k = 0; k < ndim; k++) n *= shape[k];
  contiguous_arg a = {n, offset, name};
  st = new_dataset(f, path, name, ndim, shape, ty, pl, take_offset, &a);
  H5Pclose(pl);
  H5Tclose(ty);
  return st;
}

static lnp_status write_whole(hid_t d, hid_t ty, void *buf)
{
  return H5Dwrite(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0
             ? lnp_error(LNP_EOS, "Unable to write dataset (a filter failed, or the disk is full)")
             : LNP_OK;
}

lnp_status lnp_h5_write_host(const char *path, const char *name, int truncate, int ndim, const int64_t *shape,
                             int dtype, const int64_t *chunks, int gzip, int shuffle, int fletcher32, const void *buf)
{
  quiet();
  if (gzip >= 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
    return lnp_error(LNP_EVALUE, "Compression filter \"gzip\" is unavailable");
  hid_t ty, f;
  lnp_status st = begin_new_dataset(path, name, truncate, dtype, &ty, &f);
  if (st) return st;
  hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
  if (ndim > 0) {
    hsize_t cd[LNP_MAXDIM];
    for (int k = 0; k < ndim; k++) cd[k] = (hsize_t)chunks[k];
    H5Pset_chunk(pl, ndim, cd);
    /* the filters in h5py's order: checksum of the compressed bytes last */
    if (shuffle) H5Pset_shuffle(pl);
    if (gzip >= 0) H5Pset_deflate(pl, (unsigned)gzip);
    if (fletcher32) H5Pset_fletcher32(pl);
  }
  st = new_dataset(f, path, name, ndim, shape, ty, pl, write_whole, (void *)buf);
  H5Pclose(pl);
  H5Tclose(ty);
  return st;
}

lnp_status lnp_h5_read_host(const char *path, const char *name, int dtype, void *buf)
{
  quiet();
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return lnp_error(LNP_EOS, "Unable to open file %s", path);
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  hid_t mt = type_for(dtype);
  lnp_status st = LNP_OK;
  if (d < 0 || mt < 0 || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
    st = lnp_error(LNP_EOS, "Unable to read dataset %s of %s", name, path);
  if (mt >= 0) H5Tclose(mt);
  if (d >= 0) H5Dclose(d);
  H5Fclose(f);
  return st;
}

int lnp_h5_available(void) { return 1; }
#else
lnp_status lnp_h5_info(const char *path, const char *name, lnp_h5_dataset *info)
{
  (void)path, (void)name, (void)info;
  return lnp_error(LNP_ERUNTIME, "legate.numpy was built without HDF5 (libhdf5-openmpi-dev)");
}
lnp_status lnp_h5_create(const char *path, const char *name, int truncate, int ndim, const int64_t *shape, int dtype,
                         int64_t *offset)
{
  (void)path, (void)name, (void)truncate, (void)ndim, (void)shape, (void)dtype, (void)offset;
  return lnp_error(LNP_ERUNTIME, "legate.numpy was built without HDF5 (libhdf5-openmpi-dev)");
}
lnp_status lnp_h5_write_host(const char *path, const char *name, int truncate, int ndim, const int64_t *shape,
                             int dtype, const int64_t *chunks, int gzip, int shuffle, int fletcher32, const void *buf)
{
  (void)path, (void)name, (void)truncate, (void)ndim, (void)shape, (void)dtype, (void)chunks, (void)gzip;
  (void)shuffle, (void)fletcher32, (void)buf;
  return lnp_error(LNP_ERUNTIME, "legate.numpy was built without HDF5 (libhdf5-openmpi-dev)");
}
lnp_status lnp_h5_read_host(const char *path, const char *name, int dtype, void *buf)
{
  (void)path, (void)name, (void)dtype, (void)buf;
  return lnp_error(LNP_ERUNTIME, "legate.numpy was built without HDF5 (libhdf5-openmpi-dev)");
}
int lnp_h5_available(void) { return 0; }
#endif
