// The sweep's answer, per configuration: the best step size by the papers' rule (papers_score,
// mean over seeds or worst seed with select = "robust"), then at that step, over seeds (median and
// [min, max]): y at the equal budget max_bits on the x axis (the final y without a budget), and x
// and rounds to reach each target, with the count of seeds that never reached it. A configuration
// whose every step diverged is a row saying so; a best step at the grid's edge gets a warning.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/sweep_exec.hpp"
#include "run/compare.hpp"

namespace commopt::cli {

struct TargetSummary {
  double target = 0;
  Spread x, rounds;  // x (cfg.x) and rounds at the first row with y <= target; missing = never reached
};

struct CaseSummary {
  int best = -1;           // step index; -1: every step diverged
  double stepsize = 0;     // γ of the best step (from its metadata)
  std::string warning;     // best step at the grid's edge
  bool cap_hit = false;    // a best-step run stopped at the round cap although max_bits/targets were set
  Spread at_budget{};      // y at max_bits (or at the end)
  std::vector<TargetSummary> targets;
  int reused = 0;          // runs of this configuration read back
};

std::vector<CaseSummary> summarize(const SweepConfig& cfg, const SweepGrid& grid, const std::vector<RunOutcome>& runs);

// The table on stdout (with the warnings under it) and the JSON form (numbers as numbers, null for
// none).
void print_summary(const SweepConfig& cfg, const SweepGrid& grid, const std::vector<CaseSummary>& s);
nlohmann::json summary_json(const SweepConfig& cfg, const SweepGrid& grid, const std::vector<CaseSummary>& s);

}  // namespace commopt::cli
