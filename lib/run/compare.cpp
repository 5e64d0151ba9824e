#include "run/compare.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/spec.hpp"

namespace commopt {

const std::vector<std::string>& numeric_columns() {
  static const std::vector<std::string> cols = [] {
    std::vector<std::string> c = trace_columns();
    c.erase(std::remove(c.begin(), c.end(), "status"), c.end());
    return c;
  }();
  return cols;
}

void require_column(std::string_view column, std::string_view what) {
  const auto& cols = numeric_columns();
  if (std::find(cols.begin(), cols.end(), column) == cols.end())
    throw UsageError(unknown_name_message(std::string(what) + " column", std::string(column), cols));
}

std::optional<double> column_value(const TraceRow& r, std::string_view c) {
  if (c == "round") return static_cast<double>(r.round);
  if (c == "grad_evals") return r.grad_evals;
  if (c == "bits_up") return r.bits_up;
  if (c == "bits_up_max") return r.bits_up_max;
  if (c == "bits_down") return r.bits_down;
  if (c == "participants") return static_cast<double>(r.participants);
  if (c == "loss") return r.loss;
  if (c == "grad_norm_sq") return r.grad_norm_sq;
  if (c == "gap") return r.gap;
  if (c == "lyapunov") return r.lyapunov;
  if (c == "accuracy") return r.accuracy;
  if (c == "seconds") return r.seconds;
  require_column(c, "trace");
  return std::nullopt;
}

std::optional<double> first_reach(const std::vector<TraceRow>& rows, std::string_view x, std::string_view y,
                                  double target) {
  require_column(x, "x");
  require_column(y, "y");
  for (const auto& r : rows) {
    const auto v = column_value(r, y);
    if (v && *v <= target) return column_value(r, x);
  }
  return std::nullopt;
}

std::optional<double> value_at_budget(const std::vector<TraceRow>& rows, std::string_view x, std::string_view y,
                                      double budget) {
  require_column(x, "x");
  require_column(y, "y");
  const TraceRow* last = nullptr;
  for (const auto& r : rows) {
    const auto v = column_value(r, x);
    if (v && *v <= budget) last = &r;
  }
  return last ? column_value(*last, y) : std::nullopt;
}

double papers_score(const std::vector<TraceRow>& rows, std::string_view y) {
  require_column(y, "y");
  if (rows.empty() || rows.back().status == RunStatus::diverged) return INFINITY;
  const std::size_t start = rows.size() / 10;
  double s = 0;
  for (std::size_t i = start; i < rows.size(); ++i) {
    const auto v = column_value(rows[i], y);
    if (!v || !std::isfinite(*v)) return INFINITY;
    s += std::log10(std::max(*v, 1e-300));
  }
  return s / static_cast<double>(rows.size() - start);
}

Spread spread(const std::vector<std::optional<double>>& values) {
  std::vector<double> v;
  Spread s{NAN, NAN, NAN};
  for (const auto& x : values)
    if (x) v.push_back(*x); else ++s.missing;
  s.present = static_cast<int>(v.size());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  s.median = v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
  s.min = v.front();
  s.max = v.back();
  return s;
}

}  // namespace commopt

namespace commopt {

std::vector<double> cumulative_uploads(const std::vector<TraceRow>& rows) {
  std::vector<double> out;
  double sum = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i > 0 && rows[i].round != rows[i - 1].round + 1)
      throw UsageError(fmt::format("uploads: the trace skips from round {} to {}; log every round (log_every = 1)",
                                   rows[i - 1].round, rows[i].round));
    sum += rows[i].participants;
    out.push_back(sum);
  }
  return out;
}

std::optional<double> uploads_to_reach(const std::vector<TraceRow>& rows, std::string_view y, double target) {
  require_column(y, "y");
  const auto uploads = cumulative_uploads(rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto v = column_value(rows[i], y);
    if (v && *v <= target) return uploads[i];
  }
  return std::nullopt;
}

}  // namespace commopt
