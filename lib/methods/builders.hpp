// Factory functions of the methods, one per file in lib/methods/; the registry lists them.
#pragma once
#include "methods/method.hpp"

namespace commopt {
MethodInstance build_gd(const MethodSetup& s);
MethodInstance build_ef21(const MethodSetup& s);
MethodInstance build_dasha(const MethodSetup& s);
MethodInstance build_lag(const MethodSetup& s);
MethodInstance build_local_sgd(const MethodSetup& s);
MethodInstance build_dist_ef_sgd(const MethodSetup& s);
}  // namespace commopt
