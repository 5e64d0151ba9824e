// The MARINA family (marina.cpp: the code and MARINA's entry; marina_variants.cpp: the entries of
// VR-MARINA, PP-MARINA and PAGE). Every variant is one builder with the shared coin p, and every
// card has the potential Φ^t = f(x^t) − f_low + (γ/(2p))||g^t − ∇f(x^t)||².
#pragma once
#include "methods/card_helpers.hpp"
#include "methods/common.hpp"

namespace commopt {

enum class MarinaVariant { marina, vr_marina, pp_marina, page };

// Builds `v` from the run's setup (marina.cpp).
MethodInstance build_marina_variant(const MethodSetup& s, MarinaVariant v);

// The family's invariants (marina.cpp): replicas, and g^t = ∇f(x^t) exactly after a full round of
// the gradient and finite-sum oracles (the online oracle's full rounds use a mega-batch).
std::vector<Invariant> marina_invariants();

inline constexpr const char* kMarinaPaper = "Gorbunov, Burlachenko, Li, Richtarik, MARINA, ICML 2021";

// A family card with the MARINA potential and its 2Φ^0/(γT) bound; Φ is not monotone on one run.
inline TheoremCard marina_family_card(Provenance provenance, const std::string& paper = kMarinaPaper) {
  TheoremCard c;
  c.paper = paper;
  c.provenance = provenance;
  c.potential_monotone_when_deterministic = false;
  c.potential = "Phi^t = f(x^t) - f_low + gamma/(2p) ||g^t - grad f(x^t)||^2";
  c.avg_grad_sq_bound = two_phi0_over_gamma_t;
  return c;
}

}  // namespace commopt
