#!/usr/bin/env bash
# Quick start, step 2: run the whole test suite (C unit tests, pytest suites
# under NumPy 1.x and 2.x, each in default and LEGATE_NUMPY_TEST=1 mode, and
# the examples). Sets up and builds first if needed (idempotent).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh" --venv
bash "$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j"${LEGATE_NUMPY_CTEST_JOBS:-1}" "$@"
