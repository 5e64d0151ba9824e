// Closed-form message bits (dasha-family.md §2, ef-local-lazy.md §1); see compressor_bits.hpp.
#include "theory/compressor_bits.hpp"

#include <algorithm>
#include <cmath>

#include "compress/bitstream.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

namespace {
using U = std::uint64_t;
U u(std::int64_t v) { return static_cast<U>(v); }
}  // namespace

std::uint64_t index_bits_for(std::int64_t d) { return u(index_bits(d)); }

std::uint64_t sparse_index_bits(std::int64_t k, std::int64_t d) {
  return std::min(u(k) * index_bits_for(d), u(d));
}

std::uint64_t level_bits_for(std::int64_t s) { return u(index_bits(s + 1)); }

std::uint64_t identity_bits(std::int64_t d, int w) { return u(d) * u(w); }

std::uint64_t randk_bits(std::int64_t k, std::int64_t d, int w) { return u(k) * u(w) + sparse_index_bits(k, d); }

std::uint64_t randk_shared_bits(std::int64_t k, int w) { return u(k) * u(w); }

std::uint64_t topk_bits(std::int64_t k, std::int64_t d, int w) {
  const U kw = u(k) * u(w);
  return std::min(kw + u(k) * index_bits_for(d), kw + u(d));
}

std::uint64_t scaled_sign_bits(std::int64_t d, int w) { return u(d) + u(w); }

std::uint64_t sign_bits(std::int64_t d) { return u(d); }

std::uint64_t block_sign_bits(std::int64_t d, std::int64_t blocks, int w) { return u(d) + u(blocks) * u(w); }

std::uint64_t permk_bits(std::int64_t d, std::int64_t n, int w, bool larger) {
  if (d < n) return u(w);
  return u(w) * u(d / n + (larger && d % n != 0 ? 1 : 0));
}

std::uint64_t qsgd_bits(std::int64_t d, std::int64_t s, int w) { return u(w) + u(d) * (1 + level_bits_for(s)); }

std::uint64_t natural_dithering_bits(std::int64_t d, std::int64_t s, int w) { return qsgd_bits(d, s, w); }

double qsgd_elias_expected_bits_bound(std::int64_t d, std::int64_t s, int w) {
  const double dd = static_cast<double>(d), ss = static_cast<double>(s);
  const double nnz = ss * (ss + std::sqrt(dd));
  return (3.0 + 1.5 * std::log2(2.0 * (ss * ss + dd) / nnz)) * nnz + w;
}

std::uint64_t natural_bits(std::int64_t d, int w) { return u(d) * (w == 32 ? 9u : 12u); }

std::uint64_t qsparse_bits(std::int64_t k, std::int64_t d, std::int64_t s, int w) {
  return sparse_index_bits(k, d) + u(w) + u(k) * (1 + level_bits_for(s));
}

std::uint64_t sign_sparse_bits(std::int64_t k, std::int64_t d, int w) { return sparse_index_bits(k, d) + u(w) + u(k); }

std::uint64_t grbs_bits(std::int64_t d, std::int64_t k, int w, bool last_block) {
  const std::int64_t n = (d + k - 1) / k;
  return u(w) * u(last_block ? d - (n - 1) * k : k);
}

std::uint64_t laq_bits(std::int64_t d, int b, int w) { return u(w) + u(b) * u(d); }

std::uint64_t bernoulli_bits(std::int64_t d, int w) { return u(d) * u(w); }

std::uint64_t powersgd_bits(std::int64_t d, std::int64_t rows, std::int64_t cols, std::int64_t r, int w) {
  return u(w) * (u(r) * u(rows + cols) + u(d) - u(rows) * u(cols));
}

std::optional<BitsRange> closed_form_bits_range(const Spec& spec, int d, int w, const CompressorContext& ctx) {
  const std::string& n = spec.name();
  const auto& reg = compressor_registry();
  if (std::none_of(reg.begin(), reg.end(), [&n](const CompressorEntry& e) { return e.name == n; }))
    return std::nullopt;
  (void)make_compressor(spec, d, w, ctx);  // the same UsageErrors as the factory
  const auto one = [](U b) { return std::optional<BitsRange>(BitsRange{b, b}); };
  const auto k = [&] { return static_cast<std::int64_t>(resolve_sparse_k(spec, d)); };
  const auto s = [&] { return spec.get_int("s", 1); };
  if (n == "identity") return one(identity_bits(d, w));
  if (n == "scaled_sign") return one(scaled_sign_bits(d, w));
  if (n == "randk" && spec.get_bool("shared_seed", false)) return one(randk_shared_bits(k(), w));
  if (n == "randk" || n == "randk_biased") return one(randk_bits(k(), d, w));
  if (n == "topk") return one(topk_bits(k(), d, w));
  if (n == "permk") return BitsRange{permk_bits(d, ctx.workers, w, false), permk_bits(d, ctx.workers, w, true)};
  if (n == "qsgd") return spec.get_string("code", "fixed") == "elias" ? std::nullopt : one(qsgd_bits(d, s(), w));
  if (n == "natural") return one(natural_bits(d, w));
  if (n == "natural_dithering") return one(natural_dithering_bits(d, s(), w));
  if (n == "sign") return one(sign_bits(d));
  if (n == "block_sign") {
    std::int64_t b = static_cast<std::int64_t>(ctx.blocks.size());
    if (spec.has("blocks")) b = spec.get_int("blocks", 1);
    if (spec.has("block_size")) b = (d + spec.get_int("block_size", 1) - 1) / spec.get_int("block_size", 1);
    return one(block_sign_bits(d, b, w));
  }
  if (n == "qtopk" || n == "qrandk") return one(qsparse_bits(k(), d, s(), w));
  if (n == "signtopk" || n == "signrandk") return one(sign_sparse_bits(k(), d, w));
  if (n == "grbs") return BitsRange{grbs_bits(d, k(), w, true), grbs_bits(d, k(), w, false)};
  if (n == "laq") return one(laq_bits(d, static_cast<int>(spec.get_int("bits", 4)), w));
  if (n == "bernoulli") return one(bernoulli_bits(d, w));
  if (n == "powersgd") {
    if (!spec.has("shape")) return one(identity_bits(d, w));
    const std::string shape = spec.get_string("shape", "");
    const auto x = shape.find('x');
    const std::int64_t rows = std::stoll(shape.substr(0, x)), cols = std::stoll(shape.substr(x + 1));
    return one(powersgd_bits(d, rows, cols, spec.get_int("rank", 1), w));
  }
  return std::nullopt;
}

std::optional<std::uint64_t> closed_form_bits(const Spec& spec, int d, int w, const CompressorContext& ctx) {
  const auto range = closed_form_bits_range(spec, d, w, ctx);
  if (!range || !range->fixed()) return std::nullopt;
  return range->min;
}

}  // namespace commopt
