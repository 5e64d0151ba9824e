// Natural compression and natural dithering (Horváth et al. 2019; dasha-family.md §2); formats
// in natural.hpp.
#include "compress/natural.hpp"

#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/quantize.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

namespace {
constexpr std::uint64_t kMantissa = (std::uint64_t{1} << 52) - 1;
std::uint64_t bits_of(double v) {
  std::uint64_t u;
  std::memcpy(&u, &v, 8);
  return u;
}
}  // namespace

NaturalCompressor::NaturalCompressor(int d, ValueCodec codec)
    : Compressor(d, codec), exp_bits_(codec.bits == 32 ? 8 : 11) {
  const int emax_field = (1 << exp_bits_) - 1, bias = (1 << (exp_bits_ - 1)) - 1;
  table_.resize(std::size_t{2} << exp_bits_);
  for (int e = 0; e <= emax_field; ++e) {
    const double v = e == 0 ? 0.0 : (e == emax_field ? INFINITY : std::ldexp(1.0, e - bias));
    table_[static_cast<std::size_t>(e) << 1] = v;
    table_[(static_cast<std::size_t>(e) << 1) | 1u] = -v;
  }
}

void NaturalCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "natural");
  const int emax_field = (1 << exp_bits_) - 1, bias = (1 << (exp_bits_ - 1)) - 1;
  const int width = exp_bits_ + 1;
  // In double-exponent terms: fields [lo, hi] of the double map to E = field - 1023 + bias.
  const std::int64_t lo = 1023 - (bias - 1), hi = 1023 + bias;  // 2^e_min .. 2^e_max
  const double* v = x.data();
  // A local copy of the stream: its state stays in registers across the byte stores (which may alias
  // the caller's Rng); the same draws, one per coordinate, and the caller's stream is advanced after.
  Rng local = rng;
  out.bits = put_fixed_codes(out.bytes, 0, static_cast<std::size_t>(d_), width, [&](std::size_t i) {
    const std::uint64_t u = bits_of(v[i]);
    const std::uint64_t sign = v[i] < 0.0 ? 1u : 0u;
    const auto field = static_cast<std::int64_t>((u >> 52) & 0x7FF);
    const std::uint64_t mant = u & kMantissa;
    const std::uint64_t r = local() >> 12;  // 52 random bits: P(r < mant) = mant / 2^52
    std::int64_t e_out;
    if (field == 0x7FF) {
      e_out = emax_field;  // inf or NaN
    } else if (field >= lo) {
      e_out = std::min(field + (r < mant ? 1 : 0), hi) - 1023 + bias;
    } else if (field == 0 && mant == 0) {
      e_out = 0;
    } else {  // below 2^e_min: round between 0 and 2^e_min with P(up) = |x| / 2^e_min
      const double pr = std::ldexp(std::fabs(v[i]), -(1 - bias));
      e_out = static_cast<double>(r) * 0x1.0p-52 < pr ? 1 : 0;
    }
    return sign | (static_cast<std::uint64_t>(e_out) << 1);
  });
  rng = local;
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void NaturalCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  const int width = exp_bits_ + 1;
  check_message_bits(m, static_cast<std::uint64_t>(d_) * static_cast<std::uint64_t>(width), "natural");
  check_input_size(acc, d_, "natural");
  double* a = acc.data();
  const double* t = table_.data();
  get_fixed_codes(m, 0, static_cast<std::size_t>(d_), width, [a, t, scale](std::size_t i, std::uint64_t c) {
    a[i] += scale * t[c];
  });
}

CompressorConstants NaturalCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::unbiased;
  c.omega = 1.0 / 8.0;
  c.random = true;
  return c;
}

NaturalDitheringCompressor::NaturalDitheringCompressor(int d, int s, QuantNorm norm, ValueCodec codec)
    : Compressor(d, codec), s_(s), norm_(norm), table_(2 * static_cast<std::size_t>(s + 1)) {
  if (s < 1 || s > 64) throw std::logic_error(fmt::format("natural_dithering: s={} outside [1, 64]", s));
}

std::string NaturalDitheringCompressor::name() const {
  return fmt::format("natural_dithering[s={},norm={}]", s_, norm_ == QuantNorm::l2 ? "l2" : "linf");
}

void NaturalDitheringCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "natural_dithering");
  const double n_hat = sendable_norm_up(quant_norm(x.data(), static_cast<std::size_t>(d_), norm_), codec_);
  const DitherRatio ratio(n_hat, 1);  // r_i = |x_i|/N̂ without overflow; a NaN norm decodes to NaN
  const int width = level_bits(s_) + 1;
  const std::int64_t lo = 1023 + 1 - s_;           // double exponent field of 2^{1-s}
  const double inv_lowest = std::ldexp(1.0, s_ - 1);  // 1/2^{1-s}
  BitWriter w(out.bytes);
  codec_.put(w, n_hat);
  const double* v = x.data();
  Rng local = rng;  // as in NaturalCompressor::compress
  out.bits = put_fixed_codes(out.bytes, w.bits(), static_cast<std::size_t>(d_), width, [&](std::size_t i) {
    const double t = std::min(ratio(std::fabs(v[i])), 1.0);  // r_i in [0, 1]
    const std::uint64_t u = bits_of(t);
    const auto field = static_cast<std::int64_t>((u >> 52) & 0x7FF);
    const std::uint64_t mant = u & kMantissa;
    const std::uint64_t r = local() >> 12;
    std::int64_t j;
    if (field >= lo) {
      j = std::min<std::int64_t>(field + (r < mant ? 1 : 0) - 1023 + s_, s_);
    } else {  // below the smallest level 2^{1-s}: round between 0 and 2^{1-s}
      j = static_cast<double>(r) * 0x1.0p-52 < t * inv_lowest ? 1 : 0;
    }
    return (v[i] < 0.0 ? std::uint64_t{1} : std::uint64_t{0}) | (static_cast<std::uint64_t>(j) << 1);
  });
  rng = local;
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void NaturalDitheringCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  const int width = level_bits(s_) + 1;
  check_message_bits(m, static_cast<std::uint64_t>(codec_.bits) + static_cast<std::uint64_t>(d_) * width,
                     "natural_dithering");
  check_input_size(acc, d_, "natural_dithering");
  BitReader r = m.reader();
  const double unit = scale * codec_.get(r);
  for (int j = 0; j <= s_; ++j) {
    const double v = unit * (j == 0 ? 0.0 : std::ldexp(1.0, j - s_));  // 0 * NaN norm stays NaN
    table_[2 * static_cast<std::size_t>(j)] = v;
    table_[2 * static_cast<std::size_t>(j) + 1] = -v;
  }
  const std::uint64_t max_code = 2 * static_cast<std::uint64_t>(s_) + 1;
  double* a = acc.data();
  const double* t = table_.data();
  get_fixed_codes(m, r.position(), static_cast<std::size_t>(d_), width, [&](std::size_t i, std::uint64_t code) {
    if (code > max_code) throw std::logic_error("natural_dithering: level index above s (corrupt message)");
    a[i] += t[code];
  });
}

CompressorConstants NaturalDitheringCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::unbiased;
  const double q = std::sqrt(static_cast<double>(d_)) / std::ldexp(1.0, s_ - 1);
  c.omega = 1.0 / 8.0 + q * std::min(1.0, q);
  c.random = true;
  return c;
}

// natural: no parameters; dasha-family.md §2 "Natural compression": 9 bits per coordinate for
// fp32 (sign + 8-bit exponent), 12 for fp64.
CompressorEntry natural_entry() {
  return make_entry<NaturalOptions>({
      .name = "natural",
      .doc = "natural compression: random rounding to powers of two (sign + exponent bits)",
      .params = {},
      .constant = "unbiased, omega = 1/8",
      .flags = "random",
      .examples = {"natural"},
      .parse = nullptr,
      .build = [](const NaturalOptions&, int d, const ValueCodec& codec, const CompressorContext&) -> CompressorPtr {
        return std::make_unique<NaturalCompressor>(d, codec);
      },
      .expected_bits = [](const NaturalOptions&, int d, int w, const CompressorContext&) {
        using namespace closed_form;
        return exactly(u(d) * (1 + (w == 32 ? 8u : 11u)));
      },
  });
}

// natural_dithering[s, norm]; dasha-family.md §2 "Natural dithering": the norm + a sign bit and a
// level index per coordinate. s levels and zero are s + 1 symbols, so w + d(1 + ⌈log2(s+1)⌉) (the
// table's 1 + ⌈log2 s⌉ forgets the zero level).
CompressorEntry natural_dithering_entry() {
  return make_entry<NaturalDitheringOptions>({
      .name = "natural_dithering",
      .doc = "random dithering on the power-of-two grid {0, 2^(1-s), ..., 1/2, 1}",
      .params = {required_param("s", "number of levels, 1 <= s <= 64"), norm_param(&NaturalDitheringOptions::norm)},
      .constant = "unbiased, omega = 1/8 + (sqrt(d)/2^(s-1)) min(1, sqrt(d)/2^(s-1))",
      .flags = "random",
      .examples = {"natural_dithering[s=4]", "natural_dithering[s=3,norm=linf]"},
      .parse = [](const Spec& spec, int, const CompressorContext&) {
        NaturalDitheringOptions o;
        o.s = resolve_required_int(spec, "s", 1, 64, "natural_dithering[s=8]");
        o.norm = norm_choices().parse(spec, "norm", o.norm);
        return o;
      },
      .build = [](const NaturalDitheringOptions& o, int d, const ValueCodec& codec,
                  const CompressorContext&) -> CompressorPtr {
        return std::make_unique<NaturalDitheringCompressor>(d, o.s, o.norm, codec);
      },
      .expected_bits = [](const NaturalDitheringOptions& o, int d, int w, const CompressorContext&) {
        using namespace closed_form;
        return exactly(u(w) + u(d) * sign_and_level(o.s));
      },
  });
}

}  // namespace commopt
