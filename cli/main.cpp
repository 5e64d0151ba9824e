// commopt: communication-efficient distributed optimization, run, counted and checked.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <boost/program_options/errors.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/spec.hpp"
#include "core/version.hpp"
#include "run/run_metadata.hpp"

namespace {

struct Command {
  const char* name;
  const char* doc;
  int (*fn)(const std::vector<std::string>&);
};

const std::vector<Command>& commands() {
  static const std::vector<Command> cmds = {
      {"run", "run one method on one problem and write its trace", &commopt::cli::cmd_run},
      {"list", "list methods, compressors, problems or datasets", &commopt::cli::cmd_list},
      {"demo", "the default job on the shipped data: every method on a9a, one table", &commopt::cli::cmd_demo},
      {"data", "a dataset's sizes and checksum, or a problem's constants and f*", &commopt::cli::cmd_data},
      {"check", "every method's theorem as executable checks; exit 1 when one breaks", &commopt::cli::cmd_check},
      {"theory", "a method's theorem card filled with the problem's numbers", &commopt::cli::cmd_theory},
      {"sweep", "an experiment (TOML): runs x step-size grid x seeds, resumable; one table", &commopt::cli::cmd_sweep},
      {"plot", "figures from traces or a sweep: median over seeds with a band, PNG/SVG + .dat/.gp", &commopt::cli::cmd_plot},
      {"reproduce", "a paper's claim as a command: runs, report with figures and a verdict", &commopt::cli::cmd_reproduce},
      {"completion", "bash or zsh completion script, generated from the registries", &commopt::cli::cmd_completion},
  };
  return cmds;
}

}  // namespace

std::vector<std::string> commopt::cli::command_names() {
  std::vector<std::string> names;
  for (const auto& c : commands()) names.push_back(c.name);
  return names;
}

namespace {

void usage(std::FILE* to) {
  fmt::print(to, "commopt {} — communication-efficient distributed optimization\n\n", commopt::version());
  fmt::print(to, "usage: commopt <command> [options]   (commopt <command> --help for its options)\n\ncommands:\n");
  for (const auto& c : commands()) fmt::print(to, "  {:<11} {}\n", c.name, c.doc);
}

}  // namespace

int main(int argc, char** argv) {
  commopt::set_command_line(argc, argv);  // recorded in every run's metadata
  // Eigen's own OpenMP products would start a spin-waiting team inside every worker task; the
  // parallelism is the simulator's (net/worker_pool.hpp) and the runs' (check/sweep -j).
  Eigen::setNbThreads(1);
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string name = argv[1];
  // Old spellings (--eps, --threshold, --budget) become the one name in each command's parser, where
  // its options are known (cli/vocabulary.hpp).
  std::vector<std::string> args(argv + 2, argv + argc);
  if (name == "help" && argc >= 3) {  // `commopt help CMD` is `commopt CMD --help`
    name = argv[2];
    args = {"--help"};
  } else if (name == "--help" || name == "-h" || name == "help") {
    usage(stdout);
    return 0;
  }
  if (name == "--version") {
    fmt::print("commopt {} ({})\n", commopt::version(), commopt::git_revision());
    return 0;
  }
  std::vector<std::string> names;
  for (const auto& c : commands()) names.push_back(c.name);
  try {
    for (const auto& c : commands())
      if (name == c.name) return c.fn(args);
    throw commopt::UsageError(commopt::unknown_name_message("command", name, names));
  } catch (const commopt::UsageError& e) {
    fmt::print(stderr, "commopt: error: {}\n", e.what());
    return 2;
  } catch (const boost::program_options::error& e) {
    fmt::print(stderr, "commopt {}: error: {} (see commopt {} --help)\n", name, e.what(), name);
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "commopt: internal error: {}\n", e.what());
    return 3;
  }
}
