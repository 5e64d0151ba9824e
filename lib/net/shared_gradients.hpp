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
// Folding (one thread, workers stepped in the order 0, 1, …, n−1: SimNetwork without a pool): the
// shares of the leading workers 0..k−1 that all kept one are handed to the caller right after each
// worker's step (step_done), which adds them to its running EvaluationSum in worker order, and are
// not kept: one d-vector for the round instead of one per worker. A worker after the first that did
// not keep (not asked, not participating, another x) ends the prefix; later shares are kept per
// worker as without folding, and the evaluation adds them after the folded prefix, in worker order.
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
  // `fold`: the caller steps workers 0..n−1 in order on one thread and calls step_done after each.
  void start_round(bool armed, const Vec* x_expected, bool fold = false);
  // Fold mode, after worker i's step: worker i's share when workers 0..i all kept theirs (the caller
  // adds it now; the buffer is reused by worker i+1), else null (and the prefix ends).
  WorkerShare* step_done(int i);
  // How many leading workers were handed over by step_done in this round (0 without folding).
  int folded() const { return folded_; }
  // Whether the shares kept in this round were computed at exactly these bits of x (one comparison
  // per evaluation, not per worker).
  bool kept_at(const Vec& x) const;
  // Worker i's kept share (loss, gradient, count, rows; `term` is left to the caller), or null.
  WorkerShare* kept(int i);
  // Shares kept or folded since the last start_round (tests and benchmarks).
  int kept_count() const;
  // Gradient buffers held (per-worker slots that ever kept a share, plus the fold buffer once used).
  int buffers() const;

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

  // Where worker i's share goes: the fold buffer while i continues the prefix, else its slot.
  Slot& slot_for(int i) const;

  const Objective& problem_;
  bool armed_ = false;
  bool fold_ = false;
  int folded_ = 0;        // leading workers handed over by step_done
  bool prefix_open_ = false;  // whether the next worker may still continue the prefix
  mutable Slot fold_slot_;  // the share of the worker being stepped while the prefix is open
  mutable std::mutex expected_mutex_;  // workers of one process may run on several threads
  mutable bool expected_known_ = false;
  mutable Vec expected_;  // x^t
  mutable std::vector<Slot> slots_;  // one per worker; worker i's calls run on one thread at a time
};

// The same bits: sizes equal and every double identical (-0.0 differs from 0.0; NaNs by payload).
bool same_bits(const Vec& a, const Vec& b);

}  // namespace commopt
