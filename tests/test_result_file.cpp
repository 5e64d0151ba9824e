// Result files appear complete or not at all (issue 16, items 1 and 2): checked writes, exclusive
// temporaries that never follow a planted link, no non-regular or input targets, no silent
// overwrite, and a full disk that leaves no file published as if complete.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_cli_helpers.hpp"
#include "test_problem_helpers.hpp"
#include "trace/result_file.hpp"

namespace fs = std::filesystem;
using commopt::ResultFile;
using commopt::UsageError;
using commopt::write_result_file;
using commopt::testing::lines;
using commopt::testing::run_cli;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
void put(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
}  // namespace

TEST_CASE("result file: written whole, published once, never overwritten without force", "[results]") {
  commopt::testing::TempDir dir;
  const fs::path p = dir / "sub" / "r.txt";
  write_result_file(p, "one\n", false);
  CHECK(slurp(p) == "one\n");
  CHECK_FALSE(fs::exists(dir / "sub" / "r.txt.partial"));
  CHECK_THROWS_WITH(write_result_file(p, "two\n", false), Catch::Contains("--force"));
  CHECK(slurp(p) == "one\n");
  write_result_file(p, "two\n", true);
  CHECK(slurp(p) == "two\n");
  {  // not committed (an interrupted writer): only the .partial, with what was written
    ResultFile f(dir / "i.txt", false);
    f.write("half");
  }
  CHECK_FALSE(fs::exists(dir / "i.txt"));
  CHECK(slurp(dir / "i.txt.partial") == "half");
  // ... which a second writer does not silently share
  CHECK_THROWS_WITH(ResultFile(dir / "i.txt", false), Catch::Contains("another run is writing"));
}

TEST_CASE("result file: a planted symlink is never followed", "[results]") {
  commopt::testing::TempDir dir;
  put(dir / "victim", "precious\n");
  fs::create_symlink(dir / "victim", dir / "r.txt.partial");
  CHECK_THROWS_AS(write_result_file(dir / "r.txt", "x\n", false), UsageError);
  CHECK(slurp(dir / "victim") == "precious\n");
  write_result_file(dir / "r.txt", "x\n", true);  // --force replaces the link itself
  CHECK(slurp(dir / "victim") == "precious\n");
  CHECK(slurp(dir / "r.txt") == "x\n");
  fs::create_symlink(dir / "victim", dir / "link.txt");  // the target itself a link
  CHECK_THROWS_WITH(write_result_file(dir / "link.txt", "y\n", true), Catch::Contains("symbolic link"));
  CHECK(slurp(dir / "victim") == "precious\n");
}

TEST_CASE("result file: devices, directories and inputs are refused before anything is written", "[results]") {
  commopt::testing::TempDir dir;
  CHECK_THROWS_WITH(write_result_file("/dev/null", "x", true), Catch::Contains("not a regular file"));
  CHECK(fs::is_character_file("/dev/null"));
  CHECK_THROWS_WITH(write_result_file(dir.path(), "x", true), Catch::Contains("is a directory"));
  put(dir / "data.txt", "+1 1:1\n");
  CHECK_THROWS_WITH(commopt::check_result_target(dir / "data.txt", true, "--out", {dir / "data.txt"}),
                    Catch::Contains("is an input"));
  put(dir / "file", "");
  CHECK_THROWS_WITH(write_result_file(dir / "file" / "x.json", "x", true), Catch::Contains("cannot create the directory"));
}

TEST_CASE("result file: a failed write (file size limit) publishes nothing and names the OS error", "[results]") {
  commopt::testing::TempDir dir;
  const fs::path p = dir / "big.txt";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {  // the child hits RLIMIT_FSIZE as a full disk would hit ENOSPC
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit lim{4096, 4096};
    setrlimit(RLIMIT_FSIZE, &lim);
    try {
      write_result_file(p, std::string(100000, 'x'), false);
    } catch (const UsageError& e) {
      _exit(std::string(e.what()).find("File too large") != std::string::npos ? 0 : 1);
    }
    _exit(2);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_FALSE(fs::exists(p));
  CHECK_FALSE(fs::exists(dir / "big.txt.partial"));
}

TEST_CASE("run --out: bad targets fail before the run, results are kept, a full disk exits non-zero", "[results][cli]") {
  commopt::testing::TempDir dir;
  const std::string run = "run --problem 'quadratic[d=8]' -n 2 --method gd --rounds 30 -q ";
  const std::string out = (dir / "t.csv").string();
  REQUIRE(run_cli(run + "-o " + out).code == 0);
  const std::string first = slurp(out);
  auto again = run_cli(run + "--seed 1 -o " + out);
  CHECK(again.code == 2);
  CHECK(lines(again.output) == 1);
  CHECK(again.output.find("--force") != std::string::npos);
  CHECK(slurp(out) == first);
  CHECK(run_cli(run + "--seed 1 --force -o " + out).code == 0);

  for (const std::string& bad : {dir.path().string(), std::string("/dev/null"), (dir / "x.json").string()}) {
    INFO(bad);
    const auto o = run_cli(run + "-o " + bad);
    CHECK(o.code == 2);
    CHECK(lines(o.output) == 1);
  }
  CHECK(fs::is_character_file("/dev/null"));

  // The dataset itself as --out: refused, the data untouched.
  const std::string tiny = "+1 1:1 2:0.5\n-1 1:-1 3:2\n+1 2:1\n-1 3:-0.5\n";
  put(dir / "tiny.txt", tiny);
  const auto o = run_cli("run --problem 'logreg[data=" + (dir / "tiny.txt").string() + "]' -n 2 --rounds 3 -q --force -o " +
                         (dir / "tiny.txt").string());
  INFO(o.output);
  CHECK(o.code == 2);
  CHECK(o.output.find("is an input") != std::string::npos);
  CHECK(slurp(dir / "tiny.txt") == tiny);

  // A full disk (here: the file size limit) mid-run: exit non-zero, the OS error named, no final file.
  const std::string full = "bash -c \"trap '' XFSZ; ulimit -f 4; exec " + std::string(COMMOPT_BINARY) +
                           " run --problem 'quadratic[d=8]' -n 2 --method gd --rounds 400 --log-every 1 -q -o " +
                           (dir / "full.csv").string() + "\" 2>&1";
  std::FILE* pipe = popen(full.c_str(), "r");
  REQUIRE(pipe);
  std::string text;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe)) text += buf;
  const int status = pclose(pipe);
  INFO(text);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(text.find("File too large") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "full.csv"));
  CHECK_FALSE(fs::exists(dir / "full.json"));
}
