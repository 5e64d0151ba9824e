// blockwise[of=SPEC, blocks=problem|N]: the inner compressor SPEC applied independently to each
// parameter block, as the official Qsparse-local-SGD, dist-EF-SGD and CSER codes compress per tensor
// (ef-local-lazy.md §13). Blocks: blocks=problem (default) takes CompressorContext::blocks (the
// problem's blocks, e.g. an MLP's W1, b1, W2, b2; one block of d when it declares none); blocks=N
// takes N equal blocks (sizes ⌈d/N⌉ then ⌊d/N⌋, as block_sign[blocks=N]). Block b has its own inner
// instance of dimension d_b, built for the same worker with context blocks {d_b}, so stateful
// inners (laq, powersgd) keep one state per block.
// C(x) = concat_b C_b(x_{G_b}), hence E||C(x) − x||² = Σ_b E||C_b(x_b) − x_b||²: contractive with
// α = min_b α_b when every C_b is, unbiased with ω = max_b ω_b when every C_b is (kind none if the
// blocks' kinds differ); random iff any C_b is.
// Randomness: an inner on a private stream draws from the caller's stream, block after block (the
// stream advances, so no two blocks draw alike). An inner that needs shared randomness makes the
// wrapper need it too: the message's shared_key is the first draw of the round's shared stream, and
// block b's inner draws from Rng(shared_key, b, 0, Purpose::shared) — distinct per block, the same
// on every worker, and replayed by the decoder from (shared_key, b).
//
// WIRE FORMAT: [header][payload of block 0]...[payload of block B−1], each payload exactly the
// inner message's bits. Which header depends on whether the decoder knows each block's length from
// (inner spec, d_b, w) alone, i.e. whether the inner's closed-form size (registry expected_bits) is
// fixed for every block:
//   fixed:    B sent bits, bit b = 1 iff block b's inner message was sent (it then has exactly its
//             fixed length; an unsent block, e.g. a bernoulli tail, has no payload). Header = B bits.
//   variable: B Elias-γ codes of (bits_b + 1) (γ(1) = one bit: block b not sent). Header =
//             Σ_b (2⌊log2(bits_b + 1)⌋ + 1) bits (qsgd[code=elias], grbs, permk).
// Every header bit is counted in Message::bits. When no block is sent, nothing is: sent = false,
// bits = 0. index_coding = none; sender = the encoding worker.
// compress() and add_decoded() never allocate once warmed up (per-block scratch messages and
// vectors). add_decoded costs O(d) (each block's accumulator slice is copied to and from scratch of
// size d_b, so the inner adds exactly as it would on its own), not O(message size).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compress/compressor.hpp"

namespace commopt {

struct BlockwiseOptions {
  std::string of;           // the inner spec (required)
  int blocks = 0;           // N equal blocks; 0: blocks=problem
  std::vector<int> sizes;   // the resolved block sizes (sum d)
};

class BlockwiseCompressor final : public Compressor {
 public:
  // `sizes` >= 1 each, summing to d; `inner` valid for every size (a UsageError otherwise).
  BlockwiseCompressor(const Spec& inner, std::vector<int> sizes, ValueCodec codec, const CompressorContext& ctx);
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  CompressorConstants constants() const override;
  bool needs_shared_randomness() const override { return shared_; }

  const std::vector<int>& block_sizes() const { return sizes_; }
  // The header kind: true = variable (Elias-γ lengths), false = fixed (one sent bit per block).
  bool length_header() const { return lengths_; }
  // Block b's inner instance (tests compare the wrapper with the inner applied block by block).
  const Compressor& inner(int b) const { return *inner_[static_cast<std::size_t>(b)]; }
  // The stream block b's inner draws from when the inner needs shared randomness.
  static Rng block_stream(std::uint64_t shared_key, int b) { return Rng(shared_key, b, 0, Purpose::shared); }

 private:
  std::string inner_text_;
  std::vector<int> sizes_, offsets_;
  std::vector<CompressorPtr> inner_;
  std::vector<std::uint64_t> fixed_bits_;  // fixed header: each block's length
  bool lengths_ = false, shared_ = false;
  int worker_ = 0;
  mutable std::vector<Message> parts_;     // per-block inner messages (encode and decode scratch)
  mutable std::vector<Vec> slice_;         // per-block input / accumulator slices
  mutable std::vector<std::uint64_t> len_; // decode: each block's length, or UINT64_MAX (not sent)
};

}  // namespace commopt
