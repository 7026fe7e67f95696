/* _core's profiling entry points (docs/design.md, "Profiling"):
 *   profile_tracing()        whether StarPU records an FxT trace
 *   profile_set_hook(f|None) f(kernel) -> (name, site_id, call_id) labels
 *                            each operation's tasks (numpy/profile.h)
 *   profile_event(s)         a string event in the trace
 * Nothing here runs unless a hook is installed. */
#include "core.h"
#include "../../numpy/profile.h"

static PyObject *label_hook = NULL; /* the Python callable */
static PyObject *label_names = NULL; /* str -> str: names handed to StarPU stay alive */

static void py_label(const char *kernel, lnp_task_label *label, uint64_t *call)
{
  PyGILState_STATE gil = PyGILState_Ensure();
  PyObject *et, *ev, *tb;
  PyErr_Fetch(&et, &ev, &tb); /* never disturb the caller's error state */
  PyObject *hook = label_hook;
  PyObject *r = hook ? PyObject_CallFunction(hook, "s", kernel) : NULL;
  if (r && PyTuple_Check(r) && PyTuple_GET_SIZE(r) == 3 && PyUnicode_Check(PyTuple_GET_ITEM(r, 0))) {
    PyObject *name = PyDict_SetDefault(label_names, PyTuple_GET_ITEM(r, 0), PyTuple_GET_ITEM(r, 0));
    const char *s = name ? PyUnicode_AsUTF8(name) : NULL;
    unsigned long long tag = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(r, 1));
    if (s) label->name = s;
    if (!PyErr_Occurred()) label->tag = (uint64_t)tag;
    unsigned long long c = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(r, 2));
    if (!PyErr_Occurred()) *call = (uint64_t)c;
  }
  if (PyErr_Occurred()) PyErr_WriteUnraisable(hook ? hook : Py_None);
  Py_XDECREF(r);
  PyErr_Restore(et, ev, tb);
  PyGILState_Release(gil);
}

static PyObject *py_profile_tracing(PyObject *self, PyObject *unused)
{
  (void)self; (void)unused;
  return PyBool_FromLong(lnp_profile_tracing());
}

static PyObject *py_profile_set_hook(PyObject *self, PyObject *hook)
{
  (void)self;
  if (hook != Py_None && !PyCallable_Check(hook)) {
    PyErr_SetString(PyExc_TypeError, "profile_set_hook: expected a callable or None");
    return NULL;
  }
  if (!label_names && !(label_names = PyDict_New())) return NULL;
  lnp_profile_set_label_fn(NULL);
  Py_CLEAR(label_hook);
  if (hook != Py_None) {
    Py_INCREF(hook);
    label_hook = hook;
    lnp_profile_set_label_fn(py_label);
  }
  Py_RETURN_NONE;
}

static PyObject *py_profile_event(PyObject *self, PyObject *arg)
{
  (void)self;
  const char *s = PyUnicode_AsUTF8(arg);
  if (!s) return NULL;
  lnp_profile_event(s);
  Py_RETURN_NONE;
}

PyMethodDef lnp_py_profile_methods[] = {
  {"profile_tracing", py_profile_tracing, METH_NOARGS, "Whether StarPU records an FxT trace in this process."},
  {"profile_set_hook", py_profile_set_hook, METH_O,
   "profile_set_hook(f or None): f(kernel_name) -> (task_name, site_id, call_id) labels each operation's tasks."},
  {"profile_event", py_profile_event, METH_O, "profile_event(s): a string event in the FxT trace."},
  {NULL, NULL, 0, NULL},
};
