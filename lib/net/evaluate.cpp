// Evaluation (see evaluate.hpp): the one place where f, ∇f, Φ and the accuracy are formed.
#include "net/evaluate.hpp"

namespace commopt {

void measure_share(const Objective& problem, const WorkerLogic& worker, int i, const Vec& x, WorkerShare& out) {
  out.loss = problem.loss_grad(i, x, out.grad);
  out.term = worker.potential_term(out.grad);
}

void EvaluationSum::start(int workers, int dim) {
  n_ = workers;
  d_ = dim;
  acc_.setZero(dim + 2);
}

void EvaluationSum::add(const WorkerShare& s) {
  acc_[d_] += s.loss / n_;
  acc_.head(d_) += s.grad / n_;
  acc_[d_ + 1] += s.term / n_;
}

Evaluation EvaluationSum::finish(const Objective& problem, const ServerLogic& server, const Vec& x) {
  Evaluation e;
  e.loss = acc_[d_];
  grad_ = acc_.head(d_);
  e.grad_norm_sq = grad_.squaredNorm();
  const auto& f_star = problem.constants().f_star;
  const double gap = e.loss - (f_star ? *f_star : 0.0);
  e.lyapunov = server.potential(gap, grad_, acc_[d_ + 1]);
  e.accuracy = problem.accuracy(x);
  return e;
}

}  // namespace commopt
