#include "theory/tiny_problem.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Eigenvalues>
#include <fmt/format.h>

#include "core/rng.hpp"

namespace commopt {

double spectral_norm(const Eigen::MatrixXd& A) {
  return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(A, Eigen::EigenvaluesOnly).eigenvalues().cwiseAbs().maxCoeff();
}

Eigen::MatrixXd random_indefinite_symmetric(int d, Rng& rng) {
  Eigen::MatrixXd G(d, d);
  for (int r = 0; r < d; ++r)
    for (int c = 0; c < d; ++c) G(r, c) = rng.normal();
  return (G + G.transpose()) / (2.0 * std::sqrt(static_cast<double>(d)));
}

TinyProblem::TinyProblem(int d, int n, int m, std::uint64_t seed, TinyShape shape)
    : d_(d), n_(n), m_(m), seed_(seed), x0_(Vec::Zero(d)) {
  Vec S = Vec::Ones(d);
  if (shape.condition != 1 && d > 1)
    for (int k = 0; k < d; ++k) S[k] = std::pow(shape.condition, k / (2.0 * (d - 1)));
  Rng rng(seed, kServer, 2, Purpose::data);
  Eigen::MatrixXd A_mean = Eigen::MatrixXd::Zero(d, d);
  double lhat2 = 0, lrms2 = 0, lmax_sample = 0, ls2 = 0;
  for (int i = 0; i < n; ++i) {
    std::vector<Eigen::MatrixXd> As;
    std::vector<Vec> bs;
    Eigen::MatrixXd Ai = Eigen::MatrixXd::Zero(d, d);
    Vec bi = Vec::Zero(d);
    double rms = 0;
    for (int j = 0; j < m; ++j) {
      Eigen::MatrixXd Aij = random_indefinite_symmetric(d, rng);
      if (shape.condition != 1 || shape.heterogeneity != 1) {
        const double h = n > 1 ? std::pow(shape.heterogeneity, static_cast<double>(i) / (n - 1)) : 1.0;
        Aij = h * (S.asDiagonal() * Aij * S.asDiagonal()).eval();
      }
      Vec bij(d);
      for (int r = 0; r < d; ++r) bij[r] = rng.normal();
      const double lij = spectral_norm(Aij);
      rms += lij * lij / m;
      lmax_sample = std::max(lmax_sample, lij);
      Ai += Aij / m;
      bi += bij / m;
      As.push_back(Aij);
      bs.push_back(bij);
    }
    // L_σ² ≥ λ_max((1/m)Σ_j (A_ij − A_i)²): E_j||(∇f_ij − ∇f_i)(x) − (∇f_ij − ∇f_i)(y)||² for one uniform row.
    Eigen::MatrixXd V = Eigen::MatrixXd::Zero(d, d);
    for (const auto& Aij : As) V += (Aij - Ai) * (Aij - Ai) / m;
    ls2 = std::max(ls2, spectral_norm(V));
    const double Li = spectral_norm(Ai);
    c_.L_i.push_back(Li);
    lhat2 += Li * Li / n;
    lrms2 = std::max(lrms2, rms);
    A_mean += Ai / n;
    A_.push_back(std::move(As));
    b_.push_back(std::move(bs));
    A_i_.push_back(Ai);
    b_i_.push_back(bi);
  }
  c_.L = spectral_norm(A_mean);
  c_.L_hat = std::sqrt(lhat2);
  c_.L_max = *std::max_element(c_.L_i.begin(), c_.L_i.end());
  c_.L_max_sample_rms = std::sqrt(lrms2);
  c_.L_max_sample = lmax_sample;
  // The MVR [CERT]s' L_σ (dasha-family.md §1); σ² grows with ||x|| here, so sigma_sq stays 0 (no
  // uniform bound) and the certificates take σ² at the state (theory/state_potential.hpp).
  c_.L_sigma = std::sqrt(ls2);
  c_.L_pm = c_.L_hat;  // a valid upper bound of the Hessian variance (0 <= L_± <= L̂)
  c_.L_pm_kind = ConstantKind::upper_bound;
  c_.source = "exact";
}

std::string TinyProblem::name() const { return fmt::format("tiny[d={},n={},m={},seed={}]", d_, n_, m_, seed_); }

Vec TinyProblem::grad_i(int i, const Vec& x) const {
  return A_i_[static_cast<std::size_t>(i)] * x - tau_ * b_i_[static_cast<std::size_t>(i)];
}

Vec TinyProblem::grad(const Vec& x) const {
  Vec g = Vec::Zero(d_);
  for (int i = 0; i < n_; ++i) g += grad_i(i, x) / n_;
  return g;
}

double TinyProblem::f(const Vec& x) const {
  double s = 0;
  for (int i = 0; i < n_; ++i) s += loss(i, x) / n_;
  return s;
}

double TinyProblem::loss(int i, const Vec& x) const {
  const auto k = static_cast<std::size_t>(i);
  return 0.5 * x.dot(A_i_[k] * x) - tau_ * b_i_[k].dot(x);
}

double TinyProblem::loss_grad(int i, const Vec& x, Vec& out) const {
  out = grad_i(i, x);
  add_perturbation(i, out);
  return loss(i, x);
}

void TinyProblem::minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const {
  const auto k = static_cast<std::size_t>(i);
  out = Vec::Zero(d_);
  for (int j : rows) out += A_[k][static_cast<std::size_t>(j)] * x - tau_ * b_[k][static_cast<std::size_t>(j)];
  out /= static_cast<double>(rows.size());
  add_perturbation(i, out);
}

void TinyProblem::set_perturbation(std::uint64_t key, const std::vector<double>& scales) {
  perturb_.assign(static_cast<std::size_t>(n_), Vec::Zero(d_));
  for (int i = 0; i < n_; ++i) {
    Rng rng(seed_ ^ key, i, static_cast<std::int64_t>(key), Purpose::data);
    for (int r = 0; r < d_; ++r) perturb_[static_cast<std::size_t>(i)][r] = scales[static_cast<std::size_t>(i)] * rng.normal();
  }
}

void TinyProblem::add_perturbation(int i, Vec& out) const {
  if (!perturb_.empty()) out += perturb_[static_cast<std::size_t>(i)];
}

}  // namespace commopt
