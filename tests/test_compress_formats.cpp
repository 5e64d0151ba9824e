// Wire formats that the registry-driven tests (test_compress_registry.cpp) cannot state generically
// (ef-local-lazy.md §1–2, dasha-family.md §2): the data-dependent size of QSGD's Elias code, known
// outputs of the deterministic compressors, the bad-parameter messages of every compressor and the
// `commopt list compressors` listing. Deterministic (fixed seeds).
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <cstdio>
#include <stdexcept>

#include "compress/qsgd.hpp"
#include "core/error.hpp"
#include "test_compress_helpers.hpp"
#include "theory/compressor_bits.hpp"

using namespace commopt;
using namespace commopt::testing;

TEST_CASE("qsgd code=elias: bits = the Elias code of the decoded levels", "[compress]") {
  for (int w : {32, 64})
    for (int d : {13, 64, 130})
      for (const char* text : {"qsgd[s=4,code=elias]", "qsgd[s=1,norm=linf,code=elias]"}) {
        INFO(text << " d=" << d << " w=" << w);
        CHECK_FALSE(closed_form_bits_range(Spec::parse(text, "t"), d, w).has_value());  // data-dependent
        const auto c = make_c(text, d, w);
        const int s = static_cast<int>(Spec::parse(text, "t").get_int("s", 0));
        int round = 0;
        for (const Vec& x : adversarial_vectors(d, 3, false)) {
          const Message m = encode_with(*c, x, round++);
          const Vec y = decode_with(*c, m);
          BitReader r = m.reader();
          const double unit = (w == 32 ? static_cast<double>(r.get_f32()) : r.get_f64()) / s;
          CHECK(m.bits == qsgd_elias_message_bits(y, unit, w));
        }
      }
}

TEST_CASE("sign, block_sign, signtopk, laq: known outputs", "[compress]") {
  const Vec x = (Vec(6) << 1, -2, 0, -0.0, 3, -6).finished();
  for (int w : {32, 64}) {
    CHECK(decode_with(*make_c("sign", 6, w), encode_with(*make_c("sign", 6, w), x, 0)) ==
          (Vec(6) << 1, -1, 1, 1, 1, -1).finished());
    CHECK(decode_with(*make_c("sign[zero=minus]", 6, w), encode_with(*make_c("sign", 6, w, {}), x, 0)) ==
          (Vec(6) << 1, -1, 1, 1, 1, -1).finished());  // the decoder reads bits only
    CHECK(decode_with(*make_c("sign", 6, w), encode_with(*make_c("sign[zero=minus]", 6, w), x, 0)) ==
          (Vec(6) << 1, -1, -1, -1, 1, -1).finished());
    // blocks=4 on d=6: sizes 2,2,1,1 -> scales 1.5, 0, 3, 6.
    const auto bs = make_c("block_sign[blocks=4]", 6, w);
    const Message m = encode_with(*bs, x, 0);
    CHECK(m.bits == 6u + 4u * static_cast<unsigned>(w));
    CHECK(decode_with(*bs, m) == (Vec(6) << 1.5, -1.5, 0, 0, 3, -6).finished());
    // signtopk k=2: y = {3 at 4, -6 at 5}, scale 4.5.
    const auto st = make_c("signtopk[k=2]", 6, w);
    CHECK(decode_with(*st, encode_with(*st, x, 0)) == (Vec(6) << 0, 0, 0, 0, 4.5, -4.5).finished());
    // laq bits=2: R = 6, τ = 1/3, grid −6, −2, 2, 6 (spacing 4), error <= 2.
    const auto lq = make_c("laq[bits=2]", 6, w);
    CHECK(decode_with(*lq, encode_with(*lq, x, 0)) == (Vec(6) << 2, -2, 2, 2, 2, -6).finished());
    // natural: powers of two are kept exactly, 3 -> 2 or 4.
    const auto nat = make_c("natural", 4, w);
    const Vec y = decode_with(*nat, encode_with(*nat, (Vec(4) << 0.25, -1024, 0, 3).finished(), 0));
    CHECK(y.head(3) == (Vec(3) << 0.25, -1024, 0).finished());
    CHECK((y[3] == 2 || y[3] == 4));
  }
}

