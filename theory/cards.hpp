// Theorem cards: each method's theorem as data the checks can evaluate — the paper and theorem,
// the assumptions, the step-size rule, the bound as a function of T and the constants, the
// potential (Lyapunov function) and an honest provenance label. The step size a run uses is
// computed by the method itself (lib/methods, recorded in the run's metadata); a card reads it
// from there, so the card and the method cannot disagree about γ.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compress/compressor.hpp"
#include "core/objective.hpp"

namespace commopt {

enum class Provenance {
  paper,           // taken from the paper's text (or a textbook theorem)
  paper_recalled,  // the spec marks it recalled and unverified: printed, not binding
  certificate,     // the spec's [CERT] potential with its step size, computer-checked
  derived,         // derived in this code base (comment in the method's file), computer-checked
};
std::string provenance_name(Provenance p);
bool binding(Provenance p);  // everything but paper_recalled

// What a card's formulas may read.
struct CardInputs {
  const ProblemConstants* constants = nullptr;
  CompressorConstants compressor;
  int workers = 1;
  double gamma = 0;  // the step size the run uses
  const nlohmann::json* info = nullptr;  // the run's method_info (parameters such as b, B, B_init), when known
};

struct TheoremCard {
  std::string method;      // registry name
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
};

// The DASHA family's cards (theory/cards_dasha.cpp).
void add_dasha_cards(std::vector<TheoremCard>& cards);
// The MARINA family's, PAGE's, DIANA's and EF21-PP/BC's cards (theory/cards_marina.cpp).
void add_marina_cards(std::vector<TheoremCard>& cards);

const std::vector<TheoremCard>& theorem_cards();
const TheoremCard* find_card(const std::string& method);

}  // namespace commopt
