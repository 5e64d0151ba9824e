#include "theory/tightness.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "methods/method.hpp"
#include "theory/certificate.hpp"
#include "theory/checks.hpp"
#include "theory/exact_setup.hpp"
#include "theory/one_step.hpp"
#include "theory/quadratic_form.hpp"
#include "methods/state_potential.hpp"
#include "theory/tiny_problem.hpp"

namespace commopt {

StepPair theory_and_paper_steps(const std::string& method, const std::string& compressor, const Objective& problem) {
  MethodSetup setup;
  setup.problem = &problem;
  setup.method = Spec::parse(method, "method");
  setup.compressor = Spec::parse(compressor.empty() ? "identity" : compressor, "compressor");
  setup.value_bits = 64;
  const MethodInstance inst = make_method(setup);
  StepPair s;
  s.theory = inst.info.value("stepsize_theory", inst.stepsize);
  if (inst.info.contains("stepsize_paper")) s.paper = inst.info["stepsize_paper"].get<double>();
  return s;
}

namespace {
std::optional<double> paper_over_theory(const OneStepPlan& plan) {
  const TinyProblem p(plan.dim, plan.workers, plan.rows, 1);
  const StepPair s = theory_and_paper_steps(plan.method, plan.compressor, p);
  if (!s.paper || !(s.theory > 0)) return std::nullopt;
  return *s.paper / s.theory;
}

// One instance of the family: the plan with another tiny problem size.
OneStepPlan resized(const OneStepPlan& plan, int dim, int workers) {
  OneStepPlan p = plan;
  p.dim = dim, p.workers = workers;
  return p;
}

// Does the certificate hold at c on every instance?
bool holds(const OneStepPlan& plan, double c, bool& exact, int& checks) {
  if (plan.model_only) {  // the hand-written DASHA-family model (sampled states)
    const int k = plan.compressor.empty() ? 0 : static_cast<int>(Spec::parse(plan.compressor, "plan").get_int("k", 0));
    const std::string method = Spec::parse(plan.method, "plan").name();
    exact = false;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      ++checks;
      if (one_step_check(method, make_tiny_quadratics(plan.dim, plan.workers, seed), k, c, 300, seed).violations > 0)
        return false;
    }
    return true;
  }
  // The MVR [CERT]s' noise allowance is no quadratic form: sampled states only.
  if (find_method(Spec::parse(plan.method, "plan").name()).card.state_potential_noise) exact = false;
  // (d, n, seeds, shape): the plan's size with 3 seeds, two other sizes, and two ill-conditioned
  // heterogeneous instances (eigenvalue spread 100, L_i spread 10).
  struct Instance {
    int d, n, seeds;
    TinyShape shape;
  };
  const std::vector<Instance> family = {{plan.dim, plan.workers, 3, {}},
                                        {3, 2, 1, {}},
                                        {6, 2, 1, {}},
                                        {plan.dim, plan.workers, 1, {100, 10}},
                                        {6, 2, 1, {100, 10}}};
  for (const auto& inst : family) {
    const OneStepPlan p = resized(plan, inst.d, inst.n);
    if (exact) {
      ++checks;
      const ExactOneStep e = exact_one_step(p, c, inst.seeds, inst.shape, /*outside_claim=*/true);
      if (e.linear) {
        if (!e.nsd()) return false;
        continue;
      }
      exact = false;  // not linear: sample states from here on
    }
    if (inst.shape.condition != 1) continue;  // the sampled certificate has the default shape only
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      ++checks;
      if (one_step_certificate(p, c, 150, seed, /*outside_claim=*/true).violations > 0) return false;
    }
  }
  return true;
}
}  // namespace

