// Coordinate selection for the sparse compressors (ef-local-lazy.md §2.1, §13); see select.hpp.
#include "compress/select.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

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

void select_topk(const Vec& x, std::vector<double>& keys, std::vector<int>& idx) {
  const std::size_t k = idx.size();
  const std::size_t d = keys.size();
  // t = the K-th largest key; keys[0, K-1) are then >= t, so `greater` counts the keys > t.
  const double t = kth_largest_key(x, k, keys);
  std::size_t greater = 0;
  for (std::size_t j = 0; j + 1 < k; ++j) greater += keys[j] > t ? 1 : 0;
  std::size_t ties_left = k - greater;  // entries equal to t still to keep, lowest index first
  std::size_t n = 0;
  for (std::size_t i = 0; i < d && n < k; ++i) {
    const double key = topk_key(x[static_cast<Index>(i)]);
    if (key > t || (key == t && ties_left > 0)) {
      if (key == t) --ties_left;
      idx[n++] = static_cast<int>(i);
    }
  }
}

void select_randk(int d, Rng& rng, std::vector<std::uint8_t>& chosen, std::vector<int>& idx) {
  const int k = static_cast<int>(idx.size());
  std::size_t n = 0;
  for (int j = d - k; j < d; ++j) {
    auto t = static_cast<int>(rng.below(static_cast<std::uint64_t>(j) + 1));
    if (chosen[static_cast<std::size_t>(t)]) t = j;
    chosen[static_cast<std::size_t>(t)] = 1;
    idx[n++] = t;
  }
  for (int i : idx) chosen[static_cast<std::size_t>(i)] = 0;
  std::sort(idx.begin(), idx.end());
}

}  // namespace commopt
