// What theory/qsparse_checks.cpp and the tests read of a Qsparse-local-SGD worker (the state of
// Algorithms 1 and 2 of Basu et al., NeurIPS 2019): the local model x̂_r, the error memory m_r, the
// anchor a_r (the master model x at r's last synchronization, from which the net local update
// a_r − x̂_r is measured) and the last local step. The worker in qsparse_local_sgd.cpp implements it;
// checks reach it by dynamic_cast from WorkerLogic.
#pragma once
#include "core/types.hpp"

namespace commopt {

class QsparseWorkerView {
 public:
  virtual ~QsparseWorkerView() = default;
  virtual const Vec& local_model() const = 0;     // x̂_r
  virtual const Vec& anchor() const = 0;          // a_r
  virtual const Vec& memory() const = 0;          // m_r (η-scaled: model units)
  virtual const Vec& last_gradient() const = 0;   // the (minibatch) gradient of the last local step
  virtual const Vec& last_direction() const = 0;  // d_r with x̂ ← x̂ − η_t d_r (the gradient when momentum=0)
  virtual double last_stepsize() const = 0;       // η_t of the last local step
  virtual bool synced_last() const = 0;           // whether the last local step ended in a sync (upload)
};

}  // namespace commopt
