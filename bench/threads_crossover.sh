#!/usr/bin/env bash
# Where do 2 worker threads pay for the per-round barrier? (issue 13; the auto rule in
# lib/net/worker_pool.hpp). For each config, farm-bench times `--threads 2` against `--threads 1`
# pair by pair; ratio < 1 means the threads win. Usage: bench/threads_crossover.sh BINARY
set -u
bin=${1:?BINARY}
configs=(
  "logreg[data=a9a] 10 400"        # n*d + rows = 1.2e3 + 3.3e4
  "logreg[data=a9a] 1000 200"      # 1.2e5 + 3.3e4
  "logreg[data=w8a] 1000 200"      # 3.0e5 + 5.0e4
  "softmax[data=a9a] 1000 100"     # 2.5e5 + 3.3e4
  "softmax[data=w8a] 1000 60"      # 6.0e5 + 5.0e4
  "mlp[data=w8a] 100 60"           # n * 9.7e3 + 5.0e4
  "mlp[data=w8a] 1000 20"          # 9.7e6 + 5.0e4
  "softmax[data=news20] 10 10"     # 1.2e7 + 1.6e4
)
for c in "${configs[@]}"; do
  read -r p n r <<<"$c"
  echo "== $p n=$n rounds=$r"
  farm-bench -n 3 --timeout 300 --vs "$bin run --problem $p -n $n --method gd --rounds $r -q -o /tmp/xo1.csv --force --threads 1" \
    -- "$bin" run --problem "$p" -n "$n" --method gd --rounds "$r" -q -o /tmp/xo2.csv --force --threads 2 2>&1 |
    grep -E "^(A|B) wall|A/B wall|A/B cpu"
done
