#!/usr/bin/env bash
# The channel-flow and Jacobi examples print exactly the same summary on 1, 2 and 4
# ranks (test mode: 3-element tiles, so the tiles really spread over ranks;
# reductions combine per-tile partials in the same order everywhere).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
run() {
    LEGATE_NUMPY_TEST=1 "$root/bin/legate" --ranks-per-node "$1" "$root/examples/channel_flow.py" \
        --module legate --nx 16 --ny 16 --nit 4 --max-steps 5 | grep '^\[legate\]' | sed 's/time=.*//'
    LEGATE_NUMPY_TEST=1 "$root/bin/legate" --ranks-per-node "$1" "$root/examples/jacobi.py" \
        --module legate --n 20 --iters 8 | grep '^\[legate\]' | sed 's/time=.*//'
}
ref=$(run 1)
echo "1 rank:  $ref"
[ -n "$ref" ] || { echo "no output from the single-process run"; exit 1; }
for r in 2 4; do
    got=$(run "$r")
    echo "$r ranks: $got"
    if [ "$got" != "$ref" ]; then echo "MISMATCH with $r ranks"; exit 1; fi
done
echo "identical on 1, 2 and 4 ranks"
