/* The _core.Array extension type: a deferred array, one view of a store. */
#include "core.h"

PyObject *lnp_py_raise(lnp_status st)
{
  PyObject *cls = PyExc_RuntimeError;
  switch (st) {
  case LNP_EVALUE: cls = PyExc_ValueError; break;
  case LNP_EINDEX: cls = PyExc_IndexError; break;
  case LNP_ETYPE: cls = PyExc_TypeError; break;
  case LNP_ENOMEM: cls = PyExc_MemoryError; break;
  case LNP_EOS: cls = PyExc_OSError; break;
  case LNP_EKEY: cls = PyExc_KeyError; break;
  default: break;
  }
  PyErr_SetString(cls, lnp_error_message());
  return NULL;
}

/* The thread that runs the shutdown (Python's atexit, in the main thread);
 * 0: none yet. */
static unsigned long shutdown_thread = 0;

void lnp_py_mark_shutdown_thread(void)
{
  if (!shutdown_thread) shutdown_thread = PyThread_get_thread_ident();
}

/* A thread that starts an operation once the shutdown has begun (a daemon
 * thread still computing when the main thread ended) waits here, without
 * the GIL, until the process ends, as Python itself parks daemon threads at
 * finalization: it must not submit while StarPU stops, and an exception
 * would only print a traceback from a thread the program has abandoned.
 * Only the thread shutting down (atexit handlers after ours) gets the
 * error. */
static void park_thread(void)
{
  Py_BEGIN_ALLOW_THREADS
  for (;;) pause();
  Py_END_ALLOW_THREADS
}

int lnp_py_check_runtime(void)
{
  if (lnp_runtime_initialized() && !lnp_runtime_stopping()) return 0;
  /* the module teardown after the atexit handlers (runtime.c) */
  if (lnp_runtime_initialized() && lnp_runtime_quiesced() && PyThread_get_thread_ident() == shutdown_thread) return 0;
  if (lnp_runtime_forked()) {
    PyErr_SetString(PyExc_RuntimeError,
                    "legate.numpy cannot be used in a process forked after it started: StarPU's worker threads do not "
                    "survive fork(); use multiprocessing's 'spawn' or 'forkserver' start method, or import "
                    "legate.numpy in the child only");
    return -1;
  }
  if (lnp_runtime_stopping() && shutdown_thread && PyThread_get_thread_ident() != shutdown_thread) park_thread();
  PyErr_SetString(PyExc_RuntimeError, "legate.numpy runtime is not running");
  return -1;
}

PyObject *lnp_py_wrap(lnp_view *v)
{
  if (!v) return PyErr_NoMemory();
  ArrayObject *a = PyObject_New(ArrayObject, &ArrayType);
  if (!a) { lnp_view_free(v); return NULL; }
  a->view = v;
  a->owner_flag = NULL;
  a->is_view = 0;
  return (PyObject *)a;
}

PyObject *lnp_py_wrap_view(lnp_view *v, PyObject *of)
{
  ArrayObject *o = (ArrayObject *)of;
  if (!o->owner_flag) { /* an owner's first view */
    o->owner_flag = Py_BuildValue("[O]", o->view->readonly ? Py_True : Py_False);
    if (!o->owner_flag) { lnp_view_free(v); return NULL; }
  }
  PyObject *a = lnp_py_wrap(v);
  if (!a) return NULL;
  Py_INCREF(o->owner_flag);
  ((ArrayObject *)a)->owner_flag = o->owner_flag;
  ((ArrayObject *)a)->is_view = 1;
  return a;
}

int lnp_py_shape(PyObject *obj, int64_t *shape)
{
  PyObject *seq = PySequence_Fast(obj, "shape must be a sequence of integers");
  if (!seq) return -1;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  if (n > LNP_MAXDIM) {
    Py_DECREF(seq);
    PyErr_Format(PyExc_ValueError, "maximum supported dimension for an ndarray is %d, found %zd", LNP_MAXDIM, n);
    return -1;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    long long v = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(seq, i));
    if (v == -1 && PyErr_Occurred()) { Py_DECREF(seq); return -1; }
    shape[i] = v;
  }
  Py_DECREF(seq);
  return (int)n;
}

