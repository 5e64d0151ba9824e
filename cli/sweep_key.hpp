// The resume key of a sweep run: the canonical, fully resolved configuration (method and
// compressor specs with every documented default filled in, the problem spec likewise, n, split,
// value bits, seed, the stop rule and log grid, the data file's identity and the binary's version).
// It is stored in the run's metadata ("sweep_key"); a trace is reused only on an exact match.
#pragma once
#include <map>
#include <string>

#include "cli/sweep_grid.hpp"

namespace commopt::cli {

// The data file a problem spec reads, as "path|size|fnv1a64 of the bytes"; "" for a problem
// without data. Memoized per (spec, data_dir) in `memo`.
std::string data_identity(const std::string& problem, const std::string& data_dir,
                          std::map<std::string, std::string>& memo);

// The canonical key (compact JSON text, keys sorted).
std::string run_key(const SweepConfig& cfg, const SweepCase& c, const SweepRun& r, const std::string& data_id);

// A spec with every documented default of `kind` (method, compressor, problem) filled in.
std::string with_defaults(const std::string& spec, const std::string& kind);

}  // namespace commopt::cli
