// Counter-based random streams: every draw is a pure function of (seed, worker, round, purpose),
// so a trace depends only on the seed, never on thread count, backend or call order.
// The key is hashed with SplitMix64 into the 256-bit state of xoshiro256** (Blackman & Vigna).
//
// Exact expectations (theory/certificate.hpp): while a DrawSource is installed, the discrete draws
// `below(n)` and `bernoulli(p)` are answered by it instead of the generator, so a certificate can run
// the shipped code once per outcome of its random choices and weigh each run by its probability.
// Each draw is named by its stream (the hash of its key) and its position in that stream, so two
// parties drawing from the same shared stream (participation sets, shared coins, PermK) receive
// the same answer, as they do in a real run. `uniform()` and `normal()` are continuous and cannot be
// enumerated: under a DrawSource they throw. `key()` (a seed for a substream) passes through.
#pragma once
#include <atomic>
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

// Answers the discrete draws of every Rng while installed (see above). Installed for one thread's
// serial computation only: a draw from any other thread while one is installed is a logic error.
class DrawSource {
 public:
  virtual ~DrawSource() = default;
  // Draw number `index` of stream `stream`: an outcome in [0, n) with probability 1/n.
  virtual std::uint64_t below(std::uint64_t stream, std::uint64_t index, std::uint64_t n) = 0;
  // A coin that is true with probability p.
  virtual bool bernoulli(std::uint64_t stream, std::uint64_t index, double p) = 0;
  // A continuous draw was requested: not enumerable. The source records it (and reports it after
  // the code under test returns); the draw itself then comes from the generator.
  virtual void continuous(const char* what) = 0;
};

namespace detail {
inline std::atomic<DrawSource*> g_draw_source{nullptr};
}
inline DrawSource* installed_draw_source() { return detail::g_draw_source.load(std::memory_order_relaxed); }

// Installs `source` for the lifetime of the guard (one at a time).
class DrawSourceGuard {
 public:
  explicit DrawSourceGuard(DrawSource& source) : previous_(detail::g_draw_source.exchange(&source)) {}
  ~DrawSourceGuard() { detail::g_draw_source.store(previous_); }
  DrawSourceGuard(const DrawSourceGuard&) = delete;
  DrawSourceGuard& operator=(const DrawSourceGuard&) = delete;

 private:
  DrawSource* previous_;
};

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
    stream_ = h;
    for (auto& w : state_) w = splitmix64(s);
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  // A raw 64-bit draw (std::uniform_random_bit_generator); not enumerable.
  result_type operator()() {
    if (DrawSource* src = installed_draw_source()) src->continuous("Rng::operator()");
    return next();
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() {
    if (DrawSource* src = installed_draw_source()) src->continuous("Rng::uniform()");
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
  }
  // true with probability p: one uniform() < p (enumerable).
  bool bernoulli(double p) {
    if (DrawSource* src = installed_draw_source()) return src->bernoulli(stream_, draws_++, p);
    return static_cast<double>(next() >> 11) * 0x1.0p-53 < p;
  }
  // A 64-bit key for a substream (shared-seed compressors stamp it on their messages). Not an
  // outcome the certificates enumerate: the substream's own draws are.
  std::uint64_t key() { return next(); }
  // Uniform integer in [0, n) without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t n) {
    if (DrawSource* src = installed_draw_source()) return src->below(stream_, draws_++, n);
    __uint128_t m = static_cast<__uint128_t>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<__uint128_t>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  // Standard normal by Box–Muller (one value per call; deterministic).
  double normal() {
    if (DrawSource* src = installed_draw_source()) src->continuous("Rng::normal()");
    double u1 = static_cast<double>(next() >> 11) * 0x1.0p-53;
    while (u1 <= 0.0) u1 = static_cast<double>(next() >> 11) * 0x1.0p-53;
    const double u2 = static_cast<double>(next() >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

 private:
  std::uint64_t next() {
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
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
  std::uint64_t stream_ = 0;  // the hash of the key: names the stream for a DrawSource
  std::uint64_t draws_ = 0;   // discrete draws taken so far (a DrawSource's index)
};

}  // namespace commopt
