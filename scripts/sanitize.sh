#!/usr/bin/env bash
# Builds the sanitized tree (AddressSanitizer + UndefinedBehaviorSanitizer,
# CPU only: nvcc and ASan do not mix, compute-sanitizer covers CUDA) beside
# the regular one and runs its tests: the C tests with leak detection, a
# subset of the pytest suites in default and test mode
# (tests/sanitize/sanitize.cmake).  The ctest `sanitizers` of the regular
# tree runs this; by hand: bash scripts/sanitize.sh [ctest args, e.g. -R test_loop]
#
# LNP_SANITIZE_BUILD_DIR (default <repo>/build-asan), LEGATE_PYTHON,
# LNP_DEPS (where StarPU is) and LNP_SANITIZE (default address,undefined).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bdir=${LNP_SANITIZE_BUILD_DIR:-$root/build-asan}
py=${LEGATE_PYTHON:-/usr/bin/python3}
args=(-DCMAKE_BUILD_TYPE=Release -DLNP_SANITIZE="${LNP_SANITIZE:-address,undefined}"
      -DLNP_ENABLE_CUDA=OFF -DPython3_EXECUTABLE="$py")
[ -n "${LNP_DEPS:-}" ] && args+=(-DLNP_DEPS="$LNP_DEPS")
mkdir -p "$bdir"
log=$bdir/build.log
start=$(date +%s)
cmake -S "$root" -B "$bdir" "${args[@]}" > "$log" 2>&1 || { cat "$log"; exit 1; }
cmake --build "$bdir" -j"$(nproc)" >> "$log" 2>&1 || { tail -60 "$log"; exit 1; }
echo "sanitized build: $bdir ($(( $(date +%s) - start )) s; log: $log)"
cd "$bdir"
ctest --output-on-failure "$@"
