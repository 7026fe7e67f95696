#!/usr/bin/env bash
# bin/legate --profile DIR: runs the same bin/legate command again (every
# flag kept, MPI launch included) with StarPU's FxT tracing into DIR, then
# turns every rank's trace into one profile (tools/profile/lnp_trace.py):
# paje.trace, dag.dot, tasks.rec, data.rec, activity.data, summary.txt/json,
# timeline.html and timeline.png in DIR, and the summary on stdout.
#
#   run.sh DIR path/to/bin/legate ORIGINAL_ARGS...
#
# Exits with the program's status.  Several ranks must see the same DIR (one
# node, or a shared file system).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$1; legate=$2; shift 2

mkdir -p -- "$dir" || { echo "legate: cannot create profile directory '$dir'" >&2; exit 2; }
dir=$(cd -- "$dir" && pwd)
# a previous run's traces would be merged into this one
rm -f -- "$dir"/prof_file_* "$dir"/paje.trace "$dir"/tasks.rec "$dir"/data.rec "$dir"/trace.rec \
         "$dir"/dag.dot "$dir"/activity.data "$dir"/distrib.data "$dir"/trace.html \
         "$dir"/summary.txt "$dir"/summary.json "$dir"/timeline.html "$dir"/timeline.png

export STARPU_FXT_PREFIX="$dir/"
export STARPU_FXT_TRACE=1
export LEGATE_NUMPY_PROFILE="$dir"
export LEGATE_NUMPY_PROFILE_CHILD=1   # the inner bin/legate runs the program

"$legate" "$@"
rc=$?

if [ -n "${LEGATE_PYTHON:-}" ]; then py=$LEGATE_PYTHON
elif [ -x /usr/bin/python3 ]; then py=/usr/bin/python3
else py=python3; fi

if ls "$dir"/prof_file_* >/dev/null 2>&1; then
    echo "== legate --profile: trace in $dir" >&2
    "$py" "$here/lnp_trace.py" report "$dir" ${LEGATE_NUMPY_PROFILE_OPTS:-} \
        || echo "legate: the trace in $dir could not be processed" >&2
else
    echo "legate: no trace was written into $dir (the program did not start legate.numpy's runtime, or died)" >&2
fi
exit $rc
