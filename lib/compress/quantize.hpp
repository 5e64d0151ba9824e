// The random-dithering quantizer of QSGD (Alistarh et al. 2017; ef-local-lazy.md §2.2,
// dasha-family.md §2) shared by qsgd, qtopk and qrandk, and the Elias-γ code of qsgd[code=elias].
//
// Q_s(v)_i = N · sign(v_i) · ξ_i / s, ξ_i = l + 1 with probability s|v_i|/N − l, else l,
// l = ⌊s|v_i|/N⌋, N = ||v||_2 (norm=l2) or ||v||_∞ (norm=linf). Levels ξ_i ∈ {0..s}.
// N is sent at the value width; with w = 32 it is rounded *up* to float32 before the levels are
// drawn, so the receiver's N̂ ≥ N, every s|v_i|/N̂ <= s, and E[Q(v)] = v holds for the receiver's
// values (no clamping bias). One rng.uniform() (53 bits) per coordinate.
#pragma once
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "compress/bitstream.hpp"
#include "compress/message.hpp"
#include "compress/params.hpp"
#include "core/rng.hpp"

namespace commopt {

// Bits of one level in {0..s}: ceil(log2(s+1)).
inline int level_bits(int s) { return index_bits(static_cast<std::int64_t>(s) + 1); }

// ||v||_2 or ||v||_∞ of v[0..n), without overflow or underflow of the squares (Eigen's stableNorm
// only when the plain sum is not finite or underflowed).
double quant_norm(const double* v, std::size_t n, QuantNorm norm);

// The norm as the receiver will see it: exact for w = 64; for w = 32 the float32 value >= N.
inline double sendable_norm_up(double norm, const ValueCodec& codec) {
  if (codec.bits != 32 || !std::isfinite(norm)) return codec.round(norm);
  float f = static_cast<float>(norm);
  if (static_cast<double>(f) < norm) f = std::nextafter(f, INFINITY);
  return static_cast<double>(f);
}

// r = s·a/N̂ without overflow: one multiply by s/N̂ when that is finite, else (N̂ below ~1e-308 or
// NaN) a division per coordinate. N̂ = 0 gives r = 0.
class DitherRatio {
 public:
  DitherRatio(double n_hat, int s) : n_hat_(n_hat), s_(s), mul_(n_hat > 0.0 ? s / n_hat : 0.0) {
    divide_ = !std::isfinite(mul_);
  }
  double operator()(double a) const { return divide_ ? a / n_hat_ * s_ : a * mul_; }

 private:
  double n_hat_, s_, mul_;
  bool divide_;
};

// ξ for |v_i| = a: ⌊r⌋ + Bernoulli(r − ⌊r⌋), r = s a/N̂, clamped to s.
inline std::uint32_t dither_level(double a, const DitherRatio& ratio, int s, Rng& rng) {
  const double r = ratio(a);
  if (!(r < static_cast<double>(s))) return r >= static_cast<double>(s) ? static_cast<std::uint32_t>(s) : 0u;
  const auto l = static_cast<std::uint32_t>(r);  // ⌊r⌋ for 0 <= r < s <= 2^30 (no libm floor call)
  return l + (rng.bernoulli(r - static_cast<double>(l)) ? 1u : 0u);
}

// Appends n codes of `width` <= 57 bits, code(i) for i = 0..n-1, LSB-first right after the first
// `head_bits` bits of `bytes` (the same bits a BitWriter would produce), with 64-bit little-endian
// stores; returns the total bit count. On return bytes.size() = ceil(total/8) and the padding bits
// are zero. Needs no allocation once `bytes` has the capacity (8 bytes of slack are used).
template <class Code>
std::uint64_t put_fixed_codes(ByteBuffer& bytes, std::uint64_t head_bits, std::size_t n, int width,
                              Code&& code) {
  static_assert(std::endian::native == std::endian::little, "the wire format is little-endian");
  const std::uint64_t total = head_bits + static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(width);
  const std::size_t start = static_cast<std::size_t>(head_bits >> 3);
  int fill = static_cast<int>(head_bits & 7);
  bytes.resize(static_cast<std::size_t>((total + 7) / 8) + 8);
  std::uint8_t* p = bytes.data() + start;
  std::uint64_t buf = fill ? (p[0] & ((1u << fill) - 1u)) : 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t c = code(i);
    buf |= c << fill;
    fill += width;
    if (fill >= 64) {
      std::memcpy(p, &buf, 8);
      p += 8;
      fill -= 64;
      buf = fill ? c >> (width - fill) : 0;
    }
  }
  std::memcpy(p, &buf, 8);
  bytes.resize(static_cast<std::size_t>((total + 7) / 8));
  return total;
}

// Calls add(i, code_i) for n codes of `width` <= 57 bits starting at bit `head_bits` of a message
// of `nbits` bits; 8-byte loads where they stay inside the message (counted once up front, so the
// loop has no bounds test), a BitReader for the tail.
template <class Add>
void get_fixed_codes(const Message& m, std::uint64_t head_bits, std::size_t n, int width, Add&& add) {
  const std::uint8_t* data = m.bytes.data();
  const std::uint64_t size = m.bytes.size();
  const std::uint64_t mask = (std::uint64_t{1} << width) - 1;
  const auto w = static_cast<std::uint64_t>(width);
  // Code i's load is inside the message iff (head + i w)/8 + 8 <= size, i.e. head + i w < 8(size − 7).
  std::size_t fast = 0;
  if (size >= 8 && head_bits < 8 * (size - 7))
    fast = static_cast<std::size_t>(std::min<std::uint64_t>(n, (8 * (size - 7) - head_bits + w - 1) / w));
  std::uint64_t pos = head_bits;
  for (std::size_t i = 0; i < fast; ++i, pos += w) {
    std::uint64_t word;
    std::memcpy(&word, data + (pos >> 3), 8);
    add(i, (word >> (pos & 7)) & mask);
  }
  BitReader r = m.reader();
  r.skip(pos);
  for (std::size_t i = fast; i < n; ++i) add(i, r.get(width));
}