std::optional<double> claimed_up_to(const OneStepPlan& plan) {
  const TheoremCard& card = find_method(Spec::parse(plan.method, "plan").name()).card;
  if (!card.state_potential_claimed) return std::nullopt;
  const TinyProblem problem(plan.dim, plan.workers, plan.rows, 1);
  auto claimed = [&](double c) {
    MethodSetup setup;
    setup.problem = &problem;
    setup.method = Spec::parse(with_method_param(plan.method, "stepsize", fmt::format("theory*{:.17g}", c)), "plan");
    setup.compressor = Spec::parse(plan.compressor.empty() ? "identity" : plan.compressor, "plan");
    setup.value_bits = 64;
    const MethodInstance inst = make_method(setup);
    StateView server;
    std::vector<StateView> workers;
    expose_state(inst, server, workers);
    return card.state_potential_claimed({&problem, &server, workers, inst.stepsize, &inst.info});
  };
  if (!claimed(1)) return 0.0;
  double lo = 1, hi = 2;
  while (claimed(hi) && hi < 1e6) lo = hi, hi *= 2;
  while (hi - lo > 1e-3 * lo) {
    const double mid = std::sqrt(lo * hi);
    (claimed(mid) ? lo : hi) = mid;
  }
  return lo;
}

std::string paper_step_note(const OneStepPlan& plan) {
  const auto r = paper_over_theory(plan);
  if (!r) return "";
  const double cert_over_paper = 1 / *r;
  return fmt::format("; certified step = {:.3g}x the paper's recalled step on this tiny problem{}", cert_over_paper,
                     cert_over_paper > 1 + 1e-12 ? " (EXCEEDS the paper's step)" : "");
}

TightnessResult safe_multiple(const OneStepPlan& plan, double rel_tol) {
  TightnessResult r;
  r.method = plan.method;
  r.instances = plan.model_only ? 3 : 7;
  r.paper_over_theory = paper_over_theory(plan);
  r.claimed_up_to = claimed_up_to(plan);
  double lo = 1, hi = std::max(1.5, plan.power_factor);
  while (!holds(plan, lo, r.exact, r.checks) && lo > 1e-3) hi = lo, lo /= 2;
  while (holds(plan, hi, r.exact, r.checks) && hi < 64) lo = hi, hi *= 2;
  while (hi - lo > rel_tol * lo) {
    const double mid = std::sqrt(lo * hi);
    if (holds(plan, mid, r.exact, r.checks)) lo = mid;
    else hi = mid;
  }
  r.safe_multiple = lo;
  r.fails_at = hi;
  return r;
}

namespace {
// nullopt: no potential row; true: it passes at c.
std::optional<bool> run_holds(const Objective& problem, const std::string& method, const std::string& compressor,
                              const RunCheckOptions& opts, double c, int& checks) {
  ++checks;
  const std::string spec = with_method_param(method, "stepsize", fmt::format("theory*{:.6g}", c));
  for (const auto& r : run_rows(problem, spec, compressor.empty() ? std::nullopt : std::optional<std::string>(compressor), opts))
    if (r.id == "potential-monotone" || r.id == "potential-supermartingale") {
      if (r.verdict == "skipped") return std::nullopt;
      return r.verdict == "pass";
    }
  return std::nullopt;
}
}  // namespace

std::optional<RunTightness> run_safe_multiple(const Objective& problem, const std::string& method,
                                              const std::string& compressor, long long rounds, int seeds) {
  RunCheckOptions opts;
  opts.rounds = rounds;
  opts.seeds = seeds;
  RunTightness r;
  double lo = 1, hi = 2;
  auto at1 = run_holds(problem, method, compressor, opts, lo, r.checks);
  if (!at1) return std::nullopt;
  if (!*at1) {
    hi = lo;
    while (lo > 1.0 / 64 && !*run_holds(problem, method, compressor, opts, lo /= 2, r.checks)) hi = lo;
  } else {
    while (hi < 64 && *run_holds(problem, method, compressor, opts, hi, r.checks)) lo = hi, hi *= 2;
  }
  while (hi - lo > 0.05 * lo) {
    const double mid = std::sqrt(lo * hi);
    if (*run_holds(problem, method, compressor, opts, mid, r.checks)) lo = mid;
    else hi = mid;
  }
  r.safe_multiple = lo;
  r.fails_at = hi;
  return r;
}

}  // namespace commopt
