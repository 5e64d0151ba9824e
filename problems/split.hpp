// How the rows of a dataset are divided among n workers: contiguous (file order), shuffled
// (seeded permutation, then contiguous) or label-sorted (stable sort by label, then contiguous:
// the heterogeneous split of the EF21 experiments).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "problems/libsvm.hpp"

namespace commopt {

enum class SplitKind { contiguous, shuffled, label_sorted };

// "contiguous", "shuffled", "label-sorted"; anything else is a UsageError with a did-you-mean.
SplitKind parse_split(const std::string& name);
std::string split_name(SplitKind kind);
const std::vector<std::string>& split_names();

// Worker i owns rows order[offset[i] .. offset[i+1]) (global row indices, in this order).
struct Split {
  std::vector<int> order;   // a permutation of 0..rows-1
  std::vector<int> offset;  // n+1 entries, offset[i] = floor(i*rows/n)
  int workers() const { return static_cast<int>(offset.size()) - 1; }
  std::span<const int> rows(int i) const {
    return {order.data() + offset[static_cast<std::size_t>(i)],
            static_cast<std::size_t>(offset[static_cast<std::size_t>(i) + 1] - offset[static_cast<std::size_t>(i)])};
  }
};

// Splits `labels.size()` rows over `workers`. `seed` is used by `shuffled` only, through
// Rng(seed, -1, 0, Purpose::data). Throws UsageError unless 1 <= workers <= rows.
Split make_split(const Vec& labels, int workers, SplitKind kind, std::uint64_t seed);

// The rows `rows` of A (in that order) as a new CSR matrix; with `bias`, a last column of ones is
// appended (cols = A.cols() + 1).
Csr gather_rows(const Csr& A, std::span<const int> rows, bool bias);

}  // namespace commopt
