// DIANA's theory rows (issue 15 items 4-5): the [DERIVED] strongly convex rate (theory/diana_rate.hpp,
// row sc-rate) and the [DERIVED] one-step potential as a binding exact one-step plan, whose power
// step lies outside the potential's claimed conditions (TheoremCard::state_potential_claimed).
#include <catch2/catch.hpp>

#include <cmath>

#include <fmt/format.h>

#include "methods/method.hpp"
#include "problems/quadratic.hpp"
#include "problems/registry.hpp"
#include "theory/checks.hpp"
#include "theory/diana_rate.hpp"
#include "theory/quadratic_form.hpp"
#include "theory/tightness.hpp"

using namespace commopt;

namespace {
std::unique_ptr<Objective> quadratic(int n) {
  return make_problem(Spec::parse("quadratic[d=20,mu=0.1,L=1,workers-heterogeneity=0.5,seed=1]", "--problem"), n, {});
}
const OneStepPlan& diana_plan() { return *find_method("diana").check.one_step; }
}  // namespace

TEST_CASE("diana strongly convex parameters: hand-computed from rho = max(1 - g mu + 6 w g^2 Lh^2/n, 1 - a/2)",
          "[diana_theory]") {
  ProblemConstants c;
  c.L = 1, c.L_hat = 2, c.mu = 0.1;
  // omega = 3, n = 4: alpha = 1/4, gamma = min(1, 4*0.1/(12*3*4)) = 1/360, c = 4*3/(4/4) = 12,
  // rho = 1 - n mu^2/(24 omega Lh^2) = 1 - 0.04/288 at the rho-minimizing step.
  const DianaRateParams p = diana_rate_params(c, 3, 4);
  CHECK(p.alpha == Approx(0.25).epsilon(1e-15));
  CHECK(p.gamma == Approx(1.0 / 360).epsilon(1e-14));
  CHECK(p.c == Approx(12).epsilon(1e-14));
  CHECK(p.rho == Approx(1 - 0.04 / 288).epsilon(1e-14));
  // The 1/L cap and the alpha branch: omega = 0.01, n = 100, mu = 0.5 -> gamma = 1/L = 1,
  // 1 - g mu + 6 w g^2 Lh^2/n = 1 - 0.5 + 0.06*4/100 = 0.5024 < 1 - alpha/2 = 1 - 1/2.02.
  c.mu = 0.5;
  const DianaRateParams q = diana_rate_params(c, 0.01, 100);
  CHECK(q.gamma == Approx(1.0).epsilon(1e-15));
  CHECK(q.rho == Approx(1 - 0.5 / 1.01).epsilon(1e-14));
}

TEST_CASE("diana's sc-rate row holds on the shipped code and its power row (alpha = 1) rejects", "[diana_theory]") {
  const auto p = quadratic(4);
  const auto rows = diana_rate_rows(*p, "diana", "randk[k=4]", 300, 8);
  REQUIRE(rows.size() == 2);
  INFO(rows[0].note << "\n" << rows[1].note);
  CHECK(rows[0].id == "sc-rate");
  CHECK(rows[0].verdict == "pass");
  CHECK(rows[0].provenance == "derived");
  CHECK(rows[0].measured < rows[0].bound);  // the worst effective rate shows the slack (t = 0 excluded)
  CHECK(rows[1].id == "sc-rate-power");
  CHECK(rows[1].verdict == "pass");
  // Psi_0 = |x^0 - x*|^2 + c gamma^2 mean |grad f_i(x*)|^2 (h^0 = 0), computed by hand here.
  const auto& quad = dynamic_cast<const QuadraticProblem&>(*p);
  const DianaRateParams par = diana_rate_params(p->constants(), 4, 4);  // randk k=4 of d=20: omega = 4
  double D = 0;
  for (int i = 0; i < 4; ++i) D += (quad.A(i) * quad.x_star() - quad.b(i)).squaredNorm() / 4;
  const double psi0 = (p->initial_point() - quad.x_star()).squaredNorm() + par.c * par.gamma * par.gamma * D;
  const auto psi = diana_psi_run(*p, quad.x_star(), with_method_param("diana", "stepsize", fmt::format("{:.17g}", par.gamma)),
                                 "randk[k=4]", par.c, 3, 1);
  REQUIRE(psi.size() == 4);
  CHECK(psi[0] == Approx(psi0).epsilon(1e-12));
  CHECK(diana_rate_rows(*make_problem(Spec::parse("logreg_nc[data=a1a]", "p"), 4, {}), "diana", "randk[k=4]", 10, 2)
            .front()
            .verdict == "skipped");
}

TEST_CASE("diana's derived one-step potential: exact NSD at 1x, claimed there, power outside the claim",
          "[diana_theory]") {
  const OneStepPlan& plan = diana_plan();
  REQUIRE(plan.provenance);
  CHECK(*plan.provenance == Provenance::derived);  // binding although the card's step is recalled
  const ExactOneStep at1 = exact_one_step(plan, 1.0, 1);
  CHECK(at1.linear);
  CHECK(at1.nsd());
  const auto claim = claimed_up_to(plan);
  REQUIRE(claim);
  CHECK(*claim > 1);
  CHECK(*claim < plan.power_factor);  // the power step is outside the claim ...
  CHECK_THROWS_AS(exact_one_step(plan, plan.power_factor, 1), std::logic_error);  // ... so it is not certified there
  // 3 instances as in the check's power row (the formula still holds on seed 1 alone at 16x).
  const ExactOneStep power = exact_one_step(plan, plan.power_factor, 3, {}, /*outside_claim=*/true);
  CHECK(power.linear);
  CHECK_FALSE(power.nsd());  // and the formula increases there: the check can fail
  const auto rows = one_step_rows(plan, 1.0);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].verdict == "pass");
  CHECK(rows[0].provenance == "derived");
  CHECK(rows[1].verdict == "pass");
}
