// Exact one-step potential models of the MARINA family and EF21-PP (dasha-family.md §3.6, §3.8, §7),
// on the tiny nonconvex quadratics of one_step.hpp. State: x and arbitrary g_i (g = mean g_i);
// x⁺ = x − γ g, Δ_i = ∇f_i(x⁺) − ∇f_i(x), e = g − ∇f(x).
//   marina [CERT]: p = k/d = 1/(1+ω), γ = 1/(L + L̂ sqrt((1−p)ω/(pn))), Φ = f + (γ/(2p))||g − ∇f||².
//     w.p. p: g⁺ = ∇f(x⁺) (error 0); else g⁺ − ∇f(x⁺) = e + (1/n)Σ_i (C_i(Δ_i) − Δ_i), so
//     E||g⁺ − ∇f(x⁺)||² = (1−p)(||e||² + (1/n²)Σ_i Var_i), Var_i over every RandK subset (exact).
//   pp_marina [DERIVED]: p = s/(n(1+ω)), γ = 1/(L + L̂ sqrt((1−p)/p (ω/s + (n−s)/(s(n−1))))); compressed
//     rounds: g⁺ − ∇f(x⁺) = e + ((1/s)Σ_{i∈S}Δ_i − Δ̄) + (1/s)Σ_{i∈S}(C_i(Δ_i) − Δ_i), every s-subset S
//     enumerated, s = max(1, n/2).
//   ef21_pp [DERIVED]: s-nice, q = s/n, TopK k; θ_q = 1 − sqrt(1 − qα), β_q = (1 − qα)/θ_q,
//     γ = 1/(L + L̂ sqrt(β_q/θ_q)), Φ = f + (γ/(2θ_q)) (1/n)Σ||g_i − ∇f_i||²; g_i⁺ = g_i + TopK(∇f_i(x⁺) − g_i)
//     w.p. q (marginal of the s-nice sample), else g_i.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/rng.hpp"
#include "theory/one_step.hpp"

namespace commopt {
namespace {

// Var_i = E||C(v) − v||² over all RandK subsets (scale d/k).
double randk_var(const Vec& v, int k, const std::vector<std::vector<int>>& all) {
  double e2 = 0;
  const double sc = static_cast<double>(v.size()) / k;
  for (const auto& S : all) {
    Vec y = -v;
    for (int j : S) y[j] += sc * v[j];
    e2 += y.squaredNorm() / static_cast<double>(all.size());
  }
  return e2;
}

using MState = EstimatorState;

}  // namespace

OneStepResult one_step_check_marina(const std::string& method, const TinyQuadratics& q, int k, double gamma_factor,
                                    int states, std::uint64_t seed) {
  const int d = q.d, n = q.n, s_n = std::max(1, n / 2);
  const double omega = static_cast<double>(d) / k - 1;
  double p = 0, theory = 0, theta = 1, qpart = 1;
  if (method == "marina") {
    p = 1 / (1 + omega);
    theory = 1 / (q.L + q.L_hat * std::sqrt((1 - p) * omega / (p * n)));
  } else if (method == "pp_marina") {
    p = s_n / (n * (1 + omega));
    const double extra = n > 1 ? (n - s_n) / (static_cast<double>(s_n) * (n - 1)) : 0.0;
    theory = 1 / (q.L + q.L_hat * std::sqrt((1 - p) / p * (omega / s_n + extra)));
  } else if (method == "ef21_pp") {
    qpart = static_cast<double>(s_n) / n;
    const double qa = qpart * k / d;
    theta = 1 - std::sqrt(1 - qa);
    theory = 1 / (q.L + q.L_hat * std::sqrt((1 - qa) / theta / theta));
  } else {
    throw std::invalid_argument("no exact one-step model for method '" + method + "'");
  }
  OneStepResult r;
  r.method = method;
  r.gamma_factor = gamma_factor;
  r.states = states;
  r.gamma = gamma_factor * theory;
  const double gamma = r.gamma;
  const auto all = all_subsets(d, k);
  const auto nice = all_subsets(n, s_n);
  r.worst_slack = -INFINITY;
  for (int t = 0; t < states; ++t) {
    Rng rng(seed, kServer, t, Purpose::data);
    const MState st = random_estimator_state(q, rng);
    const Vec gf = q.grad(st.x), x1 = st.x - gamma * st.g;
    const double gn = gf.squaredNorm();
    double phi0 = 0, phi1 = 0;
    if (method == "ef21_pp") {
      double dev0 = 0, dev1 = 0;
      for (int i = 0; i < n; ++i) {
        const Vec& gi = st.g_i[static_cast<std::size_t>(i)];
        const Vec h1 = q.grad_i(i, x1);
        dev0 += (gi - q.grad_i(i, st.x)).squaredNorm() / n;
        const Vec upd = gi + topk_dense(h1 - gi, k);
        dev1 += (qpart * (upd - h1).squaredNorm() + (1 - qpart) * (gi - h1).squaredNorm()) / n;
      }
      const double c = gamma / (2 * theta);
      phi0 = q.f(st.x) + c * dev0;
      phi1 = q.f(x1) + c * dev1;
    } else {
      std::vector<Vec> delta;
      std::vector<double> var;
      Vec dbar = Vec::Zero(d);
      for (int i = 0; i < n; ++i) {
        delta.push_back(q.grad_i(i, x1) - q.grad_i(i, st.x));
        var.push_back(randk_var(delta.back(), k, all));
        dbar += delta.back() / n;
      }
      const double e2 = (st.g - gf).squaredNorm();
      double extra = 0;  // E||g⁺ − ∇f(x⁺)||² − ||e||² in a compressed round
      if (method == "marina") {
        for (double v : var) extra += v / (static_cast<double>(n) * n);
      } else {
        for (const auto& S : nice) {
          Vec mean_s = Vec::Zero(d);
          double vs = 0;
          for (int i : S) {
            mean_s += delta[static_cast<std::size_t>(i)] / s_n;
            vs += var[static_cast<std::size_t>(i)] / (static_cast<double>(s_n) * s_n);
          }
          extra += ((mean_s - dbar).squaredNorm() + vs) / static_cast<double>(nice.size());
        }
      }
      phi0 = q.f(st.x) + gamma / (2 * p) * e2;
      phi1 = q.f(x1) + gamma / (2 * p) * (1 - p) * (e2 + extra);
    }
    const double rel = (phi1 - phi0 + gamma / 2 * gn) / std::max(1.0, std::abs(phi0) + gamma * gn);
    r.worst_slack = std::max(r.worst_slack, rel);
    if (rel > 1e-12) ++r.violations;
  }
  return r;
}

}  // namespace commopt
