#!/usr/bin/env bash
# tests/mpi/not_spmd.py on R ranks: every rank reports the divergence and
# the run ends (ctest's timeout catches a hang).  The run's exit status is
# not 0 by design: a diverged rank cannot finalize MPI (its pending tasks
# wait for messages no rank will send), so mpirun reports an abnormal end.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
r=${1:?ranks}
out=$(LEGATE_NUMPY_TEST=1 "$root/bin/legate" --ranks-per-node "$r" "$root/tests/mpi/not_spmd.py" 2>&1)
echo "$out" | grep -v '^$' | head -40
n=$(echo "$out" | grep -c "^rank [0-9]*/$r: the ranks diverged")
echo "ranks that reported the divergence: $n of $r"
[ "$n" -eq "$r" ]
