// The identity compressor (dasha-family.md §2, "Identity"); wire format in identity.hpp.
#include "compress/identity.hpp"

#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

void IdentityCompressor::compress(const Vec& x, Rng& /*rng*/, Message& out) const {
  check_input_size(x, d_, "identity");
  BitWriter w(out.bytes);
  for (Index i = 0; i < d_; ++i) codec_.put(w, x[i]);
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void IdentityCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_message_bits(m, static_cast<std::uint64_t>(d_) * codec_.bits, "identity");
  check_input_size(acc, d_, "identity");
  BitReader r = m.reader();
  for (Index i = 0; i < d_; ++i) acc[i] += scale * codec_.get(r);
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
