// SharedGradients (see shared_gradients.hpp).
#include "net/shared_gradients.hpp"

#include <cstring>

namespace commopt {

bool same_bits(const Vec& a, const Vec& b) {
  return a.size() == b.size() &&
         (a.size() == 0 || std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0);
}

SharedGradients::SharedGradients(const Objective& problem)
    : problem_(problem), slots_(static_cast<std::size_t>(problem.workers())) {}

void SharedGradients::start_round(bool armed, const Vec* x_expected, bool fold) {
  for (Slot& s : slots_) s.kept = false;
  fold_slot_.kept = false;
  armed_ = armed;
  fold_ = armed && fold;
  folded_ = 0;
  prefix_open_ = fold_;
  expected_known_ = armed && x_expected != nullptr;
  if (expected_known_) expected_ = *x_expected;  // one copy of x^t per armed round
}

bool SharedGradients::at_expected(const Vec& x) const {
  const std::lock_guard<std::mutex> lock(expected_mutex_);
  if (!expected_known_) {
    expected_ = x;
    expected_known_ = true;
    return true;
  }
  return same_bits(x, expected_);
}

void SharedGradients::grad(int i, const Vec& x, Vec& out) const {
  if (armed_ && i >= 0 && i < workers()) {
    Slot& s = slot_for(i);
    if (!s.kept && at_expected(x)) {
      // loss_grad_count's gradient is grad()'s bit for bit (Objective's contract)
      const LossGradCount c = problem_.loss_grad_count(i, x, s.share.grad);
      s.share.loss = c.loss;
      s.share.correct = c.correct;
      s.share.rows = c.rows;
      s.kept = true;
      out = s.share.grad;
      return;
    }
  }
  problem_.grad(i, x, out);
}

SharedGradients::Slot& SharedGradients::slot_for(int i) const {
  return prefix_open_ && i == folded_ ? fold_slot_ : slots_[static_cast<std::size_t>(i)];
}

WorkerShare* SharedGradients::step_done(int i) {
  if (!prefix_open_ || i != folded_) return nullptr;
  if (!fold_slot_.kept) {
    prefix_open_ = false;  // worker i kept nothing: the evaluation measures it, and the rest follow it
    return nullptr;
  }
  fold_slot_.kept = false;  // handed over; the next worker reuses the buffer
  ++folded_;
  return &fold_slot_.share;
}

bool SharedGradients::kept_at(const Vec& x) const { return armed_ && expected_known_ && same_bits(x, expected_); }

WorkerShare* SharedGradients::kept(int i) {
  Slot& s = slots_[static_cast<std::size_t>(i)];
  return s.kept ? &s.share : nullptr;
}

int SharedGradients::kept_count() const {
  int k = folded_ + (fold_slot_.kept ? 1 : 0);
  for (const Slot& s : slots_) k += s.kept ? 1 : 0;
  return k;
}

int SharedGradients::buffers() const {
  int k = fold_slot_.share.grad.size() > 0 ? 1 : 0;
  for (const Slot& s : slots_) k += s.share.grad.size() > 0 ? 1 : 0;
  return k;
}

}  // namespace commopt
