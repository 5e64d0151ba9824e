// The subcommands of `commopt`; each returns the process exit code (0 ok, 1 a check failed,
// 2 bad input). UsageErrors propagate to main(), which prints one line and returns 2.
#pragma once
#include <string>
#include <vector>

namespace commopt::cli {
int cmd_run(const std::vector<std::string>& args);
int cmd_list(const std::vector<std::string>& args);
int cmd_demo(const std::vector<std::string>& args);
int cmd_data(const std::vector<std::string>& args);
int cmd_check(const std::vector<std::string>& args);
int cmd_theory(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_reproduce(const std::vector<std::string>& args);
int cmd_plot(const std::vector<std::string>& args);
int cmd_completion(const std::vector<std::string>& args);
// The subcommands' names, in the order of `commopt --help` (main.cpp's table).
std::vector<std::string> command_names();
}  // namespace commopt::cli
