// RandK and its variants (dasha-family.md §2 "RandK"; ef-local-lazy.md §2.1 and §1 bit table):
//   randk[k]                   K coordinates drawn uniformly without replacement, scaled by d/K:
//                              unbiased, ω = d/K − 1 (E||C(x) − x||² = ω||x||² with equality);
//   randk[k,shared_seed=true]  the same, with the subset drawn from the shared stream, so no index
//                              bits are sent (the server replays the draw);
//   randk_biased[k]            RandK without scaling: contractive in expectation, α = K/d
//                              (E||C(x) − x||² = (1 − K/d)||x||² with equality).
//
// WIRE FORMAT
//   indices sent (randk, randk_biased): the sparse format of sparse_coding.hpp with the K drawn
//     indices ascending and the values s·x_i (s = d/K, or 1 for randk_biased; the scaled value is
//     what is rounded to the value width). Total bits = K*w + min(K*ceil(log2 d), d).
//   shared seed (randk[shared_seed=true]): K values s·x_i at width w in ascending index order and
//     nothing else: total bits = K*w, index_coding = none. The subset is drawn from
//     shared_substream(Message::shared_key, sender), where shared_key is the first draw of the
//     caller's stream (the shared stream: needs_shared_randomness() is true, so
//     WorkerEnv::compress_rng gives Purpose::shared) and sender = the worker of the instance's
//     CompressorContext, stamped on Message::sender. Mixing in the sender keeps the workers'
//     subsets independent (as with private streams), so ω = d/K − 1 holds per worker and the
//     workers' compressors stay independent. The decoder replays the same K draws: O(K log K).
//
// Randomness: K calls of rng.below() per message (Floyd's algorithm), from the caller's stream
// (private) or from the shared substream (shared seed; one extra draw for the key).
// Thread safety: an instance holds mutable scratch buffers (d bytes + K ints), so one instance must
// not be used from two threads at once; each worker owns its own instance. compress() does not
// allocate once the Message has been used for a message of the same size.
#pragma once
#include <cstdint>
#include <vector>

#include "compress/compressor.hpp"

namespace commopt {

// randk[k=K | ratio=r, shared_seed=true|false].
struct RandKOptions {
  int k = 0;                 // kept coordinates K, 1 <= K <= d; required: k=K, or ratio=r for K = max(1, round(r d))
  bool shared_seed = false;  // true: subset from the shared stream, no index bits
};

// randk_biased[k=K | ratio=r].
struct RandKBiasedOptions {
  int k = 0;  // as RandKOptions
};

class RandKCompressor final : public Compressor {
 public:
  // randk; `worker` is stamped on Message::sender (shared seed only).
  RandKCompressor(int d, const RandKOptions& opts, ValueCodec codec, int worker = 0);
  // randk_biased.
  RandKCompressor(int d, const RandKBiasedOptions& opts, ValueCodec codec);
  // "randk[k=K]", "randk[k=K,shared_seed=true]" or "randk_biased[k=K]" with the resolved K.
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // randk: unbiased, ω = d/K − 1; randk_biased: contractive, α = K/d (in expectation); random.
  CompressorConstants constants() const override;
  bool needs_shared_randomness() const override { return shared_seed_; }
  int k() const { return k_; }

 private:
  RandKCompressor(int d, int k, bool scaled, bool shared_seed, int worker, ValueCodec codec);
  double value_scale() const { return scaled_ ? static_cast<double>(d_) / k_ : 1.0; }
  int k_;
  bool scaled_;       // false: randk_biased
  bool shared_seed_;  // true: no index bits, subset from the shared stream
  int worker_;        // stamped on Message::sender (shared seed only)
  mutable std::vector<std::uint8_t> chosen_;  // size d, all zero between calls
  mutable std::vector<int> idx_;              // size K
};

}  // namespace commopt
