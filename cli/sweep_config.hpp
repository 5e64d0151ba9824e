// The sweep file (TOML) as data, validated as a whole before anything runs: every error names
// FILE:LINE: key and the fix (UsageError, exit 2). Keys are listed in docs (README "Sweeps").
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace commopt::cli {

// One [[runs]] entry; method, compressor, problem and workers may each be a list (a grid), and a
// spec may hold list values (`topk[k=[1,2,4]]`), expanded by sweep_grid.
struct SweepRunEntry {
  std::vector<std::string> methods, compressors, problems;  // compressors empty: the method's default
  std::vector<int> workers;
  std::string label;  // user label ("" = derived)
  int line = 0;       // the [[runs]] header
  std::map<std::string, int> key_lines;  // method, compressor, problem, workers: where each was given
  int line_of(const std::string& key) const {
    auto it = key_lines.find(key);
    return it == key_lines.end() ? line : it->second;
  }
};

struct SweepConfig {
  std::string file, name, out_dir, select = "mean", split = "contiguous";
  std::string x = "bits_up_max";         // the budget axis for max_bits and the "bits to target" columns
  std::string target_on = "grad_norm_sq";
  int value_bits = 32;
  long long rounds = 1000, log_every = 0;
  bool rounds_given = false;
  std::vector<std::uint64_t> seeds{0};
  // Step sizes: γ = theory·2^i (stepsize_grid = "theory"), γ = 2^i ("absolute"), or a list of γ.
  std::vector<int> powers{0};
  bool absolute = false;
  std::vector<double> stepsizes;         // non-empty: these γ, replacing the powers
  std::optional<double> max_bits;
  std::vector<double> targets;
  std::vector<SweepRunEntry> runs;
};

// Round cap when max_bits or targets stop the runs and `rounds` is not given: a safety limit.
inline constexpr long long kSafetyRounds = 100000;

SweepConfig parse_sweep_config(const std::string& file);

// The target a run stops at: the smallest target when no max_bits is given. With max_bits the runs
// go on to the budget (the value at the budget is then comparable) and the first reach of each
// target is read from the logged rows.
inline std::optional<double> stop_target(const SweepConfig& c) {
  if (c.max_bits || c.targets.empty()) return std::nullopt;
  return c.targets.back();
}

// "FILE:LINE: key: message" (the one format of a sweep-file error).
std::string at_line(const std::string& file, int line, const std::string& key, const std::string& message);

}  // namespace commopt::cli
