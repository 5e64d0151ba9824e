// Methods end to end through the simulated network: exact optima, rates, monotone potentials,
// seeds that matter, closed-form bit counts in the trace. What holds for every registered method
// (finite, decreasing, repeatable, bits = the encoded messages, a theorem card) is checked once for
// the whole registry in test_methods_registry.cpp.
#include <catch2/catch.hpp>

#include "test_method_helpers.hpp"

#include <cmath>

#include "compress/compressor.hpp"
#include "core/rng.hpp"
#include "problems/quadratic.hpp"
#include "problems/registry.hpp"
#include "run/job.hpp"

using namespace commopt;
using namespace commopt::testing;


TEST_CASE("gd on a quadratic reaches x* and follows (1 - mu/L)^k", "[methods]") {
  auto p = problem("quadratic[d=30,mu=0.05,L=1,workers-heterogeneity=0.5,seed=3]", 4);
  const auto& quad = dynamic_cast<const QuadraticProblem&>(*p);
  JobSpec job;
  job.method = "gd";
  job.stop.rounds = 700;
  job.value_bits = 64;
  job.grid.every = 1;
  const JobResult r = run_job(*p, job);
  REQUIRE(r.run.status == RunStatus::max_rounds);
  const double gap0 = *r.rows.front().gap;
  REQUIRE(gap0 > 0);
  const double rho = 1.0 - 0.05 / 1.0;
  for (const auto& row : r.rows) {
    // f(x^k) − f* ≤ (1 − μ/L)^k (f(x^0) − f*)  (Nesterov Thm 2.1.15 with γ = 1/L), up to rounding
    CHECK(*row.gap <= std::pow(rho, static_cast<double>(row.round)) * gap0 + 1e-13);
  }
  // Re-run and compare the final iterate with x*.
  MethodSetup s;
  s.problem = p.get();
  s.method = Spec::parse("gd", "--method");
  s.compressor = Spec::parse("identity", "--compressor");
  s.value_bits = 64;
  MethodInstance m = make_method(s);
  SimNetwork net(*p, m, 0);
  for (int t = 0; t <= 700; ++t) net.run_round(t);
  CHECK((net.model() - quad.x_star()).norm() <= 1e-8);
}

TEST_CASE("random methods draw from the seed: different seeds give different traces", "[methods]") {
  auto p = problem("logreg[data=a1a,lambda=0.01]", 5);
  for (const std::string m : {"dasha", "local_sgd[H=3,batch=8]"}) {
    INFO(m);
    std::optional<std::string> comp;
    if (m == "dasha") comp = "randk[k=5]";
    CHECK_FALSE(same_rows(run(*p, m, comp, 40, 7).rows, run(*p, m, comp, 40, 8).rows));
  }
}

TEST_CASE("the trace counts exactly the encoded bits", "[methods]") {
  auto p = problem("quadratic[d=64,seed=1]", 3);
  SECTION("gd: d values up and down per round") {
    const auto r = run(*p, "gd", std::nullopt, 10);
    for (const auto& row : r.rows) {
      CHECK(row.bits_up == 32.0 * 64 * static_cast<double>(row.round + 1));
      CHECK(row.bits_down == 32.0 * 64 * static_cast<double>(row.round));
      CHECK(row.participants == 3);
    }
  }
  SECTION("ef21 with topk: one dense init, then K (32 + ceil(log2 d)) bits per round") {
    const auto r = run(*p, "ef21", "topk[k=4]", 10);
    for (const auto& row : r.rows)
      CHECK(row.bits_up == 32.0 * 64 + 4.0 * (32 + 6) * static_cast<double>(row.round));
  }
}

