// The CLI as a user meets it: exit codes, one-line error messages with the fix, the trace header,
// the metadata beside the trace, and no partial file left behind as if complete.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "methods/method.hpp"
#include "test_cli_helpers.hpp"
#include "test_problem_helpers.hpp"
#include "trace/trace.hpp"

using commopt::testing::lines;
using commopt::testing::run_cli;

TEST_CASE("cli: a run writes a complete trace and its metadata", "[cli]") {
  commopt::testing::TempDir dir;
  const auto out = (dir / "t.csv").string();
  const auto o = run_cli("run --problem 'logreg[data=a1a]' -n 3 --method ef21 --compressor 'topk[k=5]' --rounds 20 -q -o " + out);
  REQUIRE(o.code == 0);
  std::ifstream in(out);
  std::string header;
  std::getline(in, header);
  CHECK(header ==
        "round,grad_evals,bits_up,bits_up_max,bits_down,participants,loss,grad_norm_sq,gap,lyapunov,accuracy,seconds,status");
  const auto rows = commopt::read_trace_csv(out);
  REQUIRE(rows.size() >= 2);
  CHECK(rows.front().round == 0);
  CHECK(rows.back().round == 20);
  CHECK(rows.back().status == commopt::RunStatus::max_rounds);
  CHECK_FALSE(std::filesystem::exists(out + ".partial"));
  std::ifstream meta_in((dir / "t.json").string());
  const auto meta = nlohmann::json::parse(meta_in);
  CHECK(meta["method"] == "ef21");
  CHECK(meta["compressor"] == "topk[k=5]");
  CHECK(meta["workers"] == 3);
  CHECK(meta["termination"] == "max_rounds");
  CHECK(meta["method_info"]["stepsize"].get<double>() > 0);
  CHECK(meta["method_info"]["stepsize_rule"].get<std::string>().rfind("theory", 0) == 0);
}

