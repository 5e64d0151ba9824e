// The identity compressor (dasha-family.md §2, "Identity"); wire format in identity.hpp.
#include "compress/identity.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

// Fast path: the stream starts byte-aligned and every value is 32 or 64 bits, so the LSB-first
// BitWriter packing of value i is bytes [i*w/8, (i+1)*w/8) holding its little-endian bit pattern,
// i.e. a plain array of float32 (or float64) on a little-endian host. Same bytes and same bit
// count d*w as the per-value encoder (tests/test_compress_identity_fast.cpp checks both).
static_assert(std::endian::native == std::endian::little, "identity fast path assumes little-endian");

void IdentityCompressor::compress(const Vec& x, Rng& /*rng*/, Message& out) const {
  check_input_size(x, d_, "identity");
  const auto d = static_cast<std::size_t>(d_);
  if (codec_.bits == 32) {
    out.bytes.resize(d * sizeof(float));
    std::uint8_t* p = out.bytes.data();
    const double* v = x.data();
    // 64 values at a time through a local float array: the conversion loop vectorizes (the byte
    // buffer may alias anything, a local array nothing), then one memcpy per chunk.
    float chunk[64];
    for (std::size_t base = 0; base < d; base += 64) {
      const std::size_t m = std::min<std::size_t>(64, d - base);
      for (std::size_t j = 0; j < m; ++j) chunk[j] = static_cast<float>(v[base + j]);
      std::memcpy(p + base * sizeof(float), chunk, m * sizeof(float));
    }
  } else {
    out.bytes.resize(d * sizeof(double));
    std::memcpy(out.bytes.data(), x.data(), d * sizeof(double));
  }
  out.bits = static_cast<std::uint64_t>(d) * static_cast<std::uint64_t>(codec_.bits);
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

// acc_i += scale * value_i, reading the values as the array written above (same rounding as the
// per-value decoder: the float32 value widened to double, then one multiply and one add).
void IdentityCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_message_bits(m, static_cast<std::uint64_t>(d_) * codec_.bits, "identity");
  check_input_size(acc, d_, "identity");
  if (m.bytes.size() < static_cast<std::size_t>(d_) * static_cast<std::size_t>(codec_.bits / 8))
    throw std::logic_error(fmt::format("identity: message has {} bytes, expected {}", m.bytes.size(),
                                       static_cast<std::size_t>(d_) * static_cast<std::size_t>(codec_.bits / 8)));
  const std::uint8_t* p = m.bytes.data();
  double* a = acc.data();
  const auto d = static_cast<std::size_t>(d_);
  if (codec_.bits == 32) {
    for (std::size_t i = 0; i < d; ++i) {
      float v;
      std::memcpy(&v, p + i * sizeof(float), sizeof(float));
      a[i] += scale * static_cast<double>(v);
    }
  } else {
    for (std::size_t i = 0; i < d; ++i) {
      double v;
      std::memcpy(&v, p + i * sizeof(double), sizeof(double));
      a[i] += scale * v;
    }
  }
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
