/* legate.numpy._core: the C extension behind legate.numpy (docs/core-api.md).
 * Runtime control, creation functions and operation entry points; every
 * call validates its arguments and turns lnp_status codes into NumPy's
 * exception classes. */
#include "core.h"
#include "../../numpy/collective.h"

static PyObject *py_init(PyObject *self, PyObject *args, PyObject *kw)
{
  (void)self;
  static char *kwlist[] = {"ncpus", "sched", "test_mode", "verbose", "tile_elems", NULL};
  int ncpus = -1, test_mode = 0, verbose = 0;
  long long tile_elems = 0;
  const char *sched = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|izppL", kwlist, &ncpus, &sched, &test_mode, &verbose, &tile_elems))
    return NULL;
  lnp_config cfg = {.ncpus = ncpus, .sched = sched, .test_mode = test_mode, .tile_elems = tile_elems, .verbose = verbose};
  lnp_status st = lnp_runtime_init(&cfg);
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

/* StarPU stops after the interpreter's module teardown (runtime.c): the
 * interpreter is gone, so nothing may call back into Python. */
static void finish_at_exit(void)
{
  lnp_set_blocking_hooks(NULL, NULL);
  lnp_set_garbage_collector(NULL);
  lnp_runtime_finish();
}

/* From the atexit handler, with the GIL held throughout (the engine releases
 * it at its waits: lnp_block_begin), so that no other thread can enter the
 * library once the wait ends.  A single process keeps the runtime for the
 * module teardown that follows; under MPI it stops here. */
static PyObject *py_shutdown(PyObject *self, PyObject *unused)
{
  (void)self; (void)unused;
  lnp_py_mark_shutdown_thread();
  lnp_runtime_quiesce();
  if (lnp_mpi_enabled()) lnp_runtime_finish();
  else {
    static int registered = 0;
    if (!registered && Py_AtExit(finish_at_exit) == 0) registered = 1;
    if (!registered) lnp_runtime_finish();
  }
  Py_RETURN_NONE;
}

static PyObject *py_wait(PyObject *self, PyObject *unused)
{
  (void)self; (void)unused;
  if (lnp_py_check_runtime()) return NULL;
  lnp_status st = lnp_runtime_wait();
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

static PyObject *py_config(PyObject *self, PyObject *unused)
{
  (void)self; (void)unused;
  char *desc = lnp_runtime_initialized() ? lnp_runtime_describe() : NULL;
  const int up = lnp_runtime_initialized();
  struct starpu_sched_policy *pol = up ? starpu_sched_ctx_get_sched_policy(0) : NULL;
  PyObject *d = Py_BuildValue("{s:i,s:i,s:i,s:s,s:i,s:L,s:i,s:i,s:i,s:s}",
                              "initialized", up,
                              "rank", lnp_mpi_rank(),
                              "nranks", lnp_mpi_size(),
                              "sched", pol && pol->policy_name ? pol->policy_name : "",
                              "test_mode", lnp_runtime_test_mode(),
                              "tile_elems", (long long)lnp_runtime_tile_elems(),
                              "ncpus", up ? (int)starpu_cpu_worker_get_count() : 0,
                              "ncuda", up ? (int)starpu_cuda_worker_get_count() : 0,
                              "gpu_only", up ? lnp_stats_gpu_only() : 0,
                              "description", desc ? desc : "");
  free(desc);
  return d;
}

/* Tasks of legate.numpy's codelets executed so far, per worker kind (waits
 * for the submitted ones first so that the counts are final). */
static PyObject *py_task_counts(PyObject *self, PyObject *unused)
{
  PyObject *waited = py_wait(self, unused);
  if (!waited) return NULL;
  Py_DECREF(waited);
  uint64_t cpu = 0, cuda = 0, batches = 0, batched = 0;
  lnp_stats_task_counts(&cpu, &cuda);
  uint64_t fgroups = 0, floops = 0, felided = 0;
  lnp_batch_counts(&batches, &batched);
  lnp_stats_fuse_counts(&fgroups, &floops, &felided);
  uint64_t reused = 0, pooled = 0;
  lnp_tile_pool_counts(&reused, &pooled);
  return Py_BuildValue("{s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K}", "cpu", (unsigned long long)cpu, "cuda",
                       (unsigned long long)cuda, "batches", (unsigned long long)batches, "batched",
                       (unsigned long long)batched, "fused_groups", (unsigned long long)fgroups, "fused_loops",
                       (unsigned long long)floops, "fused_elided", (unsigned long long)felided, "tiles_reused",
                       (unsigned long long)reused, "tiles_pooled", (unsigned long long)pooled, "parallel",
                       (unsigned long long)lnp_stats_parallel_tasks());
}

/* Bytes of tiles this process holds in host memory (StarPU allocations). */
static PyObject *py_memory_used(PyObject *self, PyObject *unused)
{
  (void)self; (void)unused;
  return PyLong_FromLongLong((long long)lnp_stats_host_bytes());
}

static int check_dtype(int dt)
{
  if (dt < 0 || dt >= LNP_NTYPES) { PyErr_Format(PyExc_TypeError, "invalid dtype number %d", dt); return -1; }
  return 0;
}

#define check_runtime lnp_py_check_runtime

static PyObject *new_array(int ndim, const int64_t *shape, int dt)
{
  lnp_store *s;
  lnp_status st = lnp_store_create(&s, ndim, shape, dt);
  if (st) return lnp_py_raise(st);
  lnp_view *v = lnp_view_new(s);
  lnp_store_release(s);
  return lnp_py_wrap(v);
}

static PyObject *py_empty(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *shape_obj;
  int dt;
  if (!PyArg_ParseTuple(args, "Oi", &shape_obj, &dt) || check_dtype(dt) || check_runtime()) return NULL;
  int64_t shape[LNP_MAXDIM];
  int n = lnp_py_shape(shape_obj, shape);
  if (n < 0) return NULL;
  return new_array(n, shape, dt);
}

/* file_write(a, path, offset): a's elements in C order into the existing
 * file at offset, a task per tile; file_read(shape, dtype, path, offset)
 * -> new array read from there (numpy/file_io.c) */
/* mpi_sum_int(v) -> v summed over the MPI ranks (a collective call: every
 * rank makes it; without MPI, v) */
static PyObject *py_mpi_sum_int(PyObject *self, PyObject *args)
{
  (void)self;
  long long v;
  if (!PyArg_ParseTuple(args, "L", &v) || check_runtime()) return NULL;
  int64_t x = (int64_t)v;
  lnp_status st = lnp_mpi_sum_i64(&x, 1); /* releases the GIL while it waits */
  if (st) return lnp_py_raise(st);
  return PyLong_FromLongLong((long long)x);
}

static PyObject *py_h5_available(PyObject *self, PyObject *unused)
{
  (void)self, (void)unused;
  return PyBool_FromLong(lnp_h5_available());
}

/* h5_info(path, name) -> (shape, dtype or -1, contiguous, itemsize, offset) */
static PyObject *py_h5_info(PyObject *self, PyObject *args)
{
  (void)self;
  const char *path, *name;
  if (!PyArg_ParseTuple(args, "ss", &path, &name)) return NULL;
  lnp_h5_dataset info;
  lnp_status st = lnp_h5_info(path, name, &info);
  if (st) return lnp_py_raise(st);
  PyObject *shape = PyTuple_New(info.ndim);
  if (!shape) return NULL;
  for (int k = 0; k < info.ndim; k++) PyTuple_SET_ITEM(shape, k, PyLong_FromLongLong((long long)info.shape[k]));
  return Py_BuildValue("(NiiLL)", shape, info.dtype, info.contiguous, (long long)info.itemsize,
                       (long long)info.offset);
}

/* h5_create(path, name, truncate, shape, dtype) -> the new contiguous
 * dataset's data offset in the file (-1 when empty) */
static PyObject *py_h5_create(PyObject *self, PyObject *args)
{
  (void)self;
  const char *path, *name;
  int truncate, dt;
  PyObject *shape_obj;
  if (!PyArg_ParseTuple(args, "sspOi", &path, &name, &truncate, &shape_obj, &dt) || check_dtype(dt)) return NULL;
  int64_t shape[LNP_MAXDIM], off;
  int n = lnp_py_shape(shape_obj, shape);
  if (n < 0) return NULL;
  lnp_status st = lnp_h5_create(path, name, truncate, n, shape, dt, &off);
  if (st) return lnp_py_raise(st);
  return PyLong_FromLongLong((long long)off);
}

/* h5_read_host(path, name, dtype, buffer): the whole dataset into a
 * writable C-contiguous buffer of its size */
static PyObject *py_h5_read_host(PyObject *self, PyObject *args)
{
  (void)self;
  const char *path, *name;
  int dt;
  Py_buffer buf;
  if (!PyArg_ParseTuple(args, "ssiw*", &path, &name, &dt, &buf)) return NULL;
  lnp_status st = lnp_h5_read_host(path, name, dt, buf.buf);
  PyBuffer_Release(&buf);
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

/* h5_write_host(path, name, truncate, shape, dtype, chunks, gzip, shuffle,
 * fletcher32, buffer): a new chunked, filtered dataset written whole from
 * a C-contiguous buffer of its size */
static PyObject *py_h5_write_host(PyObject *self, PyObject *args)
{
  (void)self;
  const char *path, *name;
  int truncate, dt, gzip, shuffle, fletcher32;
  PyObject *shape_obj, *chunks_obj;
  Py_buffer buf;
  if (!PyArg_ParseTuple(args, "sspOiOippy*", &path, &name, &truncate, &shape_obj, &dt, &chunks_obj, &gzip, &shuffle,
                        &fletcher32, &buf))
    return NULL;
  int64_t shape[LNP_MAXDIM], chunks[LNP_MAXDIM];
  int n = check_dtype(dt) ? -1 : lnp_py_shape(shape_obj, shape);
  int nc = n < 0 ? -1 : lnp_py_shape(chunks_obj, chunks);
  if (nc >= 0 && nc != n) {
    PyErr_SetString(PyExc_ValueError, "chunk shape must have the dataset's rank");
    nc = -1;
  }
  lnp_status st = LNP_OK;
  /* the GIL held: HDF5 (not thread-safe as Debian builds it) from one thread at a time */
  if (nc >= 0) st = lnp_h5_write_host(path, name, truncate, n, shape, dt, chunks, gzip, shuffle, fletcher32, buf.buf);
  PyBuffer_Release(&buf);
  if (nc < 0) return NULL;
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

static PyObject *py_file_write(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *a;
  const char *path;
  long long offset;
  if (!PyArg_ParseTuple(args, "OsL", &a, &path, &offset) || check_runtime()) return NULL;
  const lnp_view *av = lnp_py_view(a);
  if (!av) return NULL;
  lnp_status st = lnp_file_write(av, path, (int64_t)offset);
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

/* the chunk extents (as many as the array's dims) and one element's fill
 * bytes of a chunks_* call */
static int chunk_args(PyObject *chunks_obj, int ndim, int64_t *chunk, Py_buffer *fill, int dt)
{
  int64_t c[LNP_MAXDIM];
  int n = lnp_py_shape(chunks_obj, c);
  if (n < 0) return -1;
  if (n != ndim) {
    PyErr_Format(PyExc_ValueError, "%d chunk extents for an array of %d dimensions", n, ndim);
    return -1;
  }
  memcpy(chunk, c, sizeof(int64_t) * (size_t)(n ? n : 1));
  if ((size_t)fill->len != lnp_dtype_size(dt)) {
    PyErr_SetString(PyExc_ValueError, "the fill value must be one element's bytes");
    return -1;
  }
  return 0;
}

static PyObject *py_chunks_write(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *a, *chunks_obj;
  const char *dir;
  int codec, level;
  Py_buffer fill;
  if (!PyArg_ParseTuple(args, "OsOiiy*", &a, &dir, &chunks_obj, &codec, &level, &fill)) return NULL;
  PyObject *res = NULL;
  const lnp_view *av = check_runtime() ? NULL : lnp_py_view(a);
  int64_t chunk[LNP_MAXDIM];
  if (av && !chunk_args(chunks_obj, av->ndim, chunk, &fill, av->store->dtype)) {
    lnp_status st = lnp_chunks_write(av, dir, chunk, codec, level, fill.buf);
    if (st) lnp_py_raise(st);
    else res = Py_NewRef(Py_None);
  }
  PyBuffer_Release(&fill);
  return res;
}

static PyObject *py_chunks_read(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *shape_obj, *chunks_obj;
  int dt, codec;
  const char *dir;
  Py_buffer fill;
  if (!PyArg_ParseTuple(args, "OisOiy*", &shape_obj, &dt, &dir, &chunks_obj, &codec, &fill)) return NULL;
  PyObject *res = NULL;
  int64_t shape[LNP_MAXDIM], chunk[LNP_MAXDIM];
  int n = check_dtype(dt) || check_runtime() ? -1 : lnp_py_shape(shape_obj, shape);
  if (n >= 0 && !chunk_args(chunks_obj, n, chunk, &fill, dt)) {
    lnp_view *v;
    lnp_status st = lnp_chunks_read(&v, n, shape, dt, dir, chunk, codec, fill.buf);
    res = st ? lnp_py_raise(st) : lnp_py_wrap(v);
  }
  PyBuffer_Release(&fill);
  return res;
}

static PyObject *py_file_bytes(PyObject *self, PyObject *unused)
{
  (void)self;
  (void)unused;
  return PyLong_FromUnsignedLongLong((unsigned long long)lnp_file_bytes());
}

static PyObject *py_file_read(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *shape_obj;
  int dt;
  const char *path;
  long long offset;
  if (!PyArg_ParseTuple(args, "OisL", &shape_obj, &dt, &path, &offset) || check_dtype(dt) || check_runtime())
    return NULL;
  int64_t shape[LNP_MAXDIM];
  int n = lnp_py_shape(shape_obj, shape);
  if (n < 0) return NULL;
  lnp_view *v;
  lnp_status st = lnp_file_read(&v, n, shape, dt, path, (int64_t)offset);
  if (st) return lnp_py_raise(st);
  return lnp_py_wrap(v);
}

static PyObject *py_full(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *shape_obj, *val;
  int dt;
  if (!PyArg_ParseTuple(args, "OiO", &shape_obj, &dt, &val) || check_dtype(dt) || check_runtime()) return NULL;
  int64_t shape[LNP_MAXDIM];
  int n = lnp_py_shape(shape_obj, shape);
  if (n < 0) return NULL;
  lnp_operand sc;
  if (lnp_py_scalar(val, &sc)) return NULL;
  PyObject *arr = new_array(n, shape, dt);
  if (!arr) return NULL;
  lnp_status st = lnp_fill(((ArrayObject *)arr)->view, sc.dtype, sc.value);
  if (st) { Py_DECREF(arr); return lnp_py_raise(st); }
  return arr;
}

static PyObject *py_from_numpy(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *obj;
  int dt;
  if (!PyArg_ParseTuple(args, "Oi", &obj, &dt) || check_dtype(dt) || check_runtime()) return NULL;
  Py_buffer b;
  if (PyObject_GetBuffer(obj, &b, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
  if (lnp_py_buffer_dtype(&b) != dt) {
    PyBuffer_Release(&b);
    PyErr_SetString(PyExc_TypeError, "from_numpy: buffer dtype does not match");
    return NULL;
  }
  int64_t shape[LNP_MAXDIM];
  if (b.ndim > LNP_MAXDIM) { PyBuffer_Release(&b); PyErr_SetString(PyExc_ValueError, "too many dimensions"); return NULL; }
  for (int d = 0; d < b.ndim; d++) shape[d] = b.shape[d];
  PyObject *arr = new_array(b.ndim, shape, dt);
  if (!arr) { PyBuffer_Release(&b); return NULL; }
  lnp_status st = lnp_view_from_host(((ArrayObject *)arr)->view, b.buf);
  PyBuffer_Release(&b);
  if (st) { Py_DECREF(arr); return lnp_py_raise(st); }
  return arr;
}

/* the generators' ops, found in the catalogue once (module init) */
static int op_arange = -1, op_eye = -1;

static PyObject *py_arange(PyObject *self, PyObject *args)
{
  (void)self;
  long long n;
  int dt;
  PyObject *start, *step;
  if (!PyArg_ParseTuple(args, "LiOO", &n, &dt, &start, &step) || check_dtype(dt) || check_runtime()) return NULL;
  lnp_operand a, s;
  if (lnp_py_scalar(start, &a) || lnp_py_scalar(step, &s)) return NULL;
  if (a.dtype != dt || s.dtype != dt) { PyErr_SetString(PyExc_TypeError, "arange: start/step must have the array dtype"); return NULL; }
  int64_t shape[1] = {n};
  PyObject *arr = new_array(1, shape, dt);
  if (!arr) return NULL;
  int64_t mult[1] = {1};
  lnp_scalar sc[2] = {a.value, s.value};
  lnp_status st = lnp_generate(op_arange, ((ArrayObject *)arr)->view, mult, 2, sc);
  if (st) { Py_DECREF(arr); return lnp_py_raise(st); }
  return arr;
}

static PyObject *py_eye(PyObject *self, PyObject *args)
{
  (void)self;
  long long n, m, k;
  int dt;
  if (!PyArg_ParseTuple(args, "LLLi", &n, &m, &k, &dt) || check_dtype(dt) || check_runtime()) return NULL;
  int64_t shape[2] = {n, m};
  PyObject *arr = new_array(2, shape, dt);
  if (!arr) return NULL;
  int64_t mult[2] = {-1, 1};
  lnp_scalar sc[1];
  sc[0].i64 = k;
  lnp_status st = lnp_generate(op_eye, ((ArrayObject *)arr)->view, mult, 1, sc);
  if (st) { Py_DECREF(arr); return lnp_py_raise(st); }
  return arr;
}

/* A generator's scalars from Python: a buffer of LNP_GENERATOR_SCALARS scalars */
static int parse_scalars(PyObject *obj, lnp_scalar *sc)
{
  Py_buffer b;
  if (PyObject_GetBuffer(obj, &b, PyBUF_SIMPLE) < 0) return -1;
  const int ok = b.len == (Py_ssize_t)(sizeof(lnp_scalar) * LNP_GENERATOR_SCALARS);
  if (ok) memcpy(sc, b.buf, (size_t)b.len);
  PyBuffer_Release(&b);
  if (!ok) { PyErr_SetString(PyExc_ValueError, "generator scalars: 64 bytes expected"); return -1; }
  return 0;
}

static int check_generator(int op)
{
  lnp_op_row r;
  if (lnp_op_describe(op, &r) || r.kind != 'G') { PyErr_Format(PyExc_ValueError, "op %d is not a generator", op); return -1; }
  return 0;
}

static PyObject *py_generate(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *shape_obj, *sc_obj;
  int op, dt;
  if (!PyArg_ParseTuple(args, "iOiO", &op, &shape_obj, &dt, &sc_obj) || check_dtype(dt) || check_generator(op) ||
      check_runtime())
    return NULL;
  lnp_scalar sc[LNP_GENERATOR_SCALARS];
  if (parse_scalars(sc_obj, sc)) return NULL;
  int64_t shape[LNP_MAXDIM], mult[LNP_MAXDIM];
  int n = lnp_py_shape(shape_obj, shape);
  if (n < 0) return NULL;
  int64_t m = 1; /* the element's index in C order */
  for (int d = n - 1; d >= 0; d--) { mult[d] = m; m *= shape[d]; }
  PyObject *arr = new_array(n, shape, dt);
  if (!arr) return NULL;
  lnp_status st = lnp_generate(op, ((ArrayObject *)arr)->view, mult, LNP_GENERATOR_SCALARS, sc);
  if (st) { Py_DECREF(arr); return lnp_py_raise(st); }
  return arr;
}

static PyObject *py_generate_host(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *out_obj, *sc_obj;
  int op, dt;
  if (!PyArg_ParseTuple(args, "iOiO", &op, &out_obj, &dt, &sc_obj) || check_dtype(dt) || check_generator(op))
    return NULL;
  lnp_scalar sc[LNP_GENERATOR_SCALARS];
  if (parse_scalars(sc_obj, sc)) return NULL;
  Py_buffer b;
  if (PyObject_GetBuffer(out_obj, &b, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) return NULL;
  const size_t isz = lnp_dtype_size(dt);
  lnp_status st = LNP_OK;
  if (b.len % (Py_ssize_t)isz) {
    PyBuffer_Release(&b);
    PyErr_SetString(PyExc_ValueError, "generate_host: the buffer is not a whole number of elements");
    return NULL;
  }
  st = lnp_generate_host(op, dt, (int64_t)(b.len / (Py_ssize_t)isz), b.buf, LNP_GENERATOR_SCALARS, sc);
  PyBuffer_Release(&b);
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

static int parse_operand(PyObject *obj, lnp_operand *op)
{
  if (PyObject_TypeCheck(obj, &ArrayType)) {
    op->view = ((ArrayObject *)obj)->view;
    op->dtype = op->view->store->dtype;
    return 0;
  }
  return lnp_py_scalar(obj, op);
}

static PyObject *py_ewise(PyObject *self, PyObject *args)
{
  (void)self;
  int op, din, dout;
  PyObject *out, *ins;
  if (!PyArg_ParseTuple(args, "iOOii", &op, &out, &ins, &din, &dout)) return NULL;
  if (check_dtype(din) || check_dtype(dout) || check_runtime()) return NULL;
  const lnp_view *ov = lnp_py_view(out);
  if (!ov) return NULL;
  PyObject *seq = PySequence_Fast(ins, "inputs must be a sequence");
  if (!seq) return NULL;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  if (n > 3) { Py_DECREF(seq); PyErr_SetString(PyExc_ValueError, "too many inputs"); return NULL; }
  lnp_operand ops[3];
  for (Py_ssize_t i = 0; i < n; i++)
    if (parse_operand(PySequence_Fast_GET_ITEM(seq, i), &ops[i])) { Py_DECREF(seq); return NULL; }
  lnp_status st = lnp_ewise(op, ov, (int)n, ops, din, dout);
  Py_DECREF(seq);
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

static PyObject *py_copy(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *out, *src;
  if (!PyArg_ParseTuple(args, "OO", &out, &src) || check_runtime()) return NULL;
  const lnp_view *ov = lnp_py_view(out);
  if (!ov) return NULL;
  /* copy() is the assignment of setitem, fill, copyto: NumPy's message */
  if (ov->readonly) { PyErr_SetString(PyExc_ValueError, "assignment destination is read-only"); return NULL; }
  lnp_operand op;
  if (parse_operand(src, &op)) return NULL;
  lnp_status st = lnp_copy(ov, &op);
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

static PyObject *py_reduce(PyObject *self, PyObject *args)
{
  (void)self;
  int op, dt;
  PyObject *out, *src, *axes_obj;
  if (!PyArg_ParseTuple(args, "iOOOi", &op, &out, &src, &axes_obj, &dt) || check_dtype(dt) || check_runtime()) return NULL;
  const lnp_view *ov = lnp_py_view(out), *sv = ov ? lnp_py_view(src) : NULL;
  if (!sv) return NULL;
  int64_t ax[LNP_MAXDIM];
  int n = lnp_py_shape(axes_obj, ax);
  if (n < 0) return NULL;
  int axes[LNP_MAXDIM];
  for (int i = 0; i < n; i++) axes[i] = (int)ax[i];
  lnp_status st = lnp_reduce(op, ov, sv, n, axes, dt);
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

static PyObject *py_argreduce(PyObject *self, PyObject *args)
{
  (void)self;
  int op;
  PyObject *out, *src, *axis_obj;
  if (!PyArg_ParseTuple(args, "iOOO", &op, &out, &src, &axis_obj) || check_runtime()) return NULL;
  const lnp_view *ov = lnp_py_view(out), *sv = ov ? lnp_py_view(src) : NULL;
  if (!sv) return NULL;
  int axis = -1;
  if (axis_obj != Py_None) {
    axis = (int)PyLong_AsLong(axis_obj);
    if (axis == -1 && PyErr_Occurred()) return NULL;
    if (axis < 0) { PyErr_SetString(PyExc_ValueError, "axis must be normalised"); return NULL; }
  }
  lnp_status st = lnp_argreduce(op, ov, sv, axis);
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

static PyObject *py_scan(PyObject *self, PyObject *args)
{
  (void)self;
  int op, axis, dt;
  PyObject *src;
  if (!PyArg_ParseTuple(args, "iOii", &op, &src, &axis, &dt) || check_dtype(dt) || check_runtime()) return NULL;
  const lnp_view *sv = lnp_py_view(src);
  if (!sv) return NULL;
  lnp_view *res;
  lnp_status st = lnp_scan(op, sv, axis, dt, &res);
  if (st) return lnp_py_raise(st);
  return lnp_py_wrap(res);
}

static PyObject *py_bincount(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *x, *w;
  long long nbins;
  if (!PyArg_ParseTuple(args, "OOL", &x, &w, &nbins) || check_runtime()) return NULL;
  const lnp_view *xv = lnp_py_view(x), *wv = NULL;
  if (!xv) return NULL;
  if (w != Py_None && !(wv = lnp_py_view(w))) return NULL;
  lnp_view *res;
  lnp_status st = lnp_bincount(xv, wv, (int64_t)nbins, &res);
  if (st) return lnp_py_raise(st);
  return lnp_py_wrap(res);
}

static PyObject *py_sort(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *a;
  int axis, arg;
  if (!PyArg_ParseTuple(args, "Oip", &a, &axis, &arg) || check_runtime()) return NULL;
  const lnp_view *av = lnp_py_view(a);
  if (!av) return NULL;
  lnp_view *res;
  lnp_status st = lnp_sort(av, axis, arg, &res);
  if (st) return lnp_py_raise(st);
  return lnp_py_wrap(res);
}

static PyObject *py_searchsorted(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *a, *v;
  int right;
  if (!PyArg_ParseTuple(args, "OOp", &a, &v, &right) || check_runtime()) return NULL;
  const lnp_view *av = lnp_py_view(a), *vv = av ? lnp_py_view(v) : NULL;
  if (!vv) return NULL;
  lnp_view *res;
  lnp_status st = lnp_searchsorted(av, vv, right, &res);
  if (st) return lnp_py_raise(st);
  return lnp_py_wrap(res);
}

static PyObject *py_linalg(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *a, *b;
  int op, dtype, flag;
  double rcond = 0.0;
  if (!PyArg_ParseTuple(args, "iiOOi|d", &op, &dtype, &a, &b, &flag, &rcond) || check_runtime()) return NULL;
  const lnp_view *av = lnp_py_view(a), *bv = NULL;
  if (!av) return NULL;
  if (b != Py_None && !(bv = lnp_py_view(b))) return NULL;
  lnp_view *outs[5];
  int n = 0;
  lnp_status st = lnp_linalg(op, dtype, av, bv, flag, rcond, outs, &n);
  if (st) return lnp_py_raise(st);
  PyObject *t = PyTuple_New(n);
  for (int i = 0; t && i < n; i++) {
    PyObject *o = lnp_py_wrap(outs[i]);
    if (!o) {
      for (int j = i + 1; j < n; j++) lnp_view_free(outs[j]);
      Py_DECREF(t);
      return NULL;
    }
    PyTuple_SET_ITEM(t, i, o);
  }
  return t;
}

static PyObject *py_cholesky_tiled(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *a;
  int dtype;
  long long nb;
  if (!PyArg_ParseTuple(args, "OiL", &a, &dtype, &nb) || check_runtime()) return NULL;
  const lnp_view *av = lnp_py_view(a);
  if (!av) return NULL;
  lnp_view *L = NULL, *info = NULL;
  lnp_status st = lnp_cholesky_tiled(av, dtype, (int64_t)nb, &L, &info);
  if (st) return lnp_py_raise(st);
  PyObject *l = lnp_py_wrap(L);
  if (!l) {
    lnp_view_free(info);
    return NULL;
  }
  PyObject *i = lnp_py_wrap(info);
  if (!i) {
    Py_DECREF(l);
    return NULL;
  }
  return Py_BuildValue("(NN)", l, i);
}

static PyObject *py_lu_tiled(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *a, *b;
  int dtype;
  long long nb;
  if (!PyArg_ParseTuple(args, "OOiL", &a, &b, &dtype, &nb) || check_runtime()) return NULL;
  const lnp_view *av = lnp_py_view(a), *bv = b == Py_None ? NULL : lnp_py_view(b);
  if (!av || (b != Py_None && !bv)) return NULL;
  lnp_view *outs[4] = {NULL, NULL, NULL, NULL};
  lnp_status st = lnp_lu_tiled(av, bv, dtype, (int64_t)nb, &outs[0], &outs[1], &outs[2], &outs[3]);
  if (st) return lnp_py_raise(st);
  PyObject *t = PyTuple_New(4);
  for (int i = 0; t && i < 4; i++) {
    PyObject *o = outs[i] ? lnp_py_wrap(outs[i]) : (Py_INCREF(Py_None), Py_None);
    outs[i] = NULL;
    if (!o) {
      for (int j = i + 1; j < 4; j++) lnp_view_free(outs[j]);
      Py_DECREF(t);
      return NULL;
    }
    PyTuple_SET_ITEM(t, i, o);
  }
  return t;
}

static PyObject *py_qr_solve_tiled(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *a, *b;
  int dtype;
  long long nb, ib;
  if (!PyArg_ParseTuple(args, "OOiLL", &a, &b, &dtype, &nb, &ib) || check_runtime()) return NULL;
  const lnp_view *av = lnp_py_view(a), *bv = lnp_py_view(b);
  if (!av || !bv) return NULL;
  lnp_view *r = NULL, *x = NULL;
  lnp_status st = lnp_qr_solve_tiled(av, bv, dtype, (int64_t)nb, (int64_t)ib, &r, &x);
  if (st) return lnp_py_raise(st);
  PyObject *ro = lnp_py_wrap(r);
  if (!ro) {
    lnp_view_free(x);
    return NULL;
  }
  PyObject *xo = lnp_py_wrap(x);
  if (!xo) {
    Py_DECREF(ro);
    return NULL;
  }
  return Py_BuildValue("(NN)", ro, xo);
}

static PyObject *py_fft(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *a;
  int axis, kind, cdtype;
  long long n;
  double fct;
  if (!PyArg_ParseTuple(args, "OiiLid", &a, &axis, &kind, &n, &cdtype, &fct) || check_runtime()) return NULL;
  const lnp_view *av = lnp_py_view(a);
  if (!av) return NULL;
  lnp_view *res;
  lnp_status st = lnp_fft(av, axis, kind, (int64_t)n, cdtype, fct, &res);
  if (st) return lnp_py_raise(st);
  return lnp_py_wrap(res);
}

static PyObject *py_fft_available(PyObject *self, PyObject *args)
{
  (void)self, (void)args;
  if (check_runtime()) return NULL;
  return PyBool_FromLong(lnp_fft_available());
}

static PyObject *py_scan_supported(PyObject *self, PyObject *args)
{
  (void)self;
  int op, dt;
  if (!PyArg_ParseTuple(args, "ii", &op, &dt)) return NULL;
  return PyBool_FromLong(lnp_scan_op_supported(op, dt));
}

static PyObject *py_gather(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *src, *off;
  long long R;
  int checked = 0;
  if (!PyArg_ParseTuple(args, "OOL|p", &src, &off, &R, &checked) || check_runtime()) return NULL;
  const lnp_view *sv = lnp_py_view(src), *ov = sv ? lnp_py_view(off) : NULL;
  if (!ov) return NULL;
  lnp_view *res;
  int64_t bad[2];
  lnp_status st = lnp_gather(sv, ov, (int64_t)R, &res, checked ? bad : NULL);
  if (st) return lnp_py_raise(st);
  if (!checked) return lnp_py_wrap(res);
  if (bad[0]) {
    lnp_view_free(res);
    return Py_BuildValue("OLL", Py_None, (long long)bad[0], (long long)bad[1]);
  }
  PyObject *r = lnp_py_wrap(res);
  return r ? Py_BuildValue("NLL", r, 0LL, 0LL) : NULL;
}

static PyObject *py_scatter(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *dst, *off, *vals;
  if (!PyArg_ParseTuple(args, "OOO", &dst, &off, &vals) || check_runtime()) return NULL;
  const lnp_view *dv = lnp_py_view(dst), *ov = dv ? lnp_py_view(off) : NULL, *vv = ov ? lnp_py_view(vals) : NULL;
  if (!vv) return NULL;
  if (dv->readonly) { PyErr_SetString(PyExc_ValueError, "assignment destination is read-only"); return NULL; }
  lnp_status st = lnp_scatter(dv, ov, vv);
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

static PyObject *py_compact(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *src, *mask, *shape_obj;
  long long R;
  if (!PyArg_ParseTuple(args, "OOLO", &src, &mask, &R, &shape_obj) || check_runtime()) return NULL;
  const lnp_view *mv = lnp_py_view(mask), *sv = NULL;
  if (!mv) return NULL;
  if (src != Py_None && !(sv = lnp_py_view(src))) return NULL;
  int64_t shape[LNP_MAXDIM];
  int nd = 0;
  if (shape_obj != Py_None && (nd = lnp_py_shape(shape_obj, shape)) < 0) return NULL;
  lnp_view *res;
  lnp_status st = lnp_compact(sv, mv, (int64_t)R, nd, shape, &res);
  if (st) return lnp_py_raise(st);
  return lnp_py_wrap(res);
}

static PyObject *py_matmul(PyObject *self, PyObject *args)
{
  (void)self;
  PyObject *out, *a, *b;
  if (!PyArg_ParseTuple(args, "OOO", &out, &a, &b) || check_runtime()) return NULL;
  const lnp_view *ov = lnp_py_view(out), *av = ov ? lnp_py_view(a) : NULL, *bv = av ? lnp_py_view(b) : NULL;
  if (!bv) return NULL;
  lnp_status st = lnp_matmul(ov, av, bv);
  if (st) return lnp_py_raise(st);
  Py_RETURN_NONE;
}

/* Floating-point status (python/legate/numpy/_fpe.py): fp_tag(t) names the
 * slot the following launches of this thread report into (0: their op's
 * own); fp_take() -> ((slot, flags), ...) gathered since the last take. */
static PyObject *py_fp_tag(PyObject *self, PyObject *arg)
{
  (void)self;
  const long tag = PyLong_AsLong(arg);
  if (tag == -1 && PyErr_Occurred()) return NULL;
  if (tag != 0 && (tag < LNP_FP_TAG_BASE || tag >= LNP_FP_TAG_END)) {
    PyErr_SetString(PyExc_ValueError, "floating-point tag out of range");
    return NULL;
  }
  lnp_fp_set_tag((int)tag);
  Py_RETURN_NONE;
}

static PyObject *py_fp_take(PyObject *self, PyObject *args)
{
  (void)self;
  int all_ranks = 0;
  if (!PyArg_ParseTuple(args, "|p", &all_ranks)) return NULL;
  unsigned *flags = PyMem_Malloc(sizeof *flags * LNP_FP_TAG_END);
  if (!flags) return PyErr_NoMemory();
  /* all_ranks waits for the other ranks: the engine releases the GIL there
   * (lnp_block_begin) */
  const int any = lnp_fp_take(flags, LNP_FP_TAG_END, all_ranks);
  if (any <= 0) {
    PyMem_Free(flags);
    return any < 0 ? lnp_py_raise(LNP_ERUNTIME) : PyTuple_New(0);
  }
  PyObject *res = PyList_New(0);
  for (int i = 0; res && i < LNP_FP_TAG_END; i++) {
    if (!flags[i]) continue;
    PyObject *pair = Py_BuildValue("(iI)", i, flags[i]);
    if (!pair || PyList_Append(res, pair)) Py_CLEAR(res);
    Py_XDECREF(pair);
  }
  PyMem_Free(flags);
  if (!res) return NULL;
  PyObject *t = PyList_AsTuple(res);
  Py_DECREF(res);
  return t;
}

/* The op catalogue's rows the Python layer builds its ufunc objects from:
 * (OP name, NumPy ufunc name or None, nin, kind, ufunc.reduce native,
 * reduce native as an ordered fold). */
static PyObject *py_op_table(PyObject *self, PyObject *noargs)
{
  (void)self;
  (void)noargs;
  const int n = lnp_op_count();
  PyObject *rows = PyTuple_New(n);
  if (!rows) return NULL;
  for (int op = 0; op < n; op++) {
    lnp_op_row r;
    lnp_op_describe(op, &r);
    PyObject *row = Py_BuildValue("(sziCOO)", r.upper, r.ufunc, r.nin, (int)r.kind, r.ureduce ? Py_True : Py_False,
                                  r.ordered ? Py_True : Py_False);
    if (!row) {
      Py_DECREF(rows);
      return NULL;
    }
    PyTuple_SET_ITEM(rows, op, row);
  }
  return rows;
}

static PyMethodDef module_methods[] = {
  {"op_table", py_op_table, METH_NOARGS, "The op catalogue: (OP, ufunc, nin, kind, reducible, ordered reduce) per op."},
  {"init", (PyCFunction)(void (*)(void))py_init, METH_VARARGS | METH_KEYWORDS, "Start the runtime."},
  {"shutdown", py_shutdown, METH_NOARGS, "Wait for all tasks and stop the runtime."},
  {"wait", py_wait, METH_NOARGS, "Wait for all submitted tasks."},
  {"config", py_config, METH_NOARGS, "Runtime configuration."},
  {"memory_used", py_memory_used, METH_NOARGS, "Bytes of tiles held in this process's host memory."},
  {"task_counts", py_task_counts, METH_NOARGS,
   "Loops executed so far per worker kind, and batches submitted with the loops they held: "
   "{'cpu': n, 'cuda': n, 'batches': n, 'batched': n, ...}; tiles_reused: tiles new stores took from "
   "the pool of released ones, tiles_pooled: tiles in it now."},
  {"empty", py_empty, METH_VARARGS, "empty(shape, dtype_num)"},
  {"full", py_full, METH_VARARGS, "full(shape, dtype_num, value0d)"},
  {"from_numpy", py_from_numpy, METH_VARARGS, "from_numpy(c_contiguous_array, dtype_num)"},
  {"arange", py_arange, METH_VARARGS, "arange(n, dtype_num, start0d, step0d)"},
  {"eye", py_eye, METH_VARARGS, "eye(n, m, k, dtype_num)"},
  {"generate", py_generate, METH_VARARGS,
   "generate(op, shape, dtype_num, scalars64): a new array from generator op (element index: C order)"},
  {"generate_host", py_generate_host, METH_VARARGS,
   "generate_host(op, c_contiguous_buffer, dtype_num, scalars64): the same values written on the host"},
  {"ewise", py_ewise, METH_VARARGS, "ewise(op, out, inputs, dtype_in, dtype_out)"},
  {"copy", py_copy, METH_VARARGS, "copy(out, src)"},
  {"reduce", py_reduce, METH_VARARGS, "reduce(op, out, src, axes, dtype_num)"},
  {"argreduce", py_argreduce, METH_VARARGS, "argreduce(op, out, src, axis_or_None)"},
  {"scan", py_scan, METH_VARARGS, "scan(op, src, axis, dtype_num) -> new array: inclusive scan along axis"},
  {"scan_supported", py_scan_supported, METH_VARARGS, "scan_supported(op, dtype_num): op scans natively in dtype"},
  {"mpi_sum_int", py_mpi_sum_int, METH_VARARGS, "mpi_sum_int(v) -> v summed over the MPI ranks (collective; v without MPI)"},
  {"h5_available", py_h5_available, METH_NOARGS, "h5_available() -> whether legate.numpy was built with HDF5"},
  {"h5_info", py_h5_info, METH_VARARGS, "h5_info(path, name) -> (shape, dtype or -1, contiguous, itemsize, data offset or -1)"},
  {"h5_create", py_h5_create, METH_VARARGS, "h5_create(path, name, truncate, shape, dtype) -> data offset of the new contiguous dataset"},
  {"h5_read_host", py_h5_read_host, METH_VARARGS, "h5_read_host(path, name, dtype, buffer): the whole dataset into the buffer (HDF5's own read)"},
  {"h5_write_host", py_h5_write_host, METH_VARARGS, "h5_write_host(path, name, truncate, shape, dtype, chunks, gzip, shuffle, fletcher32, buffer): a new chunked, filtered dataset written whole by HDF5"},
  {"file_write", py_file_write, METH_VARARGS, "file_write(a, path, offset): a's elements in C order into the existing file at byte offset, a task per tile"},
  {"chunks_write", py_chunks_write, METH_VARARGS, "chunks_write(a, dir, chunks, codec, level, fill): a's elements into a file per chunk of dir (Zarr v2), a task per tile of chunks"},
  {"chunks_read", py_chunks_read, METH_VARARGS, "chunks_read(shape, dtype, dir, chunks, codec, fill) -> new array read from the chunk files of dir (missing ones: fill)"},
  {"file_bytes", py_file_bytes, METH_NOARGS, "file_bytes() -> bytes this process's file tasks have read or written so far"},
  {"file_read", py_file_read, METH_VARARGS, "file_read(shape, dtype, path, offset) -> new array read in C order from the file at byte offset, a task per tile"},
  {"bincount", py_bincount, METH_VARARGS, "bincount(x, weights_or_None, nbins) -> new array (int64 counts or float64 sums)"},
  {"sort", py_sort, METH_VARARGS, "sort(a, axis, argsort) -> new array: a sorted along axis in NumPy's order, stably, or (argsort) the int64 indices"},
  {"fft", py_fft, METH_VARARGS, "fft(a, axis, kind, n, complex dtype, fct) -> new array: 1-D FFTs along axis (codelets/fft.h)"},
  {"fft_available", py_fft_available, METH_NOARGS, "fft_available() -> whether FFTW or cuFFT serves the workers"},
  {"linalg", py_linalg, METH_VARARGS, "linalg(op, dtype, a, b or None, flag[, rcond]) -> tuple of new arrays: LAPACK on whole matrices (codelets/linalg.h)"},
  {"cholesky_tiled", py_cholesky_tiled, METH_VARARGS, "cholesky_tiled(a, dtype, nb) -> (L, info): the Cholesky factor of one matrix as a task graph over nb x nb tiles (numpy/cholesky.c)"},
  {"lu_tiled", py_lu_tiled, METH_VARARGS, "lu_tiled(a, b or None, dtype, nb) -> (lu, ipiv, info, x or None): LU with partial pivoting of one matrix (and the solution of a x = b) as a task graph over nb x nb tiles (numpy/lu.c)"},
  {"qr_solve_tiled", py_qr_solve_tiled, METH_VARARGS, "qr_solve_tiled(a, b, dtype, nb, ib) -> (r, x): least squares through the tiled QR of a (m >= n, full rank) over nb x nb tiles (numpy/qr.c)"},
  {"searchsorted", py_searchsorted, METH_VARARGS, "searchsorted(a, v, right) -> new int64 array of v's shape: insertion points of v in the sorted 1-D a (a's dtype)"},
  {"gather", py_gather, METH_VARARGS, "gather(src, off, R[, checked]) -> new (len(off), R) array: rows off[i] of R elements of src in C order; checked (R 1): negative offsets count from the end and (array or None, bad count, first bad row) is returned"},
  {"scatter", py_scatter, METH_VARARGS, "scatter(dst, off, vals): rows off[i] of R elements of dst (C order) = vals[i] (vals (len(off), R))"},
  {"compact", py_compact, METH_VARARGS, "compact(src_or_None, mask1d, R, shape_or_None) -> new (count, R) rows of src at the mask's nonzeros, or (count, len(shape)) int64 coordinates"},
  {"matmul", py_matmul, METH_VARARGS, "matmul(out, a, b)"},
  {"fp_tag", py_fp_tag, METH_O, "fp_tag(t): the slot this thread's next launches report their floating-point status into (0: their op's)."},
  {"fp_take", py_fp_take, METH_VARARGS,
   "fp_take(all_ranks=False) -> ((slot, flags), ...): floating-point status gathered since the last take "
   "(all_ranks: the union over the MPI ranks, a collective call)."},
  {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
  PyModuleDef_HEAD_INIT, "_core", "legate.numpy's C core (StarPU).", -1, module_methods,
  NULL, NULL, NULL, NULL,
};

/* numpy/store.c's garbage collector (lnp_store_tiles_shared), called from
 * core functions that may run with the GIL released.  gc.collect() rather
 * than PyGC_Collect(), which does nothing while the program has disabled
 * automatic collection. */
/* The engine's blocking waits (lnp_block_begin/end) release the GIL: the
 * GIL is the lock of the library's state, held everywhere else.  A thread
 * without it (none of ours today) releases nothing. */
static void *gil_release(void) { return PyGILState_Check() ? (void *)PyEval_SaveThread() : NULL; }
static void gil_reacquire(void *tstate)
{
  if (tstate) PyEval_RestoreThread((PyThreadState *)tstate);
}

static PyObject *gc_collect_fn;
static void collect_garbage(void)
{
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *r = PyObject_CallNoArgs(gc_collect_fn);
  if (r) Py_DECREF(r);
  else PyErr_WriteUnraisable(gc_collect_fn);
  PyGILState_Release(g);
}

PyMODINIT_FUNC PyInit__core(void)
{
  if (PyType_Ready(&ArrayType) < 0) return NULL;
  PyObject *m = PyModule_Create(&module_def);
  if (!m) return NULL;
  Py_INCREF(&ArrayType);
  PyModule_AddObject(m, "Array", (PyObject *)&ArrayType);
  if (PyModule_AddFunctions(m, lnp_py_profile_methods) < 0) return NULL;
  if (PyModule_AddFunctions(m, lnp_py_numpy_loop_methods) < 0) return NULL;
  if (PyModule_AddFunctions(m, lnp_py_eager_methods) < 0) return NULL;
  for (int dt = 0; dt < LNP_NTYPES; dt++) {
    char name[32] = "DT_";
    const char *src = lnp_dtype_name(dt);
    size_t i = 3;
    for (; *src && i < sizeof name - 1; src++) name[i++] = (char)(*src >= 'a' && *src <= 'z' ? *src - 32 : *src);
    name[i] = 0;
    PyModule_AddIntConstant(m, name, dt);
  }
  PyModule_AddIntConstant(m, "FP_TAG_BASE", LNP_FP_TAG_BASE);
  PyModule_AddIntConstant(m, "FP_TAG_END", LNP_FP_TAG_END);
  op_arange = lnp_op_find("arange");
  op_eye = lnp_op_find("eye");
  for (int op = 0; op < lnp_op_count(); op++) {
    lnp_op_row r;
    lnp_op_describe(op, &r);
    char name[48];
    snprintf(name, sizeof name, "OP_%s", r.upper);
    PyModule_AddIntConstant(m, name, op);
  }
  PyObject *gc = PyImport_ImportModule("gc");
  gc_collect_fn = gc ? PyObject_GetAttrString(gc, "collect") : NULL;
  Py_XDECREF(gc);
  if (!gc_collect_fn) return NULL;
  lnp_set_garbage_collector(collect_garbage);
  lnp_set_blocking_hooks(gil_release, gil_reacquire);
  return m;
}
