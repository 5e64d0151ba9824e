// Sign compressors (ef-local-lazy.md §2.3, §2.4, §10.1, §13 "sign(0)"):
//   sign[zero=plus|minus]   sign(x), 1 bit per coordinate, decoded as ±1 (signSGD, Bernstein et al.
//                           2018). Not a contraction and not unbiased: constants kind none.
//   block_sign[blocks=B | block_size=S, zero=plus|minus]   blockwise scaled sign of
//                           dist-EF-BlockSGD (Zheng et al. 2019): C(x) = concat_b (||x_{G_b}||_1/d_b)
//                           sign(x_{G_b}); ||x − C(x)||² = ||x||² − Σ_b ||x_{G_b}||_1²/d_b exactly, so
//                           δ(x) >= 1/max_b d_b: reported as contractive, α = 1/max_b d_b.
// Blocks: blocks=B gives B contiguous blocks of sizes ⌈d/B⌉ (the first d mod B) and ⌊d/B⌋;
// block_size=S gives ⌈d/S⌉ blocks of S, the last one d − (⌈d/S⌉ − 1)S. With neither, the blocks are
// CompressorContext::blocks (the problem's parameter blocks, e.g. layers) when it is non-empty;
// BlockSignCompressor also takes any list of sizes directly (the API for layer-wise blocks).
// sign(0) = +1 by default, also for −0.0 (Qsparse, dist-EF comm.h, BytePS onebit); zero=minus sends
// zeros as −1. A NaN entry gets +1 (its NaN shows up in its block's scale).
// The l1 sums run in double; an overflowing sum of finite entries is recomputed as Σ |x_i|/d_b.
//
// WIRE FORMAT (sign): d bits, bit i (in stream order) = 1 iff x_i is sent as −1. Total bits = d.
// WIRE FORMAT (block_sign): [B scales ||x_{G_b}||_1/d_b at width w, in block order][d sign bits as
//   in sign]. Total bits = d + B·w. index_coding = none for both.
// Stateless apart from the block table; compress() never allocates once warmed up.
#pragma once
#include <vector>

#include "compress/compressor.hpp"

namespace commopt {

// sign[zero=plus|minus].
struct SignOptions {
  bool zero_negative = false;  // zero=minus: sign(0) = −1; zero=plus (default): +1
};

// block_sign[blocks=B | block_size=S, zero=plus|minus]; with neither, the problem's parameter
// blocks (CompressorContext::blocks).
struct BlockSignOptions {
  int blocks = 0;              // B equal blocks, 1 <= B <= d; 0: not given
  int block_size = 0;          // blocks of S, the last one shorter, 1 <= S <= d; 0: not given
  bool zero_negative = false;  // as SignOptions
};

class SignCompressor final : public Compressor {
 public:
  SignCompressor(int d, bool zero_negative, ValueCodec codec)
      : Compressor(d, codec), zero_negative_(zero_negative) {}
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Kind none: sign(x) is neither unbiased nor a contraction without a scale; deterministic.
  CompressorConstants constants() const override;

 private:
  bool zero_negative_;
};

class BlockSignCompressor final : public Compressor {
 public:
  // sizes: the block sizes in coordinate order, each >= 1, summing to d.
  BlockSignCompressor(std::vector<int> sizes, bool zero_negative, ValueCodec codec);
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Contractive, α = 1/max_b d_b; deterministic.
  CompressorConstants constants() const override;
  const std::vector<int>& block_sizes() const { return sizes_; }

 private:
  std::vector<int> sizes_;
  bool zero_negative_;
};

// Equal-size blocks: B blocks (sizes ⌈d/B⌉ then ⌊d/B⌋), 1 <= B <= d.
std::vector<int> equal_blocks(int d, int blocks);
// Blocks of size S (the last one shorter), 1 <= S <= d.
std::vector<int> sized_blocks(int d, int block_size);

// ||x[0, n)||_1 / n in double, recomputed as Σ |x_i|/n when the plain sum of finite entries overflows.
double mean_abs(const double* x, int n);

// Writes the sign bits of x[begin, begin + n) (1 = sent as −1), 64 at a time.
void put_sign_bits(const double* x, int n, bool zero_negative, BitWriter& w);
// acc[0, n) += v or −v by the next n bits of r (1 = −v), 64 bits per read: the same sums, in the
// same order, as n calls of r.get_bit().
void add_sign_bits(BitReader& r, int n, double v, double* acc);

}  // namespace commopt
