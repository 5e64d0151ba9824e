#include "theory/seed_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/students_t.hpp>

namespace commopt {

double student_t_upper_tail(double t, double dof) {
  if (!(dof >= 1)) throw std::invalid_argument("student_t_upper_tail: dof must be >= 1");
  if (std::isinf(t)) return t > 0 ? 0.0 : 1.0;
  const boost::math::students_t dist(dof);
  return boost::math::cdf(boost::math::complement(dist, t));
}

double student_t_upper_quantile(double alpha, double dof) {
  if (!(alpha > 0 && alpha < 1)) throw std::invalid_argument("student_t_upper_quantile: alpha must be in (0, 1)");
  if (!(dof >= 1)) throw std::invalid_argument("student_t_upper_quantile: dof must be >= 1");
  const boost::math::students_t dist(dof);
  return boost::math::quantile(boost::math::complement(dist, alpha));
}

MeanSe mean_se(const std::vector<double>& v) {
  MeanSe m;
  if (v.empty()) return m;
  for (double x : v) m.mean += x / static_cast<double>(v.size());
  if (v.size() < 2) return m;
  double var = 0;
  for (double x : v) var += (x - m.mean) * (x - m.mean) / static_cast<double>(v.size() - 1);
  m.se = std::sqrt(var / static_cast<double>(v.size()));
  return m;
}

SupermartingaleTest supermartingale_test(const std::vector<std::vector<double>>& values, double mu0, double alpha,
                                         double se_floor, double det_tol) {
  SupermartingaleTest r;
  r.alpha = alpha;
  r.tested = values.size();
  r.worst_t = -std::numeric_limits<double>::infinity();
  if (values.empty()) return r;
  const std::size_t seeds = values.front().size();
  if (seeds < 2) throw std::invalid_argument("supermartingale_test: needs at least 2 seeds");
  const double dof = static_cast<double>(seeds - 1);
  r.critical_t = student_t_upper_quantile(alpha / static_cast<double>(r.tested), dof);
  for (std::size_t h = 0; h < values.size(); ++h) {
    const MeanSe m = mean_se(values[h]);
    const double excess = m.mean - mu0;
    if (m.se <= se_floor) {  // every seed gave the same value: an exact inequality
      if (excess > det_tol) r.deterministic_violation = true;
      ++r.deterministic_horizons;
      r.worst_deterministic_excess = std::max(r.worst_deterministic_excess, excess);
      continue;
    }
    const double t = excess / m.se;
    r.min_adjusted_p = std::min(r.min_adjusted_p, std::min(1.0, static_cast<double>(r.tested) * student_t_upper_tail(t, dof)));
    if (t > r.worst_t) r.worst_t = t, r.worst_excess = excess, r.worst_index = h;
  }
  return r;
}

std::vector<std::size_t> log_spaced_horizons(std::size_t T, std::size_t count) {
  std::vector<std::size_t> out;
  if (T < 2) return out;
  const double last = static_cast<double>(T - 1);
  count = std::max<std::size_t>(count, 2);
  for (std::size_t k = 0; k < count; ++k) {
    const auto h = static_cast<std::size_t>(std::llround(std::pow(last, static_cast<double>(k) / static_cast<double>(count - 1))));
    if (out.empty() || h > out.back()) out.push_back(std::clamp<std::size_t>(h, 1, T - 1));
  }
  if (out.back() != T - 1) out.push_back(T - 1);
  return out;
}

}  // namespace commopt
