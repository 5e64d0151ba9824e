#!/usr/bin/env bash
# Failures under the MPI backend end every rank with one message that names the failing rank
# (exit 2, no hang), and a rank reads only its own workers' rows.
# usage: mpi_errors.sh COMMOPT MPIEXEC [MPIEXEC_FLAGS...]
set -uo pipefail
commopt=$1
shift
mpiexec=("$@" -q)  # -q: no launcher banners, so stderr holds only what commopt prints
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
run=(run --problem 'logreg[data=a1a]' --rounds 5 --quiet)

# expect NAME WANT_RC REGEX: the last command's exit code and its stderr ($tmp/err), one line.
expect() {
  local rc=$? lines
  lines=$(grep -c . "$tmp/err")
  if [ "$rc" -eq "$2" ] && [ "$lines" -eq 1 ] && grep -Eq "$3" "$tmp/err"; then
    echo "ok   $1: exit $rc, $(cat "$tmp/err")"
  else
    echo "FAIL $1: exit $rc (want $2), stderr ($lines lines, want 1 matching '$3'):"; cat "$tmp/err"; fail=1
  fi
}

"$commopt" "${run[@]}" --workers 3 --backend mpi --out "$tmp/a.csv" 2>"$tmp/err"
expect "outside mpirun" 2 'start it with mpirun'

"${mpiexec[@]}" -np 3 "$commopt" "${run[@]}" --backend mpi --workers 2 --out "$tmp/a.csv" 2>"$tmp/err"
expect "fewer workers than ranks" 2 '^commopt: error: rank 0: --workers 2 is less than the 3 MPI ranks'

"${mpiexec[@]}" -np 2 "$commopt" "${run[@]}" --backend mpi --workers 3 --method 'ef21[nope=1]' --out "$tmp/a.csv" 2>"$tmp/err"
expect "bad parameter" 2 '^commopt: error: rank 0: .*nope'

"${mpiexec[@]}" -np 2 "$commopt" "${run[@]}" --workers 3 --out "$tmp/a.csv" 2>"$tmp/err"
expect "sim under mpirun" 2 'add --backend mpi'

# Rank 2 alone sees a copy of a1a (1605 rows; with 3 workers it owns rows 1071..1605) with one
# broken line, through its own COMMOPT_DATA: in its rows the run fails naming rank 2; in rank 0's
# rows rank 2 never parses it and the run matches the simulator.
mkdir -p "$tmp/bad_own" "$tmp/bad_other"
src=$("$commopt" list datasets | awk '$1 == "a1a" { print $2; exit }')
xz -dc "$src" | sed '1600s/:1 /:x /' >"$tmp/bad_own/a1a"
xz -dc "$src" | sed '10s/:1 /:x /' >"$tmp/bad_other/a1a"
mpmd() {  # ranks 0-1 as usual, rank 2 with COMMOPT_DATA=$1; the remaining arguments are commopt's
  local dir=$1
  shift
  "${mpiexec[@]}" -np 2 "$commopt" "$@" : -np 1 env COMMOPT_DATA="$dir" "$commopt" "$@"
}
mpmd "$tmp/bad_own" "${run[@]}" --workers 3 --backend mpi --out "$tmp/a.csv" 2>"$tmp/err"
expect "bad row on rank 2" 2 "^commopt: error: rank 2: .*bad_own/a1a, line 1600: value 'x'"

mpmd "$tmp/bad_other" "${run[@]}" --workers 3 --backend mpi --log-every 1 --out "$tmp/mpi.csv" 2>"$tmp/err"
"$commopt" "${run[@]}" --workers 3 --log-every 1 --out "$tmp/sim.csv"
if cmp -s <(cut -d, -f1-11 "$tmp/sim.csv") <(cut -d, -f1-11 "$tmp/mpi.csv"); then
  echo "ok   bad row outside rank 2's block: not parsed there, trace equals the simulator's"
else
  echo "FAIL bad row outside rank 2's block:"; cat "$tmp/err"; fail=1
fi
exit $fail
