// The constants of the logistic problems from their data (dasha-family.md §1, §4(a); §4(b), (c) for
// sigmoid_lsq and softmax, see compute_constants): smoothness
// (f, f_i, per sample, both L_max conventions), Hessian variance L_±, and the noise constants
// σ², L_σ of the one-sample oracle. With G_i = A_i^T A_i/(4 m_i) and c = λ (logreg) or 2λ
// (logreg_nc), the Hessian of f_i is A_i^T D A_i/m_i + (regulariser) with 0 <= D <= 1/4, and at
// x = 0 it is exactly G_i + c I, so L_i = λ_max(G_i) + c and L = λ_max(mean G_i) + c are attained.
#include <algorithm>
#include <cmath>

#include "problems/constants_cache.hpp"
#include "problems/logistic.hpp"
#include "problems/spectral.hpp"

namespace commopt {

namespace {

// λ_max(A^T diag(w) A) (w >= 0; all ones when `w` is empty), with the power-iteration margin.
double gram_lambda_max(const Csr& A, const Vec& w) {
  const Index p = A.cols();
  double value = 0;
  if (p <= kDenseGramMaxDim) {
    const Eigen::MatrixXd G = w.size() == 0 ? dense_gram(A) : dense_gram(Csr(w.cwiseSqrt().asDiagonal() * A));
    value = power_iteration([&](const Vec& v, Vec& out) { out.noalias() = G * v; }, p).value;
  } else {
    Vec tmp(A.rows());
    value = power_iteration(
                [&](const Vec& v, Vec& out) {
                  tmp.noalias() = A * v;
                  if (w.size() != 0) tmp.array() *= w.array();
                  out.noalias() = A.transpose() * tmp;
                },
                p)
                .value;
  }
  return value * (1 + kPowerIterationMargin);
}

// λ_max(mean_i G_i² − Ḡ²) for G_i = scale_i A_i^T A_i: the Hessian variance of the logistic losses
// at x = 0 (the regulariser cancels). A lower bound of L_±², computed to a looser tolerance.
double hessian_variance_at_zero(const std::vector<const Csr*>& A, const std::vector<double>& scale) {
  const std::size_t n = A.size();
  const Index p = A.front()->cols();
  PowerIterationOptions po;
  po.rel_tol = 1e-8;
  po.max_iter = 500;
  std::vector<Eigen::MatrixXd> dense;
  if (p <= kDenseGramMaxDim)
    for (std::size_t i = 0; i < n; ++i) dense.push_back(scale[i] * dense_gram(*A[i]));
  std::vector<Vec> tmp(n);
  const auto apply_gi = [&](std::size_t i, const Vec& v, Vec& out) {
    if (!dense.empty()) {
      out.noalias() = dense[i] * v;
    } else {
      tmp[i].noalias() = *A[i] * v;
      out.noalias() = A[i]->transpose() * tmp[i];
      out *= scale[i];
    }
  };
  Vec gv(p), ggv(p), mean_gv(p), mean_ggv(p), gbar2(p);
  const double r = power_iteration(
                       [&](const Vec& v, Vec& out) {
                         mean_gv.setZero();
                         mean_ggv.setZero();
                         for (std::size_t i = 0; i < n; ++i) {
                           apply_gi(i, v, gv);
                           apply_gi(i, gv, ggv);
                           mean_gv += gv / static_cast<double>(n);
                           mean_ggv += ggv / static_cast<double>(n);
                         }
                         out = mean_ggv;  // mean G_i² v − Ḡ(Ḡ v)
                         for (std::size_t i = 0; i < n; ++i) {
                           apply_gi(i, mean_gv, gbar2);
                           out -= gbar2 / static_cast<double>(n);
                         }
                       },
                       p, po)
                       .value;
  return std::max(r, 0.0);
}

}  // namespace

ProblemConstants LogisticProblem::compute_constants() const {
  const double curvature = opts_.nonconvex ? 2.0 * opts_.lambda : opts_.lambda;
  // Per-sample loss φ of the margin: hc = sup|φ''|, h0 = φ''(0), gc = sup|φ'| (logistic: 1/4, 1/4, 1;
  // sigmoid_lsq §4(b): 0.15406, 1/8, 8/27); softmax lifts every L by 2 and σ² by 2 (logistic.hpp).
  const bool sig = opts_.loss == LossKind::sigmoid_lsq;
  const double hc = sig ? 0.15406 : 0.25, h0 = sig ? 0.125 : 0.25, gc = sig ? 8.0 / 27.0 : 1.0;
  const double lift = opts_.loss == LossKind::softmax ? 2.0 : 1.0;
  const Index p = features_;
  const double n = workers();
  ProblemConstants c;
  double global = 0;
  std::vector<double> lam;  // λ_max(A_i^T A_i)/m_i, with margin
  if (p <= kDenseGramMaxDim) {
    Eigen::MatrixXd mean = Eigen::MatrixXd::Zero(p, p);
    for (const Worker& w : w_) {
      const Eigen::MatrixXd G = dense_gram(w.A);
      const auto r = power_iteration([&](const Vec& v, Vec& out) { out.noalias() = G * v; }, p);
      lam.push_back(r.value * (1 + kPowerIterationMargin) / static_cast<double>(w.A.rows()));
      mean += G / (static_cast<double>(w.A.rows()) * n);
    }
    global = power_iteration([&](const Vec& v, Vec& out) { out.noalias() = mean * v; }, p).value;
  } else {
    for (const Worker& w : w_) lam.push_back(gram_lambda_max(w.A, Vec()) / static_cast<double>(w.A.rows()));
    global = power_iteration(
                 [&](const Vec& v, Vec& out) {
                   out.setZero(p);
                   for (const Worker& w : w_) {
                     const Vec tmp = w.A * v;
                     out.noalias() += (w.A.transpose() * tmp) / (static_cast<double>(w.A.rows()) * n);
                   }
                 },
                 p)
                 .value;
  }
  for (double l : lam) c.L_i.push_back(lift * hc * l + curvature);
  c.L = lift * hc * global * (1 + kPowerIterationMargin) + curvature;
  c.mu = opts_.nonconvex || opts_.loss != LossKind::logistic ? 0.0 : opts_.lambda;
  summarize_L_i(c);
  // Logistic curvature hc is attained at x = 0 (exact); sigmoid_lsq's sup|φ''| is not (upper bound).
  c.smoothness_kind = sig ? ConstantKind::upper_bound : ConstantKind::exact;

  // Per sample: L_ij = lift hc ||a_ij||² + c. Noise of one uniform sample (the regulariser cancels):
  // σ² <= lift gc² max_i mean_j ||a_ij||² and, since Δ_j = d_j a_j a_j^T (x−y) with |d_j| <= hc,
  // L_σ² <= lift² max_i λ_max((hc²/m_i) Σ_j ||a_ij||² a_ij a_ij^T) <= the spec's max_i mean_j hc²||a_ij||⁴.
  double max_rms_sq = 0;
  for (const Worker& w : w_) {
    const double m = static_cast<double>(w.A.rows());
    Vec sq(w.A.rows());
    for (Index r = 0; r < w.A.rows(); ++r) sq[r] = w.A.row(r).squaredNorm();
    const Vec lij = lift * hc * sq + Vec::Constant(sq.size(), curvature);
    max_rms_sq = std::max(max_rms_sq, lij.squaredNorm() / m);
    c.L_max_sample = std::max(c.L_max_sample, lij.maxCoeff());
    c.sigma_sq = std::max(c.sigma_sq, lift * gc * gc * sq.sum() / m);
    const double ls = gram_lambda_max(w.A, sig ? Vec(sq * (hc * hc / m)) : Vec(sq / (16.0 * m)));  // logistic: as v2
    c.L_sigma = std::max(c.L_sigma, lift * std::sqrt(ls));
  }
  c.L_max_sample_rms = std::sqrt(max_rms_sq);
  c.noise_kind = ConstantKind::upper_bound;

  // Hessian variance: the regulariser is common to all f_i and cancels. One worker: exactly 0.
  if (workers() == 1) {
    c.L_pm = 0;
    c.L_pm_local = 0;
    c.L_pm_kind = ConstantKind::exact;
  } else {
    double sq = 0;
    for (double l : lam) sq += l * l;
    // (1/n)Σ||(H_i − H̄)v||² <= (1/n)Σ||H_i v||² <= mean (lift hc λ_i)² ||v||²
    c.L_pm = lift * hc * std::sqrt(sq / n);
    std::vector<const Csr*> A;
    std::vector<double> scale;
    for (const Worker& w : w_) {
      A.push_back(&w.A);
      scale.push_back(h0 / static_cast<double>(w.A.rows()));  // the Hessians at x = 0
    }
    c.L_pm_local = std::min(lift * std::sqrt(hessian_variance_at_zero(A, scale)), c.L_pm);
    c.L_pm_kind = ConstantKind::upper_bound;
  }
  c.source = "power-iteration";
  return c;
}

}  // namespace commopt
