// Scaled sign (||x||_1/d)·sign(x) (ef-local-lazy.md §2.4 with one block, §13); format in scaled_sign.hpp.
#include "compress/scaled_sign.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/sign.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

void ScaledSignCompressor::compress(const Vec& x, Rng& /*rng*/, Message& out) const {
  check_input_size(x, d_, "scaled_sign");
  const double dd = static_cast<double>(d_);
  double l1 = 0.0;
  for (Index i = 0; i < d_; ++i) l1 += std::fabs(x[i]);
  double scale = l1 / dd;
  if (std::isinf(l1) && x.allFinite()) {
    scale = 0.0;  // the sum overflowed: sum the already divided terms instead
    for (Index i = 0; i < d_; ++i) scale += std::fabs(x[i]) / dd;
  }
  BitWriter w(out.bytes);
  codec_.put(w, scale);
  put_sign_bits(x.data(), d_, false, w);
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = IndexCoding::none;
}

void ScaledSignCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  if (!m.sent) return;
  check_message_bits(m, static_cast<std::uint64_t>(d_) + static_cast<std::uint64_t>(codec_.bits),
                     "scaled_sign");
  check_input_size(acc, d_, "scaled_sign");
  BitReader r = m.reader();
  add_sign_bits(r, d_, scale * codec_.get(r), acc.data());
}

CompressorConstants ScaledSignCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::contractive;
  c.alpha = 1.0 / d_;
  c.random = false;
  return c;
}

// scaled_sign: no parameters; ef-local-lazy.md §1 "scaled sign": d sign bits + one scale, d + w.
CompressorEntry scaled_sign_entry() {
  return make_entry<ScaledSignOptions>({
      .name = "scaled_sign",
      .doc = "(||x||_1/d) sign(x), sign(0) = +1: one scale + d sign bits",
      .params = {},
      .constant = "contractive, alpha = 1/d (delta(x) = ||x||_1^2/(d ||x||^2))",
      .flags = "deterministic",
      .examples = {"scaled_sign"},
      .parse = nullptr,
      .build = [](const ScaledSignOptions&, int d, const ValueCodec& codec, const CompressorContext&) -> CompressorPtr {
        return std::make_unique<ScaledSignCompressor>(d, codec);
      },
      .expected_bits = [](const ScaledSignOptions&, int d, int w, const CompressorContext&) {
        return closed_form::exactly(closed_form::u(d) + closed_form::u(w));
      },
  });
}

}  // namespace commopt
