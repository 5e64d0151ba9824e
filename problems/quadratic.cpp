// Synthetic quadratic problems (see quadratic.hpp).
#include "problems/quadratic.hpp"

#include <cmath>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "problems/constants_cache.hpp"

namespace commopt {

namespace {

constexpr double kMaxQuadraticEntries = 2.5e8;

Eigen::MatrixXd gaussian(Index rows, Index cols, Rng& rng) {
  Eigen::MatrixXd m(rows, cols);
  for (Index c = 0; c < cols; ++c)
    for (Index r = 0; r < rows; ++r) m(r, c) = rng.normal();
  return m;
}

Vec gaussian_vec(Index n, Rng& rng) { return gaussian(n, 1, rng).col(0); }

// Haar-distributed orthogonal matrix: Q of a Gaussian matrix's QR, columns signed by diag(R).
Eigen::MatrixXd random_orthogonal(Index d, Rng& rng) {
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussian(d, d, rng));
  Eigen::MatrixXd Q = qr.householderQ();
  const Eigen::MatrixXd& R = qr.matrixQR();
  for (Index k = 0; k < d; ++k)
    if (R(k, k) < 0) Q.col(k) = -Q.col(k);
  return Q;
}

}  // namespace

QuadraticProblem::QuadraticProblem(int workers, const QuadraticOptions& opts, std::string name)
    : name_(std::move(name)), opts_(opts) {
  const int d = opts.d;
  const double h = opts.heterogeneity;
  if (d < 1) throw UsageError(fmt::format("{}: d={} must be at least 1", name_, d));
  if (!(opts.mu > 0) || !std::isfinite(opts.mu))
    throw UsageError(fmt::format("{}: mu={} must be > 0", name_, opts.mu));
  if (!(opts.L >= opts.mu) || !std::isfinite(opts.L))
    throw UsageError(fmt::format("{}: L={} must be >= mu={}", name_, opts.L, opts.mu));
  if (d == 1 && opts.L != opts.mu)
    throw UsageError(fmt::format("{}: d=1 has one eigenvalue, so mu={} must equal L={}", name_, opts.mu, opts.L));
  if (!(h >= 0) || !std::isfinite(h))
    throw UsageError(fmt::format("{}: workers-heterogeneity={} must be >= 0", name_, h));
  if (workers < 1) throw UsageError(fmt::format("{}: --workers={} must be at least 1", name_, workers));
  // Each worker holds a dense d x d matrix A_i (and construction a few more), so n * d^2 entries bound the
  // memory: at the limit of 2.5e8 entries that is 2 GB for the A_i alone. Refused before any allocation.
  if (const double entries = static_cast<double>(workers) * d * d; entries > kMaxQuadraticEntries)
    throw UsageError(fmt::format("{}: n * d^2 = {} * {}^2 = {:.3g} matrix entries exceeds the limit of {:.3g} "
                                 "(each worker stores a dense d x d matrix); lower d or --workers",
                                 name_, workers, d, entries, kMaxQuadraticEntries));

  Rng rng(opts.seed, -1, 0, Purpose::data);
  Vec eigs(d);
  eigs[0] = opts.mu;
  for (int k = 1; k + 1 < d; ++k) eigs[k] = opts.mu + (opts.L - opts.mu) * rng.uniform();
  eigs[d - 1] = opts.L;
  const Eigen::MatrixXd Q = random_orthogonal(d, rng);
  A_bar_ = Q * eigs.asDiagonal() * Q.transpose();
  A_bar_ = 0.5 * (A_bar_ + A_bar_.transpose()).eval();  // exactly symmetric
  b_bar_ = gaussian_vec(d, rng);

  std::vector<Eigen::MatrixXd> S;
  std::vector<Vec> c;
  Eigen::MatrixXd S_mean = Eigen::MatrixXd::Zero(d, d);
  Vec c_mean = Vec::Zero(d);
  for (int i = 0; i < workers; ++i) {
    Rng wr(opts.seed, i, 0, Purpose::data);
    const Eigen::MatrixXd G = gaussian(d, d, wr);
    S.push_back((G + G.transpose()) / std::sqrt(2.0 * d));
    c.push_back(gaussian_vec(d, wr));
    S_mean += S.back() / workers;
    c_mean += c.back() / workers;
  }
  for (int i = 0; i < workers; ++i) {
    A_.push_back(A_bar_ + h * (S[static_cast<std::size_t>(i)] - S_mean));
    b_.push_back(b_bar_ + h * (c[static_cast<std::size_t>(i)] - c_mean));
    scratch_.push_back(Vec::Zero(d));
  }

  // x* = Ā^{-1} b̄ from the known eigendecomposition, refined once against Ā.
  x_star_ = Q * (Q.transpose() * b_bar_).cwiseQuotient(eigs);
  x_star_ += Q * (Q.transpose() * (b_bar_ - A_bar_ * x_star_)).cwiseQuotient(eigs);

  constants_.mu = opts.mu;
  constants_.L = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(A_bar_, Eigen::EigenvaluesOnly).eigenvalues()[d - 1];
  for (const auto& Ai : A_) {
    const Vec ev = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(Ai, Eigen::EigenvaluesOnly).eigenvalues();
    constants_.L_i.push_back(std::max(std::abs(ev[0]), std::abs(ev[d - 1])));
  }
  summarize_L_i(constants_);
  // One "sample" per worker whose gradient is exact: L_ij = L_i, no oracle noise.
  constants_.L_max_sample = constants_.L_max;
  constants_.L_max_sample_rms = constants_.L_max;
  // Hessian variance (dasha-family.md §4): L_±² = λ_max(mean A_i² − Ā²), Ā the mean of the A_i.
  Eigen::MatrixXd mean_A = Eigen::MatrixXd::Zero(d, d), mean_sq = Eigen::MatrixXd::Zero(d, d);
  for (const auto& Ai : A_) {
    mean_A += Ai / workers;
    mean_sq += Ai * Ai / workers;
  }
  Eigen::MatrixXd var = mean_sq - mean_A * mean_A;
  var = 0.5 * (var + var.transpose()).eval();
  const double var_max =
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(var, Eigen::EigenvaluesOnly).eigenvalues()[d - 1];
  constants_.L_pm = workers == 1 ? 0.0 : std::sqrt(std::max(var_max, 0.0));
  constants_.L_pm_local = constants_.L_pm;
  constants_.f_star = -0.5 * b_bar_.dot(x_star_);
  constants_.f_lower = *constants_.f_star;
  constants_.source = "exact";
}

double QuadraticProblem::loss(int i, const Vec& x) const {
  const auto k = static_cast<std::size_t>(i);
  Vec& Ax = scratch_[k];
  Ax.noalias() = A_[k] * x;
  return 0.5 * x.dot(Ax) - b_[k].dot(x);
}

double QuadraticProblem::loss_grad(int i, const Vec& x, Vec& out) const {
  const auto k = static_cast<std::size_t>(i);
  out.resize(opts_.d);
  out.noalias() = A_[k] * x;
  const double f = 0.5 * x.dot(out) - b_[k].dot(x);
  out -= b_[k];
  return f;
}

void QuadraticProblem::minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const {
  (void)rows;
  (void)loss_grad(i, x, out);
}

}  // namespace commopt
