// Theorem cards: each method's theorem as data the checks can evaluate — the paper and theorem,
// the assumptions, the step-size rule, the bound as a function of T and the constants, the
// potential (Lyapunov function) and an honest provenance label. Each card is defined in its
// method's file (lib/methods/X.cpp, the entry's `card`); these functions read the registry.
#pragma once
#include <string>
#include <vector>

#include "methods/theorem.hpp"

namespace commopt {

// Every registered method's card, in registry order.
const std::vector<TheoremCard>& theorem_cards();
// The card of `method`; null when the method is unknown or its entry carries no card.
const TheoremCard* find_card(const std::string& method);

}  // namespace commopt
