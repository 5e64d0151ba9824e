// `commopt reproduce` for the DASHA family (dasha-vs-marina, dasha-pp-participation, ef21-vs-diana):
// each runs in --quick mode in seconds and writes report.md (claim, table, verdict line, figure
// reference) and verdict.json; and the verdict rules they use answer by the numbers, not constantly.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "cli/reproduce/experiment.hpp"
#include "cli/reproduce/verdict_rules.hpp"
#include "test_problem_helpers.hpp"

namespace {

using commopt::reproduce::Duel;
using commopt::reproduce::ParticipationPoint;
using commopt::reproduce::Verdict;
using commopt::reproduce::duel_verdict;
using commopt::reproduce::participation_verdict;

int run_quick(const std::string& name, const std::filesystem::path& out, std::string& output) {
  const std::string cmd = std::string("OMP_NUM_THREADS=1 ") + COMMOPT_BINARY + " reproduce " + name + " --quick --out " +
                          out.string() + " --data-dir " + COMMOPT_SHARED_DATASETS + " 2>&1";
  std::FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) output += buf.data();
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("reproduce: the DASHA-family entries run in quick mode and write a report and a verdict", "[reproduce]") {
  const commopt::testing::TempDir dir;  // one per process and section: concurrent runs do not collide
  const auto out = dir.path();
  for (const std::string name : {"dasha-vs-marina", "dasha-pp-participation", "ef21-vs-diana"}) {
    SECTION(name) {
      std::string output;
      REQUIRE(run_quick(name, out, output) == 0);
      INFO(output);
      const std::string md = slurp(out / name / "report.md");
      CHECK(md.find("## The claim") != std::string::npos);
      CHECK(md.find("## Our setting and why") != std::string::npos);
      CHECK(md.find("**Quick mode**") != std::string::npos);
      CHECK(md.find("\n|---|") != std::string::npos);  // a table
      CHECK(md.find("step γ") != std::string::npos);
      CHECK(md.find("**Verdict: ") != std::string::npos);
      CHECK(md.find("Wall time of this reproduction: ") != std::string::npos);
      const bool figure = md.find(".png)") != std::string::npos || md.find("figure not rendered") != std::string::npos;
      CHECK(figure);
      const auto v = nlohmann::json::parse(slurp(out / name / "verdict.json"));
      CHECK(v.at("name") == name);
      const std::string verdict = v.at("verdict");
      CHECK((verdict == "agrees" || verdict == "partly" || verdict == "disagrees"));
      CHECK(v.at("quick") == true);
      CHECK(v.at("seconds").get<double>() < 30);  // quick mode: seconds, not minutes
      CHECK(md.find("**Verdict: " + verdict + ".**") != std::string::npos);
      // The table holds measured numbers: at least one runs directory with traces per configuration.
      CHECK(std::distance(std::filesystem::directory_iterator(out / name / "runs"), {}) >= 2);
    }
  }
}

TEST_CASE("reproduce: the duel verdict follows the numbers", "[reproduce]") {
  const double never = INFINITY;
  // A needs fewer bits everywhere: agrees.
  CHECK(duel_verdict({{"t1", 8.3e3, 1.87e4}, {"t2", 2e4, 5e4}}) == Verdict::agrees);
  // A wins tuned, loses at theory steps (the DASHA paper case measured before): partly.
  CHECK(duel_verdict({{"tuned", 8.3e3, 1.87e4}, {"theory", 2.69e5, 1.62e5}}) == Verdict::partly);
  // A loses everywhere: disagrees.
  CHECK(duel_verdict({{"t1", 3e4, 1e4}, {"t2", 5e4, 4e4}}) == Verdict::disagrees);
  // A reached, the rival never did: a win; neither reached: no evidence.
  CHECK(duel_verdict({{"t1", 3e4, never}, {"t2", never, never}}) == Verdict::agrees);
  CHECK(duel_verdict({{"t1", never, 3e4}}) == Verdict::disagrees);
  CHECK(duel_verdict({{"t1", never, never}}) == Verdict::disagrees);
  // Ties are no win.
  CHECK(duel_verdict({{"t1", 1e4, 1e4}}) == Verdict::disagrees);
  CHECK(commopt::reproduce::duel_summary({{"x", 8300, never}}, "A", "B") == "A 8.3e+03 vs B not reached (x)");
}

TEST_CASE("reproduce: the participation verdict follows the numbers", "[reproduce]") {
  // Measured before: rounds ×2.30/×6.80, bits ×1.32/×1.42 for 1/p_a = 2/5: agrees.
  CHECK(participation_verdict({{2, 2.30, 1.32}, {5, 6.80, 1.42}}) == Verdict::agrees);
  // Bits grow as fast as rounds: the claim fails everywhere.
  CHECK(participation_verdict({{2, 2.0, 2.0}, {5, 5.0, 4.9}}) == Verdict::disagrees);
  // Bits grow little but rounds grow far more than 1/p_a at 1/p_a = 5: partly.
  CHECK(participation_verdict({{2, 2.1, 1.1}, {5, 14.0, 1.5}}) == Verdict::partly);
  // A level that never reached the target fails; no points at all is no support.
  CHECK(participation_verdict({{2, 2.1, 1.1}, {5, INFINITY, INFINITY}}) == Verdict::partly);
  CHECK(participation_verdict({}) == Verdict::disagrees);
}

TEST_CASE("reproduce: a reach table row reads the x column it names, over seeds", "[reproduce]") {
  using namespace commopt::reproduce;
  // Two seeds; bits_up_max and bits_up differ so that reading the wrong column shows.
  auto trace = [](double scale) {
    std::vector<commopt::TraceRow> t;
    for (int r = 0; r <= 4; ++r) {
      commopt::TraceRow row;
      row.round = r;
      row.bits_up = 100.0 * r * scale;
      row.bits_up_max = 1000.0 * r * scale;
      row.grad_norm_sq = std::pow(10.0, -r);  // 1, 0.1, 0.01, 1e-3, 1e-4
      row.loss = 1.0 - 0.1 * r;
      t.push_back(row);
    }
    return t;
  };
  SeedRuns runs;
  runs.config.label = "M";
  runs.traces = {trace(1), trace(2)};
  runs.meta = {nlohmann::json{{"method_info", {{"stepsize", 0.5}}}}, nlohmann::json{}};
  const auto row = reach_row(runs, "0.5", true, "bits_up_max", "grad_norm_sq", {1e-2, 1e-5});
  REQUIRE(row.size() == 6);
  CHECK(row[0] == "M");
  CHECK(row[1].find("at grid edge") != std::string::npos);
  CHECK(row[2] == "3000 [2000, 4000] (2/2)");  // reached at round 2: 2000 and 4000 bits (max over workers)
  CHECK(row[3] == "not reached (0/2)");
  CHECK(row[4] == "0.0001");
  CHECK(row[5] == "0.6");
  CHECK(majority_median(runs.reach("bits_up", "grad_norm_sq", 1e-2)) == 300);
  CHECK(std::isinf(majority_median(runs.reach("bits_up", "grad_norm_sq", 1e-5))));
  CHECK(reach_header("bits_up_max", "grad_norm_sq", {1e-2, 1e-5}).size() == 6);
}
