// Closed-form message bits (dasha-family.md §2, ef-local-lazy.md §1); see compressor_bits.hpp.
#include "theory/compressor_bits.hpp"

#include <cmath>

namespace commopt {

std::optional<BitsRange> closed_form_bits_range(const Spec& spec, int d, int w, const CompressorContext& ctx) {
  if (find_compressor(spec.name()) == nullptr) return std::nullopt;
  const ParsedCompressor parsed = parse_compressor(spec, d, w, ctx);  // the same UsageErrors as the factory
  return parsed.entry->expected_bits(parsed.options, d, w, ctx);
}

std::optional<std::uint64_t> closed_form_bits(const Spec& spec, int d, int w, const CompressorContext& ctx) {
  const auto range = closed_form_bits_range(spec, d, w, ctx);
  if (!range || !range->fixed()) return std::nullopt;
  return range->min;
}

double qsgd_elias_expected_bits_bound(std::int64_t d, std::int64_t s, int w) {
  const double dd = static_cast<double>(d), ss = static_cast<double>(s);
  const double nnz = ss * (ss + std::sqrt(dd));
  return (3.0 + 1.5 * std::log2(2.0 * (ss * ss + dd) / nnz)) * nnz + w;
}

}  // namespace commopt
