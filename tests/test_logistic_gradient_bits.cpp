// The touched-columns logistic gradient (issue 13: no O(d) zero-fill and separate regularizer pass
// where a worker's rows use few columns) against Eigen's dense path: the same bits for grad,
// loss_grad, loss_grad_count and minibatch_grad, with the convex and the nonconvex regularizer,
// on a9a (n = 10 and n = 1000, 32 rows per worker) and on synthetic wide sparse data.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <tuple>
#include <vector>

#include "problems/libsvm.hpp"
#include "problems/logistic.hpp"
#include "problems/logistic_kernels.hpp"

namespace {

using commopt::GradientPath;
using commopt::LibsvmData;
using commopt::LogisticOptions;
using commopt::LogisticProblem;
using commopt::LossKind;
using commopt::Vec;

bool same_bits(const Vec& a, const Vec& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

std::shared_ptr<const LibsvmData> a9a() {
  static const auto data = std::make_shared<const LibsvmData>(
      commopt::read_libsvm(std::filesystem::path(COMMOPT_SHARED_DATASETS) / "a9a.xz"));
  return data;
}

// rows × d with 0–12 entries per row (some rows empty), values from a few magnitudes (all 1.0 with
// `unit`: 0/1 data, no duplicate entries), labels ±1.
std::shared_ptr<const LibsvmData> wide_sparse(int rows, int d, std::uint64_t seed, bool unit = false) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> col(0, d - 1), per_row(0, 12);
  std::normal_distribution<double> value(0.0, 2.0);
  std::vector<Eigen::Triplet<double>> entries;
  auto data = std::make_shared<LibsvmData>();
  data->b.resize(rows);
  for (int r = 0; r < rows; ++r) {
    const int m = per_row(rng);
    for (int j = 0; j < m; ++j) entries.emplace_back(r, unit ? (j * d) / 12 + col(rng) % (d / 12) : col(rng),
                                                     unit || j % 3 == 0 ? 1.0 : value(rng));
    data->b[r] = (rng() & 1) ? 1.0 : -1.0;
  }
  data->A.resize(rows, d);
  data->A.setFromTriplets(entries.begin(), entries.end());  // duplicates summed
  data->A.makeCompressed();
  data->info.name = "wide";
  data->info.binary = true;
  data->info.checksum = "wide";
  return data;
}

std::unique_ptr<LogisticProblem> make(std::shared_ptr<const LibsvmData> data, int n, LossKind loss, bool nonconvex,
                                      double lambda, bool bias, GradientPath path, bool skip_unit_values = true) {
  LogisticOptions o;
  o.skip_unit_values = skip_unit_values;
  o.loss = loss;
  o.nonconvex = nonconvex;
  o.lambda = lambda;
  o.bias = bias;
  o.disk_cache = false;
  o.gradient_path = path;
  return std::make_unique<LogisticProblem>(std::move(data), n, o, "test");
}

// Points that exercise the regularizer's edge cases: zero, -0.0 coordinates, random, large.
std::vector<Vec> points(int dim, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 0.5);
  Vec zero = Vec::Zero(dim), neg_zero = Vec::Constant(dim, -0.0), random(dim), large(dim);
  for (int k = 0; k < dim; ++k) {
    random[k] = normal(rng);
    large[k] = k % 5 == 0 ? -0.0 : 1e3 * normal(rng);
  }
  return {zero, neg_zero, random, large};
}

void require_same_oracles(const LogisticProblem& dense, const LogisticProblem& touched, std::mt19937_64& rng) {
  for (const Vec& x : points(dense.dim(), rng)) {
    for (int i = 0; i < dense.workers(); i += std::max(1, dense.workers() / 7)) {
      INFO("worker " << i);
      Vec gd, gt;
      dense.grad(i, x, gd);
      touched.grad(i, x, gt);
      REQUIRE(same_bits(gd, gt));
      REQUIRE(same_bits(dense.loss_grad(i, x, gd), touched.loss_grad(i, x, gt)));
      REQUIRE(same_bits(gd, gt));
      const auto cd = dense.loss_grad_count(i, x, gd), ct = touched.loss_grad_count(i, x, gt);
      REQUIRE(same_bits(gd, gt));
      REQUIRE(cd.correct == ct.correct);
      std::uniform_int_distribution<int> row(0, std::max(0, dense.samples(i) - 1));
      std::vector<int> rows;
      for (int j = 0; j < 5 && dense.samples(i) > 0; ++j) rows.push_back(row(rng));
      rows.push_back(rows.empty() ? 0 : rows.front());  // a repeated row
      if (dense.samples(i) == 0) rows.clear();
      gd = Vec::Constant(dense.dim(), 7.0);  // stale contents must not leak into the result
      gt = gd;
      dense.minibatch_grad(i, x, rows, gd);
      touched.minibatch_grad(i, x, rows, gt);
      REQUIRE(same_bits(gd, gt));
    }
  }
}

}  // namespace

