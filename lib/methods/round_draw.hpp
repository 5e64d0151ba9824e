// The random choices of round t that every worker makes identically, drawn once per process
// (issue 13). The participation set S^t (s-nice or independent; ef21_pp, frecon, pp_marina, the
// DASHA-PP family) and MARINA's full-round coin are functions of (seed, t) only: every party draws
// them from Rng(seed, kServer, t, participation), so no message carries them. A worker that draws
// them itself pays O(n) for its own bit, O(n²) per round over n workers (47% of dasha_pp's time at
// n = 1000). The workers built together share one SharedRoundDraw instead, like the model replica
// (replica.hpp): the first worker of round t draws, the others read the same mask. The draw is the
// one each worker made, so participation sets and traces are bit-identical. Thread-safe: the
// workers of a process may run on several threads (SimNetwork's pool).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "methods/sampling.hpp"

namespace commopt {

class SharedRoundDraw {
 public:
  // Fills mask (n entries, 1 = worker i takes part in round t) from (seed, t) alone and returns the
  // round's flag (MARINA: a full round, in which every worker sends; false when unused).
  using DrawFn = std::function<bool(std::uint64_t seed, int round, std::vector<char>& mask)>;
  struct Outcome {
    bool flag = false;
    bool participates = true;
  };

  explicit SharedRoundDraw(DrawFn draw) : draw_(std::move(draw)) {}
  SharedRoundDraw(const SharedRoundDraw&) = delete;
  SharedRoundDraw& operator=(const SharedRoundDraw&) = delete;

  // Round t's flag and worker i's bit; the first call for (seed, t) draws, the others reuse it.
  Outcome at(std::uint64_t seed, int round, int worker) {
    const std::lock_guard<std::mutex> lock(mu_);
    if (!drawn_ || round != round_ || seed != seed_) {
      flag_ = draw_(seed, round, mask_);
      drawn_ = true, round_ = round, seed_ = seed;
      ++draws_;
    }
    return {flag_, mask_.at(static_cast<std::size_t>(worker)) != 0};
  }
  // How many draws were made (one per round when the driver runs rounds in order).
  long long draws() const {
    const std::lock_guard<std::mutex> lock(mu_);
    return draws_;
  }

 private:
  DrawFn draw_;
  mutable std::mutex mu_;
  bool drawn_ = false, flag_ = false;
  int round_ = 0;
  std::uint64_t seed_ = 0;
  long long draws_ = 0;
  std::vector<char> mask_;
};

using RoundDrawPtr = std::shared_ptr<SharedRoundDraw>;

// S^t of `part` from Rng(seed, kServer, t, participation) (flag unused). Full participation: null
// (every worker takes part; nothing to draw): test with participates() below.
inline RoundDrawPtr participation_draw(Participation part) {
  if (part.kind == Participation::Kind::full) return nullptr;
  return std::make_shared<SharedRoundDraw>([part](std::uint64_t seed, int round, std::vector<char>& mask) {
    part.draw(Rng(seed, kServer, round, Purpose::participation), mask);
    return false;
  });
}

// Worker i ∈ S^t under `draw` (null: full participation).
inline bool participates(const RoundDrawPtr& draw, std::uint64_t seed, int round, int worker) {
  return !draw || draw->at(seed, round, worker).participates;
}

}  // namespace commopt
