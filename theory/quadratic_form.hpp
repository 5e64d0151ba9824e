// The exact one-step check over ALL states (issue 15 item 3). On the tiny quadratic finite sum
// (theory/tiny_problem.hpp) a state is reached from a parameter vector
//   p = (x^0, ξ_{0,1..n}, …, ξ_{w−1,1..n}, τ) ∈ R^N,  N = d + w·n·d + 1:
// start at x^0, run w rounds whose gradients are shifted by ξ_{t,i} (so g_i, h_i, g sit anywhere
// their recursions allow), then one exact round, with the linear terms b_ij scaled by τ. When every
// update is linear in the state given the random outcomes of the round (RandK, participation,
// PAGE/MARINA coins; the warm-up's outcomes are fixed by the seed), the state is linear in p and
//   q(p) = E[Φ^{t+1} | state] − Φ^t + (γ/2)||∇f(x^t)||²
// (the expectation exact, over every outcome: theory/outcome_enumerator.hpp) is a homogeneous
// quadratic form pᵀMp (f*-constants cancel in the difference). M is recovered by polarization,
//   M_ii = q(e_i),  M_ij = (q(e_i + e_j) − q(e_i) − q(e_j))/2,
// from N(N+1)/2 runs of the SHIPPED code, and "Φ never increases in expectation by more than
// −(γ/2)||∇f||², from any state of the family" is λ_max(M) ≤ 0: exact, not sampled. τ makes the
// check cover the inhomogeneous problem too (q ≤ 0 at τ = 1 for all x ⟺ q ≤ 0 for all (x, τ),
// by scaling and continuity). Linearity is verified, not assumed: pᵀMp must reproduce q(p) on
// random p; an update that is not linear (TopK, a trigger) fails that test and the caller falls
// back to sampling states.
#pragma once
#include <cstdint>
#include <string>

#include "methods/theorem.hpp"
#include "theory/tiny_problem.hpp"

namespace commopt {

struct QuadraticFormResult {
  bool linear = false;          // pᵀMp reproduced q(p) on random p (relative error below 1e-8)
  double linearity_error = 0;   // max relative |pᵀMp − q(p)|
  double lambda_max = 0;        // largest eigenvalue of M
  double lambda_scale = 0;      // max |eigenvalue| of M (the tolerance is relative to it)
  double gamma = 0;
  int dim = 0;                  // N
  std::size_t outcomes = 0;     // outcomes of the enumerated round
  double relative_lambda_max() const { return lambda_scale > 0 ? lambda_max / lambda_scale : 0; }
  bool nsd() const { return lambda_max <= 1e-9 * lambda_scale; }
};

// The form of `plan` at `factor` times the theory step on the tiny problem of `seed` with
// `warmup` perturbed rounds (1 <= warmup <= 3). outside_claim: the card's potential formula also
// where the card does not claim the inequality (TheoremCard::state_potential_claimed; power rows,
// tightness); otherwise such a state throws std::logic_error.
QuadraticFormResult one_step_quadratic_form(const OneStepPlan& plan, double factor, std::uint64_t seed, int warmup,
                                            TinyShape shape = {}, bool outside_claim = false);

// The check over a family of forms: seeds 1..3 × warmup 1..2 (stops at the first non-linear one).
struct ExactOneStep {
  bool linear = true;
  int families = 0;
  int max_dim = 0;
  std::size_t max_outcomes = 0;
  double worst_relative_lambda = -1e300;  // max over forms of λ_max/max|λ|
  double worst_linearity_error = 0;
  double gamma = 0;
  bool nsd() const { return linear && worst_relative_lambda <= 1e-9; }
};
ExactOneStep exact_one_step(const OneStepPlan& plan, double factor, int seeds = 3, TinyShape shape = {},
                            bool outside_claim = false);

}  // namespace commopt
