// blockwise[of, blocks] (blockwise.hpp), beyond the generic registry tests: the decoded vector is
// exactly the inner compressor applied block by block (same streams), the bits are the inner
// messages' bits plus the documented header, identity is exact, scaled_sign per block is
// block_sign, blocks=problem follows the context, blocks draw different random choices, bad specs.
#include <catch2/catch.hpp>

#include <bit>
#include <set>

#include "compress/blockwise.hpp"
#include "core/error.hpp"
#include "test_compress_helpers.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

std::uint64_t gamma_bits(std::uint64_t n) { return 2 * static_cast<std::uint64_t>(std::bit_width(n) - 1) + 1; }

// The inner applied block by block with the streams blockwise.hpp documents: the caller's stream
// in block order, or block_stream(key, b) for shared inners. Returns the decoded vector and adds
// the expected message size (inner bits + header) to `bits`.
Vec reference(const BlockwiseCompressor& bw, const std::string& inner, const Vec& x, Rng rng, int worker,
              int workers, std::uint64_t& bits) {
  Vec out(x.size());
  const bool shared = bw.needs_shared_randomness();
  const std::uint64_t key = shared ? rng.key() : 0;
  int offset = 0;
  bits = 0;
  const auto& sizes = bw.block_sizes();
  for (std::size_t b = 0; b < sizes.size(); ++b) {
    const int n = sizes[b];
    const auto c = make_c(inner, n, bw.values().bits, {worker, workers, {n}});
    Message m;
    const Vec seg = x.segment(offset, n);
    if (shared) {
      Rng rb = BlockwiseCompressor::block_stream(key, static_cast<int>(b));
      c->compress(seg, rb, m);
    } else {
      c->compress(seg, rng, m);
    }
    REQUIRE(m.sent);
    bits += m.bits + (bw.length_header() ? gamma_bits(m.bits + 1) : 1);
    out.segment(offset, n) = decode_with(*c, m);
    offset += n;
  }
  return out;
}

}  // namespace

TEST_CASE("blockwise: decode(encode(x)) is the inner applied per block; bits = inner bits + header", "[blocks]") {
  struct Case {
    std::string inner, blocks;
    bool header;  // length header expected
  };
  const std::vector<Case> cases = {
      {"topk[k=3]", "4", false},          {"randk[k=2]", "3", false},
      {"qsgd[s=4]", "problem", false},    {"qsgd[s=2,code=elias]", "3", true},
      {"randk[k=2,shared_seed=true]", "2", false}, {"grbs[k=3]", "problem", true},
      {"signtopk[k=2]", "problem", false}, {"identity", "5", false}};
  const int d = 29, workers = 3;
  for (const auto& cs : cases)
    for (int w : {32, 64}) {
      const std::string text = "blockwise[of=" + cs.inner + ",blocks=" + cs.blocks + "]";
      INFO(text << " w=" << w);
      const CompressorContext ctx{1, workers, {10, 4, 15}};
      const auto c = make_c(text, d, w, ctx);
      const auto& bw = dynamic_cast<const BlockwiseCompressor&>(*c);
      CHECK(bw.length_header() == cs.header);
      if (cs.blocks == "problem") CHECK(bw.block_sizes() == ctx.blocks);
      const auto server = make_c(text, d, w, {0, workers, ctx.blocks});
      for (std::int64_t round = 0; round < 12; ++round) {
        Vec x(d);
        Rng data(5, 0, round, Purpose::data);
        for (auto& v : x) v = data.normal() * (round % 3 == 0 ? 1e-3 : 10.0);
        const Rng stream = c->needs_shared_randomness() ? Rng(7, kServer, round, Purpose::shared)
                                                        : Rng(7, 1, round, Purpose::compress);
        Rng r = stream;
        Message m;
        c->compress(x, r, m);
        std::uint64_t bits = 0;
        const Vec want = reference(bw, cs.inner, x, stream, 1, workers, bits);
        CHECK(decode_with(*server, m) == want);
        CHECK(m.bits == bits);
        if (cs.inner == "identity" && w == 64) CHECK(want == x);
      }
    }
}

