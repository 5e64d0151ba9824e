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

constexpr std::size_t kSample = 4096;

// Returns t, the K-th largest of the m keys at(0), ..., at(m-1), and leaves work[0, K-1) holding
// keys >= t (some K-1 of the top K); work has room for m keys. Fast path for K << m: a strided
// sample of 4096 keys gives a threshold s a bit below t (sample rank r = m' + 3 sqrt(m') + 8,
// m' = K*4096/m the expected rank of t), one branch-free pass keeps the keys >= s, and nth_element
// runs on those. If fewer than K keys are >= s (an unlucky sample), the full O(m) nth_element runs
// instead. Either way the result is exact and deterministic.
template <class KeyAt>
double kth_largest_key(std::size_t m, std::size_t k, const KeyAt& at, double* work) {
  const auto greater = std::greater<double>();
  const auto kp = static_cast<std::ptrdiff_t>(k - 1);
  if (m >= 4 * kSample && k * 16 <= m) {
    const std::size_t stride = m / kSample;
    for (std::size_t s = 0; s < kSample; ++s) work[s] = at(s * stride);
    const double mk = static_cast<double>(k) * kSample / static_cast<double>(m);
    const auto r = std::min(kSample - 1, static_cast<std::size_t>(mk + 3.0 * std::sqrt(mk) + 8.0));
    std::nth_element(work, work + r, work + kSample, greater);
    const double threshold = work[r];
    std::size_t n = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const double key = at(i);
      work[n] = key;
      n += key >= threshold ? 1 : 0;
    }
    if (n >= k) {
      std::nth_element(work, work + kp, work + n, greater);
      return work[k - 1];
    }
  }
  for (std::size_t i = 0; i < m; ++i) work[i] = at(i);
  std::nth_element(work, work + kp, work + m, greater);
  return work[k - 1];
}

// Keys > t, then the lowest-index keys == t, given keys[0, K-1) >= t (kth_largest_key's promise):
// the number of keys == t to keep.
std::size_t ties_to_keep(const double* keys, std::size_t k, double t) {
  std::size_t greater = 0;
  for (std::size_t j = 0; j + 1 < k; ++j) greater += keys[j] > t ? 1 : 0;
  return k - greater;
}

// The sparse path pays only where at least 3/4 of a small strided sample (256 entries) is zero
// (bench_compress BM_TopKSelect, d = 10^6, K = 1%: 0.2–0.45× the dense path at <= 1% nonzeros,
// 0.73× at 10%, 1.08× at 40%).
bool looks_sparse(const Vec& x, std::size_t d) {
  constexpr std::size_t kProbe = 256;
  const std::size_t stride = d / kProbe;
  std::size_t zeros = 0;
  for (std::size_t s = 0; s < kProbe; ++s) zeros += x[static_cast<Index>(s * stride)] == 0.0 ? 1 : 0;
  return 4 * zeros >= 3 * kProbe;
}

// Sparse path (d >= 16384, at most d/2 nonzeros): one branch-free pass gathers the nonzero
// coordinates c_0 < c_1 < ... (x_i != 0, NaN included; -0.0 counts as zero, key 0) into keys[0, nnz)
// as exact integer-valued doubles, then selection runs on the nnz candidate keys in keys[nnz, 2 nnz).
// The same indices as the dense path: if nnz >= K, every kept key is > 0 and no zero key equals t > 0;
// if nnz < K, t = 0, so all nonzeros are kept plus the K − nnz lowest-index zeros.
// Returns false (nothing written) when more than d/2 coordinates are nonzero.
bool select_topk_sparse(const Vec& x, std::vector<double>& keys, std::vector<int>& idx) {
  const std::size_t k = idx.size();
  const std::size_t d = keys.size();
  double* cand = keys.data();
  std::size_t nnz = 0;
  for (std::size_t i = 0; i < d && nnz <= d / 2; ++i) {
    cand[nnz] = static_cast<double>(i);
    nnz += x[static_cast<Index>(i)] != 0.0 ? 1 : 0;
  }
  if (nnz > d / 2) return false;
  const auto index_of = [cand](std::size_t j) { return static_cast<std::size_t>(cand[j]); };
  std::size_t n = 0;
  if (nnz >= k) {
    const auto at = [&](std::size_t j) { return topk_key(x[static_cast<Index>(index_of(j))]); };
    double* work = cand + nnz;
    const double t = kth_largest_key(nnz, k, at, work);
    std::size_t ties_left = ties_to_keep(work, k, t);
    for (std::size_t j = 0; j < nnz && n < k; ++j) {
      const double key = at(j);
      if (key > t || (key == t && ties_left > 0)) {
        if (key == t) --ties_left;
        idx[n++] = static_cast<int>(index_of(j));
      }
    }
    return true;
  }
  // t = 0: merge the nonzeros with the K − nnz lowest-index zeros (the coordinates not gathered).
  std::size_t zeros_left = k - nnz;
  std::size_t j = 0;
  for (std::size_t i = 0; zeros_left > 0; ++i) {
    if (j < nnz && index_of(j) == i) {
      idx[n++] = static_cast<int>(i);
      ++j;
    } else {
      idx[n++] = static_cast<int>(i);
      --zeros_left;
    }
  }
  for (; j < nnz; ++j) idx[n++] = static_cast<int>(index_of(j));
  return true;
}
}  // namespace

void select_topk_dense(const Vec& x, std::vector<double>& keys, std::vector<int>& idx) {
  const std::size_t k = idx.size();
  const std::size_t d = keys.size();
  const auto at = [&x](std::size_t i) { return topk_key(x[static_cast<Index>(i)]); };
  // t = the K-th largest key; keys[0, K-1) are then >= t.
  const double t = kth_largest_key(d, k, at, keys.data());
  std::size_t ties_left = ties_to_keep(keys.data(), k, t);  // entries equal to t, lowest index first
  std::size_t n = 0;
  for (std::size_t i = 0; i < d && n < k; ++i) {
    const double key = at(i);
    if (key > t || (key == t && ties_left > 0)) {
      if (key == t) --ties_left;
      idx[n++] = static_cast<int>(i);
    }
  }
}

void select_topk(const Vec& x, std::vector<double>& keys, std::vector<int>& idx) {
  const std::size_t d = keys.size();
  if (d >= kSparseTopkMinDim && looks_sparse(x, d) && select_topk_sparse(x, keys, idx)) return;
  select_topk_dense(x, keys, idx);
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
