// The DASHA family end to end (lib/methods/dasha_vr.cpp, dasha_pp.cpp; dasha-family.md §3.2–3.5):
// identical traces for identical seeds, participation counts, "no init" sends nothing at round 0,
// the p_a = 1 / p = 1 reductions to DASHA, oracle counts and the step-size rules recorded.
#include <catch2/catch.hpp>

#include "test_method_helpers.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "problems/registry.hpp"
#include "run/job.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

const std::vector<std::string> kAll = {"dasha_page", "dasha_mvr[mega_batch=10]", "dasha_sync_mvr[mega_batch=10]",
                                       "dasha_pp[participation=snice[s=2]]",
                                       "dasha_pp_page[participation=independent[p=0.5]]",
                                       "dasha_pp_mvr[participation=snice[s=3],mega_batch=10]"};

}  // namespace

TEST_CASE("dasha family: identical seeds give identical traces; different seeds differ", "[methods]") {
  auto p = problem("logreg_nc[data=a1a,lambda=0.1]", 5);
  for (const auto& m : kAll) {
    INFO(m);
    const auto a = run(*p, m, "randk[k=5]", 30, 7), b = run(*p, m, "randk[k=5]", 30, 7),
               c = run(*p, m, "randk[k=5]", 30, 8);
    CHECK(same_rows(a.rows, b.rows));
    CHECK_FALSE(same_rows(a.rows, c.rows));
  }
}

TEST_CASE("dasha_pp: participation counts and bits of non-participants", "[methods]") {
  auto p = problem("logreg_nc[data=a1a,lambda=0.1]", 5);
  SECTION("snice[s=2]: every node at round 0, then exactly 2 per round, each sending K values") {
    // The wire format (README "Bits", lib/compress/sparse_coding.hpp), no header or length field:
    // round 0 is d dense values from every node; a RandK message is K values at w bits plus its
    // index section, K indices of ceil(log2 d) bits or a d-bit bitmap, whichever is smaller (ties:
    // the list). The broadcast is d dense values per round. bits_up is the mean over the n = 5
    // workers, so a round with 2 senders adds 2/5 of a message.
    const int d = p->dim();
    int index_bits = 0;  // ceil(log2 d): the smallest b with 2^b >= d
    while ((1 << index_bits) < d) ++index_bits;
    struct Case {
      int k, w;
      bool bitmap;  // the index section this case must exercise
    };
    for (const Case c : {Case{5, 32, false}, Case{5, 64, false}, Case{40, 32, true}}) {
      INFO("randk[k=" << c.k << "], w = " << c.w << ", d = " << d << ", ceil(log2 d) = " << index_bits);
      const double list_bits = static_cast<double>(c.k) * index_bits;
      REQUIRE((list_bits > d) == c.bitmap);
      const double per_msg = static_cast<double>(c.k) * c.w + std::min<double>(list_bits, d);
      const double dense = static_cast<double>(d) * c.w;
      const auto r = run(*p, "dasha_pp[participation=snice[s=2]]", "randk[k=" + std::to_string(c.k) + "]", 40, 1, c.w);
      REQUIRE(r.rows.size() == 41);
      CHECK(r.rows[0].participants == 5);
      CHECK(r.rows[0].bits_up == dense);
      CHECK(r.rows[0].bits_up_max == dense);
      CHECK(r.rows[0].bits_down == 0);
      for (std::size_t t = 1; t < r.rows.size(); ++t) {
        INFO("round " << t);
        const auto tt = static_cast<double>(t);
        CHECK(r.rows[t].participants == 2);
        CHECK(r.rows[t].bits_up == (5.0 * dense + tt * 2.0 * per_msg) / 5.0);  // an exact sum over workers / n
        CHECK(r.rows[t].bits_up_max <= dense + tt * per_msg);
        CHECK(r.rows[t].bits_down == dense * tt);
      }
      // Every worker's cumulative count is dense + j * per_msg for some j: the largest is one of them.
      const double j = (r.rows.back().bits_up_max - dense) / per_msg;
      CHECK(j == std::round(j));
    }
  }
  SECTION("independent[p=0.5]: about n/2 per round") {
    const auto r = run(*p, "dasha_pp[participation=independent[p=0.5]]", "randk[k=5]", 400);
    double mean = 0;
    for (std::size_t t = 1; t < r.rows.size(); ++t) mean += r.rows[t].participants / 400.0;
    CHECK(mean == Approx(2.5).margin(0.3));
  }
  SECTION("non-participants compute nothing: grad evals match 2 full gradients per participant") {
    const auto r = run(*p, "dasha_pp[participation=snice[s=1]]", "randk[k=5]", 10);
    const double m_mean = r.rows[0].grad_evals;  // mean rows per worker (one full gradient each)
    for (std::size_t t = 1; t < r.rows.size(); ++t)
      CHECK(r.rows[t].grad_evals - r.rows[t - 1].grad_evals == Approx(2.0 * m_mean / 5.0).epsilon(0.05));
  }
}

