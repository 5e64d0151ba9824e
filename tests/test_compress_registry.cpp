// Registry-driven tests of every compressor (DESIGN.md "a compressor is one registered object";
// dasha-family.md §2, ef-local-lazy.md §1–2). Nothing here names a compressor except the table of
// the papers' constants, which must cover exactly the registry's examples: for every entry of
// compressor_registry() and every example spec it gives, at d = 13 and d = 130 (list and bitmap
// index codings, n ∤ d, K ∤ d), n = 3 workers and both value widths,
//   * the encoded bits equal the entry's closed form (exactly, or within its range);
//   * round trip: the sender's and a separate server instance decode alike, add_decoded is
//     acc + scale·decode, the message is a function of the stream (and of nothing else for the
//     deterministic ones), and the decoded vector has the compressor's semantics exactly where they
//     are exact: C(x) = x for ω = 0, ||C(x) − x||² <= (1 − α)||x||² for deterministic contractions,
//     C(0) = 0 whenever there is a constant;
//   * a reused Message (after any other compressor's message) ends up equal to a fresh one, and a
//     warmed-up fixed-size Message is not reallocated;
//   * constants() equal the paper's formula written below.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

#include "compress/registry.hpp"
#include "test_compress_helpers.hpp"
#include "theory/compressor_bits.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

constexpr int kWorkers = 3;
const int kDims[] = {13, 130};
const int kWidths[] = {32, 64};

std::vector<std::string> all_examples() {
  std::vector<std::string> out;
  for (const auto& e : compressor_registry()) out.insert(out.end(), e.examples.begin(), e.examples.end());
  return out;
}

// Same payload and the same decoding. The transport metadata (sender, shared_key) is compared only
// through the decoding: an encoder that does not use it leaves it as it was (message.hpp).
bool same_message(const Message& a, const Message& b, const Compressor& c) {
  return a.bytes == b.bytes && a.bits == b.bits && a.sent == b.sent && a.index_coding == b.index_coding &&
         decode_with(c, a) == decode_with(c, b);
}

// The constants of the papers (dasha-family.md §2 table; ef-local-lazy.md §2), as functions of d
// and the value width w, for n = kWorkers. K = max(1, round(ratio d)) for ratio=.
using Kind = CompressorConstants::Kind;
struct Want {
  Kind kind;
  double value;  // ω (unbiased) or α (contractive)
  bool random;
};
using Formula = std::function<Want(double d, int w)>;
double k_of(double ratio, double d) { return std::max(1.0, std::round(ratio * d)); }
Want unbiased(double omega, bool random = true) { return {Kind::unbiased, omega, random}; }
Want contractive(double alpha, bool random) { return {Kind::contractive, alpha, random}; }
Want qsgd_omega(double d, double s) { return unbiased(std::min(d / (s * s), std::sqrt(d) / s)); }
Want natural_dithering_omega(double d, double s) {
  const double r = std::sqrt(d) / std::pow(2.0, s - 1);
  return unbiased(1.0 / 8 + r * std::min(1.0, r));
}
Want qsparse_alpha(double k, double d, double s) {
  const double beta = std::min(k / (s * s), std::sqrt(k) / s);
  return contractive(k / (d * (1 + beta)), true);
}
Want laq_alpha(double d, int bits, int w) {  // the radius is rounded up to float32 at w = 32
  const double tau = 1.0 / (std::pow(2.0, bits) - 1), slack = w == 32 ? 1 + std::pow(2.0, -23) : 1.0;
  const double t = d * tau * tau * slack * slack;
  return t < 1 ? contractive(1 - t, false) : Want{Kind::none, 0, false};
}

