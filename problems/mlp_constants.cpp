// Constants of the MLP (mlp.hpp). Nothing is known in closed form for a network, so every value
// here is an ESTIMATE at the initial point x^0 (kind estimate; the curvature changes along a run):
//   L_i ≈ ||∇²f_i(x^0)||_2 and L ≈ ||∇²f(x^0)||_2 by power iteration on |λ| (v ← Hv/||Hv||, at most
//     kMaxIter steps, stopped at a relative change of 1e-3), with Hessian-vector products from
//     central differences of the shipped gradients: Hv ≈ (∇f(x^0 + εv) − ∇f(x^0 − εv))/(2ε),
//     ε = 1e-5 (1 + ||x^0||) for ||v|| = 1;
//   per sample, the same on one-row gradients for a few rows per worker (the row of largest ||a||
//     and evenly spaced ones): L_max_sample = their max, L_max_sample_rms = sqrt(max_i mean of L_ij²);
//   σ² ≈ max_i mean_j ||∇f_ij(x^0) − ∇f_i(x^0)||² over up to 256 evenly spaced rows per worker;
//   L_σ ≈ L_max_sample_rms (E||Δ_j − Δ||² <= E||Δ_j||² <= mean L_ij² ||x − y||²);
//   L_± ≈ L_hat (0 <= L_± <= L_hat), 0 for one worker; L_±,local = 0; mu = 0; f_lower = 0 (CE >= 0).
#include <algorithm>
#include <cmath>
#include <functional>

#include "core/rng.hpp"
#include "problems/constants_cache.hpp"
#include "problems/mlp.hpp"

namespace commopt {

namespace {

constexpr int kMaxIter = 25;

using Grad = std::function<void(const Vec& x, Vec& g)>;

// Power iteration for the largest |eigenvalue| of the Hessian of the function whose gradient is
// `grad`, at x0, with finite-difference Hessian-vector products.
double hessian_norm_estimate(const Grad& grad, const Vec& x0, std::uint64_t seed) {
  const Index d = x0.size();
  Rng rng(seed, -2, 1, Purpose::data);
  Vec v(d), gp(d), gm(d), xp(d);
  for (Index k = 0; k < d; ++k) v[k] = rng.normal();
  v.normalize();
  const double eps = 1e-5 * (1 + x0.norm());
  double est = 0;
  for (int it = 0; it < kMaxIter; ++it) {
    xp = x0 + eps * v;
    grad(xp, gp);
    xp = x0 - eps * v;
    grad(xp, gm);
    Vec hv = (gp - gm) / (2 * eps);
    const double next = hv.norm();
    if (!(next > 0) || !std::isfinite(next)) return std::isfinite(next) ? 0.0 : next;
    v = hv / next;
    const bool done = it > 0 && std::abs(next - est) <= 1e-3 * next;
    est = next;
    if (done) break;
  }
  return est;
}

// Up to `count` rows of [0, m): evenly spaced, plus `extra` when it is not among them.
std::vector<int> spaced_rows(int m, int count, int extra) {
  std::vector<int> rows;
  const int c = std::min(m, count);
  for (int t = 0; t < c; ++t) rows.push_back(static_cast<int>(static_cast<long long>(t) * m / c));
  if (extra >= 0 && std::find(rows.begin(), rows.end(), extra) == rows.end()) rows.push_back(extra);
  return rows;
}

}  // namespace

ProblemConstants MlpProblem::compute_constants() const {
  const Vec x0 = initial_point();
  const int n = workers();
  ProblemConstants c;
  for (int i = 0; i < n; ++i)
    c.L_i.push_back(hessian_norm_estimate([&](const Vec& x, Vec& g) { grad(i, x, g); }, x0, 100 + i));
  Vec gi;
  c.L = hessian_norm_estimate(
      [&](const Vec& x, Vec& g) {
        g.setZero(dim_);
        for (int i = 0; i < n; ++i) {
          grad(i, x, gi);
          g += gi / n;
        }
      },
      x0, 99);
  summarize_L_i(c);
  c.mu = 0;
  c.smoothness_kind = ConstantKind::estimate;

  double max_rms_sq = 0;
  Vec gj, g;
  for (int i = 0; i < n; ++i) {
    const Worker& w = w_[static_cast<std::size_t>(i)];
    const int m = static_cast<int>(w.A.rows());
    int widest = 0;
    for (int r = 1; r < m; ++r)
      if (w.A.row(r).squaredNorm() > w.A.row(widest).squaredNorm()) widest = r;
    double sum_sq = 0;
    const std::vector<int> sample = spaced_rows(m, 4, widest);
    for (int r : sample) {
      const std::span<const int> one(&r, 1);
      const double lij = hessian_norm_estimate([&](const Vec& x, Vec& out) { minibatch_grad(i, x, one, out); }, x0,
                                               1000 + static_cast<std::uint64_t>(r));
      c.L_max_sample = std::max(c.L_max_sample, lij);
      sum_sq += lij * lij;
    }
    max_rms_sq = std::max(max_rms_sq, sum_sq / static_cast<double>(sample.size()));
    grad(i, x0, g);
    double var = 0;
    const std::vector<int> noise_rows = spaced_rows(m, 256, -1);
    for (int r : noise_rows) {
      const std::span<const int> one(&r, 1);
      minibatch_grad(i, x0, one, gj);
      var += (gj - g).squaredNorm();
    }
    c.sigma_sq = std::max(c.sigma_sq, var / static_cast<double>(noise_rows.size()));
  }
  c.L_max_sample_rms = std::sqrt(max_rms_sq);
  c.L_sigma = c.L_max_sample_rms;
  c.noise_kind = ConstantKind::estimate;
  c.L_pm = n == 1 ? 0.0 : c.L_hat;
  c.L_pm_local = 0;
  c.L_pm_kind = n == 1 ? ConstantKind::exact : ConstantKind::estimate;
  c.source = "estimate: power iteration on finite-difference Hessian-vector products at x0";
  return c;
}

}  // namespace commopt
