// TopK with lower-index-wins ties (dasha-family.md §2, ef-local-lazy.md §2.1, §13); format in topk.hpp.
#include "compress/topk.hpp"

#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "compress/entries.hpp"
#include "compress/params.hpp"
#include "compress/select.hpp"
#include "compress/sparse_coding.hpp"

namespace commopt {

TopKCompressor::TopKCompressor(int d, int k, ValueCodec codec)
    : Compressor(d, codec),
      k_(k),
      keys_(static_cast<std::size_t>(d)),
      idx_(static_cast<std::size_t>(k)) {
  if (k < 1 || k > d) throw std::logic_error(fmt::format("topk: k={} outside [1, d={}]", k, d));
}

std::string TopKCompressor::name() const { return fmt::format("topk[k={}]", k_); }

void TopKCompressor::compress(const Vec& x, Rng& /*rng*/, Message& out) const {
  check_input_size(x, d_, "topk");
  select_topk(x, keys_, idx_);
  encode_sparse(idx_, x, 1.0, d_, codec_, out);
}

void TopKCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  add_sparse(m, k_, d_, codec_, scale, acc, "topk");
}

CompressorConstants TopKCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::contractive;
  c.alpha = static_cast<double>(k_) / d_;
  c.random = false;
  return c;
}

// topk[k | ratio]; dasha-family.md §2 "TopK" with ef-local-lazy.md §1's bitmap alternative:
// K·w values + min(K⌈log2 d⌉, d) index bits.
CompressorEntry topk_entry() {
  return make_entry<TopKOptions>({
      .name = "topk",
      .doc = "K largest |x_i|, lower index wins ties, indices sent",
      .params = sparse_params(),
      .constant = "contractive, alpha = K/d",
      .flags = "deterministic",
      .examples = {"topk[k=3]", "topk[ratio=0.25]"},
      .parse = [](const Spec& spec, int d, const CompressorContext&) { return TopKOptions{resolve_sparse_k(spec, d)}; },
      .build = [](const TopKOptions& o, int d, const ValueCodec& codec, const CompressorContext&) -> CompressorPtr {
        return std::make_unique<TopKCompressor>(d, o.k, codec);
      },
      .expected_bits = [](const TopKOptions& o, int d, int w, const CompressorContext&) {
        using namespace closed_form;
        return exactly(u(o.k) * u(w) + sparse_index(o.k, d));
      },
  });
}

}  // namespace commopt
