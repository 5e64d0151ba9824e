// Exact expectation identities of the shipped code (issue 15 item 2). On a tiny nonconvex finite sum
// (d = 3, n = 3, m = 2 rows per worker; RandK with K = 1, so omega = 2) the method is run to a state
// (two rounds on perturbed gradients, one exact round), then the next round is run once per outcome
// of every random draw it makes (participation, coins, rows, compressor indices; OutcomeEnumerator)
// and the exact expectation of the new state is compared with what the proof assumes, computed in
// theory/expectation_identities.cpp from the paper's formulas with the parameters written there as
// numbers (a, b, p, alpha, lambda derived by hand for these dimensions):
//   DASHA family  E h_i^+ = h_i + ∇f_i(x^+) − ∇f_i(x) − b (h_i − ∇f_i(x)),
//                 E g_i^+ = g_i + E k_i − a (g_i − h_i),   E g^+ = g + (1/n) Σ_i (E k_i − a (g_i − h_i))
//                 (participation scaled by 1/p_a cancels: the expected DASHA-PP update is DASHA's);
//                 SYNC-MVR: with probability p everything is reset to the mega-batch gradient;
//   MARINA family E g^+ = p ∇f(x^+) + (1 − p)(g + ∇f(x^+) − ∇f(x))   (PAGE estimator unbiased);
//   DIANA         E g^+ = ∇f(x^+),  E h_i^+ = h_i + alpha (∇f_i(x^+) − h_i);
//   FRECON        E g^+ = ∇f(x^+) − ∇f(x) + (1 − lambda) g + lambda ∇f(x)   (y = mean y_i).
// Rows: expectation:<method> (|E − reference| ≤ 1e-10 relative, in a random direction) and its power
// row (the reference with its momentum / probability doubled must be told apart on some state).
#pragma once
#include <string>
#include <vector>

#include "theory/checks.hpp"

namespace commopt {

// true when `method` (a registry name) has an identity here.
bool has_expectation_identity(const std::string& method);
// The identity's row and power row. Runs on the calling thread with the process-wide DrawSource: not
// concurrently with other runs (commopt check runs it with the one-step certificates).
std::vector<CheckRow> expectation_rows(const std::string& method);

// E[decode(C(x))] = x for every registered example of an unbiased random compressor, exact over all
// outcomes of its draws (theory/compressor_identities.cpp); skipped rows for continuous draws.
std::vector<CheckRow> compressor_unbiased_rows();

struct ExpectationResult {
  double worst = 0;        // max over states of |E − ref| / scale
  double power_most = 0;  // max over states (one state must tell them apart) of |E − ref(doubled parameter)| / scale
  std::size_t outcomes = 0;
  std::string spec;
};
// The measurement behind the rows (for tests): `states` states of the tiny problem of `seed`.
ExpectationResult expectation_identity(const std::string& method, int states, std::uint64_t seed);

}  // namespace commopt
