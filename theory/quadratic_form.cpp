#include "theory/quadratic_form.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

#include <Eigen/Eigenvalues>
#include <fmt/format.h>
#include <omp.h>

#include "methods/method.hpp"
#include "net/network.hpp"
#include "theory/outcome_enumerator.hpp"
#include "theory/state_potential.hpp"
#include "theory/tiny_problem.hpp"

namespace commopt {

namespace {

Spec with_step(const std::string& method, double factor) {
  const Spec s = Spec::parse(method, "one-step plan");
  std::string text = s.name() + "[";
  for (const auto& [k, v] : s.values())
    if (k != "stepsize") text += k + "=" + v + ",";
  text += fmt::format("stepsize=theory*{:.17g}]", factor);
  return Spec::parse(text, "one-step plan");
}

class SingleThread {
 public:
  SingleThread() : previous_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~SingleThread() { omp_set_num_threads(previous_); }

 private:
  int previous_;
};

// q(p) for one parameter vector, by running the shipped code.
class FormEvaluator {
 public:
  FormEvaluator(const OneStepPlan& plan, double factor, std::uint64_t seed, int warmup, TinyShape shape, bool outside_claim)
      : problem_(plan.dim, plan.workers, plan.rows, seed, shape), outside_claim_(outside_claim), warmup_(warmup),
        d_(plan.dim), n_(plan.workers) {
    setup_.problem = &problem_;
    setup_.method = with_step(plan.method, factor);
    setup_.compressor = Spec::parse(plan.compressor.empty() ? "identity" : plan.compressor, "one-step plan");
    setup_.value_bits = 64;
    setup_.seed = seed * 7'919ULL + static_cast<std::uint64_t>(warmup);  // fixes the warm-up's outcomes
    card_ = &find_method(setup_.method.name()).card;
  }
  int dim() const { return d_ + warmup_ * n_ * d_ + 1; }
  double gamma() const { return gamma_; }
  std::size_t outcomes() const { return outcomes_; }

  double q(const Vec& p) {
    const double phi0 = replay(p);
    const double phi1 = enumerator_.expectation([&](OutcomeEnumerator& e) {
      replay(p);
      {
        OutcomeEnumerator::Scope scope(e);
        net_->run_round(warmup_ + 1);
      }
      return potential();
    });
    outcomes_ = std::max(outcomes_, enumerator_.paths());
    return phi1 - phi0 + gamma_ / 2 * grad_sq_;
  }

 private:
  // Runs the warm-up and the exact round from p; returns Φ^t (and sets γ, ||∇f(x^t)||²).
  double replay(const Vec& p) {
    problem_.set_linear_scale(p[dim() - 1]);
    problem_.set_initial_point(p.head(d_));
    net_.reset();  // it refers to method_
    method_ = make_method(setup_);
    gamma_ = method_.stepsize;
    net_ = std::make_unique<SimNetwork>(problem_, method_, setup_.seed);
    for (int t = 0; t < warmup_; ++t) {
      std::vector<Vec> xi;
      for (int i = 0; i < n_; ++i) xi.push_back(p.segment(d_ + (t * n_ + i) * d_, d_));
      problem_.set_perturbation_vectors(std::move(xi));
      net_->run_round(t);
    }
    problem_.clear_perturbation();
    net_->run_round(warmup_);
    if (card_->state_potential) {  // the card's full-state potential (theory/state_potential.hpp)
      const FullStatePotential v = full_state_potential(*card_, problem_, method_, false, outside_claim_);
      grad_sq_ = v.grad_sq;
      if (!v.phi) throw std::logic_error("exact one-step check: the card of '" + setup_.method.str() +
                                         "' does not claim its potential at this step (its conditions fail)");
      return *v.phi;
    }
    const Evaluation e = net_->evaluate();
    grad_sq_ = e.grad_norm_sq;
    if (!e.lyapunov) throw std::logic_error("exact one-step check: method '" + setup_.method.str() + "' reports no potential");
    return *e.lyapunov;
  }
  double potential() {
    if (card_->state_potential) return full_state_potential(*card_, problem_, method_, false, outside_claim_).phi.value();
    const Evaluation e = net_->evaluate();
    return *e.lyapunov;
  }

  TinyProblem problem_;
  bool outside_claim_;
  const TheoremCard* card_ = nullptr;
  int warmup_, d_, n_;
  MethodSetup setup_;
  MethodInstance method_;
  std::unique_ptr<SimNetwork> net_;
  OutcomeEnumerator enumerator_;
  double gamma_ = 0, grad_sq_ = 0;
  std::size_t outcomes_ = 0;
};

}  // namespace

QuadraticFormResult one_step_quadratic_form(const OneStepPlan& plan, double factor, std::uint64_t seed, int warmup,
                                            TinyShape shape, bool outside_claim) {
  if (warmup < 1 || warmup > 3) throw std::invalid_argument("one_step_quadratic_form: warmup must be 1, 2 or 3");
  SingleThread one_thread;
  FormEvaluator ev(plan, factor, seed, warmup, shape, outside_claim);
  const int N = ev.dim();
  QuadraticFormResult r;
  r.dim = N;
  std::vector<double> diag(static_cast<std::size_t>(N));
  Eigen::MatrixXd M(N, N);
  for (int i = 0; i < N; ++i) {
    M(i, i) = diag[static_cast<std::size_t>(i)] = ev.q(Vec::Unit(N, i));
    r.gamma = ev.gamma();
  }
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j)
      M(i, j) = M(j, i) =
          (ev.q(Vec::Unit(N, i) + Vec::Unit(N, j)) - diag[static_cast<std::size_t>(i)] - diag[static_cast<std::size_t>(j)]) / 2;
  // Linearity: the form must reproduce q at random parameter vectors.
  Rng rng(seed, kServer, 17 + warmup, Purpose::data);
  const double mscale = std::max(1e-300, M.cwiseAbs().maxCoeff());
  for (int k = 0; k < 3; ++k) {
    Vec p(N);
    for (int j = 0; j < N; ++j) p[j] = rng.normal();
    const double qp = ev.q(p), form = p.dot(M * p);
    r.linearity_error = std::max(r.linearity_error, std::abs(qp - form) / (mscale * p.squaredNorm()));
  }
  r.linear = r.linearity_error < 1e-8;
  const Eigen::VectorXd ev_ = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(M, Eigen::EigenvaluesOnly).eigenvalues();
  r.lambda_max = ev_.maxCoeff();
  r.lambda_scale = ev_.cwiseAbs().maxCoeff();
  r.outcomes = ev.outcomes();
  return r;
}

ExactOneStep exact_one_step(const OneStepPlan& plan, double factor, int seeds, TinyShape shape, bool outside_claim) {
  ExactOneStep r;
  for (std::uint64_t seed = 1; seed <= static_cast<std::uint64_t>(seeds); ++seed)
    for (int warmup = 1; warmup <= 2; ++warmup) {
      const QuadraticFormResult f = one_step_quadratic_form(plan, factor, seed, warmup, shape, outside_claim);
      ++r.families;
      r.gamma = f.gamma;
      r.max_dim = std::max(r.max_dim, f.dim);
      r.max_outcomes = std::max(r.max_outcomes, f.outcomes);
      r.worst_linearity_error = std::max(r.worst_linearity_error, f.linearity_error);
      if (!f.linear) {
        r.linear = false;
        return r;
      }
      r.worst_relative_lambda = std::max(r.worst_relative_lambda, f.relative_lambda_max());
    }
  return r;
}

}  // namespace commopt
