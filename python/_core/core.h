/* Shared declarations of the _core extension's files. */
#ifndef LNP_PY_CORE_H
#define LNP_PY_CORE_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "../../numpy/lnp.h"

typedef struct {
  PyObject_HEAD
  lnp_view *view;
  /* NumPy's base: the Array whose tiles this view shows (the owner, never a
   * view: views of views collapse to it, as NumPy's do); NULL for one that
   * owns its data.  setflags(write=True) asks it. */
  PyObject *base;
} ArrayObject;

extern PyTypeObject ArrayType;

/* Raise the Python exception matching an lnp_status; returns NULL. */
PyObject *lnp_py_raise(lnp_status st);
/* New Array owning v (steals it). */
PyObject *lnp_py_wrap(lnp_view *v);
/* New Array for view v (stolen) of `of`'s data: its base is of's base, or of. */
PyObject *lnp_py_wrap_view(lnp_view *v, PyObject *of);
/* Parse a tuple/list of ints into shape; returns ndim or -1 with an exception. */
int lnp_py_shape(PyObject *obj, int64_t *shape);
/* dtype of a buffer's format string (NumPy scalars, 0-d and N-d arrays), -1 if none. */
int lnp_py_buffer_dtype(const Py_buffer *b);
/* Read a scalar operand (0-d array or NumPy scalar) into op. 0 or -1. */
int lnp_py_scalar(PyObject *obj, lnp_operand *op);
/* The view of an Array (borrowed) or NULL with TypeError. */
const lnp_view *lnp_py_view(PyObject *obj);
/* profile_* functions of the module (profile.c) */
extern PyMethodDef lnp_py_profile_methods[];

#endif
