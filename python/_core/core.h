/* Shared declarations of the _core extension's files. */
#ifndef LNP_PY_CORE_H
#define LNP_PY_CORE_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "../../numpy/lnp.h"

typedef struct {
  PyObject_HEAD
  lnp_view *view;
  /* NumPy's WRITEABLE flag of the array owning the data (views of views
   * collapse to it, as NumPy's bases do), which setflags(write=True) on a
   * view asks: a one-element list [read-only] shared by the owner and its
   * views, made when the owner's first view is.  Not the owner itself: a
   * reference to it would keep its store alive, and the tiles would count
   * as shared (reshape.c re-tiles only unshared stores in place).  NULL for
   * an owner without views. */
  PyObject *owner_flag;
  int is_view;
} ArrayObject;

extern PyTypeObject ArrayType;

/* Raise the Python exception matching an lnp_status; returns NULL. */
PyObject *lnp_py_raise(lnp_status st);
/* New Array owning v (steals it). */
PyObject *lnp_py_wrap(lnp_view *v);
/* New Array for view v (stolen) of `of`'s data (of's owner is its owner). */
PyObject *lnp_py_wrap_view(lnp_view *v, PyObject *of);
/* Parse a tuple/list of ints into shape; returns ndim or -1 with an exception. */
int lnp_py_shape(PyObject *obj, int64_t *shape);
/* dtype of a buffer's format string (NumPy scalars, 0-d and N-d arrays), -1 if none. */
int lnp_py_buffer_dtype(const Py_buffer *b);
/* Read a scalar operand (0-d array or NumPy scalar) into op. 0 or -1. */
int lnp_py_scalar(PyObject *obj, lnp_operand *op);
/* The view of an Array (borrowed) or NULL with TypeError. */
const lnp_view *lnp_py_view(PyObject *obj);
/* 0 while operations may run, else -1 with RuntimeError (stopped, or a
 * forked child); a thread other than the one shutting down is parked for
 * good once the shutdown has begun (module.c). */
int lnp_py_check_runtime(void);
/* The calling thread runs the shutdown (the one lnp_py_check_runtime never
 * parks). */
void lnp_py_mark_shutdown_thread(void);
/* profile_* functions of the module (profile.c) */
extern PyMethodDef lnp_py_profile_methods[];
/* use_numpy_loop (numpy_loops.c) */
extern PyMethodDef lnp_py_numpy_loop_methods[];
/* eager_setup, eager_op: the eager fast paths of ndarray's operators (eager_ops.c) */
extern PyMethodDef lnp_py_eager_methods[];

#endif
