// Output that explains itself (issue 14): `check` rows say what a power check's "pass" means and why
// a row measured nothing, and the ratio is measured ÷ bound on every row; `theory` predicts the bits
// of the rounds the method really sends (MARINA's dense rounds included) and prints no raw JSON or
// internal note names.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "test_cli_helpers.hpp"
#include "test_problem_helpers.hpp"
#include "trace/trace.hpp"

using commopt::testing::run_cli;

namespace {
nlohmann::json stdout_json(const std::string& args) {
  const auto o = commopt::testing::run_shell(std::string("( ") + COMMOPT_BINARY + " " + args + " --data-dir " +
                                             COMMOPT_SHARED_DATASETS + " 2>/dev/null )");
  INFO(args << "\n" << o.output);
  REQUIRE(nlohmann::json::accept(o.output));
  return nlohmann::json::parse(o.output);
}
}  // namespace

TEST_CASE("explain: check rows say what a power pass means, why nothing was measured, and ratio = measured/bound",
          "[cli][explain]") {
  // ef21 has a one-step certificate with its power row; diana's card has no evaluable bound (skipped rows).
  for (const std::string method : {"ef21", "diana"}) {
    const std::string args = "check --method " + method + " --problem 'quadratic[d=8,seed=2]' -n 3 --rounds 20 --seeds 1";
    const auto rows = stdout_json(args + " --json -").at("rows");
    int power = 0, nothing = 0;
    for (const auto& r : rows) {
      INFO(r.dump());
      const std::string verdict = r["verdict"], meaning = r["meaning"];
      if (r["power_check"].get<bool>()) {
        ++power;
        CHECK(meaning.find("pass = it failed, as it must") != std::string::npos);
      }
      if (verdict == "skipped" || verdict == "not certified") {
        ++nothing;
        CHECK(r["measured"].is_null());
        CHECK(r["ratio"].is_null());
        CHECK(meaning.rfind(verdict + ": ", 0) == 0);
        CHECK(meaning.size() > verdict.size() + 10);  // a reason, not just the verdict
        CHECK(meaning.find(".md") == std::string::npos);
      }
      if (!r["ratio"].is_null())
        CHECK(r["ratio"].get<double>() == Approx(r["measured"].get<double>() / r["bound"].get<double>()));
    }
    if (method == "ef21") CHECK(power >= 1);
    if (method == "diana") CHECK(nothing >= 1);
    // The text table carries the same words in the row itself (no -v needed) and no 0/0/0 for skipped rows.
    const auto text = run_cli(args);
    std::istringstream lines(text.output);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("one-step-power", 0) == 0) CHECK(line.find("pass = it failed, as it must") != std::string::npos);
      if (line.find(" skipped ") != std::string::npos) {
        INFO(line);
        CHECK(line.find("  -  ") != std::string::npos);
        CHECK(line.find(" 0 ") == std::string::npos);
      }
    }
  }
}

TEST_CASE("explain: theory's bits per round include MARINA's dense rounds, and match a run", "[cli][explain]") {
  const std::string setting = "--problem 'quadratic[d=20,seed=3]' -n 4 --method marina --compressor 'randk[k=1]'";
  const auto t = stdout_json("theory " + setting + " --json -");
  const double p = t["parameters"]["p"], dense = t["bits_dense"], message = t["bits_per_message"];
  REQUIRE(p > 0);
  REQUIRE(p < 1);
  // With probability p a round sends the dense vector, else the compressed message.
  CHECK(t["bits_per_round"].get<double>() == Approx(p * dense + (1 - p) * message));
  // The prediction holds on a run: mean uplink bits per round after the dense initialization.
  commopt::testing::TempDir dir;
  const auto out = (dir / "m.csv").string();
  REQUIRE(run_cli("run " + setting + " --rounds 4000 -q -o " + out).code == 0);
  const auto last = commopt::read_trace_csv(out).back();
  const double measured = (last.bits_up - dense) / static_cast<double>(last.round);
  INFO("measured " << measured << " bits per round, predicted " << t["bits_per_round"]);
  CHECK(measured == Approx(t["bits_per_round"].get<double>()).epsilon(0.1));
  // The text: no raw JSON, no internal note names.
  const auto text = run_cli("theory " + setting);
  CHECK(text.output.find("{\"") == std::string::npos);  // raw JSON opens with {"
  CHECK(text.output.find(".md") == std::string::npos);
  CHECK(text.output.find("per round in expectation") != std::string::npos);
}
