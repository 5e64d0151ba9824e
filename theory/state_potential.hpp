// A method's potential from the FULL state of a simulated run (TheoremCard::state_potential,
// methods/state_potential.hpp): after a round, every party's exposed state is collected and the
// card's formula applied. Used by the exact one-step certificate on the shipped code
// (theory/certificate.cpp, theory/quadratic_form.cpp) and by `commopt check` to log Φ^t along runs
// of the methods whose server cannot form Φ alone (the DASHA family, DIANA).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "methods/method.hpp"
#include "theory/checks.hpp"

namespace commopt {

struct FullStatePotential {
  std::optional<double> phi;  // Φ^t (nullopt: the card does not claim one here)
  double grad_sq = 0;         // ||∇f||² of the theorem's descent term (at x^t, or x^{t+1} with lead)
  double noise = 0;           // κ σ²: the one-step allowance (MVR), σ² = max over x^t, x^{t+1} (with_noise)
  double kappa = 0;           // κ (the card's state_potential_noise; 0 without one)
};

// Φ^t of `inst` after its latest round, by the card's state potential (std::logic_error when the
// card has none); nullopt where the card does not claim it (TheoremCard::state_potential_claimed)
// unless `outside_claim` (the power rows and the tightness bisection read the formula there). with_noise computes σ² = max_i (1/m_i)Σ_j ||∇f_ij(z) − ∇f_i(z)||² at z = x^t and
// z = x^t − γ g^t by single-row minibatch gradients (tiny problems only: m_i gradients per worker).
FullStatePotential full_state_potential(const TheoremCard& card, const Objective& problem, const MethodInstance& inst,
                                        bool with_noise, bool outside_claim = false);

// max_i (1/m_i) Σ_j ||∇f_ij(z) − ∇f_i(z)||²: the one-sample variance σ²(z) (rows drawn uniformly).
double sample_variance(const Objective& problem, const Vec& z);

// Φ^t along a simulated run of the shipped code (value_bits = 64, every round), the row's descent
// term ||∇f||² and the run's step: what `commopt check` reads where the trace has no potential.
struct StatePotentialRun {
  std::vector<std::optional<double>> phi;  // rounds 0..rounds
  std::vector<double> grad_sq;
  double gamma = 0;
  double kappa = 0;  // the card's noise coefficient κ (per unit σ²) of this run
};
StatePotentialRun state_potential_run(const Objective& problem, const std::string& method, const std::string& compressor,
                                      long long rounds, std::uint64_t seed);

// The along-run row for a card whose potential needs the full state (`commopt check`, check 2, where
// the trace has no potential): `seeds` simulated runs of opts.rounds rounds (seeds opts.first_seed,
// +1, …); at log-spaced T the per-seed X_T = Φ^T + (γ/2)Σ_{t<T}||∇f||² − Φ^0 − T κ σ² (σ² = the
// problem's sigma_sq) is tested against E X_T ≤ 0 (Student-t, Bonferroni: theory/seed_stats.hpp).
// INFORMATIONAL: the verdict is pass or not-binding, never FAIL (the id says state-potential).
CheckRow state_potential_row(const CheckRow& base, const TheoremCard& card, const Objective& problem,
                             const std::string& method, const std::string& compressor, const RunCheckOptions& opts,
                             int seeds);

}  // namespace commopt
