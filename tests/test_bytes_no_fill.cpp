// Message bytes are not zero-filled on resize (bitstream.hpp, ByteBuffer; issue 13): every encoder
// must write each byte it appends. Facts checked: encoding into a reused buffer whose old bytes are
// garbage gives exactly the bytes and bits of encoding into a fresh buffer, for BitWriter::put at
// random widths, put_values at every bit offset, and every example spec of the compressor registry
// at two dimensions and both value widths.
#include <catch2/catch.hpp>

#include <random>

#include "compress/registry.hpp"
#include "test_compress_helpers.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

constexpr std::uint8_t kGarbage = 0xA5;

// A buffer of `n` garbage bytes, then cleared: its capacity (and old contents) are reused.
void dirty(ByteBuffer& b, std::size_t n) {
  b.assign(n, kGarbage);
  b.clear();
}

}  // namespace

TEST_CASE("bytes: BitWriter into a reused garbage buffer gives a fresh buffer's bytes", "[compress][bitstream]") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 40; ++trial) {
    ByteBuffer fresh, reused;
    dirty(reused, 4096);
    BitWriter a(fresh), b(reused);
    for (int j = 0; j < 30; ++j) {
      const int nbits = static_cast<int>(rng() % 65);
      const std::uint64_t v = rng();
      a.put(v, nbits), b.put(v, nbits);
      if (j % 7 == 3) {  // a run of values at whatever offset the stream is at
        const int width = j % 2 ? 32 : 64;
        const std::size_t n = 1 + rng() % 40;
        const auto value = [](std::size_t i) { return 0.37 * static_cast<double>(i) - 5.0; };
        a.put_values(width, n, value), b.put_values(width, n, value);
      }
    }
    REQUIRE(a.bits() == b.bits());
    REQUIRE(fresh == reused);
  }
}

TEST_CASE("bytes: every registry compressor encodes into a reused garbage message as into a fresh one",
          "[compress]") {
  for (const auto& e : compressor_registry()) {
    for (const std::string& spec : e.examples) {
      for (int d : {13, 130}) {
        for (int bits : {32, 64}) {
          INFO(spec << " d=" << d << " bits=" << bits);
          // Two instances in step: some compressors keep state across calls (PowerSGD's warm start).
          const CompressorPtr a = make_c(spec, d, bits, {0, 3}), c = make_c(spec, d, bits, {0, 3});
          for (const Vec& x : adversarial_vectors(d, 11 + static_cast<std::uint64_t>(d), /*extreme=*/false)) {
            const Message fresh = encode_with(*a, x, 4);
            Rng rng = c->needs_shared_randomness() ? Rng(2024, kServer, 4, Purpose::shared)
                                                   : Rng(2024, 0, 4, Purpose::compress);
            Message reused;
            dirty(reused.bytes, 64 * static_cast<std::size_t>(d) + 64);
            c->compress(x, rng, reused);
            REQUIRE(reused.bits == fresh.bits);
            REQUIRE(reused.bytes == fresh.bytes);
          }
        }
      }
    }
  }
}
