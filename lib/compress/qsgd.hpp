// QSGD random dithering with s levels (Alistarh et al., NeurIPS 2017; ef-local-lazy.md §2.2 and
// §10.2, dasha-family.md §2 "QSGD"): qsgd[s=S,norm=l2|linf,code=fixed|elias].
// The quantizer is in quantize.hpp (norm rounded up to the value width, one uniform per coordinate).
// Unbiased, ω = β_{d,s} = min(d/s², √d/s) (valid for both norms: the per-coordinate variance is at
// most (N/s)²/4 and at most (N/s)|v_i|). Sparsity: E||Q(v)||_0 <= s(s + √d) for norm=l2.
//
// WIRE FORMAT, code=fixed (default):
//   [N̂: w bits][d codes: sign bit (1 = negative, sign(0) = +1), then the level ξ_i in
//   ceil(log2(s+1)) bits, LSB-first].  Total bits = w + d(1 + ceil(log2(s+1))), index_coding = none.
// WIRE FORMAT, code=elias (QSGD §3.1's recursive Elias coding, one pass):
//   [N̂: w bits] then, for every coordinate with ξ_i > 0 in ascending index order:
//   [γ(i − i_prev)][sign bit][γ(ξ_i)], i_prev = index of the previous nonzero (−1 at the start),
//   γ = the Elias-γ code of quantize.hpp (2⌊log2 n⌋ + 1 bits). No terminator: the message ends
//   when its bit count is reached (an all-zero quantization is just N̂).
//   Total bits = w + Σ_{ξ_i>0} [γbits(i − i_prev) + 1 + γbits(ξ_i)] (qsgd_elias_message_bits).
//   The expected size obeys QSGD Thm 3.2: <= (3 + (3/2 + o(1)) log2(2(s²+d)/(s(s+√d)))) s(s+√d) + w.
// Decoding is O(d) for code=fixed (the message is O(d) bits) and O(#nonzeros) for code=elias.
//
// Thread safety: stateless apart from the base class; compress() never allocates once the
// Message has reached the message size.
#pragma once
#include "compress/compressor.hpp"
#include "compress/params.hpp"

namespace commopt {

// qsgd[s=S,norm=l2|linf,code=fixed|elias].
struct QsgdOptions {
  int s = 0;                       // levels s, 1 <= s <= 2^30; required
  QuantNorm norm = QuantNorm::l2;  // the norm N of the quantizer: l2 (QSGD) or linf
  bool elias = false;              // code=elias: QSGD §3.1's Elias coding; code=fixed: fixed-length codes
};

class QsgdCompressor final : public Compressor {
 public:
  QsgdCompressor(int d, int s, QuantNorm norm, bool elias, ValueCodec codec);
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Unbiased, ω = min(d/s², √d/s); random.
  CompressorConstants constants() const override;

 private:
  int s_;
  QuantNorm norm_;
  bool elias_;
};

// Bits of a code=elias message whose decoded levels are those of `y` (nonzero pattern and
// |y_i|/unit): w + Σ_{y_i != 0} [γbits(i − i_prev) + 1 + γbits(ξ_i)].
std::uint64_t qsgd_elias_message_bits(const Vec& y, double unit, int w);

}  // namespace commopt
