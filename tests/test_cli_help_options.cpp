// Every option in every subcommand's --help has a description, and every option that takes a value
// shows its default (boost's "(=X)") or says in words what happens without it ("default ..." or
// "required"). The subcommands are read from `commopt --help`; `data` has three of its own.
// The parser of the help layout (cli/help_options.cpp) is checked on a fixed text first.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <regex>
#include <sstream>

#include "cli/help_options.hpp"
#include "tests/test_cli_helpers.hpp"

using commopt::cli::parse_help_options;
using commopt::testing::run_shell;

namespace {

std::vector<std::string> subcommands() {
  const auto top = run_shell(std::string(COMMOPT_BINARY) + " --help");
  REQUIRE(top.code == 0);
  std::vector<std::string> out;
  std::istringstream in(top.output);
  bool in_list = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "commands:") {
      in_list = true;
    } else if (in_list && line.starts_with("  ")) {
      std::istringstream words(line);
      std::string name;
      words >> name;
      if (name == "data") {
        for (const char* sub : {"data info", "data constants", "data fetch"}) out.emplace_back(sub);
      } else {
        out.push_back(name);
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("help parser reads boost's layout: names, values, defaults, wrapped descriptions", "[help]") {
  const auto opts = parse_help_options(
      "commopt x options:\n"
      "  -h [ --help ]              this help\n"
      "  --problem arg              problem spec, e.g. logreg[data=a9a,lambda=0.0\n"
      "                             01] (required)\n"
      "  -n [ --workers ] arg (=10) number of workers\n"
      "  --force\n"
      "\n"
      "  --not-an-option-after-the-block   ignored? no: a second block\n");
  REQUIRE(opts.size() == 5);
  CHECK(opts[0].name == "help");
  CHECK(opts[0].short_name == 'h');
  CHECK_FALSE(opts[0].takes_value);
  CHECK(opts[1].name == "problem");
  CHECK(opts[1].takes_value);
  CHECK(opts[1].description == "problem spec, e.g. logreg[data=a9a,lambda=0.0 01] (required)");
  CHECK(opts[2].name == "workers");
  CHECK(opts[2].short_name == 'n');
  CHECK(opts[2].default_value == "10");
  CHECK(opts[3].name == "force");
  CHECK(opts[3].description.empty());
}

TEST_CASE("help parser reads a hand-written option list too", "[help]") {
  const auto opts = parse_help_options(
      "usage: commopt list [--data-dir DIR]\n\n"
      "  --data-dir DIR   first directory to search for datasets (default: none)\n"
      "  -q, --quiet      no text\n"
      "  --json PATH      also write JSON\n");
  REQUIRE(opts.size() == 3);
  CHECK(opts[0].name == "data-dir");
  CHECK(opts[0].takes_value);
  CHECK(opts[0].description == "first directory to search for datasets (default: none)");
  CHECK(opts[1].name == "quiet");
  CHECK(opts[1].short_name == 'q');
  CHECK_FALSE(opts[1].takes_value);
  CHECK(opts[2].name == "json");
  CHECK(opts[2].takes_value);
}

TEST_CASE("every subcommand's --help: each option described, each value option with its default", "[help]") {
  static const std::regex says_default(R"(default|required)", std::regex::icase);
  const auto cmds = subcommands();
  REQUIRE(cmds.size() >= 10);
  int options_seen = 0;
  for (const auto& cmd : cmds) {
    const auto help = run_shell(std::string(COMMOPT_BINARY) + " " + cmd + " --help");
    INFO("commopt " << cmd << " --help:\n" << help.output);
    REQUIRE(help.code == 0);
    for (const auto& o : parse_help_options(help.output)) {
      ++options_seen;
      INFO("option --" << o.name);
      CHECK_FALSE(o.description.empty());
      if (o.takes_value) CHECK((!o.default_value.empty() || std::regex_search(o.description, says_default)));
    }
  }
  CHECK(options_seen > 60);
}
