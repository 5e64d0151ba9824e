// BitWriter::put_values / BitReader::get_values (issue 13: dense codecs near a copy) against one
// put_f32 / put_f64 (get_f32 / get_f64) per value: the same bytes and bit count after a prefix of
// every offset 0..7 bits into the open byte, for both value widths and special values.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "compress/bitstream.hpp"

namespace {

using commopt::BitReader;
using commopt::BitWriter;

std::vector<double> values(std::size_t n, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1e3);
  std::vector<double> v(n);
  for (auto& x : v) x = normal(rng);
  const double specials[] = {-0.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
                             1e-310, 3.4e39, -1.0};
  for (std::size_t j = 0; j < std::size(specials) && j < n; ++j) v[j * 7 % n] = specials[j];
  return v;
}

}  // namespace

TEST_CASE("put_values and get_values: per-value bytes, bits and values at every bit offset", "[compress][bitstream]") {
  std::mt19937_64 rng(99);
  for (int width : {32, 64}) {
    for (int prefix : {0, 1, 3, 7, 8, 13, 64, 67}) {
      for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{9}, std::size_t{1000}}) {
        INFO("width=" << width << " prefix=" << prefix << " n=" << n);
        const std::vector<double> v = values(std::max<std::size_t>(n, 1), rng);
        const std::uint64_t head = rng();
        commopt::ByteBuffer fast_bytes, ref_bytes;
        BitWriter fast(fast_bytes), ref(ref_bytes);
        for (BitWriter* w : {&fast, &ref}) {
          if (prefix > 64) w->put(head, 64);
          w->put(head, prefix % 64 + (prefix == 64 ? 64 : 0));
        }
        fast.put_values(width, n, [&v](std::size_t i) { return v[i]; });
        for (std::size_t i = 0; i < n; ++i) {
          if (width == 32) ref.put_f32(static_cast<float>(v[i])); else ref.put_f64(v[i]);
        }
        fast.put(0x5, 3);  // the stream continues correctly after the values
        ref.put(0x5, 3);
        REQUIRE(fast.bits() == ref.bits());
        REQUIRE(fast_bytes == ref_bytes);

        BitReader fr(fast_bytes.data(), fast.bits()), rr(ref_bytes.data(), ref.bits());
        const std::uint64_t skip = ref.bits() - 3 - n * static_cast<std::uint64_t>(width);
        fr.skip(skip);
        rr.skip(skip);
        std::vector<double> got(n), want(n);
        fr.get_values(width, n, [&got](std::size_t i, double x) { got[i] = x; });
        for (std::size_t i = 0; i < n; ++i) want[i] = width == 32 ? static_cast<double>(rr.get_f32()) : rr.get_f64();
        REQUIRE((n == 0 || std::memcmp(got.data(), want.data(), n * sizeof(double)) == 0));  // memcmp(null, ...) is UB even for 0 bytes
        REQUIRE(fr.position() == rr.position());
        REQUIRE(fr.get(3) == 0x5);
      }
    }
  }
}