const std::map<std::string, Formula>& paper_constants() {
  static const std::map<std::string, Formula> table = {
      {"identity", [](double, int) { return unbiased(0, false); }},
      {"randk[k=3]", [](double d, int) { return unbiased(d / 3 - 1); }},
      {"randk[k=3,shared_seed=true]", [](double d, int) { return unbiased(d / 3 - 1); }},
      {"randk[ratio=0.5]", [](double d, int) { return unbiased(d / k_of(0.5, d) - 1); }},
      {"randk_biased[k=3]", [](double d, int) { return contractive(3 / d, true); }},
      {"permk", [](double, int) { return unbiased(kWorkers - 1); }},
      {"topk[k=3]", [](double d, int) { return contractive(3 / d, false); }},
      {"topk[ratio=0.25]", [](double d, int) { return contractive(k_of(0.25, d) / d, false); }},
      {"qsgd[s=4]", [](double d, int) { return qsgd_omega(d, 4); }},
      {"qsgd[s=4,code=elias]", [](double d, int) { return qsgd_omega(d, 4); }},
      {"qsgd[s=3,norm=linf]", [](double d, int) { return qsgd_omega(d, 3); }},
      {"natural", [](double, int) { return unbiased(1.0 / 8); }},
      {"natural_dithering[s=4]", [](double d, int) { return natural_dithering_omega(d, 4); }},
      {"natural_dithering[s=3,norm=linf]", [](double d, int) { return natural_dithering_omega(d, 3); }},
      {"sign", [](double, int) { return Want{Kind::none, 0, false}; }},
      {"sign[zero=minus]", [](double, int) { return Want{Kind::none, 0, false}; }},
      {"scaled_sign", [](double d, int) { return contractive(1 / d, false); }},
      {"block_sign[blocks=3]", [](double d, int) { return contractive(1 / std::ceil(d / 3), false); }},
      {"block_sign[block_size=4]", [](double, int) { return contractive(1.0 / 4, false); }},
      {"qtopk[k=3,s=4]", [](double d, int) { return qsparse_alpha(3, d, 4); }},
      {"qrandk[ratio=0.5,s=2]", [](double d, int) { return qsparse_alpha(k_of(0.5, d), d, 2); }},
      {"signtopk[k=3]", [](double d, int) { return contractive(1 / d, false); }},
      {"signrandk[k=3,zero=minus]", [](double d, int) { return contractive(1 / d, true); }},
      {"grbs[k=4]", [](double d, int) { return contractive(1 / std::ceil(d / 4), true); }},
      {"grbs[ratio=0.5]", [](double d, int) { return contractive(1 / std::ceil(d / k_of(0.5, d)), true); }},
      {"laq[bits=3]", [](double d, int w) { return laq_alpha(d, 3, w); }},
      {"laq", [](double d, int w) { return laq_alpha(d, 4, w); }},
      {"bernoulli[p=0.5]", [](double, int) { return unbiased(1); }},
      {"powersgd[rank=2,shape=3x4]", [](double, int) { return Want{Kind::none, 0, true}; }},
      {"powersgd", [](double, int) { return Want{Kind::none, 0, true}; }},
      // blockwise (blocks=N: sizes ceil(d/N) then floor(d/N)): the worst block's constant.
      {"blockwise[of=identity,blocks=2]", [](double, int) { return unbiased(0, false); }},
      {"blockwise[of=topk[k=2],blocks=3]", [](double d, int) { return contractive(2 / std::ceil(d / 3), false); }},
      {"blockwise[of=scaled_sign,blocks=3]", [](double d, int) { return contractive(1 / std::ceil(d / 3), false); }},
      {"blockwise[of=qsgd[s=4,code=elias],blocks=3]", [](double d, int) { return qsgd_omega(std::ceil(d / 3), 4); }},
      {"blockwise[of=randk[k=2,shared_seed=true],blocks=2]",
       [](double d, int) { return unbiased(std::ceil(d / 2) / 2 - 1); }},
      {"blockwise[of=grbs[k=2],blocks=3]",
       [](double d, int) { return contractive(1 / std::ceil(std::ceil(d / 3) / 2), true); }},
      {"blockwise[of=topk[ratio=0.5]]", [](double d, int) { return contractive(k_of(0.5, d) / d, false); }},
  };
  return table;
}

}  // namespace

