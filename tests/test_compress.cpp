// Tests of the compressors' wire formats, bit counts and known outputs (dasha-family.md §2,
// ef-local-lazy.md §1–2, §13): pinned bits and decoded values of identity, RandK, TopK and scaled
// sign at both value widths, TopK ties, the bit stream, bad parameters, ratio= rounding.
// Deterministic. What holds for every compressor is in test_compress_registry.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "compress/bitstream.hpp"
#include "compress/compressor.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/spec.hpp"
#include "theory/compressor_bits.hpp"

using namespace commopt;

namespace {

CompressorPtr make(const std::string& text, int d, int bits = 32) {
  return make_compressor(Spec::parse(text, "--compressor"), d, bits);
}

Message encode(const Compressor& c, const Vec& x, std::int64_t round = 0) {
  Rng rng(42, 0, round, Purpose::compress);
  Message m;
  c.compress(x, rng, m);
  return m;
}

Vec decode(const Compressor& c, const Message& m) {
  Vec y;
  c.decompress(m, y);
  return y;
}

double f32(double v) { return static_cast<double>(static_cast<float>(v)); }

std::vector<int> nonzeros(const Vec& y) {
  std::vector<int> idx;
  for (Index i = 0; i < y.size(); ++i)
    if (y[i] != 0.0) idx.push_back(static_cast<int>(i));
  return idx;
}

Vec vec(std::initializer_list<double> v) {
  Vec x(static_cast<Index>(v.size()));
  Index i = 0;
  for (double e : v) x[i++] = e;
  return x;
}

}  // namespace

TEST_CASE("BitWriter/BitReader match a bit-by-bit LSB-first reference", "[compress]") {
  Rng rng(3, 0, 0, Purpose::data);
  for (int trial = 0; trial < 50; ++trial) {
    commopt::ByteBuffer bytes;
    std::vector<bool> ref;
    std::vector<std::pair<std::uint64_t, int>> items;
    BitWriter w(bytes);
    for (int j = 0; j < 60; ++j) {
      const int nbits = static_cast<int>(rng.below(65));
      const std::uint64_t v = rng();  // high bits beyond nbits must be ignored
      w.put(v, nbits);
      for (int b = 0; b < nbits; ++b) ref.push_back(((v >> b) & 1u) != 0);
      items.emplace_back(nbits == 64 ? v : v & ((std::uint64_t{1} << nbits) - 1), nbits);
    }
    REQUIRE(w.bits() == ref.size());
    REQUIRE(bytes.size() == (ref.size() + 7) / 8);
    for (std::size_t b = 0; b < ref.size(); ++b) REQUIRE(((bytes[b / 8] >> (b % 8)) & 1u) == ref[b]);
    for (std::size_t b = ref.size(); b < bytes.size() * 8; ++b)
      REQUIRE(((bytes[b / 8] >> (b % 8)) & 1u) == 0);  // padding bits are zero
    BitReader r(bytes.data(), w.bits());
    for (std::size_t j = 0; j < items.size(); ++j) {
      if (j % 7 == 3) {
        r.skip(static_cast<std::uint64_t>(items[j].second));
        continue;
      }
      REQUIRE(r.get(items[j].second) == items[j].first);
    }
    REQUIRE(r.position() == w.bits());
  }
}

TEST_CASE("identity: d*w bits, decode = float32-rounded (32) or exact (64)", "[compress]") {
  const Vec x = vec({0.1, -1.0 / 3.0, 1e-40, -3e38, 0.0, -0.0, 123456789.123});
  for (int w : {32, 64}) {
    const auto c = make("identity", 7, w);
    const Message m = encode(*c, x);
    CHECK(m.sent);
    CHECK(m.index_coding == IndexCoding::none);
    CHECK(m.bits == 7u * static_cast<unsigned>(w));
    CHECK(m.bits == *closed_form_bits(Spec::parse("identity", "t"), 7, w));
    CHECK(m.bytes.size() == (m.bits + 7) / 8);
    const Vec y = decode(*c, m);
    for (Index i = 0; i < 7; ++i) CHECK(y[i] == (w == 32 ? f32(x[i]) : x[i]));
  }
  CHECK(f32(0.1) != 0.1);  // the 32-bit case really rounds
}

