// GRBS, globally random block sparsification (Xie, Zheng, Koyejo, Gupta, Li, Lin, "CSER",
// NeurIPS 2020; ef-local-lazy.md §2.5, §1 bit table): keep one contiguous block, the SAME block on
// every worker, so no index bits are sent and the kept parts can be all-reduced densely.
//
// Blocks (the official 1-D rule): K = k, or K = max(1, round(ratio·d)) for ratio= (the kept
// fraction in (0,1]; a compression ratio R_C corresponds to ratio = 1/R_C); N = ⌈d/K⌉ aligned
// blocks [bK, min(bK + K, d)), b = 0..N−1 (the last one shorter when K ∤ d). The block index b is
// the first below(N) draw of shared_substream(Message::shared_key, kServer), where shared_key is
// the first draw of the caller's stream — the shared stream (needs_shared_randomness() is true),
// so every worker of a round draws the same b and the server replays it.
// Unscaled: each coordinate is kept with probability 1/N, so E||x − C(x)||² = (1 − 1/N)||x||²:
// contractive, α = δ = 1/N_blocks (in expectation).
//
// WIRE FORMAT: the |block| values x_i, i in the block, ascending, at width w; nothing else.
//   Bits = w·K, or w·(d − (N−1)K) for the last block. index_coding = none.
// Stateless; compress() never allocates once warmed up; add_decoded is O(|block|).
#pragma once
#include <cstdint>
#include <utility>

#include "compress/compressor.hpp"

namespace commopt {

// grbs[k=K | ratio=r].
struct GrbsOptions {
  int k = 0;  // block length K, 1 <= K <= d; required: k=K, or ratio=r for K = max(1, round(r d))
};

class GrbsCompressor final : public Compressor {
 public:
  GrbsCompressor(int d, int block, ValueCodec codec);
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Contractive, α = 1/N_blocks (in expectation); random, shared stream.
  CompressorConstants constants() const override;
  bool needs_shared_randomness() const override { return true; }
  int blocks() const { return (d_ + block_ - 1) / block_; }
  int block_size() const { return block_; }
  // The block drawn for a message's key: [first, first + size).
  std::pair<int, int> block_of(std::uint64_t key) const;

 private:
  int block_;
};

}  // namespace commopt