TEST_CASE("the trace counts bits, not whole bytes, when messages end mid-byte", "[methods]") {
  // d = 61: a scaled_sign message is 61 sign bits + one 32-bit scale = 93 bits (11.625 bytes), up
  // from every worker in every round and down from the server in every round t >= 1 (dist_ef_sgd
  // compresses both ways with the same compressor). Counting 8 * bytes would give 96 per message.
  constexpr int d = 61, n = 3;
  constexpr double per_message = d + 32;
  static_assert(static_cast<long>(per_message) % 8 != 0);
  auto p = problem("quadratic[d=61,seed=4]", n);
  REQUIRE(p->dim() == d);
  // The encoder agrees with the closed form: 93 bits in ceil(93/8) = 12 bytes.
  const auto sc = make_compressor(Spec::parse("scaled_sign", "--compressor"), d, 32);
  Message m;
  Rng rng(1, 0, 0, Purpose::compress);
  sc->compress(Vec::LinSpaced(d, -1.0, 2.0), rng, m);
  CHECK(m.bits == 93);
  CHECK(m.bytes.size() == 12);
  const auto r = run(*p, "dist_ef_sgd", "scaled_sign", 12);
  REQUIRE(r.rows.size() == 13);
  for (const auto& row : r.rows) {
    INFO("round " << row.round);
    const auto t = static_cast<double>(row.round);
    CHECK(row.participants == n);
    CHECK(row.bits_up == per_message * (t + 1));
    CHECK(row.bits_up_max == per_message * (t + 1));
    CHECK(row.bits_down == per_message * t);
  }
  CHECK(std::fmod(r.rows.back().bits_up, 8.0) != 0.0);  // 13 * 93 = 1209
  // randk[k=3] under dasha: the dense init (61 values), then 3 values + 3 indices of ceil(log2 61) = 6
  // bits (list: 18 <= 61), 3 * 32 + 18 = 114 bits per round, 14.25 bytes.
  const auto q = run(*p, "dasha", "randk[k=3]", 12);
  for (const auto& row : q.rows) {
    INFO("dasha round " << row.round);
    CHECK(row.bits_up == 32.0 * d + 114.0 * static_cast<double>(row.round));
    CHECK(row.bits_down == 32.0 * d * static_cast<double>(row.round));
  }
}

TEST_CASE("deterministic methods never increase their potential", "[methods][theory]") {
  auto p = problem("logreg_nc[data=a1a,lambda=0.1]", 4);
  for (const auto& [m, comp] : std::vector<std::pair<std::string, std::optional<std::string>>>{
           {"gd", std::nullopt}, {"ef21", "topk[k=3]"}}) {
    INFO(m);
    const auto r = run(*p, m, comp, 300, 1, 64);
    REQUIRE(r.rows.front().lyapunov.has_value());
    for (std::size_t i = 1; i < r.rows.size(); ++i)
      CHECK(*r.rows[i].lyapunov <= *r.rows[i - 1].lyapunov * (1 + 1e-12) + 1e-15);
  }
}

TEST_CASE("a potential that rises is caught: ef21 at 20x its theory step", "[methods][theory]") {
  auto p = problem("logreg_nc[data=a1a,lambda=0.1]", 4);
  const auto r = run(*p, "ef21[stepsize=theory*20]", "topk[k=3]", 300, 1, 64);
  bool rose = false;
  for (std::size_t i = 1; i < r.rows.size(); ++i) rose |= *r.rows[i].lyapunov > *r.rows[i - 1].lyapunov;
  CHECK(rose);
}

TEST_CASE("lag skips uploads and pays only for the ones it sends", "[methods]") {
  auto p = problem("logreg[data=a1a,lambda=0.01]", 6);
  const auto r = run(*p, "lag", std::nullopt, 200);
  const double per_message = 32.0 * p->dim();
  bool skipped = false;
  for (const auto& row : r.rows) {
    skipped |= row.participants < 6;
    const double messages = row.bits_up * 6 / per_message;
    CHECK(messages == Approx(std::round(messages)).margin(1e-9));
  }
  CHECK(skipped);
  CHECK(r.rows.back().bits_up < per_message * 201);
}

TEST_CASE("a diverging run is a result with status diverged", "[methods]") {
  auto p = problem("quadratic[d=10,seed=2]", 2);
  const auto r = run(*p, "gd[stepsize=50]", std::nullopt, 2000);
  CHECK(r.run.status == RunStatus::diverged);
  CHECK(r.rows.back().status == RunStatus::diverged);
  CHECK(r.rows.back().round < 2000);
}
