// Row sampling for minibatch oracles (Objective::minibatch_grad) and the shared random choices of
// partial participation. Every draw comes from an explicit Rng stream, so a method that uses the
// same stream in every process (e.g. Rng(seed, kServer, round, Purpose::participation)) gets the
// same result everywhere without communication.
#pragma once
#include <cstdint>
#include <numeric>
#include <vector>

#include "core/rng.hpp"

namespace commopt {

// B row indices of [0, m), i.i.d. uniform with replacement (the DASHA code's rng.integers(m, size=B)).
inline void sample_with_replacement(Rng& rng, int m, int B, std::vector<int>& rows) {
  rows.resize(static_cast<std::size_t>(B));
  for (int& r : rows) r = static_cast<int>(rng.below(static_cast<std::uint64_t>(m)));
}

// min(B, m) distinct row indices of [0, m), uniform without replacement (partial Fisher–Yates;
// `scratch` keeps the permutation buffer between calls).
inline void sample_without_replacement(Rng& rng, int m, int B, std::vector<int>& rows, std::vector<int>& scratch) {
  if (B > m) B = m;
  scratch.resize(static_cast<std::size_t>(m));
  std::iota(scratch.begin(), scratch.end(), 0);
  for (int j = 0; j < B; ++j) {
    const int k = j + static_cast<int>(rng.below(static_cast<std::uint64_t>(m - j)));
    std::swap(scratch[static_cast<std::size_t>(j)], scratch[static_cast<std::size_t>(k)]);
  }
  rows.assign(scratch.begin(), scratch.begin() + B);
}

// Who participates in a round: `full`, `snice` (s of n uniformly without replacement: p_a = s/n,
// p_aa = s(s−1)/(n(n−1))) or `independent` (each worker with probability p: p_aa = p²).
struct Participation {
  enum class Kind { full, snice, independent };
  Kind kind = Kind::full;
  int s = 0;       // snice
  double p = 1;    // independent
  int n = 1;
  double p_a() const { return kind == Kind::full ? 1.0 : kind == Kind::snice ? double(s) / n : p; }
  double p_aa() const {
    if (kind == Kind::full) return 1.0;
    if (kind == Kind::independent) return p * p;
    return n > 1 ? double(s) * (s - 1) / (double(n) * (n - 1)) : 1.0;
  }
  // mask[i] = 1 when worker i participates; identical for every caller passing the same stream.
  // Allocation-free once warmed up: each caller owns its Participation and with it the scratch.
  void draw(Rng rng, std::vector<char>& mask) const {
    mask.assign(static_cast<std::size_t>(n), kind == Kind::full ? 1 : 0);
    if (kind == Kind::independent) {
      for (auto& b : mask) b = rng.bernoulli(p) ? 1 : 0;
    } else if (kind == Kind::snice) {
      sample_without_replacement(rng, n, s, rows_, scratch_);
      for (int i : rows_) mask[static_cast<std::size_t>(i)] = 1;
    }
  }

 private:
  mutable std::vector<int> rows_, scratch_;  // draw()'s buffers (the draws do not depend on them)
};

}  // namespace commopt
