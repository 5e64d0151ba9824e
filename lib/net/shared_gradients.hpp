// A logged round's gradients, computed once for the method and the evaluation (issue 13).
// On a round whose model x^t is evaluated afterwards, worker i's method computes ∇f_i(x^t) (GD,
// EF21, DIANA, LAG, MARINA's and DASHA's full gradients, …) and the evaluation then needs f_i(x^t),
// ∇f_i(x^t) and the rows classified correctly at the same x^t. SharedGradients stands between the
// methods and the problem (the workers' WorkerEnv::problem): on an armed round, worker i's first
// grad(i, x, ·) at x = x^t is answered by Objective::loss_grad_count, which returns grad()'s
// gradient bit for bit plus f_i and the count from the same products A_i x, and the share is kept;
// the evaluation takes it instead of a second pass over worker i's rows. The method receives the
// same bits as from grad(), so trajectories do not depend on logging; the evaluation receives the
// same bits as from loss_grad_count(i, x^t, ·), so rows do not depend on whether the share was kept.
// Everything else (other x, minibatch gradients, unarmed rounds) goes straight to the problem.
#pragma once
#include <mutex>
#include <vector>

#include "core/objective.hpp"
#include "net/evaluate.hpp"

namespace commopt {

class SharedGradients final : public Objective {
 public:
  explicit SharedGradients(const Objective& problem);

  // At the start of a round (before any upload): forgets the kept shares and, when `armed`, keeps
  // the first full gradient each worker computes at x^t. `x_expected` is x^t when the caller knows
  // it (a simulator's server model after the broadcast); null: x^t is the x of the first gradient
  // computed in the round on this process (an MPI rank without the server, whose replica is x^t).
  void start_round(bool armed, const Vec* x_expected);
  // Whether the shares kept in this round were computed at exactly these bits of x (one comparison
  // per evaluation, not per worker).
  bool kept_at(const Vec& x) const;
  // Worker i's kept share (loss, gradient, count, rows; `term` is left to the caller), or null.
  WorkerShare* kept(int i);
  // Shares kept since the last start_round (tests and benchmarks).
  int kept_count() const;

  // Objective, forwarded to the problem; grad() keeps the share on an armed round.
  void grad(int i, const Vec& x, Vec& out) const override;
  std::string name() const override { return problem_.name(); }
  int workers() const override { return problem_.workers(); }
  int dim() const override { return problem_.dim(); }
  int samples(int i) const override { return problem_.samples(i); }
  double loss(int i, const Vec& x) const override { return problem_.loss(i, x); }
  double loss_grad(int i, const Vec& x, Vec& out) const override { return problem_.loss_grad(i, x, out); }
  void minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const override {
    problem_.minibatch_grad(i, x, rows, out);
  }
  std::optional<double> accuracy(const Vec& x) const override { return problem_.accuracy(x); }
  LossGradCount loss_grad_count(int i, const Vec& x, Vec& out) const override {
    return problem_.loss_grad_count(i, x, out);
  }
  bool convex() const override { return problem_.convex(); }
  const ProblemConstants& constants() const override { return problem_.constants(); }
  Vec initial_point() const override { return problem_.initial_point(); }
  std::vector<ParamBlock> blocks() const override { return problem_.blocks(); }

 private:
  struct Slot {
    bool kept = false;
    WorkerShare share;
  };
  // Whether x has x^t's bits; sets x^t from x when it is not known yet.
  bool at_expected(const Vec& x) const;

  const Objective& problem_;
  bool armed_ = false;
  mutable std::mutex expected_mutex_;  // workers of one process may run on several threads
  mutable bool expected_known_ = false;
  mutable Vec expected_;  // x^t
  mutable std::vector<Slot> slots_;  // one per worker; worker i's calls run on one thread at a time
};

// The same bits: sizes equal and every double identical (-0.0 differs from 0.0; NaNs by payload).
bool same_bits(const Vec& a, const Vec& b);

}  // namespace commopt
