#!/usr/bin/env bash
# MPI overhead at n = 8 on news20 as a binary problem (labels 1-10 against 11-20; issue 13): for
# each method, `commopt run --threads 1` (the simulator on one core) and `mpirun -np P commopt run
# --backend mpi` at P = 1, 2 under both wait policies (COMMOPT_MPI_WAIT=poll: Open MPI's blocking
# calls; sleep: the default, net/mpi/mpi_wait.hpp), REPS times in turn; prints medians of
#   ms/round    rank 0's wall time per round (the trace's `seconds` / rounds; evaluations excluded)
#   /sim        that over the simulator's, run just before
#   overhead    the metadata's mpi.round_time.overhead_share: the part of rank 0's round time
#               that is neither the server nor the slowest rank's workers (wall; load-dependent)
#   cpu/round   all ranks' CPU time per round (mpi.cpu_time), and the simulator's (cpu_seconds)
#   cpu ovh     (all ranks' CPU − the simulator's) / all ranks' CPU: the CPU the backend adds
#   in MPI      mpi.cpu_time.mpi_share: the ranks' CPU time inside MPI calls, waits included
# With BEFORE (another commopt binary, e.g. one without the wait policy) its ms/round is printed too.
# Usage: bench/mpi_overhead.sh BINARY [REPS=3] [ROUNDS=30] [BEFORE]   (needs python3, mpirun)
set -euo pipefail
bin=$1 reps=${2:-3} rounds=${3:-30} before=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xz -dc "$here/../../shared/datasets/news20.xz" | awk '{ $1 = ($1 <= 10 ? "+1" : "-1"); print }' >"$tmp/news20bin"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
methods=(gd "ef21|topk[ratio=0.01]" dasha dist_ef_sgd qsparse_local_sgd laq)
for rep in $(seq "$reps"); do
  for mc in "${methods[@]}"; do
    IFS='|' read -r m c <<<"$mc"
    run=(run --problem "logreg[data=$tmp/news20bin]" --workers 8 --method "$m" ${c:+--compressor "$c"}
         --rounds "$rounds" --log-every "$rounds" --quiet --force --seed 3)
    env -u OMP_NUM_THREADS "$bin" "${run[@]}" --threads 1 --out "$tmp/sim-$rep-$m.csv"
    for np in 1 2; do
      if [ -n "$before" ]; then
        env -u OMP_NUM_THREADS mpirun -q -np $np "$before" "${run[@]}" --backend mpi --out "$tmp/before-$rep-$m-$np.csv"
      fi
      for wait in poll sleep; do
        env -u OMP_NUM_THREADS COMMOPT_MPI_WAIT=$wait mpirun -q -np $np -x COMMOPT_MPI_WAIT "$bin" "${run[@]}" \
          --backend mpi --out "$tmp/mpi-$rep-$m-$np-$wait.csv"
      done
    done
  done
done
python3 - "$tmp" "$reps" "${methods[@]}" <<'PY'
import csv, json, statistics, sys, os
tmp, reps, methods = sys.argv[1], int(sys.argv[2]), [m.split('|')[0] for m in sys.argv[3:]]
def per_round(path):  # (wall ms, cpu ms) per round; rounds = logged round + round 0
    rows = list(csv.DictReader(open(path)))
    meta = json.load(open(path[:-4] + '.json'))
    n = int(rows[-1]['round']) + 1
    return 1e3 * float(rows[-1]['seconds']) / n, 1e3 * meta['cpu_seconds'] / n, meta, n
med = statistics.median
print(f"{'method':18} P wait  {'ms/round':>8} {'before':>7} {'/sim':>5} {'overhead':>8} {'cpu/round':>9} {'sim cpu':>7} {'cpu ovh':>7} {'in MPI':>6}")
for m in methods:
    for np_ in (1, 2):
        for wait in ('poll', 'sleep'):
            ms, ratio, ovh, cpu, simcpu, cpuovh, inmpi, bef = [], [], [], [], [], [], [], []
            for rep in range(1, reps + 1):
                sw, sc, _, _ = per_round(f"{tmp}/sim-{rep}-{m}.csv")
                w, _, meta, n = per_round(f"{tmp}/mpi-{rep}-{m}-{np_}-{wait}.csv")
                c = 1e3 * sum(meta['mpi']['cpu_time']['seconds_per_rank']) / n
                ms.append(w); ratio.append(w / sw); ovh.append(meta['mpi']['round_time']['overhead_share'])
                cpu.append(c); simcpu.append(sc); cpuovh.append((c - sc) / c); inmpi.append(meta['mpi']['cpu_time']['mpi_share'])
                b = f"{tmp}/before-{rep}-{m}-{np_}.csv"
                if os.path.exists(b): bef.append(per_round(b)[0])
            print(f"{m:18} {np_} {wait:5} {med(ms):8.2f} {med(bef) if bef else float('nan'):7.2f} {med(ratio):5.2f} "
                  f"{100*med(ovh):7.1f}% {med(cpu):9.2f} {med(simcpu):7.2f} {100*med(cpuovh):6.1f}% {100*med(inmpi):5.1f}%")
PY
