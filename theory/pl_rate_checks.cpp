#include "theory/pl_rate_checks.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "methods/method.hpp"
#include "run/job.hpp"
#include "theory/diana_rate.hpp"

namespace commopt {

namespace {

JobResult run(const Objective& problem, const std::string& method, const std::string& compressor, long long rounds) {
  JobSpec job;
  job.method = method;
  if (find_method(Spec::parse(method, "--method").name()).uses_compressor) job.compressor = compressor;
  job.value_bits = 64;
  job.seed = 1;
  job.stop.rounds = rounds;
  job.grid.every = 1;
  return run_job(problem, job);
}

// Fills measured/bound/verdict/note from value_t ≤ ρ^t value_0 over the run.
void rate_verdict(CheckRow& r, const std::vector<double>& value, const std::vector<long long>& round, double rho,
                  const std::string& what) {
  bool holds = true;
  double worst = 0;
  long long at = 0;
  const double v0 = value.front();
  for (std::size_t k = 1; k < value.size(); ++k) {
    if (!(value[k] > 1e-13 * std::max(1.0, v0))) break;  // at the floor of the arithmetic
    const double t = static_cast<double>(round[k]);
    holds = holds && value[k] <= std::pow(rho, t) * v0 * (1 + 1e-9);
    const double eff = std::pow(value[k] / v0, 1 / t);
    if (eff > worst) worst = eff, at = round[k];
  }
  r.measured = worst;
  r.bound = rho;
  r.verdict = holds ? "pass" : "not-binding";
  r.note = fmt::format("{}: worst effective rate max_(t>=1) (v_t/v_0)^(1/t) = {:.6f} (at t = {}) vs rho = {:.6f}; "
                       "recalled theorem, so not binding",
                       what, worst, at, rho);
}

}  // namespace

std::vector<CheckRow> pl_rate_rows(const Objective& problem, const std::string& method, const std::string& compressor,
                                   long long rounds) {
  const std::string name = Spec::parse(method, "--method").name();
  if (name == "diana") return diana_rate_rows(problem, method, compressor, rounds);  // [DERIVED], binding
  CheckRow r{"pl-rate", name == "ef21" ? method + " + " + compressor : method, problem.name(), 0, 0, "", "paper-recalled", ""};
  const ProblemConstants& c = problem.constants();
  if (!(c.mu > 0) || !c.f_star || !problem.convex()) {
    r.verdict = "skipped";
    r.note = "needs a strongly convex problem (mu > 0) with a known f*";
    return {r};
  }
  const double fstar = *c.f_star;
  std::vector<double> value;
  std::vector<long long> round;
  if (name == "ef21") {
    const double alpha = make_compressor(Spec::parse(compressor, "--compressor"), problem.dim(), 64, {0, problem.workers()})
                             ->constants()
                             .alpha;
    const double theta = 1 - std::sqrt(1 - alpha), beta = (1 - alpha) / theta;
    const double g_theory = 1 / (c.L + c.L_hat * std::sqrt(beta / theta));
    const double g_pl = std::min(1 / (c.L + c.L_hat * std::sqrt(2 * beta / theta)), theta / (2 * c.mu));
    const JobResult j = run(problem, with_method_param(method, "stepsize", fmt::format("theory*{:.17g}", g_pl / g_theory)),
                            compressor, rounds);
    for (const auto& row : j.rows) {
      const double gap = row.loss - fstar;
      value.push_back(2 * *row.lyapunov - gap);  // Ψ = f − f* + (γ/θ)G from Φ = f − f* + (γ/(2θ))G
      round.push_back(row.round);
    }
    rate_verdict(r, value, round, 1 - g_pl * c.mu,
                 fmt::format("EF21 Thm 2 (PL, recalled) at gamma = min(1/(L + L_hat sqrt(2 beta/theta)), theta/(2 mu)) = "
                             "{:.4g} ({:.3g}x the nonconvex theory step); Psi^t = f - f* + (gamma/theta) G^t",
                             g_pl, g_pl / g_theory));
  } else if (name == "lag") {
    const JobResult j = run(problem, method, compressor, rounds);
    const double gamma = j.meta["method_info"]["stepsize"].get<double>();
    const double v0 = *j.rows.front().lyapunov;
    for (const auto& row : j.rows) value.push_back(row.loss - fstar), round.push_back(row.round);
    value.front() = v0;  // the bound is on f - f* relative to V^0
    rate_verdict(r, value, round, 1 - gamma * c.mu,
                 "LAG's recalled rate f - f* <= (1 - (mu/L)(1 - sqrt(D xi)))^t V^0 = (1 - gamma mu)^t V^0");
  } else {
    r.verdict = "skipped";
    r.note = "no linear-rate theorem wired for " + name;
  }
  return {r};
}

}  // namespace commopt
