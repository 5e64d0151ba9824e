// Linear rates under PL / strong convexity beyond GD (issue 15 item 5), as extra check "pl-rate":
//   ef21: EF21 Theorem 2 (PL), recalled (the spec, dasha-family.md 3.8, does not reproduce it):
//     γ ≤ min{1/(L + L̂ sqrt(2β/θ)), θ/(2μ)},  Ψ^t = f(x^t) − f* + (γ/θ)(1/n)Σ||g_i^t − ∇f_i(x^t)||²,
//     Ψ^T ≤ (1 − γμ)^T Ψ^0 (TopK: deterministic). The run uses that γ (stepsize=theory*c); Ψ is read
//     from the logged Φ = f − f* + (γ/(2θ))G as Ψ = 2Φ − (f − f*).
//   lag: the card's recalled rate f(x^t) − f* ≤ (1 − (μ/L)(1 − sqrt(Dξ)))^t V^0 at the theory step
//     γ = (1 − sqrt(Dξ))/L, i.e. ρ = 1 − γμ, with V^0 the logged potential at t = 0.
//   diana: the [DERIVED] strongly convex rate of diana.cpp, binding (theory/diana_rate.hpp).
// The ef21 and lag rows are paper-recalled, so not binding; `measured` is the worst effective rate
// max_{t≥1}(value_t/value_0)^{1/t} against ρ. Skipped without μ > 0 and a known f*.
#pragma once
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "theory/checks.hpp"

namespace commopt {

std::vector<CheckRow> pl_rate_rows(const Objective& problem, const std::string& method, const std::string& compressor,
                                   long long rounds);

}  // namespace commopt