TEST_CASE("randk: list vs bitmap index coding, exact bits, scaled rounded values", "[compress]") {
  struct Case { int d, k; IndexCoding coding; std::uint64_t bits32; };
  // index_bits(20) = 5: K=3 -> list 15 < 20; K=10 -> bitmap 20 < 50; d=16, K=4: 16 = 16, tie -> list.
  const std::vector<Case> cases = {{20, 3, IndexCoding::list, 3 * 32 + 15},
                                   {20, 10, IndexCoding::bitmap, 10 * 32 + 20},
                                   {16, 4, IndexCoding::list, 4 * 32 + 16},
                                   {1, 1, IndexCoding::list, 32}};
  for (const auto& cs : cases) {
    for (int w : {32, 64}) {
      const std::string spec = "randk[k=" + std::to_string(cs.k) + "]";
      const auto c = make(spec, cs.d, w);
      Vec x(cs.d);
      for (int i = 0; i < cs.d; ++i) x[i] = (i % 2 ? -0.1 : 0.7) * (i + 1);
      for (std::int64_t round = 0; round < 5; ++round) {
        const Message m = encode(*c, x, round);
        CHECK(m.index_coding == cs.coding);
        const std::uint64_t expect = cs.bits32 + static_cast<std::uint64_t>(cs.k) * (w - 32);
        CHECK(m.bits == expect);
        CHECK(m.bits == *closed_form_bits(Spec::parse(spec, "t"), cs.d, w));
        const Vec y = decode(*c, m);
        const std::vector<int> kept = nonzeros(y);
        REQUIRE(kept.size() == static_cast<std::size_t>(cs.k));
        const double s = static_cast<double>(cs.d) / cs.k;
        for (int i : kept) CHECK(y[i] == (w == 32 ? f32(s * x[i]) : s * x[i]));
      }
    }
  }
  // The subset is a function of the Rng alone, and changes with the round.
  const auto c = make("randk[k=3]", 1000);
  const Vec x = Vec::Constant(1000, 1.0);
  CHECK(encode(*c, x, 7).bytes == encode(*c, x, 7).bytes);
  CHECK(encode(*c, x, 7).bytes != encode(*c, x, 8).bytes);
}

TEST_CASE("topk: bits and known outputs with lower-index-wins ties", "[compress]") {
  for (int w : {32, 64}) {
    auto c = make("topk[k=2]", 4, w);  // index_bits(4) = 2: list 4 <= bitmap 4 (tie -> list)
    Message m = encode(*c, vec({3, -5, 1, 5}));
    CHECK(m.index_coding == IndexCoding::list);
    CHECK(m.bits == static_cast<std::uint64_t>(2 * w + 4));
    CHECK(decode(*c, m) == vec({0, -5, 0, 5}));
    CHECK(nonzeros(decode(*c, encode(*c, vec({1, 2, 2, 2})))) == std::vector<int>{1, 2});
    CHECK(nonzeros(decode(*c, encode(*c, vec({2, -2, 2, -2})))) == std::vector<int>{0, 1});
    CHECK(nonzeros(decode(*c, encode(*c, vec({0.5, 0, 0, 0.5})))) == std::vector<int>{0, 3});
  }
  // Bitmap case: d = 20, K = 10 -> 10*w + 20 bits; the values are x_i rounded, not scaled.
  const auto c = make("topk[ratio=0.5]", 20, 32);
  Vec x(20);
  for (int i = 0; i < 20; ++i) x[i] = 0.1 * (i % 2 ? i : -i);
  const Message m = encode(*c, x);
  CHECK(m.index_coding == IndexCoding::bitmap);
  CHECK(m.bits == 10 * 32 + 20);
  CHECK(m.bits == *closed_form_bits(Spec::parse("topk[ratio=0.5]", "t"), 20, 32));
  const Vec y = decode(*c, m);
  for (int i = 0; i < 20; ++i) CHECK(y[i] == (i >= 10 ? f32(x[i]) : 0.0));
  // TopK does not use randomness: another round gives the same bytes.
  CHECK(encode(*c, x, 99).bytes == m.bytes);
  // Ratio rounding: K = max(1, round(ratio d)); K*32 + K*ceil(log2 20) bits (list coding).
  CHECK(closed_form_bits(Spec::parse("topk[ratio=0.001]", "t"), 20, 32) == 1u * 32 + 1 * 5);
  CHECK(closed_form_bits(Spec::parse("topk[ratio=0.125]", "t"), 20, 32) == 3u * 32 + 3 * 5);
}

TEST_CASE("scaled_sign: known vector, sign(0) = +1, d + w bits", "[compress]") {
  const Vec x = vec({1, -2, 0, -0.0, 3});  // ||x||_1 = 6, scale 6/5
  for (int w : {32, 64}) {
    const auto c = make("scaled_sign", 5, w);
    const Message m = encode(*c, x);
    CHECK(m.bits == static_cast<std::uint64_t>(5 + w));
    CHECK(m.bits == *closed_form_bits(Spec::parse("scaled_sign", "t"), 5, w));
    CHECK(m.bytes[static_cast<std::size_t>(w / 8)] == 0x02);  // only coordinate 1 is negative
    const double s = w == 32 ? f32(1.2) : 1.2;
    CHECK(decode(*c, m) == vec({s, -s, s, s, s}));
  }
}

