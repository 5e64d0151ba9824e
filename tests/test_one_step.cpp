// The hand-written one-step models that remain (the DASHA family's model_only plans, theory/one_step.hpp):
// their inequalities hold at the [CERT] step and fail at a multiple of it (the power check). The
// certificates that run the shipped code are tested in test_certificate.cpp.
#include <catch2/catch.hpp>

#include "theory/one_step.hpp"

using namespace commopt;

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
