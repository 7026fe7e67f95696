#!/usr/bin/env bash
# Configures and builds legate.numpy (C library, Python extension, tests) in
# ./build against the StarPU that install-deps.sh built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${LEGATE_NUMPY_CACHE:-$HOME/.cache/legate-numpy}
py=${LEGATE_PYTHON:-/usr/bin/python3}
pythons="$py"
[ -x "$cache/venv-numpy2/bin/python" ] && pythons="$py;$cache/venv-numpy2/bin/python"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE="$py" \
  -DLNP_TEST_PYTHONS="$pythons" > "$root/build.log" 2>&1 || { cat "$root/build.log"; exit 1; }
cmake --build "$root/build" -j"$(nproc)" >> "$root/build.log" 2>&1 || { tail -60 "$root/build.log"; exit 1; }
echo "built: $root/build (log: build.log)"
