// DIANA's linear rate on a strongly convex problem, the [DERIVED] theorem of methods/diana.cpp
// (issue 15 item 5), checked on 8-seed runs of the shipped code as extra check "pl-rate" of diana:
//   f μ-strongly convex and L-smooth, f_i L_i-smooth (not necessarily convex), C_i independent
//   unbiased with variance ω, α = 1/(1+ω), c = 4ω/(nα), γ ≤ 1/L:
//   Ψ(x, h) = ||x − x*||² + cγ²(1/n)Σ_i||h_i − ∇f_i(x*)||²,   E Ψ⁺ ≤ ρ Ψ,
//   ρ = max(1 − γμ + 6ωγ²L̂²/n, 1 − α/2),   run at γ = min(1/L, nμ/(12ωL̂²)) (the ρ-minimizing step).
// Row "sc-rate" (binding, derived): at 24 log-spaced t, the per-seed ratio Ψ_t/(ρ^t Ψ_0) is tested
// against mean ≤ 1 (one-sided Student-t, Bonferroni over the t, family-wise false alarm ≤ 1e-3);
// `measured` is the worst effective rate max_{t≥1}(mean Ψ_t/Ψ_0)^{1/t} (t = 0 excluded: it is 1 by
// construction), `bound` is ρ, and the note gives the fitted rate exp(slope of log mean Ψ_t) as a
// multiple of log ρ (the theorem's slack). Power row "sc-rate-power": the same test on the shipped
// code with α = 1 (shifts overshoot) must reject ρ. Needs the problem's x* (QuadraticProblem);
// otherwise skipped.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "theory/checks.hpp"

namespace commopt {

struct DianaRateParams {
  double omega = 0, alpha = 0, gamma = 0, c = 0, rho = 0;
};
DianaRateParams diana_rate_params(const ProblemConstants& c, double omega, int workers);

// Ψ_0..Ψ_rounds along one simulated run (value_bits = 64) of `method` (its stepsize and alpha as
// given) with coefficient c; Ψ_{t+1} is read after round t at x^{t+1} = x^t − γ g^t and h_i^{t+1}.
std::vector<double> diana_psi_run(const Objective& problem, const Vec& x_star, const std::string& method,
                                  const std::string& compressor, double c, long long rounds, std::uint64_t seed);

std::vector<CheckRow> diana_rate_rows(const Objective& problem, const std::string& method,
                                      const std::string& compressor, long long rounds, int seeds = 8);

}  // namespace commopt
