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
#include "theory/quadratic_form.hpp"
#include "theory/rate_fit.hpp"
#include "theory/tightness.hpp"
#include "theory/seed_stats.hpp"
#include "theory/state_potential.hpp"

namespace commopt {

nlohmann::json to_json(const CheckRow& r) {
  return {{"id", r.id},         {"method", r.method},   {"problem", r.problem},       {"measured", r.measured},
          {"bound", r.bound},   {"ratio", r.ratio()},   {"verdict", r.verdict},       {"provenance", r.provenance},
          {"note", r.note}};
}

namespace {

// The over-seeds tests: family-wise false-alarm rate per row, and how many horizons T each tests.
constexpr double kFamilyAlpha = 1e-3;
constexpr std::size_t kTestedHorizons = 24;

std::string verdict(bool holds, Provenance p) {
  if (holds) return "pass";
  return binding(p) ? "FAIL" : "not-binding";
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

// The sampled certificate on the shipped code (theory/certificate.hpp): 3 instances x 150 states at
// `gamma_factor`, 3 x 300 at the power factor; `why` says why no exact check was done.
void sampled_rows(const OneStepPlan& plan, double gamma_factor, Provenance prov, const std::string& why, CheckRow& r,
                  CheckRow& power) {
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
    const CertificateResult b = one_step_certificate(plan, plan.power_factor, 300, seed + 100, /*outside_claim=*/true);
    power_violations += b.violations;
    power_worst = std::max(power_worst, b.worst_slack);
  }
  r.problem = fmt::format("tiny finite sum d={} n={} m={} (3 instances), shipped code", plan.dim, plan.workers, plan.rows);
  r.measured = worst;
  r.verdict = verdict(violations == 0, prov);
  r.note = fmt::format("SAMPLED {} STATES ({}): shipped {}: max relative slack of E Phi+ - Phi + (gamma/2)|grad f|^2{}, "
                       "every outcome of the round enumerated (up to {}); {} violations{}",
                       states, why, spec, find_card(Spec::parse(plan.method, "plan").name())->state_potential_noise
                                               ? " - kappa sigma^2" : "",
                       outcomes, violations, paper_step_note(plan));
  power.problem = r.problem;
  power.measured = power_worst;
  power.verdict = power_violations > 0 ? "pass" : "FAIL";
  power.note = fmt::format("at {}x the theory step the shipped code must reach a violating state: found {}",
                           plan.power_factor, power_violations);
}

}  // namespace

std::vector<CheckRow> one_step_rows(const OneStepPlan& plan, double gamma_factor) {
  const std::string method = Spec::parse(plan.method, "one-step plan").name();
  const TheoremCard* card = find_card(method);
  const Provenance prov = plan.provenance ? *plan.provenance : card ? card->provenance : Provenance::derived;
  const bool has_claim = card && card->state_potential_claimed;
  CheckRow r{"one-step", method, "", 0, 1e-12, "", provenance_name(prov), ""};
  CheckRow power = r;
  power.id = "one-step-power";
  if (plan.model_only) {
    const int k = plan.compressor.empty() ? 0 : static_cast<int>(Spec::parse(plan.compressor, "one-step plan").get_int("k", 0));
    model_rows(method, k, gamma_factor, plan.power_factor, r, power);
    if (r.verdict == "FAIL" && !binding(prov)) r.verdict = "not-binding";
    return {r, power};
  }
  // The MVR [CERT]s allow a σ² term (TheoremCard::state_potential_noise), which is no quadratic
  // form of the state: sampled states, the allowance subtracted state by state.
  if (card && card->state_potential_noise) {
    sampled_rows(plan, gamma_factor, prov, "the [CERT] allows a noise term kappa sigma^2(x^t, x^{t+1}), not a quadratic "
                 "form of the state, so no exact check", r, power);
    return {r, power};
  }
  // Linear updates (RandK, participation, coins): the exact check over all states of the
  // certificate's families, λ_max of the one-step quadratic form (theory/quadratic_form.hpp).
  const ExactOneStep exact = exact_one_step(plan, gamma_factor);
  if (exact.linear) {
    // The power step may lie outside the card's claim (DIANA's conditions): the formula is read there.
    const ExactOneStep pw = exact_one_step(plan, plan.power_factor, 3, {}, /*outside_claim=*/true);
    r.problem = fmt::format("tiny finite sum d={} n={} m={} (3 instances), shipped code", plan.dim, plan.workers, plan.rows);
    r.measured = exact.worst_relative_lambda;
    r.bound = 1e-9;
    r.verdict = verdict(exact.nsd(), prov);
    r.note = fmt::format("EXACT OVER ALL STATES: shipped {} at {}x the step; E Phi+ - Phi + (gamma/2)|grad f|^2 is a "
                         "quadratic form in the state's {} parameters (x^0, the warm-up's gradient shifts, the scale of "
                         "b), polarized from the shipped code over every outcome (up to {}), linear to {:.1g}; "
                         "lambda_max/max|lambda| = {:.3g} over {} forms (3 instances x 1-2 warm-up rounds){}",
                         plan.method, gamma_factor, exact.max_dim, exact.max_outcomes, exact.worst_linearity_error,
                         exact.worst_relative_lambda, exact.families, paper_step_note(plan));
    power.problem = r.problem;
    power.measured = pw.worst_relative_lambda;
    power.bound = 1e-9;
    power.verdict = pw.linear && !pw.nsd() ? "pass" : "FAIL";
    power.note = fmt::format("at {}x the theory step the exact form must have a positive eigenvalue: lambda_max/max|lambda| "
                             "= {:.3g}{}",
                             plan.power_factor, pw.worst_relative_lambda,
                             has_claim ? " (the potential's formula, also where the card's conditions no longer claim it)" : "");
    return {r, power};
  }
  // Not linear (TopK, triggers): sampled states; every outcome of round t+1 enumerated.
  sampled_rows(plan, gamma_factor, prov,
               fmt::format("the update is not linear in the state: the polarized form missed q by {:.2g}, so no exact "
                           "check", exact.worst_linearity_error),
               r, power);
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
  // The card's flag: a card that does not promise a monotone potential on a run without random
  // compressor or oracle (participation, shared coins) is checked in expectation over seeds.
  const bool no_random_draws = !cc.random && !stochastic_oracle(method_info, entry.name);
  const bool deterministic = no_random_draws && card->potential_monotone_when_deterministic;
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
  if (!has_potential && card->state_potential) {  // Φ^t from the full state, informational
    pot = state_potential_row(base, *card, problem, method, comp, opts, seeds);
  } else if (!has_potential) {
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
    // E[Φ^T + (γ/2) Σ_{t<T} ||∇f(x^t)||²] ≤ Φ^0 at every T: a one-sided t-test per tested T
    // (Student-t, seeds − 1 dof) with Bonferroni over the tested T (theory/seed_stats.hpp).
    const auto horizons = log_spaced_horizons(T, kTestedHorizons);
    std::vector<std::vector<double>> values;
    std::vector<double> acc(static_cast<std::size_t>(seeds), 0.0);
    std::size_t next = 0;
    for (std::size_t t = 1; t < T && next < horizons.size(); ++t) {
      for (int k = 0; k < seeds; ++k)
        acc[static_cast<std::size_t>(k)] += gamma / 2 * runs[static_cast<std::size_t>(k)][t - 1].grad_norm_sq;
      if (t != horizons[next]) continue;
      ++next;
      std::vector<double> s(static_cast<std::size_t>(seeds));
      for (int k = 0; k < seeds; ++k)
        s[static_cast<std::size_t>(k)] = *runs[static_cast<std::size_t>(k)][t].lyapunov + acc[static_cast<std::size_t>(k)];
      values.push_back(std::move(s));
    }
    const SupermartingaleTest st = supermartingale_test(values, phi0, kFamilyAlpha, 1e-14 * f_scale, 1e-12 * f_scale);
    pot.measured = st.worst_t;
    pot.bound = st.critical_t;
    pot.verdict = verdict(!st.rejects(), card->provenance);
    if (st.all_deterministic()) {  // every seed gave the same trace: the exact inequality at every tested T
      pot.measured = st.worst_deterministic_excess / f_scale;
      pot.bound = 1e-12;
      pot.note = fmt::format("every one of {} seeds gave the same values: max over {} log-spaced T <= {} of "
                             "(Phi^T + gamma/2 sum_(t<T) |grad f|^2 - Phi^0)/|f(x^0)|, an exact inequality",
                             seeds, st.tested, T - 1);
    } else pot.note = fmt::format(
        "max over {} log-spaced T <= {} of t_T = (mean_seeds[Phi^T + gamma/2 sum_(t<T) |grad f|^2] - Phi^0)/SE over {} "
        "seeds; one-sided Student-t ({} dof) at level {:g}/{} per T (Bonferroni): family-wise false-alarm rate <= {:g} "
        "for this row if the per-seed values are normal; worst excess {:.3g} at T = {}, min adjusted p {:.3g}{}{}",
        st.tested, T - 1, seeds, seeds - 1, kFamilyAlpha, st.tested, kFamilyAlpha, st.worst_excess,
        st.tested ? horizons[st.worst_index] : 0, st.min_adjusted_p,
        st.deterministic_violation ? "; a horizon where every seed agrees exceeds Phi^0 (exact violation)" : "",
        no_random_draws ? "; the card does not promise a monotone potential on one run, so it is checked in expectation" : "");
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
    // Deterministic: the bound at every T. Over seeds: the lower confidence limit mean − t_crit·SE
    // at log-spaced T, t_crit the Student-t quantile with Bonferroni over the tested T.
    const auto horizons = log_spaced_horizons(T, kTestedHorizons);
    const double t_crit =
        seeds > 1 ? student_t_upper_quantile(kFamilyAlpha / static_cast<double>(horizons.size()), seeds - 1.0) : 0.0;
    double worst = -INFINITY, worst_meas = 0, worst_bound = 0;
    long long at = 0;
    std::size_t next = 0;
    std::vector<double> sum(static_cast<std::size_t>(seeds), 0.0);
    for (std::size_t t = 1; t < T; ++t) {
      std::vector<double> avg(static_cast<std::size_t>(seeds));
      for (int k = 0; k < seeds; ++k) {
        sum[static_cast<std::size_t>(k)] += runs[static_cast<std::size_t>(k)][t - 1].grad_norm_sq;
        avg[static_cast<std::size_t>(k)] = sum[static_cast<std::size_t>(k)] / static_cast<double>(t);
      }
      if (seeds > 1) {
        if (next >= horizons.size() || t != horizons[next]) continue;
        ++next;
      }
      const MeanSe m = mean_se(avg);
      const auto b = card->avg_grad_sq_bound(in, phi0, static_cast<long long>(t));
      if (!b) continue;
      const double ratio = (m.mean - t_crit * m.se) / *b;
      if (ratio > worst) worst = ratio, worst_meas = m.mean, worst_bound = *b, at = static_cast<long long>(t);
    }
    bnd.measured = worst_meas;
    bnd.bound = worst_bound;
    bnd.verdict = verdict(worst <= 1.0, card->provenance);
    bnd.note = fmt::format(
        "(1/T) sum_t |grad f(x^t)|^2 vs {} at {} T <= {}; tightest at T = {}{}", card->bound,
        seeds > 1 ? fmt::format("{} log-spaced", horizons.size()) : std::string("every"), T - 1, at,
        seeds > 1 ? fmt::format(" (mean - {:.3g} SE over {} seeds: Student-t, {} dof, Bonferroni over the T, family-wise "
                                "false-alarm rate <= {:g})",
                                t_crit, seeds, seeds - 1, kFamilyAlpha)
                  : "");
  }
  out.push_back(bnd);
  if (card->avg_grad_sq_bound && T > 17) out.push_back(sublinear_rate_row(base, *card, in, runs, T, phi0));
  // Check 4: the linear rate, on strongly convex problems with a known f*.
  const auto rho = card->linear_rate ? card->linear_rate(in) : std::nullopt;
  if (rho && problem.constants().f_star && seeds == 1) {
    CheckRow rate = base;
    rate.id = "linear-rate";
    const double fstar = *problem.constants().f_star;
    const double gap0 = runs[0][0].loss - fstar;
    const double floor = 1e-13 * std::max(1.0, std::abs(fstar));
    // gap_t ≤ ρ^t gap_0 at every t ⟺ the effective rate (gap_t/gap_0)^{1/t} ≤ ρ at every t ≥ 1;
    // `measured` is the worst effective rate (t = 0 is excluded: it is 1 by construction).
    bool holds = true;
    double worst_rate = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, cnt = 0;
    long long at = 0;
    for (std::size_t t = 0; t < T; ++t) {
      const double gap = runs[0][t].loss - fstar;
      if (gap <= floor) break;
      const double tt = static_cast<double>(runs[0][t].round);
      if (tt >= 1) {
        holds = holds && gap <= std::pow(*rho, tt) * gap0 * (1 + 1e-9);
        const double eff = std::pow(gap / gap0, 1 / tt);
        if (eff > worst_rate) worst_rate = eff, at = runs[0][t].round;
      }
      sx += tt, sy += std::log(gap), sxx += tt * tt, sxy += tt * std::log(gap), cnt += 1;
    }
    const double slope = cnt > 1 ? (cnt * sxy - sx * sy) / (cnt * sxx - sx * sx) : 0;
    rate.measured = worst_rate;
    rate.bound = *rho;
    rate.verdict = verdict(holds, card->provenance);
    rate.note = fmt::format("worst effective rate max_(t>=1) (gap_t/gap_0)^(1/t) = {:.6f} (at t = {}) vs the theorem's "
                            "rho = {:.6f}; fitted rate exp(slope) = {:.6f} over {} rounds ({:.3g}x the theorem's "
                            "log-contraction)",
                            worst_rate, at, *rho, std::exp(slope), static_cast<long long>(cnt),
                            std::log(*rho) != 0 ? slope / std::log(*rho) : 0.0);
    out.push_back(rate);
  }
  return out;
}

}  // namespace commopt
