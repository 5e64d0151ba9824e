// SIGINT and SIGTERM end a run cleanly (issue 16, item 8): the trace is finished with status
// `interrupted`, the metadata is written, and the command exits 130.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "run/interrupt.hpp"
#include "run/job.hpp"
#include "test_method_helpers.hpp"
#include "test_problem_helpers.hpp"
#include "trace/trace.hpp"

namespace fs = std::filesystem;

namespace {
// Starts a long run, waits for its .partial trace, sends `sig`, and returns the exit code.
int interrupt_run(const fs::path& out, int sig) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    execl(COMMOPT_BINARY, COMMOPT_BINARY, "run", "--problem", "quadratic[d=40]", "-n", "3", "--method", "gd",
          "--rounds", "100000000", "--log-every", "500", "-q", "-o", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  fs::path partial = out;
  partial += ".partial";
  for (int i = 0; i < 600 && !fs::exists(partial); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // some rounds in
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}
}  // namespace

TEST_CASE("run: SIGINT or SIGTERM finishes the trace as interrupted and exits 130", "[results][interrupt]") {
  for (const int sig : {SIGINT, SIGTERM}) {
    INFO("signal " << sig);
    commopt::testing::TempDir dir;
    const fs::path out = dir / "long.csv";
    CHECK(interrupt_run(out, sig) == commopt::kInterruptedExitCode);
    REQUIRE(fs::exists(out));
    CHECK_FALSE(fs::exists(dir / "long.csv.partial"));
    const auto rows = commopt::read_trace_csv(out);
    REQUIRE(rows.size() >= 2);
    CHECK(rows.back().status == commopt::RunStatus::interrupted);
    CHECK(rows.back().round < 100000000);
    std::ifstream in(dir / "long.json");
    const auto meta = nlohmann::json::parse(in);
    CHECK(meta["termination"] == "interrupted");
    CHECK(meta["rounds"] == rows.back().round);
  }
}

TEST_CASE("run_rounds: a pending interrupt stops after the current round", "[results][interrupt]") {
  auto p = commopt::testing::problem("quadratic[d=10]", 2);
  commopt::JobSpec job;
  job.stop.rounds = 1000;
  commopt::request_interrupt();
  const auto r = commopt::run_job(*p, job);
  commopt::clear_interrupt();
  CHECK(r.run.status == commopt::RunStatus::interrupted);
  CHECK(r.run.rounds == 0);  // the initialization (round 0) completes, then the loop stops
  CHECK(r.rows.back().status == commopt::RunStatus::interrupted);
}
