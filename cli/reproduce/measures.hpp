// Paired comparisons over seeds for the reproductions: one number per seed from each run's trace,
// the ratio of two configurations seed by seed (the papers' "k× fewer bits"), table cells with the
// median and range, runs on one synthetic problem instance per seed, and curves against uploads.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/reproduce/experiment.hpp"

namespace commopt::reproduce {

using PerSeed = std::vector<std::optional<double>>;
using TraceMeasure = std::function<std::optional<double>(const std::vector<TraceRow>&)>;

// f(trace) for each seed's trace, in the runs' seed order.
PerSeed per_seed(const SeedRuns& runs, const TraceMeasure& f);
// a_i / b_i for the seeds where both are present and b_i > 0 (a seed missing from either is missing).
PerSeed ratio(const PerSeed& a, const PerSeed& b);
// "median [min, max] (present/total)" of the values present; "not reached (0/k)" when none is.
std::string cell(const PerSeed& v);
// The median over seeds when every seed has a value (a verdict reads it); nullopt otherwise.
std::optional<double> med(const PerSeed& v);

// Like run_seeds, but seed s runs on the problem instance `problem[seed=s]` (synthetic problems whose
// data come from their own seed= parameter), so the spread over seeds is over problem instances.
SeedRuns run_instances(const Context& ctx, const Config& config, const Budget& budget);

// y against the cumulative uploads (summed over workers) of every seed: median and min–max band.
// The traces must log every round (cumulative_uploads).
plots::Curve uploads_curve(const SeedRuns& runs, std::string_view y);

}  // namespace commopt::reproduce
