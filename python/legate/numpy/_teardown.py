"""legate.numpy in the interpreter's teardown.

After the atexit handlers Python empties ``sys.modules`` and sets
``sys.meta_path`` to None, then destroys what the program's globals held:
their ``__del__`` methods and ``weakref.finalize`` callbacks compute with
NumPy, whose functions are C or import at module level.  Ours import many
of their helpers inside functions (to break import cycles), and such an
import then fails ("sys.meta_path is None, Python is likely shutting
down").  Our modules therefore run with a private copy of the builtins
(``install``: a finder sets it as each module's ``__builtins__`` before its
code runs, so every function it defines looks builtins up there), whose
``__import__`` becomes, at exit (``at_exit``), one that finds the modules
in a snapshot of ``sys.modules`` once the import system is gone.  Until
then it is Python's own, so imports keep their C fast path.  The runtime
itself stops after the teardown (runtime.c: lnp_runtime_finish from
Py_AtExit)."""

import builtins
import importlib.machinery
import sys

BUILTINS = dict(builtins.__dict__)
_import = builtins.__import__
_snapshot = {}


def _import_in_teardown(name, globals=None, locals=None, fromlist=(), level=0):
    try:
        return _import(name, globals, locals, fromlist, level)
    except ImportError:
        if not _snapshot:
            raise
    full = name
    if level:
        package = globals.get("__package__") or globals["__name__"].rpartition(".")[0]
        base = package.rsplit(".", level - 1)[0] if level > 1 else package
        full = base + "." + name if name else base
    module = _snapshot.get(full)
    if module is None:
        raise ImportError("%s: the interpreter is shutting down and it was never imported" % full)
    if fromlist or level:
        return module
    return _snapshot[full.partition(".")[0]]


class _PrivateBuiltinsFinder:
    """Gives the package's source modules BUILTINS before their code runs."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if not name.startswith(__package__ + "."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        loader = spec.loader if spec is not None else None
        if not isinstance(loader, importlib.machinery.SourceFileLoader):
            return spec
        exec_module = loader.exec_module

        def exec_with_private_builtins(module):
            module.__dict__["__builtins__"] = BUILTINS
            exec_module(module)

        loader.exec_module = exec_with_private_builtins
        return spec


def install(package_globals):
    """Before the package imports its modules; `package_globals` (the
    package's own) gets BUILTINS for the functions defined after this."""
    if not any(isinstance(f, _PrivateBuiltinsFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _PrivateBuiltinsFinder())
    package_globals["__builtins__"] = BUILTINS


def at_exit():
    """From the runtime's atexit handler: imports in the teardown find the
    modules loaded by then that ours import: the package, NumPy and the
    standard library.  Not the program's own: the snapshot would keep them,
    and what their globals hold, alive past the teardown."""
    stdlib = getattr(sys, "stdlib_module_names", ())
    for name, module in list(sys.modules.items()):
        top = name.partition(".")[0]
        if top in ("legate", "numpy") or top in stdlib:
            _snapshot[name] = module
    BUILTINS["__import__"] = _import_in_teardown
