// The identity compressor (dasha-family.md §2, "Identity"); wire format in identity.hpp.
#include "compress/identity.hpp"

#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

// The values go through BitWriter::put_values: the stream starts byte-aligned, so value i is bytes
// [i*w/8, (i+1)*w/8) holding its little-endian float32 (or float64) pattern, i.e. a plain array,
// and the bit count d*w is the writer's. Same bytes as one put per value
// (tests/test_compress_identity_fast.cpp).
void IdentityCompressor::compress(const Vec& x, Rng& /*rng*/, Message& out) const {
  check_input_size(x, d_, "identity");
  BitWriter w(out.bytes);
  const double* v = x.data();
  w.put_values(codec_.bits, static_cast<std::size_t>(d_), [v](std::size_t i) { return v[i]; });
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

// acc_i += scale * value_i (same rounding as the per-value decoder: the float32 value widened to
// double, then one multiply and one add).
void IdentityCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_message_bits(m, static_cast<std::uint64_t>(d_) * codec_.bits, "identity");
  check_input_size(acc, d_, "identity");
  if (m.bytes.size() < static_cast<std::size_t>(d_) * static_cast<std::size_t>(codec_.bits / 8))
    throw std::logic_error(fmt::format("identity: message has {} bytes, expected {}", m.bytes.size(),
                                       static_cast<std::size_t>(d_) * static_cast<std::size_t>(codec_.bits / 8)));
  double* a = acc.data();
  BitReader r = m.reader();
  r.get_values(codec_.bits, static_cast<std::size_t>(d_), [a, scale](std::size_t i, double v) { a[i] += scale * v; });
}

CompressorConstants IdentityCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::unbiased;
  c.omega = 0.0;
  c.alpha = 1.0;
  c.random = false;
  return c;
}

// identity: no parameters; dasha-family.md §2 "Identity": d·b_v bits.
CompressorEntry identity_entry() {
  return make_entry<IdentityOptions>({
      .name = "identity",
      .doc = "dense vector, d values",
      .params = {},
      .constant = "unbiased, omega = 0",
      .flags = "deterministic",
      .examples = {"identity"},
      .parse = nullptr,
      .build = [](const IdentityOptions&, int d, const ValueCodec& codec, const CompressorContext&) -> CompressorPtr {
        return std::make_unique<IdentityCompressor>(d, codec);
      },
      .expected_bits = [](const IdentityOptions&, int d, int w, const CompressorContext&) {
        return closed_form::exactly(closed_form::u(d) * closed_form::u(w));
      },
  });
}

}  // namespace commopt
