// Natural compression and natural dithering (Horváth, Ho, Horváth, Sahu, Canini, Richtárik,
// "Natural Compression for Distributed Deep Learning", 2019; dasha-family.md §2 table rows
// "Natural compression" and "Natural dithering").
//
// natural: each x_i is rounded at random to one of the two nearest powers of two,
//   2^e <= |x_i| < 2^{e+1}: to 2^{e+1} with probability |x_i|/2^e − 1, else to 2^e (exactly: the
//   double's 52 mantissa bits against 52 random bits). Unbiased, ω = 1/8 (the worst ratio is at
//   |x_i| = (4/3)2^e). The exponent range is that of the value width: e ∈ [−126, 127] (w = 32) or
//   [−1022, 1023] (w = 64). Below 2^e_min the two neighbours are 0 and 2^e_min (still unbiased; the
//   variance there is at most 2^{2 e_min}/4 per entry, not ω x_i²); at or above 2^e_max the value
//   saturates to 2^e_max (biased, far outside any sane gradient); ±inf and NaN are sent as ±inf.
// WIRE FORMAT (natural): d codes, LSB-first, each [sign bit (1 = negative; sign(0) = +1)]
//   [E: 8 bits (w = 32) or 11 bits (w = 64)], E = 0 -> 0, E = all ones -> ±inf, otherwise the value
//   ±2^{E − 127} (w = 32) or ±2^{E − 1023} (w = 64). Total bits = 9d (w = 32) or 12d (w = 64).
//
// natural_dithering[s,norm=l2|linf]: random dithering on the power-of-two grid of s levels
//   {0, 2^{1−s}, ..., 1/2, 1}: r_i = |x_i|/N̂ ∈ [0, 1] is rounded at random between its two
//   neighbouring grid points (unbiased), N̂ = ||x||_2 or ||x||_∞ rounded up to the value width (as in
//   quantize.hpp). ω = 1/8 + (√d/2^{s−1})·min(1, √d/2^{s−1}) (dasha-family.md §2, [CODE marina
//   compressors.py], r = min(p, 2) = 2 for both norms).
// WIRE FORMAT (natural_dithering): [N̂: w bits][d codes: sign bit, then the level index j in
//   ceil(log2(s+1)) bits, j = 0 -> 0, j >= 1 -> 2^{j−s}]. Total bits = w + d(1 + ceil(log2(s+1))).
//   (The spec table writes 1 + ceil(log2 s); s levels plus zero are s + 1 symbols, which is what
//   is written here.)
//
// One 64-bit draw per coordinate; decoding is a table lookup per code. Stateless apart from a
// small decode table; compress() never allocates once the Message has reached the message size.
#pragma once
#include <vector>

#include "compress/compressor.hpp"
#include "compress/params.hpp"

namespace commopt {

// natural has no parameters.
struct NaturalOptions {};

// natural_dithering[s=S,norm=l2|linf].
struct NaturalDitheringOptions {
  int s = 0;                       // levels s, 1 <= s <= 64; required
  QuantNorm norm = QuantNorm::l2;  // the norm N̂ the grid is scaled by
};

class NaturalCompressor final : public Compressor {
 public:
  explicit NaturalCompressor(int d, ValueCodec codec);
  std::string name() const override { return "natural"; }
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Unbiased, ω = 1/8; random.
  CompressorConstants constants() const override;
  int code_bits() const { return exp_bits_ + 1; }

 private:
  int exp_bits_;               // 8 or 11
  std::vector<double> table_;  // code -> decoded value
};

class NaturalDitheringCompressor final : public Compressor {
 public:
  NaturalDitheringCompressor(int d, int s, QuantNorm norm, ValueCodec codec);
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Unbiased, ω = 1/8 + (√d/2^{s−1}) min(1, √d/2^{s−1}); random.
  CompressorConstants constants() const override;

 private:
  int s_;
  QuantNorm norm_;
  mutable std::vector<double> table_;  // 2(s+1) decoded values of the current message
};

}  // namespace commopt
