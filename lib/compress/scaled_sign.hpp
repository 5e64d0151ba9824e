// Scaled sign: C(x) = (||x||_1 / d) · sign(x) (EF-SGD / EF-signSGD of Karimireddy et al. 2019 and the
// one-block case of dist-EF-BlockSGD, ef-local-lazy.md §2.4, §1 bit table, §13 "sign(0)").
//
// sign(0) = +1, also for -0.0 (as dist-EF comm.h and BytePS onebit: bit = [x_i < 0]); a NaN entry
// also gets +1 (its NaN shows up in the scale instead).
// Contraction: ||x − C(x)||² = ||x||² − ||x||_1²/d exactly, so δ(x) = ||x||_1²/(d||x||²) >= 1/d;
// reported as contractive with α = 1/d, deterministic.
// The l1 norm is summed in double; if that sum overflows although every |x_i| is finite, it is
// recomputed as Σ |x_i|/d (so entries near DBL_MAX still give a finite scale).
//
// WIRE FORMAT: [scale][signs]
//   scale: ||x||_1/d at the value width w (32: float32-rounded; the receiver uses the rounded scale);
//   signs: d bits, bit i (in stream order) = 1 iff x_i < 0 (negative), LSB-first.
// Total bits = w + d. index_coding = none.
//
// Thread safety: stateless apart from the base class; safe to share read-only, but by convention
// each worker owns its own instance like every compressor.
#pragma once
#include "compress/compressor.hpp"

namespace commopt {

// scaled_sign has no parameters.
struct ScaledSignOptions {};

class ScaledSignCompressor final : public Compressor {
 public:
  ScaledSignCompressor(int d, ValueCodec codec) : Compressor(d, codec) {}
  std::string name() const override { return "scaled_sign"; }
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Contractive, α = 1/d (worst case over x; the per-vector δ(x) is ||x||_1²/(d||x||²)).
  CompressorConstants constants() const override;
};

}  // namespace commopt
