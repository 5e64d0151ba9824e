// The kernels of a logged logistic round (problems/logistic_kernels.hpp, issue 13): the product
// z = A x must be Eigen's bit for bit and the count accuracy()'s rule exactly (trajectories and the
// accuracy column depend on them), and the loss, summed with one logarithm per 512 rows, must stay
// within its derived relative bound of a long-double sum of softplus(−b_j z_j) on real data rows.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <cfloat>
#include <cmath>
#include <algorithm>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "problems/logistic.hpp"
#include "problems/logistic_kernels.hpp"
#include "problems/registry.hpp"

using namespace commopt;

namespace {

constexpr double kU = 0x1p-53;  // the unit roundoff of double

std::unique_ptr<Objective> make(const std::string& spec, int workers) {
  ProblemOptions opts;
  opts.data_dir = COMMOPT_SHARED_DATASETS;
  return make_problem(Spec::parse(spec, "problem"), workers, opts);
}

bool same_bits(const Vec& a, const Vec& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

// A random compressed CSR with rows of 0..max_len entries (empty rows, ragged lengths), values of
// both signs, some exact zeros and negative zeros, so that products and sums of ±0.0 occur.
Csr random_csr(int rows, int cols, int max_len, std::mt19937_64& rng) {
  std::vector<Eigen::Triplet<double>> t;
  std::uniform_int_distribution<int> len(0, max_len), col(0, cols - 1), kind(0, 9);
  std::normal_distribution<double> normal;
  for (int r = 0; r < rows; ++r) {
    std::vector<int> used;
    for (int k = len(rng); k > 0; --k) used.push_back(col(rng));
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    for (int c : used) {
      const int what = kind(rng);
      t.emplace_back(r, c, what == 0 ? 0.0 : what == 1 ? -0.0 : normal(rng));
    }
  }
  Csr A(rows, cols);
  A.setFromTriplets(t.begin(), t.end());  // keeps explicit zeros, entries in column order
  A.makeCompressed();
  return A;
}

// Σ_j softplus(−b_j z_j) in long double (64-bit significand), z from the problem's own product.
long double softplus_sum_reference(const Vec& z, const Vec& b) {
  long double sum = 0;
  for (Index j = 0; j < z.size(); ++j) {
    const long double t = -static_cast<long double>(b[j]) * z[j];
    sum += (t > 0 ? t : 0.0L) + std::log1p(std::exp(-std::fabs(t)));
  }
  return sum;
}

// Eigen's z = A x and g = Aᵀ z against the kernels, with the values and, where all are 1.0, without.
void same_products_as_eigen(const Csr& A, const Vec& x, const Vec& y) {
  const bool unit = unit_values(A);
  Vec eigen_z, eigen_g, z, g;
  eigen_z.noalias() = A * x;
  eigen_g.noalias() = A.transpose() * y;
  for (const bool skip : {false, true}) {
    if (skip && !unit) continue;
    INFO("skipping the values: " << skip);
    csr_times(A, x, z, skip);
    REQUIRE(same_bits(z, eigen_z));
    g = Vec::Constant(3, 7.0);  // any size and contents before
    csr_transpose_times(A, y, g, skip);
    REQUIRE(same_bits(g, eigen_g));
  }
}

}  // namespace

TEST_CASE("csr_times and csr_transpose_times are Eigen's products bit for bit", "[problems][logistic]") {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  auto random_vector = [&](Index size) {
    Vec v(size);
    for (Index k = 0; k < size; ++k) v[k] = k % 7 == 0 ? -0.0 : k % 11 == 0 ? 0.0 : normal(rng);
    return v;
  };
  for (const int rows : {0, 1, 3, 4, 5, 17, 203}) {
    for (const int max_len : {0, 1, 6, 30}) {
      for (const bool ones : {false, true}) {
        INFO("rows " << rows << ", max_len " << max_len << ", unit values " << ones);
        Csr A = random_csr(rows, 40, max_len, rng);
        if (ones) A.coeffs().setOnes();
        CHECK(unit_values(A) == (ones || A.nonZeros() == 0));
        same_products_as_eigen(A, random_vector(40), random_vector(rows));
      }
    }
  }
  const auto p = make("logreg[data=a9a]", 7);
  const auto& lp = dynamic_cast<const LogisticProblem&>(*p);
  for (int i = 0; i < 7; ++i) {
    REQUIRE(unit_values(lp.local_data(i)));  // 0/1 features: the products skip the values
    same_products_as_eigen(lp.local_data(i), random_vector(p->dim()), random_vector(lp.samples(i)));
  }
}

TEST_CASE("count_correct is accuracy's rule: z = 0 and -0 predict +1, NaN predicts -1", "[problems][logistic]") {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const std::vector<double> values = {0.0, -0.0, 1e-300, -1e-300, 2.5, -2.5, inf, -inf, nan};
  for (const Index m : {Index{0}, Index{5}, Index{8}, Index{9}, Index{61}}) {
    Vec z(m), b(m);
    long expected = 0;
    for (Index j = 0; j < m; ++j) {
      z[j] = values[static_cast<std::size_t>(j * 5 % static_cast<Index>(values.size()))];
      b[j] = (j / 3) % 2 ? 1.0 : -1.0;
      expected += (z[j] >= 0 ? 1.0 : -1.0) == b[j];
    }
    CHECK(count_correct(z, b) == expected);
  }
}

TEST_CASE("log1p_sum keeps small terms, never overflows, and stays within its bound", "[problems][logistic]") {
  CHECK(log1p_sum(Vec()) == 0.0);
  // e = 1 everywhere: Σ = m log 2 exactly to rounding; 1 + q reaches 2^512 per block (one lane's
  // accumulator would overflow at 1024 entries)
  for (const Index m : {Index{1}, Index{7}, Index{513}, Index{40000}}) {
    INFO("m = " << m);
    const double s = log1p_sum(Vec::Ones(m));
    const long double ref = static_cast<long double>(m) * std::log(2.0L);
    const double blocks = std::ceil(static_cast<double>(m) / kLog1pBlock);
    REQUIRE(std::isfinite(s));
    REQUIRE(std::fabs(s - ref) <= (199 + blocks) * kU * ref);
  }
  // a separated dataset's terms: log1p(e) ≈ e far below 2^-53, where a product of rounded 1 + e
  // would lose them all
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> exponent(-60.0, -1.0);
  for (const Index m : {Index{9}, Index{300}, Index{5000}}) {
    Vec e(m);
    long double ref = 0;
    for (Index j = 0; j < m; ++j) {
      e[j] = std::exp(exponent(rng) * 10);  // e^-600 .. e^-10
      ref += std::log1p(static_cast<long double>(e[j]));
    }
    const double blocks = std::ceil(static_cast<double>(m) / kLog1pBlock);
    REQUIRE(std::fabs(log1p_sum(e) - ref) <= (199 + blocks) * kU * ref);
  }
  Vec bad = Vec::Ones(20);
  bad[13] = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(log1p_sum(bad)));
  bad[13] = std::numeric_limits<double>::infinity();
  CHECK(log1p_sum(bad) == std::numeric_limits<double>::infinity());
}

