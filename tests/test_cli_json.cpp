// `--json -` on every subcommand that prints a table: stdout is exactly one JSON document (the text
// for people goes to stderr), with numbers as numbers.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "test_cli_helpers.hpp"
#include "test_problem_helpers.hpp"

namespace {
// stdout only (stderr dropped), parsed as one document; a parse error fails the test with the text.
nlohmann::json json_of(const std::string& args) {
  const auto o = commopt::testing::run_shell(std::string("( ") + COMMOPT_BINARY + " " + args + " --data-dir " +
                                             COMMOPT_SHARED_DATASETS + " 2>/dev/null )");
  INFO(args << "\n" << o.output);
  REQUIRE(o.code == 0);
  REQUIRE(nlohmann::json::accept(o.output));
  return nlohmann::json::parse(o.output);
}
}  // namespace

TEST_CASE("json: every subcommand with --json - prints one document on stdout, numbers as numbers",
          "[cli][json]") {
  commopt::testing::TempDir dir;
  const std::string d = dir.path().string();

  const auto list = json_of("list --json -");
  CHECK(list["methods"].size() > 20);
  REQUIRE(!list["datasets"].empty());
  CHECK(list["datasets"][0]["file_bytes"].is_number_integer());

  const auto info = json_of("data info a1a --json -");
  CHECK(info["rows"] == 1605);
  CHECK(info["density"].is_number_float());
  const auto fetch_list = json_of("data fetch --list --json -");  // the catalogue; nothing is downloaded
  REQUIRE(fetch_list["datasets"].size() >= 100);
  CHECK(fetch_list["datasets"][0]["name"].is_string());
  const auto constants = json_of("data constants --problem 'quadratic[d=6]' -n 2 --json -");
  CHECK(constants["L"].is_number());
  CHECK(constants["L"].get<double>() > 0);

  const auto theory = json_of("theory --method marina --problem 'quadratic[d=8,seed=2]' -n 3 --json -");
  CHECK(theory["gamma"].is_number_float());
  CHECK(theory["bits_per_round"].get<double>() > theory["bits_per_message"].get<double>());  // dense rounds
  CHECK(theory["workers"] == 3);

  const auto check = json_of("check --method ef21 --problem 'quadratic[d=8,seed=2]' -n 3 --rounds 20 --seeds 1 --json -");
  REQUIRE(check.is_object());  // like every other document: the setting, the rows, the outcome
  REQUIRE(!check["rows"].empty());
  CHECK(check["rows"][0]["measured"].is_number());
  CHECK(check["failed"] == 0);
  CHECK(check["failed_checks"].empty());
  CHECK(check["method"] == "ef21");
  CHECK(check["seeds"] == 1);
  CHECK(check["problems"][0]["workers"] == 3);

  const auto run = json_of("run --problem 'quadratic[d=8]' -n 2 --rounds 10 --json - -o " + d + "/r.csv");
  CHECK(run["rounds"] == 10);
  CHECK(run["bits_up"].is_number());
  CHECK(run["status"] == "max_rounds");

  const auto demo = json_of("demo --data a1a -n 2 --max-bits 5000 --rounds 30 --json - --out-dir " + d + "/demo");
  REQUIRE(demo["rows"].size() == 6);
  CHECK(demo["rows"][0]["rounds"].is_number_integer());
  CHECK(demo["max_bits"] == 5000.0);

  const std::string toml = d + "/s.toml";
  std::ofstream(toml) << "name = \"s\"\nout_dir = \"" << d << "/sweep\"\nproblem = \"quadratic[d=8,seed=2]\"\n"
                      << "workers = 2\nrounds = 20\n[[runs]]\nmethod = \"gd\"\n";
  const auto sweep = json_of("sweep -j 1 " + toml + " --json -");
  REQUIRE(sweep["configurations"].size() == 1);
  CHECK(sweep["configurations"][0]["best_stepsize"].is_number());

  const auto reproduce = json_of("reproduce lag-uploads --quick --json - --out " + d + "/rep");
  REQUIRE(reproduce["reproductions"].size() == 1);
  CHECK(reproduce["reproductions"][0]["seconds"].is_number());
  CHECK(json_of("reproduce --list --json -")["reproductions"].size() >= 9);
}

TEST_CASE("json: --json FILE writes the same document and keeps the table on stdout", "[cli][json]") {
  commopt::testing::TempDir dir;
  const auto file = (dir / "t.json").string();
  const auto o = commopt::testing::run_cli("theory --method ef21 --problem 'quadratic[d=8,seed=2]' -n 3 --json " + file);
  REQUIRE(o.code == 0);
  CHECK(o.output.find("gamma = ") != std::string::npos);
  std::ifstream in(file);
  CHECK(nlohmann::json::parse(in)["gamma"].is_number());
  // -q: no text at all, the file still written
  const auto q = commopt::testing::run_cli("theory --method ef21 --problem 'quadratic[d=8,seed=2]' -n 3 -q --json " + file);
  CHECK(q.code == 0);
  CHECK(q.output.empty());
}
