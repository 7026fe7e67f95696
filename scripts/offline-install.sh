#!/usr/bin/env bash
# Builds StarPU 1.3.10 (with CUDA when nvcc is present) and legate.numpy on a
# machine without network access, from the bundle made by offline-bundle.sh:
# the .debs are unpacked into a private sysroot (nothing is installed into /),
# StarPU is configured against it, and CMake is pointed at it.
#   scripts/offline-install.sh [BUNDLE_DIR] [PYTHON]
# Afterwards: source $LEGATE_NUMPY_CACHE/env.sh to get LD_LIBRARY_PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bundle=$(cd "${1:-$root/.carry}" && pwd)
py=${2:-python3}
cache=${LEGATE_NUMPY_CACHE:-$HOME/.cache/legate-numpy}
sysroot=$cache/sysroot
mkdir -p "$sysroot"
for d in "$bundle"/debs/*.deb; do dpkg -x "$d" "$sysroot"; done
multi=$sysroot/usr/lib/x86_64-linux-gnu
# the .pc files say prefix=/usr: re-root them
mkdir -p "$sysroot/pkgconfig"
for pc in "$multi"/pkgconfig/*.pc; do
  sed "s#^prefix=/usr#prefix=$sysroot/usr#" "$pc" > "$sysroot/pkgconfig/$(basename "$pc")"
done
# dev symlinks that Debian's maintainer scripts would create
ln -sf "$multi/openblas-pthread/libopenblas.so.0" "$multi/libopenblas.so.0"
# LAPACKE and its test-matrix library find LAPACK and BLAS through the
# alternatives links: OpenBLAS's
ln -sf "$multi/openblas-pthread/liblapack.so.3" "$multi/liblapack.so.3"
ln -sf "$multi/openblas-pthread/libblas.so.3" "$multi/libblas.so.3"
export PKG_CONFIG_PATH=$sysroot/pkgconfig
export LD_LIBRARY_PATH=$multi:$multi/openblas-pthread${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export CPPFLAGS="-I$sysroot/usr/include" LDFLAGS="-L$multi -Wl,-rpath,$multi"

cuda_dir=${CUDA_HOME:-/usr/local/cuda}
# a new build whenever our StarPU patches change
stamp=$(cat "$root"/scripts/patches/starpu-1.3.10-*.patch | sha1sum | cut -c1-10)
prefix=$cache/starpu-offline-$stamp
if [ ! -f "$prefix/.complete" ]; then
  src=$cache/src-offline; rm -rf "$src"; mkdir -p "$src"
  tar xf "$bundle"/starpu_1.3.10*.orig.tar.* -C "$src"
  cd "$src"/starpu-1.3.10*
  for p in "$root"/scripts/patches/starpu-1.3.10-*.patch; do patch -p1 < "$p"; done
  mpi=--disable-mpi; command -v mpicc >/dev/null && mpi=--enable-mpi
  cfg=(--prefix="$prefix" --with-fxt $mpi --enable-maxcpus=128 --enable-maxcudadev=8
       --disable-opencl --disable-socl --disable-fortran --disable-build-doc
       --disable-build-examples --disable-build-tests --disable-starpufft --disable-mlr
       --enable-blocking-drivers)
  if [ -x "$cuda_dir/bin/nvcc" ]; then cfg+=(--enable-cuda --with-cuda-dir="$cuda_dir"); else cfg+=(--disable-cuda); fi
  ./configure "${cfg[@]}" > configure.log 2>&1 || { tail -40 configure.log; exit 1; }
  make -j"$(nproc)" > make.log 2>&1 || { tail -60 make.log; exit 1; }
  make install > install.log 2>&1
  touch "$prefix/.complete"
fi
ln -sfn "$prefix" "$cache/starpu"
cat > "$cache/env.sh" <<ENV
export LD_LIBRARY_PATH=$multi:$multi/openblas-pthread:$prefix/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
ENV
cd "$root"
pyexe=$(command -v "$py")
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE="$pyexe" -DLNP_TEST_PYTHONS="$pyexe" \
  -DLNP_DEPS="$cache" -DCMAKE_PREFIX_PATH="$sysroot/usr" -DLNP_OPENBLAS_LIBRARY="$multi/openblas-pthread/libopenblas.so" \
  -DLNP_CBLAS_INCLUDE_DIR="$sysroot/usr/include/x86_64-linux-gnu/openblas-pthread" \
  -DLNP_RANDOM123_INCLUDE_DIR="$sysroot/usr/include" > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j"$(nproc)" >> build.log 2>&1 || { tail -60 build.log; exit 1; }
echo "built; run: source $cache/env.sh"
