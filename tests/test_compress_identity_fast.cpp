// The identity codec's array fast path (issue 13) against the per-value bit-level encoder it
// replaced: same bytes, same bit count, same decoded sums, for float32 and float64 values.
#include <catch2/catch.hpp>

#include <cstring>

#include "compress/identity.hpp"
#include "test_compress_helpers.hpp"

namespace {

using commopt::BitReader;
using commopt::BitWriter;
using commopt::Message;
using commopt::ValueCodec;
using commopt::Vec;

// The reference: one BitWriter::put per value (the encoder before the fast path).
Message reference_encode(const Vec& x, const ValueCodec& codec) {
  Message m;
  BitWriter w(m.bytes);
  for (Eigen::Index i = 0; i < x.size(); ++i) codec.put(w, x[i]);
  m.bits = w.bits();
  m.sent = true;
  return m;
}

void reference_add(const Message& m, const ValueCodec& codec, double scale, Vec& acc) {
  BitReader r = m.reader();
  for (Eigen::Index i = 0; i < acc.size(); ++i) acc[i] += scale * codec.get(r);
}

bool same_bits(const Vec& a, const Vec& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace

TEST_CASE("identity fast path: bytes, bits and decoded sums equal the per-value encoder", "[compress][identity_fast]") {
  for (int bits : {32, 64}) {
    const ValueCodec codec{bits};
    for (int d : {1, 2, 3, 7, 123, 1000}) {
      const commopt::IdentityCompressor c(d, codec);
      for (const Vec& x : commopt::testing::adversarial_vectors(d, 77 + static_cast<std::uint64_t>(d))) {
        const Message fast = commopt::testing::encode_with(c, x, 5);
        const Message ref = reference_encode(x, codec);
        INFO("bits=" << bits << " d=" << d);
        REQUIRE(fast.bits == ref.bits);
        REQUIRE(fast.bits == static_cast<std::uint64_t>(d) * static_cast<std::uint64_t>(bits));
        REQUIRE(fast.bytes == ref.bytes);
        REQUIRE(fast.sent);
        Vec acc_fast = Vec::LinSpaced(d, -1.0, 2.0), acc_ref = acc_fast;
        c.add_decoded(fast, 0.37, acc_fast);
        reference_add(ref, codec, 0.37, acc_ref);
        REQUIRE(same_bits(acc_fast, acc_ref));
      }
    }
  }
}

TEST_CASE("identity fast path: a message reused across rounds is rewritten, not appended", "[compress][identity_fast]") {
  const commopt::IdentityCompressor c(5, ValueCodec{32});
  commopt::Rng rng(1, 0, 0, commopt::Purpose::compress);
  Message m;
  c.compress(Vec::Constant(5, 1.0), rng, m);
  c.compress(Vec::Constant(5, 2.0), rng, m);
  REQUIRE(m.bits == 160);
  REQUIRE(m.bytes.size() == 20);
  Vec acc = Vec::Zero(5);
  c.add_decoded(m, 1.0, acc);
  REQUIRE(acc == Vec::Constant(5, 2.0));
}
