// QSGD with fixed-length or Elias codes (ef-local-lazy.md §2.2, §10.2); formats in qsgd.hpp.
#include "compress/qsgd.hpp"

#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/quantize.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

double quant_norm(const double* v, std::size_t n, QuantNorm norm) {
  const Eigen::Map<const Vec> m(v, static_cast<Index>(n));
  if (norm == QuantNorm::linf) return n == 0 ? 0.0 : m.cwiseAbs().maxCoeff();
  const double sq = m.squaredNorm();
  if (std::isfinite(sq) && sq > 1e-290) return std::sqrt(sq);
  if (sq == 0.0 && m.cwiseAbs().maxCoeff() == 0.0) return 0.0;
  return m.stableNorm();  // overflowed, underflowed, or NaN (stableNorm keeps NaN)
}

QsgdCompressor::QsgdCompressor(int d, int s, QuantNorm norm, bool elias, ValueCodec codec)
    : Compressor(d, codec), s_(s), norm_(norm), elias_(elias) {
  if (s < 1) throw std::logic_error(fmt::format("qsgd: s={} < 1", s));
}

std::string QsgdCompressor::name() const {
  return fmt::format("qsgd[s={},norm={}{}]", s_, norm_ == QuantNorm::l2 ? "l2" : "linf",
                     elias_ ? ",code=elias" : "");
}

void QsgdCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "qsgd");
  const double n_hat = sendable_norm_up(quant_norm(x.data(), static_cast<std::size_t>(d_), norm_), codec_);
  const DitherRatio ratio(n_hat, s_);
  BitWriter w(out.bytes);
  codec_.put(w, n_hat);
  out.bits = w.bits();
  if (!elias_) {
    out.bits = put_dithered_fixed(x.data(), static_cast<std::size_t>(d_), n_hat, s_, rng, out.bytes, out.bits);
  } else {
    std::int64_t prev = -1;
    for (Index i = 0; i < d_; ++i) {
      const std::uint32_t level = dither_level(std::fabs(x[i]), ratio, s_, rng);
      if (level == 0) continue;
      put_elias_gamma(w, static_cast<std::uint64_t>(i - prev));
      w.put_bit(x[i] < 0.0);
      put_elias_gamma(w, level);
      prev = i;
    }
    out.bits = w.bits();
  }
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void QsgdCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_input_size(acc, d_, "qsgd");
  BitReader r = m.reader();
  if (!elias_) {
    check_message_bits(m, static_cast<std::uint64_t>(codec_.bits) + static_cast<std::uint64_t>(d_) * (1 + level_bits(s_)),
                       "qsgd");
    const double unit = scale * codec_.get(r) / s_;
    double* a = acc.data();
    get_dithered_fixed(m, r.position(), static_cast<std::size_t>(d_), unit, s_, [a](std::size_t j, double v) { a[j] += v; });
    return;
  }
  if (m.bits < static_cast<std::uint64_t>(codec_.bits))
    throw std::logic_error(fmt::format("qsgd[code=elias]: message of {} bits is shorter than its norm", m.bits));
  const double unit = scale * codec_.get(r) / s_;
  std::int64_t i = -1;
  while (r.position() < m.bits) {
    i += static_cast<std::int64_t>(get_elias_gamma(r, m.bits));
    const bool negative = r.get_bit();
    const auto level = get_elias_gamma(r, m.bits);
    if (i >= d_ || level > static_cast<std::uint64_t>(s_) || r.position() > m.bits)
      throw std::logic_error(fmt::format("qsgd[code=elias]: corrupt message (index {}, level {})", i, level));
    const double v = static_cast<double>(level) * unit;
    acc[i] += negative ? -v : v;
  }
}

CompressorConstants QsgdCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::unbiased;
  const double d = d_, s = s_;
  c.omega = std::min(d / (s * s), std::sqrt(d) / s);
  c.random = true;
  return c;
}

std::uint64_t qsgd_elias_message_bits(const Vec& y, double unit, int w) {
  std::uint64_t bits = static_cast<std::uint64_t>(w);
  std::int64_t prev = -1;
  for (Index i = 0; i < y.size(); ++i) {
    if (y[i] == 0.0) continue;
    const auto level = static_cast<std::uint64_t>(std::llround(std::fabs(y[i]) / unit));
    bits += static_cast<std::uint64_t>(elias_gamma_bits(static_cast<std::uint64_t>(i - prev)) + 1 +
                                       elias_gamma_bits(level));
    prev = i;
  }
  return bits;
}

// qsgd[s, norm, code]; dasha-family.md §2 "QSGD", naive code: 32 + d(1 + ⌈log2(s+1)⌉) (the norm
// at width w). The Elias code's size depends on the data: see theory/compressor_bits.hpp for
// QSGD Thm 3.2's expected-size bound.
namespace {
const Choices<bool>& code_choices() {
  static const Choices<bool> choices{{{"fixed", false}, {"elias", true}}};
  return choices;
}
}  // namespace

CompressorEntry qsgd_entry() {
  return make_entry<QsgdOptions>({
      .name = "qsgd",
      .doc = "QSGD random dithering with s levels; fixed-length codes or Elias-gamma",
      .params = {required_param("s", "number of quantization levels, 1 <= s <= 2^30"), norm_param(&QsgdOptions::norm),
                 param("code", &QsgdOptions::elias, code_choices(),
                       "fixed (sign + ceil(log2(s+1)) bits per coordinate) or elias")},
      .constant = "unbiased, omega = min(d/s^2, sqrt(d)/s)",
      .flags = "random",
      .examples = {"qsgd[s=4]", "qsgd[s=4,code=elias]", "qsgd[s=3,norm=linf]"},
      .parse = [](const Spec& spec, int, const CompressorContext&) {
        QsgdOptions o;
        o.s = resolve_required_int(spec, "s", 1, kMaxQuantLevels, "qsgd[s=16]");
        o.norm = norm_choices().parse(spec, "norm", o.norm);
        o.elias = code_choices().parse(spec, "code", o.elias);
        return o;
      },
      .build = [](const QsgdOptions& o, int d, const ValueCodec& codec, const CompressorContext&) -> CompressorPtr {
        return std::make_unique<QsgdCompressor>(d, o.s, o.norm, o.elias, codec);
      },
      .expected_bits = [](const QsgdOptions& o, int d, int w, const CompressorContext&) -> std::optional<BitsRange> {
        using namespace closed_form;
        if (o.elias) return std::nullopt;
        return exactly(u(w) + u(d) * sign_and_level(o.s));
      },
  });
}

}  // namespace commopt
