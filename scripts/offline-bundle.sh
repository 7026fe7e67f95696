#!/usr/bin/env bash
# Packs what a machine WITHOUT network access (e.g. a GPU node) needs to build
# legate.numpy and StarPU there: Debian's StarPU 1.3.10 source tarball and the
# Debian 12 .debs of the libraries a stock CUDA image lacks (hwloc, FxT,
# OpenBLAS with LAPACKE, FFTW, Random123's headers, and their runtime dependencies).  Run it here (it needs apt), copy
# the folder (default .carry/, git-ignored) to the other machine, and run
# scripts/offline-install.sh there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.carry}
mkdir -p "$out/debs"
( cd "$out" && apt-get source -q --download-only starpu >/dev/null 2>&1 && rm -f ./*.dsc ./*.debian.tar.* )
( cd "$out/debs" && apt-get download -q \
    libhwloc15 libhwloc-dev libfxt2 libfxt-dev libnuma1 libnuma-dev libltdl7 libltdl-dev \
    libopenblas0 libopenblas0-pthread libopenblas-dev libopenblas-pthread-dev \
    liblapacke liblapacke-dev libtmglib3 libfftw3-double3 libfftw3-single3 libfftw3-dev \
    libgfortran5 libquadmath0 librandom123-dev >/dev/null 2>&1 )
du -sh "$out"
