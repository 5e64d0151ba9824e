// Exact one-step potential tests of the DASHA family's [CERT]s (dasha-family.md §3.2, §3.3, §3.5, §7):
// DASHA-PAGE, DASHA-MVR, DASHA-PP (gradient, s-nice) and DASHA-PP-MVR (s-nice), on tiny nonconvex
// finite sums f_i = (1/m)Σ_j f_ij, f_ij(x) = ½xᵀA_ij x − b_ijᵀx, B = 1. For an arbitrary state
// (x, g_i, h_i) the expectation of
//   Φ = f + c1||g − h||² + c2 (1/n)Σ||g_i − h_i||² + c3||h − ∇f||² + c4 (1/n)Σ||h_i − ∇f_i||²
// after one round is computed exactly: the shared outcome (PAGE coin, the s-subset S) is enumerated
// with its probability; given it, workers are independent, each enumerating its sample j and every
// RandK subset, so E||(1/n)Σ_i Y_i||² = ||(1/n)Σ_i E Y_i||² + Σ_i Var Y_i / n². The test asserts
//   E Φ^{t+1} − Φ^t + (γ/2)||∇f(x^t)||² − noise ≤ 1e-12 (relative), noise = the [CERT]'s σ² term with
// σ² = max_i E_j||∇f_ij(z) − ∇f_i(z)||² over z ∈ {x^t, x^{t+1}}.
// The update is the one of lib/methods/dasha_family.hpp (k_i, h_i += k_i/p_a, m_i = C((k_i − a(g_i − h_i))/p_a)).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/rng.hpp"
#include "theory/one_step.hpp"
#include "theory/tiny_problem.hpp"

