#!/usr/bin/env bash
# commopt against the independent numpy implementation (bench/numpy_reference.py) at equal
# trajectories, every round logged (issue 13). For each (method, n): runs both for ROUNDS rounds,
# checks that f(x^t) and ||grad f(x^t)||^2 agree at every round (max relative difference printed),
# and prints each tool's CPU time for the rounds including the per-round logging (commopt: CPU time of
# the ROUNDS-round run minus that of a 1-round run, the best of 3 each, so data loading and the
# constants are not counted; numpy: process_time around its loop) and their ratio. CPU time, not wall
# time, so that a busy machine does not decide the ratio. Needs Debian's
# python3-numpy (apt-get install python3-numpy); one thread each.
#   usage: bench/numpy_ratio.sh COMMOPT [DATA_DIR] [ROUNDS]
set -euo pipefail
bin="$(realpath "$1")"
data="${2:-$(dirname "$0")/../../shared/datasets}"
rounds="${3:-1000}"
py=/usr/bin/python3
"$py" -c 'import numpy' 2>/dev/null || { echo "numpy_ratio: needs python3-numpy (apt-get install python3-numpy)" >&2; exit 2; }
ref="$(realpath "$(dirname "$0")/numpy_reference.py")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
printf '%-6s %5s %7s %12s %12s %10s %14s\n' method n rounds commopt_s numpy_s speedup max_rel_diff
for method in gd ef21; do
  for n in 20 100; do
    comp=(); k=""
    [ "$method" = ef21 ] && { comp=(--compressor "topk[k=1]"); k=1; }
    cpu() {  # best CPU seconds (user + system) of 3 runs of `commopt run ... --rounds $1`
      local best=""
      for _ in 1 2 3; do
        (cd "$work" && /usr/bin/time -f "%U %S" -o t.txt "$bin" run --problem "logreg[data=a9a]" -n "$n" --method "$method" "${comp[@]}" --rounds "$1" \
           --log-every 1 --value-bits 64 --threads 1 --data-dir "$data" -o c.csv --force -q)
        best=$("$py" -c 'import sys; u,s=map(float,open(sys.argv[1]).read().split()[-2:]); a=u+s
print(a if sys.argv[2]=="" else min(a, float(sys.argv[2])))' "$work/t.txt" "$best")
      done
      echo "$best"
    }
    t1=$(cpu 1)
    tr=$(cpu "$rounds")
    "$py" -c 'import sys; print(float(sys.argv[1]) - float(sys.argv[2]))' "$tr" "$t1" > "$work/c.time"
    step=$("$py" -c 'import json,sys; print(repr(json.load(open(sys.argv[1]))["method_info"]["stepsize"]))' "$work/c.json")
    "$py" "$ref" "$data/a9a.xz" "$method" "$n" "$rounds" "$step" $k > "$work/p.csv" 2> "$work/p.err"
    "$py" - "$work/c.csv" "$work/p.csv" "$work/p.err" "$method" "$n" "$rounds" "$work/c.time" <<'EOF'
import csv, re, sys
c = list(csv.DictReader(open(sys.argv[1])))
p = list(csv.DictReader(open(sys.argv[2])))
assert len(c) == len(p), (len(c), len(p))
diff = 0.0
for rc, rp in zip(c, p):
    for key in ("loss", "grad_norm_sq"):
        a, b = float(rc[key]), float(rp[key])
        diff = max(diff, abs(a - b) / max(abs(b), 1e-300))
tc = float(open(sys.argv[7]).read())
tp = float(re.search(r"in ([0-9.]+) s", open(sys.argv[3]).read()).group(1))
print(f"{sys.argv[4]:<6} {sys.argv[5]:>5} {sys.argv[6]:>7} {tc:12.3f} {tp:12.3f} {tp / tc:9.1f}x {diff:14.2e}")
EOF
  done
done
