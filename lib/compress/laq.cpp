// LAQ innovation quantizer (ef-local-lazy.md §2.6, §9); definition, state design and format in laq.hpp.
#include "compress/laq.hpp"

#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/quantize.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

LaqCompressor::LaqCompressor(int d, int bits, ValueCodec codec) : Compressor(d, codec), bits_(bits) {
  if (bits < 1 || bits > 16) throw std::logic_error(fmt::format("laq: bits={} outside [1, 16]", bits));
}

std::string LaqCompressor::name() const { return fmt::format("laq[bits={}]", bits_); }

void LaqCompressor::compress(const Vec& x, Rng& /*rng*/, Message& out) const {
  check_input_size(x, d_, "laq");
  const double r_hat = sendable_norm_up(quant_norm(x.data(), static_cast<std::size_t>(d_), QuantNorm::linf), codec_);
  const std::uint64_t top = (std::uint64_t{1} << bits_) - 1;
  // q = ⌊(v + R)/(2τR) + 1/2⌋ = ⌊(v/R + 1)(2^b − 1)/2 + 1/2⌋, with v/R computed without overflow
  // (a division per coordinate when 1/R̂ is not finite); R̂ = 0 sends q = 0 (decoded as 0).
  const DitherRatio over_r(r_hat, 1);
  const double half_top = 0.5 * static_cast<double>(top);
  BitWriter w(out.bytes);
  codec_.put(w, r_hat);
  const double* v = x.data();
  out.bits = put_fixed_codes(out.bytes, w.bits(), static_cast<std::size_t>(d_), bits_, [&](std::size_t i) {
    const double t = (over_r(v[i]) + 1.0) * half_top + 0.5;  // q = ⌊t⌋, by truncation for t >= 0
    return t <= 0.0 ? std::uint64_t{0} : (t >= static_cast<double>(top) ? top : static_cast<std::uint64_t>(t));
  });
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

double LaqCompressor::radius(const Message& m) const {
  BitReader r = m.reader();
  return codec_.get(r);
}

void LaqCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_message_bits(m, static_cast<std::uint64_t>(codec_.bits) + static_cast<std::uint64_t>(d_) * bits_, "laq");
  check_input_size(acc, d_, "laq");
  BitReader r = m.reader();
  const double r_hat = codec_.get(r);
  const double top = static_cast<double>((1 << bits_) - 1);
  if (std::isfinite(2.0 * r_hat)) {  // −R̂ + 2τR̂ q
    const double base = -scale * r_hat, step = scale * (2.0 * r_hat / top);
    double* a = acc.data();
    get_fixed_codes(m, r.position(), static_cast<std::size_t>(d_), bits_, [a, base, step](std::size_t i, std::uint64_t q) {
      a[i] += base + step * static_cast<double>(q);
    });
    return;
  }
  // R̂ near DBL_MAX (or NaN): R̂ (q·2/(2^b − 1) − 1), so 2R̂ never overflows.
  const double sr = scale * r_hat;
  for (Index i = 0; i < d_; ++i) acc[i] += sr * (static_cast<double>(r.get(bits_)) * (2.0 / top) - 1.0);
}

CompressorConstants LaqCompressor::constants() const {
  CompressorConstants c;
  const double t = tau();
  const double slack = codec_.bits == 32 ? 1.0 + 0x1.0p-23 : 1.0;  // R̂/R after rounding up
  const double dt2 = d_ * t * t * slack * slack;
  if (dt2 < 1.0) {
    c.kind = CompressorConstants::Kind::contractive;
    c.alpha = 1.0 - dt2;
  }
  c.random = false;
  return c;
}

// laq[bits]; ef-local-lazy.md §1 "LAQ innovation": b·p + 32 (the radius R at width w).
CompressorEntry laq_entry() {
  return make_entry<LaqOptions>({
      .name = "laq",
      .doc = "LAQ innovation quantizer: R = ||v||_inf, 2^b levels spaced 2 tau R, tau = 1/(2^b - 1)",
      .params = {param("bits", &LaqOptions::bits, "bits per coordinate, 1 <= bits <= 16")},
      .constant = "|C(v)_i - v_i| <= tau R; contractive, alpha = 1 - d tau^2 when that is > 0, else none",
      .flags = "deterministic; the method keeps the reference (pass v = g - Q_hat)",
      .examples = {"laq[bits=3]", "laq"},
      .parse = [](const Spec& spec, int, const CompressorContext&) {
        LaqOptions o;
        o.bits = resolve_int(spec, "bits", o.bits, 1, 16, "laq[bits=4]");
        return o;
      },
      .build = [](const LaqOptions& o, int d, const ValueCodec& codec, const CompressorContext&) -> CompressorPtr {
        return std::make_unique<LaqCompressor>(d, o.bits, codec);
      },
      .expected_bits = [](const LaqOptions& o, int d, int w, const CompressorContext&) {
        using namespace closed_form;
        return exactly(u(w) + u(o.bits) * u(d));
      },
  });
}

}  // namespace commopt