// The code of one coordinate: sign bit (1 = negative; sign(0) = +1), then the level above it.
inline std::uint64_t dithered_code(double v, const DitherRatio& ratio, int s, Rng& rng) {
  const std::uint64_t level = dither_level(std::fabs(v), ratio, s, rng);
  return (v < 0.0 ? std::uint64_t{1} : std::uint64_t{0}) | (level << 1);
}

// Fixed-length code of v[0..n): per coordinate 1 sign bit (1 = negative; sign(0) = +1) then the
// level in level_bits(s) bits, LSB-first, for the sent norm n_hat, appended after head_bits bits.
// Word-level: 64 coordinates at a time, their ratios first; when every one of them is below s (each
// draws once, as dither_level does) their 64 draws come in one batch (a local copy of the Rng, its state
// in registers) and the levels are branch-free. A chunk with a coordinate at r >= s (no draw) or NaN,
// or an installed DrawSource, takes dither_level coordinate by coordinate: the same draws in the
// same order, so the same bits (tests/test_compress_codec_words.cpp checks against a per-value
// encoder).
inline std::uint64_t put_dithered_fixed(const double* v, std::size_t n, double n_hat, int s, Rng& rng,
                                        ByteBuffer& bytes, std::uint64_t head_bits) {
  const DitherRatio ratio(n_hat, s);
  const int width = level_bits(s) + 1;
  if (installed_draw_source() != nullptr)
    return put_fixed_codes(bytes, head_bits, n, width, [&](std::size_t i) { return dithered_code(v[i], ratio, s, rng); });
  const double top = static_cast<double>(s);
  std::uint64_t codes[64], draws[64];
  double r[64];
  const auto fill_chunk = [&](std::size_t base) {
    const std::size_t m = std::min<std::size_t>(64, n - base);
    const double* x = v + base;
    bool all_draw = true;
    for (std::size_t j = 0; j < m; ++j) {
      r[j] = ratio(std::fabs(x[j]));
      all_draw &= r[j] < top;
    }
    if (!all_draw) {
      for (std::size_t j = 0; j < m; ++j) codes[j] = dithered_code(x[j], ratio, s, rng);
      return;
    }
    Rng local = rng;  // the state in registers for the batch (the message bytes may alias `rng`)
    for (std::size_t j = 0; j < m; ++j) draws[j] = local();
    rng = local;
    for (std::size_t j = 0; j < m; ++j) {
      const auto l = static_cast<std::uint64_t>(r[j]);  // ⌊r⌋, 0 <= r < s
      const double p = r[j] - static_cast<double>(l);
      const std::uint64_t up = static_cast<double>(draws[j] >> 11) * 0x1.0p-53 < p ? 1u : 0u;  // Rng::bernoulli(p)
      codes[j] = (x[j] < 0.0 ? std::uint64_t{1} : std::uint64_t{0}) | ((l + up) << 1);
    }
  };
  return put_fixed_codes(bytes, head_bits, n, width, [&](std::size_t i) {
    if ((i & 63) == 0) fill_chunk(i);
    return codes[i & 63];
  });
}

// Reads n fixed-length codes from bit head_bits and calls add(j, ±level·unit) for j = 0..n-1. The
// sign is the code's low bit moved onto the double's sign bit (the same bits as −v, no branch on
// random signs).
template <class Add>
void get_dithered_fixed(const Message& m, std::uint64_t head_bits, std::size_t n, double unit, int s, Add&& add) {
  get_fixed_codes(m, head_bits, n, level_bits(s) + 1, [&](std::size_t j, std::uint64_t code) {
    const double v = static_cast<double>(code >> 1) * unit;
    add(j, std::bit_cast<double>(std::bit_cast<std::uint64_t>(v) ^ (code << 63)));
  });
}

// Elias-γ code of n >= 1 (n < 2^32) as written in the LSB-first stream: N = floor(log2 n) zero bits,
// one 1 bit, then the N low-order bits of n (n without its leading one) least significant first.
// Length 2N + 1 bits (the classic γ code with its mantissa bits in stream order).
inline int elias_gamma_bits(std::uint64_t n) { return 2 * (std::bit_width(n) - 1) + 1; }
inline void put_elias_gamma(BitWriter& w, std::uint64_t n) {
  const int nz = std::bit_width(n) - 1;
  const std::uint64_t one = std::uint64_t{1} << nz;
  w.put(one | ((n ^ one) << (nz + 1)), 2 * nz + 1);
}
// Reads one γ code; `end` is the message length in bits (nothing is read past it).
inline std::uint64_t get_elias_gamma(BitReader& r, std::uint64_t end) {
  const std::uint64_t left = end - r.position();
  BitReader probe = r;
  const std::uint64_t peek = probe.get(static_cast<int>(left < 33 ? left : 33));
  if (peek == 0) throw std::logic_error("elias-gamma: no terminating one bit (corrupt message)");
  const int nz = std::countr_zero(peek);
  r.skip(static_cast<std::uint64_t>(nz) + 1);
  return (std::uint64_t{1} << nz) | r.get(nz);
}

}  // namespace commopt
