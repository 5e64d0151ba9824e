// --seed as text: Boost.Program_options reads "-1" into a uint64_t as 2^64 - 1, so `run --seed -1`
// would silently use another seed. Parsed here: digits only, 0 <= seed <= 2^64 - 1, else UsageError.
#pragma once
#include <charconv>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/excerpt.hpp"

namespace commopt::cli {

inline std::uint64_t parse_seed(const std::string& text, const std::string& flag = "--seed") {
  std::uint64_t v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  const auto r = std::from_chars(b, e, v);
  const bool digits_only = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits_only || r.ec != std::errc() || r.ptr != e)
    throw UsageError(fmt::format("{} {}: give a whole number between 0 and 18446744073709551615", flag,
                                 excerpt(text)));
  return v;
}

}  // namespace commopt::cli
