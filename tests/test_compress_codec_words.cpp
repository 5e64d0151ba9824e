// The word-level codecs (issue 13 "dense codecs within 2x of a copy") against straightforward
// per-value references written here: one BitWriter::put per field, one BitReader::get per field,
// one rng draw per coordinate exactly where dither_level draws. Same bytes, same bit count, same
// decoded sums (bit for bit), and the caller's Rng left at the same position, for QSGD's fixed code
// (l2 and linf, s = 1, 16, 2^20), sign, scaled_sign, block_sign and identity, at d = 1 and around
// the 64-coordinate chunk boundaries.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "compress/identity.hpp"
#include "compress/qsgd.hpp"
#include "compress/quantize.hpp"
#include "compress/scaled_sign.hpp"
#include "compress/sign.hpp"
#include "test_compress_helpers.hpp"

namespace {

using commopt::BitReader;
using commopt::BitWriter;
using commopt::Message;
using commopt::QuantNorm;
using commopt::Rng;
using commopt::ValueCodec;
using commopt::Vec;

const int kDims[] = {1, 2, 63, 64, 65, 127, 128, 129, 200, 1000};

bool same_bits(const Vec& a, const Vec& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

// Vectors with zeros, negatives, ties, a one-hot spike (r = s: no draw), an all-zero vector, and a
// vector whose first chunk is ordinary and whose second has its maximum (linf: r = s mid-stream).
std::vector<Vec> test_vectors(int d, std::uint64_t seed) {
  std::vector<Vec> out = commopt::testing::adversarial_vectors(d, seed, false);
  Rng rng(seed, 1, d, commopt::Purpose::data);
  Vec sparse(d), late_max(d);
  for (int i = 0; i < d; ++i) {
    sparse[i] = rng.below(3) == 0 ? rng.normal() : 0.0;
    late_max[i] = rng.normal();
  }
  late_max[d - 1] = 50.0;
  out.push_back(sparse);
  out.push_back(late_max);
  return out;
}

// QSGD code=fixed, per value: [N̂][sign bit][level] with dither_level's draw (reference of qsgd.hpp).
Message reference_qsgd(const Vec& x, int s, QuantNorm norm, const ValueCodec& codec, Rng& rng) {
  Message m;
  BitWriter w(m.bytes);
  const double n_hat = commopt::sendable_norm_up(commopt::quant_norm(x.data(), static_cast<std::size_t>(x.size()), norm), codec);
  codec.put(w, n_hat);
  const commopt::DitherRatio ratio(n_hat, s);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double r = ratio(std::fabs(x[i]));
    std::uint64_t level;
    if (!(r < s)) {
      level = r >= s ? static_cast<std::uint64_t>(s) : 0;
    } else {
      level = static_cast<std::uint64_t>(std::floor(r));
      if (rng.uniform() < r - std::floor(r)) ++level;
    }
    w.put_bit(x[i] < 0.0);
    w.put(level, commopt::level_bits(s));
  }
  m.bits = w.bits();
  m.sent = true;
  return m;
}

void reference_qsgd_add(const Message& m, int s, const ValueCodec& codec, double scale, Vec& acc) {
  BitReader r = m.reader();
  const double unit = scale * codec.get(r) / s;
  for (Eigen::Index i = 0; i < acc.size(); ++i) {
    const bool negative = r.get_bit();
    const double v = static_cast<double>(r.get(commopt::level_bits(s))) * unit;
    acc[i] += negative ? -v : v;
  }
}

// [scales][d sign bits], one put_bit per coordinate (sign, scaled_sign, block_sign).
Message reference_signs(const Vec& x, const std::vector<double>& scales, bool zero_negative, const ValueCodec& codec) {
  Message m;
  BitWriter w(m.bytes);
  for (double v : scales) codec.put(w, v);
  for (Eigen::Index i = 0; i < x.size(); ++i) w.put_bit(zero_negative ? x[i] <= 0.0 : x[i] < 0.0);
  m.bits = w.bits();
  m.sent = true;
  return m;
}

// acc += scale_b · (±1) per coordinate, block b's scale read first (scale 1 without scales).
void reference_signs_add(const Message& m, const std::vector<int>& sizes, bool has_scales, const ValueCodec& codec,
                         double scale, Vec& acc) {
  BitReader scales = m.reader(), signs = m.reader();
  if (has_scales) signs.skip(sizes.size() * static_cast<std::uint64_t>(codec.bits));
  Eigen::Index i = 0;
  for (int n : sizes) {
    const double v = has_scales ? scale * codec.get(scales) : scale;
    for (int j = 0; j < n; ++j, ++i) acc[i] += signs.get_bit() ? -v : v;
  }
}

void require_same_message(const Message& fast, const Message& ref) {
  REQUIRE(fast.bits == ref.bits);
  REQUIRE(fast.bytes == ref.bytes);
  REQUIRE(fast.sent);
}

}  // namespace

