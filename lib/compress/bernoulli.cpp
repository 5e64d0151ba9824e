// bernoulli[p] (send all with probability p, scaled 1/p); format in bernoulli.hpp.
#include "compress/bernoulli.hpp"

#include <fmt/format.h>
#include <stdexcept>

#include "compress/sparse_coding.hpp"

namespace commopt {

BernoulliCompressor::BernoulliCompressor(int d, double p, ValueCodec codec) : Compressor(d, codec), p_(p) {
  if (!(p > 0.0 && p <= 1.0)) throw std::logic_error(fmt::format("bernoulli: p={} outside (0, 1]", p));
}

std::string BernoulliCompressor::name() const { return fmt::format("bernoulli[p={}]", p_); }

void BernoulliCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "bernoulli");
  if (!rng.bernoulli(p_)) {
    out.clear();  // tails: nothing crosses the wire
    return;
  }
  const double s = 1.0 / p_;
  BitWriter w(out.bytes);
  for (Index i = 0; i < d_; ++i) codec_.put(w, s * x[i]);
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void BernoulliCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_message_bits(m, static_cast<std::uint64_t>(d_) * codec_.bits, "bernoulli");
  check_input_size(acc, d_, "bernoulli");
  BitReader r = m.reader();
  for (Index i = 0; i < d_; ++i) acc[i] += scale * codec_.get(r);
}

CompressorConstants BernoulliCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::unbiased;
  c.omega = 1.0 / p_ - 1.0;
  c.random = true;
  return c;
}

}  // namespace commopt
