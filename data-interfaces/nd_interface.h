/* The N-D tile data interface for StarPU (up to LNP_MAXDIM dimensions).
 *
 * StarPU 1.3 has no tensor/ndim interface, so this is our own.  The struct is
 * flat POD (fixed arrays, no owned pointers) because StarPU memcpy's per-node
 * interfaces on allocation-cache hits.
 *
 * A tile allocated by StarPU (home node -1, or any replica) is compact
 * C-order: stride[d] = prod(shape[d+1:]) elements.  A tile registered on the
 * host over existing memory (home node MAIN_RAM) may be strided (positive
 * strides, any order); copies then gather/scatter it, so device replicas are
 * always packed.  Kernels must read the layout from the interface of the node
 * they run on, never assume the home layout. */
#ifndef LNP_ND_INTERFACE_H
#define LNP_ND_INTERFACE_H

#include <starpu.h>
#include <stdint.h>
#include "dtypes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* StarPU keeps one interface per memory node for every handle
 * (STARPU_MAXNODES = 16 here) plus one per allocated replica, so its size
 * is most of what a tile costs: with room for LNP_MAXDIM dims each (568
 * bytes) a one-tile array took 14.7 KB, 9 KB of it these 16 copies.  The
 * dims are therefore stored in one array whose room depends on the tile's
 * ndim, in classes (LNP_ND_CLASS_CAPS: 2, 4, 8 and LNP_MAXDIM dims), each
 * registered as its own interface (ops with their own interface_size and
 * id): dims[0 .. cap) is the shape, dims[cap .. 2 cap) the strides.  A
 * class-2 interface is 96 bytes.  A struct of this type declared whole
 * (stack copies, lnp_nd_init) has room for every class. */
/* Bytes allocated past a tile's elements (nbytes) on every node
 * (nd_interface.c): LNP_ND_TAIL_PAD, and for a tile of 2 dims or more at
 * least one more row (ncols: its last dim; never more than the tile), since OpenBLAS 0.3.21's complex gemv kernel reads
 * up to a column past a column-major matrix's end (a row of our row-major
 * tiles). */
#define LNP_ND_TAIL_PAD 256
static inline size_t lnp_nd_pad_bytes(int ndim, int64_t ncols, size_t elemsize, size_t nbytes)
{
  if (ndim < 2 || ncols <= 0 || nbytes == 0) return LNP_ND_TAIL_PAD;
  const size_t row = (uint64_t)ncols > nbytes / (elemsize ? elemsize : 1) ? nbytes : (size_t)ncols * elemsize;
  return row > LNP_ND_TAIL_PAD ? row : LNP_ND_TAIL_PAD;
}

typedef struct lnp_nd_interface {
  enum starpu_data_interface_id id;
  int32_t cap;          /* dims this interface has room for (its class) */
  uintptr_t ptr;        /* address of element 0 on this node (0 if not allocated) */
  uintptr_t dev_handle; /* allocation handle (base of the allocation) */
  size_t offset;        /* byte offset of ptr inside dev_handle */
  size_t elemsize;      /* bytes per element */
  size_t allocsize;     /* bytes allocated on this node */
  int32_t ndim;         /* 0 (a scalar) .. cap */
  int32_t dtype;        /* lnp_dtype, informative (traces, describe) */
  int64_t dims[2 * LNP_MAXDIM]; /* shape[0..cap), then strides (elements) */
} lnp_nd_interface;

/* The shape (uint64_t[ndim]) and strides (int64_t[ndim], elements). */
#define LNP_ND_SHAPE(nd) ((uint64_t *)(nd)->dims)
#define LNP_ND_STRIDES(nd) ((nd)->dims + (nd)->cap)

/* The interface id of the class for LNP_MAXDIM dims (allocated on first
 * use); lnp_nd_interface_ops is that class's ops. */
enum starpu_data_interface_id lnp_nd_interface_id(void);
extern struct starpu_data_interface_ops lnp_nd_interface_ops;
/* Whether h is a tile of this interface (any class). */
int lnp_nd_is_tile(starpu_data_handle_t h);
/* A whole struct describing a tile of ndim dims with room for the class of
 * ndim (cap), shape copied, strides zero; other fields zero. */
void lnp_nd_init(lnp_nd_interface *nd, int ndim, const uint64_t *shape, size_t elemsize, int dtype);

/* Register a tile.  home_node = -1 with ptr = 0: StarPU allocates it where it
 * is first used (compact).  home_node = STARPU_MAIN_RAM: ptr is host memory
 * with the given element strides (NULL strides = compact C order). */
void lnp_nd_register(starpu_data_handle_t *handle, int home_node, uintptr_t ptr,
                     int ndim, const uint64_t *shape, const int64_t *strides,
                     size_t elemsize, int dtype);

/* Number of elements of a tile (1 for ndim == 0). */
uint64_t lnp_nd_nelems(const lnp_nd_interface *nd);
/* Bytes of N-D tiles StarPU has allocated on a memory node (0: host RAM). */
int64_t lnp_nd_allocated_bytes(unsigned node);

#define LNP_ND_GET_PTR(iface) ((void *)((lnp_nd_interface *)(iface))->ptr)
#define LNP_ND_GET_NDIM(iface) (((lnp_nd_interface *)(iface))->ndim)
#define LNP_ND_GET_SHAPE(iface) LNP_ND_SHAPE((lnp_nd_interface *)(iface))
#define LNP_ND_GET_STRIDES(iface) LNP_ND_STRIDES((lnp_nd_interface *)(iface))
#define LNP_ND_GET_ELEMSIZE(iface) (((lnp_nd_interface *)(iface))->elemsize)
/* A C-ordered tile's row stride in elements and at least ncols (1 for an
 * empty row): the leading dimension BLAS, LAPACK and cuSOLVER get. */
static inline int64_t lnp_nd_row_ld(void *iface, int64_t ncols)
{
  const int64_t s = LNP_ND_GET_NDIM(iface) == 2 ? LNP_ND_GET_STRIDES(iface)[0] : ncols;
  return s > ncols ? s : ncols > 0 ? ncols : 1;
}

#ifdef __cplusplus
}
#endif

#endif
