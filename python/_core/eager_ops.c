/* The eager fast paths of ndarray's operators and indexing, in C.
 *
 * A small array (below the eager threshold) is a NumPy array inside our
 * ndarray (its `_np` slot), and an operator on it is NumPy's operator plus
 * a wrapper: the Python wrapper (a frame, attribute loads, type tests, a
 * new object) cost as much as NumPy's own add of 41 x 41 floats, so small
 * programs (the 41 x 41 channel flow: ~100 operators per step) ran at
 * two thirds of NumPy's speed.  An EagerOp is a method descriptor
 * (Py_TPFLAGS_METHOD_DESCRIPTOR: `a + b` calls it unbound through
 * vectorcall, no bound method, no frame) that takes the fast path itself
 * and hands every other case to the Python method it replaces (`slow`):
 * deferred operands, our arrays inside an index, results at or above the
 * eager threshold.
 *
 *  kind BINOP    self op other       npop(a, b) / npop(a, other)
 *       RBINOP   other op self       npop(other, a)
 *       GETITEM  self[key]           a[key], a view wrapped
 *       SETITEM  self[key] = value   a[key] = value (value's array)
 * A NumPy array result below the threshold becomes a new eager ndarray;
 * one at or above it goes through wrap_result (promoted to tiles), a
 * scalar is returned as it is, as the Python methods do. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

enum { EAGER_BINOP, EAGER_RBINOP, EAGER_GETITEM, EAGER_SETITEM };

/* the head of NumPy's PyArrayObject_fields (the same in NumPy 1.x and
 * 2.x): the element count without NumPy's headers */
typedef struct {
  PyObject_HEAD char *data;
  int nd;
  Py_ssize_t *dimensions;
} np_array_head;

static PyTypeObject *nd_type;    /* legate.numpy.ndarray */
static PyTypeObject *np_type;    /* numpy.ndarray */
static PyObject *wrap_result;    /* _array.wrap_result */
static Py_ssize_t off_np = -1, off_arr = -1, emax = 0;

#define SLOT(o, off) (*(PyObject **)((char *)(o) + (off)))

typedef struct {
  PyObject_HEAD vectorcallfunc vectorcall;
  int kind;
  PyObject *npop; /* NumPy's operator (operator.add, ...) */
  PyObject *slow; /* the Python method for everything else */
} EagerOp;

/* the NumPy array of an eager ndarray, borrowed, or NULL */
static PyObject *eager_of(PyObject *o)
{
  if (Py_TYPE(o) != nd_type) return NULL;
  PyObject *a = SLOT(o, off_np);
  return a && a != Py_None ? a : NULL;
}

static int key_has_ours(PyObject *key)
{
  if (Py_TYPE(key) == nd_type) return 1;
  if (PyTuple_CheckExact(key))
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(key); i++)
      if (Py_TYPE(PyTuple_GET_ITEM(key, i)) == nd_type) return 1;
  return 0;
}

/* a new eager ndarray holding the NumPy array r (a new reference taken) */
static PyObject *new_eager(PyObject *r)
{
  PyObject *o = nd_type->tp_alloc(nd_type, 0);
  if (!o) {
    Py_DECREF(r);
    return NULL;
  }
  SLOT(o, off_np) = r;
  Py_INCREF(Py_None);
  SLOT(o, off_arr) = Py_None;
  return o;
}

/* the result of an operator: below the threshold a new eager ndarray,
 * else wrap_result's (r: a new reference, taken) */
static PyObject *wrap(PyObject *r, int view)
{
  if (!r || Py_TYPE(r) != np_type) return r;
  if (!view) {
    const np_array_head *h = (const np_array_head *)r;
    Py_ssize_t n = 1;
    for (int d = 0; d < h->nd; d++) n *= h->dimensions[d];
    if (n >= emax) {
      PyObject *w = PyObject_CallOneArg(wrap_result, r);
      Py_DECREF(r);
      return w;
    }
  }
  return new_eager(r);
}

static PyObject *call2(PyObject *f, PyObject *x, PyObject *y)
{
  PyObject *args[2] = {x, y};
  return PyObject_Vectorcall(f, args, 2, NULL);
}

static PyObject *EagerOp_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
  EagerOp *op = (EagerOp *)self;
  const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  const Py_ssize_t want = op->kind == EAGER_SETITEM ? 3 : 2;
  if (nargs == want && !kwnames) {
    PyObject *a = eager_of(args[0]);
    if (a) switch (op->kind) {
      case EAGER_BINOP:
      case EAGER_RBINOP: {
        PyObject *other = args[1], *b = other;
        if (Py_TYPE(other) == nd_type && !(b = eager_of(other))) break;
        return wrap(op->kind == EAGER_BINOP ? call2(op->npop, a, b) : call2(op->npop, b, a), 0);
      }
      case EAGER_GETITEM:
        if (key_has_ours(args[1])) break;
        return wrap(PyObject_GetItem(a, args[1]), 1);
      case EAGER_SETITEM: {
        PyObject *value = args[2];
        if (key_has_ours(args[1])) break;
        if (Py_TYPE(value) == nd_type && !(value = eager_of(value))) break;
        if (PyObject_SetItem(a, args[1], value) < 0) return NULL;
        Py_RETURN_NONE;
      }
      }
  }
  return PyObject_Vectorcall(op->slow, args, nargsf, kwnames);
}

