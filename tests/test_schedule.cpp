// The step-size schedule policy (lib/methods/schedule.hpp): each kind's formula at given rounds,
// the warm-up on top, and one clear UsageError for malformed text.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "methods/schedule.hpp"

using namespace commopt;

namespace {
StepSchedule parse(const std::string& method) { return parse_schedule(Spec::parse(method, "--method"), 0.5); }
}  // namespace

TEST_CASE("schedule: constant, step decay, c/(a+t) and warm-up follow their formulas", "[schedule]") {
  const StepSchedule c = parse("m");
  CHECK(c.constant());
  CHECK(c.at(0) == 0.5);
  CHECK(c.at(1000) == 0.5);

  const StepSchedule s = parse("m[schedule=step[at=10:20,factor=0.5]]");
  CHECK(s.at(9) == 0.5);
  CHECK(s.at(10) == 0.25);
  CHECK(s.at(19) == 0.25);
  CHECK(s.at(20) == 0.125);
  CHECK(s.str() == "step[at=10:20,factor=0.5]");

  const StepSchedule v = parse("m[schedule=inv[a=4]]");
  CHECK(v.at(0) == 0.5);
  CHECK(v.at(4) == Approx(0.25).epsilon(1e-15));
  CHECK(v.at(12) == Approx(0.125).epsilon(1e-15));

  const StepSchedule w = parse("m[warmup=4]");
  CHECK(!w.constant());
  CHECK(w.at(0) == Approx(0.125));
  CHECK(w.at(3) == 0.5);
  CHECK(w.at(4) == 0.5);
  CHECK(w.str() == "constant+warmup=4");

  CHECK(parse_schedule(Spec::parse("m", "--method"), 2.0, "inv[a=10]").at(10) == 1.0);
}

TEST_CASE("schedule: malformed schedules are one UsageError naming the method", "[schedule]") {
  for (const char* bad : {"m[schedule=cosine]", "m[schedule=step]", "m[schedule=step[at=20:10]]",
                          "m[schedule=step[at=x]]", "m[schedule=step[at=10,factor=2]]", "m[schedule=inv]",
                          "m[schedule=inv[a=-1]]", "m[warmup=-3]", "m[schedule=step[at=10,fctor=0.5]]"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse(bad), UsageError);
  }
  try {
    parse("m[schedule=cosine]");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("m schedule=cosine") != std::string::npos);
  }
}
