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
 * (lnp_h5_read_host), a slower path the Python layer documents. */
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

lnp_status lnp_h5_create(const char *path, const char *name, int truncate, int ndim, const int64_t *shape, int dtype,
                         int64_t *offset)
{
  quiet();
  *offset = -1;
  hid_t ty = type_for(dtype);
  if (ty < 0) return lnp_error(LNP_ETYPE, "no HDF5 type for this dtype");
  hid_t f = -1;
  if (!truncate) {
    f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0 && access(path, F_OK) == 0) {
      H5Tclose(ty);
      return lnp_error(LNP_EOS, "Unable to open file (%s is not an HDF5 file, or cannot be written)", path);
    }
  }
  if (f < 0) f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) {
    H5Tclose(ty);
    return lnp_error(LNP_EOS, "Unable to create file %s", path);
  }
  lnp_status st = LNP_OK;
  if (H5Lexists(f, name, H5P_DEFAULT) > 0)
    st = lnp_error(LNP_EVALUE, "Unable to create dataset (name already exists): %s", name);
  hsize_t dims[LNP_MAXDIM];
  for (int k = 0; k < ndim; k++) dims[k] = (hsize_t)shape[k];
  hid_t sp = -1, pl = -1, lc = -1, d = -1;
  if (!st) {
    sp = H5Screate_simple(ndim, dims, NULL);
    pl = H5Pcreate(H5P_DATASET_CREATE);
    lc = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lc, 1); /* "a/b/c" as h5py creates it */
    H5Pset_layout(pl, H5D_CONTIGUOUS);
    H5Pset_alloc_time(pl, H5D_ALLOC_TIME_EARLY);
    H5Pset_fill_time(pl, H5D_FILL_TIME_NEVER);
    d = H5Dcreate2(f, name, ty, sp, lc, pl, H5P_DEFAULT);
    if (d < 0) st = lnp_error(LNP_EVALUE, "Unable to create dataset %s in %s", name, path);
  }
  if (!st) {
    const haddr_t off = H5Dget_offset(d);
    if (off == HADDR_UNDEF) {
      int64_t n = 1;
      for (int k = 0; k < ndim; k++) n *= shape[k];
      if (n > 0) st = lnp_error(LNP_ERUNTIME, "HDF5 gave dataset %s no contiguous storage", name);
    } else
      *offset = (int64_t)off;
  }
  if (d >= 0) H5Dclose(d);
  if (lc >= 0) H5Pclose(lc);
  if (pl >= 0) H5Pclose(pl);
  if (sp >= 0) H5Sclose(sp);
  H5Tclose(ty);
  if (H5Fclose(f) < 0 && !st) st = lnp_error(LNP_EOS, "Unable to close file %s", path);
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
lnp_status lnp_h5_read_host(const char *path, const char *name, int dtype, void *buf)
{
  (void)path, (void)name, (void)dtype, (void)buf;
  return lnp_error(LNP_ERUNTIME, "legate.numpy was built without HDF5 (libhdf5-openmpi-dev)");
}
int lnp_h5_available(void) { return 0; }
#endif
