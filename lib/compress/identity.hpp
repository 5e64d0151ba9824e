// The identity compressor C(x) = x, sent dense (dasha-family.md §2 table row "Identity": ω = 0,
// d·b_v bits; ef-local-lazy.md §1 "dense float vector").
//
// WIRE FORMAT: d values x_0, ..., x_{d-1} at the run-wide value width w (32: float32-rounded,
// 64: exact double), LSB-first via BitWriter. Total bits = d*w. index_coding = none.
#pragma once
#include "compress/compressor.hpp"

namespace commopt {

// identity has no parameters.
struct IdentityOptions {};

class IdentityCompressor final : public Compressor {
 public:
  IdentityCompressor(int d, ValueCodec codec) : Compressor(d, codec) {}
  std::string name() const override { return "identity"; }
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Unbiased with ω = 0 (and trivially contractive with α = 1); deterministic.
  CompressorConstants constants() const override;
};

}  // namespace commopt
