// aggregate_seeds(): seeds of one configuration as one curve. Seed s is the step function
//   y_s(x) = y of the last logged row whose x <= x   (rows ordered by x, stable),
// defined on [x_s,first, x_s,last]. On X = the union of the seeds' x values inside
// [max_s x_s,first, min_s x_s,last] (the range every seed covers), the curve is
//   y(x) = median_s y_s(x),  y_low(x) = min_s y_s(x),  y_high(x) = max_s y_s(x)
// (the median of an even count is the mean of the two middle values: commopt::spread).
#include <algorithm>
#include <cmath>

#include "figure.hpp"
#include "run/compare.hpp"

namespace commopt::plots {

namespace {

using Series = std::vector<std::pair<double, double>>;  // (x, y), sorted by x

Series series_of(const std::vector<TraceRow>& rows, std::string_view x, std::string_view y) {
  Series s;
  for (const auto& r : rows) {
    const auto xv = column_value(r, x), yv = column_value(r, y);
    if (xv && yv && std::isfinite(*xv)) s.emplace_back(*xv, *yv);
  }
  std::stable_sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return s;
}

// y of the last point with x <= at (the series covers `at`).
double step_value(const Series& s, double at) {
  const auto it = std::upper_bound(s.begin(), s.end(), at, [](double v, const auto& p) { return v < p.first; });
  return std::prev(it)->second;
}

}  // namespace

Curve aggregate_seeds(std::string label, const std::vector<std::vector<TraceRow>>& seeds, std::string_view x,
                      std::string_view y) {
  require_column(x, "x");
  require_column(y, "y");
  Curve c;
  c.label = std::move(label);
  std::vector<Series> all;
  for (const auto& rows : seeds) all.push_back(series_of(rows, x, y));
  if (all.empty()) return c;
  double lo = -INFINITY, hi = INFINITY;
  for (const auto& s : all) {
    if (s.empty()) return c;  // a seed without a value: no range that every seed covers
    lo = std::max(lo, s.front().first);
    hi = std::min(hi, s.back().first);
  }
  std::vector<double> xs;
  for (const auto& s : all)
    for (const auto& p : s)
      if (p.first >= lo && p.first <= hi) xs.push_back(p.first);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  for (double at : xs) {
    std::vector<std::optional<double>> values;
    for (const auto& s : all) values.push_back(step_value(s, at));
    const Spread sp = spread(values);
    c.x.push_back(at);
    c.y.push_back(sp.median);
    c.y_low.push_back(sp.min);
    c.y_high.push_back(sp.max);
  }
  return c;
}

}  // namespace commopt::plots
