#include "theory/one_step.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/rng.hpp"

namespace commopt {

TinyQuadratics make_tiny_quadratics(int d, int n, std::uint64_t seed) {
  TinyQuadratics q;
  q.d = d;
  q.n = n;
  Rng rng(seed, kServer, 0, Purpose::data);
  q.A_mean = Eigen::MatrixXd::Zero(d, d);
  q.b_mean = Vec::Zero(d);
  for (int i = 0; i < n; ++i) {
    Eigen::MatrixXd G(d, d);
    for (int r = 0; r < d; ++r)
      for (int c = 0; c < d; ++c) G(r, c) = rng.normal();
    Eigen::MatrixXd A = (G + G.transpose()) / (2.0 * std::sqrt(static_cast<double>(d)));
    Vec b(d);
    for (int r = 0; r < d; ++r) b[r] = rng.normal();
    q.A_mean += A / n;
    q.b_mean += b / n;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(A);
    q.L_i.push_back(es.eigenvalues().cwiseAbs().maxCoeff());
    q.A.push_back(A);
    q.b.push_back(b);
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(q.A_mean);
  q.L = es.eigenvalues().cwiseAbs().maxCoeff();
  double s = 0;
  for (double l : q.L_i) s += l * l;
  q.L_hat = std::sqrt(s / n);
  return q;
}

std::vector<std::vector<int>> all_subsets(int d, int k) {
  std::vector<std::vector<int>> out;
  std::vector<bool> mask(static_cast<std::size_t>(d), false);
  std::fill(mask.begin(), mask.begin() + k, true);
  do {
    std::vector<int> s;
    for (int j = 0; j < d; ++j)
      if (mask[static_cast<std::size_t>(j)]) s.push_back(j);
    out.push_back(s);
  } while (std::prev_permutation(mask.begin(), mask.end()));
  return out;
}

Vec topk_dense(const Vec& v, int k) {
  std::vector<int> idx(static_cast<std::size_t>(v.size()));
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return std::abs(v[a]) > std::abs(v[b]); });
  Vec out = Vec::Zero(v.size());
  for (int j = 0; j < k; ++j) out[idx[static_cast<std::size_t>(j)]] = v[idx[static_cast<std::size_t>(j)]];
  return out;
}

EstimatorState random_estimator_state(const TinyQuadratics& q, Rng& rng) {
  EstimatorState s;
  const double sx = std::pow(10.0, 2 * rng.uniform() - 1);
  s.x = Vec(q.d);
  for (int j = 0; j < q.d; ++j) s.x[j] = sx * rng.normal();
  s.g = Vec::Zero(q.d);
  for (int i = 0; i < q.n; ++i) {
    const double se = std::pow(10.0, 4 * rng.uniform() - 3);
    Vec gi = q.grad_i(i, s.x);
    for (int j = 0; j < q.d; ++j) gi[j] += se * rng.normal();
    s.g += gi / q.n;
    s.g_i.push_back(gi);
  }
  return s;
}

const std::vector<std::string>& one_step_methods() {
  static const std::vector<std::string> m = {"gd", "ef21", "dasha", "dasha_page", "dasha_mvr", "dasha_pp", "dasha_pp_mvr", "marina", "pp_marina", "ef21_pp"};
  return m;
}

