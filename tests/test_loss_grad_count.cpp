// A logged round evaluates each worker in one pass (Objective::loss_grad_count, issue 13): the loss
// must be loss_grad's (to rounding: a vectorized sum) and the gradient grad()'s bit for bit (the method's own, so a round can share
// it with the evaluation), and the per-worker correct counts must add up to exactly what accuracy()
// counts in its own pass over all rows. A logged round then costs one pass over the data per worker
// when the method computes ∇f_i(x^t) (net/shared_gradients.hpp), and its ||∇f(x^t)||² is exact.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <random>

#include "methods/method.hpp"
#include "net/network.hpp"
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
        commopt::Vec g_ref, g_method, g;
        const double loss_ref = p->loss_grad(i, x, g_ref);
        p->grad(i, x, g_method);
        const commopt::Objective::LossGradCount c = p->loss_grad_count(i, x, g);
        REQUIRE(std::abs(c.loss - loss_ref) <= 1e-13 * std::abs(loss_ref));  // a different summation order
        REQUIRE(std::memcmp(g.data(), g_method.data(), sizeof(double) * static_cast<std::size_t>(g.size())) == 0);
        REQUIRE((g - g_ref).norm() <= 1e-14 * (1 + g_ref.norm()));  // loss_grad's weights: the same gradient
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

namespace {

// The problem with a count of its passes over each worker's rows: every call that multiplies by A_i.
class CountingProblem final : public commopt::Objective {
 public:
  explicit CountingProblem(const commopt::Objective& p) : p_(p) {}
  std::string name() const override { return p_.name(); }
  int workers() const override { return p_.workers(); }
  int dim() const override { return p_.dim(); }
  int samples(int i) const override { return p_.samples(i); }
  double loss(int i, const commopt::Vec& x) const override { return ++passes, p_.loss(i, x); }
  double loss_grad(int i, const commopt::Vec& x, commopt::Vec& out) const override {
    return ++passes, p_.loss_grad(i, x, out);
  }
  void grad(int i, const commopt::Vec& x, commopt::Vec& out) const override { ++passes, p_.grad(i, x, out); }
  void minibatch_grad(int i, const commopt::Vec& x, std::span<const int> rows, commopt::Vec& out) const override {
    p_.minibatch_grad(i, x, rows, out);
  }
  std::optional<double> accuracy(const commopt::Vec& x) const override {
    return passes += workers(), p_.accuracy(x);
  }
  LossGradCount loss_grad_count(int i, const commopt::Vec& x, commopt::Vec& out) const override {
    return ++passes, p_.loss_grad_count(i, x, out);
  }
  bool convex() const override { return p_.convex(); }
  const commopt::ProblemConstants& constants() const override { return p_.constants(); }
  mutable std::atomic<long> passes{0};

 private:
  const commopt::Objective& p_;
};

commopt::MethodInstance method(const commopt::Objective& p, const std::string& m, const std::string& c) {
  commopt::MethodSetup s;
  s.problem = &p;
  s.method = commopt::Spec::parse(m, "--method");
  s.compressor = commopt::Spec::parse(c, "--compressor");
  s.value_bits = 64;
  return commopt::make_method(s);
}

bool same_evaluation(const commopt::Evaluation& a, const commopt::Evaluation& b) {
  return std::memcmp(&a.loss, &b.loss, sizeof(double)) == 0 &&
         std::memcmp(&a.grad_norm_sq, &b.grad_norm_sq, sizeof(double)) == 0 && a.lyapunov == b.lyapunov &&
         a.accuracy == b.accuracy;
}

}  // namespace

TEST_CASE("a logged round shares the method's gradients with the evaluation: one pass per worker, exact ||grad f||^2",
          "[problems][evaluate][net]") {
  const int n = 4;
  const auto base = make("logreg[data=a1a]", n);
  for (const auto& [m, c] : std::vector<std::pair<std::string, std::string>>{
           {"gd", "identity"}, {"ef21", "topk[k=3]"}, {"diana", "randk[k=5]"}, {"marina[p=0.3]", "randk[k=5]"}}) {
    INFO(m);
    CountingProblem shared_run(*base), plain_run(*base);
    commopt::MethodInstance a = method(shared_run, m, c), b = method(plain_run, m, c);
    commopt::SimNetwork shared_net(shared_run, a, 5), plain_net(plain_run, b, 5);
    long kept_rounds = 0;
    for (int t = 0; t <= 12; ++t) {
      const bool logged = t % 3 == 0;
      shared_net.expect_evaluation(logged);  // the other network never hears of the evaluation
      const long before = shared_run.passes;
      shared_net.run_round(t);
      plain_net.run_round(t);
      // the trajectory does not depend on the hint
      REQUIRE(std::memcmp(shared_net.model().data(), plain_net.model().data(),
                          sizeof(double) * static_cast<std::size_t>(base->dim())) == 0);
      if (!logged) continue;
      const long round_passes = shared_run.passes - before;
      const commopt::Evaluation e = shared_net.evaluate(), e_plain = plain_net.evaluate();
      REQUIRE(same_evaluation(e, e_plain));  // the same bits as measuring every worker afresh
      // Every worker computed ∇f_i(x^t) in the round (or only the method's own passes for a worker
      // that did not): the evaluation added no pass over the data for a worker whose gradient it kept.
      const long eval_passes = shared_run.passes - before - round_passes;
      if (round_passes == n) {
        CHECK(eval_passes == 0);
        ++kept_rounds;
      }
      CHECK(eval_passes + round_passes >= n);
      // ||∇f(x^t)||² against an independent gradient: loss_grad's σ weights, summed here
      const commopt::Vec& x = shared_net.model();
      commopt::Vec full = commopt::Vec::Zero(base->dim()), gi;
      double f = 0;
      for (int i = 0; i < n; ++i) {
        f += base->loss_grad(i, x, gi) / n;
        full += gi / n;
      }
      CHECK(std::abs(e.loss - f) <= 1e-13 * f);
      CHECK(std::abs(e.grad_norm_sq - full.squaredNorm()) <= 1e-13 * full.squaredNorm());
      // and against central differences of f along the gradient's largest coordinates
      for (int k = 0; k < 3; ++k) {
        commopt::Index c_max = 0;
        full.cwiseAbs().maxCoeff(&c_max);
        const double h = 1e-5;
        commopt::Vec xp = x, xm = x;
        xp[c_max] += h;
        xm[c_max] -= h;
        double fp = 0, fm = 0;
        for (int i = 0; i < n; ++i) fp += base->loss(i, xp) / n, fm += base->loss(i, xm) / n;
        CHECK(std::abs((fp - fm) / (2 * h) - full[c_max]) <= 1e-7 * (1 + std::abs(full[c_max])));
        full[c_max] = 0;
      }
    }
    if (m != "marina[p=0.3]") CHECK(kept_rounds == 5);  // every logged round, t = 0, 3, 6, 9, 12
  }
}