TEST_CASE("touched-columns gradient: dense path's bits on a9a", "[problems][logistic][touched]") {
  std::mt19937_64 rng(13);
  for (int n : {10, 1000}) {
    for (const auto& [loss, nonconvex, lambda, bias] :
         {std::tuple{LossKind::logistic, false, 1e-3, false}, std::tuple{LossKind::logistic, true, 0.1, true},
          std::tuple{LossKind::sigmoid_lsq, false, 0.0, true}}) {
      INFO("n=" << n << " nonconvex=" << nonconvex << " lambda=" << lambda << " bias=" << bias);
      const auto dense = make(a9a(), n, loss, nonconvex, lambda, bias, GradientPath::dense);
      const auto touched = make(a9a(), n, loss, nonconvex, lambda, bias, GradientPath::touched_columns);
      REQUIRE(touched->uses_touched_columns(0));
      REQUIRE_FALSE(dense->uses_touched_columns(0));
      require_same_oracles(*dense, *touched, rng);
    }
  }
}

TEST_CASE("touched-columns gradient: dense path's bits on wide sparse data", "[problems][logistic][touched]") {
  std::mt19937_64 rng(14);
  const auto data = wide_sparse(400, 30000, 5);
  for (int n : {1, 4, 40}) {
    for (const auto& [nonconvex, lambda] : {std::pair{false, 1e-3}, std::pair{true, 0.1}, std::pair{false, 0.0}}) {
      INFO("n=" << n << " nonconvex=" << nonconvex << " lambda=" << lambda);
      const auto dense = make(data, n, LossKind::logistic, nonconvex, lambda, false, GradientPath::dense);
      const auto touched = make(data, n, LossKind::logistic, nonconvex, lambda, false, GradientPath::touched_columns);
      REQUIRE(touched->uses_touched_columns(0));
      require_same_oracles(*dense, *touched, rng);
    }
  }
}

TEST_CASE("touched-columns gradient: chosen automatically only where it pays", "[problems][logistic][touched]") {
  const auto a = make(a9a(), 1000, LossKind::logistic, false, 1e-3, false, GradientPath::automatic);
  REQUIRE_FALSE(a->uses_touched_columns(0));  // d = 123
  const auto wide = make(wide_sparse(400, 30000, 5), 40, LossKind::logistic, false, 1e-3, false, GradientPath::automatic);
  REQUIRE(wide->uses_touched_columns(0));  // 10 rows, <= 120 of 30000 columns
  const auto dense_wide = make(wide_sparse(20000, 8000, 6), 2, LossKind::logistic, false, 1e-3, false,
                               GradientPath::automatic);
  REQUIRE_FALSE(dense_wide->uses_touched_columns(0));  // 10000 rows touch nearly all 8000 columns
  const auto softmax = make(wide_sparse(400, 30000, 7), 4, LossKind::softmax, false, 1e-3, false,
                            GradientPath::touched_columns);
  REQUIRE_FALSE(softmax->uses_touched_columns(0));
}

// On 0/1 data every product skips the values (logistic_kernels.hpp): the same bits as the products
// that read them (skip_unit_values = false), on both gradient paths, for every oracle.
TEST_CASE("unit values: the value-skipping products have the value-reading products' bits",
          "[problems][logistic][touched][unit]") {
  std::mt19937_64 rng(15);
  const auto wide = wide_sparse(400, 30000, 8, true);
  REQUIRE(commopt::unit_values(wide->A));
  for (const auto path : {GradientPath::dense, GradientPath::touched_columns}) {
    for (const auto& [data, n] : {std::pair{wide, 4}, std::pair{wide, 40}, std::pair{a9a(), 10}}) {
      for (const auto& [loss, nonconvex, lambda] : {std::tuple{LossKind::logistic, false, 1e-3},
                                                    std::tuple{LossKind::logistic, true, 0.1},
                                                    std::tuple{LossKind::sigmoid_lsq, false, 0.0}}) {
        INFO("touched=" << (path == GradientPath::touched_columns) << " d=" << data->A.cols() << " n=" << n
                        << " nonconvex=" << nonconvex);
        const auto reading = make(data, n, loss, nonconvex, lambda, false, path, false);
        const auto skipping = make(data, n, loss, nonconvex, lambda, false, path, true);
        REQUIRE(commopt::unit_values(skipping->local_data(0)));
        REQUIRE(skipping->uses_touched_columns(0) == (path == GradientPath::touched_columns));
        require_same_oracles(*reading, *skipping, rng);
        const Vec x = Vec::Constant(reading->dim(), 0.25);
        REQUIRE(*reading->accuracy(x) == *skipping->accuracy(x));
      }
    }
  }
}
