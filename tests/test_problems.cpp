// Tests of the problem oracles: gradients against central finite differences, numerical stability
// at huge margins, minibatch consistency, accuracy, the synthetic quadratic's known optimum, and
// the registry's errors.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <cmath>
#include <numeric>

#include <Eigen/Eigenvalues>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "problems/logistic.hpp"
#include "problems/quadratic.hpp"
#include "problems/registry.hpp"
#include "test_gradient_helpers.hpp"

using namespace commopt;
using commopt::testing::fd_error;
using commopt::testing::random_vec;

namespace {

std::unique_ptr<Objective> make(const std::string& text, int workers, const std::string& split = "contiguous") {
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  o.split = split;
  return make_problem(Spec::parse(text, "--problem"), workers, o);
}

std::string error_of(const std::string& text, int workers, const std::string& split = "contiguous") {
  try {
    (void)make(text, workers, split);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("logreg and logreg_nc gradients match finite differences", "[problems]") {
  for (const char* spec : {"logreg[data=a1a]", "logreg[data=mushrooms,lambda=0.01,bias=true]",
                           "logreg_nc[data=a1a]", "logreg_nc[data=mushrooms,bias=true]",
                           "sigmoid_lsq[data=a1a]", "sigmoid_lsq[data=mushrooms,lambda=0.01]",
                           "softmax[data=a1a]", "softmax[data=mushrooms,lambda=0.1]"}) {
    INFO(spec);
    const auto p = make(spec, 3);
    const Vec x = random_vec(p->dim(), 0.3, 7);
    CHECK(fd_error(*p, x, 1e-5) < 1e-6);
  }
}

TEST_CASE("quadratic gradient matches finite differences", "[problems]") {
  const auto p = make("quadratic[d=15,workers-heterogeneity=2]", 4);
  CHECK(fd_error(*p, random_vec(15, 1.0, 3), 1e-4) < 1e-6);
}

TEST_CASE("logistic loss stays finite and correct at huge margins", "[problems]") {
  const auto p = make("logreg[data=a1a,lambda=0]", 2);
  const auto& lp = dynamic_cast<const LogisticProblem&>(*p);
  const Vec x = random_vec(p->dim(), 1.0, 11) * 1e4;
  for (int i = 0; i < 2; ++i) {
    // Reference in long double: log(1+e^t) = t + log(1+e^-t) for t > 0, log(1+e^t) otherwise.
    const Vec z = lp.local_data(i) * x;
    long double ref = 0;
    for (Index j = 0; j < z.size(); ++j) {
      const long double t = -lp.local_labels(i)[j] * static_cast<long double>(z[j]);
      ref += t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t));
    }
    const double hinge = static_cast<double>(ref / z.size());
    CHECK(hinge > 100);  // the margins really are huge
    Vec g;
    const double f = p->loss_grad(i, x, g);
    CHECK(std::isfinite(f));
    CHECK(f == Approx(hinge).epsilon(1e-12));
    CHECK(g.allFinite());
    CHECK(std::isfinite(p->loss(i, -x)));
  }
}

TEST_CASE("minibatch over all rows equals the full local gradient", "[problems]") {
  for (const char* spec : {"logreg[data=a1a,bias=true]", "logreg_nc[data=a1a]", "quadratic", "sigmoid_lsq[data=a1a]",
                           "softmax[data=a1a]"}) {
    INFO(spec);
    const auto p = make(spec, 3);
    const Vec x = random_vec(p->dim(), 0.2, 5);
    for (int i = 0; i < 3; ++i) {
      std::vector<int> rows(static_cast<std::size_t>(p->samples(i)));
      std::iota(rows.begin(), rows.end(), 0);
      Vec full, mb;
      p->loss_grad(i, x, full);
      p->minibatch_grad(i, x, rows, mb);
      CHECK((full - mb).norm() <= 1e-12 * full.norm());
    }
  }
  const auto p = make("logreg[data=a1a]", 2);
  const Vec x = random_vec(p->dim(), 0.2, 6);
  Vec once, twice;
  const std::vector<int> r1 = {4}, r2 = {4, 4};
  p->minibatch_grad(1, x, r1, once);
  p->minibatch_grad(1, x, r2, twice);
  CHECK((once - twice).norm() <= 1e-15 * once.norm());
  const std::vector<int> bad = {p->samples(1)};
  CHECK_THROWS_AS(p->minibatch_grad(1, x, bad, once), std::out_of_range);
}

TEST_CASE("accuracy: a^T x = 0 predicts +1", "[problems]") {
  const auto p = make("logreg[data=a1a]", 3);
  // MANIFEST.md: a1a has 395 rows labelled +1 out of 1605.
  CHECK(*p->accuracy(Vec::Zero(p->dim())) == Approx(395.0 / 1605.0));
  CHECK_FALSE(make("quadratic", 2)->accuracy(Vec::Zero(20)).has_value());
}

TEST_CASE("quadratic: known optimum and spectrum", "[problems]") {
  const auto obj = make("quadratic[d=12,mu=0.05,L=3,workers-heterogeneity=1,seed=4]", 5);
  const auto& q = dynamic_cast<const QuadraticProblem&>(*obj);
  const Vec& xs = q.x_star();
  Vec g, total = Vec::Zero(12);
  double f = 0;
  Eigen::MatrixXd A_sum = Eigen::MatrixXd::Zero(12, 12);
  for (int i = 0; i < 5; ++i) {
    f += q.loss_grad(i, xs, g) / 5;
    total += g / 5;
    A_sum += q.A(i) / 5;
  }
  CHECK(total.norm() <= 1e-10);
  REQUIRE(q.constants().f_star.has_value());
  CHECK(f == Approx(*q.constants().f_star).epsilon(1e-12));
  CHECK((A_sum - q.A_mean()).norm() <= 1e-12);
  const Vec ev = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(q.A_mean()).eigenvalues();
  CHECK(ev[0] == Approx(0.05).epsilon(1e-12));
  CHECK(ev[11] == Approx(3.0).epsilon(1e-12));
  CHECK(q.constants().L == Approx(3.0).epsilon(1e-12));
  CHECK(q.constants().mu == 0.05);
  CHECK(q.constants().source == "exact");
  for (int i = 0; i < 5; ++i) {
    const Vec evi = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(q.A(i)).eigenvalues();
    CHECK(q.constants().L_i[static_cast<std::size_t>(i)] == Approx(evi.cwiseAbs().maxCoeff()).epsilon(1e-12));
  }
  // Same spec, same problem; heterogeneity 0 makes every worker identical.
  const auto again = make("quadratic[d=12,mu=0.05,L=3,workers-heterogeneity=1,seed=4]", 5);
  CHECK(dynamic_cast<const QuadraticProblem&>(*again).A(2) == q.A(2));
  const auto homo = make("quadratic[d=6,workers-heterogeneity=0]", 3);
  CHECK(dynamic_cast<const QuadraticProblem&>(*homo).A(0) == dynamic_cast<const QuadraticProblem&>(*homo).A(2));
}

TEST_CASE("registry: names, keys and values are checked", "[problems]") {
  CHECK(make("logreg[lambda=0.01,data=a1a]", 2)->name() == "logreg[data=a1a,lambda=0.01]");
  CHECK(make("logreg[data=a1a]", 1)->convex());
  CHECK_FALSE(make("logreg_nc[data=a1a]", 1)->convex());
  CHECK(make("logreg[data=a1a,bias=true]", 1)->dim() == 120);  // a1a: 119 features + bias
  CHECK(make("logreg[data=a1a,features=123]", 1)->dim() == 123);
  CHECK_THAT(error_of("logregg[data=a1a]", 2), Catch::Contains("did you mean 'logreg'"));
  CHECK_THAT(error_of("logreg[data=a1a,lamda=1]", 2), Catch::Contains("did you mean 'lambda'"));
  CHECK_THAT(error_of("logreg", 2), Catch::Contains("data="));
  CHECK_THAT(error_of("logreg[data=a1a]", 2, "shufled"), Catch::Contains("did you mean 'shuffled'"));
  CHECK_THAT(error_of("logreg[data=a1a,lambda=-1]", 2), Catch::Contains("lambda"));
  CHECK_THAT(error_of("logreg[data=a1a,features=100]", 2), Catch::Contains("line"));
  CHECK_THAT(error_of("logreg[data=news20]", 2), Catch::Contains("20 distinct labels"));
  CHECK_THAT(error_of("logreg[data=a1a]", 1606), Catch::Contains("1605 rows"));
  CHECK_THAT(error_of("quadratic[mu=0]", 2), Catch::Contains("mu="));
  CHECK_THAT(error_of("quadratic[mu=2,L=1]", 2), Catch::Contains("L="));
  CHECK_THAT(error_of("quadratic[d=0]", 2), Catch::Contains("d="));
  CHECK_THAT(error_of("quadratic[workers-heterogeneity=-1]", 2), Catch::Contains("workers-heterogeneity="));
  CHECK_THAT(error_of("quadratic", 0), Catch::Contains("--workers"));
}
