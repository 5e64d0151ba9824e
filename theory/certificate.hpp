// The exact one-step certificate of a method's theorem, run on the SHIPPED code (DESIGN.md "One
// home per theorem"; dasha-family.md §7). On a tiny nonconvex finite sum (theory/tiny_problem.hpp)
// and many random states, it checks
//   E[Φ^{t+1} | state] − Φ^t + (γ/2)||∇f(x^t)||² ≤ 1e-12 · max(1, |Φ^t| + γ||∇f(x^t)||²),
// where γ is the step the registered method's builder computes (`stepsize=theory*factor`), Φ is the
// card's full-state potential (TheoremCard::state_potential: server + every worker's exposed state,
// theory/state_potential.hpp) or else the potential its server reports in the trace, minus the card's
// noise allowance κσ² in the MVR settings (σ² at x^t and x^{t+1}), and the expectation is exact: round t+1 is run once
// per outcome of every random draw the code makes (OutcomeEnumerator), weighed by its probability.
// A state: x^0 at a log-uniform scale; `warmup` rounds (the initialization and 0–2 more) on
// gradients shifted by a per-worker perturbation at a log-uniform scale (so g_i, h_i and g sit at
// arbitrary distances from the true gradients); then one exact round, which gives x^t and Φ^t. Each
// outcome replays the state from scratch (same seed, same perturbation) and then runs round t+1.
// The power check runs the same code at a multiple of the step and must find a violating state.
#pragma once
#include <cstdint>
#include <string>

#include "methods/theorem.hpp"

namespace commopt {

struct CertificateResult {
  std::string method;       // the spec run, with its step
  double gamma = 0;         // the step size the builder computed
  double factor = 1;        // multiple of the theory step
  int states = 0;
  int violations = 0;       // states with slack above the tolerance
  double worst_slack = 0;   // max over states of the relative slack
  std::size_t max_outcomes = 0;  // most outcomes enumerated for one state
};

// Runs the certificate of `plan` at `factor` times the theory step on `states` random states of the
// tiny problem of `seed`. Throws std::logic_error when the method reports no potential or makes a
// draw that cannot be enumerated, or when the card does not claim its potential at this step unless
// `outside_claim` (power checks: the formula beyond TheoremCard::state_potential_claimed).
CertificateResult one_step_certificate(const OneStepPlan& plan, double factor, int states, std::uint64_t seed,
                                       bool outside_claim = false);

}  // namespace commopt
