// Row splits over workers (see split.hpp).
#include "problems/split.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/spec.hpp"

namespace commopt {

const std::vector<std::string>& split_names() {
  static const std::vector<std::string> names = {"contiguous", "shuffled", "label-sorted"};
  return names;
}

SplitKind parse_split(const std::string& name) {
  if (name == "contiguous") return SplitKind::contiguous;
  if (name == "shuffled") return SplitKind::shuffled;
  if (name == "label-sorted") return SplitKind::label_sorted;
  throw UsageError("--split: " + unknown_name_message("split", name, split_names()));
}

std::string split_name(SplitKind kind) {
  switch (kind) {
    case SplitKind::contiguous: return "contiguous";
    case SplitKind::shuffled: return "shuffled";
    case SplitKind::label_sorted: return "label-sorted";
  }
  return "?";
}

Split make_split(const Vec& labels, int workers, SplitKind kind, std::uint64_t seed) {
  const auto rows = static_cast<long long>(labels.size());
  if (workers < 1) throw UsageError(fmt::format("--workers={} must be at least 1", workers));
  if (workers > rows)
    throw UsageError(fmt::format("--workers={} exceeds the {} rows of the data; use at most {} workers", workers,
                                 rows, rows));
  Split s;
  s.order.resize(static_cast<std::size_t>(rows));
  std::iota(s.order.begin(), s.order.end(), 0);
  if (kind == SplitKind::shuffled) {
    Rng rng(seed, -1, 0, Purpose::data);
    for (long long i = rows - 1; i > 0; --i) {  // Fisher–Yates with an unbiased draw
      const auto j = static_cast<long long>(rng.below(static_cast<std::uint64_t>(i) + 1));
      std::swap(s.order[static_cast<std::size_t>(i)], s.order[static_cast<std::size_t>(j)]);
    }
  } else if (kind == SplitKind::label_sorted) {
    std::stable_sort(s.order.begin(), s.order.end(), [&](int a, int b) { return labels[a] < labels[b]; });
  }
  s.offset.resize(static_cast<std::size_t>(workers) + 1);
  for (int i = 0; i <= workers; ++i)
    s.offset[static_cast<std::size_t>(i)] = static_cast<int>(static_cast<long long>(i) * rows / workers);
  return s;
}

Csr gather_rows(const Csr& A, std::span<const int> rows, bool bias) {
  const int* outer = A.outerIndexPtr();
  const int* nnz_row = A.innerNonZeroPtr();  // null when compressed
  std::vector<int> o{0}, in;
  std::vector<double> val;
  const int bias_col = static_cast<int>(A.cols());
  for (int r : rows) {
    const int begin = outer[r];
    const int end = nnz_row ? begin + nnz_row[r] : outer[r + 1];
    in.insert(in.end(), A.innerIndexPtr() + begin, A.innerIndexPtr() + end);
    val.insert(val.end(), A.valuePtr() + begin, A.valuePtr() + end);
    if (bias) {
      in.push_back(bias_col);
      val.push_back(1.0);
    }
    o.push_back(static_cast<int>(in.size()));
  }
  Csr out = Eigen::Map<const Csr>(static_cast<Index>(rows.size()), A.cols() + (bias ? 1 : 0),
                                  static_cast<Index>(in.size()), o.data(), in.data(), val.data());
  out.makeCompressed();
  return out;
}

}  // namespace commopt
