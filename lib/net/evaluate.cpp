// Evaluation (see evaluate.hpp): the one place where f, ∇f, Φ and the accuracy are formed.
#include "net/evaluate.hpp"

namespace commopt {

void measure_share(const Objective& problem, const WorkerLogic& worker, int i, const Vec& x, WorkerShare& out) {
  const Objective::LossGradCount c = problem.loss_grad_count(i, x, out.grad);
  out.loss = c.loss;
  out.correct = c.correct;
  out.rows = c.rows;
  out.term = worker.potential_term(out.grad);
}

WorkerShare& share_at(const Objective& problem, const WorkerLogic& worker, int i, const Vec& x, WorkerShare* kept,
                      WorkerShare& scratch) {
  if (!kept) {
    measure_share(problem, worker, i, x, scratch);
    return scratch;
  }
  kept->term = worker.potential_term(kept->grad);
  return *kept;
}

void EvaluationSum::start(int workers, int dim) {
  n_ = workers;
  d_ = dim;
  acc_.setZero(dim + 5);
}

void EvaluationSum::add(const WorkerShare& s) {
  acc_[d_] += s.loss / n_;
  acc_.head(d_) += s.grad / n_;
  acc_[d_ + 1] += s.term / n_;
  if (s.correct >= 0) {
    acc_[d_ + 2] += static_cast<double>(s.correct);
    acc_[d_ + 3] += static_cast<double>(s.rows);
  } else {
    acc_[d_ + 4] += 1;
  }
}

Evaluation EvaluationSum::finish(const Objective& problem, const ServerLogic& server, const Vec& x) {
  Evaluation e;
  e.loss = acc_[d_];
  grad_ = acc_.head(d_);
  e.grad_norm_sq = grad_.squaredNorm();
  const auto& f_star = problem.constants().f_star;
  const double gap = e.loss - (f_star ? *f_star : 0.0);
  e.lyapunov = server.potential(gap, grad_, acc_[d_ + 1]);
  const bool counted = acc_[d_ + 4] == 0 && acc_[d_ + 3] > 0;
  e.accuracy = counted ? std::optional<double>(acc_[d_ + 2] / acc_[d_ + 3]) : problem.accuracy(x);
  return e;
}

}  // namespace commopt
