// Closed-form bits of one compressed message, to show next to the measured Message::bits
// (dasha-family.md §2 table "bits for one message"; ef-local-lazy.md §1 bit-cost table).
// w is the value width (32 or 64 bits), d the dimension, K the number of kept coordinates.
// These are the "honest" counts, index bits included; the official codes count values only
// (dasha-family.md §2 "How the official codes count bits"): K*w for RandK/TopK.
#pragma once
#include <cstdint>
#include <optional>

#include "core/spec.hpp"

namespace commopt {

// ceil(log2 d) (0 for d = 1): bits of one index in [0, d).
std::uint64_t index_bits_for(std::int64_t d);
// Index section of a sparse message: min(K*ceil(log2 d), d) (list of indices or d-bit bitmap).
std::uint64_t sparse_index_bits(std::int64_t k, std::int64_t d);

// identity: d*w (dasha-family.md §2 "Identity").
std::uint64_t identity_bits(std::int64_t d, int w);
// randk (indices sent, no shared seed): K*w + min(K*ceil(log2 d), d) (dasha-family.md §2 "RandK").
std::uint64_t randk_bits(std::int64_t k, std::int64_t d, int w);
// topk: min(K*(w + ceil(log2 d)), K*w + d) (dasha-family.md §2 "TopK"; ef-local-lazy.md §1 bitmap).
std::uint64_t topk_bits(std::int64_t k, std::int64_t d, int w);
// scaled_sign: d sign bits + one scale value, d + w (ef-local-lazy.md §1 "scaled sign").
std::uint64_t scaled_sign_bits(std::int64_t d, int w);

// The closed form for a compressor spec, or nullopt if the name has none here. K is resolved from
// k= or ratio= exactly as make_compressor does; a bad parameter throws the same UsageError.
std::optional<std::uint64_t> closed_form_bits(const Spec& spec, int d, int value_bits);

}  // namespace commopt
