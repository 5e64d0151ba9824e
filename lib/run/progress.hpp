// A one-line progress display on stderr (rounds, bits, ||∇f||²), only when stderr is a terminal.
#pragma once
#include <cstdio>

#include <fmt/format.h>

#include "trace/trace.hpp"

namespace commopt {

class Progress {
 public:
  Progress(bool enabled, long long total_rounds) : enabled_(enabled), total_(total_rounds) {}
  void update(const TraceRow& r) {
    if (!enabled_) return;
    const double frac = total_ > 0 ? static_cast<double>(r.round) / static_cast<double>(total_) : 1.0;
    const int width = 24, filled = static_cast<int>(frac * width);
    fmt::print(stderr, "\r[{:<{}}] round {:>8}/{}  bits/worker {:.3e}  |grad f|^2 {:.3e}", std::string(filled, '#'),
               width, r.round, total_, r.bits_up, r.grad_norm_sq);
    std::fflush(stderr);
  }
  void done() {
    if (enabled_) fmt::print(stderr, "\r\033[K");
  }

 private:
  bool enabled_;
  long long total_;
};

}  // namespace commopt
