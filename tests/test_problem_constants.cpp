// Tests of the smoothness constants of the logistic problems: power iteration against a dense
// eigensolver, and the on-disk constants cache (hits, corrupt and foreign entries).
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <Eigen/Eigenvalues>

#include "problems/constants_cache.hpp"
#include "problems/logistic.hpp"
#include "problems/registry.hpp"
#include "problems/spectral.hpp"
#include "test_problem_helpers.hpp"

using namespace commopt;
using commopt::testing::ScopedEnv;
using commopt::testing::TempDir;
using commopt::testing::write_file;

namespace {

std::unique_ptr<Objective> make(const std::string& text, int workers, const std::string& split = "contiguous") {
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  o.split = split;
  o.seed = 9;
  return make_problem(Spec::parse(text, "--problem"), workers, o);
}

double dense_lambda_max(const Eigen::MatrixXd& M) {
  return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(M, Eigen::EigenvaluesOnly).eigenvalues().maxCoeff();
}

// Upper bound, and at most 1e-6 (plus rounding) above the truth.
void check_bound(double estimate, double truth) {
  CHECK(estimate >= truth);
  CHECK((estimate - truth) / truth <= 1e-6 + 1e-12);
}

}  // namespace

TEST_CASE("constants: power iteration matches a dense eigensolver on a1a", "[problems]") {
  for (const char* spec : {"logreg[data=a1a]", "logreg_nc[data=a1a,lambda=0.05,bias=true]"}) {
    INFO(spec);
    const auto p = make(spec, 3, "label-sorted");
    const auto& lp = dynamic_cast<const LogisticProblem&>(*p);
    const double curv = lp.options().nonconvex ? 2 * lp.options().lambda : lp.options().lambda;
    const ProblemConstants c = lp.compute_constants();
    CHECK(c.source == "power-iteration");
    CHECK(c.mu == (lp.options().nonconvex ? 0.0 : lp.options().lambda));
    Eigen::MatrixXd mean = Eigen::MatrixXd::Zero(p->dim(), p->dim());
    REQUIRE(c.L_i.size() == 3);
    for (int i = 0; i < 3; ++i) {
      const Eigen::MatrixXd A = Eigen::MatrixXd(lp.local_data(i));
      const Eigen::MatrixXd G = A.transpose() * A / (4.0 * p->samples(i));
      check_bound(c.L_i[static_cast<std::size_t>(i)], dense_lambda_max(G) + curv);
      mean += G / 3;
    }
    check_bound(c.L, dense_lambda_max(mean) + curv);
    CHECK(c.L_max == *std::max_element(c.L_i.begin(), c.L_i.end()));
    CHECK(c.L_hat >= c.L);  // heterogeneous split: sqrt(mean L_i^2) >= L by convexity of λ_max
  }
}

TEST_CASE("constants: sparse power iteration converges to λ_max(A^T A)", "[problems]") {
  const auto p = make("logreg[data=a1a]", 1);
  const Csr& A = dynamic_cast<const LogisticProblem&>(*p).local_data(0);
  const double truth = dense_lambda_max(dense_gram(A));
  CHECK((dense_gram(A) - Eigen::MatrixXd(A.transpose() * A)).norm() <= 1e-9 * truth);
  Vec tmp;
  const auto r = power_iteration(
      [&](const Vec& v, Vec& out) {
        tmp = A * v;
        out = A.transpose() * tmp;
      },
      A.cols());
  CHECK(r.converged);
  CHECK(r.value <= truth * (1 + 1e-12));  // a Rayleigh quotient never exceeds λ_max
  CHECK(r.value >= truth * (1 - 1e-8));
}

TEST_CASE("constants: the disk cache returns identical values and distrusts bad entries", "[problems]") {
  TempDir dir;
  ScopedEnv env("XDG_CACHE_HOME", dir.path().string());
  const auto first = make("logreg[data=a1a,lambda=0.002]", 2, "shuffled");
  const ProblemConstants& c1 = first->constants();
  CHECK(c1.source == "power-iteration");
  const std::string key = dynamic_cast<const LogisticProblem&>(*first).constants_key();
  const auto file = constants_cache_file(key);
  CHECK(file.parent_path() == dir / "commopt");
  REQUIRE(std::filesystem::exists(file));

  const auto second = make("logreg[data=a1a,lambda=0.002]", 2, "shuffled");
  const ProblemConstants& c2 = second->constants();
  CHECK(c2.source == "cache");
  CHECK(c2.L == c1.L);
  CHECK(c2.L_i == c1.L_i);
  CHECK(c2.L_hat == c1.L_hat);
  CHECK(c2.L_max == c1.L_max);
  CHECK(c2.mu == c1.mu);

  // Another split, λ or n is another key.
  CHECK(make("logreg[data=a1a,lambda=0.002]", 2, "contiguous")->constants().source == "power-iteration");
  CHECK(make("logreg[data=a1a,lambda=0.003]", 2, "shuffled")->constants().source == "power-iteration");

  write_file(file, "{\"version\": 1, \"key\": \"trunc");
  const auto third = make("logreg[data=a1a,lambda=0.002]", 2, "shuffled");
  CHECK(third->constants().source == "power-iteration");
  CHECK(third->constants().L == c1.L);
  CHECK(make("logreg[data=a1a,lambda=0.002]", 2, "shuffled")->constants().source == "cache");  // rewritten

  ProblemConstants fake = c1;
  fake.L = 1e9;
  REQUIRE(store_cached_constants("some other key", fake));
  std::filesystem::copy_file(constants_cache_file("some other key"), file,
                             std::filesystem::copy_options::overwrite_existing);
  const auto fourth = make("logreg[data=a1a,lambda=0.002]", 2, "shuffled");
  CHECK(fourth->constants().source == "power-iteration");
  CHECK(fourth->constants().L == c1.L);
  CHECK(load_cached_constants(key, 2).has_value());        // rewritten by `fourth`
  CHECK_FALSE(load_cached_constants(key, 3).has_value());  // wrong number of L_i
}

TEST_CASE("constants: an unwritable cache is silently skipped", "[problems]") {
  TempDir dir;
  write_file(dir / "file", "not a directory");
  ScopedEnv env("XDG_CACHE_HOME", (dir / "file").string());
  const auto p = make("logreg[data=a1a]", 1);
  CHECK(p->constants().source == "power-iteration");
  CHECK(p->constants().L > 0);
}
