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

#include "methods/theorem.hpp"

namespace commopt {

// The DASHA family's cards (theory/cards_dasha.cpp).
void add_dasha_cards(std::vector<TheoremCard>& cards);
// The MARINA family's, PAGE's, DIANA's and EF21-PP/BC's cards (theory/cards_marina.cpp).
void add_marina_cards(std::vector<TheoremCard>& cards);

const std::vector<TheoremCard>& theorem_cards();
const TheoremCard* find_card(const std::string& method);

}  // namespace commopt
