// Running the commopt binary from a test as a user would: the command line, stdout and stderr
// together, and the exit code. Every call searches the shared datasets first.
#pragma once
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace commopt::testing {

struct Outcome {
  int code = -1;
  std::string output;  // stdout and stderr together
};

// A shell command line as given (stdout and stderr together) and its exit code.
inline Outcome run_shell(const std::string& cmd) {
  Outcome o;
  std::FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) o.output += buf.data();
  const int status = pclose(pipe);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

// `cwd`: run in this directory (for commands that write default file names); empty: the test's own.
inline Outcome run_cli(const std::string& args, const std::string& cwd = "") {
  std::string cmd = std::string(COMMOPT_BINARY) + " " + args + " --data-dir " + COMMOPT_SHARED_DATASETS;
  if (!cwd.empty()) cmd = "cd '" + cwd + "' && " + cmd;
  return run_shell(cmd);
}

inline int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace commopt::testing
