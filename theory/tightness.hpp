// How tight a certified step is (issue 15 item 4): the largest multiple c of the theory step at
// which the certified potential still cannot increase in expectation, found by bisection on the
// exact one-step check (theory/quadratic_form.hpp; the sampled certificate for updates that are not
// linear, e.g. TopK) over a family of tiny instances. The potential's coefficients scale with γ as
// the card says, so c measures the slack of THIS certificate (step and potential together), not
// of every possible proof.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "methods/theorem.hpp"

namespace commopt {

// The theory step and the paper's recalled step (when the builder records one) of `method` with
// `compressor` ("" = none) on `problem`: the builder's info `stepsize_theory` and `stepsize_paper`.
struct StepPair {
  double theory = 0;
  std::optional<double> paper;
};
StepPair theory_and_paper_steps(const std::string& method, const std::string& compressor, const Objective& problem);

// "; certified step = R x the paper's recalled step on the tiny problem" when the builder records a
// paper step for the plan's method (empty otherwise). Says "EXCEEDS" when R > 1.
std::string paper_step_note(const OneStepPlan& plan);

struct TightnessResult {
  std::string method;
  bool exact = true;        // the exact form (false: sampled states; TopK)
  double safe_multiple = 0; // largest c found to hold (lower end of the final bracket)
  double fails_at = 0;      // smallest c found to fail (upper end)
  int instances = 0;        // tiny instances in the family
  int checks = 0;           // one-step checks run
  std::optional<double> paper_over_theory;  // on the plan's tiny problem
  // The largest c at which the card still claims its potential (TheoremCard::state_potential_claimed,
  // on the plan's tiny problem, seed 1); nullopt when the claim has no conditions. The bisection
  // reads the potential's formula beyond it, so safe_multiple above it is the formula's slack.
  std::optional<double> claimed_up_to;
};
std::optional<double> claimed_up_to(const OneStepPlan& plan);

// Bisection on c in [lo, hi] (hi doubled, up to 64, until it fails; lo halved until it holds) to
// a relative bracket width `rel_tol`, over the instances (plan.dim, plan.workers) seeds 1..3,
// (3, 2), (6, 2), and (plan.dim, plan.workers) and (6, 2) ill-conditioned and heterogeneous
// (TinyShape{100, 10}; exact check only). Model-only plans (the hand-written DASHA models) are bisected on the model.
TightnessResult safe_multiple(const OneStepPlan& plan, double rel_tol = 0.02);

// The problem at hand, where no exact form is available (d too large): the largest c at which the
// run-based potential check of `commopt check` (potential-monotone, or the supermartingale test over
// `seeds` seeds) finds no violation in `rounds` rounds at stepsize=theory*c; bisection to 5%, c up to
// 64. A weaker statement than the exact one ("no violation seen"); nullopt when the method logs no
// potential (the DASHA-family variants whose h-terms the server does not see).
struct RunTightness {
  double safe_multiple = 0, fails_at = 0;
  int checks = 0;
};
std::optional<RunTightness> run_safe_multiple(const Objective& problem, const std::string& method,
                                              const std::string& compressor, long long rounds, int seeds);

}  // namespace commopt
