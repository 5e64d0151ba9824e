// The constants of the k-class softmax (softmax.hpp) from its data. With G_i = A_i^T A_i/m_i and
// s = softmax(z), the logit Hessian diag(s) − s s^T has eigenvalues in [0, 1/2], so
//   ∇²(mean CE_i) = (1/m_i) Σ_j (a_j a_j^T) ⊗ (diag(s_j) − s_j s_j^T) ⪯ (G_i/2) ⊗ I_K,
// and, with c = λ (ridge, r'' = λI) or 2λ (nonconvex, r'' ∈ [−λ/2, 2λ]) on top:
//   L_i = λ_max(G_i)/2 + c, L = λ_max(mean_i G_i)/2 + c, per sample L_ij = ||a_ij||²/2 + c;
//   one-sample noise: ||a_j ⊗ (s_j − e_y)||² = ||a_j||² ||s_j − e_y||² <= 2||a_j||², so
//   σ² <= 2 max_i mean_j ||a_ij||² (E||g_j − g||² <= E||g_j||²), and
//   E||Δ_j − Δ||² <= E||Δ_j||² <= mean_j (||a_ij||²/2)² ||x − y||²: L_σ <= max_i sqrt(mean_j ||a_ij||⁴/4);
//   L_± <= sqrt(mean_i (λ_max(G_i)/2)²) (the regulariser cancels); L_±,local = 0 (not computed; 0
//   is a valid lower bound of L_±).
// All are upper bounds; for K = 2 the smoothness ones are attained at W = 0 (logit Hessian
// eigenvalue 1/2), hence exact (with the power-iteration margin), as the 2-class softmax's.
#include <algorithm>
#include <cmath>

#include "problems/constants_cache.hpp"
#include "problems/softmax.hpp"
#include "problems/spectral.hpp"

namespace commopt {

namespace {
// λ_max(Σ_t w_t A_t^T A_t) by power iteration on sparse products, with the upper-bound margin.
double gram_sum_lambda_max(const std::vector<const Csr*>& A, const std::vector<double>& weight, Index p) {
  Vec tmp;
  const auto r = power_iteration(
      [&](const Vec& v, Vec& out) {
        out.setZero(p);
        for (std::size_t t = 0; t < A.size(); ++t) {
          tmp.noalias() = *A[t] * v;
          out.noalias() += weight[t] * (A[t]->transpose() * tmp);
        }
      },
      p);
  return r.value * (1 + kPowerIterationMargin);
}
}  // namespace

ProblemConstants SoftmaxProblem::compute_constants() const {
  const double curvature = opts_.ridge ? opts_.lambda : 2.0 * opts_.lambda;
  const double n = workers();
  ProblemConstants c;
  std::vector<const Csr*> all;
  std::vector<double> all_w;
  std::vector<double> lam;  // λ_max(G_i)
  for (const Worker& w : w_) {
    const double m = static_cast<double>(w.A.rows());
    lam.push_back(gram_sum_lambda_max({&w.A}, {1.0 / m}, features_));
    all.push_back(&w.A);
    all_w.push_back(1.0 / (m * n));
  }
  for (double l : lam) c.L_i.push_back(0.5 * l + curvature);
  c.L = 0.5 * gram_sum_lambda_max(all, all_w, features_) + curvature;
  summarize_L_i(c);
  c.mu = opts_.ridge ? opts_.lambda : 0.0;
  c.smoothness_kind = classes_ == 2 ? ConstantKind::exact : ConstantKind::upper_bound;

  double max_rms_sq = 0;
  for (const Worker& w : w_) {
    const double m = static_cast<double>(w.A.rows());
    double sum_sq = 0, sum_l2 = 0, sum_a4 = 0;
    for (Index r = 0; r < w.A.rows(); ++r) {
      const double a2 = w.A.row(r).squaredNorm();
      const double lij = 0.5 * a2 + curvature;
      sum_sq += a2;
      sum_l2 += lij * lij;
      sum_a4 += a2 * a2;
      c.L_max_sample = std::max(c.L_max_sample, lij);
    }
    max_rms_sq = std::max(max_rms_sq, sum_l2 / m);
    c.sigma_sq = std::max(c.sigma_sq, 2.0 * sum_sq / m);
    c.L_sigma = std::max(c.L_sigma, std::sqrt(sum_a4 / (4.0 * m)));
  }
  c.L_max_sample_rms = std::sqrt(max_rms_sq);
  c.noise_kind = ConstantKind::upper_bound;
  if (workers() == 1) {
    c.L_pm = 0;
    c.L_pm_kind = ConstantKind::exact;
  } else {
    double sq = 0;
    for (double l : lam) sq += 0.25 * l * l;
    c.L_pm = std::sqrt(sq / n);
    c.L_pm_kind = ConstantKind::upper_bound;
  }
  c.L_pm_local = 0;
  c.source = "power-iteration";
  return c;
}

}  // namespace commopt
