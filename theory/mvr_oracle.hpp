// DASHA-MVR's oracle complexity against ε (issue 15 item 5; dasha-family.md §3.3: "Oracle
// complexity O(σ/(ε^{3/2} n))"), extra check "mvr-oracle" of dasha_mvr, INFORMATIONAL.
// For each ε of a log grid, the corollary's parameters: B' = σ²/(nεB) (mega_batch), hence
// b = min(1/B', 1/(ω√B')) and B_init = ⌊max(B', ω√B')⌋ (the builder's defaults), B = 1 and the
// [CERT] step; each run stops at the first round with ||∇f(x^t)||² ≤ ε (the run's --target) and
// its oracle calls are the sample gradients per worker spent until then (B_init included). The
// row fits the slope of log(calls) against log(1/ε) over every (ε, seed) run by least squares,
// with a 95% Student-t interval (N − 2 dof), and compares it with the theorem's exponent 3/2.
// The compressor has ω = 1 (RandK, K = d/2): with the suite's ω ≈ 30 the step's ε-free ω-term
// dominates down to ε ≈ 1e-5 and the runs would show the 1/ε regime instead. Skipped when the
// problem has no gradient noise (σ² = 0).
#pragma once
#include <vector>

#include "core/objective.hpp"
#include "theory/checks.hpp"

namespace commopt {

struct OracleFit {
  std::vector<double> eps;    // per run
  std::vector<double> calls;  // oracle calls per worker to reach ||∇f||² ≤ ε
  std::vector<double> init_calls;  // of which the mega-batch init B_init
  int unreached = 0;          // runs that hit the round cap first (left out of the fit)
  double slope = 0, half_width = 0;  // of log calls vs log(1/ε), 95%
  double rounds_slope = 0;    // the same fit of the calls after the init (the ε^{-3/2} part)
};

// `points` ε values log-spaced over [eps_lo, eps_hi], `seeds` runs each, at most `max_rounds` rounds.
OracleFit mvr_oracle_fit(const Objective& problem, double eps_lo, double eps_hi, int points, int seeds,
                         long long max_rounds);

std::vector<CheckRow> mvr_oracle_rows(const Objective& problem);

}  // namespace commopt