TEST_CASE("blockwise: scaled_sign per block decodes as block_sign", "[blocks]") {
  const int d = 23;
  const auto a = make_c("blockwise[of=scaled_sign,blocks=4]", d, 32), b = make_c("block_sign[blocks=4]", d, 32);
  for (const Vec& x : adversarial_vectors(d, 3, false)) {
    const Message ma = encode_with(*a, x, 1), mb = encode_with(*b, x, 1);
    CHECK(decode_with(*a, ma) == decode_with(*b, mb));
    CHECK(ma.bits == mb.bits + 4);  // the same payload plus one sent bit per block
  }
}

TEST_CASE("blockwise: blocks draw their own random choices", "[blocks]") {
  for (const char* text : {"blockwise[of=randk[k=3],blocks=2]", "blockwise[of=randk[k=3,shared_seed=true],blocks=2]",
                           "blockwise[of=grbs[k=2],blocks=2]"}) {
    INFO(text);
    const int d = 20;
    const auto c = make_c(text, d, 64, {0, 2});
    int differ = 0;
    for (std::int64_t round = 0; round < 20; ++round) {
      const Vec y = decode_with(*c, encode_with(*c, Vec::Ones(d), round));
      std::set<int> first, second;
      for (int i = 0; i < 10; ++i) {
        if (y[i] != 0) first.insert(i);
        if (y[10 + i] != 0) second.insert(i);
      }
      differ += first != second;
    }
    CHECK(differ >= 10);
  }
}

TEST_CASE("blockwise: an unsent block costs one bit, no block sent sends nothing", "[blocks]") {
  const int d = 12;
  const auto c = make_c("blockwise[of=bernoulli[p=0.5],blocks=3]", d, 32);
  int partial = 0, none = 0;
  for (std::int64_t round = 0; round < 64; ++round) {
    const Vec x = Vec::LinSpaced(d, 1, 12);
    const Message m = encode_with(*c, x, round);
    const Vec y = decode_with(*c, m);
    int sent = 0;
    for (int b = 0; b < 3; ++b) {
      const bool on = y[4 * b] != 0;
      sent += on;
      if (on) CHECK(y.segment(4 * b, 4) == (2.0 * x.segment(4 * b, 4)).cast<float>().cast<double>());
      else CHECK(y.segment(4 * b, 4).isZero(0.0));
    }
    CHECK(m.sent == (sent > 0));
    CHECK(m.bits == (sent > 0 ? 3 + static_cast<std::uint64_t>(sent) * 4 * 32 : 0));
    partial += sent > 0 && sent < 3;
    none += sent == 0;
  }
  CHECK(partial > 0);
  CHECK(none > 0);
}

TEST_CASE("blockwise: bad specs are UsageErrors naming the input", "[blocks]") {
  const auto err = [](const std::string& text, CompressorContext ctx = {}) -> std::string {
    try {
      (void)make_c(text, 12, 32, ctx);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "<no error>";
  };
  CHECK(err("blockwise").find("of=") != std::string::npos);
  CHECK(err("blockwise[of=nosuch]").find("nosuch") != std::string::npos);
  CHECK(err("blockwise[of=topk[k=2],blocks=0]").find("blocks") != std::string::npos);
  CHECK(err("blockwise[of=topk[k=2],blocks=13]").find("blocks") != std::string::npos);
  CHECK(err("blockwise[of=topk[k=2],blocks=many]").find("blocks") != std::string::npos);
  CHECK(err("blockwise[of=topk[k=2],size=3]").find("size") != std::string::npos);
  CHECK(err("blockwise[of=topk[k=5]]", {0, 1, {8, 4}}).find("size 4") != std::string::npos);
  CHECK(err("blockwise[of=topk[k=5],blocks=3]").find("topk[k=5]") != std::string::npos);
  CHECK(err("blockwise[of=topk[ratio=0.5]]", {0, 1, {8, 4}}) == "<no error>");
}
