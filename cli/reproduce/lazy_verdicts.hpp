// The verdict rules of the lazy / error-feedback reproductions (lag-uploads, laq, qsparse-bits,
// dist-ef-two-way), as pure functions of the measured factors so that tests can check them on
// made-up numbers. A factor is baseline cost / method cost (e.g. GD's uploads over LAG's to the same
// target); nullopt when the method (or the baseline) never reached the target.
#pragma once
#include <algorithm>
#include <optional>

#include "cli/reproduce/report.hpp"

namespace commopt::reproduce {

// LAG (Chen et al. 2018): LAG-WK and LAG-PS reach the target with about an order of magnitude fewer
// uploads than GD. agrees: both >= 10x; disagrees: one never reaches it, or neither saves 2x.
inline Verdict lag_verdict(std::optional<double> wk_vs_gd, std::optional<double> ps_vs_gd) {
  if (!wk_vs_gd || !ps_vs_gd) return Verdict::disagrees;
  if (std::min(*wk_vs_gd, *ps_vs_gd) >= 10) return Verdict::agrees;
  if (std::max(*wk_vs_gd, *ps_vs_gd) < 2) return Verdict::disagrees;
  return Verdict::partly;
}

// LAQ (Sun et al. 2019): far fewer bits than GD, QGD and LAG to the same loss gap. agrees: an order of
// magnitude fewer than GD and at least 2x fewer than QGD and LAG; disagrees: not reached, or no saving
// (<= 1x) against one of them.
inline Verdict laq_verdict(std::optional<double> vs_gd, std::optional<double> vs_qgd, std::optional<double> vs_lag) {
  if (!vs_gd || !vs_qgd || !vs_lag) return Verdict::disagrees;
  if (std::min({*vs_gd, *vs_qgd, *vs_lag}) <= 1) return Verdict::disagrees;
  if (*vs_gd >= 10 && *vs_qgd >= 2 && *vs_lag >= 2) return Verdict::agrees;
  return Verdict::partly;
}

// Qsparse-local-SGD (Basu et al. 2019): > 1000x fewer bits than SGD and 10-15x fewer than TopK-SGD to
// the target. `vs_sgd` is the smaller factor over the SGD baselines (decaying and constant step).
// agrees: >= 1000x and >= 10x; disagrees: not reached, < 10x against SGD, or no saving against TopK.
inline Verdict qsparse_verdict(std::optional<double> vs_sgd, std::optional<double> vs_topk) {
  if (!vs_sgd || !vs_topk) return Verdict::disagrees;
  if (*vs_sgd < 10 || *vs_topk <= 1) return Verdict::disagrees;
  if (*vs_sgd >= 1000 && *vs_topk >= 10) return Verdict::agrees;
  return Verdict::partly;
}

// dist-EF-SGD (Zheng et al. 2019): the full-precision loss with ~32x fewer bits each way.
// `loss_excess` = (loss - full-precision loss) / full-precision loss; `bits_factor` = the smaller of the
// uplink and downlink factors. agrees: within 1% and >= 25x; disagrees: > 5% worse or < 8x.
inline Verdict dist_ef_verdict(double loss_excess, double bits_factor) {
  if (!(loss_excess <= 0.05) || !(bits_factor >= 8)) return Verdict::disagrees;
  if (loss_excess <= 0.01 && bits_factor >= 25) return Verdict::agrees;
  return Verdict::partly;
}

}  // namespace commopt::reproduce

namespace commopt::reproduce {

// EF-SGD (Karimireddy et al. 2019): with error feedback the scaled sign matches SGD, without it
// (signSGD) it can fail. Arguments: final f − f* of EF-signSGD and of signSGD over SGD's. agrees: EF
// within 2x of SGD and signSGD >= 10x worse; disagrees: EF more than 10x worse than SGD (or no
// number); partly otherwise.
inline Verdict ef_sgd_verdict(double ef_over_sgd, double sign_over_sgd) {
  if (!(ef_over_sgd <= 10)) return Verdict::disagrees;
  if (ef_over_sgd <= 2 && sign_over_sgd >= 10) return Verdict::agrees;
  return Verdict::partly;
}

}  // namespace commopt::reproduce

namespace commopt::reproduce {

// CSER (Xie et al. 2020): at a high compression ratio R_C CSER trains like full-precision SGD.
// Arguments: (final loss − dense loss) / dense loss at the high R_C and at a moderate one. agrees: within
// 2% at the high R_C; partly: within 2% at the moderate one or 10% at the high one; disagrees otherwise.
inline Verdict cser_verdict(double excess_high, double excess_moderate) {
  if (excess_high <= 0.02) return Verdict::agrees;
  if (excess_moderate <= 0.02 || excess_high <= 0.10) return Verdict::partly;
  return Verdict::disagrees;
}

}  // namespace commopt::reproduce
