// Closed-form bits of one compressed message, to show next to the measured Message::bits
// (dasha-family.md §2 table "bits for one message"; ef-local-lazy.md §1 bit-cost table; the wire
// formats are documented in each lib/compress/*.hpp header).
// w is the value width (32 or 64 bits), d the dimension, K the number of kept coordinates.
// These are the "honest" counts, index bits included; the official codes count values only
// (dasha-family.md §2 "How the official codes count bits"): K*w for RandK/TopK.
#pragma once
#include <cstdint>
#include <optional>

#include "compress/compressor.hpp"
#include "core/spec.hpp"

namespace commopt {

// ceil(log2 d) (0 for d = 1): bits of one index in [0, d).
std::uint64_t index_bits_for(std::int64_t d);
// Index section of a sparse message: min(K*ceil(log2 d), d) (list of indices or d-bit bitmap).
std::uint64_t sparse_index_bits(std::int64_t k, std::int64_t d);
// ceil(log2(s+1)): bits of one quantization level in {0..s}.
std::uint64_t level_bits_for(std::int64_t s);

// identity: d*w (dasha-family.md §2 "Identity").
std::uint64_t identity_bits(std::int64_t d, int w);
// randk, randk_biased (indices sent): K*w + min(K*ceil(log2 d), d) (dasha-family.md §2 "RandK").
std::uint64_t randk_bits(std::int64_t k, std::int64_t d, int w);
// randk[shared_seed=true]: K*w, no index bits (dasha-family.md §2 "RandK", ef-local-lazy.md §1).
std::uint64_t randk_shared_bits(std::int64_t k, int w);
// topk: min(K*(w + ceil(log2 d)), K*w + d) (dasha-family.md §2 "TopK"; ef-local-lazy.md §1 bitmap).
std::uint64_t topk_bits(std::int64_t k, std::int64_t d, int w);
// scaled_sign: d sign bits + one scale value, d + w (ef-local-lazy.md §1 "scaled sign").
std::uint64_t scaled_sign_bits(std::int64_t d, int w);
// sign: d.
std::uint64_t sign_bits(std::int64_t d);
// block_sign with B blocks: d + B*w (ef-local-lazy.md §1 "blockwise scaled sign").
std::uint64_t block_sign_bits(std::int64_t d, std::int64_t blocks, int w);
// permk, one worker's message: w*|block|, |block| = floor(d/n) or ceil(d/n) (d >= n), 1 (d < n)
// (dasha-family.md §2 "PermK": (d/n) b_v). `larger` picks ceil.
std::uint64_t permk_bits(std::int64_t d, std::int64_t n, int w, bool larger);
// qsgd code=fixed and natural_dithering: w + d(1 + ceil(log2(s+1))) (dasha-family.md §2 "QSGD naive").
std::uint64_t qsgd_bits(std::int64_t d, std::int64_t s, int w);
std::uint64_t natural_dithering_bits(std::int64_t d, std::int64_t s, int w);
// QSGD Thm 3.2's expected-size bound for the Elias code with its o(1) term dropped (a reference
// line for plots, not a guarantee): (3 + 1.5 log2(2(s²+d)/(s(s+√d)))) s(s+√d) + w.
double qsgd_elias_expected_bits_bound(std::int64_t d, std::int64_t s, int w);
// natural: d(1 + 8) for w = 32, d(1 + 11) for w = 64 (dasha-family.md §2 "Natural compression").
std::uint64_t natural_bits(std::int64_t d, int w);
// qtopk, qrandk: min(K ceil(log2 d), d) + w + K(1 + ceil(log2(s+1))) (ef-local-lazy.md §1 "QTop_k").
std::uint64_t qsparse_bits(std::int64_t k, std::int64_t d, std::int64_t s, int w);
// signtopk, signrandk: min(K ceil(log2 d), d) + w + K (ef-local-lazy.md §1 "SignTopK").
std::uint64_t sign_sparse_bits(std::int64_t k, std::int64_t d, int w);
// grbs with block length K: w*K, or w*(d − (ceil(d/K) − 1)K) for the last block (ef-local-lazy.md §1).
std::uint64_t grbs_bits(std::int64_t d, std::int64_t k, int w, bool last_block);
// laq: w + b*d (ef-local-lazy.md §1 "LAQ innovation"; the official code counts b*d).
std::uint64_t laq_bits(std::int64_t d, int b, int w);
// bernoulli, a sent message: d*w (nothing with probability 1 − p).
std::uint64_t bernoulli_bits(std::int64_t d, int w);
// powersgd rank r of an RxC matrix in d coordinates: w (r(R + C) + d − R C) (ef-local-lazy.md §1).
std::uint64_t powersgd_bits(std::int64_t d, std::int64_t rows, std::int64_t cols, std::int64_t r, int w);

// Smallest and largest size of a sent message.
struct BitsRange {
  std::uint64_t min = 0, max = 0;
  bool fixed() const { return min == max; }
};

// The closed-form range for a compressor spec (worker ctx.worker of ctx.workers), or nullopt when
// the size depends on the data (qsgd code=elias: see qsgd_elias_expected_bits_bound). The spec is
// validated by make_compressor first, so a bad parameter throws the same UsageError.
std::optional<BitsRange> closed_form_bits_range(const Spec& spec, int d, int value_bits,
                                                const CompressorContext& ctx = {});
// The exact closed form when every sent message has the same size, else nullopt.
std::optional<std::uint64_t> closed_form_bits(const Spec& spec, int d, int value_bits,
                                              const CompressorContext& ctx = {});

}  // namespace commopt