static PyObject *EagerOp_descr_get(PyObject *self, PyObject *obj, PyObject *type)
{
  (void)type;
  if (!obj || obj == Py_None) return Py_NewRef(self);
  return PyMethod_New(self, obj);
}

static int EagerOp_traverse(EagerOp *op, visitproc visit, void *arg)
{
  Py_VISIT(op->npop);
  Py_VISIT(op->slow);
  return 0;
}

static void EagerOp_dealloc(EagerOp *op)
{
  PyObject_GC_UnTrack(op);
  Py_XDECREF(op->npop);
  Py_XDECREF(op->slow);
  PyObject_GC_Del(op);
}

static PyObject *EagerOp_get_doc(EagerOp *op, void *closure)
{
  (void)closure;
  return PyObject_GetAttrString(op->slow, "__doc__");
}

static PyGetSetDef EagerOp_getset[] = {{"__doc__", (getter)EagerOp_get_doc, NULL, NULL, NULL}, {NULL}};

static PyTypeObject EagerOp_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "legate.numpy._core.EagerOp",
    .tp_basicsize = sizeof(EagerOp),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_vectorcall_offset = offsetof(EagerOp, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_descr_get = EagerOp_descr_get,
    .tp_traverse = (traverseproc)EagerOp_traverse,
    .tp_dealloc = (destructor)EagerOp_dealloc,
    .tp_getset = EagerOp_getset,
};

/* the offset of a slot of nd_type, from its member descriptor */
static Py_ssize_t slot_offset(PyTypeObject *t, const char *name)
{
  PyObject *d = PyDict_GetItemString(t->tp_dict, name);
  if (!d || !PyObject_TypeCheck(d, &PyMemberDescr_Type)) {
    PyErr_Format(PyExc_TypeError, "eager_setup: %s has no slot %s", t->tp_name, name);
    return -1;
  }
  return ((PyMemberDescrObject *)d)->d_member->offset;
}

/* eager_setup(ndarray, numpy.ndarray, wrap_result, eager_max) */
static PyObject *py_eager_setup(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *nd, *np, *wr;
  Py_ssize_t em;
  if (!PyArg_ParseTuple(args, "O!O!On", &PyType_Type, &nd, &PyType_Type, &np, &wr, &em)) return NULL;
  Py_ssize_t o1 = slot_offset((PyTypeObject *)nd, "_np"), o2 = o1 < 0 ? -1 : slot_offset((PyTypeObject *)nd, "_arr");
  if (o1 < 0 || o2 < 0) return NULL;
  if (PyType_Ready(&EagerOp_type) < 0) return NULL;
  Py_XSETREF(nd_type, (PyTypeObject *)Py_NewRef(nd));
  Py_XSETREF(np_type, (PyTypeObject *)Py_NewRef(np));
  Py_XSETREF(wrap_result, Py_NewRef(wr));
  off_np = o1;
  off_arr = o2;
  emax = em;
  Py_RETURN_NONE;
}

/* eager_op(kind, npop, slow) -> an EagerOp */
static PyObject *py_eager_op(PyObject *self, PyObject *args)
{
  (void)self;
  int kind;
  PyObject *npop, *slow;
  if (!PyArg_ParseTuple(args, "iOO", &kind, &npop, &slow)) return NULL;
  if (!nd_type || kind < EAGER_BINOP || kind > EAGER_SETITEM || !PyCallable_Check(slow)) {
    PyErr_SetString(PyExc_ValueError, "eager_op: call eager_setup first; kind 0-3; slow callable");
    return NULL;
  }
  EagerOp *op = PyObject_GC_New(EagerOp, &EagerOp_type);
  if (!op) return NULL;
  op->vectorcall = EagerOp_vectorcall;
  op->kind = kind;
  op->npop = Py_NewRef(npop);
  op->slow = Py_NewRef(slow);
  PyObject_GC_Track(op);
  return (PyObject *)op;
}

PyMethodDef lnp_py_eager_methods[] = {
    {"eager_setup", py_eager_setup, METH_VARARGS,
     "eager_setup(ndarray, numpy.ndarray, wrap_result, eager_max): the types and slots the eager operators use"},
    {"eager_op", py_eager_op, METH_VARARGS,
     "eager_op(kind, npop, slow) -> a method descriptor taking the eager fast path of a binary operator (0), a "
     "reflected one (1), __getitem__ (2) or __setitem__ (3) in C, and calling slow(...) otherwise"},
    {NULL, NULL, 0, NULL}};