TEST_CASE("bad parameters of the new compressors are one-line UsageErrors", "[compress]") {
  struct Bad { std::string spec; int d; std::vector<std::string> must; };
  const std::vector<Bad> cases = {
      {"qsgd[s=0]", 10, {"s=0", "[1, 1073741824]", "qsgd[s=16]"}},
      {"qsgd", 10, {"needs s"}},
      {"qsgd[s=4,norm=l3]", 10, {"norm=l3", "norm=l2 or norm=linf"}},
      {"qsgd[s=4,code=huffman]", 10, {"code=huffman"}},
      {"natural_dithering[s=0]", 10, {"s=0"}},
      {"natural_dithering[s=65]", 10, {"s=65", "[1, 64]"}},
      {"qtopk[k=11,s=4]", 10, {"k=11", "1 <= k <= 10"}},
      {"qrandk[k=0,s=4]", 10, {"k=0"}},
      {"qtopk[k=3,s=0]", 10, {"s=0"}},
      {"signrandk[k=11]", 10, {"k=11"}},
      {"randk_biased[k=0]", 10, {"k=0"}},
      {"randk[k=3,shared_seed=maybe]", 10, {"shared_seed=maybe", "true/false"}},
      {"grbs[k=11]", 10, {"k=11"}},
      {"grbs[ratio=32]", 10, {"ratio=32", "(0,1]"}},
      {"laq[bits=0]", 10, {"bits=0", "[1, 16]"}},
      {"laq[bits=17]", 10, {"bits=17", "[1, 16]"}},
      {"bernoulli[p=0]", 10, {"p=0", "(0,1]"}},
      {"bernoulli[p=1.5]", 10, {"p=1.5", "(0,1]"}},
      {"bernoulli", 10, {"needs p"}},
      {"block_sign", 10, {"needs blocks or block_size"}},
      {"block_sign[blocks=11]", 10, {"blocks=11", "[1, 10]"}},
      {"block_sign[blocks=2,block_size=3]", 10, {"both blocks and block_size"}},
      {"sign[zero=0]", 10, {"zero=0", "zero=plus or zero=minus"}},
      {"powersgd[shape=4x4]", 10, {"shape=4x4", "R*C <= d=10"}},
      {"powersgd[shape=3]", 10, {"shape=3"}},
      {"powersgd[rank=3,shape=2x4]", 10, {"rank=3", "[1, 2]"}},
      {"permk[n=3]", 10, {"unknown parameter 'n'"}},
  };
  for (const auto& b : cases) {
    INFO(b.spec);
    try {
      make_c(b.spec, b.d, 32);
      FAIL("no UsageError for " << b.spec);
    } catch (const UsageError& e) {
      const std::string msg = e.what();
      INFO(msg);
      CHECK(msg.find('\n') == std::string::npos);
      CHECK(msg.find("--compressor") != std::string::npos);
      for (const auto& s : b.must) CHECK(msg.find(s) != std::string::npos);
    }
    CHECK_THROWS_AS(closed_form_bits_range(Spec::parse(b.spec, "--compressor"), b.d, 32), UsageError);
  }
}

TEST_CASE("commopt list compressors shows every compressor with parameters and constants", "[compress]") {
  std::FILE* pipe = popen((std::string(COMMOPT_BINARY) + " list compressors 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  CHECK(pclose(pipe) == 0);
  for (const auto& e : compressor_registry()) {
    INFO(e.name);
    CHECK(out.find("  " + e.name + " ") != std::string::npos);
    CHECK_FALSE(e.constant.empty());
    CHECK_FALSE(e.flags.empty());
    CHECK(out.find("constant: " + e.constant) != std::string::npos);
    for (const auto& p : e.params) CHECK(out.find(p.name) != std::string::npos);
  }
  for (const char* must : {"omega = min(d/s^2, sqrt(d)/s)", "alpha = 1/N_blocks", "omega = 1/p - 1",
                           "alpha = K/(d(1+beta))", "omega = 1/8", "none (heuristic)", "tau R"})
    CHECK(out.find(must) != std::string::npos);
}
