// The options of a subcommand read back from its `--help` text as boost::program_options prints it
// ("  -n [ --workers ] arg (=10)  number of workers"): the source of `commopt completion` and of the
// test that every option has a description and a default.
#pragma once
#include <string>
#include <vector>

namespace commopt::cli {

struct HelpOption {
  std::string name;           // long name, without "--"
  char short_name = 0;        // 'n' of "-n [ --workers ]", 0 if none
  bool takes_value = false;   // printed with " arg"
  std::string default_value;  // X of "(=X)"; empty when boost shows none
  std::string description;    // wrapped lines joined by one space
};

// Every option line of the options block(s) of `help`. When there is none (a hand-written usage
// line), the `--name` words of the text, each without a description.
std::vector<HelpOption> parse_help_options(const std::string& help);

// The output of `commopt ARGS --help` (this executable, run as a child); empty when it fails.
std::string help_text_of(const std::string& args);

}  // namespace commopt::cli