TEST_CASE("every registered compressor is documented and its examples build", "[compress]") {
  std::set<std::string> names;
  for (const auto& e : compressor_registry()) {
    INFO(e.name);
    CHECK(names.insert(e.name).second);
    CHECK(find_compressor(e.name) == &e);
    CHECK_FALSE(e.doc.empty());
    CHECK_FALSE(e.constant.empty());
    CHECK_FALSE(e.flags.empty());
    REQUIRE_FALSE(e.examples.empty());
    std::set<std::string> keys;
    for (const auto& p : e.params) CHECK(keys.insert(p.name).second);
    for (const auto& text : e.examples) {
      INFO(text);
      CHECK(Spec::parse(text, "t").name() == e.name);
      for (int d : kDims)
        for (int w : kWidths)
          for (int i = 0; i < kWorkers; ++i) CHECK(make_c(text, d, w, {i, kWorkers}) != nullptr);
    }
  }
  CHECK(find_compressor("no_such_compressor") == nullptr);
}

TEST_CASE("every compressor: encoded bits = closed form; sender and server decode alike", "[compress]") {
  for (const std::string& text : all_examples())
    for (int d : kDims)
      for (int w : kWidths) {
        INFO(text << " d=" << d << " w=" << w);
        const Spec spec = Spec::parse(text, "t");
        const auto range = closed_form_bits_range(spec, d, w, {0, kWorkers});
        if (range && range->fixed()) CHECK(closed_form_bits(spec, d, w, {0, kWorkers}) == range->min);
        const auto server = make_c(text, d, w, {0, kWorkers});
        int sent = 0;
        for (int i = 0; i < kWorkers; ++i) {
          const auto worker = make_c(text, d, w, {i, kWorkers});
          for (const Vec& x : adversarial_vectors(d, 7 + static_cast<std::uint64_t>(i), false)) {
            const Message m = encode_with(*worker, x, sent, i);
            Vec acc = Vec::Constant(d, 2.0);
            if (!m.sent) {  // bernoulli tails: nothing crosses the wire and nothing is added
              CHECK(m.bits == 0);
              server->add_decoded(m, 1.0, acc);
              CHECK(acc == Vec::Constant(d, 2.0));
              continue;
            }
            ++sent;
            if (range) {
              CHECK(m.bits >= range->min);
              CHECK(m.bits <= range->max);
            }
            CHECK(m.bytes.size() == (m.bits + 7) / 8);
            const Vec y = decode_with(*worker, m);
            REQUIRE(y.size() == d);
            CHECK(decode_with(*server, m) == y);  // one server instance decodes every worker
            server->add_decoded(m, -0.5, acc);
            CHECK((acc - (Vec::Constant(d, 2.0) - 0.5 * y)).cwiseAbs().maxCoeff() <=
                  1e-12 * (1 + y.cwiseAbs().maxCoeff()));
            if (range) {  // a data-dependent size (Elias) has no length to check a truncation against
              Message bad = m;
              bad.bits -= 1;
              CHECK_THROWS_AS(server->add_decoded(bad, 1.0, acc), std::logic_error);
            }
            Vec wrong(d + 1);
            CHECK_THROWS_AS(server->add_decoded(m, 1.0, wrong), std::logic_error);
          }
        }
        CHECK(sent > 0);
      }
}

TEST_CASE("every compressor: decode(encode(x)) has the compressor's semantics", "[compress]") {
  for (const std::string& text : all_examples())
    for (int d : kDims) {
      INFO(text << " d=" << d);
      const auto c = make_c(text, d, 64, {1, kWorkers}), twin = make_c(text, d, 64, {1, kWorkers});
      const CompressorConstants cc = c->constants();
      std::int64_t round = 0;
      for (const Vec& x : adversarial_vectors(d, 11, false)) {
        ++round;
        const Message m = encode_with(*c, x, round, 1);
        CHECK(same_message(encode_with(*twin, x, round, 1), m, *c));  // a function of the stream
        if (!cc.random) CHECK(same_message(encode_with(*twin, x, round + 1000, 1, 77), m, *c));  // ... only
        const Vec y = decode_with(*c, m);
        CHECK(y.allFinite());
        const bool zero = x.isZero(0.0);
        if (cc.kind != Kind::none && zero) CHECK(y.isZero(0.0));
        if (zero || !m.sent) continue;
        if (cc.kind == Kind::unbiased && cc.omega == 0) CHECK(y == x);
        if (cc.kind == Kind::contractive && !cc.random) {
          const double s = x.cwiseAbs().maxCoeff();
          CHECK(scaled_sq(y - x, s) <= (1 - cc.alpha) * scaled_sq(x, s) * (1 + 1e-9));
        }
      }
    }
}

