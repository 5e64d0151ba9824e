// The theory's own simulator runs (invariants, full-state potentials, DIANA's rate, tightness, the
// expectation replays): their method setup, the method and compressor specs on `problem` at 64-bit
// values, so the state `check` reads is the exact one, not the wire's float32 rounding; and the
// whole state they read after a round, the server's and every worker's (all in this process).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "methods/method.hpp"
#include "methods/invariants.hpp"

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

inline void expose_state(const MethodInstance& inst, StateView& server, std::vector<StateView>& workers) {
  server.clear();
  inst.server->expose(server);
  workers.resize(inst.workers.size());
  for (std::size_t i = 0; i < workers.size(); ++i) {
    workers[i].clear();
    inst.workers[i]->expose(workers[i]);
  }
}

}  // namespace commopt
