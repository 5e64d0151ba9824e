#include "theory/cards.hpp"

#include "methods/method.hpp"

namespace commopt {

const std::vector<TheoremCard>& theorem_cards() {
  static const std::vector<TheoremCard> cards = [] {
    std::vector<TheoremCard> out;
    for (const auto& e : method_registry())
      if (!e.card.paper.empty()) out.push_back(e.card);
    return out;
  }();
  return cards;
}

const TheoremCard* find_card(const std::string& method) {
  for (const auto& e : method_registry())
    if (e.name == method) return e.card.paper.empty() ? nullptr : &e.card;
  return nullptr;
}

}  // namespace commopt
