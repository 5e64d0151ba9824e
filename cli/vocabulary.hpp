// One name per concept across the subcommands (README "Vocabulary"). Old flag spellings still work:
// they are rewritten to the one name before the options are parsed, with one warning each, e.g.
//   warning: --eps is deprecated, use --target
#pragma once
#include <string>
#include <vector>

namespace commopt::cli {

struct FlagAlias {
  const char* old_flag;
  const char* new_flag;
};

// --eps and --threshold -> --target; --budget -> --max-bits.
const std::vector<FlagAlias>& flag_aliases();

// `args` with every deprecated flag (`--eps 1e-3` or `--eps=1e-3`) replaced by its new name.
std::vector<std::string> canonical_flags(const std::vector<std::string>& args);

}  // namespace commopt::cli
