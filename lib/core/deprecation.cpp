#include "core/deprecation.hpp"

#include <mutex>
#include <set>

#include <fmt/format.h>

namespace commopt {

void warn_deprecated(const std::string& old_spelling, const std::string& new_spelling) {
  static std::mutex mutex;
  static std::set<std::string> seen;
  const std::lock_guard<std::mutex> lock(mutex);
  if (!seen.insert(old_spelling).second) return;
  fmt::print(stderr, "warning: {} is deprecated, use {}\n", old_spelling, new_spelling);
  std::fflush(stderr);
}

}  // namespace commopt
