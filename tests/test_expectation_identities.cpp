// Exact expectation identities of the shipped code (issue 15 item 2; theory/expectation_identities.hpp):
// the expected DASHA-PP update over participation, compressor, coins and rows is the DASHA update,
// MARINA/PAGE estimators are unbiased given the past, DIANA's and FRECON's expected updates; each
// told apart from the reference with its momentum / probability doubled.
#include <catch2/catch.hpp>

#include "theory/expectation_identities.hpp"

using namespace commopt;

TEST_CASE("expected updates of the shipped code equal the proofs' (parameters by hand)", "[expectation]") {
  for (const char* m : {"dasha", "dasha_page", "dasha_mvr", "dasha_sync_mvr", "dasha_pp", "dasha_pp_page",
                        "dasha_pp_mvr", "marina", "pp_marina", "vr_marina", "page", "diana", "frecon"}) {
    INFO(m);
    REQUIRE(has_expectation_identity(m));
    const ExpectationResult r = expectation_identity(m, 2, 7);
    INFO(r.spec << " outcomes " << r.outcomes);
    CHECK(r.outcomes > 1);
    CHECK(r.worst <= 1e-10);
    CHECK(r.power_most > 1e-6);
  }
}

TEST_CASE("expectation rows: a binding row and its power row", "[expectation]") {
  const auto rows = expectation_rows("dasha_pp_page");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].id == "expectation");
  CHECK(rows[0].verdict == "pass");
  CHECK(rows[1].id == "expectation-power");
  CHECK(rows[1].verdict == "pass");
  CHECK(expectation_rows("gd").empty());
}

TEST_CASE("unbiased compressors: exact E decode(C(x)) = x where the draws are enumerable", "[expectation]") {
  const auto rows = compressor_unbiased_rows();
  int passed = 0;
  bool randk = false, qsgd = false, bernoulli = false;
  for (const auto& r : rows) {
    INFO(r.id << " " << r.method << ": " << r.note);
    CHECK(r.verdict != "FAIL");
    if (r.verdict != "pass" || r.id != "expectation:unbiased") continue;
    ++passed;
    randk = randk || r.method == "randk[k=3]";
    qsgd = qsgd || r.method == "qsgd[s=4]";
    bernoulli = bernoulli || r.method == "bernoulli[p=0.5]";
  }
  CHECK(passed >= 6);
  CHECK((randk && qsgd && bernoulli));
  REQUIRE_FALSE(rows.empty());
  CHECK(rows.back().id == "expectation:unbiased-power");
  CHECK(rows.back().verdict == "pass");
}
