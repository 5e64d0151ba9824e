// A logged round evaluates each worker in one pass (Objective::loss_grad_count, issue 13): the loss and
// gradient must be loss_grad's bit for bit, and the per-worker correct counts must add up to exactly
// what accuracy() counts in its own pass over all rows.
#include <catch2/catch.hpp>

#include <random>

#include "problems/registry.hpp"

namespace {

std::unique_ptr<commopt::Objective> make(const std::string& spec, int workers) {
  commopt::ProblemOptions opts;
  opts.data_dir = COMMOPT_SHARED_DATASETS;
  return commopt::make_problem(commopt::Spec::parse(spec, "problem"), workers, opts);
}

}  // namespace

TEST_CASE("loss_grad_count is loss_grad plus accuracy's count, from one pass", "[problems][evaluate]") {
  for (const char* spec : {"logreg[data=a1a]", "logreg_nc[data=mushrooms,lambda=0.1]", "sigmoid_lsq[data=a1a]",
                           "softmax[data=a1a]", "softmax[data=mushrooms,lambda=0.1]"}) {
    INFO(spec);
    const int n = 3;
    const auto p = make(spec, n);
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal(0.0, 0.3);
    for (int trial = 0; trial < 3; ++trial) {
      // x = 0 puts every margin on the z = 0 tie (class +1 / the lowest class); then random models
      commopt::Vec x = commopt::Vec::Zero(p->dim());
      if (trial > 0)
        for (int k = 0; k < p->dim(); ++k) x[k] = normal(rng);
      long correct = 0, rows = 0;
      for (int i = 0; i < n; ++i) {
        commopt::Vec g_ref, g;
        const double loss_ref = p->loss_grad(i, x, g_ref);
        const commopt::Objective::LossGradCount c = p->loss_grad_count(i, x, g);
        REQUIRE(c.loss == loss_ref);
        REQUIRE(g == g_ref);
        REQUIRE(c.correct >= 0);
        REQUIRE(c.rows == p->samples(i));
        correct += c.correct;
        rows += c.rows;
      }
      const auto acc = p->accuracy(x);
      REQUIRE(acc.has_value());
      REQUIRE(static_cast<double>(correct) / static_cast<double>(rows) == *acc);
    }
  }
}

TEST_CASE("problems without a per-worker count fall back to accuracy()", "[problems][evaluate]") {
  const auto p = make("quadratic[d=5]", 2);
  commopt::Vec g;
  const auto c = p->loss_grad_count(0, commopt::Vec::Zero(p->dim()), g);
  REQUIRE(c.correct == -1);
  REQUIRE(g.size() == p->dim());
}
