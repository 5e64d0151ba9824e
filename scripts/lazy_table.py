#!/usr/bin/env python3
"""The LAQ rebuttal's / LAG's tables from commopt traces (ef-local-lazy.md §9.2 "Metrics", §8, §13).

usage: scripts/lazy_table.py [--rule laq|lag] [--tol T] TRACE.csv ...

Traces must be logged at every round (log_every = 1), because communications are summed from the
`participants` column (uploads in that round). Per trace, printed:
  iterations      laq rule: the first round k with loss[k] - min_j loss[j] <= tol (LAQ.py's loss residual,
                  the run's own minimum; tol 1e-6); lag rule: the first k with gap = f - f* <= tol
                  (LAG's |loss - loss_GD| < 1e-8 with the exact f*; tol 1e-8)
  communications  uploads summed over workers and rounds 0..k
  bits            honest uplink bits (the encoded messages, all workers) up to k
  paper_bits      communications x paper_bits_per_upload (b*p for laq/qgd: the radius omitted) or x 32p
  accuracy        the last row's accuracy (the final model, as LAQ.py's test accuracy is of the final model)
"""
import csv
import json
import math
import os
import sys


def meta_of(path):
    for cand in (path[:-4] + ".json", path + ".json", path[:-4] + ".meta.json"):
        if os.path.exists(cand):
            with open(cand) as f:
                try:
                    return json.load(f)
                except json.JSONDecodeError:
                    pass
    return {}


def main(argv):
    rule, tol, files = "laq", None, []
    i = 0
    while i < len(argv):
        if argv[i] == "--rule":
            rule, i = argv[i + 1], i + 2
        elif argv[i] == "--tol":
            tol, i = float(argv[i + 1]), i + 2
        else:
            files.append(argv[i])
            i += 1
    tol = tol if tol is not None else (1e-6 if rule == "laq" else 1e-8)
    print(f"{'trace':<58} {'iterations':>10} {'comms':>8} {'bits':>12} {'paper_bits':>12} {'accuracy':>9}")
    for path in files:
        with open(path) as f:
            rows = list(csv.DictReader(f))
        meta = meta_of(path)
        info = meta.get("method_info", {})
        workers = int(meta.get("workers", 0) or 0) or max(int(r["participants"]) for r in rows)
        d = int(meta.get("dim", 0) or 0)
        per_upload = info.get("paper_bits_per_upload", 32 * d if d else float("nan"))
        losses = [float(r["loss"]) for r in rows]
        lo = min(losses)
        hit = None
        for k, r in enumerate(rows):
            if rule == "laq":
                ok = losses[k] - lo <= tol
            else:
                ok = r.get("gap", "") not in ("", "nan") and float(r["gap"]) <= tol
            if ok:
                hit = k
                break
        end = hit if hit is not None else len(rows) - 1
        comms = sum(int(r["participants"]) for r in rows[: end + 1])
        bits = float(rows[end]["bits_up"]) * workers
        acc = rows[-1].get("accuracy", "")
        name = os.path.basename(path)
        it = rows[hit]["round"] if hit is not None else f">{rows[-1]['round']}"
        print(f"{name:<58} {it:>10} {comms:>8} {bits:>12.4g} {comms * per_upload:>12.4g} {acc:>9}")


if __name__ == "__main__":
    main(sys.argv[1:])
