#!/usr/bin/env bash
# tests/mpi/rank_exit.py on R ranks, each MODE under a timeout: a program
# that ends on one rank only must end the whole job with an error (MPI_Abort
# from numpy/rank_exit.c, mpirun's status not 0), promptly, never hang; one
# that ends every rank at the same point, or raises and catches an error on
# every rank, must end normally.  Also with the SPMD check on.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
r=${1:?ranks}
limit=${RANK_EXIT_TIMEOUT:-90}
fail=0
run() {  # run MODE WANT(ok|error) [ENV=VAL...]
  local mode=$1 want=$2; shift 2
  local t0=$SECONDS out rc
  out=$(env "$@" timeout -k 5 "$limit" "$root/bin/legate" --ranks-per-node "$r" "$root/tests/mpi/rank_exit.py" "$mode" 2>&1)
  rc=$?
  local took=$((SECONDS - t0))
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "FAIL $mode ($*): hung (killed after ${limit} s)"; echo "$out" | tail -15; fail=1; return
  fi
  if [ "$want" = ok ]; then
    if [ $rc -ne 0 ]; then echo "FAIL $mode ($*): status $rc, expected 0"; echo "$out" | tail -15; fail=1; return; fi
  else
    if [ $rc -eq 0 ]; then echo "FAIL $mode ($*): status 0, expected an error"; echo "$out" | tail -15; fail=1; return; fi
  fi
  echo "ok   $mode ($*): status $rc in ${took} s"
}
for env in "LEGATE_NUMPY_SPMD_CHECK=0" "LEGATE_NUMPY_SPMD_CHECK=1" "LEGATE_NUMPY_TEST=1"; do
  run early error $env
  run mid error $env
  run exit error $env
  run exit-end ok $env
  run shape ok $env
done
exit $fail
