// The Bernoulli ("lazy") compressor bernoulli[p] (issue 3 table; no section of the shared specs):
// with probability p send the whole vector scaled by 1/p, otherwise send nothing.
// E[C(x)] = x and E||C(x) − x||² = (1/p − 1)||x||² exactly: unbiased, ω = 1/p − 1; random.
// The coin is one rng.uniform() < p from the caller's stream (the worker's private stream, so the
// workers' coins are independent).
//
// WIRE FORMAT: heads: d values x_i/p at width w (the scaled value is rounded), sent = true,
//   bits = d·w, index_coding = none. Tails: nothing crosses the wire: sent = false, bits = 0,
//   decoded as the zero vector (add_decoded adds nothing, like every unsent message).
// Stateless; compress() never allocates once warmed up; add_decoded is O(d) for a sent message.
#pragma once
#include "compress/compressor.hpp"

namespace commopt {

// bernoulli[p=P].
struct BernoulliOptions {
  double p = 0;  // probability of sending, 0 < p <= 1; required
};

class BernoulliCompressor final : public Compressor {
 public:
  BernoulliCompressor(int d, double p, ValueCodec codec);
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Unbiased, ω = 1/p − 1; random.
  CompressorConstants constants() const override;
  double p() const { return p_; }

 private:
  double p_;
};

}  // namespace commopt
