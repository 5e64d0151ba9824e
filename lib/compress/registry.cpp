// The compressor registry and make_compressor (registry.hpp): the list of entries, in the order
// `commopt list compressors` prints them, and the lookup that every spec goes through.
#include "compress/registry.hpp"

#include <fmt/format.h>
#include <stdexcept>

#include "compress/entries.hpp"
#include "core/error.hpp"

namespace commopt {

const std::vector<CompressorEntry>& compressor_registry() {
  static const std::vector<CompressorEntry> entries = {
      identity_entry(),
      randk_entry(),
      randk_biased_entry(),
      permk_entry(),
      topk_entry(),
      qsgd_entry(),
      natural_entry(),
      natural_dithering_entry(),
      sign_entry(),
      scaled_sign_entry(),
      block_sign_entry(),
      qtopk_entry(),
      qrandk_entry(),
      signtopk_entry(),
      signrandk_entry(),
      grbs_entry(),
      laq_entry(),
      bernoulli_entry(),
      powersgd_entry(),
      blockwise_entry(),
  };
  return entries;
}

const CompressorEntry* find_compressor(const std::string& name) {
  for (const auto& e : compressor_registry())
    if (e.name == name) return &e;
  return nullptr;
}

ParsedCompressor parse_compressor(const Spec& spec, int d, int value_bits, const CompressorContext& ctx) {
  if (ctx.workers < 1 || ctx.worker < 0 || ctx.worker >= ctx.workers)
    throw std::logic_error(fmt::format("make_compressor: worker {} of {} workers", ctx.worker, ctx.workers));
  const CompressorEntry* entry = find_compressor(spec.name());
  if (entry == nullptr) {
    std::vector<std::string> names;
    for (const auto& e : compressor_registry()) names.push_back(e.name);
    throw UsageError(fmt::format("{}: {}", spec.what(), unknown_name_message("compressor", spec.name(), names)));
  }
  spec.check_keys(entry->params);
  if (value_bits != 32 && value_bits != 64)
    throw UsageError(fmt::format("{}: compressor '{}': value width {} bits is not supported; use 32 or 64",
                                 spec.what(), spec.str(), value_bits));
  if (d < 1)
    throw UsageError(fmt::format("{}: compressor '{}': dimension d={} must be at least 1", spec.what(),
                                 spec.str(), d));
  return {entry, entry->parse(spec, d, ctx)};
}

CompressorPtr make_compressor(const Spec& spec, int d, int value_bits) {
  return make_compressor(spec, d, value_bits, CompressorContext{});
}

CompressorPtr make_compressor(const Spec& spec, int d, int value_bits, const CompressorContext& ctx) {
  const ParsedCompressor parsed = parse_compressor(spec, d, value_bits, ctx);
  return parsed.entry->build(parsed.options, d, ValueCodec{value_bits}, ctx);
}

}  // namespace commopt
