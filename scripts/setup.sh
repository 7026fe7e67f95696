#!/usr/bin/env bash
# Quick start, step 1: install everything a fresh Debian 12 machine lacks
# (Debian packages, StarPU 1.3.10 with the CUDA 13 patch, a NumPy 2 venv for
# the tests), build legate.numpy, and run the channel-flow example with both
# NumPy and legate.numpy, checking they agree.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh" --venv
bash "$root/scripts/build.sh"
"$root/bin/legate" "$root/examples/channel_flow.py" --check
