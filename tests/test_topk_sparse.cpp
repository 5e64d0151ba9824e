// TopK's sparse selection path (issue 13: selection proportional to the nonzeros) against the dense
// path and against a sort-based reference: the same K indices, ascending, with lower-index-wins ties,
// on sparse and dense inputs with many ties, -0.0, NaN, an all-zero input and K > nnz.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "compress/select.hpp"
#include "compress/topk.hpp"

namespace {

using commopt::Vec;

double key(double v) { return std::isnan(v) ? std::numeric_limits<double>::infinity() : std::fabs(v); }

// The definition: the first K of the order (key desc, index asc), then sorted ascending.
std::vector<int> reference_topk(const Vec& x, std::size_t k) {
  std::vector<int> order(static_cast<std::size_t>(x.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key(x[a]) > key(x[b]); });
  order.resize(k);
  std::sort(order.begin(), order.end());
  return order;
}

// nnz nonzeros at random positions, values drawn from a small set (many ties), some -0.0 among
// the zeros and, when `nan`, one NaN.
Vec sparse_input(int d, int nnz, std::mt19937_64& rng, bool nan) {
  Vec x = Vec::Zero(d);
  std::uniform_int_distribution<int> pos(0, d - 1), pick(0, 5);
  const double values[] = {1.0, -1.0, 2.0, -0.5, 0.5, 3e-300};
  for (int j = 0; j < nnz; ++j) x[pos(rng)] = values[pick(rng)];
  for (int j = 0; j < 20; ++j) {
    const int i = pos(rng);
    if (x[i] == 0.0) x[i] = -0.0;
  }
  if (nan) x[pos(rng)] = std::numeric_limits<double>::quiet_NaN();
  return x;
}

std::vector<int> run(void (*select)(const Vec&, std::vector<double>&, std::vector<int>&), const Vec& x,
                     std::size_t k) {
  std::vector<double> keys(static_cast<std::size_t>(x.size()));
  std::vector<int> idx(k, -1);
  select(x, keys, idx);
  return idx;
}

}  // namespace

TEST_CASE("TopK sparse path: the dense path's indices on sparse and dense inputs with ties", "[compress][topk]") {
  std::mt19937_64 rng(2026);
  for (int d : {16384, 20011, 100000}) {
    for (int nnz : {0, 1, 7, 300, 5000, d / 3, d / 2 - 1, d / 2 + 100, d}) {
      for (bool nan : {false, true}) {
        const Vec x = sparse_input(d, nnz, rng, nan);
        const auto nonzeros = static_cast<std::size_t>((x.array() != 0.0).count());  // NaN included
        for (std::size_t k : {std::size_t{1}, std::size_t{5}, nonzeros, nonzeros + 1, nonzeros + 37, std::size_t{1000},
                              static_cast<std::size_t>(d) / 16, static_cast<std::size_t>(d) / 16 + 1,
                              static_cast<std::size_t>(d)}) {
          if (k < 1 || k > static_cast<std::size_t>(d)) continue;
          INFO("d=" << d << " nnz=" << nnz << " nonzeros=" << nonzeros << " nan=" << nan << " k=" << k);
          const std::vector<int> fast = run(commopt::select_topk, x, k);
          REQUIRE(fast == run(commopt::select_topk_dense, x, k));
          REQUIRE(fast == reference_topk(x, k));
        }
      }
    }
  }
}

TEST_CASE("TopK sparse path: all-zero input keeps the K lowest indices", "[compress][topk]") {
  const int d = 50000;
  for (const Vec& x : {Vec(Vec::Zero(d)), Vec(Vec::Constant(d, -0.0))}) {
    for (std::size_t k : {std::size_t{1}, std::size_t{777}, std::size_t{d}}) {
      std::vector<int> expect(k);
      std::iota(expect.begin(), expect.end(), 0);
      REQUIRE(run(commopt::select_topk, x, k) == expect);
    }
  }
}

TEST_CASE("TopK compressor on a sparse input: K > nnz keeps every nonzero and the lowest zeros", "[compress][topk]") {
  const int d = 1 << 15;
  Vec x = Vec::Zero(d);
  x[5] = -4.0;
  x[30000] = 2.0;
  x[d - 1] = 2.0;
  const commopt::TopKCompressor c(d, 6, commopt::ValueCodec{32});
  commopt::Rng rng(1, 0, 0, commopt::Purpose::compress);
  commopt::Message m;
  c.compress(x, rng, m);
  REQUIRE(c.last_indices() == std::vector<int>{0, 1, 2, 5, 30000, d - 1});
  Vec acc = Vec::Zero(d);
  c.add_decoded(m, 1.0, acc);
  REQUIRE(acc == x);
}
