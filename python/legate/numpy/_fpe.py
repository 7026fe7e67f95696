"""NumPy's floating-point errors on deferred arrays: divide by zero,
overflow, underflow and invalid give the RuntimeWarning, FloatingPointError,
callback, print or log that ``np.errstate`` / ``np.seterr`` ask for.

Tasks cannot warn: the host loops gather their floating-point status per
*slot* (codelets/loop.h) and this module takes it when Python next
synchronises (a host read, ``synchronize()``, exit).  Each call that launches
deferred work first names its slot with :func:`begin`: the slot stands for
(the name NumPy's message gives, the errstate at the call), so a status that
arrives later is still reported as the call's errstate asked, e.g. nothing
for ``with np.errstate(divide='ignore'): c = a / b`` even when ``c`` is read
after the block.  Under 'raise', 'call' or 'log' the call waits for its tasks
and reports at once, as NumPy does; 'warn' and 'print' report at the next
synchronisation.  Launches without a slot of their own (copies into views,
fills) report under their op's name with the errstate of the report.

GPU kernels, which have no status flags, derive them from each element's
operands and result and report them the same way (docs/design.md)."""

import sys
import warnings

import numpy as _np

from . import _runtime
from ._runtime import core as _core

# NumPy's bits (UFUNC_FPE_*), its errstate keys and its message words, in
# the order NumPy checks them
_KINDS = ((1, 0, "divide by zero"), (2, 1, "overflow"), (4, 2, "underflow"),
          (8, 3, "invalid value"))
_KEYS = ("divide", "over", "under", "invalid")
_NOW = ("raise", "call", "log")

_slots = {}     # (name, errstate key) -> (slot, report at once)
_meaning = {}   # slot -> (name, modes, callback)
# slot -> flags reported since its last begin(): a call's tasks finish over
# several synchronisations (a read waits only for the tiles it reads), and
# NumPy reports a kind once per call
_reported = {}
_next = [_core.FP_TAG_BASE]

# the ops' own slots (launches without a tag): NumPy's name for each op
_OP_NAMES = {}
for _i, _row in enumerate(_core.op_table()):
    _OP_NAMES[_i] = _row[1] or _row[0].lower()
_OP_NAMES[_core.OP_COPY] = "cast"


def _errstate():
    e = _np.geterr()
    return (e["divide"], e["over"], e["under"], e["invalid"]), _np.geterrcall()


# The errstate as a cheap key (np.geterr() decodes it: a microsecond per op)
try:  # NumPy 2: a context variable holding an object per errstate
    from numpy._core._ufunc_config import _get_extobj_dict, _extobj_contextvar

    _last = [None, None]  # the last extobj seen and its key

    def _errkey():
        obj = _extobj_contextvar.get()
        if obj is not _last[0]:
            d = _get_extobj_dict()
            _last[1] = (d["divide"], d["over"], d["under"], d["invalid"], id(d["call"]))
            _last[0] = obj
        return _last[1]
except ImportError:  # NumPy 1.x: [bufsize, mode bits, callback]
    from numpy.core.umath import geterrobj as _geterrobj

    def _errkey():
        o = _geterrobj()
        return o[1], id(o[2])


def begin(name):
    """Name the slot of the launches that follow in this thread: NumPy's
    name for the call (``"divide"``, ``"reduce"``, ``"cast"``) with the
    errstate now.  Returns a token for :func:`end`: whether the call must
    report at once."""
    key = (name, _errkey())
    hit = _slots.get(key)
    if hit is not None:
        slot, now = hit
        if slot in _reported:
            del _reported[slot]
        _core.fp_tag(slot)
        return now
    modes, call = _errstate()
    if _next[0] >= _core.FP_TAG_END:
        # every slot taken (many errstate callbacks): report what is
        # pending under the old meanings, then start over
        flush()
        _slots.clear()
        _meaning.clear()
        _reported.clear()
        _next[0] = _core.FP_TAG_BASE
    slot = _next[0]
    _next[0] += 1
    now = any(m in _NOW for m in modes)
    _slots[key] = (slot, now)
    _meaning[slot] = (name, modes, call)  # keeps call alive: its id is in the key
    _core.fp_tag(slot)
    return now


def end(now):
    """The call's launches are submitted: back to untagged launches, and
    under 'raise'/'call'/'log' (now) wait for them and report at once."""
    _core.fp_tag(0)
    if now:
        # the program's course depends on it: every MPI rank must decide alike
        flush(all_ranks=True)


def flush(all_ranks=False):
    """Wait for every task, then report."""
    _core.wait()
    report(all_ranks)


def report(all_ranks=False):
    """Act on the status gathered since the last report (cheap when there is
    none: one C call).  all_ranks: the union of every MPI rank's status (a
    collective call); else this rank's own tasks'."""
    taken = _core.fp_take(all_ranks)
    if not taken:
        return
    pending = None
    for slot, flags in taken:
        meaning = _meaning.get(slot)
        if meaning is None:
            modes, call = _errstate()
            meaning = (_OP_NAMES.get(slot, "ufunc"), modes, call)
        else:
            before = _reported.get(slot, 0)
            _reported[slot] = before | flags
            flags &= ~before
        name, modes, call = meaning
        for bit, k, words in _KINDS:
            if flags & bit:
                exc = _act(modes[k], call, words, name, bit)
                if exc is not None and pending is None:
                    pending = exc
    if pending is not None:
        raise pending


def _user_stacklevel():
    """stacklevel for warnings.warn called from this module's caller's
    caller (_act's: report's): the first frame outside legate.numpy."""
    level = 1
    f = sys._getframe(1)
    while f is not None and (f.f_globals.get("__name__", "") or "").startswith("legate.numpy"):
        f = f.f_back
        level += 1
    return level


def _act(mode, call, words, name, bit):
    msg = "%s encountered in %s" % (words, name)
    if mode == "ignore":
        return None
    if mode == "warn":
        warnings.warn(msg, RuntimeWarning, stacklevel=_user_stacklevel())
    elif mode == "raise":
        return FloatingPointError(msg)
    elif mode == "call":
        if call is None:
            raise ValueError("No callback set for the floating-point error '%s'" % _KEYS[bit.bit_length() - 1])
        call(words, bit)
    elif mode == "print":
        sys.stderr.write("Warning: %s\n" % msg)
    elif mode == "log":
        if call is None or not hasattr(call, "write"):
            raise ValueError("log specified for the floating-point error but no object with write method")
        call.write("Warning: %s\n" % msg)
    return None


def warn_complex_discard():
    """NumPy's ComplexWarning for a cast of complex values to a real type
    (astype, assignment into a real array, float() of a complex scalar),
    pointing at the user's line."""
    from ._dtypes import ComplexWarning
    warnings.warn("Casting complex values to real discards the imaginary part",
                  ComplexWarning, stacklevel=_user_stacklevel())


def _at_exit():
    """What ran after the last synchronisation is reported once the runtime
    has stopped (its shutdown waited for every task; the slots are plain
    memory), not by a wait of its own here, which daemon threads still
    submitting would keep from ever ending."""
    try:
        report()
    except FloatingPointError as exc:
        sys.stderr.write("legate.numpy: %s\n" % exc)


_runtime.AFTER_SHUTDOWN.append(_at_exit)
