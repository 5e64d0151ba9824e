// Deprecated spellings (README "Vocabulary"): an old flag, TOML key or method parameter still works
// and says, once per process on stderr, which name replaces it:
//   warning: --eps is deprecated, use --target
#pragma once
#include <string>

namespace commopt {

// Prints the warning the first time `old_spelling` is seen in this process (thread-safe); later
// uses are silent, so a sweep of 1000 runs with `s=2` warns once.
void warn_deprecated(const std::string& old_spelling, const std::string& new_spelling);

}  // namespace commopt
