// The DASHA family's and DIANA's potentials from the full state (TheoremCard::state_potential):
// the spec's [CERT] potentials of dasha-family.md §3.1–3.3 and §3.5, and DIANA's derived one.
// Formulas and derivations in dasha_potential.cpp.
#pragma once
#include "methods/theorem.hpp"

namespace commopt {

enum class DashaPotential { dasha, dasha_page, dasha_mvr, dasha_pp, dasha_pp_mvr };

// Sets card.state_potential (and state_potential_noise for the MVR settings) of `which`.
void set_dasha_state_potential(TheoremCard& card, DashaPotential which);
// DIANA's [DERIVED] potential (dasha_potential.cpp), with state_potential_lead = 1.
void set_diana_state_potential(TheoremCard& card);

}  // namespace commopt
