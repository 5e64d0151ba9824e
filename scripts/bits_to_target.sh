#!/bin/sh
# Bits to a target suboptimality, read from sweep traces: for every trace DIR/*.csv, the first logged
# row with f(x) - f* <= TARGET (the `gap` column), its round, bits_up (mean cumulative uplink bits per
# worker) and bits_down. Usage: scripts/bits_to_target.sh runs/qsparse 1e-3
set -eu
dir=${1:?usage: bits_to_target.sh DIR TARGET}
target=${2:?usage: bits_to_target.sh DIR TARGET}
printf '%-58s %8s %14s %14s\n' trace round bits_up bits_down
for f in "$dir"/*.csv; do
  awk -F, -v t="$target" -v name="$(basename "$f" .csv)" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col["gap"] != "" && $col["gap"] + 0 <= t + 0 {
      printf "%-58s %8d %14.6g %14.6g\n", name, $col["round"], $col["bits_up"], $col["bits_down"]; found = 1; exit }
    END { if (!found) printf "%-58s %8s %14s %14s\n", name, "-", "not reached", "-" }' "$f"
done
