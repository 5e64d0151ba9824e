// Check 1 of the theory engine in the unit tests: exact one-step potential inequalities of the
// certified methods hold at the theory step size on many states of tiny nonconvex quadratics, and
// fail at a multiple of it (the power check: a test that cannot fail is worthless).
#include <catch2/catch.hpp>

#include "theory/one_step.hpp"

using namespace commopt;

TEST_CASE("one-step potential inequalities hold at the theory step size", "[theory][one_step]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const TinyQuadratics q = make_tiny_quadratics(6, 4, seed);
    REQUIRE(q.L > 0);
    for (const auto& [method, k] : std::vector<std::pair<std::string, int>>{{"gd", 0}, {"ef21", 2}, {"ef21", 1},
                                                                            {"dasha", 2}, {"dasha", 1}}) {
      INFO(method << " k=" << k << " seed " << seed);
      const OneStepResult r = one_step_check(method, q, k, 1.0, 400, seed);
      INFO("worst slack " << r.worst_slack);
      CHECK(r.violations == 0);
    }
  }
}

TEST_CASE("power check: a too-large step size is caught", "[theory][one_step]") {
  const TinyQuadratics q = make_tiny_quadratics(6, 4, 1);
  // DASHA at 4x (the spec's factor, dasha-family.md §7); GD's descent lemma breaks past 2/L; EF21's
  // theory step is conservative here (measured: no violation at 4x, first ones at 6x), so 8x.
  for (const auto& [method, k, factor] :
       std::vector<std::tuple<std::string, int, double>>{{"gd", 0, 2.5}, {"ef21", 2, 8.0}, {"dasha", 2, 4.0}}) {
    INFO(method << " at " << factor << "x");
    const OneStepResult r = one_step_check(method, q, k, factor, 2000, 7);
    INFO("worst slack " << r.worst_slack);
    CHECK(r.violations > 0);
  }
}

// The DASHA family's [CERT]s (dasha-family.md §3.2, §3.3, §3.5): exact one-step tests on tiny
// finite sums (d = 6, n = 4, m = 3 rows, B = 1, RandK K = 2), every RandK subset, sample, PAGE coin
// and s-subset enumerated; DASHA-PP for every s in 1..4.
TEST_CASE("DASHA family one-step potential inequalities hold at the [CERT] step", "[theory][one_step]") {
  std::vector<std::pair<std::string, int>> cases = {{"dasha_page", 0}, {"dasha_mvr", 0}};
  for (int s = 1; s <= 4; ++s) cases.push_back({"dasha_pp", s}), cases.push_back({"dasha_pp_mvr", s});
  for (const auto& [method, s] : cases)
    for (std::uint64_t seed : {1u, 2u}) {
      INFO(method << " s=" << s << " seed " << seed);
      const OneStepResult r = one_step_check_dasha(method, 6, 4, 2, s, 1.0, 150, seed);
      INFO("worst slack " << r.worst_slack);
      CHECK(r.violations == 0);
    }
}

TEST_CASE("DASHA family power check: 4x the [CERT] step is caught", "[theory][one_step]") {
  std::vector<std::pair<std::string, int>> cases = {{"dasha_page", 0}, {"dasha_mvr", 0}, {"dasha_pp", 2},
                                                    {"dasha_pp_mvr", 2}};
  for (const auto& [method, s] : cases) {
    INFO(method << " s=" << s);
    const OneStepResult r = one_step_check_dasha(method, 6, 4, 2, s, 4.0, 600, 7);
    INFO("worst slack " << r.worst_slack);
    CHECK(r.violations > 0);
  }
}
