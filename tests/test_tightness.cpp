// Tightness of the certified steps (theory/tightness.hpp, `commopt check --tightness`) and the
// exact one-step rows of `commopt check` (issue 15 items 3-4).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "methods/method.hpp"
#include "test_cli_helpers.hpp"
#include "problems/registry.hpp"
#include "run/job.hpp"
#include "theory/checks.hpp"
#include "theory/quadratic_form.hpp"
#include "theory/tightness.hpp"

using namespace commopt;

namespace {
const OneStepPlan& plan_of(const std::string& name) { return *find_method(name).check.one_step; }

std::unique_ptr<Objective> quadratic(int n) {
  return make_problem(Spec::parse("quadratic[d=20,mu=0.1,L=1,workers-heterogeneity=0.5,seed=1]", "--problem"), n, {});
}

std::vector<TraceRow> run(const Objective& p, const std::string& method, const std::string& comp, int rounds) {
  JobSpec job;
  job.method = method;
  job.compressor = comp;
  job.value_bits = 64;
  job.seed = 5;
  job.stop.rounds = rounds;
  job.grid.every = 1;
  return run_job(p, job).rows;
}
}  // namespace

TEST_CASE("gd's certified step 1/L is exactly tight: safe multiple 1", "[tightness]") {
  // Phi = f, q = (L c^2/2 - c/2)|grad f|^2 / L along the top eigenvector: <= 0 iff c <= 1.
  const TightnessResult r = safe_multiple(plan_of("gd"));
  CHECK(r.exact);
  CHECK(r.safe_multiple >= 1.0);
  CHECK(r.safe_multiple < 1.03);
}

TEST_CASE("MARINA's and DASHA's certificates hold exactly and are tight within 1.5x", "[tightness]") {
  for (const char* name : {"marina", "dasha"}) {
    INFO(name);
    const ExactOneStep at1 = exact_one_step(plan_of(name), 1.0, 1);
    CHECK(at1.linear);
    CHECK(at1.nsd());
    CHECK_FALSE(exact_one_step(plan_of(name), 1.5, 1).nsd());
  }
}

TEST_CASE("one-step rows say which check was done", "[tightness]") {
  const auto marina = one_step_rows(plan_of("marina"), 1.0);
  REQUIRE(marina.size() == 2);
  CHECK(marina[0].verdict == "pass");
  CHECK(marina[0].note.find("EXACT OVER ALL STATES") != std::string::npos);
  CHECK(marina[1].verdict == "pass");  // the power row found a positive eigenvalue
  CHECK(paper_step_note(plan_of("dasha")).find("EXCEEDS the paper's step") != std::string::npos);
  CHECK(paper_step_note(plan_of("gd")).empty());  // no recalled paper rule recorded
  // (TopK's fallback to sampled states: tests/test_quadratic_form.cpp checks that its form is not linear.)
}

TEST_CASE("dasha_pp at full participation is DASHA: same iterates, same certified step", "[tightness]") {
  const auto p = quadratic(4);
  for (const char* part : {"full", "snice[s=4]"}) {
    const auto pp = run(*p, fmt::format("dasha_pp[participation={}]", part), "randk[k=3]", 30);
    const auto da = run(*p, "dasha", "randk[k=3]", 30);
    REQUIRE(pp.size() == da.size());
    for (std::size_t t = 0; t < pp.size(); ++t) {
      INFO("participation " << part << ", round " << t);
      CHECK(pp[t].loss == da[t].loss);
      CHECK(pp[t].grad_norm_sq == da[t].grad_norm_sq);
    }
    const StepPair a = theory_and_paper_steps(fmt::format("dasha_pp[participation={}]", part), "randk[k=3]", *p);
    const StepPair b = theory_and_paper_steps("dasha", "randk[k=3]", *p);
    CHECK(a.theory == Approx(b.theory).epsilon(1e-14));
  }
}

TEST_CASE("run-based safe multiple on the problem at hand: gd's f decreases up to 2/L", "[tightness]") {
  // On a quadratic, f(x - c/L grad f) <= f(x) for every x iff c <= 2 (the top eigenvalue is L).
  const auto p = quadratic(4);
  const auto r = run_safe_multiple(*p, "gd", "", 60, 1);
  REQUIRE(r);
  CHECK(r->safe_multiple >= 1.8);
  CHECK(r->safe_multiple <= 2.0);
  CHECK(r->fails_at >= 2.0);
  CHECK(r->fails_at <= 2.1);
  CHECK_FALSE(run_safe_multiple(*p, "dasha_page", "randk[k=3]", 30, 2));  // no potential logged
}

TEST_CASE("cli: check --tightness prints the safe multiple; a method without a one-step plan is refused",
          "[tightness][cli]") {
  const auto ok = commopt::testing::run_cli("check --tightness --method gd --problem 'quadratic[d=8,seed=2]' -n 3");
  INFO(ok.output);
  CHECK(ok.code == 0);
  CHECK(ok.output.find("safe multiple") != std::string::npos);
  CHECK(ok.output.find("exact over all states") != std::string::npos);
  const auto no = commopt::testing::run_cli("check --tightness --method lag --problem 'quadratic[d=8,seed=2]' -n 3");
  CHECK(no.code == 2);
  CHECK(no.output.find("no one-step plan") != std::string::npos);
}
