// The compressor registry (DESIGN.md "Core interfaces"; constants and bits from dasha-family.md §2
// and ef-local-lazy.md §1–2): one table read by the spec parser and `commopt list compressors`.
#include <fmt/format.h>
#include <stdexcept>

#include "compress/compressor.hpp"
#include "compress/identity.hpp"
#include "compress/randk.hpp"
#include "compress/scaled_sign.hpp"
#include "compress/sparse_coding.hpp"
#include "compress/topk.hpp"
#include "core/error.hpp"

namespace commopt {

const std::vector<CompressorEntry>& compressor_registry() {
  static const std::vector<CompressorEntry> entries = {
      {"identity", "dense vector, d values (omega = 0)", {}},
      {"randk", "K uniformly random coordinates scaled by d/K, indices sent (unbiased, omega = d/K - 1)",
       sparse_params()},
      {"topk", "K largest |x_i|, lower index wins ties, indices sent (contractive, alpha = K/d)",
       sparse_params()},
      {"scaled_sign", "(||x||_1/d) sign(x), sign(0) = +1: one scale + d sign bits (contractive, alpha = 1/d)",
       {}},
  };
  return entries;
}

namespace {
const CompressorEntry* find_entry(const std::string& name) {
  for (const auto& e : compressor_registry())
    if (e.name == name) return &e;
  return nullptr;
}
}  // namespace

CompressorPtr make_compressor(const Spec& spec, int d, int value_bits) {
  const CompressorEntry* entry = find_entry(spec.name());
  if (entry == nullptr) {
    std::vector<std::string> names;
    for (const auto& e : compressor_registry()) names.push_back(e.name);
    throw UsageError(
        fmt::format("{}: {}", spec.what(), unknown_name_message("compressor", spec.name(), names)));
  }
  spec.check_keys(entry->params);
  if (value_bits != 32 && value_bits != 64)
    throw UsageError(fmt::format("{}: compressor '{}': value width {} bits is not supported; use 32 or 64",
                                 spec.what(), spec.str(), value_bits));
  if (d < 1)
    throw UsageError(fmt::format("{}: compressor '{}': dimension d={} must be at least 1", spec.what(),
                                 spec.str(), d));
  const ValueCodec codec{value_bits};
  if (spec.name() == "identity") return std::make_unique<IdentityCompressor>(d, codec);
  if (spec.name() == "scaled_sign") return std::make_unique<ScaledSignCompressor>(d, codec);
  if (spec.name() == "randk") return std::make_unique<RandKCompressor>(d, resolve_sparse_k(spec, d), codec);
  if (spec.name() == "topk") return std::make_unique<TopKCompressor>(d, resolve_sparse_k(spec, d), codec);
  throw std::logic_error(fmt::format("compressor '{}' is registered but has no factory", spec.name()));
}

}  // namespace commopt
