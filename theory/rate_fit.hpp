// Sublinear rates fitted (issue 15 item 5): the log–log slope of the measured (1/T)Σ_{t<T}||∇f||²
// against T over the last decade and a half of the run, per seed, with a 95% Student-t interval
// over seeds, next to the slope of the card's own bound over the same T (the theorem's exponent
// there: −1 for 2Φ⁰/(γT), flatter when the bound has a noise floor). The steps of these cards do
// not depend on T, so one run per seed gives every horizon. Informational: a theorem bounds the
// value (checked by bound-avg-grad), not the slope; the row says `pass` when the measured curve
// decays at least as fast as the bound (slope ≤ bound's + 0.1) and `not-binding` otherwise.
#pragma once
#include <vector>

#include "methods/theorem.hpp"
#include "theory/checks.hpp"
#include "trace/trace.hpp"

namespace commopt {

struct SlopeFit {
  double slope = 0;     // mean over seeds
  double half_width = 0;  // 95% interval half-width over seeds (0 with one seed)
  double bound_slope = 0;
  int points = 0;
};
// Least-squares slope of log y against log x.
double loglog_slope(const std::vector<double>& x, const std::vector<double>& y);

CheckRow sublinear_rate_row(const CheckRow& base, const TheoremCard& card, const CardInputs& in,
                            const std::vector<std::vector<TraceRow>>& runs, std::size_t T, double phi0);

}  // namespace commopt
