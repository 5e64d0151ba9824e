#include "theory/certificate.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <omp.h>

#include "methods/method.hpp"
#include "net/network.hpp"
#include "theory/outcome_enumerator.hpp"
#include "theory/state_potential.hpp"
#include "theory/tiny_problem.hpp"

namespace commopt {

namespace {

// The plan's method spec with stepsize=theory*factor added.
Spec with_step(const std::string& method, double factor) {
  const Spec s = Spec::parse(method, "certificate method");
  std::string text = s.name() + "[";
  for (const auto& [k, v] : s.values())
    if (k != "stepsize") text += k + "=" + v + ",";
  text += fmt::format("stepsize=theory*{:.17g}]", factor);
  return Spec::parse(text, "certificate method");
}

// One random state: where the warm-up starts and how it is perturbed.
struct StateRecipe {
  Vec x0;
  int warmup = 1;                  // perturbed rounds 0..warmup-1, then round `warmup` exact
  std::vector<double> noise;       // per-worker perturbation scale
  std::uint64_t run_seed = 0;
};

StateRecipe random_recipe(int d, int n, std::uint64_t seed, int state) {
  Rng rng(seed, kServer, state, Purpose::data);
  StateRecipe r;
  const double sx = std::pow(10.0, 2 * rng.uniform() - 1);
  r.x0 = Vec(d);
  for (int j = 0; j < d; ++j) r.x0[j] = sx * rng.normal();
  r.warmup = 1 + static_cast<int>(rng.below(3));
  for (int i = 0; i < n; ++i) r.noise.push_back(std::pow(10.0, 4 * rng.uniform() - 3));
  r.run_seed = seed * 1'000'003ULL + static_cast<std::uint64_t>(state);
  return r;
}

// The method on the tiny problem, replayed to the state x^t (after round t = recipe.warmup).
struct Replay {
  MethodInstance method;
  std::unique_ptr<SimNetwork> net;
};

std::unique_ptr<Replay> replay(TinyProblem& problem, const MethodSetup& setup, const StateRecipe& r) {
  problem.set_initial_point(r.x0);
  auto out = std::make_unique<Replay>();
  out->method = make_method(setup);
  out->net = std::make_unique<SimNetwork>(problem, out->method, r.run_seed);
  for (int t = 0; t < r.warmup; ++t) {
    problem.set_perturbation(static_cast<std::uint64_t>(t) + 1, r.noise);
    out->net->run_round(t);
  }
  problem.clear_perturbation();
  out->net->run_round(r.warmup);
  return out;
}

// Φ^t of the replayed state and the descent term ||∇f||²: the card's full-state potential when it
// has one (theory/state_potential.hpp; the DASHA family's h-terms), else the server's report.
struct PotentialValue {
  double phi = 0, grad_sq = 0, noise = 0;
};
PotentialValue potential_of(const TheoremCard& card, const Objective& problem, Replay& r, const std::string& method,
                            bool with_noise, bool outside_claim) {
  if (card.state_potential) {
    const FullStatePotential v = full_state_potential(card, problem, r.method, with_noise, outside_claim);
    if (!v.phi) throw std::logic_error("certificate: the state potential of '" + method + "' does not apply to this run");
    return {*v.phi, v.grad_sq, v.noise};
  }
  const Evaluation e = r.net->evaluate();
  if (!e.lyapunov) throw std::logic_error("certificate: method '" + method + "' reports no potential");
  return {*e.lyapunov, e.grad_norm_sq, 0};
}

// OpenMP runs the workers of a round in parallel; the enumerated code must run on one thread.
class SingleThread {
 public:
  SingleThread() : previous_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~SingleThread() { omp_set_num_threads(previous_); }

 private:
  int previous_;
};

}  // namespace

CertificateResult one_step_certificate(const OneStepPlan& plan, double factor, int states, std::uint64_t seed,
                                       bool outside_claim) {
  SingleThread one_thread;
  TinyProblem problem(plan.dim, plan.workers, plan.rows, seed);
  MethodSetup setup;
  setup.problem = &problem;
  setup.method = with_step(plan.method, factor);
  setup.compressor = Spec::parse(plan.compressor.empty() ? "identity" : plan.compressor, "certificate compressor");
  setup.value_bits = 64;
  const TheoremCard& card = find_method(setup.method.name()).card;
  CertificateResult res;
  res.method = setup.method.str() + (plan.compressor.empty() ? "" : " + " + plan.compressor);
  res.factor = factor;
  res.states = states;
  res.worst_slack = -INFINITY;
  OutcomeEnumerator outcomes;
  for (int s = 0; s < states; ++s) {
    const StateRecipe recipe = random_recipe(plan.dim, plan.workers, seed, s);
    setup.seed = recipe.run_seed;
    auto state = replay(problem, setup, recipe);
    res.gamma = state->method.stepsize;
    const PotentialValue at_t = potential_of(card, problem, *state, plan.method, true, outside_claim);
    const double phi0 = at_t.phi, grad_sq = at_t.grad_sq;
    const double phi1 = outcomes.expectation([&](OutcomeEnumerator& e) {
      auto run = replay(problem, setup, recipe);
      {
        OutcomeEnumerator::Scope scope(e);
        run->net->run_round(recipe.warmup + 1);
      }
      return potential_of(card, problem, *run, plan.method, false, outside_claim).phi;
    });
    res.max_outcomes = std::max(res.max_outcomes, outcomes.paths());
    // The [CERT]'s noise allowance κ σ² (MVR settings; 0 elsewhere) is subtracted.
    const double slack = phi1 - phi0 + res.gamma / 2 * grad_sq - at_t.noise;
    const double rel = slack / std::max(1.0, std::abs(phi0) + res.gamma * grad_sq);
    res.worst_slack = std::max(res.worst_slack, rel);
    if (rel > 1e-12) ++res.violations;
  }
  return res;
}

}  // namespace commopt
