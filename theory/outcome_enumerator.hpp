// Exact expectations over the random choices of shipped code (DESIGN.md "One home per theorem").
// An OutcomeEnumerator is a DrawSource (lib/core/rng.hpp): while installed it answers every
// discrete draw (Rng::below, Rng::bernoulli) of the code under test. Running that code once per
// path of answers, depth first, visits every outcome exactly once; each path's probability is the
// product of its answers' probabilities (1/n for below(n); p or 1 − p for a coin), so
//   E[value] = Σ_paths P(path) · value(path)
// is exact up to floating-point rounding. A draw is named by (stream, index in stream), so every
// party that reads the same shared stream (the participation set, a shared coin, PermK's
// permutation) receives the same answer, as in a real run. A continuous draw (uniform, normal, a
// raw 64-bit value) cannot be enumerated: the enumerator records it and expectation() throws.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/rng.hpp"

namespace commopt {

class OutcomeEnumerator final : public DrawSource {
 public:
  explicit OutcomeEnumerator(std::size_t max_paths = 2'000'000) : max_paths_(max_paths) {}

  // While alive, the enumerator answers the discrete draws of this thread's code.
  class Scope {
   public:
    explicit Scope(OutcomeEnumerator& e);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    OutcomeEnumerator& e_;
    DrawSourceGuard guard_;
  };

  // Σ_paths P(path) · value(path). `value` runs the code once, opening a Scope (once) around the
  // part whose draws are enumerated, and returns the quantity. Throws std::logic_error when the
  // code makes a continuous draw, a path is not replayed consistently, or there are more than
  // max_paths outcomes.
  double expectation(const std::function<double(OutcomeEnumerator&)>& value);

  std::size_t paths() const { return paths_; }  // outcomes visited by the last expectation()

  std::uint64_t below(std::uint64_t stream, std::uint64_t index, std::uint64_t n) override;
  bool bernoulli(std::uint64_t stream, std::uint64_t index, double p) override;
  void continuous(const char* what) override;

 private:
  struct Slot {
    std::uint64_t stream = 0, index = 0;
    std::vector<double> weights;  // probability of each answer
    std::size_t choice = 0;
  };
  std::size_t answer(std::uint64_t stream, std::uint64_t index, std::vector<double> weights);
  bool advance();  // next path in depth-first order; false when every path was visited
  void fail(const std::string& why);

  std::size_t max_paths_;
  std::vector<Slot> path_;  // the current path's draws in order of first appearance
  std::size_t pos_ = 0;     // slots of the current path visited so far in this run
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::size_t> seen_;  // (stream, index) → slot
  std::thread::id owner_;
  std::string error_;
  bool scoped_ = false;
  std::size_t paths_ = 0;
};

}  // namespace commopt
