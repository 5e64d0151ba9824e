// The sweep's index: out_dir/runs.csv and out_dir/runs.jsonl, one row per run, written at the end
// atomically (a temporary, then rename). Columns: trace (relative to out_dir), config (the
// configuration label with its step: what `commopt plot` groups curves by), label, method,
// compressor, problem, workers, split, seed, stepsize (γ used), stepsize_spec, value_bits, status,
// best (1 at the configuration's best step), rounds, bits_up_max, grad_norm_sq (final values);
// runs.jsonl adds params (the resolved method_info) and key (the resume key).
#pragma once
#include <string>
#include <vector>

#include "cli/sweep_summary.hpp"

namespace commopt::cli {

void write_sweep_index(const SweepConfig& cfg, const SweepGrid& grid, const std::vector<RunOutcome>& runs,
                       const std::vector<CaseSummary>& sums, const std::vector<std::string>& keys);


}  // namespace commopt::cli
