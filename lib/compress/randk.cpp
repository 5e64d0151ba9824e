// RandK with scaling d/K (dasha-family.md §2, ef-local-lazy.md §2.1); wire format in randk.hpp.
#include "compress/randk.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

#include "compress/sparse_coding.hpp"

namespace commopt {

RandKCompressor::RandKCompressor(int d, int k, ValueCodec codec)
    : Compressor(d, codec),
      k_(k),
      chosen_(static_cast<std::size_t>(d), 0),
      idx_(static_cast<std::size_t>(k)) {
  if (k < 1 || k > d) throw std::logic_error(fmt::format("randk: k={} outside [1, d={}]", k, d));
}

std::string RandKCompressor::name() const { return fmt::format("randk[k={}]", k_); }

void RandKCompressor::compress(const Vec& x, Rng& rng, Message& out) const {
  check_input_size(x, d_, "randk");
  // Floyd's algorithm: a uniformly random K-subset of [0, d) in K draws.
  std::size_t n = 0;
  for (int j = d_ - k_; j < d_; ++j) {
    auto t = static_cast<int>(rng.below(static_cast<std::uint64_t>(j) + 1));
    if (chosen_[static_cast<std::size_t>(t)]) t = j;
    chosen_[static_cast<std::size_t>(t)] = 1;
    idx_[n++] = t;
  }
  for (int i : idx_) chosen_[static_cast<std::size_t>(i)] = 0;
  std::sort(idx_.begin(), idx_.end());
  encode_sparse(idx_, x, static_cast<double>(d_) / k_, d_, codec_, out);
}

void RandKCompressor::add_decoded(const Message& m, double scale, Vec& acc) const {
  add_sparse(m, k_, d_, codec_, scale, acc, "randk");
}

CompressorConstants RandKCompressor::constants() const {
  CompressorConstants c;
  c.kind = CompressorConstants::Kind::unbiased;
  c.omega = static_cast<double>(d_) / k_ - 1.0;
  c.random = true;
  return c;
}

}  // namespace commopt
