// LAG's synthetic linear regression (see lag_synthetic.hpp).
#include "problems/lag_synthetic.hpp"

#include <cmath>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "problems/constants_cache.hpp"

namespace commopt {

LagLinregProblem::LagLinregProblem(int workers, const LagLinregOptions& opts, std::string name)
    : name_(std::move(name)), opts_(opts) {
  const int d = opts.d;
  if (d < 2 || d > 2000) throw UsageError(fmt::format("{}: d={} must be between 2 and 2000", name_, d));
  if (!(opts.base > 0) || !std::isfinite(opts.base))
    throw UsageError(fmt::format("{}: base={} must be a positive number", name_, opts.base));
  if (workers < 1 || workers > 200)
    throw UsageError(fmt::format("{}: --workers={} must be between 1 and 200", name_, workers));
  Eigen::MatrixXd H_mean = Eigen::MatrixXd::Zero(d, d);
  Vec b_mean = Vec::Zero(d);
  double c_mean = 0;
  for (int m = 0; m < workers; ++m) {
    Rng rng(opts.seed, m, 0, Purpose::data);
    Vec q(d);
    for (int k = 0; k < d; ++k) q[k] = rng.normal();
    q /= q.norm();
    Vec y(d);
    for (int k = 0; k < d; ++k) y[k] = rng.normal();
    const double c = std::pow(opts.base, m);  // base^{m−1} for the paper's m = 1..M
    Eigen::MatrixXd X = c * q * q.transpose() + Eigen::MatrixXd::Identity(d, d);
    Eigen::MatrixXd H = X.transpose() * X;
    H = 0.5 * (H + H.transpose()).eval();
    Xty_.push_back(X.transpose() * y);
    yy_.push_back(0.5 * y.squaredNorm());
    H_mean += H / workers;
    b_mean += Xty_.back() / workers;
    c_mean += yy_.back() / workers;
    constants_.L_i.push_back((c + 1) * (c + 1));  // exact: eigenvalues (c+1)² (along q) and 1
    X_.push_back(std::move(X));
    H_.push_back(std::move(H));
    y_.push_back(std::move(y));
    scratch_.push_back(Vec::Zero(d));
  }
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(H_mean);
  constants_.L = es.eigenvalues()[d - 1];
  constants_.mu = es.eigenvalues()[0];
  x_star_ = es.eigenvectors() * (es.eigenvectors().transpose() * b_mean).cwiseQuotient(es.eigenvalues());
  x_star_ += H_mean.ldlt().solve(b_mean - H_mean * x_star_);
  summarize_L_i(constants_);
  constants_.L_max_sample = constants_.L_max;
  constants_.L_max_sample_rms = constants_.L_max;
  Eigen::MatrixXd sq = Eigen::MatrixXd::Zero(d, d);
  for (const auto& H : H_) sq += H * H / workers;
  Eigen::MatrixXd var = sq - H_mean * H_mean;
  var = 0.5 * (var + var.transpose()).eval();
  const double vmax = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(var, Eigen::EigenvaluesOnly).eigenvalues()[d - 1];
  constants_.L_pm = workers == 1 ? 0.0 : std::sqrt(std::max(vmax, 0.0));
  constants_.L_pm_local = constants_.L_pm;
  // f* = ½ x*ᵀ H̄ x* − b̄ᵀx* + c̄ = c̄ − ½ b̄ᵀx* at the exact minimizer.
  constants_.f_star = c_mean - 0.5 * b_mean.dot(x_star_);
  constants_.f_lower = *constants_.f_star;
  constants_.source = "exact";
}

double LagLinregProblem::loss(int i, const Vec& x) const {
  const auto k = static_cast<std::size_t>(i);
  Vec& r = scratch_[k];
  r.noalias() = X_[k] * x;
  r -= y_[k];
  return 0.5 * r.squaredNorm();
}

double LagLinregProblem::loss_grad(int i, const Vec& x, Vec& out) const {
  const auto k = static_cast<std::size_t>(i);
  out.resize(opts_.d);
  out.noalias() = H_[k] * x;  // X_mᵀ(X_m x − y_m) = H_m x − X_mᵀy_m
  const double f = 0.5 * x.dot(out) - Xty_[k].dot(x) + yy_[k];
  out -= Xty_[k];
  return f;
}

void LagLinregProblem::minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const {
  (void)rows;
  (void)loss_grad(i, x, out);
}

LagLogregProblem::LagLogregProblem(int workers, const LagLinregOptions& opts, double lambda, std::string name)
    : name_(std::move(name)), opts_(opts), lambda_(lambda) {
  const int d = opts.d;
  if (d < 2 || d > 2000) throw UsageError(fmt::format("{}: d={} must be between 2 and 2000", name_, d));
  if (!(opts.base > 0) || !std::isfinite(opts.base))
    throw UsageError(fmt::format("{}: base={} must be a positive number", name_, opts.base));
  if (!(lambda >= 0) || !std::isfinite(lambda))
    throw UsageError(fmt::format("{}: lambda={} must be >= 0", name_, lambda));
  if (workers < 1 || workers > 200)
    throw UsageError(fmt::format("{}: --workers={} must be between 1 and 200", name_, workers));
  Eigen::MatrixXd H_mean = Eigen::MatrixXd::Zero(d, d);
  for (int m = 0; m < workers; ++m) {
    Rng rng(opts.seed, m, 0, Purpose::data);
    Vec q(d);
    for (int k = 0; k < d; ++k) q[k] = rng.normal();
    q /= q.norm();
    const double c = std::pow(opts.base, m);
    Eigen::MatrixXd X = c * q * q.transpose() + Eigen::MatrixXd::Identity(d, d);
    H_mean += X.transpose() * X / workers;
    for (int j = 0; j < d; ++j) X.row(j) *= rng.uniform() < 0.5 ? -1.0 : 1.0;  // y_j a_j
    constants_.L_i.push_back((c + 1) * (c + 1) / 4 + lambda);
    X_.push_back(std::move(X));
    scratch_.push_back(Vec::Zero(d));
  }
  H_mean = 0.5 * (H_mean + H_mean.transpose()).eval();
  constants_.L = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(H_mean, Eigen::EigenvaluesOnly).eigenvalues()[d - 1] / 4 + lambda;
  constants_.mu = lambda;
  summarize_L_i(constants_);
  constants_.L_max_sample = constants_.L_max;
  constants_.L_max_sample_rms = constants_.L_max;
  constants_.L_pm = constants_.L_hat;  // a valid (loose) bound: L_pm <= L_hat
  constants_.L_pm_local = 0;
  constants_.L_pm_kind = ConstantKind::upper_bound;
  constants_.smoothness_kind = ConstantKind::upper_bound;
  constants_.f_lower = 0;
  constants_.source = "upper bounds (sigma(1-sigma) <= 1/4)";
}

double LagLogregProblem::loss(int i, const Vec& x) const {
  const auto k = static_cast<std::size_t>(i);
  Vec& z = scratch_[k];
  z.noalias() = X_[k] * x;  // y_j a_j^T x
  double f = 0;
  for (Index j = 0; j < z.size(); ++j) f += z[j] > 0 ? std::log1p(std::exp(-z[j])) : -z[j] + std::log1p(std::exp(z[j]));
  return f + 0.5 * lambda_ * x.squaredNorm();
}

double LagLogregProblem::loss_grad(int i, const Vec& x, Vec& out) const {
  const auto k = static_cast<std::size_t>(i);
  const double f = loss(i, x);
  Vec& z = scratch_[k];  // holds y_j a_j^T x after loss(); becomes −σ(−z_j)
  for (Index j = 0; j < z.size(); ++j) z[j] = -1.0 / (1.0 + std::exp(z[j]));
  out.resize(opts_.d);
  out.noalias() = X_[k].transpose() * z;
  out += lambda_ * x;
  return f;
}

void LagLogregProblem::minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const {
  (void)rows;
  (void)loss_grad(i, x, out);
}

}  // namespace commopt
