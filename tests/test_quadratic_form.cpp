// The exact one-step check over all states (theory/quadratic_form.hpp, issue 15 item 3).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "methods/method.hpp"
#include "theory/quadratic_form.hpp"

using namespace commopt;

namespace {
const OneStepPlan& plan_of(const std::string& name) { return *find_method(name).check.one_step; }
}  // namespace

TEST_CASE("exact one-step forms of the shipped linear methods are NSD at 1x and not at the power factor",
          "[quadratic_form]") {
  for (const char* name : {"gd", "marina", "pp_marina", "dasha"}) {
    const OneStepPlan& plan = plan_of(name);
    const ExactOneStep at1 = exact_one_step(plan, 1.0, 1);
    INFO(fmt::format("{}: linear {} (err {:.2g}), dim {}, outcomes {}, lambda_max/|M| = {:.3g}", name, at1.linear,
                     at1.worst_linearity_error, at1.max_dim, at1.max_outcomes, at1.worst_relative_lambda));
    CHECK(at1.linear);
    CHECK(at1.nsd());
    const ExactOneStep power = exact_one_step(plan, plan.power_factor, 1);
    INFO(fmt::format("power {}x: lambda_max/|M| = {:.3g}", plan.power_factor, power.worst_relative_lambda));
    CHECK(power.linear);
    CHECK_FALSE(power.nsd());
  }
}

TEST_CASE("TopK is not linear: the exact check says so (the caller samples instead)", "[quadratic_form]") {
  const ExactOneStep r = exact_one_step(plan_of("ef21"), 1.0, 1);
  CHECK_FALSE(r.linear);
}
