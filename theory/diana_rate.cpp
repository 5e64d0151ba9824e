// DIANA's linear rate on a strongly convex problem (issue 15 item 5), the [DERIVED] theorem of
// methods/diana.cpp checked on runs of the shipped code (theory/diana_rate.hpp).
#include "theory/diana_rate.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "methods/invariants.hpp"
#include "net/network.hpp"
#include "problems/quadratic.hpp"
#include "theory/exact_setup.hpp"
#include "theory/seed_stats.hpp"

namespace commopt {

DianaRateParams diana_rate_params(const ProblemConstants& c, double omega, int workers) {
  DianaRateParams p;
  p.omega = omega;
  p.alpha = 1 / (1 + omega);
  const double n = workers, L2 = c.L_hat * c.L_hat;
  p.gamma = omega > 0 ? std::min(1 / c.L, n * c.mu / (12 * omega * L2)) : 1 / c.L;
  p.c = 4 * omega / (n * p.alpha);
  p.rho = std::max(1 - p.gamma * c.mu + 6 * omega * p.gamma * p.gamma * L2 / n, 1 - p.alpha / 2);
  return p;
}

std::vector<double> diana_psi_run(const Objective& problem, const Vec& x_star, const std::string& method,
                                  const std::string& compressor, double c, long long rounds, std::uint64_t seed) {
  MethodInstance inst = make_method(exact_setup(problem, method, compressor, seed));
  SimNetwork net(problem, inst, seed);
  const int n = problem.workers();
  const double gamma = inst.stepsize;
  std::vector<Vec> h_star(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) problem.grad(i, x_star, h_star[static_cast<std::size_t>(i)]);
  // Ψ(x, h) = ||x − x*||² + c γ² (1/n) Σ_i ||h_i − ∇f_i(x*)||².
  auto psi = [&](const Vec& x, auto&& h_of) {
    double D = 0;
    for (int i = 0; i < n; ++i) D += (h_of(i) - h_star[static_cast<std::size_t>(i)]).squaredNorm() / n;
    return (x - x_star).squaredNorm() + c * gamma * gamma * D;
  };
  std::vector<double> out;
  out.push_back(psi(problem.initial_point(), [&](int) { return Vec::Zero(problem.dim()); }));  // h_i^0 = 0
  StateView server;
  std::vector<StateView> workers(static_cast<std::size_t>(n));
  for (long long t = 0; t < rounds; ++t) {
    net.run_round(static_cast<int>(t));
    expose_state(inst, server, workers);
    // After round t the server holds x^t and g^t, the workers h_i^{t+1}: Ψ_{t+1} at x^{t+1} = x^t − γ g^t.
    const Vec x_next = server.at("x", "the diana server") - gamma * server.at("g", "the diana server");
    out.push_back(psi(x_next, [&](int i) { return workers[static_cast<std::size_t>(i)].at("h", "a diana worker"); }));
  }
  return out;
}

namespace {

struct RateTest {
  SupermartingaleTest st;
  double worst_rate = 0;   // max_{t>=1} (mean Ψ_t / Ψ_0)^{1/t}
  long long worst_at = 0;
  double fitted_rate = 0;  // exp(least-squares slope of log mean Ψ_t against t)
  bool diverged = false;   // a tested Ψ_t is not finite (inf or NaN): an exact violation
  // Markov's inequality on X_t = Ψ_t/(ρ^t Ψ_0) ≥ 0: under E X_t ≤ 1, P(every one of R independent
  // seeds has X_t ≥ K) ≤ K^{-R}; with K = (m/α)^{1/R} over m tested t the false-alarm rate is ≤ α
  // whatever the distribution (the t-test alone has no power against heavy tails: a diverging run).
  double markov_k = 0;
  double best_min_ratio = 0;  // max over t of min over seeds of X_t
  bool rejects() const { return diverged || st.rejects() || best_min_ratio >= markov_k; }
};

// E Ψ_t ≤ ρ^t Ψ_0 at log-spaced t: per seed X_t = Ψ_t/(ρ^t Ψ_0), one-sided t-test of E X_t ≤ 1 (Bonferroni).
RateTest rate_test(const std::vector<std::vector<double>>& psi, double rho) {
  RateTest r;
  const std::size_t T = psi.front().size(), R = psi.size();
  const double psi0 = psi.front().front();
  const auto horizons = log_spaced_horizons(T, 24);
  std::vector<std::vector<double>> values;
  for (std::size_t t : horizons) {
    std::vector<double> v(R);
    for (std::size_t k = 0; k < R; ++k) {
      v[k] = psi[k][t] / (std::pow(rho, static_cast<double>(t)) * psi0);
      r.diverged = r.diverged || !std::isfinite(v[k]);
    }
    values.push_back(std::move(v));
  }
  // Family-wise false alarm ≤ 1e-3: 5e-4 for the t-test, 5e-4 for the Markov test.
  r.st = supermartingale_test(values, 1.0, 5e-4, 1e-14, 1e-12);
  r.markov_k = std::pow(static_cast<double>(values.size()) / 5e-4, 1 / static_cast<double>(R));
  for (const auto& v : values) r.best_min_ratio = std::max(r.best_min_ratio, *std::min_element(v.begin(), v.end()));
  double sx = 0, sy = 0, sxx = 0, sxy = 0, cnt = 0;
  for (std::size_t t = 1; t < T; ++t) {
    double mean = 0;
    for (std::size_t k = 0; k < R; ++k) mean += psi[k][t] / static_cast<double>(R);
    if (!(mean > 0) || !std::isfinite(mean)) {  // diverged (or reached 0): the fit stops here
      if (!std::isfinite(mean)) r.worst_rate = INFINITY, r.worst_at = static_cast<long long>(t);
      break;
    }
    const double eff = std::pow(mean / psi0, 1 / static_cast<double>(t));
    if (eff > r.worst_rate) r.worst_rate = eff, r.worst_at = static_cast<long long>(t);
    const double tt = static_cast<double>(t), y = std::log(mean);
    sx += tt, sy += y, sxx += tt * tt, sxy += tt * y, cnt += 1;
  }
  r.fitted_rate = cnt > 1 ? std::exp((cnt * sxy - sx * sy) / (cnt * sxx - sx * sx)) : 0;
  return r;
}

}  // namespace

std::vector<CheckRow> diana_rate_rows(const Objective& problem, const std::string& method,
                                      const std::string& compressor, long long rounds, int seeds) {
  CheckRow r{"sc-rate", method + " + " + compressor, problem.name(), 0, 0, "", "derived", ""};
  const ProblemConstants& k = problem.constants();
  const auto* quad = dynamic_cast<const QuadraticProblem*>(&problem);
  if (!(k.mu > 0) || !quad) {
    r.verdict = "skipped";
    r.note = "needs a strongly convex problem with a known minimizer x* (the synthetic quadratic)";
    return {r};
  }
  const double omega = make_compressor(Spec::parse(compressor, "--compressor"), problem.dim(), 64, {0, problem.workers()})
                           ->constants()
                           .omega;
  const DianaRateParams p = diana_rate_params(k, omega, problem.workers());
  // The theorem's step and α, as numbers in the spec (not through the nonconvex theory step).
  const std::string certified = with_method_param(with_method_param(method, "stepsize", fmt::format("{:.17g}", p.gamma)),
                                                  "alpha", fmt::format("{:.17g}", p.alpha));
  const std::string broken = with_method_param(certified, "alpha", "1");
  std::vector<std::vector<double>> runs, broken_runs;
  for (int s = 1; s <= seeds; ++s) {
    runs.push_back(diana_psi_run(problem, quad->x_star(), certified, compressor, p.c, rounds, static_cast<std::uint64_t>(s)));
    broken_runs.push_back(diana_psi_run(problem, quad->x_star(), broken, compressor, p.c, rounds, static_cast<std::uint64_t>(s)));
  }
  const RateTest a = rate_test(runs, p.rho), b = rate_test(broken_runs, p.rho);
  r.measured = a.worst_rate;
  r.bound = p.rho;
  r.verdict = a.rejects() ? "FAIL" : "pass";
  r.note = fmt::format(
      "DERIVED (diana.cpp): E Psi_t <= rho^t Psi_0, Psi = |x - x*|^2 + (4 omega/(n alpha)) gamma^2 mean_i |h_i - grad f_i(x*)|^2, "
      "rho = max(1 - gamma mu + 6 omega gamma^2 L_hat^2/n, 1 - alpha/2) = {:.6f} at gamma = min(1/L, n mu/(12 omega "
      "L_hat^2)) = {:.4g}, alpha = 1/(1+omega) = {:.4g}; {} seeds x {} rounds of the shipped code. Worst effective rate "
      "max_(t>=1) (mean Psi_t/Psi_0)^(1/t) = {:.6f} (t = {}); fitted rate exp(slope of log mean Psi_t) = {:.6f} ({:.3g}x the "
      "theorem's log-contraction); tests over {} log-spaced t of X_t = Psi_t/(rho^t Psi_0): max Student-t statistic of "
      "E X_t <= 1 = {:.3g} vs {:.3g} ({} dof, Bonferroni), and max_t min_seeds X_t = {:.3g} vs Markov's {:.3g}; "
      "family-wise false alarm <= 1e-3",
      p.rho, p.gamma, p.alpha, seeds, rounds, a.worst_rate, a.worst_at, a.fitted_rate,
      std::log(a.fitted_rate) / std::log(p.rho), a.st.tested, a.st.worst_t, a.st.critical_t, seeds - 1,
      a.best_min_ratio, a.markov_k);
  CheckRow pw = r;
  pw.id = "sc-rate-power";
  pw.method = broken + " + " + compressor;
  pw.measured = b.worst_rate;
  pw.verdict = b.rejects() ? "pass" : "FAIL";
  pw.note = fmt::format("the same test on the shipped code with alpha = 1 (alpha (1 + omega) = {:.3g} > 1: the shifts "
                        "overshoot, outside the theorem) must reject rho = {:.6f}: worst effective rate {:.6g} (t = {}), "
                        "max t-statistic {:.3g} vs {:.3g}, max_t min_seeds X_t = {:.3g} vs {:.3g}{}",
                        1 + omega, p.rho, b.worst_rate, b.worst_at, b.st.worst_t, b.st.critical_t, b.best_min_ratio,
                        b.markov_k,
                        b.diverged ? "; Psi_t overflowed (diverged)" : "");
  return {r, pw};
}

}  // namespace commopt
