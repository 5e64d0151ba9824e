// bernoulli[p] (send all with probability p, scaled 1/p); format in bernoulli.hpp.
#include "compress/bernoulli.hpp"

#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
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
  const double* v = x.data();
  w.put_values(codec_.bits, static_cast<std::size_t>(d_), [v, s](std::size_t i) { return s * v[i]; });
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void BernoulliCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_message_bits(m, static_cast<std::uint64_t>(d_) * codec_.bits, "bernoulli");
  check_input_size(acc, d_, "bernoulli");
  BitReader r = m.reader();
  double* a = acc.data();
  r.get_values(codec_.bits, static_cast<std::size_t>(d_), [a, scale](std::size_t i, double v) { a[i] += scale * v; });
}

CompressorConstants BernoulliCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::unbiased;
  c.omega = 1.0 / p_ - 1.0;
  c.random = true;
  return c;
}

// bernoulli[p]: a sent message is the dense vector, d·w bits (nothing with probability 1 − p).
namespace {
BernoulliOptions parse_bernoulli(const Spec& spec, int, const CompressorContext&) {
  BernoulliOptions o;
  if (!spec.has("p"))
    throw UsageError(fmt::format("{} needs p in (0,1], e.g. bernoulli[p=0.1]", compressor_where(spec)));
  o.p = spec.get_double("p", o.p);
  if (!(o.p > 0.0 && o.p <= 1.0))
    throw UsageError(fmt::format("{}: p={} is outside (0,1]; use e.g. bernoulli[p=0.1]", compressor_where(spec),
                                 spec.values().at("p")));
  return o;
}
}  // namespace

CompressorEntry bernoulli_entry() {
  return make_entry<BernoulliOptions>({
      .name = "bernoulli",
      .doc = "send the whole vector scaled 1/p with probability p, else nothing (lazy)",
      .params = {required_param("p", "probability of sending, 0 < p <= 1")},
      .constant = "unbiased, omega = 1/p - 1",
      .flags = "random; sent = false with probability 1 - p",
      .examples = {"bernoulli[p=0.5]"},
      .parse = parse_bernoulli,
      .build = [](const BernoulliOptions& o, int d, const ValueCodec& codec, const CompressorContext&) -> CompressorPtr {
        return std::make_unique<BernoulliCompressor>(d, o.p, codec);
      },
      .expected_bits = [](const BernoulliOptions&, int d, int w, const CompressorContext&) {
        return closed_form::exactly(closed_form::u(d) * closed_form::u(w));
      },
  });
}

}  // namespace commopt
