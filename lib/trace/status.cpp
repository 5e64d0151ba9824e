#include "trace/status.hpp"

#include <array>
#include <utility>

namespace commopt {

namespace {
constexpr std::array<std::pair<RunStatus, std::string_view>, 8> kNames = {{
    {RunStatus::running, "running"},
    {RunStatus::converged, "converged"},
    {RunStatus::max_rounds, "max_rounds"},
    {RunStatus::max_bits, "max_bits"},
    {RunStatus::time_limit, "time_limit"},
    {RunStatus::diverged, "diverged"},
    {RunStatus::stopped, "stopped"},
    {RunStatus::interrupted, "interrupted"},
}};
}  // namespace

std::string_view to_string(RunStatus s) {
  for (const auto& [status, name] : kNames)
    if (status == s) return name;
  return "unknown";  // not reached: every enumerator is in kNames
}

std::optional<RunStatus> parse_status(std::string_view text) {
  for (const auto& [status, name] : kNames)
    if (name == text) return status;
  return std::nullopt;
}

}  // namespace commopt
