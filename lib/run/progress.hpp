// A one-line progress display on stderr (rounds, bits, ||∇f||²), only when stderr is a terminal. The
// bar shows the fraction of whichever limit is closest to binding: rounds (unless they are only a
// safety cap), the bit budget, or the time limit.
#pragma once
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "run/run.hpp"
#include "trace/trace.hpp"

namespace commopt {

class Progress {
 public:
  Progress(bool enabled, const StopRule& stop) : enabled_(enabled), stop_(stop) {}
  void update(const TraceRow& r) {
    if (!enabled_) return;
    double frac = 0;
    if (!stop_.rounds_is_safety_cap && stop_.rounds > 0)
      frac = static_cast<double>(r.round) / static_cast<double>(stop_.rounds);
    if (stop_.max_bits && *stop_.max_bits > 0) frac = std::max(frac, r.bits_up / *stop_.max_bits);
    if (stop_.time_limit && *stop_.time_limit > 0) frac = std::max(frac, r.seconds / *stop_.time_limit);
    const int width = 24, filled = static_cast<int>(std::min(frac, 1.0) * width);
    fmt::print(stderr, "\r[{:<{}}] round {:>8}  bits/worker {:.3e}  |grad f|^2 {:.3e}", std::string(filled, '#'),
               width, r.round, r.bits_up, r.grad_norm_sq);
    std::fflush(stderr);
  }
  void done() {
    if (enabled_) fmt::print(stderr, "\r\033[K");
  }

 private:
  bool enabled_;
  StopRule stop_;
};

}  // namespace commopt
