#!/usr/bin/env bash
# Installs everything legate.numpy needs on a Debian 12 machine:
#  - Debian packages (compilers, hwloc, FxT, OpenMPI, OpenBLAS, FFTW, HDF5,
#    Random123, Python 3 with NumPy 1.24 and pytest; pajeng and chromium for
#    the profiling tests: paje.trace check, HTML timeline and its PNG),
#  - StarPU 1.3.10 built from Debian's source package with FxT, MPI, 128 CPUs,
#    8 CUDA devices and CUDA when a toolkit is present (patched for CUDA 12/13),
#    into a cached prefix that later runs reuse,
#  - optionally (--venv) a virtualenv with NumPy 2.x from PyPI,
#  - optionally (--peers) Dask and numexpr, the CPU peers of
#    benchmarks/run.py (--modules numpy,legate,dask,numexpr).
# Idempotent: a second run only checks.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${LEGATE_NUMPY_CACHE:-$HOME/.cache/legate-numpy}
want_venv=0 want_peers=0
for a in "$@"; do case $a in --venv) want_venv=1;; --peers) want_peers=1;; esac; done
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo

pkgs="build-essential cmake pkg-config gfortran patch dpkg-dev
  libhwloc-dev hwloc libfxt-dev libopenmpi-dev openmpi-bin
  libopenblas-dev liblapacke-dev libfftw3-dev libhdf5-openmpi-dev librandom123-dev zlib1g-dev python3-h5py python3-zarr
  python3-dev python3-numpy python3-pytest python3-hypothesis python3-venv python3-pip
  pajeng chromium fonts-dejavu-core"
[ $want_peers = 1 ] && pkgs="$pkgs python3-dask python3-numexpr"
missing=$(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null | awk '$NF!="installed"{print $1}' || true)
# dpkg-query prints nothing for never-seen packages: compare counts too
nseen=$(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null | awk '$NF=="installed"' | wc -l || true)
if [ -n "$missing" ] || [ "$nseen" -lt "$(echo $pkgs | wc -w)" ]; then
  echo "== installing Debian packages"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $pkgs
fi

# ---- StarPU 1.3.10 from Debian's source package
cuda_dir=${CUDA_HOME:-/usr/local/cuda}
with_cuda=0; [ -x "$cuda_dir/bin/nvcc" ] && with_cuda=1
# our patches to StarPU (CUDA 12/13 API, the CUDA pipeline with blocking drivers)
patches=("$root"/scripts/patches/starpu-1.3.10-*.patch)
stamp=$( (cat "${patches[@]}"; echo "cuda=$with_cuda blocking v3") | sha1sum | cut -c1-10)
prefix=$cache/starpu-1.3.10-$stamp
if [ ! -f "$prefix/.complete" ]; then
  echo "== building StarPU 1.3.10 into $prefix (a few minutes)"
  src=$cache/src; rm -rf "$src"; mkdir -p "$src"
  # enable source packages for the archives that are already configured
  # (deb822 .sources files, or one-line sources.list entries)
  if ! grep -rqs -e '^Types:.*deb-src' -e '^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] && $SUDO sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
    done
    if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
      grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee /etc/apt/sources.list.d/legate-numpy-src.list >/dev/null
    fi
    $SUDO apt-get update -q
  fi
  (cd "$src" && apt-get source -q --download-only starpu >/dev/null && tar xf starpu_1.3.10*.orig.tar.*)
  cd "$src"/starpu-1.3.10*
  for p in "${patches[@]}"; do patch -p1 < "$p"; done
  # --enable-blocking-drivers: idle workers sleep instead of spinning, so the
  # Python thread that submits tasks keeps its core
  cfg=(--prefix="$prefix" --with-fxt --enable-mpi --enable-maxcpus=128 --enable-maxcudadev=8
       --disable-opencl --disable-socl --disable-fortran --disable-build-doc
       --disable-build-examples --disable-build-tests --disable-starpufft --disable-mlr
       --enable-blocking-drivers)
  if [ $with_cuda = 1 ]; then cfg+=(--enable-cuda --with-cuda-dir="$cuda_dir");
  else cfg+=(--disable-cuda); fi
  ./configure "${cfg[@]}" > configure.log 2>&1 || { tail -40 configure.log; exit 1; }
  make -j"$(nproc)" > make.log 2>&1 || { tail -60 make.log; exit 1; }
  make install > install.log 2>&1
  touch "$prefix/.complete"
  cd "$root"; rm -rf "$src"
fi
ln -sfn "$prefix" "$cache/starpu"
echo "StarPU: $cache/starpu"

if [ $want_venv = 1 ]; then
  venv=$cache/venv-numpy2
  if [ ! -x "$venv/bin/python" ]; then
    /usr/bin/python3 -m venv --system-site-packages "$venv"
  fi
  if ! "$venv/bin/python" -c 'import numpy,sys; sys.exit(int(numpy.__version__.split(".")[0])<2)' 2>/dev/null; then
    "$venv/bin/pip" install -q 'numpy>=2,<3' pytest hypothesis
  fi
  echo "NumPy 2 venv: $venv"
fi
