// Evaluation of the trace's quantities at the model x^t: f(x^t), ||∇f(x^t)||², the method's
// potential Φ^t and the accuracy. Every Network evaluates through this file, so the simulator and
// the MPI backend produce the same numbers by construction:
//   1. worker i's share (f_i, ∇f_i and its potential term) is measured where worker i lives
//      (measure_share);
//   2. the shares are added to one EvaluationSum in worker order 0, 1, …, n−1 (a deterministic
//      sum); a distributed network may pass the sum between processes in between (state(): d + 5
//      doubles, copied exactly), as long as the order of add() calls is the worker order;
//   3. the process holding the server finishes it (finish).
#pragma once
#include <optional>

#include "core/objective.hpp"
#include "core/types.hpp"
#include "methods/method.hpp"

namespace commopt {

// Quantities at the current model x^t, computed outside the method's timed work.
struct Evaluation {
  double loss = 0;                     // f(x^t)
  double grad_norm_sq = 0;             // ||∇f(x^t)||²
  std::optional<double> lyapunov;      // Φ^t, when the method has a potential
  std::optional<double> accuracy;      // training accuracy, classification problems
};

// Worker i's share of an evaluation at x.
struct WorkerShare {
  double loss = 0;  // f_i(x)
  Vec grad;         // ∇f_i(x)
  double term = 0;  // the worker's potential term given ∇f_i(x) (WorkerLogic::potential_term)
  long correct = -1;  // worker i's correctly classified rows at x (-1: the problem does not count them)
  long rows = 0;
};

void measure_share(const Objective& problem, const WorkerLogic& worker, int i, const Vec& x, WorkerShare& out);
// Worker i's share at x: `kept` (a share the round kept at exactly x, net/shared_gradients.hpp; only
// its potential term is computed here) when non-null, else measured into `scratch`. The same bits
// either way: loss_grad_count is the one computation of f_i, ∇f_i and the count.
WorkerShare& share_at(const Objective& problem, const WorkerLogic& worker, int i, const Vec& x, WorkerShare* kept,
                      WorkerShare& scratch);

// f = (1/n) Σ_i f_i, ∇f = (1/n) Σ_i ∇f_i and the mean potential term, one worker at a time; the
// accuracy is Σ_i correct_i / Σ_i rows_i from the same pass (Objective::loss_grad_count), or
// Objective::accuracy(x) when the problem does not count per worker.
class EvaluationSum {
 public:
  void start(int workers, int dim);  // all sums zero
  void add(const WorkerShare& s);    // the next worker's share (worker order)
  // The sums as one vector [∇f (dim), f, mean term, correct rows, rows, workers without a count], for
  // carrying them between processes (counts below 2^53 are exact in a double).
  Vec& state() { return acc_; }
  // The Evaluation at x, once every worker's share is in.
  Evaluation finish(const Objective& problem, const ServerLogic& server, const Vec& x);

 private:
  int n_ = 1, d_ = 0;
  Vec acc_;
  Vec grad_;  // ∇f in a vector of its own: squaredNorm's summation order does not depend on acc_
};

}  // namespace commopt
