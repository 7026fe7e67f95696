/* NumPy's own inner loops for the CPU workers (lnp.h
 * lnp_op_use_numpy_loop): found in a ufunc object's loop table by the type
 * numbers of its operands. */
#include "core.h"

/* The head of NumPy's PyUFuncObject (numpy/ufuncobject.h), public and the
 * same in NumPy 1.x and 2.x up to the loop table: read here without
 * NumPy's headers (the extension is built once for either NumPy). */
typedef struct {
  PyObject_HEAD
  int nin, nout, nargs;
  int identity;
  void **functions;
  void *const *data;
  int ntypes;
  int reserved1;
  const char *name;
  const char *types;
} np_ufunc_head;

/* use_numpy_loop(op, dtype, ufunc, ufunc_type, typenums, exact=False) -> bool */
static PyObject *py_use_numpy_loop(PyObject *self, PyObject *args)
{
  (void)self;
  int op, dtype, exact = 0;
  PyObject *uf, *uftype, *typenums;
  if (!PyArg_ParseTuple(args, "iiOOO!|p", &op, &dtype, &uf, &uftype, &PyTuple_Type, &typenums, &exact))
    return NULL;
  if (!PyType_Check(uftype) || !PyObject_TypeCheck(uf, (PyTypeObject *)uftype)) {
    PyErr_SetString(PyExc_TypeError, "use_numpy_loop: not a NumPy ufunc");
    return NULL;
  }
  const np_ufunc_head *u = (const np_ufunc_head *)uf;
  const Py_ssize_t nargs = PyTuple_GET_SIZE(typenums);
  char want[8];
  if (nargs != u->nargs || nargs > (Py_ssize_t)sizeof want) {
    PyErr_SetString(PyExc_ValueError, "use_numpy_loop: the type numbers do not match the ufunc's operands");
    return NULL;
  }
  for (Py_ssize_t k = 0; k < nargs; k++) {
    const long t = PyLong_AsLong(PyTuple_GET_ITEM(typenums, k));
    if (t == -1 && PyErr_Occurred()) return NULL;
    want[k] = (char)t;
  }
  for (int i = 0; i < u->ntypes; i++)
    if (u->functions[i] && !memcmp(u->types + (size_t)i * (size_t)nargs, want, (size_t)nargs))
      return PyBool_FromLong(lnp_op_use_numpy_loop(op, dtype, u->functions[i], u->data ? u->data[i] : NULL, exact) == 0);
  Py_RETURN_FALSE;
}

PyMethodDef lnp_py_numpy_loop_methods[] = {
  {"use_numpy_loop", py_use_numpy_loop, METH_VARARGS,
   "use_numpy_loop(op, dtype, ufunc, type(ufunc), typenums, exact=False) -> whether the CPU workers now run NumPy's loop (exact: ours gives the same values, short runs keep it)"},
  {NULL, NULL, 0, NULL},
};