namespace {

using State = EstimatorState;

double mean_dev(const TinyQuadratics& q, const std::vector<Vec>& g_i, const Vec& x) {
  double s = 0;
  for (int i = 0; i < q.n; ++i) s += (g_i[static_cast<std::size_t>(i)] - q.grad_i(i, x)).squaredNorm() / q.n;
  return s;
}

struct Slack {
  double value, scale;
};

Slack gd_step(const TinyQuadratics& q, const State& s, double gamma) {
  const Vec gf = q.grad(s.x);
  const Vec x1 = s.x - gamma * gf;
  const double phi0 = q.f(s.x), phi1 = q.f(x1);
  return {phi1 - phi0 + gamma / 2 * gf.squaredNorm(), std::abs(phi0) + gamma * gf.squaredNorm()};
}

Slack ef21_step(const TinyQuadratics& q, const State& s, double gamma, int k) {
  const double alpha = static_cast<double>(k) / q.d;
  const double theta = 1 - std::sqrt(1 - alpha);
  const Vec x1 = s.x - gamma * s.g;
  std::vector<Vec> g1 = s.g_i;
  for (int i = 0; i < q.n; ++i) g1[static_cast<std::size_t>(i)] += topk_dense(q.grad_i(i, x1) - s.g_i[static_cast<std::size_t>(i)], k);
  const double c = gamma / (2 * theta);
  const double phi0 = q.f(s.x) + c * mean_dev(q, s.g_i, s.x);
  const double phi1 = q.f(x1) + c * mean_dev(q, g1, x1);
  const double gn = q.grad(s.x).squaredNorm();
  return {phi1 - phi0 + gamma / 2 * gn, std::abs(phi0) + gamma * gn};
}

// DASHA (gradient setting): h_i = ∇f_i(x), m_i = RandK(∇f_i(x⁺) − h_i − a(g_i − h_i)), scaled d/K.
Slack dasha_step(const TinyQuadratics& q, const State& s, double gamma, int k,
                 const std::vector<std::vector<int>>& all) {
  const double omega = static_cast<double>(q.d) / k - 1, a = 1 / (2 * omega + 1), n = q.n;
  const double c1 = gamma * (2 * omega + 1) / 2, c2 = gamma * omega / n;
  const Vec x1 = s.x - gamma * s.g;
  const Vec gf1 = q.grad(x1);
  Vec mean_EY = Vec::Zero(q.d);
  double var_sum = 0, dev_sum = 0;
  for (int i = 0; i < q.n; ++i) {
    const Vec h = q.grad_i(i, s.x), h1 = q.grad_i(i, x1);
    const Vec& gi = s.g_i[static_cast<std::size_t>(i)];
    const Vec v = h1 - h - a * (gi - h);
    Vec EY = Vec::Zero(q.d);
    double EY2 = 0;
    for (const auto& S : all) {  // Y_i = g_i + m_i − ∇f_i(x⁺)
      Vec y = gi - h1;
      for (int j : S) y[j] += static_cast<double>(q.d) / k * v[j];
      EY += y / static_cast<double>(all.size());
      EY2 += y.squaredNorm() / static_cast<double>(all.size());
    }
    mean_EY += EY / n;
    var_sum += EY2 - EY.squaredNorm();
    dev_sum += EY2 / n;
  }
  (void)gf1;
  // g⁺ − ∇f(x⁺) = (1/n) Σ_i Y_i with independent Y_i.
  const double E_global = mean_EY.squaredNorm() + var_sum / (n * n);
  const Vec gf = q.grad(s.x);
  const double phi0 = q.f(s.x) + c1 * (s.g - gf).squaredNorm() + c2 * mean_dev(q, s.g_i, s.x);
  const double phi1 = q.f(x1) + c1 * E_global + c2 * dev_sum;
  return {phi1 - phi0 + gamma / 2 * gf.squaredNorm(), std::abs(phi0) + gamma * gf.squaredNorm()};
}

}  // namespace

OneStepResult one_step_check(const std::string& method, const TinyQuadratics& q, int k, double gamma_factor,
                             int states, std::uint64_t seed) {
  if (method == "marina" || method == "pp_marina" || method == "ef21_pp")
    return one_step_check_marina(method, q, k, gamma_factor, states, seed);
  if (method.rfind("dasha_", 0) == 0) return one_step_check_dasha(method, q.d, q.n, k, std::max(1, q.n / 2), gamma_factor, states, seed);
  OneStepResult r;
  r.method = method;
  r.gamma_factor = gamma_factor;
  r.states = states;
  double theory = 0;
  if (method == "gd") {
    theory = 1 / q.L;
  } else if (method == "ef21") {
    const double alpha = static_cast<double>(k) / q.d, theta = 1 - std::sqrt(1 - alpha);
    theory = 1 / (q.L + q.L_hat * std::sqrt((1 - alpha) / theta / theta));
  } else if (method == "dasha") {
    const double omega = static_cast<double>(q.d) / k - 1;
    theory = 1 / (q.L + std::sqrt(2 * omega * (4 * omega + 1) / q.n) * q.L_hat);
  } else {
    throw std::invalid_argument("no exact one-step model for method '" + method + "'");
  }
  r.gamma = gamma_factor * theory;
  const auto all = all_subsets(q.d, k);
  r.worst_slack = -INFINITY;
  for (int t = 0; t < states; ++t) {
    Rng rng(seed, kServer, t, Purpose::data);
    const State s = random_estimator_state(q, rng);
    Slack sl{};
    if (method == "gd") sl = gd_step(q, s, r.gamma);
    if (method == "ef21") sl = ef21_step(q, s, r.gamma, k);
    if (method == "dasha") sl = dasha_step(q, s, r.gamma, k, all);
    const double rel = sl.value / std::max(1.0, sl.scale);
    r.worst_slack = std::max(r.worst_slack, rel);
    if (rel > 1e-12) ++r.violations;
  }
  return r;
}

}  // namespace commopt
