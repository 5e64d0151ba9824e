// The reproductions of the lazy / error-feedback papers (lag-uploads, laq, qsparse-bits,
// dist-ef-two-way): the uploads count they read from traces, their verdict rules on made-up numbers,
// and each entry's --quick run writing a report (claim, table, verdict) and verdict.json.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "cli/reproduce/lazy_verdicts.hpp"
#include "core/error.hpp"
#include "run/compare.hpp"
#include "test_problem_helpers.hpp"

using namespace commopt;
using namespace commopt::reproduce;

namespace {

// One row per round: (participants, gap).
std::vector<TraceRow> rounds(std::vector<std::pair<int, double>> uploads_and_gap) {
  std::vector<TraceRow> rows;
  long long t = 0;
  for (auto [u, g] : uploads_and_gap) {
    TraceRow r;
    r.round = t++;
    r.participants = u;
    r.gap = g;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace

TEST_CASE("cumulative_uploads sums the participants of every round", "[reproduce]") {
  const auto rows = rounds({{9, 1.0}, {3, 0.5}, {0, 0.4}, {2, 0.1}});
  CHECK(cumulative_uploads(rows) == std::vector<double>{9, 12, 12, 14});
  CHECK(cumulative_uploads({}).empty());
}

TEST_CASE("uploads_to_reach counts up to and including the first row at the target", "[reproduce]") {
  const auto rows = rounds({{9, 1.0}, {3, 0.5}, {0, 0.4}, {2, 0.1}, {5, 0.05}});
  CHECK(uploads_to_reach(rows, "gap", 0.45) == 12.0);  // round 2 reaches it, with no upload of its own
  CHECK(uploads_to_reach(rows, "gap", 0.1) == 14.0);
  CHECK(uploads_to_reach(rows, "gap", 1.0) == 9.0);    // round 0 (the initialization's uploads)
  CHECK_FALSE(uploads_to_reach(rows, "gap", 0.01).has_value());
  CHECK_THROWS_AS(uploads_to_reach(rows, "gapp", 0.1), UsageError);
}

TEST_CASE("uploads need every round logged: a skipped round is an error naming it", "[reproduce]") {
  auto rows = rounds({{9, 1.0}, {3, 0.5}, {1, 0.1}});
  rows[2].round = 5;  // log_every > 1: the uploads of rounds 2-4 are not in the trace
  try {
    (void)cumulative_uploads(rows);
    FAIL("no error");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("from round 1 to 5") != std::string::npos);
  }
}

TEST_CASE("lag verdict: an order of magnitude for both variants agrees", "[reproduce]") {
  CHECK(lag_verdict(10.4, 12.0) == Verdict::agrees);
  CHECK(lag_verdict(10.4, 3.7) == Verdict::partly);  // the measured factors of the code's setting
  CHECK(lag_verdict(1.5, 1.9) == Verdict::disagrees);
  CHECK(lag_verdict(std::nullopt, 20.0) == Verdict::disagrees);  // a variant never reached the target
}

TEST_CASE("laq verdict: fewer bits than GD, QGD and LAG", "[reproduce]") {
  CHECK(laq_verdict(227, 30.5, 8.9) == Verdict::agrees);
  CHECK(laq_verdict(9, 30.5, 8.9) == Verdict::partly);
  CHECK(laq_verdict(227, 30.5, 1.5) == Verdict::partly);
  CHECK(laq_verdict(227, 30.5, 0.9) == Verdict::disagrees);
  CHECK(laq_verdict(227, std::nullopt, 8.9) == Verdict::disagrees);
}

TEST_CASE("qsparse verdict: > 1000x against SGD and >= 10x against TopK-SGD", "[reproduce]") {
  CHECK(qsparse_verdict(1033, 13) == Verdict::agrees);
  CHECK(qsparse_verdict(285, 13) == Verdict::partly);  // the constant-step SGD baseline
  CHECK(qsparse_verdict(1033, 6) == Verdict::partly);
  CHECK(qsparse_verdict(5, 13) == Verdict::disagrees);
  CHECK(qsparse_verdict(1033, 0.8) == Verdict::disagrees);
  CHECK(qsparse_verdict(std::nullopt, 13) == Verdict::disagrees);
}

TEST_CASE("dist-ef verdict: the full-precision loss at ~32x fewer bits each way", "[reproduce]") {
  CHECK(dist_ef_verdict(0.0004, 31) == Verdict::agrees);
  CHECK(dist_ef_verdict(-0.002, 31) == Verdict::agrees);  // better than full precision
  CHECK(dist_ef_verdict(0.03, 31) == Verdict::partly);
  CHECK(dist_ef_verdict(0.0004, 12) == Verdict::partly);
  CHECK(dist_ef_verdict(0.08, 31) == Verdict::disagrees);
  CHECK(dist_ef_verdict(0.0004, 4) == Verdict::disagrees);
  CHECK(dist_ef_verdict(NAN, 31) == Verdict::disagrees);  // no loss to compare
}

TEST_CASE("ef-sgd verdict: EF-signSGD matches SGD where signSGD stalls", "[reproduce]") {
  CHECK(ef_sgd_verdict(0.43, 227) == Verdict::agrees);  // measured: EF better than SGD, signSGD stuck
  CHECK(ef_sgd_verdict(1.9, 10) == Verdict::agrees);
  CHECK(ef_sgd_verdict(1.9, 3) == Verdict::partly);      // signSGD did not fail
  CHECK(ef_sgd_verdict(5, 100) == Verdict::partly);      // EF within an order of magnitude only
  CHECK(ef_sgd_verdict(20, 100) == Verdict::disagrees);
  CHECK(ef_sgd_verdict(NAN, 100) == Verdict::disagrees);
}

TEST_CASE("cser verdict: the dense loss at R_C = 1024", "[reproduce]") {
  CHECK(cser_verdict(0.01, 0.0) == Verdict::agrees);
  CHECK(cser_verdict(0.2, 0.01) == Verdict::partly);   // only the moderate ratio keeps up
  CHECK(cser_verdict(0.08, 0.05) == Verdict::partly);
  CHECK(cser_verdict(0.2, 0.05) == Verdict::disagrees);
  CHECK(cser_verdict(NAN, NAN) == Verdict::disagrees);
}

TEST_CASE("each lazy/EF reproduction writes its report and verdict in --quick mode", "[reproduce]") {
  const commopt::testing::TempDir dir;  // one per process and section: concurrent runs do not collide
  const auto out = dir.path();
  for (const std::string name : {"lag-uploads", "laq", "qsparse-bits", "dist-ef-two-way", "ef-sgd", "cser"}) {
    SECTION(name) {
      const std::string cmd = std::string(COMMOPT_BINARY) + " reproduce " + name + " --quick --out " + out.string() +
                              " --data-dir " + COMMOPT_SHARED_DATASETS + " 2>&1";
      std::FILE* pipe = popen(cmd.c_str(), "r");
      REQUIRE(pipe != nullptr);
      std::array<char, 4096> buf{};
      std::string output;
      while (std::fgets(buf.data(), buf.size(), pipe)) output += buf.data();
      const int status = pclose(pipe);
      INFO(output);
      REQUIRE(WIFEXITED(status));
      REQUIRE(WEXITSTATUS(status) == 0);
      std::ifstream md(out / name / "report.md");
      REQUIRE(md);
      std::stringstream ss;
      ss << md.rdbuf();
      const std::string report = ss.str();
      CHECK(report.find("## Claim") != std::string::npos);
      CHECK(report.find("|---|") != std::string::npos);
      CHECK(report.find("**Verdict: ") != std::string::npos);
      CHECK(report.find("Quick mode") != std::string::npos);
      CHECK(report.find(".png") != std::string::npos);  // the figure is referenced, rendered or not
      std::ifstream vj(out / name / "verdict.json");
      REQUIRE(vj);
      const auto v = nlohmann::json::parse(vj);
      CHECK(v["name"] == name);
      CHECK(v["quick"] == true);
      const std::string verdict = v["verdict"];
      CHECK((verdict == "agrees" || verdict == "partly" || verdict == "disagrees"));
      CHECK(!v["why"].get<std::string>().empty());
    }
  }
}