TEST_CASE("dasha family: init=none sends nothing at round 0", "[methods]") {
  auto p = problem("logreg_nc[data=a1a,lambda=0.1]", 4);
  for (const std::string m : {"dasha_pp[init=none]", "dasha_pp_mvr[init=none,participation=snice[s=2]]",
                              "dasha_page[init=none]", "dasha_mvr[init=none]"}) {
    INFO(m);
    const auto r = run(*p, m, "randk[k=5]", 5);
    CHECK(r.rows[0].participants == 0);
    CHECK(r.rows[0].bits_up == 0);
    CHECK(r.rows[1].participants > 0);
  }
}

TEST_CASE("dasha_pp with full participation and dasha_page with p = 1 are DASHA", "[methods]") {
  auto p = problem("logreg_nc[data=a1a,lambda=0.1]", 4);
  const auto ref = run(*p, "dasha[stepsize=0.5]", "randk[k=5]", 30, 3, 64);
  for (const std::string m : {"dasha_pp[stepsize=0.5]", "dasha_page[stepsize=0.5,prob=1]"}) {
    INFO(m);
    const auto r = run(*p, m, "randk[k=5]", 30, 3, 64);
    REQUIRE(r.rows.size() == ref.rows.size());
    for (std::size_t t = 0; t < r.rows.size(); ++t) {
      CHECK(r.rows[t].grad_norm_sq == Approx(ref.rows[t].grad_norm_sq).epsilon(1e-9));
      CHECK(r.rows[t].bits_up == ref.rows[t].bits_up);
    }
  }
}

TEST_CASE("dasha family: step-size rules are recorded; bad parameters are usage errors", "[methods]") {
  auto p = problem("logreg_nc[data=a1a,lambda=0.1]", 4);
  const auto t = run(*p, "dasha_pp[participation=snice[s=2]]", "randk[k=5]", 2);
  CHECK(t.meta["method_info"]["stepsize_rule"].get<std::string>().find("CERT") != std::string::npos);
  const auto q = run(*p, "dasha_pp[participation=snice[s=2],stepsize=paper]", "randk[k=5]", 2);
  CHECK(q.meta["method_info"]["stepsize_rule"].get<std::string>().find("paper (recalled, unverified)") == 0);
  CHECK(q.meta["method_info"]["stepsize"].get<double>() == q.meta["method_info"]["stepsize_paper"].get<double>());
  const auto u = run(*p, "dasha_pp_page[participation=snice[s=2]]", "randk[k=5]", 2);
  CHECK(u.meta["method_info"]["stepsize_rule"].get<std::string>().find("NOT certified") != std::string::npos);
  CHECK_THROWS_AS(run(*p, "dasha_pp_mvr[stepsize=paper]", "randk[k=5]", 2), UsageError);
  CHECK_THROWS_AS(run(*p, "dasha_pp_mvr[participation=snice[s=2],b=0.9]", "randk[k=5]", 2), UsageError);
  CHECK_THROWS_AS(run(*p, "dasha_pp[participation=snice[s=9]]", "randk[k=5]", 2), UsageError);
  CHECK_THROWS_AS(run(*p, "dasha_page", "topk[k=5]", 2), UsageError);
}

TEST_CASE("dasha_mvr counts 2B sample gradients per worker per round after a B_init mega-batch", "[methods]") {
  auto p = problem("logreg_nc[data=a1a,lambda=0.1]", 4);
  const auto r = run(*p, "dasha_mvr[mega_batch=10,batch=3,batch_init=50]", "randk[k=5]", 5);
  CHECK(r.rows[0].grad_evals == Approx(50));
  for (std::size_t t = 1; t < r.rows.size(); ++t) CHECK(r.rows[t].grad_evals - r.rows[t - 1].grad_evals == Approx(6));
}
