"""Read and write throughput of one large float64 array (issue 22):
legate.numpy's files by tiles (.npy, .npz, HDF5, Zarr raw and zlib)
against NumPy's own save/load and h5py + NumPy, on the same file system,
in one run.

    bin/legate [--ranks-per-node R] benchmarks/io_throughput.py [--gib 4] [--dir D]
        [--repeat 2] [--drop-caches] [--peers]

Each case writes the array, then reads it back (after dropping the page
cache with --drop-caches, which needs root: otherwise reads come from the
cache the write filled); best of --repeat, in GiB/s of the array's bytes.
--peers adds NumPy's and h5py's times (one process: run it without ranks).
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

import numpy

import legate.numpy as np
from legate.numpy import _core, io as lio


def drop_caches(enabled):
    if not enabled:
        return
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
    except OSError as e:
        sys.exit("--drop-caches: %s" % e)


def timed(fn, repeat, before=None):
    best = float("inf")
    for _ in range(repeat):
        if before:
            before()
        _core.wait()
        t0 = time.perf_counter()
        r = fn()
        if isinstance(r, np.ndarray):
            float(r[-1])  # the read is complete (a deferred array's last tile)
        _core.wait()
        best = min(best, time.perf_counter() - t0)
        del r
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gib", type=float, default=4.0)
    ap.add_argument("--dir", default="/tmp/lnp-io-bench")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--drop-caches", action="store_true")
    ap.add_argument("--peers", action="store_true")
    args = ap.parse_args()
    cfg = _core.config()
    rank, nranks = cfg["rank"], cfg["nranks"]
    n = int(args.gib * (1 << 30)) // 8
    gib = n * 8 / (1 << 30)
    if rank == 0:
        os.makedirs(args.dir, exist_ok=True)
    _core.mpi_sum_int(0)
    p = lambda name: os.path.join(args.dir, name)  # noqa: E731
    a = np.arange(n, dtype=np.float64)
    _core.wait()
    drop = lambda: drop_caches(args.drop_caches) if rank == 0 else None  # noqa: E731
    rows = []

    def case(name, write, read):
        w = timed(write, args.repeat)
        r = timed(read, args.repeat, before=drop)
        rows.append((name, w, r))

    case(".npy (np.save / np.load)", lambda: np.save(p("a.npy"), a), lambda: np.load(p("a.npy")))
    case(".npz (np.savez / np.load)", lambda: np.savez(p("a.npz"), x=a), lambda: np.load(p("a.npz"))["x"])
    if _core.h5_available():
        case("HDF5 (io.write_hdf5 / read_hdf5)", lambda: lio.write_hdf5(p("a.h5"), "x", a, mode="w"),
             lambda: lio.read_hdf5(p("a.h5"), "x"))
    case("Zarr raw, 8 MiB chunks", lambda: lio.write_zarr(p("a.zarr"), a, chunks=(1 << 20,)),
         lambda: lio.read_zarr(p("a.zarr")))
    case("Zarr zlib-1, 8 MiB chunks", lambda: lio.write_zarr(p("z.zarr"), a, chunks=(1 << 20,), compressor="zlib"),
         lambda: lio.read_zarr(p("z.zarr")))
    del a
    _core.wait()
    if args.peers and nranks == 1:
        h = numpy.arange(n, dtype=numpy.float64)
        rows.append(("NumPy save / load", timed(lambda: numpy.save(p("b.npy"), h), args.repeat),
                     timed(lambda: numpy.load(p("b.npy")), args.repeat, before=drop)))
        try:
            import h5py

            def h5w():
                with h5py.File(p("b.h5"), "w") as f:
                    f.create_dataset("x", data=h)

            def h5r():
                with h5py.File(p("b.h5"), "r") as f:
                    return f["x"][...]
            rows.append(("h5py + NumPy", timed(h5w, args.repeat), timed(h5r, args.repeat, before=drop)))
        except ImportError:
            pass
        del h
    if rank == 0:
        cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
        print("%.2f GiB float64, %d rank(s), %s cores, %s cache, best of %d (GiB/s)"
              % (gib, nranks, cpu, "cold (dropped)" if args.drop_caches else "warm", args.repeat))
        print("| case | write | read |")
        print("| --- | --- | --- |")
        for name, w, r in rows:
            print("| %s | %.2f (%.2f s) | %.2f (%.2f s) |" % (name, gib / w, w, gib / r, r))
        shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