int lnp_py_buffer_dtype(const Py_buffer *b)
{
  const char *f = b->format ? b->format : "B";
  while (*f == '<' || *f == '>' || *f == '=' || *f == '@' || *f == '!') f++;
  Py_ssize_t sz = b->itemsize;
  if (f[0] == 'Z') {
    if (f[1] == 'f') return LNP_COMPLEX64;
    if (f[1] == 'd') return LNP_COMPLEX128;
    return -1;
  }
  if (f[1]) return -1;
  switch (f[0]) {
  case '?': return LNP_BOOL;
  case 'b': case 'h': case 'i': case 'l': case 'q':
    return sz == 1 ? LNP_INT8 : sz == 2 ? LNP_INT16 : sz == 4 ? LNP_INT32 : sz == 8 ? LNP_INT64 : -1;
  case 'B': case 'H': case 'I': case 'L': case 'Q':
    return sz == 1 ? LNP_UINT8 : sz == 2 ? LNP_UINT16 : sz == 4 ? LNP_UINT32 : sz == 8 ? LNP_UINT64 : -1;
  case 'e': return LNP_FLOAT16;
  case 'f': return LNP_FLOAT32;
  case 'd': return LNP_FLOAT64;
  default: return -1;
  }
}

int lnp_py_scalar(PyObject *obj, lnp_operand *op)
{
  Py_buffer b;
  if (PyObject_GetBuffer(obj, &b, PyBUF_FORMAT | PyBUF_ND) < 0) {
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError, "expected a legate array or a 0-d numpy array as operand, got %.100s", Py_TYPE(obj)->tp_name);
    return -1;
  }
  int dt = lnp_py_buffer_dtype(&b);
  if (dt < 0 || b.len != (Py_ssize_t)lnp_dtype_size(dt)) {
    PyBuffer_Release(&b);
    PyErr_SetString(PyExc_TypeError, "scalar operand must be a single element of a supported dtype");
    return -1;
  }
  op->view = NULL;
  op->dtype = dt;
  memset(&op->value, 0, sizeof op->value);
  memcpy(&op->value, b.buf, (size_t)b.len);
  PyBuffer_Release(&b);
  return 0;
}

const lnp_view *lnp_py_view(PyObject *obj)
{
  if (!PyObject_TypeCheck(obj, &ArrayType)) {
    PyErr_Format(PyExc_TypeError, "expected a _core.Array, got %.100s", Py_TYPE(obj)->tp_name);
    return NULL;
  }
  return ((ArrayObject *)obj)->view;
}

