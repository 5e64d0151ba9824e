// A method's theorem, defined once in the method's own file and carried by its registry entry
// (DESIGN.md "One home per theorem"): the card (paper, assumptions, step-size rule, bound,
// potential, provenance) and the check suite's settings. `commopt theory`, `commopt check`, the
// exact one-step certificate (theory/certificate.hpp) and the tests all read it from the entry; the
// step size and the potential themselves are computed by the method's builder and its server, so
// the certificate, the trace and the card cannot disagree.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "compress/compressor.hpp"
#include "core/objective.hpp"

namespace commopt {

struct StatePotentialInput;  // methods/state_potential.hpp

enum class Provenance {
  paper,           // taken from the paper's text (or a textbook theorem)
  paper_recalled,  // the spec marks it recalled and unverified: printed, not binding
  certificate,     // the spec's [CERT] potential with its step size, computer-checked
  derived,         // derived in this code base (comment in the method's file), computer-checked
};
inline std::string provenance_name(Provenance p) {
  switch (p) {
    case Provenance::paper: return "paper";
    case Provenance::paper_recalled: return "paper-recalled";
    case Provenance::certificate: return "certificate";
    case Provenance::derived: return "derived";
  }
  return "?";
}
inline bool binding(Provenance p) { return p != Provenance::paper_recalled; }  // all but recalled

// What a card's formulas may read.
struct CardInputs {
  const ProblemConstants* constants = nullptr;
  CompressorConstants compressor;
  int workers = 1;
  double gamma = 0;                       // the step size the run uses
  const nlohmann::json* info = nullptr;   // the run's method_info (b, B, B_init, ...), when known
};

struct TheoremCard {
  std::string method;      // registry name (filled by the registry from the entry)
  std::string paper;
  std::string theorem;
  Provenance provenance = Provenance::paper;
  std::string setting;     // e.g. "nonconvex; f_i L_i-smooth; C contractive (alpha)"
  std::string stepsize_rule;
  std::string bound;       // the statement, as text
  std::string potential;   // Φ^t, as text; "" when the method has none
  // Whether Φ must decrease at every round on a run with no randomness (deterministic compressor,
  // full gradients, full participation); random methods are checked in expectation over seeds.
  bool potential_monotone_when_deterministic = true;
  // (1/T) Σ_{t<T} ||∇f(x^t)||² ≤ bound(Φ^0, T), when the theorem gives one.
  std::function<std::optional<double>(const CardInputs&, double phi0, long long T)> avg_grad_sq_bound;
  // f(x^t) − f* ≤ ρ^t (f(x^0) − f*) on μ-strongly convex problems, when the theorem gives one.
  std::function<std::optional<double>(const CardInputs&)> linear_rate;
  std::string notes;
  // false: the spec gives no certificate for this method/setting (e.g. DASHA-PP-PAGE); the checks
  // then report `not certified` instead of testing a recalled statement.
  bool certified = true;
  // Φ^t computed from the FULL state (the server's and every worker's exposed state,
  // methods/state_potential.hpp), for potentials the server cannot form alone: the DASHA family's
  // h-terms (||h − ∇f||², mean ||h_i − ∇f_i||²) and DIANA's shifts. The simulator has that state;
  // the one-step certificate runs the shipped code with it, and `commopt check` logs it along runs.
  // Empty: the server's own potential (ServerLogic::potential) is the whole story.
  std::function<std::optional<double>(const StatePotentialInput&)> state_potential;
  // The one-step inequality's noise allowance per unit σ²: E Φ^{t+1} ≤ Φ^t − (γ/2)||∇f(x^t)||² +
  // κ σ², κ = state_potential_noise(state) (MVR settings); σ² is taken at x^t and x^{t+1}. Empty: 0.
  std::function<double(const StatePotentialInput&)> state_potential_noise;
  // 1: Φ^t is the potential of the state round t+1 starts from (it reads x^{t+1} = x^t − γ g^t), so
  // its descent term is (γ/2)||∇f(x^{t+1})||² (DIANA, whose shifts are updated at x^t); 0: at x^t.
  int state_potential_lead = 0;
  // Where the card claims the one-step inequality of its state potential (empty: wherever the
  // potential is defined), e.g. DIANA's [DERIVED] Ψ needs 2Lγ ≤ 1 and 12ωL̂²γ² ≤ nα². Outside it Φ is
  // still computed for the power rows and `check --tightness` (the formula at larger steps), but no
  // binding check is made there: the certificate at the checked step requires the claim.
  std::function<bool(const StatePotentialInput&)> state_potential_claimed;
};

// The exact one-step certificate of the theorem (theory/certificate.hpp): E[Φ^{t+1} | state] −
// Φ^t + (γ/2)||∇f(x^t)||² ≤ 0, computed by running the shipped worker and server code once per
// outcome of every random draw of round t+1 on a tiny nonconvex problem, with the potential the
// method's server reports. The power check runs the same code at `power_factor` times the step and
// must find a violating state (a check that cannot fail is worthless).
struct OneStepPlan {
  std::string method;      // the method spec on the tiny problem, e.g. "pp_marina[s=1]"
  std::string compressor;  // its compressor there, e.g. "randk[k=2]"; "" for methods without one
  double power_factor = 4;
  int dim = 4, workers = 3, rows = 1;  // the tiny problem: d, n, rows m per worker
  // true: the hand-written model of theory/one_step_dasha.cpp stands in for the shipped code (the
  // check says so in its row). No plan needs it since the DASHA family's h-terms come from the full
  // state (TheoremCard::state_potential); kept for a method whose state cannot be shown.
  bool model_only = false;
  // The potential's provenance when it differs from the card's theorem (DIANA: the step size is
  // paper-recalled, the potential certified here is [DERIVED]); empty: the card's provenance.
  std::optional<Provenance> provenance = std::nullopt;
};

// One run of `commopt check`: a method spec and its compressor ("" = the entry's default);
// "{k}" in the compressor is replaced by the suite's K (quick 4, full 10).
struct CheckRun {
  std::string method;
  std::string compressor;
};

// The check suite's settings of a method. Every registered method gets rows in `commopt check`:
// the exact one-step certificate when `one_step` is set, the run-based checks (potential, bound,
// rate; `not certified` rows for uncertified cards) for each of `runs`, and the extra checks named
// in `extra` ("virtual-sequence": dist-EF-SGD's identity; "gd-consistency": local SGD with H = 1).
struct CheckPlan {
  std::optional<OneStepPlan> one_step;
  std::vector<CheckRun> runs = {{"", ""}};  // default: the method's defaults with its default compressor
  std::vector<std::string> extra;
  bool run_checks = true;  // false: only the extra checks apply to runs (e.g. dist_ef_sgd)
};

}  // namespace commopt
