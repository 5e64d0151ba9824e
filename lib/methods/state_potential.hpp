// What a card's state potential reads (TheoremCard::state_potential): the full state of a run
// after round t — the server's and every worker's exposed state (WorkerLogic/ServerLogic::expose,
// methods/invariants.hpp) — the problem, the run's step and its method_info. The simulator has all
// of it; theory/state_potential.hpp collects the views. Potentials that need a reduction over the
// workers' state (the DASHA family's mean h_i, DIANA's shifts h_i) are formed here, not by the
// server, so the run loop and the traces are untouched.
#pragma once
#include <optional>
#include <span>

#include <nlohmann/json.hpp>

#include "core/objective.hpp"
#include "methods/invariants.hpp"

namespace commopt {

struct StatePotentialInput {
  const Objective* problem = nullptr;
  const StateView* server = nullptr;
  std::span<const StateView> workers;
  double gamma = 0;                      // the run's step size
  const nlohmann::json* info = nullptr;  // the run's method_info (omega, p_a, b, prob, ...)
};

// The squared distances every DASHA-family potential is made of, at the server's x^t:
//   gap = f(x^t) − f_low, g_h = ||g − h||², dev_gh = (1/n)Σ||g_i − h_i||², h_f = ||h − ∇f||²,
//   dev_hf = (1/n)Σ||h_i − ∇f_i||², g_f = ||g − ∇f||², dev_gf = (1/n)Σ||g_i − ∇f_i||²,
// with g the server's estimator, h = (1/n)Σ h_i, and g_i, h_i the workers' "g", "h" (key_g/key_h).
struct EstimatorTerms {
  double gap = 0, g_h = 0, dev_gh = 0, h_f = 0, dev_hf = 0, g_f = 0, dev_gf = 0;
  double grad_sq = 0;  // ||∇f(x)||²
};
// At the server's "x" (lead = false) or at x − γ g (lead = true: the point round t+1 starts from).
EstimatorTerms estimator_terms(const StatePotentialInput& in, const char* key_g, const char* key_h, bool lead = false);

// A number in the run's info (std::logic_error naming `method` when it is missing).
double state_info(const StatePotentialInput& in, const char* key, const char* method);

}  // namespace commopt
