// Running a sweep's runs: the whole grid checked first (each problem built once, each method
// built once on it, so a bad spec value stops the sweep before any run), then the runs spread
// over `jobs` threads. Each thread builds its own problem objects; each run is single-threaded and
// depends only on its own configuration and seed, so the traces do not depend on `jobs`. A run
// whose complete trace carries the same key is read back instead of recomputed.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/sweep_grid.hpp"
#include "trace/trace.hpp"

namespace commopt::cli {

struct RunOutcome {
  std::vector<TraceRow> rows;
  nlohmann::json meta;  // the trace's metadata
  bool reused = false;
};

struct ExecOptions {
  int jobs = 1;
  std::string data_dir;
  bool progress = false;  // a done/total + ETA line on stderr
  bool verbose = false;   // one line on stdout per run as it ends
};

// Builds every problem and method of the grid once; UsageError naming FILE:LINE: key on failure.
void check_grid_builds(const SweepConfig& cfg, const SweepGrid& grid, const ExecOptions& opts);

// Runs (or reuses) every run of the grid; keys[i] is run i's resume key.
std::vector<RunOutcome> execute_sweep(const SweepConfig& cfg, const SweepGrid& grid,
                                      const std::vector<std::string>& keys, const ExecOptions& opts);

}  // namespace commopt::cli
