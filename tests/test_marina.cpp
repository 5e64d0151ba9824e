// The MARINA family, PAGE, DIANA, EF21-PP/BC and the DASHA losses (b), (c) (their one-step
// certificates run the shipped code: test_certificate.cpp): dense bits in full rounds, identical traces for identical seeds, participation counts, and the problems' constants.
#include <catch2/catch.hpp>

#include "test_method_helpers.hpp"

#include <cmath>

#include "core/rng.hpp"
#include "problems/logistic.hpp"
#include "problems/registry.hpp"
#include "run/job.hpp"
#include "theory/one_step.hpp"

using namespace commopt;
using namespace commopt::testing;


TEST_CASE("marina: full rounds are dense, traces repeat, coins are shared", "[methods]") {
  const auto p = problem("sigmoid_lsq[data=mushrooms]", 5);
  const int d = p->dim();
  // p = 1 (every round full): every worker sends d dense 32-bit values per round.
  const JobResult full = run(*p, "marina[p=1]", "randk[k=10]", 20);
  for (const auto& row : full.rows) CHECK(row.bits_up == Approx(32.0 * d * static_cast<double>(row.round + 1)));
  // Default p = K/d: rounds cost either 32 d (full) or the RandK message; the increments are one of
  // two values, the same for every worker (bits_up == bits_up_max).
  const JobResult a = run(*p, "marina", "randk[k=10]", 200, 3);
  const JobResult b = run(*p, "marina", "randk[k=10]", 200, 3);
  CHECK(same_rows(a.rows, b.rows));
  int full_rounds = 0;
  for (std::size_t t = 1; t < a.rows.size(); ++t) {
    const double inc = a.rows[t].bits_up - a.rows[t - 1].bits_up;
    CHECK(a.rows[t].bits_up == Approx(a.rows[t].bits_up_max));
    if (inc == Approx(32.0 * d)) ++full_rounds;
    else CHECK(inc < 32.0 * 2 * 10 + 64);  // K values + index bits
  }
  CHECK(full_rounds > 0);
  CHECK(full_rounds < 20);  // p = 10/113: about 18 of 200
  CHECK(a.rows.back().grad_norm_sq < a.rows.front().grad_norm_sq);
}

TEST_CASE("pp_marina and ef21_pp: s of n participate in compressed rounds", "[methods]") {
  const auto p = problem("sigmoid_lsq[data=mushrooms]", 6);
  const JobResult r = run(*p, "pp_marina[s=2,p=0.1]", "randk[k=10]", 100);
  int partial = 0;
  for (const auto& row : r.rows) {
    CHECK((row.participants == 6 || row.participants == 2));
    partial += row.participants == 2;
  }
  CHECK(partial > 70);
  const JobResult e = run(*p, "ef21_pp[s=3]", "topk[k=10]", 50);
  for (std::size_t t = 1; t < e.rows.size(); ++t) CHECK(e.rows[t].participants == 3);
  CHECK(e.rows.back().grad_norm_sq < e.rows.front().grad_norm_sq);
}

TEST_CASE("vr_marina, page, diana, ef21_bc, frecon and marina with permk decrease the gradient", "[methods]") {
  const auto p = problem("sigmoid_lsq[data=mushrooms]", 5);
  for (const auto& [m, c] : std::vector<std::pair<std::string, std::optional<std::string>>>{
           {"vr_marina[batch=8]", "randk[k=10]"},
           {"vr_marina[oracle=online,batch=8,mega_batch=64]", "randk[k=10]"},
           {"page[batch=8]", std::nullopt},
           {"diana", "randk[k=10]"},
           {"ef21_bc", "topk[k=10]"},
           {"marina", "permk"},
           {"frecon[s=3,stepsize=theory*4]", "randk[k=10]"}}) {
    INFO(m);
    const JobResult a = run(*p, m, c, 300, 2), b = run(*p, m, c, 300, 2);
    CHECK(same_rows(a.rows, b.rows));
    CHECK(a.rows.back().grad_norm_sq < 0.8 * a.rows.front().grad_norm_sq);  // diana: the recalled step is tiny
  }
}

TEST_CASE("sigmoid_lsq and softmax constants bound the curvature", "[problems]") {
  // The constants are upper bounds: ||∇f_i(x) − ∇f_i(y)|| <= L_i ||x − y|| at random pairs.
  for (const char* spec : {"sigmoid_lsq[data=mushrooms]", "softmax[data=a1a]"}) {
    INFO(spec);
    const auto p = problem(spec, 3);
    const auto& c = p->constants();
    REQUIRE(c.L > 0);
    CHECK(c.L <= c.L_hat * (1 + 1e-12));
    Rng rng(5, 0, 0, Purpose::data);
    for (int t = 0; t < 5; ++t) {
      Vec x(p->dim()), y(p->dim()), gx, gy;
      for (Index k = 0; k < x.size(); ++k) {
        x[k] = 0.3 * rng.normal();
        y[k] = x[k] + 0.05 * rng.normal();
      }
      for (int i = 0; i < 3; ++i) {
        p->grad(i, x, gx);
        p->grad(i, y, gy);
        CHECK((gx - gy).norm() <= c.L_i[static_cast<std::size_t>(i)] * (x - y).norm());
      }
    }
  }
  const auto sm = problem("softmax[data=a1a]", 2);
  const auto lg = problem("logreg_nc[data=a1a,bias=true,lambda=0.001]", 2);
  CHECK(sm->dim() == 2 * lg->dim());
  // Lifted logistic: the data part of every L doubles (2λ regulariser curvature in both).
  CHECK(sm->constants().L - 0.002 == Approx(2 * (lg->constants().L - 0.002)).epsilon(1e-6));
  // At W = 0 the softmax loss is log 2 per sample, as the logistic loss at x = 0.
  CHECK(sm->loss(0, Vec::Zero(sm->dim())) == Approx(std::log(2.0)));
  const auto sg = problem("sigmoid_lsq[data=a1a]", 2);
  CHECK(sg->loss(0, Vec::Zero(sg->dim())) == Approx(0.25));  // (1 − σ(0))² = 1/4
}
