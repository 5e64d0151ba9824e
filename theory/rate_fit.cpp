#include "theory/rate_fit.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "theory/seed_stats.hpp"

namespace commopt {

double loglog_slope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double a = std::log(x[k]), b = std::log(y[k]);
    sx += a, sy += b, sxx += a * a, sxy += a * b;
  }
  const double den = n * sxx - sx * sx;
  return den != 0 ? (n * sxy - sx * sy) / den : 0;
}

CheckRow sublinear_rate_row(const CheckRow& base, const TheoremCard& card, const CardInputs& in,
                            const std::vector<std::vector<TraceRow>>& runs, std::size_t T, double phi0) {
  CheckRow r = base;
  r.id = "rate-fit";
  const std::size_t last = T - 1, first = std::max<std::size_t>(1, last / 32);
  std::vector<std::size_t> horizons;
  for (std::size_t h : log_spaced_horizons(T, 40))
    if (h >= first) horizons.push_back(h);
  if (last < 16 || horizons.size() < 4) {
    r.verdict = "skipped";
    r.note = "too few rounds to fit a slope";
    return r;
  }
  std::vector<double> xs, bounds;
  for (std::size_t h : horizons) {
    const auto b = card.avg_grad_sq_bound(in, phi0, static_cast<long long>(h));
    if (!b || !(*b > 0)) {
      r.verdict = "skipped";
      r.note = "the card's bound is not evaluable at every T";
      return r;
    }
    xs.push_back(static_cast<double>(h));
    bounds.push_back(*b);
  }
  std::vector<double> slopes;
  for (const auto& run : runs) {
    std::vector<double> avg;
    double sum = 0;
    std::size_t next = 0;
    for (std::size_t t = 1; t < T && next < horizons.size(); ++t) {
      sum += run[t - 1].grad_norm_sq;
      if (t == horizons[next]) avg.push_back(std::max(sum / static_cast<double>(t), 1e-300)), ++next;
    }
    slopes.push_back(loglog_slope(xs, avg));
  }
  const MeanSe m = mean_se(slopes);
  const double hw = slopes.size() > 1 ? student_t_upper_quantile(0.025, static_cast<double>(slopes.size() - 1)) * m.se : 0;
  const double bslope = loglog_slope(xs, bounds);
  r.measured = m.mean;
  r.bound = bslope;
  r.verdict = m.mean <= bslope + 0.1 ? "pass" : "not-binding";
  r.note = fmt::format("INFORMATIONAL: log-log slope of (1/T) sum_t |grad f|^2 over T in [{}, {}] ({} points): {:.3f}{} "
                       "vs the card's bound's slope {:.3f} over the same T (theorem: {}); the step does not depend on T",
                       horizons.front(), horizons.back(), horizons.size(), m.mean,
                       slopes.size() > 1 ? fmt::format(" +- {:.3f} (95% Student-t over {} seeds)", hw, slopes.size())
                                         : std::string(" (one deterministic run)"),
                       bslope, card.bound);
  return r;
}

}  // namespace commopt
