// Counter-based random streams: every draw is a pure function of (seed, worker, round, purpose),
// so a trace depends only on the seed, never on thread count, backend or call order.
// The key is hashed with SplitMix64 into the 256-bit state of xoshiro256** (Blackman & Vigna).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>

namespace commopt {

enum class Purpose : std::uint64_t {
  compress = 1,       // compressor randomness private to a worker (RandK subset, QSGD rounding)
  shared = 2,         // randomness all workers must agree on (shared-seed RandK, PermK, GRBS)
  sample = 3,         // minibatch / data sampling
  participation = 4,  // who participates this round
  data = 5,           // problem generation and data shuffles
  server = 6,         // server-side compressor randomness
};

constexpr int kServer = -1;  // the "worker" index used for server-side streams

inline std::uint64_t splitmix64(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  using result_type = std::uint64_t;
  Rng(std::uint64_t seed, std::int64_t worker, std::int64_t round, Purpose purpose) {
    std::uint64_t s = seed;
    std::uint64_t h = splitmix64(s);
    for (std::uint64_t part : {static_cast<std::uint64_t>(worker), static_cast<std::uint64_t>(round),
                               static_cast<std::uint64_t>(purpose)}) {
      s = h ^ (part * 0xD1B54A32D192ED03ULL);
      h = splitmix64(s);
    }
    for (auto& w : state_) w = splitmix64(s);
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n) without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t n) {
    __uint128_t m = static_cast<__uint128_t>((*this)()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<__uint128_t>((*this)()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  // Standard normal by Box–Muller (one value per call; deterministic).
  double normal() {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

}  // namespace commopt