TEST_CASE("every compressor: a reused Message ends up equal to a fresh one", "[compress]") {
  Message reused;  // carries over between compressors, dimensions and widths
  for (int w : kWidths)
    for (int d : kDims)
      for (const std::string& text : all_examples()) {
        INFO(text << " d=" << d << " w=" << w);
        // Two instances see the same calls, so stateful encoders (powersgd) stay in step.
        const auto a = make_c(text, d, w, {2, kWorkers}), b = make_c(text, d, w, {2, kWorkers});
        std::int64_t round = 0;
        for (const Vec& x : adversarial_vectors(d, 5, false)) {
          ++round;
          Rng ra = a->needs_shared_randomness() ? Rng(9, kServer, round, Purpose::shared)
                                                : Rng(9, 2, round, Purpose::compress);
          Rng rb = ra;
          a->compress(x, ra, reused);
          Message fresh;
          b->compress(x, rb, fresh);
          CHECK(same_message(reused, fresh, *b));
        }
      }
}

TEST_CASE("every fixed-size compressor: warmed-up compress reuses the Message buffer", "[compress]") {
  const int d = 4000;
  Vec x(d);
  for (int i = 0; i < d; ++i) x[i] = std::sin(0.37 * i) * (1 + i % 7);
  for (const std::string& text : all_examples()) {
    const auto range = closed_form_bits_range(Spec::parse(text, "t"), d, 32, {1, kWorkers});
    if (!range || !range->fixed()) continue;  // sizes that vary may need a larger buffer later
    INFO(text);
    const auto c = make_c(text, d, 32, {1, kWorkers});
    Message m;
    Rng rng(1, 1, 0, Purpose::compress);
    for (int warm = 0; warm < 50 && !m.sent; ++warm) c->compress(x, rng, m);  // bernoulli: until one is sent
    REQUIRE(m.sent);
    const auto* data = m.bytes.data();
    const auto cap = m.bytes.capacity();
    for (int r = 0; r < 6; ++r) {
      c->compress(r % 2 ? x : Vec(0.5 * x), rng, m);
      CHECK(m.bytes.data() == data);
      CHECK(m.bytes.capacity() == cap);
    }
  }
}

TEST_CASE("every compressor: constants() equal the paper's formula", "[compress]") {
  const auto& table = paper_constants();
  std::set<std::string> examples;
  for (const std::string& text : all_examples()) {
    INFO(text);
    CHECK(examples.insert(text).second);  // each example once
    const auto it = table.find(text);
    REQUIRE(it != table.end());  // a registered example needs its formula here
    for (int d : kDims)
      for (int w : kWidths) {
        INFO("d=" << d << " w=" << w);
        const Want want = it->second(d, w);
        const CompressorConstants got = make_c(text, d, w, {0, kWorkers})->constants();
        CHECK(got.kind == want.kind);
        CHECK(got.random == want.random);
        if (want.kind == Kind::unbiased) CHECK(got.omega == Approx(want.value).epsilon(1e-12).margin(1e-15));
        if (want.kind == Kind::contractive) CHECK(got.alpha == Approx(want.value).epsilon(1e-12));
      }
  }
  for (const auto& [text, formula] : table) {
    INFO(text);
    CHECK(examples.count(text) == 1);  // no formula for an example that is gone
  }
}
