// TopK with lower-index-wins ties (dasha-family.md §2, ef-local-lazy.md §2.1, §13); format in topk.hpp.
#include "compress/topk.hpp"

#include <fmt/format.h>
#include <stdexcept>

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

}  // namespace commopt
