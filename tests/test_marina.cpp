// The MARINA family, PAGE, DIANA, EF21-PP/BC and the DASHA losses (b), (c) (their one-step
// certificates run the shipped code: test_certificate.cpp): dense bits in full rounds, identical traces for identical seeds, participation counts, and the problems' constants.
#include <catch2/catch.hpp>

#include "test_method_helpers.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/rng.hpp"
#include "problems/logistic.hpp"
#include "problems/registry.hpp"
#include "run/job.hpp"
#include "theory/one_step.hpp"

using namespace commopt;
using namespace commopt::testing;


namespace {

// P(X <= k) and P(X >= k) for X ~ Binomial(T, p), from the pmf in log space.
std::pair<double, double> binomial_tails(int k, int T, double p) {
  double below = 0, above = 0;
  for (int j = 0; j <= T; ++j) {
    const double log_pmf = std::lgamma(T + 1.0) - std::lgamma(j + 1.0) - std::lgamma(T - j + 1.0) +
                           j * std::log(p) + (T - j) * std::log1p(-p);
    if (j <= k) below += std::exp(log_pmf);
    if (j >= k) above += std::exp(log_pmf);
  }
  return {below, above};
}

// A marina run's rounds 1..T are full (dense) independently with probability p, so the number of
// full rounds is Binomial(T, p) whatever the seed. Checks that every round costs either `dense` or
// `sparse` bits per worker, the same for every worker (bits_up == bits_up_max), and that the count
// of dense rounds lies outside both tails of probability < 1e-8 (false alarm < 2e-8 per run).
// Returns the count.
int check_full_rounds(const JobResult& r, double p, double dense, double sparse) {
  const int T = static_cast<int>(r.rows.size()) - 1;
  int full = 0;
  for (std::size_t t = 1; t < r.rows.size(); ++t) {
    const double inc = r.rows[t].bits_up - r.rows[t - 1].bits_up;
    CHECK(r.rows[t].bits_up == r.rows[t].bits_up_max);
    if (inc == dense) ++full;
    else CHECK(inc == sparse);
  }
  const auto [below, above] = binomial_tails(full, T, p);
  INFO(full << " full rounds of " << T << " (mean " << p * T << ", sd " << std::sqrt(T * p * (1 - p))
            << "); P(X <= count) = " << below << ", P(X >= count) = " << above);
  CHECK(below >= 1e-8);
  CHECK(above >= 1e-8);
  return full;
}

// ceil(log2 d): bits of one index of a RandK list.
int index_bits_of(int d) {
  int b = 0;
  while ((1 << b) < d) ++b;
  return b;
}

}  // namespace

TEST_CASE("marina: full rounds are dense, traces repeat, coins are shared", "[methods]") {
  const auto p = problem("sigmoid_lsq[data=mushrooms]", 5);
  const int d = p->dim(), K = 10;
  // p = 1 (every round full): every worker sends d dense 32-bit values per round.
  const JobResult full = run(*p, "marina[p=1]", "randk[k=10]", 20);
  for (const auto& row : full.rows) CHECK(row.bits_up == Approx(32.0 * d * static_cast<double>(row.round + 1)));
  // Default p = 1/(1 + omega) = K/d (RandK: omega = d/K − 1): a round costs either d dense values
  // (full) or the RandK message, K values + K indices of ceil(log2 d) bits (K ceil(log2 d) < d here).
  // The count of full rounds in T = 200 is Binomial(200, K/d): mean 200 K/d, accepted range [1, 44]
  // for d = 113 (the 1e-8 tails of check_full_rounds).
  const JobResult a = run(*p, "marina", "randk[k=10]", 200, 3);
  const JobResult b = run(*p, "marina", "randk[k=10]", 200, 3);
  CHECK(same_rows(a.rows, b.rows));
  REQUIRE(K * index_bits_of(d) < d);
  check_full_rounds(a, static_cast<double>(K) / d, 32.0 * d, 32.0 * K + K * index_bits_of(d));
  CHECK(a.rows.back().grad_norm_sq < a.rows.front().grad_norm_sq);
}

TEST_CASE("marina: the number of full rounds is Binomial(T, p) with p = K/d", "[methods]") {
  // The same count over T = 2000 rounds on a cheap problem (d = 20, K = 2: p = 0.1, mean 200,
  // sd 13.4, accepted range [129, 279]), at a few seeds: a coin with the wrong probability (say
  // 2p or p/2) falls outside the range, which 200 rounds are too few to see.
  constexpr int d = 20, K = 2, T = 2000;
  constexpr double p = static_cast<double>(K) / d;
  const auto q = problem("quadratic[d=20,seed=5]", 3);
  REQUIRE(q->dim() == d);
  for (std::uint64_t seed : {3u, 11u, 2024u}) {
    INFO("seed " << seed);
    const JobResult r = run(*q, "marina", "randk[k=2]", T, seed);
    REQUIRE(r.rows.size() == T + 1);
    CHECK(r.meta["method_info"]["p"].get<double>() == Approx(p));
    check_full_rounds(r, p, 32.0 * d, 32.0 * K + std::min(K * index_bits_of(d), d));
  }
}

TEST_CASE("pp_marina and ef21_pp: s of n participate in compressed rounds", "[methods]") {
  const auto p = problem("sigmoid_lsq[data=mushrooms]", 6);
  const JobResult r = run(*p, "pp_marina[participation=snice[s=2],p=0.1]", "randk[k=10]", 100);
  int partial = 0;
  for (const auto& row : r.rows) {
    CHECK((row.participants == 6 || row.participants == 2));
    partial += row.participants == 2;
  }
  CHECK(partial > 70);
  const JobResult e = run(*p, "ef21_pp[participation=snice[s=3]]", "topk[k=10]", 50);
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
           {"frecon[participation=snice[s=3],stepsize=theory*4]", "randk[k=10]"}}) {
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