namespace commopt {
namespace {

struct FiniteSum {
  TinyQuadratics q;  // the f_i = mean_j f_ij
  int m = 3;
  std::vector<std::vector<Eigen::MatrixXd>> A;
  std::vector<std::vector<Vec>> b;
  double L_max_rms = 0, L_sigma = 0;
  Vec grad_ij(int i, int j, const Vec& x) const {
    return A[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] * x - b[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
  }
};

FiniteSum make_finite_sum(int d, int n, int m, std::uint64_t seed) {
  FiniteSum fs;
  fs.m = m;
  TinyQuadratics& q = fs.q;
  q.d = d, q.n = n;
  Rng rng(seed, kServer, 1, Purpose::data);
  q.A_mean = Eigen::MatrixXd::Zero(d, d);
  q.b_mean = Vec::Zero(d);
  double lmax2 = 0, ls2 = 0, lhat2 = 0;
  for (int i = 0; i < n; ++i) {
    std::vector<Eigen::MatrixXd> As;
    std::vector<Vec> bs;
    Eigen::MatrixXd Ai = Eigen::MatrixXd::Zero(d, d);
    Vec bi = Vec::Zero(d);
    double rms = 0;
    for (int j = 0; j < m; ++j) {
      Eigen::MatrixXd Aij = random_indefinite_symmetric(d, rng);
      Vec bij(d);  // rows share b_i up to a small spread: the noise σ² is then mostly ∝ ||x||², like the rest
      if (j == 0)
        for (int r = 0; r < d; ++r) bij[r] = rng.normal();
      else
        for (int r = 0; r < d; ++r) bij[r] = bs[0][r] + 0.1 * rng.normal();
      Ai += Aij / m;
      bi += bij / m;
      rms += std::pow(Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(Aij).eigenvalues().cwiseAbs().maxCoeff(), 2) / m;
      As.push_back(Aij);
      bs.push_back(bij);
    }
    Eigen::MatrixXd V = Eigen::MatrixXd::Zero(d, d);  // mean_j (A_ij − A_i)²
    for (const auto& Aij : As) V += (Aij - Ai) * (Aij - Ai) / m;
    ls2 = std::max(ls2, Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(V).eigenvalues().maxCoeff());
    lmax2 = std::max(lmax2, rms);
    const double Li = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(Ai).eigenvalues().cwiseAbs().maxCoeff();
    lhat2 += Li * Li / n;
    q.L_i.push_back(Li);
    q.A.push_back(Ai);
    q.b.push_back(bi);
    q.A_mean += Ai / n;
    q.b_mean += bi / n;
    fs.A.push_back(As);
    fs.b.push_back(bs);
  }
  q.L = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(q.A_mean).eigenvalues().cwiseAbs().maxCoeff();
  q.L_hat = std::sqrt(lhat2);
  fs.L_max_rms = std::sqrt(lmax2);
  fs.L_sigma = std::sqrt(ls2);
  return fs;
}

struct Model {
  bool page = false, stochastic = false;
  double pa = 1, paa = 1, a = 1, beta = 1, p_coin = 1, omega = 0, gamma = 0;
  double c1 = 0, c2 = 0, c3 = 0, c4 = 0, noise_coef = 0;  // noise = noise_coef · σ²
  int s = 0;  // s-nice (0: full)
};

// Step size and potential of `method` at γ = factor × theory (B = 1).
Model make_model(const std::string& method, const FiniteSum& fs, int k, int s, double factor) {
  const TinyQuadratics& q = fs.q;
  Model M;
  const double n = q.n, w = static_cast<double>(q.d) / k - 1, Lh2 = q.L_hat * q.L_hat;
  const double Lm2 = fs.L_max_rms * fs.L_max_rms, Ls2 = fs.L_sigma * fs.L_sigma;
  M.omega = w;
  double A = 0;
  if (method == "dasha_page") {
    M.page = true;
    const double p = 1.0 / (1 + fs.m);
    M.p_coin = p, M.a = 1 / (2 * w + 1), M.beta = 1;
    A = 4 * w * (4 * w + 1) / n * ((1 + p) * Lh2 + 3 * (1 - p) * Lm2) + 2 * (1 - p) * Lm2 / (p * n);
    M.gamma = factor / (q.L + std::sqrt(A));
    const double g = M.gamma;
    M.c1 = g * (2 * w + 1), M.c2 = 2 * g * w / n, M.c3 = g / p, M.c4 = 4 * w * (4 * w + 1) * g / n;
  } else if (method == "dasha_mvr") {
    M.stochastic = true;
    const double b = 0.25;
    M.a = 1 / (2 * w + 1), M.beta = b;
    A = 8 * w * (4 * w + 1) / n * (Lh2 + (1 - b) * (1 - b) * Ls2) + 4 * (1 - b) * (1 - b) * Ls2 / (b * n) +
        16 * b * w * (4 * w + 1) * (1 - b) * (1 - b) * Ls2 / n;
    M.gamma = factor / (q.L + std::sqrt(A));
    const double g = M.gamma;
    M.c1 = g * (2 * w + 1), M.c2 = 2 * g * w / n, M.c3 = g / b, M.c4 = 4 * b * w * (4 * w + 1) * g / n;
    M.noise_coef = g * (2 * b + 4 * b * b * w * (4 * w + 1) * (1 + 2 * b)) / n;
  } else if (method == "dasha_pp" || method == "dasha_pp_mvr") {
    if (s < 1 || s > q.n) throw std::invalid_argument("dasha_pp one-step model needs 1 <= s <= n");
    M.s = s;
    const double pa = s / n, paa = q.n > 1 ? s * (s - 1.0) / (n * (n - 1)) : 1, r = 1 - paa / pa;
    M.pa = pa, M.paa = paa, M.a = pa / (2 * w + 1);
    if (method == "dasha_pp") {
      const double Q = 2 * w * (4 * w + 1) + (2 * w + 2 - pa) * r;
      M.beta = pa / (2 - pa);
      A = 4 * (4 - 3 * pa) / (2 - pa) * Q * Lh2 / (n * pa * pa);
      M.gamma = factor / (q.L + std::sqrt(A));
      const double g = M.gamma;
      M.c3 = g * (2 - pa) / pa, M.c4 = 2 * g * Q / ((2 - pa) * n * pa);
    } else {
      M.stochastic = true;
      const double b = 0.5 * pa / (2 - pa);
      M.beta = b;
      const double Qb = 2 * w * (4 * w + 1) + (2 * w + pa / b) * r, K = Qb / (n * pa * pa);
      const double E = (2 * w * (4 * w + 1) + 2 * w * r) / (n * pa * pa) + 1 / (b * n * pa) + 2 * b * K / pa;
      A = 4 * Lh2 * (1 + 2 * b * (1 - pa) / pa) * K + 4 * (1 - b) * (1 - b) * Ls2 * E;
      M.gamma = factor / (q.L + std::sqrt(A));
      const double g = M.gamma;
      M.c3 = g / b, M.c4 = 2 * b * g * K, M.noise_coef = 2 * g * b * b * E;
    }
    M.c1 = M.gamma * (2 * w + 1) / pa, M.c2 = M.gamma * (r + 2 * w) / (n * pa);
  } else {
    throw std::invalid_argument("no exact one-step model for method '" + method + "'");
  }
  return M;
}

struct Stats {  // per worker, given the shared outcome
  Vec Eu, Ew;
  double Eu2 = 0, Ew2 = 0;
};

double slack_one_state(const FiniteSum& fs, const Model& M, int k, const std::vector<std::vector<int>>& subsets,
                       Rng& rng, double& scale) {
  const TinyQuadratics& q = fs.q;
  const int d = q.d, n = q.n;
  const double sx = std::pow(10.0, 2 * rng.uniform() - 1);
  Vec x(d);
  for (int j = 0; j < d; ++j) x[j] = sx * rng.normal();
  std::vector<Vec> g(static_cast<std::size_t>(n)), h(static_cast<std::size_t>(n));
  Vec gm = Vec::Zero(d);
  for (int i = 0; i < n; ++i) {
    for (auto* v : {&g[static_cast<std::size_t>(i)], &h[static_cast<std::size_t>(i)]}) {
      const double se = std::pow(10.0, 4 * rng.uniform() - 3);
      *v = q.grad_i(i, x);
      for (int j = 0; j < d; ++j) (*v)[j] += se * rng.normal();
    }
    gm += g[static_cast<std::size_t>(i)] / n;
  }
  const Vec x1 = x - M.gamma * gm;
  // Φ^t
  Vec gh = Vec::Zero(d), hf = Vec::Zero(d);
  double dev_gh = 0, dev_hf = 0;
  for (int i = 0; i < n; ++i) {
    const Vec& gi = g[static_cast<std::size_t>(i)];
    const Vec& hi = h[static_cast<std::size_t>(i)];
    gh += (gi - hi) / n, hf += (hi - q.grad_i(i, x)) / n;
    dev_gh += (gi - hi).squaredNorm() / n, dev_hf += (hi - q.grad_i(i, x)).squaredNorm() / n;
  }
  const double phi0 = q.f(x) + M.c1 * gh.squaredNorm() + M.c2 * dev_gh + M.c3 * hf.squaredNorm() + M.c4 * dev_hf;
  // Shared outcomes: (participation mask, coin) with probabilities.
  std::vector<std::pair<double, std::vector<char>>> masks;
  if (M.s == 0) {
    masks.push_back({1.0, std::vector<char>(static_cast<std::size_t>(n), 1)});
  } else {
    const auto sets = all_subsets(n, M.s);
    for (const auto& S : sets) {
      std::vector<char> mk(static_cast<std::size_t>(n), 0);
      for (int i : S) mk[static_cast<std::size_t>(i)] = 1;
      masks.push_back({1.0 / static_cast<double>(sets.size()), mk});
    }
  }
  std::vector<std::pair<double, int>> coins = {{1.0, 1}};
  if (M.page) coins = {{M.p_coin, 1}, {1 - M.p_coin, 0}};
  double E_phi1 = q.f(x1);
  const double scl = static_cast<double>(d) / k;
  for (const auto& [pm, mask] : masks)
    for (const auto& [pc, coin] : coins) {
      Vec mu = Vec::Zero(d), mw = Vec::Zero(d);
      double var_u = 0, var_w = 0, dev_u = 0, dev_w = 0;
      for (int i = 0; i < n; ++i) {
        const Vec& gi = g[static_cast<std::size_t>(i)];
        const Vec& hi = h[static_cast<std::size_t>(i)];
        const Vec f1 = q.grad_i(i, x1);
        Stats st{Vec::Zero(d), Vec::Zero(d)};
        auto add = [&](double p, const Vec& u, const Vec& wv) {
          st.Eu += p * u, st.Ew += p * wv, st.Eu2 += p * u.squaredNorm(), st.Ew2 += p * wv.squaredNorm();
        };
        if (!mask[static_cast<std::size_t>(i)]) {
          add(1.0, gi - hi, hi - f1);
        } else {
          const bool sampled = M.stochastic || (M.page && coin == 0);
          const int J = sampled ? fs.m : 1;
          const double beta = (M.page && coin == 0) ? 0.0 : M.beta;
          for (int j = 0; j < J; ++j) {
            const Vec A1 = sampled ? fs.grad_ij(i, j, x1) : f1;
            const Vec A0 = sampled ? fs.grad_ij(i, j, x) : q.grad_i(i, x);
            const Vec kk = A1 - A0 - beta * (hi - A0);
            const Vec h1 = hi + kk / M.pa;
            const Vec v = (kk - M.a * (gi - hi)) / M.pa;
            for (const auto& S : subsets) {
              Vec g1 = gi;
              for (int c : S) g1[c] += scl * v[c];
              add(1.0 / (J * static_cast<double>(subsets.size())), g1 - h1, h1 - f1);
            }
          }
        }
        mu += st.Eu / n, mw += st.Ew / n;
        var_u += st.Eu2 - st.Eu.squaredNorm(), var_w += st.Ew2 - st.Ew.squaredNorm();
        dev_u += st.Eu2 / n, dev_w += st.Ew2 / n;
      }
      const double p = pm * pc;
      E_phi1 += p * (M.c1 * (mu.squaredNorm() + var_u / (n * n)) + M.c2 * dev_u + M.c3 * (mw.squaredNorm() + var_w / (n * n)) +
                     M.c4 * dev_w);
    }
  double sigma2 = 0;  // max_i E_j||∇f_ij(z) − ∇f_i(z)||², z ∈ {x, x1}
  if (M.stochastic)
    for (int i = 0; i < n; ++i)
      for (const Vec* z : {static_cast<const Vec*>(&x), &x1}) {
        double v = 0;
        for (int j = 0; j < fs.m; ++j) v += (fs.grad_ij(i, j, *z) - q.grad_i(i, *z)).squaredNorm() / fs.m;
        sigma2 = std::max(sigma2, v);
      }
  const double gn = q.grad(x).squaredNorm();
  scale = std::abs(phi0) + M.gamma * gn;
  return E_phi1 - phi0 + M.gamma / 2 * gn - M.noise_coef * sigma2;
}

}  // namespace

OneStepResult one_step_check_dasha(const std::string& method, int d, int n, int k, int s, double gamma_factor,
                                   int states, std::uint64_t seed) {
  const FiniteSum fs = make_finite_sum(d, n, 3, seed);
  const Model M = make_model(method, fs, k, s, gamma_factor);
  OneStepResult r;
  r.method = method;
  r.gamma_factor = gamma_factor;
  r.gamma = M.gamma;
  r.states = states;
  r.worst_slack = -INFINITY;
  const auto subsets = all_subsets(d, k);
  for (int t = 0; t < states; ++t) {
    Rng rng(seed, kServer, t, Purpose::data);
    double scale = 0;
    const double v = slack_one_state(fs, M, k, subsets, rng, scale);
    const double rel = v / std::max(1.0, scale);
    r.worst_slack = std::max(r.worst_slack, rel);
    if (rel > 1e-12) ++r.violations;
  }
  return r;
}

}  // namespace commopt
