#include "theory/checks.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "methods/method.hpp"
#include "net/network.hpp"
#include "run/job.hpp"
#include "theory/cards.hpp"
#include "theory/certificate.hpp"
#include "theory/one_step.hpp"

namespace commopt {

nlohmann::json to_json(const CheckRow& r) {
  return {{"id", r.id},         {"method", r.method},   {"problem", r.problem},       {"measured", r.measured},
          {"bound", r.bound},   {"ratio", r.ratio()},   {"verdict", r.verdict},       {"provenance", r.provenance},
          {"note", r.note}};
}

namespace {

std::string verdict(bool holds, Provenance p) {
  if (holds) return "pass";
  return binding(p) ? "FAIL" : "not-binding";
}

// Mean and standard error over seeds of a per-seed quantity.
struct MeanSe {
  double mean = 0, se = 0;
};
MeanSe mean_se(const std::vector<double>& v) {
  MeanSe m;
  for (double x : v) m.mean += x / static_cast<double>(v.size());
  if (v.size() < 2) return m;
  double var = 0;
  for (double x : v) var += (x - m.mean) * (x - m.mean) / static_cast<double>(v.size() - 1);
  m.se = std::sqrt(var / static_cast<double>(v.size()));
  return m;
}

// info[kInfoStochastic], which every builder writes (make_method checks).
bool stochastic_oracle(const nlohmann::json& info, const std::string& method) {
  if (!info.contains(kInfoStochastic) || !info[kInfoStochastic].is_boolean())
    throw std::logic_error("method " + method + ": the run's info has no boolean '" + kInfoStochastic + "'");
  return info[kInfoStochastic].get<bool>();
}

}  // namespace

namespace {

// The model_only certificates: the hand-written DASHA-family models of theory/one_step_dasha.cpp
// (their potentials need h-terms the shipped servers do not report yet).
void model_rows(const std::string& method, int k, double gamma_factor, double power_factor, CheckRow& r,
                CheckRow& power) {
  int violations = 0, states = 0, power_violations = 0;
  double worst = -INFINITY, power_worst = -INFINITY;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const TinyQuadratics q = make_tiny_quadratics(6, 4, seed);
    const OneStepResult a = one_step_check(method, q, k, gamma_factor, 300, seed);
    violations += a.violations;
    states += a.states;
    worst = std::max(worst, a.worst_slack);
    const OneStepResult b = one_step_check(method, q, k, power_factor, 1000, seed + 100);
    power_violations += b.violations;
    power_worst = std::max(power_worst, b.worst_slack);
  }
  r.problem = "tiny quadratics d=6 n=4 (3 instances), hand-written model";
  r.measured = worst;
  r.note = fmt::format("HAND-WRITTEN MODEL of the update (not the shipped code): max relative slack of E Phi+ - Phi + "
                       "(gamma/2)|grad f|^2 over {} states at {}x the step (K={}); {} violations",
                       states, gamma_factor, k, violations);
  r.verdict = violations == 0 ? "pass" : "FAIL";
  power.problem = r.problem;
  power.measured = power_worst;
  power.verdict = power_violations > 0 ? "pass" : "FAIL";
  power.note = fmt::format("at {}x the theory step the model must find a violating state: found {}", power_factor,
                           power_violations);
}

}  // namespace

std::vector<CheckRow> one_step_rows(const OneStepPlan& plan, double gamma_factor) {
  const std::string method = Spec::parse(plan.method, "one-step plan").name();
  const TheoremCard* card = find_card(method);
  const Provenance prov = card ? card->provenance : Provenance::derived;
  CheckRow r{"one-step", method, "", 0, 1e-12, "", provenance_name(prov), ""};
  CheckRow power = r;
  power.id = "one-step-power";
  if (plan.model_only) {
    const int k = plan.compressor.empty() ? 0 : static_cast<int>(Spec::parse(plan.compressor, "one-step plan").get_int("k", 0));
    model_rows(method, k, gamma_factor, plan.power_factor, r, power);
    if (r.verdict == "FAIL" && !binding(prov)) r.verdict = "not-binding";
    return {r, power};
  }
  // The shipped code (theory/certificate.hpp): every outcome of round t+1 enumerated.
  int violations = 0, states = 0, power_violations = 0;
  double worst = -INFINITY, power_worst = -INFINITY;
  std::size_t outcomes = 0;
  std::string spec;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const CertificateResult a = one_step_certificate(plan, gamma_factor, 150, seed);
    violations += a.violations;
    states += a.states;
    worst = std::max(worst, a.worst_slack);
    outcomes = std::max(outcomes, a.max_outcomes);
    spec = a.method;
    const CertificateResult b = one_step_certificate(plan, plan.power_factor, 300, seed + 100);
    power_violations += b.violations;
    power_worst = std::max(power_worst, b.worst_slack);
  }
  r.problem = fmt::format("tiny finite sum d={} n={} m={} (3 instances), shipped code", plan.dim, plan.workers, plan.rows);
  r.measured = worst;
  r.verdict = verdict(violations == 0, prov);
  r.note = fmt::format("shipped {}: max relative slack of E Phi+ - Phi + (gamma/2)|grad f|^2 over {} states, every "
                       "outcome of the round enumerated (up to {}); {} violations",
                       spec, states, outcomes, violations);
  power.problem = r.problem;
  power.measured = power_worst;
  power.verdict = power_violations > 0 ? "pass" : "FAIL";
  power.note = fmt::format("at {}x the theory step the shipped code must reach a violating state: found {}",
                           plan.power_factor, power_violations);
  return {r, power};
}

