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

typedef struct lnp_nd_interface {
  enum starpu_data_interface_id id;
  uintptr_t ptr;        /* address of element 0 on this node (0 if not allocated) */
  uintptr_t dev_handle; /* allocation handle (base of the allocation) */
  size_t offset;        /* byte offset of ptr inside dev_handle */
  size_t elemsize;      /* bytes per element */
  size_t allocsize;     /* bytes allocated on this node */
  int32_t ndim;         /* 0 (a scalar) .. LNP_MAXDIM */
  int32_t dtype;        /* lnp_dtype, informative (traces, describe) */
  uint64_t shape[LNP_MAXDIM];
  int64_t stride[LNP_MAXDIM]; /* in elements */
} lnp_nd_interface;

/* The interface id (allocated on first use). */
enum starpu_data_interface_id lnp_nd_interface_id(void);
extern struct starpu_data_interface_ops lnp_nd_interface_ops;

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
#define LNP_ND_GET_SHAPE(iface) (((lnp_nd_interface *)(iface))->shape)
#define LNP_ND_GET_STRIDES(iface) (((lnp_nd_interface *)(iface))->stride)
#define LNP_ND_GET_ELEMSIZE(iface) (((lnp_nd_interface *)(iface))->elemsize)

#ifdef __cplusplus
}
#endif

#endif
