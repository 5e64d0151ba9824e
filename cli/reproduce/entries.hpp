// The reproductions of this folder, one factory per file (registered in registry.cpp).
#pragma once
#include "cli/reproduce/reproduction.hpp"

namespace commopt::reproduce {

Entry dasha_vs_marina_entry();         // dasha_vs_marina.cpp
Entry dasha_pp_participation_entry();  // dasha_pp_participation.cpp
Entry ef21_vs_diana_entry();           // ef21_vs_diana.cpp

}  // namespace commopt::reproduce