TEST_CASE("cli: bad input is one line naming the input, exit code 2", "[cli]") {
  struct Case {
    std::string args, must_contain;
  };
  const std::vector<Case> cases = {
      {"run --problem 'logreg[data=a1a]' --method efx21", "did you mean 'ef21'"},
      {"run --problem 'logreg[data=a1a]' --method 'ef21[stepsiz=1]'", "did you mean 'stepsize'"},
      {"run --problem 'logreg[data=a1a]' --method ef21 --compressor topkk", "did you mean 'topk'"},
      {"run --problem 'logreg[data=a1a]' --method ef21 --compressor 'topk[k=0]'", "topk"},
      {"run --problem 'logreg[data=no_such_data]'", "no_such_data"},
      {"run --problem 'logreg[data=a1a]' --value-bits 16", "--value-bits"},
      {"run --problem 'logreg[data=a1a]' --method dasha --compressor 'topk[k=3]'", "unbiased"},
      {"run --problem 'logreg[data=a1a]' --method gd --compressor 'topk[k=3]'", "takes no compressor"},
      {"run --problem 'logreg[data=a1a' ", "']'"},
      {"run --problem 'logreg[data=a1a]' --rounds abc", "rounds"},
      {"runn", "did you mean 'run'"},
      {"list things", "known: methods"},
      {"list methds", "did you mean 'methods'"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto o = run_cli(c.args);
    INFO(o.output);
    CHECK(o.code == 2);
    CHECK(lines(o.output) == 1);
    CHECK(o.output.find(c.must_contain) != std::string::npos);
  }
}

TEST_CASE("cli: a diverging method is a result, not a crash", "[cli]") {
  commopt::testing::TempDir dir;
  const auto out = (dir / "d.csv").string();
  const auto o = run_cli("run --problem 'quadratic[d=10]' -n 2 --method 'gd[stepsize=100]' --rounds 5000 -o " + out);
  CHECK(o.code == 0);
  CHECK(o.output.find("status=diverged") != std::string::npos);
  const auto rows = commopt::read_trace_csv(out);
  CHECK(rows.back().status == commopt::RunStatus::diverged);
}

TEST_CASE("cli: list reads the registries", "[cli]") {
  const auto o = run_cli("list");
  CHECK(o.code == 0);
  std::string names;
  for (const auto& m : commopt::method_registry()) {
    CHECK(o.output.find("  " + m.name + " ") != std::string::npos);
    names += m.name + "\n";
  }
  for (const char* name : {"identity", "randk", "topk", "scaled_sign", "logreg", "logreg_nc", "quadratic", "a9a"})
    CHECK(o.output.find(name) != std::string::npos);
  // --names: the registry's method names, one a line, nothing else (tests/mpi_trace_equal.sh reads it).
  const auto n = run_cli("list methods --names");
  CHECK(n.code == 0);
  CHECK(n.output == names);
  CHECK(run_cli("list datasets --names").code == 2);
}

TEST_CASE("cli: check --suite quick holds, and a 4x step is caught", "[cli][theory]") {
  const auto ok = run_cli("check --suite quick");
  INFO(ok.output);
  CHECK(ok.code == 0);
  CHECK(ok.output.find("all binding checks hold") != std::string::npos);
  for (const char* m : {"gd", "ef21", "dasha", "lag", "local_sgd", "dist_ef_sgd"}) CHECK(ok.output.find(m) != std::string::npos);
  const auto broken = run_cli("check --method 'dasha[stepsize=theory*4]' --compressor 'randk[k=4]'");
  INFO(broken.output);
  CHECK(broken.code == 1);
  CHECK(broken.output.find("FAILED") != std::string::npos);
  CHECK(run_cli("check --suite slow").code == 2);
}

TEST_CASE("cli: theory prints the card with numbers", "[cli][theory]") {
  const auto o = run_cli("theory --method ef21 --compressor 'topk[k=5]' --problem 'logreg_nc[data=a1a]' -n 4");
  INFO(o.output);
  CHECK(o.code == 0);
  CHECK(o.output.find("Theorem 1") != std::string::npos);
  CHECK(o.output.find("gamma =") != std::string::npos);
  CHECK(o.output.find("rounds to") != std::string::npos);
}

TEST_CASE("cli: sweep runs a grid, picks a step size, and resumes", "[cli][sweep]") {
  commopt::testing::TempDir dir;
  const auto toml = (dir / "e.toml").string();
  std::ofstream(toml) << "name = \"t\"\nproblem = \"quadratic[d=8,seed=2]\"\nworkers = 3\nrounds = 40\n"
                      << "seeds = [0, 1]\nstepsize_powers = [-1, 1]\nout_dir = \"" << (dir / "out").string() << "\"\n"
                      << "[[runs]]\nmethod = \"gd\"\n[[runs]]\nmethod = \"dasha\"\ncompressor = \"randk[k=2]\"\n";
  const auto first = run_cli("sweep " + toml);
  INFO(first.output);
  REQUIRE(first.code == 0);
  // gd on a quadratic: 1/L beats 1/(2L) (the summary names the best step as its spec)
  CHECK(first.output.find("\ngd                                                 theory ") != std::string::npos);
  // trace names: label, a hash of the configuration, the step (g<i>: theory*2^i) and the seed
  int traces = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "out"))
    if (e.path().extension() == ".csv" && e.path().filename() != "runs.csv") {
      ++traces;
      CHECK(std::filesystem::exists(std::filesystem::path(e.path()).replace_extension(".json")));
    }
  CHECK(traces == 8);
  const auto second = run_cli("sweep " + toml);
  CHECK(second.code == 0);
  CHECK(second.output.find("8 of 8 runs reused") != std::string::npos);  // the grid read back, not recomputed
  std::ofstream(toml) << "name = \"t\"\n[[runs]]\nmethod = \"gd\"\n";
  const auto bad = run_cli("sweep " + toml);
  CHECK(bad.code == 2);
  CHECK(bad.output.find("has no problem") != std::string::npos);
}

TEST_CASE("cli: help CMD prints that command's options, like CMD --help", "[cli]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"run", "--force"}, {"sweep", "--dry-run"}, {"plot", "--theory"}, {"reproduce", "--quick"}, {"check", "--suite"}};
  for (const auto& [cmd, option] : cases) {
    INFO(cmd);
    const auto help = run_cli("help " + cmd);
    CHECK(help.code == 0);
    CHECK(help.output.find(option) != std::string::npos);
  }
  CHECK(run_cli("help run").output == run_cli("run --help").output);
  const auto bad = run_cli("help runn");
  CHECK(bad.code == 2);
  CHECK(bad.output.find("did you mean 'run'") != std::string::npos);
}
