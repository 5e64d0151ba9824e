// LAG's synthetic linear regression (Chen, Giannakis, Sun, Yin, NeurIPS 2018, §5 and the official
// nips2018synlinear.m; ef-local-lazy.md §8 "Datasets", §(a).2): worker m (m = 1..M) holds n = d rows
//   X_m = base^{m−1} q_m q_mᵀ + I   (d × d, q_m a unit vector drawn from the seed),
//   y_m ~ N(0, I_d) from the seed (the code uses Body-Fat targets, which are not shipped here),
//   f_m(θ) = ½ ||X_m θ − y_m||²    (the paper's per-worker loss: a SUM over the worker's rows).
// X_mᵀX_m has eigenvalues (base^{m−1} + 1)² (along q_m) and 1, so L_m = (base^{m−1} + 1)² EXACTLY and
// the heterogeneity of the L_m grows geometrically, as LAG's experiment intends.
// commopt's objective is the MEAN f = (1/M) Σ_m f_m (the paper's F = Σ_m f_m = M f): the paper's step
// α = 1/L_F on F is γ = Mα = 1/L on f, with L = λ_max((1/M) Σ_m X_mᵀX_m) = L_F/M.
// Constants are exact (dense eigendecompositions): L, L_m, mu = λ_min of the mean Hessian, f*, x*.
// Gradients are exact full-batch gradients (samples(m) = 1, like `quadratic`): no oracle noise.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/objective.hpp"

namespace commopt {

struct LagLinregOptions {
  int d = 50;            // dimension = rows per worker
  double base = 1.3;     // L_m = (base^{m-1} + 1)^2
  std::uint64_t seed = 0;
};

class LagLinregProblem final : public Objective {
 public:
  LagLinregProblem(int workers, const LagLinregOptions& opts, std::string name);
  std::string name() const override { return name_; }
  int workers() const override { return static_cast<int>(H_.size()); }
  int dim() const override { return opts_.d; }
  int samples(int) const override { return 1; }
  double loss(int i, const Vec& x) const override;
  double loss_grad(int i, const Vec& x, Vec& out) const override;
  void minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const override;
  bool convex() const override { return true; }
  const ProblemConstants& constants() const override { return constants_; }
  const Eigen::MatrixXd& X(int i) const { return X_[static_cast<std::size_t>(i)]; }
  const Vec& y(int i) const { return y_[static_cast<std::size_t>(i)]; }
  const Vec& x_star() const { return x_star_; }

 private:
  std::string name_;
  LagLinregOptions opts_;
  std::vector<Eigen::MatrixXd> X_, H_;  // X_m and X_mᵀX_m
  std::vector<Vec> y_, Xty_;
  std::vector<double> yy_;               // ½||y_m||²
  Vec x_star_;
  mutable std::vector<Vec> scratch_;
  ProblemConstants constants_;
};

// LAG's synthetic logistic regression (nips2018synlogit.m; ef-local-lazy.md §8): worker m holds d rows
// a_j = the columns of X_m = base^{m−1} q_m q_mᵀ + I (the code: base = 1), labels y_j = ±1 from the seed
// (the code feeds Adult's {0,1} labels into the ±1 loss, a quirk not reproduced), and
//   f_m(θ) = Σ_j log(1 + exp(−y_j a_jᵀθ)) + (λ/2)||θ||²   (a SUM over rows, as the code; λ = 1e-3).
// Constants: L_m = λ_max(X_mᵀX_m)/4 + λ = (base^{m−1} + 1)²/4 + λ and L = λ_max(mean X_mᵀX_m)/4 + λ
// (proven upper bounds: kind upper_bound), mu = λ (a lower bound of the strong convexity); f* is
// not known in closed form (the solver of theory/fstar computes it where a run needs it).
class LagLogregProblem final : public Objective {
 public:
  LagLogregProblem(int workers, const LagLinregOptions& opts, double lambda, std::string name);
  std::string name() const override { return name_; }
  int workers() const override { return static_cast<int>(X_.size()); }
  int dim() const override { return opts_.d; }
  int samples(int) const override { return 1; }
  double loss(int i, const Vec& x) const override;
  double loss_grad(int i, const Vec& x, Vec& out) const override;
  void minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const override;
  bool convex() const override { return true; }
  const ProblemConstants& constants() const override { return constants_; }

 private:
  std::string name_;
  LagLinregOptions opts_;
  double lambda_;
  std::vector<Eigen::MatrixXd> X_;  // rows a_j scaled by y_j (row j of X_m times y_j)
  mutable std::vector<Vec> scratch_;
  ProblemConstants constants_;
};

}  // namespace commopt
