#!/usr/bin/env bash
# `commopt check -j N` prints exactly what -j 1 prints (rows in task order, one potential-sharp row
# per method whichever task ran first). Usage: check_jobs.sh COMMOPT
set -eu
bin=${1:?COMMOPT}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
"$bin" check --suite quick --rounds 30 --seeds 2 -j 1 >"$dir/j1.txt"
"$bin" check --suite quick --rounds 30 --seeds 2 -j 3 >"$dir/j3.txt"
if ! cmp -s "$dir/j1.txt" "$dir/j3.txt"; then
  echo "check -j 3 output differs from -j 1:"; diff "$dir/j1.txt" "$dir/j3.txt" | head -20; exit 1
fi
"$bin" check -j 0 >/dev/null 2>&1 && { echo "-j 0 accepted"; exit 1; }
[[ $("$bin" check -j 0 >/dev/null 2>&1; echo $?) == 2 ]] || { echo "-j 0: exit code is not 2"; exit 1; }
echo "check -j 3 == -j 1 ($(wc -l <"$dir/j1.txt") lines)"
