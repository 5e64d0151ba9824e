// TopK with lower-index-wins ties (dasha-family.md §2, ef-local-lazy.md §2.1, §13); format in topk.hpp.
#include "compress/topk.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <limits>
#include <stdexcept>

#include "compress/sparse_coding.hpp"

namespace commopt {

namespace {
// |v| with NaN mapped above every number, so the order is a strict weak order.
double topk_key(double v) { return std::isnan(v) ? std::numeric_limits<double>::infinity() : std::fabs(v); }

// Returns t, the K-th largest key of x, and leaves keys[0, K-1) holding keys >= t (some K-1 of the
// top K). Fast path for K << d: a strided sample of 4096 keys gives a threshold s a bit below t
// (sample rank m + 3 sqrt(m) + 8, m = K*4096/d the expected rank of t), one branch-free pass keeps
// the keys >= s, and nth_element runs on those. If fewer than K keys are >= s (an unlucky sample),
// the full O(d) nth_element runs instead. Either way the result is exact and deterministic.
double kth_largest_key(const Vec& x, std::size_t k, std::vector<double>& keys) {
  const std::size_t d = keys.size();
  constexpr std::size_t kSample = 4096;
  const auto greater = std::greater<double>();
  const auto at = [&x](std::size_t i) { return topk_key(x[static_cast<Index>(i)]); };
  if (d >= 4 * kSample && k * 16 <= d) {
    const std::size_t stride = d / kSample;
    for (std::size_t s = 0; s < kSample; ++s) keys[s] = at(s * stride);
    const double m = static_cast<double>(k) * kSample / static_cast<double>(d);
    const auto r = std::min(kSample - 1, static_cast<std::size_t>(m + 3.0 * std::sqrt(m) + 8.0));
    std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(r),
                     keys.begin() + static_cast<std::ptrdiff_t>(kSample), greater);
    const double threshold = keys[r];
    std::size_t n = 0;
    for (std::size_t i = 0; i < d; ++i) {
      const double key = at(i);
      keys[n] = key;
      n += key >= threshold ? 1 : 0;
    }
    if (n >= k) {
      std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(k - 1),
                       keys.begin() + static_cast<std::ptrdiff_t>(n), greater);
      return keys[k - 1];
    }
  }
  for (std::size_t i = 0; i < d; ++i) keys[i] = at(i);
  std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(k - 1), keys.end(), greater);
  return keys[k - 1];
}
}  // namespace

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
  const auto k = static_cast<std::size_t>(k_);
  const auto d = static_cast<std::size_t>(d_);
  // t = the K-th largest key; keys_[0, K-1) are then >= t, so `greater` counts the keys > t.
  const double t = kth_largest_key(x, k, keys_);
  std::size_t greater = 0;
  for (std::size_t j = 0; j + 1 < k; ++j) greater += keys_[j] > t ? 1 : 0;
  std::size_t ties_left = k - greater;  // entries equal to t still to keep, lowest index first
  std::size_t n = 0;
  for (std::size_t i = 0; i < d && n < k; ++i) {
    const double key = topk_key(x[static_cast<Index>(i)]);
    if (key > t || (key == t && ties_left > 0)) {
      if (key == t) --ties_left;
      idx_[n++] = static_cast<int>(i);
    }
  }
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
