#!/usr/bin/env bash
# The MPI backend's defaults need no expert flags (issue 13): with nothing set, each rank runs its
# workers on one thread and OpenMP on one thread (P ranks share the cores), and waits for MPI
# asleep between polls (net/mpi/mpi_wait.hpp) instead of holding its core; what the user sets
# (--threads, OMP_NUM_THREADS, COMMOPT_MPI_WAIT=poll) is kept. Read from the metadata's `mpi` block.
# usage: mpi_defaults.sh COMMOPT MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
commopt=$1
shift
mpiexec=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
field() { sed -n "s/^ *\"$1\": \"\\{0,1\\}\\([a-z0-9]*\\)\"\\{0,1\\},\\{0,1\\}$/\\1/p" "$2" | head -1; }
# check NAME WANT_WORKER_THREADS WANT_OPENMP_THREADS WANT_WAIT [env and run arguments...]
check() {
  local name=$1 want="$2 $3 $4"
  shift 4
  env -u OMP_NUM_THREADS -u COMMOPT_MPI_WAIT "$@" --out "$tmp/run.csv"
  local got
  got="$(field worker_threads "$tmp/run.json") $(field openmp_threads "$tmp/run.json") $(field wait "$tmp/run.json")"
  if [ "$got" = "$want" ]; then echo "ok   $name: worker threads, OpenMP threads, wait = $got"
  else echo "FAIL $name: worker threads, OpenMP threads, wait = $got (want $want)"; fail=1; fi
}
# --bind-to none: the ranks see every core (Open MPI binds each rank to one core at P <= 2, and
# OpenMP would then default to one thread whatever commopt does).
mpiexec+=(--bind-to none)
run=(run --backend mpi --problem 'logreg[data=a1a]' --workers 4 --method gd --rounds 3 --quiet --force)
check "defaults" 1 1 sleep "${mpiexec[@]}" -np 2 "$commopt" "${run[@]}"
check "--threads 2" 2 1 sleep "${mpiexec[@]}" -np 2 "$commopt" "${run[@]}" --threads 2
check "OMP_NUM_THREADS=2" 1 2 sleep OMP_NUM_THREADS=2 "${mpiexec[@]}" -np 2 -x OMP_NUM_THREADS "$commopt" "${run[@]}"
check "COMMOPT_MPI_WAIT=poll" 1 1 poll COMMOPT_MPI_WAIT=poll "${mpiexec[@]}" -np 2 -x COMMOPT_MPI_WAIT "$commopt" "${run[@]}"
exit $fail
