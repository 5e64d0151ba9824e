// The CLI as a user meets it: exit codes, one-line error messages with the fix, the trace header,
// the metadata beside the trace, and no partial file left behind as if complete.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "test_problem_helpers.hpp"
#include "trace/trace.hpp"

namespace {

struct Outcome {
  int code = -1;
  std::string output;  // stdout and stderr together
};

Outcome run_cli(const std::string& args) {
  const std::string cmd = std::string(COMMOPT_BINARY) + " " + args + " --data-dir " + COMMOPT_SHARED_DATASETS + " 2>&1";
  Outcome o;
  std::FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) o.output += buf.data();
  const int status = pclose(pipe);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

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
  CHECK(rows.back().status == "max_rounds");
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
  CHECK(rows.back().status == "diverged");
}

TEST_CASE("cli: list reads the registries", "[cli]") {
  const auto o = run_cli("list");
  CHECK(o.code == 0);
  for (const char* name : {"gd", "ef21", "dasha", "lag", "local_sgd", "dist_ef_sgd", "identity", "randk", "topk",
                           "scaled_sign", "logreg", "logreg_nc", "quadratic", "a9a"})
    CHECK(o.output.find(name) != std::string::npos);
}
