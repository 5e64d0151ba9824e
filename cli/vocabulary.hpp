// One name per concept across the subcommands (README "Vocabulary"). Old flag spellings still work
// on a command that has the new name: they are rewritten before the options are parsed, with one
// warning each, e.g.
//   warning: --eps is deprecated, use --target
// On a command without the new name the old flag is an error naming the flag typed and the options
// the command takes (exit 2), never a complaint about a name the user did not type.
#pragma once
#include <string>
#include <vector>

#include <boost/program_options/options_description.hpp>

namespace commopt::cli {

struct FlagAlias {
  const char* old_flag;
  const char* new_flag;
};

// --eps and --threshold -> --target; --budget -> --max-bits.
const std::vector<FlagAlias>& flag_aliases();

// `args` with every deprecated flag (`--eps 1e-3` or `--eps=1e-3`) replaced by its new name when
// `desc` (the options of `command`, e.g. "check" or "data fetch") has that name; otherwise a
// UsageError: "check: --eps (the old name of --target) is not an option of check; it takes
// --suite, --method, ... (commopt check --help)".
std::vector<std::string> canonical_flags(const std::vector<std::string>& args,
                                         const boost::program_options::options_description& desc,
                                         const std::string& command);

}  // namespace commopt::cli
