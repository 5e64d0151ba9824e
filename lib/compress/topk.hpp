// TopK: keep the K coordinates of largest |x_i| (dasha-family.md §2 "TopK": contractive, α = K/d;
// ef-local-lazy.md §2.1 and §13 "TopK ties").
//
// Selection: the K largest |x_i|; ties are broken deterministically, the lower index wins, i.e.
// the first K in the order (|x_i| descending, i ascending). O(d) on average: std::nth_element finds
// the K-th largest |x_i| = t, then one ascending scan keeps every |x_i| > t and the lowest-index
// entries with |x_i| = t. A NaN entry counts as larger than every number (a diverging run keeps it).
//
// WIRE FORMAT: the sparse format of sparse_coding.hpp with the selected indices (ascending) and the
// unscaled values x_i at the value width. Total bits = K*w + min(K*ceil(log2 d), d).
//
// Thread safety: an instance holds a mutable scratch buffer (8 bytes per coordinate), so one
// instance must not be used from two threads at once; each worker owns its own instance.
// compress() does not allocate once the Message has been used for a message of the same size.
#pragma once
#include <vector>

#include "compress/compressor.hpp"

namespace commopt {

// topk[k=K] or topk[ratio=r].
struct TopKOptions {
  int k = 0;  // kept coordinates K, 1 <= K <= d; required: k=K, or ratio=r for K = max(1, round(r d))
};

class TopKCompressor final : public Compressor {
 public:
  TopKCompressor(int d, int k, ValueCodec codec);
  // "topk[k=K]" with the resolved K (also when built from ratio=).
  std::string name() const override;
  void compress(const Vec& x, Rng& rng, Message& out) const override;
  void add_decoded(const Message& m, double scale, Vec& acc) const override;
  // Contractive, α = K/d: ||C(x) − x||² <= (1 − K/d)||x||² for every x (deterministic).
  CompressorConstants constants() const override;
  int k() const { return k_; }
  // The kept indices of the last compress() call, ascending (for tests and diagnostics).
  const std::vector<int>& last_indices() const { return idx_; }

 private:
  int k_;
  mutable std::vector<double> keys_;  // size d: |x_i| (NaN -> +inf), permuted by nth_element
  mutable std::vector<int> idx_;      // size K
};

}  // namespace commopt
