// The run status's text (trace/status.hpp): the words traces have always held, and back.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "trace/status.hpp"

using commopt::RunStatus;

TEST_CASE("every run status has its trace text and parses back", "[trace]") {
  const std::vector<std::pair<RunStatus, std::string>> all = {
      {RunStatus::running, "running"},       {RunStatus::converged, "converged"},
      {RunStatus::max_rounds, "max_rounds"}, {RunStatus::max_bits, "max_bits"},
      {RunStatus::time_limit, "time_limit"}, {RunStatus::diverged, "diverged"},
      {RunStatus::stopped, "stopped"},       {RunStatus::interrupted, "interrupted"}};
  for (const auto& [status, text] : all) {
    CHECK(commopt::to_string(status) == text);
    CHECK(commopt::parse_status(text) == status);
  }
  CHECK_FALSE(commopt::parse_status("done"));
  CHECK_FALSE(commopt::parse_status(""));
  CHECK_FALSE(commopt::parse_status("Diverged"));
}
