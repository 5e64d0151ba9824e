// One vocabulary across the subcommands (README "Vocabulary"): the old spellings of a concept give
// the same result as the new name and say, in one stderr line, which name replaces them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "test_cli_helpers.hpp"
#include "test_problem_helpers.hpp"
#include "trace/trace.hpp"

using commopt::testing::run_cli;

namespace {
std::string without_warnings(const std::string& s) {
  std::string out, line;
  for (std::size_t at = 0; at < s.size();) {
    const auto end = s.find('\n', at);
    line = s.substr(at, end == std::string::npos ? std::string::npos : end - at + 1);
    if (line.rfind("warning: ", 0) != 0) out += line;
    at = end == std::string::npos ? s.size() : end + 1;
  }
  return out;
}
}  // namespace

TEST_CASE("vocabulary: --eps and --threshold are --target, --budget is --max-bits, each with one warning",
          "[cli][vocabulary]") {
  const std::string theory = "theory --method ef21 --problem 'quadratic[d=8,seed=2]' -n 3 ";
  const auto now = run_cli(theory + "--target 1e-2");
  const auto old = run_cli(theory + "--eps 1e-2");
  REQUIRE(now.code == 0);
  REQUIRE(old.code == 0);
  CHECK(now.output.find("warning:") == std::string::npos);
  CHECK(old.output.find("warning: --eps is deprecated, use --target\n") != std::string::npos);
  CHECK(without_warnings(old.output) == now.output);
  CHECK(now.output.find("<= 0.01") != std::string::npos);  // the target reached the card

  commopt::testing::TempDir dir;
  const auto out = (dir / "b.csv").string();
  const auto budget = run_cli("run --problem 'quadratic[d=8]' -n 2 --budget=500 -q -o " + out);
  REQUIRE(budget.code == 0);
  CHECK(budget.output == "warning: --budget is deprecated, use --max-bits\n");
  CHECK(commopt::read_trace_csv(out).back().status == commopt::RunStatus::max_bits);
}

TEST_CASE("vocabulary: participation=snice[s=K] is the one spelling; s=K still runs the same rounds",
          "[cli][vocabulary]") {
  commopt::testing::TempDir dir;
  for (const std::string m : {"pp_marina", "ef21_pp", "frecon"}) {
    const auto a = (dir / (m + "-new.csv")).string(), b = (dir / (m + "-old.csv")).string();
    const std::string run = "run --problem 'quadratic[d=8,seed=2]' -n 4 --rounds 15 -q --method ";
    const auto now = run_cli(run + "'" + m + "[participation=snice[s=2]]' -o " + a);
    const auto old = run_cli(run + "'" + m + "[s=2]' -o " + b);
    REQUIRE(now.code == 0);
    REQUIRE(old.code == 0);
    CHECK(now.output.empty());
    CHECK(old.output ==
          "warning: " + m + "[s=K] is deprecated, use " + m + "[participation=snice[s=K]]\n");
    const auto ra = commopt::read_trace_csv(a), rb = commopt::read_trace_csv(b);
    REQUIRE(ra.size() == rb.size());
    for (std::size_t i = 0; i < ra.size(); ++i) {
      CHECK(ra[i].bits_up == rb[i].bits_up);
      CHECK(ra[i].grad_norm_sq == rb[i].grad_norm_sq);
    }
    std::ifstream meta((dir / (m + "-new.json")).string());
    CHECK(nlohmann::json::parse(meta)["method_info"]["participation"] == "snice[s=2]");
  }
  // dasha_pp had only participation=; s=K is accepted there too, and the two together are refused.
  CHECK(run_cli("run --problem 'quadratic[d=8]' -n 4 --rounds 5 -q --method 'dasha_pp[s=2]' -o " +
                (dir / "d.csv").string())
            .code == 0);
  const auto both = run_cli("run --problem 'quadratic[d=8]' -n 4 --rounds 5 -q --method 'pp_marina[s=2,participation=full]'");
  CHECK(both.code == 2);
  CHECK(both.output.find("keep participation=snice[s=K]") != std::string::npos);
}

TEST_CASE("vocabulary: sweep files take budget as max_bits and seeds = K as seeds 0..K-1", "[cli][vocabulary]") {
  commopt::testing::TempDir dir;
  const auto toml = (dir / "v.toml").string();
  std::ofstream(toml) << "name = \"v\"\nout_dir = \"" << (dir / "out").string()
                      << "\"\nproblem = \"quadratic[d=8,seed=2]\"\nbudget = 400\nseeds = 2\n[[runs]]\nmethod = \"gd\"\n";
  const auto o = run_cli("sweep " + toml + " --dry-run");
  REQUIRE(o.code == 0);
  CHECK(o.output.find("warning: sweep key budget is deprecated, use max_bits\n") != std::string::npos);
  CHECK(o.output.find("bits_up_max <= 400") != std::string::npos);
  CHECK(o.output.find("workers=10 seed=0") != std::string::npos);  // the one default n
  CHECK(o.output.find("workers=10 seed=1") != std::string::npos);
  CHECK(o.output.find(" seed=2 ->") == std::string::npos);
}

TEST_CASE("vocabulary: an old flag on a command without its new name is refused naming the flag typed",
          "[cli][vocabulary]") {
  // check, sweep, plot and data info have no --target / --max-bits: the alias must not turn the
  // user's --eps into a --target the command then calls unknown.
  struct Case {
    std::string args, old_flag, new_flag, command, one_option;
  };
  for (const Case& c : {Case{"check --eps 1e-3", "--eps", "--target", "check", "--suite"},
                        Case{"check --threshold=1e-3", "--threshold", "--target", "check", "--seeds"},
                        Case{"sweep x.toml --budget 1e5", "--budget", "--max-bits", "sweep", "--dry-run"},
                        Case{"data info a9a --eps 1", "--eps", "--target", "data info", "--features"},
                        Case{"plot r.csv --budget 3", "--budget", "--max-bits", "plot", "--theory"}}) {
    INFO(c.args);
    const auto o = run_cli(c.args);
    CHECK(o.code == 2);
    CHECK(commopt::testing::lines(o.output) == 1);
    CHECK(o.output.find(c.command + ": " + c.old_flag + " (the old name of " + c.new_flag + ") is not an option of " +
                        c.command + "; it takes ") != std::string::npos);
    CHECK(o.output.find(c.one_option) != std::string::npos);  // what the command accepts
    CHECK(o.output.find("unrecognised") == std::string::npos);
    CHECK(o.output.find("warning:") == std::string::npos);  // no "use --target" where it does not exist
  }
  // Where the new name exists the old one still works (demo: --threshold and --budget).
  const auto demo = run_cli("demo --help --threshold 1e-2 --budget 10");
  CHECK(demo.code == 0);
  CHECK(demo.output.find("warning: --threshold is deprecated, use --target\n") != std::string::npos);
  CHECK(demo.output.find("warning: --budget is deprecated, use --max-bits\n") != std::string::npos);
}
