// A logged round on one thread folds the leading workers' shares into the evaluation's sum during
// the round (net/shared_gradients.hpp, issue 13: one d-vector instead of one per worker). The
// evaluation must keep the exact bits of measuring every worker afresh in worker order 0..n−1:
// the same f, ||∇f||², potential and accuracy, whether every worker computed ∇f_i(x^t) (gd, ef21,
// diana), one did (iag: the prefix ends at the first idle worker) or some did (dasha_pp with
// independent participation: folded prefix, kept shares and measured workers mixed).
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "methods/method.hpp"
#include "net/network.hpp"
#include "net/worker_pool.hpp"
#include "problems/registry.hpp"

namespace {

std::unique_ptr<commopt::Objective> make(const std::string& spec, int workers) {
  commopt::ProblemOptions opts;
  opts.data_dir = COMMOPT_SHARED_DATASETS;
  return commopt::make_problem(commopt::Spec::parse(spec, "problem"), workers, opts);
}

commopt::MethodInstance method(const commopt::Objective& p, const std::string& m, const std::string& c) {
  commopt::MethodSetup s;
  s.problem = &p;
  s.method = commopt::Spec::parse(m, "--method");
  s.compressor = commopt::Spec::parse(c, "--compressor");
  s.seed = 4;
  return commopt::make_method(s);
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

bool same_evaluation(const commopt::Evaluation& a, const commopt::Evaluation& b) {
  return same_bits(a.loss, b.loss) && same_bits(a.grad_norm_sq, b.grad_norm_sq) &&
         a.lyapunov.has_value() == b.lyapunov.has_value() && (!a.lyapunov || same_bits(*a.lyapunov, *b.lyapunov)) &&
         a.accuracy == b.accuracy;
}

// The evaluation with the workers added in the order `order` (measured afresh).
commopt::Evaluation evaluate_in(const commopt::Objective& p, const commopt::MethodInstance& m, const commopt::Vec& x,
                                const std::vector<int>& order) {
  commopt::EvaluationSum sum;
  commopt::WorkerShare share;
  sum.start(p.workers(), p.dim());
  for (int i : order) {
    commopt::measure_share(p, *m.workers[static_cast<std::size_t>(i)], i, x, share);
    sum.add(share);
  }
  return sum.finish(p, *m.server, x);
}

}  // namespace

TEST_CASE("a logged round's shares folded on one thread: the bits of the in-order evaluation, one buffer",
          "[net][evaluate]") {
  const int n = 12;
  const auto p = make("logreg[data=a1a]", n);
  commopt::set_requested_threads(1);
  std::vector<int> forward(n), backward(n);
  for (int i = 0; i < n; ++i) forward[static_cast<std::size_t>(i)] = i, backward[static_cast<std::size_t>(i)] = n - 1 - i;
  int order_sensitive = 0;  // logged rounds whose reversed sum differs: the comparison can see an order change
  for (const auto& [m, c] : std::vector<std::pair<std::string, std::string>>{
           {"gd", "identity"},
           {"ef21", "topk[k=3]"},
           {"diana", "randk[k=5]"},
           {"iag", "identity"},
           {"dasha_pp[participation=independent[p=0.5]]", "randk[k=5]"}}) {
    INFO(m);
    commopt::MethodInstance a = method(*p, m, c), b = method(*p, m, c);
    commopt::SimNetwork shared_net(*p, a, 5), plain_net(*p, b, 5);
    REQUIRE(shared_net.threads() == 1);
    int folded_all = 0, folded_some = 0;
    for (int t = 0; t <= 14; ++t) {
      const bool logged = t % 2 == 0 || t == 13;
      shared_net.expect_evaluation(logged);  // the other network is never armed: it measures every worker
      shared_net.run_round(t);
      plain_net.run_round(t);
      REQUIRE(std::memcmp(shared_net.model().data(), plain_net.model().data(),
                          sizeof(double) * static_cast<std::size_t>(p->dim())) == 0);
      if (!logged) continue;
      const int folded = shared_net.shared_gradients().folded();
      folded_all += folded == n ? 1 : 0;
      folded_some += folded > 0 && folded < n ? 1 : 0;
      const commopt::Evaluation e = shared_net.evaluate();
      REQUIRE(same_evaluation(e, plain_net.evaluate()));
      REQUIRE(same_evaluation(e, evaluate_in(*p, b, plain_net.model(), forward)));
      REQUIRE(same_evaluation(shared_net.evaluate(), e));  // evaluating twice: the folded sum is not consumed
      if (!same_evaluation(e, evaluate_in(*p, b, plain_net.model(), backward))) ++order_sensitive;
      // stored once: the fold buffer, plus a slot per worker kept after the prefix ended
      CHECK(shared_net.shared_gradients().buffers() <= 1 + n - folded);
    }
    if (m == "gd" || m == "ef21" || m == "diana") {
      CHECK(folded_all == 9);  // every logged round: t = 0, 2, ..., 14 and 13
      CHECK(shared_net.shared_gradients().buffers() == 1);
    } else {
      CHECK(folded_some > 0);  // the prefix ended inside the round
    }
  }
  CHECK(order_sensitive > 10);
  commopt::set_requested_threads(0);
}
