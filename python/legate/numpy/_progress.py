"""A progress bar for long file reads and writes (issue 22): on rank 0's
terminal (stderr), once the tasks of one read or write have run for
LEGATE_NUMPY_PROGRESS_AFTER seconds (default 3).  LEGATE_NUMPY_PROGRESS=0
turns it off, =1 shows it also when stderr is not a terminal.

The file tasks count the bytes they move (_core.file_bytes); the wait for
them runs in a helper thread while this one draws.  Under several ranks
rank 0 sees its own tasks only, so the bar shows its share of the bytes."""

import os
import sys
import threading
import time

from ._runtime import core as _core

_WIDTH = 30


def _after():
    try:
        return float(os.environ.get("LEGATE_NUMPY_PROGRESS_AFTER", "3"))
    except ValueError:
        return 3.0


def _shown():
    flag = os.environ.get("LEGATE_NUMPY_PROGRESS", "")
    if flag == "0" or _core.config().get("rank", 0) != 0:
        return False
    return flag == "1" or (hasattr(sys.stderr, "isatty") and sys.stderr.isatty())


def _size(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return "%.1f %s" % (n, unit) if unit != "B" else "%d B" % n
        n /= 1024.0
    return "%.1f TiB" % n  # pragma: no cover


def mark():
    """Where a read or write starts: take it before submitting its tasks
    (they start running while others are still being submitted)."""
    return _core.file_bytes(), time.monotonic()


def wait(total, what, start):
    """_core.wait() for the file tasks submitted since start (mark()) that
    move `total` bytes (the whole array's: under several ranks rank 0 moves
    about its share), with a progress bar once it has taken a while."""
    if not _shown():
        _core.wait()
        return
    nranks = _core.config().get("nranks", 1)
    share = max(1, total // max(1, nranks))
    start, t0 = start
    failure = []

    def waiter():
        try:
            _core.wait()
        except BaseException as e:  # noqa: BLE001 (raised below, in the caller's thread)
            failure.append(e)
    t = threading.Thread(target=waiter, name="legate.numpy file wait", daemon=True)
    t.start()
    after, drawn, alive = _after(), False, True
    while True:
        t.join(0.25)
        elapsed = time.monotonic() - t0
        if elapsed >= after or (drawn and not t.is_alive()):
            alive = t.is_alive()
            done = _core.file_bytes() - start
            frac = min(1.0, done / share) if alive else 1.0
            bar = "#" * int(frac * _WIDTH)
            sys.stderr.write("\r%s: [%-*s] %3d%%  %s  %s/s " % (
                what, _WIDTH, bar, int(frac * 100), _size(done), _size(done / max(elapsed, 1e-9))))
            sys.stderr.flush()
            drawn = True
        if not t.is_alive() and (not drawn or not alive):
            break
    if drawn:
        sys.stderr.write("\n")
        sys.stderr.flush()
    if failure:
        raise failure[0]