// The logged loss against Σ_j (max(t_j, 0) + log1p(exp(−|t_j|))) in long double on a9a's rows, from
// the problem's own z (so only the loss's evaluation is measured): within the bound of
// LogisticProblem::loss_grad_count, (max(m, 200 + m/512) + 1)·2^-53 for the sum, plus 2^-53 each for
// E's and 1/E's roundings (exp's error enters through e, condition number <= 1), the /m, the
// regulariser's own sum and the final addition. One worker holds all 32561 rows (64 blocks) and x = 0
// makes every e_j = 1 (the largest products); the scaled models spread the margins. Measured: at most
// 4.2, 3.6, 2.5 × 2^-53 at n = 1, 10, 100; loss_grad's plain sum: 4492, 273, 18 × 2^-53.
TEST_CASE("the logged loss is within its stated bound of a long-double sum on a9a", "[problems][logistic][evaluate]") {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  for (const int n : {1, 10, 100}) {
    const auto p = make("logreg[data=a9a]", n);
    const auto& lp = dynamic_cast<const LogisticProblem&>(*p);
    const double lambda = lp.options().lambda;
    for (const double scale : {0.0, 0.1, 1.0, 10.0}) {
      Vec x(p->dim());
      for (int k = 0; k < p->dim(); ++k) x[k] = scale * normal(rng);
      long double reg = 0;
      for (int k = 0; k < p->dim(); ++k) reg += 0.5L * lambda * static_cast<long double>(x[k]) * x[k];
      for (int i = 0; i < n; i += n == 1 ? 1 : 9) {
        INFO("n = " << n << ", worker " << i << ", scale " << scale);
        Vec z, g;
        csr_times(lp.local_data(i), x, z, unit_values(lp.local_data(i)));  // the problem's z
        const long double m = lp.samples(i);
        const long double ref = softplus_sum_reference(z, lp.local_labels(i)) / m + reg;
        const double loss = p->loss_grad_count(i, x, g).loss;
        const double bound = (std::max<double>(static_cast<double>(m), 200 + static_cast<double>(m) / 512) + 8) * kU;
        const double rel = static_cast<double>(std::fabs(loss - ref) / ref);
        REQUIRE(rel <= bound);
        // and the scalar loss_grad, whose plain sum has the same kind of bound
        Vec g_ref;
        REQUIRE(std::fabs(loss - p->loss_grad(i, x, g_ref)) <= 2 * bound * loss);
      }
    }
  }
}
