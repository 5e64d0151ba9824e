#!/usr/bin/env python3
"""Independent numpy implementation of GD and EF21 (TopK) on a LIBSVM logistic problem, for the
speed comparison of issue 13 ("at least 10x the numpy implementation at n = 100 at equal
trajectories with --log-every 1").

It is what a researcher's one-off script looks like, written for speed: the data dense in one
float64 matrix per worker (BLAS products), vectorised loss/gradient, TopK by argpartition. It
logs f(x^t) and ||grad f(x^t)||^2 every round, as `commopt run --log-every 1` does.

The problem is commopt's logreg[data=NAME] (lambda = 1e-3, no bias column), split contiguously
over n workers exactly as problems/split.cpp does (worker i holds rows [i*m/n, (i+1)*m/n)):
    f(x) = (1/n) sum_i f_i(x),  f_i(x) = (1/m_i) sum_j log(1 + exp(-b_j a_j^T x)) + (lambda/2)||x||^2
GD:   x^{t+1} = x^t - gamma * (1/n) sum_i grad f_i(x^t)
EF21 (Richtarik et al. 2021, Alg. 1, init=full): g_i^0 = grad f_i(x^0), g^0 = mean g_i^0;
      c_i^t = TopK(grad f_i(x^t) - g_i^{t-1}) (ties: lower index), g_i^t = g_i^{t-1} + c_i^t,
      g^t = g^{t-1} + mean_i c_i^t, x^{t+1} = x^t - gamma g^t.
Messages are exact doubles, so compare with `commopt run ... --value-bits 64`.

usage: numpy_reference.py DATA.xz METHOD N ROUNDS STEP [K] > trace.csv
       (METHOD gd or ef21; STEP the commopt run's method_info.stepsize; K TopK's k for ef21)
Prints `round,loss,grad_norm_sq` rows and, on stderr, the CPU seconds spent in the rounds.
"""
import lzma
import sys
import time

import numpy as np

LAMBDA = 1e-3


def read_libsvm(path):
    labels, rows, cols, vals = [], [], [], []
    with lzma.open(path, "rt") as f:
        for r, line in enumerate(f):
            parts = line.split()
            labels.append(float(parts[0]))
            for item in parts[1:]:
                c, v = item.split(":")
                rows.append(r)
                cols.append(int(c) - 1)
                vals.append(float(v))
    b = np.array(labels)
    lo, hi = b.min(), b.max()
    b = np.where(b == hi, 1.0, -1.0) if not (lo == -1 and hi == 1) else b
    A = np.zeros((len(labels), max(cols) + 1))
    A[np.array(rows), np.array(cols)] = np.array(vals)
    return A, b


def main():
    path, method, n, rounds, step = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    k = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    A, b = read_libsvm(path)
    m = A.shape[0]
    off = [i * m // n for i in range(n + 1)]
    parts = [(A[off[i]:off[i + 1]], b[off[i]:off[i + 1]]) for i in range(n)]
    d = A.shape[1]

    def loss_grad(i, x):
        Ai, bi = parts[i]
        t = -bi * (Ai @ x)
        loss = np.logaddexp(0.0, t).mean() + 0.5 * LAMBDA * x @ x
        s = -bi / (1.0 + np.exp(-t)) / len(bi)
        return loss, Ai.T @ s + LAMBDA * x

    def topk(v):
        # The k largest |v_j|, lower index first among equals: stable sort on -|v|.
        idx = np.argsort(-np.abs(v), kind="stable")[:k]
        out = np.zeros_like(v)
        out[idx] = v[idx]
        return out

    x = np.zeros(d)
    out = ["round,loss,grad_norm_sq"]
    start = time.process_time()
    g_i = None
    g = None
    for t in range(rounds + 1):
        lg = [loss_grad(i, x) for i in range(n)]
        loss = sum(l for l, _ in lg) / n
        grads = [gr for _, gr in lg]
        full = sum(grads) / n
        out.append(f"{t},{loss!r},{full @ full!r}")
        if t == rounds:
            break
        if method == "gd":
            x = x - step * full
        else:
            if g_i is None:
                g_i = grads
                g = full.copy()
            else:
                c = [topk(grads[i] - g_i[i]) for i in range(n)]
                g_i = [g_i[i] + c[i] for i in range(n)]
                g = g + sum(c) / n
            x = x - step * g
    elapsed = time.process_time() - start
    print("\n".join(out))
    print(f"numpy_reference: {rounds} rounds in {elapsed:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
