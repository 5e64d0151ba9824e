#!/usr/bin/env bash
# Peak resident memory of `commopt run` (issue 13's memory table): each method on news20 as a binary
# problem (logreg[data=news20,labels=upto:10], d = 62061) at n workers, one thread, REPS times, as
# /usr/bin/time's maximum resident set size; prints each method's median in MB (10^6 bytes).
# Usage: bench/peak_rss.sh BINARY [N=100] [REPS=3] [ROUNDS=3] [METHOD...]
#        (default methods: gd ef21 dasha_pp signsgd_mv cser; PROBLEM='spec' overrides the problem;
#        RUN_ARGS='--threads 1' adds run options: the default threading takes two threads at news20 n = 100,
#        and only a one-thread run folds the logged round's gradients into one buffer)
set -euo pipefail
bin=$1 n=${2:-100} reps=${3:-3} rounds=${4:-3}
shift $(($# < 4 ? $# : 4))
methods=("$@")
[ ${#methods[@]} -gt 0 ] || methods=(gd ef21 dasha_pp signsgd_mv cser)
problem=${PROBLEM:-logreg[data=news20,labels=upto:10]}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "peak RSS, $problem, n = $n, $rounds rounds, OMP_NUM_THREADS=1 ${RUN_ARGS:-}, median of $reps"
for m in "${methods[@]}"; do
  for rep in $(seq "$reps"); do
    OMP_NUM_THREADS=1 /usr/bin/time -f %M -o "$tmp/kb" "$bin" run --problem "$problem" -n "$n" --method "$m" \
      --rounds "$rounds" --data-dir "$here/../../shared/datasets" -q --out "$tmp/trace.csv" --force ${RUN_ARGS:-} >/dev/null
    cat "$tmp/kb"
  done | sort -n | awk -v m="$m" '{kb[NR] = $1} END {printf "%-12s %6.0f MB\n", m, kb[int((NR + 1) / 2)] * 1024 / 1e6}'
done
