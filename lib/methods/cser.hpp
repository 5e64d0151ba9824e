// CSER's worker state, for the exact invariant checks (theory/cser_checks.cpp) and the tests: the
// local model x_i, the error e_i (x̂ = x_i − e_i is the model common to all workers), and the
// parameters a run resolved. Defined in lib/methods/cser.cpp.
#pragma once
#include "methods/method.hpp"

namespace commopt {

class CserWorkerState {
 public:
  virtual ~CserWorkerState() = default;
  virtual const Vec& local_model() const = 0;  // x_i
  virtual const Vec& error() const = 0;        // e_i
};

}  // namespace commopt
