#!/usr/bin/env python3
"""The grid's tables from commopt_bench's JSON output (bench/bench_rounds.cpp).

    OMP_NUM_THREADS=1 build/commopt_bench --benchmark_filter='floor/DATA$|rounds/DATA/' \
        --benchmark_min_time=0.1 --benchmark_out=PASS-DATA.json --benchmark_out_format=json
    python3 bench/grid_table.py [--before B1.json B2.json ... --] A1.json A2.json ...

Each file is one pass over one or more data sets; a benchmark measured in several passes is
summarised by the median of its counters. Prints, per data set and n, the points whose per-round
cost is at most 1.3x the gradient passes the method does (`ratio`), and then one row per method
with `ratio`, `per_floor` (per-round CPU / one full gradient's CPU) and `passes`. With --before,
the same figures for the other set side by side, and the CPU time after / before.
"""
import json
import signal
import statistics
import sys
from collections import defaultdict

THRESHOLD = 1.3


def load(paths):
    runs = defaultdict(list)
    for path in paths:
        with open(path) as f:
            for b in json.load(f)["benchmarks"]:
                if b.get("run_type", "iteration") != "iteration" or not b["name"].startswith("rounds/"):
                    continue
                runs[b["name"]].append(b)
    out = {}
    for name, bs in runs.items():
        _, data, method, n = name.split("/")
        out[(data, int(n), method)] = {
            key: statistics.median(b[key] for b in bs) for key in ("ratio", "per_floor", "passes", "cpu_time")
        }
    return out


def summary(after, before):
    print(f"| data | n | points <= {THRESHOLD} | of them doing >= 0.5 passes |"
          + (" before: points | before: >= 0.5 passes | round CPU after/before, median over methods |"
             if before else ""))
    print("|---|---|---|---|" + ("---|---|---|" if before else ""))
    total_a = total_b = count = 0
    for data, n in sorted({(d, n) for d, n, _ in after}):
        def counts(grid):
            pts = [v for (d, nn, _), v in grid.items() if d == data and nn == n]
            ok = sum(v["ratio"] <= THRESHOLD for v in pts)
            full = [v for v in pts if v["passes"] >= 0.5]
            return ok, len(pts), sum(v["ratio"] <= THRESHOLD for v in full), len(full)
        ok, tot, fok, ftot = counts(after)
        total_a += ok
        count += tot
        row = f"| {data} | {n} | {ok} of {tot} | {fok} of {ftot} |"
        if before:
            bok, btot, bfok, bftot = counts(before)
            total_b += bok
            cpu = [v["cpu_time"] / before[k]["cpu_time"] for k, v in after.items()
                   if k[0] == data and k[1] == n and k in before]
            row += f" {bok} of {btot} | {bfok} of {bftot} | {statistics.median(cpu):.2f} |"
        print(row)
    print(f"| all | | {total_a} of {count} | |" + (f" {total_b} | | |" if before else ""))


def per_method(after, before):
    print()
    print("| data | n | method | passes | ratio | per_floor |" + (" before: ratio | before: per_floor | CPU after/before |" if before else ""))
    print("|---|---|---|---|---|---|" + ("---|---|---|" if before else ""))
    for key in sorted(after):
        v = after[key]
        row = f"| {key[0]} | {key[1]} | {key[2]} | {v['passes']:.3g} | {v['ratio']:.2f} | {v['per_floor']:.3g} |"
        if before:
            b = before.get(key)
            row += (f" {b['ratio']:.2f} | {b['per_floor']:.3g} | {v['cpu_time'] / b['cpu_time']:.2f} |" if b else " | | |")
        print(row)


def main(argv):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends the output quietly
    before_paths, after_paths = [], argv
    if argv and argv[0] == "--before":
        if "--" not in argv:
            sys.exit("grid_table.py: --before FILES... must end with --, then the after files")
        cut = argv.index("--")
        before_paths, after_paths = argv[1:cut], argv[cut + 1:]
    if not after_paths:
        sys.exit(__doc__)
    after = load(after_paths)
    before = load(before_paths) if before_paths else None
    summary(after, before)
    per_method(after, before)


if __name__ == "__main__":
    main(sys.argv[1:])
