// What a run's metadata holds beyond the method and the problem: everything needed to rerun it and
// to tell two runs apart — the command line, the stop rule with all its limits, the log grid, and
// the environment (host, threads, build type, version). job.cpp writes these into every run's JSON.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "run/run.hpp"

namespace commopt {

// The process's command line, recorded once by main() (shell-quoted where needed).
void set_command_line(int argc, const char* const* argv);
const std::string& command_line();  // empty when main() did not record it (tests)

// {"rounds", "rounds_is_safety_cap", "max_bits", "target", "target_on", "time_limit",
//  "divergence_factor"}: absent limits are null.
nlohmann::json stop_meta(const StopRule& stop);
// {"every", "growth"}: every = 0 means the log-spaced grid with this growth.
nlohmann::json log_grid_meta(const LogGrid& grid);
// {"host", "threads" (OpenMP's maximum), "build_type", "version", "git_revision"}.
nlohmann::json environment_meta();

}  // namespace commopt
