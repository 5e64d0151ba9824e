// Coordinate selection shared by the sparse compressors (ef-local-lazy.md §2.1, §2.3, §13;
// dasha-family.md §2): TopK with lower-index-wins ties, and uniform K-subsets (RandK) drawn either
// from a caller's stream or from a message's shared key.
#pragma once
#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"

namespace commopt {

// The K largest |x_i|, ties broken by the lower index (the first K of the order (|x_i| desc, i asc));
// a NaN counts as larger than every number. Writes the K indices ascending into idx (size K).
// keys is scratch of size d. For d >= kSparseTopkMinDim and an input that looks sparse (3/4 of a
// 256-entry strided probe is zero) it gathers the nonzeros in one branch-free pass and selects among
// them: O(d) cheap compares plus O(nnz) selection; otherwise, or with more than d/2 nonzeros,
// select_topk_dense. Both give the same indices.
void select_topk(const Vec& x, std::vector<double>& keys, std::vector<int>& idx);
// The dense path: O(d) on average (nth_element on all d keys, or on the keys above a sampled
// threshold when K << d), then one ascending scan. Public so tests can compare the two paths.
void select_topk_dense(const Vec& x, std::vector<double>& keys, std::vector<int>& idx);
inline constexpr std::size_t kSparseTopkMinDim = 16384;

// A uniformly random K-subset of [0, d) by Floyd's algorithm (K calls of rng.below()), written
// ascending into idx (size K). chosen is scratch of size d, all zero on entry and on return.
// O(K log K).
void select_randk(int d, Rng& rng, std::vector<std::uint8_t>& chosen, std::vector<int>& idx);

// The stream a shared-randomness compressor derives its draws from: a pure function of the
// message's shared key and `who` (the sender for per-worker draws such as shared-seed RandK, or
// kServer for draws common to all workers such as PermK's permutation or GRBS's block).
inline Rng shared_substream(std::uint64_t key, std::int64_t who) { return Rng(key, who, 0, Purpose::shared); }

}  // namespace commopt