std::vector<CheckRow> run_rows(const Objective& problem, const std::string& method,
                               const std::optional<std::string>& compressor, const RunCheckOptions& opts) {
  std::vector<CheckRow> out;
  const Spec mspec = Spec::parse(method, "--method");
  const MethodEntry& entry = find_method(mspec.name());
  const TheoremCard* card = find_card(entry.name);
  const std::string comp = compressor.value_or(entry.default_compressor);
  const CompressorConstants cc = make_compressor(Spec::parse(comp, "--compressor"), problem.dim(), 64, {0, problem.workers(), block_sizes(problem)})->constants();
  const std::string label = entry.uses_compressor ? fmt::format("{} + {}", method, comp) : method;
  const CheckRow base{"", label, problem.name(), 0, 0, "", card ? provenance_name(card->provenance) : "none", ""};
  if (!card) {
    CheckRow r = base;
    r.id = "card";
    r.verdict = "FAIL";
    r.note = "this method has no theorem card (rule: every method lands with its card)";
    return {r};
  }
  if (!card->certified) {
    CheckRow r = base;
    r.id = "certificate";
    r.verdict = "not certified";
    r.note = card->notes;
    return {r};
  }
  std::vector<std::vector<TraceRow>> runs;
  double gamma = 0;
  nlohmann::json method_info;
  auto run_seed = [&](int s) {
    JobSpec job;
    job.method = method;
    if (entry.uses_compressor) job.compressor = comp;
    job.value_bits = 64;
    job.seed = opts.first_seed + static_cast<std::uint64_t>(s);
    job.stop.rounds = opts.rounds;
    job.grid.every = 1;
    JobResult r = run_job(problem, job);
    gamma = r.meta["method_info"]["stepsize"].get<double>();
    method_info = r.meta["method_info"];
    runs.push_back(std::move(r.rows));
  };
  // One run when nothing is random (the builder records whether the oracle samples), else a mean over seeds.
  run_seed(0);
  const bool deterministic = !cc.random && !stochastic_oracle(method_info, entry.name);
  const int seeds = deterministic ? 1 : std::max(2, opts.seeds);
  for (int s = 1; s < seeds; ++s) run_seed(s);
  std::size_t T = runs.front().size();
  for (const auto& r : runs) T = std::min(T, r.size());
  const bool has_potential = runs.front().front().lyapunov.has_value();
  const double f_scale = std::max({1.0, std::abs(runs.front().front().loss)});
  const double phi0 = has_potential ? *runs.front().front().lyapunov
                                    : runs.front().front().loss - problem.constants().f_star.value_or(0.0);
  // Check 2: the potential along the run.
  CheckRow pot = base;
  pot.id = deterministic ? "potential-monotone" : "potential-supermartingale";
  if (!has_potential) {
    pot.verdict = "skipped";
    pot.note = "the method has no potential (card: " + card->notes + ")";
  } else if (deterministic) {
    double worst = -INFINITY;
    long long at = 0;
    for (std::size_t t = 1; t < T; ++t) {
      const double rise = *runs[0][t].lyapunov - *runs[0][t - 1].lyapunov;
      if (rise > worst) worst = rise, at = runs[0][t].round;
    }
    pot.measured = worst / f_scale;
    pot.bound = 1e-12;
    pot.verdict = verdict(pot.measured <= pot.bound, card->provenance);
    pot.note = fmt::format("largest rise of Phi^t in one round (relative to |f(x^0)|) at round {}, {} rounds", at, T - 1);
  } else {
    // E[Φ^T + (γ/2) Σ_{t<T} ||∇f(x^t)||²] ≤ Φ^0: the mean over seeds must not exceed Φ^0 by 4 SE.
    double worst_z = -INFINITY, worst_excess = 0;
    std::vector<double> acc(static_cast<std::size_t>(seeds), 0.0);
    for (std::size_t t = 1; t < T; ++t) {
      std::vector<double> s(static_cast<std::size_t>(seeds));
      for (int k = 0; k < seeds; ++k) {
        acc[static_cast<std::size_t>(k)] += gamma / 2 * runs[static_cast<std::size_t>(k)][t - 1].grad_norm_sq;
        s[static_cast<std::size_t>(k)] = *runs[static_cast<std::size_t>(k)][t].lyapunov + acc[static_cast<std::size_t>(k)];
      }
      const MeanSe m = mean_se(s);
      const double excess = m.mean - phi0;
      const double z = excess / std::max(m.se, 1e-12 * f_scale);
      if (z > worst_z) worst_z = z, worst_excess = excess;
    }
    pot.measured = worst_z;
    pot.bound = 4.0;
    pot.verdict = verdict(worst_z <= 4.0, card->provenance);
    pot.note = fmt::format("max over T of (mean_seeds[Phi^T + gamma/2 sum_t |grad f|^2] - Phi^0)/SE over {} seeds "
                           "(4 SE: one-sided false alarm < 3.2e-5 per T); worst excess {:.3g}",
                           seeds, worst_excess);
  }
  out.push_back(pot);
  // Check 3: the bound on the running average of ||∇f||².
  CheckRow bnd = base;
  bnd.id = "bound-avg-grad";
  CardInputs in{&problem.constants(), cc, problem.workers(), gamma, &method_info};
  if (!card->avg_grad_sq_bound) {
    bnd.verdict = "skipped";
    bnd.note = "the card gives no evaluable bound: " + card->notes;
  } else {
    double worst = -INFINITY, worst_meas = 0, worst_bound = 0;
    long long at = 0;
    std::vector<double> sum(static_cast<std::size_t>(seeds), 0.0);
    for (std::size_t t = 1; t < T; ++t) {
      std::vector<double> avg(static_cast<std::size_t>(seeds));
      for (int k = 0; k < seeds; ++k) {
        sum[static_cast<std::size_t>(k)] += runs[static_cast<std::size_t>(k)][t - 1].grad_norm_sq;
        avg[static_cast<std::size_t>(k)] = sum[static_cast<std::size_t>(k)] / static_cast<double>(t);
      }
      const MeanSe m = mean_se(avg);
      const auto b = card->avg_grad_sq_bound(in, phi0, static_cast<long long>(t));
      if (!b) continue;
      const double ratio = (m.mean - 4 * m.se) / *b;
      if (ratio > worst) worst = ratio, worst_meas = m.mean, worst_bound = *b, at = static_cast<long long>(t);
    }
    bnd.measured = worst_meas;
    bnd.bound = worst_bound;
    bnd.verdict = verdict(worst <= 1.0, card->provenance);
    bnd.note = fmt::format("(1/T) sum_t |grad f(x^t)|^2 vs {} at every T <= {}; tightest at T = {}{}", card->bound,
                           T - 1, at, seeds > 1 ? fmt::format(" (mean - 4 SE over {} seeds)", seeds) : "");
  }
  out.push_back(bnd);
  // Check 4: the linear rate, on strongly convex problems with a known f*.
  const auto rho = card->linear_rate ? card->linear_rate(in) : std::nullopt;
  if (rho && problem.constants().f_star && seeds == 1) {
    CheckRow rate = base;
    rate.id = "linear-rate";
    const double fstar = *problem.constants().f_star;
    const double gap0 = runs[0][0].loss - fstar;
    const double floor = 1e-13 * std::max(1.0, std::abs(fstar));
    double worst = -INFINITY;
    double sx = 0, sy = 0, sxx = 0, sxy = 0, cnt = 0;
    for (std::size_t t = 0; t < T; ++t) {
      const double gap = runs[0][t].loss - fstar;
      if (gap <= floor) break;
      const double tt = static_cast<double>(runs[0][t].round);
      worst = std::max(worst, gap / (std::pow(*rho, tt) * gap0));
      sx += tt, sy += std::log(gap), sxx += tt * tt, sxy += tt * std::log(gap), cnt += 1;
    }
    const double slope = cnt > 1 ? (cnt * sxy - sx * sy) / (cnt * sxx - sx * sx) : 0;
    rate.measured = worst;
    rate.bound = 1.0;
    rate.verdict = verdict(worst <= 1.0 + 1e-9, card->provenance);
    rate.note = fmt::format("max_t gap_t/(rho^t gap_0) with rho = {:.6f}; fitted rate exp(slope) = {:.6f} over {} rounds",
                            *rho, std::exp(slope), static_cast<long long>(cnt));
    out.push_back(rate);
  }
  return out;
}

}  // namespace commopt
