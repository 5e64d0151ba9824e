// Comparing runs by their traces: a column by name, where a run first reaches a target, its value
// at a budget, the papers' best-step score, and a quantity summarised over seeds (median and range).
// One home for these rules, used by `sweep`, `plot` and `reproduce`.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.hpp"

namespace commopt {

// The numeric trace columns (every column but status), in trace order.
const std::vector<std::string>& numeric_columns();
// The value of a numeric column in a row; nullopt where the row has none (gap without f*, lyapunov,
// accuracy). UsageError naming the valid columns for an unknown name.
std::optional<double> column_value(const TraceRow& r, std::string_view column);
// UsageError unless `column` names a numeric column; `what` is the option, e.g. "--x".
void require_column(std::string_view column, std::string_view what);

// x at the first row whose y is <= target (the papers' "bits to reach ε"); nullopt when never reached.
std::optional<double> first_reach(const std::vector<TraceRow>& rows, std::string_view x, std::string_view y,
                                  double target);
// y at the last logged row whose x is <= budget (the comparison at an equal budget); nullopt when no
// row is within the budget or that row has no y.
std::optional<double> value_at_budget(const std::vector<TraceRow>& rows, std::string_view x, std::string_view y,
                                      double budget);
// The papers' best-γ score (dasha-family.md §5): the mean of log10 y over the last 90% of the logged
// rows; +inf for a diverged run or one with a non-finite value, so it never wins.
double papers_score(const std::vector<TraceRow>& rows, std::string_view y = "grad_norm_sq");

// A quantity over seeds: median, min and max of the values present; `missing` counts the absent ones
// (e.g. seeds that never reached the target). All NaN when none is present.
struct Spread {
  double median, min, max;
  int present = 0, missing = 0;
};
Spread spread(const std::vector<std::optional<double>>& values);

}  // namespace commopt

namespace commopt {

// The papers' "communications" (LAG, LAQ: uploads summed over workers) from the `participants`
// column (the uploads made in that round): element i is the sum over rows 0..i. Needs every round
// logged (log_every = 1); UsageError naming the first skipped round otherwise.
std::vector<double> cumulative_uploads(const std::vector<TraceRow>& rows);
// Uploads up to and including the first row whose y is <= target; nullopt when never reached.
std::optional<double> uploads_to_reach(const std::vector<TraceRow>& rows, std::string_view y, double target);

}  // namespace commopt