TEST_CASE("qsgd fixed code, word-level: same bits, same draws, same decoded sums as per value", "[compress][codec_words]") {
  for (int bits : {32, 64})
    for (QuantNorm norm : {QuantNorm::l2, QuantNorm::linf})
      for (int s : {1, 16, 1 << 20})
        for (int d : kDims) {
          const ValueCodec codec{bits};
          const commopt::QsgdCompressor c(d, s, norm, false, codec);
          int k = 0;
          for (const Vec& x : test_vectors(d, 91 + static_cast<std::uint64_t>(d))) {
            INFO("bits=" << bits << " norm=" << (norm == QuantNorm::l2 ? "l2" : "linf") << " s=" << s << " d=" << d
                         << " vector " << k++);
            Rng rng_fast(7, 2, k, commopt::Purpose::compress), rng_ref = rng_fast;
            Message fast;
            c.compress(x, rng_fast, fast);
            const Message ref = reference_qsgd(x, s, norm, codec, rng_ref);
            require_same_message(fast, ref);
            REQUIRE(rng_fast() == rng_ref());  // the same number of draws
            Vec acc_fast = Vec::LinSpaced(d, -1.0, 2.0), acc_ref = acc_fast;
            c.add_decoded(fast, 0.37, acc_fast);
            reference_qsgd_add(ref, s, codec, 0.37, acc_ref);
            REQUIRE(same_bits(acc_fast, acc_ref));
          }
        }
}

TEST_CASE("sign codecs, word-level: same bits and decoded sums as one bit per coordinate", "[compress][codec_words]") {
  const ValueCodec codec{32};
  for (int d : kDims) {
    int k = 0;
    for (const Vec& x : test_vectors(d, 17 + static_cast<std::uint64_t>(d))) {
      INFO("d=" << d << " vector " << k++);
      const Vec acc0 = Vec::LinSpaced(d, -1.0, 2.0);
      for (bool zero_negative : {false, true}) {
        const commopt::SignCompressor c(d, zero_negative, codec);
        const Message fast = commopt::testing::encode_with(c, x, 0), ref = reference_signs(x, {}, zero_negative, codec);
        require_same_message(fast, ref);
        Vec acc_fast = acc0, acc_ref = acc0;
        c.add_decoded(fast, 0.37, acc_fast);
        reference_signs_add(ref, {d}, false, codec, 0.37, acc_ref);
        REQUIRE(same_bits(acc_fast, acc_ref));
      }
      {
        const commopt::ScaledSignCompressor c(d, codec);
        const Message fast = commopt::testing::encode_with(c, x, 0);
        const Message ref = reference_signs(x, {commopt::mean_abs(x.data(), d)}, false, codec);
        require_same_message(fast, ref);
        Vec acc_fast = acc0, acc_ref = acc0;
        c.add_decoded(fast, 0.37, acc_fast);
        reference_signs_add(ref, {d}, true, codec, 0.37, acc_ref);
        REQUIRE(same_bits(acc_fast, acc_ref));
      }
      const std::vector<int> sizes = commopt::sized_blocks(d, 70);  // blocks across chunk boundaries
      const commopt::BlockSignCompressor c(sizes, false, codec);
      std::vector<double> scales;
      int begin = 0;
      for (int n : sizes) {
        scales.push_back(commopt::mean_abs(x.data() + begin, n));
        begin += n;
      }
      const Message fast = commopt::testing::encode_with(c, x, 0), ref = reference_signs(x, scales, false, codec);
      require_same_message(fast, ref);
      Vec acc_fast = acc0, acc_ref = acc0;
      c.add_decoded(fast, 0.37, acc_fast);
      reference_signs_add(ref, sizes, true, codec, 0.37, acc_ref);
      REQUIRE(same_bits(acc_fast, acc_ref));
    }
  }
}

TEST_CASE("identity, chunked float32 path: same bits and decoded sums around chunk boundaries", "[compress][codec_words]") {
  const ValueCodec codec{32};
  for (int d : kDims) {
    const commopt::IdentityCompressor c(d, codec);
    for (const Vec& x : test_vectors(d, 5 + static_cast<std::uint64_t>(d))) {
      INFO("d=" << d);
      Message ref;
      BitWriter w(ref.bytes);
      for (Eigen::Index i = 0; i < x.size(); ++i) codec.put(w, x[i]);
      ref.bits = w.bits();
      ref.sent = true;
      const Message fast = commopt::testing::encode_with(c, x, 0);
      require_same_message(fast, ref);
      Vec acc_fast = Vec::LinSpaced(d, -1.0, 2.0), acc_ref = acc_fast;
      c.add_decoded(fast, 0.37, acc_fast);
      BitReader r = ref.reader();
      for (Eigen::Index i = 0; i < acc_ref.size(); ++i) acc_ref[i] += 0.37 * codec.get(r);
      REQUIRE(same_bits(acc_fast, acc_ref));
    }
  }
}

TEST_CASE("natural codecs draw from a local copy of the stream: one draw per coordinate, the caller's stream advanced",
          "[compress][codec_words]") {
  for (int d : kDims) {
    const Vec x = test_vectors(d, 3).front();
    for (const char* spec : {"natural", "natural_dithering[s=8]"}) {
      INFO(spec << " d=" << d);
      const commopt::CompressorPtr c = commopt::make_compressor(commopt::Spec::parse(spec, "test"), d, 32);
      Rng rng(4, 0, 0, commopt::Purpose::compress), expected = rng;
      Message m;
      c->compress(x, rng, m);
      for (int i = 0; i < d; ++i) (void)expected();
      REQUIRE(rng() == expected());
      Rng again(4, 0, 0, commopt::Purpose::compress);
      Message m2;
      c->compress(x, again, m2);
      REQUIRE(m2.bytes == m.bytes);
    }
  }
}
