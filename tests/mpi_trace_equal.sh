#!/usr/bin/env bash
# The MPI backend reproduces the simulator: for every method of the registry (read from
# `commopt list methods --names`, so a new method is covered without editing this file) and a
# diverging run, `mpirun -np NP commopt run --backend mpi` writes the same trace as
# `commopt run --backend sim` in every column but `seconds`, byte for byte.
# usage: mpi_trace_equal.sh COMMOPT NP MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
commopt=$1 np=$2
shift 2
mpiexec=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# All columns but `seconds` (found by name in the header).
strip_seconds() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "seconds") s = i }
           { line = ""; for (i = 1; i <= NF; ++i) if (i != s) line = line (line == "" ? "" : ",") $i; print line }' "$1"
}

methods=$("$commopt" list methods --names)
[ -n "$methods" ] || { echo "no methods listed" >&2; exit 1; }
# Every method with its default compressor on a1a (contiguous split); then a diverging run, a
# shuffled split on mushrooms (each rank then parses scattered rows) and compressors whose
# decoding needs the message's transport metadata (sender, shared key), and a synthetic problem
# (every rank builds it whole; f* known, so the gap column is compared too).
cases=()
for m in $methods; do cases+=("$m||logreg[data=a1a]|contiguous"); done
cases+=('gd[stepsize=1e9]||logreg[data=a1a]|contiguous' 'ef21||logreg_nc[data=mushrooms]|shuffled'
        'dasha|randk[k=3,shared_seed=true]|logreg[data=a1a]|label-sorted' 'dasha|permk|logreg[data=a1a]|contiguous'
        'ef21|qtopk[k=5,s=4]|logreg[data=a1a]|contiguous' 'dasha||quadratic[d=30]|contiguous')
fail=0
for case in "${cases[@]}"; do
  IFS='|' read -r spec comp problem split <<<"$case"
  name=$(echo "$spec-$comp-$problem-$split" | tr -c 'a-zA-Z0-9_\n' _)
  common=(--problem "$problem" --split "$split" --method "$spec" --workers 5 --rounds 12 --log-every 1 --seed 7 --quiet)
  [ -n "$comp" ] && common+=(--compressor "$comp")
  spec="$spec${comp:+ + $comp}"
  "$commopt" run "${common[@]}" --out "$tmp/$name-sim.csv"
  "${mpiexec[@]}" -np "$np" "$commopt" run --backend mpi "${common[@]}" --out "$tmp/$name-mpi.csv"
  if ! diff <(strip_seconds "$tmp/$name-sim.csv") <(strip_seconds "$tmp/$name-mpi.csv") >"$tmp/diff"; then
    echo "FAIL $spec on $problem ($split) at np=$np: traces differ"; head -5 "$tmp/diff"; fail=1; continue
  fi
  grep -q '"backend": "mpi"' "$tmp/$name-mpi.json" && grep -q "\"mpi_ranks\": $np" "$tmp/$name-mpi.json" ||
    { echo "FAIL $spec: metadata lacks backend=mpi / mpi_ranks=$np"; fail=1; continue; }
  echo "ok   $spec on $problem ($split split) np=$np: $(($(wc -l <"$tmp/$name-sim.csv") - 1)) rows equal, status $(tail -1 "$tmp/$name-sim.csv" | awk -F, '{ print $NF }')"
done
tail -1 "$tmp/gd_stepsize_1e9___logreg_data_a1a__contiguous-mpi.csv" | grep -q ',diverged$' || { echo "FAIL: gd[stepsize=1e9] did not diverge"; fail=1; }
exit $fail
