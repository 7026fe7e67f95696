#!/usr/bin/env bash
# Builds and runs the GPU test of the CUDA loop kernels (tests/gpu/test_loop_cuda.cu):
# the CPU kernels (lnp_loop_execute) and the CUDA ones (lnp_loop_cuda_launch) on the
# same random descriptors, compared bit for bit.  Needs a CUDA GPU and nvcc.
#
#   tests/gpu/run.sh [BUILD_DIR] [-- TEST_ARGS...]     e.g. tests/gpu/run.sh build -- --cases 20 --bench
#
# Links against BUILD_DIR/liblegate_numpy.so (default: <repo>/build) when that library
# has the CUDA kernels and loads (StarPU installed); otherwise, or with LNP_STANDALONE=1,
# compiles codelets/loop_cpu.c, op_info.c and codelets/loop_cuda*.cu into the test directly (no
# StarPU needed).  NVCC (default: nvcc on PATH, else /usr/local/cuda/bin/nvcc) and
# CUDA_ARCH (default: native, the GPU of this machine) may be set.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build
if [ $# -gt 0 ] && [ "$1" != "--" ]; then build=$(cd "$1" && pwd); shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
nvcc=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
arch=${CUDA_ARCH:-native}
out=${LNP_GPU_TEST_DIR:-${TMPDIR:-/tmp}/lnp-gpu-test}
mkdir -p "$out"
jobs=$(nproc 2>/dev/null || echo 2)

lib=$build/liblegate_numpy.so
use_lib=0
if [ "${LNP_STANDALONE:-0}" != 1 ] && [ -f "$lib" ] && nm -D "$lib" 2>/dev/null | grep -q ' T lnp_loop_cuda_launch' &&
   ! ldd "$lib" | grep -q 'not found'; then
  use_lib=1
fi

if [ $use_lib = 1 ]; then
  echo "== building the test against $lib"
  "$nvcc" -std=c++17 -arch="$arch" -O2 -I"$root/codelets" "$root/tests/gpu/test_loop_cuda.cu" \
    -o "$out/test_loop_cuda" -L"$build" -llegate_numpy -Xlinker -rpath,"$build"
else
  echo "== building the test with the kernels compiled in (standalone, $jobs jobs)"
  gcc -std=c11 -O3 -fno-math-errno -fopenmp -D_GNU_SOURCE -Wall -Wextra -I"$root/codelets" \
    -c "$root/codelets/loop_cpu.c" -o "$out/loop_cpu.o"
  gcc -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -I"$root/codelets" \
    -c "$root/codelets/op_info.c" -o "$out/op_info.o"
  srcs=("$root"/codelets/loop_cuda*.cu "$root/tests/gpu/test_loop_cuda.cu")
  printf '%s\n' "${srcs[@]}" | xargs -P "$jobs" -I{} sh -c \
    '"$0" -std=c++17 -arch="$1" --fmad=false -O3 -DLNP_LOOP_CUDA_NO_STARPU -I"$2/codelets" -c "{}" -o "$3/$(basename "{}" .cu).o"' \
    "$nvcc" "$arch" "$root" "$out"
  objs=()
  for s in "${srcs[@]}"; do objs+=("$out/$(basename "$s" .cu).o"); done
  "$nvcc" -arch="$arch" "${objs[@]}" "$out/loop_cpu.o" "$out/op_info.o" -o "$out/test_loop_cuda" -Xcompiler -fopenmp -lm -lpthread
fi
echo "== running $out/test_loop_cuda $*"
exec "$out/test_loop_cuda" "$@"
