// Factory functions of the methods, one per file in lib/methods/; the registry lists them.
#pragma once
#include "methods/method.hpp"

namespace commopt {
MethodInstance build_gd(const MethodSetup& s);
MethodInstance build_ef21(const MethodSetup& s);
MethodInstance build_dasha(const MethodSetup& s);
MethodInstance build_dasha_page(const MethodSetup& s);      // dasha_vr.cpp
MethodInstance build_dasha_mvr(const MethodSetup& s);
MethodInstance build_dasha_sync_mvr(const MethodSetup& s);
MethodInstance build_dasha_pp(const MethodSetup& s);        // dasha_pp.cpp
MethodInstance build_dasha_pp_page(const MethodSetup& s);
MethodInstance build_dasha_pp_mvr(const MethodSetup& s);
MethodInstance build_lag(const MethodSetup& s);
MethodInstance build_local_sgd(const MethodSetup& s);
MethodInstance build_dist_ef_sgd(const MethodSetup& s);
// marina.cpp, diana.cpp, ef21_variants.cpp, frecon.cpp
MethodInstance build_marina(const MethodSetup& s);
MethodInstance build_vr_marina(const MethodSetup& s);
MethodInstance build_pp_marina(const MethodSetup& s);
MethodInstance build_page(const MethodSetup& s);
MethodInstance build_diana(const MethodSetup& s);
MethodInstance build_ef21_pp(const MethodSetup& s);
MethodInstance build_ef21_bc(const MethodSetup& s);
MethodInstance build_frecon(const MethodSetup& s);  // frecon.cpp
}  // namespace commopt
