// Closed-form message bits (dasha-family.md §2, ef-local-lazy.md §1); see compressor_bits.hpp.
#include "theory/compressor_bits.hpp"

#include <algorithm>

#include "compress/bitstream.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

std::uint64_t index_bits_for(std::int64_t d) { return static_cast<std::uint64_t>(index_bits(d)); }

std::uint64_t sparse_index_bits(std::int64_t k, std::int64_t d) {
  return std::min(static_cast<std::uint64_t>(k) * index_bits_for(d), static_cast<std::uint64_t>(d));
}

std::uint64_t identity_bits(std::int64_t d, int w) {
  return static_cast<std::uint64_t>(d) * static_cast<std::uint64_t>(w);
}

std::uint64_t randk_bits(std::int64_t k, std::int64_t d, int w) {
  return static_cast<std::uint64_t>(k) * static_cast<std::uint64_t>(w) + sparse_index_bits(k, d);
}

std::uint64_t topk_bits(std::int64_t k, std::int64_t d, int w) {
  const auto kw = static_cast<std::uint64_t>(k) * static_cast<std::uint64_t>(w);
  return std::min(kw + static_cast<std::uint64_t>(k) * index_bits_for(d), kw + static_cast<std::uint64_t>(d));
}

std::uint64_t scaled_sign_bits(std::int64_t d, int w) {
  return static_cast<std::uint64_t>(d) + static_cast<std::uint64_t>(w);
}

std::optional<std::uint64_t> closed_form_bits(const Spec& spec, int d, int value_bits) {
  const std::string& n = spec.name();
  if (n == "identity") return identity_bits(d, value_bits);
  if (n == "scaled_sign") return scaled_sign_bits(d, value_bits);
  if (n == "randk") return randk_bits(resolve_sparse_k(spec, d), d, value_bits);
  if (n == "topk") return topk_bits(resolve_sparse_k(spec, d), d, value_bits);
  return std::nullopt;
}

}  // namespace commopt
