// DASHA-MVR's oracle complexity against epsilon (theory/mvr_oracle.hpp, issue 15 item 5): the
// informational row on a stochastic problem, and skipped without gradient noise.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include "problems/registry.hpp"
#include "test_cli_helpers.hpp"
#include "theory/mvr_oracle.hpp"

using namespace commopt;

TEST_CASE("mvr-oracle: the fitted exponent of oracle calls in 1/eps on a1a lies between 1 and 3/2 (+ its interval)",
          "[mvr_oracle]") {
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  const auto p = make_problem(Spec::parse("logreg_nc[data=a1a,lambda=0.1]", "p"), 4, o);
  const auto rows = mvr_oracle_rows(*p);
  REQUIRE(rows.size() == 1);
  INFO(rows[0].note);
  CHECK(rows[0].id == "mvr-oracle");
  CHECK(rows[0].note.find("INFORMATIONAL") != std::string::npos);
  CHECK(rows[0].bound == 1.5);
  CHECK(rows[0].measured > 0.8);
  CHECK(rows[0].verdict == "pass");
  WARN(rows[0].note);
}

TEST_CASE("mvr-oracle is skipped without gradient noise", "[mvr_oracle]") {
  const auto q = make_problem(Spec::parse("quadratic[d=10]", "p"), 3, {});
  CHECK(mvr_oracle_rows(*q).front().verdict == "skipped");
}
