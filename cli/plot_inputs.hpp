// `commopt plot`'s inputs: trace files (x.csv with its metadata x.json beside), directories (every
// complete trace .csv under them) and a sweep's results (a directory holding the index runs.csv).
// Runs that differ only in their seed form one configuration, drawn as one curve.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trace/trace.hpp"

namespace commopt::cli {

// What identifies a run, from its metadata (or the index row when the metadata lacks it).
struct RunIdentity {
  std::string problem, method, compressor, split;  // method: the spec without its stepsize key
  std::string workers, value_bits, stepsize, seed; // as text; stepsize: the step the run used
};

struct PlotRun {
  std::filesystem::path trace;
  nlohmann::json meta;        // null when the trace has no metadata beside it
  RunIdentity id;
  std::string config;         // the configuration's key (the index's `config`, else the identity)
  std::optional<bool> index_best;  // the index's `best` column (1: its configuration's best step)
  std::vector<TraceRow> rows;
};

struct PlotGroup {
  std::string label;          // legend: the identity parts that differ between groups
  std::vector<PlotRun> runs;  // its seeds
};

// Reads every input (UsageError naming the input and the fix: missing file, not a trace, a
// runs.csv without the `trace` column, no runs found). `notes` gets one line per skipped run.
std::vector<PlotRun> read_plot_inputs(const std::vector<std::string>& inputs, std::vector<std::string>& notes);

// One group per configuration, in order of first appearance. best_step: of the configurations
// that differ only in their step size, keep the best: the one a sweep's index marks `best` = 1,
// else the best papers' score (the mean over seeds of papers_score, as `sweep` picks). `title` gets the identity parts all groups share.
std::vector<PlotGroup> group_runs(std::vector<PlotRun> runs, bool best_step, std::string& title);

}  // namespace commopt::cli
