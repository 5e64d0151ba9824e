// make_compressor: spec -> instance, with every bad parameter a one-line UsageError naming the
// spec and the fix (the table of names and parameters is in registry.cpp).
#include <fmt/format.h>
#include <numeric>
#include <stdexcept>

#include "compress/bernoulli.hpp"
#include "compress/compressor.hpp"
#include "compress/grbs.hpp"
#include "compress/identity.hpp"
#include "compress/laq.hpp"
#include "compress/natural.hpp"
#include "compress/params.hpp"
#include "compress/permk.hpp"
#include "compress/powersgd.hpp"
#include "compress/qsgd.hpp"
#include "compress/qsparse.hpp"
#include "compress/randk.hpp"
#include "compress/scaled_sign.hpp"
#include "compress/sign.hpp"
#include "compress/sparse_coding.hpp"
#include "compress/topk.hpp"
#include "core/error.hpp"

namespace commopt {

namespace {
const CompressorEntry* find_entry(const std::string& name) {
  for (const auto& e : compressor_registry())
    if (e.name == name) return &e;
  return nullptr;
}

constexpr long long kMaxLevels = 1LL << 30;

std::vector<int> resolve_blocks(const Spec& spec, int d, const CompressorContext& ctx) {
  const bool has_b = spec.has("blocks"), has_s = spec.has("block_size");
  if (has_b && has_s)
    throw UsageError(fmt::format("{} gives both blocks and block_size; give one, e.g. block_sign[blocks=4]",
                                 compressor_where(spec)));
  if (has_b) return equal_blocks(d, resolve_int(spec, "blocks", 1, 1, d, "block_sign[blocks=4]"));
  if (has_s) return sized_blocks(d, resolve_int(spec, "block_size", 1, 1, d, "block_sign[block_size=1000]"));
  if (ctx.blocks.empty())
    throw UsageError(fmt::format("{} needs blocks or block_size (the problem declares no parameter blocks), "
                                 "e.g. block_sign[blocks=4]", compressor_where(spec)));
  if (std::accumulate(ctx.blocks.begin(), ctx.blocks.end(), 0LL) != d)
    throw std::logic_error(fmt::format("block_sign: the context's blocks do not sum to d={}", d));
  return ctx.blocks;
}

std::pair<int, int> resolve_shape(const Spec& spec, int d) {
  if (!spec.has("shape")) return {0, 0};
  const std::string text = spec.get_string("shape", "");
  const auto x = text.find('x');
  long long r = 0, c = 0;
  try {
    std::size_t e1 = 0, e2 = 0;
    r = std::stoll(text.substr(0, x), &e1);
    c = x == std::string::npos ? 0 : std::stoll(text.substr(x + 1), &e2);
    if (e1 != x || e2 != text.size() - x - 1) r = 0;
  } catch (const std::exception&) {
    r = 0;
  }
  if (r < 1 || c < 1 || r * c > d)
    throw UsageError(fmt::format("{}: shape={} is not RxC with R, C >= 1 and R*C <= d={}; use e.g. shape=784x10",
                                 compressor_where(spec), text, d));
  return {static_cast<int>(r), static_cast<int>(c)};
}

CompressorPtr build(const Spec& spec, int d, const ValueCodec& codec, const CompressorContext& ctx) {
  const std::string& n = spec.name();
  if (n == "identity") return std::make_unique<IdentityCompressor>(d, codec);
  if (n == "scaled_sign") return std::make_unique<ScaledSignCompressor>(d, codec);
  if (n == "topk") return std::make_unique<TopKCompressor>(d, resolve_sparse_k(spec, d), codec);
  if (n == "randk" || n == "randk_biased") {
    RandKCompressor::Options o;
    o.scaled = n == "randk";
    o.shared_seed = spec.get_bool("shared_seed", false);
    o.worker = ctx.worker;
    return std::make_unique<RandKCompressor>(d, resolve_sparse_k(spec, d), codec, o);
  }
  if (n == "permk") return std::make_unique<PermKCompressor>(d, ctx, codec);
  if (n == "qsgd")
    return std::make_unique<QsgdCompressor>(d, resolve_required_int(spec, "s", 1, kMaxLevels, "qsgd[s=16]"),
                                            resolve_norm(spec),
                                            resolve_choice(spec, "code", {"fixed", "elias"}) == "elias", codec);
  if (n == "natural") return std::make_unique<NaturalCompressor>(d, codec);
  if (n == "natural_dithering")
    return std::make_unique<NaturalDitheringCompressor>(
        d, resolve_required_int(spec, "s", 1, 64, "natural_dithering[s=8]"), resolve_norm(spec), codec);
  if (n == "sign") return std::make_unique<SignCompressor>(d, resolve_zero_is_negative(spec), codec);
  if (n == "block_sign")
    return std::make_unique<BlockSignCompressor>(resolve_blocks(spec, d, ctx), resolve_zero_is_negative(spec), codec);
  if (n == "qtopk" || n == "qrandk" || n == "signtopk" || n == "signrandk") {
    const auto sel = n.find("top") != std::string::npos ? QSparseCompressor::Select::top
                                                        : QSparseCompressor::Select::rand;
    const int k = resolve_sparse_k(spec, d);
    if (n[0] == 'q')
      return std::make_unique<QSparseCompressor>(
          d, k, sel, resolve_required_int(spec, "s", 1, kMaxLevels, n + "[k=10,s=16]"), false, codec);
    return std::make_unique<QSparseCompressor>(d, k, sel, 0, resolve_zero_is_negative(spec), codec);
  }
  if (n == "grbs") return std::make_unique<GrbsCompressor>(d, resolve_sparse_k(spec, d), codec);
  if (n == "laq") return std::make_unique<LaqCompressor>(d, resolve_int(spec, "bits", 4, 1, 16, "laq[bits=4]"), codec);
  if (n == "bernoulli") {
    if (!spec.has("p"))
      throw UsageError(fmt::format("{} needs p in (0,1], e.g. bernoulli[p=0.1]", compressor_where(spec)));
    const double p = spec.get_double("p", 1.0);
    if (!(p > 0.0 && p <= 1.0))
      throw UsageError(fmt::format("{}: p={} is outside (0,1]; use e.g. bernoulli[p=0.1]", compressor_where(spec),
                                   spec.values().at("p")));
    return std::make_unique<BernoulliCompressor>(d, p, codec);
  }
  if (n == "powersgd") {
    const auto [rows, cols] = resolve_shape(spec, d);
    const int rank = rows == 0 ? 1 : resolve_int(spec, "rank", 1, 1, std::min(rows, cols), "powersgd[rank=1,shape=784x10]");
    return std::make_unique<PowerSgdCompressor>(d, rows, cols, rank, codec);
  }
  throw std::logic_error(fmt::format("compressor '{}' is registered but has no factory", n));
}
}  // namespace

CompressorPtr make_compressor(const Spec& spec, int d, int value_bits) {
  return make_compressor(spec, d, value_bits, CompressorContext{});
}

CompressorPtr make_compressor(const Spec& spec, int d, int value_bits, const CompressorContext& ctx) {
  if (ctx.workers < 1 || ctx.worker < 0 || ctx.worker >= ctx.workers)
    throw std::logic_error(fmt::format("make_compressor: worker {} of {} workers", ctx.worker, ctx.workers));
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
  return build(spec, d, ValueCodec{value_bits}, ctx);
}

}  // namespace commopt
