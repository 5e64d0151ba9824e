// Helpers shared by the compressor tests: building, encoding and decoding, and the random +
// adversarial test vectors (spike, all equal, zeros, ±0, denormals, huge, near-DBL_MAX).
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "compress/compressor.hpp"
#include "core/rng.hpp"
#include "core/spec.hpp"

namespace commopt::testing {

inline CompressorPtr make_c(const std::string& text, int d, int bits = 64, CompressorContext ctx = {}) {
  return make_compressor(Spec::parse(text, "--compressor"), d, bits, ctx);
}

// Encodes with the stream a method would use for worker `worker` in `round`.
inline Message encode_with(const Compressor& c, const Vec& x, std::int64_t round, int worker = 0,
                           std::uint64_t seed = 2024) {
  Rng rng = c.needs_shared_randomness() ? Rng(seed, kServer, round, Purpose::shared)
                                        : Rng(seed, worker, round, Purpose::compress);
  Message m;
  c.compress(x, rng, m);
  return m;
}

inline Vec decode_with(const Compressor& c, const Message& m) {
  Vec y;
  c.decompress(m, y);
  return y;
}

inline double f32(double v) { return static_cast<double>(static_cast<float>(v)); }

// Random vectors at scales 1e-6..1e6 (Gaussian or small integers with ties) and adversarial ones.
inline std::vector<Vec> adversarial_vectors(int d, std::uint64_t seed, bool extreme = true) {
  std::vector<Vec> out;
  Rng rng(seed, 0, d, Purpose::data);
  for (int t = 0; t < 20; ++t) {
    Vec x(d);
    const double scale = std::pow(10.0, static_cast<double>(rng.below(13)) - 6.0);
    for (auto& v : x) v = scale * (t % 3 == 0 ? std::floor(4 * rng.uniform()) - 2 : rng.normal());
    out.push_back(x);
  }
  Vec spike = Vec::Zero(d);
  spike[d / 2] = -7.5;
  out.push_back(spike);
  out.push_back(Vec::Constant(d, 3.25));
  out.push_back(Vec::Zero(d));
  Vec signed_zeros(d), alternating(d);
  for (int i = 0; i < d; ++i) {
    signed_zeros[i] = i % 2 ? -0.0 : 0.0;
    alternating[i] = i % 2 ? -1.0 : 1.0;
  }
  out.push_back(signed_zeros);
  out.push_back(alternating);
  if (!extreme) return out;
  Vec denormal(d), huge(d), mixed(d);
  for (int i = 0; i < d; ++i) {
    denormal[i] = (i % 3 == 0 ? -1e-310 : 1e-310) * (1 + i % 4);
    huge[i] = (i % 2 ? -1e300 : 1e300) * (1 + i % 5);
    mixed[i] = i % 4 == 0 ? 1e300 : (i % 4 == 1 ? 1e-310 : (i % 4 == 2 ? -0.0 : -1.0));
  }
  out.push_back(denormal);
  out.push_back(huge);
  out.push_back(mixed);
  return out;
}

// Σ (v_i/s)², s = max|x_i|: a squared norm that neither overflows nor underflows.
inline double scaled_sq(const Vec& v, double s) { return (v / s).squaredNorm(); }

}  // namespace commopt::testing
