// The method setup of the theory's own simulator runs (invariants, full-state potentials): the
// method and compressor specs on `problem` at 64-bit values, so the state `check` reads is the exact
// one, not the wire's float32 rounding.
#pragma once
#include <cstdint>
#include <string>

#include "core/objective.hpp"
#include "methods/method.hpp"

namespace commopt {

inline MethodSetup exact_setup(const Objective& problem, const std::string& method, const std::string& compressor,
                               std::uint64_t seed) {
  MethodSetup setup;
  setup.problem = &problem;
  setup.method = Spec::parse(method, "--method");
  setup.compressor = Spec::parse(compressor, "--compressor");
  setup.value_bits = 64;
  setup.seed = seed;
  return setup;
}

}  // namespace commopt
