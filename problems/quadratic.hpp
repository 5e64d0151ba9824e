// Synthetic heterogeneous quadratics with known optimum: f_i(x) = ½ x^T A_i x − b_i^T x, where
// Ā = mean A_i = Q diag(eigs) Q^T has eigenvalues spanning exactly [mu, L] and
// A_i = Ā + h (S_i − mean_j S_j), b_i = b̄ + h (c_i − mean_j c_j). The A_i may be indefinite.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/objective.hpp"

namespace commopt {

struct QuadraticOptions {
  int d = 20;
  double heterogeneity = 0.5;  // h
  double mu = 0.1;
  double L = 1.0;
  std::uint64_t seed = 0;      // all draws from Rng(seed, ·, 0, Purpose::data)
};

class QuadraticProblem final : public Objective {
 public:
  // Throws UsageError naming the parameter unless mu > 0, L >= mu, d >= 1 (d = 1 needs mu = L),
  // heterogeneity >= 0 and workers >= 1.
  QuadraticProblem(int workers, const QuadraticOptions& opts, std::string name);

  std::string name() const override { return name_; }
  int workers() const override { return static_cast<int>(A_.size()); }
  int dim() const override { return opts_.d; }
  int samples(int) const override { return 1; }

  double loss(int i, const Vec& x) const override;
  double loss_grad(int i, const Vec& x, Vec& out) const override;
  // The exact gradient: rows are ignored (the caller still counts them as oracle calls).
  void minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const override;
  bool convex() const override { return true; }  // f is; single f_i may not be
  // Exact: L = λ_max(Ā), L_i = ||A_i||_2, L_pm² = λ_max(mean A_i² − Ā²), sigma = 0, mu, f* = −½ b̄^T x*;
  // source = "exact".
  const ProblemConstants& constants() const override { return constants_; }

  const Eigen::MatrixXd& A(int i) const { return A_[static_cast<std::size_t>(i)]; }
  const Vec& b(int i) const { return b_[static_cast<std::size_t>(i)]; }
  const Eigen::MatrixXd& A_mean() const { return A_bar_; }
  const Vec& b_mean() const { return b_bar_; }
  const Vec& x_star() const { return x_star_; }

 private:
  std::string name_;
  QuadraticOptions opts_;
  Eigen::MatrixXd A_bar_;
  Vec b_bar_, x_star_;
  std::vector<Eigen::MatrixXd> A_;
  std::vector<Vec> b_;
  mutable std::vector<Vec> scratch_;  // per worker, for loss(); one thread per worker at a time
  ProblemConstants constants_;
};

}  // namespace commopt
