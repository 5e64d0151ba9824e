// RandK: keep K coordinates drawn uniformly without replacement and scale them by d/K
// (dasha-family.md §2 "RandK": unbiased, ω = d/K − 1; ef-local-lazy.md §2.1 "Rand_k, scaled by d/k").
//
// WIRE FORMAT: the sparse format of sparse_coding.hpp with the K drawn indices (ascending) and the
// values (d/K)*x_i, i.e. the scaled value is what is rounded to the value width and encoded.
// Total bits = K*w + min(K*ceil(log2 d), d); the indices are sent (no shared seed).
//
// Randomness: K calls of rng.below() per message (Floyd's algorithm), drawn from the caller's Rng
// (the worker's Purpose::compress stream).
// Thread safety: an instance holds mutable scratch buffers, so one instance must not be used from
// two threads at once; each worker owns its own instance. compress() does not allocate once the
// Message has been used for a message of the same size.
#pragma once
#include <cstdint>
#include <vector>

#include "compress/compressor.hpp"

namespace commopt {

class RandKCompressor final : public Compressor {
 public:
  RandKCompressor(int d, int k, ValueCodec codec);
  // "randk[k=K]" with the resolved K (also when built from ratio=).
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Unbiased, ω = d/K − 1 (E||C(x) − x||² = ω||x||² holds with equality); random.
  CompressorConstants constants() const override;
  int k() const { return k_; }

 private:
  int k_;
  mutable std::vector<std::uint8_t> chosen_;  // size d, all zero between calls
  mutable std::vector<int> idx_;              // size K
};

}  // namespace commopt
