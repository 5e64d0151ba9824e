// PermK (Szlendak, Tyurin, Richtárik, ICLR 2022; dasha-family.md §2 table row "PermK" and the
// implementation note "PermK draws a fresh permutation of workers and of coordinates every call,
// from a seed shared by all workers"): correlated compressors C_1..C_n, one per worker.
//
// Draws, per round, from shared_substream(Message::shared_key, kServer) (identical on every worker
// and on the server; the key is the first draw of the shared stream, needs_shared_randomness()):
//   π: a uniform permutation of the n workers (Fisher–Yates), then, when d >= n,
//   σ: a uniform permutation of the d coordinates (Fisher–Yates).
// d >= n: block b holds the positions [b q + min(b, r), (b+1) q + min(b+1, r)) of σ, q = ⌊d/n⌋,
//   r = d mod n (sizes differ by 1 when n ∤ d). Worker i keeps the coordinates σ(p) of block π(i),
//   scaled by n. The n parts have disjoint supports covering [d], so (1/n) Σ_i C_i(x) = x, and each
//   C_i is unbiased with E||C_i(x) − x||² = (n − 1)||x||² (ω = n − 1). Collectively, with every
//   coordinate held by a uniformly random worker: E||(1/n)Σ_i C_i(a_i) − ā||² =
//   (1/n)Σ_i ||a_i||² − ||ā||² (the AB inequality with A = B = 1).
// d < n (Szlendak et al.'s n >= d variant, recalled; generalised to d ∤ n): every worker keeps ONE
//   coordinate. The n positions are split into d contiguous groups, coordinate j holding
//   c_j = ⌊n/d⌋ + [j < n mod d] positions; worker i keeps the coordinate j whose group contains
//   π(i), scaled by n/c_j (= d when d | n). Then (1/n) Σ_i C_i(x) = x, each C_i is unbiased and
//   E||C_i(x) − x||² = Σ_j (n/c_j − 1) x_j² <= (n/⌊n/d⌋ − 1)||x||², the reported ω.
//
// WIRE FORMAT: the kept values (scale · x at width w) in position order (d >= n) or the single value
//   (d < n), nothing else: bits = w · |block| = w⌈d/n⌉ or w⌊d/n⌋ (d >= n), w (d < n);
//   index_coding = none. Message::sender = the worker of the CompressorContext; the decoder reads
//   the sender and the key from the message (transport metadata, not payload; message.hpp).
// Cost: the permutations are O(n + d) per round; each instance caches them for the last key, so the
//   server's one decoding instance builds them once per round and then decodes every worker's
//   message in O(its size). The encoder reads only its block.
// Thread safety: mutable cache (d + n ints): one instance per worker, one on the server.
#pragma once
#include <cstdint>
#include <vector>

#include "compress/compressor.hpp"

namespace commopt {

// permk has no parameters: n is the number of workers (CompressorContext::workers).
struct PermKOptions {};

class PermKCompressor final : public Compressor {
 public:
  PermKCompressor(int d, const CompressorContext& ctx, ValueCodec codec);
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Unbiased, ω = n − 1 (d >= n) or n/⌊n/d⌋ − 1 (d < n); random, shared stream.
  CompressorConstants constants() const override;
  bool needs_shared_randomness() const override { return true; }
  int workers() const { return n_; }

 private:
  struct Part {
    int begin, size;  // positions of σ (d >= n) or the coordinate (d < n, size = 1)
    double scale;
  };
  void prepare(std::uint64_t key) const;  // fills the cache for this key
  Part part_of(int worker) const;         // needs prepare()
  int worker_, n_;
  mutable bool cached_ = false;
  mutable std::uint64_t key_ = 0;
  mutable std::vector<int> worker_perm_;  // π, size n
  mutable std::vector<int> coord_perm_;   // σ, size d (d >= n only)
};

}  // namespace commopt