static void Array_dealloc(ArrayObject *self)
{
  lnp_view_free(self->view);
  Py_XDECREF(self->owner_flag);
  Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *shape_tuple(int ndim, const int64_t *shape)
{
  PyObject *t = PyTuple_New(ndim);
  if (!t) return NULL;
  for (int d = 0; d < ndim; d++) PyTuple_SET_ITEM(t, d, PyLong_FromLongLong(shape[d]));
  return t;
}

static PyObject *Array_get_shape(ArrayObject *self, void *c) { (void)c; return shape_tuple(self->view->ndim, self->view->shape); }
static PyObject *Array_get_ndim(ArrayObject *self, void *c) { (void)c; return PyLong_FromLong(self->view->ndim); }
static PyObject *Array_get_size(ArrayObject *self, void *c) { (void)c; return PyLong_FromLongLong(lnp_view_size(self->view)); }
static PyObject *Array_get_dtype(ArrayObject *self, void *c) { (void)c; return PyLong_FromLong(self->view->store->dtype); }
static PyObject *Array_get_ntiles(ArrayObject *self, void *c) { (void)c; return PyLong_FromSize_t(self->view->store->total_tiles); }
static PyObject *Array_get_tile_shape(ArrayObject *self, void *c)
{
  (void)c;
  const lnp_store *s = self->view->store;
  PyObject *t = PyTuple_New(s->ndim);
  for (int d = 0; d < s->ndim; d++) PyTuple_SET_ITEM(t, d, PyLong_FromLong(s->ntiles[d]));
  return t;
}

static PyObject *Array_to_numpy(ArrayObject *self, PyObject *dest)
{
  Py_buffer b;
  if (PyObject_GetBuffer(dest, &b, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT) < 0) return NULL;
  int dt = lnp_py_buffer_dtype(&b);
  if (dt != self->view->store->dtype || b.len != lnp_view_size(self->view) * (Py_ssize_t)self->view->store->itemsize) {
    PyBuffer_Release(&b);
    PyErr_SetString(PyExc_ValueError, "to_numpy: destination has the wrong dtype or size");
    return NULL;
  }
  if (lnp_py_check_runtime()) { PyBuffer_Release(&b); return NULL; }
  lnp_status st = lnp_view_to_host(self->view, b.buf);
  PyBuffer_Release(&b);
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

static PyObject *Array_index(ArrayObject *self, PyObject *key)
{
  if (!PyTuple_Check(key)) { PyErr_SetString(PyExc_TypeError, "index key must be a tuple"); return NULL; }
  Py_ssize_t n = PyTuple_GET_SIZE(key);
  if (n > 2 * LNP_MAXDIM) { PyErr_SetString(PyExc_IndexError, "too many indices for array"); return NULL; }
  lnp_key keys[2 * LNP_MAXDIM];
  int src = 0;
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *it = PyTuple_GET_ITEM(key, i);
    if (it == Py_None) { keys[i].kind = LNP_KEY_NEWAXIS; continue; }
    if (src >= self->view->ndim) {
      PyErr_Format(PyExc_IndexError, "too many indices for array: array is %d-dimensional, but more were indexed", self->view->ndim);
      return NULL;
    }
    if (PySlice_Check(it)) {
      Py_ssize_t start, stop, step, len;
      if (PySlice_GetIndicesEx(it, (Py_ssize_t)self->view->shape[src], &start, &stop, &step, &len) < 0) return NULL;
      keys[i] = (lnp_key){LNP_KEY_SLICE, start, stop, step, len};
    } else {
      long long v = PyLong_AsLongLong(it);
      if (v == -1 && PyErr_Occurred()) return NULL;
      keys[i] = (lnp_key){LNP_KEY_INT, v, 0, 0, 0};
    }
    src++;
  }
  lnp_view *out;
  lnp_status st = lnp_view_index(self->view, (int)n, keys, &out);
  if (st) return lnp_py_raise(st);
  return lnp_py_wrap_view(out, (PyObject *)self);
}

static PyObject *Array_transpose(ArrayObject *self, PyObject *perm_obj)
{
  int64_t p[LNP_MAXDIM];
  int n = lnp_py_shape(perm_obj, p);
  if (n < 0) return NULL;
  if (n != self->view->ndim) { PyErr_SetString(PyExc_ValueError, "axes don't match array"); return NULL; }
  int perm[LNP_MAXDIM];
  for (int d = 0; d < n; d++) perm[d] = (int)p[d];
  lnp_view *out;
  lnp_status st = lnp_view_transpose(self->view, perm, &out);
  if (st) return lnp_py_raise(st);
  return lnp_py_wrap_view(out, (PyObject *)self);
}

static PyObject *Array_view_dtype(ArrayObject *self, PyObject *dt_obj)
{
  const long dt = PyLong_AsLong(dt_obj);
  if (dt == -1 && PyErr_Occurred()) return NULL;
  lnp_view *out;
  lnp_status st = lnp_view_as_dtype(self->view, (int)dt, &out);
  if (st) return lnp_py_raise(st);
  return lnp_py_wrap_view(out, (PyObject *)self);
}

static PyObject *Array_part(ArrayObject *self, PyObject *part_obj)
{
  const long part = PyLong_AsLong(part_obj);
  if (part == -1 && PyErr_Occurred()) return NULL;
  lnp_view *out;
  lnp_status st = lnp_view_part(self->view, (int)part, &out);
  if (st) return lnp_py_raise(st);
  return lnp_py_wrap_view(out, (PyObject *)self);
}

static PyObject *Array_broadcast_to(ArrayObject *self, PyObject *shape_obj)
{
  int64_t shape[LNP_MAXDIM];
  int n = lnp_py_shape(shape_obj, shape);
  if (n < 0) return NULL;
  lnp_view *out;
  lnp_status st = lnp_view_broadcast(self->view, n, shape, &out);
  if (st) return lnp_py_raise(st);
  /* NumPy's broadcast_to: a read-only view (writes would land on one
   * element several times) */
  out->readonly = 1;
  return lnp_py_wrap_view(out, (PyObject *)self);
}

static PyObject *Array_reshape(ArrayObject *self, PyObject *shape_obj)
{
  int64_t shape[LNP_MAXDIM];
  int n = lnp_py_shape(shape_obj, shape);
  if (n < 0) return NULL;
  lnp_view *out;
  int is_view = 0;
  if (lnp_py_check_runtime()) return NULL;
  lnp_status st = lnp_view_reshape(self->view, n, shape, &out, &is_view);
  if (st) return lnp_py_raise(st);
  PyObject *arr = is_view ? lnp_py_wrap_view(out, (PyObject *)self) : lnp_py_wrap(out);
  if (!arr) return NULL;
  return Py_BuildValue("(NO)", arr, is_view ? Py_True : Py_False);
}

static PyObject *Array_shares_storage(ArrayObject *self, PyObject *other)
{
  const lnp_view *o = lnp_py_view(other);
  if (!o) return NULL;
  return PyBool_FromLong(lnp_view_shares_storage(self->view, o));
}

/* Element strides of the view in its store (stores are C-ordered): what
 * NumPy's strides would be, in elements, for the same view of an array
 * laid out like the store (0 for broadcast dims and new axes). */
static PyObject *Array_get_elem_strides(ArrayObject *self, void *c)
{
  (void)c;
  const lnp_view *v = self->view;
  const lnp_store *s = v->store;
  int64_t cs[LNP_MAXDIM], acc = 1;
  for (int k = s->ndim - 1; k >= 0; k--) { cs[k] = acc; acc *= s->shape[k]; }
  PyObject *t = PyTuple_New(v->ndim);
  if (!t) return NULL;
  for (int d = 0; d < v->ndim; d++)
    PyTuple_SET_ITEM(t, d, PyLong_FromLongLong(v->sdim[d] >= 0 ? v->step[d] * cs[v->sdim[d]] : 0));
  return t;
}
static PyObject *Array_get_version(ArrayObject *self, void *c)
{
  (void)c;
  return PyLong_FromUnsignedLongLong((unsigned long long)lnp_view_version(self->view));
}
static PyObject *Array_get_readonly(ArrayObject *self, void *c) { (void)c; return PyBool_FromLong(self->view->readonly); }
static int Array_set_readonly(ArrayObject *self, PyObject *value, void *c)
{
  (void)c;
  int ro = value ? PyObject_IsTrue(value) : -1;
  if (ro < 0) { if (!value) PyErr_SetString(PyExc_TypeError, "cannot delete readonly"); return -1; }
  self->view->readonly = ro;
  /* an owner's flag is what its views ask */
  if (!self->is_view && self->owner_flag) PyList_SetItem(self->owner_flag, 0, PyBool_FromLong(ro));
  return 0;
}
static PyObject *Array_get_owns_data(ArrayObject *self, void *c) { (void)c; return PyBool_FromLong(!self->is_view); }
/* the read-only flag of the array owning the data, None for an owner */
static PyObject *Array_get_owner_readonly(ArrayObject *self, void *c)
{
  (void)c;
  if (!self->is_view) Py_RETURN_NONE;
  PyObject *f = PyList_GET_ITEM(self->owner_flag, 0);
  Py_INCREF(f);
  return f;
}

/* a.shape = ... replaces a's Array by a reshaped view of it, which takes
 * the old one's place: NumPy's array stays the owner (or view) it was */
static PyObject *Array_take_place_of(ArrayObject *self, PyObject *other)
{
  if (!PyObject_TypeCheck(other, &ArrayType)) { PyErr_SetString(PyExc_TypeError, "expected an Array"); return NULL; }
  ArrayObject *o = (ArrayObject *)other;
  Py_XINCREF(o->owner_flag);
  Py_XSETREF(self->owner_flag, o->owner_flag);
  self->is_view = o->is_view;
  Py_RETURN_NONE;
}

static PyMethodDef Array_methods[] = {
  {"to_numpy", (PyCFunction)Array_to_numpy, METH_O, "Fill a C-contiguous numpy array with the values."},
  {"index", (PyCFunction)Array_index, METH_O, "Basic indexing with a normalised key tuple."},
  {"transpose", (PyCFunction)Array_transpose, METH_O, "Permuted view."},
  {"part", (PyCFunction)Array_part, METH_O, "part(0 real / 1 imaginary): a complex view's part, as a view"},
  {"view_dtype", (PyCFunction)Array_view_dtype, METH_O,
   "View of the same bytes as another dtype of the same itemsize (its number)."},
  {"broadcast_to", (PyCFunction)Array_broadcast_to, METH_O, "Broadcast view."},
  {"reshape", (PyCFunction)Array_reshape, METH_O, "Reshape: (array, is_view)."},
  {"shares_storage", (PyCFunction)Array_shares_storage, METH_O, "Same tiles underneath."},
  {"take_place_of", (PyCFunction)Array_take_place_of, METH_O, "Own the data (or not) as the given Array does."},
  {NULL, NULL, 0, NULL},
};

static PyGetSetDef Array_getset[] = {
  {"shape", (getter)Array_get_shape, NULL, NULL, NULL},
  {"ndim", (getter)Array_get_ndim, NULL, NULL, NULL},
  {"size", (getter)Array_get_size, NULL, NULL, NULL},
  {"dtype_num", (getter)Array_get_dtype, NULL, NULL, NULL},
  {"ntiles", (getter)Array_get_ntiles, NULL, NULL, NULL},
  {"tile_shape", (getter)Array_get_tile_shape, NULL, NULL, NULL},
  {"elem_strides", (getter)Array_get_elem_strides, NULL, "strides in elements, in the store's C order", NULL},
  {"version", (getter)Array_get_version, NULL, "changes whenever the values are written", NULL},
  {"readonly", (getter)Array_get_readonly, (setter)Array_set_readonly, "NumPy's WRITEABLE flag cleared", NULL},
  {"owns_data", (getter)Array_get_owns_data, NULL, "not a view of another Array's data", NULL},
  {"owner_readonly", (getter)Array_get_owner_readonly, NULL, "the owner's read-only flag (None: an owner)", NULL},
  {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject ArrayType = {
  PyVarObject_HEAD_INIT(NULL, 0)
  .tp_name = "legate.numpy._core.Array",
  .tp_basicsize = sizeof(ArrayObject),
  .tp_dealloc = (destructor)Array_dealloc,
  .tp_flags = Py_TPFLAGS_DEFAULT,
  .tp_doc = "A deferred array: one view of a tiled StarPU store.",
  .tp_methods = Array_methods,
  .tp_getset = Array_getset,
};
