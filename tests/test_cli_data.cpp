// `commopt data info` and `commopt data constants` as a user meets them: the table, the JSON file,
// f* where it is defined (and the f_lower note where it is not), one-line errors with exit code 2.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "test_cli_helpers.hpp"
#include "test_problem_helpers.hpp"

namespace {

commopt::testing::Outcome run_data(const std::string& args) { return commopt::testing::run_cli("data " + args); }

}  // namespace

TEST_CASE("cli data: info prints sizes, labels and checksum", "[cli][constants]") {
  commopt::testing::TempDir dir;
  const auto o = run_data("info a1a --json " + (dir / "i.json").string());
  INFO(o.output);
  REQUIRE(o.code == 0);
  CHECK_THAT(o.output, Catch::Contains("rows         1605"));
  CHECK_THAT(o.output, Catch::Contains("fnv1a64:"));
  std::ifstream in(dir / "i.json");
  const auto j = nlohmann::json::parse(in);
  CHECK(j["rows"] == 1605);
  CHECK(j["compression"] == "xz");
  CHECK(j["labels"].size() == 2);
}

TEST_CASE("cli data: constants prints every constant and f*", "[cli][constants]") {
  commopt::testing::TempDir dir;
  commopt::testing::ScopedEnv env("XDG_CACHE_HOME", dir.path().string());
  const auto json = (dir / "c.json").string();
  auto o = run_data("constants --problem 'logreg[data=a1a]' -n 3 --split label-sorted --json " + json);
  INFO(o.output);
  REQUIRE(o.code == 0);
  for (const char* name : {"L_hat", "L_max_sample_rms", "L_max_sample", "L_pm", "sigma^2", "L_sigma", "f* = 0."})
    CHECK_THAT(o.output, Catch::Contains(name));
  {
    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    CHECK(j["L_i"].size() == 3);
    CHECK(j["f_star"].get<double>() > 0);
    CHECK(j["f_star_info"]["grad_norm"].get<double>() <= 1e-10);
    CHECK(j["L_pm_kind"] == "upper bound");
  }
  o = run_data("constants --problem 'logreg_nc[data=a1a]' -n 2");
  REQUIRE(o.code == 0);
  CHECK_THAT(o.output, Catch::Contains("f* unknown (nonconvex): bounds use f* >= f_lower = 0"));
  o = run_data("constants --problem 'quadratic[d=6]' -n 2");
  REQUIRE(o.code == 0);
  CHECK_THAT(o.output, Catch::Contains("(exact)"));
}

TEST_CASE("cli data: bad input is one line and exit code 2", "[cli][constants]") {
  for (const char* args : {"", "frobnicate", "info", "info nosuchdata", "constants --problem 'logreg[data=a1a]' -n 0",
                           "constants --problem 'nosuch'", "constants -n 2", "info a1a --json /dev/null/x.json"}) {
    INFO(args);
    const auto o = run_data(args);
    CHECK(o.code == 2);
    CHECK(std::count(o.output.begin(), o.output.end(), '\n') == 1);
  }
}

TEST_CASE("cli data: a catalogue dataset that is not on disk names the search path and `commopt data fetch`",
          "[cli][constants]") {
  // Nothing is downloaded (no network in CI): the error says where it looked and how to get the file.
  commopt::testing::TempDir dir;
  const std::string xdg = (dir / "xdg").string();
  commopt::testing::ScopedEnv home("HOME", dir.path().string()), data_home("XDG_DATA_HOME", xdg),
      data("COMMOPT_DATA", std::nullopt);
  struct Case {
    std::string args, name;
  };
  for (const Case& c : {Case{"run --problem 'logreg[data=real-sim]' -n 2 --rounds 1", "real-sim"},
                        Case{"data info rcv1", "rcv1"},
                        Case{"theory --method gd --problem 'logreg_nc[data=covtype]' -n 2", "covtype"}}) {
    INFO(c.args);
    const auto o = commopt::testing::run_cli(c.args, dir.path().string());  // ./data does not exist there
    INFO(o.output);
    CHECK(o.code == 2);
    CHECK(commopt::testing::lines(o.output) == 1);
    CHECK(o.output.find("dataset '" + c.name + "' not found") != std::string::npos);
    CHECK(o.output.find("`commopt data fetch " + c.name + "` downloads it") != std::string::npos);
    CHECK(o.output.find(xdg + "/commopt (missing)") != std::string::npos);        // the search path, last entry
    CHECK(o.output.find((dir / "data").string() + " (missing)") != std::string::npos);  // ./data
  }
  // A name the catalogue does not have is not offered for download.
  const auto o = commopt::testing::run_cli("data info nosuchdata", dir.path().string());
  CHECK(o.code == 2);
  CHECK(commopt::testing::lines(o.output) == 1);
  CHECK(o.output.find("data fetch") == std::string::npos);
  CHECK(o.output.find("--data-dir DIR") != std::string::npos);
}
