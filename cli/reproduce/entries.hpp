// The reproductions of this folder, one factory per file (registered in registry.cpp).
#pragma once
#include "cli/reproduce/reproduction.hpp"

namespace commopt::reproduce {

Entry dasha_vs_marina_entry();         // dasha_vs_marina.cpp
Entry dasha_pp_participation_entry();  // dasha_pp_participation.cpp
Entry ef21_vs_diana_entry();           // ef21_vs_diana.cpp
Entry lag_uploads_entry();             // lag_uploads.cpp
Entry laq_entry();                     // laq.cpp
Entry qsparse_bits_entry();            // qsparse_bits.cpp
Entry dist_ef_two_way_entry();         // dist_ef_two_way.cpp
Entry ef_sgd_entry();                  // ef_sgd.cpp
Entry cser_entry();                    // cser.cpp

}  // namespace commopt::reproduce