TEST_CASE("qsgd: omega = min(d/s^2, sqrt(d)/s) in both regimes (QSGD Lemma 3.1)", "[compress]") {
  // Alistarh et al. 2017, Lemma 3.1: E||Q_s(v) − v||² <= min(n/s², √n/s) ||v||². The smaller term
  // is √d/s when s < √d (coarse levels) and d/s² when s > √d (fine levels); d = s² makes them equal.
  struct Case {
    int d, s;
    double omega;  // the paper's value, worked out by hand
  };
  for (const Case& c : std::vector<Case>{{100, 4, 2.5},     // d/s² = 6.25 > √d/s = 2.5
                                         {16, 8, 0.25},     // d/s² = 0.25 < √d/s = 0.5
                                         {10000, 1, 100.0}, // d/s² = 10000 > √d/s = 100
                                         {9, 30, 0.01},     // d/s² = 0.01 < √d/s = 0.1
                                         {64, 8, 1.0}}) {   // equal
    INFO("d=" << c.d << " s=" << c.s);
    const double paper = std::min(static_cast<double>(c.d) / (c.s * c.s), std::sqrt(static_cast<double>(c.d)) / c.s);
    REQUIRE(paper == Approx(c.omega));
    for (const std::string suffix : {"", ",norm=linf", ",code=elias"}) {
      INFO(suffix);
      const auto k = make("qsgd[s=" + std::to_string(c.s) + suffix + "]", c.d)->constants();
      CHECK(k.kind == CompressorConstants::Kind::unbiased);
      CHECK(k.random);
      CHECK(k.omega == Approx(c.omega));
    }
  }
}

TEST_CASE("bad compressor specs are UsageErrors naming the input and the fix", "[compress]") {
  struct Bad { std::string spec; int d, w; std::vector<std::string> must_contain; };
  const std::vector<Bad> cases = {
      {"randk[k=21]", 20, 32, {"--compressor", "randk[k=21]", "k=21", "1 <= k <= 20"}},
      {"topk[k=0]", 20, 32, {"topk[k=0]", "k=0"}},
      {"topk[k=-3]", 20, 32, {"k=-3"}},
      {"randk", 20, 32, {"'randk'", "needs k or ratio"}},
      {"topk[k=2,ratio=0.1]", 20, 32, {"both k and ratio", "exactly one"}},
      {"topk[ratio=1.5]", 20, 32, {"ratio=1.5", "(0,1]"}},
      {"randk[ratio=0]", 20, 32, {"ratio=0", "(0,1]"}},
      {"randk[ratio=nan]", 20, 32, {"ratio=nan"}},
      {"topk[k=abc]", 20, 32, {"k=abc", "not an integer"}},
      {"topk[kk=3]", 20, 32, {"unknown parameter 'kk'", "did you mean 'k'"}},
      {"identity[k=3]", 20, 32, {"unknown parameter 'k'"}},
      {"randc[k=3]", 20, 32, {"unknown compressor 'randc'", "did you mean 'randk'"}},
      {"scaled_sign", 20, 16, {"scaled_sign", "16", "32 or 64"}},
      {"identity", 0, 32, {"d=0"}},
  };
  for (const auto& b : cases) {
    INFO(b.spec);
    try {
      make(b.spec, b.d, b.w);
      FAIL("no UsageError for " << b.spec);
    } catch (const UsageError& e) {
      const std::string msg = e.what();
      INFO(msg);
      CHECK(msg.find('\n') == std::string::npos);
      for (const auto& s : b.must_contain) CHECK(msg.find(s) != std::string::npos);
    }
  }
  CHECK_THROWS_AS(closed_form_bits(Spec::parse("topk[k=30]", "t"), 20, 32), UsageError);
  CHECK_FALSE(closed_form_bits(Spec::parse("no_such_compressor", "t"), 20, 32).has_value());
}

TEST_CASE("ratio= resolves K = max(1, round(ratio d)) and the instance is named by K", "[compress]") {
  CHECK(make("randk[ratio=0.25]", 20)->name() == "randk[k=5]");
  CHECK(make("topk[ratio=0.001]", 20)->name() == "topk[k=1]");
  CHECK(make("randk_biased[ratio=1]", 20)->name() == "randk_biased[k=20]");
}
