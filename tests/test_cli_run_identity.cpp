// A run's stop rule and its metadata (issue 12, "tidy results"; issue 16, default names): a bit
// budget or a target is not silently capped by the default round count, the metadata holds what is
// needed to rerun the run and to tell it apart from others, and default file names never collide.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_cli_helpers.hpp"
#include "test_problem_helpers.hpp"

using commopt::testing::lines;
using commopt::testing::run_cli;

namespace {
nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}
}  // namespace

TEST_CASE("run: a bit budget without --rounds is not capped at 1000 rounds", "[cli][identity]") {
  commopt::testing::TempDir dir;
  // gd on quadratic[d=10] sends 10 float32 values per worker and round: 320 bits; 1500 rounds' worth.
  const auto o = run_cli("run --problem 'quadratic[d=10]' -n 2 --method gd --max-bits 480000 -q -o " +
                         (dir / "b.csv").string());
  REQUIRE(o.code == 0);
  const auto meta = read_json(dir / "b.json");
  CHECK(meta["termination"] == "max_bits");
  CHECK(meta["rounds"].get<long long>() > 1000);
  CHECK(meta["stop"]["rounds_is_safety_cap"] == true);
  CHECK(meta["stop"]["max_bits"].get<double>() == 480000);

  // An explicit --rounds is a real limit, reported as such.
  const auto o2 = run_cli("run --problem 'quadratic[d=10]' -n 2 --method gd --max-bits 480000 --rounds 200 -q -o " +
                          (dir / "r.csv").string());
  REQUIRE(o2.code == 0);
  const auto meta2 = read_json(dir / "r.json");
  CHECK(meta2["termination"] == "max_rounds");
  CHECK(meta2["rounds"] == 200);
  CHECK(meta2["stop"]["rounds_is_safety_cap"] == false);
  CHECK(meta2["message"] == "ran 200 rounds");
}

TEST_CASE("run: the metadata holds what is needed to rerun and to tell runs apart", "[cli][identity]") {
  commopt::testing::TempDir dir;
  auto run = [&](const std::string& data, const std::string& name) {
    const auto o = run_cli("run --problem 'logreg[data=" + data + "]' -n 3 --method ef21 --compressor 'topk[k=2]' " +
                           "--rounds 7 --log-every 2 --split shuffled --seed 4 -q -o " + (dir / name).string());
    INFO(o.output);
    REQUIRE(o.code == 0);
    return read_json(dir / (std::filesystem::path(name).stem().string() + ".json"));
  };
  const auto a = run("a1a", "a.csv"), a2 = run("a1a", "a2.csv"), m = run("mushrooms", "m.csv");
  CHECK(a["command_line"].get<std::string>().find("--log-every 2") != std::string::npos);
  CHECK(a["command_line"].get<std::string>().find("'logreg[data=a1a]'") != std::string::npos);
  CHECK(a["stop"]["rounds"] == 7);
  CHECK(a["stop"]["max_bits"].is_null());
  CHECK(a["stop"]["target_on"] == "grad_norm_sq");
  CHECK(a["log_grid"]["every"] == 2);
  CHECK(a["environment"]["threads"].get<int>() >= 1);
  CHECK_FALSE(a["environment"]["build_type"].get<std::string>().empty());
  CHECK_FALSE(a["environment"]["host"].get<std::string>().empty());
  CHECK(a["stepsize"].get<double>() == a["method_info"]["stepsize"].get<double>());
  CHECK(a["seed"] == 4);
  CHECK(a["split"] == "shuffled");
  const auto& id = a["problem_identity"];
  CHECK(id["problem_spec"] == "logreg[data=a1a]");
  CHECK(id["split"] == "shuffled");
  CHECK(id["split_seed"] == 4);
  CHECK(id["data"]["name"] == "a1a");
  CHECK(std::filesystem::path(id["data"]["path"].get<std::string>()).is_absolute());
  CHECK(id["data"]["rows"] == 1605);  // a1a: 1,605 rows, 119 features (MANIFEST.md)
  CHECK(id["data"]["features"] == 119);
  const std::string sum = id["data"]["checksum_fnv1a64"];
  CHECK(std::regex_match(sum, std::regex("[0-9a-f]{16}")));
  CHECK(a2["problem_identity"]["data"]["checksum_fnv1a64"] == sum);                   // same file, same checksum
  CHECK(m["problem_identity"]["data"]["checksum_fnv1a64"].get<std::string>() != sum);  // other data, other one
}

TEST_CASE("run: default trace names differ for different configurations", "[cli][identity]") {
  commopt::testing::TempDir dir;
  const std::string base = "run --problem 'quadratic[d=6]' --method ef21 --rounds 3 -q ";
  for (const std::string extra : {"-n 2", "-n 3", "-n 2 --compressor 'topk[k=2]'", "-n 2 --split shuffled",
                                  "-n 2 --value-bits 64", "-n 2 --seed 1"})
    REQUIRE(run_cli(base + extra, dir.path().string()).code == 0);
  int traces = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "runs")) traces += e.path().extension() == ".csv";
  CHECK(traces == 6);
}

TEST_CASE("run: impossible limits are refused before anything runs", "[cli][identity]") {
  for (const std::string bad : {"--max-bits -1", "--max-bits nan", "--target -0.5", "--target inf", "--time-limit 0"}) {
    INFO(bad);
    const auto o = run_cli("run --problem 'quadratic[d=6]' -n 2 --method gd -q -o /nonexistent/x.csv " + bad);
    INFO(o.output);
    CHECK(o.code == 2);
    CHECK(lines(o.output) == 1);
    CHECK(o.output.find(bad.substr(0, bad.find(' '))) != std::string::npos);
  }
}

TEST_CASE("demo: no wall-clock limit decides a run, and the round cap is a safety limit", "[cli][identity]") {
  commopt::testing::TempDir dir;
  const auto o = run_cli("demo --budget 2e4 --out-dir " + (dir / "demo").string());
  INFO(o.output);
  REQUIRE(o.code == 0);
  // The table fits an 80-column terminal: no line wider than 79 columns, one row per method.
  std::istringstream text(o.output);
  int rows = 0;
  for (std::string line; std::getline(text, line);) {
    if (line.rfind("traces and metadata: ", 0) != 0) CHECK(line.size() <= 79);  // that one holds the user's path
    if (line.find(" max_bits") != std::string::npos || line.find(" max_rounds") != std::string::npos) ++rows;
  }
  CHECK(rows == 6);
  CHECK(o.output.find("dasha randk[ratio=0.01] ") != std::string::npos);  // method and compressor kept
  int metas = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "demo")) {
    if (e.path().extension() != ".json") continue;
    const auto meta = read_json(e.path());
    INFO(e.path());
    CHECK(meta["stop"]["time_limit"].is_null());
    CHECK(meta["stop"]["rounds_is_safety_cap"] == true);
    CHECK(meta["termination"] != "time_limit");
    ++metas;
  }
  CHECK(metas == 6);
}
