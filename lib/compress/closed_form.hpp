// Closed-form size of one sent message, as the papers write it (dasha-family.md §2 "bits for one
// message"; ef-local-lazy.md §1 bit table), for the registry entries' expected_bits.
// DESIGN.md: "Bits are counted from the encoded Message, never from a formula". The formulas are
// for `commopt theory`, plots and the tests that check both agree, so they are written here from
// the papers' tables with helpers of their own (not bitstream.hpp's index_bits nor
// sparse_coding.hpp's section sizes): a test comparing a formula with Message::bits then compares
// two computations, not one computation with itself.
// w is the value width (32 or 64 bits), d the dimension, K the number of kept coordinates.
#pragma once
#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>

namespace commopt {

// Smallest and largest size of a sent message.
struct BitsRange {
  std::uint64_t min = 0, max = 0;
  bool fixed() const { return min == max; }
};

namespace closed_form {

using Bits = std::uint64_t;

inline Bits u(std::int64_t v) { return static_cast<Bits>(v); }
// ⌈log2 n⌉ for n >= 1 (0 for n = 1): the bits of one index in [0, n).
inline Bits ceil_log2(std::int64_t n) { return static_cast<Bits>(std::bit_width(u(n) - 1)); }
// The index section of a sparse message: K indices of ⌈log2 d⌉ bits or a d-bit bitmap, whichever
// is smaller (ef-local-lazy.md §1 "TopK (values + indices)": "or k·32 + d (bitmap)").
inline Bits sparse_index(std::int64_t k, std::int64_t d) { return std::min(u(k) * ceil_log2(d), u(d)); }
// A sign bit and a level in {0..s}: 1 + ⌈log2(s+1)⌉ bits (QSGD naive fixed-length code).
inline Bits sign_and_level(std::int64_t s) { return 1 + ceil_log2(s + 1); }

inline std::optional<BitsRange> exactly(Bits b) { return BitsRange{b, b}; }
inline std::optional<BitsRange> between(Bits lo, Bits hi) { return BitsRange{lo, hi}; }

}  // namespace closed_form
}  // namespace commopt
