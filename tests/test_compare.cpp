// lib/run/compare: the rules that sweep, plot and reproduce share.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.hpp"
#include "run/compare.hpp"

using namespace commopt;

namespace {
std::vector<TraceRow> trace(std::vector<std::pair<double, double>> bits_and_grad) {
  std::vector<TraceRow> rows;
  long long t = 0;
  for (auto [b, g] : bits_and_grad) {
    TraceRow r;
    r.round = t++;
    r.bits_up = b;
    r.grad_norm_sq = g;
    rows.push_back(r);
  }
  return rows;
}
}  // namespace

TEST_CASE("first_reach gives x at the first row at or under the target", "[compare]") {
  const auto rows = trace({{0, 1.0}, {10, 0.5}, {20, 0.1}, {30, 0.2}, {40, 0.01}});
  CHECK(first_reach(rows, "bits_up", "grad_norm_sq", 0.1) == 20.0);
  CHECK(first_reach(rows, "round", "grad_norm_sq", 0.05) == 4.0);
  CHECK_FALSE(first_reach(rows, "bits_up", "grad_norm_sq", 1e-3).has_value());
  CHECK_THROWS_AS(first_reach(rows, "bits", "grad_norm_sq", 0.1), UsageError);
}

TEST_CASE("value_at_budget reads the last row within the budget", "[compare]") {
  const auto rows = trace({{0, 1.0}, {10, 0.5}, {20, 0.1}, {30, 0.2}});
  CHECK(value_at_budget(rows, "bits_up", "grad_norm_sq", 25) == 0.1);
  CHECK(value_at_budget(rows, "bits_up", "grad_norm_sq", 30) == 0.2);
  CHECK_FALSE(value_at_budget(rows, "bits_up", "gap", 30).has_value());  // no f*: no gap
  CHECK_FALSE(value_at_budget(trace({{5, 1.0}}), "bits_up", "grad_norm_sq", 1).has_value());
}

TEST_CASE("papers_score is the mean log10 over the last 90% and never picks a diverged run", "[compare]") {
  std::vector<std::pair<double, double>> pts;
  for (int i = 0; i < 10; ++i) pts.push_back({double(i), i == 0 ? 1e6 : 1e-2});  // the first 10% is dropped
  CHECK(papers_score(trace(pts)) == Approx(-2.0));
  auto d = trace(pts);
  d.back().status = RunStatus::diverged;
  CHECK(std::isinf(papers_score(d)));
  d = trace(pts);
  d[5].grad_norm_sq = NAN;
  CHECK(std::isinf(papers_score(d)));
}

TEST_CASE("spread gives median and range over the present values and counts the missing", "[compare]") {
  const Spread s = spread({3.0, std::nullopt, 1.0, 2.0, 10.0});
  CHECK(s.median == 2.5);
  CHECK(s.min == 1.0);
  CHECK(s.max == 10.0);
  CHECK(s.present == 4);
  CHECK(s.missing == 1);
  CHECK(spread({1.0, 5.0, 2.0}).median == 2.0);
  CHECK(std::isnan(spread({std::nullopt}).median));
}
